//! A snapshot indexed for lookups (`ServedSnapshot`: values by indicator and area, rankings,
//! periods) and the geography indexed once (`GeoIndex`: parents, children, comparators, TTWA
//! members of every area). Built at load, so every report is lookups.

use lmi_core::demand::{BreakdownRow, Demand, FlowRow, FlowSummaryRow, ProjectionRow};
use lmi_core::schema::Table;
use lmi_core::{Area, AreaType, Geography, IndicatorValue};
use lmi_store::{Manifest, Snapshot};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;
use utoipa::ToSchema;

/// Metadata every response carries: which snapshot answered, its licence, and whether the
/// numbers are synthetic sample data.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Meta {
    pub snapshot: String,
    pub created_at: String,
    pub sample: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub licence: &'static str,
    pub licence_url: &'static str,
    pub attribution: Vec<String>,
}

/// One snapshot as served: every value once, plus indexes into it built at load time.
#[derive(Debug)]
pub struct ServedSnapshot {
    pub manifest: Manifest,
    pub meta: Meta,
    values: Vec<IndicatorValue>,
    /// indicator -> area -> positions in `values`, sorted by period.
    series: HashMap<String, HashMap<String, Vec<usize>>>,
    /// indicator -> (area type, period) -> positions, best first (see [`ranking_order`]).
    rankings: HashMap<String, HashMap<(AreaType, String), Vec<usize>>>,
    /// indicator -> periods with at least one value, ascending.
    periods: HashMap<String, Vec<String>>,
    demand: DemandIndex,
    /// The area registry the snapshot was computed with (stored in it), indexed; `None` for a
    /// snapshot published without one, served with the server's own.
    geography: Option<&'static GeoIndex>,
    /// The subject-to-sector mapping and priority sectors answers use (configuration, the
    /// bundled file unless the server was given one).
    sectors: &'static crate::sectors::Sectors,
}

/// The demand tables (`lmi_core::demand`) indexed at load.
#[derive(Debug, Default)]
struct DemandIndex {
    rows: Demand,
    /// breakdown -> area -> period -> positions in `rows.breakdowns`, in table (part) order.
    breakdowns: HashMap<String, HashMap<String, BTreeMap<String, Vec<usize>>>>,
    /// breakdown -> periods with at least one row, ascending.
    breakdown_periods: HashMap<String, Vec<String>>,
    /// (area type, home) -> positions in `rows.flows`.
    flows_by_home: HashMap<(AreaType, String), Vec<usize>>,
    /// (area type, delivery) -> positions in `rows.flows`.
    flows_by_delivery: HashMap<(AreaType, String), Vec<usize>>,
    /// area -> positions in `rows.flow_summary`, by period.
    flow_summary: HashMap<String, Vec<usize>>,
    /// area -> positions in `rows.projections`, in table order.
    projections: HashMap<String, Vec<usize>>,
    /// area -> position in `rows.boundaries`.
    boundaries: HashMap<String, usize>,
    /// The outlines parsed, on the first map drawn (not at load: a reload stays as quick as
    /// before maps).
    outlines: std::sync::OnceLock<HashMap<String, geo::MultiPolygon>>,
}

