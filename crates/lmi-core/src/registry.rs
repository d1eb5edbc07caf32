//! The geography a snapshot is computed with, as data: the registry's tables as owned text
//! ([`GeographyFiles`]), stored inside each snapshot and loaded with it, and updated at refresh
//! time from ONS's district lookup ([`apply_lad_lookup`]) so that a district ONS re-codes keeps
//! its series without a new build of lmi.

use crate::area::AreaType;
use crate::geography::{Geography, GeographyError, GeographyTables};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;

/// The registry's six tables as text (the files of `datasets/geography/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeographyFiles {
    pub areas: String,
    pub lad_parents: String,
    pub lad_lep: String,
    pub lad_ttwa: String,
    pub lad_successors: String,
    pub lsoa21_ttwa: String,
    /// The area groups file's text (empty: no groups) and where it came from.
    pub area_groups: String,
    pub area_groups_file: String,
}

/// The names under which a snapshot stores its area groups (text, and the file it came from);
/// a snapshot without them was computed without groups.
pub const AREA_GROUPS_FILES: [&str; 2] = ["area_groups.toml", "area_groups_file.txt"];

/// The file names, in [`GeographyFiles::files`] order.
pub const GEOGRAPHY_FILES: [&str; 6] = [
    "areas.csv",
    "lad_parents.csv",
    "lad_lep.csv",
    "lad_ttwa.csv",
    "lad_successors.csv",
    "lsoa21_ttwa.csv",
];

impl GeographyFiles {
    /// The tables compiled into lmi.
    pub fn bundled() -> GeographyFiles {
        let t = GeographyTables::BUNDLED;
        GeographyFiles {
            areas: t.areas.to_owned(),
            lad_parents: t.lad_parents.to_owned(),
            lad_lep: t.lad_lep.to_owned(),
            lad_ttwa: t.lad_ttwa.to_owned(),
            lad_successors: t.lad_successors.to_owned(),
            lsoa21_ttwa: t.lsoa21_ttwa.to_owned(),
            area_groups: t.area_groups.to_owned(),
            area_groups_file: t.area_groups_file.to_owned(),
        }
    }

    /// These tables with the area groups of `text` (read from `file`) instead of their own.
    pub fn with_area_groups(mut self, file: &str, text: &str) -> GeographyFiles {
        self.area_groups = text.to_owned();
        self.area_groups_file = file.to_owned();
        self
    }

