//! A refresh over HTTP against the emulated publishers (lmi-testkit's `MockPublishers`: Nomis,
//! DfE Explore Education Statistics and ONS Explore Local Statistics with their real routes,
//! release listings with a latest flag, data set files paged at 40, GUID ids, the ELS
//! repository tree and metadata, conditional downloads). It serves the synthetic sample in
//! every plain `cargo test`, and the real files when `LMI_REAL_DATA` is set.
//!
//! The stories: a fresh data directory gets every indicator; a new release is picked up; a
//! long-format file gives the same rates as the wide one; a renamed data set or folder leaves
//! the others published and the failed source stale with its last good data; nothing is ever
//! invented.

use crate::support::*;
use lmi_core::Resolved;
use lmi_fetch::{NoProgress, Outcome};
use lmi_ingest::Catalogue;
use lmi_refresh::{Carried, LiveRefresh, refresh_live};
use lmi_store::Store;
use lmi_testkit::{FaultKind, MockPublishers, Target};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

#[test]
fn a_fresh_data_directory_gets_every_indicator_and_a_rerun_asks_conditionally() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let first = refresh(data.path(), &mock);
    assert!(!first.is_partial(), "{:?}", first.carried);
    assert!(first.published.is_some());
    assert!(
        first.sources.iter().all(|s| s.outcome == Outcome::Fetched),
        "{:?}",
        first.sources
    );

    // Every indicator of a fetchable source has values (sources read only by `refresh --from`
    // are `local_only` in the catalogue until their publisher routes are catalogued).
    let snapshot = current(data.path());
    let with_values: BTreeSet<&str> = snapshot
        .values
        .iter()
        .filter(|v| v.value.is_some())
        .map(|v| v.indicator.as_str())
        .collect();
    for def in lmi_core::INDICATORS
        .iter()
        .filter(|d| fetchable_indicator(d.id))
    {
        assert!(with_values.contains(def.id), "{} has no values", def.id);
    }
    for id in NOT_ON_THE_ROUTE {
        assert!(
            !with_values.contains(id),
            "{id} is on the route now: update NOT_ON_THE_ROUTE"
        );
    }
    // NCCIS NEET from EES's long "NEET by characteristics" (upper-tier authorities).
    assert!(
        snapshot
            .values
            .iter()
            .any(|v| v.indicator == "neet_16_17_rate"
                && v.area_code == "E10000017"
                && v.value.is_some()),
        "NEET for Lancashire"
    );
    match provenance(&snapshot, "dfe_nccis_neet_16_17")
        .resolved
        .as_ref()
    {
        Some(Resolved::Ees {
            release,
            data_set_title,
            ..
        }) => assert_eq!(
            (release.as_str(), data_set_title.as_str()),
            ("2025", "NEET by characteristics")
        ),
        other => panic!("{other:?}"),
    }

    // Provenance says what discovery found: the latest KS4 release, its long-format data set
    // (with the GUIDs EES gave it), the ELS series' path and blob; Nomis paged.
    let ks4 = provenance(&snapshot, "dfe_ks4_destinations_lad");
    let (release_id, file_id) = mock.release_ids(KS4, "2023-24");
    match ks4.resolved.as_ref().expect("resolved") {
        Resolved::Ees {
            publication,
            release,
            release_id: rid,
            latest_release,
            data_set_title,
            file_id: fid,
            ..
        } => {
            assert_eq!(publication, KS4);
            assert_eq!(release, "2023-24");
            assert!(*latest_release);
            assert_eq!(data_set_title, KS4_LONG_TITLE);
            assert_eq!((rid, fid), (&release_id, &file_id));
            assert!(is_guid(rid) && is_guid(fid), "{rid} {fid}");
        }
        other => panic!("{other:?}"),
    }
    assert!(
        ks4.url
            .as_deref()
            .unwrap()
            .ends_with(&format!("/api/releases/{release_id}/files/{file_id}"))
    );
    assert!(
        ks4.release.as_deref().unwrap().contains("2023/24"),
        "{ks4:?}"
    );
    match provenance(&snapshot, "ons_els_claimant_count")
        .resolved
        .as_ref()
    {
        Some(Resolved::Els { path, blob_sha, .. }) => {
            assert_eq!(path, "claimant-count/claimant-count.csv");
            assert!(blob_sha.is_some());
        }
        other => panic!("{other:?}"),
    }
    // The Skills Imperative workbooks: every file of the folder the pattern matches (the
    // emulated repository holds Lancashire's), each with its blob id; the area read from the
    // workbook; England's own file.
    match provenance(&snapshot, "skills_imperative_2035_lsip_areas")
        .resolved
        .as_ref()
    {
        Some(Resolved::GitHub {
            repository, files, ..
        }) => {
            assert_eq!(repository, "dfe-analytical-services/lsip_dashboard");
            let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
            assert_eq!(
                paths,
                ["Data/2-13_skillsImperative2035/LA_LSIP_MainTables.Main.xlsm"]
            );
            assert_eq!(files[0].blob_sha.len(), 40);
        }
        other => panic!("{other:?}"),
    }
    // Apprenticeship flows: DfE's parquet, by its path and blob id.
    match provenance(&snapshot, "dfe_apprenticeship_flows")
        .resolved
        .as_ref()
    {
        Some(Resolved::GitHub { files, .. }) => {
            assert_eq!(files.len(), 1);
            assert_eq!(files[0].path, "data/lad_map_data_0.parquet");
        }
        other => panic!("{other:?}"),
    }
    // Job adverts (Textkernel): the edition the ONS dataset page links, monthly volumes under
    // their own measure (London as one area).
    match provenance(&snapshot, "ons_job_adverts_textkernel")
        .resolved
        .as_ref()
    {
        Some(Resolved::OnsDataset { edition, uri, .. }) => {
            assert_eq!(edition, "january2017todecember2025");
            assert!(uri.ends_with("/january2017todecember2025/labourdemandbyoccupation.xlsx"));
        }
        other => panic!("{other:?}"),
    }
    let adverts = observations_of(
        data.path(),
        &snapshot.manifest.version,
        "ons_job_adverts_textkernel",
    );
    assert!(
        adverts
            .iter()
            .all(|r| r.contains("\"ons_textkernel_job_adverts\"")),
        "{}",
        adverts[0]
    );
    assert!(
        adverts
            .iter()
            .any(|r| r.contains("\"E12000007\"") && r.contains("\"2025-01\""))
    );
    let version = &snapshot.manifest.version;
    for (id, area) in [
        ("skills_imperative_2035_lsip_areas", "E69000019"),
        ("skills_imperative_2035_england", "E92000001"),
    ] {
        let rows = observations_of(data.path(), version, id);
        assert!(rows.len() > 300, "{id}: {}", rows.len());
        assert!(
            rows.iter().all(|r| r.contains(&format!("\"{area}\""))),
            "{id}: {}",
            rows[0]
        );
    }
    let log = mock.log();
    assert!(
        log.iter()
            .any(|l| l.path.ends_with("/api/data-set-files") && l.query.contains("page=2")),
        "the district file is on the second page of 40"
    );
    assert!(log.iter().all(|l| l.user_agent.starts_with("lmi/")));
    for s in &snapshot.manifest.sources {
        assert!(s.stale.is_none(), "{s:?}");
        for part in &s.raw_parts {
            let bytes = std::fs::read(data.path().join("raw").join(&part.sha256)).unwrap();
            assert_eq!(bytes.len() as u64, part.bytes);
        }
    }

    // Rerun: the listings again, every download conditional and answered 304 (ELS files are
    // not asked for: their blob ids are unchanged), nothing downloaded or published.
    let before = published_tree(data.path());
    mock.clear_log();
    let second = refresh(data.path(), &mock);
    assert!(second.unchanged && second.published.is_none());
    assert!(!second.is_partial());
    assert!(
        second
            .sources
            .iter()
            .all(|s| s.outcome == Outcome::NotModified),
        "{:?}",
        second.sources
    );
    let downloads: Vec<_> = mock
        .log()
        .into_iter()
        .filter(|l| l.path.contains("/files/") || l.path.contains(".data.csv"))
        .collect();
    assert!(!downloads.is_empty());
    assert!(
        downloads.iter().all(|l| l.conditional && l.status == 304),
        "{downloads:?}"
    );
    assert!(
        !mock
            .log()
            .iter()
            .any(|l| l.path.starts_with("/ons/") && l.path.ends_with(".csv")),
        "an unchanged ELS series is not downloaded"
    );
    assert!(
        !mock
            .log()
            .iter()
            .any(|l| l.path.starts_with("/ons/dfe-analytical-services/")),
        "an unchanged repository file is not downloaded"
    );
    assert_eq!(second.bytes_downloaded, 0);
    assert_eq!(published_tree(data.path()), before);
}

