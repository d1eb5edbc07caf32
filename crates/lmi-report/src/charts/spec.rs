//! What a chart shows: one type per chart kind inside [`ChartSpec`]. A dashboard panel's keys
//! and a chart URL's query string are both read as [`ChartOptions`] and turned into a
//! `ChartSpec` by one check, [`ChartSpec::check`], whose errors are [`ChartSpecError`]s. The
//! query string of a chart link is written back from the typed spec ([`ChartRequest::query_string`]).

use crate::error::ReportError;
use crate::queries::BreakdownSort;
use crate::snapshot::Members;
use lmi_core::{AreaType, BreakdownDef};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use utoipa::{IntoParams, ToSchema};

/// Area types a chart may use as comparators.
pub const COMPARATOR_TYPES: [AreaType; 4] = [
    AreaType::County,
    AreaType::CombinedAuthority,
    AreaType::Region,
    AreaType::Country,
];

/// At most this many parts in a ranked breakdown chart (all of them labelled).
pub const MAX_PARTS: usize = 25;

/// The kinds of chart lmi draws: the `chart` key of a dashboard panel, the `{kind}` of
/// `/v1/charts/{kind}.svg`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChartKind {
    /// The area's series against its comparators over time, with confidence bands.
    Trend,
    /// Every area of the same type in one period, best first, the area highlighted.
    Ranking,
    /// Stacked shares (destinations, qualification levels) for the area and its comparators.
    Breakdown,
    /// One small trend per local authority or Travel to Work Area in the area, on one scale.
    SmallMultiples,
    /// The parts of a count breakdown (occupations, industries) ranked by share, location
    /// quotient or change, each with England's share as a tick on its bar.
    RankedBreakdown,
    /// The main apprenticeship flows of the area: where its residents train, or where the
    /// learners trained there live.
    Flows,
    /// Provision against jobs: for each sector subject area, how far the area's FE achievements
    /// lean towards it against how far its jobs lean towards the sectors it trains for, both
    /// relative to England.
    SupplyDemand,
    /// The priority sectors' share of the area's jobs, each with England's share as a tick.
    PrioritySectors,
    /// A map: one indicator for every area of a type within a larger area, classed, the area
    /// outlined.
    Map,
}

impl ChartKind {
    pub const ALL: [ChartKind; 9] = [
        ChartKind::Trend,
        ChartKind::Ranking,
        ChartKind::Breakdown,
        ChartKind::SmallMultiples,
        ChartKind::RankedBreakdown,
        ChartKind::Flows,
        ChartKind::SupplyDemand,
        ChartKind::PrioritySectors,
        ChartKind::Map,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ChartKind::Trend => "trend",
            ChartKind::Ranking => "ranking",
            ChartKind::Breakdown => "breakdown",
            ChartKind::SmallMultiples => "small_multiples",
            ChartKind::RankedBreakdown => "ranked_breakdown",
            ChartKind::Flows => "flows",
            ChartKind::SupplyDemand => "supply_demand",
            ChartKind::PrioritySectors => "priority_sectors",
            ChartKind::Map => "map",
        }
    }
}

impl fmt::Display for ChartKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which end of an area's apprenticeship flows a chart shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum FlowDirection {
    /// Where the area's residents' apprenticeships are delivered (the default).
    #[default]
    Delivery,
    /// Where the learners trained in the area live.
    Home,
}

impl FlowDirection {
    pub fn as_str(self) -> &'static str {
        match self {
            FlowDirection::Delivery => "delivery",
            FlowDirection::Home => "home",
        }
    }
}

/// What a chart shows, by kind: each kind holds exactly what it needs, so a chart that cannot
/// be drawn (a trend without an indicator, small multiples without members) cannot be asked for.
/// Serialised, it is the kind's query parameters (the kind itself is in the chart's path).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum ChartSpec {
    Trend(TrendSpec),
    Ranking(RankingSpec),
    Breakdown(BreakdownSpec),
    SmallMultiples(SmallMultiplesSpec),
    RankedBreakdown(RankedBreakdownSpec),
    Flows(FlowsSpec),
    SupplyDemand(SupplyDemandSpec),
    PrioritySectors(PrioritySectorsSpec),
    Map(MapSpec),
}

// The fields of each kind are declared in the order chart links have always written them
// (indicator, breakdown, comparators, members, period, from, to, sort, top, direction).

