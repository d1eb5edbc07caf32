//! Loading every catalogued source from a local directory of hand-downloaded files (the layout
//! of `datasets/sample/` and of an analyst's download folder), with provenance for each file.

use crate::catalogue::{Catalogue, Format, SourceDef};
use crate::dfe;
use crate::error::{IngestError, Result};
use crate::observations::Observations;
use crate::raw::RawFile;
use crate::{
    apprenticeship_flows, aps, aps_breakdowns, census, els, fe, job_adverts,
    job_adverts_textkernel, skills_imperative, ukbc, upper_tier_tables,
};
use lmi_core::{EarlierFile, SampleMarker, SourceProvenance};
use polars::prelude::DataFrame;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[derive(Debug)]
pub struct LoadedSources {
    pub observations: DataFrame,
    pub provenance: Vec<SourceProvenance>,
    /// Set when the directory is labelled as sample data.
    pub sample: Option<SampleMarker>,
}

fn locate(dir: &Path, source: &SourceDef) -> Result<PathBuf> {
    source
        .local_paths
        .iter()
        .map(|p| dir.join(p))
        .find(|p| p.is_file())
        .ok_or_else(|| IngestError::NotFound {
            source_id: source.id.clone(),
            dir: dir.to_owned(),
            tried: source.local_paths.join(", "),
        })
}

/// The files a source is read from under `dir`: its file, then the earlier releases' files found
/// there (see `SourceDef::earlier_paths`); `None` for an optional source that is absent (it
/// refines values when present, e.g. exact TTWAs from LSOAs).
fn files_of(dir: &Path, source: &SourceDef) -> Result<Option<(PathBuf, Vec<PathBuf>)>> {
    let path = match locate(dir, source) {
        Ok(path) => path,
        Err(IngestError::NotFound { .. }) if source.optional => return Ok(None),
        Err(e) => return Err(e),
    };
    let earlier = source
        .earlier_paths
        .iter()
        .map(|p| dir.join(p))
        .filter(|p| p.is_file())
        .collect();
    Ok(Some((path, earlier)))
}

/// Parses one raw file with the parser its catalogue entry names. `release` is the EES release
/// slug the file came from (e.g. `2023-24`), `None` for a hand-downloaded file: it decides
/// whether a destination file's `time_period` counts destination or cohort years (see
/// [`dfe::period_basis`]).
pub fn parse_source(
    source: &SourceDef,
    raw: &RawFile,
    release: Option<&str>,
    out: &mut Observations,
) -> Result<usize> {
    match source.format {
        Format::DfeKs4Destinations => dfe::parse(raw, &dfe::KS4_DESTINATIONS_LAD, release, out),
        Format::CensusTs067 => census::parse(raw, &source.id, &census::TS067, out),
        Format::CensusTs063 => census::parse(raw, &source.id, &census::TS063, out),
        Format::DfeApprenticeshipFlows => apprenticeship_flows::parse(raw, &source.id, out),
        Format::SkillsImperativeWorkbook => skills_imperative::parse(
            raw,
            &source.id,
            match source.area_code.as_deref() {
                Some(code) => skills_imperative::WorkbookArea::Given(code),
                None => skills_imperative::WorkbookArea::FromInfo {
                    names: &source.area_names,
                    skip: &source.skip_areas,
                },
            },
            out,
        ),
        Format::CensusTs066Nomis => census::parse_ts066(raw, &source.id, out),
        Format::DfeEss2019Lea => upper_tier_tables::parse_ess(raw, &source.id, out),
        Format::DfeNccisNeet => upper_tier_tables::parse_nccis(raw, &source.id, out),
        Format::OnsJobAdvertsTextkernel => job_adverts_textkernel::parse(raw, &source.id, out),
        Format::OnsJobAdverts => job_adverts::parse(raw, &source.id, out),
        Format::NomisApsT13a => aps_breakdowns::parse(raw, &source.id, &aps_breakdowns::T13A, out),
        Format::NomisApsT09a => aps_breakdowns::parse(raw, &source.id, &aps_breakdowns::T09A, out),
        Format::NomisApsT09b => aps_breakdowns::parse(raw, &source.id, &aps_breakdowns::T09B, out),
        Format::NomisUkbcEnterprises => ukbc::parse(raw, &source.id, out),
        Format::Dfe1618Destinations => dfe::parse(raw, &dfe::DESTINATIONS_16_18_LAD, release, out),
        Format::DfeFeAchievements => fe::parse(raw, out),
        Format::DfeFeSsaAchievementsAugApr => crate::fe_ssa::parse(raw, &source.id, out),
        Format::DfeApprenticeships => crate::apprenticeships::parse(raw, out),
        Format::NomisApsT19 => aps::parse(raw, out),
        Format::OnsLadLookup => crate::lad_lookup::parse(raw, &source.id, out),
        Format::OnsNspl => crate::postcode_directory::parse(raw, &source.id, out),
        Format::OnsBoundaries => match &source.boundary {
            Some(layer) => crate::boundaries::parse(raw, &source.id, layer, out),
            None => Err(IngestError::Catalogue(format!(
                "source `{}`: format ons_boundaries needs a `boundary` layer",
                source.id
            ))),
        },
        Format::NomisApi => match &source.fetch {
            Some(crate::fetch_spec::FetchSpec::Nomis(spec)) => {
                crate::nomis::parse_saved_result(raw, &source.id, spec, out)
            }
            _ => Err(IngestError::Catalogue(format!(
                "source `{}`: format nomis_api needs a [source.fetch] of kind `nomis`",
                source.id
            ))),
        },
        Format::OnsEls => els::parse(
            raw,
            &source.id,
            source.indicator.as_deref().unwrap_or_default(),
            source.measure.as_deref().unwrap_or_default(),
            out,
        ),
    }
}

