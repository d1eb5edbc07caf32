//! DfE Explore Education Statistics (EES) destination measures (KS4 and 16-18) by district.
//!
//! Two layouts, told apart by the header: the WIDE one (one row per area and period with a column
//! per destination: `cohort, education, appren, …`) and the LONG one of the 2023/24 releases (one
//! row per area, period and `destination_description`, with `cohort_count` and `pupil_count`).
//! Values are counts or DfE symbols: `c` confidential, `low` rounds to 0, `~` fewer than 0.5,
//! `z` not applicable, `x` unavailable, `u` low reliability, `:` unavailable.
//!
//! From the 2023/24 releases `time_period` labels the cohort year (the year pupils finished), one
//! year before the destination year earlier releases used; lmi always serves destination years
//! (see [`period_basis`]).

use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::{Header, RawFile, bad_value, csv_error};
use lmi_core::Status;
use std::collections::HashMap;
use std::fmt;

/// The destinations lmi serves: the wide file's column and the long file's
/// `destination_description`, in the order their measures are emitted (after the cohort).
pub const DESTINATIONS: [(&str, &str); 5] = [
    ("education", "All education"),
    ("appren", "All apprenticeships"),
    ("all_work", "All employment"),
    ("all_notsust", "All notsust"),
    ("all_unknown", "All unknown"),
];
const WIDE_COHORT: &str = "cohort";
const LONG_DESTINATION: &str = "destination_description";
const LONG_COHORT: &str = "cohort_count";
const LONG_COUNT: &str = "pupil_count";
/// The long file's all-sustained row: it carries the cohort but no measure lmi serves.
const LONG_OVERALL: &str = "Overall";
const VERSION: &str = "version";
/// Columns of either layout the reader knows but does not need.
const IGNORED_COLUMNS: &[&str] = &[
    "time_identifier",
    "overall",
    "inst_count",
    "institution_count",
    "destination_group",
    "pupil_percent",
];

/// How a destination file is laid out, read from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DestinationLayout {
    /// One row per area and period, one column per destination (`cohort`, `education`, …).
    Wide,
    /// One row per area, period and `destination_description`, counted in `pupil_count`.
    Long,
}

impl DestinationLayout {
    /// Each layout by the one column the other lacks; `None` for neither.
    pub fn detect(columns: &[String]) -> Option<Self> {
        let has = |c: &str| columns.iter().any(|n| n == c);
        if has(LONG_DESTINATION) {
            Some(Self::Long)
        } else if has(WIDE_COHORT) {
            Some(Self::Wide)
        } else {
            None
        }
    }
}

impl fmt::Display for DestinationLayout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Wide => "wide",
            Self::Long => "long",
        })
    }
}

/// What a file's `time_period` labels count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodBasis {
    /// The year destinations were measured (releases up to 2022-23): served as is.
    DestinationYear,
    /// The year the cohort finished KS4 or 16-18 study (releases from 2023-24): served one year on.
    CohortYear,
}

/// Decides what `time_period` counts in a file of release `release_slug` (e.g. `2023-24`) whose
/// latest `time_period` is `latest_time_period` (e.g. `202223`).
///
/// The long layout labels periods by cohort year wherever DfE publishes it (PUBLISHERS.md): a
/// release's long file may carry older cohorts only (a re-issue of earlier data), but never a
/// cohort labelled with the release year itself, whose destinations cannot have been measured yet.
///
/// The wide layout changed meaning between releases with the same labels: a release's latest
/// period equals the release year when periods are destination years (up to 2022-23) and is one
/// year earlier when they are cohort years (from 2023-24); anything else is an error explaining
/// both. Both kinds of wide file can end on the same label, so the release, not the label, tells
/// them apart.
///
/// Without a release (a hand-downloaded file) the layout decides: `Wide` gives `DestinationYear`
/// (the layout of every release up to 2022-23) and `Long` gives `CohortYear`. A wide file from a
/// 2023-24 or later release must therefore be parsed with its release to be labelled correctly.
pub fn period_basis(
    release_slug: Option<&str>,
    latest_time_period: &str,
    layout: DestinationLayout,
) -> Result<PeriodBasis, String> {
    let Some(slug) = release_slug else {
        return Ok(match layout {
            DestinationLayout::Wide => PeriodBasis::DestinationYear,
            DestinationLayout::Long => PeriodBasis::CohortYear,
        });
    };
    let release = release_year(slug)
        .ok_or_else(|| format!("release `{slug}` is not an academic year such as 2023-24"))?;
    let latest = start_year(latest_time_period).ok_or_else(|| {
        format!("the latest time_period `{latest_time_period}` is not a six-digit academic year")
    })?;
    match layout {
        DestinationLayout::Long if latest < release => Ok(PeriodBasis::CohortYear),
        DestinationLayout::Long => Err(format!(
            "release {slug} labels periods by cohort year (long layout), so its latest \
             time_period can be at most {}, but it is {latest_time_period}",
            six_digit(release - 1),
        )),
        DestinationLayout::Wide if latest == release => Ok(PeriodBasis::DestinationYear),
        DestinationLayout::Wide if latest + 1 == release => Ok(PeriodBasis::CohortYear),
        DestinationLayout::Wide => Err(format!(
            "release {slug} should end with time_period {} (destination years, as up to the \
             2022-23 release) or {} (cohort years, as from the 2023-24 release), but its latest \
             time_period is {latest_time_period}",
            six_digit(release),
            six_digit(release - 1),
        )),
    }
}

