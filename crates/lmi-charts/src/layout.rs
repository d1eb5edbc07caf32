//! Pure layout arithmetic: axis ranges, value labels, grid shapes. No drawing here, so every
//! rule is unit-tested on numbers.

use crate::model::Mark;

/// True for units whose values are percentages ("%", "percent", "percentage points" is not).
pub(crate) fn is_percentage(unit: &str) -> bool {
    let unit = unit.trim().to_lowercase();
    unit == "%" || (unit.contains("percent") && !unit.contains("point"))
}

/// The value axis range of a line chart (see the crate docs), or `None` when there are no values.
pub(crate) fn line_axis_range(unit: &str, values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (min, max) = min_max(values)?;
    let percentage = is_percentage(unit);
    let from_zero = percentage && min >= 0.0 && min <= max / 2.0;
    let low_end = if from_zero { 0.0 } else { min };
    let span = max - low_end;
    let pad = if span > 0.0 {
        span * 0.1
    } else {
        (max.abs() * 0.1).max(1.0)
    };
    let mut lo = if from_zero { 0.0 } else { min - pad };
    let mut hi = max + pad;
    if min >= 0.0 && lo < 0.0 {
        lo = 0.0;
    }
    if percentage && max <= 100.0 && hi > 100.0 {
        hi = 100.0;
    }
    Some((lo, hi))
}

/// The value axis range of a bar chart: bars encode length, so it always includes 0; `headroom`
/// is the share of the span added beyond the largest magnitude for labels.
pub(crate) fn bar_axis_range(
    unit: &str,
    values: impl Iterator<Item = f64>,
    headroom: f64,
) -> Option<(f64, f64)> {
    let (min, max) = min_max(values)?;
    let (lo, hi) = (min.min(0.0), max.max(0.0));
    let span = if hi > lo { hi - lo } else { 1.0 };
    let lo = if lo < 0.0 { lo - span * headroom } else { 0.0 };
    let mut hi = if hi > 0.0 {
        hi + span * headroom
    } else if lo < 0.0 {
        0.0
    } else {
        // Every value is 0: an axis of one unit rather than none.
        span
    };
    if is_percentage(unit) && max <= 100.0 && hi > 100.0 {
        hi = 100.0;
    }
    Some((lo, hi))
}

fn min_max(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((v.min(lo), v.max(hi))),
    })
}

/// Axis tick label with as many decimals as the axis span needs, none for whole numbers; the
/// unit is on the axis.
pub(crate) fn format_tick(v: f64, span: f64) -> String {
    let decimals = if span >= 20.0 || (v - v.round()).abs() < 1e-9 {
        0
    } else if span >= 2.0 {
        1
    } else {
        2
    };
    group_thousands(&format!("{v:.decimals$}"))
}

/// A value as printed next to a bar or in a segment: "5.2%", "£612", "1,234".
pub(crate) fn format_value(v: f64, unit: &str) -> String {
    format_value_with(v, unit, None)
}

/// [`format_value`] with `decimals` places when given (a map's class bounds that would
/// otherwise print alike), else the usual number for the unit and magnitude.
pub(crate) fn format_value_with(v: f64, unit: &str, decimals: Option<usize>) -> String {
    let magnitude = v.abs();
    let pounds = unit.trim_start().starts_with('£');
    // Whole numbers (counts) keep no decimals: 82 starts, not 82.0.
    let decimals = decimals.unwrap_or(
        if is_percentage(unit) || (!pounds && magnitude < 100.0 && v.fract() != 0.0) {
            1
        } else if pounds && magnitude < 100.0 && magnitude.fract() != 0.0 {
            2
        } else {
            0
        },
    );
    let digits = group_thousands(&format!("{magnitude:.decimals$}"));
    // "-0.0" is not a value anyone measured.
    let sign = if v < 0.0 && digits.chars().any(|c| c.is_ascii_digit() && c != '0') {
        "-"
    } else {
        ""
    };
    if is_percentage(unit) {
        format!("{sign}{digits}%")
    } else if pounds {
        format!("{sign}£{digits}")
    } else {
        format!("{sign}{digits}")
    }
}

