//! `lmi`: serve labour market indicators and refresh them from source files.

use anyhow::Context;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod progress;

use lmi_cli::exit::Ended;
use lmi_cli::settings::{Layer, LogFormat, Settings};

/// mimalloc: freed memory goes back to the OS; with glibc malloc the resident size of `lmi serve`
/// ratcheted up with every snapshot swapped in under load (scripts/ops/loadtest measures it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Debug, Parser)]
#[command(
    name = "lmi",
    version,
    about = "Labour market intelligence for England: indicators by LA, TTWA, county, combined authority, region and England"
)]
struct Cli {
    /// Log format: human-readable text or one JSON object per line (for cron and log shippers)
    /// [setting `log_format`, env LMI_LOG_FORMAT; default text].
    #[arg(long, global = true, value_enum)]
    log_format: Option<LogFormat>,
    /// Settings file (TOML; see `lmi config show`) [env LMI_CONFIG; default ./lmi.toml if present].
    #[arg(long, global = true, env = "LMI_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve the current snapshot over HTTP (builds one from the bundled sample if there is none).
    Serve(ServeArgs),
    /// Render documents from the current snapshot.
    Render {
        #[command(subcommand)]
        what: RenderCommand,
    },
    /// Fetch every catalogued source (Nomis, DfE EES, ONS) and publish a new snapshot;
    /// with --from, read raw files already on disk instead. With --from, when the directory holds
    /// exactly the files the current snapshot was built from (sha256 of every file, the same
    /// catalogue and lmi version), nothing is read or published ("nothing changed"; --force
    /// publishes anyway).
    ///
    /// Over HTTP, each source is asked conditionally (ETag/Last-Modified), so an unchanged source
    /// costs one 304; bodies are kept in <data-dir>/raw/<sha256> with raw/manifest.json, and a
    /// refresh rerun after a failure does not fetch again the sources that already succeeded.
    /// Before publishing: schema, duplicate keys, unknown area codes and a drop of more than half
    /// of a source's observations against the published snapshot (override with --force).
    ///
    /// Base URLs: settings file [fetch.base_urls] or LMI_NOMIS_BASE_URL, LMI_EES_BASE_URL,
    /// LMI_EES_API_BASE_URL, LMI_ONS_BASE_URL, LMI_GEOGRAPHY_BASE_URL, LMI_GITHUB_API_BASE_URL,
    /// LMI_ONS_WEBSITE_BASE_URL;
    /// Nomis key: LMI_NOMIS_UID; timeouts, retries, concurrency: [fetch] (`lmi config show`).
    ///
    /// Each run discovers what the catalogue names: the latest release of each EES publication
    /// and its data set by title, each Explore Local Statistics series by its metadata; `lmi
    /// sources check` shows what that resolves to without downloading.
    ///
    /// A source that fails to fetch, parse or validate does not stop the others: its data is
    /// carried over from the current snapshot and marked stale (in the manifest, GET /v1/sources
    /// and on every value it feeds); a source that never succeeded is reported missing.
    ///
    /// Exit codes: 0 published with every source fresh (or nothing changed, or --dry-run
    /// passed); 3 published, but some source failed and is stale (carried over) or missing; 1
    /// nothing was published (no source could be read, or publishing failed; the previous
    /// snapshot stays current, byte for byte); 2 bad configuration or arguments; 4 another
    /// refresh is running on the data directory ("already running (pid N since T)").
    Refresh(RefreshArgs),
    /// Inspect the catalogued sources against the publishers.
    Sources {
        #[command(subcommand)]
        what: SourcesCommand,
    },
    /// Settings: what `lmi` runs with and where each value comes from.
    Config {
        #[command(subcommand)]
        what: ConfigCommand,
    },
    /// The snapshots in the data directory: list them, point `current` at another one, or delete
    /// old ones. A refresh keeps `keep_snapshots` (LMI_KEEP_SNAPSHOTS; default 5) besides the
    /// current one; the served snapshot is never deleted.
    ///
    /// Exit codes: 0 done; 1 a snapshot is damaged; 2 no such snapshot; 4 a refresh is running.
    Snapshots {
        #[command(subcommand)]
        what: SnapshotsCommand,
        #[command(flatten)]
        store: StoreFlags,
    },
    /// Check a published snapshot's internal consistency: file digests, aggregates equal to the
    /// sum of their districts, rates within 0-100, provenance for every source.
    ///
    /// Exit codes: 0 consistent; 1 inconsistencies found or the snapshot is damaged; 2 no such
    /// snapshot.
    Validate {
        #[command(flatten)]
        store: StoreFlags,
        /// Snapshot version to check (default: the current one).
        #[arg(long)]
        snapshot: Option<String>,
    },
}