/// A column that selects the rows to keep.
#[derive(Debug, Clone, Copy)]
pub struct Filter {
    /// Accepted names of the column, first match wins.
    pub columns: &'static [&'static str],
    /// Values a kept row may have.
    pub keep: &'static [&'static str],
    /// Layouts whose files must have the column. Elsewhere a missing column keeps every row: a
    /// file that then repeats an area and period fails as a duplicate, it is never summed.
    pub required_in: &'static [DestinationLayout],
}

const WIDE_ONLY: &[DestinationLayout] = &[DestinationLayout::Wide];
const BOTH_LAYOUTS: &[DestinationLayout] = &[DestinationLayout::Wide, DestinationLayout::Long];
const INSTITUTION_COLUMNS: &[&str] = &["institution_group", "establishment_type_group"];
/// The release data files repeat rows per institution type; table-tool extracts lack the column.
const INSTITUTION_TYPE_TOTAL: Filter = Filter {
    columns: &["institution_type"],
    keep: &["Total"],
    required_in: &[],
};
const BREAKDOWN_TOPIC_TOTAL: Filter = Filter {
    columns: &["breakdown_topic"],
    keep: &["Total"],
    required_in: WIDE_ONLY,
};
const BREAKDOWN_TOTAL: Filter = Filter {
    columns: &["breakdown"],
    keep: &["Total"],
    required_in: WIDE_ONLY,
};
/// Table-tool extracts say pupils, the 2023/24 release files say students.
const DATA_TYPE_COUNT: Filter = Filter {
    columns: &["data_type"],
    keep: &["Number of pupils", "Number of students"],
    required_in: WIDE_ONLY,
};

/// How one EES destination table maps to observations.
#[derive(Debug, Clone, Copy)]
pub struct EesTable {
    pub source_id: &'static str,
    /// The table's name, used in errors.
    pub name: &'static str,
    /// `geographic_level` value of the rows to keep.
    pub level: &'static str,
    /// Accepted names of the area code column for that level, first match wins.
    pub area_columns: &'static [&'static str],
    pub filters: &'static [Filter],
    /// Measure id of the cohort (`cohort`, or `cohort_count` in the long layout).
    pub cohort_measure: &'static str,
    /// Measure ids of [`DESTINATIONS`], in the same order.
    pub destination_measures: [&'static str; 5],
    /// Columns the reader knows but does not need (so they are not reported as renamed),
    /// besides the geography columns every district file has.
    pub other_columns: &'static [&'static str],
}

/// Geography columns of the district files, known and ignored.
const GEOGRAPHY_COLUMNS: &[&str] = &[
    "country_code",
    "country_name",
    "region_code",
    "region_name",
    "old_la_code",
    "new_la_code",
    "la_name",
    "pcon_code",
    "pcon_name",
    "lad_name",
    "level_methodology",
];

/// KS4 destination measures by local authority district (school location), state-funded
/// mainstream schools, all pupils.
pub const KS4_DESTINATIONS_LAD: EesTable = EesTable {
    source_id: "dfe_ks4_destinations_lad",
    name: "DfE KS4 destination measures",
    level: "Local authority district",
    area_columns: &["lad_code"],
    filters: &[
        Filter {
            columns: INSTITUTION_COLUMNS,
            keep: &["State-funded mainstream schools"],
            required_in: BOTH_LAYOUTS,
        },
        INSTITUTION_TYPE_TOTAL,
        BREAKDOWN_TOPIC_TOTAL,
        BREAKDOWN_TOTAL,
        DATA_TYPE_COUNT,
    ],
    cohort_measure: "ks4_cohort",
    destination_measures: [
        "ks4_education",
        "ks4_appren",
        "ks4_all_work",
        "ks4_all_notsust",
        "ks4_all_unknown",
    ],
    other_columns: &[],
};

/// 16-18 destination measures by local authority district (provider location), state-funded
/// mainstream schools and colleges, all qualification levels together.
pub const DESTINATIONS_16_18_LAD: EesTable = EesTable {
    source_id: "dfe_16_18_destinations_lad",
    name: "DfE 16-18 destination measures",
    level: "Local authority district",
    area_columns: &["lad_code"],
    filters: &[
        Filter {
            columns: INSTITUTION_COLUMNS,
            keep: &["State-funded mainstream schools & colleges"],
            required_in: BOTH_LAYOUTS,
        },
        INSTITUTION_TYPE_TOTAL,
        Filter {
            columns: &["cohort_level_group"],
            keep: &["Total"],
            required_in: WIDE_ONLY,
        },
        BREAKDOWN_TOPIC_TOTAL,
        BREAKDOWN_TOTAL,
        DATA_TYPE_COUNT,
    ],
    cohort_measure: "post16_cohort",
    destination_measures: [
        "post16_education",
        "post16_appren",
        "post16_all_work",
        "post16_all_notsust",
        "post16_all_unknown",
    ],
    other_columns: &[
        "opportunity_area_code",
        "opportunity_area_name",
        "cohort_level",
    ],
};

