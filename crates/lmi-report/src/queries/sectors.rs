//! Provision against the economy: for each sector subject area, the area's share of FE
//! achievements beside its share of jobs in the sectors that subject trains for
//! (`supply_demand`), and the hub's priority sectors with their jobs, change and provision side
//! by side (`area_sectors`). Apprenticeship starts are not set against jobs: no district data
//! set of starts by sector subject area was found in DfE's `apprenticeships` publication (its
//! district data set is by age, sex and level). Built from the count breakdowns' rows as the
//! pipeline computed them (shares of one total add up; nothing is averaged) and the mapping in
//! [`crate::sectors::Sectors`], which is configuration a hub edits.

use super::demand::{in_sentence, possessive};
use super::{ToTable, with_caveats};
use crate::error::ReportError;
use crate::lookup::area;
use crate::sectors::{PrioritySector, Section, SubjectArea};
use crate::snapshot::{GeoIndex, Meta, ServedSnapshot};
use crate::table::Table;
use crate::words::format_value;
use lmi_core::demand::BreakdownRow;
use lmi_core::geography::ENGLAND;
use lmi_core::projections::{ProjectionClassification, ProjectionQuantity};
use lmi_core::schema::Table as DemandTable;
use lmi_core::{Area, Status, Unit};
use serde::Serialize;
use utoipa::ToSchema;

/// FE aim achievements by sector subject area (tier 1), by where learners live.
pub const FE_BY_SSA: &str = "fe_achievements_by_ssa";
/// Employment by SIC 2007 section (BRES), where the jobs are.
pub const JOBS_BY_SECTION: &str = "jobs_by_section";

/// A provision share this far above the jobs share (both relative to England) is "ahead".
pub const AHEAD: f64 = 1.25;
/// ... and this far below, "behind".
pub const BEHIND: f64 = 0.8;

pub const SUPPLY_DEMAND_CAVEATS: &[&str] = &[
    "Provision is adult (19+) FE education and training aim achievements by sector subject \
     area. Apprenticeships are not included: no district data set of apprenticeship starts by \
     subject area was found in DfE's apprenticeships publication.",
    "Provision is counted where learners live, jobs where people work: learners travel to \
     study and to work, so an area's provision is not only for its own employers.",
    "Sector subject areas and industries do not map one to one. The mapping used is shown with \
     every subject area and can be changed by the hub (the `serve.sectors` setting); it is a \
     judgement, not a published correspondence.",
    "Each comparison is relative to England: a ratio of 1 means the area's provision leans \
     towards the subject exactly as much as its jobs lean towards the sectors it trains for, \
     both against England. Above 1.25 provision runs ahead of local jobs; below 0.8 it runs \
     behind.",
    "Provision and jobs are for the latest period each source has, which may differ; a part-year \
     provision file is labelled as such and never compared with a full year.",
    "Jobs are BRES open-access employment, rounded by ONS; subject-area counts are rounded by \
     DfE and small counts withheld, so shares are approximate where marked.",
];

/// One source the answer is built from: the breakdown, its period and what it counts.
#[derive(Debug, Serialize, ToSchema)]
pub struct Basis {
    pub breakdown: &'static str,
    pub period: String,
    /// What is counted, where.
    pub counts: &'static str,
}

impl Basis {
    /// "jobs_by_section: 2024 (employment …, where the jobs are)", for table notes and footnotes.
    pub(crate) fn line(&self) -> String {
        format!("{}: {} ({})", self.breakdown, self.period, self.counts)
    }
}

/// Where provision stands against jobs for one subject area, relative to England.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    Ahead,
    InStep,
    Behind,
}

impl Position {
    fn of(ratio: f64) -> Position {
        if ratio >= AHEAD {
            Position::Ahead
        } else if ratio <= BEHIND {
            Position::Behind
        } else {
            Position::InStep
        }
    }
}

