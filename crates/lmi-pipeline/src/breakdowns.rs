//! Count breakdowns (`lmi_core::COUNT_BREAKDOWNS`) for every geography: each part's count, the
//! total, the share, England's share, the location quotient and the change in share since the
//! previous period, as one long table (`lmi_core::schema::breakdowns`).
//!
//! Counts are summed from districts exactly like indicator numerators (`GeoFrames::every_area`):
//! a withheld part is never zero (its share is absent and every aggregate including it is
//! suppressed); TTWAs are exact from small areas when the source has them, otherwise best fit and
//! approximate with coverage; sums of counts the publisher rounded are approximate.

use crate::upper_tier::UpperTier;
use crate::{
    BySource, CONSTITUENTS as LONG_CONSTITUENTS, FIRST_STATUS, GeoFrames, MISSING, PipelineError,
};
use lmi_core::breakdown::{BreakdownGeographies, CountBreakdownDef, UPPER_TIER_ONLY, is_part_year};
use lmi_core::geography::ENGLAND;
use lmi_core::schema::breakdowns::*;
use lmi_core::schema::observations::{
    MEASURE as OBS_MEASURE, PERIOD as OBS_PERIOD, VALUE as OBS_VALUE,
};
use lmi_core::{Geography, schema::values};
use polars::prelude::*;

const BEST_FIT: &str = "best fit from whole districts";
const PART_ORDER: &str = "part_order";
const TOTAL_STATUS: &str = "total_status";
const PREVIOUS: &str = "previous_period";

/// The breakdowns table for every definition whose source is in the observations.
pub fn compute_breakdowns(
    observations: &DataFrame,
    geo: &Geography,
    defs: &[CountBreakdownDef],
) -> Result<DataFrame, PipelineError> {
    breakdowns_of(&BySource::new(observations)?, geo, defs)
}

pub(crate) fn breakdowns_of(
    by_source: &BySource,
    geo: &Geography,
    defs: &[CountBreakdownDef],
) -> Result<DataFrame, PipelineError> {
    let frames = GeoFrames::new(geo, by_source)?;
    let upper = UpperTier::new(geo)?;
    let mut out = Vec::new();
    for def in defs {
        // The breakdown's own source, or else its upper-tier-only one served as upper tier.
        let fallback;
        let def = if frames.present.contains(def.source) {
            def
        } else if let Some(upper_tier) = def
            .upper_tier_source
            .filter(|s| frames.present.contains(*s))
        {
            fallback = CountBreakdownDef {
                source: upper_tier,
                small_area_source: None,
                upper_tier_source: None,
                geographies: BreakdownGeographies::UpperTier,
                ..def.clone()
            };
            &fallback
        } else {
            continue;
        };
        let measures: Vec<&str> = def.measures().collect();
        let obs = by_source.lazy(std::iter::once(def.source).chain(def.small_area_source))?;
        let table = match def.geographies {
            BreakdownGeographies::AllAreas => shares(
                frames.every_area(&obs, def.source, &measures, def.small_area_source)?,
                def,
            )?
            .collect()?,
            BreakdownGeographies::UpperTier => {
                let served = shares(upper.every_area(&obs, def.source, &measures)?, def)?
                    .select(SHARES_COLUMNS.map(col))
                    .collect()?;
                let absent = not_served(&served, &upper.not_served, def)?;
                served.vstack(&absent)?
            }
            BreakdownGeographies::Published => {
                shares(frames.published_parts(&obs, def.source, &measures), def)?.collect()?
            }
            BreakdownGeographies::PublishedAndSummed => {
                let both = concat(
                    [
                        frames.published_parts(&obs, def.source, &measures),
                        frames.below_regions(&obs, def.source, &measures),
                    ],
                    UnionArgs::default(),
                )?;
                shares(both, def)?.collect()?
            }
        };
        out.push(mark_series_breaks(with_change(table)?, def)?);
    }
    if out.is_empty() {
        return Ok(empty()?);
    }
    let all = concat(
        out.into_iter().map(IntoLazy::lazy).collect::<Vec<_>>(),
        UnionArgs::default(),
    )?
    .sort(
        [BREAKDOWN, AREA_TYPE, AREA_CODE, PERIOD, PART_ORDER],
        SortMultipleOptions::default(),
    )
    .select(COLUMNS.map(col))
    .collect()?;
    Ok(all)
}

