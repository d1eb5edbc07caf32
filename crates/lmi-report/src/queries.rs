//! The answers the API serves, as typed bodies built from one indexed snapshot: an area and its
//! relations, the indicator catalogue, series with comparators, comparisons, rankings, profiles,
//! sources and the snapshot itself. Each table-shaped body also renders as a [`Table`]
//! ([`ToTable`]) for CSV and XLSX, so the JSON and the download always hold the same numbers.

use crate::error::ReportError;
use crate::lookup::{area, indicator, no_value_note, period_range, range_note};
use crate::search::{SearchHit, search};
use crate::snapshot::{GeoIndex, Meta, ServedSnapshot};
use crate::table::{Cell, Table};
use lmi_core::{Area, AreaType, Derived, IndicatorDef, IndicatorValue, SourceProvenance, Status};
use serde::Serialize;
use std::collections::BTreeMap;
use utoipa::ToSchema;

pub(crate) mod demand;
pub(crate) mod sectors;
pub(crate) mod similar;
pub(crate) use demand::with_caveats;
pub use demand::{
    AreaBreakdown, AreaFlows, AreaProjections, BreakdownCatalogue, BreakdownEntry, BreakdownSort,
    FlowLink, FlowTotals, PartShare, ProjectionValue, READINGS, TOP_FLOWS, area_breakdown,
    area_flows, area_projections, breakdown_catalogue,
};
pub use sectors::{
    AHEAD, AreaSectors, BEHIND, Basis, FE_BY_SSA, JOBS_BY_SECTION, Position, SectionEntry,
    SectorRow, SectorsMapping, Shares, SubjectSupply, SupplyDemand, area_sectors, sectors_mapping,
    supply_demand,
};
pub use similar::{
    ExcludedIndicator, Neighbour, NeighbourValue, SIMILAR_DEFAULT, SIMILAR_INDICATORS, SIMILAR_MAX,
    SimilarAreas, SimilarIndicator, SimilarMethod, similar_areas,
};

/// A body that is also a table (for `?format=csv|xlsx`).
pub trait ToTable {
    fn to_table(&self, snap: &ServedSnapshot) -> Table;
}

/// At most this many areas in one comparison.
pub const MAX_COMPARE: usize = 25;

// ---------------------------------------------------------------------------------------------
// Areas

#[derive(Serialize, ToSchema)]
pub struct AreaList<'a> {
    meta: &'a Meta,
    /// Matches in total, before `limit`.
    total: usize,
    areas: Vec<SearchHit>,
    /// When the query is a postcode in the snapshot's directory: the postcode as published
    /// (its areas are listed first, TTWA first, matched `postcode`).
    #[serde(skip_serializing_if = "Option::is_none")]
    postcode: Option<String>,
    #[serde(skip)]
    query: String,
}

/// Areas matching a name, start of a name or code (fuzzy when nothing matches as typed), best
/// match first, at most `limit`.
pub fn areas<'a>(
    snap: &'a ServedSnapshot,
    geo: &GeoIndex,
    query: &str,
    area_type: Option<AreaType>,
    limit: usize,
) -> AreaList<'a> {
    let mut hits = search(geo, query, area_type);
    // A postcode's areas come first (issue 26).
    let postcode = crate::postcodes::postcode_hits(snap, geo, query, area_type).map(
        |(postcode, mut found)| {
            found.append(&mut hits);
            hits = found;
            postcode
        },
    );
    AreaList {
        meta: &snap.meta,
        total: hits.len(),
        areas: hits.into_iter().take(limit).collect(),
        postcode,
        query: query.to_owned(),
    }
}

impl ToTable for AreaList<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let mut t = Table::new(
            "areas",
            &["code", "name", "type", "match"],
            snap,
            format!("Areas matching `{}`", self.query),
            &[],
        );
        for h in &self.areas {
            t.push(vec![
                h.code.as_str().into(),
                h.name.as_str().into(),
                h.area_type.as_str().into(),
                h.matched.as_str().into(),
            ]);
        }
        t
    }
}

#[derive(Serialize, ToSchema)]
pub struct Overlap<'a> {
    code: &'a str,
    name: &'a str,
    /// Share of the district's residents living in the TTWA.
    share_of_lad: f64,
    /// Share of the TTWA's residents living in the district.
    share_of_ttwa: f64,
    /// The district is used to approximate the TTWA.
    best_fit: bool,
}

