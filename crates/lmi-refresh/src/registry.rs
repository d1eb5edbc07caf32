//! The area registry a refresh computes with and stores in its snapshot: the registry compiled
//! into lmi, updated from ONS's district lookup when the catalogue's lookup source
//! (format `ons_lad_lookup`) was read (fresh, or carried over from the last snapshot like any
//! source). A district ONS re-codes then takes its new code, and its old code maps to it, so
//! every source publishes on, whichever code it uses, without a new build of lmi.

use lmi_core::{Geography, GeographyFiles, apply_lad_lookup};
use lmi_ingest::{Catalogue, Format};
use polars::prelude::DataFrame;
use std::path::Path;

/// A hub's area groups file (the `area_groups` setting), read and checked against the
/// compiled-in registry: groups of whole districts served as areas of type `group`. Without one
/// a refresh uses the example bundled with lmi (`datasets/area_groups.toml`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaGroups {
    /// The file as answers name it (the path given).
    pub file: String,
    pub text: String,
}

impl AreaGroups {
    /// Reads and checks `path`: an unreadable file, or one a group of which is wrong, is an
    /// error naming the file, the group and the line.
    pub fn read(path: &Path) -> Result<AreaGroups, crate::Error> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            crate::Error::AreaGroups(lmi_core::GeographyError::Groups(
                lmi_core::AreaGroupsError {
                    file: file.clone(),
                    group: None,
                    line: 0,
                    message: format!("cannot be read: {e}"),
                },
            ))
        })?;
        let groups = AreaGroups { file, text };
        groups.files().intern().map_err(crate::Error::AreaGroups)?;
        Ok(groups)
    }

    /// The compiled-in registry with these groups.
    fn files(&self) -> GeographyFiles {
        GeographyFiles::bundled().with_area_groups(&self.file, &self.text)
    }

    /// `inputs` (a refresh's fingerprint) with these groups in it, so that a changed groups file
    /// makes a refresh from the same files publish.
    pub(crate) fn fingerprint(groups: Option<&AreaGroups>, inputs: String) -> String {
        use sha2::{Digest, Sha256};
        match groups {
            None => inputs,
            Some(g) => hex::encode(Sha256::digest(format!(
                "{inputs}\narea groups {}\n{}",
                g.file, g.text
            ))),
        }
    }
}

/// The registry of one refresh.
pub(crate) struct Registry {
    pub(crate) geography: &'static Geography,
    pub(crate) files: GeographyFiles,
    /// Where it came from, for the manifest.
    pub(crate) note: String,
    /// What the lookup said that the registry could not take, for the manifest.
    pub(crate) warnings: Vec<String>,
}

/// The registry for `observations` (which hold the lookup's rows when it was read). A lookup
/// that cannot be applied is a warning and the compiled-in registry is used; only a
/// compiled-in registry that does not build is an error.
pub(crate) fn registry(
    catalogue: &Catalogue,
    observations: &DataFrame,
    area_groups: Option<&AreaGroups>,
) -> Result<Registry, crate::Error> {
    let bundled = area_groups.map_or_else(GeographyFiles::bundled, AreaGroups::files);
    let compiled = format!(
        "the area registry compiled into lmi {}",
        env!("CARGO_PKG_VERSION")
    );
    let mut files = bundled.clone();
    let mut notes = Vec::new();
    let mut warnings = Vec::new();
    for source in catalogue
        .sources
        .iter()
        .filter(|s| s.format == Format::OnsLadLookup)
    {
        let rows = match lmi_ingest::lookup_rows(observations, &source.id) {
            Ok(rows) => rows,
            Err(e) => {
                warnings.push(format!(
                    "source {}: its rows could not be read back ({e}); the area registry was not updated from it",
                    source.id
                ));
                continue;
            }
        };
        if rows.is_empty() {
            continue;
        }
        match apply_lad_lookup(&files, &rows, &source.id) {
            Ok(applied) => {
                let mut changes: Vec<String> = applied
                    .recoded
                    .iter()
                    .map(|(old, new, name)| format!("{name} re-coded {old} -> {new}"))
                    .collect();
                changes.extend(
                    applied
                        .moved
                        .iter()
                        .map(|(lad, from, to)| format!("{lad} moved from LSIP {from} to {to}")),
                );
                for c in &changes {
                    tracing::info!(source = %source.id, "area registry: {c}");
                }
                notes.push(format!(
                    "checked against {} ({} districts){}",
                    source.id,
                    rows.len(),
                    if changes.is_empty() {
                        ": no change".to_owned()
                    } else {
                        format!(": {}", changes.join("; "))
                    }
                ));
                warnings.extend(applied.warnings);
                files = applied.files;
            }
            Err(e) => warnings.push(format!(
                "source {}: the area registry could not take its lookup ({e}); the compiled-in registry was used",
                source.id
            )),
        }
    }
    let geography = match files.intern() {
        Ok(g) => g,
        Err(e) => {
            warnings.push(format!(
                "the updated area registry does not build ({e}); the compiled-in registry was used"
            ));
            notes.clear();
            files = bundled;
            files.intern().map_err(crate::Error::Geography)?
        }
    };
    for w in &warnings {
        tracing::warn!("{w}");
    }
    let mut note = if notes.is_empty() {
        compiled
    } else {
        format!("{compiled}, {}", notes.join(", "))
    };
    let groups = geography.groups().count();
    if groups > 0 {
        note.push_str(&format!(
            ", with {groups} area group(s) from {}",
            files.area_groups_file
        ));
    }
    Ok(Registry {
        geography,
        files,
        note,
        warnings,
    })
}
