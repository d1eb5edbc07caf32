//! A hub's own area groups (issue 26) served from the bundled sample: the refresh computes each
//! group from its districts' counts, exactly, and the API serves it like any area.

use lmi_e2e::TestApp;

/// The hub's example group and its districts (Blackpool, Fylde, Wyre).
const GROUP: &str = "G-blackpool-fylde-wyre";
const MEMBERS: [&str; 3] = ["E06000009", "E07000119", "E07000128"];

/// The latest point of `id` for `code`: (period, numerator, denominator, value, status, body).
async fn latest(
    app: &TestApp,
    code: &str,
    id: &str,
) -> (
    String,
    Option<f64>,
    Option<f64>,
    Option<f64>,
    String,
    serde_json::Value,
) {
    let (status, _, body) = app.get(&format!("/v1/areas/{code}/indicators/{id}")).await;
    assert_eq!(status, 200, "{code} {id}: {body}");
    let point = body["series"]
        .as_array()
        .unwrap()
        .last()
        .cloned()
        .unwrap_or_default();
    (
        point["period"].as_str().unwrap_or_default().to_owned(),
        point["numerator"].as_f64(),
        point["denominator"].as_f64(),
        point["value"].as_f64(),
        point["status"].as_str().unwrap_or_default().to_owned(),
        body,
    )
}

#[tokio::test]
async fn blackpool_fylde_and_wyre_is_the_sum_of_its_three_districts() {
    let app = TestApp::spawn(None).await;
    for id in [
        "ks4_apprenticeship_rate",
        "census_level4plus_share",
        "working_age_population",
    ] {
        let (period, num, den, value, status, body) = latest(&app, GROUP, id).await;
        assert_eq!(body["meta"]["sample"], true);
        assert_eq!(status, "ok", "{id}: {body}");
        let mut sum_num = 0.0;
        let mut sum_den = 0.0;
        let mut members = Vec::new();
        for code in MEMBERS {
            let (p, n, d, v, _, _) = latest(&app, code, id).await;
            assert_eq!(p, period, "{id} {code}");
            sum_num += n.unwrap();
            sum_den += d.unwrap_or(0.0);
            members.push(format!("{code} {n:?}/{d:?} = {v:?}"));
        }
        println!(
            "{id} {period}: {} = {num:?}/{den:?} = {value:?}; members: {}",
            GROUP,
            members.join("; ")
        );
        assert_eq!(
            num,
            Some(sum_num),
            "{id}: numerator is the sum of the members'"
        );
        let def = lmi_core::find_indicator(id).unwrap();
        if def.denominator.is_some() {
            assert_eq!(den, Some(sum_den), "{id}: denominator is the sum");
            let want = sum_num / sum_den * def.per;
            assert!(
                (value.unwrap() - want).abs() < 1e-9,
                "{id}: {value:?} != {want}"
            );
        } else {
            assert_eq!(value, Some(sum_num), "{id}");
        }
        let point = body["series"].as_array().unwrap().last().unwrap();
        assert_eq!(
            point["approximate"], false,
            "{id}: a group of whole districts is exact"
        );
        assert_eq!(point["constituents"], 3, "{id}");
    }

    // A survey estimate is never summed: no value, and the reason.
    let (status, _, body) = app
        .get(&format!(
            "/v1/areas/{GROUP}/indicators/aps_level4plus_share"
        ))
        .await;
    assert_eq!(status, 200, "{body}");
    assert!(body["series"].as_array().unwrap().is_empty(), "{body}");
    let notes = body["notes"].to_string();
    assert!(notes.contains("never summed across districts"), "{notes}");

    // The area endpoint gives the definition; search and the type filter find it.
    let (status, _, body) = app.get(&format!("/v1/areas/{GROUP}")).await;
    assert_eq!(status, 200);
    assert_eq!(body["group"]["members"], serde_json::json!(MEMBERS));
    let (_, _, body) = app.get("/v1/areas?q=fylde").await;
    assert!(
        body["areas"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["code"] == GROUP),
        "{body}"
    );

    // The further tables sum districts for groups too: a count breakdown and travel to learn.
    for path in [
        format!("/v1/areas/{GROUP}/breakdowns/census_occupation"),
        format!("/v1/areas/{GROUP}/flows"),
    ] {
        let (status, _, body) = app.get(&path).await;
        assert_eq!(status, 200, "{path}: {body}");
    }

    // Groups are ranked among groups, never against districts.
    let (status, _, body) = app
        .get("/v1/indicators/ks4_apprenticeship_rate/rankings?type=group")
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["total"], 5, "{body}");
    assert!(
        body["areas"]
            .as_array()
            .unwrap()
            .iter()
            .all(|a| a["area"]["type"] == "group")
    );
}
