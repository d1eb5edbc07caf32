//! The indicator catalogue on real data: every indicator answers for the Lancashire districts,
//! their TTWAs, Lancashire, the North West and England where its source covers them, and a
//! handful of figures are recomputed straight from the raw files.

use lmi_core::{Aggregation, INDICATORS};
use lmi_e2e::{LANCASHIRE_CA, TestApp, read_csv};
use lmi_testkit::real_data;
use std::collections::BTreeMap;

const LANCASHIRE_TTWAS: [&str; 5] = [
    "E30000182",
    "E30000255",
    "E30000170",
    "E30000171",
    "E30000076",
];

/// Indicators only DfE's current FE participation file gives (starts, participation and the
/// population they are rated by); the shared real FE file is the older achievements export, so
/// these must have no values here: absent, never invented.
const FE_PARTICIPATION_ONLY: [&str; 5] = [
    "fe_apprenticeship_starts",
    "fe_participation",
    "fe_participation_rate",
    "fe_apprenticeship_starts_rate",
    "fe_achievement_rate",
];

/// Indicators the shared real data cannot give (issue 25): GVA has no England row in ONS's ELS
/// series (so England gets none), and no mid-year population file (NM_2002_1) is held, so the
/// working-age population and the rates over it are absent everywhere.
const NO_ENGLAND_ROW: [&str; 2] = ["gva_per_hour_worked", "gva_per_filled_job"];
const NO_REAL_FILE: [&str; 2] = ["working_age_population", "enterprises_per_1k_working_age"];

fn latest(body: &serde_json::Value) -> Option<(String, Option<f64>, String)> {
    body["series"].as_array()?.last().map(|p| {
        (
            p["period"].as_str().unwrap().to_owned(),
            p["value"].as_f64(),
            p["status"].as_str().unwrap().to_owned(),
        )
    })
}

#[tokio::test(flavor = "multi_thread")]
async fn every_indicator_answers_for_lancashire_and_england() {
    let Some(dir) = real_data("every_indicator_answers_for_lancashire_and_england") else {
        return;
    };
    let app = TestApp::spawn_real(&dir).await;
    let mut table = Vec::new();
    for def in INDICATORS {
        let aggregable = def.aggregation != Aggregation::Published;
        let mut areas: Vec<&str> = LANCASHIRE_CA.to_vec();
        areas.push("E92000001");
        if aggregable {
            areas.extend(LANCASHIRE_TTWAS);
            areas.extend([
                "E10000017",
                "E47000018",
                "E37000019",
                "E69000019",
                "E12000002",
            ]);
        }
        let published = !FE_PARTICIPATION_ONLY.contains(&def.id) && !NO_REAL_FILE.contains(&def.id);
        for area in &areas {
            let published =
                published && !(*area == "E92000001" && NO_ENGLAND_ROW.contains(&def.id));
            let (status, _, body) = app
                .get(&format!("/v1/areas/{area}/indicators/{}", def.id))
                .await;
            assert_eq!(status, 200, "{} {area}", def.id);
            assert_eq!(
                !body["series"].as_array().unwrap().is_empty(),
                published,
                "{} series for {area}: {body}",
                def.id
            );
        }
        let (_, _, ca) = app
            .get(&format!("/v1/areas/E47000018/indicators/{}", def.id))
            .await;
        let (_, _, england) = app
            .get(&format!("/v1/areas/E92000001/indicators/{}", def.id))
            .await;
        table.push((def.id, def.unit, latest(&ca), latest(&england)));
    }
    println!("\n| indicator | unit | latest period | Lancashire CA (E47000018) | England |");
    println!("|---|---|---|---|---|");
    for (id, unit, ca, eng) in table {
        let fmt = |x: &Option<(String, Option<f64>, String)>| match x {
            Some((_, Some(v), _)) => format!("{v:.2}"),
            Some((_, None, s)) => s.clone(),
            None => "not published".into(),
        };
        let period = eng
            .as_ref()
            .or(ca.as_ref())
            .map_or("", |x| x.0.as_str())
            .to_owned();
        println!(
            "| {id} | {unit} | {period} | {} | {} |",
            fmt(&ca),
            fmt(&eng)
        );
    }
}

