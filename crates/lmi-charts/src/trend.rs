//! Line charts over periods: the trend chart, and the line plot small multiples draw per panel.

use std::collections::HashSet;

use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use crate::frame::{
    AXIS_LABEL_SIZE, FONT_FAMILY, GRID_GREY, LegendEntry, Marker, REFERENCE_GREY, Swatch,
    band_style, draw_error, draw_frame, draw_marker, palette,
};
use crate::layout::{contiguous_runs, format_tick, line_axis_range};
use crate::{ChartError, Mark, TrendChart, TrendSeries};

const MAX_X_LABELS: usize = 12;

/// One series' value, interval and mark in one period, after suppression.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Cell {
    pub value: Option<f64>,
    pub ci: Option<(f64, f64)>,
    pub mark: Mark,
}

/// A checked series laid out on the chart's period index.
#[derive(Debug)]
pub(crate) struct Row<'a> {
    pub label: &'a str,
    pub cells: Vec<Cell>,
}

impl Row<'_> {
    /// Every number the value axis must show: values and interval bounds.
    pub fn extent(&self) -> impl Iterator<Item = f64> + '_ {
        self.cells.iter().flat_map(|cell| {
            let (lo, hi) = cell.ci.unzip();
            [cell.value, lo, hi].into_iter().flatten()
        })
    }

    pub fn marks(&self) -> impl Iterator<Item = Mark> + '_ {
        self.cells.iter().map(|cell| cell.mark)
    }

    pub fn has_band(&self) -> bool {
        self.cells.iter().any(|cell| cell.ci.is_some())
    }
}

/// The chart's periods: the explicit ones, else those of the series in first-seen order.
pub(crate) fn resolve_periods<'a>(
    title: &str,
    explicit: &'a [String],
    series: impl Iterator<Item = &'a TrendSeries>,
) -> Result<Vec<&'a str>, ChartError> {
    let mut periods: Vec<&str> = explicit.iter().map(String::as_str).collect();
    if periods.is_empty() {
        let mut seen = HashSet::new();
        for point in series.flat_map(|s| &s.points) {
            if seen.insert(point.period.as_str()) {
                periods.push(&point.period);
            }
        }
    }
    if periods.is_empty() {
        return Err(ChartError::NoPeriods {
            title: title.to_string(),
        });
    }
    Ok(periods)
}

/// Checks `series` against `periods` and lays its points out by period index.
pub(crate) fn lay_out<'a>(
    title: &str,
    periods: &[&str],
    series: &'a TrendSeries,
) -> Result<Row<'a>, ChartError> {
    let mut cells = vec![Cell::default(); periods.len()];
    let mut seen = HashSet::new();
    for point in &series.points {
        let error = |make: fn(String, String, String) -> ChartError| {
            make(
                title.to_string(),
                series.label.clone(),
                point.period.clone(),
            )
        };
        if !seen.insert(point.period.as_str()) {
            return Err(error(|title, series, period| ChartError::DuplicatePeriod {
                title,
                series,
                period,
            }));
        }
        let Some(index) = periods.iter().position(|p| *p == point.period) else {
            return Err(error(|title, series, period| ChartError::UnknownPeriod {
                title,
                series,
                period,
            }));
        };
        let (lo, hi) = point.ci.unzip();
        if [point.value, lo, hi]
            .into_iter()
            .flatten()
            .any(|v| !v.is_finite())
        {
            return Err(error(|title, series, period| ChartError::NonFiniteValue {
                title,
                at: format!("series {series:?}, period {period:?}"),
            }));
        }
        cells[index] = if point.mark == Mark::Suppressed {
            Cell {
                mark: Mark::Suppressed,
                ..Cell::default()
            }
        } else {
            Cell {
                value: point.value,
                ci: point.ci.map(|(a, b)| (a.min(b), a.max(b))),
                mark: point.mark,
            }
        };
    }
    Ok(Row {
        label: &series.label,
        cells,
    })
}

