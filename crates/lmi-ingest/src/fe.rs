//! DfE "Further education and skills" by learner home LAD, in two layouts told apart by the
//! header:
//! - the EES permalink layout (`location,location_code,geographic_level,time_period,age_group,
//!   level_or_type,achievements`): achievements only;
//! - the 2024/25 release's participation file (`lad_code, provision_type, regulated_status,
//!   level_or_type, age_summary, starts, participation, learner_achievements,
//!   population_estimate`, rates per 100,000 and many geography columns): starts, participation
//!   and achievements per provision type, and the population the rates are built on.
//!
//! One row per LAD, year and provision type (and, in the participation file, age and level);
//! counts are rounded to the nearest 10 by DfE and `~` marks fewer than 5. From the participation
//! file lmi also keeps the levels (`Further education and skills: Level 2`, …) and age bands
//! (`Further education and skills: Total` by `age_summary`) of all FE and skills, for the level
//! and age breakdowns (`lmi_core::breakdown::FE_LEVELS`, `FE_AGES`).

use crate::dfe::{Cell, academic_year, is_gss_code, parse_value, show};
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::{Header, RawFile, bad_value, csv_error};
use lmi_core::breakdown::{FE_AGES, FE_LEVELS, FE_SUBSET_LEVELS};
use std::collections::HashMap;

pub const SOURCE_ID: &str = "dfe_fe_achievements_lad";
/// The population DfE divides by for its rates; lmi's rates divide sums by sums of it.
pub const POPULATION_MEASURE: &str = "fe_population_estimate";

const PERMALINK_EXPECTED: &str = "the DfE FE achievements permalink layout (location_code, \
    geographic_level, time_period, age_group, level_or_type, achievements)";
const PARTICIPATION_EXPECTED: &str = "the DfE FE participation and achievement layout \
    (time_period, geographic_level, lad_code, level_or_type, age_summary, starts, participation, \
    learner_achievements, population_estimate)";
const PERMALINK_KNOWN: [&str; 7] = [
    "location",
    "location_code",
    "geographic_level",
    "time_period",
    "age_group",
    "level_or_type",
    "achievements",
];
const PARTICIPATION_KNOWN: &[&str] = &[
    "time_period",
    "time_identifier",
    "geographic_level",
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "new_la_code",
    "old_la_code",
    "la_name",
    "pcon_code",
    "pcon_name",
    "lad_code",
    "lad_name",
    "english_devolved_area_code",
    "english_devolved_area_name",
    "local_enterprise_partnership_code",
    "local_enterprise_partnership_name",
    "lsip_code",
    "lsip_name",
    "provision_type",
    "regulated_status",
    "level_or_type",
    "age_summary",
    "starts",
    "participation",
    "learner_achievements",
    "population_estimate",
    // Published rates: lmi computes rates as ratios of sums, never from these.
    "starts_rate_per_100000_population",
    "participation_rate_per_100000_population",
    "learner_achievements_rate_per_100000_population",
];
/// The participation file's counts and the measure suffix each becomes.
const PARTICIPATION_COUNTS: [(&str, &str); 3] = [
    ("starts", "starts"),
    ("participation", "participation"),
    ("learner_achievements", "achievements"),
];
const LAD_LEVELS: [&str; 2] = ["localAuthorityDistrict", "Local authority district"];
const COUNT_EXPECTED: &str = "a count or a DfE symbol (~, c, low, x, z, u)";

/// `Apprenticeships: Total` -> `apprenticeships`; `None` for a level within a provision type.
fn provision_slug(level_or_type: &str) -> Option<String> {
    let kind = level_or_type.strip_suffix(": Total")?;
    let slug: String = kind
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    Some(slug.trim_matches('_').to_owned())
}

