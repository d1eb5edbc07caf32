//! Ingestion: the source catalogue, reading raw files (plain or gzip) with provenance, and the
//! source-specific parsers that turn them into one long observations table; fetching the
//! catalogued sources over HTTP into a raw cache with provenance (`fetch`, `nomis`, `cache`,
//! `live`) and checking them before publish (`validate`).
//!
//! The observations table (see [`observations`]) is the only thing later stages see: one row per
//! (source, area, period, measure) with a value and a status. This crate knows nothing about
//! indicators or serving.

pub mod apprenticeship_flows;
pub mod aps;
pub mod aps_breakdowns;
pub mod cache;
pub mod catalogue;
pub mod census;
pub mod dfe;
pub mod els;
pub mod error;
pub mod fe;
pub mod fetch;
pub mod job_adverts;
pub mod live;
pub mod local;
pub mod nomis;
pub mod observations;
pub mod raw;
pub mod skills_imperative;
pub mod ukbc;
pub mod upper_tier_tables;
pub mod validate;

pub use catalogue::{Catalogue, Format, SourceDef};
pub use error::IngestError;
pub use local::{LoadedSources, fingerprint_dir, fingerprint_loaded, load_from_dir};
pub use observations::Observations;
