//! The boundaries table (`lmi_core::schema::boundaries`): the boundary rows of the observations
//! (`lmi_core::boundaries`), kept for the areas the registry knows, with their area type.

use crate::PipelineError;
use lmi_core::Geography;
use lmi_core::boundaries::BOUNDARY_MEASURE;
use lmi_core::schema::boundaries as bd;
use lmi_core::schema::observations as obs;
use polars::prelude::*;

pub fn compute_boundaries(
    observations: &DataFrame,
    geo: &Geography,
) -> Result<DataFrame, PipelineError> {
    let df = observations;
    let (source, area, period, measure, flags) = (
        df.column(obs::SOURCE)?.str()?,
        df.column(obs::AREA_CODE)?.str()?,
        df.column(obs::PERIOD)?.str()?,
        df.column(obs::MEASURE)?.str()?,
        df.column(obs::FLAGS)?.str()?,
    );
    let mut c: [Vec<&str>; 5] = Default::default();
    for i in 0..df.height() {
        if measure.get(i) != Some(BOUNDARY_MEASURE) {
            continue;
        }
        let (Some(s), Some(a), Some(p), Some(g)) =
            (source.get(i), area.get(i), period.get(i), flags.get(i))
        else {
            continue;
        };
        // Areas of other nations and retired codes have no values to map.
        let Some(known) = geo.area(a) else {
            continue;
        };
        for (col, x) in c.iter_mut().zip([a, known.area_type.as_str(), s, p, g]) {
            col.push(x);
        }
    }
    let n = c[0].len();
    let [area_code, area_type, source, vintage, geometry] = c;
    Ok(DataFrame::new(
        n,
        vec![
            Column::new(bd::AREA_CODE.into(), area_code),
            Column::new(bd::AREA_TYPE.into(), area_type),
            Column::new(bd::SOURCE.into(), source),
            Column::new(bd::VINTAGE.into(), vintage),
            Column::new(bd::GEOMETRY.into(), geometry),
        ],
    )?)
}
