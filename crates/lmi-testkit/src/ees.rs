//! DfE Explore Education Statistics content API: publications, their releases, the data sets of
//! each release (paged as `/data-set-files`) and the file downloads, with GUID ids.
//!
//! Built from the wide LAD files under the data dir:
//! - `key-stage-4-destination-measures` and `16-18-destination-measures`: release `2022-23` serves
//!   the wide file as is; release `2023-24` (latest) serves a long file made from it
//!   ([`long_destinations`]: `time_period` one year earlier, one row per destination).
//! - `further-education-and-skills`: release `2021-22` serves the achievements file as is; release
//!   `2024-25` (latest) serves the participation layout made from it ([`fe_participation`], with
//!   emulator-made starts, participation and population).
//!
//! - `participation-in-education-training-and-neet-age-16-to-17-by-local-authority` (NCCIS):
//!   data set "NEET by characteristics" in the long EES layout, made from the wide LA scorecard
//!   files ([`NEET_FILES`]) by [`long_neet`]: release `2025` (latest) in the snake_case spelling
//!   from every scorecard year present, release `2023` in the older spelling from the years up
//!   to 2023.
//!
//! Each release also has decoy data sets (other geographic levels) and 45 fillers, so the LAD data
//! set is not on the first page of 40.

use crate::{Etag, FileReply, Reply, read_csv, require, write_csv};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;
use time::OffsetDateTime;
use time::macros::datetime;

/// Filler data sets per release.
pub const FILLERS: usize = 45;
/// `/data-set-files` refuses a larger `pageSize`.
pub const MAX_PAGE_SIZE: u64 = 40;

/// A deterministic, random-looking GUID (8-4-4-4-12 lowercase hex, version 4 bits set) for `parts`.
pub fn guid(parts: &[&str]) -> String {
    let mut b: [u8; 16] = Sha256::digest(parts.join("\u{1f}").as_bytes())[..16]
        .try_into()
        .expect("16 bytes");
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// EES parses ids with `Guid.TryParse` (any case, 8-4-4-4-12 here); anything else is a 404.
fn is_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.bytes().all(|c| c.is_ascii_hexdigit()))
}

pub(crate) struct DataSet {
    id: String,
    file_id: String,
    title: String,
    filename: String,
    summary: String,
    levels: Vec<&'static str>,
    /// The LAD-level data set of its release.
    lad: bool,
    body: Arc<Vec<u8>>,
    rows: usize,
    periods: Option<(String, String)>,
    filters: Vec<String>,
    indicators: Vec<String>,
}

pub(crate) struct Release {
    version_id: String,
    release_id: String,
    slug: String,
    published: OffsetDateTime,
    latest: bool,
    hidden: bool,
    data_sets: Vec<DataSet>,
}

pub(crate) struct Publication {
    id: String,
    slug: &'static str,
    title: &'static str,
    theme: &'static str,
    /// Newest first, as EES lists them.
    releases: Vec<Release>,
}

pub(crate) struct Ees {
    publications: Vec<Publication>,
}

/// `202223` -> `2022/23`.
fn academic_year(period: &str) -> String {
    if period.len() == 6 {
        format!("{}/{}", &period[..4], &period[4..])
    } else {
        period.to_owned()
    }
}

/// `202223` -> `202122`: the KS4/16-18 cohort year of a destination year.
fn year_before(period: &str) -> String {
    match period.get(..4).and_then(|y| y.parse::<i32>().ok()) {
        Some(y) if period.len() == 6 => format!("{}{:02}", y - 1, y % 100),
        _ => period.to_owned(),
    }
}

/// The size as EES displays it.
fn display_size(bytes: usize) -> String {
    match bytes {
        b if b < 1024 => format!("{b} B"),
        b if b < 1024 * 1024 => format!("{} Kb", b / 1024),
        b => format!("{} Mb", b / (1024 * 1024)),
    }
}

/// Text columns are filters, numeric ones indicators (the EES meta lists their labels).
fn meta_columns(header: &[String]) -> (Vec<String>, Vec<String>) {
    const GEOGRAPHY: [&str; 6] = [
        "time_period",
        "time_identifier",
        "geographic_level",
        "code",
        "name",
        "location",
    ];
    const COUNTS: [&str; 12] = [
        "cohort",
        "education",
        "appren",
        "all_work",
        "all_notsust",
        "all_unknown",
        "count",
        "percent",
        "achievements",
        "starts",
        "participation",
        "population_estimate",
    ];
    let (mut filters, mut indicators) = (Vec::new(), Vec::new());
    for h in header {
        if COUNTS.iter().any(|c| h.contains(c)) || h.contains("rate") || h == "value" {
            indicators.push(h.replace('_', " "));
        } else if !GEOGRAPHY.iter().any(|g| h.contains(g)) {
            filters.push(h.replace('_', " "));
        }
    }
    (filters, indicators)
}

