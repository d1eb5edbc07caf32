//! Employment projections ("The Skills Imperative 2035", Working Futures methodology): modelled
//! employment by sector, industry group and occupation, 2015-2035, with net change, replacement
//! demand and total requirement 2020-2035. Model output, never an observation: they are served
//! in their own table with the model named, and no indicator reads them.
//!
//! In the observations table a projection is one row per (area, period, measure) where the
//! measure names the classification, the item and the quantity ([`projection_measure`]).

use serde::Serialize;

pub const MODEL: &str = "The Skills Imperative 2035, Working Futures methodology";
pub const MODEL_PUBLISHER: &str = "Warwick Institute for Employment Research and NFER for the Nuffield Foundation (used by DfE's Local Skills Dashboard)";
/// Every value is in thousands of jobs.
pub const UNIT: &str = "thousands of jobs";
/// The period of changes and requirements.
pub const CHANGE_PERIOD: &str = "2020-2035";

/// The classifications the workbooks tabulate.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectionClassification {
    /// 6 broad sectors (SIC 2007), table `Ind T1`.
    // Serialised (and so named in the OpenAPI document) as `as_str` spells it, the id the API
    // accepts and returns.
    #[serde(rename = "sic2007_sectors_6")]
    Sectors,
    /// 22 industry groups (SIC 2007), table `Ind T2` (levels only: no replacement demand).
    #[serde(rename = "sic2007_industry_groups_22")]
    IndustryGroups,
    /// 9 SOC 2020 major groups, table `Occ T1`.
    Soc2020MajorGroups,
    /// 26 SOC 2020 sub-major groups, table `Occ T2`.
    Soc2020SubMajorGroups,
}

impl ProjectionClassification {
    pub const ALL: [ProjectionClassification; 4] = [
        ProjectionClassification::Sectors,
        ProjectionClassification::IndustryGroups,
        ProjectionClassification::Soc2020MajorGroups,
        ProjectionClassification::Soc2020SubMajorGroups,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectionClassification::Sectors => "sic2007_sectors_6",
            ProjectionClassification::IndustryGroups => "sic2007_industry_groups_22",
            ProjectionClassification::Soc2020MajorGroups => "soc2020_major_groups",
            ProjectionClassification::Soc2020SubMajorGroups => "soc2020_sub_major_groups",
        }
    }

    pub fn parse(s: &str) -> Option<ProjectionClassification> {
        Self::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// What a projection value measures.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProjectionQuantity {
    /// Employment (jobs) in the period's year.
    Employment,
    /// Employment in 2035 minus employment in 2020.
    NetChange,
    /// Job openings 2020-2035 from people leaving (retirement, mortality, migration, leaving the
    /// occupation).
    ReplacementDemand,
    /// Net change plus replacement demand: all job openings 2020-2035.
    TotalRequirement,
}

impl ProjectionQuantity {
    pub const ALL: [ProjectionQuantity; 4] = [
        ProjectionQuantity::Employment,
        ProjectionQuantity::NetChange,
        ProjectionQuantity::ReplacementDemand,
        ProjectionQuantity::TotalRequirement,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProjectionQuantity::Employment => "employment",
            ProjectionQuantity::NetChange => "net_change",
            ProjectionQuantity::ReplacementDemand => "replacement_demand",
            ProjectionQuantity::TotalRequirement => "total_requirement",
        }
    }
}

/// One projection measure: what it counts, for which item of which classification.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectionMeasure<'a> {
    pub classification: ProjectionClassification,
    /// The item's code (SOC code, or its position in the table: `01`, `02`, …; `total`).
    pub item: &'a str,
    pub label: &'a str,
    pub quantity: ProjectionQuantity,
}

const PREFIX: &str = "projection|";
/// The item code of a table's total row ("All industries", "All occupations").
pub const TOTAL_ITEM: &str = "total";

pub fn projection_measure(m: &ProjectionMeasure<'_>) -> String {
    format!(
        "{PREFIX}{}|{}|{}|{}",
        m.classification.as_str(),
        m.item,
        m.label,
        m.quantity.as_str()
    )
}

pub fn parse_projection_measure(s: &str) -> Option<ProjectionMeasure<'_>> {
    let mut it = s.strip_prefix(PREFIX)?.split('|');
    let classification = ProjectionClassification::parse(it.next()?)?;
    let (item, label, quantity) = (it.next()?, it.next()?, it.next()?);
    let quantity = ProjectionQuantity::ALL
        .into_iter()
        .find(|q| q.as_str() == quantity)?;
    it.next().is_none().then_some(ProjectionMeasure {
        classification,
        item,
        label,
        quantity,
    })
}

pub const CAVEATS: &[&str] = &[
    "Model projections, not observations: The Skills Imperative 2035 (Working Futures \
     methodology, main scenario), as used by DfE's Local Skills Dashboard. Never compare them \
     with survey or census counts as if they were a series.",
    "Thousands of jobs (workplace-based employment), unrounded model output: differences of a \
     few hundred are not meaningful.",
    "Total requirement = net change 2020-2035 + replacement demand (openings from people \
     leaving). The 22 industry groups have employment levels only.",
    "Published for LSIP areas and England only: not built for other areas (model output cannot \
     be added up or split).",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_measures_round_trip() {
        let m = ProjectionMeasure {
            classification: ProjectionClassification::Soc2020SubMajorGroups,
            item: "23",
            label: "Teaching and other educational professionals",
            quantity: ProjectionQuantity::TotalRequirement,
        };
        assert_eq!(parse_projection_measure(&projection_measure(&m)), Some(m));
        assert_eq!(
            parse_projection_measure("projection|x|1|y|employment"),
            None
        );
        assert_eq!(parse_projection_measure("ts063_total"), None);
    }
}

#[cfg(test)]
mod classification_names {
    use super::*;

    #[test]
    fn serialised_names_are_the_ids_the_api_accepts() {
        for c in ProjectionClassification::ALL {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(json, format!("\"{}\"", c.as_str()));
        }
    }
}