/// A share in the area and in England, and their quotient.
#[derive(Debug, Clone, Copy, Default, Serialize, ToSchema)]
pub struct Shares {
    /// Percent of the area's total.
    pub share: Option<f64>,
    /// Percent of England's total, same period.
    pub england_share: Option<f64>,
    /// `share / england_share`.
    pub location_quotient: Option<f64>,
    pub approximate: bool,
}

impl Shares {
    fn new(share: Option<f64>, england_share: Option<f64>, approximate: bool) -> Shares {
        Shares {
            share,
            england_share,
            location_quotient: quotient(share, england_share),
            approximate,
        }
    }
}

fn quotient(a: Option<f64>, b: Option<f64>) -> Option<f64> {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => Some(a / b),
        _ => None,
    }
}

/// One subject area's provision against the jobs it trains for.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubjectSupply<'a> {
    /// SSA tier 1 code.
    pub ssa: u8,
    pub title: &'a str,
    /// The SIC 2007 sections it trains for (none for general education).
    #[schema(value_type = Vec<String>)]
    pub sections: &'a [Section],
    pub fe_achievements: Shares,
    /// Share of jobs in `sections`.
    pub jobs: Shares,
    /// FE achievements' location quotient over jobs': 1 when provision leans towards the
    /// subject as much as jobs lean towards its sectors, both against England.
    pub fe_ratio: Option<f64>,
    /// Of `fe_ratio`.
    pub position: Option<Position>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SupplyDemand<'a> {
    pub meta: &'a Meta,
    pub area: &'a Area,
    /// The breakdowns read, each with its period (absent: not in this snapshot).
    pub basis: Vec<Basis>,
    pub subject_areas: Vec<SubjectSupply<'a>>,
    /// Where provision runs well ahead of or behind local jobs, in words.
    pub readings: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub caveats: &'static [&'static str],
}

/// An area's latest rows of a breakdown and England's in the same period.
struct Latest<'a> {
    breakdown: &'static str,
    period: &'a str,
    area: Vec<&'a BreakdownRow>,
    england: Vec<&'a BreakdownRow>,
}

impl<'a> Latest<'a> {
    fn of(snap: &'a ServedSnapshot, breakdown: &'static str, code: &str) -> Option<Latest<'a>> {
        let periods = snap.breakdown_area_periods(breakdown, code);
        let period = *periods.last()?;
        Some(Latest {
            breakdown,
            period,
            area: snap.breakdown_rows(breakdown, code, period),
            england: snap.breakdown_rows(breakdown, ENGLAND, period),
        })
    }

    fn basis(&self, counts: &'static str) -> Basis {
        Basis {
            breakdown: self.breakdown,
            period: self.period.to_owned(),
            counts,
        }
    }

    /// The summed shares of `parts` here and in England (shares of one total add up); absent
    /// when any part's share is, so a withheld part never reads as zero.
    fn shares(&self, parts: &[String]) -> Shares {
        let sum = |rows: &[&BreakdownRow]| -> Option<(f64, bool)> {
            let mut total = 0.0;
            let mut approximate = false;
            for p in parts {
                let row = rows.iter().find(|r| &r.part == p)?;
                total += row.share?;
                approximate |= row.approximate;
            }
            Some((total, approximate))
        };
        if parts.is_empty() {
            return Shares::default();
        }
        let here = sum(&self.area);
        let england = sum(&self.england);
        Shares::new(
            here.map(|h| h.0),
            england.map(|e| e.0),
            here.is_some_and(|h| h.1) || england.is_some_and(|e| e.1),
        )
    }

    /// The summed counts of `parts` in the area (absent when any is withheld or missing).
    fn count(&self, parts: &[String]) -> Option<f64> {
        parts
            .iter()
            .map(|p| self.area.iter().find(|r| &r.part == p)?.count)
            .sum()
    }

    fn any_withheld(&self) -> bool {
        self.area
            .iter()
            .any(|r| matches!(r.status, Status::Suppressed))
    }
}

