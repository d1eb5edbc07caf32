//! Charts of the served numbers, drawn by lmi-charts: `GET /v1/charts/{kind}.{svg|png|csv}`
//! (the CSV is the table behind the chart) and the older per-series
//! `/v1/areas/{code}/indicators/{id}/chart`. [`build`] turns a [`ChartRequest`] into a chart and
//! its table from one snapshot; drawn images are kept in a bounded cache keyed by snapshot
//! version and request, so a chart is drawn once per snapshot.

use crate::error::ApiError;
use crate::export::{Cell, Table};
use crate::extract::{ApiPath, ApiQuery};
use crate::handlers::{ApiResult, CodeIdPath, area, indicator, period_range, tagged};
use crate::state::{AppState, GeoIndex, ServedSnapshot};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use lmi_charts::{
    Chart, ChartText, Mark, Panel, RankedBar, RankedChart, ReferenceLine, SmallMultiplesChart,
    StackedBar, StackedChart, TrendChart, TrendPoint, TrendSeries,
};
use lmi_core::geography::ENGLAND;
use lmi_core::{Area, AreaType, IndicatorDef, IndicatorValue, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::sync::Arc;
use utoipa::{IntoParams, ToSchema};

/// Area types a chart may use as comparators.
pub const COMPARATOR_TYPES: [AreaType; 4] = [
    AreaType::County,
    AreaType::CombinedAuthority,
    AreaType::Region,
    AreaType::Country,
];

/// "local authority districts", "Travel to Work Areas", ...: an area type in a sentence.
pub fn plural(t: AreaType) -> &'static str {
    match t {
        AreaType::Lad => "local authority districts",
        AreaType::Ttwa => "Travel to Work Areas",
        AreaType::County => "counties",
        AreaType::Lep => "LEP areas",
        AreaType::Lsip => "LSIP areas",
        AreaType::CombinedAuthority => "combined authorities",
        AreaType::Region => "regions",
        AreaType::Country => "countries",
    }
}

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

/// Drawn charts kept per server, in bytes.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

/// The kinds of chart lmi draws.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// The area's series against its comparators over time, with confidence bands.
    Trend,
    /// Every area of the same type in one period, best first, the area highlighted.
    Ranking,
    /// Stacked shares (destinations, qualification levels) for the area and its comparators.
    Breakdown,
    /// One small trend per local authority or Travel to Work Area in the area, on one scale.
    SmallMultiples,
}

impl ChartKind {
    pub const ALL: [ChartKind; 4] = [
        ChartKind::Trend,
        ChartKind::Ranking,
        ChartKind::Breakdown,
        ChartKind::SmallMultiples,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::Trend => "trend",
            ChartKind::Ranking => "ranking",
            ChartKind::Breakdown => "breakdown",
            ChartKind::SmallMultiples => "small_multiples",
        }
    }
}

/// Which areas a small-multiples chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Members {
    /// The local authority districts in the area (for a district: those of its Travel to Work
    /// Area).
    Lad,
    /// The Travel to Work Areas most of whose residents live in the area.
    Ttwa,
}

impl Members {
    pub fn area_type(self) -> AreaType {
        match self {
            Members::Lad => AreaType::Lad,
            Members::Ttwa => AreaType::Ttwa,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            Members::Lad => "lad",
            Members::Ttwa => "ttwa",
        }
    }
}

/// Everything that decides a chart's content.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ChartRequest {
    pub kind: ChartKind,
    pub area: String,
    pub indicator: Option<String>,
    pub breakdown: Option<String>,
    /// `None`: all the area's comparators; empty: none.
    pub comparators: Option<Vec<AreaType>>,
    pub members: Option<Members>,
    pub period: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

impl ChartRequest {
    /// The request as a query string in a fixed order (also the cache key).
    pub fn query_string(&self) -> String {
        let mut parts = vec![format!("area={}", encode(&self.area))];
        let mut add = |name: &str, v: &Option<String>| {
            if let Some(v) = v {
                parts.push(format!("{name}={}", encode(v)));
            }
        };
        add("indicator", &self.indicator);
        add("breakdown", &self.breakdown);
        add(
            "comparators",
            &self
                .comparators
                .as_ref()
                .map(|c| c.iter().map(|t| t.as_str()).collect::<Vec<_>>().join(",")),
        );
        add("members", &self.members.map(|m| m.as_str().to_owned()));
        add("period", &self.period);
        add("from", &self.from);
        add("to", &self.to);
        parts.join("&")
    }
}

