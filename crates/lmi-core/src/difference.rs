//! Whether an area's value differs from a reference area's (England, or a comparator), and by
//! which test: the one rule the pipeline stores as `vs_england` and the report applies to
//! comparators, so a reading never says "higher" where the survey cannot tell.
//!
//! The rule, for one indicator in one period:
//! - **Both values have a 95% confidence interval** ([`DifferenceTest::IntervalsOverlap`]):
//!   higher or lower only when the intervals do not overlap; intervals that overlap or touch
//!   (one's lower bound equal to the other's upper bound) are `similar`. This is the
//!   conservative check ONS's own local statistics use: non-overlap implies a significant
//!   difference, overlap does not prove there is none.
//! - **Only the area has an interval** (e.g. England published without one)
//!   ([`DifferenceTest::ReferenceInInterval`]): the reference's value is tested against the
//!   area's interval: higher when the reference lies below the area's lower bound, lower when
//!   above its upper bound, `similar` when inside (bounds included).
//! - **The indicator has no interval** (counts from a census or administrative data, and the
//!   few estimates published without one) ([`DifferenceTest::Exact`]): no test applies, the
//!   difference is read as it stands: higher, lower, or `similar` only when exactly equal.
//! - **Nothing is tested** ([`DifferenceTest::None`], verdict `not_tested`): a value is missing
//!   (suppressed, unavailable), the area is the reference itself, or a survey estimate lacks
//!   its own interval (its uncertainty is unknown, so no verdict is given).

use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// The verdict of comparing an area's value with a reference's.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Higher than the reference (intervals apart, or exactly higher when there is no interval).
    Higher,
    /// Lower than the reference.
    Lower,
    /// The intervals overlap (or the exact values are equal): no difference can be claimed.
    Similar,
    /// Not compared: a value or a needed interval is missing (see the method).
    #[default]
    NotTested,
}

/// How the verdict was reached.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceTest {
    /// Both 95% confidence intervals: different only when they do not overlap.
    IntervalsOverlap,
    /// The reference has no interval: its value tested against the area's 95% interval.
    ReferenceInInterval,
    /// No interval exists for the indicator (census or administrative counts): the difference
    /// is exact, no test applies.
    Exact,
    /// Nothing tested (a value missing, the area is the reference, or the area's interval is
    /// missing for a survey estimate).
    #[default]
    None,
}

/// The verdict and the test that gave it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Difference {
    pub verdict: Verdict,
    pub method: DifferenceTest,
}

/// One value with its interval, as the test sees it.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Estimate {
    pub value: Option<f64>,
    pub lower: Option<f64>,
    pub upper: Option<f64>,
}

impl Estimate {
    /// The interval when both bounds are present, finite and in order.
    fn interval(self) -> Option<(f64, f64)> {
        match (self.lower, self.upper) {
            (Some(l), Some(u)) if l.is_finite() && u.is_finite() && l <= u => Some((l, u)),
            _ => None,
        }
    }
}

/// Compares `area` with `reference` for an indicator that publishes confidence intervals
/// (`has_interval`) or not. See the module documentation for the rule.
pub fn compare(area: Estimate, reference: Estimate, has_interval: bool) -> Difference {
    let not_tested = Difference::default();
    let (Some(a), Some(r)) = (area.value, reference.value) else {
        return not_tested;
    };
    if !a.is_finite() || !r.is_finite() {
        return not_tested;
    }
    if !has_interval {
        let verdict = if a > r {
            Verdict::Higher
        } else if a < r {
            Verdict::Lower
        } else {
            Verdict::Similar
        };
        return Difference {
            verdict,
            method: DifferenceTest::Exact,
        };
    }
    let Some((a_lo, a_hi)) = area.interval() else {
        return not_tested;
    };
    let (method, verdict) = match reference.interval() {
        Some((r_lo, r_hi)) => (
            DifferenceTest::IntervalsOverlap,
            if a_lo > r_hi {
                Verdict::Higher
            } else if a_hi < r_lo {
                Verdict::Lower
            } else {
                Verdict::Similar
            },
        ),
        None => (
            DifferenceTest::ReferenceInInterval,
            if r < a_lo {
                Verdict::Higher
            } else if r > a_hi {
                Verdict::Lower
            } else {
                Verdict::Similar
            },
        ),
    };
    Difference { verdict, method }
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Higher => "higher",
            Verdict::Lower => "lower",
            Verdict::Similar => "similar",
            Verdict::NotTested => "not_tested",
        }
    }
}

impl DifferenceTest {
    pub fn as_str(self) -> &'static str {
        match self {
            DifferenceTest::IntervalsOverlap => "intervals_overlap",
            DifferenceTest::ReferenceInInterval => "reference_in_interval",
            DifferenceTest::Exact => "exact",
            DifferenceTest::None => "none",
        }
    }
}

impl FromStr for Verdict {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "higher" => Verdict::Higher,
            "lower" => Verdict::Lower,
            "similar" => Verdict::Similar,
            "not_tested" => Verdict::NotTested,
            other => {
                return Err(format!(
                    "unknown difference verdict `{other}` (expected higher, lower, similar or \
                     not_tested)"
                ));
            }
        })
    }
}

