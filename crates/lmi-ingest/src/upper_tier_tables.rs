//! Tables published for upper-tier local authorities (counties and unitaries) with England's
//! total, one row per area:
//!
//! - DfE Employer Skills Survey 2019 summary by local education authority (`ess2019_lea_summary`,
//!   the ALL_LEAS sheet transposed): `lea_name,utla_code,…,Total number of staff,…,Number of
//!   vacancies,Number of skill-shortage vacancies,…`; the England row has no code; `**` is
//!   suppressed (base too small).
//! - DfE NCCIS "Participation in education, training and NEET age 16 to 17 by local authority"
//!   (EES tidy layout): `time_period,…,geographic_level,country_code,…,region_code,…,
//!   new_la_code,…,Cohort_DJFavg,NEET_percent,Notknown_percent,…,cohort_March,…,
//!   Apprenticeship_percent,…`; `c` suppressed, `z` not applicable. Counts are derived from the
//!   published percentages (1 dp) and cohorts so that areas can be combined as ratios of sums.
//!   Two layouts: the dashboard's wide LA scorecard (the files `refresh --from` reads), and the
//!   long EES data set "NEET by characteristics" (one row per age and characteristic; what a
//!   fetching refresh downloads), in either of DfE's column spellings (see [`NCCIS_LONG`]). Both
//!   give the same measures from the same published cells, so a year reads the same from either.

use crate::dfe::is_gss_code;
use crate::error::Result;
use crate::observations::Observations;
use crate::raw::{Header, RawFile, bad_value, csv_error, rows_kept};
use lmi_core::Status;
use lmi_core::geography::ENGLAND;

pub const ESS_STAFF: &str = "ess_staff";
pub const ESS_VACANCIES: &str = "ess_vacancies";
pub const ESS_SSV: &str = "ess_skill_shortage_vacancies";
const ESS_PERIOD: &str = "2019";
/// Flag on an area several 2019 authorities were coded to.
pub const SPLIT_AUTHORITY: &str =
    "several 2019 authorities carry this code: their sum is not the current area";

const ESS_COLUMNS: [(&str, &str); 3] = [
    ("Total number of staff", ESS_STAFF),
    ("Number of vacancies", ESS_VACANCIES),
    ("Number of skill-shortage vacancies", ESS_SSV),
];

/// A parsed cell: its value (absent for a symbol) and status.
type Cell = (Option<f64>, Status);

/// A count or a publisher symbol, as a value and status.
fn cell(
    raw: &RawFile,
    line: u64,
    column: &str,
    text: &str,
    symbols: &[(&str, Status)],
) -> Result<Cell> {
    if let Some((_, status)) = symbols.iter().find(|(s, _)| *s == text) {
        return Ok((None, *status));
    }
    text.parse::<f64>()
        .ok()
        .filter(|v| v.is_finite() && *v >= 0.0)
        .map(|v| (Some(v), Status::Ok))
        .ok_or_else(|| {
            let accepted: Vec<&str> = symbols.iter().map(|(s, _)| *s).collect();
            bad_value(
                &raw.path,
                line,
                column,
                &format!("a number or one of {}", accepted.join(" ")),
                text,
            )
        })
}

