//! Charts of a series with its comparators, for board papers and data packs: the same numbers as
//! `/v1/areas/{code}/indicators/{id}`, drawn by lmi-charts as SVG or PNG with attribution.

use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::handlers::{ApiResult, CodeIdPath, area, indicator, period_range, tagged};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use lmi_charts::{ChartSpec, SYNTHETIC_SAMPLE_NOTICE, Series};
use serde::Deserialize;
use std::collections::BTreeSet;
use utoipa::{IntoParams, ToSchema};

/// The picture format of a chart.
#[derive(Debug, Clone, Copy, Default, Deserialize, ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ChartImage {
    #[default]
    Svg,
    Png,
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChartQuery {
    /// First period to include (a period label, e.g. `2019/20`).
    from: Option<String>,
    /// Last period to include.
    to: Option<String>,
    /// `svg` (default) or `png`.
    image: Option<ChartImage>,
}

/// An area's series and its comparators' as a line chart: suppressed values are gaps, never zero.
#[utoipa::path(get, path = "/v1/areas/{code}/indicators/{id}/chart", tag = "series",
    params(CodeIdPath, ChartQuery),
    responses(
        (status = 200, description = "The chart", content((String = "image/svg+xml"), (Vec<u8> = "image/png"))),
        (status = 400, description = "Bad parameter", body = crate::error::Problem, content_type = "application/problem+json"),
        (status = 404, description = "Unknown area or indicator, or nothing to draw", body = crate::error::Problem, content_type = "application/problem+json"),
    ))]
pub async fn chart(
    State(state): State<AppState>,
    ApiPath(CodeIdPath(code, id)): ApiPath<CodeIdPath>,
    ApiQuery(q): ApiQuery<ChartQuery>,
) -> ApiResult {
    let geo = state.geo();
    let area = area(geo, &code)?;
    let def = indicator(&id)?;
    let in_range = period_range(q.from.as_deref(), q.to.as_deref());
    let snap = state.current();
    let lines: Vec<Series> = std::iter::once(area)
        .chain(geo.comparators(&code).iter().copied())
        .map(|a| {
            let points = snap
                .series(def.id, &a.code)
                .filter(|v| in_range(&v.period))
                .map(|v| (v.period.clone(), v.value));
            Series::new(a.name.clone(), points)
        })
        .filter(|s| !s.points.is_empty())
        .collect();
    // Period labels sort in time order ("2021" < "2022", "2021/22" < "2022/23").
    let periods: BTreeSet<String> = lines
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.period.clone()))
        .collect();
    let mut footnotes: Vec<String> = snap
        .manifest
        .sources
        .iter()
        .filter(|s| s.source_id == def.source)
        .map(|s| s.attribution.clone())
        .collect();
    if snap.meta.sample {
        footnotes.insert(0, SYNTHETIC_SAMPLE_NOTICE.to_owned());
    }
    let spec = ChartSpec {
        title: format!("{}: {}", def.title, area.name),
        unit: def.unit.to_owned(),
        periods: periods.into_iter().collect(),
        series: lines,
        footnotes,
    };
    let image = q.image.unwrap_or_default();
    // Drawing is CPU work: keep it off the async worker threads.
    let drawn = tokio::task::spawn_blocking(move || match image {
        ChartImage::Svg => lmi_charts::render_svg(&spec).map(String::into_bytes),
        ChartImage::Png => lmi_charts::render_png(&spec),
    })
    .await
    .map_err(|e| ApiError::Internal(format!("the chart could not be drawn: {e}")))?
    .map_err(|e| ApiError::NotFound(format!("nothing to chart: {e}")))?;
    let content_type = match image {
        ChartImage::Svg => "image/svg+xml",
        ChartImage::Png => "image/png",
    };
    let mut response = drawn.into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    Ok(tagged(&snap, response))
}
