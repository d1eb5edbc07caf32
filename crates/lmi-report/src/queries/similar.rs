//! Similar areas: a district's nearest neighbours among English districts on a documented set of
//! headline indicators, each standardised (z-score over every district with a value in the
//! indicator's latest district period), by Euclidean distance. Presentation of published values
//! only: nothing here computes an indicator.

use crate::error::ReportError;
use crate::lookup::area;
use crate::snapshot::{GeoIndex, Meta, ServedSnapshot};
use crate::table::{Cell, Table};
use lmi_core::{Area, AreaType, IndicatorDef, find_indicator};
use serde::Serialize;
use utoipa::ToSchema;

use super::ToTable;

/// The indicators similar areas are found on: what a district's labour market looks like
/// (employment, inactivity, claimants, pay, productivity) and its skills supply (adult
/// qualifications, apprenticeships, young people's progression). Each has a value for (nearly)
/// every district.
pub const SIMILAR_INDICATORS: [&str; 9] = [
    "employment_rate",
    "economic_inactivity_rate",
    "claimant_rate",
    "median_weekly_pay",
    "gva_per_hour_worked",
    "census_level4plus_share",
    "census_no_qualifications_share",
    "apprenticeship_starts_rate",
    "ks4_apprenticeship_rate",
];

/// Default and largest number of neighbours returned.
pub const SIMILAR_DEFAULT: usize = 10;
pub const SIMILAR_MAX: usize = 50;

/// The method's name, as the response states it.
pub const METHOD: &str = "euclidean_distance_on_z_scores";

const METHOD_TEXT: &str = "Each indicator's value in its latest period with district values is \
    standardised as a z-score, (value - mean) / standard deviation, the mean and (population) \
    standard deviation taken over every English local authority district with a value in that \
    period. The distance between two districts is the Euclidean distance between their z-scores: \
    the square root of the sum of squared differences over the indicators used. Smaller is more \
    similar; 0 means identical on every indicator used.";

const MISSING_TEXT: &str = "An indicator is used only when the district itself has a value in its \
    latest period (and at least three districts have one, with some spread): the others are \
    listed under `excluded_indicators` with the reason, and `indicators_used` says how many \
    remain. A candidate district missing any indicator used is left out (counted in \
    `districts_excluded`), never compared on fewer indicators.";

#[derive(Serialize, ToSchema)]
pub struct SimilarMethod {
    /// `euclidean_distance_on_z_scores`.
    name: &'static str,
    description: &'static str,
    /// How missing values are handled.
    missing_values: &'static str,
}

/// One indicator as used for the comparison.
#[derive(Serialize, ToSchema)]
pub struct SimilarIndicator {
    id: &'static str,
    title: &'static str,
    unit: &'static str,
    /// The latest period with district values.
    period: String,
    /// Districts with a value in that period.
    districts: usize,
    mean: f64,
    /// Population standard deviation over those districts.
    sd: f64,
    /// The area's own value and z-score.
    value: f64,
    z: f64,
}

/// An indicator of the set that was not used, and why.
#[derive(Serialize, ToSchema)]
pub struct ExcludedIndicator {
    id: &'static str,
    reason: String,
}

/// A neighbour's value on one indicator used.
#[derive(Serialize, ToSchema)]
pub struct NeighbourValue {
    indicator: &'static str,
    value: f64,
    z: f64,
}

#[derive(Serialize, ToSchema)]
pub struct Neighbour<'a> {
    /// 1 for the most similar.
    rank: usize,
    area: &'a Area,
    /// Euclidean distance on z-scores to the area asked about.
    distance: f64,
    /// In the order of `indicators`.
    values: Vec<NeighbourValue>,
}

#[derive(Serialize, ToSchema)]
pub struct SimilarAreas<'a> {
    meta: &'a Meta,
    area: &'a Area,
    method: SimilarMethod,
    /// The indicators used, with the area's values and z-scores.
    indicators: Vec<SimilarIndicator>,
    indicators_used: usize,
    excluded_indicators: Vec<ExcludedIndicator>,
    /// English districts compared (the area itself not counted).
    districts_compared: usize,
    /// English districts left out for a missing value on an indicator used.
    districts_excluded: usize,
    /// Most similar first.
    neighbours: Vec<Neighbour<'a>>,
}

