//! Charts of provision against the economy. Supply against demand: one bar per sector subject
//! area, the quotient of how far the area's provision leans towards the subject and how far its
//! jobs lean towards the sectors it trains for (both against England), with a line at 1 ("in
//! step"). Priority sectors: each sector's share of the area's jobs with England's as a tick.
//! Both are drawn from the bodies the API serves (`queries::supply_demand`,
//! `queries::area_sectors`), so chart, JSON and CSV agree.

use super::Built;
use super::demand::DemandPanel;
use crate::error::ReportError;
use crate::queries::sectors::{
    AHEAD, BEHIND, Basis, SUPPLY_DEMAND_CAVEATS, SubjectSupply, sections_list,
};
use crate::queries::{FE_BY_SSA, JOBS_BY_SECTION, ToTable, area_sectors, supply_demand};
use crate::snapshot::{GeoIndex, ServedSnapshot};
use lmi_charts::{Chart, ChartText, Mark, RankedBar, RankedChart, ReferenceLine};
use lmi_core::Area;

/// What a supply-against-demand panel shows.
pub const SUPPLY_DEMAND_DESCRIPTION: &str = "For each sector subject area: how far the area's \
    adult FE achievements lean towards it compared with England, divided by how far the area's \
    jobs lean towards the sectors it trains for compared with England. Above 1, provision runs \
    ahead of local jobs; below 1, behind.";

/// The breakdowns the chart reads, for its sources and footnotes.
pub fn supply_demand_breakdowns() -> [&'static str; 2] {
    [FE_BY_SSA, JOBS_BY_SECTION]
}

/// Bars of FE provision over jobs (relative to England) per subject area, furthest ahead first;
/// subject areas without a ratio (general education, a withheld count) are left out and counted
/// in a footnote.
pub fn supply_demand_chart(
    snap: &ServedSnapshot,
    geo: &GeoIndex,
    code: &str,
) -> Result<Built, ReportError> {
    let body = supply_demand(snap, geo, code)?;
    let area = body.area;
    let mut rows: Vec<(&SubjectSupply<'_>, f64)> = body
        .subject_areas
        .iter()
        .filter_map(|r| Some((r, r.fe_ratio?)))
        .collect();
    if rows.is_empty() {
        let why = if body.notes.is_empty() {
            "no subject area has both a provision share and a jobs share".to_owned()
        } else {
            body.notes.join("; ")
        };
        return Err(ReportError::NotFound(format!(
            "nothing to chart: {} has no FE achievements against jobs: {why}",
            area.name,
        )));
    }
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    let left_out = body.subject_areas.len() - rows.len();
    let bars = rows
        .iter()
        .map(|(r, x)| RankedBar {
            label: format!("{} ({})", r.title, sections_list(r.sections)),
            value: Some(*x),
            highlight: *x >= AHEAD || *x <= BEHIND,
            mark: if r.jobs.approximate || r.fe_achievements.approximate {
                Mark::Approximate
            } else {
                Mark::None
            },
            reference: None,
        })
        .collect();
    let mut notes = vec![format!(
        "Strong bars: provision well ahead of (at least {AHEAD}) or behind (at most {BEHIND}) \
         local jobs. In brackets: the SIC 2007 sections each subject trains for."
    )];
    if left_out > 0 {
        notes.push(format!(
            "{left_out} subject areas not shown: general education, or a share withheld"
        ));
    }
    notes.extend(basis_footnotes(&body.basis, &body.notes));
    let sources = super::breakdown_sources(&supply_demand_breakdowns());
    let mut footnotes = super::footnotes_of_sources(snap, &sources);
    footnotes.extend(notes);
    let description = format!(
        "Bar chart of {} FE achievements against its jobs by sector subject area, relative to \
         England, furthest ahead first. {}",
        possessive_name(area),
        body.readings.join(" ")
    );
    Ok(Built {
        chart: Chart::Ranked(RankedChart {
            text: ChartText {
                title: format!(
                    "FE achievements against local jobs, relative to England: {}",
                    area.name
                ),
                description,
                unit: "ratio (1 = in step with jobs)".to_owned(),
                footnotes,
            },
            bars,
            reference: Some(ReferenceLine {
                label: "in step with local jobs".to_owned(),
                value: 1.0,
            }),
            bar_reference: None,
        }),
        table: body.to_table(snap),
    })
}

/// The lines a chart's footnotes add about what it was built from: each breakdown with its
/// period and what it counts, then the answer's notes.
fn basis_footnotes<'a>(
    basis: &'a [Basis],
    notes: &'a [String],
) -> impl Iterator<Item = String> + 'a {
    basis
        .iter()
        .map(Basis::line)
        .chain(notes.iter().map(|n| format!("Note: {n}")))
}

/// ": what is missing; what is withheld" after a sentence, or nothing when nothing is.
fn notes_suffix(notes: &[String]) -> String {
    if notes.is_empty() {
        String::new()
    } else {
        format!(": {}", notes.join("; "))
    }
}

fn possessive_name(area: &Area) -> String {
    crate::queries::demand::possessive(&area.name)
}

