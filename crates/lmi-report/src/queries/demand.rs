//! The demand-side answers: the breakdown catalogue, an area's breakdown (shares, England's
//! share, location quotients, change) with plain readings, travel to learn for an area, and the
//! model projections of the areas they are published for. Read from the tables the pipeline
//! built (`ServedSnapshot`'s demand index): nothing is computed here beyond order and words.

use super::ToTable;
use crate::error::ReportError;
use crate::lookup::area;
use crate::snapshot::{GeoIndex, Meta, ServedSnapshot};
use crate::table::Table;
use lmi_core::breakdown::{BreakdownGeographies, COUNT_BREAKDOWNS, CountBreakdownDef};
use lmi_core::demand::{BreakdownRow, FlowRow, ProjectionRow};
use lmi_core::flows::{ELSEWHERE_IN_ENGLAND, FLOW_CAVEATS, OUTSIDE_ENGLAND_OR_UNKNOWN};
use lmi_core::projections::{self as proj, ProjectionClassification};
use lmi_core::schema::Table as DemandTable;
use lmi_core::{Area, AreaType, Status};
use serde::Serialize;
use utoipa::ToSchema;

/// How many delivery (home) areas a travel-to-learn answer lists.
pub const TOP_FLOWS: usize = 10;
/// How many parts get a plain reading (highest location quotients).
pub const READINGS: usize = 3;
/// The lowest location quotient a reading is written for (1.1 once rounded).
pub const MIN_READING_LQ: f64 = 1.05;

pub(crate) fn not_in_snapshot(what: &str, snap: &ServedSnapshot) -> ReportError {
    ReportError::NotFound(format!(
        "{what} not in this snapshot: snapshot {} was published before lmi built them; a \
         refresh (`lmi refresh`) publishes a snapshot with them",
        snap.version()
    ))
}

/// A table's attribution with the caveats of what it shows added after the title.
pub(crate) fn with_caveats(mut t: Table, caveats: &[&str]) -> Table {
    let at = 1.min(t.about.len());
    for (i, c) in caveats.iter().enumerate() {
        t.about
            .insert(at + i, ("Caveat".to_owned(), (*c).to_owned()));
    }
    t
}

// ---------------------------------------------------------------------------------------------
// Breakdown catalogue

#[derive(Serialize, ToSchema)]
pub struct BreakdownEntry<'a> {
    #[serde(flatten)]
    definition: &'static CountBreakdownDef,
    /// Periods with values in this snapshot, oldest first.
    periods: &'a [String],
    latest_period: Option<&'a str>,
}

#[derive(Serialize, ToSchema)]
pub struct BreakdownCatalogue<'a> {
    meta: &'a Meta,
    /// Whether this snapshot holds the breakdowns table (older snapshots do not: every
    /// breakdown then has no periods).
    in_snapshot: bool,
    breakdowns: Vec<BreakdownEntry<'a>>,
}

/// Every count breakdown: definition, classification, caveats, parts and the periods held.
pub fn breakdown_catalogue(snap: &ServedSnapshot) -> BreakdownCatalogue<'_> {
    BreakdownCatalogue {
        meta: &snap.meta,
        in_snapshot: snap.has_table(DemandTable::Breakdowns),
        breakdowns: COUNT_BREAKDOWNS
            .iter()
            .map(|d| {
                let periods = snap.breakdown_periods(d.id);
                BreakdownEntry {
                    definition: d,
                    periods,
                    latest_period: periods.last().map(String::as_str),
                }
            })
            .collect(),
    }
}

impl ToTable for BreakdownCatalogue<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let mut t = Table::new(
            "breakdowns",
            &[
                "id",
                "title",
                "classification",
                "source",
                "geographies",
                "parts",
                "periods",
                "description",
            ],
            snap,
            "Count breakdowns".to_owned(),
            &[],
        );
        for e in &self.breakdowns {
            let d = e.definition;
            t.push(vec![
                d.id.into(),
                d.title.into(),
                d.classification.as_str().into(),
                d.source.into(),
                geographies(d.geographies).into(),
                (d.parts.len() as f64).into(),
                e.periods.join(" ").into(),
                d.description.into(),
            ]);
        }
        t
    }
}

