//! Derived measures over the computed values: change over 1 and 5 periods, rank and percentile
//! among areas of the same type, the gap to England and whether the difference from England
//! stands the indicator's test (`lmi_core::difference`: confidence intervals that do not
//! overlap, or an exact difference where there is no interval). Plain Rust over the collected frame:
//! a few thousand rows, grouped by key, with the indicator's direction deciding what "best" is.

use lmi_core::IndicatorDef;
use lmi_core::difference::{Difference, Estimate, compare};
use lmi_core::geography::ENGLAND;
use lmi_core::schema::values::*;
use polars::prelude::*;
// polars' hash maps: a faster hasher than std's for these short string keys.
type HashMap<K, V> = PlHashMap<K, V>;
type HashSet<K> = PlHashSet<K>;

struct Row<'a> {
    indicator: &'a str,
    area: &'a str,
    area_type: &'a str,
    period: &'a str,
    value: Option<f64>,
    ci_lower: Option<f64>,
    ci_upper: Option<f64>,
}

impl Row<'_> {
    fn estimate(&self) -> Estimate {
        Estimate {
            value: self.value,
            lower: self.ci_lower,
            upper: self.ci_upper,
        }
    }
}

#[derive(Default, Clone, Copy)]
struct Out {
    change_1: Option<f64>,
    change_5: Option<f64>,
    rank: Option<u32>,
    rank_of: Option<u32>,
    percentile: Option<f64>,
    gap: Option<f64>,
    vs_england: Difference,
}

/// Change in value over `k` periods of the indicator's own period list, unless a series break
/// lies between the two periods.
fn change(
    series: &HashMap<&str, f64>,
    periods: &[&str],
    at: usize,
    k: usize,
    break_at: Option<usize>,
) -> Option<f64> {
    let from = at.checked_sub(k)?;
    if break_at.is_some_and(|b| from < b && at >= b) {
        return None;
    }
    Some(series.get(periods[at])? - series.get(periods[from])?)
}

pub(crate) fn add_derived(mut values: DataFrame, defs: &[IndicatorDef]) -> PolarsResult<DataFrame> {
    let out = {
        let indicator = values.column(INDICATOR)?.str()?;
        let area = values.column(AREA_CODE)?.str()?;
        let area_type = values.column(AREA_TYPE)?.str()?;
        let period = values.column(PERIOD)?.str()?;
        let value = values.column(VALUE)?.f64()?;
        let ci_lower = values.column(CI_LOWER)?.f64()?;
        let ci_upper = values.column(CI_UPPER)?.f64()?;
        let rows: Vec<Row> = indicator
            .iter()
            .zip(area.iter())
            .zip(area_type.iter())
            .zip(period.iter())
            .zip(value.iter())
            .zip(ci_lower.iter().zip(ci_upper.iter()))
            .map(
                |(((((indicator, area), area_type), period), value), (ci_lower, ci_upper))| Row {
                    indicator: indicator.unwrap_or(""),
                    area: area.unwrap_or(""),
                    area_type: area_type.unwrap_or(""),
                    period: period.unwrap_or(""),
                    value,
                    ci_lower,
                    ci_upper,
                },
            )
            .collect();
        derive(&rows, defs)
    };
    let col_f = |name: &str, f: fn(&Out) -> Option<f64>| {
        Column::new(name.into(), out.iter().map(f).collect::<Vec<_>>())
    };
    let col_u = |name: &str, f: fn(&Out) -> Option<u32>| {
        Column::new(name.into(), out.iter().map(f).collect::<Vec<_>>())
    };
    values.hstack_mut(&[
        col_f(CHANGE_1, |o| o.change_1),
        col_f(CHANGE_5, |o| o.change_5),
        col_u(RANK, |o| o.rank),
        col_u(RANK_OF, |o| o.rank_of),
        col_f(PERCENTILE, |o| o.percentile),
        col_f(GAP_TO_ENGLAND, |o| o.gap),
        Column::new(
            VS_ENGLAND.into(),
            out.iter()
                .map(|o| o.vs_england.verdict.as_str())
                .collect::<Vec<_>>(),
        ),
        Column::new(
            VS_ENGLAND_METHOD.into(),
            out.iter()
                .map(|o| o.vs_england.method.as_str())
                .collect::<Vec<_>>(),
        ),
    ])?;
    Ok(values)
}