/// The area's series and its comparators' over time.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct TrendSpec {
    pub indicator: String,
    /// `None`: all the area's comparators; empty: none.
    #[serde(
        serialize_with = "comma_separated",
        skip_serializing_if = "Option::is_none"
    )]
    pub comparators: Option<Vec<AreaType>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// Every area of the area's type in one period.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RankingSpec {
    pub indicator: String,
    /// Default: the area's latest period with a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
}

/// Stacked shares of an indicator group for the area and its comparators.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct BreakdownSpec {
    /// An indicator group of `lmi_core::BREAKDOWNS`.
    pub breakdown: String,
    #[serde(
        serialize_with = "comma_separated",
        skip_serializing_if = "Option::is_none"
    )]
    pub comparators: Option<Vec<AreaType>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
}

/// One small trend per member area, on one scale.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SmallMultiplesSpec {
    pub indicator: String,
    pub members: Members,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
}

/// The parts of a count breakdown, ranked.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct RankedBreakdownSpec {
    /// A count breakdown id (see `/v1/breakdowns`).
    pub breakdown: String,
    /// Default: the area's latest.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    pub sort: BreakdownSort,
    /// How many parts, first by `sort` (default: all, at most [`MAX_PARTS`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top: Option<usize>,
}

/// The area's main apprenticeship flows.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct FlowsSpec {
    /// Default: the latest full year.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    pub direction: FlowDirection,
}

/// FE provision against jobs by sector subject area (no options: the mapping is the server's
/// configuration).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct SupplyDemandSpec {}

/// The priority sectors' jobs (no options: the sectors are the server's configuration).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct PrioritySectorsSpec {}

/// A map of one indicator for the areas of one type within a larger area.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct MapSpec {
    pub indicator: String,
    /// The shapes' area type (default `lad`).
    pub area_type: AreaType,
    /// The containing area; default: a district's combined authority (else county, else
    /// region), a TTWA's region, any other area itself.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub within: Option<String>,
    /// Default: the latest period with a value for any of the areas.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    pub classes: MapClassMethod,
}

/// How a map's classes are cut (the `classes` option).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MapClassMethod {
    /// About as many areas in each class (the default).
    #[default]
    Quantiles,
    /// Classes of equal width between the lowest and highest value.
    EqualIntervals,
}

impl MapClassMethod {
    pub fn to_chart(self) -> lmi_charts::ClassMethod {
        match self {
            MapClassMethod::Quantiles => lmi_charts::ClassMethod::Quantiles,
            MapClassMethod::EqualIntervals => lmi_charts::ClassMethod::EqualIntervals,
        }
    }
}

/// A chart's options as written, flat: the keys of a dashboard panel beside its `chart`, or the
/// query string of `/v1/charts/{kind}.{format}` beside `area`. Only [`ChartSpec::check`] reads
/// them; everything after it holds a [`ChartSpec`].
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ChartOptions {
    /// Indicator id, for `trend`, `ranking` and `small_multiples`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(example = "ks4_apprenticeship_rate")]
    pub indicator: Option<String>,
    /// Breakdown id: for `breakdown` one of `ks4_destinations`, `post16_destinations`,
    /// `census_qualifications`; for `ranked_breakdown` a count breakdown of `/v1/breakdowns`
    /// (e.g. `census_occupation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(example = "ks4_destinations")]
    pub breakdown: Option<String>,
    /// Order of the parts for `ranked_breakdown`: `share` (default), `lq` or `change`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sort: Option<BreakdownSort>,
    /// How many parts `ranked_breakdown` shows, first in `sort` order (default: all, at most
    /// 25).
    #[serde(
        default,
        deserialize_with = "whole_number",
        skip_serializing_if = "Option::is_none"
    )]
    #[param(minimum = 1, maximum = 25)]
    pub top: Option<usize>,
    /// For `flows`: `delivery` (default), where the area's residents train, or `home`, where
    /// the learners trained in the area live.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<FlowDirection>,
    /// Comparator types for `trend` and `breakdown` (`county`, `combined_authority`, `region`,
    /// `country`): a list, or in a query string comma-separated; all of the area's comparators
    /// when absent, none when empty.
    #[serde(
        default,
        deserialize_with = "list_or_comma_separated",
        skip_serializing_if = "Option::is_none"
    )]
    #[param(
        value_type = Option<String>,
        pattern = r"^((county|combined_authority|region|country)(,(county|combined_authority|region|country))*)?$",
        example = "region,country"
    )]
    pub comparators: Option<Vec<String>>,
    /// For `small_multiples`: one small chart per local authority (`lad`) or Travel to Work Area
    /// (`ttwa`) in the area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Members>,
    /// Period for `ranking`, `breakdown`, `ranked_breakdown` (default: the area's latest) and
    /// `flows` (default: the latest full year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<String>,
    /// First period for `trend` and `small_multiples`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Last period for `trend` and `small_multiples`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// For `map`: the area type of the shapes (default `lad`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area_type: Option<AreaType>,
    /// For `map`: the area whose districts, TTWAs or LSIP areas are drawn (default: a
    /// district's combined authority, else county, else region; a TTWA's region; any other
    /// area itself).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[param(example = "E47000018")]
    pub within: Option<String>,
    /// For `map`: how the classes are cut, `quantiles` (default) or `equal_intervals`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub classes: Option<MapClassMethod>,
}

