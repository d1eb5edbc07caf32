#!/usr/bin/env python3
"""Serving: `lmi serve` on a published snapshot against a FastAPI/uvicorn app and Datasette serving
the same values.parquet (converted to SQLite for Datasette), and an axum "hello" ceiling
(issue 15, items 3 and 4).

Per server: start-up to ready (spawn until its readiness URL answers 200) and RSS when ready; then
per query a fixed-time loopback load with wrk (requests/s, p50, p99, errors = non-2xx + socket
errors); the server's RSS (whole process tree) after the load. Each peer's answer to every query
is checked to hold lmi's numbers (same value for the area/indicator/period rows) once before load.

With --raw (the raw files the snapshot was built from): a hot swap under load. `lmi serve` with
its watcher on a copy of the data directory answers the series query under wrk for the same fixed
time twice: once undisturbed, once while `lmi refresh --from RAW --force` publishes a new snapshot
into that directory a third of the way in; the second run must have no errors and end on the new
snapshot, and its p99 is the p99 during the swap (the refresh shares the machine's cores). The window is
at least three times what one publish-and-swap takes without load, so the swap falls inside it.

Run with the benchmark venv's python (scripts/bench/run does). Writes JSON to --json.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import polars as pl
import psutil

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
LOG_DIR = Path("/tmp")  # set to the JSON's directory in main()

# name -> (lmi path, fastapi path, datasette path or None)
QUERIES = {
    "series": ("/v1/areas/E30000182/indicators/ks4_apprenticeship_rate",
               "/v1/areas/E30000182/indicators/ks4_apprenticeship_rate",
               "/bench/values.json?area_code=E30000182&indicator=ks4_apprenticeship_rate&_shape=array&_size=max&_nocount=1"),
    "profile": ("/v1/areas/E07000117/profile", "/v1/areas/E07000117/profile",
                "/bench.json?_shape=array&sql=select+v.*+from+[values]+v+join+(select+indicator,max(period)+p+from+[values]"
                "+where+area_code%3D'E07000117'+group+by+indicator)+l+on+v.indicator%3Dl.indicator+and+v.period%3Dl.p"
                "+where+v.area_code%3D'E07000117'"),
    "ranking": ("/v1/indicators/ks4_apprenticeship_rate/rankings?type=lad",
                "/v1/indicators/ks4_apprenticeship_rate/rankings?type=lad",
                "/bench/values.json?indicator=ks4_apprenticeship_rate&area_type=lad&period=2022%2F23&_sort_desc=value"
                "&_shape=array&_size=max&_nocount=1"),
    "compare": ("/v1/compare?areas=E07000117,E07000122,E30000182&indicator=ks4_apprenticeship_rate",
                "/v1/compare?areas=E07000117,E07000122,E30000182&indicator=ks4_apprenticeship_rate",
                "/bench/values.json?area_code__in=E07000117,E07000122,E30000182&indicator=ks4_apprenticeship_rate"
                "&_shape=array&_size=max&_nocount=1"),
    "chart_svg": ("/v1/areas/E30000182/indicators/ks4_apprenticeship_rate/chart", None, None),
}


def get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()
    except OSError:
        return 0, b""


def tree_rss_mib(pid: int) -> float:
    try:
        p = psutil.Process(pid)
        procs = [p, *p.children(recursive=True)]
        return sum(q.memory_info().rss for q in procs) / 2**20
    except psutil.NoSuchProcess:
        return float("nan")


class Server:
    def __init__(self, name: str, cmd: list[str], ready_path: str, port: int | None, env=None, cwd=None,
                 addr_re: str | None = None):
        self.name, self.ready_path = name, ready_path
        self.log = open(LOG_DIR / f"serve-{name}.log", "w+")
        t0 = time.perf_counter()
        self.p = subprocess.Popen(cmd, stdout=self.log, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        self.base = f"http://127.0.0.1:{port}" if port else None
        deadline = t0 + 300
        while time.perf_counter() < deadline:
            if self.p.poll() is not None:
                self.log.seek(0)
                raise SystemExit(f"{name} exited: {self.log.read()[-2000:]}")
            if self.base is None and addr_re:
                self.log.seek(0)
                m = re.search(addr_re, self.log.read())
                if m:
                    self.base = m.group(1)
            if self.base and get(self.base + ready_path, timeout=1)[0] == 200:
                break
            time.sleep(0.01)
        else:
            raise SystemExit(f"{name} not ready after 300 s")
        self.ready_s = time.perf_counter() - t0
        self.ready_rss = tree_rss_mib(self.p.pid)

    def stop(self) -> None:
        for q in [*psutil.Process(self.p.pid).children(recursive=True), self.p]:
            try:
                q.terminate()
            except psutil.NoSuchProcess:
                pass
        try:
            self.p.wait(10)
        except subprocess.TimeoutExpired:
            self.p.kill()


def wrk(url: str, duration: int, conns: int, threads: int) -> dict:
    out = subprocess.run(["wrk", f"-t{threads}", f"-c{conns}", f"-d{duration}s", "--latency", url],
                         capture_output=True, text=True).stdout

    def ms(s: str | None) -> float | None:
        if not s:
            return None
        m = re.match(r"([\d.]+)(us|ms|s)", s)
        return float(m.group(1)) * {"us": 0.001, "ms": 1, "s": 1000}[m.group(2)]
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    p50 = re.search(r"^\s+50%\s+(\S+)", out, re.M)
    p99 = re.search(r"^\s+99%\s+(\S+)", out, re.M)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    return {"rps": float(rps.group(1)) if rps else 0.0, "p50_ms": ms(p50 and p50.group(1)),
            "p99_ms": ms(p99 and p99.group(1)),
            "errors": (int(non2xx.group(1)) if non2xx else 0) + (sum(map(int, sock.groups())) if sock else 0)}


def served_version(base: str) -> str | None:
    status, body = get(base + "/v1/snapshot")
    return json.loads(body).get("version") if status == 200 else None


def publish_and_wait(lmi: str, raw: Path, data_dir: Path, base: str, env: dict, timeout: float = 60) -> dict:
    """`lmi refresh --from RAW --force` into the served directory, then wait until the server answers
    with the new snapshot: seconds to publish, seconds from the start until it was served."""
    before = served_version(base)
    t0 = time.perf_counter()
    refresh = subprocess.run([lmi, "refresh", "--from", str(raw), "--data-dir", str(data_dir), "--force"],
                             env=env, capture_output=True, text=True)
    published_s = time.perf_counter() - t0
    seen_s, after = None, before
    while refresh.returncode == 0 and time.perf_counter() - t0 < timeout:
        after = served_version(base)
        if after not in (None, before):
            seen_s = time.perf_counter() - t0
            break
        time.sleep(0.02)
    return {"refresh_rc": refresh.returncode, "refresh_tail": (refresh.stdout + refresh.stderr)[-400:],
            "published_s": published_s, "served_new_after_s": seen_s, "before": before, "after": after}


def hot_swap(lmi: str, data_dir: Path, raw: Path, work: Path, duration: int, conns: int, threads: int,
             env: dict) -> dict:
    """The series query under load, undisturbed and then across a snapshot published and swapped."""
    swap_dir = work / "swap-data"
    shutil.rmtree(swap_dir, ignore_errors=True)
    shutil.copytree(data_dir, swap_dir, symlinks=True)
    s = Server("lmi_swap", [lmi, "serve", "--data-dir", str(swap_dir), "--addr", "127.0.0.1:0",
                            "--watch-interval-ms", "200"], "/readyz", None, env=env,
               addr_re=r"listening on (http://[\d.:]+)")
    try:
        # One publish without load: it must swap at all, and its time sizes the window so that the
        # publish under load starts a third of the way in and can finish inside it.
        idle = publish_and_wait(lmi, raw, swap_dir, s.base, env)
        if idle["served_new_after_s"] is None:
            return {"idle": idle, "swapped": False, "window_s": 0,
                    "steady": {"rps": 0.0, "errors": -1}, "during": {"rps": 0.0, "errors": -1}}
        window = max(duration, int(3 * idle["served_new_after_s"]) + 2)
        url = s.base + QUERIES["series"][0]
        steady = wrk(url, window, conns, threads)
        with ThreadPoolExecutor(1) as pool:
            during = pool.submit(wrk, url, window, conns, threads)
            time.sleep(window / 3)
            t0 = time.perf_counter()
            loaded = publish_and_wait(lmi, raw, swap_dir, s.base, env)
            in_window = (loaded["served_new_after_s"] is not None
                         and window / 3 + loaded["served_new_after_s"] < window)
            swapping = during.result()
        return {"idle": idle, **loaded, "window_s": window, "steady": steady, "during": swapping,
                "swapped": loaded["served_new_after_s"] is not None, "swapped_under_load": in_window}
    finally:
        s.stop()
        shutil.rmtree(swap_dir, ignore_errors=True)


def numbers(body: bytes) -> set[float]:
    """Every `value` number in a JSON body, rounded (to check a peer answers lmi's numbers)."""
    found: set[float] = set()

    def walk(x):
        if isinstance(x, dict):
            for k, v in x.items():
                if k == "value" and isinstance(v, (int, float)):
                    found.add(round(float(v), 6))
                else:
                    walk(v)
        elif isinstance(x, list):
            for v in x:
                walk(v)
    try:
        walk(json.loads(body))
    except ValueError:
        pass
    return found


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lmi", required=True)
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--hello", help="hello-axum binary (the ceiling)")
    ap.add_argument("--duration", type=int, default=5)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--starts", type=int, default=3, help="start-up measurements of lmi serve")
    ap.add_argument("--json", type=Path, required=True)
    ap.add_argument("--raw", type=Path, help="the raw files of --data-dir's snapshot: measure a hot swap under load")
    a = ap.parse_args()
    global LOG_DIR
    LOG_DIR = a.json.parent
    version = (a.data_dir / "current").read_text().strip()
    values = a.data_dir / "snapshots" / version / "values.parquet"
    work = a.json.parent
    res: dict = {"values_rows": pl.read_parquet(values, columns=["indicator"]).height, "values_bytes": values.stat().st_size,
                 "duration_s": a.duration, "connections": a.connections, "threads": a.threads, "servers": {}}

    # SQLite for Datasette
    db = work / "bench.db"
    db.unlink(missing_ok=True)
    t0 = time.perf_counter()
    df = pl.read_parquet(values)
    df = df.select([c for c in df.columns if df[c].dtype != pl.List(pl.Utf8) and not isinstance(df[c].dtype, (pl.List, pl.Struct))])
    con = sqlite3.connect(db)
    cols = df.columns
    con.execute(f"create table [values] ({', '.join(f'[{c}]' for c in cols)})")
    con.executemany(f"insert into [values] values ({', '.join('?' * len(cols))})", df.iter_rows())
    con.execute("create index ix_area_ind on [values](area_code, indicator)")
    con.execute("create index ix_rank on [values](indicator, area_type, period)")
    con.commit()
    con.close()
    res["sqlite_convert_s"] = time.perf_counter() - t0

    # Rate limiting off: the load comes from one address; this measures capacity.
    env = {**os.environ, "RUST_LOG": "warn", "NO_COLOR": "1", "LMI_RATE_LIMIT_PER_SECOND": "0"}
    starts = []
    for _ in range(a.starts):
        s = Server("lmi", [a.lmi, "serve", "--data-dir", str(a.data_dir), "--addr", "127.0.0.1:0",
                           "--watch-interval-ms", "0"], "/readyz", None, env=env, addr_re=r"listening on (http://[\d.:]+)")
        starts.append({"ready_s": s.ready_s, "rss_mib": s.ready_rss})
        s.stop()
    res["lmi_startup"] = starts
    py = sys.executable
    servers = [
        ("lmi", lambda: Server("lmi", [a.lmi, "serve", "--data-dir", str(a.data_dir), "--addr", "127.0.0.1:0",
                                       "--watch-interval-ms", "0"], "/readyz", None, env=env,
                               addr_re=r"listening on (http://[\d.:]+)"), 0),
        ("fastapi", lambda: Server("fastapi", [py, "-m", "uvicorn", "fastapi_app:app", "--port", "18931", "--workers",
                                               str(a.threads), "--log-level", "warning", "--no-access-log"], "/healthz",
                                   18931, env={**os.environ, "LMI_VALUES": str(values)}, cwd=HERE / "peers"), 1),
        ("datasette", lambda: Server("datasette", [py, "-m", "datasette", "serve", str(db), "-p", "18932", "--immutable",
                                                   str(db), "--setting", "sql_time_limit_ms", "10000", "--setting",
                                                   "max_returned_rows", "100000"], "/-/versions.json", 18932), 2),
    ]
    if a.hello:
        servers.append(("axum_hello", lambda: Server("axum_hello", [a.hello], "/healthz", None,
                                                     addr_re=r"listening on (http://[\d.:]+)"), None))
    lmi_numbers: dict[str, set[float]] = {}
    for name, start, col in servers:
        s = start()
        entry = {"ready_s": s.ready_s, "ready_rss_mib": s.ready_rss, "queries": {}}
        queries = {"hello": "/healthz"} if col is None else {q: paths[col] for q, paths in QUERIES.items() if paths[col]}
        if name == "lmi":
            queries = {"healthz": "/healthz", **queries}
        for q, path in queries.items():
            status, body = get(s.base + path)
            check = None
            if name == "lmi":
                lmi_numbers[q] = numbers(body)
            elif q in lmi_numbers:
                mine = numbers(body)  # every number the peer serves is one lmi serves for the query
                check = bool(mine) and mine <= lmi_numbers[q]
            r = wrk(s.base + path, a.duration, a.connections, a.threads) if status == 200 else {"rps": 0.0, "errors": -1}
            r.update(status=status, bytes=len(body), equal_numbers=check)
            entry["queries"][q] = r
            print(f"  {name:10s} {q:9s} {r['rps']:10.0f} req/s p50 {r.get('p50_ms')} ms p99 {r.get('p99_ms')} ms "
                  f"errors {r['errors']} ({status}, {len(body)} B, numbers equal: {check})", flush=True)
        entry["rss_after_mib"] = tree_rss_mib(s.p.pid)
        s.stop()
        res["servers"][name] = entry
        print(f"{name}: ready in {s.ready_s:.2f} s, RSS {s.ready_rss:.0f} MiB ready, {entry['rss_after_mib']:.0f} MiB after load",
              flush=True)
    if a.raw:
        res["hot_swap"] = hs = hot_swap(a.lmi, a.data_dir, a.raw, work, a.duration, a.connections, a.threads, env)
        print(f"hot swap ({hs['window_s']} s windows): steady p99 {hs['steady'].get('p99_ms')} ms, across the swap "
              f"p99 {hs['during'].get('p99_ms')} ms, errors {hs['during']['errors']}, new snapshot served "
              f"{hs.get('served_new_after_s')} s after its refresh began, swapped {hs['swapped']}, "
              f"inside the window {hs.get('swapped_under_load')}", flush=True)
    a.json.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
