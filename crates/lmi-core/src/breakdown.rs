//! Count breakdowns: the parts of one total (residents by occupation, enterprises by industry or
//! size band, …) served with shares, England's share, location quotients and the change in share.
//! Each definition names its classification, so parts of incompatible classifications (SOC 2010
//! and SOC 2020, the 18 UKBC industry groups and the 9 APS ones) are never compared or mixed.
//!
//! Unlike [`crate::BreakdownDef`] (stacked percentages of indicators already computed), these are
//! built from counts in the observations table by `lmi_pipeline::breakdowns`.

use crate::indicator::{MeasureRef, PeriodType, SeriesBreak};
use serde::Serialize;

/// The classification a breakdown's parts come from. Two breakdowns can be compared part by
/// part only when their classifications are equal.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// SOC 2020 major groups (1-9), as Census 2021 TS063 uses them.
    Soc2020MajorGroups,
    /// SOC 2010 sub-major groups (25), as APS T09a uses them.
    Soc2010SubMajorGroups,
    /// SOC 2020 sub-major groups (26), as APS T09b uses them.
    Soc2020SubMajorGroups,
    /// The 18 broad industry groups (SIC 2007) of UK Business Counts.
    Sic2007BroadIndustryGroups,
    /// The 9 SIC 2007 industry groups of APS T13a.
    Sic2007ApsIndustryGroups,
    /// Enterprise employment size bands (micro, small, medium-sized, large).
    EmploymentSizeBands,
    /// Census 2021 economic activity status (TS066).
    EconomicActivityStatus,
    /// The 21 sections (A..U) of SIC 2007, as BRES publishes them.
    Sic2007Sections,
    /// Census 2021 TS060A industry: 17 SIC 2007 sections and one group of R, S, T and U.
    Census2021Industry18,
    /// Sector subject areas, tier 1 (ESFA LARS codes 1-15), plus "Not Applicable/ Not Known".
    SectorSubjectAreasTier1,
    /// DfE's FE levels of learning (entry level to Level 4+, and no level assigned).
    FeLevels,
    /// DfE's FE age bands of adult learners (19-24, 25+, unknown).
    FeAgeBands,
    /// Apprenticeship levels (intermediate, advanced, higher), as DfE's apprenticeships data
    /// sets label them.
    ApprenticeshipLevels,
    /// Apprenticeship age bands (under 19, 19-24, 25+).
    ApprenticeshipAgeBands,
}

impl Classification {
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Soc2020MajorGroups => "soc2020_major_groups",
            Classification::Soc2010SubMajorGroups => "soc2010_sub_major_groups",
            Classification::Soc2020SubMajorGroups => "soc2020_sub_major_groups",
            Classification::Sic2007BroadIndustryGroups => "sic2007_broad_industry_groups",
            Classification::Sic2007ApsIndustryGroups => "sic2007_aps_industry_groups",
            Classification::EmploymentSizeBands => "employment_size_bands",
            Classification::EconomicActivityStatus => "economic_activity_status",
            Classification::Sic2007Sections => "sic2007_sections",
            Classification::Census2021Industry18 => "census2021_industry_18",
            Classification::SectorSubjectAreasTier1 => "sector_subject_areas_tier1",
            Classification::FeLevels => "fe_levels",
            Classification::FeAgeBands => "fe_age_bands",
            Classification::ApprenticeshipLevels => "apprenticeship_levels",
            Classification::ApprenticeshipAgeBands => "apprenticeship_age_bands",
        }
    }
}

/// Which areas a breakdown has values for, and how they are built.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BreakdownGeographies {
    /// Counts by district, summed to every area lmi serves (TTWAs exactly from small areas when
    /// the small-area source is present, otherwise best fit and approximate).
    AllAreas,
    /// Survey estimates: served only for the districts and England as published, never summed.
    Published,
    /// Published only for counties and unitary authorities: served for those and for every area
    /// made exactly of them; absent (with a reason) for two-tier districts and TTWAs.
    UpperTier,
    /// Counts the publisher gives for districts, regions and England (its own England row, which
    /// also counts what no district holds): those served as published; every other area
    /// (counties, combined authorities, LEP and LSIP areas, TTWAs best fit) is the sum of its
    /// districts, where a part withheld in any district is withheld in the sum.
    PublishedAndSummed,
}

/// A breakdown of one total into parts, built from counts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CountBreakdownDef {
    pub id: &'static str,
    pub title: &'static str,
    pub description: &'static str,
    pub classification: Classification,
    /// Catalogue id of the source the counts come from.
    pub source: &'static str,
    /// A source with the same measures by 2021 LSOA, for exact TTWAs.
    pub small_area_source: Option<&'static str>,
    /// A source with the same measures for counties and unitary authorities only, used when
    /// `source` is not in the snapshot: the breakdown is then served as
    /// [`BreakdownGeographies::UpperTier`] from it (Census TS066 read from the upper-tier file
    /// by `refresh --from`, while a fetching refresh gets districts and LSOAs).
    pub upper_tier_source: Option<&'static str>,
    pub total: MeasureRef,
    /// The parts, in the publisher's order.
    pub parts: &'static [MeasureRef],
    pub geographies: BreakdownGeographies,
    /// The publisher rounds every count to this step (UKBC: 5): sums over areas are approximate.
    pub rounded_to: Option<u32>,
    pub period_type: PeriodType,
    /// Changes of definition: rows of the first period on the new basis are marked
    /// `series_break` (as an indicator's) and have no change in share from the period before.
    pub series_breaks: &'static [SeriesBreak],
    pub caveats: &'static [&'static str],
}

const fn m(measure: &'static str, label: &'static str) -> MeasureRef {
    MeasureRef { measure, label }
}

/// Why an upper-tier-only value is absent for a district or TTWA.
pub const UPPER_TIER_ONLY: &str = "published only for counties and unitary authorities: no \
    value for two-tier districts or Travel to Work Areas";
/// Why a published-only value (a survey estimate, or counts too often suppressed to add up) is
/// absent for an area the publisher does not publish.
pub const PUBLISHED_ONLY: &str = "published for districts and England only (a survey estimate, \
    or counts too often suppressed to add up); never added up across areas";
/// Note on a sum of counts a publisher rounded by size (BRES: to 5 below 50, up to 1,000 above
/// 5,000; see the breakdown's caveats); a fixed step has [`rounded_sum_note`].
pub const ROUNDED_SUM: &str = "sum of counts the publisher rounded by size (BRES: see caveats)";

pub const TS063_SOURCE: &str = "census2021_ts063_lad";
pub const TS063_LSOA_SOURCE: &str = "census2021_ts063_lsoa";
pub const UKBC_SOURCE: &str = "nomis_ukbc_enterprises";
pub const APS_INDUSTRY_SOURCE: &str = "nomis_aps_t13a_industry";
pub const APS_OCCUPATION_SOURCE: &str = "nomis_aps_t09a_occupation";
pub const APS_OCCUPATION_SOC2020_SOURCE: &str = "nomis_aps_t09b_occupation";
pub const TS066_SOURCE: &str = "census2021_ts066_utla";
pub const TS066_LAD_SOURCE: &str = "census2021_ts066_lad";
pub const TS066_LSOA_SOURCE: &str = "census2021_ts066_lsoa";

/// Census 2021 TS063 categories (SOC 2020 major groups); the measure ids the parser writes.
pub const TS063_PARTS: &[MeasureRef] = &[
    m("ts063_soc1", "Managers, directors and senior officials"),
    m("ts063_soc2", "Professional occupations"),
    m(
        "ts063_soc3",
        "Associate professional and technical occupations",
    ),
    m("ts063_soc4", "Administrative and secretarial occupations"),
    m("ts063_soc5", "Skilled trades occupations"),
    m(
        "ts063_soc6",
        "Caring, leisure and other service occupations",
    ),
    m("ts063_soc7", "Sales and customer service occupations"),
    m("ts063_soc8", "Process, plant and machine operatives"),
    m("ts063_soc9", "Elementary occupations"),
];
pub const TS063_TOTAL: MeasureRef = m(
    "ts063_total",
    "Usual residents aged 16 and over in employment the week before the census",
);

