//! Domain types shared by every lmi crate: areas and the geography registry, indicator
//! definitions, value statuses, the shared table schemas and errors. This crate does no IO: the geography tables it
//! reads are compiled in from `datasets/geography/`.

pub mod area;
pub mod boundaries;
pub mod breakdown;
pub mod demand;
pub mod difference;
pub mod flows;
pub mod freshness;
pub mod geography;
pub mod groups;
pub mod indicator;
pub mod postcode;
pub mod projections;
pub mod provenance;
pub mod registry;
pub mod schema;
pub mod secret;
pub mod status;
pub mod value;

pub use area::{Area, AreaType};
pub use breakdown::{
    BreakdownGeographies, COUNT_BREAKDOWNS, Classification, CountBreakdownDef, find_count_breakdown,
};
pub use difference::{Difference, DifferenceTest, Estimate, Verdict};
pub use freshness::{Cycle, Freshness, FreshnessStatus, freshness};
pub use geography::{Geography, GeographyError, LadTtwaOverlap, Membership};
pub use groups::{AreaGroup, AreaGroupsError, RecodedMember};
pub use indicator::{
    Aggregation, BREAKDOWNS, BreakdownDef, BreakdownPart, ConfidenceInterval, FLAG_NOTES,
    INDICATORS, IndicatorDef, STATUS_NOTES, Unit, find_breakdown, find_indicator,
};
pub use provenance::{
    EarlierFile, GitHubFile, RawPart, Resolved, SampleMarker, SourceProvenance, Staleness,
};
pub use registry::{
    AREA_GROUPS_FILES, GEOGRAPHY_FILES, GeographyFiles, LadLookupRow, LookupApplied,
    apply_lad_lookup,
};
pub use secret::Secret;
pub use status::Status;
pub use value::{Derived, IndicatorValue};

/// The current time as RFC 3339 UTC to the second, e.g. `2026-11-23T17:30:00Z`: how
/// provenance, refresh status and packs record times.
pub fn now_rfc3339() -> String {
    let now = time::OffsetDateTime::now_utc();
    now.replace_nanosecond(0)
        .unwrap_or(now)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Licence statement every response and export carries for ONS/DfE-derived data.
pub const OGL_LICENCE: &str = "Open Government Licence v3.0";
pub const OGL_URL: &str =
    "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/";
