//! The `lmi` settings: one typed struct, loaded once at start-up from the defaults, then the
//! settings file (`lmi.toml`, or `--config` / `LMI_CONFIG`), then `LMI_*` environment variables,
//! then flags. A value that does not fit its type fails the load, naming the key and the reason.

use crate::alert::AlertSettings;
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
    /// How `lmi render` renders documents.
    pub render: RenderSettings,
    /// The hub's area groups file (TOML: named groups of whole districts, served as areas of
    /// type `group`) that refreshes compute with, instead of the example bundled as
    /// datasets/area_groups.toml; checked before a refresh starts.
    pub area_groups: Option<PathBuf>,
}

/// How `lmi render pack` prints PDFs.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RenderSettings {
    /// The Chromium that prints the PDFs; default: the first of chromium, chromium-browser,
    /// google-chrome, google-chrome-stable on PATH.
    pub chromium: Option<PathBuf>,
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
            render: RenderSettings::default(),
            area_groups: None,
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
    /// A sectors file (subject areas to SIC 2007 sections, priority sectors) instead of the
    /// bundled `datasets/sectors.toml`.
    pub sectors: Option<PathBuf>,
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
            sectors: None,
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
/// or parsed (numbers, switches).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Parsed,
}

/// The name a setting goes by outside the settings file: its key's last part, except where that
/// alone would not say what it is (`fetch.base_urls.nomis` is `nomis_base_url`, `alert.webhook`
/// is `alert_webhook`). Its environment variable is `LMI_` and this in capitals
/// ([`env_var`]), its flag (where it has one) `--` and this with dashes.
pub fn public_name(key: &str) -> String {
    match key.rsplit_once('.') {
        Some(("fetch.base_urls", name)) => format!("{name}_base_url"),
        Some(("alert", "webhook")) => "alert_webhook".into(),
        Some((_, leaf)) => leaf.into(),
        None => key.into(),
    }
}

/// The environment variable that sets `key`: `serve.addr` is `LMI_ADDR`.
pub fn env_var(key: &str) -> String {
    format!("LMI_{}", public_name(key).to_ascii_uppercase())
}

/// Every setting's key (a dotted path) and how its environment variable is read, from the
/// defaults themselves: numbers and switches are parsed, everything else (paths, URLs, lists,
/// secrets, unset options) is text. A new setting gets its variable without a table to update.
fn keys() -> Vec<(String, Kind)> {
    fn walk(prefix: &str, dict: &Dict, out: &mut Vec<(String, Kind)>) {
        for (name, value) in dict {
            let key = if prefix.is_empty() {
                name.clone()
            } else {
                format!("{prefix}.{name}")
            };
            match value {
                Value::Dict(_, inner) => walk(&key, inner, out),
                Value::Num(..) | Value::Bool(..) => out.push((key, Kind::Parsed)),
                _ => out.push((key, Kind::Text)),
            }
        }
    }
    let mut out = Vec::new();
    if let Ok(Value::Dict(_, dict)) = Value::serialize(Settings::default()) {
        walk("", &dict, &mut out);
    }
    out
}

/// The environment variable naming the settings file.
pub const ENV_CONFIG: &str = "LMI_CONFIG";
/// The settings file read when neither `--config` nor `LMI_CONFIG` names one, if it exists.
pub const DEFAULT_FILE: &str = "lmi.toml";
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

/// One layer of values: the `LMI_*` environment, or the flags given on the command line.
#[derive(Debug, Clone)]
pub struct Layer {
    name: &'static str,
    values: Dict,
}

impl Layer {
    /// No flags yet; add each command's with [`Layer::merge`].
    pub fn flags() -> Layer {
        Layer {
            name: "flag",
            values: Dict::new(),
        }
    }

    /// The variables `lookup` (normally `std::env::var`) finds, non-empty, one per setting
    /// ([`env_var`]).
    pub fn env(lookup: impl Fn(&str) -> Option<String>) -> Layer {
        let mut values = Dict::new();
        for (key, kind) in keys() {
            let Some(text) = lookup(&env_var(&key)).filter(|v| !v.trim().is_empty()) else {
                continue;
            };
            let value = match kind {
                Kind::Text => Value::from(text),
                Kind::Parsed => text.parse().unwrap_or_else(|e| match e {}),
            };
            insert(&mut values, &key, value);
        }
        Layer {
            name: "environment variable",
            values,
        }
    }

    /// Adds the settings `flags` holds: a struct shaped like [`Settings`] (nested groups, the
    /// same field names) whose unset fields are skipped when serialised.
    pub fn merge(&mut self, flags: &impl Serialize) -> &mut Layer {
        if let Ok(Value::Dict(_, dict)) = Value::serialize(flags) {
            merge_dicts(&mut self.values, dict);
        }
        self
    }
}

