//! Census 2021 bulk tables as distributed by Nomis (one row per area, one column per category):
//! TS067 "Highest level of qualification" (usual residents aged 16+) and TS063 "Occupation
//! (current)" (usual residents aged 16+ in employment, SOC 2020 major groups).
//!
//! Accepted layouts: the Nomis bulk file (`date,geography,geography code,<categories>`), tables
//! keyed by `LSOA21CD` (small areas) or `LAD22CD`/`LAD21CD`/`LAD23CD`. Rows are local authority
//! districts (E06/E07/E08/E09/W06) or 2021 LSOAs (E01/W01); Welsh rows are kept as published but
//! have no English parent. The first category is the total and must equal the sum of the others.

use crate::dfe::is_gss_code;
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::{Header, RawFile, bad_value, csv_error};
use lmi_core::Status;
use std::collections::HashMap;

/// One Census bulk table: its column prefix and categories (Nomis name after the prefix, measure
/// id), total first.
#[derive(Debug, Clone, Copy)]
pub struct CensusTable {
    pub name: &'static str,
    pub prefix: &'static str,
    pub categories: &'static [(&'static str, &'static str)],
}

pub const TS067: CensusTable = CensusTable {
    name: "TS067",
    prefix: "Highest level of qualification: ",
    categories: &CATEGORIES,
};

pub const TS063: CensusTable = CensusTable {
    name: "TS063",
    prefix: "Occupation (current): ",
    categories: &[
        (
            "Total: All usual residents aged 16 years and over in employment the week before the census",
            "ts063_total",
        ),
        ("1. Managers, directors and senior officials", "ts063_soc1"),
        ("2. Professional occupations", "ts063_soc2"),
        (
            "3. Associate professional and technical occupations",
            "ts063_soc3",
        ),
        (
            "4. Administrative and secretarial occupations",
            "ts063_soc4",
        ),
        ("5. Skilled trades occupations", "ts063_soc5"),
        (
            "6. Caring, leisure and other service occupations",
            "ts063_soc6",
        ),
        ("7. Sales and customer service occupations", "ts063_soc7"),
        ("8. Process, plant and machine operatives", "ts063_soc8"),
        ("9. Elementary occupations", "ts063_soc9"),
    ],
};

/// TS067 categories: the Nomis column name (after the common prefix) and the measure id.
pub const CATEGORIES: [(&str, &str); 8] = [
    (
        "Total: All usual residents aged 16 years and over",
        "ts067_total",
    ),
    ("No qualifications", "ts067_no_qualifications"),
    ("Level 1 and entry level qualifications", "ts067_level1"),
    ("Level 2 qualifications", "ts067_level2"),
    ("Apprenticeship", "ts067_apprenticeship"),
    ("Level 3 qualifications", "ts067_level3"),
    ("Level 4 qualifications and above", "ts067_level4plus"),
    ("Other qualifications", "ts067_other"),
];

// A small-area table also names each LSOA's district: its own code column comes first.
const CODE_COLUMNS: [&str; 5] = [
    "geography code",
    "LSOA21CD",
    "LAD22CD",
    "LAD21CD",
    "LAD23CD",
];
const OTHER_COLUMNS: [&str; 6] = [
    "date",
    "geography",
    "LSOA21NM",
    "LAD22NM",
    "LAD21NM",
    "LAD23NM",
];

fn is_lad_or_lsoa_code(code: &str) -> bool {
    is_gss_code(code) && ["E06", "E07", "E08", "E09", "W06", "E01", "W01"].contains(&&code[..3])
}

pub fn parse(
    raw: &RawFile,
    source_id: &str,
    table: &CensusTable,
    out: &mut Observations,
) -> Result<usize> {
    let mut reader = raw.csv();
    let expected = format!(
        "the Census 2021 {} bulk layout (a `geography code` or `LAD22CD` column and the {} \
         `{}…` count columns)",
        table.name,
        table.categories.len(),
        table.prefix
    );
    let header = Header::read(raw, &mut reader, &expected)?;
    let names: Vec<String> = table
        .categories
        .iter()
        .map(|(c, _)| format!("{}{c}", table.prefix))
        .collect();
    let mut known: Vec<&str> = names.iter().map(String::as_str).collect();
    known.extend(CODE_COLUMNS);
    known.extend(OTHER_COLUMNS);

    let code_ix = header.require_any(&CODE_COLUMNS, &known)?;
    let date_ix = header.position("date");
    let columns = names
        .iter()
        .zip(table.categories)
        .map(|(name, (_, measure))| Ok((header.require(name, &known)?, name.as_str(), measure)))
        .collect::<Result<Vec<_>>>()?;

    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        let bad = |column: &str, expected: &str, found: &str| {
            bad_value(&raw.path, line, column, expected, found)
        };
        let code = field(code_ix);
        if !is_lad_or_lsoa_code(code) {
            return Err(bad(
                &header.names()[code_ix],
                "a local authority district (E06/E07/E08/E09/W06) or 2021 LSOA (E01/W01) code: \
                 this reader takes the LAD or LSOA tables",
                code,
            ));
        }
        let period = match date_ix.map(field) {
            Some(d) if d.len() == 4 && d.bytes().all(|b| b.is_ascii_digit()) => d.to_owned(),
            Some(d) => return Err(bad("date", "a census year such as 2021", d)),
            None => "2021".to_owned(),
        };
        if let Some(first_line) = seen.insert(code.to_owned(), line) {
            return Err(IngestError::DuplicateKey {
                file: raw.path.clone(),
                line,
                key: format!("area {code}"),
                first_line,
            });
        }
        let mut counts = Vec::with_capacity(columns.len());
        for (ix, name, _) in &columns {
            let count: u64 = field(*ix)
                .parse()
                .map_err(|_| bad(name, "a whole number of residents", field(*ix)))?;
            counts.push(count);
        }
        let parts: u64 = counts[1..].iter().sum();
        if parts != counts[0] {
            return Err(bad(
                columns[0].1,
                &format!("the total of the other categories ({parts})"),
                &counts[0].to_string(),
            ));
        }
        for ((_, _, measure), count) in columns.iter().zip(counts) {
            out.push(
                source_id,
                code,
                &period,
                measure,
                Some(count as f64),
                Status::Ok,
            );
        }
        kept += 1;
    }
    if kept == 0 {
        return Err(IngestError::NoRows {
            file: raw.path.clone(),
            reason: "the file has a header but no data rows".into(),
        });
    }
    Ok(kept)
}

