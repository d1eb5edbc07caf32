#!/usr/bin/env bash
# Times a full `lmi render pack --within AREA` run (default E47000018, Lancashire: the combined
# authority, its 14 districts and 5 Travel to Work Areas) on the bundled sample: first HTML only
# (the baseline: snapshot lookups and every chart drawn), then HTML + PDF (Chromium), and prints
# the total time of each and the PDF run as a ratio of the baseline measured in the same run.
#
#   scripts/bench/packs.sh                  # release build, Lancashire
#   PROFILE=debug AREA=E47000001 scripts/bench/packs.sh
set -euo pipefail
cd "$(dirname "$0")/../.."

AREA="${AREA:-E47000018}"
PROFILE="${PROFILE:-release}"
if [ "$PROFILE" = release ]; then cargo build --release -p lmi-cli >&2; else cargo build -p lmi-cli >&2; fi
LMI="${CARGO_TARGET_DIR:-target}/$PROFILE/lmi"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# Build the snapshot once, outside the timings.
RUST_LOG=warn "$LMI" refresh --from datasets/sample --data-dir "$WORK/data" >/dev/null

run() {
  local start end
  start=$(date +%s.%N)
  RUST_LOG=warn "$LMI" render pack --within "$AREA" --data-dir "$WORK/data" --out "$WORK/$1" "${@:2}" \
    | grep "^rendered" >&2
  end=$(date +%s.%N)
  echo "$end - $start" | bc
}
html=$(run html --no-pdf)
pdf=$(run pdf)
packs=$(ls "$WORK/pdf"/*.pdf | wc -l)
printf 'packs within %s: %d\n' "$AREA" "$packs"
printf '%-12s %8.2f s total %7.3f s/pack   1.00x\n' "HTML only" "$html" "$(echo "$html / $packs" | bc -l)"
printf '%-12s %8.2f s total %7.3f s/pack %6.2fx\n' "HTML + PDF" "$pdf" "$(echo "$pdf / $packs" | bc -l)" \
  "$(echo "$pdf / $html" | bc -l)"
