use super::*;
use lmi_core::geography::GeographyTables;
use lmi_core::{INDICATORS, find_indicator};
use proptest::prelude::*;

// A toy registry: three districts in one region; L1+L2 form county C1; TTWA T1 best-fits L1
// and L2 but 10% of its people live in L3. L0 is a retired code merged into L1.
const AREAS: &str = "code,name,type
E07000001,One,lad
E07000002,Two,lad
E06000003,Three,lad
E10000001,Shire,county
E30000001,Work Area,ttwa
E12000001,Region,region
E92000001,England,country
";
const PARENTS: &str = "lad_code,lad_name,region_code,county_code,combined_authority_code,lsip_code
E07000001,One,E12000001,E10000001,,
E07000002,Two,E12000001,E10000001,,
E06000003,Three,E12000001,,,
";
const LEP: &str = "lad_code,lep_code,lad21_count\n";
const TTWA: &str =
    "lad_code,ttwa_code,lsoa11_count,population_16plus,share_of_lad,share_of_ttwa,best_fit
E07000001,E30000001,10,1000,1.0,0.5,true
E07000002,E30000001,8,800,1.0,0.4,true
E06000003,E30000001,2,200,0.2,0.1,false
";
const SUCCESSORS: &str = "old_code,old_name,current_code,current_name
E07000000,Zero,E07000001,One
";

// Area groups: one district alone, all three, and a pair listed through L1's retired code.
const GROUPS: &str = r#"
[[group]]
code = "G-one"
name = "One alone"
description = "L1 only"
members = ["E07000001"]
owner = "test"

[[group]]
code = "G-all"
name = "All three"
description = "L1, L2 and L3"
members = ["E07000001", "E07000002", "E06000003"]
owner = "test"

[[group]]
code = "G-pair"
name = "Pair"
description = "L1 (through its retired code L0) and L3"
members = ["E07000000", "E06000003"]
owner = "test"
"#;

fn toy() -> Geography {
    Geography::from_tables(GeographyTables {
        areas: AREAS,
        lad_parents: PARENTS,
        lad_lep: LEP,
        lad_ttwa: TTWA,
        lad_successors: SUCCESSORS,
        lsoa21_ttwa: "",
        area_groups: GROUPS,
        area_groups_file: "toy_groups.toml",
    })
    .unwrap()
}

/// (area, period, appren, cohort) rows; `None` is a suppressed count.
fn ks4(rows: &[(&str, &str, Option<f64>, Option<f64>)]) -> DataFrame {
    observations(
        "dfe_ks4_destinations_lad",
        ["ks4_appren", "ks4_cohort"],
        rows,
    )
}

/// (area, period, numerator, denominator) rows of one source; `None` is a suppressed count.
fn observations(
    source: &str,
    [numerator, denominator]: [&str; 2],
    rows: &[(&str, &str, Option<f64>, Option<f64>)],
) -> DataFrame {
    let mut area = Vec::new();
    let mut period = Vec::new();
    let mut measure = Vec::new();
    let mut value = Vec::new();
    let mut status = Vec::new();
    for (a, p, appren, cohort) in rows {
        for (m, v) in [(numerator, appren), (denominator, cohort)] {
            area.push(*a);
            period.push(*p);
            measure.push(m);
            value.push(*v);
            status.push(if v.is_some() { "ok" } else { "suppressed" });
        }
    }
    let n = area.len();
    DataFrame::new(
        n,
        vec![
            Column::new("source".into(), vec![source; n]),
            Column::new("area_code".into(), area),
            Column::new("period".into(), period),
            Column::new("measure".into(), measure),
            Column::new("value".into(), value),
            Column::new("status".into(), status),
        ],
    )
    .unwrap()
}

#[derive(Debug, PartialEq)]
struct Row {
    numerator: Option<f64>,
    denominator: Option<f64>,
    value: Option<f64>,
    status: String,
    approximate: bool,
    coverage: Option<f64>,
    constituents: u32,
}

fn row(out: &PipelineOutput, area: &str, period: &str) -> Row {
    indicator_row(out, "ks4_apprenticeship_rate", area, period)
}

