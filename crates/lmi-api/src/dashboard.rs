//! Dashboard routes: the specs this server offers and a spec resolved for an area (lmi-report
//! resolves it).

use crate::extract::ApiPath;
use crate::handlers::{ApiResult, json};
use crate::state::AppState;
use axum::extract::State;
use lmi_core::AreaType;
use lmi_report::{DashboardSpec, Meta, ResolvedDashboard};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
// ---------------------------------------------------------------------------------------------
// HTTP

#[derive(Debug, Serialize, ToSchema)]
struct DashboardList<'a> {
    #[schema(value_type = Object)]
    meta: &'a Meta,
    dashboards: Vec<DashboardSummary<'a>>,
}

#[derive(Debug, Serialize, ToSchema)]
struct DashboardSummary<'a> {
    id: &'a str,
    title: &'a str,
    audience: &'a str,
    summary: &'a str,
    #[schema(value_type = Vec<String>)]
    area_types: &'a [AreaType],
    panels: usize,
}

/// The dashboards this server offers.
#[utoipa::path(get, path = "/v1/dashboards", tag = "dashboards",
    responses((status = 200, description = "The dashboards", body = DashboardList)))]
pub async fn list(State(state): State<AppState>) -> ApiResult {
    let snap = state.current();
    let dashboards = state
        .dashboards()
        .all()
        .iter()
        .map(|d| &d.spec)
        .map(|s| DashboardSummary {
            id: &s.id,
            title: &s.title,
            audience: &s.audience,
            summary: &s.summary,
            area_types: &s.area_types,
            panels: s.panels.len(),
        })
        .collect();
    json(
        &snap,
        &DashboardList {
            meta: &snap.meta,
            dashboards,
        },
    )
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(names("id"), parameter_in = Path)]
pub struct DashboardPath(
    /// Dashboard id.
    #[param(example = "provision-planning")]
    pub String,
);

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(names("id", "code"), parameter_in = Path)]
pub struct DashboardAreaPath(
    /// Dashboard id.
    #[param(example = "provision-planning")]
    pub String,
    /// GSS code of the area.
    #[param(example = "E30000255")]
    pub String,
);

/// One dashboard's spec, as written.
#[utoipa::path(get, path = "/v1/dashboards/{id}", tag = "dashboards", params(DashboardPath),
    responses(
        (status = 200, description = "The spec", body = DashboardSpec),
        crate::error::LookupProblems,
    ))]
pub async fn get_spec(
    State(state): State<AppState>,
    ApiPath(DashboardPath(id)): ApiPath<DashboardPath>,
) -> ApiResult {
    let dashboard = state.dashboards().find(&id)?;
    json(&state.current(), &dashboard.spec)
}

/// A dashboard filled in for one area: each panel's latest value, a plain reading, and links
/// to its chart (SVG, PNG) and numbers (CSV).
#[utoipa::path(get, path = "/v1/dashboards/{id}/areas/{code}", tag = "dashboards",
    params(DashboardAreaPath),
    responses(
        (status = 200, description = "The resolved dashboard", body = ResolvedDashboard),
        crate::error::LookupProblems,
    ))]
pub async fn resolved(
    State(state): State<AppState>,
    ApiPath(DashboardAreaPath(id, code)): ApiPath<DashboardAreaPath>,
) -> ApiResult {
    let dashboard = state.dashboards().find(&id)?;
    let snap = state.current();
    let geo = state.geo_for(&snap);
    let area = lmi_report::lookup::area(geo, &code)?;
    let body = lmi_report::resolve_dashboard(dashboard, area, &snap, geo);
    json(&snap, &body)
}
