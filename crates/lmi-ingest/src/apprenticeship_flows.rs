//! DfE apprenticeships by learner home district and delivery district (the data behind DfE's
//! apprenticeships provider dashboard, summed over providers): `year,learner_home_lad23cd,
//! learner_home_lad_name,delivery_lad23cd,delivery_lad_name,starts,enrolments,achievements`.
//!
//! A blank code is DfE's "Outside of England and unknown" location: it becomes the
//! `outside_england_or_unknown` bucket, never dropped. A year label with a month range
//! (`2025/26 (Aug to Apr)`) is a part year with provisional figures: the period is `2025/26` and
//! every observation of it carries the `provisional` flag. See `lmi_core::flows` for the measures.
//!
//! The same data as DfE publishes it (`data/lad_map_data_0.parquet` of
//! `dfe-analytical-services/apprenticeships-provider-dashboard`, written by arrow from
//! `R/data-prep/create_data_files.R`: `year, provider_name, learner_home_lad, delivery_lad,
//! starts, enrolments, achievements`, one row per provider) is read too: rows are summed over
//! providers, and the district **names** are mapped to current district codes through the
//! geography (`Outside of England and unknown` is the bucket). A name that maps to no current
//! district fails the file, listing every such name: none is dropped.

use crate::dfe::is_gss_code;
use crate::error::{IngestError, Result};
use crate::observations::{Interner, Observations};
use crate::raw::{Header, RawFile, bad_value, csv_error, rows_kept};
use lmi_core::Status;
use lmi_core::flows::{FlowQuantity, OUTSIDE_ENGLAND_OR_UNKNOWN, PROVISIONAL_FLAG, flow_measure};
use polars::prelude::{InitHashMaps, PlHashMap};

const EXPECTED: &str = "the apprenticeships home-to-delivery layout (year, learner_home_lad23cd, \
    learner_home_lad_name, delivery_lad23cd, delivery_lad_name, starts, enrolments, achievements)";
const KNOWN: [&str; 8] = [
    "year",
    "learner_home_lad23cd",
    "learner_home_lad_name",
    "delivery_lad23cd",
    "delivery_lad_name",
    "starts",
    "enrolments",
    "achievements",
];
const UNKNOWN_NAME: &str = "Outside of England and unknown";

/// `2023/24` -> (`2023/24`, false); `2025/26 (Aug to Apr)` -> (`2025/26`, true).
fn academic_year(label: &str) -> Option<(&str, bool)> {
    let (year, rest) = match label.split_once(' ') {
        Some((y, rest)) => (y, Some(rest)),
        None => (label, None),
    };
    let (a, b) = year.split_once('/')?;
    let ok = a.len() == 4
        && b.len() == 2
        && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
        && (a[2..].parse::<u32>().ok()? + 1) % 100 == b.parse::<u32>().ok()?;
    let part_year = match rest {
        None => false,
        Some(r) if r.starts_with('(') && r.ends_with(')') && r.contains(" to ") => true,
        Some(_) => return None,
    };
    ok.then_some((year, part_year))
}

