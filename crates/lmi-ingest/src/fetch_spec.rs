//! The `[source.fetch]` section of a catalogue entry, parsed into one variant per publisher so
//! an entry that cannot be fetched cannot be built.
//!
//! Entries name what a person would look for on the publisher's site (a Nomis query, an EES
//! publication and data set title, an Explore Local Statistics indicator), never the ids a
//! publisher assigns per release: those are discovered on every run (see [`super::discover`]).

use regex::Regex;
use serde::Deserialize;
use std::collections::BTreeMap;

/// How `lmi refresh` fetches one source.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum FetchSpec {
    /// Nomis API CSV (`{nomis}/api/v01/dataset/{dataset}.data.csv?{query}`), paged.
    Nomis(NomisSpec),
    /// A data set file of the latest (or a pinned) release of a DfE Explore Education
    /// Statistics publication.
    Ees(EesSpec),
    /// An ONS Explore Local Statistics series, found in the ELS data repository by its metadata.
    Els(ElsSpec),
    /// Any other CSV URL, used as is.
    Http(HttpSpec),
    /// A layer of an ONS Open Geography Portal feature service (ArcGIS), every row as JSON.
    Arcgis(ArcgisSpec),
    /// Files of a public GitHub repository (DfE's dashboard repositories), listed by the
    /// repository's tree each run; a file's blob id tells whether it changed.
    #[serde(rename = "github")]
    GitHub(GitHubSpec),
    /// A file of an ONS dataset page: the current edition's link, found on the page each run.
    OnsDataset(OnsDatasetSpec),
}

/// An Open Geography Portal lookup: `{geography}/{service}/FeatureServer/{layer}/query` with
/// `where=1=1&outFields=*&f=json`, as DfE's own code asks it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ArcgisSpec {
    /// The feature service's name, e.g. `LAD25_LSIP25_EN_LU`.
    pub service: String,
    #[serde(default)]
    pub layer: u32,
    /// Page with `resultOffset` and `resultRecordCount` (this many rows a request) while the
    /// answer says `exceededTransferLimit: true`, for layers larger than one answer (the
    /// postcode directory); unset, the layer is asked for once.
    #[serde(default)]
    pub page_size: Option<u32>,
}

/// An ONS dataset page (`https://www.ons.gov.uk{page}`) and the name of the file to read from
/// its current edition; the edition (e.g. `january2017tojuly2026`) is discovered from the page's
/// `/file?uri={page}/{edition}/{file}` link, never stored.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OnsDatasetSpec {
    /// The page's path, starting `/`.
    pub page: String,
    /// The file's name in every edition.
    pub file: String,
    #[serde(default)]
    pub required_columns: Vec<String>,
}

/// Files of a GitHub repository: one path, or every path matching a pattern (at least one).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GitHubSpec {
    /// `owner/name`.
    pub repository: String,
    pub branch: String,
    /// The file's path in the repository.
    #[serde(default)]
    pub path: Option<String>,
    /// A regular expression every file's whole path must match (anchored here).
    #[serde(default)]
    pub path_pattern: Option<TitlePattern>,
    #[serde(default)]
    pub required_columns: Vec<String>,
}

impl GitHubSpec {
    /// Whether a repository path is one this entry reads.
    pub fn matches(&self, path: &str) -> bool {
        match (&self.path, &self.path_pattern) {
            (Some(p), _) => p == path,
            (None, Some(re)) => {
                re.0.find(path)
                    .is_some_and(|m| m.start() == 0 && m.end() == path.len())
            }
            (None, None) => false,
        }
    }

    /// What the entry asks for, as written in the catalogue.
    pub fn describe(&self) -> String {
        match (&self.path, &self.path_pattern) {
            (Some(p), _) => format!("path `{p}`"),
            (None, Some(re)) => format!("paths matching `{}`", re.0.as_str()),
            (None, None) => "no path".into(),
        }
    }
}

