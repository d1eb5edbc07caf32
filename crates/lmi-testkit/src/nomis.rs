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

const TS063_CATEGORIES: [&str; 10] = [
    "Total: All usual residents aged 16 years and over in employment the week before the census",
    "1. Managers, directors and senior officials",
    "2. Professional occupations",
    "3. Associate professional and technical occupations",
    "4. Administrative and secretarial occupations",
    "5. Skilled trades occupations",
    "6. Caring, leisure and other service occupations",
    "7. Sales and customer service occupations",
    "8. Process, plant and machine operatives",
    "9. Elementary occupations",
];

/// A Census 2021 table the emulator serves from the bulk-layout files (one row per area, the
/// total and then the categories): its Nomis dataset, dimension and category labels.
pub(crate) struct CensusTable {
    /// `2084` for `NM_2084_1`.
    pub(crate) dataset: u32,
    /// The dimension's query parameter (`c2021_hiqual_8`); the CSV column is its upper case.
    pub(crate) dimension: &'static str,
    pub(crate) title: &'static str,
    pub(crate) categories: &'static [&'static str],
    /// The district and 2021 LSOA files under the data directory.
    pub(crate) lad_file: &'static str,
    pub(crate) lsoa_file: &'static str,
}

pub(crate) const TS067: CensusTable = CensusTable {
    dataset: 2084,
    dimension: "c2021_hiqual_8",
    title: "Highest level of qualification",
    categories: &TS067_CATEGORIES,
    lad_file: "census/census2021_ts067_lad22.csv",
    lsoa_file: "census/census2021_ts067_lsoa21.csv",
};

pub(crate) const TS063: CensusTable = CensusTable {
    dataset: 2080,
    dimension: "c2021_occ_10",
    title: "Occupation (current)",
    categories: &TS063_CATEGORIES,
    lad_file: "census/census2021_ts063_lad22.csv",
    lsoa_file: "census/census2021_ts063_lsoa21.csv",
};

impl CensusTable {
    pub(crate) fn path(&self) -> String {
        format!("/nomis/api/v01/dataset/NM_{}_1.data.csv", self.dataset)
    }
}

pub(crate) struct Census {
    pub(crate) rows: Vec<(String, String, Vec<u64>)>,
}

/// A bulk-layout table: `first_count` is the column of the total (then the other categories).
fn read_census(text: &[u8], first_count: usize, categories: usize) -> Census {
    let mut reader = csv::Reader::from_reader(text);
    let rows = reader
        .records()
        .map(|r| {
            let r = r.expect("census record");
            let counts = (0..categories)
                .map(|i| r[first_count + i].parse().expect("count"))
                .collect();
            (r[0].to_owned(), r[1].to_owned(), counts)
        })
        .collect();
    Census { rows }
}

/// One served census table: districts, and 2021 LSOAs when the data directory has them.
pub(crate) struct CensusData {
    pub(crate) table: &'static CensusTable,
    pub(crate) lad: Census,
    /// `None` in the sample, which has no LSOA tables: `geography=TYPE151` then answers 404.
    pub(crate) lsoa: Option<Census>,
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
    /// TS067 (`NM_2084_1`), then TS063 (`NM_2080_1`).
    pub(crate) census: Vec<CensusData>,
    /// UK Business Counts enterprises (`NM_142_1`), every cell of the web extract.
    pub(crate) ukbc: Vec<Vec<String>>,
    /// APS cell tables (`NM_17_1`): the cell codelist and every cell served.
    pub(crate) aps_cells: ApsCells,
    /// Census 2021 TS066 (`NM_2083_1`) by geography type.
    pub(crate) ts066: Ts066,
    pub(crate) population: Population,
    /// Datasets served from saved Nomis API results (BRES, Census TS060A).
    pub(crate) saved: Vec<SavedResult>,
    /// Variable 290 in Nomis API layout (without RECORD_OFFSET/RECORD_COUNT).
    pub(crate) aps: Vec<Vec<String>>,
    /// A digest of the data served, the base of every Nomis ETag.
    fingerprint: String,
    /// The cells of the last few queries that select by scanning a table, by query without its
    /// paging: a client pages through one answer, and scanning the table for every page made a
    /// fetch quadratic in its pages.
    selections: std::sync::Mutex<Vec<(String, Selected)>>,
}

/// The cells one query selected (`Err`: the status and text to answer with).
type Selected = std::sync::Arc<Result<Vec<Vec<String>>, (u16, String)>>;

/// (cells in the result, cell i).
type Cells<'a> = (usize, Box<dyn Fn(usize) -> Vec<String> + 'a>);

/// The cells of a selection, or the status and text to answer its error with.
fn cells_of(selected: &Selected) -> Result<Cells<'_>, (u16, &str)> {
    match &**selected {
        Ok(cells) => Ok((cells.len(), Box::new(|i| cells[i].clone()))),
        Err((status, text)) => Err((*status, text)),
    }
}

/// A scanning selection's rows, owned (to keep in `Nomis::selections`).
fn owned(
    rows: Result<Vec<&Vec<String>>, (u16, impl ToString)>,
) -> Result<Vec<Vec<String>>, (u16, String)> {
    rows.map(|rows| rows.into_iter().cloned().collect())
        .map_err(|(status, text)| (status, text.to_string()))
}

