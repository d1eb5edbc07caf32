//! Maps (choropleths): one shape per area filled by the class its value falls in, classes cut
//! by quantiles or equal intervals (named in the legend's caption), "no data" and "suppressed"
//! drawn in their own greys, apart from the class colours, and the selected area outlined.
//!
//! In the SVG every area is one `<path>` (all its polygons, holes by the even-odd rule) with the
//! area's code in `data-code`, its class in `data-class` (none for an area without a value) and
//! its name, code and value in a `<title>`, so a page can make the shapes clickable and a screen
//! reader or a test can read them; plotters draws the frame, legend and labels around them. The
//! PNG draws the same shapes with plotters.
//!
//! Names stay readable: a name is printed inside its shape only where the shape is wide and tall
//! enough; the other shapes get a number, and a footnote keys the numbers to names.

use std::cell::RefCell;

use geo::{Area, BoundingRect, Coord, InteriorPoint, LineString, MultiPolygon, Polygon};
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::frame::{LegendEntry, Swatch, draw_error, draw_frame, font, text_width};
use crate::layout::{dark_text_on, format_marked, format_value_with, marks_key};
use crate::model::{ClassMethod, MapChart};
use crate::svg::xml_escape;
use crate::trend::unit_phrase;
use crate::{ChartError, Mark};

/// Sequential blues (ColorBrewer "Blues", 5 classes): light is low, dark is high; every one is
/// distinct from the two greys below.
const CLASS_COLOURS: [RGBColor; 5] = [
    RGBColor(239, 243, 255),
    RGBColor(189, 215, 231),
    RGBColor(107, 174, 214),
    RGBColor(49, 130, 189),
    RGBColor(8, 81, 156),
];
/// An area with no value published.
const NO_DATA: RGBColor = RGBColor(255, 255, 255);
/// Its outline and hatching (so "no data" is not read as the lightest class).
const NO_DATA_LINE: RGBColor = RGBColor(150, 150, 150);
/// A suppressed value.
const SUPPRESSED: RGBColor = RGBColor(120, 120, 120);
/// The lines between areas.
const BORDER: RGBColor = RGBColor(255, 255, 255);
const SELECTED: RGBColor = RGBColor(0, 0, 0);
const LABEL_SIZE: f64 = 15.0;
/// The no-data fill while drawing, replaced by the document's own pattern id.
const NO_DATA_PATTERN: &str = "url(#lmi-map-no-data)";
const NUMBER_SIZE: f64 = 13.0;

/// The most classes a map cuts.
pub const MAX_CLASSES: usize = 5;

/// What an area is filled with.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fill {
    Class(usize),
    NoData,
    Suppressed,
}

/// One class: its bounds as printed.
struct Class {
    lo: f64,
    hi: f64,
}

pub(crate) struct PreparedMap<'a> {
    chart: &'a MapChart,
    shapes: Vec<MultiPolygon>,
    fills: Vec<Fill>,
    classes: Vec<Class>,
    notes: Vec<String>,
    /// Set when drawing for SVG: shapes are written as paths afterwards, not drawn by plotters.
    vector: bool,
    /// The SVG paths, written while drawing (they need the plot area's pixels).
    paths: RefCell<String>,
}

