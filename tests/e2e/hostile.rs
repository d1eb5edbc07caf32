//! A hostile client on a real port: huge and invalid parameters, other scripts, injection
//! strings, path traversal, odd methods and headers, oversized bodies, and clients that never
//! finish their requests. Every request is answered 2xx or 4xx (never 5xx), no answer names a
//! server path, and well-behaved clients are answered throughout.

use lmi_e2e::TestApp;
use std::time::Duration;
use tokio::io::AsyncWriteExt;

/// Values dropped into every parameter of every endpoint.
const NASTY: &[&str] = &[
    "",
    " ",
    "%00",
    "%ZZ",
    "%C0%AF",
    "..%2F..%2F..%2Fetc%2Fpasswd",
    "....//....//etc/passwd",
    "%2e%2e%2f%2e%2e%2fmanifest.json",
    "'%20OR%201=1--",
    "%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "${jndi:ldap://x}",
    "%F0%9F%99%82",
    "%E2%80%AE",
    "E0700011%EF%BC%97",
    "-1",
    "0",
    "99999999999999999999999",
    "1e309",
    "NaN",
    "lad,lad,lad",
    ",,,,",
    "E07000117,",
];

fn targets() -> Vec<String> {
    let mut out = Vec::new();
    for v in NASTY {
        let long = "A".repeat(3000);
        for t in [
            format!("/v1/areas?q={v}"),
            format!("/v1/areas?type={v}"),
            format!("/v1/areas?limit={v}"),
            format!("/v1/areas?postcode={v}"),
            format!("/v1/postcodes/{v}"),
            format!("/v1/areas/{v}"),
            format!("/v1/areas/{v}/profile"),
            format!("/v1/areas/E07000117/profile?format={v}"),
            format!("/v1/areas/E07000117/indicators/{v}"),
            format!("/v1/areas/E07000117/indicators/ks4_apprenticeship_rate?from={v}&to={long}"),
            format!("/v1/compare?areas={v}&indicator=ks4_apprenticeship_rate"),
            format!("/v1/compare?areas=E07000117&indicator={v}"),
            format!("/v1/indicators/{v}"),
            format!("/v1/indicators/ks4_apprenticeship_rate/rankings?type={v}&period={v}"),
            format!("/v1/charts/{v}"),
            format!("/v1/charts/trend.svg?area={v}&indicator=ks4_apprenticeship_rate"),
            format!("/v1/charts/ranking.png?area=E07000117&indicator={v}"),
            format!("/v1/charts/breakdown.csv?area=E07000117&breakdown={v}"),
            format!(
                "/v1/charts/small_multiples.svg?area=E10000017&indicator=ks4_apprenticeship_rate&members={v}"
            ),
            format!(
                "/v1/charts/trend.svg?area=E07000117&indicator=ks4_apprenticeship_rate&comparators={v}"
            ),
            format!("/v1/dashboards/{v}"),
            format!("/v1/dashboards/careers-adviser/areas/{v}"),
            format!("/assets/{v}"),
            format!("/{v}"),
            format!("/v1/areas?q=burnley&unknown={v}"),
        ] {
            out.push(t);
        }
    }
    out.push(format!("/v1/areas?q={}", "x".repeat(60_000)));
    out.push(format!("/v1/areas/{}", "E".repeat(20_000)));
    out.push(format!(
        "/v1/compare?areas={}&indicator=x",
        vec!["E07000117"; 2000].join(",")
    ));
    out
}

#[tokio::test]
async fn hostile_requests_get_4xx_never_5xx_and_never_a_server_path() {
    // Rate limiting is off (`TestApp::spawn`): every hostile request reaches the handlers.
    let app = TestApp::spawn(None).await;
    let data_dir = app.data_dir.path().display().to_string();
    let base = format!("http://{}", app.addr);
    let mut tried = 0;
    let mut server_errors = Vec::new();
    let mut check = |what: String, status: u16, body: &str| {
        tried += 1;
        if status >= 500 {
            server_errors.push(format!("{status} {what}"));
        }
        assert!(
            !body.contains(&data_dir),
            "{what} answered with the data directory's path: {body}"
        );
    };
    for path in targets() {
        let r = app
            .client
            .get(format!("{base}{path}"))
            .send()
            .await
            .unwrap();
        let status = r.status().as_u16();
        let body = r.text().await.unwrap_or_default();
        check(path, status, &body);
    }
    // Methods, headers and bodies.
    let requests = [
        app.client.delete(format!("{base}/v1/areas")),
        app.client.put(format!("{base}/v1/areas/E07000117")),
        app.client.patch(format!("{base}/v1/admin/reload")),
        app.client
            .post(format!("{base}/v1/admin/reload"))
            .body(vec![b'x'; 1 << 20]),
        app.client
            .post(format!("{base}/v1/admin/refresh"))
            .header("authorization", "Bearer ../../etc/passwd"),
        app.client
            .get(format!("{base}/v1/areas/E07000117/profile"))
            .header("accept", "application/x-msdownload"),
        app.client
            .get(format!("{base}/v1/areas"))
            .header("x-huge", "h".repeat(200_000)),
        app.client
            .get(format!("{base}/v1/areas"))
            .header("if-none-match", "\"".repeat(5000)),
        app.client
            .request(reqwest::Method::OPTIONS, format!("{base}/v1/areas")),
        app.client.request(
            reqwest::Method::from_bytes(b"BREW").unwrap(),
            format!("{base}/"),
        ),
    ];
    for (i, r) in requests.into_iter().enumerate() {
        match r.send().await {
            Ok(r) => {
                let status = r.status().as_u16();
                let body = r.text().await.unwrap_or_default();
                check(format!("request {i}"), status, &body);
            }
            // The server may hang up on a request it will not read (oversized headers).
            Err(e) => {
                assert!(
                    e.is_request() || e.is_connect() || e.is_body(),
                    "request {i}: {e}"
                );
                check(format!("request {i} (connection closed)"), 0, "");
            }
        }
    }
    println!(
        "hostile requests tried: {tried}, 5xx seen: {}",
        server_errors.len()
    );
    assert!(server_errors.is_empty(), "5xx answers: {server_errors:#?}");
    let (status, _, _) = app.get("/healthz").await;
    assert_eq!(status, 200);
}

/// A client over its allowance is answered 429 (problem+json, `Retry-After`) while another
/// client, health checks and clients behind a trusted proxy are answered as usual. Allowances
/// refill at one request a second, so each count allows for the seconds the requests took.
#[tokio::test]
async fn a_client_over_its_rate_limit_gets_429_and_others_are_answered() {
    let options = lmi_cli::ServeOptions {
        api: lmi_cli::ApiConfig {
            rate_limit_per_second: 1,
            rate_limit_burst: 10,
            trusted_proxies: lmi_cli::TrustedProxies::parse("127.0.0.3").unwrap(),
            ..lmi_cli::ApiConfig::default()
        },
        ..lmi_cli::ServeOptions::default()
    };
    let app = TestApp::spawn_with(None, options).await;
    let base = format!("http://{}", app.addr);
    let from = |ip: [u8; 4]| {
        reqwest::Client::builder()
            .local_address(std::net::IpAddr::from(ip))
            .build()
            .unwrap()
    };
    let (greedy, other, proxy) = (
        from([127, 0, 0, 1]),
        from([127, 0, 0, 2]),
        from([127, 0, 0, 3]),
    );
    let url = format!("{base}/v1/areas?q=burnley");

    // 40 requests from one address; every other one names another client in X-Forwarded-For,
    // which is not believed from an untrusted peer.
    let started = std::time::Instant::now();
    let (mut ok, mut first_429) = (0, None);
    for i in 0..40 {
        let mut r = greedy.get(&url);
        if i % 2 == 1 {
            r = r.header("x-forwarded-for", format!("198.51.100.{i}"));
        }
        let r = r.send().await.unwrap();
        match r.status().as_u16() {
            200 => ok += 1,
            429 if first_429.is_none() => first_429 = Some(r),
            429 => {}
            other => panic!("request {i}: {other}"),
        }
    }
    let refilled = started.elapsed().as_secs() + 1;
    println!("rate limit 1/s, burst 10: 40 requests in {refilled} s or less, {ok} answered");
    assert!(
        ok >= 10 && ok as u64 <= 10 + refilled,
        "{ok} answered in {refilled} s"
    );
    let r = first_429.expect("no request was limited");
    let retry: u64 = r.headers()["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(retry, 1);
    assert_eq!(
        r.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let body = r.text().await.unwrap();
    assert!(body.contains("too many requests from 127.0.0.1"), "{body}");

    // Meanwhile the greedy client's health checks, and another client, are answered.
    let r = greedy.get(format!("{base}/healthz")).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);
    let r = other.get(&url).send().await.unwrap();
    assert_eq!(r.status().as_u16(), 200);

    // Behind a trusted proxy, clients are told apart by the right-most untrusted hop: a
    // spoofed left-most entry is the same client, a different hop is another.
    let started = std::time::Instant::now();
    let mut ok = 0;
    for i in 0..30 {
        let xff = if i % 2 == 0 {
            "203.0.113.5"
        } else {
            "6.6.6.6, 203.0.113.5"
        };
        let r = proxy
            .get(&url)
            .header("x-forwarded-for", xff)
            .send()
            .await
            .unwrap();
        ok += usize::from(r.status() == 200);
    }
    let refilled = started.elapsed().as_secs() + 1;
    assert!(
        ok >= 10 && ok as u64 <= 10 + refilled,
        "{ok} answered in {refilled} s"
    );
    let r = proxy
        .get(&url)
        .header("x-forwarded-for", "203.0.113.6")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
}

#[tokio::test]
async fn slow_clients_do_not_stall_others() {
    let app = TestApp::spawn(None).await;
    // Twenty clients that open a request and never finish it.
    let mut slow = Vec::new();
    for _ in 0..20 {
        let mut s = tokio::net::TcpStream::connect(app.addr).await.unwrap();
        s.write_all(b"GET /v1/areas?q=burnley HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            .await
            .unwrap();
        slow.push(s);
    }
    // Meanwhile everyone else is answered.
    for _ in 0..50 {
        let answered =
            tokio::time::timeout(Duration::from_secs(10), app.get("/v1/areas?q=preston"))
                .await
                .expect("a normal request stalled behind slow clients");
        assert_eq!(answered.0, 200);
    }
    drop(slow);
}