/// What one row of the participation file is to lmi.
enum FeRow {
    /// A provision type's total (`Apprenticeships: Total`, age `Total`): its slug.
    Provision(String),
    /// A level (`Further education and skills: Level 2`, age `Total`) or an age band
    /// (`Further education and skills: Total`, age `19-24`) of all FE and skills: its measure stem
    /// (`lmi_core::breakdown::FE_LEVELS`, `FE_AGES`).
    Part(&'static str),
}

/// Every further education and skills row: the total, levels and age bands.
const FES: &str = "Further education and skills";

impl FeRow {
    /// `None` for a row lmi does not read (a level or age of one provision type, a subset level);
    /// an error (column, expected, found) for a level or age band of all FE and skills that
    /// lmi does not know, so a relabelled file fails instead of losing a part.
    fn of<'r>(
        level_or_type: &'r str,
        age: &'r str,
    ) -> std::result::Result<Option<FeRow>, (&'static str, String, &'r str)> {
        let list = |t: &[(&str, &str)]| t.iter().map(|(l, _)| format!("`{l}`")).collect::<Vec<_>>();
        if age == "Total" {
            if let Some(slug) = provision_slug(level_or_type) {
                return Ok(Some(FeRow::Provision(slug)));
            }
            let Some(level) = level_or_type
                .strip_prefix(FES)
                .and_then(|l| l.strip_prefix(": "))
            else {
                return Ok(None);
            };
            if FE_SUBSET_LEVELS.contains(&level) {
                return Ok(None);
            }
            return match FE_LEVELS.iter().find(|(l, _)| *l == level) {
                Some((_, stem)) => Ok(Some(FeRow::Part(stem))),
                None => Err((
                    "level_or_type",
                    format!(
                        "`{FES}: ` and one of {}, {}",
                        list(FE_LEVELS).join(", "),
                        FE_SUBSET_LEVELS.join(", ")
                    ),
                    level_or_type,
                )),
            };
        }
        if level_or_type != format!("{FES}: Total") {
            return Ok(None);
        }
        match FE_AGES.iter().find(|(a, _)| *a == age) {
            Some((_, stem)) => Ok(Some(FeRow::Part(stem))),
            None => Err((
                "age_summary",
                format!("`Total` or one of {}", list(FE_AGES).join(", ")),
                age,
            )),
        }
    }
}

/// The FE file layouts lmi reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeLayout {
    /// The EES permalink of achievements (`achievements` column).
    Permalink,
    /// The 2024/25 participation and achievement file (`learner_achievements` column).
    Participation,
}

impl FeLayout {
    pub fn detect(columns: &[String]) -> Option<Self> {
        let has = |c: &str| columns.iter().any(|n| n == c);
        if has("learner_achievements") {
            Some(Self::Participation)
        } else if has("achievements") {
            Some(Self::Permalink)
        } else {
            None
        }
    }
}

/// Parses either FE layout; returns the rows used.
pub fn parse(raw: &RawFile, out: &mut Observations) -> Result<usize> {
    let mut reader = raw.csv();
    let names = Header::read(raw, &mut reader, "")?.names().to_vec();
    match FeLayout::detect(&names) {
        Some(FeLayout::Permalink) => parse_permalink(raw, reader, out),
        Some(FeLayout::Participation) => parse_participation(raw, reader, out),
        None => Err(IngestError::UnknownLayout {
            file: raw.path.clone(),
            expected: format!("{PERMALINK_EXPECTED} or {PARTICIPATION_EXPECTED}"),
            found: names.join(","),
        }),
    }
}

/// One kept row's place: the district (`None` for DfE's `z`, learners outside England or with
/// no known home) and the period label.
fn district_period<'r>(
    raw: &RawFile,
    line: u64,
    (code_column, code): (&str, &'r str),
    period: &str,
) -> Result<Option<(&'r str, String)>> {
    if code == "z" {
        return Ok(None);
    }
    if !is_gss_code(code) {
        return Err(bad_value(
            &raw.path,
            line,
            code_column,
            "a GSS district code such as E07000117",
            code,
        ));
    }
    let period = academic_year(period).ok_or_else(|| {
        bad_value(
            &raw.path,
            line,
            "time_period",
            "a six-digit academic year such as 202122",
            period,
        )
    })?;
    Ok(Some((code, period)))
}

fn count(raw: &RawFile, line: u64, column: &str, found: &str) -> Result<Cell> {
    parse_value(found).ok_or_else(|| bad_value(&raw.path, line, column, COUNT_EXPECTED, found))
}

