//! ONS boundary files (maps): GeoJSON or TopoJSON in, one observation per area out, its
//! simplified outline in WGS84 longitude and latitude as GeoJSON geometry text
//! (`lmi_core::boundaries`).
//!
//! The coordinate reference system is read, never assumed: a GeoJSON `crs` member naming
//! EPSG:27700 (British National Grid, as ONS's BUC downloads of LSIP areas are) is transformed to
//! WGS84; one naming WGS84 / CRS84 (or none: RFC 7946) is read as longitude and latitude; any other
//! fails. A TopoJSON topology is decoded with its quantisation `transform`. Every point must land
//! in the British Isles' box, so a file in metres read as degrees fails naming the feature. A
//! feature carrying ONS's label point in both systems (`BNG_E`, `BNG_N`, `LONG`, `LAT`) checks the
//! transformation against ONS's own figures.

use crate::catalogue::BoundaryLayer;
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::RawFile;
use geo::{Coord, LineString, MultiPolygon, Polygon, Simplify};
use lmi_core::Status;
use lmi_core::boundaries::BOUNDARY_MEASURE;
use serde_json::Value;
use std::collections::HashSet;

/// Simplification tolerance in degrees (about 50 m north-south): ONS's ultra-generalised (500 m)
/// sets lose nothing visible at a county's scale, and a district's outline keeps a few hundred
/// points at most.
pub const SIMPLIFY_DEGREES: f64 = 0.0005;

/// Decimal places kept (about 1 m).
const DECIMALS: i32 = 5;

/// The box every point of a British boundary lies in (longitude, latitude): Shetland to the
/// Scillies, the Channel Islands' edge to Lowestoft.
const BRITISH_ISLES: (f64, f64, f64, f64) = (-11.0, 49.0, 2.5, 61.5);

/// EPSG:27700 (OSGB 1936 / British National Grid) as a PROJ.4 string: transverse Mercator on the
/// Airy 1830 ellipsoid with the OSGB36 -> WGS84 seven-parameter Helmert transformation (accurate to
/// a few metres, far below the simplification). The definition is the EPSG registry's, in the
/// form proj4js users write it (e.g. OpenLayers' reprojection examples and Ordnance Survey's
/// `os-transform.js`: `proj4.defs('EPSG:27700', …)`), and is checked against ONS's published label
/// points (BNG_E/BNG_N beside LONG/LAT) of every LSIP area.
const EPSG_27700: &str = "+proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 \
     +y_0=-100000 +ellps=airy +towgs84=446.448,-125.157,542.06,0.15,0.247,0.842,-20.489 \
     +units=m +no_defs +type=crs";
const EPSG_4326: &str = "+proj=longlat +datum=WGS84 +no_defs +type=crs";

/// The coordinate reference system of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Crs {
    LonLat,
    BritishNationalGrid,
}

/// A GeoJSON `crs` member's name -> the system, or `None` for one lmi does not read.
pub fn crs_of_name(name: &str) -> Option<Crs> {
    let n = name.to_ascii_uppercase();
    let code = n
        .rsplit([':', '/'])
        .find(|p| !p.is_empty())
        .unwrap_or_default();
    match code {
        "27700" => Some(Crs::BritishNationalGrid),
        "4326" | "CRS84" => Some(Crs::LonLat),
        _ => None,
    }
}

/// British National Grid -> WGS84 (degrees).
pub struct BngToWgs84 {
    from: proj4rs::Proj,
    to: proj4rs::Proj,
}

impl BngToWgs84 {
    pub fn new() -> BngToWgs84 {
        BngToWgs84 {
            // Both strings are constants this module's tests parse.
            from: proj4rs::Proj::from_proj_string(EPSG_27700).expect("EPSG:27700 definition"),
            to: proj4rs::Proj::from_proj_string(EPSG_4326).expect("EPSG:4326 definition"),
        }
    }

    /// (easting, northing) in metres -> (longitude, latitude) in degrees.
    pub fn lon_lat(&self, easting: f64, northing: f64) -> Option<(f64, f64)> {
        let mut p = (easting, northing, 0.0);
        proj4rs::transform::transform(&self.from, &self.to, &mut p).ok()?;
        Some((p.0.to_degrees(), p.1.to_degrees()))
    }
}

impl Default for BngToWgs84 {
    fn default() -> Self {
        Self::new()
    }
}

