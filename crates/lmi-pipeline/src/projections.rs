//! The projections table (`lmi_core::schema::projections`): model output read from the
//! observations, reshaped and labelled with the model, for the areas the model publishes. Never
//! summed, split or joined to observed series.

use crate::PipelineError;
use lmi_core::Geography;
use lmi_core::projections::{MODEL, parse_projection_measure};
use lmi_core::schema::observations as obs;
use lmi_core::schema::projections as pr;
use polars::prelude::*;

pub fn compute_projections(
    observations: &DataFrame,
    geo: &Geography,
) -> Result<DataFrame, PipelineError> {
    let df = observations;
    let (area, period, measure, value) = (
        df.column(obs::AREA_CODE)?.str()?,
        df.column(obs::PERIOD)?.str()?,
        df.column(obs::MEASURE)?.str()?,
        df.column(obs::VALUE)?.f64()?,
    );
    let mut c: [Vec<&str>; 7] = Default::default();
    let mut values = Vec::new();
    for i in 0..df.height() {
        let (Some(a), Some(p), Some(m)) = (area.get(i), period.get(i), measure.get(i)) else {
            continue;
        };
        let (Some(pm), Some(known)) = (parse_projection_measure(m), geo.area(a)) else {
            continue;
        };
        for (v, x) in c.iter_mut().zip([
            a,
            known.area_type.as_str(),
            pm.classification.as_str(),
            pm.item,
            pm.label,
            pm.quantity.as_str(),
            p,
        ]) {
            v.push(x);
        }
        values.push(value.get(i));
    }
    let n = values.len();
    let [
        area_code,
        area_type,
        classification,
        item,
        label,
        quantity,
        period,
    ] = c;
    Ok(DataFrame::new(
        n,
        vec![
            Column::new(pr::MODEL.into(), vec![MODEL; n]),
            Column::new(pr::AREA_CODE.into(), area_code),
            Column::new(pr::AREA_TYPE.into(), area_type),
            Column::new(pr::CLASSIFICATION.into(), classification),
            Column::new(pr::ITEM.into(), item),
            Column::new(pr::ITEM_LABEL.into(), label),
            Column::new(pr::QUANTITY.into(), quantity),
            Column::new(pr::PERIOD.into(), period),
            Column::new(pr::VALUE.into(), values),
        ],
    )?)
}
