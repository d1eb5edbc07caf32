//! Nomis APS T19 web extract (`lmi_ingest::aps::parse`, qualification by age, `date, area_type,
//! area_name, area_code, cell, number, flag, conf_95_pm`): the input is one raw file (gzip by
//! magic bytes, BOM stripped), parsed as each catalogued `nomis_aps_t19` source. Ok or Err are
//! both fine; a panic is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lmi_ingest::raw::RawFile;
use lmi_ingest::{Catalogue, Format, Observations, SourceDef};
use std::path::Path;
use std::sync::OnceLock;

fn sources() -> &'static [SourceDef] {
    static SOURCES: OnceLock<Vec<SourceDef>> = OnceLock::new();
    SOURCES.get_or_init(|| {
        let catalogue = Catalogue::bundled().expect("the bundled catalogue parses");
        let sources: Vec<SourceDef> = catalogue
            .sources
            .into_iter()
            .filter(|s| s.format == Format::NomisApsT19)
            .collect();
        assert!(!sources.is_empty(), "the catalogue has an APS T19 source");
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
        let mut out = Observations::default();
        let result = lmi_ingest::local::parse_source(source, &raw, None, &mut out);
        debug(|| source.id.clone(), &result);
        if result.is_ok() {
            let _ = out.into_frame();
        }
    }
});
