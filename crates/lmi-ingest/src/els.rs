//! ONS Explore Local Statistics series: one published value per area and period, with an
//! optional 95% confidence interval. Header:
//! `areacd,areanm,geography,indicator,period,observation,measure,unit,lci_95,uci_95,status,notes`.
//! A file can hold several indicators; the catalogue names the one to read and its measure id.
//! Values are published rates, medians or survey estimates: they are read as published and
//! never added up.

use crate::dfe::is_gss_code;
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::{Header, RawFile, bad_value, csv_error};
use lmi_core::Status;
use std::collections::HashMap;

const EXPECTED: &str = "the ONS Explore Local Statistics layout (areacd, areanm, geography, \
    indicator, period, observation, measure, unit, lci_95, uci_95, status, notes)";
const KNOWN: [&str; 12] = [
    "areacd",
    "areanm",
    "geography",
    "indicator",
    "period",
    "observation",
    "measure",
    "unit",
    "lci_95",
    "uci_95",
    "status",
    "notes",
];

/// `2024-01-01/P1Y` -> `2024`; `2024-08-01/P1Y` -> `2024/25` (academic year); `2024-04-17`
/// (a survey reference date) -> `2024`.
pub fn period_label(raw: &str) -> Option<String> {
    let (date, duration) = match raw.split_once('/') {
        Some((d, p)) => (d, Some(p)),
        None => (raw, None),
    };
    let b = date.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let year: u32 = date[..4].parse().ok()?;
    let month: u32 = date[5..7].parse().ok()?;
    let _day: u32 = date[8..].parse().ok()?;
    match (duration, month) {
        (None, 1..=12) => Some(year.to_string()),
        (Some("P1Y"), 1) => Some(year.to_string()),
        (Some("P1Y"), 8 | 9) => Some(format!("{year}/{:02}", (year + 1) % 100)),
        (Some("P1Y"), 4) => Some(format!("{year}/{:02}", (year + 1) % 100)),
        _ => None,
    }
}

