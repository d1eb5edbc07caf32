//! APS employment by industry (table T13a, 9 SIC 2007 groups) and by occupation (table T09a, 25
//! SOC 2010 sub-major groups), from Nomis web queries tidied to the long layout of the T19 file
//! (`date,area_type,area_name,area_code,cell,number,flag,conf_95_pm`). Per district and England
//! and year: each cell's estimate as `aps_<table>_<cell>` with Nomis's symbols kept as flags
//! (`!`, `~`, `-` in `number`; `*` in `conf_95_pm`), and the total `aps_<table>_total`, the sum
//! of the cells, known only when every cell is.

use crate::aps::{AREA_TYPES, Columns, calendar_year, estimate};
use crate::dfe::newest_joined_code;
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::{RawFile, bad_value, csv_error, rows_kept};
use lmi_core::Status;
use std::collections::BTreeMap;

/// One APS table read as a breakdown.
#[derive(Debug, Clone, Copy)]
pub struct ApsTable {
    /// Nomis table prefix, e.g. `T13a`.
    pub table: &'static str,
    /// Cell numbers, in order.
    pub cells: &'static [u32],
}

pub const T13A: ApsTable = ApsTable {
    table: "T13a",
    cells: &[1, 4, 7, 10, 13, 16, 19, 22, 25],
};
pub const T09A: ApsTable = ApsTable {
    table: "T09a",
    cells: &[
        1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46, 49, 52, 55, 58, 61, 64, 67,
        70, 73,
    ],
};

/// T09b, SOC 2020: 26 sub-major groups, numbered as T09a's (1, 4, …, 76); the fetching catalogue
/// entry checks the numbers of the cells it finds by label.
pub const T09B: ApsTable = ApsTable {
    table: "T09b",
    cells: &[
        1, 4, 7, 10, 13, 16, 19, 22, 25, 28, 31, 34, 37, 40, 43, 46, 49, 52, 55, 58, 61, 64, 67,
        70, 73, 76,
    ],
};

/// `aps_t13a_7`.
pub fn cell_measure(table: &ApsTable, cell: u32) -> String {
    format!("aps_{}_{cell}", table.table.to_lowercase())
}

/// `aps_t13a_total`.
pub fn total_measure(table: &ApsTable) -> String {
    format!("aps_{}_total", table.table.to_lowercase())
}

pub fn parse(
    raw: &RawFile,
    source_id: &str,
    table: &ApsTable,
    out: &mut Observations,
) -> Result<usize> {
    let mut reader = raw.csv();
    let Columns {
        date: date_ix,
        area_type: type_ix,
        area_code: code_ix,
        cell: cell_ix,
        number: number_ix,
        conf: conf_ix,
    } = Columns::read(raw, &mut reader)?;
    let prefix = format!("{}:", table.table);
    // (area, year) -> cell -> estimate (absent when withheld)
    let mut groups: BTreeMap<(String, String), BTreeMap<u32, Option<f64>>> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        let bad = |column: &str, expected: &str, found: &str| {
            bad_value(&raw.path, line, column, expected, found)
        };
        if !AREA_TYPES.contains(&field(type_ix)) || field(code_ix).is_empty() {
            continue;
        }
        let cell = field(cell_ix)
            .strip_prefix(&prefix)
            .and_then(|rest| rest.split_once(' '))
            .and_then(|(n, _)| n.parse::<u32>().ok())
            .filter(|n| table.cells.contains(n))
            .ok_or_else(|| {
                bad(
                    "cell",
                    &format!(
                        "one of the {} cells {}:{:?}",
                        table.cells.len(),
                        table.table,
                        table.cells
                    ),
                    field(cell_ix),
                )
            })?;
        let period = calendar_year(field(date_ix)).ok_or_else(|| {
            bad(
                "date",
                "a calendar year such as `Jan 2021-Dec 2021`",
                field(date_ix),
            )
        })?;
        let code = newest_joined_code(field(code_ix))
            .ok_or_else(|| bad("area_code", "GSS codes separated by `;`", field(code_ix)))?;
        let e = estimate(field(number_ix), field(conf_ix))
            .map_err(|(column, expected, found)| bad(column, expected, &found))?;
        let flags = match (field(number_ix), field(conf_ix)) {
            (n @ ("!" | "~" | "-"), _) => Some(format!("number={n}")),
            (_, "*") => Some("conf_95_pm=*".to_owned()),
            _ => None,
        };
        let measure = cell_measure(table, cell);
        match &flags {
            Some(f) => out.push_flagged(source_id, code, &period, &measure, e.value, e.status, f),
            None => out.push(source_id, code, &period, &measure, e.value, e.status),
        }
        let group = groups.entry((code.to_owned(), period.clone())).or_default();
        if group.insert(cell, e.value).is_some() {
            return Err(IngestError::DuplicateKey {
                file: raw.path.clone(),
                line,
                key: format!("area {code}, {period}, cell {}:{cell}", table.table),
                first_line: 0,
            });
        }
    }
    let total = total_measure(table);
    for ((code, period), cells) in &groups {
        let sum: Option<f64> = table
            .cells
            .iter()
            .map(|c| cells.get(c).copied().flatten())
            .sum();
        let status = if sum.is_some() {
            Status::Ok
        } else {
            Status::Suppressed
        };
        out.push(source_id, code, period, &total, sum, status);
    }
    rows_kept(
        raw,
        groups.len(),
        &format!("no district or England rows of table {}", table.table),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{FLAGS, MEASURE, STATUS, VALUE};

    #[test]
    fn cells_keep_their_symbols_and_a_withheld_cell_withholds_the_total() {
        let mut text =
            "date,area_type,area_name,area_code,cell,number,flag,conf_95_pm\n".to_owned();
        for (i, c) in T13A.cells.iter().enumerate() {
            let (number, conf) = match i {
                0 => ("!", "!"),
                1 => ("4400", "*"),
                _ => ("1000", "300"),
            };
            text += &format!(
                "Jan 2018-Dec 2018,ladu,Burnley,E07000117,\"T13a:{c} (X (SIC 2007) : All people )\",{number},,{conf}\n"
            );
        }
        let df = crate::raw::parse_text(&text, |raw, obs| parse(raw, "s", &T13A, obs)).unwrap();
        assert_eq!(df.height(), 10);
        let flags = df.column(FLAGS).unwrap().str().unwrap();
        let status = df.column(STATUS).unwrap().str().unwrap();
        assert_eq!(
            (flags.get(0), status.get(0)),
            (Some("number=!"), Some("suppressed"))
        );
        assert_eq!(
            (flags.get(1), status.get(1)),
            (Some("conf_95_pm=*"), Some("low_reliability"))
        );
        let m = df.column(MEASURE).unwrap().str().unwrap();
        assert_eq!(m.get(9), Some("aps_t13a_total"));
        assert_eq!(df.column(VALUE).unwrap().f64().unwrap().get(9), None);
    }
}
