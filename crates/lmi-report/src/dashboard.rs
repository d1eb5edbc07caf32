//! Dashboards as data: `dashboards/*.toml` specs (panels of indicators, chart kinds and
//! comparators), checked against the indicator catalogue when the server starts, and resolved
//! with the served snapshot into panels with values, plain readings and chart links. The web page
//! at `/` and `lmi render pack` both draw from [`resolve_dashboard`].

use crate::charts::{
    self, BreakdownSpec, ChartKind, ChartOptions, ChartRequest, ChartSpec, ChartSpecError,
    RankedBreakdownSpec, SmallMultiplesSpec, Unused,
};
use crate::error::ReportError;
use crate::snapshot::{GeoIndex, Members, Meta, ServedSnapshot};
use crate::words::{format_value, plural};
use lmi_core::{Area, AreaType, BreakdownDef, IndicatorDef, IndicatorValue, Status};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use utoipa::ToSchema;

/// The dashboards shipped in `dashboards/`, compiled in so the binary works from any directory.
const BUNDLED: &[(&str, &str)] = &[
    (
        "provision-planning.toml",
        include_str!("../../../dashboards/provision-planning.toml"),
    ),
    (
        "careers-adviser.toml",
        include_str!("../../../dashboards/careers-adviser.toml"),
    ),
    (
        "hub-overview.toml",
        include_str!("../../../dashboards/hub-overview.toml"),
    ),
];

/// Placeholders a panel's `reading` may use.
const PLACEHOLDERS: [&str; 3] = ["{value}", "{area}", "{period}"];

/// One dashboard spec, as written in its TOML file.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DashboardSpec {
    /// Lower-case words joined by `-`; the file must be named `<id>.toml`.
    pub id: String,
    pub title: String,
    /// Who the dashboard is for.
    pub audience: String,
    /// What the dashboard shows, in a sentence or two.
    pub summary: String,
    /// Area types the dashboard is designed for, the best suited first. Other areas can still be
    /// shown; the resolved dashboard then says it was not designed for them.
    #[schema(value_type = Vec<String>)]
    pub area_types: Vec<AreaType>,
    /// Readings are written for the public rather than analysts.
    #[serde(default)]
    pub plain_language: bool,
    #[serde(default)]
    pub panels: Vec<PanelSpec>,
}

/// One panel as written: a chart of one indicator (or a breakdown) with a one-line reading.
/// Checked into a [`Panel`] when the specs load.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PanelSpec {
    pub id: String,
    pub title: String,
    pub chart: ChartKind,
    /// What the chart shows: the same options as a chart URL's query, except `period`, `from`
    /// and `to` (a panel shows the area's latest).
    #[serde(flatten)]
    pub options: ChartOptions,
    /// The reading's sentence, with `{value}`, `{area}` and `{period}`; the comparison with
    /// England is added after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<String>,
}

/// Why the dashboard specs were refused.
#[derive(Debug, thiserror::Error)]
pub enum DashboardError {
    #[error("cannot read dashboard specs from {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: not a valid dashboard spec: {message}")]
    Syntax { path: String, message: String },
    #[error("{path}: {message}")]
    Invalid { path: String, message: String },
    #[error("{path}: panel {number} (`{panel}`): {source}")]
    Panel {
        path: String,
        number: usize,
        panel: String,
        source: PanelError,
    },
    #[error("no dashboard specs (*.toml) in {0}")]
    Empty(PathBuf),
}

