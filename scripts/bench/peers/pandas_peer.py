"""The peer subset (see common.py) written idiomatically with pandas."""
import numpy as np
import pandas as pd

from common import CENSUS, CENSUS_LAD, CENSUS_LSOA, KS4, KS4_RATES, KS5, OUT_COLUMNS, POST16_RATES, TOTAL, args, group_members

raw, geo, out = args()
p = pd.read_csv(geo / "lad_parents.csv", dtype=str)
members = pd.concat([
    p[["lad_code", "region_code"]].set_axis(["lad_code", "parent"], axis=1).assign(ptype="region"),
    p[["lad_code"]].assign(parent="E92000001", ptype="country"),
    p[["lad_code", "county_code"]].set_axis(["lad_code", "parent"], axis=1).assign(ptype="county"),
    p[["lad_code", "combined_authority_code"]].set_axis(["lad_code", "parent"], axis=1).assign(ptype="combined_authority"),
    p[["lad_code", "lsip_code"]].set_axis(["lad_code", "parent"], axis=1).assign(ptype="lsip"),
    pd.read_csv(geo / "lad_lep.csv", dtype=str)[["lad_code", "lep_code"]].set_axis(["lad_code", "parent"], axis=1).assign(ptype="lep"),
    pd.DataFrame(group_members(geo), columns=["lad_code", "parent"], dtype=str).assign(ptype="group"),
]).dropna(subset=["parent"])
t = pd.read_csv(geo / "lad_ttwa.csv", dtype=str)
ttwa_fit = t[t.best_fit.str.lower() == "true"][["lad_code", "ttwa_code"]].set_axis(["lad_code", "parent"], axis=1).assign(ptype="ttwa")
lsoa_ttwa = pd.read_csv(geo / "lsoa21_ttwa.csv", dtype=str)[["lsoa21_code", "ttwa_code"]]


def to_long(df, code, cols):
    wide = df[[code, "period", "den", *cols.values()]].rename(columns={code: "lad_code", **{c: i for i, c in cols.items()}})
    return wide.melt(id_vars=["lad_code", "period", "den"], var_name="indicator", value_name="num")


def rates(long, m):
    lad = long.rename(columns={"lad_code": "area_code"}).assign(area_type="lad")
    j = long.merge(m, on="lad_code")
    up = (j.groupby(["parent", "ptype", "period", "indicator"], sort=False)
          .agg(num=("num", lambda s: s.sum() if s.notna().all() else np.nan), den=("den", "sum"))
          .reset_index().rename(columns={"parent": "area_code", "ptype": "area_type"}))
    return pd.concat([lad, up])


def census_long(path, code):
    df = pd.read_csv(path, dtype={code: str}).rename(columns={TOTAL: "den"}).assign(period="2021")
    return to_long(df, code, CENSUS)


# The census tables are England and Wales: keep England's districts.
lads = census_long(raw / CENSUS_LAD, "LAD22CD")
frames = [rates(lads[lads.lad_code.isin(p.lad_code)], members)]
ls = census_long(raw / CENSUS_LSOA, "LSOA21CD").merge(lsoa_ttwa, left_on="lad_code", right_on="lsoa21_code")
frames.append(ls.groupby(["ttwa_code", "period", "indicator"], sort=False)[["num", "den"]].sum().reset_index()
              .rename(columns={"ttwa_code": "area_code"}).assign(area_type="ttwa"))
for path, ids, total_only in [(KS4, KS4_RATES, False), (KS5, POST16_RATES, True)]:
    df = pd.read_csv(raw / path, dtype=str)
    df = df[df.geographic_level == "Local authority district"]
    if total_only:
        df = df[df.cohort_level_group == "Total"]
    for c in ["cohort", *ids.values()]:
        df[c] = pd.to_numeric(df[c], errors="coerce")
    df = df.rename(columns={"cohort": "den"})
    df["period"] = df.time_period.str[:4] + "/" + df.time_period.str[4:6]
    frames.append(rates(to_long(df, "lad_code", ids), pd.concat([members, ttwa_fit])))
res = pd.concat(frames, ignore_index=True)
res["numerator"] = res.num.astype(float)
res["denominator"] = res.den.astype(float)
res["value"] = np.where(res.num.notna() & (res.den > 0), res.numerator / res.denominator * 100.0, np.nan)
res[OUT_COLUMNS].to_parquet(out, index=False)
