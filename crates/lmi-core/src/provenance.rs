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
    /// How often the publisher releases it (from the catalogue): with `release_date`, tells
    /// whether the next release is late (see [`crate::freshness`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle: Option<crate::Cycle>,
    /// The publisher's release date of the data read (`YYYY-MM-DD`): an EES release's
    /// publication date, an Explore Local Statistics series' `sourceDate`, else the day of the
    /// response's Last-Modified. Absent for hand-downloaded files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
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
    /// Files of a GitHub repository (DfE's dashboard repositories), listed by the repository's
    /// tree and downloaded from the raw file host.
    #[serde(rename = "github")]
    GitHub {
        repository: String,
        /// Branch the tree was read at.
        branch: String,
        /// Tree object id (sha) of that listing, when known.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tree_sha: Option<String>,
        /// Every file read, in order, with its git blob id (changes exactly when its content
        /// does).
        files: Vec<GitHubFile>,
    },
    /// A file of an ONS dataset page's current edition, found by the page's link.
    OnsDataset {
        /// The dataset page's path.
        page: String,
        /// The edition the page linked (e.g. `january2017tojuly2026`).
        edition: String,
        /// The file's `uri` as the page linked it.
        uri: String,
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

/// A file of a repository as its tree listed it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GitHubFile {
    pub path: String,
    pub blob_sha: String,
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
/// The longest folder every file is in (`/` for none).
fn common_folder(files: &[GitHubFile]) -> String {
    let mut folder: Option<&str> = None;
    for file in files {
        let dir = file.path.rsplit_once('/').map_or("", |(d, _)| d);
        folder = Some(match folder {
            None => dir,
            Some(f) => {
                let mut f = f;
                while !(dir == f || dir.starts_with(&format!("{f}/")) || f.is_empty()) {
                    f = f.rsplit_once('/').map_or("", |(d, _)| d);
                }
                f
            }
        });
    }
    match folder {
        Some(f) if !f.is_empty() => format!("{f}/"),
        _ => "/".to_owned(),
    }
}

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
            Resolved::GitHub {
                repository,
                branch,
                files,
                ..
            } => match files.as_slice() {
                [one] => write!(f, "GitHub {repository}@{branch}:{}", one.path),
                _ => write!(
                    f,
                    "GitHub {repository}@{branch}, {} files under {}",
                    files.len(),
                    common_folder(files)
                ),
            },
            Resolved::OnsDataset { page, edition, uri } => {
                let file = uri.rsplit('/').next().unwrap_or_default();
                write!(f, "ONS dataset {page}, edition `{edition}`, file {file}")
            }
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
