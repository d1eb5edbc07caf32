#!/usr/bin/env python3
"""Build the project's geography fact tables (datasets/geography/*.csv).

Derives small lookup tables (codes, names, parent mappings, LAD x TTWA
overlaps) from public ONS Open Geography lookups and the Census 2021 TS067
table held in a shared data directory. The shared source files themselves are
never copied into the project. LEP membership (April 2021, as DfE uses it) is
read from datasets/geography/sources/lad21_lep21.csv, which
scripts/derive_lep21.py writes.

Usage:
    python3 scripts/build_geography.py [DATA_DIR]

DATA_DIR defaults to $LMI_REAL_DATA, else ../shared/data relative to the
repository root. Standard library only (Python 3.11).

Exit status 1 if a consistency check fails (e.g. a LAD code used by the DfE
KS4 destinations file or by the Census LAD table is neither current nor a
known predecessor of a current LAD).
"""

from __future__ import annotations

import csv
import gzip
import os
import sys
from collections import defaultdict
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = REPO_ROOT / "datasets" / "geography"
# LAD21 -> LEP21 as DfE uses it, derived into the repository by scripts/derive_lep21.py.
LEP21_SOURCE = OUT_DIR / "sources" / "lad21_lep21.csv"

ENGLISH_LAD_PREFIXES = ("E06", "E07", "E08", "E09")
ENGLAND_CODE = "E92000001"
ENGLAND_NAME = "England"
CENSUS_TOTAL_COL = (
    "Highest level of qualification: Total: All usual residents aged 16 years and over"
)
LANCASHIRE_LADS = ["E06000008", "E06000009"] + [f"E07000{n}" for n in range(117, 129)]
LANCASHIRE_LEP = "E37000019"
LANCASHIRE_TTWAS = [
    ("E30000182", "Burnley"),
    ("E30000255", "Preston"),
    ("E30000170", "Blackburn"),
    ("E30000171", "Blackpool"),
    ("E30000076", "Lancaster and Morecambe"),
]


class CheckFailed(Exception):
    pass


# --------------------------------------------------------------------------
# I/O helpers
# --------------------------------------------------------------------------

def default_data_dir() -> Path:
    env = os.environ.get("LMI_REAL_DATA")
    if env:
        return Path(env)
    return (REPO_ROOT / ".." / "shared" / "data").resolve()


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read a (possibly gzipped) CSV into a list of dicts; strips a UTF-8 BOM,
    trims whitespace from every value and drops fully blank rows."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8-sig", newline="") as fh:
        rows = []
        for row in csv.DictReader(fh):
            clean = {k.strip(): (v or "").strip() for k, v in row.items() if k is not None}
            if any(clean.values()):
                rows.append(clean)
        return rows


