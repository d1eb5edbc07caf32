//! Ingestion: the source catalogue, reading raw files (plain or gzip) with provenance, and the
//! source-specific parsers that turn them into one long observations table. Bytes in,
//! observations out: fetching them over HTTP and the raw cache are lmi-fetch's; this crate does
//! no network IO.
//!
//! The observations table (see [`Observations`]) is the only thing later stages see: one row per
//! (source, area, period, measure) with a value and a status. This crate knows nothing about
//! indicators or serving.
//!
//! Entry points: [`Catalogue`] (with each source's [`FetchSpec`]), [`load_from_dir`] (every
//! source from a directory of files), [`parse_fetched`] (one source's fetched bodies) and
//! [`parse_source`] (one file).

mod apprenticeship_flows;
mod apprenticeships;
mod aps;
mod aps_breakdowns;
mod boundaries;
mod catalogue;
mod census;
mod dfe;
mod els;
mod error;
mod fe;
mod fe_ssa;
mod fetch_spec;
mod fetched;
mod job_adverts;
mod job_adverts_textkernel;
mod lad_lookup;
mod local;
mod nomis;
mod observations;
mod postcode_directory;
mod raw;
mod required_columns;
mod skills_imperative;
mod ukbc;
mod upper_tier_tables;

pub use catalogue::{BUNDLED_CATALOGUE, BoundaryLayer, Catalogue, Format, SourceDef};
pub use error::IngestError;
pub use fetch_spec::{
    ArcgisSpec, CellSelect, DataSetMatch, Derive, EesSpec, ElsSpec, FetchSpec, GitHubSpec,
    HttpSpec, NomisSpec, OnsDatasetSpec, PeriodFormat, TitlePattern,
};
pub use fetched::parse_fetched;
pub use lad_lookup::{LAD_LOOKUP_MEASURE, lookup_rows, without_lookup};
pub use local::{LoadedSources, fingerprint_dir, fingerprint_loaded, load_from_dir, parse_source};
pub use nomis::{PageScan, nomis_page_query, scan_nomis_page};
pub use observations::{Observations, concat_frames, empty_frame, filter_sources};
pub use postcode_directory::{
    POSTCODE_MEASURE, postcode_table, scan_arcgis_page, without_postcodes,
};
pub use raw::RawFile;