/// The breakdown part id of a subject area's FE achievements.
pub fn fe_part(ssa: u8) -> String {
    format!("fe_ach_ssa_{ssa:02}")
}

/// The breakdown part id of a section's jobs.
pub fn jobs_part(section: Section) -> String {
    format!("bres_employment_{}", section.letter().to_ascii_lowercase())
}

fn jobs_parts(sections: &[Section]) -> Vec<String> {
    sections.iter().copied().map(jobs_part).collect()
}

pub(crate) fn sections_list(sections: &[Section]) -> String {
    let letters: Vec<String> = sections.iter().map(Section::to_string).collect();
    letters.join(", ")
}

/// The three inputs of both answers for one area, or why there are none.
struct Inputs<'a> {
    fe: Option<Latest<'a>>,
    jobs: Option<Latest<'a>>,
    notes: Vec<String>,
}

impl<'a> Inputs<'a> {
    fn of(snap: &'a ServedSnapshot, area: &Area) -> Result<Inputs<'a>, ReportError> {
        if !snap.has_table(DemandTable::Breakdowns) {
            return Err(super::demand::not_in_snapshot("breakdowns are", snap));
        }
        let fe = Latest::of(snap, FE_BY_SSA, &area.code);
        let jobs = Latest::of(snap, JOBS_BY_SECTION, &area.code);
        let mut notes = Vec::new();
        let missing =
            |id: &str, what: &str| format!("no {what} ({id}) for {} in this snapshot", area.name);
        if fe.is_none() {
            notes.push(missing(FE_BY_SSA, "FE achievements by subject"));
        }
        if jobs.is_none() {
            notes.push(missing(JOBS_BY_SECTION, "jobs by industry"));
        }
        if fe.is_none() && jobs.is_none() {
            return Err(ReportError::NotFound(format!(
                "nothing to compare for {}: {}",
                area.name,
                notes.join("; ")
            )));
        }
        for l in [&fe, &jobs].into_iter().flatten() {
            if l.any_withheld() {
                notes.push(format!(
                    "some counts of {} are withheld for {} in {}: the subject areas or sectors \
                     that need them have no share",
                    l.breakdown, area.name, l.period
                ));
            }
        }
        Ok(Inputs { fe, jobs, notes })
    }

    fn basis(&self) -> Vec<Basis> {
        let mut out = Vec::new();
        if let Some(l) = &self.fe {
            out.push(l.basis("FE and skills aim achievements, by where learners live"));
        }
        if let Some(l) = &self.jobs {
            out.push(l.basis("employment (employees and working owners), where the jobs are"));
        }
        out
    }

    fn fe_shares(&self, ssas: &[u8]) -> Shares {
        let parts: Vec<String> = ssas.iter().copied().map(fe_part).collect();
        self.fe
            .as_ref()
            .map_or_else(Shares::default, |l| l.shares(&parts))
    }

    fn job_shares(&self, sections: &[Section]) -> Shares {
        self.jobs
            .as_ref()
            .map_or_else(Shares::default, |l| l.shares(&jobs_parts(sections)))
    }
}

/// For each sector subject area, the area's share of FE achievements beside its share of jobs in the sectors the subject trains for, England's shares, and
/// where provision runs ahead of or behind local jobs (relative to England), with readings.
pub fn supply_demand<'a>(
    snap: &'a ServedSnapshot,
    geo: &'a GeoIndex,
    code: &str,
) -> Result<SupplyDemand<'a>, ReportError> {
    let area = area(geo, code)?;
    let sectors = snap.sectors();
    let inputs = Inputs::of(snap, area)?;
    let subject_areas: Vec<SubjectSupply<'a>> = sectors
        .subject_areas()
        .iter()
        .map(|s| subject_supply(s, &inputs))
        .collect();
    Ok(SupplyDemand {
        meta: &snap.meta,
        area,
        basis: inputs.basis(),
        readings: supply_readings(area, &subject_areas),
        subject_areas,
        notes: inputs.notes,
        caveats: SUPPLY_DEMAND_CAVEATS,
    })
}

