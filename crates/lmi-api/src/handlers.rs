//! Data endpoints: parse, look up in the indexed snapshot, shape. No computation beyond lookups
//! and ordering happens here.

use crate::error::ApiError;
use crate::export::{Cell, Format, Table};
use crate::extract::{ApiPath, ApiQuery};
use crate::search::{SearchHit, search};
use crate::state::{AppState, GeoIndex, Meta, ServedSnapshot};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Response};
use lmi_core::{
    Area, AreaType, Derived, IndicatorDef, IndicatorValue, SourceProvenance, Status, find_indicator,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use utoipa::{IntoParams, ToSchema};

pub type ApiResult = Result<Response, ApiError>;

/// The version of the snapshot that answered, for the ETag middleware.
#[derive(Debug, Clone)]
pub struct AnsweredBy(pub String);

/// JSON (or a table export) of `body`, tagged with the snapshot that answered.
pub(crate) fn respond<T: Serialize>(
    snap: &ServedSnapshot,
    format: Format,
    body: &T,
    table: impl FnOnce() -> Table,
) -> ApiResult {
    match format {
        Format::Json => json(snap, body),
        other => Ok(tagged(snap, table().into_response(other)?)),
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
const MAX_COMPARE: usize = 25;

fn parse_area_type(s: &str) -> Result<AreaType, ApiError> {
    s.parse()
        .map_err(|e: lmi_core::area::UnknownAreaType| ApiError::BadRequest(e.to_string()))
}

pub(crate) fn area(geo: &GeoIndex, code: &str) -> Result<&'static Area, ApiError> {
    geo.area(code).ok_or_else(|| {
        ApiError::NotFound(format!(
            "unknown area code `{code}`: expected the current GSS code of an English LAD, TTWA, \
             county, LEP, LSIP area, combined authority, region or England (search with /v1/areas?q=)"
        ))
    })
}

pub(crate) fn indicator(id: &str) -> Result<&'static IndicatorDef, ApiError> {
    find_indicator(id).ok_or_else(|| {
        let ids: Vec<&str> = lmi_core::INDICATORS.iter().map(|d| d.id).collect();
        ApiError::NotFound(format!(
            "unknown indicator `{id}`: expected one of {} (see /v1/indicators)",
            ids.join(", ")
        ))
    })
}

/// A period range `from..=to` on period labels (labels of one indicator sort chronologically).
/// `from` after `to` selects nothing.
pub(crate) fn period_range(from: Option<&str>, to: Option<&str>) -> impl Fn(&str) -> bool + use<> {
    let (from, to) = (from.map(str::to_owned), to.map(str::to_owned));
    move |p: &str| from.as_deref().is_none_or(|f| p >= f) && to.as_deref().is_none_or(|t| p <= t)
}

fn range_note(from: Option<&str>, to: Option<&str>) -> Option<String> {
    match (from, to) {
        (Some(f), Some(t)) if f > t => Some(format!(
            "`from` ({f}) is after `to` ({t}), so no period is selected."
        )),
        _ => None,
    }
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
    /// Postcode search is not available yet (the geography tables have no postcode lookup):
    /// the parameter is accepted only to answer `400` with that explanation, so it is left out
    /// of the schema.
    #[param(ignore)]
    postcode: Option<String>,
    /// Maximum number of areas returned (default 100).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<u32>,
    format: Option<Format>,
}

#[derive(Serialize, ToSchema)]
pub struct AreaList<'a> {
    meta: &'a Meta,
    /// Matches in total, before `limit`.
    total: usize,
    areas: Vec<SearchHit>,
}

