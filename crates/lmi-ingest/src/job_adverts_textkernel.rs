//! ONS "Labour demand volumes by Standard Occupational Classification (SOC 2020), UK"
//! (`labourdemandbyoccupation.xlsx`, Textkernel online job adverts, official statistics in
//! development): sheet `Table 2`, one row per local authority district and one column per month,
//! advert **volumes** (counts), London published as one area. A different series from the
//! closed Adzuna index (`ons_job_adverts`), under its own measure: the two are never one series.
//!
//! Layout as DfE's dashboard reads it (`lsip_dashboard` `importData/importJobAds.R`: sheet
//! `Table 2`, header on the 4th row; columns `Region`, `ITL2`, `Local Authority District`,
//! `Local Authority Code`, then months labelled like `Jan-26`). NOT confirmed from a real file:
//! the header row is looked for in the first rows by its `Local Authority Code` cell, months are
//! read from text (`Jan-26`, `Jan 2026`, `January 2026`) or date cells, and anything else fails
//! naming the sheet and cell.

use crate::dfe::is_gss_code;
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::RawFile;
use calamine::{Data, Reader, Xlsx};
use lmi_core::Status;

/// Monthly online job advert volume (Textkernel), per area and month (`YYYY-MM`).
pub const TEXTKERNEL_ADVERTS: &str = "ons_textkernel_job_adverts";
const SHEET: &str = "Table 2";
const CODE: &str = "Local Authority Code";
const NAME: &str = "Local Authority District";
const HEADER_ROWS: u32 = 10;
/// ONS symbols: `[x]` not available, `[c]` confidential, `[z]` not applicable, `[low]`.
const SYMBOLS: [(&str, Status); 4] = [
    ("[x]", Status::Unavailable),
    ("[c]", Status::Suppressed),
    ("[z]", Status::NotApplicable),
    ("[low]", Status::Suppressed),
];
const MONTHS: [&str; 12] = [
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
];