fn read_sample_marker(dir: &Path) -> Result<Option<SampleMarker>> {
    let path = dir.join("SAMPLE.toml");
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path).map_err(|source| IngestError::Io {
        file: path.clone(),
        source,
    })?;
    let marker: SampleMarker = toml::from_str(&text)
        .map_err(|e| IngestError::Catalogue(format!("{}: {e}", path.display())))?;
    Ok(marker.sample.then_some(marker))
}

/// The source's earlier releases' files (from [`files_of`]), parsed into `out`; a file
/// repeating a period already read (`held`) is refused, naming both.
fn read_earlier(
    source: &SourceDef,
    earlier: &[PathBuf],
    held: &mut BTreeMap<String, String>,
    out: &mut Observations,
) -> Result<Vec<EarlierFile>> {
    let mut files = Vec::new();
    for path in earlier {
        let raw = RawFile::read(path)?;
        let mut obs = Observations::default();
        let rows = parse_source(source, &raw, None, &mut obs)?;
        let periods = obs.periods();
        for period in &periods {
            if let Some(first) = held.get(period) {
                return Err(IngestError::Catalogue(format!(
                    "source `{}`: {} holds period {period}, already read from {first}: \
                     one file per release, each release once",
                    source.id,
                    path.display()
                )));
            }
        }
        let file = path.display().to_string();
        held.extend(periods.iter().map(|p| (p.clone(), file.clone())));
        out.append(obs);
        files.push(EarlierFile {
            file,
            sha256: raw.sha256,
            bytes: raw.bytes,
            rows,
            periods: periods.into_iter().collect(),
        });
    }
    Ok(files)
}

/// A fingerprint of what [`load_from_dir`] would read under `dir`, without parsing anything:
/// sha256 over lmi's version, the catalogue as loaded, the sha256 of every file each source
/// would be read from (its file, then its earlier releases' files, in catalogue order; absent
/// optional sources left out) and the directory's sample label. Equal fingerprints mean the
/// same inputs to the same parsers, so the same snapshot: `lmi refresh --from` publishes
/// nothing new when it equals the current snapshot's.
pub fn fingerprint_dir(dir: &Path, catalogue: &Catalogue) -> Result<String> {
    let mut sources = Vec::new();
    for source in &catalogue.sources {
        let Some((path, earlier)) = files_of(dir, source)? else {
            continue;
        };
        let files = std::iter::once(path)
            .chain(earlier)
            .map(|file| Ok((file_sha256(&file)?, file)))
            .collect::<Result<Vec<_>>>()?;
        sources.push((source.id.as_str(), files));
    }
    Ok(fingerprint(
        dir,
        catalogue,
        sources,
        &read_sample_marker(dir)?,
    ))
}

/// The same fingerprint as [`fingerprint_dir`], of the files a load actually parsed (the sha256
/// each file had when it was read, from the provenance): what a snapshot records, so that a
/// file changed between [`fingerprint_dir`] and the parse cannot leave a snapshot claiming
/// inputs it was not built from.
pub fn fingerprint_loaded(dir: &Path, catalogue: &Catalogue, loaded: &LoadedSources) -> String {
    let sources = loaded.provenance.iter().map(|p| {
        let files = std::iter::once((p.sha256.clone(), PathBuf::from(&p.file)))
            .chain(
                p.earlier_files
                    .iter()
                    .map(|e| (e.sha256.clone(), PathBuf::from(&e.file))),
            )
            .collect();
        (p.source_id.as_str(), files)
    });
    fingerprint(dir, catalogue, sources, &loaded.sample)
}