fn geographies(g: BreakdownGeographies) -> &'static str {
    match g {
        BreakdownGeographies::AllAreas => "all_areas",
        BreakdownGeographies::Published => "published",
        BreakdownGeographies::UpperTier => "upper_tier",
        BreakdownGeographies::PublishedAndSummed => "published_and_summed",
    }
}

// ---------------------------------------------------------------------------------------------
// An area's breakdown

/// The order of an area's parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BreakdownSort {
    /// Share, largest first (the default).
    Share,
    /// Location quotient, highest first.
    Lq,
    /// Change in share since the previous period, largest rise first.
    Change,
}

impl BreakdownSort {
    pub fn parse(s: Option<&str>) -> Result<BreakdownSort, ReportError> {
        match s {
            None | Some("share") => Ok(BreakdownSort::Share),
            Some("lq") => Ok(BreakdownSort::Lq),
            Some("change") => Ok(BreakdownSort::Change),
            Some(other) => Err(ReportError::Invalid(format!(
                "`sort` must be share, lq or change, found `{other}`"
            ))),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            BreakdownSort::Share => "share",
            BreakdownSort::Lq => "lq",
            BreakdownSort::Change => "change",
        }
    }

    fn key(self, r: &BreakdownRow) -> Option<f64> {
        match self {
            BreakdownSort::Share => r.share,
            BreakdownSort::Lq => r.location_quotient,
            BreakdownSort::Change => r.share_change,
        }
    }
}

/// One part of an area's breakdown.
#[derive(Serialize, ToSchema)]
pub struct PartShare<'a> {
    pub(crate) part: &'a str,
    pub(crate) label: &'a str,
    /// Absent when withheld or not applicable (see `status`, `note`).
    pub(crate) count: Option<f64>,
    pub(crate) total: Option<f64>,
    /// Percent of the total.
    pub(crate) share: Option<f64>,
    /// The same part's share in England.
    pub(crate) england_share: Option<f64>,
    /// `share / england_share`: above 1, more concentrated here than in England.
    pub(crate) location_quotient: Option<f64>,
    /// Change in share since the previous period (percentage points).
    pub(crate) change: Option<f64>,
    /// Change in count since five years earlier (periods that are years; BRES: survey years).
    pub(crate) count_change_5y: Option<f64>,
    /// Change in share since five years earlier (percentage points).
    pub(crate) share_change_5y: Option<f64>,
    pub(crate) status: Status,
    pub(crate) approximate: bool,
    pub(crate) coverage: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) note: Option<&'a str>,
}

impl<'a> From<&'a BreakdownRow> for PartShare<'a> {
    fn from(r: &'a BreakdownRow) -> Self {
        PartShare {
            part: &r.part,
            label: &r.part_label,
            count: r.count,
            total: r.total,
            share: r.share,
            england_share: r.england_share,
            location_quotient: r.location_quotient,
            change: r.share_change,
            count_change_5y: r.count_change_5y,
            share_change_5y: r.share_change_5y,
            status: r.status,
            approximate: r.approximate,
            coverage: r.coverage,
            note: r.note.as_deref(),
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AreaBreakdown<'a> {
    pub(crate) meta: &'a Meta,
    pub(crate) area: &'a Area,
    pub(crate) breakdown: &'static CountBreakdownDef,
    pub(crate) period: &'a str,
    /// Periods the area has, oldest first.
    pub(crate) periods: Vec<&'a str>,
    pub(crate) sort: BreakdownSort,
    pub(crate) parts: Vec<PartShare<'a>>,
    /// Plain readings of the parts with the highest location quotients.
    pub(crate) readings: Vec<String>,
    /// Why values are absent (e.g. published only for upper-tier areas), once each.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) notes: Vec<&'a str>,
    pub(crate) caveats: &'static [&'static str],
}

fn breakdown_def(id: &str) -> Result<&'static CountBreakdownDef, ReportError> {
    lmi_core::find_count_breakdown(id).ok_or_else(|| {
        let ids: Vec<&str> = COUNT_BREAKDOWNS.iter().map(|b| b.id).collect();
        ReportError::NotFound(format!(
            "unknown breakdown `{id}`: expected one of {} (see /v1/breakdowns)",
            ids.join(", ")
        ))
    })
}