fn cell_ref(row: u32, col: u32) -> String {
    let mut letters = String::new();
    let mut c = col + 1;
    while c > 0 {
        letters.insert(0, (b'A' + ((c - 1) % 26) as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

/// `Jan-26`, `Jan 2026`, `January 2026` -> `2026-01`.
fn month_of_text(text: &str) -> Option<String> {
    let text = text.trim().to_ascii_lowercase();
    let (month, year) = text.split_once(['-', ' '])?;
    let m = MONTHS
        .iter()
        .position(|p| month.starts_with(p) && month.len() >= 3)?;
    if month.len() > 3 {
        let full = [
            "january",
            "february",
            "march",
            "april",
            "may",
            "june",
            "july",
            "august",
            "september",
            "october",
            "november",
            "december",
        ];
        if month != full[m] {
            return None;
        }
    }
    let year: u32 = match year.trim() {
        y if y.len() == 2 => 2000 + y.parse::<u32>().ok()?,
        y if y.len() == 4 => y.parse().ok()?,
        _ => return None,
    };
    Some(format!("{year}-{:02}", m + 1))
}

/// An Excel date serial (days since 1899-12-30) -> `YYYY-MM` (H. Hinnant's civil-from-days).
fn month_of_serial(serial: f64) -> String {
    let z = serial.floor() as i64 - 25569 + 719_468; // 1970-01-01 is serial 25569
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y}-{m:02}")
}

/// A header cell as a month (`YYYY-MM`), when it is one.
fn month_of(cell: &Data) -> Option<String> {
    match cell {
        Data::String(s) => month_of_text(s),
        Data::DateTime(d) if !d.is_duration() => Some(month_of_serial(d.as_f64())),
        Data::DateTimeIso(s) => s
            .get(..7)
            .filter(|m| m.as_bytes().get(4) == Some(&b'-'))
            .map(str::to_owned),
        _ => None,
    }
}

fn text(cell: Option<&Data>) -> String {
    match cell {
        Some(Data::Empty) | None => String::new(),
        Some(d) => d.to_string().trim().to_owned(),
    }
}

pub fn parse(raw: &RawFile, source_id: &str, out: &mut Observations) -> Result<usize> {
    let error = |cell: String, expected: &str, found: String| IngestError::Workbook {
        file: raw.path.clone(),
        sheet: SHEET.to_owned(),
        cell,
        expected: expected.to_owned(),
        found,
    };
    let mut book = Xlsx::new(std::io::Cursor::new(raw.content.clone())).map_err(|e| {
        IngestError::Workbook {
            file: raw.path.clone(),
            sheet: String::new(),
            cell: String::new(),
            expected: "an Excel workbook (.xlsx)".into(),
            found: e.to_string(),
        }
    })?;
    let range = book.worksheet_range(SHEET).map_err(|e| {
        error(
            String::new(),
            "a sheet named `Table 2` (local authority by month)",
            e.to_string(),
        )
    })?;
    let (row0, col0) = range.start().unwrap_or((0, 0));
    let at = |r: u32, c: u32| range.get_value((r, c));
    // The header row: the one with a `Local Authority Code` cell (the 4th in DfE's reading).
    let width = range.width() as u32;
    let header = (row0..row0 + HEADER_ROWS)
        .find(|r| (col0..col0 + width).any(|c| text(at(*r, c)) == CODE))
        .ok_or_else(|| {
            error(
                format!("A{}:A{}", row0 + 1, row0 + HEADER_ROWS),
                "a header row with a `Local Authority Code` cell in the first rows",
                (row0..row0 + HEADER_ROWS.min(range.height() as u32))
                    .map(|r| text(at(r, col0)))
                    .collect::<Vec<_>>()
                    .join(" | "),
            )
        })?;
    let columns: Vec<(u32, String)> = (col0..col0 + width)
        .map(|c| (c, text(at(header, c))))
        .collect();
    let code_col = columns
        .iter()
        .find(|(_, h)| h == CODE)
        .map(|(c, _)| *c)
        .expect("found above");
    let name_col = columns.iter().find(|(_, h)| h == NAME).map(|(c, _)| *c);
    let months: Vec<(u32, String)> = columns
        .iter()
        .filter(|(c, _)| *c > code_col)
        .filter_map(|(c, _)| at(header, *c).and_then(month_of).map(|m| (*c, m)))
        .collect();
    if months.is_empty() {
        return Err(error(
            format!(
                "{}:{}",
                cell_ref(header, code_col + 1),
                cell_ref(header, col0 + width)
            ),
            "month columns after `Local Authority Code` (e.g. `Jan-26`)",
            columns
                .iter()
                .filter(|(c, _)| *c > code_col)
                .map(|(_, h)| h.clone())
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    // Every header after the code must be a month: a stray column is a layout change.
    if let Some((c, h)) = columns
        .iter()
        .filter(|(c, h)| *c > code_col && !h.is_empty())
        .find(|(c, _)| !months.iter().any(|(m, _)| m == c))
    {
        return Err(error(
            cell_ref(header, *c),
            "a month such as `Jan-26`",
            h.clone(),
        ));
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut kept = 0;
    for r in header + 1..row0 + range.height() as u32 {
        let code = text(at(r, code_col));
        let name = name_col.map(|c| text(at(r, c))).unwrap_or_default();
        if code.is_empty() && name.is_empty() {
            // Blank rows and notes below the table.
            continue;
        }
        if !is_gss_code(&code) {
            return Err(error(
                cell_ref(r, code_col),
                "a GSS area code (London is one area: its code as published)",
                format!("`{code}` for `{name}`"),
            ));
        }
        if !seen.insert(code.clone()) {
            return Err(error(
                cell_ref(r, code_col),
                "each area once",
                format!("{code} again"),
            ));
        }
        for (c, month) in &months {
            let (value, status) = match at(r, *c) {
                Some(Data::Float(f)) if f.is_finite() && *f >= 0.0 => (Some(*f), Status::Ok),
                Some(Data::Int(i)) if *i >= 0 => (Some(*i as f64), Status::Ok),
                other => {
                    let found = text(other);
                    match SYMBOLS.iter().find(|(s, _)| *s == found) {
                        Some((_, status)) => (None, *status),
                        None => {
                            return Err(error(
                                cell_ref(r, *c),
                                "an advert count or one of [x] [c] [z] [low]",
                                found,
                            ));
                        }
                    }
                }
            };
            out.push(source_id, &code, month, TEXTKERNEL_ADVERTS, value, status);
        }
        kept += 1;
    }
    if kept == 0 {
        return Err(IngestError::NoRows {
            file: raw.path.clone(),
            reason: format!("sheet `{SHEET}` has a header but no area rows"),
        });
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_labels_in_the_forms_seen() {
        assert_eq!(month_of_text("Jan-26").as_deref(), Some("2026-01"));
        assert_eq!(month_of_text("Dec 2025").as_deref(), Some("2025-12"));
        assert_eq!(month_of_text("September 2025").as_deref(), Some("2025-09"));
        assert_eq!(month_of_text("Sept-25"), None);
        assert_eq!(month_of_text("Region"), None);
        assert_eq!(month_of_text("Jan-2"), None);
        // 1 January 2026 and 29 February 2024 as Excel serials.
        assert_eq!(month_of_serial(46023.0), "2026-01");
        assert_eq!(month_of_serial(45351.0), "2024-02");
    }

    #[test]
    fn the_sample_workbook_gives_monthly_volumes_with_london_as_one_area() {
        let raw = RawFile::read(
            &std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../datasets/sample/ons/labourdemandbyoccupation.xlsx"),
        )
        .unwrap();
        let mut obs = Observations::default();
        let rows = parse(&raw, "s", &mut obs).unwrap();
        // Every district outside London (263 of 296) and London.
        assert_eq!(rows, 296 - 33 + 1);
        assert_eq!(obs.len(), rows * 12);
        let df = obs.into_frame().unwrap();
        let col = |c: &str| df.column(c).unwrap().str().unwrap().clone();
        let (area, period, status) = (
            col(crate::observations::AREA_CODE),
            col(crate::observations::PERIOD),
            col(crate::observations::STATUS),
        );
        let london: Vec<usize> = (0..df.height())
            .filter(|i| area.get(*i) == Some("E12000007"))
            .collect();
        assert_eq!(london.len(), 12);
        let december = london
            .iter()
            .find(|i| period.get(**i) == Some("2025-12"))
            .unwrap();
        assert_eq!(status.get(*december), Some("unavailable"));
        assert!((0..df.height()).all(|i| !area.get(i).unwrap().starts_with("E09")));
    }
}
