//! Table-shaped bodies as CSV and XLSX: the same rows as the JSON, with the attribution block.

use crate::fixture::{geo, json, snapshot};
use calamine::Reader;
use lmi_core::AreaType;
use lmi_report::{ServedSnapshot, Table, ToTable, queries};

const KS4: &str = "ks4_apprenticeship_rate";

/// The tables of the five table-shaped answers of the test snapshot.
fn tables(snap: &ServedSnapshot) -> Vec<(&'static str, Table)> {
    let geo = geo();
    vec![
        (
            "areas",
            queries::areas(snap, geo, "burn", None, 100).to_table(snap),
        ),
        (
            "profile",
            queries::profile(snap, geo, "E07000117")
                .unwrap()
                .to_table(snap),
        ),
        (
            "series",
            queries::area_series(snap, geo, "E07000117", KS4, None, None)
                .unwrap()
                .to_table(snap),
        ),
        (
            "compare",
            queries::compare(snap, geo, &["E07000117", "E07000122"], KS4, None, None)
                .unwrap()
                .to_table(snap),
        ),
        (
            "rankings",
            queries::ranking(snap, geo, KS4, AreaType::Lad, None)
                .unwrap()
                .to_table(snap),
        ),
    ]
}

fn data_rows(csv_text: &str) -> usize {
    csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(csv_text.as_bytes())
        .records()
        .count()
}

#[test]
fn tables_export_as_csv_and_xlsx_with_attribution() {
    let snap = snapshot(true);
    for (name, table) in tables(&snap) {
        let text = String::from_utf8(table.to_csv().unwrap()).unwrap();
        assert!(
            text.contains("# Licence: Open Government Licence v3.0"),
            "{text}"
        );
        assert!(text.contains("# Notice: SYNTHETIC SAMPLE DATA"), "{text}");
        let data: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
        assert!(data.len() >= 2, "{name}: {text}");

        let bytes = table.to_xlsx().unwrap();
        let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(book.sheet_names(), ["data", "about"]);
        let data = book.worksheet_range("data").unwrap();
        assert_eq!(data.height(), data_rows(&text) + 1, "{name}");
        let about = book.worksheet_range("about").unwrap();
        assert!(about.rows().any(|r| r[0] == "Licence"));
    }
}

#[test]
fn csv_numbers_are_the_json_numbers() {
    let snap = snapshot(false);
    let body = queries::area_series(&snap, geo(), "E07000117", KS4, None, None).unwrap();
    let text = String::from_utf8(body.to_table(&snap).to_csv().unwrap()).unwrap();
    let mut reader = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let burnley_latest = rows
        .iter()
        .find(|r| &r[0] == "area" && &r[4] == "2022/23")
        .unwrap();
    assert_eq!(&burnley_latest[5], "5");
    assert_eq!(&burnley_latest[8], "ok");
    let json = json(&body);
    assert_eq!(json["series"][1]["period"], "2022/23");
    assert_eq!(json["series"][1]["value"], 5.0);
}

#[test]
fn a_huge_query_still_exports_within_excels_cell_limit() {
    // Excel cells hold at most 32,767 characters; the title quotes the query.
    let snap = snapshot(false);
    let long = "a".repeat(40_000);
    let table = queries::areas(&snap, geo(), &long, None, 100).to_table(&snap);
    assert!(table.to_xlsx().is_ok());
}
