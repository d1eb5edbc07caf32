//! A local HTTP server standing in for the publishers in hermetic tests. It emulates each
//! publisher's real routes and JSON shapes and serves either the real files (`LMI_REAL_DATA`) or
//! the synthetic sample ([`sample_dir`]); a file `<path>` is read from `<path>.gz` if present.
//!
//! - Nomis ([`nomis`]): `/nomis/api/v01/dataset/{NM_2084_1,NM_2080_1,NM_2083_1,NM_17_5,NM_142_1,NM_17_1}
//!   .data.csv`, paged like Nomis, and `NM_17_1`'s cell codelist (`/NM_17_1/cell/def.sdmx.json`).
//! - DfE EES content API ([`ees`]): `/ees/api/publications/{slug}/releases`,
//!   `/ees/api/data-set-files`, `/ees/api/releases/{releaseVersionId}/files/{fileId}`.
//! - ONS Explore Local Statistics data repository ([`els`]): GitHub's tree API under
//!   `/github/repos/…/git/trees/{ref}` and raw files under `/ons/{owner}/{repo}/{ref}/{path}`.
//! - ONS website ([`ons`]): a dataset page under `/onsweb/…` linking its current file, and
//!   `/onsweb/file?uri=…`.
//! - DfE's dashboard repositories on GitHub ([`github`]): the same two routes for
//!   `dfe-analytical-services/…` (Skills Imperative workbooks, the apprenticeships flows file).
//!
//! Every file response has an ETag and a Last-Modified and honours `If-None-Match` (and
//! `If-Modified-Since`) with 304; CSV bodies are gzip-encoded when the client accepts it. Faults
//! (status codes, delays, truncated bodies, HTML, empty files, renamed columns, a missing page) are
//! injected per [`Target`] for a number of requests. Every request is logged.
//!
//! Beside it: [`fixture`], the small hand-made snapshot (lmi-core types and manifest JSON, no
//! polars) that lmi-report's and lmi-api's tests share, and [`support`], the paths and switches
//! every crate's tests share.

pub mod ees;
pub mod els;
pub mod fixture;
pub mod geography;
pub mod github;
pub mod nomis;
pub mod ons;
pub mod parquet;
pub mod postcodes;
pub mod support;

pub use els::{ELS_BRANCH, ELS_OWNER, ELS_REPO};
pub use nomis::{APS_RQF4_DATES, APS_RQF4_GEOGRAPHY, aps_api_cells, aps_rqf4_cells};
pub use support::{
    THOROUGH_ENV, cases, chromium_for, copy_dir, real_data, sample_dir, thorough, tree,
    workspace_root,
};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::Response;
use md5::Md5;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

pub const NOMIS_DATASET_PATH: &str = "/nomis/api/v01/dataset/NM_2084_1.data.csv";
pub const NOMIS_APS_PATH: &str = "/nomis/api/v01/dataset/NM_17_5.data.csv";
/// Census 2021 TS063 occupation.
pub const NOMIS_TS063_PATH: &str = "/nomis/api/v01/dataset/NM_2080_1.data.csv";
/// Census 2021 TS066 economic activity.
pub const NOMIS_TS066_PATH: &str = "/nomis/api/v01/dataset/NM_2083_1.data.csv";
/// UK Business Counts, enterprises.
pub const NOMIS_UKBC_PATH: &str = "/nomis/api/v01/dataset/NM_142_1.data.csv";
/// Mid-year population estimates by single year of age (ages 16-64 asked for).
pub const NOMIS_POPULATION_PATH: &str = "/nomis/api/v01/dataset/NM_2002_1.data.csv";
/// APS cell tables (T13a, T09a, …).
pub const NOMIS_APS_CELLS_PATH: &str = "/nomis/api/v01/dataset/NM_17_1.data.csv";
/// The codelist of `NM_17_1`'s `cell` dimension.
pub const NOMIS_APS_CELL_CODELIST_PATH: &str = "/nomis/api/v01/dataset/NM_17_1/cell/def.sdmx.json";
/// Last-Modified of every Nomis and ONS response (EES files carry their release's publish time).
pub const LAST_MODIFIED: &str = "Wed, 29 Mar 2023 09:30:00 GMT";

