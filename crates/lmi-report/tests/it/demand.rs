//! Count breakdowns, travel to learn and projections.

use crate::fixture::{geo, json, snapshot, with_demand};
use lmi_report::{ReportError, ToTable, queries};

const OCCUPATION: &str = "census_occupation";

#[test]
fn the_breakdown_catalogue_lists_periods_held() {
    let snap = with_demand();
    let body = json(queries::breakdown_catalogue(&snap));
    assert_eq!(body["in_snapshot"], true);
    let census = &body["breakdowns"][0];
    assert_eq!(census["id"], OCCUPATION);
    assert_eq!(census["periods"], serde_json::json!(["2021"]));
    assert!(
        body["meta"]["licence"]
            .as_str()
            .unwrap()
            .contains("Open Government")
    );
}

#[test]
fn an_area_breakdown_is_sorted_with_readings_of_the_highest_quotients() {
    let snap = with_demand();
    let breakdown =
        |period, sort| queries::area_breakdown(&snap, geo(), "E07000123", OCCUPATION, period, sort);
    let body = json(breakdown(None, None).unwrap());
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
    let by_lq = json(breakdown(None, Some("lq")).unwrap());
    assert_eq!(by_lq["parts"][0]["part"], "ts063_soc6");
    let err = breakdown(None, Some("name")).err().unwrap();
    assert!(matches!(err, ReportError::Invalid(_)), "{err:?}");
    let err = breakdown(Some("2011"), None).err().unwrap();
    assert!(matches!(err, ReportError::NotFound(_)), "{err:?}");
    assert!(err.to_string().contains("2021"), "{err}");
    // The CSV holds the parts.
    let table = breakdown(None, None).unwrap().to_table(&snap);
    let csv = String::from_utf8(table.to_csv().unwrap()).unwrap();
    assert!(csv.contains("ts063_soc6"), "{csv}");
}

#[test]
fn upper_tier_breakdowns_give_districts_not_applicable_with_the_reason() {
    let snap = with_demand();
    let body = json(
        queries::area_breakdown(
            &snap,
            geo(),
            "E07000117",
            "census_economic_activity",
            None,
            None,
        )
        .unwrap(),
    );
    let p = &body["parts"][0];
    assert_eq!(p["status"], "not_applicable");
    assert!(p["share"].is_null() && p["count"].is_null());
    assert_eq!(body["notes"][0], lmi_core::breakdown::UPPER_TIER_ONLY);
    assert_eq!(body["readings"], serde_json::json!([]));
}

#[test]
fn travel_to_learn_names_delivery_and_home_areas() {
    let snap = with_demand();
    let body = json(queries::area_flows(&snap, geo(), "E07000117", None).unwrap());
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
    let err = queries::area_flows(&snap, geo(), "E92000001", None)
        .err()
        .unwrap();
    assert!(matches!(err, ReportError::NotFound(_)), "{err:?}");
}

#[test]
fn projections_name_the_model_and_bring_england_alongside() {
    let snap = with_demand();
    let body = json(queries::area_projections(&snap, geo(), "E69000019", None).unwrap());
    assert_eq!(body["model"], lmi_core::projections::MODEL);
    assert_eq!(body["values"].as_array().unwrap().len(), 2);
    let err = queries::area_projections(&snap, geo(), "E07000117", None)
        .err()
        .unwrap();
    assert!(matches!(err, ReportError::NotFound(_)), "{err:?}");
    assert!(err.to_string().contains("Lancashire (E69000019)"), "{err}");
    let err = queries::area_projections(&snap, geo(), "E69000019", Some("nope"))
        .err()
        .unwrap();
    assert!(matches!(err, ReportError::Invalid(_)), "{err:?}");
}

#[test]
fn a_snapshot_without_demand_tables_says_so() {
    let old = snapshot(false);
    let geo = geo();
    let errors = [
        queries::area_breakdown(&old, geo, "E07000123", OCCUPATION, None, None)
            .err()
            .unwrap(),
        queries::area_flows(&old, geo, "E07000117", None)
            .err()
            .unwrap(),
        queries::area_projections(&old, geo, "E69000019", None)
            .err()
            .unwrap(),
    ];
    for err in errors {
        assert!(matches!(err, ReportError::NotFound(_)), "{err:?}");
        assert!(err.to_string().contains("not in this snapshot"), "{err}");
    }
    let body = json(queries::breakdown_catalogue(&old));
    assert_eq!(body["in_snapshot"], false);
}
