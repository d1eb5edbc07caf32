//! API errors as RFC 9457 problem details (`application/problem+json`).

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{0}")]
    NotFound(String),
    #[error("{0}")]
    BadRequest(String),
    #[error("{0}")]
    Unauthorized(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("{0}")]
    Conflict(String),
    #[error("{0}")]
    MethodNotAllowed(String),
    #[error("{0}")]
    PayloadTooLarge(String),
    #[error("{0}")]
    Unavailable(String),
    #[error("{0}")]
    Internal(String),
}

/// A problem detail (RFC 9457).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Problem {
    /// Always `about:blank`: the status code says what kind of problem it is.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub title: String,
    pub status: u16,
    /// What was wrong and how to put it right.
    pub detail: String,
}

impl ApiError {
    pub fn status(&self) -> StatusCode {
        match self {
            ApiError::NotFound(_) => StatusCode::NOT_FOUND,
            ApiError::BadRequest(_) => StatusCode::BAD_REQUEST,
            ApiError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ApiError::Forbidden(_) => StatusCode::FORBIDDEN,
            ApiError::Conflict(_) => StatusCode::CONFLICT,
            ApiError::MethodNotAllowed(_) => StatusCode::METHOD_NOT_ALLOWED,
            ApiError::PayloadTooLarge(_) => StatusCode::PAYLOAD_TOO_LARGE,
            ApiError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            ApiError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }
}

/// The problem responses of lookups (documented once, derived): a bad parameter, or something
/// named that is not there (area, indicator, breakdown, dashboard, period) or nothing to show.
// Never built: they only document the responses in the OpenAPI document.
#[allow(dead_code)]
#[derive(utoipa::IntoResponses)]
pub enum LookupProblems {
    #[response(
        status = 400,
        description = "Bad parameter",
        content_type = "application/problem+json"
    )]
    BadRequest(Problem),
    #[response(
        status = 404,
        description = "Unknown area, indicator, breakdown, dashboard or period, or nothing to show",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
    #[response(
        status = 429,
        description = "Too many requests from this client; retry after the seconds in `Retry-After`",
        content_type = "application/problem+json"
    )]
    TooManyRequests(Problem),
}

/// The problem responses of the admin endpoints: no token, the wrong token, or admin disabled.
#[allow(dead_code)]
#[derive(utoipa::IntoResponses)]
pub enum AdminProblems {
    #[response(
        status = 401,
        description = "No bearer token",
        content_type = "application/problem+json"
    )]
    Unauthorized(Problem),
    #[response(
        status = 403,
        description = "Wrong token",
        content_type = "application/problem+json"
    )]
    Forbidden(Problem),
    #[response(
        status = 404,
        description = "Admin endpoints (or this one) disabled on this server",
        content_type = "application/problem+json"
    )]
    NotFound(Problem),
}

/// A problem response for any status, e.g. one produced by a middleware.
pub fn problem(status: StatusCode, detail: String) -> Response {
    let body = Problem {
        kind: "about:blank",
        title: status.canonical_reason().unwrap_or("Error").to_owned(),
        status: status.as_u16(),
        detail,
    };
    let mut response = (status, axum::Json(body)).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if status == StatusCode::SERVICE_UNAVAILABLE {
        headers.insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    if status == StatusCode::UNAUTHORIZED {
        headers.insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Bearer realm=\"lmi-admin\""),
        );
    }
    response
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        problem(self.status(), self.to_string())
    }
}

impl From<lmi_report::ReportError> for ApiError {
    fn from(e: lmi_report::ReportError) -> ApiError {
        use lmi_report::ReportError as R;
        match e {
            R::UnknownArea(_) | R::UnknownIndicator { .. } | R::NotFound(_) => {
                ApiError::NotFound(e.to_string())
            }
            R::Invalid(_) => ApiError::BadRequest(e.to_string()),
            R::Output { .. } => ApiError::Internal(e.to_string()),
        }
    }
}
