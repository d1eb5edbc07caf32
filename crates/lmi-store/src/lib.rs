//! Snapshots on disk: versioned parquet tables with a manifest, published atomically, listed,
//! rolled back and loaded. This crate stores and verifies; it computes nothing.
//!
//! Layout under a data directory:
//! ```text
//! current                       # the published version, one line; replaced by rename
//! snapshots/<version>/manifest.json
//! snapshots/<version>/values.parquet
//! snapshots/<version>/observations.parquet
//! snapshots/<version>/<table>.parquet  # further tables (breakdowns, flows, projections)
//! snapshots/.staging-<version>-<pid>-<nanos>/ # a snapshot being written; never read
//! refresh.lock                  # held (flock) by the refresh running now: "pid N since T"
//! ```
//! A snapshot directory appears under its final name only once every file in it is written
//! and synced, and `current` moves to it only after that, so a crash at any point leaves the
//! previous snapshot published and whole.
//!
//! The same layout can live on an object store instead ([`Store::open_url`], `remote`): there
//! the snapshot's objects are written first, its manifest next and the `current` pointer last,
//! and readers check every object against the manifest's digests before serving it.

mod remote;

mod demand;
mod manifest;
mod values;

pub use lmi_core::demand::Demand;
pub use manifest::{FileEntry, IndicatorSummary, MANIFEST_FORMAT, Manifest};

use lmi_core::schema::Table;
use lmi_core::{Geography, GeographyFiles, IndicatorValue, SampleMarker, SourceProvenance};
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const VALUES_FILE: &str = "values.parquet";
pub const OBSERVATIONS_FILE: &str = "observations.parquet";
pub const MANIFEST_FILE: &str = "manifest.json";

/// The file each further table is stored in.
pub fn table_file(table: Table) -> &'static str {
    match table {
        Table::Breakdowns => "breakdowns.parquet",
        Table::Flows => "flows.parquet",
        Table::FlowSummary => "flow_summary.parquet",
        Table::Projections => "projections.parquet",
        Table::Postcodes => "postcodes.parquet",
        Table::Boundaries => "boundaries.parquet",
    }
}
const CURRENT: &str = "current";
const SNAPSHOTS: &str = "snapshots";
const STAGING_PREFIX: &str = ".staging-";
const LOCK_FILE: &str = "refresh.lock";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no snapshot has been published in {0} (run `lmi refresh`)")]
    NoSnapshot(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("snapshot {version} is damaged: {reason}")]
    Corrupt { version: String, reason: String },
    #[error("snapshot {0} does not exist")]
    UnknownVersion(String),
    #[error(
        "{path} names `{found}`, which is not a snapshot version (letters, digits, `.`, `_`, `-`; \
         not starting with `.`): the pointer is damaged; point it at a snapshot with \
         `lmi snapshots rollback VERSION`"
    )]
    BadPointer { path: String, found: String },
    #[error("a refresh is already running in {dir} ({holder})")]
    Busy { dir: String, holder: String },
    /// An object store request failed (network, permissions, a bucket that does not exist).
    #[error("{location}: {reason}")]
    Object { location: String, reason: String },
    /// An object store URL or setting that cannot work.
    #[error("object store `{url}`: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("writing or reading parquet: {0}")]
    Polars(#[from] PolarsError),
}

type Result<T, E = StoreError> = std::result::Result<T, E>;

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> StoreError + '_ {
    move |source| StoreError::Io {
        path: path.to_owned(),
        source,
    }
}

/// What a snapshot is built from, besides its tables.
#[derive(Debug, Clone, Default)]
pub struct SnapshotInput {
    pub sources: Vec<SourceProvenance>,
    pub sample: Option<SampleMarker>,
    pub warnings: Vec<String>,
    /// See [`Manifest::inputs_sha256`].
    pub inputs_sha256: Option<String>,
    /// The area registry the snapshot was computed with, stored beside its tables (one file per
    /// table, `geography/…`) and loaded with it; `None` publishes without it (a server then
    /// uses the registry compiled into it).
    pub geography: Option<GeographyFiles>,
    /// Where that registry came from, for the manifest (e.g. the ONS lookup it was updated from).
    pub geography_note: Option<String>,
}

