//! A local HTTP server standing in for the publishers in hermetic tests, serving the real files
//! from `LMI_REAL_DATA`:
//!
//! - Nomis: `/nomis/api/v01/dataset/NM_2084_1.data.csv` is the Census 2021 TS067 LAD table
//!   (`census/census2021_ts067_lad22.csv`) laid out as Nomis API CSV, one cell per row, with
//!   `RECORD_OFFSET`/`RECORD_COUNT`, honouring `RecordOffset` with a page limit (25,000 cells as
//!   Nomis, or smaller to force several pages) and `uid` (no limit).
//! - EES: `/ees/api/releases/{release}/files/{file}` serves `dfe/ks4_destinations_lad.csv.gz`,
//!   gzip-encoded when the client accepts it.
//!
//! Every response has a strong ETag and a Last-Modified; a matching `If-None-Match` gets 304.
//! Faults (status codes, delays, truncated bodies, HTML, empty files, renamed columns, a missing
//! page) are injected per target for a number of requests. Every request is logged.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub const NOMIS_DATASET_PATH: &str = "/nomis/api/v01/dataset/NM_2084_1.data.csv";
pub const LAST_MODIFIED: &str = "Wed, 29 Mar 2023 09:30:00 GMT";

const TS067_CATEGORIES: [&str; 8] = [
    "Total: All usual residents aged 16 years and over",
    "No qualifications",
    "Level 1 and entry level qualifications",
    "Level 2 qualifications",
    "Apprenticeship",
    "Level 3 qualifications",
    "Level 4 qualifications and above",
    "Other qualifications",
];

/// Which publisher a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Nomis,
    Ees,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FaultKind {
    Status(u16),
    /// 429 with `Retry-After: <secs>`.
    TooManyRequests {
        retry_after_secs: u64,
    },
    /// Wait this long before answering.
    Delay(Duration),
    /// Announce the full length, send half, drop the connection.
    Truncate,
    /// 200 with an HTML page.
    Html,
    /// 200 with an empty body.
    Empty,
    /// Rename a header column.
    RenameColumn {
        from: String,
        to: String,
    },
    /// Nomis: answer the request for this `RecordOffset` with the following page.
    SkipPage {
        offset: u64,
    },
    /// Serve only the first `keep` data rows (a release that shrank).
    KeepRows {
        keep: usize,
    },
    /// Replace an area code everywhere in the body.
    ReplaceCode {
        from: String,
        to: String,
    },
}

#[derive(Debug, Clone)]
pub struct Fault {
    pub target: Target,
    pub kind: FaultKind,
    /// Requests it still applies to.
    pub times: u32,
}

/// One request as the server saw it.
#[derive(Debug, Clone)]
pub struct Logged {
    pub path: String,
    pub query: String,
    pub status: u16,
    /// Body bytes sent (as on the wire).
    pub bytes: u64,
    pub conditional: bool,
    pub user_agent: String,
}

struct Census {
    rows: Vec<(String, String, [u64; 8])>,
}

struct Inner {
    census: Census,
    ks4_gz: Vec<u8>,
    page_limit: Mutex<u64>,
    faults: Mutex<Vec<Fault>>,
    log: Mutex<Vec<Logged>>,
}

/// A running mock; the server stops when this is dropped.
pub struct MockPublishers {
    pub base: String,
    inner: Arc<Inner>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl std::fmt::Debug for MockPublishers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MockPublishers")
            .field("base", &self.base)
            .finish()
    }
}

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    if !bytes.starts_with(&[0x1f, 0x8b]) {
        return bytes.to_vec();
    }
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .expect("gunzip");
    out
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).expect("gzip");
    e.finish().expect("gzip")
}

fn read_census(path: &Path) -> Census {
    let mut reader = csv::Reader::from_path(path).expect("read census TS067 LAD file");
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("census record");
            let mut counts = [0u64; 8];
            for (i, c) in counts.iter_mut().enumerate() {
                *c = r[2 + i].parse().expect("count");
            }
            (r[0].to_owned(), r[1].to_owned(), counts)
        })
        .collect();
    Census { rows }
}

