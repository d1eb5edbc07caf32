//! What the refresh tests share: the emulated publishers over the sample, fetch settings that
//! point at them, and readers of what a refresh published.

use lmi_core::IndicatorValue;
use lmi_fetch::{FetchConfig, NoProgress, Outcome};
use lmi_ingest::Catalogue;
use lmi_refresh::{LiveRefresh, LiveReport, refresh_live};
use lmi_store::Store;
use lmi_testkit::MockPublishers;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

pub const PAGE: u64 = 1_000;
pub const KS4: &str = "key-stage-4-destination-measures";
pub const POST16: &str = "16-18-destination-measures";
pub const KS4_LONG_TITLE: &str = "Key stage 4 leavers destinations";
pub const LSOA_SOURCE: &str = "census2021_ts067_lsoa";
/// The 2021 LSOA census tables, left out of the sample-based refreshes (see
/// [`catalogue_without_lsoa`]).
pub const LSOA_SOURCES: [&str; 4] = [
    LSOA_SOURCE,
    "census2021_ts063_lsoa",
    "census2021_ts066_lsoa",
    "census2021_ts060a_lsoa",
];
/// Sources the real shared data has no file for, so the emulator serving it cannot answer their
/// routes: Census TS066 below upper tier, BRES in the Nomis API layout, Census TS060A (the
/// sample has synthetic tables of each), the mid-year population 16-64 (NM_2002_1) and DfE's
/// apprenticeships by level and age (the sample's files are built from the documented layouts),
/// and ONS's postcode directory (the sample's is synthetic; no real extract is in the folder).
pub const NOT_IN_REAL_DATA: [&str; 8] = [
    "census2021_ts066_lad",
    "census2021_ts066_lsoa",
    "nomis_bres_lad",
    "census2021_ts060a_lad",
    "census2021_ts060a_lsoa",
    "nomis_population_16_64",
    "dfe_apprenticeships_lad",
    "ons_nspl",
];

/// The emulated publishers serving the synthetic sample.
pub fn sample_mock() -> MockPublishers {
    MockPublishers::start(&lmi_testkit::sample_dir(), PAGE)
}

/// Short backoff so fault tests stay fast; timeouts generous enough for a loaded CI machine
/// (the timeout scenario shortens its own).
pub fn fetch_config(mock: &MockPublishers) -> FetchConfig {
    let mut c = FetchConfig {
        connect_timeout: Duration::from_secs(5),
        read_timeout: Duration::from_secs(5),
        max_attempts: 3.try_into().unwrap(),
        initial_backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(40),
        max_retry_after: Duration::from_millis(50),
        ..FetchConfig::default()
    };
    c.base_urls.nomis = mock.nomis_base().parse().unwrap();
    c.base_urls.ees = mock.ees_base().parse().unwrap();
    c.base_urls.ons = mock.ons_base().parse().unwrap();
    c.base_urls.github_api = mock.github_base().parse().unwrap();
    c.base_urls.geography = mock.geography_base().parse().unwrap();
    c.base_urls.ons_website = mock.ons_website_base().parse().unwrap();
    c
}

/// The bundled catalogue without the optional 2021 LSOA census tables: the sample has none,
/// and with the real files it is ~86 MB in the Nomis API layout (286 pages here), which alone
/// makes a refresh take tens of seconds in a debug build. Its route (the same Nomis paging as
/// the district census) is covered by the full-catalogue real-data test.
pub fn catalogue_without_lsoa() -> Catalogue {
    let mut catalogue = Catalogue::bundled().unwrap();
    catalogue
        .sources
        .retain(|s| !LSOA_SOURCES.contains(&s.id.as_str()));
    catalogue
}

pub fn options(data: &Path, mock: &MockPublishers) -> LiveRefresh {
    let mut catalogue = catalogue_without_lsoa();
    if mock.dir != lmi_testkit::sample_dir() {
        // The real files have no district or LSOA TS066 table to serve.
        catalogue
            .sources
            .retain(|s| !NOT_IN_REAL_DATA.contains(&s.id.as_str()));
    }
    LiveRefresh {
        data_dir: data.to_owned(),
        catalogue,
        fetch: fetch_config(mock),
        only: Vec::new(),
        dry_run: false,
        force: false,
        keep: lmi_refresh::DEFAULT_KEEP,
        area_groups: None,
    }
}

/// The store a refresh with these options publishes to: the data directory's.
pub fn store_of(options: &LiveRefresh) -> Store {
    Store::open(&options.data_dir)
}

pub fn refresh(data: &Path, mock: &MockPublishers) -> LiveReport {
    let options = options(data, mock);
    refresh_live(&options, &store_of(&options), &NoProgress).unwrap_or_else(|e| panic!("{e}"))
}

