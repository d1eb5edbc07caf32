//! Chart rendering: a serialisable line-chart spec of one indicator over time, drawn with plotters
//! to SVG or PNG. Knows nothing of HTTP, sources or snapshots; callers build a [`ChartSpec`].
//!
//! Text is drawn with a bundled font (Liberation Sans, SIL OFL 1.1, `fonts/`) through plotters'
//! `ab_glyph` feature, so rendering needs no system fonts, fontconfig or freetype.
//!
//! Rules the renderer keeps:
//! - a missing (suppressed) value is a gap in the line, never zero: each contiguous run of values
//!   is its own line, and every value also gets a marker so a run of one stays visible;
//! - periods are categories in the order given (or first seen), shared by every series;
//! - the y axis spans the data with 10% padding; percentage units start at 0 unless every value
//!   is far from 0 (the smallest above half the largest), and never go above 100 when no value does;
//!   non-negative data is never padded below 0.

use std::collections::HashSet;
use std::sync::OnceLock;

use plotters::coord::Shift;
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;
use plotters::style::FontStyle;
use serde::{Deserialize, Serialize};

/// Width and height, in pixels, of every rendered chart (16:9, fits a board-paper page).
pub const CHART_SIZE: (u32, u32) = (960, 540);

/// Footnote line to add when the chart shows the synthetic sample data.
pub const SYNTHETIC_SAMPLE_NOTICE: &str = "SYNTHETIC SAMPLE DATA: not official statistics";

/// A line chart of one indicator over time, for one or more areas.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChartSpec {
    /// Chart title; ellipsised when it does not fit the chart's width.
    pub title: String,
    /// Unit of the values, e.g. `"%"` or `"£ per week"`; labels the y axis.
    pub unit: String,
    /// The x categories in order. When empty, the periods of the series in first-seen order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<String>,
    /// One line per series (usually one per area).
    pub series: Vec<Series>,
    /// Lines printed under the chart: source and licence attribution, [`SYNTHETIC_SAMPLE_NOTICE`].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub footnotes: Vec<String>,
}

/// One labelled line of the chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Legend label, e.g. the area name.
    pub label: String,
    /// Values by period; a period with no point or a `None` value is a gap.
    pub points: Vec<SeriesPoint>,
}

/// The value of a series in one period; `None` when suppressed or unavailable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SeriesPoint {
    pub period: String,
    pub value: Option<f64>,
}

impl Series {
    /// A series from `(period, value)` pairs in period order.
    pub fn new<P: Into<String>>(
        label: impl Into<String>,
        points: impl IntoIterator<Item = (P, Option<f64>)>,
    ) -> Self {
        Series {
            label: label.into(),
            points: points
                .into_iter()
                .map(|(period, value)| SeriesPoint {
                    period: period.into(),
                    value,
                })
                .collect(),
        }
    }
}

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
pub enum ChartError {
    #[error("chart {title:?} has no series to draw")]
    NoSeries { title: String },
    #[error("chart {title:?} has no periods to draw")]
    NoPeriods { title: String },
    #[error("chart {title:?} has no values to draw: every value is missing or suppressed")]
    NoValues { title: String },
    #[error("series {series:?} has period {period:?} more than once")]
    DuplicatePeriod { series: String, period: String },
    #[error("series {series:?} has period {period:?}, which is not among the chart's periods")]
    UnknownPeriod { series: String, period: String },
    #[error("series {series:?} has a value for period {period:?} that is not a finite number")]
    NonFiniteValue { series: String, period: String },
    #[error("the bundled chart font could not be loaded")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG failed: {0}")]
    Png(String),
}

/// Renders the chart as a standalone SVG document.
pub fn render_svg(spec: &ChartSpec) -> Result<String, ChartError> {
    let chart = PreparedChart::from_spec(spec)?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, CHART_SIZE).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