fn indicator_row(out: &PipelineOutput, indicator: &str, area: &str, period: &str) -> Row {
    let df = out
        .values
        .clone()
        .lazy()
        .filter(
            col(AREA_CODE)
                .eq(lit(area))
                .and(col(PERIOD).eq(lit(period)))
                .and(col(INDICATOR).eq(lit(indicator))),
        )
        .collect()
        .unwrap();
    assert_eq!(df.height(), 1, "{area} {period}: {df:?}");
    let f = |c: &str| df.column(c).unwrap().f64().unwrap().get(0);
    Row {
        numerator: f(NUMERATOR),
        denominator: f(DENOMINATOR),
        value: f(VALUE),
        status: df
            .column(STATUS)
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .unwrap()
            .to_owned(),
        approximate: df
            .column(APPROXIMATE)
            .unwrap()
            .bool()
            .unwrap()
            .get(0)
            .unwrap(),
        coverage: f(COVERAGE),
        constituents: df
            .column(CONSTITUENTS)
            .unwrap()
            .u32()
            .unwrap()
            .get(0)
            .unwrap(),
    }
}

fn ks4_def() -> &'static IndicatorDef {
    find_indicator("ks4_apprenticeship_rate").unwrap()
}

#[test]
fn a_region_rate_is_the_ratio_of_sums_not_the_mean_of_rates() {
    let obs = ks4(&[
        ("E07000001", "2022/23", Some(10.0), Some(100.0)),
        ("E07000002", "2022/23", Some(90.0), Some(300.0)),
        ("E06000003", "2022/23", Some(0.0), Some(600.0)),
    ]);
    let out = compute(&obs, &toy(), std::slice::from_ref(ks4_def())).unwrap();
    let region = row(&out, "E12000001", "2022/23");
    assert_eq!(region.numerator, Some(100.0));
    assert_eq!(region.denominator, Some(1000.0));
    assert_eq!(region.value, Some(10.0)); // the mean of rates would be 13.33
    assert_eq!(region.status, "ok");
    assert_eq!(region.constituents, 3);
    assert_eq!(region.coverage, None);
    assert_eq!(row(&out, "E10000001", "2022/23").value, Some(25.0));
    assert_eq!(row(&out, "E07000002", "2022/23").value, Some(30.0));
}

#[test]
fn a_rate_per_100000_people_is_the_ratio_of_sums_times_100000() {
    let obs = observations(
        "dfe_fe_achievements_lad",
        [
            "fe_further_education_and_skills_participation",
            "fe_population_estimate",
        ],
        &[
            ("E07000001", "2024/25", Some(30.0), Some(10_000.0)),
            ("E07000002", "2024/25", Some(70.0), Some(30_000.0)),
        ],
    );
    let def = find_indicator("fe_participation_rate").unwrap();
    let out = compute(&obs, &toy(), std::slice::from_ref(def)).unwrap();
    let rate = |area| indicator_row(&out, def.id, area, "2024/25").value.unwrap();
    assert!((rate("E07000001") - 300.0).abs() < 1e-9);
    // 100 learners over 40,000 people, not the mean of 300 and 233.3.
    assert!((rate("E10000001") - 250.0).abs() < 1e-9);
}

#[test]
fn a_suppressed_district_makes_its_aggregates_suppressed_not_smaller() {
    let obs = ks4(&[
        ("E07000001", "2022/23", Some(10.0), Some(100.0)),
        ("E07000002", "2022/23", None, Some(300.0)),
        ("E06000003", "2022/23", Some(5.0), Some(600.0)),
    ]);
    let out = compute(&obs, &toy(), std::slice::from_ref(ks4_def())).unwrap();
    let lad = row(&out, "E07000002", "2022/23");
    assert_eq!(
        (lad.numerator, lad.value, lad.status.as_str()),
        (None, None, "suppressed")
    );
    for area in ["E10000001", "E12000001", "E92000001", "E30000001"] {
        let r = row(&out, area, "2022/23");
        assert_eq!(r.value, None, "{area}");
        assert_eq!(r.numerator, None, "{area}");
        assert_eq!(
            r.denominator,
            Some(if area == "E10000001" || area == "E30000001" {
                400.0
            } else {
                1000.0
            })
        );
        assert_eq!(r.status, "suppressed", "{area}");
    }
    // The district with data is untouched.
    assert_eq!(row(&out, "E06000003", "2022/23").status, "ok");
}

