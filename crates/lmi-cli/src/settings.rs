//! The `lmi` settings: one typed struct, loaded once at start-up from the defaults, then the
//! settings file (`lmi.toml`, or `--config` / `LMI_CONFIG`), then `LMI_*` environment variables,
//! then flags. A value that does not fit its type fails the load, naming the key and the reason.

use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use lmi_api::ApiConfig;
use lmi_fetch::FetchConfig;
use serde::{Deserialize, Serialize};
use serde_with::{DurationMilliSeconds, serde_as};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Every setting. Each group's defaults are its `Default` (for `api` and `fetch`, in the crate
/// that uses them).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Settings {
    /// Directory holding snapshots (and the raw cache).
    pub data_dir: PathBuf,
    /// Snapshots on an object store instead of `data_dir`: `s3://bucket/prefix`,
    /// `gs://bucket/prefix`, `az://container/prefix` (or `file:///dir`, `memory:///`).
    /// Credentials come from the store's own environment variables (AWS_ACCESS_KEY_ID,
    /// AWS_SECRET_ACCESS_KEY, AWS_REGION, AWS_ENDPOINT_URL, …; GOOGLE_*; AZURE_*), never from
    /// here. The raw cache of a fetching refresh stays in `data_dir`.
    pub data_url: Option<url::Url>,
    /// Endpoint of an S3-compatible store (e.g. `http://127.0.0.1:9000`); plain `http://` is
    /// allowed when named here. Default: AWS_ENDPOINT_URL, else AWS itself.
    pub s3_endpoint: Option<url::Url>,
    /// Snapshots a refresh keeps after publishing, besides the one `current` points at
    /// (older ones are deleted; the served snapshot never is).
    pub keep_snapshots: usize,
    pub log_format: LogFormat,
    pub serve: ServeSettings,
    /// HTTP behaviour of the API: CORS, timeouts, limits, caching, the admin token.
    pub api: ApiConfig,
    /// How a refresh fetches: base URLs, timeouts, retries, concurrency.
    pub fetch: FetchConfig,
    /// Who hears about a refresh that did not end 0.
    pub alert: AlertSettings,
}

/// Alerting on a refresh that did not end 0 (exit 1, 2, 3 or 4): a command, a webhook, or both.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertSettings {
    /// Run with `sh -c`, with LMI_EXIT_CODE, LMI_OUTCOME, LMI_MESSAGE and LMI_DATA_DIR in its
    /// environment (e.g. `mail -s "lmi refresh failed" ops@example.org <<< "$LMI_MESSAGE"`).
    pub on_failure: Option<String>,
    /// POSTed a JSON summary (with a `text` field, as chat incoming webhooks expect).
    pub webhook: Option<url::Url>,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            data_dir: PathBuf::from("data"),
            data_url: None,
            s3_endpoint: None,
            keep_snapshots: lmi_refresh::DEFAULT_KEEP,
            log_format: LogFormat::Text,
            serve: ServeSettings::default(),
            api: ApiConfig::default(),
            fetch: FetchConfig::default(),
            alert: AlertSettings::default(),
        }
    }
}

/// How `lmi serve` runs, besides the API's HTTP behaviour.
#[serde_as]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ServeSettings {
    pub addr: SocketAddr,
    /// Sample data used to bootstrap a fresh data directory (default: the bundled sample).
    pub sample_dir: Option<PathBuf>,
    /// How often to check the data directory's `current` pointer; 0 turns the watcher off.
    #[serde(rename = "watch_interval_ms")]
    #[serde_as(as = "DurationMilliSeconds<u64>")]
    pub watch_interval: Duration,
    /// Raw files for `POST /v1/admin/refresh` (needs `api.admin_token`).
    pub refresh_from: Option<PathBuf>,
    /// Dashboard specs to serve instead of the bundled ones.
    pub dashboards: Option<PathBuf>,
    /// Run the live refresh inside the server at these times (cron: minute hour day month
    /// weekday, server local time; six fields with seconds first), instead of a systemd timer or
    /// cron job on a single box.
    pub refresh_schedule: Option<String>,
}

impl Default for ServeSettings {
    fn default() -> Self {
        ServeSettings {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            sample_dir: None,
            watch_interval: Duration::from_secs(5),
            refresh_from: None,
            dashboards: None,
            refresh_schedule: None,
        }
    }
}

/// Log format: human-readable text or one JSON object per line (for cron and log shippers).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Text,
    Json,
}

