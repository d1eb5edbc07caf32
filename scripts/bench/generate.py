#!/usr/bin/env python3
"""Deterministic national-scale SYNTHETIC raw data for the lmi benchmarks (issue 15).

Writes a directory that `lmi refresh --from DIR` reads, in the real raw layouts of the sources
(the same headers and conventions as datasets/sample/, see its README and the parsers in
crates/lmi-ingest/src):

  census/census2021_ts067_lsoa21.csv   Census 2021 TS067, every 2021 LSOA of England and Wales
                                       (LSOA21CD,LSOA21NM,LAD22CD,LAD22NM + 8 count columns)
  census/census2021_ts067_lad22.csv    the same summed to districts (LAD22CD,LAD22NM + 8 counts)
  census_oa/census2021-ts067-oa.csv    the Nomis bulk layout (date,geography,geography code + 8
                                       counts) for every 2021 output area of England and Wales; only
                                       when the real OA->LSOA lookup is found (--geo-lookups). lmi
                                       does not read OA tables (its TS067 reader refuses them), so
                                       this file is the "what you download" input of the peers'
                                       optional OA path only; LSOA rows are its exact sums.
  dfe/ks4_destinations_lad.csv         DfE KS4 destination measures, wide EES layout, 10 years
  dfe/ks5_16_18_destinations_lad.csv   DfE 16-18 destination measures, wide EES layout, 10 years x
                                       4 cohort_level_group rows (Total = sum of the three groups)
  nomis/aps_qualifications_by_age_lad_2017_2021.csv
                                       Nomis APS T19 (tidied web query layout), ten calendar years
                                       (Jan 2012-Dec 2012 .. Jan 2021-Dec 2021), England + districts
  census/census2021_ts063_lsoa21.csv   Census 2021 TS063 occupation, every LSOA (the TS067 LSOA
  census/census2021_ts063_lad22.csv    layout with the 10 TS063 columns), and summed to districts
  census/census2021_ts066_lsoa21_nomis_api.csv
  census/census2021_ts060a_lsoa21_nomis_api.csv
                                       Census 2021 TS066 economic activity and TS060A industry,
                                       every LSOA, in the Nomis API layout the emulated publishers
                                       serve (a fetching refresh asks Nomis for them by LSOA)
  dfe/apprenticeships_home_to_delivery_lad23_2223_2526.csv
                                       DfE apprenticeships by home x delivery district, four years,
                                       national density (~38,000 pairs a year, as the real file)
  everything else in datasets/sample   copied unchanged (FE achievements, ONS ELS series, ...:
                                       national district-level files already; not scaled, not part
                                       of the peer comparison), so every source lmi needs is there
  SAMPLE.toml                          marks the directory as synthetic (lmi labels the snapshot so)

Area codes are REAL: districts, regions and names from datasets/geography/*.csv; the 33,755 English
2021 LSOA codes from datasets/geography/lsoa21_ttwa.csv. The census tables also hold Wales (22
districts, 1,917 LSOAs, 10,275 OAs at scale 1; a seeded fraction below), as published, with codes and
names from the real lookups only: lmi and the peers serve England and must leave Wales out. Which district each LSOA lies in is not in
datasets/geography: it is read from the ONS exact LSOA11->LSOA21->LAD22 lookup when found
(--geo-lookups, default ../shared/data/geography or $LMI_REAL_DATA/geography), otherwise each TTWA's
LSOAs are dealt out to the districts overlapping it in proportion to lad_ttwa.csv's LSOA counts
(a GENERATED assignment; the script says which it used). Output-area codes come only from the real
OA21->LSOA21 lookup in the same directory. Every value is made up (seeded).

--scale S (0 < S <= 20): 1 = every district of England with all its LSOAs/OAs; S < 1 keeps a seeded
random S-fraction of districts (always including the 14 Lancashire ones) with their small areas.
S > 1 keeps every district and writes S x 10 years (rounded) of the yearly series (KS4 and 16-18
destinations, APS T19) instead of ten, ending at the same latest year, so the growth of every tool
can be measured beyond the national size (England has only so many districts and LSOAs; Census 2021
is one year, so the census tables stay national-sized). Years before the real series began are as
synthetic as the values.
Standard library only. Usage:

    python3 scripts/bench/generate.py --out target/bench/data-1x --scale 1
    python3 scripts/bench/generate.py --out /tmp/raw --scale 0.05 --quiet
"""

from __future__ import annotations