/// A Nomis dataset and one or more queries of it; each query is paged separately and every
/// cell goes through the same measure mapping.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NomisSpec {
    pub dataset: String,
    /// Human label of the release fetched (e.g. `Census 2021`), recorded in the provenance.
    pub release_label: String,
    /// Query parameters, one table per query: `geography`, `date`, `measures` and dimension
    /// selections. Several queries serve a series whose definition changed (APS NVQ to RQF).
    pub queries: Vec<BTreeMap<String, String>>,
    /// Columns the served file must have (checked before parsing).
    #[serde(default)]
    pub required_columns: Vec<String>,
    /// The columns whose values pick the measure id (joined with `:` when several).
    pub measure_from: Vec<String>,
    /// Value(s) of `measure_from` -> measure id in the observations table.
    pub measures: BTreeMap<String, String>,
    /// The column holding the period label (default `DATE`).
    #[serde(default)]
    pub period_from: Option<String>,
    /// How the period label is normalised (default: as published).
    #[serde(default)]
    pub period_format: PeriodFormat,
    /// Measures computed from two mapped measures after parsing (e.g. a ± in counts from a ±
    /// in percentage points and the denominator).
    #[serde(default)]
    pub derive: Vec<Derive>,
    /// Codes of one dimension chosen by label from the dataset's codelist on every run (Nomis
    /// gives APS tables no stable, published cell ids): see [`CellSelect`].
    #[serde(default)]
    pub cells: Option<Box<CellSelect>>,
    /// Codes whose published label is checked on every cell (codes chosen from third-party
    /// evidence whose labels were not confirmed): see [`LabelCheck`].
    #[serde(default)]
    pub labels: Option<Box<LabelCheck>>,
}

/// Every cell whose `{column}` value is a key of `contains` must have a `{column}_NAME` that
/// contains that text (case-insensitive), so a code that means something other than what it was
/// catalogued as fails the source, naming the code, the expected text and the published label.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LabelCheck {
    /// The dimension column (upper case, as in the CSV), e.g. `INDUSTRY`.
    pub column: String,
    /// Code -> text its label contains.
    pub contains: BTreeMap<String, String>,
}

/// Nomis dimension codes found by label: the codelist
/// `{nomis}/api/v01/dataset/{dataset}/{dimension}/def.sdmx.json` is read each run and every code
/// whose description contains `{table}:` and each of `label_contains` is chosen. The chosen codes
/// are asked for as `{dimension}={codes}` in every query, recorded in the provenance (`resolved`)
/// and mapped to `{measure_prefix}{n}`, where `n` is the cell number after `{table}:` in the label
/// (`T13a:7 (C Manufacturing …)` -> `aps_t13a_7`). Each returned `{DIMENSION}_NAME` must be the
/// label its code was chosen by.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellSelect {
    /// Dimension (query parameter, lower case; the CSV column is its upper case), e.g. `cell`.
    pub dimension: String,
    /// Table prefix in the label, without the colon, e.g. `T13a`.
    pub table: String,
    /// Further text every chosen label contains, e.g. `All people`.
    #[serde(default)]
    pub label_contains: Vec<String>,
    /// The cell numbers (after `{table}:`) the chosen labels must carry, exactly: the measures
    /// `{measure_prefix}{n}` the rest of lmi knows. Cells found with other numbers, or missing,
    /// fail the source naming both.
    pub numbers: Vec<u32>,
    pub measure_prefix: String,
    /// Measure id of the sum of the chosen cells per area and period, known only when every
    /// cell is (suppressed otherwise).
    #[serde(default)]
    pub total: Option<String>,
}

impl CellSelect {
    /// Whether a codelist description is one of the cells asked for.
    pub fn matches(&self, description: &str) -> bool {
        description.contains(&format!("{}:", self.table))
            && self.label_contains.iter().all(|t| description.contains(t))
    }

    /// The cell number after `{table}:` in a chosen label (`T13a:7 (…)` -> 7).
    pub fn cell_number(&self, description: &str) -> Option<u32> {
        let rest =
            &description[description.find(&format!("{}:", self.table))? + self.table.len() + 1..];
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        digits.parse().ok()
    }

