//! Origin-destination flows: apprenticeship starts, enrolments and achievements by where the
//! learner lives (home) and where the training is delivered ("travel to learn").
//!
//! In the observations table a flow is one row per (home district, period, quantity,
//! destination): `area_code` is the home district (or [`OUTSIDE_ENGLAND_OR_UNKNOWN`]) and the
//! measure names the quantity and the delivery district ([`flow_measure`]), so flows travel with
//! every other source (provenance, carry-over) without a second observations schema.

use serde::Serialize;

/// DfE's "Outside of England and unknown" location, kept as its own bucket, never dropped.
pub const OUTSIDE_ENGLAND_OR_UNKNOWN: &str = "outside_england_or_unknown";
/// For a flow between areas of one type: the other end is in England but in no area of that type
/// (e.g. a unitary authority, for counties).
pub const ELSEWHERE_IN_ENGLAND: &str = "elsewhere_in_england";
/// Observation flag of a part-year, provisional period (DfE's in-year figures).
pub const PROVISIONAL_FLAG: &str = "provisional";

pub const APPRENTICESHIP_FLOWS_SOURCE: &str = "dfe_apprenticeship_flows";

/// What a flow counts.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FlowQuantity {
    Starts,
    Enrolments,
    Achievements,
}

impl FlowQuantity {
    pub const ALL: [FlowQuantity; 3] = [
        FlowQuantity::Starts,
        FlowQuantity::Enrolments,
        FlowQuantity::Achievements,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FlowQuantity::Starts => "starts",
            FlowQuantity::Enrolments => "enrolments",
            FlowQuantity::Achievements => "achievements",
        }
    }
}

const MEASURE_PREFIX: &str = "apprenticeship_";

/// The observation measure of a flow: `apprenticeship_starts@E07000117`.
pub fn flow_measure(quantity: FlowQuantity, destination: &str) -> String {
    format!("{MEASURE_PREFIX}{}@{destination}", quantity.as_str())
}

/// The quantity and destination of a flow measure written by [`flow_measure`].
pub fn parse_flow_measure(measure: &str) -> Option<(FlowQuantity, &str)> {
    let (quantity, destination) = measure.strip_prefix(MEASURE_PREFIX)?.split_once('@')?;
    let quantity = FlowQuantity::ALL
        .into_iter()
        .find(|q| q.as_str() == quantity)?;
    (!destination.is_empty()).then_some((quantity, destination))
}

pub const FLOW_CAVEATS: &[&str] = &[
    "Apprenticeship starts, enrolments and achievements from DfE's apprenticeships provider \
     dashboard, summed over providers: where the apprentice lives (home) and where the training \
     is delivered. Counts are unrounded.",
    "'Outside of England and unknown' is its own bucket: it is counted in residents' totals and \
     in outflows, never dropped.",
    "2025/26 covers August to April only and is provisional: it is marked and is not comparable \
     with full years.",
    "Travel to Work Areas are best fit from whole districts and approximate (see coverage).",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flow_measures_round_trip() {
        for q in FlowQuantity::ALL {
            for d in ["E07000117", OUTSIDE_ENGLAND_OR_UNKNOWN] {
                assert_eq!(parse_flow_measure(&flow_measure(q, d)), Some((q, d)));
            }
        }
        assert_eq!(parse_flow_measure("ks4_appren"), None);
        assert_eq!(parse_flow_measure("apprenticeship_starts@"), None);
        assert_eq!(parse_flow_measure("apprenticeship_leavers@E07000117"), None);
    }
}
