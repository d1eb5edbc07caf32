//! Per-client rate limiting: each client address gets a steady allowance of requests per second
//! with a burst on top (GCRA, the `governor` crate); past it, `429 Too Many Requests` with
//! `Retry-After`, before any work is done. Health checks and metrics are never limited, so a
//! load balancer or Prometheus is not locked out by a busy client behind the same address.
//!
//! The client is the connection's peer address, or, when the peer is a trusted proxy
//! (`api.trusted_proxies`), the right-most address in `X-Forwarded-For` that is not itself a
//! trusted proxy (the left-most entries can be written by the client and are not believed).
//! IPv6 clients are counted per /64, the smallest block one subscriber is usually given.
//! Requests that reach the router without a peer address (in-process tests) are not limited.

use crate::config::{ApiConfig, TrustedProxies};
use crate::error::problem;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use std::net::{IpAddr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The address a connection came from, put on each request by the server's accept loop.
#[derive(Debug, Clone, Copy)]
pub struct PeerAddr(pub SocketAddr);

/// Paths never limited: liveness, readiness and metrics.
const UNLIMITED: &[&str] = &["/healthz", "/readyz", "/metrics"];

/// Forget clients idle long enough to be back at a full allowance every this many checks, so
/// the table holds only recent clients.
const FORGET_EVERY: u64 = 4096;

pub(crate) struct Limiter {
    limiter: DefaultKeyedRateLimiter<IpAddr>,
    clock: DefaultClock,
    trusted: TrustedProxies,
    checks: AtomicU64,
    rate: u32,
    burst: u32,
}

impl Limiter {
    /// The limiter `config` asks for; none when `rate_limit_per_second` is 0.
    pub(crate) fn from_config(config: &ApiConfig) -> Option<Arc<Limiter>> {
        let rate = NonZeroU32::new(config.rate_limit_per_second)?;
        let burst = NonZeroU32::new(config.rate_limit_burst).unwrap_or(rate);
        let clock = DefaultClock::default();
        Some(Arc::new(Limiter {
            limiter: RateLimiter::dashmap_with_clock(
                Quota::per_second(rate).allow_burst(burst),
                clock.clone(),
            ),
            clock,
            trusted: config.trusted_proxies.clone(),
            checks: AtomicU64::new(0),
            rate: rate.get(),
            burst: burst.get(),
        }))
    }

    /// `Err(wait)` when `client` has used its allowance; `wait` is how long until it may retry.
    fn check(&self, client: IpAddr) -> Result<(), std::time::Duration> {
        if self.checks.fetch_add(1, Ordering::Relaxed) % FORGET_EVERY == FORGET_EVERY - 1 {
            self.limiter.retain_recent();
            self.limiter.shrink_to_fit();
        }
        self.limiter
            .check_key(&key(client))
            .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
    }

    /// Clients remembered now (for tests and metrics).
    #[cfg(test)]
    pub(crate) fn clients(&self) -> usize {
        self.limiter.len()
    }

    /// Who sent `req`: the peer, or the first untrusted hop in `X-Forwarded-For` when the peer
    /// is a trusted proxy.
    fn client(&self, req: &Request) -> Option<IpAddr> {
        let peer = canonical(req.extensions().get::<PeerAddr>()?.0.ip());
        if !self.trusted.contains(peer) {
            return Some(peer);
        }
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        for hop in forwarded.iter().rev() {
            match hop.parse::<IpAddr>() {
                Ok(ip) if self.trusted.contains(canonical(ip)) => continue,
                Ok(ip) => return Some(canonical(ip)),
                // A hop that is not an address (e.g. `unknown`): the proxy before it is the
                // last one that can be named.
                Err(_) => return Some(peer),
            }
        }
        Some(peer)
    }
}

/// IPv4-mapped IPv6 addresses are their IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// The key a client is counted under: its IPv4 address, or its IPv6 /64.
fn key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => {
            let prefix = u128::from(v6) & !((1u128 << 64) - 1);
            IpAddr::V6(Ipv6Addr::from(prefix))
        }
        v4 => v4,
    }
}

