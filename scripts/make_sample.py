#!/usr/bin/env python3
"""Generate the SYNTHETIC sample data set in datasets/sample/.

Reads only the project's own geography tables (datasets/geography/*.csv), so it
runs on a fresh clone without the real source data, and writes raw files in
exactly the same layout as the real sources:

  datasets/sample/dfe/ks4_destinations_lad.csv        DfE KS4 destination measures (LAD level)
  datasets/sample/census/census2021_ts067_lad22.csv   Census 2021 TS067 highest qualification (LAD)
  datasets/sample/dfe/ks5_16_18_destinations_lad.csv  DfE 16-18 destination measures (LAD level)
  datasets/sample/dfe/fe_achievements_lad.csv         DfE FE and skills achievements (LAD/region/England)
  datasets/sample/dfe/fe_et_aim_achievements_ssa_lad_202122_aug_apr.csv
                                                      DfE FE aim achievements by sector subject area,
                                                      Aug-Apr 2021/22 (LAD/region/England)
  datasets/sample/dfe/apprenticeships_lad_pcon.csv    DfE apprenticeship starts and achievements by
                                                      level, age and sex (LAD/region/England)
  datasets/sample/ons_els/*.csv                       ONS Explore Local Statistics: claimant count,
                                                      employment rate, median weekly pay, Level 3+,
                                                      apprenticeship starts
  datasets/sample/nomis/aps_qualifications_by_age_lad_2017_2021.csv
                                                      Nomis APS T19 qualifications (16-64, NVQ) by LAD
  datasets/sample/census/census2021_ts063_lad22.csv   Census 2021 TS063 occupation (LAD)
  datasets/sample/nomis/aps_{industry_t13a,occupation_t09a}_*.csv
                                                      APS employment by industry / occupation (LAD)
  datasets/sample/dfe/ess2019_lea_summary.csv         Employer Skills Survey 2019 (upper tier)
  datasets/sample/dfe/neet_participation_la_2025.csv  NCCIS 16-17 NEET and participation (upper tier)
  datasets/sample/ons/ons_online_job_adverts_adzuna_lad_jan2017_2022.csv
                                                      ONS online job adverts index (LAD)
  datasets/sample/ons/labourdemandbyoccupation.xlsx   ONS Textkernel job advert volumes, `Table 2`
                                                      (LAD x month; layout as documented, not
                                                      checked against a real file)
  datasets/sample/census/census2021_ts066_utla23_nomis_api.csv
                                                      Census 2021 TS066 economic activity (upper tier)
  datasets/sample/census/census2021_ts066_lad22_nomis_api.csv
                                                      Census 2021 TS066 economic activity (districts)
  datasets/sample/nomis/bres_lad_nomis_api.csv.gz     BRES open access employment and employees by
                                                      industry (districts + England, Nomis API layout)
  datasets/sample/census/census2021_ts060a_lad22_nomis_api.csv
                                                      Census 2021 TS060A industry of residents (districts)
  datasets/sample/projections/*.xlsm                  Skills Imperative 2035 projection workbooks
                                                      (Lancashire LSIP, England; four tables each)
  datasets/sample/dfe/apprenticeships_home_to_delivery_lad23_2223_2526.csv
                                                      DfE apprenticeships by home and delivery LAD
  datasets/sample/nomis/ukbc_enterprises_industry_sizeband_lad_2018_2022.csv
                                                      UK Business Counts enterprises (LAD, England)
  datasets/sample/ons_els/{gross-value-added,modelled-unemployment,further-education-and-skills-*}.csv
                                                      ELS productivity, modelled unemployment, FE 19+ rates
  datasets/sample/nomis/population_16_64_lad_2016_2022_nomis_api.csv
                                                      mid-year population 16-64 (Nomis NM_2002_1 API
                                                      layout; not checked against a real file)
  datasets/sample/SAMPLE.toml                         marker: this is synthetic sample data
  datasets/sample/README.md

Area codes and names are real (ONS); every value is made up. Output is
deterministic (random.Random(20261123) for the first two files; every later file has its own
random.Random seeded from a fixed label, see sub_rng). Standard library only (Python 3.11).

Usage:
    python3 scripts/make_sample.py
"""

from __future__ import annotations

import csv
import math
import random
import sys
from collections import defaultdict
from pathlib import Path

SEED = 20261123
REPO_ROOT = Path(__file__).resolve().parent.parent
GEO_DIR = REPO_ROOT / "datasets" / "geography"
OUT_DIR = REPO_ROOT / "datasets" / "sample"

ENGLAND_CODE = "E92000001"
ENGLAND_NAME = "England"
YEARS = ["201819", "201920", "202021", "202122", "202223"]
SUPPRESSED_LADS = {"E09000001", "E06000053"}  # City of London, Isles of Scilly
SUPPRESSION = "c"  # DfE symbol: confidential / suppressed
# One year only, so suppression is exercised (aggregates become suppressed) while the other
# years still give England and regional comparators.
SUPPRESSED_YEAR = "201920"

KS4_HEADER = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "pcon_code",
    "pcon_name", "lad_code", "lad_name", "breakdown_topic", "level_methodology",
    "institution_group", "breakdown", "data_type", "cohort", "education", "appren",
    "all_work", "all_notsust", "all_unknown",
]

TS067_PREFIX = "Highest level of qualification: "
TS067_COLUMNS = [
    TS067_PREFIX + "Total: All usual residents aged 16 years and over",
    TS067_PREFIX + "No qualifications",
    TS067_PREFIX + "Level 1 and entry level qualifications",
    TS067_PREFIX + "Level 2 qualifications",
    TS067_PREFIX + "Apprenticeship",
    TS067_PREFIX + "Level 3 qualifications",
    TS067_PREFIX + "Level 4 qualifications and above",
    TS067_PREFIX + "Other qualifications",
]

SAMPLE_TOML = f"""sample = true
description = "SYNTHETIC SAMPLE DATA generated by scripts/make_sample.py: real ONS area codes and names, made-up values. Not official statistics."
generator = "scripts/make_sample.py"
seed = {SEED}
"""

README = """# datasets/sample — SYNTHETIC SAMPLE DATA

**Every value in this folder is made up.** The area codes and names are real (ONS: current local authority
districts, counties, combined authorities and regions of England, plus the UK/GB/nation codes where the real
file has them), but the numbers are random, generated by `scripts/make_sample.py` with fixed seeds
(`random.Random(20261123)` for the KS4 and census files; each later file has its own stream seeded from a
fixed label, so the files are independent of each other). They are NOT official statistics and must not be
used for analysis, reporting or publication. `SAMPLE.toml` marks the folder as sample data (`sample = true`).

The purpose is to let the project (tests, demos, a fresh clone without the real data) exercise the same
ingest code paths as the real sources: the files have exactly the layout of the real files.

Regenerate (reads only `datasets/geography/*.csv`, output is byte-for-byte reproducible):

```sh
python3 scripts/make_sample.py
```

## Files

### dfe/ks4_destinations_lad.csv

Same header and conventions as the DfE "Key stage 4 destination measures" LAD-level file
(explore-education-statistics): no quoting except names containing a comma, LF line endings.
One row per current LAD (296) per `time_period` 201819, 201920, 202021, 202122, 202223 (1,480 rows),
`geographic_level` "Local authority district", `breakdown_topic`/`breakdown` "Total", `level_methodology`
"Provider location", `institution_group` "State-funded mainstream schools", `data_type` "Number of pupils".
Values are synthetic:

* `cohort` about 1.2 % of the LAD's Census 2021 16+ population (minimum 30), with mild drift between years;
* `education` 85–91 %, `appren` 2–7 %, `all_work` 2–5 %, `all_notsust` 4–8 % of the cohort,
  `all_unknown` the remainder (never negative);
* City of London (E09000001) and Isles of Scilly (E06000053) carry the DfE suppression symbol `c` in
  `appren`, `all_work`, `all_notsust` and `all_unknown` in 2019/20 (time_period 201920) only, so the
  suppression path is tested: London, South West and England aggregates are suppressed that year.

Unlike the real file, the sample uses the current LAD codes in every year (the real file uses each year's
LAD vintage, e.g. E08000016 Barnsley, which must be mapped through `datasets/geography/lad_successors.csv`).

### census/census2021_ts067_lad22.csv

Same header as the Census 2021 TS067 "Highest level of qualification" LAD table:
`LAD22CD,LAD22NM` + the 8 count columns (Total first). One row per current LAD (296, current codes and
names). Synthetic values: Total = the LAD's real 16+ population (from `datasets/geography/lad_ttwa.csv`)
perturbed by up to ±3 %; Level 4+ 20–55 % (higher in London), No qualifications 10–25 %, other categories
in plausible ranges. In every row Total equals the sum of the other seven columns.

### dfe/ks5_16_18_destinations_lad.csv

Same header and conventions as the DfE "16-18 destination measures" LAD file (29 columns, names containing a
comma quoted). One row per current LAD (296) x `time_period` 201819..202223 x `cohort_level_group` in
"All other qualifications", "Level 2", "Level 3", "Total" (that order, as in the real file): 5,920 rows, sorted
by time_period, lad_code, group. Constant columns copied from the real file: `time_identifier` "Academic
year", `geographic_level` "Local authority district", `country_code`/`country_name` E92000001/England,
`cohort_level` "Total", `breakdown_topic`/`breakdown` "Total", `level_methodology` "16-18 Provider location",
`institution_group` "State-funded mainstream schools & colleges", `data_type` "Number of pupils"; the
old_la/new_la/la_name/pcon/opportunity_area columns are empty. Synthetic values (own random stream):

* total `cohort` about 1.1 % of the LAD's 16+ population (x 0.9-1.1, then +/-3 % a year, minimum 20), split
  Level 3 62-78 %, Level 2 9-18 %, All other qualifications the rest;
* each group has its own destination rates (Level 3 mostly education, "All other qualifications" the highest
  not-sustained rate); in every row `education + appren + all_work + all_notsust + all_unknown = cohort`;
* the four count columns of the Total row are the sums of the three groups, and the Total row's shares are
  kept within education 45-60 %, appren 6-12 %, all_work 18-28 %, all_notsust 8-14 %.

No suppression codes (the real extract has none). Current LAD codes in every year.

### dfe/fe_achievements_lad.csv

Same header as the DfE "Further education and skills" achievements file
(`location,location_code,geographic_level,time_period,age_group,level_or_type,achievements`), `time_period`
201718..202122, `age_group` "Total", `level_or_type` "Apprenticeships: Total", "Community learning: Total",
"Education and training: Total", "Further education and skills: Total". Row kinds and order as in the real
file: `country` England, `region` rows for the 9 regions plus "Outside of England and unknown" (code `z`),
then `localAuthorityDistrict` rows (LADs grouped by region, alphabetical) plus a second `z` block: 6,160
rows. Synthetic values: a raw count per LAD = 16+ population x a per-LAD rate (apprenticeships 0.45-0.75 %,
community learning 0.4-1.4 %, education and training 1.4-2.6 %) x a national year profile x noise; the FE and
skills total is 96.5-99.5 % of the sum of the other three (learners in more than one type count once).
Published values are rounded to the nearest 10 as DfE does; a raw count below 5 is written `~` (Isles of
Scilly apprenticeships in every year, City of London apprenticeships 201819). Region rows = the rounded sum
of their LADs' raw values, England = the rounded sum of all LADs plus `z`, so aggregates agree with the
rows below them up to rounding.

### dfe/fe_et_aim_achievements_ssa_lad_202122_aug_apr.csv

Same header as DfE's table-tool download of adult education and training aim achievements by sector subject
area, August 2021 to April 2022 (`location,location_code,geographic_level,time_period,notional_nvq_level,
ethnicity_group,gender,ssa_t1_desc,e_and_t_aims_ach`), `time_period` 202122, the three other breakdowns
`Total`; `ssa_t1_desc` `Total`, the 15 sector subject areas and "Not Applicable/ Not Known" in the real file's
(alphabetical) order. Rows: `country` England, the 9 regions, then every current district grouped by region plus
an "Outside of England and unknown" (`z`) block. Synthetic values: a raw count per district = 16+ population x
0.8-1.4 % x a national subject profile (Preparation for Life and Work largest, Health, Public Services and Care
next) x noise; published values rounded to the nearest 10, a raw count below 5 written `low`. Region and England
rows are the rounded sums of the raw district values (England plus `z`). Current district codes, unlike the real
file's 2021 ones.

### dfe/apprenticeships_lad_pcon.csv

Layout BUILT FROM DOCUMENTATION (the EES data catalogue's columns for the `apprenticeships` data set
"Geography LAD and PCON - Starts, Participation, Achievements by Age, Sex, Level"; no real file seen):
`time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,lad_code,
lad_name,pcon_code,pcon_name,age_summary,apps_level,sex,starts,achievements,participation`, years 202324 and
202425. Per area and year every `age_summary` (Total, Under 19, 19-24, 25+) x `apps_level` (Total,
Intermediate/Advanced/Higher Apprenticeship) cell for sex Total, and the Total/Total cell for Female and Male.
Rows: `National` England, the 9 `Regional` rows, then every current district (`Local authority district`); no
constituency rows (the sample has no constituency codes). Synthetic values: raw starts per district = 16+
population x 0.6-1.0 % split by a national level x age profile x noise; achievements 35-50 % of starts;
participation 2.2-2.8 x starts; totals are sums of the raw cells; published values rounded to the nearest 10,
a raw count below 5 written `low` (Isles of Scilly). Region and England rows are rounded sums of the raw
district values.

### ons_els/*.csv (ONS Explore Local Statistics)

Five files with the ELS header `areacd,areanm,geography,indicator,period,observation,measure,unit,lci_95,uci_95,status,notes`
and the real files' labels. Common conventions, all copied from the real files:

* `geography` by code: K02000001/K03000001/K04000001 (UK, GB, England and Wales) "Country"; E92000001 England
  and W92/S92/N92 "Nation"; E12 "Region"; E47 (and E61000001 Greater London Authority in apprenticeships)
  "Combined Authority or City Region"; **unitaries (E06) and counties (E10) "County or Unitary Authority"**;
  districts, metropolitan districts and London boroughs (E07/E08/E09) "Local Authority District";
* **Barnsley and Sheffield appear under their old codes E08000016 / E08000019** (as in every real ELS file);
  claimant, pay and Level 3 rows carry the note "Obsolete code since 2025 (replaced by E08000038 Barnsley)"
  (resp. E08000039 Sheffield), employment and apprenticeships rows have no note;
* `status` `x` = not available and `u` = unreliable/suppressed, both with empty observation and CI; an
  observation with empty CI and no status also occurs (see below);
* rows are grouped hierarchically (UK/GB/E&W, England, then each region with its CAs, unitaries, counties
  followed by their districts, metropolitan districts and boroughs; Wales/Scotland/NI last) and the periods
  of an area are in random order (the real files are not sorted by period);
* CI bounds are written as computed binary floats (e.g. `63.00000000000001`), as in the real files.

Synthetic values come from a per-LAD latent "prosperity" score (London skews high) so that the indicators
are plausibly correlated; region, county, CA and England values are 16+-population-weighted means of their
LADs' synthetic values (before gaps); UK/GB/E&W/Wales/Scotland/NI are England plus a small offset.

* `claimant-count.csv`: indicator "Claimant Count", measure "Percentage", unit "%", periods
  `2021-01-01/P1Y`..`2025-01-01/P1Y`, LAD values 1.5-7.0 %, no CI; 5 random LAD/period cells `x`.
* `employment-rate.csv`: "Employment rate" (%), periods `2019-01-01/P1Y`..`2023-01-01/P1Y`, LAD values 65-82 %
  with CI +/-3-8 points (wider for small LADs), regions +/-0.6-1.0, England +/-0.5. A second indicator,
  "Economically inactive", is included for England and the regions only (the real file has it for every
  area), so consumers must filter on `indicator`. Isles of Scilly `x` in every period; City of London: 2019 an
  observation with empty CI and the note "Estimate and confidence interval unreliable since the group sample
  size is small (3-9)", 2020-2022 `u`, 2023 `x`; 3 random LAD/period cells `x`.
* `gross-median-weekly-pay.csv`: "Gross median weekly pay", measure "Pounds", unit "£", periods are the ASHE
  reference dates `2021-04-21`, `2022-04-27`, `2023-04-19`, `2024-04-17`, `2025-04-30` (not ISO intervals).
  LAD values GBP 550-900, CI = obs x (1 -/+ 1.96 CV/100) with CV 3.5-9.5 % for LADs. Combined authority rows
  (11 CAs, as in the real file) only for 2023-2025. Isles of Scilly and City of London `u` (Isles of Scilly
  2022: an observation without CI), 3 random cells `x`.
* `qualifications-level-3-or-above.csv`: "Level 3 or above qualifications (Great Britain)" (%), only
  `2022-01-01/P1Y` and `2023-01-01/P1Y` (the real series starts in 2022), LAD values 45-75 % with CI
  +/-3-8; Isles of Scilly `x`, 2 random cells `x`.
* `apprenticeships.csv`: "Apprenticeship starts (England)", measure and unit "Rate per 100,000 population"
  (quoted, it contains a comma), periods `2020-08-01/P1Y`..`2024-08-01/P1Y` (academic years), integers,
  LAD values 500-1,400, no CI; England only (no UK/GB/nation rows), CAs plus E61000001 Greater London
  Authority. "Apprenticeship achievements (England)" (about half the starts rate) for England and the regions
  only. Isles of Scilly `u` with note "Observation suppressed due to a base observation of fewer than 5" in
  2020, 2021 and 2023. No `x` (the real file has none).

### nomis/aps_qualifications_by_age_lad_2017_2021.csv

Same header as the tidied Nomis APS table T19 file (`date,area_type,area_name,area_code,cell,number,flag,conf_95_pm`),
`date` "Jan 2017-Dec 2017".."Jan 2021-Dec 2021", only the seven "All people aged 16-64" cells with the real
labels (`T19:1 (Total - All people aged 16-64 : None )` .. `T19:7 (... : Other Qualifications )`, note the
space before the closing parenthesis). Per date: `country` England, then `ladu` rows for every current LAD
(by region, alphabetical): 10,395 rows. No `lep` or "User Defined Geography" rows (the real file has them).
`area_code` follows the real file's name-match convention: LADs whose name also belongs to an older code are
`;`-joined (e.g. `E08000016;E08000038` Barnsley, `E06000048;E06000057` Northumberland). `flag` is always empty.
Synthetic values: 16-64 population about 62 % of the LAD's 16+ population, split into the seven levels
(NVQ4+ 28-58 %, higher in London, rising slowly), each estimate rounded to 100 (so the seven cells sum to the
population up to rounding); `conf_95_pm` is a 95 % half-width from a simulated APS sample (about one
respondent per 140 residents, design effect 1.5), rounded to 100, so small areas have larger relative CIs.
England = the rounded sum of the LADs' unrounded counts. Nomis symbols as in the real file: where the
simulated number of respondents is below 3, `number` and `conf_95_pm` are both `!` (withheld); 3-9
respondents gives `conf_95_pm` `*` (unreliable) and, if the estimate is below 500, `number` `~`; Isles of
Scilly is `-` in both columns (missing).

### census/census2021_ts063_lad22.csv

Same header as the Census 2021 TS063 "Occupation (current)" LAD table: `LAD22CD,LAD22NM` + the 10 count
columns (Total first, then SOC 2020 major groups 1-9). One row per current LAD. Synthetic values: Total about
58 % of the LAD's 16+ population; group shares around made-up England-like shares, tilted by a latent
per-LAD score. Total equals the sum of the nine groups in every row.

### ons_els/gross-value-added.csv, modelled-unemployment.csv, further-education-and-skills-{participation,learner-achievements}.csv

The ELS layout above. GVA per hour worked and per filled job (`Pounds`, `£`, 2018-2023, no CI) for districts,
counties/unitaries and combined authorities only: the real file has no England, region or county row (ITL1
regions under ITL codes and "UK less Extra-Regio" instead). Modelled unemployment rate (% of economically
active 16+, 2019-2023, ± CI; Isles of Scilly and City of London `x`). FE and skills participation and learner
achievements, 19+, rate per 100,000 (academic years 2019/20-2024/25, England, no combined authority formed
after 2024). `employment-rate.csv` carries `Economically inactive` for every area, as the real file does.

### nomis/population_16_64_lad_2016_2022_nomis_api.csv

Mid-year population estimates aged 16-64 (`gender=0`, `c_age=203`, `measures=20100` of Nomis NM_2002_1) in the
Nomis API CSV layout, for England and every April 2023 district (TYPE424), 2016-2022. The layout is the
generic Nomis API shape with the query's dimensions; no real file was at hand to confirm it.

### nomis/ukbc_enterprises_industry_sizeband_lad_2018_2022.csv

Same layout as the tidied Nomis UK Business Counts enterprises file: `date,industry,legal_status,area_type,
area_name,area_code,Total,Micro (0 to 9),Small (10 to 49),Medium-sized (50 to 249),Large (250+)`, years
2018-2022, industry `Total` and the 18 broad industry groups (`1 : Agriculture, forestry & fishing (A)` …),
rows for England (`country`), every current LAD (`ladu`; a LAD with a same-name retired code lists both,
`;`-joined, as the real name-matched file does) and one `User Defined Geography` row without a code. Every
count is rounded to the nearest 5 as UKBC does, so bands and industries do not add up exactly to Total.

### dfe/apprenticeships_home_to_delivery_lad23_2223_2526.csv

Same layout as the DfE apprenticeships home-to-delivery file (`year,learner_home_lad23cd,learner_home_lad_name,
delivery_lad23cd,delivery_lad_name,starts,enrolments,achievements`), years 2022/23-2024/25 and the part year
`2025/26 (Aug to Apr)`. For every current LAD: starts delivered at home (40-70 %), in up to five districts of the
same region, and in the `Outside of England and unknown` bucket (blank code). Barnsley and Sheffield carry their
pre-2024 codes, as the real LAD23 file does.

### projections/skills_imperative_2035_{lancashire_lsip,england}_main.xlsm

Minimal workbooks (cached values only, no macros) with the sheets and cell layout lmi reads from "The Skills
Imperative 2035" report workbooks: `Info` (area kind and name), `Contents`, and the first block of `Ind T1` (6
sectors), `Ind T2` (22 industry groups, levels only), `Occ T1` (9 SOC 2020 major groups) and `Occ T2` (26
sub-major groups): employment 2015, 2019, 2020, 2025, 2035 (thousands), net change, replacement demand and
total requirement 2020-2035. Classification labels are the real ones; every number is made up (each table adds
up to the same synthetic total per year).

### census/census2021_ts066_utla23_nomis_api.csv

Same layout as a Nomis API CSV of Census 2021 TS066 "Economic activity status" (`NM_2083_1`, 28 columns,
`RECORD_OFFSET`/`RECORD_COUNT` over the whole result) for **upper-tier** authorities only, as the real file:
every county (E10) and unitary authority (districts without a county), all 31 categories, counts (measure
20100) and percentages (20301). Synthetic values: the unit's 16+ population split into the 19 leaf categories
around made-up shares; the 12 grouping categories are sums of their leaves.

### census/census2021_ts066_lad22_nomis_api.csv

The same table for every 2022 district (`GEOGRAPHY_TYPECODE` 154), as the Nomis API serves TS066 below upper
tier (`geography=TYPE154`). The real shared data has no district file (only the upper-tier one): this one is
synthetic like the rest, made the same way with its own random numbers, so districts do not add up to their
county's synthetic figures.

### nomis/bres_lad_nomis_api.csv.gz

Same layout as a Nomis API CSV of the open access Business Register and Employment Survey (`NM_189_1`,
dimensions INDUSTRY, EMPLOYMENT_STATUS, MEASURE; `RECORD_OFFSET`/`RECORD_COUNT` over the whole result), gzipped:
every current district (`GEOGRAPHY_TYPECODE` 424) and England, survey years 2019 and 2024 only (so the change
from the previous period is also a five-year one here), all industries (37748736) and
the 21 SIC 2007 sections (150994945..150994965, labelled as the real open access download) for employees (1) and
employment (4), and the 18 broad industry groups (163577857..163577874, UK Business Counts' labels) for
employment; measure 1 (count). Jobs counted where they are (workplace). Synthetic values: made-up jobs per
district around a made-up section mix, every cell rounded on its own with open access BRES's relaxed rounding
(5 below 50 up to 1,000 from 5,000); England is the rounded sum of the unrounded districts. No real file in this
layout was found: the dimension columns follow the Nomis API layout of the other tables.

### census/census2021_ts060a_lad22_nomis_api.csv

Same layout as the TS066 district file for Census 2021 TS060A "Industry" (`NM_2017_1`, dimension `C2021_IND_19`,
codes 0 = total and 1..18), every 2022 district. Synthetic counts (residents aged 16+ in employment, counted where
they live, split around made-up shares; the total is their sum). The category names are made up to contain the
texts lmi checks: Nomis's own TS060A labels were not confirmed.

### dfe/ess2019_lea_summary.csv, dfe/neet_participation_la_2025.csv, ons/ons_online_job_adverts_adzuna_lad_jan2017_2022.csv

Same headers as the real files (DfE Employer Skills Survey 2019 LEA summary; DfE NCCIS 16-17 participation and
NEET 2025; ONS online job adverts by local authority, January 2017-2022). ESS and NCCIS have one row per current
upper-tier authority (county or unitary) plus England (ESS: the `England Total` row twice, as the transposed
real sheet; NCCIS: National and Regional rows); Isles of Scilly is suppressed (`**`, `c`). The job adverts
table has every current district except the English ones ONS excluded (e.g. Pendle, Wyre). All values are
made up.

### ons/labourdemandbyoccupation.xlsx

ONS "Labour demand volumes by Standard Occupational Classification (SOC 2020), UK" (Textkernel online job
adverts), sheet `Table 2` only, in the layout DfE's Local Skills Dashboard reads (three title rows, header on
row 4: `Region, ITL2, Local Authority District, Local Authority Code`, months `Jan-25` to `Dec-25`): every
district outside London and London as one area (code E12000007 here). The layout is as documented by DfE's code,
**not checked against a real ONS file**; every count is made up (the December London cell is `[x]`).

### nomis/aps_industry_t13a_lad_2018_2022.csv, nomis/aps_occupation_t09a_lad_2017_2021.csv

Same tidied Nomis layout as the T19 file (`date,area_type,area_name,area_code,cell,number,flag,conf_95_pm`):
APS T13a employment by 9 SIC 2007 industry groups and T09a by 25 SOC 2010 sub-major groups (the sample keeps
the last two years of each, to stay small), real cell labels, for England and every current LAD plus one User Defined Geography row without a
code. Synthetic estimates rounded to 100; as Nomis does, small ones are withheld (`!` with `!`) or flagged
unreliable (`*` interval), with a few `~` and `-`.

### geography/nspl_uk.csv (synthetic postcode directory)

Generated by `scripts/make_sample_postcodes.py` (beside this script), in the published column layout of ONS's
National Statistics Postcode Lookup (35 columns, every field quoted). **The postcodes are made up**: Lancashire's
14 districts get 12 each with an outward code of their real postcode area (e.g. `PR1 0AA` in Preston) and invented
inward codes; every other district 2, with outward codes of the non-existent areas `ZZ`, `ZY`, `ZX`. The codes are
real: `laua`, `cty`, `rgn` from `datasets/geography/lad_parents.csv`, `ttwa` one the district overlaps
(`lad_ttwa.csv`), `lsoa21` an LSOA of that TTWA (`lsoa21_ttwa.csv`; not necessarily in the district). About 1 in 12
is terminated (`doterm`); `ZW1 1AA` is terminated with the retired district code of Aylesbury Vale (E07000004), so
the successor path is exercised. 733 rows.

### SAMPLE.toml

Machine-readable marker (`sample = true`, description, generator, seed).
"""


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: list[str], rows: list[list]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    return len(rows)


