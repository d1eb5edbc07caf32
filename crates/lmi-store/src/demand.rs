//! Reading the demand tables of a snapshot back into plain rows (`lmi_core::demand`), as
//! `values::from_frame` does for indicator values. A malformed table fails naming the column
//! (and row); the caller names the file.

use lmi_core::demand::{BreakdownRow, FlowRow, FlowSummaryRow, ProjectionRow};
use lmi_core::schema::{breakdowns as b, flow_summary as fs, flows as fl, projections as pr};
use lmi_core::{AreaType, Status};
use polars::prelude::*;

type R<T> = Result<T, String>;

fn col<'a>(df: &'a DataFrame, name: &str) -> R<&'a Column> {
    df.column(name)
        .map_err(|_| format!("column `{name}` is missing"))
}

fn text<'a>(df: &'a DataFrame, name: &str) -> R<&'a StringChunked> {
    col(df, name)?
        .str()
        .map_err(|e| format!("column `{name}`: {e}"))
}

fn float<'a>(df: &'a DataFrame, name: &str) -> R<&'a Float64Chunked> {
    col(df, name)?
        .f64()
        .map_err(|e| format!("column `{name}`: {e}"))
}

fn boolean<'a>(df: &'a DataFrame, name: &str) -> R<&'a BooleanChunked> {
    col(df, name)?
        .bool()
        .map_err(|e| format!("column `{name}`: {e}"))
}

fn unsigned<'a>(df: &'a DataFrame, name: &str) -> R<&'a UInt32Chunked> {
    col(df, name)?
        .u32()
        .map_err(|e| format!("column `{name}`: {e}"))
}

fn required(ca: &StringChunked, name: &str, i: usize) -> R<String> {
    ca.get(i)
        .map(str::to_owned)
        .ok_or_else(|| format!("column `{name}`, row {i}: null"))
}

fn area_type(ca: &StringChunked, name: &str, i: usize) -> R<AreaType> {
    required(ca, name, i)?
        .parse::<AreaType>()
        .map_err(|e| format!("column `{name}`, row {i}: {e}"))
}

pub(crate) fn breakdowns(df: &DataFrame) -> R<Vec<BreakdownRow>> {
    let (breakdown, classification, part, part_label) = (
        text(df, b::BREAKDOWN)?,
        text(df, b::CLASSIFICATION)?,
        text(df, b::PART)?,
        text(df, b::PART_LABEL)?,
    );
    let (area_code, types, period, status, note) = (
        text(df, b::AREA_CODE)?,
        text(df, b::AREA_TYPE)?,
        text(df, b::PERIOD)?,
        text(df, b::STATUS)?,
        text(df, b::NOTE)?,
    );
    let (count, total, share, england, lq, change, coverage) = (
        float(df, b::COUNT)?,
        float(df, b::TOTAL)?,
        float(df, b::SHARE)?,
        float(df, b::ENGLAND_SHARE)?,
        float(df, b::LOCATION_QUOTIENT)?,
        float(df, b::SHARE_CHANGE)?,
        float(df, b::COVERAGE)?,
    );
    let approximate = boolean(df, b::APPROXIMATE)?;
    let constituents = unsigned(df, b::CONSTITUENTS)?;
    // Snapshots published before the five-year change existed have no such columns.
    let optional = |name: &str| match df.column(name) {
        Ok(_) => float(df, name).map(Some),
        Err(_) => Ok(None),
    };
    let (count_5y, share_5y) = (optional(b::COUNT_CHANGE_5Y)?, optional(b::SHARE_CHANGE_5Y)?);
    (0..df.height())
        .map(|i| {
            Ok(BreakdownRow {
                breakdown: required(breakdown, b::BREAKDOWN, i)?,
                classification: required(classification, b::CLASSIFICATION, i)?,
                part: required(part, b::PART, i)?,
                part_label: required(part_label, b::PART_LABEL, i)?,
                area_code: required(area_code, b::AREA_CODE, i)?,
                area_type: area_type(types, b::AREA_TYPE, i)?,
                period: required(period, b::PERIOD, i)?,
                count: count.get(i),
                total: total.get(i),
                share: share.get(i),
                england_share: england.get(i),
                location_quotient: lq.get(i),
                share_change: change.get(i),
                status: required(status, b::STATUS, i)?
                    .parse::<Status>()
                    .map_err(|e| format!("column `{}`, row {i}: {e}", b::STATUS))?,
                approximate: approximate.get(i).unwrap_or(false),
                coverage: coverage.get(i),
                constituents: constituents.get(i).unwrap_or(0),
                note: note.get(i).map(str::to_owned),
                count_change_5y: count_5y.and_then(|c| c.get(i)),
                share_change_5y: share_5y.and_then(|c| c.get(i)),
            })
        })
        .collect()
}

pub(crate) fn flows(df: &DataFrame) -> R<Vec<FlowRow>> {
    let (types, home, delivery, period) = (
        text(df, fl::AREA_TYPE)?,
        text(df, fl::HOME_CODE)?,
        text(df, fl::DELIVERY_CODE)?,
        text(df, fl::PERIOD)?,
    );
    let (starts, enrolments, achievements, coverage) = (
        float(df, fl::STARTS)?,
        float(df, fl::ENROLMENTS)?,
        float(df, fl::ACHIEVEMENTS)?,
        float(df, fl::COVERAGE)?,
    );
    let rank = unsigned(df, fl::RANK)?;
    let approximate = boolean(df, fl::APPROXIMATE)?;
    let provisional = boolean(df, fl::PROVISIONAL)?;
    (0..df.height())
        .map(|i| {
            Ok(FlowRow {
                area_type: area_type(types, fl::AREA_TYPE, i)?,
                home_code: required(home, fl::HOME_CODE, i)?,
                delivery_code: required(delivery, fl::DELIVERY_CODE, i)?,
                period: required(period, fl::PERIOD, i)?,
                starts: starts.get(i),
                enrolments: enrolments.get(i),
                achievements: achievements.get(i),
                rank: rank.get(i),
                approximate: approximate.get(i).unwrap_or(false),
                coverage: coverage.get(i),
                provisional: provisional.get(i).unwrap_or(false),
            })
        })
        .collect()
}

