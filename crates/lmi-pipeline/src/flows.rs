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
use std::collections::BTreeSet;

// polars' hash maps: a faster hasher than std's for these short keys.
type HashMap<K, V> = PlHashMap<K, V>;
type HashSet<K> = PlHashSet<K>;

type Counts = [f64; 3];

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
        let mut of_lad: HashMap<&str, Vec<(&str, AreaType)>> = HashMap::default();
        for a in geo.areas().filter(|a| a.area_type == AreaType::Lad) {
            of_lad
                .entry(&a.code)
                .or_default()
                .push((&a.code, AreaType::Lad));
        }
        let mut coverage: HashMap<&str, f64> = HashMap::default();
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

/// Distinct strings (codes and periods) by index, so that the sums below key on integers rather
/// than on newly allocated strings (a national file has ~40,000 home-delivery pairs a year, each
/// summed into eight area types).
#[derive(Default)]
struct Names {
    ids: HashMap<String, u32>,
    names: Vec<String>,
}

impl Names {
    fn id(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.ids.get(s) {
            return i;
        }
        let i = u32::try_from(self.names.len()).expect("fewer than 2^32 distinct codes");
        self.names.push(s.to_owned());
        self.ids.insert(s.to_owned(), i);
        i
    }

    fn name(&self, i: u32) -> &str {
        &self.names[i as usize]
    }

    /// Each id's position among the names sorted as strings: sorting by these integers orders
    /// rows as sorting by the names would, without comparing a string per comparison.
    fn sort_keys(&self) -> Vec<u32> {
        let mut by_name: Vec<u32> = (0..self.names.len() as u32).collect();
        by_name.sort_unstable_by(|a, b| self.name(*a).cmp(self.name(*b)));
        let mut key = vec![0; by_name.len()];
        for (position, id) in by_name.into_iter().enumerate() {
            key[id as usize] = position as u32;
        }
        key
    }
}

/// District-level flows: (period, home, delivery) -> counts, in order of period, home and
/// delivery code, with the provisional periods.
struct DistrictFlows {
    names: Names,
    flows: Vec<((u32, u32, u32), Counts)>,
    provisional: HashSet<String>,
}

/// A district code of any vintage as the current district (the bucket stands for itself).
fn current<'a>(geo: &'a Geography, code: &'a str) -> &'a str {
    if code == OUTSIDE_ENGLAND_OR_UNKNOWN {
        return code;
    }
    geo.current_lad(code).unwrap_or(code)
}

fn district_flows(
    observations: &DataFrame,
    geo: &Geography,
) -> Result<DistrictFlows, PipelineError> {
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
    let (home, period, measure, value, flags) = (
        df.column(obs::AREA_CODE)?.str()?,
        df.column(obs::PERIOD)?.str()?,
        df.column(obs::MEASURE)?.str()?,
        df.column(obs::VALUE)?.f64()?,
        df.column(obs::FLAGS)?.str()?,
    );
    let mut names = Names::default();
    // Each distinct home code, period and measure is resolved once (to the current district's
    // id, the period's id, the quantity and current destination's id), not once per row.
    let mut homes: HashMap<&str, u32> = HashMap::default();
    let mut periods: HashMap<&str, u32> = HashMap::default();
    let mut measures: HashMap<&str, Option<(usize, u32)>> = HashMap::default();
    let mut sums: HashMap<(u32, u32, u32), Counts> = HashMap::default();
    let mut provisional = HashSet::default();
    let rows = home
        .iter()
        .zip(period.iter())
        .zip(measure.iter())
        .zip(value.iter())
        .zip(flags.iter());
    for ((((h, p), m), v), f) in rows {
        let (Some(h), Some(p), Some(m)) = (h, p, m) else {
            continue;
        };
        let flow = *measures.entry(m).or_insert_with(|| {
            parse_flow_measure(m).map(|(q, d)| (index(q), names.id(current(geo, d))))
        });
        let Some((quantity, delivery)) = flow else {
            continue;
        };
        if f.is_some_and(|f| f.contains(PROVISIONAL_FLAG)) {
            provisional.insert(p.to_owned());
        }
        let p = *periods.entry(p).or_insert_with(|| names.id(p));
        let h = *homes.entry(h).or_insert_with(|| names.id(current(geo, h)));
        sums.entry((p, h, delivery)).or_default()[quantity] += v.unwrap_or(0.0);
    }
    let mut flows: Vec<_> = sums.into_iter().collect();
    let order = names.sort_keys();
    flows.sort_unstable_by_key(|((p, h, d), _)| {
        (order[*p as usize], order[*h as usize], order[*d as usize])
    });
    Ok(DistrictFlows {
        names,
        flows,
        provisional,
    })
}

