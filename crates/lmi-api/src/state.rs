//! What the server holds: the served snapshot (indexed at load so requests are lookups), the
//! geography index, configuration, and the hot-swap machinery (reload, refresh, watcher).

use crate::charts::ChartCache;
use crate::config::ApiConfig;
use crate::dashboard::Dashboards;
use crate::metrics::Metrics;
use arc_swap::ArcSwap;
use lmi_core::{Area, AreaType, Geography, IndicatorValue};
use lmi_store::{Manifest, Snapshot, Store};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Metadata every response carries: which snapshot answered, its licence, and whether the
/// numbers are synthetic sample data.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Meta {
    pub snapshot: String,
    pub created_at: String,
    pub sample: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub licence: &'static str,
    pub licence_url: &'static str,
    pub attribution: Vec<String>,
}

/// One snapshot as served: every value once, plus indexes into it built at load time.
#[derive(Debug)]
pub struct ServedSnapshot {
    pub manifest: Manifest,
    pub meta: Meta,
    values: Vec<IndicatorValue>,
    /// indicator -> area -> positions in `values`, sorted by period.
    series: HashMap<String, HashMap<String, Vec<usize>>>,
    /// indicator -> (area type, period) -> positions, best first (see [`ranking_order`]).
    rankings: HashMap<String, HashMap<(AreaType, String), Vec<usize>>>,
    /// indicator -> periods with at least one value, ascending.
    periods: HashMap<String, Vec<String>>,
}

/// Best first: values by the indicator's direction (descending when higher is better or the
/// direction is unknown), then the pipeline's rank when present; areas without a value last.
fn ranking_order(
    higher_is_better: Option<bool>,
    a: &IndicatorValue,
    b: &IndicatorValue,
) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    let by_value = match (a.value, b.value) {
        (Some(x), Some(y)) => {
            let o = x.total_cmp(&y);
            if higher_is_better == Some(false) {
                o
            } else {
                o.reverse()
            }
        }
        (Some(_), None) => Less,
        (None, Some(_)) => Greater,
        (None, None) => Equal,
    };
    by_value
        .then_with(|| match (a.derived.rank, b.derived.rank) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => Equal,
        })
        .then_with(|| a.area_code.cmp(&b.area_code))
}

/// Flags the values fed by a source whose data was carried over from an earlier snapshot: every
/// value of an indicator built from it, and the TTWA values built from a stale small-area source.
fn mark_stale(values: &mut [IndicatorValue], sources: &[lmi_core::SourceProvenance]) {
    let stale: Vec<&str> = sources
        .iter()
        .filter(|s| s.is_stale())
        .map(|s| s.source_id.as_str())
        .collect();
    if stale.is_empty() {
        return;
    }
    for v in values {
        if let Some(def) = lmi_core::find_indicator(&v.indicator) {
            v.stale = stale.contains(&def.source)
                || (v.area_type == AreaType::Ttwa
                    && def.small_area_source.is_some_and(|s| stale.contains(&s)));
        }
    }
}

