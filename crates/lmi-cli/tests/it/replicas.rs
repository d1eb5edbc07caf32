//! One publisher, two stateless replicas, snapshots on an object store: `lmi refresh --data-url`
//! publishes, two `lmi serve --data-url` processes on real ports poll `current` and swap to the
//! new snapshot; a pointer moved to a snapshot that is not there is refused and both keep
//! serving the old one.
//!
//! Runs on a local-filesystem object store (`file://`) always, and on a real S3-compatible
//! server when `LMI_S3_TEST_ENDPOINT` names one (`.ci/run` starts moto's server): the bucket
//! `LMI_S3_TEST_BUCKET` (default `lmi-ci`) must exist; credentials come from `AWS_*`.

use crate::support::lmi_command;
use lmi_testkit::sample_dir;
use object_store::path::Path as ObjectPath;
use object_store::{ObjectStoreExt, PutPayload};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a replica may take to start, or to pick up a new snapshot.
const PATIENCE: Duration = Duration::from_secs(90);
const WATCH_INTERVAL_MS: &str = "200";

/// Where the snapshots go, and what every `lmi` process is told to reach them.
struct Target {
    url: String,
    env: Vec<(String, String)>,
}

impl Target {
    fn lmi(&self, args: &[&str]) -> Command {
        let mut c = lmi_command(args);
        c.args(["--data-url", &self.url])
            .envs(self.env.iter().map(|(k, v)| (k, v)));
        c
    }

    /// `lmi refresh --force --from` the sample (a new version each time); returns the version.
    fn publish(&self, data_dir: &Path) -> String {
        let (sample, data_dir) = (sample_dir(), data_dir.to_str().unwrap().to_owned());
        let out = self
            .lmi(&[
                "refresh",
                "--force",
                "--from",
                sample.to_str().unwrap(),
                "--data-dir",
                &data_dir,
            ])
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "refresh failed: {stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let line = stdout
            .lines()
            .find(|l| l.starts_with("published snapshot "))
            .unwrap_or_else(|| panic!("no version in: {stdout}"));
        assert!(line.ends_with(&format!(" in {}", self.url)), "{line}");
        line.split_whitespace().nth(2).unwrap().to_owned()
    }

    /// Raw access to the store, as a rogue or half-finished publisher would write to it.
    fn raw(&self) -> (Box<dyn object_store::ObjectStore>, ObjectPath) {
        let endpoint = self
            .env
            .iter()
            .find(|(k, _)| k == "LMI_S3_ENDPOINT")
            .map(|(_, v)| url::Url::parse(v).unwrap());
        let options = lmi_cli::settings::object_store_options(
            std::env::vars().chain(self.env.iter().cloned()),
            endpoint.as_ref(),
        );
        object_store::parse_url_opts(&url::Url::parse(&self.url).unwrap(), options).unwrap()
    }
}

/// An `lmi serve` process; killed when dropped.
struct Replica {
    child: Child,
    base: String,
    stderr: PathBuf,
}