/// A loaded snapshot: its manifest and every indicator value.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub manifest: Manifest,
    pub values: Vec<IndicatorValue>,
}

/// The file a snapshot keeps one table of its area registry in.
pub fn geography_file(table: &str) -> String {
    format!("{GEOGRAPHY_DIR}/{table}")
}

const GEOGRAPHY_DIR: &str = "geography";

/// Where snapshots are kept: a data directory (the default), or a prefix on an object store.
#[derive(Debug, Clone)]
pub struct Store {
    /// The data directory; unused when `objects` is set.
    root: PathBuf,
    objects: Option<remote::Objects>,
}

impl std::fmt::Display for Store {
    /// The data directory, or the object store URL (without credentials or query).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.objects {
            Some(o) => f.write_str(o.location()),
            None => write!(f, "{}", self.root.display()),
        }
    }
}

impl Store {
    /// Snapshots in a data directory on local disk.
    pub fn open(root: impl Into<PathBuf>) -> Store {
        Store {
            root: root.into(),
            objects: None,
        }
    }

    /// Snapshots on the object store a URL names: `s3://bucket/prefix` (also S3-compatible
    /// stores, with an endpoint option), `gs://bucket/prefix`, `az://container/prefix`,
    /// `file:///dir` or `memory:///`. `options` are `object_store` builder keys
    /// (`aws_endpoint`, `aws_allow_http`, `aws_region`, …; unknown keys are ignored), e.g. the
    /// `AWS_*` environment variables lower-cased.
    pub fn open_url<K, V>(url: &str, options: impl IntoIterator<Item = (K, V)>) -> Result<Store>
    where
        K: AsRef<str>,
        V: Into<String>,
    {
        let bad = |reason: String| StoreError::BadUrl {
            url: url.to_owned(),
            reason,
        };
        let parsed = url::Url::parse(url).map_err(|e| bad(e.to_string()))?;
        let (store, prefix) =
            object_store::parse_url_opts(&parsed, options).map_err(|e| bad(e.to_string()))?;
        Store::with_object_store(Arc::from(store), prefix.as_ref(), redacted_url(&parsed))
    }

    /// Snapshots on `store` under `prefix`; `location` names it in messages.
    pub fn with_object_store(
        store: Arc<dyn object_store::ObjectStore>,
        prefix: &str,
        location: impl Into<String>,
    ) -> Result<Store> {
        Ok(Store {
            root: PathBuf::new(),
            objects: Some(remote::Objects::new(store, prefix, location.into())?),
        })
    }

    /// The data directory, for a store on local disk.
    pub fn dir(&self) -> Option<&Path> {
        self.objects.is_none().then_some(self.root.as_path())
    }

    fn snapshots_dir(&self) -> PathBuf {
        self.root.join(SNAPSHOTS)
    }

    pub fn snapshot_dir(&self, version: &str) -> PathBuf {
        self.snapshots_dir().join(version)
    }

