//! Similar areas: a district's nearest English districts on standardised headline indicators.

use crate::fixture::{geo, json, manifest};
use lmi_core::{AreaType, Derived, IndicatorValue, Status};
use lmi_report::{ReportError, ServedSnapshot, queries};
use lmi_store::Snapshot;

fn value(indicator: &str, area: &str, period: &str, v: Option<f64>) -> IndicatorValue {
    IndicatorValue {
        indicator: indicator.into(),
        area_code: area.into(),
        area_type: AreaType::Lad,
        period: period.into(),
        numerator: None,
        denominator: None,
        value: v,
        status: if v.is_some() {
            Status::Ok
        } else {
            Status::Suppressed
        },
        approximate: false,
        coverage: None,
        constituents: 1,
        ci_lower: None,
        ci_upper: None,
        stale: false,
        derived: Derived::default(),
    }
}

const BURNLEY: &str = "E07000117";
/// Pendle: given Burnley's values on every indicator.
const TWIN: &str = "E07000122";

/// Three indicators for six Lancashire districts; Pendle is Burnley's twin, Rossendale has no
/// claimant rate (suppressed), and an older employment period is ignored.
fn snapshot() -> ServedSnapshot {
    let rows: [(&str, [Option<f64>; 3]); 6] = [
        (BURNLEY, [Some(70.0), Some(5.0), Some(6.0)]),
        (TWIN, [Some(70.0), Some(5.0), Some(6.0)]),
        ("E07000123", [Some(78.0), Some(3.5), Some(5.0)]), // Preston
        ("E07000120", [Some(72.0), Some(4.5), Some(7.0)]), // Hyndburn
        ("E07000118", [Some(80.0), Some(2.0), Some(4.0)]), // Chorley
        ("E07000125", [Some(75.0), None, Some(5.5)]),      // Rossendale
    ];
    let mut values = Vec::new();
    for (code, [emp, claim, ks4]) in rows {
        values.push(value("employment_rate", code, "2022", Some(50.0)));
        values.push(value("employment_rate", code, "2023", emp));
        values.push(value("claimant_rate", code, "2024", claim));
        values.push(value("ks4_apprenticeship_rate", code, "2022/23", ks4));
    }
    ServedSnapshot::new(Snapshot {
        manifest: manifest(true, None),
        values,
    })
}

#[test]
fn the_nearest_districts_come_first_and_a_twin_is_at_distance_zero() {
    let snap = snapshot();
    let body = json(queries::similar_areas(&snap, geo(), BURNLEY, 10).unwrap());
    assert_eq!(body["method"]["name"], "euclidean_distance_on_z_scores");
    assert_eq!(body["indicators_used"], 3);
    let used: Vec<&str> = body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        used,
        [
            "employment_rate",
            "claimant_rate",
            "ks4_apprenticeship_rate"
        ]
    );
    assert_eq!(body["indicators"][0]["period"], "2023", "the latest period");
    // The rest of the documented set has no values here, each excluded with its reason.
    let excluded = body["excluded_indicators"].as_array().unwrap();
    assert_eq!(
        excluded.len(),
        queries::SIMILAR_INDICATORS.len() - 3,
        "{excluded:?}"
    );
    assert!(
        excluded
            .iter()
            .all(|e| e["reason"].as_str().unwrap().contains("no district values"))
    );
    let neighbours = body["neighbours"].as_array().unwrap();
    let codes: Vec<&str> = neighbours
        .iter()
        .map(|n| n["area"]["code"].as_str().unwrap())
        .collect();
    assert!(
        !codes.contains(&BURNLEY),
        "never its own neighbour: {codes:?}"
    );
    // Rossendale lacks an indicator used: left out, and counted.
    assert!(!codes.contains(&"E07000125"), "{codes:?}");
    assert_eq!(codes.len(), 4);
    assert!(body["districts_excluded"].as_u64().unwrap() >= 1);
    assert_eq!(codes[0], TWIN);
    assert_eq!(neighbours[0]["distance"], 0.0);
    assert_eq!(neighbours[0]["rank"], 1);
    let distances: Vec<f64> = neighbours
        .iter()
        .map(|n| n["distance"].as_f64().unwrap())
        .collect();
    assert!(distances.windows(2).all(|w| w[0] <= w[1]), "{distances:?}");
    // Each neighbour carries its values, in the order of the indicators.
    assert_eq!(neighbours[1]["values"][0]["indicator"], "employment_rate");
    assert_eq!(
        body["indicators"][0]["value"], 70.0,
        "Burnley's own value is shown"
    );
    // Hyndburn (72, 4.5, 7) is nearer to Burnley (70, 5, 6) than Chorley (80, 2, 4).
    let at = |c: &str| codes.iter().position(|x| *x == c).unwrap();
    assert!(at("E07000120") < at("E07000118"));
    // `limit` keeps the nearest.
    let two = json(queries::similar_areas(&snap, geo(), BURNLEY, 2).unwrap());
    assert_eq!(two["neighbours"].as_array().unwrap().len(), 2);
    assert_eq!(two["neighbours"][0]["area"]["code"], TWIN);
}

#[test]
fn only_districts_have_similar_areas() {
    let snap = snapshot();
    let county = queries::similar_areas(&snap, geo(), "E10000017", 10).err();
    assert!(
        matches!(county, Some(ReportError::NotFound(_))),
        "{county:?}"
    );
    let unknown = queries::similar_areas(&snap, geo(), "E07999999", 10).err();
    assert!(
        matches!(unknown, Some(ReportError::UnknownArea(_))),
        "{unknown:?}"
    );
    let too_many = queries::similar_areas(&snap, geo(), BURNLEY, 51).err();
    assert!(matches!(too_many, Some(ReportError::Invalid(_))));
}

#[test]
fn the_table_lists_neighbours_with_their_distance_and_values() {
    let snap = snapshot();
    let body = queries::similar_areas(&snap, geo(), BURNLEY, 10).unwrap();
    let table = lmi_report::ToTable::to_table(&body, &snap);
    let csv = String::from_utf8(table.to_csv().unwrap()).unwrap();
    assert!(
        csv.contains("rank,area_code,area_name,distance,employment_rate,claimant_rate,ks4_apprenticeship_rate"),
        "{csv}"
    );
    assert!(csv.contains(&format!("1,{TWIN},Pendle,0")), "{csv}");
}
