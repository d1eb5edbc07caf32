//! ONS's district lookup (local authority district -> Local Skills Improvement Plan area), as the
//! Open Geography Portal's feature service answers it (ArcGIS JSON: `features[].attributes`)
//! or as a CSV downloaded from the portal (`LAD23CD,LAD23NM,LSIP23CD,LSIP23NM`).
//!
//! Field names carry the lookup's year (`LAD25CD`): the parser finds the `LAD{yy}CD`,
//! `LAD{yy}NM` and `LSIP{yy}CD` fields of one year and fails naming the fields it found
//! otherwise. The rows go into the observations table (one per district, measure
//! [`LAD_LOOKUP_MEASURE`], period the lookup's year, the LSIP and the name in `flags`), so the
//! refresh stores, caches and carries them like any source's; the refresh reads them back with
//! [`lookup_rows`] to update the area registry, and they never reach an indicator.

use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::RawFile;
use lmi_core::{LadLookupRow, Status};
use polars::prelude::*;

/// The measure id of a lookup row in the observations table.
pub const LAD_LOOKUP_MEASURE: &str = "ons_lad_lookup";

pub(crate) fn parse(raw: &RawFile, source: &str, out: &mut Observations) -> Result<usize> {
    let text = String::from_utf8_lossy(&raw.content);
    let (year, rows) = if text.trim_start().starts_with('{') {
        parse_arcgis(raw, &text)?
    } else {
        parse_csv(raw)?
    };
    if rows.is_empty() {
        return Err(IngestError::NoRows {
            file: raw.path.clone(),
            reason: "the lookup lists no district".into(),
        });
    }
    for r in &rows {
        out.push_flagged(
            source,
            &r.lad_code,
            &year,
            LAD_LOOKUP_MEASURE,
            None,
            Status::Ok,
            &encode(r),
        );
    }
    Ok(rows.len())
}

/// `lsip=E69000019;name=Burnley` (names hold no `;`: checked when parsing).
fn encode(r: &LadLookupRow) -> String {
    format!(
        "lsip={};name={}",
        r.lsip_code.as_deref().unwrap_or(""),
        r.lad_name
    )
}

/// The district lookup rows of `source` in an observations table (empty when it has none).
pub fn lookup_rows(observations: &DataFrame, source: &str) -> PolarsResult<Vec<LadLookupRow>> {
    use lmi_core::schema::observations as col;
    let rows = observations
        .clone()
        .lazy()
        .filter(
            col(col::SOURCE)
                .eq(lit(source))
                .and(col(col::MEASURE).eq(lit(LAD_LOOKUP_MEASURE))),
        )
        .select([col(col::AREA_CODE), col(col::FLAGS)])
        .collect()?;
    let codes = rows.column(col::AREA_CODE)?.str()?;
    let flags = rows.column(col::FLAGS)?.str()?;
    Ok(codes
        .iter()
        .zip(flags.iter())
        .filter_map(|(code, flags)| {
            let (code, flags) = (code?, flags.unwrap_or(""));
            let mut lsip = None;
            let mut name = String::new();
            for part in flags.split(';') {
                if let Some(v) = part.strip_prefix("lsip=") {
                    lsip = (!v.is_empty()).then(|| v.to_owned());
                } else if let Some(v) = part.strip_prefix("name=") {
                    name = v.to_owned();
                }
            }
            Some(LadLookupRow {
                lad_code: code.to_owned(),
                lad_name: name,
                lsip_code: lsip,
            })
        })
        .collect())
}

/// The observations without `source`'s lookup rows: what the indicators are computed from.
pub fn without_lookup(observations: &DataFrame) -> PolarsResult<DataFrame> {
    use lmi_core::schema::observations as col;
    observations
        .clone()
        .lazy()
        .filter(col(col::MEASURE).neq(lit(LAD_LOOKUP_MEASURE)))
        .collect()
}

