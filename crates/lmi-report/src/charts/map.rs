//! The `map` chart: one indicator for every area of a type within a larger area (districts of
//! Lancashire, TTWAs of the North West, LSIP areas of England), each area's outline from the
//! snapshot's boundaries (or the union of its districts'), the request's area outlined.

use super::{Built, columns, footnotes, labels, mark, table, value_cells};
use crate::charts::spec::MapSpec;
use crate::error::ReportError;
use crate::lookup::{area as find_area, indicator};
use crate::maps::{DrawnFrom, boundary_attribution, default_within, map_areas, outline};
use crate::snapshot::{GeoIndex, ServedSnapshot};
use crate::table::Cell;
use crate::words::plural;
use lmi_charts::{Chart, ChartText, MapChart, MapClasses, MapShape};
use lmi_core::schema::Table;
use lmi_core::{Area, IndicatorValue};

pub(crate) fn map(
    spec: &MapSpec,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> Result<Built, ReportError> {
    let def = indicator(&spec.indicator)?;
    let within = match &spec.within {
        Some(code) => find_area(geo, code)?,
        None => default_within(geo, area),
    };
    if !snap.has_table(Table::Boundaries) {
        return Err(ReportError::NotFound(
            "no map: this snapshot holds no boundaries (it was published before maps)".into(),
        ));
    }
    let areas = map_areas(geo, spec.area_type, within);
    if areas.is_empty() {
        return Err(ReportError::NotFound(format!(
            "no map: there are no {} in {} {}",
            plural(spec.area_type),
            within.code,
            within.name
        )));
    }
    // The period: the one asked for, else the latest in which any of the areas has a value.
    let period = match &spec.period {
        Some(p) => p.clone(),
        None => areas
            .iter()
            .flat_map(|a| snap.series(def.id, &a.code).filter(|v| v.value.is_some()))
            .map(|v| v.period.clone())
            .max()
            .ok_or_else(|| {
                ReportError::NotFound(format!(
                    "nothing to map: none of the {} in {} has a value of {}",
                    plural(spec.area_type),
                    within.name,
                    def.title
                ))
            })?,
    };
    let names = labels(&areas);
    let mut shapes = Vec::new();
    let mut rows = Vec::new();
    let mut without = Vec::new();
    let mut boundary_sources: Vec<String> = Vec::new();
    let mut unions = Vec::new();
    for (a, label) in areas.iter().zip(names) {
        let value: Option<&IndicatorValue> = snap.value(def.id, &a.code, &period);
        let Some((shape, from)) = outline(snap, geo, a) else {
            without.push(a.name.clone());
            continue;
        };
        if from == DrawnFrom::UnionOfDistricts {
            unions.push(a.name.clone());
        }
        boundary_sources.extend(
            snap.boundary(&a.code)
                .map(|(r, _)| r.source.clone())
                .into_iter()
                .chain(
                    geo.members(a, crate::snapshot::Members::Lad)
                        .iter()
                        .filter(|_| from == DrawnFrom::UnionOfDistricts)
                        .filter_map(|d| snap.boundary(&d.code).map(|(r, _)| r.source.clone())),
                ),
        );
        let mut row: Vec<Cell> = vec![
            a.code.as_str().into(),
            a.name.as_str().into(),
            a.area_type.as_str().into(),
            (a.code == area.code).into(),
        ];
        row.extend(value_cells(value));
        rows.push(row);
        shapes.push(MapShape {
            code: a.code.clone(),
            label,
            polygons: shape
                .0
                .iter()
                .map(|p| {
                    std::iter::once(p.exterior())
                        .chain(p.interiors())
                        .map(|l| l.coords().map(|c| (c.x, c.y)).collect())
                        .collect()
                })
                .collect(),
            value: value.and_then(|v| v.value),
            mark: value.map_or(lmi_charts::Mark::None, mark),
            selected: a.code == area.code,
        });
    }
    if shapes.is_empty() {
        return Err(ReportError::NotFound(format!(
            "no map: none of the {} in {} has a boundary in this snapshot",
            plural(spec.area_type),
            within.name
        )));
    }
    if shapes.iter().all(|s| s.value.is_none()) {
        return Err(ReportError::NotFound(format!(
            "nothing to map: none of the {} in {} has a value of {} in {period}",
            plural(spec.area_type),
            within.name,
            def.title
        )));
    }
    let mut t = table(
        snap,
        format!(
            "{}-{}-map-{}-{}",
            within.code,
            def.id,
            spec.area_type.as_str(),
            period.replace('/', "-")
        ),
        format!(
            "{}: {} in {}, {period}",
            def.title,
            plural(spec.area_type),
            within.name
        ),
        &columns(&["area_code", "area_name", "area_type", "selected"]),
        &[def],
    );
    for r in rows {
        t.push(r);
    }
    let mut notes = vec![format!(
        "{} in {} ({}).",
        upper_first(plural(spec.area_type)),
        within.name,
        within.area_type.label_in_sentence()
    )];
    notes.extend(footnotes(snap, &[def]));
    if !unions.is_empty() {
        notes.push(format!(
            "Drawn as the union of their districts' boundaries: {}.",
            unions.join(", ")
        ));
    }
    if !without.is_empty() {
        notes.push(format!(
            "Not drawn (no boundary in this snapshot): {}.",
            without.join(", ")
        ));
    }
    boundary_sources.sort();
    boundary_sources.dedup();
    notes.extend(boundary_attribution(snap, &boundary_sources));
    let with_value = shapes.iter().filter(|s| s.value.is_some()).count();
    let description = format!(
        "Map of {} for the {} {} in {}, {period}: {with_value} with a value{}.",
        def.title,
        shapes.len(),
        plural(spec.area_type),
        within.name,
        if shapes.iter().any(|s| s.selected) {
            format!("; {} outlined", area.name)
        } else {
            String::new()
        }
    );
    Ok(Built {
        chart: Chart::Map(MapChart {
            text: ChartText {
                // Short enough to print whole; the area type is the first note.
                title: format!("{}: {}, {period}", def.title, within.name),
                description,
                unit: def.unit.as_str().to_owned(),
                footnotes: notes,
            },
            shapes,
            classes: MapClasses {
                method: spec.classes.to_chart(),
                count: lmi_charts::MAP_MAX_CLASSES,
            },
        }),
        table: t,
    })
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