/// Where snapshots are: the flags of every command that reads or publishes them. Flags override
/// settings (file < environment < flag); each flag group below is shaped like `Settings` and
/// serialises (unset flags skipped) into the flags layer, so a flag names its setting by its field.
#[serde_with::skip_serializing_none]
#[derive(Debug, Args, Serialize)]
struct StoreFlags {
    /// Directory holding snapshots [setting `data_dir`, env LMI_DATA_DIR; default data].
    #[arg(long, global = true)]
    data_dir: Option<PathBuf>,
    /// Snapshots on an object store instead of the data directory (replicas serve and watch
    /// it; a refresh publishes to it, its raw cache staying in the data directory):
    /// s3://bucket/prefix, gs://bucket/prefix, az://container/prefix; credentials from AWS_* /
    /// GOOGLE_* / AZURE_* [setting `data_url`, env LMI_DATA_URL; S3-compatible endpoint:
    /// `s3_endpoint`, LMI_S3_ENDPOINT or AWS_ENDPOINT_URL].
    #[arg(long, global = true)]
    data_url: Option<url::Url>,
}

/// `lmi serve` and `lmi config show`: the store, `serve.*` and `api.*`.
#[derive(Debug, Args, Serialize)]
struct ServeArgs {
    #[command(flatten)]
    #[serde(flatten)]
    store: StoreFlags,
    #[command(flatten)]
    serve: ServeFlags,
    #[command(flatten)]
    api: ApiFlags,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Args, Serialize)]
struct ServeFlags {
    /// Address to listen on [`serve.addr`, LMI_ADDR; 127.0.0.1:8080].
    #[arg(long)]
    addr: Option<SocketAddr>,
    /// Sample data used to bootstrap a fresh data directory [`serve.sample_dir`, LMI_SAMPLE_DIR].
    #[arg(long)]
    sample_dir: Option<PathBuf>,
    /// How often to check the data directory's `current` pointer for a newly published
    /// snapshot, in milliseconds; 0 turns the watcher off (POST /v1/admin/reload still works)
    /// [`serve.watch_interval_ms`, LMI_WATCH_INTERVAL_MS; 5000].
    #[arg(long)]
    watch_interval_ms: Option<u64>,
    /// Raw files for `POST /v1/admin/refresh`, laid out as for `lmi refresh --from`. The admin
    /// endpoints need a bearer token: setting `api.admin_token` or LMI_ADMIN_TOKEN (never a
    /// flag) [`serve.refresh_from`, LMI_REFRESH_FROM].
    #[arg(long)]
    refresh_from: Option<PathBuf>,
    /// Directory of dashboard specs (*.toml) to serve instead of the bundled dashboards/;
    /// a bad spec stops the server at start-up (exit 2) with the file, panel and field
    /// [`serve.dashboards`, LMI_DASHBOARDS].
    #[arg(long)]
    dashboards: Option<PathBuf>,
    /// Sectors file (TOML: sector subject areas to SIC 2007 sections, priority sectors) instead
    /// of the bundled datasets/sectors.toml; a bad file stops the server at start-up (exit 2)
    /// naming the entry [`serve.sectors`, LMI_SECTORS].
    #[arg(long)]
    sectors: Option<PathBuf>,
    /// Run the live refresh (as `lmi refresh`) inside the server on this cron schedule, server
    /// local time: "30 2 * * *" is 02:30 every day; six fields put seconds first. For a single
    /// box without a systemd timer or cron job; failures alert as `alert.*` says
    /// [`serve.refresh_schedule`, LMI_REFRESH_SCHEDULE].
    #[arg(long, value_name = "CRON")]
    refresh_schedule: Option<String>,
}

