//! The raw cache: every fetched body stored content-addressed under `<data dir>/raw/<sha256>`,
//! and `raw/manifest.json` saying, per source, which bodies make its last good copy, where they
//! came from and the validators (ETag, Last-Modified) to send next time.
//!
//! The cache is written only after a source's bodies have parsed, so a bad download never
//! replaces a good copy. `resume` lists sources fetched and parsed since the last publish: a
//! refresh rerun after a failure elsewhere takes them from here without asking the publisher.

use crate::http::Validators;
pub use lmi_core::RawPart;
use lmi_core::Resolved;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use std::io::Write;
use std::path::{Path, PathBuf};

pub const MANIFEST: &str = "manifest.json";

/// The last good copy of one source.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CacheEntry {
    /// The source URL without paging parameters or keys.
    pub url: String,
    pub parts: Vec<RawPart>,
    /// sha256 over the parts' bytes in order (= the body's sha256 for a single part).
    pub sha256: String,
    pub bytes: u64,
    /// RFC 3339 time the bodies were downloaded.
    pub fetched_at: String,
    /// RFC 3339 time the publisher last confirmed them (a 304 or a download).
    pub checked_at: String,
    #[serde(default)]
    pub etag: Option<String>,
    #[serde(default)]
    pub last_modified: Option<String>,
    /// Validators per requested URL (a source of several Nomis queries has one per query).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub validators: BTreeMap<String, StoredValidators>,
    #[serde(default)]
    pub release: Option<String>,
    /// What discovery resolved the catalogue entry to when these bodies were fetched.
    #[serde(default)]
    pub resolved: Option<Resolved>,
    /// The publisher's release date discovery found (`YYYY-MM-DD`), if its listing gives one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    pub rows: usize,
    pub observations: usize,
}

/// ETag and Last-Modified of one URL, as stored.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct StoredValidators {
    #[serde(default)]
    pub etag: Option<String>,
    #[serde(default)]
    pub last_modified: Option<String>,
}

impl From<Validators> for StoredValidators {
    fn from(v: Validators) -> Self {
        StoredValidators {
            etag: v.etag,
            last_modified: v.last_modified,
        }
    }
}

impl CacheEntry {
    /// The validators to send for `url`: only when this copy was fetched from that URL (a new
    /// release or a moved file is asked for unconditionally).
    pub fn validators_for(&self, url: &str) -> Option<Validators> {
        if let Some(v) = self.validators.get(url) {
            return Some(Validators {
                etag: v.etag.clone(),
                last_modified: v.last_modified.clone(),
            });
        }
        // Entries written before per-URL validators: the source's own URL.
        (self.validators.is_empty() && self.url == url).then(|| Validators {
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct CacheManifest {
    pub sources: BTreeMap<String, CacheEntry>,
    /// Sources fetched and parsed since the last publish (see the module docs).
    #[serde(default)]
    pub resume: BTreeSet<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum CacheError {
    #[error("raw cache {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("raw cache {path}: damaged manifest: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("raw cache {path}: sha256 is {found}, the manifest says {expected}")]
    Digest {
        path: PathBuf,
        expected: String,
        found: String,
    },
}

type Result<T, E = CacheError> = std::result::Result<T, E>;

#[derive(Debug, Clone)]
pub struct RawCache {
    dir: PathBuf,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// sha256 over several bodies in order.
pub fn combined_sha256<'a>(parts: impl IntoIterator<Item = &'a [u8]>) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    hex::encode(h.finalize())
}

impl RawCache {
    /// The cache of a data directory (`<data_dir>/raw`).
    pub fn open(data_dir: &Path) -> RawCache {
        RawCache {
            dir: data_dir.join("raw"),
        }
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn path_of(&self, sha256: &str) -> PathBuf {
        self.dir.join(sha256)
    }

    fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CacheError + '_ {
        move |source| CacheError::Io {
            path: path.to_owned(),
            source,
        }
    }

    pub fn manifest(&self) -> Result<CacheManifest> {
        let path = self.dir.join(MANIFEST);
        match std::fs::read_to_string(&path) {
            Ok(text) => serde_json::from_str(&text).map_err(|e| CacheError::Manifest {
                path,
                message: e.to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(CacheManifest::default()),
            Err(e) => Err(Self::io(&path)(e)),
        }
    }

    /// Replaces the manifest atomically (write to a temporary file, sync, rename).
    pub fn save_manifest(&self, manifest: &CacheManifest) -> Result<()> {
        let text = serde_json::to_string_pretty(manifest).unwrap_or_default();
        self.write_atomic(&self.dir.join(MANIFEST), text.as_bytes())
    }

    /// Stores a body under its sha256 (a no-op when it is already there) and returns the digest.
    pub fn put(&self, bytes: &[u8]) -> Result<String> {
        let sha = sha256_hex(bytes);
        let path = self.path_of(&sha);
        if !path.is_file() {
            self.write_atomic(&path, bytes)?;
        }
        Ok(sha)
    }

    /// Reads a body back, checking its digest.
    pub fn get(&self, sha256: &str) -> Result<Vec<u8>> {
        let path = self.path_of(sha256);
        let bytes = std::fs::read(&path).map_err(Self::io(&path))?;
        let found = sha256_hex(&bytes);
        if found != sha256 {
            return Err(CacheError::Digest {
                path,
                expected: sha256.to_owned(),
                found,
            });
        }
        Ok(bytes)
    }

    /// Writes through a synced temporary file in the cache directory, renamed into place: a
    /// reader (or a kill) never sees half a body or half a manifest.
    fn write_atomic(&self, path: &Path, bytes: &[u8]) -> Result<()> {
        std::fs::create_dir_all(&self.dir).map_err(Self::io(&self.dir))?;
        let mut tmp = tempfile::NamedTempFile::new_in(&self.dir).map_err(Self::io(&self.dir))?;
        tmp.write_all(bytes).map_err(Self::io(tmp.path()))?;
        tmp.as_file().sync_all().map_err(Self::io(tmp.path()))?;
        tmp.persist(path).map_err(|e| CacheError::Io {
            path: path.to_owned(),
            source: e.error,
        })?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_stored_by_digest_and_a_damaged_one_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let cache = RawCache::open(dir.path());
        let sha = cache.put(b"a,b\n1,2\n").unwrap();
        assert_eq!(sha, sha256_hex(b"a,b\n1,2\n"));
        assert!(dir.path().join("raw").join(&sha).is_file());
        assert_eq!(cache.get(&sha).unwrap(), b"a,b\n1,2\n");
        std::fs::write(cache.path_of(&sha), b"tampered").unwrap();
        let err = cache.get(&sha).unwrap_err().to_string();
        assert!(err.contains("the manifest says"), "{err}");
    }

    #[test]
    fn the_manifest_round_trips_and_starts_empty() {
        let dir = tempfile::tempdir().unwrap();
        let cache = RawCache::open(dir.path());
        assert_eq!(cache.manifest().unwrap(), CacheManifest::default());
        let mut m = CacheManifest::default();
        m.resume.insert("s".into());
        cache.save_manifest(&m).unwrap();
        assert_eq!(cache.manifest().unwrap(), m);
    }
}
