#!/usr/bin/env python3
"""Derive the April 2021 LAD -> LEP lookup exactly as DfE's Local Skills Dashboard used it.

Writes datasets/geography/sources/lad21_lep21.csv: `LAD21CD,LAD21NM,LEP21CD,LEP21NM`, one row per
(LAD21, LEP21) pair, sorted. 309 English LAD21s; the 7 districts that lie in two LEPs (Cannock
Chase, East Staffordshire, Lichfield, Tamworth, Bromsgrove, Redditch, Wyre Forest) have two rows,
because DfE counts them in both LEPs.

Where the facts come from (repository github.com/dfe-analytical-services/lsip_dashboard):

* Membership: `Data/AppData/D_Achieve_ILR21.csv` at commit
  9468cf65cdc7e3fcb0e01ebd96f43e71bc0dcea5 (blob 9c92e2083dc8309098d468c3d05200ca8104b305), DfE's
  own committed output, written from the ONS lookup "OA11_LAD21_LSOA11_MSOA11_LEP21_EN_v3"
  (Output Area to LAD to LSOA to MSOA to LEP, April 2021) with each district counted under
  LEP21NM1 and LEP21NM2. We take its distinct (location_code, area, LEP) rows at
  geographic_level "localAuthorityDistrict" (the row "z" = outside England/unknown is dropped).
  That ONS xlsx itself is too large for the mirrored snapshot, hence the committed output.
* LEP codes: the LEP21 boundary file
  `Data/13_mapFiles/Local_Enterprise_Partnerships_(May_2021)_EN_BUC.geojson` as added in commit
  dd8896767a11cfe6e3859c0ce64e5179beae5fa9 (blob ff87d30c1d1d3e2f9f25aeff8f77f1d863802840),
  feature properties LEP21CD and LEP21NM (38 LEPs; names match the membership file exactly).

Only codes and names are taken. Source: Office for National Statistics, Open Geography, as used by
the Department for Education; Open Government Licence v3.0.

Usage:
    python3 scripts/derive_lep21.py LSIP_DASHBOARD_GIT_DIR

LSIP_DASHBOARD_GIT_DIR is a (bare) git directory of lsip_dashboard holding both blobs. Standard
library only; needs `git` on PATH. Exit status 1 if a blob is missing or a check fails.
"""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT = REPO_ROOT / "datasets" / "geography" / "sources" / "lad21_lep21.csv"

MEMBERSHIP = (
    "9468cf65cdc7e3fcb0e01ebd96f43e71bc0dcea5",
    "Data/AppData/D_Achieve_ILR21.csv",
    "9c92e2083dc8309098d468c3d05200ca8104b305",
)
BOUNDARIES = (
    "dd8896767a11cfe6e3859c0ce64e5179beae5fa9",
    "Data/13_mapFiles/Local_Enterprise_Partnerships_(May_2021)_EN_BUC.geojson",
    "ff87d30c1d1d3e2f9f25aeff8f77f1d863802840",
)
EXPECTED_LADS = 309
EXPECTED_LEPS = 38
EXPECTED_OVERLAPS = 7


class CheckFailed(Exception):
    pass


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise CheckFailed(msg)


def git(git_dir: str, *args: str) -> bytes:
    done = subprocess.run(["git", "--git-dir", git_dir, *args], capture_output=True)
    check(done.returncode == 0, f"git {' '.join(args)}: {done.stderr.decode().strip()}")
    return done.stdout


def pinned_blob(git_dir: str, source: tuple[str, str, str]) -> str:
    """The blob's text, after checking it is the one recorded at commit:path."""
    commit, path, blob = source
    found = git(git_dir, "rev-parse", f"{commit}:{path}").decode().strip()
    check(found == blob, f"{commit}:{path} is blob {found}, expected {blob}")
    return git(git_dir, "cat-file", "blob", blob).decode("utf-8-sig")


def derive(git_dir: str) -> list[tuple[str, str, str, str]]:
    features = json.loads(pinned_blob(git_dir, BOUNDARIES))["features"]
    lep_code = {f["properties"]["LEP21NM"]: f["properties"]["LEP21CD"] for f in features}
    check(len(lep_code) == EXPECTED_LEPS, f"{len(lep_code)} LEP names in the boundary file")
    check(len(set(lep_code.values())) == EXPECTED_LEPS, "LEP codes in the boundary file repeat")

    pairs = set()
    lad_names: dict[str, set[str]] = defaultdict(set)
    for r in csv.DictReader(io.StringIO(pinned_blob(git_dir, MEMBERSHIP))):
        if r["geographic_level"] != "localAuthorityDistrict" or r["location_code"] == "z":
            continue
        check(r["LEP"] in lep_code, f"{r['location_code']}: LEP {r['LEP']!r} has no LEP21 code")
        pairs.add((r["location_code"], r["area"], lep_code[r["LEP"]], r["LEP"]))
        lad_names[r["location_code"]].add(r["area"])

    check(len(lad_names) == EXPECTED_LADS, f"{len(lad_names)} LAD21s, expected {EXPECTED_LADS}")
    check(all(c.startswith(("E06", "E07", "E08", "E09")) for c in lad_names), "non-English LAD")
    check(all(len(n) == 1 for n in lad_names.values()), "a LAD21 code has two names")
    used = {p[2] for p in pairs}
    check(used == set(lep_code.values()), f"LEPs without districts: {set(lep_code.values()) - used}")
    leps_per_lad: dict[str, int] = defaultdict(int)
    for lad, *_ in pairs:
        leps_per_lad[lad] += 1
    check(max(leps_per_lad.values()) <= 2, "a LAD21 in more than two LEPs")
    overlaps = sorted(c for c, n in leps_per_lad.items() if n == 2)
    check(len(overlaps) == EXPECTED_OVERLAPS, f"districts in two LEPs: {overlaps}")
    return sorted(pairs)


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("Usage:")[1].strip().splitlines()[0].strip(), file=sys.stderr)
        return 2
    rows = derive(argv[1])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with open(OUT, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["LAD21CD", "LAD21NM", "LEP21CD", "LEP21NM"])
        w.writerows(rows)
    print(f"{OUT.relative_to(REPO_ROOT)}: {len(rows)} rows, "
          f"{len({r[0] for r in rows})} LAD21s, {len({r[2] for r in rows})} LEP21s")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except CheckFailed as e:
        print(f"CHECK FAILED: {e}", file=sys.stderr)
        sys.exit(1)