impl EesTable {
    /// The columns a file of `layout` needs, for error messages.
    pub fn expected(&self, layout: DestinationLayout) -> String {
        let mut columns = vec![
            "time_period".to_owned(),
            "geographic_level".to_owned(),
            self.area_columns.join(" or "),
        ];
        columns.extend(
            self.filters
                .iter()
                .filter(|f| f.required_in.contains(&layout))
                .map(|f| f.columns.join(" or ")),
        );
        match layout {
            DestinationLayout::Wide => {
                columns.push(WIDE_COHORT.to_owned());
                columns.extend(DESTINATIONS.iter().map(|(c, _)| (*c).to_owned()));
            }
            DestinationLayout::Long => {
                columns.extend([LONG_DESTINATION, LONG_COHORT, LONG_COUNT].map(str::to_owned));
            }
        }
        format!("the {} {layout} layout ({})", self.name, columns.join(", "))
    }

    /// Every column the reader understands, so that an unknown one can be named as renamed.
    fn known_columns(&self) -> Vec<&'static str> {
        let mut known = vec!["time_period", "geographic_level", VERSION];
        known.extend(self.area_columns);
        known.extend(self.filters.iter().flat_map(|f| f.columns));
        known.push(WIDE_COHORT);
        known.extend(DESTINATIONS.iter().map(|(c, _)| *c));
        known.extend([LONG_DESTINATION, LONG_COHORT, LONG_COUNT]);
        known.extend(IGNORED_COLUMNS);
        known.extend(GEOGRAPHY_COLUMNS);
        known.extend(self.other_columns);
        known
    }
}

/// Parses a DfE count or symbol into a value and status; `None` when it is neither.
pub fn parse_value(raw: &str) -> Option<(Option<f64>, Status)> {
    let s = raw.trim();
    let status = match s {
        "c" | "low" | "~" => Status::Suppressed,
        "z" => Status::NotApplicable,
        "x" | ":" => Status::Unavailable,
        "u" => Status::LowReliability,
        _ => {
            let v: f64 = s.replace(',', "").parse().ok()?;
            return (v.is_finite() && v >= 0.0).then_some((Some(v), Status::Ok));
        }
    };
    Some((None, status))
}

/// `202223` -> 2022: the first calendar year of an EES six-digit academic year.
fn start_year(raw: &str) -> Option<u32> {
    let s = raw.trim();
    if s.len() != 6 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let start: u32 = s[..4].parse().ok()?;
    let end: u32 = s[4..].parse().ok()?;
    ((start + 1) % 100 == end).then_some(start)
}

/// `2023-24` -> 2023: the first calendar year of an EES release slug.
fn release_year(slug: &str) -> Option<u32> {
    let (start, end) = slug.trim().split_once('-')?;
    let end_ok = end.len() == 2 && end.bytes().all(|b| b.is_ascii_digit());
    start_year(&format!("{start}{end}")).filter(|_| end_ok && start.len() == 4)
}

fn six_digit(start: u32) -> String {
    format!("{start}{:02}", (start + 1) % 100)
}

fn label(start: u32) -> String {
    format!("{start}/{:02}", (start + 1) % 100)
}

/// `202223` -> `2022/23`: EES six-digit academic years, as published labels.
pub fn academic_year(raw: &str) -> Option<String> {
    start_year(raw).map(label)
}

/// The destination-year label lmi serves for a `time_period` on `basis`.
pub fn destination_year(raw: &str, basis: PeriodBasis) -> Option<String> {
    let start = start_year(raw)?;
    Some(label(match basis {
        PeriodBasis::DestinationYear => start,
        PeriodBasis::CohortYear => start + 1,
    }))
}

/// Which of several rows for one area and period a file means: the latest version wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Version {
    /// The file has no `version` column.
    Unversioned,
    Provisional,
    Revised,
    Final,
}

impl Version {
    fn parse(raw: &str) -> Option<Self> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "provisional" => Some(Self::Provisional),
            "revised" => Some(Self::Revised),
            "final" => Some(Self::Final),
            _ => None,
        }
    }
}

/// Where a layout keeps its counts.
enum Values {
    Wide {
        cohort: usize,
        destinations: [usize; 5],
    },
    Long {
        description: usize,
        cohort: usize,
        count: usize,
    },
}

