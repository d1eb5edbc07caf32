//! Fetching catalogued sources over HTTP: the `[source.fetch]` section of the catalogue, the
//! publishers' base URLs (overridable for mirrors and tests), and the URL each source is served at.
//!
//! The HTTP behaviour itself (timeouts, retries, conditional GET) is in [`http`]; Nomis paging in
//! [`crate::nomis`]; the raw cache in [`crate::cache`]; the orchestration in [`crate::live`].

pub mod http;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::time::Duration;

/// Which publisher API serves a source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FetchKind {
    /// Nomis API CSV (`{nomis}/api/v01/dataset/{dataset}.data.csv?{query}`), paged.
    Nomis,
    /// DfE Explore Education Statistics download: a release file or a public-API data set.
    Ees,
    /// ONS Open Geography Portal download (`{geography}/{path}`).
    Geography,
    /// ONS file download under the ONS base URL (`{ons}/{path}`), e.g. an Explore Local
    /// Statistics series CSV.
    Ons,
    /// Any other URL, used as is.
    Http,
}

/// How to fetch one source: the `[source.fetch]` table of a catalogue entry.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FetchDef {
    pub kind: FetchKind,
    /// Nomis dataset id (`NM_2084_1`) or EES public-API data-set id.
    #[serde(default)]
    pub dataset: Option<String>,
    /// EES release id (with `file`: `{ees}/api/releases/{release}/files/{file}`).
    #[serde(default)]
    pub release: Option<String>,
    /// EES file id within the release.
    #[serde(default)]
    pub file: Option<String>,
    /// Path under the publisher's base URL (`geography`), or the full URL (`http`).
    #[serde(default)]
    pub path: Option<String>,
    /// Human label of the release fetched (e.g. `Census 2021`, `2022/23 destinations`), recorded
    /// in the provenance.
    #[serde(default)]
    pub release_label: Option<String>,
    /// Query parameters. Nomis: `geography`, `date`, `measures` and dimension selections.
    #[serde(default)]
    pub query: BTreeMap<String, String>,
    /// Columns the served file must have (checked before parsing; a renamed column is named).
    #[serde(default)]
    pub required_columns: Vec<String>,
    /// Nomis: the columns whose values pick the measure id (joined with `:` when several).
    #[serde(default)]
    pub measure_from: Vec<String>,
    /// Nomis: value(s) of `measure_from` -> measure id in the observations table.
    #[serde(default)]
    pub measures: BTreeMap<String, String>,
    /// Nomis: the column holding the period label (default `DATE`).
    #[serde(default)]
    pub period_from: Option<String>,
    /// Nomis: how the period label is normalised (default: as published).
    #[serde(default)]
    pub period_format: PeriodFormat,
    /// Nomis: measures computed from two mapped measures after parsing (e.g. a ± in counts from
    /// a ± in percentage points and the denominator).
    #[serde(default)]
    pub derive: Vec<Derive>,
}

/// How a Nomis period label becomes the period lmi uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodFormat {
    /// The label as published (`2021` for the census).
    #[default]
    AsPublished,
    /// A 12-month period ending in December, Nomis date code `YYYY-12` (APS `Jan YYYY-Dec YYYY`)
    /// -> `YYYY`. Any other month is refused (the catalogue asks for December periods only).
    YearEndingDecember,
}

impl PeriodFormat {
    /// The normalised period, or None when the label is not of this format.
    pub fn normalise(self, label: &str) -> Option<String> {
        match self {
            PeriodFormat::AsPublished => Some(label.to_owned()),
            PeriodFormat::YearEndingDecember => {
                let year = label.strip_suffix("-12")?;
                (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| year.to_owned())
            }
        }
    }
}

/// `measure` = `from` x `times` x `factor`, per area and period, when both have a value. The
/// status is `from`'s. Both inputs stay in the observations.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derive {
    pub measure: String,
    pub from: String,
    pub times: String,
    pub factor: f64,
}

