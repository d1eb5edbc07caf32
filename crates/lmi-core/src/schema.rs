//! The column names of the tables that cross crate boundaries, in one place: the long
//! observations table (lmi-ingest writes it, lmi-pipeline reads it, lmi-store keeps it) and the
//! indicator values table (lmi-pipeline writes it, lmi-store keeps and reads it back). Names
//! only: this crate has no dataframe library.

/// One row per (source, area, period, measure).
pub mod observations {
    /// Catalogue id of the source.
    pub const SOURCE: &str = "source";
    /// GSS code as published (any vintage).
    pub const AREA_CODE: &str = "area_code";
    /// Normalised period label, e.g. `2022/23` or `2021`.
    pub const PERIOD: &str = "period";
    /// Measure id, e.g. `ks4_appren`.
    pub const MEASURE: &str = "measure";
    /// f64, null when the status carries no number.
    pub const VALUE: &str = "value";
    /// `lmi_core::Status` as text.
    pub const STATUS: &str = "status";
    /// The publisher's own flags for the cell, when it has them.
    pub const FLAGS: &str = "flags";

    /// Every column, in table order.
    pub const COLUMNS: [&str; 7] = [SOURCE, AREA_CODE, PERIOD, MEASURE, VALUE, STATUS, FLAGS];
}

/// One row per (indicator, area, period): `lmi_core::IndicatorValue` as a table.
pub mod values {
    pub const INDICATOR: &str = "indicator";
    pub const AREA_CODE: &str = "area_code";
    pub const AREA_TYPE: &str = "area_type";
    pub const PERIOD: &str = "period";
    pub const NUMERATOR: &str = "numerator";
    pub const DENOMINATOR: &str = "denominator";
    pub const VALUE: &str = "value";
    pub const STATUS: &str = "status";
    pub const APPROXIMATE: &str = "approximate";
    pub const COVERAGE: &str = "coverage";
    pub const CONSTITUENTS: &str = "constituents";
    pub const CI_LOWER: &str = "ci_lower";
    pub const CI_UPPER: &str = "ci_upper";
    pub const CHANGE_1: &str = "change_1";
    pub const CHANGE_5: &str = "change_5";
    pub const RANK: &str = "rank";
    pub const RANK_OF: &str = "rank_of";
    pub const PERCENTILE: &str = "percentile";
    pub const GAP_TO_ENGLAND: &str = "gap_to_england";
    /// `lmi_core::Verdict` as text: `higher`, `lower`, `similar`, `not_tested` (absent in older
    /// snapshots: read as `not_tested`).
    pub const VS_ENGLAND: &str = "vs_england";
    /// `lmi_core::DifferenceTest` as text: the test behind `vs_england`.
    pub const VS_ENGLAND_METHOD: &str = "vs_england_method";

    /// Every column the pipeline writes, in table order.
    pub const COLUMNS: [&str; 21] = [
        INDICATOR,
        AREA_CODE,
        AREA_TYPE,
        PERIOD,
        NUMERATOR,
        DENOMINATOR,
        VALUE,
        STATUS,
        APPROXIMATE,
        COVERAGE,
        CONSTITUENTS,
        CI_LOWER,
        CI_UPPER,
        CHANGE_1,
        CHANGE_5,
        RANK,
        RANK_OF,
        PERCENTILE,
        GAP_TO_ENGLAND,
        VS_ENGLAND,
        VS_ENGLAND_METHOD,
    ];
}