/// Column positions of one file.
struct Columns {
    period: usize,
    level: usize,
    area: usize,
    version: Option<usize>,
    /// Present filters: position, name and kept values.
    filters: Vec<(usize, &'static str, &'static [&'static str])>,
    values: Values,
}

impl Columns {
    fn resolve(header: &Header, table: &EesTable, layout: DestinationLayout) -> Result<Self> {
        let known = table.known_columns();
        let mut filters = Vec::new();
        for filter in table.filters {
            let found = filter
                .columns
                .iter()
                .find_map(|c| header.position(c).map(|ix| (ix, *c)));
            match found {
                Some((ix, name)) => filters.push((ix, name, filter.keep)),
                None if filter.required_in.contains(&layout) => {
                    header.require_any(filter.columns, &known)?;
                }
                None => {}
            }
        }
        let values = match layout {
            DestinationLayout::Wide => {
                let mut destinations = [0; 5];
                for (slot, (column, _)) in destinations.iter_mut().zip(DESTINATIONS) {
                    *slot = header.require(column, &known)?;
                }
                Values::Wide {
                    cohort: header.require(WIDE_COHORT, &known)?,
                    destinations,
                }
            }
            DestinationLayout::Long => Values::Long {
                description: header.require(LONG_DESTINATION, &known)?,
                cohort: header.require(LONG_COHORT, &known)?,
                count: header.require(LONG_COUNT, &known)?,
            },
        };
        Ok(Columns {
            period: header.require("time_period", &known)?,
            level: header.require("geographic_level", &known)?,
            area: header.require_any(table.area_columns, &known)?,
            version: header.position(VERSION),
            filters,
            values,
        })
    }
}

/// A parsed count: its value (none for a symbol) and status.
pub(crate) type Cell = (Option<f64>, Status);

/// The counts of one area, period and version, with the line each came from.
struct Group {
    area: String,
    period: String,
    version: Version,
    first_line: u64,
    cohort: (Cell, u64),
    overall_line: Option<u64>,
    destinations: [Option<(Cell, u64)>; 5],
}

/// A parsed count as the file gave it: the number, or the status of a symbol.
pub(crate) fn show(cell: Cell) -> String {
    match cell {
        (Some(v), _) => v.to_string(),
        (None, status) => status.as_str().to_owned(),
    }
}

/// The latest `time_period` of the rows at the table's geographic level.
fn latest_period(raw: &RawFile, columns: &Columns, table: &EesTable) -> Result<Option<u32>> {
    let mut latest = None;
    for record in raw.csv().records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        if record.get(columns.level).map(str::trim) == Some(table.level) {
            latest = latest.max(record.get(columns.period).and_then(start_year));
        }
    }
    Ok(latest)
}

/// Parses a KS4 or 16-18 destination file of either layout into destination-year observations.
/// `release` is the EES release slug the file came from (e.g. `2023-24`), `None` for a
/// hand-downloaded file (see [`period_basis`]). Returns the rows used.
pub fn parse(
    raw: &RawFile,
    table: &EesTable,
    release: Option<&str>,
    out: &mut Observations,
) -> Result<usize> {
    let mut reader = raw.csv();
    let names = Header::read(raw, &mut reader, "")?.names().to_vec();
    let layout = DestinationLayout::detect(&names).ok_or_else(|| IngestError::UnknownLayout {
        file: raw.path.clone(),
        expected: [DestinationLayout::Wide, DestinationLayout::Long]
            .map(|l| table.expected(l))
            .join(" or "),
        found: names.join(","),
    })?;
    let expected = table.expected(layout);
    let header = Header::read(raw, &mut reader, &expected)?;
    let columns = Columns::resolve(&header, table, layout)?;
    let describe_filters = || {
        columns
            .filters
            .iter()
            .map(|(_, c, keep)| format!("{c} `{}`", keep.join("` or `")))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let no_rows = || IngestError::NoRows {
        file: raw.path.clone(),
        reason: format!(
            "no row has geographic_level `{}` and {}",
            table.level,
            describe_filters()
        ),
    };
    let latest = latest_period(raw, &columns, table)?.ok_or_else(no_rows)?;
    let basis = period_basis(release, &six_digit(latest), layout).map_err(|reason| {
        IngestError::PeriodBasis {
            file: raw.path.clone(),
            reason,
        }
    })?;

    let mut groups: Vec<Group> = Vec::new();
    let mut index: HashMap<(String, String, Version), usize> = HashMap::new();
    let mut kept = 0;
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(&raw.path, &e))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |ix: usize| record.get(ix).unwrap_or("").trim();
        if field(columns.level) != table.level
            || columns
                .filters
                .iter()
                .any(|(ix, _, keep)| !keep.contains(&field(*ix)))
        {
            continue;
        }
        // The long row's destination (`None` for its Overall row, and for every wide row).
        let slot = match columns.values {
            Values::Long { description, .. } => match field(description) {
                LONG_OVERALL => None,
                d => match DESTINATIONS.iter().position(|(_, label)| *label == d) {
                    Some(i) => Some(i),
                    // A finer destination (e.g. `Further education`): not served.
                    None => continue,
                },
            },
            Values::Wide { .. } => None,
        };
        let bad = |column: &str, expected: &str, found: &str| {
            bad_value(&raw.path, line, column, expected, found)
        };
        let cell = |ix: usize, column: &str| {
            parse_value(field(ix)).ok_or_else(|| {
                bad(
                    column,
                    "a non-negative count or a DfE symbol (c, low, ~, z, x, u)",
                    field(ix),
                )
            })
        };
        let raw_period = field(columns.period);
        let period = destination_year(raw_period, basis).ok_or_else(|| {
            bad(
                "time_period",
                "a six-digit academic year such as 202223",
                raw_period,
            )
        })?;
        let area = field(columns.area);
        if !is_gss_code(area) {
            return Err(bad(
                header.names()[columns.area].as_str(),
                "a nine-character GSS area code such as E07000117",
                area,
            ));
        }
        let version = match columns.version {
            None => Version::Unversioned,
            Some(ix) => Version::parse(field(ix))
                .ok_or_else(|| bad(VERSION, "Final, Revised or Provisional", field(ix)))?,
        };
        let key_text = if basis == PeriodBasis::CohortYear {
            format!("area {area}, period {period} (time_period {raw_period})")
        } else {
            format!("area {area}, period {period}")
        };
        let duplicate = |first_line: u64, key: String| IngestError::DuplicateKey {
            file: raw.path.clone(),
            line,
            key,
            first_line,
        };
        let key = (area.to_owned(), raw_period.to_owned(), version);
        match columns.values {
            Values::Wide {
                cohort,
                destinations,
            } => {
                if let Some(&g) = index.get(&key) {
                    return Err(duplicate(groups[g].first_line, key_text));
                }
                let mut cells = [None; 5];
                for (cell_slot, (ix, (column, _))) in
                    cells.iter_mut().zip(destinations.iter().zip(DESTINATIONS))
                {
                    *cell_slot = Some((cell(*ix, column)?, line));
                }
                index.insert(key, groups.len());
                groups.push(Group {
                    area: area.to_owned(),
                    period,
                    version,
                    first_line: line,
                    cohort: (cell(cohort, WIDE_COHORT)?, line),
                    overall_line: None,
                    destinations: cells,
                });
            }
            Values::Long {
                description,
                cohort,
                count,
            } => {
                let cohort_cell = cell(cohort, LONG_COHORT)?;
                let g = *index.entry(key).or_insert_with(|| {
                    groups.push(Group {
                        area: area.to_owned(),
                        period,
                        version,
                        first_line: line,
                        cohort: (cohort_cell, line),
                        overall_line: None,
                        destinations: [None; 5],
                    });
                    groups.len() - 1
                });
                let group = &mut groups[g];
                let (first_cohort, first_line) = group.cohort;
                if first_cohort != cohort_cell {
                    return Err(bad(
                        LONG_COHORT,
                        &format!(
                            "`{}`, the cohort_count on line {first_line} for the same area, \
                             period and version",
                            show(first_cohort)
                        ),
                        field(cohort),
                    ));
                }
                let previous = match slot {
                    None => group.overall_line.replace(line),
                    Some(i) => match group.destinations[i] {
                        Some((_, first)) => Some(first),
                        None => {
                            group.destinations[i] = Some((cell(count, LONG_COUNT)?, line));
                            None
                        }
                    },
                };
                if let Some(first_line) = previous {
                    let key = format!("{key_text}, {LONG_DESTINATION} `{}`", field(description));
                    return Err(duplicate(first_line, key));
                }
            }
        }
        kept += 1;
    }
    if kept == 0 {
        return Err(no_rows());
    }
    emit(raw, table, &groups, out)?;
    Ok(kept)
}