/// Search areas by name (prefix, substring or fuzzy), code, and type.
///
/// Misspelt names are matched (edit distance) only when nothing matches as typed. Postcode
/// search is not available yet: the bundled geography tables have no postcode lookup, and a
/// `postcode` parameter is answered `400` saying so.
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
    if let Some(pc) = &q.postcode {
        return Err(ApiError::BadRequest(format!(
            "postcode search (`{pc}`) is not available yet: the bundled geography tables have no \
             postcode lookup. Search by place name with ?q= instead."
        )));
    }
    let area_type = q.area_type.as_deref().map(parse_area_type).transpose()?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {MAX_LIMIT}, found {limit}"
        )));
    }
    let format = Format::negotiate(q.format, &headers);
    let snap = state.current();
    let hits = search(state.geo(), q.q.as_deref().unwrap_or(""), area_type);
    let body = AreaList {
        meta: &snap.meta,
        total: hits.len(),
        areas: hits.into_iter().take(limit as usize).collect(),
    };
    respond(&snap, format, &body, || {
        let mut t = Table::new(
            "areas",
            &["code", "name", "type", "match"],
            &snap,
            format!("Areas matching `{}`", q.q.as_deref().unwrap_or("")),
            &[],
        );
        for h in &body.areas {
            t.push(vec![
                h.code.as_str().into(),
                h.name.as_str().into(),
                h.area_type.as_str().into(),
                h.matched.as_str().into(),
            ]);
        }
        t
    })
}

#[derive(Serialize, ToSchema)]
struct Overlap<'a> {
    code: &'a str,
    name: &'a str,
    /// Share of the district's residents living in the TTWA.
    share_of_lad: f64,
    /// Share of the TTWA's residents living in the district.
    share_of_ttwa: f64,
    /// The district is used to approximate the TTWA.
    best_fit: bool,
}

#[derive(Serialize, ToSchema)]
struct AreaDetail<'a> {
    meta: &'a Meta,
    area: &'a Area,
    type_label: &'static str,
    /// Larger areas wholly containing this one, finest first.
    parents: &'a [&'static Area],
    /// The areas its values are compared with: county, combined authority, region, England.
    comparators: &'a [&'static Area],
    /// Smaller areas wholly inside it (TTWAs excluded: they are approximations).
    children: &'a [&'static Area],
    /// LADs the area is built from (for a TTWA, its best-fit districts).
    lads: Vec<&'a Area>,
    /// For a LAD, the TTWAs it lies in; for a TTWA, every district sharing its residents.
    ttwa_overlaps: Vec<Overlap<'a>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(names("code"), parameter_in = Path)]
pub struct CodePath(
    /// GSS code, e.g. `E07000117` (Burnley).
    #[param(example = "E07000117")]
    String,
);

/// One area with its parents, children, comparators and TTWA overlaps.
#[utoipa::path(get, path = "/v1/areas/{code}", tag = "areas", params(CodePath),
    responses(
        (status = 200, description = "The area", body = AreaDetail),
        (status = 400, description = "Bad parameter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown area", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_area(
    State(state): State<AppState>,
    ApiPath(CodePath(code)): ApiPath<CodePath>,
) -> ApiResult {
    let geo = state.geo();
    let area = area(geo, &code)?;
    let snap = state.current();
    let is_lad = area.area_type == AreaType::Lad;
    let overlaps = geo
        .geography
        .ttwa_overlaps(&code)
        .into_iter()
        .filter_map(|o| {
            let other = geo.area(if is_lad { &o.ttwa_code } else { &o.lad_code })?;
            Some(Overlap {
                code: &other.code,
                name: &other.name,
                share_of_lad: o.share_of_lad,
                share_of_ttwa: o.share_of_ttwa,
                best_fit: o.best_fit,
            })
        })
        .collect();
    let body = AreaDetail {
        meta: &snap.meta,
        area,
        type_label: area.area_type.label(),
        parents: geo.parents(&code),
        comparators: geo.comparators(&code),
        children: geo.children(&code),
        lads: if is_lad {
            Vec::new()
        } else {
            geo.geography.member_lads(&code)
        },
        ttwa_overlaps: overlaps,
    };
    json(&snap, &body)
}

// ---------------------------------------------------------------------------------------------
// Indicators

#[derive(Serialize, ToSchema)]
struct IndicatorList<'a> {
    meta: &'a Meta,
    indicators: &'static [IndicatorDef],
}

/// The indicator catalogue: definitions, units, sources, licences and caveats.
#[utoipa::path(get, path = "/v1/indicators", tag = "indicators",
    responses((status = 200, description = "Every indicator", body = IndicatorList)))]
