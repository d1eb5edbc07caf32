//! Chart routes: `GET /v1/charts/{kind}.{svg|png|csv}` (the CSV is the table behind the chart)
//! and the older per-series `/v1/areas/{code}/indicators/{id}/chart`. lmi-report builds the
//! chart; drawn images are kept in a bounded cache keyed by snapshot version and request, so a
//! chart is drawn once per snapshot.

use crate::error::ApiError;
use crate::extract::{ApiPath, ApiQuery};
use crate::handlers::{ApiResult, CodeIdPath, tagged};
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderValue, header};
use axum::response::IntoResponse;
use lmi_core::AreaType;
use lmi_report::{
    COMPARATOR_TYPES, ChartImage, ChartKind, ChartParams, ChartRequest, ChartSpec, Members,
    ServedSnapshot,
};
use serde::Deserialize;
use std::sync::Arc;
use utoipa::IntoParams;

/// Drawn charts kept per server, in bytes.
const CACHE_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Clone)]
struct BytesWeighter;

impl quick_cache::Weighter<(String, ChartImage, String), Arc<Vec<u8>>> for BytesWeighter {
    fn weight(&self, _key: &(String, ChartImage, String), val: &Arc<Vec<u8>>) -> u64 {
        val.len().max(1) as u64
    }
}

/// Drawn charts by (snapshot version, image format, request), bounded by total bytes.
pub struct ChartCache {
    cache: quick_cache::sync::Cache<(String, ChartImage, String), Arc<Vec<u8>>, BytesWeighter>,
}

impl Default for ChartCache {
    fn default() -> Self {
        ChartCache {
            cache: quick_cache::sync::Cache::with_weighter(2048, CACHE_BYTES, BytesWeighter),
        }
    }
}

impl ChartCache {
    /// Drawn charts held.
    pub(crate) fn len(&self) -> usize {
        self.cache.len()
    }

    /// Total bytes of the drawn charts held.
    pub(crate) fn bytes(&self) -> u64 {
        self.cache.weight()
    }
}

/// Draws (or finds in the cache) the chart a request asks for.
async fn drawn(
    state: &AppState,
    snap: &Arc<ServedSnapshot>,
    req: ChartRequest,
    image: ChartImage,
) -> Result<Arc<Vec<u8>>, ApiError> {
    let key = (
        snap.version().to_owned(),
        image,
        format!("{}?{}", req.kind().as_str(), req.query_string()),
    );
    let cache = &state.shared.charts;
    if let Some(hit) = cache.cache.get(&key) {
        return Ok(hit);
    }
    let built = lmi_report::build_chart(&req, snap, state.geo())?;
    // Drawing is CPU work: keep it off the async worker threads, a bounded number at once.
    let _slot = state.heavy_slot().await?;
    let bytes = tokio::task::spawn_blocking(move || lmi_report::draw_chart(&built.chart, image))
        .await
        .map_err(|e| ApiError::Internal(format!("the chart could not be drawn: {e}")))??;
    let bytes = Arc::new(bytes);
    cache.cache.insert(key, bytes.clone());
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
    /// `ranked_breakdown` or `flows`; format `svg`, `png` or `csv` (the numbers behind the chart).
    #[param(
        example = "trend.svg",
        pattern = r"^(trend|ranking|breakdown|small_multiples|ranked_breakdown|flows)\.(svg|png|csv)$"
    )]
    pub String,
);

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ChartsQuery {
    /// GSS code of the area the chart is about.
    #[param(required = true, example = "E30000255")]
    area: Option<String>,
    /// Indicator id (`trend`, `ranking`, `small_multiples`).
    #[param(example = "ks4_apprenticeship_rate")]
    indicator: Option<String>,
    /// Breakdown id: for `breakdown` one of `ks4_destinations`, `post16_destinations`,
    /// `census_qualifications`; for `ranked_breakdown` a count breakdown of `/v1/breakdowns`
    /// (e.g. `census_occupation`).
    #[param(example = "ks4_destinations")]
    breakdown: Option<String>,
    /// Comma-separated comparator types for `trend` and `breakdown` (`county`,
    /// `combined_authority`, `region`, `country`); all when absent, none when empty.
    #[param(
        pattern = r"^((county|combined_authority|region|country)(,(county|combined_authority|region|country))*)?$",
        example = "region,country"
    )]
    comparators: Option<String>,
    /// `lad` or `ttwa`, for `small_multiples`.
    members: Option<Members>,
    /// Period for `ranking`, `breakdown`, `ranked_breakdown` (default: the area's latest) and
    /// `flows` (default: the latest full year).
    period: Option<String>,
    /// First period for `trend` and `small_multiples`.
    from: Option<String>,
    /// Last period for `trend` and `small_multiples`.
    to: Option<String>,
    /// Order of the parts for `ranked_breakdown`: `share` (default), `lq` or `change`.
    sort: Option<lmi_report::queries::BreakdownSort>,
    /// How many parts `ranked_breakdown` shows, first in `sort` order (default: all, at most
    /// 25).
    #[param(minimum = 1, maximum = 25)]
    top: Option<usize>,
    /// For `flows`: `delivery` (default), where the area's residents train, or `home`, where
    /// the learners trained in the area live.
    direction: Option<lmi_report::FlowDirection>,
}

fn parse_file(file: &str) -> Result<(ChartKind, Option<ChartImage>), ApiError> {
    let bad = || {
        ApiError::NotFound(format!(
            "no chart `{file}`: expected {{kind}}.{{svg|png|csv}} with kind one of trend, ranking, \
             breakdown, small_multiples, ranked_breakdown, flows"
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

fn parse_comparators(s: &str) -> Result<Vec<AreaType>, ApiError> {
    s.split(',')
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<AreaType>()
                .ok()
                .filter(|t| COMPARATOR_TYPES.contains(t))
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "comparator type `{t}` is not one of county, combined_authority, region, \
                         country"
                    ))
                })
        })
        .collect()
}

/// A chart of the served numbers as SVG or PNG, or the table behind it as CSV.
#[utoipa::path(get, path = "/v1/charts/{file}", tag = "charts",
    params(ChartFilePath, ChartsQuery),
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
    let params = ChartParams {
        indicator: q.indicator,
        breakdown: q.breakdown,
        comparators: q
            .comparators
            .as_deref()
            .map(parse_comparators)
            .transpose()?,
        members: q.members,
        period: q.period,
        from: q.from,
        to: q.to,
        sort: q.sort,
        top: q.top,
        direction: q.direction,
    };
    let req = ChartRequest {
        area,
        spec: ChartSpec::new(kind, params)?,
    };
    let snap = state.current();
    match image {
        Some(image) => {
            let bytes = drawn(&state, &snap, req.clone(), image).await?;
            Ok(image_response(&snap, &req, bytes, image))
        }
        None => {
            let built = lmi_report::build_chart(&req, &snap, state.geo())?;
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
        spec: ChartSpec::Trend {
            indicator: id,
            comparators: None,
            from: q.from,
            to: q.to,
        },
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
    fn chart_files_and_comparator_lists() {
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
        assert_eq!(
            parse_comparators("region, country").unwrap(),
            [AreaType::Region, AreaType::Country]
        );
        assert!(parse_comparators("").unwrap().is_empty());
        assert!(matches!(
            parse_comparators("lad"),
            Err(ApiError::BadRequest(_))
        ));
    }
}
