//! Series with their comparators, comparisons side by side, and rankings.

use crate::fixture::{geo, json, snapshot};
use lmi_core::AreaType;
use lmi_report::{ReportError, queries};

const KS4: &str = "ks4_apprenticeship_rate";

#[test]
fn a_series_comes_with_county_combined_authority_region_and_england() {
    let snap = snapshot(false);
    let body = json(queries::area_series(&snap, geo(), "E07000117", KS4, None, None).unwrap());
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

#[test]
fn a_series_can_be_limited_to_a_period_range() {
    let snap = snapshot(false);
    let series =
        |from, to| json(queries::area_series(&snap, geo(), "E07000117", KS4, from, to).unwrap());
    let body = series(Some("2022/23"), None);
    assert_eq!(body["series"].as_array().unwrap().len(), 1);
    assert_eq!(body["series"][0]["period"], "2022/23");
    assert_eq!(body["series"][0]["change_1"], -1.5);
    let body = series(None, Some("2021/22"));
    assert_eq!(body["series"].as_array().unwrap().len(), 1);
    assert!(
        body["comparators"]["E92000001"]["series"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // A range that ends before it starts is empty and says why (not an error).
    let body = series(Some("2023/24"), Some("2019/20"));
    assert!(body["series"].as_array().unwrap().is_empty());
    assert!(
        body["notes"][0].as_str().unwrap().contains("is after"),
        "{body}"
    );
}

#[test]
fn areas_are_compared_side_by_side() {
    let snap = snapshot(false);
    let codes = ["E07000117", "E07000122", "E30000182"];
    let body = json(queries::compare(&snap, geo(), &codes, KS4, None, None).unwrap());
    let areas = body["areas"].as_array().unwrap();
    let shown: Vec<&str> = areas
        .iter()
        .map(|a| a["area"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(shown, codes);
    assert_eq!(areas[1]["series"][0]["value"], 8.0);
    assert_eq!(body["periods"], serde_json::json!(["2021/22", "2022/23"]));
    // A code listed twice is shown once.
    let twice = ["E07000117", "E07000117"];
    let body = json(queries::compare(&snap, geo(), &twice, KS4, None, None).unwrap());
    assert_eq!(body["areas"].as_array().unwrap().len(), 1);
}

#[test]
fn a_comparison_refuses_malformed_and_unknown_areas_and_too_many() {
    let snap = snapshot(false);
    let many = ["E07000117"; 26];
    for (codes, id, needle) in [
        (&["E07000117", "", "E07000122"][..], KS4, "single commas"),
        (&["E07000117", " E07000122"][..], KS4, "no spaces"),
        (&many[..], KS4, "at most 25"),
    ] {
        let err = queries::compare(&snap, geo(), codes, id, None, None)
            .err()
            .unwrap();
        assert!(matches!(err, ReportError::Invalid(_)), "{codes:?}: {err:?}");
        assert!(err.to_string().contains(needle), "{codes:?}: {err}");
    }
    let err = queries::compare(&snap, geo(), &["E07000117", "E99999999"], KS4, None, None)
        .err()
        .unwrap();
    assert!(matches!(err, ReportError::UnknownArea(_)), "{err:?}");
    assert!(err.to_string().contains("E99999999"), "{err}");
    let err = queries::compare(&snap, geo(), &["E07000117"], "nope", None, None)
        .err()
        .unwrap();
    assert!(
        matches!(err, ReportError::UnknownIndicator { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("unknown indicator"), "{err}");
}

#[test]
fn rankings_put_the_best_first_and_gaps_last() {
    let snap = snapshot(false);
    let body = json(queries::ranking(&snap, geo(), KS4, AreaType::Lad, None).unwrap());
    assert_eq!(body["period"], "2022/23");
    assert_eq!(body["area_type"], "lad");
    assert_eq!(body["order"], "descending");
    let rows = body["areas"].as_array().unwrap();
    let codes: Vec<&str> = rows
        .iter()
        .map(|r| r["area"]["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["E07000122", "E07000117", "E07000120"]);
    assert_eq!(rows[0]["position"], 1);
    assert_eq!(rows[2]["position"], serde_json::Value::Null);
    assert_eq!(rows[2]["status"], "suppressed");

    let body = json(queries::ranking(&snap, geo(), KS4, AreaType::Lad, Some("2021/22")).unwrap());
    assert_eq!(body["areas"].as_array().unwrap().len(), 1);
    for (area_type, period, needle) in [
        (
            AreaType::Lad,
            Some("1999"),
            "periods available: 2021/22, 2022/23",
        ),
        (AreaType::Lep, None, "no values for lep"),
    ] {
        let err = queries::ranking(&snap, geo(), KS4, area_type, period)
            .err()
            .unwrap();
        assert!(matches!(err, ReportError::NotFound(_)), "{err:?}");
        assert!(err.to_string().contains(needle), "{err}");
    }
    let err = queries::ranking(&snap, geo(), "nope", AreaType::Lad, None)
        .err()
        .unwrap();
    assert!(err.to_string().contains("unknown indicator"), "{err}");
}