pub(crate) fn parse(
    raw: &RawFile,
    source_id: &str,
    layer: &BoundaryLayer,
    out: &mut Observations,
) -> Result<usize> {
    let file = &raw.path;
    let bad = |feature: String, expected: &str, found: String| IngestError::Boundary {
        file: file.clone(),
        feature,
        expected: expected.to_owned(),
        found,
    };
    let json: Value = serde_json::from_slice(&raw.content).map_err(|e| IngestError::BadValue {
        file: file.clone(),
        line: e.line() as u64,
        column: format!("character {}", e.column()),
        expected: "a GeoJSON FeatureCollection or a TopoJSON Topology".into(),
        found: e.to_string(),
    })?;
    let kind = json.get("type").and_then(Value::as_str).unwrap_or_default();
    let (features, crs) = match kind {
        "Topology" => (topology_features(&json, layer, file)?, Crs::LonLat),
        "FeatureCollection" => {
            let crs = match json.pointer("/crs/properties/name").and_then(Value::as_str) {
                None => Crs::LonLat,
                Some(name) => crs_of_name(name).ok_or_else(|| {
                    bad(
                        "(file's `crs`)".into(),
                        "EPSG:27700 (British National Grid), EPSG:4326 or CRS84",
                        format!("`{name}`"),
                    )
                })?,
            };
            let fc = geojson::FeatureCollection::try_from(json).map_err(|e| {
                bad(
                    "(collection)".into(),
                    "a GeoJSON FeatureCollection",
                    e.to_string(),
                )
            })?;
            (fc.features, crs)
        }
        other => {
            return Err(bad(
                "(file)".into(),
                "a GeoJSON FeatureCollection or a TopoJSON Topology",
                format!("type `{other}`"),
            ));
        }
    };
    let bng = (crs == Crs::BritishNationalGrid).then(BngToWgs84::new);
    let mut seen = HashSet::new();
    let mut rows = 0;
    for (i, f) in features.iter().enumerate() {
        let props = f.properties.as_ref();
        let prop = |k: &str| props.and_then(|p| p.get(k));
        let Some(code) = prop(&layer.code).and_then(Value::as_str) else {
            return Err(bad(
                format!("#{}", i + 1),
                &format!("a GSS code in property `{}`", layer.code),
                format!(
                    "properties {}",
                    props
                        .map(|p| p.keys().cloned().collect::<Vec<_>>().join(", "))
                        .unwrap_or_default()
                ),
            ));
        };
        // ELS's multi-year file keeps retired areas with the last year they were live.
        if prop("end").is_some_and(|v| !v.is_null()) {
            continue;
        }
        let name = format!("#{} ({code})", i + 1);
        if !seen.insert(code.to_owned()) {
            return Err(bad(name, "one feature per area", "a second one".into()));
        }
        let polygons = match f.geometry.as_ref().map(|g| &g.value) {
            Some(geojson::Value::Polygon(p)) => vec![p.clone()],
            Some(geojson::Value::MultiPolygon(m)) => m.clone(),
            other => {
                return Err(bad(
                    name,
                    "a Polygon or MultiPolygon geometry",
                    other.map_or("none".to_owned(), |g| {
                        geojson::Geometry::new(g.clone())
                            .to_string()
                            .chars()
                            .take(40)
                            .collect()
                    }),
                ));
            }
        };
        let to_lon_lat = |p: &Vec<f64>| -> Result<Coord> {
            let (x, y) = match p.as_slice() {
                [x, y, ..] => (*x, *y),
                _ => {
                    return Err(bad(
                        name.clone(),
                        "positions of two numbers",
                        format!("{p:?}"),
                    ));
                }
            };
            let (lon, lat) = match &bng {
                Some(t) => t.lon_lat(x, y).ok_or_else(|| {
                    bad(
                        name.clone(),
                        "British National Grid metres",
                        format!("({x}, {y})"),
                    )
                })?,
                None => (x, y),
            };
            let (w, s, e, n) = BRITISH_ISLES;
            if !(w..=e).contains(&lon) || !(s..=n).contains(&lat) {
                return Err(bad(
                    name.clone(),
                    &format!(
                        "longitude and latitude in the British Isles (the file's CRS: {crs:?})"
                    ),
                    format!("({x}, {y})"),
                ));
            }
            Ok(Coord { x: lon, y: lat })
        };
        let mut parts = Vec::new();
        for rings in &polygons {
            let mut lines = Vec::new();
            for ring in rings {
                let coords = ring.iter().map(&to_lon_lat).collect::<Result<Vec<_>>>()?;
                lines.push(LineString::new(coords));
            }
            let mut lines = lines.into_iter();
            let Some(exterior) = lines.next() else {
                continue;
            };
            parts.push(Polygon::new(exterior, lines.collect()));
        }
        if let (Some(t), Some(e), Some(n), Some(lon), Some(lat)) = (
            &bng,
            prop("BNG_E").and_then(Value::as_f64),
            prop("BNG_N").and_then(Value::as_f64),
            prop("LONG").and_then(Value::as_f64),
            prop("LAT").and_then(Value::as_f64),
        ) {
            // ONS's label point, published in both systems: a wrong transformation shows here.
            let got = t.lon_lat(e, n).unwrap_or((f64::NAN, f64::NAN));
            if !((got.0 - lon).abs() < 1e-3 && (got.1 - lat).abs() < 1e-3) {
                return Err(bad(
                    name,
                    &format!("BNG_E/BNG_N ({e}, {n}) to transform to LONG/LAT ({lon}, {lat})"),
                    format!("({:.6}, {:.6})", got.0, got.1),
                ));
            }
        }
        let geometry = simplified(MultiPolygon::new(parts));
        if geometry.0.is_empty() {
            return Err(bad(name, "at least one ring of four points", "none".into()));
        }
        let text = geojson::Geometry::new(geojson::Value::from(&geometry)).to_string();
        out.push_flagged(
            source_id,
            code,
            &layer.vintage,
            BOUNDARY_MEASURE,
            None,
            Status::Ok,
            &text,
        );
        rows += 1;
    }
    if rows == 0 {
        return Err(IngestError::NoRows {
            file: file.clone(),
            reason: format!("no feature with a code in property `{}`", layer.code),
        });
    }
    Ok(rows)
}

