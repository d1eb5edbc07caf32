//! In-process router tests (`tower::ServiceExt::oneshot`): no sockets.

use super::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use lmi_core::{AreaType, Geography, IndicatorValue, SampleMarker, Status};
use lmi_store::{Manifest, Snapshot};
use tower::ServiceExt;

fn value(
    area: &str,
    area_type: AreaType,
    period: &str,
    num: Option<f64>,
    den: f64,
) -> IndicatorValue {
    IndicatorValue {
        indicator: "ks4_apprenticeship_rate".into(),
        area_code: area.into(),
        area_type,
        period: period.into(),
        numerator: num,
        denominator: Some(den),
        value: num.map(|n| n / den * 100.0),
        status: if num.is_some() {
            Status::Ok
        } else {
            Status::Suppressed
        },
        approximate: area_type == AreaType::Ttwa,
        coverage: (area_type == AreaType::Ttwa).then_some(1.0),
        constituents: 1,
        ci_lower: None,
        ci_upper: None,
        derived: Default::default(),
    }
}

fn state(sample: bool) -> AppState {
    let manifest = Manifest {
        format: lmi_store::MANIFEST_FORMAT,
        version: "20261123T000000Z-test".into(),
        created_at: "2026-11-23T00:00:00Z".into(),
        lmi_version: "0.1.0".into(),
        sample: sample.then(|| SampleMarker {
            sample: true,
            description: "SYNTHETIC SAMPLE DATA".into(),
        }),
        sources: Vec::new(),
        indicators: Vec::new(),
        files: Vec::new(),
        warnings: Vec::new(),
    };
    let values = vec![
        value("E07000117", AreaType::Lad, "2022/23", Some(50.0), 1000.0),
        value("E07000117", AreaType::Lad, "2021/22", None, 900.0),
        value("E30000182", AreaType::Ttwa, "2022/23", Some(116.0), 1981.0),
        value(
            "E10000017",
            AreaType::County,
            "2022/23",
            Some(746.0),
            13076.0,
        ),
        value(
            "E47000018",
            AreaType::CombinedAuthority,
            "2022/23",
            Some(851.0),
            16231.0,
        ),
        value(
            "E12000002",
            AreaType::Region,
            "2022/23",
            Some(3250.0),
            79550.0,
        ),
        value(
            "E92000001",
            AreaType::Country,
            "2022/23",
            Some(18488.0),
            572598.0,
        ),
    ];
    AppState::new(Snapshot { manifest, values }, Geography::bundled().unwrap())
}

async fn get(state: AppState, uri: &str) -> (StatusCode, String, serde_json::Value) {
    let response = router(state)
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, content_type, json)
}

#[tokio::test]
async fn a_careers_adviser_finds_burnley_by_name() {
    let (status, _, body) = get(state(false), "/v1/areas?q=burnley").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["areas"][0]["code"], "E07000117");
    assert_eq!(body["areas"][0]["type"], "lad");
    let (_, _, body) = get(state(false), "/v1/areas?q=burnley&type=ttwa").await;
    assert_eq!(body["areas"][0]["code"], "E30000182");
    assert_eq!(body["total"], 1);
}

#[tokio::test]
async fn an_area_lists_its_parents_and_ttwas() {
    let (status, _, body) = get(state(false), "/v1/areas/E07000117").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["area"]["name"], "Burnley");
    let parents: Vec<&str> = body["parents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    for code in [
        "E10000017",
        "E47000018",
        "E37000019",
        "E12000002",
        "E92000001",
    ] {
        assert!(parents.contains(&code), "{code} missing from {parents:?}");
    }
    assert!(
        body["ttwa_overlaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["code"] == "E30000182" && t["best_fit"] == true)
    );
    let (_, _, body) = get(state(false), "/v1/areas/E47000018").await;
    assert_eq!(body["lads"].as_array().unwrap().len(), 14);
}

