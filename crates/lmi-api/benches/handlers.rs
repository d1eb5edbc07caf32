//! Criterion benchmarks of the series, profile and rankings handlers, run in-process through the
//! full router (middleware included) over a synthetic snapshot with every area of the bundled
//! geography. Two baselines are measured in the same run and every benchmark is reported as a
//! ratio to them: `/healthz` through the same stack (the fixed cost of a request), and one area's
//! series found by scanning every value (what the load-time indexes avoid; compare it with
//! `series_lookup_indexed`, the same lookup through the index).
//!
//! `cargo bench -p lmi-api --bench handlers`

// Test and benchmark code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use axum::body::Body;
use axum::http::Request;
use criterion::Criterion;
use lmi_core::{AreaType, Derived, Geography, INDICATORS, IndicatorValue, Status};
use lmi_store::{MANIFEST_FORMAT, Manifest, Snapshot};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use tower::ServiceExt;

const PERIODS: [&str; 5] = ["2018/19", "2019/20", "2020/21", "2021/22", "2022/23"];

/// Every indicator for every area and period, with values that vary by area.
fn snapshot(geo: &Geography) -> Snapshot {
    let mut values = Vec::new();
    for (n, area) in geo.areas().enumerate() {
        for def in INDICATORS {
            for (p, period) in PERIODS.iter().enumerate() {
                let den = 1000.0 + n as f64;
                let num = ((n * 7 + p * 3) % 100) as f64;
                values.push(IndicatorValue {
                    stale: false,
                    indicator: def.id.to_owned(),
                    area_code: area.code.clone(),
                    area_type: area.area_type,
                    period: (*period).to_owned(),
                    numerator: Some(num),
                    denominator: Some(den),
                    value: Some(num / den * 100.0),
                    status: Status::Ok,
                    approximate: area.area_type == AreaType::Ttwa,
                    coverage: None,
                    constituents: 1,
                    ci_lower: None,
                    ci_upper: None,
                    derived: Derived::default(),
                });
            }
        }
    }
    let manifest = Manifest {
        format: MANIFEST_FORMAT,
        version: "bench".into(),
        created_at: "2026-11-23T00:00:00Z".into(),
        lmi_version: "0.1.0".into(),
        sample: None,
        sources: Vec::new(),
        indicators: Vec::new(),
        files: Vec::new(),
        warnings: Vec::new(),
        inputs_sha256: None,
        geography: None,
    };
    Snapshot { manifest, values }
}

/// Mean time per iteration of every benchmark, collected while criterion measures.
static MEANS: Mutex<BTreeMap<&'static str, (u64, Duration)>> = Mutex::new(BTreeMap::new());

fn record(name: &'static str, iters: u64, elapsed: Duration) {
    let mut m = MEANS.lock().unwrap();
    let e = m.entry(name).or_default();
    e.0 += iters;
    e.1 += elapsed;
}

fn bench_get(
    c: &mut Criterion,
    rt: &tokio::runtime::Runtime,
    router: &axum::Router,
    name: &'static str,
    uri: &'static str,
) {
    c.bench_function(name, |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                let response = rt.block_on(async {
                    let r = router
                        .clone()
                        .oneshot(Request::get(uri).body(Body::empty()).unwrap())
                        .await
                        .unwrap();
                    assert_eq!(r.status(), 200, "{uri}");
                    axum::body::to_bytes(r.into_body(), usize::MAX)
                        .await
                        .unwrap()
                });
                black_box(response);
            }
            let elapsed = start.elapsed();
            record(name, iters, elapsed);
            elapsed
        })
    });
}

fn main() {
    let geo = Geography::bundled().expect("geography");
    let snap = snapshot(geo);
    let all_values = snap.values.clone();
    let state = lmi_api::AppState::new(snap, geo);
    let served = state.current();
    let router = lmi_api::router(state);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut c = Criterion::default()
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2))
        .configure_from_args();

    bench_get(&mut c, &rt, &router, "baseline_healthz", "/healthz");
    c.bench_function("baseline_series_by_scan", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                let mut s: Vec<&IndicatorValue> = all_values
                    .iter()
                    .filter(|v| {
                        v.indicator == "ks4_apprenticeship_rate"
                            && v.area_code == black_box("E07000117")
                    })
                    .collect();
                s.sort_by(|a, b| a.period.cmp(&b.period));
                black_box(serde_json::to_vec(&s).unwrap());
            }
            let elapsed = start.elapsed();
            record("baseline_series_by_scan", iters, elapsed);
            elapsed
        })
    });
    // The same lookup through the load-time index, to set against the scan.
    c.bench_function("series_lookup_indexed", |b| {
        b.iter_custom(|iters| {
            let start = Instant::now();
            for _ in 0..iters {
                let s: Vec<&IndicatorValue> = served
                    .series("ks4_apprenticeship_rate", black_box("E07000117"))
                    .collect();
                black_box(serde_json::to_vec(&s).unwrap());
            }
            let elapsed = start.elapsed();
            record("series_lookup_indexed", iters, elapsed);
            elapsed
        })
    });
    bench_get(
        &mut c,
        &rt,
        &router,
        "series",
        "/v1/areas/E07000117/indicators/ks4_apprenticeship_rate",
    );
    bench_get(
        &mut c,
        &rt,
        &router,
        "series_csv",
        "/v1/areas/E07000117/indicators/ks4_apprenticeship_rate?format=csv",
    );
    bench_get(
        &mut c,
        &rt,
        &router,
        "profile",
        "/v1/areas/E07000117/profile",
    );
    bench_get(
        &mut c,
        &rt,
        &router,
        "rankings_lad",
        "/v1/indicators/ks4_apprenticeship_rate/rankings?type=lad",
    );
    c.final_summary();

    let means: BTreeMap<&str, f64> = MEANS
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, (n, _))| *n > 0)
        .map(|(k, (n, d))| (*k, d.as_secs_f64() / *n as f64))
        .collect();
    let (Some(&health), Some(&scan)) = (
        means.get("baseline_healthz"),
        means.get("baseline_series_by_scan"),
    ) else {
        return; // a filter excluded the baselines
    };
    println!(
        "\n{:<26} {:>12} {:>16} {:>16}",
        "benchmark", "mean", "x /healthz", "x series-by-scan"
    );
    for (name, mean) in &means {
        println!(
            "{name:<26} {:>10.1}µs {:>16.2} {:>16.2}",
            mean * 1e6,
            mean / health,
            mean / scan
        );
    }
    println!(
        "(values: {}; areas: {})",
        all_values.len(),
        geo.areas().count()
    );
}
