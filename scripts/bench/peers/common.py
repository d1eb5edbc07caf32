"""What every peer implementation shares: the indicator subset and the file locations.

The peers recompute, from the same raw files lmi reads, this subset of lmi's indicators
(ratio-of-sums rates/shares, x 100) at every geography lmi publishes them for:

  census_*_share (7)   Census 2021 TS067 shares: districts and every parent from the district
                       table; TTWAs summed exactly from the 2021 LSOA table
  ks4_*_rate (5)       DfE KS4 destinations: districts and every parent, TTWAs best fit from
                       whole districts (approximate)
  post16_*_rate (4)    DfE 16-18 destinations (cohort_level_group Total), same geographies

Parents: region, England, county, combined authority, LSIP area (lad_parents.csv), LEP
(lad_lep.csv), TTWA best fit (lad_ttwa.csv rows with best_fit = true) and the area groups of
datasets/area_groups.toml (lmi's default `area_groups` setting; type `group`). A suppressed part
(DfE `c`) makes the numerator of every aggregate containing it missing, so the value is missing.
The raw files use current district codes, so no predecessor mapping is needed (lmi maps retired
codes through lad_successors.csv; the generator never writes one).
Output columns: indicator, area_code, area_type, period, numerator, denominator, value.
"""
import sys
import tomllib
from pathlib import Path

CENSUS_LAD = "census/census2021_ts067_lad22.csv"
CENSUS_LSOA = "census/census2021_ts067_lsoa21.csv"
KS4 = "dfe/ks4_destinations_lad.csv"
KS5 = "dfe/ks5_16_18_destinations_lad.csv"
PREFIX = "Highest level of qualification: "
TOTAL = PREFIX + "Total: All usual residents aged 16 years and over"
CENSUS = {  # indicator -> TS067 column
    "census_no_qualifications_share": PREFIX + "No qualifications",
    "census_level1_share": PREFIX + "Level 1 and entry level qualifications",
    "census_level2_share": PREFIX + "Level 2 qualifications",
    "census_apprenticeship_share": PREFIX + "Apprenticeship",
    "census_level3_share": PREFIX + "Level 3 qualifications",
    "census_level4plus_share": PREFIX + "Level 4 qualifications and above",
    "census_other_qualifications_share": PREFIX + "Other qualifications",
}
KS4_RATES = {
    "ks4_sustained_education_rate": "education",
    "ks4_apprenticeship_rate": "appren",
    "ks4_sustained_employment_rate": "all_work",
    "ks4_not_sustained_rate": "all_notsust",
    "ks4_unknown_destination_rate": "all_unknown",
}
POST16_RATES = {
    "post16_sustained_education_rate": "education",
    "post16_apprenticeship_rate": "appren",
    "post16_sustained_employment_rate": "all_work",
    "post16_not_sustained_rate": "all_notsust",
}
OUT_COLUMNS = ["indicator", "area_code", "area_type", "period", "numerator", "denominator", "value"]


def args():
    if len(sys.argv) != 4:
        sys.exit(f"usage: {sys.argv[0]} RAW_DIR GEOGRAPHY_DIR OUT.parquet")
    return Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])


def group_members(geo: Path) -> list[tuple[str, str]]:
    """(lad_code, group code) for every member of the area groups lmi applies by default: the
    `area_groups` file beside the geography directory, datasets/area_groups.toml."""
    with open(geo.parent / "area_groups.toml", "rb") as f:
        groups = tomllib.load(f).get("group", [])
    return [(lad, g["code"]) for g in groups for lad in g["members"]]
