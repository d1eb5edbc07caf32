use super::*;
use lmi_core::breakdown::{COUNT_BREAKDOWNS, find_count_breakdown};
use lmi_core::schema::observations as obs;
use proptest::prelude::*;

use crate::test_geography::toy;

const LADS: [&str; 3] = ["E07000001", "E07000002", "E06000003"];

/// Observations of one breakdown: per (area, period), the part counts (`None` = withheld); the
/// total is their sum unless given. England's rows are the districts' sums.
fn observations(def: &CountBreakdownDef, rows: &[(&str, &str, Vec<Option<f64>>)]) -> DataFrame {
    let mut cols: [Vec<Option<String>>; 5] = Default::default();
    let mut value: Vec<Option<f64>> = Vec::new();
    let mut push = |area: &str, period: &str, measure: &str, v: Option<f64>| {
        for (c, s) in cols.iter_mut().zip([
            def.source,
            area,
            period,
            measure,
            if v.is_some() { "ok" } else { "suppressed" },
        ]) {
            c.push(Some(s.to_owned()));
        }
        value.push(v);
    };
    let mut england: std::collections::BTreeMap<&str, Vec<f64>> = Default::default();
    for (area, period, parts) in rows {
        let total: Option<f64> = parts.iter().map(|p| p.or(Some(1.0))).sum();
        push(area, period, def.total.measure, total);
        let e = england
            .entry(period)
            .or_insert_with(|| vec![0.0; parts.len() + 1]);
        e[0] += total.unwrap_or(0.0);
        for (i, (p, v)) in def.parts.iter().zip(parts).enumerate() {
            push(area, period, p.measure, *v);
            e[i + 1] += v.unwrap_or(1.0);
        }
    }
    for (period, sums) in england {
        push(ENGLAND, period, def.total.measure, Some(sums[0]));
        for (p, v) in def.parts.iter().zip(&sums[1..]) {
            push(ENGLAND, period, p.measure, Some(*v));
        }
    }
    let [source, area, period, measure, status] = cols;
    DataFrame::new(
        value.len(),
        vec![
            Column::new(obs::SOURCE.into(), source),
            Column::new(obs::AREA_CODE.into(), area),
            Column::new(obs::PERIOD.into(), period),
            Column::new(obs::MEASURE.into(), measure),
            Column::new(obs::VALUE.into(), value),
            Column::new(obs::STATUS.into(), status),
        ],
    )
    .unwrap()
}

fn rows_of(df: &DataFrame, area: &str, period: &str) -> DataFrame {
    df.clone()
        .lazy()
        .filter(
            col(AREA_CODE)
                .eq(lit(area))
                .and(col(PERIOD).eq(lit(period))),
        )
        .collect()
        .unwrap()
}

fn f64s(df: &DataFrame, c: &str) -> Vec<Option<f64>> {
    df.column(c).unwrap().f64().unwrap().iter().collect()
}

fn strs(df: &DataFrame, c: &str) -> Vec<String> {
    df.column(c)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.unwrap_or("").to_owned())
        .collect()
}

fn size() -> &'static CountBreakdownDef {
    find_count_breakdown("enterprises_by_size").unwrap()
}

#[test]
fn county_shares_are_ratios_of_sums_and_rounded_sums_are_approximate() {
    let df = compute_breakdowns(
        &observations(
            size(),
            &[
                (
                    "E07000001",
                    "2022",
                    vec![Some(80.0), Some(15.0), Some(5.0), Some(0.0)],
                ),
                (
                    "E07000002",
                    "2022",
                    vec![Some(10.0), Some(5.0), Some(5.0), Some(0.0)],
                ),
                (
                    "E06000003",
                    "2022",
                    vec![Some(50.0), Some(20.0), Some(20.0), Some(10.0)],
                ),
            ],
        ),
        &toy(),
        COUNT_BREAKDOWNS,
    )
    .unwrap();
    let county = rows_of(&df, "E10000001", "2022");
    assert_eq!(strs(&county, PART_LABEL)[0], "Micro (0 to 9)");
    assert_eq!(f64s(&county, COUNT)[0], Some(90.0));
    assert_eq!(f64s(&county, TOTAL)[0], Some(120.0));
    assert_eq!(f64s(&county, SHARE)[0], Some(75.0));
    // England: 140 of 220 micro.
    let lq = f64s(&county, LOCATION_QUOTIENT)[0].unwrap();
    assert!((lq - 75.0 / (140.0 / 220.0 * 100.0)).abs() < 1e-12);
    assert!(county.column(APPROXIMATE).unwrap().bool().unwrap().all());
    assert_eq!(
        strs(&county, NOTE)[0],
        "sum of counts rounded to the nearest 5 by the publisher"
    );
    // A district alone is as published, not approximate.
    let lad = rows_of(&df, "E07000001", "2022");
    assert!(!lad.column(APPROXIMATE).unwrap().bool().unwrap().any());
    // The TTWA is best fit, with coverage.
    let ttwa = rows_of(&df, "E30000001", "2022");
    assert_eq!(strs(&ttwa, NOTE)[0], "best fit from whole districts");
    assert!((f64s(&ttwa, COVERAGE)[0].unwrap() - 0.9).abs() < 1e-12);
}