pub fn parse_ess(raw: &RawFile, source_id: &str, out: &mut Observations) -> Result<usize> {
    let mut reader = raw.csv();
    let expected = "the ESS 2019 local education authority summary (lea_name, utla_code, Total \
        number of staff, Number of vacancies, Number of skill-shortage vacancies, …)";
    let header = Header::read(raw, &mut reader, expected)?;
    let mut known = vec!["lea_name", "utla_code"];
    known.extend(ESS_COLUMNS.iter().map(|(c, _)| *c));
    let name_ix = header.require("lea_name", &known)?;
    let code_ix = header.require("utla_code", &known)?;
    let columns = ESS_COLUMNS
        .iter()
        .map(|(c, m)| Ok((header.require(c, &known)?, *c, *m)))
        .collect::<Result<Vec<_>>>()?;
    // Distinct rows per code: each row is its cells' (value, status).
    let mut by_code: std::collections::BTreeMap<String, Vec<Vec<Cell>>> = Default::default();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        let code = match (field(code_ix), field(name_ix)) {
            ("", "England Total") => ENGLAND,
            (c, _) if is_gss_code(c) => c,
            (c, _) => {
                return Err(bad_value(
                    &raw.path,
                    line,
                    "utla_code",
                    "an upper-tier code, or blank on the `England Total` row",
                    c,
                ));
            }
        };
        // The transposed sheet repeats the England row: identical copies are one row.
        let mut parsed = Vec::with_capacity(columns.len());
        for (ix, column, _) in &columns {
            parsed.push(cell(
                raw,
                line,
                column,
                field(*ix),
                &[("**", Status::Suppressed)],
            )?);
        }
        let rows = by_code.entry(code.to_owned()).or_default();
        if !rows.contains(&parsed) {
            rows.push(parsed);
        }
    }
    for (code, rows) in &by_code {
        for (i, (_, _, measure)) in columns.iter().enumerate() {
            match rows.as_slice() {
                [one] => out.push(source_id, code, ESS_PERIOD, measure, one[i].0, one[i].1),
                // Two 2019 authorities named to one current code (Bournemouth and Poole ->
                // Bournemouth, Christchurch and Poole, whose Christchurch was in Dorset): their
                // sum would not be the current area.
                _ => out.push_flagged(
                    source_id,
                    code,
                    ESS_PERIOD,
                    measure,
                    None,
                    Status::Unavailable,
                    SPLIT_AUTHORITY,
                ),
            }
        }
        kept += 1;
    }
    rows_kept(raw, kept, "the file has a header but no data rows")
}

pub const NCCIS_COHORT: &str = "nccis_cohort_16_17";
pub const NCCIS_NEET: &str = "nccis_neet_16_17";
pub const NCCIS_NOT_KNOWN: &str = "nccis_not_known_16_17";
pub const NCCIS_MARCH_COHORT: &str = "nccis_march_cohort_16_17";
pub const NCCIS_APPRENTICESHIP: &str = "nccis_apprenticeship_16_17";

/// (percentage column, cohort column, measure of the derived count).
const NCCIS_PERCENTAGES: [(&str, &str, &str); 3] = [
    ("NEET_percent", "Cohort_DJFavg", NCCIS_NEET),
    ("Notknown_percent", "Cohort_DJFavg", NCCIS_NOT_KNOWN),
    (
        "Apprenticeship_percent",
        "cohort_March",
        NCCIS_APPRENTICESHIP,
    ),
];
const NCCIS_SYMBOLS: [(&str, Status); 2] =
    [("c", Status::Suppressed), ("z", Status::NotApplicable)];

pub fn parse_nccis(raw: &RawFile, source_id: &str, out: &mut Observations) -> Result<usize> {
    let mut reader = raw.csv();
    {
        let header = Header::read(raw, &mut reader, "")?;
        if let Some(spelling) = NCCIS_LONG
            .iter()
            .find(|s| header.position(s.grouping).is_some())
        {
            return parse_nccis_long(raw, source_id, spelling, out);
        }
    }
    let mut reader = raw.csv();
    let expected = "the NCCIS 16-17 participation and NEET layout (time_period, geographic_level, \
        country_code, region_code, new_la_code, Age, Cohort_DJFavg, NEET_percent, \
        Notknown_percent, cohort_March, Apprenticeship_percent, …)";
    let header = Header::read(raw, &mut reader, expected)?;
    let known = [
        "time_period",
        "geographic_level",
        "country_code",
        "region_code",
        "new_la_code",
        "Age",
        "Cohort_DJFavg",
        "cohort_March",
        "NEET_percent",
        "Notknown_percent",
        "Apprenticeship_percent",
    ];
    let ix = |c: &str| header.require(c, &known);
    let region_name_ix = header.position("region_name");
    let (period_ix, level_ix, country_ix, region_ix, la_ix, age_ix) = (
        ix("time_period")?,
        ix("geographic_level")?,
        ix("country_code")?,
        ix("region_code")?,
        ix("new_la_code")?,
        ix("Age")?,
    );
    let cohorts = [
        ("Cohort_DJFavg", NCCIS_COHORT),
        ("cohort_March", NCCIS_MARCH_COHORT),
    ]
    .into_iter()
    .map(|(c, m)| Ok((ix(c)?, c, m)))
    .collect::<Result<Vec<_>>>()?;
    let percentages = NCCIS_PERCENTAGES
        .into_iter()
        .map(|(p, c, m)| Ok((ix(p)?, p, ix(c)?, m)))
        .collect::<Result<Vec<_>>>()?;
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        let bad = |column: &str, expected: &str, found: &str| {
            bad_value(&raw.path, line, column, expected, found)
        };
        if field(age_ix) != "16-17" {
            return Err(bad("Age", "`16-17`", field(age_ix)));
        }
        // DfE's 2021 file (UD_NEETNK_LA_dashboard_2021_vg_removed.csv) keeps two dashboard
        // placeholders with made-up values and no codes: a Regional row "Region demo" and a
        // Local authority row "LA demo" in it. Only rows of "Region demo" without codes are
        // skipped; any other row without a code is an error.
        let region_name = region_name_ix.map_or("", |i| field(i));
        if region_name == "Region demo" && field(region_ix).is_empty() && field(la_ix).is_empty() {
            tracing::warn!(file = %raw.path.display(), line, "skipped a DfE \"Region demo\" placeholder row");
            continue;
        }
        let (code, period) = nccis_key(
            &field,
            &bad,
            [level_ix, country_ix, region_ix, la_ix, period_ix],
        )?;
        for (i, column, measure) in &cohorts {
            let (value, status) = cell(raw, line, column, field(*i), &NCCIS_SYMBOLS)?;
            out.push(source_id, code, period, measure, value, status);
        }
        for (pix, pcol, cix, measure) in &percentages {
            let (pct, pstatus) = cell(raw, line, pcol, field(*pix), &NCCIS_SYMBOLS)?;
            let (cohort, _) = cell(raw, line, pcol, field(*cix), &NCCIS_SYMBOLS)?;
            let (count, status) = count_of_percent(pct, pstatus, cohort);
            out.push(source_id, code, period, measure, count, status);
        }
        kept += 1;
    }
    rows_kept(raw, kept, "the file has a header but no data rows")
}

