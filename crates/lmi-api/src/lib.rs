//! The lmi HTTP API (axum). Handlers answer from a snapshot indexed in memory at load time
//! (`ServedSnapshot`); nothing is computed per request beyond lookups. The served snapshot is
//! swapped atomically when a new one is published. Errors are `application/problem+json`.

mod charts;
mod config;
mod dashboard;
mod error;
mod export;
mod extract;
mod handlers;
mod http;
mod metrics;
mod openapi;
mod ops;
mod pack;
mod search;
mod state;
mod web;

pub use charts::{
    Built, ChartImage, ChartKind, ChartRequest, Members, build as build_chart, draw as draw_chart,
};
pub use config::{ApiConfig, CorsOrigins};
pub use dashboard::{
    DashboardError, DashboardSpec, Dashboards, PanelSpec, ResolvedDashboard, ResolvedPanel,
    format_value, panel_request, resolve as resolve_dashboard,
};
pub use error::{ApiError, Problem};
pub use export::Format;
pub use openapi::{ApiDoc, document as openapi_document};
pub use pack::{
    PackIndexEntry, areas_within, pack_file_stem, render_html as render_pack_html,
    render_index_html as render_pack_index_html,
};
pub use state::{
    AppState, AppStateBuilder, GeoIndex, RefreshError, RefreshStatus, Refresher, ReloadError,
    ReloadOutcome, ServedSnapshot, now_rfc3339,
};

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::routing::{get, post};
use std::time::Duration;
use tower::ServiceBuilder;
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
        .route("/v1/areas/{code}/profile", get(handlers::profile))
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

/// Serves until `shutdown` resolves, then drains in-flight requests.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

#[cfg(test)]
mod tests;