/// UK Business Counts broad industry groups, numbered as Nomis numbers them (`1 : …`).
pub const UKBC_INDUSTRIES: &[MeasureRef] = &[
    m("ukbc_industry_01", "Agriculture, forestry & fishing (A)"),
    m(
        "ukbc_industry_02",
        "Mining, quarrying & utilities (B,D and E)",
    ),
    m("ukbc_industry_03", "Manufacturing (C)"),
    m("ukbc_industry_04", "Construction (F)"),
    m("ukbc_industry_05", "Motor trades (Part G)"),
    m("ukbc_industry_06", "Wholesale (Part G)"),
    m("ukbc_industry_07", "Retail (Part G)"),
    m("ukbc_industry_08", "Transport & storage (inc postal) (H)"),
    m("ukbc_industry_09", "Accommodation & food services (I)"),
    m("ukbc_industry_10", "Information & communication (J)"),
    m("ukbc_industry_11", "Financial & insurance (K)"),
    m("ukbc_industry_12", "Property (L)"),
    m(
        "ukbc_industry_13",
        "Professional, scientific & technical (M)",
    ),
    m(
        "ukbc_industry_14",
        "Business administration & support services (N)",
    ),
    m("ukbc_industry_15", "Public administration & defence (O)"),
    m("ukbc_industry_16", "Education (P)"),
    m("ukbc_industry_17", "Health (Q)"),
    m(
        "ukbc_industry_18",
        "Arts, entertainment, recreation & other services (R,S,T and U)",
    ),
];
/// UK Business Counts employment size bands, in the file's column order.
pub const UKBC_SIZE_BANDS: &[MeasureRef] = &[
    m("ukbc_size_micro", "Micro (0 to 9)"),
    m("ukbc_size_small", "Small (10 to 49)"),
    m("ukbc_size_medium", "Medium-sized (50 to 249)"),
    m("ukbc_size_large", "Large (250+)"),
];
pub const UKBC_TOTAL: MeasureRef = m(
    "ukbc_enterprises",
    "Enterprises (all industries, all sizes)",
);

const UKBC_CAVEATS: &[&str] = &[
    "UK Business Counts rounds every count to the nearest 5, so parts do not add up exactly to \
     the total and sums over districts are approximate (marked `approximate`).",
    "An enterprise is counted once, in the district of its reporting unit (usually the head \
     office), however many sites it has; size band is its total employment.",
    "March snapshot of the Inter-Departmental Business Register each year.",
    "Travel to Work Areas are best fit from whole districts: see `coverage`.",
];

pub const COUNT_BREAKDOWNS: &[CountBreakdownDef] = &[
    CountBreakdownDef {
        id: "census_occupation",
        title: "Residents in employment by occupation (Census 2021, SOC 2020)",
        description: "Usual residents aged 16 and over in employment the week before the \
            census, by the major group (SOC 2020) of their job. The nine parts add up to all of \
            them.",
        classification: Classification::Soc2020MajorGroups,
        source: TS063_SOURCE,
        small_area_source: Some(TS063_LSOA_SOURCE),
        upper_tier_source: None,
        total: TS063_TOTAL,
        parts: TS063_PARTS,
        geographies: BreakdownGeographies::AllAreas,
        rounded_to: None,
        period_type: PeriodType::CensusYear,
        series_breaks: &[],
        caveats: &[
            "Census counts carry ONS statistical disclosure control (cell-key perturbation): \
             sums of small areas can differ by a few people from figures ONS publishes directly.",
            "SOC 2020 major groups: not comparable part by part with SOC 2010 (APS) groups.",
            "Where people live, not where they work. March 2021 was during a lockdown; \
             furloughed people count in their usual job.",
            "Travel to Work Areas are summed exactly from 2021 LSOAs when the LSOA table is \
             present; otherwise best fit from districts and approximate.",
        ],
    },
    CountBreakdownDef {
        id: "enterprises_by_industry",
        title: "Enterprises by broad industry group (UK Business Counts)",
        description: "VAT and/or PAYE registered enterprises by the 18 broad industry groups \
            (SIC 2007).",
        classification: Classification::Sic2007BroadIndustryGroups,
        source: UKBC_SOURCE,
        small_area_source: None,
        upper_tier_source: None,
        total: UKBC_TOTAL,
        parts: UKBC_INDUSTRIES,
        geographies: BreakdownGeographies::AllAreas,
        rounded_to: Some(5),
        period_type: PeriodType::CalendarYear,
        series_breaks: &[],
        caveats: UKBC_CAVEATS,
    },
    CountBreakdownDef {
        id: "enterprises_by_size",
        title: "Enterprises by employment size band (UK Business Counts)",
        description: "VAT and/or PAYE registered enterprises by how many people they employ.",
        classification: Classification::EmploymentSizeBands,
        source: UKBC_SOURCE,
        small_area_source: None,
        upper_tier_source: None,
        total: UKBC_TOTAL,
        parts: UKBC_SIZE_BANDS,
        geographies: BreakdownGeographies::AllAreas,
        rounded_to: Some(5),
        period_type: PeriodType::CalendarYear,
        series_breaks: &[],
        caveats: UKBC_CAVEATS,
    },
    APS_INDUSTRY,
    APS_OCCUPATION,
    APS_OCCUPATION_SOC2020,
    CENSUS_ECONOMIC_ACTIVITY,
    BRES_JOBS_BY_SECTION,
    BRES_EMPLOYEES_BY_SECTION,
    BRES_JOBS_BY_INDUSTRY_GROUP,
    CENSUS_INDUSTRY,
    FE_ACHIEVEMENTS_BY_SSA,
    FE_ACHIEVEMENTS_BY_LEVEL,
    FE_PARTICIPATION_BY_LEVEL,
    FE_ACHIEVEMENTS_BY_AGE,
    FE_PARTICIPATION_BY_AGE,
    APPRENTICESHIP_STARTS_BY_LEVEL,
    APPRENTICESHIP_STARTS_BY_AGE,
    APPRENTICESHIP_ACHIEVEMENTS_BY_LEVEL,
    APPRENTICESHIP_ACHIEVEMENTS_BY_AGE,
];

/// Census 2021 TS066 parts: mutually exclusive categories that add up to every resident aged 16+.
pub const TS066_PARTS: &[MeasureRef] = &[
    m("ts066_1002", "In employment (excluding full-time students)"),
    m("ts066_7", "Unemployed (excluding full-time students)"),
    m("ts066_1006", "Economically active full-time students"),
    m("ts066_15", "Inactive: retired"),
    m("ts066_16", "Inactive: student"),
    m("ts066_17", "Inactive: looking after home or family"),
    m("ts066_18", "Inactive: long-term sick or disabled"),
    m("ts066_19", "Inactive: other"),
];

/// APS T13a cells (SIC 2007 industry groups), measure `aps_t13a_<cell>`.
pub const APS_INDUSTRY_PARTS: &[MeasureRef] = &[
    m("aps_t13a_1", "A Agriculture and fishing"),
    m("aps_t13a_4", "B, D, E Energy and water"),
    m("aps_t13a_7", "C Manufacturing"),
    m("aps_t13a_10", "F Construction"),
    m("aps_t13a_13", "G, I Distribution, hotels and restaurants"),
    m("aps_t13a_16", "H, J Transport and communication"),
    m("aps_t13a_19", "K-N Banking, finance and insurance etc."),
    m(
        "aps_t13a_22",
        "O-Q Public administration, education and health",
    ),
    m("aps_t13a_25", "R-U Other services"),
];