fn derive(rows: &[Row], defs: &[IndicatorDef]) -> Vec<Out> {
    let mut out = vec![Out::default(); rows.len()];
    // Ordered periods per indicator ("2021" < "2022", "2021/22" < "2022/23").
    let mut distinct: HashMap<&str, HashSet<&str>> = HashMap::default();
    let mut series: HashMap<(&str, &str), HashMap<&str, f64>> = HashMap::default();
    // England's row per (indicator, period), with its interval.
    let mut england: HashMap<(&str, &str), usize> = HashMap::default();
    let mut groups: HashMap<(&str, &str, &str), Vec<usize>> = HashMap::default();
    for (i, r) in rows.iter().enumerate() {
        distinct.entry(r.indicator).or_default().insert(r.period);
        if r.area == ENGLAND {
            england.insert((r.indicator, r.period), i);
        }
        if let Some(v) = r.value {
            series
                .entry((r.indicator, r.area))
                .or_default()
                .insert(r.period, v);
            if r.area_type != "country" {
                groups
                    .entry((r.indicator, r.area_type, r.period))
                    .or_default()
                    .push(i);
            }
        }
    }
    let def = |id: &str| defs.iter().find(|d| d.id == id);
    // Per indicator, once (not per row): its few distinct periods in order, and the position of
    // its first series break among them.
    let timeline: HashMap<&str, (Vec<&str>, Option<usize>)> = distinct
        .into_iter()
        .map(|(indicator, set)| {
            let mut ps: Vec<&str> = set.into_iter().collect();
            ps.sort_unstable();
            let break_at = def(indicator)
                .and_then(|d| d.series_breaks.first())
                .and_then(|b| ps.iter().position(|p| *p >= b.period));
            (indicator, (ps, break_at))
        })
        .collect();
    let with_interval: HashSet<&str> = defs
        .iter()
        .filter(|d| d.confidence_interval.is_some())
        .map(|d| d.id)
        .collect();
    let empty = HashMap::default();
    for (i, r) in rows.iter().enumerate() {
        let (ps, break_at) = &timeline[r.indicator];
        let at = ps.binary_search(&r.period).unwrap_or(0);
        let own = series.get(&(r.indicator, r.area)).unwrap_or(&empty);
        out[i].change_1 = change(own, ps, at, 1, *break_at);
        out[i].change_5 = change(own, ps, at, 5, *break_at);
        out[i].gap = r
            .value
            .zip(
                series
                    .get(&(r.indicator, ENGLAND))
                    .and_then(|s| s.get(r.period)),
            )
            .map(|(v, e)| v - e);
        if r.area != ENGLAND
            && let Some(&e) = england.get(&(r.indicator, r.period))
        {
            let has_interval = with_interval.contains(r.indicator);
            out[i].vs_england = compare(r.estimate(), rows[e].estimate(), has_interval);
        }
    }
    for ((indicator, _, _), members) in &groups {
        // Best first: descending unless lower is better.
        let lower_is_better = def(indicator).and_then(|d| d.higher_is_better) == Some(false);
        let key = |i: usize| {
            let v = rows[i].value.unwrap_or(f64::NAN);
            if lower_is_better { v } else { -v }
        };
        let mut sorted = members.clone();
        sorted.sort_by(|a, b| key(*a).total_cmp(&key(*b)));
        let n = sorted.len() as u32;
        let mut rank = 0;
        for (pos, &i) in sorted.iter().enumerate() {
            // Ties share the best rank.
            if pos == 0 || key(i) != key(sorted[pos - 1]) {
                rank = pos as u32 + 1;
            }
            out[i].rank = Some(rank);
            out[i].rank_of = Some(n);
            out[i].percentile = Some(f64::from(n - rank + 1) / f64::from(n) * 100.0);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use lmi_core::find_indicator;
    use proptest::prelude::*;

    fn row<'a>(
        indicator: &'a str,
        area: &'a str,
        area_type: &'a str,
        period: &'a str,
        value: Option<f64>,
    ) -> Row<'a> {
        Row {
            indicator,
            area,
            area_type,
            period,
            value,
            ci_lower: None,
            ci_upper: None,
        }
    }

    fn defs() -> Vec<IndicatorDef> {
        vec![
            find_indicator("ks4_apprenticeship_rate").unwrap().clone(),
            find_indicator("ks4_not_sustained_rate").unwrap().clone(),
            find_indicator("aps_level4plus_share").unwrap().clone(),
        ]
    }

    #[test]
    fn ranks_follow_the_indicators_direction_and_ties_share_a_rank() {
        let good = "ks4_apprenticeship_rate";
        let bad = "ks4_not_sustained_rate";
        let rows = vec![
            row(good, "A", "lad", "2022/23", Some(5.0)),
            row(good, "B", "lad", "2022/23", Some(7.0)),
            row(good, "C", "lad", "2022/23", Some(5.0)),
            row(good, "D", "lad", "2022/23", None),
            row(bad, "A", "lad", "2022/23", Some(5.0)),
            row(bad, "B", "lad", "2022/23", Some(7.0)),
        ];
        let out = derive(&rows, &defs());
        let ranks: Vec<_> = out.iter().map(|o| o.rank).collect();
        assert_eq!(ranks, [Some(2), Some(1), Some(2), None, Some(1), Some(2)]);
        assert_eq!(out[0].rank_of, Some(3));
        assert_eq!(out[1].percentile, Some(100.0));
        assert!((out[0].percentile.unwrap() - 200.0 / 3.0).abs() < 1e-9);
    }

    #[test]
    fn changes_and_gap_to_england() {
        let id = "ks4_apprenticeship_rate";
        let years = [
            "2016/17", "2017/18", "2018/19", "2019/20", "2020/21", "2021/22", "2022/23",
        ];
        let mut rows = Vec::new();
        for (k, y) in years.iter().enumerate() {
            rows.push(row(id, "A", "lad", y, Some(k as f64)));
            rows.push(row(id, ENGLAND, "country", y, Some(10.0)));
        }
        let out = derive(&rows, &defs());
        let last = out.len() - 2;
        assert_eq!(out[last].change_1, Some(1.0));
        assert_eq!(out[last].change_5, Some(5.0));
        assert_eq!(out[last].gap, Some(-4.0));
        assert_eq!(out[0].change_1, None);
        assert_eq!(out[last + 1].rank, None, "England is not ranked");
    }

    #[test]
    fn no_change_is_computed_across_a_series_break() {
        let id = "aps_level4plus_share";
        let rows = vec![
            row(id, "A", "lad", "2021", Some(30.0)),
            row(id, "A", "lad", "2022", Some(35.0)),
            row(id, "A", "lad", "2023", Some(36.0)),
        ];
        let out = derive(&rows, &defs());
        assert_eq!(out[1].change_1, None);
        assert_eq!(out[2].change_1, Some(1.0));
    }

    #[test]
    fn vs_england_needs_intervals_apart_for_survey_estimates_and_is_exact_for_counts() {
        use lmi_core::difference::{DifferenceTest, Verdict};
        let survey = "aps_level4plus_share";
        let with_ci = |area, value, lo, hi| Row {
            ci_lower: Some(lo),
            ci_upper: Some(hi),
            ..row(survey, area, "lad", "2023", Some(value))
        };
        let rows = vec![
            with_ci("A", 40.0, 35.0, 45.0),
            with_ci("B", 50.0, 47.0, 53.0),
            with_ci("C", 30.0, 27.0, 33.0),
            // Touching England's upper bound.
            with_ci("D", 40.0, 37.0, 43.0),
            row(survey, "E", "lad", "2023", Some(45.0)),
            row(survey, "F", "lad", "2023", None),
            with_ci(ENGLAND, 36.0, 35.5, 37.0),
            row("ks4_apprenticeship_rate", "A", "lad", "2022/23", Some(5.0)),
            row("ks4_apprenticeship_rate", "B", "lad", "2022/23", Some(3.2)),
            row(
                "ks4_apprenticeship_rate",
                ENGLAND,
                "country",
                "2022/23",
                Some(3.2),
            ),
        ];
        let out = derive(&rows, &defs());
        let got: Vec<(Verdict, DifferenceTest)> = out
            .iter()
            .map(|o| (o.vs_england.verdict, o.vs_england.method))
            .collect();
        use DifferenceTest as T;
        use Verdict as V;
        assert_eq!(
            got,
            [
                (V::Similar, T::IntervalsOverlap),
                (V::Higher, T::IntervalsOverlap),
                (V::Lower, T::IntervalsOverlap),
                (V::Similar, T::IntervalsOverlap),
                // No interval of its own; no value; England itself.
                (V::NotTested, T::None),
                (V::NotTested, T::None),
                (V::NotTested, T::None),
                (V::Higher, T::Exact),
                (V::Similar, T::Exact),
                (V::NotTested, T::None),
            ]
        );
    }

    proptest! {
        #[test]
        fn ranks_cover_one_to_n_and_order_the_values(values in proptest::collection::vec(0u16..50, 1..40)) {
            let names: Vec<String> = (0..values.len()).map(|i| format!("L{i}")).collect();
            let rows: Vec<Row> = values
                .iter()
                .zip(&names)
                .map(|(v, n)| row("ks4_apprenticeship_rate", n, "lad", "2022/23", Some(f64::from(*v))))
                .collect();
            let out = derive(&rows, &defs());
            let n = values.len() as u32;
            for (i, o) in out.iter().enumerate() {
                let rank = o.rank.unwrap();
                prop_assert!((1..=n).contains(&rank));
                prop_assert_eq!(o.rank_of, Some(n));
                // rank = 1 + number of strictly better values.
                let better = values.iter().filter(|v| **v > values[i]).count() as u32;
                prop_assert_eq!(rank, better + 1);
            }
            // With distinct values the ranks are a permutation of 1..=n.
            let mut distinct = values.clone();
            distinct.sort_unstable();
            distinct.dedup();
            if distinct.len() == values.len() {
                let mut ranks: Vec<u32> = out.iter().map(|o| o.rank.unwrap()).collect();
                ranks.sort_unstable();
                prop_assert_eq!(ranks, (1..=n).collect::<Vec<_>>());
            }
        }
    }
}