/// sha256 over lmi's version, the catalogue, each source's files (sha256 and name relative to
/// `dir`, in order) and the sample label.
fn fingerprint<'a>(
    dir: &Path,
    catalogue: &Catalogue,
    sources: impl IntoIterator<Item = (&'a str, Vec<(String, PathBuf)>)>,
    sample: &Option<SampleMarker>,
) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(format!(
        "lmi {}\n{catalogue:?}\n",
        env!("CARGO_PKG_VERSION")
    ));
    for (id, files) in sources {
        h.update(format!("source {id}\n"));
        for (sha256, file) in files {
            let name = file
                .strip_prefix(dir)
                .unwrap_or(&file)
                .display()
                .to_string();
            h.update(format!("{sha256} {name}\n"));
        }
    }
    h.update(format!("sample {sample:?}\n"));
    hex::encode(h.finalize())
}

/// sha256 of a file's bytes as stored (what [`RawFile::read`] records), read in blocks.
fn file_sha256(path: &Path) -> Result<String> {
    use sha2::{Digest, Sha256};
    use std::io::Read;
    let io = |source| IngestError::Io {
        file: path.to_owned(),
        source,
    };
    let mut file = std::fs::File::open(path).map_err(io)?;
    let mut h = Sha256::new();
    let mut block = vec![0u8; 1 << 16];
    loop {
        let n = file.read(&mut block).map_err(io)?;
        if n == 0 {
            break;
        }
        h.update(&block[..n]);
    }
    Ok(hex::encode(h.finalize()))
}

/// Reads and parses every catalogued source found under `dir`. A source that is missing or
/// malformed fails the whole load: a snapshot is never built from part of the catalogue. The
/// sources are parsed in parallel (one worker per core), each into its own table; the tables
/// are joined in catalogue order and the error reported is the first in catalogue order, as if
/// they had been read one after another.
pub fn load_from_dir(dir: &Path, catalogue: &Catalogue) -> Result<LoadedSources> {
    let mut observations = crate::observations::empty_frame()?;
    let mut provenance = Vec::with_capacity(catalogue.sources.len());
    for loaded in in_parallel(&catalogue.sources, |source| load_source(dir, source)) {
        if let Some((frame, p)) = loaded? {
            observations.vstack_mut(&frame)?;
            provenance.push(p);
        }
    }
    Ok(LoadedSources {
        observations,
        provenance,
        sample: read_sample_marker(dir)?,
    })
}

/// One source: its file (and earlier releases' files) parsed into a table, with provenance;
/// `None` for an optional source that is absent.
fn load_source(dir: &Path, source: &SourceDef) -> Result<Option<(DataFrame, SourceProvenance)>> {
    let Some((path, earlier)) = files_of(dir, source)? else {
        return Ok(None);
    };
    let raw = RawFile::read(&path)?;
    let mut observations = Observations::default();
    let rows = parse_source(source, &raw, None, &mut observations)?;
    let file = path.display().to_string();
    let mut held: BTreeMap<String, String> = observations
        .periods()
        .into_iter()
        .map(|p| (p, file.clone()))
        .collect();
    let earlier_files = read_earlier(source, &earlier, &mut held, &mut observations)?;
    let provenance = SourceProvenance {
        file,
        sha256: raw.sha256,
        bytes: raw.bytes,
        rows,
        observations: observations.len(),
        earlier_files,
        ..source.provenance()
    };
    Ok(Some((observations.into_frame()?, provenance)))
}