impl MockPublishers {
    /// Serves the real files under `real_data` with Nomis pages of at most `page_limit` cells.
    pub fn start(real_data: &Path, page_limit: u64) -> MockPublishers {
        let inner = Arc::new(Inner {
            census: read_census(&real_data.join("census/census2021_ts067_lad22.csv")),
            ks4_gz: std::fs::read(real_data.join("dfe/ks4_destinations_lad.csv.gz"))
                .expect("read dfe/ks4_destinations_lad.csv.gz"),
            page_limit: Mutex::new(page_limit),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
        });
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let state = inner.clone();
        let thread = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                let app = axum::Router::new().fallback(handle).with_state(state);
                let _ = axum::serve(listener, app)
                    .with_graceful_shutdown(async {
                        let _ = rx.await;
                    })
                    .await;
            });
        });
        MockPublishers {
            base,
            inner,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    pub fn nomis_base(&self) -> String {
        format!("{}/nomis", self.base)
    }

    pub fn ees_base(&self) -> String {
        format!("{}/ees", self.base)
    }

    pub fn inject(&self, target: Target, kind: FaultKind, times: u32) {
        self.inner.faults.lock().expect("lock").push(Fault {
            target,
            kind,
            times,
        });
    }

    pub fn clear_faults(&self) {
        self.inner.faults.lock().expect("lock").clear();
    }

    pub fn set_page_limit(&self, limit: u64) {
        *self.inner.page_limit.lock().expect("lock") = limit;
    }

    /// Requests so far.
    pub fn log(&self) -> Vec<Logged> {
        self.inner.log.lock().expect("lock").clone()
    }

    pub fn clear_log(&self) {
        self.inner.log.lock().expect("lock").clear();
    }

    /// Cells in the Nomis result (every LAD x category).
    pub fn nomis_cells(&self) -> u64 {
        self.inner.census.rows.len() as u64 * 8
    }
}

impl Drop for MockPublishers {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

fn query_map(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_ascii_lowercase(), v.replace("%2C", ","))
        })
        .collect()
}

/// `0...7` or `0,1,6`.
fn selection(s: &str) -> Option<Vec<usize>> {
    if let Some((a, b)) = s.split_once("...") {
        let (a, b): (usize, usize) = (a.parse().ok()?, b.parse().ok()?);
        return Some((a..=b).collect());
    }
    s.split(',').map(|v| v.parse().ok()).collect()
}

fn etag_of(bytes: &[u8]) -> String {
    format!("\"{}\"", &hex::encode(Sha256::digest(bytes))[..16])
}

impl Inner {
    fn take_faults(&self, target: Target, offset: Option<u64>) -> Vec<FaultKind> {
        let mut faults = self.faults.lock().expect("lock");
        let mut out = Vec::new();
        for f in faults.iter_mut() {
            let page_specific =
                matches!(f.kind, FaultKind::SkipPage { offset: o } if Some(o) != offset);
            if f.target == target && f.times > 0 && !page_specific {
                // Content faults apply to every page of a result; count them per request.
                f.times -= 1;
                out.push(f.kind.clone());
            }
        }
        out
    }

    /// The whole Nomis result as CSV rows (no header), in Nomis order.
    fn nomis_cells(&self, categories: &[usize]) -> Vec<Vec<String>> {
        let mut cells = Vec::new();
        for (g, (code, name, counts)) in self.census.rows.iter().enumerate() {
            for &c in categories {
                cells.push(vec![
                    "2021".into(),
                    "2021".into(),
                    "2021".into(),
                    "date".into(),
                    "0".into(),
                    "0".into(),
                    (645_922_817 + g).to_string(),
                    name.clone(),
                    code.clone(),
                    "2022 local authorities: districts".into(),
                    "154".into(),
                    g.to_string(),
                    c.to_string(),
                    TS067_CATEGORIES[c].to_owned(),
                    c.to_string(),
                    "Highest level of qualification".into(),
                    "0".into(),
                    c.to_string(),
                    "20100".into(),
                    "Value".into(),
                    counts[c].to_string(),
                    "A".into(),
                    "Normal Value".into(),
                    "F".into(),
                    "Free (free for publication)".into(),
                    format!("Nm-2084d1e{}d{c}d20100", 645_922_817 + g),
                ]);
            }
        }
        cells
    }
}