#[serde_with::skip_serializing_none]
#[derive(Debug, Args, Serialize)]
struct ApiFlags {
    /// Origins allowed by CORS: `*`, a comma-separated list, or empty for none
    /// [`api.cors_origins`, LMI_CORS_ORIGINS].
    #[arg(long)]
    cors_origins: Option<String>,
    /// Requests running longer than this are answered 503
    /// [`api.request_timeout_ms`, LMI_REQUEST_TIMEOUT_MS; 10000].
    #[arg(long)]
    request_timeout_ms: Option<u64>,
    /// Largest request body accepted, in bytes [`api.body_limit`, LMI_BODY_LIMIT; 16384].
    #[arg(long)]
    body_limit: Option<usize>,
    /// `Cache-Control: max-age` of data responses, in seconds
    /// [`api.cache_max_age`, LMI_CACHE_MAX_AGE; 60].
    #[arg(long)]
    cache_max_age: Option<u32>,
    /// Requests a second each client may make, sustained; 0 turns rate limiting off
    /// [`api.rate_limit_per_second`, LMI_RATE_LIMIT_PER_SECOND; 100].
    #[arg(long)]
    rate_limit_per_second: Option<u32>,
    /// Requests a client may make at once above the steady rate
    /// [`api.rate_limit_burst`, LMI_RATE_LIMIT_BURST; 400].
    #[arg(long)]
    rate_limit_burst: Option<u32>,
    /// Reverse proxies whose X-Forwarded-For names the client, comma-separated addresses or
    /// CIDR blocks [`api.trusted_proxies`, LMI_TRUSTED_PROXIES; none].
    #[arg(long)]
    trusted_proxies: Option<String>,
}

/// The flags of `lmi render pack` that are settings: `serve.sample_dir`, `serve.dashboards`.
#[serde_with::skip_serializing_none]
#[derive(Debug, Args, Serialize)]
struct PackServeFlags {
    /// Sample data used to bootstrap a fresh data directory [`serve.sample_dir`,
    /// LMI_SAMPLE_DIR].
    #[arg(long)]
    sample_dir: Option<PathBuf>,
    /// Directory of dashboard specs instead of the bundled ones [`serve.dashboards`,
    /// LMI_DASHBOARDS].
    #[arg(long)]
    dashboards: Option<PathBuf>,
    /// Sectors file instead of the bundled one [`serve.sectors`, LMI_SECTORS].
    #[arg(long)]
    sectors: Option<PathBuf>,
}

/// The flags of `lmi render pack` that are settings.
#[derive(Debug, Args, Serialize)]
struct PackFlags {
    #[command(flatten)]
    #[serde(flatten)]
    store: StoreFlags,
    #[command(flatten)]
    serve: PackServeFlags,
    #[command(flatten)]
    render: RenderFlags,
}

/// `render.*` flags.
#[serde_with::skip_serializing_none]
#[derive(Debug, Args, Serialize)]
struct RenderFlags {
    /// Chromium executable for the PDFs (default: chromium, chromium-browser or
    /// google-chrome on PATH) [`render.chromium`, LMI_CHROMIUM].
    #[arg(long)]
    chromium: Option<PathBuf>,
}

/// `alert.*` flags.
#[serde_with::skip_serializing_none]
#[derive(Debug, Args, Serialize)]
struct AlertFlags {
    /// Command run (`sh -c`) when the refresh does not end 0, with LMI_EXIT_CODE, LMI_OUTCOME,
    /// LMI_MESSAGE and LMI_DATA_DIR set [setting `alert.on_failure`, env LMI_ON_FAILURE].
    #[arg(long, value_name = "CMD")]
    on_failure: Option<String>,
    /// URL POSTed a JSON summary when the refresh does not end 0 [setting `alert.webhook`, env
    /// LMI_ALERT_WEBHOOK].
    #[arg(long = "alert-webhook", value_name = "URL")]
    webhook: Option<String>,
}

