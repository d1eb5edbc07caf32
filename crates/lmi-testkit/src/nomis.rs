//! Nomis: the `NM_2084_1` (Census 2021 TS067) and `NM_17_5` (APS) data routes, one cell per row in
//! the Nomis API CSV layout, paged with `RecordOffset`/`RECORD_COUNT`.

use crate::{FaultKind, Reply, apply_row_faults, read_data, write_csv};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::Path;

const TS067_CATEGORIES: [&str; 8] = [
    "Total: All usual residents aged 16 years and over",
    "No qualifications",
    "Level 1 and entry level qualifications",
    "Level 2 qualifications",
    "Apprenticeship",
    "Level 3 qualifications",
    "Level 4 qualifications and above",
    "Other qualifications",
];

/// APS variable 1902 "% with RQF4+ - aged 16-64": the only dates the emulator knows (Nomis has the
/// variable from Jan-Dec 2022).
pub const APS_RQF4_DATES: [&str; 3] = ["2022-12", "2023-12", "2024-12"];

/// The one geography selection the emulator answers for variable 1902: April 2023 districts and
/// England.
pub const APS_RQF4_GEOGRAPHY: &str = "TYPE424,2092957699";

pub(crate) struct Census {
    pub(crate) rows: Vec<(String, String, [u64; 8])>,
}

/// A TS067 table: `first_count` is the column of the total (then the seven categories).
fn read_census(text: &[u8], first_count: usize) -> Census {
    let mut reader = csv::Reader::from_reader(text);
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("census record");
            let mut counts = [0u64; 8];
            for (i, c) in counts.iter_mut().enumerate() {
                *c = r[first_count + i].parse().expect("count");
            }
            (r[0].to_owned(), r[1].to_owned(), counts)
        })
        .collect();
    Census { rows }
}

/// One cell of the web extract: the estimate or its symbol, and the ± 95% or its symbol.
type ApsCell = (String, String);

/// An area-year of the web extract: (first line, area name, area type, cells T19:1-7).
type ApsGroup = (usize, String, String, [Option<ApsCell>; 7]);

