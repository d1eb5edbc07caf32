//! The lmi HTTP API (axum): routing, extraction, content negotiation and problem responses.
//! Handlers ask lmi-report for their bodies, from a snapshot indexed in memory at load time
//! (`ServedSnapshot`); nothing is computed per request beyond lookups. The served snapshot is
//! swapped atomically when a new one is published. Errors are `application/problem+json`.

mod caches;
mod charts;
mod config;
mod dashboard;
mod error;
mod export;
mod extract;
mod handlers;
mod http;
mod limit;
mod maps;
mod metrics;
mod openapi;
mod ops;
mod postcodes;
mod respcache;
mod similar;
mod state;
mod web;

pub use config::{ApiConfig, CorsOrigins, TrustedProxies};
pub use error::{ApiError, Problem};
pub use export::Format;
pub use limit::PeerAddr;
pub use lmi_report::{Dashboards, GeoIndex, ServedSnapshot};
pub use openapi::{ApiDoc, openapi_document};
pub use state::{
    AppState, AppStateBuilder, RefreshError, RefreshStatus, Refresher, ReloadError, ReloadOutcome,
    now_rfc3339,
};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use std::time::Duration;
use tower::{ServiceBuilder, ServiceExt};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::cors::{AllowOrigin, Any, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::{DefaultOnResponse, TraceLayer};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The full router with every layer, ready to serve.
pub fn router(state: AppState) -> Router {
    let config = state.config().clone();
    let routes = Router::new()
        .route("/", get(web::index))
        .route("/assets/{file}", get(web::asset))
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/v1/docs", get(openapi::docs))
        .route("/v1/openapi.json", get(openapi::openapi_json))
        .route("/v1/areas", get(handlers::list_areas))
        .route("/v1/areas/{code}", get(handlers::get_area))
        .route("/v1/postcodes/{postcode}", get(postcodes::get_postcode))
        .route("/v1/areas/{code}/profile", get(handlers::profile))
        .route("/v1/areas/{code}/similar", get(similar::similar))
        .route(
            "/v1/areas/{code}/breakdowns/{id}",
            get(handlers::area_breakdown),
        )
        .route("/v1/areas/{code}/flows", get(handlers::area_flows))
        .route(
            "/v1/areas/{code}/supply-demand",
            get(handlers::supply_demand),
        )
        .route("/v1/areas/{code}/sectors", get(handlers::area_sectors))
        .route("/v1/sectors", get(handlers::sectors))
        .route(
            "/v1/areas/{code}/projections",
            get(handlers::area_projections),
        )
        .route("/v1/breakdowns", get(handlers::list_breakdowns))
        .route(
            "/v1/areas/{code}/indicators/{id}",
            get(handlers::area_indicator),
        )
        .route("/v1/areas/{code}/indicators/{id}/chart", get(charts::chart))
        .route("/v1/charts/{file}", get(charts::chart_file))
        .route("/v1/dashboards", get(dashboard::list))
        .route("/v1/dashboards/{id}", get(dashboard::get_spec))
        .route("/v1/dashboards/{id}/areas/{code}", get(dashboard::resolved))
        .route("/v1/compare", get(handlers::compare))
        .route("/v1/boundaries", get(maps::boundaries))
        .route("/v1/indicators", get(handlers::list_indicators))
        .route("/v1/indicators/{id}", get(handlers::get_indicator))
        .route("/v1/indicators/{id}/rankings", get(handlers::rankings))
        .route("/v1/sources", get(handlers::sources))
        .route("/v1/snapshot", get(handlers::snapshot))
        .route("/v1/admin/reload", post(ops::reload))
        .route(
            "/v1/admin/refresh",
            post(ops::refresh).get(ops::refresh_status),
        )
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            respcache::cached,
        ))
        .layer(middleware::from_fn_with_state(
            limit::Limiter::from_config(&config),
            limit::per_client,
        ))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            http::conventions,
        ))
        .with_state(state);
    let trace = TraceLayer::new_for_http()
        .make_span_with(|req: &Request| {
            let id = req
                .headers()
                .get(&REQUEST_ID)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            tracing::info_span!("request", method = %req.method(), uri = %req.uri(), request_id = %id)
        })
        .on_response(DefaultOnResponse::new().level(tracing::Level::INFO));
    routes.layer(
        ServiceBuilder::new()
            .layer(CatchPanicLayer::custom(|_| {
                error::problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "the server hit a bug answering this request; it has been logged".into(),
                )
            }))
            .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
            .layer(trace)
            .layer(PropagateRequestIdLayer::new(REQUEST_ID))
            .option_layer(cors(&config.cors))
            .layer(CompressionLayer::new())
            .layer(middleware::from_fn(bare_errors_as_problems))
            .layer(RequestBodyLimitLayer::new(config.body_limit)),
    )
}