/// Flags every command takes that are settings.
#[serde_with::skip_serializing_none]
#[derive(Debug, Serialize)]
struct GlobalFlags {
    log_format: Option<LogFormat>,
}

/// `lmi refresh`: what to refresh (not settings) and the settings it takes as flags.
#[derive(Debug, Args, Serialize)]
struct RefreshArgs {
    /// Directory of raw files laid out as in the catalogue's `local_paths`
    /// (e.g. dfe/ks4_destinations_lad.csv.gz, census/census2021_ts067_lad22.csv).
    #[arg(long)]
    #[serde(skip)]
    from: Option<PathBuf>,
    /// Fetch only this source (repeatable); the others come from the raw cache or, when it has
    /// no copy (e.g. after --from), from the current snapshot.
    #[arg(long = "only", value_name = "SOURCE")]
    #[serde(skip)]
    only: Vec<String>,
    /// Fetch, parse and validate, but publish nothing.
    #[arg(long)]
    #[serde(skip)]
    dry_run: bool,
    /// Publish even if a source has less than half the observations of the published snapshot;
    /// with --from, publish even when the files are those of the current snapshot.
    #[arg(long)]
    #[serde(skip)]
    force: bool,
    /// Source catalogue to use instead of the bundled datasets/sources.toml.
    #[arg(long)]
    #[serde(skip)]
    catalogue: Option<PathBuf>,
    /// Area groups file (TOML: named groups of whole districts) instead of the bundled example
    /// datasets/area_groups.toml; a bad file stops the refresh, naming the file, group
    /// and line [`area_groups`, LMI_AREA_GROUPS].
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    area_groups: Option<PathBuf>,
    #[command(flatten)]
    #[serde(flatten)]
    store: StoreFlags,
    #[command(flatten)]
    alert: AlertFlags,
}

#[derive(Debug, Subcommand)]
enum SnapshotsCommand {
    /// Every snapshot, oldest first: version, created, sample or real, values, whether its files
    /// match their digests; `*` marks the current one.
    List,
    /// Point `current` at this snapshot (checked first); a running server picks it up.
    Rollback { version: String },
    /// Delete all but the newest N snapshots (never the current one).
    Prune {
        #[arg(long)]
        keep: usize,
    },
}

#[derive(Debug, Subcommand)]
enum ConfigCommand {
    /// Print the effective settings as TOML (defaults, then the settings file, then LMI_*
    /// environment, then these flags), each value with where it came from; secrets redacted.
    Show(ServeArgs),
}

#[derive(Debug, Subcommand)]
enum SourcesCommand {
    /// Resolve every catalogued source against its publisher (or the mirrors the configuration
    /// names) without downloading the data, and print what a refresh would fetch: release, data
    /// set, URL, Last-Modified; or exactly why it cannot. Run it after a publisher changes its
    /// website.
    ///
    /// Exit codes: 0 every source resolves; 1 some source cannot be resolved; 2 bad
    /// configuration.
    Check {
        /// Source catalogue to use instead of the bundled datasets/sources.toml.
        #[arg(long)]
        catalogue: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum RenderCommand {
    /// Area data packs: a dashboard for an area as a self-contained HTML report (inline SVG
    /// charts, the numbers, definitions, sources) and a PDF printed by headless Chromium.
    ///
    /// Files: <out>/<code>-<name>.html and .pdf, and <out>/index.html when several areas are
    /// rendered. Exit codes: 0 every pack written; 1 a pack failed (those already written stay);
    /// 2 bad arguments, unknown area or dashboard, or no Chromium for the PDFs.
    Pack {
        /// GSS code of the area (a district, TTWA, county, combined authority, ...).
        #[arg(long, conflicts_with = "within", required_unless_present = "within")]
        area: Option<String>,
        /// A county, combined authority, LEP, LSIP area or region: one pack for it and for every
        /// local authority and Travel to Work Area in it.
        #[arg(long)]
        within: Option<String>,
        /// Directory to write the packs to (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Dashboard to render; by default the one designed for each area's type
        /// (careers-adviser for districts, provision-planning for TTWAs, hub-overview for
        /// counties and combined authorities).
        #[arg(long)]
        dashboard: Option<String>,
        /// Write HTML only.
        #[arg(long)]
        no_pdf: bool,
        #[command(flatten)]
        settings: PackFlags,
    },
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        // topojson warns once per feature whose `id` is not a string or number ("Ignoring feature
        // id property"), hundreds a refresh; lmi reads an area's code from its properties.
        .unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new("info,tower_http=info,topojson=error")
        });
    // Colours only on a terminal: logs written to a file or cron mail stay plain text.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! { () = ctrl_c => {}, () = terminate => {} }
    tracing::info!("shutting down");
}

