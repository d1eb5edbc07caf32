//! Similar areas: a district's nearest neighbours among English districts on standardised
//! headline indicators (lmi-report finds them; the method and indicators are in the body).

use crate::error::ApiError;
use crate::export::Format;
use crate::extract::{ApiPath, ApiQuery};
use crate::handlers::{ApiResult, respond};
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use lmi_report::queries::{self, SIMILAR_DEFAULT, SIMILAR_MAX, SimilarAreas};
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(names("code"), parameter_in = Path)]
pub struct DistrictPath(
    /// GSS code of an English local authority district, e.g. `E07000117` (Burnley): unitary
    /// (E06), non-metropolitan (E07), metropolitan (E08) or London borough (E09).
    #[param(example = "E07000117", pattern = "^E0[6-9][0-9]{6}$")]
    String,
);

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SimilarQuery {
    /// How many neighbours (default 10).
    #[param(minimum = 1, maximum = 50)]
    limit: Option<u32>,
    format: Option<Format>,
}

/// The English districts most similar to a district: Euclidean distance on z-scores of a
/// documented set of headline labour-market and skills indicators (each in its latest period
/// with district values; z-scores over every English district). The body names the method,
/// how missing values are handled, the indicators used (with the district's values, means and
/// standard deviations) and each neighbour's distance and values. `404`, saying so, for an area
/// that is not an English district.
#[utoipa::path(get, path = "/v1/areas/{code}/similar", tag = "areas",
    params(DistrictPath, SimilarQuery),
    responses(
        (status = 200, description = "Nearest districts first", content((SimilarAreas = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        crate::error::LookupProblems,
        (status = 406, description = "Not acceptable", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn similar(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(DistrictPath(code)): ApiPath<DistrictPath>,
    ApiQuery(q): ApiQuery<SimilarQuery>,
) -> ApiResult {
    let limit = q.limit.map_or(SIMILAR_DEFAULT, |l| l as usize);
    if !(1..=SIMILAR_MAX).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {SIMILAR_MAX}, found {limit}"
        )));
    }
    let snap = state.current();
    let body = queries::similar_areas(&snap, state.geo_for(&snap), &code, limit)?;
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}