pub async fn list_indicators(State(state): State<AppState>) -> ApiResult {
    let snap = state.current();
    let body = IndicatorList {
        meta: &snap.meta,
        indicators: lmi_core::INDICATORS,
    };
    json(&snap, &body)
}

#[derive(Serialize, ToSchema)]
struct IndicatorDetail<'a> {
    meta: &'a Meta,
    indicator: &'static IndicatorDef,
    /// Periods with values in this snapshot, oldest first.
    periods: &'a [String],
    /// The most recent period with values, if any.
    latest_period: Option<&'a str>,
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
        (status = 400, description = "Bad parameter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown indicator", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn get_indicator(
    State(state): State<AppState>,
    ApiPath(IdPath(id)): ApiPath<IdPath>,
) -> ApiResult {
    let def = indicator(&id)?;
    let snap = state.current();
    let periods = snap.periods(def.id);
    let body = IndicatorDetail {
        meta: &snap.meta,
        indicator: def,
        periods,
        latest_period: periods.last().map(String::as_str),
    };
    json(&snap, &body)
}

// ---------------------------------------------------------------------------------------------
// Series

/// One value of one area in one period.
#[derive(Serialize, ToSchema)]
pub struct Point<'a> {
    period: &'a str,
    /// Absent when the status carries no number (suppressed, not applicable, unavailable).
    value: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    status: Status,
    /// Built by best fit from whole districts (TTWAs).
    approximate: bool,
    /// For approximate values, the share of the area's residents in the districts used.
    coverage: Option<f64>,
    /// Current districts whose data went into the value.
    constituents: u32,
    ci_lower: Option<f64>,
    ci_upper: Option<f64>,
    /// Fed by a source the latest refresh could not update (carried over from an earlier
    /// snapshot; see `GET /v1/sources`).
    stale: bool,
    #[serde(flatten)]
    derived: &'a Derived,
}

impl<'a> From<&'a IndicatorValue> for Point<'a> {
    fn from(v: &'a IndicatorValue) -> Self {
        Point {
            period: &v.period,
            value: v.value,
            numerator: v.numerator,
            denominator: v.denominator,
            status: v.status,
            approximate: v.approximate,
            coverage: v.coverage,
            constituents: v.constituents,
            ci_lower: v.ci_lower,
            ci_upper: v.ci_upper,
            stale: v.stale,
            derived: &v.derived,
        }
    }
}

const POINT_COLUMNS: [&str; 17] = [
    "period",
    "value",
    "numerator",
    "denominator",
    "status",
    "approximate",
    "coverage",
    "constituents",
    "ci_lower",
    "ci_upper",
    "stale",
    "change_1",
    "change_5",
    "rank",
    "rank_of",
    "percentile",
    "gap_to_england",
];

fn point_cells(v: &IndicatorValue) -> Vec<Cell> {
    let d = &v.derived;
    vec![
        v.period.as_str().into(),
        v.value.into(),
        v.numerator.into(),
        v.denominator.into(),
        v.status.as_str().into(),
        v.approximate.into(),
        v.coverage.into(),
        v.constituents.into(),
        v.ci_lower.into(),
        v.ci_upper.into(),
        v.stale.into(),
        d.change_1.into(),
        d.change_5.into(),
        d.rank.into(),
        d.rank_of.into(),
        d.percentile.into(),
        d.gap_to_england.into(),
    ]
}

