//! Wiring for the `lmi` binary: builds snapshots from raw files (ingest -> pipeline -> store)
//! (from a directory with `refresh_from_dir`, or over HTTP with [`refresh::refresh_live`]) and
//! serves them.
//! Business logic lives in the library crates; this crate only connects them.

use anyhow::Context;
use lmi_core::Geography;
use lmi_ingest::Catalogue;
use lmi_store::{Manifest, SnapshotInput, Store};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub use lmi_api::{ApiConfig, AppState, CorsOrigins, Dashboards};

pub mod pack;
pub mod refresh;

pub use refresh::{
    Carried, EXIT_CONFIG, EXIT_NOTHING_PUBLISHED, EXIT_OK, EXIT_PARTIAL, LiveRefresh, LiveReport,
    RefreshFailure, refresh_live,
};

/// The bundled sample directory, as laid out in the source tree.
pub fn default_sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/sample")
}

/// Reads every catalogued source under `from`, computes every indicator and publishes the
/// result as a new snapshot in `data_dir`. Nothing is published unless every step succeeds.
pub fn refresh_from_dir(
    from: &Path,
    data_dir: &Path,
    catalogue: &Catalogue,
) -> anyhow::Result<Manifest> {
    let geography = Geography::bundled().context("loading the bundled geography tables")?;
    let loaded = lmi_ingest::load_from_dir(from, catalogue)
        .with_context(|| format!("reading sources from {}", from.display()))?;
    for p in &loaded.provenance {
        tracing::info!(source = %p.source_id, file = %p.file, rows = p.rows, bytes = p.bytes, "parsed");
    }
    let output = lmi_pipeline::compute(&loaded.observations, geography, lmi_core::INDICATORS)
        .context("computing indicators")?;
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
    let mut tables = lmi_pipeline::compute_tables(&loaded.observations, geography)
        .context("computing breakdowns")?;
    let mut values = output.values;
    let mut observations = loaded.observations;
    let store = Store::open(data_dir);
    let manifest = store
        .publish_with_tables(
            &mut values,
            &mut observations,
            &mut tables,
            SnapshotInput {
                sources: loaded.provenance,
                sample: loaded.sample,
                warnings,
            },
        )
        .with_context(|| format!("publishing a snapshot in {}", data_dir.display()))?;
    Ok(manifest)
}

/// How `lmi serve` runs, besides the address: HTTP settings and where refreshes read from.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    pub api: lmi_api::ApiConfig,
    /// Raw files for `POST /v1/admin/refresh` (enabled only with an admin token).
    pub refresh_from: Option<PathBuf>,
    /// Dashboard specs to serve instead of the bundled ones.
    pub dashboards: Option<PathBuf>,
}

/// The dashboard specs in `dir`, or the bundled ones; a bad spec is an error naming the file,
/// panel and field.
pub fn load_dashboards(dir: Option<&Path>) -> anyhow::Result<Dashboards> {
    match dir {
        None => Ok(Dashboards::bundled()),
        Some(d) => Dashboards::load_dir(d).map_err(|e| anyhow::anyhow!("dashboard specs: {e}")),
    }
}

/// A refresh from a directory of raw files, run by `POST /v1/admin/refresh`.
#[derive(Debug, Clone)]
pub struct DirRefresher {
    pub from: PathBuf,
    pub data_dir: PathBuf,
}

impl lmi_api::Refresher for DirRefresher {
    fn refresh(&self) -> Result<String, String> {
        let catalogue = Catalogue::bundled().map_err(|e| format!("{e:#}"))?;
        refresh_from_dir(&self.from, &self.data_dir, &catalogue)
            .map(|m| m.version)
            .map_err(|e| format!("{e:#}; nothing was published"))
    }
}

/// Loads the current snapshot of `data_dir`, first building one from `sample_dir` when none has
/// been published (a fresh clone). Blocking (polars): call it outside async worker threads.
pub fn load_or_bootstrap(data_dir: &Path, sample_dir: &Path) -> anyhow::Result<lmi_api::AppState> {
    load_state(data_dir, sample_dir, ServeOptions::default())
}

/// [`load_or_bootstrap`] with serve options: the state can reload from `data_dir` and, given
/// `refresh_from`, run refreshes.
pub fn load_state(
    data_dir: &Path,
    sample_dir: &Path,
    options: ServeOptions,
) -> anyhow::Result<lmi_api::AppState> {
    // Specs are checked first: a bad one stops the server before any data is loaded.
    let dashboards = load_dashboards(options.dashboards.as_deref())?;
    let store = Store::open(data_dir);
    if store.current_version()?.is_none() {
        tracing::info!(
            sample = %sample_dir.display(),
            "no snapshot in {}; building one from the bundled sample data",
            data_dir.display()
        );
        refresh_from_dir(sample_dir, data_dir, &Catalogue::bundled()?)?;
    }
    let snapshot = store
        .load_current()
        .context("loading the current snapshot")?;
    if snapshot.manifest.sample.is_some() {
        tracing::warn!(version = %snapshot.manifest.version, "serving SYNTHETIC SAMPLE DATA");
    }
    tracing::info!(version = %snapshot.manifest.version, values = snapshot.values.len(), "snapshot loaded");
    let mut builder = lmi_api::AppState::builder(snapshot, Geography::bundled()?)
        .config(options.api)
        .dashboards(dashboards)
        .store(store);
    if let Some(from) = options.refresh_from {
        builder = builder.refresher(DirRefresher {
            from,
            data_dir: data_dir.to_owned(),
        });
    }
    Ok(builder.build())
}

/// Checks a snapshot (the current one by default) with `lmi_pipeline::validate`.
pub fn validate(
    data_dir: &Path,
    version: Option<&str>,
) -> anyhow::Result<lmi_pipeline::validate::Report> {
    let store = Store::open(data_dir);
    let snapshot = match version {
        Some(v) => store.load(v)?,
        None => store.load_current()?,
    };
    Ok(lmi_pipeline::validate::check(
        &snapshot.values,
        Geography::bundled()?,
        lmi_core::INDICATORS,
        &snapshot.manifest.sources,
    ))
}

/// Binds `addr` (port 0 picks a free port) and returns the bound address and the server task.
pub async fn start_server(
    addr: SocketAddr,
    state: lmi_api::AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> anyhow::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("binding {addr}"))?;
    let local = listener.local_addr()?;
    let task = tokio::spawn(lmi_api::serve(listener, state, shutdown));
    Ok((local, task))
}