/// Why a panel was refused.
#[derive(Debug, thiserror::Error)]
pub enum PanelError {
    #[error("id must be lower-case letters, digits and `-`")]
    Id,
    #[error("panel id used twice")]
    IdUsedTwice,
    #[error(transparent)]
    Chart(#[from] ChartSpecError),
    #[error("`{0}` cannot be set in a dashboard panel: a panel shows the area's latest figures")]
    PeriodOption(&'static str),
    #[error("`reading` is written automatically for `{0}` charts: remove it")]
    ReadingNotTaken(ChartKind),
    #[error("`reading` has an unclosed `{{`: {0:?}")]
    UnclosedPlaceholder(String),
    #[error("`reading` has unknown placeholder {0}; use {{value}}, {{area}}, {{period}}")]
    UnknownPlaceholder(String),
    #[error("`reading` must contain {{value}}")]
    NoValue,
}

/// A checked dashboard: the spec as written (what `GET /v1/dashboards/{id}` serves) and its
/// panels, each with the chart it draws.
#[derive(Debug, Clone)]
pub struct Dashboard {
    pub spec: DashboardSpec,
    pub panels: Vec<Panel>,
}

/// A checked panel: exactly the chart it draws (see [`ChartSpec`]) and its reading template.
#[derive(Debug, Clone)]
pub struct Panel {
    pub id: String,
    pub title: String,
    pub chart: ChartSpec,
    pub reading: Option<String>,
}

impl Panel {
    /// The request that draws this panel's chart for an area.
    pub fn request(&self, area: &str) -> ChartRequest {
        ChartRequest {
            area: area.to_owned(),
            spec: self.chart.clone(),
        }
    }

    /// The catalogue ids of the sources the panel draws on.
    pub fn sources(&self) -> Vec<&'static str> {
        match &self.chart {
            ChartSpec::RankedBreakdown(RankedBreakdownSpec { breakdown, .. }) => {
                lmi_core::find_count_breakdown(breakdown)
                    .map(|d| {
                        std::iter::once(d.source)
                            .chain(d.small_area_source)
                            .collect()
                    })
                    .unwrap_or_default()
            }
            ChartSpec::Flows(_) => vec![lmi_core::flows::APPRENTICESHIP_FLOWS_SOURCE],
            ChartSpec::SupplyDemand(_) => {
                charts::breakdown_sources(&charts::supply_demand_breakdowns())
            }
            ChartSpec::PrioritySectors(_) => {
                charts::breakdown_sources(&charts::priority_sector_breakdowns())
            }
            _ => charts::source_ids(&self.indicators()),
        }
    }

    /// The indicators the panel draws (none for the demand tables' charts: see
    /// [`Panel::sources`]).
    pub fn indicators(&self) -> Vec<&'static IndicatorDef> {
        match &self.chart {
            ChartSpec::RankedBreakdown(_)
            | ChartSpec::Flows(_)
            | ChartSpec::SupplyDemand(_)
            | ChartSpec::PrioritySectors(_) => Vec::new(),
            ChartSpec::Breakdown(BreakdownSpec { breakdown, .. }) => {
                lmi_core::find_breakdown(breakdown)
                    .map(|b| {
                        b.parts
                            .iter()
                            .filter_map(|part| lmi_core::find_indicator(part.indicator))
                            .collect()
                    })
                    .unwrap_or_default()
            }
            other => lmi_core::find_indicator(other.subject())
                .into_iter()
                .collect(),
        }
    }
}

/// The dashboards a server offers, checked.
#[derive(Debug, Clone)]
pub struct Dashboards {
    dashboards: Vec<Dashboard>,
}

impl Dashboards {
    /// The dashboards shipped with lmi (`dashboards/*.toml` at build time).
    pub fn bundled() -> Dashboards {
        Dashboards::parse(BUNDLED.iter().map(|(n, t)| (n.to_string(), t.to_string())))
            .expect("the bundled dashboard specs are checked by the tests")
    }

    /// Every `*.toml` in `dir`, checked; the first problem found refuses them all.
    pub fn load_dir(dir: &Path) -> Result<Dashboards, DashboardError> {
        let io = |source| DashboardError::Io {
            path: dir.to_owned(),
            source,
        };
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "toml"))
            .collect();
        files.sort();
        if files.is_empty() {
            return Err(DashboardError::Empty(dir.to_owned()));
        }
        let mut texts = Vec::new();
        for f in files {
            let text = std::fs::read_to_string(&f).map_err(|source| DashboardError::Io {
                path: f.clone(),
                source,
            })?;
            texts.push((f.display().to_string(), text));
        }
        Dashboards::parse(texts)
    }

    /// Parses and checks specs given as `(file name, TOML text)`.
    pub fn parse(
        files: impl IntoIterator<Item = (String, String)>,
    ) -> Result<Dashboards, DashboardError> {
        let mut dashboards: Vec<Dashboard> = Vec::new();
        for (path, text) in files {
            let spec: DashboardSpec =
                toml::from_str(&text).map_err(|e| DashboardError::Syntax {
                    path: path.clone(),
                    message: e.to_string().trim_end().to_owned(),
                })?;
            let panels = check(&spec, &path)?;
            if dashboards.iter().any(|d| d.spec.id == spec.id) {
                return Err(DashboardError::Invalid {
                    path: path.clone(),
                    message: format!("dashboard id `{}` is used by another spec", spec.id),
                });
            }
            dashboards.push(Dashboard { spec, panels });
        }
        Ok(Dashboards { dashboards })
    }

    pub fn all(&self) -> &[Dashboard] {
        &self.dashboards
    }

    pub fn get(&self, id: &str) -> Option<&Dashboard> {
        self.dashboards.iter().find(|d| d.spec.id == id)
    }

    /// The dashboard with this id, or `NotFound` listing the ids there are.
    pub fn find(&self, id: &str) -> Result<&Dashboard, ReportError> {
        self.get(id).ok_or_else(|| {
            let known: Vec<_> = self.dashboards.iter().map(|d| d.spec.id.as_str()).collect();
            ReportError::NotFound(format!(
                "unknown dashboard `{id}`; known: {}",
                known.join(", ")
            ))
        })
    }

    /// The dashboard best suited to an area type: the one that lists the type earliest in its
    /// `area_types` (the first such spec on a tie), else the first dashboard.
    pub fn default_for(&self, area_type: AreaType) -> Option<&Dashboard> {
        self.dashboards
            .iter()
            .filter_map(|d| {
                d.spec
                    .area_types
                    .iter()
                    .position(|t| *t == area_type)
                    .map(|i| (i, d))
            })
            .min_by_key(|(i, _)| *i)
            .map(|(_, d)| d)
            .or_else(|| self.dashboards.first())
    }
}