/// What a breakdown counts, for readings ("Preston's working residents are …"). The census and
/// APS count people where they live (APS is a survey of residents); BRES counts jobs where they
/// are.
pub(crate) fn counted(def: &CountBreakdownDef) -> &'static str {
    match def.source {
        lmi_core::breakdown::UKBC_SOURCE => "enterprises",
        lmi_core::breakdown::TS066_SOURCE | lmi_core::breakdown::TS066_LAD_SOURCE => {
            "residents aged 16 and over"
        }
        // BRES counts jobs at workplaces; TS060A counts working residents at home: every
        // reading says which.
        lmi_core::breakdown::BRES_SOURCE => "jobs (counted where they are, not where workers live)",
        lmi_core::breakdown::TS060A_SOURCE => {
            "working residents (counted where they live, not where they work)"
        }
        _ => "working residents",
    }
}

/// A label inside a sentence: lower-case first letter, unless it starts a code or acronym.
pub(crate) fn in_sentence(label: &str) -> String {
    let mut chars = label.chars();
    match (chars.next(), chars.next()) {
        (Some(a), Some(b)) if a.is_uppercase() && b.is_lowercase() => {
            a.to_lowercase().chain(label.chars().skip(1)).collect()
        }
        _ => label.to_owned(),
    }
}

pub(crate) fn possessive(name: &str) -> String {
    if name.ends_with('s') {
        format!("{name}'")
    } else {
        format!("{name}'s")
    }
}

/// An area's parts of one breakdown in `period` (default: the latest the area has), sorted by
/// `sort` (default share, largest first; parts without the key last, in the publisher's order),
/// with readings of the three highest location quotients. Areas a source does not serve get the
/// table's `not_applicable` rows and their reason, never a value.
pub fn area_breakdown<'a>(
    snap: &'a ServedSnapshot,
    geo: &'a GeoIndex,
    code: &str,
    id: &str,
    period: Option<&str>,
    sort: Option<&str>,
) -> Result<AreaBreakdown<'a>, ReportError> {
    let area = area(geo, code)?;
    let def = breakdown_def(id)?;
    let sort = BreakdownSort::parse(sort)?;
    if !snap.has_table(DemandTable::Breakdowns) {
        return Err(not_in_snapshot("breakdowns are", snap));
    }
    let periods = snap.breakdown_area_periods(def.id, &area.code);
    let period = match (period, periods.last()) {
        (_, None) => {
            let why = match def.geographies {
                BreakdownGeographies::Published => lmi_core::breakdown::PUBLISHED_ONLY,
                BreakdownGeographies::UpperTier => lmi_core::breakdown::UPPER_TIER_ONLY,
                BreakdownGeographies::AllAreas | BreakdownGeographies::PublishedAndSummed => {
                    "no counts for it in this snapshot"
                }
            };
            return Err(ReportError::NotFound(format!(
                "{} has no values for {} ({}): {why}",
                def.id,
                area.name,
                area.area_type.label()
            )));
        }
        (None, Some(latest)) => *latest,
        (Some(p), Some(_)) => periods.iter().copied().find(|x| *x == p).ok_or_else(|| {
            ReportError::NotFound(format!(
                "{} has no values for {} in period `{p}`; periods available: {}",
                def.id,
                area.name,
                periods.join(", ")
            ))
        })?,
    };
    let mut rows = snap.breakdown_rows(def.id, &area.code, period);
    // Stable: ties and parts without the key keep the publisher's order.
    rows.sort_by(|a, b| match (sort.key(a), sort.key(b)) {
        (Some(x), Some(y)) => y.total_cmp(&x),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    let mut notes: Vec<&str> = Vec::new();
    for n in rows.iter().filter_map(|r| r.note.as_deref()) {
        if !notes.contains(&n) {
            notes.push(n);
        }
    }
    Ok(AreaBreakdown {
        meta: &snap.meta,
        area,
        breakdown: def,
        period,
        readings: readings(area, def, &rows),
        parts: rows.into_iter().map(PartShare::from).collect(),
        periods,
        sort,
        notes,
        caveats: def.caveats,
    })
}

/// "Preston's working residents are 1.3 times as concentrated in caring, leisure and other service
/// occupations as England's", for the parts with the highest location quotients (none for
/// England, whose quotients are all 1).
fn readings(area: &Area, def: &CountBreakdownDef, rows: &[&BreakdownRow]) -> Vec<String> {
    if area.code == lmi_core::geography::ENGLAND {
        return Vec::new();
    }
    // Only parts more concentrated than in England once rounded: "1.0 times" says nothing.
    let mut by_lq: Vec<(&BreakdownRow, f64)> = rows
        .iter()
        .filter_map(|r| Some((*r, r.location_quotient?)))
        .filter(|(_, lq)| *lq >= MIN_READING_LQ)
        .collect();
    by_lq.sort_by(|a, b| b.1.total_cmp(&a.1));
    by_lq
        .into_iter()
        .take(READINGS)
        .map(|(r, lq)| {
            let approx = if r.approximate {
                " (approximately)"
            } else {
                ""
            };
            format!(
                "{} {} are {lq:.1} times as concentrated in {} as England's{approx}.",
                possessive(&area.name),
                counted(def),
                in_sentence(&r.part_label),
            )
        })
        .collect()
}

impl ToTable for AreaBreakdown<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let (a, d) = (self.area, self.breakdown);
        let mut t = Table::new(
            format!("{}-{}-{}", a.code, d.id, self.period.replace('/', "-")),
            &[
                "area_code",
                "area_name",
                "period",
                "part",
                "label",
                "count",
                "total",
                "share",
                "england_share",
                "location_quotient",
                "change",
                "status",
                "approximate",
                "coverage",
                "note",
                "count_change_5y",
                "share_change_5y",
            ],
            snap,
            format!("{}: {}, {}", d.title, a.name, self.period),
            &[],
        );
        for p in &self.parts {
            t.push(vec![
                a.code.as_str().into(),
                a.name.as_str().into(),
                self.period.into(),
                p.part.into(),
                p.label.into(),
                p.count.into(),
                p.total.into(),
                p.share.into(),
                p.england_share.into(),
                p.location_quotient.into(),
                p.change.into(),
                p.status.as_str().into(),
                p.approximate.into(),
                p.coverage.into(),
                p.note.into(),
                p.count_change_5y.into(),
                p.share_change_5y.into(),
            ]);
        }
        with_caveats(t, d.caveats)
    }
}

