//! Server settings: CORS, timeouts, limits, caching and the admin token, with their defaults
//! (the one place they are written). Loaded by the binary as part of its settings (`[api]`).

use lmi_core::Secret;
use serde::{Deserialize, Serialize};
use serde_with::{DurationMilliSeconds, serde_as};
use std::time::Duration;

/// Which origins may call the API from a browser. Written as `*`, a comma-separated list, or
/// an empty string for none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "String", into = "String")]
pub enum CorsOrigins {
    /// No CORS headers: browsers on other origins cannot read responses.
    #[default]
    None,
    /// Any origin (`*`): the data is public.
    Any,
    /// Exactly these origins, e.g. `https://dashboards.example.org`.
    List(Vec<String>),
}

impl CorsOrigins {
    /// Parses `*`, an empty string, or a comma-separated list of origins.
    pub fn parse(s: &str) -> CorsOrigins {
        let s = s.trim();
        if s == "*" {
            CorsOrigins::Any
        } else if s.is_empty() {
            CorsOrigins::None
        } else {
            CorsOrigins::List(
                s.split(',')
                    .map(|o| o.trim().to_owned())
                    .filter(|o| !o.is_empty())
                    .collect(),
            )
        }
    }
}

impl From<String> for CorsOrigins {
    fn from(s: String) -> CorsOrigins {
        CorsOrigins::parse(&s)
    }
}

impl From<CorsOrigins> for String {
    fn from(c: CorsOrigins) -> String {
        match c {
            CorsOrigins::None => String::new(),
            CorsOrigins::Any => "*".into(),
            CorsOrigins::List(list) => list.join(","),
        }
    }
}

/// Proxies whose `X-Forwarded-For` is believed when telling clients apart for rate limiting:
/// addresses or CIDR blocks, written comma-separated (`10.0.0.0/8, 192.0.2.1`); empty for none.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TrustedProxies(Vec<ipnet::IpNet>);

impl TrustedProxies {
    /// Parses a comma-separated list of addresses and CIDR blocks; an entry that is neither is
    /// an error naming it.
    pub fn parse(s: &str) -> Result<TrustedProxies, String> {
        s.split(',')
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| {
                e.parse::<ipnet::IpNet>()
                    .or_else(|_| e.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        format!("`{e}` is not an IP address or CIDR block (e.g. 10.0.0.0/8)")
                    })
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(&ip))
    }
}

impl TryFrom<String> for TrustedProxies {
    type Error = String;
    fn try_from(s: String) -> Result<TrustedProxies, String> {
        TrustedProxies::parse(&s)
    }
}

impl From<TrustedProxies> for String {
    fn from(t: TrustedProxies) -> String {
        t.0.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }
}

#[serde_as]
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ApiConfig {
    #[serde(rename = "cors_origins")]
    pub cors: CorsOrigins,
    /// A request still running after this long is answered `503` (problem+json). The admin
    /// reload, which answers when a snapshot has loaded, has a limit of its own (10 minutes).
    #[serde(rename = "request_timeout_ms")]
    #[serde_as(as = "DurationMilliSeconds<u64>")]
    pub request_timeout: Duration,
    /// Request bodies larger than this are refused with `413`.
    pub body_limit: usize,
    /// `Cache-Control: max-age` for data responses, in seconds.
    pub cache_max_age: u32,
    /// Bearer token for `/v1/admin/*`; the admin endpoints are disabled without one.
    pub admin_token: Option<Secret<String>>,
    /// Requests a second each client may make, sustained; past it (and the burst), `429` with
    /// `Retry-After`. `0` turns rate limiting off. Health checks and metrics are not limited.
    pub rate_limit_per_second: u32,
    /// Requests a client may make at once above the steady rate (a dashboard loading its charts).
    pub rate_limit_burst: u32,
    /// Reverse proxies / load balancers whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
}

impl Default for ApiConfig {
    fn default() -> Self {
        ApiConfig {
            cors: CorsOrigins::None,
            request_timeout: Duration::from_secs(10),
            body_limit: 16 * 1024,
            cache_max_age: 60,
            admin_token: None,
            // Generous: a college network behind one NAT address is many advisers and students.
            rate_limit_per_second: 100,
            rate_limit_burst: 400,
            trusted_proxies: TrustedProxies::default(),
        }
    }
}
