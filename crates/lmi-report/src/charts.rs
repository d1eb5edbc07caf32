//! Charts of the served numbers: [`build_chart`] turns a [`ChartRequest`] into an lmi-charts [`Chart`]
//! and the table of the numbers it draws, from one snapshot; [`draw_chart`] renders it as SVG or PNG.
//! The HTTP routes and the cache of drawn charts are lmi-api's.

use crate::error::ReportError;
use crate::lookup::{area, indicator, period_range};
use crate::snapshot::{GeoIndex, Members, ServedSnapshot};
use crate::table::{Cell, Table};
use crate::words::{format_value, plural};
use lmi_charts::{
    Chart, ChartText, Mark, Panel, RankedBar, RankedChart, ReferenceLine, SmallMultiplesChart,
    StackedBar, StackedChart, TrendChart, TrendPoint, TrendSeries,
};
use lmi_core::geography::ENGLAND;
use lmi_core::{Area, AreaType, IndicatorDef, IndicatorValue, Status};
use serde::Deserialize;
use std::collections::BTreeSet;
use utoipa::ToSchema;

mod demand;
mod map;
mod sectors;
mod spec;
pub use demand::FLOWS_DESCRIPTION;
pub(crate) use demand::demand_panel;
pub use sectors::{
    PRIORITY_SECTORS_DESCRIPTION, SUPPLY_DEMAND_DESCRIPTION, priority_sector_breakdowns,
    supply_demand_breakdowns,
};
pub use spec::{
    BreakdownSpec, COMPARATOR_TYPES, ChartKind, ChartOptions, ChartRequest, ChartSpec,
    ChartSpecError, FlowDirection, FlowsSpec, MAX_PARTS, MapClassMethod, MapSpec,
    PrioritySectorsSpec, RankedBreakdownSpec, RankingSpec, SmallMultiplesSpec, SupplyDemandSpec,
    TrendSpec, Unused,
};

/// Legend labels for areas: the name, with the type added where two areas share a name
/// (Lancashire the county and Lancashire the combined authority).
fn labels(areas: &[&Area]) -> Vec<String> {
    areas
        .iter()
        .map(|a| {
            let shared = areas
                .iter()
                .filter(|b| b.name == a.name && b.code != a.code)
                .count()
                > 0;
            if shared {
                format!("{} ({})", a.name, a.area_type.label_in_sentence())
            } else {
                a.name.clone()
            }
        })
        .collect()
}

/// At most this many small charts in one small-multiples chart.
pub const MAX_PANELS: usize = 36;

/// A chart and the table of the numbers it draws.
#[derive(Debug)]
pub struct Built {
    pub chart: Chart,
    pub table: Table,
}

/// Builds the chart a request asks for from one snapshot: `NotFound` when the area, indicator or
/// breakdown is unknown or there is nothing to draw.
pub fn build_chart(
    req: &ChartRequest,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> Result<Built, ReportError> {
    let area = area(geo, &req.area)?;
    match &req.spec {
        ChartSpec::Trend(TrendSpec {
            indicator: id,
            comparators,
            from,
            to,
        }) => {
            let range = period_range(from.as_deref(), to.as_deref());
            trend(
                indicator(id)?,
                comparators.as_deref(),
                &range,
                area,
                snap,
                geo,
            )
        }
        ChartSpec::Ranking(RankingSpec {
            indicator: id,
            period,
        }) => ranking(indicator(id)?, period.as_deref(), area, snap, geo),
        ChartSpec::Breakdown(BreakdownSpec {
            breakdown: id,
            comparators,
            period,
        }) => {
            let b = spec::find_breakdown(id)?;
            breakdown(
                b,
                comparators.as_deref(),
                period.as_deref(),
                area,
                snap,
                geo,
            )
        }
        ChartSpec::SmallMultiples(SmallMultiplesSpec {
            indicator: id,
            members,
            from,
            to,
        }) => {
            let range = period_range(from.as_deref(), to.as_deref());
            small_multiples(indicator(id)?, *members, &range, area, snap, geo)
        }
        ChartSpec::RankedBreakdown(s) => demand::ranked_breakdown(
            snap,
            geo,
            &area.code,
            &s.breakdown,
            s.period.as_deref(),
            s.sort,
            s.top,
        ),
        ChartSpec::Flows(s) => {
            demand::flows(snap, geo, &area.code, s.period.as_deref(), s.direction)
        }
        ChartSpec::SupplyDemand(_) => sectors::supply_demand_chart(snap, geo, &area.code),
        ChartSpec::PrioritySectors(_) => sectors::priority_sectors_chart(snap, geo, &area.code),
        ChartSpec::Map(s) => map::map(s, area, snap, geo),
    }
}

fn mark(v: &IndicatorValue) -> Mark {
    match v.status {
        Status::Suppressed => Mark::Suppressed,
        Status::LowReliability => Mark::LowReliability,
        _ if v.approximate => Mark::Approximate,
        _ => Mark::None,
    }
}

fn trend_point(v: &IndicatorValue) -> TrendPoint {
    TrendPoint {
        period: v.period.clone(),
        value: v.value,
        ci: v.ci_lower.zip(v.ci_upper),
        mark: mark(v),
    }
}

fn comparators(types: Option<&[AreaType]>, geo: &GeoIndex, area: &Area) -> Vec<&'static Area> {
    geo.comparators(&area.code)
        .iter()
        .copied()
        .filter(|c| types.is_none_or(|types| types.contains(&c.area_type)))
        .collect()
}

