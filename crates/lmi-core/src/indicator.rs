//! Indicator definitions: what each published number means, how it is built, which geographies
//! it exists for and its caveats. Reviewed like data: every definition sits next to its caveats.

use serde::Serialize;

/// How an indicator's values are obtained for areas larger than a district.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Aggregation {
    /// `sum(numerator) / sum(denominator) * per` over the districts combined; never an average
    /// of rates. Available for every geography.
    RatioOfSums,
    /// An additive count: the sum over the districts combined. Available for every geography.
    Sum,
    /// `sum(numerator) / sum(denominator) * per` over the counties and unitary authorities an area
    /// is made of, for sources published only for those (upper tier). Served for counties,
    /// unitaries and every area made exactly of them; two-tier districts and TTWAs get a
    /// `not_applicable` row instead of a value.
    UpperTier,
    /// Not aggregable (medians, survey estimates, rates without published counts): served only
    /// for the areas the publisher publishes, as published (or, with a denominator, as the
    /// ratio of that area's own published counts), with the confidence interval when there is one.
    Published,
    /// `sum(numerator) / sum(denominator) * per` as `RatioOfSums`, with the numerator summed from
    /// the indicator's `source` and the denominator from `denominator_source`, over the same
    /// districts and the same period label. A period or area missing on either side has no
    /// value (never a zero). Available for every geography.
    RatioOfSumsAcrossSources { denominator_source: &'static str },
}

/// What a period label counts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodType {
    /// The academic year in which destinations were measured (the cohort finished the year before).
    DestinationYear,
    /// An academic year (August to July), e.g. `2021/22`.
    AcademicYear,
    /// The census reference year.
    CensusYear,
    /// A calendar year (January to December), e.g. APS `2022` = Jan-Dec 2022.
    CalendarYear,
    /// The survey reference date's year (ASHE: April).
    SurveyYear,
    /// A mid-year (30 June) population estimate's year.
    MidYear,
}

/// One measure read from a source: the id it has in the observations table and what it counts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct MeasureRef {
    pub measure: &'static str,
    pub label: &'static str,
}

/// How a confidence interval is read from the observations.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum ConfidenceInterval {
    /// Published lower and upper bounds of the value (95%).
    Bounds {
        lower: &'static str,
        upper: &'static str,
    },
    /// A published ± half-width on the numerator count (APS); the share's interval is that
    /// half-width over the denominator, treating the denominator as fixed (an approximation).
    NumeratorPlusMinus { measure: &'static str },
}

/// A change of definition between two periods.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct SeriesBreak {
    /// First period on the new basis.
    pub period: &'static str,
    pub note: &'static str,
}

/// What an indicator's numbers are: matched as a type, never by string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// A percentage (0-100).
    Percent,
    /// A change in percent.
    PercentChange,
    /// An index (comparable across areas and years, not a count).
    Index,
    /// A rate per 100,000 people.
    Per100k,
    /// Pounds a week.
    PoundsPerWeek,
    /// Pounds of output per hour worked (GVA, current prices).
    PoundsPerHour,
    /// Pounds of output per filled job (GVA, current prices).
    PoundsPerJob,
    /// A rate per 1,000 residents aged 16-64.
    Per1kWorkingAge,
    /// A number of things, named (`achievements`, `starts`, `learners`).
    Count(&'static str),
}

impl Unit {
    /// As written in responses, tables and charts.
    pub const fn as_str(self) -> &'static str {
        match self {
            Unit::Percent => "%",
            Unit::PercentChange => "% change",
            Unit::Index => "index",
            Unit::Per100k => "per 100,000 population",
            Unit::PoundsPerWeek => "£ per week",
            Unit::PoundsPerHour => "£ per hour worked",
            Unit::PoundsPerJob => "£ per filled job",
            Unit::Per1kWorkingAge => "per 1,000 residents aged 16-64",
            Unit::Count(noun) => noun,
        }
    }
}

impl std::fmt::Display for Unit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl serde::Serialize for Unit {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct IndicatorDef {
    pub id: &'static str,
    /// Groups indicators on profile pages.
    pub topic: &'static str,
    pub title: &'static str,
    /// One or two plain sentences for careers advisers.
    pub description: &'static str,
    /// The exact definition, for analysts.
    pub definition: &'static str,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "%"))]
    pub unit: Unit,
    /// What numerator / denominator is multiplied by when lmi computes a value: 100 for a
    /// percentage, 100,000 for a rate per 100,000 people, 1 for a count. It follows `unit`, also
    /// for published values, so the two never disagree.
    pub per: f64,
    pub numerator: MeasureRef,
    pub denominator: Option<MeasureRef>,
    pub aggregation: Aggregation,
    pub confidence_interval: Option<ConfidenceInterval>,
    pub period_type: PeriodType,
    /// Catalogue id of the source the measures come from.
    pub source: &'static str,
    /// A source with the same measures by small area (LSOA), from which TTWA values are built
    /// exactly instead of by best fit from districts, when it is present.
    pub small_area_source: Option<&'static str>,
    pub source_title: &'static str,
    pub publisher: &'static str,
    pub licence: &'static str,
    /// `None` when neither direction is better (e.g. a share of one qualification level).
    pub higher_is_better: Option<bool>,
    pub series_breaks: &'static [SeriesBreak],
    pub caveats: &'static [&'static str],
}

impl IndicatorDef {
    /// Every catalogue source this indicator's values are computed from: its own, the
    /// small-area one and the denominator's (a value is as stale as the stalest of them).
    pub fn sources(&self) -> impl Iterator<Item = &'static str> + use<> {
        std::iter::once(self.source)
            .chain(self.small_area_source)
            .chain(self.denominator_source())
    }

    /// The source of the denominator when it is not the indicator's own.
    pub fn denominator_source(&self) -> Option<&'static str> {
        match self.aggregation {
            Aggregation::RatioOfSumsAcrossSources { denominator_source } => {
                Some(denominator_source)
            }
            _ => None,
        }
    }

    /// Area types this indicator has values for.
    pub fn geographies(&self) -> &'static [&'static str] {
        match self.aggregation {
            Aggregation::RatioOfSums
            | Aggregation::Sum
            | Aggregation::RatioOfSumsAcrossSources { .. } => &[
                "lad",
                "ttwa",
                "county",
                "lep",
                "lsip",
                "combined_authority",
                "region",
                "country",
            ],
            Aggregation::UpperTier => &[
                "county",
                "lad (unitary authorities only)",
                "lep",
                "lsip",
                "combined_authority",
                "region",
                "country",
            ],
            Aggregation::Published => &["as published by the source"],
        }
    }
}

/// Status flags and what they mean, served with the catalogue.
pub const STATUS_NOTES: &[(&str, &str)] = &[
    ("ok", "Published as is."),
    (
        "suppressed",
        "Withheld by the publisher (DfE c/low/~, Nomis Q, APS !) or, for a combined area, because \
         at least one of its districts was withheld: the rest would understate it. Never zero.",
    ),
    (
        "low_reliability",
        "Survey estimate the publisher flags as unreliable (APS * or u): use with care.",
    ),
    ("not_applicable", "Not applicable (DfE z)."),
    (
        "unavailable",
        "Not available from the publisher (DfE x, ONS x) or no denominator.",
    ),
    ("estimated", "Estimated rather than counted."),
    (
        "series_break",
        "First period after a change of definition: compare with earlier periods with care.",
    ),
];

/// Notes on flags that are not statuses.
pub const FLAG_NOTES: &[(&str, &str)] = &[
    (
        "approximate",
        "Built by best fit from whole local authority districts (Travel to Work Areas cross \
         district boundaries); `coverage` is the share of the area's residents living in the \
         districts used.",
    ),
    (
        "constituents",
        "How many current districts' data went into the value.",
    ),
];

const DFE: &str = "Department for Education";
const ONS: &str = "Office for National Statistics";
const OGL: &str = crate::OGL_LICENCE;

/// DfE's 2023/24 destination releases changed both the period labels and the publication.
const DESTINATIONS_BREAKS: &[SeriesBreak] = &[SeriesBreak {
    period: "2023/24",
    note: "From the 2023/24 release DfE labels periods by the year pupils finished key stage 4 \
        (or 16-18 study) instead of the year their destination was measured, and changed the \
        publication's methodology and file format. lmi relabels periods to destination years so \
        the series stays continuous, but compare 2023/24 with earlier years with care.",
}];
const DESTINATIONS_BREAK_CAVEAT: &str = "2023/24 is the first destination year from DfE's \
    changed publication (new methodology and file format): compare it with earlier years with care.";

