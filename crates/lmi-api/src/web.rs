//! The dashboard web page served at `/`: plain HTML, CSS and JavaScript compiled into the
//! binary (no build step, no external scripts, fonts or CDNs), talking to the JSON API.

use crate::error::ApiError;
use axum::extract::Path;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

const INDEX: &str = include_str!("../web/index.html");
const ASSETS: &[(&str, &str, &str)] = &[
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/app.js"),
    ),
    (
        "compare.js",
        "text/javascript; charset=utf-8",
        include_str!("../web/compare.js"),
    ),
    (
        "app.css",
        "text/css; charset=utf-8",
        include_str!("../web/app.css"),
    ),
];

fn page(body: &'static str, content_type: &'static str) -> Response {
    let mut r = body.into_response();
    let headers = r.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    // The page's assets change only with the binary; revalidate after a minute.
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; \
             connect-src 'self'; frame-ancestors 'none'",
        ),
    );
    r
}

pub async fn index() -> Response {
    page(INDEX, "text/html; charset=utf-8")
}

pub async fn asset(Path(file): Path<String>) -> Result<Response, ApiError> {
    ASSETS
        .iter()
        .find(|(name, _, _)| *name == file)
        .map(|(_, content_type, body)| page(body, content_type))
        .ok_or_else(|| ApiError::NotFound(format!("no asset `{file}`")))
}
