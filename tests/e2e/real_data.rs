//! Real public data (`LMI_REAL_DATA`): `lmi refresh --from` on the shared data directory, then
//! the published numbers checked against sums recomputed straight from the source files.

use lmi_e2e::{LANCASHIRE_CA, TestApp, read_csv};
use lmi_testkit::real_data;
use std::collections::BTreeMap;
use std::path::Path;

/// (appren, cohort) per destination-year label, summed over `lads` from the raw DfE file.
fn ks4_sums(dir: &Path, lads: &[&str]) -> BTreeMap<String, (f64, f64)> {
    let mut out = BTreeMap::new();
    for row in read_csv(&dir.join("dfe/ks4_destinations_lad.csv.gz")) {
        if row["geographic_level"] != "Local authority district"
            || row["institution_group"] != "State-funded mainstream schools"
            || row["breakdown"] != "Total"
            || row["data_type"] != "Number of pupils"
            || !lads.contains(&row["lad_code"].as_str())
        {
            continue;
        }
        let tp = &row["time_period"];
        let label = format!("{}/{}", &tp[..4], &tp[4..]);
        let e = out.entry(label).or_insert((0.0, 0.0));
        e.0 += row["appren"].parse::<f64>().unwrap();
        e.1 += row["cohort"].parse::<f64>().unwrap();
    }
    out
}

fn series(body: &serde_json::Value) -> BTreeMap<String, (f64, f64, f64)> {
    body.as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["period"].as_str().unwrap().to_owned(),
                (
                    p["numerator"].as_f64().unwrap(),
                    p["denominator"].as_f64().unwrap(),
                    p["value"].as_f64().unwrap(),
                ),
            )
        })
        .collect()
}

fn assert_matches(
    published: &BTreeMap<String, (f64, f64, f64)>,
    raw: &BTreeMap<String, (f64, f64)>,
    what: &str,
) {
    assert_eq!(
        published.keys().collect::<Vec<_>>(),
        raw.keys().collect::<Vec<_>>(),
        "{what}: periods"
    );
    for (period, (num, den)) in raw {
        let (n, d, v) = published[period];
        assert_eq!((n, d), (*num, *den), "{what} {period}");
        assert!((v - num / den * 100.0).abs() < 1e-9, "{what} {period}");
        println!(
            "{what:<32} {period}  {num:>6}/{den:<8} = {:.2}%",
            num / den * 100.0
        );
    }
}

#[tokio::test]
async fn ks4_apprenticeship_rates_match_the_dfe_file_for_burnley_lancashire_and_england() {
    let Some(dir) = real_data("ks4_apprenticeship_rates_match_the_dfe_file") else {
        return;
    };
    let app = TestApp::spawn_real(&dir).await;
    let (status, _, body) = app
        .get("/v1/areas/E30000182/indicators/ks4_apprenticeship_rate")
        .await;
    assert_eq!(status, 200);
    assert_eq!(body["meta"]["sample"], false);

    // Burnley TTWA = best fit of Burnley and Pendle districts: every destination year in the file.
    let ttwa = series(&body["series"]);
    assert_eq!(ttwa.len(), 8, "2015/16 to 2022/23");
    assert_matches(
        &ttwa,
        &ks4_sums(&dir, &["E07000117", "E07000122"]),
        "Burnley TTWA (E30000182)",
    );
    for p in body["series"].as_array().unwrap() {
        assert_eq!(p["approximate"], true);
        assert!((p["coverage"].as_f64().unwrap() - 1.0).abs() < 1e-6);
    }

    let lancs_ca = series(&body["comparators"]["E47000018"]["series"]);
    assert_matches(
        &lancs_ca,
        &ks4_sums(&dir, &LANCASHIRE_CA),
        "Lancashire CA (E47000018)",
    );
    let lancs_cc = series(&body["comparators"]["E10000017"]["series"]);
    assert_matches(
        &lancs_cc,
        &ks4_sums(&dir, &LANCASHIRE_CA[2..]),
        "Lancashire county (E10000017)",
    );

    let (_, _, burnley) = app
        .get("/v1/areas/E07000117/indicators/ks4_apprenticeship_rate")
        .await;
    assert_matches(
        &series(&burnley["series"]),
        &ks4_sums(&dir, &["E07000117"]),
        "Burnley LAD (E07000117)",
    );

    // England: DfE's published national totals (one year's label earlier in the national file).
    let england = series(&body["comparators"]["E92000001"]["series"]);
    assert_eq!(
        (england["2020/21"].0, england["2020/21"].1),
        (13413.0, 550634.0)
    );
    assert_eq!(
        (england["2021/22"].0, england["2021/22"].1),
        (19143.0, 563910.0)
    );
}