const KS4_SOURCE: &str = "dfe_ks4_destinations_lad";
const KS4_TITLE: &str = "Key stage 4 destination measures (DfE, Explore Education Statistics)";
const KS4_COHORT: MeasureRef = MeasureRef {
    measure: "ks4_cohort",
    label: "Pupils in the KS4 cohort",
};
const KS4_CAVEATS: &[&str] = &[
    "Periods are destination years: '2022/23' counts pupils who finished KS4 in 2021/22 and \
     their sustained destination during 2022/23. From the 2023/24 release DfE labels the same \
     cohort one year earlier (by the year it finished KS4); lmi relabels those periods to \
     destination years.",
    DESTINATIONS_BREAK_CAVEAT,
    "Pupils at state-funded mainstream schools, counted where their school is (provider \
     location), not where they live.",
    "A destination is sustained if the young person stayed in it for the first two terms \
     (October to March) of the year after KS4.",
    "Values for local authorities that later merged are the sum of their predecessor districts, \
     so a series runs across the 2019-2023 boundary changes.",
    "Travel to Work Area values are built from whole local authorities (best fit) and are \
     approximate: see `coverage`.",
];

const POST16_SOURCE: &str = "dfe_16_18_destinations_lad";
const POST16_TITLE: &str = "16-18 destination measures (DfE, Explore Education Statistics)";
const POST16_COHORT: MeasureRef = MeasureRef {
    measure: "post16_cohort",
    label: "Students in the 16-18 cohort",
};
const POST16_CAVEATS: &[&str] = &[
    "Periods are destination years: students who finished 16-18 study the year before. From the \
     2023/24 release DfE labels periods by the year students finished; lmi relabels them to \
     destination years.",
    DESTINATIONS_BREAK_CAVEAT,
    "Students at state-funded mainstream schools and colleges, counted where they studied \
     (provider location); all qualification levels together.",
    "A destination is sustained if the student stayed in it for the first two terms of the year \
     after 16-18 study.",
    "Travel to Work Area values are built from whole local authorities (best fit) and are \
     approximate: see `coverage`.",
];

const CENSUS_SOURCE: &str = "census2021_ts067_lad";
const CENSUS_TITLE: &str = "Census 2021 TS067: Highest level of qualification (ONS)";
const CENSUS_TOTAL: MeasureRef = MeasureRef {
    measure: "ts067_total",
    label: "All usual residents aged 16 and over",
};
/// Said wherever Level 4 or above is shown: the Level 4/5 "missing middle" is not in our files.
pub const LEVEL4_MISSING_MIDDLE: &str = "Level 4 or above covers HNCs, HNDs, foundation degrees, \
     higher apprenticeship qualifications and degrees together: the census and APS tables lmi \
     reads do not split Level 4/5 from degree level (Level 6+), so the Level 4/5 \"missing \
     middle\" cannot be measured from them, and lmi does not estimate it.";

const CENSUS_CAVEATS: &[&str] = &[
    "Census counts carry ONS statistical disclosure control (cell-key perturbation), so sums of \
     small areas can differ by a few people from figures ONS publishes directly.",
    "Apprenticeships are a separate TS067 category and are not counted in Level 3 or Level 4+, \
     even advanced, higher or degree apprenticeships.",
    LEVEL4_MISSING_MIDDLE,
    "Travel to Work Area values are summed exactly from 2021 LSOAs when the LSOA table is \
     available (3 of 33,755 LSOAs straddle a TTWA boundary and are assigned to the TTWA of most \
     of their 2011 LSOAs); otherwise they are best fit from whole districts and approximate.",
];

const FE_SOURCE: &str = "dfe_fe_achievements_lad";
const FE_TITLE: &str = "Further education and skills: participation and achievements (DfE, ILR)";
const FE_CAVEATS: &[&str] = &[
    "Counted by learner home location. DfE rounds every count to the nearest 10, so sums over \
     districts can differ from DfE's own regional and national totals by rounding.",
    "Academic years (August to July).",
];

const FE_APPRENTICESHIP_STARTS: MeasureRef = MeasureRef {
    measure: "fe_apprenticeships_starts",
    label: "Apprenticeship starts",
};
const FE_PARTICIPATION: MeasureRef = MeasureRef {
    measure: "fe_further_education_and_skills_participation",
    label: "Further education and skills learners",
};
const FE_POPULATION: MeasureRef = MeasureRef {
    measure: "fe_population_estimate",
    label: "Population estimate published with the FE file (DfE)",
};
const PER_100K: Unit = Unit::Per100k;
const FE_RATE_CAVEATS: &[&str] = &[
    FE_CAVEATS[0],
    FE_CAVEATS[1],
    "Rates are computed by lmi as the count over DfE's population estimate times 100,000 (for \
     combined areas, the sum of counts over the sum of populations); DfE's own published rates \
     are not used, so they can differ slightly by rounding.",
];

const ELS_SOURCE_TITLE: &str = "ONS Explore Local Statistics";

const fn ks4(
    id: &'static str,
    title: &'static str,
    description: &'static str,
    definition: &'static str,
    numerator: MeasureRef,
    higher_is_better: Option<bool>,
) -> IndicatorDef {
    IndicatorDef {
        id,
        topic: "ks4_destinations",
        title,
        description,
        definition,
        unit: Unit::Percent,
        per: 100.0,
        numerator,
        denominator: Some(KS4_COHORT),
        aggregation: Aggregation::RatioOfSums,
        confidence_interval: None,
        period_type: PeriodType::DestinationYear,
        source: KS4_SOURCE,
        small_area_source: None,
        source_title: KS4_TITLE,
        publisher: DFE,
        licence: OGL,
        higher_is_better,
        series_breaks: DESTINATIONS_BREAKS,
        caveats: KS4_CAVEATS,
    }
}

const fn post16(
    id: &'static str,
    title: &'static str,
    description: &'static str,
    numerator: MeasureRef,
    higher_is_better: Option<bool>,
) -> IndicatorDef {
    IndicatorDef {
        id,
        topic: "post16_destinations",
        title,
        description,
        definition: "Students in the 16-18 cohort at state-funded mainstream schools and colleges \
            in the area whose sustained destination was as stated, divided by the cohort, times \
            100; for combined areas the sum of destinations over the sum of cohorts.",
        unit: Unit::Percent,
        per: 100.0,
        numerator,
        denominator: Some(POST16_COHORT),
        aggregation: Aggregation::RatioOfSums,
        confidence_interval: None,
        period_type: PeriodType::DestinationYear,
        source: POST16_SOURCE,
        small_area_source: None,
        source_title: POST16_TITLE,
        publisher: DFE,
        licence: OGL,
        higher_is_better,
        series_breaks: DESTINATIONS_BREAKS,
        caveats: POST16_CAVEATS,
    }
}

const fn census(
    id: &'static str,
    title: &'static str,
    description: &'static str,
    numerator: MeasureRef,
    higher_is_better: Option<bool>,
) -> IndicatorDef {
    IndicatorDef {
        id,
        topic: "qualifications",
        title,
        description,
        definition: "Usual residents aged 16 and over whose highest qualification is in the \
            stated Census 2021 TS067 category, divided by all usual residents aged 16 and over, \
            times 100; for combined areas the sum of counts over the sum of residents.",
        unit: Unit::Percent,
        per: 100.0,
        numerator,
        denominator: Some(CENSUS_TOTAL),
        aggregation: Aggregation::RatioOfSums,
        confidence_interval: None,
        period_type: PeriodType::CensusYear,
        source: CENSUS_SOURCE,
        small_area_source: Some("census2021_ts067_lsoa"),
        source_title: CENSUS_TITLE,
        publisher: ONS,
        licence: OGL,
        higher_is_better,
        series_breaks: &[],
        caveats: CENSUS_CAVEATS,
    }
}

/// An FE count: the sum over districts.
const fn fe(
    id: &'static str,
    title: &'static str,
    description: &'static str,
    definition: &'static str,
    unit: Unit,
    numerator: MeasureRef,
) -> IndicatorDef {
    IndicatorDef {
        id,
        topic: "apprenticeships_and_fe",
        title,
        description,
        definition,
        unit,
        per: 1.0,
        numerator,
        denominator: None,
        aggregation: Aggregation::Sum,
        confidence_interval: None,
        period_type: PeriodType::AcademicYear,
        source: FE_SOURCE,
        small_area_source: None,
        source_title: FE_TITLE,
        publisher: DFE,
        licence: OGL,
        higher_is_better: None,
        series_breaks: &[],
        caveats: FE_CAVEATS,
    }
}