def write_csv_gz(path: Path, header: list[str], rows: list[list]) -> int:
    """As write_csv, gzipped with no timestamp (the same rows give the same bytes)."""
    import gzip
    import io
    path.parent.mkdir(parents=True, exist_ok=True)
    text = io.StringIO(newline="")
    w = csv.writer(text, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    with open(path, "wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0,
                                                compresslevel=9) as fh:
        fh.write(text.getvalue().encode("utf-8"))
    return len(rows)


def allocate(total: int, shares: list[float]) -> list[int]:
    """Split an integer total by shares (largest remainder), exact sum."""
    s = sum(shares)
    raw = [total * x / s for x in shares]
    out = [int(v) for v in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def ks4_rates(rng: random.Random, base: dict[str, float] | None, drift: dict[str, float],
              k: int) -> dict[str, float]:
    """Destination rates; with base=None draw a LAD's base rates, else the base plus a
    small per-year trend and noise. Rejection-sampled so that education stays 85-91 %."""
    for _ in range(1000):
        if base is None:
            r = {
                "appren": rng.uniform(0.02, 0.07),
                "all_work": rng.uniform(0.02, 0.05),
                "all_notsust": rng.uniform(0.04, 0.08),
                "all_unknown": rng.uniform(0.0, 0.015),
            }
        else:
            r = {
                "appren": base["appren"] + drift["appren"] * k + rng.gauss(0, 0.003),
                "all_work": base["all_work"] + drift["all_work"] * k + rng.gauss(0, 0.002),
                "all_notsust": base["all_notsust"] + rng.gauss(0, 0.003),
                "all_unknown": base["all_unknown"] + rng.gauss(0, 0.001),
            }
        ok = (0.02 <= r["appren"] <= 0.07 and 0.02 <= r["all_work"] <= 0.05
              and 0.04 <= r["all_notsust"] <= 0.08 and 0.0 <= r["all_unknown"] <= 0.02)
        r["education"] = 1.0 - sum(r.values())
        if ok and 0.85 <= r["education"] <= 0.91:
            return r
    assert base is not None, "could not draw base KS4 rates"
    return dict(base)


# =============================================================================================
# Additional sample files. Each generator has its OWN random.Random seeded from a fixed label
# (sub_rng), so the KS4/census stream above is never disturbed and the new files are independent
# of each other (changing one does not change the others).
# =============================================================================================

def sub_rng(label: str) -> random.Random:
    """Independent deterministic stream (str seeds are hashed with SHA-512: stable across runs)."""
    return random.Random(f"{SEED}:{label}")


def clamp(x: float, lo: float, hi: float) -> float:
    return lo if x < lo else hi if x > hi else x


def round_half_up(x: float, step: int) -> int:
    return int(math.floor(x / step + 0.5)) * step


class Geo:
    """The project's geography tables, indexed for the generators."""

    def __init__(self, area_name: dict[str, str], area_type: dict[str, str],
                 lads: list[dict[str, str]], pop16: dict[str, float],
                 successors: list[dict[str, str]]) -> None:
        self.area_name = area_name
        self.area_type = area_type
        self.lads = lads
        self.lad_codes = [r["lad_code"] for r in lads]
        self.lad_name = {r["lad_code"]: r["lad_name"] for r in lads}
        self.pop16 = pop16
        self.region_of = {r["lad_code"]: r["region_code"] for r in lads}
        self.county_of = {r["lad_code"]: r["county_code"] for r in lads}
        self.ca_of = {r["lad_code"]: r["combined_authority_code"] for r in lads}
        self.regions = sorted(c for c, t in area_type.items() if t == "region")
        self.counties = sorted(c for c, t in area_type.items() if t == "county")
        self.cas = sorted(c for c, t in area_type.items() if t == "combined_authority")
        self.members: dict[str, list[str]] = defaultdict(list)
        for r in lads:
            for parent in (r["region_code"], r["county_code"], r["combined_authority_code"]):
                if parent:
                    self.members[parent].append(r["lad_code"])
        self.members[ENGLAND_CODE] = list(self.lad_codes)
        # same-name predecessors (e.g. E08000016 Barnsley -> E08000038 Barnsley)
        self.same_name_old: dict[str, list[str]] = defaultdict(list)
        for s in successors:
            if s["old_name"] == s["current_name"] and s["old_code"] != s["current_code"]:
                self.same_name_old[s["current_code"]].append(s["old_code"])
        # latent "prosperity" per LAD in [0, 1], shared by the ONS/Nomis generators so that the
        # synthetic indicators are plausibly correlated (high employment, pay and qualification
        # levels, low claimant rate); London boroughs skew high.
        lat = sub_rng("latent")
        self.latent = {}
        for code in self.lad_codes:
            a = lat.random()
            self.latent[code] = 0.4 + 0.6 * a if code.startswith("E09") else a

    def by_name(self, codes: list[str]) -> list[str]:
        return sorted(codes, key=lambda c: (self.lad_name[c], c))

    def wmean(self, values: dict[str, float], members: list[str]) -> float:
        w = sum(self.pop16[c] for c in members)
        return sum(values[c] * self.pop16[c] for c in members) / w

    def wsum_pop(self, members: list[str]) -> float:
        return sum(self.pop16[c] for c in members)


# ------------------------------------------------------------------ DfE 16-18 (KS5) destinations
KS5_HEADER = [
    "time_period", "time_identifier", "geographic_level", "country_code", "country_name",
    "region_code", "region_name", "old_la_code", "new_la_code", "la_name", "pcon_code",
    "pcon_name", "lad_code", "lad_name", "opportunity_area_code", "opportunity_area_name",
    "cohort_level", "breakdown_topic", "level_methodology", "institution_group",
    "cohort_level_group", "breakdown", "data_type", "cohort", "education", "appren",
    "all_work", "all_notsust", "all_unknown",
]
KS5_GROUPS = ["All other qualifications", "Level 2", "Level 3"]  # + "Total" (real file order)
KS5_DEST = ["education", "appren", "all_work", "all_notsust", "all_unknown"]
# ranges of the Total row (share of the cohort), enforced on the integer counts
KS5_TOTAL_RANGES = {"education": (0.45, 0.60), "appren": (0.06, 0.12),
                    "all_work": (0.18, 0.28), "all_notsust": (0.08, 0.14)}
# per-group base rate ranges (shaped like the real national figures: Level 3 students mostly stay in
# education, "All other qualifications" students have the highest not-sustained rate)
KS5_GROUP_RATES = {
    "Level 3": {"education": (0.55, 0.66), "appren": (0.04, 0.09),
                "all_work": (0.18, 0.26), "all_notsust": (0.05, 0.09)},
    "Level 2": {"education": (0.18, 0.36), "appren": (0.10, 0.17),
                "all_work": (0.26, 0.36), "all_notsust": (0.14, 0.24)},
    "All other qualifications": {"education": (0.12, 0.24), "appren": (0.09, 0.15),
                                 "all_work": (0.22, 0.30), "all_notsust": (0.24, 0.33)},
}


def ks5_group_rates(rng: random.Random, base: dict | None) -> dict[str, dict[str, float]]:
    for _ in range(1000):
        out = {}
        for g, ranges in KS5_GROUP_RATES.items():
            if base is None:
                r = {k: rng.uniform(lo, hi) for k, (lo, hi) in ranges.items()}
            else:
                r = {k: clamp(base[g][k] + rng.gauss(0, 0.008), lo, hi)
                     for k, (lo, hi) in ranges.items()}
            r["all_unknown"] = 1.0 - sum(r.values())
            out[g] = r
        if all(0.01 <= out[g]["all_unknown"] <= 0.18 for g in out):
            return out
    raise RuntimeError("could not draw KS5 group rates")


def ks5_total_ok(tot: dict[str, int]) -> bool:
    c = tot["cohort"]
    return all(lo <= tot[k] / c <= hi for k, (lo, hi) in KS5_TOTAL_RANGES.items())


def gen_ks5(geo: Geo) -> tuple[list[list], int]:
    rng = sub_rng("ks5_16_18_destinations")
    by_year: dict[str, list[list]] = {y: [] for y in YEARS}
    n_off = 0
    for lad in geo.lads:
        code, name, rgn = lad["lad_code"], lad["lad_name"], lad["region_code"]
        cohort_f = geo.pop16[code] * 0.011 * rng.uniform(0.9, 1.1)
        for _ in range(1000):  # base rates whose expected Total row is well inside the ranges
            base = ks5_group_rates(rng, None)
            l3 = rng.uniform(0.62, 0.78)
            l2 = rng.uniform(0.09, min(0.18, 0.92 - l3))
            base_shares = [1.0 - l3 - l2, l2, l3]  # AOQ, L2, L3
            expected = {d: sum(s * base[g][d] for s, g in zip(base_shares, KS5_GROUPS))
                        for d in KS5_DEST}
            if all(lo + 0.012 <= expected[d] <= hi - 0.012 for d, (lo, hi) in KS5_TOTAL_RANGES.items()):
                break
        else:
            raise RuntimeError(f"could not draw KS5 base rates for {code}")
        for k, year in enumerate(YEARS):
            if k:
                cohort_f *= 1.0 + rng.uniform(-0.03, 0.03)
            cohort = max(20, round(cohort_f))
            for _attempt in range(300):
                rates = ks5_group_rates(rng, base)
                shares = [max(0.03, s + rng.gauss(0, 0.008)) for s in base_shares]
                group_cohorts = allocate(cohort, shares)
                counts = {}
                for g, cg in zip(KS5_GROUPS, group_cohorts):
                    dest = allocate(cg, [rates[g][d] for d in KS5_DEST])
                    counts[g] = {"cohort": cg, **dict(zip(KS5_DEST, dest))}
                tot = {col: sum(counts[g][col] for g in KS5_GROUPS) for col in ["cohort", *KS5_DEST]}
                if ks5_total_ok(tot):
                    break
            else:
                n_off += 1  # keep the last draw (only possible for tiny cohorts)
            counts["Total"] = tot
            for g in [*KS5_GROUPS, "Total"]:
                c = counts[g]
                by_year[year].append([
                    year, "Academic year", "Local authority district", ENGLAND_CODE, ENGLAND_NAME,
                    rgn, geo.area_name[rgn], "", "", "", "", "", code, name, "", "", "Total", "Total",
                    "16-18 Provider location", "State-funded mainstream schools & colleges", g,
                    "Total", "Number of pupils", c["cohort"], *(c[d] for d in KS5_DEST),
                ])
    rows = [row for y in YEARS for row in by_year[y]]
    assert all(len(r) == len(KS5_HEADER) for r in rows)
    return rows, n_off


# ------------------------------------------------------------------ DfE FE achievements (ILR)
FE_HEADER = ["location", "location_code", "geographic_level", "time_period", "age_group",
             "level_or_type", "achievements"]
FE_YEARS = ["201718", "201819", "201920", "202021", "202122"]
FE_TYPES = ["Apprenticeships: Total", "Community learning: Total",
            "Education and training: Total", "Further education and skills: Total"]
FE_UNKNOWN = ("Outside of England and unknown", "z")
FE_LOW = "~"  # DfE symbol: fewer than 5 (rounds to 0)
# national year profile (apprenticeship reform and COVID shaped), applied to every LAD
FE_YEAR_FACTOR = {
    "Apprenticeships: Total": [1.00, 0.70, 0.56, 0.59, 0.55],
    "Community learning: Total": [1.00, 0.98, 0.76, 0.53, 0.60],
    "Education and training: Total": [1.00, 0.98, 0.75, 0.75, 0.72],
}
# forced "fewer than 5" cells (LAD code, year, type): tiny LADs, as in the real file
FE_FORCED_LOW = {("E06000053", y, "Apprenticeships: Total") for y in FE_YEARS} | {
    ("E09000001", "201819", "Apprenticeships: Total")}


def fe_fmt(raw: float) -> str:
    return FE_LOW if raw < 5 else str(round_half_up(raw, 10))


def gen_fe(geo: Geo) -> list[list]:
    rng = sub_rng("fe_achievements")
    three = FE_TYPES[:3]
    raw: dict[str, dict[tuple[str, str], float]] = {}
    for code in geo.lad_codes:
        pop = geo.pop16[code]
        london = code.startswith("E09")
        north = geo.region_of[code] in ("E12000001", "E12000002", "E12000003")
        base = {
            "Apprenticeships: Total": rng.uniform(0.0045, 0.0075) * (1.15 if north else 1.0)
            * (0.7 if london else 1.0),
            "Community learning: Total": rng.uniform(0.004, 0.014) * (1.3 if london else 1.0),
            "Education and training: Total": rng.uniform(0.014, 0.026),
        }
        vals: dict[tuple[str, str], float] = {}
        for k, y in enumerate(FE_YEARS):
            for t in three:
                if (code, y, t) in FE_FORCED_LOW:
                    v = float(rng.randint(0, 4))
                else:
                    v = float(round(pop * base[t] * FE_YEAR_FACTOR[t][k] * (1 + rng.gauss(0, 0.04))))
                vals[(y, t)] = max(0.0, v)
            # learners achieving in more than one type are counted once in the FE&S total
            vals[(y, FE_TYPES[3])] = float(round(sum(vals[(y, t)] for t in three)
                                                 * rng.uniform(0.965, 0.995)))
        raw[code] = vals
    # "Outside of England and unknown" (code z): ~0.4 % of the England total
    unknown: dict[tuple[str, str], float] = {}
    for y in FE_YEARS:
        for t in three:
            unknown[(y, t)] = float(round(sum(raw[c][(y, t)] for c in geo.lad_codes)
                                          * rng.uniform(0.003, 0.006)))
        unknown[(y, FE_TYPES[3])] = float(round(sum(unknown[(y, t)] for t in three) * 0.98))

    def block(name: str, code: str, level: str, vals: dict[tuple[str, str], float]) -> list[list]:
        return [[name, code, level, y, "Total", t, fe_fmt(vals[(y, t)])]
                for y in FE_YEARS for t in FE_TYPES]

    def total(codes: list[str]) -> dict[tuple[str, str], float]:
        return {(y, t): sum(raw[c][(y, t)] for c in codes) for y in FE_YEARS for t in FE_TYPES}

    rows: list[list] = []
    england = total(geo.lad_codes)
    england = {k: v + unknown[k] for k, v in england.items()}
    rows += block(ENGLAND_NAME, ENGLAND_CODE, "country", england)
    for rgn in geo.regions:
        rows += block(geo.area_name[rgn], rgn, "region", total(geo.members[rgn]))
    rows += block(*FE_UNKNOWN, "region", unknown)
    for rgn in geo.regions:
        for code in geo.by_name(geo.members[rgn]):
            rows += block(geo.lad_name[code], code, "localAuthorityDistrict", raw[code])
    rows += block(*FE_UNKNOWN, "localAuthorityDistrict", unknown)
    return rows


# ----------------------------------------------- DfE FE aim achievements by sector subject area
FE_SSA_HEADER = ["location", "location_code", "geographic_level", "time_period", "notional_nvq_level",
                 "ethnicity_group", "gender", "ssa_t1_desc", "e_and_t_aims_ach"]
# (label as DfE writes it, national share of achievements), in the real file's order after `Total`
FE_SSA_PROFILE = [
    ("Agriculture, Horticulture and Animal Care", 0.009),
    ("Arts, Media and Publishing", 0.026),
    ("Business, Administration and Law", 0.075),
    ("Construction, Planning and the Built Environment", 0.049),
    ("Education and Training", 0.018),
    ("Engineering and Manufacturing Technologies", 0.043),
    ("Health, Public Services and Care", 0.195),
    ("History, Philosophy and Theology", 0.002),
    ("Information and Communication Technology", 0.053),
    ("Languages, Literature and Culture", 0.010),
    ("Leisure, Travel and Tourism", 0.012),
    ("Not Applicable/ Not Known", 0.003),
    ("Preparation for Life and Work", 0.441),
    ("Retail and Commercial Enterprise", 0.060),
    ("Science and Mathematics", 0.002),
    ("Social Sciences", 0.002),
]


def gen_fe_ssa(geo: Geo) -> list[list]:
    rng = sub_rng("fe_ssa")
    labels = [label for label, _ in FE_SSA_PROFILE]
    raw: dict[str, list[float]] = {}
    for code in geo.lad_codes:
        total = geo.pop16[code] * rng.uniform(0.008, 0.014)
        raw[code] = [float(round(total * share * rng.uniform(0.6, 1.4))) for _, share in FE_SSA_PROFILE]
    unknown = [float(round(sum(raw[c][i] for c in geo.lad_codes) * rng.uniform(0.002, 0.004)))
               for i in range(len(labels))]

    def fmt(v: float) -> str:
        return "low" if v < 5 else str(round_half_up(v, 10))

    def block(name: str, code: str, level: str, vals: list[float]) -> list[list]:
        first = [name, code, level, "202122", "Total", "Total", "Total"]
        return ([first + ["Total", fmt(sum(vals))]]
                + [first + [label, fmt(v)] for label, v in zip(labels, vals)])

    def total(codes: list[str]) -> list[float]:
        return [sum(raw[c][i] for c in codes) for i in range(len(labels))]

    england = [v + u for v, u in zip(total(geo.lad_codes), unknown)]
    rows = block(ENGLAND_NAME, ENGLAND_CODE, "country", england)
    for rgn in geo.regions:
        rows += block(geo.area_name[rgn], rgn, "region", total(geo.members[rgn]))
    for rgn in geo.regions:
        for code in geo.by_name(geo.members[rgn]):
            rows += block(geo.lad_name[code], code, "localAuthorityDistrict", raw[code])
    rows += block(*FE_UNKNOWN, "localAuthorityDistrict", unknown)
    return rows


# ------------------------------------------------ DfE apprenticeships by level, age and sex (LAD)
APP_HEADER = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name",
              "region_code", "region_name", "lad_code", "lad_name", "pcon_code", "pcon_name",
              "age_summary", "apps_level", "sex", "starts", "achievements", "participation"]
APP_YEARS = ["202324", "202425"]
APP_LEVELS = ["Intermediate Apprenticeship", "Advanced Apprenticeship", "Higher Apprenticeship"]
APP_AGES = ["Under 19", "19-24", "25+"]
# national share of starts per (age, level): synthetic, higher apprenticeships mostly 19+
APP_PROFILE = {
    ("Under 19", APP_LEVELS[0]): 0.13, ("Under 19", APP_LEVELS[1]): 0.11, ("Under 19", APP_LEVELS[2]): 0.02,
    ("19-24", APP_LEVELS[0]): 0.09, ("19-24", APP_LEVELS[1]): 0.14, ("19-24", APP_LEVELS[2]): 0.09,
    ("25+", APP_LEVELS[0]): 0.09, ("25+", APP_LEVELS[1]): 0.16, ("25+", APP_LEVELS[2]): 0.17,
}
APP_COUNTS = ["starts", "achievements", "participation"]


def gen_apprenticeships(geo: Geo) -> list[list]:
    rng = sub_rng("apprenticeships_lad")
    # raw[code][(year, age, level)] = [starts, achievements, participation]
    raw: dict[str, dict[tuple[str, str, str], list[float]]] = {}
    for code in geo.lad_codes:
        rate = rng.uniform(0.006, 0.010)
        vals: dict[tuple[str, str, str], list[float]] = {}
        for k, y in enumerate(APP_YEARS):
            total = geo.pop16[code] * rate * (1.0 + 0.03 * k)
            for (age, level), share in APP_PROFILE.items():
                starts = float(round(total * share * rng.uniform(0.8, 1.2)))
                vals[(y, age, level)] = [starts, float(round(starts * rng.uniform(0.35, 0.5))),
                                         float(round(starts * rng.uniform(2.2, 2.8)))]
        raw[code] = vals

    def fmt(v: float) -> str:
        return "low" if v < 5 else str(round_half_up(v, 10))

    def cell(vals: dict, y: str, age: str, level: str) -> list[float]:
        ages = APP_AGES if age == "Total" else [age]
        levels = APP_LEVELS if level == "Total" else [level]
        return [sum(vals[(y, a, lv)][i] for a in ages for lv in levels) for i in range(3)]

    def block(level_name: str, rgn: tuple[str, str], lad: tuple[str, str], vals: dict) -> list[list]:
        rows = []
        for y in APP_YEARS:
            first = [y, "Academic year", level_name, ENGLAND_CODE, ENGLAND_NAME, *rgn, *lad, "", ""]
            for age in ["Total", *APP_AGES]:
                for level in ["Total", *APP_LEVELS]:
                    rows.append(first + [age, level, "Total"] + [fmt(v) for v in cell(vals, y, age, level)])
            # a sex split of the total (synthetic shares): read past by lmi
            tot = cell(vals, y, "Total", "Total")
            female = [round(v * 0.48) for v in tot]
            rows.append(first + ["Total", "Total", "Female"] + [fmt(v) for v in female])
            rows.append(first + ["Total", "Total", "Male"] + [fmt(t - f) for t, f in zip(tot, female)])
        return rows

    def total(codes: list[str]) -> dict:
        keys = raw[codes[0]].keys()
        return {k: [sum(raw[c][k][i] for c in codes) for i in range(3)] for k in keys}

    rows = block("National", ("", ""), ("", ""), total(geo.lad_codes))
    for rgn in geo.regions:
        rows += block("Regional", (rgn, geo.area_name[rgn]), ("", ""), total(geo.members[rgn]))
    for rgn in geo.regions:
        for code in geo.by_name(geo.members[rgn]):
            rows += block("Local authority district", (rgn, geo.area_name[rgn]),
                          (code, geo.lad_name[code]), raw[code])
    return rows


# ------------------------------------------------------------------ ONS Explore Local Statistics
ELS_HEADER = ["areacd", "areanm", "geography", "indicator", "period", "observation", "measure",
              "unit", "lci_95", "uci_95", "status", "notes"]
ELS_COUNTRY, ELS_NATION, ELS_REGION = "Country", "Nation", "Region"
ELS_CA, ELS_CUA, ELS_LAD = ("Combined Authority or City Region", "County or Unitary Authority",
                            "Local Authority District")
UK_COUNTRIES = [("K02000001", "United Kingdom"), ("K03000001", "Great Britain"),
                ("K04000001", "England and Wales")]
UK_NATIONS = [("W92000004", "Wales"), ("S92000003", "Scotland"), ("N92000002", "Northern Ireland")]
GLA = ("E61000001", "Greater London Authority")
# The real ELS files still publish Barnsley and Sheffield under their pre-2024 codes.
ELS_OLD_CODES = {"E08000038": "E08000016", "E08000039": "E08000019"}
ELS_OBSOLETE_NOTE = "Obsolete code since 2025 (replaced by {code} {name})"
NOTE_UNRELIABLE = ("Estimate and confidence interval unreliable since the group sample size is "
                   "small (3-9)")
NOTE_APPREN_SUPPRESSED = "Observation suppressed due to a base observation of fewer than 5"
PAY_CAS = ["E47000001", "E47000002", "E47000003", "E47000004", "E47000006", "E47000007",
           "E47000008", "E47000009", "E47000012", "E47000013", "E47000014"]


class ElsArea:
    def __init__(self, code: str, name: str, geography: str, kind: str, members: list[str],
                 note: str = "") -> None:
        self.code, self.name, self.geography, self.kind = code, name, geography, kind
        self.members, self.note = members, note
        self.lad = members[0] if kind == "lad" else None


def els_areas(geo: Geo, *, countries: bool, cas: list[str], gla: bool,
              obsolete_notes: bool) -> list[ElsArea]:
    """Areas in the real files' hierarchical order: UK/GB/E&W, England, then per region: the
    region, its combined authorities, unitaries, counties each followed by their districts,
    metropolitan districts, London boroughs; Wales/Scotland/NI nations last."""
    out: list[ElsArea] = []
    if countries:
        out += [ElsArea(c, n, ELS_COUNTRY, "country", []) for c, n in UK_COUNTRIES]
    out.append(ElsArea(ENGLAND_CODE, ENGLAND_NAME, ELS_NATION, "england", geo.members[ENGLAND_CODE]))

    def lad_area(code: str) -> ElsArea:
        name = geo.lad_name[code]
        geography = ELS_CUA if code.startswith("E06") else ELS_LAD
        if code in ELS_OLD_CODES:
            note = ELS_OBSOLETE_NOTE.format(code=code, name=name) if obsolete_notes else ""
            return ElsArea(ELS_OLD_CODES[code], name, geography, "lad", [code], note)
        return ElsArea(code, name, geography, "lad", [code])

    for rgn in geo.regions:
        members = geo.members[rgn]
        out.append(ElsArea(rgn, geo.area_name[rgn], ELS_REGION, "region", members))
        region_cas = sorted({geo.ca_of[c] for c in members if geo.ca_of[c] in cas})
        for ca in region_cas:
            # a CA is listed under the region holding most of its population
            ca_members = geo.members[ca]
            main = max(geo.regions, key=lambda r: geo.wsum_pop([c for c in ca_members
                                                                 if geo.region_of[c] == r]))
            if main == rgn:
                out.append(ElsArea(ca, geo.area_name[ca], ELS_CA, "ca", ca_members))
        if gla and rgn == "E12000007":
            out.append(ElsArea(GLA[0], GLA[1], ELS_CA, "ca", members))
        out += [lad_area(c) for c in geo.by_name([c for c in members if c.startswith("E06")])]
        counties = sorted({geo.county_of[c] for c in members if geo.county_of[c]},
                          key=lambda c: geo.area_name[c])
        for cty in counties:
            out.append(ElsArea(cty, geo.area_name[cty], ELS_CUA, "county", geo.members[cty]))
            out += [lad_area(c) for c in geo.by_name(geo.members[cty])]
        out += [lad_area(c) for c in geo.by_name([c for c in members if c[:3] in ("E08", "E09")])]
    if countries:
        out += [ElsArea(c, n, ELS_NATION, "nation", []) for c, n in UK_NATIONS]
    return out


def els_series(rng: random.Random, geo: Geo, lad_base: dict[str, float],
               period_factor: list[float], period_offset: list[float], noise_sd: float,
               lo: float, hi: float, relative_noise: bool) -> dict[str, list[float]]:
    """Per-LAD values for each period: base * factor (+ offset) + noise, clamped to [lo, hi]."""
    out = {}
    for code in geo.lad_codes:
        vals = []
        for f, off in zip(period_factor, period_offset):
            v = lad_base[code] * f + off
            v = v * (1 + rng.gauss(0, noise_sd)) if relative_noise else v + rng.gauss(0, noise_sd)
            vals.append(clamp(v, lo, hi))
        out[code] = vals
    return out


def els_value(geo: Geo, area: ElsArea, lad_vals: dict[str, list[float]], k: int,
              nation_offsets: dict[str, float]) -> float:
    if area.kind in ("country", "nation"):
        return geo.wmean({c: v[k] for c, v in lad_vals.items()}, geo.lad_codes) + nation_offsets[area.code]
    return geo.wmean({c: v[k] for c, v in lad_vals.items()}, area.members)


def els_file(rng: random.Random, geo: Geo, areas: list[ElsArea], *, indicators: list[tuple],
             periods: list[str], measure: str, unit: str, obs_fmt: str,
             ci: str | None, ci_width, area_periods=None,
             cell_status: dict[tuple[str, int], tuple[str, str]] | None = None) -> list[list]:
    """Rows of one ELS file.

    indicators: (label, lad_vals, area filter or None, nation_offsets)
    ci: None (no CI), "pm" (obs +/- half-width), or "cv" (obs * (1 -/+ 1.96 cv/100)); ci_width(area)
    returns the half-width / CV. cell_status maps (current LAD code, period index) to
    (kind, note): "x" / "u" (no observation), "unreliable" (observation, no CI, note), "noci".
    """
    cell_status = cell_status or {}
    rows: list[list] = []
    for label, lad_vals, keep, offsets in indicators:
        for area in areas:
            if keep is not None and not keep(area):
                continue
            ks = [k for k in range(len(periods)) if area_periods is None or area_periods(area, k)]
            for k in rng.sample(ks, len(ks)):  # the real files do not sort periods
                v = els_value(geo, area, lad_vals, k, offsets)
                obs = f"{v:.1f}" if obs_fmt == "1dp" else str(round(v))
                lci = uci = ""
                if ci is not None:
                    width = ci_width(area)
                    o = float(obs)
                    if ci == "pm":
                        lci, uci = str(o - width), str(o + width)
                    else:
                        lci, uci = str(o * (1 - 1.96 * width / 100)), str(o * (1 + 1.96 * width / 100))
                status, note = "", area.note
                kind, snote = cell_status.get((area.lad, k), ("", "")) if area.lad else ("", "")
                if kind in ("x", "u"):
                    obs = lci = uci = ""
                    status, note = kind, snote
                elif kind in ("unreliable", "noci"):
                    lci = uci = ""
                    note = snote
                rows.append([area.code, area.name, area.geography, label, periods[k], obs,
                             measure, unit, lci, uci, status, note])
    return rows


def pick_gaps(rng: random.Random, geo: Geo, n: int, n_periods: int,
              exclude: set[str]) -> dict[tuple[str, int], tuple[str, str]]:
    """n random (LAD, period) cells marked unavailable (status x)."""
    candidates = [c for c in geo.lad_codes if c not in exclude and c not in ELS_OLD_CODES]
    out = {}
    while len(out) < n:
        out[(rng.choice(candidates), rng.randrange(n_periods))] = ("x", "")
    return out


def size_width(pop: float, scale: float, lo: float, hi: float) -> float:
    """Half-width / CV that shrinks with population (larger relative CI for small areas)."""
    return clamp(scale / math.sqrt(pop / 1000.0), lo, hi)


def gen_els(geo: Geo) -> dict[str, list[list]]:
    special = {"E06000053", "E09000001"}  # Isles of Scilly, City of London
    nations_rng = sub_rng("els_nations")

    def offsets(spread: float) -> dict[str, float]:
        return {c: nations_rng.uniform(-spread, spread) for c, _ in UK_COUNTRIES + UK_NATIONS}

    def is_top(area: ElsArea) -> bool:
        return area.kind in ("england", "region")

    def width_fn(rng: random.Random, lad_scale: float, lad_lo: float, lad_hi: float,
                 fixed: dict[str, tuple[float, float]]):
        cache: dict[str, float] = {}

        def width(area: ElsArea) -> float:
            if area.kind == "lad":
                w = size_width(geo.pop16[area.lad], lad_scale, lad_lo, lad_hi) * rng.uniform(0.9, 1.1)
            else:
                if area.code not in cache:
                    cache[area.code] = rng.uniform(*fixed[area.kind])
                w = cache[area.code] * rng.uniform(0.95, 1.05)
            return round(w, 1)
        return width

    out: dict[str, list[list]] = {}
    lat = geo.latent

    # ---- claimant count (% of residents 16-64), no CI
    rng = sub_rng("els_claimant")
    periods = [f"{y}-01-01/P1Y" for y in range(2021, 2026)]
    base = {c: clamp(1.5 + 4.0 * (1 - lat[c]) + (0.5 if c.startswith("E09") else 0.0)
                     + rng.uniform(-0.3, 0.3), 1.5, 5.6) for c in geo.lad_codes}
    vals = els_series(rng, geo, base, [1.25, 0.98, 0.96, 1.0, 1.04], [0] * 5, 0.03, 1.5, 7.0, True)
    areas = els_areas(geo, countries=True, cas=geo.cas, gla=False, obsolete_notes=True)
    status = pick_gaps(rng, geo, 5, len(periods), special)
    out["claimant-count.csv"] = els_file(
        rng, geo, areas, indicators=[("Claimant Count", vals, None, offsets(0.3))],
        periods=periods, measure="Percentage", unit="%", obs_fmt="1dp", ci=None, ci_width=None,
        cell_status=status)

    # ---- employment rate 16-64 (APS), +/- CI; "Economically inactive" for England and regions
    rng = sub_rng("els_employment")
    periods = [f"{y}-01-01/P1Y" for y in range(2019, 2024)]
    base = {c: clamp(68.0 + 12.0 * lat[c] + rng.uniform(-2.0, 2.0), 65.5, 81.5) for c in geo.lad_codes}
    vals = els_series(rng, geo, base, [1.0] * 5, [-0.8, -0.3, 0.2, 0.5, 0.6], 1.2, 65.0, 82.0, False)
    unemp = {c: [rng.uniform(2.8, 4.5) for _ in periods] for c in geo.lad_codes}
    inactive = {c: [100.0 - v - u for v, u in zip(vals[c], unemp[c])] for c in geo.lad_codes}
    areas = els_areas(geo, countries=True, cas=geo.cas, gla=False, obsolete_notes=False)
    status = pick_gaps(rng, geo, 3, len(periods), special)
    status.update({("E06000053", k): ("x", "") for k in range(len(periods))})
    status.update({("E09000001", 0): ("unreliable", NOTE_UNRELIABLE),
                   ("E09000001", 1): ("u", ""), ("E09000001", 2): ("u", ""),
                   ("E09000001", 3): ("u", ""), ("E09000001", 4): ("x", "")})
    width = width_fn(rng, 40.0, 3.0, 8.0, {"county": (1.2, 2.5), "ca": (1.0, 1.8),
                                            "region": (0.6, 1.0), "england": (0.5, 0.5),
                                            "country": (0.3, 0.5), "nation": (0.8, 1.1)})
    out["employment-rate.csv"] = els_file(
        rng, geo, areas,
        indicators=[("Employment rate", vals, None, offsets(1.5)),
                    ("Economically inactive", inactive, None, offsets(1.5))],
        periods=periods, measure="Percentage", unit="%", obs_fmt="1dp", ci="pm", ci_width=width,
        cell_status=status)

    # ---- ASHE gross median weekly pay (GBP), CV-based CI; CAs only from 2023
    rng = sub_rng("els_pay")
    periods = ["2021-04-21", "2022-04-27", "2023-04-19", "2024-04-17", "2025-04-30"]
    base = {c: clamp(555.0 + 150.0 * lat[c] + (50.0 if c.startswith("E09") else 0.0)
                     + rng.uniform(-20, 20), 550.0, 760.0) for c in geo.lad_codes}
    vals = els_series(rng, geo, base, [1.0, 1.04, 1.09, 1.14, 1.18], [0] * 5, 0.015, 550.0, 900.0, True)
    areas = els_areas(geo, countries=True, cas=PAY_CAS, gla=False, obsolete_notes=True)
    status = pick_gaps(rng, geo, 3, len(periods), special)
    status.update({("E06000053", k): ("u", "") for k in range(len(periods))})
    status[("E06000053", 1)] = ("noci", "")
    status.update({("E09000001", k): ("u", "") for k in range(len(periods))})
    width = width_fn(rng, 55.0, 3.5, 9.5, {"county": (2.0, 3.5), "ca": (1.2, 2.5),
                                            "region": (1.0, 2.0), "england": (0.4, 0.4),
                                            "country": (0.2, 0.4), "nation": (1.0, 2.5)})
    out["gross-median-weekly-pay.csv"] = els_file(
        rng, geo, areas, indicators=[("Gross median weekly pay", vals, None, offsets(40.0))],
        periods=periods, measure="Pounds", unit="£", obs_fmt="1dp", ci="cv", ci_width=width,
        area_periods=lambda a, k: a.kind != "ca" or k >= 2, cell_status=status)

    # ---- % of 16-64 with RQF Level 3+ (APS); the real series has only 2022 and 2023
    rng = sub_rng("els_l3")
    periods = ["2022-01-01/P1Y", "2023-01-01/P1Y"]
    base = {c: clamp(48.0 + 24.0 * lat[c] + rng.uniform(-3.0, 3.0), 45.5, 74.0) for c in geo.lad_codes}
    vals = els_series(rng, geo, base, [1.0, 1.0], [0.0, 0.8], 1.2, 45.0, 75.0, False)
    areas = els_areas(geo, countries=True, cas=geo.cas, gla=False, obsolete_notes=True)
    status = pick_gaps(rng, geo, 2, len(periods), special)
    status.update({("E06000053", k): ("x", "") for k in range(len(periods))})
    width = width_fn(rng, 42.0, 3.0, 8.0, {"county": (1.5, 3.3), "ca": (1.2, 2.0),
                                            "region": (0.8, 1.5), "england": (0.4, 0.4),
                                            "country": (0.3, 0.4), "nation": (1.0, 1.2)})
    out["qualifications-level-3-or-above.csv"] = els_file(
        rng, geo, areas,
        indicators=[("Level 3 or above qualifications (Great Britain)", vals, None, offsets(3.0))],
        periods=periods, measure="Percentage", unit="%", obs_fmt="1dp", ci="pm", ci_width=width,
        cell_status=status)

    # ---- apprenticeship starts per 100,000 (DfE), no CI, England only (no UK/GB rows);
    #      "Apprenticeship achievements (England)" for England and regions
    rng = sub_rng("els_apprenticeships")
    periods = [f"{y}-08-01/P1Y" for y in range(2020, 2025)]
    base = {c: clamp((650.0 + 600.0 * (1 - lat[c]) + rng.uniform(-120, 120))
                     * (0.75 if c.startswith("E09") else 1.0), 520.0, 1300.0) for c in geo.lad_codes}
    vals = els_series(rng, geo, base, [0.92, 1.0, 0.97, 0.95, 0.97], [0] * 5, 0.04, 500.0, 1400.0, True)
    achieve = {c: [v * rng.uniform(0.48, 0.56) for v in vals[c]] for c in geo.lad_codes}
    appren_cas = [c for c in PAY_CAS if c in geo.cas]
    areas = els_areas(geo, countries=False, cas=appren_cas, gla=True, obsolete_notes=False)
    status = {("E06000053", k): ("u", NOTE_APPREN_SUPPRESSED) for k in (0, 1, 3)}
    out["apprenticeships.csv"] = els_file(
        rng, geo, areas,
        indicators=[("Apprenticeship starts (England)", vals, None, {}),
                    ("Apprenticeship achievements (England)", achieve, is_top, {})],
        periods=periods, measure="Rate per 100,000 population", unit="Rate per 100,000 population",
        obs_fmt="int", ci=None, ci_width=None, cell_status=status)

    # ---- business demography (issue 13): births and deaths as % of active businesses, no CI
    rng = sub_rng("els_business_demography")
    periods = [f"{y}-01-01/P1Y" for y in range(2019, 2025)]
    births_base = {c: clamp(9.0 + 5.0 * lat[c] + rng.uniform(-1.0, 1.0), 8.0, 16.0)
                   for c in geo.lad_codes}
    deaths_base = {c: clamp(9.0 + 3.0 * (1 - lat[c]) + rng.uniform(-1.0, 1.0), 8.0, 14.0)
                   for c in geo.lad_codes}
    births = els_series(rng, geo, births_base, [1.0, 0.9, 1.0, 1.0, 0.95, 0.97], [0] * 6, 0.05,
                        5.0, 20.0, True)
    deaths = els_series(rng, geo, deaths_base, [1.0, 0.95, 1.05, 1.1, 1.05, 1.0], [0] * 6, 0.05,
                        5.0, 20.0, True)
    areas = els_areas(geo, countries=True, cas=geo.cas, gla=False, obsolete_notes=False)
    out["business-demography.csv"] = els_file(
        rng, geo, areas,
        indicators=[("Business births", births, None, offsets(1.0)),
                    ("Business deaths", deaths, None, offsets(1.0))],
        periods=periods, measure="Percentage", unit="%", obs_fmt="1dp", ci=None, ci_width=None,
        cell_status={})
    return out


# ------------------------------- productivity and people (issue 25): four more ELS series
# Layouts as the real files in ../shared/data/ons_els (PROVENANCE "Fourth data-gathering pass"):
# GVA has no England, region or county row (ONS publishes ITL1 regions under ITL codes and "UK
# less Extra-Regio" instead: the sample leaves them out, as lmi reads only E-codes); the FE rates
# have no Country rows and no combined authority formed after 2024 (Lancashire E47000018).
FE_ELS_CAS = [c for c in PAY_CAS]


def gen_els_productivity(geo: Geo) -> dict[str, list[list]]:
    nations_rng = sub_rng("els_productivity_nations")

    def offsets(spread: float) -> dict[str, float]:
        return {c: nations_rng.uniform(-spread, spread) for c, _ in UK_COUNTRIES + UK_NATIONS}

    out: dict[str, list[list]] = {}
    lat = geo.latent

    # ---- GVA per hour worked and per filled job (GBP, current prices), no CI; districts,
    #      counties/unitaries and combined authorities only
    rng = sub_rng("els_gva")
    periods = [f"{y}-01-01/P1Y" for y in range(2018, 2024)]
    hour_base = {c: clamp(30.0 + 14.0 * lat[c] + (8.0 if c.startswith("E09") else 0.0)
                          + rng.uniform(-3.0, 3.0), 26.0, 60.0) for c in geo.lad_codes}
    hour = els_series(rng, geo, hour_base, [0.9, 0.93, 0.99, 1.0, 1.04, 1.09], [0] * 6, 0.02,
                      22.0, 70.0, True)
    job = {c: [v * rng.uniform(1480.0, 1560.0) for v in hour[c]] for c in geo.lad_codes}
    areas = [a for a in els_areas(geo, countries=False, cas=geo.cas, gla=False, obsolete_notes=True)
             if a.kind in ("lad", "county", "ca")]
    status = {("E06000053", k): ("x", "Data not available") for k in range(len(periods))}
    out["gross-value-added.csv"] = els_file(
        rng, geo, areas,
        indicators=[("Gross value added per hour worked", hour, None, {}),
                    ("Gross value added per filled job", job, None, {})],
        periods=periods, measure="Pounds", unit="£", obs_fmt="1dp", ci=None, ci_width=None,
        cell_status=status)

    # ---- modelled unemployment (% of economically active 16+), 95% CI
    rng = sub_rng("els_modelled_unemployment")
    periods = [f"{y}-01-01/P1Y" for y in range(2019, 2024)]
    base = {c: clamp(2.8 + 3.0 * (1 - lat[c]) + rng.uniform(-0.4, 0.4), 2.2, 7.5) for c in geo.lad_codes}
    vals = els_series(rng, geo, base, [1.0, 1.2, 1.1, 0.95, 0.97], [0] * 5, 0.05, 1.5, 9.0, True)
    areas = els_areas(geo, countries=True, cas=geo.cas, gla=False, obsolete_notes=True)
    status = {("E06000053", k): ("x", "") for k in range(len(periods))}
    status.update({("E09000001", k): ("x", "") for k in range(len(periods))})
    out["modelled-unemployment.csv"] = els_file(
        rng, geo, areas, indicators=[("Modelled unemployment rate", vals, None, offsets(0.5))],
        periods=periods, measure="Percentage", unit="%", obs_fmt="1dp", ci="pm",
        ci_width=lambda a: round(rng.uniform(0.2, 0.5) if a.kind != "lad" else rng.uniform(0.8, 2.0), 1),
        cell_status=status)

    # ---- FE and skills participation and learner achievements, 19+, rate per 100,000, England
    for fname, label, seed, level in [
            ("further-education-and-skills-participation.csv",
             "Further education and skills participation", "els_fe_participation", 5200.0),
            ("further-education-and-skills-learner-achievements.csv",
             "Further education and skills learner achievements", "els_fe_achievements", 3500.0)]:
        rng = sub_rng(seed)
        periods = [f"{y}-08-01/P1Y" for y in range(2019, 2025)]
        base = {c: clamp(level * (1.35 - 0.6 * lat[c]) * rng.uniform(0.9, 1.1), 0.5 * level,
                         2.0 * level) for c in geo.lad_codes}
        vals = els_series(rng, geo, base, [1.05, 1.0, 0.98, 0.96, 0.97, 1.0], [0] * 6, 0.03,
                          0.4 * level, 2.2 * level, True)
        areas = els_areas(geo, countries=False, cas=FE_ELS_CAS, gla=True, obsolete_notes=True)
        out[fname] = els_file(
            rng, geo, areas, indicators=[(label, vals, None, {})], periods=periods,
            measure="Rate per 100,000 population", unit="Rate per 100,000 population",
            obs_fmt="int", ci=None, ci_width=None, cell_status={})
    return out


# ------------------------------- mid-year population 16-64 (Nomis NM_2002_1, API layout)
# Not confirmed from a real file (none is held): the Nomis API CSV layout of the other datasets
# (DATE…, GEOGRAPHY…, one six-column block per dimension, MEASURES…, OBS_*, URN, paging), with the
# dimensions of the documented query `gender=0&c_age=203&measures=20100` (PUBLISHERS-DEMAND §11).
POP_HEADER = ["DATE", "DATE_NAME", "DATE_CODE", "DATE_TYPE", "DATE_TYPECODE", "DATE_SORTORDER",
              "GEOGRAPHY", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "GEOGRAPHY_TYPE",
              "GEOGRAPHY_TYPECODE", "GEOGRAPHY_SORTORDER", "GENDER", "GENDER_NAME", "GENDER_CODE",
              "GENDER_TYPE", "GENDER_TYPECODE", "GENDER_SORTORDER", "C_AGE", "C_AGE_NAME",
              "C_AGE_CODE", "C_AGE_TYPE", "C_AGE_TYPECODE", "C_AGE_SORTORDER", "MEASURES",
              "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS", "OBS_STATUS_NAME", "OBS_CONF",
              "OBS_CONF_NAME", "URN", "RECORD_OFFSET", "RECORD_COUNT"]
POP_YEARS = list(range(2016, 2023))


def gen_population(geo: Geo) -> list[list]:
    """Residents aged 16-64 per district (April 2023 districts, TYPE424) and England, mid-years
    2016-2022 (the UK Business Counts sample's years and five before the first)."""
    rng = sub_rng("nomis_population_16_64")
    per_lad: dict[str, list[int]] = {}
    for code in geo.lad_codes:
        n = geo.pop16[code] * 0.78 * rng.uniform(0.96, 1.04)
        trend = rng.uniform(-0.006, 0.012)
        years = []
        for _ in POP_YEARS:
            years.append(round(n))
            n *= 1.0 + trend + rng.gauss(0, 0.002)
        per_lad[code] = years
    cells = []
    for k, year in enumerate(POP_YEARS):
        england = sum(v[k] for v in per_lad.values())
        cells.append((year, 2092957699, ENGLAND_NAME, ENGLAND_CODE, "countries", 499, england))
        for code in geo.by_name(geo.lad_codes):
            cells.append((year, 0, geo.lad_name[code], code,
                          "local authorities: district / unitary (as of April 2023)", 424,
                          per_lad[code][k]))
    rows = []
    for i, (year, gid, name, code, type_name, type_code, value) in enumerate(cells):
        rows.append([year, year, year, "date", 0, 0, gid, name, code, type_name, type_code, 0,
                     0, "Total", 0, "sex", 0, 0, 203, "Aged 16 - 64", 203, "age", 1000, 0,
                     20100, "Value", value, "A", "Normal Value", "FALSE",
                     "Free (free for publication)", f"Nm-2002d1d{gid}e0d203d20100", i,
                     len(cells)])
    return rows


# ------------------------------------------------------------------ Nomis APS T19 (NVQ) by LAD
NOMIS_HEADER = ["date", "area_type", "area_name", "area_code", "cell", "number", "flag", "conf_95_pm"]
NOMIS_DATES = [f"Jan {y}-Dec {y}" for y in range(2017, 2022)]
NOMIS_LEVELS = ["None", "NVQ1", "NVQ2", "Trade Apprenticeships", "NVQ3", "NVQ4+", "Other Qualifications"]
NOMIS_CELLS = [f"T19:{i} (Total - All people aged 16-64 : {lab} )"
               for i, lab in enumerate(NOMIS_LEVELS, start=1)]
NOMIS_WITHHELD = "!"   # estimate and CI not available: group sample size 0-2
NOMIS_UNRELIABLE = "*"  # CI not shown: group sample size 3-9 (estimate unreliable)
NOMIS_SMALL = "~"      # estimate below 500
NOMIS_MISSING = "-"    # figures missing (Isles of Scilly)
NOMIS_MISSING_LADS = {"E06000053"}
NOMIS_SAMPLE_PER = 140.0  # one APS respondent per ~140 residents aged 16-64 (synthetic)
NOMIS_DEFF = 1.5          # design effect applied to the CI


def nomis_shares(rng: random.Random, a: float, london: bool) -> list[float]:
    nvq4 = 0.28 + 0.22 * a + (0.08 if london else 0.0) + rng.uniform(-0.02, 0.02)
    none = 0.12 - 0.06 * a + rng.uniform(-0.015, 0.015)
    nvq1 = rng.uniform(0.08, 0.13)
    nvq2 = rng.uniform(0.13, 0.19)
    trade = rng.uniform(0.008, 0.02) if london else rng.uniform(0.02, 0.045)
    nvq3 = rng.uniform(0.14, 0.19)
    other = rng.uniform(0.08, 0.12) if london else rng.uniform(0.04, 0.08)
    s = [none, nvq1, nvq2, trade, nvq3, nvq4, other]
    t = sum(s)
    return [x / t for x in s]


def gen_nomis(geo: Geo) -> tuple[list[list], dict[str, int]]:
    rng = sub_rng("nomis_aps_t19")
    # per LAD per date: 16-64 population and raw (unrounded) counts
    pop: dict[str, list[float]] = {}
    raw: dict[str, list[list[float]]] = {}
    for code in geo.lad_codes:
        n1664 = geo.pop16[code] * 0.62 * rng.uniform(0.97, 1.03)
        shares = nomis_shares(rng, geo.latent[code], code.startswith("E09"))
        pops, counts = [], []
        for k in range(len(NOMIS_DATES)):
            if k:
                n1664 *= 1.0 + rng.uniform(-0.01, 0.015)
            s = [max(0.002, x + rng.gauss(0, 0.006)) for x in shares]
            s[5] += 0.006 * k  # slow rise in NVQ4+
            t = sum(s)
            pops.append(n1664)
            counts.append([n1664 * x / t for x in s])
        pop[code], raw[code] = pops, counts

    def conf(count: float, total: float, n: float) -> int:
        p = count / total
        return max(100, round_half_up(1.96 * NOMIS_DEFF * math.sqrt(p * (1 - p) / n) * total, 100))

    stats = defaultdict(int)
    rows: list[list] = []
    order = [c for rgn in geo.regions for c in geo.by_name(geo.members[rgn])]
    for k, date in enumerate(NOMIS_DATES):
        tot_pop = sum(pop[c][k] for c in geo.lad_codes)
        n_eng = tot_pop / NOMIS_SAMPLE_PER
        for i, cell in enumerate(NOMIS_CELLS):
            cnt = sum(raw[c][k][i] for c in geo.lad_codes)
            rows.append([date, "country", ENGLAND_NAME, ENGLAND_CODE, cell,
                         round_half_up(cnt, 100), "", conf(cnt, tot_pop, n_eng)])
        for code in order:
            area_code = ";".join(sorted(geo.same_name_old.get(code, []) + [code]))
            n = max(40.0, pop[code][k] / NOMIS_SAMPLE_PER)
            for i, cell in enumerate(NOMIS_CELLS):
                cnt = raw[code][k][i]
                if code in NOMIS_MISSING_LADS:
                    number, ci = NOMIS_MISSING, NOMIS_MISSING
                else:
                    respondents = n * cnt / pop[code][k] * rng.uniform(0.7, 1.3)
                    number = round_half_up(cnt, 100)
                    if respondents < 3:
                        number, ci = NOMIS_WITHHELD, NOMIS_WITHHELD
                    elif respondents < 10:
                        ci = NOMIS_UNRELIABLE
                        if number < 500:
                            number = NOMIS_SMALL
                    else:
                        ci = conf(cnt, pop[code][k], n)
                stats[str(number) if not isinstance(number, int) else "int"] += 1
                stats["conf " + (ci if isinstance(ci, str) else "int")] += 1
                rows.append([date, "ladu", geo.lad_name[code], area_code, cell, number, "", ci])
    return rows, dict(stats)


# ----------------------------------------------------------------- demand side (issue 13)
TS063_PREFIX = "Occupation (current): "
TS063_COLUMNS = [TS063_PREFIX + c for c in [
    "Total: All usual residents aged 16 years and over in employment the week before the census",
    "1. Managers, directors and senior officials", "2. Professional occupations",
    "3. Associate professional and technical occupations",
    "4. Administrative and secretarial occupations", "5. Skilled trades occupations",
    "6. Caring, leisure and other service occupations",
    "7. Sales and customer service occupations", "8. Process, plant and machine operatives",
    "9. Elementary occupations"]]
# England-like base shares of the nine SOC 2020 major groups (made up, roughly plausible)
TS063_BASE = [0.12, 0.20, 0.14, 0.09, 0.10, 0.09, 0.07, 0.07, 0.12]

UKBC_HEADER = ["date", "industry", "legal_status", "area_type", "area_name", "area_code", "Total",
               "Micro (0 to 9)", "Small (10 to 49)", "Medium-sized (50 to 249)", "Large (250+)"]
UKBC_INDUSTRIES = [
    "1 : Agriculture, forestry & fishing (A)", "2 : Mining, quarrying & utilities (B,D and E)",
    "3 : Manufacturing (C)", "4 : Construction (F)", "5 : Motor trades (Part G)",
    "6 : Wholesale (Part G)", "7 : Retail (Part G)", "8 : Transport & storage (inc postal) (H)",
    "9 : Accommodation & food services (I)", "10 : Information & communication (J)",
    "11 : Financial & insurance (K)", "12 : Property (L)",
    "13 : Professional, scientific & technical (M)",
    "14 : Business administration & support services (N)",
    "15 : Public administration & defence (O)", "16 : Education (P)", "17 : Health (Q)",
    "18 : Arts, entertainment, recreation & other services (R,S,T and U)"]
UKBC_YEARS = ["2018", "2019", "2020", "2021", "2022"]
UKBC_SIZE_SHARES = [0.895, 0.085, 0.016, 0.004]


def gen_ts063(geo: Geo) -> list[list]:
    """One row per current LAD: total ~ 58 % of the 16+ population, shares around TS063_BASE."""
    rng = sub_rng("ts063")
    rows = []
    for code in geo.lad_codes:
        a = geo.latent[code]
        total = round(geo.pop16[code] * rng.uniform(0.54, 0.62))
        tilt = [1 + 0.5 * a, 1 + 0.6 * a, 1 + 0.3 * a, 1.0, 1 - 0.2 * a, 1.0, 1 - 0.2 * a,
                1 - 0.5 * a, 1 - 0.4 * a]
        shares = [b * t * rng.uniform(0.85, 1.15) for b, t in zip(TS063_BASE, tilt)]
        ssum = sum(shares)
        counts = allocate(total, [x / ssum for x in shares])
        rows.append([code, geo.lad_name[code], total, *counts])
    return rows


def ukbc_round(x: float) -> int:
    return round_half_up(x, 5)


def gen_ukbc(geo: Geo) -> list[list]:
    """Enterprises per LAD and year, rounded to 5 like UKBC; England = rounded sum of the
    unrounded district counts (so, as in the real file, it differs from the sum of districts)."""
    rng = sub_rng("ukbc")
    raw: dict[tuple[str, str], tuple[float, list[float], list[float]]] = {}
    for code in geo.lad_codes:
        base = geo.pop16[code] * rng.uniform(0.018, 0.035) * (1 + 0.5 * geo.latent[code])
        ind = [rng.uniform(0.2, 1.8) for _ in UKBC_INDUSTRIES]
        isum = sum(ind)
        for k, year in enumerate(UKBC_YEARS):
            total = base * (1 + 0.02 * k + rng.uniform(-0.03, 0.03))
            bands = [total * s * rng.uniform(0.9, 1.1) for s in UKBC_SIZE_SHARES]
            bsum = sum(bands)
            bands = [b * total / bsum for b in bands]
            raw[(code, year)] = (total, bands, [total * i / isum for i in ind])
    rows = []
    for year in UKBC_YEARS:
        for k, industry in enumerate(["Total", *UKBC_INDUSTRIES]):
            def row(area_type: str, name: str, code: str, total: float, bands: list[float]):
                rows.append([year, industry, "Total", area_type, name, code, ukbc_round(total),
                             *[ukbc_round(b) for b in bands]])
            part = (lambda t, b, i: (t, b)) if k == 0 else \
                (lambda t, b, i, k=k: (i[k - 1], [i[k - 1] * s for s in UKBC_SIZE_SHARES]))
            eng_t, eng_b = 0.0, [0.0] * 4
            for code in geo.lad_codes:
                t, b = part(*raw[(code, year)])
                eng_t += t
                eng_b = [x + y for x, y in zip(eng_b, b)]
            row("country", ENGLAND_NAME, ENGLAND_CODE, eng_t, eng_b)
            for code in geo.by_name(geo.lad_codes):
                t, b = part(*raw[(code, year)])
                # As in the real file, a name matched to several historic codes joins them.
                joined = ";".join([*geo.same_name_old.get(code, []), code])
                row("ladu", geo.lad_name[code], joined, t, b)
            row("User Defined Geography", "Sample user-defined area - from dn00000", "",
                eng_t / 100, [x / 100 for x in eng_b])
    return rows


FLOWS_HEADER = ["year", "learner_home_lad23cd", "learner_home_lad_name", "delivery_lad23cd",
                "delivery_lad_name", "starts", "enrolments", "achievements"]
FLOWS_YEARS = ["2022/23", "2023/24", "2024/25", "2025/26 (Aug to Apr)"]
FLOWS_UNKNOWN = "Outside of England and unknown"


def gen_flows(geo: Geo) -> list[list]:
    """Apprenticeships by home and delivery LAD: most starts delivered at home, the rest in a few
    districts of the same region and in DfE's 'Outside of England and unknown' bucket (blank
    code). Barnsley and Sheffield use their pre-2024 codes, as the real LAD23 file does. The last
    year is a part year (Aug to Apr), about 3/4 of a full one."""
    rng = sub_rng("apprenticeship_flows")
    by_region: dict[str, list[str]] = defaultdict(list)
    for code in geo.lad_codes:
        by_region[geo.region_of[code]].append(code)
    lad23 = {c: (geo.same_name_old[c][0] if geo.same_name_old.get(c) else c) for c in geo.lad_codes}
    rows = []
    for k, year in enumerate(FLOWS_YEARS):
        scale = 0.75 if "(" in year else 1.0 + 0.02 * k
        for home in geo.by_name(geo.lad_codes):
            r = sub_rng(f"apprenticeship_flows:{home}")
            base = geo.pop16[home] * r.uniform(0.004, 0.007) * scale
            others = r.sample([c for c in by_region[geo.region_of[home]] if c != home],
                              k=min(5, len(by_region[geo.region_of[home]]) - 1))
            dests = [(home, r.uniform(0.4, 0.7))] + [(d, r.uniform(0.02, 0.12)) for d in others]
            for dest, share in dests:
                starts = max(0, round(base * share * rng.uniform(0.9, 1.1)))
                rows.append([year, lad23[home], geo.lad_name[home], lad23[dest], geo.lad_name[dest],
                             starts, round(starts * rng.uniform(2.0, 2.8)),
                             round(starts * rng.uniform(0.4, 0.6))])
            starts = round(base * 0.02 * rng.uniform(0.5, 1.5))
            rows.append([year, lad23[home], geo.lad_name[home], "", FLOWS_UNKNOWN, starts,
                         round(starts * 2.2), round(starts * 0.5)])
    return rows


# ------------------------------------------------ Skills Imperative 2035 projection workbooks
SECTORS_6 = ["Primary sector and utilities", "Manufacturing", "Construction",
             "Trade, accomod. and transport", "Business and other services", "Non-marketed services"]
INDUSTRIES_22 = ["Agriculture", "Mining and quarrying", "Food drink and tobacco", "Engineering",
                 "Rest of manufacturing", "Electricity and gas", "Water and sewerage", "Construction",
                 "Wholesale and retail trade", "Transport and storage", "Accommodation and food", "Media",
                 "Information technology", "Finance and insurance", "Real estate",
                 "Professional services", "Support services", "Public admin. and defence", "Education",
                 "Health and social work", "Arts and entertainment", "Other services"]
OCC_9 = ["Managers, directors and senior officials", "Professional occupations",
         "Associate professional occupations", "Administrative and secretarial occupations",
         "Skilled trades occupations", "Caring, leisure and other service occupations",
         "Sales and customer service occupations", "Process, plant and machine operatives",
         "Elementary occupations"]
OCC_26 = ["11 Corporate managers and directors", "12 Other managers and proprietors",
          "21 Science, research, engineering and technology professionals", "22 Health professionals",
          "23 Teaching and other educational professionals",
          "24 Business, media and public service professionals",
          "31 Science, engineering and technology associate professionals",
          "32 Health and social care associate professionals", "33 Protective service occupations",
          "34 Culture, media and sports occupations",
          "35 Business and public service associate professionals", "41 Administrative occupations",
          "42 Secretarial and related occupations", "51 Skilled agricultural and related trades",
          "52 Skilled metal, electrical and electronic trades",
          "53 Skilled construction and building trades",
          "54 Textiles, printing and other skilled trades", "61 Caring personal service occupations",
          "62 Leisure, travel and related personal service occupations",
          "63 Community and civil enforcement occupations", "71 Sales occupations",
          "72 Customer service occupations", "81 Process, plant and machine operatives",
          "82 Transport and mobile machine drivers and operatives",
          "91 Elementary trades and related occupations",
          "92 Elementary administration and service occupations"]
PROJ_YEARS = [2015, 2019, 2020, 2025, 2035]


def xlsx_bytes(sheets: list[tuple[str, dict[tuple[int, int], object]]]) -> bytes:
    """A minimal .xlsx (cached values only, inline strings) with the given sheets: name ->
    {(row, col): value}, 0-based."""
    import io
    import zipfile
    from xml.sax.saxutils import escape

    def ref(r: int, c: int) -> str:
        letters = ""
        c += 1
        while c:
            c, rem = divmod(c - 1, 26)
            letters = chr(65 + rem) + letters
        return f"{letters}{r + 1}"

    def sheet_xml(cells: dict) -> str:
        rows: dict[int, list] = defaultdict(list)
        for (r, c), v in sorted(cells.items()):
            if isinstance(v, str):
                rows[r].append(f'<c r="{ref(r, c)}" t="inlineStr"><is><t>{escape(v)}</t></is></c>')
            else:
                rows[r].append(f'<c r="{ref(r, c)}"><v>{v!r}</v></c>')
        body = "".join(f'<row r="{r + 1}">{"".join(cs)}</row>' for r, cs in sorted(rows.items()))
        return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                f"<sheetData>{body}</sheetData></worksheet>")

    ns = "http://schemas.openxmlformats.org"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        def put(name: str, text: str) -> None:
            info = zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text)
        put("[Content_Types].xml",
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            f'<Types xmlns="{ns}/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            + "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
                      for i in range(len(sheets)))
            + "</Types>")
        put("_rels/.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{ns}/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>')
        put("xl/workbook.xml",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
            f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
            + "".join(f'<sheet name="{escape(n)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, (n, _) in enumerate(sheets))
            + "</sheets></workbook>")
        put("xl/_rels/workbook.xml.rels",
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{ns}/package/2006/relationships">'
            + "".join(f'<Relationship Id="rId{i + 1}" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet{i + 1}.xml"/>'
                      for i in range(len(sheets)))
            + "</Relationships>")
        for i, (_, cells) in enumerate(sheets):
            put(f"xl/worksheets/sheet{i + 1}.xml", sheet_xml(cells))
    return out.getvalue()


def proj_levels(rng: random.Random, labels: list[str], total_2015: float,
                growth: list[float]) -> list[list[float]]:
    """Employment levels (thousands) for each label and year, made up; rows scaled so every
    table of a workbook has the same total in each year."""
    weights = [rng.uniform(0.3, 1.7) for _ in labels]
    trend = [rng.uniform(-0.012, 0.015) for _ in labels]
    rows = []
    for w, t in zip(weights, trend):
        rows.append([w * (1 + t) ** (y - 2015) for y in PROJ_YEARS])
    for k in range(len(PROJ_YEARS)):
        col = sum(r[k] for r in rows)
        for r in rows:
            r[k] *= total_2015 * growth[k] / col
    return rows


def proj_table(title: str, rows: list[list[float]], labels: list[str], total: str,
               header_row: int, first_row: int, requirements: bool, rng: random.Random) -> dict:
    cells: dict[tuple[int, int], object] = {(0, 0): title}
    if requirements:
        for c, (a, b) in zip((7, 8, 9), [("Net", "Change"), ("Replacement", "Demand"), ("Total", "Requirement")]):
            cells[(header_row - 1, c)] = a
            cells[(header_row, c)] = b
    for k, y in enumerate(PROJ_YEARS):
        cells[(header_row, k + 1)] = y
    cells[(first_row - 1 if first_row - 1 > header_row else header_row, 0)] = "Levels (000s)"
    sums = [0.0] * 8
    r = first_row
    for label, levels in zip(labels, rows):
        rd = levels[2] * rng.uniform(0.35, 0.6)
        vals = [*levels, levels[4] - levels[2], rd, levels[4] - levels[2] + rd]
        cells[(r, 0)] = label
        for k, v in enumerate(levels):
            cells[(r, k + 1)] = v
        if requirements:
            for c, v in zip((7, 8, 9), vals[5:]):
                cells[(r, c)] = v
        sums = [a + b for a, b in zip(sums, vals)]
        r += 1
    r += 1
    cells[(r, 0)] = total
    for k in range(5):
        cells[(r, k + 1)] = sums[k]
    if requirements:
        for c, v in zip((7, 8, 9), sums[5:]):
            cells[(r, c)] = v
    return cells


def gen_projection_workbook(kind: str, name: str, total_2015: float) -> bytes:
    rng = sub_rng(f"projections:{name}")
    growth = [1.0, 1.04, 1.02, 1.05, 1.09]
    suffix = f", 2015-2035, {name}"
    info = {(0, 0): kind, (0, 1): "19. Lancashire" if kind == "LSIP" else "Sum of the workbooks for England",
            (1, 0): "Scenario", (1, 1): ".Main", (4, 0): f"{kind} name", (4, 1): name,
            (5, 0): "Note", (5, 1): "SYNTHETIC SAMPLE DATA generated by scripts/make_sample.py"}
    contents = {(0, 0): "Contents", (3, 0): "Sheet name", (3, 1): "Contents",
                (4, 0): "Ind T1", (4, 1): "Employment by Industry Sector (6 industries)",
                (5, 0): "Ind T2", (5, 1): "Employment by Industry Group (22 industries)",
                (6, 0): "Occ T1", (6, 1): "Employment Change by Occupation Group and Gender and Replacement Demand (9 occupations)",
                (7, 0): "Occ T2", (7, 1): "Employment Change by Occupation and Replacement Demand (26 occupations)"}
    sheets = [
        ("Info", info), ("Contents", contents),
        ("Ind T1", proj_table("Industry Table 1  Employment by Industry Sector (SIC 2007)" + suffix,
                              proj_levels(rng, SECTORS_6, total_2015, growth), SECTORS_6,
                              "All industries", 4, 6, True, rng)),
        ("Ind T2", proj_table("Industry Table 2  Employment by Industry Group (SIC 2007)" + suffix,
                              proj_levels(rng, INDUSTRIES_22, total_2015, growth), INDUSTRIES_22,
                              "All industries", 2, 4, False, rng)),
        ("Occ T1", proj_table("Occupation Table 1  Employment Change by Occupation Group (SOC 2020) and Replacement Demand" + suffix,
                              proj_levels(rng, OCC_9, total_2015, growth), OCC_9,
                              "All occupations", 5, 7, True, rng)),
        ("Occ T2", proj_table("Occupation Table 2  Employment Change by Occupation (SOC 2020) and Replacement Demand" + suffix,
                              proj_levels(rng, OCC_26, total_2015, growth), OCC_26,
                              "All occupations", 5, 7, True, rng)),
    ]
    return xlsx_bytes(sheets)


# -------------------------------------------- Census 2021 TS066 (Nomis API, upper tier only)
TS066_HEADER = ["DATE", "DATE_NAME", "DATE_CODE", "DATE_TYPE", "DATE_TYPECODE", "DATE_SORTORDER",
                "GEOGRAPHY", "GEOGRAPHY_NAME", "GEOGRAPHY_CODE", "GEOGRAPHY_TYPE",
                "GEOGRAPHY_TYPECODE", "GEOGRAPHY_SORTORDER", "C2021_EASTAT_20",
                "C2021_EASTAT_20_NAME", "C2021_EASTAT_20_CODE", "C2021_EASTAT_20_TYPE",
                "C2021_EASTAT_20_TYPECODE", "C2021_EASTAT_20_SORTORDER", "MEASURES",
                "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS", "OBS_STATUS_NAME", "OBS_CONF",
                "OBS_CONF_NAME", "URN", "RECORD_OFFSET", "RECORD_COUNT"]
A = "Economically active (excluding full-time students)"
S = "Economically active and a full-time student"
TS066_NAMES = {
    0: "Total: All usual residents aged 16 years and over", 1001: A, 1002: f"{A}:In employment",
    1003: f"{A}:In employment:Employee", 1: f"{A}: In employment: Employee: Part-time",
    2: f"{A}: In employment: Employee: Full-time",
    1004: f"{A}:In employment:Self-employed with employees",
    3: f"{A}: In employment: Self-employed with employees: Part-time",
    4: f"{A}: In employment: Self-employed with employees: Full-time",
    1005: f"{A}:In employment:Self-employed without employees",
    5: f"{A}: In employment: Self-employed without employees: Part-time",
    6: f"{A}: In employment: Self-employed without employees: Full-time", 7: f"{A}: Unemployed",
    1006: S, 1007: f"{S}:In employment", 1008: f"{S}:In employment:Employee",
    8: f"{S}: In employment: Employee: Part-time", 9: f"{S}: In employment: Employee: Full-time",
    1009: f"{S}:In employment:Self-employed with employees",
    10: f"{S}: In employment: Self-employed with employees: Part-time",
    11: f"{S}: In employment: Self-employed with employees: Full-time",
    1010: f"{S}:In employment:Self-employed without employees",
    12: f"{S}: In employment: Self-employed without employees: Part-time",
    13: f"{S}: In employment: Self-employed without employees: Full-time", 14: f"{S}: Unemployed",
    1011: "Economically inactive", 15: "Economically inactive: Retired",
    16: "Economically inactive: Student", 17: "Economically inactive: Looking after home or family",
    18: "Economically inactive: Long-term sick or disabled", 19: "Economically inactive: Other"}
TS066_SUMS = {1003: [1, 2], 1004: [3, 4], 1005: [5, 6], 1002: [1003, 1004, 1005], 1001: [1002, 7],
              1008: [8, 9], 1009: [10, 11], 1010: [12, 13], 1007: [1008, 1009, 1010],
              1006: [1007, 14], 1011: [15, 16, 17, 18, 19], 0: [1001, 1006, 1011]}
TS066_LEAF_SHARES = {1: 0.11, 2: 0.33, 3: 0.004, 4: 0.011, 5: 0.03, 6: 0.037, 7: 0.024, 8: 0.012,
                     9: 0.003, 10: 0.0001, 11: 0.00005, 12: 0.0006, 13: 0.0002, 14: 0.006,
                     15: 0.22, 16: 0.06, 17: 0.05, 18: 0.04, 19: 0.03}


def gen_ts066(geo: Geo) -> list[list]:
    """Counties (E10) and unitary authorities only, as in the real upper-tier Nomis output: each
    unit's 16+ population split into the 19 leaf categories, the 12 groupings summed from them,
    counts (measure 20100) and percentages (20301)."""
    units: dict[str, list[str]] = defaultdict(list)
    for code in geo.lad_codes:
        units[geo.county_of[code] or code].append(code)
    return ts066_cells(geo, units, sub_rng("ts066"),
                       "local authorities: county / unitary (as of April 2023)", 423)


def gen_ts066_lad(geo: Geo) -> list[list]:
    """Every district (2022 districts, TYPE154), as the Nomis API serves TS066 below upper tier;
    made like the upper-tier file with its own random numbers (so a county's districts do not add
    up to the county's synthetic figures)."""
    units = {code: [code] for code in geo.lad_codes}
    return ts066_cells(geo, units, sub_rng("ts066_lad"), "2022 local authorities: districts", 154)


def ts066_cells(geo: Geo, units: dict[str, list[str]], rng: random.Random, type_name: str,
                type_code: int) -> list[list]:
    order = [0, 1001, 1002, 1003, 1, 2, 1004, 3, 4, 1005, 5, 6, 7, 1006, 1007, 1008, 8, 9, 1009,
             10, 11, 1010, 12, 13, 14, 1011, 15, 16, 17, 18, 19]
    cells = []
    for unit in sorted(units):
        pop = round(sum(geo.pop16[l] for l in units[unit]) * rng.uniform(0.98, 1.02))
        leaves = [k for k in order if k not in TS066_SUMS]
        shares = [TS066_LEAF_SHARES[k] * rng.uniform(0.8, 1.2) for k in leaves]
        ssum = sum(shares)
        counts = dict(zip(leaves, allocate(pop, [x / ssum for x in shares])))
        for k in [1003, 1004, 1005, 1002, 1001, 1008, 1009, 1010, 1007, 1006, 1011, 0]:
            counts[k] = sum(counts[c] for c in TS066_SUMS[k])
        name = geo.area_name[unit]
        for k in order:
            for measure, mname, value in [(20100, "Value", counts[k]),
                                          (20301, "Percent", round(100 * counts[k] / counts[0], 1))]:
                cells.append([unit, name, k, measure, mname, value])
    rows = []
    for i, (unit, name, k, measure, mname, value) in enumerate(cells):
        rows.append([2021, 2021, 2021, "date", 0, 0, 0, name, unit, type_name, type_code, 0, k,
                     TS066_NAMES[k], k, "Economic activity status", 1000000, 0, measure, mname,
                     value, "A", "Normal Value", "FALSE", "Free (free for publication)",
                     f"Nm-2083d1d32336e0d{k}d{measure}", i, len(cells)])
    return rows


# ------------------------------- demand indicators: ESS 2019, NCCIS 16-17, ONS job adverts
ESS_HEADER = ['lea_name', 'utla_code', 'Unweighted row', 'Total (establishments)', 'Total number of staff', 'Establishments with any vacancies', 'Have at least one vacancy that is hard to fill', 'Have a skills shortage vacancy (prompted or unprompted)', 'Number of vacancies', 'Number of skill-shortage vacancies', 'Number of vacancies as a % of all employment', '% of all vacancies which are SSVs', '% of establishments with any staff not fully proficient', 'Number of skills gaps', 'Number of skills gaps as a % of employment', '% of establishments training staff over the last 12 months', '% of establishments providing off-the-job training in the last 12 months', '% of establishments providing on-the-job training in the last 12 months', '% of training establishments providing online training or e-learning in the last 12 months', 'Total number trained (including modelled data)', 'Number trained as % of total staff', 'Total Days Training', 'Training days per trainee', 'Training days per staff']
NCCIS_HEADER = ['time_period', 'time_identifier', 'geographic_level', 'country_code', 'country_name', 'region_code', 'region_name', 'old_la_code', 'new_la_code', 'la_name', 'Age', 'Cohort_DJFavg', 'NEET_not_known_percent', 'NEET_percent', 'Notknown_percent', 'annual_change_ppts_NEET_not_known', 'annualchange_NEET', 'annualchange_notknown', 'cohort_March', 'TOTAL_participating_in_education_and_training_percent', 'Full_time_education_percent', 'Apprenticeship_percent', 'Other_education_and_training_percent', 'annual_change_Participation_in_education_training', 'annual_change_FTE', 'annual_change_apprenticeship', 'annual_change_other_education_training', 'September_guarantee_Offer_made_percent', 'September_guarantee_annual_change_ppts', 'cohort_noSEN_percent', 'NEET_NK_noSEN_percent', 'cohort_EHCP_percent', 'NEET_NK_EHCP_percent', 'cohort_SENDsupport_percent', 'NEET_NK_SENDsupport_percent', 'VG_cohort_DJF_avg', 'VG_cohort_percentage', 'VG_NEET_NK_percentage', 'Level_3', 'L2_em_GCSE_othL2', 'avg_att8', 'pt_l2basics_94', 'sess_overall_percent', 'enrolments_pa_10_exact_percent', 'NEET_NK_quintile', 'NEET_quintile', 'Notknown_quintile', 'Participation_ET_quintile', 'Sep_guarantee_quintile']
ADVERTS_HEADER = ["Local authority [note 1]", "lad_code", "Region [note 2]", "2017", "2018", "2019",
                  "2020", "2021", "2022"]
# English districts ONS excluded from the job adverts tables (not in the file).
ADVERTS_EXCLUDED = {"E07000033", "E07000144", "E06000011", "E09000013", "E07000037", "E07000132",
                    "E06000053", "E08000011", "E09000022", "E09000023", "E07000038", "E07000147",
                    "E07000218", "E07000135", "E07000122", "E07000044", "E07000113", "E06000030",
                    "E08000008", "E07000199", "E07000076", "E06000034", "E07000046", "E09000030",
                    "E07000128"}


def upper_tier_units(geo: Geo) -> dict[str, list[str]]:
    units: dict[str, list[str]] = defaultdict(list)
    for code in geo.lad_codes:
        units[geo.county_of[code] or code].append(code)
    return dict(sorted(units.items()))


def gen_ess(geo: Geo) -> list[list]:
    """ESS 2019 LEA summary: England Total (twice, as the transposed real sheet has it) and one row
    per current upper-tier authority; staff ~ 45 % of 16+ residents, vacancies ~ 3 % of staff,
    skill-shortage vacancies 10-45 % of vacancies; Isles of Scilly suppressed (`**`)."""
    rng = sub_rng("ess2019")
    rows, totals = [], [0.0, 0.0, 0.0]
    for unit, lads in upper_tier_units(geo).items():
        staff = round(sum(geo.pop16[l] for l in lads) * rng.uniform(0.38, 0.52))
        vac = round(staff * rng.uniform(0.02, 0.045))
        ssv = round(vac * rng.uniform(0.10, 0.45))
        totals = [a + b for a, b in zip(totals, [staff, vac, ssv])]
        vals = {"Total number of staff": staff, "Number of vacancies": vac,
                 "Number of skill-shortage vacancies": ssv}
        if unit == "E06000053":
            vals = {k: "**" for k in vals}
        rows.append((geo.area_name[unit], unit, vals))
    england = ("England Total", "", dict(zip(["Total number of staff", "Number of vacancies",
                                              "Number of skill-shortage vacancies"], totals)))
    out = []
    for name, code, vals in [england, england, *rows]:
        row = []
        for col in ESS_HEADER:
            if col == "lea_name":
                row.append(name)
            elif col == "utla_code":
                row.append(code)
            elif col in vals:
                v = vals[col]
                row.append(v if isinstance(v, str) else int(v))
            else:
                row.append("**" if code == "E06000053" else round(rng.uniform(0.02, 0.7), 2))
        out.append(row)
    return out


def gen_nccis(geo: Geo) -> list[list]:
    """NCCIS 16-17 NEET/participation, 2025: England, regions and every current upper-tier
    authority; NEET 2-8 %, not known 0.5-5 %, apprenticeships 2-7 %; other columns filled with
    plausible numbers or `z`. One authority's apprenticeship figure is suppressed (`c`)."""
    rng = sub_rng("nccis2025")
    rows = []
    def row(level: str, region: str, code: str, name: str, cohort: int) -> list:
        vals = {"time_period": 2025, "time_identifier": "Calendar year", "geographic_level": level,
                "country_code": ENGLAND_CODE, "country_name": ENGLAND_NAME,
                "region_code": region, "region_name": geo.area_name.get(region, ""),
                "old_la_code": "", "new_la_code": code, "la_name": name, "Age": "16-17",
                "Cohort_DJFavg": cohort, "NEET_percent": round(rng.uniform(2.0, 8.0), 1),
                "Notknown_percent": round(rng.uniform(0.5, 5.0), 1),
                "cohort_March": round(cohort * rng.uniform(0.99, 1.01)),
                "Apprenticeship_percent": "c" if code == "E06000053" else round(rng.uniform(2.0, 7.0), 1)}
        vals["NEET_not_known_percent"] = round(vals["NEET_percent"] + vals["Notknown_percent"], 1)
        return [vals.get(c, round(rng.uniform(0, 100), 1) if level == "Local authority" else "z")
                for c in NCCIS_HEADER]
    units = upper_tier_units(geo)
    cohort_of = {u: max(30, round(sum(geo.pop16[l] for l in lads) * rng.uniform(0.024, 0.03)))
                 for u, lads in units.items()}
    rows.append(row("National", "", "", "", sum(cohort_of.values())))
    for region in geo.regions:
        members = [u for u, lads in units.items() if geo.region_of[lads[0]] == region]
        rows.append(row("Regional", region, "", "", sum(cohort_of[u] for u in members)))
    for u, lads in units.items():
        rows.append(row("Local authority", geo.region_of[lads[0]], u, geo.area_name[u], cohort_of[u]))
    return rows


def gen_job_adverts(geo: Geo) -> list[list]:
    """Online job adverts index (January average) per LAD 2017-2022, one decimal; the districts
    ONS excluded are absent, as in the real table."""
    rng = sub_rng("job_adverts")
    rows = []
    for code in geo.by_name(geo.lad_codes):
        if code in ADVERTS_EXCLUDED:
            continue
        base = geo.pop16[code] / 4000 * (0.6 + 0.8 * geo.latent[code])
        trend = [1.0, 1.15, 1.1, 1.05, 0.8, 1.3]
        rows.append([geo.lad_name[code], code, geo.area_name[geo.region_of[code]],
                     *[round(base * t * rng.uniform(0.85, 1.15), 1) for t in trend]])
    return rows


TEXTKERNEL_MONTHS = [f"{m}-25" for m in ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug",
                                           "Sep", "Oct", "Nov", "Dec"]]


def gen_textkernel_workbook(geo: Geo) -> bytes:
    """ONS "Labour demand volumes by SOC 2020" `labourdemandbyoccupation.xlsx` in the layout DfE's
    dashboard reads (../shared/PUBLISHERS-DEMAND.md section 5): sheet `Table 2`, three title rows,
    the header on row 4 (`Region, ITL2, Local Authority District, Local Authority Code`, then
    months `Jan-25` ... `Dec-25`), one row per district outside London and London as one area
    (code E12000007 here: the real file's London code is not known). Synthetic advert counts."""
    rng = sub_rng("textkernel")
    season = [0.9, 1.0, 1.05, 1.0, 1.02, 1.0, 0.95, 0.9, 1.05, 1.08, 1.0, 0.8]
    cells: dict[tuple[int, int], object] = {
        (0, 0): "Table 2: Online job advert volumes by local authority district, UK, monthly "
                "(SYNTHETIC SAMPLE made by lmi's scripts/make_sample.py; not ONS data)",
        (1, 0): "This worksheet contains one table. Some cells refer to notes.",
        (2, 0): "Source: synthetic values in the layout of ONS labourdemandbyoccupation.xlsx (Textkernel)",
    }
    for c, h in enumerate(["Region", "ITL2", "Local Authority District", "Local Authority Code",
                           *TEXTKERNEL_MONTHS]):
        cells[(3, c)] = h
    r = 4
    london = 0.0
    for code in geo.by_name(geo.lad_codes):
        base = geo.pop16[code] / 55 * (0.6 + 0.8 * geo.latent[code])
        values = [round(base * s * rng.uniform(0.9, 1.1)) for s in season]
        if code.startswith("E09"):
            london += base
            continue
        cells.update({(r, 0): geo.area_name[geo.region_of[code]], (r, 1): "[synthetic]",
                      (r, 2): geo.lad_name[code], (r, 3): code})
        for k, v in enumerate(values):
            cells[(r, 4 + k)] = float(v)
        r += 1
    cells.update({(r, 0): "London", (r, 1): "[synthetic]", (r, 2): "London", (r, 3): "E12000007"})
    for k, s in enumerate(season):
        cells[(r, 4 + k)] = float(round(london * s))
    cells[(r, 4 + 11)] = "[x]"
    cover = {(0, 0): "Labour demand volumes by Standard Occupational Classification (SOC 2020), UK",
             (1, 0): "SYNTHETIC SAMPLE: every number is made up (lmi scripts/make_sample.py)."}
    return xlsx_bytes([("Cover", cover), ("Table 2", cells)])


# ------------------------------------------- APS T13a (industry) and T09a (occupation) by LAD
APS_T13A_CELLS = [(1, "A Agricuture & fishing (SIC 2007)"), (4, "B,D,E Energy & water (SIC 2007)"),
                  (7, "C Manufacturing (SIC 2007)"), (10, "F Construction (SIC 2007)"),
                  (13, "G,I Distribution, hotels & restaurants (SIC 2007)"),
                  (16, "H,J Transport & Communication (SIC 2007)"),
                  (19, "K-N Banking finance & insurance etc. (SIC 2007)"),
                  (22, "O-Q Public admin education & health (SIC 2007)"),
                  (25, "R-U Other services (SIC 2007)")]
APS_T09A_NAMES = [
    "Corporate Managers and Directors", "Other Managers and Proprietors",
    "Science, Research, Engineering and Technology Professionals", "Health Professionals",
    "Teaching and Educational Professionals", "Business, Media and Public Service Professionals",
    "Science, Engineering and Technology Associate Professionals",
    "Health and Social Care Associate Professionals", "Protective Service Occupations",
    "Culture, Media and Sports Occupations", "Business and Public Service Associate Professionals",
    "Administrative Occupations", "Secretarial and Related Occupations",
    "Skilled Agricultural and Related Trades", "Skilled Metal, Electrical and Electronic Trades",
    "Skilled Construction and Building Trades", "Textiles, Printing and Other Skilled Trades",
    "Caring Personal Service Occupations", "Leisure, Travel and Related Personal Service Occupations",
    "Sales Occupations", "Customer Service Occupations", "Process, Plant and Machine Operatives",
    "Transport and Mobile Machine Drivers and Operatives", "Elementary Trades and Related Occupations",
    "Elementary Administration and Service Occupations"]


def gen_aps_table(geo: Geo, label: str, years: list[int], cells: list[tuple[int, str]],
                  cell_text) -> list[list]:
    """APS employment estimates by cell in the tidied Nomis layout: England and every LAD, one
    User Defined Geography row without a code. Estimates rounded to 100; small ones withheld as
    Nomis does (`!` under 1,000, `*` interval under 3,000), a few `~` and `-`."""
    rng = sub_rng(label)
    rows = []
    weights = {c: rng.uniform(0.4, 1.6) for c, _ in cells}
    areas = [("country", ENGLAND_NAME, ENGLAND_CODE, geo.lad_codes)] + \
        [("ladu", geo.lad_name[c], c, [c]) for c in geo.by_name(geo.lad_codes)] + \
        [("User Defined Geography", "Sample area - from dn00000", "", geo.lad_codes[:3])]
    for year in years:
        for area_type, name, code, lads in areas:
            employed = sum(geo.pop16[l] for l in lads) * 0.58 * rng.uniform(0.95, 1.05)
            wsum = sum(weights.values())
            for c, text in cells:
                v = round(employed * weights[c] / wsum * rng.uniform(0.7, 1.3), -2)
                if v < 1000:
                    number, conf = "!", "!"
                elif v < 3000:
                    number, conf = str(int(v)), "*"
                else:
                    number, conf = str(int(v)), str(int(round(v * rng.uniform(0.08, 0.4), -2)))
                if area_type == "ladu" and rng.random() < 0.002:
                    number, conf = rng.choice([("~", "!"), ("-", "-")])
                rows.append([f"Jan {year}-Dec {year}", area_type, name, code, cell_text(c, text),
                             number, "", conf])
    return rows


# ------------------------------- jobs where they are: BRES (NM_189_1), Census 2021 TS060A (NM_2017_1)
# Two survey years five apart, enough for the change over five years (2024 on 2019): every year
# between would double the served breakdowns, and the sample server must reload in seconds
# under load (tests/e2e/hot_swap.rs). In the sample the change "from the previous period" is
# therefore also 2024 on 2019.
BRES_YEARS = ["2019", "2024"]
# Section labels as the real open access download spells them (nomis/bres_employees_nm189_wnyorks_*).
BRES_SECTIONS = [
    "A : Agriculture, forestry and fishing", "B : Mining and quarrying", "C : Manufacturing",
    "D : Electricity, gas, steam and air conditioning supply",
    "E : Water supply; sewerage, waste management and remediation activities",
    "F : Construction",
    "G : Wholesale and retail trade; repair of motor vehicles and motorcycles",
    "H : Transportation and storage", "I : Accommodation and food service activities",
    "J : Information and communication", "K : Financial and insurance activities",
    "L : Real estate activities", "M : Professional, scientific and technical activities",
    "N : Administrative and support service activities",
    "O : Public administration and defence; compulsory social security", "P : Education",
    "Q : Human health and social work activities", "R : Arts, entertainment and recreation",
    "S : Other service activities",
    "T : Activities of households as employers;undifferentiated goods-and services-producing "
    "activities of households for own use",
    "U : Activities of extraterritorial organisations and bodies"]
# Made-up national section mix (shares of employment), A..U.
BRES_SECTION_SHARES = [1.2, 0.2, 8.0, 0.5, 0.7, 5.0, 15.0, 5.0, 8.0, 4.5, 3.5, 1.8, 9.0, 9.0,
                       4.5, 8.5, 13.5, 2.5, 1.9, 0.05, 0.02]
# Broad industry group (1..18) -> sections it is made of (G is split three ways: motor trades,
# wholesale, retail).
BRES_GROUP_OF_SECTION = {0: [0], 1: [1, 3, 4], 2: [2], 3: [5], 7: [7], 8: [8], 9: [9], 10: [10],
                         11: [11], 12: [12], 13: [13], 14: [14], 15: [15], 16: [16],
                         17: [17, 18, 19, 20]}
BRES_G_SPLIT = {4: 0.13, 5: 0.30, 6: 0.57}
BRES_HEADER = [f"{d}{s}" for d in ["DATE", "GEOGRAPHY", "INDUSTRY", "EMPLOYMENT_STATUS", "MEASURE"]
               for s in ["", "_NAME", "_CODE", "_TYPE", "_TYPECODE", "_SORTORDER"]] + [
    "MEASURES", "MEASURES_NAME", "OBS_VALUE", "OBS_STATUS", "OBS_STATUS_NAME", "OBS_CONF",
    "OBS_CONF_NAME", "URN", "RECORD_OFFSET", "RECORD_COUNT"]


def bres_round(x: float) -> int:
    """Open access BRES relaxed rounding (Nomis article 1103): the step grows with the size."""
    for limit, step in [(50, 5), (250, 25), (500, 50), (1000, 100), (2500, 250), (5000, 500)]:
        if x < limit:
            return round_half_up(x, step)
    return round_half_up(x, 1000)


def gen_bres(geo: Geo) -> list[list]:
    """Every current district and England, two survey years, in the layout of a Nomis API CSV of
    NM_189_1: all industries and the 21 sections for employees (1) and employment (4), the 18
    broad groups for employment, measure 1 (count). Unrounded synthetic jobs per district (about
    0.55 per resident aged 16+, employees about 92 % of employment), each cell rounded on its own
    as open access BRES is; England is the rounded sum of the unrounded districts."""
    rng = sub_rng("bres")
    jobs: dict[tuple[str, str, int], list[float]] = {}
    for code in geo.lad_codes:
        base = geo.pop16[code] * rng.uniform(0.40, 0.70) * (1 + 0.3 * geo.latent[code])
        mix = [sh * rng.uniform(0.5, 1.6) for sh in BRES_SECTION_SHARES]
        msum = sum(mix)
        employee_rate = rng.uniform(0.88, 0.95)
        for k, year in enumerate(BRES_YEARS):
            total = base * (1 + 0.01 * k + rng.uniform(-0.03, 0.03))
            sections = [total * m / msum * rng.uniform(0.95, 1.05) for m in mix]
            jobs[(code, year, 4)] = sections
            jobs[(code, year, 1)] = [v * employee_rate for v in sections]

    def cells_of(sections: list[float], status: int) -> list[tuple[int, str, float]]:
        out = [(37748736, "Total", sum(sections))]
        out += [(150994945 + i, BRES_SECTIONS[i], v) for i, v in enumerate(sections)]
        if status == 4:
            for g, name in enumerate(UKBC_INDUSTRIES):
                if g in BRES_G_SPLIT:
                    v = sections[6] * BRES_G_SPLIT[g]
                else:
                    v = sum(sections[i] for i in BRES_GROUP_OF_SECTION[g])
                out.append((163577857 + g, name, v))
        return out

    areas = [(code, geo.lad_name[code], "local authorities: district / unitary (as of April 2023)",
              424) for code in geo.lad_codes] + [(ENGLAND_CODE, "England", "countries", 499)]
    cells = []
    for year in BRES_YEARS:
        for sort, (code, name, type_name, type_code) in enumerate(areas):
            for status, status_name in [(1, "Employees"), (4, "Employment")]:
                members = geo.lad_codes if code == ENGLAND_CODE else [code]
                sections = [sum(jobs[(m, year, status)][i] for m in members)
                            for i in range(len(BRES_SECTIONS))]
                for industry, industry_name, value in cells_of(sections, status):
                    cells.append([year, year, year, "date", 0, 0, 0, name, code, type_name,
                                  type_code, sort, industry, industry_name, industry,
                                  "industry", 0, 0, status, status_name, status,
                                  "employment status", 0, 0, 1, "Count", 1, "measure", 0, 0,
                                  20100, "Value", bres_round(value), "A", "Normal Value",
                                  "FALSE", "Free (free for publication)",
                                  f"Nm-189d1e{type_code}d{industry}d{status}"])
    return [c + [i, len(cells)] for i, c in enumerate(cells)]


# TS060A category names for the synthetic file: the real ones are NOT CONFIRMED (see the catalogue
# entry); these contain the texts the entry checks.
TS060A_NAMES = ["Total: All usual residents aged 16 years and over in employment the week before the census",
                *[s.split(" : ", 1)[0] + " " + s.split(" : ", 1)[1] for s in BRES_SECTIONS[:17]],
                "R, S, T, U Other"]
TS060A_SHARES = [0.8, 0.2, 9.0, 0.6, 0.7, 8.5, 15.0, 5.5, 5.0, 4.5, 4.0, 1.5, 6.5, 5.0, 6.5, 9.5,
                 14.5, 4.5]
TS060A_HEADER = [h.replace("C2021_EASTAT_20", "C2021_IND_19") for h in TS066_HEADER]


def gen_ts060a_lad(geo: Geo) -> list[list]:
    """Every 2022 district (TYPE154): residents 16+ in employment (about 58 % of the 16+
    population) split into the 18 industry categories; category 0 is their sum."""
    rng = sub_rng("ts060a_lad")
    cells = []
    for code in geo.lad_codes:
        total = round(geo.pop16[code] * rng.uniform(0.54, 0.62))
        shares = [sh * rng.uniform(0.7, 1.3) for sh in TS060A_SHARES]
        ssum = sum(shares)
        counts = allocate(total, [x / ssum for x in shares])
        for k, value in enumerate([total, *counts]):
            cells.append([code, geo.lad_name[code], k, value])
    return [[2021, 2021, 2021, "date", 0, 0, 0, name, code, "2022 local authorities: districts",
             154, 0, k, TS060A_NAMES[k], k, "Industry (current)", 1000000, 0, 20100, "Value",
             value, "A", "Normal Value", "FALSE", "Free (free for publication)",
             f"Nm-2017d1d32336e0d{k}d20100", i, len(cells)]
            for i, (code, name, k, value) in enumerate(cells)]


def main() -> int:
    rng = random.Random(SEED)
    for f in ("areas.csv", "lad_parents.csv", "lad_ttwa.csv", "lad_successors.csv"):
        if not (GEO_DIR / f).exists():
            print(f"ERROR: {GEO_DIR / f} missing; run scripts/build_geography.py first", file=sys.stderr)
            return 1
    area_name = {r["code"]: r["name"] for r in read_csv(GEO_DIR / "areas.csv")}
    lads = sorted(read_csv(GEO_DIR / "lad_parents.csv"), key=lambda r: r["lad_code"])
    pop16: dict[str, float] = defaultdict(float)
    for r in read_csv(GEO_DIR / "lad_ttwa.csv"):
        pop16[r["lad_code"]] += int(r["population_16plus"])
    missing = [r["lad_code"] for r in lads if r["lad_code"] not in pop16]
    if missing:
        print(f"ERROR: no 16+ population for {missing}", file=sys.stderr)
        return 1

    # ------------------------------------------------------------- KS4
    # England-wide mild drift per year in the apprenticeship and work rates
    drift = {"appren": rng.uniform(-0.002, 0.001), "all_work": rng.uniform(-0.001, 0.002)}
    ks4_by_year: dict[str, list[list]] = {y: [] for y in YEARS}
    for lad in lads:
        code, name, rgn = lad["lad_code"], lad["lad_name"], lad["region_code"]
        base_cohort = pop16[code] * 0.012 * rng.uniform(0.9, 1.1)
        base = ks4_rates(rng, None, drift, 0)
        cohort_f = base_cohort
        for k, year in enumerate(YEARS):
            if k:
                cohort_f *= 1.0 + rng.uniform(-0.02, 0.035)
            cohort = max(30, round(cohort_f))
            r = ks4_rates(rng, base, drift, k)
            appren = round(cohort * r["appren"])
            work = round(cohort * r["all_work"])
            notsust = round(cohort * r["all_notsust"])
            education = round(cohort * r["education"])
            unknown = cohort - education - appren - work - notsust
            if unknown < 0:
                education += unknown
                unknown = 0
            vals: list = [cohort, education, appren, work, notsust, unknown]
            if code in SUPPRESSED_LADS and year == SUPPRESSED_YEAR:
                vals[2:] = [SUPPRESSION] * 4
            ks4_by_year[year].append([
                year, "Academic year", "Local authority district", ENGLAND_CODE, ENGLAND_NAME,
                rgn, area_name[rgn], "", "", "", "", "", code, name, "Total",
                "Provider location", "State-funded mainstream schools", "Total",
                "Number of pupils", *vals,
            ])
    ks4_rows = [row for y in YEARS for row in ks4_by_year[y]]

    # ---------------------------------------------------------- census
    census_rows = []
    for lad in lads:
        code, name = lad["lad_code"], lad["lad_name"]
        london = code.startswith("E09")
        total = round(pop16[code] * rng.uniform(0.97, 1.03))
        for _ in range(1000):
            a = rng.uniform(0.45, 1.0) if london else rng.random()  # latent "graduate-ness"
            l4 = (0.33 + 0.20 * a if london else 0.21 + 0.22 * a) + rng.uniform(-0.02, 0.02)
            noq = 0.25 - 0.13 * a + rng.uniform(-0.02, 0.02)
            if london:
                l1, l2 = rng.uniform(0.05, 0.08), rng.uniform(0.07, 0.10)
                app, l3 = rng.uniform(0.015, 0.03), rng.uniform(0.10, 0.14)
                other = rng.uniform(0.05, 0.10)
            else:
                l1, l2 = rng.uniform(0.08, 0.11), rng.uniform(0.11, 0.155)
                app, l3 = rng.uniform(0.04, 0.07), rng.uniform(0.15, 0.19)
                other = rng.uniform(0.015, 0.045)
            shares = [noq, l1, l2, app, l3, l4, other]
            s = sum(shares)
            shares = [x / s for x in shares]
            if 0.20 <= shares[5] <= 0.55 and 0.10 <= shares[0] <= 0.25:
                break
        else:
            raise RuntimeError(f"could not draw qualification shares for {code}")
        counts = allocate(total, shares)
        assert sum(counts) == total
        census_rows.append([code, name, total, *counts])

    # ----------------------------------------------------------- write
    n_ks4 = write_csv(OUT_DIR / "dfe" / "ks4_destinations_lad.csv", KS4_HEADER, ks4_rows)
    n_census = write_csv(OUT_DIR / "census" / "census2021_ts067_lad22.csv",
                         ["LAD22CD", "LAD22NM", *TS067_COLUMNS], census_rows)
    (OUT_DIR / "SAMPLE.toml").write_text(SAMPLE_TOML, encoding="utf-8")
    (OUT_DIR / "README.md").write_text(README, encoding="utf-8")

    # ------------------------------------------- additional files (independent random streams)
    rows_area = read_csv(GEO_DIR / "areas.csv")
    geo = Geo(area_name, {r["code"]: r["area_type"] for r in rows_area}, lads, pop16,
              read_csv(GEO_DIR / "lad_successors.csv"))
    written: list[tuple[str, int]] = []
    ks5_rows, ks5_off = gen_ks5(geo)
    written.append(("dfe/ks5_16_18_destinations_lad.csv",
                    write_csv(OUT_DIR / "dfe" / "ks5_16_18_destinations_lad.csv", KS5_HEADER, ks5_rows)))
    written.append(("dfe/fe_achievements_lad.csv",
                    write_csv(OUT_DIR / "dfe" / "fe_achievements_lad.csv", FE_HEADER, gen_fe(geo))))
    written.append(("dfe/fe_et_aim_achievements_ssa_lad_202122_aug_apr.csv",
                    write_csv(OUT_DIR / "dfe" / "fe_et_aim_achievements_ssa_lad_202122_aug_apr.csv",
                              FE_SSA_HEADER, gen_fe_ssa(geo))))
    written.append(("dfe/apprenticeships_lad_pcon.csv",
                    write_csv(OUT_DIR / "dfe" / "apprenticeships_lad_pcon.csv", APP_HEADER,
                              gen_apprenticeships(geo))))
    for fname, rows in gen_els(geo).items():
        written.append((f"ons_els/{fname}", write_csv(OUT_DIR / "ons_els" / fname, ELS_HEADER, rows)))
    for fname, rows in gen_els_productivity(geo).items():
        written.append((f"ons_els/{fname}", write_csv(OUT_DIR / "ons_els" / fname, ELS_HEADER, rows)))
    written.append(("nomis/population_16_64_lad_2016_2022_nomis_api.csv",
                    write_csv(OUT_DIR / "nomis" / "population_16_64_lad_2016_2022_nomis_api.csv",
                              POP_HEADER, gen_population(geo))))
    nomis_rows, nomis_stats = gen_nomis(geo)
    written.append(("nomis/aps_qualifications_by_age_lad_2017_2021.csv",
                    write_csv(OUT_DIR / "nomis" / "aps_qualifications_by_age_lad_2017_2021.csv",
                              NOMIS_HEADER, nomis_rows)))

    written.append(("census/census2021_ts063_lad22.csv",
                    write_csv(OUT_DIR / "census" / "census2021_ts063_lad22.csv",
                              ["LAD22CD", "LAD22NM", *TS063_COLUMNS], gen_ts063(geo))))
    written.append(("nomis/ukbc_enterprises_industry_sizeband_lad_2018_2022.csv",
                    write_csv(OUT_DIR / "nomis" / "ukbc_enterprises_industry_sizeband_lad_2018_2022.csv",
                              UKBC_HEADER, gen_ukbc(geo))))
    written.append(("dfe/apprenticeships_home_to_delivery_lad23_2223_2526.csv",
                    write_csv(OUT_DIR / "dfe" / "apprenticeships_home_to_delivery_lad23_2223_2526.csv",
                              FLOWS_HEADER, gen_flows(geo))))
    written.append(("census/census2021_ts066_utla23_nomis_api.csv",
                    write_csv(OUT_DIR / "census" / "census2021_ts066_utla23_nomis_api.csv",
                              TS066_HEADER, gen_ts066(geo))))
    written.append(("census/census2021_ts066_lad22_nomis_api.csv",
                    write_csv(OUT_DIR / "census" / "census2021_ts066_lad22_nomis_api.csv",
                              TS066_HEADER, gen_ts066_lad(geo))))
    # gzip (13 MB plain, two years x 297 areas x 62 cells): lmi and the emulator read .gz as is.
    written.append(("nomis/bres_lad_nomis_api.csv.gz",
                    write_csv_gz(OUT_DIR / "nomis" / "bres_lad_nomis_api.csv.gz", BRES_HEADER,
                                 gen_bres(geo))))
    written.append(("census/census2021_ts060a_lad22_nomis_api.csv",
                    write_csv(OUT_DIR / "census" / "census2021_ts060a_lad22_nomis_api.csv",
                              TS060A_HEADER, gen_ts060a_lad(geo))))
    written.append(("dfe/ess2019_lea_summary.csv",
                    write_csv(OUT_DIR / "dfe" / "ess2019_lea_summary.csv", ESS_HEADER, gen_ess(geo))))
    written.append(("dfe/neet_participation_la_2025.csv",
                    write_csv(OUT_DIR / "dfe" / "neet_participation_la_2025.csv", NCCIS_HEADER,
                              gen_nccis(geo))))
    (OUT_DIR / "ons").mkdir(parents=True, exist_ok=True)
    written.append(("ons/ons_online_job_adverts_adzuna_lad_jan2017_2022.csv",
                    write_csv(OUT_DIR / "ons" / "ons_online_job_adverts_adzuna_lad_jan2017_2022.csv",
                              ADVERTS_HEADER, gen_job_adverts(geo))))
    written.append(("nomis/aps_industry_t13a_lad_2018_2022.csv",
                    write_csv(OUT_DIR / "nomis" / "aps_industry_t13a_lad_2018_2022.csv", NOMIS_HEADER,
                              gen_aps_table(geo, "aps_t13a", [2021, 2022], APS_T13A_CELLS,
                                            lambda c, t: f"T13a:{c} ({t} : All people )"))))
    written.append(("nomis/aps_occupation_t09a_lad_2017_2021.csv",
                    write_csv(OUT_DIR / "nomis" / "aps_occupation_t09a_lad_2017_2021.csv", NOMIS_HEADER,
                              gen_aps_table(geo, "aps_t09a", [2020, 2021],
                                            [(1 + 3 * i, n) for i, n in enumerate(APS_T09A_NAMES)],
                                            lambda c, t: f"T09a:{c} (All people - {t} (SOC2010) : All people )"))))
    (OUT_DIR / "ons" / "labourdemandbyoccupation.xlsx").write_bytes(gen_textkernel_workbook(geo))
    written.append(("ons/labourdemandbyoccupation.xlsx", 1))
    (OUT_DIR / "projections").mkdir(parents=True, exist_ok=True)
    for fname, kind, name, total in [
            ("skills_imperative_2035_lancashire_lsip_main.xlsm", "LSIP", "Lancashire", 650.0),
            ("skills_imperative_2035_england_main.xlsm", "Country", "England", 26000.0)]:
        (OUT_DIR / "projections" / fname).write_bytes(gen_projection_workbook(kind, name, total))
        written.append((f"projections/{fname}", 4))

    total_bytes = sum(p.stat().st_size for p in OUT_DIR.rglob("*") if p.is_file())
    print(f"wrote {OUT_DIR.relative_to(REPO_ROOT)}/ ({total_bytes:,} bytes)")
    print(f"  dfe/ks4_destinations_lad.csv: {n_ks4} rows ({len(lads)} LADs x {len(YEARS)} years)")
    print(f"  census/census2021_ts067_lad22.csv: {n_census} rows")
    for name, n in written:
        print(f"  {name}: {n} rows")
    if ks5_off:
        print(f"  note: {ks5_off} KS5 LAD-years outside the target Total-row ranges (tiny cohorts)")
    print(f"  nomis number/conf codes: {nomis_stats}")
    print("  SAMPLE.toml, README.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
