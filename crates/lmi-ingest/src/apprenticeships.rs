//! DfE "Apprenticeships" (EES publication `apprenticeships`), data set "Geography LAD and PCON -
//! Starts, Participation, Achievements by Age, Sex, Level": apprenticeship starts and
//! achievements by learner home district.
//!
//! Layout BUILT FROM DOCUMENTATION (the EES data catalogue's column list, recorded in the
//! catalogue entry `dfe_apprenticeships_lad`); no real file of this data set has been seen:
//! `time_period, time_identifier, geographic_level, country_code, country_name, region_code,
//! region_name, lad_code, lad_name, pcon_code, pcon_name, age_summary, apps_level, sex, starts,
//! achievements, participation`. The older publication ("Apprenticeships and traineeships")
//! spelt the age column `age_group`: both are accepted.
//!
//! Kept: district rows (constituency, regional and national rows are read past), sex `Total`,
//! and the level x age cells of the breakdowns: each level with age `Total`, each age band with
//! level `Total`, and `Total`/`Total` as the total. Any other level or age label fails (file,
//! line, column, expected, found), so a relabelled file cannot lose a part. Counts are rounded to
//! the nearest 10 by DfE; `low` (fewer than 5) is suppressed, never zero.

use crate::dfe::{Cell, academic_year, is_gss_code, parse_value};
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::{Header, RawFile, bad_value, csv_error, rows_kept};
use lmi_core::breakdown::{APPRENTICESHIP_AGES, APPRENTICESHIP_LEVELS};
use std::collections::HashMap;

pub const SOURCE_ID: &str = "dfe_apprenticeships_lad";

const EXPECTED: &str = "the DfE apprenticeships geography layout (time_period, geographic_level, \
    lad_code, age_summary or age_group, apps_level, sex, starts, achievements)";
const KNOWN: &[&str] = &[
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "lad_code",
    "lad_name",
    "pcon_code",
    "pcon_name",
    "age_summary",
    "age_group",
    "apps_level",
    "sex",
    "starts",
    "achievements",
    "participation",
];
/// The counts read and the measure word each becomes (`app_{word}_...`).
const COUNTS: [(&str, &str); 2] = [("starts", "starts"), ("achievements", "achievements")];
const LAD_LEVELS: [&str; 2] = ["Local authority district", "localAuthorityDistrict"];
const TOTAL: &str = "Total";
const COUNT_EXPECTED: &str = "a count or a DfE symbol (low, c, x, z, u)";

