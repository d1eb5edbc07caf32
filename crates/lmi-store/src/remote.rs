//! The snapshot layout on an object store (S3 and S3-compatible stores, GCS, Azure, a local
//! directory or memory through `object_store`), under a prefix:
//! ```text
//! <prefix>/snapshots/<version>/<table>.parquet   # written first, one object each
//! <prefix>/snapshots/<version>/manifest.json     # then the manifest (never overwritten)
//! <prefix>/current                               # then the pointer, last
//! <prefix>/refresh.lock                          # created (if absent) by the refresh running now
//! ```
//! Object stores have no rename of a directory, so a snapshot is "staged" by being unreferenced:
//! readers only follow `current`, a snapshot without its manifest is not listed, and every object
//! is checked against the manifest's digest before it is served.
//!
//! `object_store` is async; the store's callers are blocking (they already run polars on
//! blocking threads), so every call is run on one small runtime of this module's own and waited
//! for. That works from any thread, an async worker included (it blocks it, like file IO would).

use crate::{FileEntry, Manifest, Result, StoreError};
use bytes::Bytes;
use futures_util::TryStreamExt;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStore, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, OnceLock};

const LOCK_OBJECT: &str = "refresh.lock";

/// Snapshots on an object store, under a prefix.
#[derive(Clone)]
pub(crate) struct Objects {
    store: Arc<dyn ObjectStore>,
    prefix: ObjectPath,
    /// Where the snapshots are, for messages (a URL without credentials or query).
    location: String,
}

impl std::fmt::Debug for Objects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Objects")
            .field("location", &self.location)
            .finish_non_exhaustive()
    }
}

/// The runtime every object store call runs on: one worker thread, made on first use.
fn runtime() -> Result<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<std::io::Result<tokio::runtime::Runtime>> = OnceLock::new();
    RUNTIME
        .get_or_init(|| {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("lmi-object-store")
                .enable_all()
                .build()
        })
        .as_ref()
        .map_err(|e| StoreError::Object {
            location: "the object store runtime".into(),
            reason: e.to_string(),
        })
}

/// Runs `fut` on the object store runtime and waits for it.
fn block_on<T: Send + 'static>(fut: impl Future<Output = T> + Send + 'static) -> Result<T> {
    let (tx, rx) = std::sync::mpsc::sync_channel(1);
    runtime()?.spawn(async move {
        let _ = tx.send(fut.await);
    });
    rx.recv().map_err(|_| StoreError::Object {
        location: "the object store runtime".into(),
        reason: "the request task ended without an answer".into(),
    })
}

impl Objects {
    pub(crate) fn new(store: Arc<dyn ObjectStore>, prefix: &str, location: String) -> Result<Self> {
        let prefix = ObjectPath::parse(prefix).map_err(|e| StoreError::Object {
            location: location.clone(),
            reason: format!("the prefix `{prefix}` is not an object path: {e}"),
        })?;
        Ok(Objects {
            store,
            prefix,
            location,
        })
    }

    pub(crate) fn location(&self) -> &str {
        &self.location
    }

