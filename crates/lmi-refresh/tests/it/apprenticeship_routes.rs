//! Apprenticeship starts and achievements by level and age over the emulated EES: a fetching
//! refresh finds the `apprenticeships` publication's district data set by title, and gives the
//! same observations and breakdown rows as `refresh --from` over the sample file it served.

use crate::support::*;
use lmi_core::demand::BreakdownRow;
use lmi_fetch::Outcome;
use lmi_testkit::read_csv;

const SOURCE: &str = "dfe_apprenticeships_lad";
const BURNLEY: &str = "E07000117";
const LANCASHIRE: &str = "E10000017";
const BREAKDOWNS: [&str; 4] = [
    "apprenticeship_starts_by_level",
    "apprenticeship_starts_by_age",
    "apprenticeship_achievements_by_level",
    "apprenticeship_achievements_by_age",
];

/// The rows of `BREAKDOWNS` in the current snapshot.
fn breakdown_rows(data: &std::path::Path) -> Vec<BreakdownRow> {
    let store = lmi_store::Store::open(data);
    let version = store.load_current().unwrap().manifest.version;
    store
        .load_demand(&version)
        .unwrap()
        .breakdowns
        .into_iter()
        .filter(|r| BREAKDOWNS.contains(&r.breakdown.as_str()))
        .collect()
}

/// The rows as sorted text (floating point to 9 places: sums may add in another order).
fn as_text(rows: &[BreakdownRow]) -> Vec<String> {
    let f = |v: Option<f64>| v.map(|v| format!("{v:.9}"));
    let mut out: Vec<String> = rows
        .iter()
        .map(|r| {
            format!(
                "{} {} {} {} {:?} {:?} {:?} {} {:?}",
                r.breakdown,
                r.part,
                r.area_code,
                r.period,
                f(r.count),
                f(r.share),
                r.status,
                r.approximate,
                r.note
            )
        })
        .collect();
    out.sort();
    out
}

fn row<'a>(rows: &'a [BreakdownRow], id: &str, part: &str, area: &str) -> &'a BreakdownRow {
    rows.iter()
        .find(|r| {
            r.breakdown == id && r.part == part && r.area_code == area && r.period == "2024/25"
        })
        .unwrap_or_else(|| panic!("no {id} {part} {area} 2024/25"))
}

/// Burnley's published 2024/25 starts of one age x level cell, sex Total.
fn published_starts(age: &str, level: &str) -> f64 {
    let bytes =
        std::fs::read(lmi_testkit::sample_dir().join(lmi_testkit::ees::APPRENTICESHIPS_FILE))
            .unwrap();
    let (header, rows) = read_csv(&bytes);
    let ix = |c: &str| header.iter().position(|h| h == c).unwrap();
    let r = rows
        .iter()
        .find(|r| {
            r[ix("lad_code")] == BURNLEY
                && r[ix("time_period")] == "202425"
                && r[ix("age_summary")] == age
                && r[ix("apps_level")] == level
                && r[ix("sex")] == "Total"
        })
        .unwrap();
    r[ix("starts")].parse().unwrap()
}

#[test]
fn apprenticeships_are_fetched_from_the_emulated_ees_and_equal_refresh_from() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let report = refresh(data.path(), &mock);
    assert!(!report.is_partial(), "{:?}", report.carried);
    assert_eq!(outcome(&report, SOURCE), Outcome::Fetched);
    let snapshot = current(data.path());
    let live = breakdown_rows(data.path());
    assert!(live.len() > 1_000, "{}", live.len());

    // Burnley's parts as published, and its level parts add up to its total within rounding
    // (each part and the total rounded to the nearest 10: at most 3 x 5 apart).
    let total = row(
        &live,
        "apprenticeship_starts_by_level",
        "app_starts_level_intermediate",
        BURNLEY,
    )
    .total;
    assert_eq!(total, Some(published_starts("Total", "Total")));
    let mut sum = 0.0;
    for (label, stem) in lmi_core::breakdown::APPRENTICESHIP_LEVELS {
        let r = row(
            &live,
            "apprenticeship_starts_by_level",
            &format!("app_starts_{stem}"),
            BURNLEY,
        );
        assert_eq!(r.count, Some(published_starts("Total", label)), "{label}");
        sum += r.count.unwrap();
    }
    let total = total.unwrap();
    assert!(
        total > 0.0 && (sum - total).abs() <= 15.0,
        "{sum} vs {total}"
    );
    let age = row(
        &live,
        "apprenticeship_starts_by_age",
        "app_starts_age_under19",
        BURNLEY,
    );
    assert_eq!(age.count, Some(published_starts("Under 19", "Total")));

    // Lancashire is a sum of its districts, rounded counts: approximate.
    let county = row(
        &live,
        "apprenticeship_achievements_by_level",
        "app_achievements_level_higher",
        LANCASHIRE,
    );
    assert!(county.approximate);
    assert_eq!(
        county.note.as_deref(),
        Some("sum of counts rounded to the nearest 10 by the publisher")
    );

    // `refresh --from` over the file the emulator served: the same observations and rows.
    let from_dir = tempfile::tempdir().unwrap();
    from_files(
        &lmi_testkit::sample_dir(),
        from_dir.path(),
        &catalogue_without_lsoa(),
    )
    .unwrap();
    let disk_version = current(from_dir.path()).manifest.version;
    let fetched = observations_of(data.path(), &snapshot.manifest.version, SOURCE);
    assert!(!fetched.is_empty());
    assert_eq!(
        fetched,
        observations_of(from_dir.path(), &disk_version, SOURCE)
    );
    assert_eq!(as_text(&live), as_text(&breakdown_rows(from_dir.path())));
}