pub fn parse(raw: &RawFile, source_id: &str, out: &mut Observations) -> Result<usize> {
    if raw.content.starts_with(b"PAR1") {
        return parse_parquet(raw, source_id, out);
    }
    let mut reader = raw.csv();
    let header = Header::read(raw, &mut reader, EXPECTED)?;
    let ix = |c: &str| header.require(c, &KNOWN);
    let (year_ix, home_ix, home_name_ix, delivery_ix, delivery_name_ix) = (
        ix("year")?,
        ix("learner_home_lad23cd")?,
        ix("learner_home_lad_name")?,
        ix("delivery_lad23cd")?,
        ix("delivery_lad_name")?,
    );
    let quantities = FlowQuantity::ALL
        .iter()
        .map(|q| Ok((*q, ix(q.as_str())?)))
        .collect::<Result<Vec<_>>>()?;
    // Years and district codes by index: the duplicate check keys on three integers instead of
    // three new strings per row (a national file has ~40,000 rows a year).
    let mut ids = Interner::default();
    let mut seen: PlHashMap<(u32, u32, u32), u64> = PlHashMap::new();
    // Each destination's measures, written once (a few hundred destinations).
    let mut measures: PlHashMap<String, Vec<String>> = PlHashMap::new();
    let mut kept = 0;
    let mut record = csv::StringRecord::new();
    while reader
        .read_record(&mut record)
        .map_err(|e| csv_error(&raw.path, &e))?
    {
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        let bad = |column: &str, expected: &str, found: &str| {
            bad_value(&raw.path, line, column, expected, found)
        };
        let (period, provisional) = academic_year(field(year_ix)).ok_or_else(|| {
            bad(
                "year",
                "an academic year such as `2023/24`, optionally with a month range `(Aug to Apr)`",
                field(year_ix),
            )
        })?;
        let code = |code_ix: usize, name_ix: usize, column: &str| -> Result<&str> {
            match (field(code_ix), field(name_ix)) {
                ("", UNKNOWN_NAME) => Ok(OUTSIDE_ENGLAND_OR_UNKNOWN),
                (c, _) if is_gss_code(c) => Ok(c),
                (c, _) => Err(bad(
                    column,
                    "a district code, or blank with the name `Outside of England and unknown`",
                    c,
                )),
            }
        };
        let home = code(home_ix, home_name_ix, "learner_home_lad23cd")?;
        let delivery = code(delivery_ix, delivery_name_ix, "delivery_lad23cd")?;
        let key = (ids.id(period), ids.id(home), ids.id(delivery));
        if let Some(first_line) = seen.insert(key, line) {
            return Err(IngestError::DuplicateKey {
                file: raw.path.clone(),
                line,
                key: format!("{period}, home {home}, delivery {delivery}"),
                first_line,
            });
        }
        if !measures.contains_key(delivery) {
            let written = quantities
                .iter()
                .map(|(q, _)| flow_measure(*q, delivery))
                .collect();
            measures.insert(delivery.to_owned(), written);
        }
        let delivery_measures = &measures[delivery];
        for ((quantity, qix), measure) in quantities.iter().zip(delivery_measures) {
            let value: f64 = field(*qix)
                .parse::<u64>()
                .map_err(|_| bad(quantity.as_str(), "a whole number", field(*qix)))?
                as f64;
            if provisional {
                out.push_flagged(
                    source_id,
                    home,
                    period,
                    measure,
                    Some(value),
                    Status::Ok,
                    PROVISIONAL_FLAG,
                );
            } else {
                out.push(source_id, home, period, measure, Some(value), Status::Ok);
            }
        }
        kept += 1;
    }
    rows_kept(raw, kept, "the file has a header but no data rows")
}

/// The parquet file's columns.
const PARQUET_COLUMNS: [&str; 6] = [
    "year",
    "learner_home_lad",
    "delivery_lad",
    "starts",
    "enrolments",
    "achievements",
];

/// Current district name -> code (names are unique among current districts).
fn district_codes() -> Result<std::collections::HashMap<String, String>> {
    let geo = lmi_core::Geography::bundled()
        .map_err(|e| IngestError::Catalogue(format!("the bundled geography: {e}")))?;
    Ok(geo
        .areas()
        .filter(|a| a.area_type == lmi_core::AreaType::Lad)
        .map(|a| (a.name.clone(), a.code.clone()))
        .collect())
}

