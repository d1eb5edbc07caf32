//! lmi-refresh's rules tested through its own functions, in one test binary: `live` (a
//! fetching refresh against the emulated publishers: first run, conditional reruns, new
//! releases, carried and missing sources, `--only`, `--force`), `faults` (what each fault at a
//! publisher does to the snapshot). The `lmi` binary's flags and output are lmi-cli's tests.
//!
//! Slow tables run a fixed sample by default and every case under `LMI_THOROUGH_TESTS=1`
//! (`lmi_testkit::thorough`), which `.ci/run` sets.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod apprenticeship_routes;
mod area_groups;
mod boundaries;
mod faults;
mod geography;
mod live;
mod nomis_routes;
mod population;
mod postcode_routes;
mod provision_routes;
mod support;