impl FromStr for DifferenceTest {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(match s {
            "intervals_overlap" => DifferenceTest::IntervalsOverlap,
            "reference_in_interval" => DifferenceTest::ReferenceInInterval,
            "exact" => DifferenceTest::Exact,
            "none" => DifferenceTest::None,
            other => {
                return Err(format!(
                    "unknown difference test `{other}` (expected intervals_overlap, \
                     reference_in_interval, exact or none)"
                ));
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(value: f64, lower: f64, upper: f64) -> Estimate {
        Estimate {
            value: Some(value),
            lower: Some(lower),
            upper: Some(upper),
        }
    }

    fn point(value: f64) -> Estimate {
        Estimate {
            value: Some(value),
            ..Estimate::default()
        }
    }

    fn verdict(area: Estimate, reference: Estimate) -> (Verdict, DifferenceTest) {
        let d = compare(area, reference, true);
        (d.verdict, d.method)
    }

    #[test]
    fn a_higher_point_estimate_with_overlapping_intervals_is_similar() {
        // Burnley-like: 76.0 (72.1-79.9) against England's 75.7 (75.5-75.9).
        assert_eq!(
            verdict(est(76.0, 72.1, 79.9), est(75.7, 75.5, 75.9)),
            (Verdict::Similar, DifferenceTest::IntervalsOverlap)
        );
    }

    #[test]
    fn intervals_apart_are_higher_or_lower() {
        assert_eq!(
            verdict(est(80.0, 78.0, 82.0), est(75.7, 75.5, 75.9)).0,
            Verdict::Higher
        );
        assert_eq!(
            verdict(est(70.0, 68.0, 72.0), est(75.7, 75.5, 75.9)).0,
            Verdict::Lower
        );
    }

    #[test]
    fn touching_intervals_overlap() {
        // The area's lower bound equals England's upper bound: not shown to differ.
        assert_eq!(
            verdict(est(77.0, 75.9, 78.1), est(75.7, 75.5, 75.9)).0,
            Verdict::Similar
        );
        assert_eq!(
            verdict(est(74.0, 72.0, 75.5), est(75.7, 75.5, 75.9)).0,
            Verdict::Similar
        );
        // A hair apart: different.
        assert_eq!(
            verdict(est(77.0, 75.900_001, 78.1), est(75.7, 75.5, 75.9)).0,
            Verdict::Higher
        );
    }

    #[test]
    fn a_reference_without_interval_is_tested_against_the_areas_interval() {
        assert_eq!(
            verdict(est(76.0, 72.1, 79.9), point(75.7)),
            (Verdict::Similar, DifferenceTest::ReferenceInInterval)
        );
        assert_eq!(
            verdict(est(80.0, 78.0, 82.0), point(75.7)),
            (Verdict::Higher, DifferenceTest::ReferenceInInterval)
        );
        assert_eq!(
            verdict(est(70.0, 68.0, 72.0), point(75.7)),
            (Verdict::Lower, DifferenceTest::ReferenceInInterval)
        );
        // On the bound: inside.
        assert_eq!(
            verdict(est(77.0, 75.7, 78.0), point(75.7)).0,
            Verdict::Similar
        );
    }

    #[test]
    fn missing_bounds_or_values_are_not_tested() {
        let none = (Verdict::NotTested, DifferenceTest::None);
        // The area's interval is missing (or half of it): its uncertainty is unknown.
        assert_eq!(verdict(point(80.0), est(75.7, 75.5, 75.9)), none);
        let half = Estimate {
            upper: None,
            ..est(80.0, 78.0, 82.0)
        };
        assert_eq!(verdict(half, est(75.7, 75.5, 75.9)), none);
        // Bounds in the wrong order are not an interval.
        assert_eq!(verdict(est(80.0, 82.0, 78.0), point(75.7)), none);
        // A suppressed value (no number, bounds dropped with it) and a missing England.
        let suppressed = Estimate::default();
        assert_eq!(verdict(suppressed, est(75.7, 75.5, 75.9)), none);
        assert_eq!(verdict(est(80.0, 78.0, 82.0), Estimate::default()), none);
        assert_eq!(
            compare(suppressed, point(3.2), false),
            Difference::default()
        );
    }

    #[test]
    fn without_intervals_the_difference_is_exact() {
        let exact = |a, r| compare(point(a), point(r), false);
        assert_eq!(
            exact(5.0, 3.2),
            Difference {
                verdict: Verdict::Higher,
                method: DifferenceTest::Exact
            }
        );
        assert_eq!(exact(3.0, 3.2).verdict, Verdict::Lower);
        assert_eq!(exact(3.2, 3.2).verdict, Verdict::Similar);
        // Intervals that happen to be present are ignored when the indicator has none defined.
        assert_eq!(
            compare(est(5.0, 1.0, 9.0), point(3.2), false).verdict,
            Verdict::Higher
        );
    }

    #[test]
    fn names_round_trip() {
        for v in [
            Verdict::Higher,
            Verdict::Lower,
            Verdict::Similar,
            Verdict::NotTested,
        ] {
            assert_eq!(v.as_str().parse::<Verdict>(), Ok(v));
            assert_eq!(serde_json::to_value(v).unwrap(), v.as_str());
        }
        for m in [
            DifferenceTest::IntervalsOverlap,
            DifferenceTest::ReferenceInInterval,
            DifferenceTest::Exact,
            DifferenceTest::None,
        ] {
            assert_eq!(m.as_str().parse::<DifferenceTest>(), Ok(m));
            assert_eq!(serde_json::to_value(m).unwrap(), m.as_str());
        }
        assert!("above".parse::<Verdict>().unwrap_err().contains("`above`"));
    }
}