/// An empty breakdowns table with every column.
pub fn empty() -> PolarsResult<DataFrame> {
    let s = |n: &str| Column::new_empty(n.into(), &DataType::String);
    let f = |n: &str| Column::new_empty(n.into(), &DataType::Float64);
    DataFrame::new(
        0,
        vec![
            s(BREAKDOWN),
            s(CLASSIFICATION),
            s(PART),
            s(PART_LABEL),
            s(AREA_CODE),
            s(AREA_TYPE),
            s(PERIOD),
            f(COUNT),
            f(TOTAL),
            f(SHARE),
            f(ENGLAND_SHARE),
            f(LOCATION_QUOTIENT),
            f(SHARE_CHANGE),
            s(STATUS),
            Column::new_empty(APPROXIMATE.into(), &DataType::Boolean),
            f(COVERAGE),
            Column::new_empty(CONSTITUENTS.into(), &DataType::UInt32),
            s(NOTE),
            f(COUNT_CHANGE_5Y),
            f(SHARE_CHANGE_5Y),
        ],
    )
}

/// The columns `shares` produces, in order.
const SHARES_COLUMNS: [&str; 18] = [
    BREAKDOWN,
    CLASSIFICATION,
    PART,
    PART_LABEL,
    PART_ORDER,
    AREA_CODE,
    AREA_TYPE,
    PERIOD,
    COUNT,
    TOTAL,
    SHARE,
    STATUS,
    APPROXIMATE,
    COVERAGE,
    CONSTITUENTS,
    NOTE,
    ENGLAND_SHARE,
    LOCATION_QUOTIENT,
];

/// Rows saying why areas a source does not cover have no value: every part and period of the
/// served rows, status `not_applicable`, with the reason.
fn not_served(
    served: &DataFrame,
    areas: &[(String, lmi_core::AreaType)],
    def: &CountBreakdownDef,
) -> PolarsResult<DataFrame> {
    let periods: Vec<String> = served
        .column(PERIOD)?
        .str()?
        .unique()?
        .iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    let mut s: [Vec<String>; 7] = Default::default();
    let mut order = Vec::new();
    for (code, area_type) in areas {
        for period in &periods {
            for (i, p) in def.parts.iter().enumerate() {
                for (v, x) in s.iter_mut().zip([
                    p.measure,
                    p.label,
                    code.as_str(),
                    area_type.as_str(),
                    period.as_str(),
                    "not_applicable",
                    UPPER_TIER_ONLY,
                ]) {
                    v.push(x.to_owned());
                }
                order.push(i as u32);
            }
        }
    }
    let n = order.len();
    let [part, label, area, area_type, period, status, note] = s;
    let nulls = |name: &str| Column::full_null(name.into(), n, &DataType::Float64);
    DataFrame::new(
        n,
        vec![
            Column::new(BREAKDOWN.into(), vec![def.id; n]),
            Column::new(CLASSIFICATION.into(), vec![def.classification.as_str(); n]),
            Column::new(PART.into(), part),
            Column::new(PART_LABEL.into(), label),
            Column::new(PART_ORDER.into(), order),
            Column::new(AREA_CODE.into(), area),
            Column::new(AREA_TYPE.into(), area_type),
            Column::new(PERIOD.into(), period),
            nulls(COUNT),
            nulls(TOTAL),
            nulls(SHARE),
            Column::new(STATUS.into(), status),
            Column::new(APPROXIMATE.into(), vec![false; n]),
            nulls(COVERAGE),
            Column::new(CONSTITUENTS.into(), vec![0u32; n]),
            Column::new(NOTE.into(), note),
            nulls(ENGLAND_SHARE),
            nulls(LOCATION_QUOTIENT),
        ],
    )
}

fn part_labels(def: &CountBreakdownDef) -> PolarsResult<LazyFrame> {
    Ok(DataFrame::new(
        def.parts.len(),
        vec![
            Column::new(
                OBS_MEASURE.into(),
                def.parts.iter().map(|p| p.measure).collect::<Vec<_>>(),
            ),
            Column::new(
                PART_LABEL.into(),
                def.parts.iter().map(|p| p.label).collect::<Vec<_>>(),
            ),
            Column::new(
                PART_ORDER.into(),
                (0..def.parts.len() as u32).collect::<Vec<_>>(),
            ),
        ],
    )?
    .lazy())
}