/// A value label with its mark: "~5.2%" for approximate, "5.2% [u]" for low reliability.
pub(crate) fn format_marked(v: f64, unit: &str, mark: Mark) -> String {
    let value = format_value(v, unit);
    match mark {
        Mark::Approximate => format!("~{value}"),
        Mark::LowReliability => format!("{value} [u]"),
        Mark::None | Mark::Suppressed => value,
    }
}

/// "12,345.6" from "12345.6" (and "-1,234" from "-1234").
fn group_thousands(number: &str) -> String {
    let (sign, rest) = match number.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", number),
    };
    let (int, frac) = rest.split_at(rest.find('.').unwrap_or(rest.len()));
    let mut grouped = String::with_capacity(number.len() + int.len() / 3);
    for (i, digit) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    format!("{sign}{grouped}{frac}")
}

/// The key line explaining the marks that occur, e.g. "~ approximate value; [u] low reliability".
pub(crate) fn marks_key(marks: impl IntoIterator<Item = Mark>) -> Option<String> {
    let mut seen = [false; 3];
    for mark in marks {
        match mark {
            Mark::Approximate => seen[0] = true,
            Mark::LowReliability => seen[1] = true,
            Mark::Suppressed => seen[2] = true,
            Mark::None => {}
        }
    }
    let meanings = ["~ approximate value", "[u] low reliability", "× suppressed"];
    let parts: Vec<&str> = meanings
        .iter()
        .zip(seen)
        .filter_map(|(meaning, seen)| seen.then_some(*meaning))
        .collect();
    (!parts.is_empty()).then(|| format!("Key: {}", parts.join("; ")))
}

/// Columns of a small-multiples grid of `panels`: as square as possible, at most four wide.
pub(crate) fn grid_columns(panels: usize) -> usize {
    match panels {
        0..=1 => 1,
        2..=4 => 2,
        5..=9 => 3,
        _ => 4,
    }
}

/// Rows of a grid of `panels` in `grid_columns(panels)` columns.
pub(crate) fn grid_rows(panels: usize) -> usize {
    panels.div_ceil(grid_columns(panels)).max(1)
}

/// Whether text on a fill of this colour should be black (else white), by relative luminance.
pub(crate) fn dark_text_on(rgb: (u8, u8, u8)) -> bool {
    let linear = |c: u8| {
        let c = f64::from(c) / 255.0;
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    };
    let luminance = 0.2126 * linear(rgb.0) + 0.7152 * linear(rgb.1) + 0.0722 * linear(rgb.2);
    // Contrast with black beats contrast with white above this luminance.
    luminance > 0.179
}