/// One row per (breakdown, part, area, period): the parts of one total with their shares,
/// England's share, the location quotient and the change in share (`lmi_core::breakdown`).
pub mod breakdowns {
    /// `lmi_core::breakdown::CountBreakdownDef::id`.
    pub const BREAKDOWN: &str = "breakdown";
    /// The classification the parts belong to (`lmi_core::breakdown::Classification`).
    pub const CLASSIFICATION: &str = "classification";
    /// Measure id of the part.
    pub const PART: &str = "part";
    pub const PART_LABEL: &str = "part_label";
    pub const AREA_CODE: &str = "area_code";
    pub const AREA_TYPE: &str = "area_type";
    pub const PERIOD: &str = "period";
    /// The part's count, null when withheld.
    pub const COUNT: &str = "count";
    /// The breakdown's total in the same area and period.
    pub const TOTAL: &str = "total";
    /// `100 * count / total`.
    pub const SHARE: &str = "share";
    /// The same part's share in England, same period.
    pub const ENGLAND_SHARE: &str = "england_share";
    /// `share / england_share` (England's is exactly 1).
    pub const LOCATION_QUOTIENT: &str = "location_quotient";
    /// Share minus the share in the previous period of the series (percentage points).
    pub const SHARE_CHANGE: &str = "share_change";
    pub const STATUS: &str = "status";
    /// Best fit from districts (TTWAs) or a sum of rounded counts.
    pub const APPROXIMATE: &str = "approximate";
    pub const COVERAGE: &str = "coverage";
    pub const CONSTITUENTS: &str = "constituents";
    /// Why a value is absent or approximate, in words.
    pub const NOTE: &str = "note";
    /// Count minus the count five years earlier (periods that are years: `2024` against `2019`).
    pub const COUNT_CHANGE_5Y: &str = "count_change_5y";
    /// Share minus the share five years earlier (percentage points), as `COUNT_CHANGE_5Y`.
    pub const SHARE_CHANGE_5Y: &str = "share_change_5y";

    pub const COLUMNS: [&str; 20] = [
        BREAKDOWN,
        CLASSIFICATION,
        PART,
        PART_LABEL,
        AREA_CODE,
        AREA_TYPE,
        PERIOD,
        COUNT,
        TOTAL,
        SHARE,
        ENGLAND_SHARE,
        LOCATION_QUOTIENT,
        SHARE_CHANGE,
        STATUS,
        APPROXIMATE,
        COVERAGE,
        CONSTITUENTS,
        NOTE,
        COUNT_CHANGE_5Y,
        SHARE_CHANGE_5Y,
    ];
}

/// One row per (area type, home area, delivery area, period): apprenticeship flows between areas
/// of one type (`lmi_core::flows`), districts and every aggregate.
pub mod flows {
    pub const AREA_TYPE: &str = "area_type";
    /// Where learners live: an area of `area_type`, or a bucket (`lmi_core::flows`).
    pub const HOME_CODE: &str = "home_code";
    /// Where the training is delivered: an area of `area_type`, or a bucket.
    pub const DELIVERY_CODE: &str = "delivery_code";
    pub const PERIOD: &str = "period";
    pub const STARTS: &str = "starts";
    pub const ENROLMENTS: &str = "enrolments";
    pub const ACHIEVEMENTS: &str = "achievements";
    /// Rank of the delivery area by starts among the home area's delivery areas (1 = most).
    pub const RANK: &str = "rank";
    /// Built by best fit from districts (TTWAs).
    pub const APPROXIMATE: &str = "approximate";
    pub const COVERAGE: &str = "coverage";
    /// A part-year, provisional period (2025/26: August to April).
    pub const PROVISIONAL: &str = "provisional";

    pub const COLUMNS: [&str; 11] = [
        AREA_TYPE,
        HOME_CODE,
        DELIVERY_CODE,
        PERIOD,
        STARTS,
        ENROLMENTS,
        ACHIEVEMENTS,
        RANK,
        APPROXIMATE,
        COVERAGE,
        PROVISIONAL,
    ];
}

/// One row per (area, period): travel to learn for apprenticeship starts of the area's residents
/// and of training delivered in it.
pub mod flow_summary {
    pub const AREA_CODE: &str = "area_code";
    pub const AREA_TYPE: &str = "area_type";
    pub const PERIOD: &str = "period";
    /// Starts by residents, wherever delivered (the outside-England-or-unknown bucket included).
    pub const RESIDENT_STARTS: &str = "resident_starts";
    /// Residents' starts delivered in the area itself.
    pub const SAME_AREA_STARTS: &str = "same_area_starts";
    /// `100 * same_area_starts / resident_starts`.
    pub const SAME_AREA_SHARE: &str = "same_area_share";
    /// Residents' starts delivered outside the area (the unknown bucket included).
    pub const OUTFLOW_STARTS: &str = "outflow_starts";
    /// Of the outflow, starts delivered outside England or at an unknown location.
    pub const UNKNOWN_DELIVERY_STARTS: &str = "unknown_delivery_starts";
    /// Starts delivered in the area by people living elsewhere (or at an unknown home).
    pub const INFLOW_STARTS: &str = "inflow_starts";
    /// `inflow_starts - outflow_starts`: starts delivered in the area minus residents' starts.
    pub const NET_STARTS: &str = "net_starts";
    pub const APPROXIMATE: &str = "approximate";
    pub const COVERAGE: &str = "coverage";
    pub const PROVISIONAL: &str = "provisional";