/// Footnotes every chart of these indicators carries: the sample notice, then attribution.
fn footnotes(snap: &ServedSnapshot, defs: &[&IndicatorDef]) -> Vec<String> {
    footnotes_of_sources(snap, &source_ids(defs))
}

/// The sample notice (on sample data), then the attribution of these sources.
pub(crate) fn footnotes_of_sources(snap: &ServedSnapshot, sources: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    if snap.meta.sample {
        out.push(lmi_charts::SYNTHETIC_SAMPLE_NOTICE.to_owned());
    }
    out.extend(attributions(snap, sources));
    out
}

/// The catalogue ids of the sources of these count breakdowns (district and small-area), each
/// once; ids that are not count breakdowns add none.
pub fn breakdown_sources(ids: &[&str]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for def in ids
        .iter()
        .filter_map(|id| lmi_core::find_count_breakdown(id))
    {
        for s in std::iter::once(def.source).chain(def.small_area_source) {
            if !out.contains(&s) {
                out.push(s);
            }
        }
    }
    out
}

/// The catalogue ids of the sources behind these indicators (district and small-area), each
/// once.
pub fn source_ids(defs: &[&IndicatorDef]) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    for id in defs.iter().flat_map(|d| d.sources()) {
        if !out.contains(&id) {
            out.push(id);
        }
    }
    out
}

/// The snapshot's provenance of these sources, in manifest order.
pub fn sources_of<'a>(
    snap: &'a ServedSnapshot,
    sources: &'a [&str],
) -> impl Iterator<Item = &'a lmi_core::SourceProvenance> + 'a {
    snap.manifest
        .sources
        .iter()
        .filter(move |s| sources.contains(&s.source_id.as_str()))
}

/// The attribution lines of [`sources_of`], each once (the district and small-area tables of
/// one source share a line).
pub fn attributions(snap: &ServedSnapshot, sources: &[&str]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in sources_of(snap, sources) {
        if !out.contains(&s.attribution) {
            out.push(s.attribution.clone());
        }
    }
    out
}

/// How old each of these sources' data is today (sources not in the snapshot are left out).
pub fn freshness_of(snap: &ServedSnapshot, sources: &[&str]) -> Vec<lmi_core::Freshness> {
    let today = lmi_core::freshness::today();
    sources_of(snap, sources)
        .map(|s| lmi_core::freshness(s, today))
        .collect()
}

fn table(
    snap: &ServedSnapshot,
    name: String,
    title: String,
    columns: &[&str],
    defs: &[&IndicatorDef],
) -> Table {
    Table::new(name, columns, snap, title, defs)
}

fn value_cells(v: Option<&IndicatorValue>) -> Vec<Cell> {
    vec![
        v.map(|v| v.period.as_str()).into(),
        v.and_then(|v| v.value).into(),
        v.and_then(|v| v.ci_lower).into(),
        v.and_then(|v| v.ci_upper).into(),
        v.map(|v| v.status.as_str()).into(),
        v.is_some_and(|v| v.approximate).into(),
    ]
}