/// An FE count per 100,000 people: ratio of sums over DfE's population estimates, so that
/// combined areas get a true rate, never an average of district rates.
const fn fe_rate(
    id: &'static str,
    title: &'static str,
    description: &'static str,
    definition: &'static str,
    numerator: MeasureRef,
) -> IndicatorDef {
    IndicatorDef {
        unit: PER_100K,
        per: 100_000.0,
        denominator: Some(FE_POPULATION),
        aggregation: Aggregation::RatioOfSums,
        caveats: FE_RATE_CAVEATS,
        ..fe(id, title, description, definition, PER_100K, numerator)
    }
}

const ACHIEVEMENTS_DEFINITION: &str = "Achievements recorded in the Individualised Learner \
    Record for learners living in the area, in the academic year; for combined areas the sum \
    over districts.";

pub const INDICATORS: &[IndicatorDef] = &[
    ks4(
        "ks4_apprenticeship_rate",
        "Apprenticeship progression after GCSEs (KS4)",
        "Out of every 100 young people who finished Year 11 in state-funded mainstream schools in \
         the area, how many went on to a sustained apprenticeship the next year.",
        "Pupils at state-funded mainstream schools in the area (by school location) whose \
         sustained destination in the year after key stage 4 was an apprenticeship, divided by all \
         pupils in the KS4 cohort, times 100. For combined areas: sum of apprenticeship \
         destinations over sum of cohorts.",
        MeasureRef {
            measure: "ks4_appren",
            label: "Pupils with a sustained apprenticeship destination",
        },
        Some(true),
    ),
    ks4(
        "ks4_sustained_education_rate",
        "Staying in education after GCSEs (KS4)",
        "Out of every 100 young people who finished Year 11 here, how many stayed in education \
         (school sixth form, sixth-form college, FE college or other) for the whole next year.",
        "Pupils whose sustained destination in the year after KS4 was education (any provider), \
         divided by the KS4 cohort, times 100; ratio of sums for combined areas.",
        MeasureRef {
            measure: "ks4_education",
            label: "Pupils with a sustained education destination",
        },
        Some(true),
    ),
    ks4(
        "ks4_sustained_employment_rate",
        "Going into work after GCSEs (KS4)",
        "Out of every 100 young people who finished Year 11 here, how many were in sustained \
         employment the next year.",
        "Pupils whose sustained destination in the year after KS4 was employment, divided by the \
         KS4 cohort, times 100; ratio of sums for combined areas.",
        MeasureRef {
            measure: "ks4_all_work",
            label: "Pupils with a sustained employment destination",
        },
        Some(true),
    ),
    ks4(
        "ks4_not_sustained_rate",
        "No sustained destination after GCSEs (KS4)",
        "Out of every 100 young people who finished Year 11 here, how many did not stay in \
         education, an apprenticeship or work for the whole next year.",
        "Pupils whose destination in the year after KS4 was not sustained, divided by the KS4 \
         cohort, times 100; ratio of sums for combined areas.",
        MeasureRef {
            measure: "ks4_all_notsust",
            label: "Pupils without a sustained destination",
        },
        Some(false),
    ),
    ks4(
        "ks4_unknown_destination_rate",
        "Destination not known after GCSEs (KS4)",
        "Out of every 100 young people who finished Year 11 here, how many could not be traced \
         in the data.",
        "Pupils whose destination in the year after KS4 is unknown, divided by the KS4 cohort, \
         times 100; ratio of sums for combined areas.",
        MeasureRef {
            measure: "ks4_all_unknown",
            label: "Pupils with an unknown destination",
        },
        Some(false),
    ),
    post16(
        "post16_apprenticeship_rate",
        "Apprenticeship progression after 16-18 study",
        "Out of every 100 students who finished 16-18 study (A levels, T levels, BTECs and other \
         courses) here, how many went on to a sustained apprenticeship.",
        MeasureRef {
            measure: "post16_appren",
            label: "Students with a sustained apprenticeship destination",
        },
        Some(true),
    ),
    post16(
        "post16_sustained_education_rate",
        "Staying in education after 16-18 study",
        "Out of every 100 students who finished 16-18 study here, how many went on to sustained \
         education (mostly university or other higher education, or further study).",
        MeasureRef {
            measure: "post16_education",
            label: "Students with a sustained education destination",
        },
        Some(true),
    ),
    post16(
        "post16_sustained_employment_rate",
        "Going into work after 16-18 study",
        "Out of every 100 students who finished 16-18 study here, how many went into sustained \
         employment.",
        MeasureRef {
            measure: "post16_all_work",
            label: "Students with a sustained employment destination",
        },
        Some(true),
    ),
    post16(
        "post16_not_sustained_rate",
        "No sustained destination after 16-18 study",
        "Out of every 100 students who finished 16-18 study here, how many did not stay in \
         education, an apprenticeship or work.",
        MeasureRef {
            measure: "post16_all_notsust",
            label: "Students without a sustained destination",
        },
        Some(false),
    ),
    census(
        "census_level4plus_share",
        "Residents qualified to Level 4 or above (Census 2021)",
        "Out of every 100 residents aged 16 and over, how many hold a qualification at Level 4 or \
         above (a higher technical qualification, a degree or higher).",
        MeasureRef {
            measure: "ts067_level4plus",
            label: "Residents 16+ with Level 4 qualifications and above",
        },
        Some(true),
    ),
    census(
        "census_no_qualifications_share",
        "Residents with no qualifications (Census 2021)",
        "Out of every 100 residents aged 16 and over, how many have no formal qualifications.",
        MeasureRef {
            measure: "ts067_no_qualifications",
            label: "Residents 16+ with no qualifications",
        },
        Some(false),
    ),
    census(
        "census_level1_share",
        "Residents whose highest qualification is Level 1 or entry level (Census 2021)",
        "Out of every 100 residents aged 16 and over, how many have Level 1 or entry-level \
         qualifications as their highest (e.g. GCSEs at grades 3 to 1).",
        MeasureRef {
            measure: "ts067_level1",
            label: "Residents 16+ with Level 1 and entry level qualifications",
        },
        None,
    ),
    census(
        "census_level2_share",
        "Residents whose highest qualification is Level 2 (Census 2021)",
        "Out of every 100 residents aged 16 and over, how many have Level 2 as their highest \
         (e.g. five or more GCSEs at grades 9 to 4).",
        MeasureRef {
            measure: "ts067_level2",
            label: "Residents 16+ with Level 2 qualifications",
        },
        None,
    ),
    census(
        "census_apprenticeship_share",
        "Residents whose highest qualification is an apprenticeship (Census 2021)",
        "Out of every 100 residents aged 16 and over, how many have an apprenticeship as their \
         highest qualification.",
        MeasureRef {
            measure: "ts067_apprenticeship",
            label: "Residents 16+ with an apprenticeship",
        },
        None,
    ),
    census(
        "census_level3_share",
        "Residents whose highest qualification is Level 3 (Census 2021)",
        "Out of every 100 residents aged 16 and over, how many have Level 3 as their highest \
         (e.g. A levels, T levels, BTEC Nationals).",
        MeasureRef {
            measure: "ts067_level3",
            label: "Residents 16+ with Level 3 qualifications",
        },
        None,
    ),
    census(
        "census_other_qualifications_share",
        "Residents whose highest qualification is 'other' (Census 2021)",
        "Out of every 100 residents aged 16 and over, how many have other qualifications (for \
         example vocational or foreign qualifications whose level is not known).",
        MeasureRef {
            measure: "ts067_other",
            label: "Residents 16+ with other qualifications",
        },
        None,
    ),
    fe(
        "fe_apprenticeship_achievements",
        "Apprenticeship achievements (all levels)",
        "How many apprenticeships were completed by people living in the area in the year.",
        ACHIEVEMENTS_DEFINITION,
        Unit::Count("achievements"),
        MeasureRef {
            measure: "fe_apprenticeships_achievements",
            label: "Apprenticeship achievements",
        },
    ),
    fe(
        "fe_education_training_achievements",
        "Further education and training achievements",
        "How many further education and training courses (classroom-based, not apprenticeships) \
         were completed by adults living in the area in the year.",
        ACHIEVEMENTS_DEFINITION,
        Unit::Count("achievements"),
        MeasureRef {
            measure: "fe_education_and_training_achievements",
            label: "Education and training achievements",
        },
    ),
    fe(
        "fe_apprenticeship_starts",
        "Apprenticeship starts (all levels)",
        "How many apprenticeships were started by people living in the area in the year.",
        "Apprenticeship starts recorded in the Individualised Learner Record for learners living \
         in the area, in the academic year; for combined areas the sum over districts.",
        Unit::Count("starts"),
        FE_APPRENTICESHIP_STARTS,
    ),
    fe(
        "fe_participation",
        "Further education and skills learners",
        "How many people living in the area took part in further education and skills \
         (apprenticeships, education and training, tailored learning) in the year.",
        "Learners living in the area with further education and skills learning (all provision \
         types) in the academic year, each counted once; for combined areas the sum over districts.",
        Unit::Count("learners"),
        FE_PARTICIPATION,
    ),
    fe_rate(
        "fe_participation_rate",
        "Further education and skills learners per 100,000 people",
        "For every 100,000 people living in the area, how many took part in further education \
         and skills in the year.",
        "Further education and skills participation (learners living in the area) divided by \
         DfE's population estimate for the area, times 100,000; for combined areas the sum of \
         learners over the sum of populations.",
        FE_PARTICIPATION,
    ),
    fe_rate(
        "fe_apprenticeship_starts_rate",
        "Apprenticeship starts per 100,000 people (DfE)",
        "For every 100,000 people living in the area, how many started an apprenticeship in the \
         year.",
        "Apprenticeship starts by learners living in the area divided by DfE's population \
         estimate for the area, times 100,000; for combined areas the sum of starts over the sum \
         of populations.",
        FE_APPRENTICESHIP_STARTS,
    ),
    fe_rate(
        "fe_achievement_rate",
        "Further education and skills achievements per 100,000 people",
        "For every 100,000 people living in the area, how many further education and skills \
         courses or apprenticeships they completed in the year.",
        "Further education and skills learner achievements (all provision types) by learners \
         living in the area divided by DfE's population estimate for the area, times 100,000; \
         for combined areas the sum of achievements over the sum of populations.",
        MeasureRef {
            measure: "fe_further_education_and_skills_achievements",
            label: "Further education and skills achievements",
        },
    ),
    IndicatorDef {
        id: "aps_level4plus_share",
        topic: "qualifications",
        title: "Working-age residents qualified to NVQ Level 4 or above (APS)",
        description: "Out of every 100 residents aged 16 to 64, how many hold a qualification at \
            NVQ Level 4 or above, estimated from the Annual Population Survey (a sample survey, \
            so the range shows how precise the estimate is).",
        definition: "APS table T19: residents aged 16-64 whose highest qualification is NVQ4+, \
            divided by the sum of all T19 categories for people aged 16-64 (none, NVQ1, NVQ2, \
            trade apprenticeships, NVQ3, NVQ4+, other), times 100, for each area as published \
            by Nomis. Not aggregated across areas.",
        unit: Unit::Percent,
        per: 100.0,
        numerator: MeasureRef {
            measure: "aps_t19_nvq4plus",
            label: "Residents 16-64 with NVQ4+ (estimate)",
        },
        denominator: Some(MeasureRef {
            measure: "aps_t19_total",
            label: "Residents 16-64 (sum of T19 categories)",
        }),
        aggregation: Aggregation::Published,
        confidence_interval: Some(ConfidenceInterval::NumeratorPlusMinus {
            measure: "aps_t19_nvq4plus_ci95",
        }),
        period_type: PeriodType::CalendarYear,
        source: "nomis_aps_t19_qualifications",
        small_area_source: None,
        source_title: "Annual Population Survey, T19 qualification by age and sex (ONS, Nomis)",
        publisher: ONS,
        licence: OGL,
        higher_is_better: Some(true),
        series_breaks: &[SeriesBreak {
            period: "2022",
            note: "From January-December 2022 the APS reports the Regulated Qualifications \
                Framework (RQF Level 4+) instead of NVQ levels; values from 2022 are not \
                comparable with NVQ4+ values up to 2021.",
        }],
        caveats: &[
            "A survey estimate: small districts have wide confidence intervals; values Nomis \
             withholds (`!`, sample too small) are suppressed.",
            "The interval is the published ± on the NVQ4+ count divided by the 16-64 total, \
             treating the total as fixed: an approximation that slightly understates it.",
            "Served only for districts and England as published; survey estimates are never \
             added up across areas.",
            LEVEL4_MISSING_MIDDLE,
        ],
    },
    IndicatorDef {
        id: "aps_level3plus_share",
        topic: "qualifications",
        title: "Working-age residents qualified to RQF Level 3 or above (APS)",
        description: "Out of every 100 residents aged 16 to 64, how many hold a qualification at \
            Level 3 or above (A level or equivalent and higher), from the Annual Population Survey.",
        definition: "Percentage of residents aged 16-64 with RQF Level 3 or above, as published \
            by ONS (Explore Local Statistics) with its 95% confidence interval.",
        unit: Unit::Percent,
        per: 100.0,
        numerator: MeasureRef {
            measure: "els_qualifications_level_3_or_above",
            label: "Percentage with RQF Level 3+ (published)",
        },
        denominator: None,
        aggregation: Aggregation::Published,
        confidence_interval: Some(ConfidenceInterval::Bounds {
            lower: "els_qualifications_level_3_or_above_lci95",
            upper: "els_qualifications_level_3_or_above_uci95",
        }),
        period_type: PeriodType::CalendarYear,
        source: "ons_els_qualifications_level3",
        small_area_source: None,
        source_title: ELS_SOURCE_TITLE,
        publisher: ONS,
        licence: OGL,
        higher_is_better: Some(true),
        series_breaks: &[],
        caveats: &[
            "A survey estimate with a 95% confidence interval; RQF basis (2022 onwards).",
            "Served only for the areas ONS publishes; never added up across areas.",
        ],
    },
    IndicatorDef {
        id: "employment_rate",
        topic: "labour_market",
        title: "Employment rate, ages 16-64 (APS)",
        description: "Out of every 100 residents aged 16 to 64, how many are in work, estimated \
            from the Annual Population Survey.",
        definition: "Residents aged 16-64 in employment as a percentage of all residents aged \
            16-64, as published by ONS (Explore Local Statistics) with its 95% confidence interval.",
        unit: Unit::Percent,
        per: 100.0,
        numerator: MeasureRef {
            measure: "els_employment_rate",
            label: "Employment rate (published)",
        },
        denominator: None,
        aggregation: Aggregation::Published,
        confidence_interval: Some(ConfidenceInterval::Bounds {
            lower: "els_employment_rate_lci95",
            upper: "els_employment_rate_uci95",
        }),
        period_type: PeriodType::CalendarYear,
        source: "ons_els_employment_rate",
        small_area_source: None,
        source_title: ELS_SOURCE_TITLE,
        publisher: ONS,
        licence: OGL,
        higher_is_better: Some(true),
        series_breaks: &[],
        caveats: &[
            "A survey estimate with a 95% confidence interval; small districts' intervals are wide.",
            "Served only for the areas ONS publishes; never added up across areas.",
        ],
    },
    IndicatorDef {
        id: "claimant_rate",
        topic: "labour_market",
        title: "Claimant count rate",
        description: "Out of every 100 residents aged 16 to 64, how many claim unemployment-related \
            benefits (Jobseeker's Allowance or Universal Credit while required to seek work).",
        definition: "Claimant count as a percentage of residents aged 16-64, annual figure as \
            published by ONS (Explore Local Statistics).",
        unit: Unit::Percent,
        per: 100.0,
        numerator: MeasureRef {
            measure: "els_claimant_count",
            label: "Claimant count rate (published)",
        },
        denominator: None,
        aggregation: Aggregation::Published,
        confidence_interval: None,
        period_type: PeriodType::CalendarYear,
        source: "ons_els_claimant_count",
        small_area_source: None,
        source_title: ELS_SOURCE_TITLE,
        publisher: ONS,
        licence: OGL,
        higher_is_better: Some(false),
        series_breaks: &[],
        caveats: &[
            "Includes some people in work on Universal Credit who are required to look for more \
             work, so it is not a pure unemployment measure.",
            "Served only for the areas ONS publishes; the published rate has no counts to add up.",
        ],
    },
    IndicatorDef {
        id: "median_weekly_pay",
        topic: "labour_market",
        title: "Median gross weekly pay, full-time workers (ASHE)",
        description: "Half of full-time employees who live in the area earn more than this each \
            week before tax, half earn less.",
        definition: "Median gross weekly pay of full-time employees, Annual Survey of Hours and \
            Earnings, as published by ONS (Explore Local Statistics) with its 95% confidence \
            interval.",
        unit: Unit::PoundsPerWeek,
        per: 1.0,
        numerator: MeasureRef {
            measure: "els_gross_median_weekly_pay",
            label: "Median gross weekly pay (published)",
        },
        denominator: None,
        aggregation: Aggregation::Published,
        confidence_interval: Some(ConfidenceInterval::Bounds {
            lower: "els_gross_median_weekly_pay_lci95",
            upper: "els_gross_median_weekly_pay_uci95",
        }),
        period_type: PeriodType::SurveyYear,
        source: "ons_els_median_pay",
        small_area_source: None,
        source_title: ELS_SOURCE_TITLE,
        publisher: ONS,
        licence: OGL,
        higher_is_better: Some(true),
        series_breaks: &[],
        caveats: &[
            "A median: it is never averaged or added up across areas; served only where ONS \
             publishes it.",
            "Survey estimate (April each year) with a 95% confidence interval.",
        ],
    },
    IndicatorDef {
        id: "apprenticeship_starts_rate",
        topic: "apprenticeships_and_fe",
        title: "Apprenticeship starts per 100,000 people",
        description: "How many apprenticeships were started in the academic year for every \
            100,000 people living in the area.",
        definition: "Apprenticeship starts per 100,000 population, academic year, as published \
            by ONS (Explore Local Statistics) from DfE data.",
        unit: Unit::Per100k,
        per: 100_000.0,
        numerator: MeasureRef {
            measure: "els_apprenticeships",
            label: "Apprenticeship starts per 100,000 (published)",
        },
        denominator: None,
        aggregation: Aggregation::Published,
        confidence_interval: None,
        period_type: PeriodType::AcademicYear,
        source: "ons_els_apprenticeships",
        small_area_source: None,
        source_title: ELS_SOURCE_TITLE,
        publisher: ONS,
        licence: OGL,
        higher_is_better: Some(true),
        series_breaks: &[],
        caveats: &[
            "Starts by learner home location, all levels together: the published series has no \
             split by level.",
            "Served only for the areas ONS publishes.",
        ],
    },
    // Demand side (issue 13).
    IndicatorDef {
        id: "online_job_adverts_index",
        topic: "labour_demand",
        title: "Online job adverts (index, January)",
        description: "How many online job adverts there were in the area in January, as an \
            index comparable between areas and years (not a count of vacancies).",
        definition: "Adzuna online job adverts, average over January, divided by a constant ONS \
            does not disclose and rounded to 1 decimal place ('unit measure'), as published by \
            ONS in Labour demand indicators by local authority (May 2022).",
        unit: Unit::Index,
        per: 1.0,
        numerator: MeasureRef {
            measure: "adzuna_job_adverts_index",
            label: "Online job adverts, index (published)",
        },
        denominator: None,
        aggregation: Aggregation::Published,
        confidence_interval: None,
        period_type: PeriodType::CalendarYear,
        source: "ons_online_job_adverts",
        small_area_source: None,
        source_title: ADVERTS_TITLE,
        publisher: ONS,
        licence: OGL,
        higher_is_better: None,
        series_breaks: &[],
        caveats: ADVERTS_CAVEATS,
    },
    IndicatorDef {
        id: "online_job_adverts_change",
        topic: "labour_demand",
        title: "Online job adverts, change on a year earlier (%)",
        description: "How much the online job adverts index changed since the January before, \
            in per cent.",
        definition: "100 x (index in January of the year - index in January of the year before) \
            / index in January of the year before, computed by lmi from the published index.",
        unit: Unit::PercentChange,
        per: 1.0,
        numerator: MeasureRef {
            measure: "adzuna_job_adverts_index_change",
            label: "Change in the online job adverts index (%)",
        },
        denominator: None,
        aggregation: Aggregation::Published,
        confidence_interval: None,
        period_type: PeriodType::CalendarYear,
        source: "ons_online_job_adverts",
        small_area_source: None,
        source_title: ADVERTS_TITLE,
        publisher: ONS,
        licence: OGL,
        higher_is_better: Some(true),
        series_breaks: &[],
        caveats: ADVERTS_CAVEATS,
    },
    IndicatorDef {
        id: "business_birth_rate",
        topic: "labour_demand",
        title: "Business births (% of active businesses)",
        description: "New businesses registered in the year for every 100 active businesses.",
        definition: "Business births as a percentage of active businesses (ONS Business \
            Demography), as published by ONS (Explore Local Statistics).",
        unit: Unit::Percent,
        per: 100.0,
        numerator: MeasureRef {
            measure: "els_business_births",
            label: "Business birth rate (published)",
        },
        denominator: None,
        aggregation: Aggregation::Published,
        confidence_interval: None,
        period_type: PeriodType::CalendarYear,
        source: "ons_els_business_births",
        small_area_source: None,
        source_title: ELS_SOURCE_TITLE,
        publisher: ONS,
        licence: OGL,
        higher_is_better: None,
        series_breaks: &[],
        caveats: BUSINESS_DEMOGRAPHY_CAVEATS,
    },
    IndicatorDef {
        id: "business_death_rate",
        topic: "labour_demand",
        title: "Business deaths (% of active businesses)",
        description: "Businesses that closed in the year for every 100 active businesses.",
        definition: "Business deaths as a percentage of active businesses (ONS Business \
            Demography), as published by ONS (Explore Local Statistics).",
        unit: Unit::Percent,
        per: 100.0,
        numerator: MeasureRef {
            measure: "els_business_deaths",
            label: "Business death rate (published)",
        },
        denominator: None,
        aggregation: Aggregation::Published,
        confidence_interval: None,
        period_type: PeriodType::CalendarYear,
        source: "ons_els_business_deaths",
        small_area_source: None,
        source_title: ELS_SOURCE_TITLE,
        publisher: ONS,
        licence: OGL,
        higher_is_better: None,
        series_breaks: &[],
        caveats: BUSINESS_DEMOGRAPHY_CAVEATS,
    },
    IndicatorDef {
        id: "vacancy_density",
        topic: "labour_demand",
        title: "Vacancies as a share of employment (Employer Skills Survey 2019)",
        description: "Out of every 100 jobs at employers in the area, how many were vacant at \
            the time of the 2019 survey.",
        definition: "Weighted number of vacancies divided by weighted total number of staff at \
            establishments in the area, times 100, Employer Skills Survey 2019 (ratio of sums for \
            areas made of several authorities).",
        unit: Unit::Percent,
        per: 100.0,
        numerator: ESS_VACANCIES,
        denominator: Some(MeasureRef {
            measure: "ess_staff",
            label: "Total number of staff (weighted estimate)",
        }),
        aggregation: Aggregation::UpperTier,
        confidence_interval: None,
        period_type: PeriodType::SurveyYear,
        source: "dfe_ess2019_lea",
        small_area_source: None,
        source_title: ESS_TITLE,
        publisher: DFE,
        licence: OGL,
        higher_is_better: None,
        series_breaks: &[],
        caveats: ESS_CAVEATS,
    },
    IndicatorDef {
        id: "skill_shortage_vacancy_share",
        topic: "labour_demand",
        title: "Skill-shortage vacancies as a share of vacancies (Employer Skills Survey 2019)",
        description: "Out of every 100 vacancies, how many were hard to fill because applicants \
            lacked the skills, qualifications or experience (2019 survey).",
        definition: "Weighted number of skill-shortage vacancies divided by the weighted number \
            of vacancies, times 100, Employer Skills Survey 2019.",
        unit: Unit::Percent,
        per: 100.0,
        numerator: MeasureRef {
            measure: "ess_skill_shortage_vacancies",
            label: "Skill-shortage vacancies (weighted estimate)",
        },
        denominator: Some(ESS_VACANCIES),
        aggregation: Aggregation::UpperTier,
        confidence_interval: None,
        period_type: PeriodType::SurveyYear,
        source: "dfe_ess2019_lea",
        small_area_source: None,
        source_title: ESS_TITLE,
        publisher: DFE,
        licence: OGL,
        higher_is_better: Some(false),
        series_breaks: &[],
        caveats: ESS_CAVEATS,
    },
    IndicatorDef {
        id: "neet_16_17_rate",
        topic: "young_people",
        title: "16-17 year olds not in education, employment or training (NEET)",
        description: "Out of every 100 young people aged 16 or 17 who live in the area, how many \
            are known to be NEET (December-February average).",
        definition: "NEET 16-17 year olds as a percentage of 16-17 year olds known to the local \
            authority, December-February average (NCCIS); for combined areas the sum of counts \
            (published percentage x cohort) over the sum of cohorts.",
        unit: Unit::Percent,
        per: 100.0,
        numerator: MeasureRef {
            measure: "nccis_neet_16_17",
            label: "NEET 16-17 year olds (from the published percentage)",
        },
        denominator: Some(NCCIS_COHORT),
        aggregation: Aggregation::UpperTier,
        confidence_interval: None,
        period_type: PeriodType::CalendarYear,
        source: "dfe_nccis_neet_16_17",
        small_area_source: None,
        source_title: NCCIS_TITLE,
        publisher: DFE,
        licence: OGL,
        higher_is_better: Some(false),
        series_breaks: &[],
        caveats: NCCIS_CAVEATS,
    },
    IndicatorDef {
        id: "not_known_16_17_rate",
        topic: "young_people",
        title: "16-17 year olds whose activity is not known",
        description: "Out of every 100 young people aged 16 or 17, how many the local authority \
            could not trace (December-February average).",
        definition: "16-17 year olds whose activity is not known as a percentage of 16-17 year \
            olds known to the local authority, December-February average (NCCIS).",
        unit: Unit::Percent,
        per: 100.0,
        numerator: MeasureRef {
            measure: "nccis_not_known_16_17",
            label: "16-17 year olds with activity not known (from the published percentage)",
        },
        denominator: Some(NCCIS_COHORT),
        aggregation: Aggregation::UpperTier,
        confidence_interval: None,
        period_type: PeriodType::CalendarYear,
        source: "dfe_nccis_neet_16_17",
        small_area_source: None,
        source_title: NCCIS_TITLE,
        publisher: DFE,
        licence: OGL,
        higher_is_better: Some(false),
        series_breaks: &[],
        caveats: NCCIS_CAVEATS,
    },
    IndicatorDef {
        id: "apprenticeship_16_17_share",
        topic: "young_people",
        title: "16-17 year olds in an apprenticeship",
        description: "Out of every 100 young people aged 16 or 17, how many are doing an \
            apprenticeship (end of March).",
        definition: "16-17 year olds participating through an apprenticeship as a percentage of \
            16-17 year olds known to the local authority at the end of March (NCCIS).",
        unit: Unit::Percent,
        per: 100.0,
        numerator: MeasureRef {
            measure: "nccis_apprenticeship_16_17",
            label: "16-17 year olds in an apprenticeship (from the published percentage)",
        },
        denominator: Some(MeasureRef {
            measure: "nccis_march_cohort_16_17",
            label: "16-17 year olds known to the local authority, end of March",
        }),
        aggregation: Aggregation::UpperTier,
        confidence_interval: None,
        period_type: PeriodType::CalendarYear,
        source: "dfe_nccis_neet_16_17",
        small_area_source: None,
        source_title: NCCIS_TITLE,
        publisher: DFE,
        licence: OGL,
        higher_is_better: Some(true),
        series_breaks: &[],
        caveats: NCCIS_APPRENTICESHIP_CAVEATS,
    },
    // Productivity and people (issue 25).
    els_published(
        "gva_per_hour_worked",
        "productivity",
        "Output per hour worked (GVA, £, current prices)",
        "How much value, in pounds, the jobs located in the area produce for every hour worked: \
         the usual measure of labour productivity.",
        "Gross value added (balanced) per hour worked, current prices, workplace-based, as \
         published by ONS (Regional and subregional labour productivity, via Explore Local \
         Statistics).",
        Unit::PoundsPerHour,
        MeasureRef {
            measure: "els_gva_per_hour_worked",
            label: "GVA per hour worked (published)",
        },
        None,
        PeriodType::CalendarYear,
        "ons_els_gva_per_hour",
        Some(true),
        GVA_CAVEATS,
    ),
    els_published(
        "gva_per_filled_job",
        "productivity",
        "Output per filled job (GVA, £, current prices)",
        "How much value, in pounds, each filled job located in the area produces in a year.",
        "Gross value added (balanced) per filled job, current prices, workplace-based, as \
         published by ONS (Regional and subregional labour productivity, via Explore Local \
         Statistics).",
        Unit::PoundsPerJob,
        MeasureRef {
            measure: "els_gva_per_filled_job",
            label: "GVA per filled job (published)",
        },
        None,
        PeriodType::CalendarYear,
        "ons_els_gva_per_job",
        Some(true),
        GVA_PER_JOB_CAVEATS,
    ),
    els_published(
        "modelled_unemployment_rate",
        "labour_market",
        "Unemployment rate, ages 16+ (model-based)",
        "Out of every 100 people aged 16 and over who are in work or looking for work, how many \
         are out of work and looking, estimated by ONS's model for local areas.",
        "Unemployed residents aged 16 and over as a percentage of economically active residents \
         aged 16 and over, ONS model-based estimate (Annual Population Survey and claimant \
         count), as published by ONS (Explore Local Statistics) with its 95% confidence interval.",
        Unit::Percent,
        MeasureRef {
            measure: "els_modelled_unemployment_rate",
            label: "Modelled unemployment rate (published)",
        },
        Some(ConfidenceInterval::Bounds {
            lower: "els_modelled_unemployment_rate_lci95",
            upper: "els_modelled_unemployment_rate_uci95",
        }),
        PeriodType::CalendarYear,
        "ons_els_modelled_unemployment",
        Some(false),
        &[
            "A percentage of the economically active aged 16 and over (people in work or looking \
             for work), not of all residents aged 16-64 as the employment and inactivity rates \
             are: the three do not add up to 100.",
            "A model-based estimate: ONS borrows strength from the claimant count to make the \
             Annual Population Survey usable for small areas; it has a 95% confidence interval.",
            APS_IN_DEVELOPMENT,
            PUBLISHED_ONLY,
        ],
    ),
    els_published(
        "economic_inactivity_rate",
        "labour_market",
        "Economic inactivity rate, ages 16-64 (APS)",
        "Out of every 100 residents aged 16 to 64, how many are neither in work nor looking for \
         work: students, people looking after family, long-term sick or disabled, early retired.",
        "Economically inactive residents aged 16-64 as a percentage of all residents aged 16-64, \
         Annual Population Survey, as published by ONS (Explore Local Statistics, indicator \
         `Economically inactive` of the employment-rate series) with its 95% confidence interval.",
        Unit::Percent,
        MeasureRef {
            measure: "els_economically_inactive",
            label: "Economic inactivity rate (published)",
        },
        Some(ConfidenceInterval::Bounds {
            lower: "els_economically_inactive_lci95",
            upper: "els_economically_inactive_uci95",
        }),
        PeriodType::CalendarYear,
        "ons_els_economic_inactivity",
        None,
        &[
            "Includes full-time students and carers as well as people kept out of work by ill \
             health, so neither a high nor a low rate is good in itself.",
            "A survey estimate with a 95% confidence interval; small districts' intervals are wide.",
            APS_IN_DEVELOPMENT,
            PUBLISHED_ONLY,
        ],
    ),
    els_published(
        "fe_participation_rate_19plus",
        "apprenticeships_and_fe",
        "Adults (19+) in further education and skills per 100,000 people (ONS)",
        "For every 100,000 people living in the area, how many adults aged 19 and over took part \
         in further education or skills learning (including apprenticeships) in the year.",
        "Learners aged 19 and over participating in at least one funded education and training \
         or apprenticeship aim in the academic year, by home postcode, per 100,000 population, \
         as published by ONS (Explore Local Statistics) from DfE data.",
        Unit::Per100k,
        MeasureRef {
            measure: "els_fe_participation_19plus",
            label: "FE and skills participation, 19+, per 100,000 (published)",
        },
        None,
        PeriodType::AcademicYear,
        "ons_els_fe_participation",
        None,
        &[
            FE_ELS_WHO,
            "ONS's metadata for this series does not mention the April 2026 change of scope \
             made to the achievements series (community learning and non-regulated Multiply \
             aims now included); lmi has not confirmed whether participation changed too.",
            FE_ELS_PUBLISHED,
        ],
    ),
    els_published(
        "fe_achievement_rate_19plus",
        "apprenticeships_and_fe",
        "Adults (19+) achieving in further education and skills per 100,000 people (ONS)",
        "For every 100,000 people living in the area, how many adults aged 19 and over completed \
         a further education, skills or apprenticeship course in the year.",
        "Learners aged 19 and over achieving at least one funded education and training or \
         apprenticeship aim in the academic year (each learner once), by home postcode, per \
         100,000 population, as published by ONS (Explore Local Statistics) from DfE data.",
        Unit::Per100k,
        MeasureRef {
            measure: "els_fe_achievements_19plus",
            label: "FE and skills learner achievements, 19+, per 100,000 (published)",
        },
        None,
        PeriodType::AcademicYear,
        "ons_els_fe_achievements",
        Some(true),
        &[
            FE_ELS_WHO,
            "Scope changed in April 2026: ONS's metadata says the series now includes community \
             learning and non-regulated Multiply aims, which it excluded before (DfE discontinued \
             the earlier data source). Values read before and after that change are not \
             comparable.",
            FE_ELS_PUBLISHED,
        ],
    ),
    IndicatorDef {
        id: "working_age_population",
        topic: "population",
        title: "Residents aged 16-64 (working-age population)",
        description: "How many people aged 16 to 64 live in the area, from ONS's mid-year \
            population estimates; the change over five years shows whether it is growing.",
        definition: "Usual residents aged 16-64 at 30 June of the year, ONS mid-year population \
            estimates (Nomis NM_2002_1, persons, ages 16-64); for combined areas the sum over \
            their districts.",
        unit: Unit::Count("residents aged 16-64"),
        per: 1.0,
        numerator: WORKING_AGE_POPULATION,
        denominator: None,
        aggregation: Aggregation::Sum,
        confidence_interval: None,
        period_type: PeriodType::MidYear,
        source: POPULATION_SOURCE,
        small_area_source: None,
        source_title: POPULATION_TITLE,
        publisher: ONS,
        licence: OGL,
        higher_is_better: None,
        series_breaks: &[],
        caveats: &[
            "Estimates, not counts: ONS revises earlier years when it rebases on a census, so a \
             year's figure can change between releases.",
            "The five-year change is in residents, against the mid-year five years earlier.",
            "Travel to Work Area values are built from whole local authorities (best fit) and \
             are approximate: see `coverage`.",
        ],
    },
    IndicatorDef {
        id: "enterprises_per_1k_working_age",
        topic: "labour_demand",
        title: "Enterprises per 1,000 residents aged 16-64",
        description: "How many businesses (enterprises) there are in the area for every 1,000 \
            people of working age who live there.",
        definition: "UK Business Counts enterprises (all industries and sizes, March) divided by \
            ONS's mid-year estimate of residents aged 16-64 of the same year, times 1,000; for \
            combined areas the sum of enterprises over the sum of residents.",
        unit: Unit::Per1kWorkingAge,
        per: 1_000.0,
        numerator: MeasureRef {
            measure: "ukbc_enterprises",
            label: "Enterprises (UK Business Counts, March)",
        },
        denominator: Some(WORKING_AGE_POPULATION),
        aggregation: Aggregation::RatioOfSumsAcrossSources {
            denominator_source: POPULATION_SOURCE,
        },
        confidence_interval: None,
        period_type: PeriodType::CalendarYear,
        source: "nomis_ukbc_enterprises",
        small_area_source: None,
        source_title: "UK Business Counts (ONS, via Nomis) and mid-year population estimates (ONS)",
        publisher: ONS,
        licence: OGL,
        higher_is_better: Some(true),
        series_breaks: &[],
        caveats: &[
            "Two sources on one year's label: enterprises at the March snapshot of the year, \
             residents at 30 June of the same year. A year missing from either has no value.",
            "ONS rounds enterprise counts to the nearest 5, so sums over districts carry that \
             rounding.",
            "Businesses are counted where ONS's business register places them, residents where \
             they live: a ratio of the two, not the share of residents who run a business.",
            "Travel to Work Area values are built from whole local authorities (best fit) and \
             are approximate: see `coverage`.",
        ],
    },
];