def write_csv(name: str, header: list[str], rows: list[list]) -> int:
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    with open(OUT_DIR / name, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return len(rows)


def is_english_lad(code: str) -> bool:
    return code.startswith(ENGLISH_LAD_PREFIXES)


def fmt_share(x: float) -> str:
    return f"{x:.6f}"


def check(cond: bool, msg: str) -> None:
    if not cond:
        raise CheckFailed(msg)


# --------------------------------------------------------------------------
# Builders
# --------------------------------------------------------------------------

class Names:
    """Collects (code -> name, area_type) and insists on one name per code."""

    def __init__(self) -> None:
        self.by_code: dict[str, tuple[str, str]] = {}

    def add(self, code: str, name: str, area_type: str) -> None:
        if not code:
            return
        prev = self.by_code.get(code)
        if prev is None:
            self.by_code[code] = (name, area_type)
        elif prev != (name, area_type):
            raise CheckFailed(f"conflicting names/types for {code}: {prev} vs {(name, area_type)}")


def names_of_type(names: Names, area_type: str) -> list[str]:
    return [c for c, (_, t) in names.by_code.items() if t == area_type]


def main(argv: list[str]) -> int:
    data = Path(argv[1]) if len(argv) > 1 else default_data_dir()
    geo = data / "geography"
    print(f"data dir: {data}")
    if not geo.is_dir():
        print(f"ERROR: {geo} not found (pass DATA_DIR or set LMI_REAL_DATA)", file=sys.stderr)
        return 1

    la_all = read_csv(geo / "la_all_codes.csv")
    lad_lsip = read_csv(geo / "lad23_lsip23.csv")
    lad_ca = read_csv(geo / "lad25_cauth25.csv")
    lad_lep21 = read_csv(LEP21_SOURCE)
    lad11_21 = read_csv(geo / "lad11_lad21.csv")
    ttwa_names = {r["TTWA11CD"]: r["TTWA11NM"] for r in read_csv(geo / "ttwa11_names.csv")}

    warnings: list[str] = []

    # ---------------------------------------------------------------- LADs
    la_by_code = {r["LADCD"]: r for r in la_all}
    current = {
        r["LADCD"]: r
        for r in la_all
        if r["Current"].upper() == "TRUE" and is_english_lad(r["LADCD"])
    }
    check(len(current) == 296, f"expected 296 current English LADs, got {len(current)}")
    for code, r in current.items():
        check(r["LADCD_ACTIVE"] == code, f"current LAD {code} has LADCD_ACTIVE {r['LADCD_ACTIVE']}")

    # successor map: every non-current English LAD code -> current code
    def resolve(code: str) -> str:
        seen = set()
        while code not in current:
            if code in seen or code not in la_by_code:
                raise CheckFailed(f"cannot resolve LAD code {code} to a current LAD")
            seen.add(code)
            nxt = la_by_code[code]["LADCD_ACTIVE"]
            if nxt == code:
                raise CheckFailed(f"{code} is not current but maps to itself")
            code = nxt
        return code

    old_names: dict[str, str] = {}
    for r in la_all:
        c = r["LADCD"]
        if is_english_lad(c) and c not in current:
            old_names[c] = r["LADNM"]
    for r in lad11_21:
        for cc, nn in (("LAD11CD", "LAD11NM"), ("LAD21CD", "LAD21NM")):
            c = r[cc]
            if is_english_lad(c) and c not in current:
                old_names.setdefault(c, r[nn])
    successors = {c: resolve(c) for c in old_names}
    # lad11 -> lad21 consistency with la_all_codes
    for r in lad11_21:
        a, b = r["LAD11CD"], r["LAD21CD"]
        if is_english_lad(a):
            ca_ = a if a in current else successors[a]
            cb_ = b if b in current else successors[b]
            check(ca_ == cb_, f"lad11_lad21 {a}->{b} disagrees with la_all_codes ({ca_} vs {cb_})")

    def to_current(code: str) -> str:
        if code in current:
            return code
        if code in successors:
            return successors[code]
        raise CheckFailed(f"unknown LAD code {code}")

    # cross-check against the 2023 LAD/LSIP list
    lsip_codes = {r["LAD23CD"] for r in lad_lsip}
    check(len(lad_lsip) == 296, f"lad23_lsip23.csv: expected 296 rows, got {len(lad_lsip)}")
    only_lsip = sorted(lsip_codes - set(current))
    only_cur = sorted(set(current) - lsip_codes)
    for c in only_lsip:
        warnings.append(
            f"lad23_lsip23 code {c} ({la_by_code.get(c, {}).get('LADNM', '?')}) is not current in "
            f"la_all_codes; it was recoded to {to_current(c)} ({current[to_current(c)]['LADNM']})"
        )
    check(
        sorted(to_current(c) for c in lsip_codes) == sorted(current),
        "lad23_lsip23 does not map one-to-one onto the current LADs",
    )
    for c in only_cur:
        print(f"note: current LAD {c} {current[c]['LADNM']} is not in lad23_lsip23 (newer code)")

    lad_name = {c: r["LADNM"] for c, r in current.items()}
    for r in lad_lsip:
        c = to_current(r["LAD23CD"])
        if r["LAD23NM"] != lad_name[c]:
            warnings.append(f"LAD name differs: {c} la_all_codes={lad_name[c]!r} lsip={r['LAD23NM']!r}")

    names = Names()
    for c in current:
        names.add(c, lad_name[c], "lad")

    # -------------------------------------------------- region / county
    region_of: dict[str, str] = {}
    county_of: dict[str, str] = {}
    for c, r in current.items():
        check(r["CTRYCD"] == ENGLAND_CODE, f"{c} country {r['CTRYCD']}")
        check(r["RGNCD"].startswith("E12"), f"{c} region {r['RGNCD']}")
        region_of[c] = r["RGNCD"]
        names.add(r["RGNCD"], r["RGNNM"], "region")
        if c.startswith("E07"):
            check(r["UTLACD"].startswith("E10"), f"district {c} has upper tier {r['UTLACD']}")
            county_of[c] = r["UTLACD"]
            names.add(r["UTLACD"], r["UTLANM"], "county")
        else:
            check(r["UTLACD"] == c, f"single-tier {c} has upper tier {r['UTLACD']}")
    names.add(ENGLAND_CODE, ENGLAND_NAME, "country")

    # ------------------------------------------------------------ LSIP
    lsip_of: dict[str, str] = {}
    for r in lad_lsip:
        c = to_current(r["LAD23CD"])
        check(c not in lsip_of, f"LAD {c} in two LSIPs")
        lsip_of[c] = r["LSIP23CD"]
        names.add(r["LSIP23CD"], r["LSIP23NM"], "lsip")

    # -------------------------------------------------- combined authority
    ca_of: dict[str, str] = {}
    for r in lad_ca:
        c = r["LAD25CD"]
        check(c in current, f"lad25_cauth25 LAD {c} is not current")
        check(c not in ca_of, f"LAD {c} in two combined authorities")
        ca_of[c] = r["CAUTH25CD"]
        names.add(r["CAUTH25CD"], r["CAUTH25NM"], "combined_authority")
        if r["LAD25NM"] != lad_name[c]:
            warnings.append(f"LAD name differs: {c} la_all_codes={lad_name[c]!r} cauth25={r['LAD25NM']!r}")

    # ------------------------------------------------------------- LEP
    # April 2021 LEPs as DfE's Local Skills Dashboard uses them (see scripts/derive_lep21.py). Each
    # LAD21 is mapped to its current LAD; a merged current LAD takes the union of its predecessors'
    # LEPs, and a district in two LEPs is a member of both (DfE counts it in both).
    lad21_leps: dict[str, set[str]] = defaultdict(set)
    for r in lad_lep21:
        lad21_leps[r["LAD21CD"]].add(r["LEP21CD"])
        names.add(r["LEP21CD"], r["LEP21NM"], "lep")
        if r["LAD21CD"] in current and r["LAD21NM"] != lad_name[r["LAD21CD"]]:
            warnings.append(f"LAD name differs: {r['LAD21CD']} la_all_codes="
                            f"{lad_name[r['LAD21CD']]!r} lad21_lep21={r['LAD21NM']!r}")
    check(len(lad21_leps) == 309, f"lad21_lep21.csv: expected 309 LAD21s, got {len(lad21_leps)}")
    lep_lad21s: dict[tuple[str, str], list[str]] = defaultdict(list)
    for lad21, leps in lad21_leps.items():
        c = to_current(lad21)
        for l in leps:
            lep_lad21s[(c, l)].append(lad21)
    lads_with_lep = {c for c, _ in lep_lad21s}
    check(lads_with_lep == set(current), f"LADs without a LEP: {sorted(set(current) - lads_with_lep)}")
    # a current LAD is in exactly the LEPs of the LAD21s that the successor table folds into it
    merged = []
    for c in current:
        olds = [o for o in lad21_leps if o == c or successors.get(o) == c]
        union = set().union(*(lad21_leps[o] for o in olds))
        got = {l for (cc, l) in lep_lad21s if cc == c}
        check(got == union, f"LAD {c}: LEPs {sorted(got)} != union of {olds} {sorted(union)}")
        if len(olds) > 1:
            merged.append(f"{c} {lad_name[c]} <- {len(olds)} LAD21s: {', '.join(sorted(union))}")
    check(len(names_of_type(names, "lep")) == 38, "expected 38 LEPs")
    for c in LANCASHIRE_LADS:
        leps = sorted(l for (cc, l) in lep_lad21s if cc == c)
        check(leps == [LANCASHIRE_LEP], f"Lancashire LAD {c} LEPs {leps}, expected [{LANCASHIRE_LEP}]")
    lancs = sorted(cc for (cc, l) in lep_lad21s if l == LANCASHIRE_LEP)
    check(lancs == sorted(LANCASHIRE_LADS), f"LEP {LANCASHIRE_LEP} has districts {lancs}")

    # ------------------------------------------------------------ TTWA
    lsoa_ttwa: dict[str, str] = {}
    for r in read_csv(geo / "lsoa11_ttwa11.csv.gz"):
        if r["LSOA11CD"].startswith(("E01", "W01")):
            lsoa_ttwa[r["LSOA11CD"]] = r["TTWA11CD"]
    english_ttwas = sorted({t for l, t in lsoa_ttwa.items() if l.startswith("E01")})
    for t in english_ttwas:
        check(t in ttwa_names, f"TTWA {t} missing from ttwa11_names.csv")
        names.add(t, ttwa_names[t], "ttwa")
    cross_border = [t for t in english_ttwas if not t.startswith("E30")]

    # Census 2021 16+ population by LSOA21
    census_path = data / "census" / "census2021_ts067_lsoa21.csv.gz"
    lsoa21_pop: dict[str, tuple[int, str]] = {}
    for r in read_csv(census_path):
        lsoa21_pop[r["LSOA21CD"]] = (int(r[CENSUS_TOTAL_COL]), r["LAD22CD"])

    parents: dict[str, list[str]] = defaultdict(list)
    for r in read_csv(geo / "lsoa11_lsoa21_lad22_exact.csv.gz"):
        if r["LSOA11CD"] not in parents[r["LSOA21CD"]]:
            parents[r["LSOA21CD"]].append(r["LSOA11CD"])

    ov_pop: dict[tuple[str, str], float] = defaultdict(float)
    ov_lsoa: dict[tuple[str, str], set[str]] = defaultdict(set)
    lad_pop: dict[str, float] = defaultdict(float)
    ttwa_pop: dict[str, float] = defaultdict(float)
    for l21, (pop, lad22) in lsoa21_pop.items():
        ps = parents.get(l21)
        check(bool(ps), f"LSOA21 {l21} has no LSOA11 parent")
        english = lad22.startswith("E")
        lad = to_current(lad22) if english else lad22
        share = pop / len(ps)
        for l11 in ps:
            t = lsoa_ttwa.get(l11)
            check(t is not None, f"LSOA11 {l11} has no TTWA")
            ttwa_pop[t] += share
            if english:
                ov_pop[(lad, t)] += share
                ov_lsoa[(lad, t)].add(l11)
                lad_pop[lad] += share
    check(set(lad_pop) == set(current), "some current LADs have no census population")

    # best fit: largest overlap population; ties (none expected) -> lowest TTWA code
    best: dict[str, str] = {}
    for (lad, t), p in sorted(ov_pop.items(), key=lambda kv: (kv[0][0], -kv[1], kv[0][1])):
        best.setdefault(lad, t)

    ttwa_rows = []
    for (lad, t) in sorted(ov_pop):
        p = ov_pop[(lad, t)]
        ttwa_rows.append([
            lad, t, len(ov_lsoa[(lad, t)]), round(p),
            fmt_share(p / lad_pop[lad]), fmt_share(p / ttwa_pop[t]),
            "true" if best[lad] == t else "false",
        ])
    best_lads: dict[str, list[str]] = defaultdict(list)
    for lad, t in best.items():
        best_lads[t].append(lad)
    summary_rows = []
    coverage: dict[str, float] = {}
    for t in english_ttwas:
        lads = sorted(best_lads.get(t, []))
        cov = sum(ov_pop[(l, t)] for l in lads) / ttwa_pop[t] if lads else 0.0
        coverage[t] = cov
        summary_rows.append([t, ttwa_names[t], ";".join(lads), fmt_share(cov)])

    # LSOA21 -> TTWA11, for sources published by small area (Census): each English LSOA21 goes to
    # the TTWA of its LSOA11 parents; `exact` is false where the parents lie in different TTWAs
    # (then the TTWA of most parents, lowest code on ties).
    lsoa21_ttwa_rows = []
    for l21 in sorted(l for l in lsoa21_pop if l.startswith("E01")):
        ts = [lsoa_ttwa[l11] for l11 in parents[l21]]
        counts: dict[str, int] = defaultdict(int)
        for t in ts:
            counts[t] += 1
        t = sorted(counts, key=lambda k: (-counts[k], k))[0]
        lsoa21_ttwa_rows.append([l21, t, "true" if len(counts) == 1 else "false"])
    inexact = sum(1 for r in lsoa21_ttwa_rows if r[2] == "false")
    print(f"lsoa21_ttwa: {len(lsoa21_ttwa_rows)} English LSOA21, {inexact} straddle a TTWA boundary")

    # ------------------------------------------------------ verification
    print()
    print("== successor / coverage checks ==")
    problems = []
    ks4 = data / "dfe" / "ks4_destinations_lad.csv.gz"
    ks4_codes = {r["lad_code"] for r in read_csv(ks4)}
    census_lad = data / "census" / "census2021_ts067_lad22.csv"
    census_codes = {r["LAD22CD"] for r in read_csv(census_lad) if r["LAD22CD"].startswith("E")}
    for label, codes in (("dfe/ks4_destinations_lad lad_code", ks4_codes),
                         ("census/census2021_ts067_lad22 LAD22CD (E)", census_codes)):
        cur_n = sum(1 for c in codes if c in current)
        old = sorted(c for c in codes if c in successors)
        bad = sorted(c for c in codes if c not in current and c not in successors)
        print(f"{label}: {len(codes)} distinct codes, {cur_n} current, {len(old)} via successors, "
              f"{len(bad)} unknown")
        if old:
            print("   via successors: " + ", ".join(f"{c}->{successors[c]}" for c in old))
        problems += [f"{label}: unknown code {c}" for c in bad]
    # informational: other DfE LAD files in the shared dir
    for extra in ("ks5_16_18_destinations_lad.csv.gz",):
        p = data / "dfe" / extra
        if p.exists():
            codes = {r["lad_code"] for r in read_csv(p) if r.get("lad_code")}
            bad = sorted(c for c in codes if c not in current and c not in successors)
            print(f"(info) dfe/{extra}: {len(codes)} codes, unknown: {bad or 'none'}")
    # LAD x TTWA shares add up
    for lad in current:
        s = sum(p for (l, _), p in ov_pop.items() if l == lad)
        check(abs(s - lad_pop[lad]) < 1e-6, f"LAD {lad} overlap sum mismatch")
    # census LAD totals (LAD22) vs our LAD pop
    lad22_tot: dict[str, int] = defaultdict(int)
    for r in read_csv(census_lad):
        if r["LAD22CD"].startswith("E"):
            lad22_tot[to_current(r["LAD22CD"])] += int(r[CENSUS_TOTAL_COL])
    diff = [c for c in current if round(lad_pop[c]) != lad22_tot[c]]
    check(not diff, f"LAD 16+ population differs from census LAD table for {diff[:5]}")
    print(f"LAD 16+ populations agree with census2021_ts067_lad22 for all {len(current)} current LADs "
          f"(England total {round(sum(lad_pop.values())):,})")

    if problems:
        for p in problems:
            print("ERROR: " + p, file=sys.stderr)
        return 1

    # ------------------------------------------------------------ write
    counts = {}
    area_rows = sorted([c, n, t] for c, (n, t) in names.by_code.items())
    counts["areas.csv"] = write_csv("areas.csv", ["code", "name", "area_type"], area_rows)
    counts["lad_parents.csv"] = write_csv(
        "lad_parents.csv",
        ["lad_code", "lad_name", "region_code", "county_code", "combined_authority_code", "lsip_code"],
        [[c, lad_name[c], region_of[c], county_of.get(c, ""), ca_of.get(c, ""), lsip_of[c]]
         for c in sorted(current)],
    )
    counts["lad_lep.csv"] = write_csv(
        "lad_lep.csv", ["lad_code", "lep_code", "lad21_count"],
        [[c, l, len(olds)] for (c, l), olds in sorted(lep_lad21s.items())],
    )
    counts["lad_successors.csv"] = write_csv(
        "lad_successors.csv", ["old_code", "old_name", "current_code", "current_name"],
        [[o, old_names[o], successors[o], lad_name[successors[o]]] for o in sorted(successors)],
    )
    counts["lad_ttwa.csv"] = write_csv(
        "lad_ttwa.csv",
        ["lad_code", "ttwa_code", "lsoa11_count", "population_16plus", "share_of_lad",
         "share_of_ttwa", "best_fit"],
        ttwa_rows,
    )
    counts["ttwa_bestfit_summary.csv"] = write_csv(
        "ttwa_bestfit_summary.csv", ["ttwa_code", "ttwa_name", "best_fit_lads", "coverage"],
        summary_rows,
    )
    counts["lsoa21_ttwa.csv"] = write_csv(
        "lsoa21_ttwa.csv", ["lsoa21_code", "ttwa_code", "exact"], lsoa21_ttwa_rows,
    )

    # ------------------------------------------------------------ report
    print()
    print("== written to", OUT_DIR.relative_to(REPO_ROOT), "==")
    for f, n in counts.items():
        print(f"  {f}: {n} rows")
    by_type: dict[str, int] = defaultdict(int)
    for _, (_, t) in names.by_code.items():
        by_type[t] += 1
    print("  areas by type: " + ", ".join(f"{t}={n}" for t, n in sorted(by_type.items())))
    print(f"  successor codes: {len(successors)}")
    print(f"  cross-border TTWAs (K01) with English LSOAs: {', '.join(cross_border) or 'none'}")
    no_best = [t for t in english_ttwas if not best_lads.get(t)]
    print(f"  TTWAs with no best-fit LAD: {len(no_best)}")

    leps_of_lad: dict[str, int] = defaultdict(int)
    for c, _ in lep_lad21s:
        leps_of_lad[c] += 1
    print(f"  LEPs (April 2021): {len(names_of_type(names, 'lep'))}; LADs in two LEPs: "
          f"{', '.join(sorted(c for c, n in leps_of_lad.items() if n > 1))}")
    print("  merged LADs and their LEPs: " + "; ".join(merged))

    print()
    print("== Lancashire TTWAs: best-fit LADs and coverage ==")
    for t, nm in LANCASHIRE_TTWAS:
        lads = sorted(best_lads.get(t, []))
        print(f"  {t} {ttwa_names.get(t, nm)}: pop16+ {round(ttwa_pop[t]):,}; best-fit "
              f"{', '.join(f'{l} {lad_name[l]}' for l in lads) or '(none)'}; coverage {coverage[t]:.4f}")
    print()
    print("== Lancashire LADs: best-fit TTWA ==")
    for l in LANCASHIRE_LADS:
        t = best[l]
        print(f"  {l} {lad_name[l]}: {t} {ttwa_names[t]} ({ov_pop[(l, t)] / lad_pop[l]:.4f} of LAD)")

    if warnings:
        print()
        print("== notes ==")
        for w in warnings:
            print("  " + w)
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv))
    except CheckFailed as e:
        print(f"CHECK FAILED: {e}", file=sys.stderr)
        sys.exit(1)
