//! The `[fetch]` settings of a refresh: the publishers' base URLs (overridable for mirrors and
//! tests), timeouts, retries and the request limit.

use lmi_core::Secret;
use serde::{Deserialize, Serialize};
use serde_with::{DurationMilliSeconds, serde_as};
use std::num::{NonZeroU32, NonZeroUsize};
use std::time::Duration;
use url::Url;

/// The publishers' base URLs. Mirrors, proxies and test servers stand in by overriding them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BaseUrls {
    pub nomis: Url,
    /// EES content API (`{ees}/api/publications/…`, `{ees}/api/data-set-files`,
    /// `{ees}/api/releases/{release}/files/{file}`).
    pub ees: Url,
    /// The ONS Open Geography Portal's feature services:
    /// `{geography}/{service}/FeatureServer/{layer}/query?…`.
    pub geography: Url,
    /// EES public data API (data sets by id).
    pub ees_api: Url,
    /// Raw files of the Explore Local Statistics data repository:
    /// `{ons}/{owner}/{repo}/{branch}/{path}`.
    pub ons: Url,
    /// The GitHub REST API, for the ELS repository's file tree
    /// (`{github_api}/repos/{owner}/{repo}/git/trees/{branch}?recursive=1`).
    pub github_api: Url,
    /// The ONS website: dataset pages (`{ons_website}{page}`) and their files
    /// (`{ons_website}/file?uri={page}/{edition}/{file}`).
    pub ons_website: Url,
}

impl Default for BaseUrls {
    fn default() -> Self {
        let url = |s: &str| Url::parse(s).expect("a valid default URL");
        BaseUrls {
            nomis: url("https://www.nomisweb.co.uk"),
            ees: url("https://content.explore-education-statistics.service.gov.uk"),
            // The portal's lookups are ArcGIS feature services of ONS's ArcGIS organisation
            // (../shared/PUBLISHERS.md "ONS geography"; DfE's dfeR `R/datasets_utils.R`
            // `get_ons_api_data`, dfe-analytical-services/dfeR @ c53f0674).
            geography: url("https://services1.arcgis.com/ESMARspQHYMw9BZ9/arcgis/rest/services"),
            ees_api: url("https://api.education.gov.uk/statistics"),
            // ONS publishes the Explore Local Statistics series in a public GitHub repository
            // (see `discover::ELS_REPOSITORY`); raw.githubusercontent.com serves ETag and
            // answers If-None-Match.
            ons: url("https://raw.githubusercontent.com"),
            github_api: url("https://api.github.com"),
            ons_website: url("https://www.ons.gov.uk"),
        }
    }
}

impl BaseUrls {
    /// Each base URL with its key under `[fetch.base_urls]`.
    pub fn named(&self) -> [(&'static str, &Url); 7] {
        [
            ("nomis", &self.nomis),
            ("ees", &self.ees),
            ("geography", &self.geography),
            ("ees_api", &self.ees_api),
            ("ons", &self.ons),
            ("github_api", &self.github_api),
            ("ons_website", &self.ons_website),
        ]
    }
}

/// HTTP settings for a refresh: the `[fetch]` table of the lmi settings. Durations keep their
/// `_ms` keys (integers, milliseconds).
#[serde_as]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct FetchConfig {
    pub base_urls: BaseUrls,
    /// Nomis API key (`uid`), raising the 25,000-cell page limit. Never logged or recorded.
    pub nomis_uid: Option<Secret<String>>,
    #[serde(rename = "connect_timeout_ms")]
    #[serde_as(as = "DurationMilliSeconds<u64>")]
    pub connect_timeout: Duration,
    /// Longest wait for the next bytes of a response.
    #[serde(rename = "read_timeout_ms")]
    #[serde_as(as = "DurationMilliSeconds<u64>")]
    pub read_timeout: Duration,
    /// Attempts per request, including the first.
    pub max_attempts: NonZeroU32,
    /// First retry delay; doubles on each attempt, with jitter, up to `max_backoff`.
    #[serde(rename = "initial_backoff_ms")]
    #[serde_as(as = "DurationMilliSeconds<u64>")]
    pub initial_backoff: Duration,
    #[serde(rename = "max_backoff_ms")]
    #[serde_as(as = "DurationMilliSeconds<u64>")]
    pub max_backoff: Duration,
    /// Longest `Retry-After` honoured; a server asking for more gets this.
    #[serde(rename = "max_retry_after_ms")]
    #[serde_as(as = "DurationMilliSeconds<u64>")]
    pub max_retry_after: Duration,
    /// Requests in flight at once, over all sources.
    pub max_concurrent_requests: NonZeroUsize,
    pub user_agent: String,
}

impl Default for FetchConfig {
    fn default() -> Self {
        FetchConfig {
            base_urls: BaseUrls::default(),
            nomis_uid: None,
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(60),
            max_attempts: NonZeroU32::new(5).expect("non-zero"),
            initial_backoff: Duration::from_secs(1),
            max_backoff: Duration::from_secs(60),
            max_retry_after: Duration::from_secs(300),
            max_concurrent_requests: NonZeroUsize::new(4).expect("non-zero"),
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
    #[error(
        "fetch.base_urls.{name}: must be an http:// or https:// URL with a host, found `{found}`"
    )]
    BaseUrl { name: &'static str, found: String },
    #[error("building the HTTP client: {0}")]
    Client(String),
}

impl FetchConfig {
    /// Rejects settings that cannot work (bad configuration, exit code 2): a base URL that is
    /// not http(s) with a host. Limits are non-zero by type.
    pub fn check(&self) -> Result<(), ConfigError> {
        for (name, url) in self.base_urls.named() {
            if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
                return Err(ConfigError::BaseUrl {
                    name,
                    found: url.to_string(),
                });
            }
        }
        Ok(())
    }
}