/// Legend entries for the bands and marks that occur in `rows`, in a fixed order.
pub(crate) fn key_entries<'r>(rows: impl Iterator<Item = &'r Row<'r>> + Clone) -> Vec<LegendEntry> {
    let mut entries = Vec::new();
    if rows.clone().any(|row| row.has_band()) {
        entries.push(LegendEntry::new(
            "confidence interval",
            Swatch::Band(REFERENCE_GREY),
        ));
    }
    let occurs = |mark| rows.clone().flat_map(Row::marks).any(|m| m == mark);
    for (mark, marker, label) in [
        (Mark::Approximate, Marker::HollowCircle, "approximate"),
        (
            Mark::LowReliability,
            Marker::HollowSquare,
            "low reliability",
        ),
        (Mark::Suppressed, Marker::Cross, "suppressed"),
    ] {
        if occurs(mark) {
            entries.push(LegendEntry::new(
                label,
                Swatch::Marker(marker, REFERENCE_GREY),
            ));
        }
    }
    entries
}

/// How one row is drawn in a line plot.
pub(crate) struct Line<'r> {
    pub row: &'r Row<'r>,
    pub colour: RGBColor,
    pub dashed: bool,
    pub width: u32,
}

/// A line plot's axes: the periods, the value range, and how densely to label them.
pub(crate) struct LinePlot<'p> {
    pub periods: &'p [&'p str],
    pub y_range: (f64, f64),
    /// Names the value axis when given.
    pub unit: Option<&'p str>,
    /// Small panels: smaller type, only the first and last period labelled.
    pub compact: bool,
}

impl LinePlot<'_> {
    /// Draws the axes, then every line's band, then the lines, then their markers, so no band
    /// hides a line.
    pub fn draw<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        lines: &[Line],
    ) -> Result<(), ChartError> {
        let n = self.periods.len() as i32;
        let label_size = if self.compact { 13.0 } else { AXIS_LABEL_SIZE };
        let marker_radius = if self.compact { 3 } else { 4 };
        let (y_lo, y_hi) = self.y_range;
        let mut chart = ChartBuilder::on(area)
            .x_label_area_size(label_size as u32 * 2 + 4)
            .y_label_area_size(if self.compact { 44 } else { 64 })
            // An integer range is inclusive as categories: `0..n - 1` gives exactly `n` slots.
            .build_cartesian_2d((0..n - 1).into_segmented(), y_lo..y_hi)
            .map_err(draw_error)?;
        let periods = self.periods;
        let compact = self.compact;
        let x_label = |v: &SegmentValue<i32>| match v {
            SegmentValue::Exact(i) | SegmentValue::CenterOf(i)
                if !compact || *i == 0 || *i == n - 1 =>
            {
                usize::try_from(*i)
                    .ok()
                    .and_then(|i| periods.get(i))
                    .map(|p| p.to_string())
                    .unwrap_or_default()
            }
            _ => String::new(),
        };
        let y_label = |v: &f64| format_tick(*v, y_hi - y_lo);
        let x_labels = if compact {
            periods.len()
        } else {
            periods.len().min(MAX_X_LABELS)
        };
        let mut mesh = chart.configure_mesh();
        mesh.disable_x_mesh()
            .x_labels(x_labels)
            .y_labels(if compact { 5 } else { 10 })
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .label_style((FONT_FAMILY, label_size))
            .axis_desc_style((FONT_FAMILY, label_size))
            .light_line_style(WHITE)
            .bold_line_style(GRID_GREY);
        if let Some(unit) = self.unit {
            mesh.y_desc(unit);
        }
        mesh.draw().map_err(draw_error)?;

        let at = |p: usize, v: f64| (SegmentValue::CenterOf(p as i32), v);
        for line in lines {
            let bands = line
                .row
                .cells
                .iter()
                .map(|cell| cell.ci)
                .collect::<Vec<_>>();
            for run in contiguous_runs(&bands) {
                let style = band_style(line.colour);
                if let [(p, (lo, hi))] = run[..] {
                    // A lone interval has no width to fill: draw it as a whisker.
                    chart
                        .draw_series(std::iter::once(PathElement::new(
                            vec![at(p, lo), at(p, hi)],
                            line.colour.mix(0.35).stroke_width(6),
                        )))
                        .map_err(draw_error)?;
                    continue;
                }
                let outline: Vec<_> = run
                    .iter()
                    .map(|&(p, (_, hi))| at(p, hi))
                    .chain(run.iter().rev().map(|&(p, (lo, _))| at(p, lo)))
                    .collect();
                chart
                    .draw_series(std::iter::once(Polygon::new(outline, style)))
                    .map_err(draw_error)?;
            }
        }
        for line in lines {
            let values = line.row.cells.iter().map(|c| c.value).collect::<Vec<_>>();
            for run in contiguous_runs(&values) {
                let points: Vec<_> = run.iter().map(|&(p, v)| at(p, v)).collect();
                let style = line.colour.stroke_width(line.width);
                if line.dashed {
                    chart
                        .draw_series(std::iter::once(DashedPathElement::new(points, 6, 4, style)))
                        .map_err(draw_error)?;
                } else {
                    chart
                        .draw_series(std::iter::once(PathElement::new(points, style)))
                        .map_err(draw_error)?;
                }
            }
        }
        let plotting = chart.plotting_area();
        for line in lines {
            for (p, cell) in line.row.cells.iter().enumerate() {
                let (marker, y) = match (cell.mark, cell.value) {
                    (Mark::Suppressed, _) => (Marker::Cross, y_lo),
                    (_, None) => continue,
                    (Mark::Approximate, Some(v)) => (Marker::HollowCircle, v),
                    (Mark::LowReliability, Some(v)) => (Marker::HollowSquare, v),
                    (Mark::None, Some(v)) => (Marker::Filled, v),
                };
                draw_marker(plotting, at(p, y), marker, line.colour, marker_radius)?;
            }
        }
        Ok(())
    }
}

