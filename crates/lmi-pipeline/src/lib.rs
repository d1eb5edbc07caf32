//! The indicator pipeline: from the long observations table to one value per indicator, area
//! and period, for every geography lmi publishes (LADs, TTWAs, counties, LEPs, LSIP areas,
//! combined authorities, regions and England).
//!
//! Rules (see DESIGN.md): a rate is `sum(numerator) / sum(denominator)` over the LADs combined,
//! never an average of rates; a suppressed part makes the whole suppressed rather than smaller;
//! LAD codes of any vintage are first mapped to their current successor so that series survive
//! boundary changes; TTWA values are best-fit from whole LADs and flagged approximate with the
//! share of the TTWA's population covered. Lazy frames throughout, collected once.

use lmi_core::{Aggregation, ConfidenceInterval, Geography, IndicatorDef};

mod boundaries;
pub mod breakdowns;
mod derived;
pub mod flows;
pub mod projections;
mod upper_tier;
pub mod validate;
use polars::prelude::*;

pub use breakdowns::compute_breakdowns;
pub use flows::compute_flows;
// Columns of the indicator values table (defined once, in `lmi_core::schema`).
pub use boundaries::compute_boundaries;
use lmi_core::schema::values::*;
pub use projections::compute_projections;

// Observation columns, as written by lmi-ingest.
use lmi_core::schema::observations::{
    AREA_CODE as OBS_AREA, MEASURE as OBS_MEASURE, PERIOD as OBS_PERIOD, SOURCE as OBS_SOURCE,
    STATUS as OBS_STATUS, VALUE as OBS_VALUE,
};

// Working columns.
const LAD: &str = "lad_code";
const PARENT: &str = "parent_code";
const PARENT_TYPE: &str = "parent_type";
const PARENT_SHARE: &str = "parent_share";
const MISSING: &str = "n_missing";
const FIRST_STATUS: &str = "first_status";