// Productivity and people (issue 25): ONS Explore Local Statistics series served as published,
// and the working-age population that per-head rates divide by.
const APS_IN_DEVELOPMENT: &str = "Official statistics in development (Annual Population Survey); \
    ONS suspended updates until the survey is reweighted (2026).";
const PUBLISHED_ONLY: &str =
    "Served only for the areas ONS publishes; never added up across areas.";
const GVA_CAVEAT_PRICES: &str = "Current prices: not adjusted for inflation, so part of any rise \
    over the years is rising prices; compare areas within a year.";
const GVA_CAVEAT_STATUS: &str = "Official statistics in development (ONS, Regional and \
    subregional labour productivity).";
const GVA_CAVEAT_AREAS: &str = "Served only for the areas ONS publishes in Explore Local \
    Statistics: districts, counties and unitary authorities, combined authorities. The series \
    has no England or English region row under their GSS codes (ONS publishes ITL1 regions and \
    the UK less Extra-Regio instead), so lmi shows no England value and no gap to England; it \
    never averages districts, which would need hours worked or jobs to weight by.";
const GVA_CAVEATS: &[&str] = &[
    "Workplace-based: the output of the jobs located in the area, whoever does them, per hour \
     they work; not the productivity of the area's residents.",
    GVA_CAVEAT_PRICES,
    GVA_CAVEAT_STATUS,
    GVA_CAVEAT_AREAS,
];
const GVA_PER_JOB_CAVEATS: &[&str] = &[
    "Workplace-based: the output of the jobs located in the area per filled job; part-time jobs \
     count as whole jobs, so areas with much part-time work look less productive per job than \
     per hour.",
    GVA_CAVEAT_PRICES,
    GVA_CAVEAT_STATUS,
    GVA_CAVEAT_AREAS,
];
const FE_ELS_WHO: &str = "Learners aged 19 and over only (16-18 year olds are not included), \
    counted by home postcode, per 100,000 residents; academic years (August to July), full-year \
    final figures. Not the same as lmi's own FE rates, computed from DfE's counts.";