#[tokio::test]
async fn a_series_comes_with_county_combined_authority_region_and_england() {
    let (status, _, body) = get(
        state(false),
        "/v1/areas/E07000117/indicators/ks4_apprenticeship_rate",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let series = body["series"].as_array().unwrap();
    assert_eq!(series.len(), 2);
    assert_eq!(series[0]["period"], "2021/22");
    assert_eq!(series[0]["value"], serde_json::Value::Null);
    assert_eq!(series[0]["status"], "suppressed");
    assert_eq!(series[1]["value"], 5.0);
    let comparators: Vec<&String> = body["comparators"].as_object().unwrap().keys().collect();
    assert_eq!(
        comparators,
        ["E10000017", "E12000002", "E47000018", "E92000001"]
    );
    assert_eq!(
        body["comparators"]["E92000001"]["series"][0]["numerator"],
        18488.0
    );
    assert_eq!(body["indicator"]["unit"], "%");
}

#[tokio::test]
async fn sample_data_is_labelled_in_every_response() {
    for uri in [
        "/v1/areas?q=x",
        "/v1/areas/E07000117",
        "/v1/indicators",
        "/v1/indicators/ks4_apprenticeship_rate",
        "/v1/areas/E07000117/indicators/ks4_apprenticeship_rate",
    ] {
        let (status, _, body) = get(state(true), uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(body["meta"]["sample"], true, "{uri}");
        assert!(
            body["meta"]["notice"]
                .as_str()
                .unwrap()
                .contains("SYNTHETIC"),
            "{uri}"
        );
        assert_eq!(body["meta"]["licence"], "Open Government Licence v3.0");
    }
    let (_, _, body) = get(state(false), "/v1/indicators").await;
    assert_eq!(body["meta"]["sample"], false);
    assert!(body["meta"].get("notice").is_none());
}

#[tokio::test]
async fn unknown_things_are_404_problems_and_bad_parameters_400() {
    for (uri, want, needle) in [
        (
            "/v1/areas/E99999999",
            StatusCode::NOT_FOUND,
            "unknown area code `E99999999`",
        ),
        (
            "/v1/areas/E07000117/indicators/rate2",
            StatusCode::NOT_FOUND,
            "unknown indicator `rate2`",
        ),
        (
            "/v1/areas/E99999999/indicators/ks4_apprenticeship_rate",
            StatusCode::NOT_FOUND,
            "unknown area code",
        ),
        (
            "/v1/indicators/nope",
            StatusCode::NOT_FOUND,
            "unknown indicator",
        ),
        ("/v2/nothing", StatusCode::NOT_FOUND, "no such endpoint"),
        (
            "/v1/areas?type=district",
            StatusCode::BAD_REQUEST,
            "unknown area type `district`",
        ),
        (
            "/v1/areas?limit=0",
            StatusCode::BAD_REQUEST,
            "limit must be between 1 and 1000",
        ),
        ("/v1/areas?limit=ten", StatusCode::BAD_REQUEST, "limit"),
        ("/v1/areas?colour=red", StatusCode::BAD_REQUEST, "colour"),
    ] {
        let (status, content_type, body) = get(state(false), uri).await;
        assert_eq!(status, want, "{uri}");
        assert_eq!(content_type, "application/problem+json", "{uri}");
        assert_eq!(body["status"], want.as_u16(), "{uri}");
        assert!(
            body["detail"].as_str().unwrap().contains(needle),
            "{uri}: {body}"
        );
    }
}

#[tokio::test]
async fn a_ttwa_without_best_fit_districts_explains_the_gap() {
    let geo = Geography::bundled().unwrap();
    let orphan = geo
        .areas()
        .find(|a| a.area_type == AreaType::Ttwa && geo.member_lads(&a.code).is_empty())
        .unwrap();
    let (status, _, body) = get(
        state(false),
        &format!(
            "/v1/areas/{}/indicators/ks4_apprenticeship_rate",
            orphan.code
        ),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(body["series"].as_array().unwrap().is_empty());
    assert!(
        body["notes"][0]
            .as_str()
            .unwrap()
            .contains("cannot be approximated"),
        "{body}"
    );
}