const NOMIS_HEADER: [&str; 28] = [
    "DATE",
    "DATE_NAME",
    "DATE_CODE",
    "DATE_TYPE",
    "DATE_TYPECODE",
    "DATE_SORTORDER",
    "GEOGRAPHY",
    "GEOGRAPHY_NAME",
    "GEOGRAPHY_CODE",
    "GEOGRAPHY_TYPE",
    "GEOGRAPHY_TYPECODE",
    "GEOGRAPHY_SORTORDER",
    "C2021_HIQUAL_8",
    "C2021_HIQUAL_8_NAME",
    "C2021_HIQUAL_8_CODE",
    "C2021_HIQUAL_8_TYPE",
    "C2021_HIQUAL_8_TYPECODE",
    "C2021_HIQUAL_8_SORTORDER",
    "MEASURES",
    "MEASURES_NAME",
    "OBS_VALUE",
    "OBS_STATUS",
    "OBS_STATUS_NAME",
    "OBS_CONF",
    "OBS_CONF_NAME",
    "URN",
    "RECORD_OFFSET",
    "RECORD_COUNT",
];

fn write_csv(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::NonNumeric)
        .from_writer(Vec::new());
    w.write_record(header).expect("csv");
    for r in rows {
        w.write_record(r).expect("csv");
    }
    w.into_inner().expect("csv")
}

fn plain(status: StatusCode, text: &str) -> Response {
    let mut r = Response::new(Body::from(text.to_owned()));
    *r.status_mut() = status;
    r
}

async fn handle(State(inner): State<Arc<Inner>>, req: Request) -> Response {
    let path = req.uri().path().to_owned();
    let query = req.uri().query().unwrap_or("").to_owned();
    let headers = req.headers().clone();
    let response = respond(&inner, &path, &query, &headers).await;
    let bytes = axum::body::HttpBody::size_hint(response.body())
        .exact()
        .unwrap_or(0);
    inner.log.lock().expect("lock").push(Logged {
        path,
        query,
        status: response.status().as_u16(),
        bytes,
        conditional: headers.contains_key(header::IF_NONE_MATCH)
            || headers.contains_key(header::IF_MODIFIED_SINCE),
        user_agent: headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
    });
    response
}