impl Drop for Replica {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Replica {
    fn start(target: &Target, scratch: &Path, name: &str) -> Replica {
        let stderr = scratch.join(format!("{name}.err"));
        let data_dir = scratch.join(name);
        let mut child = target
            .lmi(&[
                "serve",
                "--addr",
                "127.0.0.1:0",
                "--watch-interval-ms",
                WATCH_INTERVAL_MS,
                "--data-dir",
                data_dir.to_str().unwrap(),
            ])
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if let Some(rest) = line.strip_prefix("lmi listening on ") {
                    let _ = tx.send(rest.split_whitespace().next().unwrap_or("").to_owned());
                }
            }
        });
        let mut replica = Replica {
            child,
            base: String::new(),
            stderr,
        };
        replica.base = rx.recv_timeout(PATIENCE).unwrap_or_else(|_| {
            panic!(
                "replica {name} did not start: {}",
                std::fs::read_to_string(&replica.stderr).unwrap_or_default()
            )
        });
        replica
    }

    /// The version `/v1/snapshot` names (HTTP/1.1 over a plain socket: no client crate needed).
    fn version(&self) -> String {
        let addr = self.base.trim_start_matches("http://");
        let mut stream = std::net::TcpStream::connect(addr).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(30)))
            .unwrap();
        write!(
            stream,
            "GET /v1/snapshot HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
        )
        .unwrap();
        let mut response = String::new();
        stream.read_to_string(&mut response).unwrap();
        let (head, body) = response.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        let body: serde_json::Value = serde_json::from_str(body).unwrap();
        body["version"].as_str().unwrap().to_owned()
    }

    /// Waits (bounded) until the replica serves `version`; how long that took.
    fn until_serving(&self, version: &str) -> Duration {
        let started = Instant::now();
        while started.elapsed() < PATIENCE {
            if self.version() == version {
                return started.elapsed();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        panic!(
            "{} never swapped to {version}: {}",
            self.base,
            std::fs::read_to_string(&self.stderr).unwrap_or_default()
        );
    }
}

fn block<T>(fut: impl std::future::Future<Output = T>) -> T {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
        .block_on(fut)
}

fn two_replicas_swap_to_the_new_snapshot(target: &Target) {
    let scratch = tempfile::tempdir().unwrap();
    let first = target.publish(&scratch.path().join("publisher"));
    let replicas = [
        Replica::start(target, scratch.path(), "a"),
        Replica::start(target, scratch.path(), "b"),
    ];
    for r in &replicas {
        assert_eq!(r.version(), first, "{}", r.base);
    }

    // A publisher that moved the pointer before writing its snapshot (objects, no manifest):
    // refused; both replicas keep serving the first.
    let (raw, prefix) = target.raw();
    let torn = "20990101T000000Z-torn0000";
    block(
        raw.put(
            &prefix
                .clone()
                .join("snapshots")
                .join(torn)
                .join("values.parquet"),
            PutPayload::from_static(b"PAR1 half written"),
        ),
    )
    .unwrap();
    block(raw.put(
        &prefix.clone().join("current"),
        PutPayload::from(format!("{torn}\n")),
    ))
    .unwrap();
    std::thread::sleep(Duration::from_millis(1500));
    for r in &replicas {
        assert_eq!(r.version(), first, "{} swapped to a torn snapshot", r.base);
        let log = std::fs::read_to_string(&r.stderr).unwrap();
        assert!(
            log.contains("reloading the published snapshot failed") && log.contains(torn),
            "{}: {log}",
            r.base
        );
    }

    // The scheduled job publishes: both swap.
    let second = target.publish(&scratch.path().join("publisher"));
    assert_ne!(second, first);
    for (name, r) in ["a", "b"].iter().zip(&replicas) {
        let took = r.until_serving(&second);
        println!(
            "replica {name} ({}) swapped {first} -> {second} in {} ms",
            r.base,
            took.as_millis()
        );
    }

    // The listing marks the current one; the torn objects are not a snapshot.
    let out = target.lmi(&["snapshots", "list"]).output().unwrap();
    let listing = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{listing}");
    assert!(listing.contains(&format!("* {second}")), "{listing}");
    assert!(listing.contains(&format!("  {first}")), "{listing}");
    assert!(!listing.contains(torn), "{listing}");
}

#[test]
fn two_replicas_swap_on_a_local_filesystem_object_store() {
    let dir = tempfile::tempdir().unwrap();
    let url = url::Url::from_directory_path(dir.path()).unwrap();
    two_replicas_swap_to_the_new_snapshot(&Target {
        url: url.to_string(),
        env: Vec::new(),
    });
}

#[test]
fn two_replicas_swap_on_a_real_s3_compatible_server() {
    let Some(endpoint) = std::env::var("LMI_S3_TEST_ENDPOINT")
        .ok()
        .filter(|e| !e.is_empty())
    else {
        eprintln!(
            "SKIPPED two_replicas_swap_on_a_real_s3_compatible_server: set LMI_S3_TEST_ENDPOINT \
             to an S3-compatible server (.ci/run starts one) to run it"
        );
        return;
    };
    let bucket = std::env::var("LMI_S3_TEST_BUCKET").unwrap_or_else(|_| "lmi-ci".into());
    let prefix = format!(
        "e2e-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_millis()
    );
    let target = Target {
        url: format!("s3://{bucket}/{prefix}"),
        env: vec![("LMI_S3_ENDPOINT".into(), endpoint)],
    };
    two_replicas_swap_to_the_new_snapshot(&target);

    // The server honours conditional writes, so the refresh lock holds there too.
    let store = lmi_cli::settings::Settings {
        data_url: Some(url::Url::parse(&target.url).unwrap()),
        s3_endpoint: Some(url::Url::parse(&target.env[0].1).unwrap()),
        ..Default::default()
    }
    .store()
    .unwrap();
    let held = store.lock().unwrap();
    let err = store.lock().unwrap_err();
    assert!(
        matches!(err, lmi_store::StoreError::Busy { .. }),
        "second lock: {err}"
    );
    drop(held);
    store.lock().unwrap();
}
