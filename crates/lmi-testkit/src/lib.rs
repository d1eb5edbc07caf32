//! A local HTTP server standing in for the publishers in hermetic tests, serving the real files
//! from `LMI_REAL_DATA` for every source of the bundled catalogue:
//!
//! - Nomis (`/nomis/api/v01/dataset/…data.csv`), one cell per row in the Nomis API CSV layout,
//!   with `RECORD_OFFSET`/`RECORD_COUNT`, honouring `RecordOffset` with a page limit (25,000 cells
//!   as Nomis, or smaller to force several pages) and `uid` (no limit). Rows are built on the fly:
//!   - `NM_2084_1` with `geography=TYPE154`: Census 2021 TS067 by LAD
//!     (`census/census2021_ts067_lad22.csv`); with `geography=TYPE151`: by 2021 LSOA
//!     (`census/census2021_ts067_lsoa21.csv.gz`);
//!   - `NM_17_5` with `variable=290`: APS "% with NVQ4+ - aged 16-64" built from the tidied web
//!     extract `nomis/aps_qualifications_by_age_lad_2017_2021.csv.gz` (see [`aps_api_cells`] for
//!     how counts and ± become the API's numerator, denominator and confidence cells).
//! - EES: `/ees/api/releases/{release}/files/{file}` serves the DfE files (KS4 and 16-18
//!   destinations, FE achievements) for the release/file ids in the bundled catalogue,
//!   gzip-encoded when the client accepts it.
//! - ONS: `/ons/{name}/{name}.csv` serves the Explore Local Statistics series under `ons_els/`.
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
pub const NOMIS_APS_PATH: &str = "/nomis/api/v01/dataset/NM_17_5.data.csv";
pub const LAST_MODIFIED: &str = "Wed, 29 Mar 2023 09:30:00 GMT";

/// EES (release, file) ids of the bundled catalogue -> file under `LMI_REAL_DATA`.
pub const EES_FILES: [(&str, &str, &str); 3] = [
    (
        "key-stage-4-destination-measures-2022-23",
        "ks4-destination-measures-lad",
        "dfe/ks4_destinations_lad.csv.gz",
    ),
    (
        "16-18-destination-measures-2022-23",
        "16-18-destination-measures-lad",
        "dfe/ks5_16_18_destinations_lad.csv.gz",
    ),
    (
        "further-education-and-skills-2021-22",
        "fe-achievements-learner-home-lad",
        "dfe/fe_achievements_lad.csv.gz",
    ),
];

/// Explore Local Statistics series served at `/ons/{name}/{name}.csv`.
pub const ONS_SERIES: [&str; 5] = [
    "employment-rate",
    "claimant-count",
    "gross-median-weekly-pay",
    "qualifications-level-3-or-above",
    "apprenticeships",
];

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
    Ons,
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
    census_lad: Census,
    census_lsoa: Census,
    /// The APS result in Nomis API layout (without RECORD_OFFSET/RECORD_COUNT).
    aps: Vec<Vec<String>>,
    /// URL path -> gzipped file.
    files: HashMap<String, Vec<u8>>,
    /// A digest of the data served, the base of every ETag.
    fingerprint: String,
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

fn read(path: &Path) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// A TS067 file: `first_count` is the column of the total (then the seven categories).
fn read_census(path: &Path, first_count: usize) -> Census {
    let text = gunzip(&read(path));
    let mut reader = csv::Reader::from_reader(text.as_slice());
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("census record");
            let mut counts = [0u64; 8];
            for (i, c) in counts.iter_mut().enumerate() {
                *c = r[first_count + i].parse().expect("count");
            }
            (r[0].to_owned(), r[1].to_owned(), counts)
        })
        .collect();
    Census { rows }
}

/// One cell of the web extract: the estimate or its symbol, and the ± 95% or its symbol.
type ApsCell = (String, String);

/// An area-year of the web extract: (first line, area name, area type, cells T19:1-7).
type ApsGroup = (usize, String, String, [Option<ApsCell>; 7]);

