//! One published indicator value, as stored in a snapshot and served by the API.

use crate::{AreaType, Status};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorValue {
    pub indicator: String,
    pub area_code: String,
    pub area_type: AreaType,
    pub period: String,
    pub numerator: Option<f64>,
    pub denominator: Option<f64>,
    /// Absent whenever the status carries no number: never a zero standing in for a gap.
    pub value: Option<f64>,
    pub status: Status,
    /// Built by best fit from whole districts (TTWAs), not an exact sum.
    pub approximate: bool,
    /// For approximate values, the share of the area's residents living in the districts used.
    pub coverage: Option<f64>,
    /// Current districts whose data went into the value.
    pub constituents: u32,
    /// 95% confidence interval, for survey estimates that publish one.
    pub ci_lower: Option<f64>,
    pub ci_upper: Option<f64>,
    /// Fed by a source the latest refresh could not update: carried over from an earlier
    /// snapshot (see the source's `stale` provenance). Set when a snapshot is served.
    #[serde(default)]
    pub stale: bool,
    /// Derived measures, filled by the pipeline (absent when they cannot be computed).
    #[serde(flatten)]
    pub derived: Derived,
}

/// Measures derived from the values of one indicator: trends, ranks and the gap to England.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Derived {
    /// Change in value since the previous period (percentage points for rates).
    pub change_1: Option<f64>,
    /// Change in value over five periods.
    pub change_5: Option<f64>,
    /// Rank among areas of the same type with a value in the period; 1 is best (highest when
    /// higher is better, lowest when lower is better).
    pub rank: Option<u32>,
    /// How many areas were ranked.
    pub rank_of: Option<u32>,
    /// Share of ranked areas doing no better than this one, 0-100.
    pub percentile: Option<f64>,
    /// Value minus England's value for the same period.
    pub gap_to_england: Option<f64>,
    /// Whether the value differs from England's in the same period, by the test in
    /// `vs_england_method` (`lmi_core::difference`): `higher`/`lower` only when the 95%
    /// confidence intervals do not overlap (survey estimates), `similar` when they do.
    /// `not_tested` in snapshots written before the test existed.
    #[serde(default)]
    pub vs_england: crate::Verdict,
    /// The test behind `vs_england`: `intervals_overlap`, `reference_in_interval` (England has no
    /// interval: its value against the area's), `exact` (no interval exists: counts, the
    /// difference is exact) or `none`.
    #[serde(default)]
    pub vs_england_method: crate::DifferenceTest,
}

impl IndicatorValue {
    /// The value with its interval, as the difference test reads it.
    pub fn estimate(&self) -> crate::Estimate {
        crate::Estimate {
            value: self.value,
            lower: self.ci_lower,
            upper: self.ci_upper,
        }
    }
}

impl Derived {
    /// `vs_england` and its method as one value.
    pub fn vs_england(&self) -> crate::Difference {
        crate::Difference {
            verdict: self.vs_england,
            method: self.vs_england_method,
        }
    }
}