/// The year suffix shared by `LAD{yy}CD`, `LAD{yy}NM` and `LSIP{yy}CD` among `fields`.
fn lookup_fields(fields: &[String]) -> Option<(String, [String; 3])> {
    fields.iter().find_map(|f| {
        let yy = f.strip_prefix("LAD")?.strip_suffix("CD")?;
        if yy.len() != 2 || !yy.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let want = [
            format!("LAD{yy}CD"),
            format!("LAD{yy}NM"),
            format!("LSIP{yy}CD"),
        ];
        want.iter()
            .all(|w| fields.contains(w))
            .then(|| (format!("20{yy}"), want))
    })
}

fn missing_fields(raw: &RawFile, fields: &[String]) -> IngestError {
    IngestError::UnknownLayout {
        file: raw.path.clone(),
        expected: "the fields LADyyCD, LADyyNM and LSIPyyCD of one year (e.g. LAD25CD, LAD25NM, \
                   LSIP25CD)"
            .into(),
        found: fields.join(", "),
    }
}

fn row(raw: &RawFile, line: u64, code: &str, name: &str, lsip: &str) -> Result<LadLookupRow> {
    let bad = |column: &str, expected: &str, found: &str| IngestError::BadValue {
        file: raw.path.clone(),
        line,
        column: column.into(),
        expected: expected.into(),
        found: found.into(),
    };
    let code = code.trim();
    if code.len() != 9 || !code.starts_with(['E', 'W', 'S', 'N']) {
        return Err(bad("LAD code", "a 9-character GSS code", code));
    }
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() || name.contains(';') {
        return Err(bad("LAD name", "a district name without `;`", &name));
    }
    let lsip = lsip.trim();
    Ok(LadLookupRow {
        lad_code: code.to_owned(),
        lad_name: name,
        lsip_code: (!lsip.is_empty()).then(|| lsip.to_owned()),
    })
}

fn parse_csv(raw: &RawFile) -> Result<(String, Vec<LadLookupRow>)> {
    let csv_error = |e: csv::Error| IngestError::Csv {
        file: raw.path.clone(),
        line: e.position().map_or(0, |p| p.line()),
        message: e.to_string(),
    };
    let mut reader = csv::Reader::from_reader(raw.content.as_slice());
    let header: Vec<String> = reader
        .headers()
        .map_err(csv_error)?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    let (year, [cd, nm, lsip]) =
        lookup_fields(&header).ok_or_else(|| missing_fields(raw, &header))?;
    let at = |name: &str| header.iter().position(|h| h == name).unwrap_or(0);
    let (cd, nm, lsip) = (at(&cd), at(&nm), at(&lsip));
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(csv_error)?;
        let field = |j: usize| record.get(j).unwrap_or("");
        rows.push(row(raw, i as u64 + 2, field(cd), field(nm), field(lsip))?);
    }
    Ok((year, rows))
}

