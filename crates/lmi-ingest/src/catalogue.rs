//! The source catalogue (`datasets/sources.toml`): what lmi reads, where from, under which
//! licence, and which parser understands it. Adding a file in a known format is a catalogue edit.

use crate::error::{IngestError, Result};
use serde::Deserialize;

/// The catalogue compiled in from `datasets/sources.toml`.
pub const BUNDLED_CATALOGUE: &str = include_str!("../../../datasets/sources.toml");

/// The parsers lmi has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// DfE Explore Education Statistics tidy CSV of KS4 destination measures by LAD.
    DfeKs4Destinations,
    /// Census 2021 TS067 highest level of qualification, LAD-level bulk CSV.
    CensusTs067,
    /// Census 2021 TS063 occupation (SOC 2020 major groups), LAD or LSOA bulk CSV.
    CensusTs063,
    /// DfE apprenticeships by learner home and delivery district.
    DfeApprenticeshipFlows,
    /// "The Skills Imperative 2035" employment projection workbook (one area).
    SkillsImperativeWorkbook,
    /// Census 2021 TS066 economic activity, Nomis API CSV (upper-tier local authorities).
    CensusTs066Nomis,
    /// DfE Employer Skills Survey 2019 summary by local education authority.
    DfeEss2019Lea,
    /// DfE NCCIS participation and NEET of 16-17 year olds by upper-tier local authority.
    DfeNccisNeet,
    /// ONS online job adverts (Adzuna) index by local authority.
    OnsJobAdverts,
    /// ONS labour demand volumes (Textkernel online job adverts), `Table 2` of
    /// `labourdemandbyoccupation.xlsx`: advert counts by local authority and month.
    OnsJobAdvertsTextkernel,
    /// APS T13a employment by industry (9 SIC 2007 groups), tidied Nomis web query.
    NomisApsT13a,
    /// APS T09a employment by occupation (25 SOC 2010 sub-major groups), tidied Nomis web query.
    NomisApsT09a,
    /// APS T09b (SOC 2020 sub-major groups), in the tidied layout of T09a.
    NomisApsT09b,
    /// UK Business Counts enterprises by industry and size band (Nomis web query, tidied).
    NomisUkbcEnterprises,
    /// DfE EES tidy CSV of 16-18 destination measures by LAD.
    #[serde(rename = "dfe_16_18_destinations")]
    Dfe1618Destinations,
    /// DfE FE and skills achievements by LAD (EES permalink layout).
    DfeFeAchievements,
    /// APS table T19 from a Nomis web query, tidied to long CSV.
    NomisApsT19,
    /// ONS Explore Local Statistics series (one indicator picked by `indicator`).
    OnsEls,
    /// ONS's district -> LSIP lookup (Open Geography Portal: feature service JSON or CSV): it
    /// updates the area registry, never an indicator.
    OnsLadLookup,
    /// A whole Nomis API CSV result saved to a file, read with the entry's own `[source.fetch]`
    /// (kind `nomis`) mapping, so a file and a fetch give the same observations: BRES, Census
    /// TS060A, the mid-year population.
    NomisApi,
    /// DfE FE adult education and training aim achievements by sector subject area (tier 1) and
    /// learner home district, August to April of one academic year (EES table-tool download).
    DfeFeSsaAchievementsAugApr,
    /// DfE apprenticeship starts and achievements by level and age, learner home district (EES
    /// publication `apprenticeships`, "Geography LAD and PCON" data set).
    DfeApprenticeships,
    /// ONS's postcode directory (National Statistics Postcode Lookup: the published CSV or the
    /// Open Geography Portal's feature service JSON): the postcode lookup, never an indicator.
    OnsNspl,
    /// ONS boundaries (maps): GeoJSON (its `crs` read: WGS84 or British National Grid) or
    /// TopoJSON (one object, its quantisation `transform` applied), one feature per area, read
    /// with the entry's `boundary` layer.
    OnsBoundaries,
}

