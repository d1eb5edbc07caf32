//! Numbers and area types in words, as readings, chart descriptions and packs write them.

use lmi_core::{AreaType, Difference, DifferenceTest, Estimate, Unit, Verdict};

/// "local authority districts", "Travel to Work Areas", ...: an area type in a sentence.
pub fn plural(t: AreaType) -> &'static str {
    match t {
        AreaType::Lad => "local authority districts",
        AreaType::Ttwa => "Travel to Work Areas",
        AreaType::Group => "area groups",
        AreaType::County => "counties",
        AreaType::Lep => "LEP areas",
        AreaType::Lsip => "LSIP areas",
        AreaType::CombinedAuthority => "combined authorities",
        AreaType::Region => "regions",
        AreaType::Country => "countries",
    }
}

/// A value in words with its unit: `5.2%`, `+3.1%`, `£612 a week`, `1,234 per 100,000
/// population`, `11.9` (an index).
pub fn format_value(v: f64, unit: Unit) -> String {
    match unit {
        Unit::Percent => format!("{v:.1}%"),
        Unit::PercentChange => format!("{v:+.1}%"),
        Unit::Index => format!("{v:.1}"),
        Unit::PoundsPerWeek => format!("£{} a week", thousands(v.round())),
        Unit::PoundsPerHour => format!("£{v:.2} per hour worked"),
        Unit::PoundsPerJob => format!("£{} per filled job", thousands(v.round())),
        Unit::Per1kWorkingAge => format!("{v:.1} {unit}"),
        Unit::Per100k | Unit::Count(_) => format!("{} {unit}", thousands(v.round())),
    }
}

/// A whole number with thousands separators: `1,234,567`.
pub fn thousands(v: f64) -> String {
    let digits = format!("{:.0}", v.abs());
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if v < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// How an area's value stands against a reference's, in a few words for a table cell:
/// "higher than England", "similar to England" (a test on confidence intervals), "above England",
/// "the same as England" (exact values, no test applies), "not tested".
pub fn versus_phrase(difference: Difference, reference: &str) -> String {
    use DifferenceTest::*;
    use Verdict::*;
    match (difference.method, difference.verdict) {
        (Exact, Higher) => format!("above {reference}"),
        (Exact, Lower) => format!("below {reference}"),
        (Exact, Similar) => format!("the same as {reference}"),
        (_, Higher) => format!("higher than {reference}"),
        (_, Lower) => format!("lower than {reference}"),
        (_, Similar) => format!("similar to {reference}"),
        (_, NotTested) => "not tested".to_owned(),
    }
}

/// An interval in words: `72.1% to 79.9%`.
fn interval(e: Estimate, unit: Unit) -> Option<String> {
    Some(format!(
        "{} to {}",
        format_value(e.lower?, unit),
        format_value(e.upper?, unit)
    ))
}

/// The clause a reading adds after the area's value, e.g. ", similar to England's 75.7% (the
/// 95% confidence intervals overlap: 72.1% to 79.9% against 75.5% to 75.9%)". Exact values
/// (no interval exists) keep the plain wording: ", above England's 3.2%". `reference` names the
/// area compared with ("England"); `has_interval` says whether the indicator publishes
/// intervals, so a value that was not tested says why.
pub fn versus_clause(
    area: Estimate,
    reference_name: &str,
    reference: Estimate,
    difference: Difference,
    unit: Unit,
    has_interval: bool,
    plain: bool,
) -> String {
    let Some(r) = reference.value else {
        return String::new();
    };
    let shown = format_value(r, unit);
    let named = format!("{reference_name}'s {shown}");
    use DifferenceTest::*;
    use Verdict::*;
    match (difference.method, difference.verdict) {
        (IntervalsOverlap, verdict) => {
            let (Some(a), Some(e)) = (interval(area, unit), interval(reference, unit)) else {
                return format!(", {} {named}", relation(verdict));
            };
            if plain {
                let why = if verdict == Similar {
                    "the difference is within the survey's margin of error"
                } else {
                    "a difference bigger than the survey's margin of error"
                };
                format!(", {} {named} ({why})", relation(verdict))
            } else {
                let how = if verdict == Similar {
                    "overlap"
                } else {
                    "do not overlap"
                };
                format!(
                    ", {} {named} (the 95% confidence intervals {how}: {a} against {e})",
                    relation(verdict)
                )
            }
        }
        (ReferenceInInterval, verdict) => {
            let a = interval(area, unit).unwrap_or_default();
            let where_ = match verdict {
                Higher => "below",
                Lower => "above",
                _ => "within",
            };
            if plain {
                let why = if verdict == Similar {
                    "the difference is within the survey's margin of error"
                } else {
                    "a difference bigger than the survey's margin of error"
                };
                format!(", {} {named} ({why})", relation(verdict))
            } else {
                format!(
                    ", {} {named}, which lies {where_} this estimate's 95% confidence interval \
                     ({a})",
                    relation(verdict)
                )
            }
        }
        (Exact, _) => format!(", {} {named}", exact_relation(area.value, r, unit)),
        (None, _) => {
            if area.value.is_none() {
                String::new()
            } else if has_interval {
                format!(
                    ", against {named} (not tested: no confidence interval was published for \
                     this estimate, so whether it differs cannot be said)"
                )
            } else {
                // A snapshot written before the test was stored: exact values read as they stand.
                format!(", {} {named}", exact_relation(area.value, r, unit))
            }
        }
    }
}

fn relation(verdict: Verdict) -> &'static str {
    match verdict {
        Verdict::Higher => "higher than",
        Verdict::Lower => "lower than",
        _ => "similar to",
    }
}

