//! Fetching every catalogued source over HTTP into the raw cache: the fetch half of `lmi
//! refresh` without `--from`.
//!
//! Per source: a source fetched since the last publish is taken from the cache (resume);
//! otherwise its catalogue entry is resolved against the publisher (discovery: the latest
//! release, the data set by title, the file by its metadata) and asked for with one conditional
//! request per URL (all pages for Nomis when it changed). Sources are fetched concurrently,
//! bounded by the client's request limit. [`Fetched::store`] hands each source's bodies to the
//! caller's parser and writes them to the cache only after they parsed, so a bad download never
//! replaces the last good copy; this crate never reads a format itself.
//!
//! A source that fails does not stop the others: [`StoredSources`] reports every source and
//! lists the ones to carry over from the published snapshot.

use crate::cache::{CacheEntry, CacheError, RawCache, StoredValidators, combined_sha256};
use crate::discover::{self, Target};
use crate::http::{FetchError, HttpClient, OnBytes, Response, Validators};
use lmi_core::{RawPart, Resolved, SourceProvenance};
use lmi_ingest::{
    ArcgisSpec, Catalogue, FetchSpec, RawFile, SourceDef, nomis_page_query, scan_nomis_page,
};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

/// Progress of a refresh, for progress bars and logs.
pub trait Progress: Send + Sync {
    fn begin(&self, source: &str, url: &str);
    fn bytes(&self, source: &str, n: u64);
    /// Nomis: `cells` of `total` received after `pages` pages.
    fn page(&self, source: &str, pages: u64, cells: u64, total: u64);
    fn retry(&self, source: &str, attempt: u32, reason: &str);
    fn end(&self, source: &str, outcome: Outcome);
}

/// No progress reporting.
#[derive(Debug)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn begin(&self, _: &str, _: &str) {}
    fn bytes(&self, _: &str, _: u64) {}
    fn page(&self, _: &str, _: u64, _: u64, _: u64) {}
    fn retry(&self, _: &str, _: u32, _: &str) {}
    fn end(&self, _: &str, _: Outcome) {}
}

/// What happened to one source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Downloaded (new or changed).
    Fetched,
    /// The publisher answered 304: the cached copy is current.
    NotModified,
    /// Fetched by an earlier, unfinished refresh; taken from the cache without a request.
    Resumed,
    /// Not requested (`--only` named other sources); taken from the cache.
    Cached,
    /// Not requested and not in the cache (e.g. after `refresh --from`): its data is kept from
    /// the published snapshot as it is.
    Kept,
    /// Could not be fetched, parsed or validated: its data is carried over from the published
    /// snapshot and marked stale (or is missing when it never succeeded).
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Fetched => "fetched",
            Outcome::NotModified => "not modified",
            Outcome::Resumed => "resumed",
            Outcome::Cached => "cached",
            Outcome::Kept => "kept",
            Outcome::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SourceReport {
    pub source_id: String,
    pub outcome: Outcome,
    pub url: String,
    /// The release fetched (label, and what discovery resolved), when known.
    pub release: Option<String>,
    pub requests: u32,
    /// Body bytes downloaded in this refresh.
    pub bytes_downloaded: u64,
    pub pages: u64,
    pub rows: usize,
    pub observations: usize,
    pub error: Option<String>,
}

/// What [`Fetched::store`] did with every source.
#[derive(Debug)]
pub struct StoredSources {
    pub reports: Vec<SourceReport>,
    /// Provenance of every source that parsed (fetched, not modified, resumed or cached).
    pub provenance: Vec<SourceProvenance>,
    /// Every source is unchanged since the snapshot whose source digests were given: nothing
    /// was parsed.
    pub unchanged: bool,
}

impl StoredSources {
    pub fn failed(&self) -> impl Iterator<Item = &SourceReport> {
        self.reports.iter().filter(|r| r.outcome == Outcome::Failed)
    }

    /// Sources whose data must come from the published snapshot: failed or kept.
    pub fn to_carry(&self) -> impl Iterator<Item = &SourceReport> {
        self.reports
            .iter()
            .filter(|r| matches!(r.outcome, Outcome::Failed | Outcome::Kept))
    }

    pub fn bytes_downloaded(&self) -> u64 {
        self.reports.iter().map(|r| r.bytes_downloaded).sum()
    }
}

