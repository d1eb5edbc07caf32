//! A refresh over HTTP: fetch every catalogued source, parse it, carry over from the published
//! snapshot what could not be fetched, compute, validate and publish.
//!
//! One broken publisher must not freeze every other indicator: a source that fails to fetch,
//! parse or validate keeps its data from the last good snapshot, marked stale in the manifest
//! (and so on every value it feeds); a source that never succeeded is reported as missing, never
//! invented. [`LiveReport::is_partial`] says whether any source is stale or missing.

use crate::carry::{self, Carried, Previous};
use crate::steps::{self, Computed, nothing_published};
use crate::{Error, NotPublished};
use lmi_core::SourceProvenance;
use lmi_fetch::{
    FetchConfig, HttpClient, Outcome, Progress, Quiet, RawCache, SourceCheck, SourceReport,
    StoredSources,
};
use lmi_ingest::Catalogue;
use lmi_store::{Manifest, SnapshotInput, Store};
use polars::prelude::DataFrame;
use std::path::PathBuf;

/// What a refresh without `--from` does: fetch every catalogued source over HTTP.
#[derive(Debug, Clone)]
pub struct LiveRefresh {
    /// Holds the raw cache (`raw/`); the snapshot goes to the store [`refresh_live`] is given.
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
    /// The hub's area groups (the `area_groups` setting); `None`: the bundled example.
    pub area_groups: Option<crate::AreaGroups>,
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

/// Fetches every catalogued source (conditionally; resuming an unfinished refresh), carries
/// over what failed, validates and publishes a new snapshot to `store` (a data directory or an
/// object store; the raw cache stays in `options.data_dir`). Nothing is published when no
/// source could be read this time; sources that parsed are kept in the raw cache either way.
pub fn refresh_live(
    options: &LiveRefresh,
    store: &Store,
    progress: &dyn Progress,
) -> Result<LiveReport, Error> {
    options.fetch.check()?;
    lmi_fetch::check_fetchable(&options.catalogue, &options.only)?;
    let held = crate::hold(store)?;
    let client = HttpClient::new(options.fetch.clone())?;
    let cache = RawCache::open(&options.data_dir);
    let mut previous = Previous::current(&held.store);

    let fetched = steps::fetch(
        &options.catalogue,
        &client,
        &cache,
        &options.only,
        &previous.digests(),
        progress,
    )?;
    let parsed = steps::parse(
        fetched,
        &options.catalogue,
        &cache,
        !previous.any_stale(),
        progress,
    )
    .map_err(nothing_published)?;
    let mut sources = parsed.sources;
    let report = |sources: StoredSources, published, unchanged, carried| LiveReport {
        bytes_downloaded: sources.bytes_downloaded(),
        sources: sources.reports,
        published,
        unchanged,
        carried,
    };
    if sources.unchanged && !previous.any_stale() {
        return Ok(report(sources, None, true, Vec::new()));
    }
    let fresh = match parsed.observations {
        Some(df) => df,
        None => lmi_ingest::empty_frame().unwrap_or_default(),
    };
    let assembled = match assemble(options, &mut previous, &mut sources, &fresh) {
        Ok(Assembly::Snapshot(a)) => *a,
        Ok(Assembly::NothingNew(carried)) => return Ok(report(sources, None, true, carried)),
        Err(reason @ NotPublished::NoSourceRead { .. }) => {
            return Err(Error::NothingPublished {
                reason,
                sources: sources.reports,
            });
        }
        Err(reason) => return Err(nothing_published(reason)),
    };
    if options.dry_run {
        return Ok(report(sources, None, false, assembled.carried));
    }
    let Assembled {
        carried,
        provenance,
        observations,
        computed,
        registry,
    } = assembled;
    let mut warnings = registry.warnings;
    warnings.extend(carried.iter().filter_map(warning));
    let input = SnapshotInput {
        sources: provenance,
        sample: None,
        warnings,
        inputs_sha256: None,
        geography: Some(registry.files),
        geography_note: Some(registry.note),
    };
    let manifest = steps::publish(&held, computed, observations, input).map_err(|error| {
        nothing_published(NotPublished::Publish {
            dir: held.store.to_string(),
            error,
        })
    })?;
    lmi_fetch::clear_resume(&cache).map_err(|e| nothing_published(NotPublished::Cache(e)))?;
    held.prune(options.keep);
    Ok(report(sources, Some(manifest), false, carried))
}

/// The snapshot's contents once every fresh source passed validation.
struct Assembled {
    carried: Vec<Carried>,
    provenance: Vec<SourceProvenance>,
    observations: DataFrame,
    computed: Computed,
    registry: crate::registry::Registry,
}

enum Assembly {
    Snapshot(Box<Assembled>),
    /// Every fresh source answered 304 and the failures were already stale: these carried.
    NothingNew(Vec<Carried>),
}

/// Validates the fresh sources, carries over the rest and computes the snapshot. Once per
/// source set aside: a fresh source whose codes match no area joins the rejected ones and the
/// snapshot is assembled again, with its last good data instead.
fn assemble(
    options: &LiveRefresh,
    previous: &mut Previous<'_>,
    sources: &mut StoredSources,
    fresh: &DataFrame,
) -> Result<Assembly, NotPublished> {
    let mut rejected = steps::validate_row_counts(&sources.provenance, previous, options.force);
    let now = lmi_core::now_rfc3339();
    loop {
        carry::mark_failed(&mut sources.reports, &rejected);
        if sources
            .reports
            .iter()
            .all(|r| matches!(r.outcome, Outcome::Failed | Outcome::Kept))
        {
            let errors = sources.failed().filter_map(|r| r.error.clone()).collect();
            return Err(NotPublished::NoSourceRead { errors });
        }
        let (carried, provenance) =
            carry::plan_carry(sources, previous, &rejected, &now, &options.catalogue);
        // Nothing new: decided before any carried data is read.
        if carry::nothing_new(&sources.reports, &carried, previous, &options.catalogue) {
            return Ok(Assembly::NothingNew(carried));
        }
        let set_aside: Vec<&str> = rejected.keys().map(String::as_str).collect();
        let observations = carry::carry_over(fresh, &set_aside, &carried, previous)?;
        let registry = crate::registry::registry(
            &options.catalogue,
            &observations,
            options.area_groups.as_ref(),
        )
        .map_err(|e| NotPublished::Registry(e.to_string()))?;
        let computed =
            steps::compute(&observations, registry.geography).map_err(NotPublished::Compute)?;
        let unknown = steps::validate_area_codes(&computed, &sources.provenance, |id| {
            !rejected.contains_key(id) && !carried.iter().any(|c| c.source_id() == id)
        });
        if unknown.is_empty() {
            return Ok(Assembly::Snapshot(Box::new(Assembled {
                carried,
                provenance,
                observations,
                computed,
                registry,
            })));
        }
        for e in unknown {
            rejected.insert(e.source_id().to_owned(), e.to_string());
        }
    }
}

/// The manifest's warning for a source that is stale or missing.
fn warning(carried: &Carried) -> Option<String> {
    match carried {
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
    }
}

/// `lmi sources check`: resolves every catalogued source without downloading the data.
pub fn sources_check(catalogue: &Catalogue, fetch: FetchConfig) -> Result<Vec<SourceCheck>, Error> {
    fetch.check()?;
    let client = HttpClient::new(fetch)?;
    steps::check_sources(catalogue, &client, &Quiet)
}