/// A served table's header with Nomis's paging columns after it.
fn paged(header: &[String]) -> Vec<String> {
    let mut header = header.to_vec();
    header.extend(["RECORD_OFFSET".to_owned(), "RECORD_COUNT".to_owned()]);
    header
}

/// How many selections `Nomis::selections` keeps (a refresh fetches a few sources at once).
const KEPT_SELECTIONS: usize = 8;

impl Nomis {
    pub(crate) fn load(dir: &Path) -> Nomis {
        let mut digest = Sha256::new();
        let mut census = Vec::new();
        for table in [&TS067, &TS063] {
            let lad = crate::require(dir, table.lad_file);
            let lsoa = read_data(dir, table.lsoa_file);
            digest.update(&lad);
            digest.update(lsoa.as_deref().unwrap_or_default());
            let n = table.categories.len();
            census.push(CensusData {
                table,
                lad: read_census(&lad, 2, n),
                lsoa: lsoa.map(|t| read_census(&t, 4, n)),
            });
        }
        let aps_extract = crate::require(dir, "nomis/aps_qualifications_by_age_lad_2017_2021.csv");
        let ukbc = crate::require(dir, UKBC_FILE);
        let t13a = crate::require(dir, T13A_FILE);
        let t09a = crate::require(dir, T09A_FILE);
        for bytes in [&aps_extract, &ukbc, &t13a, &t09a] {
            digest.update(bytes);
        }
        let ts066 = Ts066::load(dir, &mut digest);
        let population = Population::load(dir, &mut digest);
        let saved = SAVED_RESULTS
            .iter()
            .filter_map(|(dataset, files)| SavedResult::load(dir, dataset, files, &mut digest))
            .collect();
        Nomis {
            ts066,
            population,
            saved,
            census,
            ukbc: ukbc_api_cells(&ukbc),
            aps_cells: ApsCells::new(&t13a, &t09a),
            aps: aps_api_cells(&aps_extract),
            fingerprint: hex::encode(digest.finalize()),
            selections: std::sync::Mutex::new(Vec::new()),
        }
    }

    /// The cells `select` gives for the query `key` (path and parameters without the paging),
    /// from `selections` when a recent page of the same query selected them.
    fn selected(
        &self,
        key: &str,
        select: impl FnOnce() -> Result<Vec<Vec<String>>, (u16, String)>,
    ) -> Selected {
        {
            let mut kept = crate::lock(&self.selections);
            if let Some(i) = kept.iter().position(|(k, _)| k == key) {
                let hit = kept.remove(i);
                kept.push(hit.clone());
                return hit.1;
            }
        }
        // Scanned without the lock: the other sources' requests are answered meanwhile (a
        // client pages one query in order, so two scans of the same one are rare and harmless).
        let cells = std::sync::Arc::new(select());
        let mut kept = crate::lock(&self.selections);
        if !kept.iter().any(|(k, _)| k == key) {
            if kept.len() == KEPT_SELECTIONS {
                kept.remove(0);
            }
            kept.push((key.to_owned(), cells.clone()));
        }
        cells
    }