fn columns_with(prefix: &[&'static str]) -> Vec<&'static str> {
    prefix.iter().copied().chain(POINT_COLUMNS).collect()
}

fn area_cells(a: &Area) -> [Cell; 3] {
    [
        a.code.as_str().into(),
        a.name.as_str().into(),
        a.area_type.as_str().into(),
    ]
}

#[derive(Serialize, ToSchema)]
struct ComparatorSeries<'a> {
    area: &'a Area,
    series: Vec<Point<'a>>,
}

#[derive(Serialize, ToSchema)]
struct AreaIndicator<'a> {
    meta: &'a Meta,
    area: &'a Area,
    indicator: &'static IndicatorDef,
    series: Vec<Point<'a>>,
    /// County, combined authority, region and England, keyed by code, over the same periods.
    comparators: BTreeMap<&'a str, ComparatorSeries<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

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

pub(crate) fn no_value_note(geo: &GeoIndex, area: &Area, def: &IndicatorDef) -> String {
    if area.area_type == AreaType::Ttwa && geo.geography.member_lads(&area.code).is_empty() {
        format!(
            "No value: no local authority district lies mostly in {}, so it cannot be \
             approximated from district data.",
            area.name
        )
    } else {
        format!(
            "No value: {} has no data for {} in this snapshot.",
            area.name, def.id
        )
    }
}

/// An area's full series of one indicator, with its comparators' series.
#[utoipa::path(get, path = "/v1/areas/{code}/indicators/{id}", tag = "series",
    params(CodeIdPath, SeriesQuery),
    responses(
        (status = 200, description = "The series and its comparators", content((AreaIndicator = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Bad parameter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown area or indicator", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn area_indicator(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(CodeIdPath(code, id)): ApiPath<CodeIdPath>,
    ApiQuery(q): ApiQuery<SeriesQuery>,
) -> ApiResult {
    let geo = state.geo();
    let area = area(geo, &code)?;
    let def = indicator(&id)?;
    let in_range = period_range(q.from.as_deref(), q.to.as_deref());
    let format = Format::negotiate(q.format, &headers);
    let snap = state.current();
    let series_of = |code: &str| snap.series(def.id, code).filter(|v| in_range(&v.period));
    let series: Vec<Point> = series_of(&code).map(Point::from).collect();
    let mut notes: Vec<String> = range_note(q.from.as_deref(), q.to.as_deref())
        .into_iter()
        .collect();
    if snap.series(def.id, &code).len() == 0 {
        notes.push(no_value_note(geo, area, def));
    }
    let comparators = geo
        .comparators(&code)
        .iter()
        .map(|c| {
            let series = series_of(&c.code).map(Point::from).collect();
            (c.code.as_str(), ComparatorSeries { area: c, series })
        })
        .collect();
    let body = AreaIndicator {
        meta: &snap.meta,
        area,
        indicator: def,
        series,
        comparators,
        notes,
    };
    respond(&snap, format, &body, || {
        let mut t = Table::new(
            format!("{code}-{}", def.id),
            &columns_with(&["role", "area_code", "area_name", "area_type"]),
            &snap,
            format!("{}: {} and comparators", def.title, area.name),
            &[def],
        );
        let rows = std::iter::once(("area", area))
            .chain(geo.comparators(&code).iter().map(|c| ("comparator", *c)));
        for (role, a) in rows {
            for v in series_of(&a.code) {
                let mut row = vec![role.into()];
                row.extend(area_cells(a));
                row.extend(point_cells(v));
                t.push(row);
            }
        }
        t
    })
}

// ---------------------------------------------------------------------------------------------
// Compare

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct CompareQuery {
    /// Comma-separated GSS codes, at most 25, e.g. `E07000117,E07000122,E30000182`; a code
    /// listed twice is shown once.
    #[param(
        required = true,
        pattern = r"^[A-Za-z0-9]{1,16}(,[A-Za-z0-9]{1,16}){0,24}$",
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

#[derive(Serialize, ToSchema)]
struct AreaSeries<'a> {
    area: &'a Area,
    series: Vec<Point<'a>>,
}

#[derive(Serialize, ToSchema)]
struct Comparison<'a> {
    meta: &'a Meta,
    indicator: &'static IndicatorDef,
    /// Every period any of the areas has, oldest first.
    periods: Vec<&'a str>,
    areas: Vec<AreaSeries<'a>>,
}

fn required<'a>(v: &'a Option<String>, name: &str, example: &str) -> Result<&'a str, ApiError> {
    v.as_deref()
        .filter(|s| !s.is_empty())
        .ok_or_else(|| ApiError::BadRequest(format!("`{name}` is required, e.g. {name}={example}")))
}

/// Several areas side by side on one indicator.
#[utoipa::path(get, path = "/v1/compare", tag = "series", params(CompareQuery),
    responses(
        (status = 200, description = "The areas' series", content((Comparison = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Bad parameter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown area or indicator", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn compare(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiQuery(q): ApiQuery<CompareQuery>,
) -> ApiResult {
    let geo = state.geo();
    let codes: Vec<&str> = required(&q.areas, "areas", "E07000117,E07000122")?
        .split(',')
        .collect();
    if codes.len() > MAX_COMPARE {
        return Err(ApiError::BadRequest(format!(
            "at most {MAX_COMPARE} areas can be compared at once, found {}",
            codes.len()
        )));
    }
    let mut areas: Vec<&Area> = Vec::with_capacity(codes.len());
    for code in &codes {
        let well_formed =
            (1..=16).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_alphanumeric());
        if !well_formed {
            return Err(ApiError::BadRequest(format!(
                "`areas` must be GSS codes separated by single commas (no spaces), found `{code}`"
            )));
        }
        let a = area(geo, code)?;
        if !areas.iter().any(|x| x.code == a.code) {
            areas.push(a);
        }
    }
    let def = indicator(required(
        &q.indicator,
        "indicator",
        "ks4_apprenticeship_rate",
    )?)?;
    let in_range = period_range(q.from.as_deref(), q.to.as_deref());
    let format = Format::negotiate(q.format, &headers);
    let snap = state.current();
    let series_of = |code: &str| snap.series(def.id, code).filter(|v| in_range(&v.period));
    let mut periods: Vec<&str> = areas
        .iter()
        .flat_map(|a| series_of(&a.code).map(|v| v.period.as_str()))
        .collect();
    periods.sort_unstable();
    periods.dedup();
    let body = Comparison {
        meta: &snap.meta,
        indicator: def,
        periods,
        areas: areas
            .iter()
            .map(|a| AreaSeries {
                area: a,
                series: series_of(&a.code).map(Point::from).collect(),
            })
            .collect(),
    };
    respond(&snap, format, &body, || {
        let mut t = Table::new(
            format!("compare-{}", def.id),
            &columns_with(&["area_code", "area_name", "area_type"]),
            &snap,
            format!("{}: {} areas compared", def.title, areas.len()),
            &[def],
        );
        for a in &areas {
            for v in series_of(&a.code) {
                let mut row: Vec<Cell> = area_cells(a).into();
                row.extend(point_cells(v));
                t.push(row);
            }
        }
        t
    })
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

#[derive(Serialize, ToSchema)]
struct Ranked<'a> {
    /// Order in this list, 1 first; absent for areas without a value.
    position: Option<u32>,
    area: &'a Area,
    #[serde(flatten)]
    point: Point<'a>,
    #[serde(skip)]
    value: &'a IndicatorValue,
}

#[derive(Serialize, ToSchema)]
struct Ranking<'a> {
    meta: &'a Meta,
    indicator: &'static IndicatorDef,
    area_type: AreaType,
    period: &'a str,
    /// Periods with values for this area type, oldest first.
    periods: Vec<&'a str>,
    /// `descending` when higher values are better or the direction is not judged.
    order: &'static str,
    total: usize,
    areas: Vec<Ranked<'a>>,
}

/// Every area of one type ranked on one indicator in one period.
#[utoipa::path(get, path = "/v1/indicators/{id}/rankings", tag = "indicators",
    params(IdPath, RankingQuery),
    responses(
        (status = 200, description = "Areas best first; areas without a value last", content((Ranking = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Bad parameter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown indicator, or no values for the type or period", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn rankings(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(IdPath(id)): ApiPath<IdPath>,
    ApiQuery(q): ApiQuery<RankingQuery>,
) -> ApiResult {
    let def = indicator(&id)?;
    let area_type = q
        .area_type
        .as_deref()
        .map(parse_area_type)
        .transpose()?
        .unwrap_or(AreaType::Lad);
    let format = Format::negotiate(q.format, &headers);
    let snap = state.current();
    let periods = snap.periods_for_type(def.id, area_type);
    let period = match q.period.as_deref() {
        Some(p) => periods.iter().copied().find(|x| *x == p).ok_or_else(|| {
            ApiError::NotFound(format!(
                "{} has no values for {area_type} areas in period `{p}`; periods available: {}",
                def.id,
                periods.join(", ")
            ))
        })?,
        None => periods.last().copied().ok_or_else(|| {
            ApiError::NotFound(format!(
                "{} has no values for {area_type} areas in this snapshot",
                def.id
            ))
        })?,
    };
    let geo = state.geo();
    let mut position = 0;
    let areas: Vec<Ranked> = snap
        .ranking(def.id, area_type, period)
        .filter_map(|v| {
            let a = geo.area(&v.area_code)?;
            let pos = v.value.map(|_| {
                position += 1;
                position
            });
            Some(Ranked {
                position: pos,
                area: a,
                point: Point::from(v),
                value: v,
            })
        })
        .collect();
    let body = Ranking {
        meta: &snap.meta,
        indicator: def,
        area_type,
        period,
        periods: periods.clone(),
        order: if def.higher_is_better == Some(false) {
            "ascending"
        } else {
            "descending"
        },
        total: areas.len(),
        areas,
    };
    respond(&snap, format, &body, || {
        let mut t = Table::new(
            format!("rankings-{}-{area_type}-{period}", def.id),
            &columns_with(&["position", "area_code", "area_name", "area_type"]),
            &snap,
            format!(
                "{}: {} areas ranked, {period}",
                def.title,
                area_type.label()
            ),
            &[def],
        );
        for r in &body.areas {
            let mut row = vec![r.position.into()];
            row.extend(area_cells(r.area));
            row.extend(point_cells(r.value));
            t.push(row);
        }
        t
    })
}

// ---------------------------------------------------------------------------------------------
// Profile

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Up,
    Down,
    Flat,
}

#[derive(Serialize, ToSchema)]
struct Trend {
    /// Change since the previous period (from the pipeline; absent when not computed).
    change_1: Option<f64>,
    /// Change over five periods.
    change_5: Option<f64>,
    /// Arrow for `change_1`.
    direction: Option<Direction>,
    /// Whether the change is for the better, when the indicator has a direction.
    improving: Option<bool>,
}

impl Trend {
    fn of(v: Option<&IndicatorValue>, higher_is_better: Option<bool>) -> Trend {
        let d = v.map(|v| &v.derived);
        let change_1 = d.and_then(|d| d.change_1);
        let direction = change_1.map(|c| {
            if c > 0.0 {
                Direction::Up
            } else if c < 0.0 {
                Direction::Down
            } else {
                Direction::Flat
            }
        });
        let improving = match (direction, higher_is_better) {
            (Some(Direction::Up), Some(h)) => Some(h),
            (Some(Direction::Down), Some(h)) => Some(!h),
            _ => None,
        };
        Trend {
            change_1,
            change_5: d.and_then(|d| d.change_5),
            direction,
            improving,
        }
    }
}

#[derive(Serialize, ToSchema)]
struct RankInfo {
    /// Among areas of the same type in the period; 1 is best (from the pipeline).
    rank: Option<u32>,
    rank_of: Option<u32>,
    percentile: Option<f64>,
    gap_to_england: Option<f64>,
}

#[derive(Serialize, ToSchema)]
struct ComparatorValue<'a> {
    area: &'a Area,
    /// The comparator's value in the same period as the area's latest value.
    value: Option<f64>,
    status: Option<Status>,
}

#[derive(Serialize, ToSchema)]
struct ProfileEntry<'a> {
    indicator: &'static IndicatorDef,
    /// The area's most recent value.
    latest: Option<Point<'a>>,
    /// The most recent period of the indicator in the snapshot (any area).
    latest_period: Option<&'a str>,
    /// How many periods the area has.
    periods: usize,
    trend: Trend,
    rank: RankInfo,
    comparators: Vec<ComparatorValue<'a>>,
    /// Things to read the number with: `no_data`, `suppressed`, `approximate`, `stale`,
    /// `not_latest_period`, `low_reliability`, `estimated`, `series_break`, `not_applicable`,
    /// `unavailable`.
    flags: Vec<&'static str>,
}

#[derive(Serialize, ToSchema)]
struct Profile<'a> {
    meta: &'a Meta,
    area: &'a Area,
    type_label: &'static str,
    indicators: Vec<ProfileEntry<'a>>,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FormatQuery {
    format: Option<Format>,
}

fn flags(v: Option<&IndicatorValue>, latest_period: Option<&str>) -> Vec<&'static str> {
    let Some(v) = v else {
        return vec!["no_data"];
    };
    let mut out = Vec::new();
    if v.status != Status::Ok {
        out.push(v.status.as_str());
    }
    if v.approximate {
        out.push("approximate");
    }
    if v.stale {
        out.push("stale");
    }
    if latest_period.is_some_and(|p| p != v.period) {
        out.push("not_latest_period");
    }
    out
}

