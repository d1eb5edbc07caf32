//! The small hand-made snapshot that lmi-report's query tests and lmi-api's router tests share:
//! KS4 apprenticeship rates for a few Lancashire areas (Burnley, Preston, Hyndburn, the Burnley
//! TTWA, the county, the combined authority, North West, England), one source, and a few demand
//! rows (occupation and economic-activity breakdowns, apprenticeship flows, projections).
//!
//! Only lmi-core types and JSON: the manifest is given as `manifest.json` holds it, so this crate
//! stays free of lmi-store (and polars); a test turns it into `lmi_store::Manifest` with
//! `serde_json::from_value`.

use lmi_core::demand::{BreakdownRow, Demand, FlowRow, FlowSummaryRow, ProjectionRow};
use lmi_core::schema::Table;
use lmi_core::{AreaType, Derived, IndicatorValue, SourceProvenance, Staleness, Status};

/// The test snapshot's version.
pub const VERSION: &str = "20261123T000000Z-test";

/// The one indicator with values in the test snapshot.
pub const INDICATOR: &str = "ks4_apprenticeship_rate";

/// The test snapshot's `manifest.json`: sample data when `sample`; `stale` marks its KS4
/// source as carried over by a failed refresh.
pub fn manifest(sample: bool, stale: Option<Staleness>) -> serde_json::Value {
    serde_json::json!({
        "format": 1,
        "version": VERSION,
        "created_at": "2026-11-23T00:00:00Z",
        "lmi_version": "0.1.0",
        "sample": sample.then(|| serde_json::json!({
            "sample": true,
            "description": "SYNTHETIC SAMPLE DATA",
        })),
        "sources": [ks4_source(stale)],
        "indicators": [{
            "id": INDICATOR,
            "periods": ["2021/22", "2022/23"],
            "rows": 9,
        }],
        "files": [{
            "name": "values.parquet",
            "sha256": "cd".repeat(32),
            "bytes": 999,
            "rows": 9,
        }],
        "warnings": [],
    })
}

/// The KS4 destinations source, read from a server path with one earlier file.
pub fn ks4_source(stale: Option<Staleness>) -> SourceProvenance {
    SourceProvenance {
        source_id: "dfe_ks4_destinations_lad".into(),
        title: "KS4 destination measures".into(),
        publisher: "Department for Education".into(),
        dataset: "ks4_destinations_lad".into(),
        licence: "Open Government Licence v3.0".into(),
        attribution:
            "Contains public sector information licensed under the Open Government Licence v3.0 (DfE)"
                .into(),
        file: "/srv/lmi/raw/dfe/ks4_destinations_lad.csv".into(),
        sha256: "ab".repeat(32),
        bytes: 1234,
        rows: 10,
        observations: 20,
        stale,
        earlier_files: vec![lmi_core::EarlierFile {
            file: "/srv/lmi/raw/dfe/ks4_destinations_lad_2021.csv".into(),
            sha256: "cd".repeat(32),
            bytes: 99,
            rows: 3,
            periods: vec!["2020/21".into()],
        }],
        ..Default::default()
    }
}