    fn path<'a>(&self, parts: impl IntoIterator<Item = &'a str>) -> ObjectPath {
        parts
            .into_iter()
            .fold(self.prefix.clone(), |p, part| p.join(part))
    }

    fn snapshot_path(&self, version: &str, name: &str) -> ObjectPath {
        self.path([crate::SNAPSHOTS, version, name])
    }

    fn error(&self, path: &ObjectPath, e: object_store::Error) -> StoreError {
        StoreError::Object {
            location: format!(
                "{}/{}",
                self.location.trim_end_matches('/'),
                self.relative(path)
            ),
            reason: e.to_string(),
        }
    }

    /// `path` relative to the prefix, for messages.
    fn relative(&self, path: &ObjectPath) -> String {
        match path.prefix_match(&self.prefix) {
            Some(parts) => parts
                .map(|p| p.as_ref().to_owned())
                .collect::<Vec<_>>()
                .join("/"),
            None => path.to_string(),
        }
    }

    /// The object's bytes, `None` when there is no such object.
    fn get(&self, path: &ObjectPath) -> Result<Option<Bytes>> {
        let (store, p) = (self.store.clone(), path.clone());
        let got = block_on(async move {
            match store.get(&p).await {
                Ok(r) => r.bytes().await,
                Err(e) => Err(e),
            }
        })?;
        match got {
            Ok(bytes) => Ok(Some(bytes)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.error(path, e)),
        }
    }

    /// Puts one object; the outer error is the runtime's, the inner one the store's.
    fn put(
        &self,
        path: &ObjectPath,
        bytes: Bytes,
        mode: PutMode,
    ) -> Result<Result<(), object_store::Error>> {
        let (store, p) = (self.store.clone(), path.clone());
        let opts = PutOptions {
            mode,
            ..PutOptions::default()
        };
        Ok(
            block_on(async move { store.put_opts(&p, PutPayload::from(bytes), opts).await })?
                .map(|_| ()),
        )
    }

    fn put_or_fail(&self, path: &ObjectPath, bytes: Bytes, mode: PutMode) -> Result<()> {
        self.put(path, bytes, mode)?
            .map_err(|e| self.error(path, e))
    }

    fn delete(&self, path: &ObjectPath) -> Result<()> {
        let (store, p) = (self.store.clone(), path.clone());
        match block_on(async move { store.delete(&p).await })? {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(self.error(path, e)),
        }
    }

    /// Every object under `snapshots/`, as (version, file name) pairs.
    fn snapshot_objects(&self) -> Result<Vec<(String, String)>> {
        let under = self.path([crate::SNAPSHOTS]);
        let (store, p) = (self.store.clone(), under.clone());
        let metas = block_on(async move { store.list(Some(&p)).try_collect::<Vec<_>>().await })?
            .map_err(|e| self.error(&under, e))?;
        Ok(metas
            .into_iter()
            .filter_map(|meta| {
                let mut parts = meta.location.prefix_match(&under)?;
                let version = parts.next()?.as_ref().to_owned();
                let name = parts.map(|p| p.as_ref().to_owned()).collect::<Vec<_>>();
                Some((version, name.join("/")))
            })
            .collect())
    }

    pub(crate) fn current_version(&self) -> Result<Option<String>> {
        let path = self.path([crate::CURRENT]);
        let Some(bytes) = self.get(&path)? else {
            return Ok(None);
        };
        crate::parse_pointer(
            &String::from_utf8_lossy(&bytes),
            &format!("{}/{}", self.location.trim_end_matches('/'), crate::CURRENT),
        )
    }

    /// Versions with a manifest, oldest first.
    pub(crate) fn list(&self) -> Result<Vec<String>> {
        let mut versions: Vec<String> = self
            .snapshot_objects()?
            .into_iter()
            .filter(|(version, name)| name == crate::MANIFEST_FILE && crate::is_version(version))
            .map(|(version, _)| version)
            .collect();
        versions.sort();
        versions.dedup();
        Ok(versions)
    }

    pub(crate) fn version_exists(&self, version: &str) -> Result<bool> {
        Ok(self.snapshot_objects()?.iter().any(|(v, _)| v == version))
    }

    /// Writes every file of a new snapshot, then its manifest (refusing to replace one: a
    /// version is written once). The pointer is the caller's, and last.
    pub(crate) fn write_snapshot(
        &self,
        manifest: &Manifest,
        files: Vec<(FileEntry, Vec<u8>)>,
    ) -> Result<()> {
        for (entry, bytes) in files {
            let path = self.snapshot_path(&manifest.version, &entry.name);
            self.put_or_fail(&path, Bytes::from(bytes), PutMode::Overwrite)?;
        }
        let path = self.snapshot_path(&manifest.version, crate::MANIFEST_FILE);
        let bytes = Bytes::from(manifest.to_json().into_bytes());
        match self.put(&path, bytes.clone(), PutMode::Create)? {
            Ok(()) => Ok(()),
            // A store without conditional writes: the refresh lock is what keeps versions apart.
            Err(
                object_store::Error::NotImplemented { .. }
                | object_store::Error::NotSupported { .. },
            ) => self.put_or_fail(&path, bytes, PutMode::Overwrite),
            Err(e) => Err(self.error(&path, e)),
        }
    }

    pub(crate) fn set_pointer(&self, version: &str) -> Result<()> {
        let path = self.path([crate::CURRENT]);
        self.put_or_fail(
            &path,
            Bytes::from(format!("{version}\n").into_bytes()),
            PutMode::Overwrite,
        )
    }

    pub(crate) fn read_manifest(&self, version: &str) -> Result<Manifest> {
        if !crate::is_version(version) {
            return Err(StoreError::UnknownVersion(version.to_owned()));
        }
        let path = self.snapshot_path(version, crate::MANIFEST_FILE);
        let bytes = self
            .get(&path)?
            .ok_or_else(|| StoreError::UnknownVersion(version.to_owned()))?;
        serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
            version: version.to_owned(),
            reason: format!("{}: {e}", crate::MANIFEST_FILE),
        })
    }

    /// Downloads every file of a snapshot and checks it against its manifest's digest.
    pub(crate) fn fetch_verified(
        &self,
        version: &str,
    ) -> Result<(Manifest, HashMap<String, Bytes>)> {
        let manifest = self.read_manifest(version)?;
        let mut files = HashMap::new();
        for file in &manifest.files {
            let path = self.snapshot_path(version, &file.name);
            let bytes = self.get(&path)?.ok_or_else(|| StoreError::Corrupt {
                version: version.to_owned(),
                reason: format!("{} is listed in the manifest but missing", file.name),
            })?;
            crate::check_digest(version, file, &bytes)?;
            files.insert(file.name.clone(), bytes);
        }
        Ok((manifest, files))
    }

    /// Deletes a snapshot, its manifest first so it is never listed half-deleted.
    pub(crate) fn remove(&self, version: &str) -> Result<()> {
        let mut names: Vec<String> = self
            .snapshot_objects()?
            .into_iter()
            .filter(|(v, _)| v == version)
            .map(|(_, name)| name)
            .collect();
        names.sort_by_key(|n| n != crate::MANIFEST_FILE);
        for name in names {
            self.delete(&self.snapshot_path(version, &name))?;
        }
        Ok(())
    }

    /// Versions with objects but no manifest: what publishers killed mid-write left.
    pub(crate) fn unfinished(&self) -> Result<Vec<String>> {
        let objects = self.snapshot_objects()?;
        let mut out: Vec<String> = objects
            .iter()
            .filter(|(v, _)| {
                !objects
                    .iter()
                    .any(|(w, name)| w == v && name == crate::MANIFEST_FILE)
            })
            .map(|(v, _)| v.clone())
            .collect();
        out.sort();
        out.dedup();
        Ok(out)
    }

    /// Creates the lock object unless it exists (a conditional put: atomic on S3, GCS, Azure
    /// and the local and in-memory stores). `Ok(None)` when the store cannot do conditional
    /// writes: there is then no lock, and the caller says so.
    pub(crate) fn lock(&self, holder: String) -> Result<Option<ObjectLock>> {
        let path = self.path([LOCK_OBJECT]);
        match self.put(&path, Bytes::from(holder.into_bytes()), PutMode::Create)? {
            Ok(()) => Ok(Some(ObjectLock {
                objects: self.clone(),
                path,
            })),
            Err(
                object_store::Error::AlreadyExists { .. }
                | object_store::Error::Precondition { .. },
            ) => {
                let holder = self
                    .get(&path)?
                    .map(|b| String::from_utf8_lossy(&b).trim().to_owned())
                    .unwrap_or_default();
                Err(StoreError::Busy {
                    dir: self.location.clone(),
                    holder: format!(
                        "{}; if that refresh is no longer running, delete {}/{LOCK_OBJECT}",
                        if holder.is_empty() {
                            "holder unknown"
                        } else {
                            holder.as_str()
                        },
                        self.location.trim_end_matches('/')
                    ),
                })
            }
            Err(
                object_store::Error::NotImplemented { .. }
                | object_store::Error::NotSupported { .. },
            ) => Ok(None),
            Err(e) => Err(self.error(&path, e)),
        }
    }
}

/// The lock object of a refresh on an object store; deleted when dropped. A refresh killed
/// while holding it leaves it behind: the next one is refused, told who held it and what to
/// delete (there is no lease: a lock that expired under a slow refresh would be no lock).
#[derive(Debug)]
pub(crate) struct ObjectLock {
    objects: Objects,
    path: ObjectPath,
}

impl Drop for ObjectLock {
    fn drop(&mut self) {
        if let Err(e) = self.objects.delete(&self.path) {
            tracing::warn!(error = %e, "could not release the refresh lock");
        }
    }
}