    /// Cell `i` of a census result (areas x `categories`), without the paging columns.
    fn census_cell(
        table: &CensusTable,
        census: &Census,
        lsoa: bool,
        categories: &[usize],
        i: usize,
    ) -> Vec<String> {
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
            table.categories[c].to_owned(),
            c.to_string(),
            table.title.into(),
            "0".into(),
            c.to_string(),
            "20100".into(),
            "Value".into(),
            counts[c].to_string(),
            "A".into(),
            "Normal Value".into(),
            "F".into(),
            "Free (free for publication)".into(),
            format!("Nm-{}d1e{}d{c}d20100", table.dataset, base + g),
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
        // The parameters without the paging: with the path, the key of the query's selection
        // and, with the content faults, of its ETag.
        let params = {
            let mut pairs: Vec<_> = q
                .iter()
                .filter(|(k, _)| *k != "recordoffset" && *k != "uid")
                .collect();
            pairs.sort();
            format!("{pairs:?}")
        };
        let query = format!("{path} {params}");
        let etag = {
            let content_faults: Vec<&FaultKind> =
                faults.iter().filter(|f| f.is_content()).collect();
            let mut d = Sha256::new();
            d.update(self.fingerprint.as_bytes());
            d.update(path.as_bytes());
            d.update(format!("{params}{content_faults:?}").as_bytes());
            format!("\"{}\"", &hex::encode(d.finalize())[..16])
        };
        let mut header: Vec<String> = NOMIS_HEADER.iter().map(|s| (*s).to_owned()).collect();
        let rqf4;
        // The queries answered by scanning a table: their header and the cells they select,
        // from `selections` when the last pages asked the same.
        let scanned: Option<(Vec<String>, Selected)> = if path == crate::NOMIS_UKBC_PATH {
            let cells = self.selected(&query, || owned(ukbc_select(&self.ukbc, q)));
            Some((nomis_header(&UKBC_DIMENSIONS), cells))
        } else if path == crate::NOMIS_APS_CELLS_PATH {
            let cells = self.selected(&query, || owned(self.aps_cells.select(q)));
            Some((nomis_header(&["CELL"]), cells))
        } else if path == crate::NOMIS_TS066_PATH {
            let cells = self.selected(&query, || owned(self.ts066.select(q)));
            Some((paged(&self.ts066.header), cells))
        } else if path == crate::NOMIS_POPULATION_PATH {
            let cells = self.selected(&query, || {
                let rows = self.population.select(q);
                rows.map_err(|(status, text)| (status, text.to_owned()))
            });
            Some((paged(&self.population.header), cells))
        } else {
            let saved = self.saved.iter().find(|d| d.path == path);
            saved.map(|saved| {
                let cells = self.selected(&query, || owned(saved.select(q)));
                (paged(&saved.header), cells)
            })
        };
        let cells: Cells = if let Some((scanned_header, selected)) = &scanned {
            header = scanned_header.clone();
            match cells_of(selected) {
                Ok(cells) => cells,
                Err((status, text)) => return Reply::text(status, text),
            }
        } else if path == crate::NOMIS_APS_PATH {
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
        } else if path == crate::NOMIS_APS_CELL_CODELIST_PATH {
            return Reply::json(self.aps_cells.codelist());
        } else {
            let Some(data) = self.census.iter().find(|c| c.table.path() == path) else {
                return Reply::text(404, "no such dataset");
            };
            let table = data.table;
            let column = table.dimension.to_uppercase();
            for (i, suffix) in ["", "_NAME", "_CODE", "_TYPE", "_TYPECODE", "_SORTORDER"]
                .iter()
                .enumerate()
            {
                header[12 + i] = format!("{column}{suffix}");
            }
            let (census, lsoa) = match q.get("geography").map(String::as_str) {
                Some("TYPE154") => (&data.lad, false),
                Some("TYPE151") => match &data.lsoa {
                    Some(c) => (c, true),
                    None => return Reply::text(404, "geography not available"),
                },
                _ => return Reply::text(400, "geography not available"),
            };
            let n = table.categories.len();
            let Some(categories) = q
                .get(table.dimension)
                .and_then(|s| selection(s))
                .filter(|c| !c.is_empty() && c.iter().all(|&i| i < n))
            else {
                return Reply::text(400, &format!("bad {} selection", table.dimension));
            };
            (
                census.rows.len() * categories.len(),
                Box::new(move |i| Nomis::census_cell(table, census, lsoa, &categories, i)),
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

/// The Nomis API CSV header for a dataset with these dimensions (upper case), before the paging
/// columns: DATE…, GEOGRAPHY…, each dimension's six columns, MEASURES…, URN.
fn nomis_header(dimensions: &[&str]) -> Vec<String> {
    const SUFFIXES: [&str; 6] = ["", "_NAME", "_CODE", "_TYPE", "_TYPECODE", "_SORTORDER"];
    let mut out = Vec::new();
    for d in ["DATE", "GEOGRAPHY"].iter().chain(dimensions) {
        out.extend(SUFFIXES.iter().map(|s| format!("{d}{s}")));
    }
    out.extend(
        [
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
        ]
        .map(str::to_owned),
    );
    out
}

/// Six columns of one dimension's value.
fn dimension_columns(code: &str, name: &str, kind: &str, sort: usize) -> [String; 6] {
    [
        code.to_owned(),
        name.to_owned(),
        code.to_owned(),
        kind.to_owned(),
        "0".into(),
        sort.to_string(),
    ]
}

/// The newest of `;`-joined GSS codes (issued in ascending order), as a current-geography query
/// (TYPE424) returns one area once.
fn newest(codes: &str) -> Option<&str> {
    codes
        .split(';')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .max()
}

/// The geography columns of an area of `geography=TYPE424,2092957699`.
fn april_2023_area(code: &str, name: &str, area_type: &str, sort: usize) -> [String; 6] {
    let (type_name, type_code) = if area_type == "country" {
        ("countries", "499")
    } else {
        (
            "local authorities: district / unitary (as of April 2023)",
            "424",
        )
    };
    [
        "0".into(),
        name.to_owned(),
        code.to_owned(),
        type_name.to_owned(),
        type_code.to_owned(),
        sort.to_string(),
    ]
}

/// Both parts of `geography=TYPE424,2092957699` (April 2023 districts and England), in any order.
fn is_districts_and_england(q: &HashMap<String, String>) -> bool {
    let mut wanted: Vec<&str> = q
        .get("geography")
        .map(|g| g.split(',').collect())
        .unwrap_or_default();
    wanted.sort_unstable();
    wanted == ["2092957699", "TYPE424"]
}

/// `1,5...7` -> [1, 5, 6, 7] (codes of a Nomis selection).
fn codes(s: &str) -> Option<Vec<u64>> {
    let mut out = Vec::new();
    for part in s.split(',') {
        match part.split_once("...") {
            Some((a, b)) => out.extend(a.trim().parse::<u64>().ok()?..=b.trim().parse().ok()?),
            None => out.push(part.trim().parse().ok()?),
        }
    }
    Some(out)
}

/// The tidied UK Business Counts web extract (relative to the data directory).
pub const UKBC_FILE: &str = "nomis/ukbc_enterprises_industry_sizeband_lad_2018_2022.csv";

const UKBC_DIMENSIONS: [&str; 3] = ["INDUSTRY", "EMPLOYMENT_SIZEBAND", "LEGAL_STATUS"];

/// `NM_142_1` industry codes: `37748736` all industries, `163577856 + N` broad industry group N
/// ("N : …", N = 1..18).
pub const UKBC_INDUSTRY_TOTAL: u64 = 37_748_736;
pub const UKBC_INDUSTRY_BASE: u64 = 163_577_856;

/// `NM_142_1` employment size bands: (code, the extract's column, Nomis's label).
const UKBC_BANDS: [(u64, &str); 5] = [
    (0, "Total"),
    (10, "Micro (0 to 9)"),
    (20, "Small (10 to 49)"),
    (30, "Medium-sized (50 to 249)"),
    (40, "Large (250+)"),
];

/// The UK Business Counts web extract (one row per year, industry and area, one column per size
/// band) as `NM_142_1` cells of `geography=TYPE424,2092957699&industry=…&employment_sizeband=…
/// &legal_status=0&measures=20100`: one cell per (year, area, industry, size band), each value as
/// in the extract. Districts and England only; an area whose code joins several historic codes
/// is served once under the newest (a current-geography query names each area once).
pub fn ukbc_api_cells(extract_csv: &[u8]) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_reader(extract_csv);
    let header: Vec<String> = reader
        .headers()
        .expect("UKBC header")
        .iter()
        .map(str::to_owned)
        .collect();
    let col = |name: &str| {
        header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("UKBC extract: no column {name}"))
    };
    let (date, industry, area_type, area_name, area_code) = (
        col("date"),
        col("industry"),
        col("area_type"),
        col("area_name"),
        col("area_code"),
    );
    let bands: Vec<usize> = UKBC_BANDS.iter().map(|(_, c)| col(c)).collect();
    let mut out = Vec::new();
    for (sort, r) in reader.records().enumerate() {
        let r = r.expect("UKBC record");
        let kind = &r[area_type];
        if !(kind == "ladu" || (kind == "country" && &r[area_code] == "E92000001")) {
            continue;
        }
        let Some(code) = newest(&r[area_code]) else {
            continue;
        };
        let label = &r[industry];
        let industry_code = if label == "Total" {
            UKBC_INDUSTRY_TOTAL
        } else {
            let n: u64 = label
                .split_once(" : ")
                .and_then(|(n, _)| n.trim().parse().ok())
                .unwrap_or_else(|| panic!("UKBC extract: industry {label}"));
            UKBC_INDUSTRY_BASE + n
        };
        let year = &r[date];
        for ((band, band_label), ix) in UKBC_BANDS.iter().zip(&bands) {
            let band_name = if *band == 0 {
                "Total".to_owned()
            } else {
                (*band_label).to_owned()
            };
            let mut cell = Vec::new();
            cell.extend(dimension_columns(year, year, "date", 0));
            cell.extend(april_2023_area(code, &r[area_name], kind, sort));
            cell.extend(dimension_columns(
                &industry_code.to_string(),
                label,
                "industry",
                0,
            ));
            cell.extend(dimension_columns(
                &band.to_string(),
                &band_name,
                "employment size band",
                0,
            ));
            cell.extend(dimension_columns("0", "Total", "legal status", 0));
            cell.extend([
                "20100".into(),
                "Value".into(),
                r[*ix].trim().to_owned(),
                "A".into(),
                "Normal Value".into(),
                "F".into(),
                "Free (free for publication)".into(),
                format!("Nm-142d1e{code}d{industry_code}d{band}d0d20100"),
            ]);
            out.push(cell);
        }
    }
    out
}

/// The cells of `NM_142_1` a query selects: every industry and size band it names, for districts
/// and England, legal status 0 (all), measure 20100, `date=latestMINUS4-latest` (the extract's
/// five years) or no date.
fn ukbc_select<'a>(
    cells: &'a [Vec<String>],
    q: &HashMap<String, String>,
) -> Result<Vec<&'a Vec<String>>, (u16, &'static str)> {
    if !is_districts_and_england(q) {
        return Err((404, "geography not available"));
    }
    if q.get("legal_status").map(String::as_str) != Some("0")
        || q.get("measures").map(String::as_str) != Some("20100")
    {
        return Err((400, "bad legal_status or measures"));
    }
    if !matches!(
        q.get("date").map(String::as_str),
        None | Some("latestMINUS4-latest")
    ) {
        return Err((400, "Date not available for this dataset"));
    }
    let (Some(industries), Some(bands)) = (
        q.get("industry").and_then(|s| codes(s)),
        q.get("employment_sizeband").and_then(|s| codes(s)),
    ) else {
        return Err((400, "bad industry or employment_sizeband"));
    };
    Ok(cells
        .iter()
        .filter(|c| {
            c[12].parse().is_ok_and(|i| industries.contains(&i))
                && c[18].parse().is_ok_and(|b| bands.contains(&b))
        })
        .collect())
}

