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

mod demand;
mod manifest;
mod values;

pub use lmi_core::demand::Demand;
pub use manifest::{FileEntry, IndicatorSummary, MANIFEST_FORMAT, Manifest};

use lmi_core::schema::Table;
use lmi_core::{IndicatorValue, SampleMarker, SourceProvenance};
use polars::prelude::*;
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

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
    }
}
const CURRENT: &str = "current";
const SNAPSHOTS: &str = "snapshots";
const STAGING_PREFIX: &str = ".staging-";
const LOCK_FILE: &str = "refresh.lock";

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("no snapshot has been published in {0} (run `lmi refresh`)")]
    NoSnapshot(PathBuf),
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
    BadPointer { path: PathBuf, found: String },
    #[error("a refresh is already running in {dir} ({holder})")]
    Busy { dir: PathBuf, holder: String },
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
#[derive(Debug, Clone)]
pub struct SnapshotInput {
    pub sources: Vec<SourceProvenance>,
    pub sample: Option<SampleMarker>,
    pub warnings: Vec<String>,
}

/// A loaded snapshot: its manifest and every indicator value.
#[derive(Debug, Clone)]
pub struct Snapshot {
    pub manifest: Manifest,
    pub values: Vec<IndicatorValue>,
}

/// A data directory holding snapshots.
#[derive(Debug, Clone)]
pub struct Store {
    root: PathBuf,
}

impl Store {
    pub fn open(root: impl Into<PathBuf>) -> Store {
        Store { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
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
        let path = self.root.join(CURRENT);
        let text = match fs::read_to_string(&path) {
            Ok(s) => s,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io(&path)(e)),
        };
        let version = text.trim();
        if version.is_empty() {
            return Ok(None);
        }
        if !is_version(version) {
            return Err(StoreError::BadPointer {
                path,
                found: version.chars().take(80).collect(),
            });
        }
        Ok(Some(version.to_owned()))
    }