/// Which features of a boundary file are read, and how (format `ons_boundaries`).
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoundaryLayer {
    /// TopoJSON: the object holding the areas (`ltla`); none for GeoJSON.
    #[serde(default)]
    pub object: Option<String>,
    /// The feature property holding the GSS code (`areacd`, `AREACD`, `LSIP23CD`).
    pub code: String,
    /// The boundary set's year (`2023`): the rows' period.
    pub vintage: String,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDef {
    pub id: String,
    pub title: String,
    pub publisher: String,
    /// Publisher's dataset or publication identifier.
    pub dataset: String,
    pub format: Format,
    pub licence: String,
    pub attribution: String,
    pub cadence: String,
    /// The publisher's release cycle in one word (`monthly`, `quarterly`, `annual`, `biennial`,
    /// `one_off`, `closed`): how late a release may be before the source is flagged overdue.
    pub cycle: lmi_core::Cycle,
    /// Where the publisher serves it (documentation for now; fetching is `lmi refresh`'s job).
    pub url: String,
    /// Paths tried, in order, under a local directory of hand-downloaded files.
    pub local_paths: Vec<String>,
    /// Earlier releases of the same series published one file per release (NCCIS: one file
    /// per year), read beside the latest from a local directory: each one found is parsed into
    /// the same source and recorded in its provenance; none may repeat a period another holds.
    #[serde(default)]
    pub earlier_paths: Vec<String>,
    /// For multi-indicator files (`ons_els`): the publisher's indicator label to read.
    #[serde(default)]
    pub indicator: Option<String>,
    /// For `ons_els`: the measure id the values get in the observations table.
    #[serde(default)]
    pub measure: Option<String>,
    /// For one-area sources (projection workbooks): the area's GSS code. Without it, a
    /// projections workbook names its area (`Info` sheet) and is looked up in the geography.
    #[serde(default)]
    pub area_code: Option<String>,
    /// Projection workbooks: `"{kind}: {name}"` as the workbook's `Info` sheet writes it -> the
    /// area's code, where DfE's name is not ONS's.
    #[serde(default)]
    pub area_names: std::collections::BTreeMap<String, String>,
    /// Projection workbooks: `"{kind}: {name}"` -> why it is not read (no current area).
    #[serde(default)]
    pub skip_areas: std::collections::BTreeMap<String, String>,
    /// A refresh goes ahead without this source (it refines values when present).
    #[serde(default)]
    pub optional: bool,
    /// How `lmi refresh` fetches it over HTTP (see [`crate::FetchSpec`]).
    #[serde(default)]
    pub fetch: Option<crate::fetch_spec::FetchSpec>,
    /// Read only from hand-downloaded files (`lmi refresh --from DIR`): no publisher route is
    /// catalogued yet, so a fetching refresh leaves it out (it has no `[source.fetch]`).
    #[serde(default)]
    pub local_only: bool,
    /// Where the file layout lmi parses was checked: against a real file, or only built from the
    /// publisher's documentation or third-party code (shown by `lmi sources check`).
    #[serde(default)]
    pub layout: Option<String>,
    /// For `ons_boundaries`: the layer read (see [`BoundaryLayer`]).
    #[serde(default)]
    pub boundary: Option<BoundaryLayer>,
}

impl SourceDef {
    /// Provenance carrying what the catalogue says of this source (id, title, publisher, data
    /// set, licence, attribution); the caller adds what was read and where from.
    pub fn provenance(&self) -> lmi_core::SourceProvenance {
        lmi_core::SourceProvenance {
            source_id: self.id.clone(),
            title: self.title.clone(),
            publisher: self.publisher.clone(),
            dataset: self.dataset.clone(),
            licence: self.licence.clone(),
            attribution: self.attribution.clone(),
            cycle: Some(self.cycle),
            ..lmi_core::SourceProvenance::default()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalogue {
    #[serde(rename = "source")]
    pub sources: Vec<SourceDef>,
}

impl Catalogue {
    pub fn parse(text: &str) -> Result<Catalogue> {
        let catalogue: Catalogue =
            toml::from_str(text).map_err(|e| IngestError::Catalogue(e.to_string()))?;
        let mut ids: Vec<&str> = catalogue.sources.iter().map(|s| s.id.as_str()).collect();
        ids.sort_unstable();
        if let Some(w) = ids.windows(2).find(|w| w[0] == w[1]) {
            return Err(IngestError::Catalogue(format!(
                "source id `{}` appears twice",
                w[0]
            )));
        }
        for s in &catalogue.sources {
            if s.local_only && !matches!(s.cycle, lmi_core::Cycle::OneOff | lmi_core::Cycle::Closed)
            {
                return Err(IngestError::Catalogue(format!(
                    "source `{}`: `local_only` is for sources no publisher route refreshes (a \
                     one-off publication or a closed series), but its cycle is `{}`: catalogue \
                     its route instead",
                    s.id,
                    s.cycle.as_str()
                )));
            }
            if s.local_only == s.fetch.is_some() {
                return Err(IngestError::Catalogue(format!(
                    "source `{}`: needs either a [source.fetch] section or `local_only = true`",
                    s.id
                )));
            }
            if s.area_code.is_some() && (!s.area_names.is_empty() || !s.skip_areas.is_empty()) {
                return Err(IngestError::Catalogue(format!(
                    "source `{}`: `area_names`/`skip_areas` are for workbooks that name their area; \
                     this one has `area_code`",
                    s.id
                )));
            }
            if s.format == Format::NomisApi
                && !matches!(s.fetch, Some(crate::fetch_spec::FetchSpec::Nomis(_)))
            {
                return Err(IngestError::Catalogue(format!(
                    "source `{}`: format nomis_api is read with the source's `[source.fetch]` \
                     Nomis spec (kind = \"nomis\"), which it lacks",
                    s.id
                )));
            }
            if (s.format == Format::OnsBoundaries) != s.boundary.is_some() {
                return Err(IngestError::Catalogue(format!(
                    "source `{}`: format ons_boundaries needs a `boundary` layer, and only it has one",
                    s.id
                )));
            }
            if s.format == Format::OnsEls && (s.indicator.is_none() || s.measure.is_none()) {
                return Err(IngestError::Catalogue(format!(
                    "source `{}`: format ons_els needs `indicator` and `measure`",
                    s.id
                )));
            }
            if s.format == Format::NomisApi
                && !matches!(s.fetch, Some(crate::fetch_spec::FetchSpec::Nomis(_)))
            {
                return Err(IngestError::Catalogue(format!(
                    "source `{}`: format nomis_api reads a file with the entry's [source.fetch] \
                     of kind `nomis`",
                    s.id
                )));
            }
            if let Some(f) = &s.fetch {
                f.check(&s.id).map_err(IngestError::Catalogue)?;
                if matches!(f, crate::fetch_spec::FetchSpec::Els(_)) && s.indicator.is_none() {
                    return Err(IngestError::Catalogue(format!(
                        "source `{}`: fetch kind `els` needs the source's `indicator`",
                        s.id
                    )));
                }
            }
        }
        Ok(catalogue)
    }

    pub fn bundled() -> Result<Catalogue> {
        Self::parse(BUNDLED_CATALOGUE)
    }

    pub fn get(&self, id: &str) -> Option<&SourceDef> {
        self.sources.iter().find(|s| s.id == id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_catalogue_parses_and_covers_every_indicator_source() {
        let c = Catalogue::bundled().unwrap();
        for def in lmi_core::INDICATORS {
            for source in def.sources() {
                assert!(
                    c.get(source).is_some(),
                    "{source} ({}) has no catalogue entry",
                    def.id
                );
            }
        }
    }

    /// A `nomis_api` source: the population entry of issue 25 with `fetch` replaced.
    fn nomis_api_entry(fetch: &str) -> String {
        format!(
            r#"[[source]]
id = "pop"
title = "x"
publisher = "x"
dataset = "NM_2002_1"
format = "nomis_api"
licence = "x"
attribution = "x"
cadence = "x"
cycle = "annual"
url = "x"
local_paths = ["pop.csv"]
{fetch}
"#
        )
    }

    const POPULATION_FETCH: &str = r#"[source.fetch]
kind = "nomis"
dataset = "NM_2002_1"
release_label = "x"
queries = [{ geography = "TYPE424,2092957699", date = "latest", gender = "0", c_age = "203", measures = "20100" }]
measure_from = ["GENDER", "C_AGE", "MEASURES"]
measures = { "0:203:20100" = "pop_16_64" }"#;

    #[test]
    fn a_nomis_api_file_is_read_with_its_own_fetch_spec_and_other_cells_are_refused() {
        let err = Catalogue::parse(&nomis_api_entry("[source.fetch]\nkind = \"els\""))
            .unwrap_err()
            .to_string();
        assert!(err.contains("format nomis_api is read with"), "{err}");

        let c = Catalogue::parse(&nomis_api_entry(POPULATION_FETCH)).unwrap();
        let source = c.get("pop").unwrap();
        let header = "DATE,DATE_NAME,GEOGRAPHY,GEOGRAPHY_NAME,GEOGRAPHY_CODE,GENDER,GENDER_NAME,\
            C_AGE,C_AGE_NAME,MEASURES,MEASURES_NAME,OBS_VALUE,OBS_STATUS,OBS_CONF,RECORD_OFFSET,\
            RECORD_COUNT";
        let parse = |rows: &str| {
            let raw = crate::RawFile::from_bytes(
                std::path::Path::new("pop.csv"),
                format!("{header}\n{rows}").into_bytes(),
            )
            .unwrap();
            let mut out = crate::Observations::default();
            crate::parse_source(source, &raw, None, &mut out).map(|n| (n, out))
        };
        let (n, out) = parse(
            "2022,2022,0,Burnley,E07000117,0,Total,203,Aged 16 - 64,20100,Value,57000,A,F,0,2\n\
             2022,2022,0,England,E92000001,0,Total,203,Aged 16 - 64,20100,Value,36000000,A,F,1,2\n",
        )
        .unwrap();
        assert_eq!((n, out.len()), (2, 2));
        // Males are not what the catalogue asked for: no measure, an error naming the cell.
        let err = parse(
            "2022,2022,0,Burnley,E07000117,1,Male,203,Aged 16 - 64,20100,Value,28000,A,F,0,1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(err.contains("pop.csv") && err.contains("line 2"), "{err}");
        assert!(err.contains("1:203:20100"), "{err}");
        // A file cut short (fewer cells than RECORD_COUNT) is refused, not read in part.
        let err = parse(
            "2022,2022,0,Burnley,E07000117,0,Total,203,Aged 16 - 64,20100,Value,57000,A,F,0,2\n",
        )
        .unwrap_err()
        .to_string();
        assert!(
            err.contains("RECORD_COUNT 2 but 1 cell(s) arrived"),
            "{err}"
        );
    }

    #[test]
    fn every_bundled_source_can_be_fetched_over_http() {
        let c = Catalogue::bundled().unwrap();
        for s in c.sources.iter().filter(|s| !s.local_only) {
            let fetch = s
                .fetch
                .as_ref()
                .unwrap_or_else(|| panic!("{} has no [source.fetch]", s.id));
            fetch.check(&s.id).unwrap();
        }
    }

    #[test]
    fn an_unknown_format_is_a_catalogue_error() {
        let err = Catalogue::parse(
            r#"[[source]]
id = "x"
title = "x"
publisher = "x"
dataset = "x"
format = "spreadsheet"
licence = "x"
attribution = "x"
cadence = "x"
url = "x"
local_paths = []
"#,
        )
        .unwrap_err();
        assert!(err.to_string().contains("spreadsheet"), "{err}");
    }

    #[test]
    fn only_one_off_or_closed_sources_may_go_without_a_route() {
        let entry = |cycle: &str| {
            format!(
                r#"[[source]]
id = "x"
title = "x"
publisher = "x"
dataset = "x"
format = "ons_job_adverts"
licence = "x"
attribution = "x"
cadence = "x"
cycle = "{cycle}"
url = "x"
local_paths = []
local_only = true
"#
            )
        };
        let err = Catalogue::parse(&entry("annual")).unwrap_err().to_string();
        assert!(
            err.contains("its cycle is `annual`: catalogue its route"),
            "{err}"
        );
        Catalogue::parse(&entry("closed")).unwrap();
        Catalogue::parse(&entry("one_off")).unwrap();
        // At most three sources have no publisher route (issue 24), each one-off or closed.
        let c = Catalogue::bundled().unwrap();
        let local: Vec<&str> = c
            .sources
            .iter()
            .filter(|s| s.local_only)
            .map(|s| s.id.as_str())
            .collect();
        assert_eq!(
            local,
            [
                "dfe_ess2019_lea",
                "ons_online_job_adverts",
                "nomis_aps_t09a_occupation"
            ]
        );
    }
}
