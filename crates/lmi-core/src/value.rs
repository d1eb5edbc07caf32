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
}
