//! Data endpoints: extract and check parameters, ask lmi-report for the body, answer it as
//! JSON, CSV or XLSX. Nothing is computed or shaped here.

use crate::error::ApiError;
use crate::export::Format;
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use lmi_core::AreaType;
use lmi_report::queries::{
    self, AreaBreakdown, AreaDetail, AreaFlows, AreaIndicator, AreaList, AreaProjections,
    AreaSectors, BreakdownCatalogue, Comparison, IndicatorDetail, IndicatorList, Profile, Ranking,
    SectorsMapping, SnapshotInfo, Sources, SupplyDemand,
};
use lmi_report::{ServedSnapshot, ToTable};
use serde::{Deserialize, Serialize};
use utoipa::IntoParams;

pub type ApiResult = Result<Response, ApiError>;

/// The version of the snapshot that answered, for the ETag middleware.
#[derive(Debug, Clone)]
pub struct AnsweredBy(pub String);

/// `body` as JSON, or as the table it renders to (CSV, XLSX), tagged with the snapshot that
/// answered: the negotiated response of every table-shaped endpoint.
pub(crate) async fn respond<T: Serialize + ToTable>(
    state: &AppState,
    snap: &ServedSnapshot,
    format: Format,
    body: &T,
) -> ApiResult {
    match format {
        Format::Json => json(snap, body),
        Format::Csv => Ok(tagged(
            snap,
            crate::export::table_response(body.to_table(snap), Format::Csv)?,
        )),
        Format::Xlsx => {
            // Writing a workbook is CPU work: a bounded number at once.
            let _slot = state.heavy_slot().await?;
            let table = body.to_table(snap);
            Ok(tagged(
                snap,
                crate::export::table_response(table, Format::Xlsx)?,
            ))
        }
    }
}

pub(crate) fn json<T: Serialize>(snap: &ServedSnapshot, body: &T) -> ApiResult {
    Ok(tagged(snap, axum::Json(body).into_response()))
}

pub(crate) fn tagged(snap: &ServedSnapshot, mut response: Response) -> Response {
    response
        .extensions_mut()
        .insert(AnsweredBy(snap.version().to_owned()));
    response
}

const MAX_LIMIT: u32 = 1000;

fn parse_area_type(s: &str) -> Result<AreaType, ApiError> {
    s.parse()
        .map_err(|e: lmi_core::area::UnknownAreaType| ApiError::BadRequest(e.to_string()))
}

fn required<'a>(v: &'a Option<String>, name: &str, example: &str) -> Result<&'a str, ApiError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::BadRequest(format!("`{name}` is required, e.g. {name}={example}")))
}

// ---------------------------------------------------------------------------------------------
// Areas

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AreaQuery {
    /// Name, start of a name, or code; misspelt names are matched too (fuzzy).
    q: Option<String>,
    /// Only areas of this type.
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<AreaType>)]
    area_type: Option<String>,
    /// A postcode (any spacing or case): the areas it lies in come first, TTWA first (as
    /// `q=` with a postcode does). `400` when it is not a postcode.
    #[param(pattern = r"^ *[A-Za-z]{1,2}[0-9][A-Za-z0-9]? *[0-9][A-Za-z]{2} *$")]
    postcode: Option<String>,
    /// Maximum number of areas returned (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    format: Option<Format>,
}

impl AreaQuery {
    /// The type and limit asked for, checked; a `postcode` that is not one is refused saying why.
    fn checked(&self) -> Result<(Option<AreaType>, usize), ApiError> {
        if let Some(pc) = &self.postcode {
            crate::postcodes::parse_postcode(pc)?;
        }
        let area_type = self.area_type.as_deref().map(parse_area_type).transpose()?;
        let limit = self.limit.unwrap_or(100);
        if !(1..=MAX_LIMIT).contains(&limit) {
            return Err(ApiError::BadRequest(format!(
                "limit must be between 1 and {MAX_LIMIT}, found {limit}"
            )));
        }
        Ok((area_type, limit as usize))
    }
}

