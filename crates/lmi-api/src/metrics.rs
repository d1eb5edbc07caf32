//! Prometheus metrics, hand-rolled: request counts and latency histograms per route, snapshot
//! swaps and reload outcomes, rendered in the text exposition format.

use crate::state::lock;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Duration;

const BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
];

#[derive(Debug, Default)]
struct Histogram {
    buckets: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

#[derive(Debug, Default)]
pub struct Metrics {
    /// (method, route, status) -> count.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    /// route -> latency histogram.
    latency: Mutex<BTreeMap<String, Histogram>>,
    in_flight: AtomicI64,
    reloads_ok: AtomicU64,
    reloads_failed: AtomicU64,
    swaps: AtomicU64,
    snapshot: Mutex<(String, u64)>,
}

impl Metrics {
    pub fn started(&self) {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
    }

    pub fn finished(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.in_flight.fetch_sub(1, Ordering::Relaxed);
        *lock(&self.requests)
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        let secs = elapsed.as_secs_f64();
        let mut latency = lock(&self.latency);
        let h = latency.entry(route.to_owned()).or_default();
        for (i, le) in BUCKETS.iter().enumerate() {
            if secs <= *le {
                h.buckets[i] += 1;
            }
        }
        h.sum += secs;
        h.count += 1;
    }

    pub fn reload(&self, ok: bool) {
        if ok {
            &self.reloads_ok
        } else {
            &self.reloads_failed
        }
        .fetch_add(1, Ordering::Relaxed);
    }

    pub fn snapshot_swapped(&self, version: &str) {
        self.swaps.fetch_add(1, Ordering::Relaxed);
        *lock(&self.snapshot) = (version.to_owned(), unix_now());
    }

    /// The Prometheus text format (version 0.0.4).
    pub fn render(&self) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP lmi_http_requests_total HTTP requests answered, by route and status.\n",
        );
        out.push_str("# TYPE lmi_http_requests_total counter\n");
        for ((method, route, status), n) in lock(&self.requests).iter() {
            let _ = writeln!(
                out,
                "lmi_http_requests_total{{method=\"{}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(method),
                escape(route)
            );
        }
        out.push_str("# HELP lmi_http_request_duration_seconds Time to answer, by route.\n");
        out.push_str("# TYPE lmi_http_request_duration_seconds histogram\n");
        for (route, h) in lock(&self.latency).iter() {
            let route = escape(route);
            for (le, n) in BUCKETS.iter().zip(h.buckets) {
                let _ = writeln!(
                    out,
                    "lmi_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"{le}\"}} {n}"
                );
            }
            let _ = writeln!(
                out,
                "lmi_http_request_duration_seconds_bucket{{route=\"{route}\",le=\"+Inf\"}} {}",
                h.count
            );
            let _ = writeln!(
                out,
                "lmi_http_request_duration_seconds_sum{{route=\"{route}\"}} {}",
                h.sum
            );
            let _ = writeln!(
                out,
                "lmi_http_request_duration_seconds_count{{route=\"{route}\"}} {}",
                h.count
            );
        }
        let (version, loaded) = lock(&self.snapshot).clone();
        let _ = write!(
            out,
            "# HELP lmi_http_requests_in_flight Requests being answered.\n\
             # TYPE lmi_http_requests_in_flight gauge\n\
             lmi_http_requests_in_flight {}\n\
             # HELP lmi_snapshot_info The snapshot being served.\n\
             # TYPE lmi_snapshot_info gauge\n\
             lmi_snapshot_info{{version=\"{}\"}} 1\n\
             # HELP lmi_snapshot_loaded_timestamp_seconds When the served snapshot was swapped in.\n\
             # TYPE lmi_snapshot_loaded_timestamp_seconds gauge\n\
             lmi_snapshot_loaded_timestamp_seconds {loaded}\n\
             # HELP lmi_snapshot_swaps_total Snapshots swapped in since start (the first load counts).\n\
             # TYPE lmi_snapshot_swaps_total counter\n\
             lmi_snapshot_swaps_total {}\n\
             # HELP lmi_snapshot_reloads_total Reloads of a newly published snapshot, by result.\n\
             # TYPE lmi_snapshot_reloads_total counter\n\
             lmi_snapshot_reloads_total{{result=\"ok\"}} {}\n\
             lmi_snapshot_reloads_total{{result=\"failed\"}} {}\n",
            self.in_flight.load(Ordering::Relaxed),
            escape(&version),
            self.swaps.load(Ordering::Relaxed),
            self.reloads_ok.load(Ordering::Relaxed),
            self.reloads_failed.load(Ordering::Relaxed),
        );
        out
    }
}

fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

fn unix_now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}
