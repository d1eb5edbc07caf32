//! Looking up what a request names: areas, indicators, period ranges.

use crate::error::ReportError;
use crate::snapshot::GeoIndex;
use lmi_core::{Area, AreaType, IndicatorDef, find_indicator};

/// The area with this code.
pub fn area(geo: &GeoIndex, code: &str) -> Result<&'static Area, ReportError> {
    geo.area(code).ok_or_else(|| {
        // A retired district code (a merger, or an ONS re-coding): say which area took it over.
        match geo.geography.current_lad(code).and_then(|c| geo.area(c)) {
            Some(current) => ReportError::NotFound(format!(
                "`{code}` is a retired local authority district code: its area is now {} {} \
                 (ask for /v1/areas/{})",
                current.code, current.name, current.code
            )),
            None => ReportError::UnknownArea(code.to_owned()),
        }
    })
}

/// The indicator with this id.
pub fn indicator(id: &str) -> Result<&'static IndicatorDef, ReportError> {
    find_indicator(id).ok_or_else(|| {
        let ids: Vec<&str> = lmi_core::INDICATORS.iter().map(|d| d.id).collect();
        ReportError::UnknownIndicator {
            id: id.to_owned(),
            known: ids.join(", "),
        }
    })
}

/// A period range `from..=to` on period labels (labels of one indicator sort chronologically).
/// `from` after `to` selects nothing.
pub fn period_range(from: Option<&str>, to: Option<&str>) -> impl Fn(&str) -> bool + use<> {
    let (from, to) = (from.map(str::to_owned), to.map(str::to_owned));
    move |p: &str| from.as_deref().is_none_or(|f| p >= f) && to.as_deref().is_none_or(|t| p <= t)
}

/// Says when a range selects nothing because `from` is after `to`.
pub fn range_note(from: Option<&str>, to: Option<&str>) -> Option<String> {
    match (from, to) {
        (Some(f), Some(t)) if f > t => Some(format!(
            "`from` ({f}) is after `to` ({t}), so no period is selected."
        )),
        _ => None,
    }
}

/// Why an area has no value of an indicator.
pub fn no_value_note(geo: &GeoIndex, area: &Area, def: &IndicatorDef) -> String {
    if area.area_type == AreaType::Ttwa && geo.geography.member_lads(&area.code).is_empty() {
        format!(
            "No value: no local authority district lies mostly in {}, so it cannot be \
             approximated from district data.",
            area.name
        )
    } else if area.area_type == AreaType::Group
        && def.aggregation == lmi_core::Aggregation::Published
    {
        format!(
            "No value: {} is served only for the areas its publisher publishes (a survey \
             estimate or published rate is never summed across districts), so the area group \
             {} has none.",
            def.id, area.name
        )
    } else {
        format!(
            "No value: {} has no data for {} in this snapshot.",
            area.name, def.id
        )
    }
}