/// Search areas by name (prefix, substring or fuzzy), code, and type.
///
/// Misspelt names are matched (edit distance) only when nothing matches as typed. A postcode
/// (in `q` or `postcode`) lists the areas it lies in first, TTWA first, matched `postcode`.
#[utoipa::path(get, path = "/v1/areas", tag = "areas", params(AreaQuery),
    responses(
        (status = 200, description = "Matching areas, best match first", content((AreaList = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Bad parameter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 406, description = "Not acceptable", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn list_areas(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<AreaQuery>,
) -> ApiResult {
    let (area_type, limit) = q.checked()?;
    let snap = state.current();
    let query = q.postcode.as_deref().or(q.q.as_deref()).unwrap_or("");
    let body = queries::areas(&snap, state.geo_for(&snap), query, area_type, limit);
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(names("code"), parameter_in = Path)]
pub struct CodePath(
    /// GSS code, e.g. `E07000117` (Burnley), or an area group's code, e.g.
    /// `G-blackpool-fylde-wyre`.
    #[param(example = "E07000117")]
    String,
);

/// One area with its parents, children, comparators and TTWA overlaps; for an area group, its
/// definition (member districts, owner, the file that defines it).
#[utoipa::path(get, path = "/v1/areas/{code}", tag = "areas", params(CodePath),
    responses(
        (status = 200, description = "The area", body = AreaDetail),
        crate::error::LookupProblems,
    ))]
pub async fn get_area(
    State(state): State<AppState>,
    ApiPath(CodePath(code)): ApiPath<CodePath>,
) -> ApiResult {
    let snap = state.current();
    json(
        &snap,
        &queries::area_detail(&snap, state.geo_for(&snap), &code)?,
    )
}

// ---------------------------------------------------------------------------------------------
// Indicators

/// The indicator catalogue: definitions, units, sources, licences and caveats.
#[utoipa::path(get, path = "/v1/indicators", tag = "indicators",
    responses((status = 200, description = "Every indicator", body = IndicatorList)))]
pub async fn list_indicators(State(state): State<AppState>) -> ApiResult {
    let snap = state.current();
    json(&snap, &queries::indicators(&snap))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(names("id"), parameter_in = Path)]
pub struct IdPath(
    /// Indicator id, e.g. `ks4_apprenticeship_rate`.
    #[param(example = "ks4_apprenticeship_rate")]
    String,
);

/// One indicator and the periods the snapshot holds for it.
#[utoipa::path(get, path = "/v1/indicators/{id}", tag = "indicators", params(IdPath),
    responses(
        (status = 200, description = "The indicator", body = IndicatorDetail),
        crate::error::LookupProblems,
    ))]
pub async fn get_indicator(
    State(state): State<AppState>,
    ApiPath(IdPath(id)): ApiPath<IdPath>,
) -> ApiResult {
    let snap = state.current();
    json(&snap, &queries::indicator_detail(&snap, &id)?)
}

// ---------------------------------------------------------------------------------------------
// Series

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(names("code", "id"), parameter_in = Path)]
pub struct CodeIdPath(
    /// GSS code of the area.
    #[param(example = "E30000182")]
    pub String,
    /// Indicator id.
    #[param(example = "ks4_apprenticeship_rate")]
    pub String,
);

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct SeriesQuery {
    /// First period to include (a period label, e.g. `2019/20`).
    from: Option<String>,
    /// Last period to include.
    to: Option<String>,
    format: Option<Format>,
}

/// An area's full series of one indicator, with its comparators' series.
#[utoipa::path(get, path = "/v1/areas/{code}/indicators/{id}", tag = "series",
    params(CodeIdPath, SeriesQuery),
    responses(
        (status = 200, description = "The series and its comparators", content((AreaIndicator = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        crate::error::LookupProblems,
    ))]
pub async fn area_indicator(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(CodeIdPath(code, id)): ApiPath<CodeIdPath>,
    ApiQuery(q): ApiQuery<SeriesQuery>,
) -> ApiResult {
    let snap = state.current();
    let (from, to) = (q.from.as_deref(), q.to.as_deref());
    let body = queries::area_series(&snap, state.geo_for(&snap), &code, &id, from, to)?;
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}

// ---------------------------------------------------------------------------------------------
// Compare

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// Comma-separated GSS codes or area group codes (`G-` and a lower-case slug), at most 25,
    /// e.g. `E07000117,E07000122,E30000182,G-blackpool-fylde-wyre`; a code listed twice is
    /// shown once.
    #[param(
        required = true,
        pattern = r"^([A-Za-z0-9]{1,16}|G-[a-z0-9]+(-[a-z0-9]+)*)(,([A-Za-z0-9]{1,16}|G-[a-z0-9]+(-[a-z0-9]+)*)){0,24}$",
        example = "E07000117,E07000122,E30000182"
    )]
    areas: Option<String>,
    /// Indicator id.
    #[param(required = true, min_length = 1, example = "ks4_apprenticeship_rate")]
    indicator: Option<String>,
    /// First period to include.
    from: Option<String>,
    /// Last period to include.
    to: Option<String>,
    format: Option<Format>,
}

