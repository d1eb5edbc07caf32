//! The choice between JSON, CSV and XLSX (`?format=` wins over `Accept`), and tables (from
//! lmi-report, attribution included) as CSV or XLSX downloads.

use crate::error::ApiError;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lmi_report::Table;
use serde::Deserialize;

pub const CSV: &str = "text/csv; charset=utf-8";
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Response format of a table-shaped endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Json,
    Csv,
    Xlsx,
}

impl Format {
    /// `?format=` if given, else the most preferred of JSON, CSV and XLSX in `Accept`.
    pub fn negotiate(param: Option<Format>, headers: &HeaderMap) -> Format {
        if let Some(f) = param {
            return f;
        }
        let Some(accept) = headers.get(header::ACCEPT).and_then(|v| v.to_str().ok()) else {
            return Format::Json;
        };
        let mut best: Option<(f32, usize, Format)> = None;
        for (i, range) in accept.split(',').enumerate() {
            let mut parts = range.split(';');
            let media = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q="))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0);
            let format = match media.as_str() {
                "text/csv" => Format::Csv,
                XLSX => Format::Xlsx,
                "application/json" | "application/*" | "*/*" => Format::Json,
                _ => continue,
            };
            // Highest q wins; on a tie, the first listed.
            if q > 0.0 && best.is_none_or(|(bq, _, _)| q > bq) {
                best = Some((q, i, format));
            }
        }
        best.map_or(Format::Json, |(_, _, f)| f)
    }
}

/// A table as a download in `format` (CSV or XLSX), attribution included.
pub fn table_response(table: Table, format: Format) -> Result<Response, ApiError> {
    let (bytes, content_type, ext) = match format {
        Format::Xlsx => (table.to_xlsx()?, XLSX, "xlsx"),
        _ => (table.to_csv()?, CSV, "csv"),
    };
    let safe: String = table
        .name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{safe}.{ext}\"")) {
        headers.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn accept(v: &str) -> Format {
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_str(v).unwrap());
        Format::negotiate(None, &h)
    }

    #[test]
    fn the_format_parameter_wins_over_accept_and_accept_honours_q() {
        assert_eq!(accept("text/csv"), Format::Csv);
        assert_eq!(accept("application/json, text/csv"), Format::Json);
        assert_eq!(accept("application/json;q=0.5, text/csv"), Format::Csv);
        assert_eq!(accept(XLSX), Format::Xlsx);
        assert_eq!(accept("text/html"), Format::Json);
        assert_eq!(accept("text/csv;q=0"), Format::Json);
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT, HeaderValue::from_static("text/csv"));
        assert_eq!(Format::negotiate(Some(Format::Xlsx), &h), Format::Xlsx);
        assert_eq!(Format::negotiate(None, &HeaderMap::new()), Format::Json);
    }
}
