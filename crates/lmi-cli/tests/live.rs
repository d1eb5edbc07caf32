//! `lmi refresh` over HTTP against a local server standing in for Nomis, DfE EES and ONS, serving
//! the real files from `LMI_REAL_DATA` for every source of the bundled catalogue: a full refresh
//! equals `refresh --from`, a rerun downloads nothing, and every fault leaves the published
//! snapshot byte for byte as it was.

use lmi_cli::{LiveRefresh, RefreshFailure, refresh_live};
use lmi_ingest::Catalogue;
use lmi_ingest::fetch::FetchConfig;
use lmi_ingest::live::{NoProgress, Outcome};
use lmi_testkit::{FaultKind, MockPublishers, Target};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const PAGE: u64 = 1_000;

fn real_data(test: &str) -> Option<PathBuf> {
    match std::env::var_os("LMI_REAL_DATA").filter(|v| !v.is_empty()) {
        Some(dir) => Some(
            Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../..")
                .join(dir),
        ),
        None => {
            eprintln!("SKIPPED {test}: set LMI_REAL_DATA to the shared data directory to run it");
            None
        }
    }
}

/// Short backoff so fault tests stay fast; timeouts generous enough for a loaded CI machine
/// (the timeout scenario shortens its own).
fn fetch_config(mock: &MockPublishers) -> FetchConfig {
    let mut c = FetchConfig {
        connect_timeout_ms: 5_000,
        read_timeout_ms: 5_000,
        max_attempts: 3,
        initial_backoff_ms: 10,
        max_backoff_ms: 40,
        max_retry_after_ms: 50,
        ..FetchConfig::default()
    };
    c.base_urls.nomis = mock.nomis_base();
    c.base_urls.ees = mock.ees_base();
    c.base_urls.ons = mock.ons_base();
    c
}

fn options(data: &Path, mock: &MockPublishers) -> LiveRefresh {
    LiveRefresh {
        data_dir: data.to_owned(),
        catalogue: Catalogue::bundled().unwrap(),
        fetch: fetch_config(mock),
        only: Vec::new(),
        dry_run: false,
        force: false,
    }
}

