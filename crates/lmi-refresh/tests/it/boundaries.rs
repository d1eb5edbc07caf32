//! Boundaries (maps) over the emulated publishers: a fetching refresh reads the three boundary
//! files from their repositories into the snapshot's `boundaries` table; a bad file fails its
//! source alone, naming the file and the feature, and the last good outlines are kept.

use crate::support::*;
use lmi_fetch::Outcome;

const LAD_SOURCE: &str = "ons_boundaries_lad";
const ELS_APP: &str = "explore-local-statistics-app";
const TOPO_PATH: &str = "src/lib/data/topo.json";

fn boundary_codes(data: &std::path::Path) -> Vec<(String, String)> {
    let store = lmi_store::Store::open(data);
    let version = store.load_current().unwrap().manifest.version;
    let demand = store.load_demand(&version).unwrap();
    assert!(demand.has(lmi_core::schema::Table::Boundaries));
    demand
        .boundaries
        .into_iter()
        .map(|b| (b.area_code, b.source))
        .collect()
}

#[test]
fn a_bad_boundary_file_fails_its_source_and_keeps_the_last_good_outlines() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let report = refresh(data.path(), &mock);
    for id in [LAD_SOURCE, "ons_boundaries_ttwa", "ons_boundaries_lsip"] {
        assert_eq!(outcome(&report, id), Outcome::Fetched, "{id}");
    }
    let codes = boundary_codes(data.path());
    let count = |source: &str| codes.iter().filter(|(_, s)| s == source).count();
    // Every English district of the registry, every TTWA it has, every LSIP area.
    assert_eq!(count(LAD_SOURCE), 296, "districts");
    assert_eq!(count("ons_boundaries_ttwa"), 155, "TTWAs");
    assert_eq!(count("ons_boundaries_lsip"), 38, "LSIP areas");
    assert!(codes.iter().any(|(c, _)| c == "E07000117"));

    // Burnley's arcs point past the topology's arcs.
    let good = mock.repo_file(ELS_APP, TOPO_PATH).unwrap();
    let mut topo: serde_json::Value = serde_json::from_slice(&good).unwrap();
    let burnley = topo["objects"]["ltla"]["geometries"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|g| g["properties"]["areacd"] == "E07000117")
        .unwrap();
    burnley["arcs"] = serde_json::json!([[999_999]]);
    mock.set_repo_file(ELS_APP, TOPO_PATH, Some(serde_json::to_vec(&topo).unwrap()));
    let report = refresh(data.path(), &mock);
    assert!(report.is_partial());
    assert_eq!(outcome(&report, LAD_SOURCE), Outcome::Failed);
    let reason = failed_reason(&report, LAD_SOURCE);
    for needle in [
        "topo.json",
        "(E07000117) of `ltla`",
        "arc indices below",
        "999999",
    ] {
        assert!(reason.contains(needle), "`{needle}` not in {reason}");
    }
    assert!(
        provenance(&current(data.path()), LAD_SOURCE)
            .stale
            .is_some()
    );
    // The outlines of the last good file are still served.
    let codes = boundary_codes(data.path());
    assert_eq!(codes.iter().filter(|(_, s)| s == LAD_SOURCE).count(), 296);
    mock.set_repo_file(ELS_APP, TOPO_PATH, Some(good));
}
