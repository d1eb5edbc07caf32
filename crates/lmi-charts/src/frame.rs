//! What every chart has around its plot: title, legend, footnotes; and the bundled font, palette,
//! markers and text fitting the chart kinds share.

use std::sync::OnceLock;

use plotters::coord::{CoordTranslate, Shift};
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::FontStyle;

use crate::{ChartError, ChartText};

pub(crate) const FONT_FAMILY: &str = "sans-serif";
const FONT_BYTES: &[u8] = include_bytes!("../fonts/LiberationSans-Regular.ttf");
pub(crate) const MARGIN: i32 = 20;
// plotters draws text at size / 1.24 pixels per em: these give 22, 14, 13 and 11 px type.
pub(crate) const TITLE_SIZE: f64 = 28.0;
pub(crate) const LEGEND_SIZE: f64 = 17.0;
pub(crate) const AXIS_LABEL_SIZE: f64 = 16.0;
pub(crate) const FOOTNOTE_SIZE: f64 = 14.0;
pub(crate) const LINE_GAP: i32 = 6;

/// Okabe-Ito colours: distinguishable with colour-blindness and in greyscale print.
pub(crate) const PALETTE: [RGBColor; 8] = [
    RGBColor(0, 114, 178),
    RGBColor(213, 94, 0),
    RGBColor(0, 158, 115),
    RGBColor(204, 121, 167),
    RGBColor(230, 159, 0),
    RGBColor(86, 180, 233),
    RGBColor(0, 0, 0),
    RGBColor(240, 228, 66),
];
/// Bars that are context, not the story.
pub(crate) const CONTEXT_GREY: RGBColor = RGBColor(200, 200, 200);
/// Reference lines and secondary text.
pub(crate) const REFERENCE_GREY: RGBColor = RGBColor(90, 90, 90);
pub(crate) const GRID_GREY: RGBColor = RGBColor(220, 220, 220);

pub(crate) fn palette(index: usize) -> RGBColor {
    PALETTE[index % PALETTE.len()]
}

pub(crate) fn font(size: f64) -> TextStyle<'static> {
    TextStyle::from((FONT_FAMILY, size).into_font())
}

/// Registers the bundled font with plotters once per process.
pub(crate) fn ensure_font() -> Result<(), ChartError> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let ok = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(FONT_FAMILY, FontStyle::Normal, FONT_BYTES).is_ok()
    });
    if ok { Ok(()) } else { Err(ChartError::Font) }
}

pub(crate) fn draw_error(e: impl std::fmt::Display) -> ChartError {
    ChartError::Draw(e.to_string())
}

/// How a point is drawn on a line, and the symbol its legend entry shows.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Marker {
    Filled,
    /// Approximate value.
    HollowCircle,
    /// Low reliability.
    HollowSquare,
    /// Suppressed: drawn at the axis, where the value would be.
    Cross,
}

/// Draws `marker` of `radius` pixels centred on `at`, in any coordinate system.
pub(crate) fn draw_marker<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    at: CT::From,
    marker: Marker,
    colour: RGBColor,
    radius: i32,
) -> Result<(), ChartError> {
    let centred = EmptyElement::<CT::From, DB>::at(at);
    let outline = colour.stroke_width(2);
    match marker {
        Marker::Filled => area.draw(&(centred + Circle::new((0, 0), radius, colour.filled()))),
        Marker::HollowCircle => area.draw(
            &(centred
                + Circle::new((0, 0), radius, WHITE.filled())
                + Circle::new((0, 0), radius, outline)),
        ),
        Marker::HollowSquare => area.draw(
            &(centred
                + Rectangle::new([(-radius, -radius), (radius, radius)], WHITE.filled())
                + Rectangle::new([(-radius, -radius), (radius, radius)], outline)),
        ),
        Marker::Cross => area.draw(&(centred + Cross::new((0, 0), radius, outline))),
    }
    .map_err(draw_error)
}

/// The symbol beside a legend label.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Swatch {
    Fill(RGBColor),
    /// A translucent band, as confidence intervals are drawn.
    Band(RGBColor),
    DashedLine(RGBColor),
    Marker(Marker, RGBColor),
    /// White with an outline and a diagonal line: "no data" on a map.
    Hatched(RGBColor),
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LegendEntry {
    pub label: String,
    pub swatch: Swatch,
}

impl LegendEntry {
    pub fn new(label: impl Into<String>, swatch: Swatch) -> Self {
        LegendEntry {
            label: label.into(),
            swatch,
        }
    }
}

