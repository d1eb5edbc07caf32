//! What the server holds: the served snapshot (lmi-report's `ServedSnapshot`, indexed at load so
//! requests are lookups), the geography index, configuration, and the hot-swap machinery
//! (reload, refresh, watcher).

use crate::caches::{ChartCache, ResponseCache};
use crate::config::ApiConfig;
use crate::error::ApiError;
use crate::metrics::Metrics;
use arc_swap::ArcSwap;
use lmi_core::Geography;
use lmi_report::sectors::Sectors;
use lmi_report::{Dashboards, GeoIndex, ServedSnapshot};
use lmi_store::{Demand, Snapshot, Store};
use serde::Serialize;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Runs a refresh (fetch, compute, publish a new snapshot) on behalf of `POST /v1/admin/refresh`.
/// Supplied by the binary so this crate does not depend on ingest or the pipeline. Blocking:
/// it is called on a blocking thread.
pub trait Refresher: Send + Sync + 'static {
    /// Publishes a new snapshot and returns its version, or says why nothing was published.
    fn refresh(&self) -> Result<String, RefreshError>;
}

/// Why a background refresh published nothing.
#[derive(Debug, thiserror::Error)]
pub enum RefreshError {
    #[error("no refresh is configured")]
    NotConfigured,
    /// The refresher's own error (e.g. a source file that does not parse); the previous
    /// snapshot stays served.
    #[error("{0}; nothing was published")]
    NothingPublished(String),
    #[error("the refresh task failed: {0}")]
    Task(#[from] tokio::task::JoinError),
}

/// Why a reload did not swap in the data directory's `current` snapshot.
#[derive(Debug, thiserror::Error)]
pub enum ReloadError {
    #[error("this server was started without a data directory to reload from")]
    NoDataDir,
    #[error("reading `current`: {0}")]
    Task(#[from] tokio::task::JoinError),
    #[error(transparent)]
    Store(#[from] lmi_store::StoreError),
    /// Nothing is published in the data directory or object store named.
    #[error("no snapshot is published in {0}")]
    NothingPublished(String),
    /// The new snapshot could not be loaded; `previous` is still served.
    #[error("{reason}; still serving {previous}")]
    Load { reason: String, previous: String },
}

/// What the last background refresh did.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RefreshStatus {
    /// `idle`, `running`, `succeeded` or `failed`.
    pub state: &'static str,
    pub started_at: Option<String>,
    pub finished_at: Option<String>,
    /// The version published by the last successful run.
    pub version: Option<String>,
    pub error: Option<String>,
}

pub(crate) struct Shared {
    snapshot: ArcSwap<ServedSnapshot>,
    pub(crate) geo: &'static GeoIndex,
    pub(crate) config: ApiConfig,
    pub(crate) metrics: Metrics,
    store: Option<Store>,
    refresher: Option<Box<dyn Refresher>>,
    refreshing: AtomicBool,
    pub(crate) refresh_status: Mutex<RefreshStatus>,
    /// Serialises reloads so two triggers cannot load the same snapshot twice.
    reload_lock: tokio::sync::Mutex<()>,
    pub(crate) dashboards: Dashboards,
    /// Applied to every snapshot served (`ServedSnapshot::with_sectors`).
    sectors: &'static Sectors,
    pub(crate) charts: ChartCache,
    /// Answered `GET`s by snapshot version, path and `Accept` (`respcache`).
    pub(crate) responses: ResponseCache,
    /// Slots for CPU-heavy answers (drawing charts, writing XLSX), so a burst of them cannot
    /// take every thread from cheap requests.
    heavy: tokio::sync::Semaphore,
}

/// The state every handler sees. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) shared: Arc<Shared>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState")
            .field("snapshot", &self.current().version())
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

/// What a reload did.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReloadOutcome {
    pub previous: String,
    pub current: String,
    pub changed: bool,
}

impl AppState {
    /// A state serving `snapshot` with default configuration and no data directory to reload
    /// from. Indexing is plain Rust (no polars), but can take a moment on real data.
    pub fn new(snapshot: Snapshot, geography: &'static Geography) -> AppState {
        AppState::builder(snapshot, geography).build()
    }

    pub fn builder(snapshot: Snapshot, geography: &'static Geography) -> AppStateBuilder {
        AppStateBuilder {
            snapshot,
            demand: Demand::default(),
            snapshot_geography: None,
            geography,
            config: ApiConfig::default(),
            store: None,
            refresher: None,
            dashboards: None,
            sectors: None,
        }
    }

    /// The snapshot answering requests now. A handler holds on to it for the whole request, so
    /// a swap never changes data under a request.
    pub fn current(&self) -> Arc<ServedSnapshot> {
        self.shared.snapshot.load_full()
    }

