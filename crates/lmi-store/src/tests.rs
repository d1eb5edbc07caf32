use super::*;
use lmi_core::{AreaType, Status};

pub(crate) fn values_frame(value: f64) -> DataFrame {
    DataFrame::new(
        1,
        vec![
            Column::new("indicator".into(), ["ks4_apprenticeship_rate"]),
            Column::new("area_code".into(), ["E07000117"]),
            Column::new("area_type".into(), ["lad"]),
            Column::new("period".into(), ["2022/23"]),
            Column::new("numerator".into(), [Some(value)]),
            Column::new("denominator".into(), [Some(100.0)]),
            Column::new("value".into(), [Some(value)]),
            Column::new("status".into(), ["ok"]),
            Column::new("approximate".into(), [false]),
            Column::new("coverage".into(), [None::<f64>]),
            Column::new("constituents".into(), [1u32]),
        ],
    )
    .unwrap()
}

pub(crate) fn observations_frame() -> DataFrame {
    DataFrame::new(
        1,
        vec![
            Column::new("source".into(), ["s"]),
            Column::new("area_code".into(), ["E07000117"]),
        ],
    )
    .unwrap()
}

pub(crate) fn input() -> SnapshotInput {
    SnapshotInput {
        sources: Vec::new(),
        sample: None,
        warnings: vec!["note".into()],
        inputs_sha256: None,
        geography: None,
        geography_note: None,
    }
}

#[test]
fn the_area_registry_is_stored_with_the_snapshot_verified_and_loaded_with_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    // Without a registry: none is loaded (the server's own answers).
    let first = store
        .publish(&mut values_frame(1.0), &mut observations_frame(), input())
        .unwrap();
    assert!(store.load_geography(&first.version).unwrap().is_none());
    assert_eq!(first.geography, None);
    // A registry in which Burnley was re-coded, as a refresh updates it from ONS's lookup.
    let mut rows: Vec<lmi_core::LadLookupRow> = lmi_core::Geography::bundled()
        .unwrap()
        .areas()
        .filter(|a| a.area_type == lmi_core::AreaType::Lad)
        .map(|a| lmi_core::LadLookupRow {
            lad_code: a.code.clone(),
            lad_name: a.name.clone(),
            lsip_code: None,
        })
        .collect();
    rows.iter_mut()
        .find(|r| r.lad_code == "E07000117")
        .unwrap()
        .lad_code = "E07000999".into();
    let applied =
        lmi_core::apply_lad_lookup(&lmi_core::GeographyFiles::bundled(), &rows, "t").unwrap();
    let with = SnapshotInput {
        geography: Some(applied.files.clone()),
        geography_note: Some("updated from t".into()),
        ..input()
    };
    let second = store
        .publish(&mut values_frame(2.0), &mut observations_frame(), with)
        .unwrap();
    assert_eq!(second.geography.as_deref(), Some("updated from t"));
    let names: Vec<&str> = second.files.iter().map(|f| f.name.as_str()).collect();
    for table in lmi_core::GEOGRAPHY_FILES {
        assert!(names.contains(&geography_file(table).as_str()), "{names:?}");
    }
    let (_, _, geography) = store.load_current_served().unwrap();
    let geography = geography.unwrap();
    assert_eq!(geography.area("E07000999").unwrap().name, "Burnley");
    assert_eq!(geography.current_lad("E07000117"), Some("E07000999"));
    assert!(std::ptr::eq(geography, applied.files.intern().unwrap()));
    // A damaged registry file refuses the snapshot, naming the file.
    let path = store
        .snapshot_dir(&second.version)
        .join(geography_file("lad_parents.csv"));
    std::fs::write(&path, "lad_code\nE07000999\n").unwrap();
    let err = store.load_served(&second.version).unwrap_err().to_string();
    assert!(err.contains("geography/lad_parents.csv"), "{err}");
}

#[test]
fn a_published_snapshot_loads_back_identically() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    assert!(matches!(
        store.load_current(),
        Err(StoreError::NoSnapshot(_))
    ));
    let manifest = store
        .publish(&mut values_frame(4.5), &mut observations_frame(), input())
        .unwrap();
    assert_eq!(
        store.current_version().unwrap(),
        Some(manifest.version.clone())
    );
    let snap = store.load_current().unwrap();
    assert_eq!(snap.manifest, manifest);
    assert_eq!(snap.manifest.indicators[0].periods, ["2022/23"]);
    let v = &snap.values[0];
    assert_eq!(v.area_type, AreaType::Lad);
    assert_eq!(v.status, Status::Ok);
    assert_eq!(v.value, Some(4.5));
    assert_eq!(v.coverage, None);
}

