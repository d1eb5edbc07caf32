//! A refresh over HTTP: fetch every catalogued source, carry over from the published snapshot
//! what could not be fetched, compute, validate and publish.
//!
//! One broken publisher must not freeze every other indicator: a source that fails to fetch,
//! parse or validate keeps its data from the last good snapshot, marked stale in the manifest
//! (and so on every value it feeds); a source that never succeeded is reported as missing, never
//! invented. [`LiveReport::is_partial`] says whether any source is stale or missing.

use crate::Error;
use lmi_core::{SourceProvenance, Staleness};
use lmi_ingest::Catalogue;
use lmi_ingest::cache::RawCache;
use lmi_ingest::fetch::FetchConfig;
use lmi_ingest::fetch::http::HttpClient;
use lmi_ingest::live::now_rfc3339;
use lmi_ingest::live::{Outcome, Progress, SourceReport};
use lmi_ingest::observations::{concat_frames, filter_sources};
use lmi_ingest::validate;
use lmi_store::{Manifest, SnapshotInput, Store};
use polars::prelude::DataFrame;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

/// What a refresh without `--from` does: fetch every catalogued source over HTTP.
#[derive(Debug, Clone)]
pub struct LiveRefresh {
    pub data_dir: PathBuf,
    pub catalogue: Catalogue,
    pub fetch: FetchConfig,
    /// Request only these sources; the others come from the raw cache or the current snapshot.
    pub only: Vec<String>,
    /// Fetch, parse and validate, but publish nothing.
    pub dry_run: bool,
    /// Publish even when a source shrank by more than half since the published snapshot.
    pub force: bool,
    /// Snapshots to keep after publishing, besides the current one (see [`crate::DEFAULT_KEEP`]).
    pub keep: usize,
}

/// A source whose data did not come from this refresh.
#[derive(Debug, Clone, PartialEq)]
pub enum Carried {
    /// Failed this time; its data comes from `snapshot`, marked stale.
    Stale {
        source_id: String,
        snapshot: String,
        reason: String,
    },
    /// Not requested (`--only`) and not in the raw cache: kept from `snapshot` as it was.
    Kept { source_id: String, snapshot: String },
    /// Failed, and no earlier snapshot has its data: its indicators have no values.
    Missing { source_id: String, reason: String },
}

impl Carried {
    pub fn source_id(&self) -> &str {
        match self {
            Carried::Stale { source_id, .. }
            | Carried::Kept { source_id, .. }
            | Carried::Missing { source_id, .. } => source_id,
        }
    }

    /// Stale or missing: the refresh did not fully succeed.
    pub fn is_failure(&self) -> bool {
        !matches!(self, Carried::Kept { .. })
    }
}

/// The outcome of a live refresh that did not fail outright.
#[derive(Debug)]
pub struct LiveReport {
    pub sources: Vec<SourceReport>,
    /// The snapshot published (None on a dry run or when nothing changed).
    pub published: Option<Manifest>,
    /// Every source was unchanged since the current snapshot: nothing to publish.
    pub unchanged: bool,
    pub bytes_downloaded: u64,
    /// Sources whose data came from an earlier snapshot, or is missing.
    pub carried: Vec<Carried>,
}

impl LiveReport {
    pub fn failed_sources(&self) -> impl Iterator<Item = &SourceReport> {
        self.sources.iter().filter(|r| r.outcome == Outcome::Failed)
    }

    /// Published (or would have), but some source is stale or missing.
    pub fn is_partial(&self) -> bool {
        self.carried.iter().any(Carried::is_failure)
    }
}

fn nothing_published(message: impl Into<String>, sources: Vec<SourceReport>) -> Error {
    Error::NothingPublished {
        message: message.into(),
        sources,
    }
}

/// The published snapshot a refresh carries data over from: its manifest and, loaded only when
/// needed, its observations. A sample snapshot is never carried over into real data.
struct Previous<'a> {
    store: &'a Store,
    manifest: Option<Manifest>,
    observations: Option<DataFrame>,
}