impl ChartOptions {
    /// The names of the options given.
    fn given(&self) -> Vec<&'static str> {
        [
            ("indicator", self.indicator.is_some()),
            ("breakdown", self.breakdown.is_some()),
            ("comparators", self.comparators.is_some()),
            ("members", self.members.is_some()),
            ("period", self.period.is_some()),
            ("from", self.from.is_some()),
            ("to", self.to.is_some()),
            ("sort", self.sort.is_some()),
            ("top", self.top.is_some()),
            ("direction", self.direction.is_some()),
            ("area_type", self.area_type.is_some()),
            ("within", self.within.is_some()),
            ("classes", self.classes.is_some()),
        ]
        .into_iter()
        .filter_map(|(name, given)| given.then_some(name))
        .collect()
    }
}

/// What [`ChartSpec::check`] does with an option the kind does not use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unused {
    /// Refuse it (a dashboard file: a stray key is a mistake in the file).
    Refuse,
    /// Leave it out (a chart URL: links stay valid when parameters are added for other kinds).
    Ignore,
}

/// Why options do not make a chart.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChartSpecError {
    #[error("a `{kind}` chart needs `{option}`")]
    Missing {
        kind: ChartKind,
        option: &'static str,
    },
    #[error("`{option}` does not apply to `{kind}` charts")]
    Unused {
        kind: ChartKind,
        option: &'static str,
    },
    #[error("comparator type `{0}` is not one of county, combined_authority, region, country")]
    ComparatorType(String),
    #[error("`top` must be between 1 and {MAX_PARTS}, found {0}")]
    Top(usize),
    #[error("unknown indicator `{0}` (see GET /v1/indicators for the ids)")]
    UnknownIndicator(String),
    #[error("unknown breakdown `{id}`; known: {known}")]
    UnknownBreakdown { id: String, known: String },
    #[error("unknown count breakdown `{id}`; known: {known}")]
    UnknownCountBreakdown { id: String, known: String },
}

impl From<ChartSpecError> for ReportError {
    /// A kind without what it draws, or naming what is not there, is `NotFound` (the request
    /// is well formed, there is just no such chart); a value out of bounds is `Invalid`.
    fn from(e: ChartSpecError) -> ReportError {
        match e {
            ChartSpecError::Missing { .. } => ReportError::NotFound(format!("no chart: {e}")),
            ChartSpecError::UnknownIndicator(id) => ReportError::UnknownIndicator {
                id,
                known: ids(lmi_core::INDICATORS.iter().map(|d| d.id)),
            },
            ChartSpecError::UnknownBreakdown { .. }
            | ChartSpecError::UnknownCountBreakdown { .. } => ReportError::NotFound(e.to_string()),
            ChartSpecError::Unused { .. }
            | ChartSpecError::ComparatorType(_)
            | ChartSpecError::Top(_) => ReportError::Invalid(e.to_string()),
        }
    }
}