/// EES publications served: (publication slug, the data file under the data dir it is built from).
pub const EES_FILES: [(&str, &str); 3] = [
    (
        "key-stage-4-destination-measures",
        "dfe/ks4_destinations_lad.csv",
    ),
    (
        "16-18-destination-measures",
        "dfe/ks5_16_18_destinations_lad.csv",
    ),
    (
        "further-education-and-skills",
        "dfe/fe_achievements_lad.csv",
    ),
];

/// Explore Local Statistics indicator folders served from `ons_els/{name}.csv`.
pub const ONS_SERIES: [&str; 10] = [
    "employment-rate",
    "claimant-count",
    "gross-median-weekly-pay",
    "qualifications-level-3-or-above",
    "apprenticeships",
    "business-demography",
    "gross-value-added",
    "modelled-unemployment",
    "further-education-and-skills-participation",
    "further-education-and-skills-learner-achievements",
];

/// Which route family a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Nomis data routes.
    Nomis,
    /// The Nomis routes of one dataset (`NM_2080_1`): its data and its codelists.
    NomisDataset(&'static str),
    /// EES file downloads (`/releases/{id}/files/{id}`).
    Ees,
    /// EES JSON listings (`/publications/{slug}/releases`, `/data-set-files`).
    EesApi,
    /// Raw files of the ELS data repository.
    Ons,
    /// GitHub's tree API.
    GitHub,
    /// The Open Geography Portal's feature services.
    Geography,
    /// Both routes (tree API and raw files) of one of DfE's repositories or of a boundary
    /// repository, by name (e.g. `lsip_dashboard`, `explore-local-statistics-app`); the ELS data
    /// repository is `GitHub`/`Ons`.
    Repository(&'static str),
    /// The ONS website (dataset pages and `/file?uri=` downloads).
    OnsWebsite,
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
    /// Rename a header column (CSV routes).
    RenameColumn {
        from: String,
        to: String,
    },
    /// Nomis: answer the request for this `RecordOffset` with the following page.
    SkipPage {
        offset: u64,
    },
    /// Serve only the first `keep` data rows (a release that shrank; CSV routes).
    KeepRows {
        keep: usize,
    },
    /// Replace an area code everywhere in the body (CSV routes).
    ReplaceCode {
        from: String,
        to: String,
    },
}

impl FaultKind {
    /// Faults that change the content served rather than the exchange.
    fn is_content(&self) -> bool {
        matches!(
            self,
            FaultKind::RenameColumn { .. }
                | FaultKind::KeepRows { .. }
                | FaultKind::ReplaceCode { .. }
        )
    }
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

/// How a file's ETag is made.
pub(crate) enum Etag {
    /// `W/"<md5 hex of the uncompressed body>"`, as EES.
    WeakMd5,
    /// `"<sha256 hex of the uncompressed body>"`.
    Strong,
    /// Made by the route (Nomis: one tag for all pages of a result).
    Given(String),
}

pub(crate) struct FileReply {
    /// Uncompressed.
    pub(crate) body: Vec<u8>,
    pub(crate) content_type: &'static str,
    pub(crate) etag: Etag,
    pub(crate) last_modified: SystemTime,
    /// `Content-Disposition: attachment; filename=…`
    pub(crate) attachment: Option<String>,
    pub(crate) cache_control: Option<&'static str>,
    /// Gzip-encode when the client accepts it.
    pub(crate) gzip: bool,
}

/// What a route answers, before conditionals, encoding and exchange faults.
pub(crate) enum Reply {
    File(FileReply),
    /// JSON with a strong ETag (`weak_etag`: written `W/"…"`, as GitHub's API).
    Json {
        status: u16,
        body: serde_json::Value,
        weak_etag: bool,
    },
    Text(u16, String),
}

impl Reply {
    pub(crate) fn text(status: u16, text: &str) -> Reply {
        Reply::Text(status, text.to_owned())
    }

    pub(crate) fn json(body: serde_json::Value) -> Reply {
        Reply::Json {
            status: 200,
            body,
            weak_etag: false,
        }
    }
}

pub(crate) fn last_modified() -> SystemTime {
    httpdate::parse_http_date(LAST_MODIFIED).expect("LAST_MODIFIED")
}

struct Inner {
    base: String,
    nomis: nomis::Nomis,
    ees: Mutex<ees::Ees>,
    els: Mutex<els::Repo>,
    geography: Mutex<geography::Lookup>,
    postcodes: postcodes::Directory,
    dfe: Mutex<github::DfeRepos>,
    ons_site: Mutex<ons::OnsSite>,
    page_limit: Mutex<u64>,
    faults: Mutex<Vec<Fault>>,
    log: Mutex<Vec<Logged>>,
}

/// A running mock; the server stops when this is dropped.
pub struct MockPublishers {
    pub base: String,
    /// The directory of files served (the real data or the sample).
    pub dir: std::path::PathBuf,
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

pub(crate) fn gunzip(bytes: &[u8]) -> Vec<u8> {
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

/// `dir/<rel>.gz` (gunzipped) if present, else `dir/<rel>`; `None` when neither exists.
pub(crate) fn read_data(dir: &Path, rel: &str) -> Option<Vec<u8>> {
    let gz = dir.join(format!("{rel}.gz"));
    let path = if gz.exists() { gz } else { dir.join(rel) };
    std::fs::read(&path).ok().map(|b| gunzip(&b))
}

pub(crate) fn require(dir: &Path, rel: &str) -> Vec<u8> {
    read_data(dir, rel).unwrap_or_else(|| panic!("{}: no {rel}(.gz)", dir.display()))
}

pub(crate) fn write_csv(header: &[String], rows: &[Vec<String>]) -> Vec<u8> {
    let mut w = csv::WriterBuilder::new()
        .quote_style(csv::QuoteStyle::NonNumeric)
        .from_writer(Vec::new());
    w.write_record(header).expect("csv");
    for r in rows {
        w.write_record(r).expect("csv");
    }
    w.into_inner().expect("csv")
}

/// A CSV as (header, rows); a leading UTF-8 BOM is dropped.
pub fn read_csv(bytes: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let header = reader
        .headers()
        .expect("csv header")
        .iter()
        .map(str::to_owned)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("csv row").iter().map(str::to_owned).collect())
        .collect();
    (header, rows)
}

impl MockPublishers {
    /// Serves the files under `dir` (the real data or [`sample_dir`]) with Nomis pages of at most
    /// `page_limit` cells.
    pub fn start(dir: &Path, page_limit: u64) -> MockPublishers {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.set_nonblocking(true).expect("nonblocking");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let inner = Arc::new(Inner {
            base: base.clone(),
            nomis: nomis::Nomis::load(dir),
            ees: Mutex::new(ees::Ees::load(dir)),
            els: Mutex::new(els::Repo::load(dir)),
            geography: Mutex::new(geography::Lookup::load()),
            postcodes: postcodes::Directory::load(dir),
            dfe: Mutex::new(github::DfeRepos::load(dir)),
            ons_site: Mutex::new(ons::OnsSite::load(dir)),
            page_limit: Mutex::new(page_limit),
            faults: Mutex::new(Vec::new()),
            log: Mutex::new(Vec::new()),
        });
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
            dir: dir.to_owned(),
            inner,
            shutdown: Some(tx),
            thread: Some(thread),
        }
    }

    pub fn nomis_base(&self) -> String {
        format!("{}/nomis", self.base)
    }

    /// The EES content API base: routes are `{ees_base}/api/…`.
    pub fn ees_base(&self) -> String {
        format!("{}/ees", self.base)
    }

    /// The raw-file host: the ELS repository's files are under
    /// `{ons_base}/ONSdigital/explore-local-statistics-data/main/…`.
    pub fn ons_base(&self) -> String {
        format!("{}/ons", self.base)
    }

    /// The ONS website: dataset pages `{ons_website_base}{page}`, files `{ons_website_base}/file?uri=…`.
    pub fn ons_website_base(&self) -> String {
        format!("{}/onsweb", self.base)
    }

    /// ONS website: the dataset page now links this edition (the file moves with it).
    pub fn set_ons_edition(&self, edition: &str) {
        lock(&self.inner.ons_site).set_edition(edition);
    }

    /// GitHub's REST API: `{github_base}/repos/{owner}/{repo}/git/trees/{ref}?recursive=1`.
    pub fn github_base(&self) -> String {
        format!("{}/github", self.base)
    }

    /// The Open Geography Portal's feature services: `{geography_base}/{service}/FeatureServer/0/query`.
    pub fn geography_base(&self) -> String {
        format!("{}/arcgis", self.base)
    }

    /// ONS re-codes district `old` as `new`: the district lookup lists it under `new` from now
    /// on (a source's files follow with a [`FaultKind::ReplaceCode`]).
    pub fn recode_district(&self, old: &str, new: &str) {
        lock(&self.inner.geography).recode(old, new);
    }

    pub fn inject(&self, target: Target, kind: FaultKind, times: u32) {
        lock(&self.inner.faults).push(Fault {
            target,
            kind,
            times,
        });
    }

    pub fn clear_faults(&self) {
        lock(&self.inner.faults).clear();
    }

    pub fn set_page_limit(&self, limit: u64) {
        *lock(&self.inner.page_limit) = limit;
    }

    /// Requests so far.
    pub fn log(&self) -> Vec<Logged> {
        lock(&self.inner.log).clone()
    }

    pub fn clear_log(&self) {
        lock(&self.inner.log).clear();
    }

    /// Cells in the Nomis census TS067 LAD result (every LAD x category).
    pub fn nomis_cells(&self) -> u64 {
        let c = &self.inner.nomis.census[0];
        c.lad.rows.len() as u64 * c.table.categories.len() as u64
    }

    /// Cells in the Nomis census TS067 LSOA result (every 2021 LSOA x category); 0 without the
    /// LSOA table (the sample), where `geography=TYPE151` answers 404.
    pub fn nomis_lsoa_cells(&self) -> u64 {
        let c = &self.inner.nomis.census[0];
        c.lsoa
            .as_ref()
            .map_or(0, |l| l.rows.len() as u64 * c.table.categories.len() as u64)
    }

    /// Cells in the Nomis census TS063 (occupation) LAD result: every LAD x the ten categories.
    pub fn ts063_cells(&self) -> u64 {
        let c = &self.inner.nomis.census[1];
        c.lad.rows.len() as u64 * c.table.categories.len() as u64
    }

    /// Cells in the Nomis census TS063 LSOA result; 0 without the LSOA table (the sample).
    pub fn ts063_lsoa_cells(&self) -> u64 {
        let c = &self.inner.nomis.census[1];
        c.lsoa
            .as_ref()
            .map_or(0, |l| l.rows.len() as u64 * c.table.categories.len() as u64)
    }

    /// Cells of `NM_142_1` whose industry and size band satisfy `keep` (code, band).
    pub fn ukbc_cells(&self, keep: impl Fn(u64, u64) -> bool) -> u64 {
        self.inner
            .nomis
            .ukbc
            .iter()
            .filter(|c| keep(c[12].parse().unwrap_or(0), c[18].parse().unwrap_or(0)))
            .count() as u64
    }

    /// Rows of the TS066 files for geography type `type_code` (`154` districts) whose category
    /// and measure satisfy `keep`; 0 when no file has that type (districts and LSOAs in the real
    /// data, LSOAs in the sample).
    pub fn ts066_cells(&self, type_code: &str, keep: impl Fn(u64, u64) -> bool) -> u64 {
        let t = &self.inner.nomis.ts066;
        let col = |name: &str| t.header.iter().position(|c| c == name).unwrap_or(0);
        let (c, m) = (col("C2021_EASTAT_20"), col("MEASURES"));
        t.by_type.get(type_code).map_or(0, |rows| {
            rows.iter()
                .filter(|r| keep(r[c].parse().unwrap_or(0), r[m].parse().unwrap_or(0)))
                .count() as u64
        })
    }

    /// Cells of `NM_2002_1` the population query of the catalogue gets (every district and
    /// England, the latest seven years, ages 16-64); 0 without the sample file.
    pub fn population_cells(&self) -> u64 {
        let q: HashMap<String, String> = [
            ("geography", "TYPE424,2092957699"),
            ("date", "latestMINUS6-latest"),
            ("gender", "0"),
            ("c_age", "203"),
            ("measures", "20100"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
        self.inner
            .nomis
            .population
            .select(&q)
            .map_or(0, |c| c.len() as u64)
    }

    /// Rows of a dataset served from saved results (`NM_189_1`, `NM_2017_1`) of geography type
    /// `type_code` whose `column` code satisfies `keep`; 0 when the dataset is not served.
    pub fn saved_cells(
        &self,
        dataset: &str,
        type_code: &str,
        column: &str,
        keep: impl Fn(u64) -> bool,
    ) -> u64 {
        let path = format!("/nomis/api/v01/dataset/{dataset}.data.csv");
        self.inner
            .nomis
            .saved
            .iter()
            .find(|d| d.path == path)
            .map_or(0, |d| d.count(type_code, column, keep))
    }

    /// Data cells of `NM_17_1` whose label starts with `prefix` (e.g. `T13a:`).
    pub fn aps_table_cells(&self, prefix: &str) -> u64 {
        self.inner
            .nomis
            .aps_cells
            .cells
            .iter()
            .filter(|c| c[13].starts_with(prefix))
            .count() as u64
    }

    /// Cells in the Nomis APS variable 290 result (area x year x 3 measures).
    pub fn aps_cells(&self) -> u64 {
        self.inner.nomis.aps.len() as u64
    }

    /// Cells in the Nomis APS variable 1902 result for all of [`APS_RQF4_DATES`].
    pub fn aps_rqf4_cells(&self) -> u64 {
        aps_rqf4_cells(&self.inner.nomis.aps, &APS_RQF4_DATES).len() as u64
    }

    /// EES: mark `release_slug` as the publication's latest release (and no other).
    pub fn set_latest(&self, publication: &str, release_slug: &str) {
        lock(&self.inner.ees).set_latest(publication, release_slug);
    }

    /// EES: an unpublished release: left out of the listing, its files 404.
    pub fn hide_release(&self, publication: &str, release_slug: &str) {
        lock(&self.inner.ees).set_hidden(publication, release_slug, true);
    }

    /// EES: publish a hidden release again.
    pub fn show_release(&self, publication: &str, release_slug: &str) {
        lock(&self.inner.ees).set_hidden(publication, release_slug, false);
    }

    /// EES: delete a release for good.
    pub fn remove_release(&self, publication: &str, release_slug: &str) {
        lock(&self.inner.ees).remove_release(publication, release_slug);
    }

    /// EES: retitle a data set (its ids stay).
    pub fn rename_data_set(
        &self,
        publication: &str,
        release_slug: &str,
        old_title: &str,
        new_title: &str,
    ) {
        lock(&self.inner.ees).rename_data_set(publication, release_slug, old_title, new_title);
    }

    /// EES: (release version id, file id of the LAD-level data set) of a release.
    pub fn release_ids(&self, publication: &str, release_slug: &str) -> (String, String) {
        lock(&self.inner.ees).release_ids(publication, release_slug)
    }

    /// DfE's repositories: replace (or add) a file, or delete it (`None`); its blob id and the
    /// tree change with it.
    pub fn set_repo_file(&self, repo: &str, path: &str, bytes: Option<Vec<u8>>) {
        lock(&self.inner.dfe).set_file(repo, path, bytes);
    }

    /// DfE's repositories: a file's content.
    pub fn repo_file(&self, repo: &str, path: &str) -> Option<Vec<u8>> {
        lock(&self.inner.dfe).file(repo, path)
    }

    /// ELS: rename an indicator folder and the files named after it, as ONS did in January 2026;
    /// the old raw paths then 404.
    pub fn rename_els_folder(&self, old: &str, new: &str) {
        lock(&self.inner.els).rename_folder(old, new);
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

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// Query parameters with lower-case names (Nomis and ASP.NET both ignore case), values
/// percent-decoded.
fn query_map(query: &str) -> HashMap<String, String> {
    query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (k.to_ascii_lowercase(), percent_decode(v))
        })
        .collect()
}

pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| bytes.get(i + 1..i + 3))
            .flatten()
            .and_then(|h| u8::from_str_radix(std::str::from_utf8(h).ok()?, 16).ok());
        match escaped {
            Some(b) => {
                out.push(b);
                i += 3;
            }
            None => {
                out.push(if bytes[i] == b'+' { b' ' } else { bytes[i] });
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

impl Inner {
    fn take_faults(&self, target: Target, path: &str, offset: Option<u64>) -> Vec<FaultKind> {
        let mut faults = lock(&self.faults);
        let mut out = Vec::new();
        for f in faults.iter_mut() {
            let page_specific =
                matches!(f.kind, FaultKind::SkipPage { offset: o } if Some(o) != offset);
            let applies = match f.target {
                Target::NomisDataset(dataset) => {
                    target == Target::Nomis
                        && [".", "/"]
                            .iter()
                            .any(|end| path.contains(&format!("/api/v01/dataset/{dataset}{end}")))
                }
                t => t == target,
            };
            if applies && f.times > 0 && !page_specific {
                // Content faults apply to every page of a result; count them per request.
                f.times -= 1;
                out.push(f.kind.clone());
            }
        }
        out
    }
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
    lock(&inner.log).push(Logged {
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

fn target_of(path: &str) -> Option<Target> {
    if (path.starts_with("/github/") || path.starts_with("/ons/"))
        && let Some(name) = github::boundary_repository(path)
    {
        return Some(Target::Repository(name));
    }
    let dfe = format!("/{}/", github::DFE_OWNER);
    if (path.starts_with("/github/") || path.starts_with("/ons/")) && path.contains(&dfe) {
        let name = path.split(&dfe).nth(1)?.split('/').next()?;
        return github::REPOSITORIES
            .iter()
            .find(|r| **r == name)
            .map(|r| Target::Repository(r))
            .or(Some(Target::GitHub));
    }
    if path.starts_with("/onsweb/") {
        return Some(Target::OnsWebsite);
    }
    if path.starts_with("/nomis/") {
        Some(Target::Nomis)
    } else if path.starts_with("/ees/api/releases/") {
        Some(Target::Ees)
    } else if path.starts_with("/ees/") {
        Some(Target::EesApi)
    } else if path.starts_with("/github/") {
        Some(Target::GitHub)
    } else if path.starts_with("/ons/") {
        Some(Target::Ons)
    } else if path.starts_with("/arcgis/") {
        Some(Target::Geography)
    } else {
        None
    }
}

async fn respond(inner: &Inner, path: &str, query: &str, headers: &HeaderMap) -> Response {
    let q = query_map(query);
    let Some(target) = target_of(path) else {
        return plain(StatusCode::NOT_FOUND, "no such resource");
    };
    let offset = (target == Target::Nomis).then(|| {
        q.get("recordoffset")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0u64)
    });
    let faults = inner.take_faults(target, path, offset);
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
    let reply = match target {
        // `target_of` names route families only; a dataset is a fault's scope.
        Target::Nomis | Target::NomisDataset(_) => {
            let limit = if q.contains_key("uid") {
                u64::MAX
            } else {
                *lock(&inner.page_limit)
            };
            inner
                .nomis
                .respond(path, &q, &faults, offset.unwrap_or(0), limit)
        }
        Target::Ees | Target::EesApi => lock(&inner.ees).respond(path, &q),
        Target::GitHub | Target::Ons if path.contains(&format!("/{}/", github::DFE_OWNER)) => {
            lock(&inner.dfe).respond(&format!("{}/github", inner.base), path, &q)
        }
        Target::OnsWebsite => lock(&inner.ons_site).respond(path, &q),
        Target::Repository(_) => {
            lock(&inner.dfe).respond(&format!("{}/github", inner.base), path, &q)
        }
        Target::GitHub | Target::Ons => {
            lock(&inner.els).respond(&format!("{}/github", inner.base), path, &q)
        }
        Target::Geography if postcodes::Directory::serves(path) => {
            inner.postcodes.respond(path, &q)
        }
        Target::Geography => lock(&inner.geography).respond(path, &q),
    };
    finish(reply, &faults, headers, truncate)
}

/// Content faults, validators, 304, encoding and truncation.
fn finish(reply: Reply, faults: &[FaultKind], headers: &HeaderMap, truncate: bool) -> Response {
    let (status, body, content_type, etag, last_modified, extra, gzip_ok) = match reply {
        Reply::Text(status, text) => {
            return plain(
                StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
                &text,
            );
        }
        Reply::Json {
            status,
            body,
            weak_etag,
        } => {
            let bytes = serde_json::to_vec(&body).expect("json");
            let tag = hex::encode(Sha256::digest(&bytes));
            let etag = if weak_etag {
                format!("W/\"{tag}\"")
            } else {
                format!("\"{tag}\"")
            };
            let content_type = "application/json; charset=utf-8";
            (
                status,
                bytes,
                content_type,
                Some(etag),
                None,
                Vec::new(),
                false,
            )
        }
        Reply::File(f) => {
            let mut body = f.body;
            let content: Vec<&FaultKind> = faults.iter().filter(|f| f.is_content()).collect();
            if !content.is_empty() && !matches!(f.etag, Etag::Given(_)) {
                let (mut header, mut rows) = read_csv(&body);
                apply_row_faults(faults, &mut header, &mut rows);
                body = write_csv(&header, &rows);
            }
            let etag = match f.etag {
                Etag::WeakMd5 => format!("W/\"{}\"", hex::encode(Md5::digest(&body))),
                Etag::Strong => format!("\"{}\"", hex::encode(Sha256::digest(&body))),
                Etag::Given(e) => e,
            };
            let mut extra = Vec::new();
            if let Some(name) = f.attachment {
                extra.push((
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename={name}"),
                ));
            }
            if let Some(cc) = f.cache_control {
                extra.push((header::CACHE_CONTROL, cc.to_owned()));
            }
            (
                200,
                body,
                f.content_type,
                Some(etag),
                Some(f.last_modified),
                extra,
                f.gzip,
            )
        }
    };
    let if_none_match = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok());
    let not_modified = status == 200
        && match if_none_match {
            Some(v) => etag
                .as_deref()
                .is_some_and(|e| v.split(',').any(|t| t.trim() == e)),
            None => match (
                last_modified,
                headers
                    .get(header::IF_MODIFIED_SINCE)
                    .and_then(|v| v.to_str().ok())
                    .and_then(|v| httpdate::parse_http_date(v).ok()),
            ) {
                (Some(lm), Some(since)) => since >= lm,
                _ => false,
            },
        };
    let mut r = if not_modified {
        let mut r = Response::new(Body::empty());
        *r.status_mut() = StatusCode::NOT_MODIFIED;
        r
    } else {
        let encoded = gzip_ok
            && headers
                .get(header::ACCEPT_ENCODING)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("gzip"));
        let bytes = if encoded { gzip(&body) } else { body };
        let mut r = if truncate {
            truncated(bytes)
        } else {
            Response::new(Body::from(bytes))
        };
        *r.status_mut() = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
        r.headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
        if encoded {
            r.headers_mut()
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        }
        r
    };
    let h = r.headers_mut();
    if let Some(etag) = etag {
        h.insert(header::ETAG, HeaderValue::from_str(&etag).expect("etag"));
    }
    if let Some(lm) = last_modified {
        h.insert(
            header::LAST_MODIFIED,
            HeaderValue::from_str(&httpdate::fmt_http_date(lm)).expect("date"),
        );
    }
    for (name, value) in extra {
        h.insert(name, HeaderValue::from_str(&value).expect("header"));
    }
    r
}

/// Announces the full length, sends half, lets it reach the client, then fails the body: hyper
/// drops the connection.
fn truncated(bytes: Vec<u8>) -> Response {
    let len = bytes.len();
    let half = bytes[..len / 2].to_vec();
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
}

pub(crate) fn apply_row_faults(
    faults: &[FaultKind],
    header: &mut [String],
    rows: &mut Vec<Vec<String>>,
) {
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