/// APS T09a cells (SOC 2010 sub-major groups), measure `aps_t09a_<cell>`.
pub const APS_OCCUPATION_PARTS: &[MeasureRef] = &[
    m("aps_t09a_1", "11 Corporate managers and directors"),
    m("aps_t09a_4", "12 Other managers and proprietors"),
    m(
        "aps_t09a_7",
        "21 Science, research, engineering and technology professionals",
    ),
    m("aps_t09a_10", "22 Health professionals"),
    m("aps_t09a_13", "23 Teaching and educational professionals"),
    m(
        "aps_t09a_16",
        "24 Business, media and public service professionals",
    ),
    m(
        "aps_t09a_19",
        "31 Science, engineering and technology associate professionals",
    ),
    m(
        "aps_t09a_22",
        "32 Health and social care associate professionals",
    ),
    m("aps_t09a_25", "33 Protective service occupations"),
    m("aps_t09a_28", "34 Culture, media and sports occupations"),
    m(
        "aps_t09a_31",
        "35 Business and public service associate professionals",
    ),
    m("aps_t09a_34", "41 Administrative occupations"),
    m("aps_t09a_37", "42 Secretarial and related occupations"),
    m("aps_t09a_40", "51 Skilled agricultural and related trades"),
    m(
        "aps_t09a_43",
        "52 Skilled metal, electrical and electronic trades",
    ),
    m("aps_t09a_46", "53 Skilled construction and building trades"),
    m(
        "aps_t09a_49",
        "54 Textiles, printing and other skilled trades",
    ),
    m("aps_t09a_52", "61 Caring personal service occupations"),
    m(
        "aps_t09a_55",
        "62 Leisure, travel and related personal service occupations",
    ),
    m("aps_t09a_58", "71 Sales occupations"),
    m("aps_t09a_61", "72 Customer service occupations"),
    m("aps_t09a_64", "81 Process, plant and machine operatives"),
    m(
        "aps_t09a_67",
        "82 Transport and mobile machine drivers and operatives",
    ),
    m(
        "aps_t09a_70",
        "91 Elementary trades and related occupations",
    ),
    m(
        "aps_t09a_73",
        "92 Elementary administration and service occupations",
    ),
];

const APS_CAVEATS: &[&str] = &[
    "Annual Population Survey estimates (residents aged 16+ in employment, January-December): \
     served only for districts and England as published, never added up across areas.",
    "Nomis withholds small estimates (`!` sample too small, `~` disclosive, `-` none): those \
     parts are absent (status suppressed or unavailable, the symbol in the observation's \
     flags) and the total, the sum of the parts, is then unknown, so no share is shown. \
     Estimates marked `*` (sample 3-9) are low_reliability. Most district-level occupation \
     cells are withheld.",
];

/// APS T09b cells (SOC 2020 sub-major groups), measure `aps_t09b_<cell>`: cells 1, 4, …, 76
/// in SOC order, as T09a numbers its 25 (the catalogue entry checks every run that the cells
/// found by label carry exactly these numbers).
pub const APS_OCCUPATION_SOC2020_PARTS: &[MeasureRef] = &[
    m("aps_t09b_1", "11 Corporate managers and directors"),
    m("aps_t09b_4", "12 Other managers and proprietors"),
    m(
        "aps_t09b_7",
        "21 Science, research, engineering and technology professionals",
    ),
    m("aps_t09b_10", "22 Health professionals"),
    m(
        "aps_t09b_13",
        "23 Teaching and other educational professionals",
    ),
    m(
        "aps_t09b_16",
        "24 Business, media and public service professionals",
    ),
    m(
        "aps_t09b_19",
        "31 Science, engineering and technology associate professionals",
    ),
    m(
        "aps_t09b_22",
        "32 Health and social care associate professionals",
    ),
    m("aps_t09b_25", "33 Protective service occupations"),
    m("aps_t09b_28", "34 Culture, media and sports occupations"),
    m(
        "aps_t09b_31",
        "35 Business and public service associate professionals",
    ),
    m("aps_t09b_34", "41 Administrative occupations"),
    m("aps_t09b_37", "42 Secretarial and related occupations"),
    m("aps_t09b_40", "51 Skilled agricultural and related trades"),
    m(
        "aps_t09b_43",
        "52 Skilled metal, electrical and electronic trades",
    ),
    m("aps_t09b_46", "53 Skilled construction and building trades"),
    m(
        "aps_t09b_49",
        "54 Textiles, printing and other skilled trades",
    ),
    m("aps_t09b_52", "61 Caring personal service occupations"),
    m(
        "aps_t09b_55",
        "62 Leisure, travel and related personal service occupations",
    ),
    m(
        "aps_t09b_58",
        "63 Community and civil enforcement occupations",
    ),
    m("aps_t09b_61", "71 Sales occupations"),
    m("aps_t09b_64", "72 Customer service occupations"),
    m("aps_t09b_67", "81 Process, plant and machine operatives"),
    m(
        "aps_t09b_70",
        "82 Transport and mobile machine drivers and operatives",
    ),
    m(
        "aps_t09b_73",
        "91 Elementary trades and related occupations",
    ),
    m(
        "aps_t09b_76",
        "92 Elementary administration and service occupations",
    ),
];

/// SOC 2020 replaces SOC 2010 in the APS occupation tables (T09b for T09a) from Jan-Dec 2021.
pub const SOC2020_BREAK: SeriesBreak = SeriesBreak {
    period: "2021",
    note: "From January-December 2021 the APS codes occupations to SOC 2020 (table T09b) instead \
        of SOC 2010 (T09a): the sub-major groups are not comparable group by group, so this \
        series starts at the break and is never joined to the SOC 2010 one \
        (aps_employment_by_occupation).",
};

const APS_INDUSTRY: CountBreakdownDef = CountBreakdownDef {
    id: "aps_employment_by_industry",
    title: "Residents in employment by industry (APS, SIC 2007, 9 groups)",
    description: "Residents aged 16 and over in employment by the industry of their job, from \
        the Annual Population Survey. The total is the sum of the nine groups.",
    classification: Classification::Sic2007ApsIndustryGroups,
    source: APS_INDUSTRY_SOURCE,
    small_area_source: None,
    upper_tier_source: None,
    total: m(
        "aps_t13a_total",
        "Residents 16+ in employment (sum of the nine groups)",
    ),
    parts: APS_INDUSTRY_PARTS,
    geographies: BreakdownGeographies::Published,
    rounded_to: None,
    period_type: PeriodType::CalendarYear,
    series_breaks: &[],
    caveats: APS_CAVEATS,
};

const APS_OCCUPATION: CountBreakdownDef = CountBreakdownDef {
    id: "aps_employment_by_occupation",
    title: "Residents in employment by occupation (APS, SOC 2010 sub-major groups)",
    description: "Residents aged 16 and over in employment by the sub-major group (SOC 2010) of \
        their job, from the Annual Population Survey. SOC 2010: never compare part by part with \
        the Census 2021 (SOC 2020) occupations. A closed series: from 2021 the APS publishes \
        SOC 2020 (aps_employment_by_occupation_soc2020), a separate series after a break.",
    classification: Classification::Soc2010SubMajorGroups,
    source: APS_OCCUPATION_SOURCE,
    small_area_source: None,
    upper_tier_source: None,
    total: m(
        "aps_t09a_total",
        "Residents 16+ in employment (sum of the 25 groups)",
    ),
    parts: APS_OCCUPATION_PARTS,
    geographies: BreakdownGeographies::Published,
    rounded_to: None,
    period_type: PeriodType::CalendarYear,
    series_breaks: &[],
    caveats: APS_CAVEATS,
};