/// The fetch cannot be planned: the catalogue or `--only` names something that cannot be
/// fetched (bad configuration, exit code 2 territory), or the raw cache is unusable.
#[derive(Debug, thiserror::Error)]
pub enum PlanError {
    #[error("bad configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Cache(#[from] CacheError),
}

enum Plan<'a> {
    Request(&'a FetchSpec, Option<&'a CacheEntry>),
    FromCache(Outcome),
}

/// Bodies as received: (URL shown in errors, bytes; `None` for a part that answered 304 and is
/// read back from the cache).
type Bodies = Vec<(String, Option<Vec<u8>>)>;

enum Got {
    NotModified {
        target: Target,
        requests: u32,
    },
    Bodies {
        target: Target,
        bodies: Bodies,
        /// Validators per requested URL (the first page's, for Nomis).
        validators: BTreeMap<String, Validators>,
        requests: u32,
    },
}

struct SourceBytes<'a> {
    source: &'a str,
    progress: &'a dyn Progress,
}

impl OnBytes for SourceBytes<'_> {
    fn bytes(&self, n: u64) {
        self.progress.bytes(self.source, n);
    }
    fn retry(&self, attempt: u32, reason: &str) {
        self.progress.retry(self.source, attempt, reason);
    }
}

/// Checks the catalogue entries a refresh will fetch: each needs a valid `[source.fetch]`.
pub fn check_fetchable(catalogue: &Catalogue, only: &[String]) -> Result<(), PlanError> {
    for id in only {
        if catalogue.get(id).is_none() {
            let known: Vec<&str> = catalogue.sources.iter().map(|s| s.id.as_str()).collect();
            return Err(PlanError::Config(format!(
                "--only `{id}`: no such source in the catalogue (known: {})",
                known.join(", ")
            )));
        }
    }
    for s in catalogue.sources.iter().filter(|s| !s.local_only) {
        match &s.fetch {
            None => {
                return Err(PlanError::Config(format!(
                    "source `{}` has no [source.fetch] section, so it cannot be fetched (use `lmi refresh --from DIR`)",
                    s.id
                )));
            }
            Some(f) => f.check(&s.id).map_err(PlanError::Config)?,
        }
    }
    Ok(())
}

/// Fetches (or takes from the cache) every catalogued source.
///
/// `only`: when not empty, only these sources are requested and the others come from the cache
/// (or, when the cache has no copy, are kept from the published snapshot).
/// `published`: source id -> sha256 in the current snapshot, to tell "nothing changed".
pub async fn fetch_all(
    catalogue: &Catalogue,
    client: &HttpClient,
    cache: &RawCache,
    only: &[String],
    published: &HashMap<String, String>,
    progress: &dyn Progress,
) -> Result<Fetched, PlanError> {
    check_fetchable(catalogue, only)?;
    let manifest = cache.manifest()?;
    // Local-only sources have no publisher route: `refresh --from` reads them.
    let plans: Vec<(&SourceDef, Plan)> = catalogue
        .sources
        .iter()
        .filter(|s| !s.local_only)
        .map(|s| {
            let spec = s.fetch.as_ref().expect("checked by check_fetchable");
            let entry = manifest.sources.get(&s.id);
            let plan = if !only.is_empty() && !only.contains(&s.id) {
                Plan::FromCache(if entry.is_some() {
                    Outcome::Cached
                } else {
                    Outcome::Kept
                })
            } else if entry.is_some() && manifest.resume.contains(&s.id) {
                Plan::FromCache(Outcome::Resumed)
            } else {
                Plan::Request(spec, entry)
            };
            (s, plan)
        })
        .collect();

    let discovery = discover::Discovery::default();
    let discovery = &discovery;
    let requests = plans.iter().map(|(s, plan)| async move {
        match plan {
            Plan::Request(spec, entry) => {
                Some(fetch_source(client, discovery, s, spec, *entry, progress).await)
            }
            Plan::FromCache(_) => None,
        }
    });
    let results = futures_util::future::join_all(requests).await;
    Ok(Fetched {
        plans: plans
            .into_iter()
            .zip(results)
            .map(|((s, plan), got)| (s.id.clone(), plan_outcome(&plan), got))
            .collect(),
        published: published.clone(),
    })
}

fn plan_outcome(plan: &Plan) -> Option<Outcome> {
    match plan {
        Plan::Request(..) => None,
        Plan::FromCache(o) => Some(*o),
    }
}