#[derive(Debug, thiserror::Error)]
pub enum PipelineError {
    #[error("indicator pipeline: {0}")]
    Polars(#[from] PolarsError),
}

/// Area codes in the observations that the geography registry does not know.
#[derive(Debug, Clone, PartialEq)]
pub struct UnmatchedCodes {
    pub source: String,
    pub codes: Vec<String>,
}

#[derive(Debug)]
pub struct PipelineOutput {
    /// One row per (indicator, area, period); see [`columns`].
    pub values: DataFrame,
    /// English district codes (E06-E09) that matched no current or retired LAD (non-English
    /// codes and other English entity types are expected and not listed).
    pub unmatched: Vec<UnmatchedCodes>,
}

/// Maps every LAD code lmi knows (current and retired) to the current LAD.
fn lad_code_map(geo: &Geography) -> PolarsResult<LazyFrame> {
    let mut from = Vec::new();
    let mut to = Vec::new();
    for area in geo
        .areas()
        .filter(|a| a.area_type == lmi_core::AreaType::Lad)
    {
        from.push(area.code.clone());
        to.push(area.code.clone());
    }
    for (old, new) in geo.successors() {
        from.push(old.to_owned());
        to.push(new.to_owned());
    }
    Ok(DataFrame::new(
        from.len(),
        vec![
            Column::new(OBS_AREA.into(), from),
            Column::new(LAD.into(), to),
        ],
    )?
    .lazy())
}

fn memberships(geo: &Geography) -> PolarsResult<LazyFrame> {
    let ms = geo.memberships();
    let df = DataFrame::new(
        ms.len(),
        vec![
            Column::new(
                LAD.into(),
                ms.iter().map(|m| m.lad_code.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                PARENT.into(),
                ms.iter()
                    .map(|m| m.parent_code.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                PARENT_TYPE.into(),
                ms.iter()
                    .map(|m| m.parent_type.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                APPROXIMATE.into(),
                ms.iter().map(|m| m.approximate).collect::<Vec<_>>(),
            ),
            Column::new(
                PARENT_SHARE.into(),
                ms.iter().map(|m| m.parent_share).collect::<Vec<_>>(),
            ),
        ],
    )?;
    Ok(df.lazy())
}

/// Small areas (LSOA 2021) and their TTWA, for exact TTWA values from small-area sources.
fn small_area_map(geo: &Geography) -> PolarsResult<LazyFrame> {
    let rows = geo.small_area_ttwa();
    Ok(DataFrame::new(
        rows.len(),
        vec![
            Column::new(
                OBS_AREA.into(),
                rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(),
            ),
            Column::new(
                PARENT.into(),
                rows.iter().map(|r| r.1.as_str()).collect::<Vec<_>>(),
            ),
        ],
    )?
    .lazy())
}

/// Rows of `source` holding one of `measures`.
fn measures_in(source: &str, measures: &[&str]) -> Expr {
    measures
        .iter()
        .fold(lit(false), |e, m| e.or(col(OBS_MEASURE).eq(lit(*m))))
        .and(col(OBS_SOURCE).eq(lit(source)))
}

/// The indicator's numerator and denominator measures.
fn measures_of(def: &IndicatorDef) -> Vec<&'static str> {
    std::iter::once(def.numerator.measure)
        .chain(def.denominator.map(|d| d.measure))
        .collect()
}

/// TTWA parts summed exactly from a small-area source (same long layout as `parent_level`).
fn small_area_level(
    observations: &LazyFrame,
    small: &LazyFrame,
    source: &str,
    measures: &[&str],
) -> LazyFrame {
    sum_parts(
        &observations.clone().filter(measures_in(source, measures)),
        small,
        PARENT,
    )
    .select(exact_parts(col(PARENT), "ttwa", col(CONSTITUENTS)))
}

/// The long parts layout (as `parent_level` produces) for parts that are exact, not best fit.
fn exact_parts(area_code: Expr, area_type: &str, constituents: Expr) -> [Expr; 10] {
    [
        area_code.alias(AREA_CODE),
        lit(area_type).alias(AREA_TYPE),
        lit(false).alias(APPROXIMATE),
        col(OBS_PERIOD),
        col(OBS_MEASURE),
        col(OBS_VALUE),
        col(MISSING),
        col(FIRST_STATUS),
        constituents.alias(CONSTITUENTS),
        lit(NULL).cast(DataType::Float64).alias(COVERAGE),
    ]
}

/// Observations mapped through `map` (`area_code` -> `key`) and summed per key, period and
/// measure, with the count of missing parts, the first non-ok status and the number of parts.
fn sum_parts(observations: &LazyFrame, map: &LazyFrame, key: &str) -> LazyFrame {
    observations
        .clone()
        .join(
            map.clone(),
            [col(OBS_AREA)],
            [col(OBS_AREA)],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col(key), col(OBS_PERIOD), col(OBS_MEASURE)])
        .agg(summed_cells(len()))
}

/// Aggregations summing observation cells: the sum, how many parts were missing, the first
/// non-ok status, and `constituents` (how many parts went in).
fn summed_cells(constituents: Expr) -> [Expr; 4] {
    [
        col(OBS_VALUE).sum().alias(OBS_VALUE),
        col(OBS_VALUE)
            .null_count()
            .cast(DataType::UInt32)
            .alias(MISSING),
        col(OBS_STATUS)
            .filter(col(OBS_STATUS).neq(lit("ok")))
            .first()
            .alias(FIRST_STATUS),
        constituents.cast(DataType::UInt32).alias(CONSTITUENTS),
    ]
}

/// `n_missing` and `first_status` of one published cell (not a sum).
fn single_cell() -> [Expr; 2] {
    [
        col(OBS_VALUE)
            .is_null()
            .cast(DataType::UInt32)
            .alias(MISSING),
        when(col(OBS_STATUS).eq(lit("ok")))
            .then(lit(NULL).cast(DataType::String))
            .otherwise(col(OBS_STATUS))
            .alias(FIRST_STATUS),
    ]
}

/// The long per-LAD table for some measures of one source: current LAD codes, predecessors
/// summed, with the count of missing parts and the first non-ok status.
fn lad_level(
    observations: &LazyFrame,
    codes: &LazyFrame,
    source: &str,
    measures: &[&str],
) -> LazyFrame {
    sum_parts(
        &observations.clone().filter(measures_in(source, measures)),
        codes,
        LAD,
    )
    .drop(cols([CONSTITUENTS]))
}

/// Sums LAD-level parts up to every parent area.
fn parent_level(lads: LazyFrame, members: LazyFrame) -> LazyFrame {
    lads.join(
        members,
        [col(LAD)],
        [col(LAD)],
        JoinArgs::new(JoinType::Inner),
    )
    .group_by([
        col(PARENT),
        col(PARENT_TYPE),
        col(APPROXIMATE),
        col(OBS_PERIOD),
        col(OBS_MEASURE),
    ])
    .agg([
        col(OBS_VALUE).sum().alias(OBS_VALUE),
        col(MISSING).sum().alias(MISSING),
        col(FIRST_STATUS).first_non_null().alias(FIRST_STATUS),
        len().cast(DataType::UInt32).alias(CONSTITUENTS),
        col(PARENT_SHARE).sum().alias(COVERAGE),
    ])
    .select([
        col(PARENT).alias(AREA_CODE),
        col(PARENT_TYPE).alias(AREA_TYPE),
        col(APPROXIMATE),
        col(OBS_PERIOD),
        col(OBS_MEASURE),
        col(OBS_VALUE),
        col(MISSING),
        col(FIRST_STATUS),
        col(CONSTITUENTS),
        // Exact areas have full coverage by construction.
        when(col(APPROXIMATE))
            .then(col(COVERAGE))
            .otherwise(lit(NULL).cast(DataType::Float64))
            .alias(COVERAGE),
    ])
}

/// Turns the long (numerator/denominator rows) table into one row per area and period:
/// `100 * numerator / denominator` for ratios, the numerator itself for counts.
fn combine(long: LazyFrame, def: &IndicatorDef) -> LazyFrame {
    let keys = [col(AREA_CODE), col(AREA_TYPE), col(OBS_PERIOD)];
    let part = |measure: &str, name: &str, missing: &str, status: &str| {
        long.clone()
            .filter(col(OBS_MEASURE).eq(lit(measure)))
            .select([
                col(AREA_CODE),
                col(AREA_TYPE),
                col(OBS_PERIOD),
                col(APPROXIMATE),
                col(CONSTITUENTS),
                col(COVERAGE),
                // A suppressed part hides the whole: never a smaller sum.
                when(col(MISSING).gt(lit(0u32)))
                    .then(lit(NULL).cast(DataType::Float64))
                    .otherwise(col(OBS_VALUE))
                    .alias(name),
                col(MISSING).alias(missing),
                col(FIRST_STATUS).alias(status),
            ])
    };
    let num = part(
        def.numerator.measure,
        NUMERATOR,
        "num_missing",
        "num_status",
    );
    let (joined, value) = match def.denominator {
        Some(den) => (
            part(den.measure, DENOMINATOR, "den_missing", "den_status").join(
                num.select([
                    col(AREA_CODE),
                    col(AREA_TYPE),
                    col(OBS_PERIOD),
                    col(NUMERATOR),
                    col("num_missing"),
                    col("num_status"),
                ]),
                keys.clone(),
                keys,
                JoinArgs::new(JoinType::Left),
            ),
            ratio(def),
        ),
        None => (
            num.with_columns([
                lit(NULL).cast(DataType::Float64).alias(DENOMINATOR),
                lit(0u32).cast(DataType::UInt32).alias("den_missing"),
                lit(NULL).cast(DataType::String).alias("den_status"),
            ]),
            col(NUMERATOR),
        ),
    };
    joined.select([
        lit(def.id).alias(INDICATOR),
        col(AREA_CODE),
        col(AREA_TYPE),
        col(OBS_PERIOD).alias(PERIOD),
        col(NUMERATOR),
        col(DENOMINATOR),
        value.alias(VALUE),
        status_expr().alias(STATUS),
        col(APPROXIMATE),
        col(COVERAGE),
        col(CONSTITUENTS),
        lit(NULL).cast(DataType::Float64).alias(CI_LOWER),
        lit(NULL).cast(DataType::Float64).alias(CI_UPPER),
    ])
}

/// Codes under which published values are kept, with the registry area they belong to: every
/// registry area, plus retired district codes that were only recoded (one predecessor, one
/// successor, e.g. Barnsley E08000016 -> E08000038). Values published for districts that merged
/// cannot be combined and are left out.
fn published_areas(geo: &Geography) -> PolarsResult<LazyFrame> {
    let mut from = Vec::new();
    let mut to = Vec::new();
    let mut area_type = Vec::new();
    let mut recoded = Vec::new();
    for a in geo.areas() {
        from.push(a.code.clone());
        to.push(a.code.clone());
        area_type.push(a.area_type.as_str());
        recoded.push(false);
    }
    let mut predecessors: std::collections::HashMap<&str, Vec<&str>> = Default::default();
    for (old, new) in geo.successors() {
        predecessors.entry(new).or_default().push(old);
    }
    for (new, olds) in predecessors {
        if let [old] = olds.as_slice() {
            from.push((*old).to_owned());
            to.push(new.to_owned());
            area_type.push("lad");
            recoded.push(true);
        }
    }
    Ok(DataFrame::new(
        from.len(),
        vec![
            Column::new(OBS_AREA.into(), from),
            Column::new(PUBLISHED_AREA.into(), to),
            Column::new(AREA_TYPE.into(), area_type),
            Column::new(RECODED.into(), recoded),
        ],
    )?
    .lazy())
}

const PUBLISHED_AREA: &str = "published_area";
const RECODED: &str = "recoded";

/// Values of a non-aggregable indicator, for the areas its source publishes (and lmi knows):
/// as published, or the ratio of the area's own published counts, with the interval.
fn published(observations: &LazyFrame, areas: &LazyFrame, def: &IndicatorDef) -> LazyFrame {
    let keys = || [col(AREA_CODE), col(AREA_TYPE), col(OBS_PERIOD)];
    // When a file has a value under both the old and the current code, the current one wins.
    let base = observations
        .clone()
        .filter(col(OBS_SOURCE).eq(lit(def.source)))
        .join(
            areas.clone(),
            [col(OBS_AREA)],
            [col(OBS_AREA)],
            JoinArgs::new(JoinType::Inner),
        )
        .sort([RECODED], SortMultipleOptions::default())
        .unique_stable(
            Some(cols([PUBLISHED_AREA, OBS_PERIOD, OBS_MEASURE])),
            UniqueKeepStrategy::First,
        );
    let measure = |m: &str, name: &str, status: &str| {
        base.clone().filter(col(OBS_MEASURE).eq(lit(m))).select([
            col(PUBLISHED_AREA).alias(AREA_CODE),
            col(AREA_TYPE),
            col(OBS_PERIOD),
            col(OBS_VALUE).alias(name),
            col(OBS_STATUS).alias(status),
        ])
    };
    let left = |lf: LazyFrame, other: LazyFrame| {
        lf.join(other, keys(), keys(), JoinArgs::new(JoinType::Left))
    };
    let mut lf = measure(def.numerator.measure, NUMERATOR, "num_status");
    let value = match def.denominator {
        Some(den) => {
            lf = left(lf, measure(den.measure, DENOMINATOR, "den_status"));
            ratio(def)
        }
        None => {
            lf = lf.with_columns([
                lit(NULL).cast(DataType::Float64).alias(DENOMINATOR),
                lit(NULL).cast(DataType::String).alias("den_status"),
            ]);
            col(NUMERATOR)
        }
    };
    let null = || lit(NULL).cast(DataType::Float64);
    let (lower, upper) = match def.confidence_interval {
        None => (null(), null()),
        Some(ConfidenceInterval::Bounds { lower, upper }) => {
            lf = left(lf, measure(lower, "ci_lo", "ci_lo_status"));
            lf = left(lf, measure(upper, "ci_hi", "ci_hi_status"));
            (col("ci_lo"), col("ci_hi"))
        }
        Some(ConfidenceInterval::NumeratorPlusMinus { measure: m }) => {
            lf = left(lf, measure(m, "ci_pm", "ci_pm_status"));
            let half = col("ci_pm") / col(DENOMINATOR) * lit(def.per);
            (col(VALUE) - half.clone(), col(VALUE) + half)
        }
    };
    // A gap is explained by the part that caused it; a value keeps the publisher's flag.
    let no_value_status = when(
        col("num_status")
            .eq(lit("ok"))
            .or(col("num_status").eq(lit("low_reliability")))
            .not(),
    )
    .then(col("num_status"))
    .when(
        col("den_status")
            .is_not_null()
            .and(col("den_status").neq(lit("ok"))),
    )
    .then(lit("suppressed"))
    .otherwise(lit("unavailable"));
    let status = when(col(VALUE).is_null())
        .then(no_value_status)
        .otherwise(col("num_status"));
    lf.with_column(value.alias(VALUE)).select([
        lit(def.id).alias(INDICATOR),
        col(AREA_CODE),
        col(AREA_TYPE),
        col(OBS_PERIOD).alias(PERIOD),
        col(NUMERATOR),
        col(DENOMINATOR),
        col(VALUE),
        status.alias(STATUS),
        lit(false).alias(APPROXIMATE),
        null().alias(COVERAGE),
        lit(1u32).cast(DataType::UInt32).alias(CONSTITUENTS),
        when(col(VALUE).is_null())
            .then(null())
            .otherwise(lower)
            .alias(CI_LOWER),
        when(col(VALUE).is_null())
            .then(null())
            .otherwise(upper)
            .alias(CI_UPPER),
    ])
}

/// The indicator's value from its numerator and denominator columns (a percentage, a rate per
/// 100,000, …), missing when there is no numerator or no positive denominator.
fn ratio(def: &IndicatorDef) -> Expr {
    when(
        col(NUMERATOR)
            .is_not_null()
            .and(col(DENOMINATOR).gt(lit(0.0))),
    )
    .then(col(NUMERATOR) / col(DENOMINATOR) * lit(def.per))
    .otherwise(lit(NULL).cast(DataType::Float64))
}

/// Flags the first period after each change of definition.
fn mark_series_breaks(lf: LazyFrame, def: &IndicatorDef) -> LazyFrame {
    def.series_breaks.iter().fold(lf, |lf, b| {
        lf.with_column(
            when(col(PERIOD).eq(lit(b.period)).and(col(STATUS).eq(lit("ok"))))
                .then(lit("series_break"))
                .otherwise(col(STATUS))
                .alias(STATUS),
        )
    })
}

/// The value's status: the publisher's symbol for a single LAD (or an area group of exactly
/// one district, which is that district), `suppressed` for any aggregate with a withheld part,
/// `unavailable` when there is no numerator row or no cohort.
fn status_expr() -> Expr {
    let is_lad = col(AREA_TYPE)
        .eq(lit("lad"))
        .or(col(AREA_TYPE).eq(lit(lmi_core::AreaType::Group.as_str())))
        .and(col(CONSTITUENTS).eq(lit(1u32)));
    let missing = col("den_missing")
        .gt(lit(0u32))
        .or(col("num_missing").fill_null(lit(0u32)).gt(lit(0u32)));
    when(missing.clone().and(is_lad))
        .then(
            col("num_status")
                .fill_null(col("den_status"))
                .fill_null(lit("suppressed")),
        )
        .when(missing)
        .then(lit("suppressed"))
        .when(
            col("num_missing")
                .is_null()
                .or(col(DENOMINATOR).eq(lit(0.0))),
        )
        .then(lit("unavailable"))
        .otherwise(lit("ok"))
}

/// English district codes (E06-E09) of one source that are neither a registry area nor a retired
/// LAD.
fn unmatched(by_source: &BySource, codes: &LazyFrame) -> PolarsResult<Vec<UnmatchedCodes>> {
    // Each source's distinct codes (one string column at a time: a national table has a million
    // rows and only tens of thousands of distinct codes).
    let mut distinct = Vec::with_capacity(by_source.frames.len());
    for (source, frame) in &by_source.frames {
        let areas = frame.column(OBS_AREA)?.unique()?;
        distinct.push(
            DataFrame::new(
                areas.len(),
                vec![
                    Column::new_scalar(
                        OBS_SOURCE.into(),
                        PlSmallStr::from_str(source).into(),
                        areas.len(),
                    ),
                    areas,
                ],
            )?
            .lazy(),
        );
    }
    if distinct.is_empty() {
        return Ok(Vec::new());
    }
    let df = concat(distinct, UnionArgs::default())?
        .join(
            codes.clone(),
            [col(OBS_AREA)],
            [col(OBS_AREA)],
            JoinArgs::new(JoinType::Left),
        )
        .filter(col(LAD).is_null())
        .sort([OBS_SOURCE, OBS_AREA], SortMultipleOptions::default())
        .collect()?;
    let sources = df.column(OBS_SOURCE)?.str()?;
    let areas = df.column(OBS_AREA)?.str()?;
    let mut out: Vec<UnmatchedCodes> = Vec::new();
    for (s, a) in sources.iter().zip(areas.iter()) {
        let (Some(s), Some(a)) = (s, a) else { continue };
        // Only English district codes: other entity types some series also publish (E10
        // counties, E47 combined authorities, E61 Greater London Authority) are not districts and
        // are left out of the values without being an error.
        if !["E06", "E07", "E08", "E09"]
            .iter()
            .any(|p| a.starts_with(p))
        {
            continue;
        }
        match out.last_mut() {
            Some(u) if u.source == s => u.codes.push(a.to_owned()),
            _ => out.push(UnmatchedCodes {
                source: s.to_owned(),
                codes: vec![a.to_owned()],
            }),
        }
    }
    Ok(out)
}

/// The geography lookups as frames, built once per run, and the sources present.
pub(crate) struct GeoFrames {
    /// Any-vintage LAD code -> current LAD.
    pub(crate) codes: LazyFrame,
    /// Current LAD -> every parent area (TTWAs by best fit).
    pub(crate) members: LazyFrame,
    /// Codes under which published values are kept.
    pub(crate) areas: LazyFrame,
    /// LSOA 2021 -> TTWA.
    pub(crate) small: LazyFrame,
    pub(crate) present: std::collections::HashSet<String>,
}

impl GeoFrames {
    pub(crate) fn new(geo: &Geography, by_source: &BySource) -> PolarsResult<GeoFrames> {
        Ok(GeoFrames {
            codes: lad_code_map(geo)?,
            members: memberships(geo)?,
            areas: published_areas(geo)?,
            small: small_area_map(geo)?,
            present: by_source.frames.keys().cloned().collect(),
        })
    }

    /// The long parts table (area_code, area_type, approximate, period, measure, value,
    /// n_missing, first_status, constituents, coverage) of some measures of one source, summed
    /// from districts to every area; TTWAs exactly from `small_area_source` when present.
    pub(crate) fn every_area(
        &self,
        obs: &LazyFrame,
        source: &str,
        measures: &[&str],
        small_area_source: Option<&str>,
    ) -> PolarsResult<LazyFrame> {
        let lads = lad_level(obs, &self.codes, source, measures);
        // A current district is one constituent, however many retired codes it sums.
        let own = lads.clone().select(exact_parts(
            col(LAD),
            "lad",
            lit(1u32).cast(DataType::UInt32),
        ));
        let parents = parent_level(lads, self.members.clone());
        match small_area_source.filter(|s| self.present.contains(*s)) {
            Some(small_source) => concat(
                [
                    own,
                    parents.filter(col(AREA_TYPE).neq(lit("ttwa"))),
                    small_area_level(obs, &self.small, small_source, measures),
                ],
                UnionArgs::default(),
            ),
            None => concat([own, parents], UnionArgs::default()),
        }
    }
}

impl GeoFrames {
    /// The districts' parts summed to every parent area below regions (counties, combined
    /// authorities, LEP and LSIP areas, TTWAs best fit), for a publisher that gives regions and
    /// England itself.
    pub(crate) fn below_regions(
        &self,
        obs: &LazyFrame,
        source: &str,
        measures: &[&str],
    ) -> LazyFrame {
        let lads = lad_level(obs, &self.codes, source, measures);
        parent_level(lads, self.members.clone()).filter(
            col(AREA_TYPE)
                .neq(lit(lmi_core::AreaType::Region.as_str()))
                .and(col(AREA_TYPE).neq(lit(lmi_core::AreaType::Country.as_str()))),
        )
    }
}

/// The snapshot's further tables (`lmi_core::schema::Table`) from the observations: count
/// breakdowns and apprenticeship travel-to-learn flows for every geography, and model
/// projections for the areas the model publishes.
pub fn compute_tables(
    observations: &DataFrame,
    geo: &Geography,
) -> Result<Vec<(lmi_core::schema::Table, DataFrame)>, PipelineError> {
    tables_of(&BySource::new(observations)?, observations, geo)
}

fn tables_of(
    by_source: &BySource,
    observations: &DataFrame,
    geo: &Geography,
) -> Result<Vec<(lmi_core::schema::Table, DataFrame)>, PipelineError> {
    use lmi_core::schema::Table;
    // The flows filter their own source again: here only its rows are handed over.
    let (flows, flow_summary) = compute_flows(
        &by_source.frame(lmi_core::flows::APPRENTICESHIP_FLOWS_SOURCE),
        geo,
    )?;
    Ok(vec![
        (
            Table::Breakdowns,
            breakdowns::breakdowns_of(by_source, geo, lmi_core::COUNT_BREAKDOWNS)?,
        ),
        (Table::Flows, flows),
        (Table::FlowSummary, flow_summary),
        (Table::Projections, compute_projections(observations, geo)?),
        (Table::Boundaries, compute_boundaries(observations, geo)?),
    ])
}

/// Everything a snapshot holds that is computed from the observations: the indicator values
/// ([`compute`]) and the further tables ([`compute_tables`]). The two share only their input,
/// so they run at the same time, over one split of the observations by source.
pub fn compute_snapshot(
    observations: &DataFrame,
    geo: &Geography,
    defs: &[IndicatorDef],
) -> Result<(PipelineOutput, Vec<(lmi_core::schema::Table, DataFrame)>), PipelineError> {
    let by_source = BySource::new(observations)?;
    let (values, tables) = std::thread::scope(|scope| {
        let tables = scope.spawn(|| tables_of(&by_source, observations, geo));
        let values = compute_with(&by_source, geo, defs);
        let tables = tables
            .join()
            .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        (values, tables)
    });
    Ok((values?, tables?))
}

impl GeoFrames {
    /// The long parts layout of [`GeoFrames::every_area`] for values kept only where the source
    /// publishes them (survey estimates): one constituent each, never summed; when a file has a
    /// value under both a retired and the current code, the current one wins.
    pub(crate) fn published_parts(
        &self,
        obs: &LazyFrame,
        source: &str,
        measures: &[&str],
    ) -> LazyFrame {
        let [missing, first_status] = single_cell();
        obs.clone()
            .filter(measures_in(source, measures))
            .join(
                self.areas.clone(),
                [col(OBS_AREA)],
                [col(OBS_AREA)],
                JoinArgs::new(JoinType::Inner),
            )
            .sort([RECODED], SortMultipleOptions::default())
            .unique_stable(
                Some(cols([PUBLISHED_AREA, OBS_PERIOD, OBS_MEASURE])),
                UniqueKeepStrategy::First,
            )
            .select([
                col(PUBLISHED_AREA).alias(AREA_CODE),
                col(AREA_TYPE),
                lit(false).alias(APPROXIMATE),
                col(OBS_PERIOD),
                col(OBS_MEASURE),
                col(OBS_VALUE),
                missing,
                first_status,
                lit(1u32).cast(DataType::UInt32).alias(CONSTITUENTS),
                lit(NULL).cast(DataType::Float64).alias(COVERAGE),
            ])
    }
}

/// The observations split by source in one pass, without copying (each source's contiguous runs
/// of rows are slices of the frame): every indicator's plan then scans only its own sources'
/// rows instead of comparing every row's source and measure strings once per indicator (that
/// was a fifth of a national refresh's time).
pub(crate) struct BySource {
    frames: std::collections::HashMap<String, DataFrame>,
    empty: DataFrame,
}

impl BySource {
    pub(crate) fn new(observations: &DataFrame) -> PolarsResult<BySource> {
        let sources = observations.column(OBS_SOURCE)?.str()?;
        let mut frames: std::collections::HashMap<String, DataFrame> =
            std::collections::HashMap::new();
        let mut run: Option<(&str, usize)> = None;
        let height = observations.height();
        let mut close = |source: &str, start: usize, end: usize| -> PolarsResult<()> {
            let rows = observations.slice(start as i64, end - start);
            match frames.get_mut(source) {
                Some(frame) => {
                    frame.vstack_mut(&rows)?;
                }
                None => {
                    frames.insert(source.to_owned(), rows);
                }
            }
            Ok(())
        };
        for (i, source) in sources.iter().enumerate() {
            let source = source.unwrap_or_default();
            match run {
                Some((current, _)) if current == source => {}
                Some((current, start)) => {
                    close(current, start, i)?;
                    run = Some((source, i));
                }
                None => run = Some((source, i)),
            }
        }
        if let Some((current, start)) = run {
            close(current, start, height)?;
        }
        Ok(BySource {
            frames,
            empty: observations.clear(),
        })
    }

    /// One source's rows (none: an empty frame with the observations' columns).
    pub(crate) fn frame(&self, source: &str) -> DataFrame {
        self.frames
            .get(source)
            .cloned()
            .unwrap_or_else(|| self.empty.clone())
    }

    /// The rows of these sources.
    pub(crate) fn lazy<'a>(
        &self,
        sources: impl IntoIterator<Item = &'a str>,
    ) -> PolarsResult<LazyFrame> {
        let mut out = self.empty.clone();
        for source in sources {
            out.vstack_mut(&self.frame(source))?;
        }
        Ok(out.lazy())
    }
}

/// The indicators that share one long parts table: summed from the same source (and small-area
/// source) the same way.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
struct PartsKey {
    upper_tier: bool,
    source: &'static str,
    small_area_source: Option<&'static str>,
}

impl PartsKey {
    fn of(def: &IndicatorDef) -> PartsKey {
        PartsKey {
            upper_tier: def.aggregation == Aggregation::UpperTier,
            source: def.source,
            small_area_source: def.small_area_source,
        }
    }