#[test]
fn a_retired_code_is_summed_into_its_successor() {
    let obs = ks4(&[
        ("E07000000", "2018/19", Some(4.0), Some(40.0)),
        ("E07000001", "2018/19", Some(6.0), Some(60.0)),
        ("E07000002", "2018/19", Some(1.0), Some(100.0)),
    ]);
    let out = compute(&obs, &toy(), std::slice::from_ref(ks4_def())).unwrap();
    let one = row(&out, "E07000001", "2018/19");
    assert_eq!(
        (one.numerator, one.denominator, one.value),
        (Some(10.0), Some(100.0), Some(10.0))
    );
    assert_eq!(one.constituents, 1);
    assert!(out.unmatched.is_empty());
}

#[test]
fn a_ttwa_is_approximate_with_the_coverage_of_the_districts_that_have_data() {
    let obs = ks4(&[
        ("E07000001", "2022/23", Some(10.0), Some(100.0)),
        ("E07000002", "2022/23", Some(20.0), Some(100.0)),
        ("E06000003", "2022/23", Some(99.0), Some(100.0)),
        ("E07000001", "2021/22", Some(10.0), Some(100.0)),
    ]);
    let out = compute(&obs, &toy(), std::slice::from_ref(ks4_def())).unwrap();
    let t = row(&out, "E30000001", "2022/23");
    assert!(t.approximate);
    assert_eq!(t.value, Some(15.0)); // L3 is not a best-fit member
    assert!((t.coverage.unwrap() - 0.9).abs() < 1e-12);
    let t = row(&out, "E30000001", "2021/22");
    assert!((t.coverage.unwrap() - 0.5).abs() < 1e-12);
    assert!(!row(&out, "E12000001", "2022/23").approximate);
}

#[test]
fn unknown_english_codes_are_reported_and_foreign_codes_are_not() {
    let obs = ks4(&[
        ("E07000001", "2022/23", Some(10.0), Some(100.0)),
        ("E07999999", "2022/23", Some(10.0), Some(100.0)),
        ("W06000001", "2022/23", Some(10.0), Some(100.0)),
        ("E10000017", "2022/23", Some(10.0), Some(100.0)),
        ("E47000018", "2022/23", Some(10.0), Some(100.0)),
    ]);
    let out = compute(&obs, &toy(), INDICATORS).unwrap();
    assert_eq!(
        out.unmatched,
        vec![UnmatchedCodes {
            source: "dfe_ks4_destinations_lad".into(),
            codes: vec!["E07999999".into()]
        }]
    );
    assert_eq!(row(&out, "E92000001", "2022/23").denominator, Some(100.0));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn aggregates_are_ratios_of_sums(parts in proptest::collection::vec((0u32..500, 1u32..5000), 3)) {
        let codes = ["E07000001", "E07000002", "E06000003"];
        let rows: Vec<_> = codes
            .iter()
            .zip(&parts)
            .map(|(c, (n, d))| (*c, "2022/23", Some(f64::from((*n).min(*d))), Some(f64::from(*d))))
            .collect();
        let out = compute(&ks4(&rows), &toy(), std::slice::from_ref(ks4_def())).unwrap();
        let num: f64 = rows.iter().map(|r| r.2.unwrap()).sum();
        let den: f64 = rows.iter().map(|r| r.3.unwrap()).sum();
        let england = row(&out, "E92000001", "2022/23");
        prop_assert_eq!(england.numerator, Some(num));
        prop_assert_eq!(england.denominator, Some(den));
        prop_assert!((england.value.unwrap() - num / den * 100.0).abs() < 1e-9);
        prop_assert!((0.0..=100.0).contains(&england.value.unwrap()));
    }
}

/// (area, period, value) rows of one measure of one source.
fn counts(source: &str, measure: &str, rows: &[(&str, &str, Option<f64>)]) -> DataFrame {
    let with_dummy: Vec<_> = rows.iter().map(|(a, p, v)| (*a, *p, *v, None)).collect();
    let df = observations(source, [measure, "unused"], &with_dummy);
    df.lazy()
        .filter(col("measure").eq(lit(measure)))
        .collect()
        .unwrap()
}