/// Values of the KS4 and 16-18 indicators for Lancashire's districts, the combined authority and
/// England.
fn destination_values(data: &Path) -> BTreeMap<String, String> {
    let geography = lmi_core::Geography::bundled().unwrap();
    let lancashire = geography.member_lads("E47000018");
    assert_eq!(lancashire.len(), 14);
    let areas: BTreeSet<&str> = lancashire
        .iter()
        .map(|a| a.code.as_str())
        .chain(["E47000018", "E92000001"])
        .collect();
    current(data)
        .values
        .iter()
        .filter(|v| v.indicator.starts_with("ks4_") || v.indicator.starts_with("post16_"))
        .filter(|v| areas.contains(v.area_code.as_str()))
        .map(|v| (key_of(v), shown(v)))
        .collect()
}

/// Against the emulated publishers serving `dir`: the 2022/23 (wide) release first, then the
/// 2023/24 (long, cohort-year labels) release appears and is picked up with the same rates.
fn a_new_release_is_picked_up_with_the_same_rates(dir: &Path) -> BTreeMap<String, String> {
    let mock = MockPublishers::start(dir, PAGE);
    for p in [KS4, POST16] {
        mock.hide_release(p, "2023-24");
        mock.set_latest(p, "2022-23");
    }
    let data = tempfile::tempdir().unwrap();
    let first = refresh(data.path(), &mock);
    assert!(!first.is_partial(), "{:?}", first.carried);
    let wide = destination_values(data.path());
    let snapshot = current(data.path());
    match provenance(&snapshot, "dfe_ks4_destinations_lad")
        .resolved
        .as_ref()
    {
        Some(Resolved::Ees { release, .. }) => assert_eq!(release, "2022-23"),
        other => panic!("{other:?}"),
    }

    for p in [KS4, POST16] {
        mock.show_release(p, "2023-24");
        mock.set_latest(p, "2023-24");
    }
    let second = refresh(data.path(), &mock);
    assert!(!second.is_partial(), "{:?}", second.carried);
    assert!(second.published.is_some());
    assert_eq!(
        outcome(&second, "dfe_ks4_destinations_lad"),
        Outcome::Fetched
    );
    assert_eq!(
        outcome(&second, "dfe_16_18_destinations_lad"),
        Outcome::Fetched
    );
    assert_eq!(
        outcome(&second, "census2021_ts067_lad"),
        Outcome::NotModified
    );
    let snapshot = current(data.path());
    match provenance(&snapshot, "dfe_ks4_destinations_lad")
        .resolved
        .as_ref()
    {
        Some(Resolved::Ees {
            release,
            data_set_title,
            ..
        }) => {
            assert_eq!(release, "2023-24");
            assert_eq!(data_set_title, KS4_LONG_TITLE);
        }
        other => panic!("{other:?}"),
    }
    // The long file labels each cohort one year earlier; served periods stay destination years,
    // so every rate is where it was.
    let long = destination_values(data.path());
    assert!(wide.len() > 100, "{}", wide.len());
    assert_eq!(wide, long);
    long
}

