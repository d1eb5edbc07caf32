//! The served snapshot: values indexed by (indicator, area) at load time.

use lmi_core::{Geography, IndicatorValue};
use lmi_store::{Manifest, Snapshot};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// Metadata every response carries: which snapshot answered, its licence, and whether the
/// numbers are synthetic sample data.
#[derive(Debug, Clone, Serialize)]
pub struct Meta {
    pub snapshot: String,
    pub created_at: String,
    pub sample: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notice: Option<String>,
    pub licence: &'static str,
    pub licence_url: &'static str,
    pub attribution: Vec<String>,
}

#[derive(Debug)]
pub struct ServedSnapshot {
    pub manifest: Manifest,
    pub meta: Meta,
    /// Series per (indicator, area), sorted by period.
    series: HashMap<(String, String), Vec<IndicatorValue>>,
}

impl ServedSnapshot {
    pub fn new(snapshot: Snapshot) -> ServedSnapshot {
        let mut series: HashMap<(String, String), Vec<IndicatorValue>> = HashMap::new();
        for v in snapshot.values {
            series
                .entry((v.indicator.clone(), v.area_code.clone()))
                .or_default()
                .push(v);
        }
        for s in series.values_mut() {
            s.sort_by(|a, b| a.period.cmp(&b.period));
        }
        let m = &snapshot.manifest;
        let meta = Meta {
            snapshot: m.version.clone(),
            created_at: m.created_at.clone(),
            sample: m.sample.is_some(),
            notice: m.sample.as_ref().map(|s| s.description.clone()),
            licence: lmi_core::OGL_LICENCE,
            licence_url: lmi_core::OGL_URL,
            attribution: m.sources.iter().map(|s| s.attribution.clone()).collect(),
        };
        ServedSnapshot {
            manifest: snapshot.manifest,
            meta,
            series,
        }
    }

    pub fn series(&self, indicator: &str, area: &str) -> &[IndicatorValue] {
        self.series
            .get(&(indicator.to_owned(), area.to_owned()))
            .map_or(&[], Vec::as_slice)
    }
}

#[derive(Debug, Clone)]
pub struct AppState {
    pub snapshot: Arc<ServedSnapshot>,
    pub geography: &'static Geography,
}

impl AppState {
    pub fn new(snapshot: Snapshot, geography: &'static Geography) -> AppState {
        AppState {
            snapshot: Arc::new(ServedSnapshot::new(snapshot)),
            geography,
        }
    }
}
