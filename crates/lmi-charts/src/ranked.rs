//! Ranked bar charts: labelled horizontal bars for a few areas, thin unlabelled columns for many.

use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::frame::{
    AXIS_LABEL_SIZE, CONTEXT_GREY, FONT_FAMILY, FOOTNOTE_SIZE, GRID_GREY, LINE_GAP, REFERENCE_GREY,
    draw_error, draw_frame, fit_text, font, palette, text_width,
};
use crate::layout::{bar_axis_range, format_marked, format_tick, format_value, marks_key};
use crate::trend::unit_phrase;
use crate::{ChartError, Mark, RankedBar, RankedChart};

/// More bars than this are drawn as unlabelled columns.
pub(crate) const MAX_LABELLED_BARS: usize = 25;
const BAR_PITCH: u32 = 24;
const HIGHLIGHT_LABEL_STEP: i32 = 18;

/// Whether the bar is drawn: it has a value and is not marked suppressed.
fn drawn_value(bar: &RankedBar) -> Option<f64> {
    bar.value.filter(|_| bar.mark != Mark::Suppressed)
}

/// Rendered height: enough for every labelled bar, else the standard height.
pub(crate) fn height(chart: &RankedChart, footnotes: u32) -> u32 {
    let bars = chart.bars.iter().filter_map(drawn_value).count() as u32;
    if bars as usize > MAX_LABELLED_BARS {
        return 0;
    }
    // Title, reference label, axis and up to three generated notes around the bars.
    190 + bars * BAR_PITCH + (footnotes + 3) * (FOOTNOTE_SIZE as u32 + 3)
}

pub(crate) struct PreparedRanked<'a> {
    chart: &'a RankedChart,
    /// The drawn bars in the caller's order, with their values.
    bars: Vec<(&'a RankedBar, f64)>,
    value_range: (f64, f64),
    notes: Vec<String>,
}

impl<'a> PreparedRanked<'a> {
    pub fn new(chart: &'a RankedChart) -> Result<Self, ChartError> {
        let title = &chart.text.title;
        let non_finite = |at: String| ChartError::NonFiniteValue {
            title: title.clone(),
            at,
        };
        if let Some(bar) = chart
            .bars
            .iter()
            .find(|bar| bar.value.is_some_and(|v| !v.is_finite()))
        {
            return Err(non_finite(format!("bar {:?}", bar.label)));
        }
        if let Some(reference) = chart.reference.as_ref().filter(|r| !r.value.is_finite()) {
            return Err(non_finite(format!("reference line {:?}", reference.label)));
        }
        if let Some(bar) = chart
            .bars
            .iter()
            .find(|bar| bar.reference.is_some_and(|v| !v.is_finite()))
        {
            return Err(non_finite(format!("reference of bar {:?}", bar.label)));
        }
        let bars: Vec<_> = chart
            .bars
            .iter()
            .filter_map(|bar| Some((bar, drawn_value(bar)?)))
            .collect();
        if bars.is_empty() {
            return Err(ChartError::NoValues {
                title: title.clone(),
            });
        }
        let columns = bars.len() > MAX_LABELLED_BARS;
        // Horizontal bars need room past the longest for its value label.
        let headroom = if columns { 0.05 } else { 0.18 };
        let values = bars.iter().map(|(_, v)| *v);
        let ticks = bars.iter().filter_map(|(bar, _)| bar.reference);
        let value_range = bar_axis_range(
            &chart.text.unit,
            values
                .chain(ticks)
                .chain(chart.reference.as_ref().map(|r| r.value)),
            headroom,
        )
        .ok_or_else(|| ChartError::NoValues {
            title: title.clone(),
        })?;

        let suppressed = chart
            .bars
            .iter()
            .filter(|bar| bar.mark == Mark::Suppressed)
            .count();
        let missing = chart
            .bars
            .iter()
            .filter(|bar| bar.value.is_none() && bar.mark != Mark::Suppressed)
            .count();
        let areas = |n: usize| {
            if n == 1 {
                "1 area".to_string()
            } else {
                format!("{n} areas")
            }
        };
        let mut notes = Vec::new();
        if suppressed > 0 {
            notes.push(format!("{} suppressed (not shown)", areas(suppressed)));
        }
        if missing > 0 {
            notes.push(format!("{} without a value (not shown)", areas(missing)));
        }
        notes.extend(marks_key(bars.iter().map(|(bar, _)| bar.mark)));
        if bars.iter().any(|(bar, _)| bar.reference.is_some()) {
            notes.push(format!(
                "Dark ticks: {}",
                chart.bar_reference.as_deref().unwrap_or("reference")
            ));
        }
        Ok(PreparedRanked {
            chart,
            bars,
            value_range,
            notes,
        })
    }