impl Previous<'_> {
    fn provenance(&self, source_id: &str) -> Option<&SourceProvenance> {
        self.manifest
            .as_ref()
            .filter(|m| m.sample.is_none())?
            .sources
            .iter()
            .find(|s| s.source_id == source_id)
    }

    /// The source's rows of the published observations.
    fn observations_of(&mut self, source_id: &str) -> Result<DataFrame, String> {
        let Some(m) = &self.manifest else {
            return Err("no snapshot has been published".into());
        };
        if self.observations.is_none() {
            let df = self
                .store
                .load_observations(&m.version)
                .map_err(|e| format!("reading snapshot {}: {e}", m.version))?;
            self.observations = Some(df);
        }
        let df = self.observations.as_ref().expect("loaded above");
        filter_sources(df, &[source_id], true)
            .map_err(|e| format!("reading snapshot {}: {e}", m.version))
    }
}

/// Fetches every catalogued source (conditionally; resuming an unfinished refresh), carries
/// over what failed, validates and publishes a new snapshot. Nothing is published when no
/// source could be read this time; sources that parsed are kept in the raw cache either way.
pub fn refresh_live(options: &LiveRefresh, progress: &dyn Progress) -> Result<LiveReport, Error> {
    refresh_live_into(options, &Store::open(&options.data_dir), progress)
}

