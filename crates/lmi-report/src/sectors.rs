//! Sectors and the subjects that train for them: the mapping from sector subject areas (SSA
//! tier 1, what further education teaches) to SIC 2007 sections (where jobs are), and the
//! priority sectors a hub plans for. Configuration, not data: `datasets/sectors.toml` is bundled
//! and a hub replaces it with its own file (`serve.sectors`), checked once at start-up, so every
//! answer can trust it (parse, don't validate).

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::Path;
use utoipa::ToSchema;

const BUNDLED: &str = include_str!("../../../datasets/sectors.toml");

/// SIC 2007 sections, A to U, with ONS's titles.
pub const SIC2007_SECTIONS: [(char, &str); 21] = [
    ('A', "Agriculture, forestry and fishing"),
    ('B', "Mining and quarrying"),
    ('C', "Manufacturing"),
    ('D', "Electricity, gas, steam and air conditioning supply"),
    (
        'E',
        "Water supply; sewerage, waste management and remediation activities",
    ),
    ('F', "Construction"),
    (
        'G',
        "Wholesale and retail trade; repair of motor vehicles and motorcycles",
    ),
    ('H', "Transportation and storage"),
    ('I', "Accommodation and food service activities"),
    ('J', "Information and communication"),
    ('K', "Financial and insurance activities"),
    ('L', "Real estate activities"),
    ('M', "Professional, scientific and technical activities"),
    ('N', "Administrative and support service activities"),
    (
        'O',
        "Public administration and defence; compulsory social security",
    ),
    ('P', "Education"),
    ('Q', "Human health and social work activities"),
    ('R', "Arts, entertainment and recreation"),
    ('S', "Other service activities"),
    ('T', "Activities of households as employers"),
    (
        'U',
        "Activities of extraterritorial organisations and bodies",
    ),
];

/// The 22 industry groups (SIC 2007) of the Skills Imperative 2035 projections, table `Ind T2`,
/// as the workbooks label them (read from the Lancashire LSIP and England workbooks).
pub const PROJECTION_INDUSTRIES: [&str; 22] = [
    "Agriculture",
    "Mining and quarrying",
    "Food drink and tobacco",
    "Engineering",
    "Rest of manufacturing",
    "Electricity and gas",
    "Water and sewerage",
    "Construction",
    "Wholesale and retail trade",
    "Transport and storage",
    "Accommodation and food",
    "Media",
    "Information technology",
    "Finance and insurance",
    "Real estate",
    "Professional services",
    "Support services",
    "Public admin. and defence",
    "Education",
    "Health and social work",
    "Arts and entertainment",
    "Other services",
];

/// The number of sector subject areas in tier 1 (codes 1 to 15).
pub const SSA_TIER1: u8 = 15;

/// A SIC 2007 section, `A` to `U`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, ToSchema)]
#[schema(value_type = String, example = "C")]
pub struct Section(char);

impl Section {
    pub fn parse(s: &str) -> Option<Section> {
        let mut chars = s.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if SIC2007_SECTIONS.iter().any(|(l, _)| *l == c) => Some(Section(c)),
            _ => None,
        }
    }

    pub fn letter(self) -> char {
        self.0
    }

    pub fn title(self) -> &'static str {
        SIC2007_SECTIONS
            .iter()
            .find(|(l, _)| *l == self.0)
            .map_or("", |(_, t)| t)
    }
}