/// The network half's result, parsed and stored by [`Fetched::store`] outside the async runtime.
pub struct Fetched {
    /// (source id, outcome decided before any request, what the request got).
    #[allow(clippy::type_complexity)]
    plans: Vec<(String, Option<Outcome>, Option<Result<Got, FetchError>>)>,
    published: HashMap<String, String>,
}

impl std::fmt::Debug for Fetched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetched")
            .field("sources", &self.plans.len())
            .finish()
    }
}

/// What a source's bodies are: JSON for a feature service and for boundary files (GeoJSON,
/// TopoJSON), CSV otherwise.
fn expect_of(def: &SourceDef, spec: &FetchSpec) -> crate::http::Expect {
    match spec {
        FetchSpec::Arcgis(_) => crate::http::Expect::Json,
        _ if def.format == lmi_ingest::Format::OnsBoundaries => crate::http::Expect::Json,
        _ => crate::http::Expect::Csv,
    }
}

/// Resolves a source against its publisher and downloads it (conditionally when the resolved
/// URL is the one the cached copy came from).
async fn fetch_source(
    client: &HttpClient,
    discovery: &discover::Discovery,
    def: &SourceDef,
    spec: &FetchSpec,
    entry: Option<&CacheEntry>,
    progress: &dyn Progress,
) -> Result<Got, FetchError> {
    let source = def.id.as_str();
    let on = SourceBytes { source, progress };
    let target = discover::resolve(client, discovery, def, spec, &on).await?;
    progress.begin(source, target.urls.first().map_or("", String::as_str));
    // The repository listing names each file's content hash: an unchanged file is not asked for.
    if let (
        Some(Resolved::Els {
            path,
            blob_sha: Some(sha),
            ..
        }),
        Some(Resolved::Els {
            path: held_path,
            blob_sha: Some(held),
            ..
        }),
    ) = (&target.resolved, entry.and_then(|e| e.resolved.as_ref()))
        && path == held_path
        && sha == held
    {
        return Ok(Got::NotModified {
            target,
            requests: 0,
        });
    }
    // Repository files: those whose blob id is the cached copy's are not asked for.
    let same_blob = github_unchanged(&target, entry);
    // A file added or removed changes the source even when every file left is unchanged.
    let same_files = entry.is_some_and(|e| {
        e.parts
            .iter()
            .map(|p| p.url.as_str())
            .collect::<BTreeSet<_>>()
            == target.urls.iter().map(String::as_str).collect()
    });
    if same_files && same_blob.len() == target.urls.len() {
        return Ok(Got::NotModified {
            target,
            requests: 0,
        });
    }
    let mut bodies = Vec::new();
    let mut validators = BTreeMap::new();
    let mut requests = 0;
    let mut unchanged = 0;
    for url in &target.urls {
        if same_blob.contains(url.as_str()) {
            unchanged += 1;
            validators.insert(
                url.clone(),
                entry
                    .and_then(|e| e.validators_for(url))
                    .unwrap_or_default(),
            );
            bodies.push((url.clone(), None));
            continue;
        }
        // A new release or a moved file has a new URL: ask for it unconditionally.
        let held = entry.and_then(|e| e.validators_for(url));
        let got = match spec {
            FetchSpec::Nomis(_) => fetch_nomis(client, source, url, held.as_ref(), &on).await?,
            FetchSpec::Arcgis(ArcgisSpec {
                page_size: Some(size),
                ..
            }) => fetch_arcgis_pages(client, source, url, *size, held.as_ref(), &on).await?,
            _ => match client
                .get_expecting(url, url, held.as_ref(), expect_of(def, spec), &on)
                .await?
            {
                Response::NotModified { attempts } => UrlGot::NotModified(attempts),
                Response::Body(b) => UrlGot::Bodies {
                    bodies: vec![(url.clone(), b.bytes)],
                    validators: b.validators,
                    requests: b.attempts,
                },
            },
        };
        match got {
            UrlGot::NotModified(attempts) => {
                requests += attempts;
                unchanged += 1;
                // Unchanged part of a source that changed elsewhere: reuse the cached bodies.
                if let Some(e) = entry {
                    validators.insert(url.clone(), held.unwrap_or_default());
                    for part in e.parts.iter().filter(|p| nomis_page_query(&p.url) == url) {
                        bodies.push((part.url.clone(), None));
                    }
                }
            }
            UrlGot::Bodies {
                bodies: b,
                validators: v,
                requests: r,
            } => {
                requests += r;
                validators.insert(url.clone(), v);
                bodies.extend(b.into_iter().map(|(u, bytes)| (u, Some(bytes))));
            }
        }
    }
    if unchanged == target.urls.len() && (same_blob.is_empty() || same_files) {
        return Ok(Got::NotModified { target, requests });
    }
    Ok(Got::Bodies {
        target,
        bodies,
        validators,
        requests,
    })
}

