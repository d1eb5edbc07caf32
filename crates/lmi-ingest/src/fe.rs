//! DfE "Further education and skills" achievements by learner home LAD (EES permalink layout):
//! `location,location_code,geographic_level,time_period,age_group,level_or_type,achievements`.
//! One row per LAD, year and provision type; counts are rounded to the nearest 10 by DfE and
//! `~` marks fewer than 5.

use crate::dfe::{academic_year, is_gss_code, parse_value};
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::{Header, RawFile, bad_value, csv_error};
use std::collections::HashMap;

pub const SOURCE_ID: &str = "dfe_fe_achievements_lad";

const EXPECTED: &str = "the DfE FE achievements layout (location_code, geographic_level, \
    time_period, age_group, level_or_type, achievements)";
const KNOWN: [&str; 7] = [
    "location",
    "location_code",
    "geographic_level",
    "time_period",
    "age_group",
    "level_or_type",
    "achievements",
];
const LAD_LEVELS: [&str; 2] = ["localAuthorityDistrict", "Local authority district"];

/// `Apprenticeships: Total` -> `fe_apprenticeships_achievements`.
fn measure_for(level_or_type: &str) -> Option<String> {
    let kind = level_or_type.strip_suffix(": Total")?;
    let slug: String = kind
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    Some(format!("fe_{}_achievements", slug.trim_matches('_')))
}

pub fn parse(raw: &RawFile, out: &mut Observations) -> Result<usize> {
    let mut reader = raw.csv();
    let header = Header::read(raw, &mut reader, EXPECTED)?;
    let [code_ix, level_ix, period_ix, age_ix, type_ix, value_ix] = [
        "location_code",
        "geographic_level",
        "time_period",
        "age_group",
        "level_or_type",
        "achievements",
    ]
    .map(|c| header.require(c, &KNOWN));
    let (code_ix, level_ix, period_ix, age_ix, type_ix, value_ix) = (
        code_ix?, level_ix?, period_ix?, age_ix?, type_ix?, value_ix?,
    );

    let mut seen: HashMap<(String, String, String), u64> = HashMap::new();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        if !LAD_LEVELS.contains(&field(level_ix)) || field(age_ix) != "Total" {
            continue;
        }
        let bad = |column: &str, expected: &str, found: &str| {
            bad_value(&raw.path, line, column, expected, found)
        };
        let Some(measure) = measure_for(field(type_ix)) else {
            continue;
        };
        let code = field(code_ix);
        // DfE files learners living outside England or with no known home under `z`.
        if code == "z" {
            continue;
        }
        if !is_gss_code(code) {
            return Err(bad(
                "location_code",
                "a GSS district code such as E07000117",
                code,
            ));
        }
        let period = academic_year(field(period_ix)).ok_or_else(|| {
            bad(
                "time_period",
                "a six-digit academic year such as 202122",
                field(period_ix),
            )
        })?;
        let (value, status) = parse_value(field(value_ix)).ok_or_else(|| {
            bad(
                "achievements",
                "a count or a DfE symbol (~, c, x, z)",
                field(value_ix),
            )
        })?;
        let key = (code.to_owned(), period.clone(), measure.clone());
        if let Some(first_line) = seen.insert(key, line) {
            return Err(IngestError::DuplicateKey {
                file: raw.path.clone(),
                line,
                key: format!("area {code}, period {period}, {}", field(type_ix)),
                first_line,
            });
        }
        out.push(SOURCE_ID, code, &period, &measure, value, status);
        kept += 1;
    }
    if kept == 0 {
        return Err(IngestError::NoRows {
            file: raw.path.clone(),
            reason: "no local authority district rows with age_group `Total`".into(),
        });
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{MEASURE, STATUS, VALUE};
    use std::path::Path;

    #[test]
    fn district_rows_become_one_measure_per_provision_type() {
        let text = "location,location_code,geographic_level,time_period,age_group,level_or_type,achievements
England,E92000001,country,202122,Total,Apprenticeships: Total,130000
Burnley,E07000117,localAuthorityDistrict,202122,Total,Apprenticeships: Total,450
Burnley,E07000117,localAuthorityDistrict,202122,Total,Community learning: Total,~
";
        let raw = RawFile::from_bytes(Path::new("fe.csv"), text.as_bytes().to_vec()).unwrap();
        let mut obs = Observations::default();
        assert_eq!(parse(&raw, &mut obs).unwrap(), 2);
        let df = obs.into_frame().unwrap();
        let m = df.column(MEASURE).unwrap().str().unwrap();
        assert_eq!(m.get(0), Some("fe_apprenticeships_achievements"));
        assert_eq!(m.get(1), Some("fe_community_learning_achievements"));
        assert_eq!(df.column(VALUE).unwrap().f64().unwrap().get(0), Some(450.0));
        assert_eq!(
            df.column(STATUS).unwrap().str().unwrap().get(1),
            Some("suppressed")
        );
    }
}