impl DemandIndex {
    fn new(rows: Demand) -> DemandIndex {
        let mut ix = DemandIndex::default();
        for (i, r) in rows.breakdowns.iter().enumerate() {
            ix.breakdowns
                .entry(r.breakdown.clone())
                .or_default()
                .entry(r.area_code.clone())
                .or_default()
                .entry(r.period.clone())
                .or_default()
                .push(i);
            let p = ix.breakdown_periods.entry(r.breakdown.clone()).or_default();
            if !p.contains(&r.period) {
                p.push(r.period.clone());
            }
        }
        for p in ix.breakdown_periods.values_mut() {
            p.sort();
        }
        for (i, r) in rows.flows.iter().enumerate() {
            ix.flows_by_home
                .entry((r.area_type, r.home_code.clone()))
                .or_default()
                .push(i);
            ix.flows_by_delivery
                .entry((r.area_type, r.delivery_code.clone()))
                .or_default()
                .push(i);
        }
        for (i, r) in rows.flow_summary.iter().enumerate() {
            ix.flow_summary
                .entry(r.area_code.clone())
                .or_default()
                .push(i);
        }
        for s in ix.flow_summary.values_mut() {
            s.sort_by(|&a, &b| {
                rows.flow_summary[a]
                    .period
                    .cmp(&rows.flow_summary[b].period)
            });
        }
        for (i, r) in rows.projections.iter().enumerate() {
            ix.projections
                .entry(r.area_code.clone())
                .or_default()
                .push(i);
        }
        for (i, r) in rows.boundaries.iter().enumerate() {
            ix.boundaries.insert(r.area_code.clone(), i);
        }
        ix.rows = rows;
        ix
    }
}

/// Best first: values by the indicator's direction (descending when higher is better or the
/// direction is unknown), then the pipeline's rank when present; areas without a value last.
fn ranking_order(
    higher_is_better: Option<bool>,
    a: &IndicatorValue,
    b: &IndicatorValue,
) -> std::cmp::Ordering {
    use std::cmp::Ordering::*;
    let by_value = match (a.value, b.value) {
        (Some(x), Some(y)) => {
            let o = x.total_cmp(&y);
            if higher_is_better == Some(false) {
                o
            } else {
                o.reverse()
            }
        }
        (Some(_), None) => Less,
        (None, Some(_)) => Greater,
        (None, None) => Equal,
    };
    by_value
        .then_with(|| match (a.derived.rank, b.derived.rank) {
            (Some(x), Some(y)) => x.cmp(&y),
            _ => Equal,
        })
        .then_with(|| a.area_code.cmp(&b.area_code))
}

/// Flags the values fed by a source whose data was carried over from an earlier snapshot: every
/// value of an indicator built from it, and the TTWA values built from a stale small-area source.
fn mark_stale(values: &mut [IndicatorValue], sources: &[lmi_core::SourceProvenance]) {
    let stale: Vec<&str> = sources
        .iter()
        .filter(|s| s.is_stale())
        .map(|s| s.source_id.as_str())
        .collect();
    if stale.is_empty() {
        return;
    }
    for v in values {
        if let Some(def) = lmi_core::find_indicator(&v.indicator) {
            // The small-area source feeds TTWAs only; the others every value.
            v.stale = def.sources().any(|s| {
                stale.contains(&s)
                    && (v.area_type == AreaType::Ttwa || Some(s) != def.small_area_source)
            });
        }
    }
}

/// Each source's attribution once, in manifest order: a dataset published as a district and a
/// small-area table is two sources with one attribution.
fn attribution_lines(sources: &[lmi_core::SourceProvenance]) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for s in sources {
        if !lines.contains(&s.attribution) {
            lines.push(s.attribution.clone());
        }
    }
    lines
}

impl ServedSnapshot {
    /// A snapshot served without its demand tables (see [`ServedSnapshot::with_demand`]).
    pub fn new(snapshot: Snapshot) -> ServedSnapshot {
        ServedSnapshot::with_demand(snapshot, Demand::default())
    }