// ---------------------------------------------------------------------------------------------
// Travel to learn

/// The other end of a flow: an area, or a bucket.
#[derive(Serialize, ToSchema)]
pub struct FlowLink<'a> {
    pub(crate) code: &'a str,
    /// The area's name, or the bucket's description.
    pub(crate) name: String,
    /// The area asked about itself (learners who live and train there).
    pub(crate) same_area: bool,
    pub(crate) starts: Option<f64>,
    pub(crate) enrolments: Option<f64>,
    pub(crate) achievements: Option<f64>,
    /// Percent of the residents' starts (delivery areas) or of the starts delivered in the
    /// area (home areas).
    pub(crate) share: Option<f64>,
    /// Rank of the delivery area among the home area's (1 = most starts).
    pub(crate) rank: Option<u32>,
}

#[derive(Serialize, ToSchema)]
pub struct FlowTotals {
    /// Starts by residents, wherever delivered (the outside-England-or-unknown bucket included).
    pub(crate) resident_starts: Option<f64>,
    /// Residents' starts delivered in the area itself.
    pub(crate) same_area_starts: Option<f64>,
    /// Percent of residents' starts delivered in the area itself.
    pub(crate) same_area_share: Option<f64>,
    /// Residents' starts delivered outside the area (the unknown bucket included).
    pub(crate) outflow_starts: Option<f64>,
    /// Of the outflow, starts delivered outside England or at an unknown location.
    pub(crate) unknown_delivery_starts: Option<f64>,
    /// Starts delivered in the area by people living elsewhere (or at an unknown home).
    pub(crate) inflow_starts: Option<f64>,
    /// Inflow minus outflow.
    pub(crate) net_starts: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct AreaFlows<'a> {
    pub(crate) meta: &'a Meta,
    pub(crate) area: &'a Area,
    pub(crate) period: &'a str,
    /// Periods the area has, oldest first.
    pub(crate) periods: Vec<&'a str>,
    /// A part-year period, not comparable with full years.
    pub(crate) provisional: bool,
    /// Best fit from whole districts (TTWAs).
    pub(crate) approximate: bool,
    pub(crate) coverage: Option<f64>,
    pub(crate) totals: FlowTotals,
    /// Where residents' apprenticeships are delivered, most starts first.
    pub(crate) delivery_areas: Vec<FlowLink<'a>>,
    /// Where the learners trained in the area live, most starts first.
    pub(crate) home_areas: Vec<FlowLink<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub(crate) notes: Vec<String>,
    pub(crate) caveats: &'static [&'static str],
}

