#!/usr/bin/env python3
"""Postcode directory benchmark (issue 26): a full-size synthetic NSPL, then lmi's compact index
against a HashMap<String, row of Strings> baseline, measured in the same run.

1. Writes a synthetic directory in the published NSPL column layout (scripts/make_sample_postcodes.py's
   header and row shape): --rows postcodes (default 2,700,000, the size of the real directory), spread
   over the 296 current districts in proportion to nothing but their order (synthetic outward codes
   `AA1`..`ZZ99`, inward codes sectors 0-8, so every `…9ZZ` query is a miss), each with a real LSOA 2021
   and TTWA code of lmi's geography, ~1 in 12 terminated.
2. Builds the `postcode_index` example of lmi-core (release unless --profile dev) and runs it once per
   index in its own process, so each process's resident memory (/proc/self/statm, after minus before
   building) is that index's: build time, resident memory added, lookups per second (half hits typed
   in lower case with two spaces, half misses; parsing included).
3. Prints both and the ratios (compact / baseline).

    python3 scripts/bench/postcodes.py                     # full size: the lead's run
    python3 scripts/bench/postcodes.py --rows 20000 --profile dev --lookups 200000   # a quick check
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "scripts"))
import make_sample_postcodes as sample  # noqa: E402

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
INWARD = [f"{s}{a}{b}" for s in range(9) for a in sample.INWARD_LETTERS for b in sample.INWARD_LETTERS]


def outward_codes():
    for a in LETTERS:
        for b in LETTERS:
            for n in range(1, 100):
                yield f"{a}{b}{n}"


def generate(path: Path, n_rows: int, seed: int) -> int:
    rng = random.Random(seed)
    parents, overlaps, lsoas = sample.geography()
    per = -(-n_rows // len(parents))  # ceiling
    outward = outward_codes()
    n = 0
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(sample.HEADER)
        for p in parents:
            lad = p["lad_code"]
            ttwas = [t for t, _ in sorted(overlaps.get(lad, []), key=lambda o: -o[1]) if t in lsoas]
            k = 0
            while k < per and n < n_rows:
                o = next(outward)
                for inward in INWARD:
                    if k >= per or n >= n_rows:
                        break
                    ttwa = ttwas[0] if rng.random() < 0.8 or len(ttwas) == 1 else rng.choice(ttwas)
                    doterm = "" if rng.random() >= 1 / 12 else f"{rng.randint(2000, 2025)}{rng.randint(1, 12):02d}"
                    w.writerow(sample.nspl_row(f"{o} {inward}", "198001", doterm, p, lad, ttwa,
                                               rng.choice(lsoas[ttwa])))
                    k += 1
                    n += 1
    return n


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=2_700_000)
    ap.add_argument("--lookups", type=int, default=2_000_000)
    ap.add_argument("--profile", default="release", choices=["release", "dev"])
    ap.add_argument("--work", type=Path, default=ROOT / "target" / "bench" / "postcodes")
    ap.add_argument("--seed", type=int, default=20261207)
    ap.add_argument("--json", type=Path, help="also write the results here")
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    csv_path = args.work / f"nspl_synthetic_{args.rows}.csv"
    if not csv_path.exists():
        n = generate(csv_path, args.rows, args.seed)
        print(f"wrote {csv_path} ({n:,} postcodes, {csv_path.stat().st_size / 1e6:.0f} MB, synthetic)")
    cargo = ["cargo", "build", "--workspace", "--example", "postcode_index"]
    if args.profile == "release":
        cargo.append("--release")
    subprocess.run(cargo, cwd=ROOT, check=True)
    target = ROOT / "target" / ("release" if args.profile == "release" else "debug") / "examples" / "postcode_index"
    results = {}
    for mode in ("hashmap", "compact"):
        out = subprocess.run([str(target), mode, str(csv_path), str(args.lookups)],
                             check=True, capture_output=True, text=True).stdout
        results[mode] = json.loads(out)
        r = results[mode]
        print(f"{mode:8} rows {r['rows']:,}  build {r['build_seconds']:.2f} s  "
              f"heap +{r['heap_added_bytes'] / 2**20:.0f} MiB (resident +{r['rss_added_bytes'] / 2**20:.0f} MiB)  "
              f"{r['lookups_per_second']:,.0f} lookups/s  (found {r['found']:,} of {r['lookups']:,})")
    c, h = results["compact"], results["hashmap"]
    if c["found"] != h["found"]:
        print(f"the two indexes disagree: {c['found']} against {h['found']} found", file=sys.stderr)
        return 1
    ratios = {
        "build_time": c["build_seconds"] / max(h["build_seconds"], 1e-9),
        "heap_memory": c["heap_added_bytes"] / max(h["heap_added_bytes"], 1),
        "lookups_per_second": c["lookups_per_second"] / max(h["lookups_per_second"], 1e-9),
    }
    print(f"compact / HashMap baseline ({args.profile} build): build time x{ratios['build_time']:.2f}, "
          f"heap memory held x{ratios['heap_memory']:.2f}, lookups per second x{ratios['lookups_per_second']:.2f}")
    if args.json:
        args.json.write_text(json.dumps({"profile": args.profile, "results": results, "ratios": ratios}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
