//! Boundaries (maps, issue 26): how an area's outline travels from a boundary file to the
//! snapshot's `boundaries` table (`crate::schema::boundaries`).
//!
//! A boundary source's parser writes one observation per feature: `area_code` the feature's GSS
//! code, `period` the boundary set's vintage, `measure` [`BOUNDARY_MEASURE`], no value, and in
//! `flags` the feature's simplified geometry as GeoJSON geometry text in WGS84 longitude and
//! latitude (already transformed from the file's CRS). Going through the observations gives a
//! boundary source everything a source has (raw cache, provenance, carry-over of the last good
//! copy when a fetch fails); the pipeline then moves the rows into their own table, keeping the
//! areas the registry knows.

/// The measure of a boundary row in the observations.
pub const BOUNDARY_MEASURE: &str = "boundary_geometry";

/// Attribution of ONS Open Geography boundaries (OGL v3 and OS copyright; the year is the
/// boundary set's).
pub fn ons_boundary_attribution(year: &str) -> String {
    format!(
        "Source: Office for National Statistics licensed under the Open Government Licence v3.0. \
         Contains OS data © Crown copyright and database right {year}"
    )
}
