//! In-process router tests (`tower::ServiceExt::oneshot`): no sockets. They test what HTTP adds
//! (statuses, problem+json, negotiation, headers, limits, routing); what a query answers is
//! tested in lmi-report (`crates/lmi-report/tests/it`) on the same snapshot.

use super::*;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use lmi_store::Snapshot;
use tower::ServiceExt;

pub(crate) fn state(sample: bool) -> AppState {
    builder(sample).build()
}

/// The test snapshot of `lmi_testkit::fixture`, labelled as sample data when `sample`.
pub(crate) fn builder(sample: bool) -> crate::AppStateBuilder {
    let manifest = serde_json::from_value(lmi_testkit::fixture::manifest(sample, None)).unwrap();
    let values = lmi_testkit::fixture::values();
    AppState::builder(
        Snapshot { manifest, values },
        lmi_core::Geography::bundled().unwrap(),
    )
}

pub(crate) async fn send(
    state: AppState,
    request: Request<Body>,
) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
    let response = router(state).oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    (status, headers, bytes.to_vec())
}

pub(crate) async fn get(state: AppState, uri: &str) -> (StatusCode, String, serde_json::Value) {
    let response = router(state)
        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let content_type = response
        .headers()
        .get("content-type")
        .map(|v| v.to_str().unwrap().to_owned())
        .unwrap_or_default();
    let bytes = axum::body::to_bytes(response.into_body(), usize::MAX)
        .await
        .unwrap();
    let json = serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null);
    (status, content_type, json)
}

#[tokio::test]
async fn sample_data_is_labelled_in_every_response() {
    for uri in [
        "/v1/areas?q=x",
        "/v1/areas/E07000117",
        "/v1/indicators",
        "/v1/indicators/ks4_apprenticeship_rate",
        "/v1/areas/E07000117/indicators/ks4_apprenticeship_rate",
        "/v1/sources",
        "/v1/snapshot",
    ] {
        let (status, _, body) = get(state(true), uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(body["meta"]["sample"], true, "{uri}");
        assert!(
            body["meta"]["notice"]
                .as_str()
                .unwrap()
                .contains("SYNTHETIC"),
            "{uri}"
        );
        assert_eq!(body["meta"]["licence"], "Open Government Licence v3.0");
    }
    let (_, _, body) = get(state(false), "/v1/indicators").await;
    assert_eq!(body["meta"]["sample"], false);
    assert!(body["meta"].get("notice").is_none());
}

#[tokio::test]
async fn unknown_things_are_404_problems_and_bad_parameters_400() {
    for (uri, want, needle) in [
        (
            "/v1/areas/E99999999",
            StatusCode::NOT_FOUND,
            "unknown area code `E99999999`",
        ),
        (
            "/v1/areas/E07000117/indicators/rate2",
            StatusCode::NOT_FOUND,
            "unknown indicator `rate2`",
        ),
        (
            "/v1/areas/E99999999/indicators/ks4_apprenticeship_rate",
            StatusCode::NOT_FOUND,
            "unknown area code",
        ),
        (
            "/v1/indicators/nope",
            StatusCode::NOT_FOUND,
            "unknown indicator",
        ),
        ("/v2/nothing", StatusCode::NOT_FOUND, "no such endpoint"),
        (
            "/v1/areas?type=district",
            StatusCode::BAD_REQUEST,
            "unknown area type `district`",
        ),
        (
            "/v1/areas?limit=0",
            StatusCode::BAD_REQUEST,
            "limit must be between 1 and 1000",
        ),
        ("/v1/areas?limit=ten", StatusCode::BAD_REQUEST, "limit"),
        ("/v1/areas?colour=red", StatusCode::BAD_REQUEST, "colour"),
    ] {
        let (status, content_type, body) = get(state(false), uri).await;
        assert_eq!(status, want, "{uri}");
        assert_eq!(content_type, "application/problem+json", "{uri}");
        assert_eq!(body["status"], want.as_u16(), "{uri}");
        assert!(
            body["detail"].as_str().unwrap().contains(needle),
            "{uri}: {body}"
        );
    }
}

fn header<'a>(headers: &'a axum::http::HeaderMap, name: &str) -> &'a str {
    headers.get(name).map(|v| v.to_str().unwrap()).unwrap_or("")
}

