//! Discovery: what a catalogue entry names today on the publisher's site, resolved on every run
//! so that a new release, a renamed folder or new ids are not an outage.
//!
//! - **EES** (DfE Explore Education Statistics content API; routes and shapes from the service's
//!   own source, `dfe-analytical-services/explore-education-statistics`,
//!   `src/GovUk.Education.ExploreEducationStatistics.Content.Api/Controllers/`):
//!   `GET /api/publications/{slug}/releases` (`ReleaseController.ListReleases`: a bare array of
//!   release summaries; `id` is the release *version* id, `latestRelease` marks the current one),
//!   then `GET /api/data-set-files?releaseId={id}&page={n}&pageSize=40`
//!   (`DataSetFilesController`; `pageSize` is capped at 40 by `DataSetFileListRequest.Validator`)
//!   to find the data set by title, then `GET /api/releases/{releaseVersionId}/files/{fileId}`
//!   (`ReleaseFileController.Stream`: weak ETag + Last-Modified, so it can be asked
//!   conditionally). Ids are GUIDs that change with every release: never stored in the catalogue.
//! - **ELS** (ONS Explore Local Statistics): the data repository's file tree from the GitHub API,
//!   each indicator's metadata file, then the CSV beside it (raw file host).
//! - **GitHub** files (DfE's dashboard repositories): the repository's recursive tree from the
//!   GitHub API (`GET /repos/{owner}/{repo}/git/trees/{branch}?recursive=1`, as for ELS), the
//!   files whose path the entry names, each downloaded from the raw file host; each file's blob
//!   id is recorded so an unchanged file is not downloaded again.
//! - **ONS dataset pages** (`ons_dataset`): the page on the ONS website, whose link
//!   `/file?uri={page}/{edition}/{file}` names the current edition (links under `/previous/` are
//!   earlier editions); the file is then asked for conditionally like any other.
//! - **Nomis** entries are queries: nothing to discover, except the codes an entry chooses by
//!   label (`cells`): the dimension's codelist `/api/v01/dataset/{id}/{dimension}/def.sdmx.json`
//!   is read and the matching codes added to every query (APS cell tables have no published,
//!   stable cell ids). Plain **HTTP** entries are URLs.

use crate::BaseUrls;
use crate::http::{FetchError, HttpClient, OnBytes};
use lmi_core::Resolved;
use lmi_ingest::{Catalogue, EesSpec, FetchSpec, GitHubSpec, NomisSpec, OnsDatasetSpec, SourceDef};
use serde::Deserialize;
use std::collections::BTreeMap;

/// What a source resolved to: the URLs to download and what they are.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    /// Bodies to download, in order (a Nomis source: one paged query per URL).
    pub urls: Vec<String>,
    /// Human label of the release, recorded in the provenance.
    pub release_label: Option<String>,
    pub resolved: Option<Resolved>,
    /// The publisher's release date of what the URLs serve (`YYYY-MM-DD`), when its listing
    /// says (an EES release's `published`, an ELS series' `sourceDate`); otherwise the
    /// provenance takes the day of the response's Last-Modified.
    pub release_date: Option<String>,
}

/// EES caps `pageSize` of `/api/data-set-files` at 40 (`DataSetFileListRequest.Validator`).
pub const EES_PAGE_SIZE: u32 = 40;

/// Resolves one catalogue entry against its publisher (listings only; no data is downloaded).
pub async fn resolve(
    client: &HttpClient,
    discovery: &Discovery,
    source: &SourceDef,
    spec: &FetchSpec,
    on: &dyn OnBytes,
) -> Result<Target, FetchError> {
    let bases = &client.config().base_urls;
    match spec {
        FetchSpec::Nomis(n) => match &n.cells {
            None => Ok(nomis_target(n, bases, BTreeMap::new())),
            Some(select) => {
                let cells = nomis_cells(client, n, select, bases, on).await?;
                Ok(nomis_target(n, bases, cells))
            }
        },
        FetchSpec::Http(h) => Ok(Target {
            urls: vec![h.url.to_string()],
            release_label: Some(h.release_label.clone()),
            resolved: None,
            release_date: None,
        }),
        FetchSpec::Arcgis(a) => Ok(Target {
            urls: vec![url_under(
                bases.geography.as_str(),
                &[&a.service, "FeatureServer", &a.layer.to_string(), "query"],
                &[("where", "1=1"), ("outFields", "*"), ("f", "json")],
            )],
            release_label: Some(format!("ONS Open Geography Portal `{}`", a.service)),
            resolved: None,
            release_date: None,
        }),
        FetchSpec::Ees(e) => resolve_ees(client, e, bases, on).await,
        FetchSpec::GitHub(g) => resolve_github(client, discovery, g, bases, on).await,
        FetchSpec::OnsDataset(o) => resolve_ons_dataset(client, o, bases, on).await,
        FetchSpec::Els(_) => {
            // The catalogue checks that an ELS source names its indicator.
            let indicator = source.indicator.as_deref().unwrap_or_default();
            resolve_els(client, discovery, indicator, bases, on).await
        }
    }
}