fn parse_arcgis(raw: &RawFile, text: &str) -> Result<(String, Vec<LadLookupRow>)> {
    let bad = |expected: &str, found: String| IngestError::BadValue {
        file: raw.path.clone(),
        line: 1,
        column: "(JSON)".into(),
        expected: expected.into(),
        found,
    };
    let json: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        bad(
            "an ArcGIS feature service query answer (JSON)",
            e.to_string(),
        )
    })?;
    if let Some(error) = json.get("error") {
        // ArcGIS answers 200 with an error object for a bad service or query.
        return Err(bad(
            "features",
            format!("the service answered an error: {error}"),
        ));
    }
    if json.get("exceededTransferLimit").and_then(|v| v.as_bool()) == Some(true) {
        return Err(bad(
            "every district in one answer (a district lookup has a few hundred rows)",
            "`exceededTransferLimit: true`: the service holds more rows than one answer; lmi \
             does not page this lookup"
                .into(),
        ));
    }
    let features = json
        .get("features")
        .and_then(|f| f.as_array())
        .ok_or_else(|| bad("a `features` array", text.chars().take(120).collect()))?;
    let mut fields: Vec<String> = json
        .get("fields")
        .and_then(|f| f.as_array())
        .map(|fs| {
            fs.iter()
                .filter_map(|f| f.get("name").and_then(|n| n.as_str()).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    if let Some(first) = features
        .first()
        .and_then(|f| f.get("attributes"))
        .and_then(|a| a.as_object())
    {
        for k in first.keys() {
            if !fields.contains(k) {
                fields.push(k.clone());
            }
        }
    }
    let (year, [cd, nm, lsip]) =
        lookup_fields(&fields).ok_or_else(|| missing_fields(raw, &fields))?;
    let mut rows = Vec::new();
    for (i, f) in features.iter().enumerate() {
        let attr = |k: &str| {
            f.get("attributes")
                .and_then(|a| a.get(k))
                .and_then(|v| v.as_str())
                .unwrap_or("")
        };
        rows.push(row(raw, i as u64 + 1, attr(&cd), attr(&nm), attr(&lsip))?);
    }
    Ok((year, rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn raw(text: &str) -> RawFile {
        RawFile::from_bytes(Path::new("lookup"), text.as_bytes().to_vec()).unwrap()
    }

    #[test]
    fn the_portal_csv_and_the_feature_service_answer_give_the_same_rows() {
        let csv = raw(
            "LAD23CD,LAD23NM,LSIP23CD,LSIP23NM\nE07000117,Burnley,E69000019,Lancashire\nE06000060,Buckinghamshire,E69000002,Buckinghamshire\n",
        );
        let json = raw(
            r#"{"objectIdFieldName":"ObjectId","fields":[{"name":"LAD23CD"},{"name":"LAD23NM"},{"name":"LSIP23CD"},{"name":"LSIP23NM"},{"name":"ObjectId"}],"features":[{"attributes":{"LAD23CD":"E07000117","LAD23NM":"Burnley","LSIP23CD":"E69000019","LSIP23NM":"Lancashire","ObjectId":1}},{"attributes":{"LAD23CD":"E06000060","LAD23NM":"Buckinghamshire ","LSIP23CD":"E69000002","LSIP23NM":"Buckinghamshire","ObjectId":2}}]}"#,
        );
        let mut a = Observations::default();
        let mut b = Observations::default();
        assert_eq!(parse(&csv, "s", &mut a).unwrap(), 2);
        assert_eq!(parse(&json, "s", &mut b).unwrap(), 2);
        let (a, b) = (a.into_frame().unwrap(), b.into_frame().unwrap());
        let rows = lookup_rows(&a, "s").unwrap();
        assert_eq!(rows, lookup_rows(&b, "s").unwrap());
        assert_eq!(
            rows[0],
            LadLookupRow {
                lad_code: "E07000117".into(),
                lad_name: "Burnley".into(),
                lsip_code: Some("E69000019".into())
            }
        );
        assert_eq!(without_lookup(&a).unwrap().height(), 0);
        assert!(lookup_rows(&a, "other").unwrap().is_empty());
    }

    #[test]
    fn a_lookup_lmi_cannot_read_says_what_it_found() {
        let err = parse(
            &raw("LAD24CD,LAD24NM,RGN24CD\nE07000117,Burnley,E12000002\n"),
            "s",
            &mut Observations::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("found columns: LAD24CD, LAD24NM, RGN24CD"),
            "{err}"
        );
        let err = parse(
            &raw(r#"{"error":{"code":400,"message":"Invalid or missing input parameters."}}"#),
            "s",
            &mut Observations::default(),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("Invalid or missing input parameters"),
            "{err}"
        );
        let err = parse(
            &raw(r#"{"exceededTransferLimit":true,"features":[]}"#),
            "s",
            &mut Observations::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("exceededTransferLimit"), "{err}");
        let err = parse(
            &raw("LAD25CD,LAD25NM,LSIP25CD\nBurnley,E07000117,E69000019\n"),
            "s",
            &mut Observations::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("9-character GSS code"), "{err}");
    }
}
