//! ONS's postcode directory (National Statistics Postcode Lookup, NSPL; the ONS Postcode
//! Directory's columns are read too), as the published CSV (`Data/NSPL_..._UK.csv` in the
//! portal's zip) or as the Open Geography Portal's feature service answers it (ArcGIS JSON,
//! `features[].attributes`, upper-case field names), for the postcode lookup of issue 26.
//!
//! Columns (lower case in the CSV, upper case in the feature service; matched without regard
//! to case): `pcds` (the postcode, one space), `doterm` (month of termination, `YYYYMM`, empty
//! for a live postcode), `laua` (district; ONSPD calls it `oslaua`), and when present `lsoa21`,
//! `ttwa`, `cty` (ONSPD: `oscty`) and `rgn`. The NSPL header these names come from is quoted by
//! public code that reads the file, e.g. the May 2025 edition's
//! `pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa21,cty,ced,laua,ward,nhser,
//! ctry,rgn,pcon,ttwa,itl,park,lsoa21,msoa21,wz11,sicbl,bua24,ruc21,oac11,lat,long,lep1,lep2,pfa,
//! imd,icb` (a public Perl splitter of `NSPL_MAY_2025_UK.csv`, found by code search; the
//! August 2024 edition's header, quoted by the same tools, has `npark` for `park`), and ONSPD's `pcd,pcd2,pcds,dointr,doterm,oscty,ced,oslaua,
//! osward,…,ttwa,…,lsoa21,msoa21` (ONSPD February 2023). The feature service's upper-case
//! `PCD, PCD2, PCDS, DOINTR, DOTERM, …` are listed by its REST page
//! (`New_NSPL_Online_Latest_Centroids/FeatureServer/1`); its district and region are
//! year-suffixed, `LAD25CD` and `RGN25CD`, as public callers request them (see [`FIELDS`]); its
//! LSOA, TTWA and county field names are NOT CONFIRMED (the page seen lists the fields only as
//! far as `DOTERM`): the plain and the year-suffixed spellings are both read, and a layout with
//! neither for a required field fails naming the fields it has.
//!
//! Each postcode becomes one observation (area code the postcode as published, measure
//! [`POSTCODE_MEASURE`], its codes in `flags`), so the refresh stores, caches and carries the
//! directory like any source; [`postcode_table`] turns those rows into the snapshot's
//! `postcodes` table and [`without_postcodes`] keeps them from the indicators.

use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::RawFile;
use lmi_core::Status;
use lmi_core::postcode::{Postcode, parse_terminated};
use polars::prelude::*;

/// The measure id of a postcode row in the observations table.
pub const POSTCODE_MEASURE: &str = "ons_postcode";
/// The period of every postcode row (the directory is one edition, the latest).
const PERIOD: &str = "latest";

/// The fields read: (what lmi calls it, the names a file may use for it, the prefix of its
/// year-suffixed name in the feature services (`LAD25CD`), required). The services' callers ask
/// for `LAD25CD` and `RGN25CD` (a public NSPL downloader: `NSPL_LATEST_UK/FeatureServer/0/query?
/// where=1=1&outFields=PCDS,LAD25CD&f=json&resultRecordCount=2000&resultOffset=…`, "TOTAL =
/// 2720556 # from returnCountOnly query"; ONSPD callers in PUBLISHERS-DEMAND §12); `CTYyyCD`,
/// `TTWAyyCD` and `LSOA21CD` follow the same pattern and are NOT CONFIRMED for these services.
const FIELDS: [(&str, &[&str], Option<&str>, bool); 7] = [
    ("pcds", &["pcds"], None, true),
    ("doterm", &["doterm"], None, true),
    ("lad", &["laua", "oslaua"], Some("LAD"), true),
    ("lsoa21", &["lsoa21", "lsoa21cd"], None, false),
    ("ttwa", &["ttwa"], Some("TTWA"), false),
    ("cty", &["cty", "oscty"], Some("CTY"), false),
    ("rgn", &["rgn"], Some("RGN"), false),
];

/// The year of a year-suffixed field name (`LAD25CD` with prefix `LAD`: 25).
fn suffixed_year(name: &str, prefix: &str) -> Option<u32> {
    let upper = name.to_ascii_uppercase();
    let yy = upper.strip_prefix(prefix)?.strip_suffix("CD")?;
    (yy.len() == 2 && yy.bytes().all(|b| b.is_ascii_digit()))
        .then(|| yy.parse().ok())
        .flatten()
}

