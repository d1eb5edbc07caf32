//! `lmi`: serve labour market indicators and refresh them from source files.

use anyhow::Context;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

mod progress;

use lmi_cli::exit::Ended;

#[derive(Debug, Parser)]
#[command(
    name = "lmi",
    version,
    about = "Labour market intelligence for England: indicators by LA, TTWA, county, combined authority, region and England"
)]
struct Cli {
    /// Log format: human-readable text or one JSON object per line (for cron and log shippers).
    #[arg(long, global = true, value_enum, default_value_t = LogFormat::Text, env = "LMI_LOG_FORMAT")]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
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
    /// with --from, read raw files already on disk instead.
    ///
    /// Over HTTP, each source is asked conditionally (ETag/Last-Modified), so an unchanged source
    /// costs one 304; bodies are kept in <data-dir>/raw/<sha256> with raw/manifest.json, and a
    /// refresh rerun after a failure does not fetch again the sources that already succeeded.
    /// Before publishing: schema, duplicate keys, unknown area codes and a drop of more than half
    /// of a source's observations against the published snapshot (override with --force).
    ///
    /// Base URLs: config file [fetch.base_urls] or LMI_NOMIS_BASE_URL, LMI_EES_BASE_URL,
    /// LMI_EES_API_BASE_URL, LMI_ONS_BASE_URL, LMI_GEOGRAPHY_BASE_URL; Nomis key: LMI_NOMIS_UID.
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
    /// snapshot stays current, byte for byte); 2 bad configuration or arguments.
    Refresh(RefreshArgs),
    /// Inspect the catalogued sources against the publishers.
    Sources {
        #[command(subcommand)]
        what: SourcesCommand,
    },
    /// Check a published snapshot's internal consistency: file digests, aggregates equal to the
    /// sum of their districts, rates within 0-100, provenance for every source.
    ///
    /// Exit codes: 0 consistent; 1 inconsistencies found or the snapshot is damaged; 2 no such
    /// snapshot.
    Validate {
        /// Directory holding snapshots.
        #[arg(long, default_value = "data", env = "LMI_DATA_DIR")]
        data_dir: PathBuf,
        /// Snapshot version to check (default: the current one).
        #[arg(long)]
        snapshot: Option<String>,
    },
}

#[derive(Debug, Args)]
struct ServeArgs {
    /// Directory holding snapshots.
    #[arg(long, default_value = "data", env = "LMI_DATA_DIR")]
    data_dir: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080", env = "LMI_ADDR")]
    addr: SocketAddr,
    /// Sample data used to bootstrap a fresh data directory.
    #[arg(long, env = "LMI_SAMPLE_DIR")]
    sample_dir: Option<PathBuf>,
    /// Origins allowed by CORS: `*`, a comma-separated list, or empty for none.
    #[arg(long, default_value = "", env = "LMI_CORS_ORIGINS")]
    cors_origins: String,
    /// Requests running longer than this are answered 503.
    #[arg(long, default_value_t = 10_000, env = "LMI_REQUEST_TIMEOUT_MS")]
    request_timeout_ms: u64,
    /// Largest request body accepted, in bytes.
    #[arg(long, default_value_t = 16 * 1024, env = "LMI_BODY_LIMIT")]
    body_limit: usize,
    /// `Cache-Control: max-age` of data responses, in seconds.
    #[arg(long, default_value_t = 60, env = "LMI_CACHE_MAX_AGE")]
    cache_max_age: u32,
    /// How often to check the data directory's `current` pointer for a newly published
    /// snapshot, in milliseconds; 0 turns the watcher off (POST /v1/admin/reload still works).
    #[arg(long, default_value_t = 5_000, env = "LMI_WATCH_INTERVAL_MS")]
    watch_interval_ms: u64,
    /// Raw files for `POST /v1/admin/refresh`, laid out as for `lmi refresh --from`. The admin
    /// endpoints need a bearer token in the environment variable LMI_ADMIN_TOKEN.
    #[arg(long, env = "LMI_REFRESH_FROM")]
    refresh_from: Option<PathBuf>,
    /// Directory of dashboard specs (*.toml) to serve instead of the bundled dashboards/;
    /// a bad spec stops the server at start-up (exit 2) with the file, panel and field.
    #[arg(long, env = "LMI_DASHBOARDS")]
    dashboards: Option<PathBuf>,
}