impl fmt::Display for Section {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl Serialize for Section {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// One sector subject area and the sections whose jobs it trains for (none for general
/// education such as Preparation for Life and Work).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct SubjectArea {
    /// SSA tier 1 code, 1 to 15.
    pub ssa: u8,
    pub title: String,
    pub sections: Vec<Section>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A sector a hub plans for: SIC 2007 sections and the subject areas that train for it.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PrioritySector {
    pub id: String,
    pub title: String,
    pub sections: Vec<Section>,
    /// SSA tier 1 codes.
    pub subject_areas: Vec<u8>,
    /// Skills Imperative industry groups ([`PROJECTION_INDUSTRIES`]) making up the sector.
    pub projection_industries: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The checked mapping: every SSA tier 1 code exactly once, in code order, and the priority
/// sectors in the file's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Sectors {
    subject_areas: Vec<SubjectArea>,
    priority: Vec<PrioritySector>,
}

/// Why a sectors file was refused: where, and what was wrong.
#[derive(Debug, thiserror::Error)]
pub enum SectorsError {
    #[error("{file}: cannot be read: {source}")]
    Read {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: not a valid sectors file: {message}")]
    Toml { file: String, message: String },
    #[error("{file}: {what}: {problem}")]
    Invalid {
        file: String,
        what: String,
        problem: String,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    subject_area: Vec<SubjectAreaFile>,
    #[serde(default)]
    priority_sector: Vec<PrioritySectorFile>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SubjectAreaFile {
    ssa: u8,
    title: String,
    sections: Vec<String>,
    note: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PrioritySectorFile {
    id: String,
    title: String,
    sections: Vec<String>,
    subject_areas: Vec<u8>,
    #[serde(default)]
    projection_industries: Vec<String>,
    note: Option<String>,
}

impl Sectors {
    /// The bundled mapping (`datasets/sectors.toml`), checked once.
    pub fn bundled() -> &'static Sectors {
        static BUNDLED_SECTORS: std::sync::OnceLock<Sectors> = std::sync::OnceLock::new();
        BUNDLED_SECTORS.get_or_init(|| {
            Sectors::parse(BUNDLED, "datasets/sectors.toml")
                .unwrap_or_else(|e| panic!("the bundled sectors file is checked by a test: {e}"))
        })
    }

    /// A hub's own sectors file.
    pub fn load(path: &Path) -> Result<Sectors, SectorsError> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|source| SectorsError::Read {
            file: file.clone(),
            source,
        })?;
        Sectors::parse(&text, &file)
    }

    /// Parses and checks a sectors file; `file` names it in errors.
    pub fn parse(text: &str, file: &str) -> Result<Sectors, SectorsError> {
        let parsed: File = toml::from_str(text).map_err(|e| SectorsError::Toml {
            file: file.to_owned(),
            message: e.to_string(),
        })?;
        let invalid = |what: String, problem: String| SectorsError::Invalid {
            file: file.to_owned(),
            what,
            problem,
        };
        let sections = |what: &str, letters: &[String]| -> Result<Vec<Section>, SectorsError> {
            let mut out: Vec<Section> = Vec::new();
            for l in letters {
                let s = Section::parse(l).ok_or_else(|| {
                    invalid(
                        what.to_owned(),
                        format!("`{l}` is not a SIC 2007 section (expected one letter A to U)"),
                    )
                })?;
                if out.contains(&s) {
                    return Err(invalid(
                        what.to_owned(),
                        format!("section {s} is listed twice"),
                    ));
                }
                out.push(s);
            }
            Ok(out)
        };
        let mut subject_areas: Vec<SubjectArea> = Vec::new();
        for a in parsed.subject_area {
            let what = format!("subject_area ssa = {}", a.ssa);
            if !(1..=SSA_TIER1).contains(&a.ssa) {
                return Err(invalid(
                    what,
                    format!("SSA tier 1 codes run from 1 to {SSA_TIER1}"),
                ));
            }
            if subject_areas.iter().any(|s| s.ssa == a.ssa) {
                return Err(invalid(what, "listed twice".into()));
            }
            subject_areas.push(SubjectArea {
                ssa: a.ssa,
                title: a.title,
                sections: sections(&what, &a.sections)?,
                note: a.note,
            });
        }
        let missing: Vec<String> = (1..=SSA_TIER1)
            .filter(|c| !subject_areas.iter().any(|s| s.ssa == *c))
            .map(|c| c.to_string())
            .collect();
        if !missing.is_empty() {
            return Err(invalid(
                "subject_area".into(),
                format!(
                    "every SSA tier 1 code needs an entry (an empty `sections` for general \
                     education); missing: {}",
                    missing.join(", ")
                ),
            ));
        }
        subject_areas.sort_by_key(|s| s.ssa);
        let mut priority: Vec<PrioritySector> = Vec::new();
        for p in parsed.priority_sector {
            let what = format!("priority_sector `{}`", p.id);
            let id_ok = !p.id.is_empty()
                && p.id
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !id_ok {
                return Err(invalid(
                    what,
                    "ids are lower-case letters, digits and `_`".into(),
                ));
            }
            if priority.iter().any(|s| s.id == p.id) {
                return Err(invalid(what, "listed twice".into()));
            }
            if p.sections.is_empty() {
                return Err(invalid(
                    what,
                    "a sector needs at least one SIC 2007 section".into(),
                ));
            }
            if let Some(bad) = p
                .subject_areas
                .iter()
                .find(|c| !(1..=SSA_TIER1).contains(c))
            {
                return Err(invalid(
                    what,
                    format!("subject area {bad} is not an SSA tier 1 code (1 to {SSA_TIER1})"),
                ));
            }
            if let Some(bad) = p
                .projection_industries
                .iter()
                .find(|i| !PROJECTION_INDUSTRIES.contains(&i.as_str()))
            {
                return Err(invalid(
                    what,
                    format!(
                        "`{bad}` is not a Skills Imperative industry group; expected one of: {}",
                        PROJECTION_INDUSTRIES.join(", ")
                    ),
                ));
            }
            priority.push(PrioritySector {
                sections: sections(&what, &p.sections)?,
                projection_industries: p.projection_industries,
                id: p.id,
                title: p.title,
                subject_areas: p.subject_areas,
                note: p.note,
            });
        }
        Ok(Sectors {
            subject_areas,
            priority,
        })
    }

    /// Every SSA tier 1 code, in code order.
    pub fn subject_areas(&self) -> &[SubjectArea] {
        &self.subject_areas
    }

    pub fn subject_area(&self, ssa: u8) -> Option<&SubjectArea> {
        self.subject_areas.iter().find(|s| s.ssa == ssa)
    }

    pub fn priority(&self) -> &[PrioritySector] {
        &self.priority
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(text: &str) -> String {
        Sectors::parse(text, "s.toml").unwrap_err().to_string()
    }

    fn with_all_subject_areas(extra: &str) -> String {
        let mut s = String::new();
        for c in 1..=SSA_TIER1 {
            s.push_str(&format!(
                "[[subject_area]]\nssa = {c}\ntitle = \"S{c}\"\nsections = []\n\n"
            ));
        }
        s + extra
    }

    #[test]
    fn the_bundled_file_has_every_subject_area_and_the_hubs_six_priority_sectors() {
        let s = Sectors::bundled();
        assert_eq!(s.subject_areas().len(), 15);
        assert_eq!(
            s.subject_area(6).unwrap().title,
            "Information and Communication Technology"
        );
        let ids: Vec<&str> = s.priority().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(
            ids,
            [
                "advanced_manufacturing",
                "energy_low_carbon",
                "digital",
                "health_social_care",
                "construction",
                "visitor_economy"
            ]
        );
        assert_eq!(s.priority()[5].sections, [Section('I'), Section('R')]);
    }

    #[test]
    fn a_wrong_file_is_refused_naming_the_entry_and_the_problem() {
        let one = "[[subject_area]]\nssa = 1\ntitle = \"H\"\nsections = [\"Q\"]\n";
        assert!(err(one).contains("missing: 2, 3"), "{}", err(one));
        let bad_section =
            with_all_subject_areas("").replacen("sections = []", "sections = [\"Z\"]", 1);
        assert!(
            err(&bad_section).contains("subject_area ssa = 1: `Z` is not a SIC 2007 section"),
            "{}",
            err(&bad_section)
        );
        let sector = |body: &str| {
            with_all_subject_areas(&format!(
                "[[priority_sector]]\nid = \"x\"\ntitle = \"X\"\n{body}\n"
            ))
        };
        let no_sections = sector("sections = []\nsubject_areas = [1]");
        assert!(err(&no_sections).contains("priority_sector `x`: a sector needs at least one"));
        let bad_ssa = sector("sections = [\"C\"]\nsubject_areas = [16]");
        assert!(err(&bad_ssa).contains("subject area 16 is not an SSA tier 1 code"));
        let twice = sector("sections = [\"C\", \"C\"]\nsubject_areas = [4]");
        assert!(err(&twice).contains("section C is listed twice"));
        let industry =
            sector("sections = [\"C\"]\nsubject_areas = [4]\nprojection_industries = [\"Cars\"]");
        assert!(err(&industry).contains("`Cars` is not a Skills Imperative industry group"));
        let unknown_key = sector("sections = [\"C\"]\nsubject_areas = [4]\nsic = 1");
        assert!(
            err(&unknown_key).contains("unknown field `sic`"),
            "{}",
            err(&unknown_key)
        );
    }

    #[test]
    fn sections_are_single_letters_a_to_u() {
        assert_eq!(
            Section::parse("C").map(Section::title),
            Some("Manufacturing")
        );
        for bad in ["", "V", "c", "CC", "1"] {
            assert_eq!(Section::parse(bad), None, "{bad}");
        }
    }
}