    pub const COLUMNS: [&str; 13] = [
        AREA_CODE,
        AREA_TYPE,
        PERIOD,
        RESIDENT_STARTS,
        SAME_AREA_STARTS,
        SAME_AREA_SHARE,
        OUTFLOW_STARTS,
        UNKNOWN_DELIVERY_STARTS,
        INFLOW_STARTS,
        NET_STARTS,
        APPROXIMATE,
        COVERAGE,
        PROVISIONAL,
    ];
}

/// One row per (area, classification, item, quantity, period): model projections
/// (`lmi_core::projections`), served apart from observed series with the model named.
pub mod projections {
    /// The model that produced the value (`lmi_core::projections::MODEL`).
    pub const MODEL: &str = "model";
    pub const AREA_CODE: &str = "area_code";
    pub const AREA_TYPE: &str = "area_type";
    pub const CLASSIFICATION: &str = "classification";
    /// SOC code or the item's position in its table; `total` for the all-items row.
    pub const ITEM: &str = "item";
    pub const ITEM_LABEL: &str = "item_label";
    /// `employment`, `net_change`, `replacement_demand`, `total_requirement`.
    pub const QUANTITY: &str = "quantity";
    /// A year (`2020`) for employment, `2020-2035` for changes and requirements.
    pub const PERIOD: &str = "period";
    /// Thousands of jobs.
    pub const VALUE: &str = "value";

    pub const COLUMNS: [&str; 9] = [
        MODEL,
        AREA_CODE,
        AREA_TYPE,
        CLASSIFICATION,
        ITEM,
        ITEM_LABEL,
        QUANTITY,
        PERIOD,
        VALUE,
    ];
}

/// One row per postcode of ONS's postcode directory (National Statistics Postcode Lookup), codes
/// as published; lmi-store loads it into a `lmi_core::postcode::PostcodeDirectory`.
pub mod postcodes {
    /// The postcode as published (`pcds`: outward, one space, inward).
    pub const POSTCODE: &str = "postcode";
    /// Local authority district (`laua`).
    pub const LAD_CODE: &str = "lad_code";
    /// 2021 LSOA (`lsoa21`), null when not given.
    pub const LSOA_CODE: &str = "lsoa_code";
    /// Travel to Work Area (`ttwa`), null when not given.
    pub const TTWA_CODE: &str = "ttwa_code";
    /// County (`cty`), null when not given.
    pub const COUNTY_CODE: &str = "county_code";
    /// Region (`rgn`), null when not given.
    pub const REGION_CODE: &str = "region_code";
    /// Month of termination (`doterm`, `YYYYMM`), null for a live postcode.
    pub const TERMINATED: &str = "terminated";

    pub const COLUMNS: [&str; 7] = [
        POSTCODE,
        LAD_CODE,
        LSOA_CODE,
        TTWA_CODE,
        COUNTY_CODE,
        REGION_CODE,
        TERMINATED,
    ];
}

/// One row per area with a boundary: its simplified outline (maps, `crate::boundaries`).
pub mod boundaries {
    pub const AREA_CODE: &str = "area_code";
    pub const AREA_TYPE: &str = "area_type";
    /// The catalogue id of the boundary source.
    pub const SOURCE: &str = "source";
    /// The boundary set's vintage (`2023`, `2011`).
    pub const VINTAGE: &str = "vintage";
    /// GeoJSON geometry text (Polygon or MultiPolygon), WGS84 longitude and latitude.
    pub const GEOMETRY: &str = "geometry";

    pub const COLUMNS: [&str; 5] = [AREA_CODE, AREA_TYPE, SOURCE, VINTAGE, GEOMETRY];
}

/// The tables a snapshot holds besides values and observations: lmi-pipeline builds them,
/// lmi-store names their files.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Table {
    /// [`breakdowns`].
    Breakdowns,
    /// [`flows`].
    Flows,
    /// [`flow_summary`].
    FlowSummary,
    /// [`projections`].
    Projections,
    /// [`postcodes`].
    Postcodes,
    /// [`boundaries`].
    Boundaries,
}

impl Table {
    pub const ALL: [Table; 6] = [
        Table::Breakdowns,
        Table::Flows,
        Table::FlowSummary,
        Table::Projections,
        Table::Postcodes,
        Table::Boundaries,
    ];
}
