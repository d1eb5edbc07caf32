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
        "Preston's jobs are 1.3 times as concentrated in caring, leisure and other service occupations as England's."
    );
    assert_eq!(body["readings"].as_array().unwrap().len(), 3);
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