/// Writes each area and period's latest version: the cohort, then [`DESTINATIONS`].
fn emit(raw: &RawFile, table: &EesTable, groups: &[Group], out: &mut Observations) -> Result<()> {
    let mut latest: HashMap<(&str, &str), Version> = HashMap::new();
    for g in groups {
        let v = latest.entry((&g.area, &g.period)).or_insert(g.version);
        *v = (*v).max(g.version);
    }
    for g in groups
        .iter()
        .filter(|g| latest[&(g.area.as_str(), g.period.as_str())] == g.version)
    {
        let missing: Vec<&str> = DESTINATIONS
            .iter()
            .zip(&g.destinations)
            .filter(|(_, cell)| cell.is_none())
            .map(|((_, label), _)| *label)
            .collect();
        if !missing.is_empty() {
            return Err(bad_value(
                &raw.path,
                g.first_line,
                LONG_DESTINATION,
                &format!(
                    "one row each for {} for area {} and period {}",
                    DESTINATIONS.map(|(_, label)| label).join(", "),
                    g.area,
                    g.period
                ),
                &format!("no row for {}", missing.join(", ")),
            ));
        }
        let (cohort, _) = g.cohort;
        let cells = std::iter::once((table.cohort_measure, cohort)).chain(
            table
                .destination_measures
                .iter()
                .zip(&g.destinations)
                .filter_map(|(m, cell)| cell.map(|(c, _)| (*m, c))),
        );
        for (measure, (value, status)) in cells {
            out.push(table.source_id, &g.area, &g.period, measure, value, status);
        }
    }
    Ok(())
}

/// A GSS code: a letter, two digits, six digits (e.g. `E07000117`).
/// A name-matched code column may join every historic code of one name with `;`
/// (`E06000048;E06000057`): GSS codes are issued in ascending order, so the last is the newest.
/// `None` unless every part is a GSS code.
pub fn newest_joined_code(s: &str) -> Option<&str> {
    let mut parts = s.split(';').map(str::trim);
    let last = parts.clone().next_back()?;
    parts.all(is_gss_code).then_some(last)
}