const FE_ELS_PUBLISHED: &str = "Served only for the areas ONS publishes (districts, counties and \
    unitary authorities, combined authorities, regions, England); combined authorities formed \
    after the latest academic year (e.g. Lancashire, 2025) have no value. No counts are \
    published with the rates, so they are never added up across areas.";
const POPULATION_SOURCE: &str = "nomis_population_16_64";
const POPULATION_TITLE: &str = "Mid-year population estimates (ONS, via Nomis)";
/// Residents aged 16-64: the denominator of per-head rates of working-age residents. A rate over
/// another source's counts is one definition: `aggregation:
/// Aggregation::RatioOfSumsAcrossSources { denominator_source: POPULATION_SOURCE }` with this
/// as its `denominator`.
pub const WORKING_AGE_POPULATION: MeasureRef = MeasureRef {
    measure: "pop_16_64",
    label: "Residents aged 16-64 (mid-year estimate)",
};

/// A published ELS series: served as published, never aggregated, its multiplier from its unit.
#[allow(clippy::too_many_arguments)]
const fn els_published(
    id: &'static str,
    topic: &'static str,
    title: &'static str,
    description: &'static str,
    definition: &'static str,
    unit: Unit,
    numerator: MeasureRef,
    confidence_interval: Option<ConfidenceInterval>,
    period_type: PeriodType,
    source: &'static str,
    higher_is_better: Option<bool>,
    caveats: &'static [&'static str],
) -> IndicatorDef {
    IndicatorDef {
        id,
        topic,
        title,
        description,
        definition,
        unit,
        per: match unit {
            Unit::Percent => 100.0,
            Unit::Per100k => 100_000.0,
            _ => 1.0,
        },
        numerator,
        denominator: None,
        aggregation: Aggregation::Published,
        confidence_interval,
        period_type,
        source,
        small_area_source: None,
        source_title: ELS_SOURCE_TITLE,
        publisher: ONS,
        licence: OGL,
        higher_is_better,
        series_breaks: &[],
        caveats,
    }
}