const PURGE_DELAY: &str = "MIMALLOC_PURGE_DELAY";

/// `lmi serve` frees a whole snapshot each time it swaps in a new one. mimalloc returns freed
/// pages to the OS only after a delay (its `purge_delay`, 10 ms, times ten for whole arenas) and
/// pages freed by a thread that then sleeps (tokio's blocking pool loads snapshots) later still,
/// so under load the server's resident size rose by 90-140 MiB over a few swaps of the sample
/// (scripts/ops/loadtest: 224 -> 321 MiB in CI); with a purge delay of 0 it stayed within 15-25
/// MiB, at the same requests per second. mimalloc reads its options from the environment once,
/// before `main`, so without the variable set, `serve` replaces itself (exec: the same process id,
/// arguments and environment) with a copy that has it. Returns only when that could not be done;
/// an operator's own value of the variable is kept.
#[cfg(unix)]
fn return_freed_memory_promptly() -> std::io::Result<()> {
    use std::os::unix::process::CommandExt;
    if std::env::var_os(PURGE_DELAY).is_some() {
        return Ok(());
    }
    let exe = std::env::current_exe()?;
    Err(std::process::Command::new(exe)
        .args(std::env::args_os().skip(1))
        .env(PURGE_DELAY, "0")
        .exec())
}

#[cfg(not(unix))]
fn return_freed_memory_promptly() -> std::io::Result<()> {
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let reexec_failed = match cli.command {
        Command::Serve(_) => return_freed_memory_promptly().err(),
        _ => None,
    };
    let mut flags = Layer::flags();
    flags.merge(&GlobalFlags {
        log_format: cli.log_format,
    });
    match &cli.command {
        Command::Serve(args)
        | Command::Config {
            what: ConfigCommand::Show(args),
        } => flags.merge(args),
        Command::Refresh(args) => flags.merge(args),
        Command::Validate { store, .. } | Command::Snapshots { store, .. } => flags.merge(store),
        Command::Render {
            what: RenderCommand::Pack { settings, .. },
        } => flags.merge(settings),
        Command::Sources { .. } => &mut flags,
    };
    // Loaded once; a bad setting stops every command before it starts.
    let env = Layer::env(|k| std::env::var(k).ok());
    let loaded = match Settings::load(cli.config.as_deref(), env, flags) {
        Ok(l) => l,
        Err(e) => return finish(Err(Failure::config(e))),
    };
    let settings = loaded.settings.clone();
    init_logging(settings.log_format);
    if let Some(e) = reexec_failed {
        tracing::warn!(
            "could not restart with {PURGE_DELAY}=0 ({e}); serving with the allocator's defaults, \
             which keep freed snapshots resident for longer"
        );
    }
    let ended = match cli.command {
        Command::Serve(_) => serve(settings),
        Command::Refresh(args) => {
            let (alert, data_dir) = (settings.alert.clone(), settings.data_dir.clone());
            let mut partial = String::new();
            let ended = refresh(args, settings, &mut partial);
            let (how, message) = match &ended {
                Ok(how) => (*how, partial),
                Err(f) => (f.ended, format!("{:#}", f.error)),
            };
            let report = lmi_cli::alert::RefreshAlert::new(how, &message, &data_dir);
            lmi_cli::alert::after_refresh(&alert, &report);
            ended
        }
        Command::Sources {
            what: SourcesCommand::Check { catalogue },
        } => sources_check(catalogue.as_deref(), settings),
        Command::Validate { snapshot, .. } => validate(&settings, snapshot.as_deref()),
        Command::Snapshots { what, .. } => snapshots(&what, &settings),
        Command::Config {
            what: ConfigCommand::Show(_),
        } => {
            print!("{}", loaded.show());
            Ok(Ended::Ok)
        }
        Command::Render { what } => render(what, &settings),
    };
    finish(ended)
}

