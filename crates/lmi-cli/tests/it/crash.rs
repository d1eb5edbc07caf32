//! Kill `lmi refresh` at random moments (SIGKILL: mid-read, mid-compute, mid-write,
//! mid-publish) and check after every kill that the published snapshot is whole and loads; then
//! that the next refresh succeeds (the lock died with its holder), leaves no half-written
//! staging directory behind and keeps only the retained snapshots.

use crate::support::lmi_command;
use lmi_testkit::sample_dir;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// Kill points: 100 under `LMI_THOROUGH_TESTS=1`, 6 by default. Either way they are spread
/// evenly (one at random in each slice) from the start to a little past a whole refresh, so the
/// quick run still kills one mid-read, mid-compute, mid-write and mid-publish.
fn kill_points() -> usize {
    lmi_testkit::cases(100, 6)
}

fn refresh(data: &Path) -> Command {
    let mut c = lmi_command(&[]);
    // --force: every run reads, computes and publishes the same files again (unforced, a rerun
    // over unchanged files publishes nothing and would leave nothing to kill but the hashing).
    c.args(["refresh", "--force", "--from"])
        .arg(sample_dir())
        .arg("--data-dir")
        .arg(data)
        .env("RUST_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    c
}

fn staging_dirs(data: &Path) -> Vec<String> {
    std::fs::read_dir(data.join("snapshots"))
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .filter(|n| n.starts_with('.'))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_refresh_killed_at_any_moment_never_loses_the_published_snapshot() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let started = Instant::now();
    assert!(refresh(data).status().unwrap().success(), "first refresh");
    let full = started.elapsed();
    let store = lmi_store::Store::open(data);
    let first = store.load_current().unwrap();
    let rows = first.values.len();

    let mut rng = fastrand::Rng::with_seed(20261128);
    let mut completed = 0;
    let mut staging_after_kills = 0;
    let kills = kill_points();
    for i in 0..kills {
        let mut child = refresh(data).spawn().unwrap();
        // Anywhere in the i-th of `kills` equal slices of [0, 1.2 x a whole refresh].
        let at = full.mul_f64((i as f64 + rng.f64()) / kills as f64 * 1.2);
        std::thread::sleep(at);
        let _ = child.kill();
        let status = child.wait().unwrap();
        if status.success() {
            completed += 1;
        }
        let served = store
            .load_current()
            .unwrap_or_else(|e| panic!("kill {i} at {at:?}: the published snapshot broke: {e}"));
        assert_eq!(served.values.len(), rows, "kill {i} at {at:?}");
        staging_after_kills += staging_dirs(data).len();
    }
    // The next refresh takes the lock its killed predecessors held, clears what they left.
    assert!(
        refresh(data).status().unwrap().success(),
        "refresh after the kills"
    );
    assert_eq!(
        staging_dirs(data),
        Vec::<String>::new(),
        "staging left after a clean refresh"
    );
    let kept = store.list().unwrap().len();
    println!(
        "kills: {kills}, snapshots lost: 0, refreshes that finished before their kill: \
         {completed}, staging directories left by kills (each cleared by the next refresh): \
         {staging_after_kills}, after the last refresh: 0, snapshots kept: {kept}"
    );
    assert!(kept <= 6, "retention keeps 5 plus current, found {kept}");
}

#[test]
fn a_second_refresh_is_refused_at_once_saying_who_holds_the_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let held = lmi_store::Store::open(data).lock().unwrap();
    let out = refresh(data).stderr(Stdio::piped()).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "{err}");
    assert!(
        err.contains("a refresh is already running")
            && err.contains(&format!("pid {} since", std::process::id())),
        "{err}"
    );
    drop(held);
    // Two at once: each either publishes or is refused; the directory ends whole.
    let a = refresh(data).spawn().unwrap();
    let b = refresh(data).spawn().unwrap();
    let codes: Vec<i32> = [a, b]
        .into_iter()
        .map(|mut c| c.wait().unwrap().code().unwrap())
        .collect();
    assert!(codes.iter().all(|c| *c == 0 || *c == 4), "{codes:?}");
    assert!(codes.contains(&0), "{codes:?}");
    lmi_store::Store::open(data).load_current().unwrap();
    assert!(staging_dirs(data).is_empty());
}
