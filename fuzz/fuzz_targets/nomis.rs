//! Nomis API CSV: the input is one or more pages of a Nomis result, separated by form feeds
//! (0x0C), each read as an HTTP body would be (gzip by magic bytes, BOM stripped). Every page is
//! scanned for paging (`scan_nomis_page`), then the pages are parsed in order as the fetched
//! bodies of a source with every distinct Nomis spec of the bundled catalogue (`parse_fetched`:
//! the pages of one query with the state carried across them, the completeness check, the
//! spec's derived measures), then the observations frame; and the first page is also parsed as
//! the Census TS066 Nomis file (`census_ts066_nomis`, whose parser reads Nomis pages with a spec
//! built in code). Ok or Err are both fine; a panic is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lmi_fuzz::debug;
use lmi_ingest::{Catalogue, FetchSpec, Format, NomisSpec, Observations, RawFile, SourceDef};
use std::path::PathBuf;
use std::sync::OnceLock;

/// Pages read from one input at most.
const MAX_PAGES: usize = 4;

struct Targets {
    /// A source for each distinct Nomis spec (queries and labels aside).
    specs: Vec<SourceDef>,
    /// Sources whose parser reads Nomis API CSV through `parse_source`.
    ts066: Vec<SourceDef>,
}

fn targets() -> &'static Targets {
    static TARGETS: OnceLock<Targets> = OnceLock::new();
    TARGETS.get_or_init(|| {
        let catalogue = Catalogue::bundled().expect("the bundled catalogue parses");
        let mut specs: Vec<SourceDef> = Vec::new();
        let mut seen: Vec<NomisSpec> = Vec::new();
        for source in &catalogue.sources {
            if let Some(FetchSpec::Nomis(spec)) = &source.fetch {
                // What the parser reads; the dataset, label and queries only decide the URLs.
                let mut key = spec.clone();
                key.dataset.clear();
                key.release_label.clear();
                key.queries.clear();
                if !seen.contains(&key) {
                    seen.push(key);
                    specs.push(source.clone());
                }
            }
        }
        assert!(!specs.is_empty(), "the catalogue has Nomis sources");
        let ts066 = catalogue
            .sources
            .iter()
            .filter(|s| s.format == Format::CensusTs066Nomis)
            .cloned()
            .collect();
        Targets { specs, ts066 }
    })
}

fuzz_target!(|data: &[u8]| {
    let t = targets();
    // Pages as `live` reads them: named by their URL, one RawFile each; an empty page ends them.
    let raws: Vec<RawFile> = data
        .split(|b| *b == 0x0C)
        .take(MAX_PAGES)
        .enumerate()
        .map_while(|(i, page)| {
            let url = PathBuf::from(format!(
                "https://nomis.test/api/v01/dataset/NM_1_1.data.csv?geography=TYPE154&RecordOffset={}",
                i * 25_000
            ));
            RawFile::from_bytes(&url, page.to_vec()).ok()
        })
        .collect();
    if raws.is_empty() {
        return;
    }
    for raw in &raws {
        let scan = lmi_ingest::scan_nomis_page(raw);
        debug(|| format!("scan_nomis_page {}", raw.path.display()), &scan);
    }
    let bodies: Vec<(String, Vec<u8>)> = raws
        .iter()
        .map(|raw| (raw.path.display().to_string(), raw.content.clone()))
        .collect();
    for source in &t.specs {
        let spec = source.fetch.as_ref().expect("a Nomis source");
        let mut out = Observations::default();
        let parsed = lmi_ingest::parse_fetched(source, spec, None, &bodies, &mut out);
        debug(|| format!("{} parse_fetched", source.id), &parsed);
        if parsed.is_ok() {
            let _ = out.into_frame();
        }
    }
    for source in &t.ts066 {
        let mut out = Observations::default();
        let result = lmi_ingest::parse_source(source, &raws[0], None, &mut out);
        debug(|| source.id.clone(), &result);
        if result.is_ok() {
            let _ = out.into_frame();
        }
    }
});