    /// The published version, if any. A pointer that does not name a version (a path, `..`,
    /// text that is not a version) is an error, never followed outside the data directory.
    pub fn current_version(&self) -> Result<Option<String>> {
        if let Some(objects) = &self.objects {
            return objects.current_version();
        }
        let path = self.root.join(CURRENT);
        let text = match fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path)(e)),
        };
        parse_pointer(&text, &path.display().to_string())
    }

    /// Takes the data directory's refresh lock, or says who holds it. Held until the returned
    /// guard drops (or the process dies: the operating system releases it), so two refreshes
    /// never run at once.
    ///
    /// On an object store the lock is an object created only if absent (a conditional write).
    /// A store that cannot do conditional writes gets no lock (a warning says so): run one
    /// publisher only there.
    pub fn lock(&self) -> Result<RefreshLock> {
        if let Some(objects) = &self.objects {
            let lock = objects.lock(format!(
                "pid {} on {} since {}",
                std::process::id(),
                host_name(),
                now_seconds()
            ))?;
            if lock.is_none() {
                tracing::warn!(store = %objects.location(), "this object store cannot do conditional writes, so no refresh lock is taken: run only one publisher");
            }
            return Ok(RefreshLock {
                held: Held::Object(lock),
            });
        }
        fs::create_dir_all(&self.root).map_err(io(&self.root))?;
        let path = self.root.join(LOCK_FILE);
        let mut file = fs::OpenOptions::new()
            .create(true)
            .truncate(false)
            .read(true)
            .write(true)
            .open(&path)
            .map_err(io(&path))?;
        match file.try_lock() {
            Ok(()) => {}
            Err(fs::TryLockError::WouldBlock) => {
                let holder = fs::read_to_string(&path).unwrap_or_default();
                let holder = holder.trim();
                return Err(StoreError::Busy {
                    dir: self.root.display().to_string(),
                    holder: if holder.is_empty() {
                        "holder unknown".to_owned()
                    } else {
                        holder.to_owned()
                    },
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(io(&path)(e)),
        }
        let since = now_seconds();
        file.set_len(0).map_err(io(&path))?;
        write!(file, "pid {} since {since}", std::process::id()).map_err(io(&path))?;
        Ok(RefreshLock {
            held: Held::File(file),
        })
    }

    /// Removes snapshot directories left half-written by a refresh that was killed. Needs the
    /// refresh lock: no other refresh can be writing one.
    /// On an object store: the objects of versions that never got their manifest.
    pub fn remove_stale_staging(&self, _lock: &RefreshLock) -> Result<Vec<String>> {
        if let Some(objects) = &self.objects {
            let unfinished = objects.unfinished()?;
            for version in &unfinished {
                objects.remove(version)?;
            }
            return Ok(unfinished);
        }
        let mut removed = Vec::new();
        for (name, path) in self.snapshot_entries()? {
            if name.starts_with(STAGING_PREFIX) {
                fs::remove_dir_all(&path).map_err(io(&path))?;
                removed.push(name);
            }
        }
        removed.sort();
        Ok(removed)
    }

    /// Every entry of `snapshots/` (name, path); none when there is no such directory yet.
    fn snapshot_entries(&self) -> Result<Vec<(String, PathBuf)>> {
        let dir = self.snapshots_dir();
        let entries = match fs::read_dir(&dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&dir)(e)),
        };
        entries
            .map(|entry| {
                let entry = entry.map_err(io(&dir))?;
                Ok((
                    entry.file_name().to_string_lossy().into_owned(),
                    entry.path(),
                ))
            })
            .collect()
    }

    /// Deletes all but the newest `keep` snapshots, never the one `current` points at (it is
    /// kept besides them). Returns the versions deleted, oldest first. Needs the refresh lock.
    pub fn prune(&self, keep: usize, _lock: &RefreshLock) -> Result<Vec<String>> {
        let current = self.current_version()?;
        let versions = self.list()?;
        let cut = versions.len().saturating_sub(keep);
        let mut deleted = Vec::new();
        for version in &versions[..cut] {
            if Some(version) == current.as_ref() {
                continue;
            }
            match &self.objects {
                Some(objects) => objects.remove(version)?,
                None => {
                    let dir = self.snapshot_dir(version);
                    fs::remove_dir_all(&dir).map_err(io(&dir))?;
                }
            }
            deleted.push(version.clone());
        }
        Ok(deleted)
    }

    /// Versions on disk, oldest first (staging directories excluded).
    pub fn list(&self) -> Result<Vec<String>> {
        if let Some(objects) = &self.objects {
            return objects.list();
        }
        let mut versions = Vec::new();
        for (name, path) in self.snapshot_entries()? {
            if !name.starts_with('.') && path.join(MANIFEST_FILE).is_file() {
                versions.push(name);
            }
        }
        versions.sort();
        Ok(versions)
    }

    /// Writes a new snapshot and makes it current. The previous snapshot stays published until
    /// the new one is complete on disk.
    pub fn publish(
        &self,
        values: &mut DataFrame,
        observations: &mut DataFrame,
        input: SnapshotInput,
    ) -> Result<Manifest> {
        self.publish_with_tables(values, observations, &mut [], input)
    }

    /// As [`Store::publish`], with further tables (breakdowns, …), each written as parquet to
    /// its [`table_file`] and listed with its sha256 in the manifest.
    pub fn publish_with_tables(
        &self,
        values: &mut DataFrame,
        observations: &mut DataFrame,
        tables: &mut [(Table, DataFrame)],
        input: SnapshotInput,
    ) -> Result<Manifest> {
        let created = time::OffsetDateTime::now_utc();
        if let Some(objects) = &self.objects {
            // Objects first, manifest next, pointer last: a reader following `current` never
            // sees a snapshot that is not whole.
            let version = self.new_version(created, &input)?;
            let mut files = encode_tables(values, observations, tables)?;
            files.extend(geography_entries(input.geography.as_ref()));
            let entries = files.iter().map(|(entry, _)| entry.clone()).collect();
            let manifest = Manifest::new(version.clone(), created, input, entries, values)?;
            objects.write_snapshot(&manifest, files)?;
            self.set_current(&version)?;
            return Ok(manifest);
        }
        let snapshots = self.snapshots_dir();
        fs::create_dir_all(&snapshots).map_err(io(&snapshots))?;
        let version = self.new_version(created, &input)?;
        // Unique per process and moment: two publishers never share a staging directory.
        let staging = snapshots.join(format!(
            "{STAGING_PREFIX}{version}-{}-{}",
            std::process::id(),
            created.unix_timestamp_nanos()
        ));
        fs::create_dir(&staging).map_err(io(&staging))?;

        let mut files = Vec::new();
        let mut encoded = encode_tables(values, observations, tables)?;
        encoded.extend(geography_entries(input.geography.as_ref()));
        if input.geography.is_some() {
            let dir = staging.join(GEOGRAPHY_DIR);
            fs::create_dir(&dir).map_err(io(&dir))?;
        }
        for (entry, bytes) in encoded {
            write_synced(&staging.join(&entry.name), &bytes)?;
            files.push(entry);
        }
        if input.geography.is_some() {
            sync_dir(&staging.join(GEOGRAPHY_DIR))?;
        }
        let manifest = Manifest::new(version.clone(), created, input, files, values)?;
        let manifest_path = staging.join(MANIFEST_FILE);
        write_synced(&manifest_path, manifest.to_json().as_bytes())?;
        sync_dir(&staging)?;

        let final_dir = snapshots.join(&version);
        fs::rename(&staging, &final_dir).map_err(io(&final_dir))?;
        sync_dir(&snapshots)?;
        self.set_current(&version)?;
        Ok(manifest)
    }

    /// Points `current` at an existing, verified snapshot (roll back or forward).
    pub fn set_current(&self, version: &str) -> Result<()> {
        self.verify(version)?;
        if let Some(objects) = &self.objects {
            return objects.set_pointer(version);
        }
        let tmp = self
            .root
            .join(format!("{CURRENT}.tmp-{}", std::process::id()));
        write_synced(&tmp, format!("{version}\n").as_bytes())?;
        let current = self.root.join(CURRENT);
        fs::rename(&tmp, &current).map_err(io(&current))?;
        sync_dir(&self.root)
    }

    fn new_version(&self, created: time::OffsetDateTime, input: &SnapshotInput) -> Result<String> {
        let stamp = created
            .format(time::macros::format_description!(
                "[year][month][day]T[hour][minute][second]Z"
            ))
            .map_err(|e| StoreError::Corrupt {
                version: String::new(),
                reason: e.to_string(),
            })?;
        let mut hasher = Sha256::new();
        for s in &input.sources {
            hasher.update(s.sha256.as_bytes());
        }
        let digest = hex::encode(hasher.finalize());
        let base = format!("{stamp}-{}", &digest[..8]);
        let mut version = base.clone();
        let mut n = 1;
        while self.version_exists(&version)? {
            n += 1;
            version = format!("{base}.{n}");
        }
        Ok(version)
    }

    fn version_exists(&self, version: &str) -> Result<bool> {
        match &self.objects {
            Some(objects) => objects.version_exists(version),
            None => Ok(self.snapshot_dir(version).exists()),
        }
    }

    fn read_manifest(&self, version: &str) -> Result<Manifest> {
        let dir = self.snapshot_dir(version);
        if !is_version(version) || !dir.is_dir() {
            return Err(StoreError::UnknownVersion(version.to_owned()));
        }
        let path = dir.join(MANIFEST_FILE);
        let text = fs::read_to_string(&path).map_err(io(&path))?;
        serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
            version: version.to_owned(),
            reason: format!("{MANIFEST_FILE}: {e}"),
        })
    }

    /// Checks every file of a snapshot against the digests in its manifest.
    pub fn verify(&self, version: &str) -> Result<Manifest> {
        Ok(self.verified(version)?.0)
    }

    /// A snapshot's manifest with its files, every one checked against its digest. From an
    /// object store the files are downloaded once, checked, and read from memory.
    fn verified(&self, version: &str) -> Result<(Manifest, Files)> {
        if let Some(objects) = &self.objects {
            let (manifest, files) = objects.fetch_verified(version)?;
            return Ok((manifest, Files::Fetched(files)));
        }
        let manifest = self.read_manifest(version)?;
        let dir = self.snapshot_dir(version);
        for file in &manifest.files {
            let path = dir.join(&file.name);
            let bytes = fs::read(&path).map_err(io(&path))?;
            check_digest(version, file, &bytes)?;
        }
        Ok((manifest, Files::Dir(dir)))
    }

    /// Loads one snapshot, verified.
    pub fn load(&self, version: &str) -> Result<Snapshot> {
        let (manifest, files) = self.verified(version)?;
        self.load_values(manifest, &files)
    }

    fn load_values(&self, manifest: Manifest, files: &Files) -> Result<Snapshot> {
        let df = files.frame(VALUES_FILE)?;
        let values = values::from_frame(&df).map_err(|reason| StoreError::Corrupt {
            version: manifest.version.clone(),
            reason: format!("{VALUES_FILE}: {reason}"),
        })?;
        Ok(Snapshot { manifest, values })
    }

    /// The observations table of one snapshot, verified: what a refresh carries over for a
    /// source it could not update.
    pub fn load_observations(&self, version: &str) -> Result<DataFrame> {
        let (_, files) = self.verified(version)?;
        files.frame(OBSERVATIONS_FILE)
    }

    /// A further table of one snapshot, verified; `None` when the snapshot was published
    /// without it.
    pub fn load_table(&self, version: &str, table: Table) -> Result<Option<DataFrame>> {
        let (manifest, files) = self.verified(version)?;
        let name = table_file(table);
        if !manifest.files.iter().any(|f| f.name == name) {
            return Ok(None);
        }
        Ok(Some(files.frame(name)?))
    }

    /// The demand tables of one snapshot (breakdowns, flows, flow summary, projections) as
    /// rows, verified; a table the snapshot was published without is empty (and not in
    /// `Demand::present`). A malformed table is `Corrupt`, naming the file and the column.
    pub fn load_demand(&self, version: &str) -> Result<Demand> {
        let (manifest, files) = self.verified(version)?;
        read_demand(&manifest, &files)
    }

    /// [`Store::load`] and [`Store::load_demand`] with one verification: what a server loads.
    pub fn load_with_demand(&self, version: &str) -> Result<(Snapshot, Demand)> {
        let (manifest, files) = self.verified(version)?;
        let demand = read_demand(&manifest, &files)?;
        let snapshot = self.load_values(manifest, &files)?;
        Ok((snapshot, demand))
    }

    /// The area registry a snapshot was computed with, verified and built (once per distinct
    /// registry in this process); `None` for a snapshot published without one.
    pub fn load_geography(&self, version: &str) -> Result<Option<&'static Geography>> {
        let (manifest, files) = self.verified(version)?;
        read_geography(&manifest, &files)
    }

    /// [`Store::load_with_demand`] and [`Store::load_geography`] with one verification: what a
    /// server loads.
    pub fn load_served(
        &self,
        version: &str,
    ) -> Result<(Snapshot, Demand, Option<&'static Geography>)> {
        let (manifest, files) = self.verified(version)?;
        let demand = read_demand(&manifest, &files)?;
        let geography = read_geography(&manifest, &files)?;
        let snapshot = self.load_values(manifest, &files)?;
        Ok((snapshot, demand, geography))
    }

    /// [`Store::load_served`] of the published snapshot.
    pub fn load_current_served(&self) -> Result<(Snapshot, Demand, Option<&'static Geography>)> {
        let version = self
            .current_version()?
            .ok_or_else(|| StoreError::NoSnapshot(self.to_string()))?;
        self.load_served(&version)
    }

    /// Loads the published snapshot.
    pub fn load_current(&self) -> Result<Snapshot> {
        let version = self
            .current_version()?
            .ok_or_else(|| StoreError::NoSnapshot(self.to_string()))?;
        self.load(&version)
    }

    /// The published snapshot with its demand tables.
    pub fn load_current_with_demand(&self) -> Result<(Snapshot, Demand)> {
        let version = self
            .current_version()?
            .ok_or_else(|| StoreError::NoSnapshot(self.to_string()))?;
        self.load_with_demand(&version)
    }
}