#[test]
fn a_new_release_in_the_long_format_is_picked_up_with_the_same_rates() {
    a_new_release_is_picked_up_with_the_same_rates(&lmi_testkit::sample_dir());
}

#[test]
fn the_long_format_reproduces_dfe_figures_for_lancashire() {
    let Some(real) =
        lmi_testkit::real_data("the_long_format_reproduces_dfe_figures_for_lancashire")
    else {
        return;
    };
    let values = a_new_release_is_picked_up_with_the_same_rates(&real);
    // DfE's own counts (wide 2022/23 file): Lancashire CA 851/16231, England 18488/572598,
    // Burnley 64/993 = 6.45%, all at destination year 2022/23.
    let rate = |area: &str, ty: &str| {
        values[&format!("ks4_apprenticeship_rate {area} {ty} 2022/23")].clone()
    };
    assert!(
        rate("E47000018", "CombinedAuthority")
            .starts_with("Some(\"851.000000000\") Some(\"16231.000000000\")"),
        "{}",
        rate("E47000018", "CombinedAuthority")
    );
    assert!(
        rate("E92000001", "Country")
            .starts_with("Some(\"18488.000000000\") Some(\"572598.000000000\")"),
        "{}",
        rate("E92000001", "Country")
    );
    let burnley = rate("E07000117", "Lad");
    assert!(
        burnley.starts_with("Some(\"64.000000000\") Some(\"993.000000000\") Some(\"6.445"),
        "{burnley}"
    );
}

