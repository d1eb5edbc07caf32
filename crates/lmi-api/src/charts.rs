//! Chart routes: `GET /v1/charts/{kind}.{svg|png|csv}` (the CSV is the table behind the chart)
//! and the older per-series `/v1/areas/{code}/indicators/{id}/chart`. lmi-report builds the
//! chart; drawn images are kept in a bounded cache ([`crate::caches::ChartCache`]) keyed by
//! snapshot version and request, so a chart is drawn once per snapshot.

use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::handlers::{ApiResult, CodeIdPath, tagged};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use lmi_report::{
    ChartImage, ChartKind, ChartOptions, ChartRequest, ChartSpec, ReportError, ServedSnapshot,
    TrendSpec, Unused,
};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;

/// Draws (or finds in the cache) the chart a request asks for.
async fn drawn(
    state: &AppState,
    snap: &Arc<ServedSnapshot>,
    req: ChartRequest,
    image: ChartImage,
) -> Result<Arc<Vec<u8>>, ApiError> {
    let key = (snap.version().to_owned(), image, req);
    let cache = &state.shared.charts;
    if let Some(hit) = cache.get(&key) {
        return Ok(hit);
    }
    let built = lmi_report::build_chart(&key.2, snap, state.geo_for(snap))?;
    // Drawing is CPU work: keep it off the async worker threads, a bounded number at once.
    let _slot = state.heavy_slot().await?;
    let bytes = tokio::task::spawn_blocking(move || lmi_report::draw_chart(&built.chart, image))
        .await
        .map_err(|e| ApiError::Internal(format!("the chart could not be drawn: {e}")))??;
    let bytes = Arc::new(bytes);
    cache.insert(key, bytes.clone());
    Ok(bytes)
}

fn image_response(
    snap: &ServedSnapshot,
    req: &ChartRequest,
    bytes: Arc<Vec<u8>>,
    image: ChartImage,
) -> axum::response::Response {
    let mut response = bytes.as_ref().clone().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(image.content_type()),
    );
    // A saved chart gets a name that says what it is.
    let name: String = format!(
        "{}-{}-{}.{}",
        req.area,
        req.spec.subject(),
        req.kind().as_str(),
        image.extension()
    )
    .chars()
    .map(|c| {
        if c.is_ascii_alphanumeric() || "-_.".contains(c) {
            c
        } else {
            '_'
        }
    })
    .collect();
    if let Ok(v) = HeaderValue::from_str(&format!("inline; filename=\"{name}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    tagged(snap, response)
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(names("file"), parameter_in = Path)]
pub struct ChartFilePath(
    /// `{kind}.{format}`: kind `trend`, `ranking`, `breakdown`, `small_multiples`,
    /// `ranked_breakdown`, `flows`, `supply_demand`, `priority_sectors` or `map`; format `svg`,
    /// `png` or
    /// `csv` (the numbers behind the chart).
    #[param(
        example = "trend.svg",
        pattern = r"^(trend|ranking|breakdown|small_multiples|ranked_breakdown|flows|supply_demand|priority_sectors|map)\.(svg|png|csv)$"
    )]
    pub String,
);

/// `area`, then the chart's options ([`ChartOptions`], documented beside this in the
/// operation's parameters). An option the kind does not use is left out.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChartsQuery {
    /// GSS code of the area the chart is about.
    #[param(required = true, example = "E30000255")]
    area: Option<String>,
    #[serde(flatten)]
    #[param(ignore)]
    options: ChartOptions,
}

fn parse_file(file: &str) -> Result<(ChartKind, Option<ChartImage>), ApiError> {
    let bad = || {
        let kinds: Vec<&str> = ChartKind::ALL.iter().map(|k| k.as_str()).collect();
        ApiError::NotFound(format!(
            "no chart `{file}`: expected {{kind}}.{{svg|png|csv}} with kind one of {}",
            kinds.join(", ")
        ))
    };
    let (kind, ext) = file.rsplit_once('.').ok_or_else(bad)?;
    let kind = ChartKind::ALL
        .into_iter()
        .find(|k| k.as_str() == kind)
        .ok_or_else(bad)?;
    let image = match ext {
        "svg" => Some(ChartImage::Svg),
        "png" => Some(ChartImage::Png),
        "csv" => None,
        _ => return Err(bad()),
    };
    Ok((kind, image))
}

/// A chart of the served numbers as SVG or PNG, or the table behind it as CSV.
#[utoipa::path(get, path = "/v1/charts/{file}", tag = "charts",
    params(ChartFilePath, ChartsQuery, ChartOptions),
    responses(
        (status = 200, description = "The chart, or its numbers", content((String = "image/svg+xml"), (Vec<u8> = "image/png"), (String = "text/csv"))),
        crate::error::LookupProblems,
    ))]
pub async fn chart_file(
    State(state): State<AppState>,
    ApiPath(ChartFilePath(file)): ApiPath<ChartFilePath>,
    ApiQuery(q): ApiQuery<ChartsQuery>,
) -> ApiResult {
    let (kind, image) = parse_file(&file)?;
    let area = q
        .area
        .ok_or_else(|| ApiError::BadRequest("`area` is required, e.g. area=E30000255".into()))?;
    let req = ChartRequest {
        area,
        spec: ChartSpec::check(kind, q.options, Unused::Ignore).map_err(ReportError::from)?,
    };
    let snap = state.current();
    match image {
        Some(image) => {
            let bytes = drawn(&state, &snap, req.clone(), image).await?;
            Ok(image_response(&snap, &req, bytes, image))
        }
        None => {
            let built = lmi_report::build_chart(&req, &snap, state.geo_for(&snap))?;
            let csv = crate::export::table_response(built.table, crate::export::Format::Csv)?;
            Ok(tagged(&snap, csv))
        }
    }
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

/// An area's series and its comparators' as a line chart: the same chart as
/// `/v1/charts/trend.svg?area={code}&indicator={id}`.
#[utoipa::path(get, path = "/v1/areas/{code}/indicators/{id}/chart", tag = "charts",
    params(CodeIdPath, ChartQuery),
    responses(
        (status = 200, description = "The chart", content((String = "image/svg+xml"), (Vec<u8> = "image/png"))),
        crate::error::LookupProblems,
    ))]
pub async fn chart(
    State(state): State<AppState>,
    ApiPath(CodeIdPath(code, id)): ApiPath<CodeIdPath>,
    ApiQuery(q): ApiQuery<ChartQuery>,
) -> ApiResult {
    let req = ChartRequest {
        area: code,
        spec: ChartSpec::Trend(TrendSpec {
            indicator: id,
            comparators: None,
            from: q.from,
            to: q.to,
        }),
    };
    let image = q.image.unwrap_or_default();
    let snap = state.current();
    let bytes = drawn(&state, &snap, req.clone(), image).await?;
    Ok(image_response(&snap, &req, bytes, image))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_files() {
        assert_eq!(
            parse_file("trend.svg").unwrap(),
            (ChartKind::Trend, Some(ChartImage::Svg))
        );
        assert_eq!(
            parse_file("small_multiples.csv").unwrap(),
            (ChartKind::SmallMultiples, None)
        );
        for bad in ["trend", "pie.svg", "trend.gif", ".svg"] {
            assert!(
                matches!(parse_file(bad), Err(ApiError::NotFound(_))),
                "{bad}"
            );
        }
    }
}
