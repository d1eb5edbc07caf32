//! Nomis API CSV (`…/api/v01/dataset/{id}.data.csv`): paging with `RecordOffset` and a generic
//! parser into the observations table, with measure ids from the catalogue's mapping of dimension
//! values.
//!
//! Layout: `DATE,DATE_NAME,…,GEOGRAPHY_CODE,…,<dimension columns>,MEASURES,MEASURES_NAME,OBS_VALUE,
//! OBS_STATUS,OBS_STATUS_NAME,OBS_CONF,OBS_CONF_NAME,URN,RECORD_OFFSET,RECORD_COUNT`. Each data row
//! is one cell; `RECORD_OFFSET` is its position in the whole result and `RECORD_COUNT` the number
//! of cells in it, so a page that is missing or repeated is detectable.

use crate::dfe::is_gss_code;
use crate::error::{IngestError, Result};
use crate::fetch_spec::NomisSpec;
use crate::observations::Observations;
use crate::raw::{Header, RawFile, csv_error};
use lmi_core::Status;
use std::collections::HashMap;

pub const OBS_VALUE: &str = "OBS_VALUE";
pub const OBS_STATUS: &str = "OBS_STATUS";
pub const OBS_CONF: &str = "OBS_CONF";
pub const GEOGRAPHY_CODE: &str = "GEOGRAPHY_CODE";
pub const RECORD_OFFSET: &str = "RECORD_OFFSET";
pub const RECORD_COUNT: &str = "RECORD_COUNT";

const EXPECTED: &str = "the Nomis API CSV layout (DATE, GEOGRAPHY_CODE, the dimension columns, \
    MEASURES, OBS_VALUE, OBS_STATUS, OBS_CONF, RECORD_OFFSET, RECORD_COUNT)";

/// Nomis observation status -> lmi status. `A` normal, `Q` suppressed (no value), and the
/// other codes Nomis documents.
pub fn status(code: &str) -> Option<Status> {
    Some(match code.trim() {
        "A" | "P" | "" => Status::Ok,
        "Q" => Status::Suppressed,
        "X" => Status::Unavailable,
        "M" => Status::NotApplicable,
        "U" | "!" | "*" => Status::LowReliability,
        "E" | "I" | "F" => Status::Estimated,
        "B" => Status::SeriesBreak,
        _ => return None,
    })
}

/// What the first lines of a page say about paging, read without parsing the cells.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageScan {
    /// `RECORD_OFFSET` of the first cell (None for a page without cells).
    pub first_offset: Option<u64>,
    pub record_count: u64,
    pub cells: u64,
}

/// Reads the paging columns of one page. A page whose header lacks them is not Nomis API CSV.
pub fn scan_nomis_page(raw: &RawFile) -> Result<PageScan> {
    let mut reader = raw.csv();
    let header = Header::read(raw, &mut reader, EXPECTED)?;
    let known = [RECORD_OFFSET, RECORD_COUNT];
    let offset_ix = header.require(RECORD_OFFSET, &known)?;
    let count_ix = header.require(RECORD_COUNT, &known)?;
    let mut scan = PageScan {
        first_offset: None,
        record_count: 0,
        cells: 0,
    };
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        if scan.cells == 0 {
            let line = record.position().map_or(0, csv::Position::line);
            let number = |ix: usize, column: &str| {
                let found = record.get(ix).unwrap_or("").trim();
                found.parse::<u64>().map_err(|_| IngestError::BadValue {
                    file: raw.path.clone(),
                    line,
                    column: column.to_owned(),
                    expected: "a whole number".into(),
                    found: found.to_owned(),
                })
            };
            scan.first_offset = Some(number(offset_ix, RECORD_OFFSET)?);
            scan.record_count = number(count_ix, RECORD_COUNT)?;
        }
        scan.cells += 1;
    }
    Ok(scan)
}

/// State carried across the pages of one result.
#[derive(Debug, Default)]
pub struct NomisParse {
    /// Cells parsed so far = the `RECORD_OFFSET` the next cell must have.
    pub next_offset: u64,
    pub record_count: Option<u64>,
    seen: HashMap<(String, String, String), (String, u64)>,
}

