//! Helpers shared by the end-to-end tests: a real server on a free port over a real snapshot
//! directory, an HTTP client, and readers of the real files (found with `lmi_testkit::real_data`).

pub mod browser;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

/// Every snapshot a test builds from files is published, changed or not.
const ALWAYS: lmi_refresh::DirOptions = lmi_refresh::DirOptions {
    keep: lmi_refresh::DEFAULT_KEEP,
    force: true,
    area_groups: None,
};

/// The 14 districts of the Lancashire combined authority (E47000018): the two unitaries, then the
/// 12 districts of Lancashire county (E10000017).
pub const LANCASHIRE_CA: [&str; 14] = [
    "E06000008",
    "E06000009",
    "E07000117",
    "E07000118",
    "E07000119",
    "E07000120",
    "E07000121",
    "E07000122",
    "E07000123",
    "E07000124",
    "E07000125",
    "E07000126",
    "E07000127",
    "E07000128",
];

/// A running lmi server; stops when dropped.
pub struct TestApp {
    pub addr: SocketAddr,
    pub state: lmi_cli::AppState,
    pub client: reqwest::Client,
    _shutdown: tokio::sync::oneshot::Sender<()>,
    pub data_dir: tempfile::TempDir,
}

/// Default serve options with rate limiting off: a test's one client asking hundreds of
/// questions a second is one greedy client to the limiter (tests/e2e/hostile.rs tests it).
pub fn unlimited() -> lmi_cli::ServeOptions {
    lmi_cli::ServeOptions {
        api: lmi_cli::ApiConfig {
            rate_limit_per_second: 0,
            ..lmi_cli::ApiConfig::default()
        },
        ..lmi_cli::ServeOptions::default()
    }
}

impl TestApp {
    /// Starts the real server on port 0 over a fresh data directory. With `from`, the snapshot
    /// is first built with `lmi refresh --from` semantics; without, the server bootstraps from
    /// the bundled sample as a fresh clone does.
    pub async fn spawn(from: Option<&Path>) -> TestApp {
        TestApp::spawn_with(from, unlimited()).await
    }

    /// [`TestApp::spawn`] with serve options (admin token, refresh source, limits).
    pub async fn spawn_with(from: Option<&Path>, options: lmi_cli::ServeOptions) -> TestApp {
        let data_dir = tempfile::tempdir().expect("temp dir");
        let dir = data_dir.path().to_owned();
        let from = from.map(Path::to_owned);
        // Building and loading snapshots is blocking polars work: keep it off the async threads.
        tokio::task::spawn_blocking(move || {
            if let Some(from) = from {
                let catalogue = lmi_ingest::Catalogue::bundled().expect("catalogue");
                let store = lmi_store::Store::open(&dir);
                lmi_refresh::refresh_dir(&from, &store, &catalogue, &ALWAYS).expect("refresh");
            }
        })
        .await
        .expect("join");
        Self::serve(data_dir, options).await
    }

    /// Starts a server over one snapshot of the real data directory, built once per test run
    /// and shared (read-only) by every real-data test.
    pub async fn spawn_real(real: &Path) -> TestApp {
        static SHARED: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
        let real = real.to_owned();
        let dir = tokio::task::spawn_blocking(move || {
            SHARED
                .get_or_init(|| {
                    let dir = tempfile::tempdir().expect("temp dir").keep();
                    let catalogue = lmi_ingest::Catalogue::bundled().expect("catalogue");
                    let store = lmi_store::Store::open(&dir);
                    lmi_refresh::refresh_dir(&real, &store, &catalogue, &ALWAYS).expect("refresh");
                    dir
                })
                .clone()
        })
        .await
        .expect("join");
        // Each app gets its own directory, removed with it, linking to the shared snapshot.
        let view = tempfile::tempdir().expect("temp dir");
        for entry in ["current", "snapshots"] {
            std::os::unix::fs::symlink(dir.join(entry), view.path().join(entry)).expect("symlink");
        }
        Self::serve(view, unlimited()).await
    }

    async fn serve(data_dir: tempfile::TempDir, options: lmi_cli::ServeOptions) -> TestApp {
        let dir = data_dir.path().to_owned();
        let state = tokio::task::spawn_blocking(move || {
            lmi_cli::load_state(&dir, &lmi_cli::default_sample_dir(), options)
        })
        .await
        .expect("join")
        .expect("snapshot loads");
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        let (addr, _task) =
            lmi_cli::start_server("127.0.0.1:0".parse().expect("addr"), state.clone(), async {
                let _ = rx.await;
            })
            .await
            .expect("server starts");
        TestApp {
            addr,
            state,
            client: reqwest::Client::new(),
            _shutdown: tx,
            data_dir,
        }
    }

