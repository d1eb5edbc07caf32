//! The serialisable chart specs callers build: one struct per chart kind, and the text they share.

use serde::{Deserialize, Serialize};

/// Any chart lmi draws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Chart {
    Trend(TrendChart),
    Ranked(RankedChart),
    Stacked(StackedChart),
    SmallMultiples(SmallMultiplesChart),
    Map(MapChart),
}

impl Chart {
    /// The title, description, unit and footnotes of the chart, whatever its kind.
    pub fn text(&self) -> &ChartText {
        match self {
            Chart::Trend(chart) => &chart.text,
            Chart::Ranked(chart) => &chart.text,
            Chart::Stacked(chart) => &chart.text,
            Chart::SmallMultiples(chart) => &chart.text,
            Chart::Map(chart) => &chart.text,
        }
    }
}

/// Text every chart carries.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct ChartText {
    /// Printed at the top, ellipsised when it does not fit; also the SVG's `<title>`.
    pub title: String,
    /// One or two plain sentences describing what the chart shows, for screen readers: written
    /// into the SVG's `<desc>` (the title goes into `<title>`). When empty, a plain summary of
    /// the chart's kind and contents is written instead.
    #[serde(default)]
    pub description: String,
    /// Unit of the values, e.g. `"%"` or `"£ per week"`; labels the value axis.
    #[serde(default)]
    pub unit: String,
    /// Lines printed under the chart: source + licence attribution,
    /// [`SYNTHETIC_SAMPLE_NOTICE`](crate::SYNTHETIC_SAMPLE_NOTICE), notes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub footnotes: Vec<String>,
}

/// How a value should be marked.
///
/// A value marked [`Mark::Suppressed`] is never drawn, even when the caller passed one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    #[default]
    None,
    Suppressed,
    Approximate,
    LowReliability,
}

impl Mark {
    fn is_none(&self) -> bool {
        *self == Mark::None
    }
}

/// Lines of one indicator over periods: an area first, then its comparators.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendChart {
    pub text: ChartText,
    /// The x categories in order. When empty, the periods of the series in first-seen order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<String>,
    /// One line per series, coloured in palette order.
    pub series: Vec<TrendSeries>,
}

/// One labelled line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendSeries {
    /// Legend label, e.g. the area name.
    pub label: String,
    /// Values by period; a period with no point or a `None` value is a gap.
    #[serde(default)]
    pub points: Vec<TrendPoint>,
}

/// The value of a series in one period.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrendPoint {
    pub period: String,
    /// `None` when suppressed or unavailable: drawn as a gap, never as zero.
    pub value: Option<f64>,
    /// Lower and upper bounds of the confidence interval, drawn as a translucent band.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci: Option<(f64, f64)>,
    #[serde(default, skip_serializing_if = "Mark::is_none")]
    pub mark: Mark,
}

impl TrendSeries {
    /// A series from `(period, value)` pairs in period order, with no intervals or marks.
    pub fn new<P: Into<String>>(
        label: impl Into<String>,
        points: impl IntoIterator<Item = (P, Option<f64>)>,
    ) -> Self {
        TrendSeries {
            label: label.into(),
            points: points
                .into_iter()
                .map(|(period, value)| TrendPoint {
                    period: period.into(),
                    value,
                    ci: None,
                    mark: Mark::None,
                })
                .collect(),
        }
    }
}

/// Areas ranked on one value: bars in the order given (the caller sorts, best first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedChart {
    pub text: ChartText,
    pub bars: Vec<RankedBar>,
    /// A dashed comparison line, e.g. England.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<ReferenceLine>,
    /// What the bars' own reference ticks ([`RankedBar::reference`]) are, e.g. `"England"`:
    /// named in the key under the chart (as "reference" when not given).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bar_reference: Option<String>,
}

/// One area's bar.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedBar {
    pub label: String,
    /// `None` when suppressed or unavailable: the bar is left out and counted in a footnote.
    pub value: Option<f64>,
    /// Drawn in a strong colour with its label and value; the others are light grey.
    #[serde(default)]
    pub highlight: bool,
    #[serde(default, skip_serializing_if = "Mark::is_none")]
    pub mark: Mark,
    /// A comparison value of this bar alone (e.g. the same part's share in England), drawn as a
    /// dark tick across the bar and named by [`RankedChart::bar_reference`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<f64>,
}

/// A labelled comparison value drawn across a chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReferenceLine {
    pub label: String,
    pub value: f64,
}

/// Shares of a whole, one horizontal stacked bar per area.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackedChart {
    pub text: ChartText,
    /// The parts of every bar, in stacking order, e.g. KS4 destinations.
    pub categories: Vec<String>,
    pub bars: Vec<StackedBar>,
}

/// One area's bar: `parts[i]` is the value of `categories[i]`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StackedBar {
    pub label: String,
    pub parts: Vec<Option<f64>>,
    /// Applies to the whole bar; [`Mark::Suppressed`] draws it as suppressed.
    #[serde(default, skip_serializing_if = "Mark::is_none")]
    pub mark: Mark,
}

/// A grid of small line charts on one shared value axis, e.g. the districts of a county.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SmallMultiplesChart {
    pub text: ChartText,
    /// The x categories in order. When empty, the periods of the panels in first-seen order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub periods: Vec<String>,
    pub panels: Vec<Panel>,
    /// Drawn in every panel in grey, dashed, e.g. the county or England.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<TrendSeries>,
}

/// One small chart of the grid.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Panel {
    /// Printed above the panel, ellipsised to its width.
    pub title: String,
    pub series: TrendSeries,
}

/// A map: one shape per area, filled by the class of its value (see the `map` module).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapChart {
    pub text: ChartText,
    pub shapes: Vec<MapShape>,
    #[serde(default)]
    pub classes: MapClasses,
}

/// One area on a map.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MapShape {
    /// The area's GSS code: the SVG path's `data-code`.
    pub code: String,
    /// The area's name, printed where it fits and in the path's `<title>`.
    pub label: String,
    /// Polygons, each its exterior ring then its holes, in longitude and latitude.
    pub polygons: Vec<Vec<Vec<(f64, f64)>>>,
    /// `None`: no data (hatched), never the lowest class.
    pub value: Option<f64>,
    /// [`Mark::Suppressed`] is drawn in its own grey, whatever the value.
    #[serde(default, skip_serializing_if = "Mark::is_none")]
    pub mark: Mark,
    /// Outlined in black: the area the map was asked for.
    #[serde(default)]
    pub selected: bool,
}

/// How a map's classes are cut.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MapClasses {
    pub method: ClassMethod,
    /// At most 5; fewer when there are fewer distinct values.
    pub count: usize,
}

impl Default for MapClasses {
    fn default() -> Self {
        MapClasses {
            method: ClassMethod::Quantiles,
            count: 5,
        }
    }
}

/// How values are grouped into a map's classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ClassMethod {
    /// About as many areas in each class.
    #[default]
    Quantiles,
    /// Classes of equal width between the smallest and largest value.
    EqualIntervals,
}

impl ClassMethod {
    /// How the legend's caption names the cut.
    pub fn describe(self) -> &'static str {
        match self {
            ClassMethod::Quantiles => "quantiles, about as many areas in each class",
            ClassMethod::EqualIntervals => "equal intervals between the lowest and highest value",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ClassMethod::Quantiles => "quantiles",
            ClassMethod::EqualIntervals => "equal_intervals",
        }
    }
}
