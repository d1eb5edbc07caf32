//! Where the numbers come from: sources, the snapshot, staleness, sample labels and attribution.

use crate::fixture::{geo, json, manifest, served, snapshot, stale};
use lmi_core::demand::Demand;
use lmi_core::{SourceProvenance, Staleness};
use lmi_report::queries;

#[test]
fn sources_and_snapshot_give_provenance() {
    let snap = snapshot(false);
    let body = json(queries::sources(&snap));
    let s = &body["sources"][0];
    assert_eq!(s["source_id"], "dfe_ks4_destinations_lad");
    assert_eq!(s["sha256"], "ab".repeat(32));
    assert_eq!(s["licence"], "Open Government Licence v3.0");
    // File names only: the server's paths are not anyone's business.
    assert_eq!(s["file"], "ks4_destinations_lad.csv");
    assert_eq!(
        s["earlier_files"][0]["file"],
        "ks4_destinations_lad_2021.csv"
    );
    assert!(!body.to_string().contains("/srv/lmi"), "{body}");
    let from_source: Vec<&str> = lmi_core::INDICATORS
        .iter()
        .filter(|d| d.source == "dfe_ks4_destinations_lad")
        .map(|d| d.id)
        .collect();
    assert_eq!(s["indicators"], serde_json::json!(from_source));
    assert_eq!(s["latest_period"], "2022/23");
    let body = json(queries::snapshot_info(&snap));
    assert_eq!(body["version"], "20261123T000000Z-test");
    assert_eq!(body["values"], 9);
    assert_eq!(body["files"][0]["name"], "values.parquet");
}

