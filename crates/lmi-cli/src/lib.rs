//! Wiring for the `lmi` binary: builds snapshots from raw files (ingest -> pipeline -> store)
//! (from a directory with `refresh_from_dir`, or over HTTP with `refresh_live`) and serves them.
//! Business logic lives in the library crates; this crate only connects them.

use anyhow::Context;
use lmi_core::Geography;
use lmi_ingest::Catalogue;
use lmi_ingest::cache::RawCache;
use lmi_ingest::fetch::FetchConfig;
use lmi_ingest::fetch::http::HttpClient;
use lmi_ingest::live::{LiveError, Outcome, Progress, SourceReport};
use lmi_ingest::validate;
use lmi_store::{Manifest, SnapshotInput, Store};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub use lmi_api::{ApiConfig, AppState, CorsOrigins, Dashboards};

pub mod pack;

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
    let mut values = output.values;
    let mut observations = loaded.observations;
    let store = Store::open(data_dir);
    let manifest = store
        .publish(
            &mut values,
            &mut observations,
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

/// What `lmi refresh` (without `--from`) does: fetch every catalogued source over HTTP.
#[derive(Debug, Clone)]
pub struct LiveRefresh {
    pub data_dir: PathBuf,
    pub catalogue: Catalogue,
    pub fetch: FetchConfig,
    /// Request only these sources; the others come from the raw cache.
    pub only: Vec<String>,
    /// Fetch, parse and validate, but publish nothing.
    pub dry_run: bool,
    /// Publish even when a source shrank by more than half since the published snapshot.
    pub force: bool,
}

/// The outcome of a live refresh that did not fail.
#[derive(Debug)]
pub struct LiveReport {
    pub sources: Vec<SourceReport>,
    /// The snapshot published (None on a dry run or when nothing changed).
    pub published: Option<Manifest>,
    /// Every source was unchanged since the current snapshot: nothing to publish.
    pub unchanged: bool,
    pub bytes_downloaded: u64,
}

/// A live refresh that published nothing, with the exit code it maps to.
#[derive(Debug)]
pub struct RefreshFailure {
    /// 1: a source failed or did not validate; 2: bad configuration.
    pub exit_code: u8,
    pub message: String,
    /// Per-source outcomes so far (empty for a configuration error).
    pub sources: Vec<SourceReport>,
}

impl std::fmt::Display for RefreshFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for RefreshFailure {}

fn config_error(message: impl Into<String>) -> RefreshFailure {
    RefreshFailure {
        exit_code: 2,
        message: message.into(),
        sources: Vec::new(),
    }
}

fn source_failure(message: impl Into<String>, sources: Vec<SourceReport>) -> RefreshFailure {
    RefreshFailure {
        exit_code: 1,
        message: message.into(),
        sources,
    }
}

/// Fetches every catalogued source (conditionally; resuming an unfinished refresh), validates
/// and publishes a new snapshot. Nothing is published unless every source fetched, parsed and
/// validated; sources that did are kept in the raw cache for the next attempt.
pub fn refresh_live(
    options: &LiveRefresh,
    progress: &dyn Progress,
) -> Result<LiveReport, RefreshFailure> {
    options.fetch.check().map_err(config_error)?;
    lmi_ingest::live::check_fetchable(&options.catalogue, &options.only)
        .map_err(|e| config_error(e.to_string()))?;
    let geography = Geography::bundled()
        .map_err(|e| config_error(format!("loading the bundled geography tables: {e}")))?;
    let client = HttpClient::new(options.fetch.clone()).map_err(config_error)?;
    let store = Store::open(&options.data_dir);
    let cache = RawCache::open(&options.data_dir);
    let fail = |e: &dyn std::fmt::Display| source_failure(e.to_string(), Vec::new());

    let previous = match store.current_version().map_err(|e| fail(&e))? {
        Some(v) => Some(store.verify(&v).map_err(|e| fail(&e))?),
        None => None,
    };
    let published: HashMap<String, String> = previous
        .iter()
        .flat_map(|m| &m.sources)
        .map(|s| (s.source_id.clone(), s.sha256.clone()))
        .collect();

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
            LiveError::Config(m) => config_error(m),
            other => fail(&other),
        })?;
    drop(runtime);
    let mut live = fetched
        .parse(&options.catalogue, &cache, progress)
        .map_err(|e| fail(&e))?;
    let bytes_downloaded = live.bytes_downloaded();

    let failures: Vec<String> = live.failed().filter_map(|r| r.error.clone()).collect();
    if !failures.is_empty() {
        return Err(source_failure(failures.join("\n"), live.reports));
    }
    if live.unchanged {
        return Ok(LiveReport {
            sources: live.reports,
            published: None,
            unchanged: true,
            bytes_downloaded,
        });
    }

    // Validation against the previous release and the geography.
    let mut problems = Vec::new();
    for p in &live.provenance {
        let before = previous
            .iter()
            .flat_map(|m| &m.sources)
            .find(|s| s.source_id == p.source_id)
            .map(|s| s.observations);
        let url = p.url.clone().unwrap_or_else(|| p.file.clone());
        if let Err(e) =
            validate::row_count(&p.source_id, &url, before, p.observations, options.force)
        {
            problems.push((p.source_id.clone(), e.to_string()));
        }
    }
    let observations = live
        .observations
        .take()
        .ok_or_else(|| fail(&"no observations were built"))?;
    let output = lmi_pipeline::compute(&observations, geography, lmi_core::INDICATORS)
        .map_err(|e| fail(&format!("computing indicators: {e}")))?;
    for u in &output.unmatched {
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
        problems.push((u.source.clone(), e.to_string()));
    }
    if !problems.is_empty() {
        for r in &mut live.reports {
            if let Some((_, message)) = problems.iter().find(|(id, _)| *id == r.source_id) {
                r.outcome = Outcome::Failed;
                r.error = Some(message.clone());
            }
        }
        let message = problems
            .into_iter()
            .map(|(_, m)| m)
            .collect::<Vec<_>>()
            .join("\n");
        return Err(source_failure(message, live.reports));
    }
    if options.dry_run {
        return Ok(LiveReport {
            sources: live.reports,
            published: None,
            unchanged: false,
            bytes_downloaded,
        });
    }
    let mut values = output.values;
    let mut observations = observations;
    let manifest = store
        .publish(
            &mut values,
            &mut observations,
            SnapshotInput {
                sources: live.provenance,
                sample: None,
                warnings: Vec::new(),
            },
        )
        .map_err(|e| {
            fail(&format!(
                "publishing a snapshot in {}: {e}",
                options.data_dir.display()
            ))
        })?;
    lmi_ingest::live::clear_resume(&cache).map_err(|e| fail(&e))?;
    Ok(LiveReport {
        sources: live.reports,
        published: Some(manifest),
        unchanged: false,
        bytes_downloaded,
    })
}
