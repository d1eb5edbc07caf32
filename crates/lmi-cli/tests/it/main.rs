//! The `lmi` binary as its users run it, in one test binary (one link of polars, not six):
//! `cli` (exit codes, messages, a failed refresh never touching the published snapshot), `crash`
//! (refreshes killed at random moments), `replicas` (snapshots on an object store, two serving
//! replicas), `pack` (data packs and their PDFs), `settings` (file, environment, flags).
//!
//! Slow tests run a quick version by default and their thorough one under
//! `LMI_THOROUGH_TESTS=1` (`lmi_testkit::thorough`), which `.ci/run` sets.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod cli;
mod crash;
mod live;
mod pack;
mod replicas;
mod settings;
mod support;
