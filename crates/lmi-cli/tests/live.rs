//! `lmi refresh` over HTTP against a local server standing in for Nomis, DfE Explore Education
//! Statistics and ONS Explore Local Statistics with their real routes (release listings with a
//! latest flag, data set files paged at 40, GUID ids, the ELS repository tree and metadata,
//! conditional downloads). It serves the synthetic sample (`datasets/sample`) in every plain
//! `cargo test`, and the real files when `LMI_REAL_DATA` is set.
//!
//! The stories: a fresh data directory gets every indicator; a new release is picked up; a
//! long-format file gives the same rates as the wide one; a renamed data set or folder, a 404 or
//! any other fault in one publisher leaves the others published and the failed source stale
//! with its last good data; nothing is ever invented.

// Test and benchmark code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use lmi_cli::exit::ExitCode;
use lmi_core::{IndicatorValue, Resolved};
use lmi_ingest::Catalogue;
use lmi_ingest::fetch::FetchConfig;
use lmi_ingest::live::{NoProgress, Outcome};
use lmi_refresh::{Carried, Error as RefreshFailure, LiveRefresh, LiveReport, refresh_live};
use lmi_testkit::{FaultKind, MockPublishers, Target};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const PAGE: u64 = 1_000;
const KS4: &str = "key-stage-4-destination-measures";
const POST16: &str = "16-18-destination-measures";
const KS4_LONG_TITLE: &str = "Key stage 4 leavers destinations";
const LSOA_SOURCE: &str = "census2021_ts067_lsoa";

fn real_data() -> Option<PathBuf> {
    std::env::var_os("LMI_REAL_DATA")
        .filter(|v| !v.is_empty())
        .map(|dir| {
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(dir)
        })
}

fn real_data_or_skip(test: &str) -> Option<PathBuf> {
    let dir = real_data();
    if dir.is_none() {
        eprintln!("SKIPPED {test}: set LMI_REAL_DATA to the shared data directory to run it");
    }
    dir
}

/// The emulated publishers serving the synthetic sample.
fn sample_mock() -> MockPublishers {
    MockPublishers::start(&lmi_testkit::sample_dir(), PAGE)
}

/// Short backoff so fault tests stay fast; timeouts generous enough for a loaded CI machine
/// (the timeout scenario shortens its own).
fn fetch_config(mock: &MockPublishers) -> FetchConfig {
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
    c
}

/// The bundled catalogue without the optional 2021 LSOA census: the sample has no LSOA table,
/// and with the real files it is ~86 MB in the Nomis API layout (286 pages here), which alone
/// makes a refresh take tens of seconds in a debug build. Its route (the same Nomis paging as
/// the district census) is covered by the full-catalogue real-data test.
fn catalogue_without_lsoa() -> Catalogue {
    let mut catalogue = Catalogue::bundled().unwrap();
    catalogue.sources.retain(|s| s.id != LSOA_SOURCE);
    catalogue
}

fn options(data: &Path, mock: &MockPublishers) -> LiveRefresh {
    LiveRefresh {
        data_dir: data.to_owned(),
        catalogue: catalogue_without_lsoa(),
        fetch: fetch_config(mock),
        only: Vec::new(),
        dry_run: false,
        force: false,
        keep: lmi_refresh::DEFAULT_KEEP,
    }
}

fn refresh(data: &Path, mock: &MockPublishers) -> LiveReport {
    refresh_live(&options(data, mock), &NoProgress).unwrap_or_else(|e| panic!("{e}"))
}

/// The published part of a data directory (`current` and `snapshots/`), byte for byte.
fn published_tree(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    if let Ok(b) = std::fs::read(dir.join("current")) {
        out.insert(PathBuf::from("current"), b);
    }
    let mut stack = vec![dir.join("snapshots")];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.insert(
                    path.strip_prefix(dir).unwrap().to_owned(),
                    std::fs::read(&path).unwrap(),
                );
            }
        }
    }
    out
}

fn current(data: &Path) -> lmi_store::Snapshot {
    lmi_store::Store::open(data).load_current().unwrap()
}

fn provenance<'a>(s: &'a lmi_store::Snapshot, id: &str) -> &'a lmi_core::SourceProvenance {
    s.manifest
        .sources
        .iter()
        .find(|p| p.source_id == id)
        .unwrap_or_else(|| panic!("no provenance for {id}"))
}

fn outcome(report: &LiveReport, id: &str) -> Outcome {
    report
        .sources
        .iter()
        .find(|s| s.source_id == id)
        .unwrap_or_else(|| panic!("no report for {id}"))
        .outcome
}

/// One value, comparable across snapshots (floating point to 9 places).
fn key_of(x: &IndicatorValue) -> String {
    format!(
        "{} {} {:?} {}",
        x.indicator, x.area_code, x.area_type, x.period
    )
}