#[test]
fn a_rate_over_another_sources_denominator_is_the_ratio_of_sums_of_matched_periods() {
    let def = find_indicator("enterprises_per_1k_working_age").unwrap();
    let Aggregation::RatioOfSumsAcrossSources { denominator_source } = def.aggregation else {
        panic!("enterprises per 1,000 working-age residents takes its denominator elsewhere");
    };
    let mut obs = counts(
        def.source,
        def.numerator.measure,
        &[
            ("E07000001", "2021", Some(300.0)),
            ("E07000002", "2021", Some(100.0)),
            ("E06000003", "2021", Some(50.0)),
            // No population for 2019: no value, never a rate over zero.
            ("E07000001", "2019", Some(280.0)),
        ],
    );
    let population = counts(
        denominator_source,
        def.denominator.unwrap().measure,
        &[
            ("E07000001", "2021", Some(10_000.0)),
            ("E07000002", "2021", Some(30_000.0)),
            ("E06000003", "2021", Some(5_000.0)),
            // No enterprise count for 2020: the value is missing, not zero.
            ("E07000001", "2020", Some(9_900.0)),
        ],
    );
    obs.vstack_mut(&population).unwrap();
    let out = compute(&obs, &toy(), std::slice::from_ref(def)).unwrap();
    let county = indicator_row(&out, def.id, "E10000001", "2021");
    assert_eq!(
        (county.numerator, county.denominator, county.value),
        (Some(400.0), Some(40_000.0), Some(10.0)),
        "(300 + 100) / (10,000 + 30,000) x 1,000, not the mean of 30 and 3.3"
    );
    let england = indicator_row(&out, def.id, "E92000001", "2021");
    assert_eq!(england.value, Some(450.0 / 45_000.0 * 1_000.0));
    let no_count = indicator_row(&out, def.id, "E07000001", "2020");
    assert_eq!(
        (no_count.value, no_count.status.as_str()),
        (None, "unavailable")
    );
    let no_population = out
        .values
        .clone()
        .lazy()
        .filter(
            col(INDICATOR)
                .eq(lit(def.id))
                .and(col(PERIOD).eq(lit("2019"))),
        )
        .collect()
        .unwrap();
    assert_eq!(no_population.height(), 0, "{no_population:?}");
}

#[test]
fn the_working_age_population_is_summed_and_changes_over_five_years() {
    let def = find_indicator("working_age_population").unwrap();
    let rows: Vec<(&str, String, Option<f64>)> = (2016..=2022)
        .flat_map(|y| {
            let k = f64::from(y - 2016);
            [
                ("E07000001", y.to_string(), Some(1_000.0 + 10.0 * k)),
                ("E07000002", y.to_string(), Some(2_000.0 - 5.0 * k)),
            ]
        })
        .collect();
    let rows: Vec<(&str, &str, Option<f64>)> =
        rows.iter().map(|(a, p, v)| (*a, p.as_str(), *v)).collect();
    let obs = counts(def.source, def.numerator.measure, &rows);
    let out = compute(&obs, &toy(), std::slice::from_ref(def)).unwrap();
    let county = indicator_row(&out, def.id, "E10000001", "2022");
    assert_eq!(county.value, Some(1_060.0 + 1_970.0));
    let change_5 = out
        .values
        .clone()
        .lazy()
        .filter(
            col(INDICATOR)
                .eq(lit(def.id))
                .and(col(AREA_CODE).eq(lit("E10000001")))
                .and(col(PERIOD).eq(lit("2022"))),
        )
        .collect()
        .unwrap()
        .column(CHANGE_5)
        .unwrap()
        .f64()
        .unwrap()
        .get(0);
    assert_eq!(change_5, Some(3_030.0 - 3_005.0), "2022 against 2017");
}

// ---------------------------------------------------------------------------------------------
// Area groups (issue 26): a group is exactly the union of its districts.