const APS_OCCUPATION_SOC2020: CountBreakdownDef = CountBreakdownDef {
    id: "aps_employment_by_occupation_soc2020",
    title: "Residents in employment by occupation (APS, SOC 2020 sub-major groups)",
    description: "Residents aged 16 and over in employment by the sub-major group (SOC 2020) of \
        their job, from the Annual Population Survey (table T09b). A separate series from the \
        SOC 2010 one (T09a): the classification changed, so the two are never joined.",
    classification: Classification::Soc2020SubMajorGroups,
    source: APS_OCCUPATION_SOC2020_SOURCE,
    small_area_source: None,
    upper_tier_source: None,
    total: m(
        "aps_t09b_total",
        "Residents 16+ in employment (sum of the 26 groups)",
    ),
    parts: APS_OCCUPATION_SOC2020_PARTS,
    geographies: BreakdownGeographies::Published,
    rounded_to: None,
    period_type: PeriodType::CalendarYear,
    series_breaks: &[SOC2020_BREAK],
    caveats: APS_CAVEATS,
};

const CENSUS_ECONOMIC_ACTIVITY: CountBreakdownDef = CountBreakdownDef {
    id: "census_economic_activity",
    title: "Residents aged 16+ by economic activity (Census 2021)",
    description: "Usual residents aged 16 and over by economic activity status in the week \
        before the census: in work, unemployed, full-time students in the labour market, and the \
        reasons people were economically inactive. The eight parts add up to all of them.",
    classification: Classification::EconomicActivityStatus,
    source: TS066_LAD_SOURCE,
    small_area_source: Some(TS066_LSOA_SOURCE),
    upper_tier_source: Some(TS066_SOURCE),
    total: m("ts066_0", "All usual residents aged 16 and over"),
    parts: TS066_PARTS,
    geographies: BreakdownGeographies::AllAreas,
    rounded_to: None,
    period_type: PeriodType::CensusYear,
    series_breaks: &[],
    caveats: &[
        "From the Nomis API by district (summed to every area; Travel to Work Areas exactly from \
         2021 LSOAs when the LSOA table is present, otherwise best fit and approximate). A \
         snapshot built only from the upper-tier file (`refresh --from` over files without the \
         district table) serves counties, unitary authorities and the areas made exactly of \
         them, with no value for two-tier districts or Travel to Work Areas.",
        "Census counts carry ONS statistical disclosure control (cell-key perturbation).",
        "March 2021, during a lockdown: furloughed people count as in employment.",
    ],
};

// ---- Jobs where they are (issue 25 item 2): BRES by workplace, Census 2021 TS060A by residence.

pub const BRES_SOURCE: &str = "nomis_bres_lad";
pub const TS060A_SOURCE: &str = "census2021_ts060a_lad";
pub const TS060A_LSOA_SOURCE: &str = "census2021_ts060a_lsoa";

/// BRES employment (employees plus working owners) by SIC 2007 section, in section order; the
/// measure ids the `nomis_bres_lad` entry maps `INDUSTRY` 150994945..150994965 to.
pub const BRES_EMPLOYMENT_SECTIONS: &[MeasureRef] = &[
    m("bres_employment_a", "A Agriculture, forestry and fishing"),
    m("bres_employment_b", "B Mining and quarrying"),
    m("bres_employment_c", "C Manufacturing"),
    m(
        "bres_employment_d",
        "D Electricity, gas, steam and air conditioning supply",
    ),
    m(
        "bres_employment_e",
        "E Water supply; sewerage, waste management and remediation activities",
    ),
    m("bres_employment_f", "F Construction"),
    m(
        "bres_employment_g",
        "G Wholesale and retail trade; repair of motor vehicles and motorcycles",
    ),
    m("bres_employment_h", "H Transportation and storage"),
    m(
        "bres_employment_i",
        "I Accommodation and food service activities",
    ),
    m("bres_employment_j", "J Information and communication"),
    m("bres_employment_k", "K Financial and insurance activities"),
    m("bres_employment_l", "L Real estate activities"),
    m(
        "bres_employment_m",
        "M Professional, scientific and technical activities",
    ),
    m(
        "bres_employment_n",
        "N Administrative and support service activities",
    ),
    m(
        "bres_employment_o",
        "O Public administration and defence; compulsory social security",
    ),
    m("bres_employment_p", "P Education"),
    m(
        "bres_employment_q",
        "Q Human health and social work activities",
    ),
    m("bres_employment_r", "R Arts, entertainment and recreation"),
    m("bres_employment_s", "S Other service activities"),
    m(
        "bres_employment_t",
        "T Activities of households as employers; undifferentiated goods- and services-producing activities of households for own use",
    ),
    m(
        "bres_employment_u",
        "U Activities of extraterritorial organisations and bodies",
    ),
];
/// BRES employees by SIC 2007 section (employment without working owners).
pub const BRES_EMPLOYEES_SECTIONS: &[MeasureRef] = &[
    m("bres_employees_a", "A Agriculture, forestry and fishing"),
    m("bres_employees_b", "B Mining and quarrying"),
    m("bres_employees_c", "C Manufacturing"),
    m(
        "bres_employees_d",
        "D Electricity, gas, steam and air conditioning supply",
    ),
    m(
        "bres_employees_e",
        "E Water supply; sewerage, waste management and remediation activities",
    ),
    m("bres_employees_f", "F Construction"),
    m(
        "bres_employees_g",
        "G Wholesale and retail trade; repair of motor vehicles and motorcycles",
    ),
    m("bres_employees_h", "H Transportation and storage"),
    m(
        "bres_employees_i",
        "I Accommodation and food service activities",
    ),
    m("bres_employees_j", "J Information and communication"),
    m("bres_employees_k", "K Financial and insurance activities"),
    m("bres_employees_l", "L Real estate activities"),
    m(
        "bres_employees_m",
        "M Professional, scientific and technical activities",
    ),
    m(
        "bres_employees_n",
        "N Administrative and support service activities",
    ),
    m(
        "bres_employees_o",
        "O Public administration and defence; compulsory social security",
    ),
    m("bres_employees_p", "P Education"),
    m(
        "bres_employees_q",
        "Q Human health and social work activities",
    ),
    m("bres_employees_r", "R Arts, entertainment and recreation"),
    m("bres_employees_s", "S Other service activities"),
    m(
        "bres_employees_t",
        "T Activities of households as employers; undifferentiated goods- and services-producing activities of households for own use",
    ),
    m(
        "bres_employees_u",
        "U Activities of extraterritorial organisations and bodies",
    ),
];
/// BRES employment by the 18 broad industry groups of UK Business Counts (`N : …` =
/// 163577856 + N), with UKBC's labels: the same classification.
pub const BRES_EMPLOYMENT_INDUSTRY_GROUPS: &[MeasureRef] = &[
    m("bres_employment_g01", "Agriculture, forestry & fishing (A)"),
    m(
        "bres_employment_g02",
        "Mining, quarrying & utilities (B,D and E)",
    ),
    m("bres_employment_g03", "Manufacturing (C)"),
    m("bres_employment_g04", "Construction (F)"),
    m("bres_employment_g05", "Motor trades (Part G)"),
    m("bres_employment_g06", "Wholesale (Part G)"),
    m("bres_employment_g07", "Retail (Part G)"),
    m(
        "bres_employment_g08",
        "Transport & storage (inc postal) (H)",
    ),
    m("bres_employment_g09", "Accommodation & food services (I)"),
    m("bres_employment_g10", "Information & communication (J)"),
    m("bres_employment_g11", "Financial & insurance (K)"),
    m("bres_employment_g12", "Property (L)"),
    m(
        "bres_employment_g13",
        "Professional, scientific & technical (M)",
    ),
    m(
        "bres_employment_g14",
        "Business administration & support services (N)",
    ),
    m("bres_employment_g15", "Public administration & defence (O)"),
    m("bres_employment_g16", "Education (P)"),
    m("bres_employment_g17", "Health (Q)"),
    m(
        "bres_employment_g18",
        "Arts, entertainment, recreation & other services (R,S,T and U)",
    ),
];
pub const BRES_EMPLOYMENT_TOTAL: MeasureRef = m(
    "bres_employment",
    "Employment at workplaces in the area, all industries (BRES; Nomis's own total)",
);
pub const BRES_EMPLOYEES_TOTAL: MeasureRef = m(
    "bres_employees",
    "Employees at workplaces in the area, all industries (BRES; Nomis's own total)",
);