#[derive(Debug, Args)]
struct RefreshArgs {
    /// Directory of raw files laid out as in the catalogue's `local_paths`
    /// (e.g. dfe/ks4_destinations_lad.csv.gz, census/census2021_ts067_lad22.csv).
    #[arg(long)]
    from: Option<PathBuf>,
    /// Fetch only this source (repeatable); the others come from the raw cache or, when it has
    /// no copy (e.g. after --from), from the current snapshot.
    #[arg(long = "only", value_name = "SOURCE")]
    only: Vec<String>,
    /// Fetch, parse and validate, but publish nothing.
    #[arg(long)]
    dry_run: bool,
    /// Publish even if a source has less than half the observations of the published snapshot.
    #[arg(long)]
    force: bool,
    /// Config file (TOML, a [fetch] table: base_urls, timeouts, retries, concurrency).
    #[arg(long, env = "LMI_CONFIG")]
    config: Option<PathBuf>,
    /// Directory holding snapshots.
    #[arg(long, default_value = "data", env = "LMI_DATA_DIR")]
    data_dir: PathBuf,
    /// Source catalogue to use instead of the bundled datasets/sources.toml.
    #[arg(long)]
    catalogue: Option<PathBuf>,
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
        /// Config file (TOML, a [fetch] table: base_urls, timeouts, retries, concurrency).
        #[arg(long, env = "LMI_CONFIG")]
        config: Option<PathBuf>,
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
        /// Directory of dashboard specs instead of the bundled ones.
        #[arg(long, env = "LMI_DASHBOARDS")]
        dashboards: Option<PathBuf>,
        /// Write HTML only.
        #[arg(long)]
        no_pdf: bool,
        /// Chromium executable for the PDFs (default: chromium, chromium-browser or
        /// google-chrome on PATH).
        #[arg(long, env = "LMI_CHROMIUM")]
        chromium: Option<PathBuf>,
        /// Directory holding snapshots.
        #[arg(long, default_value = "data", env = "LMI_DATA_DIR")]
        data_dir: PathBuf,
        /// Sample data used to bootstrap a fresh data directory.
        #[arg(long, env = "LMI_SAMPLE_DIR")]
        sample_dir: Option<PathBuf>,
    },
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,tower_http=info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder.json().init(),
    }
}

