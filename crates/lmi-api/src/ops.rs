//! Operational endpoints: liveness, readiness, metrics, and the admin endpoints that reload or
//! refresh the served snapshot (bearer token, compared in constant time).

use crate::error::ApiError;
use crate::state::{AppState, RefreshStatus, ReloadOutcome};
use axum::Json;
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use subtle::ConstantTimeEq;
use utoipa::ToSchema;

/// Liveness: the process answers.
#[utoipa::path(get, path = "/healthz", tag = "operations",
    responses((status = 200, description = "Alive", body = String, content_type = "text/plain")))]
pub async fn healthz() -> &'static str {
    "ok"
}

#[derive(Serialize, ToSchema)]
pub struct Readiness {
    status: &'static str,
    snapshot: String,
    sample: bool,
    values: usize,
}

/// Readiness: a snapshot is loaded and indexed (the server only starts with one).
#[utoipa::path(get, path = "/readyz", tag = "operations",
    responses((status = 200, description = "Ready to answer", body = Readiness)))]
pub async fn readyz(State(state): State<AppState>) -> Json<Readiness> {
    let snap = state.current();
    Json(Readiness {
        status: "ready",
        snapshot: snap.version().to_owned(),
        sample: snap.meta.sample,
        values: snap.len(),
    })
}

/// Prometheus metrics (OpenMetrics text format 1.0.0).
#[utoipa::path(get, path = "/metrics", tag = "operations",
    responses((status = 200, description = "Metrics", body = String, content_type = "application/openmetrics-text")))]
pub async fn metrics(State(state): State<AppState>) -> Response {
    let charts = &state.shared.charts;
    let text = state.shared.metrics.render(charts.len(), charts.bytes());
    let mut r = text.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(crate::metrics::CONTENT_TYPE),
    );
    r
}

/// Proof that a request carries the admin token. As an extractor, an admin handler cannot run
/// without the check: no token configured is `404`, none sent `401`, the wrong one `403`.
#[derive(Debug)]
pub struct Admin;

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Admin, ApiError> {
        authorize(state, &parts.headers).map(|()| Admin)
    }
}

fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(token) = state
        .config()
        .admin_token
        .as_ref()
        .map(|t| t.expose().as_str())
    else {
        return Err(ApiError::NotFound(
            "admin endpoints are disabled: the operator has not configured an admin token \
             (LMI_ADMIN_TOKEN)"
                .into(),
        ));
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .ok_or_else(|| {
            ApiError::Unauthorized("send `Authorization: Bearer <admin token>`".into())
        })?;
    if bool::from(given.trim().as_bytes().ct_eq(token.as_bytes())) {
        Ok(())
    } else {
        Err(ApiError::Forbidden(
            "the bearer token is not the admin token".into(),
        ))
    }
}

/// Load the data directory's published snapshot now, if it is not the one being served.
#[utoipa::path(post, path = "/v1/admin/reload", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "Reloaded (or already current)", body = ReloadOutcome),
        crate::error::AdminProblems,
        (status = 409, description = "The published snapshot could not be loaded; the old one is still served", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn reload(_: Admin, State(state): State<AppState>) -> Result<Response, ApiError> {
    if !state.can_reload() {
        return Err(ApiError::NotFound(
            "this server has no data directory to reload from".into(),
        ));
    }
    let outcome = state
        .reload()
        .await
        .map_err(|e| ApiError::Conflict(e.to_string()))?;
    Ok(Json(outcome).into_response())
}

/// Start a refresh in the background: fetch sources, compute, publish, then reload.
#[utoipa::path(post, path = "/v1/admin/refresh", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 202, description = "Refresh started; poll GET /v1/admin/refresh", body = RefreshStatus),
        crate::error::AdminProblems,
        (status = 409, description = "A refresh is already running", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn refresh(_: Admin, State(state): State<AppState>) -> Result<Response, ApiError> {
    if !state.can_refresh() {
        return Err(ApiError::NotFound(
            "refresh is not configured on this server (start `lmi serve` with --refresh-from)"
                .into(),
        ));
    }
    if !state.start_refresh() {
        return Err(ApiError::Conflict("a refresh is already running".into()));
    }
    Ok((StatusCode::ACCEPTED, Json(state.refresh_status())).into_response())
}

/// What the last background refresh did.
#[utoipa::path(get, path = "/v1/admin/refresh", tag = "admin", security(("bearer" = [])),
    responses(
        (status = 200, description = "Status of the last refresh", body = RefreshStatus),
        crate::error::AdminProblems,
    ))]
pub async fn refresh_status(_: Admin, State(state): State<AppState>) -> Result<Response, ApiError> {
    Ok(Json(state.refresh_status()).into_response())
}