struct DataSetSpec<'a> {
    title: &'a str,
    filename: &'a str,
    summary: &'a str,
    levels: &'a [&'static str],
    lad: bool,
    body: Arc<Vec<u8>>,
}

fn data_set(publication: &str, release: &str, spec: DataSetSpec<'_>) -> DataSet {
    let (header, rows) = read_csv(&spec.body);
    let periods = header
        .iter()
        .position(|h| h == "time_period")
        .and_then(|i| {
            let min = rows.iter().map(|r| &r[i]).min()?;
            let max = rows.iter().map(|r| &r[i]).max()?;
            Some((academic_year(min), academic_year(max)))
        });
    let (filters, indicators) = meta_columns(&header);
    let mut levels = spec.levels.to_vec();
    levels.sort_unstable();
    DataSet {
        id: guid(&["data-set-file", publication, release, spec.title]),
        file_id: guid(&["file", publication, release, spec.title]),
        title: spec.title.to_owned(),
        filename: spec.filename.to_owned(),
        summary: spec.summary.to_owned(),
        levels,
        lad: spec.lad,
        rows: rows.len(),
        body: spec.body,
        periods,
        filters,
        indicators,
    }
}

/// A tiny synthetic CSV for the decoys and fillers (never real data).
fn decoy_csv(level: &str, extra: &str) -> Arc<Vec<u8>> {
    Arc::new(
        format!(
            "time_period,time_identifier,geographic_level,country_code,country_name,characteristic,cohort,value\n\
             202223,Academic year,{level},E92000001,England,{extra},1000,900\n"
        )
        .into_bytes(),
    )
}

struct ReleaseSpec<'a> {
    slug: &'a str,
    published: OffsetDateTime,
    latest: bool,
    data_sets: Vec<DataSetSpec<'a>>,
}

fn publication(
    slug: &'static str,
    title: &'static str,
    theme: &'static str,
    filler_title: &str,
    releases: Vec<ReleaseSpec<'_>>,
) -> Publication {
    let filler = decoy_csv("National", "Filler");
    let releases = releases
        .into_iter()
        .map(|r| {
            let fillers: Vec<(String, String)> = (1..=FILLERS)
                .map(|n| {
                    (
                        format!("{filler_title} {n}"),
                        format!("filler_{}_{n}.csv", r.slug.replace('-', "")),
                    )
                })
                .collect();
            let mut data_sets: Vec<DataSet> = r
                .data_sets
                .into_iter()
                .map(|d| data_set(slug, r.slug, d))
                .collect();
            for (title, filename) in &fillers {
                data_sets.push(data_set(
                    slug,
                    r.slug,
                    DataSetSpec {
                        title,
                        filename,
                        summary: "A breakdown that is not the local authority district data set.",
                        levels: &["National"],
                        lad: false,
                        body: filler.clone(),
                    },
                ));
            }
            Release {
                version_id: guid(&["release-version", slug, r.slug, "1"]),
                release_id: guid(&["release", slug, r.slug]),
                slug: r.slug.to_owned(),
                published: r.published,
                latest: r.latest,
                hidden: false,
                data_sets,
            }
        })
        .collect();
    Publication {
        id: guid(&["publication", slug]),
        slug,
        title,
        theme,
        releases,
    }
}

/// The destinations publications (KS4, 16-18): the wide 2022-23 file and its long 2023-24 form.
fn destinations(
    slug: &'static str,
    title: &'static str,
    wide: Vec<u8>,
    prefix: &str,
    names: (&str, &str),
) -> Publication {
    let long = Arc::new(long_destinations(&wide));
    let wide = Arc::new(wide);
    let lad_wide = format!("{prefix} leavers local authority level destinations");
    let national = format!("{prefix} leavers national level destinations");
    let institution = format!("{prefix} leavers institution level destinations");
    let long_title = format!("{prefix} leavers destinations");
    let filler_title = format!("{prefix} destinations by pupil characteristic");
    let decoys = |release: &str| {
        [
            DataSetSpec {
                title: &national,
                filename: "national_level_destinations.csv",
                summary: "National level destinations.",
                levels: &["National"],
                lad: false,
                body: decoy_csv("National", "Total"),
            },
            DataSetSpec {
                title: &institution,
                filename: if release == "2022-23" {
                    "institution_level_destinations_202223.csv"
                } else {
                    "institution_level_destinations_202324.csv"
                },
                summary: "Institution level destinations.",
                levels: &["School"],
                lad: false,
                body: decoy_csv("School", "Total"),
            },
        ]
    };
    let [national_decoy, institution_2223] = decoys("2022-23");
    let [_, institution_2324] = decoys("2023-24");
    publication(
        slug,
        title,
        "Destination of pupils and students",
        &filler_title,
        vec![
            ReleaseSpec {
                slug: "2023-24",
                published: datetime!(2025-10-16 09:30 +1),
                latest: true,
                data_sets: vec![
                    DataSetSpec {
                        title: &long_title,
                        filename: names.1,
                        summary: "Destinations in the year after the cohort year, by local authority district: one row per destination.",
                        levels: &["Local authority district", "National"],
                        lad: true,
                        body: long,
                    },
                    institution_2324,
                ],
            },
            ReleaseSpec {
                slug: "2022-23",
                published: datetime!(2024-10-17 09:30 +1),
                latest: false,
                data_sets: vec![
                    DataSetSpec {
                        title: &lad_wide,
                        filename: names.0,
                        summary: "Local authority level destinations by institution group.",
                        levels: &[
                            "Local authority district",
                            "Local authority",
                            "National",
                            "Regional",
                        ],
                        lad: true,
                        body: wide,
                    },
                    national_decoy,
                    institution_2223,
                ],
            },
        ],
    )
}