const ADVERTS_TITLE: &str =
    "Labour demand indicators by local authority: online job adverts (ONS, Adzuna)";
const ADVERTS_CAVEATS: &[&str] = &[
    "An index, not a count: the monthly average number of adverts divided by a constant ONS does \
     not disclose. Compare areas and years, never read it as vacancies.",
    "ONS excluded 43 local authorities for data quality (among them Pendle and Wyre in \
     Lancashire): they have no value, status `unavailable`.",
    "January of each year only; official statistics in development. Online adverts miss jobs \
     filled by word of mouth and over-represent some occupations.",
    "Served only for districts ONS publishes: the index is not added up across areas, and \
     England has no figure (status `unavailable`).",
    "A closed series: ONS's Adzuna-based index stopped with the May 2022 release (January \
     2017-2022) and will not be updated. ONS's current monthly series (online job advert volumes \
     by occupation, Textkernel) counts adverts, not an index: it is a different measure and is \
     never joined to this one.",
];
const BUSINESS_DEMOGRAPHY_CAVEATS: &[&str] = &[
    "Births and deaths of VAT and/or PAYE registered businesses, as a share of active businesses \
     in the year (ONS Business Demography).",
    "Served only for the areas ONS publishes; published rates are not added up across areas.",
];
const ESS_TITLE: &str = "Employer Skills Survey 2019, local education authority tables (DfE)";
const ESS_VACANCIES: MeasureRef = MeasureRef {
    measure: "ess_vacancies",
    label: "Vacancies (weighted estimate)",
};
const ESS_CAVEATS: &[&str] = &[
    "2019 survey (fieldwork 2019, before the pandemic): the labour market has changed a lot \
     since. The 2022 survey used a different method and is not comparable.",
    "Weighted survey estimates of employers (establishments with 2+ employees), by where the \
     workplace is.",
    "Published for counties and unitary authorities (2019 boundaries) only: served for those and \
     for every area made exactly of them; no value for two-tier districts or Travel to Work \
     Areas. Areas whose 2019 authority was later reorganised (e.g. Cumbria, Northamptonshire) \
     have no value.",
];
const NCCIS_TITLE: &str = "Participation in education, training and NEET age 16 to 17 by local \
    authority (DfE, NCCIS)";
