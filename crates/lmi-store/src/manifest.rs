//! The snapshot manifest: what a snapshot contains, where its data came from, and digests of
//! its files so a damaged snapshot is refused rather than served.

use crate::SnapshotInput;
use lmi_core::{SampleMarker, SourceProvenance};
use polars::prelude::*;
use serde::{Deserialize, Serialize};

pub const MANIFEST_FORMAT: u32 = 1;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
    pub rows: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IndicatorSummary {
    pub id: String,
    pub periods: Vec<String>,
    pub rows: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub format: u32,
    pub version: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub lmi_version: String,
    /// Present when the snapshot was built from synthetic sample data.
    pub sample: Option<SampleMarker>,
    pub sources: Vec<SourceProvenance>,
    pub indicators: Vec<IndicatorSummary>,
    pub files: Vec<FileEntry>,
    /// Things a reader should know, e.g. area codes in a source that matched no known area.
    pub warnings: Vec<String>,
    /// For a snapshot built from a directory of files (`lmi refresh --from`): the fingerprint
    /// of the inputs as they were parsed (`lmi_ingest::fingerprint_loaded`: lmi's version, the
    /// catalogue and every file's sha256 when read). A refresh from files whose
    /// `lmi_ingest::fingerprint_dir` equals it publishes nothing new.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inputs_sha256: Option<String>,
    /// Where the area registry stored with the snapshot (`geography/…` in `files`) came from;
    /// absent for snapshots published without one (served with the registry compiled in).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub geography: Option<String>,
}

impl Manifest {
    pub(crate) fn new(
        version: String,
        created: time::OffsetDateTime,
        input: SnapshotInput,
        files: Vec<FileEntry>,
        values: &DataFrame,
    ) -> PolarsResult<Manifest> {
        let created_at = created
            .format(&time::format_description::well_known::Rfc3339)
            .unwrap_or_default();
        Ok(Manifest {
            format: MANIFEST_FORMAT,
            version,
            created_at,
            lmi_version: env!("CARGO_PKG_VERSION").to_owned(),
            sample: input.sample,
            sources: input.sources,
            indicators: summarise(values)?,
            files,
            warnings: input.warnings,
            inputs_sha256: input.inputs_sha256,
            geography: input.geography.as_ref().map(|_| {
                input
                    .geography_note
                    .clone()
                    .unwrap_or_else(|| "the area registry compiled into lmi".to_owned())
            }),
        })
    }

    pub fn to_json(&self) -> String {
        // Serialising plain structs of strings and numbers cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

fn summarise(values: &DataFrame) -> PolarsResult<Vec<IndicatorSummary>> {
    let ids = values.column(lmi_core::schema::values::INDICATOR)?.str()?;
    let periods = values.column(lmi_core::schema::values::PERIOD)?.str()?;
    let mut out: Vec<IndicatorSummary> = Vec::new();
    for (id, period) in ids.iter().zip(periods.iter()) {
        let (Some(id), Some(period)) = (id, period) else {
            continue;
        };
        let summary = match out.iter_mut().find(|s| s.id == id) {
            Some(s) => s,
            None => {
                out.push(IndicatorSummary {
                    id: id.to_owned(),
                    periods: Vec::new(),
                    rows: 0,
                });
                out.last_mut().expect("just pushed")
            }
        };
        summary.rows += 1;
        if !summary.periods.iter().any(|p| p == period) {
            summary.periods.push(period.to_owned());
        }
    }
    for s in &mut out {
        s.periods.sort();
    }
    Ok(out)
}
