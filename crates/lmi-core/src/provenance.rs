//! Provenance: where each published value's raw data came from.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

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
    /// What the catalogue entry resolved to on the publisher's site when it was fetched (the
    /// release, file or repository path found by discovery).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolved: Option<Resolved>,
    /// Set when the latest refresh could not fetch, parse or validate this source and its data
    /// was carried over from an earlier snapshot: the values it feeds are stale.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale: Option<Staleness>,
    /// Earlier releases read into the same source beside `file` (one file per release).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier_files: Vec<EarlierFile>,
}

/// One earlier release's file of a source: where it was read and its bytes' digest.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct EarlierFile {
    pub file: String,
    pub sha256: String,
    pub bytes: u64,
    pub rows: usize,
    /// The periods the file holds.
    pub periods: Vec<String>,
}

impl SourceProvenance {
    pub fn is_stale(&self) -> bool {
        self.stale.is_some()
    }
}

/// Why a source's data is older than the snapshot that serves it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Staleness {
    /// RFC 3339 time of the first refresh that failed for this source (kept while it keeps
    /// failing).
    pub since: String,
    /// RFC 3339 time of the latest refresh that failed.
    pub last_failed_at: String,
    /// What went wrong in the latest refresh (publisher, URL and cause).
    pub reason: String,
    /// The snapshot the data was carried over from.
    pub carried_from: String,
}

/// A catalogue entry as resolved against the publisher: which release, file or path it named
/// when it was fetched. Catalogue entries name publications and titles, not ids, because ids
/// change with every release.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Resolved {
    /// DfE Explore Education Statistics: a data set file of a release of a publication.
    Ees {
        publication: String,
        /// Release slug, e.g. `2023-24`.
        release: String,
        release_title: String,
        /// The release version id (GUID) the file belongs to.
        release_id: String,
        /// `true` when the release was the one marked latest; `false` when pinned.
        latest_release: bool,
        data_set_title: String,
        /// File id (GUID) in the release.
        file_id: String,
        /// Data set file id (GUID), when the listing gives one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        data_set_file_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filename: Option<String>,
    },
    /// ONS Explore Local Statistics: a series CSV found in the data repository by its metadata.
    Els {
        repository: String,
        /// Branch or commit the tree was read at.
        tree: String,
        /// Tree object id (sha) of that listing, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tree_sha: Option<String>,
        /// Path of the CSV in the repository.
        path: String,
        /// Path of the metadata file that identified it.
        metadata_path: String,
        /// The indicator's code (the CSV `indicator` value the metadata declares).
        indicator: String,
        /// Git blob id of the CSV: changes exactly when its content does.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        blob_sha: Option<String>,
    },
    /// Nomis API queries (one per part of the source), as requested.
    Nomis {
        dataset: String,
        queries: Vec<String>,
        /// Codes chosen from a codelist by their label (`cells = { … }` in the catalogue): code
        /// -> the label it was chosen by. Empty for entries with fixed selections.
        #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
        cells: BTreeMap<String, String>,
    },
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

/// One line naming what was fetched, for error messages and listings.
impl std::fmt::Display for Resolved {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Resolved::Ees {
                publication,
                release,
                latest_release,
                data_set_title,
                file_id,
                filename,
                release_id,
                ..
            } => {
                write!(
                    f,
                    "EES publication `{publication}` release `{release}` ({}, release version \
                     {release_id}), data set \"{data_set_title}\" (file {file_id}",
                    if *latest_release { "latest" } else { "pinned" }
                )?;
                if let Some(name) = filename {
                    write!(f, ", {name}")?;
                }
                f.write_str(")")
            }
            Resolved::Els {
                repository,
                tree,
                path,
                indicator,
                ..
            } => write!(
                f,
                "Explore Local Statistics `{indicator}`: {repository}@{tree}:{path}"
            ),
            Resolved::Nomis {
                dataset,
                queries,
                cells,
            } => {
                write!(f, "Nomis {dataset}, {} query(ies)", queries.len())?;
                if !cells.is_empty() {
                    write!(f, ", {} cell(s) found by label", cells.len())?;
                }
                Ok(())
            }
        }
    }
}
