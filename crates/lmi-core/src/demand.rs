//! The demand-side tables of a snapshot (`schema::breakdowns`, `flows`, `flow_summary`,
//! `projections`) as plain rows: what lmi-store reads back from the stored frames and lmi-report
//! indexes and serves. One field per column, in the column's terms.

use crate::{AreaType, Status};
use serde::Serialize;

/// One part of one breakdown for one area and period (`schema::breakdowns`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownRow {
    pub breakdown: String,
    pub classification: String,
    pub part: String,
    pub part_label: String,
    pub area_code: String,
    pub area_type: AreaType,
    pub period: String,
    /// The part's count, absent when withheld or not applicable.
    pub count: Option<f64>,
    /// The breakdown's total in the same area and period.
    pub total: Option<f64>,
    /// `100 * count / total`.
    pub share: Option<f64>,
    /// The same part's share in England, same period.
    pub england_share: Option<f64>,
    /// `share / england_share` (England's is exactly 1).
    pub location_quotient: Option<f64>,
    /// Share minus the share in the previous period (percentage points).
    pub share_change: Option<f64>,
    pub status: Status,
    pub approximate: bool,
    pub coverage: Option<f64>,
    pub constituents: u32,
    /// Why a value is absent or approximate, in words.
    pub note: Option<String>,
    /// Count minus the count five years earlier (periods that are years; absent otherwise, across
    /// a series break, or when either count is).
    pub count_change_5y: Option<f64>,
    /// Share minus the share five years earlier (percentage points), as `count_change_5y`.
    pub share_change_5y: Option<f64>,
}

/// Apprenticeship flows from one home area to one delivery area (`schema::flows`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowRow {
    pub area_type: AreaType,
    /// An area of `area_type`, or a bucket (`lmi_core::flows`).
    pub home_code: String,
    /// An area of `area_type`, or a bucket.
    pub delivery_code: String,
    pub period: String,
    pub starts: Option<f64>,
    pub enrolments: Option<f64>,
    pub achievements: Option<f64>,
    /// Rank of the delivery area by starts among the home area's delivery areas (1 = most).
    pub rank: Option<u32>,
    pub approximate: bool,
    pub coverage: Option<f64>,
    pub provisional: bool,
}

/// Travel to learn of one area in one period (`schema::flow_summary`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FlowSummaryRow {
    pub area_code: String,
    pub area_type: AreaType,
    pub period: String,
    /// Starts by residents, wherever delivered (the outside-England-or-unknown bucket included).
    pub resident_starts: Option<f64>,
    /// Residents' starts delivered in the area itself.
    pub same_area_starts: Option<f64>,
    /// `100 * same_area_starts / resident_starts`.
    pub same_area_share: Option<f64>,
    /// Residents' starts delivered outside the area (the unknown bucket included).
    pub outflow_starts: Option<f64>,
    /// Of the outflow, starts delivered outside England or at an unknown location.
    pub unknown_delivery_starts: Option<f64>,
    /// Starts delivered in the area by people living elsewhere (or at an unknown home).
    pub inflow_starts: Option<f64>,
    /// `inflow_starts - outflow_starts`.
    pub net_starts: Option<f64>,
    pub approximate: bool,
    pub coverage: Option<f64>,
    pub provisional: bool,
}

/// One model projection value (`schema::projections`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProjectionRow {
    /// The model that produced the value.
    pub model: String,
    pub area_code: String,
    pub area_type: AreaType,
    /// `lmi_core::projections::ProjectionClassification::as_str`.
    pub classification: String,
    /// SOC code or the item's position in its table; `total` for the all-items row.
    pub item: String,
    pub item_label: String,
    /// `employment`, `net_change`, `replacement_demand`, `total_requirement`.
    pub quantity: String,
    /// A year for employment, `2020-2035` for changes and requirements.
    pub period: String,
    /// Thousands of jobs.
    pub value: Option<f64>,
}

/// One area's boundary (`schema::boundaries`).
#[derive(Debug, Clone, PartialEq)]
pub struct BoundaryRow {
    pub area_code: String,
    pub area_type: AreaType,
    pub source: String,
    pub vintage: String,
    /// GeoJSON geometry text, WGS84 longitude and latitude.
    pub geometry: String,
}

/// The further tables of one snapshot; empty when it was published without them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Demand {
    pub breakdowns: Vec<BreakdownRow>,
    pub flows: Vec<FlowRow>,
    pub flow_summary: Vec<FlowSummaryRow>,
    pub projections: Vec<ProjectionRow>,
    /// Boundaries of the areas (maps).
    pub boundaries: Vec<BoundaryRow>,
    /// Which of the tables the snapshot holds (a snapshot published before a table existed
    /// lacks it: "not in this snapshot", unlike a table present but with no rows for an area).
    pub present: Vec<crate::schema::Table>,
    /// The postcode directory (`crate::schema::postcodes`), indexed when loaded; `None` when
    /// the snapshot has none.
    pub postcodes: Option<std::sync::Arc<crate::postcode::PostcodeDirectory>>,
}

impl Demand {
    /// Whether the snapshot holds this table.
    pub fn has(&self, table: crate::schema::Table) -> bool {
        self.present.contains(&table)
    }
}
