//! "The Skills Imperative 2035" employment projection workbooks (Working Futures methodology;
//! `LA_LSIP_MainTables.Main.xlsm`, `EN_MainTables.Main.xlsm`): the cached cell values of four
//! report tables, found by their layout and checked cell by cell.
//!
//! | sheet | table | rows |
//! |---|---|---|
//! | `Ind T1` | Industry Table 1, employment by industry sector | 6 sectors + All industries |
//! | `Ind T2` | Industry Table 2, employment by industry group | 22 groups + All industries (levels only) |
//! | `Occ T1` | Occupation Table 1, by occupation group (SOC 2020) | 9 major groups + All occupations |
//! | `Occ T2` | Occupation Table 2, by occupation (SOC 2020) | 26 sub-major groups + All occupations |
//!
//! Each table's first block has a header row with the years 2015, 2019, 2020, 2025, 2035 in
//! columns B-F and, where the table has them, `Change`, `Demand`, `Requirement` in H-J under
//! `Net`, `Replacement`, `Total`; item rows follow up to the `All …` total row. The `Info` sheet
//! names the area (`LSIP` or `Country`), checked against the catalogue's `area_code`. A layout
//! that differs fails with the sheet and cell.

use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::RawFile;
use calamine::{Data, Range, Reader, Xlsx};
use lmi_core::projections::{
    CHANGE_PERIOD, ProjectionClassification as C, ProjectionMeasure, ProjectionQuantity as Q,
    TOTAL_ITEM, projection_measure,
};
use lmi_core::{AreaType, Geography, Status};
use std::collections::BTreeMap;

const YEARS: [&str; 5] = ["2015", "2019", "2020", "2025", "2035"];
/// How far down a sheet the header row and the total row are looked for.
const HEADER_ROWS: u32 = 10;
const MAX_ROWS: u32 = 60;

struct TableSpec {
    classification: C,
    sheet: &'static str,
    title: &'static str,
    requirements: bool,
    items: usize,
    total: &'static str,
}

const TABLES: [TableSpec; 4] = [
    TableSpec {
        classification: C::Sectors,
        sheet: "Ind T1",
        title: "Industry Table 1 ",
        requirements: true,
        items: 6,
        total: "All industries",
    },
    TableSpec {
        classification: C::IndustryGroups,
        sheet: "Ind T2",
        title: "Industry Table 2 ",
        requirements: false,
        items: 22,
        total: "All industries",
    },
    TableSpec {
        classification: C::Soc2020MajorGroups,
        sheet: "Occ T1",
        title: "Occupation Table 1 ",
        requirements: true,
        items: 9,
        total: "All occupations",
    },
    TableSpec {
        classification: C::Soc2020SubMajorGroups,
        sheet: "Occ T2",
        title: "Occupation Table 2 ",
        requirements: true,
        items: 26,
        total: "All occupations",
    },
];

/// `(0, 0)` -> `A1`.
fn cell_ref(row: u32, col: u32) -> String {
    let mut letters = String::new();
    let mut c = col + 1;
    while c > 0 {
        letters.insert(0, (b'A' + ((c - 1) % 26) as u8) as char);
        c = (c - 1) / 26;
    }
    format!("{letters}{}", row + 1)
}

struct Sheet<'a> {
    file: &'a RawFile,
    name: &'a str,
    range: Range<Data>,
}

impl Sheet<'_> {
    fn text(&self, row: u32, col: u32) -> String {
        match self.range.get_value((row, col)) {
            Some(Data::Float(f)) if f.fract() == 0.0 => format!("{f:.0}"),
            Some(Data::Empty) | None => String::new(),
            Some(d) => d.to_string().trim().to_owned(),
        }
    }

    fn error(&self, cell: String, expected: impl Into<String>, found: String) -> IngestError {
        IngestError::Workbook {
            file: self.file.path.clone(),
            sheet: self.name.to_owned(),
            cell,
            expected: expected.into(),
            found,
        }
    }

    fn expect(
        &self,
        row: u32,
        col: u32,
        want: impl Fn(&str) -> bool,
        what: &str,
    ) -> Result<String> {
        let found = self.text(row, col);
        if want(&found) {
            Ok(found)
        } else {
            Err(self.error(cell_ref(row, col), what, found))
        }
    }

    fn number(&self, row: u32, col: u32) -> Result<f64> {
        match self.range.get_value((row, col)) {
            Some(Data::Float(f)) => Ok(*f),
            Some(Data::Int(i)) => Ok(*i as f64),
            other => Err(self.error(
                cell_ref(row, col),
                "a number (the workbook's cached value)",
                other.map_or_else(String::new, ToString::to_string),
            )),
        }
    }
}

