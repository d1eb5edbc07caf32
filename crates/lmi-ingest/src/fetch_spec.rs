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
        }
    }

    pub fn required_columns(&self) -> &[String] {
        match self {
            FetchSpec::Nomis(s) => &s.required_columns,
            FetchSpec::Ees(s) => &s.required_columns,
            FetchSpec::Els(s) => &s.required_columns,
            FetchSpec::Http(s) => &s.required_columns,
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
