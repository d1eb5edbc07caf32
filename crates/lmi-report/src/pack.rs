//! Area data packs: a dashboard resolved for one area as a self-contained HTML report (inline
//! SVG charts, the numbers behind each chart, definitions, caveats and sources), laid out for
//! A4 printing so a headless browser can turn it into a PDF. No external files: a pack can be
//! emailed or attached to a board paper as it is.

use crate::charts::{self, ChartKind, ChartSpec, RankedBreakdownSpec};
use crate::dashboard::{Dashboard, dashboard_indicators, resolve_with_charts};
use crate::error::ReportError;
use crate::snapshot::{GeoIndex, Members, ServedSnapshot};
use crate::table::{Cell, Table};
use lmi_core::{Area, AreaType};
use std::fmt::Write;

/// The areas a `--within` run renders packs for: the area itself, then its local authority
/// districts, then the Travel to Work Areas most of whose residents live in it.
pub fn areas_within(geo: &GeoIndex, code: &str) -> Result<Vec<&'static Area>, ReportError> {
    let area = crate::lookup::area(geo, code)?;
    if matches!(area.area_type, AreaType::Lad | AreaType::Ttwa) {
        return Err(ReportError::Invalid(format!(
            "{} ({code}) is a {}: --within takes an area that contains districts (a county, \
             combined authority, LEP, LSIP area or region)",
            area.name,
            area.area_type.label_in_sentence()
        )));
    }
    let mut out = vec![area];
    out.extend(geo.members(area, Members::Lad));
    out.extend(geo.members(area, Members::Ttwa));
    Ok(out)
}

/// A file name for an area's pack: `E07000123-preston`.
pub fn pack_file_stem(area: &Area) -> String {
    let mut slug = String::new();
    for c in area.name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    format!("{}-{}", area.code, slug.trim_matches('-'))
}

fn esc(s: &str) -> String {
    lmi_charts::xml_escape(s)
}

fn cell_html(c: &Cell) -> String {
    match c {
        Cell::Text(s) => esc(s),
        Cell::Number(None) => String::new(),
        Cell::Number(Some(n)) if n.fract() == 0.0 && n.abs() < 1e15 => format!("{n:.0}"),
        Cell::Number(Some(n)) => format!("{n:.2}"),
        Cell::Bool(true) => "yes".to_owned(),
        Cell::Bool(false) => String::new(),
    }
}

/// Rows of a ranking table worth printing: the first five, the area's row and its neighbours,
/// the last five; gaps marked.
fn ranking_rows(rows: usize, highlight: Option<usize>) -> Vec<Option<usize>> {
    let mut keep: Vec<usize> = (0..rows.min(5)).collect();
    if let Some(h) = highlight {
        keep.extend(h.saturating_sub(2)..(h + 3).min(rows));
    }
    keep.extend(rows.saturating_sub(5)..rows);
    keep.sort_unstable();
    keep.dedup();
    let mut out = Vec::new();
    for (i, r) in keep.iter().enumerate() {
        if i > 0 && keep[i - 1] + 1 != *r {
            out.push(None);
        }
        out.push(Some(*r));
    }
    out
}

const STYLE: &str = r#"
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font-family: "Liberation Sans", Arial, Helvetica, sans-serif; color: #1b1b1b; margin: 0 auto;
  max-width: 190mm; line-height: 1.4; font-size: 10.5pt; }
