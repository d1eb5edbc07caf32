//! Charts of the demand tables: an area's breakdown ranked, each part's share beside England's
//! (a tick on its bar), and travel to learn (where residents' apprenticeships are delivered, or
//! where the learners trained in an area live). Both are drawn from the same bodies the API
//! serves (`queries::area_breakdown`, `queries::area_flows`), so chart, JSON and CSV agree.

use super::Built;
use super::{ChartSpec, FlowDirection, FlowsSpec, MAX_PARTS, RankedBreakdownSpec};
use crate::error::ReportError;
use crate::queries::demand::{counted, in_sentence, possessive};
use crate::queries::{
    AreaBreakdown, AreaFlows, BreakdownSort, FlowLink, PartShare, ToTable, area_breakdown,
    area_flows,
};
use crate::snapshot::{GeoIndex, ServedSnapshot};
use crate::words::format_value;
use lmi_charts::{Chart, ChartText, Mark, RankedBar, RankedChart};
use lmi_core::flows::APPRENTICESHIP_FLOWS_SOURCE;
use lmi_core::geography::ENGLAND;
use lmi_core::{Area, Status, Unit};

/// What a travel-to-learn panel shows.
pub const FLOWS_DESCRIPTION: &str = "Apprenticeship starts by where the apprentice lives and \
    where the training is delivered: how many residents train in the area itself, where the \
    others go, and who comes in.";

/// Footnotes of a chart drawn from these sources: the sample notice, the sources' attribution
/// as the snapshot records it, then the chart's own notes.
fn footnotes(snap: &ServedSnapshot, sources: &[&str], notes: Vec<String>) -> Vec<String> {
    let mut out = super::footnotes_of_sources(snap, sources);
    out.extend(notes);
    out
}

/// An area's parts of one count breakdown as ranked bars (share of the total), sorted by `sort`,
/// the first `top` parts (default: all, at most [`MAX_PARTS`]), with England's share of each
/// part as a tick on its bar.
pub fn ranked_breakdown(
    snap: &ServedSnapshot,
    geo: &GeoIndex,
    code: &str,
    id: &str,
    period: Option<&str>,
    sort: BreakdownSort,
    top: Option<usize>,
) -> Result<Built, ReportError> {
    let mut body = area_breakdown(snap, geo, code, id, period, Some(sort.as_str()))?;
    let (area, def) = (body.area, body.breakdown);
    if body.parts.iter().all(|p| p.share.is_none()) {
        let why = if body.notes.is_empty() {
            "every part is withheld".to_owned()
        } else {
            body.notes.join("; ")
        };
        return Err(ReportError::NotFound(format!(
            "nothing to chart: {} has no shares of {} in {}: {why}",
            area.name, def.id, body.period
        )));
    }
    let shown = top.unwrap_or(MAX_PARTS).clamp(1, MAX_PARTS);
    let left_out = body.parts.len().saturating_sub(shown);
    body.parts.truncate(shown);
    let england = area.code == ENGLAND;
    let bars = part_bars(&body.parts, england);
    let order = match sort {
        BreakdownSort::Share => "largest share first",
        BreakdownSort::Lq => "most concentrated compared with England first",
        BreakdownSort::Change => "largest rise in share first",
    };
    let description = ranked_breakdown_description(&body, order);
    let mut notes = Vec::new();
    if left_out > 0 {
        notes.push(format!(
            "{shown} of {} parts shown ({order})",
            shown + left_out
        ));
    }
    notes.extend(body.notes.iter().map(|n| format!("Note: {n}")));
    let sources: Vec<&str> = std::iter::once(def.source)
        .chain(def.small_area_source)
        .collect();
    let table = body.to_table(snap);
    Ok(Built {
        chart: Chart::Ranked(RankedChart {
            text: ChartText {
                title: format!(
                    "{}: {}, {}{}",
                    def.title,
                    area.name,
                    body.period,
                    match sort {
                        BreakdownSort::Share => "",
                        BreakdownSort::Lq => " (most concentrated against England first)",
                        BreakdownSort::Change => " (largest rise first)",
                    }
                ),
                description,
                unit: Unit::Percent.as_str().to_owned(),
                footnotes: footnotes(snap, &sources, notes),
            },
            bars,
            reference: None,
            bar_reference: (!england).then(|| "England's share of the same part".to_owned()),
        }),
        table,
    })
}