/// Sets `value` at the dotted `path` of `dict`.
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

/// `from` laid over `into`, group by group.
fn merge_dicts(into: &mut Dict, from: Dict) {
    for (name, value) in from {
        match (into.get_mut(&name), value) {
            (Some(Value::Dict(_, inner)), Value::Dict(_, more)) => merge_dicts(inner, more),
            (_, value) => {
                into.insert(name, value);
            }
        }
    }
}

impl Provider for Layer {
    fn metadata(&self) -> Metadata {
        Metadata::named(self.name)
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.values.clone()))
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
            .is_some_and(|t| t.expose().trim().is_empty())
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
            .is_some_and(|t| t.expose().trim() != t.expose().as_str())
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
        "environment variable" => format!("env {}", env_var(key)),
        "flag" => format!("flag --{}", public_name(key).replace('_', "-")),
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
            // Secrets (`lmi_core::Secret`) serialise as `<redacted>` themselves.
            let shown = if URLS_WITH_CREDENTIALS.contains(&key.as_str()) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The variables operators set before settings derived their names: each still works.
    const DOCUMENTED: [(&str, &str); 25] = [
        ("LMI_DATA_DIR", "data_dir"),
        ("LMI_DATA_URL", "data_url"),
        ("LMI_S3_ENDPOINT", "s3_endpoint"),
        ("LMI_KEEP_SNAPSHOTS", "keep_snapshots"),
        ("LMI_LOG_FORMAT", "log_format"),
        ("LMI_ADDR", "serve.addr"),
        ("LMI_SAMPLE_DIR", "serve.sample_dir"),
        ("LMI_WATCH_INTERVAL_MS", "serve.watch_interval_ms"),
        ("LMI_REFRESH_FROM", "serve.refresh_from"),
        ("LMI_DASHBOARDS", "serve.dashboards"),
        ("LMI_REFRESH_SCHEDULE", "serve.refresh_schedule"),
        ("LMI_CORS_ORIGINS", "api.cors_origins"),
        ("LMI_REQUEST_TIMEOUT_MS", "api.request_timeout_ms"),
        ("LMI_BODY_LIMIT", "api.body_limit"),
        ("LMI_CACHE_MAX_AGE", "api.cache_max_age"),
        ("LMI_ADMIN_TOKEN", "api.admin_token"),
        ("LMI_RATE_LIMIT_PER_SECOND", "api.rate_limit_per_second"),
        ("LMI_RATE_LIMIT_BURST", "api.rate_limit_burst"),
        ("LMI_TRUSTED_PROXIES", "api.trusted_proxies"),
        ("LMI_NOMIS_BASE_URL", "fetch.base_urls.nomis"),
        ("LMI_EES_API_BASE_URL", "fetch.base_urls.ees_api"),
        ("LMI_GITHUB_API_BASE_URL", "fetch.base_urls.github_api"),
        ("LMI_NOMIS_UID", "fetch.nomis_uid"),
        ("LMI_ON_FAILURE", "alert.on_failure"),
        ("LMI_ALERT_WEBHOOK", "alert.webhook"),
    ];

    #[test]
    fn every_setting_has_one_environment_variable_and_the_documented_names_still_work() {
        let keys = keys();
        let mut vars: Vec<String> = keys.iter().map(|(k, _)| env_var(k)).collect();
        vars.sort();
        let before = vars.len();
        vars.dedup();
        assert_eq!(
            vars.len(),
            before,
            "two settings share a variable: {vars:?}"
        );
        for (var, key) in DOCUMENTED {
            assert!(
                keys.iter().any(|(k, _)| k == key),
                "`{key}` is not a setting: {keys:?}"
            );
            assert_eq!(env_var(key), var);
        }
    }

    #[test]
    fn numbers_from_the_environment_are_parsed_and_text_is_kept_as_it_stands() {
        let env = Layer::env(|var| match var {
            "LMI_KEEP_SNAPSHOTS" => Some("7".into()),
            "LMI_ADMIN_TOKEN" => Some("0123".into()),
            "LMI_MAX_ATTEMPTS" => Some("2".into()),
            _ => None,
        });
        let loaded = Settings::load(Some(Path::new("/dev/null")), env, Layer::flags())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.settings.keep_snapshots, 7);
        assert_eq!(loaded.settings.fetch.max_attempts.get(), 2);
        let token = loaded
            .settings
            .api
            .admin_token
            .as_ref()
            .map(|t| t.expose().as_str());
        assert_eq!(token, Some("0123"), "a token of digits stays text");
    }
}