#[derive(Serialize, ToSchema)]
pub struct AreaDetail<'a> {
    meta: &'a Meta,
    area: &'a Area,
    type_label: &'static str,
    /// Larger areas wholly containing this one, finest first.
    parents: &'a [&'static Area],
    /// The areas its values are compared with: county, combined authority, region, England.
    comparators: &'a [&'static Area],
    /// Smaller areas wholly inside it (TTWAs excluded: they are approximations).
    children: &'a [&'static Area],
    /// LADs the area is built from (for a TTWA, its best-fit districts).
    lads: Vec<&'a Area>,
    /// For a LAD, the TTWAs it lies in; for a TTWA, every district sharing its residents.
    ttwa_overlaps: Vec<Overlap<'a>>,
    /// For an area group: its definition, from the hub's area groups file (absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    group: Option<GroupDefinition<'a>>,
}

/// An area group's definition as the file gives it, and what that means for its values.
#[derive(Serialize, ToSchema)]
pub struct GroupDefinition<'a> {
    /// Always `user_defined`: a group is defined by a hub, not published by ONS.
    defined_by: &'static str,
    #[serde(flatten)]
    definition: &'a lmi_core::AreaGroup,
    /// How its values are made, in words.
    note: String,
}

impl<'a> GroupDefinition<'a> {
    fn of(group: &'a lmi_core::AreaGroup) -> GroupDefinition<'a> {
        GroupDefinition {
            defined_by: "user_defined",
            definition: group,
            note: format!(
                "A user-defined area group of {} whole district(s), defined in {} (line {}), not \
                 an ONS geography. Its values are the sums of its districts' counts, exact \
                 because it is made of whole districts (rates are ratios of those sums); survey \
                 estimates and published rates are never summed, so it has none of those.",
                group.members.len(),
                group.file,
                group.line
            ),
        }
    }
}

/// One area with its parents, children, comparators and TTWA overlaps.
pub fn area_detail<'a>(
    snap: &'a ServedSnapshot,
    geo: &'a GeoIndex,
    code: &str,
) -> Result<AreaDetail<'a>, ReportError> {
    let area = area(geo, code)?;
    let is_lad = area.area_type == AreaType::Lad;
    let overlaps = geo
        .geography
        .ttwa_overlaps(code)
        .into_iter()
        .filter_map(|o| {
            let other = geo.area(if is_lad { &o.ttwa_code } else { &o.lad_code })?;
            Some(Overlap {
                code: &other.code,
                name: &other.name,
                share_of_lad: o.share_of_lad,
                share_of_ttwa: o.share_of_ttwa,
                best_fit: o.best_fit,
            })
        })
        .collect();
    let body = AreaDetail {
        meta: &snap.meta,
        area,
        type_label: area.area_type.label(),
        parents: geo.parents(code),
        comparators: geo.comparators(code),
        children: geo.children(code),
        lads: if is_lad {
            Vec::new()
        } else {
            geo.geography.member_lads(code)
        },
        ttwa_overlaps: overlaps,
        group: geo.geography.group(code).map(GroupDefinition::of),
    };
    Ok(body)
}

// ---------------------------------------------------------------------------------------------
// Indicators

// ---------------------------------------------------------------------------------------------
// Indicators

#[derive(Serialize, ToSchema)]
pub struct IndicatorList<'a> {
    meta: &'a Meta,
    indicators: &'static [IndicatorDef],
}

/// The indicator catalogue.
pub fn indicators(snap: &ServedSnapshot) -> IndicatorList<'_> {
    IndicatorList {
        meta: &snap.meta,
        indicators: lmi_core::INDICATORS,
    }
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorDetail<'a> {
    meta: &'a Meta,
    indicator: &'static IndicatorDef,
    /// Periods with values in this snapshot, oldest first.
    periods: &'a [String],
    /// The most recent period with values, if any.
    latest_period: Option<&'a str>,
}

