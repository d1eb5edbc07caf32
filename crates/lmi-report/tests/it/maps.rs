//! Maps: the areas a map shows, outlines from the snapshot's boundaries or the union of the
//! districts', and the map chart's shapes, classes and selection.

use crate::fixture::{geo, json, snapshot, with_demand};
use lmi_charts::Chart;
use lmi_report::charts::{ChartKind, ChartOptions, ChartRequest, ChartSpec, Unused, build_chart};
use lmi_report::{ReportError, maps};

fn request(area: &str, query: &str) -> ChartRequest {
    let options: ChartOptions = serde_urlencoded::from_str(query).unwrap();
    ChartRequest {
        area: area.into(),
        spec: ChartSpec::check(ChartKind::Map, options, Unused::Refuse).unwrap(),
    }
}

#[test]
fn a_district_is_mapped_among_its_combined_authoritys_districts_and_outlined() {
    let snap = with_demand();
    let built = build_chart(
        &request("E07000117", "indicator=ks4_apprenticeship_rate"),
        &snap,
        geo(),
    )
    .unwrap();
    let Chart::Map(map) = &built.chart else {
        panic!("not a map")
    };
    // Lancashire combined authority (Burnley's first parent of that type): 14 districts.
    assert_eq!(map.shapes.len(), 14);
    assert!(
        map.text.title.ends_with(": Lancashire, 2022/23"),
        "{}",
        map.text.title
    );
    assert_eq!(
        map.text.footnotes[0],
        "Local authority districts in Lancashire (combined authority)."
    );
    let burnley = map.shapes.iter().find(|s| s.code == "E07000117").unwrap();
    assert!(burnley.selected);
    assert_eq!(burnley.value, Some(5.0));
    assert_eq!(map.shapes.iter().filter(|s| s.selected).count(), 1);
    // Pendle's value is suppressed, Chorley has none: neither is a value.
    let pendle = map.shapes.iter().find(|s| s.code == "E07000120").unwrap();
    assert_eq!(
        (pendle.value, pendle.mark),
        (None, lmi_charts::Mark::Suppressed)
    );
    let chorley = map.shapes.iter().find(|s| s.code == "E07000118").unwrap();
    assert_eq!(chorley.value, None);
    assert!(
        map.text
            .footnotes
            .iter()
            .any(|f| f.contains("Open Government Licence")),
        "{:?}",
        map.text.footnotes
    );
    let svg = lmi_charts::render_svg(&built.chart).unwrap();
    assert_eq!(svg.matches("<path class=\"lmi-map-area").count(), 14);
    assert!(svg.contains("data-code=\"E07000117\""));
}

#[test]
fn a_combined_authority_without_a_boundary_is_the_union_of_its_districts() {
    let snap = with_demand();
    let body = maps::boundaries(
        &snap,
        geo(),
        lmi_core::AreaType::CombinedAuthority,
        "E12000002",
    )
    .unwrap();
    let lancashire = body
        .features
        .iter()
        .find(|f| f.id == "E47000018")
        .expect("Lancashire combined authority drawn");
    assert_eq!(
        lancashire.properties.drawn_from,
        maps::DrawnFrom::UnionOfDistricts
    );
    let shape = maps::parse_geometry(&lancashire.geometry.to_string()).unwrap();
    use geo::Area;
    // Fourteen districts, each a 0.2 x 0.15 degree square of the fixture, side by side.
    assert!(
        (shape.unsigned_area() - 14.0 * 0.2 * 0.15).abs() < 1e-9,
        "{}",
        shape.unsigned_area()
    );
    // Greater Manchester's districts have no boundary in the fixture: listed, not drawn wrong.
    assert!(
        body.without_boundary.iter().any(|c| c.starts_with("E47")),
        "{:?}",
        body.without_boundary
    );
    let j = json(&body);
    assert_eq!(j["type"], "FeatureCollection");
    assert_eq!(j["features"][0]["type"], "Feature");
}

#[test]
fn a_snapshot_without_boundaries_has_no_maps() {
    let snap = snapshot(false);
    let err = build_chart(
        &request("E07000117", "indicator=ks4_apprenticeship_rate"),
        &snap,
        geo(),
    )
    .unwrap_err();
    assert!(
        matches!(err, ReportError::NotFound(ref m) if m.contains("no boundaries")),
        "{err}"
    );
    let err = maps::boundaries(&snap, geo(), lmi_core::AreaType::Lad, "E47000018").unwrap_err();
    assert!(matches!(err, ReportError::NotFound(_)));
}

#[test]
fn the_map_options_are_checked_like_every_chart() {
    let spec = ChartSpec::check(
        ChartKind::Map,
        serde_urlencoded::from_str("indicator=ks4_apprenticeship_rate&area_type=ttwa&within=E12000002&classes=equal_intervals").unwrap(),
        Unused::Refuse,
    )
    .unwrap();
    let req = ChartRequest {
        area: "E30000182".into(),
        spec,
    };
    assert_eq!(
        req.query_string(),
        "area=E30000182&indicator=ks4_apprenticeship_rate&area_type=ttwa&within=E12000002&classes=equal_intervals"
    );
    let refused = ChartSpec::check(
        ChartKind::Map,
        serde_urlencoded::from_str("indicator=ks4_apprenticeship_rate&members=lad").unwrap(),
        Unused::Refuse,
    );
    assert!(refused.is_err());
}