const NCCIS_COHORT: MeasureRef = MeasureRef {
    measure: "nccis_cohort_16_17",
    label: "16-17 year olds known to the local authority (December-February average)",
};
const NCCIS_WHO: &str = "Young people by where they live, as recorded by the local authority's \
     client caseload information system (NCCIS).";
const NCCIS_UPPER_TIER: &str = "Published for counties and unitary authorities only: served for \
     those and for every area made exactly of them; no value for two-tier districts or Travel to \
     Work Areas.";
const NCCIS_ROUNDING: &str = "Counts are derived from DfE's percentages (1 decimal place) and \
     cohorts, so values for combined areas can differ from DfE's own by rounding.";
const NCCIS_CAVEATS: &[&str] = &[
    NCCIS_WHO,
    NCCIS_UPPER_TIER,
    NCCIS_ROUNDING,
    "Years: every year of the files read (the scorecard files of a refresh from files, or the \
     years the EES data set holds in a fetching refresh).",
];
const NCCIS_APPRENTICESHIP_CAVEATS: &[&str] = &[
    NCCIS_WHO,
    NCCIS_UPPER_TIER,
    NCCIS_ROUNDING,
    "Only DfE's local authority scorecard file carries the March cohort and the apprenticeship \
     percentage: it is read by `lmi refresh --from`. The EES data set a nightly (fetching) \
     refresh reads, \"NEET by characteristics\", does not, so a snapshot it builds has no \
     value for this indicator rather than one from a different definition.",
];

