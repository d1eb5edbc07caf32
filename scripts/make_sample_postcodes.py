#!/usr/bin/env python3
"""Synthetic sample of ONS's postcode directory (NSPL) for lmi's postcode lookup (issue 26).

Writes datasets/sample/geography/nspl_uk.csv in the published NSPL column layout (header of the
May 2025 edition: pcd, pcd2, pcds, dointr, doterm, usertype, ..., laua, ..., rgn, ..., ttwa, ...,
lsoa21, ..., lep1, lep2, ...). SYNTHETIC: the area codes are real (districts, counties, regions
from datasets/geography/lad_parents.csv; TTWAs a district overlaps from lad_ttwa.csv; LSOA 2021
codes of that TTWA from lsoa21_ttwa.csv, so a postcode's LSOA is not necessarily in its
district), the postcodes are made up: Lancashire's districts get outward codes of their real
postcode areas (PR, BB, FY, LA, L) with invented inward codes, every other district an outward
code of the non-existent areas ZZ, ZY and ZX. About one in twelve is terminated, and one
terminated postcode keeps a retired district code (Aylesbury Vale), so the successor path is
exercised. Reads only datasets/geography; output is byte-for-byte reproducible.

Also used by scripts/bench/postcodes.py (``rows(n)``) to write a full-size directory.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GEO = ROOT / "datasets" / "geography"
OUT = ROOT / "datasets" / "sample" / "geography" / "nspl_uk.csv"
SEED = 20261207

# The NSPL header (May 2025 edition), as public code reading NSPL_MAY_2025_UK.csv quotes it.
HEADER = (
    "pcd,pcd2,pcds,dointr,doterm,usertype,oseast1m,osnrth1m,osgrdind,oa21,cty,ced,laua,ward,"
    "nhser,ctry,rgn,pcon,ttwa,itl,park,lsoa21,msoa21,wz11,sicbl,bua24,ruc21,oac11,lat,long,"
    "lep1,lep2,pfa,imd,icb"
).split(",")

# Lancashire's districts and an outward code of their real postcode area (synthetic inward codes).
LANCASHIRE_OUTWARD = {
    "E07000117": ["BB11", "BB10"],  # Burnley
    "E07000118": ["PR7"],  # Chorley
    "E07000119": ["FY8"],  # Fylde
    "E07000120": ["BB5"],  # Hyndburn
    "E07000121": ["LA1"],  # Lancaster
    "E07000122": ["BB9"],  # Pendle
    "E07000123": ["PR1", "PR2"],  # Preston
    "E07000124": ["BB7"],  # Ribble Valley
    "E07000125": ["BB4"],  # Rossendale
    "E07000126": ["PR25"],  # South Ribble
    "E07000127": ["L39"],  # West Lancashire
    "E07000128": ["FY5"],  # Wyre
    "E06000008": ["BB1"],  # Blackburn with Darwen
    "E06000009": ["FY1"],  # Blackpool
}
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters Royal Mail uses in inward codes


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def geography():
    parents = read_csv(GEO / "lad_parents.csv")
    overlaps: dict[str, list[tuple[str, float]]] = {}
    for r in read_csv(GEO / "lad_ttwa.csv"):
        overlaps.setdefault(r["lad_code"], []).append((r["ttwa_code"], float(r["share_of_lad"])))
    lsoas: dict[str, list[str]] = {}
    for r in read_csv(GEO / "lsoa21_ttwa.csv"):
        lsoas.setdefault(r["ttwa_code"], []).append(r["lsoa21_code"])
    return parents, overlaps, lsoas


def outward_codes(parents: list[dict[str, str]]) -> dict[str, list[str]]:
    out = {}
    synthetic = [f"{area}{n}" for area in ("ZZ", "ZY", "ZX") for n in range(1, 100)]
    i = 0
    for p in parents:
        code = p["lad_code"]
        if code in LANCASHIRE_OUTWARD:
            out[code] = LANCASHIRE_OUTWARD[code]
        else:
            out[code] = [synthetic[i]]
            i += 1
    return out


def nspl_row(pcds: str, dointr: str, doterm: str, p: dict[str, str], lad: str, ttwa: str,
             lsoa: str) -> list[str]:
    outward, inward = pcds.split(" ")
    pcd = f"{outward:<4}{inward}"  # 7 characters, the outward code padded
    pcd2 = f"{outward:<5}{inward}"  # 8 characters
    row = dict.fromkeys(HEADER, "")
    row.update(
        pcd=pcd, pcd2=pcd2, pcds=pcds, dointr=dointr, doterm=doterm, usertype="0",
        cty=p["county_code"] or "E99999999", laua=lad, ctry="E92000001", rgn=p["region_code"],
        ttwa=ttwa, lsoa21=lsoa, osgrdind="1",
    )
    return [row[h] for h in HEADER]


def rows(per_district: dict[str, int], rng: random.Random, *, retired: bool = True):
    """NSPL rows: `per_district[lad]` postcodes per district (every district of the registry)."""
    parents, overlaps, lsoas = geography()
    outward = outward_codes(parents)
    for p in parents:
        lad = p["lad_code"]
        ttwas = [t for t, _ in sorted(overlaps.get(lad, []), key=lambda o: -o[1]) if t in lsoas]
        n = per_district.get(lad, 0)
        k = 0
        for sector in range(10):
            for letters in (a + b for a in INWARD_LETTERS for b in INWARD_LETTERS):
                if k >= n:
                    break
                for o in outward[lad]:
                    if k >= n:
                        break
                    pcds = f"{o} {sector}{letters}"
                    # Most postcodes in the district's main TTWA, some in the others it overlaps.
                    ttwa = ttwas[0] if rng.random() < 0.8 or len(ttwas) == 1 else rng.choice(ttwas)
                    lsoa = rng.choice(lsoas[ttwa])
                    dointr = f"{rng.randint(1980, 2020)}{rng.randint(1, 12):02d}"
                    doterm = ""
                    if rng.random() < 1 / 12:
                        doterm = f"{rng.randint(int(dointr[:4]) + 1, 2025)}{rng.randint(1, 12):02d}"
                    yield nspl_row(pcds, dointr, doterm, p, lad, ttwa, lsoa)
                    k += 1
            if k >= n:
                break
    if retired:
        # A postcode terminated before Buckinghamshire replaced Aylesbury Vale (2020) keeps the
        # retired district code; lmi answers with its successor.
        bucks = next(p for p in parents if p["lad_code"] == "E06000060")
        ttwa = sorted(overlaps["E06000060"], key=lambda o: -o[1])[0][0]
        yield nspl_row("ZW1 1AA", "199001", "201906", bucks, "E07000004", ttwa, lsoas[ttwa][0])


def main() -> int:
    rng = random.Random(SEED)
    parents, _, _ = geography()
    per_district = {p["lad_code"]: 12 if p["lad_code"] in LANCASHIRE_OUTWARD else 2 for p in parents}
    OUT.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with OUT.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, quoting=csv.QUOTE_ALL, lineterminator="\n")
        w.writerow(HEADER)
        for r in rows(per_district, rng):
            w.writerow(r)
            n += 1
    print(f"{OUT.relative_to(ROOT)}: {n} postcodes (synthetic)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