impl ServedSnapshot {
    pub fn new(snapshot: Snapshot) -> ServedSnapshot {
        let mut values = snapshot.values;
        mark_stale(&mut values, &snapshot.manifest.sources);
        let mut series: HashMap<String, HashMap<String, Vec<usize>>> = HashMap::new();
        let mut rankings: HashMap<String, HashMap<(AreaType, String), Vec<usize>>> = HashMap::new();
        let mut periods: HashMap<String, Vec<String>> = HashMap::new();
        for (i, v) in values.iter().enumerate() {
            series
                .entry(v.indicator.clone())
                .or_default()
                .entry(v.area_code.clone())
                .or_default()
                .push(i);
            rankings
                .entry(v.indicator.clone())
                .or_default()
                .entry((v.area_type, v.period.clone()))
                .or_default()
                .push(i);
            let p = periods.entry(v.indicator.clone()).or_default();
            if !p.contains(&v.period) {
                p.push(v.period.clone());
            }
        }
        for by_area in series.values_mut() {
            for s in by_area.values_mut() {
                s.sort_by(|&a, &b| values[a].period.cmp(&values[b].period));
            }
        }
        for (id, by_type) in &mut rankings {
            let direction = lmi_core::find_indicator(id).and_then(|d| d.higher_is_better);
            for r in by_type.values_mut() {
                r.sort_by(|&a, &b| ranking_order(direction, &values[a], &values[b]));
            }
        }
        for p in periods.values_mut() {
            p.sort();
        }
        let m = &snapshot.manifest;
        let meta = Meta {
            snapshot: m.version.clone(),
            created_at: m.created_at.clone(),
            sample: m.sample.is_some(),
            notice: m.sample.as_ref().map(|s| s.description.clone()),
            licence: lmi_core::OGL_LICENCE,
            licence_url: lmi_core::OGL_URL,
            attribution: m.sources.iter().map(|s| s.attribution.clone()).collect(),
        };
        ServedSnapshot {
            manifest: snapshot.manifest,
            meta,
            values,
            series,
            rankings,
            periods,
        }
    }

    pub fn version(&self) -> &str {
        &self.manifest.version
    }

