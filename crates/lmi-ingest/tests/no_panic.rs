//! No input makes a parser panic: every catalogued format is fed its sample file with random
//! damage (cells replaced by hostile text, lines dropped, duplicated or cut, columns swapped,
//! bytes inserted) and must answer `Ok` or an error, never panic. A bounded property test that
//! runs in every `cargo test`.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use lmi_ingest::{Catalogue, Observations, RawFile, SourceDef};
use proptest::prelude::*;
use std::path::Path;

/// Text that has broken parsers before: symbols, huge and odd numbers, other scripts, quotes,
/// control characters, codes one character off.
const HOSTILE: &[&str] = &[
    "",
    "c",
    "z",
    "x",
    ":",
    "~",
    "!",
    "*",
    "-",
    "..",
    "NaN",
    "inf",
    "-1e309",
    "1e309",
    "18446744073709551616",
    "-0",
    "0x1F",
    "１２３",
    "E0700011７",
    "E07000117E07000117",
    "2019/2",
    "201920",
    "2019/20/21",
    "\"",
    "\"\"\"",
    ",,,,",
    "\u{0}",
    "\u{feff}",
    "é",
    "🙂",
    "DROP TABLE values;--",
    "../../etc/passwd",
];

#[derive(Debug, Clone)]
enum Damage {
    /// Replace a cell of a line with hostile text.
    Cell {
        line: usize,
        col: usize,
        text: usize,
    },
    DropLine(usize),
    DuplicateLine(usize),
    /// Cut the file at this fraction of its length (per mille).
    Truncate(u16),
    /// Swap two header columns.
    SwapColumns(usize, usize),
    /// Insert raw bytes at this fraction of the length (per mille).
    Bytes(u16, Vec<u8>),
}

fn damage() -> impl Strategy<Value = Damage> {
    prop_oneof![
        4 => (any::<usize>(), any::<usize>(), 0..HOSTILE.len())
            .prop_map(|(line, col, text)| Damage::Cell { line, col, text }),
        1 => any::<usize>().prop_map(Damage::DropLine),
        1 => any::<usize>().prop_map(Damage::DuplicateLine),
        1 => (0u16..1000).prop_map(Damage::Truncate),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Damage::SwapColumns(a, b)),
        1 => (0u16..1000, proptest::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(at, b)| Damage::Bytes(at, b)),
    ]
}

/// Each catalogued source with the head of its sample file (header + 40 rows), decompressed.
fn inputs() -> &'static [(SourceDef, Vec<u8>)] {
    static INPUTS: std::sync::OnceLock<Vec<(SourceDef, Vec<u8>)>> = std::sync::OnceLock::new();
    INPUTS.get_or_init(|| {
        let catalogue = Catalogue::bundled().unwrap();
        let mut out = Vec::new();
        for source in &catalogue.sources {
            let Some(path) = source
                .local_paths
                .iter()
                .map(|p| lmi_testkit::sample_dir().join(p))
                .find(|p| p.is_file())
            else {
                continue;
            };
            let raw = RawFile::read(&path).unwrap();
            let head: Vec<&[u8]> = raw.content.split(|b| *b == b'\n').take(41).collect();
            out.push((source.clone(), head.join(&b'\n')));
        }
        assert!(
            out.len() >= 6,
            "sample files found for {} sources",
            out.len()
        );
        out
    })
}

fn apply(content: &[u8], damages: &[Damage]) -> Vec<u8> {
    let text = String::from_utf8_lossy(content).into_owned();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    let mut bytes_at: Vec<(u16, Vec<u8>)> = Vec::new();
    let mut cut = None;
    for d in damages {
        if lines.is_empty() {
            break;
        }
        let n = lines.len();
        match d {
            Damage::Cell { line, col, text } => {
                let l = &mut lines[line % n];
                let mut cells: Vec<String> = l.split(',').map(str::to_owned).collect();
                let c = col % cells.len();
                cells[c] = HOSTILE[*text].to_owned();
                *l = cells.join(",");
            }
            Damage::DropLine(i) => {
                lines.remove(i % n);
            }
            Damage::DuplicateLine(i) => {
                let l = lines[i % n].clone();
                lines.insert(i % n, l);
            }
            Damage::Truncate(at) => cut = Some(*at),
            Damage::SwapColumns(a, b) => {
                let mut cells: Vec<String> = lines[0].split(',').map(str::to_owned).collect();
                let k = cells.len();
                cells.swap(a % k, b % k);
                lines[0] = cells.join(",");
            }
            Damage::Bytes(at, b) => bytes_at.push((*at, b.clone())),
        }
    }
    let mut out = lines.join("\n").into_bytes();
    for (at, b) in bytes_at {
        let i = out.len() * usize::from(at) / 1000;
        out.splice(i..i, b);
    }
    if let Some(at) = cut {
        out.truncate(out.len() * usize::from(at) / 1000);
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 384, ..ProptestConfig::default() })]

    #[test]
    fn no_damaged_file_makes_a_parser_panic(
        which in any::<prop::sample::Index>(),
        damages in proptest::collection::vec(damage(), 0..6),
        release in prop_oneof![Just(None), Just(Some("2023-24")), Just(Some("1999-00"))],
    ) {
        let (source, content) = which.get(inputs());
        let bytes = apply(content, &damages);
        // Named `.csv`, so the bytes are taken as they are (no gzip by name).
        if let Ok(raw) = RawFile::from_bytes(Path::new("damaged.csv"), bytes) {
            let mut out = Observations::default();
            // Ok or a clear error; a panic fails the test.
            let _ = lmi_ingest::parse_source(source, &raw, release, &mut out);
        }
    }
}