/// One indicator and the periods the snapshot holds for it.
pub fn indicator_detail<'a>(
    snap: &'a ServedSnapshot,
    id: &str,
) -> Result<IndicatorDetail<'a>, ReportError> {
    let def = indicator(id)?;
    let periods = snap.periods(def.id);
    Ok(IndicatorDetail {
        meta: &snap.meta,
        indicator: def,
        periods,
        latest_period: periods.last().map(String::as_str),
    })
}

// ---------------------------------------------------------------------------------------------
// Series

/// One value of one area in one period.
#[derive(Serialize, ToSchema)]
pub struct Point<'a> {
    period: &'a str,
    /// Absent when the status carries no number (suppressed, not applicable, unavailable).
    value: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    status: Status,
    /// Built by best fit from whole districts (TTWAs).
    approximate: bool,
    /// For approximate values, the share of the area's residents in the districts used.
    coverage: Option<f64>,
    /// Current districts whose data went into the value.
    constituents: u32,
    ci_lower: Option<f64>,
    ci_upper: Option<f64>,
    /// Fed by a source the latest refresh could not update (carried over from an earlier
    /// snapshot; see `GET /v1/sources`).
    stale: bool,
    #[serde(flatten)]
    derived: &'a Derived,
}

impl<'a> From<&'a IndicatorValue> for Point<'a> {
    fn from(v: &'a IndicatorValue) -> Self {
        Point {
            period: &v.period,
            value: v.value,
            numerator: v.numerator,
            denominator: v.denominator,
            status: v.status,
            approximate: v.approximate,
            coverage: v.coverage,
            constituents: v.constituents,
            ci_lower: v.ci_lower,
            ci_upper: v.ci_upper,
            stale: v.stale,
            derived: &v.derived,
        }
    }
}

const POINT_COLUMNS: [&str; 19] = [
    "period",
    "value",
    "numerator",
    "denominator",
    "status",
    "approximate",
    "coverage",
    "constituents",
    "ci_lower",
    "ci_upper",
    "stale",
    "change_1",
    "change_5",
    "rank",
    "rank_of",
    "percentile",
    "gap_to_england",
    "vs_england",
    "vs_england_method",
];

impl Point<'_> {
    /// The point's cells, in [`POINT_COLUMNS`] order.
    fn cells(&self) -> Vec<Cell> {
        let d = self.derived;
        vec![
            self.period.into(),
            self.value.into(),
            self.numerator.into(),
            self.denominator.into(),
            self.status.as_str().into(),
            self.approximate.into(),
            self.coverage.into(),
            self.constituents.into(),
            self.ci_lower.into(),
            self.ci_upper.into(),
            self.stale.into(),
            d.change_1.into(),
            d.change_5.into(),
            d.rank.into(),
            d.rank_of.into(),
            d.percentile.into(),
            d.gap_to_england.into(),
            d.vs_england.as_str().into(),
            d.vs_england_method.as_str().into(),
        ]
    }
}

fn columns_with(prefix: &[&'static str]) -> Vec<&'static str> {
    prefix.iter().copied().chain(POINT_COLUMNS).collect()
}

fn area_cells(a: &Area) -> [Cell; 3] {
    [
        a.code.as_str().into(),
        a.name.as_str().into(),
        a.area_type.as_str().into(),
    ]
}

#[derive(Serialize, ToSchema)]
pub struct ComparatorSeries<'a> {
    area: &'a Area,
    series: Vec<Point<'a>>,
}

#[derive(Serialize, ToSchema)]
pub struct AreaIndicator<'a> {
    meta: &'a Meta,
    area: &'a Area,
    indicator: &'static IndicatorDef,
    series: Vec<Point<'a>>,
    /// County, combined authority, region and England, keyed by code, over the same periods.
    comparators: BTreeMap<&'a str, ComparatorSeries<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
    /// How old the data is: per source of the indicator, the publisher's release date, when lmi
    /// fetched it, and whether the next release is overdue.
    freshness: Vec<lmi_core::Freshness>,
    /// The comparators in their order (county, combined authority, region, England).
    #[serde(skip)]
    comparator_areas: &'a [&'static Area],
}

/// How old an indicator's data is, per source it is built from.
fn indicator_freshness(snap: &ServedSnapshot, def: &IndicatorDef) -> Vec<lmi_core::Freshness> {
    let sources: Vec<&str> = def.sources().collect();
    crate::charts::freshness_of(snap, &sources)
}