/// Position of each of [`FIELDS`] among `names` (case-insensitive; a year-suffixed name only
/// when no plain one is there, the latest year first), or the layout error.
fn locate(raw: &RawFile, names: &[String]) -> Result<[Option<usize>; 7]> {
    let mut at = [None; 7];
    for (i, (_, aliases, prefix, _)) in FIELDS.iter().enumerate() {
        let clean = |n: &String| n.trim().trim_start_matches('\u{feff}').to_owned();
        at[i] = names
            .iter()
            .position(|n| aliases.iter().any(|a| clean(n).eq_ignore_ascii_case(a)))
            .or_else(|| {
                let prefix = (*prefix)?;
                names
                    .iter()
                    .enumerate()
                    .filter_map(|(j, n)| suffixed_year(&clean(n), prefix).map(|y| (y, j)))
                    .max()
                    .map(|(_, j)| j)
            });
    }
    let missing: Vec<String> = FIELDS
        .iter()
        .zip(at)
        .filter(|((_, _, _, required), found)| *required && found.is_none())
        .map(|((_, aliases, prefix, _), _)| {
            let mut names = aliases.join(" or ");
            if let Some(p) = prefix {
                names.push_str(&format!(" or {p}yyCD"));
            }
            names
        })
        .collect();
    if !missing.is_empty() {
        return Err(IngestError::UnknownLayout {
            file: raw.path.clone(),
            expected: format!(
                "the postcode directory's columns pcds, doterm and laua (NSPL; missing: {})",
                missing.join(", ")
            ),
            found: names.join(", "),
        });
    }
    Ok(at)
}

