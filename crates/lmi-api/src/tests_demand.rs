//! Router tests of the demand endpoints on the test snapshot with its demand rows
//! (`lmi_testkit::fixture::demand`): statuses and formats; what they answer is tested in
//! lmi-report.

use super::*;
use axum::http::StatusCode;

fn with_demand() -> AppState {
    super::tests::builder(false)
        .demand(lmi_testkit::fixture::demand())
        .build()
}

#[tokio::test]
async fn demand_answers_map_to_statuses_and_formats() {
    let breakdown = "/v1/areas/E07000123/breakdowns/census_occupation";
    for (uri, want) in [
        ("/v1/breakdowns".to_owned(), StatusCode::OK),
        (breakdown.to_owned(), StatusCode::OK),
        (format!("{breakdown}?sort=lq"), StatusCode::OK),
        (format!("{breakdown}?sort=name"), StatusCode::BAD_REQUEST),
        (format!("{breakdown}?period=2011"), StatusCode::NOT_FOUND),
        (
            "/v1/areas/E07000117/breakdowns/census_economic_activity".to_owned(),
            StatusCode::OK,
        ),
        ("/v1/areas/E07000117/flows".to_owned(), StatusCode::OK),
        (
            "/v1/areas/E92000001/flows".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        ("/v1/areas/E69000019/projections".to_owned(), StatusCode::OK),
        (
            "/v1/areas/E07000117/projections".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/v1/areas/E69000019/projections?classification=nope".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
        ("/v1/sectors".to_owned(), StatusCode::OK),
        // The fixture has no subject or section breakdowns: 404 naming what is missing.
        (
            "/v1/areas/E07000123/supply-demand".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/v1/areas/E07000123/sectors".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/v1/areas/E99999999/supply-demand".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        (
            "/v1/areas/E07000123/supply-demand?period=2021".to_owned(),
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (status, ct, body) = super::tests::get(with_demand(), &uri).await;
        assert_eq!(status, want, "{uri}: {body}");
        let json = if status == StatusCode::OK {
            "application/json"
        } else {
            "application/problem+json"
        };
        assert_eq!(ct, json, "{uri}");
    }
    let (status, ct, _) =
        super::tests::get(with_demand(), &format!("{breakdown}?format=csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
    let request = axum::http::Request::get("/v1/sectors?format=csv")
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, _, body) = super::tests::send(with_demand(), request).await;
    assert_eq!(status, StatusCode::OK);
    let body = String::from_utf8(body).unwrap();
    assert!(
        body.contains("priority_sector,digital,Digital,J,6,"),
        "{body}"
    );
}

#[tokio::test]
async fn a_snapshot_without_demand_tables_says_so_with_404s() {
    let old = super::tests::state(false);
    for uri in [
        "/v1/areas/E07000123/breakdowns/census_occupation",
        "/v1/areas/E07000117/flows",
        "/v1/areas/E69000019/projections",
    ] {
        let (status, ct, p) = super::tests::get(old.clone(), uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert!(ct.starts_with("application/problem+json"));
        assert!(
            p["detail"]
                .as_str()
                .unwrap()
                .contains("not in this snapshot"),
            "{p}"
        );
    }
    let (status, _, body) = super::tests::get(old, "/v1/breakdowns").await;
    assert_eq!(
        (status, &body["in_snapshot"]),
        (StatusCode::OK, &serde_json::json!(false))
    );
}

async fn get_text(state: AppState, uri: &str) -> (StatusCode, String) {
    let request = axum::http::Request::get(uri)
        .body(axum::body::Body::empty())
        .unwrap();
    let (status, _, bytes) = super::tests::send(state, request).await;
    (status, String::from_utf8_lossy(&bytes).into_owned())
}

#[tokio::test]
async fn a_ranked_breakdown_chart_marks_englands_share_on_each_bar() {
    let uri = "/v1/charts/ranked_breakdown.svg?area=E07000123&breakdown=census_occupation&sort=lq";
    let (status, svg) = get_text(with_demand(), uri).await;
    assert_eq!(status, StatusCode::OK, "{svg}");
    assert!(svg.contains("Dark ticks: England"), "{svg}");
    // Sorted by quotient: caring first, then elementary, professional, managers.
    let at = |s: &str| {
        svg.find(s)
            .unwrap_or_else(|| panic!("{s} not in the chart"))
    };
    assert!(at("Caring, leisure") < at("Elementary occupations"));
    assert!(at("Elementary occupations") < at("Managers, directors"));
    assert!(
        svg.contains("1.3 times as concentrated in caring"),
        "the readings are in the description"
    );
    // The numbers behind it, only the parts drawn.
    let csv_uri = format!("{}&top=2", uri.replace(".svg", ".csv"));
    let (status, csv) = get_text(with_demand(), &csv_uri).await;
    assert_eq!(status, StatusCode::OK, "{csv}");
    assert!(csv.contains("ts063_soc6") && csv.contains("ts063_soc9"));
    assert!(!csv.contains("ts063_soc1,"), "{csv}");
    for bad in ["top=0", "top=26", "sort=name"] {
        let (status, body) = get_text(with_demand(), &format!("{uri}&{bad}")).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{bad}: {body}");
    }
    // Upper-tier only: a district has nothing to chart, and says why.
    let uri = "/v1/charts/ranked_breakdown.svg?area=E07000117&breakdown=census_economic_activity";
    let (status, body) = get_text(with_demand(), uri).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("published only for counties"), "{body}");
    // A ranked breakdown is a count breakdown, not an indicator group.
    let uri = "/v1/charts/ranked_breakdown.svg?area=E07000123&breakdown=ks4_destinations";
    let (status, body) = get_text(with_demand(), uri).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body.contains("census_occupation"),
        "lists the known ids: {body}"
    );
}

#[tokio::test]
async fn a_flows_chart_shows_where_residents_train_with_the_area_highlighted() {
    let uri = "/v1/charts/flows.svg?area=E07000117";
    let (status, svg) = get_text(with_demand(), uri).await;
    assert_eq!(status, StatusCode::OK, "{svg}");
    assert!(svg.contains("Burnley (the area itself)"), "{svg}");
    assert!(svg.contains("Outside England or unknown"));
    assert!(
        svg.contains("Residents of Burnley started 400 apprenticeships in 2023/24; 75.0% of them were delivered in Burnley itself."),
        "{svg}"
    );
    assert!(svg.contains("A net outflow of 50 starts."), "{svg}");
    assert!(
        svg.contains(
            "Elsewhere, most trained in Preston (80) and Outside England or unknown (20)."
        ),
        "{svg}"
    );
    let (status, svg) = get_text(with_demand(), &format!("{uri}&direction=home")).await;
    assert_eq!(status, StatusCode::OK, "{svg}");
    assert!(svg.contains("Where apprentices trained in Burnley live"));
    assert!(svg.contains("Of the 350 starts delivered in Burnley in 2023/24, 50 (14.3%)"));
    assert!(
        svg.contains("Most of them came from Preston (50)."),
        "{svg}"
    );
    let (status, _) = get_text(with_demand(), &format!("{uri}&direction=sideways")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, body) = get_text(
        with_demand(),
        "/v1/charts/flows.png?area=E07000123&period=2019/20",
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("periods available"), "{body}");
}

#[tokio::test]
async fn dashboards_carry_demand_panels_with_readings_and_their_sources() {
    let uri = "/v1/dashboards/provision-planning/areas/E07000117";
    let (status, _, body) = super::tests::get(with_demand(), uri).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let panel = |id: &str| {
        body["panels"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["id"] == id)
            .unwrap_or_else(|| panic!("no panel {id}"))
            .clone()
    };
    let flows = panel("travel-to-learn");
    assert_eq!(flows["available"], true);
    assert_eq!(flows["value"], 75.0);
    assert!(
        flows["reading"]
            .as_str()
            .unwrap()
            .starts_with("Residents of Burnley started 400 apprenticeships in 2023/24"),
        "{flows}"
    );
    assert!(
        flows["links"]["svg"]
            .as_str()
            .unwrap()
            .starts_with("/v1/charts/flows.svg?area=E07000117&direction=delivery")
    );
    assert!(!flows["caveats"].as_array().unwrap().is_empty());
    // Burnley has no occupation rows in this snapshot: the panel says so instead of a chart.
    let occupations = panel("occupations-specialisation");
    assert_eq!(occupations["available"], false);
    assert!(
        occupations["reading"]
            .as_str()
            .unwrap()
            .contains("census_occupation has no values for Burnley"),
        "{occupations}"
    );
    // Preston has them: the largest group leads, then where it is most specialised.
    let uri = "/v1/dashboards/provision-planning/areas/E07000123";
    let (_, _, body) = super::tests::get(with_demand(), uri).await;
    let occupations = body["panels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "occupations-specialisation")
        .unwrap();
    assert_eq!(
        occupations["reading"],
        "The largest group of Preston's working residents: professional occupations (20.0%, \
         against 10.0% in England, 2021). Preston's working residents are 1.3 times as \
         concentrated in caring, leisure and other service occupations as England's. Preston's \
         working residents are 1.1 times as concentrated in elementary occupations as England's."
    );
}