/// The panel of a `supply_demand` chart: the readings, headed by how many subject areas run
/// ahead and behind.
pub(crate) fn supply_demand_panel(
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> DemandPanel {
    let mut panel = DemandPanel::new(
        "supply_demand",
        SUPPLY_DEMAND_DESCRIPTION,
        SUPPLY_DEMAND_CAVEATS,
    );
    panel.unit = "ratio".to_owned();
    match supply_demand(snap, geo, &area.code) {
        Ok(body) => {
            let ratios: Vec<f64> = body
                .subject_areas
                .iter()
                .filter_map(|r| r.fe_ratio)
                .collect();
            panel.period = body
                .basis
                .iter()
                .find(|b| b.breakdown == FE_BY_SSA)
                .map(|b| b.period.clone());
            panel.approximate = body
                .subject_areas
                .iter()
                .any(|r| r.jobs.approximate || r.fe_achievements.approximate);
            let ahead = ratios.iter().filter(|x| **x >= AHEAD).count();
            let behind = ratios.iter().filter(|x| **x <= BEHIND).count();
            let mut sentences = if ratios.is_empty() {
                vec![format!(
                    "No subject area in {} has both FE achievements and jobs to compare{}.",
                    area.name,
                    notes_suffix(&body.notes)
                )]
            } else {
                vec![format!(
                    "Of {} subject areas compared in {}, provision runs ahead of local jobs in \
                     {ahead} and behind in {behind}, relative to England.",
                    ratios.len(),
                    area.name
                )]
            };
            sentences.extend(body.readings.iter().cloned());
            panel.reading = sentences.join(" ");
        }
        Err(e) => panel.reading = format!("{e}."),
    }
    panel
}

/// What a priority-sectors panel shows.
pub const PRIORITY_SECTORS_DESCRIPTION: &str = "The hub's priority sectors: each one's share of \
    the area's jobs (where people work), with England's share marked, and the provision in the \
    subjects that train for it in the table.";

/// The breakdowns the priority-sectors chart reads.
pub fn priority_sector_breakdowns() -> [&'static str; 2] {
    [JOBS_BY_SECTION, FE_BY_SSA]
}

/// A bar per priority sector: its share of the area's jobs, England's share as a tick, in the
/// configured order (a hub lists them in its own order of priority).
pub fn priority_sectors_chart(
    snap: &ServedSnapshot,
    geo: &GeoIndex,
    code: &str,
) -> Result<Built, ReportError> {
    let body = area_sectors(snap, geo, code)?;
    let area = body.area;
    if body.sectors.iter().all(|s| s.jobs_share.share.is_none()) {
        return Err(ReportError::NotFound(format!(
            "nothing to chart: no jobs by sector for {}{}",
            area.name,
            notes_suffix(&body.notes)
        )));
    }
    let england = area.code == lmi_core::geography::ENGLAND;
    let bars = body
        .sectors
        .iter()
        .map(|s| RankedBar {
            label: format!("{} ({})", s.title, sections_list(s.sections)),
            value: s.jobs_share.share,
            highlight: true,
            mark: if s.jobs_share.approximate {
                Mark::Approximate
            } else {
                Mark::None
            },
            reference: s.jobs_share.england_share.filter(|_| !england),
        })
        .collect();
    let mut footnotes = super::footnotes_of_sources(
        snap,
        &super::breakdown_sources(&priority_sector_breakdowns()),
    );
    footnotes.extend(basis_footnotes(&body.basis, &body.notes));
    let description = format!(
        "Bar chart of the share of {} jobs in each priority sector{}. {}",
        possessive_name(area),
        if england {
            ""
        } else {
            ", with England's share marked on each bar"
        },
        body.readings.join(" ")
    );
    Ok(Built {
        chart: Chart::Ranked(RankedChart {
            text: ChartText {
                title: format!("Jobs in the priority sectors: {}", area.name),
                description,
                unit: lmi_core::Unit::Percent.as_str().to_owned(),
                footnotes,
            },
            bars,
            reference: None,
            bar_reference: (!england).then(|| "England's share".to_owned()),
        }),
        table: body.to_table(snap),
    })
}

/// The panel of a `priority_sectors` chart: the largest sectors' readings.
pub(crate) fn priority_sectors_panel(
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> DemandPanel {
    let mut panel = DemandPanel::new(
        "priority_sectors",
        PRIORITY_SECTORS_DESCRIPTION,
        crate::queries::sectors::SECTOR_CAVEATS,
    );
    match area_sectors(snap, geo, &area.code) {
        Ok(body) => {
            panel.period = body
                .basis
                .iter()
                .find(|b| b.breakdown == JOBS_BY_SECTION)
                .map(|b| b.period.clone());
            panel.approximate = body.sectors.iter().any(|s| s.jobs_share.approximate);
            panel.reading = if body.readings.is_empty() {
                format!(
                    "No jobs by sector for {}{}.",
                    area.name,
                    notes_suffix(&body.notes)
                )
            } else {
                body.readings.join(" ")
            };
        }
        Err(e) => panel.reading = format!("{e}."),
    }
    panel
}
