//! Reports from an lmi snapshot, with no HTTP: the snapshot and geography indexed for lookups
//! ([`ServedSnapshot`], [`GeoIndex`]), the answers the API serves as typed bodies that also
//! render as tables ([`queries`], [`ToTable`]), area search, charts ([`ChartRequest`] →
//! [`Built`]: an lmi-charts chart and the table behind it), dashboards (specs checked at load,
//! resolved per area with plain readings) and data packs (a resolved dashboard as one
//! self-contained HTML report). lmi-api serves these over HTTP; `lmi render pack` writes packs
//! without it.

pub mod charts;
pub mod dashboard;
mod error;
pub mod lookup;
pub mod maps;
pub mod pack;
pub mod postcodes;
pub mod queries;
pub mod search;
pub mod sectors;
mod snapshot;
mod table;
pub mod words;

pub use charts::{
    BreakdownSpec, Built, COMPARATOR_TYPES, ChartImage, ChartKind, ChartOptions, ChartRequest,
    ChartSpec, ChartSpecError, FlowDirection, FlowsSpec, MAX_PANELS, MAX_PARTS,
    PrioritySectorsSpec, RankedBreakdownSpec, RankingSpec, SmallMultiplesSpec, SupplyDemandSpec,
    TrendSpec, Unused, build_chart, draw_chart,
};
pub use dashboard::{
    Dashboard, DashboardError, DashboardSpec, Dashboards, Panel, PanelError, PanelSpec,
    ResolvedDashboard, ResolvedPanel, resolve_dashboard,
};
pub use error::ReportError;
pub use pack::{
    PackIndexEntry, areas_within, pack_file_stem, render_pack_html, render_pack_index_html,
};
pub use queries::ToTable;
pub use snapshot::{GeoIndex, Members, Meta, ServedSnapshot};
pub use table::{Cell, Table};
pub use words::format_value;