fn shown(x: &IndicatorValue) -> String {
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
fn values_by_key(data: &Path) -> BTreeMap<String, String> {
    current(data)
        .values
        .iter()
        .map(|x| (key_of(x), shown(x)))
        .collect()
}

/// Whether a fetching refresh reads the indicator's source (the `local_only` sources are read
/// by `refresh --from` only, and a fetching refresh keeps what that published).
fn fetchable_indicator(id: &str) -> bool {
    let catalogue = Catalogue::bundled().unwrap();
    lmi_core::find_indicator(id)
        .and_then(|d| catalogue.get(d.source))
        .is_some_and(|s| !s.local_only)
}

/// Rows of one source in a snapshot's observations, sorted, as text.
fn observations_of(data: &Path, version: &str, source: &str) -> Vec<String> {
    let df = lmi_store::Store::open(data)
        .load_observations(version)
        .unwrap();
    let df = lmi_ingest::observations::filter_sources(&df, &[source], true).unwrap();
    let mut rows: Vec<String> = (0..df.height())
        .map(|i| {
            df.columns()
                .iter()
                .map(|c| format!("{:?}", c.get(i).unwrap()))
                .collect::<Vec<_>>()
                .join("|")
        })
        .collect();
    rows.sort();
    rows
}

fn is_guid(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    parts.iter().map(|p| p.len()).collect::<Vec<_>>() == [8, 4, 4, 4, 12]
        && s.chars().all(|c| c == '-' || c.is_ascii_hexdigit())
}

#[test]
fn a_fresh_data_directory_gets_every_indicator_and_a_rerun_asks_conditionally() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let first = refresh(data.path(), &mock);
    assert_eq!(first.exit_code(), 0, "{:?}", first.carried);
    assert!(first.published.is_some());
    assert!(
        first.sources.iter().all(|s| s.outcome == Outcome::Fetched),
        "{:?}",
        first.sources
    );

    // Every indicator of a fetchable source has values (sources read only by `refresh --from`
    // are `local_only` in the catalogue until their publisher routes are catalogued).
    let snapshot = current(data.path());
    let with_values: BTreeSet<&str> = snapshot
        .values
        .iter()
        .filter(|v| v.value.is_some())
        .map(|v| v.indicator.as_str())
        .collect();
    let catalogue = Catalogue::bundled().unwrap();
    let fetchable = |source: &str| catalogue.get(source).is_some_and(|s| !s.local_only);
    for def in lmi_core::INDICATORS.iter().filter(|d| fetchable(d.source)) {
        assert!(with_values.contains(def.id), "{} has no values", def.id);
    }

    // Provenance says what discovery found: the latest KS4 release, its long-format data set
    // (with the GUIDs EES gave it), the ELS series' path and blob; Nomis paged.
    let ks4 = provenance(&snapshot, "dfe_ks4_destinations_lad");
    let (release_id, file_id) = mock.release_ids(KS4, "2023-24");
    match ks4.resolved.as_ref().expect("resolved") {
        Resolved::Ees {
            publication,
            release,
            release_id: rid,
            latest_release,
            data_set_title,
            file_id: fid,
            ..
        } => {
            assert_eq!(publication, KS4);
            assert_eq!(release, "2023-24");
            assert!(*latest_release);
            assert_eq!(data_set_title, KS4_LONG_TITLE);
            assert_eq!((rid, fid), (&release_id, &file_id));
            assert!(is_guid(rid) && is_guid(fid), "{rid} {fid}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        ks4.url
            .as_deref()
            .unwrap()
            .ends_with(&format!("/api/releases/{release_id}/files/{file_id}"))
    );
    assert!(
        ks4.release.as_deref().unwrap().contains("2023/24"),
        "{ks4:?}"
    );
    match provenance(&snapshot, "ons_els_claimant_count")
        .resolved
        .as_ref()
    {
        Some(Resolved::Els { path, blob_sha, .. }) => {
            assert_eq!(path, "claimant-count/claimant-count.csv");
            assert!(blob_sha.is_some());
        }
        other => panic!("{other:?}"),
    }
    let log = mock.log();
    assert!(
        log.iter()
            .any(|l| l.path.ends_with("/api/data-set-files") && l.query.contains("page=2")),
        "the district file is on the second page of 40"
    );
    assert!(log.iter().all(|l| l.user_agent.starts_with("lmi/")));
    for s in &snapshot.manifest.sources {
        assert!(s.stale.is_none(), "{s:?}");
        for part in &s.raw_parts {
            let bytes = std::fs::read(data.path().join("raw").join(&part.sha256)).unwrap();
            assert_eq!(bytes.len() as u64, part.bytes);
        }
    }

    // Rerun: the listings again, every download conditional and answered 304 (ELS files are
    // not asked for: their blob ids are unchanged), nothing downloaded or published.
    let before = published_tree(data.path());
    mock.clear_log();
    let second = refresh(data.path(), &mock);
    assert!(second.unchanged && second.published.is_none());
    assert_eq!(second.exit_code(), 0);
    assert!(
        second
            .sources
            .iter()
            .all(|s| s.outcome == Outcome::NotModified),
        "{:?}",
        second.sources
    );
    let downloads: Vec<_> = mock
        .log()
        .into_iter()
        .filter(|l| l.path.contains("/files/") || l.path.contains(".data.csv"))
        .collect();
    assert!(!downloads.is_empty());
    assert!(
        downloads.iter().all(|l| l.conditional && l.status == 304),
        "{downloads:?}"
    );
    assert!(
        !mock
            .log()
            .iter()
            .any(|l| l.path.starts_with("/ons/") && l.path.ends_with(".csv")),
        "an unchanged ELS series is not downloaded"
    );
    assert_eq!(second.bytes_downloaded, 0);
    assert_eq!(published_tree(data.path()), before);
}

/// Values of the KS4 and 16-18 indicators for Lancashire's districts, the combined authority and
/// England.
fn destination_values(data: &Path) -> BTreeMap<String, String> {
    let geography = lmi_core::Geography::bundled().unwrap();
    let lancashire = geography.member_lads("E47000018");
    assert_eq!(lancashire.len(), 14);
    let areas: BTreeSet<&str> = lancashire
        .iter()
        .map(|a| a.code.as_str())
        .chain(["E47000018", "E92000001"])
        .collect();
    current(data)
        .values
        .iter()
        .filter(|v| v.indicator.starts_with("ks4_") || v.indicator.starts_with("post16_"))
        .filter(|v| areas.contains(v.area_code.as_str()))
        .map(|v| (key_of(v), shown(v)))
        .collect()
}

/// Against the emulated publishers serving `dir`: the 2022/23 (wide) release first, then the
/// 2023/24 (long, cohort-year labels) release appears and is picked up with the same rates.
fn a_new_release_is_picked_up_with_the_same_rates(dir: &Path) -> BTreeMap<String, String> {
    let mock = MockPublishers::start(dir, PAGE);
    for p in [KS4, POST16] {
        mock.hide_release(p, "2023-24");
        mock.set_latest(p, "2022-23");
    }
    let data = tempfile::tempdir().unwrap();
    let first = refresh(data.path(), &mock);
    assert_eq!(first.exit_code(), 0, "{:?}", first.carried);
    let wide = destination_values(data.path());
    let snapshot = current(data.path());
    match provenance(&snapshot, "dfe_ks4_destinations_lad")
        .resolved
        .as_ref()
    {
        Some(Resolved::Ees { release, .. }) => assert_eq!(release, "2022-23"),
        other => panic!("{other:?}"),
    }

    for p in [KS4, POST16] {
        mock.show_release(p, "2023-24");
        mock.set_latest(p, "2023-24");
    }
    let second = refresh(data.path(), &mock);
    assert_eq!(second.exit_code(), 0, "{:?}", second.carried);
    assert!(second.published.is_some());
    assert_eq!(
        outcome(&second, "dfe_ks4_destinations_lad"),
        Outcome::Fetched
    );
    assert_eq!(
        outcome(&second, "dfe_16_18_destinations_lad"),
        Outcome::Fetched
    );
    assert_eq!(
        outcome(&second, "census2021_ts067_lad"),
        Outcome::NotModified
    );
    let snapshot = current(data.path());
    match provenance(&snapshot, "dfe_ks4_destinations_lad")
        .resolved
        .as_ref()
    {
        Some(Resolved::Ees {
            release,
            data_set_title,
            ..
        }) => {
            assert_eq!(release, "2023-24");
            assert_eq!(data_set_title, KS4_LONG_TITLE);
        }
        other => panic!("{other:?}"),
    }
    // The long file labels each cohort one year earlier; served periods stay destination years,
    // so every rate is where it was.
    let long = destination_values(data.path());
    assert!(wide.len() > 100, "{}", wide.len());
    assert_eq!(wide, long);
    long
}

#[test]
fn a_new_release_in_the_long_format_is_picked_up_with_the_same_rates() {
    a_new_release_is_picked_up_with_the_same_rates(&lmi_testkit::sample_dir());
}

#[test]
fn the_long_format_reproduces_dfe_figures_for_lancashire() {
    let Some(real) = real_data_or_skip("the_long_format_reproduces_dfe_figures_for_lancashire")
    else {
        return;
    };
    let values = a_new_release_is_picked_up_with_the_same_rates(&real);
    // DfE's own counts (wide 2022/23 file): Lancashire CA 851/16231, England 18488/572598,
    // Burnley 64/993 = 6.45%, all at destination year 2022/23.
    let rate = |area: &str, ty: &str| {
        values[&format!("ks4_apprenticeship_rate {area} {ty} 2022/23")].clone()
    };
    assert!(
        rate("E47000018", "CombinedAuthority")
            .starts_with("Some(\"851.000000000\") Some(\"16231.000000000\")"),
        "{}",
        rate("E47000018", "CombinedAuthority")
    );
    assert!(
        rate("E92000001", "Country")
            .starts_with("Some(\"18488.000000000\") Some(\"572598.000000000\")"),
        "{}",
        rate("E92000001", "Country")
    );
    let burnley = rate("E07000117", "Lad");
    assert!(
        burnley.starts_with("Some(\"64.000000000\") Some(\"993.000000000\") Some(\"6.445"),
        "{burnley}"
    );
}

fn failed_reason(report: &LiveReport, id: &str) -> String {
    report
        .sources
        .iter()
        .find(|s| s.source_id == id)
        .and_then(|s| s.error.clone())
        .unwrap_or_else(|| panic!("{id} did not fail: {:?}", report.sources))
}

#[test]
fn a_renamed_data_set_fails_clearly_and_the_source_goes_stale_while_the_rest_publish() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    refresh(data.path(), &mock);
    let before = current(data.path()).manifest.version;

    mock.rename_data_set(
        KS4,
        "2023-24",
        KS4_LONG_TITLE,
        "KS4 leavers: where they went",
    );
    // Something else changed too, so the snapshot has news besides the failure.
    mock.rename_els_folder("claimant-count", "claimant-count-rate");
    let report = refresh(data.path(), &mock);
    assert_eq!(report.exit_code(), 3);
    let reason = failed_reason(&report, "dfe_ks4_destinations_lad");
    for needle in [
        "release `2023-24` of `key-stage-4-destination-measures` has no data set",
        "KS4 leavers: where they went",
        "covering `Local authority district`",
    ] {
        assert!(reason.contains(needle), "`{needle}` not in: {reason}");
    }
    assert!(
        report.carried.contains(&Carried::Stale {
            source_id: "dfe_ks4_destinations_lad".into(),
            snapshot: before.clone(),
            reason: reason.clone(),
        }),
        "{:?}",
        report.carried
    );
    let after = current(data.path());
    assert_ne!(after.manifest.version, before, "the others were published");
    // The stale source keeps its last good data, labelled; every other source is fresh.
    let ks4 = provenance(&after, "dfe_ks4_destinations_lad");
    let stale = ks4.stale.as_ref().expect("marked stale");
    assert_eq!(stale.carried_from, before);
    assert_eq!(stale.reason, reason);
    assert_eq!(
        observations_of(
            data.path(),
            &after.manifest.version,
            "dfe_ks4_destinations_lad"
        ),
        observations_of(data.path(), &before, "dfe_ks4_destinations_lad")
    );
    assert!(
        after
            .manifest
            .sources
            .iter()
            .filter(|s| s.source_id != "dfe_ks4_destinations_lad")
            .all(|s| s.stale.is_none())
    );
    assert!(
        after
            .manifest
            .warnings
            .iter()
            .any(|w| w.contains("dfe_ks4_destinations_lad is stale"))
    );
    // The ELS series was found in its renamed folder.
    match provenance(&after, "ons_els_claimant_count")
        .resolved
        .as_ref()
    {
        Some(Resolved::Els { path, .. }) => {
            assert_eq!(path, "claimant-count-rate/claimant-count-rate.csv")
        }
        other => panic!("{other:?}"),
    }
    assert!(
        values_by_key(data.path())
            .keys()
            .any(|k| k.starts_with("ks4_apprenticeship_rate E07000117 ")),
        "the stale source's values are still served"
    );

    // Failing again changes nothing: no new snapshot, the stale mark keeps its start.
    let tree = published_tree(data.path());
    let again = refresh(data.path(), &mock);
    assert_eq!(again.exit_code(), 3);
    assert!(again.published.is_none(), "nothing new to publish");
    assert_eq!(published_tree(data.path()), tree);

    // The publisher fixes the title: the source is fresh again and the mark is gone.
    mock.rename_data_set(
        KS4,
        "2023-24",
        "KS4 leavers: where they went",
        KS4_LONG_TITLE,
    );
    let fixed = refresh(data.path(), &mock);
    assert_eq!(fixed.exit_code(), 0, "{:?}", fixed.carried);
    assert!(
        fixed.published.is_some(),
        "published to clear the stale mark"
    );
    let now = current(data.path());
    assert!(provenance(&now, "dfe_ks4_destinations_lad").stale.is_none());
}

#[test]
fn a_source_that_never_succeeded_is_reported_not_invented() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    mock.rename_data_set(KS4, "2023-24", KS4_LONG_TITLE, "Renamed");
    let report = refresh(data.path(), &mock);
    assert_eq!(report.exit_code(), 3);
    assert!(matches!(
        report.carried.as_slice(),
        [Carried::Missing { source_id, .. }] if source_id == "dfe_ks4_destinations_lad"
    ));
    let snapshot = current(data.path());
    assert!(
        snapshot
            .manifest
            .sources
            .iter()
            .all(|s| s.source_id != "dfe_ks4_destinations_lad"),
        "no provenance for data that does not exist"
    );
    assert!(
        !snapshot
            .values
            .iter()
            .any(|v| v.indicator.starts_with("ks4_"))
    );
    assert!(
        snapshot
            .values
            .iter()
            .any(|v| v.indicator.starts_with("post16_"))
    );
    assert!(
        snapshot
            .manifest
            .warnings
            .iter()
            .any(|w| w.contains("dfe_ks4_destinations_lad is missing"))
    );
}