/// The tidied APS web extracts of tables T13a (industry) and T09a (occupation).
pub const T13A_FILE: &str = "nomis/aps_industry_t13a_lad_2018_2022.csv";
pub const T09A_FILE: &str = "nomis/aps_occupation_t09a_lad_2017_2021.csv";

/// APS T09b (SOC 2020 sub-major groups), **synthetic test values, not Nomis data**: the shared
/// data has T09a (SOC 2010, to Jan-Dec 2021) only. Label `T09b:{n} (All people - {group} (SOC2020)
/// : All people )` with n = 1, 4, …, 76 and the 26 SOC 2020 group names; values made from the
/// last T09a year's cells of the same areas: the k-th group from T09a cell min(1 + 3k, 73), for
/// that year and the three after it, x (1 + 0.02 j + 0.005 k) rounded to 100 in year j; statuses
/// copied. Returns (label, rows) with the T09a cell's id still in the rows.
fn t09b_cells(t09a_and_others: &[Vec<String>]) -> Vec<(String, Vec<Vec<String>>)> {
    let t09a: Vec<&Vec<String>> = t09a_and_others
        .iter()
        .filter(|c| c[13].starts_with("T09a:"))
        .collect();
    let Some(last) = t09a.iter().map(|c| c[0].clone()).max() else {
        return Vec::new();
    };
    let year: u32 = last[..4].parse().expect("YYYY-12");
    let number = |label: &str| -> Option<u32> {
        let rest = label.strip_prefix("T09a:")?;
        rest.split(' ').next()?.parse().ok()
    };
    lmi_core::breakdown::APS_OCCUPATION_SOC2020_PARTS
        .iter()
        .enumerate()
        .map(|(k, part)| {
            let n = 1 + 3 * k as u32;
            let group = part.label.split_once(' ').map_or(part.label, |(_, g)| g);
            let label = format!("T09b:{n} (All people - {group} (SOC2020) : All people )");
            let from = n.min(73);
            let mut rows = Vec::new();
            for j in 0..4u32 {
                let y = year + j;
                for c in t09a
                    .iter()
                    .filter(|c| c[0] == last && number(&c[13]) == Some(from))
                {
                    let mut r = (*c).clone();
                    r[0] = format!("{y}-12");
                    r[1] = format!("Jan {y}-Dec {y}");
                    r[2] = r[0].clone();
                    if let Ok(v) = r[20].parse::<f64>() {
                        let f = 1.0 + 0.02 * f64::from(j) + 0.005 * k as f64;
                        r[20] = format!("{}", (v * f / 100.0).round() * 100.0);
                    }
                    rows.push(r);
                }
            }
            (label, rows)
        })
        .collect()
}