/// A command that did not finish: how it ended, and why.
#[derive(Debug)]
struct Failure {
    ended: Ended,
    error: anyhow::Error,
}

impl Failure {
    fn config(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            ended: Ended::Config,
            error: error.into(),
        }
    }

    fn failed(error: impl Into<anyhow::Error>) -> Failure {
        Failure {
            ended: Ended::Failed,
            error: error.into(),
        }
    }
}

impl From<lmi_refresh::Error> for Failure {
    fn from(e: lmi_refresh::Error) -> Failure {
        Failure {
            ended: Ended::from(&e),
            error: e.into(),
        }
    }
}

/// The one place a command's end becomes the final message and the exit code.
fn finish(result: Result<Ended, Failure>) -> ExitCode {
    let ended = match result {
        Ok(ended) => ended,
        Err(Failure { ended, error }) => {
            eprintln!("error: {error:#}");
            if ended == Ended::NothingPublished {
                eprintln!("nothing was published; the previous snapshot (if any) is still current");
            }
            ended
        }
    };
    ExitCode::from(ended.code())
}

/// `partial` gets what failed when the refresh published with stale or missing sources.
fn refresh(args: RefreshArgs, settings: Settings, partial: &mut String) -> Result<Ended, Failure> {
    let RefreshArgs {
        from,
        only,
        dry_run,
        force,
        catalogue,
        ..
    } = args;
    let store = settings.store().map_err(Failure::config)?;
    let data_dir = settings.data_dir;
    let catalogue = lmi_refresh::load_catalogue(catalogue.as_deref())?;
    let area_groups = settings
        .area_groups
        .as_deref()
        .map(lmi_refresh::AreaGroups::read)
        .transpose()?;
    let Some(from) = from else {
        let options = lmi_refresh::LiveRefresh {
            data_dir,
            catalogue,
            fetch: settings.fetch,
            only,
            dry_run,
            force,
            keep: settings.keep_snapshots,
            area_groups,
        };
        let bars = progress::Bars::new();
        let result = lmi_refresh::refresh_live(&options, &store, &bars);
        bars.clear();
        return match result {
            Ok(report) => {
                progress::print_live(&report, &store);
                if report.is_partial() {
                    let failed: Vec<_> = report
                        .carried
                        .iter()
                        .filter(|c| c.is_failure())
                        .cloned()
                        .collect();
                    *partial = progress::carried(&failed);
                }
                Ok(Ended::from(&report))
            }
            Err(e) => {
                if !e.sources().is_empty() {
                    print!("{}", progress::summary(e.sources()));
                }
                Err(e.into())
            }
        };
    };
    if !only.is_empty() || dry_run {
        return Err(Failure::config(anyhow::anyhow!(
            "--only and --dry-run apply to fetching; not with --from"
        )));
    }
    let options = lmi_refresh::DirOptions {
        keep: settings.keep_snapshots,
        force,
        area_groups,
    };
    let m = match lmi_refresh::refresh_dir(&from, &store, &catalogue, &options)? {
        lmi_refresh::DirRefresh::Published(m) => m,
        lmi_refresh::DirRefresh::Unchanged(current) => {
            println!(
                "nothing changed: {} holds the files snapshot {} was built from (same sha256s, catalogue and lmi version); it stays published (--force publishes anyway)",
                from.display(),
                current.version
            );
            return Ok(Ended::Ok);
        }
    };
    println!("published snapshot {} in {store}", m.version);
    for s in &m.sources {
        println!(
            "  {:<28} {:>7} rows  {:>9} bytes  sha256 {}",
            s.source_id,
            s.rows,
            s.bytes,
            &s.sha256[..12]
        );
    }
    for i in &m.indicators {
        println!(
            "  {:<28} {:>7} values  periods {}",
            i.id,
            i.rows,
            i.periods.join(", ")
        );
    }
    for w in &m.warnings {
        println!("  warning: {w}");
    }
    if m.sample.is_some() {
        println!("  note: built from SYNTHETIC SAMPLE DATA");
    }
    Ok(Ended::Ok)
}

