#!/usr/bin/env python3
"""Generate the sample's simplified boundary files in datasets/sample/boundaries/.

Unlike scripts/make_sample.py (synthetic values), boundaries are geography facts: this script
reads ONS's real boundary files (PROVENANCE.md, `boundaries/` of the shared data folder) and
writes smaller, simplified files in the same layouts, so the emulated publishers serve them and
`lmi refresh --from datasets/sample` reads them:

  boundaries/els_uk_areas.topo.json   the ELS app's TopoJSON, object `ltla` only, English
                                      districts live today (no `end`), arcs simplified
  boundaries/ttwa11_uk_buc.topo.json  TTWAs 2011 BUC TopoJSON, object `data`, English and
                                      cross-border TTWAs (E30, K01), arcs simplified
  boundaries/lsip23_en_buc.geojson    LSIP areas 2023 BUC GeoJSON, still in British National Grid
                                      (EPSG:27700, its `crs` member kept), rings simplified

TopoJSON arcs are simplified once each (Douglas-Peucker in the quantised grid, end points kept),
so neighbours still share their edges. Output is deterministic.

Usage: python3 scripts/make_sample_boundaries.py [REAL_DATA_DIR]   (default: $LMI_REAL_DATA)
"""

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "datasets" / "sample" / "boundaries"
# About 300 m: plenty for a county map, and it keeps the three files near 300 KB together.
TOLERANCE_DEGREES = 0.003
TOLERANCE_METRES = 300.0

ATTRIBUTION = """Boundaries in this folder: simplified by scripts/make_sample_boundaries.py from ONS's
boundary files (provenance: the shared data folder's PROVENANCE.md, `boundaries/`):

- els_uk_areas.topo.json: ONS Explore Local Statistics app, src/lib/data/topo.json (districts, 2025).
- ttwa11_uk_buc.topo.json: ONS Travel to Work Areas (December 2011) UK BUC (500 m), as TopoJSON.
- lsip23_en_buc.geojson: ONS Local Skills Improvement Plan Areas (August 2023) Boundaries EN BUC,
  British National Grid (EPSG:27700).

Source: Office for National Statistics licensed under the Open Government Licence v3.0.
Contains OS data © Crown copyright and database right 2025 (districts), 2011 (travel to work
areas), 2023 (LSIP areas).

These are real boundaries, simplified (about 300 m), not synthetic; the sample's VALUES elsewhere
in datasets/sample are synthetic.
"""


def rdp(points, tol):
    """Douglas-Peucker keeping both ends; points are (x, y) tuples."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        a, b = stack.pop()
        (ax, ay), (bx, by) = points[a], points[b]
        dx, dy = bx - ax, by - ay
        norm = (dx * dx + dy * dy) ** 0.5
        best, at = -1.0, None
        for i in range(a + 1, b):
            px, py = points[i]
            if norm == 0:
                d = ((px - ax) ** 2 + (py - ay) ** 2) ** 0.5
            else:
                d = abs(dy * px - dx * py + bx * ay - by * ax) / norm
            if d > best:
                best, at = d, i
        if at is not None and best > tol:
            keep[at] = True
            stack.append((a, at))
            stack.append((at, b))
    return [p for p, k in zip(points, keep) if k]


def arc_indices(arcs):
    """Every arc index in a geometry's nested `arcs`."""
    if isinstance(arcs, int):
        yield arcs
    else:
        for a in arcs:
            yield from arc_indices(a)


def remap(arcs, new):
    if isinstance(arcs, int):
        return new[arcs] if arcs >= 0 else ~new[~arcs]
    return [remap(a, new) for a in arcs]


def subset_topology(path, obj, keep, out):
    topo = json.loads(path.read_text())
    scale = topo["transform"]["scale"]
    geometries = [g for g in topo["objects"][obj]["geometries"] if keep(g["properties"])]
    used = sorted({i if i >= 0 else ~i for g in geometries for i in arc_indices(g["arcs"])})
    new = {old: n for n, old in enumerate(used)}
    tol = TOLERANCE_DEGREES / max(scale)
    arcs = []
    for old in used:
        x = y = 0
        absolute = []
        for dx, dy in topo["arcs"][old]:
            x += dx
            y += dy
            absolute.append((x, y))
        simple = rdp(absolute, tol)
        delta, px, py = [], 0, 0
        for x, y in simple:
            delta.append([x - px, y - py])
            px, py = x, y
        arcs.append(delta)
    for g in geometries:
        g["arcs"] = remap(g["arcs"], new)
    result = {
        "type": "Topology",
        "transform": topo["transform"],
        "arcs": arcs,
        "objects": {obj: {"type": "GeometryCollection", "geometries": geometries}},
    }
    out.write_text(json.dumps(result, separators=(",", ":")) + "\n")
    return len(geometries)


def simplify_lsip(path, out):
    fc = json.loads(path.read_text())
    keep_props = ["FID", "LSIP23CD", "LSIP23NM", "BNG_E", "BNG_N", "LONG", "LAT"]

    def ring(r):
        pts = rdp([tuple(p[:2]) for p in r], TOLERANCE_METRES)
        return [[round(x), round(y)] for x, y in pts]

    features = []
    for f in fc["features"]:
        g = f["geometry"]
        if g["type"] == "Polygon":
            coords = [ring(r) for r in g["coordinates"]]
            coords = [r for r in coords if len(r) >= 4]
        else:
            coords = [[ring(r) for r in p] for p in g["coordinates"]]
            coords = [[r for r in p if len(r) >= 4] for p in coords]
            coords = [p for p in coords if p]
        features.append(
            {
                "type": "Feature",
                "properties": {k: f["properties"][k] for k in keep_props},
                "geometry": {"type": g["type"], "coordinates": coords},
            }
        )
    result = {"type": "FeatureCollection", "crs": fc["crs"], "features": features}
    out.write_text(json.dumps(result, separators=(",", ":")) + "\n")
    return len(features)


def main():
    real = Path(sys.argv[1] if len(sys.argv) > 1 else os.environ.get("LMI_REAL_DATA", ""))
    src = real / "boundaries"
    if not src.is_dir():
        sys.exit(f"no boundaries/ under {real!s}: pass the real data folder or set LMI_REAL_DATA")
    OUT.mkdir(parents=True, exist_ok=True)
    n = subset_topology(
        src / "els_uk_areas.topo.json",
        "ltla",
        lambda p: p["areacd"].startswith("E") and "end" not in p,
        OUT / "els_uk_areas.topo.json",
    )
    print(f"els_uk_areas.topo.json: {n} districts")
    n = subset_topology(
        src / "ttwa11_uk_buc.topo.json",
        "data",
        lambda p: p["AREACD"][:3] in ("E30", "K01"),
        OUT / "ttwa11_uk_buc.topo.json",
    )
    print(f"ttwa11_uk_buc.topo.json: {n} travel to work areas")
    n = simplify_lsip(src / "lsip23_en_buc.geojson", OUT / "lsip23_en_buc.geojson")
    print(f"lsip23_en_buc.geojson: {n} LSIP areas")
    (OUT / "ATTRIBUTION.md").write_text(ATTRIBUTION)


if __name__ == "__main__":
    main()