#[test]
fn a_second_publish_keeps_the_first_and_can_roll_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    let first = store
        .publish(&mut values_frame(1.0), &mut observations_frame(), input())
        .unwrap();
    let second = store
        .publish(&mut values_frame(2.0), &mut observations_frame(), input())
        .unwrap();
    assert_ne!(first.version, second.version);
    assert_eq!(
        store.list().unwrap(),
        [first.version.clone(), second.version.clone()]
    );
    assert_eq!(store.load_current().unwrap().values[0].value, Some(2.0));
    store.set_current(&first.version).unwrap();
    assert_eq!(store.load_current().unwrap().values[0].value, Some(1.0));
}

#[test]
fn a_leftover_staging_directory_is_never_listed_or_loaded() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    let good = store
        .publish(&mut values_frame(1.0), &mut observations_frame(), input())
        .unwrap();
    // What a kill in the middle of a publish leaves behind.
    let staging = dir
        .path()
        .join("snapshots/.staging-20990101T000000Z-deadbeef");
    fs::create_dir_all(&staging).unwrap();
    fs::write(staging.join(VALUES_FILE), b"half a parq").unwrap();
    assert_eq!(store.list().unwrap(), std::slice::from_ref(&good.version));
    assert_eq!(store.load_current().unwrap().manifest.version, good.version);
}

#[test]
fn a_damaged_file_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    let m = store
        .publish(&mut values_frame(1.0), &mut observations_frame(), input())
        .unwrap();
    let path = store.snapshot_dir(&m.version).join(VALUES_FILE);
    let mut bytes = fs::read(&path).unwrap();
    bytes.truncate(bytes.len() / 2);
    fs::write(&path, bytes).unwrap();
    let err = store.load_current().unwrap_err().to_string();
    assert!(
        err.contains("is damaged: values.parquet has sha256"),
        "{err}"
    );
    assert!(matches!(
        store.set_current("nope"),
        Err(StoreError::UnknownVersion(_))
    ));
}

#[test]
fn a_pointer_outside_the_data_directory_is_refused_not_followed() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    for bad in ["../elsewhere", "/etc", ".staging-x", "a/b", "v1\u{0}"] {
        fs::write(dir.path().join("current"), bad).unwrap();
        let err = store.current_version().unwrap_err();
        assert!(
            matches!(err, StoreError::BadPointer { .. }),
            "{bad:?}: {err}"
        );
        assert!(err.to_string().contains("not a snapshot version"), "{err}");
        assert!(matches!(
            store.load(bad),
            Err(StoreError::UnknownVersion(_))
        ));
    }
}

#[test]
fn one_refresh_at_a_time_and_the_second_is_told_who_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    let held = store.lock().unwrap();
    let err = store.lock().unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Busy { .. }), "{text}");
    assert!(
        text.contains(&format!("pid {} since ", std::process::id())),
        "{text}"
    );
    drop(held);
    store.lock().expect("free once the holder lets go");
}

#[test]
fn stale_staging_is_removed_and_pruning_keeps_the_newest_and_current() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    let mut versions = Vec::new();
    for v in 1..=4 {
        let m = store
            .publish(
                &mut values_frame(f64::from(v)),
                &mut observations_frame(),
                input(),
            )
            .unwrap();
        versions.push(m.version);
    }
    // A refresh killed mid-write left this behind.
    let staging = dir.path().join("snapshots/.staging-20260101T000000Z-x-1-2");
    fs::create_dir_all(&staging).unwrap();
    fs::write(staging.join("values.parquet"), b"half").unwrap();
    // The operator rolled back to the first snapshot.
    store.set_current(&versions[0]).unwrap();
    let lock = store.lock().unwrap();
    assert_eq!(
        store.remove_stale_staging(&lock).unwrap(),
        [".staging-20260101T000000Z-x-1-2"]
    );
    assert!(!staging.exists());
    let deleted = store.prune(2, &lock).unwrap();
    assert_eq!(deleted, [versions[1].clone()]);
    assert_eq!(
        store.list().unwrap(),
        [
            versions[0].clone(),
            versions[2].clone(),
            versions[3].clone()
        ]
    );
    assert_eq!(
        store.current_version().unwrap().as_deref(),
        Some(versions[0].as_str())
    );
    store.load_current().unwrap();
}

#[test]
fn further_tables_are_written_digested_and_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    let breakdowns = observations_frame();
    let manifest = store
        .publish_with_tables(
            &mut values_frame(1.0),
            &mut observations_frame(),
            &mut [(Table::Breakdowns, breakdowns.clone())],
            input(),
        )
        .unwrap();
    let entry = manifest
        .files
        .iter()
        .find(|f| f.name == table_file(Table::Breakdowns))
        .unwrap();
    assert_eq!((entry.rows, entry.sha256.len()), (1, 64));
    let back = store
        .load_table(&manifest.version, Table::Breakdowns)
        .unwrap()
        .unwrap();
    assert!(back.equals(&breakdowns));
    // A tampered further table fails verification like the core tables.
    let path = store
        .snapshot_dir(&manifest.version)
        .join(table_file(Table::Breakdowns));
    std::fs::write(&path, b"not parquet").unwrap();
    assert!(matches!(
        store.load_table(&manifest.version, Table::Breakdowns),
        Err(StoreError::Corrupt { .. })
    ));
    // A snapshot published without it has none.
    let manifest = store
        .publish(&mut values_frame(1.0), &mut observations_frame(), input())
        .unwrap();
    assert!(
        store
            .load_table(&manifest.version, Table::Breakdowns)
            .unwrap()
            .is_none()
    );
}