impl<'a> PreparedMap<'a> {
    pub fn new(chart: &'a MapChart) -> Result<Self, ChartError> {
        let title = &chart.text.title;
        if chart.shapes.is_empty() {
            return Err(ChartError::NoSeries {
                title: title.clone(),
            });
        }
        let mut shapes = Vec::with_capacity(chart.shapes.len());
        for s in &chart.shapes {
            if s.value.is_some_and(|v| !v.is_finite()) {
                return Err(ChartError::NonFiniteValue {
                    title: title.clone(),
                    at: format!("area {:?}", s.code),
                });
            }
            let mut polygons = Vec::new();
            for rings in &s.polygons {
                let mut lines = Vec::new();
                for ring in rings {
                    if ring.iter().any(|(x, y)| !x.is_finite() || !y.is_finite()) {
                        return Err(ChartError::NonFiniteValue {
                            title: title.clone(),
                            at: format!("a coordinate of area {:?}", s.code),
                        });
                    }
                    lines.push(LineString::new(
                        ring.iter().map(|&(x, y)| Coord { x, y }).collect(),
                    ));
                }
                let mut lines = lines.into_iter();
                if let Some(exterior) = lines.next() {
                    polygons.push(Polygon::new(exterior, lines.collect()));
                }
            }
            shapes.push(MultiPolygon::new(polygons));
        }
        if shapes.iter().all(|m| m.bounding_rect().is_none()) {
            return Err(ChartError::NoSeries {
                title: title.clone(),
            });
        }
        let values: Vec<f64> = chart
            .shapes
            .iter()
            .filter(|s| s.mark != Mark::Suppressed)
            .filter_map(|s| s.value)
            .collect();
        if values.is_empty() {
            return Err(ChartError::NoValues {
                title: title.clone(),
            });
        }
        let count = chart.classes.count.clamp(1, MAX_CLASSES);
        let classes = cut(&values, chart.classes.method, count);
        let fills: Vec<Fill> = chart
            .shapes
            .iter()
            .map(|s| match (s.mark, s.value) {
                (Mark::Suppressed, _) => Fill::Suppressed,
                (_, None) => Fill::NoData,
                (_, Some(v)) => Fill::Class(class_of(&classes, v)),
            })
            .collect();
        let mut notes = vec![format!(
            "Classes: {} ({} {}).",
            chart.classes.method.describe(),
            classes.len(),
            if classes.len() == 1 {
                "class"
            } else {
                "classes"
            }
        )];
        if let Some(selected) = chart.shapes.iter().find(|s| s.selected) {
            notes.push(format!("Outlined in black: {}.", selected.label));
        }
        notes.extend(marks_key(
            chart
                .shapes
                .iter()
                .filter(|s| s.value.is_some())
                .map(|s| s.mark)
                .filter(|m| *m != Mark::Suppressed),
        ));
        Ok(PreparedMap {
            chart,
            shapes,
            fills,
            classes,
            notes,
            vector: false,
            paths: RefCell::new(String::new()),
        })
    }

    /// Draw for SVG: the shapes become paths ([`PreparedMap::with_paths`]).
    pub fn for_svg(mut self) -> Self {
        self.vector = true;
        self
    }

    pub fn description(&self) -> String {
        let with_value = self
            .fills
            .iter()
            .filter(|f| matches!(f, Fill::Class(_)))
            .count();
        format!(
            "Map of {} for {} areas ({} with a value), in {} classes cut by {}.",
            unit_phrase(&self.chart.text.unit),
            self.chart.shapes.len(),
            with_value,
            self.classes.len(),
            self.chart.classes.method.describe()
        )
    }

    /// Decimal places for the class bounds: the unit's usual ones (`None`) unless a class's
    /// upper bound and the next class's lower bound, different numbers, would print alike
    /// ("6.0% to 6.4%", "6.4% to 8.8%"); then as many as tell them apart, up to four.
    fn bound_decimals(&self) -> Option<usize> {
        let unit = &self.chart.text.unit;
        let alike = |d: Option<usize>| {
            self.classes.windows(2).any(|w| {
                w[0].hi != w[1].lo
                    && format_value_with(w[0].hi, unit, d) == format_value_with(w[1].lo, unit, d)
            })
        };
        std::iter::once(None)
            .chain((1..=4).map(Some))
            .find(|d| !alike(*d))
            .unwrap_or(Some(4))
    }

    fn class_label(&self, i: usize) -> String {
        let unit = &self.chart.text.unit;
        let c = &self.classes[i];
        let d = self.bound_decimals();
        let (lo, hi) = (
            format_value_with(c.lo, unit, d),
            format_value_with(c.hi, unit, d),
        );
        if lo == hi {
            lo
        } else {
            format!("{lo} to {hi}")
        }
    }

    fn legend(&self) -> Vec<LegendEntry> {
        let mut legend: Vec<LegendEntry> = (0..self.classes.len())
            .map(|i| LegendEntry::new(self.class_label(i), Swatch::Fill(colour(&self.classes, i))))
            .collect();
        if self.fills.contains(&Fill::NoData) {
            legend.push(LegendEntry::new("No data", Swatch::Hatched(NO_DATA_LINE)));
        }
        if self.fills.contains(&Fill::Suppressed) {
            legend.push(LegendEntry::new("Suppressed", Swatch::Fill(SUPPRESSED)));
        }
        legend
    }