fn is_slug(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !s.starts_with('-')
        && !s.ends_with('-')
}

/// Checks a spec against the catalogue and returns its panels typed; the message names the
/// panel and field.
fn check(spec: &DashboardSpec, path: &str) -> Result<Vec<Panel>, DashboardError> {
    let invalid = |message: String| DashboardError::Invalid {
        path: path.to_owned(),
        message,
    };
    if !is_slug(&spec.id) {
        return Err(invalid(format!(
            "id `{}` must be lower-case letters, digits and `-`",
            spec.id
        )));
    }
    let stem = Path::new(path)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("");
    if stem != spec.id {
        return Err(invalid(format!(
            "id `{}` does not match the file name: name the file `{}.toml`",
            spec.id, spec.id
        )));
    }
    if spec.title.trim().is_empty() {
        return Err(invalid("`title` is empty".into()));
    }
    if spec.area_types.is_empty() {
        return Err(invalid(
            "`area_types` is empty: list the area types the dashboard is for".into(),
        ));
    }
    if spec.panels.is_empty() {
        return Err(invalid("no `[[panels]]`".into()));
    }
    let mut ids = BTreeSet::new();
    let mut panels = Vec::with_capacity(spec.panels.len());
    for (i, p) in spec.panels.iter().enumerate() {
        let refused = |source| DashboardError::Panel {
            path: path.to_owned(),
            number: i + 1,
            panel: p.id.clone(),
            source,
        };
        if !is_slug(&p.id) {
            return Err(refused(PanelError::Id));
        }
        if !ids.insert(p.id.as_str()) {
            return Err(refused(PanelError::IdUsedTwice));
        }
        let chart = check_panel(p).map_err(refused)?;
        panels.push(Panel {
            id: p.id.clone(),
            title: p.title.clone(),
            chart,
            reading: p.reading.clone(),
        });
    }
    Ok(panels)
}

/// A panel's chart through [`ChartSpec::check`] (a stray option is refused), then what only
/// panels have: no fixed periods, and a reading template for the kinds that take one.
fn check_panel(p: &PanelSpec) -> Result<ChartSpec, PanelError> {
    let o = &p.options;
    for (option, given) in [
        ("period", o.period.is_some()),
        ("from", o.from.is_some()),
        ("to", o.to.is_some()),
    ] {
        if given {
            return Err(PanelError::PeriodOption(option));
        }
    }
    let chart = ChartSpec::check(p.chart, p.options.clone(), Unused::Refuse)?;
    if let Some(reading) = &p.reading {
        if matches!(
            p.chart,
            ChartKind::Breakdown
                | ChartKind::RankedBreakdown
                | ChartKind::Flows
                | ChartKind::SupplyDemand
                | ChartKind::PrioritySectors
                | ChartKind::Map
        ) {
            return Err(PanelError::ReadingNotTaken(p.chart));
        }
        check_template(reading)?;
    }
    Ok(chart)
}