/// [`refresh_live`] publishing to `store` (e.g. an object store); the raw cache stays in
/// `options.data_dir`.
pub fn refresh_live_into(
    options: &LiveRefresh,
    store: &Store,
    progress: &dyn Progress,
) -> Result<LiveReport, Error> {
    options.fetch.check()?;
    lmi_ingest::live::check_fetchable(&options.catalogue, &options.only)?;
    let held = crate::hold(store)?;
    let geography = crate::geography()?;
    let client = HttpClient::new(options.fetch.clone())?;
    let store = held.store.clone();
    let cache = RawCache::open(&options.data_dir);
    let fail = |e: &dyn std::fmt::Display| nothing_published(e.to_string(), Vec::new());

    // A damaged published snapshot cannot be carried from, but must not block the refresh
    // that replaces it: refresh as if there were none, and say so.
    let manifest = match store.current_version() {
        Ok(Some(v)) => match store.verify(&v) {
            Ok(m) => Some(m),
            Err(e) => {
                tracing::warn!(error = %e, "the published snapshot is damaged: refreshing without it (nothing can be carried over from it)");
                None
            }
        },
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "the current pointer is damaged: refreshing without a previous snapshot");
            None
        }
    };
    let mut previous = Previous {
        store: &store,
        manifest,
        observations: None,
    };
    let published: HashMap<String, String> = previous
        .manifest
        .iter()
        .filter(|m| m.sample.is_none())
        .flat_map(|m| &m.sources)
        .map(|s| (s.source_id.clone(), s.sha256.clone()))
        .collect();
    let previously_stale = previous
        .manifest
        .iter()
        .flat_map(|m| &m.sources)
        .any(SourceProvenance::is_stale);

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(&format!("starting the async runtime: {e}")))?;
    let fetched = runtime
        .block_on(lmi_ingest::live::fetch_all(
            &options.catalogue,
            &client,
            &cache,
            &options.only,
            &published,
            progress,
        ))
        .map_err(|e| match e {
            lmi_ingest::live::LiveError::Config(_) => Error::Live(e),
            other => fail(&other),
        })?;
    drop(runtime);
    let mut live = fetched
        .parse(&options.catalogue, &cache, !previously_stale, progress)
        .map_err(|e| fail(&e))?;
    let bytes_downloaded = live.bytes_downloaded();

    if live.unchanged && !previously_stale {
        return Ok(LiveReport {
            sources: live.reports,
            published: None,
            unchanged: true,
            bytes_downloaded,
            carried: Vec::new(),
        });
    }

    // Sources that parsed but do not pass validation against the previous release join the
    // failed ones.
    let mut rejected: BTreeMap<String, String> = BTreeMap::new();
    for p in &live.provenance {
        let before = previous.provenance(&p.source_id).map(|s| s.observations);
        let url = p.url.clone().unwrap_or_else(|| p.file.clone());
        if let Err(e) =
            validate::row_count(&p.source_id, &url, before, p.observations, options.force)
        {
            rejected.insert(p.source_id.clone(), e.to_string());
        }
    }
    let fetched_observations = live
        .observations
        .take()
        .unwrap_or_else(|| lmi_ingest::observations::empty_frame().unwrap_or_default());
    let now = now_rfc3339();
    // Once per source set aside: a fresh source whose codes match no area joins the rejected
    // ones and the snapshot is assembled again, with its last good data instead.
    let (carried, provenance, mut observations, output) = loop {
        mark_failed(&mut live.reports, &rejected);
        if live
            .reports
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Failed | Outcome::Kept))
        {
            let errors: Vec<String> = live.failed().filter_map(|r| r.error.clone()).collect();
            let message = if errors.is_empty() {
                "no source was read".to_owned()
            } else {
                errors.join("\n")
            };
            return Err(nothing_published(message, live.reports));
        }
        let (carried, provenance) = plan_carry(&live, &previous, &rejected, &now, options);
        // Nothing new (every fresh source answered 304 and the failures were already stale):
        // decided before any carried data is read.
        if nothing_new(&live.reports, &carried, &previous, &options.catalogue) {
            return Ok(LiveReport {
                sources: live.reports,
                published: None,
                unchanged: true,
                bytes_downloaded,
                carried,
            });
        }
        let set_aside: Vec<&str> = rejected.keys().map(String::as_str).collect();
        let mut frames =
            vec![filter_sources(&fetched_observations, &set_aside, false).map_err(|e| fail(&e))?];
        for c in &carried {
            if let Carried::Stale { source_id, .. } | Carried::Kept { source_id, .. } = c {
                frames.push(
                    previous
                        .observations_of(source_id)
                        .map_err(|e| fail(&format!("carrying over source `{source_id}`: {e}")))?,
                );
            }
        }
        let observations =
            concat_frames(frames).map_err(|e| fail(&format!("carrying over sources: {e}")))?;
        let output = lmi_pipeline::compute(&observations, geography, lmi_core::INDICATORS)
            .map_err(|e| fail(&format!("computing indicators: {e}")))?;
        // Carried data passed validation when it was published; only fresh sources are judged.
        let unknown: Vec<_> = output
            .unmatched
            .iter()
            .filter(|u| {
                !rejected.contains_key(&u.source)
                    && !carried.iter().any(|c| c.source_id() == u.source)
            })
            .collect();
        if unknown.is_empty() {
            break (carried, provenance, observations, output);
        }
        for u in unknown {
            let url = live
                .provenance
                .iter()
                .find(|p| p.source_id == u.source)
                .and_then(|p| p.url.clone())
                .unwrap_or_default();
            let e = validate::ValidationError::UnknownAreaCodes {
                source_id: u.source.clone(),
                url,
                codes: u.codes.clone(),
            };
            rejected.insert(u.source.clone(), e.to_string());
        }
    };
    if options.dry_run {
        return Ok(LiveReport {
            sources: live.reports,
            published: None,
            unchanged: false,
            bytes_downloaded,
            carried,
        });
    }

    let warnings = carried
        .iter()
        .filter_map(|c| match c {
            Carried::Stale {
                source_id,
                snapshot,
                reason,
            } => Some(format!(
                "source {source_id} is stale: this refresh failed ({reason}); its data is carried over from snapshot {snapshot}"
            )),
            Carried::Missing { source_id, reason } => Some(format!(
                "source {source_id} is missing: it failed ({reason}) and no earlier snapshot has its data; its indicators have no values"
            )),
            Carried::Kept { .. } => None,
        })
        .collect();
    let mut tables = lmi_pipeline::compute_tables(&observations, geography)
        .map_err(|e| fail(&format!("computing breakdowns: {e}")))?;
    let mut values = output.values;
    let manifest = store
        .publish_with_tables(
            &mut values,
            &mut observations,
            &mut tables,
            SnapshotInput {
                sources: provenance,
                sample: None,
                warnings,
                inputs_sha256: None,
            },
        )
        .map_err(|e| fail(&format!("publishing a snapshot in {store}: {e}")))?;
    lmi_ingest::live::clear_resume(&cache).map_err(|e| fail(&e))?;
    held.prune(options.keep);
    Ok(LiveReport {
        sources: live.reports,
        published: Some(manifest),
        unchanged: false,
        bytes_downloaded,
        carried,
    })
}