/// Percent-encodes everything but unreserved characters.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~,".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A chart and the table of the numbers it draws.
#[derive(Debug)]
pub struct Built {
    pub chart: Chart,
    pub table: Table,
}

/// Builds the chart a request asks for from one snapshot. `404` when the area, indicator or
/// breakdown is unknown or there is nothing to draw; `400` when the request does not fit the
/// chart kind.
pub fn build(req: &ChartRequest, snap: &ServedSnapshot, geo: &GeoIndex) -> Result<Built, ApiError> {
    let area = area(geo, &req.area)?;
    // A chart of nothing does not exist (404, not 400: the query is well formed, the kind
    // just has nothing to draw without it).
    let needs = |what: &str| {
        ApiError::NotFound(format!(
            "no chart: a `{}` chart needs `{what}`",
            req.kind.as_str()
        ))
    };
    if req.kind == ChartKind::Breakdown {
        let id = req.breakdown.as_deref().ok_or_else(|| needs("breakdown"))?;
        let b = lmi_core::find_breakdown(id).ok_or_else(|| {
            let known: Vec<_> = lmi_core::BREAKDOWNS.iter().map(|b| b.id).collect();
            ApiError::NotFound(format!(
                "unknown breakdown `{id}`; known: {}",
                known.join(", ")
            ))
        })?;
        return breakdown(req, b, area, snap, geo);
    }
    let def = indicator(req.indicator.as_deref().ok_or_else(|| needs("indicator"))?)?;
    match req.kind {
        ChartKind::Trend => trend(req, def, area, snap, geo),
        ChartKind::Ranking => ranking(req, def, area, snap, geo),
        ChartKind::SmallMultiples => {
            let members = req.members.ok_or_else(|| needs("members (lad or ttwa)"))?;
            small_multiples(req, def, members, area, snap, geo)
        }
        ChartKind::Breakdown => unreachable!("handled above"),
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

fn comparators(req: &ChartRequest, geo: &GeoIndex, area: &Area) -> Vec<&'static Area> {
    geo.comparators(&area.code)
        .iter()
        .copied()
        .filter(|c| {
            req.comparators
                .as_ref()
                .is_none_or(|types| types.contains(&c.area_type))
        })
        .collect()
}

/// Footnotes every chart of these indicators carries: the sample notice, then attribution.
fn footnotes(snap: &ServedSnapshot, defs: &[&IndicatorDef]) -> Vec<String> {
    let mut out = Vec::new();
    if snap.meta.sample {
        out.push(lmi_charts::SYNTHETIC_SAMPLE_NOTICE.to_owned());
    }
    out.extend(attributions(snap, defs));
    out
}

/// The snapshot's sources behind these indicators (district and small-area sources), in
/// manifest order.
pub fn sources_of<'a>(
    snap: &'a ServedSnapshot,
    defs: &'a [&IndicatorDef],
) -> impl Iterator<Item = &'a lmi_core::SourceProvenance> + 'a {
    snap.manifest.sources.iter().filter(move |s| {
        defs.iter()
            .any(|d| d.source == s.source_id || d.small_area_source == Some(s.source_id.as_str()))
    })
}

/// The attribution lines of [`sources_of`], each once (the district and small-area tables of
/// one source share a line).
pub fn attributions(snap: &ServedSnapshot, defs: &[&IndicatorDef]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in sources_of(snap, defs) {
        if !out.contains(&s.attribution) {
            out.push(s.attribution.clone());
        }
    }
    out
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

fn nothing(def_title: &str, area: &Area) -> ApiError {
    ApiError::NotFound(format!(
        "nothing to chart: {} has no values of {def_title} in this snapshot",
        area.name
    ))
}

fn trend(
    req: &ChartRequest,
    def: &'static IndicatorDef,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> Result<Built, ApiError> {
    let in_range = period_range(req.from.as_deref(), req.to.as_deref());
    let areas: Vec<&Area> = std::iter::once(area)
        .chain(comparators(req, geo, area))
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
            crate::dashboard::format_value(l.1, def.unit),
            l.0.period
        ));
    }
    let mut notes = footnotes(snap, &[def]);
    for b in def.series_breaks {
        notes.push(format!("Series break from {}: {}", b.period, b.note));
    }
    Ok(Built {
        chart: Chart::Trend(TrendChart {
            text: ChartText {
                title: format!("{}: {}", def.title, area.name),
                description,
                unit: def.unit.to_owned(),
                footnotes: notes,
            },
            periods,
            series,
        }),
        table: t,
    })
}

