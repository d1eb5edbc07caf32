//! Refresh policy: how a snapshot is built, carried over, validated and published, one function
//! per mode, each returning a typed report or a typed [`Error`].
//!
//! - [`from_dir`]: every catalogued source read from a directory of raw files; all or nothing.
//!   [`refresh_dir`] (`lmi refresh --from`) publishes only when the files changed.
//! - [`live::refresh_live`]: every source fetched from the publishers; what fails is carried
//!   over from the current snapshot and marked stale (see the module for the rules).
//! - [`live::sources_check`]: what each catalogued source resolves to today, without downloading.
//! - [`validate`]: a published snapshot checked for internal consistency.
//!
//! This crate sits between the library crates (ingest, pipeline, store) and the `lmi` binary:
//! it decides, the binary draws progress, prints and maps outcomes to exit codes.

use lmi_core::{Geography, GeographyError};
use lmi_ingest::live::{LiveError, SourceReport};
use lmi_ingest::{Catalogue, IngestError};
use lmi_pipeline::PipelineError;
use lmi_store::{Manifest, RefreshLock, SnapshotInput, Store, StoreError};
use std::path::{Path, PathBuf};

pub mod live;

pub use live::{Carried, LiveRefresh, LiveReport, refresh_live, refresh_live_into, sources_check};

