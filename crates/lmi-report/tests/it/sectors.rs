//! Provision against jobs and the priority sectors, on breakdown rows built here: FE
//! achievements by sector subject area and jobs by SIC 2007 section for Preston and England.

use crate::fixture::{geo, json, manifest, served};
use lmi_core::demand::{BreakdownRow, Demand};
use lmi_core::schema::Table;
use lmi_core::{AreaType, Status};
use lmi_report::queries::{self, FE_BY_SSA, JOBS_BY_SECTION};
use lmi_report::sectors::Sectors;
use lmi_report::{ChartKind, ChartOptions, ChartRequest, ChartSpec, ReportError, ToTable, Unused};
use proptest::prelude::*;

const PRESTON: &str = "E07000123";
const ENGLAND: &str = "E92000001";

/// One part with its count and total; shares, England's share and the quotient as the
/// pipeline writes them.
fn row(
    breakdown: &str,
    part: &str,
    area: &str,
    period: &str,
    count: f64,
    total: f64,
    england_share: f64,
) -> BreakdownRow {
    let share = 100.0 * count / total;
    BreakdownRow {
        breakdown: breakdown.into(),
        classification: "test".into(),
        part: part.into(),
        part_label: part.into(),
        area_code: area.into(),
        area_type: if area == ENGLAND {
            AreaType::Country
        } else {
            AreaType::Lad
        },
        period: period.into(),
        count: Some(count),
        total: Some(total),
        share: Some(share),
        england_share: Some(england_share),
        location_quotient: Some(share / england_share),
        share_change: None,
        count_change_5y: None,
        share_change_5y: None,
        status: Status::Ok,
        approximate: false,
        coverage: None,
        constituents: 1,
        note: None,
    }
}

/// Rows of one breakdown for Preston and England in `period` from `(part, preston, england)`
/// counts.
fn rows(breakdown: &str, period: &str, parts: &[(&str, f64, f64)]) -> Vec<BreakdownRow> {
    let total = |i: usize| {
        parts
            .iter()
            .map(|p| if i == 0 { p.1 } else { p.2 })
            .sum::<f64>()
    };
    let (here, england) = (total(0), total(1));
    parts
        .iter()
        .flat_map(|(part, p, e)| {
            let e_share = 100.0 * e / england;
            [
                row(breakdown, part, PRESTON, period, *p, here, e_share),
                row(breakdown, part, ENGLAND, period, *e, england, e_share),
            ]
        })
        .collect()
}

fn demand(breakdowns: Vec<BreakdownRow>) -> Demand {
    Demand {
        breakdowns,
        present: Table::ALL.to_vec(),
        ..Demand::default()
    }
}

/// Preston teaches health (SSA 1) twice as much as England and ICT (6) half as much; 30% of its
/// jobs are in health and public services (Q, O) against England's 15%, 10% in ICT (J) against
/// 5%. Jobs in 2023 and 2018.
fn preston() -> Demand {
    let mut b = rows(
        FE_BY_SSA,
        "2021/22",
        &[
            ("fe_ach_ssa_01", 200.0, 1_000.0),
            ("fe_ach_ssa_06", 50.0, 1_000.0),
            ("fe_ach_ssa_14", 750.0, 8_000.0),
        ],
    );
    for (period, q, f) in [("2023", 10_000.0, 15_000.0), ("2018", 9_000.0, 16_000.0)] {
        b.extend(rows(
            JOBS_BY_SECTION,
            period,
            &[
                ("bres_employment_q", q, 100_000.0),
                ("bres_employment_o", 5_000.0, 50_000.0),
                ("bres_employment_j", 5_000.0, 50_000.0),
                ("bres_employment_c", 15_000.0, 300_000.0),
                ("bres_employment_f", f, 500_000.0),
            ],
        ));
    }
    demand(b)
}

