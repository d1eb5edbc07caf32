#!/usr/bin/env python3
"""Raw files -> indicators: `lmi refresh --from` against the same computation in polars, DuckDB
and pandas (scripts/bench/peers/), at several generator scales (issue 15, items 2 and 4).

Every process is timed from spawn to exit (wall) with its peak resident memory (ru_maxrss from
wait4, no sampling). lmi publishes a snapshot; each peer writes a parquet that is compared with
lmi's values.parquet (numerator, denominator and value of every row of the peer subset, relative
tolerance 1e-9, missing == missing, same set of rows) BEFORE its time counts: a run whose output
differs is reported as a mismatch and not timed. Also measured per scale: a second
`lmi refresh --from` over the same directory (nothing changed) and `lmi validate`. With
--publishers (lmi-testkit's `publishers` example: the emulated Nomis, EES and ONS routes serving a
directory over loopback), a fetching `lmi refresh` of the served scale's files into an empty data
directory (every catalogue source the emulator serves, Nomis paging included) and again where
nothing changed (conditional requests).

Run it with the benchmark venv's python (scripts/bench/run does). Writes JSON to --json.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

import polars as pl

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE / "peers"))
from common import CENSUS, KS4_RATES, POST16_RATES  # noqa: E402

PEERS = ["polars", "duckdb", "pandas"]
SUBSET = [*CENSUS, *KS4_RATES, *POST16_RATES]
KEYS = ["indicator", "area_code", "area_type", "period"]


def measure(cmd: list[str], env: dict | None = None, log: Path | None = None) -> dict:
    """Wall seconds and peak RSS (MiB) of one child process, by wait4."""
    out = open(log, "wb") if log else subprocess.DEVNULL
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    if log:
        out.close()
    return {"wall_s": wall, "rss_mib": ru.ru_maxrss / 1024, "rc": p.returncode}


def current_snapshot(data_dir: Path) -> Path:
    version = (data_dir / "current").read_text().strip()
    return data_dir / "snapshots" / version


def current_values(data_dir: Path) -> Path:
    return current_snapshot(data_dir) / "values.parquet"


def manifest_counts(snapshot: Path) -> dict:
    """Sources, observations and the bytes of the files lmi read (as the snapshot's manifest lists
    them, earlier releases included; not everything in the input directory)."""
    sources = json.loads((snapshot / "manifest.json").read_text())["sources"]
    return {"sources": len(sources),
            "observations": sum(s.get("observations", 0) for s in sources),
            "input_bytes": sum(s["bytes"] + sum(e["bytes"] for e in s.get("earlier_files", []))
                               for s in sources)}


def compare(lmi_values: Path, peer_out: Path) -> tuple[int, int, list[str]]:
    """(rows compared, mismatches, examples) between lmi's values and a peer's output."""
    lmi = (pl.read_parquet(lmi_values, columns=[*KEYS, "numerator", "denominator", "value"])
           .filter(pl.col("indicator").is_in(SUBSET)))
    peer = pl.read_parquet(peer_out).with_columns(pl.col(c).cast(pl.Float64) for c in ["numerator", "denominator", "value"])
    if peer.select(KEYS).is_duplicated().any():
        return len(peer), len(peer), ["duplicate keys in the peer output"]
    j = lmi.join(peer, on=KEYS, how="full", suffix="_peer", coalesce=True)
    bad = pl.lit(False)
    for c in ["numerator", "denominator", "value"]:
        a, b = pl.col(c), pl.col(f"{c}_peer")
        differs = (a.is_null() != b.is_null()) | ((a - b).abs() > 1e-9 * pl.max_horizontal(a.abs(), b.abs(), pl.lit(1.0)))
        bad = bad | differs.fill_null(False)
    wrong = j.filter(bad)
    examples = [str(r) for r in wrong.head(5).rows()]
    return len(j), len(wrong), examples


def lmi_refreshes(lmi: str, raw: Path, work: Path, label: str, runs: int, env: dict) -> tuple[list[dict], Path]:
    """`lmi refresh --from RAW` into a fresh data directory per run (the previous one removed);
    the runs' measures and the last run's data directory."""
    measured, data = [], work / f"data-{label}-0"
    for i in range(runs):
        data = work / f"data-{label}-{i}"
        shutil.rmtree(data, ignore_errors=True)
        log = work / f"lmi-refresh-{label}.log"
        m = measure([lmi, "refresh", "--from", str(raw), "--data-dir", str(data)], env, log)
        if m["rc"] != 0:
            print(log.read_text(), file=sys.stderr)
            raise SystemExit(f"lmi refresh --from {raw} failed (exit {m['rc']})")
        measured.append(m)
        if i:
            shutil.rmtree(work / f"data-{label}-{i - 1}", ignore_errors=True)
    return measured, data


def fetching_refreshes(lmi: str, publishers: str, raw: Path, work: Path, runs: int, env: dict) -> dict:
    """`lmi refresh` (fetching) against the emulated publishers serving `raw`: `runs` refreshes into
    empty data directories, then `runs` more into the last one, where nothing changed."""
    import psutil
    server = subprocess.Popen([publishers, str(raw)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=subprocess.DEVNULL, text=True)
    try:
        line = server.stdout.readline().split()
        urls = dict(kv.split("=", 1) for kv in line)
        if not urls.get("LMI_NOMIS_BASE_URL"):
            raise RuntimeError(f"publishers printed no base URLs: {line}")
        fenv = {**env, **urls}
        proc = psutil.Process(server.pid)

        def cpu() -> float:
            t = proc.cpu_times()
            return t.user + t.system

        def one(data: Path, log: Path) -> dict:
            c0 = cpu()
            m = measure([lmi, "refresh", "--data-dir", str(data)], fenv, log)
            m["emulator_cpu_s"] = cpu() - c0
            text = log.read_text()
            summary = [ln for ln in text.splitlines() if " fetched, " in ln and "bytes downloaded" in ln]
            m["summary"] = summary[-1].strip() if summary else ""
            m["downloaded_bytes"] = int(m["summary"].rsplit(";", 1)[-1].split()[0]) if summary else None
            rows = [ln.split() for ln in text.splitlines() if ln.startswith("census2021_ts067_lsoa ")]
            # columns: source, outcome (one or two words), requests, downloaded, pages, rows
            m["lsoa_pages"] = int(rows[-1][-2]) if rows and rows[-1][-2].isdigit() else None
            if m["rc"] != 0:
                raise RuntimeError(f"lmi refresh (fetching) exited {m['rc']}: {text[-800:]}")
            return m

        cold = []
        for i in range(runs):
            data = work / f"data-fetch-{i}"
            shutil.rmtree(data, ignore_errors=True)
            cold.append(one(data, work / "lmi-fetch.log"))
        before = current_snapshot(data)
        warm = [one(data, work / "lmi-fetch-noop.log") for _ in range(runs)]
        out = {"raw": str(raw), "cold": cold, "noop": warm, **manifest_counts(before),
               "published_new_snapshot": current_snapshot(data) != before,
               "noop_tail": (work / "lmi-fetch-noop.log").read_text()[-400:]}
        for i in range(runs):
            shutil.rmtree(work / f"data-fetch-{i}", ignore_errors=True)
        return out
    finally:
        server.stdin.close()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lmi", required=True)
    ap.add_argument("--scales", default="0.05,0.25,1")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--work", type=Path, required=True)
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument("--peers", default=",".join(PEERS))
    ap.add_argument("--publishers", help="lmi-testkit's `publishers` example binary: also time a fetching refresh")
    a = ap.parse_args()
    py = sys.executable
    geo = REPO / "datasets" / "geography"
    env = {**os.environ, "RUST_LOG": "warn", "NO_COLOR": "1"}
    results = {"runs": a.runs, "scales": []}
    for scale in [float(s) for s in a.scales.split(",")]:
        raw = a.work / f"raw-{scale:g}"
        gen = subprocess.run([py, str(HERE / "generate.py"), "--out", str(raw), "--scale", str(scale)],
                             check=True, capture_output=True, text=True).stdout
        print(gen, end="", flush=True)
        files = [p for p in raw.rglob("*.csv") if "census_oa" not in p.parts]
        res = {"scale": scale, "generator": gen, "raw_bytes": sum(p.stat().st_size for p in files),
               "raw_rows": sum(sum(1 for _ in open(p, "rb")) - 1 for p in files), "tools": {}}
        lmi_runs, data = lmi_refreshes(a.lmi, raw, a.work, f"{scale:g}", a.runs, env)
        values = current_values(data)
        indicators = pl.read_parquet(values, columns=["indicator"])
        res["lmi_values_rows"] = indicators.height
        res["lmi_subset_rows"] = indicators.filter(pl.col("indicator").is_in(SUBSET)).height
        res["tools"]["lmi"] = {"runs": lmi_runs}
        # nothing changed: the same files again into the same data directory
        before = current_snapshot(data)
        noop = [measure([a.lmi, "refresh", "--from", str(raw), "--data-dir", str(data)], env, a.work / "lmi-noop.log")
                for _ in range(a.runs)]
        res["lmi_noop"] = {"runs": noop, "published_new_snapshot": current_snapshot(data) != before,
                           "log_tail": (a.work / "lmi-noop.log").read_text()[-600:]}
        val = measure([a.lmi, "validate", "--data-dir", str(data)], env, a.work / "lmi-validate.log")
        res["lmi_validate"] = {**val, "log_tail": (a.work / "lmi-validate.log").read_text()[-400:]}
        # the reruns published (and pruned: keep_snapshots) snapshots; compare with the current one
        values = current_values(data)
        print(f"scale {scale:g}: lmi refresh {statistics.median(r['wall_s'] for r in lmi_runs):.2f} s, "
              f"{max(r['rss_mib'] for r in lmi_runs):.0f} MiB; no-change {statistics.median(r['wall_s'] for r in noop):.2f} s"
              f" (new snapshot: {res['lmi_noop']['published_new_snapshot']}); validate rc {val['rc']}", flush=True)
        for peer in a.peers.split(","):
            runs, checks = [], []
            for i in range(a.runs):
                out = a.work / f"peer-{peer}.parquet"
                out.unlink(missing_ok=True)
                m = measure([py, str(HERE / "peers" / f"{peer}_peer.py"), str(raw), str(geo), str(out)], None,
                            a.work / f"peer-{peer}.log")
                if m["rc"] != 0:
                    checks.append({"rows": 0, "mismatches": -1, "examples": [(a.work / f"peer-{peer}.log").read_text()[-800:]]})
                    break
                n, bad, ex = compare(values, out)
                checks.append({"rows": n, "mismatches": bad, "examples": ex})
                if bad == 0:
                    runs.append(m)
            res["tools"][peer] = {"runs": runs, "checks": checks}
            ok = "equal to lmi on %d rows" % checks[0]["rows"] if all(c["mismatches"] == 0 for c in checks) else f"MISMATCH {checks[-1]}"
            med = f"{statistics.median(r['wall_s'] for r in runs):.2f} s, {max(r['rss_mib'] for r in runs):.0f} MiB" if runs else "not timed"
            print(f"  {peer}: {med}; {ok}", flush=True)
        shutil.rmtree(raw / "census_oa", ignore_errors=True)
        results["scales"].append(res)
        # Serving is measured on the national snapshot (scale 1; scales above 1 only add years
        # of the series) or, when no scale reaches it, the largest one.
        if "lmi_data_dir" not in results or scale <= 1:
            results["lmi_data_dir"] = str(data)
            results["lmi_raw_dir"] = str(raw)
            results["served_scale"] = scale
    if a.publishers:
        f = fetching_refreshes(a.lmi, a.publishers, Path(results["lmi_raw_dir"]), a.work, a.runs, env)
        f["scale"] = results["served_scale"]
        results["fetching"] = f
        print(f"fetching refresh (scale {f['scale']:g}, emulated publishers): "
              f"{statistics.median(r['wall_s'] for r in f['cold']):.2f} s cold "
              f"({f['cold'][0]['downloaded_bytes'] or 0:,} bytes), "
              f"{statistics.median(r['wall_s'] for r in f['noop']):.2f} s unchanged "
              f"(new snapshot: {f['published_new_snapshot']})", flush=True)
    # lmi on the real published files (../shared/data via LMI_REAL_DATA), when they are here: the
    # national figure that no generator choice can flatter. The peers read the generator's layouts
    # only, so they are not run on these.
    real = Path(os.environ["LMI_REAL_DATA"]) if os.environ.get("LMI_REAL_DATA") else None
    if real and real.is_dir():
        runs, data = lmi_refreshes(a.lmi, real, a.work, "real", a.runs, env)
        results["real"] = {
            "dir": str(real), "runs": runs, **manifest_counts(current_snapshot(data)),
            "values_rows": pl.read_parquet(current_values(data), columns=["indicator"]).height,
        }
        shutil.rmtree(data, ignore_errors=True)
        print(f"real files ({real}): lmi refresh {statistics.median(r['wall_s'] for r in runs):.2f} s, "
              f"{max(r['rss_mib'] for r in runs):.0f} MiB, {results['real']['observations']:,} observations", flush=True)
    a.json.write_text(json.dumps(results, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