/// Every `{...}` in a reading must be a known placeholder, and `{value}` must be there.
fn check_template(reading: &str) -> Result<(), PanelError> {
    let mut rest = reading;
    while let Some(start) = rest.find('{') {
        let Some(len) = rest[start..].find('}') else {
            return Err(PanelError::UnclosedPlaceholder(reading.to_owned()));
        };
        let placeholder = &rest[start..start + len + 1];
        if !PLACEHOLDERS.contains(&placeholder) {
            return Err(PanelError::UnknownPlaceholder(placeholder.to_owned()));
        }
        rest = &rest[start + len + 1..];
    }
    if !reading.contains("{value}") {
        return Err(PanelError::NoValue);
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Resolution

/// A dashboard filled in for one area from the served snapshot.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolvedDashboard<'a> {
    #[schema(value_type = Object)]
    pub meta: &'a Meta,
    pub dashboard: &'a DashboardSpec,
    #[schema(value_type = Object)]
    pub area: &'static Area,
    pub type_label: &'static str,
    /// Whether the dashboard was designed for this area's type.
    pub suited: bool,
    pub notes: Vec<String>,
    pub panels: Vec<ResolvedPanel>,
    /// Attribution of every source the panels draw on (Open Government Licence v3.0).
    pub sources: Vec<String>,
}

/// A panel with its latest value, reading and links.
#[derive(Debug, Serialize, ToSchema)]
pub struct ResolvedPanel {
    pub id: String,
    pub title: String,
    pub chart: ChartKind,
    /// Indicator or breakdown id.
    pub subject: String,
    /// What the indicator or breakdown measures, in plain words.
    pub description: String,
    pub unit: String,
    /// The period the reading is about (the area's latest).
    pub period: Option<String>,
    pub value: Option<f64>,
    #[schema(value_type = Option<String>)]
    pub status: Option<Status>,
    pub approximate: bool,
    pub england: Option<f64>,
    /// One or two sentences saying what the chart shows for the area.
    pub reading: String,
    /// Whether there is anything to draw for this area.
    pub available: bool,
    /// Chart and data links (relative URLs): `svg`, `png` and `csv`.
    pub links: PanelLinks,
    /// Caveats of the indicators drawn.
    pub caveats: Vec<String>,
    /// How old the panel's data is, per source it draws on: the publisher's release date, when
    /// lmi fetched it, and whether the next release is overdue.
    pub freshness: Vec<lmi_core::Freshness>,
    /// The same in one line for a reader: the period shown and each source's release date.
    pub data_date: String,
    /// The area's 95% confidence interval in the period shown (survey estimates).
    pub ci_lower: Option<f64>,
    pub ci_upper: Option<f64>,
    /// Whether the value differs from England's, by the indicator's test (absent on England's
    /// own dashboard and on panels that show no single value).
    pub vs_england: Option<lmi_core::Difference>,
    /// The same in words: "similar to England", "higher than England", "above England" (exact
    /// values), "not tested".
    pub vs_england_words: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PanelLinks {
    pub svg: String,
    pub png: String,
    pub csv: String,
}

/// Fills a dashboard in for an area.
pub fn resolve_dashboard<'a>(
    dashboard: &'a Dashboard,
    area: &'static Area,
    snap: &'a ServedSnapshot,
    geo: &GeoIndex,
) -> ResolvedDashboard<'a> {
    resolve_with_charts(dashboard, area, snap, geo).0
}

/// [`resolve_dashboard`], also returning each panel's chart as built (in panel order), or why there is
/// none, for callers that draw them (data packs).
pub fn resolve_with_charts<'a>(
    dashboard: &'a Dashboard,
    area: &'static Area,
    snap: &'a ServedSnapshot,
    geo: &GeoIndex,
) -> (
    ResolvedDashboard<'a>,
    Vec<Result<charts::Built, ReportError>>,
) {
    let spec = &dashboard.spec;
    let suited = spec.area_types.contains(&area.area_type);
    let mut notes = Vec::new();
    if !suited {
        let types: Vec<_> = spec.area_types.iter().map(|t| t.label()).collect();
        notes.push(format!(
            "The {} dashboard is designed for: {}. {} is a {}, so some panels may be empty.",
            spec.title,
            types.join(", "),
            area.name,
            area.area_type.label_in_sentence()
        ));
    }
    if snap.meta.sample {
        notes.push(lmi_charts::SYNTHETIC_SAMPLE_NOTICE.to_owned());
    }
    let (panels, built): (Vec<ResolvedPanel>, Vec<_>) = dashboard
        .panels
        .iter()
        .map(|p| resolve_panel(p, spec.plain_language, area, snap, geo))
        .unzip();
    let sources = charts::attributions(snap, &dashboard_sources(dashboard));
    (
        ResolvedDashboard {
            meta: &snap.meta,
            dashboard: spec,
            area,
            type_label: area.area_type.label(),
            suited,
            notes,
            panels,
            sources,
        },
        built,
    )
}