/// The long (2023-24) layout of a wide destinations file: one row per area, period and
/// destination; `time_period` moves one year earlier (the cohort year); `pupil_percent` =
/// count / cohort x 100 to 1 dp; suppression symbols are copied. The 16-18 file keeps
/// `cohort_level_group`. Rows with `data_type` "Percentage" are left out (the long file
/// computes its own).
pub fn long_destinations(wide: &[u8]) -> Vec<u8> {
    let (header, rows) = read_csv(wide);
    let col = |name: &str| header.iter().position(|h| h == name);
    let get = |row: &[String], name: &str| col(name).map(|i| row[i].clone()).unwrap_or_default();
    let cohort_level = col("cohort_level_group").is_some();
    let mut destinations = vec![
        ("All education", "education"),
        ("All apprenticeships", "appren"),
        ("All employment", "all_work"),
        ("All notsust", "all_notsust"),
        ("All unknown", "all_unknown"),
    ];
    if col("overall").is_some() {
        destinations.insert(0, ("Overall", "overall"));
    }
    // Copied as they are from the wide row; `time_period` moves a year earlier and the wide
    // `institution_group` becomes `establishment_type_group`.
    const COPIED: [&str; 11] = [
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
        "lad_code",
        "lad_name",
    ];
    let mut out_header: Vec<String> = std::iter::once("time_period")
        .chain(COPIED)
        .chain(["establishment_type_group"])
        .map(String::from)
        .collect();
    if cohort_level {
        out_header.push("cohort_level_group".into());
    }
    for h in [
        "breakdown_topic",
        "breakdown",
        "destination_description",
        "cohort_count",
        "pupil_count",
        "pupil_percent",
    ] {
        out_header.push(h.into());
    }
    let mut out = Vec::new();
    for row in &rows {
        if get(row, "data_type") == "Percentage" {
            continue;
        }
        let cohort = get(row, "cohort");
        for (description, column) in &destinations {
            let count = get(row, column);
            let percent = match (count.parse::<f64>(), cohort.parse::<f64>()) {
                (Ok(n), Ok(c)) if c > 0.0 => format!("{:.1}", (n / c * 1000.0).round() / 10.0),
                (Ok(_), Ok(_)) => "z".into(),
                (Ok(_), Err(_)) => cohort.clone(),
                (Err(_), _) => count.clone(),
            };
            let mut r: Vec<String> = vec![year_before(&get(row, "time_period"))];
            for c in COPIED.iter().chain(&["institution_group"]) {
                r.push(get(row, c));
            }
            if cohort_level {
                r.push(get(row, "cohort_level_group"));
            }
            r.push(get(row, "breakdown_topic"));
            r.push(get(row, "breakdown"));
            r.push((*description).to_owned());
            r.push(cohort.clone());
            r.push(count);
            r.push(percent);
            out.push(r);
        }
    }
    write_csv(&out_header, &out)
}

/// The population of an area in the emulator's FE file: a fixed number per area code.
fn population_estimate(code: &str) -> u64 {
    let h = Sha256::digest(code.as_bytes());
    100_000 + u64::from_be_bytes(h[..8].try_into().expect("8 bytes")) % 200_000
}

const FES_TOTAL: &str = "Further education and skills: Total";
/// Emulator-made shares of the FE and skills total by level (the labels of DfE's file: see
/// `lmi_core::breakdown::FE_LEVELS`; Full level 2 is a subset of Level 2).
const FES_LEVEL_SHARES: [(&str, f64); 7] = [
    ("Entry level", 0.10),
    ("Level 1", 0.20),
    ("Level 2", 0.30),
    ("Full level 2", 0.15),
    ("Level 3", 0.25),
    ("Level 4+", 0.05),
    ("No level assigned", 0.10),
];
/// Emulator-made shares of the FE and skills total by age band (DfE's `age_summary` labels).
const FES_AGE_SHARES: [(&str, f64); 3] = [("19-24", 0.30), ("25+", 0.65), ("Unknown", 0.05)];