/// The flows and flow summary tables.
pub fn compute_flows(
    observations: &DataFrame,
    geo: &Geography,
) -> Result<(DataFrame, DataFrame), PipelineError> {
    let DistrictFlows {
        mut names,
        flows: lad_flows,
        provisional,
    } = district_flows(observations, geo)?;
    let areas = Areas::new(geo);

    // Each district's areas of each type, once.
    let lads: BTreeSet<u32> = lad_flows
        .iter()
        .flat_map(|((_, h, d), _)| [*h, *d])
        .collect();
    let mut of_type: HashMap<(u32, AreaType), Vec<u32>> = HashMap::default();
    for lad in lads {
        for t in AreaType::ALL {
            let codes: Vec<String> = areas
                .of_type(names.name(lad), t)
                .into_iter()
                .map(str::to_owned)
                .collect();
            let ids = codes.iter().map(|c| names.id(c)).collect();
            of_type.insert((lad, t), ids);
        }
    }

    // Flows between areas of each type, summed in the districts' order.
    let mut sums: HashMap<(AreaType, u32, u32, u32), Counts> = HashMap::default();
    for ((period, h, d), counts) in &lad_flows {
        for t in AreaType::ALL {
            for &ah in &of_type[&(*h, t)] {
                for &ad in &of_type[&(*d, t)] {
                    let e = sums.entry((t, *period, ah, ad)).or_default();
                    for (x, y) in e.iter_mut().zip(counts) {
                        *x += y;
                    }
                }
            }
        }
    }
    let names = &names;
    let sorted = names.sort_keys();
    let mut between: Vec<_> = sums.into_iter().collect();
    between.sort_unstable_by_key(|((t, p, h, d), _)| {
        (
            *t,
            sorted[*p as usize],
            sorted[*h as usize],
            sorted[*d as usize],
        )
    });

    // Rank of each delivery area among its home area's (most starts first, then by code): the
    // rows of one (type, period, home) are next to each other.
    let n = between.len();
    let mut ranks = vec![0u32; n];
    let mut start = 0;
    while start < n {
        let (t, p, h, _) = between[start].0;
        let end = start
            + between[start..]
                .iter()
                .take_while(|((t2, p2, h2, _), _)| (*t2, *p2, *h2) == (t, p, h))
                .count();
        let mut order: Vec<usize> = (start..end).collect();
        order.sort_by(|&a, &b| {
            between[b].1[0]
                .total_cmp(&between[a].1[0])
                .then(sorted[between[a].0.3 as usize].cmp(&sorted[between[b].0.3 as usize]))
        });
        for (i, row) in order.into_iter().enumerate() {
            ranks[row] = i as u32 + 1;
        }
        start = end;
    }

    let mut cols: (Vec<&str>, Vec<&str>, Vec<&str>, Vec<&str>) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let mut counts: [Vec<f64>; 3] = Default::default();
    let (mut approx, mut coverage, mut prov) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for ((t, p, h, d), c) in &between {
        let (p, h) = (names.name(*p), names.name(*h));
        cols.0.push(t.as_str());
        cols.1.push(h);
        cols.2.push(names.name(*d));
        cols.3.push(p);
        for (v, x) in counts.iter_mut().zip(c) {
            v.push(*x);
        }
        approx.push(*t == AreaType::Ttwa);
        coverage.push(
            (*t == AreaType::Ttwa)
                .then(|| areas.coverage.get(h).copied())
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
    Ok((flows, summary(&lad_flows, names, &areas, &provisional)?))
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
    lad_flows: &[((u32, u32, u32), Counts)],
    names: &Names,
    areas: &Areas<'_>,
    provisional: &HashSet<String>,
) -> PolarsResult<DataFrame> {
    let mut sums: HashMap<(&str, AreaType, &str), Summary> = HashMap::default();
    for ((period, h, d), c) in lad_flows {
        let (period, h, d) = (names.name(*period), names.name(*h), names.name(*d));
        let starts = c[0];
        let home_areas = areas.all_of(h);
        let delivery_areas = areas.all_of(d);
        for (a, t) in home_areas {
            let s = sums.entry((a, *t, period)).or_default();
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
                sums.entry((a, *t, period)).or_default().inflow += starts;
            }
        }
    }
    let mut by_area: Vec<_> = sums.into_iter().collect();
    by_area.sort_unstable_by_key(|(k, _)| *k);
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