/// Every BRES reading says where the jobs are counted.
pub const BRES_WORKPLACE: &str = "Jobs where they are (workplace): BRES counts jobs at the \
    business sites in the area, wherever the people doing them live; it is not a count of \
    residents in work (Census TS060A and the APS count where people live).";

/// Open access BRES rounding, the rule Nomis publishes (www.nomisweb.co.uk/articles/1103.aspx,
/// "Rounding of Business Register and Employment Survey estimates", public access columns).
pub const BRES_ROUNDING: &str = "Open access BRES is rounded by size (Nomis, \"Rounding of \
    Business Register and Employment Survey estimates\"): relaxed rounding of 1-49 to the \
    nearest 5, 50-249 to 25, 250-499 to 50, 500-999 to 100, 1,000-2,499 to 250, 2,500-4,999 \
    to 500 and 5,000+ to 1,000; disclosive cells are rounded twice as coarsely (strict \
    rounding). Sections do not add up exactly to the all-industries total (each is rounded on \
    its own), and every sum over districts is approximate (marked `approximate`).";

const BRES_CAVEATS: &[&str] = &[
    BRES_WORKPLACE,
    BRES_ROUNDING,
    "Employment = employees plus working owners (sole traders and partners paid by drawings or \
     a share of profits); employees exclude them. Jobs, not people: one person with two jobs \
     counts twice. Farm agriculture (SIC 01000) is excluded below regional level.",
    "Travel to Work Areas are best fit from whole districts and approximate: see `coverage`. \
     `change` is the change in share from the survey year before; `count_change_5y` and \
     `share_change_5y` the change in jobs and in share over five years (each side rounded).",
];

const BRES_JOBS_BY_SECTION: CountBreakdownDef = CountBreakdownDef {
    id: "jobs_by_section",
    title: "Jobs where they are (workplace), by industry section (BRES employment, SIC 2007)",
    description: "Employment (employees plus working owners) at workplaces in the area, by the \
        21 sections of SIC 2007, from the Business Register and Employment Survey. Counts jobs \
        where they are, not where the people doing them live.",
    classification: Classification::Sic2007Sections,
    source: BRES_SOURCE,
    small_area_source: None,
    upper_tier_source: None,
    total: BRES_EMPLOYMENT_TOTAL,
    parts: BRES_EMPLOYMENT_SECTIONS,
    geographies: BreakdownGeographies::AllAreas,
    // The smallest rounding step; larger counts are rounded more coarsely (BRES_ROUNDING).
    rounded_to: Some(5),
    period_type: PeriodType::SurveyYear,
    series_breaks: &[],
    caveats: BRES_CAVEATS,
};

const BRES_EMPLOYEES_BY_SECTION: CountBreakdownDef = CountBreakdownDef {
    id: "employees_by_section",
    title: "Employee jobs where they are (workplace), by industry section (BRES employees, SIC \
        2007)",
    description: "Employees (without working owners) at workplaces in the area, by the 21 \
        sections of SIC 2007, from the Business Register and Employment Survey. Counts jobs \
        where they are, not where the people doing them live.",
    total: BRES_EMPLOYEES_TOTAL,
    parts: BRES_EMPLOYEES_SECTIONS,
    ..BRES_JOBS_BY_SECTION
};

const BRES_JOBS_BY_INDUSTRY_GROUP: CountBreakdownDef = CountBreakdownDef {
    id: "jobs_by_industry_group",
    title: "Jobs where they are (workplace), by broad industry group (BRES employment)",
    description: "Employment (employees plus working owners) at workplaces in the area, by the \
        18 broad industry groups (SIC 2007) that UK Business Counts also uses. Counts jobs where \
        they are, not where the people doing them live.",
    classification: Classification::Sic2007BroadIndustryGroups,
    parts: BRES_EMPLOYMENT_INDUSTRY_GROUPS,
    ..BRES_JOBS_BY_SECTION
};

/// Census 2021 TS060A categories 1..18 (`c2021_ind_19`; 0 is the total). The labels and their
/// order (sections A..Q, then R, S, T and U together) are NOT CONFIRMED from the publisher: the
/// catalogue entry checks every cell's `C2021_IND_19_NAME` against the section letters.
pub const TS060A_PARTS: &[MeasureRef] = &[
    m("ts060a_ind_01", "A Agriculture, forestry and fishing"),
    m("ts060a_ind_02", "B Mining and quarrying"),
    m("ts060a_ind_03", "C Manufacturing"),
    m(
        "ts060a_ind_04",
        "D Electricity, gas, steam and air conditioning supply",
    ),
    m(
        "ts060a_ind_05",
        "E Water supply; sewerage, waste management and remediation activities",
    ),
    m("ts060a_ind_06", "F Construction"),
    m(
        "ts060a_ind_07",
        "G Wholesale and retail trade; repair of motor vehicles and motorcycles",
    ),
    m("ts060a_ind_08", "H Transportation and storage"),
    m(
        "ts060a_ind_09",
        "I Accommodation and food service activities",
    ),
    m("ts060a_ind_10", "J Information and communication"),
    m("ts060a_ind_11", "K Financial and insurance activities"),
    m("ts060a_ind_12", "L Real estate activities"),
    m(
        "ts060a_ind_13",
        "M Professional, scientific and technical activities",
    ),
    m(
        "ts060a_ind_14",
        "N Administrative and support service activities",
    ),
    m(
        "ts060a_ind_15",
        "O Public administration and defence; compulsory social security",
    ),
    m("ts060a_ind_16", "P Education"),
    m("ts060a_ind_17", "Q Human health and social work activities"),
    m("ts060a_ind_18", "R, S, T, U Other"),
];
pub const TS060A_TOTAL: MeasureRef = m(
    "ts060a_total",
    "Usual residents aged 16 and over in employment the week before the census",
);

const CENSUS_INDUSTRY: CountBreakdownDef = CountBreakdownDef {
    id: "census_industry",
    title: "Residents in employment by industry (Census 2021 TS060A, where they live)",
    description: "Usual residents aged 16 and over in employment the week before the census, \
        by the industry (SIC 2007 section) of their job, counted where they live, not where they \
        work. Sections R, S, T and U are published as one group.",
    classification: Classification::Census2021Industry18,
    source: TS060A_SOURCE,
    small_area_source: Some(TS060A_LSOA_SOURCE),
    upper_tier_source: None,
    total: TS060A_TOTAL,
    parts: TS060A_PARTS,
    geographies: BreakdownGeographies::AllAreas,
    rounded_to: None,
    period_type: PeriodType::CensusYear,
    series_breaks: &[],
    caveats: &[
        "Where residents live, not where they work: compare with BRES (jobs_by_section) only \
         knowing that commuters are counted at home here and at work there.",
        "Census counts carry ONS statistical disclosure control (cell-key perturbation): \
         sums of small areas can differ by a few people from figures ONS publishes directly.",
        "March 2021, during a lockdown: furloughed people count in their usual job.",
        "Travel to Work Areas are summed exactly from 2021 LSOAs when the LSOA table is \
         present; otherwise best fit from districts and approximate.",
    ],
};

// ---------------------------------------------------------------- FE provision by subject

pub const FE_SSA_SOURCE: &str = "dfe_fe_aim_achievements_ssa_lad";