    /// A snapshot with its demand tables (`lmi_store::Store::load_with_demand`), indexed.
    pub fn with_demand(snapshot: Snapshot, demand: Demand) -> ServedSnapshot {
        let mut values = snapshot.values;
        mark_stale(&mut values, &snapshot.manifest.sources);
        let mut series: HashMap<String, HashMap<String, Vec<usize>>> = HashMap::new();
        let mut rankings: HashMap<String, HashMap<(AreaType, String), Vec<usize>>> = HashMap::new();
        let mut periods: HashMap<String, Vec<String>> = HashMap::new();
        for (i, v) in values.iter().enumerate() {
            series
                .entry(v.indicator.clone())
                .or_default()
                .entry(v.area_code.clone())
                .or_default()
                .push(i);
            rankings
                .entry(v.indicator.clone())
                .or_default()
                .entry((v.area_type, v.period.clone()))
                .or_default()
                .push(i);
            let p = periods.entry(v.indicator.clone()).or_default();
            if !p.contains(&v.period) {
                p.push(v.period.clone());
            }
        }
        for by_area in series.values_mut() {
            for s in by_area.values_mut() {
                s.sort_by(|&a, &b| values[a].period.cmp(&values[b].period));
            }
        }
        for (id, by_type) in &mut rankings {
            let direction = lmi_core::find_indicator(id).and_then(|d| d.higher_is_better);
            for r in by_type.values_mut() {
                r.sort_by(|&a, &b| ranking_order(direction, &values[a], &values[b]));
            }
        }
        for p in periods.values_mut() {
            p.sort();
        }
        let m = &snapshot.manifest;
        let meta = Meta {
            snapshot: m.version.clone(),
            created_at: m.created_at.clone(),
            sample: m.sample.is_some(),
            notice: m.sample.as_ref().map(|s| s.description.clone()),
            licence: lmi_core::OGL_LICENCE,
            licence_url: lmi_core::OGL_URL,
            attribution: attribution_lines(&m.sources),
        };
        ServedSnapshot {
            manifest: snapshot.manifest,
            meta,
            values,
            series,
            rankings,
            periods,
            demand: DemandIndex::new(demand),
            geography: None,
            sectors: crate::sectors::Sectors::bundled(),
        }
    }

    /// The snapshot served with the area registry it was computed with
    /// (`lmi_store::Store::load_served`).
    pub fn with_geography(mut self, geography: Option<&'static Geography>) -> ServedSnapshot {
        self.geography = geography.map(GeoIndex::of);
        self
    }

    /// The snapshot served with a hub's own sectors file (checked at start-up).
    pub fn with_sectors(mut self, sectors: &'static crate::sectors::Sectors) -> ServedSnapshot {
        self.sectors = sectors;
        self
    }