/// The catalogue ids of every source a dashboard draws on, each once, in panel order.
pub fn dashboard_sources(dashboard: &Dashboard) -> Vec<&'static str> {
    let mut ids: Vec<&'static str> = Vec::new();
    for id in dashboard.panels.iter().flat_map(Panel::sources) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    ids
}

/// Every indicator a dashboard draws, each once, in panel order.
pub fn dashboard_indicators(dashboard: &Dashboard) -> Vec<&'static IndicatorDef> {
    let mut defs: Vec<&'static IndicatorDef> = Vec::new();
    for p in &dashboard.panels {
        for def in p.indicators() {
            if !defs.iter().any(|d| d.id == def.id) {
                defs.push(def);
            }
        }
    }
    defs
}

fn resolve_panel(
    p: &Panel,
    plain: bool,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
) -> (ResolvedPanel, Result<charts::Built, ReportError>) {
    let request = p.request(&area.code);
    let query = request.query_string();
    let kind = p.chart.kind();
    let built = charts::build_chart(&request, snap, geo);
    // What every panel has; each kind of reading fills in the rest.
    let panel = ResolvedPanel {
        id: p.id.clone(),
        title: p.title.clone(),
        chart: kind,
        subject: String::new(),
        description: String::new(),
        unit: String::new(),
        period: None,
        value: None,
        status: None,
        approximate: false,
        england: None,
        reading: String::new(),
        available: built.is_ok(),
        links: PanelLinks {
            svg: format!("/v1/charts/{}.svg?{query}", kind.as_str()),
            png: format!("/v1/charts/{}.png?{query}", kind.as_str()),
            csv: format!("/v1/charts/{}.csv?{query}", kind.as_str()),
        },
        caveats: Vec::new(),
        freshness: charts::freshness_of(snap, &p.sources()),
        data_date: String::new(),
        ci_lower: None,
        ci_upper: None,
        vs_england: None,
        vs_england_words: None,
    };
    let (panel, built) = fill_panel(p, plain, area, snap, geo, panel, built);
    let data_date = data_date(panel.period.as_deref(), &panel.freshness);
    (ResolvedPanel { data_date, ..panel }, built)
}

/// "Data for 2022/23: released 2024-10-17, fetched 2026-12-06." (one clause per source).
fn data_date(period: Option<&str>, freshness: &[lmi_core::Freshness]) -> String {
    let notes: Vec<&str> = freshness.iter().map(|f| f.note.as_str()).collect();
    let notes = if notes.is_empty() {
        "no source recorded".to_owned()
    } else {
        notes.join("; ")
    };
    match period {
        Some(period) => format!("Data for {period}: {notes}."),
        None => format!("Data: {notes}."),
    }
}

/// The reading, value and caveats of a panel, by what it draws.
fn fill_panel(
    p: &Panel,
    plain: bool,
    area: &'static Area,
    snap: &ServedSnapshot,
    geo: &GeoIndex,
    panel: ResolvedPanel,
    built: Result<charts::Built, ReportError>,
) -> (ResolvedPanel, Result<charts::Built, ReportError>) {
    if let Some(d) = crate::charts::demand_panel(&p.chart, area, snap, geo) {
        let panel = ResolvedPanel {
            subject: d.subject,
            description: d.description,
            unit: d.unit,
            period: d.period,
            value: d.value,
            approximate: d.approximate,
            england: d.england,
            reading: d.reading,
            caveats: d.caveats,
            ..panel
        };
        return (panel, built);
    }
    let defs = p.indicators();
    let caveats = defs
        .first()
        .map(|d| d.caveats.iter().map(|c| c.to_string()).collect())
        .unwrap_or_default();
    if let ChartSpec::Breakdown(BreakdownSpec { breakdown, .. }) = &p.chart
        && let Some(b) = lmi_core::find_breakdown(breakdown)
    {
        let (period, reading) = breakdown_reading(b, area, snap);
        let panel = ResolvedPanel {
            subject: b.id.to_owned(),
            description: b.description.to_owned(),
            unit: "%".to_owned(),
            period,
            reading,
            caveats,
            ..panel
        };
        return (panel, built);
    }
    let def = defs[0];
    let latest = snap.series(def.id, &area.code).next_back();
    let england_row = latest.and_then(|l| england_row(snap, def, &l.period));
    let england = england_row.and_then(|e| e.value);
    let is_england = area.area_type == AreaType::Country;
    let vs_england = latest
        .filter(|_| !is_england)
        .map(|v| v.derived.vs_england());
    let panel = ResolvedPanel {
        subject: def.id.to_owned(),
        description: def.description.to_owned(),
        unit: def.unit.as_str().to_owned(),
        period: latest.map(|v| v.period.clone()),
        value: latest.and_then(|v| v.value),
        status: latest.map(|v| v.status),
        approximate: latest.is_some_and(|v| v.approximate),
        england,
        reading: value_reading(p, plain, def, area, latest, england_row, geo, snap),
        caveats,
        ci_lower: latest.and_then(|v| v.ci_lower),
        ci_upper: latest.and_then(|v| v.ci_upper),
        vs_england_words: vs_england.map(|d| crate::words::versus_phrase(d, "England")),
        vs_england,
        ..panel
    };
    (panel, built)
}