impl ChartSpec {
    /// The one check of a chart's options: comparator types, what the kind needs, `top`'s
    /// bounds, then that the indicator or breakdown exists. Options the kind does not use are
    /// refused or left out, as `unused` says.
    pub fn check(
        kind: ChartKind,
        options: ChartOptions,
        unused: Unused,
    ) -> Result<ChartSpec, ChartSpecError> {
        let given = options.given();
        let o = options;
        let comparators = o.comparators.as_deref().map(comparator_types).transpose()?;
        let needs = |option: &'static str| ChartSpecError::Missing { kind, option };
        let indicator = || {
            let id = o.indicator.clone().ok_or_else(|| needs("indicator"))?;
            match lmi_core::find_indicator(&id) {
                Some(_) => Ok(id),
                None => Err(ChartSpecError::UnknownIndicator(id)),
            }
        };
        let spec = match kind {
            ChartKind::Trend => ChartSpec::Trend(TrendSpec {
                indicator: indicator()?,
                comparators,
                from: o.from,
                to: o.to,
            }),
            ChartKind::Ranking => ChartSpec::Ranking(RankingSpec {
                indicator: indicator()?,
                period: o.period,
            }),
            ChartKind::Breakdown => ChartSpec::Breakdown(BreakdownSpec {
                breakdown: known_breakdown(o.breakdown.ok_or_else(|| needs("breakdown"))?)?,
                comparators,
                period: o.period,
            }),
            ChartKind::SmallMultiples => ChartSpec::SmallMultiples(SmallMultiplesSpec {
                indicator: indicator()?,
                members: o.members.ok_or_else(|| needs("members (lad or ttwa)"))?,
                from: o.from,
                to: o.to,
            }),
            ChartKind::RankedBreakdown => {
                let breakdown = o.breakdown.ok_or_else(|| needs("breakdown"))?;
                let top = match o.top {
                    Some(n) if n == 0 || n > MAX_PARTS => return Err(ChartSpecError::Top(n)),
                    top => top,
                };
                ChartSpec::RankedBreakdown(RankedBreakdownSpec {
                    breakdown: known_count_breakdown(breakdown)?,
                    period: o.period,
                    sort: o.sort.unwrap_or(BreakdownSort::Share),
                    top,
                })
            }
            ChartKind::Flows => ChartSpec::Flows(FlowsSpec {
                period: o.period,
                direction: o.direction.unwrap_or_default(),
            }),
            ChartKind::SupplyDemand => ChartSpec::SupplyDemand(SupplyDemandSpec {}),
            ChartKind::PrioritySectors => ChartSpec::PrioritySectors(PrioritySectorsSpec {}),
            ChartKind::Map => ChartSpec::Map(MapSpec {
                indicator: indicator()?,
                area_type: o.area_type.unwrap_or(AreaType::Lad),
                within: o.within,
                period: o.period,
                classes: o.classes.unwrap_or_default(),
            }),
        };
        if unused == Unused::Refuse {
            let used = spec.option_names();
            if let Some(option) = given.into_iter().find(|g| !used.iter().any(|u| u == g)) {
                return Err(ChartSpecError::Unused { kind, option });
            }
        }
        Ok(spec)
    }

    pub fn kind(&self) -> ChartKind {
        match self {
            ChartSpec::Trend(_) => ChartKind::Trend,
            ChartSpec::Ranking(_) => ChartKind::Ranking,
            ChartSpec::Breakdown(_) => ChartKind::Breakdown,
            ChartSpec::SmallMultiples(_) => ChartKind::SmallMultiples,
            ChartSpec::RankedBreakdown(_) => ChartKind::RankedBreakdown,
            ChartSpec::Flows(_) => ChartKind::Flows,
            ChartSpec::SupplyDemand(_) => ChartKind::SupplyDemand,
            ChartSpec::PrioritySectors(_) => ChartKind::PrioritySectors,
            ChartSpec::Map(_) => ChartKind::Map,
        }
    }

    /// The indicator or breakdown id the chart is about.
    pub fn subject(&self) -> &str {
        match self {
            ChartSpec::Trend(TrendSpec { indicator, .. })
            | ChartSpec::Ranking(RankingSpec { indicator, .. })
            | ChartSpec::SmallMultiples(SmallMultiplesSpec { indicator, .. })
            | ChartSpec::Map(MapSpec { indicator, .. }) => indicator,
            ChartSpec::Breakdown(BreakdownSpec { breakdown, .. })
            | ChartSpec::RankedBreakdown(RankedBreakdownSpec { breakdown, .. }) => breakdown,
            ChartSpec::Flows(FlowsSpec { direction, .. }) => match direction {
                FlowDirection::Delivery => "apprenticeship_delivery",
                FlowDirection::Home => "apprenticeship_home",
            },
            ChartSpec::SupplyDemand(_) => "supply_demand",
            ChartSpec::PrioritySectors(_) => "priority_sectors",
        }
    }

    /// The names of the spec's fields that hold a value. An option given to a kind that uses
    /// it is always kept, so a given option missing here is one the kind does not use.
    fn option_names(&self) -> Vec<String> {
        query_pairs(self)
            .into_iter()
            .map(|(name, _)| name)
            .collect()
    }
}

