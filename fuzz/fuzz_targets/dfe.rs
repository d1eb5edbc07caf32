//! DfE Explore Education Statistics destination CSVs (`lmi_ingest::dfe::parse`, wide and long
//! layouts): the input is one raw file (gzip by magic bytes, BOM stripped), parsed as each
//! catalogued DfE destination source (KS4 and 16-18) with no release (a hand-downloaded file)
//! and with several EES release slugs, so both period bases and the release checks are reached.
//! Ok or Err are both fine; a panic is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lmi_fuzz::{parse_as_each, sources_of};
use lmi_ingest::{Format, SourceDef};
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
    SOURCES.get_or_init(|| sources_of(&[Format::DfeKs4Destinations, Format::Dfe1618Destinations]))
}

fuzz_target!(|data: &[u8]| parse_as_each(data, sources(), &RELEASES));