#[test]
fn a_stale_source_is_marked_in_sources_and_on_every_value_it_feeds() {
    let snap = stale(Staleness {
        since: "2026-11-27T02:00:00Z".into(),
        last_failed_at: "2026-11-28T02:00:00Z".into(),
        reason: "DfE Explore Education Statistics: release `2023-24` of \
                 `key-stage-4-destination-measures` has no data set …"
            .into(),
        carried_from: "20261126T020000Z".into(),
    });
    let body = json(queries::sources(&snap));
    let s = &body["sources"][0];
    assert_eq!(s["stale"]["since"], "2026-11-27T02:00:00Z");
    assert_eq!(s["stale"]["carried_from"], "20261126T020000Z");
    assert!(s["stale"]["reason"].as_str().unwrap().contains("2023-24"));

    let series = |snap| {
        json(
            queries::area_series(
                snap,
                geo(),
                "E07000117",
                "ks4_apprenticeship_rate",
                None,
                None,
            )
            .unwrap(),
        )
    };
    let body = series(&snap);
    let points = body["series"].as_array().unwrap();
    assert!(!points.is_empty());
    assert!(points.iter().all(|p| p["stale"] == true), "{points:?}");
    let body = json(queries::profile(&snap, geo(), "E07000117").unwrap());
    let ks4 = body["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["indicator"]["id"] == "ks4_apprenticeship_rate")
        .unwrap();
    assert!(
        ks4["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "stale"),
        "{ks4}"
    );

    // A fresh source: nothing is stale.
    let body = series(&snapshot(false));
    assert!(
        body["series"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["stale"] == false)
    );
}

#[test]
fn sample_data_is_labelled_in_every_body() {
    let sample = snapshot(true);
    let bodies = [
        json(queries::areas(&sample, geo(), "x", None, 100)),
        json(queries::area_detail(&sample, geo(), "E07000117").unwrap()),
        json(queries::indicators(&sample)),
        json(queries::indicator_detail(&sample, "ks4_apprenticeship_rate").unwrap()),
        json(
            queries::area_series(
                &sample,
                geo(),
                "E07000117",
                "ks4_apprenticeship_rate",
                None,
                None,
            )
            .unwrap(),
        ),
    ];
    for body in bodies {
        assert_eq!(body["meta"]["sample"], true, "{body}");
        assert!(
            body["meta"]["notice"]
                .as_str()
                .unwrap()
                .contains("SYNTHETIC"),
            "{body}"
        );
        assert_eq!(body["meta"]["licence"], "Open Government Licence v3.0");
    }
    let body = json(queries::indicators(&snapshot(false)));
    assert_eq!(body["meta"]["sample"], false);
    assert!(body["meta"].get("notice").is_none());
}

/// A source of a census table as the catalogue describes it: its district and small-area
/// tables are two sources with one attribution.
fn census(source_id: &str, table: &str) -> SourceProvenance {
    SourceProvenance {
        source_id: source_id.into(),
        attribution: format!(
            "Office for National Statistics, Census 2021 {table} (via Nomis). Contains public \
             sector information licensed under the Open Government Licence v3.0."
        ),
        ..Default::default()
    }
}

#[test]
fn attribution_names_each_publisher_dataset_once() {
    let mut m = manifest(false, None);
    m.sources.extend([
        census("census2021_ts067_lad", "TS067"),
        census("census2021_ts067_lsoa", "TS067"),
        census("census2021_ts063_lad", "TS063"),
        census("census2021_ts063_lsoa", "TS063"),
    ]);
    let snap = served(m, Demand::default());
    let ks4 = snap.manifest.sources[0].attribution.clone();
    let line = |table: &str| census("", table).attribution;
    assert_eq!(
        snap.meta.attribution,
        [ks4, line("TS067"), line("TS063")],
        "one line per publisher dataset, in the manifest's order"
    );
    // Every body carries the same block.
    let body = json(queries::sources(&snap));
    assert_eq!(body["meta"]["attribution"].as_array().unwrap().len(), 3);
}

/// The KS4 source as a fetching refresh records it: annual, released on `released`.
fn fetched_ks4(released: &str) -> lmi_report::ServedSnapshot {
    let mut m = manifest(false, None);
    let ks4 = &mut m.sources[0];
    ks4.cycle = Some(lmi_core::Cycle::Annual);
    ks4.release_date = Some(released.into());
    ks4.fetched_at = Some("2026-12-01T02:00:00Z".into());
    served(m, Demand::default())
}

#[test]
fn sources_and_dashboard_panels_say_how_old_the_data_is_and_flag_an_overdue_release() {
    // Released last month: current; its next release is due a year and a quarter later.
    let today = lmi_core::freshness::today();
    let recent = (today - time::Duration::days(30)).to_string();
    let snap = fetched_ks4(&recent);
    let body = json(queries::sources(&snap));
    let f = &body["sources"][0]["freshness"];
    assert_eq!(f["status"], "current", "{f}");
    assert_eq!(f["cycle"], "annual");
    assert_eq!(f["release_date"], recent.as_str());
    assert_eq!(f["fetched_at"], "2026-12-01T02:00:00Z");
    assert!(f["next_release_due_by"].as_str().unwrap() > today.to_string().as_str());

    // Released over fifteen months ago: the publisher is late, in /v1/sources and on the
    // panels that draw on it.
    let old = (today - time::Duration::days(470)).to_string();
    let snap = fetched_ks4(&old);
    let body = json(queries::sources(&snap));
    assert_eq!(body["sources"][0]["freshness"]["status"], "overdue");
    let dashboards = lmi_report::Dashboards::bundled();
    let careers = dashboards.get("careers-adviser").unwrap();
    let burnley = lmi_core::Geography::bundled()
        .unwrap()
        .area("E07000117")
        .unwrap();
    let resolved = json(lmi_report::resolve_dashboard(
        careers,
        burnley,
        &snap,
        geo(),
    ));
    let panel = resolved["panels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "apprenticeships-after-gcses")
        .unwrap();
    assert_eq!(
        panel["freshness"][0]["source_id"],
        "dfe_ks4_destinations_lad"
    );
    assert_eq!(panel["freshness"][0]["status"], "overdue");
    let line = panel["data_date"].as_str().unwrap();
    assert!(
        line.starts_with(&format!(
            "Data for 2022/23: released {old}, fetched 2026-12-01; overdue"
        )),
        "{line}"
    );
    // Every panel has its line, also those whose sources the snapshot does not hold.
    for p in resolved["panels"].as_array().unwrap() {
        assert!(p["data_date"].as_str().unwrap().starts_with("Data"), "{p}");
    }
}

#[test]
fn every_value_says_how_old_its_data_is() {
    let old = (lmi_core::freshness::today() - time::Duration::days(470)).to_string();
    let snap = fetched_ks4(&old);
    let body = json(
        queries::area_series(
            &snap,
            geo(),
            "E07000117",
            "ks4_apprenticeship_rate",
            None,
            None,
        )
        .unwrap(),
    );
    assert_eq!(
        body["freshness"][0]["source_id"],
        "dfe_ks4_destinations_lad"
    );
    assert_eq!(body["freshness"][0]["status"], "overdue");
    assert_eq!(body["freshness"][0]["release_date"], old.as_str());
    let profile = json(queries::profile(&snap, geo(), "E07000117").unwrap());
    let ks4 = profile["indicators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["indicator"]["id"] == "ks4_apprenticeship_rate")
        .unwrap();
    assert_eq!(ks4["freshness"][0]["fetched_at"], "2026-12-01T02:00:00Z");
    assert!(ks4["latest"]["period"].is_string());
}
