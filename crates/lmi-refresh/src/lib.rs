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

//! The refresh as named steps over one [`Store`] (module `steps`): fetch, parse, carry over
//! (module `carry`), compute, validate and publish. Two refreshes compose them:
//!
//! - [`refresh_dir`]: every catalogued source read from a directory of raw files; all or
//!   nothing, and nothing published when the files are those the current snapshot was built
//!   from (unless forced).
//! - [`refresh_live`]: every source fetched from the publishers; what fails is carried over from
//!   the current snapshot and marked stale (see [`fetching`] for the rules).
//!
//! Besides: [`sources_check`] (what each source resolves to today, without downloading) and
//! [`check_snapshot`] (a published snapshot checked for internal consistency).
//!
//! This crate sits between the library crates (ingest, fetch, pipeline, store) and the `lmi`
//! binary: it decides, the binary draws progress, prints and maps outcomes to exit codes.

use lmi_core::{Geography, GeographyError};
use lmi_fetch::{PlanError, SourceReport};
use lmi_ingest::{Catalogue, IngestError};
use lmi_pipeline::PipelineError;
use lmi_store::{RefreshLock, Store, StoreError};
use std::path::{Path, PathBuf};

mod carry;
pub mod fetching;
mod files;
mod registry;
mod steps;

pub use carry::Carried;
pub use fetching::{LiveRefresh, LiveReport, refresh_live, sources_check};
pub use files::{DirOptions, DirRefresh, refresh_dir};
pub use registry::AreaGroups;
pub use steps::ValidationError;

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
    Fetch(#[from] lmi_fetch::ConfigError),
    /// `--only` names an unknown source, or an entry cannot be fetched; or the raw cache is
    /// unusable ([`PlanError::Cache`], not a configuration problem).
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error("loading the bundled geography tables")]
    Geography(#[source] GeographyError),
    /// The area groups file (setting `area_groups`) cannot be read or is wrong; the message
    /// names the file, the group and the line.
    #[error("{0}")]
    AreaGroups(GeographyError),
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
    #[error("{reason}")]
    NothingPublished {
        reason: NotPublished,
        sources: Vec<SourceReport>,
    },
}

/// Why a live refresh published nothing. Each says what failed in one line (the `lmi refresh`
/// message), with the error underneath.
#[derive(Debug, thiserror::Error)]
pub enum NotPublished {
    /// Every source failed or was not asked for: the errors of those that failed, one a line.
    #[error("{}", if errors.is_empty() { "no source was read".to_owned() } else { errors.join("\n") })]
    NoSourceRead { errors: Vec<String> },
    #[error("starting the async runtime: {0}")]
    Runtime(std::io::Error),
    /// The raw cache could not be read or written.
    #[error(transparent)]
    Cache(#[from] lmi_fetch::CacheError),
    #[error("building the observations table: {0}")]
    Observations(polars::error::PolarsError),
    /// Setting aside the fresh rows of sources that did not pass validation.
    #[error("{0}")]
    SetAside(polars::error::PolarsError),
    /// A source's rows could not be read from the published snapshot.
    #[error("carrying over source `{source_id}`: {reason}")]
    CarryOver { source_id: String, reason: String },
    #[error("carrying over sources: {0}")]
    Assemble(polars::error::PolarsError),
    #[error("computing indicators: {0}")]
    Compute(PipelineError),
    #[error("building the area registry: {0}")]
    Registry(String),
    #[error("publishing a snapshot in {dir}: {error}")]
    Publish { dir: String, error: StoreError },
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
                | Error::Plan(PlanError::Config(_))
                | Error::Geography(_)
                | Error::AreaGroups(_)
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

pub(crate) fn geography() -> Result<&'static Geography, Error> {
    Geography::bundled().map_err(Error::Geography)
}

/// This process's resident memory in MiB (`VmRSS`; 0 where /proc is not there).
pub(crate) fn resident_mib() -> u64 {
    proc_status_kib("VmRSS:") / 1024
}

/// This process's peak resident memory so far in MiB (`VmHWM`; 0 where /proc is not there).
pub(crate) fn peak_resident_mib() -> u64 {
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

/// `lmi validate`: a snapshot (the current one by default) checked with
/// `lmi_pipeline::validate`.
pub fn check_snapshot(
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
