//! The test snapshot (`lmi_testkit::fixture`: KS4 apprenticeship rates for a few Lancashire
//! areas, one source, a few demand rows) served as lmi-report serves it, and the bundled
//! geography indexed.

use lmi_core::demand::Demand;
use lmi_core::{Geography, Staleness};
use lmi_report::{GeoIndex, ServedSnapshot};
use lmi_store::{Manifest, Snapshot};

/// The test snapshot without demand tables (a snapshot published before they existed);
/// `sample` labels it synthetic.
pub fn snapshot(sample: bool) -> ServedSnapshot {
    served(manifest(sample, None), Demand::default())
}

/// The test snapshot with its demand tables.
pub fn with_demand() -> ServedSnapshot {
    served(manifest(false, None), lmi_testkit::fixture::demand())
}

/// The test snapshot with its KS4 source carried over by a failed refresh.
pub fn stale(staleness: Staleness) -> ServedSnapshot {
    served(manifest(false, Some(staleness)), Demand::default())
}

/// The test snapshot's manifest, for tests that add to it.
pub fn manifest(sample: bool, stale: Option<Staleness>) -> Manifest {
    serde_json::from_value(lmi_testkit::fixture::manifest(sample, stale)).unwrap()
}

/// The test snapshot's values under `manifest`, with `demand`, indexed.
pub fn served(manifest: Manifest, demand: Demand) -> ServedSnapshot {
    let values = lmi_testkit::fixture::values();
    ServedSnapshot::with_demand(Snapshot { manifest, values }, demand)
}

pub fn geo() -> &'static GeoIndex {
    GeoIndex::of(Geography::bundled().unwrap())
}

/// A body as the API serialises it.
pub fn json(body: impl serde::Serialize) -> serde_json::Value {
    serde_json::to_value(body).unwrap()
}