#[test]
fn sample_data_is_never_carried_into_a_real_snapshot() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    // What `lmi serve` does on a fresh clone: a snapshot of the synthetic sample.
    lmi_refresh::from_dir(
        &lmi_testkit::sample_dir(),
        data.path(),
        &catalogue_without_lsoa(),
    )
    .unwrap();
    let report = refresh_live(
        &LiveRefresh {
            only: vec!["census2021_ts067_lad".into()],
            ..options(data.path(), &mock)
        },
        &NoProgress,
    )
    .unwrap();
    assert_eq!(report.exit_code(), 3);
    let snapshot = current(data.path());
    assert!(snapshot.manifest.sample.is_none());
    assert_eq!(snapshot.manifest.sources.len(), 1);
    assert!(
        report
            .carried
            .iter()
            .all(|c| matches!(c, Carried::Missing { .. })),
        "{:?}",
        report.carried
    );
}

#[test]
fn only_after_a_bootstrap_from_files_fetches_one_source_and_keeps_the_rest() {
    let Some(real) = real_data_or_skip("only_after_a_bootstrap_from_files") else {
        return;
    };
    let mock = MockPublishers::start(&real, PAGE);
    let data = tempfile::tempdir().unwrap();
    let catalogue = catalogue_without_lsoa();
    lmi_refresh::from_dir(&real, data.path(), &catalogue).unwrap();
    let from_files = values_by_key(data.path());
    let before = current(data.path()).manifest.version;
    let report = refresh_live(
        &LiveRefresh {
            only: vec!["census2021_ts067_lad".into()],
            ..options(data.path(), &mock)
        },
        &NoProgress,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.exit_code(), 0, "{:?}", report.carried);
    assert_eq!(outcome(&report, "census2021_ts067_lad"), Outcome::Fetched);
    assert_eq!(outcome(&report, "dfe_ks4_destinations_lad"), Outcome::Kept);
    assert_eq!(
        mock.log()
            .iter()
            .filter(|l| !l.path.starts_with("/nomis/"))
            .count(),
        0,
        "only Nomis was asked"
    );
    let snapshot = current(data.path());
    // Every source, the `local_only` ones (read only by `refresh --from`) kept as they were.
    assert_eq!(snapshot.manifest.sources.len(), catalogue.sources.len());
    for s in catalogue.sources.iter().filter(|s| s.local_only) {
        assert!(
            report.carried.iter().any(
                |c| matches!(c, lmi_refresh::Carried::Kept { source_id, .. } if *source_id == s.id)
            ),
            "{} kept: {:?}",
            s.id,
            report.carried
        );
        assert_eq!(
            observations_of(data.path(), &snapshot.manifest.version, &s.id),
            observations_of(data.path(), &before, &s.id),
            "{}",
            s.id
        );
    }
    assert!(provenance(&snapshot, "census2021_ts067_lad").url.is_some());
    let ks4 = provenance(&snapshot, "dfe_ks4_destinations_lad");
    assert!(
        ks4.stale.is_none() && ks4.url.is_none(),
        "kept as it was: {ks4:?}"
    );
    assert_eq!(
        observations_of(
            data.path(),
            &snapshot.manifest.version,
            "dfe_ks4_destinations_lad"
        ),
        observations_of(data.path(), &before, "dfe_ks4_destinations_lad")
    );
    // The census over the API is the census on disk: every value is the same.
    assert_eq!(values_by_key(data.path()), from_files);
}

