//! Nomis APS T19 web extract (`lmi_ingest::aps::parse`, qualification by age, `date, area_type,
//! area_name, area_code, cell, number, flag, conf_95_pm`): the input is one raw file (gzip by
//! magic bytes, BOM stripped), parsed as each catalogued `nomis_aps_t19` source. Ok or Err are
//! both fine; a panic is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lmi_fuzz::{parse_as_each, sources_of};
use lmi_ingest::{Format, SourceDef};
use std::sync::OnceLock;

fn sources() -> &'static [SourceDef] {
    static SOURCES: OnceLock<Vec<SourceDef>> = OnceLock::new();
    SOURCES.get_or_init(|| sources_of(&[Format::NomisApsT19]))
}

fuzz_target!(|data: &[u8]| parse_as_each(data, sources(), &[None]));
