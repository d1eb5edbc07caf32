//! Reading the values table of a snapshot back into domain values.

use lmi_core::schema::values as c;
use lmi_core::{AreaType, Derived, IndicatorValue, Status};
use polars::prelude::*;

fn col<'a>(df: &'a DataFrame, name: &str) -> Result<&'a Column, String> {
    df.column(name)
        .map_err(|_| format!("column `{name}` is missing"))
}

pub(crate) fn from_frame(df: &DataFrame) -> Result<Vec<IndicatorValue>, String> {
    let text = |name: &str| -> Result<&StringChunked, String> {
        col(df, name)?
            .str()
            .map_err(|e| format!("column `{name}`: {e}"))
    };
    let float = |name: &str| -> Result<&Float64Chunked, String> {
        col(df, name)?
            .f64()
            .map_err(|e| format!("column `{name}`: {e}"))
    };
    let indicator = text(c::INDICATOR)?;
    let area_code = text(c::AREA_CODE)?;
    let area_type = text(c::AREA_TYPE)?;
    let period = text(c::PERIOD)?;
    let status = text(c::STATUS)?;
    let numerator = float(c::NUMERATOR)?;
    let denominator = float(c::DENOMINATOR)?;
    let value = float(c::VALUE)?;
    let coverage = float(c::COVERAGE)?;
    let approximate = col(df, c::APPROXIMATE)?
        .bool()
        .map_err(|e| format!("column `{}`: {e}", c::APPROXIMATE))?;
    // Derived columns are optional: snapshots written before they existed still load.
    let optional_float = |name: &str| -> Result<Option<&Float64Chunked>, String> {
        df.column(name)
            .ok()
            .map(|c| c.f64().map_err(|e| format!("column `{name}`: {e}")))
            .transpose()
    };
    let optional_u32 = |name: &str| -> Result<Option<&UInt32Chunked>, String> {
        df.column(name)
            .ok()
            .map(|c| c.u32().map_err(|e| format!("column `{name}`: {e}")))
            .transpose()
    };
    let ci_lower = optional_float(c::CI_LOWER)?;
    let ci_upper = optional_float(c::CI_UPPER)?;
    let change_1 = optional_float(c::CHANGE_1)?;
    let change_5 = optional_float(c::CHANGE_5)?;
    let percentile = optional_float(c::PERCENTILE)?;
    let gap_to_england = optional_float(c::GAP_TO_ENGLAND)?;
    let optional_text = |name: &str| -> Result<Option<&StringChunked>, String> {
        df.column(name)
            .ok()
            .map(|c| c.str().map_err(|e| format!("column `{name}`: {e}")))
            .transpose()
    };
    // Snapshots written before the difference test existed read as `not_tested`.
    let vs_england = optional_text(c::VS_ENGLAND)?;
    let vs_england_method = optional_text(c::VS_ENGLAND_METHOD)?;
    let rank = optional_u32(c::RANK)?;
    let rank_of = optional_u32(c::RANK_OF)?;
    let constituents = col(df, c::CONSTITUENTS)?
        .u32()
        .map_err(|e| format!("column `{}`: {e}", c::CONSTITUENTS))?;

    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let required = |ca: &StringChunked, name: &str| {
            ca.get(i)
                .map(str::to_owned)
                .ok_or_else(|| format!("row {i}: `{name}` is null"))
        };
        out.push(IndicatorValue {
            stale: false,
            indicator: required(indicator, c::INDICATOR)?,
            area_code: required(area_code, c::AREA_CODE)?,
            area_type: required(area_type, c::AREA_TYPE)?
                .parse::<AreaType>()
                .map_err(|e| format!("row {i}: {e}"))?,
            period: required(period, c::PERIOD)?,
            numerator: numerator.get(i),
            denominator: denominator.get(i),
            value: value.get(i),
            status: required(status, c::STATUS)?
                .parse::<Status>()
                .map_err(|e| format!("row {i}: {e}"))?,
            approximate: approximate.get(i).unwrap_or(false),
            coverage: coverage.get(i),
            constituents: constituents.get(i).unwrap_or(0),
            ci_lower: ci_lower.and_then(|c| c.get(i)),
            ci_upper: ci_upper.and_then(|c| c.get(i)),
            derived: Derived {
                change_1: change_1.and_then(|c| c.get(i)),
                change_5: change_5.and_then(|c| c.get(i)),
                rank: rank.and_then(|c| c.get(i)),
                rank_of: rank_of.and_then(|c| c.get(i)),
                percentile: percentile.and_then(|c| c.get(i)),
                gap_to_england: gap_to_england.and_then(|c| c.get(i)),
                vs_england: vs_england
                    .and_then(|c| c.get(i))
                    .map(|s| s.parse().map_err(|e| format!("row {i}: {e}")))
                    .transpose()?
                    .unwrap_or_default(),
                vs_england_method: vs_england_method
                    .and_then(|c| c.get(i))
                    .map(|s| s.parse().map_err(|e| format!("row {i}: {e}")))
                    .transpose()?
                    .unwrap_or_default(),
            },
        });
    }
    Ok(out)
}
