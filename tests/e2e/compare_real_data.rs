//! Honest differences and similar areas on real public data (`LMI_REAL_DATA`, issue 26): survey
//! estimates are "higher/lower than England" only when their 95% confidence intervals do not
//! overlap, so some district above England's point estimate is served as "similar".

use lmi_e2e::TestApp;
use lmi_testkit::real_data;

/// Survey indicators with published intervals (ONS Explore Local Statistics and APS via Nomis).
const SURVEY: [&str; 3] = [
    "employment_rate",
    "aps_level4plus_share",
    "aps_level3plus_share",
];

#[tokio::test(flavor = "multi_thread")]
async fn a_district_above_england_with_overlapping_intervals_is_served_as_similar() {
    let Some(dir) = real_data("a_district_above_england_with_overlapping_intervals") else {
        return;
    };
    let app = TestApp::spawn_real(&dir).await;
    let mut found: Vec<String> = Vec::new();
    for id in SURVEY {
        let (status, _, ranking) = app
            .get(&format!("/v1/indicators/{id}/rankings?type=lad"))
            .await;
        assert_eq!(status, 200, "{id}: {ranking}");
        let period = ranking["period"].as_str().unwrap().to_owned();
        let (status, _, england) = app
            .get(&format!("/v1/areas/E92000001/indicators/{id}"))
            .await;
        assert_eq!(status, 200, "{id}");
        let Some(e) = england["series"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["period"] == period.as_str())
        else {
            println!("{id}: England has no {period} value; skipped");
            continue;
        };
        let e_value = e["value"].as_f64().unwrap();
        let (e_lo, e_hi) = (e["ci_lower"].as_f64(), e["ci_upper"].as_f64());
        let mut tested = 0;
        for r in ranking["areas"].as_array().unwrap() {
            let (code, name) = (
                r["area"]["code"].as_str().unwrap(),
                r["area"]["name"].as_str().unwrap(),
            );
            let verdict = r["vs_england"].as_str().unwrap();
            let method = r["vs_england_method"].as_str().unwrap();
            let (Some(v), Some(lo), Some(hi)) = (
                r["value"].as_f64(),
                r["ci_lower"].as_f64(),
                r["ci_upper"].as_f64(),
            ) else {
                assert_eq!(verdict, "not_tested", "{id} {code} {name}: {r}");
                continue;
            };
            tested += 1;
            // The verdict agrees with the intervals, recomputed here from the served bounds.
            let expected = match (e_lo, e_hi) {
                (Some(el), Some(eh)) => {
                    assert_eq!(method, "intervals_overlap", "{id} {code}");
                    if lo > eh {
                        "higher"
                    } else if hi < el {
                        "lower"
                    } else {
                        "similar"
                    }
                }
                _ => {
                    assert_eq!(method, "reference_in_interval", "{id} {code}");
                    if e_value < lo {
                        "higher"
                    } else if e_value > hi {
                        "lower"
                    } else {
                        "similar"
                    }
                }
            };
            assert_eq!(
                verdict, expected,
                "{id} {code} {name} {period}: {v} ({lo}-{hi}) against England {e_value} \
                 ({e_lo:?}-{e_hi:?})"
            );
            if v > e_value && verdict == "similar" {
                found.push(format!(
                    "{id} {period}: {name} ({code}) {v:.1} ({lo:.1} to {hi:.1}) against England \
                     {e_value:.1} ({:.1} to {:.1}), similar",
                    e_lo.unwrap_or(f64::NAN),
                    e_hi.unwrap_or(f64::NAN)
                ));
            }
        }
        println!("{id} {period}: {tested} districts tested against England");
    }
    for f in &found {
        println!("{f}");
    }
    assert!(
        found.iter().any(|f| f.starts_with("employment_rate")),
        "no district above England's employment rate was served as similar; found: {found:#?}"
    );
    // The reading says so for the first of them, in words, with both intervals.
    let first = found
        .iter()
        .find(|f| f.starts_with("employment_rate"))
        .unwrap();
    let code = first.split('(').nth(1).unwrap().split(')').next().unwrap();
    let (status, _, profile) = app.get(&format!("/v1/areas/{code}/profile")).await;
    assert_eq!(status, 200);
    let entry = profile["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["indicator"]["id"] == "employment_rate")
        .unwrap();
    assert_eq!(entry["latest"]["vs_england"], "similar", "{first}: {entry}");
    // The careers adviser's employment panel reads it in words, not as "above England".
    let (status, _, dash) = app
        .get(&format!("/v1/dashboards/careers-adviser/areas/{code}"))
        .await;
    assert_eq!(status, 200, "{dash}");
    let panel = dash["panels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["subject"] == "employment_rate")
        .unwrap();
    let reading = panel["reading"].as_str().unwrap();
    assert!(
        reading.contains("similar to England's") && !reading.contains("above England"),
        "{first}: {reading}"
    );
    assert_eq!(panel["vs_england_words"], "similar to England", "{panel}");
    println!("example: {first}\nreading: {reading}");
}

#[tokio::test(flavor = "multi_thread")]
async fn burnleys_similar_areas_on_real_data() {
    let Some(dir) = real_data("burnleys_similar_areas_on_real_data") else {
        return;
    };
    let app = TestApp::spawn_real(&dir).await;
    let (status, _, body) = app.get("/v1/areas/E07000117/similar").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["meta"]["sample"], false);
    println!("Similar to Burnley (E07000117), real data:");
    let names = crate::similar_areas::check_similar("E07000117", &body);
    assert_eq!(names.len(), 10);
    // Every indicator of the documented set has real district values.
    assert_eq!(
        body["excluded_indicators"],
        serde_json::json!([]),
        "{}",
        body["excluded_indicators"]
    );
}