#[tokio::test]
async fn representative_json_is_stable() {
    for (name, uri) in [
        ("profile_burnley", "/v1/areas/E07000117/profile"),
        (
            "series_burnley",
            "/v1/areas/E07000117/indicators/ks4_apprenticeship_rate",
        ),
        (
            "rankings_lad",
            "/v1/indicators/ks4_apprenticeship_rate/rankings",
        ),
        (
            "compare",
            "/v1/compare?areas=E07000117,E30000182&indicator=ks4_apprenticeship_rate",
        ),
        ("search_blakburn", "/v1/areas?q=blakburn&limit=3"),
    ] {
        let (status, _, mut body) = get(state(true), uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        // Indicator definitions are reviewed in lmi-core; here only the API's shape matters,
        // so they are reduced to their ids and the profile to its first indicator.
        if let Some(entries) = body.get_mut("indicators").and_then(|e| e.as_array_mut()) {
            entries.truncate(1);
            entries[0]["indicator"] = entries[0]["indicator"]["id"].clone();
        }
        if body.get("indicator").is_some() {
            body["indicator"] = body["indicator"]["id"].clone();
        }
        insta::assert_json_snapshot!(name, body);
    }
}

#[tokio::test]
async fn compare_parameters_are_checked_with_problems() {
    let uri = "/v1/compare?areas=E07000117,E07000122,E30000182&indicator=ks4_apprenticeship_rate";
    let (status, content_type, _) = get(state(false), uri).await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/json")
    );
    let many = vec!["E07000117"; 26].join(",");
    for (uri, want, needle) in [
        (
            "/v1/compare?indicator=ks4_apprenticeship_rate".to_owned(),
            StatusCode::BAD_REQUEST,
            "`areas` is required",
        ),
        (
            "/v1/compare?areas=E07000117".to_owned(),
            StatusCode::BAD_REQUEST,
            "`indicator` is required",
        ),
        (
            "/v1/compare?areas=E07000117,E99999999&indicator=ks4_apprenticeship_rate".to_owned(),
            StatusCode::NOT_FOUND,
            "E99999999",
        ),
        (
            "/v1/compare?areas=E07000117,,E07000122&indicator=ks4_apprenticeship_rate".to_owned(),
            StatusCode::BAD_REQUEST,
            "single commas",
        ),
        (
            "/v1/compare?areas=E07000117,%20E07000122&indicator=ks4_apprenticeship_rate".to_owned(),
            StatusCode::BAD_REQUEST,
            "no spaces",
        ),
        (
            "/v1/compare?areas=&indicator=ks4_apprenticeship_rate".to_owned(),
            StatusCode::BAD_REQUEST,
            "`areas` is required",
        ),
        (
            format!("/v1/compare?areas={many}&indicator=ks4_apprenticeship_rate"),
            StatusCode::BAD_REQUEST,
            "at most 25",
        ),
        (
            "/v1/compare?areas=E07000117&indicator=nope".to_owned(),
            StatusCode::NOT_FOUND,
            "unknown indicator",
        ),
    ] {
        let (status, content_type, body) = get(state(false), &uri).await;
        assert_eq!(
            (status, content_type.as_str()),
            (want, "application/problem+json"),
            "{uri}"
        );
        assert!(
            body["detail"].as_str().unwrap().contains(needle),
            "{uri}: {body}"
        );
    }
}

#[tokio::test]
async fn ranking_parameters_are_checked_with_problems() {
    let (status, ..) = get(
        state(false),
        "/v1/indicators/ks4_apprenticeship_rate/rankings?type=lad&period=2021/22",
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    for (uri, want, needle) in [
        (
            "/v1/indicators/ks4_apprenticeship_rate/rankings?period=1999",
            StatusCode::NOT_FOUND,
            "periods available: 2021/22, 2022/23",
        ),
        (
            "/v1/indicators/ks4_apprenticeship_rate/rankings?type=lep",
            StatusCode::NOT_FOUND,
            "no values for lep",
        ),
        (
            "/v1/indicators/ks4_apprenticeship_rate/rankings?type=galaxy",
            StatusCode::BAD_REQUEST,
            "unknown area type",
        ),
        (
            "/v1/indicators/nope/rankings",
            StatusCode::NOT_FOUND,
            "unknown indicator",
        ),
    ] {
        let (status, _, body) = get(state(false), uri).await;
        assert_eq!(status, want, "{uri}");
        assert!(
            body["detail"].as_str().unwrap().contains(needle),
            "{uri}: {body}"
        );
    }
}

#[tokio::test]
async fn a_postcode_search_is_a_problem_that_explains_why() {
    let (status, content_type, body) = get(state(false), "/v1/areas?postcode=BB11").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(content_type, "application/problem+json");
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("`BB11` is not a UK postcode")
    );
}

#[tokio::test]
async fn tables_are_negotiated_as_csv_and_xlsx() {
    let table_uris = [
        "/v1/areas?q=burn",
        "/v1/areas/E07000117/profile",
        "/v1/areas/E07000117/indicators/ks4_apprenticeship_rate",
        "/v1/compare?areas=E07000117,E07000122&indicator=ks4_apprenticeship_rate",
        "/v1/indicators/ks4_apprenticeship_rate/rankings",
    ];
    for uri in table_uris {
        let req = Request::get(uri)
            .header("accept", "text/csv")
            .body(Body::empty())
            .unwrap();
        let (status, headers, bytes) = send(state(true), req).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(header(&headers, "content-type"), "text/csv; charset=utf-8");
        assert!(header(&headers, "content-disposition").starts_with("attachment; filename="));
        // The body is the table with its attribution block (contents: lmi-report's tests).
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.starts_with("# "), "{uri}: {text}");
        let sep = if uri.contains('?') { '&' } else { '?' };
        let req = Request::get(format!("{uri}{sep}format=xlsx"))
            .body(Body::empty())
            .unwrap();
        let (status, headers, bytes) = send(state(true), req).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(header(&headers, "content-type"), crate::export::XLSX);
        assert!(bytes.starts_with(b"PK"), "{uri}: not a workbook");
    }
    // `?format=` wins over Accept, and JSON stays the default.
    let req = Request::get("/v1/areas?q=burn&format=json")
        .header("accept", "text/csv")
        .body(Body::empty())
        .unwrap();
    let (_, headers, _) = send(state(false), req).await;
    assert_eq!(header(&headers, "content-type"), "application/json");
    // A huge query still exports (Excel cells hold at most 32,767 characters).
    let long = "a".repeat(40_000);
    let req = Request::get(format!("/v1/areas?q={long}&format=xlsx"))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(state(false), req).await.0, StatusCode::OK);
    let (status, _, body) = get(state(false), "/v1/areas?format=pdf").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(body["detail"].as_str().unwrap().contains("format"));
}