    /// The subject-to-sector mapping and priority sectors.
    pub fn sectors(&self) -> &'static crate::sectors::Sectors {
        self.sectors
    }

    /// The registry to answer with: the snapshot's own, else `default` (the server's).
    pub fn geo_or(&self, default: &'static GeoIndex) -> &'static GeoIndex {
        self.geography.unwrap_or(default)
    }

    /// The postcode directory, when the snapshot has one (older snapshots do not).
    pub fn postcodes(&self) -> Option<&lmi_core::postcode::PostcodeDirectory> {
        self.demand.rows.postcodes.as_deref()
    }

    /// Whether the snapshot holds a demand table (snapshots published before it existed do not).
    pub fn has_table(&self, table: Table) -> bool {
        self.demand.rows.has(table)
    }

    /// Periods of a breakdown in the snapshot, ascending.
    pub fn breakdown_periods(&self, breakdown: &str) -> &[String] {
        self.demand
            .breakdown_periods
            .get(breakdown)
            .map_or(&[], Vec::as_slice)
    }

    /// Periods in which a breakdown has rows for an area, ascending.
    pub fn breakdown_area_periods(&self, breakdown: &str, area: &str) -> Vec<&str> {
        self.demand
            .breakdowns
            .get(breakdown)
            .and_then(|m| m.get(area))
            .map(|m| m.keys().map(String::as_str).collect())
            .unwrap_or_default()
    }

    /// The parts of a breakdown for an area in a period, in the publisher's order.
    pub fn breakdown_rows(&self, breakdown: &str, area: &str, period: &str) -> Vec<&BreakdownRow> {
        self.demand
            .breakdowns
            .get(breakdown)
            .and_then(|m| m.get(area))
            .and_then(|m| m.get(period))
            .map(|ix| {
                ix.iter()
                    .map(|&i| &self.demand.rows.breakdowns[i])
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Flows of learners living in `home` (an area of `area_type`), every period.
    pub fn flows_from(&self, area_type: AreaType, home: &str) -> Vec<&FlowRow> {
        self.flows_at(&self.demand.flows_by_home, area_type, home)
    }

    /// Flows of training delivered in `delivery` (an area of `area_type`), every period.
    pub fn flows_to(&self, area_type: AreaType, delivery: &str) -> Vec<&FlowRow> {
        self.flows_at(&self.demand.flows_by_delivery, area_type, delivery)
    }

    fn flows_at(
        &self,
        index: &HashMap<(AreaType, String), Vec<usize>>,
        area_type: AreaType,
        code: &str,
    ) -> Vec<&FlowRow> {
        index
            .get(&(area_type, code.to_owned()))
            .map(|ix| ix.iter().map(|&i| &self.demand.rows.flows[i]).collect())
            .unwrap_or_default()
    }

    /// Travel to learn of an area, oldest period first.
    pub fn flow_summary(&self, area: &str) -> Vec<&FlowSummaryRow> {
        self.demand
            .flow_summary
            .get(area)
            .map(|ix| {
                ix.iter()
                    .map(|&i| &self.demand.rows.flow_summary[i])
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Projections of an area, in table order.
    pub fn projections(&self, area: &str) -> Vec<&ProjectionRow> {
        self.demand
            .projections
            .get(area)
            .map(|ix| {
                ix.iter()
                    .map(|&i| &self.demand.rows.projections[i])
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The areas with projections, sorted by code.
    /// The area's own boundary (maps), when the snapshot holds one.
    pub fn boundary(
        &self,
        area: &str,
    ) -> Option<(&lmi_core::demand::BoundaryRow, &geo::MultiPolygon)> {
        let outlines = self.demand.outlines.get_or_init(|| {
            // The pipeline wrote this text from a parsed geometry; one that does not read back
            // is left out (the area is then drawn from its districts, or not at all).
            self.demand
                .rows
                .boundaries
                .iter()
                .filter_map(|r| {
                    crate::maps::parse_geometry(&r.geometry).map(|g| (r.area_code.clone(), g))
                })
                .collect()
        });
        let row = &self.demand.rows.boundaries[*self.demand.boundaries.get(area)?];
        outlines.get(area).map(|g| (row, g))
    }

    pub fn projection_areas(&self) -> Vec<&str> {
        let mut areas: Vec<&str> = self.demand.projections.keys().map(String::as_str).collect();
        areas.sort_unstable();
        areas
    }

    pub fn version(&self) -> &str {
        &self.manifest.version
    }

    /// One area's values of one indicator, oldest period first.
    pub fn series<'a>(
        &'a self,
        indicator: &str,
        area: &str,
    ) -> impl DoubleEndedIterator<Item = &'a IndicatorValue> + ExactSizeIterator + use<'a> {
        self.series
            .get(indicator)
            .and_then(|m| m.get(area))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &self.values[i])
    }

    /// The value of one area in one period.
    pub fn value(&self, indicator: &str, area: &str, period: &str) -> Option<&IndicatorValue> {
        self.series(indicator, area)
            .rev()
            .find(|v| v.period == period)
    }

    /// Every area of a type in a period, best first.
    pub fn ranking<'a>(
        &'a self,
        indicator: &str,
        area_type: AreaType,
        period: &str,
    ) -> impl ExactSizeIterator<Item = &'a IndicatorValue> + use<'a> {
        self.rankings
            .get(indicator)
            .and_then(|m| m.get(&(area_type, period.to_owned())))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .map(|&i| &self.values[i])
    }

    /// Periods of an indicator present in the snapshot, ascending.
    pub fn periods(&self, indicator: &str) -> &[String] {
        self.periods.get(indicator).map_or(&[], Vec::as_slice)
    }

    /// Periods in which an indicator has values for areas of a type, ascending.
    pub fn periods_for_type(&self, indicator: &str, area_type: AreaType) -> Vec<&str> {
        self.periods(indicator)
            .iter()
            .filter(|p| self.ranking(indicator, area_type, p).len() > 0)
            .map(String::as_str)
            .collect()
    }

    pub fn len(&self) -> usize {
        self.values.len()
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// The static geography, indexed once: parents, comparators and children of every area, and
/// lower-cased names for search.
#[derive(Debug)]
pub struct GeoIndex {
    pub geography: &'static Geography,
    parents: HashMap<&'static str, Vec<&'static Area>>,
    comparators: HashMap<&'static str, Vec<&'static Area>>,
    children: HashMap<&'static str, Vec<&'static Area>>,
    pub(crate) names: Vec<(&'static Area, String)>,
    /// Small-multiples members by (area, kind), filled on first use.
    members: Mutex<HashMap<(String, Members), Vec<&'static Area>>>,
}

impl GeoIndex {
    pub fn new(geography: &'static Geography) -> GeoIndex {
        let mut parents = HashMap::new();
        let mut comparators = HashMap::new();
        let mut children: HashMap<&'static str, Vec<&'static Area>> = HashMap::new();
        let mut names = Vec::new();
        for area in geography.areas() {
            let ps = geography.parents(&area.code);
            // TTWAs are best-fit approximations, so they are nobody's child.
            if area.area_type != AreaType::Ttwa {
                for p in &ps {
                    children.entry(p.code.as_str()).or_default().push(area);
                }
            }
            parents.insert(area.code.as_str(), ps);
            comparators.insert(area.code.as_str(), geography.comparators(&area.code));
            names.push((area, area.name.to_lowercase()));
        }
        for c in children.values_mut() {
            c.sort_by(|a, b| a.area_type.cmp(&b.area_type).then(a.name.cmp(&b.name)));
        }
        GeoIndex {
            geography,
            parents,
            comparators,
            children,
            names,
            members: Mutex::new(HashMap::new()),
        }
    }

    /// The areas a small-multiples chart of `area` shows: worked out once per area and kind (it
    /// scans the geography), then looked up.
    pub fn members(&self, area: &Area, kind: Members) -> Vec<&'static Area> {
        let key = (area.code.clone(), kind);
        if let Some(found) = lock(&self.members).get(&key) {
            return found.clone();
        }
        let found = self.find_members(area, kind);
        lock(&self.members).insert(key, found.clone());
        found
    }

    fn find_members(&self, area: &Area, members: Members) -> Vec<&'static Area> {
        let (geo, g) = (self, self.geography);
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
                        .filter(|o| {
                            o.ttwa_code == ttwa && lads.iter().any(|l| l.code == o.lad_code)
                        })
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

    /// The index of a geography, built on first use and shared by every state serving it
    /// (building it compares every pair of areas).
    pub fn of(geography: &'static Geography) -> &'static GeoIndex {
        static BUILT: Mutex<Vec<(usize, &'static GeoIndex)>> = Mutex::new(Vec::new());
        let key = std::ptr::from_ref(geography) as usize;
        let mut built = lock(&BUILT);
        if let Some((_, index)) = built.iter().find(|(k, _)| *k == key) {
            return index;
        }
        // Geographies are 'static, so their indexes live as long.
        let index: &'static GeoIndex = Box::leak(Box::new(GeoIndex::new(geography)));
        built.push((key, index));
        index
    }

    pub fn area(&self, code: &str) -> Option<&'static Area> {
        self.geography.area(code)
    }

    pub fn parents(&self, code: &str) -> &[&'static Area] {
        self.parents.get(code).map_or(&[], Vec::as_slice)
    }

    pub fn comparators(&self, code: &str) -> &[&'static Area] {
        self.comparators.get(code).map_or(&[], Vec::as_slice)
    }

    pub fn children(&self, code: &str) -> &[&'static Area] {
        self.children.get(code).map_or(&[], Vec::as_slice)
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    // A poisoned lock only means another thread panicked mid-update of plain data.
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
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

    pub fn as_str(self) -> &'static str {
        match self {
            Members::Lad => "lad",
            Members::Ttwa => "ttwa",
        }
    }
}
