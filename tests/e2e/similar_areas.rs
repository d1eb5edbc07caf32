//! Similar areas over HTTP on the bundled sample: Burnley's nearest English districts, with the
//! method and indicators named; a county has none (404), an unknown code is 404.

use lmi_e2e::TestApp;

/// Checks a similar-areas body for `code` and prints it (the "done means" asks for
/// Burnley's list); returns the neighbours' names.
pub fn check_similar(code: &str, body: &serde_json::Value) -> Vec<String> {
    assert_eq!(body["method"]["name"], "euclidean_distance_on_z_scores");
    assert!(
        body["method"]["missing_values"]
            .as_str()
            .unwrap()
            .contains("excluded_indicators")
    );
    let used = body["indicators"].as_array().unwrap();
    assert_eq!(
        body["indicators_used"].as_u64().unwrap() as usize,
        used.len()
    );
    assert!(used.len() >= 6, "{body}");
    for i in used {
        println!(
            "  indicator {} ({}): {} = {:.2}, mean {:.2}, sd {:.2}, z {:+.2}, {} districts",
            i["id"].as_str().unwrap(),
            i["period"].as_str().unwrap(),
            body["area"]["name"].as_str().unwrap(),
            i["value"].as_f64().unwrap(),
            i["mean"].as_f64().unwrap(),
            i["sd"].as_f64().unwrap(),
            i["z"].as_f64().unwrap(),
            i["districts"]
        );
    }
    for e in body["excluded_indicators"].as_array().unwrap() {
        println!("  excluded {}: {}", e["id"], e["reason"]);
    }
    let neighbours = body["neighbours"].as_array().unwrap();
    assert!(!neighbours.is_empty());
    let mut last = 0.0;
    let mut names = Vec::new();
    for n in neighbours {
        let c = n["area"]["code"].as_str().unwrap();
        assert_ne!(c, code, "an area is never its own neighbour");
        assert_eq!(n["area"]["type"], "lad", "{n}");
        let d = n["distance"].as_f64().unwrap();
        assert!(d >= last, "distances ascend: {d} after {last}");
        last = d;
        assert_eq!(n["values"].as_array().unwrap().len(), used.len());
        let name = n["area"]["name"].as_str().unwrap().to_owned();
        println!("  {}. {name} ({c}) distance {d:.3}", n["rank"]);
        names.push(name);
    }
    println!(
        "  {} districts compared, {} left out for a missing value",
        body["districts_compared"], body["districts_excluded"]
    );
    names
}

#[tokio::test]
async fn burnleys_similar_areas_on_the_sample_name_the_method_and_indicators() {
    let app = TestApp::spawn(None).await;
    let (status, _, body) = app.get("/v1/areas/E07000117/similar").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["meta"]["sample"], true);
    println!("Similar to Burnley (E07000117), SAMPLE data:");
    let names = check_similar("E07000117", &body);
    assert_eq!(names.len(), 10);

    let (status, _, body) = app.get("/v1/areas/E07000117/similar?limit=3").await;
    assert_eq!(status, 200);
    assert_eq!(body["neighbours"].as_array().unwrap().len(), 3);

    let (status, content_type, body) = app.get("/v1/areas/E10000017/similar").await;
    assert_eq!(status, 404, "{body}");
    assert!(content_type.starts_with("application/problem+json"));
    let (status, _, _) = app.get("/v1/areas/E07999999/similar").await;
    assert_eq!(status, 404);
    let (status, _, _) = app.get("/v1/areas/E07000117/similar?limit=0").await;
    assert_eq!(status, 400);
    let (status, _, _) = app.get("/v1/areas/E07000117/similar?limit=51").await;
    assert_eq!(status, 400);
    let (status, _, _) = app.get("/v1/areas/E07000117/similar?colour=red").await;
    assert_eq!(status, 400);
}
