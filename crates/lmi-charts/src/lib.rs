//! Chart rendering: serialisable specs of the four chart kinds lmi draws, rendered with plotters
//! to SVG or PNG. Knows nothing of HTTP, sources or snapshots; callers build a [`Chart`].
//!
//! The kinds:
//! - [`TrendChart`]: lines of one indicator over periods, an area first and then its comparators,
//!   with translucent confidence bands where intervals are given;
//! - [`RankedChart`]: areas ranked on one value, in the caller's order (best first), highlighted
//!   areas in a strong colour and the rest light grey, with an optional dashed reference line;
//!   up to 25 bars are horizontal and labelled, more (e.g. all 296 districts) are thin columns
//!   with only the highlighted ones labelled;
//! - [`StackedChart`]: shares of a whole, one horizontal stacked bar per area, a palette colour
//!   per category, values printed inside segments wide enough to hold them;
//! - [`SmallMultiplesChart`]: a grid of small line charts, one per panel, on one shared value
//!   axis so they compare, with an optional grey dashed reference line in every panel.
//!
//! Text is drawn with a bundled font (Liberation Sans, SIL OFL 1.1, `fonts/`) through plotters'
//! `ab_glyph` feature, so rendering needs no system fonts, fontconfig or freetype. SVGs carry the
//! title and a description as `<title>` and `<desc>` for screen readers.
//!
//! Rules the renderer keeps:
//! - a missing value is a gap, never zero: in a line each contiguous run of values is its own
//!   line and every value gets a marker so a run of one stays visible; a missing bar is left out
//!   and counted in a footnote; a missing part of a stacked bar is named in a footnote;
//! - a value marked [`Mark::Suppressed`] is never drawn, even if one was passed; lines show a
//!   "×" at the axis where it would be; [`Mark::Approximate`] and [`Mark::LowReliability`] values
//!   are drawn hollow (circle, square) on lines and as "~5.2%" and "5.2% \[u\]" in labels, and a
//!   key explains the marks that occur, and only those;
//! - periods are categories in the order given (or first seen), shared by every series;
//! - line charts' value axis spans the data (and intervals) with 10% padding; percentage units
//!   start at 0 unless every value is far from 0 (the smallest above half the largest), and never
//!   go above 100 when no value does; non-negative data is never padded below 0;
//! - bar axes always include 0, since bars encode length;
//! - colours are the Okabe-Ito palette, safe with colour-blindness; footnotes (source, licence,
//!   [`SYNTHETIC_SAMPLE_NOTICE`]) are printed under every chart, after any notes the chart adds.

mod frame;
mod layout;
mod map;
mod model;
mod ranked;
mod small_multiples;
mod stacked;
mod svg;
mod trend;

use plotters::coord::Shift;
use plotters::prelude::*;

pub use map::MAX_CLASSES as MAP_MAX_CLASSES;
pub use model::{
    Chart, ChartText, ClassMethod, MapChart, MapClasses, MapShape, Mark, Panel, RankedBar,
    RankedChart, ReferenceLine, SmallMultiplesChart, StackedBar, StackedChart, TrendChart,
    TrendPoint, TrendSeries,
};
pub use svg::xml_escape;

/// Width and height, in pixels, of a chart with few rows (16:9, fits a board-paper page);
/// see [`chart_size`] for the charts that grow taller.
pub const CHART_SIZE: (u32, u32) = (960, 540);

/// Footnote line to add when the chart shows the synthetic sample data.
pub const SYNTHETIC_SAMPLE_NOTICE: &str = "SYNTHETIC SAMPLE DATA: not official statistics";

/// Colour of the `index`-th series (the palette repeats after eight series). Highlighted ranked
/// bars and small-multiple panels use colour 0.
pub fn series_colour(index: usize) -> (u8, u8, u8) {
    frame::palette(index).rgb()
}