    pub fn tables(&self) -> GeographyTables<'_> {
        GeographyTables {
            areas: &self.areas,
            lad_parents: &self.lad_parents,
            lad_lep: &self.lad_lep,
            lad_ttwa: &self.lad_ttwa,
            lad_successors: &self.lad_successors,
            lsoa21_ttwa: &self.lsoa21_ttwa,
            area_groups: &self.area_groups,
            area_groups_file: &self.area_groups_file,
        }
    }

    /// (file name, text) of every table, the area groups last (only when there are any, so a
    /// registry without groups is stored as before).
    pub fn files(&self) -> Vec<(&'static str, &str)> {
        let t = self.tables();
        let mut files = vec![
            (GEOGRAPHY_FILES[0], t.areas),
            (GEOGRAPHY_FILES[1], t.lad_parents),
            (GEOGRAPHY_FILES[2], t.lad_lep),
            (GEOGRAPHY_FILES[3], t.lad_ttwa),
            (GEOGRAPHY_FILES[4], t.lad_successors),
            (GEOGRAPHY_FILES[5], t.lsoa21_ttwa),
        ];
        if !t.area_groups.trim().is_empty() {
            files.push((AREA_GROUPS_FILES[0], t.area_groups));
            files.push((AREA_GROUPS_FILES[1], t.area_groups_file));
        }
        files
    }

    /// The tables from `read(name)` for each of [`GEOGRAPHY_FILES`]; `None` when one is missing.
    /// The area groups ([`AREA_GROUPS_FILES`]) are optional: a snapshot computed before them, or
    /// without groups, has none.
    pub fn from_files(mut read: impl FnMut(&str) -> Option<String>) -> Option<GeographyFiles> {
        Some(GeographyFiles {
            areas: read(GEOGRAPHY_FILES[0])?,
            lad_parents: read(GEOGRAPHY_FILES[1])?,
            lad_lep: read(GEOGRAPHY_FILES[2])?,
            lad_ttwa: read(GEOGRAPHY_FILES[3])?,
            lad_successors: read(GEOGRAPHY_FILES[4])?,
            lsoa21_ttwa: read(GEOGRAPHY_FILES[5])?,
            area_groups: read(AREA_GROUPS_FILES[0]).unwrap_or_default(),
            area_groups_file: read(AREA_GROUPS_FILES[1]).unwrap_or_default(),
        })
    }

    /// The registry these tables describe, built once per distinct content in this process and
    /// kept for its lifetime (areas are handed out as `&'static`; a server sees a handful of
    /// geographies in its life, one per ONS re-coding). The bundled tables give the bundled
    /// registry.
    pub fn intern(&self) -> Result<&'static Geography, GeographyError> {
        if self.tables() == GeographyTables::BUNDLED {
            return Geography::bundled();
        }
        static BUILT: Mutex<Vec<(GeographyFiles, &'static Geography)>> = Mutex::new(Vec::new());
        let mut built = BUILT.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((_, g)) = built.iter().find(|(f, _)| f == self) {
            return Ok(g);
        }
        let g: &'static Geography = Box::leak(Box::new(Geography::from_tables(self.tables())?));
        built.push((self.clone(), g));
        Ok(g)
    }

    /// `old` (a current district) becomes `new` everywhere, and `old` is recorded as retired with
    /// `new` its successor (a retired code mapping to `old` now maps to `new`).
    fn recode_lad(&mut self, old: &str, new: &str, name: &str) {
        for text in [
            &mut self.areas,
            &mut self.lad_parents,
            &mut self.lad_lep,
            &mut self.lad_ttwa,
            &mut self.lad_successors,
        ] {
            *text = replace_field(text, old, new);
        }
        let quoted = if name.contains(',') || name.contains('"') {
            format!("\"{}\"", name.replace('"', "\"\""))
        } else {
            name.to_owned()
        };
        if !self.lad_successors.ends_with('\n') {
            self.lad_successors.push('\n');
        }
        self.lad_successors
            .push_str(&format!("{old},{quoted},{new},{quoted}\n"));
    }

    /// Sets district `lad`'s LSIP in `lad_parents.csv`.
    fn set_lsip(&mut self, lad: &str, lsip: &str) {
        let mut out = String::with_capacity(self.lad_parents.len());
        for line in self.lad_parents.lines() {
            if line.starts_with(&format!("{lad},")) {
                // lad_code,lad_name,region_code,county_code,combined_authority_code,lsip_code:
                // the LSIP is the last field, and codes hold no commas.
                let cut = line.rfind(',').map_or(line.len(), |i| i + 1);
                out.push_str(&line[..cut]);
                out.push_str(lsip);
            } else {
                out.push_str(line);
            }
            out.push('\n');
        }
        self.lad_parents = out;
    }
}

/// Every comma-separated field equal to `old` replaced by `new` (GSS codes are whole fields).
fn replace_field(text: &str, old: &str, new: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, end) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let fields: Vec<&str> = body
            .split(',')
            .map(|f| if f == old { new } else { f })
            .collect();
        out.push_str(&fields.join(","));
        out.push_str(end);
    }
    out
}

/// One row of ONS's district lookup (e.g. `LAD25_LSIP25_EN_LU`): a district and its LSIP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LadLookupRow {
    pub lad_code: String,
    pub lad_name: String,
    pub lsip_code: Option<String>,
}

/// What applying a lookup did: the registry to use, and what a reader should know.
#[derive(Debug, Clone, PartialEq)]
pub struct LookupApplied {
    pub files: GeographyFiles,
    /// Districts re-coded: (old code, new code, name).
    pub recoded: Vec<(String, String, String)>,
    /// Districts whose LSIP changed: (district, old LSIP, new LSIP).
    pub moved: Vec<(String, String, String)>,
    /// Anything the lookup says that the registry could not take: a new district no current one
    /// matches by name, an unknown LSIP code, a current district the lookup does not list.
    pub warnings: Vec<String>,
}

