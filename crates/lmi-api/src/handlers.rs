//! Request handlers: parse, look up, shape. Each stays a few lines long.

use crate::error::ApiError;
use crate::state::{AppState, Meta};
use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use lmi_core::{Area, AreaType, IndicatorDef, IndicatorValue, LadTtwaOverlap, find_indicator};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

type ApiResult = Result<Response, ApiError>;

/// Serialises while the body still borrows from the state.
fn json<T: Serialize>(body: T) -> ApiResult {
    Ok(Json(body).into_response())
}

const MAX_LIMIT: usize = 1000;

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::NotFound(format!("no such endpoint: {}", uri.path()))
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AreaQuery {
    #[serde(rename = "type")]
    area_type: Option<String>,
    q: Option<String>,
    limit: Option<usize>,
}

#[derive(Serialize)]
pub struct AreaList<'a> {
    meta: &'a Meta,
    total: usize,
    areas: Vec<&'a Area>,
}

fn query<T>(q: Result<Query<T>, QueryRejection>) -> Result<T, ApiError> {
    q.map(|Query(q)| q)
        .map_err(|e| ApiError::BadRequest(e.body_text()))
}

fn parse_area_type(s: &str) -> Result<AreaType, ApiError> {
    s.parse()
        .map_err(|e: lmi_core::area::UnknownAreaType| ApiError::BadRequest(e.to_string()))
}

pub async fn list_areas(
    State(state): State<AppState>,
    q: Result<Query<AreaQuery>, QueryRejection>,
) -> ApiResult {
    let q = query(q)?;
    let area_type = q.area_type.as_deref().map(parse_area_type).transpose()?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::BadRequest(format!(
            "limit must be between 1 and {MAX_LIMIT}, found {limit}"
        )));
    }
    let hits = state
        .geography
        .search(q.q.as_deref().unwrap_or(""), area_type);
    let body = AreaList {
        meta: &state.snapshot.meta,
        total: hits.len(),
        areas: hits.into_iter().take(limit).collect(),
    };
    json(body)
}

fn area<'a>(state: &'a AppState, code: &str) -> Result<&'a Area, ApiError> {
    state.geography.area(code).ok_or_else(|| {
        ApiError::NotFound(format!(
            "unknown area code `{code}`: expected the current GSS code of an English LAD, TTWA, \
             county, LEP, LSIP area, combined authority, region or England (search with /v1/areas?q=)"
        ))
    })
}

fn indicator(id: &str) -> Result<&'static IndicatorDef, ApiError> {
    find_indicator(id).ok_or_else(|| {
        ApiError::NotFound(format!(
            "unknown indicator `{id}`: see /v1/indicators for the catalogue"
        ))
    })
}

#[derive(Serialize)]
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

#[derive(Serialize)]
struct AreaDetail<'a> {
    meta: &'a Meta,
    area: &'a Area,
    type_label: &'static str,
    parents: Vec<&'a Area>,
    comparators: Vec<&'a Area>,
    /// LADs the area is built from (for a TTWA, its best-fit districts).
    lads: Vec<&'a Area>,
    /// For a LAD, the TTWAs it lies in; for a TTWA, every district sharing its residents.
    ttwa_overlaps: Vec<Overlap<'a>>,
}

pub async fn get_area(State(state): State<AppState>, Path(code): Path<String>) -> ApiResult {
    let geo = state.geography;
    let area = area(&state, &code)?;
    let is_lad = area.area_type == AreaType::Lad;
    let overlaps = geo
        .ttwa_overlaps(&code)
        .into_iter()
        .filter_map(|o: &LadTtwaOverlap| {
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
        meta: &state.snapshot.meta,
        area,
        type_label: area.area_type.label(),
        parents: geo.parents(&code),
        comparators: geo.comparators(&code),
        lads: if is_lad {
            Vec::new()
        } else {
            geo.member_lads(&code)
        },
        ttwa_overlaps: overlaps,
    };
    json(body)
}

#[derive(Serialize)]
struct IndicatorList<'a> {
    meta: &'a Meta,
    indicators: &'static [IndicatorDef],
}

pub async fn list_indicators(State(state): State<AppState>) -> ApiResult {
    let body = IndicatorList {
        meta: &state.snapshot.meta,
        indicators: lmi_core::INDICATORS,
    };
    json(body)
}

#[derive(Serialize)]
struct IndicatorDetail<'a> {
    meta: &'a Meta,
    indicator: &'static IndicatorDef,
    periods: Vec<String>,
}

pub async fn get_indicator(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult {
    let def = indicator(&id)?;
    let periods = state
        .snapshot
        .manifest
        .indicators
        .iter()
        .find(|s| s.id == def.id)
        .map(|s| s.periods.clone())
        .unwrap_or_default();
    let body = IndicatorDetail {
        meta: &state.snapshot.meta,
        indicator: def,
        periods,
    };
    json(body)
}

#[derive(Serialize)]
struct Point<'a> {
    period: &'a str,
    value: Option<f64>,
    numerator: Option<f64>,
    denominator: Option<f64>,
    status: lmi_core::Status,
    approximate: bool,
    coverage: Option<f64>,
    constituents: u32,
    ci_lower: Option<f64>,
    ci_upper: Option<f64>,
    #[serde(flatten)]
    derived: &'a lmi_core::Derived,
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
            derived: &v.derived,
        }
    }
}

#[derive(Serialize)]
struct ComparatorSeries<'a> {
    area: &'a Area,
    series: Vec<Point<'a>>,
}

#[derive(Serialize)]
struct AreaIndicator<'a> {
    meta: &'a Meta,
    area: &'a Area,
    indicator: &'static IndicatorDef,
    series: Vec<Point<'a>>,
    comparators: BTreeMap<&'a str, ComparatorSeries<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    notes: Vec<String>,
}

pub async fn area_indicator(
    State(state): State<AppState>,
    Path((code, id)): Path<(String, String)>,
) -> ApiResult {
    let area = area(&state, &code)?;
    let def = indicator(&id)?;
    let snap = &state.snapshot;
    let series: Vec<Point> = snap.series(def.id, &code).iter().map(Point::from).collect();
    let mut notes = Vec::new();
    if series.is_empty() {
        notes.push(
            if area.area_type == AreaType::Ttwa && state.geography.member_lads(&code).is_empty() {
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
            },
        );
    }
    let comparators = state
        .geography
        .comparators(&code)
        .into_iter()
        .map(|c| {
            let series = snap
                .series(def.id, &c.code)
                .iter()
                .map(Point::from)
                .collect();
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
    json(body)
}
