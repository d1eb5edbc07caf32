//! Fetching catalogued sources over HTTP: the `[source.fetch]` section of the catalogue
//! ([`spec`]), the publishers' base URLs (overridable for mirrors and tests), and discovery of
//! the URL each source is served at today ([`discover`]).
//!
//! The HTTP behaviour itself (timeouts, retries, conditional GET) is in [`http`]; Nomis paging in
//! [`crate::nomis`]; the raw cache in [`crate::cache`]; the orchestration in [`crate::live`].

pub mod discover;
pub mod http;
pub mod spec;

pub use spec::{
    DataSetMatch, Derive, EesSpec, ElsSpec, FetchSpec, HttpSpec, NomisSpec, PeriodFormat,
};

use serde::Deserialize;
use std::time::Duration;

/// The publishers' base URLs. Mirrors, proxies and test servers stand in by overriding them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BaseUrls {
    pub nomis: String,
    /// EES content API (`{ees}/api/publications/…`, `{ees}/api/data-set-files`,
    /// `{ees}/api/releases/{release}/files/{file}`).
    pub ees: String,
    pub geography: String,
    /// EES public data API (data sets by id).
    pub ees_api: String,
    /// Raw files of the Explore Local Statistics data repository:
    /// `{ons}/{owner}/{repo}/{branch}/{path}`.
    pub ons: String,
    /// The GitHub REST API, for the ELS repository's file tree
    /// (`{github_api}/repos/{owner}/{repo}/git/trees/{branch}?recursive=1`).
    pub github_api: String,
}

impl Default for BaseUrls {
    fn default() -> Self {
        BaseUrls {
            nomis: "https://www.nomisweb.co.uk".into(),
            ees: "https://content.explore-education-statistics.service.gov.uk".into(),
            geography: "https://geoportal.statistics.gov.uk".into(),
            ees_api: "https://api.education.gov.uk/statistics".into(),
            // ONS publishes the Explore Local Statistics series in a public GitHub repository
            // (see `discover::ELS_REPOSITORY`); raw.githubusercontent.com serves ETag and
            // answers If-None-Match.
            ons: "https://raw.githubusercontent.com".into(),
            github_api: "https://api.github.com".into(),
        }
    }
}

/// HTTP settings for a refresh: the `[fetch]` table of the lmi config file, then environment.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    pub base_urls: BaseUrls,
    /// Nomis API key (`uid`), raising the 25,000-cell page limit. Never logged or recorded.
    pub nomis_uid: Option<String>,
    pub connect_timeout_ms: u64,
    /// Longest wait for the next bytes of a response.
    pub read_timeout_ms: u64,
    /// Attempts per request, including the first.
    pub max_attempts: u32,
    /// First retry delay; doubles on each attempt, with jitter, up to `max_backoff_ms`.
    pub initial_backoff_ms: u64,
    pub max_backoff_ms: u64,
    /// Longest `Retry-After` honoured; a server asking for more gets this.
    pub max_retry_after_ms: u64,
    /// Requests in flight at once, over all sources.
    pub max_concurrent_requests: usize,
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            base_urls: BaseUrls::default(),
            nomis_uid: None,
            connect_timeout_ms: 10_000,
            read_timeout_ms: 60_000,
            max_attempts: 5,
            initial_backoff_ms: 1_000,
            max_backoff_ms: 60_000,
            max_retry_after_ms: 300_000,
            max_concurrent_requests: 4,
            user_agent: format!(
                "lmi/{} (labour market intelligence refresh; +https://github.com/lmi-project/lmi)",
                env!("CARGO_PKG_VERSION")
            ),
        }
    }
}

/// Fetch settings that cannot work (exit code 2 territory).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("base URL for {name} must be an http:// or https:// URL, found `{found}`")]
    BaseUrl { name: &'static str, found: String },
    #[error("max_attempts and max_concurrent_requests must be at least 1")]
    Limits,
    #[error("building the HTTP client: {0}")]
    Client(String),
}

