//! Small multiples: a grid of small line charts on one shared value axis.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::frame::{
    AXIS_LABEL_SIZE, FOOTNOTE_SIZE, LINE_GAP, LegendEntry, REFERENCE_GREY, Swatch, draw_error,
    draw_frame, fit_text, font, palette,
};
use crate::layout::{grid_columns, grid_rows, line_axis_range};
use crate::trend::{Line, LinePlot, Row, key_entries, lay_out, resolve_periods, unit_phrase};
use crate::{ChartError, SmallMultiplesChart};

const PANEL_HEIGHT: u32 = 210;
const PANEL_TITLE_SIZE: f64 = 17.0;

/// Rendered height: a fixed height per row of panels, plus title, legend and footnotes.
pub(crate) fn height(chart: &SmallMultiplesChart, footnotes: u32) -> u32 {
    let rows = grid_rows(chart.panels.len()) as u32;
    130 + rows * PANEL_HEIGHT + footnotes * (FOOTNOTE_SIZE as u32 + 3)
}

pub(crate) struct PreparedGrid<'a> {
    chart: &'a SmallMultiplesChart,
    periods: Vec<&'a str>,
    panels: Vec<Row<'a>>,
    reference: Option<Row<'a>>,
    y_range: (f64, f64),
}

impl<'a> PreparedGrid<'a> {
    pub fn new(chart: &'a SmallMultiplesChart) -> Result<Self, ChartError> {
        let title = &chart.text.title;
        if chart.panels.is_empty() {
            return Err(ChartError::NoSeries {
                title: title.clone(),
            });
        }
        let every_series = chart
            .panels
            .iter()
            .map(|panel| &panel.series)
            .chain(&chart.reference);
        let periods = resolve_periods(title, &chart.periods, every_series)?;
        let panels = chart
            .panels
            .iter()
            .map(|panel| lay_out(title, &periods, &panel.series))
            .collect::<Result<Vec<_>, _>>()?;
        let reference = chart
            .reference
            .as_ref()
            .map(|series| lay_out(title, &periods, series))
            .transpose()?;
        // The panels alone must have something to show; the reference is context.
        if panels.iter().all(|row| row.extent().next().is_none()) {
            return Err(ChartError::NoValues {
                title: title.clone(),
            });
        }
        let extent = panels.iter().chain(&reference).flat_map(Row::extent);
        let y_range =
            line_axis_range(&chart.text.unit, extent).ok_or_else(|| ChartError::NoValues {
                title: title.clone(),
            })?;
        Ok(PreparedGrid {
            chart,
            periods,
            panels,
            reference,
            y_range,
        })
    }

    pub fn description(&self) -> String {
        let titles: Vec<&str> = self.chart.panels.iter().map(|p| p.title.as_str()).collect();
        let mut description = format!(
            "{} small line charts of {} from {} to {}, on one shared scale: {}.",
            titles.len(),
            unit_phrase(&self.chart.text.unit),
            self.periods[0],
            self.periods[self.periods.len() - 1],
            titles.join(", ")
        );
        if let Some(reference) = &self.reference {
            description.push_str(&format!(" Each also shows {}.", reference.label));
        }
        description
    }

    pub fn draw<DB: DrawingBackend>(
        &self,
        root: &DrawingArea<DB, Shift>,
    ) -> Result<(), ChartError> {
        let mut legend = Vec::new();
        if let Some(reference) = &self.reference {
            legend.push(LegendEntry::new(
                reference.label,
                Swatch::DashedLine(REFERENCE_GREY),
            ));
        }
        legend.extend(key_entries(self.panels.iter().chain(&self.reference)));
        let plot_area = draw_frame(root, &self.chart.text, &legend, &[])?;

        // One unit line for the whole grid: the axes are shared.
        let unit_font = font(AXIS_LABEL_SIZE);
        let mut unit_line = unit_phrase(&self.chart.text.unit);
        unit_line[..1].make_ascii_uppercase();
        plot_area
            .draw(&Text::new(
                unit_line,
                (0, 0),
                unit_font.color(&REFERENCE_GREY),
            ))
            .map_err(draw_error)?;
        let grid = plot_area.margin(AXIS_LABEL_SIZE as u32 + LINE_GAP as u32, 0, 0, 0);

        let columns = grid_columns(self.panels.len());
        let rows = grid_rows(self.panels.len());
        let cells = grid.split_evenly((rows, columns));
        let title_font = font(PANEL_TITLE_SIZE);
        for ((panel, row), cell) in self.chart.panels.iter().zip(&self.panels).zip(&cells) {
            let (width, _) = cell.dim_in_pixel();
            let title = fit_text(cell, &panel.title, &title_font, width as i32 - 2 * LINE_GAP)?;
            cell.draw(&Text::new(title, (LINE_GAP, 0), title_font.clone()))
                .map_err(draw_error)?;
            let plot = cell.margin(PANEL_TITLE_SIZE as u32 + 2, LINE_GAP as u32, 0, 12);
            let mut lines = Vec::with_capacity(2);
            if let Some(reference) = &self.reference {
                lines.push(Line {
                    row: reference,
                    colour: REFERENCE_GREY,
                    dashed: true,
                    width: 2,
                });
            }
            lines.push(Line {
                row,
                colour: palette(0),
                dashed: false,
                width: 2,
            });
            LinePlot {
                periods: &self.periods,
                y_range: self.y_range,
                unit: None,
                compact: true,
            }
            .draw(&plot, &lines)?;
            if row.extent().next().is_none() {
                let (w, h) = plot.dim_in_pixel();
                let style = font(AXIS_LABEL_SIZE)
                    .pos(Pos::new(HPos::Center, VPos::Center))
                    .color(&REFERENCE_GREY);
                plot.draw(&Text::new(
                    "no values shown",
                    (w as i32 / 2 + 20, h as i32 / 2),
                    style,
                ))
                .map_err(draw_error)?;
            }
        }
        Ok(())
    }
}
