//! DfE FE adult education and training aim achievements by sector subject area (tier 1) and
//! learner home district: the Explore Education Statistics table-tool download of August to April
//! of one academic year (`location,location_code,geographic_level,time_period,notional_nvq_level,
//! ethnicity_group,gender,ssa_t1_desc,e_and_t_aims_ach`), as DfE's Local Skills Dashboard read it
//! (dfe-analytical-services/lsip_dashboard, Data/5_ILRachSSA/FEAchSSAAug21-Apr22.csv).
//!
//! One row per area, year and subject area; the rows with every other breakdown at `Total` are
//! kept. Counts are rounded to the nearest 10 by DfE, `low` marks fewer than 5. The period is
//! labelled as the part year it is (`2021/22 (Aug-Apr)`, see `lmi_core::breakdown::PART_YEAR_MARK`).

use crate::dfe::{academic_year, is_gss_code, parse_value};
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::{Header, RawFile, bad_value, csv_error, rows_kept};
use lmi_core::breakdown::{FE_SSA_PARTS, FE_SSA_TOTAL, PART_YEAR_MARK};
use std::collections::HashMap;

const EXPECTED: &str = "the DfE FE aim achievements by sector subject area layout (location_code, \
    geographic_level, time_period, notional_nvq_level, ethnicity_group, gender, ssa_t1_desc, \
    e_and_t_aims_ach)";
const KNOWN: &[&str] = &[
    "location",
    "location_code",
    "geographic_level",
    "time_period",
    "notional_nvq_level",
    "ethnicity_group",
    "gender",
    "ssa_t1_desc",
    "e_and_t_aims_ach",
];
/// The other breakdowns of the table tool: only their `Total` rows are the subject-area counts.
const TOTAL_ONLY: [&str; 3] = ["notional_nvq_level", "ethnicity_group", "gender"];
/// The geographic levels DfE publishes (districts, regions, England); lmi keeps all three and
/// serves them as published.
const LEVELS: [&str; 3] = ["localAuthorityDistrict", "region", "country"];
const COUNT_EXPECTED: &str = "a count or a DfE symbol (low, c, x, z)";

/// `ssa_t1_desc` -> measure id: the 15 subject areas, "Not Applicable/ Not Known" and `Total`.
fn measure_of(label: &str) -> Option<&'static str> {
    if label == "Total" {
        return Some(FE_SSA_TOTAL.measure);
    }
    FE_SSA_PARTS
        .iter()
        .find(|p| p.label == label)
        .map(|p| p.measure)
}