/// The URLs of a GitHub source whose file has the blob id the cached copy was made from (and a
/// cached body).
fn github_unchanged<'a>(target: &'a Target, entry: Option<&CacheEntry>) -> BTreeSet<&'a str> {
    let (
        Some(Resolved::GitHub { files, .. }),
        Some(Resolved::GitHub {
            files: held_files, ..
        }),
    ) = (&target.resolved, entry.and_then(|e| e.resolved.as_ref()))
    else {
        return BTreeSet::new();
    };
    let held: BTreeMap<&str, &str> = held_files
        .iter()
        .map(|f| (f.path.as_str(), f.blob_sha.as_str()))
        .collect();
    let cached: BTreeSet<&str> = entry
        .map(|e| e.parts.iter().map(|p| p.url.as_str()).collect())
        .unwrap_or_default();
    files
        .iter()
        .zip(&target.urls)
        .filter(|(f, url)| {
            held.get(f.path.as_str()) == Some(&f.blob_sha.as_str()) && cached.contains(url.as_str())
        })
        .map(|(_, url)| url.as_str())
        .collect()
}

enum UrlGot {
    NotModified(u32),
    Bodies {
        bodies: Vec<(String, Vec<u8>)>,
        validators: Validators,
        requests: u32,
    },
}

/// One Nomis query: pages with RecordOffset until RECORD_COUNT cells have arrived.
async fn fetch_nomis(
    client: &HttpClient,
    source: &str,
    url: &str,
    validators: Option<&Validators>,
    on: &SourceBytes<'_>,
) -> Result<UrlGot, FetchError> {
    let uid = client
        .config()
        .nomis_uid
        .as_ref()
        .map(|u| u.expose().as_str());
    let sep = if url.contains('?') { '&' } else { '?' };
    let mut bodies = Vec::new();
    let mut first_validators = Validators::default();
    let mut requests = 0;
    let mut offset = 0u64;
    loop {
        let shown = if offset == 0 {
            url.to_owned()
        } else {
            format!("{url}{sep}RecordOffset={offset}")
        };
        let actual = discover::nomis_keyed(&shown, uid);
        let conditional = if offset == 0 { validators } else { None };
        let body = match client.get(&actual, &shown, conditional, on).await? {
            Response::NotModified { attempts } => {
                return Ok(UrlGot::NotModified(requests + attempts));
            }
            Response::Body(b) => b,
        };
        requests += body.attempts;
        if offset == 0 {
            first_validators = body.validators.clone();
        }
        let raw = RawFile::from_bytes(Path::new(&shown), body.bytes.clone()).map_err(|e| {
            FetchError::Paging {
                url: shown.clone(),
                message: e.to_string(),
            }
        })?;
        let scan = scan_nomis_page(&raw).map_err(|e| FetchError::Paging {
            url: shown.clone(),
            message: e.to_string().replacen(&format!("{shown}: "), "", 1),
        })?;
        bodies.push((shown.clone(), body.bytes));
        if scan.first_offset.is_some_and(|o| o != offset) {
            return Err(FetchError::Paging {
                url: shown,
                message: format!(
                    "asked for cells from RecordOffset {offset}, the page starts at RECORD_OFFSET {} (a page is missing)",
                    scan.first_offset.unwrap_or(0)
                ),
            });
        }
        offset += scan.cells;
        on.progress
            .page(source, bodies.len() as u64, offset, scan.record_count);
        if scan.cells == 0 || offset >= scan.record_count {
            break;
        }
    }
    Ok(UrlGot::Bodies {
        bodies,
        validators: first_validators,
        requests,
    })
}

