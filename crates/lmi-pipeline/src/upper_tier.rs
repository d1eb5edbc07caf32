//! Sources published only for upper-tier local authorities (counties and unitary authorities:
//! Census TS066 as lmi has it, the Employer Skills Survey, NCCIS): values for those units, for
//! every area made exactly of them (e.g. the Lancashire combined authority = Lancashire county +
//! Blackburn with Darwen + Blackpool) and for areas the source publishes itself (England,
//! regions), which win over a sum. Two-tier districts, TTWAs and areas that cut across a county
//! get no value: they are listed as not served, with the reason.

use crate::{
    APPROXIMATE, AREA_CODE, AREA_TYPE, CONSTITUENTS, COVERAGE, FIRST_STATUS, MISSING, measures_in,
    single_cell, summed_cells,
};
use lmi_core::schema::observations::{
    AREA_CODE as OBS_AREA, MEASURE as OBS_MEASURE, PERIOD as OBS_PERIOD, VALUE as OBS_VALUE,
};
use lmi_core::{AreaType, Geography};
use polars::prelude::*;
use std::collections::{BTreeSet, HashMap};

const UNIT: &str = "unit_code";
const EXPECTED: &str = "expected_units";
const DIRECT: &str = "published_directly";
// The area a unit is part of (observations already have an `area_code` column).
const AREA: &str = "upper_tier_area";
const TYPE: &str = "upper_tier_area_type";

/// How upper-tier units compose the areas lmi serves.
pub(crate) struct UpperTier {
    /// Data code (any vintage of a unitary, or a current county) -> unit.
    codes: LazyFrame,
    /// Unit -> every area it is part of (itself included), for areas made exactly of units.
    members: LazyFrame,
    /// Area -> how many units it is made of.
    expected: LazyFrame,
    /// Registry areas that are not units but may be published directly (England, regions).
    direct: LazyFrame,
    /// Areas that get no value: (code, area type).
    pub(crate) not_served: Vec<(String, AreaType)>,
}

impl UpperTier {
    pub(crate) fn new(geo: &Geography) -> PolarsResult<UpperTier> {
        let county_of: HashMap<&str, &str> = geo
            .memberships()
            .iter()
            .filter(|m| m.parent_type == AreaType::County)
            .map(|m| (m.lad_code.as_str(), m.parent_code.as_str()))
            .collect();
        let unit_of = |lad: &str| -> String { county_of.get(lad).map_or(lad, |c| c).to_owned() };
        let lads_of = |code: &str| -> BTreeSet<String> {
            geo.member_lads(code)
                .iter()
                .map(|a| a.code.clone())
                .collect()
        };
        let (mut unit_col, mut area_col, mut type_col) = (Vec::new(), Vec::new(), Vec::new());
        let (mut exp_area, mut exp_n) = (Vec::new(), Vec::new());
        let mut direct = Vec::new();
        let mut not_served = Vec::new();
        for area in geo.areas() {
            let two_tier_district =
                area.area_type == AreaType::Lad && county_of.contains_key(area.code.as_str());
            if two_tier_district || area.area_type == AreaType::Ttwa {
                not_served.push((area.code.clone(), area.area_type));
                continue;
            }
            let members = lads_of(&area.code);
            let units: BTreeSet<String> = members.iter().map(|l| unit_of(l)).collect();
            let exact = !units.is_empty() && units.iter().all(|u| lads_of(u).is_subset(&members));
            if !exact {
                not_served.push((area.code.clone(), area.area_type));
                continue;
            }
            let is_unit = units.len() == 1 && units.contains(&area.code);
            if !is_unit {
                direct.push(area.code.clone());
            }
            for u in &units {
                unit_col.push(u.clone());
                area_col.push(area.code.clone());
                type_col.push(area.area_type.as_str());
            }
            exp_area.push(area.code.clone());
            exp_n.push(units.len() as u32);
        }
        // Data codes: current counties and unitaries, and any retired code of a unitary.
        let (mut from, mut to) = (Vec::new(), Vec::new());
        let units: BTreeSet<&String> = unit_col.iter().collect();
        for u in &units {
            from.push((*u).clone());
            to.push((*u).clone());
        }
        for (old, new) in geo.successors() {
            if units.contains(&new.to_owned()) && !county_of.contains_key(new) {
                from.push(old.to_owned());
                to.push(new.to_owned());
            }
        }
        let frame = |cols: Vec<Column>| -> PolarsResult<LazyFrame> {
            let n = cols[0].len();
            Ok(DataFrame::new(n, cols)?.lazy())
        };
        Ok(UpperTier {
            codes: frame(vec![
                Column::new(OBS_AREA.into(), from),
                Column::new(UNIT.into(), to),
            ])?,
            members: frame(vec![
                Column::new(UNIT.into(), unit_col),
                Column::new(AREA.into(), area_col),
                Column::new(TYPE.into(), type_col),
            ])?,
            expected: frame(vec![
                Column::new(AREA.into(), exp_area),
                Column::new(EXPECTED.into(), exp_n),
            ])?,
            direct: frame(vec![Column::new(OBS_AREA.into(), direct)])?,
            not_served,
        })
    }

