//! The long observations table every parser produces and the pipeline consumes.
//!
//! Columns: `source` (catalogue id), `area_code` (GSS code as published, any vintage),
//! `period` (normalised label, e.g. `2022/23` or `2021`), `measure` (e.g. `ks4_appren`),
//! `value` (f64, null when the status carries no number), `status` (see `lmi_core::Status`) and
//! `flags` (the publisher's own flags when it has them, e.g. Nomis `OBS_STATUS=Q;OBS_CONF=F`).

use lmi_core::Status;
use polars::prelude::*;

pub const SOURCE: &str = "source";
pub const AREA_CODE: &str = "area_code";
pub const PERIOD: &str = "period";
pub const MEASURE: &str = "measure";
pub const VALUE: &str = "value";
pub const STATUS: &str = "status";
pub const FLAGS: &str = "flags";

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

    pub fn len(&self) -> usize {
        self.source.len()
    }

    pub fn is_empty(&self) -> bool {
        self.source.is_empty()
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
}