/// The FE 2024-25 participation layout made from the achievements file (`location,location_code,
/// geographic_level,time_period,age_group,level_or_type,achievements`).
///
/// **`starts`, `participation` and `population_estimate` are emulator-made, not DfE data**:
/// participation = 3 x achievements, starts = round(1.4 x achievements), population = 100,000 +
/// (a hash of the area code mod 200,000), the same for every row of an area. Rates = value /
/// population x 100,000 to 1 dp; a suppressed achievements symbol is copied to every value.
/// One row per LAD row (age Total) with `provision_type` = `level_or_type` before ": Total";
/// plus, to be filtered out, an `age_summary` "19-24" copy of the first ten LAD rows of one
/// provision type and the country rows as `geographic_level` "National"; and for each LAD's
/// "Further education and skills: Total" row, its levels and age bands as emulator-made shares
/// of it ([`FES_LEVEL_SHARES`], [`FES_AGE_SHARES`]; the labels are DfE's).
pub fn fe_participation(achievements: &[u8]) -> Vec<u8> {
    let (header, rows) = read_csv(achievements);
    let col = |name: &str| header.iter().position(|h| h == name).expect(name);
    let (name, code, level, period, age, kind, value) = (
        col("location"),
        col("location_code"),
        col("geographic_level"),
        col("time_period"),
        col("age_group"),
        col("level_or_type"),
        col("achievements"),
    );
    let out_header: Vec<String> = [
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "lad_code",
        "lad_name",
        "provision_type",
        "regulated_status",
        "level_or_type",
        "age_summary",
        "starts",
        "participation",
        "learner_achievements",
        "population_estimate",
        "starts_rate_per_100000_population",
        "participation_rate_per_100000_population",
        "learner_achievements_rate_per_100000_population",
    ]
    .map(String::from)
    .to_vec();
    let line =
        |r: &[String], geographic_level: &str, age_summary: &str, scale: f64, kind_as: &str| {
            let population = population_estimate(&r[code]);
            let (lad_code, lad_name) = if geographic_level == "National" {
                (String::new(), String::new())
            } else {
                (r[code].clone(), r[name].clone())
            };
            let provision = r[kind]
                .strip_suffix(": Total")
                .unwrap_or(&r[kind])
                .to_owned();
            let values: Vec<String> = match r[value].parse::<f64>() {
                Ok(a) => {
                    let a = (a * scale).round();
                    let (starts, participation) = ((1.4 * a).round(), 3.0 * a);
                    let rate =
                        |v: f64| format!("{:.1}", (v / population as f64 * 1e6).round() / 10.0);
                    vec![
                        format!("{starts}"),
                        format!("{participation}"),
                        format!("{a}"),
                        population.to_string(),
                        rate(starts),
                        rate(participation),
                        rate(a),
                    ]
                }
                Err(_) => {
                    let s = r[value].clone();
                    vec![
                        s.clone(),
                        s.clone(),
                        s.clone(),
                        population.to_string(),
                        s.clone(),
                        s.clone(),
                        s,
                    ]
                }
            };
            let mut out = vec![
                r[period].clone(),
                "Academic year".into(),
                geographic_level.to_owned(),
                "E92000001".into(),
                "England".into(),
                String::new(),
                String::new(),
                lad_code,
                lad_name,
                provision,
                "Total".into(),
                kind_as.to_owned(),
                age_summary.to_owned(),
            ];
            out.extend(values);
            out
        };
    let mut out = Vec::new();
    let lad_rows: Vec<&Vec<String>> = rows
        .iter()
        .filter(|r| r[level] == "localAuthorityDistrict" && r[age] == "Total")
        .collect();
    for r in rows
        .iter()
        .filter(|r| r[level] == "country" && r[age] == "Total")
    {
        out.push(line(r, "National", "Total", 1.0, &r[kind]));
    }
    for r in &lad_rows {
        out.push(line(r, "Local authority district", "Total", 1.0, &r[kind]));
    }
    for r in lad_rows.iter().filter(|r| r[kind] != FES_TOTAL).take(10) {
        out.push(line(r, "Local authority district", "19-24", 0.2, &r[kind]));
    }
    // Levels and age bands of all FE and skills, labelled as DfE labels them.
    for r in lad_rows.iter().filter(|r| r[kind] == FES_TOTAL) {
        for (label, share) in FES_LEVEL_SHARES {
            let kind_as = format!("Further education and skills: {label}");
            out.push(line(
                r,
                "Local authority district",
                "Total",
                share,
                &kind_as,
            ));
        }
        for (band, share) in FES_AGE_SHARES {
            out.push(line(r, "Local authority district", band, share, FES_TOTAL));
        }
    }
    write_csv(&out_header, &out)
}