/// An area's series of one indicator over `from..=to`, with its comparators' series.
pub fn area_series<'a>(
    snap: &'a ServedSnapshot,
    geo: &'a GeoIndex,
    code: &str,
    id: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<AreaIndicator<'a>, ReportError> {
    let area = area(geo, code)?;
    let def = indicator(id)?;
    let in_range = period_range(from, to);
    let series_of = |code: &str| -> Vec<Point<'a>> {
        snap.series(def.id, code)
            .filter(|v| in_range(&v.period))
            .map(Point::from)
            .collect()
    };
    let mut notes: Vec<String> = range_note(from, to).into_iter().collect();
    if snap.series(def.id, code).len() == 0 {
        notes.push(no_value_note(geo, area, def));
    }
    let comparator_areas = geo.comparators(code);
    let comparators = comparator_areas
        .iter()
        .map(|c| {
            let series = series_of(&c.code);
            (c.code.as_str(), ComparatorSeries { area: c, series })
        })
        .collect();
    Ok(AreaIndicator {
        meta: &snap.meta,
        area,
        indicator: def,
        series: series_of(code),
        comparators,
        notes,
        freshness: indicator_freshness(snap, def),
        comparator_areas,
    })
}

impl ToTable for AreaIndicator<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let def = self.indicator;
        let mut t = Table::new(
            format!("{}-{}", self.area.code, def.id),
            &columns_with(&["role", "area_code", "area_name", "area_type"]),
            snap,
            format!("{}: {} and comparators", def.title, self.area.name),
            &[def],
        );
        let rows = std::iter::once(("area", self.area, &self.series)).chain(
            self.comparator_areas
                .iter()
                .filter_map(|c| self.comparators.get(c.code.as_str()))
                .map(|c| ("comparator", c.area, &c.series)),
        );
        for (role, a, series) in rows {
            for p in series {
                let mut row = vec![role.into()];
                row.extend(area_cells(a));
                row.extend(p.cells());
                t.push(row);
            }
        }
        t
    }
}

// ---------------------------------------------------------------------------------------------
// Compare

#[derive(Serialize, ToSchema)]
pub struct AreaSeries<'a> {
    area: &'a Area,
    series: Vec<Point<'a>>,
}

#[derive(Serialize, ToSchema)]
pub struct Comparison<'a> {
    meta: &'a Meta,
    indicator: &'static IndicatorDef,
    /// Every period any of the areas has, oldest first.
    periods: Vec<&'a str>,
    areas: Vec<AreaSeries<'a>>,
}

/// Several areas side by side on one indicator over `from..=to`. `codes` are GSS codes (at most
/// [`MAX_COMPARE`]); one listed twice is shown once.
pub fn compare<'a>(
    snap: &'a ServedSnapshot,
    geo: &GeoIndex,
    codes: &[&str],
    id: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Comparison<'a>, ReportError> {
    if codes.len() > MAX_COMPARE {
        return Err(ReportError::Invalid(format!(
            "at most {MAX_COMPARE} areas can be compared at once, found {}",
            codes.len()
        )));
    }
    let mut areas: Vec<&'static Area> = Vec::with_capacity(codes.len());
    for code in codes {
        let well_formed = ((1..=16).contains(&code.len())
            && code.bytes().all(|b| b.is_ascii_alphanumeric()))
            || lmi_core::groups::is_group_code_form(code);
        if !well_formed {
            return Err(ReportError::Invalid(format!(
                "`areas` must be GSS codes or area group codes (`G-…`) separated by single \
                 commas (no spaces), found `{code}`"
            )));
        }
        let a = area(geo, code)?;
        if !areas.iter().any(|x| x.code == a.code) {
            areas.push(a);
        }
    }
    let def = indicator(id)?;
    let in_range = period_range(from, to);
    let areas: Vec<AreaSeries> = areas
        .into_iter()
        .map(|a| AreaSeries {
            area: a,
            series: snap
                .series(def.id, &a.code)
                .filter(|v| in_range(&v.period))
                .map(Point::from)
                .collect(),
        })
        .collect();
    let mut periods: Vec<&str> = areas
        .iter()
        .flat_map(|a| a.series.iter().map(|p| p.period))
        .collect();
    periods.sort_unstable();
    periods.dedup();
    Ok(Comparison {
        meta: &snap.meta,
        indicator: def,
        periods,
        areas,
    })
}

