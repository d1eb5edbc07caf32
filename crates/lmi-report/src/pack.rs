//! Area data packs: a dashboard resolved for one area as a self-contained HTML report (inline
//! SVG charts, the numbers behind each chart, definitions, caveats and sources), laid out for
//! A4 printing so a headless browser can turn it into a PDF. No external files: a pack can be
//! emailed or attached to a board paper as it is.

use crate::charts::Built;
use crate::charts::{self, ChartKind, ChartSpec, RankedBreakdownSpec};
use crate::dashboard::{Dashboard, ResolvedPanel, dashboard_indicators, resolve_with_charts};
use crate::error::ReportError;
use crate::snapshot::{GeoIndex, Members, ServedSnapshot};
use crate::table::{Cell, Table};
use lmi_core::{Area, AreaType};
use maud::{Markup, PreEscaped, html};

/// The areas a `--within` run renders packs for: the area itself, then its local authority
/// districts, then the Travel to Work Areas most of whose residents live in it.
pub fn areas_within(geo: &GeoIndex, code: &str) -> Result<Vec<&'static Area>, ReportError> {
    let area = crate::lookup::area(geo, code)?;
    if matches!(area.area_type, AreaType::Lad | AreaType::Ttwa) {
        return Err(ReportError::Invalid(format!(
            "{} ({code}) is a {}: --within takes an area that contains districts (a county, \
             combined authority, LEP, LSIP area, region or area group)",
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

/// A table cell as printed in a pack.
fn cell_text(c: &Cell) -> String {
    match c {
        Cell::Text(s) => s.clone(),
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
    let panels = resolved
        .panels
        .iter()
        .zip(built)
        .map(|(panel, built)| panel_section(panel, built, &area.code))
        .collect::<Result<Vec<Markup>, ReportError>>()?;
    let sample_notice = snap.meta.sample.then(|| {
        snap.meta
            .notice
            .as_deref()
            .unwrap_or(lmi_charts::SYNTHETIC_SAMPLE_NOTICE)
    });
    let notes = resolved
        .notes
        .iter()
        .filter(|n| *n != lmi_charts::SYNTHETIC_SAMPLE_NOTICE);
    let page = html! {
        (PreEscaped("<!doctype html>\n"))
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="generator" content="lmi";
                title { (area.name) ": " (spec.title) }
                style { (PreEscaped(STYLE)) }
            }
            body {
                @if let Some(notice) = sample_notice {
                    p class="sample" role="note" { (notice) }
                }
                header {
                    h1 { (area.name) }
                    p class="lead" { (spec.title) ": " (spec.summary) }
                    p class="meta" {
                        (area.area_type.label()) " " (area.code)
                        " · for " (spec.audience.to_lowercase())
                        " · snapshot " (snap.meta.snapshot)
                        " · generated " (generated_at)
                    }
                }
                @for note in notes {
                    p class="meta" { (note) }
                }
                nav {
                    h2 { "Contents" }
                    ol class="toc" {
                        @for p in &resolved.panels {
                            li { a href={ "#" (p.id) } { (p.title) } }
                        }
                        li { a href="#definitions" { "Definitions and caveats" } }
                        li { a href="#sources" { "Sources and licence" } }
                    }
                }
                @for panel in &panels {
                    (panel)
                }
                (definitions_section(dashboard))
                (sources_section(dashboard, snap))
                footer {
                    "Produced by lmi from snapshot " (snap.meta.snapshot)
                    " (created " (snap.meta.created_at) "). Figures are as published; combined \
                    areas are ratios of summed counts, never averages of rates."
                }
            }
        }
    };
    Ok(page.into_string())
}

/// One panel: its reading, the chart inline and the numbers behind it, or why there is no
/// chart.
fn panel_section(
    panel: &ResolvedPanel,
    built: Result<Built, ReportError>,
    area: &str,
) -> Result<Markup, ReportError> {
    let chart = match built {
        Ok(built) => {
            // Several charts share one document: each gets its own title/desc ids.
            let ids = format!("{}-chart", panel.id);
            let svg = lmi_charts::render_svg_with_ids(&built.chart, &ids).map_err(|e| {
                ReportError::Output {
                    format: "SVG",
                    message: format!("drawing {}: {e}", panel.id),
                }
            })?;
            let unit = &built.chart.text().unit;
            let pivoted = match panel.chart {
                ChartKind::Ranking
                | ChartKind::RankedBreakdown
                | ChartKind::Flows
                | ChartKind::SupplyDemand
                | ChartKind::PrioritySectors
                | ChartKind::Map => None,
                ChartKind::Breakdown => pivot_html(&built.table, "part", area, unit),
                _ => pivot_html(&built.table, "period", area, unit),
            };
            html! {
                figure { (PreEscaped(without_xml_declaration(&svg))) }
                (pivoted.unwrap_or_else(|| table_html(&built.table, panel.chart, area)))
            }
        }
        Err(e) => html! { p class="unavailable" { "No chart: " (e.to_string()) } },
    };
    Ok(html! {
        section class="panel" id=(panel.id) {
            h2 { (panel.title) }
            p class="reading" { (panel.reading) }
            (chart)
        }
    })
}

/// An SVG document as an element to inline: without its `<?xml ...?>` declaration.
fn without_xml_declaration(svg: &str) -> &str {
    svg.trim_start_matches(|c: char| c != '<')
        .strip_prefix("<?xml")
        .map_or(svg, |rest| {
            rest.split_once("?>").map_or(rest, |(_, after)| after)
        })
        .trim()
}

/// What every indicator, count breakdown and flow table of the dashboard means, with caveats.
fn definitions_section(dashboard: &Dashboard) -> Markup {
    html! {
        section id="definitions" {
            h2 { "Definitions and caveats" }
            @for d in dashboard_indicators(dashboard) {
                div class="definition" {
                    h3 { (d.title) " " span class="meta" { "(" (d.id) ", " (d.unit.as_str()) ")" } }
                    p { (d.description) }
                    p class="meta" { (d.definition) }
                    ul class="caveats" {
                        @for c in d.caveats { li { (c) } }
                        @for b in d.series_breaks {
                            li { "Series break from " (b.period) ": " (b.note) }
                        }
                    }
                }
            }
            @for (id, title, description, caveats) in demand_definitions(dashboard) {
                div class="definition" {
                    h3 { (title) " " span class="meta" { "(" (id) ")" } }
                    p { (description) }
                    ul class="caveats" {
                        @for c in caveats { li { (c) } }
                    }
                }
            }
        }
    }
}

/// Every source the dashboard draws on, as the snapshot records it, and the licence.
fn sources_section(dashboard: &Dashboard, snap: &ServedSnapshot) -> Markup {
    let sources = crate::dashboard::dashboard_sources(dashboard);
    html! {
        section id="sources" {
            h2 { "Sources and licence" }
            ul {
                @for s in charts::sources_of(snap, &sources) {
                    li {
                        strong { (s.title) } " (" (s.publisher) "). " (s.attribution)
                        @if let Some(url) = &s.url {
                            " " a href=(url) { (url) }
                        }
                        @if let Some(at) = &s.fetched_at {
                            " Fetched " (at) "."
                        }
                        " " span class="meta" { "sha256 " (s.sha256) }
                    }
                }
            }
            p {
                "Contains public sector information licensed under the "
                a href=(snap.meta.licence_url) { (snap.meta.licence) } "."
            }
        }
    }
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
fn pivot_html(t: &Table, pivot: &str, area: &str, unit: &str) -> Option<Markup> {
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
            (_, other) => other.replace('_', " "),
        }
    };
    Some(html! {
        details open {
            summary { "The numbers (" (unit) ")" }
            table {
                thead { tr { th { "area" } @for k in &keys { th class="n" { (k) } } } }
                tbody {
                    @for (c, n) in &areas {
                        tr class=[(*c == area).then_some("highlight")] {
                            td { (n) " " span class="meta" { (c) } }
                            @for k in &keys { td class="n" { (cell(c, k)) } }
                        }
                    }
                }
            }
            p class="meta" {
                "~ approximate (built from whole local authorities); supp. withheld by the \
                publisher. Confidence intervals and statuses of every value are in the CSV of \
                each chart from the API."
            }
        }
    })
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
    const STYLE: &str = "body{font-family:\"Liberation Sans\",Arial,sans-serif;max-width:48rem;\
        margin:2rem auto;line-height:1.5}small{color:#505a5f}";
    html! {
        (PreEscaped("<!doctype html>\n"))
        html lang="en-GB" {
            head {
                meta charset="utf-8";
                title { "Area data packs" }
                style { (PreEscaped(STYLE)) }
            }
            body {
                h1 { "Area data packs" }
                p { "Snapshot " (snapshot) ". " (entries.len()) " packs." }
                ul {
                    @for e in entries {
                        li {
                            a href=(e.html) { (e.area.name) } " "
                            small {
                                (e.area.area_type.label()) " · " (e.area.code) " · " (e.dashboard)
                            }
                            @if let Some(pdf) = e.pdf {
                                " · " a href=(pdf) { "PDF" }
                            }
                        }
                    }
                }
            }
        }
    }
    .into_string()
}

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
            ChartSpec::SupplyDemand(_) => Some((
                "supply_demand",
                "Provision against local jobs",
                charts::SUPPLY_DEMAND_DESCRIPTION,
                crate::queries::sectors::SUPPLY_DEMAND_CAVEATS,
            )),
            ChartSpec::PrioritySectors(_) => Some((
                "priority_sectors",
                "Priority sectors",
                charts::PRIORITY_SECTORS_DESCRIPTION,
                crate::queries::sectors::SECTOR_CAVEATS,
            )),
            _ => None,
        };
        if let Some(e) = entry.filter(|e| !out.iter().any(|o| o.0 == e.0)) {
            out.push(e);
        }
    }
    out
}