fn subject_supply<'a>(s: &'a SubjectArea, inputs: &Inputs<'_>) -> SubjectSupply<'a> {
    let fe = inputs.fe_shares(&[s.ssa]);
    let jobs = inputs.job_shares(&s.sections);
    let fe_ratio = quotient(fe.location_quotient, jobs.location_quotient);
    SubjectSupply {
        ssa: s.ssa,
        title: &s.title,
        sections: &s.sections,
        fe_achievements: fe,
        jobs,
        fe_ratio,
        position: fe_ratio.map(Position::of),
        note: s.note.as_deref(),
    }
}

/// "Provision runs ahead of local jobs in health, public services and care: …", for the two
/// subject areas furthest ahead and the two furthest behind (none for England, where every
/// ratio is 1).
fn supply_readings(area: &Area, rows: &[SubjectSupply<'_>]) -> Vec<String> {
    if area.code == ENGLAND {
        return Vec::new();
    }
    let mut ahead: Vec<(&SubjectSupply<'_>, f64)> = rows
        .iter()
        .filter_map(|r| Some((r, r.fe_ratio?)))
        .filter(|(_, x)| *x >= AHEAD)
        .collect();
    ahead.sort_by(|a, b| b.1.total_cmp(&a.1));
    let mut behind: Vec<(&SubjectSupply<'_>, f64)> = rows
        .iter()
        .filter_map(|r| Some((r, r.fe_ratio?)))
        .filter(|(_, x)| *x <= BEHIND)
        .collect();
    behind.sort_by(|a, b| a.1.total_cmp(&b.1));
    let times = |x: f64| format!("{x:.1} times");
    let sentence = |r: &SubjectSupply<'_>, word: &str| {
        let approx = if r.jobs.approximate || r.fe_achievements.approximate {
            " (approximately)"
        } else {
            ""
        };
        format!(
            "Provision runs {word} local jobs in {}: its share of {} FE achievements is {} \
             England's, while the share of jobs in the sectors it trains for ({}) is {} \
             England's{approx}.",
            // SSA titles are in title case ("Information and Communication Technology").
            r.title.to_lowercase(),
            possessive(&area.name),
            times(r.fe_achievements.location_quotient.unwrap_or_default()),
            sections_list(r.sections),
            times(r.jobs.location_quotient.unwrap_or_default()),
        )
    };
    ahead
        .iter()
        .take(2)
        .map(|(r, _)| sentence(r, "ahead of"))
        .chain(behind.iter().take(2).map(|(r, _)| sentence(r, "behind")))
        .collect()
}

impl ToTable for SupplyDemand<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let a = self.area;
        let mut t = Table::new(
            format!("{}-supply-demand", a.code),
            &[
                "area_code",
                "area_name",
                "ssa",
                "subject_area",
                "sections",
                "fe_share",
                "fe_england_share",
                "jobs_share",
                "jobs_england_share",
                "fe_ratio",
                "position",
                "approximate",
            ],
            snap,
            format!("Provision against jobs by sector subject area: {}", a.name),
            &[],
        );
        for r in &self.subject_areas {
            t.push(vec![
                a.code.as_str().into(),
                a.name.as_str().into(),
                u32::from(r.ssa).into(),
                r.title.into(),
                sections_list(r.sections).as_str().into(),
                r.fe_achievements.share.into(),
                r.fe_achievements.england_share.into(),
                r.jobs.share.into(),
                r.jobs.england_share.into(),
                r.fe_ratio.into(),
                r.position.map(position_str).into(),
                (r.jobs.approximate || r.fe_achievements.approximate).into(),
            ]);
        }
        for b in &self.basis {
            t.about.push(("Basis".to_owned(), b.line()));
        }
        with_caveats(t, self.caveats)
    }
}

fn position_str(p: Position) -> &'static str {
    match p {
        Position::Ahead => "ahead",
        Position::InStep => "in_step",
        Position::Behind => "behind",
    }
}