fn parse_parquet(raw: &RawFile, source_id: &str, out: &mut Observations) -> Result<usize> {
    use polars::prelude::*;
    let bad_file = |expected: &str, found: String| IngestError::BadValue {
        file: raw.path.clone(),
        line: 0,
        column: String::new(),
        expected: expected.to_owned(),
        found,
    };
    let df = ParquetReader::new(std::io::Cursor::new(raw.content.as_slice()))
        .finish()
        .map_err(|e| bad_file("a Parquet file", e.to_string()))?;
    let names: Vec<String> = df
        .get_column_names()
        .iter()
        .map(|c| c.to_string())
        .collect();
    for c in PARQUET_COLUMNS {
        if !names.iter().any(|n| n == c) {
            return Err(IngestError::MissingColumn {
                file: raw.path.clone(),
                column: c.to_owned(),
                expected: "DfE's lad_map_data parquet (year, provider_name, learner_home_lad, \
                    delivery_lad, starts, enrolments, achievements)"
                    .to_owned(),
                found: names.join(","),
                hint: String::new(),
            });
        }
    }
    let text = |c: &str| -> Result<StringChunked> {
        Ok(df.column(c)?.cast(&DataType::String)?.str()?.clone())
    };
    let number = |c: &str| -> Result<Float64Chunked> {
        let col = df.column(c)?;
        if !col.dtype().is_primitive_numeric() {
            return Err(bad_file(
                &format!("column `{c}` of whole numbers"),
                format!("{}", col.dtype()),
            ));
        }
        Ok(col.cast(&DataType::Float64)?.f64()?.clone())
    };
    let (year, home, delivery) = (
        text("year")?,
        text("learner_home_lad")?,
        text("delivery_lad")?,
    );
    let counts = FlowQuantity::ALL
        .iter()
        .map(|q| Ok((*q, number(q.as_str())?)))
        .collect::<Result<Vec<_>>>()?;
    let codes = district_codes()?;
    let mut unmapped: std::collections::BTreeMap<String, usize> = Default::default();
    // (period, home, delivery) -> (provisional, sums) over providers.
    let mut sums: std::collections::BTreeMap<(String, String, String), (bool, Vec<f64>)> =
        Default::default();
    for i in 0..df.height() {
        let row = (i + 1) as u64;
        let label = year.get(i).unwrap_or_default();
        let (period, provisional) = academic_year(label).ok_or_else(|| {
            bad_value(
                &raw.path,
                row,
                "year",
                "an academic year such as `2023/24`, optionally with a month range `(Aug to Apr)`",
                label,
            )
        })?;
        let mut code = |name: Option<&str>| -> Option<String> {
            let name = name.unwrap_or_default().trim();
            if name == UNKNOWN_NAME {
                return Some(OUTSIDE_ENGLAND_OR_UNKNOWN.to_owned());
            }
            let found = codes.get(name).cloned();
            if found.is_none() {
                *unmapped.entry(name.to_owned()).or_default() += 1;
            }
            found
        };
        let (h, d) = (code(home.get(i)), code(delivery.get(i)));
        let (Some(h), Some(d)) = (h, d) else {
            continue;
        };
        let entry = sums
            .entry((period.to_owned(), h, d))
            .or_insert_with(|| (provisional, vec![0.0; counts.len()]));
        if entry.0 != provisional {
            return Err(bad_value(
                &raw.path,
                row,
                "year",
                "one label per academic year (part year or not)",
                label,
            ));
        }
        for (k, (quantity, values)) in counts.iter().enumerate() {
            let v = values
                .get(i)
                .filter(|v| *v >= 0.0 && v.fract() == 0.0)
                .ok_or_else(|| {
                    bad_value(
                        &raw.path,
                        row,
                        quantity.as_str(),
                        "a whole number",
                        &values.get(i).map_or("null".into(), |v| v.to_string()),
                    )
                })?;
            entry.1[k] += v;
        }
    }
    if !unmapped.is_empty() {
        let listed: Vec<String> = unmapped
            .iter()
            .map(|(n, rows)| format!("`{n}` ({rows} rows)"))
            .collect();
        return Err(bad_file(
            "district names of current local authority districts (datasets/geography/areas.csv) \
             or `Outside of England and unknown`",
            format!(
                "{} name(s) that match no current district: {}",
                listed.len(),
                listed.join(", ")
            ),
        ));
    }
    let mut measures: PlHashMap<String, Vec<String>> = PlHashMap::new();
    for ((period, home, delivery), (provisional, values)) in &sums {
        let written = measures.entry(delivery.clone()).or_insert_with(|| {
            counts
                .iter()
                .map(|(q, _)| flow_measure(*q, delivery))
                .collect()
        });
        for (measure, value) in written.iter().zip(values) {
            if *provisional {
                out.push_flagged(
                    source_id,
                    home,
                    period,
                    measure,
                    Some(*value),
                    Status::Ok,
                    PROVISIONAL_FLAG,
                );
            } else {
                out.push(source_id, home, period, measure, Some(*value), Status::Ok);
            }
        }
    }
    rows_kept(raw, sums.len(), "the parquet file has no rows")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{AREA_CODE, FLAGS, MEASURE, PERIOD};

    const HEADER: &str = "year,learner_home_lad23cd,learner_home_lad_name,delivery_lad23cd,delivery_lad_name,starts,enrolments,achievements\n";

    fn parse_text(text: &str) -> Result<polars::prelude::DataFrame> {
        crate::raw::parse_text(text, |raw, obs| parse(raw, "dfe_apprenticeship_flows", obs))
    }

    #[test]
    fn unknown_locations_are_a_bucket_and_part_years_are_provisional() {
        let text = format!(
            "{HEADER}2023/24,E07000117,Burnley,,Outside of England and unknown,3,4,1\n\
             2025/26 (Aug to Apr),E07000117,Burnley,E07000117,Burnley,10,20,5\n"
        );
        let df = parse_text(&text).unwrap();
        assert_eq!(df.height(), 6);
        let m = df.column(MEASURE).unwrap().str().unwrap();
        assert_eq!(
            m.get(0),
            Some("apprenticeship_starts@outside_england_or_unknown")
        );
        assert_eq!(
            df.column(AREA_CODE).unwrap().str().unwrap().get(0),
            Some("E07000117")
        );
        let p = df.column(PERIOD).unwrap().str().unwrap();
        assert_eq!((p.get(0), p.get(3)), (Some("2023/24"), Some("2025/26")));
        let f = df.column(FLAGS).unwrap().str().unwrap();
        assert_eq!((f.get(0), f.get(3)), (None, Some("provisional")));
    }

    #[test]
    fn a_blank_code_with_a_real_name_is_refused() {
        let text = format!("{HEADER}2023/24,E07000117,Burnley,,Pendle,3,4,1\n");
        let err = parse_text(&text).unwrap_err().to_string();
        assert!(err.contains("delivery_lad23cd"), "{err}");
        assert!(err.contains("line 2"), "{err}");
    }

    #[test]
    fn a_repeated_year_home_and_delivery_is_refused_with_both_lines() {
        // Same codes in other roles or years are not duplicates; the part-year label names the
        // same period as the plain one.
        let text = format!(
            "{HEADER}2023/24,E07000117,Burnley,E07000120,Hyndburn,1,1,1\n\
             2023/24,E07000120,Hyndburn,E07000117,Burnley,1,1,1\n\
             2024/25,E07000117,Burnley,E07000120,Hyndburn,1,1,1\n\
             2023/24 (Aug to Apr),E07000117,Burnley,E07000120,Hyndburn,1,1,1\n"
        );
        let err = parse_text(&text).unwrap_err();
        match err {
            IngestError::DuplicateKey {
                line,
                first_line,
                key,
                ..
            } => {
                assert_eq!((line, first_line), (5, 2));
                assert_eq!(key, "2023/24, home E07000117, delivery E07000120");
            }
            other => panic!("expected a duplicate key, got {other}"),
        }
        let distinct = format!(
            "{HEADER}2023/24,E07000117,Burnley,E07000120,Hyndburn,1,2,3\n\
             2023/24,E07000120,Hyndburn,E07000117,Burnley,4,5,6\n\
             2024/25,E07000117,Burnley,E07000120,Hyndburn,7,8,9\n"
        );
        let df = parse_text(&distinct).unwrap();
        assert_eq!(df.height(), 9);
        let m = df.column(MEASURE).unwrap().str().unwrap();
        assert_eq!(m.get(3), Some("apprenticeship_starts@E07000117"));
        assert_eq!(m.get(8), Some("apprenticeship_achievements@E07000120"));
    }

    #[test]
    fn academic_year_labels() {
        assert_eq!(academic_year("2023/24"), Some(("2023/24", false)));
        assert_eq!(
            academic_year("2025/26 (Aug to Apr)"),
            Some(("2025/26", true))
        );
        assert_eq!(academic_year("2099/00"), Some(("2099/00", false)));
        assert_eq!(academic_year("2023/25"), None);
        assert_eq!(academic_year("2023/24 provisional"), None);
    }
}