    /// The measure id of a chosen label.
    pub fn measure(&self, description: &str) -> Option<String> {
        self.cell_number(description)
            .map(|n| format!("{}{n}", self.measure_prefix))
    }
}

/// A data set of a DfE Explore Education Statistics publication.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EesSpec {
    /// Publication slug, e.g. `key-stage-4-destination-measures`.
    pub publication: String,
    /// Which data set file of the release: by exact title or by a title pattern.
    pub data_set: DataSetMatch,
    /// A geographic level the data set must cover (`meta.geographicLevels`, e.g. `Local
    /// authority district`); separates the district file from national and institution files.
    #[serde(default)]
    pub geographic_level: Option<String>,
    /// Release slug to read instead of the latest (e.g. `2022-23`), for a format lmi cannot
    /// read yet.
    #[serde(default)]
    pub release: Option<String>,
    #[serde(default)]
    pub required_columns: Vec<String>,
}

/// How a data set is recognised in a release's list of data set files.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataSetMatch {
    /// The exact title (compared without regard to case or repeated spaces).
    Title(String),
    /// A regular expression the title must match (case-insensitive).
    TitlePattern(TitlePattern),
}

impl DataSetMatch {
    pub fn matches(&self, title: &str) -> bool {
        match self {
            DataSetMatch::Title(t) => normalise(t) == normalise(title),
            DataSetMatch::TitlePattern(p) => p.0.is_match(title),
        }
    }
}

impl std::fmt::Display for DataSetMatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DataSetMatch::Title(t) => write!(f, "titled `{t}`"),
            DataSetMatch::TitlePattern(p) => write!(f, "with a title matching `{}`", p.0.as_str()),
        }
    }
}

fn normalise(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// A case-insensitive title pattern, compiled when the catalogue is read.
#[derive(Debug, Clone, Deserialize)]
#[serde(try_from = "String")]
pub struct TitlePattern(pub Regex);

impl TryFrom<String> for TitlePattern {
    type Error = regex::Error;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        regex::RegexBuilder::new(&s)
            .case_insensitive(true)
            .build()
            .map(TitlePattern)
    }
}

impl PartialEq for TitlePattern {
    fn eq(&self, other: &Self) -> bool {
        self.0.as_str() == other.0.as_str()
    }
}

/// An ONS Explore Local Statistics series: the source's `indicator` (the CSV `indicator` value,
/// which the repository's metadata declares) is looked up in the data repository, so a renamed
/// folder is found again.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ElsSpec {
    #[serde(default)]
    pub required_columns: Vec<String>,
}

/// A CSV at a fixed URL.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpSpec {
    pub url: url::Url,
    pub release_label: String,
    #[serde(default)]
    pub required_columns: Vec<String>,
}

/// How a Nomis period label becomes the period lmi uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodFormat {
    /// The label as published (`2021` for the census).
    #[default]
    AsPublished,
    /// A 12-month period ending in December, Nomis date code `YYYY-12` (APS `Jan YYYY-Dec YYYY`)
    /// -> `YYYY`. Any other month is refused (the catalogue asks for December periods only).
    YearEndingDecember,
}

impl PeriodFormat {
    /// The normalised period, or None when the label is not of this format.
    pub fn normalise(self, label: &str) -> Option<String> {
        match self {
            PeriodFormat::AsPublished => Some(label.to_owned()),
            PeriodFormat::YearEndingDecember => {
                let year = label.strip_suffix("-12")?;
                (year.len() == 4 && year.bytes().all(|b| b.is_ascii_digit()))
                    .then(|| year.to_owned())
            }
        }
    }
}

/// `measure` = `from` x `times` x `factor`, per area and period, when both have a value. The
/// status is `from`'s. Both inputs stay in the observations.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Derive {
    pub measure: String,
    pub from: String,
    pub times: String,
    pub factor: f64,
}

