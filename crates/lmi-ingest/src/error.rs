//! Ingestion errors. Every error names the file and, where there is one, the line and column,
//! what was expected and what was found.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{file}: the file is empty (expected a CSV header and data rows)")]
    Empty { file: PathBuf },
    #[error("{file}: line {line}: malformed CSV: {message}")]
    Csv {
        file: PathBuf,
        line: u64,
        message: String,
    },
    #[error(
        "{file}: column `{column}` is missing; expected {expected}; found columns: {found}{hint}"
    )]
    MissingColumn {
        file: PathBuf,
        column: String,
        expected: String,
        found: String,
        /// Suggests which unknown column may be the renamed one.
        hint: String,
    },
    #[error("{file}: line {line}, column `{column}`: expected {expected}, found `{found}`")]
    BadValue {
        file: PathBuf,
        line: u64,
        column: String,
        expected: String,
        found: String,
    },
    #[error("{file}: line {line}: duplicate row for {key} (first seen on line {first_line})")]
    DuplicateKey {
        file: PathBuf,
        line: u64,
        key: String,
        first_line: u64,
    },
    #[error(
        "{file}: the header matches no known layout; expected {expected}; found columns: {found}"
    )]
    UnknownLayout {
        file: PathBuf,
        /// The columns each accepted layout needs, one phrase per layout.
        expected: String,
        found: String,
    },
    #[error("{file}: cannot tell what `time_period` counts: {reason}")]
    PeriodBasis { file: PathBuf, reason: String },
    #[error("{file}: sheet `{sheet}`, cell {cell}: expected {expected}, found `{found}`")]
    Workbook {
        file: PathBuf,
        sheet: String,
        /// A1-style reference, or a range of rows searched.
        cell: String,
        expected: String,
        found: String,
    },
    #[error("{file}: feature {feature}: expected {expected}, found {found}")]
    Boundary {
        file: PathBuf,
        /// The feature's position and, where it has one, its code.
        feature: String,
        expected: String,
        found: String,
    },
    #[error("{file}: no usable rows: {reason}")]
    NoRows { file: PathBuf, reason: String },
    #[error("source `{source_id}`: no file found in {dir}; looked for {tried}")]
    NotFound {
        source_id: String,
        dir: PathBuf,
        tried: String,
    },
    #[error("source catalogue: {0}")]
    Catalogue(String),
    #[error("building the observations table: {0}")]
    Polars(#[from] polars::error::PolarsError),
}

pub type Result<T, E = IngestError> = std::result::Result<T, E>;
