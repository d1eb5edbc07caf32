//! ONS "Labour demand indicators by local authority" (online job adverts from Adzuna, January
//! average each year), converted to CSV: `Local authority [note 1],lad_code,Region [note 2],2017,
//! …,2022`. Values are an index ("unit measure": adverts divided by an undisclosed constant), not
//! counts. Emits the index and its percentage change on the previous January.
//!
//! ONS excluded 43 local authorities for quality (the release's sheet 4); they are not in the
//! table. The English ones get an `unavailable` observation with the reason as the flag, so they
//! are absent with a reason rather than missing without one; so is England, which the tables do
//! not cover.

use crate::dfe::newest_joined_code;
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::{Header, RawFile, bad_value, csv_error};
use lmi_core::Status;
use lmi_core::geography::ENGLAND;

pub const INDEX: &str = "adzuna_job_adverts_index";
pub const CHANGE: &str = "adzuna_job_adverts_index_change";
/// Flag on the observations of local authorities ONS excluded.
pub const EXCLUDED_FLAG: &str = "excluded by ONS for data quality (not published)";
/// Flag on England's observations: the tables are by local authority only, and a sum of the
/// index over districts would leave out the excluded ones.
pub const NO_ENGLAND_FLAG: &str = "published for local authorities only (no England figure)";

/// The English districts (codes as at the May 2022 release) among the 43 local authorities ONS
/// excluded: Allerdale, Bolsover, Broadland, East Riding of Yorkshire, Hammersmith and Fulham,
/// High Peak, Hinckley and Bosworth, Isles of Scilly, Knowsley, Lambeth, Lewisham, North East
/// Derbyshire, North Norfolk, North Warwickshire, Oadby and Wigston, Pendle, Ryedale, South Hams,
/// Swale, Swindon, Tameside, Tamworth, Tendring, Thurrock, Torridge, Tower Hamlets, Wyre.
pub const EXCLUDED_ENGLISH: [&str; 27] = [
    "E07000026",
    "E07000033",
    "E07000144",
    "E06000011",
    "E09000013",
    "E07000037",
    "E07000132",
    "E06000053",
    "E08000011",
    "E09000022",
    "E09000023",
    "E07000038",
    "E07000147",
    "E07000218",
    "E07000135",
    "E07000122",
    "E07000167",
    "E07000044",
    "E07000113",
    "E06000030",
    "E08000008",
    "E07000199",
    "E07000076",
    "E06000034",
    "E07000046",
    "E09000030",
    "E07000128",
];

const NAME: &str = "Local authority [note 1]";
const CODE: &str = "lad_code";
const REGION: &str = "Region [note 2]";

pub fn parse(raw: &RawFile, source_id: &str, out: &mut Observations) -> Result<usize> {
    let mut reader = raw.csv();
    let expected = "the ONS online job adverts by local authority layout (Local authority \
        [note 1], lad_code, Region [note 2], then one column per January year)";
    let header = Header::read(raw, &mut reader, expected)?;
    let mut known = vec![NAME, CODE, REGION];
    let years: Vec<(usize, String)> = header
        .names()
        .iter()
        .enumerate()
        .filter(|(_, n)| n.len() == 4 && n.bytes().all(|b| b.is_ascii_digit()))
        .map(|(i, n)| (i, n.clone()))
        .collect();
    known.extend(years.iter().map(|(_, y)| y.as_str()));
    let code_ix = header.require(CODE, &known)?;
    if years.len() < 2 {
        return Err(IngestError::NoRows {
            file: raw.path.clone(),
            reason: "fewer than two year columns".into(),
        });
    }
    let mut seen = std::collections::HashSet::new();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        // Name-matched: a name with several historic codes lists them all; the newest is kept.
        let code = newest_joined_code(field(code_ix)).ok_or_else(|| {
            bad_value(
                &raw.path,
                line,
                CODE,
                "GSS codes separated by `;`",
                field(code_ix),
            )
        })?;
        if !seen.insert(code.to_owned()) {
            return Err(IngestError::DuplicateKey {
                file: raw.path.clone(),
                line,
                key: format!("area {code}"),
                first_line: 0,
            });
        }
        let mut previous: Option<f64> = None;
        for (ix, year) in &years {
            let value: f64 = field(*ix)
                .parse()
                .ok()
                .filter(|v: &f64| v.is_finite() && *v >= 0.0)
                .ok_or_else(|| bad_value(&raw.path, line, year, "an index value", field(*ix)))?;
            out.push(source_id, code, year, INDEX, Some(value), Status::Ok);
            if let Some(p) = previous.filter(|p| *p > 0.0) {
                out.push(
                    source_id,
                    code,
                    year,
                    CHANGE,
                    Some((value - p) / p * 100.0),
                    Status::Ok,
                );
            }
            previous = Some(value);
        }
        kept += 1;
    }
    let absent = EXCLUDED_ENGLISH
        .iter()
        .filter(|c| !seen.contains(**c))
        .map(|c| (*c, EXCLUDED_FLAG))
        .chain([(ENGLAND, NO_ENGLAND_FLAG)]);
    for (code, flag) in absent {
        for (i, (_, year)) in years.iter().enumerate() {
            let measures: &[&str] = if i == 0 { &[INDEX] } else { &[INDEX, CHANGE] };
            for m in measures {
                out.push_flagged(source_id, code, year, m, None, Status::Unavailable, flag);
            }
        }
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{AREA_CODE, FLAGS, MEASURE, STATUS, VALUE};

    #[test]
    fn index_change_and_excluded_areas() {
        let text = "Local authority [note 1],lad_code,Region [note 2],2021,2022\n\
                    Burnley,E07000117,North West,10,12.5\n";
        let df = crate::raw::parse_text(text, |raw, obs| parse(raw, "s", obs)).unwrap();
        let v = df.column(VALUE).unwrap().f64().unwrap();
        let m = df.column(MEASURE).unwrap().str().unwrap();
        assert_eq!((m.get(2), v.get(2)), (Some(CHANGE), Some(25.0)));
        // Pendle is excluded by ONS: present, without a value, with the reason.
        let codes = df.column(AREA_CODE).unwrap().str().unwrap();
        let rows: Vec<usize> = (0..df.height())
            .filter(|i| codes.get(*i) == Some("E07000122"))
            .collect();
        assert_eq!(rows.len(), 3);
        let status = df.column(STATUS).unwrap().str().unwrap();
        let flags = df.column(FLAGS).unwrap().str().unwrap();
        assert_eq!(status.get(rows[0]), Some("unavailable"));
        assert_eq!(flags.get(rows[0]), Some(EXCLUDED_FLAG));
    }
}
