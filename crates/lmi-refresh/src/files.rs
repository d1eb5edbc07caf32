//! A refresh from a directory of raw files (`lmi refresh --from`): parse every catalogued
//! source, compute and publish; all or nothing.

use crate::steps::{self, Computed};
use crate::{DEFAULT_KEEP, Error, Held, hold};
use lmi_ingest::Catalogue;
use lmi_store::{Manifest, SnapshotInput, Store};
use std::path::Path;

/// How [`refresh_dir`] publishes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirOptions {
    /// Snapshots to keep after publishing, besides the current one.
    pub keep: usize,
    /// Publish even when the files are those the current snapshot was built from.
    pub force: bool,
    /// The hub's area groups (the `area_groups` setting); `None`: the bundled example.
    pub area_groups: Option<crate::AreaGroups>,
}

impl Default for DirOptions {
    /// Keeps [`DEFAULT_KEEP`] snapshots; publishes only when the files changed.
    fn default() -> Self {
        DirOptions {
            keep: DEFAULT_KEEP,
            force: false,
            area_groups: None,
        }
    }
}

/// What [`refresh_dir`] did.
#[derive(Debug, Clone)]
pub enum DirRefresh {
    /// A new snapshot was published: its manifest.
    Published(Manifest),
    /// The files, the catalogue and lmi's version are those the current snapshot was built from
    /// (its `inputs_sha256`), and it is whole: nothing was published. Its manifest.
    Unchanged(Manifest),
}

impl DirRefresh {
    /// The manifest of the snapshot now current, published or not.
    pub fn into_manifest(self) -> Manifest {
        match self {
            DirRefresh::Published(m) | DirRefresh::Unchanged(m) => m,
        }
    }
}

/// Reads every catalogued source under `from`, computes every indicator and publishes the
/// result as a new snapshot in `store` (a data directory or an object store). Nothing is
/// published unless every step succeeds.
///
/// Unless `options.force`: when the directory holds exactly the files the current snapshot was
/// built from (same fingerprint, see `lmi_ingest::fingerprint_dir`) and that snapshot passes
/// its digest checks and carries no stale source, nothing is parsed or published.
pub fn refresh_dir(
    from: &Path,
    store: &Store,
    catalogue: &Catalogue,
    options: &DirOptions,
) -> Result<DirRefresh, Error> {
    let held = hold(store)?;
    if !options.force
        && let Some(inputs) = fingerprint(from, catalogue)
        && let Some(current) = unchanged(
            store,
            &crate::AreaGroups::fingerprint(options.area_groups.as_ref(), inputs),
        )
    {
        return Ok(DirRefresh::Unchanged(current));
    }
    publish_dir(held, from, catalogue, options).map(DirRefresh::Published)
}

/// The inputs' fingerprint; `None` when a file is missing or unreadable, which the load that
/// follows reports in full (in catalogue order, after the errors of the sources before it).
fn fingerprint(from: &Path, catalogue: &Catalogue) -> Option<String> {
    lmi_ingest::fingerprint_dir(from, catalogue)
        .inspect_err(|e| tracing::debug!(error = %e, "no fingerprint of the inputs"))
        .ok()
}

/// The current snapshot's manifest when it was built from inputs with this fingerprint, is
/// whole (every file matches its digest) and has no stale source.
fn unchanged(store: &Store, inputs: &str) -> Option<Manifest> {
    let version = store.current_version().ok().flatten()?;
    let manifest = match store.verify(&version) {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "the current snapshot does not verify; publishing a new one");
            return None;
        }
    };
    (manifest.inputs_sha256.as_deref() == Some(inputs)
        && !manifest
            .sources
            .iter()
            .any(lmi_core::SourceProvenance::is_stale))
    .then_some(manifest)
}

/// Parses, computes and publishes under the held lock. The snapshot records the fingerprint of
/// the files as they were parsed (`lmi_ingest::fingerprint_loaded`), not as they were hashed
/// before: a file replaced in between cannot make a later refresh think nothing changed.
fn publish_dir(
    held: Held,
    from: &Path,
    catalogue: &Catalogue,
    options: &DirOptions,
) -> Result<Manifest, Error> {
    let started = std::time::Instant::now();
    let start_rss = crate::resident_mib();
    let loaded =
        lmi_ingest::load_from_dir(from, catalogue).map_err(|source| Error::ReadSources {
            dir: from.to_owned(),
            source: Box::new(source),
        })?;
    for p in &loaded.provenance {
        tracing::info!(source = %p.source_id, file = %p.file, rows = p.rows, bytes = p.bytes, "parsed");
    }
    let inputs = crate::AreaGroups::fingerprint(
        options.area_groups.as_ref(),
        lmi_ingest::fingerprint_loaded(from, catalogue, &loaded),
    );
    let read = started.elapsed();
    let read_rss = crate::resident_mib();
    let registry = crate::registry::registry(
        catalogue,
        &loaded.observations,
        options.area_groups.as_ref(),
    )?;
    let computed =
        steps::compute(&loaded.observations, registry.geography).map_err(Error::Compute)?;
    let computed_at = started.elapsed();
    let computed_rss = crate::resident_mib();
    let unmatched = unmatched_warnings(&computed);
    for w in &unmatched {
        tracing::warn!("{w}");
    }
    let mut warnings = registry.warnings;
    warnings.extend(unmatched);
    let input = SnapshotInput {
        sources: loaded.provenance,
        sample: loaded.sample,
        warnings,
        inputs_sha256: Some(inputs),
        geography: Some(registry.files),
        geography_note: Some(registry.note),
    };
    let manifest =
        steps::publish(&held, computed, loaded.observations, input).map_err(|source| {
            Error::Publish {
                dir: held.store.to_string(),
                source,
            }
        })?;
    let published = started.elapsed();
    tracing::info!(
        read_ms = read.as_millis() as u64,
        compute_ms = (computed_at - read).as_millis() as u64,
        publish_ms = (published - computed_at).as_millis() as u64,
        rss_at_start_mib = start_rss,
        rss_after_read_mib = read_rss,
        rss_after_compute_mib = computed_rss,
        peak_rss_mib = crate::peak_resident_mib(),
        "refresh timings in milliseconds: read and parse the files, compute the indicators and tables, write and publish the snapshot"
    );
    held.prune(options.keep);
    Ok(manifest)
}

/// A refresh from files publishes with the codes no area matched left out, and says which.
fn unmatched_warnings(computed: &Computed) -> Vec<String> {
    computed
        .output
        .unmatched
        .iter()
        .map(|u| {
            format!(
                "source {}: {} English area code(s) matched no area lmi serves (current areas, or retired districts mapped to their successors) and were left out: {}",
                u.source,
                u.codes.len(),
                u.codes.join(", ")
            )
        })
        .collect()
}
