//! Demand side on real public data (`LMI_REAL_DATA`): the breakdowns, flows and projections lmi
//! builds, checked against sums recomputed straight from the raw files for Lancashire areas and
//! England. Each test prints the figures it checked.

use lmi_core::geography::ENGLAND;
use lmi_core::schema::breakdowns as b;
use lmi_e2e::{LANCASHIRE_CA, read_csv};
use lmi_ingest::Catalogue;
use lmi_testkit::real_data;
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

pub const BURNLEY: &str = "E07000117";
pub const PRESTON: &str = "E07000123";
pub const PRESTON_TTWA: &str = "E30000255";
pub const LANCASHIRE_COUNTY: &str = "E10000017";
pub const LANCASHIRE_CA_CODE: &str = "E47000018";
/// The 12 districts of Lancashire county (the combined authority adds the two unitaries).
const LANCASHIRE_DISTRICTS: &[&str] = &[
    "E07000117",
    "E07000118",
    "E07000119",
    "E07000120",
    "E07000121",
    "E07000122",
    "E07000123",
    "E07000124",
    "E07000125",
    "E07000126",
    "E07000127",
    "E07000128",
];

/// Observations of the named catalogue sources only, read from the real files by lmi's parsers.
pub fn load(dir: &Path, sources: &[&str]) -> DataFrame {
    let mut catalogue = Catalogue::bundled().unwrap();
    catalogue
        .sources
        .retain(|s| sources.contains(&s.id.as_str()));
    assert_eq!(catalogue.sources.len(), sources.len(), "{sources:?}");
    lmi_ingest::load_from_dir(dir, &catalogue)
        .unwrap()
        .observations
}

/// The non-null values of a text column, in row order.
fn texts(df: &DataFrame, column: &str) -> Vec<String> {
    df.column(column)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .map(str::to_owned)
        .collect()
}

/// The rows of `df` whose text columns equal the values given.
fn rows_where(df: &DataFrame, equal: &[(&str, &str)]) -> DataFrame {
    let all = equal
        .iter()
        .fold(lit(true), |acc, (c, v)| acc.and(col(*c).eq(lit(*v))));
    df.clone().lazy().filter(all).collect().unwrap()
}

fn breakdowns(observations: &DataFrame) -> DataFrame {
    let geo = lmi_core::Geography::bundled().unwrap();
    lmi_pipeline::compute_breakdowns(observations, geo, lmi_core::COUNT_BREAKDOWNS).unwrap()
}

/// (part label -> (count, share, lq), total) of one breakdown, area and period.
#[allow(clippy::type_complexity)]
fn parts_of(
    df: &DataFrame,
    breakdown: &str,
    area: &str,
    period: &str,
) -> (
    BTreeMap<String, (Option<f64>, Option<f64>, Option<f64>)>,
    Option<f64>,
) {
    let r = df
        .clone()
        .lazy()
        .filter(
            col(b::BREAKDOWN)
                .eq(lit(breakdown))
                .and(col(b::AREA_CODE).eq(lit(area)))
                .and(col(b::PERIOD).eq(lit(period))),
        )
        .collect()
        .unwrap();
    assert!(r.height() > 0, "{breakdown} {area} {period}: no rows");
    let label = r.column(b::PART_LABEL).unwrap().str().unwrap().clone();
    let f = |c: &str| r.column(c).unwrap().f64().unwrap().clone();
    let (count, share, lq, total) = (
        f(b::COUNT),
        f(b::SHARE),
        f(b::LOCATION_QUOTIENT),
        f(b::TOTAL),
    );
    let parts = (0..r.height())
        .map(|i| {
            (
                label.get(i).unwrap().to_owned(),
                (count.get(i), share.get(i), lq.get(i)),
            )
        })
        .collect();
    (parts, total.get(0))
}

/// TS063 counts (total first) per area, summed from the raw LAD or LSOA file by `key`.
fn ts063_sums(
    rows: &[HashMap<String, String>],
    key: impl Fn(&HashMap<String, String>) -> Option<String>,
) -> HashMap<String, Vec<f64>> {
    let columns: Vec<String> = std::iter::once(
        "Occupation (current): Total: All usual residents aged 16 years and over in employment the week before the census".to_owned(),
    )
    .chain(lmi_core::breakdown::TS063_PARTS.iter().enumerate().map(|(i, p)| {
        format!("Occupation (current): {}. {}", i + 1, p.label)
    }))
    .collect();
    let mut out: HashMap<String, Vec<f64>> = HashMap::new();
    for row in rows {
        let Some(k) = key(row) else { continue };
        let e = out.entry(k).or_insert_with(|| vec![0.0; columns.len()]);
        for (v, c) in e.iter_mut().zip(&columns) {
            *v += row[c].parse::<f64>().unwrap();
        }
    }
    out
}