/// One indicator's district values in its latest period, standardised.
struct Standardised {
    def: &'static IndicatorDef,
    period: String,
    mean: f64,
    sd: f64,
    /// District code -> value.
    values: std::collections::HashMap<&'static str, f64>,
}

impl Standardised {
    fn z(&self, v: f64) -> f64 {
        (v - self.mean) / self.sd
    }
}

fn english_district(a: &Area) -> bool {
    a.area_type == AreaType::Lad && a.code.starts_with('E')
}

/// The nearest English districts to district `code` on [`SIMILAR_INDICATORS`], at most `limit`.
pub fn similar_areas<'a>(
    snap: &'a ServedSnapshot,
    geo: &'a GeoIndex,
    code: &str,
    limit: usize,
) -> Result<SimilarAreas<'a>, ReportError> {
    let target = area(geo, code)?;
    // Not found rather than a bad request: the area exists, its similar areas do not (a link
    // from the area list to any area's `similar` is followed by clients, as by schemathesis).
    if !english_district(target) {
        return Err(ReportError::NotFound(format!(
            "similar areas are found for English local authority districts only; {} ({}) is {}",
            target.name,
            target.code,
            target.area_type.label_in_sentence()
        )));
    }
    if !(1..=SIMILAR_MAX).contains(&limit) {
        return Err(ReportError::Invalid(format!(
            "limit must be between 1 and {SIMILAR_MAX}, found {limit}"
        )));
    }
    let mut used: Vec<Standardised> = Vec::new();
    let mut excluded = Vec::new();
    for id in SIMILAR_INDICATORS {
        match standardise(snap, geo, id, &target.code) {
            Ok(s) => used.push(s),
            Err(reason) => excluded.push(ExcludedIndicator { id, reason }),
        }
    }
    if used.is_empty() {
        return Err(ReportError::NotFound(format!(
            "{} ({}) has no value on any of the indicators similar areas are found on ({})",
            target.name,
            target.code,
            SIMILAR_INDICATORS.join(", ")
        )));
    }
    let own: Vec<f64> = used
        .iter()
        .map(|s| s.z(s.values[target.code.as_str()]))
        .collect();
    let districts: Vec<&'static str> = geo
        .geography
        .areas()
        .filter(|a| english_district(a) && a.code != target.code)
        .map(|a| a.code.as_str())
        .collect();
    // Candidates with a value on every indicator used, their z-scores in `used` order.
    let complete: Vec<(&'static str, Vec<f64>)> = districts
        .iter()
        .filter_map(|&code| {
            let zs: Option<Vec<f64>> = used
                .iter()
                .map(|s| s.values.get(code).map(|v| s.z(*v)))
                .collect();
            Some((code, zs?))
        })
        .collect();
    let ranked = nearest(&own, &complete);
    let neighbours = ranked
        .into_iter()
        .take(limit)
        .enumerate()
        .filter_map(|(i, (code, distance))| {
            let a = geo.area(code)?;
            Some(Neighbour {
                rank: i + 1,
                area: a,
                distance,
                values: used
                    .iter()
                    .map(|s| NeighbourValue {
                        indicator: s.def.id,
                        value: s.values[code],
                        z: s.z(s.values[code]),
                    })
                    .collect(),
            })
        })
        .collect();
    let indicators: Vec<SimilarIndicator> = used
        .iter()
        .zip(&own)
        .map(|(s, z)| SimilarIndicator {
            id: s.def.id,
            title: s.def.title,
            unit: s.def.unit.as_str(),
            period: s.period.clone(),
            districts: s.values.len(),
            mean: s.mean,
            sd: s.sd,
            value: s.values[target.code.as_str()],
            z: *z,
        })
        .collect();
    Ok(SimilarAreas {
        meta: &snap.meta,
        area: target,
        method: SimilarMethod {
            name: METHOD,
            description: METHOD_TEXT,
            missing_values: MISSING_TEXT,
        },
        indicators_used: indicators.len(),
        indicators,
        excluded_indicators: excluded,
        districts_compared: complete.len(),
        districts_excluded: districts.len() - complete.len(),
        neighbours,
    })
}

