//! lmi-charts' tests, one binary: `render` (every kind well-formed and accessible, gaps and marks,
//! clear errors), `snapshots` (each kind's SVG held still with insta), `examples` (writes the
//! fixture charts for review by eye; ignored by default). `common` holds the fixture charts,
//! shared with the render benchmark.

// Test and benchmark code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod common;
mod examples;
mod map;
mod render;
mod snapshots;