/// The features of one TopoJSON object, decoded with the topology's transform. Arc indices are
/// checked first (the decoder indexes without checking).
fn topology_features(
    json: &Value,
    layer: &BoundaryLayer,
    file: &std::path::Path,
) -> Result<Vec<geojson::Feature>> {
    let bad = |feature: String, expected: String, found: String| IngestError::Boundary {
        file: file.to_owned(),
        feature,
        expected,
        found,
    };
    let object = layer.object.as_deref().unwrap_or_default();
    let objects = json.get("objects").and_then(Value::as_object);
    let names = || {
        objects
            .map(|o| o.keys().cloned().collect::<Vec<_>>().join(", "))
            .unwrap_or_default()
    };
    if objects.is_none_or(|o| !o.contains_key(object)) {
        return Err(bad(
            "(topology)".into(),
            format!("an object `{object}`"),
            format!("objects {}", names()),
        ));
    }
    let arcs = json
        .get("arcs")
        .and_then(Value::as_array)
        .map_or(0, Vec::len) as i64;
    let geometries = json
        .pointer(&format!("/objects/{object}/geometries"))
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for (i, g) in geometries.iter().enumerate() {
        let mut stack = vec![g.get("arcs").cloned().unwrap_or(Value::Null)];
        while let Some(v) = stack.pop() {
            match v {
                Value::Array(a) => stack.extend(a),
                Value::Number(n) => {
                    let ix = n.as_i64().unwrap_or(i64::MAX);
                    let ix = if ix < 0 { -ix - 1 } else { ix };
                    if ix >= arcs {
                        let code = g
                            .pointer(&format!("/properties/{}", layer.code))
                            .and_then(Value::as_str)
                            .unwrap_or("no code");
                        return Err(bad(
                            format!("#{} ({code}) of `{object}`", i + 1),
                            format!("arc indices below {arcs}"),
                            n.to_string(),
                        ));
                    }
                }
                _ => {}
            }
        }
    }
    let object_map = json.as_object().cloned().unwrap_or_default();
    let topo = match topojson::TopoJson::from_json_object(object_map) {
        Ok(topojson::TopoJson::Topology(t)) => t,
        Ok(_) => {
            return Err(bad(
                "(file)".into(),
                "a Topology".into(),
                "another TopoJSON".into(),
            ));
        }
        Err(e) => {
            return Err(bad(
                "(topology)".into(),
                "a valid TopoJSON topology".into(),
                e.to_string(),
            ));
        }
    };
    let fc = topojson::to_geojson(&topo, object).map_err(|e| {
        bad(
            format!("(object `{object}`)"),
            "polygons".into(),
            e.to_string(),
        )
    })?;
    Ok(fc.features)
}

