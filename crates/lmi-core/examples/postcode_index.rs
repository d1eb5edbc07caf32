//! Measures the postcode directory index (`lmi_core::postcode::PostcodeDirectory`) against a
//! baseline `HashMap<String, Row of Strings>` on one NSPL-layout CSV: build time, the heap it
//! holds once built, the resident memory the build added, and lookups per second. Run by `scripts/bench/postcodes.py`, one process per index so
//! each one's resident memory is its own:
//!
//! ```sh
//! postcode_index compact|hashmap FILE.csv LOOKUPS
//! ```
//!
//! Prints one JSON line. Lookups: postcodes of the file (every 7th) mixed with as many misses,
//! typed with odd spacing and case, so parsing is measured as a request pays it.

use lmi_core::postcode::{Postcode, PostcodeDirectoryBuilder};
use std::collections::HashMap;
use std::hint::black_box;
use std::time::Instant;

/// Live heap bytes, counted at every allocation (the `cap` crate's allocator): what an index
/// holds once built, temporaries freed, which resident memory alone cannot say when the allocator
/// reuses pages that reading the CSV and making the queries freed.
#[global_allocator]
static ALLOCATOR: cap::Cap<std::alloc::System> = cap::Cap::new(std::alloc::System, usize::MAX);

fn rss_bytes() -> u64 {
    // Linux: resident pages are the second field of /proc/self/statm.
    let statm = std::fs::read_to_string("/proc/self/statm").unwrap_or_default();
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .unwrap_or(0);
    pages * 4096
}

struct Rows {
    header: Vec<String>,
    records: Vec<csv::StringRecord>,
}

fn read(path: &str) -> Rows {
    let mut reader = csv::Reader::from_path(path).expect("the CSV");
    let header = reader
        .headers()
        .expect("a header")
        .iter()
        .map(str::to_owned)
        .collect();
    let records = reader.records().map(|r| r.expect("a row")).collect();
    Rows { header, records }
}

/// The baseline a first attempt would write: the published row's codes as strings, keyed by
/// the normalised postcode.
#[allow(dead_code)]
struct StringRow {
    lad: String,
    lsoa: String,
    ttwa: String,
    county: String,
    region: String,
    doterm: String,
}

fn normalised(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, path, lookups) = match args.as_slice() {
        [_, mode, path, lookups] => (
            mode.as_str(),
            path.as_str(),
            lookups.parse::<usize>().expect("LOOKUPS"),
        ),
        _ => {
            eprintln!("usage: postcode_index compact|hashmap FILE.csv LOOKUPS");
            std::process::exit(2);
        }
    };
    let rows = read(path);
    let at = |name: &str| rows.header.iter().position(|h| h == name).expect(name);
    let [pcds, doterm, laua, lsoa, ttwa, cty, rgn] =
        ["pcds", "doterm", "laua", "lsoa21", "ttwa", "cty", "rgn"].map(at);
    // The queries, made before measuring: hits with odd spacing and case, and misses.
    let queries: Vec<String> = rows
        .records
        .iter()
        .step_by(7)
        .flat_map(|r| {
            let p = &r[pcds];
            [
                p.to_lowercase().replace(" ", "  "),
                format!("{}9ZZ", &p[..p.len() - 3]),
            ]
        })
        .cycle()
        .take(lookups)
        .collect();
    let before = rss_bytes();
    let live_before = ALLOCATOR.allocated();
    let start = Instant::now();
    let (found, built, lookup_secs, live_after) = match mode {
        "compact" => {
            let mut b = PostcodeDirectoryBuilder::with_capacity(rows.records.len());
            for r in &rows.records {
                b.push(
                    &r[pcds],
                    &r[laua],
                    Some(&r[lsoa]),
                    Some(&r[ttwa]),
                    Some(&r[cty]),
                    Some(&r[rgn]),
                    Some(&r[doterm]),
                )
                .expect("a row");
            }
            let d = b.finish().expect("the directory");
            let built = start.elapsed().as_secs_f64();
            let live = ALLOCATOR.allocated();
            let t = Instant::now();
            let mut found = 0usize;
            for q in &queries {
                if let Ok(p) = Postcode::parse(q)
                    && let Some(r) = d.get(p)
                {
                    found += usize::from(!black_box(r.lad_code).is_empty());
                }
            }
            (found, built, t.elapsed().as_secs_f64(), live)
        }
        "hashmap" => {
            let mut m: HashMap<String, StringRow> = HashMap::with_capacity(rows.records.len());
            for r in &rows.records {
                m.insert(
                    normalised(&r[pcds]),
                    StringRow {
                        lad: r[laua].to_owned(),
                        lsoa: r[lsoa].to_owned(),
                        ttwa: r[ttwa].to_owned(),
                        county: r[cty].to_owned(),
                        region: r[rgn].to_owned(),
                        doterm: r[doterm].to_owned(),
                    },
                );
            }
            let built = start.elapsed().as_secs_f64();
            let live = ALLOCATOR.allocated();
            let t = Instant::now();
            let mut found = 0usize;
            for q in &queries {
                if let Some(r) = m.get(&normalised(q)) {
                    found += usize::from(!black_box(&r.lad).is_empty());
                }
            }
            (found, built, t.elapsed().as_secs_f64(), live)
        }
        other => {
            eprintln!("unknown mode `{other}`: compact or hashmap");
            std::process::exit(2);
        }
    };
    let after = rss_bytes();
    println!(
        "{{\"mode\":\"{mode}\",\"rows\":{},\"build_seconds\":{built:.4},\"rss_added_bytes\":{},\"heap_added_bytes\":{},\"lookups\":{},\"found\":{found},\"lookups_per_second\":{:.0}}}",
        rows.records.len(),
        after.saturating_sub(before),
        live_after.saturating_sub(live_before),
        queries.len(),
        queries.len() as f64 / lookup_secs.max(1e-9)
    );
}