fn sources_check(catalogue: Option<&Path>, settings: Settings) -> Result<Ended, Failure> {
    let catalogue = lmi_refresh::load_catalogue(catalogue)?;
    let checks = lmi_refresh::sources_check(&catalogue, settings.fetch).map_err(Failure::config)?;
    Ok(if progress::print_sources_check(&checks) {
        Ended::Ok
    } else {
        Ended::Failed
    })
}

fn snapshots(what: &SnapshotsCommand, settings: &Settings) -> Result<Ended, Failure> {
    let store = settings.store().map_err(Failure::config)?;
    let store_error = |e: lmi_store::StoreError| Failure::from(lmi_refresh::Error::Store(e));
    match what {
        SnapshotsCommand::List => {
            let current = store.current_version().map_err(store_error)?;
            let mut damaged = false;
            for version in store.list().map_err(store_error)? {
                let mark = if current.as_ref() == Some(&version) {
                    "*"
                } else {
                    " "
                };
                match store.verify(&version) {
                    Ok(m) => println!(
                        "{mark} {version}  created {}  {}  {} values",
                        m.created_at,
                        if m.sample.is_some() {
                            "SAMPLE"
                        } else {
                            "real  "
                        },
                        m.files
                            .iter()
                            .find(|f| f.name == lmi_store::VALUES_FILE)
                            .map_or(0, |f| f.rows)
                    ),
                    Err(e) => {
                        damaged = true;
                        println!("{mark} {version}  DAMAGED: {e}");
                    }
                }
            }
            Ok(if damaged { Ended::Failed } else { Ended::Ok })
        }
        SnapshotsCommand::Rollback { version } => {
            let _lock = store.lock().map_err(store_error)?;
            let previous = store.current_version().map_err(store_error)?;
            store.set_current(version).map_err(store_error)?;
            println!(
                "current is now {version} (was {})",
                previous.as_deref().unwrap_or("none")
            );
            Ok(Ended::Ok)
        }
        SnapshotsCommand::Prune { keep } => {
            let lock = store.lock().map_err(store_error)?;
            let deleted = store.prune(*keep, &lock).map_err(store_error)?;
            if deleted.is_empty() {
                println!("nothing to delete");
            }
            for v in deleted {
                println!("deleted {v}");
            }
            Ok(Ended::Ok)
        }
    }
}

fn validate(settings: &Settings, snapshot: Option<&str>) -> Result<Ended, Failure> {
    let store = settings.store().map_err(Failure::config)?;
    let report = lmi_refresh::check_snapshot(&store, snapshot)?;
    println!(
        "checked {} values, {} additive aggregates against their districts",
        report.values, report.aggregates_checked
    );
    for f in report.findings.iter().take(50) {
        println!("  problem: {f}");
    }
    if report.findings.is_empty() {
        println!("snapshot is consistent");
        Ok(Ended::Ok)
    } else {
        println!("{} problem(s) found", report.findings.len());
        Ok(Ended::Failed)
    }
}