    /// Publishes a new snapshot of the bundled sample in the app's data directory, as a
    /// scheduled `lmi refresh` would, and returns its version. The server is not told.
    pub async fn publish_sample(&self) -> String {
        let dir = self.data_dir.path().to_owned();
        tokio::task::spawn_blocking(move || {
            let catalogue = lmi_ingest::Catalogue::bundled().expect("catalogue");
            let store = lmi_store::Store::open(&dir);
            lmi_refresh::refresh_dir(&lmi_cli::default_sample_dir(), &store, &catalogue, &ALWAYS)
                .expect("refresh")
                .into_manifest()
                .version
        })
        .await
        .expect("join")
    }

    /// GETs a path and returns the status, content type and JSON body (Null if not JSON).
    pub async fn get(&self, path: &str) -> (u16, String, serde_json::Value) {
        let response = self
            .client
            .get(format!("http://{}{path}", self.addr))
            .send()
            .await
            .expect("request");
        let status = response.status().as_u16();
        let content_type = response
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let body = response.json().await.unwrap_or(serde_json::Value::Null);
        (status, content_type, body)
    }
}

/// Rows of a (possibly gzipped) CSV as header-keyed maps, read independently of lmi's parsers.
pub fn read_csv(path: &Path) -> Vec<std::collections::HashMap<String, String>> {
    let bytes = std::fs::read(path).expect("read csv");
    let text = if bytes.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        std::io::Read::read_to_end(
            &mut flate2::read::GzDecoder::new(bytes.as_slice()),
            &mut out,
        )
        .expect("gunzip");
        out
    } else {
        bytes
    };
    let mut reader = csv::Reader::from_reader(text.as_slice());
    let headers = reader.headers().expect("header").clone();
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            headers
                .iter()
                .map(str::to_owned)
                .zip(r.iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

impl TestApp {
    /// Every data endpoint answers 200 with a body of the right shape, in JSON, CSV and XLSX
    /// where the response is a table. Used on the sample and on real data.
    pub async fn check_every_endpoint(&self) {
        let json_checks: [(&str, &str); 12] = [
            ("/v1/areas?q=burnley", "areas"),
            ("/v1/areas?q=blakburn", "areas"),
            ("/v1/areas/E07000117", "parents"),
            ("/v1/areas/E07000117/profile", "indicators"),
            (
                "/v1/areas/E30000182/indicators/ks4_apprenticeship_rate",
                "series",
            ),
            (
                "/v1/compare?areas=E07000117,E30000182,E10000017&indicator=ks4_apprenticeship_rate",
                "areas",
            ),
            ("/v1/indicators", "indicators"),
            ("/v1/indicators/census_level4plus_share", "periods"),
            (
                "/v1/indicators/ks4_apprenticeship_rate/rankings?type=lad",
                "areas",
            ),
            (
                "/v1/indicators/census_level4plus_share/rankings?type=ttwa",
                "areas",
            ),
            ("/v1/sources", "sources"),
            ("/v1/snapshot", "files"),
        ];
        for (path, key) in json_checks {
            let (status, content_type, body) = self.get(path).await;
            assert_eq!(
                (status, content_type.as_str()),
                (200, "application/json"),
                "{path}"
            );
            let v = &body[key];
            assert!(
                v.as_array().is_some_and(|a| !a.is_empty())
                    || v.as_object().is_some_and(|o| !o.is_empty()),
                "{path}: `{key}` is empty: {body}"
            );
        }
        for path in [
            "/v1/areas?q=lancashire",
            "/v1/areas/E07000117/profile",
            "/v1/areas/E30000182/indicators/ks4_apprenticeship_rate",
            "/v1/compare?areas=E07000117,E30000182&indicator=ks4_apprenticeship_rate",
            "/v1/indicators/ks4_apprenticeship_rate/rankings",
        ] {
            let sep = if path.contains('?') { '&' } else { '?' };
            for (format, want) in [
                ("csv", "text/csv; charset=utf-8"),
                (
                    "xlsx",
                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                ),
            ] {
                let r = self
                    .client
                    .get(format!("http://{}{path}{sep}format={format}", self.addr))
                    .send()
                    .await
                    .expect("request");
                assert_eq!(r.status().as_u16(), 200, "{path} as {format}");
                assert_eq!(r.headers()["content-type"], want, "{path} as {format}");
                let bytes = r.bytes().await.expect("body");
                if format == "csv" {
                    let text = String::from_utf8(bytes.to_vec()).expect("utf-8");
                    assert!(
                        text.contains("# Licence: Open Government Licence v3.0"),
                        "{path}"
                    );
                    assert!(
                        text.lines().filter(|l| !l.starts_with('#')).count() >= 2,
                        "{path}: {text}"
                    );
                } else {
                    assert_eq!(&bytes[..2], b"PK", "{path}: not a zip container");
                }
            }
        }
    }
}