impl ToTable for Comparison<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let def = self.indicator;
        let mut t = Table::new(
            format!("compare-{}", def.id),
            &columns_with(&["area_code", "area_name", "area_type"]),
            snap,
            format!("{}: {} areas compared", def.title, self.areas.len()),
            &[def],
        );
        for a in &self.areas {
            for p in &a.series {
                let mut row: Vec<Cell> = area_cells(a.area).into();
                row.extend(p.cells());
                t.push(row);
            }
        }
        t
    }
}

// ---------------------------------------------------------------------------------------------
// Rankings

#[derive(Serialize, ToSchema)]
pub struct Ranked<'a> {
    /// Order in this list, 1 first; absent for areas without a value.
    position: Option<u32>,
    area: &'a Area,
    #[serde(flatten)]
    point: Point<'a>,
}

#[derive(Serialize, ToSchema)]
pub struct Ranking<'a> {
    meta: &'a Meta,
    indicator: &'static IndicatorDef,
    area_type: AreaType,
    period: &'a str,
    /// Periods with values for this area type, oldest first.
    periods: Vec<&'a str>,
    /// `descending` when higher values are better or the direction is not judged.
    order: &'static str,
    total: usize,
    areas: Vec<Ranked<'a>>,
}

/// Every area of one type ranked on one indicator in `period` (default: the latest with values
/// for that type), best first; areas without a value last.
pub fn ranking<'a>(
    snap: &'a ServedSnapshot,
    geo: &GeoIndex,
    id: &str,
    area_type: AreaType,
    period: Option<&str>,
) -> Result<Ranking<'a>, ReportError> {
    let def = indicator(id)?;
    let periods = snap.periods_for_type(def.id, area_type);
    let period = match period {
        Some(p) => periods.iter().copied().find(|x| *x == p).ok_or_else(|| {
            ReportError::NotFound(format!(
                "{} has no values for {area_type} areas in period `{p}`; periods available: {}",
                def.id,
                periods.join(", ")
            ))
        })?,
        None => periods.last().copied().ok_or_else(|| {
            ReportError::NotFound(format!(
                "{} has no values for {area_type} areas in this snapshot",
                def.id
            ))
        })?,
    };
    let mut position = 0;
    let areas: Vec<Ranked> = snap
        .ranking(def.id, area_type, period)
        .filter_map(|v| {
            let a = geo.area(&v.area_code)?;
            let pos = v.value.map(|_| {
                position += 1;
                position
            });
            Some(Ranked {
                position: pos,
                area: a,
                point: Point::from(v),
            })
        })
        .collect();
    Ok(Ranking {
        meta: &snap.meta,
        indicator: def,
        area_type,
        period,
        periods: periods.clone(),
        order: if def.higher_is_better == Some(false) {
            "ascending"
        } else {
            "descending"
        },
        total: areas.len(),
        areas,
    })
}

impl ToTable for Ranking<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let (def, area_type, period) = (self.indicator, self.area_type, self.period);
        let mut t = Table::new(
            format!("rankings-{}-{area_type}-{period}", def.id),
            &columns_with(&["position", "area_code", "area_name", "area_type"]),
            snap,
            format!(
                "{}: {} areas ranked, {period}",
                def.title,
                area_type.label()
            ),
            &[def],
        );
        for r in &self.areas {
            let mut row = vec![r.position.into()];
            row.extend(area_cells(r.area));
            row.extend(r.point.cells());
            t.push(row);
        }
        t
    }
}

// ---------------------------------------------------------------------------------------------
// Profile

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
    Flat,
}

#[derive(Serialize, ToSchema)]
pub struct Trend {
    /// Change since the previous period (from the pipeline; absent when not computed).
    change_1: Option<f64>,
    /// Change over five periods.
    change_5: Option<f64>,
    /// Arrow for `change_1`.
    direction: Option<Direction>,
    /// Whether the change is for the better, when the indicator has a direction.
    improving: Option<bool>,
}

