#!/usr/bin/env bash
# Bounded loopback load test of `lmi serve` on the bundled sample with wrk (Debian: `apt-get
# install wrk`): 64 connections for DURATION per endpoint. Prints requests/s, p50 and p99 per
# endpoint and, for comparison across machines, each endpoint's throughput as a ratio of the
# /healthz baseline measured in the same run. Errors (non-2xx, socket errors) are reported.
#
#   scripts/bench/load.sh                       # 10 s per endpoint, 64 connections
#   DURATION=30s CONNECTIONS=128 scripts/bench/load.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION="${DURATION:-10s}"
CONNECTIONS="${CONNECTIONS:-64}"
THREADS="${THREADS:-2}"
command -v wrk >/dev/null || { echo "wrk is needed (Debian/Ubuntu: apt-get install wrk)" >&2; exit 2; }

cargo build --release -p lmi-cli >&2
WORK="$(mktemp -d)"
RUST_LOG=warn target/release/lmi serve --data-dir "$WORK/data" --addr 127.0.0.1:0 \
  --watch-interval-ms 0 --rate-limit-per-second 0 >"$WORK/out" 2>"$WORK/err" &
PID=$!
trap 'kill "$PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
BASE=""
for _ in $(seq 1 300); do
  BASE="$(sed -n 's/^lmi listening on \(http:[^ ]*\).*/\1/p' "$WORK/out")"
  [ -n "$BASE" ] && break
  kill -0 "$PID" 2>/dev/null || { cat "$WORK/err" >&2; exit 1; }
  sleep 1
done
[ -n "$BASE" ] || { echo "lmi serve did not start" >&2; exit 1; }

ENDPOINTS=(
  "baseline /healthz"
  "series /v1/areas/E30000182/indicators/ks4_apprenticeship_rate"
  "profile /v1/areas/E07000117/profile"
  "rankings /v1/indicators/ks4_apprenticeship_rate/rankings?type=lad"
  "compare /v1/compare?areas=E07000117,E07000122,E30000182&indicator=ks4_apprenticeship_rate"
  "search /v1/areas?q=lanc"
  "series_csv /v1/areas/E30000182/indicators/ks4_apprenticeship_rate?format=csv"
)

printf '%s connections, %s threads, %s per endpoint, server %s (release build)\n' \
  "$CONNECTIONS" "$THREADS" "$DURATION" "$BASE"
printf '%-12s %12s %10s %10s %10s %8s\n' endpoint 'req/s' p50 p99 'x healthz' errors
baseline=""
for entry in "${ENDPOINTS[@]}"; do
  name="${entry%% *}"
  path="${entry#* }"
  out="$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$BASE$path")"
  rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
  p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
  p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
  non2xx="$(awk '/Non-2xx or 3xx responses:/ {print $NF}' <<<"$out")"
  sock="$(awk '/Socket errors:/ {s=0; for (i=3;i<=NF;i++) if ($i ~ /^[0-9]+,?$/) s+=$i; print s}' <<<"$out")"
  errors=$(( ${non2xx:-0} + ${sock:-0} ))
  [ -z "$baseline" ] && baseline="$rps"
  ratio="$(awk -v a="$rps" -v b="$baseline" 'BEGIN {printf "%.2f", a / b}')"
  printf '%-12s %12s %10s %10s %10s %8s\n' "$name" "$rps" "$p50" "$p99" "$ratio" "$errors"
done
