//! What the fuzz targets share: the `LMI_FUZZ_DEBUG` switch, the bundled catalogue's sources of
//! some formats, and one input read as a raw file and parsed as each of them.

use lmi_ingest::{Catalogue, Format, Observations, RawFile, SourceDef};
use std::path::Path;
use std::sync::OnceLock;

/// `LMI_FUZZ_DEBUG=1` prints what each parse answered (to check that seeds parse, e.g. with
/// `cargo +nightly fuzz run <target> corpus/<target>/seed-* -- -runs=0`).
pub fn debug(what: impl FnOnce() -> String, result: &dyn std::fmt::Debug) {
    static ON: OnceLock<bool> = OnceLock::new();
    if *ON.get_or_init(|| std::env::var_os("LMI_FUZZ_DEBUG").is_some()) {
        eprintln!("{}: {result:?}", what());
    }
}

/// The bundled catalogue's sources of these formats; there must be at least one.
pub fn sources_of(formats: &[Format]) -> Vec<SourceDef> {
    let catalogue = Catalogue::bundled().expect("the bundled catalogue parses");
    let sources: Vec<SourceDef> = catalogue
        .sources
        .into_iter()
        .filter(|s| formats.contains(&s.format))
        .collect();
    assert!(
        !sources.is_empty(),
        "the catalogue has sources of format(s) {formats:?}"
    );
    sources
}

/// `data` as one raw file (gzip by magic bytes, BOM stripped), parsed as each source with each
/// release (`lmi_ingest::parse_source`), and every table that parsed turned into a frame.
/// Ok or Err are both fine; a panic is a crash.
pub fn parse_as_each(data: &[u8], sources: &[SourceDef], releases: &[Option<&str>]) {
    let Ok(raw) = RawFile::from_bytes(Path::new("fuzz.csv"), data.to_vec()) else {
        return;
    };
    for source in sources {
        for &release in releases {
            let mut out = Observations::default();
            let result = lmi_ingest::parse_source(source, &raw, release, &mut out);
            debug(|| format!("{} release {release:?}", source.id), &result);
            if result.is_ok() {
                let _ = out.into_frame();
            }
        }
    }
}