impl Trend {
    fn of(v: Option<&IndicatorValue>, higher_is_better: Option<bool>) -> Trend {
        let d = v.map(|v| &v.derived);
        let change_1 = d.and_then(|d| d.change_1);
        let direction = change_1.map(|c| {
            if c > 0.0 {
                Direction::Up
            } else if c < 0.0 {
                Direction::Down
            } else {
                Direction::Flat
            }
        });
        let improving = match (direction, higher_is_better) {
            (Some(Direction::Up), Some(h)) => Some(h),
            (Some(Direction::Down), Some(h)) => Some(!h),
            _ => None,
        };
        Trend {
            change_1,
            change_5: d.and_then(|d| d.change_5),
            direction,
            improving,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct RankInfo {
    /// Among areas of the same type in the period; 1 is best (from the pipeline).
    rank: Option<u32>,
    rank_of: Option<u32>,
    percentile: Option<f64>,
    gap_to_england: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct ComparatorValue<'a> {
    area: &'a Area,
    /// The comparator's value in the same period as the area's latest value.
    value: Option<f64>,
    status: Option<Status>,
    ci_lower: Option<f64>,
    ci_upper: Option<f64>,
    /// Whether the area's value differs from this comparator's, by the same test as
    /// `vs_england` (confidence intervals that do not overlap; exact where there are none).
    difference: lmi_core::Difference,
}

#[derive(Serialize, ToSchema)]
pub struct ProfileEntry<'a> {
    indicator: &'static IndicatorDef,
    /// The area's most recent value.
    latest: Option<Point<'a>>,
    /// The most recent period of the indicator in the snapshot (any area).
    latest_period: Option<&'a str>,
    /// How many periods the area has.
    periods: usize,
    trend: Trend,
    rank: RankInfo,
    comparators: Vec<ComparatorValue<'a>>,
    /// Things to read the number with: `no_data`, `suppressed`, `approximate`, `stale`,
    /// `not_latest_period`, `low_reliability`, `estimated`, `series_break`, `not_applicable`,
    /// `unavailable`.
    flags: Vec<&'static str>,
    /// How old the data is (see [`AreaIndicator`]).
    freshness: Vec<lmi_core::Freshness>,
}

#[derive(Serialize, ToSchema)]
pub struct Profile<'a> {
    meta: &'a Meta,
    area: &'a Area,
    type_label: &'static str,
    indicators: Vec<ProfileEntry<'a>>,
    #[serde(skip)]
    comparator_areas: &'a [&'static Area],
}

fn flags(v: Option<&IndicatorValue>, latest_period: Option<&str>) -> Vec<&'static str> {
    let Some(v) = v else {
        return vec!["no_data"];
    };
    let mut out = Vec::new();
    if v.status != Status::Ok {
        out.push(v.status.as_str());
    }
    if v.approximate {
        out.push("approximate");
    }
    if v.stale {
        out.push("stale");
    }
    if latest_period.is_some_and(|p| p != v.period) {
        out.push("not_latest_period");
    }
    out
}

/// Every indicator's latest value for one area, with trend, comparators, rank and flags.
pub fn profile<'a>(
    snap: &'a ServedSnapshot,
    geo: &'a GeoIndex,
    code: &str,
) -> Result<Profile<'a>, ReportError> {
    let area = area(geo, code)?;
    let comparator_areas = geo.comparators(code);
    let indicators = lmi_core::INDICATORS
        .iter()
        .map(|def| {
            let latest = snap.series(def.id, code).next_back();
            let latest_period = snap.periods(def.id).last().map(String::as_str);
            let d = latest.map(|v| &v.derived);
            ProfileEntry {
                indicator: def,
                latest: latest.map(Point::from),
                latest_period,
                periods: snap.series(def.id, code).len(),
                trend: Trend::of(latest, def.higher_is_better),
                rank: RankInfo {
                    rank: d.and_then(|d| d.rank),
                    rank_of: d.and_then(|d| d.rank_of),
                    percentile: d.and_then(|d| d.percentile),
                    gap_to_england: d.and_then(|d| d.gap_to_england),
                },
                comparators: comparator_areas
                    .iter()
                    .map(|c| {
                        let v = latest.and_then(|l| snap.value(def.id, &c.code, &l.period));
                        let difference = match (latest, v) {
                            (Some(l), Some(v)) if l.area_code != v.area_code => {
                                lmi_core::difference::compare(
                                    l.estimate(),
                                    v.estimate(),
                                    def.confidence_interval.is_some(),
                                )
                            }
                            _ => lmi_core::Difference::default(),
                        };
                        ComparatorValue {
                            area: c,
                            value: v.and_then(|v| v.value),
                            status: v.map(|v| v.status),
                            ci_lower: v.and_then(|v| v.ci_lower),
                            ci_upper: v.and_then(|v| v.ci_upper),
                            difference,
                        }
                    })
                    .collect(),
                flags: flags(latest, latest_period),
                freshness: indicator_freshness(snap, def),
            }
        })
        .collect();
    Ok(Profile {
        meta: &snap.meta,
        area,
        type_label: area.area_type.label(),
        indicators,
        comparator_areas,
    })
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Up => "up",
            Direction::Down => "down",
            Direction::Flat => "flat",
        }
    }
}

