//! The OpenAPI 3.1 document, generated from the handlers and types (`utoipa`), and a docs page
//! that renders it in the browser with no external scripts, fonts or CDNs.

use crate::state::AppState;
use crate::{handlers, ops};
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use std::sync::LazyLock;
use utoipa::OpenApi;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "lmi: labour market intelligence for England",
        description = "Checked indicators for every local authority district, Travel to Work Area, \
            county, LEP (Local Enterprise Partnerships as of April 2021, DfE's set), LSIP area, \
            combined authority, region and England, and for a hub's own area groups (named \
            groups of whole districts, type `group`, codes `G-…`). Every response says \
            which snapshot answered, its licence, and whether the numbers are synthetic sample \
            data. Table-shaped responses are also available as CSV (`Accept: text/csv` or \
            `?format=csv`) and XLSX (`?format=xlsx`). Errors are `application/problem+json`.",
        license(name = "Data: Open Government Licence v3.0", url = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"),
    ),
    paths(
        handlers::list_areas,
        handlers::get_area,
        crate::postcodes::get_postcode,
        handlers::profile,
        crate::similar::similar,
        handlers::area_indicator,
        handlers::list_breakdowns,
        handlers::area_breakdown,
        handlers::area_flows,
        handlers::area_projections,
        handlers::supply_demand,
        handlers::area_sectors,
        handlers::sectors,
        crate::charts::chart,
        crate::charts::chart_file,
        crate::dashboard::list,
        crate::dashboard::get_spec,
        crate::dashboard::resolved,
        handlers::compare,
        handlers::list_indicators,
        handlers::get_indicator,
        handlers::rankings,
        handlers::sources,
        handlers::snapshot,
        crate::maps::boundaries,
        ops::healthz,
        ops::readyz,
        ops::metrics,
        ops::reload,
        ops::refresh,
        ops::refresh_status,
    ),
    components(schemas(crate::error::Problem, crate::export::Format, lmi_report::ChartImage, lmi_report::ChartKind, lmi_report::Members, lmi_core::AreaType)),
    modifiers(&BearerAuth),
    tags(
        (name = "areas", description = "Find areas and read their profiles"),
        (name = "series", description = "Time series with comparators, and side-by-side comparisons"),
        (name = "indicators", description = "The indicator catalogue and rankings"),
        (name = "demand", description = "Demand side: count breakdowns (shares, location quotients), apprenticeship travel to learn, model employment projections, provision against jobs and priority sectors"),
        (name = "charts", description = "Charts of the numbers (SVG, PNG) and the tables behind them (CSV)"),
        (name = "dashboards", description = "Dashboard specs, resolved with data for an area"),
        (name = "maps", description = "Area outlines for maps (GeoJSON); the map chart is the `map` chart kind"),
        (name = "provenance", description = "Where the numbers come from"),
        (name = "operations", description = "Health, readiness and metrics"),
        (name = "admin", description = "Reload or refresh the served snapshot (bearer token)"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        if let Some(c) = openapi.components.as_mut() {
            c.add_security_scheme(
                "bearer",
                SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
            );
        }
    }
}

/// The OpenAPI document as JSON, every route included.
pub fn openapi_document() -> String {
    ApiDoc::openapi().to_json().unwrap_or_default()
}

/// The document without the admin routes, as served when no admin token is configured (the
/// routes then answer 404, so they are not offered).
pub fn public_document() -> String {
    let mut doc = ApiDoc::openapi();
    doc.paths
        .paths
        .retain(|path, _| !path.starts_with("/v1/admin/"));
    if let Some(tags) = doc.tags.as_mut() {
        tags.retain(|t| t.name != "admin");
    }
    doc.to_json().unwrap_or_default()
}

pub async fn openapi_json(State(state): State<AppState>) -> Response {
    static FULL: LazyLock<String> = LazyLock::new(openapi_document);
    static PUBLIC: LazyLock<String> = LazyLock::new(public_document);
    let doc = if state.config().admin_token.is_some() {
        FULL.as_str()
    } else {
        PUBLIC.as_str()
    };
    let mut r = doc.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

pub async fn docs() -> Response {
    let mut r = include_str!("docs.html").into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}
