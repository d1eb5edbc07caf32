//! Annual Population Survey table T19 (qualification by age and sex) as downloaded from a Nomis
//! web query and tidied to long CSV: `date,area_type,area_name,area_code,cell,number,flag,
//! conf_95_pm`. Reads the seven "All people aged 16-64" cells (T19:1 to T19:7), emits the NVQ4+
//! count with its ± 95% interval and the 16-64 total (the sum of the seven cells).
//!
//! `number` symbols: `!` estimate withheld (sample too small), `~` disclosive, `-` none; a `*`
//! in `conf_95_pm` means the interval is not reliable. `area_code` may list several historic
//! codes joined by `;` (one row per code is emitted); rows without a code (LEPs, user-defined
//! areas) are skipped.

use crate::dfe::is_gss_code;
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::{Header, RawFile, bad_value, csv_error};
use lmi_core::Status;
use std::collections::BTreeMap;

pub const SOURCE_ID: &str = "nomis_aps_t19_qualifications";
pub const NVQ4PLUS: &str = "aps_t19_nvq4plus";
pub const NVQ4PLUS_CI: &str = "aps_t19_nvq4plus_ci95";
pub const TOTAL: &str = "aps_t19_total";

const EXPECTED: &str = "the tidied Nomis APS layout (date, area_type, area_name, area_code, \
    cell, number, flag, conf_95_pm)";
const KNOWN: [&str; 8] = [
    "date",
    "area_type",
    "area_name",
    "area_code",
    "cell",
    "number",
    "flag",
    "conf_95_pm",
];
pub(crate) const AREA_TYPES: [&str; 2] = ["ladu", "country"];
/// Cells T19:1..T19:7: all people aged 16-64 by highest qualification; T19:6 is NVQ4+.
const CELLS: usize = 7;
const NVQ4PLUS_CELL: usize = 6;

/// The columns of the tidied Nomis APS layout every APS table shares.
pub(crate) struct Columns {
    pub date: usize,
    pub area_type: usize,
    pub area_code: usize,
    pub cell: usize,
    pub number: usize,
    pub conf: usize,
}

impl Columns {
    pub(crate) fn read(raw: &RawFile, reader: &mut csv::Reader<&[u8]>) -> Result<Columns> {
        let header = Header::read(raw, reader, EXPECTED)?;
        let ix = |c: &str| header.require(c, &KNOWN);
        Ok(Columns {
            date: ix("date")?,
            area_type: ix("area_type")?,
            area_code: ix("area_code")?,
            cell: ix("cell")?,
            number: ix("number")?,
            conf: ix("conf_95_pm")?,
        })
    }
}

/// One APS cell: the estimate (absent when withheld), its status and its ± 95% interval.
pub(crate) struct Estimate {
    pub value: Option<f64>,
    pub status: Status,
    pub ci: Option<f64>,
}

/// Reads `number` and `conf_95_pm`: `!`/`~` withheld (suppressed), `-` none (unavailable), a `*`
/// interval marks the estimate unreliable. Errors are (column, expectation, found).
pub(crate) fn estimate(
    number: &str,
    conf: &str,
) -> std::result::Result<Estimate, (&'static str, &'static str, String)> {
    let (value, mut status) = match number {
        "!" | "~" => (None, Status::Suppressed),
        "-" => (None, Status::Unavailable),
        s => (
            Some(s.parse::<f64>().ok().filter(|v| *v >= 0.0).ok_or((
                "number",
                "a count or one of ! ~ -",
                s.to_owned(),
            ))?),
            Status::Ok,
        ),
    };
    let ci = match conf {
        // `!` accompanies a withheld estimate; `-` a missing one.
        "" | "-" | "!" => None,
        "*" => {
            if value.is_some() {
                status = Status::LowReliability;
            }
            None
        }
        s => Some(s.parse::<f64>().ok().ok_or((
            "conf_95_pm",
            "a number, `*` or `-`",
            s.to_owned(),
        ))?),
    };
    Ok(Estimate { value, status, ci })
}