/// Every indicator's latest value for one area, with trend, comparators, rank and flags.
#[utoipa::path(get, path = "/v1/areas/{code}/profile", tag = "areas", params(CodePath, FormatQuery),
    responses(
        (status = 200, description = "The area's profile", content((Profile = "application/json"), (String = "text/csv"), (String = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
        (status = 400, description = "Bad parameter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown area", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn profile(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiPath(CodePath(code)): ApiPath<CodePath>,
    ApiQuery(q): ApiQuery<FormatQuery>,
) -> ApiResult {
    let geo = state.geo();
    let area = area(geo, &code)?;
    let format = Format::negotiate(q.format, &headers);
    let snap = state.current();
    let comparators = geo.comparators(&code);
    let latest_of = |def: &IndicatorDef| snap.series(def.id, &code).next_back();
    let indicators: Vec<ProfileEntry> = lmi_core::INDICATORS
        .iter()
        .map(|def| {
            let latest = latest_of(def);
            let latest_period = snap.periods(def.id).last().map(String::as_str);
            let d = latest.map(|v| &v.derived);
            ProfileEntry {
                indicator: def,
                latest: latest.map(Point::from),
                latest_period,
                periods: snap.series(def.id, &code).len(),
                trend: Trend::of(latest, def.higher_is_better),
                rank: RankInfo {
                    rank: d.and_then(|d| d.rank),
                    rank_of: d.and_then(|d| d.rank_of),
                    percentile: d.and_then(|d| d.percentile),
                    gap_to_england: d.and_then(|d| d.gap_to_england),
                },
                comparators: comparators
                    .iter()
                    .map(|c| {
                        let v = latest.and_then(|l| snap.value(def.id, &c.code, &l.period));
                        ComparatorValue {
                            area: c,
                            value: v.and_then(|v| v.value),
                            status: v.map(|v| v.status),
                        }
                    })
                    .collect(),
                flags: flags(latest, latest_period),
            }
        })
        .collect();
    let body = Profile {
        meta: &snap.meta,
        area,
        type_label: area.area_type.label(),
        indicators,
    };
    respond(&snap, format, &body, || {
        let mut columns = vec![
            "indicator",
            "title",
            "unit",
            "period",
            "value",
            "status",
            "approximate",
            "coverage",
            "change_1",
            "change_5",
            "direction",
            "improving",
            "rank",
            "rank_of",
            "percentile",
            "gap_to_england",
            "flags",
        ];
        let comparator_columns: Vec<String> = comparators
            .iter()
            .map(|c| format!("{} ({})", c.name, c.code))
            .collect();
        columns.extend(comparator_columns.iter().map(String::as_str));
        let defs: Vec<&IndicatorDef> = lmi_core::INDICATORS.iter().collect();
        let mut t = Table::new(
            format!("{code}-profile"),
            &columns,
            &snap,
            format!("Profile of {} ({})", area.name, area.area_type.label()),
            &defs,
        );
        for e in &body.indicators {
            let l = e.latest.as_ref();
            let mut row: Vec<Cell> = vec![
                e.indicator.id.into(),
                e.indicator.title.into(),
                e.indicator.unit.into(),
                l.map(|p| p.period).into(),
                l.and_then(|p| p.value).into(),
                l.map(|p| p.status.as_str()).into(),
                l.is_some_and(|p| p.approximate).into(),
                l.and_then(|p| p.coverage).into(),
                e.trend.change_1.into(),
                e.trend.change_5.into(),
                e.trend
                    .direction
                    .map(|d| match d {
                        Direction::Up => "up",
                        Direction::Down => "down",
                        Direction::Flat => "flat",
                    })
                    .into(),
                e.trend.improving.map(|b| b.to_string()).as_deref().into(),
                e.rank.rank.into(),
                e.rank.rank_of.into(),
                e.rank.percentile.into(),
                e.rank.gap_to_england.into(),
                e.flags.join(" ").into(),
            ];
            row.extend(e.comparators.iter().map(|c| Cell::from(c.value)));
            t.push(row);
        }
        t
    })
}

// ---------------------------------------------------------------------------------------------
// Provenance

#[derive(Serialize, ToSchema)]
struct SourceEntry<'a> {
    #[serde(flatten)]
    provenance: &'a SourceProvenance,
    /// Indicators built from this source.
    indicators: Vec<&'static str>,
    /// Periods of those indicators in the snapshot, oldest first.
    periods: Vec<&'a str>,
    latest_period: Option<&'a str>,
}

#[derive(Serialize, ToSchema)]
struct Sources<'a> {
    meta: &'a Meta,
    sources: Vec<SourceEntry<'a>>,
    /// How to read currency and staleness.
    note: &'static str,
}

/// The raw sources behind the served snapshot: publisher, licence, attribution, sha256, periods.
#[utoipa::path(get, path = "/v1/sources", tag = "provenance",
    responses((status = 200, description = "Sources of the served snapshot", body = Sources)))]
pub async fn sources(State(state): State<AppState>) -> ApiResult {
    let snap = state.current();
    let sources = snap
        .manifest
        .sources
        .iter()
        .map(|s| {
            let defs: Vec<&IndicatorDef> = lmi_core::INDICATORS
                .iter()
                .filter(|d| d.source == s.source_id)
                .collect();
            let mut periods: Vec<&str> = defs
                .iter()
                .flat_map(|d| snap.periods(d.id).iter().map(String::as_str))
                .collect();
            periods.sort_unstable();
            periods.dedup();
            SourceEntry {
                provenance: s,
                indicators: defs.iter().map(|d| d.id).collect(),
                latest_period: periods.last().copied(),
                periods,
            }
        })
        .collect();
    let body = Sources {
        meta: &snap.meta,
        sources,
        note: "`periods` and `latest_period` say how current each source is, `release` and \
               `resolved` which publisher release was fetched, and `meta.created_at` when the \
               snapshot was built. A source with `stale` could not be updated by the latest \
               refresh: its data was carried over from an earlier snapshot (`stale.since`, \
               `stale.reason`) and every value it feeds is marked `stale`.",
    };
    json(&snap, &body)
}

#[derive(Serialize, ToSchema)]
struct FileInfo<'a> {
    name: &'a str,
    sha256: &'a str,
    bytes: u64,
    rows: usize,
}

