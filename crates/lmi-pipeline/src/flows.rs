//! Travel to learn: apprenticeship flows (`lmi_core::flows`) between districts and between areas
//! of every other type, and per area the starts by residents, the share delivered in the same
//! area, inflow, outflow and net (`lmi_core::schema::{flows, flow_summary}`).
//!
//! Districts of any vintage are mapped to current ones first. An area's flows are sums over its
//! districts; TTWAs use their best-fit districts and are approximate with coverage. DfE's
//! "outside England and unknown" location stays its own bucket at both ends; for area types that
//! do not cover England (counties, combined authorities) the other end may be
//! `elsewhere_in_england`. Part-year periods are marked provisional.

use crate::PipelineError;
use lmi_core::flows::{
    APPRENTICESHIP_FLOWS_SOURCE, ELSEWHERE_IN_ENGLAND, FlowQuantity, OUTSIDE_ENGLAND_OR_UNKNOWN,
    PROVISIONAL_FLAG, parse_flow_measure,
};
use lmi_core::schema::observations as obs;
use lmi_core::schema::{flow_summary as fs, flows as fl};
use lmi_core::{AreaType, Geography};
use polars::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};

type Counts = [f64; 3];
/// (area type, period, home area) -> (delivery area, starts).
type ByHome<'a> = BTreeMap<(AreaType, &'a str, &'a str), Vec<(&'a str, f64)>>;

fn index(q: FlowQuantity) -> usize {
    match q {
        FlowQuantity::Starts => 0,
        FlowQuantity::Enrolments => 1,
        FlowQuantity::Achievements => 2,
    }
}

/// Each current district's areas (itself, its parents, its best-fit TTWA) with their types.
struct Areas<'g> {
    of_lad: HashMap<&'g str, Vec<(&'g str, AreaType)>>,
    coverage: HashMap<&'g str, f64>,
}