/// The maximal runs of consecutive periods that have a value, as `(period index, value)`.
pub(crate) fn contiguous_runs<T: Copy>(row: &[Option<T>]) -> Vec<Vec<(usize, T)>> {
    let mut runs = Vec::new();
    let mut current = Vec::new();
    for (p, value) in row.iter().enumerate() {
        match value {
            Some(v) => current.push((p, *v)),
            None if !current.is_empty() => runs.push(std::mem::take(&mut current)),
            None => {}
        }
    }
    if !current.is_empty() {
        runs.push(current);
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_at_missing_values() {
        let runs = contiguous_runs(&[Some(1.0), None, Some(2.0), Some(3.0), None]);
        assert_eq!(runs, vec![vec![(0, 1.0)], vec![(2, 2.0), (3, 3.0)]]);
        assert!(contiguous_runs::<f64>(&[None, None]).is_empty());
    }

    #[test]
    fn percentages_start_at_zero_unless_far_from_it() {
        assert_eq!(
            line_axis_range("%", [5.0, 12.0].into_iter()),
            Some((0.0, 13.2))
        );
        let (lo, hi) = line_axis_range("%", [70.0, 80.0].into_iter()).unwrap();
        assert!((lo - 69.0).abs() < 1e-9 && (hi - 81.0).abs() < 1e-9);
        assert_eq!(
            line_axis_range("%", [40.0, 98.0].into_iter()),
            Some((0.0, 100.0))
        );
    }

    #[test]
    fn other_units_pad_the_data_range_without_going_negative() {
        let (lo, hi) = line_axis_range("£ per week", [600.0, 700.0].into_iter()).unwrap();
        assert!((lo - 590.0).abs() < 1e-9 && (hi - 710.0).abs() < 1e-9);
        assert_eq!(
            line_axis_range("count", [0.0, 10.0].into_iter()),
            Some((0.0, 11.0))
        );
        assert_eq!(
            line_axis_range("count", [5.0].into_iter()),
            Some((4.0, 6.0))
        );
        assert_eq!(line_axis_range("count", std::iter::empty()), None);
    }

    #[test]
    fn percentage_points_are_not_percentages() {
        assert!(is_percentage("%") && is_percentage("Percent of pupils"));
        assert!(!is_percentage("percentage points"));
    }

    #[test]
    fn bars_always_start_at_zero() {
        assert_eq!(
            bar_axis_range("£", [600.0, 700.0].into_iter(), 0.0),
            Some((0.0, 700.0))
        );
        let (lo, hi) = bar_axis_range("count", [-5.0, 15.0].into_iter(), 0.1).unwrap();
        assert!((lo + 7.0).abs() < 1e-9 && (hi - 17.0).abs() < 1e-9);
        assert_eq!(
            bar_axis_range("%", [-4.0, -2.0].into_iter(), 0.0),
            Some((-4.0, 0.0))
        );
        assert_eq!(
            bar_axis_range("%", [95.0].into_iter(), 0.2),
            Some((0.0, 100.0))
        );
        assert_eq!(
            bar_axis_range("%", [0.0].into_iter(), 0.0),
            Some((0.0, 1.0))
        );
    }

    #[test]
    fn values_read_in_their_unit() {
        assert_eq!(format_value(5.24, "%"), "5.2%");
        assert_eq!(format_value(612.4, "£ per week"), "£612");
        assert_eq!(format_value(9.5, "£ per hour"), "£9.50");
        assert_eq!(format_value(12.0, "£ per hour"), "£12");
        assert_eq!(format_value(31_250.0, "£ per year"), "£31,250");
        assert_eq!(format_value(1_234_567.0, "people"), "1,234,567");
        assert_eq!(format_value(3.25, "rate"), "3.2");
        assert_eq!(format_value(-1.5, "percentage points"), "-1.5");
        assert_eq!(format_value(82.0, "starts"), "82");
        assert_eq!(format_value(82.5, "starts"), "82.5");
        assert_eq!(format_value(-0.01, "%"), "0.0%");
        assert_eq!(format_value(-250.0, "£"), "-£250");
    }

    #[test]
    fn marked_values_carry_their_symbol_and_the_key_names_only_marks_that_occur() {
        assert_eq!(format_marked(5.2, "%", Mark::Approximate), "~5.2%");
        assert_eq!(format_marked(5.2, "%", Mark::LowReliability), "5.2% [u]");
        assert_eq!(format_marked(5.2, "%", Mark::None), "5.2%");
        assert_eq!(marks_key([Mark::None, Mark::None]), None);
        assert_eq!(
            marks_key([Mark::Suppressed, Mark::None, Mark::Approximate]).as_deref(),
            Some("Key: ~ approximate value; × suppressed")
        );
    }

    #[test]
    fn ticks_have_the_decimals_the_span_needs() {
        assert_eq!(format_tick(12_000.0, 5000.0), "12,000");
        assert_eq!(format_tick(4.25, 5.0), "4.2");
        assert_eq!(format_tick(4.0, 5.0), "4");
        assert_eq!(format_tick(0.125, 1.0), "0.12");
    }

    #[test]
    fn grids_stay_near_square_and_at_most_four_wide() {
        let shapes: Vec<_> = [1, 2, 4, 5, 9, 10, 14, 20]
            .into_iter()
            .map(|n| (grid_columns(n), grid_rows(n)))
            .collect();
        assert_eq!(
            shapes,
            [
                (1, 1),
                (2, 1),
                (2, 2),
                (3, 2),
                (3, 3),
                (4, 3),
                (4, 4),
                (4, 5)
            ]
        );
        assert_eq!(grid_rows(0), 1);
    }

    #[test]
    fn text_contrast_follows_the_fill() {
        assert!(dark_text_on((240, 228, 66)), "black on yellow");
        assert!(dark_text_on((230, 159, 0)), "black on orange");
        assert!(!dark_text_on((0, 114, 178)), "white on blue");
        assert!(!dark_text_on((0, 0, 0)), "white on black");
    }
}
