//! Internal consistency of a published snapshot (`lmi validate`): every additive aggregate equals
//! the sum of its districts, rates lie within 0-100, every value's indicator and source are known
//! and every source has provenance. Works on loaded values, so it checks what is actually served.

use lmi_core::{
    Aggregation, AreaType, Geography, IndicatorDef, IndicatorValue, SourceProvenance, Status,
};
use std::collections::{HashMap, HashSet};
use std::fmt;

/// One inconsistency found in a snapshot.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub indicator: String,
    pub area_code: String,
    pub period: String,
    pub problem: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {}: {}",
            self.indicator, self.area_code, self.period, self.problem
        )
    }
}

/// What was checked, and what was wrong.
#[derive(Debug, Default)]
pub struct Report {
    pub values: usize,
    pub aggregates_checked: usize,
    pub findings: Vec<Finding>,
}

/// Relative tolerance for float sums of whole counts.
const TOLERANCE: f64 = 1e-9;

pub fn check(
    values: &[IndicatorValue],
    geo: &Geography,
    defs: &[IndicatorDef],
    sources: &[SourceProvenance],
) -> Report {
    let mut report = Report {
        values: values.len(),
        ..Report::default()
    };
    let mut finding = |v: &IndicatorValue, problem: String| {
        report.findings.push(Finding {
            indicator: v.indicator.clone(),
            area_code: v.area_code.clone(),
            period: v.period.clone(),
            problem,
        });
    };
    let with_provenance: HashSet<&str> = sources.iter().map(|s| s.source_id.as_str()).collect();
    let by_key: HashMap<(&str, &str, &str), &IndicatorValue> = values
        .iter()
        .map(|v| {
            (
                (
                    v.indicator.as_str(),
                    v.area_code.as_str(),
                    v.period.as_str(),
                ),
                v,
            )
        })
        .collect();

    let mut aggregates = 0;
    for v in values {
        let Some(def) = defs.iter().find(|d| d.id == v.indicator) else {
            finding(v, "indicator is not in the catalogue".into());
            continue;
        };
        // The small-area source only refines TTWAs and may be absent.
        for source in std::iter::once(def.source).chain(def.denominator_source()) {
            if !with_provenance.contains(source) {
                finding(
                    v,
                    format!("source {source} has no provenance in the manifest"),
                );
            }
        }
        if geo.area(&v.area_code).is_none() {
            finding(v, "area is not in the geography registry".into());
        }
        if v.value.is_some() != v.status.has_value() {
            finding(
                v,
                format!("status {} with value {:?}", v.status.as_str(), v.value),
            );
        }
        if let Some(x) = v.value
            && (!x.is_finite()
                || (def.unit == lmi_core::Unit::Percent && !(0.0..=100.0).contains(&x)))
        {
            finding(
                v,
                format!("value {x} outside the range of a {} indicator", def.unit),
            );
        }
        // Additive aggregates of whole districts must equal their districts. TTWAs are not unions
        // of districts: best fit (approximate) or summed from small areas.
        let additive = matches!(
            def.aggregation,
            Aggregation::RatioOfSums
                | Aggregation::Sum
                | Aggregation::RatioOfSumsAcrossSources { .. }
        );
        if !additive
            || matches!(v.area_type, AreaType::Lad | AreaType::Ttwa)
            || v.status != Status::Ok
        {
            continue;
        }
        let lads = geo.member_lads(&v.area_code);
        let parts: Vec<Option<&&IndicatorValue>> = lads
            .iter()
            .map(|l| by_key.get(&(v.indicator.as_str(), l.code.as_str(), v.period.as_str())))
            .collect();
        let present: Vec<&IndicatorValue> = parts.iter().flatten().map(|p| **p).collect();
        if present.len() != v.constituents as usize {
            finding(
                v,
                format!(
                    "built from {} districts but {} of its {} districts have values",
                    v.constituents,
                    present.len(),
                    lads.len()
                ),
            );
            continue;
        }
        aggregates += 1;
        let sum = |f: fn(&IndicatorValue) -> Option<f64>| -> Option<f64> {
            present.iter().map(|p| f(p)).sum()
        };
        for (name, own, parts) in [
            ("numerator", v.numerator, sum(|p| p.numerator)),
            ("denominator", v.denominator, sum(|p| p.denominator)),
        ] {
            match (own, parts) {
                (Some(a), Some(b)) if (a - b).abs() <= TOLERANCE * a.abs().max(1.0) => {}
                (None, _) if name == "denominator" && def.denominator.is_none() => {}
                (a, b) => finding(v, format!("{name} {a:?} but its districts sum to {b:?}")),
            }
        }
    }
    report.aggregates_checked = aggregates;
    report
}

#[cfg(test)]
mod tests {
    use super::*;
    use lmi_core::{Derived, INDICATORS};

    fn value(
        area: &str,
        area_type: AreaType,
        num: f64,
        den: f64,
        constituents: u32,
    ) -> IndicatorValue {
        IndicatorValue {
            indicator: "ks4_apprenticeship_rate".into(),
            area_code: area.into(),
            area_type,
            period: "2022/23".into(),
            numerator: Some(num),
            denominator: Some(den),
            value: Some(num / den * 100.0),
            status: Status::Ok,
            approximate: false,
            coverage: None,
            constituents,
            ci_lower: None,
            ci_upper: None,
            stale: false,
            derived: Derived::default(),
        }
    }

    fn provenance() -> Vec<SourceProvenance> {
        vec![SourceProvenance {
            source_id: "dfe_ks4_destinations_lad".into(),
            ..SourceProvenance::default()
        }]
    }

    /// Blackpool and Blackburn with Darwen plus the 12 county districts: the combined authority.
    fn lancashire(ca_numerator: f64) -> Vec<IndicatorValue> {
        let geo = Geography::bundled().unwrap();
        let mut values: Vec<_> = geo
            .member_lads("E47000018")
            .iter()
            .map(|l| value(&l.code, AreaType::Lad, 10.0, 100.0, 1))
            .collect();
        values.push(value(
            "E47000018",
            AreaType::CombinedAuthority,
            ca_numerator,
            1400.0,
            14,
        ));
        values
    }

    #[test]
    fn a_consistent_aggregate_passes() {
        let report = check(
            &lancashire(140.0),
            Geography::bundled().unwrap(),
            INDICATORS,
            &provenance(),
        );
        assert!(report.findings.is_empty(), "{:?}", report.findings);
        assert_eq!(report.aggregates_checked, 1);
    }

    #[test]
    fn an_aggregate_that_does_not_add_up_is_reported() {
        let report = check(
            &lancashire(141.0),
            Geography::bundled().unwrap(),
            INDICATORS,
            &provenance(),
        );
        assert_eq!(report.findings.len(), 1);
        assert!(
            report.findings[0].to_string().contains(
                "E47000018 2022/23: numerator Some(141.0) but its districts sum to Some(140.0)"
            ),
            "{}",
            report.findings[0]
        );
    }

    #[test]
    fn rates_out_of_range_and_missing_provenance_are_reported() {
        let mut v = value("E07000117", AreaType::Lad, 150.0, 100.0, 1);
        v.indicator = "ks4_apprenticeship_rate".into();
        let report = check(&[v], Geography::bundled().unwrap(), INDICATORS, &[]);
        let text: Vec<String> = report.findings.iter().map(ToString::to_string).collect();
        assert!(
            text.iter().any(|t| t.contains("outside the range")),
            "{text:?}"
        );
        assert!(text.iter().any(|t| t.contains("no provenance")), "{text:?}");
    }
}
