//! Maps: which areas a map of one area type within another shows, each area's outline (its own
//! boundary from the snapshot, or the union of its districts' for an area without one, such as
//! a county or the Lancashire combined authority of 2025), and the body of the boundaries route
//! (GeoJSON).

use crate::error::ReportError;
use crate::snapshot::{GeoIndex, Members, Meta, ServedSnapshot};
use crate::words::plural;
use geo::MultiPolygon;
use lmi_core::schema::Table;
use lmi_core::{Area, AreaType};
use serde::Serialize;
use utoipa::ToSchema;

/// A stored geometry (GeoJSON text, WGS84) as polygons; `None` when it is not a Polygon or
/// MultiPolygon.
pub fn parse_geometry(text: &str) -> Option<MultiPolygon> {
    let g: geojson::Geometry = text.parse().ok()?;
    match geo::Geometry::<f64>::try_from(g.value).ok()? {
        geo::Geometry::Polygon(p) => Some(MultiPolygon::new(vec![p])),
        geo::Geometry::MultiPolygon(m) => Some(m),
        _ => None,
    }
}

/// Where an outline comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DrawnFrom {
    /// The area's own boundary.
    Boundary,
    /// The union of its districts' boundaries (the area has none of its own).
    UnionOfDistricts,
}

/// An area's outline and where it comes from: its own boundary, else the union of its districts'
/// boundaries (every district must have one, or the area has no outline: a partial union would
/// draw a wrong shape).
pub fn outline(
    snap: &ServedSnapshot,
    geo: &GeoIndex,
    area: &Area,
) -> Option<(MultiPolygon, DrawnFrom)> {
    if let Some((_, g)) = snap.boundary(&area.code) {
        return Some((g.clone(), DrawnFrom::Boundary));
    }
    if area.area_type == AreaType::Lad || area.area_type == AreaType::Ttwa {
        // A district is the unit; a TTWA is not made of whole districts.
        return None;
    }
    let districts = geo.members(area, Members::Lad);
    if districts.is_empty() {
        return None;
    }
    let parts: Vec<&MultiPolygon> = districts
        .iter()
        .map(|d| snap.boundary(&d.code).map(|(_, g)| g))
        .collect::<Option<_>>()?;
    Some((geo::unary_union(parts), DrawnFrom::UnionOfDistricts))
}

/// The areas a map of `area_type` within `within` shows, by name: `within`'s districts; the
/// TTWAs most of whose residents live in it; other types whose districts lie mostly in it; every
/// area of the type within England.
pub fn map_areas(geo: &GeoIndex, area_type: AreaType, within: &Area) -> Vec<&'static Area> {
    let g = geo.geography;
    if within.area_type == area_type {
        return geo.area(&within.code).into_iter().collect();
    }
    let mut out: Vec<&'static Area> = if within.area_type == AreaType::Country {
        g.areas()
            .filter(|a| a.area_type == area_type)
            .filter_map(|a| geo.area(&a.code))
            .collect()
    } else {
        match area_type {
            AreaType::Lad if within.area_type != AreaType::Ttwa => {
                geo.members(within, Members::Lad)
            }
            AreaType::Lad => g
                .member_lads(&within.code)
                .iter()
                .filter_map(|l| geo.area(&l.code))
                .collect(),
            AreaType::Ttwa => geo.members(within, Members::Ttwa),
            _ => {
                let inside = geo.members(within, Members::Lad);
                g.areas()
                    .filter(|a| a.area_type == area_type)
                    .filter_map(|a| geo.area(&a.code))
                    .filter(|a| {
                        let lads = geo.members(a, Members::Lad);
                        let n = lads
                            .iter()
                            .filter(|l| inside.iter().any(|i| i.code == l.code))
                            .count();
                        !lads.is_empty() && 2 * n > lads.len()
                    })
                    .collect()
            }
        }
    };
    out.sort_by(|a, b| a.name.cmp(&b.name));
    out.dedup_by(|a, b| a.code == b.code);
    out
}