#[tokio::test]
async fn census_level4plus_shares_match_ts067_for_lancashire() {
    let Some(dir) = real_data("census_level4plus_shares_match_ts067") else {
        return;
    };
    let app = TestApp::spawn_real(&dir).await;
    let rows = read_csv(&dir.join("census/census2021_ts067_lad22.csv"));
    let l4 = "Highest level of qualification: Level 4 qualifications and above";
    let total = "Highest level of qualification: Total: All usual residents aged 16 years and over";
    let sum = |codes: &[&str]| {
        let mut raw = BTreeMap::new();
        let (mut n, mut d) = (0.0, 0.0);
        for r in rows
            .iter()
            .filter(|r| codes.contains(&r["LAD22CD"].as_str()))
        {
            n += r[l4].parse::<f64>().unwrap();
            d += r[total].parse::<f64>().unwrap();
        }
        raw.insert("2021".to_owned(), (n, d));
        raw
    };
    let england: Vec<&str> = rows
        .iter()
        .map(|r| r["LAD22CD"].as_str())
        .filter(|c| c.starts_with('E'))
        .collect();
    for (code, lads, what) in [
        ("E07000117", vec!["E07000117"], "Burnley LAD"),
        ("E07000123", vec!["E07000123"], "Preston LAD"),
        ("E06000009", vec!["E06000009"], "Blackpool LAD"),
        ("E47000018", LANCASHIRE_CA.to_vec(), "Lancashire CA"),
        ("E30000182", vec!["E07000117", "E07000122"], "Burnley TTWA"),
        ("E92000001", england, "England"),
    ] {
        let (status, _, body) = app
            .get(&format!(
                "/v1/areas/{code}/indicators/census_level4plus_share"
            ))
            .await;
        assert_eq!(status, 200, "{code}");
        assert_matches(&series(&body["series"]), &sum(&lads), what);
    }
}

#[tokio::test]
async fn every_endpoint_answers_on_real_data() {
    let Some(dir) = real_data("every_endpoint_answers_on_real_data") else {
        return;
    };
    let app = TestApp::spawn(Some(&dir)).await;
    app.check_every_endpoint().await;
    let (_, _, body) = app.get("/v1/snapshot").await;
    assert_eq!(body["sample"], false);
    // Real rankings cover every district with a value, best first.
    let (_, _, body) = app
        .get("/v1/indicators/census_level4plus_share/rankings?type=lad")
        .await;
    let rows = body["areas"].as_array().unwrap();
    assert!(rows.len() >= 290, "{}", rows.len());
    let values: Vec<f64> = rows.iter().filter_map(|r| r["value"].as_f64()).collect();
    assert!(values.windows(2).all(|w| w[0] >= w[1]));
}

#[tokio::test]
async fn dashboard_readings_and_chart_tables_match_the_dfe_file() {
    let Some(dir) = real_data("dashboard_readings_and_chart_tables_match_the_dfe_file") else {
        return;
    };
    let app = TestApp::spawn_real(&dir).await;
    let (status, _, body) = app.get("/v1/dashboards/hub-overview/areas/E47000018").await;
    assert_eq!(status, 200, "{body}");
    let panel = |id: &str| {
        body["panels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("no panel {id}"))
            .clone()
    };
    // The reading is the latest destination year, recomputed from the raw file: a ratio of the
    // 14 districts' summed counts against England's.
    let lancs = ks4_sums(&dir, &LANCASHIRE_CA);
    let (period, (num, den)) = lancs.iter().next_back().unwrap();
    let england = ks4_sums(
        &dir,
        &read_csv(&dir.join("dfe/ks4_destinations_lad.csv.gz"))
            .iter()
            .filter(|r| r["geographic_level"] == "Local authority district")
            .map(|r| r["lad_code"].clone())
            .collect::<std::collections::BTreeSet<_>>()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
    );
    let (e_num, e_den) = england[period];
    let expected = format!(
        "{:.1}% of pupils in Lancashire went on to a sustained apprenticeship after key stage 4 \
         ({period}), above England's {:.1}%.",
        num / den * 100.0,
        e_num / e_den * 100.0
    );
    let trend = panel("ks4-apprenticeship-trend");
    assert_eq!(trend["reading"], expected.as_str());
    println!("hub-overview E47000018: {expected}");

    // The districts panel names the lowest and highest district, and its CSV holds the same
    // counts as the file for every district and year.
    let districts = panel("ks4-apprenticeship-districts");
    assert!(
        districts["reading"]
            .as_str()
            .unwrap()
            .contains("Across its 14 local authority districts"),
        "{districts}"
    );
    let csv = app
        .client
        .get(format!(
            "http://{}{}",
            app.addr,
            districts["links"]["csv"].as_str().unwrap()
        ))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let mut rows = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(csv.as_bytes());
    let by_district: BTreeMap<&str, _> = LANCASHIRE_CA
        .iter()
        .map(|c| (*c, ks4_sums(&dir, &[c])))
        .collect();
    let mut checked = 0;
    for row in rows.records() {
        let row = row.unwrap();
        let (code, period, value) = (&row[0], &row[3], &row[4]);
        let (n, d) = by_district[code][period];
        let value: f64 = value.parse().unwrap();
        assert!((value - n / d * 100.0).abs() < 1e-9, "{code} {period}");
        checked += 1;
    }
    assert_eq!(checked, 14 * 8, "14 districts x 8 destination years");
}