pub fn find_indicator(id: &str) -> Option<&'static IndicatorDef> {
    INDICATORS.iter().find(|d| d.id == id)
}

/// Indicators that split one population into parts, drawn together as stacked bars: KS4 and
/// 16-18 destinations (shares of one cohort) and the Census qualification distribution.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BreakdownDef {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    /// The parts, in reading order, with short labels for legends.
    pub parts: &'static [BreakdownPart],
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct BreakdownPart {
    pub indicator: &'static str,
    pub label: &'static str,
}

const fn part(indicator: &'static str, label: &'static str) -> BreakdownPart {
    BreakdownPart { indicator, label }
}

pub const BREAKDOWNS: &[BreakdownDef] = &[
    BreakdownDef {
        id: "ks4_destinations",
        title: "Destinations after key stage 4 (GCSEs)",
        description: "Where pupils went in the year after GCSEs: sustained education, an \
                      apprenticeship or employment, no sustained destination, or not known. The \
                      parts add up to the whole cohort.",
        parts: &[
            part("ks4_sustained_education_rate", "Education"),
            part("ks4_apprenticeship_rate", "Apprenticeship"),
            part("ks4_sustained_employment_rate", "Employment"),
            part("ks4_not_sustained_rate", "Not sustained"),
            part("ks4_unknown_destination_rate", "Unknown"),
        ],
    },
    BreakdownDef {
        id: "post16_destinations",
        title: "Destinations after 16-18 study",
        description: "Where students went in the year after 16-18 study. DfE's small 'activity \
                      not captured' group is not shown, so the parts add up to a little under \
                      100%.",
        parts: &[
            part("post16_sustained_education_rate", "Education"),
            part("post16_apprenticeship_rate", "Apprenticeship"),
            part("post16_sustained_employment_rate", "Employment"),
            part("post16_not_sustained_rate", "Not sustained"),
        ],
    },
    BreakdownDef {
        id: "census_qualifications",
        title: "Highest qualification of residents aged 16+ (Census 2021)",
        description: "Residents aged 16 and over by their highest qualification in March 2021. \
                      The seven parts add up to every resident aged 16 and over.",
        parts: &[
            part("census_no_qualifications_share", "None"),
            part("census_level1_share", "Level 1"),
            part("census_level2_share", "Level 2"),
            part("census_apprenticeship_share", "Apprenticeship"),
            part("census_level3_share", "Level 3"),
            part("census_level4plus_share", "Level 4+"),
            part("census_other_qualifications_share", "Other"),
        ],
    },
];

pub fn find_breakdown(id: &str) -> Option<&'static BreakdownDef> {
    BREAKDOWNS.iter().find(|b| b.id == id)
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
        assert_eq!(
            find_indicator("ks4_apprenticeship_rate").unwrap().unit,
            Unit::Percent
        );
        assert!(find_indicator("rate2").is_none());
    }

    #[test]
    fn breakdown_parts_are_percentages_of_one_source() {
        for b in BREAKDOWNS {
            let defs: Vec<_> = b
                .parts
                .iter()
                .map(|p| find_indicator(p.indicator).expect(p.indicator))
                .collect();
            assert!(defs.iter().all(|d| d.unit == Unit::Percent), "{}", b.id);
            assert!(defs.iter().all(|d| d.source == defs[0].source), "{}", b.id);
            assert!(
                defs.iter().all(|d| d.denominator == defs[0].denominator),
                "{}",
                b.id
            );
        }
        assert!(find_breakdown("ks4_destinations").is_some());
    }

    #[test]
    fn every_multiplier_matches_its_unit() {
        for d in INDICATORS {
            let per = match d.unit {
                Unit::Percent => 100.0,
                Unit::Per100k => 100_000.0,
                Unit::Per1kWorkingAge => 1_000.0,
                _ => 1.0,
            };
            assert_eq!(d.per, per, "{}", d.id);
        }
        assert_eq!(
            find_indicator("fe_participation_rate").unwrap().per,
            100_000.0
        );
    }

    #[test]
    fn every_destination_indicator_marks_dfes_2023_24_change() {
        let destinations = INDICATORS
            .iter()
            .filter(|d| d.source == KS4_SOURCE || d.source == POST16_SOURCE);
        for d in destinations {
            assert_eq!(d.series_breaks.len(), 1, "{}", d.id);
            assert_eq!(d.series_breaks[0].period, "2023/24", "{}", d.id);
            assert!(d.caveats.contains(&DESTINATIONS_BREAK_CAVEAT), "{}", d.id);
        }
    }

    #[test]
    fn ratio_indicators_have_denominators_and_sums_do_not() {
        for d in INDICATORS {
            match d.aggregation {
                Aggregation::RatioOfSums
                | Aggregation::UpperTier
                | Aggregation::RatioOfSumsAcrossSources { .. } => {
                    assert!(d.denominator.is_some(), "{}", d.id)
                }
                Aggregation::Sum => assert!(d.denominator.is_none(), "{}", d.id),
                Aggregation::Published => {}
            }
            assert!(!d.caveats.is_empty(), "{} has no caveats", d.id);
        }
    }
}