/// The area a map of `area`'s surroundings is drawn within when the request names none: a
/// district's combined authority, else its county, else its region; a TTWA's region; any other
/// area itself.
pub fn default_within(geo: &GeoIndex, area: &'static Area) -> &'static Area {
    let parent = |types: &[AreaType]| {
        types.iter().find_map(|t| {
            geo.parents(&area.code)
                .iter()
                .copied()
                .find(|p| p.area_type == *t)
        })
    };
    match area.area_type {
        AreaType::Lad => parent(&[
            AreaType::CombinedAuthority,
            AreaType::County,
            AreaType::Region,
        ])
        .unwrap_or(area),
        AreaType::Ttwa => parent(&[AreaType::Region, AreaType::Country]).unwrap_or(area),
        _ => area,
    }
}

/// `GET /v1/boundaries`: the outlines of the areas of one type within an area, as a GeoJSON
/// FeatureCollection (WGS84 longitude and latitude), with the snapshot's metadata.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoundaryCollection {
    /// Always `FeatureCollection`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub meta: Meta,
    /// The boundary sources' attribution (Open Government Licence v3.0, OS copyright).
    pub attribution: Vec<String>,
    pub area_type: AreaType,
    pub within: String,
    /// Areas of the type within the area that have no outline in this snapshot.
    pub without_boundary: Vec<String>,
    pub features: Vec<BoundaryFeature>,
}

/// One area's outline.
#[derive(Debug, Serialize, ToSchema)]
pub struct BoundaryFeature {
    /// Always `Feature`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The area's GSS code.
    pub id: String,
    pub properties: BoundaryProperties,
    /// A GeoJSON Polygon or MultiPolygon, longitude and latitude (WGS84).
    #[schema(value_type = Object)]
    pub geometry: geojson::Geometry,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BoundaryProperties {
    pub code: String,
    pub name: String,
    pub area_type: AreaType,
    pub drawn_from: DrawnFrom,
    /// The catalogue id of the boundary source (of the districts, for a union).
    pub source: Vec<String>,
    /// The boundary set's year.
    pub vintage: Vec<String>,
}

/// The sources of an outline: the area's own, or its districts'.
fn sources_of(
    snap: &ServedSnapshot,
    geo: &GeoIndex,
    area: &Area,
    from: DrawnFrom,
) -> (Vec<String>, Vec<String>) {
    let rows: Vec<&lmi_core::demand::BoundaryRow> = match from {
        DrawnFrom::Boundary => snap
            .boundary(&area.code)
            .map(|(r, _)| r)
            .into_iter()
            .collect(),
        DrawnFrom::UnionOfDistricts => geo
            .members(area, Members::Lad)
            .iter()
            .filter_map(|d| snap.boundary(&d.code).map(|(r, _)| r))
            .collect(),
    };
    let mut source: Vec<String> = rows.iter().map(|r| r.source.clone()).collect();
    let mut vintage: Vec<String> = rows.iter().map(|r| r.vintage.clone()).collect();
    source.sort();
    source.dedup();
    vintage.sort();
    vintage.dedup();
    (source, vintage)
}

/// Attribution lines of the boundary sources used.
pub fn boundary_attribution(snap: &ServedSnapshot, sources: &[String]) -> Vec<String> {
    let ids: Vec<&str> = sources.iter().map(String::as_str).collect();
    crate::charts::attributions(snap, &ids)
}

pub fn boundaries(
    snap: &ServedSnapshot,
    geo: &GeoIndex,
    area_type: AreaType,
    within: &str,
) -> Result<BoundaryCollection, ReportError> {
    let within = crate::lookup::area(geo, within)?;
    if !snap.has_table(Table::Boundaries) {
        return Err(ReportError::NotFound(
            "this snapshot holds no boundaries (it was published before maps)".into(),
        ));
    }
    let areas = map_areas(geo, area_type, within);
    if areas.is_empty() {
        return Err(ReportError::NotFound(format!(
            "no {} in {} {}",
            plural(area_type),
            within.code,
            within.name
        )));
    }
    let mut features = Vec::new();
    let mut without = Vec::new();
    let mut all_sources = Vec::new();
    for a in areas {
        let Some((shape, from)) = outline(snap, geo, a) else {
            without.push(a.code.clone());
            continue;
        };
        let (source, vintage) = sources_of(snap, geo, a, from);
        all_sources.extend(source.iter().cloned());
        features.push(BoundaryFeature {
            kind: "Feature",
            id: a.code.clone(),
            properties: BoundaryProperties {
                code: a.code.clone(),
                name: a.name.clone(),
                area_type: a.area_type,
                drawn_from: from,
                source,
                vintage,
            },
            geometry: geojson::Geometry::new(geojson::Value::from(&shape)),
        });
    }
    if features.is_empty() {
        return Err(ReportError::NotFound(format!(
            "no {} in {} {} has a boundary in this snapshot",
            plural(area_type),
            within.code,
            within.name
        )));
    }
    all_sources.sort();
    all_sources.dedup();
    Ok(BoundaryCollection {
        kind: "FeatureCollection",
        meta: snap.meta.clone(),
        attribution: boundary_attribution(snap, &all_sources),
        area_type,
        within: within.code.clone(),
        without_boundary: without,
        features,
    })
}