fn end_name(geo: &GeoIndex, code: &str, area_type: AreaType) -> String {
    match code {
        OUTSIDE_ENGLAND_OR_UNKNOWN => "Outside England or unknown".to_owned(),
        ELSEWHERE_IN_ENGLAND => format!(
            "Elsewhere in England (in no {})",
            area_type.label().to_lowercase()
        ),
        _ => geo
            .area(code)
            .map_or_else(|| code.to_owned(), |a| a.name.clone()),
    }
}

/// Travel to learn for an area's apprenticeships in `period` (default: the latest full year,
/// else the latest): residents' starts and where they are delivered, and where the learners
/// trained in the area live.
pub fn area_flows<'a>(
    snap: &'a ServedSnapshot,
    geo: &'a GeoIndex,
    code: &str,
    period: Option<&str>,
) -> Result<AreaFlows<'a>, ReportError> {
    let area = area(geo, code)?;
    if !snap.has_table(DemandTable::FlowSummary) || !snap.has_table(DemandTable::Flows) {
        return Err(not_in_snapshot("apprenticeship flows are", snap));
    }
    let summaries = snap.flow_summary(&area.code);
    let periods: Vec<&str> = summaries.iter().map(|s| s.period.as_str()).collect();
    let mut notes = Vec::new();
    let summary = match period {
        Some(p) => summaries.iter().find(|s| s.period == p).ok_or_else(|| {
            ReportError::NotFound(format!(
                "no apprenticeship flows for {} in period `{p}`; periods available: {}",
                area.name,
                periods.join(", ")
            ))
        })?,
        None => {
            let s = summaries
                .iter()
                .rev()
                .find(|s| !s.provisional)
                .or_else(|| summaries.last())
                .ok_or_else(|| {
                    ReportError::NotFound(format!(
                        "no apprenticeship flows for {} ({}) in this snapshot",
                        area.name,
                        area.area_type.label()
                    ))
                })?;
            if let Some(l) = summaries.last().filter(|l| l.provisional && !s.provisional) {
                notes.push(format!(
                    "{} is a provisional part-year: ask for it with ?period={}",
                    l.period, l.period
                ));
            }
            s
        }
    };
    let p = summary.period.as_str();
    let link = |r: &'a FlowRow, other: &'a str, whole: Option<f64>| FlowLink {
        code: other,
        name: end_name(geo, other, area.area_type),
        same_area: other == area.code,
        starts: r.starts,
        enrolments: r.enrolments,
        achievements: r.achievements,
        share: r
            .starts
            .zip(whole)
            .filter(|(_, w)| *w > 0.0)
            .map(|(s, w)| 100.0 * s / w),
        rank: r.rank,
    };
    let top = |mut rows: Vec<&'a FlowRow>, delivery: bool| -> Vec<FlowLink<'a>> {
        rows.retain(|r| r.period == p);
        rows.sort_by(|a, b| {
            b.starts
                .unwrap_or(0.0)
                .total_cmp(&a.starts.unwrap_or(0.0))
                .then_with(|| a.rank.cmp(&b.rank))
        });
        let whole: f64 = rows.iter().filter_map(|r| r.starts).sum();
        rows.into_iter()
            .take(TOP_FLOWS)
            .map(|r| {
                let other = if delivery {
                    &r.delivery_code
                } else {
                    &r.home_code
                };
                link(r, other, Some(whole))
            })
            .collect()
    };
    Ok(AreaFlows {
        meta: &snap.meta,
        area,
        period: p,
        provisional: summary.provisional,
        approximate: summary.approximate,
        coverage: summary.coverage,
        totals: FlowTotals {
            resident_starts: summary.resident_starts,
            same_area_starts: summary.same_area_starts,
            same_area_share: summary.same_area_share,
            outflow_starts: summary.outflow_starts,
            unknown_delivery_starts: summary.unknown_delivery_starts,
            inflow_starts: summary.inflow_starts,
            net_starts: summary.net_starts,
        },
        delivery_areas: top(snap.flows_from(area.area_type, &area.code), true),
        home_areas: top(snap.flows_to(area.area_type, &area.code), false),
        periods,
        notes,
        caveats: FLOW_CAVEATS,
    })
}