#[test]
fn a_renamed_data_set_fails_clearly_and_the_source_goes_stale_while_the_rest_publish() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    refresh(data.path(), &mock);
    let before = current(data.path()).manifest.version;

    mock.rename_data_set(
        KS4,
        "2023-24",
        KS4_LONG_TITLE,
        "KS4 leavers: where they went",
    );
    // Something else changed too, so the snapshot has news besides the failure.
    mock.rename_els_folder("claimant-count", "claimant-count-rate");
    let report = refresh(data.path(), &mock);
    assert!(report.is_partial());
    let reason = failed_reason(&report, "dfe_ks4_destinations_lad");
    for needle in [
        "release `2023-24` of `key-stage-4-destination-measures` has no data set",
        "KS4 leavers: where they went",
        "covering `Local authority district`",
    ] {
        assert!(reason.contains(needle), "`{needle}` not in: {reason}");
    }
    assert!(
        report.carried.contains(&Carried::Stale {
            source_id: "dfe_ks4_destinations_lad".into(),
            snapshot: before.clone(),
            reason: reason.clone(),
        }),
        "{:?}",
        report.carried
    );
    let after = current(data.path());
    assert_ne!(after.manifest.version, before, "the others were published");
    // The stale source keeps its last good data, labelled; every other source is fresh.
    let ks4 = provenance(&after, "dfe_ks4_destinations_lad");
    let stale = ks4.stale.as_ref().expect("marked stale");
    assert_eq!(stale.carried_from, before);
    assert_eq!(stale.reason, reason);
    assert_eq!(
        observations_of(
            data.path(),
            &after.manifest.version,
            "dfe_ks4_destinations_lad"
        ),
        observations_of(data.path(), &before, "dfe_ks4_destinations_lad")
    );
    assert!(
        after
            .manifest
            .sources
            .iter()
            .filter(|s| s.source_id != "dfe_ks4_destinations_lad")
            .all(|s| s.stale.is_none())
    );
    assert!(
        after
            .manifest
            .warnings
            .iter()
            .any(|w| w.contains("dfe_ks4_destinations_lad is stale"))
    );
    // The ELS series was found in its renamed folder.
    match provenance(&after, "ons_els_claimant_count")
        .resolved
        .as_ref()
    {
        Some(Resolved::Els { path, .. }) => {
            assert_eq!(path, "claimant-count-rate/claimant-count-rate.csv")
        }
        other => panic!("{other:?}"),
    }
    assert!(
        values_by_key(data.path())
            .keys()
            .any(|k| k.starts_with("ks4_apprenticeship_rate E07000117 ")),
        "the stale source's values are still served"
    );

    // Failing again changes nothing: no new snapshot, the stale mark keeps its start.
    let tree = published_tree(data.path());
    let again = refresh(data.path(), &mock);
    assert!(again.is_partial());
    assert!(again.published.is_none(), "nothing new to publish");
    assert_eq!(published_tree(data.path()), tree);

    // The publisher fixes the title: the source is fresh again and the mark is gone.
    mock.rename_data_set(
        KS4,
        "2023-24",
        "KS4 leavers: where they went",
        KS4_LONG_TITLE,
    );
    let fixed = refresh(data.path(), &mock);
    assert!(!fixed.is_partial(), "{:?}", fixed.carried);
    assert!(
        fixed.published.is_some(),
        "published to clear the stale mark"
    );
    let now = current(data.path());
    assert!(provenance(&now, "dfe_ks4_destinations_lad").stale.is_none());
}