/// Renders the chart as a PNG image (8-bit RGB).
pub fn render_png(spec: &ChartSpec) -> Result<Vec<u8>, ChartError> {
    let chart = PreparedChart::from_spec(spec)?;
    let (width, height) = CHART_SIZE;
    let mut pixels = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, CHART_SIZE).into_drawing_area();
        chart.draw(&root)?;
        root.present().map_err(draw_error)?;
    }
    let mut png_bytes = Vec::new();
    let mut encoder = png::Encoder::new(&mut png_bytes, width, height);
    encoder.set_color(png::ColorType::Rgb);
    encoder.set_depth(png::BitDepth::Eight);
    let png_error = |e: png::EncodingError| ChartError::Png(e.to_string());
    let mut writer = encoder.write_header().map_err(png_error)?;
    writer.write_image_data(&pixels).map_err(png_error)?;
    writer.finish().map_err(png_error)?;
    Ok(png_bytes)
}

const FONT_FAMILY: &str = "sans-serif";
const FONT_BYTES: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");
const MARGIN: i32 = 20;
// plotters draws text at size / 1.24 pixels per em: these give 22, 14, 13 and 11 px type.
const TITLE_SIZE: f64 = 28.0;
const LEGEND_SIZE: f64 = 17.0;
const AXIS_LABEL_SIZE: f64 = 16.0;
const FOOTNOTE_SIZE: f64 = 14.0;
const LINE_GAP: i32 = 6;
const MAX_X_LABELS: usize = 12;
/// Okabe-Ito colours: distinguishable with colour-blindness and in greyscale print.
const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];

/// Colour of the `index`-th series (the palette repeats after eight series).
pub fn series_colour(index: usize) -> (u8, u8, u8) {
    PALETTE[index % PALETTE.len()].rgb()
}

/// Registers the bundled font with plotters once per process.
fn ensure_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

fn draw_error(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// A checked spec: every series' values laid out on the shared period index.
struct PreparedChart<'a> {
    spec: &'a ChartSpec,
    periods: Vec<&'a str>,
    /// `values[s][p]`: series `s` in period `p`.
    values: Vec<Vec<Option<f64>>>,
    y_range: (f64, f64),
}

impl<'a> PreparedChart<'a> {
    fn from_spec(spec: &'a ChartSpec) -> Result<Self, ChartError> {
        let title = || spec.title.clone();
        if spec.series.is_empty() {
            return Err(ChartError::NoSeries { title: title() });
        }
        let explicit = !spec.periods.is_empty();
        let mut periods: Vec<&str> = spec.periods.iter().map(String::as_str).collect();
        if !explicit {
            let mut seen = HashSet::new();
            for point in spec.series.iter().flat_map(|s| &s.points) {
                if seen.insert(point.period.as_str()) {
                    periods.push(&point.period);
                }
            }
        }
        if periods.is_empty() {
            return Err(ChartError::NoPeriods { title: title() });
        }
        let mut values = Vec::with_capacity(spec.series.len());
        for series in &spec.series {
            let mut row = vec![None; periods.len()];
            let mut seen = HashSet::new();
            for point in &series.points {
                let error = |make: fn(String, String) -> ChartError| {
                    make(series.label.clone(), point.period.clone())
                };
                if !seen.insert(point.period.as_str()) {
                    return Err(error(|series, period| ChartError::DuplicatePeriod {
                        series,
                        period,
                    }));
                }
                let Some(index) = periods.iter().position(|p| *p == point.period) else {
                    return Err(error(|series, period| ChartError::UnknownPeriod {
                        series,
                        period,
                    }));
                };
                if point.value.is_some_and(|v| !v.is_finite()) {
                    return Err(error(|series, period| ChartError::NonFiniteValue {
                        series,
                        period,
                    }));
                }
                row[index] = point.value;
            }
            values.push(row);
        }
        let y_range = y_axis_range(&spec.unit, values.iter().flatten().flatten().copied())
            .ok_or_else(|| ChartError::NoValues { title: title() })?;
        Ok(PreparedChart {
            spec,
            periods,
            values,
            y_range,
        })
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        ensure_font()?;
        root.fill(&WHITE).map_err(draw_error)?;
        let (width, height) = root.dim_in_pixel();
        let text_width = width as i32 - 2 * MARGIN;

        let title_font = TextStyle::from((FONT_FAMILY, TITLE_SIZE).into_font());
        let title = fit_text(root, &self.spec.title, &title_font, text_width)?;
        root.draw(&Text::new(title, (MARGIN, MARGIN), title_font))
            .map_err(draw_error)?;
        let legend_top = MARGIN + TITLE_SIZE as i32 + LINE_GAP * 2;
        let legend_bottom = self.draw_legend(root, legend_top, text_width)?;

        let footnote_font = TextStyle::from((FONT_FAMILY, FOOTNOTE_SIZE).into_font());
        let footnote_step = FOOTNOTE_SIZE as i32 + LINE_GAP / 2;
        let footnotes_top =
            height as i32 - MARGIN / 2 - footnote_step * self.spec.footnotes.len() as i32;
        for (i, line) in self.spec.footnotes.iter().enumerate() {
            let line = fit_text(root, line, &footnote_font, text_width)?;
            let y = footnotes_top + footnote_step * i as i32;
            root.draw(&Text::new(line, (MARGIN, y), footnote_font.clone()))
                .map_err(draw_error)?;
        }

        let plot_area = root.margin(
            legend_bottom.max(0) as u32 + LINE_GAP as u32,
            (height as i32 - footnotes_top + LINE_GAP).max(0) as u32,
            MARGIN as u32 / 2,
            MARGIN as u32,
        );
        self.draw_plot(&plot_area)
    }