/// For the fault scenarios, which refresh again and again from a cold cache: the bundled catalogue
/// without its one optional source, the 2021 LSOA census (~86 MB in the Nomis API layout, 286
/// pages here), which alone makes a refresh take tens of seconds in a debug build. Its route (the
/// same Nomis paging as the LAD census, which every fault scenario exercises) is covered by the
/// full-catalogue tests above and below.
fn fault_options(data: &Path, mock: &MockPublishers) -> LiveRefresh {
    let mut catalogue = Catalogue::bundled().unwrap();
    catalogue
        .sources
        .retain(|s| !(s.optional && s.id == "census2021_ts067_lsoa"));
    LiveRefresh {
        data_dir: data.to_owned(),
        catalogue,
        fetch: fetch_config(mock),
        only: Vec::new(),
        dry_run: false,
        force: false,
    }
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

fn sorted_values(data: &Path) -> Vec<String> {
    let snapshot = lmi_store::Store::open(data).load_current().unwrap();
    let mut v: Vec<String> = snapshot
        .values
        .iter()
        // Confidence intervals are compared separately (the APS API route rounds them).
        // Floating-point sums (coverage) may differ in the last bits with row order.
        .map(|x| {
            let r = |v: Option<f64>| v.map(|v| format!("{v:.9}"));
            format!(
                "{} {} {:?} {} {:?} {:?} {:?} {:?} {} {:?} {}",
                x.indicator,
                x.area_code,
                x.area_type,
                x.period,
                r(x.numerator),
                r(x.denominator),
                r(x.value),
                x.status,
                x.approximate,
                r(x.coverage),
                x.constituents
            )
        })
        .collect();
    v.sort();
    v
}

#[test]
fn a_live_refresh_equals_refresh_from_and_a_rerun_downloads_nothing() {
    let Some(real) = real_data("a_live_refresh_equals_refresh_from") else {
        return;
    };
    let mock = MockPublishers::start(&real, PAGE);
    let data = tempfile::tempdir().unwrap();
    let first = refresh_live(&options(data.path(), &mock), &NoProgress).unwrap();
    let manifest = first.published.as_ref().expect("published");
    assert!(first.sources.iter().all(|s| s.outcome == Outcome::Fetched));
    let catalogue = Catalogue::bundled().unwrap();
    assert_eq!(first.sources.len(), catalogue.sources.len(), "every source");
    let report = |id: &str| first.sources.iter().find(|s| s.source_id == id).unwrap();
    for (id, cells) in [
        ("census2021_ts067_lad", mock.nomis_cells()),
        ("census2021_ts067_lsoa", mock.nomis_lsoa_cells()),
        ("nomis_aps_t19_qualifications", mock.aps_cells()),
    ] {
        assert_eq!(
            report(id).pages,
            cells.div_ceil(PAGE),
            "{id}: Nomis was paged"
        );
        assert_eq!(report(id).rows as u64, cells, "{id}");
    }
    assert!(
        mock.log()
            .iter()
            .any(|l| l.query.contains("RecordOffset=2000"))
    );
    assert!(mock.log().iter().all(|l| l.user_agent.starts_with("lmi/")));

    // Provenance: URL, validators, release and every raw body in the cache.
    for s in &manifest.sources {
        assert!(s.url.as_deref().unwrap().starts_with(&mock.base), "{s:?}");
        assert!(s.etag.is_some() && s.last_modified.is_some() && s.fetched_at.is_some());
        assert!(s.release.is_some());
        for part in &s.raw_parts {
            let bytes = std::fs::read(data.path().join("raw").join(&part.sha256)).unwrap();
            assert_eq!(bytes.len() as u64, part.bytes);
        }
    }

    // The same numbers as reading the files from disk, for every source. Only the APS route
    // differs in form: the API serves the NVQ4+ count (as the web extract), the 16-64 denominator
    // (the extract's sum of the seven T19 categories, which the mock serves) and the interval in
    // percentage points rounded to 0.1 (the extract: a ± count). So shares, counts and statuses
    // must be equal; intervals equal within that rounding (0.05 points), and exactly equal for
    // every other indicator.
    let from_dir = tempfile::tempdir().unwrap();
    lmi_cli::refresh_from_dir(&real, from_dir.path(), &catalogue).unwrap();
    let (live, disk) = (sorted_values(data.path()), sorted_values(from_dir.path()));
    let (live_set, disk_set): (BTreeSet<&String>, BTreeSet<&String>) =
        (live.iter().collect(), disk.iter().collect());
    let only_live: Vec<_> = live_set.difference(&disk_set).take(3).collect();
    let only_disk: Vec<_> = disk_set.difference(&live_set).take(3).collect();
    assert!(
        only_live.is_empty() && only_disk.is_empty() && live.len() == disk.len(),
        "live only: {only_live:?}\ndisk only: {only_disk:?}"
    );
    let intervals = |dir: &Path| {
        let snapshot = lmi_store::Store::open(dir).load_current().unwrap();
        snapshot
            .values
            .iter()
            .map(|x| {
                (
                    format!(
                        "{} {} {} {:?}",
                        x.indicator, x.area_code, x.period, x.area_type
                    ),
                    (x.ci_lower, x.ci_upper),
                )
            })
            .collect::<BTreeMap<_, _>>()
    };
    let (live_ci, disk_ci) = (intervals(data.path()), intervals(from_dir.path()));
    assert_eq!(live_ci.len(), disk_ci.len());
    let mut aps_intervals = 0;
    for (key, (lo, hi)) in &live_ci {
        let (dlo, dhi) = disk_ci[key];
        let tolerance = if key.starts_with("aps_level4plus_share ") {
            0.05 + 1e-9
        } else {
            1e-9
        };
        for (a, b) in [(lo, dlo), (hi, dhi)] {
            match (a, b) {
                (Some(a), Some(b)) => assert!((a - b).abs() <= tolerance, "{key}: {a} vs {b}"),
                (None, None) => {}
                _ => panic!("{key}: interval {a:?} live, {b:?} from files"),
            }
        }
        if key.starts_with("aps_level4plus_share ") && lo.is_some() {
            aps_intervals += 1;
        }
    }
    assert!(
        aps_intervals > 1_000,
        "APS intervals compared: {aps_intervals}"
    );

    // Rerun: one conditional request per source, each a 304, nothing downloaded or published.
    let before = published_tree(data.path());
    mock.clear_log();
    let second = refresh_live(&options(data.path(), &mock), &NoProgress).unwrap();
    assert!(second.unchanged && second.published.is_none());
    assert!(
        second
            .sources
            .iter()
            .all(|s| s.outcome == Outcome::NotModified)
    );
    let log = mock.log();
    assert_eq!(log.len(), catalogue.sources.len(), "{log:?}");
    assert!(
        log.iter().all(|l| l.conditional && l.status == 304),
        "{log:?}"
    );
    assert_eq!(second.bytes_downloaded, 0);
    assert_eq!(published_tree(data.path()), before);
    eprintln!(
        "bytes fetched: first refresh {}, second refresh {}",
        first.bytes_downloaded, second.bytes_downloaded
    );
}

fn failing(result: Result<lmi_cli::LiveReport, RefreshFailure>) -> RefreshFailure {
    match result {
        Ok(r) => panic!("expected a failure, got {:?}", r.sources),
        Err(f) => f,
    }
}

#[test]
fn every_fault_fails_with_its_cause_and_leaves_the_snapshot_byte_for_byte() {
    let Some(real) = real_data("every_fault_fails_with_its_cause") else {
        return;
    };
    let mock = MockPublishers::start(&real, PAGE);
    let data = tempfile::tempdir().unwrap();
    refresh_live(&fault_options(data.path(), &mock), &NoProgress).unwrap();
    let before = published_tree(data.path());

    let forever = u32::MAX;
    let rename = |from: &str, to: &str| FaultKind::RenameColumn {
        from: from.into(),
        to: to.into(),
    };
    let cases: Vec<(&str, Target, FaultKind, u32, Vec<&str>)> = vec![
        (
            "timeout",
            Target::Ees,
            FaultKind::Delay(Duration::from_millis(1_000)),
            forever,
            vec![
                "timed out",
                "gave up after 3 attempt(s)",
                "/ees/api/releases/",
            ],
        ),
        (
            "server error on every attempt",
            Target::Nomis,
            FaultKind::Status(503),
            forever,
            vec!["HTTP 503", "NM_2084_1.data.csv"],
        ),
        (
            "truncated body",
            Target::Ees,
            FaultKind::Truncate,
            forever,
            vec!["response body truncated", "/ees/api/releases/"],
        ),
        (
            "HTML instead of CSV",
            Target::Nomis,
            FaultKind::Html,
            1,
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
            vec![
                "column `OBS_VALUE` is missing",
                "unrecognised: VALUE",
                "NM_2084_1.data.csv",
            ],
        ),
        (
            "renamed EES column",
            Target::Ees,
            rename("appren", "apprenticeships"),
            forever,
            vec![
                "column `appren` is missing",
                "unrecognised: apprenticeships",
            ],
        ),
        (
            "empty file",
            Target::Ees,
            FaultKind::Empty,
            1,
            vec!["the file is empty", "/ees/api/releases/"],
        ),
        (
            "page missing in the middle of Nomis paging",
            Target::Nomis,
            FaultKind::SkipPage { offset: PAGE },
            forever,
            vec!["RecordOffset=1000", "a page is missing"],
        ),
        (
            "a release that shrank by more than half",
            Target::Nomis,
            FaultKind::KeepRows { keep: 800 },
            forever,
            vec!["800 observations, fewer than half of the 2648", "--force"],
        ),
        (
            "an unknown English area code",
            Target::Ees,
            FaultKind::ReplaceCode {
                from: "E07000117".into(),
                to: "E07999999".into(),
            },
            forever,
            vec![
                "dfe_ks4_destinations_lad",
                "E07999999",
                "match no current or retired",
            ],
        ),
    ];
    for (what, target, fault, times, needles) in cases {
        // A cold cache, so every source is requested unconditionally.
        let _ = std::fs::remove_dir_all(data.path().join("raw"));
        mock.clear_faults();
        let mut opts = fault_options(data.path(), &mock);
        if let FaultKind::Delay(d) = fault {
            opts.fetch.read_timeout_ms = d.as_millis() as u64 / 5;
        }
        mock.inject(target, fault, times);
        let f = failing(refresh_live(&opts, &NoProgress));
        assert_eq!(f.exit_code, 1, "{what}: {f}");
        for n in needles {
            assert!(f.message.contains(n), "{what}: `{n}` not in: {f}");
        }
        assert!(
            f.sources.iter().any(|s| s.outcome == Outcome::Failed),
            "{what}"
        );
        assert_eq!(
            published_tree(data.path()),
            before,
            "{what}: the published snapshot changed"
        );
    }
}

#[test]
fn transient_errors_are_retried_and_the_refresh_publishes() {
    let Some(real) = real_data("transient_errors_are_retried") else {
        return;
    };
    let mock = MockPublishers::start(&real, PAGE);
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
    ] {
        let data = tempfile::tempdir().unwrap();
        mock.clear_faults();
        mock.clear_log();
        mock.inject(target, fault, 1);
        let report = refresh_live(&fault_options(data.path(), &mock), &NoProgress)
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(report.published.is_some(), "{what}");
        let statuses: Vec<u16> = mock.log().iter().map(|l| l.status).collect();
        assert!(statuses.contains(&status), "{what}: {statuses:?}");
        let retried = report
            .sources
            .iter()
            .find(|s| u64::from(s.requests) > s.pages)
            .unwrap_or_else(|| panic!("{what}: no source shows a retry"));
        assert_eq!(retried.outcome, Outcome::Fetched, "{what}");
    }
}