/// `lmi render pack`: the snapshot, sample and dashboards come from the settings like every
/// other command's (so `lmi.toml`, `LMI_*` and `data_url` apply); bad arguments end 2, a pack
/// that fails 1.
fn render(what: RenderCommand, settings: &Settings) -> Result<Ended, Failure> {
    let RenderCommand::Pack {
        area,
        within,
        out,
        dashboard,
        no_pdf,
        settings: _,
    } = what;
    let sample_dir = settings
        .serve
        .sample_dir
        .clone()
        .unwrap_or_else(lmi_cli::default_sample_dir);
    let dashboards =
        lmi_cli::load_dashboards(settings.serve.dashboards.as_deref()).map_err(Failure::config)?;
    let chromium = if no_pdf {
        None
    } else {
        let found = lmi_cli::pack::find_chromium(settings.render.chromium.as_deref());
        Some(found.map_err(Failure::config)?)
    };
    // Reports need the indexed snapshot, not the HTTP server's state.
    let store = settings.store().map_err(Failure::config)?;
    let sectors =
        lmi_cli::load_sectors(settings.serve.sectors.as_deref()).map_err(Failure::config)?;
    let (snap, geo) = lmi_cli::load_report(&store, &sample_dir).map_err(Failure::config)?;
    let snap = snap.with_sectors(sectors);
    let areas = lmi_cli::pack::areas_for(geo, area.as_deref(), within.as_deref())
        .map_err(Failure::config)?;
    let options = lmi_cli::pack::PackOptions {
        areas,
        out,
        dashboard,
        chromium,
    };
    progress::run_packs(&snap, geo, &dashboards, &options).map_err(Failure::failed)?;
    Ok(Ended::Ok)
}

fn serve(settings: Settings) -> Result<Ended, Failure> {
    let store = settings.store().map_err(Failure::config)?;
    let Settings {
        data_dir,
        serve,
        api,
        fetch,
        alert,
        keep_snapshots,
        area_groups,
        ..
    } = settings;
    let area_groups = area_groups
        .as_deref()
        .map(lmi_refresh::AreaGroups::read)
        .transpose()?;
    let scheduled = match &serve.refresh_schedule {
        Some(text) => Some((
            lmi_cli::schedule::RefreshSchedule::parse(text)
                .map_err(|e| Failure::config(anyhow::anyhow!(e)))?,
            lmi_refresh::LiveRefresh {
                data_dir,
                catalogue: lmi_refresh::load_catalogue(None)?,
                fetch,
                only: Vec::new(),
                dry_run: false,
                force: false,
                keep: keep_snapshots,
                area_groups: area_groups.clone(),
            },
        )),
        None => None,
    };
    let sample_dir = serve.sample_dir.unwrap_or_else(lmi_cli::default_sample_dir);
    lmi_cli::load_dashboards(serve.dashboards.as_deref()).map_err(Failure::config)?;
    let sectors = lmi_cli::load_sectors(serve.sectors.as_deref()).map_err(Failure::config)?;
    if serve.refresh_from.is_some() && api.admin_token.is_none() {
        tracing::warn!("--refresh-from has no effect without LMI_ADMIN_TOKEN");
    }
    let (addr, watch_interval) = (serve.addr, serve.watch_interval);
    let options = lmi_cli::ServeOptions {
        api,
        refresh_from: serve.refresh_from,
        dashboards: serve.dashboards,
        sectors: Some(sectors),
        area_groups,
    };
    // Snapshot loading is blocking polars work: do it before the async runtime starts.
    let state =
        lmi_cli::load_state_from(store.clone(), &sample_dir, options).map_err(Failure::failed)?;
    if let Some((schedule, live)) = scheduled {
        tracing::info!(schedule = schedule.as_str(), %store, "scheduled refreshes on");
        lmi_cli::schedule::spawn(schedule, live, store, alert)
            .context("starting the refresh schedule")
            .map_err(Failure::failed)?;
    }
    let runtime = tokio::runtime::Runtime::new()
        .context("starting the async runtime")
        .map_err(Failure::failed)?;
    runtime
        .block_on(async {
            if !watch_interval.is_zero() {
                state.spawn_watcher(watch_interval);
            }
            let (local, task) = lmi_cli::start_server(addr, state, shutdown_signal()).await?;
            tracing::info!("listening on http://{local}");
            println!("lmi listening on http://{local}  (dashboards at /, API docs at /v1/docs)");
            task.await??;
            anyhow::Ok(Ended::Ok)
        })
        .map_err(Failure::failed)
}
