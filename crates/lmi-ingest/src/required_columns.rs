//! The catalogue's `required_columns`, checked on a fetched file after its format's parser (which
//! names a renamed column better) has read it.

use crate::error::Result;
use crate::raw::{Header, RawFile};

/// Refuses a file whose header lacks a column the catalogue requires.
pub(crate) fn required_columns(raw: &RawFile, required: &[String], expected: &str) -> Result<()> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

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