fn top_three_by_lq(
    df: &DataFrame,
    breakdown: &str,
    area: &str,
    period: &str,
) -> Vec<(String, f64, f64)> {
    let (parts, _) = parts_of(df, breakdown, area, period);
    let mut v: Vec<_> = parts
        .into_iter()
        .filter_map(|(l, (_, s, lq))| Some((l, s?, lq?)))
        .collect();
    v.sort_by(|a, b| b.2.total_cmp(&a.2));
    v.truncate(3);
    v
}

#[test]
fn occupation_shares_and_location_quotients_match_ts063_for_lancashire_and_england() {
    let Some(dir) = real_data("occupation_shares_match_ts063") else {
        return;
    };
    let df = breakdowns(&load(
        &dir,
        &["census2021_ts063_lad", "census2021_ts063_lsoa"],
    ));
    let lad_rows = read_csv(&dir.join("census/census2021_ts063_lad22.csv"));
    let lsoa_rows = read_csv(&dir.join("census/census2021_ts063_lsoa21.csv.gz"));
    // Areas as sets of districts, and the Preston TTWA from the LSOAs the repository assigns to it.
    let groups: [(&str, Vec<&str>); 4] = [
        (BURNLEY, vec![BURNLEY]),
        (PRESTON, vec![PRESTON]),
        (LANCASHIRE_COUNTY, LANCASHIRE_DISTRICTS.to_vec()),
        (LANCASHIRE_CA_CODE, LANCASHIRE_CA.to_vec()),
    ];
    let mut raw = HashMap::new();
    for (area, lads) in &groups {
        let sums = ts063_sums(&lad_rows, |r| {
            lads.contains(&r["LAD22CD"].as_str())
                .then(|| area.to_string())
        });
        raw.insert(area.to_string(), sums[*area].clone());
    }
    let england = ts063_sums(&lad_rows, |r| {
        r["LAD22CD"].starts_with('E').then(|| ENGLAND.to_owned())
    });
    raw.insert(ENGLAND.to_owned(), england[ENGLAND].clone());
    let ttwa_of: HashMap<String, String> = read_csv(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../datasets/geography/lsoa21_ttwa.csv"),
    )
    .into_iter()
    .map(|r| (r["lsoa21_code"].clone(), r["ttwa_code"].clone()))
    .collect();
    let ttwa = ts063_sums(&lsoa_rows, |r| {
        (ttwa_of.get(&r["LSOA21CD"]).map(String::as_str) == Some(PRESTON_TTWA))
            .then(|| PRESTON_TTWA.to_owned())
    });
    raw.insert(PRESTON_TTWA.to_owned(), ttwa[PRESTON_TTWA].clone());
    let eng = &raw[ENGLAND];
    for (area, counts) in &raw {
        let (parts, total) = parts_of(&df, "census_occupation", area, "2021");
        assert_eq!(total, Some(counts[0]), "{area} total");
        let mut share_sum = 0.0;
        for (i, p) in lmi_core::breakdown::TS063_PARTS.iter().enumerate() {
            let (count, share, lq) = parts[p.label];
            let want_share = counts[i + 1] / counts[0] * 100.0;
            let want_lq = want_share / (eng[i + 1] / eng[0] * 100.0);
            assert_eq!(count, Some(counts[i + 1]), "{area} {}", p.label);
            assert!(
                (share.unwrap() - want_share).abs() < 1e-9,
                "{area} {}",
                p.label
            );
            assert!((lq.unwrap() - want_lq).abs() < 1e-9, "{area} {}", p.label);
            share_sum += share.unwrap();
        }
        assert!((share_sum - 100.0).abs() < 1e-9, "{area}");
    }
    assert_eq!(raw[BURNLEY][0], 40_003.0);
    for (_, (_, _, lq)) in parts_of(&df, "census_occupation", ENGLAND, "2021").0 {
        assert_eq!(lq, Some(1.0));
    }
    for area in [BURNLEY, PRESTON_TTWA, LANCASHIRE_CA_CODE] {
        println!("top occupations by location quotient, {area} (Census 2021 TS063):");
        for (label, share, lq) in top_three_by_lq(&df, "census_occupation", area, "2021") {
            println!("  {label}: {share:.1}% of residents in employment, LQ {lq:.2}");
        }
    }
}