fn further_education(achievements: Vec<u8>) -> Publication {
    let participation = Arc::new(fe_participation(&achievements));
    publication(
        "further-education-and-skills",
        "Further education and skills",
        "Further education",
        "Apprenticeships and education and training by learner characteristic",
        vec![
            ReleaseSpec {
                slug: "2024-25",
                published: datetime!(2025-11-27 09:30 +0),
                latest: true,
                data_sets: vec![DataSetSpec {
                    title: "Geography Region, LA, LAD, PCON - Participation, Achievement by provision type (rates per 100,000 population)",
                    filename: "fes-geography-population-202425-q4.csv",
                    summary: "Participation and achievement by provision type, level and age, with rates per 100,000 population.",
                    levels: &[
                        "Local authority district",
                        "Local skills improvement plan area",
                        "National",
                    ],
                    lad: true,
                    body: participation,
                }],
            },
            ReleaseSpec {
                slug: "2021-22",
                published: datetime!(2022-11-24 09:30 +0),
                latest: false,
                data_sets: vec![DataSetSpec {
                    title: "Further education and skills: achievements by learner home local authority district (permalink export)",
                    filename: "fe_achievements_lad.csv",
                    summary: "Achievements by provision type and learner home local authority district.",
                    levels: &["Local authority district", "National", "Regional"],
                    lad: true,
                    body: Arc::new(achievements),
                }],
            },
        ],
    )
}

/// The NCCIS publication's slug (as in DfE's dashboard, `nccis_localauthority_dashboard` ui.R).
pub const NEET_PUBLICATION: &str =
    "participation-in-education-training-and-neet-age-16-to-17-by-local-authority";
/// The data set a fetching refresh reads.
pub const NEET_TITLE: &str = "NEET by characteristics";
/// The wide scorecard files the long ones are made from, newest first (the catalogue's
/// `local_paths` and `earlier_paths` of `dfe_nccis_neet_16_17`); the first must exist.
pub const NEET_FILES: [&str; 4] = [
    "dfe/neet_participation_la_2025.csv",
    "dfe/neet_participation_la_2023.csv",
    "dfe/neet_participation_la_2022.csv",
    "dfe/neet_participation_la_2021.csv",
];

/// The long EES "NEET by characteristics" layout of wide scorecard files: per area and year a
/// 16-17 `Total`/`Total` row whose cohort and NEET, not-known and NEET-or-not-known percentages
/// (and annual change) are the scorecard's cells copied as published; plus, so that a reader must
/// pick the total, rows for ages 16 and 17 alone and a gender split whose cells are all `x` (not
/// available: the scorecard has no such breakdown). The average counts (`avg_neet_count`, …)
/// cannot be derived from the scorecard, which publishes percentages only: they are `x`. `snake`:
/// the later spelling (`age` `16 to 17`, `avg_cohort_count`, `neet_percent`, …), else the
/// 2021/22-2023/24 one (`Age` `16-17`, `avgcohort`, `NEETprop`, …). Placeholder rows without a
/// code (DfE's "Region demo") are left out.
pub fn long_neet(wides: &[Vec<u8>], snake: bool) -> Vec<u8> {
    let geography = [
        "time_period",
        "time_identifier",
        "geographic_level",
        "country_code",
        "country_name",
        "region_code",
        "region_name",
        "old_la_code",
        "new_la_code",
        "la_name",
    ];
    let names: [&str; 11] = if snake {
        [
            "age",
            "characteristic_grouping",
            "characteristic",
            "avg_cohort_count",
            "avg_neet_count",
            "avg_nk_count",
            "avg_neet_nk_count",
            "neet_percent",
            "nk_percent",
            "neet_nk_percent",
            "annual_change_neet_nk_percent",
        ]
    } else {
        [
            "Age",
            "Characteristic_grouping",
            "Characteristic",
            "avgcohort",
            "avgNEET",
            "avgNK",
            "avgNEETNK",
            "NEETprop",
            "Notknownprop",
            "NEETNKprop",
            "annual_change_NEETNK",
        ]
    };
    let total_age = if snake { "16 to 17" } else { "16-17" };
    let mut header: Vec<String> = geography.iter().map(|s| (*s).to_owned()).collect();
    header.extend(names.iter().map(|s| (*s).to_owned()));
    let mut out = Vec::new();
    for wide in wides {
        let (h, rows) = read_csv(wide);
        let at = |c: &str| h.iter().position(|x| x == c);
        let need = |c: &str| at(c).unwrap_or_else(|| panic!("scorecard without {c}"));
        let (level, region, la) = (
            need("geographic_level"),
            need("region_code"),
            need("new_la_code"),
        );
        // (scorecard column, long column index) of the copied cells.
        let copied = [
            ("Cohort_DJFavg", 3),
            ("NEET_percent", 7),
            ("Notknown_percent", 8),
            ("NEET_not_known_percent", 9),
            ("annual_change_ppts_NEET_not_known", 10),
        ];
        for r in &rows {
            let code = match r[level].as_str() {
                "Regional" => &r[region],
                "Local authority" => &r[la],
                _ => "E92000001",
            };
            if code.is_empty() {
                continue;
            }
            let place: Vec<String> = geography
                .iter()
                .map(|c| at(c).map_or_else(String::new, |i| r[i].clone()))
                .collect();
            let mut total = place.clone();
            total.extend([total_age, "Total", "Total"].map(str::to_owned));
            total.extend(std::iter::repeat_n("x".to_owned(), 8));
            for (column, i) in copied {
                if let Some(c) = at(column) {
                    total[geography.len() + i] = r[c].clone();
                }
            }
            out.push(total);
            for (age, grouping, characteristic) in [
                ("16", "Total", "Total"),
                ("17", "Total", "Total"),
                (total_age, "Gender", "Female"),
                (total_age, "Gender", "Male"),
            ] {
                let mut row = place.clone();
                row.extend([age, grouping, characteristic].map(str::to_owned));
                row.extend(std::iter::repeat_n("x".to_owned(), 8));
                out.push(row);
            }
        }
    }
    write_csv(&header, &out)
}

