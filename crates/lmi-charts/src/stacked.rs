//! Stacked bar charts: shares of a whole, one horizontal bar per area, a colour per category.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::frame::{
    AXIS_LABEL_SIZE, FONT_FAMILY, FOOTNOTE_SIZE, GRID_GREY, LINE_GAP, LegendEntry, REFERENCE_GREY,
    Swatch, draw_error, draw_frame, fit_text, font, palette, text_width,
};
use crate::layout::{dark_text_on, format_marked, format_tick, is_percentage, marks_key};
use crate::trend::unit_phrase;
use crate::{ChartError, Mark, StackedBar, StackedChart};

const BAR_PITCH: u32 = 44;

/// Rendered height: enough for every bar at a readable thickness.
pub(crate) fn height(chart: &StackedChart, footnotes: u32) -> u32 {
    200 + chart.bars.len() as u32 * BAR_PITCH + (footnotes + 2) * (FOOTNOTE_SIZE as u32 + 3)
}

pub(crate) struct PreparedStacked<'a> {
    chart: &'a StackedChart,
    /// Parts by bar, `None` for a bar with nothing to draw (suppressed).
    parts: Vec<Option<&'a [Option<f64>]>>,
    total_range: f64,
    notes: Vec<String>,
}

impl<'a> PreparedStacked<'a> {
    pub fn new(chart: &'a StackedChart) -> Result<Self, ChartError> {
        let title = &chart.text.title;
        let categories = &chart.categories;
        for bar in &chart.bars {
            if bar.parts.len() != categories.len() {
                return Err(ChartError::PartsMismatch {
                    title: title.clone(),
                    bar: bar.label.clone(),
                    expected: categories.len(),
                    found: bar.parts.len(),
                });
            }
            for (category, part) in categories.iter().zip(&bar.parts) {
                match part {
                    Some(v) if !v.is_finite() => {
                        return Err(ChartError::NonFiniteValue {
                            title: title.clone(),
                            at: format!("bar {:?}, category {category:?}", bar.label),
                        });
                    }
                    Some(v) if *v < 0.0 => {
                        return Err(ChartError::NegativePart {
                            title: title.clone(),
                            bar: bar.label.clone(),
                            category: category.clone(),
                        });
                    }
                    _ => {}
                }
            }
        }
        let parts: Vec<_> = chart
            .bars
            .iter()
            .map(|bar| {
                let drawn = bar.mark != Mark::Suppressed && bar.parts.iter().any(Option::is_some);
                drawn.then_some(bar.parts.as_slice())
            })
            .collect();
        let max_total = parts
            .iter()
            .flatten()
            .map(|parts| parts.iter().flatten().sum::<f64>())
            .reduce(f64::max)
            .ok_or_else(|| ChartError::NoValues {
                title: title.clone(),
            })?;
        let total_range = if is_percentage(&chart.text.unit) && max_total <= 100.5 {
            100.0
        } else if max_total > 0.0 {
            max_total * 1.02
        } else {
            1.0
        };

        let mut notes = Vec::new();
        let missing: Vec<String> = chart
            .bars
            .iter()
            .zip(&parts)
            .filter_map(|(bar, parts)| Some((bar, (*parts)?)))
            .flat_map(|(bar, parts)| {
                categories
                    .iter()
                    .zip(parts)
                    .filter(|(_, part)| part.is_none())
                    .map(move |(category, _)| format!("{}: {category}", bar.label))
            })
            .collect();
        if !missing.is_empty() {
            notes.push(format!(
                "Some parts are suppressed or not available (not shown): {}",
                missing.join("; ")
            ));
        }
        notes.extend(marks_key(
            chart
                .bars
                .iter()
                .map(|bar| bar.mark)
                .filter(|mark| *mark != Mark::Suppressed),
        ));
        Ok(PreparedStacked {
            chart,
            parts,
            total_range,
            notes,
        })
    }

    pub fn description(&self) -> String {
        let labels: Vec<&str> = self.chart.bars.iter().map(|b| b.label.as_str()).collect();
        format!(
            "Stacked bar chart of {} split into {} for {}.",
            unit_phrase(&self.chart.text.unit),
            self.chart.categories.join(", "),
            labels.join(", ")
        )
    }