/// The value of a summed cell (absent when any part was withheld) and its status.
fn cell() -> [Expr; 2] {
    let missing = col(MISSING).gt(lit(0u32));
    let single_lad = col(values::AREA_TYPE)
        .eq(lit("lad"))
        .and(col(LONG_CONSTITUENTS).eq(lit(1u32)));
    [
        when(missing.clone())
            .then(lit(NULL).cast(DataType::Float64))
            .otherwise(col(OBS_VALUE)),
        when(missing.clone().and(single_lad))
            .then(col(FIRST_STATUS).fill_null(lit("suppressed")))
            .when(missing)
            .then(lit("suppressed"))
            // A value of one area keeps the publisher's flag (APS `*`: low reliability).
            .when(col(LONG_CONSTITUENTS).eq(lit(1u32)))
            .then(col(FIRST_STATUS).fill_null(lit("ok")))
            .otherwise(lit("ok")),
    ]
}

/// Parts joined to their total, with shares, England's share and the location quotient.
pub(crate) fn shares(long: LazyFrame, def: &CountBreakdownDef) -> PolarsResult<LazyFrame> {
    let keys = || [col(AREA_CODE), col(AREA_TYPE), col(OBS_PERIOD)];
    let [value, status] = cell();
    let totals = long
        .clone()
        .filter(col(OBS_MEASURE).eq(lit(def.total.measure)))
        .select([
            col(AREA_CODE),
            col(AREA_TYPE),
            col(OBS_PERIOD),
            value.clone().alias(TOTAL),
            status.clone().alias(TOTAL_STATUS),
        ]);
    let parts = long
        .join(
            part_labels(def)?,
            [col(OBS_MEASURE)],
            [col(OBS_MEASURE)],
            JoinArgs::new(JoinType::Inner),
        )
        .with_columns([value.alias(COUNT), status.alias(STATUS)])
        .join(totals, keys(), keys(), JoinArgs::new(JoinType::Left));
    let share = when(col(COUNT).is_not_null().and(col(TOTAL).gt(lit(0.0))))
        .then(col(COUNT) / col(TOTAL) * lit(100.0))
        .otherwise(lit(NULL).cast(DataType::Float64));
    let rounded_sum = def.rounded_to.is_some();
    let rounded_note = def.rounded_note();
    let approximate =
        col(APPROXIMATE).or(lit(rounded_sum).and(col(LONG_CONSTITUENTS).gt(lit(1u32))));
    let note = when(col(APPROXIMATE))
        .then(lit(BEST_FIT))
        .when(approximate.clone())
        .then(lit(rounded_note))
        .otherwise(lit(NULL).cast(DataType::String));
    let lf = parts.select([
        lit(def.id).alias(BREAKDOWN),
        lit(def.classification.as_str()).alias(CLASSIFICATION),
        col(OBS_MEASURE).alias(PART),
        col(PART_LABEL),
        col(PART_ORDER),
        col(AREA_CODE),
        col(AREA_TYPE),
        col(OBS_PERIOD).alias(PERIOD),
        col(COUNT),
        col(TOTAL),
        share.alias(SHARE),
        // A part is only as good as its total.
        when(
            col(STATUS)
                .eq(lit("ok"))
                .and(col(TOTAL_STATUS).neq(lit("ok"))),
        )
        .then(lit("suppressed"))
        .otherwise(col(STATUS))
        .fill_null(lit("unavailable"))
        .alias(STATUS),
        approximate.alias(APPROXIMATE),
        col(COVERAGE),
        col(LONG_CONSTITUENTS).alias(CONSTITUENTS),
        note.alias(NOTE),
    ]);
    Ok(with_england(lf))
}

/// Adds England's share of the same part and period and the location quotient.
pub(crate) fn with_england(lf: LazyFrame) -> LazyFrame {
    let keys = || [col(BREAKDOWN), col(PART), col(PERIOD)];
    let england = lf.clone().filter(col(AREA_CODE).eq(lit(ENGLAND))).select([
        col(BREAKDOWN),
        col(PART),
        col(PERIOD),
        col(SHARE).alias(ENGLAND_SHARE),
    ]);
    lf.join(england, keys(), keys(), JoinArgs::new(JoinType::Left))
        .with_column(
            when(col(ENGLAND_SHARE).gt(lit(0.0)))
                .then(col(SHARE) / col(ENGLAND_SHARE))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias(LOCATION_QUOTIENT),
        )
}

