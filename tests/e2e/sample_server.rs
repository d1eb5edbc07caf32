//! A fresh clone serves the bundled sample over a real port: every endpoint answers.

use lmi_e2e::TestApp;

#[tokio::test]
async fn a_fresh_clone_serves_the_sample_on_every_endpoint() {
    let app = TestApp::spawn(None).await;

    let (status, _, _) = app.get("/healthz").await;
    assert_eq!(status, 200);

    let (status, _, body) = app.get("/v1/areas?q=lancashire").await;
    assert_eq!(status, 200);
    let codes: Vec<&str> = body["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    for code in ["E10000017", "E47000018", "E37000019"] {
        assert!(codes.contains(&code), "{code} not in {codes:?}");
    }
    assert_eq!(body["meta"]["sample"], true);

    let (status, _, body) = app.get("/v1/areas?type=region").await;
    assert_eq!(status, 200);
    assert_eq!(body["total"], 9);

    let (status, _, body) = app.get("/v1/areas/E30000182").await;
    assert_eq!(status, 200);
    let lads: Vec<&str> = body["lads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(lads, ["E07000117", "E07000122"]); // Burnley and Pendle

    let (status, _, body) = app.get("/v1/indicators").await;
    assert_eq!(status, 200);
    let ids: Vec<&str> = body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids.len(), lmi_core::INDICATORS.len());
    assert!(ids.contains(&"ks4_apprenticeship_rate") && ids.contains(&"census_level4plus_share"));
    assert!(body["indicators"][0]["caveats"].as_array().unwrap().len() >= 3);

    let (status, _, body) = app.get("/v1/indicators/census_level4plus_share").await;
    assert_eq!(status, 200);
    assert_eq!(body["periods"], serde_json::json!(["2021"]));

    let (status, _, body) = app
        .get("/v1/areas/E30000182/indicators/ks4_apprenticeship_rate")
        .await;
    assert_eq!(status, 200);
    let series = body["series"].as_array().unwrap();
    assert_eq!(series.len(), 5);
    for point in series {
        assert_eq!(point["approximate"], true);
        assert_eq!(point["status"], "ok");
        let v = point["value"].as_f64().unwrap();
        let ratio =
            point["numerator"].as_f64().unwrap() / point["denominator"].as_f64().unwrap() * 100.0;
        assert!((v - ratio).abs() < 1e-9);
    }
    assert!(
        body["comparators"]["E92000001"]["series"]
            .as_array()
            .unwrap()
            .len()
            == 5
    );
    assert!(
        body["meta"]["notice"]
            .as_str()
            .unwrap()
            .contains("SYNTHETIC SAMPLE DATA")
    );

    // The sample suppresses City of London's counts in 2019/20: London and England are then
    // suppressed too, not understated; other years are whole.
    let (_, _, body) = app
        .get("/v1/areas/E09000001/indicators/ks4_apprenticeship_rate")
        .await;
    assert_eq!(body["series"][1]["period"], "2019/20");
    assert_eq!(body["series"][1]["status"], "suppressed");
    assert_eq!(body["series"][1]["value"], serde_json::Value::Null);
    assert_eq!(body["series"][2]["status"], "ok");
    let england = &body["comparators"]["E92000001"]["series"];
    assert_eq!(england[1]["status"], "suppressed");
    assert_eq!(england[1]["value"], serde_json::Value::Null);
    assert_eq!(england[2]["status"], "ok");

    let (status, content_type, body) = app
        .get("/v1/areas/E99999999/indicators/ks4_apprenticeship_rate")
        .await;
    assert_eq!(
        (status, content_type.as_str()),
        (404, "application/problem+json")
    );
    assert!(body["detail"].as_str().unwrap().contains("E99999999"));

    app.check_every_endpoint().await;

    let (status, content_type, _) = app.get("/v1/areas?type=galaxy").await;
    assert_eq!(
        (status, content_type.as_str()),
        (400, "application/problem+json")
    );
}