pub(crate) fn parse(raw: &RawFile, source: &str, out: &mut Observations) -> Result<usize> {
    let starts_json = raw
        .content
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{');
    let n = if starts_json {
        parse_arcgis(raw, source, out)?
    } else {
        parse_csv(raw, source, out)?
    };
    if n == 0 {
        return Err(IngestError::NoRows {
            file: raw.path.clone(),
            reason: "the postcode directory lists no postcode".into(),
        });
    }
    Ok(n)
}

/// One row: checked, then pushed. `line` and the column names are for the error.
fn push_row(
    raw: &RawFile,
    line: u64,
    get: impl Fn(usize) -> Option<String>,
    source: &str,
    out: &mut Observations,
) -> Result<()> {
    let bad = |column: &str, expected: &str, found: &str| IngestError::BadValue {
        file: raw.path.clone(),
        line,
        column: column.into(),
        expected: expected.into(),
        found: found.into(),
    };
    let pcds = get(0).unwrap_or_default();
    let postcode = Postcode::parse(&pcds)
        .map_err(|e| bad("pcds", "a UK postcode such as `PR1 1AA`", &e.to_string()))?;
    let doterm = get(1).unwrap_or_default();
    parse_terminated(&doterm)
        .map_err(|found| bad("doterm", "empty (live) or a month `YYYYMM`", &found))?;
    let code = |i: usize, column: &str| -> Result<String> {
        let v = get(i).unwrap_or_default();
        let v = v.trim();
        if v.is_empty() {
            return Ok(String::new());
        }
        if v.len() != 9 || !v.is_ascii() || v.contains(';') || v.contains('=') {
            return Err(bad(column, "a 9-character GSS code or nothing", v));
        }
        Ok(v.to_owned())
    };
    let lad = code(2, "laua")?;
    if lad.is_empty() {
        return Err(bad("laua", "the postcode's district code", ""));
    }
    let flags = format!(
        "lad={lad};lsoa={};ttwa={};cty={};rgn={};doterm={}",
        code(3, "lsoa21")?,
        code(4, "ttwa")?,
        code(5, "cty")?,
        code(6, "rgn")?,
        doterm.trim()
    );
    out.push_flagged(
        source,
        &postcode.to_string(),
        PERIOD,
        POSTCODE_MEASURE,
        None,
        Status::Ok,
        &flags,
    );
    Ok(())
}

fn parse_csv(raw: &RawFile, source: &str, out: &mut Observations) -> Result<usize> {
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
        .map(str::to_owned)
        .collect();
    let at = locate(raw, &header)?;
    let mut n = 0;
    let mut record = csv::StringRecord::new();
    while reader.read_record(&mut record).map_err(csv_error)? {
        let line = record.position().map_or(0, |p| p.line());
        push_row(
            raw,
            line,
            |i| at[i].and_then(|j| record.get(j)).map(str::to_owned),
            source,
            out,
        )?;
        n += 1;
    }
    Ok(n)
}

fn parse_arcgis(raw: &RawFile, source: &str, out: &mut Observations) -> Result<usize> {
    let bad = |expected: &str, found: String| IngestError::BadValue {
        file: raw.path.clone(),
        line: 1,
        column: "(JSON)".into(),
        expected: expected.into(),
        found,
    };
    let json: serde_json::Value = serde_json::from_slice(&raw.content).map_err(|e| {
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
    let features = json
        .get("features")
        .and_then(|f| f.as_array())
        .ok_or_else(|| {
            bad(
                "a `features` array",
                String::from_utf8_lossy(&raw.content[..raw.content.len().min(120)]).into(),
            )
        })?;
    let Some(first) = features
        .first()
        .and_then(|f| f.get("attributes"))
        .and_then(|a| a.as_object())
    else {
        return Ok(0);
    };
    let names: Vec<String> = first.keys().cloned().collect();
    let at = locate(raw, &names)?;
    for (i, f) in features.iter().enumerate() {
        let attr = |k: usize| -> Option<String> {
            let name = &names[at[k]?];
            match f.get("attributes")?.get(name)? {
                serde_json::Value::String(s) => Some(s.clone()),
                serde_json::Value::Null => None,
                other => Some(other.to_string()),
            }
        };
        // A feature's position stands for the line: the answer is one line of JSON.
        push_row(raw, i as u64 + 1, attr, source, out)?;
    }
    Ok(features.len())
}

/// Rows in one page of an ArcGIS feature service answer and whether the service holds more
/// (`exceededTransferLimit: true`), for paging; an error answer or no `features` is an error.
pub fn scan_arcgis_page(bytes: &[u8]) -> std::result::Result<(usize, bool), String> {
    let json: serde_json::Value = serde_json::from_slice(bytes)
        .map_err(|e| format!("expected an ArcGIS query answer (JSON), found: {e}"))?;
    if let Some(error) = json.get("error") {
        return Err(format!("the service answered an error: {error}"));
    }
    let rows = json
        .get("features")
        .and_then(|f| f.as_array())
        .map(Vec::len)
        .ok_or_else(|| {
            format!(
                "expected a `features` array, found `{}`",
                String::from_utf8_lossy(&bytes[..bytes.len().min(120)])
            )
        })?;
    let more = json.get("exceededTransferLimit").and_then(|v| v.as_bool()) == Some(true);
    Ok((rows, more))
}

/// The snapshot's `postcodes` table (`lmi_core::schema::postcodes`) from the postcode rows of
/// an observations table; `None` when it has none.
pub fn postcode_table(observations: &DataFrame) -> PolarsResult<Option<DataFrame>> {
    use lmi_core::schema::observations as obs;
    use lmi_core::schema::postcodes as pc;
    let rows = observations
        .clone()
        .lazy()
        .filter(col(obs::MEASURE).eq(lit(POSTCODE_MEASURE)))
        .select([col(obs::AREA_CODE), col(obs::FLAGS)])
        .collect()?;
    if rows.height() == 0 {
        return Ok(None);
    }
    let codes = rows.column(obs::AREA_CODE)?.str()?;
    let flags = rows.column(obs::FLAGS)?.str()?;
    let n = rows.height();
    // A postcode twice (two pages of a feature service overlapping, a file listing it twice)
    // would make the directory ambiguous: refused here, before anything is published.
    let mut seen = std::collections::HashSet::with_capacity(n);
    if let Some(twice) = codes.iter().flatten().find(|c| !seen.insert(*c)) {
        polars_bail!(ComputeError: "the postcode directory lists postcode {twice} more than once");
    }
    drop(seen);
    let mut columns: [Vec<Option<&str>>; 6] = std::array::from_fn(|_| Vec::with_capacity(n));
    const KEYS: [&str; 6] = ["lad=", "lsoa=", "ttwa=", "cty=", "rgn=", "doterm="];
    for f in flags.iter() {
        let mut got = [None; 6];
        for part in f.unwrap_or("").split(';') {
            if let Some(k) = KEYS.iter().position(|k| part.starts_with(k)) {
                let v = &part[KEYS[k].len()..];
                got[k] = (!v.is_empty()).then_some(v);
            }
        }
        for (c, v) in columns.iter_mut().zip(got) {
            c.push(v);
        }
    }
    let [lad, lsoa, ttwa, cty, rgn, doterm] = columns;
    DataFrame::new(
        n,
        vec![
            Column::new(pc::POSTCODE.into(), codes.clone().into_series()),
            Column::new(pc::LAD_CODE.into(), lad),
            Column::new(pc::LSOA_CODE.into(), lsoa),
            Column::new(pc::TTWA_CODE.into(), ttwa),
            Column::new(pc::COUNTY_CODE.into(), cty),
            Column::new(pc::REGION_CODE.into(), rgn),
            Column::new(pc::TERMINATED.into(), doterm),
        ],
    )
    .map(Some)
}

/// The observations without postcode rows: what the indicators are computed from.
pub fn without_postcodes(observations: &DataFrame) -> PolarsResult<DataFrame> {
    use lmi_core::schema::observations as obs;
    observations
        .clone()
        .lazy()
        .filter(col(obs::MEASURE).neq(lit(POSTCODE_MEASURE)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn raw(text: &str) -> RawFile {
        RawFile::from_bytes(Path::new("nspl.csv"), text.as_bytes().to_vec()).unwrap()
    }

    const HEADER: &str = "pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa21,cty,ced,laua,ward,nhser,ctry,rgn,pcon,ttwa,itl,park,lsoa21,msoa21,wz11,sicbl,bua24,ruc21,oac11,lat,long,lep1,lep2,pfa,imd,icb";

    fn row(pcds: &str, doterm: &str, laua: &str) -> String {
        format!(
            "\"{}\",\"{pcds}\",\"{pcds}\",\"198001\",\"{doterm}\",\"0\",\"\",\"\",\"1\",\"E00000001\",\"E10000017\",\"\",\"{laua}\",\"\",\"\",\"E92000001\",\"E12000002\",\"\",\"E30000255\",\"\",\"\",\"E01025000\",\"\",\"\",\"\",\"\",\"\",\"\",53.7,-2.7,\"E37000019\",\"\",\"\",1,\"\"",
            pcds.replace(' ', "")
        )
    }

    #[test]
    fn the_published_layout_and_the_feature_service_give_the_same_table() {
        let csv = raw(&format!(
            "{HEADER}\n{}\n{}\n",
            row("PR1 1AA", "", "E07000123"),
            row("PR1 1AB", "202001", "E07000123")
        ));
        let json = raw(
            r#"{"features":[{"attributes":{"PCDS":"PR1 1AA","DOTERM":null,"LAUA":"E07000123","LSOA21":"E01025000","TTWA":"E30000255","CTY":"E10000017","RGN":"E12000002"}},{"attributes":{"PCDS":"PR1 1AB","DOTERM":"202001","LAUA":"E07000123","LSOA21":"E01025000","TTWA":"E30000255","CTY":"E10000017","RGN":"E12000002"}}]}"#,
        );
        let (mut a, mut b) = (Observations::default(), Observations::default());
        assert_eq!(parse(&csv, "s", &mut a).unwrap(), 2);
        assert_eq!(parse(&json, "s", &mut b).unwrap(), 2);
        let (a, b) = (a.into_frame().unwrap(), b.into_frame().unwrap());
        let ta = postcode_table(&a).unwrap().unwrap();
        assert!(ta.equals_missing(&postcode_table(&b).unwrap().unwrap()));
        use lmi_core::schema::postcodes as pc;
        assert_eq!(
            ta.column(pc::TERMINATED).unwrap().str().unwrap().get(1),
            Some("202001")
        );
        assert_eq!(
            ta.column(pc::TERMINATED).unwrap().str().unwrap().get(0),
            None
        );
        assert_eq!(without_postcodes(&a).unwrap().height(), 0);
    }

    #[test]
    fn the_feature_services_year_suffixed_fields_are_read_latest_year_first() {
        let json = raw(
            r#"{"features":[{"attributes":{"PCDS":"PR1 1AA","DOTERM":null,"LAD24CD":"E07000999","LAD25CD":"E07000123","RGN25CD":"E12000002"}}]}"#,
        );
        let mut out = Observations::default();
        assert_eq!(parse(&json, "s", &mut out).unwrap(), 1);
        let t = postcode_table(&out.into_frame().unwrap()).unwrap().unwrap();
        use lmi_core::schema::postcodes as pc;
        let text = |c: &str| {
            t.column(c)
                .unwrap()
                .str()
                .unwrap()
                .get(0)
                .map(str::to_owned)
        };
        assert_eq!(text(pc::LAD_CODE).as_deref(), Some("E07000123"));
        assert_eq!(text(pc::REGION_CODE).as_deref(), Some("E12000002"));
        assert_eq!(text(pc::TTWA_CODE), None);
    }

    #[test]
    fn a_bad_row_is_named_by_line_and_column() {
        let err = parse(
            &raw(&format!(
                "{HEADER}\n{}\n{}\n",
                row("PR1 1AA", "", "E07000123"),
                row("PR1 1A1", "", "E07000123")
            )),
            "s",
            &mut Observations::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("line 3") && err.contains("pcds"), "{err}");
        assert!(err.contains("PR1 1A1"), "{err}");
        let err = parse(
            &raw(&format!(
                "{HEADER}\n{}\n",
                row("PR1 1AA", "2020", "E07000123")
            )),
            "s",
            &mut Observations::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("line 2") && err.contains("doterm") && err.contains("2020"),
            "{err}"
        );
        let err = parse(
            &raw("pcd,pcds,dointr\nPR11AA,PR1 1AA,198001\n"),
            "s",
            &mut Observations::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("doterm") && err.contains("laua or oslaua or LADyyCD"),
            "{err}"
        );
        assert!(err.contains("found columns: pcd, pcds, dointr"), "{err}");
    }
}