/// Ends the label of a period that covers only part of its year (`2021/22 (Aug-Apr)`): no change
/// is computed into or out of such a period, so a part year is never compared with a full year.
pub const PART_YEAR_MARK: &str = " (Aug-Apr)";

/// Whether a period label is a part year (see [`PART_YEAR_MARK`]).
pub fn is_part_year(period: &str) -> bool {
    period.ends_with(PART_YEAR_MARK)
}

/// Sector subject areas tier 1, numbered by their LARS code (`SectorSubjectAreaTier1Id` 1-15 in
/// ESFA's reference data: SkillsFundingAgency/dfc-providerportal-referencedata,
/// src/Dfc.ProviderPortal.ReferenceData/Services/SectorSubjectAreaTier1Service.cs), labelled as
/// DfE's FE data sets write `ssa_t1_desc`. The measure ids are a contract: the supply-against-
/// demand view joins on them.
pub const FE_SSA_PARTS: &[MeasureRef] = &[
    m("fe_ach_ssa_01", "Health, Public Services and Care"),
    m("fe_ach_ssa_02", "Science and Mathematics"),
    m("fe_ach_ssa_03", "Agriculture, Horticulture and Animal Care"),
    m(
        "fe_ach_ssa_04",
        "Engineering and Manufacturing Technologies",
    ),
    m(
        "fe_ach_ssa_05",
        "Construction, Planning and the Built Environment",
    ),
    m("fe_ach_ssa_06", "Information and Communication Technology"),
    m("fe_ach_ssa_07", "Retail and Commercial Enterprise"),
    m("fe_ach_ssa_08", "Leisure, Travel and Tourism"),
    m("fe_ach_ssa_09", "Arts, Media and Publishing"),
    m("fe_ach_ssa_10", "History, Philosophy and Theology"),
    m("fe_ach_ssa_11", "Social Sciences"),
    m("fe_ach_ssa_12", "Languages, Literature and Culture"),
    m("fe_ach_ssa_13", "Education and Training"),
    m("fe_ach_ssa_14", "Preparation for Life and Work"),
    m("fe_ach_ssa_15", "Business, Administration and Law"),
    m("fe_ach_ssa_unknown", "Not Applicable/ Not Known"),
];
pub const FE_SSA_TOTAL: MeasureRef = m(
    "fe_ach_ssa_total",
    "Adult (19+) education and training aim achievements, all sector subject areas",
);

const FE_ACHIEVEMENTS_BY_SSA: CountBreakdownDef = CountBreakdownDef {
    id: "fe_achievements_by_ssa",
    title: "Adult FE aim achievements by sector subject area (tier 1)",
    description: "Education and training aims achieved by adult (19+) learners, by the sector \
        subject area (tier 1) of the aim and the learner's home district. Aims, not learners: a \
        learner achieving two aims counts twice. The parts (15 subject areas and \
        \"Not Applicable/ Not Known\") add up to the total, within DfE's rounding.",
    classification: Classification::SectorSubjectAreasTier1,
    source: FE_SSA_SOURCE,
    small_area_source: None,
    upper_tier_source: None,
    total: FE_SSA_TOTAL,
    parts: FE_SSA_PARTS,
    // DfE publishes districts, regions and England; `low` (fewer than 5) cells are common
    // (1,490 of 5,270 district cells in 2021/22), so a sum over all districts would be
    // suppressed for almost every part of England: England and regions come from DfE's own rows.
    // Smaller areas (TTWAs, counties, combined authorities) are summed from their districts; a
    // part `low` in any of them is withheld in the sum.
    geographies: BreakdownGeographies::PublishedAndSummed,
    rounded_to: Some(10),
    period_type: PeriodType::AcademicYear,
    series_breaks: &[],
    caveats: &[
        "Part year: August to April of the academic year only (DfE's provisional quarter-3 \
         figures), labelled `(Aug-Apr)`. Never compare it with a full year: no change is \
         computed into or out of a part year.",
        "Counts rounded to the nearest 10 by DfE; `low` (fewer than 5) is shown as suppressed, \
         never as zero, and the total's share of such a part is unknown.",
        "Districts, regions and England as DfE publishes them; counties, combined authorities and \
         TTWAs (best fit) summed from their districts, approximate (rounding), with a subject \
         area withheld wherever any of the districts has it as `low`. England's figures include \
         learners living outside England or with no known home.",
        "Districts on the 2021 boundaries: districts merged since (Cumbria, North Yorkshire, \
         Somerset) have no value for their successor.",
        "Where learners live, not where they study; aims, not learners; education and training \
         only (no apprenticeships or community learning).",
    ],
};

// -------------------------------------------------------- FE provision by level and by age

pub const FE_SOURCE: &str = "dfe_fe_achievements_lad";

/// The levels of "Further education and skills" in DfE's FE participation file (`level_or_type`
/// after `Further education and skills: `, age and regulated status `Total`), as DfE's Local
/// Skills Dashboard reads and shows them (dfe-analytical-services/lsip_dashboard,
/// importData/importFeAims.R, and its output Data/AppData/C_topTenEachBreakdown.csv @ 56b2c9c0),
/// with the measure stem each gets: its measures are `{stem}_achievements` and
/// `{stem}_participation`, in this order in the parts below.
pub const FE_LEVELS: &[(&str, &str)] = &[
    ("Entry level", "fe_fes_level_entry"),
    ("Level 1", "fe_fes_level_1"),
    ("Level 2", "fe_fes_level_2"),
    ("Level 3", "fe_fes_level_3"),
    ("Level 4+", "fe_fes_level_4plus"),
    ("No level assigned", "fe_fes_level_none"),
];
/// Levels the file has that are subsets of another (Level 2, Level 3): read past, not parts.
pub const FE_SUBSET_LEVELS: &[&str] = &["Full level 2", "Full level 3"];

/// The `age_summary` bands of "Further education and skills: Total" (same evidence as
/// [`FE_LEVELS`]) and their measure stems.
pub const FE_AGES: &[(&str, &str)] = &[
    ("19-24", "fe_fes_age_19_24"),
    ("25+", "fe_fes_age_25plus"),
    ("Unknown", "fe_fes_age_unknown"),
];

const LEVEL_4_LABEL: &str = "Level 4+ (Level 4 and 5 and above: HNC, HND and higher)";

pub const FE_LEVEL_ACHIEVEMENTS: &[MeasureRef] = &[
    m("fe_fes_level_entry_achievements", "Entry level"),
    m("fe_fes_level_1_achievements", "Level 1"),
    m("fe_fes_level_2_achievements", "Level 2"),
    m("fe_fes_level_3_achievements", "Level 3"),
    m("fe_fes_level_4plus_achievements", LEVEL_4_LABEL),
    m("fe_fes_level_none_achievements", "No level assigned"),
];
pub const FE_LEVEL_PARTICIPATION: &[MeasureRef] = &[
    m("fe_fes_level_entry_participation", "Entry level"),
    m("fe_fes_level_1_participation", "Level 1"),
    m("fe_fes_level_2_participation", "Level 2"),
    m("fe_fes_level_3_participation", "Level 3"),
    m("fe_fes_level_4plus_participation", LEVEL_4_LABEL),
    m("fe_fes_level_none_participation", "No level assigned"),
];
pub const FE_AGE_ACHIEVEMENTS: &[MeasureRef] = &[
    m("fe_fes_age_19_24_achievements", "Aged 19-24"),
    m("fe_fes_age_25plus_achievements", "Aged 25 and over"),
    m("fe_fes_age_unknown_achievements", "Age unknown"),
];
pub const FE_AGE_PARTICIPATION: &[MeasureRef] = &[
    m("fe_fes_age_19_24_participation", "Aged 19-24"),
    m("fe_fes_age_25plus_participation", "Aged 25 and over"),
    m("fe_fes_age_unknown_participation", "Age unknown"),
];

