//! The two caches the server keeps, bounded by bytes: drawn charts ([`ChartCache`], filled by
//! the chart routes) and answered `GET`s ([`ResponseCache`], filled by the `respcache`
//! middleware). They live in `AppState`; only storage is here, so the state does not depend on
//! the routes that fill them.

use axum::body::Bytes;
use axum::http::HeaderMap;
use lmi_report::{ChartImage, ChartRequest};
use std::sync::Arc;

/// (snapshot version, image format, request): equal requests draw equal charts.
pub(crate) type ChartKey = (String, ChartImage, ChartRequest);

/// Drawn charts kept per server, in bytes.
const CHART_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone)]
struct BytesWeighter;

impl quick_cache::Weighter<ChartKey, Arc<Vec<u8>>> for BytesWeighter {
    fn weight(&self, _key: &ChartKey, val: &Arc<Vec<u8>>) -> u64 {
        val.len().max(1) as u64
    }
}

/// Drawn charts by [`ChartKey`], bounded by total bytes.
pub struct ChartCache {
    cache: quick_cache::sync::Cache<ChartKey, Arc<Vec<u8>>, BytesWeighter>,
}

impl Default for ChartCache {
    fn default() -> Self {
        ChartCache {
            cache: quick_cache::sync::Cache::with_weighter(2048, CHART_BYTES, BytesWeighter),
        }
    }
}

impl ChartCache {
    /// Drawn charts held.
    pub(crate) fn len(&self) -> usize {
        self.cache.len()
    }

    /// Total bytes of the drawn charts held.
    pub(crate) fn bytes(&self) -> u64 {
        self.cache.weight()
    }

    pub(crate) fn get(&self, key: &ChartKey) -> Option<Arc<Vec<u8>>> {
        self.cache.get(key)
    }

    pub(crate) fn insert(&self, key: ChartKey, drawn: Arc<Vec<u8>>) {
        self.cache.insert(key, drawn);
    }
}

/// Bytes of bodies held at most.
const RESPONSE_BYTES: u64 = 64 * 1024 * 1024;
/// Larger bodies are not kept (an XLSX of everything, say).
pub(crate) const MAX_BODY: u64 = 2 * 1024 * 1024;

/// (snapshot version, path and query, `Accept`).
pub(crate) type ResponseKey = (String, String, String);

/// An answered `GET`: what is replayed, and the snapshot version that answered it.
pub(crate) struct Cached {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Bytes,
    pub(crate) version: String,
}

#[derive(Clone)]
struct Weight;

impl quick_cache::Weighter<ResponseKey, Arc<Cached>> for Weight {
    fn weight(&self, key: &ResponseKey, val: &Arc<Cached>) -> u64 {
        (val.body.len() + key.1.len() + 256) as u64
    }
}

pub(crate) struct ResponseCache {
    cache: quick_cache::sync::Cache<ResponseKey, Arc<Cached>, Weight>,
}

impl Default for ResponseCache {
    fn default() -> Self {
        ResponseCache {
            cache: quick_cache::sync::Cache::with_weighter(8192, RESPONSE_BYTES, Weight),
        }
    }
}

impl ResponseCache {
    #[cfg(test)]
    pub(crate) fn len(&self) -> usize {
        self.cache.len()
    }

    pub(crate) fn get(&self, key: &ResponseKey) -> Option<Arc<Cached>> {
        self.cache.get(key)
    }

    pub(crate) fn insert(&self, key: ResponseKey, value: Arc<Cached>) {
        self.cache.insert(key, value);
    }
}
