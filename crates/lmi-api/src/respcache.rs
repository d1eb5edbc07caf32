//! A bounded cache of answered `GET`s, keyed by the snapshot serving them, the path and query,
//! and `Accept`. Every data body is a function of those alone (handlers read nothing else), so
//! the second ask for a ranking or a profile under the same snapshot is a copy of bytes instead
//! of building and serialising the body again. A swap changes the version in every key: nothing
//! cached under the old snapshot is served after it; old entries age out of the cache.
//!
//! It sits inside the rate limiter and the conventions middleware, so a hit is still limited,
//! counted, tagged with its `ETag` and answered `304` when the client has it. Only `200`s that
//! name the snapshot that answered ([`AnsweredBy`]) and whose body size is known and at most
//! [`MAX_BODY`] are kept; admin routes never are.

use crate::caches::{Cached, MAX_BODY};
use crate::handlers::AnsweredBy;
use crate::state::AppState;
use axum::body::{Body, HttpBody};
use axum::extract::{Request, State};
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use std::sync::Arc;

fn replay(hit: &Cached) -> Response {
    let mut response = Response::new(Body::from(hit.body.clone()));
    *response.headers_mut() = hit.headers.clone();
    response
        .extensions_mut()
        .insert(AnsweredBy(hit.version.clone()));
    response
}

/// The middleware: answers from the cache, or runs the handler and keeps what it answered.
pub(crate) async fn cached(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if req.method() != Method::GET || path.starts_with("/v1/admin") {
        return next.run(req).await;
    }
    let version = state.current().version().to_owned();
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| path.to_owned(), |pq| pq.as_str().to_owned());
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    let key = (version, target, accept);
    let cache = &state.shared.responses;
    if let Some(hit) = cache.get(&key) {
        return replay(&hit);
    }
    let response = next.run(req).await;
    let answered = response.extensions().get::<AnsweredBy>().cloned();
    let size = response.body().size_hint().exact();
    match (answered, size) {
        (Some(AnsweredBy(v)), Some(n))
            if response.status() == StatusCode::OK && v == key.0 && n <= MAX_BODY =>
        {
            let (parts, body) = response.into_parts();
            match axum::body::to_bytes(body, MAX_BODY as usize).await {
                Ok(bytes) => {
                    let kept = Arc::new(Cached {
                        headers: parts.headers.clone(),
                        body: bytes.clone(),
                        version: v,
                    });
                    cache.insert(key, kept);
                    Response::from_parts(parts, Body::from(bytes))
                }
                // A body that fails to read is answered as an error; nothing is cached.
                Err(e) => crate::error::problem(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    format!("the response could not be read back: {e}"),
                ),
            }
        }
        _ => response,
    }
}
