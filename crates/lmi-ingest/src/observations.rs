//! The long observations table every parser produces and the pipeline consumes.
//!
//! Columns: `source` (catalogue id), `area_code` (GSS code as published, any vintage),
//! `period` (normalised label, e.g. `2022/23` or `2021`), `measure` (e.g. `ks4_appren`),
//! `value` (f64, null when the status carries no number), `status` (see `lmi_core::Status`) and
//! `flags` (the publisher's own flags when it has them, e.g. Nomis `OBS_STATUS=Q;OBS_CONF=F`).

use lmi_core::Status;
use polars::prelude::*;

pub use lmi_core::schema::observations::{
    AREA_CODE, COLUMNS, FLAGS, MEASURE, PERIOD, SOURCE, STATUS, VALUE,
};

/// Row-wise builder for the observations table.
#[derive(Debug, Default)]
pub struct Observations {
    source: Vec<String>,
    area_code: Vec<String>,
    period: Vec<String>,
    measure: Vec<String>,
    value: Vec<Option<f64>>,
    status: Vec<&'static str>,
    flags: Vec<Option<String>>,
}

impl Observations {
    pub fn push(
        &mut self,
        source: &str,
        area_code: &str,
        period: &str,
        measure: &str,
        value: Option<f64>,
        status: Status,
    ) {
        self.source.push(source.to_owned());
        self.area_code.push(area_code.to_owned());
        self.period.push(period.to_owned());
        self.measure.push(measure.to_owned());
        self.value.push(value.filter(|_| status.has_value()));
        self.status.push(status.as_str());
        self.flags.push(None);
    }

    /// As [`Observations::push`], keeping the publisher's flags for the cell.
    #[allow(clippy::too_many_arguments)]
    pub fn push_flagged(
        &mut self,
        source: &str,
        area_code: &str,
        period: &str,
        measure: &str,
        value: Option<f64>,
        status: Status,
        flags: &str,
    ) {
        self.push(source, area_code, period, measure, value, status);
        if let Some(last) = self.flags.last_mut() {
            *last = Some(flags.to_owned());
        }
    }

    /// Adds `measure` = `from` x `times` x `factor` for every (source, area, period) of rows
    /// `start..` where both have a value; the status is `from`'s. Returns the rows added.
    pub fn derive_product(
        &mut self,
        start: usize,
        measure: &str,
        from: &str,
        times: &str,
        factor: f64,
    ) -> usize {
        let end = self.len();
        let mut by_key = std::collections::HashMap::new();
        for i in start..end {
            if self.measure[i] == times
                && let Some(v) = self.value[i]
            {
                by_key.insert((&self.source[i], &self.area_code[i], &self.period[i]), v);
            }
        }
        let mut new = Vec::new();
        for i in start..end {
            if self.measure[i] != from {
                continue;
            }
            let key = (&self.source[i], &self.area_code[i], &self.period[i]);
            if let (Some(v), Some(t)) = (self.value[i], by_key.get(&key)) {
                new.push((
                    self.source[i].clone(),
                    self.area_code[i].clone(),
                    self.period[i].clone(),
                    v * t * factor,
                    self.status[i],
                    self.flags[i].clone(),
                ));
            }
        }
        let added = new.len();
        for (source, area, period, value, status, flags) in new {
            self.source.push(source);
            self.area_code.push(area);
            self.period.push(period);
            self.measure.push(measure.to_owned());
            self.value.push(Some(value));
            self.status.push(status);
            self.flags.push(flags);
        }
        added
    }