    /// The long parts layout of `GeoFrames::every_area` for an upper-tier source: sums over the
    /// units of every exactly-composed area (a unit without data makes the sum missing), and the
    /// source's own values for areas it publishes directly.
    pub(crate) fn every_area(
        &self,
        obs: &LazyFrame,
        source: &str,
        measures: &[&str],
    ) -> PolarsResult<LazyFrame> {
        let rows = obs.clone().filter(measures_in(source, measures));
        let summed = rows
            .clone()
            .join(
                self.codes.clone(),
                [col(OBS_AREA)],
                [col(OBS_AREA)],
                JoinArgs::new(JoinType::Inner),
            )
            .join(
                self.members.clone(),
                [col(UNIT)],
                [col(UNIT)],
                JoinArgs::new(JoinType::Inner),
            )
            .group_by([col(AREA), col(TYPE), col(OBS_PERIOD), col(OBS_MEASURE)])
            .agg(summed_cells(col(UNIT).n_unique()))
            .join(
                self.expected.clone(),
                [col(AREA)],
                [col(AREA)],
                JoinArgs::new(JoinType::Inner),
            )
            // A unit with no row at all is missing too: never a smaller sum.
            .with_column((col(MISSING) + col(EXPECTED) - col(CONSTITUENTS)).alias(MISSING))
            .select(long_columns(lit(false)));
        let [missing, first_status] = single_cell();
        let published = rows
            .join(
                self.direct.clone(),
                [col(OBS_AREA)],
                [col(OBS_AREA)],
                JoinArgs::new(JoinType::Inner),
            )
            .join(
                self.expected.clone().join(
                    self.members
                        .clone()
                        .select([col(AREA), col(TYPE)])
                        .unique(None, UniqueKeepStrategy::Any),
                    [col(AREA)],
                    [col(AREA)],
                    JoinArgs::new(JoinType::Inner),
                ),
                [col(OBS_AREA)],
                [col(AREA)],
                JoinArgs::new(JoinType::Inner),
            )
            .select([
                col(OBS_AREA).alias(AREA),
                col(TYPE),
                col(OBS_PERIOD),
                col(OBS_MEASURE),
                col(OBS_VALUE),
                missing,
                first_status,
                col(EXPECTED).alias(CONSTITUENTS),
            ])
            .select(long_columns(lit(true)));
        Ok(concat([published, summed], UnionArgs::default())?
            .sort(
                [DIRECT],
                SortMultipleOptions::default().with_order_descending(true),
            )
            .unique_stable(
                Some(cols([AREA_CODE, OBS_PERIOD, OBS_MEASURE])),
                UniqueKeepStrategy::First,
            )
            .drop(cols([DIRECT])))
    }
}

fn long_columns(direct: Expr) -> [Expr; 11] {
    [
        col(AREA).alias(AREA_CODE),
        col(TYPE).alias(AREA_TYPE),
        lit(false).alias(APPROXIMATE),
        col(OBS_PERIOD),
        col(OBS_MEASURE),
        col(OBS_VALUE),
        col(MISSING),
        col(FIRST_STATUS),
        col(CONSTITUENTS),
        lit(NULL).cast(DataType::Float64).alias(COVERAGE),
        direct.alias(DIRECT),
    ]
}

/// `not_applicable` rows (no value) for the areas an upper-tier indicator does not serve, in every
/// period its source has, in the values layout `combine` produces.
pub(crate) fn not_served_values(
    observations: &DataFrame,
    def: &lmi_core::IndicatorDef,
    not_served: &[(String, AreaType)],
) -> PolarsResult<LazyFrame> {
    use lmi_core::schema::values::*;
    let periods = observations
        .clone()
        .lazy()
        .filter(col(lmi_core::schema::observations::SOURCE).eq(lit(def.source)))
        .select([col(OBS_PERIOD)])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()?;
    let periods: Vec<String> = periods
        .column(OBS_PERIOD)?
        .str()?
        .iter()
        .flatten()
        .map(str::to_owned)
        .collect();
    let (mut code, mut area_type, mut period) = (Vec::new(), Vec::new(), Vec::new());
    for (c, t) in not_served {
        for p in &periods {
            code.push(c.as_str());
            area_type.push(t.as_str());
            period.push(p.as_str());
        }
    }
    let n = code.len();
    let null = |name: &str| Column::full_null(name.into(), n, &DataType::Float64);
    Ok(DataFrame::new(
        n,
        vec![
            Column::new(INDICATOR.into(), vec![def.id; n]),
            Column::new(AREA_CODE.into(), code),
            Column::new(AREA_TYPE.into(), area_type),
            Column::new(PERIOD.into(), period),
            null(NUMERATOR),
            null(DENOMINATOR),
            null(VALUE),
            Column::new(STATUS.into(), vec!["not_applicable"; n]),
            Column::new(APPROXIMATE.into(), vec![false; n]),
            null(COVERAGE),
            Column::new(CONSTITUENTS.into(), vec![0u32; n]),
            null(CI_LOWER),
            null(CI_UPPER),
        ],
    )?
    .lazy())
}
