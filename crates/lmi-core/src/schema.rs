//! The column names of the two tables that cross crate boundaries, in one place: the long
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

    /// Every column the pipeline writes, in table order.
    pub const COLUMNS: [&str; 19] = [
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
    ];
}