const PROFILE_COLUMNS: [&str; 18] = [
    "indicator",
    "title",
    "unit",
    "period",
    "value",
    "status",
    "approximate",
    "coverage",
    "change_1",
    "change_5",
    "direction",
    "improving",
    "rank",
    "rank_of",
    "percentile",
    "gap_to_england",
    "vs_england",
    "flags",
];

impl ProfileEntry<'_> {
    fn cells(&self) -> Vec<Cell> {
        let l = self.latest.as_ref();
        let mut row: Vec<Cell> = vec![
            self.indicator.id.into(),
            self.indicator.title.into(),
            self.indicator.unit.as_str().into(),
            l.map(|p| p.period).into(),
            l.and_then(|p| p.value).into(),
            l.map(|p| p.status.as_str()).into(),
            l.is_some_and(|p| p.approximate).into(),
            l.and_then(|p| p.coverage).into(),
            self.trend.change_1.into(),
            self.trend.change_5.into(),
            self.trend.direction.map(Direction::as_str).into(),
            self.trend
                .improving
                .map(|b| b.to_string())
                .as_deref()
                .into(),
            self.rank.rank.into(),
            self.rank.rank_of.into(),
            self.rank.percentile.into(),
            self.rank.gap_to_england.into(),
            l.map(|p| p.derived.vs_england.as_str()).into(),
            self.flags.join(" ").into(),
        ];
        row.extend(self.comparators.iter().map(|c| Cell::from(c.value)));
        row
    }
}

impl ToTable for Profile<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let comparator_columns: Vec<String> = self
            .comparator_areas
            .iter()
            .map(|c| format!("{} ({})", c.name, c.code))
            .collect();
        let columns: Vec<&str> = PROFILE_COLUMNS
            .into_iter()
            .chain(comparator_columns.iter().map(String::as_str))
            .collect();
        let defs: Vec<&IndicatorDef> = lmi_core::INDICATORS.iter().collect();
        let area = self.area;
        let mut t = Table::new(
            format!("{}-profile", area.code),
            &columns,
            snap,
            format!("Profile of {} ({})", area.name, area.area_type.label()),
            &defs,
        );
        for e in &self.indicators {
            t.push(e.cells());
        }
        t
    }
}

// ---------------------------------------------------------------------------------------------
// Provenance

#[derive(Serialize, ToSchema)]
pub struct SourceEntry<'a> {
    /// As recorded, except that a local `file` is shown by its name only: a response never
    /// says where the server keeps its files.
    #[serde(flatten)]
    provenance: SourceProvenance,
    /// Indicators built from this source.
    indicators: Vec<&'static str>,
    /// Periods of those indicators in the snapshot, oldest first.
    periods: Vec<&'a str>,
    latest_period: Option<&'a str>,
    /// The publisher's release date, when lmi fetched it, and whether the next release is
    /// overdue for the publisher's usual cycle (or a one-off publication / closed series).
    freshness: lmi_core::Freshness,
}

#[derive(Serialize, ToSchema)]
pub struct Sources<'a> {
    meta: &'a Meta,
    sources: Vec<SourceEntry<'a>>,
    /// How to read currency and staleness.
    note: &'static str,
}

#[derive(Serialize, ToSchema)]
pub struct FileInfo<'a> {
    name: &'a str,
    sha256: &'a str,
    bytes: u64,
    rows: usize,
}