import argparse
import csv
import gzip
import os
import random
import shutil
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GEO = REPO / "datasets" / "geography"
SAMPLE = Path(os.environ.get("LMI_BENCH_SAMPLE", REPO / "datasets" / "sample"))
SEED = 15_2026

ENGLAND = ("E92000001", "England")
LANCASHIRE = {"E06000008", "E06000009"} | {f"E070001{n}" for n in range(17, 29)}


def ks_years(n: int) -> list[str]:
    """`n` academic years ending 202223 (DfE time_period: 201314 .. 202223 for ten)."""
    return [f"{y}{(y + 1) % 100:02d}" for y in range(2023 - n, 2023)]


def aps_years(n: int) -> list[int]:
    """`n` calendar years ending 2021."""
    return list(range(2022 - n, 2022))

SUPPRESSED = {"E09000001", "E06000053"}  # City of London, Isles of Scilly: `c` in one year
SUPPRESSED_YEAR = "201920"

TS067 = [
    "Total: All usual residents aged 16 years and over", "No qualifications",
    "Level 1 and entry level qualifications", "Level 2 qualifications", "Apprenticeship",
    "Level 3 qualifications", "Level 4 qualifications and above", "Other qualifications",
]
TS067_COLUMNS = [f"Highest level of qualification: {c}" for c in TS067]
KS4_HEADER = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "pcon_code",
    "pcon_name", "lad_code", "lad_name", "breakdown_topic", "level_methodology",
    "institution_group", "breakdown", "data_type", "cohort", "education", "appren",
    "all_work", "all_notsust", "all_unknown",
]
KS5_HEADER = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "pcon_code",
    "pcon_name", "lad_code", "lad_name", "opportunity_area_code", "opportunity_area_name",
    "cohort_level", "breakdown_topic", "level_methodology", "institution_group",
    "cohort_level_group", "breakdown", "data_type", "cohort", "education", "appren",
    "all_work", "all_notsust", "all_unknown",
]
KS5_GROUPS = ["All other qualifications", "Level 2", "Level 3"]
DEST = ["education", "appren", "all_work", "all_notsust", "all_unknown"]
NOMIS_HEADER = ["date", "area_type", "area_name", "area_code", "cell", "number", "flag", "conf_95_pm"]
NOMIS_LEVELS = ["None", "NVQ1", "NVQ2", "Trade Apprenticeships", "NVQ3", "NVQ4+", "Other Qualifications"]
NOMIS_CELLS = [f"T19:{i} (Total - All people aged 16-64 : {lab} )" for i, lab in enumerate(NOMIS_LEVELS, 1)]


FLOWS_FILE = "dfe/apprenticeships_home_to_delivery_lad23_2223_2526.csv"
FLOWS_YEARS = ["2022/23", "2023/24", "2024/25", "2025/26 (Aug to Apr)"]


def sample_header(rel: str) -> list[str]:
    """The header row of a bundled sample file (the real layout; see datasets/sample/README.md)."""
    with open(SAMPLE / rel, encoding="utf-8", newline="") as f:
        return next(csv.reader(f))


def read_csv(path: Path) -> list[dict[str, str]]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


class Writer:
    """CSV writer that counts rows and bytes (LF line endings, minimal quoting, as the sample)."""

    def __init__(self, path: Path, header: list[str]):
        path.parent.mkdir(parents=True, exist_ok=True)
        self.path = path
        self.f = open(path, "w", encoding="utf-8", newline="")
        self.w = csv.writer(self.f, lineterminator="\n")
        self.w.writerow(header)
        self.rows = 0

    def row(self, r: list) -> None:
        self.w.writerow(r)
        self.rows += 1

    def close(self) -> tuple[str, int, int]:
        self.f.close()
        return str(self.path), self.rows, self.path.stat().st_size


def allocate(total: int, shares: list[float]) -> list[int]:
    """Integers summing exactly to `total`, proportional to `shares` (largest remainder)."""
    s = sum(shares)
    raw = [total * x / s for x in shares]
    out = [int(x) for x in raw]
    rest = total - sum(out)
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)[:rest]:
        out[i] += 1
    return out


def lsoa_counts(rng: random.Random, shares: list[float], oas: list[str] | None, w_oa: Writer | None) -> list[int]:
    """An LSOA's TS067 counts (total, then the parts): the sums of its output areas, each drawn
    around `shares` and written to the OA table, when the lookup lists them; else drawn for the
    LSOA as a whole."""
    if oas and w_oa:
        ls = [0] * 8
        for oa in oas:
            t = rng.randint(110, 420)
            parts = allocate(t, [max(0.001, x * (1 + rng.gauss(0, 0.15))) for x in shares])
            w_oa.row(["2021", oa, oa, t, *parts])
            ls = [x + y for x, y in zip(ls, [t, *parts])]
        return ls
    t = rng.randint(1000, 2400)
    return [t, *allocate(t, shares)]


