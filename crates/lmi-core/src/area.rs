//! Area types (the kinds of geography lmi publishes for) and areas.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kinds of geography lmi publishes values for.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AreaType {
    Lad,
    Ttwa,
    /// A named group of whole districts defined by a hub in its area groups file (codes
    /// `G-<slug>`, never ONS codes); see `lmi_core::groups`.
    Group,
    County,
    /// Local Enterprise Partnerships as of April 2021 (DfE's set): a district in two LEPs is a
    /// member of both, so LEP totals equal DfE's own.
    Lep,
    Lsip,
    CombinedAuthority,
    Region,
    Country,
}

impl AreaType {
    pub const ALL: [AreaType; 9] = [
        AreaType::Lad,
        AreaType::Ttwa,
        AreaType::Group,
        AreaType::County,
        AreaType::Lep,
        AreaType::Lsip,
        AreaType::CombinedAuthority,
        AreaType::Region,
        AreaType::Country,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AreaType::Lad => "lad",
            AreaType::Ttwa => "ttwa",
            AreaType::Group => "group",
            AreaType::County => "county",
            AreaType::Lep => "lep",
            AreaType::Lsip => "lsip",
            AreaType::CombinedAuthority => "combined_authority",
            AreaType::Region => "region",
            AreaType::Country => "country",
        }
    }

    /// Plain-English label, for people rather than programs.
    pub fn label(self) -> &'static str {
        match self {
            AreaType::Lad => "Local authority district",
            AreaType::Ttwa => "Travel to Work Area (2011)",
            AreaType::Group => "Area group",
            AreaType::County => "County",
            AreaType::Lep => "Local Enterprise Partnership (as of April 2021, DfE's set)",
            AreaType::Lsip => "Local Skills Improvement Plan area",
            AreaType::CombinedAuthority => "Combined authority",
            AreaType::Region => "Region",
            AreaType::Country => "Country",
        }
    }

    /// The label inside a sentence ("… is a local enterprise partnership (as of April 2021,
    /// DfE's set)"): lower case up to the first bracket, the bracketed note as written.
    pub fn label_in_sentence(self) -> String {
        let label = self.label();
        let (name, note) = label.split_at(label.find('(').unwrap_or(label.len()));
        name.to_lowercase() + note
    }
}

impl fmt::Display for AreaType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An area type name that lmi does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown area type `{0}`; expected one of lad, ttwa, group, county, lep, lsip, combined_authority, region, country"
)]
pub struct UnknownAreaType(pub String);

impl FromStr for AreaType {
    type Err = UnknownAreaType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        AreaType::ALL
            .into_iter()
            .find(|t| t.as_str() == s)
            .ok_or_else(|| UnknownAreaType(s.to_owned()))
    }
}

/// One area: a GSS code, its official name and its type.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Area {
    pub code: String,
    pub name: String,
    #[serde(rename = "type", alias = "area_type")]
    pub area_type: AreaType,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn area_types_round_trip_through_their_names() {
        for t in AreaType::ALL {
            assert_eq!(t.as_str().parse::<AreaType>(), Ok(t));
        }
        assert!("district".parse::<AreaType>().is_err());
    }

    #[test]
    fn labels_in_sentences_keep_their_bracketed_note_as_written() {
        assert_eq!(
            AreaType::Lep.label_in_sentence(),
            "local enterprise partnership (as of April 2021, DfE's set)"
        );
        assert_eq!(
            AreaType::Lad.label_in_sentence(),
            "local authority district"
        );
    }
}
