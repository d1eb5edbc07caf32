//! `GET /v1/postcodes/{postcode}`: the areas a postcode lies in (issue 26). The path is parsed
//! into a `lmi_core::postcode::Postcode` (any spacing or case; `400` saying what is wrong), then
//! lmi-report answers from the snapshot's postcode directory (`404` for a well-formed postcode
//! it does not list, or a snapshot without a directory).

use crate::error::ApiError;
use crate::extract::ApiPath;
use crate::handlers::{ApiResult, json};
use crate::state::AppState;
use axum::extract::State;
use lmi_core::postcode::Postcode;
use serde::Deserialize;
use utoipa::IntoParams;

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(names("postcode"), parameter_in = Path)]
pub struct PostcodePath(
    /// A UK postcode in any case and spacing, e.g. `PR1 1AA`, `pr11aa`. The pattern is the
    /// postcode's shape (outward code, inward code); anything else is answered `400` saying why.
    #[param(example = "PR1 0AA")]
    #[param(pattern = r"^ *[A-Za-z]{1,2}[0-9][A-Za-z0-9]? *[0-9][A-Za-z]{2} *$")]
    String,
);

/// A postcode parsed, or `400` naming what is wrong.
pub(crate) fn parse_postcode(text: &str) -> Result<Postcode, ApiError> {
    Postcode::parse(text).map_err(|e| ApiError::BadRequest(e.to_string()))
}

/// The district, TTWA, LSIP, county, combined authority and region a postcode lies in.
///
/// From the snapshot's copy of ONS's National Statistics Postcode Lookup. The TTWA is the one
/// the postcode's 2021 LSOA lies in (as exact TTWA sums assign it); the other areas are the
/// district's in the snapshot's area registry. A terminated postcode is answered with the areas
/// it was last assigned to, saying so, and a retired district code with its successor.
#[utoipa::path(get, path = "/v1/postcodes/{postcode}", tag = "areas", params(PostcodePath),
    responses(
        (status = 200, description = "The areas the postcode lies in", body = lmi_report::postcodes::PostcodeAnswer),
        (status = 400, description = "Not a UK postcode (the problem says what is wrong)", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "A postcode the directory does not list, or a snapshot without a postcode directory", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_postcode(
    State(state): State<AppState>,
    ApiPath(PostcodePath(text)): ApiPath<PostcodePath>,
) -> ApiResult {
    let postcode = parse_postcode(&text)?;
    let snap = state.current();
    json(
        &snap,
        &lmi_report::postcodes::postcode(&snap, state.geo_for(&snap), postcode)?,
    )
}