def find_lookups(arg: str | None) -> Path | None:
    if arg == "none":
        return None
    cands = [Path(arg)] if arg else []
    if os.environ.get("LMI_REAL_DATA"):
        cands.append(Path(os.environ["LMI_REAL_DATA"]) / "geography")
    cands.append(REPO.parent / "shared" / "data" / "geography")
    cands.append(Path("/work/shared/data/geography"))
    for c in cands:
        if (c / "lsoa11_lsoa21_lad22_exact.csv.gz").exists():
            return c
    return None


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", required=True, type=Path)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--geo-lookups", help="directory with the real ONS LSOA/OA lookups (`none`: use none)")
    ap.add_argument("--no-oa", action="store_true", help="skip the output-area bulk file")
    ap.add_argument("--quiet", action="store_true")
    a = ap.parse_args()
    if not 0 < a.scale <= 20:
        ap.error("--scale must be in (0, 20]: 1 = every district of England, above 1 more years")
    rng = random.Random(a.seed)
    n_years = max(10, round(10 * a.scale))
    KS_YEARS, APS_YEARS = ks_years(n_years), aps_years(n_years)

    name = {r["code"]: r["name"] for r in read_csv(GEO / "areas.csv")}
    lads_all = sorted(read_csv(GEO / "lad_parents.csv"), key=lambda r: r["lad_code"])
    successor = {r["old_code"]: r["current_code"] for r in read_csv(GEO / "lad_successors.csv")}
    n_keep = max(len(LANCASHIRE), round(min(a.scale, 1.0) * len(lads_all)))
    others = [r["lad_code"] for r in lads_all if r["lad_code"] not in LANCASHIRE]
    keep = set(LANCASHIRE) | set(random.Random(a.seed + 1).sample(others, n_keep - len(LANCASHIRE)))
    lads = [r for r in lads_all if r["lad_code"] in keep]
    region = {r["lad_code"]: r["region_code"] for r in lads}

    # ---- small areas: real LSOA21 codes; their district from the real lookup or dealt out
    lsoa_ttwa = {r["lsoa21_code"]: r["ttwa_code"] for r in read_csv(GEO / "lsoa21_ttwa.csv")}
    lookups = find_lookups(a.geo_lookups)
    lsoa_lad: dict[str, str] = {}
    lsoa_name: dict[str, str] = {}
    if lookups:
        for r in read_csv(lookups / "lsoa11_lsoa21_lad22_exact.csv.gz"):
            c = r["LSOA21CD"]
            if c in lsoa_ttwa and c not in lsoa_lad:
                lsoa_lad[c] = successor.get(r["LAD22CD"], r["LAD22CD"])
                lsoa_name[c] = r["LSOA21NM"]
        how = f"real ONS LSOA21->LAD22 lookup ({lookups}), LAD22 mapped to current districts"
    else:
        weights: dict[str, list[tuple[str, int]]] = defaultdict(list)
        for r in read_csv(GEO / "lad_ttwa.csv"):
            weights[r["ttwa_code"]].append((r["lad_code"], int(r["lsoa11_count"])))
        by_ttwa: dict[str, list[str]] = defaultdict(list)
        for c in sorted(lsoa_ttwa):
            by_ttwa[lsoa_ttwa[c]].append(c)
        for t, codes in by_ttwa.items():
            ws = weights.get(t) or [("", 1)]
            counts = allocate(len(codes), [w for _, w in ws])
            i = 0
            for (lad, _), n in zip(ws, counts):
                for c in codes[i:i + n]:
                    lsoa_lad[c] = lad
                i += n
        how = "GENERATED assignment (no real LSOA->LAD lookup found): TTWA LSOAs dealt to districts by lad_ttwa.csv"
    lsoas_by_lad: dict[str, list[str]] = defaultdict(list)
    for c in sorted(lsoa_lad):
        if lsoa_lad[c] in keep:
            lsoas_by_lad[lsoa_lad[c]].append(c)
    # Wales: the census tables are published for England and Wales, so they carry a seeded
    # S-fraction (all at S >= 1) of the 22 Welsh districts with their LSOAs and OAs, as the real
    # files do (lmi and the peers serve England only and must leave them out). Only with the
    # real lookup (the Welsh codes are in no file of datasets/geography).
    welsh_lsoas: dict[str, list[tuple[str, str]]] = defaultdict(list)  # district -> (LSOA, name)
    welsh_name: dict[str, str] = {}
    if lookups:
        seen_w: set[str] = set()
        for r in read_csv(lookups / "lsoa11_lsoa21_lad22_exact.csv.gz"):
            c = r["LSOA21CD"]
            if c.startswith("W01") and c not in seen_w:
                seen_w.add(c)
                welsh_lsoas[r["LAD22CD"]].append((c, r["LSOA21NM"]))
                welsh_name[r["LAD22CD"]] = r["LAD22NM"]
        welsh_all = sorted(welsh_lsoas)
        n_w = len(welsh_all) if a.scale >= 1 else max(1, round(a.scale * len(welsh_all)))
        welsh_keep = set(random.Random(a.seed + 2).sample(welsh_all, n_w))
        welsh_lsoas = {d: sorted(v) for d, v in welsh_lsoas.items() if d in welsh_keep}
    welsh_lsoa_set = {c for v in welsh_lsoas.values() for c, _ in v}
    oas_by_lsoa: dict[str, list[str]] = defaultdict(list)
    if lookups and not a.no_oa and (lookups / "oa21_lsoa21_ew.csv.gz").exists():
        for r in read_csv(lookups / "oa21_lsoa21_ew.csv.gz"):
            if r["geography_code"] in lsoa_lad or r["geography_code"] in welsh_lsoa_set:
                oas_by_lsoa[r["geography_code"]].append(r["OA"])

    out: Path = a.out
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written: list[tuple[str, int, int]] = []

    # ---- Census TS067: OA (if codes) -> LSOA -> LAD, exact sums
    w_lsoa = Writer(out / "census" / "census2021_ts067_lsoa21.csv",
                    ["LSOA21CD", "LSOA21NM", "LAD22CD", "LAD22NM", *TS067_COLUMNS])
    w_oa = Writer(out / "census_oa" / "census2021-ts067-oa.csv",
                  ["date", "geography", "geography code", *TS067_COLUMNS]) if oas_by_lsoa else None
    lad_counts: dict[str, list[int]] = {}
    lsoa_rows: list[tuple[str, str, str, str, int]] = []  # LSOA, name, district, its name, 16+ total
    for lad in lads:
        code = lad["lad_code"]
        london = code.startswith("E09")
        g = rng.uniform(0.45, 1.0) if london else rng.random()  # latent "graduate-ness"
        base = [0.25 - 0.13 * g, rng.uniform(0.08, 0.11), rng.uniform(0.11, 0.155),
                rng.uniform(0.04, 0.07) * (0.5 if london else 1), rng.uniform(0.15, 0.19),
                (0.33 + 0.20 * g) if london else (0.21 + 0.22 * g), rng.uniform(0.015, 0.045)]
        tot = [0] * 8
        for n_lsoa, lsoa in enumerate(lsoas_by_lad[code], 1):
            tilt = rng.gauss(0, 0.25)  # small-area deprivation: moves L4+ against no quals
            shares = [max(0.005, s * (1 - tilt if i == 5 else 1 + tilt if i == 0 else 1 + rng.gauss(0, 0.1)))
                      for i, s in enumerate(base)]
            ls = lsoa_counts(rng, shares, oas_by_lsoa.get(lsoa), w_oa)
            nm = lsoa_name.get(lsoa) or f"{lad['lad_name']} {n_lsoa:03d}Z"
            w_lsoa.row([lsoa, nm, code, lad["lad_name"], *ls])
            lsoa_rows.append((lsoa, nm, code, lad["lad_name"], ls[0]))
            tot = [x + y for x, y in zip(tot, ls)]
        lad_counts[code] = tot
    # Welsh rows after the English ones, from their own generator (the English rows and every
    # later value are the same with or without them).
    rng_w = random.Random(a.seed + 3)
    welsh_counts: dict[str, list[int]] = {}
    welsh_rows: list[tuple[str, str, str, str, int]] = []
    for code in sorted(welsh_lsoas):
        shares = [rng_w.uniform(0.12, 0.22), rng_w.uniform(0.08, 0.11), rng_w.uniform(0.11, 0.16),
                  rng_w.uniform(0.05, 0.08), rng_w.uniform(0.15, 0.19), rng_w.uniform(0.22, 0.36),
                  rng_w.uniform(0.015, 0.045)]
        tot = [0] * 8
        for lsoa, nm in welsh_lsoas[code]:
            ls = lsoa_counts(rng_w, shares, oas_by_lsoa.get(lsoa), w_oa)
            w_lsoa.row([lsoa, nm, code, welsh_name[code], *ls])
            welsh_rows.append((lsoa, nm, code, welsh_name[code], ls[0]))
            tot = [x + y for x, y in zip(tot, ls)]
        welsh_counts[code] = tot
    written.append(w_lsoa.close())
    if w_oa:
        written.append(w_oa.close())
    w = Writer(out / "census" / "census2021_ts067_lad22.csv", ["LAD22CD", "LAD22NM", *TS067_COLUMNS])
    for lad in lads:
        w.row([lad["lad_code"], lad["lad_name"], *lad_counts[lad["lad_code"]]])
    for code in sorted(welsh_counts):
        w.row([code, welsh_name[code], *welsh_counts[code]])
    written.append(w.close())
    pop16 = {c: max(v[0], 2000) for c, v in lad_counts.items()}

    # ---- DfE KS4 destinations (wide), ten destination years
    w = Writer(out / "dfe" / "ks4_destinations_lad.csv", KS4_HEADER)
    state = {}
    for lad in lads:
        c = lad["lad_code"]
        state[c] = (pop16[c] * 0.012 * rng.uniform(0.9, 1.1),
                    [rng.uniform(0.85, 0.91), rng.uniform(0.02, 0.07), rng.uniform(0.02, 0.05), rng.uniform(0.04, 0.08)])
    for k, year in enumerate(KS_YEARS):
        for lad in lads:
            c = lad["lad_code"]
            cohort_f, r = state[c]
            drift = 0.01 * max(0, k - (n_years - 10))  # the last ten years drift; earlier ones are flat
            cohort = max(30, round(cohort_f * (1 + drift + rng.uniform(-0.02, 0.02))))
            rates = [max(0.001, x * (1 + rng.uniform(-0.08, 0.08))) for x in r]
            edu, app, work, ns = (round(cohort * x) for x in rates)
            unk = cohort - edu - app - work - ns
            if unk < 0:
                edu, unk = edu + unk, 0
            vals: list = [cohort, edu, app, work, ns, unk]
            if c in SUPPRESSED and year == SUPPRESSED_YEAR:
                vals[2:] = ["c"] * 4
            w.row([year, "Academic year", "Local authority district", *ENGLAND, region[c], name[region[c]],
                   "", "", "", "", "", c, lad["lad_name"], "Total", "Provider location",
                   "State-funded mainstream schools", "Total", "Number of pupils", *vals])
    written.append(w.close())

    # ---- DfE 16-18 destinations (wide), ten years x 4 cohort_level_group rows
    w = Writer(out / "dfe" / "ks5_16_18_destinations_lad.csv", KS5_HEADER)
    gr = {g: [rng.uniform(*x) for x in rs] for g, rs in {
        "Level 3": [(0.55, 0.66), (0.04, 0.09), (0.18, 0.26), (0.05, 0.09)],
        "Level 2": [(0.18, 0.36), (0.10, 0.17), (0.26, 0.36), (0.14, 0.24)],
        "All other qualifications": [(0.12, 0.24), (0.09, 0.15), (0.22, 0.30), (0.24, 0.33)]}.items()}
    for year in KS_YEARS:
        for lad in lads:
            c = lad["lad_code"]
            cohort = max(20, round(pop16[c] * 0.011 * rng.uniform(0.9, 1.1)))
            l3 = rng.uniform(0.62, 0.78)
            l2 = rng.uniform(0.09, 0.18)
            counts = {}
            for g, cg in zip(KS5_GROUPS, allocate(cohort, [1 - l3 - l2, l2, l3])):
                rs = [x * (1 + rng.uniform(-0.1, 0.1)) for x in gr[g]]
                counts[g] = [cg, *allocate(cg, [*rs, max(0.01, 1 - sum(rs))])]
            counts["Total"] = [sum(counts[g][i] for g in KS5_GROUPS) for i in range(6)]
            for g in [*KS5_GROUPS, "Total"]:
                w.row([year, "Academic year", "Local authority district", *ENGLAND, region[c], name[region[c]],
                       "", "", "", "", "", c, lad["lad_name"], "", "", "Total", "Total",
                       "16-18 Provider location", "State-funded mainstream schools & colleges", g,
                       "Total", "Number of pupils", *counts[g]])
    written.append(w.close())

    # ---- Nomis APS T19 (tidied web-query layout), ten calendar years, England + every district
    w = Writer(out / "nomis" / "aps_qualifications_by_age_lad_2017_2021.csv", NOMIS_HEADER)
    aps_base = {lad["lad_code"]: rng.uniform(0.28, 0.50) for lad in lads}
    for k, y in enumerate(APS_YEARS):
        date = f"Jan {y}-Dec {y}"
        rows, eng = [], [0.0] * 7
        for lad in lads:
            c = lad["lad_code"]
            pop = pop16[c] * 0.62
            l4 = aps_base[c] + 0.006 * max(0, k - (n_years - 10)) + rng.uniform(-0.03, 0.03)
            rest = 1 - l4
            shares = [rest * s for s in (0.12, 0.14, 0.22, 0.05, 0.38, 0.09)]
            shares.insert(5, l4)
            n = pop / 140.0
            for i, (cell, s) in enumerate(zip(NOMIS_CELLS, shares)):
                cnt = pop * s
                eng[i] += cnt
                respondents = n * s * rng.uniform(0.7, 1.3)
                number: object = int(round(cnt / 100.0) * 100)
                if respondents < 3:
                    number, ci = "!", "!"
                elif respondents < 10:
                    ci = "*"
                    if number < 500:
                        number = "~"
                else:
                    ci = int(round(1.96 * 1.5 * cnt / respondents ** 0.5 / 100.0) * 100)
                rows.append([date, "ladu", lad["lad_name"], c, cell, number, "", ci])
        for i, cell in enumerate(NOMIS_CELLS):
            w.row([date, "country", ENGLAND[1], ENGLAND[0], cell, int(round(eng[i] / 100.0) * 100), "",
                   int(round(eng[i] * 0.01 / 100.0) * 100)])
        for r in rows:
            w.row(r)
    written.append(w.close())

    # ---- Census TS063 occupation: every LSOA (its 16+ residents in employment, about 55-62 % of
    # TS067's 16+ total), then the same summed to districts; the nine SOC 2020 major groups
    ts063_columns = sample_header("census/census2021_ts063_lad22.csv")[2:]
    w_lsoa = Writer(out / "census" / "census2021_ts063_lsoa21.csv", ["LSOA21CD", "LSOA21NM", "LAD22CD", "LAD22NM",
                                                                     *ts063_columns])
    soc_shares = (0.12, 0.20, 0.14, 0.10, 0.10, 0.09, 0.08, 0.07, 0.10)
    occ_base = {lad["lad_code"]: [rng.uniform(0.6, 1.4) * s for s in soc_shares] for lad in lads}
    # Wales from its own generator, as for TS067.
    rng_w = random.Random(a.seed + 4)
    occ_base.update({code: [rng_w.uniform(0.6, 1.4) * s for s in soc_shares] for code in sorted(welsh_counts)})
    occ_lad: dict[str, list[int]] = defaultdict(lambda: [0] * 10)
    for rows, r in ((lsoa_rows, rng), (welsh_rows, rng_w)):
        for lsoa, nm, code, code_name, pop in rows:
            employed = round(pop * r.uniform(0.55, 0.62))
            parts = allocate(employed, [max(0.005, x * (1 + r.gauss(0, 0.2))) for x in occ_base[code]])
            w_lsoa.row([lsoa, nm, code, code_name, employed, *parts])
            occ_lad[code] = [x + y for x, y in zip(occ_lad[code], [employed, *parts])]
    written.append(w_lsoa.close())
    w = Writer(out / "census" / "census2021_ts063_lad22.csv", ["LAD22CD", "LAD22NM", *ts063_columns])
    for lad in lads:
        w.row([lad["lad_code"], lad["lad_name"], *occ_lad[lad["lad_code"]]])
    for code in sorted(welsh_counts):
        w.row([code, welsh_name[code], *occ_lad[code]])
    written.append(w.close())

    # ---- Census TS066 economic activity for every LSOA, in the Nomis API layout the emulated
    # publishers serve as NM_2083_1 TYPE151: only the categories lmi's LSOA query asks (the total,
    # in employment, unemployed, active full-time students and the five inactive groups) and the
    # count measure; synthetic shares of the LSOA's 16+ residents (TS067 above)
    ts066_cats = [
        ("0", "Total: All usual residents aged 16 years and over"),
        ("1002", "Economically active (excluding full-time students):In employment"),
        ("7", "Economically active (excluding full-time students): Unemployed"),
        ("1006", "Economically active and a full-time student"),
        ("15", "Economically inactive: Retired"),
        ("16", "Economically inactive: Student"),
        ("17", "Economically inactive: Looking after home or family"),
        ("18", "Economically inactive: Long-term sick or disabled"),
        ("19", "Economically inactive: Other"),
    ]
    ts066_shares = (0.56, 0.03, 0.025, 0.22, 0.06, 0.045, 0.04, 0.02)
    # Their own generators: every file generated before stays as it was.
    rng_a, rng_aw = random.Random(a.seed + 5), random.Random(a.seed + 6)
    all_lsoas = [(row, rng_a) for row in lsoa_rows] + [(row, rng_aw) for row in welsh_rows]
    cells = len(all_lsoas) * len(ts066_cats)
    w = Writer(out / "census" / "census2021_ts066_lsoa21_nomis_api.csv",
               ["DATE", "DATE_NAME", "DATE_CODE", "DATE_TYPE", "DATE_TYPECODE", "DATE_SORTORDER",
                "GEOGRAPHY", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "GEOGRAPHY_TYPE", "GEOGRAPHY_TYPECODE",
                "GEOGRAPHY_SORTORDER", "C2021_EASTAT_20", "C2021_EASTAT_20_NAME", "C2021_EASTAT_20_CODE",
                "C2021_EASTAT_20_TYPE", "C2021_EASTAT_20_TYPECODE", "C2021_EASTAT_20_SORTORDER", "MEASURES",
                "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS", "OBS_STATUS_NAME", "OBS_CONF", "OBS_CONF_NAME",
                "URN", "RECORD_OFFSET", "RECORD_COUNT"])
    n = 0
    for g, ((lsoa, nm, _code, _code_name, pop), r) in enumerate(all_lsoas):
        parts = allocate(pop, [x * r.uniform(0.8, 1.2) for x in ts066_shares])
        for (cat, label), value in zip(ts066_cats, [pop, *parts]):
            w.row(["2021", "2021", "2021", "date", "0", "0", 931_135_489 + g, nm, lsoa,
                   "2021 super output areas - lower layer", "151", g, cat, label, cat,
                   "Economic activity status", "1000000", "0", "20100", "Value", value, "A", "Normal Value",
                   "FALSE", "Free (free for publication)", f"Nm-2083d1e{931_135_489 + g}d{cat}d20100", n, cells])
            n += 1
    written.append(w.close())

    # ---- Census TS060A industry for every LSOA, in the Nomis API layout the emulated publishers
    # serve as NM_2017_1 TYPE151 beside the sample's district file (same header, same 19 category
    # codes and labels, read from that file): the residents in employment (about 58% of the LSOA's
    # 16+ residents) dealt out over the sections around national-like shares; synthetic
    ind_file = "census/census2021_ts060a_lad22_nomis_api.csv"
    ind_header = sample_header(ind_file)
    with open(SAMPLE / ind_file, newline="", encoding="utf-8") as f:
        ind_cats = list(dict.fromkeys((r["C2021_IND_19"], r["C2021_IND_19_NAME"]) for r in csv.DictReader(f)))
    if [c for c, _ in ind_cats] != [str(i) for i in range(19)]:
        raise SystemExit(f"{SAMPLE / ind_file}: expected C2021_IND_19 codes 0..18, found {[c for c, _ in ind_cats]}")
    ind_shares = (0.008, 0.002, 0.08, 0.006, 0.007, 0.08, 0.15, 0.05, 0.055, 0.04, 0.035, 0.015, 0.065,
                  0.045, 0.065, 0.1, 0.15, 0.047)
    rng_i, rng_iw = random.Random(a.seed + 7), random.Random(a.seed + 8)
    all_lsoas = [(row, rng_i) for row in lsoa_rows] + [(row, rng_iw) for row in welsh_rows]
    cells = len(all_lsoas) * len(ind_cats)
    w = Writer(out / "census" / "census2021_ts060a_lsoa21_nomis_api.csv", ind_header)
    n = 0
    for g, ((lsoa, nm, _code, _code_name, pop), r) in enumerate(all_lsoas):
        employed = round(pop * r.uniform(0.55, 0.62))
        parts = allocate(employed, [x * r.uniform(0.8, 1.2) for x in ind_shares])
        for (cat, label), value in zip(ind_cats, [employed, *parts]):
            w.row(["2021", "2021", "2021", "date", "0", "0", 931_135_489 + g, nm, lsoa,
                   "2021 super output areas - lower layer", "151", g, cat, label, cat,
                   "Industry (current)", "1000000", "0", "20100", "Value", value, "A", "Normal Value",
                   "FALSE", "Free (free for publication)", f"Nm-2017d1e{931_135_489 + g}d{cat}d20100", n, cells])
            n += 1
    written.append(w.close())

    # ---- DfE apprenticeships by home x delivery district (the sample's layout), national density:
    # each home district's starts delivered at home, across its region and by providers in about 90
    # other districts (a handful each), and in the "Outside of England and unknown" bucket. The real
    # LAD23 file has about 38,000 home-delivery pairs a year; so has this at scale 1.
    flows_header = sample_header(FLOWS_FILE)
    unknown = "Outside of England and unknown"
    # The LAD23 file predates the April 2024 recodes of Barnsley and Sheffield (README of
    # datasets/geography): those two keep their old codes, as in the real file.
    lad23 = {lad["lad_code"]: lad["lad_code"] for lad in lads}
    lad23.update({cur: old for old, cur in successor.items() if cur in ("E08000038", "E08000039") and cur in lad23})
    by_region: dict[str, list[str]] = defaultdict(list)
    for lad in lads:
        by_region[region[lad["lad_code"]]].append(lad["lad_code"])
    lad_name = {lad["lad_code"]: lad["lad_name"] for lad in lads}
    codes = [lad["lad_code"] for lad in lads]
    w = Writer(out / FLOWS_FILE, flows_header)
    for k, year in enumerate(FLOWS_YEARS):
        size = 0.75 if "(" in year else 1.0 + 0.02 * k
        for home in codes:
            r = random.Random(f"{a.seed}:flows:{home}")
            base = pop16[home] * r.uniform(0.004, 0.007) * size
            near = [c for c in by_region[region[home]] if c != home]
            far = r.sample([c for c in codes if c != home and c not in near], k=min(90, len(codes) - len(near) - 1))
            dests = ([(home, r.uniform(0.4, 0.7))] + [(d, r.uniform(0.005, 0.06)) for d in near]
                     + [(d, r.uniform(0.0002, 0.002)) for d in far])
            for dest, share in dests:
                starts = max(1, round(base * share * rng.uniform(0.9, 1.1)))
                w.row([year, lad23[home], lad_name[home], lad23[dest], lad_name[dest], starts,
                       round(starts * rng.uniform(2.0, 2.8)), round(starts * rng.uniform(0.4, 0.6))])
            starts = round(base * 0.02 * rng.uniform(0.5, 1.5))
            w.row([year, lad23[home], lad_name[home], "", unknown, starts, round(starts * 2.2), round(starts * 0.5)])
    written.append(w.close())

    # ---- every other source lmi reads: copied unchanged from the bundled sample (national,
    # district-level already; not scaled, not part of the peer comparison)
    generated = {Path(p).relative_to(out).as_posix() for p, _, _ in written}
    for src in sorted(SAMPLE.rglob("*")):
        rel = src.relative_to(SAMPLE).as_posix()
        if not src.is_file() or rel in generated or rel in ("README.md", "SAMPLE.toml"):
            continue
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src, out / rel)
        n = 0  # rows: CSV only (the sample also holds workbooks)
        if rel.endswith((".csv", ".csv.gz")):
            with (gzip.open if rel.endswith(".gz") else open)(out / rel, "rb") as f:
                n = sum(1 for _ in f) - 1
        written.append((str(out / rel), n, (out / rel).stat().st_size))
    (out / "SAMPLE.toml").write_text(
        "sample = true\n"
        f'description = "SYNTHETIC BENCHMARK DATA generated by scripts/bench/generate.py (scale {a.scale}, '
        f'seed {a.seed}): real ONS area codes, made-up values. Not official statistics."\n'
        'generator = "scripts/bench/generate.py"\n'
        f"seed = {a.seed}\n", encoding="utf-8")

    total_rows = sum(r for _, r, _ in written)
    total_bytes = sum(b for _, _, b in written)
    n_lsoa = sum(len(v) for k, v in lsoas_by_lad.items() if k in keep)
    n_oa = sum(len(oas_by_lsoa.get(l, [])) for k in keep for l in lsoas_by_lad[k])
    if not a.quiet:
        n_w_lsoa = len(welsh_lsoa_set)
        n_w_oa = sum(len(oas_by_lsoa.get(c, [])) for c in welsh_lsoa_set)
        print(f"scale {a.scale}: {len(lads)} districts, {n_lsoa} LSOAs, {n_oa} OAs of England "
              f"(+ Wales in the census tables: {len(welsh_lsoas)} districts, {n_w_lsoa} LSOAs, {n_w_oa} OAs), "
              f"{n_years} years of the yearly series; LSOA->LAD: {how}")
        for p, r, b in written:
            print(f"  {Path(p).relative_to(out)}: {r:,} rows, {b:,} bytes")
    print(f"total: {total_rows:,} rows, {total_bytes:,} bytes in {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