    /// Draws one swatch and label per series, wrapping rows; returns the y below the legend.
    fn draw_legend<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        top: i32,
        text_width: i32,
    ) -> Result<i32, ChartError> {
        let font = TextStyle::from((FONT_FAMILY, LEGEND_SIZE).into_font());
        let swatch = LEGEND_SIZE as i32;
        let row_height = swatch + LINE_GAP;
        let (mut x, mut y) = (MARGIN, top);
        for (i, series) in self.spec.series.iter().enumerate() {
            let label = fit_text(root, &series.label, &font, text_width - swatch - LINE_GAP)?;
            let (label_width, _) = root.estimate_text_size(&label, &font).map_err(draw_error)?;
            let entry_width = swatch + LINE_GAP + label_width as i32;
            if x > MARGIN && x + entry_width > MARGIN + text_width {
                x = MARGIN;
                y += row_height;
            }
            let colour = PALETTE[i % PALETTE.len()];
            root.draw(&Rectangle::new(
                [(x, y + 2), (x + swatch, y + swatch - 2)],
                colour.filled(),
            ))
            .map_err(draw_error)?;
            root.draw(&Text::new(label, (x + swatch + LINE_GAP, y), font.clone()))
                .map_err(draw_error)?;
            x += entry_width + 3 * LINE_GAP;
        }
        Ok(y + row_height)
    }

    fn draw_plot<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
    ) -> Result<(), ChartError> {
        let n = self.periods.len() as i32;
        let mut chart = ChartBuilder::on(area)
            .x_label_area_size(AXIS_LABEL_SIZE as u32 * 2 + 4)
            .y_label_area_size(64)
            // An integer range is inclusive as categories: `0..n - 1` gives exactly `n` slots.
            .build_cartesian_2d((0..n - 1).into_segmented(), self.y_range.0..self.y_range.1)
            .map_err(draw_error)?;
        let periods = &self.periods;
        let x_label = |v: &SegmentValue<i32>| match v {
            SegmentValue::Exact(i) | SegmentValue::CenterOf(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| periods.get(i))
                .map(|p| p.to_string())
                .unwrap_or_default(),
            SegmentValue::Last => String::new(),
        };
        let unit = &self.spec.unit;
        let y_label = |v: &f64| format_value(*v, self.y_range.1 - self.y_range.0);
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(self.periods.len().min(MAX_X_LABELS))
            .x_label_formatter(&x_label)
            .y_label_formatter(&y_label)
            .y_desc(unit.as_str())
            .label_style((FONT_FAMILY, AXIS_LABEL_SIZE))
            .axis_desc_style((FONT_FAMILY, AXIS_LABEL_SIZE))
            .light_line_style(WHITE)
            .bold_line_style(RGBColor(220, 220, 220))
            .draw()
            .map_err(draw_error)?;

        for (s, row) in self.values.iter().enumerate() {
            let colour = PALETTE[s % PALETTE.len()];
            let at = |p: usize, v: f64| (SegmentValue::CenterOf(p as i32), v);
            for run in contiguous_runs(row) {
                let line: Vec<_> = run.iter().map(|&(p, v)| at(p, v)).collect();
                chart
                    .draw_series(std::iter::once(PathElement::new(
                        line,
                        colour.stroke_width(3),
                    )))
                    .map_err(draw_error)?;
            }
            let markers = row
                .iter()
                .enumerate()
                .filter_map(|(p, v)| v.map(|v| Circle::new(at(p, v), 4, colour.filled())));
            chart.draw_series(markers).map_err(draw_error)?;
        }
        Ok(())
    }
}

