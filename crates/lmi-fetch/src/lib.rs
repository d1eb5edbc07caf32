//! Fetching the catalogued sources: the HTTP client (timeouts, retries, conditional requests),
//! discovery of the URL each source is served at today, per-source fetching (Nomis paging
//! included) and the raw cache with provenance.
//!
//! Bytes only: this crate never reads a format or computes anything. Parsing is lmi-ingest's,
//! handed in by the caller ([`Fetched::store`]); what becomes of a source that failed is
//! lmi-refresh's. The async entry points ([`fetch_all`], [`check_all`]) are the only async
//! code of a refresh; the caller runs them on its runtime.
//!
//! Entry points: [`FetchConfig`] (the `[fetch]` settings), [`HttpClient`], [`fetch_all`] then
//! [`Fetched::store`], [`RawCache`], and [`check_all`] for `lmi sources check`.

mod cache;
mod config;
mod discover;
mod http;
mod sources;

pub use cache::{CacheError, RawCache};
pub use config::{BaseUrls, ConfigError, FetchConfig};
pub use discover::{CheckOutcome, SourceCheck, Target, check_all};
pub use http::{FetchError, HttpClient, OnBytes, Probe, Quiet};
pub use sources::{
    Fetched, NoProgress, Outcome, PlanError, Progress, SourceBodies, SourceReport, StoredSources,
    check_fetchable, clear_resume, fetch_all,
};
