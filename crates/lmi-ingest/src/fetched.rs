//! Parsing what a fetch downloaded: one source's bodies, as the publisher served them, into
//! observations. The bytes come from the caller (lmi-fetch's raw cache or a fresh download);
//! nothing here touches the network.

use crate::catalogue::SourceDef;
use crate::error::{IngestError, Result};
use crate::fetch_spec::{CellSelect, FetchSpec, NomisSpec};
use crate::local::parse_source;
use crate::nomis::{self, nomis_page_query};
use crate::observations::Observations;
use crate::raw::RawFile;
use crate::required_columns::required_columns;
use lmi_core::Resolved;
use std::path::Path;

/// Parses one source's bodies (URL as shown in errors, bytes) into `out`; returns (rows,
/// observations). `resolved` is what discovery resolved the source to (an EES release labels
/// its periods).
pub fn parse_fetched(
    source: &SourceDef,
    spec: &FetchSpec,
    resolved: Option<&Resolved>,
    bodies: &[(String, Vec<u8>)],
    out: &mut Observations,
) -> Result<(usize, usize)> {
    let before = out.len();
    let mut rows = 0;
    if let FetchSpec::Nomis(n) = spec {
        let with_cells;
        let n = match &n.cells {
            None => n,
            Some(select) => {
                with_cells = with_found_cells(source, n, select, resolved)?;
                &with_cells
            }
        };
        rows += parse_nomis(source, n, resolved, bodies, out)?;
        for d in &n.derive {
            out.derive_product(before, &d.measure, &d.from, &d.times, d.factor);
        }
        if let Some(CellSelect {
            total: Some(total), ..
        }) = n.cells.as_deref()
        {
            let mut parts: Vec<&str> = n.measures.values().map(String::as_str).collect();
            parts.sort_unstable();
            parts.dedup();
            out.derive_sum(before, total, &parts);
        }
    } else {
        let release = match resolved {
            Some(Resolved::Ees { release, .. }) => Some(release.as_str()),
            _ => None,
        };
        for (url, bytes) in bodies {
            let raw = RawFile::from_bytes(Path::new(url), bytes.clone())?;
            // The format's parser first: it knows every column and names the renamed one.
            rows += parse_source(source, &raw, release, out)?;
            required_columns(
                &raw,
                spec.required_columns(),
                "the columns listed in the catalogue's required_columns",
            )?;
        }
    }
    Ok((rows, out.len() - before))
}

/// The spec with the measures of the cells discovery chose (recorded in `resolved`): cell code
/// -> `{measure_prefix}{n}`. Cells are chosen by label on every run, so without them (an entry
/// cached before they were recorded) the source cannot be read.
fn with_found_cells(
    source: &SourceDef,
    spec: &NomisSpec,
    select: &CellSelect,
    resolved: Option<&Resolved>,
) -> Result<NomisSpec> {
    let cells = match resolved {
        Some(Resolved::Nomis { cells, .. }) if !cells.is_empty() => cells,
        _ => {
            return Err(IngestError::NoRows {
                file: source.id.clone().into(),
                reason: format!(
                    "no `{}` codes were found by label for table {}: discovery must choose them first",
                    select.dimension, select.table
                ),
            });
        }
    };
    let mut spec = spec.clone();
    for (code, label) in cells {
        let measure = select.measure(label).ok_or_else(|| IngestError::NoRows {
            file: source.id.clone().into(),
            reason: format!(
                "`{}` code {code} was chosen by label `{label}`, which has no cell number after `{}:`",
                select.dimension, select.table
            ),
        })?;
        spec.measures.insert(code.clone(), measure);
    }
    Ok(spec)
}