fn england_row<'a>(
    snap: &'a ServedSnapshot,
    def: &IndicatorDef,
    period: &str,
) -> Option<&'a IndicatorValue> {
    snap.value(def.id, lmi_core::geography::ENGLAND, period)
}

#[allow(clippy::too_many_arguments)]
fn value_reading(
    p: &Panel,
    plain: bool,
    def: &IndicatorDef,
    area: &Area,
    latest: Option<&IndicatorValue>,
    england: Option<&IndicatorValue>,
    geo: &GeoIndex,
    snap: &ServedSnapshot,
) -> String {
    let Some(latest) = latest else {
        return crate::lookup::no_value_note(geo, area, def);
    };
    let Some(value) = latest.value else {
        return no_figure_reading(def, area, latest, geo);
    };
    let shown = format_value(value, def.unit);
    let mut sentence = match &p.reading {
        Some(template) => template
            .replace("{value}", &shown)
            .replace("{area}", &area.name)
            .replace("{period}", &latest.period),
        None => format!(
            "{}: {shown} in {} ({})",
            def.title, area.name, latest.period
        ),
    };
    if let Some(e) = england.filter(|_| area.area_type != AreaType::Country) {
        // Survey estimates differ only when the test on their intervals says so.
        sentence.push_str(&crate::words::versus_clause(
            latest.estimate(),
            "England",
            e.estimate(),
            latest.derived.vs_england(),
            def.unit,
            def.confidence_interval.is_some(),
            plain,
        ));
    }
    sentence.push('.');
    if latest.status == Status::LowReliability {
        sentence.push_str(if plain {
            " This is based on a small survey sample, so treat it as a rough guide."
        } else {
            " The publisher flags this survey estimate as unreliable: use with care."
        });
    }
    if latest.approximate {
        let coverage = latest
            .coverage
            .map(|c| format!(" covering {:.0}% of its residents", c * 100.0))
            .unwrap_or_default();
        sentence.push_str(&format!(
            " Estimated from whole local authorities{coverage}, so approximate."
        ));
    }
    if p.chart.kind() == ChartKind::Ranking
        && let (Some(rank), Some(of)) = (latest.derived.rank, latest.derived.rank_of)
    {
        let type_name = plural(area.area_type);
        sentence.push_str(&if def.higher_is_better.is_some() {
            format!(" It ranks {rank} of {of} {type_name} (1 = best).")
        } else {
            format!(" It ranks {rank} of {of} {type_name} (1 = highest).")
        });
    }
    if let ChartSpec::SmallMultiples(SmallMultiplesSpec { members, .. }) = &p.chart {
        sentence.push_str(&members_range(
            def,
            area,
            *members,
            &latest.period,
            geo,
            snap,
        ));
    }
    sentence
}