#[test]
fn provision_is_set_against_the_jobs_each_subject_trains_for_relative_to_england() {
    let snap = served(manifest(false, None), preston());
    let body = json(queries::supply_demand(&snap, geo(), PRESTON).unwrap());
    let ssa = |code: u64| {
        body["subject_areas"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["ssa"] == code)
            .unwrap()
            .clone()
    };
    let health = ssa(1);
    assert_eq!(health["sections"], serde_json::json!(["Q", "O"]));
    // FE: 20% here against 10% in England; jobs in Q and O: 30% against 15%.
    let close = |v: &serde_json::Value, x: f64| (v.as_f64().unwrap() - x).abs() < 1e-9;
    assert!(close(&health["fe_achievements"]["share"], 20.0), "{health}");
    assert!(
        close(&health["fe_achievements"]["england_share"], 10.0),
        "{health}"
    );
    assert!(close(&health["jobs"]["share"], 30.0), "{health}");
    assert!(close(&health["jobs"]["england_share"], 15.0), "{health}");
    assert!(close(&health["fe_ratio"], 1.0), "{health}");
    assert_eq!(health["position"], "in_step");
    let ict = ssa(6);
    assert!(close(&ict["fe_ratio"], 0.25), "{ict}");
    assert_eq!(ict["position"], "behind");
    // General education trains for no sector: no jobs share, no ratio, never a zero.
    let prep = ssa(14);
    assert_eq!(prep["jobs"]["share"], serde_json::Value::Null);
    assert_eq!(prep["fe_ratio"], serde_json::Value::Null);
    assert_eq!(
        body["readings"][0],
        "Provision runs behind local jobs in information and communication technology: its \
         share of Preston's FE achievements is 0.5 times England's, while the share of jobs in \
         the sectors it trains for (J) is 2.0 times England's."
    );
    assert_eq!(body["basis"][0]["period"], "2021/22");
    assert_eq!(body["basis"][1]["breakdown"], JOBS_BY_SECTION);
    assert_eq!(body["basis"][1]["period"], "2023");
    // Apprenticeships are not set against jobs, and the caveats say why.
    assert!(
        body["subject_areas"][0]
            .get("apprenticeship_ratio")
            .is_none()
    );
    assert!(
        body["caveats"][0]
            .as_str()
            .unwrap()
            .contains("Apprenticeships are not included"),
        "{body}"
    );
    let csv = queries::supply_demand(&snap, geo(), PRESTON)
        .unwrap()
        .to_table(&snap)
        .to_csv()
        .unwrap();
    let csv = String::from_utf8(csv).unwrap();
    assert!(
        csv.contains("Information and Communication Technology,J,"),
        "{csv}"
    );
}

