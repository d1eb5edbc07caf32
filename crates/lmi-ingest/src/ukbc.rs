//! UK Business Counts, enterprises (Nomis NM_142_1) by broad industry group and employment size
//! band, as downloaded from a Nomis web query and tidied to one row per (year, industry, area):
//! `date,industry,legal_status,area_type,area_name,area_code,Total,Micro (0 to 9),Small (10 to
//! 49),Medium-sized (50 to 249),Large (250+)`.
//!
//! Emits, per district (`ladu`) and England (`country`): the enterprise total (industry `Total`,
//! column `Total`), its four size bands, and the total of each of the 18 broad industry groups
//! (`1 : Agriculture, forestry & fishing (A)` …). Counts are as published (rounded to 5 by ONS).
//! `area_code` was added by name matching and may join several historic codes of one name with
//! `;` (`E06000048;E06000057` Northumberland): GSS codes are issued in ascending order, so the
//! last is the newest and the only one kept (keeping both would count the area twice when the
//! pipeline maps old codes to current ones).

use crate::dfe::newest_joined_code;
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::{Header, RawFile, bad_value, csv_error, rows_kept};
use lmi_core::Status;
use lmi_core::breakdown::{UKBC_INDUSTRIES, UKBC_SIZE_BANDS, UKBC_TOTAL};
use std::collections::HashMap;

const EXPECTED: &str = "the tidied Nomis UK Business Counts layout (date, industry, legal_status, \
    area_type, area_name, area_code, Total and the four size-band columns)";
const SIZE_COLUMNS: [&str; 4] = [
    "Micro (0 to 9)",
    "Small (10 to 49)",
    "Medium-sized (50 to 249)",
    "Large (250+)",
];
const KNOWN: [&str; 11] = [
    "date",
    "industry",
    "legal_status",
    "area_type",
    "area_name",
    "area_code",
    "Total",
    SIZE_COLUMNS[0],
    SIZE_COLUMNS[1],
    SIZE_COLUMNS[2],
    SIZE_COLUMNS[3],
];
const AREA_TYPES: [&str; 2] = ["ladu", "country"];

/// `Total` -> None (all industries); `3 : Manufacturing (C)` -> Some(3).
fn industry_number(label: &str) -> std::result::Result<Option<usize>, ()> {
    if label == "Total" {
        return Ok(None);
    }
    let (n, _) = label.split_once(" : ").ok_or(())?;
    let n: usize = n.trim().parse().map_err(|_| ())?;
    (1..=UKBC_INDUSTRIES.len())
        .contains(&n)
        .then_some(Some(n))
        .ok_or(())
}

pub fn parse(raw: &RawFile, source_id: &str, out: &mut Observations) -> Result<usize> {
    let mut reader = raw.csv();
    let header = Header::read(raw, &mut reader, EXPECTED)?;
    let ix = |c: &str| header.require(c, &KNOWN);
    let (date_ix, industry_ix, legal_ix, type_ix, code_ix, total_ix) = (
        ix("date")?,
        ix("industry")?,
        ix("legal_status")?,
        ix("area_type")?,
        ix("area_code")?,
        ix("Total")?,
    );
    let size_ix = SIZE_COLUMNS
        .iter()
        .map(|c| ix(c))
        .collect::<Result<Vec<_>>>()?;
    let mut seen: HashMap<(String, String, String), u64> = HashMap::new();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        let bad = |column: &str, expected: &str, found: &str| {
            bad_value(&raw.path, line, column, expected, found)
        };
        if !AREA_TYPES.contains(&field(type_ix)) {
            continue;
        }
        if field(legal_ix) != "Total" {
            return Err(bad(
                "legal_status",
                "`Total` (all legal statuses)",
                field(legal_ix),
            ));
        }
        let period = field(date_ix);
        if period.len() != 4 || !period.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad("date", "a year such as 2022", period));
        }
        let industry = industry_number(field(industry_ix)).map_err(|()| {
            bad(
                "industry",
                "`Total` or `N : <broad industry group>` with N from 1 to 18",
                field(industry_ix),
            )
        })?;
        let codes = field(code_ix);
        let code = newest_joined_code(codes)
            .ok_or_else(|| bad("area_code", "GSS codes separated by `;`", codes))?;
        let key = (
            code.to_owned(),
            period.to_owned(),
            field(industry_ix).to_owned(),
        );
        if let Some(first_line) = seen.insert(key, line) {
            return Err(IngestError::DuplicateKey {
                file: raw.path.clone(),
                line,
                key: format!("area {code}, {period}, industry {}", field(industry_ix)),
                first_line,
            });
        }
        let count = |ix: usize, column: &str| -> Result<f64> {
            field(ix)
                .parse::<u64>()
                .map(|v| v as f64)
                .map_err(|_| bad(column, "a whole number of enterprises", field(ix)))
        };
        match industry {
            None => {
                out.push(
                    source_id,
                    code,
                    period,
                    UKBC_TOTAL.measure,
                    Some(count(total_ix, "Total")?),
                    Status::Ok,
                );
                for ((ix, column), band) in size_ix.iter().zip(SIZE_COLUMNS).zip(UKBC_SIZE_BANDS) {
                    out.push(
                        source_id,
                        code,
                        period,
                        band.measure,
                        Some(count(*ix, column)?),
                        Status::Ok,
                    );
                }
            }
            Some(n) => out.push(
                source_id,
                code,
                period,
                UKBC_INDUSTRIES[n - 1].measure,
                Some(count(total_ix, "Total")?),
                Status::Ok,
            ),
        }
        kept += 1;
    }
    rows_kept(
        raw,
        kept,
        "no district (`ladu`) or England (`country`) rows",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{AREA_CODE, MEASURE, VALUE};

    const HEADER: &str = "date,industry,legal_status,area_type,area_name,area_code,Total,Micro (0 to 9),Small (10 to 49),Medium-sized (50 to 249),Large (250+)\n";

    fn parse_text(text: &str) -> Result<polars::prelude::DataFrame> {
        crate::raw::parse_text(text, |raw, obs| parse(raw, "nomis_ukbc_enterprises", obs))
    }

    #[test]
    fn totals_bands_and_industries_become_measures_and_joined_codes_keep_the_newest() {
        let text = format!(
            "{HEADER}2022,Total,Total,ladu,Burnley,E07000117,2655,2300,290,50,15\n\
             2022,3 : Manufacturing (C),Total,ladu,Burnley,E07000117,260,180,55,20,5\n\
             2022,Total,Total,ladu,Northumberland,E06000048;E06000057,9000,8000,800,150,50\n\
             2022,Total,Total,User Defined Geography,Somewhere,,100,90,5,5,0\n"
        );
        let df = parse_text(&text).unwrap();
        assert_eq!(df.height(), 11);
        let m = df.column(MEASURE).unwrap().str().unwrap();
        let v = df.column(VALUE).unwrap().f64().unwrap();
        assert_eq!(
            (m.get(0), v.get(0)),
            (Some("ukbc_enterprises"), Some(2655.0))
        );
        assert_eq!(
            (m.get(5), v.get(5)),
            (Some("ukbc_industry_03"), Some(260.0))
        );
        let codes = df.column(AREA_CODE).unwrap().str().unwrap();
        assert_eq!(codes.get(6), Some("E06000057"));
    }

    #[test]
    fn an_unknown_industry_label_is_refused_with_its_line() {
        let text = format!("{HEADER}2022,19 : Other,Total,ladu,Burnley,E07000117,5,5,0,0,0\n");
        let err = parse_text(&text).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("19 : Other"), "{err}");
    }
}
