//! Prometheus metrics through `prometheus-client` (OpenMetrics text): request counts and latency
//! histograms per route, requests in flight, snapshot swaps and reload outcomes, the served
//! snapshot, and the chart cache.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;
use std::time::Duration;

/// Latency buckets, in seconds: the API answers in well under a millisecond to a few seconds.
const BUCKETS: [f64; 10] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 2.5,
];

/// The content type of [`Metrics::render`].
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResultLabels {
    result: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct VersionLabels {
    version: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new(BUCKETS)
}

/// The server's metrics, registered once.
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    in_flight: Gauge,
    reloads: Family<ResultLabels, Counter>,
    swaps: Counter,
    snapshot: Family<VersionLabels, Gauge>,
    loaded_at: Gauge,
    chart_entries: Gauge,
    chart_bytes: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let m = Metrics {
            registry: Registry::default(),
            requests: Family::default(),
            latency: Family::new_with_constructor(latency_histogram),
            in_flight: Gauge::default(),
            reloads: Family::default(),
            swaps: Counter::default(),
            snapshot: Family::default(),
            loaded_at: Gauge::default(),
            chart_entries: Gauge::default(),
            chart_bytes: Gauge::default(),
        };
        let mut registry = Registry::default();
        registry.register(
            "lmi_http_requests",
            "HTTP requests answered, by route and status",
            m.requests.clone(),
        );
        registry.register(
            "lmi_http_request_duration_seconds",
            "Time to answer, by route",
            m.latency.clone(),
        );
        registry.register(
            "lmi_http_requests_in_flight",
            "Requests being answered",
            m.in_flight.clone(),
        );
        registry.register(
            "lmi_snapshot_info",
            "The snapshot being served",
            m.snapshot.clone(),
        );
        registry.register(
            "lmi_snapshot_loaded_timestamp_seconds",
            "When the served snapshot was swapped in",
            m.loaded_at.clone(),
        );
        registry.register(
            "lmi_snapshot_swaps",
            "Snapshots swapped in since start (the first load counts)",
            m.swaps.clone(),
        );
        registry.register(
            "lmi_snapshot_reloads",
            "Reloads of a newly published snapshot, by result",
            m.reloads.clone(),
        );
        registry.register(
            "lmi_chart_cache_entries",
            "Drawn charts kept in memory",
            m.chart_entries.clone(),
        );
        registry.register(
            "lmi_chart_cache_bytes",
            "Bytes of drawn charts kept in memory",
            m.chart_bytes.clone(),
        );
        Metrics { registry, ..m }
    }
}

impl Metrics {
    pub fn started(&self) {
        self.in_flight.inc();
    }

    pub fn finished(&self, method: &str, route: &str, status: u16, elapsed: Duration) {
        self.in_flight.dec();
        self.requests
            .get_or_create(&RequestLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(elapsed.as_secs_f64());
    }

    pub fn reload(&self, ok: bool) {
        let result = if ok { "ok" } else { "failed" };
        self.reloads.get_or_create(&ResultLabels { result }).inc();
    }

    pub fn snapshot_swapped(&self, version: &str) {
        self.swaps.inc();
        self.snapshot.clear();
        self.snapshot
            .get_or_create(&VersionLabels {
                version: version.to_owned(),
            })
            .set(1);
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.loaded_at.set(i64::try_from(now).unwrap_or(i64::MAX));
    }

    /// The OpenMetrics text, with the chart cache's current size.
    pub fn render(&self, chart_entries: usize, chart_bytes: u64) -> String {
        self.chart_entries
            .set(i64::try_from(chart_entries).unwrap_or(i64::MAX));
        self.chart_bytes
            .set(i64::try_from(chart_bytes).unwrap_or(i64::MAX));
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