/// A trend chart, checked and laid out, ready to draw.
pub(crate) struct PreparedTrend<'a> {
    chart: &'a TrendChart,
    periods: Vec<&'a str>,
    rows: Vec<Row<'a>>,
    y_range: (f64, f64),
}

impl<'a> PreparedTrend<'a> {
    pub fn new(chart: &'a TrendChart) -> Result<Self, ChartError> {
        let title = &chart.text.title;
        if chart.series.is_empty() {
            return Err(ChartError::NoSeries {
                title: title.clone(),
            });
        }
        let periods = resolve_periods(title, &chart.periods, chart.series.iter())?;
        let rows = chart
            .series
            .iter()
            .map(|series| lay_out(title, &periods, series))
            .collect::<Result<Vec<_>, _>>()?;
        let y_range = line_axis_range(&chart.text.unit, rows.iter().flat_map(Row::extent))
            .ok_or_else(|| ChartError::NoValues {
                title: title.clone(),
            })?;
        Ok(PreparedTrend {
            chart,
            periods,
            rows,
            y_range,
        })
    }

    pub fn description(&self) -> String {
        let labels: Vec<&str> = self.rows.iter().map(|row| row.label).collect();
        format!(
            "Line chart of {} from {} to {} for {}.",
            unit_phrase(&self.chart.text.unit),
            self.periods[0],
            self.periods[self.periods.len() - 1],
            labels.join(", ")
        )
    }

    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), ChartError> {
        let mut legend: Vec<LegendEntry> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| LegendEntry::new(row.label, Swatch::Fill(palette(i))))
            .collect();
        legend.extend(key_entries(self.rows.iter()));
        let plot_area = draw_frame(root, &self.chart.text, &legend, &[])?;
        let lines: Vec<Line> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, row)| Line {
                row,
                colour: palette(i),
                dashed: false,
                width: 3,
            })
            .collect();
        LinePlot {
            periods: &self.periods,
            y_range: self.y_range,
            unit: Some(&self.chart.text.unit),
            compact: false,
        }
        .draw(&plot_area, &lines)
    }
}

/// "values in %" for the generated descriptions; "values" when the unit is empty.
pub(crate) fn unit_phrase(unit: &str) -> String {
    match unit.trim() {
        "" => "values".to_string(),
        unit => format!("values in {unit}"),
    }
}