/// One ArcGIS feature service layer larger than an answer: pages of `size` rows from
/// `resultOffset` 0 while the answer says `exceededTransferLimit: true` (the paging ONS's portal
/// documents; see PUBLISHERS-DEMAND §12). As with Nomis, the first page is asked for
/// conditionally and stands for the layer: unchanged, the cached pages are kept (ONS replaces the
/// whole layer with each edition).
async fn fetch_arcgis_pages(
    client: &HttpClient,
    source: &str,
    url: &str,
    size: u32,
    validators: Option<&Validators>,
    on: &SourceBytes<'_>,
) -> Result<UrlGot, FetchError> {
    let sep = if url.contains('?') { '&' } else { '?' };
    let mut bodies = Vec::new();
    let mut first_validators = Validators::default();
    let mut requests = 0;
    let mut offset = 0u64;
    loop {
        let shown = format!("{url}{sep}resultOffset={offset}&resultRecordCount={size}");
        let conditional = if offset == 0 { validators } else { None };
        let body = match client
            .get_expecting(&shown, &shown, conditional, crate::http::Expect::Json, on)
            .await?
        {
            Response::NotModified { attempts } => {
                return Ok(UrlGot::NotModified(requests + attempts));
            }
            Response::Body(b) => b,
        };
        requests += body.attempts;
        if offset == 0 {
            first_validators = body.validators.clone();
        }
        let (rows, more) =
            lmi_ingest::scan_arcgis_page(&body.bytes).map_err(|message| FetchError::Paging {
                url: shown.clone(),
                message,
            })?;
        bodies.push((shown, body.bytes));
        offset += rows as u64;
        on.progress
            .page(source, bodies.len() as u64, offset, offset);
        if !more || rows == 0 {
            break;
        }
    }
    Ok(UrlGot::Bodies {
        bodies,
        validators: first_validators,
        requests,
    })
}

/// Reads the bodies named by a list of (URL, bytes if just downloaded) from the cache as needed.
fn with_cached(
    cache: &RawCache,
    entry: Option<&CacheEntry>,
    bodies: Vec<(String, Option<Vec<u8>>)>,
) -> Result<Vec<(String, Vec<u8>)>, CacheError> {
    bodies
        .into_iter()
        .map(|(url, bytes)| match bytes {
            Some(b) => Ok((url, b)),
            None => {
                let part = entry
                    .and_then(|e| e.parts.iter().find(|p| p.url == url))
                    .map(|p| p.sha256.clone())
                    .unwrap_or_default();
                cache.get(&part).map(|b| (url, b))
            }
        })
        .collect()
}

/// A source's bodies as downloaded by this refresh, with what they were resolved from.
struct Downloaded {
    /// Parts that answered 304 have no bytes yet: they are read back from the cache.
    bodies: Bodies,
    target: Target,
    validators: BTreeMap<String, Validators>,
}

/// One source's bodies as handed to the parser: (URL shown in errors, bytes).
pub type SourceBodies = [(String, Vec<u8>)];