fn ranking(
    req: &ChartRequest,
    def: &'static IndicatorDef,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> Result<Built, ApiError> {
    let own = snap.series(def.id, &area.code);
    let period = match &req.period {
        Some(p) => p.clone(),
        None => own
            .rev()
            .find(|v| v.value.is_some())
            .map(|v| v.period.clone())
            .ok_or_else(|| nothing(def.title, area))?,
    };
    let ranked: Vec<&IndicatorValue> = snap.ranking(def.id, area.area_type, &period).collect();
    if ranked.iter().all(|v| v.value.is_none()) {
        return Err(ApiError::NotFound(format!(
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
        });
    }
    let england = snap
        .value(def.id, ENGLAND, &period)
        .and_then(|v| v.value.map(|x| (v, x)));
    let reference = england
        .filter(|_| area.area_type != AreaType::Country)
        .map(|(_, x)| ReferenceLine {
            label: "England".to_owned(),
            value: x,
        });
    let own_value = snap.value(def.id, &area.code, &period);
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
            crate::dashboard::format_value(x, def.unit),
            match (v.derived.rank, v.derived.rank_of) {
                (Some(r), Some(n)) => format!(", rank {r} of {n}"),
                _ => String::new(),
            }
        )),
        None => description.push_str(&format!(", {} has no value in {period}.", area.name)),
    }
    if let Some(r) = &reference {
        description.push_str(&format!(
            " England: {}.",
            crate::dashboard::format_value(r.value, def.unit)
        ));
    }
    Ok(Built {
        chart: Chart::Ranked(RankedChart {
            text: ChartText {
                title: format!("{}: {} among {type_name}, {period}", def.title, area.name),
                description,
                unit: def.unit.to_owned(),
                footnotes: footnotes(snap, &[def]),
            },
            bars,
            reference,
        }),
        table: t,
    })
}

fn breakdown(
    req: &ChartRequest,
    b: &'static lmi_core::BreakdownDef,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> Result<Built, ApiError> {
    let defs: Vec<&IndicatorDef> = b
        .parts
        .iter()
        .filter_map(|p| lmi_core::find_indicator(p.indicator))
        .collect();
    let period = match &req.period {
        Some(p) => p.clone(),
        None => latest_of_parts(b, &area.code, snap).ok_or_else(|| nothing(b.title, area))?,
    };
    let areas: Vec<&Area> = std::iter::once(area)
        .chain(comparators(req, geo, area))
        .collect();
    let mut t = table(
        snap,
        format!("{}-{}-{}", area.code, b.id, period.replace('/', "-")),
        format!("{}: {} and comparators, {period}", b.title, area.name),
        &columns(&["area_code", "area_name", "part", "indicator"]),
        &defs,
    );
    let mut bars = Vec::new();
    let names = labels(&areas);
    for (a, label) in areas.into_iter().zip(names) {
        let values: Vec<Option<&IndicatorValue>> = defs
            .iter()
            .map(|d| snap.value(d.id, &a.code, &period))
            .collect();
        if values.iter().all(Option::is_none) {
            continue;
        }
        for ((part, d), v) in b.parts.iter().zip(&defs).zip(&values) {
            let mut row: Vec<Cell> = vec![
                a.code.as_str().into(),
                a.name.as_str().into(),
                part.label.into(),
                d.id.into(),
            ];
            row.extend(value_cells(*v));
            t.push(row);
        }
        let any = |f: fn(&IndicatorValue) -> bool| values.iter().flatten().any(|v| f(v));
        bars.push(StackedBar {
            label,
            parts: values.iter().map(|v| v.and_then(|v| v.value)).collect(),
            mark: if any(|v| v.status == Status::Suppressed) {
                Mark::Suppressed
            } else if any(|v| v.approximate) {
                Mark::Approximate
            } else {
                Mark::None
            },
        });
    }
    // The chart is about the area: without any value of its own there is nothing to show.
    let own = defs.iter().any(|d| {
        snap.value(d.id, &area.code, &period)
            .is_some_and(|v| v.value.is_some())
    });
    if !own {
        return Err(ApiError::NotFound(format!(
            "nothing to chart: {} has no values of {} in {period}",
            area.name, b.title
        )));
    }
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

/// The areas a small-multiples chart of `area` shows.
pub fn members_of(geo: &GeoIndex, area: &Area, members: Members) -> Vec<&'static Area> {
    let g = geo.geography;
    let ttwa_of_lad = |lad: &str| -> Vec<&'static Area> {
        g.areas()
            .filter(|t| t.area_type == AreaType::Ttwa)
            .filter(|t| g.member_lads(&t.code).iter().any(|l| l.code == lad))
            .filter_map(|t| geo.area(&t.code))
            .collect()
    };
    let lads: Vec<&'static Area> = match area.area_type {
        AreaType::Lad => match members {
            Members::Lad => ttwa_of_lad(&area.code)
                .iter()
                .flat_map(|t| g.member_lads(&t.code))
                .filter_map(|l| geo.area(&l.code))
                .collect(),
            Members::Ttwa => return ttwa_of_lad(&area.code),
        },
        AreaType::Ttwa => g
            .member_lads(&area.code)
            .iter()
            .filter_map(|l| geo.area(&l.code))
            .collect(),
        _ => geo
            .children(&area.code)
            .iter()
            .copied()
            .filter(|c| c.area_type == AreaType::Lad)
            .collect(),
    };
    match members {
        Members::Lad => {
            let mut out = lads;
            out.sort_by(|a, b| a.name.cmp(&b.name));
            out.dedup_by(|a, b| a.code == b.code);
            out
        }
        Members::Ttwa => {
            // A TTWA is "in" the area when most of its residents live in the area's districts.
            let share_in_area = |ttwa: &str| -> f64 {
                g.ttwa_overlaps(ttwa)
                    .iter()
                    .filter(|o| o.ttwa_code == ttwa && lads.iter().any(|l| l.code == o.lad_code))
                    .map(|o| o.share_of_ttwa)
                    .sum()
            };
            let mut out: Vec<&'static Area> = g
                .areas()
                .filter(|t| t.area_type == AreaType::Ttwa && share_in_area(&t.code) > 0.5)
                .filter_map(|t| geo.area(&t.code))
                .collect();
            out.sort_by(|a, b| a.name.cmp(&b.name));
            out
        }
    }
}