#[test]
fn a_source_that_never_succeeded_is_reported_not_invented() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    mock.rename_data_set(KS4, "2023-24", KS4_LONG_TITLE, "Renamed");
    let report = refresh(data.path(), &mock);
    assert!(report.is_partial());
    assert!(matches!(
        report.carried.as_slice(),
        [Carried::Missing { source_id, .. }] if source_id == "dfe_ks4_destinations_lad"
    ));
    let snapshot = current(data.path());
    assert!(
        snapshot
            .manifest
            .sources
            .iter()
            .all(|s| s.source_id != "dfe_ks4_destinations_lad"),
        "no provenance for data that does not exist"
    );
    assert!(
        !snapshot
            .values
            .iter()
            .any(|v| v.indicator.starts_with("ks4_"))
    );
    assert!(
        snapshot
            .values
            .iter()
            .any(|v| v.indicator.starts_with("post16_"))
    );
    assert!(
        snapshot
            .manifest
            .warnings
            .iter()
            .any(|w| w.contains("dfe_ks4_destinations_lad is missing"))
    );
}

#[test]
fn sample_data_is_never_carried_into_a_real_snapshot() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    // What `lmi serve` does on a fresh clone: a snapshot of the synthetic sample.
    from_files(
        &lmi_testkit::sample_dir(),
        data.path(),
        &catalogue_without_lsoa(),
    )
    .unwrap();
    let report = refresh_live(
        &LiveRefresh {
            only: vec!["census2021_ts067_lad".into()],
            ..options(data.path(), &mock)
        },
        &Store::open(data.path()),
        &NoProgress,
    )
    .unwrap();
    assert!(report.is_partial());
    let snapshot = current(data.path());
    assert!(snapshot.manifest.sample.is_none());
    assert_eq!(snapshot.manifest.sources.len(), 1);
    assert!(
        report
            .carried
            .iter()
            .all(|c| matches!(c, Carried::Missing { .. })),
        "{:?}",
        report.carried
    );
}

