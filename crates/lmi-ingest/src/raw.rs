//! Reading a raw file: bytes, sha256 and transparent gzip, so that what was parsed is exactly
//! what the provenance records.

use crate::error::{IngestError, Result};
use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};

/// A raw file as read from disk: its compressed bytes' digest and its decoded text.
#[derive(Debug, Clone)]
pub struct RawFile {
    pub path: PathBuf,
    /// sha256 of the bytes on disk (compressed, if the file is gzip).
    pub sha256: String,
    /// Size of the bytes on disk.
    pub bytes: u64,
    /// Decoded (decompressed) content.
    pub content: Vec<u8>,
}

impl RawFile {
    pub fn read(path: &Path) -> Result<RawFile> {
        let bytes = std::fs::read(path).map_err(|source| IngestError::Io {
            file: path.to_owned(),
            source,
        })?;
        Self::from_bytes(path, bytes)
    }

    pub fn from_bytes(path: &Path, bytes: Vec<u8>) -> Result<RawFile> {
        let sha256 = hex::encode(Sha256::digest(&bytes));
        let size = bytes.len() as u64;
        // gzip magic number: decode whatever the file is called.
        let content = if bytes.starts_with(&[0x1f, 0x8b]) {
            let mut out = Vec::with_capacity(bytes.len() * 4);
            MultiGzDecoder::new(bytes.as_slice())
                .read_to_end(&mut out)
                .map_err(|source| IngestError::Io {
                    file: path.to_owned(),
                    source,
                })?;
            out
        } else {
            bytes
        };
        let content = strip_bom(content);
        if content.iter().all(u8::is_ascii_whitespace) {
            return Err(IngestError::Empty {
                file: path.to_owned(),
            });
        }
        Ok(RawFile {
            path: path.to_owned(),
            sha256,
            bytes: size,
            content,
        })
    }

    /// A CSV reader over the content that keeps line numbers for error messages.
    pub fn csv(&self) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new()
            .flexible(false)
            .from_reader(self.content.as_slice())
    }
}

fn strip_bom(mut content: Vec<u8>) -> Vec<u8> {
    if content.starts_with(&[0xEF, 0xBB, 0xBF]) {
        content.drain(..3);
    }
    content
}

/// `kept` when a parser kept at least one row; otherwise the "no usable rows" error with `reason`.
pub fn rows_kept(raw: &RawFile, kept: usize, reason: &str) -> Result<usize> {
    if kept == 0 {
        return Err(crate::error::IngestError::NoRows {
            file: raw.path.clone(),
            reason: reason.to_owned(),
        });
    }
    Ok(kept)
}

/// Test helper: runs a parser over `text` as a file and returns the observations table.
#[cfg(test)]
pub(crate) fn parse_text(
    text: &str,
    parse: impl FnOnce(&RawFile, &mut crate::observations::Observations) -> Result<usize>,
) -> Result<polars::prelude::DataFrame> {
    let raw = RawFile::from_bytes(Path::new("test.csv"), text.as_bytes().to_vec())?;
    let mut obs = crate::observations::Observations::default();
    parse(&raw, &mut obs)?;
    Ok(obs.into_frame()?)
}

/// The header of a CSV file, with lookups that produce the crate's "missing column" error.
#[derive(Debug)]
pub struct Header<'a> {
    file: &'a Path,
    names: Vec<String>,
    expected: &'a str,
}

impl<'a> Header<'a> {
    pub fn read(
        raw: &'a RawFile,
        reader: &mut csv::Reader<&[u8]>,
        expected: &'a str,
    ) -> Result<Self> {
        let names = reader
            .headers()
            .map_err(|e| csv_error(&raw.path, &e))?
            .iter()
            .map(|h| h.trim().to_owned())
            .collect();
        Ok(Header {
            file: &raw.path,
            names,
            expected,
        })
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    pub fn position(&self, column: &str) -> Option<usize> {
        self.names.iter().position(|n| n == column)
    }

    /// Index of a required column; `known` lists every column the reader understands, so an
    /// unknown column can be suggested as the renamed one.
    pub fn require(&self, column: &str, known: &[&str]) -> Result<usize> {
        self.position(column).ok_or_else(|| {
            let unknown: Vec<&str> = self
                .names
                .iter()
                .map(String::as_str)
                .filter(|n| !known.contains(n))
                .collect();
            IngestError::MissingColumn {
                file: self.file.to_owned(),
                column: column.to_owned(),
                expected: self.expected.to_owned(),
                found: self.names.join(","),
                hint: if unknown.is_empty() {
                    String::new()
                } else {
                    format!(" (unrecognised: {}; renamed upstream?)", unknown.join(", "))
                },
            }
        })
    }

    /// The first of several accepted names for one column.
    pub fn require_any(&self, columns: &[&str], known: &[&str]) -> Result<usize> {
        columns
            .iter()
            .find_map(|c| self.position(c))
            .map_or_else(|| self.require(&columns.join("` or `"), known), Ok)
    }
}

/// A value that is not what its column should hold.
pub fn bad_value(file: &Path, line: u64, column: &str, expected: &str, found: &str) -> IngestError {
    IngestError::BadValue {
        file: file.to_owned(),
        line,
        column: column.to_owned(),
        expected: expected.to_owned(),
        found: found.to_owned(),
    }
}

pub fn csv_error(file: &Path, e: &csv::Error) -> IngestError {
    IngestError::Csv {
        file: file.to_owned(),
        line: e.position().map_or(0, csv::Position::line),
        message: e.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use flate2::{Compression, write::GzEncoder};
    use std::io::Write;

    #[test]
    fn gzip_is_decoded_and_hashed_as_stored() {
        let mut enc = GzEncoder::new(Vec::new(), Compression::default());
        enc.write_all(b"\xEF\xBB\xBFa,b\n1,2\n").unwrap();
        let gz = enc.finish().unwrap();
        let raw = RawFile::from_bytes(Path::new("x.csv.gz"), gz.clone()).unwrap();
        assert_eq!(raw.content, b"a,b\n1,2\n");
        assert_eq!(raw.bytes, gz.len() as u64);
        assert_eq!(raw.sha256, hex::encode(Sha256::digest(&gz)));
    }

    #[test]
    fn an_empty_file_is_an_error_naming_it() {
        let err = RawFile::from_bytes(Path::new("empty.csv"), b"\n".to_vec()).unwrap_err();
        assert!(
            err.to_string().contains("empty.csv: the file is empty"),
            "{err}"
        );
    }

    #[test]
    fn a_missing_column_suggests_the_renamed_one() {
        let raw =
            RawFile::from_bytes(Path::new("f.csv"), b"a,apprentices\n1,2\n".to_vec()).unwrap();
        let mut rdr = raw.csv();
        let header = Header::read(&raw, &mut rdr, "the test header").unwrap();
        let err = header
            .require("appren", &["a", "appren"])
            .unwrap_err()
            .to_string();
        assert!(err.contains("f.csv: column `appren` is missing"), "{err}");
        assert!(err.contains("unrecognised: apprentices"), "{err}");
    }
}