/// The spec's fields as decoded `(name, value)` pairs, in declaration order, `None`s left out.
fn query_pairs<T: Serialize>(value: &T) -> Vec<(String, String)> {
    let form = serde_urlencoded::to_string(value)
        .expect("chart specs hold only strings, numbers and unit enums");
    form_urlencoded::parse(form.as_bytes())
        .into_owned()
        .collect()
}

/// Everything that decides a chart's content: the area and what to show of it. Equal requests
/// draw equal charts, so the request itself is the key of the cache of drawn charts.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct ChartRequest {
    pub area: String,
    #[serde(flatten)]
    pub spec: ChartSpec,
}

impl ChartRequest {
    pub fn kind(&self) -> ChartKind {
        self.spec.kind()
    }

    /// The request as the query string of its chart link, in a fixed order.
    pub fn query_string(&self) -> String {
        query_pairs(self)
            .iter()
            .map(|(name, value)| format!("{name}={}", encode(value)))
            .collect::<Vec<_>>()
            .join("&")
    }
}

/// Percent-encodes a query value: everything but unreserved characters and `,` (kept readable
/// in comparator lists).
fn encode(s: &str) -> String {
    const VALUE: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'_')
        .remove(b'.')
        .remove(b'~')
        .remove(b',');
    percent_encoding::utf8_percent_encode(s, VALUE).to_string()
}

fn comparator_types(names: &[String]) -> Result<Vec<AreaType>, ChartSpecError> {
    names
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
        .map(|t| {
            t.parse::<AreaType>()
                .ok()
                .filter(|t| COMPARATOR_TYPES.contains(t))
                .ok_or_else(|| ChartSpecError::ComparatorType(t.to_owned()))
        })
        .collect()
}

fn known_breakdown(id: String) -> Result<String, ChartSpecError> {
    find_breakdown(&id).map(|_| id)
}

/// The indicator group with this id.
pub(crate) fn find_breakdown(id: &str) -> Result<&'static BreakdownDef, ChartSpecError> {
    lmi_core::find_breakdown(id).ok_or_else(|| ChartSpecError::UnknownBreakdown {
        id: id.to_owned(),
        known: ids(lmi_core::BREAKDOWNS.iter().map(|b| b.id)),
    })
}

fn known_count_breakdown(id: String) -> Result<String, ChartSpecError> {
    match lmi_core::find_count_breakdown(&id) {
        Some(_) => Ok(id),
        None => Err(ChartSpecError::UnknownCountBreakdown {
            id,
            known: ids(lmi_core::breakdown::COUNT_BREAKDOWNS.iter().map(|b| b.id)),
        }),
    }
}

fn ids<'a>(ids: impl Iterator<Item = &'a str>) -> String {
    ids.collect::<Vec<_>>().join(", ")
}

/// Writes comparator types as one comma-separated value (`region,country`).
fn comma_separated<S: Serializer>(types: &Option<Vec<AreaType>>, s: S) -> Result<S::Ok, S::Error> {
    let joined = types.as_ref().map(|types| {
        types
            .iter()
            .map(|t| t.as_str())
            .collect::<Vec<_>>()
            .join(",")
    });
    joined.serialize(s)
}

/// A list of names from a TOML array, or from one comma-separated query value.
fn list_or_comma_separated<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Vec<String>>, D::Error> {
    struct Names;
    impl<'de> serde::de::Visitor<'de> for Names {
        type Value = Option<Vec<String>>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a list of area types, or area types separated by commas")
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            Ok(Some(s.split(',').map(str::to_owned).collect()))
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::new();
            while let Some(name) = seq.next_element::<String>()? {
                out.push(name);
            }
            Ok(Some(out))
        }
    }
    d.deserialize_any(Names)
}