    pub fn description(&self) -> String {
        let unit = &self.chart.text.unit;
        let (first, first_value) = self.bars[0];
        let (last, last_value) = self.bars[self.bars.len() - 1];
        let mut description = format!(
            "Bar chart ranking {} areas on {}, from {} ({}) to {} ({}).",
            self.bars.len(),
            unit_phrase(unit),
            first.label,
            format_value(first_value, unit),
            last.label,
            format_value(last_value, unit),
        );
        for (rank, (bar, value)) in self.bars.iter().enumerate() {
            if bar.highlight {
                description.push_str(&format!(
                    " {} is ranked {} with {}.",
                    bar.label,
                    rank + 1,
                    format_value(*value, unit)
                ));
            }
        }
        if let Some(reference) = &self.chart.reference {
            description.push_str(&format!(
                " {}: {}.",
                reference.label,
                format_value(reference.value, unit)
            ));
        }
        let label = self.chart.bar_reference.as_deref().unwrap_or("reference");
        let ticks: Vec<String> = self
            .bars
            .iter()
            .filter_map(|(bar, _)| {
                let r = bar.reference?;
                Some(format!("{} {}", bar.label, format_value(r, unit)))
            })
            .collect();
        if !ticks.is_empty() {
            description.push_str(&format!(" {label}: {}.", ticks.join(", ")));
        }
        description
    }

    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), ChartError> {
        let plot_area = draw_frame(root, &self.chart.text, &[], &self.notes)?;
        if self.bars.len() > MAX_LABELLED_BARS {
            self.draw_columns(root, &plot_area)
        } else {
            self.draw_bars(root, &plot_area)
        }
    }

    fn colour(bar: &RankedBar) -> RGBColor {
        if bar.highlight {
            palette(0)
        } else {
            CONTEXT_GREY
        }
    }

    fn reference_label(&self) -> Option<String> {
        let reference = self.chart.reference.as_ref()?;
        Some(format!(
            "{}: {}",
            reference.label,
            format_value(reference.value, &self.chart.text.unit)
        ))
    }

    /// Horizontal bars, first at the top, each labelled with its area and value.
    fn draw_bars<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        plot_area: &DrawingArea<DB, Shift>,
    ) -> Result<(), ChartError> {
        let unit = &self.chart.text.unit;
        let label_font = font(AXIS_LABEL_SIZE);
        let (plot_width, _) = plot_area.dim_in_pixel();
        let max_label_width = plot_width as i32 * 3 / 10;
        let labels = self
            .bars
            .iter()
            .map(|(bar, _)| fit_text(root, &bar.label, &label_font, max_label_width))
            .collect::<Result<Vec<_>, _>>()?;
        let mut label_width = 40;
        for label in &labels {
            label_width = label_width.max(text_width(root, label, &label_font)?);
        }

        let n = self.bars.len() as f64;
        let (lo, hi) = self.value_range;
        let reference_room = if self.chart.reference.is_some() {
            22
        } else {
            0
        };
        let mut chart = ChartBuilder::on(plot_area)
            .margin_top(reference_room)
            .margin_right(MARGIN_RIGHT)
            .x_label_area_size(AXIS_LABEL_SIZE as u32 * 2 + 4)
            .y_label_area_size(label_width as u32 + 2 * LINE_GAP as u32)
            .build_cartesian_2d(lo..hi, 0.0..n)
            .map_err(draw_error)?;
        let tick = |v: &f64| format_tick(*v, hi - lo);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(8)
            .x_label_formatter(&tick)
            .x_desc(unit.as_str())
            .label_style((FONT_FAMILY, AXIS_LABEL_SIZE))
            .axis_desc_style((FONT_FAMILY, AXIS_LABEL_SIZE))
            .light_line_style(WHITE)
            .bold_line_style(GRID_GREY)
            .draw()
            .map_err(draw_error)?;

        let (right_edge, _) = chart.backend_coord(&(hi, 0.0));
        let row_top = |i: usize| n - i as f64;
        let bars = self.bars.iter().enumerate().map(|(i, (bar, value))| {
            Rectangle::new(
                [(0.0, row_top(i) - 0.18), (*value, row_top(i) - 0.82)],
                Self::colour(bar).filled(),
            )
        });
        chart.draw_series(bars).map_err(draw_error)?;
        let ticks = self.bars.iter().enumerate().filter_map(|(i, (bar, _))| {
            let r = bar.reference?;
            Some(PathElement::new(
                [(r, row_top(i) - 0.06), (r, row_top(i) - 0.94)],
                BLACK.stroke_width(3),
            ))
        });
        chart.draw_series(ticks).map_err(draw_error)?;
        // The reference line goes over the bars but under their value labels.
        if let (Some(reference), Some(text)) = (&self.chart.reference, self.reference_label()) {
            chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    [(reference.value, 0.0), (reference.value, n)],
                    6,
                    4,
                    REFERENCE_GREY.stroke_width(2),
                )))
                .map_err(draw_error)?;
            let (x, top) = chart.backend_coord(&(reference.value, n));
            let width = text_width(root, &text, &label_font)?;
            let x = x.min(right_edge + MARGIN_RIGHT as i32 - width / 2);
            self.draw_reference_label(root, text, (x, top - 4), HPos::Center)?;
        }

        for (i, ((bar, value), label)) in self.bars.iter().zip(labels).enumerate() {
            let middle = row_top(i) - 0.5;
            let (axis_x, y) = chart.backend_coord(&(lo, middle));
            let area_label = label_font.pos(Pos::new(HPos::Right, VPos::Center));
            root.draw(&Text::new(label, (axis_x - LINE_GAP, y), area_label))
                .map_err(draw_error)?;

            let value_label = format_marked(*value, unit, bar.mark);
            let width = text_width(root, &value_label, &label_font)?;
            // Past the bar's own reference tick when it lies beyond the bar's end.
            let end = match bar.reference {
                Some(r) if *value >= 0.0 => value.max(r),
                Some(r) => value.min(r),
                None => *value,
            };
            let (end_x, _) = chart.backend_coord(&(end, middle));
            let outside = if *value >= 0.0 {
                end_x + LINE_GAP + width <= right_edge + MARGIN_RIGHT as i32
            } else {
                end_x - LINE_GAP - width >= axis_x
            };
            let grows_right = (*value >= 0.0) == outside;
            let x = if grows_right {
                end_x + LINE_GAP
            } else {
                end_x - LINE_GAP
            };
            if outside {
                // Keeps the label legible where the reference line crosses it.
                let left = if grows_right { x - 2 } else { x - width - 2 };
                let half = AXIS_LABEL_SIZE as i32 / 2;
                root.draw(&Rectangle::new(
                    [(left, y - half), (left + width + 4, y + half)],
                    WHITE.filled(),
                ))
                .map_err(draw_error)?;
            }
            let h_pos = if grows_right { HPos::Left } else { HPos::Right };
            let on_bar = !outside && bar.highlight;
            let style = label_font
                .pos(Pos::new(h_pos, VPos::Center))
                .color(if on_bar { &WHITE } else { &BLACK });
            root.draw(&Text::new(value_label, (x, y), style))
                .map_err(draw_error)?;
        }
        Ok(())
    }

    /// Thin columns, one per rank, only the highlighted ones labelled (above the plot, with a
    /// leader line down to their column).
    fn draw_columns<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        plot_area: &DrawingArea<DB, Shift>,
    ) -> Result<(), ChartError> {
        let unit = &self.chart.text.unit;
        let n = self.bars.len();
        let highlighted: Vec<usize> = (0..n).filter(|&i| self.bars[i].0.highlight).collect();
        let label_rows = highlighted.len().min(4) as i32;
        let (lo, hi) = self.value_range;
        let mut chart = ChartBuilder::on(plot_area)
            .margin_top((label_rows * HIGHLIGHT_LABEL_STEP + LINE_GAP) as u32)
            .margin_right(MARGIN_RIGHT)
            .x_label_area_size(AXIS_LABEL_SIZE as u32 * 2 + 4)
            .y_label_area_size(64)
            .build_cartesian_2d(0.0..n as f64, lo..hi)
            .map_err(draw_error)?;
        let tick = |v: &f64| format_tick(*v, hi - lo);
        let rank_description = format!("rank 1 … {n}");
        chart
            .configure_mesh()
            .disable_x_mesh()
            .x_labels(0)
            .y_labels(8)
            .y_label_formatter(&tick)
            .y_desc(unit.as_str())
            .x_desc(rank_description.as_str())
            .label_style((FONT_FAMILY, AXIS_LABEL_SIZE))
            .axis_desc_style((FONT_FAMILY, AXIS_LABEL_SIZE))
            .light_line_style(WHITE)
            .bold_line_style(GRID_GREY)
            .draw()
            .map_err(draw_error)?;

        // Grey first so a highlighted column is never drawn over.
        let column = |i: usize| {
            let (bar, value) = self.bars[i];
            Rectangle::new(
                [(i as f64, 0.0), (i as f64 + 1.0, value)],
                Self::colour(bar).filled(),
            )
        };
        chart
            .draw_series((0..n).filter(|i| !self.bars[*i].0.highlight).map(column))
            .map_err(draw_error)?;
        chart
            .draw_series(highlighted.iter().map(|&i| column(i)))
            .map_err(draw_error)?;
        let ticks = (0..n).filter_map(|i| {
            let r = self.bars[i].0.reference?;
            Some(PathElement::new(
                [(i as f64, r), (i as f64 + 1.0, r)],
                BLACK.stroke_width(2),
            ))
        });
        chart.draw_series(ticks).map_err(draw_error)?;

        let label_font = font(AXIS_LABEL_SIZE);
        let rank_font = label_font.pos(Pos::new(HPos::Center, VPos::Top));
        for (rank, x) in [(1, 0.5), (n, n as f64 - 0.5)] {
            let (x, y) = chart.backend_coord(&(x, lo));
            root.draw(&Text::new(rank.to_string(), (x, y + 4), rank_font.clone()))
                .map_err(draw_error)?;
        }

        let (left, plot_top) = chart.backend_coord(&(0.0, hi));
        let (right, _) = chart.backend_coord(&(n as f64, hi));
        for (k, &i) in highlighted.iter().enumerate() {
            let (bar, value) = self.bars[i];
            let label = format!(
                "{} (rank {}): {}",
                bar.label,
                i + 1,
                format_marked(value, unit, bar.mark)
            );
            let label = fit_text(root, &label, &label_font, (right - left) / 2)?;
            let width = text_width(root, &label, &label_font)?;
            let (x, bar_top) = chart.backend_coord(&(i as f64 + 0.5, value.max(0.0)));
            let label_bottom =
                plot_top - LINE_GAP - (k as i32 % label_rows.max(1)) * HIGHLIGHT_LABEL_STEP;
            root.draw(&PathElement::new(
                [(x, label_bottom), (x, bar_top - 2)],
                palette(0).stroke_width(1),
            ))
            .map_err(draw_error)?;
            let text_x = (x - width / 2).clamp(left, (right - width).max(left));
            let style = label_font.pos(Pos::new(HPos::Left, VPos::Bottom));
            root.draw(&Text::new(label, (text_x, label_bottom), style))
                .map_err(draw_error)?;
        }

        if let (Some(reference), Some(text)) = (&self.chart.reference, self.reference_label()) {
            chart
                .draw_series(std::iter::once(DashedPathElement::new(
                    [(0.0, reference.value), (n as f64, reference.value)],
                    6,
                    4,
                    REFERENCE_GREY.stroke_width(2),
                )))
                .map_err(draw_error)?;
            let (x, y) = chart.backend_coord(&(n as f64, reference.value));
            self.draw_reference_label(root, text, (x, y - 4), HPos::Right)?;
        }
        Ok(())
    }

    fn draw_reference_label<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
        text: String,
        at: (i32, i32),
        h_pos: HPos,
    ) -> Result<(), ChartError> {
        let style = font(AXIS_LABEL_SIZE)
            .pos(Pos::new(h_pos, VPos::Bottom))
            .color(&REFERENCE_GREY);
        root.draw(&Text::new(text, at, style)).map_err(draw_error)
    }
}

const MARGIN_RIGHT: u32 = 20;