/// The emulator's `NM_17_1` cell ids: its own numbering (`APS_CELL_BASE + k` for the k-th label),
/// never Nomis's. Catalogue entries find cells by label, so no id is ever written down.
pub const APS_CELL_BASE: u64 = 400_000_000;

/// APS cell tables of `NM_17_1`: the `cell` codelist and the data cells behind it.
pub(crate) struct ApsCells {
    /// (id, description) in codelist order.
    pub(crate) codelist: Vec<(u64, String)>,
    /// Data cells (`CELL` at column 12), without the paging columns.
    pub(crate) cells: Vec<Vec<String>>,
}

impl ApsCells {
    /// From the T13a and T09a extracts: every cell label they hold becomes a codelist entry
    /// served with data (`All people` cells). Beside each, the codelist lists a `Males` cell
    /// (the next cell number, no data served): **synthetic codelist entries**, so that a
    /// selection by label is tested against labels it must not take.
    fn new(t13a: &[u8], t09a: &[u8]) -> ApsCells {
        let mut codelist: Vec<(u64, String)> = Vec::new();
        let mut cells = Vec::new();
        for extract in [t13a, t09a] {
            let mut reader = csv::Reader::from_reader(extract);
            for (sort, r) in reader.records().enumerate() {
                let r = r.expect("APS record");
                let (date, area_type, name, area_codes, label) =
                    (&r[0], &r[1], &r[2], &r[3], &r[4]);
                let label = label.trim();
                let id = match codelist.iter().find(|(_, l)| l == label) {
                    Some((id, _)) => *id,
                    None => {
                        let id = APS_CELL_BASE + codelist.len() as u64;
                        codelist.push((id, label.to_owned()));
                        id
                    }
                };
                if !(area_type == "ladu" || (area_type == "country" && area_codes == "E92000001")) {
                    continue;
                }
                let Some(code) = newest(area_codes) else {
                    continue;
                };
                let Some(year) = date
                    .strip_prefix("Jan ")
                    .and_then(|d| d.split_once('-'))
                    .map(|(y, _)| y.to_owned())
                else {
                    continue;
                };
                let (number, pm) = (r[5].trim(), r[7].trim());
                let (value, status) = match number {
                    "!" | "~" => (String::new(), "Q"),
                    "-" => (String::new(), "X"),
                    v if pm == "*" => (v.to_owned(), "*"),
                    v => (v.to_owned(), "A"),
                };
                let mut cell = Vec::new();
                cell.extend(dimension_columns(
                    &format!("{year}-12"),
                    &format!("Jan {year}-Dec {year}"),
                    "date",
                    0,
                ));
                cell.extend(april_2023_area(code, name, area_type, sort));
                cell.extend(dimension_columns(&id.to_string(), label, "cell", 0));
                cell.extend([
                    "20100".into(),
                    "Value".into(),
                    value,
                    status.into(),
                    String::new(),
                    "F".into(),
                    "Free (free for publication)".into(),
                    format!("Nm-17d1e{code}d{id}d20100"),
                ]);
                cells.push(cell);
            }
        }
        let t09b = t09b_cells(&cells);
        for (label, rows) in t09b {
            let id = APS_CELL_BASE + codelist.len() as u64;
            for mut row in rows {
                row[12] = id.to_string();
                row[13] = label.clone();
                row[14] = id.to_string();
                row[25] = format!("Nm-17d1e{}d{id}d20100", row[8]);
                cells.push(row);
            }
            codelist.push((id, label));
        }
        let decoys: Vec<(u64, String)> = codelist
            .iter()
            .filter_map(|(_, label)| {
                let (table, rest) = label.split_once(':')?;
                let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                let n: u32 = digits.parse().ok()?;
                let males = rest[digits.len()..].replace("All people", "Males");
                Some(format!("{table}:{}{males}", n + 1))
            })
            .enumerate()
            .map(|(k, l)| (APS_CELL_BASE + 10_000 + k as u64, l))
            .collect();
        codelist.extend(decoys);
        ApsCells { codelist, cells }
    }

