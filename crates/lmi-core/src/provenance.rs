//! Provenance: where each published value's raw data came from.

use serde::{Deserialize, Serialize};

/// One raw file behind a snapshot: enough to find and verify the exact bytes again.
///
/// The optional fields are set when the source was fetched over HTTP (`lmi refresh` without
/// `--from`); they are absent from manifests written before they existed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
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
    /// The URL fetched (without paging parameters or API keys).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// RFC 3339 time the bytes were downloaded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub etag: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// The publisher's label of the release (e.g. `Census 2021`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release: Option<String>,
    /// The raw bodies, in order (one per page of a paged API), as kept in the raw cache
    /// (`<data dir>/raw/<sha256>`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub raw_parts: Vec<RawPart>,
}

/// One body behind a source: a downloaded file or one page of a paged API result.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RawPart {
    pub url: String,
    pub sha256: String,
    pub bytes: u64,
}

/// The label of a directory of synthetic sample data (`SAMPLE.toml`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleMarker {
    pub sample: bool,
    pub description: String,
}
