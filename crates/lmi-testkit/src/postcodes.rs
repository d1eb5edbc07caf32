//! The Open Geography Portal's postcode directory feature service (`New_NSPL_Online_Latest_Centroids`,
//! layer 1, `NSPL_LATEST_UK`) as ArcGIS answers a query: the rows of the served directory's
//! `geography/nspl_uk.csv` (the sample's is synthetic) as `features[].attributes` with the
//! upper-case field names of the service's REST page and the year-suffixed district and region
//! its callers ask for (`LAD25CD`, `RGN25CD`; see [`field_name`]), at most [`MAX_RECORD_COUNT`] a page,
//! paged by `resultOffset`/`resultRecordCount` with `exceededTransferLimit` while more remain.

use crate::Reply;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::path::Path;

/// The service served.
pub const NSPL_SERVICE: &str = "New_NSPL_Online_Latest_Centroids";
/// The service's page limit ("Max Record Count: 2000" on its REST page).
pub const MAX_RECORD_COUNT: usize = 2000;
/// Where the served directory's file is, under the data directory.
pub const NSPL_FILE: &str = "geography/nspl_uk.csv";

/// A CSV column's name in the feature service: upper case, the district and region
/// year-suffixed as public callers request them.
fn field_name(column: &str) -> String {
    match column {
        "laua" => "LAD25CD".to_owned(),
        "rgn" => "RGN25CD".to_owned(),
        other => other.to_ascii_uppercase(),
    }
}

pub(crate) struct Directory {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Directory {
    /// The directory's file, or an empty service when the data directory has none.
    pub(crate) fn load(dir: &Path) -> Directory {
        let (header, rows) = crate::read_data(dir, NSPL_FILE)
            .map(|b| crate::read_csv(&b))
            .unwrap_or_default();
        Directory { header, rows }
    }

    pub(crate) fn serves(path: &str) -> bool {
        path.starts_with(&format!("/arcgis/{NSPL_SERVICE}/"))
    }

    pub(crate) fn respond(&self, path: &str, q: &HashMap<String, String>) -> Reply {
        let error = |message: &str| {
            Reply::json(json!({ "error": { "code": 400, "message": message, "details": [] } }))
        };
        if path != format!("/arcgis/{NSPL_SERVICE}/FeatureServer/1/query") || self.header.is_empty()
        {
            return error("Invalid URL");
        }
        if q.get("f").map(String::as_str) != Some("json") || q.get("where").is_none() {
            return error("Invalid or missing input parameters.");
        }
        let number = |k: &str, default: usize| q.get(k).map_or(Some(default), |v| v.parse().ok());
        let (Some(offset), Some(count)) = (
            number("resultoffset", 0),
            number("resultrecordcount", MAX_RECORD_COUNT),
        ) else {
            return error("Invalid or missing input parameters.");
        };
        let count = count.min(MAX_RECORD_COUNT);
        let end = (offset + count).min(self.rows.len());
        let features: Vec<Value> = self.rows[offset.min(end)..end]
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let mut a = Map::new();
                a.insert("OBJECTID".into(), json!(offset + i + 1));
                for (h, v) in self.header.iter().zip(r) {
                    // Empty cells are nulls in a feature service answer.
                    let v = if v.is_empty() { Value::Null } else { json!(v) };
                    a.insert(field_name(h), v);
                }
                json!({ "attributes": a })
            })
            .collect();
        let fields: Vec<Value> = std::iter::once("OBJECTID".to_owned())
            .chain(self.header.iter().map(|h| field_name(h)))
            .map(|n| json!({ "name": n, "type": "esriFieldTypeString", "alias": n }))
            .collect();
        Reply::json(json!({
            "objectIdFieldName": "OBJECTID",
            "fields": fields,
            "exceededTransferLimit": end < self.rows.len(),
            "features": features,
        }))
    }
}

/// The directory of `dir` (the sample's synthetic `geography/nspl_uk.csv`) indexed as a served
/// snapshot holds it, for tests of the layers above the store.
pub fn directory(dir: &Path) -> lmi_core::postcode::PostcodeDirectory {
    let bytes = crate::require(dir, NSPL_FILE);
    let (header, rows) = crate::read_csv(&bytes);
    let at = |name: &str| header.iter().position(|h| h == name).expect(name);
    let [pcds, doterm, laua, lsoa, ttwa, cty, rgn] =
        ["pcds", "doterm", "laua", "lsoa21", "ttwa", "cty", "rgn"].map(at);
    let mut b = lmi_core::postcode::PostcodeDirectoryBuilder::with_capacity(rows.len());
    for r in &rows {
        let opt = |i: usize| Some(r[i].as_str());
        b.push(
            &r[pcds],
            &r[laua],
            opt(lsoa),
            opt(ttwa),
            opt(cty),
            opt(rgn),
            opt(doterm),
        )
        .expect("a directory row");
    }
    b.finish().expect("the directory")
}