#[test]
fn only_after_a_bootstrap_from_files_fetches_one_source_and_keeps_the_rest() {
    let Some(real) = lmi_testkit::real_data("only_after_a_bootstrap_from_files") else {
        return;
    };
    let mock = MockPublishers::start(&real, PAGE);
    let data = tempfile::tempdir().unwrap();
    // The sources the real files have (not the Textkernel job adverts: no real copy yet; one
    // never published would be reported missing by a refresh that does not ask for it).
    let mut catalogue = catalogue_without_lsoa();
    catalogue.sources.retain(|s| {
        !s.optional
            || s.local_paths
                .iter()
                .any(|p| real.join(p).exists() || real.join(format!("{p}.gz")).exists())
    });
    from_files(&real, data.path(), &catalogue).unwrap();
    let from_files = values_by_key(data.path());
    let before = current(data.path()).manifest.version;
    let report = refresh_live(
        &LiveRefresh {
            only: vec!["census2021_ts067_lad".into()],
            catalogue: catalogue.clone(),
            ..options(data.path(), &mock)
        },
        &Store::open(data.path()),
        &NoProgress,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!report.is_partial(), "{:?}", report.carried);
    assert_eq!(outcome(&report, "census2021_ts067_lad"), Outcome::Fetched);
    assert_eq!(outcome(&report, "dfe_ks4_destinations_lad"), Outcome::Kept);
    assert_eq!(
        mock.log()
            .iter()
            .filter(|l| !l.path.starts_with("/nomis/"))
            .count(),
        0,
        "only Nomis was asked"
    );
    let snapshot = current(data.path());
    // Every source, the `local_only` ones (read only by `refresh --from`) kept as they were.
    assert_eq!(snapshot.manifest.sources.len(), catalogue.sources.len());
    for s in catalogue.sources.iter().filter(|s| s.local_only) {
        assert!(
            report.carried.iter().any(
                |c| matches!(c, lmi_refresh::Carried::Kept { source_id, .. } if *source_id == s.id)
            ),
            "{} kept: {:?}",
            s.id,
            report.carried
        );
        assert_eq!(
            observations_of(data.path(), &snapshot.manifest.version, &s.id),
            observations_of(data.path(), &before, &s.id),
            "{}",
            s.id
        );
    }
    assert!(provenance(&snapshot, "census2021_ts067_lad").url.is_some());
    let ks4 = provenance(&snapshot, "dfe_ks4_destinations_lad");
    assert!(
        ks4.stale.is_none() && ks4.url.is_none(),
        "kept as it was: {ks4:?}"
    );
    assert_eq!(
        observations_of(
            data.path(),
            &snapshot.manifest.version,
            "dfe_ks4_destinations_lad"
        ),
        observations_of(data.path(), &before, "dfe_ks4_destinations_lad")
    );
    // The census over the API is the census on disk: every value is the same.
    assert_eq!(values_by_key(data.path()), from_files);
}

#[test]
fn a_shrunk_release_is_set_aside_until_forced() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    refresh(data.path(), &mock);
    let _ = std::fs::remove_dir_all(data.path().join("raw"));
    mock.inject(Target::Nomis, FaultKind::KeepRows { keep: 300 }, u32::MAX);
    let report = refresh(data.path(), &mock);
    assert!(report.is_partial());
    let reason = failed_reason(&report, "census2021_ts067_lad");
    assert!(
        reason.contains("fewer than half") && reason.contains("--force"),
        "{reason}"
    );
    let _ = std::fs::remove_dir_all(data.path().join("raw"));
    let forced = refresh_live(
        &LiveRefresh {
            force: true,
            ..options(data.path(), &mock)
        },
        &Store::open(data.path()),
        &NoProgress,
    )
    .unwrap();
    assert!(!forced.is_partial(), "{:?}", forced.carried);
    assert!(forced.published.is_some());
}