/// Douglas-Peucker per ring (rings too small to survive are dropped), coordinates rounded.
fn simplified(m: MultiPolygon) -> MultiPolygon {
    let factor = 10f64.powi(DECIMALS);
    let round = |l: &LineString| -> Option<LineString> {
        let mut coords: Vec<Coord> = l
            .simplify(SIMPLIFY_DEGREES)
            .0
            .into_iter()
            .map(|c| Coord {
                x: (c.x * factor).round() / factor,
                y: (c.y * factor).round() / factor,
            })
            .collect();
        coords.dedup();
        (coords.len() >= 4).then(|| LineString::new(coords))
    };
    MultiPolygon::new(
        m.0.iter()
            .filter_map(|p| {
                let exterior = round(p.exterior())?;
                Some(Polygon::new(
                    exterior,
                    p.interiors().iter().filter_map(round).collect(),
                ))
            })
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(text: &str) -> RawFile {
        RawFile {
            path: "boundaries/test.json".into(),
            sha256: String::new(),
            bytes: text.len() as u64,
            content: text.as_bytes().to_vec(),
        }
    }

    fn layer(object: Option<&str>, code: &str) -> BoundaryLayer {
        BoundaryLayer {
            object: object.map(str::to_owned),
            code: code.into(),
            vintage: "2023".into(),
        }
    }

    fn parse_text(text: &str, l: &BoundaryLayer) -> Result<Observations> {
        let mut out = Observations::default();
        parse(&raw(text), "b", l, &mut out)?;
        Ok(out)
    }

    #[test]
    fn british_national_grid_points_land_where_ordnance_survey_puts_them() {
        let t = BngToWgs84::new();
        // ONS's label points of two LSIP areas (lsip23_en_buc.geojson: BNG_E, BNG_N, LONG, LAT).
        for (e, n, lon, lat) in [
            (556570.0, 117296.0, 0.226848, 50.93386),
            // Lancashire (E69000019).
            (363725.0, 441045.0, -2.55307, 53.86435),
        ] {
            let (x, y) = t.lon_lat(e, n).unwrap();
            assert!((x - lon).abs() < 2e-4 && (y - lat).abs() < 2e-4, "{x},{y}");
        }
        // The grid's true origin: 49°N 2°W is at (400000, -100000) on OSGB36; WGS84 differs by
        // the datum shift (about 100 m), so within 0.002 degrees.
        let (x, y) = t.lon_lat(400000.0, -100000.0).unwrap();
        assert!((x + 2.0).abs() < 2e-3 && (y - 49.0).abs() < 2e-3, "{x},{y}");
    }

    #[test]
    fn crs_names_are_read_not_assumed() {
        assert_eq!(crs_of_name("EPSG:27700"), Some(Crs::BritishNationalGrid));
        assert_eq!(
            crs_of_name("urn:ogc:def:crs:EPSG::27700"),
            Some(Crs::BritishNationalGrid)
        );
        assert_eq!(
            crs_of_name("urn:ogc:def:crs:OGC:1.3:CRS84"),
            Some(Crs::LonLat)
        );
        assert_eq!(crs_of_name("EPSG:3857"), None);
        let text = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:3857"}},"features":[]}"#;
        let err = parse_text(text, &layer(None, "CD"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("boundaries/test.json") && err.contains("EPSG:3857"),
            "{err}"
        );
    }

    const SQUARE_BNG: &str = r#"{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"EPSG:27700"}},
      "features":[{"type":"Feature","properties":{"CD":"E69000019","BNG_E":363725,"BNG_N":441045,"LONG":-2.55307,"LAT":53.86435},
      "geometry":{"type":"Polygon","coordinates":[[[350000,420000],[380000,420000],[380000,450000],[350000,450000],[350000,420000]]]}}]}"#;

    #[test]
    fn a_national_grid_file_is_read_in_longitude_and_latitude() {
        let out = parse_text(SQUARE_BNG, &layer(None, "CD")).unwrap();
        let df = out.into_frame().unwrap();
        let flags = df
            .column("flags")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .unwrap()
            .to_owned();
        let g: geojson::Geometry = flags.parse().unwrap();
        let geojson::Value::MultiPolygon(m) = g.value else {
            panic!("{flags}")
        };
        for p in &m[0][0] {
            assert!(
                (-2.9..-2.2).contains(&p[0]) && (53.6..54.0).contains(&p[1]),
                "{p:?}"
            );
        }
    }

    #[test]
    fn a_wrong_label_point_or_a_bad_geometry_fails_naming_the_feature() {
        let wrong = SQUARE_BNG.replace("-2.55307", "-1.55307");
        let err = parse_text(&wrong, &layer(None, "CD"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("#1 (E69000019)") && err.contains("LONG/LAT"),
            "{err}"
        );
        // Metres read as degrees: no CRS member, so longitude and latitude are expected.
        let no_crs = SQUARE_BNG.replace(
            r#""crs":{"type":"name","properties":{"name":"EPSG:27700"}},"#,
            "",
        );
        let err = parse_text(&no_crs, &layer(None, "CD"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("#1 (E69000019)") && err.contains("British Isles"),
            "{err}"
        );
        let point = r#"{"type":"FeatureCollection","features":[{"type":"Feature","properties":{"CD":"E1"},"geometry":{"type":"Point","coordinates":[-2,53]}}]}"#;
        let err = parse_text(point, &layer(None, "CD"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("#1 (E1)") && err.contains("Point"), "{err}");
        let err = parse_text("{\"type\":", &layer(None, "CD"))
            .unwrap_err()
            .to_string();
        assert!(err.contains("line 1"), "{err}");
    }

    /// Two squares sharing an edge, quantised, one retired.
    const TOPO: &str = r#"{"type":"Topology","transform":{"scale":[0.001,0.001],"translate":[-3,53]},
      "arcs":[[[0,0],[0,1000]],[[0,1000],[-1000,0],[0,-1000],[1000,0]],[[0,0],[1000,0],[0,1000],[-1000,0]]],
      "objects":{"ltla":{"type":"GeometryCollection","geometries":[
        {"type":"Polygon","arcs":[[0,1]],"properties":{"areacd":"E07000117"}},
        {"type":"Polygon","arcs":[[-1,2]],"properties":{"areacd":"E07000120"}},
        {"type":"Polygon","arcs":[[-1,2]],"properties":{"areacd":"E07000999","end":2019}}]}}}"#;

    #[test]
    fn a_topology_is_decoded_with_its_transform_and_retired_areas_left_out() {
        let out = parse_text(TOPO, &layer(Some("ltla"), "areacd")).unwrap();
        let df = out.into_frame().unwrap();
        assert_eq!(df.height(), 2);
        let g: geojson::Geometry = df
            .column("flags")
            .unwrap()
            .str()
            .unwrap()
            .get(0)
            .unwrap()
            .parse()
            .unwrap();
        let geojson::Value::MultiPolygon(m) = g.value else {
            panic!()
        };
        // Burnley's square spans -4..-3 longitude (translate -3 plus -1000 x 0.001), 53..54.
        let xs: Vec<f64> = m[0][0].iter().map(|p| p[0]).collect();
        assert!(xs.iter().all(|x| (-4.0..=-3.0).contains(x)), "{xs:?}");
        let err = parse_text(TOPO, &layer(Some("lad"), "areacd"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("an object `lad`") && err.contains("ltla"),
            "{err}"
        );
        let bad_arc = TOPO.replace("[[0,1]]", "[[0,7]]");
        let err = parse_text(&bad_arc, &layer(Some("ltla"), "areacd"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("#1 (E07000117) of `ltla`") && err.contains("arc indices below 3"),
            "{err}"
        );
    }

    /// The catalogue's boundary sources over the real files (and the sample's simplified
    /// copies): every file parses with its own layer, the LSIP file's 38 label points check the
    /// British National Grid transformation, and Burnley lies where Burnley is.
    #[test]
    fn the_catalogued_boundary_files_parse_real_and_sample() {
        let catalogue = crate::Catalogue::parse(crate::BUNDLED_CATALOGUE).unwrap();
        let sample = lmi_testkit::support::sample_dir();
        let real =
            lmi_testkit::support::real_data("the_catalogued_boundary_files_parse_real_and_sample");
        for dir in std::iter::once(sample).chain(real) {
            let mut counts = Vec::new();
            for source in catalogue
                .sources
                .iter()
                .filter(|s| s.format == crate::Format::OnsBoundaries)
            {
                let layer = source.boundary.as_ref().unwrap();
                let raw = RawFile::read(&dir.join(&source.local_paths[0])).unwrap();
                let mut out = Observations::default();
                counts.push(parse(&raw, &source.id, layer, &mut out).unwrap());
                let df = out.into_frame().unwrap();
                let codes = df.column("area_code").unwrap().str().unwrap().clone();
                let flags = df.column("flags").unwrap().str().unwrap().clone();
                if let Some(i) = codes.iter().position(|c| c == Some("E07000117")) {
                    let g: geojson::Geometry = flags.get(i).unwrap().parse().unwrap();
                    let m = geo::MultiPolygon::<f64>::try_from(g.value).unwrap();
                    use geo::Centroid;
                    let c = m.centroid().unwrap();
                    // Burnley: about 2.2 degrees west, 53.8 north.
                    assert!(
                        (c.x() + 2.25).abs() < 0.15 && (c.y() - 53.78).abs() < 0.1,
                        "{c:?}"
                    );
                }
            }
            assert!(
                counts[0] >= 296 && counts[1] >= 155 && counts[2] == 38,
                "{} {counts:?}",
                dir.display()
            );
        }
    }
}
