//! Maps: `GET /v1/boundaries`, the outlines of the areas of one type within an area (GeoJSON,
//! WGS84), from the served snapshot's boundaries; an area without a boundary of its own is the
//! union of its districts'. The map chart itself is a chart kind (`/v1/charts/map.svg`).

use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::handlers::{ApiResult, json};
use crate::state::AppState;
use axum::extract::State;
use lmi_core::AreaType;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BoundaryQuery {
    /// The area type of the outlines (default `lad`).
    #[param(value_type = Option<AreaType>)]
    area_type: Option<String>,
    /// The containing area's GSS code, e.g. `E47000018` (Lancashire combined authority),
    /// `E12000002` (North West), `E92000001` (England).
    #[param(
        example = "E47000018",
        required = true,
        pattern = r"^([A-Za-z0-9]{1,16}|G-[a-z0-9]+(-[a-z0-9]+)*)$"
    )]
    within: Option<String>,
}

/// The outlines of the areas of one type within an area, as a GeoJSON FeatureCollection
/// (longitude and latitude, WGS84; simplified), with the snapshot that answered and the
/// boundaries' attribution. An area with no boundary of its own (a county, a combined authority
/// formed after the boundary set) is drawn as the union of its districts'; areas with neither
/// are listed in `without_boundary`.
#[utoipa::path(get, path = "/v1/boundaries", tag = "maps",
    params(BoundaryQuery),
    responses(
        (status = 200, description = "The outlines (GeoJSON FeatureCollection)", body = lmi_report::maps::BoundaryCollection),
        crate::error::LookupProblems,
    ))]
pub async fn boundaries(
    State(state): State<AppState>,
    ApiQuery(q): ApiQuery<BoundaryQuery>,
) -> ApiResult {
    let area_type = match q.area_type.as_deref() {
        None => AreaType::Lad,
        Some(t) => t
            .parse()
            .map_err(|e: lmi_core::area::UnknownAreaType| ApiError::BadRequest(e.to_string()))?,
    };
    let within = q
        .within
        .as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| {
            ApiError::BadRequest("`within` is required, e.g. within=E47000018".into())
        })?;
    let snap = state.current();
    let body = lmi_report::maps::boundaries(&snap, state.geo_for(&snap), area_type, within)?;
    json(&snap, &body)
}