/// Environment variables that override the config file.
pub const ENV_NOMIS_BASE_URL: &str = "LMI_NOMIS_BASE_URL";
pub const ENV_EES_BASE_URL: &str = "LMI_EES_BASE_URL";
pub const ENV_GEOGRAPHY_BASE_URL: &str = "LMI_GEOGRAPHY_BASE_URL";
pub const ENV_EES_API_BASE_URL: &str = "LMI_EES_API_BASE_URL";
pub const ENV_ONS_BASE_URL: &str = "LMI_ONS_BASE_URL";
pub const ENV_GITHUB_API_BASE_URL: &str = "LMI_GITHUB_API_BASE_URL";
pub const ENV_NOMIS_UID: &str = "LMI_NOMIS_UID";

impl FetchConfig {
    /// Applies `LMI_NOMIS_BASE_URL`, `LMI_EES_BASE_URL`, `LMI_EES_API_BASE_URL`,
    /// `LMI_GEOGRAPHY_BASE_URL`, `LMI_ONS_BASE_URL`, `LMI_GITHUB_API_BASE_URL` and
    /// `LMI_NOMIS_UID` from `lookup` (normally `std::env::var`). Empty values are ignored.
    pub fn apply_env(
        &mut self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<(), ConfigError> {
        let get = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
        for (key, slot) in [
            (ENV_NOMIS_BASE_URL, &mut self.base_urls.nomis),
            (ENV_EES_BASE_URL, &mut self.base_urls.ees),
            (ENV_GEOGRAPHY_BASE_URL, &mut self.base_urls.geography),
            (ENV_EES_API_BASE_URL, &mut self.base_urls.ees_api),
            (ENV_ONS_BASE_URL, &mut self.base_urls.ons),
            (ENV_GITHUB_API_BASE_URL, &mut self.base_urls.github_api),
        ] {
            if let Some(v) = get(key) {
                *slot = v;
            }
        }
        if let Some(uid) = get(ENV_NOMIS_UID) {
            self.nomis_uid = Some(uid);
        }
        self.check()
    }

    /// Rejects settings that cannot work (bad configuration, exit code 2).
    pub fn check(&self) -> Result<(), ConfigError> {
        for (name, url) in [
            ("nomis", &self.base_urls.nomis),
            ("ees", &self.base_urls.ees),
            ("geography", &self.base_urls.geography),
            ("ees_api", &self.base_urls.ees_api),
            ("ons", &self.base_urls.ons),
            ("github_api", &self.base_urls.github_api),
        ] {
            match url::Url::parse(url) {
                Ok(u) if matches!(u.scheme(), "http" | "https") && u.has_host() => {}
                _ => {
                    return Err(ConfigError::BaseUrl {
                        name,
                        found: url.clone(),
                    });
                }
            }
        }
        if self.max_attempts == 0 || self.max_concurrent_requests == 0 {
            return Err(ConfigError::Limits);
        }
        Ok(())
    }

    pub fn connect_timeout(&self) -> Duration {
        Duration::from_millis(self.connect_timeout_ms)
    }

    pub fn read_timeout(&self) -> Duration {
        Duration::from_millis(self.read_timeout_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn environment_overrides_base_urls_and_bad_urls_are_refused() {
        let mut cfg = FetchConfig::default();
        cfg.apply_env(|k| (k == ENV_NOMIS_BASE_URL).then(|| "http://127.0.0.1:9/m".to_owned()))
            .unwrap();
        assert_eq!(cfg.base_urls.nomis, "http://127.0.0.1:9/m");
        let err = cfg
            .apply_env(|k| (k == ENV_EES_BASE_URL).then(|| "ftp://x".to_owned()))
            .unwrap_err();
        assert_eq!(
            err,
            ConfigError::BaseUrl {
                name: "ees",
                found: "ftp://x".into()
            }
        );
        let err = FetchConfig::default()
            .apply_env(|k| (k == ENV_GITHUB_API_BASE_URL).then(|| "http//nohost".to_owned()))
            .unwrap_err();
        assert!(err.to_string().contains("github_api"), "{err}");
    }
}