impl Fetched {
    /// Hands every source's bodies (fresh, or read back from the cache) to `parse` and updates
    /// the cache with each source that parsed. A source that fails to be read back or parsed is
    /// reported and left out; the others go on. Blocking work: call it outside async worker
    /// threads.
    ///
    /// `parse(source, spec, resolved, bodies)` returns the source's (rows, observations) or why
    /// they cannot be read. `skip_unchanged`: when every source is unchanged since the published
    /// snapshot, parse nothing and report `unchanged` (false when the snapshot must be rebuilt
    /// anyway, e.g. to clear a stale mark).
    pub fn store<E: std::fmt::Display>(
        self,
        catalogue: &Catalogue,
        cache: &RawCache,
        skip_unchanged: bool,
        progress: &dyn Progress,
        mut parse: impl FnMut(
            &SourceDef,
            &FetchSpec,
            Option<&Resolved>,
            &SourceBodies,
        ) -> Result<(usize, usize), E>,
    ) -> Result<StoredSources, CacheError> {
        let mut manifest = cache.manifest()?;
        let now = lmi_core::now_rfc3339();
        let unchanged = skip_unchanged && self.all_unchanged(&manifest);
        let mut reports = Vec::new();
        let mut provenance = Vec::new();
        for (id, outcome, got) in self.plans {
            let source = catalogue.get(&id).expect("planned from this catalogue");
            let spec = source.fetch.as_ref().expect("checked by check_fetchable");
            let entry = manifest.sources.get(&id).cloned();
            let (mut report, downloaded) = first_report(&id, outcome, got, entry.as_ref());
            let settled = matches!(report.outcome, Outcome::Failed | Outcome::Kept);
            if settled {
                // Nothing to read: failed already, or kept from the published snapshot.
            } else if unchanged {
                let entry = &manifest.sources[&id];
                report.rows = entry.rows;
                report.observations = entry.observations;
            } else {
                // Name the publication and release the bytes came from, not only the URL.
                let from = match &downloaded {
                    Some(d) => d.target.resolved.as_ref(),
                    None => entry.as_ref().and_then(|e| e.resolved.as_ref()),
                }
                .map(|r| format!(" ({r})"))
                .unwrap_or_default();
                let read = read_bodies(cache, &id, entry.as_ref(), downloaded, &mut report);
                let parsed = read.and_then(|(bodies, resolved, downloaded)| {
                    parse(source, spec, resolved.as_ref(), &bodies)
                        .map(|counts| (counts, bodies, downloaded))
                        .map_err(|e| e.to_string())
                });
                match parsed {
                    Err(e) => {
                        report.outcome = Outcome::Failed;
                        report.error = Some(format!("source `{id}`{from}: {e}"));
                    }
                    Ok(((rows, observations), bodies, downloaded)) => {
                        report.rows = rows;
                        report.observations = observations;
                        if let Some((target, validators)) = downloaded {
                            let entry =
                                cache_entry(cache, &report, bodies, target, validators, &now)?;
                            manifest.sources.insert(id.clone(), entry);
                            manifest.resume.insert(id.clone());
                        } else if report.outcome == Outcome::NotModified
                            && let Some(e) = manifest.sources.get_mut(&id)
                        {
                            e.checked_at = now.clone();
                        }
                        // Saved after each source, so a crash later keeps what was fetched.
                        cache.save_manifest(&manifest)?;
                        let entry = &manifest.sources[&id];
                        report.url = entry.url.clone();
                        report.release = entry.release.clone();
                        provenance.push(provenance_of(source, entry));
                    }
                }
            }
            progress.end(&id, report.outcome);
            reports.push(report);
        }
        Ok(StoredSources {
            reports,
            provenance,
            unchanged,
        })
    }

    /// Nothing changed: every request answered 304 (or was not made) and the cache matches the
    /// published snapshot.
    fn all_unchanged(&self, manifest: &crate::cache::CacheManifest) -> bool {
        self.plans.iter().all(|(id, outcome, got)| {
            let same = manifest
                .sources
                .get(id)
                .zip(self.published.get(id))
                .is_some_and(|(e, p)| &e.sha256 == p);
            same && matches!(
                (outcome, got),
                (Some(Outcome::Cached), _) | (None, Some(Ok(Got::NotModified { .. })))
            )
        })
    }
}

/// A source's report from what its request got (or the plan decided), before any parsing; and
/// its bodies when they were downloaded.
fn first_report(
    id: &str,
    planned: Option<Outcome>,
    got: Option<Result<Got, FetchError>>,
    entry: Option<&CacheEntry>,
) -> (SourceReport, Option<Downloaded>) {
    let mut report = SourceReport {
        source_id: id.to_owned(),
        outcome: planned.unwrap_or(Outcome::Fetched),
        url: entry.map(|e| e.url.clone()).unwrap_or_default(),
        release: entry.and_then(|e| e.release.clone()),
        requests: 0,
        bytes_downloaded: 0,
        pages: 0,
        rows: 0,
        observations: 0,
        error: None,
    };
    let downloaded = match got {
        Some(Err(e)) => {
            report.outcome = Outcome::Failed;
            report.error = Some(format!("source `{id}`: {e}"));
            None
        }
        Some(Ok(Got::NotModified { target, requests })) => {
            report.outcome = Outcome::NotModified;
            report.requests = requests;
            report.release = target.release_label.clone();
            None
        }
        Some(Ok(Got::Bodies {
            target,
            bodies,
            validators,
            requests,
        })) => {
            report.requests = requests;
            report.bytes_downloaded = bodies
                .iter()
                .filter_map(|(_, b)| b.as_ref())
                .map(|b| b.len() as u64)
                .sum();
            report.url = target.urls.first().cloned().unwrap_or_default();
            report.release = target.release_label.clone();
            Some(Downloaded {
                bodies,
                target,
                validators,
            })
        }
        None => None,
    };
    (report, downloaded)
}

/// A downloaded source's target and validators, to be cached once its bodies parsed.
type ToCache = (Target, BTreeMap<String, Validators>);