#[test]
fn a_withheld_part_is_absent_and_suppresses_every_aggregate_holding_it() {
    let df = compute_breakdowns(
        &observations(
            size(),
            &[
                (
                    "E07000001",
                    "2022",
                    vec![None, Some(15.0), Some(5.0), Some(0.0)],
                ),
                (
                    "E07000002",
                    "2022",
                    vec![Some(10.0), Some(5.0), Some(5.0), Some(0.0)],
                ),
                (
                    "E06000003",
                    "2022",
                    vec![Some(50.0), Some(20.0), Some(20.0), Some(10.0)],
                ),
            ],
        ),
        &toy(),
        COUNT_BREAKDOWNS,
    )
    .unwrap();
    for area in ["E07000001", "E10000001", "E30000001"] {
        let r = rows_of(&df, area, "2022");
        assert_eq!(f64s(&r, COUNT)[0], None, "{area}");
        assert_eq!(f64s(&r, SHARE)[0], None, "{area}");
        assert_eq!(strs(&r, STATUS)[0], "suppressed", "{area}");
        // The other parts keep their values.
        assert!(f64s(&r, COUNT)[1].is_some(), "{area}");
    }
}

#[test]
fn the_change_in_share_compares_with_the_previous_period() {
    let df = compute_breakdowns(
        &observations(
            size(),
            &[
                (
                    "E07000001",
                    "2021",
                    vec![Some(50.0), Some(50.0), Some(0.0), Some(0.0)],
                ),
                (
                    "E07000001",
                    "2022",
                    vec![Some(75.0), Some(25.0), Some(0.0), Some(0.0)],
                ),
            ],
        ),
        &toy(),
        COUNT_BREAKDOWNS,
    )
    .unwrap();
    let r = rows_of(&df, "E07000001", "2022");
    assert_eq!(f64s(&r, SHARE_CHANGE)[0], Some(25.0));
    assert_eq!(
        f64s(&rows_of(&df, "E07000001", "2021"), SHARE_CHANGE)[0],
        None
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Shares of every area add up to 100, England's location quotient is exactly 1, and an area
    /// made of one district (CA1 = Three) equals that district.
    #[test]
    fn shares_add_up_england_is_one_and_a_one_district_area_is_that_district(
        counts in proptest::collection::vec(proptest::collection::vec(0u32..5000, 4), 3)
    ) {
        let rows: Vec<_> = LADS
            .iter()
            .zip(&counts)
            .map(|(lad, c)| (*lad, "2022", c.iter().map(|v| Some(f64::from(*v))).collect()))
            .collect();
        let df = compute_breakdowns(&observations(size(), &rows), &toy(), COUNT_BREAKDOWNS).unwrap();
        for area in ["E07000001", "E10000001", "E30000001", "E12000001", "E92000001"] {
            let r = rows_of(&df, area, "2022");
            let shares = f64s(&r, SHARE);
            if shares.iter().all(Option::is_some) {
                let sum: f64 = shares.iter().flatten().sum();
                prop_assert!((sum - 100.0).abs() < 1e-9, "{area}: {sum}");
            }
        }
        let england = rows_of(&df, ENGLAND, "2022");
        for lq in f64s(&england, LOCATION_QUOTIENT).into_iter().flatten() {
            prop_assert_eq!(lq, 1.0);
        }
        let solo = rows_of(&df, "E47000001", "2022");
        let three = rows_of(&df, "E06000003", "2022");
        prop_assert_eq!(f64s(&solo, COUNT), f64s(&three, COUNT));
        prop_assert_eq!(f64s(&solo, SHARE), f64s(&three, SHARE));
        prop_assert_eq!(f64s(&solo, LOCATION_QUOTIENT), f64s(&three, LOCATION_QUOTIENT));
    }
}

#[test]
fn an_upper_tier_source_serves_counties_unitaries_and_areas_made_of_them_only() {
    // TS066 read from the upper-tier file only (`refresh --from` without the district table):
    // the breakdown falls back to its upper-tier source.
    let found = find_count_breakdown("census_economic_activity").unwrap();
    let upper_tier = CountBreakdownDef {
        source: found.upper_tier_source.unwrap(),
        ..found.clone()
    };
    let activity = &upper_tier;
    let parts = |a: f64| {
        (0..activity.parts.len())
            .map(|i| Some(a + i as f64))
            .collect::<Vec<_>>()
    };
    // The county and the unitary publish; no district row.
    let df = compute_breakdowns(
        &observations(
            activity,
            &[
                ("E10000001", "2021", parts(10.0)),
                ("E06000003", "2021", parts(2.0)),
            ],
        ),
        &toy(),
        COUNT_BREAKDOWNS,
    )
    .unwrap();
    let county = rows_of(&df, "E10000001", "2021");
    assert_eq!(f64s(&county, COUNT)[0], Some(10.0));
    // The combined authority is the unitary alone; the region is county + unitary.
    assert_eq!(
        f64s(&rows_of(&df, "E47000001", "2021"), COUNT)[0],
        Some(2.0)
    );
    let region = rows_of(&df, "E12000001", "2021");
    assert_eq!(f64s(&region, COUNT)[0], Some(12.0));
    assert_eq!(strs(&region, STATUS)[0], "ok");
    // Two-tier districts and TTWAs: absent, with the reason.
    for area in ["E07000001", "E30000001"] {
        let r = rows_of(&df, area, "2021");
        assert_eq!(r.height(), activity.parts.len(), "{area}");
        assert_eq!(f64s(&r, SHARE)[0], None, "{area}");
        assert_eq!(strs(&r, STATUS)[0], "not_applicable", "{area}");
        assert_eq!(
            strs(&r, NOTE)[0],
            lmi_core::breakdown::UPPER_TIER_ONLY,
            "{area}"
        );
    }
    // Without the unitary's row the region is missing, never the county alone.
    let df = compute_breakdowns(
        &observations(activity, &[("E10000001", "2021", parts(10.0))]),
        &toy(),
        COUNT_BREAKDOWNS,
    )
    .unwrap();
    let region = rows_of(&df, "E12000001", "2021");
    assert_eq!(f64s(&region, COUNT)[0], None);
    assert_eq!(strs(&region, STATUS)[0], "suppressed");
}

#[test]
fn economic_activity_from_districts_is_served_for_districts_and_wins_over_the_upper_tier_file() {
    let activity = find_count_breakdown("census_economic_activity").unwrap();
    let upper_tier = CountBreakdownDef {
        source: activity.upper_tier_source.unwrap(),
        ..activity.clone()
    };
    let parts = |a: f64| {
        (0..activity.parts.len())
            .map(|i| Some(a + i as f64))
            .collect::<Vec<_>>()
    };
    let districts = observations(activity, &[("E07000001", "2021", parts(3.0))]);
    let county = observations(&upper_tier, &[("E10000001", "2021", parts(100.0))]);
    let both = districts.vstack(&county).unwrap();
    let df = compute_breakdowns(&both, &toy(), COUNT_BREAKDOWNS).unwrap();
    // The two-tier district has its own value; the county is the sum of its districts (here
    // one), not the upper-tier file's figure.
    let district = rows_of(&df, "E07000001", "2021");
    assert_eq!(f64s(&district, COUNT)[0], Some(3.0));
    assert_eq!(strs(&district, STATUS)[0], "ok");
    assert_ne!(
        f64s(&rows_of(&df, "E10000001", "2021"), COUNT)[0],
        Some(100.0)
    );
}

/// Jobs where they are over five years: 2024 against 2019 in count and share, nothing for a year
/// without one five years before, and nothing reaching back across a series break.
#[test]
fn the_five_year_change_compares_counts_and_shares_with_five_years_before() {
    let years = ["2019", "2020", "2023", "2024"];
    let rows: Vec<_> = years
        .iter()
        .enumerate()
        .map(|(k, y)| {
            let k = k as f64;
            (
                "E07000001",
                *y,
                vec![Some(50.0 + 10.0 * k), Some(50.0), Some(0.0), Some(0.0)],
            )
        })
        .collect();
    let df = compute_breakdowns(&observations(size(), &rows), &toy(), COUNT_BREAKDOWNS).unwrap();
    let r = rows_of(&df, "E07000001", "2024");
    // 80 of 130 against 50 of 100.
    assert_eq!(f64s(&r, COUNT_CHANGE_5Y)[0], Some(30.0));
    let share = f64s(&r, SHARE_CHANGE_5Y)[0].unwrap();
    assert!(
        (share - (80.0 / 130.0 * 100.0 - 50.0)).abs() < 1e-9,
        "{share}"
    );
    assert_eq!(f64s(&r, COUNT_CHANGE_5Y)[1], Some(0.0));
    for year in ["2019", "2020", "2023"] {
        let r = rows_of(&df, "E07000001", year);
        assert_eq!(f64s(&r, COUNT_CHANGE_5Y)[0], None, "{year}");
        assert_eq!(f64s(&r, SHARE_CHANGE_5Y)[0], None, "{year}");
    }
    // The same counts with a change of definition in 2021: 2024 reaches back across it.
    let broken = CountBreakdownDef {
        series_breaks: &[lmi_core::indicator::SeriesBreak {
            period: "2021",
            note: "test",
        }],
        ..size().clone()
    };
    let df = compute_breakdowns(
        &observations(&broken, &rows),
        &toy(),
        std::slice::from_ref(&broken),
    )
    .unwrap();
    let r = rows_of(&df, "E07000001", "2024");
    assert_eq!(f64s(&r, COUNT_CHANGE_5Y)[0], None);
    assert_eq!(f64s(&r, SHARE_CHANGE_5Y)[0], None);
}

/// FE achievements by subject: a part year (`2021/22 (Aug-Apr)`) sits between two full years
/// but is compared with neither; the full years are compared with each other; counts are the
/// published ones, with `low` kept suppressed.
#[test]
fn a_part_year_is_never_compared_with_a_full_year() {
    let ssa = find_count_breakdown("fe_achievements_by_ssa").unwrap();
    let parts = |first: f64, unknown: Option<f64>| {
        let mut v = vec![Some(first)];
        v.extend(std::iter::repeat_n(Some(10.0), 14));
        v.push(unknown);
        v
    };
    let df = compute_breakdowns(
        &observations(
            ssa,
            &[
                ("E07000001", "2020/21", parts(60.0, Some(0.0))),
                ("E07000001", "2021/22 (Aug-Apr)", parts(260.0, None)),
                ("E07000001", "2021/22", parts(160.0, Some(0.0))),
            ],
        ),
        &toy(),
        COUNT_BREAKDOWNS,
    )
    .unwrap();
    let part_year = rows_of(&df, "E07000001", "2021/22 (Aug-Apr)");
    assert_eq!(part_year.height(), 16);
    assert!(f64s(&part_year, SHARE_CHANGE).iter().all(Option::is_none));
    assert_eq!(f64s(&part_year, COUNT)[0], Some(260.0));
    assert_eq!(strs(&part_year, STATUS)[15], "suppressed");
    assert_eq!(f64s(&part_year, COUNT)[15], None);
    // 160 of 300 against 60 of 200: +23.33 points, not against the part year's 260 of 401.
    let full = f64s(&rows_of(&df, "E07000001", "2021/22"), SHARE_CHANGE)[0].unwrap();
    assert!(
        (full - (160.0 / 300.0 - 60.0 / 200.0) * 100.0).abs() < 1e-9,
        "{full}"
    );
}
