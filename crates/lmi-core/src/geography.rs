//! The geography registry: current English areas, which local authority districts (LADs) make
//! up each larger area, the LAD -> TTWA best fit, and the mapping from retired LAD codes to their
//! current successors. The tables are facts derived by `scripts/build_geography.py` from ONS
//! lookups and compiled in from `datasets/geography/`.

use crate::area::{Area, AreaType};
use crate::groups::{AreaGroup, AreaGroupsError, BUNDLED_GROUPS_FILE, parse_area_groups};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::LazyLock;

pub const ENGLAND: &str = "E92000001";

/// The CSV texts the registry is built from (see `datasets/geography/README.md`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GeographyTables<'a> {
    pub areas: &'a str,
    pub lad_parents: &'a str,
    pub lad_lep: &'a str,
    pub lad_ttwa: &'a str,
    pub lad_successors: &'a str,
    /// LSOA21 -> TTWA11, for small-area sources (may be empty).
    pub lsoa21_ttwa: &'a str,
    /// The area groups file (TOML, see `crate::groups`; empty: no groups).
    pub area_groups: &'a str,
    /// Where the area groups file came from, as answers name it.
    pub area_groups_file: &'a str,
}

impl GeographyTables<'static> {
    pub const BUNDLED: GeographyTables<'static> = GeographyTables {
        areas: include_str!("../../../datasets/geography/areas.csv"),
        lad_parents: include_str!("../../../datasets/geography/lad_parents.csv"),
        lad_lep: include_str!("../../../datasets/geography/lad_lep.csv"),
        lad_ttwa: include_str!("../../../datasets/geography/lad_ttwa.csv"),
        lad_successors: include_str!("../../../datasets/geography/lad_successors.csv"),
        lsoa21_ttwa: include_str!("../../../datasets/geography/lsoa21_ttwa.csv"),
        area_groups: include_str!("../../../datasets/area_groups.toml"),
        area_groups_file: BUNDLED_GROUPS_FILE,
    };
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GeographyError {
    #[error("geography table {table}: line {line}: {message}")]
    Table {
        table: &'static str,
        line: u64,
        message: String,
    },
    #[error("geography table {table}: {message}")]
    Inconsistent {
        table: &'static str,
        message: String,
    },
    #[error("{0}")]
    Groups(#[from] AreaGroupsError),
}

/// How much of one TTWA's population (residents 16+, Census 2021) lives in one LAD.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LadTtwaOverlap {
    pub lad_code: String,
    pub ttwa_code: String,
    pub lsoa11_count: u32,
    pub population_16plus: u64,
    /// Share of the LAD's population living in the TTWA.
    pub share_of_lad: f64,
    /// Share of the TTWA's population living in the LAD.
    pub share_of_ttwa: f64,
    /// True for the one TTWA holding most of the LAD's population.
    pub best_fit: bool,
}