fn neet(dir: &Path) -> Publication {
    let wides: Vec<(String, Vec<u8>)> = NEET_FILES
        .iter()
        .enumerate()
        .filter_map(|(i, f)| {
            let bytes = if i == 0 {
                Some(require(dir, f))
            } else {
                crate::read_data(dir, f)
            };
            bytes.map(|b| (f.to_string(), b))
        })
        .collect();
    let all: Vec<Vec<u8>> = wides.iter().map(|(_, b)| b.clone()).collect();
    // Up to 2023 for the older release; the sample (2025 only) serves its one year in both.
    let older: Vec<Vec<u8>> = wides
        .iter()
        .filter(|(f, _)| !f.ends_with("2025.csv"))
        .map(|(_, b)| b.clone())
        .collect();
    let older = if older.is_empty() { all.clone() } else { older };
    let levels: &[&'static str] = &["Local authority", "National", "Regional"];
    let decoys = || {
        [
            DataSetSpec {
                title: "Participation by type",
                filename: "ud_participation_type.csv",
                summary: "Participation in education and training by type of activity.",
                levels,
                lad: false,
                body: decoy_csv("National", "Apprenticeship"),
            },
            DataSetSpec {
                title: "Participation by characteristics",
                filename: "ud_participation_characteristics.csv",
                summary: "Participation in education and training by characteristic.",
                levels,
                lad: false,
                body: decoy_csv("National", "Total"),
            },
        ]
    };
    let [a, b] = decoys();
    let [c, d] = decoys();
    publication(
        NEET_PUBLICATION,
        "Participation in education, training and NEET age 16 to 17 by local authority",
        "Further education",
        "NEET and participation by local authority scorecard measure",
        vec![
            ReleaseSpec {
                slug: "2025",
                published: datetime!(2025-06-26 09:30 +1),
                latest: true,
                data_sets: vec![
                    DataSetSpec {
                        title: NEET_TITLE,
                        filename: "ud_neet_characteristics.csv",
                        summary: "16-17 year olds NEET and whose activity is not known (December to February average), by age and characteristic.",
                        levels,
                        lad: true,
                        body: Arc::new(long_neet(&all, true)),
                    },
                    a,
                    b,
                ],
            },
            ReleaseSpec {
                slug: "2023",
                published: datetime!(2023-06-22 09:30 +1),
                latest: false,
                data_sets: vec![
                    DataSetSpec {
                        title: NEET_TITLE,
                        filename: "ud_neet_characteristics.csv",
                        summary: "16-17 year olds NEET and whose activity is not known, by age and characteristic.",
                        levels,
                        lad: true,
                        body: Arc::new(long_neet(&older, false)),
                    },
                    c,
                    d,
                ],
            },
        ],
    )
}

/// The apprenticeships publication's slug (catalogue entry `dfe_apprenticeships_lad`).
pub const APPRENTICESHIPS_PUBLICATION: &str = "apprenticeships";
/// The district data set a fetching refresh reads.
pub const APPRENTICESHIPS_TITLE: &str =
    "Geography LAD and PCON - Starts, Participation, Achievements by Age, Sex, Level";
/// Its file under the data dir (the catalogue's `local_paths`); the publication is served only
/// when the file exists (the sample has it, the real data dir does not).
pub const APPRENTICESHIPS_FILE: &str = "dfe/apprenticeships_lad_pcon.csv";

/// DfE's `apprenticeships` publication: release `2024-25` (latest) serves the district and
/// constituency file as it is, beside a regional decoy (the sibling "Geography Region" data set).
fn apprenticeships(body: Vec<u8>) -> Publication {
    publication(
        APPRENTICESHIPS_PUBLICATION,
        "Apprenticeships",
        "Further education",
        "Apprenticeships by learner characteristic",
        vec![ReleaseSpec {
            slug: "2024-25",
            published: datetime!(2025-11-27 09:30 +0),
            latest: true,
            data_sets: vec![
                DataSetSpec {
                    title: APPRENTICESHIPS_TITLE,
                    filename: "app-geography-lad-pcon-age-sex-level-202425.csv",
                    summary: "Apprenticeship starts, participation and achievements by learner home local authority district and parliamentary constituency, age, sex and level.",
                    levels: &[
                        "Local authority district",
                        "National",
                        "Parliamentary constituency",
                        "Regional",
                    ],
                    lad: true,
                    body: Arc::new(body),
                },
                DataSetSpec {
                    title: "Geography Region - starts, achievements, participation, population by age, level",
                    filename: "app-geography-region-age-level-202425.csv",
                    summary: "Apprenticeships by region, age and level, with population.",
                    levels: &["National", "Regional"],
                    lad: false,
                    body: decoy_csv("Regional", "Total"),
                },
            ],
        }],
    )
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&time::format_description::well_known::Rfc3339)
        .expect("rfc3339")
}