/// Parses one page of a Nomis API CSV into observations for `source_id`, mapping the values of
/// the `measure_from` columns to measure ids with the catalogue's `measures`.
pub fn parse_page(
    raw: &RawFile,
    source_id: &str,
    def: &NomisSpec,
    state: &mut NomisParse,
    out: &mut Observations,
) -> Result<usize> {
    let mut reader = raw.csv();
    let header = Header::read(raw, &mut reader, EXPECTED)?;
    let period_column = def.period_from.as_deref().unwrap_or("DATE");
    let mut known: Vec<&str> = vec![
        period_column,
        GEOGRAPHY_CODE,
        OBS_VALUE,
        OBS_STATUS,
        OBS_CONF,
        RECORD_OFFSET,
        RECORD_COUNT,
    ];
    known.extend(def.measure_from.iter().map(String::as_str));
    // Any other column of the documented layout is known too (only the above are read).
    let names: Vec<String> = header.names().to_vec();
    let is_layout_column = |n: &str| {
        n.ends_with("_NAME")
            || n.ends_with("_CODE")
            || n.ends_with("_TYPE")
            || n.ends_with("_TYPECODE")
            || n.ends_with("_SORTORDER")
            || ["DATE", "GEOGRAPHY", "MEASURES", "URN"].contains(&n)
    };
    known.extend(
        names
            .iter()
            .map(String::as_str)
            .filter(|n| is_layout_column(n)),
    );
    for c in &def.required_columns {
        header.require(c, &known)?;
    }
    let period_ix = header.require(period_column, &known)?;
    let code_ix = header.require(GEOGRAPHY_CODE, &known)?;
    let value_ix = header.require(OBS_VALUE, &known)?;
    let status_ix = header.require(OBS_STATUS, &known)?;
    let conf_ix = header.position(OBS_CONF);
    let offset_ix = header.require(RECORD_OFFSET, &known)?;
    let count_ix = header.require(RECORD_COUNT, &known)?;
    let measure_ixs = def
        .measure_from
        .iter()
        .map(|c| header.require(c, &known))
        .collect::<Result<Vec<_>>>()?;
    let label_ixs = match def.labels.as_deref() {
        Some(check) => {
            let name = format!("{}_NAME", check.column);
            Some((
                check,
                header.require(&check.column, &known)?,
                header.require(&name, &known)?,
                name,
            ))
        }
        None => None,
    };

    let mut cells = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        let bad = |column: &str, expected: String, found: &str| IngestError::BadValue {
            file: raw.path.clone(),
            line,
            column: column.to_owned(),
            expected,
            found: found.to_owned(),
        };

        let offset: u64 = field(offset_ix)
            .parse()
            .map_err(|_| bad(RECORD_OFFSET, "a whole number".into(), field(offset_ix)))?;
        if offset != state.next_offset {
            return Err(bad(
                RECORD_OFFSET,
                format!(
                    "cell {} of the result (cells arrive in order; a page is missing or repeated)",
                    state.next_offset
                ),
                field(offset_ix),
            ));
        }
        let count: u64 = field(count_ix)
            .parse()
            .map_err(|_| bad(RECORD_COUNT, "a whole number".into(), field(count_ix)))?;
        match state.record_count {
            Some(c) if c != count => {
                return Err(bad(
                    RECORD_COUNT,
                    format!("{c}, as on the first page (the result changed while paging)"),
                    field(count_ix),
                ));
            }
            _ => state.record_count = Some(count),
        }

        let code = field(code_ix);
        if !is_gss_code(code) {
            return Err(bad(
                GEOGRAPHY_CODE,
                "a nine-character GSS area code such as E07000117".into(),
                code,
            ));
        }
        let published = field(period_ix);
        if published.is_empty() {
            return Err(bad(period_column, "a period label".into(), published));
        }
        let period = def.period_format.normalise(published).ok_or_else(|| {
            bad(
                period_column,
                format!("a period of the catalogued format {:?}", def.period_format),
                published,
            )
        })?;
        let period = period.as_str();
        let key: Vec<&str> = measure_ixs.iter().map(|&ix| field(ix)).collect();
        let key = key.join(":");
        let measure = def.measures.get(&key).ok_or_else(|| {
            bad(
                &def.measure_from.join(":"),
                format!(
                    "one of the catalogued values {}",
                    def.measures.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
                &key,
            )
        })?;
        if let Some((check, code_ix, name_ix, name_column)) = &label_ixs {
            let code = field(*code_ix);
            if let Some(text) = check.contains.get(code) {
                let label = field(*name_ix);
                if !label.to_lowercase().contains(&text.to_lowercase()) {
                    return Err(bad(
                        name_column,
                        format!(
                            "a label containing `{text}` for {} {code} (as catalogued)",
                            check.column
                        ),
                        label,
                    ));
                }
            }
        }
        let status_code = field(status_ix);
        let status = status(status_code).ok_or_else(|| {
            bad(
                OBS_STATUS,
                "a Nomis observation status (A, P, Q, X, M, U, E, I, F, B)".into(),
                status_code,
            )
        })?;
        let raw_value = field(value_ix);
        let value = if status.has_value() {
            let v: f64 = raw_value.parse().map_err(|_| {
                bad(
                    OBS_VALUE,
                    format!("a number (OBS_STATUS is `{status_code}`)"),
                    raw_value,
                )
            })?;
            if !v.is_finite() {
                return Err(bad(OBS_VALUE, "a finite number".into(), raw_value));
            }
            Some(v)
        } else {
            None
        };
        let seen_key = (code.to_owned(), period.to_owned(), measure.clone());
        if let Some((first_file, first_line)) = state
            .seen
            .insert(seen_key, (raw.path.display().to_string(), line))
        {
            return Err(IngestError::DuplicateKey {
                file: raw.path.clone(),
                line,
                key: format!("area {code}, period {period}, measure {measure}"),
                first_line: if first_file == raw.path.display().to_string() {
                    first_line
                } else {
                    0
                },
            });
        }
        let flags = format!(
            "OBS_STATUS={status_code};OBS_CONF={}",
            conf_ix.map_or("", field)
        );
        out.push_flagged(source_id, code, period, measure, value, status, &flags);
        state.next_offset += 1;
        cells += 1;
    }
    Ok(cells)
}

