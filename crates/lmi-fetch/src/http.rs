//! One HTTP GET done the way an unattended job needs: bounded concurrency, connect and read
//! timeouts, retries with exponential backoff and jitter on connection errors, 5xx and 429
//! (honouring `Retry-After`), conditional requests (`If-None-Match`, `If-Modified-Since`), gzip,
//! and a check that a 200 body is not an HTML or error page.

use crate::FetchConfig;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Semaphore;

/// Why a fetch failed. Every variant names the URL (never with the Nomis key).
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("{url}: {message} (gave up after {attempts} attempt(s))")]
    Transport {
        url: String,
        message: String,
        attempts: u32,
    },
    #[error("{url}: HTTP {status}{detail} (after {attempts} attempt(s))")]
    Status {
        url: String,
        status: u16,
        detail: String,
        attempts: u32,
    },
    #[error("{url}: expected {expected}, found {found}")]
    Unexpected {
        url: String,
        expected: &'static str,
        found: String,
    },
    #[error("{url}: {message}")]
    Paging { url: String, message: String },
    #[error("{url}: expected {expected}, found: {message}")]
    BadJson {
        url: String,
        expected: String,
        message: String,
    },
    /// The publisher answered, but what the catalogue names is not there (a release, a data
    /// set, an indicator): the message says what was asked for and what was found.
    #[error("{publisher}: {message} (asked {url})")]
    Discovery {
        publisher: &'static str,
        url: String,
        message: String,
    },
}

/// What a response body must be.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// A CSV file: HTML, XML and JSON bodies are error pages.
    Csv,
    /// A JSON document: HTML is an error page.
    Json,
    /// A web page (HTML): anything goes.
    Page,
}

/// Validators of the copy we hold, sent so an unchanged source answers 304.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// A response body and what the server said about it.
#[derive(Debug, Clone)]
pub struct Body {
    pub bytes: Vec<u8>,
    pub validators: Validators,
    /// Attempts it took (1 = no retry).
    pub attempts: u32,
}

/// The head of a response, without its body.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub status: u16,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub content_type: Option<String>,
    /// `Content-Length`, when the server sent one (not for compressed or chunked bodies).
    pub content_length: Option<u64>,
}

#[derive(Debug, Clone)]
pub enum Response {
    NotModified { attempts: u32 },
    Body(Body),
}

/// Reports bytes as they arrive (for progress bars).
pub trait OnBytes: Send + Sync {
    fn bytes(&self, n: u64);
    fn retry(&self, attempt: u32, reason: &str);
}

/// No progress reporting.
#[derive(Debug)]
pub struct Quiet;

impl OnBytes for Quiet {
    fn bytes(&self, _: u64) {}
    fn retry(&self, _: u32, _: &str) {}
}

#[derive(Debug, Clone)]
pub struct HttpClient {
    client: reqwest::Client,
    config: Arc<FetchConfig>,
    permits: Arc<Semaphore>,
}

enum Attempt {
    Done(Response),
    Retry {
        reason: String,
        wait: Option<Duration>,
        /// The HTTP status, when the server answered.
        status: Option<u16>,
    },
    Fail(FetchError),
}

impl HttpClient {
    pub fn new(config: FetchConfig) -> Result<HttpClient, crate::ConfigError> {
        let client = reqwest::Client::builder()
            .user_agent(config.user_agent.clone())
            .connect_timeout(config.connect_timeout)
            .read_timeout(config.read_timeout)
            .gzip(true)
            .build()
            .map_err(|e| crate::ConfigError::Client(e.to_string()))?;
        Ok(HttpClient {
            client,
            permits: Arc::new(Semaphore::new(config.max_concurrent_requests.get())),
            config: Arc::new(config),
        })
    }

    pub fn config(&self) -> &FetchConfig {
        &self.config
    }

    /// GETs a CSV at `url`; `shown` is the URL to name in errors (without secrets).
    pub async fn get(
        &self,
        url: &str,
        shown: &str,
        validators: Option<&Validators>,
        on: &dyn OnBytes,
    ) -> Result<Response, FetchError> {
        self.get_expecting(url, shown, validators, Expect::Csv, on)
            .await
    }