    /// Where each of the indicator's measures is summed: the numerator (and a same-source
    /// denominator) under [`PartsKey::of`], a denominator of another source under that source.
    fn of_measures(def: &IndicatorDef) -> Vec<(PartsKey, &'static str)> {
        let own = PartsKey::of(def);
        match (def.aggregation, def.denominator) {
            (Aggregation::RatioOfSumsAcrossSources { denominator_source }, Some(den)) => vec![
                (own, def.numerator.measure),
                (
                    PartsKey {
                        upper_tier: false,
                        source: denominator_source,
                        small_area_source: None,
                    },
                    den.measure,
                ),
            ],
            _ => measures_of(def).into_iter().map(|m| (own, m)).collect(),
        }
    }

    /// The indicator's long parts: one table, or its numerator's and its denominator's rows
    /// from two sources' tables (each filtered to the indicator's measure, so two sources
    /// sharing a measure id cannot mix).
    fn long_of(
        def: &IndicatorDef,
        parts: &std::collections::HashMap<PartsKey, DataFrame>,
    ) -> PolarsResult<LazyFrame> {
        let keys = PartsKey::of_measures(def);
        if keys.iter().all(|(k, _)| *k == PartsKey::of(def)) {
            return Ok(parts[&PartsKey::of(def)].clone().lazy());
        }
        concat(
            keys.into_iter()
                .map(|(key, measure)| {
                    parts[&key]
                        .clone()
                        .lazy()
                        .filter(col(OBS_MEASURE).eq(lit(measure)))
                })
                .collect::<Vec<_>>(),
            UnionArgs::default(),
        )
    }
}

/// The long parts table of every summed indicator, computed once per [`PartsKey`] for the union
/// of its indicators' measures: the five KS4 rates read one file and the seven Census shares one
/// LSOA table, so the joins and sums over those rows run once, not once per indicator. Every sum
/// is per measure, so an indicator's rows of the shared table are exactly the rows a table of its
/// own measures would hold; `combine` picks them out.
fn summed_parts(
    by_source: &BySource,
    frames_of: &GeoFrames,
    upper: &upper_tier::UpperTier,
    defs: &[IndicatorDef],
) -> PolarsResult<std::collections::HashMap<PartsKey, DataFrame>> {
    let mut measures: std::collections::BTreeMap<PartsKey, std::collections::BTreeSet<&str>> =
        Default::default();
    for def in defs {
        if def.aggregation != Aggregation::Published {
            for (key, measure) in PartsKey::of_measures(def) {
                measures.entry(key).or_default().insert(measure);
            }
        }
    }
    measures
        .into_iter()
        .map(|(key, measures)| {
            let obs = by_source.lazy(std::iter::once(key.source).chain(key.small_area_source))?;
            let measures: Vec<&str> = measures.into_iter().collect();
            let long = if key.upper_tier {
                upper.every_area(&obs, key.source, &measures)?
            } else {
                frames_of.every_area(&obs, key.source, &measures, key.small_area_source)?
            };
            Ok((key, long.collect()?))
        })
        .collect()
}

/// Computes every indicator in `defs` for every area of the registry.
pub fn compute(
    observations: &DataFrame,
    geo: &Geography,
    defs: &[IndicatorDef],
) -> Result<PipelineOutput, PipelineError> {
    compute_with(&BySource::new(observations)?, geo, defs)
}

fn compute_with(
    by_source: &BySource,
    geo: &Geography,
    defs: &[IndicatorDef],
) -> Result<PipelineOutput, PipelineError> {
    let frames_of = GeoFrames::new(geo, by_source)?;
    let GeoFrames {
        codes,
        areas,
        small,
        ..
    } = &frames_of;
    let upper = upper_tier::UpperTier::new(geo)?;
    let parts = summed_parts(by_source, &frames_of, &upper, defs)?;
    let mut frames = Vec::with_capacity(defs.len());
    for def in defs {
        if def.aggregation == Aggregation::Published {
            let obs = by_source.lazy([def.source])?;
            frames.push(mark_series_breaks(published(&obs, areas, def), def));
            continue;
        }
        let long = PartsKey::long_of(def, &parts)?;
        frames.push(mark_series_breaks(combine(long, def), def));
        if def.aggregation == Aggregation::UpperTier {
            frames.push(upper_tier::not_served_values(
                &by_source.frame(def.source),
                def,
                &upper.not_served,
            )?);
        }
    }
    let values = concat(frames, UnionArgs::default())?
        .sort(
            [INDICATOR, AREA_TYPE, AREA_CODE, PERIOD],
            SortMultipleOptions::default(),
        )
        .collect()?;
    let values = derived::add_derived(values, defs)?;
    Ok(PipelineOutput {
        values,
        unmatched: unmatched(
            by_source,
            &concat(
                [
                    codes.clone().select([col(OBS_AREA), col(LAD)]),
                    areas
                        .clone()
                        .select([col(OBS_AREA), col(PUBLISHED_AREA).alias(LAD)]),
                    small
                        .clone()
                        .select([col(OBS_AREA), col(PARENT).alias(LAD)]),
                ],
                UnionArgs::default(),
            )?
            .unique(None, UniqueKeepStrategy::Any),
        )?,
    })
}

#[cfg(test)]
mod test_geography;
#[cfg(test)]
mod tests;