    /// One area's values of one indicator, oldest period first.
    pub fn series<'a>(
        &'a self,
        indicator: &str,
        area: &str,
    ) -> impl DoubleEndedIterator<Item = &'a IndicatorValue> + ExactSizeIterator + use<'a> {
        self.series
            .get(indicator)
            .and_then(|m| m.get(area))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &self.values[i])
    }

    /// The value of one area in one period.
    pub fn value(&self, indicator: &str, area: &str, period: &str) -> Option<&IndicatorValue> {
        self.series(indicator, area)
            .rev()
            .find(|v| v.period == period)
    }

    /// Every area of a type in a period, best first.
    pub fn ranking<'a>(
        &'a self,
        indicator: &str,
        area_type: AreaType,
        period: &str,
    ) -> impl ExactSizeIterator<Item = &'a IndicatorValue> + use<'a> {
        self.rankings
            .get(indicator)
            .and_then(|m| m.get(&(area_type, period.to_owned())))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &self.values[i])
    }

    /// Periods of an indicator present in the snapshot, ascending.
    pub fn periods(&self, indicator: &str) -> &[String] {
        self.periods.get(indicator).map_or(&[], Vec::as_slice)
    }

    /// Periods in which an indicator has values for areas of a type, ascending.
    pub fn periods_for_type(&self, indicator: &str, area_type: AreaType) -> Vec<&str> {
        self.periods(indicator)
            .iter()
            .filter(|p| self.ranking(indicator, area_type, p).len() > 0)
            .map(String::as_str)
            .collect()
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// The static geography, indexed once: parents, comparators and children of every area, and
/// lower-cased names for search.
#[derive(Debug)]
pub struct GeoIndex {
    pub geography: &'static Geography,
    parents: HashMap<&'static str, Vec<&'static Area>>,
    comparators: HashMap<&'static str, Vec<&'static Area>>,
    children: HashMap<&'static str, Vec<&'static Area>>,
    pub(crate) names: Vec<(&'static Area, String)>,
}

impl GeoIndex {
    pub fn new(geography: &'static Geography) -> GeoIndex {
        let mut parents = HashMap::new();
        let mut comparators = HashMap::new();
        let mut children: HashMap<&'static str, Vec<&'static Area>> = HashMap::new();
        let mut names = Vec::new();
        for area in geography.areas() {
            let ps = geography.parents(&area.code);
            // TTWAs are best-fit approximations, so they are nobody's child.
            if area.area_type != AreaType::Ttwa {
                for p in &ps {
                    children.entry(p.code.as_str()).or_default().push(area);
                }
            }
            parents.insert(area.code.as_str(), ps);
            comparators.insert(area.code.as_str(), geography.comparators(&area.code));
            names.push((area, area.name.to_lowercase()));
        }
        for c in children.values_mut() {
            c.sort_by(|a, b| a.area_type.cmp(&b.area_type).then(a.name.cmp(&b.name)));
        }
        GeoIndex {
            geography,
            parents,
            comparators,
            children,
            names,
        }
    }

    /// The index of a geography, built on first use and shared by every state serving it
    /// (building it compares every pair of areas).
    pub fn of(geography: &'static Geography) -> &'static GeoIndex {
        static BUILT: Mutex<Vec<(usize, &'static GeoIndex)>> = Mutex::new(Vec::new());
        let key = std::ptr::from_ref(geography) as usize;
        let mut built = lock(&BUILT);
        if let Some((_, index)) = built.iter().find(|(k, _)| *k == key) {
            return index;
        }
        // Geographies are 'static, so their indexes live as long.
        let index: &'static GeoIndex = Box::leak(Box::new(GeoIndex::new(geography)));
        built.push((key, index));
        index
    }

    pub fn area(&self, code: &str) -> Option<&'static Area> {
        self.geography.area(code)
    }

    pub fn parents(&self, code: &str) -> &[&'static Area] {
        self.parents.get(code).map_or(&[], Vec::as_slice)
    }

    pub fn comparators(&self, code: &str) -> &[&'static Area] {
        self.comparators.get(code).map_or(&[], Vec::as_slice)
    }

    pub fn children(&self, code: &str) -> &[&'static Area] {
        self.children.get(code).map_or(&[], Vec::as_slice)
    }
}

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
    #[error("no snapshot is published in {}", .0.display())]
    NothingPublished(std::path::PathBuf),
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
    pub(crate) charts: ChartCache,
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
            geography,
            config: ApiConfig::default(),
            store: None,
            refresher: None,
            dashboards: None,
        }
    }

    /// The snapshot answering requests now. A handler holds on to it for the whole request, so
    /// a swap never changes data under a request.
    pub fn current(&self) -> Arc<ServedSnapshot> {
        self.shared.snapshot.load_full()
    }

    pub fn geo(&self) -> &'static GeoIndex {
        self.shared.geo
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
            return Err(ReloadError::NothingPublished(store.root().to_owned()));
        };
        if wanted == previous {
            return Ok(ReloadOutcome {
                current: previous.clone(),
                previous,
                changed: false,
            });
        }
        let loaded =
            tokio::task::spawn_blocking(move || store.load(&wanted).map(ServedSnapshot::new))
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
            loop {
                tick.tick().await;
                let path = store.root().join("current");
                let Ok(text) = tokio::fs::read_to_string(&path).await else {
                    continue;
                };
                if text.trim() != state.current().version() && !text.trim().is_empty() {
                    match state.reload().await {
                        Ok(o) if o.changed => {
                            tracing::info!(previous = %o.previous, current = %o.current, "picked up a new snapshot")
                        }
                        Ok(_) => {}
                        Err(e) => {
                            tracing::warn!(error = %e, "reloading the published snapshot failed")
                        }
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

/// The current time as RFC 3339 UTC, e.g. `2026-11-23T17:30:00Z`.
pub fn now_rfc3339() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    crate::metrics::rfc3339(secs)
}

/// Builds an [`AppState`]: configuration, the data directory to reload from, the refresher.
pub struct AppStateBuilder {
    snapshot: Snapshot,
    geography: &'static Geography,
    config: ApiConfig,
    store: Option<Store>,
    refresher: Option<Box<dyn Refresher>>,
    dashboards: Option<Dashboards>,
}

impl AppStateBuilder {
    /// The dashboards to serve (checked specs); the bundled ones when not set.
    pub fn dashboards(mut self, dashboards: Dashboards) -> Self {
        self.dashboards = Some(dashboards);
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
        let served = ServedSnapshot::new(self.snapshot);
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
                charts: ChartCache::default(),
            }),
        }
    }
}