/// A bar per part, each with England's share as its tick (none on England's own chart).
fn part_bars(parts: &[PartShare<'_>], england: bool) -> Vec<RankedBar> {
    parts
        .iter()
        .map(|p| RankedBar {
            label: p.label.to_owned(),
            value: p.share,
            highlight: true,
            mark: match p.status {
                Status::Suppressed => Mark::Suppressed,
                Status::LowReliability => Mark::LowReliability,
                _ if p.approximate => Mark::Approximate,
                _ => Mark::None,
            },
            reference: p.england_share.filter(|_| !england),
        })
        .collect()
}

/// "Bar chart of the share of Preston's working residents in each part of ... in 2021, largest
/// share first, with England's share marked on each bar." then the body's readings.
fn ranked_breakdown_description(body: &AreaBreakdown<'_>, order: &str) -> String {
    let (area, def) = (body.area, body.breakdown);
    let mut description = format!(
        "Bar chart of the share of {}'s {} in each part of {} in {}, {order}{}.",
        area.name,
        counted(def),
        def.title.to_lowercase(),
        body.period,
        if area.code == ENGLAND {
            String::new()
        } else {
            ", with England's share marked on each bar".to_owned()
        }
    );
    for r in &body.readings {
        description.push(' ');
        description.push_str(r);
    }
    description
}

/// An area's main apprenticeship flows in `period` (default: the latest full year) as ranked
/// bars of starts: the delivery areas of its residents' starts, or the home areas of the
/// learners trained there; the area itself highlighted.
pub fn flows(
    snap: &ServedSnapshot,
    geo: &GeoIndex,
    code: &str,
    period: Option<&str>,
    direction: FlowDirection,
) -> Result<Built, ReportError> {
    let body = area_flows(snap, geo, code, period)?;
    let area = body.area;
    let links = match direction {
        FlowDirection::Delivery => &body.delivery_areas,
        FlowDirection::Home => &body.home_areas,
    };
    if links.iter().all(|l| l.starts.is_none()) {
        return Err(ReportError::NotFound(format!(
            "nothing to chart: no apprenticeship starts {} {} in {}",
            match direction {
                FlowDirection::Delivery => "by residents of",
                FlowDirection::Home => "delivered in",
            },
            area.name,
            body.period
        )));
    }
    let mark = if body.approximate {
        Mark::Approximate
    } else {
        Mark::None
    };
    let bars = links
        .iter()
        .map(|l| RankedBar {
            label: if l.same_area {
                format!("{} (the area itself)", l.name)
            } else {
                l.name.clone()
            },
            value: l.starts,
            highlight: l.same_area,
            mark,
            reference: None,
        })
        .collect();
    let title = match direction {
        FlowDirection::Delivery => format!(
            "Where {} apprentices train: starts, {}",
            possessive(&area.name),
            body.period
        ),
        FlowDirection::Home => format!(
            "Where apprentices trained in {} live: starts, {}",
            area.name, body.period
        ),
    };
    let notes = flows_notes(&body, links.len());
    let table = body.to_table(snap);
    Ok(Built {
        chart: Chart::Ranked(RankedChart {
            text: ChartText {
                title,
                description: flows_description(&body, direction),
                unit: "starts".to_owned(),
                footnotes: footnotes(snap, &[APPRENTICESHIP_FLOWS_SOURCE], notes),
            },
            bars,
            reference: None,
            bar_reference: None,
        }),
        table,
    })
}

/// A flows chart's own footnotes: provisional periods, and the cut to the top areas.
fn flows_notes(body: &AreaFlows<'_>, links: usize) -> Vec<String> {
    let mut notes = Vec::new();
    if body.provisional {
        notes.push(format!(
            "{} is a provisional part year: not comparable with full years",
            body.period
        ));
    }
    // The body's notes speak to API callers (`?period=`): the chart says it plainly.
    if let Some(later) = body.periods.last().filter(|p| **p != body.period) {
        notes.push(format!(
            "{later} (a provisional part year) is not shown: not comparable with full years"
        ));
    }
    if links == crate::queries::TOP_FLOWS {
        notes.push(format!(
            "The {} areas with the most starts",
            crate::queries::TOP_FLOWS
        ));
    }
    notes
}

/// The chart's description: what the bars are, then [`flows_reading`].
fn flows_description(body: &AreaFlows<'_>, direction: FlowDirection) -> String {
    let name = &body.area.name;
    format!(
        "Bar chart of apprenticeship starts in {} by {}, most first. {}",
        body.period,
        match direction {
            FlowDirection::Delivery =>
                format!("the area where the training of residents of {name} is delivered"),
            FlowDirection::Home => format!("the home area of the learners trained in {name}"),
        },
        flows_reading(body, direction)
    )
}

/// "Residents of Burnley started 648 apprenticeships in 2024/25; 41.8% of them were delivered in
/// Burnley itself. Elsewhere, most trained in Pendle (80), Hyndburn (60) and Preston (40). A net
/// inflow of 166 starts." For `Home`, the starts delivered in the area and where those learners
/// live.
pub(crate) fn flows_reading(body: &AreaFlows<'_>, direction: FlowDirection) -> String {
    let count = |v: f64| crate::words::thousands(v);
    let (t, p) = (&body.totals, body.period);
    let residents = residents_sentence(body);
    let delivered = delivered_sentence(body);
    let net = t
        .net_starts
        .map(|n| {
            if n == 0.0 {
                "As many come in as go out.".to_owned()
            } else {
                let way = if n > 0.0 { "inflow" } else { "outflow" };
                format!("A net {way} of {} starts.", count(n.abs()))
            }
        })
        .unwrap_or_default();
    // The main other ends, with their starts.
    let others = |links: &[FlowLink<'_>]| -> Vec<String> {
        links
            .iter()
            .filter(|l| !l.same_area)
            .filter_map(|l| Some(format!("{} ({})", l.name, count(l.starts?))))
            .take(3)
            .collect()
    };
    let list = |items: Vec<String>| match items.as_slice() {
        [] => None,
        [one] => Some(one.clone()),
        [init @ .., last] => Some(format!("{} and {last}", init.join(", "))),
    };
    let mut parts = match direction {
        FlowDirection::Delivery => {
            let elsewhere = list(others(&body.delivery_areas))
                .map(|l| format!("Elsewhere, most trained in {l}."))
                .unwrap_or_default();
            vec![residents, elsewhere, net]
        }
        FlowDirection::Home => {
            let from = list(others(&body.home_areas))
                .map(|l| format!("Most of them came from {l}."))
                .unwrap_or_default();
            vec![delivered, from, net]
        }
    };
    if body.provisional {
        parts.push(format!("{p} is a provisional part year."));
    }
    if body.approximate {
        parts.push("Built from whole local authorities, so approximate.".to_owned());
    }
    parts.retain(|s| !s.is_empty());
    parts.join(" ")
}

/// "Residents of Burnley started 648 apprenticeships in 2024/25; 41.8% of them were delivered
/// in Burnley itself." (empty without resident starts)
fn residents_sentence(body: &AreaFlows<'_>) -> String {
    let count = |v: f64| crate::words::thousands(v);
    let (name, t, p) = (&body.area.name, &body.totals, body.period);
    let mut residents = String::new();
    if let Some(r) = t.resident_starts {
        residents = format!(
            "Residents of {name} started {} apprenticeships in {p}",
            count(r)
        );
        if let Some(s) = t.same_area_share {
            residents.push_str(&format!(
                "; {} of them were delivered in {name} itself",
                format_value(s, Unit::Percent)
            ));
        }
        residents.push('.');
    }
    residents
}

/// "Of the 350 starts delivered in Burnley in 2023/24, 50 (14.3%) were by people living
/// elsewhere." (empty without delivered starts)
fn delivered_sentence(body: &AreaFlows<'_>) -> String {
    let count = |v: f64| crate::words::thousands(v);
    let (name, t, p) = (&body.area.name, &body.totals, body.period);
    t.same_area_starts
        .zip(t.inflow_starts)
        .map(|(same, inflow)| {
            let all = same + inflow;
            let share = if all > 0.0 {
                format!(" ({})", format_value(100.0 * inflow / all, Unit::Percent))
            } else {
                String::new()
            };
            format!(
                "Of the {} starts delivered in {name} in {p}, {}{share} were by people living \
                 elsewhere.",
                count(all),
                count(inflow)
            )
        })
        .unwrap_or_default()
}

/// What a dashboard panel of a demand chart says beside it.
pub(crate) struct DemandPanel {
    pub subject: String,
    pub description: String,
    pub unit: String,
    pub period: Option<String>,
    pub value: Option<f64>,
    pub approximate: bool,
    pub england: Option<f64>,
    pub reading: String,
    pub caveats: Vec<String>,
}

impl DemandPanel {
    /// A panel of shares (percent) with nothing read yet.
    pub(super) fn new(subject: &str, description: &str, caveats: &[&str]) -> DemandPanel {
        DemandPanel {
            subject: subject.to_owned(),
            description: description.to_owned(),
            unit: Unit::Percent.as_str().to_owned(),
            period: None,
            value: None,
            approximate: false,
            england: None,
            reading: String::new(),
            caveats: caveats.iter().map(|c| (*c).to_owned()).collect(),
        }
    }
}

/// The reading and headline of a `ranked_breakdown` or `flows` panel for an area (`None` for
/// the other kinds). A panel with nothing to show says why in its reading.
pub(crate) fn demand_panel(
    spec: &ChartSpec,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> Option<DemandPanel> {
    match spec {
        ChartSpec::RankedBreakdown(RankedBreakdownSpec {
            breakdown,
            period,
            sort,
            ..
        }) => {
            let def = lmi_core::find_count_breakdown(breakdown)?;
            let mut panel = DemandPanel::new(def.id, def.description, def.caveats);
            match area_breakdown(snap, geo, &area.code, def.id, period.as_deref(), Some("lq")) {
                Ok(body) => breakdown_reading(&body, *sort, &mut panel),
                Err(e) => panel.reading = format!("{e}."),
            }
            Some(panel)
        }
        ChartSpec::Flows(FlowsSpec { period, direction }) => {
            let mut panel = DemandPanel::new(
                "apprenticeship_flows",
                FLOWS_DESCRIPTION,
                lmi_core::flows::FLOW_CAVEATS,
            );
            match area_flows(snap, geo, &area.code, period.as_deref()) {
                Ok(body) => {
                    panel.period = Some(body.period.to_owned());
                    panel.value = body.totals.same_area_share;
                    panel.approximate = body.approximate;
                    panel.reading = flows_reading(&body, *direction);
                }
                Err(e) => panel.reading = format!("{e}."),
            }
            Some(panel)
        }
        ChartSpec::SupplyDemand(_) => Some(super::sectors::supply_demand_panel(area, snap, geo)),
        ChartSpec::PrioritySectors(_) => {
            Some(super::sectors::priority_sectors_panel(area, snap, geo))
        }
        _ => None,
    }
}

/// Leads with what the panel sorts by (the largest part, the most concentrated, the biggest
/// rise), then the highest location quotients' readings.
fn breakdown_reading(body: &AreaBreakdown<'_>, sort: BreakdownSort, panel: &mut DemandPanel) {
    let (area, def, period) = (body.area, body.breakdown, body.period);
    panel.period = Some(period.to_owned());
    panel.approximate = body.parts.iter().any(|p| p.approximate);
    let with_share: Vec<&PartShare<'_>> = body.parts.iter().filter(|p| p.share.is_some()).collect();
    if with_share.is_empty() {
        panel.reading = if body.notes.is_empty() {
            format!("No shares of this breakdown for {} in {period}.", area.name)
        } else {
            format!(
                "Not available for {} ({}): {}.",
                area.name,
                area.area_type.label_in_sentence(),
                body.notes.join("; ")
            )
        };
        return;
    }
    let pct = |v: f64| format_value(v, Unit::Percent);
    let by = |key: fn(&PartShare<'_>) -> Option<f64>| {
        with_share
            .iter()
            .copied()
            .filter_map(|p| Some((p, key(p)?)))
            .max_by(|a, b| a.1.total_cmp(&b.1))
    };
    let mut sentences = Vec::new();
    match sort {
        BreakdownSort::Share | BreakdownSort::Lq => {
            if let Some((p, share)) = by(|p| p.share) {
                panel.value = Some(share);
                panel.england = p.england_share;
                let england = p
                    .england_share
                    .filter(|_| area.code != ENGLAND)
                    .map(|e| format!(", against {} in England", pct(e)))
                    .unwrap_or_default();
                sentences.push(format!(
                    "The largest group of {} {}: {} ({}{england}, {period}).",
                    possessive(&area.name),
                    counted(def),
                    in_sentence(p.label),
                    pct(share),
                ));
            }
        }
        BreakdownSort::Change => {
            if let Some((p, change)) = by(|p| p.change) {
                sentences.push(format!(
                    "The biggest rise in share since the previous period: {} ({:+.1} percentage \
                     points to {}, {period}).",
                    in_sentence(p.label),
                    change,
                    p.share.map(pct).unwrap_or_default()
                ));
            }
        }
    }
    let lq_readings = if sort == BreakdownSort::Lq { 2 } else { 1 };
    sentences.extend(body.readings.iter().take(lq_readings).cloned());
    if panel.approximate {
        sentences.push("Some counts are summed from rounded figures, so approximate.".to_owned());
    }
    panel.reading = sentences.join(" ");
}
