//! Table-shaped responses as CSV or XLSX, with source and licence attribution, and the choice
//! between JSON, CSV and XLSX (`?format=` wins over `Accept`).

use crate::error::ApiError;
use crate::state::ServedSnapshot;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use lmi_core::IndicatorDef;
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

/// One cell of an exported table.
#[derive(Debug, Clone)]
pub enum Cell {
    Text(String),
    Number(Option<f64>),
    Bool(bool),
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_owned())
    }
}
impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}
impl From<Option<&str>> for Cell {
    fn from(s: Option<&str>) -> Cell {
        Cell::Text(s.unwrap_or_default().to_owned())
    }
}
impl From<f64> for Cell {
    fn from(n: f64) -> Cell {
        Cell::Number(Some(n))
    }
}
impl From<Option<f64>> for Cell {
    fn from(n: Option<f64>) -> Cell {
        Cell::Number(n)
    }
}
impl From<Option<u32>> for Cell {
    fn from(n: Option<u32>) -> Cell {
        Cell::Number(n.map(f64::from))
    }
}
impl From<u32> for Cell {
    fn from(n: u32) -> Cell {
        Cell::Number(Some(f64::from(n)))
    }
}
impl From<bool> for Cell {
    fn from(b: bool) -> Cell {
        Cell::Bool(b)
    }
}

impl Cell {
    fn text(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Number(Some(n)) => n.to_string(),
            Cell::Number(None) => String::new(),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

/// A table plus what must travel with it: title, sources, licence, snapshot, caveats.
#[derive(Debug, Clone)]
pub struct Table {
    /// File name stem for downloads, e.g. `E07000117-ks4_apprenticeship_rate`.
    pub name: String,
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// (label, text) lines for the attribution block / "about" sheet.
    pub about: Vec<(String, String)>,
}

impl Table {
    pub fn new(
        name: impl Into<String>,
        columns: &[&str],
        snap: &ServedSnapshot,
        title: String,
        indicators: &[&IndicatorDef],
    ) -> Table {
        let meta = &snap.meta;
        let mut about = vec![("Title".to_owned(), title)];
        if let Some(notice) = &meta.notice {
            about.push(("Notice".into(), notice.clone()));
        }
        for d in indicators {
            about.push((
                "Indicator".into(),
                format!(
                    "{} ({}): {} [unit: {}]",
                    d.title, d.id, d.definition, d.unit
                ),
            ));
            about.push((
                "Indicator source".into(),
                format!("{} - {}", d.source_title, d.publisher),
            ));
            for c in d.caveats {
                about.push(("Caveat".into(), (*c).to_owned()));
            }
        }
        for s in &snap.manifest.sources {
            about.push((
                "Source".into(),
                format!(
                    "{} ({}), {}; sha256 {}",
                    s.title, s.publisher, s.attribution, s.sha256
                ),
            ));
        }
        about.push((
            "Licence".into(),
            format!("{} {}", meta.licence, meta.licence_url),
        ));
        about.push((
            "Snapshot".into(),
            format!("{} (created {})", meta.snapshot, meta.created_at),
        ));
        Table {
            name: name.into(),
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            rows: Vec::new(),
            about,
        }
    }

    pub fn push(&mut self, row: Vec<Cell>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.rows.push(row);
    }

    /// CSV with the attribution as leading `#` comment lines (pandas: `comment="#"`).
    pub fn to_csv(&self) -> Result<Vec<u8>, ApiError> {
        let mut out = Vec::new();
        for (label, text) in &self.about {
            let line = format!("# {label}: {text}").replace(['\r', '\n'], " ");
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(out);
        let err = |e: csv::Error| ApiError::Internal(format!("writing CSV: {e}"));
        w.write_record(&self.columns).map_err(err)?;
        for row in &self.rows {
            w.write_record(row.iter().map(Cell::text)).map_err(err)?;
        }
        w.into_inner()
            .map_err(|e| ApiError::Internal(format!("writing CSV: {e}")))
    }

    /// A workbook with the table on sheet `data` and the attribution on sheet `about`.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, ApiError> {
        use rust_xlsxwriter::{Format as XFormat, Workbook};
        let err = |e: rust_xlsxwriter::XlsxError| ApiError::Internal(format!("writing XLSX: {e}"));
        let mut book = Workbook::new();
        let bold = XFormat::new().set_bold();
        let data = book.add_worksheet();
        data.set_name("data").map_err(err)?;
        for (c, name) in self.columns.iter().enumerate() {
            data.write_string_with_format(0, c as u16, name, &bold)
                .map_err(err)?;
        }
        for (r, row) in self.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in row.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(s) => data.write_string(r, c, clip(s)).map(|_| ()),
                    Cell::Number(Some(n)) if n.is_finite() => {
                        data.write_number(r, c, *n).map(|_| ())
                    }
                    Cell::Number(_) => Ok(()),
                    Cell::Bool(b) => data.write_boolean(r, c, *b).map(|_| ()),
                }
                .map_err(err)?;
            }
        }
        let about = book.add_worksheet();
        about.set_name("about").map_err(err)?;
        about.set_column_width(0, 18).map_err(err)?;
        for (r, (label, text)) in self.about.iter().enumerate() {
            about
                .write_string_with_format(r as u32, 0, label, &bold)
                .map_err(err)?;
            about.write_string(r as u32, 1, clip(text)).map_err(err)?;
        }
        book.save_to_buffer().map_err(err)
    }

    /// The table as a download in `format` (CSV or XLSX).
    pub fn into_response(self, format: Format) -> Result<Response, ApiError> {
        let (bytes, content_type, ext) = match format {
            Format::Xlsx => (self.to_xlsx()?, XLSX, "xlsx"),
            _ => (self.to_csv()?, CSV, "csv"),
        };
        let safe: String = self
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
}

/// Excel cells hold at most 32,767 characters; longer text (a pasted query) is cut.
fn clip(s: &str) -> &str {
    const MAX: usize = 32_767;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => &s[..i],
        None => s,
    }
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