/// A whole Nomis API CSV result saved to a file (every cell, `RECORD_OFFSET` 0 to
/// `RECORD_COUNT` - 1), read with the source's own `[source.fetch]` mapping, so a file on disk
/// and a fetch give the same observations.
pub fn parse_saved_result(
    raw: &RawFile,
    source_id: &str,
    def: &NomisSpec,
    out: &mut Observations,
) -> Result<usize> {
    if def.cells.is_some() {
        return Err(IngestError::Catalogue(format!(
            "source `{source_id}`: a saved Nomis result cannot be read with cells found by label"
        )));
    }
    let mut state = NomisParse::default();
    let cells = parse_page(raw, source_id, def, &mut state, out)?;
    check_complete(&state, &raw.path.display().to_string())?;
    Ok(cells)
}

/// Every cell's `{column}_NAME` is the label its `{column}` code was chosen by (`chosen`: code
/// -> label), so a code that came to mean something else is never read as the old cell.
pub fn check_labels(
    raw: &RawFile,
    column: &str,
    chosen: &std::collections::BTreeMap<String, String>,
) -> Result<()> {
    let mut reader = raw.csv();
    let header = Header::read(raw, &mut reader, EXPECTED)?;
    let name_column = format!("{column}_NAME");
    let known = [column, name_column.as_str()];
    let code_ix = header.require(column, &known)?;
    let name_ix = header.require(&name_column, &known)?;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let code = record.get(code_ix).unwrap_or("").trim();
        let name = record.get(name_ix).unwrap_or("").trim();
        let Some(label) = chosen.get(code) else {
            return Err(IngestError::BadValue {
                file: raw.path.clone(),
                line,
                column: column.to_owned(),
                expected: format!(
                    "one of the codes chosen by label ({})",
                    chosen.keys().cloned().collect::<Vec<_>>().join(", ")
                ),
                found: code.to_owned(),
            });
        };
        if name != label.trim() {
            return Err(IngestError::BadValue {
                file: raw.path.clone(),
                line,
                column: name_column.clone(),
                expected: format!("`{label}`, the label code {code} was chosen by"),
                found: name.to_owned(),
            });
        }
    }
    Ok(())
}

