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

    #[test]
    fn a_nomis_page_url_names_its_query() {
        let q = "http://n/api/v01/dataset/NM_17_5.data.csv?geography=TYPE424&variable=1902";
        assert_eq!(nomis_page_query(q), q);
        assert_eq!(nomis_page_query(&format!("{q}&RecordOffset=25000")), q);
        let bare = "http://n/api/v01/dataset/NM_1_1.data.csv";
        assert_eq!(nomis_page_query(&format!("{bare}?RecordOffset=5")), bare);
    }
}