/// A row of `area_code, area_name, area_type` then [`VALUE_COLUMNS`].
fn area_row(a: &Area, v: &IndicatorValue) -> Vec<Cell> {
    let mut row: Vec<Cell> = vec![
        a.code.as_str().into(),
        a.name.as_str().into(),
        a.area_type.as_str().into(),
    ];
    row.extend(value_cells(Some(v)));
    row
}

const VALUE_COLUMNS: [&str; 6] = [
    "period",
    "value",
    "ci_lower",
    "ci_upper",
    "status",
    "approximate",
];

fn columns(prefix: &[&'static str]) -> Vec<&'static str> {
    prefix.iter().chain(VALUE_COLUMNS.iter()).copied().collect()
}

fn nothing(def_title: &str, area: &Area) -> ReportError {
    ReportError::NotFound(format!(
        "nothing to chart: {} has no values of {def_title} in this snapshot",
        area.name
    ))
}

fn trend(
    def: &'static IndicatorDef,
    comparator_types: Option<&[AreaType]>,
    in_range: &dyn Fn(&str) -> bool,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> Result<Built, ReportError> {
    let areas: Vec<&Area> = std::iter::once(area)
        .chain(comparators(comparator_types, geo, area))
        .collect();
    let values_of = |a: &Area| -> Vec<&IndicatorValue> {
        snap.series(def.id, &a.code)
            .filter(|v| in_range(&v.period))
            .collect()
    };
    let own = values_of(area);
    if own.iter().all(|v| v.value.is_none()) {
        return Err(nothing(def.title, area));
    }
    let mut t = table(
        snap,
        format!("{}-{}-trend", area.code, def.id),
        format!("{}: {} and comparators", def.title, area.name),
        &columns(&["area_code", "area_name", "area_type"]),
        &[def],
    );
    let mut series = Vec::new();
    for (a, label) in areas.iter().zip(labels(&areas)) {
        let values = values_of(a);
        if values.is_empty() {
            continue;
        }
        for v in &values {
            t.push(area_row(a, v));
        }
        series.push(TrendSeries {
            label,
            points: values.iter().map(|v| trend_point(v)).collect(),
        });
    }
    let periods: BTreeSet<String> = series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.period.clone()))
        .collect();
    let periods: Vec<String> = periods.into_iter().collect();
    let latest = own.iter().rev().find(|v| v.value.is_some());
    let description = trend_description(def, area, &series, &periods, latest.copied());
    let mut notes = footnotes(snap, &[def]);
    for b in def.series_breaks {
        notes.push(format!("Series break from {}: {}", b.period, b.note));
    }
    Ok(Built {
        chart: Chart::Trend(TrendChart {
            text: ChartText {
                title: format!("{}: {}", def.title, area.name),
                description,
                unit: def.unit.as_str().to_owned(),
                footnotes: notes,
            },
            periods,
            series,
        }),
        table: t,
    })
}

/// "Line chart of ... for Burnley compared with ..., 2019/20 to 2022/23. Latest for Burnley: ..."
fn trend_description(
    def: &IndicatorDef,
    area: &Area,
    series: &[TrendSeries],
    periods: &[String],
    latest: Option<&IndicatorValue>,
) -> String {
    let names: Vec<&str> = series.iter().skip(1).map(|s| s.label.as_str()).collect();
    let mut description = format!(
        "Line chart of {} ({}) for {}",
        def.title.to_lowercase(),
        def.unit,
        area.name
    );
    if !names.is_empty() {
        description.push_str(&format!(" compared with {}", names.join(", ")));
    }
    description.push_str(&format!(
        ", {} to {}.",
        periods.first().map_or("", String::as_str),
        periods.last().map_or("", String::as_str)
    ));
    if let Some(l) = latest.and_then(|l| l.value.map(|x| (l, x))) {
        description.push_str(&format!(
            " Latest for {}: {} in {}.",
            area.name,
            format_value(l.1, def.unit),
            l.0.period
        ));
    }
    description
}

fn ranking(
    def: &'static IndicatorDef,
    period: Option<&str>,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> Result<Built, ReportError> {
    let period = match period {
        Some(p) => p.to_owned(),
        None => latest_period(def, area, snap)?,
    };
    let ranked: Vec<&IndicatorValue> = snap.ranking(def.id, area.area_type, &period).collect();
    if ranked.iter().all(|v| v.value.is_none()) {
        return Err(ReportError::NotFound(format!(
            "nothing to chart: none of the {} has a value of {} in {period}",
            plural(area.area_type),
            def.title
        )));
    }
    let mut t = table(
        snap,
        format!(
            "{}-{}-ranking-{}",
            area.code,
            def.id,
            period.replace('/', "-")
        ),
        format!(
            "{}: {}s ranked, {period}",
            def.title,
            area.area_type.label()
        ),
        &columns(&["rank", "area_code", "area_name", "highlight"]),
        &[def],
    );
    let name_of = |code: &str| {
        geo.area(code)
            .map_or_else(|| code.to_owned(), |a| a.name.clone())
    };
    let mut bars = Vec::with_capacity(ranked.len());
    for v in &ranked {
        let mut row: Vec<Cell> = vec![
            v.derived.rank.into(),
            v.area_code.as_str().into(),
            name_of(&v.area_code).into(),
            (v.area_code == area.code).into(),
        ];
        row.extend(value_cells(Some(v)));
        t.push(row);
        bars.push(RankedBar {
            label: name_of(&v.area_code),
            value: v.value,
            highlight: v.area_code == area.code,
            mark: mark(v),
            reference: None,
        });
    }
    let reference = england_line(def, area, &period, snap);
    let type_name = plural(area.area_type);
    let description = ranking_description(def, area, &period, snap, reference.as_ref());
    Ok(Built {
        chart: Chart::Ranked(RankedChart {
            text: ChartText {
                title: format!("{}: {} among {type_name}, {period}", def.title, area.name),
                description,
                unit: def.unit.as_str().to_owned(),
                footnotes: footnotes(snap, &[def]),
            },
            bars,
            reference,
            bar_reference: None,
        }),
        table: t,
    })
}

/// The area's latest period with a value of the indicator.
fn latest_period(
    def: &IndicatorDef,
    area: &Area,
    snap: &ServedSnapshot,
) -> Result<String, ReportError> {
    snap.series(def.id, &area.code)
        .rev()
        .find(|v| v.value.is_some())
        .map(|v| v.period.clone())
        .ok_or_else(|| nothing(def.title, area))
}

/// England's value in the period as a reference line (none on England's own chart).
fn england_line(
    def: &IndicatorDef,
    area: &Area,
    period: &str,
    snap: &ServedSnapshot,
) -> Option<ReferenceLine> {
    let value = snap.value(def.id, ENGLAND, period).and_then(|v| v.value)?;
    (area.area_type != AreaType::Country).then(|| ReferenceLine {
        label: "England".to_owned(),
        value,
    })
}

/// "Bar chart of ... for all local authority districts in 2022/23, best first, with Burnley
/// highlighted: 5.0%, rank 3 of 14. England: 3.2%."
fn ranking_description(
    def: &IndicatorDef,
    area: &Area,
    period: &str,
    snap: &ServedSnapshot,
    reference: Option<&ReferenceLine>,
) -> String {
    let own_value = snap.value(def.id, &area.code, period);
    let type_name = plural(area.area_type);
    let mut description = format!(
        "Bar chart of {} ({}) for all {type_name} in {period}, ",
        def.title.to_lowercase(),
        def.unit
    );
    description.push_str(match def.higher_is_better {
        Some(_) => "best first",
        None => "highest first",
    });
    match own_value.and_then(|v| v.value.map(|x| (v, x))) {
        Some((v, x)) => description.push_str(&format!(
            ", with {} highlighted: {}{}.",
            area.name,
            format_value(x, def.unit),
            match (v.derived.rank, v.derived.rank_of) {
                (Some(r), Some(n)) => format!(", rank {r} of {n}"),
                _ => String::new(),
            }
        )),
        None => description.push_str(&format!(", {} has no value in {period}.", area.name)),
    }
    if let Some(r) = reference {
        description.push_str(&format!(" England: {}.", format_value(r.value, def.unit)));
    }
    description
}

fn breakdown(
    b: &'static lmi_core::BreakdownDef,
    comparator_types: Option<&[AreaType]>,
    period: Option<&str>,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> Result<Built, ReportError> {
    let defs: Vec<&IndicatorDef> = b
        .parts
        .iter()
        .filter_map(|p| lmi_core::find_indicator(p.indicator))
        .collect();
    let period = match period {
        Some(p) => p.to_owned(),
        None => latest_of_parts(b, &area.code, snap).ok_or_else(|| nothing(b.title, area))?,
    };
    let areas: Vec<&Area> = std::iter::once(area)
        .chain(comparators(comparator_types, geo, area))
        .collect();
    // The chart is about the area: without any value of its own there is nothing to show.
    let own = defs.iter().any(|d| {
        snap.value(d.id, &area.code, &period)
            .is_some_and(|v| v.value.is_some())
    });
    if !own {
        return Err(ReportError::NotFound(format!(
            "nothing to chart: {} has no values of {} in {period}",
            area.name, b.title
        )));
    }
    let mut t = table(
        snap,
        format!("{}-{}-{}", area.code, b.id, period.replace('/', "-")),
        format!("{}: {} and comparators, {period}", b.title, area.name),
        &columns(&["area_code", "area_name", "part", "indicator"]),
        &defs,
    );
    let bars = breakdown_bars(b, &defs, &areas, &period, snap, &mut t);
    let names: Vec<&str> = bars.iter().map(|bar| bar.label.as_str()).collect();
    let description = format!(
        "Stacked bars of {} in {period} for {}: {}. {}",
        b.title.to_lowercase(),
        names.join(", "),
        b.parts
            .iter()
            .map(|p| p.label)
            .collect::<Vec<_>>()
            .join(", "),
        b.description
    );
    Ok(Built {
        chart: Chart::Stacked(StackedChart {
            text: ChartText {
                title: format!("{}: {}, {period}", b.title, area.name),
                description,
                unit: "%".to_owned(),
                footnotes: footnotes(snap, &defs),
            },
            categories: b.parts.iter().map(|p| p.label.to_owned()).collect(),
            bars,
        }),
        table: t,
    })
}

/// One stacked bar per area with any value in the period, its rows added to the table.
fn breakdown_bars(
    b: &lmi_core::BreakdownDef,
    defs: &[&IndicatorDef],
    areas: &[&Area],
    period: &str,
    snap: &ServedSnapshot,
    t: &mut Table,
) -> Vec<StackedBar> {
    let mut bars = Vec::new();
    for (a, label) in areas.iter().zip(labels(areas)) {
        let values: Vec<Option<&IndicatorValue>> = defs
            .iter()
            .map(|d| snap.value(d.id, &a.code, period))
            .collect();
        if values.iter().all(Option::is_none) {
            continue;
        }
        for ((part, d), v) in b.parts.iter().zip(defs).zip(&values) {
            let mut row: Vec<Cell> = vec![
                a.code.as_str().into(),
                a.name.as_str().into(),
                part.label.into(),
                d.id.into(),
            ];
            row.extend(value_cells(*v));
            t.push(row);
        }
        bars.push(StackedBar {
            label,
            parts: values.iter().map(|v| v.and_then(|v| v.value)).collect(),
            mark: stacked_mark(&values),
        });
    }
    bars
}

/// A stacked bar's mark: suppressed when any part is, else approximate when any part is.
fn stacked_mark(values: &[Option<&IndicatorValue>]) -> Mark {
    let any = |f: fn(&IndicatorValue) -> bool| values.iter().flatten().any(|v| f(v));
    if any(|v| v.status == Status::Suppressed) {
        Mark::Suppressed
    } else if any(|v| v.approximate) {
        Mark::Approximate
    } else {
        Mark::None
    }
}

/// The latest period in which an area has a value of any part of a breakdown.
pub fn latest_of_parts(
    b: &lmi_core::BreakdownDef,
    area: &str,
    snap: &ServedSnapshot,
) -> Option<String> {
    b.parts
        .iter()
        .filter_map(|p| {
            snap.series(p.indicator, area)
                .rev()
                .find(|v| v.value.is_some())
                .map(|v| v.period.clone())
        })
        .max()
}

/// The areas of a small-multiples chart and what they are called: `NotFound` when there are
/// none, or more than one chart shows.
fn panel_areas(
    geo: &GeoIndex,
    area: &Area,
    members: Members,
) -> Result<(Vec<&'static Area>, &'static str), ReportError> {
    let list = geo.members(area, members);
    let kind = match members {
        Members::Lad => "local authorities",
        Members::Ttwa => "Travel to Work Areas",
    };
    if list.is_empty() {
        return Err(ReportError::NotFound(format!(
            "nothing to chart: {} has no {kind} in it",
            area.name
        )));
    }
    if list.len() > MAX_PANELS {
        return Err(ReportError::NotFound(format!(
            "no chart: {} has {} {kind}, more than the {MAX_PANELS} one chart shows; choose a \
             smaller area",
            area.name,
            list.len()
        )));
    }
    Ok((list, kind))
}

/// One small trend per member area, its rows added to the table.
fn member_panels(
    def: &IndicatorDef,
    list: &[&Area],
    in_range: &dyn Fn(&str) -> bool,
    snap: &ServedSnapshot,
    t: &mut Table,
) -> Vec<Panel> {
    let mut panels = Vec::new();
    for m in list {
        let values: Vec<&IndicatorValue> = snap
            .series(def.id, &m.code)
            .filter(|v| in_range(&v.period))
            .collect();
        for v in &values {
            t.push(area_row(m, v));
        }
        panels.push(Panel {
            title: m.name.clone(),
            series: TrendSeries {
                label: m.name.clone(),
                points: values.iter().map(|v| trend_point(v)).collect(),
            },
        });
    }
    panels
}

fn small_multiples(
    def: &'static IndicatorDef,
    members: Members,
    in_range: &dyn Fn(&str) -> bool,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> Result<Built, ReportError> {
    let (list, kind) = panel_areas(geo, area, members)?;
    let mut t = table(
        snap,
        format!("{}-{}-{}", area.code, def.id, members.as_str()),
        format!("{}: {kind} in {}", def.title, area.name),
        &columns(&["area_code", "area_name", "area_type"]),
        &[def],
    );
    let series_of = |a: &Area| TrendSeries {
        label: a.name.clone(),
        points: snap
            .series(def.id, &a.code)
            .filter(|v| in_range(&v.period))
            .map(trend_point)
            .collect(),
    };
    let panels = member_panels(def, &list, in_range, snap, &mut t);
    if panels
        .iter()
        .all(|p| p.series.points.iter().all(|pt| pt.value.is_none()))
    {
        return Err(nothing(def.title, area));
    }
    let reference = Some(series_of(area)).filter(|s| s.points.iter().any(|p| p.value.is_some()));
    let periods: BTreeSet<String> = panels
        .iter()
        .map(|p| &p.series)
        .chain(reference.as_ref())
        .flat_map(|s| s.points.iter().map(|p| p.period.clone()))
        .collect();
    let description = format!(
        "{} small line charts of {} ({}), one for each of the {kind} of {}, on the same scale{}.",
        panels.len(),
        def.title.to_lowercase(),
        def.unit,
        area.name,
        if reference.is_some() {
            format!(", each with {} as a grey reference line", area.name)
        } else {
            String::new()
        }
    );
    let mut notes = footnotes(snap, &[def]);
    if members == Members::Ttwa {
        notes.push(
            "Travel to Work Areas shown when most of their residents live in the area's \
             districts; they can extend beyond it."
                .to_owned(),
        );
    }
    Ok(Built {
        chart: Chart::SmallMultiples(SmallMultiplesChart {
            text: ChartText {
                title: format!("{}: {kind} in {}", def.title, area.name),
                description,
                unit: def.unit.as_str().to_owned(),
                footnotes: notes,
            },
            periods: periods.into_iter().collect(),
            panels,
            reference,
        }),
        table: t,
    })
}

// ---------------------------------------------------------------------------------------------
// Drawing, caching, HTTP

/// The picture format of a chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChartImage {
    #[default]
    Svg,
    Png,
}

impl ChartImage {
    pub fn content_type(self) -> &'static str {
        match self {
            ChartImage::Svg => "image/svg+xml",
            ChartImage::Png => "image/png",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            ChartImage::Svg => "svg",
            ChartImage::Png => "png",
        }
    }
}

/// Draws a chart (CPU work: call from a blocking thread).
pub fn draw_chart(chart: &Chart, image: ChartImage) -> Result<Vec<u8>, ReportError> {
    match image {
        ChartImage::Svg => lmi_charts::render_svg(chart).map(String::into_bytes),
        ChartImage::Png => lmi_charts::render_png(chart),
    }
    .map_err(|e| ReportError::NotFound(format!("nothing to chart: {e}")))
}
