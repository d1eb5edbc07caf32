//! The snapshot layout on object stores: the in-memory store, and the local-filesystem store
//! (whose directory is then also a data directory `Store::open` reads).

use super::tests::{input, observations_frame, values_frame};
use super::*;
use object_store::memory::InMemory;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};

fn in_memory() -> (Arc<InMemory>, Store) {
    let objects = Arc::new(InMemory::new());
    let store = Store::with_object_store(objects.clone(), "lmi/prod", "memory:///lmi/prod")
        .expect("a valid prefix");
    (objects, store)
}

fn publish(store: &Store, value: f64) -> Manifest {
    store
        .publish(&mut values_frame(value), &mut observations_frame(), input())
        .expect("publish")
}

/// Runs an object store call from a test (the store's own calls run on its runtime).
fn block<T>(fut: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime")
        .block_on(fut)
}

fn put(objects: &InMemory, path: &str, bytes: &'static [u8]) {
    block(objects.put(&ObjectPath::from(path), PutPayload::from_static(bytes))).expect("put");
}

fn keys(objects: &InMemory) -> Vec<String> {
    use futures_util::TryStreamExt;
    let mut keys: Vec<String> = block(objects.list(None).try_collect::<Vec<_>>())
        .expect("list")
        .into_iter()
        .map(|m| m.location.to_string())
        .collect();
    keys.sort();
    keys
}

#[test]
fn a_snapshot_published_to_an_object_store_loads_back_verified() {
    let (objects, store) = in_memory();
    assert!(matches!(
        store.load_current(),
        Err(StoreError::NoSnapshot(ref at)) if at == "memory:///lmi/prod"
    ));
    let manifest = store
        .publish_with_tables(
            &mut values_frame(4.5),
            &mut observations_frame(),
            &mut [(Table::Breakdowns, observations_frame())],
            input(),
        )
        .unwrap();
    let v = &manifest.version;
    assert_eq!(
        keys(&objects),
        [
            "lmi/prod/current".to_owned(),
            format!("lmi/prod/snapshots/{v}/breakdowns.parquet"),
            format!("lmi/prod/snapshots/{v}/manifest.json"),
            format!("lmi/prod/snapshots/{v}/observations.parquet"),
            format!("lmi/prod/snapshots/{v}/values.parquet"),
        ]
    );
    assert_eq!(store.current_version().unwrap().as_ref(), Some(v));
    assert_eq!(store.list().unwrap(), std::slice::from_ref(v));
    let snapshot = store.load_current().unwrap();
    assert_eq!(snapshot.manifest, manifest);
    assert_eq!(snapshot.values[0].value, Some(4.5));
    assert!(
        store
            .load_table(v, Table::Breakdowns)
            .unwrap()
            .unwrap()
            .equals(&observations_frame())
    );
    assert!(
        store
            .load_observations(v)
            .unwrap()
            .equals(&observations_frame())
    );

    // A second publish moves the pointer; the first can be rolled back to.
    let second = publish(&store, 7.0);
    assert_eq!(store.list().unwrap(), [v.clone(), second.version.clone()]);
    let (snapshot, demand) = store.load_current_with_demand().unwrap();
    assert_eq!(snapshot.values[0].value, Some(7.0));
    assert!(demand.present.is_empty());
    store.set_current(v).unwrap();
    assert_eq!(store.load_current().unwrap().values[0].value, Some(4.5));
}

#[test]
fn a_publish_torn_before_its_pointer_is_invisible_and_cleaned_up() {
    let (objects, store) = in_memory();
    let good = publish(&store, 1.0);
    // Killed after writing objects, before the manifest: not a snapshot at all.
    put(
        &objects,
        "lmi/prod/snapshots/20990101T000000Z-deadbeef/values.parquet",
        b"PAR1 half",
    );
    // Killed after the manifest, before the pointer: a whole snapshot nobody points at.
    let unpointed = {
        let later = publish(&store, 2.0);
        store.set_current(&good.version).unwrap();
        later
    };
    assert_eq!(store.current_version().unwrap(), Some(good.version.clone()));
    assert_eq!(store.load_current().unwrap().values[0].value, Some(1.0));
    assert_eq!(
        store.list().unwrap(),
        [good.version.clone(), unpointed.version.clone()]
    );

    let lock = store.lock().unwrap();
    assert_eq!(
        store.remove_stale_staging(&lock).unwrap(),
        ["20990101T000000Z-deadbeef"]
    );
    assert!(!keys(&objects).iter().any(|k| k.contains("deadbeef")));
    // Pruning keeps the newest and what `current` names, deleting manifests first.
    assert_eq!(
        store.prune(0, &lock).unwrap(),
        std::slice::from_ref(&unpointed.version)
    );
    assert_eq!(store.list().unwrap(), std::slice::from_ref(&good.version));
    assert!(
        !keys(&objects)
            .iter()
            .any(|k| k.contains(&unpointed.version))
    );
}

