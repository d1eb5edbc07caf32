//! Nomis API CSV (`lmi_ingest::nomis`): the input is one or more pages of a Nomis result,
//! separated by form feeds (0x0C), each read as an HTTP body would be (gzip by magic bytes, BOM
//! stripped). Every page is scanned for paging (`scan_page`), then the pages are parsed in order
//! with every distinct Nomis spec of the bundled catalogue (`parse_page` with the state carried
//! across pages, `check_complete`, the spec's derived measures, the observations frame), and the
//! first page is also parsed as the Census TS066 Nomis file (`census_ts066_nomis`, whose parser
//! is `parse_page` with a spec built in code). Ok or Err are both fine; a panic is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lmi_fuzz::debug;
use lmi_ingest::fetch::{FetchSpec, NomisSpec};
use lmi_ingest::nomis;
use lmi_ingest::raw::RawFile;
use lmi_ingest::{Catalogue, Format, Observations, SourceDef};
use std::path::PathBuf;
use std::sync::OnceLock;

/// Pages read from one input at most.
const MAX_PAGES: usize = 4;

struct Targets {
    /// (source id, spec) for each distinct Nomis spec (queries and labels aside).
    specs: Vec<(String, NomisSpec)>,
    /// Sources whose parser reads Nomis API CSV through `parse_source`.
    ts066: Vec<SourceDef>,
}

fn targets() -> &'static Targets {
    static TARGETS: OnceLock<Targets> = OnceLock::new();
    TARGETS.get_or_init(|| {
        let catalogue = Catalogue::bundled().expect("the bundled catalogue parses");
        let mut specs: Vec<(String, NomisSpec)> = Vec::new();
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
                    specs.push((source.id.clone(), spec.clone()));
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
        let scan = nomis::scan_page(raw);
        debug(|| format!("scan_page {}", raw.path.display()), &scan);
    }
    for (source_id, spec) in &t.specs {
        let mut state = nomis::NomisParse::default();
        let mut out = Observations::default();
        let parsed = raws.iter().try_for_each(|raw| {
            nomis::parse_page(raw, source_id, spec, &mut state, &mut out).map(drop)
        });
        debug(|| format!("{source_id} parse_page"), &parsed);
        let complete =
            parsed.and_then(|()| nomis::check_complete(&state, "https://nomis.test/last"));
        debug(|| format!("{source_id} check_complete"), &complete);
        if complete.is_ok() {
            for d in &spec.derive {
                out.derive_product(0, &d.measure, &d.from, &d.times, d.factor);
            }
            let _ = out.into_frame();
        }
    }
    for source in &t.ts066 {
        let mut out = Observations::default();
        let result = lmi_ingest::local::parse_source(source, &raws[0], None, &mut out);
        debug(|| source.id.clone(), &result);
        if result.is_ok() {
            let _ = out.into_frame();
        }
    }
});
