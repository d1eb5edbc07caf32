//! Tables of the served numbers with what must travel with them (title, sources, licence,
//! snapshot, caveats), written as CSV (attribution as leading `#` lines) or XLSX (an `about`
//! sheet).

use crate::error::ReportError;
use crate::snapshot::ServedSnapshot;
use lmi_core::IndicatorDef;

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
    pub fn to_csv(&self) -> Result<Vec<u8>, ReportError> {
        let mut out = Vec::new();
        for (label, text) in &self.about {
            let line = format!("# {label}: {text}").replace(['\r', '\n'], " ");
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
        let mut w = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(out);
        let err = |e: csv::Error| ReportError::Output {
            format: "CSV",
            message: e.to_string(),
        };
        w.write_record(&self.columns).map_err(err)?;
        for row in &self.rows {
            w.write_record(row.iter().map(Cell::text)).map_err(err)?;
        }
        w.into_inner().map_err(|e| ReportError::Output {
            format: "CSV",
            message: e.to_string(),
        })
    }

    /// A workbook with the table on sheet `data` and the attribution on sheet `about`.
    pub fn to_xlsx(&self) -> Result<Vec<u8>, ReportError> {
        use rust_xlsxwriter::{Format as XFormat, Workbook};
        let err = |e: rust_xlsxwriter::XlsxError| ReportError::Output {
            format: "XLSX",
            message: e.to_string(),
        };
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
}

/// Excel cells hold at most 32,767 characters; longer text (a pasted query) is cut.
fn clip(s: &str) -> &str {
    const MAX: usize = 32_767;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}
