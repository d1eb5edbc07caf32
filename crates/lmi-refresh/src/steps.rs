//! The steps of a refresh, each a function over one [`Store`] (or its raw cache): fetch, parse,
//! carry over (in [`crate::carry`]), compute, validate and publish. A refresh from files uses
//! parse-from-files, compute and publish; a fetching refresh uses every step.

use crate::carry::Previous;
use crate::{Error, Held, NotPublished};
use lmi_core::{Geography, SourceProvenance};
use lmi_fetch::{
    Fetched, HttpClient, OnBytes, PlanError, Progress, RawCache, SourceCheck, StoredSources,
};
use lmi_ingest::{Catalogue, Observations};
use lmi_pipeline::{PipelineError, PipelineOutput};
use lmi_store::{Manifest, SnapshotInput, StoreError};
use polars::prelude::DataFrame;
use std::collections::{BTreeMap, HashMap};

/// The one async boundary of a refresh: lmi-fetch's async entry points run here, on a runtime
/// that lives for this call only. Everything else in a refresh is blocking.
fn block_on<F: Future>(future: F) -> Result<F::Output, std::io::Error> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    Ok(runtime.block_on(future))
}

/// Fetch: every source requested (conditionally) or planned from the raw cache.
/// `published`: source id -> sha256 in the current snapshot, to tell "nothing changed".
pub(crate) fn fetch(
    catalogue: &Catalogue,
    client: &HttpClient,
    cache: &RawCache,
    only: &[String],
    published: &HashMap<String, String>,
    progress: &dyn Progress,
) -> Result<Fetched, Error> {
    let fetched = block_on(lmi_fetch::fetch_all(
        catalogue, client, cache, only, published, progress,
    ))
    .map_err(|e| nothing_published(NotPublished::Runtime(e)))?;
    fetched.map_err(|e| match e {
        PlanError::Config(_) => Error::Plan(e),
        PlanError::Cache(e) => nothing_published(NotPublished::Cache(e)),
    })
}

/// `lmi sources check`: every source resolved and its URLs' heads asked for.
pub(crate) fn check_sources(
    catalogue: &Catalogue,
    client: &HttpClient,
    on: &dyn OnBytes,
) -> Result<Vec<SourceCheck>, Error> {
    block_on(lmi_fetch::check_all(catalogue, client, on)).map_err(Error::Runtime)
}

pub(crate) fn nothing_published(reason: NotPublished) -> Error {
    Error::NothingPublished {
        reason,
        sources: Vec::new(),
    }
}

/// What the parse step read.
pub(crate) struct Parsed {
    pub(crate) sources: StoredSources,
    /// The observations of every source that parsed; `None` when nothing changed.
    pub(crate) observations: Option<DataFrame>,
}

/// Parse: each fetched source's bodies into observations (lmi-ingest), the raw cache updated
/// with the sources that parsed. See [`Fetched::store`] for `skip_unchanged`.
pub(crate) fn parse(
    fetched: Fetched,
    catalogue: &Catalogue,
    cache: &RawCache,
    skip_unchanged: bool,
    progress: &dyn Progress,
) -> Result<Parsed, NotPublished> {
    let mut observations = Observations::default();
    let sources = fetched.store(
        catalogue,
        cache,
        skip_unchanged,
        progress,
        |source, spec, resolved, bodies| {
            // Parsed on its own: a source that fails half way adds no rows.
            let mut parsed = Observations::default();
            let counts = lmi_ingest::parse_fetched(source, spec, resolved, bodies, &mut parsed)
                .map_err(|e| e.to_string())?;
            observations.append(parsed);
            Ok::<_, String>(counts)
        },
    )?;
    let observations = if sources.unchanged {
        None
    } else {
        Some(
            observations
                .into_frame()
                .map_err(NotPublished::Observations)?,
        )
    };
    Ok(Parsed {
        sources,
        observations,
    })
}

/// Indicator values, the unmatched area codes, and the snapshot's tables (breakdowns, flows,
/// projections).
pub(crate) struct Computed {
    pub(crate) output: PipelineOutput,
    pub(crate) tables: Vec<(lmi_core::schema::Table, DataFrame)>,
}

