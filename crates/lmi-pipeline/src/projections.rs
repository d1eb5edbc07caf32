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
    let rows = area
        .iter()
        .zip(period.iter())
        .zip(measure.iter())
        .zip(value.iter());
    for (((a, p), m), v) in rows {
        let (Some(a), Some(p), Some(m)) = (a, p, m) else {
            continue;
        };
        // The measure first: only projection rows are looked up in the geography.
        let Some(pm) = parse_projection_measure(m) else {
            continue;
        };
        let Some(known) = geo.area(a) else {
            continue;
        };
        for (col, x) in c.iter_mut().zip([
            a,
            known.area_type.as_str(),
            pm.classification.as_str(),
            pm.item,
            pm.label,
            pm.quantity.as_str(),
            p,
        ]) {
            col.push(x);
        }
        values.push(v);
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
