//! DfE Explore Education Statistics destination CSVs (`lmi_ingest::dfe::parse`, wide and long
//! layouts): the input is one raw file (gzip by magic bytes, BOM stripped), parsed as each
//! catalogued DfE destination source (KS4 and 16-18) with no release (a hand-downloaded file)
//! and with several EES release slugs, so both period bases and the release checks are reached.
//! Ok or Err are both fine; a panic is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lmi_ingest::raw::RawFile;
use lmi_ingest::{Catalogue, Format, Observations, SourceDef};
use std::path::Path;
use std::sync::OnceLock;

/// No release; the first and last periods of the seeds (2018-19, 2022-23) as the release, and
/// one year on (cohort years); a release no file can match.
const RELEASES: [Option<&str>; 6] = [
    None,
    Some("2018-19"),
    Some("2022-23"),
    Some("2023-24"),
    Some("2019-20"),
    Some("1999-00"),
];

fn sources() -> &'static [SourceDef] {
    static SOURCES: OnceLock<Vec<SourceDef>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let catalogue = Catalogue::bundled().expect("the bundled catalogue parses");
        let sources: Vec<SourceDef> = catalogue
            .sources
            .into_iter()
            .filter(|s| {
                matches!(
                    s.format,
                    Format::DfeKs4Destinations | Format::Dfe1618Destinations
                )
            })
            .collect();
        assert!(
            !sources.is_empty(),
            "the catalogue has DfE destination sources"
        );
        sources
    })
}

/// `LMI_FUZZ_DEBUG=1` prints what each parse answered (to check that seeds parse, e.g. with
/// `cargo +nightly fuzz run <target> corpus/<target>/seed-* -- -runs=0`).
fn debug(what: impl FnOnce() -> String, result: &dyn std::fmt::Debug) {
    static ON: OnceLock<bool> = OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("LMI_FUZZ_DEBUG").is_some()) {
        eprintln!("{}: {result:?}", what());
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(raw) = RawFile::from_bytes(Path::new("fuzz.csv"), data.to_vec()) else {
        return;
    };
    for source in sources() {
        for release in RELEASES {
            let mut out = Observations::default();
            let result = lmi_ingest::local::parse_source(source, &raw, release, &mut out);
            debug(|| format!("{} release {release:?}", source.id), &result);
            if result.is_ok() {
                let _ = out.into_frame();
            }
        }
    }
});