/// The middleware: answers `429` to a client over its allowance.
pub(crate) async fn per_client(
    State(limiter): State<Option<Arc<Limiter>>>,
    req: Request,
    next: Next,
) -> Response {
    let Some(limiter) = limiter else {
        return next.run(req).await;
    };
    if UNLIMITED.contains(&req.uri().path()) {
        return next.run(req).await;
    }
    let Some(client) = limiter.client(&req) else {
        return next.run(req).await;
    };
    match limiter.check(client) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            let seconds = wait.as_secs_f64().ceil().max(1.0) as u64;
            tracing::debug!(%client, retry_after = seconds, "rate limited");
            let mut response = problem(
                StatusCode::TOO_MANY_REQUESTS,
                format!(
                    "too many requests from {client}: this server answers each client at most \
                     {} requests a second (bursts of {}); retry after {seconds} s",
                    limiter.rate, limiter.burst,
                ),
            );
            if let Ok(v) = HeaderValue::from_str(&seconds.to_string()) {
                response.headers_mut().insert(header::RETRY_AFTER, v);
            }
            response
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limiter(rate: u32, burst: u32, trusted: &str) -> Arc<Limiter> {
        let config = ApiConfig {
            rate_limit_per_second: rate,
            rate_limit_burst: burst,
            trusted_proxies: TrustedProxies::parse(trusted).unwrap(),
            ..ApiConfig::default()
        };
        Limiter::from_config(&config).unwrap()
    }

    fn request(peer: &str, forwarded: Option<&str>) -> Request {
        let mut req = Request::get("/v1/areas")
            .body(axum::body::Body::empty())
            .unwrap();
        req.extensions_mut().insert(PeerAddr(peer.parse().unwrap()));
        if let Some(f) = forwarded {
            req.headers_mut()
                .insert("x-forwarded-for", HeaderValue::from_str(f).unwrap());
        }
        req
    }

    #[test]
    fn a_client_gets_its_burst_then_waits_and_others_are_untouched() {
        let l = limiter(1, 3, "");
        let a: IpAddr = "203.0.113.7".parse().unwrap();
        let b: IpAddr = "203.0.113.8".parse().unwrap();
        for _ in 0..3 {
            assert!(l.check(a).is_ok());
        }
        let wait = l.check(a).unwrap_err();
        assert!(
            wait.as_secs_f64() > 0.0 && wait.as_secs_f64() <= 1.0,
            "{wait:?}"
        );
        assert!(l.check(b).is_ok());
        assert_eq!(l.clients(), 2);
    }

    #[test]
    fn ipv6_clients_share_their_64_and_mapped_ipv4_is_ipv4() {
        let l = limiter(1, 1, "");
        assert!(
            l.check(canonical("2001:db8:1:2::1".parse().unwrap()))
                .is_ok()
        );
        assert!(
            l.check(canonical("2001:db8:1:2::ffff".parse().unwrap()))
                .is_err()
        );
        assert!(
            l.check(canonical("2001:db8:1:3::1".parse().unwrap()))
                .is_ok()
        );
        assert_eq!(
            canonical("::ffff:192.0.2.1".parse().unwrap()),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
    }

    #[test]
    fn forwarded_for_is_believed_only_from_trusted_proxies() {
        let l = limiter(10, 10, "10.0.0.0/8, 192.0.2.1");
        // Untrusted peer: its own address, whatever the header says.
        let r = request("198.51.100.9:5000", Some("203.0.113.1"));
        assert_eq!(l.client(&r), Some("198.51.100.9".parse().unwrap()));
        // Trusted peer: the right-most untrusted hop; a spoofed left-most entry is ignored.
        let r = request("10.1.2.3:5000", Some("6.6.6.6, 203.0.113.1, 192.0.2.1"));
        assert_eq!(l.client(&r), Some("203.0.113.1".parse().unwrap()));
        // Trusted peer without the header, or with garbage: the peer.
        let r = request("10.1.2.3:5000", None);
        assert_eq!(l.client(&r), Some("10.1.2.3".parse().unwrap()));
        let r = request("10.1.2.3:5000", Some("unknown"));
        assert_eq!(l.client(&r), Some("10.1.2.3".parse().unwrap()));
    }

    #[test]
    fn idle_clients_are_forgotten() {
        let l = limiter(1000, 1, "");
        for i in 0..200u8 {
            let _ = l.check(IpAddr::from([198, 51, 100, i]));
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
        l.limiter.retain_recent();
        assert_eq!(l.clients(), 0);
    }
}
