//! Paths and switches every crate's tests share: the workspace root, the real public data
//! (`LMI_REAL_DATA`), the thorough-test switch (`LMI_THOROUGH_TESTS`), and whether a
//! browser test may skip (`LMI_REQUIRE_BROWSER`).

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};

/// The environment variable that turns on the thorough versions of slow tests (every kill point
/// of the crash test, every fault of the fault table). `.ci/run` sets it; a plain
/// `cargo test --workspace` runs the quick versions, which exercise every kind of test.
pub const THOROUGH_ENV: &str = "LMI_THOROUGH_TESTS";

/// Whether the thorough versions of the slow tests run ([`THOROUGH_ENV`] is `1`).
pub fn thorough() -> bool {
    std::env::var(THOROUGH_ENV).is_ok_and(|v| v == "1")
}

/// How many of a slow test's cases to run: all of them when [`thorough`], else `quick`.
pub fn cases(all: usize, quick: usize) -> usize {
    if thorough() { all } else { quick.min(all) }
}

/// The root of this workspace (where `Cargo.toml`, `datasets/` and `dashboards/` are).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// `datasets/sample` of this repository: the synthetic sample with the real files' layout.
pub fn sample_dir() -> PathBuf {
    workspace_root().join("datasets/sample")
}

/// The real public data directory, or `None` (with a printed notice) when `LMI_REAL_DATA` is
/// unset, so the real-data tests skip on a user's fresh clone. A relative path is relative to
/// the workspace root, as in `.ci/run`; one that is not a directory fails the test.
pub fn real_data(test: &str) -> Option<PathBuf> {
    match std::env::var_os("LMI_REAL_DATA") {
        Some(dir) if !dir.is_empty() => {
            let dir = workspace_root().join(dir);
            assert!(
                dir.is_dir(),
                "LMI_REAL_DATA={} is not a directory",
                dir.display()
            );
            Some(dir)
        }
        _ => {
            eprintln!("SKIPPED {test}: set LMI_REAL_DATA to the shared data directory to run it");
            None
        }
    }
}

/// The Chromium a browser test drives (`found`: the lookup `lmi render pack` does, given
/// `LMI_CHROMIUM`), or `None` after a printed notice when there is none and the environment does
/// not require one (`LMI_REQUIRE_BROWSER=1`, set by `.ci/run`, makes a missing one a failure).
pub fn chromium_for(test: &str, found: Option<PathBuf>) -> Option<PathBuf> {
    match found {
        Some(p) => Some(p),
        None if std::env::var("LMI_REQUIRE_BROWSER").is_ok_and(|v| v == "1") => {
            panic!("{test}: LMI_REQUIRE_BROWSER=1 but no Chromium found (set LMI_CHROMIUM)")
        }
        None => {
            eprintln!(
                "NOTICE: skipping {test}: no Chromium on PATH (apt-get install chromium, or set \
                 LMI_CHROMIUM)"
            );
            None
        }
    }
}

/// Every file under `dir` (relative path → bytes): a byte-for-byte picture of a data directory;
/// empty when `dir` does not exist.
pub fn tree(dir: &Path) -> io::Result<BTreeMap<PathBuf, Vec<u8>>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        let entries = match std::fs::read_dir(&d) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            entries => entries?,
        };
        for entry in entries {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let relative = path.strip_prefix(dir).unwrap_or(&path).to_owned();
                out.insert(relative, std::fs::read(&path)?);
            }
        }
    }
    Ok(out)
}

/// `src` copied under `dst`, recursively (a data directory or sample to start a test from).
pub fn copy_dir(src: &Path, dst: &Path) -> io::Result<()> {
    for entry in std::fs::read_dir(src)? {
        let path = entry?.path();
        let Some(name) = path.file_name() else {
            continue;
        };
        let to = dst.join(name);
        if path.is_dir() {
            std::fs::create_dir_all(&to)?;
            copy_dir(&path, &to)?;
        } else {
            std::fs::copy(&path, &to)?;
        }
    }
    Ok(())
}