h1 { font-size: 22pt; margin: 0 0 4pt; }
h2 { font-size: 14pt; margin: 18pt 0 4pt; border-bottom: 1.5pt solid #0072b2; padding-bottom: 2pt; }
h3 { font-size: 11pt; margin: 10pt 0 3pt; }
.lead { font-size: 12pt; color: #333; }
.meta { color: #505a5f; font-size: 9.5pt; }
.sample { background: #fff4d6; border: 1pt solid #e8d9a8; color: #6b4e00; padding: 6pt 8pt;
  font-weight: bold; }
.panel { break-inside: avoid; page-break-inside: avoid; }
.panel.table-follows { break-inside: auto; page-break-inside: auto; }
.reading { font-size: 11.5pt; margin: 4pt 0 6pt; }
figure { margin: 0; }
figure svg { width: 100%; height: auto; display: block; }
table { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 4pt 0 8pt; }
th, td { border-bottom: 0.5pt solid #d0d4d6; padding: 2pt 4pt; text-align: left; }
td.n { text-align: right; font-variant-numeric: tabular-nums; }
tr.highlight td { font-weight: bold; background: #e8f1f8; }
tr.gap td { text-align: center; color: #888; }
details, .caveats { color: #505a5f; font-size: 9pt; }
.toc li { margin: 1pt 0; }
.definition { break-inside: avoid; }
footer { margin-top: 18pt; color: #505a5f; font-size: 9pt; }
.unavailable { color: #505a5f; font-style: italic; }
"#;

/// Renders the pack for one area (CPU work: drawing every chart).
pub fn render_pack_html(
    dashboard: &Dashboard,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
    generated_at: &str,
) -> Result<String, ReportError> {
    let spec = &dashboard.spec;
    let (resolved, built) = resolve_with_charts(dashboard, area, snap, geo);
    let mut h = String::new();
    let title = format!("{}: {}", area.name, spec.title);
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"lmi\">\n<title>{}</title>\n<style>{STYLE}</style>\n\
         </head>\n<body>\n",
        esc(&title)
    );
    if snap.meta.sample {
        let notice = snap
            .meta
            .notice
            .as_deref()
            .unwrap_or(lmi_charts::SYNTHETIC_SAMPLE_NOTICE);
        let _ = writeln!(h, "<p class=\"sample\" role=\"note\">{}</p>", esc(notice));
    }
    let _ = writeln!(
        h,
        "<header>\n<h1>{}</h1>\n<p class=\"lead\">{}: {}</p>\n<p class=\"meta\">{} {} · for {} \
         · snapshot {} · generated {}</p>\n</header>",
        esc(&area.name),
        esc(&spec.title),
        esc(&spec.summary),
        esc(area.area_type.label()),
        esc(&area.code),
        esc(&spec.audience.to_lowercase()),
        esc(&snap.meta.snapshot),
        esc(generated_at)
    );
    for note in resolved
        .notes
        .iter()
        .filter(|n| *n != lmi_charts::SYNTHETIC_SAMPLE_NOTICE)
    {
        let _ = writeln!(h, "<p class=\"meta\">{}</p>", esc(note));
    }

    h.push_str("<nav><h2>Contents</h2>\n<ol class=\"toc\">\n");
    for p in &resolved.panels {
        let _ = writeln!(
            h,
            "<li><a href=\"#{}\">{}</a></li>",
            esc(&p.id),
            esc(&p.title)
        );
    }
    h.push_str(
        "<li><a href=\"#definitions\">Definitions and caveats</a></li>\n\
         <li><a href=\"#sources\">Sources and licence</a></li>\n</ol></nav>\n",
    );

    for (panel, built) in resolved.panels.iter().zip(built) {
        let _ = writeln!(
            h,
            "<section class=\"panel\" id=\"{}\">\n<h2>{}</h2>\n<p class=\"reading\">{}</p>",
            esc(&panel.id),
            esc(&panel.title),
            esc(&panel.reading)
        );
        match built {
            Ok(built) => {
                // Several charts share one document: each gets its own title/desc ids.
                let ids = format!("{}-chart", panel.id);
                let svg = lmi_charts::render_svg_with_ids(&built.chart, &ids).map_err(|e| {
                    ReportError::Output {
                        format: "SVG",
                        message: format!("drawing {}: {e}", panel.id),
                    }
                })?;
                let svg = svg
                    .trim_start_matches(|c: char| c != '<')
                    .strip_prefix("<?xml")
                    .map_or(svg.as_str(), |rest| {
                        rest.split_once("?>").map_or(rest, |(_, after)| after)
                    })
                    .trim();
                let _ = writeln!(h, "<figure>{svg}</figure>");
                let unit = built.chart.text().unit.clone();
                let pivoted = match panel.chart {
                    ChartKind::Ranking | ChartKind::RankedBreakdown | ChartKind::Flows => None,
                    ChartKind::Breakdown => pivot_html(&built.table, "part", &area.code, &unit),
                    _ => pivot_html(&built.table, "period", &area.code, &unit),
                };
                h.push_str(
                    &pivoted.unwrap_or_else(|| table_html(&built.table, panel.chart, &area.code)),
                );
            }
            Err(e) => {
                let _ = writeln!(
                    h,
                    "<p class=\"unavailable\">No chart: {}</p>",
                    esc(&e.to_string())
                );
            }
        }
        h.push_str("</section>\n");
    }

    h.push_str("<section id=\"definitions\">\n<h2>Definitions and caveats</h2>\n");
    let defs = dashboard_indicators(dashboard);
    for d in &defs {
        let _ = writeln!(
            h,
            "<div class=\"definition\"><h3>{} <span class=\"meta\">({}, {})</span></h3>\n\
             <p>{}</p>\n<p class=\"meta\">{}</p>",
            esc(d.title),
            esc(d.id),
            esc(d.unit.as_str()),
            esc(d.description),
            esc(d.definition)
        );
        h.push_str("<ul class=\"caveats\">");
        for c in d.caveats {
            let _ = write!(h, "<li>{}</li>", esc(c));
        }
        for b in d.series_breaks {
            let _ = write!(
                h,
                "<li>Series break from {}: {}</li>",
                esc(b.period),
                esc(b.note)
            );
        }
        h.push_str("</ul></div>\n");
    }
    for (id, title, description, caveats) in demand_definitions(dashboard) {
        let _ = writeln!(
            h,
            "<div class=\"definition\"><h3>{} <span class=\"meta\">({})</span></h3>\n<p>{}</p>",
            esc(title),
            esc(id),
            esc(description)
        );
        h.push_str("<ul class=\"caveats\">");
        for c in caveats {
            let _ = write!(h, "<li>{}</li>", esc(c));
        }
        h.push_str("</ul></div>\n");
    }
    h.push_str("</section>\n");

    h.push_str("<section id=\"sources\">\n<h2>Sources and licence</h2>\n<ul>\n");
    let sources = crate::dashboard::dashboard_sources(dashboard);
    for s in charts::sources_of(snap, &sources) {
        let _ = writeln!(
            h,
            "<li><strong>{}</strong> ({}). {}{}{} <span class=\"meta\">sha256 {}</span></li>",
            esc(&s.title),
            esc(&s.publisher),
            esc(&s.attribution),
            s.url
                .as_deref()
                .map(|u| format!(" <a href=\"{0}\">{0}</a>", esc(u)))
                .unwrap_or_default(),
            s.fetched_at
                .as_deref()
                .map(|t| format!(" Fetched {}.", esc(t)))
                .unwrap_or_default(),
            esc(&s.sha256)
        );
    }
    let _ = writeln!(
        h,
        "</ul>\n<p>Contains public sector information licensed under the \
         <a href=\"{}\">{}</a>.</p>\n</section>",
        esc(snap.meta.licence_url),
        esc(snap.meta.licence)
    );
    let _ = writeln!(
        h,
        "<footer>Produced by lmi from snapshot {} (created {}). Figures are as published; \
         combined areas are ratios of summed counts, never averages of rates.</footer>\n</body>\n</html>",
        esc(&snap.meta.snapshot),
        esc(&snap.meta.created_at)
    );
    Ok(h)
}

fn text_of(c: &Cell) -> &str {
    match c {
        Cell::Text(s) => s,
        _ => "",
    }
}

/// A value as printed in a pack table: `5.2` for percentages, `1,230` for counts.
fn pack_number(v: f64, unit: &str) -> String {
    if unit == "%" {
        format!("{v:.1}")
    } else {
        crate::words::thousands(v.round())
    }
}

/// The numbers behind a chart as a wide table, one row per area and one column per `pivot`
/// (period or breakdown part), the way a board paper prints them; `None` when the table does
/// not have that shape.
fn pivot_html(t: &Table, pivot: &str, area: &str, unit: &str) -> Option<String> {
    let col = |name: &str| t.columns.iter().position(|c| c == name);
    let (code, name, key, value, status, approx) = (
        col("area_code")?,
        col("area_name")?,
        col(pivot)?,
        col("value")?,
        col("status")?,
        col("approximate")?,
    );
    let mut keys: Vec<&str> = Vec::new();
    let mut areas: Vec<(&str, &str)> = Vec::new();
    for row in &t.rows {
        let k = text_of(&row[key]);
        if !keys.contains(&k) {
            keys.push(k);
        }
        let a = (text_of(&row[code]), text_of(&row[name]));
        if !areas.contains(&a) {
            areas.push(a);
        }
    }
    if pivot == "period" {
        keys.sort_unstable();
    }
    let cell = |a: &str, k: &str| -> String {
        let Some(row) = t
            .rows
            .iter()
            .find(|r| text_of(&r[code]) == a && text_of(&r[key]) == k)
        else {
            return String::new();
        };
        match (&row[value], text_of(&row[status])) {
            (Cell::Number(Some(v)), _) => {
                let mark = if matches!(row[approx], Cell::Bool(true)) {
                    "~"
                } else {
                    ""
                };
                format!("{mark}{}", pack_number(*v, unit))
            }
            (_, "suppressed") => "supp.".to_owned(),
            (_, other) => esc(&other.replace('_', " ")),
        }
    };
    let mut h = format!(
        "<details open><summary>The numbers ({})</summary><table>\n<thead><tr><th>area</th>",
        esc(unit)
    );
    for k in &keys {
        let _ = write!(h, "<th class=\"n\">{}</th>", esc(k));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for (c, n) in &areas {
        let class = if *c == area {
            " class=\"highlight\""
        } else {
            ""
        };
        let _ = write!(
            h,
            "<tr{class}><td>{} <span class=\"meta\">{}</span></td>",
            esc(n),
            esc(c)
        );
        for k in &keys {
            let _ = write!(h, "<td class=\"n\">{}</td>", cell(c, k));
        }
        h.push_str("</tr>\n");
    }
    h.push_str(
        "</tbody></table><p class=\"meta\">~ approximate (built from whole local authorities); \
         supp. withheld by the publisher. Confidence intervals and statuses of every value are in \
         the CSV of each chart from the API.</p></details>\n",
    );
    Some(h)
}

/// One pack listed on the contents page of a `--within` run.
#[derive(Debug, Clone)]
pub struct PackIndexEntry<'a> {
    pub area: &'a Area,
    pub dashboard: &'a str,
    /// File names, relative to the contents page.
    pub html: &'a str,
    pub pdf: Option<&'a str>,
}

/// A contents page linking every pack of a `--within` run.
pub fn render_pack_index_html(entries: &[PackIndexEntry], snapshot: &str) -> String {
    let mut rows = String::new();
    for e in entries {
        let pdf = e
            .pdf
            .map(|p| format!(" · <a href=\"{}\">PDF</a>", esc(p)))
            .unwrap_or_default();
        let _ = writeln!(
            rows,
            "<li><a href=\"{}\">{}</a> <small>{} · {} · {}</small>{pdf}</li>",
            esc(e.html),
            esc(&e.area.name),
            esc(e.area.area_type.label()),
            esc(&e.area.code),
            esc(e.dashboard)
        );
    }
    format!(
        "<!doctype html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\"><title>Area data packs</title>\
         <style>body{{font-family:\"Liberation Sans\",Arial,sans-serif;max-width:48rem;margin:2rem auto;line-height:1.5}}\
         small{{color:#505a5f}}</style></head>\n<body><h1>Area data packs</h1>\n<p>Snapshot {}. {} packs.</p>\n<ul>\n{rows}</ul></body></html>\n",
        esc(snapshot),
        entries.len()
    )
}

/// The numbers behind a chart as an HTML table; rankings are cut to the top, the area and
/// the bottom.
/// The count breakdowns and flows a dashboard's demand panels draw, each once: id, title,
/// description and caveats.
fn demand_definitions(
    dashboard: &Dashboard,
) -> Vec<(
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
)> {
    let mut out: Vec<(&str, &str, &str, &[&str])> = Vec::new();
    for p in &dashboard.panels {
        let entry = match &p.chart {
            ChartSpec::RankedBreakdown(RankedBreakdownSpec { breakdown, .. }) => {
                lmi_core::find_count_breakdown(breakdown)
                    .map(|d| (d.id, d.title, d.description, d.caveats))
            }
            ChartSpec::Flows(_) => Some((
                "apprenticeship_flows",
                "Apprenticeship travel to learn",
                charts::FLOWS_DESCRIPTION,
                lmi_core::flows::FLOW_CAVEATS,
            )),
            _ => None,
        };
        if let Some(e) = entry.filter(|e| !out.iter().any(|o| o.0 == e.0)) {
            out.push(e);
        }
    }
    out
}

fn table_html(t: &Table, kind: ChartKind, area: &str) -> String {
    let code_col = t.columns.iter().position(|c| c == "area_code");
    let is_area =
        |row: &[Cell]| code_col.is_some_and(|i| matches!(&row[i], Cell::Text(s) if s == area));
    let rows: Vec<Option<usize>> = if kind == ChartKind::Ranking {
        ranking_rows(t.rows.len(), t.rows.iter().position(|r| is_area(r)))
    } else {
        (0..t.rows.len()).map(Some).collect()
    };
    let mut h = String::from("<details open><summary>The numbers</summary><table>\n<thead><tr>");
    for c in &t.columns {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr></thead>\n<tbody>\n");
    for r in rows {
        match r {
            None => {
                let _ = writeln!(
                    h,
                    "<tr class=\"gap\"><td colspan=\"{}\">…</td></tr>",
                    t.columns.len()
                );
            }
            Some(i) => {
                let row = &t.rows[i];
                let class = if is_area(row) {
                    " class=\"highlight\""
                } else {
                    ""
                };
                let _ = write!(h, "<tr{class}>");
                for c in row {
                    let numeric = if matches!(c, Cell::Number(_)) {
                        " class=\"n\""
                    } else {
                        ""
                    };
                    let _ = write!(h, "<td{numeric}>{}</td>", cell_html(c));
                }
                h.push_str("</tr>\n");
            }
        }
    }
    h.push_str("</tbody></table></details>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranking_tables_keep_top_area_and_bottom() {
        let rows = ranking_rows(20, Some(10));
        let shown: Vec<_> = rows.iter().map(|r| r.map_or(-1, |r| r as i64)).collect();
        assert_eq!(
            shown,
            [0, 1, 2, 3, 4, -1, 8, 9, 10, 11, 12, -1, 15, 16, 17, 18, 19]
        );
        assert_eq!(
            ranking_rows(4, Some(1)),
            [Some(0), Some(1), Some(2), Some(3)]
        );
    }

    #[test]
    fn pack_names_and_escaping() {
        let a = Area {
            code: "E06000008".into(),
            name: "Blackburn with Darwen".into(),
            area_type: AreaType::Lad,
        };
        assert_eq!(pack_file_stem(&a), "E06000008-blackburn-with-darwen");
        assert_eq!(esc("<a & 'b'>"), "&lt;a &amp; &apos;b&apos;&gt;");
    }
}
