//! Fetching every catalogued source over HTTP into the raw cache and parsing it: the ingest half
//! of `lmi refresh` without `--from`.
//!
//! Per source: a source fetched since the last publish is taken from the cache (resume); otherwise
//! one conditional request (all pages for Nomis when it changed). Sources are fetched
//! concurrently, bounded by the client's request limit. Bodies reach the cache only after they
//! parsed, so a bad download never replaces the last good copy.

use crate::cache::{CacheEntry, RawCache, combined_sha256};
use crate::catalogue::{Catalogue, SourceDef};
use crate::fetch::http::{FetchError, HttpClient, OnBytes, Response, Validators};
use crate::fetch::{FetchDef, FetchKind};
use crate::local::parse_source;
use crate::nomis;
use crate::observations::Observations;
use crate::raw::RawFile;
use crate::validate;
use lmi_core::{RawPart, SourceProvenance};
use polars::prelude::DataFrame;
use std::collections::{BTreeSet, HashMap};
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
    Failed,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Fetched => "fetched",
            Outcome::NotModified => "not modified",
            Outcome::Resumed => "resumed",
            Outcome::Cached => "cached",
            Outcome::Failed => "failed",
        }
    }
}

#[derive(Debug, Clone)]
pub struct SourceReport {
    pub source_id: String,
    pub outcome: Outcome,
    pub url: String,
    pub requests: u32,
    /// Body bytes downloaded in this refresh.
    pub bytes_downloaded: u64,
    pub pages: u64,
    pub rows: usize,
    pub observations: usize,
    pub error: Option<String>,
}

#[derive(Debug)]
pub struct LiveSources {
    pub reports: Vec<SourceReport>,
    /// Every source's observations; `None` when a source failed or nothing changed.
    pub observations: Option<DataFrame>,
    pub provenance: Vec<SourceProvenance>,
    /// Every source is unchanged since the snapshot whose source digests were given.
    pub unchanged: bool,
}

impl LiveSources {
    pub fn failed(&self) -> impl Iterator<Item = &SourceReport> {
        self.reports.iter().filter(|r| r.outcome == Outcome::Failed)
    }

    pub fn bytes_downloaded(&self) -> u64 {
        self.reports.iter().map(|r| r.bytes_downloaded).sum()
    }
}