    /// GETs a JSON document (a publisher's listing) and deserialises it; `expected` says what
    /// it should be, for the error when it is not.
    pub async fn get_json<T: serde::de::DeserializeOwned>(
        &self,
        url: &str,
        expected: &str,
        on: &dyn OnBytes,
    ) -> Result<T, FetchError> {
        let body = match self.get_expecting(url, url, None, Expect::Json, on).await? {
            Response::Body(b) => b.bytes,
            Response::NotModified { .. } => Vec::new(),
        };
        serde_json::from_slice(&body).map_err(|e| FetchError::BadJson {
            url: url.to_owned(),
            expected: expected.to_owned(),
            message: format!("{e}; the body starts {}", snippet(&body)),
        })
    }

    /// GETs a web page (a publisher's dataset page, to find its current file link) as text.
    pub async fn get_page(&self, url: &str, on: &dyn OnBytes) -> Result<String, FetchError> {
        let body = match self.get_expecting(url, url, None, Expect::Page, on).await? {
            Response::Body(b) => b.bytes,
            Response::NotModified { .. } => Vec::new(),
        };
        Ok(String::from_utf8_lossy(&body).into_owned())
    }

    /// Asks for `url` and reads only the response head (status, validators, length), then drops
    /// the connection: what `lmi sources check` reports without downloading the data. Retried
    /// like a GET.
    pub async fn probe(&self, url: &str, shown: &str) -> Result<Probe, FetchError> {
        let max = self.config.max_attempts.get();
        let mut attempt = 1;
        loop {
            let sent = {
                let _permit = self.permits.acquire().await.ok();
                self.client.get(url).send().await
            };
            let retry = match sent {
                Ok(r) if r.status().is_success() => {
                    let header = |name| header_text(r.headers(), name);
                    return Ok(Probe {
                        status: r.status().as_u16(),
                        etag: header(reqwest::header::ETAG),
                        last_modified: header(reqwest::header::LAST_MODIFIED),
                        content_type: header(reqwest::header::CONTENT_TYPE),
                        content_length: r.content_length(),
                    });
                }
                Ok(r)
                    if r.status() == reqwest::StatusCode::TOO_MANY_REQUESTS
                        || r.status().is_server_error() =>
                {
                    (
                        format!("HTTP {}", r.status().as_u16()),
                        Some(r.status().as_u16()),
                    )
                }
                Ok(r) => {
                    let status = r.status().as_u16();
                    let text = r.text().await.unwrap_or_default();
                    return Err(FetchError::Status {
                        url: shown.to_owned(),
                        status,
                        detail: format!(": {}", snippet(text.as_bytes())),
                        attempts: attempt,
                    });
                }
                Err(e) => (describe(&e), None),
            };
            if attempt >= max {
                return Err(gave_up(shown, retry.0, retry.1, attempt));
            }
            tokio::time::sleep(self.backoff(attempt)).await;
            attempt += 1;
        }
    }

    /// GETs `url` expecting a body of the given kind.
    pub async fn get_expecting(
        &self,
        url: &str,
        shown: &str,
        validators: Option<&Validators>,
        expect: Expect,
        on: &dyn OnBytes,
    ) -> Result<Response, FetchError> {
        let max = self.config.max_attempts.get();
        let mut attempt = 1;
        loop {
            let outcome = {
                // The semaphore is never closed, so acquiring cannot fail.
                let _permit = self.permits.acquire().await.ok();
                self.try_once(url, shown, validators, expect, attempt, on)
                    .await
            };
            match outcome {
                Attempt::Done(r) => return Ok(r),
                Attempt::Fail(e) => return Err(e),
                Attempt::Retry { reason, status, .. } if attempt >= max => {
                    return Err(gave_up(shown, reason, status, attempt));
                }
                Attempt::Retry { reason, wait, .. } => {
                    let wait = wait.unwrap_or_else(|| self.backoff(attempt));
                    tracing::warn!(url = %shown, attempt, wait_ms = wait.as_millis() as u64, "retrying: {reason}");
                    on.retry(attempt, &reason);
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                }
            }
        }
    }