#[tokio::test]
async fn etags_name_the_snapshot_and_revalidation_is_304() {
    let uri = "/v1/areas/E07000117/indicators/ks4_apprenticeship_rate";
    let (status, headers, _) =
        send(state(false), Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let etag = header(&headers, "etag").to_owned();
    assert_eq!(etag, "W/\"20261123T000000Z-test-json\"");
    assert_eq!(header(&headers, "cache-control"), "public, max-age=60");
    assert!(header(&headers, "vary").contains("accept"));
    let req = Request::get(uri)
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    let (status, headers, body) = send(state(false), req).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(header(&headers, "etag"), etag);
    // Another representation or another snapshot is not a match.
    let req = Request::get(format!("{uri}?format=csv"))
        .header("if-none-match", &etag)
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = send(state(false), req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "etag"), "W/\"20261123T000000Z-test-csv\"");
    let req = Request::get(uri)
        .header("if-none-match", "W/\"older-json\"")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(state(false), req).await.0, StatusCode::OK);
    // Errors are never cached.
    let (status, headers, _) = send(
        state(false),
        Request::get("/v1/areas/E99999999")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(header(&headers, "cache-control"), "no-store");
    assert!(headers.get("etag").is_none());
}

#[tokio::test]
async fn responses_are_compressed_and_carry_request_ids() {
    let req = Request::get("/v1/areas?limit=1000")
        .header("accept-encoding", "br")
        .body(Body::empty())
        .unwrap();
    let (status, headers, _) = send(state(false), req).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-encoding"), "br");
    let req = Request::get("/v1/areas?limit=1000")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let (_, headers, bytes) = send(state(false), req).await;
    assert_eq!(header(&headers, "content-encoding"), "gzip");
    assert_eq!(&bytes[..2], &[0x1f, 0x8b]);
    assert_eq!(header(&headers, "x-request-id").len(), 36);
    let req = Request::get("/healthz")
        .header("x-request-id", "abc-123")
        .body(Body::empty())
        .unwrap();
    let (_, headers, _) = send(state(false), req).await;
    assert_eq!(header(&headers, "x-request-id"), "abc-123");
}

#[tokio::test]
async fn cors_is_configurable() {
    let config = crate::ApiConfig {
        cors: crate::CorsOrigins::parse("https://dash.example.org"),
        ..Default::default()
    };
    let with = || builder(false).config(config.clone()).build();
    let req = Request::get("/v1/indicators")
        .header("origin", "https://dash.example.org")
        .body(Body::empty())
        .unwrap();
    let (_, headers, _) = send(with(), req).await;
    assert_eq!(
        header(&headers, "access-control-allow-origin"),
        "https://dash.example.org"
    );
    let req = Request::get("/v1/indicators")
        .header("origin", "https://evil.example")
        .body(Body::empty())
        .unwrap();
    let (_, headers, _) = send(with(), req).await;
    assert!(headers.get("access-control-allow-origin").is_none());
    let req = Request::get("/v1/indicators")
        .header("origin", "https://dash.example.org")
        .body(Body::empty())
        .unwrap();
    let (_, headers, _) = send(state(false), req).await;
    assert!(
        headers.get("access-control-allow-origin").is_none(),
        "CORS is off by default"
    );
}

#[tokio::test]
async fn wrong_methods_and_big_bodies_are_problems() {
    let (status, headers, bytes) = send(
        state(false),
        Request::delete("/v1/areas").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(header(&headers, "content-type"), "application/problem+json");
    let body: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("DELETE is not allowed")
    );
    let config = crate::ApiConfig {
        admin_token: Some("s3cret".into()),
        body_limit: 10,
        ..Default::default()
    };
    let req = Request::post("/v1/admin/reload")
        .header("authorization", "Bearer s3cret")
        .header("content-length", "100")
        .body(Body::from(vec![b'x'; 100]))
        .unwrap();
    let (status, headers, _) = send(builder(false).config(config).build(), req).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(header(&headers, "content-type"), "application/problem+json");
}

