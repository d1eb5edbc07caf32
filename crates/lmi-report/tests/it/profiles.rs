//! An area's profile: every indicator's latest value with trend, rank, comparators and flags.

use crate::fixture::{geo, json, snapshot};
use lmi_report::queries;

#[test]
fn a_profile_gives_every_indicator_with_trend_rank_comparators_and_flags() {
    let snap = snapshot(false);
    let body = json(queries::profile(&snap, geo(), "E07000117").unwrap());
    let entries = body["indicators"].as_array().unwrap();
    assert_eq!(entries.len(), lmi_core::INDICATORS.len());
    let ks4 = &entries[0];
    assert_eq!(ks4["indicator"]["id"], "ks4_apprenticeship_rate");
    assert_eq!(ks4["latest"]["period"], "2022/23");
    assert_eq!(ks4["latest"]["value"], 5.0);
    assert_eq!(ks4["periods"], 2);
    // Arrows come from the pipeline's change_1 and the indicator's direction.
    assert_eq!(ks4["trend"]["direction"], "down");
    assert_eq!(ks4["trend"]["improving"], false);
    assert_eq!(ks4["rank"]["rank"], 2);
    assert_eq!(ks4["rank"]["gap_to_england"], 1.77);
    let england = ks4["comparators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["area"]["code"] == "E92000001")
        .unwrap();
    assert!((england["value"].as_f64().unwrap() - 18488.0 / 572598.0 * 100.0).abs() < 1e-9);
    assert_eq!(ks4["flags"], serde_json::json!([]));
    let census = &entries[1];
    assert_eq!(census["latest"], serde_json::Value::Null);
    assert_eq!(census["flags"], serde_json::json!(["no_data"]));
    assert_eq!(census["trend"]["direction"], serde_json::Value::Null);

    // Hyndburn's only value is suppressed; the TTWA is approximate.
    let body = json(queries::profile(&snap, geo(), "E07000120").unwrap());
    assert_eq!(
        body["indicators"][0]["flags"],
        serde_json::json!(["suppressed"])
    );
    let body = json(queries::profile(&snap, geo(), "E30000182").unwrap());
    assert_eq!(
        body["indicators"][0]["flags"],
        serde_json::json!(["approximate"])
    );
}