impl FetchDef {
    /// Checks that the fields the kind needs are there; the message names the source.
    pub fn check(&self, source_id: &str) -> Result<(), String> {
        let need = |field: &str, v: &Option<String>| match v {
            Some(s) if !s.trim().is_empty() => Ok(()),
            _ => Err(format!(
                "source `{source_id}`: fetch kind `{}` needs `{field}`",
                self.kind_name()
            )),
        };
        match self.kind {
            FetchKind::Nomis => {
                need("dataset", &self.dataset)?;
                if self.measure_from.is_empty() || self.measures.is_empty() {
                    return Err(format!(
                        "source `{source_id}`: fetch kind `nomis` needs `measure_from` and a `measures` mapping"
                    ));
                }
                if !self.query.contains_key("geography") {
                    return Err(format!(
                        "source `{source_id}`: a Nomis query needs `geography` (e.g. TYPE154 for 2022 districts)"
                    ));
                }
                Ok(())
            }
            FetchKind::Ees => match (&self.dataset, &self.release, &self.file) {
                (Some(_), None, None) | (None, Some(_), Some(_)) => Ok(()),
                _ => Err(format!(
                    "source `{source_id}`: fetch kind `ees` needs either `dataset` (a public-API data-set id) or both `release` and `file`"
                )),
            },
            FetchKind::Geography | FetchKind::Ons | FetchKind::Http => need("path", &self.path),
        }
    }

    pub fn kind_name(&self) -> &'static str {
        match self.kind {
            FetchKind::Nomis => "nomis",
            FetchKind::Ees => "ees",
            FetchKind::Geography => "geography",
            FetchKind::Ons => "ons",
            FetchKind::Http => "http",
        }
    }

    /// The URL of the source without paging or key parameters (what provenance records).
    pub fn url(&self, bases: &BaseUrls) -> String {
        let q = |query: &BTreeMap<String, String>| {
            if query.is_empty() {
                String::new()
            } else {
                let pairs: Vec<String> = query
                    .iter()
                    .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
                    .collect();
                format!("?{}", pairs.join("&"))
            }
        };
        let base = |b: &str| b.trim_end_matches('/').to_owned();
        let opt = |v: &Option<String>| v.clone().unwrap_or_default();
        match self.kind {
            FetchKind::Nomis => format!(
                "{}/api/v01/dataset/{}.data.csv{}",
                base(&bases.nomis),
                opt(&self.dataset),
                q(&self.query)
            ),
            FetchKind::Ees => match &self.dataset {
                Some(id) => format!(
                    "{}/v1/data-sets/{id}/csv{}",
                    base(&bases.ees_api),
                    q(&self.query)
                ),
                None => format!(
                    "{}/api/releases/{}/files/{}{}",
                    base(&bases.ees),
                    opt(&self.release),
                    opt(&self.file),
                    q(&self.query)
                ),
            },
            FetchKind::Geography => format!(
                "{}/{}{}",
                base(&bases.geography),
                opt(&self.path).trim_start_matches('/'),
                q(&self.query)
            ),
            FetchKind::Ons => format!(
                "{}/{}{}",
                base(&bases.ons),
                opt(&self.path).trim_start_matches('/'),
                q(&self.query)
            ),
            FetchKind::Http => format!("{}{}", opt(&self.path), q(&self.query)),
        }
    }
}

/// Percent-encodes a query component, keeping the characters Nomis selections use (`,` `.`).
fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The publishers' base URLs. Mirrors, proxies and test servers stand in by overriding them.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct BaseUrls {
    pub nomis: String,
    /// EES content API (release files).
    pub ees: String,
    pub geography: String,
    /// EES public data API (data sets by id).
    pub ees_api: String,
    /// ONS file downloads (Explore Local Statistics series: `{ons}/{name}/{name}.csv`).
    pub ons: String,
}