/// The APS web extract (T19, all people aged 16-64, cells 1-7 by area and year) as the Nomis API
/// would serve NM_17_5 variable 290 "% with NVQ4+ - aged 16-64", measures 21001 (numerator),
/// 21002 (denominator), 21003 (confidence, ± percentage points).
///
/// Conversion, cell by cell and without inventing numbers:
/// - 21001 = the NVQ4+ count (T19:6); `!`/`~` (withheld) -> `Q` without a value, `-` -> `X`; a
///   count whose ± is `*` (unreliable) keeps its value with status `*`.
/// - 21002 = the sum of the seven T19 16-64 categories (the extract has no separate 16-64 total;
///   the API's denominator is all residents 16-64, the same population), `Q` when a category is
///   withheld, since the sum is then unknown.
/// - 21003 = 100 x ± count / denominator, rounded to 0.1 as Nomis publishes percentages; `Q`
///   when the ± or the denominator is not known.
pub fn aps_api_cells(extract_csv: &[u8]) -> Vec<Vec<String>> {
    use std::collections::BTreeMap;
    let mut reader = csv::Reader::from_reader(extract_csv);
    // (year, area code(s)) -> the area-year
    let mut groups: BTreeMap<(String, String), ApsGroup> = BTreeMap::new();
    for (line, r) in reader.records().enumerate() {
        let r = r.expect("APS record");
        let (date, area_type, name, codes, cell) = (&r[0], &r[1], &r[2], &r[3], &r[4]);
        if !["ladu", "country"].contains(&area_type) || codes.is_empty() {
            continue;
        }
        let Some(rest) = cell.strip_prefix("T19:") else {
            continue;
        };
        let Some((n, label)) = rest.split_once(' ') else {
            continue;
        };
        let Ok(n) = n.parse::<usize>() else { continue };
        if !(1..=7).contains(&n) || !label.contains("All people aged 16-64") {
            continue;
        }
        let year = date
            .strip_prefix("Jan ")
            .and_then(|d| d.split_once('-'))
            .map(|(y, _)| y.to_owned())
            .expect("Jan-Dec period");
        let g = groups.entry((year, codes.to_owned())).or_insert_with(|| {
            (
                line,
                name.to_owned(),
                area_type.to_owned(),
                Default::default(),
            )
        });
        g.3[n - 1] = Some((r[5].trim().to_owned(), r[7].trim().to_owned()));
    }
    let mut groups: Vec<_> = groups.into_iter().collect();
    groups.sort_by_key(|(_, g)| g.0);
    let mut out = Vec::new();
    for ((year, codes), (_, name, area_type, cells)) in groups {
        let Some((nvq4, pm)) = cells[5].clone() else {
            continue;
        };
        let count = |s: &str| s.parse::<f64>().ok();
        let total: Option<f64> = cells
            .iter()
            .map(|c| c.as_ref().and_then(|(v, _)| count(v)))
            .sum();
        let (num_value, num_status) = match nvq4.as_str() {
            "!" | "~" => (String::new(), "Q"),
            "-" => (String::new(), "X"),
            v if pm == "*" => (v.to_owned(), "*"),
            v => (v.to_owned(), "A"),
        };
        let (den_value, den_status) = match total {
            Some(t) => (format!("{t}"), "A"),
            None => (String::new(), "Q"),
        };
        let (conf_value, conf_status) = match (count(&nvq4), count(&pm), total) {
            (Some(_), Some(pm), Some(t)) if t > 0.0 => {
                (format!("{:.1}", (1000.0 * pm / t).round() / 10.0), "A")
            }
            _ => (String::new(), "Q"),
        };
        let (type_name, type_code) = if area_type == "country" {
            ("countries", "499")
        } else {
            (
                "local authorities: district / unitary (as of April 2021)",
                "432",
            )
        };
        for code in codes.split(';').map(str::trim) {
            for (measure, measure_name, value, status) in [
                ("21001", "Numerator", &num_value, num_status),
                ("21002", "Denominator", &den_value, den_status),
                ("21003", "Confidence", &conf_value, conf_status),
            ] {
                out.push(vec![
                    format!("{year}-12"),
                    format!("Jan {year}-Dec {year}"),
                    format!("{year}-12"),
                    "date".into(),
                    "0".into(),
                    "0".into(),
                    "0".into(),
                    name.clone(),
                    code.to_owned(),
                    type_name.into(),
                    type_code.into(),
                    "0".into(),
                    "290".into(),
                    "% with NVQ4+ - aged 16-64".into(),
                    "290".into(),
                    "variable".into(),
                    "0".into(),
                    "0".into(),
                    measure.into(),
                    measure_name.into(),
                    value.clone(),
                    status.into(),
                    String::new(),
                    "F".into(),
                    "Free (free for publication)".into(),
                    format!("Nm-17d5e{code}d290d{measure}"),
                ]);
            }
        }
    }
    out
}

/// APS variable 1902 "% with RQF4+ - aged 16-64" for `dates` (from [`APS_RQF4_DATES`]), in the
/// Nomis API layout of [`aps_api_cells`].
///
/// **Synthetic test values, not Nomis data.** The RQF series starts in 2022 and is not in the
/// shared data, so the emulator makes it from the 2021 NVQ4+ cells (variable 290) of the same
/// areas: for the k-th date of [`APS_RQF4_DATES`] the numerator is the 2021 numerator x
/// (1.05 + 0.01 k), rounded; the denominator is the 2021 denominator (x 1.0); the confidence and
/// every status are copied. Areas: the districts (as type 424, "as of April 2023") and England.
pub fn aps_rqf4_cells(aps_290: &[Vec<String>], dates: &[&str]) -> Vec<Vec<String>> {
    let base: Vec<&Vec<String>> = aps_290
        .iter()
        .filter(|c| c[0] == "2021-12" && (c[10] == "432" || c[8] == "E92000001"))
        .collect();
    let mut out = Vec::new();
    for date in dates {
        let k = APS_RQF4_DATES.iter().position(|d| d == date).unwrap_or(0) as f64;
        let year = &date[..4];
        for cell in &base {
            let mut c = (*cell).clone();
            c[0] = (*date).to_owned();
            c[1] = format!("Jan {year}-Dec {year}");
            c[2] = (*date).to_owned();
            if c[10] == "432" {
                c[9] = "local authorities: district / unitary (as of April 2023)".into();
                c[10] = "424".into();
            }
            c[12] = "1902".into();
            c[13] = "% with RQF4+ - aged 16-64".into();
            c[14] = "1902".into();
            let factor = match c[18].as_str() {
                "21001" => Some(1.05 + 0.01 * k),
                "21002" => Some(1.0),
                _ => None,
            };
            if let (Some(f), Ok(v)) = (factor, c[20].parse::<f64>()) {
                c[20] = format!("{}", (v * f).round());
            }
            c[25] = format!("Nm-17d5e{}d1902d{}", c[8], c[18]);
            out.push(c);
        }
    }
    out
}

