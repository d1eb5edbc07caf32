//! End-to-end tests: one binary (see polars' `tests/it`), one module per user story.

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod area_groups;
mod catalogue;
mod compare_real_data;
mod demand_real_data;
mod hostile;
mod hot_swap;
mod productivity_real_data;
mod provision_real_data;
mod real_data;
mod sample_server;
mod schema;
mod similar_areas;
mod web_page;
