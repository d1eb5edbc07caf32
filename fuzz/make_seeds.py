#!/usr/bin/env python3
"""Writes the seed corpora under fuzz/corpus/ from the bundled sample data (datasets/sample/,
synthetic files of the project) and the bundled dashboard specs (dashboards/*.toml), plus a few
small synthetic Nomis API pages. Run from anywhere; it overwrites the seed-* files only."""

import csv
import pathlib

FUZZ = pathlib.Path(__file__).resolve().parent
ROOT = FUZZ.parent
SAMPLE = ROOT / "datasets" / "sample"


def lines(path):
    return path.read_text(encoding="utf-8").splitlines()


def head_and_tail(path, head, tail=0):
    """The header, the first `head` rows and the last `tail` rows (so several periods appear)."""
    ls = lines(path)
    rows = ls[1 : 1 + head] + (ls[-tail:] if tail else [])
    return "\n".join([ls[0]] + rows) + "\n"


def write(target, name, text):
    d = FUZZ / "corpus" / target
    d.mkdir(parents=True, exist_ok=True)
    (d / f"seed-{name}").write_text(text, encoding="utf-8")


# Nomis API CSV: the sample TS066 file (Census via the API layout) and synthetic pages for the
# two catalogued Nomis specs (TS067 by C2021_HIQUAL_8; APS T19 by VARIABLE:MEASURES with the
# year_ending_december period and the derived ± count). Pages of one result are separated by
# a form feed (0x0C).
write("nomis", "ts066-utla-head.csv",
      head_and_tail(SAMPLE / "census" / "census2021_ts066_utla23_nomis_api.csv", 12))

TS067_HEADER = ("DATE,DATE_NAME,DATE_CODE,DATE_TYPE,DATE_TYPECODE,DATE_SORTORDER,GEOGRAPHY,"
                "GEOGRAPHY_NAME,GEOGRAPHY_CODE,GEOGRAPHY_TYPE,GEOGRAPHY_TYPECODE,GEOGRAPHY_SORTORDER,"
                "C2021_HIQUAL_8,C2021_HIQUAL_8_NAME,C2021_HIQUAL_8_CODE,C2021_HIQUAL_8_TYPE,"
                "C2021_HIQUAL_8_TYPECODE,C2021_HIQUAL_8_SORTORDER,MEASURES,MEASURES_NAME,OBS_VALUE,"
                "OBS_STATUS,OBS_STATUS_NAME,OBS_CONF,OBS_CONF_NAME,URN,RECORD_OFFSET,RECORD_COUNT")


def ts067_cell(code, cat, value, status, offset, count):
    return (f'2021,2021,2021,date,0,0,645922841,"Burnley",{code},'
            f'"2022 local authorities: districts",154,0,{cat},"Level",{cat},'
            f'"Highest level of qualification",0,{cat},20100,"Value",{value},{status},'
            f'"Normal Value",F,"Free (free for publication)","Nm-2084d1e645922841",{offset},{count}')


values = [73000, 15000, 9000, 11000, 4000, 12000, 20000, 2000]
cells = [ts067_cell("E07000117", c, v if c != 7 else "", "A" if c != 7 else "Q", c, 8)
         for c, v in enumerate(values)]
write("nomis", "ts067-two-pages.csv",
      TS067_HEADER + "\n" + "\n".join(cells[:5]) + "\n\x0c"
      + TS067_HEADER + "\n" + "\n".join(cells[5:]) + "\n")

APS_HEADER = TS067_HEADER.replace("C2021_HIQUAL_8", "VARIABLE")


def aps_cell(date, code, variable, measure, value, status, offset, count):
    year = date[:4]
    return (f'{date},Jan {year}-Dec {year},{date},date,0,0,0,"Burnley",{code},'
            f'"local authorities: district / unitary (as of April 2021)",432,0,{variable},'
            f'"% with NVQ4+ - aged 16-64",{variable},variable,0,0,{measure},"Numerator",{value},'
            f'{status},,F,"Free (free for publication)",Nm-17d5e{code}d{variable}d{measure},'
            f'{offset},{count}')


rows = []
for i, (date, variable) in enumerate([("2021-12", 290), ("2022-12", 1902)]):
    for j, (measure, value) in enumerate([(21001, 22100), (21002, 57300), (21003, 4.8)]):
        n = 3 * i + j
        rows.append(aps_cell(date, "E07000117", variable, measure, value, "A", n, 6))
write("nomis", "aps-t19-api.csv", APS_HEADER + "\n" + "\n".join(rows) + "\n")

# DfE destination measures (wide layout): the first and last rows, so two periods appear.
write("dfe", "ks4-wide.csv", head_and_tail(SAMPLE / "dfe" / "ks4_destinations_lad.csv", 6, 6))
write("dfe", "16-18-wide.csv",
      head_and_tail(SAMPLE / "dfe" / "ks5_16_18_destinations_lad.csv", 6, 6))
# The long layout of the 2023-24 release (synthetic, as in dfe.rs's tests).
LONG_HEADER = ("time_period,time_identifier,geographic_level,lad_code,lad_name,"
               "establishment_type_group,breakdown_topic,breakdown,version,destination_group,"
               "destination_description,cohort_count,pupil_count,pupil_percent")
long_rows = []
for period in ["202122", "202223"]:
    for description, count in [("Overall", 1), ("All education", 800), ("All apprenticeships", 30),
                               ("All employment", 40), ("All notsust", 35), ("All unknown", 9),
                               ("Further education", 7)]:
        long_rows.append(f"{period},Academic year,Local authority district,E07000117,Burnley,"
                         f"State-funded mainstream schools,Total,Total,Revised,Group,"
                         f"{description},924,{count},12.5")
write("dfe", "ks4-long.csv", LONG_HEADER + "\n" + "\n".join(long_rows) + "\n")

# APS T19 web extract: England, then one district, each with its T19 cells.
aps = lines(SAMPLE / "nomis" / "aps_qualifications_by_age_lad_2017_2021.csv")
district = next(l.split(",")[3] for l in aps[1:] if l.split(",")[1] != "country")
picked = [l for l in aps[1:] if l.split(",")[3] == "E92000001"][:24]
picked += [l for l in aps[1:] if l.split(",")[3] == district][:24]
write("aps", "t19-england-and-district.csv", "\n".join([aps[0]] + picked) + "\n")

# ELS: each sample series (each matches one catalogued indicator): its first two rows (UK, GB
# or England) and, for each indicator in it, the first rows for English areas, which are the ones the parser keeps.
for f in sorted((SAMPLE / "ons_els").glob("*.csv")):
    ls = lines(f)
    english, per_indicator = [], {}
    for l in ls[3:]:
        indicator = next(csv.reader([l]))[3]
        if l.startswith("E") and per_indicator.get(indicator, 0) < 6:
            per_indicator[indicator] = per_indicator.get(indicator, 0) + 1
            english.append(l)
    write("els", f.stem + ".csv", "\n".join(ls[:3] + english) + "\n")

# Dashboard specs: the bundled ones as they are.
for f in sorted((ROOT / "dashboards").glob("*.toml")):
    write("dashboard", f.name, f.read_text(encoding="utf-8"))