/// Draws title, legend and footnotes (`notes` the chart generated, then the caller's) on `root`
/// and returns the area left for the plot.
pub(crate) fn draw_frame<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    text: &ChartText,
    legend: &[LegendEntry],
    notes: &[String],
) -> Result<DrawingArea<DB, Shift>, ChartError> {
    ensure_font()?;
    root.fill(&WHITE).map_err(draw_error)?;
    let (width, height) = root.dim_in_pixel();
    let text_width = width as i32 - 2 * MARGIN;

    let title_font = font(TITLE_SIZE);
    let title = fit_text(root, &text.title, &title_font, text_width)?;
    root.draw(&Text::new(title, (MARGIN, MARGIN), title_font))
        .map_err(draw_error)?;
    let legend_top = MARGIN + TITLE_SIZE as i32 + LINE_GAP * 2;
    let legend_bottom = if legend.is_empty() {
        legend_top
    } else {
        draw_legend(root, legend, legend_top, text_width)?
    };

    let footnote_font = font(FOOTNOTE_SIZE);
    let footnote_step = FOOTNOTE_SIZE as i32 + LINE_GAP / 2;
    // Footnotes wrap (attribution and licence must be read in full), at most three lines each.
    let mut lines: Vec<String> = Vec::new();
    for note in notes.iter().chain(&text.footnotes) {
        lines.extend(wrap_text(root, note, &footnote_font, text_width, 3)?);
    }
    let footnotes_top = height as i32 - MARGIN / 2 - footnote_step * lines.len() as i32;
    for (i, line) in lines.into_iter().enumerate() {
        let y = footnotes_top + footnote_step * i as i32;
        root.draw(&Text::new(line, (MARGIN, y), footnote_font.clone()))
            .map_err(draw_error)?;
    }

    Ok(root.margin(
        legend_bottom.max(0) as u32 + LINE_GAP as u32,
        (height as i32 - footnotes_top + LINE_GAP).max(0) as u32,
        MARGIN as u32 / 2,
        MARGIN as u32,
    ))
}

/// Draws one swatch and label per entry, wrapping rows; returns the y below the legend.
fn draw_legend<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    entries: &[LegendEntry],
    top: i32,
    text_width: i32,
) -> Result<i32, ChartError> {
    let font = font(LEGEND_SIZE);
    let swatch = LEGEND_SIZE as i32;
    let row_height = swatch + LINE_GAP;
    let (mut x, mut y) = (MARGIN, top);
    for entry in entries {
        let label = fit_text(root, &entry.label, &font, text_width - swatch - LINE_GAP)?;
        let (label_width, _) = root.estimate_text_size(&label, &font).map_err(draw_error)?;
        let entry_width = swatch + LINE_GAP + label_width as i32;
        if x > MARGIN && x + entry_width > MARGIN + text_width {
            x = MARGIN;
            y += row_height;
        }
        let middle = (x + swatch / 2, y + swatch / 2);
        match entry.swatch {
            Swatch::Fill(colour) => root.draw(&Rectangle::new(
                [(x, y + 2), (x + swatch, y + swatch - 2)],
                colour.filled(),
            )),
            Swatch::Band(colour) => root.draw(&Rectangle::new(
                [(x, y + 2), (x + swatch, y + swatch - 2)],
                band_style(colour),
            )),
            Swatch::DashedLine(colour) => root.draw(&DashedPathElement::new(
                [(x, middle.1), (x + swatch, middle.1)],
                5,
                3,
                colour.stroke_width(2),
            )),
            Swatch::Marker(marker, colour) => {
                draw_marker(root, middle, marker, colour, 5)?;
                Ok(())
            }
            Swatch::Hatched(colour) => root
                .draw(&Rectangle::new(
                    [(x, y + 2), (x + swatch, y + swatch - 2)],
                    colour.stroke_width(1),
                ))
                .and_then(|_| {
                    root.draw(&PathElement::new(
                        [(x, y + swatch - 2), (x + swatch, y + 2)],
                        colour.stroke_width(1),
                    ))
                }),
        }
        .map_err(draw_error)?;
        root.draw(&Text::new(label, (x + swatch + LINE_GAP, y), font.clone()))
            .map_err(draw_error)?;
        x += entry_width + 3 * LINE_GAP;
    }
    Ok(y + row_height)
}

/// The fill of a confidence band: the series colour, mostly transparent.
pub(crate) fn band_style(colour: RGBColor) -> ShapeStyle {
    colour.mix(0.2).filled()
}

/// Text with control characters made spaces (they are not allowed in SVG), shortened with an
/// ellipsis so it fits `max_width` pixels in `font`.
/// Text broken at spaces into lines that fit `max_width` pixels in `font`; beyond `max_lines`
/// the last line is ellipsised.
pub(crate) fn wrap_text<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    text: &str,
    font: &TextStyle,
    max_width: i32,
    max_lines: usize,
) -> Result<Vec<String>, ChartError> {
    let width = |s: &str| {
        area.estimate_text_size(s, font)
            .map(|(w, _)| w as i32)
            .map_err(draw_error)
    };
    let mut lines: Vec<String> = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        let candidate = if current.is_empty() {
            word.to_owned()
        } else {
            format!("{current} {word}")
        };
        if current.is_empty() || width(&candidate)? <= max_width {
            current = candidate;
        } else {
            lines.push(std::mem::replace(&mut current, word.to_owned()));
        }
    }
    if !current.is_empty() {
        lines.push(current);
    }
    if lines.len() > max_lines {
        let rest = lines.split_off(max_lines - 1).join(" ");
        lines.push(rest);
    }
    lines
        .into_iter()
        .map(|l| fit_text(area, &l, font, max_width))
        .collect()
}

pub(crate) fn fit_text<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    text: &str,
    font: &TextStyle,
    max_width: i32,
) -> Result<String, ChartError> {
    let text: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let width = |s: &str| {
        area.estimate_text_size(s, font)
            .map(|(w, _)| w as i32)
            .map_err(draw_error)
    };
    if width(&text)? <= max_width {
        return Ok(text);
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

/// Width in pixels of `text` in `font`.
pub(crate) fn text_width<DB: DrawingBackend, CT: CoordTranslate>(
    area: &DrawingArea<DB, CT>,
    text: &str,
    font: &TextStyle,
) -> Result<i32, ChartError> {
    area.estimate_text_size(text, font)
        .map(|(w, _)| w as i32)
        .map_err(draw_error)
}