/// `f` over every item on one scoped thread per core, results in the items' order.
fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let workers = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_sample_loads_and_is_labelled_as_sample() {
        let loaded =
            load_from_dir(&lmi_testkit::sample_dir(), &Catalogue::bundled().unwrap()).unwrap();
        assert!(loaded.sample.is_some());
        // Every required source, and the optional ones the sample has (the synthetic Textkernel
        // workbook, district TS066 table, the working-age population, BRES, district TS060A and the
        // apprenticeships file, the synthetic postcode directory; not the LSOA census tables or APS
        // T09b).
        let catalogue = Catalogue::bundled().unwrap();
        let sample = lmi_testkit::sample_dir();
        let expected = catalogue
            .sources
            .iter()
            .filter(|s| !s.optional || s.local_paths.iter().any(|p| sample.join(p).exists()))
            .count();
        let required = catalogue.sources.iter().filter(|s| !s.optional).count();
        assert_eq!(loaded.provenance.len(), expected);
        assert_eq!(expected, required + 7);
        assert!(
            loaded
                .provenance
                .iter()
                .any(|p| p.source_id == "census2021_ts066_lad")
        );
        for id in [
            "nomis_bres_lad",
            "census2021_ts060a_lad",
            "dfe_apprenticeships_lad",
            "ons_nspl",
        ] {
            assert!(loaded.provenance.iter().any(|p| p.source_id == id), "{id}");
        }
        assert!(loaded.observations.height() > 1000);
        for p in &loaded.provenance {
            assert_eq!(p.sha256.len(), 64);
        }
    }

    /// A directory of one-row NCCIS files (name, year) and the catalogue cut to that source,
    /// reading `latest.csv`.
    fn nccis_files(files: &[(&str, &str)]) -> (tempfile::TempDir, Catalogue) {
        let dir = tempfile::tempdir().unwrap();
        for (name, year) in files {
            write_nccis(&dir.path().join(name), &[year]);
        }
        let mut catalogue = Catalogue::bundled().unwrap();
        catalogue.sources.retain(|s| s.id == "dfe_nccis_neet_16_17");
        catalogue.sources[0].local_paths = vec!["latest.csv".into()];
        (dir, catalogue)
    }

    /// An NCCIS file with one Lancashire row per year.
    fn write_nccis(path: &Path, years: &[&str]) {
        let mut text = "time_period,geographic_level,country_code,region_code,new_la_code,Age,\
                        Cohort_DJFavg,NEET_percent,Notknown_percent,cohort_March,Apprenticeship_percent\n"
            .to_owned();
        for year in years {
            text.push_str(&format!(
                "{year},Local authority,E92000001,E12000002,E10000017,16-17,100,3,2,100,5\n"
            ));
        }
        std::fs::write(path, text).unwrap();
    }

    #[test]
    fn earlier_releases_join_the_series_once_each() {
        let (dir, mut catalogue) =
            nccis_files(&[("latest.csv", "2025"), ("a.csv", "2023"), ("b.csv", "2023")]);
        catalogue.sources[0].earlier_paths = vec!["a.csv".into(), "missing.csv".into()];
        let loaded = load_from_dir(dir.path(), &catalogue).unwrap();
        assert_eq!(
            fingerprint_loaded(dir.path(), &catalogue, &loaded),
            fingerprint_dir(dir.path(), &catalogue).unwrap(),
            "what was parsed, earlier releases included, fingerprints as what was hashed"
        );
        let p = &loaded.provenance[0];
        assert_eq!(p.earlier_files.len(), 1, "the missing one is skipped");
        assert_eq!(p.earlier_files[0].periods, ["2023"]);
        assert_eq!(p.earlier_files[0].sha256.len(), 64);
        assert_eq!(p.observations, 10, "5 measures from each of two files");
        // The same period twice is refused, naming both files.
        catalogue.sources[0].earlier_paths = vec!["a.csv".into(), "b.csv".into()];
        let err = load_from_dir(dir.path(), &catalogue)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("b.csv holds period 2023, already read from") && err.contains("a.csv"),
            "{err}"
        );
    }

    #[test]
    fn a_snapshot_fingerprints_the_files_it_parsed() {
        let (dir, catalogue) = nccis_files(&[("latest.csv", "2025")]);
        let before = fingerprint_dir(dir.path(), &catalogue).unwrap();
        let loaded = load_from_dir(dir.path(), &catalogue).unwrap();
        assert_eq!(fingerprint_loaded(dir.path(), &catalogue, &loaded), before);
        // A file replaced after the directory was hashed and before it was parsed: the load's
        // fingerprint follows what it parsed, so it differs from the earlier hash.
        write_nccis(&dir.path().join("latest.csv"), &["2024", "2025"]);
        let reloaded = load_from_dir(dir.path(), &catalogue).unwrap();
        assert_eq!(reloaded.provenance[0].observations, 10);
        let after = fingerprint_loaded(dir.path(), &catalogue, &reloaded);
        assert_ne!(after, before);
        assert_eq!(after, fingerprint_dir(dir.path(), &catalogue).unwrap());
    }

    #[test]
    fn a_missing_source_names_the_paths_tried() {
        let dir = tempfile::tempdir().unwrap();
        let err = load_from_dir(dir.path(), &Catalogue::bundled().unwrap())
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("source `dfe_ks4_destinations_lad`: no file found"),
            "{err}"
        );
        assert!(err.contains("dfe/ks4_destinations_lad.csv.gz"), "{err}");
    }
}