/// "above", "below", or "the same as" when the two read the same once rounded for display.
fn exact_relation(area: Option<f64>, reference: f64, unit: Unit) -> &'static str {
    match area {
        Some(a) if format_value(a, unit) == format_value(reference, unit) => "the same as",
        Some(a) if a > reference => "above",
        Some(a) if a < reference => "below",
        _ => "the same as",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_read_with_their_units() {
        assert_eq!(format_value(4.0567, Unit::Percent), "4.1%");
        assert_eq!(format_value(612.4, Unit::PoundsPerWeek), "£612 a week");
        assert_eq!(
            format_value(1234567.0, Unit::Per100k),
            "1,234,567 per 100,000 population"
        );
        assert_eq!(
            format_value(1234.0, Unit::Count("achievements")),
            "1,234 achievements"
        );
        assert_eq!(format_value(3.04, Unit::PercentChange), "+3.0%");
        assert_eq!(format_value(11.94, Unit::Index), "11.9");
        assert_eq!(
            format_value(38.864, Unit::PoundsPerHour),
            "£38.86 per hour worked"
        );
        assert_eq!(
            format_value(58457.6, Unit::PoundsPerJob),
            "£58,458 per filled job"
        );
        assert_eq!(
            format_value(61.04, Unit::Per1kWorkingAge),
            "61.0 per 1,000 residents aged 16-64"
        );
    }

    fn est(value: f64, lower: Option<f64>, upper: Option<f64>) -> Estimate {
        Estimate {
            value: Some(value),
            lower,
            upper,
        }
    }

    #[test]
    fn a_survey_estimate_above_england_with_overlapping_intervals_reads_similar() {
        let area = est(76.0, Some(72.1), Some(79.9));
        let england = est(75.7, Some(75.5), Some(75.9));
        let d = lmi_core::difference::compare(area, england, true);
        let clause = versus_clause(area, "England", england, d, Unit::Percent, true, false);
        assert_eq!(
            clause,
            ", similar to England's 75.7% (the 95% confidence intervals overlap: 72.1% to 79.9% \
             against 75.5% to 75.9%)"
        );
        assert_eq!(versus_phrase(d, "England"), "similar to England");
        let plain = versus_clause(area, "England", england, d, Unit::Percent, true, true);
        assert!(
            plain.contains("within the survey's margin of error"),
            "{plain}"
        );
    }

    #[test]
    fn intervals_apart_read_higher_and_exact_values_keep_above() {
        let area = est(80.0, Some(78.0), Some(82.0));
        let england = est(75.7, None, None);
        let d = lmi_core::difference::compare(area, england, true);
        assert_eq!(
            versus_clause(area, "England", england, d, Unit::Percent, true, false),
            ", higher than England's 75.7%, which lies below this estimate's 95% confidence \
             interval (78.0% to 82.0%)"
        );
        let counts =
            lmi_core::difference::compare(est(5.0, None, None), est(3.2, None, None), false);
        assert_eq!(
            versus_clause(
                est(5.0, None, None),
                "England",
                est(3.2, None, None),
                counts,
                Unit::Percent,
                false,
                false
            ),
            ", above England's 3.2%"
        );
        assert_eq!(versus_phrase(counts, "England"), "above England");
        // Equal once rounded for display: the same.
        let close =
            lmi_core::difference::compare(est(3.21, None, None), est(3.19, None, None), false);
        assert_eq!(
            versus_clause(
                est(3.21, None, None),
                "England",
                est(3.19, None, None),
                close,
                Unit::Percent,
                false,
                false
            ),
            ", the same as England's 3.2%"
        );
    }

    #[test]
    fn an_estimate_without_its_interval_is_not_tested_and_says_so() {
        let area = est(80.0, None, None);
        let england = est(75.7, Some(75.5), Some(75.9));
        let d = lmi_core::difference::compare(area, england, true);
        let clause = versus_clause(area, "England", england, d, Unit::Percent, true, false);
        assert!(
            clause.starts_with(", against England's 75.7% (not tested"),
            "{clause}"
        );
        assert_eq!(versus_phrase(d, "England"), "not tested");
    }
}