/// Every body of a source (fresh ones as downloaded, the rest read back from the cache), what
/// they were resolved from, and what to cache when they were downloaded. Counts the pages.
#[allow(clippy::type_complexity)]
fn read_bodies(
    cache: &RawCache,
    id: &str,
    entry: Option<&CacheEntry>,
    downloaded: Option<Downloaded>,
    report: &mut SourceReport,
) -> Result<(Vec<(String, Vec<u8>)>, Option<Resolved>, Option<ToCache>), String> {
    match downloaded {
        Some(d) => {
            report.pages = d.bodies.len() as u64;
            let bodies = with_cached(cache, entry, d.bodies).map_err(|e| e.to_string())?;
            let resolved = d.target.resolved.clone();
            Ok((bodies, resolved, Some((d.target, d.validators))))
        }
        // Planned from the cache, so the entry exists.
        None => {
            let Some(entry) = entry else {
                return Err(format!(
                    "source `{id}`: no file found in {}; looked for the raw cache",
                    cache.dir().display()
                ));
            };
            report.pages = entry.parts.len() as u64;
            let parts = entry.parts.iter().map(|p| (p.url.clone(), None)).collect();
            let bodies = with_cached(cache, Some(entry), parts).map_err(|e| e.to_string())?;
            Ok((bodies, entry.resolved.clone(), None))
        }
    }
}

/// Stores a parsed source's bodies and returns its new cache entry.
fn cache_entry(
    cache: &RawCache,
    report: &SourceReport,
    bodies: Vec<(String, Vec<u8>)>,
    target: Target,
    validators: BTreeMap<String, Validators>,
    now: &str,
) -> Result<CacheEntry, CacheError> {
    let mut parts = Vec::new();
    for (url, bytes) in &bodies {
        let sha256 = cache.put(bytes)?;
        parts.push(RawPart {
            url: url.clone(),
            sha256,
            bytes: bytes.len() as u64,
        });
    }
    // The source's own (first) URL, as entries without per-URL validators record.
    let first = target
        .urls
        .first()
        .and_then(|u| validators.get(u))
        .cloned()
        .unwrap_or_default();
    Ok(CacheEntry {
        url: report.url.clone(),
        sha256: combined_sha256(bodies.iter().map(|(_, b)| b.as_slice())),
        bytes: parts.iter().map(|p| p.bytes).sum(),
        parts,
        fetched_at: now.to_owned(),
        checked_at: now.to_owned(),
        etag: first.etag,
        last_modified: first.last_modified,
        validators: validators
            .into_iter()
            .map(|(u, v)| (u, StoredValidators::from(v)))
            .collect(),
        release: target.release_label.clone(),
        resolved: target.resolved.clone(),
        release_date: target.release_date.clone(),
        rows: report.rows,
        observations: report.observations,
    })
}

/// The provenance of a source as its cached copy records it.
pub fn provenance_of(source: &SourceDef, entry: &CacheEntry) -> SourceProvenance {
    SourceProvenance {
        file: entry.url.clone(),
        sha256: entry.sha256.clone(),
        bytes: entry.bytes,
        rows: entry.rows,
        observations: entry.observations,
        url: Some(entry.url.clone()),
        fetched_at: Some(entry.fetched_at.clone()),
        etag: entry.etag.clone(),
        last_modified: entry.last_modified.clone(),
        release: entry.release.clone(),
        raw_parts: entry.parts.clone(),
        resolved: entry.resolved.clone(),
        stale: None,
        earlier_files: Vec::new(),
        release_date: release_date(entry),
        ..source.provenance()
    }
}

/// The publisher's release date of a cached source (see [`discover::release_day`]).
fn release_date(entry: &CacheEntry) -> Option<String> {
    discover::release_day(
        entry.release_date.as_deref(),
        entry.last_modified.as_deref(),
    )
}

/// After a publish: sources fetched since are no longer "resumable"; the next refresh asks the
/// publishers again (conditionally).
pub fn clear_resume(cache: &RawCache) -> Result<(), CacheError> {
    let mut m = cache.manifest()?;
    if !m.resume.is_empty() {
        m.resume = BTreeSet::new();
        cache.save_manifest(&m)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_bundled_source_can_be_planned() {
        check_fetchable(&Catalogue::bundled().unwrap(), &[]).unwrap();
        let err = check_fetchable(&Catalogue::bundled().unwrap(), &["nope".into()]).unwrap_err();
        assert!(
            err.to_string()
                .starts_with("bad configuration: --only `nope`: no such source")
        );
    }
}