fn failing(result: Result<LiveReport, RefreshFailure>) -> RefreshFailure {
    match result {
        Ok(r) => panic!("expected nothing published, got {:?}", r.sources),
        Err(f) => f,
    }
}

#[test]
fn every_fault_stales_only_its_sources_with_the_cause_and_keeps_their_data() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    refresh(data.path(), &mock);

    let forever = u32::MAX;
    let rename = |from: &str, to: &str| FaultKind::RenameColumn {
        from: from.into(),
        to: to.into(),
    };
    let nomis = vec!["census2021_ts067_lad", "nomis_aps_t19_qualifications"];
    let ees = vec![
        "dfe_ks4_destinations_lad",
        "dfe_16_18_destinations_lad",
        "dfe_fe_achievements_lad",
    ];
    // (what, where, fault, how many requests, the sources it may fail, words of the error)
    type Case<'a> = (&'a str, Target, FaultKind, u32, Vec<&'a str>, Vec<&'a str>);
    let cases: Vec<Case> = vec![
        (
            "timeout",
            Target::Ees,
            FaultKind::Delay(Duration::from_millis(1_000)),
            forever,
            ees.clone(),
            vec![
                "timed out",
                "gave up after 3 attempt(s)",
                "/ees/api/releases/",
            ],
        ),
        (
            "an EES 404",
            Target::Ees,
            FaultKind::Status(404),
            forever,
            ees.clone(),
            vec!["HTTP 404", "/ees/api/releases/"],
        ),
        (
            "the EES listing down",
            Target::EesApi,
            FaultKind::Status(503),
            forever,
            ees.clone(),
            vec!["HTTP 503", "/ees/api/publications/"],
        ),
        (
            "the ELS tree down",
            Target::GitHub,
            FaultKind::Status(502),
            forever,
            vec![
                "ons_els_employment_rate",
                "ons_els_claimant_count",
                "ons_els_median_pay",
                "ons_els_qualifications_level3",
                "ons_els_apprenticeships",
            ],
            vec!["HTTP 502", "/git/trees/main"],
        ),
        (
            "server error on every attempt",
            Target::Nomis,
            FaultKind::Status(503),
            forever,
            nomis.clone(),
            vec!["HTTP 503", ".data.csv"],
        ),
        (
            "truncated body",
            Target::Ees,
            FaultKind::Truncate,
            forever,
            ees.clone(),
            vec!["response body truncated", "/ees/api/releases/"],
        ),
        (
            "HTML instead of CSV",
            Target::Nomis,
            FaultKind::Html,
            forever,
            nomis.clone(),
            vec![
                "expected CSV, found an HTML page",
                "Service temporarily unavailable",
            ],
        ),
        (
            "renamed Nomis column",
            Target::Nomis,
            rename("OBS_VALUE", "VALUE"),
            forever,
            nomis.clone(),
            vec![
                "column `OBS_VALUE` is missing",
                "unrecognised: VALUE",
                ".data.csv",
            ],
        ),
        (
            "renamed EES column",
            Target::Ees,
            rename("geographic_level", "level"),
            forever,
            ees.clone(),
            vec!["geographic_level", "level"],
        ),
        (
            "empty file",
            Target::Ees,
            FaultKind::Empty,
            forever,
            ees.clone(),
            vec!["the file is empty", "/ees/api/releases/"],
        ),
        (
            "page missing in the middle of Nomis paging",
            Target::Nomis,
            FaultKind::SkipPage { offset: PAGE },
            forever,
            vec!["census2021_ts067_lad", "nomis_aps_t19_qualifications"],
            vec!["RecordOffset=1000", "a page is missing"],
        ),
        (
            // Rows before it parsed: none of them may reach the snapshot beside the carried data.
            "a malformed area code half way through a file",
            Target::Ees,
            FaultKind::ReplaceCode {
                from: "E07000117".into(),
                to: "not-a-code".into(),
            },
            forever,
            ees.clone(),
            vec!["not-a-code", "GSS", "release `2023-24`"],
        ),
        (
            "an unknown English area code",
            Target::Ees,
            FaultKind::ReplaceCode {
                from: "E07000117".into(),
                to: "E07999999".into(),
            },
            forever,
            ees.clone(),
            vec!["E07999999", "match no current or retired"],
        ),
    ];
    for (what, target, fault, times, failed, needles) in cases {
        // A cold cache, so every source is requested unconditionally.
        let _ = std::fs::remove_dir_all(data.path().join("raw"));
        mock.clear_faults();
        let before = current(data.path()).manifest;
        let mut opts = options(data.path(), &mock);
        if let FaultKind::Delay(d) = fault {
            opts.fetch.read_timeout = d / 5;
        }
        mock.inject(target, fault, times);
        let report = refresh_live(&opts, &NoProgress).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(report.exit_code(), 3, "{what}: {:?}", report.sources);
        let stale: BTreeSet<&str> = report
            .carried
            .iter()
            .filter(|c| c.is_failure())
            .map(Carried::source_id)
            .collect();
        let expected: BTreeSet<&str> = failed.iter().copied().collect();
        // A fault on every EES file may not reach the FE file's rows (e.g. a code only the
        // destination files have): the failed set is within the publisher's sources.
        assert!(
            !stale.is_empty() && stale.is_subset(&expected),
            "{what}: stale {stale:?}, expected within {expected:?}"
        );
        let messages: String = stale
            .iter()
            .map(|id| failed_reason(&report, id))
            .collect::<Vec<_>>()
            .join("\n");
        for n in needles {
            assert!(messages.contains(n), "{what}: `{n}` not in: {messages}");
        }
        let after = current(data.path());
        for id in &stale {
            let p = provenance(&after, id);
            assert!(p.stale.is_some(), "{what}: {id} not marked stale");
            // Its last good data, unchanged.
            let carried_from = &p.stale.as_ref().unwrap().carried_from;
            assert_eq!(
                observations_of(data.path(), &after.manifest.version, id),
                observations_of(data.path(), carried_from, id),
                "{what}: {id}"
            );
        }
        for p in after
            .manifest
            .sources
            .iter()
            .filter(|p| !stale.contains(p.source_id.as_str()))
        {
            assert!(p.stale.is_none(), "{what}: {} is stale", p.source_id);
        }
        assert!(
            after.manifest.version != before.version
                || before.sources.iter().any(|s| s.stale.is_some()),
            "{what}: published"
        );
        // Recover before the next case, so each starts from a fresh snapshot.
        mock.clear_faults();
        let _ = std::fs::remove_dir_all(data.path().join("raw"));
        let healed = refresh(data.path(), &mock);
        assert_eq!(healed.exit_code(), 0, "{what}: {:?}", healed.carried);
    }
}