/// `2023-24` -> `2023/24`.
fn year_title(slug: &str) -> String {
    slug.replacen('-', "/", 1)
}

fn validation_error(path: &str, message: String, value: &str) -> Value {
    json!({
        "type": "https://tools.ietf.org/html/rfc9110#section-15.5.1",
        "title": "One or more validation errors occurred.",
        "status": 400,
        "errors": [{
            "message": message,
            "path": path,
            "code": "InclusiveBetweenValidator",
            "detail": { "value": value },
        }],
    })
}

impl Ees {
    pub(crate) fn load(dir: &Path) -> Ees {
        let [(ks4, ks4_file), (ks5, ks5_file), (_, fe_file)] = crate::EES_FILES;
        Ees {
            publications: vec![
                destinations(
                    ks4,
                    "Key stage 4 destination measures",
                    require(dir, ks4_file),
                    "Key stage 4",
                    ("ks4_dm_ud_202223_la_rev.csv", "ks4_dm_202324_lad.csv"),
                ),
                destinations(
                    ks5,
                    "16-18 destination measures",
                    require(dir, ks5_file),
                    "16-18 study",
                    ("1618_dm_ud_202223_la_rev.csv", "1618_dm_202324_lad.csv"),
                ),
                further_education(require(dir, fe_file)),
                neet(dir),
            ]
            .into_iter()
            .chain(crate::read_data(dir, APPRENTICESHIPS_FILE).map(apprenticeships))
            .collect(),
        }
    }

    fn publication_mut(&mut self, slug: &str) -> &mut Publication {
        self.publications
            .iter_mut()
            .find(|p| p.slug == slug)
            .unwrap_or_else(|| panic!("no EES publication {slug}"))
    }

    fn release_mut(&mut self, publication: &str, slug: &str) -> &mut Release {
        self.publication_mut(publication)
            .releases
            .iter_mut()
            .find(|r| r.slug == slug)
            .unwrap_or_else(|| panic!("no release {slug} of {publication}"))
    }

    pub(crate) fn set_latest(&mut self, publication: &str, slug: &str) {
        self.release_mut(publication, slug);
        for r in &mut self.publication_mut(publication).releases {
            r.latest = r.slug == slug;
        }
    }

    pub(crate) fn set_hidden(&mut self, publication: &str, slug: &str, hidden: bool) {
        self.release_mut(publication, slug).hidden = hidden;
    }

    pub(crate) fn remove_release(&mut self, publication: &str, slug: &str) {
        self.release_mut(publication, slug);
        self.publication_mut(publication)
            .releases
            .retain(|r| r.slug != slug);
    }

    pub(crate) fn rename_data_set(&mut self, publication: &str, slug: &str, old: &str, new: &str) {
        let release = self.release_mut(publication, slug);
        let d = release
            .data_sets
            .iter_mut()
            .find(|d| d.title == old)
            .unwrap_or_else(|| panic!("no data set {old:?} in {publication} {slug}"));
        d.title = new.to_owned();
    }

    pub(crate) fn release_ids(&mut self, publication: &str, slug: &str) -> (String, String) {
        let r = self.release_mut(publication, slug);
        let lad = r.data_sets.iter().find(|d| d.lad).expect("LAD data set");
        (r.version_id.clone(), lad.file_id.clone())
    }

    /// The published releases with their publication.
    fn visible(&self) -> impl Iterator<Item = (&Publication, &Release)> {
        self.publications
            .iter()
            .flat_map(|p| p.releases.iter().map(move |r| (p, r)))
            .filter(|(_, r)| !r.hidden)
    }

    pub(crate) fn respond(&self, path: &str, q: &HashMap<String, String>) -> Reply {
        let segments: Vec<&str> = path.trim_start_matches("/ees/api/").split('/').collect();
        match segments.as_slice() {
            ["publications", slug, "releases"] => self.releases(slug),
            ["data-set-files"] => self.data_set_files(q),
            ["releases", version, "files", file] => self.download(version, file),
            _ => Reply::text(404, "Not Found"),
        }
    }