/// The registry tables of a snapshot as files (text, one per table).
fn geography_entries(geography: Option<&GeographyFiles>) -> Vec<(FileEntry, Vec<u8>)> {
    let Some(g) = geography else {
        return Vec::new();
    };
    g.files()
        .into_iter()
        .map(|(name, text)| {
            let bytes = text.as_bytes().to_vec();
            let entry = FileEntry {
                name: geography_file(name),
                sha256: hex::encode(Sha256::digest(&bytes)),
                bytes: bytes.len() as u64,
                rows: text.lines().count().saturating_sub(1),
            };
            (entry, bytes)
        })
        .collect()
}

/// The registry a snapshot stores, verified (the caller checked every digest) and built.
fn read_geography(manifest: &Manifest, files: &Files) -> Result<Option<&'static Geography>> {
    if !manifest
        .files
        .iter()
        .any(|f| f.name.starts_with(&format!("{GEOGRAPHY_DIR}/")))
    {
        return Ok(None);
    }
    let corrupt = |reason: String| StoreError::Corrupt {
        version: manifest.version.clone(),
        reason,
    };
    let mut missing = None;
    let tables = GeographyFiles::from_files(|name| {
        let text = files.text(&geography_file(name));
        if text.is_none() && missing.is_none() {
            missing = Some(geography_file(name));
        }
        text
    })
    .ok_or_else(|| corrupt(format!("{} is missing", missing.unwrap_or_default())))?;
    tables
        .intern()
        .map(Some)
        .map_err(|e| corrupt(format!("its area registry does not build: {e}")))
}