/// Every (source, measure) any indicator reads, once: what the property tests below fill.
fn every_measure() -> Vec<(&'static str, &'static str)> {
    let mut keys = std::collections::BTreeSet::new();
    for def in INDICATORS {
        keys.insert((def.source, def.numerator.measure));
        if let Some(den) = def.denominator {
            let source = match def.aggregation {
                Aggregation::RatioOfSumsAcrossSources { denominator_source } => denominator_source,
                _ => def.source,
            };
            keys.insert((source, den.measure));
        }
    }
    keys.into_iter().collect()
}

const TOY_DISTRICTS: [&str; 3] = ["E07000001", "E07000002", "E06000003"];
/// A withheld count's status as publishers mark it.
const MISSING: [&str; 3] = ["suppressed", "not_applicable", "unavailable"];

/// Observations of every measure for the toy districts in one period: `cells[k * 3 + d]` is
/// measure `k` of district `d`, a count or (None) withheld with `MISSING[status % 3]`.
fn every_measure_observations(cells: &[(Option<u32>, usize)]) -> DataFrame {
    let keys = every_measure();
    let (mut source, mut area, mut measure, mut value, mut status) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for (k, (s, m)) in keys.iter().enumerate() {
        for (d, code) in TOY_DISTRICTS.iter().enumerate() {
            let (v, st) = cells[k * 3 + d];
            source.push(*s);
            area.push(*code);
            measure.push(*m);
            value.push(v.map(f64::from));
            status.push(if v.is_some() { "ok" } else { MISSING[st % 3] });
        }
    }
    let n = area.len();
    DataFrame::new(
        n,
        vec![
            Column::new("source".into(), source),
            Column::new("area_code".into(), area),
            Column::new("period".into(), vec!["2022"; n]),
            Column::new("measure".into(), measure),
            Column::new("value".into(), value),
            Column::new("status".into(), status),
        ],
    )
    .unwrap()
}

/// Every values row by (indicator, area): (numerator, denominator, value, status, approximate,
/// coverage).
type Cell = (
    Option<f64>,
    Option<f64>,
    Option<f64>,
    String,
    bool,
    Option<f64>,
);

fn rows_by_area(out: &PipelineOutput) -> std::collections::HashMap<(String, String), Cell> {
    let df = &out.values;
    let s = |c: &str| df.column(c).unwrap().str().unwrap().clone();
    let f = |c: &str| df.column(c).unwrap().f64().unwrap().clone();
    let (ind, area, status) = (s(INDICATOR), s(AREA_CODE), s(STATUS));
    let (num, den, val, cov) = (f(NUMERATOR), f(DENOMINATOR), f(VALUE), f(COVERAGE));
    let approx = df.column(APPROXIMATE).unwrap().bool().unwrap().clone();
    (0..df.height())
        .map(|i| {
            (
                (
                    ind.get(i).unwrap().to_owned(),
                    area.get(i).unwrap().to_owned(),
                ),
                (
                    num.get(i),
                    den.get(i),
                    val.get(i),
                    status.get(i).unwrap().to_owned(),
                    approx.get(i).unwrap(),
                    cov.get(i),
                ),
            )
        })
        .collect()
}