    fn bar_label(bar: &StackedBar) -> String {
        match bar.mark {
            Mark::Approximate => format!("{} ~", bar.label),
            Mark::LowReliability => format!("{} [u]", bar.label),
            Mark::None | Mark::Suppressed => bar.label.clone(),
        }
    }

    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), ChartError> {
        let legend: Vec<LegendEntry> = self
            .chart
            .categories
            .iter()
            .enumerate()
            .map(|(c, category)| LegendEntry::new(category, Swatch::Fill(palette(c))))
            .collect();
        let plot_area = draw_frame(root, &self.chart.text, &legend, &self.notes)?;
        let unit = &self.chart.text.unit;

        let label_font = font(AXIS_LABEL_SIZE);
        let (plot_width, _) = plot_area.dim_in_pixel();
        let labels = self
            .chart
            .bars
            .iter()
            .map(|bar| {
                fit_text(
                    root,
                    &Self::bar_label(bar),
                    &label_font,
                    plot_width as i32 / 4,
                )
            })
            .collect::<Result<Vec<_>, _>>()?;
        let mut label_width = 40;
        for label in &labels {
            label_width = label_width.max(text_width(root, label, &label_font)?);
        }

        let n = self.chart.bars.len() as f64;
        let x_hi = self.total_range;
        let mut chart = ChartBuilder::on(&plot_area)
            .margin_right(20)
            .x_label_area_size(AXIS_LABEL_SIZE as u32 * 2 + 4)
            .y_label_area_size(label_width as u32 + 2 * LINE_GAP as u32)
            .build_cartesian_2d(0.0..x_hi, 0.0..n)
            .map_err(draw_error)?;
        let tick = |v: &f64| format_tick(*v, x_hi);
        chart
            .configure_mesh()
            .disable_y_mesh()
            .y_labels(0)
            .x_labels(6)
            .x_label_formatter(&tick)
            .x_desc(unit.as_str())
            .label_style((FONT_FAMILY, AXIS_LABEL_SIZE))
            .axis_desc_style((FONT_FAMILY, AXIS_LABEL_SIZE))
            .light_line_style(WHITE)
            .bold_line_style(GRID_GREY)
            .draw()
            .map_err(draw_error)?;

        let centred = label_font.pos(Pos::new(HPos::Center, VPos::Center));
        for (i, ((bar, parts), label)) in self
            .chart
            .bars
            .iter()
            .zip(&self.parts)
            .zip(labels)
            .enumerate()
        {
            let row_top = n - i as f64;
            let (top, bottom, middle) = (row_top - 0.2, row_top - 0.8, row_top - 0.5);
            let (axis_x, y) = chart.backend_coord(&(0.0, middle));
            let style = label_font.pos(Pos::new(HPos::Right, VPos::Center));
            root.draw(&Text::new(label, (axis_x - LINE_GAP, y), style))
                .map_err(draw_error)?;

            let Some(parts) = parts else {
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(0.0, top), (x_hi, bottom)],
                        REFERENCE_GREY.stroke_width(1),
                    )))
                    .map_err(draw_error)?;
                let at = chart.backend_coord(&(x_hi / 2.0, middle));
                root.draw(&Text::new("suppressed", at, centred.color(&REFERENCE_GREY)))
                    .map_err(draw_error)?;
                continue;
            };
            let mut start = 0.0;
            for (c, part) in parts.iter().enumerate() {
                let Some(value) = *part else { continue };
                let end = start + value;
                let colour = palette(c);
                chart
                    .draw_series(std::iter::once(Rectangle::new(
                        [(start, top), (end, bottom)],
                        colour.filled(),
                    )))
                    .map_err(draw_error)?;
                let value_label = format_marked(value, unit, bar.mark);
                let (x0, _) = chart.backend_coord(&(start, middle));
                let (x1, _) = chart.backend_coord(&(end, middle));
                if text_width(root, &value_label, &label_font)? + 2 * LINE_GAP <= x1 - x0 {
                    let ink = if dark_text_on(colour.rgb()) {
                        &BLACK
                    } else {
                        &WHITE
                    };
                    root.draw(&Text::new(
                        value_label,
                        ((x0 + x1) / 2, y),
                        centred.color(ink),
                    ))
                    .map_err(draw_error)?;
                }
                start = end;
            }
        }
        Ok(())
    }
}