async fn aps_2021(app: &TestApp, code: &str) -> serde_json::Value {
    let (_, _, body) = app
        .get(&format!("/v1/areas/{code}/indicators/aps_level4plus_share"))
        .await;
    body["series"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["period"] == "2021")
        .unwrap()
        .clone()
}

#[tokio::test(flavor = "multi_thread")]
async fn published_and_derived_figures_match_the_raw_files() {
    let Some(dir) = real_data("published_and_derived_figures_match_the_raw_files") else {
        return;
    };
    let app = TestApp::spawn_real(&dir).await;

    // 16-18 apprenticeship progression, Lancashire combined authority, every year, ratio of sums.
    let mut raw: BTreeMap<String, (f64, f64)> = BTreeMap::new();
    for r in read_csv(&dir.join("dfe/ks5_16_18_destinations_lad.csv.gz")) {
        if r["cohort_level_group"] == "Total" && LANCASHIRE_CA.contains(&r["lad_code"].as_str()) {
            let tp = &r["time_period"];
            let e = raw.entry(format!("{}/{}", &tp[..4], &tp[4..])).or_default();
            e.0 += r["appren"].parse::<f64>().unwrap();
            e.1 += r["cohort"].parse::<f64>().unwrap();
        }
    }
    let (_, _, body) = app
        .get("/v1/areas/E47000018/indicators/post16_apprenticeship_rate")
        .await;
    let series = body["series"].as_array().unwrap();
    assert_eq!(series.len(), raw.len());
    for p in series {
        let (n, d) = raw[p["period"].as_str().unwrap()];
        assert_eq!(
            (p["numerator"].as_f64(), p["denominator"].as_f64()),
            (Some(n), Some(d))
        );
        println!(
            "post16_apprenticeship_rate Lancashire CA {} {n}/{d} = {:.2}%",
            p["period"],
            n / d * 100.0
        );
    }

    // APS NVQ4+ share, 2021: the NVQ4+ count over the seven 16-64 categories, for the first
    // Lancashire district whose seven cells are all published; Burnley's trade-apprenticeship
    // cell is withheld (`!`), so its share is suppressed rather than computed from six cells.
    let aps = read_csv(&dir.join("nomis/aps_qualifications_by_age_lad_2017_2021.csv.gz"));
    let cells = |code: &str| -> Vec<_> {
        aps.iter()
            .filter(|r| r["area_code"] == code && r["date"] == "Jan 2021-Dec 2021")
            .filter(|r| (1..=7).any(|k| r["cell"].starts_with(&format!("T19:{k} ("))))
            .collect()
    };
    assert_eq!(cells("E07000117").len(), 7);
    assert!(cells("E07000117").iter().any(|r| r["number"] == "!"));
    let burnley = aps_2021(&app, "E07000117").await;
    assert_eq!(
        (burnley["status"].as_str(), burnley["value"].as_f64()),
        (Some("suppressed"), None)
    );
    let (code, full) = LANCASHIRE_CA
        .iter()
        .map(|c| (*c, cells(c)))
        .find(|(_, cs)| cs.len() == 7 && cs.iter().all(|r| r["number"].parse::<f64>().is_ok()))
        .expect("a Lancashire district with all seven cells published");
    let total: f64 = full
        .iter()
        .map(|r| r["number"].parse::<f64>().unwrap())
        .sum();
    let nvq4 = full
        .iter()
        .find(|r| r["cell"].starts_with("T19:6 ("))
        .unwrap();
    let share = nvq4["number"].parse::<f64>().unwrap() / total * 100.0;
    let p = aps_2021(&app, code).await;
    assert!((p["value"].as_f64().unwrap() - share).abs() < 1e-9);
    if let Ok(pm) = nvq4["conf_95_pm"].parse::<f64>() {
        assert!((p["ci_lower"].as_f64().unwrap() - (share - pm / total * 100.0)).abs() < 1e-9);
    }
    println!("aps_level4plus_share {code} 2021 = {share:.2}% (Burnley 2021: suppressed)");

    // Published claimant rate: passed through as published, never re-aggregated; its England
    // gap and rank are derived from the served values.
    let els = read_csv(&dir.join("ons_els/claimant-count.csv.gz"));
    let published = |code: &str| {
        els.iter()
            .filter(|r| r["areacd"] == code && r["indicator"] == "Claimant Count")
            .max_by_key(|r| r["period"].clone())
            .map(|r| r["observation"].parse::<f64>().unwrap())
            .unwrap()
    };
    let (_, _, body) = app
        .get("/v1/areas/E07000117/indicators/claimant_rate")
        .await;
    let last = body["series"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["value"].as_f64(), Some(published("E07000117")));
    let gap = last["gap_to_england"].as_f64().unwrap();
    assert!((gap - (published("E07000117") - published("E92000001"))).abs() < 1e-9);
    let (rank, of) = (
        last["rank"].as_u64().unwrap(),
        last["rank_of"].as_u64().unwrap(),
    );
    assert!(rank >= 1 && rank <= of && of > 250, "{rank} of {of}");
    println!(
        "claimant_rate Burnley {} = {} (England gap {gap:+.1}, rank {rank} of {of}, lower is better)",
        last["period"], last["value"]
    );
    let (_, _, ttwa) = app
        .get("/v1/areas/E30000182/indicators/claimant_rate")
        .await;
    assert!(
        ttwa["series"].as_array().unwrap().is_empty(),
        "published rates are not built for TTWAs"
    );

    // FE apprenticeship achievements: an additive count, Lancashire CA = sum of its districts.
    let mut fe: BTreeMap<String, f64> = BTreeMap::new();
    for r in read_csv(&dir.join("dfe/fe_achievements_lad.csv.gz")) {
        if r["level_or_type"] == "Apprenticeships: Total"
            && LANCASHIRE_CA.contains(&r["location_code"].as_str())
        {
            let tp = &r["time_period"];
            *fe.entry(format!("{}/{}", &tp[..4], &tp[4..])).or_default() +=
                r["achievements"].parse::<f64>().unwrap();
        }
    }
    let (_, _, body) = app
        .get("/v1/areas/E47000018/indicators/fe_apprenticeship_achievements")
        .await;
    for p in body["series"].as_array().unwrap() {
        assert_eq!(
            p["value"].as_f64(),
            Some(fe[p["period"].as_str().unwrap()]),
            "{}",
            p["period"]
        );
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn census_ttwas_are_summed_exactly_from_lsoas() {
    let Some(dir) = real_data("census_ttwas_are_summed_exactly_from_lsoas") else {
        return;
    };
    let app = TestApp::spawn_real(&dir).await;
    let lookup = read_csv(
        &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../datasets/geography/lsoa21_ttwa.csv"),
    );
    let lsoas = read_csv(&dir.join("census/census2021_ts067_lsoa21.csv.gz"));
    let l4 = "Highest level of qualification: Level 4 qualifications and above";
    let total = "Highest level of qualification: Total: All usual residents aged 16 years and over";
    // Preston TTWA is only 86% covered by its best-fit districts: the LSOA route is exact.
    for ttwa in ["E30000255", "E30000182", "E30000076"] {
        let members: std::collections::HashSet<&str> = lookup
            .iter()
            .filter(|r| r["ttwa_code"] == ttwa)
            .map(|r| r["lsoa21_code"].as_str())
            .collect();
        let (mut n, mut d) = (0.0, 0.0);
        for r in lsoas
            .iter()
            .filter(|r| members.contains(r["LSOA21CD"].as_str()))
        {
            n += r[l4].parse::<f64>().unwrap();
            d += r[total].parse::<f64>().unwrap();
        }
        let (_, _, body) = app
            .get(&format!(
                "/v1/areas/{ttwa}/indicators/census_level4plus_share"
            ))
            .await;
        let p = &body["series"][0];
        assert_eq!(
            (p["numerator"].as_f64(), p["denominator"].as_f64()),
            (Some(n), Some(d)),
            "{ttwa}"
        );
        assert_eq!(p["approximate"], false, "{ttwa}");
        assert_eq!(p["constituents"].as_u64(), Some(members.len() as u64));
        println!(
            "census_level4plus_share {ttwa} (exact, {} LSOAs) = {n}/{d} = {:.2}%",
            members.len(),
            n / d * 100.0
        );
    }
}
