//! Provision by subject on real public data (`LMI_REAL_DATA`): FE aim achievements by sector
//! subject area from DfE's August-April 2021/22 file, checked cell by cell against the raw file
//! for Lancashire's districts and England, and the three largest subject areas printed.

use crate::demand_real_data::{BURNLEY, load};
use lmi_core::breakdown::FE_SSA_SOURCE;
use lmi_core::geography::ENGLAND;
use lmi_core::schema::breakdowns as b;
use lmi_e2e::{LANCASHIRE_CA, read_csv};
use lmi_testkit::real_data;
use polars::prelude::*;
use std::collections::HashMap;

const FILE: &str = "dfe/fe_et_aim_achievements_ssa_lad_202122_aug_apr.csv";
const PART_YEAR: &str = "2021/22 (Aug-Apr)";

/// (part label -> (count, status, share, England's share)) of one area, read from the breakdowns.
type Parts = HashMap<String, (Option<f64>, String, Option<f64>, Option<f64>)>;

fn parts_of(df: &DataFrame, area: &str) -> (Parts, Option<f64>) {
    let r = df
        .clone()
        .lazy()
        .filter(
            col(b::BREAKDOWN)
                .eq(lit("fe_achievements_by_ssa"))
                .and(col(b::AREA_CODE).eq(lit(area)))
                .and(col(b::PERIOD).eq(lit(PART_YEAR))),
        )
        .collect()
        .unwrap();
    assert_eq!(r.height(), 16, "{area}: one row per subject area");
    let s = |c: &str| r.column(c).unwrap().str().unwrap().clone();
    let f = |c: &str| r.column(c).unwrap().f64().unwrap().clone();
    let (label, status) = (s(b::PART_LABEL), s(b::STATUS));
    let (count, share, england, total) =
        (f(b::COUNT), f(b::SHARE), f(b::ENGLAND_SHARE), f(b::TOTAL));
    assert!(
        f(b::SHARE_CHANGE).iter().all(|c| c.is_none()),
        "{area}: a part year has no change"
    );
    let parts = (0..r.height())
        .map(|i| {
            (
                label.get(i).unwrap().to_owned(),
                (
                    count.get(i),
                    status.get(i).unwrap().to_owned(),
                    share.get(i),
                    england.get(i),
                ),
            )
        })
        .collect();
    (parts, total.get(0))
}

/// The three largest subject areas by count, largest first, from (label, count) pairs.
fn top_three(mut counts: Vec<(String, f64)>) -> Vec<(String, f64)> {
    counts.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    counts.truncate(3);
    counts
}

