//! Router tests of the demand endpoints on a test snapshot with a few demand rows.

use super::*;
use axum::http::StatusCode;
use lmi_core::demand::{BreakdownRow, Demand, FlowRow, FlowSummaryRow, ProjectionRow};
use lmi_core::schema::Table;
use lmi_core::{AreaType, Status};

fn part(
    area: &str,
    t: AreaType,
    part: &str,
    label: &str,
    share: Option<f64>,
    lq: Option<f64>,
) -> BreakdownRow {
    BreakdownRow {
        breakdown: "census_occupation".into(),
        classification: "soc2020_major_groups".into(),
        part: part.into(),
        part_label: label.into(),
        area_code: area.into(),
        area_type: t,
        period: "2021".into(),
        count: share.map(|s| s * 10.0),
        total: share.map(|_| 1000.0),
        share,
        england_share: share.map(|_| 10.0),
        location_quotient: lq,
        share_change: None,
        status: if share.is_some() {
            Status::Ok
        } else {
            Status::NotApplicable
        },
        approximate: false,
        coverage: None,
        constituents: 1,
        note: share
            .is_none()
            .then(|| lmi_core::breakdown::UPPER_TIER_ONLY.to_owned()),
    }
}

fn flow(home: &str, delivery: &str, starts: f64, rank: u32) -> FlowRow {
    FlowRow {
        area_type: AreaType::Lad,
        home_code: home.into(),
        delivery_code: delivery.into(),
        period: "2023/24".into(),
        starts: Some(starts),
        enrolments: Some(starts * 2.0),
        achievements: Some(starts / 2.0),
        rank: Some(rank),
        approximate: false,
        coverage: None,
        provisional: false,
    }
}

fn projection(area: &str, t: AreaType, value: f64) -> ProjectionRow {
    ProjectionRow {
        model: lmi_core::projections::MODEL.into(),
        area_code: area.into(),
        area_type: t,
        classification: "soc2020_major_groups".into(),
        item: "total".into(),
        item_label: "All occupations".into(),
        quantity: "employment".into(),
        period: "2035".into(),
        value: Some(value),
    }
}

fn demand() -> Demand {
    let mut breakdowns = vec![
        part(
            "E07000123",
            AreaType::Lad,
            "ts063_soc1",
            "Managers, directors and senior officials",
            Some(9.0),
            Some(0.9),
        ),
        part(
            "E07000123",
            AreaType::Lad,
            "ts063_soc6",
            "Caring, leisure and other service occupations",
            Some(13.0),
            Some(1.3),
        ),
        part(
            "E07000123",
            AreaType::Lad,
            "ts063_soc9",
            "Elementary occupations",
            Some(11.0),
            Some(1.1),
        ),
        part(
            "E07000123",
            AreaType::Lad,
            "ts063_soc2",
            "Professional occupations",
            Some(20.0),
            Some(1.0),
        ),
    ];
    let mut na = part(
        "E07000117",
        AreaType::Lad,
        "ts066_7",
        "Unemployed (excluding full-time students)",
        None,
        None,
    );
    na.breakdown = "census_economic_activity".into();
    breakdowns.push(na);
    Demand {
        breakdowns,
        flows: vec![
            flow("E07000117", "E07000117", 300.0, 1),
            flow("E07000117", "E07000123", 80.0, 2),
            flow(
                "E07000117",
                lmi_core::flows::OUTSIDE_ENGLAND_OR_UNKNOWN,
                20.0,
                3,
            ),
            flow("E07000123", "E07000117", 50.0, 2),
        ],
        flow_summary: vec![FlowSummaryRow {
            area_code: "E07000117".into(),
            area_type: AreaType::Lad,
            period: "2023/24".into(),
            resident_starts: Some(400.0),
            same_area_starts: Some(300.0),
            same_area_share: Some(75.0),
            outflow_starts: Some(100.0),
            unknown_delivery_starts: Some(20.0),
            inflow_starts: Some(50.0),
            net_starts: Some(-50.0),
            approximate: false,
            coverage: None,
            provisional: false,
        }],
        projections: vec![
            projection("E69000019", AreaType::Lsip, 700.0),
            projection("E92000001", AreaType::Country, 30000.0),
        ],
        present: Table::ALL.to_vec(),
    }
}