/// A refresh cannot start (exit code 2 territory) or the cache is unusable.
#[derive(Debug, thiserror::Error)]
pub enum LiveError {
    #[error("bad configuration: {0}")]
    Config(String),
    #[error(transparent)]
    Cache(#[from] crate::cache::CacheError),
}

enum Plan<'a> {
    Request(&'a FetchDef, Option<Validators>),
    FromCache(Outcome),
}

/// Bodies as received: (URL shown in errors, bytes).
type Bodies = Vec<(String, Vec<u8>)>;

enum Got {
    NotModified {
        requests: u32,
    },
    Bodies {
        bodies: Bodies,
        validators: Validators,
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

fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Checks the catalogue entries a refresh will fetch: each needs a valid `[source.fetch]`.
pub fn check_fetchable(catalogue: &Catalogue, only: &[String]) -> Result<(), LiveError> {
    for id in only {
        if catalogue.get(id).is_none() {
            let known: Vec<&str> = catalogue.sources.iter().map(|s| s.id.as_str()).collect();
            return Err(LiveError::Config(format!(
                "--only `{id}`: no such source in the catalogue (known: {})",
                known.join(", ")
            )));
        }
    }
    for s in &catalogue.sources {
        match &s.fetch {
            None => {
                return Err(LiveError::Config(format!(
                    "source `{}` has no [source.fetch] section, so it cannot be fetched (use `lmi refresh --from DIR`)",
                    s.id
                )));
            }
            Some(f) => f.check(&s.id).map_err(LiveError::Config)?,
        }
    }
    Ok(())
}

/// Fetches (or takes from the cache) every catalogued source and parses it.
///
/// `only`: when not empty, only these sources are requested and the others come from the cache.
/// `published`: source id -> sha256 in the current snapshot, to tell "nothing changed".
pub async fn fetch_all(
    catalogue: &Catalogue,
    client: &HttpClient,
    cache: &RawCache,
    only: &[String],
    published: &HashMap<String, String>,
    progress: &dyn Progress,
) -> Result<Fetched, LiveError> {
    check_fetchable(catalogue, only)?;
    let manifest = cache.manifest()?;
    let plans: Vec<(&SourceDef, Plan)> = catalogue
        .sources
        .iter()
        .map(|s| {
            let def = s.fetch.as_ref().expect("checked by check_fetchable");
            let entry = manifest.sources.get(&s.id);
            let plan = if !only.is_empty() && !only.contains(&s.id) {
                Plan::FromCache(Outcome::Cached)
            } else if entry.is_some() && manifest.resume.contains(&s.id) {
                Plan::FromCache(Outcome::Resumed)
            } else {
                Plan::Request(def, entry.map(CacheEntry::validators))
            };
            (s, plan)
        })
        .collect();

    let requests = plans.iter().map(|(s, plan)| async move {
        match plan {
            Plan::Request(def, validators) => {
                let url = def.url(&client.config().base_urls);
                progress.begin(&s.id, &url);
                Some(fetch_source(client, &s.id, def, validators.as_ref(), progress).await)
            }
            Plan::FromCache(_) => None,
        }
    });
    let results = futures_util::future::join_all(requests).await;
    Ok(Fetched {
        plans: plans
            .into_iter()
            .zip(results)
            .map(|((s, plan), got)| {
                let url = s
                    .fetch
                    .as_ref()
                    .map(|d| d.url(&client.config().base_urls))
                    .unwrap_or_default();
                (s.id.clone(), url, plan_outcome(&plan), got)
            })
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

/// The network half's result, parsed by [`Fetched::parse`] outside the async runtime.
pub struct Fetched {
    /// (source id, URL, outcome decided before any request, what the request got).
    #[allow(clippy::type_complexity)]
    plans: Vec<(
        String,
        String,
        Option<Outcome>,
        Option<Result<Got, FetchError>>,
    )>,
    published: HashMap<String, String>,
}

impl std::fmt::Debug for Fetched {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetched")
            .field("sources", &self.plans.len())
            .finish()
    }
}

async fn fetch_source(
    client: &HttpClient,
    source: &str,
    def: &FetchDef,
    validators: Option<&Validators>,
    progress: &dyn Progress,
) -> Result<Got, FetchError> {
    let on = SourceBytes { source, progress };
    let url = def.url(&client.config().base_urls);
    if def.kind != FetchKind::Nomis {
        return Ok(match client.get(&url, &url, validators, &on).await? {
            Response::NotModified { attempts } => Got::NotModified { requests: attempts },
            Response::Body(b) => Got::Bodies {
                bodies: vec![(url, b.bytes)],
                validators: b.validators,
                requests: b.attempts,
            },
        });
    }
    // Nomis: page with RecordOffset until RECORD_COUNT cells have arrived.
    let uid = client.config().nomis_uid.clone();
    let sep = if url.contains('?') { '&' } else { '?' };
    let mut bodies = Vec::new();
    let mut first_validators = Validators::default();
    let mut requests = 0;
    let mut offset = 0u64;
    loop {
        let shown = if offset == 0 {
            url.clone()
        } else {
            format!("{url}{sep}RecordOffset={offset}")
        };
        let mut actual = shown.clone();
        if let Some(uid) = &uid {
            actual.push(if actual.contains('?') { '&' } else { '?' });
            actual.push_str(&format!("uid={uid}"));
        }
        let conditional = if offset == 0 { validators } else { None };
        let body = match client.get(&actual, &shown, conditional, &on).await? {
            Response::NotModified { attempts } => {
                return Ok(Got::NotModified {
                    requests: requests + attempts,
                });
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
        let scan = nomis::scan_page(&raw).map_err(|e| FetchError::Paging {
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
        progress.page(source, bodies.len() as u64, offset, scan.record_count);
        if scan.cells == 0 || offset >= scan.record_count {
            break;
        }
    }
    Ok(Got::Bodies {
        bodies,
        validators: first_validators,
        requests,
    })
}

/// Parses one source's bodies into `out`; returns (rows, observations).
fn parse_bodies(
    source: &SourceDef,
    def: &FetchDef,
    bodies: &[(String, Vec<u8>)],
    out: &mut Observations,
) -> crate::error::Result<(usize, usize)> {
    let before = out.len();
    let mut rows = 0;
    if def.kind == FetchKind::Nomis {
        let mut state = nomis::NomisParse::default();
        for (url, bytes) in bodies {
            let raw = RawFile::from_bytes(Path::new(url), bytes.clone())?;
            rows += nomis::parse_page(&raw, &source.id, def, &mut state, out)?;
        }
        let last = bodies.last().map_or("", |(u, _)| u.as_str());
        nomis::check_complete(&state, last)?;
        for d in &def.derive {
            out.derive_product(before, &d.measure, &d.from, &d.times, d.factor);
        }
    } else {
        for (url, bytes) in bodies {
            let raw = RawFile::from_bytes(Path::new(url), bytes.clone())?;
            // The format's parser first: it knows every column and names the renamed one.
            rows += parse_source(source, &raw, out)?;
            validate::required_columns(
                &raw,
                &def.required_columns,
                "the columns listed in the catalogue's required_columns",
            )?;
        }
    }
    Ok((rows, out.len() - before))
}

impl Fetched {
    /// Parses every source (from the fresh bodies or the cache) and updates the cache with each
    /// source that parsed. Blocking work: call it outside async worker threads.
    pub fn parse(
        self,
        catalogue: &Catalogue,
        cache: &RawCache,
        progress: &dyn Progress,
    ) -> Result<LiveSources, LiveError> {
        let mut manifest = cache.manifest()?;
        let now = now_rfc3339();
        let mut reports = Vec::new();
        let mut provenance = Vec::new();
        let mut observations = Observations::default();
        let mut failed = false;

        // Nothing changed: every request answered 304 and the cache matches the snapshot.
        let unchanged = self.plans.iter().all(|(id, _, outcome, got)| {
            let same = manifest
                .sources
                .get(id)
                .zip(self.published.get(id))
                .is_some_and(|(e, p)| &e.sha256 == p);
            same && matches!(
                (outcome, got),
                (Some(Outcome::Cached), _) | (None, Some(Ok(Got::NotModified { .. })))
            )
        });

        for (id, url, outcome, got) in self.plans {
            let source = catalogue.get(&id).expect("planned from this catalogue");
            let def = source.fetch.as_ref().expect("checked by check_fetchable");
            let mut report = SourceReport {
                source_id: id.clone(),
                outcome: outcome.unwrap_or(Outcome::Fetched),
                url: url.clone(),
                requests: 0,
                bytes_downloaded: 0,
                pages: 0,
                rows: 0,
                observations: 0,
                error: None,
            };
            let fresh = match got {
                Some(Err(e)) => {
                    report.outcome = Outcome::Failed;
                    report.error = Some(e.to_string());
                    None
                }
                Some(Ok(Got::NotModified { requests })) => {
                    report.outcome = Outcome::NotModified;
                    report.requests = requests;
                    None
                }
                Some(Ok(Got::Bodies {
                    bodies,
                    validators,
                    requests,
                })) => {
                    report.requests = requests;
                    report.bytes_downloaded = bodies.iter().map(|(_, b)| b.len() as u64).sum();
                    Some((bodies, validators))
                }
                None => None,
            };
            if report.outcome == Outcome::Failed {
                failed = true;
                progress.end(&id, Outcome::Failed);
                reports.push(report);
                continue;
            }
            if unchanged {
                let entry = &manifest.sources[&id];
                report.rows = entry.rows;
                report.observations = entry.observations;
                report.url = entry.url.clone();
                progress.end(&id, report.outcome);
                reports.push(report);
                continue;
            }

            let result = match fresh {
                Some((bodies, validators)) => {
                    report.url = bodies.first().map_or(url.clone(), |(u, _)| u.clone());
                    report.pages = bodies.len() as u64;
                    parse_bodies(source, def, &bodies, &mut observations)
                        .map(|(rows, obs)| (rows, obs, Some((bodies, validators))))
                }
                None => match manifest.sources.get(&id) {
                    None => Err(crate::error::IngestError::NotFound {
                        source_id: id.clone(),
                        dir: cache.dir().to_owned(),
                        tried: "the raw cache (no copy yet: run a refresh without --only first)"
                            .into(),
                    }),
                    Some(entry) => {
                        report.url = entry.url.clone();
                        report.pages = entry.parts.len() as u64;
                        let bodies: Result<Vec<_>, _> = entry
                            .parts
                            .iter()
                            .map(|p| cache.get(&p.sha256).map(|b| (p.url.clone(), b)))
                            .collect();
                        match bodies {
                            Err(e) => Err(crate::error::IngestError::Catalogue(e.to_string())),
                            Ok(bodies) => parse_bodies(source, def, &bodies, &mut observations)
                                .map(|(rows, obs)| (rows, obs, None)),
                        }
                    }
                },
            };
            match result {
                Err(e) => {
                    failed = true;
                    report.outcome = Outcome::Failed;
                    report.error = Some(format!("source `{id}`: {e}"));
                }
                Ok((rows, obs, fresh)) => {
                    report.rows = rows;
                    report.observations = obs;
                    if let Some((bodies, validators)) = fresh {
                        let mut parts = Vec::new();
                        for (url, bytes) in &bodies {
                            let sha256 = cache.put(bytes)?;
                            parts.push(RawPart {
                                url: url.clone(),
                                sha256,
                                bytes: bytes.len() as u64,
                            });
                        }
                        let entry = CacheEntry {
                            url: report.url.clone(),
                            sha256: combined_sha256(bodies.iter().map(|(_, b)| b.as_slice())),
                            bytes: parts.iter().map(|p| p.bytes).sum(),
                            parts,
                            fetched_at: now.clone(),
                            checked_at: now.clone(),
                            etag: validators.etag,
                            last_modified: validators.last_modified,
                            release: def.release_label.clone(),
                            rows,
                            observations: obs,
                        };
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
                    provenance.push(provenance_of(source, entry));
                }
            }
            progress.end(&id, report.outcome);
            reports.push(report);
        }
        let observations = if failed || unchanged {
            None
        } else {
            Some(
                observations
                    .into_frame()
                    .map_err(|e| LiveError::Config(format!("building observations: {e}")))?,
            )
        };
        Ok(LiveSources {
            reports,
            observations,
            provenance,
            unchanged: unchanged && !failed,
        })
    }
}

fn provenance_of(source: &SourceDef, entry: &CacheEntry) -> SourceProvenance {
    SourceProvenance {
        source_id: source.id.clone(),
        title: source.title.clone(),
        publisher: source.publisher.clone(),
        dataset: source.dataset.clone(),
        licence: source.licence.clone(),
        attribution: source.attribution.clone(),
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
    }
}

/// After a publish: sources fetched since are no longer "resumable"; the next refresh asks the
/// publishers again (conditionally).
pub fn clear_resume(cache: &RawCache) -> Result<(), LiveError> {
    let mut m = cache.manifest()?;
    if !m.resume.is_empty() {
        m.resume = BTreeSet::new();
        cache.save_manifest(&m)?;
    }
    Ok(())
}