pub(crate) fn flow_summary(df: &DataFrame) -> R<Vec<FlowSummaryRow>> {
    let (code, types, period) = (
        text(df, fs::AREA_CODE)?,
        text(df, fs::AREA_TYPE)?,
        text(df, fs::PERIOD)?,
    );
    let f = |n| float(df, n);
    let (resident, same, share, outflow) = (
        f(fs::RESIDENT_STARTS)?,
        f(fs::SAME_AREA_STARTS)?,
        f(fs::SAME_AREA_SHARE)?,
        f(fs::OUTFLOW_STARTS)?,
    );
    let (unknown, inflow, net, coverage) = (
        f(fs::UNKNOWN_DELIVERY_STARTS)?,
        f(fs::INFLOW_STARTS)?,
        f(fs::NET_STARTS)?,
        f(fs::COVERAGE)?,
    );
    let approximate = boolean(df, fs::APPROXIMATE)?;
    let provisional = boolean(df, fs::PROVISIONAL)?;
    (0..df.height())
        .map(|i| {
            Ok(FlowSummaryRow {
                area_code: required(code, fs::AREA_CODE, i)?,
                area_type: area_type(types, fs::AREA_TYPE, i)?,
                period: required(period, fs::PERIOD, i)?,
                resident_starts: resident.get(i),
                same_area_starts: same.get(i),
                same_area_share: share.get(i),
                outflow_starts: outflow.get(i),
                unknown_delivery_starts: unknown.get(i),
                inflow_starts: inflow.get(i),
                net_starts: net.get(i),
                approximate: approximate.get(i).unwrap_or(false),
                coverage: coverage.get(i),
                provisional: provisional.get(i).unwrap_or(false),
            })
        })
        .collect()
}

pub(crate) fn projections(df: &DataFrame) -> R<Vec<ProjectionRow>> {
    let t = |n| text(df, n);
    let (model, code, types, classification) = (
        t(pr::MODEL)?,
        t(pr::AREA_CODE)?,
        t(pr::AREA_TYPE)?,
        t(pr::CLASSIFICATION)?,
    );
    let (item, label, quantity, period) = (
        t(pr::ITEM)?,
        t(pr::ITEM_LABEL)?,
        t(pr::QUANTITY)?,
        t(pr::PERIOD)?,
    );
    let value = float(df, pr::VALUE)?;
    (0..df.height())
        .map(|i| {
            Ok(ProjectionRow {
                model: required(model, pr::MODEL, i)?,
                area_code: required(code, pr::AREA_CODE, i)?,
                area_type: area_type(types, pr::AREA_TYPE, i)?,
                classification: required(classification, pr::CLASSIFICATION, i)?,
                item: required(item, pr::ITEM, i)?,
                item_label: required(label, pr::ITEM_LABEL, i)?,
                quantity: required(quantity, pr::QUANTITY, i)?,
                period: required(period, pr::PERIOD, i)?,
                value: value.get(i),
            })
        })
        .collect()
}

/// The postcode directory, indexed as it is read (no row of strings per postcode is kept).
pub(crate) fn postcodes(df: &DataFrame) -> R<lmi_core::postcode::PostcodeDirectory> {
    use lmi_core::schema::postcodes as pc;
    let (postcode, lad, lsoa, ttwa, county, region, terminated) = (
        text(df, pc::POSTCODE)?,
        text(df, pc::LAD_CODE)?,
        text(df, pc::LSOA_CODE)?,
        text(df, pc::TTWA_CODE)?,
        text(df, pc::COUNTY_CODE)?,
        text(df, pc::REGION_CODE)?,
        text(df, pc::TERMINATED)?,
    );
    let mut b = lmi_core::postcode::PostcodeDirectoryBuilder::with_capacity(df.height());
    for i in 0..df.height() {
        b.push(
            postcode
                .get(i)
                .ok_or_else(|| format!("column `{}`, row {i}: null", pc::POSTCODE))?,
            lad.get(i).unwrap_or(""),
            lsoa.get(i),
            ttwa.get(i),
            county.get(i),
            region.get(i),
            terminated.get(i),
        )
        .map_err(|e| format!("{e}"))?;
    }
    b.finish().map_err(|e| e.to_string())
}

pub(crate) fn boundaries(df: &DataFrame) -> R<Vec<lmi_core::demand::BoundaryRow>> {
    use lmi_core::schema::boundaries as bd;
    let t = |n| text(df, n);
    let (code, types, source, vintage, geometry) = (
        t(bd::AREA_CODE)?,
        t(bd::AREA_TYPE)?,
        t(bd::SOURCE)?,
        t(bd::VINTAGE)?,
        t(bd::GEOMETRY)?,
    );
    (0..df.height())
        .map(|i| {
            Ok(lmi_core::demand::BoundaryRow {
                area_code: required(code, bd::AREA_CODE, i)?,
                area_type: area_type(types, bd::AREA_TYPE, i)?,
                source: required(source, bd::SOURCE, i)?,
                vintage: required(vintage, bd::VINTAGE, i)?,
                geometry: required(geometry, bd::GEOMETRY, i)?,
            })
        })
        .collect()
}