#[test]
fn enterprise_counts_match_uk_business_counts_for_lancashire() {
    let Some(dir) = real_data("enterprise_counts_match_ukbc") else {
        return;
    };
    let df = breakdowns(&load(&dir, &["nomis_ukbc_enterprises"]));
    // Raw sums of the district rows of industry Total (one code per area: the newest).
    let mut raw: HashMap<(&str, String), f64> = HashMap::new();
    for row in read_csv(&dir.join("nomis/ukbc_enterprises_industry_sizeband_lad_2018_2022.csv.gz"))
    {
        if row["industry"] != "Total" || row["area_type"] != "ladu" {
            continue;
        }
        let code = row["area_code"].rsplit(';').next().unwrap().to_owned();
        let total: f64 = row["Total"].parse().unwrap();
        for (area, lads) in [
            (BURNLEY, &[BURNLEY][..]),
            (LANCASHIRE_COUNTY, LANCASHIRE_DISTRICTS),
            (LANCASHIRE_CA_CODE, &LANCASHIRE_CA[..]),
        ] {
            if lads.contains(&code.as_str()) {
                *raw.entry((area, row["date"].clone())).or_default() += total;
            }
        }
    }
    for ((area, period), want) in &raw {
        let (parts, total) = parts_of(&df, "enterprises_by_size", area, period);
        assert_eq!(total, Some(*want), "{area} {period}");
        let shares: f64 = parts.values().map(|p| p.1.unwrap()).sum();
        // Bands are rounded to 5 independently of the total: shares add up only roughly.
        assert!((shares - 100.0).abs() < 3.0, "{area} {period}: {shares}");
    }
    let (_, burnley) = parts_of(&df, "enterprises_by_industry", BURNLEY, "2022");
    assert_eq!(burnley, Some(2655.0));
    for area in [BURNLEY, PRESTON_TTWA, LANCASHIRE_CA_CODE] {
        let (parts, total) = parts_of(&df, "enterprises_by_size", area, "2022");
        let flags = df
            .clone()
            .lazy()
            .filter(
                col(b::AREA_CODE)
                    .eq(lit(area))
                    .and(col(b::PERIOD).eq(lit("2022"))),
            )
            .first()
            .collect()
            .unwrap();
        println!(
            "enterprises 2022, {area}: {} (micro {:.1}%), approximate {:?}, coverage {:?}",
            total.unwrap(),
            parts["Micro (0 to 9)"].1.unwrap(),
            flags.column(b::APPROXIMATE).unwrap().bool().unwrap().get(0),
            flags.column(b::COVERAGE).unwrap().f64().unwrap().get(0),
        );
    }
}

fn summary_row(summary: &DataFrame, area: &str, period: &str) -> HashMap<&'static str, f64> {
    use lmi_core::schema::flow_summary as fs;
    let r = summary
        .clone()
        .lazy()
        .filter(
            col(fs::AREA_CODE)
                .eq(lit(area))
                .and(col(fs::PERIOD).eq(lit(period))),
        )
        .collect()
        .unwrap();
    assert_eq!(r.height(), 1, "{area} {period}");
    [
        fs::RESIDENT_STARTS,
        fs::SAME_AREA_STARTS,
        fs::SAME_AREA_SHARE,
        fs::OUTFLOW_STARTS,
        fs::INFLOW_STARTS,
        fs::NET_STARTS,
        fs::UNKNOWN_DELIVERY_STARTS,
    ]
    .into_iter()
    .map(|c| (c, r.column(c).unwrap().f64().unwrap().get(0).unwrap()))
    .collect()
}