/// The "missing middle": said on every level breakdown.
pub const LEVEL_4_5_CAVEAT: &str = "Level 4+ is provision at Level 4 and 5 and above (HNC, HND, \
    higher-level aims): the \"missing middle\" between Level 3 and a degree. Residents' own Level \
    4/5 qualifications cannot be split from degrees with the published files (Census 2021 and the \
    APS count \"Level 4 and above\" together).";

const FE_COMMON_CAVEATS: [&str; 3] = [
    "Learners by home district, summed to every area; counts rounded to the nearest 10 by DfE \
     (sums over districts approximate), fewer than 5 shown as suppressed, never zero.",
    "Travel to Work Areas are best fit from whole districts: see `coverage`.",
    "Layout confirmed from DfE's code, values tested on the emulated publisher: the copy of the \
     file in lmi's shared data holds provision totals only.",
];

const FE_LEVEL_CAVEATS: &[&str] = &[
    "A learner studying at more than one level counts once at each, so the parts can add up to \
     more than the total (DfE: \"percentages may add up to more than 100%\"); Full level 2 and \
     Full level 3 are subsets of Level 2 and Level 3 and are not shown as parts.",
    LEVEL_4_5_CAVEAT,
    FE_COMMON_CAVEATS[0],
    FE_COMMON_CAVEATS[1],
    FE_COMMON_CAVEATS[2],
];

const FE_AGE_CAVEATS: &[&str] = &[
    "DfE publishes three bands (19-24, 25+, unknown): further education and skills here counts \
     adult learners (19+).",
    FE_COMMON_CAVEATS[0],
    FE_COMMON_CAVEATS[1],
    FE_COMMON_CAVEATS[2],
];

const FE_ACHIEVEMENTS_TOTAL: MeasureRef = m(
    "fe_further_education_and_skills_achievements",
    "Further education and skills learners achieving",
);
const FE_PARTICIPATION_TOTAL: MeasureRef = m(
    "fe_further_education_and_skills_participation",
    "Further education and skills learners participating",
);

const fn fe_breakdown(
    id: &'static str,
    title: &'static str,
    description: &'static str,
    classification: Classification,
    total: MeasureRef,
    parts: &'static [MeasureRef],
    caveats: &'static [&'static str],
) -> CountBreakdownDef {
    CountBreakdownDef {
        id,
        title,
        description,
        classification,
        source: FE_SOURCE,
        small_area_source: None,
        upper_tier_source: None,
        total,
        parts,
        geographies: BreakdownGeographies::AllAreas,
        rounded_to: Some(10),
        period_type: PeriodType::AcademicYear,
        series_breaks: &[],
        caveats,
    }
}

const FE_ACHIEVEMENTS_BY_LEVEL: CountBreakdownDef = fe_breakdown(
    "fe_achievements_by_level",
    "Further education and skills achievements by level",
    "Learners achieving a further education and skills aim (adult, 19+, including \
     apprenticeships), by the level of the aim, entry level to Level 4+.",
    Classification::FeLevels,
    FE_ACHIEVEMENTS_TOTAL,
    FE_LEVEL_ACHIEVEMENTS,
    FE_LEVEL_CAVEATS,
);
const FE_PARTICIPATION_BY_LEVEL: CountBreakdownDef = fe_breakdown(
    "fe_participation_by_level",
    "Further education and skills participation by level",
    "Learners participating in further education and skills (adult, 19+, including \
     apprenticeships), by the level of the aim, entry level to Level 4+.",
    Classification::FeLevels,
    FE_PARTICIPATION_TOTAL,
    FE_LEVEL_PARTICIPATION,
    FE_LEVEL_CAVEATS,
);
const FE_ACHIEVEMENTS_BY_AGE: CountBreakdownDef = fe_breakdown(
    "fe_achievements_by_age",
    "Further education and skills achievements by age",
    "Learners achieving a further education and skills aim, by age band.",
    Classification::FeAgeBands,
    FE_ACHIEVEMENTS_TOTAL,
    FE_AGE_ACHIEVEMENTS,
    FE_AGE_CAVEATS,
);
const FE_PARTICIPATION_BY_AGE: CountBreakdownDef = fe_breakdown(
    "fe_participation_by_age",
    "Further education and skills participation by age",
    "Learners participating in further education and skills, by age band.",
    Classification::FeAgeBands,
    FE_PARTICIPATION_TOTAL,
    FE_AGE_PARTICIPATION,
    FE_AGE_CAVEATS,
);

// ------------------------------------------------ Apprenticeships by level and by age

pub const APPRENTICESHIP_SOURCE: &str = "dfe_apprenticeships_lad";

/// The `apps_level` labels of DfE's apprenticeships data set "Geography LAD and PCON - Starts,
/// Participation, Achievements by Age, Sex, Level" (besides `Total`; from the EES data catalogue,
/// see the catalogue entry `dfe_apprenticeships_lad`) and the measure stem each gets: its
/// measures are `app_starts_{stem}` and `app_achievements_{stem}`, in this order in the parts.
pub const APPRENTICESHIP_LEVELS: &[(&str, &str)] = &[
    ("Intermediate Apprenticeship", "level_intermediate"),
    ("Advanced Apprenticeship", "level_advanced"),
    ("Higher Apprenticeship", "level_higher"),
];

/// The age bands of the same data set (`age_summary`, `age_group` in the older publication),
/// besides `Total`, and their measure stems. Confirmed only from the sibling "Geography Region"
/// data set's labels.
pub const APPRENTICESHIP_AGES: &[(&str, &str)] = &[
    ("Under 19", "age_under19"),
    ("19-24", "age_19_24"),
    ("25+", "age_25plus"),
];

const APP_HIGHER_LABEL: &str = "Higher (Level 4 and above, including degree apprenticeships)";

pub const APPRENTICESHIP_STARTS_LEVELS: &[MeasureRef] = &[
    m("app_starts_level_intermediate", "Intermediate (Level 2)"),
    m("app_starts_level_advanced", "Advanced (Level 3)"),
    m("app_starts_level_higher", APP_HIGHER_LABEL),
];
pub const APPRENTICESHIP_ACHIEVEMENTS_LEVELS: &[MeasureRef] = &[
    m(
        "app_achievements_level_intermediate",
        "Intermediate (Level 2)",
    ),
    m("app_achievements_level_advanced", "Advanced (Level 3)"),
    m("app_achievements_level_higher", APP_HIGHER_LABEL),
];
pub const APPRENTICESHIP_STARTS_AGES: &[MeasureRef] = &[
    m("app_starts_age_under19", "Aged under 19"),
    m("app_starts_age_19_24", "Aged 19-24"),
    m("app_starts_age_25plus", "Aged 25 and over"),
];
pub const APPRENTICESHIP_ACHIEVEMENTS_AGES: &[MeasureRef] = &[
    m("app_achievements_age_under19", "Aged under 19"),
    m("app_achievements_age_19_24", "Aged 19-24"),
    m("app_achievements_age_25plus", "Aged 25 and over"),
];

const APP_STARTS_TOTAL: MeasureRef = m("app_starts_total", "Apprenticeship starts");
const APP_ACHIEVEMENTS_TOTAL: MeasureRef =
    m("app_achievements_total", "Apprenticeship achievements");

const APP_COMMON_CAVEATS: [&str; 3] = [
    "Apprentices by home district, summed to every area; counts rounded to the nearest 10 by DfE \
     (sums over districts approximate), fewer than 5 (`low`) shown as suppressed, never zero.",
    "Travel to Work Areas are best fit from whole districts: see `coverage`.",
    "Layout built from documentation (the EES data catalogue's columns): no real file of this \
     data set has been read; values tested on the emulated publisher only.",
];

const APP_LEVEL_CAVEATS: &[&str] = &[
    "Higher apprenticeships are Level 4 and above, degree apprenticeships (Levels 6 and 7) \
     included: DfE's data set does not split them.",
    LEVEL_4_5_CAVEAT,
    APP_COMMON_CAVEATS[0],
    APP_COMMON_CAVEATS[1],
    APP_COMMON_CAVEATS[2],
];

