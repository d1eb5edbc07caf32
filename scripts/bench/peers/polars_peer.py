"""The peer subset (see common.py) written idiomatically with polars (lazy)."""
import polars as pl

from common import CENSUS, CENSUS_LAD, CENSUS_LSOA, KS4, KS4_RATES, KS5, OUT_COLUMNS, POST16_RATES, TOTAL, args, group_members

raw, geo, out = args()
parents = pl.scan_csv(geo / "lad_parents.csv", infer_schema=False)
members = pl.concat([
    parents.select("lad_code", pl.col("region_code").alias("parent"), pl.lit("region").alias("ptype")),
    parents.select("lad_code", pl.lit("E92000001").alias("parent"), pl.lit("country").alias("ptype")),
    parents.select("lad_code", pl.col("county_code").alias("parent"), pl.lit("county").alias("ptype")),
    parents.select("lad_code", pl.col("combined_authority_code").alias("parent"), pl.lit("combined_authority").alias("ptype")),
    parents.select("lad_code", pl.col("lsip_code").alias("parent"), pl.lit("lsip").alias("ptype")),
    pl.scan_csv(geo / "lad_lep.csv", infer_schema=False).select("lad_code", pl.col("lep_code").alias("parent"), pl.lit("lep").alias("ptype")),
    pl.LazyFrame(group_members(geo), schema=["lad_code", "parent"], orient="row").with_columns(pl.lit("group").alias("ptype")),
]).filter(pl.col("parent").is_not_null() & (pl.col("parent") != ""))
ttwa_fit = (pl.scan_csv(geo / "lad_ttwa.csv", infer_schema=False)
            .filter(pl.col("best_fit").str.to_lowercase() == "true")
            .select("lad_code", pl.col("ttwa_code").alias("parent"), pl.lit("ttwa").alias("ptype")))
lsoa_ttwa = pl.scan_csv(geo / "lsoa21_ttwa.csv", infer_schema=False).select(
    pl.col("lsoa21_code").alias("code"), pl.col("ttwa_code").alias("parent"))


def rates(long: pl.LazyFrame, with_ttwa: bool) -> pl.LazyFrame:
    """long: lad_code, period, indicator, num (null = suppressed), den -> every geography."""
    m = pl.concat([members, ttwa_fit]) if with_ttwa else members
    agg = [pl.when(pl.col("num").null_count() == 0).then(pl.col("num").sum()).alias("num"),
           pl.col("den").sum().alias("den")]
    lad = long.select(pl.col("lad_code").alias("area_code"), pl.lit("lad").alias("area_type"), "period", "indicator", "num", "den")
    up = (long.join(m, on="lad_code")
          .group_by(pl.col("parent").alias("area_code"), pl.col("ptype").alias("area_type"), "period", "indicator")
          .agg(agg))
    return pl.concat([lad, up])


def finish(lf: pl.LazyFrame) -> pl.LazyFrame:
    return lf.select(
        "indicator", "area_code", "area_type", "period",
        pl.col("num").cast(pl.Float64).alias("numerator"), pl.col("den").cast(pl.Float64).alias("denominator"),
        pl.when(pl.col("num").is_not_null() & (pl.col("den") > 0)).then(pl.col("num") / pl.col("den") * 100.0).alias("value"))


# Census: districts and parents from the district table; TTWAs exactly from LSOAs.
def census_long(path, code):
    return (pl.scan_csv(path, infer_schema_length=0)
            .select(pl.col(code).alias("lad_code"), pl.lit("2021").alias("period"), pl.col(TOTAL).cast(pl.Int64).alias("den"),
                    *[pl.col(c).cast(pl.Int64).alias(i) for i, c in CENSUS.items()])
            .unpivot(index=["lad_code", "period", "den"], variable_name="indicator", value_name="num"))


# The census tables are England and Wales: keep England's districts.
census = rates(census_long(raw / CENSUS_LAD, "LAD22CD").join(parents.select("lad_code"), on="lad_code", how="semi"),
               with_ttwa=False)
census_ttwa = (census_long(raw / CENSUS_LSOA, "LSOA21CD").join(lsoa_ttwa, left_on="lad_code", right_on="code")
               .group_by(pl.col("parent").alias("area_code"), pl.lit("ttwa").alias("area_type"), "period", "indicator")
               .agg(pl.col("num").sum(), pl.col("den").sum()))


def dfe(path, ids, extra=None):
    lf = pl.scan_csv(path, infer_schema=False).filter(pl.col("geographic_level") == "Local authority district")
    if extra is not None:
        lf = lf.filter(extra)
    return (lf.select("lad_code", (pl.col("time_period").str.slice(0, 4) + "/" + pl.col("time_period").str.slice(4, 2)).alias("period"),
                      pl.col("cohort").cast(pl.Float64, strict=False).alias("den"),
                      *[pl.col(c).cast(pl.Float64, strict=False).alias(i) for i, c in ids.items()])
            .unpivot(index=["lad_code", "period", "den"], variable_name="indicator", value_name="num"))


ks4 = rates(dfe(raw / KS4, KS4_RATES), with_ttwa=True)
ks5 = rates(dfe(raw / KS5, POST16_RATES, pl.col("cohort_level_group") == "Total"), with_ttwa=True)
finish(pl.concat([census, census_ttwa, ks4, ks5], how="diagonal_relaxed")).select(OUT_COLUMNS).sink_parquet(out)