#[test]
fn travel_to_learn_reproduces_dfe_totals_and_lancashire_flows() {
    use lmi_core::schema::flows as fl;
    let Some(dir) = real_data("travel_to_learn_reproduces_dfe_totals") else {
        return;
    };
    let geo = lmi_core::Geography::bundled().unwrap();
    let (flows, summary) =
        lmi_pipeline::compute_flows(&load(&dir, &["dfe_apprenticeship_flows"]), geo).unwrap();
    // National sums: every district-level flow, the unknown bucket included.
    let national = flows
        .clone()
        .lazy()
        .filter(col(fl::AREA_TYPE).eq(lit("lad")))
        .group_by([col(fl::PERIOD)])
        .agg([col(fl::STARTS).sum(), col(fl::PROVISIONAL).first()])
        .sort([fl::PERIOD], SortMultipleOptions::default())
        .collect()
        .unwrap();
    let starts: Vec<f64> = national
        .column(fl::STARTS)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(starts, [337_136.0, 339_582.0, 353_503.0, 308_773.0]);
    let provisional: Vec<bool> = national
        .column(fl::PROVISIONAL)
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(provisional, [false, false, false, true]);

    // Raw sums from the file for whole-district areas.
    let raw = read_csv(&dir.join("dfe/apprenticeships_home_to_delivery_lad23_2223_2526.csv.gz"));
    for (area, lads) in [
        (BURNLEY, &[BURNLEY][..]),
        (PRESTON, &[PRESTON][..]),
        (LANCASHIRE_COUNTY, LANCASHIRE_DISTRICTS),
        (LANCASHIRE_CA_CODE, &LANCASHIRE_CA[..]),
    ] {
        let (mut resident, mut same, mut inflow) = (0.0, 0.0, 0.0);
        for r in raw.iter().filter(|r| r["year"] == "2023/24") {
            let s: f64 = r["starts"].parse().unwrap();
            let home = lads.contains(&r["learner_home_lad23cd"].as_str());
            let delivered = lads.contains(&r["delivery_lad23cd"].as_str());
            if home {
                resident += s;
            }
            if home && delivered {
                same += s;
            }
            if delivered && !home {
                inflow += s;
            }
        }
        let got = summary_row(&summary, area, "2023/24");
        assert_eq!(got["resident_starts"], resident, "{area}");
        assert_eq!(got["same_area_starts"], same, "{area}");
        assert_eq!(got["inflow_starts"], inflow, "{area}");
        assert_eq!(got["net_starts"], inflow - (resident - same), "{area}");
    }
    let burnley = summary_row(&summary, BURNLEY, "2023/24");
    assert_eq!(
        (burnley["resident_starts"], burnley["same_area_starts"]),
        (648.0, 298.0)
    );
    for area in [BURNLEY, PRESTON_TTWA, LANCASHIRE_CA_CODE] {
        let s = summary_row(&summary, area, "2023/24");
        println!(
            "apprenticeship starts 2023/24 by residents of {area}: {}, delivered in the same area {} ({:.1}%), outflow {} (outside England/unknown {}), inflow {}, net {}",
            s["resident_starts"],
            s["same_area_starts"],
            s["same_area_share"],
            s["outflow_starts"],
            s["unknown_delivery_starts"],
            s["inflow_starts"],
            s["net_starts"]
        );
        let top = flows
            .clone()
            .lazy()
            .filter(
                col(fl::HOME_CODE)
                    .eq(lit(area))
                    .and(col(fl::PERIOD).eq(lit("2023/24")))
                    .and(col(fl::RANK).lt_eq(lit(3u32))),
            )
            .sort([fl::RANK], SortMultipleOptions::default())
            .collect()
            .unwrap();
        println!(
            "  top delivery areas: {:?}",
            top.column(fl::DELIVERY_CODE)
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .flatten()
                .zip(
                    top.column(fl::STARTS)
                        .unwrap()
                        .f64()
                        .unwrap()
                        .iter()
                        .flatten()
                )
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn projections_read_from_the_workbooks_match_the_published_lancashire_figures() {
    use lmi_core::schema::projections as pr;
    let Some(dir) = real_data("projections_match_the_skills_imperative_workbooks") else {
        return;
    };
    let geo = lmi_core::Geography::bundled().unwrap();
    let observations = load(
        &dir,
        &[
            "skills_imperative_2035_lsip_areas",
            "skills_imperative_2035_england",
        ],
    );
    let df = lmi_pipeline::compute_projections(&observations, geo).unwrap();
    let pick = |area: &str, classification: &str, quantity: &str, period: &str| {
        df.clone()
            .lazy()
            .filter(
                col(pr::AREA_CODE)
                    .eq(lit(area))
                    .and(col(pr::CLASSIFICATION).eq(lit(classification)))
                    .and(col(pr::QUANTITY).eq(lit(quantity)))
                    .and(col(pr::PERIOD).eq(lit(period))),
            )
            .sort(
                [pr::VALUE],
                SortMultipleOptions::default().with_order_descending(true),
            )
            .collect()
            .unwrap()
    };
    let total = |area: &str, classification: &str, quantity: &str, period: &str| {
        let t = pick(area, classification, quantity, period)
            .lazy()
            .filter(col(pr::ITEM).eq(lit("total")))
            .collect()
            .unwrap();
        t.column(pr::VALUE).unwrap().f64().unwrap().get(0).unwrap()
    };
    let lsip = "E69000019";
    let round1 = |v: f64| (v * 10.0).round() / 10.0;
    assert_eq!(
        round1(total(lsip, "sic2007_sectors_6", "employment", "2020")),
        722.0
    );
    assert_eq!(
        round1(total(lsip, "sic2007_sectors_6", "employment", "2035")),
        772.7
    );
    assert_eq!(
        round1(total(
            lsip,
            "sic2007_sectors_6",
            "total_requirement",
            "2020-2035"
        )),
        409.1
    );
    // The occupation tables add up to the same employment as the industry tables.
    for c in [
        "soc2020_major_groups",
        "soc2020_sub_major_groups",
        "sic2007_industry_groups_22",
    ] {
        assert!(
            (total(lsip, c, "employment", "2035") - 772.749).abs() < 0.01,
            "{c}"
        );
    }
    assert!(total("E92000001", "sic2007_sectors_6", "employment", "2020") > 20_000.0);
    let models: Vec<_> = df
        .column(pr::MODEL)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert!(models.iter().all(|m| *m == lmi_core::projections::MODEL));
    for c in ["soc2020_sub_major_groups", "soc2020_major_groups"] {
        println!(
            "Lancashire LSIP, most job openings 2020-2035 ({c}, {}):",
            lmi_core::projections::MODEL
        );
        let top = pick(lsip, c, "total_requirement", "2020-2035")
            .lazy()
            .filter(col(pr::ITEM).neq(lit("total")))
            .limit(3)
            .collect()
            .unwrap();
        let labels = top.column(pr::ITEM_LABEL).unwrap().str().unwrap();
        let items = top.column(pr::ITEM).unwrap().str().unwrap();
        let values = top.column(pr::VALUE).unwrap().f64().unwrap();
        for i in 0..3 {
            println!(
                "  {} {}: {:.1}k total requirement",
                items.get(i).unwrap(),
                labels.get(i).unwrap(),
                values.get(i).unwrap()
            );
        }
    }
}

#[test]
fn economic_activity_is_served_for_upper_tier_areas_only() {
    let Some(dir) = real_data("economic_activity_is_served_for_upper_tier_areas_only") else {
        return;
    };
    let df = breakdowns(&load(&dir, &["census2021_ts066_utla"]));
    // Raw counts per upper-tier code from the Nomis file.
    let mut raw: HashMap<(String, String), f64> = HashMap::new();
    for r in read_csv(&dir.join("census/census2021_ts066_utla23_nomis_api.csv.gz")) {
        if r["MEASURES"] == "20100" {
            raw.insert(
                (r["GEOGRAPHY_CODE"].clone(), r["C2021_EASTAT_20"].clone()),
                r["OBS_VALUE"].parse().unwrap(),
            );
        }
    }
    fn units(area: &str) -> Vec<&str> {
        match area {
            LANCASHIRE_CA_CODE => vec![LANCASHIRE_COUNTY, "E06000008", "E06000009"],
            other => vec![other],
        }
    }
    for area in [LANCASHIRE_COUNTY, "E06000009", LANCASHIRE_CA_CODE] {
        let sum = |cat: &str| -> f64 {
            units(area)
                .iter()
                .map(|u| raw[&(u.to_string(), cat.to_owned())])
                .sum()
        };
        let (parts, total) = parts_of(&df, "census_economic_activity", area, "2021");
        assert_eq!(total, Some(sum("0")), "{area}");
        let inactive: f64 = parts
            .iter()
            .filter(|(l, _)| l.starts_with("Inactive"))
            .map(|(_, p)| p.0.unwrap())
            .sum();
        assert_eq!(inactive, sum("1011"), "{area}");
        println!(
            "economic activity 2021, {area}: 16+ {}, inactive {inactive} ({:.1}%)",
            total.unwrap(),
            inactive / total.unwrap() * 100.0
        );
    }
    assert_eq!(
        parts_of(&df, "census_economic_activity", LANCASHIRE_COUNTY, "2021").1,
        Some(1_012_920.0)
    );
    for area in [BURNLEY, PRESTON, PRESTON_TTWA] {
        let r = rows_where(
            &df,
            &[
                (b::BREAKDOWN, "census_economic_activity"),
                (b::AREA_CODE, area),
            ],
        );
        assert!(r.height() > 0, "{area}");
        assert_eq!(
            r.column(b::COUNT).unwrap().null_count(),
            r.height(),
            "{area}"
        );
        let notes: Vec<_> = r
            .column(b::NOTE)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert!(
            notes
                .iter()
                .all(|n| *n == lmi_core::breakdown::UPPER_TIER_ONLY),
            "{area}"
        );
    }
    // England is built from every county and unitary: its LQs are exactly 1.
    for (_, (_, _, lq)) in parts_of(&df, "census_economic_activity", ENGLAND, "2021").0 {
        assert_eq!(lq, Some(1.0));
    }
}

/// (value, status) of one indicator for an area and period.
fn value_of(
    values: &DataFrame,
    indicator: &str,
    area: &str,
    period: &str,
) -> (Option<f64>, String) {
    use lmi_core::schema::values as v;
    let r = values
        .clone()
        .lazy()
        .filter(
            col(v::INDICATOR)
                .eq(lit(indicator))
                .and(col(v::AREA_CODE).eq(lit(area)))
                .and(col(v::PERIOD).eq(lit(period))),
        )
        .collect()
        .unwrap();
    assert_eq!(r.height(), 1, "{indicator} {area} {period}");
    (
        r.column(v::VALUE).unwrap().f64().unwrap().get(0),
        r.column(v::STATUS)
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .unwrap()
            .to_owned(),
    )
}

#[test]
fn demand_indicators_match_their_files_and_upper_tier_ones_are_absent_for_districts() {
    let Some(dir) = real_data("demand_indicators_match_their_files") else {
        return;
    };
    let sources = [
        "ons_online_job_adverts",
        "ons_els_business_births",
        "ons_els_business_deaths",
        "dfe_ess2019_lea",
        "dfe_nccis_neet_16_17",
    ];
    let defs: Vec<lmi_core::IndicatorDef> = lmi_core::INDICATORS
        .iter()
        .filter(|d| sources.contains(&d.source))
        .cloned()
        .collect();
    assert_eq!(defs.len(), 9);
    let geo = lmi_core::Geography::bundled().unwrap();
    let values = lmi_pipeline::compute(&load(&dir, &sources), geo, &defs)
        .unwrap()
        .values;

    // Job adverts: as published; Pendle and Wyre excluded by ONS, absent with that status.
    assert_eq!(
        value_of(&values, "online_job_adverts_index", BURNLEY, "2022").0,
        Some(11.9)
    );
    assert_eq!(
        value_of(&values, "online_job_adverts_index", PRESTON, "2022").0,
        Some(38.1)
    );
    let change = value_of(&values, "online_job_adverts_change", BURNLEY, "2022")
        .0
        .unwrap();
    assert!((change - (11.9 - 7.0) / 7.0 * 100.0).abs() < 1e-9);
    for excluded in ["E07000122", "E07000128"] {
        assert_eq!(
            value_of(&values, "online_job_adverts_index", excluded, "2022"),
            (None, "unavailable".to_owned())
        );
    }

    // ESS 2019: Lancashire county as published (15,029 vacancies, 5,709 skill-shortage).
    let ssv = value_of(
        &values,
        "skill_shortage_vacancy_share",
        LANCASHIRE_COUNTY,
        "2019",
    )
    .0;
    assert!((ssv.unwrap() - 5709.0 / 15029.0 * 100.0).abs() < 1e-9);
    // The combined authority = the county + Blackburn with Darwen + Blackpool.
    let ca = value_of(
        &values,
        "skill_shortage_vacancy_share",
        LANCASHIRE_CA_CODE,
        "2019",
    )
    .0;
    let want = (5709.0 + 858.0 + 141.0) / (15029.0 + 2009.0 + 1797.0) * 100.0;
    assert!((ca.unwrap() - want).abs() < 1e-9, "{ca:?} {want}");
    // England as published, not summed.
    let england = value_of(&values, "vacancy_density", ENGLAND, "2019")
        .0
        .unwrap();
    assert!((england - 811_703.0 / 25_480_720.0 * 100.0).abs() < 1e-9);

    // NCCIS 2025: Lancashire county's published NEET 3.9%; the combined authority from counts.
    let neet = value_of(&values, "neet_16_17_rate", LANCASHIRE_COUNTY, "2025")
        .0
        .unwrap();
    assert!((neet - 3.9).abs() < 1e-9);
    let ca = value_of(&values, "neet_16_17_rate", LANCASHIRE_CA_CODE, "2025")
        .0
        .unwrap();
    let want = (30517.0 * 3.9 + 4827.0 * 4.7 + 3210.0 * 7.6) / (30517.0 + 4827.0 + 3210.0);
    assert!((ca - want).abs() < 1e-9, "{ca} {want}");
    // The earlier years' files are read into the same series (DfE published no 2024 file):
    // Lancashire county's published NEET 2.5%, 2.5%, 2.6% and apprenticeship 7.4%, 9.5%, 11.1%.
    for (period, neet, apprenticeships) in
        [("2021", 2.5, 7.4), ("2022", 2.5, 9.5), ("2023", 2.6, 11.1)]
    {
        let got = |id| {
            value_of(&values, id, LANCASHIRE_COUNTY, period)
                .0
                .unwrap_or_else(|| panic!("{id} {period}"))
        };
        assert!((got("neet_16_17_rate") - neet).abs() < 1e-9, "{period}");
        assert!(
            (got("apprenticeship_16_17_share") - apprenticeships).abs() < 1e-9,
            "{period}"
        );
    }
    let neet = rows_where(
        &values,
        &[
            (lmi_core::schema::values::INDICATOR, "neet_16_17_rate"),
            (lmi_core::schema::values::AREA_CODE, LANCASHIRE_COUNTY),
        ],
    );
    let periods = texts(&neet, lmi_core::schema::values::PERIOD);
    assert_eq!(
        periods,
        ["2021", "2022", "2023", "2025"],
        "no 2024 file, no 2024"
    );

    // Upper-tier indicators: no value for two-tier districts and TTWAs, with a status saying so.
    for id in [
        "vacancy_density",
        "neet_16_17_rate",
        "apprenticeship_16_17_share",
    ] {
        let period = if id == "vacancy_density" {
            "2019"
        } else {
            "2025"
        };
        for area in [BURNLEY, PRESTON, PRESTON_TTWA] {
            assert_eq!(
                value_of(&values, id, area, period),
                (None, "not_applicable".to_owned()),
                "{id} {area}"
            );
        }
    }
    for area in [
        LANCASHIRE_COUNTY,
        "E06000008",
        "E06000009",
        LANCASHIRE_CA_CODE,
        ENGLAND,
    ] {
        println!(
            "{area}: vacancy density 2019 {:.2}%, skill-shortage share {:.1}%, NEET 16-17 2025 {:.2}%, apprenticeships 16-17 {:.2}%",
            value_of(&values, "vacancy_density", area, "2019")
                .0
                .unwrap(),
            value_of(&values, "skill_shortage_vacancy_share", area, "2019")
                .0
                .unwrap(),
            value_of(&values, "neet_16_17_rate", area, "2025")
                .0
                .unwrap(),
            value_of(&values, "apprenticeship_16_17_share", area, "2025")
                .0
                .unwrap(),
        );
    }
    let births = value_of(&values, "business_birth_rate", BURNLEY, "2024")
        .0
        .unwrap();
    println!("Burnley business births 2024: {births:.1}% of active businesses");
}

#[test]
fn aps_breakdowns_keep_nomis_symbols_and_are_served_as_published_only() {
    let Some(dir) = real_data("aps_breakdowns_keep_nomis_symbols") else {
        return;
    };
    let observations = load(
        &dir,
        &["nomis_aps_t13a_industry", "nomis_aps_t09a_occupation"],
    );
    let df = breakdowns(&observations);
    // Burnley 2018 manufacturing is published (7,600); agriculture is withheld (`!`).
    let (parts, total) = parts_of(&df, "aps_employment_by_industry", BURNLEY, "2018");
    assert_eq!(parts["C Manufacturing"].0, Some(7600.0));
    assert_eq!(parts["A Agriculture and fishing"].0, None);
    // A withheld part leaves the total unknown: no shares, never a share of a partial total.
    assert_eq!(total, None);
    assert!(parts.values().all(|p| p.1.is_none()));
    let flags = observations
        .clone()
        .lazy()
        .filter(
            col("area_code")
                .eq(lit(BURNLEY))
                .and(col("measure").eq(lit("aps_t13a_1")))
                .and(col("period").eq(lit("2018"))),
        )
        .collect()
        .unwrap();
    assert_eq!(
        flags.column("flags").unwrap().str().unwrap().get(0),
        Some("number=!")
    );
    // England is published in full: its shares add up and its LQs are 1.
    let (england, _) = parts_of(&df, "aps_employment_by_industry", ENGLAND, "2022");
    let sum: f64 = england.values().map(|p| p.1.unwrap()).sum();
    assert!((sum - 100.0).abs() < 1e-9);
    assert!(england.values().all(|p| p.2 == Some(1.0)));
    // Survey estimates are never summed: no county, TTWA or combined authority rows.
    let areas: Vec<String> = df
        .column(b::AREA_TYPE)
        .unwrap()
        .str()
        .unwrap()
        .unique()
        .unwrap()
        .iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    assert!(
        areas.iter().all(|t| t == "lad" || t == "country"),
        "{areas:?}"
    );
    // SOC 2010 (APS) and SOC 2020 (Census) are different classifications.
    let classes = texts(
        &df.clone()
            .lazy()
            .filter(col(b::BREAKDOWN).eq(lit("aps_employment_by_occupation")))
            .select([col(b::CLASSIFICATION)])
            .unique(None, UniqueKeepStrategy::Any)
            .collect()
            .unwrap(),
        b::CLASSIFICATION,
    );
    assert_eq!(classes, ["soc2010_sub_major_groups"]);
    let withheld = df
        .clone()
        .lazy()
        .filter(
            col(b::BREAKDOWN)
                .eq(lit("aps_employment_by_occupation"))
                .and(col(b::AREA_TYPE).eq(lit("lad"))),
        )
        .collect()
        .unwrap();
    println!(
        "APS occupation (SOC 2010) district cells: {} of {} withheld",
        withheld.column(b::COUNT).unwrap().null_count(),
        withheld.height()
    );
}

/// The real open access BRES download we hold (13 West and North Yorkshire districts, sections A..U,
/// 2015-2021) read through the `nomis_bres_lad` entry's own mapping. Its README records the URL
/// `NM_189_1.data.csv?…&industry=150994945...150994965&employment_status=4&measure=1&measures=20100`
/// (ChristianSpence/WNYCC-LSIP @ 740838f0de99, ../shared/data/PROVENANCE.md): so it holds
/// EMPLOYMENT (employees plus working owners, status 4), although the repository and the file name
/// call it employees. The download was reduced with `select` to `DATE, GEOGRAPHY_CODE,
/// GEOGRAPHY_NAME, INDUSTRY_CODE, INDUSTRY_NAME, OBS_VALUE`; the columns the query fixed are put
/// back here (INDUSTRY = 150994944 + the section's place in A..U, as the query's range;
/// EMPLOYMENT_STATUS 4, MEASURE 1, OBS_STATUS A) and the cells paged as one result, so the
/// catalogue's mapping and label check read the real labels and values.
fn bres_real_result(dir: &Path) -> (Vec<HashMap<String, String>>, Vec<u8>) {
    let rows = read_csv(&dir.join("nomis/bres_employees_nm189_wnyorks_2015_2021.csv"));
    let mut out = String::from(
        "DATE,GEOGRAPHY_CODE,GEOGRAPHY_NAME,INDUSTRY,INDUSTRY_NAME,EMPLOYMENT_STATUS,MEASURE,\
         MEASURES,OBS_VALUE,OBS_STATUS,OBS_CONF,RECORD_OFFSET,RECORD_COUNT\n",
    );
    for (i, r) in rows.iter().enumerate() {
        let letter = r["INDUSTRY_CODE"].as_bytes()[0];
        assert!(letter.is_ascii_uppercase() && letter <= b'U', "{r:?}");
        let industry = 150_994_945 + u64::from(letter - b'A');
        out.push_str(&format!(
            "{},{},\"{}\",{industry},\"{}\",4,1,20100,{},A,F,{i},{}\n",
            r["DATE"],
            r["GEOGRAPHY_CODE"],
            r["GEOGRAPHY_NAME"],
            r["INDUSTRY_NAME"],
            r["OBS_VALUE"],
            rows.len()
        ));
    }
    (rows, out.into_bytes())
}

#[test]
fn bres_sections_of_the_real_yorkshire_download_sum_to_current_areas() {
    let Some(dir) = real_data("bres_sections_of_the_real_yorkshire_download") else {
        return;
    };
    let (raw_rows, result) = bres_real_result(&dir);
    let catalogue = Catalogue::bundled().unwrap();
    let source = catalogue.get("nomis_bres_lad").unwrap();
    let mut obs = lmi_ingest::Observations::default();
    lmi_ingest::parse_fetched(
        source,
        source.fetch.as_ref().unwrap(),
        None,
        &[("bres_employees_nm189_wnyorks_2015_2021.csv".into(), result)],
        &mut obs,
    )
    .unwrap();
    let df = breakdowns(&obs.into_frame().unwrap());
    // The seven North Yorkshire districts abolished in April 2023 (E07000163..E07000169) are
    // summed into the unitary North Yorkshire (E06000065); West Yorkshire's five metropolitan
    // districts make the combined authority E47000003; York stays itself.
    const NORTH_YORKSHIRE: &str = "E06000065";
    const WEST_YORKSHIRE_CA: &str = "E47000003";
    // Each district's own rows, and the current area it adds up to.
    let areas_of = |code: &str| -> Vec<String> {
        let parent = match code {
            "E07000163" | "E07000164" | "E07000165" | "E07000166" | "E07000167" | "E07000168"
            | "E07000169" => NORTH_YORKSHIRE,
            "E08000032" | "E08000033" | "E08000034" | "E08000035" | "E08000036" => {
                WEST_YORKSHIRE_CA
            }
            "E06000014" => return vec![code.to_owned()],
            other => panic!("unexpected district {other}"),
        };
        if code.starts_with("E08") {
            vec![code.to_owned(), parent.to_owned()]
        } else {
            vec![parent.to_owned()]
        }
    };
    let mut want: BTreeMap<(String, String, String), f64> = BTreeMap::new();
    for r in &raw_rows {
        let letter = r["INDUSTRY_NAME"].split_once(" : ").unwrap().0.to_owned();
        for area in areas_of(&r["GEOGRAPHY_CODE"]) {
            *want
                .entry((area, r["DATE"].clone(), letter.clone()))
                .or_default() += r["OBS_VALUE"].parse::<f64>().unwrap();
        }
    }
    let jobs = rows_where(&df, &[(b::BREAKDOWN, "jobs_by_section")]);
    let get = |area: &str, period: &str| {
        let r = rows_where(&jobs, &[(b::AREA_CODE, area), (b::PERIOD, period)]);
        let labels = texts(&r, b::PART_LABEL);
        let count = r.column(b::COUNT).unwrap().f64().unwrap().clone();
        let approximate = r.column(b::APPROXIMATE).unwrap().bool().unwrap().clone();
        let constituents = r.column(b::CONSTITUENTS).unwrap().u32().unwrap().clone();
        labels
            .into_iter()
            .enumerate()
            .map(|(i, l)| {
                let letter = l.split(' ').next().unwrap().to_owned();
                (
                    letter,
                    (
                        count.get(i),
                        approximate.get(i).unwrap(),
                        constituents.get(i).unwrap(),
                    ),
                )
            })
            .collect::<BTreeMap<String, _>>()
    };
    let mut checked = 0;
    for ((area, period, letter), value) in &want {
        let parts = get(area, period);
        assert_eq!(parts.len(), 21, "{area} {period}");
        let (count, approximate, constituents) = parts[letter];
        assert_eq!(count, Some(*value), "{area} {period} {letter}");
        // A sum of several current districts' rounded counts is approximate; a district as
        // published is not. North Yorkshire is one current district (constituents 1) summed from
        // seven retired codes: the pipeline does not flag that sum of rounded counts (a known
        // gap for pre-2023 files; a fetch asks for April 2023 districts and gets it as one).
        if *area == WEST_YORKSHIRE_CA {
            assert!(approximate && constituents == 5, "{area} {period} {letter}");
        } else if area != NORTH_YORKSHIRE {
            assert!(
                !approximate && constituents == 1,
                "{area} {period} {letter}"
            );
        }
        checked += 1;
    }
    assert_eq!(checked, 21 * 7 * (1 + 1 + 1 + 5));
    let north = get(NORTH_YORKSHIRE, "2021");
    let west = get(WEST_YORKSHIRE_CA, "2021");
    println!(
        "BRES employment 2021 (real open access download, sections): North Yorkshire (7 former \
         districts) manufacturing {:?}, health {:?} ({} constituents, approximate {}); West \
         Yorkshire CA manufacturing {:?}, health {:?}; no all-industries total in this download, \
         so no shares",
        north["C"].0, north["Q"].0, north["C"].2, north["C"].1, west["C"].0, west["Q"].0
    );
}