/// Whether an environment variable's value is read as text as it stands (paths, URLs, secrets)
/// or parsed (numbers).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Parsed,
}

/// Environment variables and the setting each one sets. Empty values are ignored.
const ENV: &[(&str, &str, Kind)] = &[
    ("LMI_DATA_DIR", "data_dir", Kind::Text),
    ("LMI_DATA_URL", "data_url", Kind::Text),
    ("LMI_S3_ENDPOINT", "s3_endpoint", Kind::Text),
    ("LMI_KEEP_SNAPSHOTS", "keep_snapshots", Kind::Parsed),
    ("LMI_LOG_FORMAT", "log_format", Kind::Text),
    ("LMI_ADDR", "serve.addr", Kind::Text),
    ("LMI_SAMPLE_DIR", "serve.sample_dir", Kind::Text),
    (
        "LMI_WATCH_INTERVAL_MS",
        "serve.watch_interval_ms",
        Kind::Parsed,
    ),
    ("LMI_REFRESH_FROM", "serve.refresh_from", Kind::Text),
    ("LMI_DASHBOARDS", "serve.dashboards", Kind::Text),
    ("LMI_REFRESH_SCHEDULE", "serve.refresh_schedule", Kind::Text),
    ("LMI_CORS_ORIGINS", "api.cors_origins", Kind::Text),
    (
        "LMI_REQUEST_TIMEOUT_MS",
        "api.request_timeout_ms",
        Kind::Parsed,
    ),
    ("LMI_BODY_LIMIT", "api.body_limit", Kind::Parsed),
    ("LMI_CACHE_MAX_AGE", "api.cache_max_age", Kind::Parsed),
    ("LMI_ADMIN_TOKEN", "api.admin_token", Kind::Text),
    (
        "LMI_RATE_LIMIT_PER_SECOND",
        "api.rate_limit_per_second",
        Kind::Parsed,
    ),
    ("LMI_RATE_LIMIT_BURST", "api.rate_limit_burst", Kind::Parsed),
    ("LMI_TRUSTED_PROXIES", "api.trusted_proxies", Kind::Text),
    ("LMI_NOMIS_BASE_URL", "fetch.base_urls.nomis", Kind::Text),
    ("LMI_EES_BASE_URL", "fetch.base_urls.ees", Kind::Text),
    (
        "LMI_EES_API_BASE_URL",
        "fetch.base_urls.ees_api",
        Kind::Text,
    ),
    (
        "LMI_GEOGRAPHY_BASE_URL",
        "fetch.base_urls.geography",
        Kind::Text,
    ),
    ("LMI_ONS_BASE_URL", "fetch.base_urls.ons", Kind::Text),
    (
        "LMI_GITHUB_API_BASE_URL",
        "fetch.base_urls.github_api",
        Kind::Text,
    ),
    ("LMI_NOMIS_UID", "fetch.nomis_uid", Kind::Text),
    ("LMI_ON_FAILURE", "alert.on_failure", Kind::Text),
    ("LMI_ALERT_WEBHOOK", "alert.webhook", Kind::Text),
];

/// The environment variable naming the settings file.
pub const ENV_CONFIG: &str = "LMI_CONFIG";
/// The settings file read when neither `--config` nor `LMI_CONFIG` names one, if it exists.
pub const DEFAULT_FILE: &str = "lmi.toml";
/// Settings printed as `<redacted>`.
/// A webhook URL usually carries its own token.
const SECRETS: &[&str] = &["api.admin_token", "fetch.nomis_uid", "alert.webhook"];
/// URLs printed without their password and query (where a store's credentials could be put).
const URLS_WITH_CREDENTIALS: &[&str] = &["data_url", "s3_endpoint"];

/// Settings that cannot work: the key, where the value came from, and why.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("reading the settings file {}: {source}", path.display())]
    File {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("bad setting `{key}` ({origin}): {reason}")]
    Invalid {
        key: String,
        origin: String,
        reason: String,
    },
}

/// One layer of values given as `(key path, value)`: the environment, or the flags.
#[derive(Debug, Clone, Default)]
pub struct Layer {
    name: &'static str,
    values: Vec<(&'static str, Value)>,
}

impl Layer {
    /// The flags given on the command line (set with [`Layer::set`]).
    pub fn flags() -> Layer {
        Layer {
            name: "flag",
            values: Vec::new(),
        }
    }