    fn fill_colour(&self, fill: Fill) -> RGBColor {
        match fill {
            Fill::Class(i) => colour(&self.classes, i),
            Fill::NoData => NO_DATA,
            Fill::Suppressed => SUPPRESSED,
        }
    }

    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), ChartError> {
        // The key of numbered areas is a footnote, so it is known before the frame is drawn:
        // a first pass lays the shapes out on the frame's plot area, which does not depend on it
        // beyond the footnotes' height; the numbers are then drawn in the final area.
        let legend = self.legend();
        let numbered = {
            // The trial frame is drawn on a scratch canvas of the same size, not on `root`.
            let mut scratch = String::new();
            let canvas =
                SVGBackend::with_string(&mut scratch, root.dim_in_pixel()).into_drawing_area();
            let trial = draw_frame(&canvas, &self.chart.text, &legend, &self.notes)?;
            self.numbered(&trial)?
        };
        let mut notes = self.notes.clone();
        // The key in notes of ten areas each, so every name is printed whole (a note wraps to
        // at most three lines).
        let key: Vec<String> = numbered
            .iter()
            .enumerate()
            .map(|(n, &i)| format!("{} {}", n + 1, self.chart.shapes[i].label))
            .collect();
        for (k, chunk) in key.chunks(10).enumerate() {
            let lead = if k == 0 { "Areas by number: " } else { "" };
            notes.push(format!("{lead}{}.", chunk.join("; ")));
        }
        let plot = draw_frame(root, &self.chart.text, &legend, &notes)?;
        let view = View::fit(&self.shapes, &plot);
        let (ox, oy) = plot.get_base_pixel();
        // Larger areas first, so an area enclosed by another is drawn over it; the selected
        // area last, so its outline is whole.
        let mut order: Vec<usize> = (0..self.shapes.len()).collect();
        order.sort_by(|&a, &b| {
            let key = |i: usize| {
                (
                    self.chart.shapes[i].selected,
                    -self.shapes[i].unsigned_area(),
                )
            };
            key(a)
                .partial_cmp(&key(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        if self.vector {
            let mut out = String::from("<g class=\"lmi-map-areas\">\n");
            for &i in &order {
                out.push_str(&self.svg_path(i, &view, (ox, oy)));
            }
            out.push_str("</g>\n");
            *self.paths.borrow_mut() = out;
        } else {
            for &i in &order {
                self.draw_shape(&plot, i, &view)?;
            }
        }
        // Names where they fit, numbers elsewhere.
        let label_font = font(LABEL_SIZE);
        let number_font = font(NUMBER_SIZE);
        for (i, shape) in self.shapes.iter().enumerate() {
            let Some(at) = shape.interior_point() else {
                continue;
            };
            let at = view.px(at.x(), at.y());
            let dark = dark_text_on(self.fill_colour(self.fills[i]).rgb());
            let colour = if dark { BLACK } else { WHITE };
            let (text, style) = match numbered.iter().position(|&n| n == i) {
                Some(n) => ((n + 1).to_string(), number_font.clone()),
                None => (self.chart.shapes[i].label.clone(), label_font.clone()),
            };
            plot.draw(&Text::new(
                text,
                at,
                style
                    .color(&colour)
                    .pos(Pos::new(HPos::Center, VPos::Center)),
            ))
            .map_err(draw_error)?;
        }
        Ok(())
    }

    /// The shapes whose name does not fit inside them, in shape order.
    fn numbered<DB: DrawingBackend>(
        &self,
        plot: &DrawingArea<DB, Shift>,
    ) -> Result<Vec<usize>, ChartError> {
        let view = View::fit(&self.shapes, plot);
        let label_font = font(LABEL_SIZE);
        let mut out = Vec::new();
        for (i, shape) in self.shapes.iter().enumerate() {
            let Some(rect) = shape.bounding_rect() else {
                continue;
            };
            let (x0, y0) = view.px(rect.min().x, rect.max().y);
            let (x1, y1) = view.px(rect.max().x, rect.min().y);
            let (w, h) = (x1 - x0, y1 - y0);
            let needed = text_width(plot, &self.chart.shapes[i].label, &label_font)?;
            // Half the bounding box: shapes are rarely rectangles.
            if needed > w / 2 || h < 2 * LABEL_SIZE as i32 {
                out.push(i);
            }
        }
        Ok(out)
    }

    fn draw_shape<DB: DrawingBackend>(
        &self,
        plot: &DrawingArea<DB, Shift>,
        i: usize,
        view: &View,
    ) -> Result<(), ChartError> {
        let fill = self.fills[i];
        let selected = self.chart.shapes[i].selected;
        for polygon in &self.shapes[i].0 {
            let ring = |l: &LineString| -> Vec<(i32, i32)> {
                l.coords().map(|c| view.px(c.x, c.y)).collect()
            };
            plot.draw(&plotters::element::Polygon::new(
                ring(polygon.exterior()),
                self.fill_colour(fill).filled(),
            ))
            .map_err(draw_error)?;
            for hole in polygon.interiors() {
                plot.draw(&plotters::element::Polygon::new(ring(hole), WHITE.filled()))
                    .map_err(draw_error)?;
            }
            if fill == Fill::NoData {
                self.hatch(plot, polygon, view)?;
            }
            let (line, width) = match (selected, fill) {
                (true, _) => (SELECTED, 3),
                (false, Fill::NoData) => (NO_DATA_LINE, 1),
                (false, _) => (BORDER, 1),
            };
            for l in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                plot.draw(&PathElement::new(ring(l), line.stroke_width(width)))
                    .map_err(draw_error)?;
            }
        }
        Ok(())
    }

    /// Diagonal lines across a no-data polygon (PNG), clipped to it by sampling: each line is
    /// drawn in the runs of its pixels that fall inside.
    fn hatch<DB: DrawingBackend>(
        &self,
        plot: &DrawingArea<DB, Shift>,
        polygon: &Polygon,
        view: &View,
    ) -> Result<(), ChartError> {
        use geo::Contains;
        let Some(rect) = polygon.bounding_rect() else {
            return Ok(());
        };
        let (x0, y0) = view.px(rect.min().x, rect.max().y);
        let (x1, y1) = view.px(rect.max().x, rect.min().y);
        let style = NO_DATA_LINE.stroke_width(1);
        let mut start = x0 - (y1 - y0);
        while start < x1 {
            let mut run: Vec<(i32, i32)> = Vec::new();
            for y in y0..=y1 {
                let x = start + (y - y0);
                let inside = (x0..=x1).contains(&x) && {
                    let (lon, lat) = view.geo(x, y);
                    polygon.contains(&Coord { x: lon, y: lat })
                };
                if inside {
                    run.push((x, y));
                } else if run.len() > 1 {
                    plot.draw(&PathElement::new(std::mem::take(&mut run), style))
                        .map_err(draw_error)?;
                } else {
                    run.clear();
                }
            }
            if run.len() > 1 {
                plot.draw(&PathElement::new(run, style))
                    .map_err(draw_error)?;
            }
            start += 8;
        }
        Ok(())
    }

    fn svg_path(&self, i: usize, view: &View, (ox, oy): (i32, i32)) -> String {
        let s = &self.chart.shapes[i];
        let mut d = String::new();
        for polygon in &self.shapes[i].0 {
            for l in std::iter::once(polygon.exterior()).chain(polygon.interiors()) {
                for (k, c) in l.coords().enumerate() {
                    let (x, y) = view.px_f(c.x, c.y);
                    d.push_str(&format!(
                        "{}{:.1},{:.1}",
                        if k == 0 { "M" } else { "L" },
                        x + ox as f64,
                        y + oy as f64
                    ));
                }
                d.push('Z');
            }
        }
        let fill = self.fills[i];
        let (r, g, b) = self.fill_colour(fill).rgb();
        let (stroke, width) = match (s.selected, fill) {
            (true, _) => (SELECTED, 3),
            (false, Fill::NoData) => (NO_DATA_LINE, 1),
            (false, _) => (BORDER, 1),
        };
        let (sr, sg, sb) = stroke.rgb();
        let fill_attr = match fill {
            Fill::NoData => NO_DATA_PATTERN.to_owned(),
            _ => format!("#{r:02X}{g:02X}{b:02X}"),
        };
        let class_attr = match fill {
            Fill::Class(c) => format!(" data-class=\"{}\"", c + 1),
            Fill::NoData => " data-status=\"no-data\"".to_owned(),
            Fill::Suppressed => " data-status=\"suppressed\"".to_owned(),
        };
        let value = match (fill, s.value) {
            (Fill::Suppressed, _) => "suppressed".to_owned(),
            (_, None) => "no data".to_owned(),
            (_, Some(v)) => format_marked(v, &self.chart.text.unit, s.mark),
        };
        format!(
            "<path class=\"lmi-map-area{}\" data-code=\"{}\"{class_attr} d=\"{d}\" fill=\"{fill_attr}\" \
             fill-rule=\"evenodd\" stroke=\"#{sr:02X}{sg:02X}{sb:02X}\" stroke-width=\"{width}\">\
             <title>{}</title></path>\n",
            if s.selected { " selected" } else { "" },
            xml_escape(&s.code),
            xml_escape(&format!("{} ({}): {value}", s.label, s.code)),
        )
    }

    /// The SVG plotters wrote, with the area paths (and the no-data hatching) under the labels:
    /// right after the background rectangle. The hatching's id is `{id_prefix}-no-data`, unique
    /// in a document of several charts.
    pub fn with_paths(&self, svg: &str, id_prefix: &str) -> Result<String, ChartError> {
        let malformed = || ChartError::Draw("the SVG backend wrote no background".into());
        let rect = svg.find("<rect").ok_or_else(malformed)?;
        let end = rect + svg[rect..].find("/>").ok_or_else(malformed)? + 2;
        let (nr, ng, nb) = NO_DATA_LINE.rgb();
        let pattern_id = xml_escape(&format!("{id_prefix}-no-data"));
        let pattern = format!(
            "\n<defs><pattern id=\"{pattern_id}\" patternUnits=\"userSpaceOnUse\" width=\"8\" \
             height=\"8\" patternTransform=\"rotate(45)\"><rect width=\"8\" height=\"8\" \
             fill=\"#FFFFFF\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"8\" \
             stroke=\"#{nr:02X}{ng:02X}{nb:02X}\" stroke-width=\"1.5\"/></pattern></defs>\n"
        );
        let paths = self
            .paths
            .borrow()
            .replace(NO_DATA_PATTERN, &format!("url(#{pattern_id})"));
        Ok(format!("{}{pattern}{paths}{}", &svg[..end], &svg[end..]))
    }
}

fn colour(classes: &[Class], i: usize) -> RGBColor {
    // Fewer classes spread over the ramp, keeping its ends.
    let n = classes.len().max(1);
    let at = if n == 1 {
        2
    } else {
        i * (CLASS_COLOURS.len() - 1) / (n - 1)
    };
    CLASS_COLOURS[at.min(CLASS_COLOURS.len() - 1)]
}

/// The classes of `values` (at least one): quantiles put about as many areas in each class
/// (a value never split across two); equal intervals split the range evenly.
fn cut(values: &[f64], method: ClassMethod, count: usize) -> Vec<Class> {
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let (min, max) = (sorted[0], sorted[sorted.len() - 1]);
    if min == max {
        return vec![Class { lo: min, hi: max }];
    }
    match method {
        ClassMethod::EqualIntervals => {
            let width = (max - min) / count as f64;
            (0..count)
                .map(|k| Class {
                    lo: min + width * k as f64,
                    hi: if k + 1 == count {
                        max
                    } else {
                        min + width * (k + 1) as f64
                    },
                })
                .collect()
        }
        ClassMethod::Quantiles => {
            let n = sorted.len();
            // Upper bound of class k: the value at the k-th quantile's rank.
            let mut uppers: Vec<f64> = (1..=count)
                .map(|k| sorted[(k * n).div_ceil(count) - 1])
                .collect();
            uppers.dedup();
            let mut lo = min;
            uppers
                .into_iter()
                .map(|hi| {
                    // The smallest value above the previous class.
                    let class = Class { lo, hi };
                    lo = sorted.iter().copied().find(|v| *v > hi).unwrap_or(hi);
                    class
                })
                .collect()
        }
    }
}

/// The class a value falls in: the first whose upper bound holds it.
fn class_of(classes: &[Class], v: f64) -> usize {
    classes
        .iter()
        .position(|c| v <= c.hi)
        .unwrap_or(classes.len() - 1)
}

/// Longitude and latitude -> pixels of the plot area: equirectangular with the longitude
/// scaled by the cosine of the middle latitude (true shape at a county's or England's scale),
/// fitted and centred.
struct View {
    lon0: f64,
    lat1: f64,
    kx: f64,
    scale: f64,
    dx: f64,
    dy: f64,
}

impl View {
    fn fit<DB: DrawingBackend>(shapes: &[MultiPolygon], plot: &DrawingArea<DB, Shift>) -> View {
        let (w, h) = plot.dim_in_pixel();
        let (mut lon0, mut lat0, mut lon1, mut lat1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
        for r in shapes.iter().filter_map(|s| s.bounding_rect()) {
            lon0 = lon0.min(r.min().x);
            lat0 = lat0.min(r.min().y);
            lon1 = lon1.max(r.max().x);
            lat1 = lat1.max(r.max().y);
        }
        let kx = ((lat0 + lat1) / 2.0).to_radians().cos();
        let (gw, gh) = (((lon1 - lon0) * kx).max(1e-9), (lat1 - lat0).max(1e-9));
        let pad = 10.0;
        let (pw, ph) = (
            (w as f64 - 2.0 * pad).max(1.0),
            (h as f64 - 2.0 * pad).max(1.0),
        );
        let scale = (pw / gw).min(ph / gh);
        View {
            lon0,
            lat1,
            kx,
            scale,
            dx: pad + (pw - gw * scale) / 2.0,
            dy: pad + (ph - gh * scale) / 2.0,
        }
    }

    fn px_f(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            self.dx + (lon - self.lon0) * self.kx * self.scale,
            self.dy + (self.lat1 - lat) * self.scale,
        )
    }

    fn px(&self, lon: f64, lat: f64) -> (i32, i32) {
        let (x, y) = self.px_f(lon, lat);
        (x.round() as i32, y.round() as i32)
    }

    fn geo(&self, x: i32, y: i32) -> (f64, f64) {
        (
            self.lon0 + (x as f64 - self.dx) / (self.kx * self.scale),
            self.lat1 - (y as f64 - self.dy) / self.scale,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_put_as_many_areas_in_each_class_and_never_split_a_value() {
        let v: Vec<f64> = (1..=10).map(f64::from).collect();
        let c = cut(&v, ClassMethod::Quantiles, 5);
        assert_eq!(c.len(), 5);
        assert_eq!((c[0].lo, c[0].hi), (1.0, 2.0));
        assert_eq!((c[4].lo, c[4].hi), (9.0, 10.0));
        let counts: Vec<usize> = (0..5)
            .map(|k| v.iter().filter(|x| class_of(&c, **x) == k).count())
            .collect();
        assert_eq!(counts, vec![2; 5]);
        let tied = [1.0, 1.0, 1.0, 1.0, 2.0];
        let c = cut(&tied, ClassMethod::Quantiles, 5);
        assert_eq!(c.len(), 2);
        assert_eq!(class_of(&c, 1.0), 0);
        assert_eq!(class_of(&c, 2.0), 1);
    }

    #[test]
    fn equal_intervals_split_the_range_evenly() {
        let c = cut(&[0.0, 1.0, 10.0], ClassMethod::EqualIntervals, 5);
        assert_eq!(c.len(), 5);
        assert_eq!((c[1].lo, c[1].hi), (2.0, 4.0));
        assert_eq!(class_of(&c, 1.0), 0);
        assert_eq!(class_of(&c, 10.0), 4);
        assert_eq!(cut(&[3.0, 3.0], ClassMethod::EqualIntervals, 5).len(), 1);
    }
}