#[derive(Serialize, ToSchema)]
struct IndicatorInfo<'a> {
    id: &'a str,
    periods: &'a [String],
    rows: usize,
}

#[derive(Serialize, ToSchema)]
struct SnapshotInfo<'a> {
    meta: &'a Meta,
    version: &'a str,
    created_at: &'a str,
    lmi_version: &'a str,
    sample: bool,
    /// Values held in memory.
    values: usize,
    indicators: Vec<IndicatorInfo<'a>>,
    files: Vec<FileInfo<'a>>,
    warnings: &'a [String],
}

/// The served snapshot: version, creation time, files with digests, indicators and warnings.
#[utoipa::path(get, path = "/v1/snapshot", tag = "provenance",
    responses((status = 200, description = "The served snapshot", body = SnapshotInfo)))]
pub async fn snapshot(State(state): State<AppState>) -> ApiResult {
    let snap = state.current();
    let m = &snap.manifest;
    let body = SnapshotInfo {
        meta: &snap.meta,
        version: &m.version,
        created_at: &m.created_at,
        lmi_version: &m.lmi_version,
        sample: m.sample.is_some(),
        values: snap.len(),
        indicators: m
            .indicators
            .iter()
            .map(|i| IndicatorInfo {
                id: &i.id,
                periods: &i.periods,
                rows: i.rows,
            })
            .collect(),
        files: m
            .files
            .iter()
            .map(|f| FileInfo {
                name: &f.name,
                sha256: &f.sha256,
                bytes: f.bytes,
                rows: f.rows,
            })
            .collect(),
        warnings: &m.warnings,
    };
    json(&snap, &body)
}