async fn respond(inner: &Inner, path: &str, query: &str, headers: &HeaderMap) -> Response {
    let q = query_map(query);
    let (target, offset) = if path == NOMIS_DATASET_PATH {
        let offset = q
            .get("recordoffset")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0u64);
        (Target::Nomis, Some(offset))
    } else if path.starts_with("/ees/api/releases/") && path.contains("/files/") {
        (Target::Ees, None)
    } else {
        return plain(StatusCode::NOT_FOUND, "no such resource");
    };
    let faults = inner.take_faults(target, offset);
    let mut truncate = false;
    for f in &faults {
        match f {
            FaultKind::Status(s) => {
                return plain(
                    StatusCode::from_u16(*s).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                    "Internal Server Error",
                );
            }
            FaultKind::TooManyRequests { retry_after_secs } => {
                let mut r = plain(StatusCode::TOO_MANY_REQUESTS, "slow down");
                r.headers_mut().insert(
                    header::RETRY_AFTER,
                    HeaderValue::from_str(&retry_after_secs.to_string()).expect("header"),
                );
                return r;
            }
            FaultKind::Delay(d) => tokio::time::sleep(*d).await,
            FaultKind::Html => {
                let mut r = plain(
                    StatusCode::OK,
                    "<!DOCTYPE html>\n<html><head><title>Service temporarily unavailable</title></head><body><h1>We are carrying out maintenance</h1></body></html>",
                );
                r.headers_mut().insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("text/html; charset=utf-8"),
                );
                return r;
            }
            FaultKind::Empty => {
                let mut r = plain(StatusCode::OK, "");
                r.headers_mut()
                    .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv"));
                return r;
            }
            FaultKind::Truncate => truncate = true,
            _ => {}
        }
    }

    // The content, with content faults applied; the ETag is of the whole (unpaged) content.
    let (body, etag) = match target {
        Target::Nomis => {
            if q.get("geography").map(String::as_str) != Some("TYPE154") {
                return plain(StatusCode::BAD_REQUEST, "geography not available");
            }
            let Some(categories) = q
                .get("c2021_hiqual_8")
                .and_then(|s| selection(s))
                .filter(|c| c.iter().all(|&i| i < 8))
            else {
                return plain(StatusCode::BAD_REQUEST, "bad c2021_hiqual_8 selection");
            };
            let mut header: Vec<String> = NOMIS_HEADER.iter().map(|s| (*s).to_owned()).collect();
            let mut cells = inner.nomis_cells(&categories);
            apply_row_faults(&faults, &mut header, &mut cells);
            let count = cells.len() as u64;
            let etag = etag_of(&write_csv(&header[..header.len() - 2], &cells));
            let limit = if q.contains_key("uid") {
                u64::MAX
            } else {
                *inner.page_limit.lock().expect("lock")
            };
            let mut start = offset.unwrap_or(0);
            if faults.contains(&FaultKind::SkipPage { offset: start }) {
                start += limit;
            }
            let page: Vec<Vec<String>> = cells
                .iter()
                .enumerate()
                .skip(start as usize)
                .take(limit.min(count) as usize)
                .map(|(i, c)| {
                    let mut c = c.clone();
                    c.push(i.to_string());
                    c.push(count.to_string());
                    c
                })
                .collect();
            (write_csv(&header, &page), etag)
        }
        Target::Ees => {
            let content_faults = faults.iter().any(|f| {
                matches!(
                    f,
                    FaultKind::RenameColumn { .. }
                        | FaultKind::KeepRows { .. }
                        | FaultKind::ReplaceCode { .. }
                )
            });
            let text = if content_faults {
                let mut reader =
                    csv::Reader::from_reader(std::io::Cursor::new(gunzip(&inner.ks4_gz)));
                let mut header: Vec<String> = reader
                    .headers()
                    .expect("header")
                    .iter()
                    .map(str::to_owned)
                    .collect();
                let mut rows: Vec<Vec<String>> = reader
                    .records()
                    .map(|r| r.expect("row").iter().map(str::to_owned).collect())
                    .collect();
                apply_row_faults(&faults, &mut header, &mut rows);
                gzip(&write_csv(&header, &rows))
            } else {
                inner.ks4_gz.clone()
            };
            let etag = etag_of(&text);
            (text, etag)
        }
    };

    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == etag));
    let mut r = if matches {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let gz_ok = headers
            .get(header::ACCEPT_ENCODING)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.contains("gzip"));
        let (bytes, encoded) = match target {
            Target::Ees if gz_ok => (body, true),
            Target::Ees => (gunzip(&body), false),
            Target::Nomis => (body, false),
        };
        let len = bytes.len();
        let mut r = if truncate {
            let half = bytes[..len / 2].to_vec();
            // Send half, let it reach the client, then fail the body: hyper drops the connection.
            let stream = futures_util::stream::unfold(Some(half), |state| async move {
                match state {
                    Some(half) => Some((Ok(half), None)),
                    None => {
                        tokio::time::sleep(Duration::from_millis(50)).await;
                        Some((
                            Err(std::io::Error::other("connection reset by test server")),
                            None,
                        ))
                    }
                }
            });
            let mut r = Response::new(Body::from_stream(stream));
            r.headers_mut()
                .insert(header::CONTENT_LENGTH, HeaderValue::from(len));
            r
        } else {
            Response::new(Body::from(bytes))
        };
        r.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        if encoded {
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        r
    };
    r.headers_mut().insert(
        header::ETAG,
        HeaderValue::from_str(&etag).expect("etag header"),
    );
    r.headers_mut().insert(
        header::LAST_MODIFIED,
        HeaderValue::from_static(LAST_MODIFIED),
    );
    r
}

fn apply_row_faults(faults: &[FaultKind], header: &mut [String], rows: &mut Vec<Vec<String>>) {
    for f in faults {
        match f {
            FaultKind::RenameColumn { from, to } => {
                for h in header.iter_mut().filter(|h| *h == from) {
                    *h = to.clone();
                }
            }
            FaultKind::KeepRows { keep } => rows.truncate(*keep),
            FaultKind::ReplaceCode { from, to } => {
                for cell in rows.iter_mut().flatten().filter(|c| *c == from) {
                    *cell = to.clone();
                }
            }
            _ => {}
        }
    }
}