#[test]
fn fe_achievements_by_subject_area_equal_the_part_year_file_for_lancashire_and_england() {
    let Some(dir) = real_data("fe_achievements_by_subject_area") else {
        return;
    };
    let raw = read_csv(&dir.join(FILE));
    // (area, ssa_t1_desc) -> the published cell.
    let cells: HashMap<(String, String), String> = raw
        .iter()
        .filter(|r| {
            ["notional_nvq_level", "ethnicity_group", "gender"]
                .iter()
                .all(|c| r[*c] == "Total")
        })
        .map(|r| {
            (
                (r["location_code"].clone(), r["ssa_t1_desc"].clone()),
                r["e_and_t_aims_ach"].clone(),
            )
        })
        .collect();
    let df = {
        let geo = lmi_core::Geography::bundled().unwrap();
        let obs = load(&dir, &[FE_SSA_SOURCE]);
        lmi_pipeline::compute_breakdowns(&obs, geo, lmi_core::COUNT_BREAKDOWNS).unwrap()
    };

    let areas = LANCASHIRE_CA.iter().copied().chain([ENGLAND]);
    for area in areas {
        let (parts, total) = parts_of(&df, area);
        let raw_total: f64 = cells[&(area.to_owned(), "Total".to_owned())]
            .parse()
            .unwrap();
        assert_eq!(total, Some(raw_total), "{area} total");
        for (label, (count, status, share, _)) in &parts {
            let published = &cells[&(area.to_owned(), label.clone())];
            if published == "low" {
                assert_eq!(
                    (*count, status.as_str()),
                    (None, "suppressed"),
                    "{area} {label}"
                );
                assert_eq!(*share, None, "{area} {label}");
            } else {
                let v: f64 = published.parse().unwrap();
                assert_eq!((*count, status.as_str()), (Some(v), "ok"), "{area} {label}");
                let expected = v / raw_total * 100.0;
                assert!((share.unwrap() - expected).abs() < 1e-9, "{area} {label}");
            }
        }
    }

    for (area, name) in [(BURNLEY, "Burnley"), (ENGLAND, "England")] {
        let from_file = top_three(
            cells
                .iter()
                .filter(|((a, l), v)| a == area && l != "Total" && *v != "low")
                .map(|((_, l), v)| (l.clone(), v.parse().unwrap()))
                .collect(),
        );
        let (parts, total) = parts_of(&df, area);
        let from_lmi = top_three(
            parts
                .iter()
                .filter_map(|(l, (c, ..))| Some((l.clone(), (*c)?)))
                .collect(),
        );
        assert_eq!(from_lmi, from_file, "{name}");
        for (label, count) in &from_lmi {
            let (_, _, share, england) = &parts[label];
            println!(
                "{name} {PART_YEAR}: {label}: {count} of {} achievements, {:.1}% (England {:.1}%)",
                total.unwrap(),
                share.unwrap(),
                england.unwrap()
            );
        }
    }
    let (burnley, _) = parts_of(&df, BURNLEY);
    let top: Vec<_> = top_three(
        burnley
            .iter()
            .filter_map(|(l, (c, ..))| Some((l.clone(), (*c)?)))
            .collect(),
    );
    // From the file by eye (PROVENANCE.md quotes Burnley's 230 and 350 too).
    assert_eq!(
        top,
        [
            ("Preparation for Life and Work".to_owned(), 350.0),
            ("Health, Public Services and Care".to_owned(), 230.0),
            ("Business, Administration and Law".to_owned(), 130.0),
        ]
    );
}

/// The Lancashire combined authority is not published by DfE: its rows are the sums of its 14
/// districts' published cells, a subject area `low` in any district withheld, and its three
/// largest subject areas printed.
#[test]
fn the_combined_authority_sums_its_districts_and_withholds_a_part_low_in_any() {
    let Some(dir) = real_data("fe_achievements_by_subject_area_combined_authority") else {
        return;
    };
    let raw = read_csv(&dir.join(FILE));
    let mut sums: HashMap<String, Option<f64>> = HashMap::new();
    for r in raw.iter().filter(|r| {
        LANCASHIRE_CA.contains(&r["location_code"].as_str())
            && ["notional_nvq_level", "ethnicity_group", "gender"]
                .iter()
                .all(|c| r[*c] == "Total")
    }) {
        let cell = r["e_and_t_aims_ach"].parse::<f64>().ok();
        let sum = sums.entry(r["ssa_t1_desc"].clone()).or_insert(Some(0.0));
        *sum = sum.zip(cell).map(|(a, b)| a + b);
    }
    let df = {
        let geo = lmi_core::Geography::bundled().unwrap();
        let obs = load(&dir, &[FE_SSA_SOURCE]);
        lmi_pipeline::compute_breakdowns(&obs, geo, lmi_core::COUNT_BREAKDOWNS).unwrap()
    };
    const CA: &str = "E47000018";
    let (parts, total) = parts_of(&df, CA);
    assert_eq!(total, sums["Total"], "combined authority total");
    for (label, (count, status, ..)) in &parts {
        assert_eq!(*count, sums[label], "{label}");
        let want = if sums[label].is_some() {
            "ok"
        } else {
            "suppressed"
        };
        assert_eq!(status, want, "{label}");
    }
    let top = top_three(
        parts
            .iter()
            .filter_map(|(l, (c, ..))| Some((l.clone(), (*c)?)))
            .collect(),
    );
    for (label, count) in &top {
        let share = parts[label].2.unwrap();
        println!(
            "Lancashire CA {PART_YEAR}: {label}: {count} of {}, {share:.1}%",
            total.unwrap()
        );
    }
    assert_eq!(
        top,
        [
            ("Preparation for Life and Work".to_owned(), 4680.0),
            ("Health, Public Services and Care".to_owned(), 2880.0),
            ("Business, Administration and Law".to_owned(), 1250.0),
        ]
    );
}