    /// The `LMI_*` variables `lookup` (normally `std::env::var`) finds, non-empty.
    pub fn env(lookup: impl Fn(&str) -> Option<String>) -> Layer {
        let values = ENV
            .iter()
            .filter_map(|&(var, key, kind)| {
                let text = lookup(var).filter(|v| !v.trim().is_empty())?;
                let value = match kind {
                    Kind::Text => Value::from(text),
                    Kind::Parsed => text.parse().unwrap_or_else(|e| match e {}),
                };
                Some((key, value))
            })
            .collect();
        Layer {
            name: "environment variable",
            values,
        }
    }

    /// Sets `key` (a dotted path such as `serve.addr`) when `value` is given.
    pub fn set<T: Serialize>(&mut self, key: &'static str, value: Option<T>) -> &mut Layer {
        if let Some(v) = value.and_then(|v| Value::serialize(v).ok()) {
            self.values.push((key, v));
        }
        self
    }
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.name)
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        fn insert(dict: &mut Dict, path: &str, value: Value) {
            match path.split_once('.') {
                None => {
                    dict.insert(path.into(), value);
                }
                Some((head, rest)) => {
                    let entry = dict
                        .entry(head.into())
                        .or_insert_with(|| Dict::new().into());
                    if let Value::Dict(_, d) = entry {
                        insert(d, rest, value);
                    }
                }
            }
        }
        let mut dict = Dict::new();
        for (key, value) in &self.values {
            insert(&mut dict, key, value.clone());
        }
        Ok(Profile::Default.collect(dict))
    }
}

/// Settings as loaded, with where each value came from.
#[derive(Debug)]
pub struct Loaded {
    pub settings: Settings,
    figment: Figment,
}

impl Settings {
    /// Defaults, then the settings file (`file`, else `lmi.toml` when present), then `env`, then
    /// `flags`; checked as a whole.
    pub fn load(file: Option<&Path>, env: Layer, flags: Layer) -> Result<Loaded, SettingsError> {
        let mut figment =
            Figment::from(figment::providers::Serialized::defaults(Settings::default()));
        let file = file.map(Path::to_owned).or_else(|| {
            Path::new(DEFAULT_FILE)
                .is_file()
                .then(|| PathBuf::from(DEFAULT_FILE))
        });
        if let Some(path) = file {
            // A named file that cannot be read is an error; figment would skip it silently.
            std::fs::metadata(&path).map_err(|source| SettingsError::File {
                path: path.clone(),
                source,
            })?;
            figment = figment
                .merge(<figment::providers::Toml as figment::providers::Format>::file_exact(path));
        }
        let figment = figment.merge(env).merge(flags);
        let settings: Settings = figment.extract().map_err(|e| invalid(&figment, e))?;
        settings.check()?;
        Ok(Loaded { settings, figment })
    }

    /// What types alone cannot say.
    fn check(&self) -> Result<(), SettingsError> {
        let bad = |key: &str, reason: String| SettingsError::Invalid {
            key: key.to_owned(),
            origin: "checked at start-up".into(),
            reason,
        };
        self.fetch.check().map_err(|e| {
            let key = match &e {
                lmi_fetch::ConfigError::BaseUrl { name, .. } => {
                    format!("fetch.base_urls.{name}")
                }
                _ => "fetch".into(),
            };
            bad(&key, e.to_string())
        })?;
        if self
            .api
            .admin_token
            .as_ref()
            .is_some_and(|t| t.trim().is_empty())
        {
            return Err(bad(
                "api.admin_token",
                "must not be empty (leave it out to turn the admin endpoints off)".into(),
            ));
        }
        if self
            .api
            .admin_token
            .as_ref()
            .is_some_and(|t| t.trim() != t.as_str())
        {
            // Clients' tokens are compared trimmed: this one could never match.
            return Err(bad(
                "api.admin_token",
                "has leading or trailing whitespace (a newline from a file?), so no client could \
                 ever send it: remove it"
                    .into(),
            ));
        }
        if self.api.request_timeout.is_zero() {
            return Err(bad("api.request_timeout_ms", "must be at least 1".into()));
        }
        if let Some(s) = &self.serve.refresh_schedule {
            crate::schedule::RefreshSchedule::parse(s)
                .map_err(|e| bad("serve.refresh_schedule", e))?;
        }
        if self.data_url.is_some() {
            // Builds the client (no request is made): a scheme or option it cannot use fails here.
            self.store().map_err(|e| bad("data_url", e.to_string()))?;
        }
        Ok(())
    }
}