impl ToTable for AreaFlows<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let a = self.area;
        let mut t = Table::new(
            format!("{}-flows-{}", a.code, self.period.replace('/', "-")),
            &[
                "section",
                "code",
                "name",
                "starts",
                "enrolments",
                "achievements",
                "share",
                "rank",
                "provisional",
                "approximate",
            ],
            snap,
            format!(
                "Apprenticeship travel to learn: {}, {}",
                a.name, self.period
            ),
            &[],
        );
        let s = &self.totals;
        for (measure, v) in [
            ("resident_starts", s.resident_starts),
            ("same_area_starts", s.same_area_starts),
            ("outflow_starts", s.outflow_starts),
            ("unknown_delivery_starts", s.unknown_delivery_starts),
            ("inflow_starts", s.inflow_starts),
            ("net_starts", s.net_starts),
        ] {
            let share = (measure == "same_area_starts")
                .then_some(s.same_area_share)
                .flatten();
            t.push(vec![
                "totals".into(),
                measure.into(),
                a.name.as_str().into(),
                v.into(),
                None::<f64>.into(),
                None::<f64>.into(),
                share.into(),
                None::<u32>.into(),
                self.provisional.into(),
                self.approximate.into(),
            ]);
        }
        for (section, links) in [
            ("delivery_area", &self.delivery_areas),
            ("home_area", &self.home_areas),
        ] {
            for l in links {
                t.push(vec![
                    section.into(),
                    l.code.into(),
                    l.name.as_str().into(),
                    l.starts.into(),
                    l.enrolments.into(),
                    l.achievements.into(),
                    l.share.into(),
                    l.rank.into(),
                    self.provisional.into(),
                    self.approximate.into(),
                ]);
            }
        }
        with_caveats(t, FLOW_CAVEATS)
    }
}

// ---------------------------------------------------------------------------------------------
// Projections

#[derive(Serialize, ToSchema)]
pub struct ProjectionValue<'a> {
    area_code: &'a str,
    classification: &'a str,
    item: &'a str,
    item_label: &'a str,
    quantity: &'a str,
    period: &'a str,
    /// Thousands of jobs.
    value: Option<f64>,
}

impl<'a> From<&'a ProjectionRow> for ProjectionValue<'a> {
    fn from(r: &'a ProjectionRow) -> Self {
        ProjectionValue {
            area_code: &r.area_code,
            classification: &r.classification,
            item: &r.item,
            item_label: &r.item_label,
            quantity: &r.quantity,
            period: &r.period,
            value: r.value,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct AreaProjections<'a> {
    meta: &'a Meta,
    area: &'a Area,
    /// The model that produced every value: projections, never observations.
    model: &'a str,
    publisher: &'static str,
    unit: &'static str,
    /// The classification asked for, if any.
    classification: Option<ProjectionClassification>,
    /// The areas compared: the area, then England when the area is not England.
    areas: Vec<&'a Area>,
    values: Vec<ProjectionValue<'a>>,
    caveats: &'static [&'static str],
}