/// Parses the Aug-Apr subject-area file; returns the rows used.
pub fn parse(raw: &RawFile, source_id: &str, out: &mut Observations) -> Result<usize> {
    let mut reader = raw.csv();
    let header = Header::read(raw, &mut reader, EXPECTED)?;
    let require = |c: &str| header.require(c, KNOWN);
    let (code_ix, level_ix, period_ix, ssa_ix, value_ix) = (
        require("location_code")?,
        require("geographic_level")?,
        require("time_period")?,
        require("ssa_t1_desc")?,
        require("e_and_t_aims_ach")?,
    );
    // A narrower download may leave out a breakdown column; a present one must be `Total`.
    let totals: Vec<(usize, &str)> = TOTAL_ONLY
        .iter()
        .filter_map(|c| header.position(c).map(|ix| (ix, *c)))
        .collect();

    let mut seen: HashMap<(String, String, &'static str), u64> = HashMap::new();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        let level = field(level_ix);
        if !LEVELS.contains(&level) {
            return Err(bad_value(
                &raw.path,
                line,
                "geographic_level",
                "localAuthorityDistrict, region or country",
                level,
            ));
        }
        if totals.iter().any(|(ix, _)| field(*ix) != "Total") {
            continue;
        }
        let code = field(code_ix);
        // `z`: learners outside England or with no known home district.
        if code == "z" {
            continue;
        }
        if !is_gss_code(code) {
            return Err(bad_value(
                &raw.path,
                line,
                "location_code",
                "a GSS code such as E07000117, or z",
                code,
            ));
        }
        let year = academic_year(field(period_ix)).ok_or_else(|| {
            bad_value(
                &raw.path,
                line,
                "time_period",
                "a six-digit academic year such as 202122",
                field(period_ix),
            )
        })?;
        let period = format!("{year}{PART_YEAR_MARK}");
        let label = field(ssa_ix);
        let measure = measure_of(label).ok_or_else(|| {
            bad_value(
                &raw.path,
                line,
                "ssa_t1_desc",
                "a sector subject area tier 1 as DfE writes it (e.g. `Health, Public Services \
                 and Care`), `Not Applicable/ Not Known` or `Total`",
                label,
            )
        })?;
        let (value, status) = parse_value(field(value_ix)).ok_or_else(|| {
            bad_value(
                &raw.path,
                line,
                "e_and_t_aims_ach",
                COUNT_EXPECTED,
                field(value_ix),
            )
        })?;
        if let Some(first_line) = seen.insert((code.to_owned(), period.clone(), measure), line) {
            return Err(IngestError::DuplicateKey {
                file: raw.path.clone(),
                line,
                key: format!("area {code}, period {period}, {label}"),
                first_line,
            });
        }
        out.push(source_id, code, &period, measure, value, status);
        kept += 1;
    }
    rows_kept(
        raw,
        kept,
        "no rows with notional_nvq_level, ethnicity_group and gender `Total`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{AREA_CODE, MEASURE, PERIOD, STATUS, VALUE};
    use crate::raw::parse_text;

    const HEADER: &str = "location,location_code,geographic_level,time_period,notional_nvq_level,ethnicity_group,gender,ssa_t1_desc,e_and_t_aims_ach\n";

    fn parse_ssa(text: &str) -> Result<polars::prelude::DataFrame> {
        parse_text(text, |raw, out| parse(raw, "ssa", out))
    }

    #[test]
    fn subject_areas_become_numbered_measures_in_a_part_year() {
        let text = format!(
            "{HEADER}England,E92000001,country,202122,Total,Total,Total,Total,496370
Burnley,E07000117,localAuthorityDistrict,202122,Total,Total,Total,\"Health, Public Services and Care\",230
Burnley,E07000117,localAuthorityDistrict,202122,Total,Total,Total,\"Business, Administration and Law\",130
Burnley,E07000117,localAuthorityDistrict,202122,Total,Total,Total,Social Sciences,low
Burnley,E07000117,localAuthorityDistrict,202122,Total,Total,Total,Not Applicable/ Not Known,low
Burnley,E07000117,localAuthorityDistrict,202122,Level 2,Total,Total,Social Sciences,10
Outside of England and unknown,z,localAuthorityDistrict,202122,Total,Total,Total,Total,1300
"
        );
        let df = parse_ssa(&text).unwrap();
        let s = |c: &str| -> Vec<String> {
            df.column(c)
                .unwrap()
                .str()
                .unwrap()
                .iter()
                .map(|v| v.unwrap_or_default().to_owned())
                .collect()
        };
        assert_eq!(
            s(MEASURE),
            [
                "fe_ach_ssa_total",
                "fe_ach_ssa_01",
                "fe_ach_ssa_15",
                "fe_ach_ssa_11",
                "fe_ach_ssa_unknown"
            ]
        );
        assert_eq!(s(AREA_CODE)[0], "E92000001");
        assert!(s(PERIOD).iter().all(|p| p == "2021/22 (Aug-Apr)"));
        assert_eq!(s(STATUS)[3], "suppressed");
        let values: Vec<_> = df.column(VALUE).unwrap().f64().unwrap().iter().collect();
        assert_eq!(
            values,
            [Some(496370.0), Some(230.0), Some(130.0), None, None]
        );
    }

    #[test]
    fn an_unknown_subject_area_names_line_column_and_value() {
        let text = format!(
            "{HEADER}Burnley,E07000117,localAuthorityDistrict,202122,Total,Total,Total,Digital Technology,40\n"
        );
        let err = parse_ssa(&text).unwrap_err().to_string();
        assert!(
            err.contains("test.csv: line 2, column `ssa_t1_desc`: expected a sector subject area"),
            "{err}"
        );
        assert!(err.ends_with("found `Digital Technology`"), "{err}");
    }

    #[test]
    fn a_repeated_cell_and_a_bad_count_are_refused() {
        let row =
            "Burnley,E07000117,localAuthorityDistrict,202122,Total,Total,Total,Social Sciences,";
        let err = parse_ssa(&format!("{HEADER}{row}10\n{row}20\n"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "test.csv: line 3: duplicate row for area E07000117, period \
             2021/22 (Aug-Apr), Social Sciences (first seen on line 2)"
            ),
            "{err}"
        );
        let err = parse_ssa(&format!("{HEADER}{row}ten\n"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("column `e_and_t_aims_ach`"), "{err}");
        assert!(err.ends_with("found `ten`"), "{err}");
    }

    #[test]
    fn another_layout_lists_the_columns_it_needs() {
        let err = parse_ssa("time_period,lad_code,learners\n202122,E07000117,5\n")
            .unwrap_err()
            .to_string();
        assert!(err.contains("ssa_t1_desc"), "{err}");
    }
}