// ---------------------------------------------------------------------------------------------
// Priority sectors

pub const SECTOR_CAVEATS: &[&str] = &[
    "Jobs are BRES employment (employees and working owners) where people work, rounded by \
     ONS; a sector's jobs are the sum of its sections' rounded counts.",
    "A sector is a set of whole SIC 2007 sections, so it is broader than the sector as a hub \
     describes it (all manufacturing, not only advanced manufacturing): see each sector's note.",
    "Provision is adult FE aim achievements in the subject areas that train for the sector, by \
     where learners live; learners travel, and one subject area can train for several sectors. \
     Apprenticeship starts by subject area were not found published by district.",
    "Projected change is the Skills Imperative 2035 model's employment in 2035 minus 2020 for \
     the industry groups that make up the sector, published for LSIP areas and England only. \
     Openings including replacement demand are published only for six broad sectors, too \
     coarse for these, so they are not shown.",
];

/// One priority sector in an area.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectorRow<'a> {
    #[serde(skip)]
    projection_industries: &'a [String],
    pub id: &'a str,
    pub title: &'a str,
    #[schema(value_type = Vec<String>)]
    pub sections: &'a [Section],
    /// SSA tier 1 codes of the subject areas that train for it.
    pub subject_areas: &'a [u8],
    /// Jobs in the sector (sum of its sections), absent when a section's count is withheld.
    pub jobs: Option<f64>,
    pub jobs_share: Shares,
    /// Jobs now minus jobs five years before (same sections), when both are published.
    pub jobs_change_5y: Option<f64>,
    /// The period the change is from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jobs_change_from: Option<String>,
    pub fe_achievements: Option<f64>,
    pub fe_share: Shares,
    /// Projected change in employment, 2020 to 2035 (Skills Imperative 2035, its industry
    /// groups that make up the sector; jobs, rounded by the model to the nearest job), for the
    /// areas the projections are published for (LSIP areas, England).
    pub projected_change: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub projected_change_period: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<&'a str>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AreaSectors<'a> {
    pub meta: &'a Meta,
    pub area: &'a Area,
    pub basis: Vec<Basis>,
    pub sectors: Vec<SectorRow<'a>>,
    pub readings: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    pub caveats: &'static [&'static str],
}

/// The hub's priority sectors in an area: jobs, their share against England's, the change over
/// five years, and the FE provision in the subjects that train for each.
pub fn area_sectors<'a>(
    snap: &'a ServedSnapshot,
    geo: &'a GeoIndex,
    code: &str,
) -> Result<AreaSectors<'a>, ReportError> {
    let area = area(geo, code)?;
    let inputs = Inputs::of(snap, area)?;
    let earlier = inputs
        .jobs
        .as_ref()
        .and_then(|l| five_years_before(snap, l.period, &area.code));
    let sectors: Vec<SectorRow<'a>> = snap
        .sectors()
        .priority()
        .iter()
        .map(|s| sector_row(s, &inputs, earlier.as_ref()))
        .map(|mut row| {
            row.projected_change = projected_change(snap, &area.code, row.projection_industries);
            row.projected_change_period = row.projected_change.map(|_| PROJECTION_PERIOD);
            row
        })
        .collect();
    Ok(AreaSectors {
        meta: &snap.meta,
        area,
        basis: inputs.basis(),
        readings: sector_readings(area, &sectors),
        sectors,
        notes: inputs.notes,
        caveats: SECTOR_CAVEATS,
    })
}

const PROJECTION_PERIOD: &str = "2020-2035";