#[test]
fn a_rerun_after_a_failure_fetches_only_what_failed_and_force_overrides_a_shrunk_release() {
    let Some(real) = real_data("a_rerun_after_a_failure_fetches_only_what_failed") else {
        return;
    };
    let mock = MockPublishers::start(&real, PAGE);
    let data = tempfile::tempdir().unwrap();
    mock.inject(Target::Nomis, FaultKind::Status(500), u32::MAX);
    let f = failing(refresh_live(
        &fault_options(data.path(), &mock),
        &NoProgress,
    ));
    assert!(f.message.contains("HTTP 500"), "{f}");
    assert!(!data.path().join("current").exists(), "nothing published");

    mock.clear_faults();
    mock.clear_log();
    let report = refresh_live(&fault_options(data.path(), &mock), &NoProgress).unwrap();
    assert!(report.published.is_some());
    let outcome = |id: &str| {
        report
            .sources
            .iter()
            .find(|s| s.source_id == id)
            .unwrap()
            .outcome
    };
    assert_eq!(outcome("dfe_ks4_destinations_lad"), Outcome::Resumed);
    assert_eq!(outcome("census2021_ts067_lad"), Outcome::Fetched);
    assert!(
        mock.log().iter().all(|l| !l.path.starts_with("/ees/")),
        "the source that succeeded was not asked again: {:?}",
        mock.log()
    );

    // A shrunk release is refused, then published with --force.
    let _ = std::fs::remove_dir_all(data.path().join("raw"));
    mock.inject(Target::Nomis, FaultKind::KeepRows { keep: 800 }, u32::MAX);
    let f = failing(refresh_live(
        &fault_options(data.path(), &mock),
        &NoProgress,
    ));
    assert!(f.message.contains("fewer than half"), "{f}");
    let forced = refresh_live(
        &LiveRefresh {
            force: true,
            ..fault_options(data.path(), &mock)
        },
        &NoProgress,
    )
    .unwrap();
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

#[test]
fn the_lmi_binary_fetches_from_mirrors_named_in_the_environment() {
    let Some(real) = real_data("the_lmi_binary_fetches_from_mirrors") else {
        return;
    };
    let mock = MockPublishers::start(&real, PAGE);
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    let nomis = mock.nomis_base();
    let ees = mock.ees_base();
    let ons = mock.ons_base();
    let env = [
        ("LMI_NOMIS_BASE_URL", nomis.as_str()),
        ("LMI_EES_BASE_URL", ees.as_str()),
        ("LMI_ONS_BASE_URL", ons.as_str()),
    ];
    // The bundled catalogue: every source is fetched.
    let n = Catalogue::bundled().unwrap().sources.len();
    let out = lmi(&["refresh", "--data-dir", d], &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains(&format!("{n} fetched, 0 not modified")),
        "{stdout}"
    );
    assert!(stdout.contains("published snapshot"), "{stdout}");

    let out = lmi(&["refresh", "--data-dir", d], &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stdout.contains(&format!("0 fetched, {n} not modified")),
        "{stdout}"
    );
    assert!(stdout.contains("0 bytes downloaded"), "{stdout}");
    assert!(stdout.contains("unchanged"), "{stdout}");

    let out = lmi(&["refresh", "--data-dir", d, "--only", "nope"], &env);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--only `nope`"));
    let out = lmi(
        &["refresh", "--data-dir", d],
        &[("LMI_NOMIS_BASE_URL", "ftp://mirror")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ftp://mirror"));

    mock.inject(Target::Ees, FaultKind::Html, 1);
    let _ = std::fs::remove_dir_all(data.path().join("raw"));
    let out = lmi(&["refresh", "--data-dir", d, "--log-format", "json"], &env);
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 failed"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("HTML page"));
}