/// Several areas side by side on one indicator.
#[utoipa::path(get, path = "/v1/compare", tag = "series", params(CompareQuery),
    responses(
        (status = 200, description = "The areas' series", content((Comparison = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        crate::error::LookupProblems,
    ))]
pub async fn compare(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<CompareQuery>,
) -> ApiResult {
    let codes: Vec<&str> = required(&q.areas, "areas", "E07000117,E07000122")?
        .split(',')
        .collect();
    let id = required(&q.indicator, "indicator", "ks4_apprenticeship_rate")?;
    let snap = state.current();
    let (from, to) = (q.from.as_deref(), q.to.as_deref());
    let body = queries::compare(&snap, state.geo_for(&snap), &codes, id, from, to)?;
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}

// ---------------------------------------------------------------------------------------------
// Rankings

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct RankingQuery {
    /// Area type to rank (default `lad`).
    #[serde(rename = "type")]
    #[param(rename = "type", value_type = Option<AreaType>)]
    area_type: Option<String>,
    /// Period label (default: the latest period with values for that type).
    period: Option<String>,
    format: Option<Format>,
}

/// Every area of one type ranked on one indicator in one period.
#[utoipa::path(get, path = "/v1/indicators/{id}/rankings", tag = "indicators",
    params(IdPath, RankingQuery),
    responses(
        (status = 200, description = "Areas best first; areas without a value last", content((Ranking = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        crate::error::LookupProblems,
    ))]
pub async fn rankings(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(IdPath(id)): ApiPath<IdPath>,
    ApiQuery(q): ApiQuery<RankingQuery>,
) -> ApiResult {
    let area_type = q.area_type.as_deref().map(parse_area_type).transpose()?;
    let snap = state.current();
    let body = queries::ranking(
        &snap,
        state.geo_for(&snap),
        &id,
        area_type.unwrap_or(AreaType::Lad),
        q.period.as_deref(),
    )?;
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}

// ---------------------------------------------------------------------------------------------
// Profile

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    format: Option<Format>,
}

/// Every indicator's latest value for one area, with trend, comparators, rank and flags.
#[utoipa::path(get, path = "/v1/areas/{code}/profile", tag = "areas", params(CodePath, FormatQuery),
    responses(
        (status = 200, description = "The area's profile", content((Profile = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        crate::error::LookupProblems,
    ))]
pub async fn profile(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(CodePath(code)): ApiPath<CodePath>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult {
    let snap = state.current();
    let body = queries::profile(&snap, state.geo_for(&snap), &code)?;
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}

// ---------------------------------------------------------------------------------------------
// Provenance

/// The raw sources behind the served snapshot: publisher, licence, attribution, sha256, periods.
#[utoipa::path(get, path = "/v1/sources", tag = "provenance",
    responses((status = 200, description = "Sources of the served snapshot", body = Sources)))]
pub async fn sources(State(state): State<AppState>) -> ApiResult {
    let snap = state.current();
    json(&snap, &queries::sources(&snap))
}

/// The served snapshot: version, creation time, files with digests, indicators and warnings.
#[utoipa::path(get, path = "/v1/snapshot", tag = "provenance",
    responses((status = 200, description = "The served snapshot", body = SnapshotInfo)))]
pub async fn snapshot(State(state): State<AppState>) -> ApiResult {
    let snap = state.current();
    json(&snap, &queries::snapshot_info(&snap))
}

// ---------------------------------------------------------------------------------------------
// Demand side: breakdowns, travel to learn, projections

