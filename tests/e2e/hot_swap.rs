//! A refresh publishes a new snapshot while clients are busy: the running server picks it up
//! (watcher, or `POST /v1/admin/reload`) without a restart and without failing any request.

use lmi_e2e::TestApp;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const PATHS: [&str; 6] = [
    "/v1/areas/E30000182/indicators/ks4_apprenticeship_rate",
    "/v1/areas/E07000117/profile",
    "/v1/indicators/ks4_apprenticeship_rate/rankings?type=lad",
    "/v1/compare?areas=E07000117,E07000122&indicator=census_level4plus_share",
    "/v1/areas?q=lanc",
    "/v1/areas/E07000117/indicators/ks4_apprenticeship_rate?format=csv",
];

/// What one client saw: requests answered, failures, and the snapshots that answered.
#[derive(Default)]
struct Seen {
    ok: usize,
    failures: Vec<String>,
    versions: BTreeSet<String>,
}

async fn client_loop(base: String, stop: Arc<AtomicBool>) -> Seen {
    let client = reqwest::Client::new();
    let mut seen = Seen::default();
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let path = PATHS[i % PATHS.len()];
        i += 1;
        let result = client.get(format!("{base}{path}")).send().await;
        let response = match result {
            Ok(r) => r,
            Err(e) => {
                seen.failures.push(format!("{path}: {e}"));
                continue;
            }
        };
        let status = response.status();
        let etag = response
            .headers()
            .get("etag")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let Ok(bytes) = response.bytes().await else {
            seen.failures.push(format!("{path}: body cut short"));
            continue;
        };
        if status != 200 {
            seen.failures.push(format!("{path}: {status}"));
            continue;
        }
        // The ETag names the snapshot that answered; a JSON body must agree with it, so no
        // response mixes two snapshots.
        let version = etag
            .trim_start_matches("W/\"")
            .rsplit_once('-')
            .map(|(v, _)| v.to_owned())
            .unwrap_or_default();
        if !path.contains("format=csv") {
            let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap_or_default();
            if body["meta"]["snapshot"] != version.as_str() {
                seen.failures.push(format!(
                    "{path}: body says {} but ETag {etag}",
                    body["meta"]["snapshot"]
                ));
                continue;
            }
        }
        seen.versions.insert(version);
        seen.ok += 1;
    }
    seen
}

async fn served_version(app: &TestApp) -> String {
    let (_, _, body) = app.get("/v1/snapshot").await;
    body["version"].as_str().unwrap_or_default().to_owned()
}

/// Waits (bounded) until the server answers from `version`.
async fn until_serving(app: &TestApp, version: &str) {
    for _ in 0..600 {
        if served_version(app).await == version {
            return;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    panic!("the server never picked up snapshot {version}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn snapshots_swap_under_load_without_losing_a_request() {
    let options = lmi_cli::ServeOptions {
        api: lmi_cli::ApiConfig {
            admin_token: Some("test-token".into()),
            rate_limit_per_second: 0,
            ..Default::default()
        },
        refresh_from: None,
        ..Default::default()
    };
    let app = TestApp::spawn_with(None, options).await;
    let watcher = app
        .state
        .spawn_watcher(Duration::from_millis(50))
        .expect("watcher");
    let first = served_version(&app).await;

    let stop = Arc::new(AtomicBool::new(false));
    let clients: Vec<_> = (0..8)
        .map(|_| tokio::spawn(client_loop(format!("http://{}", app.addr), stop.clone())))
        .collect();

    // 1. A scheduled refresh publishes; the watcher sees `current` move.
    let second = app.publish_sample().await;
    assert_ne!(second, first);
    until_serving(&app, &second).await;

    // 2. Another publish, swapped in at once by the operator.
    watcher.abort();
    let third = app.publish_sample().await;
    let response = app
        .client
        .post(format!("http://{}/v1/admin/reload", app.addr))
        .bearer_auth("test-token")
        .send()
        .await
        .expect("reload");
    assert_eq!(response.status(), 200);
    let outcome: serde_json::Value = response.json().await.expect("json");
    assert_eq!(outcome["previous"], second.as_str());
    assert_eq!(outcome["current"], third.as_str());
    assert_eq!(outcome["changed"], true);
    assert_eq!(served_version(&app).await, third);

    // Let the clients run on the new snapshot too, then stop them.
    for _ in 0..20 {
        tokio::task::yield_now().await;
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    stop.store(true, Ordering::Relaxed);
    let mut ok = 0;
    let mut versions = BTreeSet::new();
    for c in clients {
        let seen = c.await.expect("client task");
        assert!(
            seen.failures.is_empty(),
            "failed requests: {:?}",
            seen.failures
        );
        ok += seen.ok;
        versions.extend(seen.versions);
    }
    assert!(ok > 0);
    assert!(versions.contains(&third), "{versions:?} never saw {third}");
    assert!(
        versions
            .iter()
            .all(|v| [&first, &second, &third].contains(&v)),
        "{versions:?}"
    );

    // A reload with nothing new is a no-op; the metrics count the swaps.
    let (_, _, body) = app.get("/readyz").await;
    assert_eq!(body["snapshot"], third.as_str());
    let metrics = app
        .client
        .get(format!("http://{}/metrics", app.addr))
        .send()
        .await
        .expect("metrics")
        .text()
        .await
        .expect("text");
    assert!(
        metrics.contains("lmi_snapshot_reloads_total{result=\"ok\"} 2"),
        "{metrics}"
    );
}

#[tokio::test]
async fn refresh_runs_in_the_background_only_with_the_token() {
    let options = lmi_cli::ServeOptions {
        api: lmi_cli::ApiConfig {
            admin_token: Some("t0ken".into()),
            ..Default::default()
        },
        refresh_from: Some(lmi_cli::default_sample_dir()),
        ..Default::default()
    };
    let app = TestApp::spawn_with(None, options).await;
    let first = served_version(&app).await;
    let url = format!("http://{}/v1/admin/refresh", app.addr);
    let r = app.client.post(&url).send().await.expect("post");
    assert_eq!(r.status(), 401);
    let r = app
        .client
        .post(&url)
        .bearer_auth("wrong")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 403);
    let r = app
        .client
        .post(&url)
        .bearer_auth("t0ken")
        .send()
        .await
        .expect("post");
    assert_eq!(r.status(), 202);
    let mut status = serde_json::Value::Null;
    // A bound against a hung refresh, not a speed test: a loaded 2-core machine takes minutes.
    let deadline = std::time::Instant::now() + Duration::from_secs(300);
    while std::time::Instant::now() < deadline {
        status = app
            .client
            .get(&url)
            .bearer_auth("t0ken")
            .send()
            .await
            .expect("get")
            .json()
            .await
            .expect("json");
        if status["state"] != "running" {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert_eq!(status["state"], "succeeded", "{status}");
    let published = status["version"].as_str().expect("version").to_owned();
    assert_ne!(published, first);
    assert_eq!(served_version(&app).await, published);
}
