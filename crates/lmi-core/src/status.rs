//! The quality status every published value carries.

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Why a value is (or is not) what it looks like. A value whose status is `Suppressed` or
/// `NotApplicable` is absent, never zero.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Published as is.
    Ok,
    /// Withheld by the publisher (DfE `c`/`low`/`~`, Nomis `Q`) or, for an aggregate, because at
    /// least one constituent area was withheld: adding up the rest would understate it.
    Suppressed,
    /// Survey estimate flagged unreliable by the publisher (APS `!`/`*`).
    LowReliability,
    /// Not applicable (DfE `z`).
    NotApplicable,
    /// Not available from the publisher (DfE `x`) or missing from the file.
    Unavailable,
    /// Estimated rather than counted.
    Estimated,
    /// Comparable only with care with earlier periods (a change of definition).
    SeriesBreak,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Ok => "ok",
            Status::Suppressed => "suppressed",
            Status::LowReliability => "low_reliability",
            Status::NotApplicable => "not_applicable",
            Status::Unavailable => "unavailable",
            Status::Estimated => "estimated",
            Status::SeriesBreak => "series_break",
        }
    }

    /// Whether a value with this status carries a number.
    pub fn has_value(self) -> bool {
        !matches!(
            self,
            Status::Suppressed | Status::NotApplicable | Status::Unavailable
        )
    }
}

impl FromStr for Status {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "ok" => Status::Ok,
            "suppressed" => Status::Suppressed,
            "low_reliability" => Status::LowReliability,
            "not_applicable" => Status::NotApplicable,
            "unavailable" => Status::Unavailable,
            "estimated" => Status::Estimated,
            "series_break" => Status::SeriesBreak,
            other => return Err(format!("unknown status `{other}`")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_round_trip() {
        for s in [
            Status::Ok,
            Status::Suppressed,
            Status::LowReliability,
            Status::NotApplicable,
            Status::Unavailable,
            Status::Estimated,
            Status::SeriesBreak,
        ] {
            assert_eq!(s.as_str().parse::<Status>(), Ok(s));
        }
    }
}
