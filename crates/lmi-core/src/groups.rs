//! Area groups: named groups of whole districts that a hub defines in a TOML file
//! (`datasets/area_groups.toml` is the bundled example) and that lmi serves as areas of type
//! `AreaType::Group`. Read and checked against the registry they join: a code that could be
//! (or is) another area's, a member that is no district lmi knows, a member listed twice, a group
//! without members, are each an error naming the file, the group and the line. A retired district
//! code is mapped to its current district, as for every source, and the mapping is kept for the
//! answer to show.

use crate::geography::Geography;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every group code starts with this, followed by a lower-case slug (`G-blackpool-fylde-wyre`).
/// GSS codes are nine characters, an upper-case letter and eight digits, so a code with a hyphen
/// or a lower-case letter can never be one (checked against the whole registry in the tests).
pub const GROUP_CODE_PREFIX: &str = "G-";

/// The name under which the bundled example file is reported.
pub const BUNDLED_GROUPS_FILE: &str = "datasets/area_groups.toml (the example bundled with lmi)";

/// A district listed under a retired code, and the current district it was counted as.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RecodedMember {
    /// The code as written in the file.
    pub listed: String,
    /// The current district it maps to (`lad_successors`).
    pub current: String,
}

/// One group as defined, checked.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaGroup {
    /// `G-` and a lower-case slug, e.g. `G-blackpool-fylde-wyre`.
    pub code: String,
    pub name: String,
    /// What the group is, in the hub's words.
    pub description: String,
    /// Current district codes, in the file's order (retired codes already mapped).
    pub members: Vec<String>,
    /// Members the file lists under a retired code.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub recoded: Vec<RecodedMember>,
    /// Who maintains the group.
    pub owner: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// The file that defines it (the path the refresh was given, or the bundled example).
    pub file: String,
    /// Its `[[group]]` line in that file.
    pub line: usize,
}

/// Why an area groups file was refused: the file, the group (when one is at fault), the line.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("area groups file {file}{}: {message}", place(*line, group.as_deref()))]
pub struct AreaGroupsError {
    pub file: String,
    pub group: Option<String>,
    pub line: usize,
    pub message: String,
}

/// `: line 6, group `G-x``, as much of it as is known (line 0: the file as a whole).
fn place(line: usize, group: Option<&str>) -> String {
    let mut out = String::new();
    if line > 0 {
        out.push_str(&format!(": line {line}"));
    }
    if let Some(g) = group {
        out.push_str(&format!(
            "{}group `{g}`",
            if line > 0 { ", " } else { ": " }
        ));
    }
    out
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    #[serde(default)]
    group: Vec<toml::Spanned<RawGroup>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    code: toml::Spanned<String>,
    name: toml::Spanned<String>,
    description: String,
    members: toml::Spanned<Vec<toml::Spanned<String>>>,
    owner: String,
    #[serde(default)]
    notes: Option<String>,
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())]
        .bytes()
        .filter(|b| *b == b'\n')
        .count()
        + 1
}

/// Whether `code` is of the documented form: `G-` and a lower-case slug of at most 60.
pub fn is_group_code(code: &str) -> bool {
    is_group_code_form(code) && code.len() - GROUP_CODE_PREFIX.len() <= 60
}

/// Whether `code` has the shape of a group code (`G-`, then parts of a-z and 0-9 joined by
/// single hyphens), whatever its length: what a request may name (an unknown one is `404`).
pub fn is_group_code_form(code: &str) -> bool {
    code.strip_prefix(GROUP_CODE_PREFIX).is_some_and(|slug| {
        !slug.is_empty()
            && slug.split('-').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
            })
    })
}

