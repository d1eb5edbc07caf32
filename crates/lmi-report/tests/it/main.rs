//! lmi-report's behaviour, tested through its own functions on a small snapshot built in memory
//! (`fixture`): what each query answers, with no HTTP. lmi-api's tests keep what HTTP adds
//! (status codes, problem+json, negotiation, headers, limits).

// Test code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

mod areas;
mod demand;
mod fixture;
mod maps;
mod postcodes;
mod profiles;
mod provenance;
mod sectors;
mod series;
mod similar;
mod tables;
