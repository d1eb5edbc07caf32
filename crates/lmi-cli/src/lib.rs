//! Wiring for the `lmi` binary: loads snapshots (bootstrapping from the sample), hands the
//! server its state and refresher, and maps how each command ended to an exit code ([`exit`]).
//! Refresh policy lives in `lmi-refresh`, everything else in the library crates; this crate only
//! connects them.

use anyhow::Context;
use lmi_core::Geography;
use lmi_ingest::Catalogue;
use lmi_report::sectors::Sectors;
use lmi_store::{Snapshot, Store};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub use lmi_api::{ApiConfig, AppState, CorsOrigins, Dashboards, TrustedProxies};

pub mod alert;
pub mod exit;
pub mod pack;
pub mod schedule;
pub mod settings;

/// The bundled sample directory, as laid out in the source tree.
pub fn default_sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../datasets/sample")
}

/// How `lmi serve` runs, besides the address: HTTP settings and where refreshes read from.
#[derive(Debug, Clone, Default)]
pub struct ServeOptions {
    pub api: lmi_api::ApiConfig,
    /// Raw files for `POST /v1/admin/refresh` (enabled only with an admin token).
    pub refresh_from: Option<PathBuf>,
    /// Dashboard specs to serve instead of the bundled ones.
    pub dashboards: Option<PathBuf>,
    /// The checked sectors file (`load_sectors`); the bundled one when not set.
    pub sectors: Option<&'static Sectors>,
    /// The checked area groups file (setting `area_groups`) that `POST /v1/admin/refresh`
    /// computes with; the bundled example when not set.
    pub area_groups: Option<lmi_refresh::AreaGroups>,
}

/// The sectors file at `path`, or the bundled one; a bad file is an error naming the entry.
/// Kept for the life of the process (one per server, like its dashboards).
pub fn load_sectors(path: Option<&Path>) -> anyhow::Result<&'static Sectors> {
    match path {
        None => Ok(Sectors::bundled()),
        Some(p) => Sectors::load(p)
            .map(|s| &*Box::leak(Box::new(s)))
            .map_err(|e| anyhow::anyhow!("sectors: {e}")),
    }
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
    /// Where it publishes: the data directory or object store the server reads.
    pub store: Store,
    /// The area groups it computes with (`None`: the bundled example).
    pub area_groups: Option<lmi_refresh::AreaGroups>,
}

impl lmi_api::Refresher for DirRefresher {
    fn refresh(&self) -> Result<String, lmi_api::RefreshError> {
        lmi_refresh::load_catalogue(None)
            .and_then(|catalogue| {
                lmi_refresh::refresh_dir(
                    &self.from,
                    &self.store,
                    &catalogue,
                    &lmi_refresh::DirOptions {
                        keep: lmi_refresh::DEFAULT_KEEP,
                        force: true,
                        area_groups: self.area_groups.clone(),
                    },
                )
            })
            .map(|done| done.into_manifest().version)
            .map_err(|e| {
                lmi_api::RefreshError::NothingPublished(format!("{:#}", anyhow::Error::new(e)))
            })
    }
}

/// Loads the current snapshot of `data_dir`, first building one from `sample_dir` when none has
/// been published (a fresh clone). Blocking (polars): call it outside async worker threads.
pub fn load_or_bootstrap(data_dir: &Path, sample_dir: &Path) -> anyhow::Result<lmi_api::AppState> {
    load_state(data_dir, sample_dir, ServeOptions::default())
}

/// The data directory's current snapshot; an empty directory is first given one built from the
/// sample (never a directory whose snapshots lost their pointer, never an object store: replicas
/// serve what the one publisher published).
fn load_current_or_bootstrap(
    store: &Store,
    sample_dir: &Path,
) -> anyhow::Result<(Snapshot, lmi_store::Demand, Option<&'static Geography>)> {
    if store.current_version()?.is_none() {
        let Some(data_dir) = store.dir() else {
            anyhow::bail!(
                "no snapshot is published in {store}: publish one first with `lmi refresh \
                 --data-url {store}` (a server never publishes the sample to an object store)"
            );
        };
        // Never bootstrap the sample over snapshots that lost their pointer.
        if let Some(newest) = store.list()?.last() {
            anyhow::bail!(
                "{} has no `current` pointer but holds snapshots (newest {newest}): point it at one \
                 with `lmi snapshots rollback {newest} --data-dir {}`; the sample is not published \
                 over them",
                data_dir.display(),
                data_dir.display()
            );
        }
        tracing::info!(
            sample = %sample_dir.display(),
            "no snapshot in {}; building one from the bundled sample data",
            data_dir.display()
        );
        let always = lmi_refresh::DirOptions {
            keep: lmi_refresh::DEFAULT_KEEP,
            force: true,
            area_groups: None,
        };
        lmi_refresh::refresh_dir(sample_dir, store, &Catalogue::bundled()?, &always)?;
    }
    let (snapshot, demand, geography) = store
        .load_current_served()
        .context("loading the current snapshot")?;
    if snapshot.manifest.sample.is_some() {
        tracing::warn!(version = %snapshot.manifest.version, "serving SYNTHETIC SAMPLE DATA");
    }
    tracing::info!(version = %snapshot.manifest.version, values = snapshot.values.len(), breakdown_rows = demand.breakdowns.len(), flow_rows = demand.flows.len(), "snapshot loaded");
    Ok((snapshot, demand, geography))
}

/// The current snapshot indexed for reports (packs), bootstrapped from the sample like
/// [`load_state`], without the HTTP crate's state.
pub fn load_report(
    store: &Store,
    sample_dir: &Path,
) -> anyhow::Result<(lmi_report::ServedSnapshot, &'static lmi_report::GeoIndex)> {
    let (snapshot, demand, geography) = load_current_or_bootstrap(store, sample_dir)?;
    let geo = lmi_report::GeoIndex::of(match geography {
        Some(g) => g,
        None => Geography::bundled()?,
    });
    Ok((
        lmi_report::ServedSnapshot::with_demand(snapshot, demand).with_geography(geography),
        geo,
    ))
}

/// [`load_or_bootstrap`] with serve options: the state can reload from `data_dir` and, given
/// `refresh_from`, run refreshes.
pub fn load_state(
    data_dir: &Path,
    sample_dir: &Path,
    options: ServeOptions,
) -> anyhow::Result<lmi_api::AppState> {
    load_state_from(Store::open(data_dir), sample_dir, options)
}

/// [`load_state`] from any store (a data directory, or an object store the server polls).
pub fn load_state_from(
    store: Store,
    sample_dir: &Path,
    options: ServeOptions,
) -> anyhow::Result<lmi_api::AppState> {
    // Specs are checked first: a bad one stops the server before any data is loaded.
    let dashboards = load_dashboards(options.dashboards.as_deref())?;
    let (snapshot, demand, geography) = load_current_or_bootstrap(&store, sample_dir)?;
    let mut builder = lmi_api::AppState::builder(snapshot, Geography::bundled()?)
        .demand(demand)
        .snapshot_geography(geography)
        .config(options.api)
        .dashboards(dashboards)
        .sectors(options.sectors.unwrap_or_else(Sectors::bundled))
        .store(store.clone());
    if let Some(from) = options.refresh_from {
        builder = builder.refresher(DirRefresher {
            from,
            store,
            area_groups: options.area_groups,
        });
    }
    Ok(builder.build())
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