#[test]
fn a_pointer_to_a_snapshot_that_is_not_there_is_refused() {
    let (objects, store) = in_memory();
    // A pointer written before (or without) its snapshot: never served.
    put(&objects, "lmi/prod/current", b"20990101T000000Z-deadbeef\n");
    let err = store.load_current().unwrap_err();
    assert!(matches!(err, StoreError::UnknownVersion(_)), "{err}");
    put(&objects, "lmi/prod/current", b"../../elsewhere");
    let err = store.current_version().unwrap_err();
    assert!(
        err.to_string()
            .starts_with("memory:///lmi/prod/current names `../../elsewhere`"),
        "{err}"
    );
}

#[test]
fn a_corrupt_or_missing_object_is_refused_naming_it() {
    let (objects, store) = in_memory();
    let m = publish(&store, 1.0);
    let values = format!("lmi/prod/snapshots/{}/values.parquet", m.version);
    put(&objects, &values, b"PAR1 not what the manifest says");
    let err = store.load_current().unwrap_err();
    assert!(matches!(err, StoreError::Corrupt { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("is damaged: values.parquet has sha256"),
        "{err}"
    );
    // Nor can the pointer be moved to it.
    assert!(matches!(
        store.set_current(&m.version),
        Err(StoreError::Corrupt { .. })
    ));

    block(objects.delete(&ObjectPath::from(values.as_str()))).unwrap();
    let err = store.load_current().unwrap_err().to_string();
    assert!(
        err.contains("values.parquet is listed in the manifest but missing"),
        "{err}"
    );
}

#[test]
fn two_readers_swap_to_what_the_publisher_points_at() {
    let objects: Arc<dyn ObjectStore> = Arc::new(InMemory::new());
    let open = || Store::with_object_store(objects.clone(), "lmi", "memory:///lmi").unwrap();
    let (publisher, replica_a, replica_b) = (open(), open(), open());
    let first = publish(&publisher, 1.0);
    let served_a = replica_a.load_current().unwrap();
    let served_b = replica_b.load_current().unwrap();
    assert_eq!(served_a.manifest.version, first.version);
    assert_eq!(served_b.manifest.version, first.version);

    let second = publish(&publisher, 2.0);
    for replica in [&replica_a, &replica_b] {
        let wanted = replica.current_version().unwrap().unwrap();
        assert_eq!(wanted, second.version);
        let (snapshot, _) = replica.load_with_demand(&wanted).unwrap();
        assert_eq!(snapshot.values[0].value, Some(2.0));
    }
}

#[test]
fn one_publisher_at_a_time_on_an_object_store() {
    let (objects, store) = in_memory();
    let held = store.lock().unwrap();
    assert!(keys(&objects).contains(&"lmi/prod/refresh.lock".to_owned()));
    let err = store.lock().unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, StoreError::Busy { .. }), "{text}");
    assert!(
        text.contains(&format!("pid {} on ", std::process::id())),
        "{text}"
    );
    assert!(
        text.contains("delete memory:///lmi/prod/refresh.lock"),
        "{text}"
    );
    drop(held);
    assert!(!keys(&objects).contains(&"lmi/prod/refresh.lock".to_owned()));
    store.lock().expect("free once the holder lets go");
}

#[test]
fn the_local_filesystem_store_writes_the_data_directory_layout() {
    let dir = tempfile::tempdir().unwrap();
    let url = url::Url::from_directory_path(dir.path()).unwrap();
    let store = Store::open_url(url.as_str(), std::iter::empty::<(&str, &str)>()).unwrap();
    assert_eq!(store.dir(), None);
    assert_eq!(store.to_string(), url.as_str());
    let m = publish(&store, 3.0);
    // The same layout as a data directory: `lmi serve --data-dir` could read it.
    let local = Store::open(dir.path());
    assert_eq!(local.current_version().unwrap(), Some(m.version.clone()));
    assert_eq!(local.load_current().unwrap().values[0].value, Some(3.0));
    assert_eq!(store.load_current().unwrap().manifest, m);

    // Damage on disk is caught by the object store reader too.
    let path = local.snapshot_dir(&m.version).join(OBSERVATIONS_FILE);
    fs::write(&path, b"PAR1").unwrap();
    assert!(matches!(
        store.load_observations(&m.version),
        Err(StoreError::Corrupt { .. })
    ));
}

#[test]
fn a_url_that_names_no_object_store_is_refused() {
    for bad in ["not a url", "ftp://host/x", "s4://bucket/x"] {
        let err = Store::open_url(bad, std::iter::empty::<(&str, &str)>()).unwrap_err();
        assert!(matches!(err, StoreError::BadUrl { .. }), "{bad}: {err}");
    }
    let store = Store::open_url("memory:///", std::iter::empty::<(&str, &str)>()).unwrap();
    assert_eq!(store.current_version().unwrap(), None);
}
