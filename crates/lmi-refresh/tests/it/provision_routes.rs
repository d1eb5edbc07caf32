//! Provision by subject, level and age over the emulated publishers: a fetching refresh reads
//! DfE's part-year file by sector subject area from the Local Skills Dashboard repository at the
//! commit that holds it, and the levels and age bands of all further education and skills from
//! the EES participation file (emulator-made shares of the sample's totals, DfE's labels), and
//! serves them as count breakdowns.

use crate::support::*;
use lmi_core::demand::BreakdownRow;
use lmi_fetch::Outcome;
use lmi_testkit::{github, read_csv};
use std::collections::HashMap;

const BURNLEY: &str = "E07000117";
const LANCASHIRE: &str = "E10000017";

/// The sample file's cells: (area code, first column's label, period) -> published value.
fn cells(file: &str, label: &str, value: &str) -> HashMap<(String, String, String), String> {
    let bytes = std::fs::read(lmi_testkit::sample_dir().join(file)).unwrap();
    let (header, rows) = read_csv(&bytes);
    let ix = |c: &str| header.iter().position(|h| h == c).unwrap();
    let (code, label, period, value) =
        (ix("location_code"), ix(label), ix("time_period"), ix(value));
    rows.iter()
        .map(|r| {
            (
                (r[code].clone(), r[label].clone(), r[period].clone()),
                r[value].clone(),
            )
        })
        .collect()
}

fn row<'a>(
    rows: &'a [BreakdownRow],
    id: &str,
    part: &str,
    area: &str,
    period: &str,
) -> &'a BreakdownRow {
    rows.iter()
        .find(|r| r.breakdown == id && r.part == part && r.area_code == area && r.period == period)
        .unwrap_or_else(|| panic!("no {id} {part} {area} {period}"))
}

#[test]
fn subject_level_and_age_breakdowns_are_fetched_from_the_emulated_publishers() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let report = refresh(data.path(), &mock);
    assert!(!report.is_partial(), "{:?}", report.carried);
    let ssa_source = lmi_core::breakdown::FE_SSA_SOURCE;
    let fetched = report
        .sources
        .iter()
        .find(|s| s.source_id == ssa_source)
        .unwrap();
    assert_eq!(fetched.outcome, Outcome::Fetched);
    let snapshot = current(data.path());
    let release = provenance(&snapshot, ssa_source)
        .release
        .clone()
        .unwrap_or_default();
    assert!(release.contains(github::SSA_COMMIT), "{release}");
    let rows = lmi_store::Store::open(data.path())
        .load_demand(&snapshot.manifest.version)
        .unwrap()
        .breakdowns;

    // By subject: Burnley's and England's cells as published, in a part year with no change.
    let ssa = cells(github::SSA_CSV, "ssa_t1_desc", "e_and_t_aims_ach");
    let part_year = "2021/22 (Aug-Apr)";
    for area in [BURNLEY, lmi_core::geography::ENGLAND] {
        for part in lmi_core::breakdown::FE_SSA_PARTS {
            let r = row(
                &rows,
                "fe_achievements_by_ssa",
                part.measure,
                area,
                part_year,
            );
            let published = &ssa[&(area.to_owned(), part.label.to_owned(), "202122".to_owned())];
            match published.as_str() {
                "low" => assert_eq!((r.count, r.status.as_str()), (None, "suppressed")),
                v => assert_eq!(r.count, Some(v.parse().unwrap()), "{area} {}", part.label),
            }
            assert_eq!(r.share_change, None);
        }
    }
    // Lancashire (a county DfE does not publish) is the sum of its districts: approximate, with
    // the rounding note (the sums are checked against the real file in tests/e2e).
    let county: Vec<_> = rows
        .iter()
        .filter(|r| r.breakdown == "fe_achievements_by_ssa" && r.area_code == LANCASHIRE)
        .collect();
    assert!(
        !county.is_empty(),
        "counties are summed from their districts"
    );
    assert!(
        county.iter().all(|r| r.approximate
            && r.note.as_deref()
                == Some("sum of counts rounded to the nearest 10 by the publisher")),
        "rounded sums are approximate"
    );

    // By level and age: the emulator's shares of Burnley's FE and skills achievements.
    let fe = cells(
        "dfe/fe_achievements_lad.csv",
        "level_or_type",
        "achievements",
    );
    let total: f64 = fe[&(
        BURNLEY.to_owned(),
        "Further education and skills: Total".to_owned(),
        "202122".to_owned(),
    )]
        .parse()
        .unwrap();
    // (breakdown, part, the emulator's share of the total, counted per achievement).
    for (id, part, share, per_achievement) in [
        (
            "fe_achievements_by_level",
            "fe_fes_level_4plus_achievements",
            0.05,
            1.0,
        ),
        (
            "fe_achievements_by_level",
            "fe_fes_level_2_achievements",
            0.30,
            1.0,
        ),
        (
            "fe_participation_by_level",
            "fe_fes_level_4plus_participation",
            0.05,
            3.0,
        ),
        (
            "fe_achievements_by_age",
            "fe_fes_age_25plus_achievements",
            0.65,
            1.0,
        ),
        (
            "fe_participation_by_age",
            "fe_fes_age_19_24_participation",
            0.30,
            3.0,
        ),
    ] {
        let r = row(&rows, id, part, BURNLEY, "2021/22");
        let expected = (total * share).round() * per_achievement;
        assert_eq!(r.count, Some(expected), "{id} {part}");
        assert!(
            r.share_change.is_some(),
            "{id} {part}: full years are compared"
        );
    }
    let level_4 = row(
        &rows,
        "fe_achievements_by_level",
        "fe_fes_level_4plus_achievements",
        LANCASHIRE,
        "2021/22",
    );
    assert!(level_4.part_label.starts_with("Level 4+"));
    assert!(level_4.approximate);
    assert_eq!(
        level_4.note.as_deref(),
        Some("sum of counts rounded to the nearest 10 by the publisher")
    );
}