struct FailingRefresh(std::sync::Arc<std::sync::atomic::AtomicUsize>);

impl crate::Refresher for FailingRefresh {
    fn refresh(&self) -> Result<String, crate::RefreshError> {
        self.0.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Err(crate::RefreshError::NothingPublished(
            "dfe/ks4_destinations_lad.csv: line 3: expected a number".into(),
        ))
    }
}

#[tokio::test]
async fn admin_endpoints_need_the_configured_bearer_token() {
    let post = |uri: &str, token: Option<&str>| {
        let mut r = Request::post(uri);
        if let Some(t) = token {
            r = r.header("authorization", format!("Bearer {t}"));
        }
        r.body(Body::empty()).unwrap()
    };
    // No token configured: the admin endpoints do not exist.
    let (status, _, bytes) = send(state(false), post("/v1/admin/refresh", Some("x"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        String::from_utf8(bytes)
            .unwrap()
            .contains("LMI_ADMIN_TOKEN")
    );

    let calls = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let config = crate::ApiConfig {
        admin_token: Some("s3cret".into()),
        ..Default::default()
    };
    let app = builder(false)
        .config(config)
        .refresher(FailingRefresh(calls.clone()))
        .build();
    let (status, headers, _) = send(app.clone(), post("/v1/admin/refresh", None)).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert!(header(&headers, "www-authenticate").starts_with("Bearer"));
    let (status, _, _) = send(app.clone(), post("/v1/admin/refresh", Some("s3cre"))).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 0);
    // No data directory: nothing to reload from.
    let (status, _, bytes) = send(app.clone(), post("/v1/admin/reload", Some("s3cret"))).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        String::from_utf8(bytes)
            .unwrap()
            .contains("no data directory")
    );

    let (status, _, bytes) = send(app.clone(), post("/v1/admin/refresh", Some("s3cret"))).await;
    assert_eq!(
        status,
        StatusCode::ACCEPTED,
        "{}",
        String::from_utf8_lossy(&bytes)
    );
    // The refresh runs in the background; wait for it to finish, then read its status.
    let mut status_body = serde_json::Value::Null;
    for _ in 0..500 {
        let req = Request::get("/v1/admin/refresh")
            .header("authorization", "Bearer s3cret")
            .body(Body::empty())
            .unwrap();
        let (_, _, bytes) = send(app.clone(), req).await;
        status_body = serde_json::from_slice(&bytes).unwrap();
        if status_body["state"] != "running" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    assert_eq!(status_body["state"], "failed", "{status_body}");
    assert!(status_body["error"].as_str().unwrap().contains("line 3"));
    assert_eq!(calls.load(std::sync::atomic::Ordering::SeqCst), 1);
    // Still serving the old snapshot.
    assert_eq!(app.current().version(), "20261123T000000Z-test");
}

#[tokio::test]
async fn health_readiness_and_metrics() {
    let app = state(false);
    let (status, _, bytes) = send(
        app.clone(),
        Request::get("/healthz").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!((status, bytes.as_slice()), (StatusCode::OK, &b"ok"[..]));
    let (_, _, body) = get(app.clone(), "/readyz").await;
    assert_eq!(body["snapshot"], "20261123T000000Z-test");
    get(app.clone(), "/v1/areas/E07000117").await;
    get(app.clone(), "/v1/areas/E99999999").await;
    let (status, headers, bytes) =
        send(app, Request::get("/metrics").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    // OpenMetrics text (prometheus-client); Prometheus negotiates it.
    assert!(header(&headers, "content-type").starts_with("application/openmetrics-text"));
    let text = String::from_utf8(bytes).unwrap();
    assert!(text.ends_with("# EOF\n"), "{text}");
    for line in [
        "lmi_chart_cache_entries 0",
        "lmi_snapshot_swaps_total 1",
        "lmi_http_requests_total{method=\"GET\",route=\"/v1/areas/{code}\",status=\"200\"} 1",
        "lmi_http_requests_total{method=\"GET\",route=\"/v1/areas/{code}\",status=\"404\"} 1",
        "lmi_http_request_duration_seconds_count{route=\"/v1/areas/{code}\"} 2",
        "lmi_snapshot_info{version=\"20261123T000000Z-test\"} 1",
    ] {
        assert!(text.contains(line), "{line} missing from\n{text}");
    }
}

#[tokio::test]
async fn a_swap_changes_the_answer_and_the_etag() {
    let app = state(false);
    let (_, headers, _) = send(
        app.clone(),
        Request::get("/v1/indicators").body(Body::empty()).unwrap(),
    )
    .await;
    let before = header(&headers, "etag").to_owned();
    // Answered (and cached) under the first snapshot: the swap must not serve it again.
    let (_, _, body) = get(
        app.clone(),
        "/v1/areas/E07000117/indicators/ks4_apprenticeship_rate",
    )
    .await;
    assert!(!body["series"].as_array().unwrap().is_empty());
    let mut manifest = app.current().manifest.clone();
    manifest.version = "20261124T000000Z-next".into();
    app.swap(crate::ServedSnapshot::new(Snapshot {
        manifest,
        values: Vec::new(),
    }));
    let (_, headers, _) = send(
        app.clone(),
        Request::get("/v1/indicators").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(header(&headers, "etag"), "W/\"20261124T000000Z-next-json\"");
    assert_ne!(header(&headers, "etag"), before);
    let (_, _, body) = get(
        app,
        "/v1/areas/E07000117/indicators/ks4_apprenticeship_rate",
    )
    .await;
    assert!(body["series"].as_array().unwrap().is_empty());
}

#[test]
fn the_openapi_document_is_3_1_and_internally_consistent() {
    let doc: serde_json::Value = serde_json::from_str(&crate::openapi_document()).unwrap();
    assert_eq!(doc["openapi"], "3.1.0");
    let paths = doc["paths"].as_object().unwrap();
    for p in [
        "/v1/areas",
        "/v1/areas/{code}",
        "/v1/areas/{code}/profile",
        "/v1/areas/{code}/indicators/{id}",
        "/v1/compare",
        "/v1/indicators",
        "/v1/indicators/{id}",
        "/v1/indicators/{id}/rankings",
        "/v1/sources",
        "/v1/snapshot",
        "/healthz",
        "/readyz",
        "/metrics",
        "/v1/admin/reload",
        "/v1/admin/refresh",
    ] {
        assert!(paths.contains_key(p), "{p} is not documented");
    }
    // Every path template parameter is declared, and every $ref resolves.
    for (path, item) in paths {
        for (method, op) in item.as_object().unwrap() {
            let declared: Vec<&str> = op["parameters"]
                .as_array()
                .map(|ps| {
                    ps.iter()
                        .filter(|p| p["in"] == "path")
                        .map(|p| p["name"].as_str().unwrap())
                        .collect()
                })
                .unwrap_or_default();
            for seg in path.split('/').filter(|s| s.starts_with('{')) {
                let name = seg.trim_matches(|c| c == '{' || c == '}');
                assert!(
                    declared.contains(&name),
                    "{method} {path}: `{name}` undeclared"
                );
            }
            assert!(
                op["responses"].as_object().is_some_and(|r| !r.is_empty()),
                "{method} {path}"
            );
        }
    }
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(!refs.is_empty());
    for r in refs {
        let name = r
            .strip_prefix("#/components/schemas/")
            .unwrap_or_else(|| panic!("odd $ref {r}"));
        assert!(schemas.contains_key(name), "$ref {r} does not resolve");
    }
}

fn collect_refs(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, v) in m {
                if k == "$ref" {
                    out.push(v.as_str().unwrap().to_owned());
                } else {
                    collect_refs(v, out);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

#[tokio::test]
async fn the_docs_page_works_offline() {
    let (status, headers, bytes) = send(
        state(false),
        Request::get("/v1/docs").body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(header(&headers, "content-type").starts_with("text/html"));
    let html = String::from_utf8(bytes).unwrap();
    assert!(html.contains("/v1/openapi.json"));
    // No external scripts, styles or fonts.
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "the docs page must not load anything remote"
    );
    let (status, _, body) = get(state(false), "/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["openapi"], "3.1.0");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_series_charts_as_svg_and_png_with_its_comparators_and_attribution() {
    let uri = "/v1/areas/E07000117/indicators/ks4_apprenticeship_rate/chart";
    let (status, headers, body) =
        send(state(true), Request::get(uri).body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "image/svg+xml");
    assert!(header(&headers, "etag").ends_with("-svg\""), "{headers:?}");
    let svg = String::from_utf8(body).unwrap();
    for text in [
        "Burnley",
        "Lancashire",
        "North West",
        "England",
        "SYNTHETIC SAMPLE DATA",
    ] {
        assert!(svg.contains(text), "{text} missing from the chart");
    }
    let (status, headers, body) = send(
        state(false),
        Request::get(format!("{uri}?image=png"))
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "image/png");
    assert!(body.starts_with(b"\x89PNG\r\n\x1a\n"));

    for (uri, want) in [
        (format!("{uri}?image=gif"), StatusCode::BAD_REQUEST),
        (
            "/v1/areas/E99999999/indicators/ks4_apprenticeship_rate/chart".to_owned(),
            StatusCode::NOT_FOUND,
        ),
        // Nothing to draw: an indicator with no values for the area or its comparators.
        (
            "/v1/areas/E07000117/indicators/median_weekly_pay/chart".to_owned(),
            StatusCode::NOT_FOUND,
        ),
    ] {
        let (status, content_type, body) = get(state(false), &uri).await;
        assert_eq!(status, want, "{uri}");
        assert_eq!(content_type, "application/problem+json", "{uri}");
        assert!(body["detail"].as_str().is_some(), "{uri}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn charts_of_every_kind_draw_once_per_snapshot_and_serve_their_numbers() {
    let app = state(true);
    let trend = "/v1/charts/trend.svg?area=E07000117&indicator=ks4_apprenticeship_rate";
    let (status, headers, first) = send(
        app.clone(),
        Request::get(trend).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(header(&headers, "content-type"), "image/svg+xml");
    assert!(header(&headers, "cache-control").starts_with("public, max-age="));
    assert!(header(&headers, "etag").ends_with("-svg\""));
    assert_eq!(
        header(&headers, "content-disposition"),
        "inline; filename=\"E07000117-ks4_apprenticeship_rate-trend.svg\""
    );
    let svg = String::from_utf8(first.clone()).unwrap();
    assert!(
        svg.contains("<title") && svg.contains("<desc"),
        "no accessible title/desc"
    );
    assert!(svg.contains("Burnley") && svg.contains("SYNTHETIC SAMPLE DATA"));
    assert_eq!(app.shared.charts.len(), 1);
    let (_, _, again) = send(
        app.clone(),
        Request::get(trend).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(again, first);
    assert_eq!(app.shared.charts.len(), 1, "the same chart was drawn twice");

    // A ranking among districts, the area highlighted, England as the reference.
    let (status, _, body) = send(
        app.clone(),
        Request::get("/v1/charts/ranking.svg?area=E07000117&indicator=ks4_apprenticeship_rate&period=2022/23")
            .body(Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let svg = String::from_utf8(body).unwrap();
    assert!(svg.contains("Burnley"), "highlighted bar unlabelled");

    // Stacked destinations, and small multiples of the county's districts on one scale.
    for (uri, expected) in [
        (
            "/v1/charts/breakdown.svg?area=E07000117&breakdown=ks4_destinations",
            ["Apprenticeship", "Burnley"],
        ),
        (
            "/v1/charts/small_multiples.svg?area=E10000017&indicator=ks4_apprenticeship_rate&members=lad",
            ["Burnley", "Pendle"],
        ),
    ] {
        let (status, headers, body) =
            send(app.clone(), Request::get(uri).body(Body::empty()).unwrap()).await;
        assert_eq!(status, StatusCode::OK, "{uri}");
        assert_eq!(header(&headers, "content-type"), "image/svg+xml");
        let svg = String::from_utf8(body).unwrap();
        for text in expected {
            assert!(svg.contains(text), "{uri}: {text} missing");
        }
    }

    // The CSV behind a chart carries the values and the attribution.
    let (status, headers, body) = send(
        app.clone(),
        Request::get(
            "/v1/charts/trend.csv?area=E07000117&indicator=ks4_apprenticeship_rate&comparators=",
        )
        .body(Body::empty())
        .unwrap(),
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    assert!(header(&headers, "content-type").starts_with("text/csv"));
    let csv = String::from_utf8(body).unwrap();
    assert!(
        csv.contains("# Licence: Open Government Licence v3.0"),
        "{csv}"
    );
    let rows: Vec<&str> = csv.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(
        rows[0],
        "area_code,area_name,area_type,period,value,ci_lower,ci_upper,status,approximate"
    );
    assert_eq!(rows.len(), 3, "{csv}"); // Burnley only (no comparators): two periods
    assert!(
        rows.iter()
            .any(|r| r.starts_with("E07000117,Burnley,lad,2022/23,5,")),
        "{csv}"
    );
    assert!(
        rows.iter().any(|r| r.contains("2021/22,,,,suppressed")),
        "{csv}"
    );

    for (uri, want) in [
        ("/v1/charts/pie.svg?area=E07000117", StatusCode::NOT_FOUND),
        (
            "/v1/charts/trend.gif?area=E07000117&indicator=ks4_apprenticeship_rate",
            StatusCode::NOT_FOUND,
        ),
        (
            "/v1/charts/trend.svg?indicator=ks4_apprenticeship_rate",
            StatusCode::BAD_REQUEST,
        ),
        ("/v1/charts/trend.svg?area=E07000117", StatusCode::NOT_FOUND),
        (
            "/v1/charts/trend.svg?area=E07000117&indicator=nope",
            StatusCode::NOT_FOUND,
        ),
        (
            "/v1/charts/breakdown.svg?area=E07000117&breakdown=nope",
            StatusCode::NOT_FOUND,
        ),
        // No value of the area's own in that period: the comparators alone are not its chart.
        (
            "/v1/charts/breakdown.svg?area=E07000117&breakdown=ks4_destinations&period=2019/20",
            StatusCode::NOT_FOUND,
        ),
        (
            "/v1/charts/breakdown.svg?area=E07000117&breakdown=census_qualifications",
            StatusCode::NOT_FOUND,
        ),
        (
            "/v1/charts/small_multiples.svg?area=E47000018&indicator=ks4_apprenticeship_rate",
            StatusCode::NOT_FOUND,
        ),
        (
            "/v1/charts/trend.svg?area=E07000117&indicator=ks4_apprenticeship_rate&comparators=lad",
            StatusCode::BAD_REQUEST,
        ),
        (
            "/v1/charts/trend.svg?area=E07000117&indicator=median_weekly_pay",
            StatusCode::NOT_FOUND,
        ),
        (
            "/v1/charts/trend.svg?area=E07000117&indicator=ks4_apprenticeship_rate&colour=red",
            StatusCode::BAD_REQUEST,
        ),
    ] {
        let (status, content_type, body) = get(app.clone(), uri).await;
        assert_eq!(status, want, "{uri}: {body}");
        assert_eq!(content_type, "application/problem+json", "{uri}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn dashboards_resolve_with_readings_and_chart_links() {
    let app = state(false);
    let (status, _, body) = get(app.clone(), "/v1/dashboards").await;
    assert_eq!(status, StatusCode::OK);
    let ids: Vec<&str> = body["dashboards"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        ["provision-planning", "careers-adviser", "hub-overview"]
    );

    let (status, _, body) = get(
        app.clone(),
        "/v1/dashboards/careers-adviser/areas/E07000117",
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["suited"], true);
    let panel = body["panels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "apprenticeships-after-gcses")
        .unwrap();
    // 50 / 1000 in Burnley against England's 18488 / 572598.
    assert_eq!(
        panel["reading"],
        "In 2022/23, 5.0% of young people in Burnley started an apprenticeship after their \
         GCSEs, above England's 3.2%."
    );
    assert_eq!(panel["available"], true);
    assert_eq!(
        panel["links"]["png"],
        "/v1/charts/trend.png?area=E07000117&indicator=ks4_apprenticeship_rate&comparators=region,country"
    );
    let (status, _, _) = get(app.clone(), panel["links"]["svg"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    // A panel with nothing to show says so instead of failing.
    let pay = body["panels"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "pay")
        .unwrap();
    assert_eq!(pay["available"], false);
    assert!(
        pay["reading"].as_str().unwrap().starts_with("No value"),
        "{pay}"
    );

    // A dashboard shown for an area it was not designed for carries a note.
    let (_, _, body) = get(app.clone(), "/v1/dashboards/hub-overview/areas/E07000117").await;
    assert_eq!(body["suited"], false);
    assert!(body["notes"][0].as_str().unwrap().contains("designed for"));

    for uri in [
        "/v1/dashboards/nope",
        "/v1/dashboards/nope/areas/E07000117",
        "/v1/dashboards/careers-adviser/areas/E99999999",
    ] {
        let (status, content_type, _) = get(app.clone(), uri).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{uri}");
        assert_eq!(content_type, "application/problem+json");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_web_page_and_its_assets_are_served_without_external_references() {
    let (status, headers, body) =
        send(state(false), Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    assert!(header(&headers, "content-type").starts_with("text/html"));
    assert!(header(&headers, "content-security-policy").contains("default-src 'self'"));
    let html = String::from_utf8(body).unwrap();
    assert!(html.contains("/assets/app.js") && html.contains("/assets/app.css"));
    assert!(!html.contains("http://") && !html.contains("https://"));
    for (asset, kind) in [("app.js", "text/javascript"), ("app.css", "text/css")] {
        let (status, headers, _) = send(
            state(false),
            Request::get(format!("/assets/{asset}"))
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        assert_eq!(status, StatusCode::OK);
        assert!(header(&headers, "content-type").starts_with(kind));
    }
    let (status, _, _) = get(state(false), "/assets/nope.js").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[test]
fn problem_responses_are_documented_once_and_reference_the_problem_schema() {
    let doc: serde_json::Value = serde_json::from_str(&crate::openapi_document()).unwrap();
    let profile = &doc["paths"]["/v1/areas/{code}/profile"]["get"]["responses"];
    for status in ["400", "404"] {
        let content = &profile[status]["content"]["application/problem+json"]["schema"];
        assert_eq!(
            content["$ref"], "#/components/schemas/Problem",
            "{status}: {content}"
        );
    }
    let reload = &doc["paths"]["/v1/admin/reload"]["post"]["responses"];
    for status in ["401", "403", "404", "409"] {
        assert!(reload[status].is_object(), "reload {status}");
    }
    assert!(doc["components"]["schemas"]["Problem"].is_object());
}

#[tokio::test]
async fn clients_holding_half_sent_requests_are_cut_off_and_others_still_answered() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let limits = crate::ConnectionLimits {
        header_read_timeout: std::time::Duration::from_millis(300),
        max_connections: 4,
    };
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(crate::serve_with(
        listener,
        state(false),
        async {
            let _ = stopped.await;
        },
        limits,
    ));
    // Every connection slot taken by a client that never finishes its headers.
    let mut slow = Vec::new();
    for _ in 0..limits.max_connections {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            .await
            .unwrap();
        slow.push(s);
    }
    // The server hangs up on each of them (a read sees the end, possibly after a 408).
    for s in &mut slow {
        let mut rest = Vec::new();
        let read =
            tokio::time::timeout(std::time::Duration::from_secs(30), s.read_to_end(&mut rest))
                .await;
        assert!(read.is_ok(), "a half-sent request was never cut off");
    }
    // And a well-behaved client is answered.
    let mut ok = tokio::net::TcpStream::connect(addr).await.unwrap();
    ok.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    ok.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    assert!(answer.ends_with("ok"), "{answer}");
    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
}

#[tokio::test]
async fn admin_routes_are_offered_only_when_an_admin_token_is_configured() {
    let (status, _, doc) = get(state(false), "/v1/openapi.json").await;
    assert_eq!(status, StatusCode::OK);
    let paths = doc["paths"].as_object().unwrap();
    assert!(paths.contains_key("/v1/areas"));
    assert!(
        !paths.keys().any(|p| p.starts_with("/v1/admin/")),
        "{:?}",
        paths.keys()
    );
    let config = crate::ApiConfig {
        admin_token: Some("s3cret".into()),
        ..crate::ApiConfig::default()
    };
    let (_, _, doc) = get(builder(false).config(config).build(), "/v1/openapi.json").await;
    assert!(doc["paths"]["/v1/admin/reload"].is_object());
}

#[tokio::test]
async fn answered_gets_are_cached_per_snapshot_path_and_accept() {
    let app = state(false);
    let uri = "/v1/indicators/ks4_apprenticeship_rate/rankings?type=lad";
    let ask = |accept: &'static str| {
        Request::get(uri)
            .header("accept", accept)
            .body(Body::empty())
            .unwrap()
    };
    let (status, first_headers, first) = send(app.clone(), ask("application/json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(app.shared.responses.len(), 1);
    let (status, headers, again) = send(app.clone(), ask("application/json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(again, first, "a cached answer is the same bytes");
    for name in ["etag", "content-type", "cache-control"] {
        assert_eq!(
            header(&headers, name),
            header(&first_headers, name),
            "{name}"
        );
    }
    assert_eq!(app.shared.responses.len(), 1);
    // Another representation is another entry; a conditional request is still a 304.
    let (_, csv_headers, csv) = send(app.clone(), ask("text/csv")).await;
    assert!(header(&csv_headers, "content-type").starts_with("text/csv"));
    assert_ne!(csv, first);
    assert_eq!(app.shared.responses.len(), 2);
    let conditional = Request::get(uri)
        .header("accept", "application/json")
        .header("if-none-match", header(&first_headers, "etag"))
        .body(Body::empty())
        .unwrap();
    let (status, _, _) = send(app.clone(), conditional).await;
    assert_eq!(status, StatusCode::NOT_MODIFIED);
    // Errors, HEAD and admin routes are not kept.
    let (status, _, _) = get(app.clone(), "/v1/areas/E99999999").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let head = Request::head("/v1/indicators").body(Body::empty()).unwrap();
    send(app.clone(), head).await;
    assert_eq!(app.shared.responses.len(), 2);
}

// Area groups (issue 26): what HTTP adds to a group (the query answers are tested in
// lmi-report): the route, the type filter, group codes in a comparison, problems.

#[tokio::test]
async fn an_area_group_is_served_with_its_definition_and_found_by_search() {
    let (status, content_type, body) = get(state(true), "/v1/areas/G-blackpool-fylde-wyre").await;
    assert_eq!(
        (status, content_type.as_str()),
        (StatusCode::OK, "application/json")
    );
    assert_eq!(body["area"]["type"], "group");
    assert_eq!(body["group"]["defined_by"], "user_defined");
    assert_eq!(
        body["group"]["members"],
        serde_json::json!(["E06000009", "E07000119", "E07000128"])
    );
    assert!(
        body["group"]["file"]
            .as_str()
            .unwrap()
            .starts_with("datasets/area_groups.toml")
    );
    assert_eq!(body["meta"]["sample"], true);
    let (status, _, body) = get(state(false), "/v1/areas?q=blackpool&type=group").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["total"], 1);
    assert_eq!(body["areas"][0]["code"], "G-blackpool-fylde-wyre");
    let uri =
        "/v1/compare?areas=E30000255,G-blackpool-fylde-wyre&indicator=ks4_apprenticeship_rate";
    let (status, _, body) = get(state(false), uri).await;
    assert_eq!(status, StatusCode::OK, "{body}");
    assert_eq!(body["areas"][1]["area"]["code"], "G-blackpool-fylde-wyre");
    for (uri, want, needle) in [
        ("/v1/areas/G-nowhere", StatusCode::NOT_FOUND, "G-nowhere"),
        (
            "/v1/compare?areas=G-Bad&indicator=ks4_apprenticeship_rate",
            StatusCode::BAD_REQUEST,
            "area group codes",
        ),
        ("/v1/areas?type=groups", StatusCode::BAD_REQUEST, "group"),
    ] {
        let (status, content_type, body) = get(state(false), uri).await;
        assert_eq!(
            (status, content_type.as_str()),
            (want, "application/problem+json"),
            "{uri}"
        );
        assert!(
            body["detail"].as_str().unwrap().contains(needle),
            "{uri}: {body}"
        );
    }
    // The OpenAPI document knows the area type.
    let doc: serde_json::Value = serde_json::from_str(&crate::openapi_document()).unwrap();
    let types = &doc["components"]["schemas"]["AreaType"]["enum"];
    assert!(
        types.as_array().unwrap().iter().any(|t| t == "group"),
        "{types}"
    );
}