/// Every query of a Nomis source, each checked complete on its own.
fn parse_nomis(
    source: &SourceDef,
    spec: &NomisSpec,
    resolved: Option<&Resolved>,
    bodies: &[(String, Vec<u8>)],
    out: &mut Observations,
) -> Result<usize> {
    let mut rows = 0;
    let mut i = 0;
    while i < bodies.len() {
        let query = nomis_page_query(&bodies[i].0);
        let mut state = nomis::NomisParse::default();
        let mut last = query;
        while i < bodies.len() && nomis_page_query(&bodies[i].0) == query {
            let (url, bytes) = &bodies[i];
            let raw = RawFile::from_bytes(Path::new(url), bytes.clone())?;
            rows += nomis::parse_page(&raw, &source.id, spec, &mut state, out)?;
            if let (Some(select), Some(Resolved::Nomis { cells, .. })) = (&spec.cells, resolved) {
                nomis::check_labels(&raw, &select.dimension.to_uppercase(), cells)?;
            }
            last = url;
            i += 1;
        }
        nomis::check_complete(&state, last)?;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::nomis_page_query;
    use crate::catalogue::Catalogue;
    use crate::observations::{MEASURE, STATUS, VALUE};
    use crate::{FetchSpec, Observations};
    use lmi_core::Resolved;
    use std::collections::BTreeMap;

    const HEADER: &str = "DATE,DATE_NAME,DATE_CODE,DATE_TYPE,DATE_TYPECODE,DATE_SORTORDER,GEOGRAPHY,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GEOGRAPHY_TYPE,GEOGRAPHY_TYPECODE,GEOGRAPHY_SORTORDER,CELL,CELL_NAME,CELL_CODE,CELL_TYPE,CELL_TYPECODE,CELL_SORTORDER,MEASURES,MEASURES_NAME,OBS_VALUE,OBS_STATUS,OBS_STATUS_NAME,OBS_CONF,OBS_CONF_NAME,URN,RECORD_OFFSET,RECORD_COUNT";

    fn t13a_label(n: u32) -> String {
        format!("T13a:{n} (group {n} : All people )")
    }

    /// T13a cells for one district: cell `n` has value `v` (or is withheld, `Q`).
    fn page(cells: &[(u32, &str, Option<u32>)]) -> String {
        let mut text = format!("{HEADER}\n");
        for (i, (id, label, v)) in cells.iter().enumerate() {
            let (value, status) = v.map_or((String::new(), "Q"), |v| (v.to_string(), "A"));
            text += &format!(
                "2022-12,Jan 2022-Dec 2022,2022-12,date,0,0,1,Burnley,E07000117,districts,424,0,{id},\"{label}\",{id},cell,0,0,20100,Value,{value},{status},,F,Free,u,{i},{}\n",
                cells.len()
            );
        }
        text
    }

    fn t13a() -> (crate::SourceDef, FetchSpec) {
        let c = Catalogue::bundled().unwrap();
        let s = c.get("nomis_aps_t13a_industry").unwrap().clone();
        let spec = s.fetch.clone().unwrap();
        (s, spec)
    }

    fn resolved(cells: &[(u32, String)]) -> Resolved {
        Resolved::Nomis {
            dataset: "NM_17_1".into(),
            queries: vec!["q".into()],
            cells: cells
                .iter()
                .map(|(id, l)| (id.to_string(), l.clone()))
                .collect::<BTreeMap<_, _>>(),
        }
    }

    #[test]
    fn cells_found_by_label_map_to_their_table_numbers_and_sum_to_the_total() {
        let (source, spec) = t13a();
        let chosen: Vec<(u32, String)> = [1, 4, 7, 10, 13, 16, 19, 22, 25]
            .iter()
            .map(|&n| (500 + n, t13a_label(n)))
            .collect();
        let labels: Vec<(u32, &str, Option<u32>)> = chosen
            .iter()
            .map(|(id, l)| (*id, l.as_str(), Some(100 * id)))
            .collect();
        let body = page(&labels);
        let mut out = Observations::default();
        parse_fetched_one(&source, &spec, &resolved(&chosen), &body, &mut out).unwrap();
        let df = out.into_frame().unwrap();
        let m = df.column(MEASURE).unwrap().str().unwrap();
        let v = df.column(VALUE).unwrap().f64().unwrap();
        let at = |measure: &str| {
            (0..df.height())
                .find(|&i| m.get(i) == Some(measure))
                .unwrap()
        };
        assert_eq!(v.get(at("aps_t13a_7")), Some(50_700.0));
        let expected: f64 = chosen.iter().map(|(id, _)| f64::from(100 * id)).sum();
        assert_eq!(v.get(at("aps_t13a_total")), Some(expected));

        // One withheld cell: the total is unknown (suppressed), never the sum of the rest.
        let mut withheld = labels.clone();
        withheld[2].2 = None;
        let mut out = Observations::default();
        parse_fetched_one(
            &source,
            &spec,
            &resolved(&chosen),
            &page(&withheld),
            &mut out,
        )
        .unwrap();
        let df = out.into_frame().unwrap();
        let m = df.column(MEASURE).unwrap().str().unwrap();
        let i = (0..df.height())
            .find(|&i| m.get(i) == Some("aps_t13a_total"))
            .unwrap();
        assert_eq!(df.column(VALUE).unwrap().f64().unwrap().get(i), None);
        assert_eq!(
            df.column(STATUS).unwrap().str().unwrap().get(i),
            Some("suppressed")
        );
    }

    #[test]
    fn a_cell_whose_name_is_not_the_label_it_was_chosen_by_is_refused() {
        let (source, spec) = t13a();
        let chosen = vec![(501, t13a_label(1))];
        let body = page(&[(501, "T13a:1 (something else : All people )", Some(5))]);
        let err = parse_fetched_one(
            &source,
            &spec,
            &resolved(&chosen),
            &body,
            &mut Observations::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("column `CELL_NAME`"), "{err}");
        assert!(err.contains("the label code 501 was chosen by"), "{err}");
        // And without the cells discovery chose, the source cannot be read at all.
        let err = super::parse_fetched(
            &source,
            &spec,
            None,
            &[("u".into(), body.into_bytes())],
            &mut Observations::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("found by label"), "{err}");
    }

    fn parse_fetched_one(
        source: &crate::SourceDef,
        spec: &FetchSpec,
        resolved: &Resolved,
        body: &str,
        out: &mut Observations,
    ) -> crate::error::Result<(usize, usize)> {
        super::parse_fetched(
            source,
            spec,
            Some(resolved),
            &[(
                "http://n/NM_17_1.data.csv?cell=1".into(),
                body.as_bytes().to_vec(),
            )],
            out,
        )
    }

    #[test]
    fn a_nomis_page_url_names_its_query() {
        let q = "http://n/api/v01/dataset/NM_17_5.data.csv?geography=TYPE424&variable=1902";
        assert_eq!(nomis_page_query(q), q);
        assert_eq!(nomis_page_query(&format!("{q}&RecordOffset=25000")), q);
        let bare = "http://n/api/v01/dataset/NM_1_1.data.csv";
        assert_eq!(nomis_page_query(&format!("{bare}?RecordOffset=5")), bare);
    }
}