const APP_AGE_CAVEATS: &[&str] = &[
    "Age at the start of the apprenticeship, in DfE's three bands (under 19, 19-24, 25+).",
    APP_COMMON_CAVEATS[0],
    APP_COMMON_CAVEATS[1],
    APP_COMMON_CAVEATS[2],
];

const fn apprenticeship_breakdown(
    id: &'static str,
    title: &'static str,
    description: &'static str,
    classification: Classification,
    total: MeasureRef,
    parts: &'static [MeasureRef],
    caveats: &'static [&'static str],
) -> CountBreakdownDef {
    CountBreakdownDef {
        id,
        title,
        description,
        classification,
        source: APPRENTICESHIP_SOURCE,
        small_area_source: None,
        upper_tier_source: None,
        total,
        parts,
        geographies: BreakdownGeographies::AllAreas,
        rounded_to: Some(10),
        period_type: PeriodType::AcademicYear,
        series_breaks: &[],
        caveats,
    }
}

const APPRENTICESHIP_STARTS_BY_LEVEL: CountBreakdownDef = apprenticeship_breakdown(
    "apprenticeship_starts_by_level",
    "Apprenticeship starts by level",
    "Apprenticeship starts by residents, by level: intermediate (Level 2), advanced (Level 3) \
     and higher (Level 4 and above, including degree apprenticeships).",
    Classification::ApprenticeshipLevels,
    APP_STARTS_TOTAL,
    APPRENTICESHIP_STARTS_LEVELS,
    APP_LEVEL_CAVEATS,
);
const APPRENTICESHIP_STARTS_BY_AGE: CountBreakdownDef = apprenticeship_breakdown(
    "apprenticeship_starts_by_age",
    "Apprenticeship starts by age",
    "Apprenticeship starts by residents, by age band (under 19, 19-24, 25+).",
    Classification::ApprenticeshipAgeBands,
    APP_STARTS_TOTAL,
    APPRENTICESHIP_STARTS_AGES,
    APP_AGE_CAVEATS,
);
const APPRENTICESHIP_ACHIEVEMENTS_BY_LEVEL: CountBreakdownDef = apprenticeship_breakdown(
    "apprenticeship_achievements_by_level",
    "Apprenticeship achievements by level",
    "Apprenticeship achievements by residents, by level: intermediate (Level 2), advanced \
     (Level 3) and higher (Level 4 and above, including degree apprenticeships).",
    Classification::ApprenticeshipLevels,
    APP_ACHIEVEMENTS_TOTAL,
    APPRENTICESHIP_ACHIEVEMENTS_LEVELS,
    APP_LEVEL_CAVEATS,
);
const APPRENTICESHIP_ACHIEVEMENTS_BY_AGE: CountBreakdownDef = apprenticeship_breakdown(
    "apprenticeship_achievements_by_age",
    "Apprenticeship achievements by age",
    "Apprenticeship achievements by residents, by age band (under 19, 19-24, 25+).",
    Classification::ApprenticeshipAgeBands,
    APP_ACHIEVEMENTS_TOTAL,
    APPRENTICESHIP_ACHIEVEMENTS_AGES,
    APP_AGE_CAVEATS,
);

/// The note on a sum of counts the publisher rounded to `step` ([`ROUNDED_SUM`] for 5).
/// The note on a sum of counts the publisher rounded to `step`.
pub fn rounded_sum_note(step: u32) -> String {
    format!("sum of counts rounded to the nearest {step} by the publisher")
}

impl CountBreakdownDef {
    /// The note on an approximate sum of this breakdown's rounded counts: BRES rounds by size
    /// (its `rounded_to` is the smallest step), the others to one step.
    pub fn rounded_note(&self) -> String {
        match self.rounded_to {
            Some(_) if self.source == BRES_SOURCE => ROUNDED_SUM.to_owned(),
            Some(step) => rounded_sum_note(step),
            None => ROUNDED_SUM.to_owned(),
        }
    }
}

pub fn find_count_breakdown(id: &str) -> Option<&'static CountBreakdownDef> {
    COUNT_BREAKDOWNS.iter().find(|b| b.id == id)
}

/// The measures a breakdown reads: its total, then its parts.
impl CountBreakdownDef {
    pub fn measures(&self) -> impl Iterator<Item = &'static str> + '_ {
        std::iter::once(self.total.measure).chain(self.parts.iter().map(|p| p.measure))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn breakdown_ids_and_part_measures_are_unique() {
        let mut ids: Vec<_> = COUNT_BREAKDOWNS.iter().map(|b| b.id).collect();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), COUNT_BREAKDOWNS.len());
        for b in COUNT_BREAKDOWNS {
            let mut m: Vec<_> = b.measures().collect();
            m.sort();
            m.dedup();
            assert_eq!(m.len(), b.parts.len() + 1, "{}", b.id);
            assert!(!b.caveats.is_empty(), "{}", b.id);
        }
    }

    #[test]
    fn fe_level_and_age_parts_are_the_stems_the_parser_writes() {
        for (table, parts, suffix) in [
            (FE_LEVELS, FE_LEVEL_ACHIEVEMENTS, "achievements"),
            (FE_LEVELS, FE_LEVEL_PARTICIPATION, "participation"),
            (FE_AGES, FE_AGE_ACHIEVEMENTS, "achievements"),
            (FE_AGES, FE_AGE_PARTICIPATION, "participation"),
        ] {
            let written: Vec<String> = table.iter().map(|(_, s)| format!("{s}_{suffix}")).collect();
            let read: Vec<&str> = parts.iter().map(|p| p.measure).collect();
            assert_eq!(written, read);
        }
        let level = find_count_breakdown("fe_achievements_by_level").unwrap();
        assert!(level.parts[4].label.starts_with("Level 4+"));
        assert!(level.caveats.contains(&LEVEL_4_5_CAVEAT));
        assert!(is_part_year("2021/22 (Aug-Apr)") && !is_part_year("2021/22"));
    }

    #[test]
    fn apprenticeship_parts_are_the_stems_the_parser_writes() {
        for (table, parts, word) in [
            (
                APPRENTICESHIP_LEVELS,
                APPRENTICESHIP_STARTS_LEVELS,
                "starts",
            ),
            (
                APPRENTICESHIP_LEVELS,
                APPRENTICESHIP_ACHIEVEMENTS_LEVELS,
                "achievements",
            ),
            (APPRENTICESHIP_AGES, APPRENTICESHIP_STARTS_AGES, "starts"),
            (
                APPRENTICESHIP_AGES,
                APPRENTICESHIP_ACHIEVEMENTS_AGES,
                "achievements",
            ),
        ] {
            let written: Vec<String> = table
                .iter()
                .map(|(_, s)| format!("app_{word}_{s}"))
                .collect();
            let read: Vec<&str> = parts.iter().map(|p| p.measure).collect();
            assert_eq!(written, read);
        }
        let level = find_count_breakdown("apprenticeship_starts_by_level").unwrap();
        assert_eq!(level.total.measure, "app_starts_total");
        assert!(level.caveats.contains(&LEVEL_4_5_CAVEAT));
        let age = find_count_breakdown("apprenticeship_starts_by_age").unwrap();
        assert_eq!(age.total.measure, "app_starts_total");
        assert_eq!(age.source, "dfe_apprenticeships_lad");
    }

    #[test]
    fn occupation_classifications_are_kept_apart() {
        assert_ne!(
            Classification::Soc2020MajorGroups,
            Classification::Soc2010SubMajorGroups
        );
        let census = find_count_breakdown("census_occupation").unwrap();
        assert_eq!(census.classification.as_str(), "soc2020_major_groups");
    }
}
