//! The working-age population route (Nomis `NM_2002_1`, issue 25) on the emulated Nomis, built
//! from the documented query and the generic Nomis API layout (no real answer is held): a
//! fetching refresh reads every district and England, gives the pipeline what `refresh --from`
//! gives it from the same file, and enterprises per 1,000 working-age residents divide one
//! source's sums by the other's for the same year.

use crate::support::*;
use lmi_core::Resolved;
use lmi_fetch::Outcome;
use std::collections::HashMap;

const POPULATION: &str = "nomis_population_16_64";
const UKBC: &str = "nomis_ukbc_enterprises";
const BURNLEY: &str = "E07000117";
const LANCASHIRE_CA: &str = "E47000018";

/// (area, period) -> value of one measure of one source in the sample's observations.
fn sample_values(source: &str, measure: &str) -> HashMap<(String, String), f64> {
    let loaded =
        lmi_ingest::load_from_dir(&lmi_testkit::sample_dir(), &catalogue_without_lsoa()).unwrap();
    let df = lmi_ingest::filter_sources(&loaded.observations, &[source], true).unwrap();
    let col = |c: &str| df.column(c).unwrap().str().unwrap().clone();
    let (area, period, m) = (col("area_code"), col("period"), col("measure"));
    let value = df.column("value").unwrap().f64().unwrap().clone();
    (0..df.height())
        .filter(|&i| m.get(i) == Some(measure))
        .map(|i| {
            (
                (
                    area.get(i).unwrap().to_owned(),
                    period.get(i).unwrap().to_owned(),
                ),
                value.get(i).unwrap(),
            )
        })
        .collect()
}

#[test]
fn the_population_route_is_fetched_and_rates_divide_matched_years() {
    let mock = sample_mock();
    assert!(mock.population_cells() > PAGE, "the sample pages NM_2002_1");
    let data = tempfile::tempdir().unwrap();
    let report = refresh(data.path(), &mock);
    assert_eq!(outcome(&report, POPULATION), Outcome::Fetched);
    let of = report
        .sources
        .iter()
        .find(|s| s.source_id == POPULATION)
        .unwrap();
    assert_eq!(of.rows as u64, mock.population_cells());
    let snapshot = current(data.path());
    match &provenance(&snapshot, POPULATION).resolved {
        Some(Resolved::Nomis {
            dataset, queries, ..
        }) => {
            assert_eq!(dataset, "NM_2002_1");
            assert!(
                queries[0].contains("gender=0") && queries[0].contains("c_age=203"),
                "{queries:?}"
            );
        }
        other => panic!("{other:?}"),
    }

    // `refresh --from` over the file the emulator served: the same observations.
    let from_dir = tempfile::tempdir().unwrap();
    from_files(
        &lmi_testkit::sample_dir(),
        from_dir.path(),
        &catalogue_without_lsoa(),
    )
    .unwrap();
    let disk_version = current(from_dir.path()).manifest.version;
    let live = observations_of(data.path(), &snapshot.manifest.version, POPULATION);
    assert!(!live.is_empty());
    assert_eq!(
        live,
        observations_of(from_dir.path(), &disk_version, POPULATION)
    );

    // Values: the population as summed, the rate as the ratio of the two sources' sums.
    let population = sample_values(POPULATION, "pop_16_64");
    let enterprises = sample_values(UKBC, "ukbc_enterprises");
    let values = snapshot.values.clone();
    let served = |indicator: &str, area: &str, period: &str| -> Option<f64> {
        values
            .iter()
            .find(|v| v.indicator == indicator && v.area_code == area && v.period == period)
            .and_then(|v| v.value)
    };
    let key = |area: &str, year: &str| (area.to_owned(), year.to_owned());
    let burnley_pop = population[&key(BURNLEY, "2022")];
    let burnley_ent = enterprises[&key(BURNLEY, "2022")];
    assert_eq!(
        served("working_age_population", BURNLEY, "2022"),
        Some(burnley_pop)
    );
    let rate = served("enterprises_per_1k_working_age", BURNLEY, "2022").unwrap();
    assert!(
        (rate - burnley_ent / burnley_pop * 1_000.0).abs() < 1e-9,
        "{rate}"
    );
    // The combined authority: sums of its districts on both sides, never a mean of rates.
    let members = lmi_core::Geography::bundled()
        .unwrap()
        .member_lads(LANCASHIRE_CA);
    let sum = |m: &HashMap<(String, String), f64>| -> f64 {
        members.iter().map(|l| m[&key(&l.code, "2022")]).sum()
    };
    let ca_rate = served("enterprises_per_1k_working_age", LANCASHIRE_CA, "2022").unwrap();
    assert!((ca_rate - sum(&enterprises) / sum(&population) * 1_000.0).abs() < 1e-9);
    // Years the population has and the business counts do not (2016, 2017) have no rate.
    assert!(population.contains_key(&key(BURNLEY, "2016")));
    assert!(!enterprises.contains_key(&key(BURNLEY, "2016")));
    assert_eq!(
        served("enterprises_per_1k_working_age", BURNLEY, "2016"),
        None
    );
    println!(
        "Burnley 2022 (synthetic sample): {burnley_pop} residents aged 16-64, {burnley_ent} \
         enterprises, {rate:.2} per 1,000; Lancashire CA {ca_rate:.2} per 1,000"
    );
}