/// The groups of `text` (the file `file`), checked against `geo` (the registry without groups).
/// An empty text defines no groups.
pub fn parse_area_groups(
    file: &str,
    text: &str,
    geo: &Geography,
) -> Result<Vec<AreaGroup>, AreaGroupsError> {
    let err = |group: Option<&str>, offset: usize, message: String| AreaGroupsError {
        file: file.to_owned(),
        group: group.map(str::to_owned),
        line: line_of(text, offset),
        message,
    };
    let raw: RawFile = toml::from_str(text).map_err(|e| {
        let offset = e.span().map_or(0, |s| s.start);
        err(None, offset, e.message().trim().to_owned())
    })?;
    let mut out = Vec::with_capacity(raw.group.len());
    let mut codes: BTreeMap<String, usize> = BTreeMap::new();
    let mut names: BTreeMap<String, usize> = BTreeMap::new();
    for spanned in raw.group {
        let at = spanned.span().start;
        let g = spanned.into_inner();
        let code = g.code.get_ref().trim().to_owned();
        let here = |offset: usize, message: String| err(Some(&code), offset, message);
        if !is_group_code(&code) {
            return Err(here(
                g.code.span().start,
                format!(
                    "code `{code}` is not of the form `{GROUP_CODE_PREFIX}` followed by a lower-case \
                     slug (a-z, 0-9, single hyphens, at most 60), e.g. `G-blackpool-fylde-wyre`; \
                     such codes can never be ONS GSS codes"
                ),
            ));
        }
        if let Some(other) = geo.area(&code) {
            return Err(here(
                g.code.span().start,
                format!(
                    "code `{code}` is already the code of {} ({})",
                    other.name,
                    other.area_type.label()
                ),
            ));
        }
        if let Some(first) = codes.insert(code.clone(), line_of(text, at)) {
            return Err(here(
                g.code.span().start,
                format!("code `{code}` is also the code of the group on line {first}"),
            ));
        }
        let name = g.name.get_ref().trim().to_owned();
        if name.is_empty() {
            return Err(here(g.name.span().start, "the name is empty".into()));
        }
        if let Some(first) = names.insert(name.to_lowercase(), line_of(text, at)) {
            return Err(here(
                g.name.span().start,
                format!("name `{name}` is also the name of the group on line {first}"),
            ));
        }
        if g.members.get_ref().is_empty() {
            return Err(here(
                g.members.span().start,
                "the group has no members: list its district codes in `members`".into(),
            ));
        }
        let mut members = Vec::new();
        let mut seen: BTreeMap<String, String> = BTreeMap::new();
        let mut recoded = Vec::new();
        for m in g.members.get_ref() {
            let listed = m.get_ref().trim();
            let current = match geo.current_lad(listed) {
                Some(c) => c.to_owned(),
                None => {
                    let what = match geo.area(listed) {
                        Some(a) => format!(
                            "is {} ({}), not a local authority district",
                            a.name,
                            a.area_type.label_in_sentence()
                        ),
                        None => "is not a current or retired district code lmi knows".into(),
                    };
                    return Err(here(m.span().start, format!("member `{listed}` {what}")));
                }
            };
            if let Some(first) = seen.insert(current.clone(), listed.to_owned()) {
                let through = if first == listed {
                    String::new()
                } else {
                    format!(" (`{first}` and `{listed}` are both {current} now)")
                };
                return Err(here(
                    m.span().start,
                    format!("member {current} is listed twice{through}"),
                ));
            }
            if current != listed {
                recoded.push(RecodedMember {
                    listed: listed.to_owned(),
                    current: current.clone(),
                });
            }
            members.push(current);
        }
        out.push(AreaGroup {
            code,
            name,
            description: g.description.trim().to_owned(),
            members,
            recoded,
            owner: g.owner.trim().to_owned(),
            notes: g
                .notes
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty()),
            file: file.to_owned(),
            line: line_of(text, at),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::area::AreaType;
    use crate::geography::GeographyTables;

    fn base() -> Geography {
        Geography::from_tables(GeographyTables {
            area_groups: "",
            ..GeographyTables::BUNDLED
        })
        .unwrap()
    }

    fn parse(text: &str) -> Result<Vec<AreaGroup>, AreaGroupsError> {
        parse_area_groups("hub_groups.toml", text, &base())
    }

    const ONE: &str = "[[group]]\ncode = \"G-fylde-coast\"\nname = \"Fylde coast\"\n\
        description = \"d\"\nowner = \"hub\"\n";

    #[test]
    fn the_bundled_example_partitions_lancashire_combined_authority() {
        let geo = Geography::bundled().unwrap();
        let groups: Vec<_> = geo.groups().collect();
        assert_eq!(groups.len(), 5);
        let mut all: Vec<&str> = groups
            .iter()
            .flat_map(|g| g.members.iter().map(String::as_str))
            .collect();
        all.sort_unstable();
        let ca: Vec<&str> = geo
            .member_lads("E47000018")
            .iter()
            .map(|a| a.code.as_str())
            .collect();
        assert_eq!(all, ca, "every district of Lancashire CA exactly once");
        let bfw = geo.group("G-blackpool-fylde-wyre").unwrap();
        assert_eq!(bfw.name, "Blackpool, Fylde and Wyre");
        assert_eq!(bfw.members, ["E06000009", "E07000119", "E07000128"]);
        assert_eq!(bfw.file, BUNDLED_GROUPS_FILE);
        let area = geo.area("G-blackpool-fylde-wyre").unwrap();
        assert_eq!(area.area_type, AreaType::Group);
    }

    #[test]
    fn no_registry_code_is_of_the_group_form() {
        let geo = base();
        for a in geo.areas() {
            assert!(!is_group_code(&a.code), "{}", a.code);
            assert!(
                a.code.len() == 9
                    && a.code.as_bytes()[0].is_ascii_uppercase()
                    && a.code[1..].bytes().all(|b| b.is_ascii_digit()),
                "{} is not of the GSS form",
                a.code
            );
        }
        assert!(is_group_code("G-a-1"));
        for bad in ["G-", "G-A", "G--a", "G-a-", "g-a", "E07000117", "G-a b"] {
            assert!(!is_group_code(bad), "{bad}");
        }
    }

    #[test]
    fn a_retired_member_counts_as_its_current_district_and_says_so() {
        // Allerdale (E07000026) is part of Cumberland (E06000063) since 2023.
        let g = parse(&format!("{ONE}members = [\"E07000026\", \"E06000064\"]\n")).unwrap();
        assert_eq!(g[0].members, ["E06000063", "E06000064"]);
        assert_eq!(
            g[0].recoded,
            [RecodedMember {
                listed: "E07000026".into(),
                current: "E06000063".into()
            }]
        );
        assert_eq!(g[0].line, 1);
    }

    fn refused(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn bad_groups_are_refused_naming_the_file_the_group_and_the_line() {
        let e = refused(&format!("{ONE}members = [\"E07000119\", \"E99999999\"]\n"));
        assert_eq!(
            e,
            "area groups file hub_groups.toml: line 6, group `G-fylde-coast`: member \
             `E99999999` is not a current or retired district code lmi knows"
        );
        let e = refused(&format!("{ONE}members = [\"E10000017\"]\n"));
        assert!(
            e.contains("member `E10000017` is Lancashire (county), not a local authority district"),
            "{e}"
        );
        let e = refused(&format!("{ONE}members = []\n"));
        assert!(
            e.contains("line 6, group `G-fylde-coast`: the group has no members"),
            "{e}"
        );
        let e = refused(&format!("{ONE}members = [\"E07000119\", \"E07000119\"]\n"));
        assert!(e.contains("member E07000119 is listed twice"), "{e}");
        let e = refused(&format!("{ONE}members = [\"E06000063\", \"E07000026\"]\n"));
        assert!(
            e.contains("`E06000063` and `E07000026` are both E06000063 now"),
            "{e}"
        );
        let e = refused(
            "[[group]]\ncode = \"E10000017\"\nname = \"x\"\ndescription = \"d\"\nowner = \"o\"\nmembers = [\"E07000119\"]\n",
        );
        assert!(
            e.contains("line 2, group `E10000017`: code `E10000017` is not of the form"),
            "{e}"
        );
        let twice = format!("{ONE}members = [\"E07000119\"]\n{ONE}members = [\"E07000128\"]\n");
        let e = refused(&twice);
        assert!(
            e.contains("line 8, group `G-fylde-coast`: code `G-fylde-coast` is also the code of the group on line 1"),
            "{e}"
        );
        let e = refused(&format!(
            "{ONE}members = [\"E07000119\"]\ncolour = \"red\"\n"
        ));
        assert!(
            e.starts_with("area groups file hub_groups.toml: line 7"),
            "{e}"
        );
        assert!(e.contains("colour"), "{e}");
        let e = refused("[[group]]\ncode = \"G-x\"\nname = \"x\"\nmembers = [\"E07000119\"]\n");
        assert!(e.contains("description"), "{e}");
        assert!(parse("").unwrap().is_empty());
    }

    #[test]
    fn a_code_already_in_the_registry_is_refused() {
        // A registry that (by some future table) holds a group-form code.
        let geo = base();
        let mut areas = GeographyTables::BUNDLED.areas.to_owned();
        areas.push_str("G-clash,Clash,county\n");
        let tables = GeographyTables {
            areas: &areas,
            area_groups: "",
            ..GeographyTables::BUNDLED
        };
        let clash = Geography::from_tables(tables).unwrap();
        let text = "[[group]]\ncode = \"G-clash\"\nname = \"x\"\ndescription = \"d\"\nowner = \"o\"\nmembers = [\"E07000119\"]\n";
        let e = parse_area_groups("f.toml", text, &clash).unwrap_err();
        assert_eq!(e.line, 2);
        assert!(
            e.message.contains("already the code of Clash (County)"),
            "{e}"
        );
        assert!(parse_area_groups("f.toml", text, &geo).is_ok());
    }
}
