//! The Nomis routes of TS063 (occupation), TS066 (economic activity) by district, UK Business
//! Counts (NM_142_1) and the APS T13a cells found by label (NM_17_1): a fetching refresh gets
//! each with the paging and discovery it needs, gives the pipeline what `refresh --from` gives it
//! from the same files, and a fault on one route stales only its source.
//!
//! TS066 below upper tier exists only in the synthetic sample (a district table made by
//! scripts/make_sample.py); with the real files the emulator serves TS066 for upper-tier
//! authorities only, so the real-data test leaves the district and LSOA entries out.

use crate::support::*;
use lmi_core::Resolved;
use lmi_fetch::Outcome;
use lmi_ingest::FetchSpec;
use lmi_refresh::{Carried, refresh_live};
use lmi_testkit::{FaultKind, MockPublishers, Target};
use std::collections::BTreeSet;
use std::path::Path;

const TS063: &str = "census2021_ts063_lad";
const TS063_LSOA: &str = "census2021_ts063_lsoa";
const UKBC: &str = "nomis_ukbc_enterprises";
const T13A: &str = "nomis_aps_t13a_industry";
const TS066: &str = "census2021_ts066_lad";
const T09B: &str = "nomis_aps_t09b_occupation";
/// The breakdowns these sources feed.
const BREAKDOWNS: [&str; 5] = [
    "census_occupation",
    "census_economic_activity",
    "enterprises_by_industry",
    "enterprises_by_size",
    "aps_employment_by_industry",
];

/// Observations of one source in a snapshot without the publisher's flags (Nomis cells carry
/// `OBS_STATUS=…`, the tidied web extracts none), sorted, as text.
fn observations_without_flags(data: &Path, version: &str, source: &str) -> Vec<String> {
    let df = lmi_store::Store::open(data)
        .load_observations(version)
        .unwrap();
    let df = lmi_ingest::filter_sources(&df, &[source], true).unwrap();
    sorted_rows(&df, &[lmi_core::schema::observations::FLAGS])
}

/// The rows of `BREAKDOWNS` in the current snapshot, sorted, as text.
fn breakdown_rows(data: &Path) -> Vec<String> {
    let store = lmi_store::Store::open(data);
    let version = store.load_current().unwrap().manifest.version;
    let mut rows: Vec<String> = store
        .load_demand(&version)
        .unwrap()
        .breakdowns
        .iter()
        .filter(|r| BREAKDOWNS.contains(&r.breakdown.as_str()))
        .map(|r| {
            // Floating point to 9 places: sums over districts may add in another order.
            let f = |v: Option<f64>| v.map(|v| format!("{v:.9}"));
            format!(
                "{} {} {} {:?} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?} {} {:?} {} {:?}",
                r.breakdown,
                r.part,
                r.area_code,
                r.area_type,
                r.period,
                f(r.count),
                f(r.total),
                f(r.share),
                f(r.england_share),
                f(r.location_quotient),
                f(r.share_change),
                r.status,
                r.approximate,
                f(r.coverage),
                r.constituents,
                r.note
            )
        })
        .collect();
    rows.sort();
    rows
}

#[test]
fn the_breakdown_ids_named_here_exist() {
    for id in BREAKDOWNS {
        assert!(
            lmi_core::breakdown::COUNT_BREAKDOWNS
                .iter()
                .any(|b| b.id == id),
            "{id}"
        );
    }
}

/// Rows only in one of two sorted lists (at most five of each), for a readable failure.
fn differences(live: &[String], disk: &[String]) -> String {
    let (a, b): (BTreeSet<&String>, BTreeSet<&String>) =
        (live.iter().collect(), disk.iter().collect());
    let only = |x: &BTreeSet<&String>, y: &BTreeSet<&String>| {
        x.difference(y)
            .take(5)
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "{} live, {} from files\nonly live:\n{}\nonly from files:\n{}",
        live.len(),
        disk.len(),
        only(&a, &b),
        only(&b, &a)
    )
}

/// Pages a query of `cells` cells takes.
fn pages(cells: u64) -> u64 {
    cells.div_ceil(PAGE)
}