/// The `[fetch]` table of the config file, then the environment overrides.
fn load_fetch_config(path: Option<&PathBuf>) -> anyhow::Result<lmi_ingest::fetch::FetchConfig> {
    #[derive(serde::Deserialize, Default)]
    #[serde(deny_unknown_fields)]
    struct Config {
        #[serde(default)]
        fetch: lmi_ingest::fetch::FetchConfig,
    }
    let config: Config = match path {
        None => Config::default(),
        Some(p) => {
            let text =
                std::fs::read_to_string(p).with_context(|| format!("reading {}", p.display()))?;
            toml::from_str(&text).with_context(|| format!("config file {}", p.display()))?
        }
    };
    let mut fetch = config.fetch;
    fetch
        .apply_env(|k| std::env::var(k).ok())
        .map_err(|e| anyhow::anyhow!("bad configuration: {e}"))?;
    Ok(fetch)
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    let ended = match cli.command {
        Command::Serve(args) => serve(args),
        Command::Refresh(args) => refresh(args),
        Command::Sources {
            what: SourcesCommand::Check { config, catalogue },
        } => sources_check(config.as_ref(), catalogue.as_deref()),
        Command::Validate { data_dir, snapshot } => validate(&data_dir, snapshot.as_deref()),
        Command::Render { what } => return render(what),
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

fn refresh(args: RefreshArgs) -> Result<Ended, Failure> {
    let RefreshArgs {
        from,
        only,
        dry_run,
        force,
        config,
        data_dir,
        catalogue,
    } = args;
    let catalogue = lmi_refresh::load_catalogue(catalogue.as_deref())?;
    let Some(from) = from else {
        let fetch = load_fetch_config(config.as_ref()).map_err(Failure::config)?;
        let options = lmi_refresh::LiveRefresh {
            data_dir,
            catalogue,
            fetch,
            only,
            dry_run,
            force,
        };
        let bars = progress::Bars::new();
        let result = lmi_refresh::refresh_live(&options, &bars);
        bars.clear();
        return match result {
            Ok(report) => {
                progress::print_live(&report, &options.data_dir);
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
    if !only.is_empty() || dry_run || force {
        return Err(Failure::config(anyhow::anyhow!(
            "--only, --dry-run and --force apply to fetching; not with --from"
        )));
    }
    let m = lmi_refresh::from_dir(&from, &data_dir, &catalogue)?;
    println!("published snapshot {} in {}", m.version, data_dir.display());
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

fn sources_check(config: Option<&PathBuf>, catalogue: Option<&Path>) -> Result<Ended, Failure> {
    let catalogue = lmi_refresh::load_catalogue(catalogue)?;
    let fetch = load_fetch_config(config).map_err(Failure::config)?;
    let checks = lmi_refresh::sources_check(&catalogue, fetch).map_err(Failure::config)?;
    Ok(if progress::print_sources_check(&checks) {
        Ended::Ok
    } else {
        Ended::Failed
    })
}

fn validate(data_dir: &Path, snapshot: Option<&str>) -> Result<Ended, Failure> {
    let report = lmi_refresh::validate(data_dir, snapshot)?;
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

fn render(what: RenderCommand) -> ExitCode {
    match what {
        RenderCommand::Pack {
            area,
            within,
            out,
            dashboard,
            dashboards,
            no_pdf,
            chromium,
            data_dir,
            sample_dir,
        } => {
            let sample_dir = sample_dir.unwrap_or_else(lmi_cli::default_sample_dir);
            let setup = || -> anyhow::Result<_> {
                let dashboards = lmi_cli::load_dashboards(dashboards.as_deref())?;
                let chromium = if no_pdf {
                    None
                } else {
                    Some(lmi_cli::pack::find_chromium(chromium.as_deref())?)
                };
                let state = lmi_cli::load_or_bootstrap(&data_dir, &sample_dir)?;
                let areas =
                    lmi_cli::pack::areas_for(state.geo(), area.as_deref(), within.as_deref())?;
                Ok((dashboards, chromium, state, areas))
            };
            let (dashboards, chromium, state, areas) = match setup() {
                Ok(s) => s,
                Err(e) => {
                    eprintln!("error: {e:#}");
                    return ExitCode::from(2);
                }
            };
            let options = lmi_cli::pack::PackOptions {
                areas,
                out,
                dashboard,
                chromium,
            };
            progress::run_packs(&state, &dashboards, &options)
        }
    }
}

fn serve(args: ServeArgs) -> Result<Ended, Failure> {
    let ServeArgs {
        data_dir,
        addr,
        sample_dir,
        cors_origins,
        request_timeout_ms,
        body_limit,
        cache_max_age,
        watch_interval_ms,
        refresh_from,
        dashboards,
    } = args;
    let sample_dir = sample_dir.unwrap_or_else(lmi_cli::default_sample_dir);
    lmi_cli::load_dashboards(dashboards.as_deref()).map_err(Failure::config)?;
    // The token comes from the environment only, so it never shows in `ps`.
    let admin_token = std::env::var("LMI_ADMIN_TOKEN")
        .ok()
        .filter(|t| !t.trim().is_empty());
    if refresh_from.is_some() && admin_token.is_none() {
        tracing::warn!("--refresh-from has no effect without LMI_ADMIN_TOKEN");
    }
    let options = lmi_cli::ServeOptions {
        api: lmi_api::ApiConfig {
            cors: lmi_api::CorsOrigins::parse(&cors_origins),
            request_timeout: Duration::from_millis(request_timeout_ms.max(1)),
            body_limit,
            cache_max_age,
            admin_token,
        },
        refresh_from,
        dashboards,
    };
    // Snapshot loading is blocking polars work: do it before the async runtime starts.
    let state = lmi_cli::load_state(&data_dir, &sample_dir, options).map_err(Failure::failed)?;
    let runtime = tokio::runtime::Runtime::new()
        .context("starting the async runtime")
        .map_err(Failure::failed)?;
    runtime
        .block_on(async {
            if watch_interval_ms > 0 {
                state.spawn_watcher(Duration::from_millis(watch_interval_ms));
            }
            let (local, task) = lmi_cli::start_server(addr, state, shutdown_signal()).await?;
            tracing::info!("listening on http://{local}");
            println!("lmi listening on http://{local}  (dashboards at /, API docs at /v1/docs)");
            task.await??;
            anyhow::Ok(Ended::Ok)
        })
        .map_err(Failure::failed)
}