    /// `/api/v01/dataset/NM_17_1/cell/def.sdmx.json`: the shape nomisr reads
    /// (`structure.codelists.codelist[].code[]`, each with `value`, `description.value` and
    /// annotations).
    fn codelist(&self) -> serde_json::Value {
        let code: Vec<serde_json::Value> = self
            .codelist
            .iter()
            .map(|(id, label)| {
                serde_json::json!({
                    "annotations": { "annotation": [{ "annotationtext": 0, "annotationtitle": "Status" }] },
                    "description": { "value": label, "lang": "en" },
                    "value": id,
                })
            })
            .collect();
        serde_json::json!({
            "structure": {
                "header": { "id": "none", "test": "false", "prepared": "2023-03-29T09:30:00Z" },
                "codelists": { "codelist": [{
                    "agencyid": "NOMIS",
                    "id": "CL_17_1_CELL",
                    "name": { "value": "cell", "lang": "en" },
                    "version": "1.0",
                    "code": code,
                }] },
            }
        })
    }

    /// The cells of `NM_17_1` a query selects: `cell` ids, `date` codes `YYYY-12` (those the
    /// extracts have; none of them is 400), districts and England, measure 20100.
    fn select(
        &self,
        q: &HashMap<String, String>,
    ) -> Result<Vec<&Vec<String>>, (u16, &'static str)> {
        if !is_districts_and_england(q) {
            return Err((404, "geography not available"));
        }
        if q.get("measures").map(String::as_str) != Some("20100") {
            return Err((400, "bad measures"));
        }
        let Some(wanted) = q.get("cell").and_then(|s| codes(s)) else {
            return Err((400, "bad cell selection"));
        };
        let dates: Vec<&str> = q
            .get("date")
            .map(|d| d.split(',').collect())
            .unwrap_or_default();
        let out: Vec<&Vec<String>> = self
            .cells
            .iter()
            .filter(|c| {
                dates.contains(&c[0].as_str()) && c[12].parse().is_ok_and(|i| wanted.contains(&i))
            })
            .collect();
        if out.is_empty() {
            return Err((400, "Date not available for this dataset"));
        }
        Ok(out)
    }
}

/// Census 2021 TS066 files already in the Nomis API layout: upper tier (real and sample),
/// districts (the sample only: synthetic) and 2021 LSOAs (neither has one).
pub const TS066_FILES: [&str; 3] = [
    "census/census2021_ts066_utla23_nomis_api.csv",
    "census/census2021_ts066_lad22_nomis_api.csv",
    "census/census2021_ts066_lsoa21_nomis_api.csv",
];

/// `NM_2083_1` (TS066) served from the API-layout files under the data directory, by geography
/// type: `geography=TYPE{GEOGRAPHY_TYPECODE}` answers the rows of that type (423 upper tier,
/// 154 districts, 151 LSOAs), filtered by the `c2021_eastat_20` and `measures` selections, and
/// paged again; a type no file has answers 404.
pub(crate) struct Ts066 {
    /// The files' header without the paging columns.
    pub(crate) header: Vec<String>,
    /// Geography type code -> rows (without the paging columns).
    pub(crate) by_type: std::collections::BTreeMap<String, Vec<Vec<String>>>,
}

impl Ts066 {
    fn load(dir: &Path, digest: &mut Sha256) -> Ts066 {
        let mut header = Vec::new();
        let mut by_type: std::collections::BTreeMap<String, Vec<Vec<String>>> =
            std::collections::BTreeMap::new();
        for file in TS066_FILES {
            let Some(bytes) = read_data(dir, file) else {
                continue;
            };
            digest.update(&bytes);
            let (h, rows) = crate::read_csv(&bytes);
            let type_ix = h
                .iter()
                .position(|c| c == "GEOGRAPHY_TYPECODE")
                .expect("TS066: GEOGRAPHY_TYPECODE");
            let keep = h.len() - 2;
            assert_eq!(&h[keep..], ["RECORD_OFFSET", "RECORD_COUNT"], "{file}");
            header = h[..keep].to_vec();
            for mut r in rows {
                r.truncate(keep);
                by_type.entry(r[type_ix].clone()).or_default().push(r);
            }
        }
        Ts066 { header, by_type }
    }