fn read_demand(manifest: &Manifest, files: &Files) -> Result<Demand> {
    let version = manifest.version.as_str();
    let mut demand = Demand::default();
    for table in Table::ALL {
        let name = table_file(table);
        if !manifest.files.iter().any(|f| f.name == name) {
            continue;
        }
        let df = files.frame(name)?;
        let corrupt = |reason: String| StoreError::Corrupt {
            version: version.to_owned(),
            reason: format!("{name}: {reason}"),
        };
        match table {
            Table::Breakdowns => demand.breakdowns = demand::breakdowns(&df).map_err(corrupt)?,
            Table::Flows => demand.flows = demand::flows(&df).map_err(corrupt)?,
            Table::FlowSummary => {
                demand.flow_summary = demand::flow_summary(&df).map_err(corrupt)?;
            }
            Table::Projections => {
                demand.projections = demand::projections(&df).map_err(corrupt)?;
            }
            Table::Postcodes => {
                demand.postcodes = Some(Arc::new(demand::postcodes(&df).map_err(corrupt)?));
            }
            Table::Boundaries => {
                demand.boundaries = demand::boundaries(&df).map_err(corrupt)?;
            }
        }
        demand.present.push(table);
    }
    Ok(demand)
}

/// Held while a refresh runs (see [`Store::lock`]). The lock file names its holder while held
/// and is emptied on release (a holder killed leaves its name, but no lock).
#[derive(Debug)]
pub struct RefreshLock {
    held: Held,
}