    /// Exponential backoff with "equal jitter": half fixed, half random, so synchronised
    /// clients spread out.
    fn backoff(&self, attempt: u32) -> Duration {
        let c = &self.config;
        let exp = c
            .initial_backoff
            .saturating_mul(1u32 << (attempt - 1).min(20))
            .min(c.max_backoff);
        let half = exp.as_millis() as u64 / 2;
        Duration::from_millis(half + fastrand::u64(0..=half))
    }

    async fn try_once(
        &self,
        url: &str,
        shown: &str,
        validators: Option<&Validators>,
        expect: Expect,
        attempt: u32,
        on: &dyn OnBytes,
    ) -> Attempt {
        let mut request = self.client.get(url);
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header(reqwest::header::IF_NONE_MATCH, etag);
            }
            if let Some(lm) = &v.last_modified {
                request = request.header(reqwest::header::IF_MODIFIED_SINCE, lm);
            }
        }
        let mut response = match request.send().await {
            Ok(r) => r,
            Err(e) => {
                return Attempt::Retry {
                    reason: describe(&e),
                    wait: None,
                    status: None,
                };
            }
        };
        let status = response.status();
        if status == reqwest::StatusCode::NOT_MODIFIED {
            return Attempt::Done(Response::NotModified { attempts: attempt });
        }
        if status == reqwest::StatusCode::TOO_MANY_REQUESTS || status.is_server_error() {
            let wait = retry_after(response.headers()).map(|d| d.min(self.config.max_retry_after));
            let after = wait.map_or(String::new(), |w| {
                format!(" (Retry-After {} ms honoured)", w.as_millis())
            });
            return Attempt::Retry {
                reason: format!("HTTP {}{after}", status.as_u16()),
                wait,
                status: Some(status.as_u16()),
            };
        }
        if !status.is_success() {
            let text = response.text().await.unwrap_or_default();
            return Attempt::Fail(FetchError::Status {
                url: shown.to_owned(),
                status: status.as_u16(),
                detail: format!(": {}", snippet(text.as_bytes())),
                attempts: attempt,
            });
        }
        let header = |name| header_text(response.headers(), name);
        let validators = Validators {
            etag: header(reqwest::header::ETAG),
            last_modified: header(reqwest::header::LAST_MODIFIED),
        };
        let content_type = header(reqwest::header::CONTENT_TYPE).unwrap_or_default();
        let mut bytes = Vec::new();
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    on.bytes(chunk.len() as u64);
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => break,
                // A body cut short (connection dropped, Content-Length not reached) or stalled
                // past the read timeout: the copy is unusable, try again.
                Err(e) => {
                    return Attempt::Retry {
                        reason: format!(
                            "response body truncated after {} bytes: {}",
                            bytes.len(),
                            describe(&e)
                        ),
                        wait: None,
                        status: None,
                    };
                }
            }
        }
        let refused = match expect {
            Expect::Csv => not_csv(&content_type, &bytes),
            Expect::Json => not_json(&content_type, &bytes),
            Expect::Page => None,
        };
        if let Some(found) = refused {
            return Attempt::Fail(FetchError::Unexpected {
                url: shown.to_owned(),
                expected: match expect {
                    Expect::Csv => "CSV",
                    Expect::Json => "JSON",
                    Expect::Page => "a web page",
                },
                found,
            });
        }
        Attempt::Done(Response::Body(Body {
            bytes,
            validators,
            attempts: attempt,
        }))
    }
}

/// A response header as text, when present and printable.
fn header_text(
    headers: &reqwest::header::HeaderMap,
    name: reqwest::header::HeaderName,
) -> Option<String> {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// The error after the last retry: the server's status when it answered, else the transport
/// failure.
fn gave_up(shown: &str, reason: String, status: Option<u16>, attempts: u32) -> FetchError {
    match status {
        Some(status) => FetchError::Status {
            url: shown.to_owned(),
            status,
            detail: String::new(),
            attempts,
        },
        None => FetchError::Transport {
            url: shown.to_owned(),
            message: reason,
            attempts,
        },
    }
}

/// A reqwest error in words, with its causes, without the URL (callers name it once).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_body() || e.is_decode() {
        "reading the body failed"
    } else {
        "request failed"
    };
    let mut message = kind.to_owned();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        message.push_str(": ");
        message.push_str(&s.to_string());
        source = s.source();
    }
    message
}