/// Reads the rows of `indicator` as measure `measure` (and `<measure>_lci95`/`_uci95`).
pub fn parse(
    raw: &RawFile,
    source_id: &str,
    indicator: &str,
    measure: &str,
    out: &mut Observations,
) -> Result<usize> {
    let mut reader = raw.csv();
    let header = Header::read(raw, &mut reader, EXPECTED)?;
    let ix = |c: &str| header.require(c, &KNOWN);
    let (code_ix, ind_ix, period_ix, obs_ix, lci_ix, uci_ix, status_ix) = (
        ix("areacd")?,
        ix("indicator")?,
        ix("period")?,
        ix("observation")?,
        ix("lci_95")?,
        ix("uci_95")?,
        ix("status")?,
    );
    let (lci_measure, uci_measure) = (format!("{measure}_lci95"), format!("{measure}_uci95"));
    // The same unitary authority appears as both a district and an upper-tier area.
    let mut seen: HashMap<(String, String), (u64, String)> = HashMap::new();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        if field(ind_ix) != indicator || !field(code_ix).starts_with('E') {
            continue;
        }
        let bad = |column: &str, expected: &str, found: &str| {
            bad_value(&raw.path, line, column, expected, found)
        };
        let code = field(code_ix);
        if !is_gss_code(code) {
            return Err(bad("areacd", "a GSS area code such as E07000117", code));
        }
        let period = period_label(field(period_ix)).ok_or_else(|| {
            bad(
                "period",
                "an ISO 8601 period such as 2024-01-01/P1Y or a date such as 2024-04-17",
                field(period_ix),
            )
        })?;
        let number = |ix: usize, column: &str| -> Result<Option<f64>> {
            match field(ix) {
                "" => Ok(None),
                s => s
                    .parse::<f64>()
                    .ok()
                    .filter(|v| v.is_finite())
                    .map(Some)
                    .ok_or_else(|| bad(column, "a number or nothing", s)),
            }
        };
        let value = number(obs_ix, "observation")?;
        let status = match (field(status_ix), value) {
            // `u` without a value: withheld (e.g. a base of fewer than 5).
            ("u", None) => Status::Suppressed,
            ("x", _) | (_, None) => Status::Unavailable,
            ("u", Some(_)) => Status::LowReliability,
            ("", Some(_)) => Status::Ok,
            (other, _) => return Err(bad("status", "empty, `x` or `u`", other)),
        };
        let fingerprint = format!("{value:?}");
        if let Some((first_line, first)) = seen.insert(
            (code.to_owned(), period.clone()),
            (line, fingerprint.clone()),
        ) {
            if first == fingerprint {
                continue;
            }
            return Err(IngestError::DuplicateKey {
                file: raw.path.clone(),
                line,
                key: format!("area {code}, period {period} with a different value"),
                first_line,
            });
        }
        out.push(source_id, code, &period, measure, value, status);
        for (ix, column, m) in [
            (lci_ix, "lci_95", &lci_measure),
            (uci_ix, "uci_95", &uci_measure),
        ] {
            if let Some(bound) = number(ix, column)? {
                out.push(source_id, code, &period, m, Some(bound), Status::Ok);
            }
        }
        kept += 1;
    }
    if kept == 0 {
        return Err(IngestError::NoRows {
            file: raw.path.clone(),
            reason: format!("no English rows for indicator `{indicator}`"),
        });
    }
    Ok(kept)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{MEASURE, STATUS, VALUE};
    use std::path::Path;

    const HEADER: &str = "areacd,areanm,geography,indicator,period,observation,measure,unit,lci_95,uci_95,status,notes";

    fn parse_text(text: &str) -> Result<polars::prelude::DataFrame> {
        let raw = RawFile::from_bytes(Path::new("els.csv"), text.as_bytes().to_vec())?;
        let mut obs = Observations::default();
        parse(
            &raw,
            "s",
            "Employment rate",
            "els_employment_rate",
            &mut obs,
        )?;
        Ok(obs.into_frame()?)
    }

    #[test]
    fn periods_are_labelled_like_their_publishers_do() {
        assert_eq!(period_label("2024-01-01/P1Y").as_deref(), Some("2024"));
        assert_eq!(period_label("2023-08-01/P1Y").as_deref(), Some("2023/24"));
        assert_eq!(period_label("2024-04-17").as_deref(), Some("2024"));
        assert_eq!(period_label("2024-03-01/P3M"), None);
        assert_eq!(period_label("2024"), None);
    }

    #[test]
    fn values_keep_their_interval_and_gaps_stay_gaps() {
        let text = format!(
            "{HEADER}
E07000117,Burnley,Local Authority District,Employment rate,2023-01-01/P1Y,76.0,Percentage,%,63.2,88.8,,
E07000117,Burnley,Local Authority District,Economically inactive,2023-01-01/P1Y,23.3,Percentage,%,10.7,35.9,,
E06000053,Isles of Scilly,Local Authority District,Employment rate,2023-01-01/P1Y,,Percentage,%,,,x,
E06000053,Isles of Scilly,County or Unitary Authority,Employment rate,2023-01-01/P1Y,,Percentage,%,,,x,
W06000001,Anglesey,Local Authority District,Employment rate,2023-01-01/P1Y,70.0,Percentage,%,60,80,,
"
        );
        let df = parse_text(&text).unwrap();
        let m = df.column(MEASURE).unwrap().str().unwrap();
        let v = df.column(VALUE).unwrap().f64().unwrap();
        assert_eq!(df.height(), 4);
        assert_eq!(
            (m.get(0), v.get(0)),
            (Some("els_employment_rate"), Some(76.0))
        );
        assert_eq!(
            (m.get(1), v.get(1)),
            (Some("els_employment_rate_lci95"), Some(63.2))
        );
        assert_eq!(
            (m.get(2), v.get(2)),
            (Some("els_employment_rate_uci95"), Some(88.8))
        );
        assert_eq!(v.get(3), None);
        assert_eq!(
            df.column(STATUS).unwrap().str().unwrap().get(3),
            Some("unavailable")
        );
    }

    #[test]
    fn a_conflicting_duplicate_is_refused() {
        let text = format!(
            "{HEADER}
E06000009,Blackpool,Local Authority District,Employment rate,2023-01-01/P1Y,70.0,Percentage,%,,,,
E06000009,Blackpool,County or Unitary Authority,Employment rate,2023-01-01/P1Y,71.0,Percentage,%,,,,
"
        );
        let err = parse_text(&text).unwrap_err().to_string();
        assert!(
            err.contains("line 3: duplicate row for area E06000009, period 2023"),
            "{err}"
        );
    }
}