    /// Takes the data directory's refresh lock, or says who holds it. Held until the returned
    /// guard drops (or the process dies: the operating system releases it), so two refreshes
    /// never run at once.
    pub fn lock(&self) -> Result<RefreshLock> {
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
                    dir: self.root.clone(),
                    holder: if holder.is_empty() {
                        "holder unknown".to_owned()
                    } else {
                        holder.to_owned()
                    },
                });
            }
            Err(fs::TryLockError::Error(e)) => return Err(io(&path)(e)),
        }
        let since = time::OffsetDateTime::now_utc()
            .replace_nanosecond(0)
            .ok()
            .and_then(|t| {
                t.format(&time::format_description::well_known::Rfc3339)
                    .ok()
            })
            .unwrap_or_default();
        file.set_len(0).map_err(io(&path))?;
        write!(file, "pid {} since {since}", std::process::id()).map_err(io(&path))?;
        Ok(RefreshLock { file })
    }

    /// Removes snapshot directories left half-written by a refresh that was killed. Needs the
    /// refresh lock: no other refresh can be writing one.
    pub fn remove_stale_staging(&self, _lock: &RefreshLock) -> Result<Vec<String>> {
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
            let dir = self.snapshot_dir(version);
            fs::remove_dir_all(&dir).map_err(io(&dir))?;
            deleted.push(version.clone());
        }
        Ok(deleted)
    }

    /// Versions on disk, oldest first (staging directories excluded).
    pub fn list(&self) -> Result<Vec<String>> {
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
        let snapshots = self.snapshots_dir();
        fs::create_dir_all(&snapshots).map_err(io(&snapshots))?;
        let created = time::OffsetDateTime::now_utc();
        let version = self.new_version(created, &input)?;
        // Unique per process and moment: two publishers never share a staging directory.
        let staging = snapshots.join(format!(
            "{STAGING_PREFIX}{version}-{}-{}",
            std::process::id(),
            created.unix_timestamp_nanos()
        ));
        fs::create_dir(&staging).map_err(io(&staging))?;

        let mut files = vec![
            write_parquet(&staging, VALUES_FILE, values)?,
            write_parquet(&staging, OBSERVATIONS_FILE, observations)?,
        ];
        for (table, frame) in tables.iter_mut() {
            files.push(write_parquet(&staging, table_file(*table), frame)?);
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
        while self.snapshot_dir(&version).exists() {
            n += 1;
            version = format!("{base}.{n}");
        }
        Ok(version)
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
        let manifest = self.read_manifest(version)?;
        let dir = self.snapshot_dir(version);
        for file in &manifest.files {
            let path = dir.join(&file.name);
            let bytes = fs::read(&path).map_err(io(&path))?;
            let digest = hex::encode(Sha256::digest(&bytes));
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
        }
        Ok(manifest)
    }

    /// Loads one snapshot, verified.
    pub fn load(&self, version: &str) -> Result<Snapshot> {
        let manifest = self.verify(version)?;
        let path = self.snapshot_dir(version).join(VALUES_FILE);
        let file = File::open(&path).map_err(io(&path))?;
        let df = ParquetReader::new(file).finish()?;
        let values = values::from_frame(&df).map_err(|reason| StoreError::Corrupt {
            version: version.to_owned(),
            reason: format!("{VALUES_FILE}: {reason}"),
        })?;
        Ok(Snapshot { manifest, values })
    }

    /// The observations table of one snapshot, verified: what a refresh carries over for a
    /// source it could not update.
    pub fn load_observations(&self, version: &str) -> Result<DataFrame> {
        self.verify(version)?;
        let path = self.snapshot_dir(version).join(OBSERVATIONS_FILE);
        let file = File::open(&path).map_err(io(&path))?;
        Ok(ParquetReader::new(file).finish()?)
    }

    /// A further table of one snapshot, verified; `None` when the snapshot was published
    /// without it.
    pub fn load_table(&self, version: &str, table: Table) -> Result<Option<DataFrame>> {
        let manifest = self.verify(version)?;
        let name = table_file(table);
        if !manifest.files.iter().any(|f| f.name == name) {
            return Ok(None);
        }
        let path = self.snapshot_dir(version).join(name);
        let file = File::open(&path).map_err(io(&path))?;
        Ok(Some(ParquetReader::new(file).finish()?))
    }

    /// The demand tables of one snapshot (breakdowns, flows, flow summary, projections) as
    /// rows, verified; a table the snapshot was published without is empty (and not in
    /// `Demand::present`). A malformed table is `Corrupt`, naming the file and the column.
    pub fn load_demand(&self, version: &str) -> Result<Demand> {
        let manifest = self.verify(version)?;
        self.read_demand(&manifest)
    }

    /// [`Store::load`] and [`Store::load_demand`] with one verification: what a server loads.
    pub fn load_with_demand(&self, version: &str) -> Result<(Snapshot, Demand)> {
        let snapshot = self.load(version)?;
        let demand = self.read_demand(&snapshot.manifest)?;
        Ok((snapshot, demand))
    }

    /// The published snapshot with its demand tables.
    pub fn load_current_with_demand(&self) -> Result<(Snapshot, Demand)> {
        let version = self
            .current_version()?
            .ok_or_else(|| StoreError::NoSnapshot(self.root.clone()))?;
        self.load_with_demand(&version)
    }

    fn read_demand(&self, manifest: &Manifest) -> Result<Demand> {
        let version = manifest.version.as_str();
        let mut demand = Demand::default();
        for table in Table::ALL {
            let name = table_file(table);
            if !manifest.files.iter().any(|f| f.name == name) {
                continue;
            }
            let path = self.snapshot_dir(version).join(name);
            let file = File::open(&path).map_err(io(&path))?;
            let df = ParquetReader::new(file).finish()?;
            let corrupt = |reason: String| StoreError::Corrupt {
                version: version.to_owned(),
                reason: format!("{name}: {reason}"),
            };
            match table {
                Table::Breakdowns => {
                    demand.breakdowns = demand::breakdowns(&df).map_err(corrupt)?
                }
                Table::Flows => demand.flows = demand::flows(&df).map_err(corrupt)?,
                Table::FlowSummary => {
                    demand.flow_summary = demand::flow_summary(&df).map_err(corrupt)?;
                }
                Table::Projections => {
                    demand.projections = demand::projections(&df).map_err(corrupt)?;
                }
            }
            demand.present.push(table);
        }
        Ok(demand)
    }

    /// Loads the published snapshot.
    pub fn load_current(&self) -> Result<Snapshot> {
        let version = self
            .current_version()?
            .ok_or_else(|| StoreError::NoSnapshot(self.root.clone()))?;
        self.load(&version)
    }
}

/// Held while a refresh runs (see [`Store::lock`]). The lock file names its holder while held
/// and is emptied on release (a holder killed leaves its name, but no lock).
#[derive(Debug)]
pub struct RefreshLock {
    file: File,
}

impl Drop for RefreshLock {
    fn drop(&mut self) {
        let _ = self.file.set_len(0);
    }
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

fn write_parquet(dir: &Path, name: &str, df: &mut DataFrame) -> Result<FileEntry> {
    let path = dir.join(name);
    let file = File::create(&path).map_err(io(&path))?;
    ParquetWriter::new(file).finish(df)?;
    let bytes = fs::read(&path).map_err(io(&path))?;
    File::open(&path)
        .and_then(|f| f.sync_all())
        .map_err(io(&path))?;
    Ok(FileEntry {
        name: name.to_owned(),
        sha256: hex::encode(Sha256::digest(&bytes)),
        bytes: bytes.len() as u64,
        rows: df.height(),
    })
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
mod tests;