#[test]
fn a_full_live_refresh_of_the_real_files_equals_refresh_from_them() {
    let Some(real) = lmi_testkit::real_data("a_full_live_refresh_of_the_real_files") else {
        return;
    };
    let mock = MockPublishers::start(&real, PAGE);
    let data = tempfile::tempdir().unwrap();
    let mut catalogue = Catalogue::bundled().unwrap();
    // The real files have TS066 for upper-tier authorities only: its district and LSOA routes
    // cannot be served from them (the sample-based tests fetch the district table).
    catalogue
        .sources
        .retain(|s| !NOT_IN_REAL_DATA.contains(&s.id.as_str()));
    let first = refresh_live(
        &LiveRefresh {
            catalogue: catalogue.clone(),
            ..options(data.path(), &mock)
        },
        &Store::open(data.path()),
        &NoProgress,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(!first.is_partial(), "{:?}", first.carried);
    let fetchable = catalogue.sources.iter().filter(|s| !s.local_only).count();
    assert_eq!(first.sources.len(), fetchable, "every fetchable source");
    let report = |id: &str| first.sources.iter().find(|s| s.source_id == id).unwrap();
    for (id, cells) in [
        ("census2021_ts067_lad", mock.nomis_cells()),
        ("census2021_ts067_lsoa", mock.nomis_lsoa_cells()),
    ] {
        assert_eq!(
            report(id).pages,
            cells.div_ceil(PAGE),
            "{id}: Nomis was paged"
        );
        assert_eq!(report(id).rows as u64, cells, "{id}");
    }
    // APS: both queries (NVQ4+ 290 and RQF4+ 1902), each paged on its own.
    let aps = report("nomis_aps_t19_qualifications");
    assert_eq!(
        aps.rows as u64,
        mock.aps_cells() + mock.aps_rqf4_cells(),
        "{aps:?}"
    );

    // The same numbers as reading the files from disk, for every value the files give (the
    // emulated publishers add what the files do not have: the RQF years of APS and the FE
    // participation measures). APS intervals differ by the API's 0.1-point rounding.
    let from_dir = tempfile::tempdir().unwrap();
    from_files(&real, from_dir.path(), &catalogue).unwrap();
    // A fetching refresh into an empty directory has no `local_only` source to keep.
    let (live, disk) = (values_by_key(data.path()), values_by_key(from_dir.path()));
    let mut compared = 0;
    let fetched = disk
        .iter()
        .filter(|(k, _)| fetchable_indicator(k.split(' ').next().unwrap_or_default()));
    for (key, shown_on_disk) in fetched {
        let Some(shown_live) = live.get(key) else {
            panic!("{key}: in the files, not in the live refresh");
        };
        assert_eq!(shown_live, shown_on_disk, "{key}");
        compared += 1;
    }
    assert!(compared > 10_000, "{compared}");
    // A series break marks APS's first RQF year.
    let snapshot = current(data.path());
    assert!(
        snapshot
            .values
            .iter()
            .any(|v| v.indicator == "aps_level4plus_share"
                && v.period == "2022"
                && v.status == lmi_core::Status::SeriesBreak)
    );
}

/// NCCIS NEET from EES's long "NEET by characteristics" (made by the emulator from DfE's wide
/// scorecard files) gives every year the scorecard files give, with the same values.
#[test]
fn nccis_neet_fetched_from_ees_equals_the_scorecard_files() {
    let Some(real) =
        lmi_testkit::real_data("nccis_neet_fetched_from_ees_equals_the_scorecard_files")
    else {
        return;
    };
    let mock = MockPublishers::start(&real, PAGE);
    let data = tempfile::tempdir().unwrap();
    let catalogue = catalogue_without_lsoa();
    from_files(&real, data.path(), &catalogue).unwrap();
    let neet = |values: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        values
            .iter()
            .filter(|(k, _)| {
                k.starts_with("neet_16_17_rate ") || k.starts_with("not_known_16_17_rate ")
            })
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let on_disk = neet(&values_by_key(data.path()));
    let report = refresh_live(
        &LiveRefresh {
            only: vec!["dfe_nccis_neet_16_17".into()],
            force: true,
            ..options(data.path(), &mock)
        },
        &Store::open(data.path()),
        &NoProgress,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(outcome(&report, "dfe_nccis_neet_16_17"), Outcome::Fetched);
    let snapshot = current(data.path());
    assert!(provenance(&snapshot, "dfe_nccis_neet_16_17").url.is_some());
    let live = neet(&values_by_key(data.path()));
    let years: BTreeSet<&str> = on_disk.keys().filter_map(|k| k.split(' ').nth(3)).collect();
    assert_eq!(years.len(), 4, "2021, 2022, 2023 and 2025: {years:?}");
    assert!(on_disk.len() > 1_000, "{}", on_disk.len());
    assert_eq!(live, on_disk);
}

/// A workbook gone from DfE's repository: discovery fails naming what was asked for and what
/// the folder holds; the source goes stale alone. Put back, it is not downloaded again.
#[test]
fn a_skills_imperative_workbook_gone_from_the_repository_fails_that_source_alone() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    refresh(data.path(), &mock);
    let path = "Data/2-13_skillsImperative2035/LA_LSIP_MainTables.Main.xlsm";
    let bytes = mock.repo_file("lsip_dashboard", path).unwrap();
    mock.set_repo_file("lsip_dashboard", path, None);
    let report = refresh(data.path(), &mock);
    assert!(report.is_partial());
    let failed: Vec<&str> = report
        .sources
        .iter()
        .filter(|s| s.outcome == Outcome::Failed)
        .map(|s| s.source_id.as_str())
        .collect();
    assert_eq!(failed, ["skills_imperative_2035_lsip_areas"]);
    let reason = failed_reason(&report, "skills_imperative_2035_lsip_areas");
    for needle in [
        "dfe-analytical-services/lsip_dashboard@main has no file at paths matching",
        "EN_MainTables.Main.xlsm",
        "/git/trees/main",
    ] {
        assert!(reason.contains(needle), "`{needle}` not in {reason}");
    }
    assert!(
        provenance(&current(data.path()), "skills_imperative_2035_lsip_areas")
            .stale
            .is_some()
    );

    mock.set_repo_file("lsip_dashboard", path, Some(bytes));
    mock.clear_log();
    let healed = refresh(data.path(), &mock);
    assert!(!healed.is_partial(), "{:?}", healed.carried);
    assert_eq!(
        outcome(&healed, "skills_imperative_2035_lsip_areas"),
        Outcome::NotModified
    );
    assert!(
        !mock
            .log()
            .iter()
            .any(|l| l.path.starts_with("/ons/dfe-analytical-services/")),
        "the cached copy has the same blob id"
    );
}

/// Apprenticeship flows from DfE's parquet (district names, one row per provider; the emulator
/// makes it from the summed CSV) give the same flows table as the CSV with codes.
#[test]
fn apprenticeship_flows_fetched_from_the_parquet_equal_the_csv() {
    let Some(real) = lmi_testkit::real_data("apprenticeship_flows_fetched_from_the_parquet") else {
        return;
    };
    let mock = MockPublishers::start(&real, PAGE);
    let data = tempfile::tempdir().unwrap();
    let catalogue = catalogue_without_lsoa();
    from_files(&real, data.path(), &catalogue).unwrap();
    let flows = |version: &str| -> Vec<String> {
        let df = Store::open(data.path())
            .load_table(version, lmi_core::schema::Table::Flows)
            .unwrap()
            .expect("flows table");
        sorted_rows(&df, &[])
    };
    let before = current(data.path()).manifest.version;
    let report = refresh_live(
        &LiveRefresh {
            only: vec!["dfe_apprenticeship_flows".into()],
            force: true,
            ..options(data.path(), &mock)
        },
        &Store::open(data.path()),
        &NoProgress,
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        outcome(&report, "dfe_apprenticeship_flows"),
        Outcome::Fetched
    );
    let after = current(data.path()).manifest.version;
    assert_ne!(before, after);
    let (csv, parquet) = (flows(&before), flows(&after));
    assert!(csv.len() > 10_000, "{}", csv.len());
    assert_eq!(csv, parquet);
}

/// ONS moves the job adverts workbook to a new edition every month: the page's new link is
/// followed and downloaded; the old edition's link is not asked for again.
#[test]
fn a_new_ons_edition_is_found_on_the_dataset_page() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    refresh(data.path(), &mock);
    mock.set_ons_edition("january2017tojanuary2026");
    mock.clear_log();
    let report = refresh(data.path(), &mock);
    assert!(!report.is_partial(), "{:?}", report.carried);
    assert_eq!(
        outcome(&report, "ons_job_adverts_textkernel"),
        Outcome::Fetched
    );
    let downloads: Vec<_> = mock
        .log()
        .into_iter()
        .filter(|l| l.path == "/onsweb/file")
        .collect();
    assert_eq!(downloads.len(), 1, "{downloads:?}");
    assert!(
        downloads[0].query.contains("january2017tojanuary2026") && !downloads[0].conditional,
        "{downloads:?}"
    );
    match provenance(&current(data.path()), "ons_job_adverts_textkernel")
        .resolved
        .as_ref()
    {
        Some(Resolved::OnsDataset { edition, .. }) => {
            assert_eq!(edition, "january2017tojanuary2026")
        }
        other => panic!("{other:?}"),
    }
}