#[test]
fn when_every_publisher_fails_nothing_is_published() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    refresh(data.path(), &mock);
    let before = published_tree(data.path());
    let _ = std::fs::remove_dir_all(data.path().join("raw"));
    for target in [
        Target::Nomis,
        Target::Ees,
        Target::EesApi,
        Target::Ons,
        Target::GitHub,
    ] {
        mock.inject(target, FaultKind::Status(503), u32::MAX);
    }
    let f = failing(refresh_live(&options(data.path(), &mock), &NoProgress));
    assert_eq!(f.exit_code(), 1, "{f}");
    let RefreshFailure::NothingPublished { message, sources } = &f else {
        panic!("{f:?}")
    };
    assert!(message.contains("HTTP 503"), "{f}");
    assert!(sources.iter().all(|s| s.outcome == Outcome::Failed));
    assert_eq!(published_tree(data.path()), before, "byte for byte");
}

#[test]
fn transient_errors_are_retried_and_the_refresh_publishes() {
    let mock = sample_mock();
    for (what, target, fault, status) in [
        (
            "500 then success",
            Target::Nomis,
            FaultKind::Status(500),
            500,
        ),
        (
            "429 with Retry-After",
            Target::Ees,
            FaultKind::TooManyRequests {
                retry_after_secs: 1,
            },
            429,
        ),
        (
            "listing 502 then success",
            Target::EesApi,
            FaultKind::Status(502),
            502,
        ),
    ] {
        let data = tempfile::tempdir().unwrap();
        mock.clear_faults();
        mock.clear_log();
        mock.inject(target, fault, 1);
        let report = refresh(data.path(), &mock);
        assert_eq!(report.exit_code(), 0, "{what}: {:?}", report.carried);
        assert!(report.published.is_some(), "{what}");
        let statuses: Vec<u16> = mock.log().iter().map(|l| l.status).collect();
        assert!(statuses.contains(&status), "{what}: {statuses:?}");
    }
}