/// The numbers behind a chart as an HTML table; rankings are cut to the top, the area and
/// the bottom.
fn table_html(t: &Table, kind: ChartKind, area: &str) -> Markup {
    let code_col = t.columns.iter().position(|c| c == "area_code");
    let is_area =
        |row: &[Cell]| code_col.is_some_and(|i| matches!(&row[i], Cell::Text(s) if s == area));
    let rows: Vec<Option<usize>> = if kind == ChartKind::Ranking {
        ranking_rows(t.rows.len(), t.rows.iter().position(|r| is_area(r)))
    } else {
        (0..t.rows.len()).map(Some).collect()
    };
    html! {
        details open {
            summary { "The numbers" }
            table {
                thead { tr { @for c in &t.columns { th { (c) } } } }
                tbody {
                    @for r in rows {
                        @match r {
                            None => tr class="gap" { td colspan=(t.columns.len()) { "…" } },
                            Some(i) => tr class=[is_area(&t.rows[i]).then_some("highlight")] {
                                @for c in &t.rows[i] {
                                    td class=[matches!(c, Cell::Number(_)).then_some("n")] {
                                        (cell_text(c))
                                    }
                                }
                            },
                        }
                    }
                }
            }
        }
    }
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
        let odd = Area {
            name: "<a & \"b\">".into(),
            ..a
        };
        let entry = PackIndexEntry {
            area: &odd,
            dashboard: "careers-adviser",
            html: "x\".html",
            pdf: None,
        };
        let page = render_pack_index_html(&[entry], "s");
        assert!(
            page.contains("<a href=\"x&quot;.html\">&lt;a &amp; &quot;b&quot;&gt;</a>"),
            "{page}"
        );
    }
}