#[test]
fn the_new_nomis_routes_are_fetched_and_equal_refresh_from_the_same_files() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let report = refresh(data.path(), &mock);
    assert!(!report.is_partial(), "{:?}", report.carried);
    let of = |id: &str| report.sources.iter().find(|s| s.source_id == id).unwrap();
    for id in [TS063, TS066, UKBC, T13A] {
        assert_eq!(of(id).outcome, Outcome::Fetched, "{id}");
    }
    // TS066 by district: every category, counts and percentages (the sample's synthetic table).
    let ts066_cells = mock.ts066_cells("154", |_, _| true);
    assert!(ts066_cells > PAGE, "the sample pages TS066");
    assert_eq!(of(TS066).rows as u64, ts066_cells);
    assert_eq!(of(TS066).pages, pages(ts066_cells));
    // TS063: one paged query of every district x ten categories.
    assert!(mock.ts063_cells() > PAGE, "the sample pages TS063");
    assert_eq!(of(TS063).rows as u64, mock.ts063_cells());
    assert_eq!(of(TS063).pages, pages(mock.ts063_cells()));
    // UK Business Counts: the size bands of all industries, then each industry's total.
    let bands = mock.ukbc_cells(|i, _| i == lmi_testkit::nomis::UKBC_INDUSTRY_TOTAL);
    let industries = mock.ukbc_cells(|i, b| i > lmi_testkit::nomis::UKBC_INDUSTRY_BASE && b == 0);
    assert!(bands > 0 && industries > 0);
    assert_eq!(of(UKBC).rows as u64, bands + industries);
    assert_eq!(of(UKBC).pages, pages(bands) + pages(industries));
    // T13a: the nine cells chosen from the codelist by label, every T13a cell served.
    let t13a_cells = mock.aps_table_cells("T13a:");
    assert_eq!(of(T13A).rows as u64, t13a_cells);
    assert_eq!(of(T13A).pages, pages(t13a_cells));

    let snapshot = current(data.path());
    match &provenance(&snapshot, T13A).resolved {
        Some(Resolved::Nomis {
            dataset,
            queries,
            cells,
        }) => {
            assert_eq!(dataset, "NM_17_1");
            assert_eq!(cells.len(), 9, "{cells:?}");
            assert!(
                cells
                    .values()
                    .all(|l| l.starts_with("T13a:") && l.contains("All people")),
                "{cells:?}"
            );
            let ids: Vec<&str> = cells.keys().map(String::as_str).collect();
            assert!(
                queries[0].contains(&format!("cell={}", ids.join(","))),
                "{queries:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    let log = mock.log();
    assert!(
        log.iter()
            .any(|l| l.path == lmi_testkit::NOMIS_APS_CELL_CODELIST_PATH && l.status == 200)
    );
    // The codelist lists `Males` cells of T13a too: none was asked for.
    let t13a_query = log
        .iter()
        .find(|l| l.path == lmi_testkit::NOMIS_APS_CELLS_PATH)
        .unwrap();
    assert_eq!(
        t13a_query
            .query
            .split('&')
            .find_map(|p| p.strip_prefix("cell="))
            .unwrap()
            .split(',')
            .count(),
        9
    );

    // T09b (SOC 2020, synthetic in the emulator): 26 cells found by label, its own breakdown
    // starting with a series break, never joined to T09a's (SOC 2010) breakdown.
    assert_eq!(of(T09B).outcome, Outcome::Fetched);
    assert_eq!(of(T09B).rows as u64, mock.aps_table_cells("T09b:"));
    match &provenance(&snapshot, T09B).resolved {
        Some(Resolved::Nomis { cells, .. }) => {
            assert_eq!(cells.len(), 26, "{cells:?}");
            assert!(cells.values().all(|l| l.contains("All people - ")));
        }
        other => panic!("{other:?}"),
    }
    let store = lmi_store::Store::open(data.path());
    let demand = store.load_demand(&snapshot.manifest.version).unwrap();
    let soc2020: Vec<_> = demand
        .breakdowns
        .iter()
        .filter(|r| r.breakdown == "aps_employment_by_occupation_soc2020")
        .collect();
    assert!(!soc2020.is_empty());
    assert!(
        soc2020
            .iter()
            .filter(|r| r.period == "2021")
            .all(|r| r.share_change.is_none() && r.status != lmi_core::Status::Ok)
    );
    assert!(soc2020.iter().any(|r| r.period == "2021"
        && r.status == lmi_core::Status::SeriesBreak
        && r.count.is_some()));
    assert!(
        soc2020
            .iter()
            .any(|r| r.period == "2022" && r.share_change.is_some())
    );
    assert!(
        demand
            .breakdowns
            .iter()
            .all(|r| r.breakdown != "aps_employment_by_occupation"),
        "T09a (closed, local only) is not fetched and not mixed in"
    );

    // `refresh --from` over the files the emulator served: the same observations (but for the
    // Nomis flags) and the same breakdown rows.
    let from_dir = tempfile::tempdir().unwrap();
    from_files(
        &lmi_testkit::sample_dir(),
        from_dir.path(),
        &catalogue_without_lsoa(),
    )
    .unwrap();
    let disk_version = current(from_dir.path()).manifest.version;
    for id in [TS063, TS066, UKBC, T13A] {
        let live = observations_without_flags(data.path(), &snapshot.manifest.version, id);
        assert!(!live.is_empty(), "{id}");
        assert_eq!(
            live,
            observations_without_flags(from_dir.path(), &disk_version, id),
            "{id}"
        );
    }
    let live = breakdown_rows(data.path());
    assert!(live.len() > 1_000, "{}", live.len());
    // Economic activity now has values for two-tier districts (Burnley) and TTWAs.
    for area in ["E07000117 Lad", "Ttwa"] {
        assert!(
            live.iter()
                .any(|r| r.starts_with("census_economic_activity ")
                    && r.contains(area)
                    && r.contains(" Ok ")),
            "{area}"
        );
    }
    let disk = breakdown_rows(from_dir.path());
    assert!(live == disk, "{}", differences(&live, &disk));
}

#[test]
fn a_fault_on_one_new_nomis_route_stales_only_its_source() {
    let mock = sample_mock();
    let healthy = tempfile::tempdir().unwrap();
    refresh(healthy.path(), &mock);
    let rename = |from: &str, to: &str| FaultKind::RenameColumn {
        from: from.into(),
        to: to.into(),
    };
    let cases = [
        (
            Target::NomisDataset("NM_2080_1"),
            rename("C2021_OCC_10", "OCCUPATION"),
            vec![TS063],
            vec!["column `C2021_OCC_10` is missing", "NM_2080_1"],
        ),
        (
            Target::NomisDataset("NM_2083_1"),
            FaultKind::KeepRows { keep: 10 },
            // The district and the upper-tier TS066 tables are both NM_2083_1.
            vec![TS066, "census2021_ts066_utla"],
            vec!["fewer than half", "--force"],
        ),
        (
            Target::NomisDataset("NM_142_1"),
            FaultKind::Status(500),
            vec![UKBC],
            vec!["HTTP 500", "NM_142_1"],
        ),
        (
            Target::NomisDataset("NM_17_1"),
            rename("CELL_NAME", "CELL_LABEL"),
            // Both APS cell tables are NM_17_1.
            vec![T13A, T09B],
            vec!["CELL_NAME", "NM_17_1"],
        ),
    ];
    for (target, fault, sources, needles) in cases {
        let data = tempfile::tempdir().unwrap();
        lmi_testkit::copy_dir(healthy.path(), data.path()).unwrap();
        let _ = std::fs::remove_dir_all(data.path().join("raw"));
        mock.clear_faults();
        mock.inject(target, fault, u32::MAX);
        let report = refresh(data.path(), &mock);
        let stale: BTreeSet<&str> = report
            .carried
            .iter()
            .filter(|c| c.is_failure())
            .map(Carried::source_id)
            .collect();
        let expected: BTreeSet<&str> = sources.iter().copied().collect();
        assert_eq!(stale, expected, "{:?}", report.sources);
        let after = current(data.path());
        for source in sources {
            let reason = failed_reason(&report, source);
            for n in &needles {
                assert!(reason.contains(n), "`{n}` not in: {reason}");
            }
            let p = provenance(&after, source);
            let carried_from = &p.stale.as_ref().expect("marked stale").carried_from;
            assert_eq!(
                observations_of(data.path(), &after.manifest.version, source),
                observations_of(data.path(), carried_from, source)
            );
        }
    }
}

#[test]
fn cells_that_match_no_label_fail_naming_what_was_asked_and_what_came_back() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let mut opts = options(data.path(), &mock);
    let source = opts
        .catalogue
        .sources
        .iter_mut()
        .find(|s| s.id == T13A)
        .unwrap();
    let Some(FetchSpec::Nomis(n)) = source.fetch.as_mut() else {
        panic!("{T13A} is a Nomis source")
    };
    n.cells.as_mut().unwrap().label_contains = vec!["All persons".into()];
    let report = refresh_live(&opts, &store_of(&opts), &lmi_fetch::NoProgress).unwrap();
    let stale: BTreeSet<&str> = report
        .carried
        .iter()
        .filter(|c| c.is_failure())
        .map(Carried::source_id)
        .collect();
    assert_eq!(stale, BTreeSet::from([T13A]));
    let reason = failed_reason(&report, T13A);
    for n in [
        "NM_17_1/cell/def.sdmx.json",
        "asked for the 9 `cell` codes whose labels contain `T13a:` and `All persons`",
        "0 of the",
    ] {
        assert!(reason.contains(n), "`{n}` not in: {reason}");
    }
    // No data request was made for it: the only NM_17_1 data requests are T09b's (26 cells).
    for l in mock
        .log()
        .iter()
        .filter(|l| l.path == lmi_testkit::NOMIS_APS_CELLS_PATH)
    {
        let cells = l
            .query
            .split('&')
            .find_map(|p| p.strip_prefix("cell="))
            .unwrap();
        assert_eq!(cells.split(',').count(), 26, "{}", l.query);
    }
}

#[test]
fn the_real_files_over_the_new_nomis_routes_equal_refresh_from_them() {
    let Some(real) = lmi_testkit::real_data("the_real_files_over_the_new_nomis_routes") else {
        return;
    };
    let mock = MockPublishers::start(&real, 25_000);
    let data = tempfile::tempdir().unwrap();
    let mut catalogue = catalogue_without_lsoa();
    catalogue
        .sources
        .retain(|s| !NOT_IN_REAL_DATA.contains(&s.id.as_str()));
    // The occupation LSOA table is paged like the district one; keep it here, where the real
    // files have it (15 pages of 25,000).
    catalogue.sources.push(
        lmi_ingest::Catalogue::bundled()
            .unwrap()
            .get(TS063_LSOA)
            .unwrap()
            .clone(),
    );
    let opts = lmi_refresh::LiveRefresh {
        catalogue: catalogue.clone(),
        ..options(data.path(), &mock)
    };
    let report = refresh_live(&opts, &store_of(&opts), &lmi_fetch::NoProgress).unwrap();
    assert!(!report.is_partial(), "{:?}", report.carried);
    let of = |id: &str| report.sources.iter().find(|s| s.source_id == id).unwrap();
    assert_eq!(of(TS063_LSOA).rows as u64, mock.ts063_lsoa_cells());
    assert!(mock.ts063_lsoa_cells() > 350_000);
    assert_eq!(
        of(TS063_LSOA).pages,
        mock.ts063_lsoa_cells().div_ceil(25_000)
    );

    let from_dir = tempfile::tempdir().unwrap();
    from_files(&real, from_dir.path(), &catalogue).unwrap();
    let (live_version, disk_version) = (
        current(data.path()).manifest.version,
        current(from_dir.path()).manifest.version,
    );
    for id in [TS063, TS063_LSOA, UKBC, T13A] {
        let live = observations_without_flags(data.path(), &live_version, id);
        assert!(!live.is_empty(), "{id}");
        assert_eq!(
            live,
            observations_without_flags(from_dir.path(), &disk_version, id),
            "{id}"
        );
    }
    // TS066 is fetched upper tier only here (TYPE423: the real files have no district or LSOA
    // table): both ways serve it for counties and unitaries, with no value for a two-tier
    // district; every breakdown is the same both ways.
    let activity = |r: &String| r.starts_with("census_economic_activity ");
    let disk = breakdown_rows(from_dir.path());
    let burnley: Vec<&String> = disk
        .iter()
        .filter(|r| activity(r) && r.contains("E07000117 Lad"))
        .collect();
    assert!(!burnley.is_empty());
    assert!(
        burnley.iter().all(|r| r.contains("NotApplicable")),
        "{burnley:?}"
    );
    let live = breakdown_rows(data.path());
    assert!(live.iter().any(activity));
    assert!(live.len() > 10_000, "{}", live.len());
    assert!(live == disk, "{}", differences(&live, &disk));
}

const BRES: &str = "nomis_bres_lad";
const TS060A: &str = "census2021_ts060a_lad";

/// Jobs where they are (BRES, NM_189_1) and industry of residents (TS060A, NM_2017_1), both
/// synthetic in the sample: fetched with their paging, the same observations as `refresh --from`
/// over the same files, and breakdowns that say how each count was built.
#[test]
fn bres_and_ts060a_are_fetched_and_equal_refresh_from_the_same_files() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let report = refresh(data.path(), &mock);
    assert!(!report.is_partial(), "{:?}", report.carried);
    let of = |id: &str| report.sources.iter().find(|s| s.source_id == id).unwrap();
    assert_eq!(of(BRES).outcome, Outcome::Fetched);
    assert_eq!(of(TS060A).outcome, Outcome::Fetched);
    // BRES: all industries and the 21 sections for employees and employment, then the 18 broad
    // groups for employment, for districts (424) and England (499), the sample's two years (2019, 2024).
    let sections = |t: &str| {
        mock.saved_cells("NM_189_1", t, "INDUSTRY", |i| {
            i == 37_748_736 || (150_994_945..=150_994_965).contains(&i)
        })
    };
    let groups = |t: &str| {
        mock.saved_cells("NM_189_1", t, "INDUSTRY", |i| {
            (163_577_857..=163_577_874).contains(&i)
        })
    };
    let (q1, q2) = (
        sections("424") + sections("499"),
        groups("424") + groups("499"),
    );
    assert!(q1 > PAGE && q2 > PAGE, "the sample pages BRES");
    assert_eq!(of(BRES).rows as u64, q1 + q2);
    assert_eq!(of(BRES).pages, pages(q1) + pages(q2));
    let ts060a = mock.saved_cells("NM_2017_1", "154", "C2021_IND_19", |c| c <= 18);
    assert_eq!(of(TS060A).rows as u64, ts060a);
    assert_eq!(of(TS060A).pages, pages(ts060a));
    let log = mock.log();
    let bres_query = log
        .iter()
        .find(|l| l.path.ends_with("/NM_189_1.data.csv"))
        .unwrap();
    assert!(
        bres_query.query.contains("date=latestMINUS5-latest"),
        "{}",
        bres_query.query
    );

    let snapshot = current(data.path());
    let from_dir = tempfile::tempdir().unwrap();
    from_files(
        &lmi_testkit::sample_dir(),
        from_dir.path(),
        &catalogue_without_lsoa(),
    )
    .unwrap();
    let disk_version = current(from_dir.path()).manifest.version;
    for id in [BRES, TS060A] {
        let live = observations_without_flags(data.path(), &snapshot.manifest.version, id);
        assert!(!live.is_empty(), "{id}");
        assert_eq!(
            live,
            observations_without_flags(from_dir.path(), &disk_version, id),
            "{id}"
        );
    }

    let demand = lmi_store::Store::open(data.path())
        .load_demand(&snapshot.manifest.version)
        .unwrap();
    let rows = |breakdown: &str| -> Vec<&lmi_core::demand::BreakdownRow> {
        demand
            .breakdowns
            .iter()
            .filter(|r| r.breakdown == breakdown)
            .collect()
    };
    for (id, parts, periods) in [
        ("jobs_by_section", 21, 2),
        ("employees_by_section", 21, 2),
        ("jobs_by_industry_group", 18, 2),
        ("census_industry", 18, 1),
    ] {
        let r = rows(id);
        let burnley: Vec<_> = r.iter().filter(|r| r.area_code == "E07000117").collect();
        assert_eq!(burnley.len(), parts * periods, "{id}");
        // A district as published: exact, with England's share and a location quotient.
        assert!(
            burnley
                .iter()
                .all(|r| !r.approximate && r.location_quotient.is_some()),
            "{id}"
        );
        // TTWAs: best fit from whole districts (no LSOA table in the sample).
        assert!(
            r.iter()
                .filter(|r| r.area_type == lmi_core::AreaType::Ttwa)
                .all(|r| r.approximate && r.coverage.is_some()),
            "{id}"
        );
    }
    // Sums of BRES counts rounded by size are approximate and say so; census sums are exact.
    let lancashire = |id: &str| -> Vec<&lmi_core::demand::BreakdownRow> {
        rows(id)
            .into_iter()
            .filter(|r| r.area_code == "E10000017")
            .collect()
    };
    assert!(
        lancashire("jobs_by_section")
            .iter()
            .all(|r| r.approximate && r.note.as_deref() == Some(lmi_core::breakdown::ROUNDED_SUM))
    );
    assert!(lancashire("census_industry").iter().all(|r| !r.approximate));
    // The change in share is from the survey year before (absent in the first); the change over
    // five years only where there is a year five years before (2024 on 2019; the sample has only
    // those two years, so here both changes compare the same years).
    let burnley: Vec<_> = rows("jobs_by_section")
        .into_iter()
        .filter(|r| r.area_code == "E07000117")
        .collect();
    assert!(
        burnley
            .iter()
            .all(|r| (r.period == "2019") == r.share_change.is_none())
    );
    for r in &burnley {
        assert_eq!(r.period == "2024", r.count_change_5y.is_some(), "{r:?}");
        assert_eq!(r.period == "2024", r.share_change_5y.is_some(), "{r:?}");
    }
}