    fn releases(&self, slug: &str) -> Reply {
        let Some(p) = self.publications.iter().find(|p| p.slug == slug) else {
            return Reply::text(404, "Not Found");
        };
        let list: Vec<Value> = p
            .releases
            .iter()
            .filter(|r| !r.hidden)
            .map(|r| {
                let year = year_title(&r.slug);
                json!({
                    "id": r.version_id,
                    "releaseId": r.release_id,
                    "title": format!("Academic year {year}"),
                    "slug": r.slug,
                    "yearTitle": year,
                    "coverageTitle": "Academic year",
                    "published": rfc3339(r.published),
                    "type": "AccreditedOfficialStatistics",
                    "latestRelease": r.latest,
                })
            })
            .collect();
        Reply::json(Value::Array(list))
    }

    fn data_set_files(&self, q: &HashMap<String, String>) -> Reply {
        let number = |name: &str, default: u64| -> Result<u64, String> {
            match q.get(name) {
                None => Ok(default),
                Some(v) => v
                    .parse::<i64>()
                    .map(|n| n.max(0) as u64)
                    .map_err(|_| v.clone()),
            }
        };
        let (page, page_size) = (number("page", 1), number("pagesize", 10));
        let bad = |path: &str, label: &str, lo: u64, hi: u64, value: &str| Reply::Json {
            status: 400,
            body: validation_error(
                path,
                format!("'{label}' must be between {lo} and {hi}. You entered {value}."),
                value,
            ),
            weak_etag: false,
        };
        let page_size = match page_size {
            Ok(n) if (1..=MAX_PAGE_SIZE).contains(&n) => n,
            Ok(n) => return bad("pageSize", "Page Size", 1, MAX_PAGE_SIZE, &n.to_string()),
            Err(v) => return bad("pageSize", "Page Size", 1, MAX_PAGE_SIZE, &v),
        };
        let page = match page {
            Ok(n) if (1..=9999).contains(&n) => n,
            Ok(n) => return bad("page", "Page", 1, 9999, &n.to_string()),
            Err(v) => return bad("page", "Page", 1, 9999, &v),
        };
        let wanted = q.get("releaseid").map(|s| s.to_ascii_lowercase());
        let mut found: Vec<(&Publication, &Release, &DataSet)> = self
            .visible()
            .filter(|(_, r)| wanted.as_deref() == Some(r.version_id.as_str()))
            .flat_map(|(p, r)| r.data_sets.iter().map(move |d| (p, r, d)))
            .collect();
        found.sort_by(|a, b| (&a.2.title, &a.2.id).cmp(&(&b.2.title, &b.2.id)));
        let total = found.len() as u64;
        let results: Vec<Value> = found
            .iter()
            .skip(((page - 1) * page_size) as usize)
            .take(page_size as usize)
            .map(|(p, r, d)| {
                let mut meta = json!({
                    "numDataFileRows": d.rows,
                    "geographicLevels": d.levels,
                    "filters": d.filters,
                    "indicators": d.indicators,
                });
                if let Some((from, to)) = &d.periods {
                    meta["timePeriodRange"] = json!({ "from": from, "to": to });
                }
                json!({
                    "id": d.id,
                    "fileId": d.file_id,
                    "filename": d.filename,
                    "fileSize": display_size(d.body.len()),
                    "fileExtension": "csv",
                    "title": d.title,
                    "content": d.summary,
                    "theme": { "id": guid(&["theme", p.theme]), "title": p.theme },
                    "publication": { "id": p.id, "title": p.title, "slug": p.slug },
                    "release": {
                        "id": r.version_id,
                        "title": format!("Academic year {}", year_title(&r.slug)),
                        "slug": r.slug,
                    },
                    "latestData": r.latest,
                    "isSuperseded": false,
                    "published": rfc3339(r.published),
                    "lastUpdated": rfc3339(r.published),
                    "meta": meta,
                })
            })
            .collect();
        // As EES's PagingViewModel (C# integer division).
        let total_pages = (total as i64 - 1) / page_size as i64 + 1;
        Reply::json(json!({
            "results": results,
            "paging": {
                "page": page,
                "pageSize": page_size,
                "totalResults": total,
                "totalPages": total_pages,
            },
        }))
    }

    fn download(&self, version: &str, file: &str) -> Reply {
        if !is_guid(version) || !is_guid(file) {
            return Reply::text(404, "Not Found");
        }
        let (version, file) = (version.to_ascii_lowercase(), file.to_ascii_lowercase());
        let Some((r, d)) = self
            .visible()
            .find(|(_, r)| r.version_id == version)
            .and_then(|(_, r)| Some((r, r.data_sets.iter().find(|d| d.file_id == file)?)))
        else {
            return Reply::text(404, "Not Found");
        };
        Reply::File(FileReply {
            body: d.body.as_ref().clone(),
            content_type: "text/csv",
            etag: Etag::WeakMd5,
            last_modified: r.published.into(),
            attachment: Some(d.filename.clone()),
            cache_control: Some("public,max-age=300"),
            gzip: true,
        })
    }
}