/// The model projections of an area (and of England alongside), optionally of one
/// classification; an area without projections is told which areas have them.
pub fn area_projections<'a>(
    snap: &'a ServedSnapshot,
    geo: &'a GeoIndex,
    code: &str,
    classification: Option<&str>,
) -> Result<AreaProjections<'a>, ReportError> {
    let area = area(geo, code)?;
    let classification = classification
        .map(|c| {
            ProjectionClassification::parse(c).ok_or_else(|| {
                let known: Vec<&str> = ProjectionClassification::ALL
                    .iter()
                    .map(|c| c.as_str())
                    .collect();
                ReportError::Invalid(format!(
                    "`classification` must be one of {}, found `{c}`",
                    known.join(", ")
                ))
            })
        })
        .transpose()?;
    if !snap.has_table(DemandTable::Projections) {
        return Err(not_in_snapshot("projections are", snap));
    }
    let own = snap.projections(&area.code);
    if own.is_empty() {
        let with: Vec<String> = snap
            .projection_areas()
            .into_iter()
            .map(|c| {
                geo.area(c)
                    .map_or_else(|| c.to_owned(), |a| format!("{} ({c})", a.name))
            })
            .collect();
        return Err(ReportError::NotFound(format!(
            "no projections for {} ({}): the model is published for LSIP areas and England only, \
             never added up or split; this snapshot has them for {}",
            area.name,
            area.area_type.label(),
            if with.is_empty() {
                "no area".to_owned()
            } else {
                with.join(", ")
            }
        )));
    }
    let mut areas = vec![area];
    let mut rows = own;
    if area.code != lmi_core::geography::ENGLAND
        && let Some(england) = geo.area(lmi_core::geography::ENGLAND)
    {
        let theirs = snap.projections(&england.code);
        if !theirs.is_empty() {
            areas.push(england);
            rows.extend(theirs);
        }
    }
    let model = rows.first().map_or(proj::MODEL, |r| r.model.as_str());
    Ok(AreaProjections {
        meta: &snap.meta,
        area,
        model,
        publisher: proj::MODEL_PUBLISHER,
        unit: proj::UNIT,
        classification,
        areas,
        values: rows
            .into_iter()
            .filter(|r| classification.is_none_or(|c| r.classification == c.as_str()))
            .map(ProjectionValue::from)
            .collect(),
        caveats: proj::CAVEATS,
    })
}

impl ToTable for AreaProjections<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let a = self.area;
        let mut t = Table::new(
            format!("{}-projections", a.code),
            &[
                "area_code",
                "area_name",
                "classification",
                "item",
                "item_label",
                "quantity",
                "period",
                "value_thousands",
            ],
            snap,
            format!("Employment projections ({}): {}", self.model, a.name),
            &[],
        );
        for v in &self.values {
            let name = self
                .areas
                .iter()
                .find(|x| x.code == v.area_code)
                .map_or("", |x| x.name.as_str());
            t.push(vec![
                v.area_code.into(),
                name.into(),
                v.classification.into(),
                v.item.into(),
                v.item_label.into(),
                v.quantity.into(),
                v.period.into(),
                v.value.into(),
            ]);
        }
        let mut t = with_caveats(t, proj::CAVEATS);
        t.about.insert(
            1,
            (
                "Model".to_owned(),
                format!("{} ({})", self.model, self.publisher),
            ),
        );
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_read_in_sentences() {
        assert_eq!(
            in_sentence("Caring, leisure and other service occupations"),
            "caring, leisure and other service occupations"
        );
        assert_eq!(
            in_sentence("11 Corporate managers"),
            "11 Corporate managers"
        );
        assert_eq!(
            in_sentence("A Agriculture and fishing"),
            "A Agriculture and fishing"
        );
        assert_eq!(possessive("Preston"), "Preston's");
        assert_eq!(possessive("Burnley"), "Burnley's");
        assert_eq!(possessive("Yorkshire Dales"), "Yorkshire Dales'");
    }

    #[test]
    fn sorts_are_parsed_or_refused() {
        assert_eq!(BreakdownSort::parse(None).unwrap(), BreakdownSort::Share);
        assert_eq!(BreakdownSort::parse(Some("lq")).unwrap(), BreakdownSort::Lq);
        assert!(matches!(
            BreakdownSort::parse(Some("name")),
            Err(ReportError::Invalid(_))
        ));
    }

    #[test]
    fn readings_say_where_jobs_and_workers_are_counted() {
        for id in [
            "jobs_by_section",
            "employees_by_section",
            "jobs_by_industry_group",
        ] {
            let def = lmi_core::find_count_breakdown(id).unwrap();
            assert!(counted(def).contains("where they are"), "{id}");
            assert!(def.description.contains("where they are"), "{id}");
        }
        let census = lmi_core::find_count_breakdown("census_industry").unwrap();
        assert!(counted(census).contains("where they live"));
        assert!(census.description.contains("where they live"));
    }
}