/// The published part of a data directory (`current` and `snapshots/`), byte for byte.
pub fn published_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = lmi_testkit::tree(&dir.join("snapshots"))
        .unwrap()
        .into_iter()
        .map(|(path, bytes)| (Path::new("snapshots").join(path), bytes))
        .collect::<BTreeMap<_, _>>();
    if let Ok(b) = std::fs::read(dir.join("current")) {
        out.insert(PathBuf::from("current"), b);
    }
    out
}

pub fn current(data: &Path) -> lmi_store::Snapshot {
    lmi_store::Store::open(data).load_current().unwrap()
}

pub fn provenance<'a>(s: &'a lmi_store::Snapshot, id: &str) -> &'a lmi_core::SourceProvenance {
    s.manifest
        .sources
        .iter()
        .find(|p| p.source_id == id)
        .unwrap_or_else(|| panic!("no provenance for {id}"))
}

pub fn outcome(report: &LiveReport, id: &str) -> Outcome {
    report
        .sources
        .iter()
        .find(|s| s.source_id == id)
        .unwrap_or_else(|| panic!("no report for {id}"))
        .outcome
}

/// One value, comparable across snapshots (floating point to 9 places).
pub fn key_of(x: &IndicatorValue) -> String {
    format!(
        "{} {} {:?} {}",
        x.indicator, x.area_code, x.area_type, x.period
    )
}

pub fn shown(x: &IndicatorValue) -> String {
    let r = |v: Option<f64>| v.map(|v| format!("{v:.9}"));
    format!(
        "{:?} {:?} {:?} {:?} {} {:?} {}",
        r(x.numerator),
        r(x.denominator),
        r(x.value),
        x.status,
        x.approximate,
        r(x.coverage),
        x.constituents
    )
}

/// Every value of a snapshot, by key, as text.
pub fn values_by_key(data: &Path) -> BTreeMap<String, String> {
    current(data)
        .values
        .iter()
        .map(|x| (key_of(x), shown(x)))
        .collect()
}

/// Indicators of a fetchable source whose measures its publisher route does not carry: the NCCIS
/// apprenticeship share is in DfE's scorecard files (`refresh --from`) but not in the EES data set
/// "NEET by characteristics" the fetching refresh reads.
pub const NOT_ON_THE_ROUTE: [&str; 1] = ["apprenticeship_16_17_share"];

/// Whether a fetching refresh reads the indicator's source (the `local_only` sources are read
/// by `refresh --from` only, and a fetching refresh keeps what that published) and its route
/// carries the indicator's measures.
pub fn fetchable_indicator(id: &str) -> bool {
    // Parsed once: the comparisons call this for every value (1.4 million of the real files), and
    // parsing the catalogue each time made the real-files test take eight minutes.
    static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| Catalogue::bundled().unwrap());
    let catalogue = &*CATALOGUE;
    !NOT_ON_THE_ROUTE.contains(&id)
        && lmi_core::find_indicator(id)
            .and_then(|d| catalogue.get(d.source))
            .is_some_and(|s| !s.local_only)
}

/// Rows of one source in a snapshot's observations, sorted, as text.
pub fn observations_of(data: &Path, version: &str, source: &str) -> Vec<String> {
    let df = lmi_store::Store::open(data)
        .load_observations(version)
        .unwrap();
    let df = lmi_ingest::filter_sources(&df, &[source], true).unwrap();
    sorted_rows(&df, &[])
}

/// Every row of a frame as text (`|` between the cells, without the columns in `skip`), sorted.
pub fn sorted_rows(df: &polars::prelude::DataFrame, skip: &[&str]) -> Vec<String> {
    let columns: Vec<_> = df
        .columns()
        .iter()
        .filter(|c| !skip.contains(&c.name().as_str()))
        .collect();
    let mut rows: Vec<String> = (0..df.height())
        .map(|i| {
            columns
                .iter()
                .map(|c| format!("{:?}", c.get(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    rows.sort();
    rows
}

pub fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

/// Why a source failed, as its report says.
pub fn failed_reason(report: &LiveReport, id: &str) -> String {
    report
        .sources
        .iter()
        .find(|s| s.source_id == id)
        .and_then(|s| s.error.clone())
        .unwrap_or_else(|| panic!("{id} did not fail: {:?}", report.sources))
}

/// A refresh from files into `data`, published whether or not the files changed.
pub fn from_files(
    from: &Path,
    data: &Path,
    catalogue: &Catalogue,
) -> Result<lmi_store::Manifest, lmi_refresh::Error> {
    let always = lmi_refresh::DirOptions {
        keep: lmi_refresh::DEFAULT_KEEP,
        force: true,
        area_groups: None,
    };
    lmi_refresh::refresh_dir(from, &Store::open(data), catalogue, &always)
        .map(lmi_refresh::DirRefresh::into_manifest)
}