fn small_multiples(
    req: &ChartRequest,
    def: &'static IndicatorDef,
    members: Members,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> Result<Built, ApiError> {
    let in_range = period_range(req.from.as_deref(), req.to.as_deref());
    let list = members_of(geo, area, members);
    let kind = match members {
        Members::Lad => "local authorities",
        Members::Ttwa => "Travel to Work Areas",
    };
    if list.is_empty() {
        return Err(ApiError::NotFound(format!(
            "nothing to chart: {} has no {kind} in it",
            area.name
        )));
    }
    if list.len() > MAX_PANELS {
        return Err(ApiError::NotFound(format!(
            "no chart: {} has {} {kind}, more than the {MAX_PANELS} one chart shows; choose a \
             smaller area",
            area.name,
            list.len()
        )));
    }
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
    let mut panels = Vec::new();
    for m in &list {
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
                unit: def.unit.to_owned(),
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
    fn content_type(self) -> &'static str {
        match self {
            ChartImage::Svg => "image/svg+xml",
            ChartImage::Png => "image/png",
        }
    }
}

/// Draws a chart (CPU work: call from a blocking thread).
pub fn draw(chart: &Chart, image: ChartImage) -> Result<Vec<u8>, ApiError> {
    match image {
        ChartImage::Svg => lmi_charts::render_svg(chart).map(String::into_bytes),
        ChartImage::Png => lmi_charts::render_png(chart),
    }
    .map_err(|e| ApiError::NotFound(format!("nothing to chart: {e}")))
}

#[derive(Clone)]
struct BytesWeighter;

impl quick_cache::Weighter<(String, ChartImage, String), Arc<Vec<u8>>> for BytesWeighter {
    fn weight(&self, _key: &(String, ChartImage, String), val: &Arc<Vec<u8>>) -> u64 {
        val.len().max(1) as u64
    }
}

/// Drawn charts by (snapshot version, image format, request), bounded by total bytes.
pub struct ChartCache {
    cache: quick_cache::sync::Cache<(String, ChartImage, String), Arc<Vec<u8>>, BytesWeighter>,
}

impl Default for ChartCache {
    fn default() -> Self {
        ChartCache {
            cache: quick_cache::sync::Cache::with_weighter(2048, CACHE_BYTES, BytesWeighter),
        }
    }
}

impl ChartCache {
    /// Drawn charts held.
    pub(crate) fn len(&self) -> usize {
        self.cache.len()
    }

    /// Total bytes of the drawn charts held.
    pub(crate) fn bytes(&self) -> u64 {
        self.cache.weight()
    }
}

/// Draws (or finds in the cache) the chart a request asks for.
async fn drawn(
    state: &AppState,
    snap: &Arc<ServedSnapshot>,
    req: ChartRequest,
    image: ChartImage,
) -> Result<Arc<Vec<u8>>, ApiError> {
    let key = (
        snap.version().to_owned(),
        image,
        format!("{}?{}", req.kind.as_str(), req.query_string()),
    );
    let cache = &state.shared.charts;
    if let Some(hit) = cache.cache.get(&key) {
        return Ok(hit);
    }
    let built = build(&req, snap, state.geo())?;
    // Drawing is CPU work: keep it off the async worker threads.
    let bytes = tokio::task::spawn_blocking(move || draw(&built.chart, image))
        .await
        .map_err(|e| ApiError::Internal(format!("the chart could not be drawn: {e}")))??;
    let bytes = Arc::new(bytes);
    cache.cache.insert(key, bytes.clone());
    Ok(bytes)
}

fn image_response(
    snap: &ServedSnapshot,
    req: &ChartRequest,
    bytes: Arc<Vec<u8>>,
    image: ChartImage,
) -> axum::response::Response {
    let mut response = bytes.as_ref().clone().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(image.content_type()),
    );
    // A saved chart gets a name that says what it is.
    let subject = req
        .indicator
        .as_deref()
        .or(req.breakdown.as_deref())
        .unwrap_or("");
    let name: String = format!(
        "{}-{subject}-{}.{}",
        req.area,
        req.kind.as_str(),
        match image {
            ChartImage::Svg => "svg",
            ChartImage::Png => "png",
        }
    )
    .chars()
    .map(|c| {
        if c.is_ascii_alphanumeric() || "-_.".contains(c) {
            c
        } else {
            '_'
        }
    })
    .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    tagged(snap, response)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(names("file"), parameter_in = Path)]