impl Default for BaseUrls {
    fn default() -> Self {
        BaseUrls {
            nomis: "https://www.nomisweb.co.uk".into(),
            ees: "https://content.explore-education-statistics.service.gov.uk".into(),
            geography: "https://geoportal.statistics.gov.uk".into(),
            ees_api: "https://api.education.gov.uk/statistics".into(),
            // The public repository ONS publishes the Explore Local Statistics series in, on its
            // `main` branch (raw.githubusercontent.com serves ETag and answers If-None-Match).
            ons: "https://raw.githubusercontent.com/ONSdigital/explore-local-statistics-data/main"
                .into(),
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

/// Environment variables that override the config file.
pub const ENV_NOMIS_BASE_URL: &str = "LMI_NOMIS_BASE_URL";
pub const ENV_EES_BASE_URL: &str = "LMI_EES_BASE_URL";
pub const ENV_GEOGRAPHY_BASE_URL: &str = "LMI_GEOGRAPHY_BASE_URL";
pub const ENV_EES_API_BASE_URL: &str = "LMI_EES_API_BASE_URL";
pub const ENV_ONS_BASE_URL: &str = "LMI_ONS_BASE_URL";
pub const ENV_NOMIS_UID: &str = "LMI_NOMIS_UID";

impl FetchConfig {
    /// Applies `LMI_NOMIS_BASE_URL`, `LMI_EES_BASE_URL`, `LMI_EES_API_BASE_URL`,
    /// `LMI_GEOGRAPHY_BASE_URL`, `LMI_ONS_BASE_URL` and
    /// `LMI_NOMIS_UID` from `lookup` (normally `std::env::var`). Empty values are ignored.
    pub fn apply_env(&mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<(), String> {
        let get = |k: &str| lookup(k).filter(|v| !v.trim().is_empty());
        for (key, slot) in [
            (ENV_NOMIS_BASE_URL, &mut self.base_urls.nomis),
            (ENV_EES_BASE_URL, &mut self.base_urls.ees),
            (ENV_GEOGRAPHY_BASE_URL, &mut self.base_urls.geography),
            (ENV_EES_API_BASE_URL, &mut self.base_urls.ees_api),
            (ENV_ONS_BASE_URL, &mut self.base_urls.ons),
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
    pub fn check(&self) -> Result<(), String> {
        for (name, url) in [
            ("nomis", &self.base_urls.nomis),
            ("ees", &self.base_urls.ees),
            ("geography", &self.base_urls.geography),
            ("ees_api", &self.base_urls.ees_api),
            ("ons", &self.base_urls.ons),
        ] {
            if !(url.starts_with("http://") || url.starts_with("https://")) {
                return Err(format!(
                    "base URL for {name} must start with http:// or https://, found `{url}`"
                ));
            }
        }
        if self.max_attempts == 0 || self.max_concurrent_requests == 0 {
            return Err("max_attempts and max_concurrent_requests must be at least 1".into());
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

    fn nomis_def() -> FetchDef {
        toml::from_str(
            r#"
kind = "nomis"
dataset = "NM_2084_1"
query = { geography = "TYPE154", date = "latest", measures = "20100", c2021_hiqual_8 = "0...7" }
measure_from = ["C2021_HIQUAL_8"]
measures = { "0" = "ts067_total" }
"#,
        )
        .unwrap()
    }

    #[test]
    fn a_nomis_url_carries_the_catalogue_query() {
        let url = nomis_def().url(&BaseUrls::default());
        assert_eq!(
            url,
            "https://www.nomisweb.co.uk/api/v01/dataset/NM_2084_1.data.csv?c2021_hiqual_8=0...7&date=latest&geography=TYPE154&measures=20100"
        );
    }

    #[test]
    fn environment_overrides_base_urls_and_bad_urls_are_refused() {
        let mut cfg = FetchConfig::default();
        cfg.apply_env(|k| (k == ENV_NOMIS_BASE_URL).then(|| "http://127.0.0.1:9/m".to_owned()))
            .unwrap();
        assert!(
            nomis_def()
                .url(&cfg.base_urls)
                .starts_with("http://127.0.0.1:9/m/api/v01/dataset/NM_2084_1.data.csv?")
        );
        let err = cfg
            .apply_env(|k| (k == ENV_EES_BASE_URL).then(|| "ftp://x".to_owned()))
            .unwrap_err();
        assert!(err.contains("ees") && err.contains("ftp://x"), "{err}");
    }

    #[test]
    fn an_ons_url_is_the_path_under_the_ons_base_and_aps_periods_normalise() {
        let def: FetchDef =
            toml::from_str("kind = \"ons\"\npath = \"claimant-count/claimant-count.csv\"\n")
                .unwrap();
        assert_eq!(
            def.url(&BaseUrls::default()),
            "https://raw.githubusercontent.com/ONSdigital/explore-local-statistics-data/main/claimant-count/claimant-count.csv"
        );
        let mut cfg = FetchConfig::default();
        cfg.apply_env(|k| (k == ENV_ONS_BASE_URL).then(|| "http://127.0.0.1:9/ons/".to_owned()))
            .unwrap();
        assert_eq!(
            def.url(&cfg.base_urls),
            "http://127.0.0.1:9/ons/claimant-count/claimant-count.csv"
        );
        let f = PeriodFormat::YearEndingDecember;
        assert_eq!(f.normalise("2021-12").as_deref(), Some("2021"));
        assert_eq!(f.normalise("2021-03"), None);
        assert_eq!(
            PeriodFormat::AsPublished.normalise("2021").as_deref(),
            Some("2021")
        );
    }

    #[test]
    fn a_fetch_section_missing_what_its_kind_needs_is_refused() {
        let mut def = nomis_def();
        def.query.remove("geography");
        assert!(def.check("s").unwrap_err().contains("geography"));
        let ees: FetchDef = toml::from_str("kind = \"ees\"\nrelease = \"r\"\n").unwrap();
        assert!(ees.check("k").unwrap_err().contains("`release` and `file`"));
    }
}