/// The APS web extract (T19, all people aged 16-64, cells 1-7 by area and year) as the Nomis API
/// would serve NM_17_5 variable 290 "% with NVQ4+ - aged 16-64", measures 21001 (numerator),
/// 21002 (denominator), 21003 (confidence, ± percentage points).
///
/// Conversion, cell by cell and without inventing numbers:
/// - 21001 = the NVQ4+ count (T19:6); `!`/`~` (withheld) -> `Q` without a value, `-` -> `X`; a
///   count whose ± is `*` (unreliable) keeps its value with status `*`.
/// - 21002 = the sum of the seven T19 16-64 categories (the extract has no separate 16-64 total;
///   the API's denominator is all residents 16-64, the same population), `Q` when a category is
///   withheld, since the sum is then unknown.
/// - 21003 = 100 x ± count / denominator, rounded to 0.1 as Nomis publishes percentages; `Q`
///   when the ± or the denominator is not known.
pub fn aps_api_cells(extract_csv: &[u8]) -> Vec<Vec<String>> {
    use std::collections::BTreeMap;
    let mut reader = csv::Reader::from_reader(extract_csv);
    // (year, area code(s)) -> the area-year
    let mut groups: BTreeMap<(String, String), ApsGroup> = BTreeMap::new();
    for (line, r) in reader.records().enumerate() {
        let r = r.expect("APS record");
        let (date, area_type, name, codes, cell) = (&r[0], &r[1], &r[2], &r[3], &r[4]);
        if !["ladu", "country"].contains(&area_type) || codes.is_empty() {
            continue;
        }
        let Some(rest) = cell.strip_prefix("T19:") else {
            continue;
        };
        let Some((n, label)) = rest.split_once(' ') else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        if !(1..=7).contains(&n) || !label.contains("All people aged 16-64") {
            continue;
        }
        let year = date
            .strip_prefix("Jan ")
            .and_then(|d| d.split_once('-'))
            .map(|(y, _)| y.to_owned())
            .expect("Jan-Dec period");
        let g = groups.entry((year, codes.to_owned())).or_insert_with(|| {
            (
                line,
                name.to_owned(),
                area_type.to_owned(),
                Default::default(),
            )
        });
        g.3[n - 1] = Some((r[5].trim().to_owned(), r[7].trim().to_owned()));
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by_key(|(_, g)| g.0);
    let mut out = Vec::new();
    for ((year, codes), (_, name, area_type, cells)) in groups {
        let Some((nvq4, pm)) = cells[5].clone() else {
            continue;
        };
        let count = |s: &str| s.parse::<f64>().ok();
        let total: Option<f64> = cells
            .iter()
            .map(|c| c.as_ref().and_then(|(v, _)| count(v)))
            .sum();
        let (num_value, num_status) = match nvq4.as_str() {
            "!" | "~" => (String::new(), "Q"),
            "-" => (String::new(), "X"),
            v if pm == "*" => (v.to_owned(), "*"),
            v => (v.to_owned(), "A"),
        };
        let (den_value, den_status) = match total {
            Some(t) => (format!("{t}"), "A"),
            None => (String::new(), "Q"),
        };
        let (conf_value, conf_status) = match (count(&nvq4), count(&pm), total) {
            (Some(_), Some(pm), Some(t)) if t > 0.0 => {
                (format!("{:.1}", (1000.0 * pm / t).round() / 10.0), "A")
            }
            _ => (String::new(), "Q"),
        };
        let (type_name, type_code) = if area_type == "country" {
            ("countries", "499")
        } else {
            (
                "local authorities: district / unitary (as of April 2021)",
                "432",
            )
        };
        for code in codes.split(';').map(str::trim) {
            for (measure, measure_name, value, status) in [
                ("21001", "Numerator", &num_value, num_status),
                ("21002", "Denominator", &den_value, den_status),
                ("21003", "Confidence", &conf_value, conf_status),
            ] {
                out.push(vec![
                    format!("{year}-12"),
                    format!("Jan {year}-Dec {year}"),
                    format!("{year}-12"),
                    "date".into(),
                    "0".into(),
                    "0".into(),
                    "0".into(),
                    name.clone(),
                    code.to_owned(),
                    type_name.into(),
                    type_code.into(),
                    "0".into(),
                    "290".into(),
                    "% with NVQ4+ - aged 16-64".into(),
                    "290".into(),
                    "variable".into(),
                    "0".into(),
                    "0".into(),
                    measure.into(),
                    measure_name.into(),
                    value.clone(),
                    status.into(),
                    String::new(),
                    "F".into(),
                    "Free (free for publication)".into(),
                    format!("Nm-17d5e{code}d290d{measure}"),
                ]);
            }
        }
    }
    out
}

impl MockPublishers {
    /// Serves the real files under `real_data` with Nomis pages of at most `page_limit` cells.
    pub fn start(real_data: &Path, page_limit: u64) -> MockPublishers {
        let mut files = HashMap::new();
        for (release, file, local) in EES_FILES {
            files.insert(
                format!("/ees/api/releases/{release}/files/{file}"),
                read(&real_data.join(local)),
            );
        }
        for name in ONS_SERIES {
            files.insert(
                format!("/ons/{name}/{name}.csv"),
                read(&real_data.join(format!("ons_els/{name}.csv.gz"))),
            );
        }
        let aps_extract =
            read(&real_data.join("nomis/aps_qualifications_by_age_lad_2017_2021.csv.gz"));
        let census_lad = real_data.join("census/census2021_ts067_lad22.csv");
        let census_lsoa = real_data.join("census/census2021_ts067_lsoa21.csv.gz");
        let mut digest = Sha256::new();
        for bytes in files.values() {
            digest.update(Sha256::digest(bytes));
        }
        digest.update(&aps_extract);
        digest.update(read(&census_lad));
        digest.update(read(&census_lsoa));
        let inner = Arc::new(Inner {
            census_lad: read_census(&census_lad, 2),
            census_lsoa: read_census(&census_lsoa, 4),
            aps: aps_api_cells(&gunzip(&aps_extract)),
            files,
            fingerprint: hex::encode(digest.finalize()),
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

    pub fn ons_base(&self) -> String {
        format!("{}/ons", self.base)
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

    /// Cells in the Nomis census LAD result (every LAD x category).
    pub fn nomis_cells(&self) -> u64 {
        self.inner.census_lad.rows.len() as u64 * 8
    }

    /// Cells in the Nomis census LSOA result (every 2021 LSOA x category).
    pub fn nomis_lsoa_cells(&self) -> u64 {
        self.inner.census_lsoa.rows.len() as u64 * 8
    }

    /// Cells in the Nomis APS result (area x year x 3 measures).
    pub fn aps_cells(&self) -> u64 {
        self.inner.aps.len() as u64
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

    /// Cell `i` of a census result (areas x `categories`), without the paging columns.
    fn census_cell(census: &Census, lsoa: bool, categories: &[usize], i: usize) -> Vec<String> {
        let (g, c) = (i / categories.len(), categories[i % categories.len()]);
        let (code, name, counts) = &census.rows[g];
        let (type_name, type_code, base) = if lsoa {
            ("2021 super output areas - lower layer", "151", 931_135_489)
        } else {
            ("2022 local authorities: districts", "154", 645_922_817)
        };
        vec![
            "2021".into(),
            "2021".into(),
            "2021".into(),
            "date".into(),
            "0".into(),
            "0".into(),
            (base + g).to_string(),
            name.clone(),
            code.clone(),
            type_name.into(),
            type_code.into(),
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
            format!("Nm-2084d1e{}d{c}d20100", base + g),
        ]
    }
}

const APS_DIMENSION: [&str; 6] = [
    "VARIABLE",
    "VARIABLE_NAME",
    "VARIABLE_CODE",
    "VARIABLE_TYPE",
    "VARIABLE_TYPECODE",
    "VARIABLE_SORTORDER",
];

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
    let (target, offset) = if path == NOMIS_DATASET_PATH || path == NOMIS_APS_PATH {
        let offset = q
            .get("recordoffset")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0u64);
        (Target::Nomis, Some(offset))
    } else if path.starts_with("/ees/api/releases/") && inner.files.contains_key(path) {
        (Target::Ees, None)
    } else if path.starts_with("/ons/") && inner.files.contains_key(path) {
        (Target::Ons, None)
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

    // The content, with content faults applied. The ETag stands for the whole (unpaged) content:
    // a digest of the data served, the query (without paging and key) and the content faults.
    let content_faults: Vec<&FaultKind> = faults
        .iter()
        .filter(|f| {
            matches!(
                f,
                FaultKind::RenameColumn { .. }
                    | FaultKind::KeepRows { .. }
                    | FaultKind::ReplaceCode { .. }
            )
        })
        .collect();
    let etag = {
        let mut d = Sha256::new();
        d.update(inner.fingerprint.as_bytes());
        d.update(path.as_bytes());
        let mut pairs: Vec<_> = q
            .iter()
            .filter(|(k, _)| *k != "recordoffset" && *k != "uid")
            .collect();
        pairs.sort();
        d.update(format!("{pairs:?}{content_faults:?}").as_bytes());
        format!("\"{}\"", &hex::encode(d.finalize())[..16])
    };
    let body = match target {
        Target::Nomis => {
            let limit = if q.contains_key("uid") {
                u64::MAX
            } else {
                *inner.page_limit.lock().expect("lock")
            };
            let mut header: Vec<String> = NOMIS_HEADER.iter().map(|s| (*s).to_owned()).collect();
            // (cells in the result, cell i)
            let cells: (usize, Box<dyn Fn(usize) -> Vec<String> + '_>) = if path == NOMIS_APS_PATH {
                if q.get("variable").map(String::as_str) != Some("290")
                    || !q.contains_key("geography")
                {
                    return plain(StatusCode::BAD_REQUEST, "bad variable or geography");
                }
                for (i, name) in APS_DIMENSION.iter().enumerate() {
                    header[12 + i] = (*name).to_owned();
                }
                (inner.aps.len(), Box::new(|i| inner.aps[i].clone()))
            } else {
                let (census, lsoa) = match q.get("geography").map(String::as_str) {
                    Some("TYPE154") => (&inner.census_lad, false),
                    Some("TYPE151") => (&inner.census_lsoa, true),
                    _ => return plain(StatusCode::BAD_REQUEST, "geography not available"),
                };
                let Some(categories) = q
                    .get("c2021_hiqual_8")
                    .and_then(|s| selection(s))
                    .filter(|c| !c.is_empty() && c.iter().all(|&i| i < 8))
                else {
                    return plain(StatusCode::BAD_REQUEST, "bad c2021_hiqual_8 selection");
                };
                (
                    census.rows.len() * categories.len(),
                    Box::new(move |i| Inner::census_cell(census, lsoa, &categories, i)),
                )
            };
            let mut count = cells.0 as u64;
            for f in &faults {
                if let FaultKind::KeepRows { keep } = f {
                    count = count.min(*keep as u64);
                }
            }
            let mut start = offset.unwrap_or(0);
            if faults.contains(&FaultKind::SkipPage { offset: start }) {
                start += limit;
            }
            let mut page: Vec<Vec<String>> = (start..count.min(start.saturating_add(limit)))
                .map(|i| {
                    let mut c = (cells.1)(i as usize);
                    c.push(i.to_string());
                    c.push(count.to_string());
                    c
                })
                .collect();
            apply_row_faults(&faults, &mut header, &mut page);
            write_csv(&header, &page)
        }
        Target::Ees | Target::Ons => {
            let gz = &inner.files[path];
            if content_faults.is_empty() {
                gz.clone()
            } else {
                let mut reader = csv::Reader::from_reader(std::io::Cursor::new(gunzip(gz)));
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
            }
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
            Target::Ees | Target::Ons if gz_ok => (body, true),
            Target::Ees | Target::Ons => (gunzip(&body), false),
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