fn flow_summary_frame() -> DataFrame {
    use lmi_core::schema::flow_summary as fs;
    let f = |n: &str, v: f64| Column::new(n.into(), [Some(v)]);
    DataFrame::new(
        1,
        vec![
            Column::new(fs::AREA_CODE.into(), ["E07000117"]),
            Column::new(fs::AREA_TYPE.into(), ["lad"]),
            Column::new(fs::PERIOD.into(), ["2023/24"]),
            f(fs::RESIDENT_STARTS, 100.0),
            f(fs::SAME_AREA_STARTS, 40.0),
            f(fs::SAME_AREA_SHARE, 40.0),
            f(fs::OUTFLOW_STARTS, 60.0),
            f(fs::UNKNOWN_DELIVERY_STARTS, 5.0),
            f(fs::INFLOW_STARTS, 30.0),
            f(fs::NET_STARTS, -30.0),
            Column::new(fs::APPROXIMATE.into(), [false]),
            Column::new(fs::COVERAGE.into(), [None::<f64>]),
            Column::new(fs::PROVISIONAL.into(), [true]),
        ],
    )
    .unwrap()
}

#[test]
fn demand_tables_load_as_rows_and_a_malformed_one_names_file_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    let manifest = store
        .publish_with_tables(
            &mut values_frame(1.0),
            &mut observations_frame(),
            &mut [(Table::FlowSummary, flow_summary_frame())],
            input(),
        )
        .unwrap();
    let (snapshot, demand) = store.load_with_demand(&manifest.version).unwrap();
    assert_eq!(snapshot.manifest.version, manifest.version);
    assert_eq!(demand.present, vec![Table::FlowSummary]);
    assert!(demand.breakdowns.is_empty() && demand.flows.is_empty());
    let row = &demand.flow_summary[0];
    assert_eq!(
        (row.area_code.as_str(), row.net_starts, row.provisional),
        ("E07000117", Some(-30.0), true)
    );
    assert_eq!(row.area_type, lmi_core::AreaType::Lad);

    // The observations frame is no breakdowns table: refused, naming the file and a column.
    let manifest = store
        .publish_with_tables(
            &mut values_frame(1.0),
            &mut observations_frame(),
            &mut [(Table::Breakdowns, observations_frame())],
            input(),
        )
        .unwrap();
    let err = store.load_demand(&manifest.version).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{text}");
    assert!(
        text.contains("breakdowns.parquet") && text.contains("column `"),
        "{text}"
    );

    // A snapshot published before the tables existed has none: empty, never an error.
    let manifest = store
        .publish(&mut values_frame(1.0), &mut observations_frame(), input())
        .unwrap();
    assert_eq!(
        store.load_demand(&manifest.version).unwrap(),
        Demand::default()
    );
}

#[test]
fn the_difference_from_england_loads_back_and_older_snapshots_read_not_tested() {
    use lmi_core::{DifferenceTest, Verdict};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    // Written before the column existed.
    store
        .publish(&mut values_frame(1.0), &mut observations_frame(), input())
        .unwrap();
    let old = store.load_current().unwrap();
    assert_eq!(old.values[0].derived.vs_england, Verdict::NotTested);
    assert_eq!(
        old.values[0].derived.vs_england_method,
        DifferenceTest::None
    );
    // With it.
    let mut frame = values_frame(2.0);
    frame
        .with_column(Column::new(
            lmi_core::schema::values::VS_ENGLAND.into(),
            ["similar"],
        ))
        .unwrap();
    frame
        .with_column(Column::new(
            lmi_core::schema::values::VS_ENGLAND_METHOD.into(),
            ["intervals_overlap"],
        ))
        .unwrap();
    store
        .publish(&mut frame, &mut observations_frame(), input())
        .unwrap();
    let new = store.load_current().unwrap();
    assert_eq!(new.values[0].derived.vs_england, Verdict::Similar);
    assert_eq!(
        new.values[0].derived.vs_england_method,
        DifferenceTest::IntervalsOverlap
    );
    // A word that is not a verdict is refused, naming it.
    let mut bad = values_frame(3.0);
    bad.with_column(Column::new(
        lmi_core::schema::values::VS_ENGLAND.into(),
        ["above"],
    ))
    .unwrap();
    let manifest = store
        .publish(&mut bad, &mut observations_frame(), input())
        .unwrap();
    let err = store.load(&manifest.version).unwrap_err().to_string();
    assert!(err.contains("`above`"), "{err}");
}
