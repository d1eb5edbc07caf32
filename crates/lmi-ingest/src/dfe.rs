//! DfE Explore Education Statistics (EES) tidy CSVs.
//!
//! EES files are long: one row per time period, geography and filter combination, with one
//! column per indicator. Values are counts or DfE symbols: `c` confidential, `low` rounds to 0,
//! `~` fewer than 0.5, `z` not applicable, `x` unavailable, `u` low reliability, `:` unavailable.

use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::{Header, RawFile, bad_value, csv_error};
use lmi_core::Status;
use std::collections::HashMap;

/// How one EES table maps to observations.
#[derive(Debug, Clone, Copy)]
pub struct EesTable {
    pub source_id: &'static str,
    /// Human description used in errors.
    pub expected: &'static str,
    /// `geographic_level` value of the rows to keep.
    pub level: &'static str,
    /// Accepted names of the area code column for that level, first match wins.
    pub area_columns: &'static [&'static str],
    /// Filter columns and the value a kept row must have.
    pub filters: &'static [(&'static str, &'static str)],
    /// Indicator columns and the measure id each becomes.
    pub measures: &'static [(&'static str, &'static str)],
    /// Columns the reader knows but does not need (so they are not reported as renamed).
    pub other_columns: &'static [&'static str],
}

/// KS4 destination measures by local authority district (school location), state-funded
/// mainstream schools, all pupils.
pub const KS4_DESTINATIONS_LAD: EesTable = EesTable {
    source_id: "dfe_ks4_destinations_lad",
    expected: "the DfE KS4 destination measures EES layout (time_period, geographic_level, lad_code, \
        institution_group, breakdown_topic, breakdown, data_type, cohort, education, appren, \
        all_work, all_notsust, all_unknown)",
    level: "Local authority district",
    area_columns: &["lad_code"],
    filters: &[
        ("institution_group", "State-funded mainstream schools"),
        ("breakdown_topic", "Total"),
        ("breakdown", "Total"),
        ("data_type", "Number of pupils"),
    ],
    measures: &[
        ("cohort", "ks4_cohort"),
        ("education", "ks4_education"),
        ("appren", "ks4_appren"),
        ("all_work", "ks4_all_work"),
        ("all_notsust", "ks4_all_notsust"),
        ("all_unknown", "ks4_all_unknown"),
    ],
    other_columns: &[
        "time_identifier",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
        "pcon_code",
        "pcon_name",
        "lad_name",
        "level_methodology",
        "overall",
    ],
};

/// 16-18 destination measures by local authority district (provider location), state-funded
/// mainstream schools and colleges, all qualification levels together.
pub const DESTINATIONS_16_18_LAD: EesTable = EesTable {
    source_id: "dfe_16_18_destinations_lad",
    expected: "the DfE 16-18 destination measures EES layout (time_period, geographic_level, \
        lad_code, institution_group, cohort_level_group, breakdown_topic, breakdown, data_type, \
        cohort, education, appren, all_work, all_notsust, all_unknown)",
    level: "Local authority district",
    area_columns: &["lad_code"],
    filters: &[
        (
            "institution_group",
            "State-funded mainstream schools & colleges",
        ),
        ("cohort_level_group", "Total"),
        ("breakdown_topic", "Total"),
        ("breakdown", "Total"),
        ("data_type", "Number of pupils"),
    ],
    measures: &[
        ("cohort", "post16_cohort"),
        ("education", "post16_education"),
        ("appren", "post16_appren"),
        ("all_work", "post16_all_work"),
        ("all_notsust", "post16_all_notsust"),
        ("all_unknown", "post16_all_unknown"),
    ],
    other_columns: &[
        "time_identifier",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
        "pcon_code",
        "pcon_name",
        "lad_name",
        "opportunity_area_code",
        "opportunity_area_name",
        "cohort_level",
        "level_methodology",
    ],
};

/// Parses a DfE count or symbol into a value and status; `None` when it is neither.
pub fn parse_value(raw: &str) -> Option<(Option<f64>, Status)> {
    let s = raw.trim();
    let status = match s {
        "c" | "low" | "~" => Status::Suppressed,
        "z" => Status::NotApplicable,
        "x" | ":" => Status::Unavailable,
        "u" => Status::LowReliability,
        _ => {
            let v: f64 = s.replace(',', "").parse().ok()?;
            return (v.is_finite() && v >= 0.0).then_some((Some(v), Status::Ok));
        }
    };
    Some((None, status))
}