impl Settings {
    /// Where snapshots are: the object store `data_url` names, else `data_dir`. Object store
    /// options come from the environment (`AWS_*`, `GOOGLE_*`, `AZURE_*`) and `s3_endpoint`.
    pub fn store(&self) -> Result<lmi_store::Store, lmi_store::StoreError> {
        let Some(url) = &self.data_url else {
            return Ok(lmi_store::Store::open(&self.data_dir));
        };
        lmi_store::Store::open_url(
            url.as_str(),
            object_store_options(std::env::vars(), self.s3_endpoint.as_ref()),
        )
    }
}

/// `object_store` builder options: the store's own environment variables (lower-cased, as its
/// `from_env` builders read them), then the `s3_endpoint` setting.
pub fn object_store_options(
    env: impl IntoIterator<Item = (String, String)>,
    s3_endpoint: Option<&url::Url>,
) -> Vec<(String, String)> {
    let mut options: Vec<(String, String)> = env
        .into_iter()
        .filter(|(k, _)| {
            ["AWS_", "GOOGLE_", "AZURE_"]
                .iter()
                .any(|p| k.starts_with(p))
        })
        .map(|(k, v)| (k.to_ascii_lowercase(), v))
        .collect();
    if let Some(endpoint) = s3_endpoint {
        options.push((
            "aws_endpoint".into(),
            endpoint.as_str().trim_end_matches('/').into(),
        ));
        if endpoint.scheme() == "http" {
            options.push(("aws_allow_http".into(), "true".into()));
        }
    }
    options
}

/// A URL with its password and query replaced by `<redacted>`.
fn redact_url(text: &str) -> String {
    let Ok(mut url) = url::Url::parse(text) else {
        return "<redacted>".into();
    };
    if url.password().is_some() {
        let _ = url.set_password(Some("redacted"));
    }
    if url.query().is_some() {
        url.set_query(Some("redacted"));
    }
    url.to_string()
}

/// The first error of `e`, with its key and the provider (file, variable, flag) it came from.
fn invalid(figment: &Figment, e: figment::Error) -> SettingsError {
    let e = e.into_iter().next().expect("an error has at least one");
    let key = e.path.join(".");
    SettingsError::Invalid {
        origin: origin(figment, &key, e.metadata.as_ref()),
        reason: e.kind.to_string(),
        key,
    }
}

fn origin(figment: &Figment, key: &str, metadata: Option<&Metadata>) -> String {
    let Some(m) = metadata.or_else(|| figment.find_metadata(key)) else {
        return "default".into();
    };
    if let Some(figment::Source::File(path)) = &m.source {
        return format!("file {}", path.display());
    }
    match m.name.as_ref() {
        "environment variable" => ENV
            .iter()
            .find(|(_, k, _)| *k == key)
            .map_or_else(|| m.name.to_string(), |(var, _, _)| format!("env {var}")),
        "flag" => format!(
            "flag --{}",
            key.rsplit('.').next().unwrap_or(key).replace('_', "-")
        ),
        _ => "default".into(),
    }
}

impl Loaded {
    /// The effective settings as TOML, secrets redacted, each value followed by where it came
    /// from.
    pub fn show(&self) -> String {
        let value = toml::Value::try_from(&self.settings)
            .unwrap_or_else(|_| toml::Value::Table(Default::default()));
        let mut out = String::new();
        if let toml::Value::Table(table) = value {
            self.table(&mut out, "", &table);
        }
        out
    }

    fn table(&self, out: &mut String, prefix: &str, table: &toml::Table) {
        let (tables, leaves): (Vec<_>, Vec<_>) = table.iter().partition(|(_, v)| v.is_table());
        if !prefix.is_empty() {
            out.push_str(&format!("\n[{prefix}]\n"));
        }
        for (k, v) in leaves {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            let shown = if SECRETS.contains(&key.as_str()) {
                toml::Value::from("<redacted>")
            } else if URLS_WITH_CREDENTIALS.contains(&key.as_str()) {
                toml::Value::from(v.as_str().map(redact_url).unwrap_or_default())
            } else {
                v.clone()
            };
            out.push_str(&format!(
                "{k} = {shown}  # {}\n",
                origin(&self.figment, &key, self.figment.find_metadata(&key))
            ));
        }
        for (k, v) in tables {
            let key = if prefix.is_empty() {
                k.clone()
            } else {
                format!("{prefix}.{k}")
            };
            if let toml::Value::Table(t) = v {
                self.table(out, &key, t);
            }
        }
    }
}
