//! HTTP conventions applied to every request: timeout, metrics, `ETag` from the snapshot that
//! answered with `304` on `If-None-Match`, and `Cache-Control`.

use crate::error::problem;
use crate::handlers::AnsweredBy;
use crate::state::AppState;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::time::{Duration, Instant};

/// The limit for `POST /v1/admin/reload`: loading a snapshot, not answering a reader.
const RELOAD_TIMEOUT: Duration = Duration::from_secs(600);

pub async fn conventions(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |p| p.as_str().to_owned());
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    let config = state.config();
    let metrics = &state.shared.metrics;
    metrics.started();
    // The operator's reload answers when the new snapshot is loaded and swapped in, which takes as
    // long as the snapshot is large (a full postcode directory, a busy machine): it is not held to
    // the limit for reading requests. Dropping it half way would only make the operator retry.
    let limit = if route == "/v1/admin/reload" {
        RELOAD_TIMEOUT
    } else {
        config.request_timeout
    };
    let mut response = match tokio::time::timeout(limit, next.run(req)).await {
        Ok(r) => r,
        Err(_) => problem(
            StatusCode::SERVICE_UNAVAILABLE,
            format!(
                "the request took longer than the server's limit of {} ms",
                limit.as_millis()
            ),
        ),
    };
    let answered_by = response.extensions().get::<AnsweredBy>().cloned();
    match answered_by {
        Some(AnsweredBy(version)) if response.status() == StatusCode::OK => {
            let etag = etag(&version, response.headers());
            let cache = format!("public, max-age={}", config.cache_max_age);
            let not_modified = (method == Method::GET || method == Method::HEAD)
                && if_none_match.is_some_and(|v| matches(&v, &etag));
            if not_modified {
                response = StatusCode::NOT_MODIFIED.into_response();
            }
            let headers = response.headers_mut();
            if let Ok(v) = HeaderValue::from_str(&etag) {
                headers.insert(header::ETAG, v);
            }
            if let Ok(v) = HeaderValue::from_str(&cache) {
                headers.insert(header::CACHE_CONTROL, v);
            }
            headers.append(header::VARY, HeaderValue::from_static("accept"));
        }
        _ => {
            response
                .headers_mut()
                .entry(header::CACHE_CONTROL)
                .or_insert(HeaderValue::from_static("no-store"));
        }
    }
    metrics.finished(
        method.as_str(),
        &route,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// A weak validator naming the snapshot and the representation (JSON, CSV, XLSX differ).
fn etag(version: &str, headers: &HeaderMap) -> String {
    let kind = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map_or("json", |ct| {
            if ct.starts_with("text/csv") {
                "csv"
            } else if ct.starts_with(crate::export::XLSX) {
                "xlsx"
            } else if ct.starts_with("image/svg") {
                "svg"
            } else if ct.starts_with("image/png") {
                "png"
            } else {
                "json"
            }
        });
    format!("W/\"{version}-{kind}\"")
}

/// Weak comparison (RFC 9110 13.1.2) against every tag in an `If-None-Match` list.
fn matches(if_none_match: &HeaderValue, etag: &str) -> bool {
    let Ok(list) = if_none_match.to_str() else {
        return false;
    };
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_owned();
    list.split(',')
        .any(|t| t.trim() == "*" || opaque(t) == opaque(etag))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_uses_weak_comparison_over_a_list() {
        let tag = "W/\"v1-json\"";
        for (header, want) in [
            ("W/\"v1-json\"", true),
            ("\"v1-json\"", true),
            ("\"v0-json\", W/\"v1-json\"", true),
            ("*", true),
            ("W/\"v1-csv\"", false),
            ("W/\"v2-json\"", false),
        ] {
            assert_eq!(
                matches(&HeaderValue::from_static(header), tag),
                want,
                "{header}"
            );
        }
    }
}