    /// The server's own area registry, indexed: what snapshots published without a registry
    /// are served with.
    pub fn geo(&self) -> &'static GeoIndex {
        self.shared.geo
    }

    /// The area registry `snap` was computed with (stored in it), else the server's own.
    pub fn geo_for(&self, snap: &ServedSnapshot) -> &'static GeoIndex {
        snap.geo_or(self.shared.geo)
    }

    pub fn dashboards(&self) -> &Dashboards {
        &self.shared.dashboards
    }

    pub fn config(&self) -> &ApiConfig {
        &self.shared.config
    }

    /// Serves `snapshot` from now on; requests already running finish on the old one.
    pub fn swap(&self, snapshot: ServedSnapshot) {
        let version = snapshot.version().to_owned();
        self.shared.snapshot.store(Arc::new(snapshot));
        self.shared.metrics.snapshot_swapped(&version);
        tracing::info!(%version, "now serving snapshot");
    }

    pub fn can_reload(&self) -> bool {
        self.shared.store.is_some()
    }

    pub fn can_refresh(&self) -> bool {
        self.shared.refresher.is_some()
    }

    /// Loads the data directory's `current` snapshot if it differs from the served one, and
    /// swaps it in. Loading (parquet, polars) runs on a blocking thread.
    pub async fn reload(&self) -> Result<ReloadOutcome, ReloadError> {
        let Some(store) = self.shared.store.clone() else {
            return Err(ReloadError::NoDataDir);
        };
        let _guard = self.shared.reload_lock.lock().await;
        let previous = self.current().version().to_owned();
        let wanted = {
            let store = store.clone();
            tokio::task::spawn_blocking(move || store.current_version()).await??
        };
        let Some(wanted) = wanted else {
            return Err(ReloadError::NothingPublished(store.to_string()));
        };
        if wanted == previous {
            return Ok(ReloadOutcome {
                current: previous.clone(),
                previous,
                changed: false,
            });
        }
        let sectors = self.shared.sectors;
        let loaded = tokio::task::spawn_blocking(move || {
            store
                .load_served(&wanted)
                .map(|(snapshot, demand, geography)| {
                    ServedSnapshot::with_demand(snapshot, demand)
                        .with_geography(geography)
                        .with_sectors(sectors)
                })
        })
        .await
        .map_err(|e| format!("loading the snapshot: {e}"))
        .and_then(|r| r.map_err(|e| e.to_string()));
        match loaded {
            Ok(served) => {
                let current = served.version().to_owned();
                self.swap(served);
                self.shared.metrics.reload(true);
                Ok(ReloadOutcome {
                    previous,
                    current,
                    changed: true,
                })
            }
            Err(reason) => {
                self.shared.metrics.reload(false);
                Err(ReloadError::Load { reason, previous })
            }
        }
    }

    /// Starts a refresh in the background unless one is running. Returns false when one is.
    pub fn start_refresh(&self) -> bool {
        if self.shared.refreshing.swap(true, Ordering::AcqRel) {
            return false;
        }
        {
            let mut s = lock(&self.shared.refresh_status);
            *s = RefreshStatus {
                state: "running",
                started_at: Some(now_rfc3339()),
                ..RefreshStatus::default()
            };
        }
        let state = self.clone();
        tokio::spawn(async move {
            let worker = state.clone();
            let result = tokio::task::spawn_blocking(move || match &worker.shared.refresher {
                Some(r) => r.refresh(),
                None => Err(RefreshError::NotConfigured),
            })
            .await
            .unwrap_or_else(|e| Err(e.into()));
            let reloaded = match &result {
                Ok(_) => state.reload().await.map(|_| ()),
                Err(_) => Ok(()),
            };
            {
                let mut s = lock(&state.shared.refresh_status);
                s.finished_at = Some(now_rfc3339());
                match (result, reloaded) {
                    (Ok(version), Ok(())) => {
                        tracing::info!(%version, "refresh published a snapshot");
                        s.state = "succeeded";
                        s.version = Some(version);
                    }
                    (Ok(version), Err(e)) => {
                        s.state = "failed";
                        s.version = Some(version);
                        s.error = Some(format!("published, but reloading failed: {e}"));
                    }
                    (Err(e), _) => {
                        tracing::warn!(error = %e, "refresh failed; nothing published");
                        s.state = "failed";
                        s.error = Some(e.to_string());
                    }
                }
            }
            state.shared.refreshing.store(false, Ordering::Release);
        });
        true
    }

    /// Waits (briefly) for a slot for CPU-heavy work; `503` when none frees up in time.
    pub(crate) async fn heavy_slot(&self) -> Result<tokio::sync::SemaphorePermit<'_>, ApiError> {
        const WAIT: Duration = Duration::from_secs(5);
        match tokio::time::timeout(WAIT, self.shared.heavy.acquire()).await {
            Ok(Ok(permit)) => Ok(permit),
            _ => Err(ApiError::Unavailable(
                "the server is busy drawing charts and writing workbooks; retry in a moment".into(),
            )),
        }
    }

    pub fn refresh_status(&self) -> RefreshStatus {
        let s = lock(&self.shared.refresh_status).clone();
        if s.state.is_empty() {
            RefreshStatus { state: "idle", ..s }
        } else {
            s
        }
    }

    /// Polls the data directory's `current` pointer every `every` and reloads when it moves.
    /// Does nothing without a data directory.
    pub fn spawn_watcher(&self, every: Duration) -> Option<tokio::task::JoinHandle<()>> {
        let store = self.shared.store.clone()?;
        let state = self.clone();
        Some(tokio::spawn(async move {
            let mut tick = tokio::time::interval(every);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            // A published version that failed to load is not retried every tick: only when
            // the pointer moves again (or an operator asks: POST /v1/admin/reload).
            let mut failed: Option<String> = None;
            loop {
                tick.tick().await;
                // The pointer is read through the store, like every other access to it.
                let store = store.clone();
                let Ok(Ok(Some(wanted))) =
                    tokio::task::spawn_blocking(move || store.current_version()).await
                else {
                    continue;
                };
                if wanted == state.current().version() || failed.as_ref() == Some(&wanted) {
                    continue;
                }
                match state.reload().await {
                    Ok(o) if o.changed => {
                        tracing::info!(previous = %o.previous, current = %o.current, "picked up a new snapshot")
                    }
                    Ok(_) => {}
                    Err(e) => {
                        tracing::warn!(error = %e, version = %wanted, "reloading the published snapshot failed; not retried until `current` moves again");
                        failed = Some(wanted);
                    }
                }
            }
        }))
    }
}

pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means another thread panicked mid-update of plain data.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

pub use lmi_core::now_rfc3339;

/// Builds an [`AppState`]: configuration, the data directory to reload from, the refresher.
pub struct AppStateBuilder {
    snapshot: Snapshot,
    demand: Demand,
    snapshot_geography: Option<&'static Geography>,
    geography: &'static Geography,
    config: ApiConfig,
    store: Option<Store>,
    refresher: Option<Box<dyn Refresher>>,
    dashboards: Option<Dashboards>,
    sectors: Option<&'static Sectors>,
}

impl AppStateBuilder {
    /// The snapshot's demand tables (`Store::load_with_demand`); none when not set.
    pub fn demand(mut self, demand: Demand) -> Self {
        self.demand = demand;
        self
    }

    /// The area registry stored in the snapshot (`Store::load_served`); the server's own
    /// registry answers when not set.
    pub fn snapshot_geography(mut self, geography: Option<&'static Geography>) -> Self {
        self.snapshot_geography = geography;
        self
    }

    /// The dashboards to serve (checked specs); the bundled ones when not set.
    pub fn dashboards(mut self, dashboards: Dashboards) -> Self {
        self.dashboards = Some(dashboards);
        self
    }

    /// The sectors file (checked); the bundled one when not set.
    pub fn sectors(mut self, sectors: &'static Sectors) -> Self {
        self.sectors = Some(sectors);
        self
    }

    pub fn config(mut self, config: ApiConfig) -> Self {
        self.config = config;
        self
    }

    /// The data directory whose `current` snapshot `reload` and the watcher pick up.
    pub fn store(mut self, store: Store) -> Self {
        self.store = Some(store);
        self
    }

    pub fn refresher(mut self, refresher: impl Refresher) -> Self {
        self.refresher = Some(Box::new(refresher));
        self
    }

    pub fn build(self) -> AppState {
        let sectors = self.sectors.unwrap_or_else(Sectors::bundled);
        let served = ServedSnapshot::with_demand(self.snapshot, self.demand)
            .with_geography(self.snapshot_geography)
            .with_sectors(sectors);
        let metrics = Metrics::default();
        metrics.snapshot_swapped(served.version());
        AppState {
            shared: Arc::new(Shared {
                snapshot: ArcSwap::from_pointee(served),
                geo: GeoIndex::of(self.geography),
                config: self.config,
                metrics,
                store: self.store,
                refresher: self.refresher,
                refreshing: AtomicBool::new(false),
                refresh_status: Mutex::new(RefreshStatus::default()),
                reload_lock: tokio::sync::Mutex::new(()),
                dashboards: self.dashboards.unwrap_or_else(Dashboards::bundled),
                sectors,
                charts: ChartCache::default(),
                responses: ResponseCache::default(),
                heavy: tokio::sync::Semaphore::new(
                    std::thread::available_parallelism().map_or(2, |n| n.get()),
                ),
            }),
        }
    }
}