/// Adds the change in share (percentage points) since the previous period of the series.
/// The first period after each change of definition: `series_break` where the row was `ok`, and
/// no change in share from the period before (another classification).
fn mark_series_breaks(df: DataFrame, def: &CountBreakdownDef) -> PolarsResult<DataFrame> {
    if def.series_breaks.is_empty() {
        return Ok(df);
    }
    def.series_breaks
        .iter()
        .fold(df.lazy(), |lf, b| {
            let at_break = col(PERIOD).eq(lit(b.period));
            // A five-year change reaching back across the break compares two classifications.
            let across_break = match b.period.parse::<i32>() {
                Ok(year) => period_year()
                    .gt_eq(lit(year))
                    .and(period_year().lt(lit(year + 5))),
                Err(_) => at_break.clone(),
            };
            lf.with_columns([
                when(across_break.clone())
                    .then(lit(NULL).cast(DataType::Float64))
                    .otherwise(col(COUNT_CHANGE_5Y))
                    .alias(COUNT_CHANGE_5Y),
                when(across_break)
                    .then(lit(NULL).cast(DataType::Float64))
                    .otherwise(col(SHARE_CHANGE_5Y))
                    .alias(SHARE_CHANGE_5Y),
                when(at_break.clone().and(col(STATUS).eq(lit("ok"))))
                    .then(lit("series_break"))
                    .otherwise(col(STATUS))
                    .alias(STATUS),
                when(at_break)
                    .then(lit(NULL).cast(DataType::Float64))
                    .otherwise(col(SHARE_CHANGE))
                    .alias(SHARE_CHANGE),
            ])
        })
        .collect()
}

pub(crate) fn with_change(df: DataFrame) -> PolarsResult<DataFrame> {
    let mut periods: Vec<String> = df
        .column(PERIOD)?
        .str()?
        .unique()?
        .iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    periods.sort();
    // A part year is never compared with the period before or after it.
    let (current, before): (Vec<String>, Vec<String>) = periods
        .windows(2)
        .filter(|w| !w.iter().any(|p| is_part_year(p)))
        .map(|w| (w[1].clone(), w[0].clone()))
        .unzip();
    let previous = DataFrame::new(
        current.len(),
        vec![
            Column::new(PERIOD.into(), current),
            Column::new(PREVIOUS.into(), before),
        ],
    )?
    .lazy();
    let keys = || [col(BREAKDOWN), col(PART), col(AREA_CODE), col(PREVIOUS)];
    let earlier = df.clone().lazy().select([
        col(BREAKDOWN),
        col(PART),
        col(AREA_CODE),
        col(PERIOD).alias(PREVIOUS),
        col(SHARE).alias("previous_share"),
    ]);
    let with_previous = df
        .clone()
        .lazy()
        .join(
            previous,
            [col(PERIOD)],
            [col(PERIOD)],
            JoinArgs::new(JoinType::Left),
        )
        .join(earlier, keys(), keys(), JoinArgs::new(JoinType::Left))
        .with_column((col(SHARE) - col("previous_share")).alias(SHARE_CHANGE))
        .drop(cols([PREVIOUS, "previous_share"]));
    with_five_year_change(with_previous, df.lazy()).collect()
}

const FIVE_YEARS_BEFORE: &str = "five_years_before";

/// The year of a period that is one (`2024`), null for any other label (`2021/22`).
fn period_year() -> Expr {
    col(PERIOD).cast(DataType::Int32)
}

/// Adds the change in count and in share since the same part, area and breakdown five years
/// earlier (`2024` against `2019`), where both periods are years and both values are known.
fn with_five_year_change(lf: LazyFrame, all: LazyFrame) -> LazyFrame {
    let keys = || {
        [
            col(BREAKDOWN),
            col(PART),
            col(AREA_CODE),
            col(FIVE_YEARS_BEFORE),
        ]
    };
    let earlier = all.select([
        col(BREAKDOWN),
        col(PART),
        col(AREA_CODE),
        col(PERIOD).alias(FIVE_YEARS_BEFORE),
        col(COUNT).alias("count_5y_before"),
        col(SHARE).alias("share_5y_before"),
    ]);
    lf.with_column(
        (period_year() - lit(5))
            .cast(DataType::String)
            .alias(FIVE_YEARS_BEFORE),
    )
    .join(earlier, keys(), keys(), JoinArgs::new(JoinType::Left))
    .with_columns([
        (col(COUNT) - col("count_5y_before")).alias(COUNT_CHANGE_5Y),
        (col(SHARE) - col("share_5y_before")).alias(SHARE_CHANGE_5Y),
    ])
    .drop(cols([
        FIVE_YEARS_BEFORE,
        "count_5y_before",
        "share_5y_before",
    ]))
}

#[cfg(test)]
mod tests;