/// Employment in 2035 minus 2020 over the sector's Skills Imperative industry groups (table
/// `Ind T2`, levels in thousands), in jobs; absent where the area has no projections or a group
/// is missing from them.
fn projected_change(snap: &ServedSnapshot, code: &str, industries: &[String]) -> Option<f64> {
    if industries.is_empty() {
        return None;
    }
    let rows = snap.projections(code);
    let level = |label: &str, year: &str| {
        rows.iter()
            .find(|r| {
                r.classification == ProjectionClassification::IndustryGroups.as_str()
                    && r.quantity == ProjectionQuantity::Employment.as_str()
                    && r.item_label == label
                    && r.period == year
            })
            .and_then(|r| r.value)
    };
    industries
        .iter()
        .map(|i| Some(level(i, "2035")? - level(i, "2020")?))
        .sum::<Option<f64>>()
        .map(|thousands| (thousands * 1000.0).round())
}

/// The jobs rows of the period five years before `period` (years read from the labels' first
/// four digits), when the area has it.
fn five_years_before<'a>(snap: &'a ServedSnapshot, period: &str, code: &str) -> Option<Latest<'a>> {
    let year = |p: &str| p.get(..4)?.parse::<i32>().ok();
    let target = year(period)? - 5;
    let periods = snap.breakdown_area_periods(JOBS_BY_SECTION, code);
    let earlier = periods.into_iter().find(|p| year(p) == Some(target))?;
    Some(Latest {
        breakdown: JOBS_BY_SECTION,
        period: earlier,
        area: snap.breakdown_rows(JOBS_BY_SECTION, code, earlier),
        england: snap.breakdown_rows(JOBS_BY_SECTION, ENGLAND, earlier),
    })
}

fn sector_row<'a>(
    s: &'a PrioritySector,
    inputs: &Inputs<'_>,
    earlier: Option<&Latest<'_>>,
) -> SectorRow<'a> {
    let parts = jobs_parts(&s.sections);
    let jobs = inputs.jobs.as_ref().and_then(|l| l.count(&parts));
    let before = earlier.and_then(|l| l.count(&parts));
    let fe_parts: Vec<String> = s.subject_areas.iter().copied().map(fe_part).collect();
    SectorRow {
        projection_industries: &s.projection_industries,
        projected_change: None,
        projected_change_period: None,
        id: &s.id,
        title: &s.title,
        sections: &s.sections,
        subject_areas: &s.subject_areas,
        jobs,
        jobs_share: inputs.job_shares(&s.sections),
        jobs_change_5y: jobs.zip(before).map(|(now, then)| now - then),
        jobs_change_from: earlier
            .filter(|_| before.is_some())
            .map(|l| l.period.to_owned()),
        fe_achievements: inputs.fe.as_ref().and_then(|l| l.count(&fe_parts)),
        fe_share: inputs.fe_shares(&s.subject_areas),
        note: s.note.as_deref(),
    }
}