fn cells_strategy() -> impl Strategy<Value = Vec<(Option<u32>, usize)>> {
    let n = every_measure().len() * TOY_DISTRICTS.len();
    proptest::collection::vec((proptest::option::weighted(0.85, 0u32..5000), 0usize..3), n)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    /// A group of one district is that district, for every indicator: the same value, numerator,
    /// denominator and status (the publisher's own symbol when a count is withheld), exact.
    /// Survey estimates and published rates are never summed: a group has none of them.
    #[test]
    fn a_group_of_one_district_equals_that_district_for_every_indicator(cells in cells_strategy()) {
        let out = compute(&every_measure_observations(&cells), &toy(), INDICATORS).unwrap();
        let rows = rows_by_area(&out);
        let mut compared = 0;
        for def in INDICATORS {
            let lad = rows.get(&(def.id.to_owned(), "E07000001".to_owned()));
            let group = rows.get(&(def.id.to_owned(), "G-one".to_owned()));
            if def.aggregation == Aggregation::Published {
                prop_assert!(group.is_none(), "{}: {group:?}", def.id);
                continue;
            }
            prop_assert_eq!(lad.is_some(), group.is_some(), "{}: {:?} {:?}", def.id, lad, group);
            if let (Some(lad), Some(group)) = (lad, group) {
                prop_assert_eq!(&lad.0, &group.0, "{} numerator", def.id);
                prop_assert_eq!(&lad.1, &group.1, "{} denominator", def.id);
                prop_assert_eq!(&lad.2, &group.2, "{} value", def.id);
                prop_assert_eq!(&lad.3, &group.3, "{} status", def.id);
                prop_assert!(!group.4, "{}: a group is exact, never approximate", def.id);
                prop_assert_eq!(group.5, None, "{}: an exact area has no coverage", def.id);
                compared += 1;
            }
        }
        prop_assert!(compared > 20, "only {compared} indicators compared");
    }

    /// A group of several districts sums its members' counts (a retired code counted as its
    /// successor); a withheld member makes the group's count absent and `suppressed`, never
    /// smaller; a rate is the ratio of the sums.
    #[test]
    fn a_group_of_several_districts_is_the_sum_of_its_members(cells in cells_strategy()) {
        let out = compute(&every_measure_observations(&cells), &toy(), INDICATORS).unwrap();
        let rows = rows_by_area(&out);
        let mut compared = 0;
        for def in INDICATORS.iter().filter(|d| {
            matches!(
                d.aggregation,
                Aggregation::RatioOfSums | Aggregation::Sum | Aggregation::RatioOfSumsAcrossSources { .. }
            )
        }) {
            for (group, members) in [
                ("G-all", &["E07000001", "E07000002", "E06000003"][..]),
                ("G-pair", &["E07000001", "E06000003"][..]),
            ] {
                let parts: Vec<&Cell> = members
                    .iter()
                    .filter_map(|m| rows.get(&(def.id.to_owned(), (*m).to_owned())))
                    .collect();
                let Some(g) = rows.get(&(def.id.to_owned(), group.to_owned())) else {
                    prop_assert!(parts.is_empty(), "{} {}: no row but its members have", def.id, group);
                    continue;
                };
                prop_assert_eq!(parts.len(), members.len(), "{} {}", def.id, group);
                let sum = |pick: fn(&Cell) -> Option<f64>| -> Option<f64> {
                    parts.iter().map(|p| pick(p)).sum()
                };
                let num = sum(|c| c.0);
                prop_assert_eq!(g.0, num, "{} {} numerator", def.id, group);
                if def.denominator.is_some() {
                    let den = sum(|c| c.1);
                    prop_assert_eq!(g.1, den, "{} {} denominator", def.id, group);
                    match (num, den) {
                        (Some(n), Some(d)) if d > 0.0 => {
                            let v = g.2.unwrap();
                            prop_assert!((v - n / d * def.per).abs() <= 1e-9 * v.abs().max(1.0), "{} {}", def.id, group);
                        }
                        _ => prop_assert_eq!(g.2, None, "{} {} value", def.id, group),
                    }
                }
                if num.is_none() {
                    prop_assert_eq!(g.3.as_str(), "suppressed", "{} {}", def.id, group);
                } else if g.2.is_some() {
                    prop_assert_eq!(g.3.as_str(), "ok", "{} {}", def.id, group);
                }
                prop_assert!(!g.4 && g.5.is_none(), "{} {}: exact", def.id, group);
                compared += 1;
            }
        }
        prop_assert!(compared > 20, "only {compared} sums compared");
    }
}

#[test]
fn groups_are_ranked_among_groups_not_districts() {
    let cells: Vec<(Option<u32>, usize)> = (0..every_measure().len() * 3)
        .map(|i| (Some(10 + i as u32), 0))
        .collect();
    let out = compute(&every_measure_observations(&cells), &toy(), INDICATORS).unwrap();
    let df = out
        .values
        .clone()
        .lazy()
        .filter(
            col(INDICATOR)
                .eq(lit("ks4_apprenticeship_rate"))
                .and(col(AREA_TYPE).eq(lit("group"))),
        )
        .collect()
        .unwrap();
    assert_eq!(df.height(), 3, "{df:?}");
    let rank_of = df.column(RANK_OF).unwrap().u32().unwrap();
    assert!(rank_of.iter().all(|n| n == Some(3)), "{df:?}");
}