/// The maximal runs of consecutive periods that have a value, as `(period index, value)`.
fn contiguous_runs(row: &[Option<f64>]) -> Vec<Vec<(usize, f64)>> {
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

/// The y axis range for the values (see the crate docs), or `None` when there are none.
fn y_axis_range(unit: &str, values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    let (min, max) = values.fold(None, |acc: Option<(f64, f64)>, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })?;
    let is_percentage = unit.trim() == "%" || unit.to_lowercase().contains("percent");
    let from_zero = is_percentage && min >= 0.0 && min <= max / 2.0;
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
    if is_percentage && max <= 100.0 && hi > 100.0 {
        hi = 100.0;
    }
    Some((lo, hi))
}

/// Axis tick label with as many decimals as the axis span needs.
fn format_value(v: f64, span: f64) -> String {
    let decimals = if span >= 20.0 {
        0
    } else if span >= 2.0 {
        1
    } else {
        2
    };
    format!("{v:.decimals$}")
}

/// Text shortened with an ellipsis so it fits `max_width` pixels in `font`.
fn fit_text<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    text: &str,
    font: &TextStyle,
    max_width: i32,
) -> Result<String, ChartError> {
    let width = |s: &str| {
        area.estimate_text_size(s, font)
            .map(|(w, _)| w as i32)
            .map_err(draw_error)
    };
    if width(text)? <= max_width {
        return Ok(text.to_string());
    }
    let chars: Vec<char> = text.chars().collect();
    let shortened = |n: usize| {
        let mut s: String = chars[..n].iter().collect::<String>().trim_end().to_string();
        s.push('…');
        s
    };
    // Binary search for the longest prefix that fits with its ellipsis.
    let (mut fits, mut too_long) = (0, chars.len());
    while too_long - fits > 1 {
        let mid = (fits + too_long) / 2;
        if width(&shortened(mid))? <= max_width {
            fits = mid;
        } else {
            too_long = mid;
        }
    }
    Ok(shortened(fits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn runs_split_at_missing_values() {
        let runs = contiguous_runs(&[Some(1.0), None, Some(2.0), Some(3.0), None]);
        assert_eq!(runs, vec![vec![(0, 1.0)], vec![(2, 2.0), (3, 3.0)]]);
        assert!(contiguous_runs(&[None, None]).is_empty());
    }

    #[test]
    fn percentages_start_at_zero_unless_far_from_it() {
        assert_eq!(
            y_axis_range("%", [5.0, 12.0].into_iter()),
            Some((0.0, 13.2))
        );
        let (lo, hi) = y_axis_range("%", [70.0, 80.0].into_iter()).unwrap();
        assert!((lo - 69.0).abs() < 1e-9 && (hi - 81.0).abs() < 1e-9);
        assert_eq!(
            y_axis_range("%", [40.0, 98.0].into_iter()),
            Some((0.0, 100.0))
        );
    }

    #[test]
    fn other_units_pad_the_data_range_without_going_negative() {
        let (lo, hi) = y_axis_range("£ per week", [600.0, 700.0].into_iter()).unwrap();
        assert!((lo - 590.0).abs() < 1e-9 && (hi - 710.0).abs() < 1e-9);
        assert_eq!(
            y_axis_range("count", [0.0, 10.0].into_iter()),
            Some((0.0, 11.0))
        );
        assert_eq!(y_axis_range("count", [5.0].into_iter()), Some((4.0, 6.0)));
        assert_eq!(y_axis_range("count", std::iter::empty()), None);
    }
}