/// The Nomis data the emulator answers from.
pub(crate) struct Nomis {
    pub(crate) census_lad: Census,
    /// `None` in the sample, which has no LSOA table: `geography=TYPE151` then answers 404.
    pub(crate) census_lsoa: Option<Census>,
    /// Variable 290 in Nomis API layout (without RECORD_OFFSET/RECORD_COUNT).
    pub(crate) aps: Vec<Vec<String>>,
    /// A digest of the data served, the base of every Nomis ETag.
    fingerprint: String,
}

impl Nomis {
    pub(crate) fn load(dir: &Path) -> Nomis {
        let census_lad = crate::require(dir, "census/census2021_ts067_lad22.csv");
        let census_lsoa = read_data(dir, "census/census2021_ts067_lsoa21.csv");
        let aps_extract = crate::require(dir, "nomis/aps_qualifications_by_age_lad_2017_2021.csv");
        let mut digest = Sha256::new();
        digest.update(&census_lad);
        digest.update(census_lsoa.as_deref().unwrap_or_default());
        digest.update(&aps_extract);
        Nomis {
            census_lad: read_census(&census_lad, 2),
            census_lsoa: census_lsoa.map(|t| read_census(&t, 4)),
            aps: aps_api_cells(&aps_extract),
            fingerprint: hex::encode(digest.finalize()),
        }
    }

    /// Cell `i` of a census result (areas x `categories`), without the paging columns.
    fn census_cell(census: &Census, lsoa: bool, categories: &[usize], i: usize) -> Vec<String> {
        let (g, c) = (i / categories.len(), categories[i % categories.len()]);
        let (code, name, counts) = &census.rows[g];
        let (type_name, type_code, base) = if lsoa {
            ("2021 super output areas - lower layer", "151", 931_135_489)
        } else {
            ("2022 local authorities: districts", "154", 645_922_817)
        };
        vec![
            "2021".into(),
            "2021".into(),
            "2021".into(),
            "date".into(),
            "0".into(),
            "0".into(),
            (base + g).to_string(),
            name.clone(),
            code.clone(),
            type_name.into(),
            type_code.into(),
            g.to_string(),
            c.to_string(),
            TS067_CATEGORIES[c].to_owned(),
            c.to_string(),
            "Highest level of qualification".into(),
            "0".into(),
            c.to_string(),
            "20100".into(),
            "Value".into(),
            counts[c].to_string(),
            "A".into(),
            "Normal Value".into(),
            "F".into(),
            "Free (free for publication)".into(),
            format!("Nm-2084d1e{}d{c}d20100", base + g),
        ]
    }