impl<'g> Areas<'g> {
    fn new(geo: &'g Geography) -> Areas<'g> {
        let mut of_lad: HashMap<&str, Vec<(&str, AreaType)>> = HashMap::new();
        for a in geo.areas().filter(|a| a.area_type == AreaType::Lad) {
            of_lad
                .entry(&a.code)
                .or_default()
                .push((&a.code, AreaType::Lad));
        }
        let mut coverage: HashMap<&str, f64> = HashMap::new();
        for m in geo.memberships() {
            of_lad
                .entry(&m.lad_code)
                .or_default()
                .push((&m.parent_code, m.parent_type));
            if let Some(share) = m.parent_share {
                *coverage.entry(&m.parent_code).or_default() += share;
            }
        }
        Areas { of_lad, coverage }
    }

    /// The areas of `t` holding `lad`; a bucket or a district outside every area of `t` stands
    /// for itself.
    fn of_type<'a>(&'a self, lad: &'a str, t: AreaType) -> Vec<&'a str> {
        if lad == OUTSIDE_ENGLAND_OR_UNKNOWN {
            return vec![OUTSIDE_ENGLAND_OR_UNKNOWN];
        }
        let found: Vec<&str> = self
            .of_lad
            .get(lad)
            .into_iter()
            .flatten()
            .filter(|(_, at)| *at == t)
            .map(|(c, _)| *c)
            .collect();
        if found.is_empty() {
            vec![ELSEWHERE_IN_ENGLAND]
        } else {
            found
        }
    }

    fn all_of(&self, lad: &str) -> &[(&'g str, AreaType)] {
        self.of_lad.get(lad).map_or(&[], Vec::as_slice)
    }
}

/// District-level flows: (period, home, delivery) -> counts, with the provisional periods.
#[allow(clippy::type_complexity)]
fn district_flows(
    observations: &DataFrame,
    geo: &Geography,
) -> Result<(BTreeMap<(String, String, String), Counts>, HashSet<String>), PipelineError> {
    let df = observations
        .clone()
        .lazy()
        .filter(col(obs::SOURCE).eq(lit(APPRENTICESHIP_FLOWS_SOURCE)))
        .select([
            col(obs::AREA_CODE),
            col(obs::PERIOD),
            col(obs::MEASURE),
            col(obs::VALUE),
            col(obs::FLAGS),
        ])
        .collect()?;
    let current = |code: &str| -> String {
        if code == OUTSIDE_ENGLAND_OR_UNKNOWN {
            return code.to_owned();
        }
        geo.current_lad(code).unwrap_or(code).to_owned()
    };
    let (home, period, measure, value, flags) = (
        df.column(obs::AREA_CODE)?.str()?,
        df.column(obs::PERIOD)?.str()?,
        df.column(obs::MEASURE)?.str()?,
        df.column(obs::VALUE)?.f64()?,
        df.column(obs::FLAGS)?.str()?,
    );
    let mut flows: BTreeMap<(String, String, String), Counts> = BTreeMap::new();
    let mut provisional = HashSet::new();
    for i in 0..df.height() {
        let (Some(h), Some(p), Some(m)) = (home.get(i), period.get(i), measure.get(i)) else {
            continue;
        };
        let Some((quantity, delivery)) = parse_flow_measure(m) else {
            continue;
        };
        if flags.get(i).is_some_and(|f| f.contains(PROVISIONAL_FLAG)) {
            provisional.insert(p.to_owned());
        }
        let e = flows
            .entry((p.to_owned(), current(h), current(delivery)))
            .or_default();
        e[index(quantity)] += value.get(i).unwrap_or(0.0);
    }
    Ok((flows, provisional))
}

/// The flows and flow summary tables.
pub fn compute_flows(
    observations: &DataFrame,
    geo: &Geography,
) -> Result<(DataFrame, DataFrame), PipelineError> {
    let (lad_flows, provisional) = district_flows(observations, geo)?;
    let areas = Areas::new(geo);

    // Flows between areas of each type.
    let mut between: BTreeMap<(AreaType, String, String, String), Counts> = BTreeMap::new();
    for ((period, h, d), counts) in &lad_flows {
        for t in AreaType::ALL {
            for ah in areas.of_type(h, t) {
                for ad in areas.of_type(d, t) {
                    let e = between
                        .entry((t, period.clone(), ah.to_owned(), ad.to_owned()))
                        .or_default();
                    for (x, y) in e.iter_mut().zip(counts) {
                        *x += y;
                    }
                }
            }
        }
    }
    let mut rank: HashMap<(AreaType, &str, &str, &str), u32> = HashMap::new();
    let mut by_home: ByHome<'_> = BTreeMap::new();
    for ((t, p, h, d), c) in &between {
        by_home.entry((*t, p, h)).or_default().push((d, c[0]));
    }
    for ((t, p, h), mut ds) in by_home {
        ds.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(b.0)));
        for (i, (d, _)) in ds.into_iter().enumerate() {
            rank.insert((t, p, h, d), i as u32 + 1);
        }
    }
    let n = between.len();
    let mut cols: (Vec<&str>, Vec<&str>, Vec<&str>, Vec<&str>) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut counts: [Vec<f64>; 3] = Default::default();
    let (mut ranks, mut approx, mut coverage, mut prov) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for ((t, p, h, d), c) in &between {
        cols.0.push(t.as_str());
        cols.1.push(h);
        cols.2.push(d);
        cols.3.push(p);
        for (v, x) in counts.iter_mut().zip(c) {
            v.push(*x);
        }
        ranks.push(rank[&(*t, p.as_str(), h.as_str(), d.as_str())]);
        approx.push(*t == AreaType::Ttwa);
        coverage.push(
            (*t == AreaType::Ttwa)
                .then(|| areas.coverage.get(h.as_str()).copied())
                .flatten(),
        );
        prov.push(provisional.contains(p));
    }
    let [starts, enrolments, achievements] = counts;
    let flows = DataFrame::new(
        n,
        vec![
            Column::new(fl::AREA_TYPE.into(), cols.0),
            Column::new(fl::HOME_CODE.into(), cols.1),
            Column::new(fl::DELIVERY_CODE.into(), cols.2),
            Column::new(fl::PERIOD.into(), cols.3),
            Column::new(fl::STARTS.into(), starts),
            Column::new(fl::ENROLMENTS.into(), enrolments),
            Column::new(fl::ACHIEVEMENTS.into(), achievements),
            Column::new(fl::RANK.into(), ranks),
            Column::new(fl::APPROXIMATE.into(), approx),
            Column::new(fl::COVERAGE.into(), coverage),
            Column::new(fl::PROVISIONAL.into(), prov),
        ],
    )?;
    Ok((flows, summary(&lad_flows, &areas, &provisional)?))
}

