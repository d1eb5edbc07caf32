"""FastAPI peer of `lmi serve`: the same values.parquet held in memory (polars -> dicts, indexed once
at start-up), answering the benchmark's queries idiomatically (default JSON responses).

    LMI_VALUES=.../values.parquet uvicorn fastapi_app:app
"""
import csv
import os
from collections import defaultdict
from pathlib import Path

import polars as pl
from fastapi import FastAPI, HTTPException, Query

REPO = Path(__file__).resolve().parents[3]
COLS = ["indicator", "area_code", "area_type", "period", "numerator", "denominator", "value", "status",
        "approximate", "coverage", "ci_lower", "ci_upper", "change_1", "change_5", "rank", "rank_of"]
df = pl.read_parquet(os.environ["LMI_VALUES"])
rows = df.select([c for c in COLS if c in df.columns]).to_dicts()
series = defaultdict(list)   # (area, indicator) -> rows by period
by_area = defaultdict(list)
ranking = defaultdict(list)  # (indicator, area_type, period) -> rows
for r in rows:
    series[(r["area_code"], r["indicator"])].append(r)
    by_area[r["area_code"]].append(r)
    ranking[(r["indicator"], r["area_type"], r["period"])].append(r)
for v in series.values():
    v.sort(key=lambda r: r["period"])
latest = {}
for (ind, at, p), v in ranking.items():
    v.sort(key=lambda r: (r["value"] is None, -(r["value"] or 0)))
    if p > latest.get((ind, at), ""):
        latest[(ind, at)] = p
parents = {}
with open(REPO / "datasets" / "geography" / "lad_parents.csv") as f:
    for r in csv.DictReader(f):
        parents[r["lad_code"]] = [c for c in (r["county_code"], r["combined_authority_code"], r["region_code"]) if c] + ["E92000001"]

app = FastAPI()


@app.get("/healthz")
def healthz():
    return "ok"


@app.get("/v1/areas/{code}/indicators/{ind}")
def get_series(code: str, ind: str):
    if (code, ind) not in series:
        raise HTTPException(404, "no such area or indicator")
    comps = parents.get(code, ["E92000001"])
    return {"area": code, "indicator": ind, "series": series[(code, ind)],
            "comparators": [{"area": c, "series": series.get((c, ind), [])} for c in comps]}


@app.get("/v1/areas/{code}/profile")
def profile(code: str):
    if code not in by_area:
        raise HTTPException(404, "no such area")
    best = {}
    for r in by_area[code]:
        if r["indicator"] not in best or r["period"] > best[r["indicator"]]["period"]:
            best[r["indicator"]] = r
    return {"area": code, "indicators": list(best.values())}


@app.get("/v1/indicators/{ind}/rankings")
def rankings(ind: str, type: str = "lad", period: str | None = None):
    p = period or latest.get((ind, type))
    if p is None:
        raise HTTPException(404, "no such indicator")
    return {"indicator": ind, "area_type": type, "period": p, "rows": ranking[(ind, type, p)]}


@app.get("/v1/compare")
def compare(areas: str = Query(...), indicator: str = Query(...)):
    return {"indicator": indicator, "areas": [{"area": a, "series": series.get((a, indicator), [])} for a in areas.split(",")]}