fn open(raw: &RawFile) -> Result<Xlsx<std::io::Cursor<Vec<u8>>>> {
    Xlsx::new(std::io::Cursor::new(raw.content.clone())).map_err(|e| IngestError::Workbook {
        file: raw.path.clone(),
        sheet: String::new(),
        cell: String::new(),
        expected: "an Excel workbook (.xlsx/.xlsm)".into(),
        found: e.to_string(),
    })
}

fn sheet<'a>(
    raw: &'a RawFile,
    book: &mut Xlsx<std::io::Cursor<Vec<u8>>>,
    name: &'a str,
) -> Result<Sheet<'a>> {
    let range = book
        .worksheet_range(name)
        .map_err(|e| IngestError::Workbook {
            file: raw.path.clone(),
            sheet: name.to_owned(),
            cell: String::new(),
            expected: format!("a sheet named `{name}` (listed in the Contents sheet)"),
            found: e.to_string(),
        })?;
    Ok(Sheet {
        file: raw,
        name,
        range,
    })
}

/// Which area a workbook is for.
#[derive(Debug, Clone, Copy)]
pub enum WorkbookArea<'a> {
    /// The catalogue names it (a one-area source): the `Info` sheet is checked against it.
    Given(&'a str),
    /// Read from the `Info` sheet (`LSIP`, `MCA`, `LEP` or `Country` and the area's name) and
    /// looked up in the geography by name; `names` maps `"{kind}: {name}"` to a code where DfE's
    /// name differs from ONS's, `skip` lists workbooks for areas that are no current area, with
    /// the reason.
    FromInfo {
        names: &'a BTreeMap<String, String>,
        skip: &'a BTreeMap<String, String>,
    },
}

/// The area type of an `Info` sheet's kind (cell A1).
fn area_type_of(kind: &str) -> Option<AreaType> {
    match kind {
        "LSIP" => Some(AreaType::Lsip),
        "MCA" => Some(AreaType::CombinedAuthority),
        "LEP" => Some(AreaType::Lep),
        "Country" => Some(AreaType::Country),
        _ => None,
    }
}

/// Lower case, every run of non-alphanumeric characters one space: `Essex, Southend-on-Sea and
/// Thurrock` and `Essex Southend-on-Sea and Thurrock` compare equal, `Gloucestershire` and `G
/// First (Gloucestershire)` do not.
fn normalise_name(name: &str) -> String {
    name.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect::<Vec<_>>()
        .join(" ")
}