pub fn is_gss_code(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 9 && b[0].is_ascii_uppercase() && b[1..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::observations::{AREA_CODE, MEASURE, PERIOD, STATUS, VALUE};
    use proptest::prelude::*;
    use std::path::Path;

    const HEADER: &str = "time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,old_la_code,new_la_code,la_name,pcon_code,pcon_name,lad_code,lad_name,breakdown_topic,level_methodology,institution_group,breakdown,data_type,cohort,education,appren,all_work,all_notsust,all_unknown";

    fn row(period: &str, lad: &str, counts: &str) -> String {
        format!(
            "{period},Academic year,Local authority district,E92000001,England,E12000002,North West,,,,,,{lad},Burnley,Total,Provider location,State-funded mainstream schools,Total,Number of pupils,{counts}"
        )
    }

    fn parse_text(text: &str) -> Result<polars::prelude::DataFrame> {
        let raw = RawFile::from_bytes(Path::new("ks4.csv"), text.as_bytes().to_vec())?;
        let mut obs = Observations::default();
        parse(&raw, &KS4_DESTINATIONS_LAD, None, &mut obs)?;
        Ok(obs.into_frame()?)
    }

    #[test]
    fn a_ks4_row_becomes_six_observations_with_destination_year_labels() {
        let text = format!(
            "{HEADER}\n{}\n",
            row("202223", "E07000117", "900,800,45,20,30,5")
        );
        let df = parse_text(&text).unwrap();
        assert_eq!(df.height(), 6);
        let measures = df.column(MEASURE).unwrap().str().unwrap();
        let values = df.column(VALUE).unwrap().f64().unwrap();
        assert_eq!(measures.get(2), Some("ks4_appren"));
        assert_eq!(values.get(2), Some(45.0));
        assert_eq!(
            df.column(AREA_CODE).unwrap().str().unwrap().get(0),
            Some("E07000117")
        );
    }

    #[test]
    fn suppressed_counts_stay_missing_not_zero() {
        let text = format!(
            "{HEADER}\n{}\n",
            row("202223", "E09000001", "12,c,c,z,x,low")
        );
        let df = parse_text(&text).unwrap();
        let values = df.column(VALUE).unwrap().f64().unwrap();
        let status = df.column(STATUS).unwrap().str().unwrap();
        assert_eq!(values.get(1), None);
        assert_eq!(status.get(1), Some("suppressed"));
        assert_eq!(status.get(3), Some("not_applicable"));
        assert_eq!(status.get(4), Some("unavailable"));
        assert_eq!(status.get(5), Some("suppressed"));
    }

    #[test]
    fn rows_for_other_breakdowns_are_skipped() {
        let other =
            row("202223", "E07000117", "1,1,1,1,1,1").replace(",Total,Number", ",Boys,Number");
        let text = format!(
            "{HEADER}\n{other}\n{}\n",
            row("202223", "E07000117", "9,9,0,0,0,0")
        );
        assert_eq!(parse_text(&text).unwrap().height(), 6);
    }

    #[test]
    fn a_renamed_column_names_file_column_and_suspect() {
        let text = format!(
            "{}\n{}\n",
            HEADER.replace("appren", "apprenticeships"),
            row("202223", "E07000117", "900,800,45,20,30,5")
        );
        let err = parse_text(&text).unwrap_err().to_string();
        assert!(
            err.starts_with("ks4.csv: column `appren` is missing"),
            "{err}"
        );
        assert!(err.contains("unrecognised: apprenticeships"), "{err}");
    }

    #[test]
    fn a_bad_count_names_line_and_column() {
        let text = format!(
            "{HEADER}\n{}\n{}\n",
            row("202122", "E07000117", "900,800,45,20,30,5"),
            row("202223", "E07000117", "900,800,forty,20,30,5")
        );
        let err = parse_text(&text).unwrap_err().to_string();
        assert!(err.contains("ks4.csv: line 3, column `appren`"), "{err}");
        assert!(err.contains("found `forty`"), "{err}");
    }

    #[test]
    fn a_duplicate_area_and_year_is_refused() {
        let r = row("202223", "E07000117", "900,800,45,20,30,5");
        let err = parse_text(&format!("{HEADER}\n{r}\n{r}\n"))
            .unwrap_err()
            .to_string();
        assert!(
            err.contains(
                "line 3: duplicate row for area E07000117, period 2022/23 (first seen on line 2)"
            ),
            "{err}"
        );
    }

    #[test]
    fn academic_years_must_be_consecutive() {
        assert_eq!(academic_year("202223").as_deref(), Some("2022/23"));
        assert_eq!(academic_year("199900").as_deref(), Some("1999/00"));
        assert_eq!(academic_year("202224"), None);
        assert_eq!(academic_year("2022"), None);
    }

    /// One district and year as a wide row has it: period, district, cohort then [`DESTINATIONS`].
    type DistrictYear = (String, String, [String; 6]);

    fn district_year(period: &str, lad: &str, counts: [&str; 6]) -> DistrictYear {
        (period.to_owned(), lad.to_owned(), counts.map(str::to_owned))
    }

    fn wide_file(rows: &[DistrictYear]) -> String {
        let mut text = format!("{HEADER}\n");
        for (period, lad, counts) in rows {
            text += &row(period, lad, &counts.join(","));
            text.push('\n');
        }
        text
    }

    const LONG_HEADER: &str = "time_period,time_identifier,geographic_level,lad_code,lad_name,establishment_type_group,breakdown_topic,breakdown,version,destination_group,destination_description,cohort_count,pupil_count,pupil_percent";

    fn long_row(period: &str, lad: &str, description: &str, cohort: &str, count: &str) -> String {
        format!(
            "{period},Academic year,Local authority district,{lad},Burnley,State-funded mainstream schools,Total,Total,Revised,Group,{description},{cohort},{count},12.5\n"
        )
    }

    /// The 2023/24 release's long layout of the same counts: labelled by cohort year (one year
    /// earlier), one row per destination, plus the Overall row and a finer row lmi ignores.
    fn long_file(rows: &[DistrictYear]) -> String {
        let mut text = format!("{LONG_HEADER}\n");
        for (period, lad, counts) in rows {
            let start: u32 = period[..4].parse().unwrap();
            let cohort_year = six_digit(start - 1);
            let cohort = &counts[0];
            text += &long_row(&cohort_year, lad, "Overall", cohort, "1");
            for ((_, description), count) in DESTINATIONS.iter().zip(&counts[1..]) {
                text += &long_row(&cohort_year, lad, description, cohort, count);
            }
            text += &long_row(&cohort_year, lad, "Further education", cohort, "7");
        }
        text
    }

    fn parse_release(text: &str, release: Option<&str>) -> Result<polars::prelude::DataFrame> {
        let raw = RawFile::from_bytes(Path::new("ks4.csv"), text.as_bytes().to_vec())?;
        let mut obs = Observations::default();
        parse(&raw, &KS4_DESTINATIONS_LAD, release, &mut obs)?;
        Ok(obs.into_frame()?)
    }

    fn periods(df: &polars::prelude::DataFrame) -> Vec<String> {
        let mut p: Vec<String> = df
            .column(PERIOD)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|p| p.unwrap_or_default().to_owned())
            .collect();
        p.dedup();
        p
    }

    fn two_districts_two_years() -> Vec<DistrictYear> {
        vec![
            district_year("202223", "E07000117", ["880", "790", "40", "25", "20", "5"]),
            district_year("202223", "E09000001", ["12", "c", "c", "z", "x", "low"]),
            district_year("202324", "E07000117", ["900", "800", "45", "20", "30", "5"]),
            district_year("202324", "E09000001", ["14", "11", "c", "0", "~", "u"]),
        ]
    }

    #[test]
    fn the_2023_24_long_file_serves_the_same_destination_years_as_the_wide_file() {
        // The wide rows as DfE would label them by destination year, the long file by cohort year.
        let rows = two_districts_two_years();
        let wide = parse_release(&wide_file(&rows), None).unwrap();
        let long = parse_release(&long_file(&rows), Some("2023-24")).unwrap();
        assert!(wide.equals_missing(&long), "{wide}\n{long}");
        assert_eq!(periods(&long), ["2022/23", "2023/24"]);
        // A hand-downloaded long file is read as cohort years too.
        assert!(
            parse_release(&long_file(&rows), None)
                .unwrap()
                .equals_missing(&wide)
        );
    }

    #[test]
    fn a_wide_file_from_the_2023_24_release_is_relabelled_to_destination_years() {
        // The same cohort DfE labelled 202223 in the 2022-23 release is 202122 in 2023-24's.
        let rows = vec![
            district_year("202122", "E07000117", ["880", "790", "40", "25", "20", "5"]),
            district_year("202223", "E07000117", ["900", "800", "45", "20", "30", "5"]),
        ];
        let text = wide_file(&rows);
        let shifted = parse_release(&text, Some("2023-24")).unwrap();
        assert_eq!(periods(&shifted), ["2022/23", "2023/24"]);
        let as_published = parse_release(&text, Some("2022-23")).unwrap();
        assert_eq!(periods(&as_published), ["2021/22", "2022/23"]);
    }

    #[test]
    fn a_release_whose_latest_period_fits_neither_basis_is_refused() {
        let rows = vec![district_year(
            "202021",
            "E07000117",
            ["1", "1", "0", "0", "0", "0"],
        )];
        let err = parse_release(&wide_file(&rows), Some("2023-24"))
            .unwrap_err()
            .to_string();
        assert!(
            err.starts_with("ks4.csv: cannot tell what `time_period` counts"),
            "{err}"
        );
        assert!(
            err.contains(
                "release 2023-24 should end with time_period 202324 (destination years, as up to \
                 the 2022-23 release) or 202223 (cohort years, as from the 2023-24 release), but \
                 its latest time_period is 202021"
            ),
            "{err}"
        );
    }

    #[test]
    fn period_basis_without_a_release_follows_the_layout() {
        use DestinationLayout::{Long, Wide};
        assert_eq!(
            period_basis(None, "202223", Wide),
            Ok(PeriodBasis::DestinationYear)
        );
        assert_eq!(
            period_basis(None, "202223", Long),
            Ok(PeriodBasis::CohortYear)
        );
        assert_eq!(
            period_basis(Some("2023-24"), "202122", Long),
            Ok(PeriodBasis::CohortYear),
            "a long file re-issuing older cohorts"
        );
        assert!(
            period_basis(Some("2023-24"), "202324", Long)
                .unwrap_err()
                .contains("at most 202223")
        );
        assert!(
            period_basis(Some("latest"), "202223", Wide)
                .unwrap_err()
                .contains("`latest`")
        );
    }

    #[test]
    fn an_unknown_layout_lists_what_each_layout_needs_and_what_was_found() {
        let text = "time_period,geographic_level,lad_code,pupils\n202223,Local authority district,E07000117,5\n";
        let err = parse_release(text, None).unwrap_err().to_string();
        assert!(
            err.starts_with("ks4.csv: the header matches no known layout"),
            "{err}"
        );
        assert!(
            err.contains(
                "the DfE KS4 destination measures wide layout (time_period, geographic_level, \
                 lad_code, institution_group or establishment_type_group, breakdown_topic, \
                 breakdown, data_type, cohort, education, appren, all_work, all_notsust, \
                 all_unknown) or the DfE KS4 destination measures long layout (time_period, \
                 geographic_level, lad_code, institution_group or establishment_type_group, \
                 destination_description, cohort_count, pupil_count)"
            ),
            "{err}"
        );
        assert!(
            err.ends_with("found columns: time_period,geographic_level,lad_code,pupils"),
            "{err}"
        );
    }

    #[test]
    fn long_rows_of_one_area_and_year_must_share_a_cohort() {
        let text = format!(
            "{LONG_HEADER}\n{}{}",
            long_row("202122", "E07000117", "All education", "900", "800"),
            long_row("202122", "E07000117", "All apprenticeships", "901", "45"),
        );
        let err = parse_release(&text, None).unwrap_err().to_string();
        assert!(
            err.contains(
                "ks4.csv: line 3, column `cohort_count`: expected `900`, the cohort_count on line \
                 2 for the same area, period and version, found `901`"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_repeated_destination_row_is_refused() {
        let mut text = long_file(&[district_year(
            "202223",
            "E07000117",
            ["900", "800", "45", "20", "30", "5"],
        )]);
        text += &long_row("202122", "E07000117", "All employment", "900", "20");
        let err = parse_release(&text, None).unwrap_err().to_string();
        assert!(
            err.contains(
                "line 9: duplicate row for area E07000117, period 2022/23 (time_period 202122), \
                 destination_description `All employment` (first seen on line 5)"
            ),
            "{err}"
        );
    }

    #[test]
    fn a_long_file_missing_a_destination_names_it() {
        let text = long_file(&[district_year(
            "202223",
            "E07000117",
            ["900", "800", "45", "20", "30", "5"],
        )])
        .replace("All unknown", "Unknown destination");
        let err = parse_release(&text, None).unwrap_err().to_string();
        assert!(
            err.contains("ks4.csv: line 2, column `destination_description`"),
            "{err}"
        );
        assert!(err.contains("found `no row for All unknown`"), "{err}");
    }

    /// The 2023/24 release's wide data file: students, institution types and versions.
    fn release_wide_file(rows: &[(&str, &str, &str, &str)]) -> String {
        let mut text = String::from(
            "time_period,time_identifier,geographic_level,lad_code,institution_group,institution_type,breakdown_topic,breakdown,data_type,version,inst_count,cohort,overall,education,appren,all_work,all_notsust,all_unknown\n",
        );
        for (period, institution_type, version, cohort) in rows {
            text += &format!(
                "{period},Academic year,Local authority district,E07000117,State-funded mainstream schools,{institution_type},Total,Total,Number of students,{version},5,{cohort},1,2,3,4,5,6\n"
            );
        }
        text
    }

    #[test]
    fn the_release_wide_file_keeps_total_institution_types_and_the_latest_version() {
        let text = release_wide_file(&[
            ("202122", "Total", "Provisional", "100"),
            ("202122", "Academy", "Revised", "60"),
            ("202122", "Total", "Revised", "101"),
            ("202223", "Total", "Provisional", "110"),
        ]);
        let df = parse_release(&text, Some("2023-24")).unwrap();
        assert_eq!(periods(&df), ["2022/23", "2023/24"]);
        let cohorts: Vec<_> = df
            .column(VALUE)
            .unwrap()
            .f64()
            .unwrap()
            .iter()
            .step_by(6)
            .collect();
        assert_eq!(cohorts, [Some(101.0), Some(110.0)]);
    }

    #[test]
    fn one_version_twice_for_an_area_and_year_is_a_duplicate() {
        let text = release_wide_file(&[
            ("202223", "Total", "Revised", "100"),
            ("202223", "Total", "Revised", "100"),
        ]);
        let err = parse_release(&text, None).unwrap_err().to_string();
        assert!(
            err.contains("line 3: duplicate row for area E07000117"),
            "{err}"
        );
        let err = parse_release(&text.replace("Revised", "Draft"), None)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("column `version`: expected Final, Revised or Provisional, found `Draft`"),
            "{err}"
        );
    }

    fn count() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => (0u32..100_000).prop_map(|n| n.to_string()),
            1 => prop::sample::select(vec!["c", "low", "~", "z", "x", "u"]).prop_map(str::to_owned),
        ]
    }

    proptest! {
        #[test]
        fn pivoting_wide_to_long_keeps_every_count(
            cells in prop::collection::vec(
                (0u32..3, 0u32..4, prop::array::uniform6(count())),
                1..12,
            )
        ) {
            let mut seen = std::collections::HashSet::new();
            let rows: Vec<DistrictYear> = cells
                .into_iter()
                .filter(|(year, lad, _)| seen.insert((*year, *lad)))
                .map(|(year, lad, counts)| {
                    (six_digit(2020 + year), format!("E0700011{lad}"), counts)
                })
                .collect();
            let wide = parse_release(&wide_file(&rows), None).unwrap();
            let long = parse_release(&long_file(&rows), None).unwrap();
            prop_assert!(wide.equals_missing(&long), "{}\n{}", wide, long);
        }

        #[test]
        fn counts_round_trip_and_garbage_is_refused(n in 0u32..10_000_000, junk in "[a-bd-km-tv-wyA-Z!?]{1,6}") {
            prop_assert_eq!(parse_value(&n.to_string()), Some((Some(f64::from(n)), Status::Ok)));
            prop_assert!(parse_value(&junk).is_none());
        }
    }
}