pub struct ChartFilePath(
    /// `{kind}.{format}`: kind `trend`, `ranking`, `breakdown` or `small_multiples`; format
    /// `svg`, `png` or `csv` (the numbers behind the chart).
    #[param(
        example = "trend.svg",
        pattern = r"^(trend|ranking|breakdown|small_multiples)\.(svg|png|csv)$"
    )]
    pub String,
);

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChartsQuery {
    /// GSS code of the area the chart is about.
    #[param(required = true, example = "E30000255")]
    area: Option<String>,
    /// Indicator id (`trend`, `ranking`, `small_multiples`).
    #[param(example = "ks4_apprenticeship_rate")]
    indicator: Option<String>,
    /// Breakdown id (`breakdown`): `ks4_destinations`, `post16_destinations`,
    /// `census_qualifications`.
    #[param(example = "ks4_destinations")]
    breakdown: Option<String>,
    /// Comma-separated comparator types for `trend` and `breakdown` (`county`,
    /// `combined_authority`, `region`, `country`); all when absent, none when empty.
    #[param(
        pattern = r"^((county|combined_authority|region|country)(,(county|combined_authority|region|country))*)?$",
        example = "region,country"
    )]
    comparators: Option<String>,
    /// `lad` or `ttwa`, for `small_multiples`.
    members: Option<Members>,
    /// Period for `ranking` and `breakdown` (default: the area's latest).
    period: Option<String>,
    /// First period for `trend` and `small_multiples`.
    from: Option<String>,
    /// Last period for `trend` and `small_multiples`.
    to: Option<String>,
}

fn parse_file(file: &str) -> Result<(ChartKind, Option<ChartImage>), ApiError> {
    let bad = || {
        ApiError::NotFound(format!(
            "no chart `{file}`: expected {{kind}}.{{svg|png|csv}} with kind one of trend, ranking, \
             breakdown, small_multiples"
        ))
    };
    let (kind, ext) = file.rsplit_once('.').ok_or_else(bad)?;
    let kind = ChartKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)
        .ok_or_else(bad)?;
    let image = match ext {
        "svg" => Some(ChartImage::Svg),
        "png" => Some(ChartImage::Png),
        "csv" => None,
        _ => return Err(bad()),
    };
    Ok((kind, image))
}

fn parse_comparators(s: &str) -> Result<Vec<AreaType>, ApiError> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<AreaType>()
                .ok()
                .filter(|t| COMPARATOR_TYPES.contains(t))
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "comparator type `{t}` is not one of county, combined_authority, region, \
                         country"
                    ))
                })
        })
        .collect()
}

