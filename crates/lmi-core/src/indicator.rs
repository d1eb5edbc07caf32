//! Indicator definitions: what each published number means, how it is built and its caveats.
//! Reviewed like data: every definition sits next to its caveats.

use serde::Serialize;

/// How values of an indicator combine across areas.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// `sum(numerator) / sum(denominator)` over the areas combined; never an average of rates.
    RatioOfSums,
}

/// What a period label counts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodType {
    /// The academic year in which destinations were measured (KS4 taken the year before).
    DestinationYear,
    /// The census reference year.
    CensusYear,
}

/// One measure read from a source: the id it has in the observations table and what it counts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MeasureRef {
    pub measure: &'static str,
    pub label: &'static str,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorDef {
    pub id: &'static str,
    pub title: &'static str,
    /// One or two plain sentences for careers advisers.
    pub description: &'static str,
    /// The exact definition, for analysts.
    pub definition: &'static str,
    pub unit: &'static str,
    pub numerator: MeasureRef,
    pub denominator: MeasureRef,
    pub aggregation: Aggregation,
    pub period_type: PeriodType,
    /// Catalogue id of the source the measures come from.
    pub source: &'static str,
    pub source_title: &'static str,
    pub publisher: &'static str,
    pub licence: &'static str,
    pub higher_is_better: Option<bool>,
    pub caveats: &'static [&'static str],
}

pub const INDICATORS: &[IndicatorDef] = &[
    IndicatorDef {
        id: "ks4_apprenticeship_rate",
        title: "Apprenticeship progression after GCSEs (KS4)",
        description: "Out of every 100 young people who finished Year 11 in state-funded mainstream \
            schools in the area, how many went on to a sustained apprenticeship the next year.",
        definition: "Pupils at state-funded mainstream schools in the area (by school location) whose \
            sustained destination in the year after key stage 4 was an apprenticeship, divided by all \
            pupils in the KS4 cohort, times 100. For combined areas: sum of apprenticeship \
            destinations over sum of cohorts.",
        unit: "%",
        numerator: MeasureRef {
            measure: "ks4_appren",
            label: "Pupils with a sustained apprenticeship destination",
        },
        denominator: MeasureRef {
            measure: "ks4_cohort",
            label: "Pupils in the KS4 cohort",
        },
        aggregation: Aggregation::RatioOfSums,
        period_type: PeriodType::DestinationYear,
        source: "dfe_ks4_destinations_lad",
        source_title: "Key stage 4 destination measures (DfE, Explore Education Statistics)",
        publisher: "Department for Education",
        licence: crate::OGL_LICENCE,
        higher_is_better: Some(true),
        caveats: &[
            "Periods are destination years: '2022/23' counts pupils who finished KS4 in 2021/22 and \
             their sustained destination during 2022/23. DfE's national file labels the same cohort \
             one year earlier; lmi uses the local authority file's labels.",
            "Pupils are counted where their school is (provider location), not where they live.",
            "A destination is sustained if the young person stayed in it for the first two terms \
             (October to March) of the year after KS4.",
            "Values for local authorities that later merged are the sum of their predecessor \
             districts, so a series runs across the 2019-2023 boundary changes.",
            "Travel to Work Area values are built from whole local authorities (best fit) and are \
             approximate: see `coverage`.",
        ],
    },
    IndicatorDef {
        id: "census_level4plus_share",
        title: "Residents qualified to Level 4 or above (Census 2021)",
        description: "Out of every 100 residents aged 16 and over, how many hold a qualification at \
            Level 4 or above (a higher technical qualification, a degree or higher).",
        definition: "Usual residents aged 16 and over whose highest qualification is Level 4 or above \
            (Census 2021 table TS067), divided by all usual residents aged 16 and over, times 100.",
        unit: "%",
        numerator: MeasureRef {
            measure: "ts067_level4plus",
            label: "Residents 16+ with Level 4 qualifications and above",
        },
        denominator: MeasureRef {
            measure: "ts067_total",
            label: "All usual residents aged 16 and over",
        },
        aggregation: Aggregation::RatioOfSums,
        period_type: PeriodType::CensusYear,
        source: "census2021_ts067_lad",
        source_title: "Census 2021 TS067: Highest level of qualification (ONS)",
        publisher: "Office for National Statistics",
        licence: crate::OGL_LICENCE,
        higher_is_better: Some(true),
        caveats: &[
            "Census counts carry ONS statistical disclosure control (cell-key perturbation), so sums \
             of small areas can differ by a few people from figures ONS publishes directly.",
            "Apprenticeships are a separate TS067 category and are not counted in Level 4+, even \
             higher or degree apprenticeships.",
            "Travel to Work Area values are built from whole local authorities (best fit) and are \
             approximate: see `coverage`.",
        ],
    },
];

pub fn find_indicator(id: &str) -> Option<&'static IndicatorDef> {
    INDICATORS.iter().find(|d| d.id == id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indicator_ids_are_unique_snake_case() {
        let mut ids: Vec<_> = INDICATORS.iter().map(|d| d.id).collect();
        for id in &ids {
            assert!(
                id.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_'),
                "{id} is not snake_case"
            );
        }
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), INDICATORS.len());
        assert_eq!(find_indicator("ks4_apprenticeship_rate").unwrap().unit, "%");
        assert!(find_indicator("rate2").is_none());
    }
}