    fn select(
        &self,
        q: &HashMap<String, String>,
    ) -> Result<Vec<&Vec<String>>, (u16, &'static str)> {
        let Some(rows) = q
            .get("geography")
            .and_then(|g| g.strip_prefix("TYPE"))
            .and_then(|t| self.by_type.get(t))
        else {
            return Err((404, "geography not available"));
        };
        let col = |name: &str| self.header.iter().position(|c| c == name);
        let (Some(category_ix), Some(measure_ix)) = (col("C2021_EASTAT_20"), col("MEASURES"))
        else {
            return Err((500, "TS066 file without C2021_EASTAT_20 or MEASURES"));
        };
        let (Some(categories), Some(measures)) = (
            q.get("c2021_eastat_20").and_then(|s| codes(s)),
            q.get("measures").and_then(|s| codes(s)),
        ) else {
            return Err((400, "bad c2021_eastat_20 or measures selection"));
        };
        Ok(rows
            .iter()
            .filter(|r| {
                r[category_ix]
                    .parse()
                    .is_ok_and(|c| categories.contains(&c))
                    && r[measure_ix].parse().is_ok_and(|m| measures.contains(&m))
            })
            .collect())
    }
}

/// Mid-year population estimates aged 16-64 in the Nomis API layout (the sample only: no real
/// file is held). The layout is built from the documented query, not confirmed from a real answer.
pub const POPULATION_FILE: &str = "nomis/population_16_64_lad_2016_2022_nomis_api.csv";

/// `NM_2002_1` served from [`POPULATION_FILE`]: `geography=TYPE424,2092957699` only (districts
/// as of April 2023 and England), `date` as `latest`, `latestMINUSn-latest` or years, and the
/// `gender`, `c_age` and `measures` selections; without the file every query answers 404.
pub(crate) struct Population {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Population {
    fn load(dir: &Path, digest: &mut Sha256) -> Population {
        let Some(bytes) = read_data(dir, POPULATION_FILE) else {
            return Population {
                header: Vec::new(),
                rows: Vec::new(),
            };
        };
        digest.update(&bytes);
        let (mut header, mut rows) = crate::read_csv(&bytes);
        let keep = header.len() - 2;
        assert_eq!(&header[keep..], ["RECORD_OFFSET", "RECORD_COUNT"]);
        header.truncate(keep);
        for r in &mut rows {
            r.truncate(keep);
        }
        Population { header, rows }
    }

    /// Rows asked for, in the file's order.
    pub(crate) fn select(
        &self,
        q: &HashMap<String, String>,
    ) -> Result<Vec<Vec<String>>, (u16, &'static str)> {
        if self.rows.is_empty() || !is_districts_and_england(q) {
            return Err((404, "geography not available"));
        }
        let col = |name: &str| self.header.iter().position(|c| c == name).unwrap_or(0);
        let (date_ix, gender_ix, age_ix, measure_ix) =
            (col("DATE"), col("GENDER"), col("C_AGE"), col("MEASURES"));
        let mut years: Vec<&str> = self.rows.iter().map(|r| r[date_ix].as_str()).collect();
        years.sort_unstable();
        years.dedup();
        let dates = q
            .get("date")
            .and_then(|d| date_selection(d, &years))
            .ok_or((400, "Date not available for this dataset"))?;
        let pick = |name: &str| q.get(name).and_then(|s| codes(s));
        let (Some(genders), Some(ages), Some(measures)) =
            (pick("gender"), pick("c_age"), pick("measures"))
        else {
            return Err((400, "bad gender, c_age or measures selection"));
        };
        let has = |r: &Vec<String>, ix: usize, wanted: &[u64]| {
            r[ix].parse().is_ok_and(|c: u64| wanted.contains(&c))
        };
        Ok(self
            .rows
            .iter()
            .filter(|r| {
                dates.contains(&r[date_ix].as_str())
                    && has(r, gender_ix, &genders)
                    && has(r, age_ix, &ages)
                    && has(r, measure_ix, &measures)
            })
            .cloned()
            .collect())
    }
}

/// Nomis `date`: `latest`, `latestMINUS6-latest` or a comma list of the dates held.
fn date_selection<'a>(date: &str, held: &[&'a str]) -> Option<Vec<&'a str>> {
    let back = |s: &str| -> Option<usize> {
        match s {
            "latest" => Some(0),
            _ => s.strip_prefix("latestMINUS")?.parse().ok(),
        }
    };
    if let Some((from, "latest")) = date.split_once('-') {
        let n = back(from)?;
        return (n < held.len()).then(|| held[held.len() - 1 - n..].to_vec());
    }
    if date == "latest" {
        return held.last().map(|d| vec![*d]);
    }
    date.split(',')
        .map(|d| held.iter().find(|h| **h == d).copied())
        .collect()
}