/// The measure stem of one kept cell: `app_{count}_{stem}`.
fn cell_stem(
    level: &str,
    age: &str,
    age_column: &'static str,
) -> std::result::Result<Option<&'static str>, (&'static str, String)> {
    let list = |t: &[(&str, &str)]| {
        std::iter::once(format!("`{TOTAL}`"))
            .chain(t.iter().map(|(l, _)| format!("`{l}`")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let level_stem = if level == TOTAL {
        None
    } else {
        match APPRENTICESHIP_LEVELS.iter().find(|(l, _)| *l == level) {
            Some((_, stem)) => Some(*stem),
            None => return Err(("apps_level", list(APPRENTICESHIP_LEVELS))),
        }
    };
    let age_stem = if age == TOTAL {
        None
    } else {
        match APPRENTICESHIP_AGES.iter().find(|(a, _)| *a == age) {
            Some((_, stem)) => Some(*stem),
            None => return Err((age_column, list(APPRENTICESHIP_AGES))),
        }
    };
    Ok(match (level_stem, age_stem) {
        (None, None) => Some("total"),
        (Some(stem), None) | (None, Some(stem)) => Some(stem),
        // A level within an age band: not a part of these breakdowns.
        (Some(_), Some(_)) => None,
    })
}

/// Parses the data set; returns the rows used.
pub fn parse(raw: &RawFile, out: &mut Observations) -> Result<usize> {
    let mut reader = raw.csv();
    let header = Header::read(raw, &mut reader, EXPECTED)?;
    let require = |c: &str| header.require(c, KNOWN);
    let (code_ix, geo_ix, period_ix, level_ix) = (
        require("lad_code")?,
        require("geographic_level")?,
        require("time_period")?,
        require("apps_level")?,
    );
    let age_ix = header.require_any(&["age_summary", "age_group"], KNOWN)?;
    let age_column: &'static str = if header.names()[age_ix] == "age_summary" {
        "age_summary"
    } else {
        "age_group"
    };
    // A file without a sex split has only totals.
    let sex_ix = header.position("sex");
    let counts = COUNTS
        .iter()
        .map(|(column, word)| Ok((require(column)?, *column, *word)))
        .collect::<Result<Vec<_>>>()?;

    let mut seen: HashMap<(String, String, &'static str), u64> = HashMap::new();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        if !LAD_LEVELS.contains(&field(geo_ix)) || sex_ix.is_some_and(|ix| field(ix) != TOTAL) {
            continue;
        }
        let (level, age) = (field(level_ix), field(age_ix));
        let stem = cell_stem(level, age, age_column).map_err(|(column, expected)| {
            let found = if column == "apps_level" { level } else { age };
            bad_value(&raw.path, line, column, &expected, found)
        })?;
        let Some(stem) = stem else {
            continue;
        };
        let code = field(code_ix);
        if code == "z" {
            continue;
        }
        if !is_gss_code(code) {
            return Err(bad_value(
                &raw.path,
                line,
                "lad_code",
                "a GSS district code such as E07000117",
                code,
            ));
        }
        let period = academic_year(field(period_ix)).ok_or_else(|| {
            bad_value(
                &raw.path,
                line,
                "time_period",
                "a six-digit academic year such as 202425",
                field(period_ix),
            )
        })?;
        if let Some(first_line) = seen.insert((code.to_owned(), period.clone(), stem), line) {
            return Err(IngestError::DuplicateKey {
                file: raw.path.clone(),
                line,
                key: format!(
                    "area {code}, period {period}, apps_level {level}, {age_column} {age}"
                ),
                first_line,
            });
        }
        for (ix, column, word) in &counts {
            let (value, status): Cell = parse_value(field(*ix))
                .ok_or_else(|| bad_value(&raw.path, line, column, COUNT_EXPECTED, field(*ix)))?;
            out.push(
                SOURCE_ID,
                code,
                &period,
                &format!("app_{word}_{stem}"),
                value,
                status,
            );
        }
        kept += 1;
    }
    rows_kept(
        raw,
        kept,
        "no local authority district rows with sex `Total` and apps_level or age `Total`",
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::raw::parse_text;
    use polars::prelude::*;

    const HEADER: &str = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,lad_code,lad_name,pcon_code,pcon_name,age_summary,apps_level,sex,starts,achievements,participation\n";

    fn row(level: &str, code: &str, age: &str, apps: &str, sex: &str, counts: &str) -> String {
        let pcon = if level == "Parliamentary constituency" {
            "E14001130,Burnley"
        } else {
            ","
        };
        let lad = if level == "Local authority district" {
            format!("{code},Burnley")
        } else {
            ",".to_owned()
        };
        format!(
            "202425,Academic year,{level},E92000001,England,E12000002,North West,{lad},{pcon},{age},{apps},{sex},{counts},9999\n"
        )
    }

    fn lad(age: &str, apps: &str, counts: &str) -> String {
        row(
            "Local authority district",
            "E07000117",
            age,
            apps,
            "Total",
            counts,
        )
    }

    fn values(df: &DataFrame) -> Vec<(String, Option<f64>)> {
        let m = df.column("measure").unwrap().str().unwrap();
        let v = df.column("value").unwrap().f64().unwrap();
        let mut out: Vec<_> = m
            .iter()
            .zip(v.iter())
            .map(|(m, v)| (m.unwrap().to_owned(), v))
            .collect();
        out.sort_by(|a, b| a.0.cmp(&b.0));
        out
    }

    #[test]
    fn district_totals_levels_and_ages_become_measures() {
        let text = [
            HEADER.to_owned(),
            lad("Total", "Total", "500,200"),
            lad("Total", "Intermediate Apprenticeship", "150,90"),
            lad("Total", "Advanced Apprenticeship", "200,70"),
            lad("Total", "Higher Apprenticeship", "150,low"),
            lad("Under 19", "Total", "130,40"),
            lad("19-24", "Total", "170,60"),
            lad("25+", "Total", "200,100"),
            // Read past: a level within an age band, a sex split, constituency and national rows.
            lad("Under 19", "Advanced Apprenticeship", "60,20"),
            row(
                "Local authority district",
                "E07000117",
                "Total",
                "Total",
                "Female",
                "250,100",
            ),
            row(
                "Parliamentary constituency",
                "",
                "Total",
                "Total",
                "Total",
                "400,150",
            ),
            row("National", "", "Total", "Total", "Total", "300000,100000"),
        ]
        .concat();
        let df = parse_text(&text, parse).unwrap();
        let got = values(&df);
        let want: Vec<(String, Option<f64>)> = [
            ("app_achievements_age_19_24", Some(60.0)),
            ("app_achievements_age_25plus", Some(100.0)),
            ("app_achievements_age_under19", Some(40.0)),
            ("app_achievements_level_advanced", Some(70.0)),
            ("app_achievements_level_higher", None),
            ("app_achievements_level_intermediate", Some(90.0)),
            ("app_achievements_total", Some(200.0)),
            ("app_starts_age_19_24", Some(170.0)),
            ("app_starts_age_25plus", Some(200.0)),
            ("app_starts_age_under19", Some(130.0)),
            ("app_starts_level_advanced", Some(200.0)),
            ("app_starts_level_higher", Some(150.0)),
            ("app_starts_level_intermediate", Some(150.0)),
            ("app_starts_total", Some(500.0)),
        ]
        .iter()
        .map(|(m, v)| ((*m).to_owned(), *v))
        .collect();
        assert_eq!(got, want);
        let periods = df.column("period").unwrap().str().unwrap();
        assert!(periods.iter().all(|p| p == Some("2024/25")));
        // `low` is suppressed, never zero.
        let status = df.column("status").unwrap().str().unwrap();
        let measure = df.column("measure").unwrap().str().unwrap();
        let low = measure
            .iter()
            .zip(status.iter())
            .find(|(m, _)| *m == Some("app_achievements_level_higher"))
            .unwrap();
        assert_eq!(low.1, Some("suppressed"));
    }

    #[test]
    fn the_older_age_group_spelling_is_read() {
        let text = format!(
            "{}{}",
            HEADER.replace("age_summary", "age_group"),
            lad("19-24", "Total", "170,60")
        );
        let df = parse_text(&text, parse).unwrap();
        assert_eq!(df.height(), 2);
    }

    #[test]
    fn unknown_labels_fail_naming_line_column_and_value() {
        let text = format!("{HEADER}{}", lad("Total", "Degree Apprenticeship", "10,10"));
        let err = parse_text(&text, parse).unwrap_err().to_string();
        assert!(err.contains("line 2"), "{err}");
        assert!(err.contains("apps_level"), "{err}");
        assert!(err.contains("Degree Apprenticeship"), "{err}");
        assert!(err.contains("Higher Apprenticeship"), "{err}");

        let text = format!("{HEADER}{}", lad("16-18", "Total", "10,10"));
        let err = parse_text(&text, parse).unwrap_err().to_string();
        assert!(
            err.contains("age_summary") && err.contains("16-18"),
            "{err}"
        );
        assert!(err.contains("Under 19"), "{err}");

        let text = format!("{HEADER}{}", lad("Total", "Total", "lots,10"));
        let err = parse_text(&text, parse).unwrap_err().to_string();
        assert!(err.contains("starts") && err.contains("lots"), "{err}");
    }

    #[test]
    fn a_repeated_cell_and_a_file_without_the_level_column_are_refused() {
        let text = format!(
            "{HEADER}{}{}",
            lad("Total", "Total", "10,10"),
            lad("Total", "Total", "20,10")
        );
        let err = parse_text(&text, parse).unwrap_err().to_string();
        assert!(err.contains("line 3"), "{err}");
        let text = HEADER.replace("apps_level", "level");
        let err = parse_text(&text, parse).unwrap_err().to_string();
        assert!(err.contains("apps_level"), "{err}");
    }
}