/// Why an area has no figure in its latest period: withheld, published only for counties, or
/// the status the publisher gave.
fn no_figure_reading(
    def: &IndicatorDef,
    area: &Area,
    latest: &IndicatorValue,
    geo: &GeoIndex,
) -> String {
    match latest.status {
        Status::Suppressed => format!(
            "The {} figure for {} is withheld by the publisher to protect confidentiality \
             (small numbers), or one of its local authorities' figures is.",
            latest.period, area.name
        ),
        Status::NotApplicable if def.aggregation == lmi_core::Aggregation::UpperTier => {
            let county = geo
                .parents(&area.code)
                .iter()
                .find(|a| a.area_type == AreaType::County)
                .map(|c| format!(" See {} ({}) for its figure.", c.name, c.code))
                .unwrap_or_default();
            format!(
                "Not available for {} ({}): {}.{county}",
                area.name,
                area.area_type.label_in_sentence(),
                lmi_core::breakdown::UPPER_TIER_ONLY
            )
        }
        _ => format!(
            "There is no {} figure for {} ({}).",
            latest.period,
            area.name,
            latest.status.as_str().replace('_', " ")
        ),
    }
}

/// " Among its 4 local authority districts in 2022/23: from 2.1% (Preston) to 5.9% (Pendle)."
fn members_range(
    def: &IndicatorDef,
    area: &Area,
    members: Members,
    period: &str,
    geo: &GeoIndex,
    snap: &ServedSnapshot,
) -> String {
    let list = geo.members(area, members);
    let mut values: Vec<(f64, &str)> = list
        .iter()
        .filter_map(|m| {
            snap.value(def.id, &m.code, period)
                .and_then(|v| v.value)
                .map(|x| (x, m.name.as_str()))
        })
        .collect();
    if values.len() < 2 {
        return String::new();
    }
    values.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (lo, hi) = (values[0], values[values.len() - 1]);
    let withheld = list.len() - values.len();
    format!(
        " Across its {} {} in {period}: from {} ({}) to {} ({}){}.",
        list.len(),
        plural(members.area_type()),
        format_value(lo.0, def.unit),
        lo.1,
        format_value(hi.0, def.unit),
        hi.1,
        if withheld > 0 {
            format!("; {withheld} without a figure")
        } else {
            String::new()
        }
    )
}