/// Compute: the one way a snapshot's contents are computed from observations, for a refresh
/// from files and a fetching one alike. The district lookup's rows (see
/// [`crate::registry`]) and the postcode directory's are kept in the stored observations but
/// never reach the indicators.
pub(crate) fn compute(
    observations: &DataFrame,
    geography: &Geography,
) -> Result<Computed, PipelineError> {
    // The postcode directory's rows become the `postcodes` table as they are (issue 26).
    let postcodes = lmi_ingest::postcode_table(observations)?;
    let observations = lmi_ingest::without_postcodes(&lmi_ingest::without_lookup(observations)?)?;
    let (output, mut tables) =
        lmi_pipeline::compute_snapshot(&observations, geography, lmi_core::INDICATORS)?;
    if let Some(postcodes) = postcodes {
        tables.push((lmi_core::schema::Table::Postcodes, postcodes));
    }
    Ok(Computed { output, tables })
}

/// A validation failure of a fetched source: it is set aside and its last good data carried
/// over instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ValidationError {
    #[error(
        "source `{source_id}` ({url}): {found} observations, fewer than half of the {previous} in the published snapshot; refusing to publish (rerun with --force if the publisher really shrank the release)"
    )]
    RowDrop {
        source_id: String,
        url: String,
        previous: usize,
        found: usize,
    },
    #[error(
        "source `{source_id}` ({url}): {} English area code(s) match no current or retired local authority district: {}; expected codes from the geography tables (datasets/geography), found these",
        codes.len(),
        codes.join(", ")
    )]
    UnknownAreaCodes {
        source_id: String,
        url: String,
        codes: Vec<String>,
    },
}

impl ValidationError {
    pub fn source_id(&self) -> &str {
        match self {
            ValidationError::RowDrop { source_id, .. }
            | ValidationError::UnknownAreaCodes { source_id, .. } => source_id,
        }
    }
}

/// Validate, before computing: a source that shrank by more than half since the published
/// snapshot is refused unless forced. Returns source id -> why, for the sources refused.
pub(crate) fn validate_row_counts(
    fresh: &[SourceProvenance],
    previous: &Previous<'_>,
    force: bool,
) -> BTreeMap<String, String> {
    let mut rejected = BTreeMap::new();
    for p in fresh {
        let before = previous.provenance(&p.source_id).map(|s| s.observations);
        let url = p.url.clone().unwrap_or_else(|| p.file.clone());
        if let Err(e) = row_count(&p.source_id, &url, before, p.observations, force) {
            rejected.insert(p.source_id.clone(), e.to_string());
        }
    }
    rejected
}

/// A drop of more than half against the previous snapshot is refused unless forced.
fn row_count(
    source_id: &str,
    url: &str,
    previous: Option<usize>,
    found: usize,
    force: bool,
) -> Result<(), ValidationError> {
    match previous {
        Some(previous) if !force && found.saturating_mul(2) < previous => {
            Err(ValidationError::RowDrop {
                source_id: source_id.to_owned(),
                url: url.to_owned(),
                previous,
                found,
            })
        }
        _ => Ok(()),
    }
}

/// Validate, after computing: the fresh sources (not carried, not already set aside) whose
/// English district codes match no area. Carried data passed validation when it was published.
pub(crate) fn validate_area_codes(
    computed: &Computed,
    fresh: &[SourceProvenance],
    is_fresh: impl Fn(&str) -> bool,
) -> Vec<ValidationError> {
    computed
        .output
        .unmatched
        .iter()
        .filter(|u| is_fresh(&u.source))
        .map(|u| ValidationError::UnknownAreaCodes {
            source_id: u.source.clone(),
            url: fresh
                .iter()
                .find(|p| p.source_id == u.source)
                .and_then(|p| p.url.clone())
                .unwrap_or_default(),
            codes: u.codes.clone(),
        })
        .collect()
}

/// Publish: the snapshot written and made current under the held lock.
pub(crate) fn publish(
    held: &Held,
    computed: Computed,
    mut observations: DataFrame,
    input: SnapshotInput,
) -> Result<Manifest, StoreError> {
    let Computed { output, mut tables } = computed;
    let mut values = output.values;
    held.store
        .publish_with_tables(&mut values, &mut observations, &mut tables, input)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_drop_of_more_than_half_is_refused_unless_forced() {
        assert!(row_count("s", "u", Some(100), 50, false).is_ok());
        let err = row_count("s", "http://x/f.csv", Some(100), 49, false).unwrap_err();
        assert!(
            err.to_string().contains(
                "source `s` (http://x/f.csv): 49 observations, fewer than half of the 100"
            )
        );
        assert!(row_count("s", "u", Some(100), 49, true).is_ok());
        assert!(row_count("s", "u", None, 1, false).is_ok());
    }
}