/// What becomes of the sources this refresh could not read (failed, set aside or not asked
/// for), and the provenance of every source the snapshot will hold, in catalogue order. Reads
/// no data: the rows are taken when the snapshot is assembled.
fn plan_carry(
    live: &lmi_ingest::live::LiveSources,
    previous: &Previous<'_>,
    rejected: &BTreeMap<String, String>,
    now: &str,
    options: &LiveRefresh,
) -> (Vec<Carried>, Vec<SourceProvenance>) {
    let mut carried = Vec::new();
    let mut provenance: Vec<SourceProvenance> = live
        .provenance
        .iter()
        .filter(|p| !rejected.contains_key(&p.source_id))
        .cloned()
        .collect();
    let snapshot = previous
        .manifest
        .as_ref()
        .map(|m| m.version.clone())
        .unwrap_or_default();
    for r in live.to_carry() {
        let source_id = r.source_id.clone();
        let reason = r.error.clone().unwrap_or_else(|| {
            "not requested (--only), not in the raw cache and not in the published snapshot".into()
        });
        let Some(mut p) = previous.provenance(&r.source_id).cloned() else {
            carried.push(Carried::Missing { source_id, reason });
            continue;
        };
        if r.outcome == Outcome::Failed {
            p.stale = Some(Staleness {
                since: p
                    .stale
                    .as_ref()
                    .map_or_else(|| now.to_owned(), |s| s.since.clone()),
                last_failed_at: now.to_owned(),
                reason: reason.clone(),
                carried_from: p
                    .stale
                    .as_ref()
                    .map_or_else(|| snapshot.clone(), |s| s.carried_from.clone()),
            });
            carried.push(Carried::Stale {
                source_id,
                snapshot: snapshot.clone(),
                reason,
            });
        } else {
            carried.push(Carried::Kept {
                source_id,
                snapshot: snapshot.clone(),
            });
        }
        provenance.push(p);
    }
    // Sources with no publisher route (`local_only`) are read only by `refresh --from`: a
    // fetching refresh keeps what the last one published, as it was.
    for s in options.catalogue.sources.iter().filter(|s| s.local_only) {
        if let Some(p) = previous.provenance(&s.id) {
            carried.push(Carried::Kept {
                source_id: s.id.clone(),
                snapshot: snapshot.clone(),
            });
            provenance.push(p.clone());
        }
    }
    // Catalogue order, as a refresh from files writes them.
    provenance.sort_by_key(|p| {
        options
            .catalogue
            .sources
            .iter()
            .position(|s| s.id == p.source_id)
    });
    (carried, provenance)
}

/// Nothing to publish: every source read answered 304 (or came unchanged from the cache), no
/// source recovered from being stale, and every failure was already stale.
/// Local-only sources kept as they were are not news either.
fn nothing_new(
    reports: &[SourceReport],
    carried: &[Carried],
    previous: &Previous<'_>,
    catalogue: &Catalogue,
) -> bool {
    let was_stale = |id: &str| previous.provenance(id).map(SourceProvenance::is_stale);
    let local_only = |id: &str| catalogue.get(id).is_some_and(|s| s.local_only);
    reports.iter().all(|r| match r.outcome {
        Outcome::NotModified | Outcome::Cached => was_stale(&r.source_id) == Some(false),
        Outcome::Failed => was_stale(&r.source_id) == Some(true),
        _ => false,
    }) && carried.iter().all(|c| match c {
        Carried::Stale { .. } => true,
        Carried::Kept { source_id, .. } => local_only(source_id),
        Carried::Missing { .. } => false,
    })
}

fn mark_failed(reports: &mut [SourceReport], rejected: &BTreeMap<String, String>) {
    for r in reports {
        if let Some(message) = rejected.get(&r.source_id) {
            r.outcome = Outcome::Failed;
            r.error = Some(message.clone());
        }
    }
}

/// `lmi sources check`: resolves every catalogued source without downloading the data.
pub fn sources_check(
    catalogue: &Catalogue,
    fetch: FetchConfig,
) -> Result<Vec<lmi_ingest::fetch::discover::SourceCheck>, Error> {
    fetch.check()?;
    let client = HttpClient::new(fetch)?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Error::Runtime)?;
    Ok(runtime.block_on(lmi_ingest::fetch::discover::check_all(
        catalogue,
        &client,
        &lmi_ingest::fetch::http::Quiet,
    )))
}