/// The column names of one spelling of the EES "NEET by characteristics" data set.
#[derive(Debug)]
pub struct NccisLong {
    pub age: &'static str,
    /// The age value of the 16-17 total (the file also has ages 16 and 17 alone).
    pub age_total: &'static str,
    pub grouping: &'static str,
    pub characteristic: &'static str,
    pub cohort: &'static str,
    pub neet_percent: &'static str,
    pub not_known_percent: &'static str,
    /// Columns of this spelling that are not read (counts, the combined share, annual change).
    pub unread: [&'static str; 5],
}

/// DfE's two spellings: the 2021/22 to 2023/24 releases (`ud_neet_characteristics.csv`: `Age`
/// `16-17`, `Characteristic_grouping`, `Characteristic`, `avgcohort`, `NEETprop`,
/// `Notknownprop`, also `avgNEET`, `avgNK`, `avgNEETNK`, `NEETNKprop`) and the later snake_case one
/// (`age` `16 to 17`, `characteristic_grouping`, `characteristic`, `avg_cohort_count`,
/// `neet_percent`, `nk_percent`, also `avg_neet_count`, `avg_nk_count`, `neet_nk_percent`).
/// Column names from the EES data catalogue pages (../shared/PUBLISHERS-DEMAND.md §7); the
/// total rows' values (`Total`/`Total`, age `16-17` resp. `16 to 17`) from public scripts that
/// read each spelling (not a DfE file): a file with no such row fails.
pub const NCCIS_LONG: [NccisLong; 2] = [
    NccisLong {
        age: "Age",
        age_total: "16-17",
        grouping: "Characteristic_grouping",
        characteristic: "Characteristic",
        cohort: "avgcohort",
        neet_percent: "NEETprop",
        not_known_percent: "Notknownprop",
        unread: [
            "avgNEET",
            "avgNK",
            "avgNEETNK",
            "NEETNKprop",
            "annual_change_NEETNK",
        ],
    },
    NccisLong {
        age: "age",
        age_total: "16 to 17",
        grouping: "characteristic_grouping",
        characteristic: "characteristic",
        cohort: "avg_cohort_count",
        neet_percent: "neet_percent",
        not_known_percent: "nk_percent",
        unread: [
            "avg_neet_count",
            "avg_nk_count",
            "avg_neet_nk_count",
            "neet_nk_percent",
            "annual_change_neet_nk_percent",
        ],
    },
];

/// DfE symbols in the EES file: `c` suppressed, `z` not applicable, `x` not available, `low`
/// rounds to zero (withheld).
const NCCIS_LONG_SYMBOLS: [(&str, Status); 4] = [
    ("c", Status::Suppressed),
    ("z", Status::NotApplicable),
    ("x", Status::Unavailable),
    ("low", Status::Suppressed),
];

/// A count derived from a published percentage of a cohort: `Estimated` (DfE rounds the
/// percentage), or the percentage's own status when either is missing.
fn count_of_percent(
    pct: Option<f64>,
    pct_status: Status,
    cohort: Option<f64>,
) -> (Option<f64>, Status) {
    match pct.zip(cohort) {
        Some((p, c)) => (Some(p * c / 100.0), Status::Estimated),
        None => (None, pct_status),
    }
}

/// A NCCIS row's area code (by its `geographic_level`) and calendar year, checked; the same in
/// DfE's wide scorecard and EES's long files. `ix`: level, country, region, LA, period columns.
fn nccis_key<'a>(
    field: &impl Fn(usize) -> &'a str,
    bad: &impl Fn(&str, &str, &str) -> crate::IngestError,
    [level_ix, country_ix, region_ix, la_ix, period_ix]: [usize; 5],
) -> Result<(&'a str, &'a str)> {
    let code = match field(level_ix) {
        "National" => field(country_ix),
        "Regional" => field(region_ix),
        "Local authority" => field(la_ix),
        other => {
            return Err(bad(
                "geographic_level",
                "National, Regional or Local authority",
                other,
            ));
        }
    };
    if !is_gss_code(code) {
        return Err(bad(
            "new_la_code",
            "a GSS code for the row's geographic level",
            code,
        ));
    }
    let period = field(period_ix);
    if period.len() != 4 || !period.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad("time_period", "a calendar year such as 2025", period));
    }
    Ok((code, period))
}

