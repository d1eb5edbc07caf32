//! Provenance: where each published value's raw data came from.

use serde::{Deserialize, Serialize};

/// One raw file behind a snapshot: enough to find and verify the exact bytes again.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceProvenance {
    pub source_id: String,
    pub title: String,
    pub publisher: String,
    pub dataset: String,
    pub licence: String,
    pub attribution: String,
    /// Where the bytes were read from (a local path or a URL).
    pub file: String,
    /// sha256 of the bytes as stored (compressed, if the file is gzip).
    pub sha256: String,
    pub bytes: u64,
    /// Data rows kept by the parser (one row can hold several measures).
    pub rows: usize,
    pub observations: usize,
}

/// The label of a directory of synthetic sample data (`SAMPLE.toml`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleMarker {
    pub sample: bool,
    pub description: String,
}
