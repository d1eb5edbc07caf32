//! The lmi HTTP API (axum). Handlers answer from a snapshot indexed in memory at load time;
//! nothing is computed per request beyond lookups. Errors are `application/problem+json`.

mod error;
mod handlers;
mod state;

pub use error::ApiError;
pub use state::{AppState, ServedSnapshot};

use axum::Router;
use axum::routing::get;
use tower_http::trace::TraceLayer;

/// The full router, ready to serve.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(handlers::healthz))
        .route("/v1/areas", get(handlers::list_areas))
        .route("/v1/areas/{code}", get(handlers::get_area))
        .route(
            "/v1/areas/{code}/indicators/{id}",
            get(handlers::area_indicator),
        )
        .route("/v1/indicators", get(handlers::list_indicators))
        .route("/v1/indicators/{id}", get(handlers::get_indicator))
        .fallback(handlers::not_found)
        .layer(TraceLayer::new_for_http())
        .with_state(state)
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