    /// One page of `{dataset}.data.csv`. The ETag stands for the whole (unpaged) result: a digest of
    /// the data, the query (without paging and key) and the content faults.
    pub(crate) fn respond(
        &self,
        path: &str,
        q: &HashMap<String, String>,
        faults: &[FaultKind],
        offset: u64,
        limit: u64,
    ) -> Reply {
        let etag = {
            let content_faults: Vec<&FaultKind> =
                faults.iter().filter(|f| f.is_content()).collect();
            let mut d = Sha256::new();
            d.update(self.fingerprint.as_bytes());
            d.update(path.as_bytes());
            let mut pairs: Vec<_> = q
                .iter()
                .filter(|(k, _)| *k != "recordoffset" && *k != "uid")
                .collect();
            pairs.sort();
            d.update(format!("{pairs:?}{content_faults:?}").as_bytes());
            format!("\"{}\"", &hex::encode(d.finalize())[..16])
        };
        let mut header: Vec<String> = NOMIS_HEADER.iter().map(|s| (*s).to_owned()).collect();
        let rqf4;
        // (cells in the result, cell i)
        let cells: (usize, Box<dyn Fn(usize) -> Vec<String> + '_>) =
            if path == crate::NOMIS_APS_PATH {
                for (i, name) in APS_DIMENSION.iter().enumerate() {
                    header[12 + i] = (*name).to_owned();
                }
                match (
                    q.get("variable").map(String::as_str),
                    q.get("geography").map(String::as_str),
                ) {
                    (Some("290"), Some(_)) => (self.aps.len(), Box::new(|i| self.aps[i].clone())),
                    (Some("1902"), Some(geography)) => {
                        let mut wanted: Vec<&str> = geography.split(',').collect();
                        wanted.sort_unstable();
                        if wanted != ["2092957699", "TYPE424"] {
                            return Reply::text(404, "geography not available");
                        }
                        let Some(dates) = q
                            .get("date")
                            .map(|d| d.split(',').collect::<Vec<_>>())
                            .filter(|d| d.iter().all(|d| APS_RQF4_DATES.contains(d)))
                        else {
                            return Reply::text(400, "Date not available for this dataset");
                        };
                        rqf4 = aps_rqf4_cells(&self.aps, &dates);
                        (rqf4.len(), Box::new(|i| rqf4[i].clone()))
                    }
                    _ => return Reply::text(400, "bad variable or geography"),
                }
            } else {
                let (census, lsoa) = match q.get("geography").map(String::as_str) {
                    Some("TYPE154") => (&self.census_lad, false),
                    Some("TYPE151") => match &self.census_lsoa {
                        Some(c) => (c, true),
                        None => return Reply::text(404, "geography not available"),
                    },
                    _ => return Reply::text(400, "geography not available"),
                };
                let Some(categories) = q
                    .get("c2021_hiqual_8")
                    .and_then(|s| selection(s))
                    .filter(|c| !c.is_empty() && c.iter().all(|&i| i < 8))
                else {
                    return Reply::text(400, "bad c2021_hiqual_8 selection");
                };
                (
                    census.rows.len() * categories.len(),
                    Box::new(move |i| Nomis::census_cell(census, lsoa, &categories, i)),
                )
            };
        let mut count = cells.0 as u64;
        for f in faults {
            if let FaultKind::KeepRows { keep } = f {
                count = count.min(*keep as u64);
            }
        }
        let mut start = offset;
        if faults.contains(&FaultKind::SkipPage { offset: start }) {
            start += limit;
        }
        let mut page: Vec<Vec<String>> = (start..count.min(start.saturating_add(limit)))
            .map(|i| {
                let mut c = (cells.1)(i as usize);
                c.push(i.to_string());
                c.push(count.to_string());
                c
            })
            .collect();
        apply_row_faults(faults, &mut header, &mut page);
        Reply::File(crate::FileReply {
            body: write_csv(&header, &page),
            content_type: "text/csv; charset=utf-8",
            etag: crate::Etag::Given(etag),
            last_modified: crate::last_modified(),
            attachment: None,
            cache_control: None,
            gzip: false,
        })
    }
}

/// `0...7` or `0,1,6`.
fn selection(s: &str) -> Option<Vec<usize>> {
    if let Some((a, b)) = s.split_once("...") {
        let (a, b): (usize, usize) = (a.parse().ok()?, b.parse().ok()?);
        return Some((a..=b).collect());
    }
    s.split(',').map(|v| v.parse().ok()).collect()
}

const APS_DIMENSION: [&str; 6] = [
    "VARIABLE",
    "VARIABLE_NAME",
    "VARIABLE_CODE",
    "VARIABLE_TYPE",
    "VARIABLE_TYPECODE",
    "VARIABLE_SORTORDER",
];

const NOMIS_HEADER: [&str; 28] = [
    "DATE",
    "DATE_NAME",
    "DATE_CODE",
    "DATE_TYPE",
    "DATE_TYPECODE",
    "DATE_SORTORDER",
    "GEOGRAPHY",
    "GEOGRAPHY_NAME",
    "GEOGRAPHY_CODE",
    "GEOGRAPHY_TYPE",
    "GEOGRAPHY_TYPECODE",
    "GEOGRAPHY_SORTORDER",
    "C2021_HIQUAL_8",
    "C2021_HIQUAL_8_NAME",
    "C2021_HIQUAL_8_CODE",
    "C2021_HIQUAL_8_TYPE",
    "C2021_HIQUAL_8_TYPECODE",
    "C2021_HIQUAL_8_SORTORDER",
    "MEASURES",
    "MEASURES_NAME",
    "OBS_VALUE",
    "OBS_STATUS",
    "OBS_STATUS_NAME",
    "OBS_CONF",
    "OBS_CONF_NAME",
    "URN",
    "RECORD_OFFSET",
    "RECORD_COUNT",
];