/// The long EES layout: only the 16-17 `Total`/`Total` rows are read (ages 16 and 17 alone and
/// the characteristic splits are parts of them). The cohort, NEET and not-known measures are
/// those of the scorecard; the EES data set has no March cohort or participation by route, so
/// the apprenticeship measures are not in it.
fn parse_nccis_long(
    raw: &RawFile,
    source_id: &str,
    spelling: &NccisLong,
    out: &mut Observations,
) -> Result<usize> {
    let mut reader = raw.csv();
    let expected = format!(
        "the EES NCCIS \"NEET by characteristics\" layout (time_period, geographic_level, \
         country_code, region_code, new_la_code, {}, {}, {}, {}, {}, {}, …)",
        spelling.age,
        spelling.grouping,
        spelling.characteristic,
        spelling.cohort,
        spelling.neet_percent,
        spelling.not_known_percent
    );
    let header = Header::read(raw, &mut reader, &expected)?;
    let mut known = vec![
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
        spelling.age,
        spelling.grouping,
        spelling.characteristic,
        spelling.cohort,
        spelling.neet_percent,
        spelling.not_known_percent,
    ];
    known.extend(spelling.unread);
    let ix = |c: &str| header.require(c, &known);
    let (period_ix, level_ix, country_ix, region_ix, la_ix) = (
        ix("time_period")?,
        ix("geographic_level")?,
        ix("country_code")?,
        ix("region_code")?,
        ix("new_la_code")?,
    );
    let (age_ix, grouping_ix, characteristic_ix) = (
        ix(spelling.age)?,
        ix(spelling.grouping)?,
        ix(spelling.characteristic)?,
    );
    let cohort_ix = ix(spelling.cohort)?;
    let percentages = [
        (
            ix(spelling.neet_percent)?,
            spelling.neet_percent,
            NCCIS_NEET,
        ),
        (
            ix(spelling.not_known_percent)?,
            spelling.not_known_percent,
            NCCIS_NOT_KNOWN,
        ),
    ];
    let mut seen = std::collections::BTreeSet::new();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        let bad = |column: &str, expected: &str, found: &str| {
            bad_value(&raw.path, line, column, expected, found)
        };
        if field(age_ix) != spelling.age_total
            || field(grouping_ix) != "Total"
            || field(characteristic_ix) != "Total"
        {
            continue;
        }
        let (code, period) = nccis_key(
            &field,
            &bad,
            [level_ix, country_ix, region_ix, la_ix, period_ix],
        )?;
        if !seen.insert((code.to_owned(), period.to_owned())) {
            return Err(bad(
                spelling.characteristic,
                "one 16-17 Total row per area and year",
                &format!("a second one for {code} in {period}"),
            ));
        }
        let (cohort, cohort_status) = cell(
            raw,
            line,
            spelling.cohort,
            field(cohort_ix),
            &NCCIS_LONG_SYMBOLS,
        )?;
        out.push(source_id, code, period, NCCIS_COHORT, cohort, cohort_status);
        for (pix, pcol, measure) in &percentages {
            let (pct, pstatus) = cell(raw, line, pcol, field(*pix), &NCCIS_LONG_SYMBOLS)?;
            let (count, status) = count_of_percent(pct, pstatus, cohort);
            out.push(source_id, code, period, measure, count, status);
        }
        kept += 1;
    }
    rows_kept(
        raw,
        kept,
        &format!(
            "no row of age `{}` with {} and {} `Total`",
            spelling.age_total, spelling.grouping, spelling.characteristic
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{AREA_CODE, MEASURE, STATUS, VALUE};

    fn frame(text: &str, nccis: bool) -> polars::prelude::DataFrame {
        crate::raw::parse_text(text, |raw, obs| {
            if nccis {
                parse_nccis(raw, "s", obs)
            } else {
                parse_ess(raw, "s", obs)
            }
        })
        .unwrap()
    }

    #[test]
    fn ess_counts_with_england_a_suppressed_area_and_a_split_one() {
        let df = frame(
            "lea_name,utla_code,Total number of staff,Number of vacancies,Number of skill-shortage vacancies\n\
             England Total,,100,10,2\nEngland Total,,100,10,2\nLancashire,E10000017,50,5,1\nIsles of Scilly,E06000053,**,**,**\n\
             Poole,E06000058,8,1,0\nBournemouth,E06000058,9,2,1\n",
            false,
        );
        assert_eq!(df.height(), 12);
        let codes: Vec<_> = df
            .column(AREA_CODE)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        let status: Vec<_> = df
            .column(STATUS)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        let at = |code: &str| codes.iter().position(|c| *c == code).unwrap();
        assert_eq!(status[at(ENGLAND)], "ok");
        assert_eq!(status[at("E06000053")], "suppressed");
        assert_eq!(status[at("E06000058")], "unavailable");
    }

    #[test]
    fn nccis_skips_only_dfes_region_demo_placeholder() {
        let header = "time_period,geographic_level,country_code,region_code,region_name,new_la_code,Age,Cohort_DJFavg,NEET_percent,Notknown_percent,cohort_March,Apprenticeship_percent\n";
        let la = "2021,Local authority,E92000001,E12000002,North West,E10000017,16-17,30517,3.9,2.5,30600,5.1\n";
        let demo = "2021,Regional,E92000001,,Region demo,,16-17,120000,3.3,1.3,121000,2.6\n\
                    2021,Local authority,E92000001,,Region demo,,16-17,6595,3.6,0.9,6600,3.2\n";
        let df = frame(&format!("{header}{demo}{la}"), true);
        let codes = df.column(AREA_CODE).unwrap().str().unwrap();
        assert!(codes.iter().flatten().all(|c| c == "E10000017"), "{df:?}");
        // Any other region without a code is still refused.
        let other = demo
            .lines()
            .next()
            .unwrap()
            .replace("Region demo", "North West");
        let err = crate::raw::parse_text(&format!("{header}{other}"), |raw, obs| {
            parse_nccis(raw, "s", obs)
        })
        .unwrap_err();
        assert!(err.to_string().contains("new_la_code"), "{err}");
    }

    #[test]
    fn nccis_counts_come_from_percentages_and_cohorts() {
        let df = frame(
            "time_period,geographic_level,country_code,region_code,new_la_code,Age,Cohort_DJFavg,NEET_percent,Notknown_percent,cohort_March,Apprenticeship_percent\n\
             2025,Local authority,E92000001,E12000002,E10000017,16-17,30517,3.9,2.5,30600,c\n",
            true,
        );
        let m: Vec<_> = df
            .column(MEASURE)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(m[2], NCCIS_NEET);
        let v = df.column(VALUE).unwrap().f64().unwrap();
        assert!((v.get(2).unwrap() - 30517.0 * 3.9 / 100.0).abs() < 1e-9);
        assert_eq!(v.get(4), None);
        assert_eq!(
            df.column(STATUS).unwrap().str().unwrap().get(4),
            Some("suppressed")
        );
    }

    /// (area, measure, value, status) of a parsed file, sorted.
    fn cells(df: &polars::prelude::DataFrame) -> Vec<(String, String, Option<String>, String)> {
        let col = |c: &str| df.column(c).unwrap().str().unwrap().clone();
        let (a, m, s) = (col(AREA_CODE), col(MEASURE), col(STATUS));
        let v = df.column(VALUE).unwrap().f64().unwrap();
        let mut out: Vec<_> = (0..df.height())
            .map(|i| {
                (
                    a.get(i).unwrap().to_owned(),
                    m.get(i).unwrap().to_owned(),
                    v.get(i).map(|x| format!("{x:.6}")),
                    s.get(i).unwrap().to_owned(),
                )
            })
            .collect();
        out.sort();
        out
    }

    #[test]
    fn nccis_long_files_in_either_spelling_give_the_scorecards_measures() {
        let wide = frame(
            "time_period,geographic_level,country_code,region_code,new_la_code,Age,Cohort_DJFavg,NEET_percent,Notknown_percent,cohort_March,Apprenticeship_percent\n\
             2025,National,E92000001,,,16-17,1335160,3.4,2.2,1337190,4.2\n\
             2025,Local authority,E92000001,E12000002,E10000017,16-17,30517,3.9,c,30600,12.4\n",
            true,
        );
        let old = frame(
            "time_period,time_identifier,geographic_level,country_code,region_code,new_la_code,Age,Characteristic_grouping,Characteristic,avgcohort,avgNEET,avgNK,NEETprop,Notknownprop\n\
             2025,Calendar year,National,E92000001,,,16,Total,Total,660000,x,x,9.9,9.9\n\
             2025,Calendar year,National,E92000001,,,16-17,Total,Total,1335160,x,x,3.4,2.2\n\
             2025,Calendar year,National,E92000001,,,16-17,Gender,Female,x,x,x,x,x\n\
             2025,Calendar year,Local authority,E92000001,E12000002,E10000017,16-17,Total,Total,30517,x,x,3.9,c\n",
            true,
        );
        let new = frame(
            "time_period,time_identifier,geographic_level,country_code,region_code,new_la_code,age,characteristic_grouping,characteristic,avg_cohort_count,avg_neet_count,neet_percent,nk_percent\n\
             2025,Calendar year,National,E92000001,,,16 to 17,Total,Total,1335160,x,3.4,2.2\n\
             2025,Calendar year,Local authority,E92000001,E12000002,E10000017,16 to 17,Total,Total,30517,x,3.9,c\n\
             2025,Calendar year,Local authority,E92000001,E12000002,E10000017,17,Total,Total,15000,x,5.0,1.0\n",
            true,
        );
        // The scorecard's cohort, NEET and not-known cells, without its March/apprenticeship ones.
        let scorecard: Vec<_> = cells(&wide)
            .into_iter()
            .filter(|(_, m, _, _)| {
                [NCCIS_COHORT, NCCIS_NEET, NCCIS_NOT_KNOWN].contains(&m.as_str())
            })
            .collect();
        assert_eq!(scorecard.len(), 6);
        assert_eq!(cells(&old), scorecard);
        assert_eq!(cells(&new), scorecard);
    }

    #[test]
    fn nccis_long_without_a_total_row_or_with_two_fails_naming_it() {
        let header = "time_period,geographic_level,country_code,region_code,new_la_code,age,characteristic_grouping,characteristic,avg_cohort_count,neet_percent,nk_percent\n";
        let row = "2025,Local authority,E92000001,E12000002,E10000017,16 to 17,Total,Total,30517,3.9,2.5\n";
        let parse = |text: String| {
            crate::raw::parse_text(&text, |raw, obs| parse_nccis(raw, "s", obs))
                .unwrap_err()
                .to_string()
        };
        let err = parse(format!("{header}{}", row.replace("16 to 17", "16-17")));
        assert!(err.contains("no row of age `16 to 17`"), "{err}");
        let err = parse(format!("{header}{row}{row}"));
        assert!(err.contains("a second one for E10000017 in 2025"), "{err}");
        let err = parse(format!("{header}{}", row.replace("3.9", "n/a")));
        assert!(err.contains("neet_percent"), "{err}");
    }
}