#[test]
fn a_shrunk_release_is_set_aside_until_forced() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    refresh(data.path(), &mock);
    let _ = std::fs::remove_dir_all(data.path().join("raw"));
    mock.inject(Target::Nomis, FaultKind::KeepRows { keep: 300 }, u32::MAX);
    let report = refresh(data.path(), &mock);
    assert_eq!(report.exit_code(), 3);
    let reason = failed_reason(&report, "census2021_ts067_lad");
    assert!(
        reason.contains("fewer than half") && reason.contains("--force"),
        "{reason}"
    );
    let _ = std::fs::remove_dir_all(data.path().join("raw"));
    let forced = refresh_live(
        &LiveRefresh {
            force: true,
            ..options(data.path(), &mock)
        },
        &NoProgress,
    )
    .unwrap();
    assert_eq!(forced.exit_code(), 0, "{:?}", forced.carried);
    assert!(forced.published.is_some());
}

fn lmi(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lmi"));
    cmd.args(args).env("RUST_LOG", "warn");
    for var in [
        "LMI_NOMIS_BASE_URL",
        "LMI_EES_BASE_URL",
        "LMI_EES_API_BASE_URL",
        "LMI_GEOGRAPHY_BASE_URL",
        "LMI_ONS_BASE_URL",
        "LMI_GITHUB_API_BASE_URL",
        "LMI_NOMIS_UID",
        "LMI_CONFIG",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run lmi")
}

/// The bundled catalogue's text without the LSOA census entry (see [`catalogue_without_lsoa`]).
fn catalogue_file(dir: &Path) -> PathBuf {
    let text = lmi_ingest::catalogue::BUNDLED_CATALOGUE;
    let start = text
        .find(&format!("[[source]]\nid = \"{LSOA_SOURCE}\""))
        .unwrap();
    let end = start + 1 + text[start + 1..].find("[[source]]").unwrap();
    let path = dir.join("sources.toml");
    std::fs::write(&path, format!("{}{}", &text[..start], &text[end..])).unwrap();
    assert_eq!(
        Catalogue::parse(&std::fs::read_to_string(&path).unwrap())
            .unwrap()
            .sources
            .len(),
        catalogue_without_lsoa().sources.len()
    );
    path
}

#[test]
fn the_lmi_binary_refreshes_from_mirrors_and_checks_sources() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    let catalogue = catalogue_file(data.path());
    let c = catalogue.to_str().unwrap();
    let (nomis, ees, ons, github) = (
        mock.nomis_base(),
        mock.ees_base(),
        mock.ons_base(),
        mock.github_base(),
    );
    let env = [
        ("LMI_NOMIS_BASE_URL", nomis.as_str()),
        ("LMI_EES_BASE_URL", ees.as_str()),
        ("LMI_ONS_BASE_URL", ons.as_str()),
        ("LMI_GITHUB_API_BASE_URL", github.as_str()),
    ];
    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };

    // What each source resolves to, without downloading it.
    mock.clear_log();
    let out = lmi(&["sources", "check", "--catalogue", c], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Academic year 2023/24 (latest release)"),
        "{stdout}"
    );
    assert!(stdout.contains("release `2023-24`"), "{stdout}");
    assert!(
        stdout.contains("claimant-count/claimant-count.csv"),
        "{stdout}"
    );
    assert!(stdout.contains("NM_17_5.data.csv"), "{stdout}");
    assert!(stdout.contains("10 source(s) resolve"), "{stdout}");

    let n = 10;
    let out = lmi(&["refresh", "--data-dir", d, "--catalogue", c], &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        stdout.contains(&format!("{n} fetched, 0 not modified")),
        "{stdout}"
    );
    assert!(stdout.contains("published snapshot"), "{stdout}");

    let out = lmi(&["refresh", "--data-dir", d, "--catalogue", c], &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        stdout.contains(&format!("0 fetched, {n} not modified")),
        "{stdout}"
    );
    assert!(stdout.contains("0 bytes downloaded"), "{stdout}");
    assert!(stdout.contains("nothing changed"), "{stdout}");

    let out = lmi(&["refresh", "--data-dir", d, "--only", "nope"], &env);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--only `nope`"));
    let out = lmi(
        &["refresh", "--data-dir", d],
        &[("LMI_NOMIS_BASE_URL", "ftp://mirror")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ftp://mirror"));

    // One of the sources fails: the others publish, exit code 3, the failure named.
    mock.rename_data_set(KS4, "2023-24", KS4_LONG_TITLE, "Renamed by DfE");
    let out = lmi(
        &[
            "refresh",
            "--data-dir",
            d,
            "--catalogue",
            c,
            "--log-format",
            "json",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 failed"), "{stdout}");
    assert!(stdout.contains("dfe_ks4_destinations_lad"), "{stdout}");
    assert!(
        stdout.contains("STALE: carried over from snapshot"),
        "{stdout}"
    );
    assert!(stdout.contains("published snapshot"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Renamed by DfE"));

    let out = lmi(&["sources", "check", "--catalogue", c], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("dfe_ks4_destinations_lad"), "{stdout}");
    assert!(stdout.contains("FAILED"), "{stdout}");
    assert!(stdout.contains("Renamed by DfE"), "{stdout}");
    assert!(
        stdout.contains("1 of 10 source(s) cannot be resolved"),
        "{stdout}"
    );
}

#[test]
fn a_full_live_refresh_of_the_real_files_equals_refresh_from_them() {
    let Some(real) = real_data_or_skip("a_full_live_refresh_of_the_real_files") else {
        return;
    };
    let mock = MockPublishers::start(&real, PAGE);
    let data = tempfile::tempdir().unwrap();
    let catalogue = Catalogue::bundled().unwrap();
    let first = refresh_live(
        &LiveRefresh {
            catalogue: catalogue.clone(),
            ..options(data.path(), &mock)
        },
        &NoProgress,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first.exit_code(), 0, "{:?}", first.carried);
    let fetchable = catalogue.sources.iter().filter(|s| !s.local_only).count();
    assert_eq!(first.sources.len(), fetchable, "every fetchable source");
    let report = |id: &str| first.sources.iter().find(|s| s.source_id == id).unwrap();
    for (id, cells) in [
        ("census2021_ts067_lad", mock.nomis_cells()),
        ("census2021_ts067_lsoa", mock.nomis_lsoa_cells()),
    ] {
        assert_eq!(
            report(id).pages,
            cells.div_ceil(PAGE),
            "{id}: Nomis was paged"
        );
        assert_eq!(report(id).rows as u64, cells, "{id}");
    }
    // APS: both queries (NVQ4+ 290 and RQF4+ 1902), each paged on its own.
    let aps = report("nomis_aps_t19_qualifications");
    assert_eq!(
        aps.rows as u64,
        mock.aps_cells() + mock.aps_rqf4_cells(),
        "{aps:?}"
    );

    // The same numbers as reading the files from disk, for every value the files give (the
    // emulated publishers add what the files do not have: the RQF years of APS and the FE
    // participation measures). APS intervals differ by the API's 0.1-point rounding.
    let from_dir = tempfile::tempdir().unwrap();
    lmi_refresh::from_dir(&real, from_dir.path(), &catalogue).unwrap();
    // A fetching refresh into an empty directory has no `local_only` source to keep.
    let (live, disk) = (values_by_key(data.path()), values_by_key(from_dir.path()));
    let mut compared = 0;
    let fetched = disk
        .iter()
        .filter(|(k, _)| fetchable_indicator(k.split(' ').next().unwrap_or_default()));
    for (key, shown_on_disk) in fetched {
        let Some(shown_live) = live.get(key) else {
            panic!("{key}: in the files, not in the live refresh");
        };
        assert_eq!(shown_live, shown_on_disk, "{key}");
        compared += 1;
    }
    assert!(compared > 10_000, "{compared}");
    // A series break marks APS's first RQF year.
    let snapshot = current(data.path());
    assert!(
        snapshot
            .values
            .iter()
            .any(|v| v.indicator == "aps_level4plus_share"
                && v.period == "2022"
                && v.status == lmi_core::Status::SeriesBreak)
    );
}

/// `lmi serve --refresh-schedule`: the server refreshes from the publishers by itself on the
/// schedule and swaps to what it published, without a restart.
#[test]
fn the_server_refreshes_on_its_schedule_and_serves_the_result() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let (nomis, ees, ons, github) = (
        mock.nomis_base(),
        mock.ees_base(),
        mock.ons_base(),
        mock.github_base(),
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lmi"));
    cmd.args([
        "serve",
        "--data-dir",
        data.path().to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
        "--watch-interval-ms",
        "200",
        // Every 2 seconds: the first run starts within 2 s of start-up.
        "--refresh-schedule",
        "*/2 * * * * *",
    ])
    .env("RUST_LOG", "info")
    .env("LMI_NOMIS_BASE_URL", &nomis)
    .env("LMI_EES_BASE_URL", &ees)
    .env("LMI_ONS_BASE_URL", &ons)
    .env("LMI_GITHUB_API_BASE_URL", &github)
    .env_remove("LMI_CONFIG")
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::null());
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut server = Killed(cmd.spawn().unwrap());
    let stdout = server.0.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("lmi listening on http://")
                .map(|rest| rest.split_whitespace().next().unwrap().to_owned())
        })
        .expect("the server says where it listens");
    let get = |path: &str| -> serde_json::Value {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        let body = text.split_once("\r\n\r\n").unwrap().1;
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
    };
    let first = get("/v1/snapshot");
    assert_eq!(
        first["sample"], true,
        "a fresh data directory serves the sample first"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    let swapped = loop {
        let now = get("/v1/snapshot");
        if now["sample"] == false {
            break now;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no scheduled refresh was served within 180 s: {now}"
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_ne!(swapped["version"], first["version"]);
    // The publishers were asked by the server itself.
    assert!(mock.log().iter().any(|l| l.path.starts_with("/nomis/")));
    // The sources it fetched are in the served provenance.
    let sources = get("/v1/sources");
    assert!(
        sources["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["source_id"] == "census2021_ts067_lad" && s["url"].is_string()),
        "{sources}"
    );
}