/// One LAD's membership of a larger area, as used to aggregate LAD values.
#[derive(Debug, Clone, PartialEq)]
pub struct Membership {
    pub lad_code: String,
    pub parent_code: String,
    pub parent_type: AreaType,
    /// The parent is not an exact union of LADs (TTWAs): its value is a best-fit approximation.
    pub approximate: bool,
    /// For approximate parents, the share of the parent's population living in this LAD's
    /// overlap with it; summed over the LADs with data it gives the value's coverage.
    pub parent_share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct LadParentsRow {
    lad_code: String,
    #[allow(dead_code)]
    lad_name: String,
    region_code: String,
    county_code: String,
    combined_authority_code: String,
    lsip_code: String,
}

/// A LAD's membership of an April 2021 LEP; a LAD in two LEPs has two rows (DfE counts it in both).
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct LadLepRow {
    lad_code: String,
    lep_code: String,
    /// How many April 2021 districts of the LAD lie in the LEP (more than 1 only for the 2023
    /// unitaries); membership itself is always of the whole LAD.
    #[allow(dead_code)]
    lad21_count: u32,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct SuccessorRow {
    old_code: String,
    #[allow(dead_code)]
    old_name: String,
    current_code: String,
    #[allow(dead_code)]
    current_name: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct SmallAreaTtwaRow {
    lsoa21_code: String,
    ttwa_code: String,
    #[allow(dead_code)]
    exact: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct LadTtwaRow {
    lad_code: String,
    ttwa_code: String,
    lsoa11_count: u32,
    population_16plus: u64,
    share_of_lad: f64,
    share_of_ttwa: f64,
    best_fit: String,
}

/// The registry of current English areas and how they fit together.
#[derive(Debug, Clone)]
pub struct Geography {
    areas: BTreeMap<String, Area>,
    /// Member LADs of every area (a LAD is its own single member; a TTWA's are its best-fit LADs).
    members: HashMap<String, BTreeSet<String>>,
    memberships: Vec<Membership>,
    overlaps: Vec<LadTtwaOverlap>,
    successors: HashMap<String, String>,
    /// Small area (LSOA21) -> TTWA, for building TTWA values exactly from small-area sources.
    small_area_ttwa: Vec<(String, String)>,
    /// Area groups by code (each also an area of type `group`, with exact memberships).
    groups: BTreeMap<String, AreaGroup>,
}

static BUNDLED: LazyLock<Result<Geography, GeographyError>> =
    LazyLock::new(|| Geography::from_tables(GeographyTables::BUNDLED));

fn read_rows<T: serde::de::DeserializeOwned>(
    table: &'static str,
    text: &str,
) -> Result<Vec<T>, GeographyError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    reader
        .deserialize()
        .enumerate()
        .map(|(i, row)| {
            row.map_err(|e| GeographyError::Table {
                table,
                line: i as u64 + 2,
                message: e.to_string(),
            })
        })
        .collect()
}

fn non_empty(s: &str) -> Option<&str> {
    let s = s.trim();
    (!s.is_empty()).then_some(s)
}

impl Geography {
    /// The registry compiled in from `datasets/geography/`.
    pub fn bundled() -> Result<&'static Geography, GeographyError> {
        BUNDLED.as_ref().map_err(Clone::clone)
    }

    pub fn from_tables(tables: GeographyTables<'_>) -> Result<Geography, GeographyError> {
        let areas: BTreeMap<String, Area> = read_rows::<Area>("areas.csv", tables.areas)?
            .into_iter()
            .map(|a| (a.code.clone(), a))
            .collect();
        let parents: Vec<LadParentsRow> = read_rows("lad_parents.csv", tables.lad_parents)?;
        let leps: Vec<LadLepRow> = read_rows("lad_lep.csv", tables.lad_lep)?;
        let ttwa_rows: Vec<LadTtwaRow> = read_rows("lad_ttwa.csv", tables.lad_ttwa)?;
        let successor_rows: Vec<SuccessorRow> =
            read_rows("lad_successors.csv", tables.lad_successors)?;
        let small_area_rows: Vec<SmallAreaTtwaRow> = if tables.lsoa21_ttwa.trim().is_empty() {
            Vec::new()
        } else {
            read_rows("lsoa21_ttwa.csv", tables.lsoa21_ttwa)?
        };

        let expect_area = |table: &'static str, code: &str, want: AreaType| match areas.get(code) {
            Some(a) if a.area_type == want => Ok(()),
            Some(a) => Err(GeographyError::Inconsistent {
                table,
                message: format!("{code} is a {}, expected a {want}", a.area_type),
            }),
            None => Err(GeographyError::Inconsistent {
                table,
                message: format!("{code} is not in areas.csv (expected a {want})"),
            }),
        };

        let mut memberships = Vec::new();
        let mut exact = |lad: &str, parent: &str, parent_type: AreaType| {
            memberships.push(Membership {
                lad_code: lad.to_owned(),
                parent_code: parent.to_owned(),
                parent_type,
                approximate: false,
                parent_share: None,
            });
        };
        for row in &parents {
            expect_area("lad_parents.csv", &row.lad_code, AreaType::Lad)?;
            expect_area("lad_parents.csv", &row.region_code, AreaType::Region)?;
            exact(&row.lad_code, &row.region_code, AreaType::Region);
            exact(&row.lad_code, ENGLAND, AreaType::Country);
            for (code, t) in [
                (&row.county_code, AreaType::County),
                (&row.combined_authority_code, AreaType::CombinedAuthority),
                (&row.lsip_code, AreaType::Lsip),
            ] {
                if let Some(code) = non_empty(code) {
                    expect_area("lad_parents.csv", code, t)?;
                    exact(&row.lad_code, code, t);
                }
            }
        }
        for row in &leps {
            expect_area("lad_lep.csv", &row.lad_code, AreaType::Lad)?;
            expect_area("lad_lep.csv", &row.lep_code, AreaType::Lep)?;
            exact(&row.lad_code, &row.lep_code, AreaType::Lep);
        }
        expect_area("areas.csv", ENGLAND, AreaType::Country)?;

        let mut overlaps = Vec::with_capacity(ttwa_rows.len());
        for row in ttwa_rows {
            expect_area("lad_ttwa.csv", &row.lad_code, AreaType::Lad)?;
            expect_area("lad_ttwa.csv", &row.ttwa_code, AreaType::Ttwa)?;
            let best_fit = match row.best_fit.as_str() {
                "true" | "True" | "TRUE" => true,
                "false" | "False" | "FALSE" => false,
                other => {
                    return Err(GeographyError::Inconsistent {
                        table: "lad_ttwa.csv",
                        message: format!("best_fit must be true or false, found `{other}`"),
                    });
                }
            };
            if best_fit {
                memberships.push(Membership {
                    lad_code: row.lad_code.clone(),
                    parent_code: row.ttwa_code.clone(),
                    parent_type: AreaType::Ttwa,
                    approximate: true,
                    parent_share: Some(row.share_of_ttwa),
                });
            }
            overlaps.push(LadTtwaOverlap {
                lad_code: row.lad_code,
                ttwa_code: row.ttwa_code,
                lsoa11_count: row.lsoa11_count,
                population_16plus: row.population_16plus,
                share_of_lad: row.share_of_lad,
                share_of_ttwa: row.share_of_ttwa,
                best_fit,
            });
        }

        let mut members: HashMap<String, BTreeSet<String>> = HashMap::new();
        for m in &memberships {
            members
                .entry(m.parent_code.clone())
                .or_default()
                .insert(m.lad_code.clone());
        }
        for area in areas.values().filter(|a| a.area_type == AreaType::Lad) {
            members.insert(area.code.clone(), BTreeSet::from([area.code.clone()]));
        }

        let mut successors = HashMap::new();
        for row in successor_rows {
            expect_area("lad_successors.csv", &row.current_code, AreaType::Lad)?;
            successors.insert(row.old_code, row.current_code);
        }

        let mut small_area_ttwa = Vec::with_capacity(small_area_rows.len());
        for row in small_area_rows {
            expect_area("lsoa21_ttwa.csv", &row.ttwa_code, AreaType::Ttwa)?;
            small_area_ttwa.push((row.lsoa21_code, row.ttwa_code));
        }
        // Sorted, so a small area's TTWA is found by bisection (postcode lookups).
        small_area_ttwa.sort_unstable();

        let geography = Geography {
            areas,
            members,
            memberships,
            overlaps,
            successors,
            small_area_ttwa,
            groups: BTreeMap::new(),
        };
        geography.with_groups(tables.area_groups_file, tables.area_groups)
    }

    /// The registry with the groups of `text` (the file `file`) added as areas of type `group`,
    /// each exactly the union of its districts; checked against the registry as it was.
    fn with_groups(mut self, file: &str, text: &str) -> Result<Geography, GeographyError> {
        for group in parse_area_groups(file, text, &self)? {
            let area = Area {
                code: group.code.clone(),
                name: group.name.clone(),
                area_type: AreaType::Group,
            };
            for lad in &group.members {
                self.memberships.push(Membership {
                    lad_code: lad.clone(),
                    parent_code: group.code.clone(),
                    parent_type: AreaType::Group,
                    approximate: false,
                    parent_share: None,
                });
            }
            self.members
                .insert(group.code.clone(), group.members.iter().cloned().collect());
            self.areas.insert(group.code.clone(), area);
            self.groups.insert(group.code.clone(), group);
        }
        Ok(self)
    }

    /// The definition of the area group `code` (`None` for any other area).
    pub fn group(&self, code: &str) -> Option<&AreaGroup> {
        self.groups.get(code)
    }

    /// Every area group, by code.
    pub fn groups(&self) -> impl Iterator<Item = &AreaGroup> {
        self.groups.values()
    }

    pub fn area(&self, code: &str) -> Option<&Area> {
        self.areas.get(code)
    }

    pub fn areas(&self) -> impl Iterator<Item = &Area> {
        self.areas.values()
    }

    /// The current LAD code for a LAD code of any vintage since 2011 (itself when current).
    pub fn current_lad(&self, code: &str) -> Option<&str> {
        match self.areas.get(code) {
            Some(a) if a.area_type == AreaType::Lad => Some(a.code.as_str()),
            Some(_) => None,
            None => self.successors.get(code).map(String::as_str),
        }
    }

    /// Retired LAD codes and their current successors.
    pub fn successors(&self) -> impl Iterator<Item = (&str, &str)> {
        self.successors
            .iter()
            .map(|(old, new)| (old.as_str(), new.as_str()))
    }

    /// Small areas (LSOA 2021) and the TTWA each lies in.
    pub fn small_area_ttwa(&self) -> &[(String, String)] {
        &self.small_area_ttwa
    }

    /// The TTWA a small area (LSOA 2021) lies in, as exact TTWA sums assign it.
    pub fn ttwa_of_small_area(&self, lsoa21: &str) -> Option<&str> {
        self.small_area_ttwa
            .binary_search_by(|(code, _)| code.as_str().cmp(lsoa21))
            .ok()
            .map(|i| self.small_area_ttwa[i].1.as_str())
    }

    /// Every LAD's membership of every larger area (TTWAs by best fit).
    pub fn memberships(&self) -> &[Membership] {
        &self.memberships
    }

    /// The LADs an area is built from (empty for a TTWA that no LAD best fits).
    pub fn member_lads(&self, code: &str) -> Vec<&Area> {
        self.members
            .get(code)
            .into_iter()
            .flatten()
            .filter_map(|c| self.areas.get(c))
            .collect()
    }

    /// Areas of coarser types that wholly contain the area, coarsest last.
    pub fn parents(&self, code: &str) -> Vec<&Area> {
        let Some(area) = self.areas.get(code) else {
            return Vec::new();
        };
        let Some(own) = self.members.get(code).filter(|m| !m.is_empty()) else {
            return Vec::new();
        };
        let mut out: Vec<&Area> = self
            .areas
            .values()
            .filter(|p| p.area_type > area.area_type && p.area_type != AreaType::Ttwa)
            .filter(|p| self.members.get(&p.code).is_some_and(|m| own.is_subset(m)))
            .collect();
        out.sort_by_key(|a| (a.area_type, a.code.clone()));
        out
    }

    /// The comparators for an area's values: the county, combined authority, region and England
    /// that contain it (in that order), from the same registry.
    pub fn comparators(&self, code: &str) -> Vec<&Area> {
        self.parents(code)
            .into_iter()
            .filter(|p| {
                matches!(
                    p.area_type,
                    AreaType::County
                        | AreaType::CombinedAuthority
                        | AreaType::Region
                        | AreaType::Country
                )
            })
            .collect()
    }

    /// The LAD/TTWA overlaps touching an area: for a LAD, the TTWAs it lies in; for a TTWA, the
    /// LADs that share its population.
    pub fn ttwa_overlaps(&self, code: &str) -> Vec<&LadTtwaOverlap> {
        self.overlaps
            .iter()
            .filter(|o| o.lad_code == code || o.ttwa_code == code)
            .collect()
    }

    /// Case-insensitive search by name or code; name-prefix matches first, then substring matches.
    pub fn search(&self, query: &str, area_type: Option<AreaType>) -> Vec<&Area> {
        let q = query.trim().to_lowercase();
        let mut hits: Vec<(u8, &Area)> = self
            .areas
            .values()
            .filter(|a| area_type.is_none_or(|t| a.area_type == t))
            .filter_map(|a| {
                if q.is_empty() {
                    return Some((2, a));
                }
                let name = a.name.to_lowercase();
                if a.code.to_lowercase() == q || name == q {
                    Some((0, a))
                } else if name.starts_with(&q) {
                    Some((1, a))
                } else if name.contains(&q) {
                    Some((2, a))
                } else {
                    None
                }
            })
            .collect();
        hits.sort_by(|(ra, a), (rb, b)| {
            ra.cmp(rb)
                .then(a.area_type.cmp(&b.area_type))
                .then(a.name.cmp(&b.name))
        });
        hits.into_iter().map(|(_, a)| a).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const LANCASHIRE_LADS: [&str; 14] = [
        "E06000008",
        "E06000009",
        "E07000117",
        "E07000118",
        "E07000119",
        "E07000120",
        "E07000121",
        "E07000122",
        "E07000123",
        "E07000124",
        "E07000125",
        "E07000126",
        "E07000127",
        "E07000128",
    ];

    fn geo() -> &'static Geography {
        Geography::bundled().expect("bundled geography parses")
    }

    #[test]
    fn england_has_296_current_districts_in_nine_regions() {
        let g = geo();
        let lads = g.areas().filter(|a| a.area_type == AreaType::Lad).count();
        let regions = g
            .areas()
            .filter(|a| a.area_type == AreaType::Region)
            .count();
        assert_eq!(lads, 296);
        assert_eq!(regions, 9);
        assert_eq!(g.member_lads(ENGLAND).len(), 296);
    }

    #[test]
    fn lancashire_combined_authority_has_the_county_districts_and_both_unitaries() {
        let g = geo();
        let ca: Vec<_> = g
            .member_lads("E47000018")
            .iter()
            .map(|a| a.code.as_str())
            .collect();
        assert_eq!(ca, LANCASHIRE_LADS);
        let county = g.member_lads("E10000017");
        assert_eq!(county.len(), 12);
        assert!(county.iter().all(|a| a.code.starts_with("E07")));
        let lep: Vec<_> = g
            .member_lads("E37000019")
            .iter()
            .map(|a| a.code.as_str())
            .collect();
        assert_eq!(lep, LANCASHIRE_LADS);
    }

    fn lep_members(g: &Geography, lep: &str) -> Vec<String> {
        g.member_lads(lep).iter().map(|a| a.code.clone()).collect()
    }

    #[test]
    fn leps_are_the_38_of_april_2021_as_dfe_uses_them() {
        let g = geo();
        let leps: Vec<_> = g.areas().filter(|a| a.area_type == AreaType::Lep).collect();
        assert_eq!(leps.len(), 38);
        assert!(
            g.area("E37000023").is_none(),
            "the 2017 London code is not served"
        );
        assert_eq!(g.area("E37000051").unwrap().name, "London");
        let london = lep_members(g, "E37000051");
        assert_eq!(london.len(), 33);
        assert!(london.iter().all(|c| c.starts_with("E09")));
        // Every current district is in at least one LEP.
        for lad in g.areas().filter(|a| a.area_type == AreaType::Lad) {
            assert!(
                g.parents(&lad.code)
                    .iter()
                    .any(|p| p.area_type == AreaType::Lep),
                "{} has no LEP",
                lad.code
            );
        }
    }

    #[test]
    fn the_seven_districts_in_two_leps_count_in_both() {
        let g = geo();
        let two_leps = |lad: &str| -> Vec<&str> {
            let mut leps: Vec<_> = g
                .memberships()
                .iter()
                .filter(|m| m.lad_code == lad && m.parent_type == AreaType::Lep)
                .map(|m| m.parent_code.as_str())
                .collect();
            leps.sort();
            leps
        };
        // Staffordshire districts: Greater Birmingham and Solihull, and Stoke-on-Trent and
        // Staffordshire; Worcestershire districts: Greater Birmingham and Solihull, and Worcestershire.
        for lad in ["E07000192", "E07000193", "E07000194", "E07000199"] {
            assert_eq!(two_leps(lad), ["E37000012", "E37000032"], "{lad}");
        }
        for lad in ["E07000234", "E07000236", "E07000239"] {
            assert_eq!(two_leps(lad), ["E37000012", "E37000038"], "{lad}");
        }
        let overlapping = g
            .areas()
            .filter(|a| a.area_type == AreaType::Lad && two_leps(&a.code).len() > 1)
            .count();
        assert_eq!(overlapping, 7);
        assert!(lep_members(g, "E37000012").contains(&"E07000194".to_owned()));
        assert!(lep_members(g, "E37000032").contains(&"E07000194".to_owned()));
    }

    #[test]
    fn merged_unitaries_take_their_districts_lep() {
        let g = geo();
        // North Yorkshire (2023) was 7 districts, all in York and North Yorkshire in 2021.
        assert_eq!(lep_members(g, "E37000058"), ["E06000014", "E06000065"]);
        assert_eq!(lep_members(g, "E37000007"), ["E06000063", "E06000064"]);
        assert!(lep_members(g, "E37000016").contains(&"E06000066".to_owned()));
    }

    #[test]
    fn burnley_compares_with_lancashire_north_west_and_england() {
        let g = geo();
        let codes: Vec<_> = g
            .comparators("E07000117")
            .iter()
            .map(|a| a.code.as_str())
            .collect();
        assert_eq!(codes, ["E10000017", "E47000018", "E12000002", ENGLAND]);
        // Blackpool is a unitary: no county, but the combined authority.
        let codes: Vec<_> = g
            .comparators("E06000009")
            .iter()
            .map(|a| a.code.as_str())
            .collect();
        assert_eq!(codes, ["E47000018", "E12000002", ENGLAND]);
    }

    #[test]
    fn retired_codes_map_to_current_districts() {
        let g = geo();
        assert_eq!(g.current_lad("E07000026"), Some("E06000063")); // Allerdale -> Cumberland
        assert_eq!(g.current_lad("E07000117"), Some("E07000117"));
        assert_eq!(g.current_lad("E12000002"), None);
        assert_eq!(g.current_lad("E99999999"), None);
    }

    #[test]
    fn every_district_best_fits_exactly_one_ttwa() {
        let g = geo();
        for lad in g.areas().filter(|a| a.area_type == AreaType::Lad) {
            let best: Vec<_> = g
                .ttwa_overlaps(&lad.code)
                .into_iter()
                .filter(|o| o.lad_code == lad.code && o.best_fit)
                .collect();
            assert_eq!(best.len(), 1, "{}", lad.code);
            let share: f64 = g
                .ttwa_overlaps(&lad.code)
                .iter()
                .filter(|o| o.lad_code == lad.code)
                .map(|o| o.share_of_lad)
                .sum();
            assert!((share - 1.0).abs() < 1e-3, "{}: {share}", lad.code);
        }
    }

    #[test]
    fn every_english_lsoa_lies_in_a_ttwa() {
        let g = geo();
        assert_eq!(g.small_area_ttwa().len(), 33_755);
        assert!(
            g.small_area_ttwa()
                .iter()
                .all(|(l, _)| l.starts_with("E01"))
        );
    }

    #[test]
    fn search_puts_prefix_matches_first_and_filters_by_type() {
        let g = geo();
        let hits = g.search("burnley", None);
        assert_eq!(hits[0].code, "E07000117");
        assert!(hits.iter().any(|a| a.code == "E30000182"));
        let ttwas = g.search("burn", Some(AreaType::Ttwa));
        assert!(ttwas.iter().all(|a| a.area_type == AreaType::Ttwa));
        assert!(g.search("zzzz", None).is_empty());
    }
}