#[derive(Serialize, ToSchema)]
pub struct IndicatorInfo<'a> {
    id: &'a str,
    periods: &'a [String],
    rows: usize,
}

#[derive(Serialize, ToSchema)]
pub struct SnapshotInfo<'a> {
    meta: &'a Meta,
    version: &'a str,
    created_at: &'a str,
    lmi_version: &'a str,
    sample: bool,
    /// Values held in memory.
    values: usize,
    indicators: Vec<IndicatorInfo<'a>>,
    files: Vec<FileInfo<'a>>,
    warnings: &'a [String],
}

/// The raw sources behind the snapshot, each with the indicators it feeds and their periods.
pub fn sources(snap: &ServedSnapshot) -> Sources<'_> {
    let today = lmi_core::freshness::today();
    let sources = snap
        .manifest
        .sources
        .iter()
        .map(|s| {
            let defs: Vec<&IndicatorDef> = lmi_core::INDICATORS
                .iter()
                .filter(|d| d.source == s.source_id || d.denominator_source() == Some(&s.source_id))
                .collect();
            let mut periods: Vec<&str> = defs
                .iter()
                .flat_map(|d| snap.periods(d.id).iter().map(String::as_str))
                .collect();
            periods.sort_unstable();
            periods.dedup();
            SourceEntry {
                provenance: without_server_paths(s),
                indicators: defs.iter().map(|d| d.id).collect(),
                latest_period: periods.last().copied(),
                periods,
                freshness: lmi_core::freshness(s, today),
            }
        })
        .collect();
    Sources {
        meta: &snap.meta,
        sources,
        note: "`periods` and `latest_period` say how current each source is, `release` and \
               `resolved` which publisher release was fetched, and `meta.created_at` when the \
               snapshot was built. A source with `stale` could not be updated by the latest \
               refresh: its data was carried over from an earlier snapshot (`stale.since`, \
               `stale.reason`) and every value it feeds is marked `stale`. `freshness` gives the \
               publisher's release date (`release_date`), when lmi fetched it (`fetched_at`) and \
               `status`: `overdue` when nothing new has been published for longer than the \
               publisher's usual `cycle` plus a grace of a quarter of it (at least 14 days, \
               `next_release_due_by`), `one_off` for a publication that is not refreshed, \
               `closed` for a series its publisher stopped, `unknown` for hand-downloaded files.",
    }
}

/// A source's provenance with a local file path cut to the file's name (URLs are kept).
fn without_server_paths(s: &SourceProvenance) -> SourceProvenance {
    let name = |file: &str| {
        if file.contains("://") {
            file.to_owned()
        } else {
            std::path::Path::new(file)
                .file_name()
                .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
        }
    };
    let mut shown = s.clone();
    shown.file = name(&s.file);
    for e in &mut shown.earlier_files {
        e.file = name(&e.file);
    }
    shown
}

/// The snapshot: version, creation time, files with digests, indicators and warnings.
pub fn snapshot_info(snap: &ServedSnapshot) -> SnapshotInfo<'_> {
    let m = &snap.manifest;
    SnapshotInfo {
        meta: &snap.meta,
        version: &m.version,
        created_at: &m.created_at,
        lmi_version: &m.lmi_version,
        sample: m.sample.is_some(),
        values: snap.len(),
        indicators: m
            .indicators
            .iter()
            .map(|i| IndicatorInfo {
                id: &i.id,
                periods: &i.periods,
                rows: i.rows,
            })
            .collect(),
        files: m
            .files
            .iter()
            .map(|f| FileInfo {
                name: &f.name,
                sha256: &f.sha256,
                bytes: f.bytes,
                rows: f.rows,
            })
            .collect(),
        warnings: &m.warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_never_show_where_the_server_keeps_its_files() {
        let mut p = SourceProvenance {
            file: "/srv/lmi/raw-files/dfe/ks4_destinations_lad.csv".into(),
            ..SourceProvenance::default()
        };
        assert_eq!(without_server_paths(&p).file, "ks4_destinations_lad.csv");
        p.file = "https://example.org/data.csv?page=2".into();
        assert_eq!(without_server_paths(&p).file, p.file);
    }
}