#[derive(Debug)]
enum Held {
    File(File),
    /// `None`: the object store cannot do conditional writes, so nothing is held.
    Object(#[allow(dead_code)] Option<remote::ObjectLock>),
}

impl Drop for RefreshLock {
    fn drop(&mut self) {
        // The object lock deletes itself when dropped.
        if let Held::File(file) = &self.held {
            let _ = file.set_len(0);
        }
    }
}

/// Where a verified snapshot's files are read from.
enum Files {
    Dir(PathBuf),
    Fetched(HashMap<String, bytes::Bytes>),
}

impl Files {
    /// A text file of the snapshot; `None` when absent or not UTF-8.
    fn text(&self, name: &str) -> Option<String> {
        match self {
            Files::Dir(dir) => fs::read_to_string(dir.join(name)).ok(),
            Files::Fetched(files) => files
                .get(name)
                .and_then(|b| String::from_utf8(b.to_vec()).ok()),
        }
    }

    fn frame(&self, name: &str) -> Result<DataFrame> {
        match self {
            Files::Dir(dir) => {
                let path = dir.join(name);
                let file = File::open(&path).map_err(io(&path))?;
                Ok(ParquetReader::new(file).finish()?)
            }
            Files::Fetched(files) => {
                let bytes = files.get(name).cloned().unwrap_or_default();
                Ok(ParquetReader::new(std::io::Cursor::new(bytes)).finish()?)
            }
        }
    }
}

/// The version a pointer's text names; `None` when it is empty.
fn parse_pointer(text: &str, path: &str) -> Result<Option<String>> {
    let version = text.trim();
    if version.is_empty() {
        return Ok(None);
    }
    if !is_version(version) {
        return Err(StoreError::BadPointer {
            path: path.to_owned(),
            found: version.chars().take(80).collect(),
        });
    }
    Ok(Some(version.to_owned()))
}

/// A file's bytes against its manifest entry.
fn check_digest(version: &str, file: &FileEntry, bytes: &[u8]) -> Result<()> {
    let digest = hex::encode(Sha256::digest(bytes));
    if digest != file.sha256 || bytes.len() as u64 != file.bytes {
        return Err(StoreError::Corrupt {
            version: version.to_owned(),
            reason: format!(
                "{} has sha256 {digest} ({} bytes), manifest says {} ({} bytes)",
                file.name,
                bytes.len(),
                file.sha256,
                file.bytes
            ),
        });
    }
    Ok(())
}

/// A URL for messages: scheme, host and path, without credentials or query.
fn redacted_url(url: &url::Url) -> String {
    format!(
        "{}://{}{}",
        url.scheme(),
        url.host_str().unwrap_or_default(),
        url.path()
    )
}

fn now_seconds() -> String {
    time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_default()
}

fn host_name() -> String {
    fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_owned())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "an unknown host".to_owned())
}

