//! Why a report could not be made. The HTTP layer maps each kind to a status; the CLI prints it.

/// Why a query, chart, dashboard or pack could not be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// An unknown area code.
    #[error(
        "unknown area code `{0}`: expected the current GSS code of an English LAD, TTWA, county, \
         LEP, LSIP area, combined authority, region or England (search with /v1/areas?q=)"
    )]
    UnknownArea(String),
    /// An unknown indicator id.
    #[error("unknown indicator `{id}`: expected one of {known} (see /v1/indicators)")]
    UnknownIndicator { id: String, known: String },
    /// Something else named is not there (breakdown, dashboard, period), or there is nothing to
    /// show for the area.
    #[error("{0}")]
    NotFound(String),
    /// The request is well formed but does not fit (e.g. a district where an area containing
    /// districts is needed).
    #[error("{0}")]
    Invalid(String),
    /// Writing the output failed (CSV, XLSX).
    #[error("writing {format}: {message}")]
    Output {
        format: &'static str,
        message: String,
    },
}