/// Width and height, in pixels, the chart is rendered at: [`CHART_SIZE`], taller for ranked
/// and stacked charts with many bars and for small multiples with many rows (at most 1200).
pub fn chart_size(chart: &Chart) -> (u32, u32) {
    let (width, height) = CHART_SIZE;
    let footnotes = chart.text().footnotes.len() as u32;
    let grown = match chart {
        Chart::Trend(_) => height,
        Chart::Ranked(ranked) => ranked::height(ranked, footnotes),
        Chart::Stacked(stacked) => stacked::height(stacked, footnotes),
        Chart::SmallMultiples(grid) => small_multiples::height(grid, footnotes),
        // Square enough for a county; England's LSIPs are taller than wide.
        // The key of numbered areas takes about a line per six areas.
        Chart::Map(map) => {
            760 + (footnotes + map.shapes.len() as u32 / 6) * (frame::FOOTNOTE_SIZE as u32 + 3)
        }
    };
    (width, grown.clamp(height, 1200))
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
    #[error("chart {title:?}: series {series:?} has period {period:?} more than once")]
    DuplicatePeriod {
        title: String,
        series: String,
        period: String,
    },
    #[error(
        "chart {title:?}: series {series:?} has period {period:?}, which is not among the chart's periods"
    )]
    UnknownPeriod {
        title: String,
        series: String,
        period: String,
    },
    #[error("chart {title:?} has a value that is not a finite number: {at}")]
    NonFiniteValue { title: String, at: String },
    #[error("chart {title:?}: bar {bar:?} has {found} parts for {expected} categories")]
    PartsMismatch {
        title: String,
        bar: String,
        expected: usize,
        found: usize,
    },
    #[error(
        "chart {title:?}: bar {bar:?} has a negative part for {category:?}, which cannot stack"
    )]
    NegativePart {
        title: String,
        bar: String,
        category: String,
    },
    #[error("the bundled chart font could not be loaded")]
    Font,
    #[error("drawing the chart failed: {0}")]
    Draw(String),
    #[error("encoding the chart as PNG failed: {0}")]
    Png(String),
}

/// Renders the chart as a standalone SVG document with `<title>` and `<desc>` (ids
/// `lmi-chart-title`, `lmi-chart-desc`).
pub fn render_svg(chart: &Chart) -> Result<String, ChartError> {
    render_svg_with_ids(chart, "lmi-chart")
}

/// [`render_svg`] with the `<title>`/`<desc>` ids `{id_prefix}-title` and `{id_prefix}-desc`,
/// for documents that hold several charts (data packs).
pub fn render_svg_with_ids(chart: &Chart, id_prefix: &str) -> Result<String, ChartError> {
    let prepared = match Prepared::new(chart)? {
        Prepared::Map(m) => Prepared::Map(m.for_svg()),
        other => other,
    };
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, chart_size(chart)).into_drawing_area();
        prepared.draw(&root)?;
        root.present().map_err(frame::draw_error)?;
    }
    if let Prepared::Map(m) = &prepared {
        svg = m.with_paths(&svg, id_prefix)?;
    }
    let text = chart.text();
    let description = match text.description.trim() {
        "" => prepared.description(),
        given => given.to_string(),
    };
    svg::with_accessible_text(&svg, &text.title, &description, id_prefix)
}

/// Renders the chart as a PNG image (8-bit RGB) of [`chart_size`].
pub fn render_png(chart: &Chart) -> Result<Vec<u8>, ChartError> {
    let prepared = Prepared::new(chart)?;
    let (width, height) = chart_size(chart);
    let mut pixels = vec![255u8; width as usize * height as usize * 3];
    {
        let root = BitMapBackend::with_buffer(&mut pixels, (width, height)).into_drawing_area();
        prepared.draw(&root)?;
        root.present().map_err(frame::draw_error)?;
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

/// A chart checked and laid out: every error is found before anything is drawn.
enum Prepared<'a> {
    Trend(trend::PreparedTrend<'a>),
    Ranked(ranked::PreparedRanked<'a>),
    Stacked(stacked::PreparedStacked<'a>),
    SmallMultiples(small_multiples::PreparedGrid<'a>),
    Map(map::PreparedMap<'a>),
}

impl<'a> Prepared<'a> {
    fn new(chart: &'a Chart) -> Result<Self, ChartError> {
        Ok(match chart {
            Chart::Trend(c) => Prepared::Trend(trend::PreparedTrend::new(c)?),
            Chart::Ranked(c) => Prepared::Ranked(ranked::PreparedRanked::new(c)?),
            Chart::Stacked(c) => Prepared::Stacked(stacked::PreparedStacked::new(c)?),
            Chart::SmallMultiples(c) => {
                Prepared::SmallMultiples(small_multiples::PreparedGrid::new(c)?)
            }
            Chart::Map(c) => Prepared::Map(map::PreparedMap::new(c)?),
        })
    }

    /// The generated `<desc>` for a chart whose caller gave none.
    fn description(&self) -> String {
        match self {
            Prepared::Trend(p) => p.description(),
            Prepared::Ranked(p) => p.description(),
            Prepared::Stacked(p) => p.description(),
            Prepared::SmallMultiples(p) => p.description(),
            Prepared::Map(p) => p.description(),
        }
    }

    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> Result<(), ChartError> {
        match self {
            Prepared::Trend(p) => p.draw(root),
            Prepared::Ranked(p) => p.draw(root),
            Prepared::Stacked(p) => p.draw(root),
            Prepared::SmallMultiples(p) => p.draw(root),
            Prepared::Map(p) => p.draw(root),
        }
    }
}