/// `Retry-After` as seconds or an HTTP date.
fn retry_after(headers: &reqwest::header::HeaderMap) -> Option<Duration> {
    let v = headers
        .get(reqwest::header::RETRY_AFTER)?
        .to_str()
        .ok()?
        .trim();
    if let Ok(secs) = v.parse::<u64>() {
        return Some(Duration::from_secs(secs));
    }
    let when = httpdate::parse_http_date(v).ok()?;
    Some(
        when.duration_since(std::time::SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

/// Publishers answer some failures with status 200 and an HTML or JSON/XML error page.
fn not_csv(content_type: &str, bytes: &[u8]) -> Option<String> {
    let start: Vec<u8> = bytes
        .iter()
        .copied()
        .skip_while(u8::is_ascii_whitespace)
        .take(64)
        .collect();
    let lower = String::from_utf8_lossy(&start).to_ascii_lowercase();
    let ct = content_type.to_ascii_lowercase();
    let html = ct.starts_with("text/html")
        || lower.starts_with("<!doctype html")
        || lower.starts_with("<html");
    let markup = lower.starts_with("<?xml") || lower.starts_with('{') || lower.starts_with('[');
    (html || markup).then(|| {
        format!(
            "{} (Content-Type `{content_type}`): {}",
            if html {
                "an HTML page"
            } else {
                "an error document"
            },
            snippet(bytes)
        )
    })
}

/// An HTML page where a JSON listing was expected (a portal's error or maintenance page).
fn not_json(content_type: &str, bytes: &[u8]) -> Option<String> {
    let start = String::from_utf8_lossy(&bytes[..bytes.len().min(64)]).to_ascii_lowercase();
    let start = start.trim_start();
    let html = content_type.to_ascii_lowercase().starts_with("text/html")
        || start.starts_with("<!doctype html")
        || start.starts_with("<html");
    html.then(|| {
        format!(
            "an HTML page (Content-Type `{content_type}`): {}",
            snippet(bytes)
        )
    })
}

/// The first characters of a body, on one line, for error messages.
fn snippet(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(120)]);
    let one_line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    format!("`{one_line}`")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_and_error_documents_are_not_csv_but_a_csv_is() {
        assert!(not_csv("text/csv", b"DATE,DATE_NAME\n2021,2021\n").is_none());
        let html = not_csv(
            "text/csv",
            b"\n<!DOCTYPE html><html><title>Service unavailable</title>",
        )
        .unwrap();
        assert!(
            html.contains("an HTML page") && html.contains("Service unavailable"),
            "{html}"
        );
        assert!(not_csv("text/html; charset=utf-8", b"x").is_some());
        assert!(not_csv("application/json", b"{\"error\":\"bad geography\"}").is_some());
    }

    #[test]
    fn retry_after_reads_seconds_and_dates() {
        let mut h = reqwest::header::HeaderMap::new();
        h.insert(reqwest::header::RETRY_AFTER, "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert(
            reqwest::header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(
            retry_after(&h),
            Some(Duration::ZERO),
            "a date in the past means now"
        );
        h.insert(reqwest::header::RETRY_AFTER, "soon".parse().unwrap());
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn backoff_grows_exponentially_within_its_jitter_band_and_is_capped() {
        let client = HttpClient::new(FetchConfig {
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(1),
            ..FetchConfig::default()
        })
        .unwrap();
        for _ in 0..50 {
            let first = client.backoff(1).as_millis();
            assert!((50..=100).contains(&first), "{first}");
            let third = client.backoff(3).as_millis();
            assert!((200..=400).contains(&third), "{third}");
            let late = client.backoff(30).as_millis();
            assert!((500..=1_000).contains(&late), "{late}");
        }
    }
}