/// "Burnley, 2022/23: Education 81.5%, Apprenticeship 5.2%, ..." for the area's latest period
/// with every part.
fn breakdown_reading(
    b: &BreakdownDef,
    area: &Area,
    snap: &ServedSnapshot,
) -> (Option<String>, String) {
    let Some(period) = charts::latest_of_parts(b, &area.code, snap) else {
        return (
            None,
            format!("There are no {} figures for {}.", b.title, area.name),
        );
    };
    let parts: Vec<String> = b
        .parts
        .iter()
        .map(|part| {
            let v = snap.value(part.indicator, &area.code, &period);
            match v.and_then(|v| v.value) {
                Some(x) => format!(
                    "{} {}",
                    part.label.to_lowercase(),
                    format_value(x, lmi_core::Unit::Percent)
                ),
                None => format!("{} withheld", part.label.to_lowercase()),
            }
        })
        .collect();
    let reading = format!("{}, {period}: {}.", area.name, parts.join(", "));
    (Some(period), reading)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(panels: &str) -> Result<Dashboards, DashboardError> {
        let text = format!(
            "id = \"t\"\ntitle = \"T\"\naudience = \"a\"\nsummary = \"s\"\n\
             area_types = [\"lad\"]\n{panels}"
        );
        Dashboards::parse([("dashboards/t.toml".to_owned(), text)])
    }

    fn err(panels: &str) -> String {
        spec(panels).unwrap_err().to_string()
    }

    #[test]
    fn bundled_specs_are_valid_and_cover_the_three_audiences() {
        let d = Dashboards::bundled();
        let ids: Vec<_> = d.all().iter().map(|d| d.spec.id.as_str()).collect();
        assert_eq!(
            ids,
            ["provision-planning", "careers-adviser", "hub-overview"]
        );
        assert_eq!(
            d.default_for(AreaType::Ttwa).unwrap().spec.id,
            "provision-planning"
        );
        assert_eq!(
            d.default_for(AreaType::Lad).unwrap().spec.id,
            "careers-adviser"
        );
        assert_eq!(
            d.default_for(AreaType::CombinedAuthority).unwrap().spec.id,
            "hub-overview"
        );
        assert_eq!(
            d.default_for(AreaType::County).unwrap().spec.id,
            "hub-overview"
        );
        assert_eq!(
            d.default_for(AreaType::Country).unwrap().spec.id,
            "provision-planning"
        );
        // The repository's directory is the bundled set.
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../dashboards");
        assert_eq!(Dashboards::load_dir(&dir).unwrap().all().len(), 3);
    }

    #[test]
    fn bad_specs_are_refused_naming_file_panel_and_field() {
        let ok = "[[panels]]\nid = \"p\"\ntitle = \"P\"\nchart = \"trend\"\n\
                  indicator = \"ks4_apprenticeship_rate\"\n";
        assert!(spec(ok).is_ok());
        for (panels, expected) in [
            (
                ok.replace("ks4_apprenticeship_rate", "ks4_apprentice"),
                "panel 1 (`p`): unknown indicator `ks4_apprentice`",
            ),
            (
                ok.replace("trend", "pie"),
                "dashboards/t.toml: not a valid dashboard spec",
            ),
            (
                ok.replace("chart = \"trend\"", "chart = \"breakdown\""),
                "needs `breakdown",
            ),
            (format!("{ok}colour = \"red\"\n"), "unknown field `colour`"),
            (format!("{ok}{ok}"), "panel id used twice"),
            (
                format!("{ok}reading = \"{{value}} in {{place}}\"\n"),
                "unknown placeholder {place}",
            ),
            (
                format!("{ok}reading = \"in {{area}}\"\n"),
                "must contain {value}",
            ),
            (
                format!("{ok}comparators = [\"lad\"]\n"),
                "comparator type `lad`",
            ),
            (ok.replace("trend", "small_multiples"), "needs `members"),
            (
                format!("{ok}from = \"2019/20\"\n"),
                "panel 1 (`p`): `from` cannot be set in a dashboard panel",
            ),
            (
                format!("{ok}members = \"lad\"\n"),
                "`members` does not apply to `trend` charts",
            ),
            (String::new(), "no `[[panels]]`"),
            (
                format!("{ok}sort = \"lq\"\n"),
                "`sort` does not apply to `trend` charts",
            ),
            (
                format!("{ok}direction = \"home\"\n"),
                "`direction` does not apply to `trend` charts",
            ),
            (
                "[[panels]]\nid = \"f\"\ntitle = \"F\"\nchart = \"flows\"\n\
                 reading = \"{value}\"\n"
                    .to_owned(),
                "written automatically for `flows` charts",
            ),
            (
                "[[panels]]\nid = \"f\"\ntitle = \"F\"\nchart = \"flows\"\n\
                 indicator = \"ks4_apprenticeship_rate\"\n"
                    .to_owned(),
                "`indicator` does not apply to `flows` charts",
            ),
            (
                "[[panels]]\nid = \"r\"\ntitle = \"R\"\nchart = \"ranked_breakdown\"\n\
                 breakdown = \"ks4_destinations\"\n"
                    .to_owned(),
                "unknown count breakdown `ks4_destinations`; known: census_occupation",
            ),
            (
                "[[panels]]\nid = \"r\"\ntitle = \"R\"\nchart = \"ranked_breakdown\"\n\
                 breakdown = \"census_occupation\"\ntop = 0\n"
                    .to_owned(),
                "`top` must be between 1 and 25",
            ),
        ] {
            let e = err(&panels);
            assert!(e.contains(expected), "{e:?} should contain {expected:?}");
        }
        let renamed = Dashboards::parse([(
            "dashboards/other.toml".to_owned(),
            format!(
                "id = \"t\"\ntitle = \"T\"\naudience = \"a\"\nsummary = \"s\"\n\
                 area_types = [\"lad\"]\n{ok}"
            ),
        )]);
        assert!(
            renamed
                .unwrap_err()
                .to_string()
                .contains("name the file `t.toml`")
        );
        let missing = Dashboards::load_dir(Path::new("/nonexistent/dashboards"));
        assert!(matches!(missing, Err(DashboardError::Io { .. })));
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 256,
            ..proptest::prelude::ProptestConfig::default()
        })]

        /// The spec loader answers any damaged spec with an error naming the file, never a
        /// panic: bundled specs with a span replaced by arbitrary text.
        #[test]
        fn no_damaged_spec_makes_the_loader_panic(
            which in 0..BUNDLED.len(),
            at in 0.0f64..1.0,
            len in 0usize..40,
            text in "\\PC{0,24}",
        ) {
            let (name, spec) = BUNDLED[which];
            let start = spec.floor_char_boundary((spec.len() as f64 * at) as usize);
            let end = spec.floor_char_boundary((start + len).min(spec.len()));
            let damaged = format!("{}{text}{}", &spec[..start], &spec[end..]);
            if let Err(e) = Dashboards::parse([(format!("dashboards/{name}"), damaged)]) {
                proptest::prop_assert!(e.to_string().contains(name), "{e}");
            }
        }
    }
}