/// The count breakdowns: definition, classification, caveats, parts and the periods held.
#[utoipa::path(get, path = "/v1/breakdowns", tag = "demand", params(FormatQuery),
    responses(
        (status = 200, description = "Every breakdown", content((BreakdownCatalogue = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        crate::error::LookupProblems,
    ))]
pub async fn list_breakdowns(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult {
    let snap = state.current();
    let body = queries::breakdown_catalogue(&snap);
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(names("code", "id"), parameter_in = Path)]
pub struct CodeBreakdownPath(
    /// GSS code of the area.
    #[param(example = "E07000123")]
    pub String,
    /// Breakdown id (see `/v1/breakdowns`).
    #[param(example = "census_occupation")]
    pub String,
);

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BreakdownQuery {
    /// Period label (default: the latest the area has).
    period: Option<String>,
    /// Order of the parts: `share` (default), `lq` (location quotient) or `change`, largest
    /// first.
    #[param(value_type = Option<queries::BreakdownSort>)]
    sort: Option<String>,
    format: Option<Format>,
}

/// Every part of one breakdown for an area: count, total, share, England's share, location
/// quotient, change and status, with readings of the highest location quotients. Areas a
/// source does not serve (upper-tier sources for districts and TTWAs) get `not_applicable`
/// parts with the reason, never a value.
#[utoipa::path(get, path = "/v1/areas/{code}/breakdowns/{id}", tag = "demand",
    params(CodeBreakdownPath, BreakdownQuery),
    responses(
        (status = 200, description = "The area's parts", content((AreaBreakdown = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        crate::error::LookupProblems,
    ))]
pub async fn area_breakdown(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(CodeBreakdownPath(code, id)): ApiPath<CodeBreakdownPath>,
    ApiQuery(q): ApiQuery<BreakdownQuery>,
) -> ApiResult {
    let snap = state.current();
    let (period, sort) = (q.period.as_deref(), q.sort.as_deref());
    let body = queries::area_breakdown(&snap, state.geo_for(&snap), &code, &id, period, sort)?;
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FlowQuery {
    /// Academic year, e.g. `2023/24` (default: the latest full year).
    period: Option<String>,
    format: Option<Format>,
}

/// Travel to learn for an area's apprenticeships: residents' starts, the share delivered in the
/// area, outflow (with the outside-England-or-unknown bucket), inflow, net, and the top delivery
/// and home areas.
#[utoipa::path(get, path = "/v1/areas/{code}/flows", tag = "demand", params(CodePath, FlowQuery),
    responses(
        (status = 200, description = "Travel to learn", content((AreaFlows = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        crate::error::LookupProblems,
    ))]
pub async fn area_flows(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(CodePath(code)): ApiPath<CodePath>,
    ApiQuery(q): ApiQuery<FlowQuery>,
) -> ApiResult {
    let snap = state.current();
    let body = queries::area_flows(&snap, state.geo_for(&snap), &code, q.period.as_deref())?;
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}

/// Provision against jobs for an area: for each sector subject area, its share of adult FE
/// achievements (where learners live) beside the share of jobs in the sectors it trains for (where people work), England's shares, the ratio of the two relative
/// to England and where provision runs ahead of or behind local jobs, with readings. The
/// subject-to-sector mapping is shown with each subject area (`/v1/sectors`).
#[utoipa::path(get, path = "/v1/areas/{code}/supply-demand", tag = "demand",
    params(CodePath, FormatQuery),
    responses(
        (status = 200, description = "Provision against jobs", content((SupplyDemand = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        crate::error::LookupProblems,
    ))]
pub async fn supply_demand(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(CodePath(code)): ApiPath<CodePath>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult {
    let snap = state.current();
    let body = queries::supply_demand(&snap, state.geo_for(&snap), &code)?;
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}

/// The priority sectors in an area: jobs (where people work), share against England's, change
/// over five years, FE provision in the subjects that train for each, and, for LSIP areas and
/// England, the projected change in employment to 2035.
#[utoipa::path(get, path = "/v1/areas/{code}/sectors", tag = "demand",
    params(CodePath, FormatQuery),
    responses(
        (status = 200, description = "Priority sectors", content((AreaSectors = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        crate::error::LookupProblems,
    ))]
pub async fn area_sectors(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(CodePath(code)): ApiPath<CodePath>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult {
    let snap = state.current();
    let body = queries::area_sectors(&snap, state.geo_for(&snap), &code)?;
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}

/// The mapping behind supply against demand, as this server is configured (`serve.sectors`):
/// every sector subject area with the SIC 2007 sections it trains for, and the priority sectors.
#[utoipa::path(get, path = "/v1/sectors", tag = "demand", params(FormatQuery),
    responses(
        (status = 200, description = "Subject areas, sections and priority sectors", content((SectorsMapping = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        crate::error::LookupProblems,
    ))]
pub async fn sectors(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult {
    let snap = state.current();
    let body = queries::sectors_mapping(&snap);
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ProjectionQuery {
    /// Only this classification (default: all).
    #[param(value_type = Option<lmi_core::projections::ProjectionClassification>)]
    classification: Option<String>,
    format: Option<Format>,
}

/// Model employment projections (The Skills Imperative 2035) for an area they are published
/// for (LSIP areas, England), with England alongside; `404` naming the areas that have them
/// otherwise.
#[utoipa::path(get, path = "/v1/areas/{code}/projections", tag = "demand",
    params(CodePath, ProjectionQuery),
    responses(
        (status = 200, description = "The projections, model named", content((AreaProjections = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        crate::error::LookupProblems,
    ))]
pub async fn area_projections(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(CodePath(code)): ApiPath<CodePath>,
    ApiQuery(q): ApiQuery<ProjectionQuery>,
) -> ApiResult {
    let snap = state.current();
    let class = q.classification.as_deref();
    let body = queries::area_projections(&snap, state.geo_for(&snap), &code, class)?;
    respond(&state, &snap, Format::negotiate(q.format, &headers), &body).await
}