/// Census 2021 TS066 economic activity status categories (`C2021_EASTAT_20` values) kept by lmi.
pub const TS066_CATEGORIES: [u32; 31] = [
    0, 1001, 1002, 1003, 1, 2, 1004, 3, 4, 1005, 5, 6, 7, 1006, 1007, 1008, 8, 9, 1009, 10, 11,
    1010, 12, 13, 14, 1011, 15, 16, 17, 18, 19,
];

/// The measure id of a TS066 category count (`ts066_1011`), as `lmi_core::breakdown` names it.
pub fn ts066_measure(category: u32) -> String {
    format!("ts066_{category}")
}

/// Census 2021 TS066 economic activity status from the Nomis API (`NM_2083_1`), read with the
/// generic Nomis reader: every category's count (measure 20100, `ts066_<category>`) and percentage
/// (20301, `ts066_<category>_percent`), for the areas the file has (upper-tier local authorities).
pub fn parse_ts066(raw: &RawFile, source_id: &str, out: &mut Observations) -> Result<usize> {
    let mut measures = std::collections::BTreeMap::new();
    for c in TS066_CATEGORIES {
        measures.insert(format!("{c}:20100"), ts066_measure(c));
        measures.insert(
            format!("{c}:20301"),
            format!("{}_percent", ts066_measure(c)),
        );
    }
    let spec = crate::fetch_spec::NomisSpec {
        dataset: "NM_2083_1".into(),
        release_label: "Census 2021".into(),
        queries: Vec::new(),
        required_columns: vec!["C2021_EASTAT_20".into(), "MEASURES".into()],
        measure_from: vec!["C2021_EASTAT_20".into(), "MEASURES".into()],
        measures,
        period_from: None,
        period_format: Default::default(),
        derive: Vec::new(),
        cells: None,
        labels: None,
    };
    crate::nomis::parse_page(
        raw,
        source_id,
        &spec,
        &mut crate::nomis::NomisParse::default(),
        out,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{MEASURE, VALUE};
    use std::path::Path;

    fn header(code_column: &str) -> String {
        let cats: Vec<String> = CATEGORIES
            .iter()
            .map(|(c, _)| format!("{}{c}", TS067.prefix))
            .collect();
        format!("{code_column},LAD22NM,{}", cats.join(","))
    }

    fn parse_text(text: &str) -> Result<polars::prelude::DataFrame> {
        let raw = RawFile::from_bytes(Path::new("ts067.csv"), text.as_bytes().to_vec())?;
        let mut obs = Observations::default();
        parse(&raw, "census2021_ts067_lad", &TS067, &mut obs)?;
        Ok(obs.into_frame()?)
    }

    #[test]
    fn a_lad_row_becomes_eight_observations() {
        let text = format!(
            "{}\nE07000117,Burnley,100,20,10,15,5,18,30,2\n",
            header("LAD22CD")
        );
        let df = parse_text(&text).unwrap();
        assert_eq!(df.height(), 8);
        assert_eq!(
            df.column(MEASURE).unwrap().str().unwrap().get(6),
            Some("ts067_level4plus")
        );
        assert_eq!(df.column(VALUE).unwrap().f64().unwrap().get(6), Some(30.0));
    }

    #[test]
    fn a_total_that_does_not_add_up_is_refused() {
        let text = format!(
            "{}\nE07000117,Burnley,101,20,10,15,5,18,30,2\n",
            header("LAD22CD")
        );
        let err = parse_text(&text).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(
            err.contains("expected the total of the other categories (100), found `101`"),
            "{err}"
        );
    }

    #[test]
    fn output_areas_are_refused_with_a_pointer_to_the_lad_table() {
        let text = format!(
            "{}\nE00000001,x,100,20,10,15,5,18,30,2\n",
            header("geography code")
        );
        let err = parse_text(&text).unwrap_err().to_string();
        assert!(err.contains("LAD or LSOA tables"), "{err}");
    }
}