/// `202223` -> `2022/23`: EES six-digit academic years, as published labels.
pub fn academic_year(raw: &str) -> Option<String> {
    let s = raw.trim();
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let start: u32 = s[..4].parse().ok()?;
    let end: u32 = s[4..].parse().ok()?;
    ((start + 1) % 100 == end).then(|| format!("{}/{}", &s[..4], &s[4..]))
}

pub fn parse(raw: &RawFile, table: &EesTable, out: &mut Observations) -> Result<usize> {
    let mut reader = raw.csv();
    let header = Header::read(raw, &mut reader, table.expected)?;
    let mut known: Vec<&str> = vec!["time_period", "geographic_level"];
    known.extend(table.area_columns);
    known.extend(table.filters.iter().map(|(c, _)| *c));
    known.extend(table.measures.iter().map(|(c, _)| *c));
    known.extend(table.other_columns);

    let period_ix = header.require("time_period", &known)?;
    let level_ix = header.require("geographic_level", &known)?;
    let area_ix = header.require_any(table.area_columns, &known)?;
    let filters = table
        .filters
        .iter()
        .map(|(c, want)| Ok((header.require(c, &known)?, *want)))
        .collect::<Result<Vec<_>>>()?;
    let measures = table
        .measures
        .iter()
        .map(|(c, m)| Ok((header.require(c, &known)?, *c, *m)))
        .collect::<Result<Vec<_>>>()?;

    let mut seen: HashMap<(String, String), u64> = HashMap::new();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        if field(level_ix) != table.level || filters.iter().any(|(ix, want)| field(*ix) != *want) {
            continue;
        }
        let bad = |column: &str, expected: &str, found: &str| {
            bad_value(&raw.path, line, column, expected, found)
        };
        let period = academic_year(field(period_ix)).ok_or_else(|| {
            bad(
                "time_period",
                "a six-digit academic year such as 202223",
                field(period_ix),
            )
        })?;
        let area = field(area_ix);
        if !is_gss_code(area) {
            return Err(bad(
                header.names()[area_ix].as_str(),
                "a nine-character GSS area code such as E07000117",
                area,
            ));
        }
        if let Some(first_line) = seen.insert((area.to_owned(), period.clone()), line) {
            return Err(IngestError::DuplicateKey {
                file: raw.path.clone(),
                line,
                key: format!("area {area}, period {period}"),
                first_line,
            });
        }
        for (ix, column, measure) in &measures {
            let (value, status) = parse_value(field(*ix)).ok_or_else(|| {
                bad(
                    column,
                    "a non-negative count or a DfE symbol (c, low, ~, z, x, u)",
                    field(*ix),
                )
            })?;
            out.push(table.source_id, area, &period, measure, value, status);
        }
        kept += 1;
    }
    if kept == 0 {
        return Err(IngestError::NoRows {
            file: raw.path.clone(),
            reason: format!(
                "no row has geographic_level `{}` and {}",
                table.level,
                table
                    .filters
                    .iter()
                    .map(|(c, v)| format!("{c} `{v}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    Ok(kept)
}

/// A GSS code: a letter, two digits, six digits (e.g. `E07000117`).
pub fn is_gss_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 9 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{AREA_CODE, MEASURE, STATUS, VALUE};
    use proptest::prelude::*;
    use std::path::Path;

    const HEADER: &str = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,pcon_code,pcon_name,lad_code,lad_name,breakdown_topic,level_methodology,institution_group,breakdown,data_type,cohort,education,appren,all_work,all_notsust,all_unknown";

    fn row(period: &str, lad: &str, counts: &str) -> String {
        format!(
            "{period},Academic year,Local authority district,E92000001,England,E12000002,North West,,,,,,{lad},Burnley,Total,Provider location,State-funded mainstream schools,Total,Number of pupils,{counts}"
        )
    }

    fn parse_text(text: &str) -> Result<polars::prelude::DataFrame> {
        let raw = RawFile::from_bytes(Path::new("ks4.csv"), text.as_bytes().to_vec())?;
        let mut obs = Observations::default();
        parse(&raw, &KS4_DESTINATIONS_LAD, &mut obs)?;
        Ok(obs.into_frame()?)
    }

    #[test]
    fn a_ks4_row_becomes_six_observations_with_destination_year_labels() {
        let text = format!(
            "{HEADER}\n{}\n",
            row("202223", "E07000117", "900,800,45,20,30,5")
        );
        let df = parse_text(&text).unwrap();
        assert_eq!(df.height(), 6);
        let measures = df.column(MEASURE).unwrap().str().unwrap();
        let values = df.column(VALUE).unwrap().f64().unwrap();
        assert_eq!(measures.get(2), Some("ks4_appren"));
        assert_eq!(values.get(2), Some(45.0));
        assert_eq!(
            df.column(AREA_CODE).unwrap().str().unwrap().get(0),
            Some("E07000117")
        );
    }

    #[test]
    fn suppressed_counts_stay_missing_not_zero() {
        let text = format!(
            "{HEADER}\n{}\n",
            row("202223", "E09000001", "12,c,c,z,x,low")
        );
        let df = parse_text(&text).unwrap();
        let values = df.column(VALUE).unwrap().f64().unwrap();
        let status = df.column(STATUS).unwrap().str().unwrap();
        assert_eq!(values.get(1), None);
        assert_eq!(status.get(1), Some("suppressed"));
        assert_eq!(status.get(3), Some("not_applicable"));
        assert_eq!(status.get(4), Some("unavailable"));
        assert_eq!(status.get(5), Some("suppressed"));
    }

    #[test]
    fn rows_for_other_breakdowns_are_skipped() {
        let other =
            row("202223", "E07000117", "1,1,1,1,1,1").replace(",Total,Number", ",Boys,Number");
        let text = format!(
            "{HEADER}\n{other}\n{}\n",
            row("202223", "E07000117", "9,9,0,0,0,0")
        );
        assert_eq!(parse_text(&text).unwrap().height(), 6);
    }

    #[test]
    fn a_renamed_column_names_file_column_and_suspect() {
        let text = format!(
            "{}\n{}\n",
            HEADER.replace("appren", "apprenticeships"),
            row("202223", "E07000117", "900,800,45,20,30,5")
        );
        let err = parse_text(&text).unwrap_err().to_string();
        assert!(
            err.starts_with("ks4.csv: column `appren` is missing"),
            "{err}"
        );
        assert!(err.contains("unrecognised: apprenticeships"), "{err}");
    }

    #[test]
    fn a_bad_count_names_line_and_column() {
        let text = format!(
            "{HEADER}\n{}\n{}\n",
            row("202122", "E07000117", "900,800,45,20,30,5"),
            row("202223", "E07000117", "900,800,forty,20,30,5")
        );
        let err = parse_text(&text).unwrap_err().to_string();
        assert!(err.contains("ks4.csv: line 3, column `appren`"), "{err}");
        assert!(err.contains("found `forty`"), "{err}");
    }

    #[test]
    fn a_duplicate_area_and_year_is_refused() {
        let r = row("202223", "E07000117", "900,800,45,20,30,5");
        let err = parse_text(&format!("{HEADER}\n{r}\n{r}\n"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "line 3: duplicate row for area E07000117, period 2022/23 (first seen on line 2)"
            ),
            "{err}"
        );
    }

    #[test]
    fn academic_years_must_be_consecutive() {
        assert_eq!(academic_year("202223").as_deref(), Some("2022/23"));
        assert_eq!(academic_year("199900").as_deref(), Some("1999/00"));
        assert_eq!(academic_year("202224"), None);
        assert_eq!(academic_year("2022"), None);
    }

    proptest! {
        #[test]
        fn counts_round_trip_and_garbage_is_refused(n in 0u32..10_000_000, junk in "[a-bd-km-tv-wyA-Z!?]{1,6}") {
            prop_assert_eq!(parse_value(&n.to_string()), Some((Some(f64::from(n)), Status::Ok)));
            prop_assert!(parse_value(&junk).is_none());
        }
    }
}