/// Nine KS4 apprenticeship rates: Burnley (2022/23, and 2021/22 suppressed, the latest with the
/// derived measures the pipeline fills), Preston, Hyndburn (suppressed), the Burnley TTWA, the
/// county, the combined authority, North West and England, all in 2022/23.
pub fn values() -> Vec<IndicatorValue> {
    let mut values = vec![
        value("E07000117", AreaType::Lad, "2022/23", Some(50.0), 1000.0),
        value("E07000117", AreaType::Lad, "2021/22", None, 900.0),
        value("E07000122", AreaType::Lad, "2022/23", Some(80.0), 1000.0),
        value("E07000120", AreaType::Lad, "2022/23", None, 700.0),
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
    values[0].derived = Derived {
        change_1: Some(-1.5),
        change_5: Some(0.5),
        rank: Some(2),
        rank_of: Some(2),
        percentile: Some(50.0),
        gap_to_england: Some(1.77),
        ..Derived::default()
    };
    values
}

/// A KS4 apprenticeship rate of `num / den`, suppressed when `num` is absent; TTWA values are
/// approximate with full coverage.
fn value(
    area: &str,
    area_type: AreaType,
    period: &str,
    num: Option<f64>,
    den: f64,
) -> IndicatorValue {
    IndicatorValue {
        indicator: INDICATOR.into(),
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
        stale: false,
        derived: Derived::default(),
    }
}

/// Every demand table present: Preston's occupation shares (four parts, 2021), Burnley's
/// economic activity (not applicable: published for upper-tier areas only), Burnley's and
/// Preston's apprenticeship flows and Burnley's travel to learn (2023/24), and 2035
/// employment projections for the Lancashire LSIP area and England.
pub fn demand() -> Demand {
    let mut breakdowns = vec![
        part(
            "E07000123",
            "ts063_soc1",
            "Managers, directors and senior officials",
            Some(9.0),
            Some(0.9),
        ),
        part(
            "E07000123",
            "ts063_soc6",
            "Caring, leisure and other service occupations",
            Some(13.0),
            Some(1.3),
        ),
        part(
            "E07000123",
            "ts063_soc9",
            "Elementary occupations",
            Some(11.0),
            Some(1.1),
        ),
        part(
            "E07000123",
            "ts063_soc2",
            "Professional occupations",
            Some(20.0),
            Some(1.0),
        ),
    ];
    let mut na = part(
        "E07000117",
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
        boundaries: boundaries(),
        present: Table::ALL.to_vec(),
        postcodes: None,
    }
}

/// A district's census occupation part in 2021 (England's share 10%); without a share it is
/// not applicable, with the upper-tier note.
fn part(area: &str, part: &str, label: &str, share: Option<f64>, lq: Option<f64>) -> BreakdownRow {
    BreakdownRow {
        breakdown: "census_occupation".into(),
        classification: "soc2020_major_groups".into(),
        part: part.into(),
        part_label: label.into(),
        area_code: area.into(),
        area_type: AreaType::Lad,
        period: "2021".into(),
        count: share.map(|s| s * 10.0),
        total: share.map(|_| 1000.0),
        share,
        england_share: share.map(|_| 10.0),
        location_quotient: lq,
        share_change: None,
        count_change_5y: None,
        share_change_5y: None,
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

/// Apprenticeship starts in 2023/24 of residents of `home` delivered in `delivery`.
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

/// Employment in all occupations in 2035.
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

/// Boundaries of the fixture's Lancashire districts (maps): synthetic squares on a grid, in
/// longitude and latitude, one per district the fixture has, so a map has shapes to draw.
pub fn boundaries() -> Vec<lmi_core::demand::BoundaryRow> {
    let codes = [
        "E07000117",
        "E07000118",
        "E07000119",
        "E07000120",
        "E07000121",
        "E07000122",
        "E07000123",
        "E07000124",
        "E07000125",
        "E07000126",
        "E07000127",
        "E07000128",
        "E06000008",
        "E06000009",
    ];
    codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let (x, y) = (-3.0 + 0.2 * (i % 4) as f64, 53.6 + 0.15 * (i / 4) as f64);
            let ring = format!(
                "[[{x},{y}],[{},{y}],[{},{}],[{x},{}],[{x},{y}]]",
                x + 0.2,
                x + 0.2,
                y + 0.15,
                y + 0.15
            );
            lmi_core::demand::BoundaryRow {
                area_code: (*code).to_owned(),
                area_type: AreaType::Lad,
                source: "ons_boundaries_lad".into(),
                vintage: "2025".into(),
                geometry: format!("{{\"type\":\"Polygon\",\"coordinates\":[{ring}]}}"),
            }
        })
        .collect()
}