/// `Jan 2021-Dec 2021` -> `2021`.
pub(crate) fn calendar_year(raw: &str) -> Option<String> {
    let (from, to) = raw.split_once('-')?;
    let year = from.strip_prefix("Jan ")?;
    (to == format!("Dec {year}") && year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
        .then(|| year.to_owned())
}

/// `T19:6 (Total - All people aged 16-64 : NVQ4+ )` -> 6, for the 16-64 cells only.
fn cell_number(cell: &str) -> Option<usize> {
    let rest = cell.strip_prefix("T19:")?;
    let (n, label) = rest.split_once(' ')?;
    let n: usize = n.parse().ok()?;
    ((1..=CELLS).contains(&n) && label.contains("All people aged 16-64")).then_some(n)
}

#[derive(Debug, Default)]
struct AreaYear {
    line: u64,
    cells: [Option<(Option<f64>, Status)>; CELLS],
    nvq4plus_ci: Option<f64>,
}

pub fn parse(raw: &RawFile, out: &mut Observations) -> Result<usize> {
    let mut reader = raw.csv();
    let Columns {
        date: date_ix,
        area_type: type_ix,
        area_code: code_ix,
        cell: cell_ix,
        number: number_ix,
        conf: conf_ix,
    } = Columns::read(raw, &mut reader)?;
    let mut groups: BTreeMap<(String, String), AreaYear> = BTreeMap::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        let Some(cell) = cell_number(field(cell_ix)) else {
            continue;
        };
        if !AREA_TYPES.contains(&field(type_ix)) || field(code_ix).is_empty() {
            continue;
        }
        let bad = |column: &str, expected: &str, found: &str| {
            bad_value(&raw.path, line, column, expected, found)
        };
        let period = calendar_year(field(date_ix)).ok_or_else(|| {
            bad(
                "date",
                "a calendar year such as `Jan 2021-Dec 2021`",
                field(date_ix),
            )
        })?;
        let Estimate { value, status, ci } = estimate(field(number_ix), field(conf_ix))
            .map_err(|(column, expected, found)| bad(column, expected, &found))?;
        for code in field(code_ix).split(';').map(str::trim) {
            if !is_gss_code(code) {
                return Err(bad(
                    "area_code",
                    "GSS codes separated by `;`",
                    field(code_ix),
                ));
            }
            let group = groups.entry((code.to_owned(), period.clone())).or_default();
            if group.cells[cell - 1].is_some() {
                return Err(IngestError::DuplicateKey {
                    file: raw.path.clone(),
                    line,
                    key: format!("area {code}, {period}, cell T19:{cell}"),
                    first_line: group.line,
                });
            }
            group.line = line;
            group.cells[cell - 1] = Some((value, status));
            if cell == NVQ4PLUS_CELL {
                group.nvq4plus_ci = ci;
            }
        }
    }
    let mut kept = 0;
    for ((code, period), group) in &groups {
        let Some((nvq4, nvq4_status)) = group.cells[NVQ4PLUS_CELL - 1] else {
            continue;
        };
        out.push(SOURCE_ID, code, period, NVQ4PLUS, nvq4, nvq4_status);
        if let (Some(ci), true) = (group.nvq4plus_ci, nvq4.is_some()) {
            out.push(SOURCE_ID, code, period, NVQ4PLUS_CI, Some(ci), Status::Ok);
        }
        // The total is known only when every cell is.
        let total: Option<f64> = group.cells.iter().map(|c| c.and_then(|(v, _)| v)).sum();
        let status = if total.is_some() {
            Status::Ok
        } else {
            Status::Suppressed
        };
        out.push(SOURCE_ID, code, period, TOTAL, total, status);
        kept += 1;
    }
    if kept == 0 {
        return Err(IngestError::NoRows {
            file: raw.path.clone(),
            reason: "no district or country rows for cells T19:1-T19:7 (all people aged 16-64)"
                .into(),
        });
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{AREA_CODE, MEASURE, STATUS, VALUE};
    use std::path::Path;

    fn rows(code: &str, numbers: [&str; 7], conf4: &str) -> String {
        let labels = [
            "None",
            "NVQ1",
            "NVQ2",
            "Trade Apprenticeships",
            "NVQ3",
            "NVQ4+",
            "Other Qualifications",
        ];
        (0..7)
            .map(|i| {
                let conf = if i == 5 { conf4 } else { "1000" };
                format!(
                    "Jan 2021-Dec 2021,ladu,Somewhere,{code},T19:{} (Total - All people aged 16-64 : {} ),{},,{conf}\n",
                    i + 1,
                    labels[i],
                    numbers[i]
                )
            })
            .collect()
    }

    fn parse_text(text: &str) -> polars::prelude::DataFrame {
        let raw = RawFile::from_bytes(Path::new("aps.csv"), text.as_bytes().to_vec()).unwrap();
        let mut obs = Observations::default();
        parse(&raw, &mut obs).unwrap();
        obs.into_frame().unwrap()
    }

    #[test]
    fn nvq4plus_comes_with_its_interval_and_the_16_64_total() {
        let text = format!(
            "date,area_type,area_name,area_code,cell,number,flag,conf_95_pm\n{}",
            rows(
                "E07000117",
                ["100", "200", "300", "50", "250", "400", "100"],
                "5400"
            )
        );
        let df = parse_text(&text);
        let m: Vec<_> = df
            .column(MEASURE)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        let v = df.column(VALUE).unwrap().f64().unwrap();
        assert_eq!(m, [NVQ4PLUS, NVQ4PLUS_CI, TOTAL]);
        assert_eq!(
            (v.get(0), v.get(1), v.get(2)),
            (Some(400.0), Some(5400.0), Some(1400.0))
        );
    }

    #[test]
    fn a_withheld_cell_suppresses_the_total_and_joined_codes_fan_out() {
        let text = format!(
            "date,area_type,area_name,area_code,cell,number,flag,conf_95_pm\n{}",
            rows(
                "E08000016;E08000038",
                ["100", "!", "300", "50", "250", "400", "100"],
                "*"
            )
        );
        let df = parse_text(&text);
        assert_eq!(df.height(), 4);
        let codes = df.column(AREA_CODE).unwrap().str().unwrap();
        assert_eq!(
            (codes.get(0), codes.get(2)),
            (Some("E08000016"), Some("E08000038"))
        );
        let s = df.column(STATUS).unwrap().str().unwrap();
        assert_eq!(s.get(0), Some("low_reliability"));
        assert_eq!(s.get(1), Some("suppressed"));
        assert_eq!(df.column(VALUE).unwrap().f64().unwrap().get(1), None);
    }
}
