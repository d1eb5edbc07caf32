//! A snapshot indexed for lookups (`ServedSnapshot`: values by indicator and area, rankings,
//! periods) and the geography indexed once (`GeoIndex`: parents, children, comparators, TTWA
//! members of every area). Built at load, so every report is lookups.

use crate::charts::Members;
use lmi_core::{Area, AreaType, Geography, IndicatorValue};
use lmi_store::{Manifest, Snapshot};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Mutex;

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
            v.stale = stale.contains(&def.source)
                || (v.area_type == AreaType::Ttwa
                    && def.small_area_source.is_some_and(|s| stale.contains(&s)));
        }
    }
}

impl ServedSnapshot {
    pub fn new(snapshot: Snapshot) -> ServedSnapshot {
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
            attribution: m.sources.iter().map(|s| s.attribution.clone()).collect(),
        };
        ServedSnapshot {
            manifest: snapshot.manifest,
            meta,
            values,
            series,
            rankings,
            periods,
        }
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

    /// The members of `code` of a kind, computed by `find` the first time they are asked for.
    pub(crate) fn members_memo(
        &self,
        code: &str,
        kind: Members,
        find: impl FnOnce() -> Vec<&'static Area>,
    ) -> Vec<&'static Area> {
        let key = (code.to_owned(), kind);
        if let Some(found) = lock(&self.members).get(&key) {
            return found.clone();
        }
        let found = find();
        lock(&self.members).insert(key, found.clone());
        found
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