/// `files` updated from ONS's district lookup `rows` (labelled `lookup` in messages):
///
/// - a district code the registry holds (current, or retired with a successor, as in an older
///   lookup) is kept; its LSIP is set from the lookup when the lookup names a known LSIP;
/// - an unknown district code whose name is exactly that of one current district the lookup
///   does not list under its own code is a **re-coding** (as Barnsley E08000016 -> E08000038
///   in 2024): the district takes the new code in every table, and the old code maps to it, so
///   sources still on the old code and sources on the new one make one series;
/// - anything else (a district merged or split, whose parts cannot be known from a name) is a
///   warning, and the registry is left as it is: its data stays "unknown code" until the
///   registry tables are updated (`scripts/build_geography.py`).
pub fn apply_lad_lookup(
    files: &GeographyFiles,
    rows: &[LadLookupRow],
    lookup: &str,
) -> Result<LookupApplied, GeographyError> {
    let geo = Geography::from_tables(files.tables())?;
    let mut out = files.clone();
    let mut recoded = Vec::new();
    let mut moved = Vec::new();
    let mut warnings = Vec::new();
    let norm = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    // The current districts the lookup lists (directly or through a retired code).
    let listed: BTreeSet<String> = rows
        .iter()
        .filter_map(|r| geo.current_lad(&r.lad_code).map(str::to_owned))
        .collect();
    let by_name: BTreeMap<String, Vec<&crate::Area>> = geo
        .areas()
        .filter(|a| a.area_type == AreaType::Lad)
        .fold(BTreeMap::new(), |mut m, a| {
            m.entry(norm(&a.name)).or_default().push(a);
            m
        });
    let lsip_of = |lad: &str| {
        geo.parents(lad)
            .into_iter()
            .find(|p| p.area_type == AreaType::Lsip)
            .map(|p| p.code.clone())
    };
    for row in rows {
        let current = match geo.current_lad(&row.lad_code) {
            Some(c) => c.to_owned(),
            None => {
                let candidates: Vec<&&crate::Area> = by_name
                    .get(&norm(&row.lad_name))
                    .map(|v| v.iter().filter(|a| !listed.contains(&a.code)).collect())
                    .unwrap_or_default();
                match candidates.as_slice() {
                    [one] if row.lad_code.starts_with('E') => {
                        out.recode_lad(&one.code, &row.lad_code, &one.name);
                        recoded.push((one.code.clone(), row.lad_code.clone(), one.name.clone()));
                        row.lad_code.clone()
                    }
                    _ => {
                        if row.lad_code.starts_with('E') {
                            warnings.push(format!(
                                "{lookup}: district {} {} is not in lmi's area registry and \
                                 matches no unlisted district by name (a merger or split?): its \
                                 data is reported as an unknown code until the registry tables \
                                 are updated (scripts/build_geography.py)",
                                row.lad_code, row.lad_name
                            ));
                        }
                        continue;
                    }
                }
            }
        };
        let Some(lsip) = row.lsip_code.as_deref().filter(|c| !c.is_empty()) else {
            continue;
        };
        let before = lsip_of(&current);
        if before.as_deref() == Some(lsip) {
            continue;
        }
        match geo.area(lsip) {
            Some(a) if a.area_type == AreaType::Lsip => {
                out.set_lsip(&current, lsip);
                moved.push((current.clone(), before.unwrap_or_default(), lsip.to_owned()));
            }
            _ => warnings.push(format!(
                "{lookup}: district {} is in LSIP {lsip}, which is not in lmi's area registry: \
                 kept in {}",
                row.lad_code,
                before.as_deref().unwrap_or("no LSIP")
            )),
        }
    }
    let recoded_old: BTreeSet<&str> = recoded.iter().map(|(o, _, _)| o.as_str()).collect();
    let unlisted: Vec<String> = geo
        .areas()
        .filter(|a| {
            a.area_type == AreaType::Lad
                && !listed.contains(&a.code)
                && !recoded_old.contains(a.code.as_str())
        })
        .map(|a| format!("{} {}", a.code, a.name))
        .collect();
    if !unlisted.is_empty() && !rows.is_empty() {
        warnings.push(format!(
            "{lookup}: {} district(s) of lmi's area registry are not in the lookup (abolished or \
             merged?), kept as they are: {}",
            unlisted.len(),
            unlisted.join(", ")
        ));
    }
    // The updated tables must still make a consistent registry; built here once, and kept for
    // the caller's `intern`.
    out.intern()?;
    Ok(LookupApplied {
        files: out,
        recoded,
        moved,
        warnings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup_from_registry() -> Vec<LadLookupRow> {
        let geo = Geography::bundled().unwrap();
        geo.areas()
            .filter(|a| a.area_type == AreaType::Lad)
            .map(|a| LadLookupRow {
                lad_code: a.code.clone(),
                lad_name: a.name.clone(),
                lsip_code: geo
                    .parents(&a.code)
                    .into_iter()
                    .find(|p| p.area_type == AreaType::Lsip)
                    .map(|p| p.code.clone()),
            })
            .collect()
    }

    #[test]
    fn the_registrys_own_lookup_changes_nothing_and_interns_to_the_bundled_registry() {
        let applied =
            apply_lad_lookup(&GeographyFiles::bundled(), &lookup_from_registry(), "t").unwrap();
        assert_eq!(applied.files, GeographyFiles::bundled());
        assert!(applied.recoded.is_empty() && applied.moved.is_empty());
        assert_eq!(applied.warnings, Vec::<String>::new());
        assert!(std::ptr::eq(
            applied.files.intern().unwrap(),
            Geography::bundled().unwrap()
        ));
    }

    #[test]
    fn a_district_recoded_by_ons_takes_its_new_code_and_its_old_code_maps_to_it() {
        let mut rows = lookup_from_registry();
        let burnley = rows.iter_mut().find(|r| r.lad_code == "E07000117").unwrap();
        burnley.lad_code = "E07000999".into();
        let applied = apply_lad_lookup(&GeographyFiles::bundled(), &rows, "ONS lookup").unwrap();
        assert_eq!(
            applied.recoded,
            vec![("E07000117".into(), "E07000999".into(), "Burnley".into())]
        );
        assert_eq!(applied.warnings, Vec::<String>::new());
        let geo = applied.files.intern().unwrap();
        let area = geo.area("E07000999").unwrap();
        assert_eq!(
            (area.name.as_str(), area.area_type),
            ("Burnley", AreaType::Lad)
        );
        assert!(geo.area("E07000117").is_none());
        assert_eq!(geo.current_lad("E07000117"), Some("E07000999"));
        // Its memberships moved with it: Lancashire, its LSIP, its TTWA best fit.
        let parents: Vec<&str> = geo
            .parents("E07000999")
            .iter()
            .map(|p| p.code.as_str())
            .collect();
        assert!(parents.contains(&"E10000017"), "{parents:?}");
        assert!(
            geo.member_lads("E10000017")
                .iter()
                .any(|a| a.code == "E07000999")
        );
        assert_eq!(geo.member_lads("E10000017").len(), 12);
        // Interned once per content.
        assert!(std::ptr::eq(geo, applied.files.clone().intern().unwrap()));
        // An older lookup (retired codes) is no re-coding.
        let mut older = lookup_from_registry();
        older
            .iter_mut()
            .find(|r| r.lad_code == "E08000038")
            .unwrap()
            .lad_code = "E08000016".into();
        let applied = apply_lad_lookup(&GeographyFiles::bundled(), &older, "2023").unwrap();
        assert!(applied.recoded.is_empty());
        assert_eq!(applied.warnings, Vec::<String>::new());
    }

    #[test]
    fn what_cannot_be_known_from_a_lookup_is_a_warning_and_the_registry_is_kept() {
        let mut rows = lookup_from_registry();
        // Two districts merged into a new one with a new name.
        rows.retain(|r| r.lad_code != "E07000117" && r.lad_code != "E07000120");
        rows.push(LadLookupRow {
            lad_code: "E06000999".into(),
            lad_name: "Burnley and Hyndburn".into(),
            lsip_code: Some("E69000019".into()),
        });
        // An LSIP the registry does not know.
        rows.iter_mut()
            .find(|r| r.lad_code == "E07000122")
            .unwrap()
            .lsip_code = Some("E69000999".into());
        let applied = apply_lad_lookup(&GeographyFiles::bundled(), &rows, "LAD25_LSIP25").unwrap();
        assert_eq!(applied.files, GeographyFiles::bundled());
        let w = applied.warnings.join("\n");
        assert!(
            w.contains("E06000999 Burnley and Hyndburn is not in lmi's area registry"),
            "{w}"
        );
        assert!(
            w.contains("LSIP E69000999, which is not in lmi's area registry"),
            "{w}"
        );
        assert!(
            w.contains("2 district(s)") && w.contains("E07000117 Burnley"),
            "{w}"
        );
    }

    #[test]
    fn a_district_moved_to_another_lsip_moves() {
        let mut rows = lookup_from_registry();
        rows.iter_mut()
            .find(|r| r.lad_code == "E07000117")
            .unwrap()
            .lsip_code = Some("E69000001".into());
        let applied = apply_lad_lookup(&GeographyFiles::bundled(), &rows, "t").unwrap();
        assert_eq!(applied.moved.len(), 1);
        let geo = applied.files.intern().unwrap();
        assert!(
            geo.member_lads("E69000001")
                .iter()
                .any(|a| a.code == "E07000117")
        );
        assert!(
            !geo.member_lads("E69000019")
                .iter()
                .any(|a| a.code == "E07000117")
        );
    }

    #[test]
    fn fields_are_replaced_whole() {
        assert_eq!(
            replace_field("a,E07000117,E070001170\nE07000117\n", "E07000117", "X"),
            "a,X,E070001170\nX\n"
        );
    }
}