/// One indicator's latest district values with their mean and standard deviation, or why it
/// cannot be used for `target`.
fn standardise(
    snap: &ServedSnapshot,
    geo: &GeoIndex,
    id: &'static str,
    target: &str,
) -> Result<Standardised, String> {
    let def = find_indicator(id).ok_or_else(|| format!("`{id}` is not an indicator"))?;
    let period = snap
        .periods_for_type(id, AreaType::Lad)
        .last()
        .map(|p| (*p).to_owned())
        .ok_or_else(|| "no district values in this snapshot".to_owned())?;
    let values: std::collections::HashMap<&'static str, f64> = snap
        .ranking(id, AreaType::Lad, &period)
        .filter_map(|v| {
            let a = geo.area(&v.area_code).filter(|a| english_district(a))?;
            Some((a.code.as_str(), v.value.filter(|x| x.is_finite())?))
        })
        .collect();
    if !values.contains_key(target) {
        return Err(format!("the district has no value in {period}"));
    }
    if values.len() < 3 {
        return Err(format!(
            "only {} districts have a value in {period}",
            values.len()
        ));
    }
    let n = values.len() as f64;
    let mean = values.values().sum::<f64>() / n;
    let sd = (values.values().map(|v| (v - mean).powi(2)).sum::<f64>() / n).sqrt();
    if sd <= 0.0 || !sd.is_finite() {
        return Err(format!(
            "every district has the same value in {period}: it cannot tell districts apart"
        ));
    }
    Ok(Standardised {
        def,
        period,
        mean,
        sd,
        values,
    })
}

/// Candidates by Euclidean distance from `own` (same indicator order), nearest first; ties in
/// code order. The caller leaves the area itself out of `candidates`.
pub(crate) fn nearest<'a>(own: &[f64], candidates: &[(&'a str, Vec<f64>)]) -> Vec<(&'a str, f64)> {
    let mut out: Vec<(&str, f64)> = candidates
        .iter()
        .map(|(code, zs)| {
            let d2: f64 = own.iter().zip(zs).map(|(a, b)| (a - b).powi(2)).sum();
            (*code, d2.sqrt())
        })
        .collect();
    out.sort_by(|a, b| a.1.total_cmp(&b.1).then_with(|| a.0.cmp(b.0)));
    out
}

impl ToTable for SimilarAreas<'_> {
    fn to_table(&self, snap: &ServedSnapshot) -> Table {
        let ids: Vec<&str> = self.indicators.iter().map(|i| i.id).collect();
        let mut columns = vec!["rank", "area_code", "area_name", "distance"];
        columns.extend(ids.iter().copied());
        let defs: Vec<&IndicatorDef> = ids.iter().filter_map(|id| find_indicator(id)).collect();
        let mut t = Table::new(
            format!("{}-similar", self.area.code),
            &columns,
            snap,
            format!(
                "Districts most similar to {} ({METHOD}, {} indicators)",
                self.area.name, self.indicators_used
            ),
            &defs,
        );
        for n in &self.neighbours {
            let mut row: Vec<Cell> = vec![
                (n.rank as u32).into(),
                n.area.code.as_str().into(),
                n.area.name.as_str().into(),
                Some(n.distance).into(),
            ];
            row.extend(n.values.iter().map(|v| Cell::from(Some(v.value))));
            t.push(row);
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances_ascend_and_an_identical_district_is_at_zero() {
        let own = [0.5, -1.0, 2.0];
        let candidates = vec![
            ("E07000003", vec![3.0, 3.0, 3.0]),
            ("E07000001", vec![0.5, -1.0, 2.0]),
            ("E07000002", vec![0.5, -1.0, 1.0]),
            ("E07000004", vec![0.5, 0.0, 2.0]),
        ];
        let out = nearest(&own, &candidates);
        assert_eq!(out[0], ("E07000001", 0.0));
        assert!(out.windows(2).all(|w| w[0].1 <= w[1].1), "{out:?}");
        // Ties in code order.
        assert_eq!(out[1].0, "E07000002");
        assert_eq!(out[2].0, "E07000004");
        assert!((out[3].1 - (2.5f64.powi(2) + 4.0f64.powi(2) + 1.0).sqrt()).abs() < 1e-12);
    }
}