#[derive(Default)]
struct Summary {
    resident: f64,
    same: f64,
    outflow: f64,
    unknown: f64,
    inflow: f64,
}

fn summary(
    lad_flows: &BTreeMap<(String, String, String), Counts>,
    areas: &Areas<'_>,
    provisional: &HashSet<String>,
) -> PolarsResult<DataFrame> {
    let mut by_area: BTreeMap<(&str, AreaType, &str), Summary> = BTreeMap::new();
    for ((period, h, d), c) in lad_flows {
        let starts = c[0];
        let home_areas = areas.all_of(h);
        let delivery_areas = areas.all_of(d);
        for (a, t) in home_areas {
            let s = by_area.entry((a, *t, period)).or_default();
            s.resident += starts;
            if delivery_areas.iter().any(|(x, _)| x == a) {
                s.same += starts;
            } else {
                s.outflow += starts;
                if d == OUTSIDE_ENGLAND_OR_UNKNOWN {
                    s.unknown += starts;
                }
            }
        }
        for (a, t) in delivery_areas {
            if !home_areas.iter().any(|(x, _)| x == a) {
                by_area.entry((a, *t, period)).or_default().inflow += starts;
            }
        }
    }
    let n = by_area.len();
    let mut code = Vec::with_capacity(n);
    let mut area_type = Vec::with_capacity(n);
    let mut period = Vec::with_capacity(n);
    let mut f: [Vec<Option<f64>>; 7] = Default::default();
    let (mut approx, mut coverage, mut prov) = (Vec::new(), Vec::new(), Vec::new());
    for ((a, t, p), s) in &by_area {
        code.push(*a);
        area_type.push(t.as_str());
        period.push(*p);
        let share = (s.resident > 0.0).then(|| s.same / s.resident * 100.0);
        for (v, x) in f.iter_mut().zip([
            Some(s.resident),
            Some(s.same),
            share,
            Some(s.outflow),
            Some(s.unknown),
            Some(s.inflow),
            Some(s.inflow - s.outflow),
        ]) {
            v.push(x);
        }
        approx.push(*t == AreaType::Ttwa);
        coverage.push(
            (*t == AreaType::Ttwa)
                .then(|| areas.coverage.get(a).copied())
                .flatten(),
        );
        prov.push(provisional.contains(*p));
    }
    let [resident, same, share, outflow, unknown, inflow, net] = f;
    DataFrame::new(
        n,
        vec![
            Column::new(fs::AREA_CODE.into(), code),
            Column::new(fs::AREA_TYPE.into(), area_type),
            Column::new(fs::PERIOD.into(), period),
            Column::new(fs::RESIDENT_STARTS.into(), resident),
            Column::new(fs::SAME_AREA_STARTS.into(), same),
            Column::new(fs::SAME_AREA_SHARE.into(), share),
            Column::new(fs::OUTFLOW_STARTS.into(), outflow),
            Column::new(fs::UNKNOWN_DELIVERY_STARTS.into(), unknown),
            Column::new(fs::INFLOW_STARTS.into(), inflow),
            Column::new(fs::NET_STARTS.into(), net),
            Column::new(fs::APPROXIMATE.into(), approx),
            Column::new(fs::COVERAGE.into(), coverage),
            Column::new(fs::PROVISIONAL.into(), prov),
        ],
    )
}

#[cfg(test)]
mod tests;