/// A whole number from a TOML integer, or from a query value (a query string is all text, and
/// buffered through `serde(flatten)` it no longer says which type it wants).
fn whole_number<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    struct Whole;
    impl serde::de::Visitor<'_> for Whole {
        type Value = Option<usize>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a whole number")
        }
        fn visit_u64<E: serde::de::Error>(self, n: u64) -> Result<Self::Value, E> {
            usize::try_from(n).map(Some).map_err(E::custom)
        }
        fn visit_i64<E: serde::de::Error>(self, n: i64) -> Result<Self::Value, E> {
            usize::try_from(n)
                .map(Some)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Signed(n), &self))
        }
        fn visit_str<E: serde::de::Error>(self, s: &str) -> Result<Self::Value, E> {
            s.parse()
                .map(Some)
                .map_err(|_| E::invalid_value(serde::de::Unexpected::Str(s), &self))
        }
    }
    d.deserialize_any(Whole)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn options(pairs: &str) -> ChartOptions {
        serde_urlencoded::from_str(pairs).unwrap()
    }

    #[test]
    fn query_strings_keep_what_the_kind_uses_in_a_fixed_order() {
        let q = "breakdown=ks4_destinations&comparators=region,country&period=2022/23&from=2019/20";
        let spec = ChartSpec::check(ChartKind::Breakdown, options(q), Unused::Ignore).unwrap();
        let req = ChartRequest {
            area: "E30000255".into(),
            spec,
        };
        assert_eq!(
            req.query_string(),
            "area=E30000255&breakdown=ks4_destinations&comparators=region,country&period=2022%2F23"
        );
        let needs = ChartSpec::check(
            ChartKind::SmallMultiples,
            options("indicator=ks4_apprenticeship_rate"),
            Unused::Ignore,
        );
        assert_eq!(
            ReportError::from(needs.unwrap_err()).to_string(),
            "no chart: a `small_multiples` chart needs `members (lad or ttwa)`"
        );
    }

    #[test]
    fn defaults_are_written_and_empty_comparators_mean_none() {
        let spec = ChartSpec::check(ChartKind::Flows, ChartOptions::default(), Unused::Refuse);
        let req = ChartRequest {
            area: "E07000117".into(),
            spec: spec.unwrap(),
        };
        assert_eq!(req.query_string(), "area=E07000117&direction=delivery");
        let q = "indicator=ks4_apprenticeship_rate&comparators=";
        let spec = ChartSpec::check(ChartKind::Trend, options(q), Unused::Refuse).unwrap();
        assert_eq!(
            spec,
            ChartSpec::Trend(TrendSpec {
                indicator: "ks4_apprenticeship_rate".into(),
                comparators: Some(Vec::new()),
                from: None,
                to: None,
            })
        );
    }

    #[test]
    fn the_check_refuses_with_a_typed_reason() {
        let check = |kind, q: &str, unused| ChartSpec::check(kind, options(q), unused);
        let r = "breakdown=census_occupation";
        assert_eq!(
            check(
                ChartKind::RankedBreakdown,
                &format!("{r}&top=26"),
                Unused::Ignore
            ),
            Err(ChartSpecError::Top(26))
        );
        assert!(
            check(
                ChartKind::RankedBreakdown,
                &format!("{r}&top=25"),
                Unused::Refuse
            )
            .is_ok()
        );
        assert_eq!(
            check(
                ChartKind::Trend,
                "indicator=ks4_apprenticeship_rate&comparators=lad",
                Unused::Ignore
            ),
            Err(ChartSpecError::ComparatorType("lad".into()))
        );
        assert_eq!(
            check(
                ChartKind::Flows,
                "period=2023/24&members=lad",
                Unused::Refuse
            ),
            Err(ChartSpecError::Unused {
                kind: ChartKind::Flows,
                option: "members"
            })
        );
        assert!(
            check(
                ChartKind::Flows,
                "period=2023/24&members=lad",
                Unused::Ignore
            )
            .is_ok()
        );
        assert!(matches!(
            check(
                ChartKind::RankedBreakdown,
                "breakdown=ks4_destinations",
                Unused::Ignore
            ),
            Err(ChartSpecError::UnknownCountBreakdown { .. })
        ));
        assert!(matches!(
            check(ChartKind::Ranking, "indicator=nope", Unused::Ignore).map_err(ReportError::from),
            Err(ReportError::UnknownIndicator { .. })
        ));
        assert!(serde_urlencoded::from_str::<ChartOptions>("top=-1").is_err());
    }

    #[test]
    fn equal_requests_are_equal_keys_whatever_their_order_or_ignored_options() {
        use std::hash::{BuildHasher, RandomState};
        let a = "indicator=ks4_apprenticeship_rate&period=2022/23";
        let b = "period=2022/23&from=2019/20&indicator=ks4_apprenticeship_rate";
        let [a, b] = [a, b].map(|q| ChartRequest {
            area: "E07000117".into(),
            spec: ChartSpec::check(ChartKind::Ranking, options(q), Unused::Ignore).unwrap(),
        });
        assert_eq!(a, b);
        let hasher = RandomState::new();
        assert_eq!(hasher.hash_one(&a), hasher.hash_one(&b));
    }
}