/// Datasets served from saved Nomis API results under the data directory (every file of a
/// dataset that exists; a dataset with none is not served): `NM_189_1` (BRES open access: the
/// sample's synthetic districts + England; the real data has no such file) and `NM_2017_1`
/// (Census 2021 TS060A: the sample's synthetic districts; no LSOA file anywhere).
pub const SAVED_RESULTS: [(&str, &[&str]); 2] = [
    ("NM_189_1", &["nomis/bres_lad_nomis_api.csv"]),
    (
        "NM_2017_1",
        &[
            "census/census2021_ts060a_lad22_nomis_api.csv",
            "census/census2021_ts060a_lsoa21_nomis_api.csv",
        ],
    ),
];

/// One dataset answered from saved results as Nomis answers a query: `geography` is a comma list
/// of `TYPE{GEOGRAPHY_TYPECODE}` and `2092957699` (England); `date` is `latest`,
/// `latestMINUS{n}-latest` (the newest n + 1 dates) or absent (latest); every other parameter
/// names a dimension column (upper-cased) and selects its codes (`1,4`, `0...18`). A parameter
/// naming no column, or a geography type no file has, is refused (400 / 404).
pub(crate) struct SavedResult {
    pub(crate) path: String,
    /// The files' header without the paging columns.
    pub(crate) header: Vec<String>,
    pub(crate) rows: Vec<Vec<String>>,
}

impl SavedResult {
    fn load(dir: &Path, dataset: &str, files: &[&str], digest: &mut Sha256) -> Option<SavedResult> {
        let mut header: Vec<String> = Vec::new();
        let mut rows = Vec::new();
        for file in files {
            let Some(bytes) = read_data(dir, file) else {
                continue;
            };
            digest.update(&bytes);
            let (h, file_rows) = crate::read_csv(&bytes);
            let keep = h.len() - 2;
            assert_eq!(&h[keep..], ["RECORD_OFFSET", "RECORD_COUNT"], "{file}");
            if !header.is_empty() {
                assert_eq!(header, h[..keep], "{file}: another header");
            }
            header = h[..keep].to_vec();
            rows.extend(file_rows.into_iter().map(|mut r| {
                r.truncate(keep);
                r
            }));
        }
        (!rows.is_empty()).then(|| SavedResult {
            path: format!("/nomis/api/v01/dataset/{dataset}.data.csv"),
            header,
            rows,
        })
    }

    /// Rows of `GEOGRAPHY_TYPECODE` `type_code` (`424` districts) whose `column` code satisfies
    /// `keep`.
    pub(crate) fn count(&self, type_code: &str, column: &str, keep: impl Fn(u64) -> bool) -> u64 {
        let (t, c) = (self.col("GEOGRAPHY_TYPECODE"), self.col(column));
        self.rows
            .iter()
            .filter(|r| r[t] == type_code && r[c].parse().is_ok_and(&keep))
            .count() as u64
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|c| c == name)
            .unwrap_or_else(|| panic!("{}: no column {name}", self.path))
    }

    fn select(&self, q: &HashMap<String, String>) -> Result<Vec<&Vec<String>>, (u16, String)> {
        let (type_ix, code_ix, date_ix) = (
            self.col("GEOGRAPHY_TYPECODE"),
            self.col("GEOGRAPHY_CODE"),
            self.col("DATE"),
        );
        let Some(geography) = q.get("geography") else {
            return Err((400, "geography missing".into()));
        };
        let mut types = Vec::new();
        let mut england = false;
        for part in geography.split(',') {
            match part.strip_prefix("TYPE") {
                Some(t) if self.rows.iter().any(|r| r[type_ix] == t) => types.push(t),
                Some(_) => return Err((404, "geography not available".into())),
                None if part == "2092957699" => england = true,
                None => return Err((400, format!("geography {part} not emulated"))),
            }
        }
        let mut dates: Vec<&str> = self.rows.iter().map(|r| r[date_ix].as_str()).collect();
        dates.sort_unstable();
        dates.dedup();
        let newest = match q.get("date").map(String::as_str) {
            None | Some("latest") => 1,
            Some(d) => match d
                .strip_prefix("latestMINUS")
                .and_then(|d| d.strip_suffix("-latest"))
                .and_then(|n| n.parse::<usize>().ok())
            {
                Some(n) => n + 1,
                None => return Err((400, "Date not available for this dataset".into())),
            },
        };
        let dates = &dates[dates.len().saturating_sub(newest)..];
        let mut filters = Vec::new();
        for (key, value) in q {
            if ["geography", "date", "recordoffset", "uid"].contains(&key.as_str()) {
                continue;
            }
            let column = key.to_uppercase();
            let Some(ix) = self.header.iter().position(|c| *c == column) else {
                return Err((400, format!("unknown parameter {key}")));
            };
            let Some(wanted) = codes(value) else {
                return Err((400, format!("bad {key} selection")));
            };
            filters.push((ix, wanted));
        }
        Ok(self
            .rows
            .iter()
            .filter(|r| {
                (types.contains(&r[type_ix].as_str()) || (england && r[code_ix] == "E92000001"))
                    && dates.contains(&r[date_ix].as_str())
                    && filters
                        .iter()
                        .all(|(ix, wanted)| r[*ix].parse().is_ok_and(|c| wanted.contains(&c)))
            })
            .collect())
    }
}