/// What `lmi sources check` found for one source.
#[derive(Debug)]
pub struct SourceCheck {
    pub source_id: String,
    pub kind: &'static str,
    /// The publisher's release cycle, from the catalogue.
    pub cycle: lmi_core::Cycle,
    pub outcome: CheckOutcome,
    /// The catalogue's word on the file layout (confirmed from a real file or not).
    pub layout: Option<String>,
}

/// Whether a source resolves against its publisher.
#[derive(Debug)]
pub enum CheckOutcome {
    /// The resolved target and, per URL, the head of the response (no data downloaded).
    Resolved {
        target: Box<Target>,
        probes: Vec<crate::http::Probe>,
    },
    Failed(FetchError),
    /// No publisher route is catalogued (`local_only`: a one-off publication or a closed
    /// series); only `lmi refresh --from` reads it.
    NoRoute,
}

impl SourceCheck {
    /// The publisher's release date of what a refresh would fetch: what discovery found, else
    /// the day of the first response's Last-Modified.
    pub fn release_date(&self) -> Option<String> {
        let CheckOutcome::Resolved { target, probes } = &self.outcome else {
            return None;
        };
        release_day(
            target.release_date.as_deref(),
            probes.first().and_then(|p| p.last_modified.as_deref()),
        )
    }
}

/// The publisher's release date (`YYYY-MM-DD`): what discovery found, else the day of a
/// response's Last-Modified (Nomis sends the dataset's update time).
pub(crate) fn release_day(discovered: Option<&str>, last_modified: Option<&str>) -> Option<String> {
    discovered.map(str::to_owned).or_else(|| {
        let modified = httpdate::parse_http_date(last_modified?).ok()?;
        Some(lmi_core::freshness::day_of(modified))
    })
}

/// Resolves every catalogued source against its publisher and asks for each URL's response
/// head: what a refresh would fetch, or exactly why it cannot.
pub async fn check_all(
    catalogue: &Catalogue,
    client: &HttpClient,
    on: &dyn OnBytes,
) -> Vec<SourceCheck> {
    let discovery = Discovery::default();
    let discovery = &discovery;
    let checks = catalogue.sources.iter().map(|s| async move {
        let Some(spec) = &s.fetch else {
            // The catalogue allows no [source.fetch] only with `local_only`.
            return SourceCheck {
                source_id: s.id.clone(),
                kind: "local",
                cycle: s.cycle,
                outcome: CheckOutcome::NoRoute,
                layout: s.layout.clone(),
            };
        };
        let result = async {
            let target = resolve(client, discovery, s, spec, on).await?;
            let mut probes = Vec::new();
            for url in &target.urls {
                let actual = match spec {
                    FetchSpec::Nomis(_) => nomis_keyed(
                        url,
                        client
                            .config()
                            .nomis_uid
                            .as_ref()
                            .map(|u| u.expose().as_str()),
                    ),
                    _ => url.clone(),
                };
                probes.push(client.probe(&actual, url).await?);
            }
            Ok(CheckOutcome::Resolved {
                target: Box::new(target),
                probes,
            })
        }
        .await;
        SourceCheck {
            source_id: s.id.clone(),
            kind: spec.kind_name(),
            cycle: s.cycle,
            outcome: result.unwrap_or_else(CheckOutcome::Failed),
            layout: s.layout.clone(),
        }
    });
    futures_util::future::join_all(checks).await
}

// ---------------------------------------------------------------------------------------------
// Nomis

/// The queries of a Nomis entry, each with the codes chosen by label (when the entry has
/// `cells`) as one more selection.
fn nomis_target(spec: &NomisSpec, bases: &BaseUrls, cells: BTreeMap<String, String>) -> Target {
    let urls: Vec<String> = spec
        .queries
        .iter()
        .map(|q| {
            let mut q = q.clone();
            if let Some(select) = &spec.cells {
                let codes: Vec<&str> = cells.keys().map(String::as_str).collect();
                q.insert(select.dimension.clone(), codes.join(","));
            }
            nomis_url(bases.nomis.as_str(), &spec.dataset, &q)
        })
        .collect();
    Target {
        resolved: Some(Resolved::Nomis {
            dataset: spec.dataset.clone(),
            queries: urls.clone(),
            cells,
        }),
        urls,
        release_label: Some(spec.release_label.clone()),
        release_date: None,
    }
}

/// A Nomis codelist (`/api/v01/dataset/{id}/{dimension}/def.sdmx.json`) as the fields lmi
/// reads: `structure.codelists.codelist[].code[]` with `value` (a number or a string) and
/// `description.value`. The shape is the one nomisr reads (`ropensci/nomisr`,
/// `R/nomis_codes.R`: `a$structure$codelists$codelist$code`, columns `description.value` and
/// `value`).
#[derive(Debug, Deserialize)]
struct Codelists {
    structure: CodelistStructure,
}

#[derive(Debug, Deserialize)]
struct CodelistStructure {
    codelists: CodelistList,
}

