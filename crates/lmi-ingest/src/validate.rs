//! Checks run on fetched data before anything is published: the expected schema, the size of a
//! release against the previous one, and area codes nobody knows. Each failure names the source,
//! the file or URL, what was expected and what was found.

use crate::error::Result;
use crate::raw::{Header, RawFile};

/// Refuses a file whose header lacks a column the catalogue requires.
pub fn required_columns(raw: &RawFile, required: &[String], expected: &str) -> Result<()> {
    if required.is_empty() {
        return Ok(());
    }
    let mut reader = raw.csv();
    let header = Header::read(raw, &mut reader, expected)?;
    let known: Vec<&str> = required.iter().map(String::as_str).collect();
    for c in required {
        header.require(c, &known)?;
    }
    Ok(())
}

/// A validation failure that is not a parse error.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValidationError {
    #[error(
        "source `{source_id}` ({url}): {found} observations, fewer than half of the {previous} in the published snapshot; refusing to publish (rerun with --force if the publisher really shrank the release)"
    )]
    RowDrop {
        source_id: String,
        url: String,
        previous: usize,
        found: usize,
    },
    #[error(
        "source `{source_id}` ({url}): {} English area code(s) match no current or retired local authority district: {}; expected codes from the geography tables (datasets/geography), found these",
        codes.len(),
        codes.join(", ")
    )]
    UnknownAreaCodes {
        source_id: String,
        url: String,
        codes: Vec<String>,
    },
}

/// A drop of more than half against the previous snapshot is refused unless forced.
pub fn row_count(
    source_id: &str,
    url: &str,
    previous: Option<usize>,
    found: usize,
    force: bool,
) -> Result<(), ValidationError> {
    match previous {
        Some(previous) if !force && found.saturating_mul(2) < previous => {
            Err(ValidationError::RowDrop {
                source_id: source_id.to_owned(),
                url: url.to_owned(),
                previous,
                found,
            })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn a_drop_of_more_than_half_is_refused_unless_forced() {
        assert!(row_count("s", "u", Some(100), 50, false).is_ok());
        let err = row_count("s", "http://x/f.csv", Some(100), 49, false).unwrap_err();
        assert!(
            err.to_string().contains(
                "source `s` (http://x/f.csv): 49 observations, fewer than half of the 100"
            )
        );
        assert!(row_count("s", "u", Some(100), 49, true).is_ok());
        assert!(row_count("s", "u", None, 1, false).is_ok());
    }

    #[test]
    fn a_required_column_that_was_renamed_is_named() {
        let raw = RawFile::from_bytes(
            Path::new("http://ees/f.csv"),
            b"lad,apprenticeships\n1,2\n".to_vec(),
        )
        .unwrap();
        let err = required_columns(&raw, &["lad".into(), "appren".into()], "the KS4 layout")
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("http://ees/f.csv: column `appren` is missing"),
            "{err}"
        );
        assert!(err.contains("unrecognised: apprenticeships"), "{err}");
    }
}