fn with_demand() -> AppState {
    super::tests::builder(false).demand(demand()).build()
}

#[tokio::test]
async fn the_breakdown_catalogue_lists_periods_held() {
    let (status, _, body) = super::tests::get(with_demand(), "/v1/breakdowns").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["in_snapshot"], true);
    let census = &body["breakdowns"][0];
    assert_eq!(census["id"], "census_occupation");
    assert_eq!(census["periods"], serde_json::json!(["2021"]));
    assert!(
        body["meta"]["licence"]
            .as_str()
            .unwrap()
            .contains("Open Government")
    );
}

#[tokio::test]
async fn an_area_breakdown_is_sorted_with_readings_of_the_highest_quotients() {
    let uri = "/v1/areas/E07000123/breakdowns/census_occupation";
    let (status, _, body) = super::tests::get(with_demand(), uri).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let shares: Vec<f64> = body["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["share"].as_f64().unwrap())
        .collect();
    assert_eq!(shares, [20.0, 13.0, 11.0, 9.0]);
    assert_eq!(body["period"], "2021");
    assert_eq!(
        body["readings"][0],
        "Preston's working residents are 1.3 times as concentrated in caring, leisure and other service occupations as England's."
    );
    // Professional occupations (quotient 1.0) and managers (0.9) get no reading.
    assert_eq!(body["readings"].as_array().unwrap().len(), 2);
    let (_, _, by_lq) = super::tests::get(with_demand(), &format!("{uri}?sort=lq")).await;
    assert_eq!(by_lq["parts"][0]["part"], "ts063_soc6");
    let (status, ..) = super::tests::get(with_demand(), &format!("{uri}?sort=name")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let (status, _, p) = super::tests::get(with_demand(), &format!("{uri}?period=2011")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(p["detail"].as_str().unwrap().contains("2021"));
    let (status, ct, _) = super::tests::get(with_demand(), &format!("{uri}?format=csv")).await;
    assert_eq!(status, StatusCode::OK);
    assert!(ct.starts_with("text/csv"));
}

#[tokio::test]
async fn upper_tier_breakdowns_give_districts_not_applicable_with_the_reason() {
    let uri = "/v1/areas/E07000117/breakdowns/census_economic_activity";
    let (status, _, body) = super::tests::get(with_demand(), uri).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let p = &body["parts"][0];
    assert_eq!(p["status"], "not_applicable");
    assert!(p["share"].is_null() && p["count"].is_null());
    assert_eq!(body["notes"][0], lmi_core::breakdown::UPPER_TIER_ONLY);
    assert_eq!(body["readings"], serde_json::json!([]));
}

#[tokio::test]
async fn travel_to_learn_names_delivery_and_home_areas() {
    let (status, _, body) = super::tests::get(with_demand(), "/v1/areas/E07000117/flows").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["totals"]["resident_starts"], 400.0);
    assert_eq!(body["totals"]["unknown_delivery_starts"], 20.0);
    assert_eq!(body["totals"]["net_starts"], -50.0);
    let d = &body["delivery_areas"];
    assert_eq!(
        (d[0]["name"].as_str(), d[0]["same_area"].as_bool()),
        (Some("Burnley"), Some(true))
    );
    assert_eq!(d[1]["name"], "Preston");
    assert_eq!(d[2]["name"], "Outside England or unknown");
    assert_eq!(d[0]["share"], 75.0);
    assert_eq!(body["home_areas"][1]["name"], "Preston");
    assert!(!body["caveats"].as_array().unwrap().is_empty());
    let (status, ..) = super::tests::get(with_demand(), "/v1/areas/E92000001/flows").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn projections_name_the_model_and_bring_england_alongside() {
    let (status, _, body) =
        super::tests::get(with_demand(), "/v1/areas/E69000019/projections").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["model"], lmi_core::projections::MODEL);
    assert_eq!(body["values"].as_array().unwrap().len(), 2);
    let (status, _, p) = super::tests::get(with_demand(), "/v1/areas/E07000117/projections").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("Lancashire (E69000019)"),
        "{p}"
    );
    let uri = "/v1/areas/E69000019/projections?classification=nope";
    let (status, ..) = super::tests::get(with_demand(), uri).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
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
