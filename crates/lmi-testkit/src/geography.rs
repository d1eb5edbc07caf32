//! The ONS Open Geography Portal's district -> LSIP lookup as its ArcGIS feature service answers
//! it (`/arcgis/{service}/FeatureServer/0/query?where=1=1&outFields=*&f=json`): the districts
//! and LSIPs of lmi's own area registry (`datasets/geography`, facts derived from ONS's
//! lookups), with the fields of the October 2025 lookup. [`Lookup::recode`] re-codes a district
//! as ONS did Barnsley and Sheffield in 2024.

use crate::Reply;
use lmi_core::{AreaType, Geography};
use serde_json::{Value, json};
use std::collections::HashMap;

/// The one service served.
pub const LAD_LSIP_SERVICE: &str = "LAD25_LSIP25_EN_LU";

pub(crate) struct Lookup {
    /// (district code, district name, LSIP code, LSIP name), in code order.
    rows: Vec<(String, String, String, String)>,
}

impl Lookup {
    pub(crate) fn load() -> Lookup {
        let geo = Geography::bundled().expect("the bundled geography parses");
        let rows = geo
            .areas()
            .filter(|a| a.area_type == AreaType::Lad)
            .map(|a| {
                let lsip = geo
                    .parents(&a.code)
                    .into_iter()
                    .find(|p| p.area_type == AreaType::Lsip);
                (
                    a.code.clone(),
                    a.name.clone(),
                    lsip.map(|l| l.code.clone()).unwrap_or_default(),
                    lsip.map(|l| l.name.clone()).unwrap_or_default(),
                )
            })
            .collect();
        Lookup { rows }
    }

    /// District `old` is published as `new` from now on.
    pub(crate) fn recode(&mut self, old: &str, new: &str) {
        for r in &mut self.rows {
            if r.0 == old {
                r.0 = new.to_owned();
            }
        }
    }

    pub(crate) fn respond(&self, path: &str, q: &HashMap<String, String>) -> Reply {
        let want = format!("/arcgis/{LAD_LSIP_SERVICE}/FeatureServer/0/query");
        if path != want {
            // ArcGIS answers an unknown service with 200 and an error object.
            return Reply::json(json!({
                "error": { "code": 400, "message": "Invalid URL", "details": ["Invalid URL"] }
            }));
        }
        if q.get("f").map(String::as_str) != Some("json") || q.get("where").is_none() {
            return Reply::json(json!({
                "error": { "code": 400, "message": "Invalid or missing input parameters.", "details": [] }
            }));
        }
        let fields: Vec<Value> = ["LAD25CD", "LAD25NM", "LSIP25CD", "LSIP25NM"]
            .iter()
            .map(|n| json!({ "name": n, "type": "esriFieldTypeString", "alias": n, "length": 256 }))
            .chain(std::iter::once(
                json!({ "name": "ObjectId", "type": "esriFieldTypeOID", "alias": "ObjectId" }),
            ))
            .collect();
        let features: Vec<Value> = self
            .rows
            .iter()
            .enumerate()
            .map(|(i, (cd, nm, lsip, lsip_nm))| {
                json!({ "attributes": {
                    "LAD25CD": cd, "LAD25NM": nm, "LSIP25CD": lsip, "LSIP25NM": lsip_nm,
                    "ObjectId": i + 1,
                }})
            })
            .collect();
        Reply::json(json!({
            "objectIdFieldName": "ObjectId",
            "uniqueIdField": { "name": "ObjectId", "isSystemMaintained": true },
            "globalIdFieldName": "",
            "fields": fields,
            "exceededTransferLimit": false,
            "features": features,
        }))
    }
}
