//! Reading the values table of a snapshot back into domain values.

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
    let indicator = text("indicator")?;
    let area_code = text("area_code")?;
    let area_type = text("area_type")?;
    let period = text("period")?;
    let status = text("status")?;
    let numerator = float("numerator")?;
    let denominator = float("denominator")?;
    let value = float("value")?;
    let coverage = float("coverage")?;
    let approximate = col(df, "approximate")?
        .bool()
        .map_err(|e| format!("column `approximate`: {e}"))?;
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
    let ci_lower = optional_float("ci_lower")?;
    let ci_upper = optional_float("ci_upper")?;
    let change_1 = optional_float("change_1")?;
    let change_5 = optional_float("change_5")?;
    let percentile = optional_float("percentile")?;
    let gap_to_england = optional_float("gap_to_england")?;
    let rank = optional_u32("rank")?;
    let rank_of = optional_u32("rank_of")?;
    let constituents = col(df, "constituents")?
        .u32()
        .map_err(|e| format!("column `constituents`: {e}"))?;

    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        let required = |ca: &StringChunked, name: &str| {
            ca.get(i)
                .map(str::to_owned)
                .ok_or_else(|| format!("row {i}: `{name}` is null"))
        };
        out.push(IndicatorValue {
            stale: false,
            indicator: required(indicator, "indicator")?,
            area_code: required(area_code, "area_code")?,
            area_type: required(area_type, "area_type")?
                .parse::<AreaType>()
                .map_err(|e| format!("row {i}: {e}"))?,
            period: required(period, "period")?,
            numerator: numerator.get(i),
            denominator: denominator.get(i),
            value: value.get(i),
            status: required(status, "status")?
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
            },
        });
    }
    Ok(out)
}
