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
use lmi_core::Status;
use lmi_core::projections::{
    CHANGE_PERIOD, ProjectionClassification as C, ProjectionMeasure, ProjectionQuantity as Q,
    TOTAL_ITEM, projection_measure,
};

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

/// The area the workbook is for, from its `Info` sheet, checked against `area_code`.
fn area_name(
    raw: &RawFile,
    book: &mut Xlsx<std::io::Cursor<Vec<u8>>>,
    area_code: &str,
) -> Result<String> {
    let info = sheet(raw, book, "Info")?;
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
    info.expect(4, 1, |s| !s.is_empty(), "the area's name")
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
    area_code: &str,
    out: &mut Observations,
) -> Result<usize> {
    let mut book = open(raw)?;
    let area = area_name(raw, &mut book, area_code)?;
    let mut rows = 0;
    for spec in &TABLES {
        rows += read_table(raw, &mut book, spec, &area, source_id, area_code, out)?;
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
            "E69000019",
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
            "E92000001",
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
}
