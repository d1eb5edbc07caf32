//! ONS Explore Local Statistics CSV (`lmi_ingest::els::parse`, `areacd, areanm, geography,
//! indicator, period, observation, measure, unit, lci_95, uci_95, status, notes`): the input is
//! one raw file (gzip by magic bytes, BOM stripped), parsed as every catalogued `ons_els` source
//! (each with its own indicator and measure id). Ok or Err are both fine; a panic is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lmi_fuzz::{parse_as_each, sources_of};
use lmi_ingest::{Format, SourceDef};
use std::sync::OnceLock;

fn sources() -> &'static [SourceDef] {
    static SOURCES: OnceLock<Vec<SourceDef>> = OnceLock::new();
    SOURCES.get_or_init(|| sources_of(&[Format::OnsEls]))
}

fuzz_target!(|data: &[u8]| parse_as_each(data, sources(), &[None]));