#[derive(Debug, Deserialize)]
struct CodelistList {
    codelist: Vec<Codelist>,
}

#[derive(Debug, Deserialize)]
struct Codelist {
    #[serde(default)]
    code: Vec<Code>,
}

#[derive(Debug, Deserialize)]
struct Code {
    value: serde_json::Value,
    description: CodeDescription,
}

#[derive(Debug, Deserialize)]
struct CodeDescription {
    value: String,
}

/// The codes of `select.dimension` whose descriptions match (code -> description): one for
/// each of `select.numbers` and no other, or the source fails naming what was asked for and
/// what the codelist has.
async fn nomis_cells(
    client: &HttpClient,
    spec: &NomisSpec,
    select: &lmi_ingest::CellSelect,
    bases: &BaseUrls,
    on: &dyn OnBytes,
) -> Result<BTreeMap<String, String>, FetchError> {
    let shown = format!(
        "{}/api/v01/dataset/{}/{}/def.sdmx.json",
        bases.nomis.as_str().trim_end_matches('/'),
        encode(&spec.dataset),
        encode(&select.dimension)
    );
    let uid = client
        .config()
        .nomis_uid
        .as_ref()
        .map(|u| u.expose().as_str());
    let actual = nomis_keyed(&shown, uid);
    let body = match client
        .get_expecting(&actual, &shown, None, crate::http::Expect::Json, on)
        .await?
    {
        crate::http::Response::Body(b) => b.bytes,
        crate::http::Response::NotModified { .. } => Vec::new(),
    };
    let lists: Codelists = serde_json::from_slice(&body).map_err(|e| FetchError::BadJson {
        url: shown.clone(),
        expected: format!(
            "the `{}` codelist of {} (structure.codelists.codelist[].code[] with value and description.value)",
            select.dimension, spec.dataset
        ),
        message: e.to_string(),
    })?;
    let mut chosen = BTreeMap::new();
    let mut numbers = BTreeMap::new();
    let mut listed = 0;
    for code in lists
        .structure
        .codelists
        .codelist
        .iter()
        .flat_map(|c| &c.code)
    {
        listed += 1;
        let label = code.description.value.trim();
        if !select.matches(label) {
            continue;
        }
        let value = match &code.value {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let discovery = |message: String| FetchError::Discovery {
            publisher: "Nomis",
            url: shown.clone(),
            message,
        };
        let n = select.cell_number(label).ok_or_else(|| {
            discovery(format!(
                "code {value} `{label}` matches but has no cell number after `{}:`",
                select.table
            ))
        })?;
        if let Some(first) = numbers.insert(n, label.to_owned()) {
            return Err(discovery(format!(
                "two codes are cell {}:{n}: `{first}` and `{label}`",
                select.table
            )));
        }
        chosen.insert(value, label.to_owned());
    }
    let found: Vec<u32> = numbers.keys().copied().collect();
    let mut wanted = select.numbers.clone();
    wanted.sort_unstable();
    if found != wanted {
        let asked = std::iter::once(format!("`{}:`", select.table))
            .chain(select.label_contains.iter().map(|t| format!("`{t}`")))
            .collect::<Vec<_>>()
            .join(" and ");
        let listed_found: Vec<String> = chosen.iter().map(|(c, l)| format!("{c} `{l}`")).collect();
        return Err(FetchError::Discovery {
            publisher: "Nomis",
            url: shown,
            message: format!(
                "asked for the {} `{}` codes whose labels contain {asked}, cells {}:{:?}; {} of the {listed} codes listed match{}",
                wanted.len(),
                select.dimension,
                select.table,
                wanted,
                chosen.len(),
                if listed_found.is_empty() {
                    String::new()
                } else {
                    format!(": {}", listed_found.join("; "))
                }
            ),
        });
    }
    Ok(chosen)
}

/// `{nomis}/api/v01/dataset/{dataset}.data.csv?{query}` without paging or key parameters.
pub fn nomis_url(base: &str, dataset: &str, query: &BTreeMap<String, String>) -> String {
    let pairs: Vec<String> = query
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    let q = if pairs.is_empty() {
        String::new()
    } else {
        format!("?{}", pairs.join("&"))
    };
    format!(
        "{}/api/v01/dataset/{}.data.csv{q}",
        base.trim_end_matches('/'),
        encode(dataset)
    )
}

/// A Nomis URL as requested: with the API key (`uid`) when there is one. The key is never part
/// of a URL that is shown or recorded.
pub fn nomis_keyed(url: &str, uid: Option<&str>) -> String {
    match uid {
        Some(uid) => format!(
            "{url}{}uid={uid}",
            if url.contains('?') { '&' } else { '?' }
        ),
        None => url.to_owned(),
    }
}

/// Percent-encodes a query component, keeping the characters Nomis selections are written with
/// (`,` lists, `...` ranges) readable in logs and provenance.
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A URL under `base` with the given path segments (percent-encoded) and query pairs.
fn url_under(base: &str, segments: &[&str], query: &[(&str, &str)]) -> String {
    let mut url = match url::Url::parse(base) {
        Ok(u) => u,
        // Base URLs are checked when the configuration is loaded.
        Err(_) => return format!("{base}/{}", segments.join("/")),
    };
    if let Ok(mut path) = url.path_segments_mut() {
        path.pop_if_empty().extend(segments);
    }
    if !query.is_empty() {
        url.query_pairs_mut().extend_pairs(query);
    }
    url.to_string()
}

// ---------------------------------------------------------------------------------------------
// EES

/// `ReleaseSummaryViewModel` (null fields are omitted by the service, hence the defaults).
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct ReleaseSummary {
    id: String,
    slug: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    latest_release: bool,
    /// When the release was published (RFC 3339); the EES frontend's own type of this
    /// listing declares it (`dfe-analytical-services/explore-education-statistics`,
    /// `src/explore-education-statistics-common/src/services/publicationService.ts`,
    /// `interface ReleaseSummary { …; published?: string; …; latestRelease: boolean }`).
    #[serde(default)]
    published: Option<String>,
}

/// `PaginatedListViewModel<DataSetFileSummaryViewModel>`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataSetFilePage {
    results: Vec<DataSetFileSummary>,
    paging: Paging,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Paging {
    page: u32,
    total_pages: u32,
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataSetFileSummary {
    /// The data set file id.
    id: String,
    file_id: String,
    #[serde(default)]
    filename: Option<String>,
    title: String,
    #[serde(default)]
    meta: Option<DataSetMeta>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct DataSetMeta {
    #[serde(default)]
    geographic_levels: Vec<String>,
}

const EES: &str = "DfE Explore Education Statistics";

async fn resolve_ees(
    client: &HttpClient,
    spec: &EesSpec,
    bases: &BaseUrls,
    on: &dyn OnBytes,
) -> Result<Target, FetchError> {
    let listing = url_under(
        bases.ees.as_str(),
        &["api", "publications", &spec.publication, "releases"],
        &[],
    );
    let releases: Vec<ReleaseSummary> = client
        .get_json(&listing, "the publication's release list (a JSON array)", on)
        .await
        .map_err(|e| match e {
            FetchError::Status { status: 404, .. } => FetchError::Discovery {
                publisher: EES,
                url: listing.clone(),
                message: format!(
                    "publication `{}` does not exist (404); check the slug on the publication's page",
                    spec.publication
                ),
            },
            other => other,
        })?;
    let describe = || {
        releases
            .iter()
            .map(|r| {
                if r.latest_release {
                    format!("{} (latest)", r.slug)
                } else {
                    r.slug.clone()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let discovery = |message: String| FetchError::Discovery {
        publisher: EES,
        url: listing.clone(),
        message,
    };
    let release = match &spec.release {
        Some(pinned) => releases.iter().find(|r| &r.slug == pinned).ok_or_else(|| {
            discovery(format!(
                "publication `{}` has no release `{pinned}` (the catalogue pins it); releases: {}",
                spec.publication,
                describe()
            ))
        })?,
        None => {
            let latest: Vec<&ReleaseSummary> =
                releases.iter().filter(|r| r.latest_release).collect();
            match latest.as_slice() {
                [one] => *one,
                [] => {
                    return Err(discovery(format!(
                        "publication `{}`: no release is marked latestRelease; releases: {}",
                        spec.publication,
                        describe()
                    )));
                }
                _ => {
                    return Err(discovery(format!(
                        "publication `{}`: several releases are marked latestRelease: {}",
                        spec.publication,
                        describe()
                    )));
                }
            }
        }
    };

    // Every data set file of the release, page by page.
    let mut files = Vec::new();
    let mut page = 1;
    loop {
        let page_str = page.to_string();
        let size = EES_PAGE_SIZE.to_string();
        let url = url_under(
            bases.ees.as_str(),
            &["api", "data-set-files"],
            &[
                ("releaseId", release.id.as_str()),
                ("page", &page_str),
                ("pageSize", &size),
            ],
        );
        let listed: DataSetFilePage = client
            .get_json(&url, "a page of the release's data set files", on)
            .await?;
        if listed.paging.page != page {
            return Err(FetchError::Paging {
                url,
                message: format!("asked for page {page}, got page {}", listed.paging.page),
            });
        }
        files.extend(listed.results);
        if page >= listed.paging.total_pages || page >= 9999 {
            break;
        }
        page += 1;
    }

    let level_ok = |f: &DataSetFileSummary| match &spec.geographic_level {
        None => true,
        Some(level) => f
            .meta
            .as_ref()
            .is_some_and(|m| m.geographic_levels.iter().any(|l| l == level)),
    };
    let matching: Vec<&DataSetFileSummary> = files
        .iter()
        .filter(|f| spec.data_set.matches(&f.title) && level_ok(f))
        .collect();
    let level_note = spec
        .geographic_level
        .as_ref()
        .map_or(String::new(), |l| format!(" covering `{l}`"));
    let file = match matching.as_slice() {
        [one] => *one,
        [] => {
            let titles: Vec<String> = files.iter().map(|f| format!("`{}`", f.title)).collect();
            return Err(discovery(format!(
                "release `{}` of `{}` has no data set {}{level_note} (renamed?); its {} data set(s): {}",
                release.slug,
                spec.publication,
                spec.data_set,
                files.len(),
                titles.join(", ")
            )));
        }
        several => {
            let titles: Vec<String> = several.iter().map(|f| format!("`{}`", f.title)).collect();
            return Err(discovery(format!(
                "release `{}` of `{}`: {} data sets {}{level_note}, expected one: {}",
                release.slug,
                spec.publication,
                several.len(),
                spec.data_set,
                titles.join(", ")
            )));
        }
    };
    let download = url_under(
        bases.ees.as_str(),
        &["api", "releases", &release.id, "files", &file.file_id],
        &[],
    );
    Ok(Target {
        urls: vec![download],
        release_label: Some(format!(
            "{} ({})",
            release.title,
            if spec.release.is_some() {
                "pinned release"
            } else {
                "latest release"
            }
        )),
        resolved: Some(Resolved::Ees {
            publication: spec.publication.clone(),
            release: release.slug.clone(),
            release_title: release.title.clone(),
            release_id: release.id.clone(),
            latest_release: release.latest_release,
            data_set_title: file.title.clone(),
            file_id: file.file_id.clone(),
            data_set_file_id: Some(file.id.clone()),
            filename: file.filename.clone(),
        }),
        release_date: release
            .published
            .as_deref()
            .and_then(lmi_core::freshness::parse_date)
            .map(|d| d.to_string()),
    })
}

// ---------------------------------------------------------------------------------------------
// ELS

/// The repository ONS publishes the Explore Local Statistics series in, and the branch ONS's own
/// app reads (`ONSdigital/explore-local-statistics-app`, `scripts/config/data-repo-version.json`:
/// `main`, no commit pinned).
pub const ELS_REPOSITORY: &str = "ONSdigital/explore-local-statistics-data";
pub const ELS_BRANCH: &str = "main";

const ELS: &str = "ONS Explore Local Statistics";

/// GitHub's `GET /repos/{owner}/{repo}/git/trees/{branch}?recursive=1`.
#[derive(Debug, Clone, Deserialize)]
pub struct ElsTree {
    pub sha: String,
    pub tree: Vec<TreeEntry>,
    #[serde(default)]
    pub truncated: bool,
}

#[derive(Debug, Clone, Deserialize)]
pub struct TreeEntry {
    pub path: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub sha: String,
}

/// `{github_api}/repos/{owner}/{repo}/git/trees/{branch}`.
fn els_tree_url(bases: &BaseUrls, query: &[(&str, &str)]) -> String {
    let mut segments = vec!["repos"];
    segments.extend(ELS_REPOSITORY.split('/'));
    segments.extend(["git", "trees", ELS_BRANCH]);
    url_under(bases.github_api.as_str(), &segments, query)
}

/// Listings shared by the sources of one run (each repository's tree is asked for once).
#[derive(Debug, Default)]
pub struct Discovery {
    els_tree: tokio::sync::OnceCell<ElsTree>,
    /// Other repositories' trees, by `owner/name@branch`.
    trees: std::sync::Mutex<BTreeMap<String, std::sync::Arc<tokio::sync::OnceCell<ElsTree>>>>,
}

impl Discovery {
    async fn els_tree(
        &self,
        client: &HttpClient,
        bases: &BaseUrls,
        on: &dyn OnBytes,
    ) -> Result<&ElsTree, FetchError> {
        self.els_tree
            .get_or_try_init(|| async {
                let url = els_tree_url(bases, &[("recursive", "1")]);
                let tree: ElsTree = client
                    .get_json(&url, "the repository's file tree (GitHub git/trees)", on)
                    .await?;
                if tree.truncated {
                    return Err(FetchError::Discovery {
                        publisher: ELS,
                        url,
                        message: "the file tree listing is truncated; cannot see every series"
                            .into(),
                    });
                }
                Ok(tree)
            })
            .await
    }
}

impl Discovery {
    /// The recursive tree of `repository` at `branch` (asked for once per run).
    async fn tree(
        &self,
        client: &HttpClient,
        bases: &BaseUrls,
        repository: &str,
        branch: &str,
        on: &dyn OnBytes,
    ) -> Result<ElsTree, FetchError> {
        let cell = self
            .trees
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(format!("{repository}@{branch}"))
            .or_default()
            .clone();
        cell.get_or_try_init(|| async {
            let url = tree_url(bases, repository, branch, &[("recursive", "1")]);
            let tree: ElsTree = client
                .get_json(&url, "the repository's file tree (GitHub git/trees)", on)
                .await?;
            if tree.truncated {
                return Err(FetchError::Discovery {
                    publisher: GITHUB,
                    url,
                    message: "the file tree listing is truncated; cannot see every file".into(),
                });
            }
            Ok(tree)
        })
        .await
        .cloned()
    }
}

const GITHUB: &str = "GitHub";

/// `{github_api}/repos/{owner}/{repo}/git/trees/{branch}`.
fn tree_url(bases: &BaseUrls, repository: &str, branch: &str, query: &[(&str, &str)]) -> String {
    let mut segments = vec!["repos"];
    segments.extend(repository.split('/'));
    segments.extend(["git", "trees", branch]);
    url_under(bases.github_api.as_str(), &segments, query)
}

/// `{raw}/{owner}/{repo}/{branch}/{path}` on the raw file host.
fn raw_file_url(bases: &BaseUrls, repository: &str, branch: &str, path: &str) -> String {
    let mut segments: Vec<&str> = repository.split('/').collect();
    segments.push(branch);
    segments.extend(path.split('/'));
    url_under(bases.ons.as_str(), &segments, &[])
}

async fn resolve_github(
    client: &HttpClient,
    discovery: &Discovery,
    spec: &GitHubSpec,
    bases: &BaseUrls,
    on: &dyn OnBytes,
) -> Result<Target, FetchError> {
    let tree = discovery
        .tree(client, bases, &spec.repository, &spec.branch, on)
        .await?;
    let mut files: Vec<&TreeEntry> = tree
        .tree
        .iter()
        .filter(|e| e.kind == "blob" && spec.matches(&e.path))
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    if files.is_empty() {
        // What is there instead: the files of the folder the entry names (or the top level).
        let folder = spec
            .path
            .as_deref()
            .or(spec.path_pattern.as_ref().map(|p| p.0.as_str()))
            .and_then(|p| p.rsplit_once('/'))
            .map_or("", |(d, _)| d)
            .to_owned();
        let near: Vec<&str> = tree
            .tree
            .iter()
            .filter(|e| e.kind == "blob")
            .map(|e| e.path.as_str())
            .filter(|p| p.rsplit_once('/').map_or("", |(d, _)| d) == folder)
            .collect();
        return Err(FetchError::Discovery {
            publisher: GITHUB,
            url: tree_url(bases, &spec.repository, &spec.branch, &[]),
            message: format!(
                "{}@{} has no file at {} (moved or renamed?); {} file(s) in `{folder}/`: {}",
                spec.repository,
                spec.branch,
                spec.describe(),
                near.len(),
                near.join(", ")
            ),
        });
    }
    Ok(Target {
        urls: files
            .iter()
            .map(|f| raw_file_url(bases, &spec.repository, &spec.branch, &f.path))
            .collect(),
        release_label: Some(format!(
            "{}@{} (tree {})",
            spec.repository,
            spec.branch,
            &tree.sha[..tree.sha.len().min(12)]
        )),
        resolved: Some(Resolved::GitHub {
            repository: spec.repository.clone(),
            branch: spec.branch.clone(),
            tree_sha: Some(tree.sha.clone()),
            files: files
                .iter()
                .map(|f| lmi_core::GitHubFile {
                    path: f.path.clone(),
                    blob_sha: f.sha.clone(),
                })
                .collect(),
        }),
        // The tree listing dates nothing; the provenance takes the day of the raw file's
        // Last-Modified when the host sends one.
        release_date: None,
    })
}

const ONS: &str = "ONS website";

/// Every `/file?uri=…` link of a page, decoded (`&amp;` and `%2F` as the site may write them),
/// in page order, each once.
fn file_links(html: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for (i, _) in html.match_indices("/file?uri=") {
        let rest = &html[i + "/file?uri=".len()..];
        let end = rest
            .find(|c: char| c == '"' || c == '\'' || c == '<' || c == '>' || c.is_whitespace())
            .unwrap_or(rest.len());
        let raw = &rest[..end];
        let raw = raw.split("&amp;").next().unwrap_or(raw);
        let raw = raw.split('&').next().unwrap_or(raw);
        let uri = raw.replace("%2F", "/").replace("%2f", "/");
        if !out.contains(&uri) {
            out.push(uri);
        }
    }
    out
}

async fn resolve_ons_dataset(
    client: &HttpClient,
    spec: &OnsDatasetSpec,
    bases: &BaseUrls,
    on: &dyn OnBytes,
) -> Result<Target, FetchError> {
    let segments: Vec<&str> = spec.page.split('/').filter(|s| !s.is_empty()).collect();
    let page_url = url_under(bases.ons_website.as_str(), &segments, &[]);
    let html = client.get_page(&page_url, on).await.map_err(|e| match e {
        FetchError::Status { status: 404, .. } => FetchError::Discovery {
            publisher: ONS,
            url: page_url.clone(),
            message: format!("the dataset page `{}` does not exist (404)", spec.page),
        },
        other => other,
    })?;
    let links = file_links(&html);
    let page = spec.page.trim_end_matches('/');
    let current: Vec<&String> = links
        .iter()
        .filter(|u| {
            u.starts_with(&format!("{page}/"))
                && u.ends_with(&format!("/{}", spec.file))
                && !u.contains("/previous/")
        })
        .collect();
    let uri = match current.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(FetchError::Discovery {
                publisher: ONS,
                url: page_url,
                message: format!(
                    "the page links no current edition of `{}` (a `/file?uri={page}/<edition>/{}` link outside `/previous/`); its {} file link(s): {}",
                    spec.file,
                    spec.file,
                    links.len(),
                    links.join(", ")
                ),
            });
        }
        several => {
            return Err(FetchError::Discovery {
                publisher: ONS,
                url: page_url,
                message: format!(
                    "the page links {} current editions of `{}`, expected one: {}",
                    several.len(),
                    spec.file,
                    several
                        .iter()
                        .map(|s| s.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    };
    let edition = uri[page.len() + 1..]
        .rsplit_once('/')
        .map_or("", |(e, _)| e)
        .to_owned();
    if edition.is_empty() || edition.contains('/') {
        return Err(FetchError::Discovery {
            publisher: ONS,
            url: page_url,
            message: format!("the file link `{uri}` names no single edition folder"),
        });
    }
    Ok(Target {
        urls: vec![url_under(
            bases.ons_website.as_str(),
            &["file"],
            &[("uri", uri.as_str())],
        )],
        release_label: Some(format!("ONS edition `{edition}`")),
        resolved: Some(Resolved::OnsDataset {
            page: spec.page.clone(),
            edition,
            uri,
        }),
        release_date: None,
    })
}

/// Folders holding `{d}/{d}.json` and `{d}/{d}.csv`, the layout of every series in the ELS data
/// repository, ordered by how many words of `indicator` the folder name shares (most first), so
/// that the right one is usually the first metadata file read.
fn els_candidates<'a>(tree: &'a ElsTree, indicator: &str) -> Vec<(&'a str, &'a TreeEntry)> {
    let words = |s: &str| -> Vec<String> {
        s.split(|c: char| !c.is_ascii_alphanumeric())
            .filter(|w| !w.is_empty())
            .map(str::to_ascii_lowercase)
            .collect()
    };
    let wanted = words(indicator);
    let mut candidates: Vec<(usize, &str, &TreeEntry)> = tree
        .tree
        .iter()
        .filter(|e| e.kind == "blob")
        .filter_map(|e| {
            let (dir, file) = e.path.split_once('/')?;
            let stem = file.strip_suffix(".json")?;
            (stem == dir && !dir.contains('/')).then_some((dir, e))
        })
        .map(|(dir, e)| {
            let score = words(dir)
                .iter()
                .filter(|w| {
                    wanted
                        .iter()
                        .any(|x| x.starts_with(w.as_str()) || w.starts_with(x.as_str()))
                })
                .count();
            (score, dir, e)
        })
        .collect();
    candidates.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(b.1)));
    candidates.into_iter().map(|(_, d, e)| (d, e)).collect()
}

/// The indicator codes a metadata file declares: in the single-indicator shape its `label` (the
/// code ONS's app takes from the CSV equals it), in the multi-indicator shape (a `shared` block)
/// every other key. Shapes as read by ONS's app (`scripts/generate-metadata.ts`).
fn els_codes(metadata: &serde_json::Value) -> Vec<String> {
    let Some(meta) = metadata
        .get("ess-beta-metadata")
        .and_then(|m| m.as_object())
    else {
        return Vec::new();
    };
    if meta.contains_key("shared") {
        meta.keys().filter(|k| *k != "shared").cloned().collect()
    } else {
        meta.get("label")
            .and_then(|l| l.as_str())
            .map(|l| vec![l.to_owned()])
            .unwrap_or_default()
    }
}

async fn resolve_els(
    client: &HttpClient,
    discovery: &Discovery,
    indicator: &str,
    bases: &BaseUrls,
    on: &dyn OnBytes,
) -> Result<Target, FetchError> {
    let tree = discovery.els_tree(client, bases, on).await?;
    let raw_url = |path: &str| {
        let mut segments: Vec<&str> = ELS_REPOSITORY.split('/').collect();
        segments.push(ELS_BRANCH);
        segments.extend(path.split('/'));
        url_under(bases.ons.as_str(), &segments, &[])
    };
    let candidates = els_candidates(tree, indicator);
    let mut read = Vec::new();
    for (dir, entry) in &candidates {
        let url = raw_url(&entry.path);
        let metadata: serde_json::Value = client
            .get_json(&url, "an Explore Local Statistics metadata file", on)
            .await?;
        let codes = els_codes(&metadata);
        if !codes.iter().any(|c| c == indicator) {
            read.push(format!("{dir} ({})", codes.join(", ")));
            continue;
        }
        let csv_path = format!("{dir}/{dir}.csv");
        let Some(csv) = tree.tree.iter().find(|e| e.path == csv_path) else {
            return Err(FetchError::Discovery {
                publisher: ELS,
                url,
                message: format!(
                    "the metadata names indicator `{indicator}` but {csv_path} is not in the repository"
                ),
            });
        };
        let source_date = metadata
            .pointer("/ess-beta-metadata/sourceDate")
            .or_else(|| metadata.pointer("/ess-beta-metadata/shared/sourceDate"))
            .and_then(|d| d.as_str());
        let release_date = source_date.and_then(lmi_core::freshness::iso_from_day_month_year);
        let source_date = source_date
            .map(|d| format!(", source date {d}"))
            .unwrap_or_default();
        return Ok(Target {
            urls: vec![raw_url(&csv_path)],
            release_label: Some(format!(
                "Explore Local Statistics `{dir}` at {ELS_BRANCH} (tree {}{source_date})",
                &tree.sha[..tree.sha.len().min(12)]
            )),
            resolved: Some(Resolved::Els {
                repository: ELS_REPOSITORY.to_owned(),
                tree: ELS_BRANCH.to_owned(),
                tree_sha: Some(tree.sha.clone()),
                path: csv_path,
                metadata_path: entry.path.clone(),
                indicator: indicator.to_owned(),
                blob_sha: Some(csv.sha.clone()),
            }),
            release_date,
        });
    }
    Err(FetchError::Discovery {
        publisher: ELS,
        url: els_tree_url(bases, &[]),
        message: format!(
            "no series in the repository declares indicator `{indicator}`; {} metadata file(s) read: {}",
            read.len(),
            read.join("; ")
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(paths: &[&str]) -> ElsTree {
        ElsTree {
            sha: "abc".into(),
            tree: paths
                .iter()
                .map(|p| TreeEntry {
                    path: (*p).into(),
                    kind: if p.contains('.') { "blob" } else { "tree" }.into(),
                    sha: format!("sha-{p}"),
                })
                .collect(),
            truncated: false,
        }
    }

    #[test]
    fn els_metadata_declares_codes_in_either_shape() {
        let single = serde_json::json!({
            "_note": "This file was last modified on 30/01/2026 at 08:04",
            "ess-beta-metadata": { "label": "Claimant Count", "suffix": "%" }
        });
        assert_eq!(els_codes(&single), vec!["Claimant Count".to_owned()]);
        let multi = serde_json::json!({ "ess-beta-metadata": {
            "shared": { "suffix": "%" },
            "Employment rate": { "label": "Employment rate (Great Britain)" },
            "Economically inactive": { "label": "Economic inactivity rate (Great Britain)" }
        }});
        let mut codes = els_codes(&multi);
        codes.sort();
        assert_eq!(codes, vec!["Economically inactive", "Employment rate"]);
        assert!(els_codes(&serde_json::json!({ "title": "x" })).is_empty());
    }

    #[test]
    fn els_folders_are_tried_most_alike_first_and_only_series_folders_count() {
        let t = tree(&[
            "README.md",
            "apprenticeships",
            "apprenticeships/apprenticeships.csv",
            "apprenticeships/apprenticeships.json",
            "apprenticeships-ni/apprenticeships-ni.json",
            "business-demography/business-demography.json",
            "claimant-count/claimant-count.json",
            "claimant-count/notes.json",
        ]);
        let dirs: Vec<&str> = els_candidates(&t, "Apprenticeship starts (England)")
            .into_iter()
            .map(|(d, _)| d)
            .collect();
        assert_eq!(dirs[0], "apprenticeships");
        assert_eq!(dirs[1], "apprenticeships-ni");
        assert_eq!(dirs.len(), 4, "{dirs:?}");
    }

    #[test]
    fn ons_file_links_are_found_once_each_and_decoded() {
        let html = r#"<a href="/file?uri=/a/datasets/x/june2026/f.xlsx">xlsx (1 MB)</a>
            <a href='/file?uri=%2Fa%2Fdatasets%2Fx%2Fjune2026%2Ff.xlsx&amp;x=1'>again</a>
            <a href="/file?uri=/a/datasets/x/previous/v3/f.xlsx">older</a>"#;
        assert_eq!(
            file_links(html),
            [
                "/a/datasets/x/june2026/f.xlsx",
                "/a/datasets/x/previous/v3/f.xlsx"
            ]
        );
    }

    #[test]
    fn nomis_urls_keep_selections_readable_and_paths_are_encoded() {
        let q: BTreeMap<String, String> = [
            ("geography".to_owned(), "TYPE424,2092957699".to_owned()),
            ("c2021_hiqual_8".to_owned(), "0...7".to_owned()),
            ("select".to_owned(), "date name".to_owned()),
        ]
        .into();
        assert_eq!(
            nomis_url("https://www.nomisweb.co.uk/", "NM_17_5", &q),
            "https://www.nomisweb.co.uk/api/v01/dataset/NM_17_5.data.csv?c2021_hiqual_8=0...7&geography=TYPE424,2092957699&select=date%20name"
        );
        assert_eq!(
            url_under(
                "http://127.0.0.1:9/ees",
                &["api", "publications", "16-18 destination", "releases"],
                &[("page", "2")]
            ),
            "http://127.0.0.1:9/ees/api/publications/16-18%20destination/releases?page=2"
        );
    }
}