/// The query a Nomis page was asked with: its URL without the `RecordOffset` the fetch adds to
/// every page after the first.
pub fn nomis_page_query(page_url: &str) -> &str {
    page_url
        .rfind(['&', '?'])
        .filter(|&i| page_url[i + 1..].starts_with("RecordOffset="))
        .map_or(page_url, |i| &page_url[..i])
}

/// After the last page: every cell of the result arrived.
pub fn check_complete(state: &NomisParse, last_url: &str) -> Result<()> {
    let count = state.record_count.unwrap_or(0);
    if count == 0 || state.next_offset != count {
        return Err(IngestError::NoRows {
            file: last_url.into(),
            reason: format!(
                "the result has RECORD_COUNT {count} but {} cell(s) arrived",
                state.next_offset
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{FLAGS, MEASURE, STATUS, VALUE};
    use std::path::Path;

    const HEADER: &str = "DATE,DATE_NAME,DATE_CODE,DATE_TYPE,DATE_TYPECODE,DATE_SORTORDER,GEOGRAPHY,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GEOGRAPHY_TYPE,GEOGRAPHY_TYPECODE,GEOGRAPHY_SORTORDER,C2021_HIQUAL_8,C2021_HIQUAL_8_NAME,C2021_HIQUAL_8_CODE,C2021_HIQUAL_8_TYPE,C2021_HIQUAL_8_TYPECODE,C2021_HIQUAL_8_SORTORDER,MEASURES,MEASURES_NAME,OBS_VALUE,OBS_STATUS,OBS_STATUS_NAME,OBS_CONF,OBS_CONF_NAME,URN,RECORD_OFFSET,RECORD_COUNT";

    fn def() -> NomisSpec {
        toml::from_str(
            r#"
dataset = "NM_2084_1"
release_label = "Census 2021"
queries = [{ geography = "TYPE154" }]
measure_from = ["C2021_HIQUAL_8"]
measures = { "0" = "ts067_total", "6" = "ts067_level4plus" }
"#,
        )
        .unwrap()
    }

    fn cell(code: &str, cat: u32, value: &str, status: &str, offset: u64, count: u64) -> String {
        format!(
            "2021,2021,2021,date,0,0,645922841,\"Burnley\",{code},\"2022 local authorities: districts\",154,0,{cat},\"Level\",{cat},\"Highest level of qualification\",0,{cat},20100,\"Value\",{value},{status},\"Normal Value\",F,\"Free (free for publication)\",\"Nm-2084d1e645922841\",{offset},{count}"
        )
    }

    fn parse(pages: &[String]) -> Result<polars::prelude::DataFrame> {
        let mut state = NomisParse::default();
        let mut obs = Observations::default();
        for (i, page) in pages.iter().enumerate() {
            let raw = RawFile::from_bytes(
                Path::new(&format!("http://nomis/page{i}")),
                page.as_bytes().to_vec(),
            )?;
            parse_page(&raw, "census2021_ts067_lad", &def(), &mut state, &mut obs)?;
        }
        check_complete(&state, "http://nomis/last")?;
        Ok(obs.into_frame()?)
    }

    #[test]
    fn cells_across_pages_become_observations_with_catalogued_measure_ids() {
        let p1 = format!("{HEADER}\n{}\n", cell("E07000117", 0, "73000", "A", 0, 2));
        let p2 = format!("{HEADER}\n{}\n", cell("E07000117", 6, "15000", "A", 1, 2));
        let df = parse(&[p1, p2]).unwrap();
        assert_eq!(df.height(), 2);
        let m = df.column(MEASURE).unwrap().str().unwrap();
        assert_eq!(m.get(1), Some("ts067_level4plus"));
        assert_eq!(
            df.column(FLAGS).unwrap().str().unwrap().get(1),
            Some("OBS_STATUS=A;OBS_CONF=F")
        );
    }

    #[test]
    fn a_suppressed_cell_has_no_value_and_keeps_its_nomis_status() {
        let p = format!(
            "{HEADER}\n{}\n{}\n",
            cell("E07000117", 0, "73000", "A", 0, 2),
            cell("E07000117", 6, "", "Q", 1, 2)
        );
        let df = parse(&[p]).unwrap();
        assert_eq!(df.column(VALUE).unwrap().f64().unwrap().get(1), None);
        assert_eq!(
            df.column(STATUS).unwrap().str().unwrap().get(1),
            Some("suppressed")
        );
        assert!(
            df.column(FLAGS)
                .unwrap()
                .str()
                .unwrap()
                .get(1)
                .unwrap()
                .contains("OBS_STATUS=Q")
        );
    }

    #[test]
    fn a_missing_page_names_the_page_url_line_and_offsets() {
        let p1 = format!("{HEADER}\n{}\n", cell("E07000117", 0, "1", "A", 0, 3));
        let p3 = format!("{HEADER}\n{}\n", cell("E07000118", 0, "1", "A", 2, 3));
        let err = parse(&[p1, p3]).unwrap_err().to_string();
        assert!(
            err.contains("http://nomis/page1: line 2, column `RECORD_OFFSET`"),
            "{err}"
        );
        assert!(err.contains("expected cell 1 of the result"), "{err}");
        assert!(err.contains("found `2`"), "{err}");
    }

    #[test]
    fn a_short_result_and_an_unmapped_category_are_refused() {
        let p = format!("{HEADER}\n{}\n", cell("E07000117", 0, "1", "A", 0, 2));
        let err = parse(&[p]).unwrap_err().to_string();
        assert!(
            err.contains("RECORD_COUNT 2 but 1 cell(s) arrived"),
            "{err}"
        );
        let p = format!("{HEADER}\n{}\n", cell("E07000117", 3, "1", "A", 0, 1));
        let err = parse(&[p]).unwrap_err().to_string();
        assert!(
            err.contains(
                "column `C2021_HIQUAL_8`: expected one of the catalogued values 0, 6, found `3`"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_renamed_obs_value_column_is_named() {
        let p = format!(
            "{}\n{}\n",
            HEADER.replace("OBS_VALUE", "VALUE"),
            cell("E07000117", 0, "1", "A", 0, 1)
        );
        let err = parse(&[p]).unwrap_err().to_string();
        assert!(err.contains("column `OBS_VALUE` is missing"), "{err}");
        assert!(err.contains("unrecognised: VALUE"), "{err}");
    }

    #[test]
    fn a_page_scan_reads_paging_columns() {
        let p = format!(
            "{HEADER}\n{}\n{}\n",
            cell("E07000117", 0, "1", "A", 5, 9),
            cell("E07000117", 6, "1", "A", 6, 9)
        );
        let raw = RawFile::from_bytes(Path::new("p"), p.into_bytes()).unwrap();
        assert_eq!(
            scan_nomis_page(&raw).unwrap(),
            PageScan {
                first_offset: Some(5),
                record_count: 9,
                cells: 2
            }
        );
    }

    /// The catalogue's own `[source.fetch]` of a bundled Nomis entry.
    fn catalogued(id: &str) -> NomisSpec {
        let catalogue = crate::Catalogue::bundled().unwrap();
        match &catalogue.get(id).unwrap().fetch {
            Some(crate::fetch_spec::FetchSpec::Nomis(n)) => n.clone(),
            other => panic!("{id}: {other:?}"),
        }
    }

    const BRES_HEADER: &str = "DATE,DATE_NAME,DATE_CODE,DATE_TYPE,DATE_TYPECODE,DATE_SORTORDER,GEOGRAPHY,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GEOGRAPHY_TYPE,GEOGRAPHY_TYPECODE,GEOGRAPHY_SORTORDER,INDUSTRY,INDUSTRY_NAME,INDUSTRY_CODE,INDUSTRY_TYPE,INDUSTRY_TYPECODE,INDUSTRY_SORTORDER,EMPLOYMENT_STATUS,EMPLOYMENT_STATUS_NAME,EMPLOYMENT_STATUS_CODE,EMPLOYMENT_STATUS_TYPE,EMPLOYMENT_STATUS_TYPECODE,EMPLOYMENT_STATUS_SORTORDER,MEASURE,MEASURE_NAME,MEASURE_CODE,MEASURE_TYPE,MEASURE_TYPECODE,MEASURE_SORTORDER,MEASURES,MEASURES_NAME,OBS_VALUE,OBS_STATUS,OBS_STATUS_NAME,OBS_CONF,OBS_CONF_NAME,URN,RECORD_OFFSET,RECORD_COUNT";

    fn bres_cell(industry: u64, label: &str, status: u32, measure: u32, value: &str) -> String {
        format!(
            "2024,2024,2024,date,0,0,0,Burnley,E07000117,districts,424,0,{industry},\"{label}\",{industry},industry,0,0,{status},x,{status},x,0,0,{measure},Count,{measure},x,0,0,20100,Value,{value},A,Normal Value,F,Free,u,0,1"
        )
    }

    fn parse_bres(cell: String) -> Result<polars::prelude::DataFrame> {
        let raw = RawFile::from_bytes(
            Path::new("bres.csv"),
            format!("{BRES_HEADER}\n{cell}\n").into_bytes(),
        )?;
        let mut obs = Observations::default();
        parse_saved_result(
            &raw,
            "nomis_bres_lad",
            &catalogued("nomis_bres_lad"),
            &mut obs,
        )?;
        Ok(obs.into_frame()?)
    }

    #[test]
    fn bres_cells_map_to_workplace_measures_by_industry_status_and_measure() {
        let df = parse_bres(bres_cell(150994947, "C : Manufacturing", 4, 1, "6500")).unwrap();
        let m = df.column(MEASURE).unwrap().str().unwrap();
        assert_eq!(m.get(0), Some("bres_employment_c"));
        let df = parse_bres(bres_cell(150994947, "C : Manufacturing", 1, 1, "6000")).unwrap();
        let m = df.column(MEASURE).unwrap().str().unwrap();
        assert_eq!(m.get(0), Some("bres_employees_c"));
        let df = parse_bres(bres_cell(163577863, "7 : Retail (Part G)", 4, 1, "3000")).unwrap();
        let m = df.column(MEASURE).unwrap().str().unwrap();
        assert_eq!(m.get(0), Some("bres_employment_g07"));
    }

    #[test]
    fn a_bres_code_labelled_as_another_industry_or_a_percentage_is_refused() {
        let err = parse_bres(bres_cell(150994945, "B : Mining and quarrying", 4, 1, "75"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("bres.csv: line 2, column `INDUSTRY_NAME`"),
            "{err}"
        );
        assert!(
            err.contains("expected a label containing `A : ` for INDUSTRY 150994945"),
            "{err}"
        );
        assert!(err.contains("found `B : Mining and quarrying`"), "{err}");
        // measure 2 is the industry percentage, not a count: no catalogued measure takes it.
        let err = parse_bres(bres_cell(150994945, "A : Agriculture", 4, 2, "1.2"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("column `INDUSTRY:EMPLOYMENT_STATUS:MEASURE`"),
            "{err}"
        );
        assert!(err.contains("found `150994945:4:2`"), "{err}");
    }

    #[test]
    fn ts060a_checks_the_published_category_labels() {
        let header = HEADER.replace("C2021_HIQUAL_8", "C2021_IND_19");
        let page = |label: &str| {
            format!(
                "{header}\n2021,2021,2021,date,0,0,0,Burnley,E07000117,districts,154,0,3,\"{label}\",3,x,0,3,20100,Value,5000,A,Normal,F,Free,u,0,1\n"
            )
        };
        let spec = catalogued("census2021_ts060a_lad");
        let run = |text: String| {
            let raw = RawFile::from_bytes(Path::new("ts060a.csv"), text.into_bytes()).unwrap();
            let mut obs = Observations::default();
            parse_saved_result(&raw, "census2021_ts060a_lad", &spec, &mut obs)
                .map(|_| obs.into_frame().unwrap())
        };
        let df = run(page("C Manufacturing")).unwrap();
        assert_eq!(
            df.column(MEASURE).unwrap().str().unwrap().get(0),
            Some("ts060a_ind_03")
        );
        let err = run(page(
            "D Electricity, gas, steam and air conditioning supply",
        ))
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("column `C2021_IND_19_NAME`: expected a label containing `manufacturing`"),
            "{err}"
        );
    }
}