fn cors(origins: &CorsOrigins) -> Option<CorsLayer> {
    let allow = match origins {
        CorsOrigins::None => return None,
        CorsOrigins::Any => AllowOrigin::from(Any),
        CorsOrigins::List(list) => AllowOrigin::list(
            list.iter()
                .filter_map(|o| HeaderValue::from_str(o).ok())
                .collect::<Vec<_>>(),
        ),
    };
    Some(
        CorsLayer::new()
            .allow_origin(allow)
            .allow_methods([Method::GET, Method::HEAD, Method::POST])
            .allow_headers([header::ACCEPT, header::IF_NONE_MATCH, header::AUTHORIZATION])
            .expose_headers([header::ETAG, REQUEST_ID])
            .max_age(Duration::from_secs(3600)),
    )
}

/// Errors produced by layers (body limit, panics) come without a body: give them one.
async fn bare_errors_as_problems(req: Request, next: Next) -> Response {
    let response = next.run(req).await;
    let status = response.status();
    let is_problem = response
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/problem+json"));
    if (status.is_client_error() || status.is_server_error()) && !is_problem {
        let detail = match status {
            StatusCode::PAYLOAD_TOO_LARGE => {
                "the request body is larger than this server accepts".to_owned()
            }
            _ => status.canonical_reason().unwrap_or("error").to_owned(),
        };
        return error::problem(status, detail);
    }
    response
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!(
        "no such endpoint: {} (see /v1/docs for the list)",
        uri.path()
    ))
}

async fn method_not_allowed(method: Method, uri: axum::http::Uri) -> ApiError {
    ApiError::MethodNotAllowed(format!(
        "{method} is not allowed on {} (see /v1/docs)",
        uri.path()
    ))
}

/// Limits on connections, so slow or idle clients cannot starve the server.
#[derive(Debug, Clone, Copy)]
pub struct ConnectionLimits {
    /// A client must send a request's headers within this long (and an idle keep-alive
    /// connection is closed after it): a client holding half-sent requests gives up its socket.
    pub header_read_timeout: Duration,
    /// Connections served at once; more wait in the listen backlog until one closes, so file
    /// descriptors are never exhausted and `/healthz` keeps answering.
    pub max_connections: usize,
}

impl Default for ConnectionLimits {
    fn default() -> Self {
        ConnectionLimits {
            header_read_timeout: Duration::from_secs(10),
            max_connections: 1024,
        }
    }
}

/// Serves until `shutdown` resolves, then drains in-flight requests; default
/// [`ConnectionLimits`].
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with(listener, state, shutdown, ConnectionLimits::default()).await
}

/// [`serve`] with these connection limits. HTTP/1.1 and HTTP/2 (hyper's auto builder, as
/// `axum::serve` uses) with a header read timeout, which `axum::serve` does not set.
pub async fn serve_with(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    limits: ConnectionLimits,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    let app = router(state);
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    builder.http2().timer(TokioTimer::new());
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let slots = std::sync::Arc::new(tokio::sync::Semaphore::new(limits.max_connections.max(1)));
    tokio::pin!(shutdown);
    loop {
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => slot,
            () = &mut shutdown => break,
        };
        let Ok(slot) = slot else { break };
        let accepted = tokio::select! {
            accepted = listener.accept() => accepted,
            () = &mut shutdown => break,
        };
        let (stream, peer) = match accepted {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors or a connection reset before accept: wait, go on.
                tracing::warn!(error = %e, "accepting a connection failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        // Who is asking, for per-client rate limiting.
        let service = TowerToHyperService::new(app.clone().map_request(
            move |mut req: axum::http::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(limit::PeerAddr(peer));
                req
            },
        ));
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            // A client that goes away mid-request is not the server's error.
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended with an error");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_demand;
#[cfg(test)]
mod tests_postcodes;