/// Refuses a second row for one area, period and provision type.
fn first_row(
    raw: &RawFile,
    seen: &mut HashMap<(String, String, String), u64>,
    key: (&str, &str, &str),
    line: u64,
) -> Result<()> {
    let (code, period, provision) = key;
    let owned = (code.to_owned(), period.to_owned(), provision.to_owned());
    match seen.insert(owned, line) {
        None => Ok(()),
        Some(first_line) => Err(IngestError::DuplicateKey {
            file: raw.path.clone(),
            line,
            key: format!("area {code}, period {period}, {provision}"),
            first_line,
        }),
    }
}

fn parse_permalink(
    raw: &RawFile,
    mut reader: csv::Reader<&[u8]>,
    out: &mut Observations,
) -> Result<usize> {
    let header = Header::read(raw, &mut reader, PERMALINK_EXPECTED)?;
    let [code_ix, level_ix, period_ix, age_ix, type_ix, value_ix] = [
        "location_code",
        "geographic_level",
        "time_period",
        "age_group",
        "level_or_type",
        "achievements",
    ]
    .map(|c| header.require(c, &PERMALINK_KNOWN));
    let (code_ix, level_ix, period_ix, age_ix, type_ix, value_ix) = (
        code_ix?, level_ix?, period_ix?, age_ix?, type_ix?, value_ix?,
    );

    let mut seen = HashMap::new();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        if !LAD_LEVELS.contains(&field(level_ix)) || field(age_ix) != "Total" {
            continue;
        }
        let Some(slug) = provision_slug(field(type_ix)) else {
            continue;
        };
        let code = ("location_code", field(code_ix));
        let Some((code, period)) = district_period(raw, line, code, field(period_ix))? else {
            continue;
        };
        let (value, status) = count(raw, line, "achievements", field(value_ix))?;
        first_row(raw, &mut seen, (code, &period, field(type_ix)), line)?;
        let measure = format!("fe_{slug}_achievements");
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

fn parse_participation(
    raw: &RawFile,
    mut reader: csv::Reader<&[u8]>,
    out: &mut Observations,
) -> Result<usize> {
    let header = Header::read(raw, &mut reader, PARTICIPATION_EXPECTED)?;
    let require = |c: &str| header.require(c, PARTICIPATION_KNOWN);
    let (code_ix, level_ix, period_ix, age_ix, type_ix, population_ix) = (
        require("lad_code")?,
        require("geographic_level")?,
        require("time_period")?,
        require("age_summary")?,
        require("level_or_type")?,
        require("population_estimate")?,
    );
    let counts = PARTICIPATION_COUNTS
        .iter()
        .map(|(column, suffix)| Ok((require(column)?, *column, *suffix)))
        .collect::<Result<Vec<_>>>()?;
    // Older files may lack the regulated/non-regulated split; then every row is the total.
    let regulated_ix = header.position("regulated_status");

    let mut seen = HashMap::new();
    // Each area and period's population and the line it came from.
    let mut population: HashMap<(String, String), (Cell, u64)> = HashMap::new();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        if !LAD_LEVELS.contains(&field(level_ix))
            || regulated_ix.is_some_and(|ix| field(ix) != "Total")
        {
            continue;
        }
        let (kind, age) = (field(type_ix), field(age_ix));
        let Some(row) = FeRow::of(kind, age).map_err(|(column, expected, found)| {
            bad_value(&raw.path, line, column, &expected, found)
        })?
        else {
            continue;
        };
        let code = ("lad_code", field(code_ix));
        let Some((code, period)) = district_period(raw, line, code, field(period_ix))? else {
            continue;
        };
        first_row(
            raw,
            &mut seen,
            (code, &period, &format!("{kind}, age {age}")),
            line,
        )?;
        let slug = match row {
            FeRow::Provision(slug) => slug,
            // A level or an age band of all further education and skills: counts only (the
            // population is the provision rows').
            FeRow::Part(stem) => {
                for (ix, column, suffix) in &counts {
                    let (value, status) = count(raw, line, column, field(*ix))?;
                    out.push(
                        SOURCE_ID,
                        code,
                        &period,
                        &format!("{stem}_{suffix}"),
                        value,
                        status,
                    );
                }
                kept += 1;
                continue;
            }
        };
        let people = count(raw, line, "population_estimate", field(population_ix))?;
        match population.get(&(code.to_owned(), period.clone())) {
            None => {
                population.insert((code.to_owned(), period.clone()), (people, line));
                out.push(
                    SOURCE_ID,
                    code,
                    &period,
                    POPULATION_MEASURE,
                    people.0,
                    people.1,
                );
            }
            Some(&(first, first_line)) if first != people => {
                return Err(bad_value(
                    &raw.path,
                    line,
                    "population_estimate",
                    &format!(
                        "`{}`, the population_estimate on line {first_line} for the same area \
                         and period",
                        show(first)
                    ),
                    field(population_ix),
                ));
            }
            Some(_) => {}
        }
        for (ix, column, suffix) in &counts {
            let (value, status) = count(raw, line, column, field(*ix))?;
            let measure = format!("fe_{slug}_{suffix}");
            out.push(SOURCE_ID, code, &period, &measure, value, status);
        }
        kept += 1;
    }
    if kept == 0 {
        return Err(IngestError::NoRows {
            file: raw.path.clone(),
            reason: "no local authority district rows with age_summary `Total`, \
                regulated_status `Total` and a level_or_type ending in `: Total`"
                .into(),
        });
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{MEASURE, PERIOD, STATUS, VALUE};
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

    const PARTICIPATION_HEADER: &str = "time_period,time_identifier,geographic_level,country_code,country_name,lad_code,lad_name,lsip_code,lsip_name,provision_type,regulated_status,level_or_type,age_summary,starts,participation,learner_achievements,population_estimate,starts_rate_per_100000_population,participation_rate_per_100000_population,learner_achievements_rate_per_100000_population";

    /// A 2024/25 participation-file row for Burnley unless `lad` says otherwise.
    fn participation_row(lad: &str, level_or_type: &str, age: &str, counts: &str) -> String {
        let provision = level_or_type.split(':').next().unwrap_or_default();
        format!(
            "202425,Academic year,Local authority district,E92000001,England,{lad},Burnley,E69000001,Lancashire,{provision},Total,{level_or_type},{age},{counts},1.0,2.0,3.0\n"
        )
    }

    fn parse_participation_text(text: &str) -> Result<polars::prelude::DataFrame> {
        let raw = RawFile::from_bytes(Path::new("fes.csv"), text.as_bytes().to_vec())?;
        let mut obs = Observations::default();
        parse(&raw, &mut obs)?;
        Ok(obs.into_frame()?)
    }

    #[test]
    fn the_participation_file_gives_counts_per_provision_and_the_population_once() {
        let text = [
            PARTICIPATION_HEADER.to_owned() + "\n",
            participation_row(
                "E07000117",
                "Apprenticeships: Total",
                "Total",
                "600,1500,450,95000",
            ),
            participation_row(
                "E07000117",
                "Apprenticeships: Total",
                "19-24",
                "200,500,150,95000",
            ),
            participation_row(
                "E07000117",
                "Apprenticeships: Level 3",
                "Total",
                "250,600,200,95000",
            ),
            participation_row(
                "E07000117",
                "Further education and skills: Total",
                "Total",
                "3000,7000,2500,95000",
            ),
            // Learners outside England or with no known home.
            participation_row("z", "Apprenticeships: Total", "Total", "10,20,5,z"),
        ]
        .concat();
        let df = parse_participation_text(&text).unwrap();
        let measures: Vec<_> = df
            .column(MEASURE)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(
            measures,
            [
                "fe_population_estimate",
                "fe_apprenticeships_starts",
                "fe_apprenticeships_participation",
                "fe_apprenticeships_achievements",
                "fe_further_education_and_skills_starts",
                "fe_further_education_and_skills_participation",
                "fe_further_education_and_skills_achievements",
            ]
        );
        let values: Vec<_> = df
            .column(VALUE)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(
            values,
            [95000.0, 600.0, 1500.0, 450.0, 3000.0, 7000.0, 2500.0]
        );
        assert_eq!(
            df.column(PERIOD).unwrap().str().unwrap().get(0),
            Some("2024/25")
        );
    }

    #[test]
    fn levels_and_age_bands_of_all_fe_and_skills_become_their_own_measures() {
        let fes = |level: &str, age: &str, counts: &str| {
            participation_row(
                "E07000117",
                &format!("Further education and skills: {level}"),
                age,
                counts,
            )
        };
        let text = [
            PARTICIPATION_HEADER.to_owned() + "\n",
            fes("Total", "Total", "3000,7000,2500,95000"),
            fes("Level 4+", "Total", "100,200,~,95000"),
            fes("Full level 2", "Total", "100,200,80,95000"),
            fes("Entry level", "Total", "300,600,250,95000"),
            fes("Total", "25+", "2000,5000,1800,70000"),
            // A level of one provision type only: not a part of these breakdowns.
            participation_row(
                "E07000117",
                "Education and training: Level 2",
                "Total",
                "5,5,5,95000",
            ),
        ]
        .concat();
        let df = parse_participation_text(&text).unwrap();
        let rows: Vec<(String, Option<f64>)> = df
            .column(MEASURE)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .zip(df.column(VALUE).unwrap().f64().unwrap().iter())
            .map(|(m, v)| (m.unwrap().to_owned(), v))
            .filter(|(m, _)| !m.ends_with("_starts"))
            .collect();
        let want = [
            ("fe_population_estimate", Some(95000.0)),
            (
                "fe_further_education_and_skills_participation",
                Some(7000.0),
            ),
            ("fe_further_education_and_skills_achievements", Some(2500.0)),
            ("fe_fes_level_4plus_participation", Some(200.0)),
            ("fe_fes_level_4plus_achievements", None),
            ("fe_fes_level_entry_participation", Some(600.0)),
            ("fe_fes_level_entry_achievements", Some(250.0)),
            ("fe_fes_age_25plus_participation", Some(5000.0)),
            ("fe_fes_age_25plus_achievements", Some(1800.0)),
        ]
        .map(|(m, v)| (m.to_owned(), v));
        assert_eq!(rows, want);
    }

    #[test]
    fn an_unknown_level_or_age_band_of_fe_and_skills_is_refused() {
        let text = [
            PARTICIPATION_HEADER.to_owned() + "\n",
            participation_row(
                "E07000117",
                "Further education and skills: Level 4-5",
                "Total",
                "1,2,3,95000",
            ),
        ]
        .concat();
        let err = parse_participation_text(&text).unwrap_err().to_string();
        assert!(err.contains("line 2, column `level_or_type`"), "{err}");
        assert!(err.contains("`Level 4+`"), "{err}");
        assert!(
            err.ends_with("found `Further education and skills: Level 4-5`"),
            "{err}"
        );
        let text = [
            PARTICIPATION_HEADER.to_owned() + "\n",
            participation_row(
                "E07000117",
                "Further education and skills: Total",
                "16-18",
                "1,2,3,95000",
            ),
        ]
        .concat();
        let err = parse_participation_text(&text).unwrap_err().to_string();
        assert!(err.contains("column `age_summary`"), "{err}");
        assert!(err.ends_with("found `16-18`"), "{err}");
    }

    #[test]
    fn provision_rows_that_disagree_on_the_population_are_refused() {
        let text = [
            PARTICIPATION_HEADER.to_owned() + "\n",
            participation_row(
                "E07000117",
                "Apprenticeships: Total",
                "Total",
                "600,1500,450,95000",
            ),
            participation_row(
                "E07000117",
                "Further education and skills: Total",
                "Total",
                "3000,7000,2500,96000",
            ),
        ]
        .concat();
        let err = parse_participation_text(&text).unwrap_err().to_string();
        assert!(
            err.contains(
                "fes.csv: line 3, column `population_estimate`: expected `95000`, the \
                 population_estimate on line 2 for the same area and period, found `96000`"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_file_of_neither_fe_layout_lists_both() {
        let err = parse_participation_text("time_period,lad_code,learners\n202425,E07000117,5\n")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("expected the DfE FE achievements permalink layout"),
            "{err}"
        );
        assert!(
            err.contains("or the DfE FE participation and achievement layout"),
            "{err}"
        );
        assert!(
            err.ends_with("found columns: time_period,lad_code,learners"),
            "{err}"
        );
    }
}