#[cfg(test)]
mod parquet_tests {
    use super::*;
    use crate::observations::{AREA_CODE, FLAGS, MEASURE, VALUE};
    use lmi_testkit::parquet::{Column, write};
    use std::path::Path;

    fn file(rows: &[(&str, &str, &str, &str, i32)]) -> RawFile {
        let text = |k: usize| {
            Column::Utf8(
                rows.iter()
                    .map(|r| [r.0, r.1, r.2, r.3][k].to_owned())
                    .collect(),
            )
        };
        let bytes = write(&[
            ("year", text(0)),
            ("provider_name", text(1)),
            ("learner_home_lad", text(2)),
            ("delivery_lad", text(3)),
            ("starts", Column::Int32(rows.iter().map(|r| r.4).collect())),
            (
                "enrolments",
                Column::Int32(rows.iter().map(|r| r.4 * 2).collect()),
            ),
            (
                "achievements",
                Column::Int32(rows.iter().map(|_| 1).collect()),
            ),
        ]);
        RawFile::from_bytes(Path::new("http://raw/lad_map_data_0.parquet"), bytes).unwrap()
    }

    #[test]
    fn dfes_parquet_is_summed_over_providers_with_names_mapped_to_codes() {
        let raw = file(&[
            ("2023/24", "A LTD", "Burnley", "Burnley", 3),
            ("2023/24", "B LTD", "Burnley", "Burnley", 4),
            (
                "2023/24",
                "B LTD",
                "Burnley",
                "Outside of England and unknown",
                2,
            ),
            ("2025/26 (Aug to Apr)", "A LTD", "Pendle", "Burnley", 5),
        ]);
        let mut obs = Observations::default();
        assert_eq!(parse(&raw, "s", &mut obs).unwrap(), 3);
        let df = obs.into_frame().unwrap();
        assert_eq!(df.height(), 9);
        let m = df.column(MEASURE).unwrap().str().unwrap();
        let a = df.column(AREA_CODE).unwrap().str().unwrap();
        let v = df.column(VALUE).unwrap().f64().unwrap();
        let f = df.column(FLAGS).unwrap().str().unwrap();
        let find = |area: &str, measure: &str| {
            (0..df.height())
                .find(|i| a.get(*i) == Some(area) && m.get(*i) == Some(measure))
                .unwrap()
        };
        let burnley = find("E07000117", "apprenticeship_starts@E07000117");
        assert_eq!(v.get(burnley), Some(7.0));
        assert_eq!(f.get(burnley), None);
        let i = find(
            "E07000117",
            "apprenticeship_enrolments@outside_england_or_unknown",
        );
        assert_eq!(v.get(i), Some(4.0));
        let pendle = find("E07000122", "apprenticeship_starts@E07000117");
        assert_eq!(
            (v.get(pendle), f.get(pendle)),
            (Some(5.0), Some("provisional"))
        );
    }

    #[test]
    fn every_name_that_maps_to_no_district_is_listed() {
        let raw = file(&[
            ("2023/24", "A LTD", "Burnley", "Burnly", 3),
            ("2023/24", "A LTD", "Allerdale", "Burnley", 3),
            ("2023/24", "B LTD", "Allerdale", "Burnley", 3),
        ]);
        let err = parse(&raw, "s", &mut Observations::default())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("2 name(s) that match no current district"),
            "{err}"
        );
        assert!(err.contains("`Allerdale` (2 rows)"), "{err}");
        assert!(err.contains("`Burnly` (1 rows)"), "{err}");
    }
}