/// Why a refresh or check did not happen, or published nothing. The previous snapshot is
/// untouched in every case.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The catalogue file could not be read.
    #[error("reading {}", path.display())]
    ReadCatalogue {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The catalogue does not parse or names something impossible.
    #[error(transparent)]
    Catalogue(Box<IngestError>),
    /// Fetch settings that cannot work (a base URL, a limit, the HTTP client).
    #[error(transparent)]
    Fetch(#[from] lmi_ingest::fetch::ConfigError),
    /// `--only` names an unknown source, or an entry cannot be fetched; or the raw cache is
    /// unusable ([`LiveError::Cache`], not a configuration problem).
    #[error(transparent)]
    Live(#[from] LiveError),
    #[error("loading the bundled geography tables")]
    Geography(#[source] GeographyError),
    /// A source file under `--from` is missing or does not parse.
    #[error("reading sources from {}", dir.display())]
    ReadSources {
        dir: PathBuf,
        #[source]
        source: Box<IngestError>,
    },
    #[error("computing indicators")]
    Compute(#[source] PipelineError),
    #[error("publishing a snapshot in {dir}")]
    Publish {
        /// The data directory or object store URL.
        dir: String,
        #[source]
        source: StoreError,
    },
    /// Reading the data directory (the current snapshot, a version that does not exist).
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("starting the async runtime")]
    Runtime(#[source] std::io::Error),
    /// A live refresh read no source, or could not assemble or publish the snapshot; `sources`
    /// holds the per-source outcomes so far.
    #[error("{message}")]
    NothingPublished {
        message: String,
        sources: Vec<SourceReport>,
    },
}

impl Error {
    /// Bad configuration or arguments: nothing was attempted.
    /// Another refresh holds the data directory.
    pub fn is_busy(&self) -> bool {
        matches!(self, Error::Store(StoreError::Busy { .. }))
    }

    pub fn is_config(&self) -> bool {
        matches!(
            self,
            Error::ReadCatalogue { .. }
                | Error::Catalogue(_)
                | Error::Fetch(_)
                | Error::Live(LiveError::Config(_))
                | Error::Geography(_)
        )
    }

    /// The snapshot asked for does not exist (none published, or an unknown version).
    pub fn is_no_snapshot(&self) -> bool {
        matches!(
            self,
            Error::Store(StoreError::NoSnapshot(_) | StoreError::UnknownVersion(_))
        )
    }

    /// Per-source outcomes of a live refresh that published nothing (empty otherwise).
    pub fn sources(&self) -> &[SourceReport] {
        match self {
            Error::NothingPublished { sources, .. } => sources,
            _ => &[],
        }
    }
}

/// The catalogue at `path`, or the bundled `datasets/sources.toml`.
pub fn load_catalogue(path: Option<&Path>) -> Result<Catalogue, Error> {
    match path {
        None => Catalogue::bundled().map_err(|e| Error::Catalogue(Box::new(e))),
        Some(p) => {
            let text = std::fs::read_to_string(p).map_err(|source| Error::ReadCatalogue {
                path: p.to_owned(),
                source,
            })?;
            Catalogue::parse(&text).map_err(|e| Error::Catalogue(Box::new(e)))
        }
    }
}

/// Snapshots a refresh keeps by default, besides the one `current` points at.
pub const DEFAULT_KEEP: usize = 5;

/// A store held for one refresh: its lock taken (a second refresh is refused at once, told who
/// holds it) and the staging directories (objects) of killed refreshes removed.
pub(crate) struct Held {
    store: Store,
    lock: RefreshLock,
}

pub(crate) fn hold(store: &Store) -> Result<Held, Error> {
    let store = store.clone();
    let lock = store.lock()?;
    let removed = store.remove_stale_staging(&lock)?;
    if !removed.is_empty() {
        tracing::info!(dirs = %removed.join(", "), "removed what killed refreshes left half-written");
    }
    Ok(Held { store, lock })
}

impl Held {
    /// Deletes all but the newest `keep` snapshots (never the current one). A failure here
    /// does not undo the publish: it is logged.
    pub(crate) fn prune(&self, keep: usize) {
        match self.store.prune(keep, &self.lock) {
            Ok(deleted) if !deleted.is_empty() => {
                tracing::info!(keep, deleted = %deleted.join(", "), "pruned old snapshots")
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "pruning old snapshots failed"),
        }
    }
}

fn geography() -> Result<&'static Geography, Error> {
    Geography::bundled().map_err(Error::Geography)
}

/// Reads every catalogued source under `from`, computes every indicator and publishes the
/// result as a new snapshot in `data_dir`, keeping [`DEFAULT_KEEP`] snapshots. Nothing is
/// published unless every step succeeds.
pub fn from_dir(from: &Path, data_dir: &Path, catalogue: &Catalogue) -> Result<Manifest, Error> {
    from_dir_keeping(from, data_dir, catalogue, DEFAULT_KEEP)
}

/// [`from_dir`], keeping the newest `keep` snapshots (and the current one).
pub fn from_dir_keeping(
    from: &Path,
    data_dir: &Path,
    catalogue: &Catalogue,
    keep: usize,
) -> Result<Manifest, Error> {
    from_dir_into(from, &Store::open(data_dir), catalogue, keep)
}

/// [`from_dir_keeping`] into any store: a data directory or an object store. Always publishes
/// (see [`refresh_dir`] for the refresh that publishes only when the files changed).
pub fn from_dir_into(
    from: &Path,
    store: &Store,
    catalogue: &Catalogue,
    keep: usize,
) -> Result<Manifest, Error> {
    publish_dir(hold(store)?, from, store, catalogue, keep)
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

/// `lmi refresh --from`: like [`from_dir_into`], but when the directory holds exactly the files
/// the current snapshot was built from (same fingerprint, see `lmi_ingest::fingerprint_dir`)
/// and that snapshot passes its digest checks and carries no stale source, nothing is parsed
/// or published. `force` publishes anyway.
pub fn refresh_dir(
    from: &Path,
    store: &Store,
    catalogue: &Catalogue,
    keep: usize,
    force: bool,
) -> Result<DirRefresh, Error> {
    let held = hold(store)?;
    let inputs = fingerprint(from, catalogue);
    if !force
        && let Some(inputs) = &inputs
        && let Some(current) = unchanged(store, inputs)
    {
        return Ok(DirRefresh::Unchanged(current));
    }
    publish_dir(held, from, store, catalogue, keep).map(DirRefresh::Published)
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

/// Reads, computes and publishes under the held lock. The snapshot records the fingerprint of
/// the files as they were parsed (`lmi_ingest::fingerprint_loaded`), not as they were hashed
/// before: a file replaced in between cannot make a later refresh think nothing changed.
fn publish_dir(
    held: Held,
    from: &Path,
    store: &Store,
    catalogue: &Catalogue,
    keep: usize,
) -> Result<Manifest, Error> {
    let started = std::time::Instant::now();
    let geography = geography()?;
    let start_rss = resident_mib();
    let loaded =
        lmi_ingest::load_from_dir(from, catalogue).map_err(|source| Error::ReadSources {
            dir: from.to_owned(),
            source: Box::new(source),
        })?;
    for p in &loaded.provenance {
        tracing::info!(source = %p.source_id, file = %p.file, rows = p.rows, bytes = p.bytes, "parsed");
    }
    let inputs = lmi_ingest::fingerprint_loaded(from, catalogue, &loaded);
    let read = started.elapsed();
    let read_rss = resident_mib();
    let (output, mut tables) =
        lmi_pipeline::compute_snapshot(&loaded.observations, geography, lmi_core::INDICATORS)
            .map_err(Error::Compute)?;
    let computed = started.elapsed();
    let computed_rss = resident_mib();
    let warnings: Vec<String> = output
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
        .collect();
    for w in &warnings {
        tracing::warn!("{w}");
    }
    let mut values = output.values;
    let mut observations = loaded.observations;
    let manifest = held
        .store
        .publish_with_tables(
            &mut values,
            &mut observations,
            &mut tables,
            SnapshotInput {
                sources: loaded.provenance,
                sample: loaded.sample,
                warnings,
                inputs_sha256: Some(inputs),
            },
        )
        .map_err(|source| Error::Publish {
            dir: store.to_string(),
            source,
        })?;
    let published = started.elapsed();
    tracing::info!(
        read_ms = read.as_millis() as u64,
        compute_ms = (computed - read).as_millis() as u64,
        publish_ms = (published - computed).as_millis() as u64,
        rss_at_start_mib = start_rss,
        rss_after_read_mib = read_rss,
        rss_after_compute_mib = computed_rss,
        peak_rss_mib = peak_resident_mib(),
        "refresh timings in milliseconds: read and parse the files, compute the indicators and tables, write and publish the snapshot"
    );
    held.prune(keep);
    Ok(manifest)
}

/// This process's resident memory in MiB (`VmRSS`; 0 where /proc is not there).
fn resident_mib() -> u64 {
    proc_status_kib("VmRSS:") / 1024
}

/// This process's peak resident memory so far in MiB (`VmHWM`; 0 where /proc is not there).
fn peak_resident_mib() -> u64 {
    proc_status_kib("VmHWM:") / 1024
}

fn proc_status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix(field))
                .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}

/// Checks a snapshot (the current one by default) with `lmi_pipeline::validate`.
pub fn validate(
    data_dir: &Path,
    version: Option<&str>,
) -> Result<lmi_pipeline::validate::Report, Error> {
    validate_store(&Store::open(data_dir), version)
}

/// [`validate`] for a snapshot in any store.
pub fn validate_store(
    store: &Store,
    version: Option<&str>,
) -> Result<lmi_pipeline::validate::Report, Error> {
    let snapshot = match version {
        Some(v) => store.load(v)?,
        None => store.load_current()?,
    };
    Ok(lmi_pipeline::validate::check(
        &snapshot.values,
        geography()?,
        lmi_core::INDICATORS,
        &snapshot.manifest.sources,
    ))
}