/// A chart of the served numbers as SVG or PNG, or the table behind it as CSV.
#[utoipa::path(get, path = "/v1/charts/{file}", tag = "charts",
    params(ChartFilePath, ChartsQuery),
    responses(
        (status = 200, description = "The chart, or its numbers", content((String = "image/svg+xml"), (Vec<u8> = "image/png"), (String = "text/csv"))),
        (status = 400, description = "Bad parameter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown chart kind, area, indicator or breakdown, or nothing to draw", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn chart_file(
    State(state): State<AppState>,
    ApiPath(ChartFilePath(file)): ApiPath<ChartFilePath>,
    ApiQuery(q): ApiQuery<ChartsQuery>,
) -> ApiResult {
    let (kind, image) = parse_file(&file)?;
    let area = q
        .area
        .ok_or_else(|| ApiError::BadRequest("`area` is required, e.g. area=E30000255".into()))?;
    let req = ChartRequest {
        kind,
        area,
        indicator: q.indicator,
        breakdown: q.breakdown,
        comparators: q
            .comparators
            .as_deref()
            .map(parse_comparators)
            .transpose()?,
        members: q.members,
        period: q.period,
        from: q.from,
        to: q.to,
    };
    let snap = state.current();
    match image {
        Some(image) => {
            let bytes = drawn(&state, &snap, req.clone(), image).await?;
            Ok(image_response(&snap, &req, bytes, image))
        }
        None => {
            let built = build(&req, &snap, state.geo())?;
            Ok(tagged(
                &snap,
                built.table.into_response(crate::export::Format::Csv)?,
            ))
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChartQuery {
    /// First period to include (a period label, e.g. `2019/20`).
    from: Option<String>,
    /// Last period to include.
    to: Option<String>,
    /// `svg` (default) or `png`.
    image: Option<ChartImage>,
}

/// An area's series and its comparators' as a line chart: the same chart as
/// `/v1/charts/trend.svg?area={code}&indicator={id}`.
#[utoipa::path(get, path = "/v1/areas/{code}/indicators/{id}/chart", tag = "charts",
    params(CodeIdPath, ChartQuery),
    responses(
        (status = 200, description = "The chart", content((String = "image/svg+xml"), (Vec<u8> = "image/png"))),
        (status = 400, description = "Bad parameter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown area or indicator, or nothing to draw", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn chart(
    State(state): State<AppState>,
    ApiPath(CodeIdPath(code, id)): ApiPath<CodeIdPath>,
    ApiQuery(q): ApiQuery<ChartQuery>,
) -> ApiResult {
    let req = ChartRequest {
        kind: ChartKind::Trend,
        area: code,
        indicator: Some(id),
        breakdown: None,
        comparators: None,
        members: None,
        period: None,
        from: q.from,
        to: q.to,
    };
    let image = q.image.unwrap_or_default();
    let snap = state.current();
    let bytes = drawn(&state, &snap, req.clone(), image).await?;
    Ok(image_response(&snap, &req, bytes, image))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_files_and_query_strings() {
        assert_eq!(
            parse_file("trend.svg").unwrap(),
            (ChartKind::Trend, Some(ChartImage::Svg))
        );
        assert_eq!(
            parse_file("small_multiples.csv").unwrap(),
            (ChartKind::SmallMultiples, None)
        );
        for bad in ["trend", "pie.svg", "trend.gif", ".svg"] {
            assert!(
                matches!(parse_file(bad), Err(ApiError::NotFound(_))),
                "{bad}"
            );
        }
        let req = ChartRequest {
            kind: ChartKind::Breakdown,
            area: "E30000255".into(),
            indicator: None,
            breakdown: Some("ks4_destinations".into()),
            comparators: Some(vec![AreaType::Region, AreaType::Country]),
            members: None,
            period: Some("2022/23".into()),
            from: None,
            to: None,
        };
        assert_eq!(
            req.query_string(),
            "area=E30000255&breakdown=ks4_destinations&comparators=region,country&period=2022%2F23"
        );
        assert_eq!(
            parse_comparators("region, country").unwrap(),
            [AreaType::Region, AreaType::Country]
        );
        assert!(parse_comparators("").unwrap().is_empty());
        assert!(matches!(
            parse_comparators("lad"),
            Err(ApiError::BadRequest(_))
        ));
    }
}
