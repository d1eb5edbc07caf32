"""The peer subset (see common.py) written idiomatically as DuckDB SQL."""
import duckdb

from common import CENSUS, CENSUS_LAD, CENSUS_LSOA, KS4, KS4_RATES, KS5, POST16_RATES, TOTAL, args, group_members

raw, geo, out = args()
con = duckdb.connect()
con.execute("CREATE TEMP TABLE area_groups (lad_code VARCHAR, parent VARCHAR)")
con.executemany("INSERT INTO area_groups VALUES (?, ?)", group_members(geo))
g = lambda f: f"read_csv('{geo / f}', all_varchar=true)"
r = lambda f: f"read_csv('{raw / f}', all_varchar=true)"
con.execute(f"""
CREATE TEMP TABLE members AS
  SELECT lad_code, parent, ptype FROM (
    SELECT lad_code, region_code AS parent, 'region' AS ptype FROM {g('lad_parents.csv')}
    UNION ALL SELECT lad_code, 'E92000001', 'country' FROM {g('lad_parents.csv')}
    UNION ALL SELECT lad_code, county_code, 'county' FROM {g('lad_parents.csv')}
    UNION ALL SELECT lad_code, combined_authority_code, 'combined_authority' FROM {g('lad_parents.csv')}
    UNION ALL SELECT lad_code, lsip_code, 'lsip' FROM {g('lad_parents.csv')}
    UNION ALL SELECT lad_code, lep_code, 'lep' FROM {g('lad_lep.csv')}
    UNION ALL SELECT lad_code, parent, 'group' FROM area_groups
  ) WHERE parent IS NOT NULL AND parent <> '';
CREATE TEMP TABLE ttwa_fit AS
  SELECT lad_code, ttwa_code AS parent, 'ttwa' AS ptype FROM {g('lad_ttwa.csv')} WHERE lower(best_fit) = 'true';
""")
q = lambda s: '"' + s.replace('"', '""') + '"'


def long_sql(src, code, period, den, cols, where="TRUE"):
    return " UNION ALL ".join(
        f"SELECT {code} AS lad_code, {period} AS period, '{i}' AS indicator, TRY_CAST({q(c)} AS DOUBLE) AS num, "
        f"TRY_CAST({q(den)} AS DOUBLE) AS den FROM {src} WHERE {where}" for i, c in cols.items())


def rates_sql(long, parents):
    return f"""
    WITH long AS ({long})
    SELECT indicator, lad_code AS area_code, 'lad' AS area_type, period, num, den FROM long
    UNION ALL
    SELECT indicator, m.parent, m.ptype, period,
           CASE WHEN count(*) = count(num) THEN sum(num) END, sum(den)
    FROM long JOIN ({parents}) m USING (lad_code)
    GROUP BY ALL"""


# The census tables are England and Wales: keep England's districts.
census_lad = long_sql(r(CENSUS_LAD), "LAD22CD", "'2021'", TOTAL, CENSUS,
                      f"LAD22CD IN (SELECT lad_code FROM {g('lad_parents.csv')})")
census_lsoa = long_sql(r(CENSUS_LSOA), "LSOA21CD", "'2021'", TOTAL, CENSUS)
ks_period = "substr(time_period, 1, 4) || '/' || substr(time_period, 5, 2)"
lad_level = "geographic_level = 'Local authority district'"
parts = [
    rates_sql(census_lad, "SELECT * FROM members"),
    f"""SELECT indicator, t.ttwa_code, 'ttwa', period, sum(num), sum(den)
        FROM ({census_lsoa}) l JOIN {g('lsoa21_ttwa.csv')} t ON t.lsoa21_code = l.lad_code GROUP BY ALL""",
    rates_sql(long_sql(r(KS4), "lad_code", ks_period, "cohort", KS4_RATES, lad_level),
              "SELECT * FROM members UNION ALL SELECT * FROM ttwa_fit"),
    rates_sql(long_sql(r(KS5), "lad_code", ks_period, "cohort", POST16_RATES, lad_level + " AND cohort_level_group = 'Total'"),
              "SELECT * FROM members UNION ALL SELECT * FROM ttwa_fit"),
]
body = " UNION ALL ".join(f"SELECT * FROM ({p})" for p in parts)
con.execute(f"""
COPY (SELECT indicator, area_code, area_type, period, CAST(num AS DOUBLE) AS numerator, CAST(den AS DOUBLE) AS denominator,
             CASE WHEN num IS NOT NULL AND den > 0 THEN num / den * 100.0 END AS value
      FROM ({body}) AS t(indicator, area_code, area_type, period, num, den))
TO '{out}' (FORMAT parquet)""")