impl FetchSpec {
    pub fn kind_name(&self) -> &'static str {
        match self {
            FetchSpec::Nomis(_) => "nomis",
            FetchSpec::Ees(_) => "ees",
            FetchSpec::Els(_) => "els",
            FetchSpec::Http(_) => "http",
            FetchSpec::Arcgis(_) => "arcgis",
            FetchSpec::GitHub(_) => "github",
            FetchSpec::OnsDataset(_) => "ons_dataset",
        }
    }

    pub fn required_columns(&self) -> &[String] {
        match self {
            FetchSpec::Nomis(s) => &s.required_columns,
            FetchSpec::Ees(s) => &s.required_columns,
            FetchSpec::Els(s) => &s.required_columns,
            FetchSpec::Http(s) => &s.required_columns,
            // JSON, not CSV: the format's parser checks the fields it needs.
            FetchSpec::Arcgis(_) => &[],
            FetchSpec::GitHub(s) => &s.required_columns,
            FetchSpec::OnsDataset(s) => &s.required_columns,
        }
    }

    /// Constraints serde cannot express; checked once when the catalogue is read.
    pub fn check(&self, source_id: &str) -> Result<(), String> {
        let empty = |field: &str| format!("source `{source_id}`: `{field}` must not be empty");
        match self {
            FetchSpec::Nomis(n) => {
                if n.dataset.trim().is_empty() {
                    return Err(empty("dataset"));
                }
                if n.measure_from.is_empty() || (n.measures.is_empty() && n.cells.is_none()) {
                    return Err(format!(
                        "source `{source_id}`: fetch kind `nomis` needs `measure_from` and a `measures` mapping"
                    ));
                }
                if n.queries.is_empty() {
                    return Err(empty("queries"));
                }
                if let Some(i) = n.queries.iter().position(|q| !q.contains_key("geography")) {
                    return Err(format!(
                        "source `{source_id}`: Nomis query {} needs `geography` (e.g. TYPE154 for 2022 districts)",
                        i + 1
                    ));
                }
                if let Some(c) = &n.cells {
                    let column = c.dimension.to_uppercase();
                    if c.numbers.is_empty() || !n.measure_from.contains(&column) {
                        return Err(format!(
                            "source `{source_id}`: `cells` needs `numbers` and `{column}` in `measure_from`"
                        ));
                    }
                    if n.queries.iter().any(|q| q.contains_key(&c.dimension)) {
                        return Err(format!(
                            "source `{source_id}`: `{}` is found by label (`cells`): a query must not name it",
                            c.dimension
                        ));
                    }
                }
                Ok(())
            }
            FetchSpec::Ees(e) => {
                if e.publication.trim().is_empty() {
                    return Err(empty("publication"));
                }
                Ok(())
            }
            FetchSpec::Els(_) => Ok(()),
            FetchSpec::Arcgis(a) => {
                if a.page_size == Some(0) {
                    return Err(format!(
                        "source `{source_id}`: `page_size` must be at least 1"
                    ));
                }
                if a.service.trim().is_empty() || a.service.contains('/') {
                    return Err(format!(
                        "source `{source_id}`: `service` must be a feature service name such as LAD25_LSIP25_EN_LU"
                    ));
                }
                Ok(())
            }
            FetchSpec::OnsDataset(o) => {
                if !o.page.starts_with('/') || o.page.contains("://") {
                    return Err(format!(
                        "source `{source_id}`: `page` must be a path on the ONS website starting `/`, found `{}`",
                        o.page
                    ));
                }
                if o.file.trim().is_empty() || o.file.contains('/') {
                    return Err(format!(
                        "source `{source_id}`: `file` must be a file name, found `{}`",
                        o.file
                    ));
                }
                Ok(())
            }
            FetchSpec::GitHub(g) => {
                let parts: Vec<&str> = g.repository.split('/').collect();
                if parts.len() != 2 || parts.iter().any(|p| p.is_empty()) {
                    return Err(format!(
                        "source `{source_id}`: repository must be `owner/name`, found `{}`",
                        g.repository
                    ));
                }
                if g.branch.trim().is_empty() {
                    return Err(empty("branch"));
                }
                if g.path.is_some() == g.path_pattern.is_some() {
                    return Err(format!(
                        "source `{source_id}`: fetch kind `github` needs exactly one of `path` and `path_pattern`"
                    ));
                }
                Ok(())
            }
            FetchSpec::Http(h) => match h.url.scheme() {
                "http" | "https" => Ok(()),
                other => Err(format!(
                    "source `{source_id}`: url must be http or https, found `{other}:`"
                )),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_ees_entry_names_a_publication_and_a_title_pattern() {
        let spec: FetchSpec = toml::from_str(
            r#"
kind = "ees"
publication = "key-stage-4-destination-measures"
data_set = { title_pattern = "^key stage 4 leavers.*destinations$" }
geographic_level = "Local authority district"
"#,
        )
        .unwrap();
        let FetchSpec::Ees(e) = &spec else {
            panic!("{spec:?}")
        };
        assert!(
            e.data_set
                .matches("Key stage 4 leavers local authority level destinations")
        );
        assert!(
            !e.data_set
                .matches("Key stage 4 destinations by pupil characteristic")
        );
        assert!(spec.check("s").is_ok());
    }

    #[test]
    fn a_bad_pattern_or_a_stray_field_is_refused_when_the_catalogue_is_read() {
        let err = toml::from_str::<FetchSpec>(
            "kind = \"ees\"\npublication = \"p\"\ndata_set = { title_pattern = \"(\" }\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("regex") || err.contains("unclosed"), "{err}");
        let err = toml::from_str::<FetchSpec>(
            "kind = \"ees\"\npublication = \"p\"\ndata_set = { title = \"t\" }\nfile = \"x\"\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("unknown field `file`"), "{err}");
    }

    #[test]
    fn a_nomis_query_without_geography_is_refused() {
        let spec: FetchSpec = toml::from_str(
            r#"
kind = "nomis"
dataset = "NM_2084_1"
release_label = "Census 2021"
queries = [{ date = "latest" }]
measure_from = ["C2021_HIQUAL_8"]
measures = { "0" = "ts067_total" }
"#,
        )
        .unwrap();
        assert!(spec.check("s").unwrap_err().contains("geography"));
    }

    #[test]
    fn a_github_entry_names_one_path_or_a_whole_path_pattern() {
        let spec: FetchSpec = toml::from_str(
            r#"
kind = "github"
repository = "dfe-analytical-services/lsip_dashboard"
branch = "main"
path_pattern = "Data/2-13_skillsImperative2035/[A-Z]{2}_(LSIP|MCA)_MainTables\\.Main\\.xlsm"
"#,
        )
        .unwrap();
        assert!(spec.check("s").is_ok());
        let FetchSpec::GitHub(g) = &spec else {
            panic!("{spec:?}")
        };
        assert!(g.matches("Data/2-13_skillsImperative2035/LA_LSIP_MainTables.Main.xlsm"));
        assert!(!g.matches("Data/2-13_skillsImperative2035/LA_LSIP_MainTables.Main.xlsm.bak"));
        assert!(!g.matches("Old/Data/2-13_skillsImperative2035/LA_LSIP_MainTables.Main.xlsm"));
        let both: FetchSpec = toml::from_str(
            "kind = \"github\"\nrepository = \"o/r\"\nbranch = \"main\"\npath = \"a\"\npath_pattern = \"b\"\n",
        )
        .unwrap();
        assert!(both.check("s").unwrap_err().contains("exactly one"));
    }

    #[test]
    fn aps_periods_normalise() {
        let f = PeriodFormat::YearEndingDecember;
        assert_eq!(f.normalise("2021-12").as_deref(), Some("2021"));
        assert_eq!(f.normalise("2021-03"), None);
        assert_eq!(
            PeriodFormat::AsPublished.normalise("2021").as_deref(),
            Some("2021")
        );
    }
}
