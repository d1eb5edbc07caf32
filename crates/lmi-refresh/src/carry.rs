//! Carry over: what becomes of the sources a fetching refresh could not read (failed, set aside
//! or not asked for), taken from the published snapshot. A source that failed keeps its last
//! good data, marked stale; one that never succeeded is missing, never invented.

use crate::NotPublished;
use lmi_core::{SourceProvenance, Staleness};
use lmi_fetch::{Outcome, SourceReport, StoredSources};
use lmi_ingest::{Catalogue, concat_frames, filter_sources};
use lmi_store::{Manifest, Store};
use polars::prelude::DataFrame;
use std::collections::{BTreeMap, HashMap};

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

/// The published snapshot a refresh carries data over from: its manifest and, loaded only when
/// needed, its observations. A sample snapshot is never carried over into real data.
pub(crate) struct Previous<'a> {
    store: &'a Store,
    manifest: Option<Manifest>,
    observations: Option<DataFrame>,
}

impl<'a> Previous<'a> {
    /// The current snapshot of `store`. A damaged one cannot be carried from, but must not
    /// block the refresh that replaces it: refresh as if there were none, and say so.
    pub(crate) fn current(store: &'a Store) -> Previous<'a> {
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
        Previous {
            store,
            manifest,
            observations: None,
        }
    }

    /// Source id -> sha256 of every source it holds (none for a sample snapshot).
    pub(crate) fn digests(&self) -> HashMap<String, String> {
        self.manifest
            .iter()
            .filter(|m| m.sample.is_none())
            .flat_map(|m| &m.sources)
            .map(|s| (s.source_id.clone(), s.sha256.clone()))
            .collect()
    }

    /// Some source of it is stale: the next snapshot must be built even if nothing changed.
    pub(crate) fn any_stale(&self) -> bool {
        self.manifest
            .iter()
            .flat_map(|m| &m.sources)
            .any(SourceProvenance::is_stale)
    }

    pub(crate) fn provenance(&self, source_id: &str) -> Option<&SourceProvenance> {
        self.manifest
            .as_ref()
            .filter(|m| m.sample.is_none())?
            .sources
            .iter()
            .find(|s| s.source_id == source_id)
    }

    fn version(&self) -> String {
        self.manifest
            .as_ref()
            .map(|m| m.version.clone())
            .unwrap_or_default()
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

/// What becomes of the sources this refresh could not read (failed, set aside or not asked
/// for), and the provenance of every source the snapshot will hold, in catalogue order. Reads
/// no data: the rows are taken by [`carry_over`].
pub(crate) fn plan_carry(
    sources: &StoredSources,
    previous: &Previous<'_>,
    rejected: &BTreeMap<String, String>,
    now: &str,
    catalogue: &Catalogue,
) -> (Vec<Carried>, Vec<SourceProvenance>) {
    let mut carried = Vec::new();
    let mut provenance: Vec<SourceProvenance> = sources
        .provenance
        .iter()
        .filter(|p| !rejected.contains_key(&p.source_id))
        .cloned()
        .collect();
    let snapshot = previous.version();
    for r in sources.to_carry() {
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
    for s in catalogue.sources.iter().filter(|s| s.local_only) {
        if let Some(p) = previous.provenance(&s.id) {
            carried.push(Carried::Kept {
                source_id: s.id.clone(),
                snapshot: snapshot.clone(),
            });
            provenance.push(p.clone());
        }
    }
    // Catalogue order, as a refresh from files writes them.
    provenance.sort_by_key(|p| catalogue.sources.iter().position(|s| s.id == p.source_id));
    (carried, provenance)
}

/// Carry over: the fresh observations without the sources set aside, and the carried sources'
/// rows from the published snapshot.
pub(crate) fn carry_over(
    fresh: &DataFrame,
    set_aside: &[&str],
    carried: &[Carried],
    previous: &mut Previous<'_>,
) -> Result<DataFrame, NotPublished> {
    let mut frames = vec![filter_sources(fresh, set_aside, false).map_err(NotPublished::SetAside)?];
    for c in carried {
        if let Carried::Stale { source_id, .. } | Carried::Kept { source_id, .. } = c {
            frames.push(previous.observations_of(source_id).map_err(|reason| {
                NotPublished::CarryOver {
                    source_id: source_id.clone(),
                    reason,
                }
            })?);
        }
    }
    concat_frames(frames).map_err(NotPublished::Assemble)
}

/// Nothing to publish: every source read answered 304 (or came unchanged from the cache), no
/// source recovered from being stale, and every failure was already stale.
/// Local-only sources kept as they were are not news either.
pub(crate) fn nothing_new(
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

/// Marks the sources set aside by validation as failed, with why.
pub(crate) fn mark_failed(reports: &mut [SourceReport], rejected: &BTreeMap<String, String>) {
    for r in reports {
        if let Some(message) = rejected.get(&r.source_id) {
            r.outcome = Outcome::Failed;
            r.error = Some(message.clone());
        }
    }
}