/// A snapshot version names one directory under `snapshots/`: letters, digits, `.`, `_`, `-`,
/// not starting with `.` (so never a path, `..` or a staging directory).
fn is_version(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 128
        && !s.starts_with('.')
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

/// Every table of a snapshot as parquet bytes, with its manifest entry.
fn encode_tables(
    values: &mut DataFrame,
    observations: &mut DataFrame,
    tables: &mut [(Table, DataFrame)],
) -> Result<Vec<(FileEntry, Vec<u8>)>> {
    let mut named: Vec<(&str, &mut DataFrame)> =
        vec![(VALUES_FILE, values), (OBSERVATIONS_FILE, observations)];
    named.extend(
        tables
            .iter_mut()
            .map(|(table, frame)| (table_file(*table), frame)),
    );
    // Each file compressed on its own thread (the observations, the largest, no longer wait
    // for the others); the results are kept in the order above.
    std::thread::scope(|scope| {
        let handles: Vec<_> = named
            .into_iter()
            .map(|(name, frame)| scope.spawn(move || encode_parquet(name, frame)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .collect()
    })
}

fn encode_parquet(name: &str, df: &mut DataFrame) -> Result<(FileEntry, Vec<u8>)> {
    let mut bytes = Vec::new();
    ParquetWriter::new(&mut bytes).finish(df)?;
    let entry = FileEntry {
        name: name.to_owned(),
        sha256: hex::encode(Sha256::digest(&bytes)),
        bytes: bytes.len() as u64,
        rows: df.height(),
    };
    Ok((entry, bytes))
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create(path).map_err(io(path))?;
    f.write_all(bytes).map_err(io(path))?;
    f.sync_all().map_err(io(path))
}

fn sync_dir(dir: &Path) -> Result<()> {
    // Directory fsync makes the rename durable; not every platform supports opening a directory.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(test)]
mod object_tests;
#[cfg(test)]
mod tests;