#[test]
fn a_priority_sectors_jobs_are_the_sum_of_its_sections_with_the_change_over_five_years() {
    let snap = served(manifest(false, None), preston());
    let body = json(queries::area_sectors(&snap, geo(), PRESTON).unwrap());
    let sector = |id: &str| {
        body["sectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    let health = sector("health_social_care");
    assert_eq!(health["jobs"], 10_000.0);
    assert_eq!(health["jobs_change_5y"], 1_000.0);
    assert_eq!(health["jobs_change_from"], "2018");
    assert_eq!(health["fe_achievements"], 200.0);
    // Visitor economy: sections I and R have no jobs rows here, so no total (not zero).
    assert_eq!(sector("visitor_economy")["jobs"], serde_json::Value::Null);
    // Ties keep the file's order: manufacturing before construction.
    assert_eq!(
        body["readings"][0],
        "Preston has 15,000 jobs in advanced manufacturing and engineering (30.0% of its jobs, \
         against 30.0% in England), about the same as in 2018."
    );
    assert_eq!(
        body["readings"][1],
        "Preston has 15,000 jobs in construction (30.0% of its jobs, against 50.0% in \
         England), 1,000 jobs fewer than in 2018."
    );
}

#[test]
fn an_area_without_the_breakdowns_is_told_which_are_missing() {
    let snap = served(manifest(false, None), demand(Vec::new()));
    let err = queries::supply_demand(&snap, geo(), PRESTON).unwrap_err();
    assert!(matches!(err, ReportError::NotFound(_)), "{err:?}");
    for id in [FE_BY_SSA, JOBS_BY_SECTION] {
        assert!(err.to_string().contains(id), "{err}");
    }
    assert!(!err.to_string().contains("apprenticeship"), "{err}");
    let old = served(manifest(false, None), Demand::default());
    let err = queries::area_sectors(&old, geo(), PRESTON).unwrap_err();
    assert!(err.to_string().contains("not in this snapshot"), "{err}");
}

/// A chart of `kind` for Preston (no options: its link is the area alone), as JSON.
fn preston_chart(kind: ChartKind) -> serde_json::Value {
    let snap = served(manifest(false, None), preston());
    let spec = ChartSpec::check(kind, ChartOptions::default(), Unused::Refuse).unwrap();
    let request = ChartRequest {
        area: PRESTON.into(),
        spec,
    };
    assert_eq!(request.query_string(), "area=E07000123");
    json(
        &lmi_report::build_chart(&request, &snap, geo())
            .unwrap()
            .chart,
    )
}

#[test]
fn the_chart_ranks_subject_areas_by_provision_over_jobs_with_a_line_at_one() {
    let chart = preston_chart(ChartKind::SupplyDemand);
    assert_eq!(chart["kind"], "ranked");
    let labels: Vec<&str> = chart["bars"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["label"].as_str().unwrap())
        .collect();
    assert_eq!(
        labels,
        [
            "Health, Public Services and Care (Q, O)",
            "Information and Communication Technology (J)"
        ]
    );
    assert_eq!(chart["reference"]["value"], 1.0);
    // A chart option the kind does not take is refused in a dashboard file.
    let options = ChartOptions {
        period: Some("2023".into()),
        ..ChartOptions::default()
    };
    assert!(ChartSpec::check(ChartKind::SupplyDemand, options, Unused::Refuse).is_err());
}

#[test]
fn a_hubs_own_sectors_file_replaces_the_mapping() {
    let mut text = String::new();
    for c in 1..=15 {
        let sections = if c == 6 { "[\"J\", \"M\"]" } else { "[]" };
        text.push_str(&format!(
            "[[subject_area]]\nssa = {c}\ntitle = \"S{c}\"\nsections = {sections}\n\n"
        ));
    }
    text.push_str(
        "[[priority_sector]]\nid = \"tech\"\ntitle = \"Tech\"\nsections = [\"J\"]\nsubject_areas = [6]\n",
    );
    let sectors: &'static Sectors = Box::leak(Box::new(Sectors::parse(&text, "hub.toml").unwrap()));
    let snap = served(manifest(false, None), preston()).with_sectors(sectors);
    let body = json(queries::supply_demand(&snap, geo(), PRESTON).unwrap());
    assert_eq!(
        body["subject_areas"][5]["sections"],
        serde_json::json!(["J", "M"])
    );
    // J and M: Preston has J rows only, so the jobs share is absent rather than partial.
    assert_eq!(
        body["subject_areas"][5]["jobs"]["share"],
        serde_json::Value::Null
    );
    let sectors = json(queries::area_sectors(&snap, geo(), PRESTON).unwrap());
    assert_eq!(sectors["sectors"].as_array().unwrap().len(), 1);
    assert_eq!(sectors["sectors"][0]["jobs"], 5_000.0);
    assert_eq!(sectors["sectors"][0]["fe_achievements"], 50.0);
    let mapping = json(queries::sectors_mapping(&snap));
    assert_eq!(mapping["priority_sectors"][0]["id"], "tech");
    assert_eq!(mapping["sections"][2]["title"], "Manufacturing");
}

proptest! {
    /// England against itself: every subject area with a provision share and a jobs share has
    /// a ratio of exactly 1 (within rounding), whatever the counts.
    #[test]
    fn england_against_itself_is_in_step_everywhere(
        fe in proptest::collection::vec(1.0f64..10_000.0, 3),
        jobs in proptest::collection::vec(1.0f64..100_000.0, 5),
    ) {
        let parts = |ids: &[&'static str], counts: &[f64]| -> Vec<(&'static str, f64, f64)> {
            ids.iter().zip(counts).map(|(id, c)| (*id, *c, *c)).collect()
        };
        let mut b = rows(
            FE_BY_SSA,
            "2021/22",
            &parts(&["fe_ach_ssa_01", "fe_ach_ssa_04", "fe_ach_ssa_06"], &fe),
        );
        b.extend(rows(
            JOBS_BY_SECTION,
            "2023",
            &parts(
                &["bres_employment_q", "bres_employment_o", "bres_employment_c", "bres_employment_j", "bres_employment_f"],
                &jobs,
            ),
        ));
        let b: Vec<BreakdownRow> = b.into_iter().filter(|r| r.area_code == ENGLAND).collect();
        let snap = served(manifest(false, None), demand(b));
        let body = queries::supply_demand(&snap, geo(), ENGLAND).unwrap();
        let body = json(body);
        let mut compared = 0;
        for s in body["subject_areas"].as_array().unwrap() {
            if let Some(r) = s["fe_ratio"].as_f64() {
                prop_assert!((r - 1.0).abs() < 1e-9, "{s}");
                prop_assert_eq!(&s["position"], "in_step");
                compared += 1;
            }
        }
        // Health (Q, O) and ICT (J) have every section here; engineering (B, C, D, E) lacks B.
        prop_assert_eq!(compared, 2);
        prop_assert!(body["readings"].as_array().unwrap().is_empty());
    }

    /// A priority sector's jobs are the sum of its sections' counts.
    #[test]
    fn a_sectors_jobs_are_the_sum_of_its_sections(
        i in 1.0f64..50_000.0,
        r in 1.0f64..50_000.0,
        other in 1.0f64..500_000.0,
    ) {
        let b = rows(
            JOBS_BY_SECTION,
            "2023",
            &[
                ("bres_employment_i", i, i),
                ("bres_employment_r", r, r),
                ("bres_employment_c", other, other),
            ],
        );
        let snap = served(manifest(false, None), demand(b));
        let body = json(queries::area_sectors(&snap, geo(), PRESTON).unwrap());
        let visitor = body["sectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == "visitor_economy")
            .unwrap()
            .clone();
        prop_assert!((visitor["jobs"].as_f64().unwrap() - (i + r)).abs() < 1e-6);
        let share = visitor["jobs_share"]["share"].as_f64().unwrap();
        prop_assert!((share - 100.0 * (i + r) / (i + r + other)).abs() < 1e-9);
    }
}

#[test]
fn a_sectors_projected_change_sums_its_industry_groups_where_projections_exist() {
    const LSIP: &str = "E69000019";
    let mut d = preston();
    for r in d.breakdowns.clone() {
        if r.area_code == PRESTON {
            d.breakdowns.push(BreakdownRow {
                area_code: LSIP.into(),
                area_type: AreaType::Lsip,
                ..r
            });
        }
    }
    let level = |label: &str, year: &str, value: f64| lmi_core::demand::ProjectionRow {
        model: lmi_core::projections::MODEL.into(),
        area_code: LSIP.into(),
        area_type: AreaType::Lsip,
        classification: "sic2007_industry_groups_22".into(),
        item: "1".into(),
        item_label: label.into(),
        quantity: "employment".into(),
        period: year.into(),
        value: Some(value),
    };
    d.projections = vec![
        level("Health and social work", "2020", 110.799),
        level("Health and social work", "2035", 132.811),
        level("Accommodation and food", "2020", 47.585),
        level("Accommodation and food", "2035", 56.505),
    ];
    let snap = served(manifest(false, None), d);
    let body = json(queries::area_sectors(&snap, geo(), LSIP).unwrap());
    let sector = |id: &str| {
        body["sectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["id"] == id)
            .unwrap()
            .clone()
    };
    assert_eq!(sector("health_social_care")["projected_change"], 22_012.0);
    assert_eq!(
        sector("health_social_care")["projected_change_period"],
        "2020-2035"
    );
    // Visitor economy also needs "Arts and entertainment", which is missing: no partial sum.
    assert_eq!(
        sector("visitor_economy")["projected_change"],
        serde_json::Value::Null
    );
    // Preston has no projections.
    let preston = json(queries::area_sectors(&snap, geo(), PRESTON).unwrap());
    assert_eq!(
        preston["sectors"][3]["projected_change"],
        serde_json::Value::Null
    );
}

#[test]
fn the_priority_sectors_chart_has_each_sectors_share_of_jobs_with_englands_tick() {
    let chart = preston_chart(ChartKind::PrioritySectors);
    let bar = |i: usize| chart["bars"][i].clone();
    assert_eq!(
        bar(0)["label"],
        "Advanced manufacturing and engineering (C)"
    );
    assert_eq!(bar(0)["value"], 30.0);
    assert_eq!(bar(0)["reference"], 30.0);
    assert_eq!(bar(2)["label"], "Digital (J)");
    assert_eq!(bar(2)["value"], 10.0);
    // Energy (D, E) has no jobs rows: no bar value, never zero.
    assert_eq!(bar(1)["value"], serde_json::Value::Null);
    // A chart option the kind does not take is refused in a dashboard file.
    let options = ChartOptions {
        period: Some("2023".into()),
        ..ChartOptions::default()
    };
    assert!(ChartSpec::check(ChartKind::PrioritySectors, options, Unused::Refuse).is_err());
}