    pub fn len(&self) -> usize {
        self.source.len()
    }

    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
    }

    /// Moves every row of `other` to the end of this table (a source parsed on its own is added
    /// only once it parsed whole).
    /// The distinct periods held.
    pub fn periods(&self) -> std::collections::BTreeSet<String> {
        self.period.iter().cloned().collect()
    }

    pub fn append(&mut self, mut other: Observations) {
        self.source.append(&mut other.source);
        self.area_code.append(&mut other.area_code);
        self.period.append(&mut other.period);
        self.measure.append(&mut other.measure);
        self.value.append(&mut other.value);
        self.status.append(&mut other.status);
        self.flags.append(&mut other.flags);
    }

    pub fn into_frame(self) -> PolarsResult<DataFrame> {
        let height = self.len();
        DataFrame::new(
            height,
            vec![
                Column::new(SOURCE.into(), self.source),
                Column::new(AREA_CODE.into(), self.area_code),
                Column::new(PERIOD.into(), self.period),
                Column::new(MEASURE.into(), self.measure),
                Column::new(VALUE.into(), self.value),
                Column::new(STATUS.into(), self.status),
                Column::new(FLAGS.into(), self.flags),
            ],
        )
    }
}

/// The rows of an observations table whose source is (`keep`) or is not (`!keep`) one of `ids`:
/// how a refresh carries one source over from a published snapshot, or sets one aside.
pub fn filter_sources(df: &DataFrame, ids: &[&str], keep: bool) -> PolarsResult<DataFrame> {
    let named = ids
        .iter()
        .fold(lit(false), |acc, id| acc.or(col(SOURCE).eq(lit(*id))));
    let predicate = if keep { named } else { named.not() };
    df.clone().lazy().filter(predicate).collect()
}

/// Observations tables one after the other (same schema).
pub fn concat_frames(frames: Vec<DataFrame>) -> PolarsResult<DataFrame> {
    if frames.len() == 1 {
        return Ok(frames.into_iter().next().unwrap_or_default());
    }
    let lazy: Vec<LazyFrame> = frames.into_iter().map(IntoLazy::lazy).collect();
    concat(lazy, UnionArgs::default())?.collect()
}

/// An empty observations frame with the right schema.
pub fn empty_frame() -> PolarsResult<DataFrame> {
    Observations::default().into_frame()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_suppressed_observation_has_no_value() {
        let mut obs = Observations::default();
        obs.push(
            "s",
            "E07000117",
            "2022/23",
            "ks4_appren",
            Some(0.0),
            Status::Suppressed,
        );
        obs.push(
            "s",
            "E07000117",
            "2022/23",
            "ks4_cohort",
            Some(900.0),
            Status::Ok,
        );
        let df = obs.into_frame().unwrap();
        let values = df.column(VALUE).unwrap().f64().unwrap();
        assert_eq!(values.get(0), None);
        assert_eq!(values.get(1), Some(900.0));
    }

    #[test]
    fn a_derived_product_needs_both_values_and_keeps_the_status_of_its_source() {
        let mut o = Observations::default();
        o.push("s", "E1", "2021", "pp", Some(2.5), Status::Ok);
        o.push("s", "E1", "2021", "den", Some(1000.0), Status::Ok);
        o.push("s", "E2", "2021", "pp", Some(1.0), Status::Ok);
        o.push("s", "E2", "2021", "den", None, Status::Suppressed);
        o.push("s", "E3", "2021", "pp", Some(1.0), Status::LowReliability);
        o.push("s", "E3", "2021", "den", Some(200.0), Status::Ok);
        assert_eq!(o.derive_product(0, "pm", "pp", "den", 0.01), 2);
        let df = o.into_frame().unwrap();
        let measures: Vec<Option<&str>> =
            df.column(MEASURE).unwrap().str().unwrap().iter().collect();
        let keep: Vec<usize> = (0..df.height())
            .filter(|&i| measures[i] == Some("pm"))
            .collect();
        let all_values: Vec<Option<f64>> =
            df.column(VALUE).unwrap().f64().unwrap().iter().collect();
        let all_status: Vec<Option<&str>> =
            df.column(STATUS).unwrap().str().unwrap().iter().collect();
        let values: Vec<Option<f64>> = keep.iter().map(|&i| all_values[i]).collect();
        let status: Vec<Option<&str>> = keep.iter().map(|&i| all_status[i]).collect();
        assert_eq!(values, vec![Some(25.0), Some(2.0)]);
        assert_eq!(status, vec![Some("ok"), Some("low_reliability")]);
    }
}
