//! End-to-end tests: one binary (see polars' `tests/it`), one module per user story.

mod catalogue;
mod demand_real_data;
mod hot_swap;
mod real_data;
mod sample_server;
mod schema;
mod web_page;