/// "Preston has 14,000 jobs in health and social care (18.0% of its jobs, against 13.5% in
/// England), 1,200 more than five years before." for the sectors with the most jobs.
fn sector_readings(area: &Area, rows: &[SectorRow<'_>]) -> Vec<String> {
    let pct = |v: f64| format_value(v, Unit::Percent);
    let count = |v: f64| format_value(v, Unit::Count("jobs"));
    let mut by_jobs: Vec<&SectorRow<'_>> = rows.iter().filter(|r| r.jobs.is_some()).collect();
    by_jobs.sort_by(|a, b| b.jobs.unwrap_or(0.0).total_cmp(&a.jobs.unwrap_or(0.0)));
    by_jobs
        .into_iter()
        .take(3)
        .filter_map(|r| {
            let jobs = r.jobs?;
            let share = r.jobs_share.share?;
            let england = match r.jobs_share.england_share {
                Some(e) if area.code != ENGLAND => format!(", against {} in England", pct(e)),
                _ => String::new(),
            };
            let change = match (r.jobs_change_5y, &r.jobs_change_from) {
                (Some(c), Some(from)) if c.abs() >= 0.5 => format!(
                    ", {} {} than in {from}",
                    count(c.abs()),
                    if c > 0.0 { "more" } else { "fewer" }
                ),
                (Some(_), Some(from)) => format!(", about the same as in {from}"),
                _ => String::new(),
            };
            Some(format!(
                "{} has {} in {} ({} of its jobs{england}){change}{}.",
                area.name,
                count(jobs),
                in_sentence(r.title),
                pct(share),
                if r.jobs_share.approximate {
                    ", approximately"
                } else {
                    ""
                }
            ))
        })
        .collect()
}

impl ToTable for AreaSectors<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let a = self.area;
        let mut t = Table::new(
            format!("{}-sectors", a.code),
            &[
                "area_code",
                "area_name",
                "sector",
                "title",
                "sections",
                "jobs",
                "jobs_share",
                "jobs_england_share",
                "jobs_location_quotient",
                "jobs_change_5y",
                "jobs_change_from",
                "fe_achievements",
                "fe_share",
                "fe_england_share",
                "projected_change",
                "projected_change_period",
            ],
            snap,
            format!("Priority sectors: {}", a.name),
            &[],
        );
        for r in &self.sectors {
            t.push(vec![
                a.code.as_str().into(),
                a.name.as_str().into(),
                r.id.into(),
                r.title.into(),
                sections_list(r.sections).as_str().into(),
                r.jobs.into(),
                r.jobs_share.share.into(),
                r.jobs_share.england_share.into(),
                r.jobs_share.location_quotient.into(),
                r.jobs_change_5y.into(),
                r.jobs_change_from.as_deref().into(),
                r.fe_achievements.into(),
                r.fe_share.share.into(),
                r.fe_share.england_share.into(),
                r.projected_change.into(),
                r.projected_change_period.into(),
            ]);
        }
        for b in &self.basis {
            t.about.push(("Basis".to_owned(), b.line()));
        }
        with_caveats(t, self.caveats)
    }
}

// ---------------------------------------------------------------------------------------------
// The mapping itself

/// One SIC 2007 section.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectionEntry {
    pub section: char,
    pub title: &'static str,
}

/// The mapping the answers use, as the server was configured: every sector subject area with
/// the SIC 2007 sections it trains for, and the priority sectors.
#[derive(Debug, Serialize, ToSchema)]
pub struct SectorsMapping<'a> {
    pub meta: &'a Meta,
    pub subject_areas: &'a [SubjectArea],
    pub priority_sectors: &'a [PrioritySector],
    pub sections: Vec<SectionEntry>,
    pub caveats: &'static [&'static str],
}

pub fn sectors_mapping(snap: &ServedSnapshot) -> SectorsMapping<'_> {
    let sectors = snap.sectors();
    SectorsMapping {
        meta: &snap.meta,
        subject_areas: sectors.subject_areas(),
        priority_sectors: sectors.priority(),
        sections: crate::sectors::SIC2007_SECTIONS
            .iter()
            .map(|(section, title)| SectionEntry {
                section: *section,
                title,
            })
            .collect(),
        caveats: SUPPLY_DEMAND_CAVEATS,
    }
}

impl ToTable for SectorsMapping<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let mut t = Table::new(
            "sectors".to_owned(),
            &["kind", "id", "title", "sections", "subject_areas", "note"],
            snap,
            "Sector subject areas, SIC 2007 sections and priority sectors".to_owned(),
            &[],
        );
        for s in self.subject_areas {
            t.push(vec![
                "subject_area".into(),
                s.ssa.to_string().into(),
                s.title.as_str().into(),
                sections_list(&s.sections).into(),
                "".into(),
                s.note.as_deref().into(),
            ]);
        }
        for p in self.priority_sectors {
            let ssas: Vec<String> = p.subject_areas.iter().map(u8::to_string).collect();
            t.push(vec![
                "priority_sector".into(),
                p.id.as_str().into(),
                p.title.as_str().into(),
                sections_list(&p.sections).into(),
                ssas.join(", ").into(),
                p.note.as_deref().into(),
            ]);
        }
        with_caveats(t, self.caveats)
    }
}