/// The code of the area a workbook's `Info` sheet names: the catalogue's `area_names` first,
/// else the one area of that type with the same name. `Err` says what was looked for and what
/// the geography has.
pub fn resolve_area(
    geo: &Geography,
    kind: &str,
    name: &str,
    names: &BTreeMap<String, String>,
) -> std::result::Result<String, String> {
    let Some(area_type) = area_type_of(kind) else {
        return Err(format!(
            "`{kind}` is not an area kind lmi knows (LSIP, MCA, LEP, Country)"
        ));
    };
    let key = format!("{kind}: {name}");
    if let Some(code) = names.get(&key) {
        return match geo.area(code) {
            Some(a) if a.area_type == area_type => Ok(code.clone()),
            Some(a) => Err(format!(
                "the catalogue's area_names maps `{key}` to {code}, a {} not a {}",
                a.area_type.as_str(),
                area_type.as_str()
            )),
            None => Err(format!(
                "the catalogue's area_names maps `{key}` to {code}, which is not a current area"
            )),
        };
    }
    let wanted = normalise_name(name);
    let of_type: Vec<_> = geo.areas().filter(|a| a.area_type == area_type).collect();
    let found: Vec<_> = of_type
        .iter()
        .filter(|a| normalise_name(&a.name) == wanted)
        .collect();
    match found.as_slice() {
        [one] => Ok(one.code.clone()),
        [] => {
            let mut known: Vec<String> = of_type
                .iter()
                .map(|a| format!("{} {}", a.code, a.name))
                .collect();
            known.sort();
            Err(format!(
                "no current {} is named `{name}` (add `\"{key}\" = \"<code>\"` to the source's \
                 area_names, or to skip_areas with the reason); the {} {}s: {}",
                area_type.as_str(),
                known.len(),
                area_type.as_str(),
                known.join("; ")
            ))
        }
        several => Err(format!(
            "several {}s are named `{name}`: {}",
            area_type.as_str(),
            several
                .iter()
                .map(|a| a.code.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// The area the workbook is for and its name as the workbook writes it (titles end with it);
/// `None` for a workbook the catalogue skips.
fn workbook_area(
    raw: &RawFile,
    book: &mut Xlsx<std::io::Cursor<Vec<u8>>>,
    area: WorkbookArea<'_>,
) -> Result<Option<(String, String)>> {
    let info = sheet(raw, book, "Info")?;
    match area {
        WorkbookArea::Given(area_code) => {
            let kind = if area_code.starts_with("E69") {
                "LSIP"
            } else if area_code.starts_with("E92") {
                "Country"
            } else {
                return Err(info.error(
                    "A1".into(),
                    "the catalogue's area_code to be an LSIP area (E69) or England (E92)",
                    area_code.to_owned(),
                ));
            };
            info.expect(
                0,
                0,
                |s| s == kind,
                &format!("`{kind}` (the catalogue says {area_code})"),
            )?;
            info.expect(
                4,
                0,
                |s| s == format!("{kind} name"),
                &format!("`{kind} name`"),
            )?;
            let name = info.expect(4, 1, |s| !s.is_empty(), "the area's name")?;
            Ok(Some((area_code.to_owned(), name)))
        }
        WorkbookArea::FromInfo { names, skip } => {
            let kind = info.expect(
                0,
                0,
                |s| area_type_of(s).is_some(),
                "the area kind: `LSIP`, `MCA`, `LEP` or `Country`",
            )?;
            info.expect(
                4,
                0,
                |s| s == format!("{kind} name"),
                &format!("`{kind} name`"),
            )?;
            let name = info.expect(4, 1, |s| !s.is_empty(), "the area's name")?;
            let key = format!("{kind}: {name}");
            if let Some(reason) = skip.get(&key) {
                tracing::warn!(file = %raw.path.display(), area = %key, %reason, "skipped a projections workbook the catalogue lists in skip_areas");
                return Ok(None);
            }
            let geo = Geography::bundled()
                .map_err(|e| info.error("B5".into(), "the bundled geography", e.to_string()))?;
            let code = resolve_area(geo, &kind, &name, names).map_err(|why| {
                info.error(
                    "B5".into(),
                    format!("the name of a current area ({why})"),
                    name.clone(),
                )
            })?;
            Ok(Some((code, name)))
        }
    }
}

fn read_table(
    raw: &RawFile,
    book: &mut Xlsx<std::io::Cursor<Vec<u8>>>,
    spec: &TableSpec,
    area: &str,
    source_id: &str,
    area_code: &str,
    out: &mut Observations,
) -> Result<usize> {
    let s = sheet(raw, book, spec.sheet)?;
    let title_end = format!(", 2015-2035, {area}");
    s.expect(
        0,
        0,
        |t| t.starts_with(spec.title) && t.ends_with(&title_end),
        &format!("a title `{}… {}`", spec.title.trim_end(), title_end),
    )?;
    let header = (0..HEADER_ROWS)
        .find(|r| {
            YEARS
                .iter()
                .enumerate()
                .all(|(i, y)| s.text(*r, i as u32 + 1) == *y)
        })
        .ok_or_else(|| {
            s.error(
                format!("B1:F{HEADER_ROWS}"),
                "a header row with the years 2015, 2019, 2020, 2025, 2035 in columns B-F",
                String::new(),
            )
        })?;
    if spec.requirements {
        for (col, above, label) in [
            (7, "Net", "Change"),
            (8, "Replacement", "Demand"),
            (9, "Total", "Requirement"),
        ] {
            s.expect(header, col, |t| t == label, &format!("`{label}`"))?;
            s.expect(header - 1, col, |t| t == above, &format!("`{above}`"))?;
        }
    }
    let mut items = 0;
    let mut row = header + 1;
    loop {
        if row > header + MAX_ROWS {
            return Err(s.error(
                format!("A{}:A{}", header + 2, row),
                format!("the total row `{}`", spec.total),
                String::new(),
            ));
        }
        let label = s.text(row, 0);
        if label.is_empty() || label.starts_with("Levels") {
            row += 1;
            continue;
        }
        let is_total = label == spec.total;
        let (item, name) = if is_total {
            (TOTAL_ITEM.to_owned(), label.clone())
        } else if spec.classification == C::Soc2020SubMajorGroups {
            let (code, name) = label
                .split_once(' ')
                .filter(|(c, _)| c.len() == 2 && c.bytes().all(|b| b.is_ascii_digit()))
                .ok_or_else(|| {
                    s.error(
                        cell_ref(row, 0),
                        "a SOC 2020 sub-major group (`23 Teaching …`)",
                        label.clone(),
                    )
                })?;
            (code.to_owned(), name.to_owned())
        } else {
            (format!("{:02}", items + 1), label.clone())
        };
        let mut push = |quantity: Q, period: &str, value: f64| {
            out.push(
                source_id,
                area_code,
                period,
                &projection_measure(&ProjectionMeasure {
                    classification: spec.classification,
                    item: &item,
                    label: &name,
                    quantity,
                }),
                Some(value),
                Status::Estimated,
            );
        };
        for (i, year) in YEARS.iter().enumerate() {
            push(Q::Employment, year, s.number(row, i as u32 + 1)?);
        }
        if spec.requirements {
            push(Q::NetChange, CHANGE_PERIOD, s.number(row, 7)?);
            push(Q::ReplacementDemand, CHANGE_PERIOD, s.number(row, 8)?);
            push(Q::TotalRequirement, CHANGE_PERIOD, s.number(row, 9)?);
        } else {
            push(
                Q::NetChange,
                CHANGE_PERIOD,
                s.number(row, 5)? - s.number(row, 3)?,
            );
        }
        if is_total {
            break;
        }
        items += 1;
        row += 1;
    }
    if items != spec.items {
        return Err(s.error(
            format!("A{}:A{}", header + 2, row + 1),
            format!("{} items before `{}`", spec.items, spec.total),
            format!("{items} items"),
        ));
    }
    Ok(items + 1)
}

pub fn parse(
    raw: &RawFile,
    source_id: &str,
    area: WorkbookArea<'_>,
    out: &mut Observations,
) -> Result<usize> {
    let mut book = open(raw)?;
    let Some((area_code, area)) = workbook_area(raw, &mut book, area)? else {
        return Ok(0);
    };
    let mut rows = 0;
    for spec in &TABLES {
        rows += read_table(raw, &mut book, spec, &area, source_id, &area_code, out)?;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn sample(name: &str) -> RawFile {
        RawFile::read(
            &Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("../../datasets/sample/projections")
                .join(name),
        )
        .unwrap()
    }

    #[test]
    fn the_sample_workbook_gives_four_tables_with_totals() {
        let mut obs = Observations::default();
        let rows = parse(
            &sample("skills_imperative_2035_lancashire_lsip_main.xlsm"),
            "p",
            WorkbookArea::Given("E69000019"),
            &mut obs,
        )
        .unwrap();
        assert_eq!(rows, 6 + 22 + 9 + 26 + 4);
        // Years and the three 2020-2035 quantities; industry groups have only net change.
        assert_eq!(obs.len(), (6 + 9 + 26 + 3) * 8 + 23 * 6);
    }

    #[test]
    fn a_workbook_for_another_area_kind_names_the_sheet_and_cell() {
        let err = parse(
            &sample("skills_imperative_2035_lancashire_lsip_main.xlsm"),
            "p",
            WorkbookArea::Given("E92000001"),
            &mut Observations::default(),
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("sheet `Info`, cell A1"), "{err}");
        assert!(err.contains("found `LSIP`"), "{err}");
    }

    #[test]
    fn cell_references_are_a1_style() {
        assert_eq!(cell_ref(0, 0), "A1");
        assert_eq!(cell_ref(5, 9), "J6");
        assert_eq!(cell_ref(0, 26), "AA1");
    }

    /// Every workbook's `Info` area (A1 kind, B5 name) in dfe-analytical-services/lsip_dashboard
    /// `Data/2-13_skillsImperative2035/` at ace69761dfd4f8b139c9dd5ea6d3e06bdf3f8f6a, as read
    /// from the 43 files (trailing spaces as DfE wrote them).
    const REAL_INFO: [(&str, &str, &str); 43] = [
        (
            "BH_LSIP",
            "LSIP",
            "Brighton and Hove East Sussex West Sussex",
        ),
        ("BU_LSIP", "LSIP", "Buckinghamshire "),
        ("CH_LSIP", "LSIP", "Cheshire and Warrington"),
        ("CI_LSIP", "LSIP", "Cornwall and the Isles of Scilly"),
        ("CP_LSIP", "LSIP", "Cambridgeshire and Peterborough"),
        ("CP_MCA", "MCA", "Cambridge and Peterborough"),
        ("CU_LSIP", "LSIP", "Cumbria"),
        ("DN_LSIP", "LSIP", "Derbyshire and Nottinghamshire"),
        ("DO_LEP", "LEP", "Dorset"),
        ("DO_LSIP", "LSIP", "Dorset"),
        ("EN", "Country", "England"),
        ("ES_LSIP", "LSIP", "Essex Southend-on-Sea and Thurrock"),
        ("GC_LSIP", "LSIP", "Gloucestershire"),
        ("GL_LSIP", "LSIP", "Greater London"),
        ("GM_LSIP", "LSIP", "Greater Manchester"),
        ("GM_MCA", "MCA", "Greater Manchester"),
        ("HE_LSIP", "LSIP", "Hertfordshire"),
        ("HU_LSIP", "LSIP", "Hull and East Yorkshire"),
        ("KM_LSIP", "LSIP", "Kent and Medway"),
        ("LA_LSIP", "LSIP", "Lancashire"),
        ("LV_LSIP", "LSIP", "Liverpool City Region"),
        ("LV_MCA", "MCA", "Liverpool City Region"),
        ("MA_LSIP", "LSIP", "The Marches"),
        ("NE_MCA", "MCA", "North East"),
        ("NO_LEP", "LEP", "North East"),
        ("NS_LSIP", "LSIP", "Norfolk and Suffolk "),
        ("NT_MCA", "MCA", "North of Tyne"),
        ("OX_LSIP", "LSIP", "Oxfordshire"),
        ("SM_LSIP", "LSIP", "South East Midlands"),
        ("SN_LSIP", "LSIP", "Swindon and Wiltshire"),
        ("ST_LSIP", "LSIP", "Stoke-on-Trent and Staffordshire"),
        ("SY_LSIP", "LSIP", "South Yorkshire"),
        ("SY_MCA", "MCA", "South Yorkshire"),
        ("TB_LSIP", "LSIP", "Thames Valley Berkshire"),
        ("TV_LSIP", "LSIP", "Tees Valley"),
        ("TV_MCA", "MCA", "Tees Valley"),
        ("WE_MCA", "MCA", "West of England"),
        ("WM_MCA", "MCA", "West Midlands"),
        ("WO_LSIP", "LSIP", "Worcestershire"),
        ("WS_LSIP", "LSIP", "West of England and North Somerset"),
        ("WY_LSIP", "LSIP", "West Yorkshire"),
        ("WY_MCA", "MCA", "West Yorkshire"),
        ("YY_LSIP", "LSIP", "York and North Yorkshire"),
    ];

    #[test]
    fn every_real_workbook_names_an_area_the_catalogue_resolves_or_skips() {
        let catalogue = crate::Catalogue::bundled().unwrap();
        let source = catalogue.get("skills_imperative_2035_lsip_areas").unwrap();
        let geo = Geography::bundled().unwrap();
        let mut codes = std::collections::BTreeMap::new();
        for (file, kind, name) in REAL_INFO.iter().filter(|(f, _, _)| *f != "EN") {
            // The sheet's text is trimmed when read.
            let name = name.trim();
            let key = format!("{kind}: {name}");
            if source.skip_areas.contains_key(&key) {
                continue;
            }
            let code = resolve_area(geo, kind, name, &source.area_names)
                .unwrap_or_else(|e| panic!("{file}: {e}"));
            assert!(codes.insert(code.clone(), *file).is_none(), "{code} twice");
        }
        assert_eq!(codes.len(), 43 - 1 - source.skip_areas.len());
        assert_eq!(codes["E69000019"], "LA_LSIP");
        assert_eq!(codes["E47000001"], "GM_MCA");
        assert_eq!(codes["E69000001"], "BH_LSIP");
        assert_eq!(codes["E37000009"], "DO_LEP");
        // Every skip names a real workbook.
        for key in source.skip_areas.keys() {
            assert!(
                REAL_INFO
                    .iter()
                    .any(|(_, k, n)| format!("{k}: {}", n.trim()) == *key),
                "{key}"
            );
        }
    }

    #[test]
    fn an_area_that_cannot_be_identified_fails_with_what_was_looked_for() {
        let geo = Geography::bundled().unwrap();
        let none = BTreeMap::new();
        let err = resolve_area(geo, "LSIP", "Gloucestershire", &none).unwrap_err();
        assert!(
            err.contains("no current lsip is named `Gloucestershire`"),
            "{err}"
        );
        assert!(err.contains("E69000011 G First (Gloucestershire)"), "{err}");
        assert!(err.contains("area_names"), "{err}");
        let err = resolve_area(geo, "Ward", "Anywhere", &none).unwrap_err();
        assert!(err.contains("`Ward` is not an area kind"), "{err}");
        let wrong: BTreeMap<String, String> =
            [("LSIP: Somewhere".to_owned(), "E47000001".to_owned())].into();
        let err = resolve_area(geo, "LSIP", "Somewhere", &wrong).unwrap_err();
        assert!(err.contains("a combined_authority not a lsip"), "{err}");
    }

    #[test]
    fn a_workbook_naming_its_area_is_read_under_that_areas_code() {
        let mut obs = Observations::default();
        let none = BTreeMap::new();
        let rows = parse(
            &sample("skills_imperative_2035_lancashire_lsip_main.xlsm"),
            "p",
            WorkbookArea::FromInfo {
                names: &none,
                skip: &none,
            },
            &mut obs,
        )
        .unwrap();
        assert_eq!(rows, 6 + 22 + 9 + 26 + 4);
        let df = obs.into_frame().unwrap();
        let areas: std::collections::BTreeSet<&str> = df
            .column(crate::observations::AREA_CODE)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .flatten()
            .collect();
        assert_eq!(areas, ["E69000019"].into());
        let skip: BTreeMap<String, String> =
            [("LSIP: Lancashire".to_owned(), "test".to_owned())].into();
        let mut obs = Observations::default();
        let rows = parse(
            &sample("skills_imperative_2035_lancashire_lsip_main.xlsm"),
            "p",
            WorkbookArea::FromInfo {
                names: &none,
                skip: &skip,
            },
            &mut obs,
        )
        .unwrap();
        assert_eq!((rows, obs.len()), (0, 0));
    }
}
