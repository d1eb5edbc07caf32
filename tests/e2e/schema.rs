//! The tables that cross crates have one schema (`lmi_core::schema`): what ingest writes is what
//! the pipeline reads, and what the pipeline writes is what the store keeps and loads back.

use lmi_core::schema;
use lmi_ingest::Catalogue;
use lmi_store::{SnapshotInput, Store};

fn names(df: &polars::prelude::DataFrame) -> Vec<String> {
    df.get_column_names()
        .into_iter()
        .map(ToString::to_string)
        .collect()
}

#[test]
fn observations_and_values_round_trip_through_pipeline_store_and_load() {
    let sample = lmi_testkit::sample_dir();
    let loaded = lmi_ingest::load_from_dir(&sample, &Catalogue::bundled().unwrap()).unwrap();
    assert_eq!(names(&loaded.observations), schema::observations::COLUMNS);

    let geography = lmi_core::Geography::bundled().unwrap();
    let output =
        lmi_pipeline::compute(&loaded.observations, geography, lmi_core::INDICATORS).unwrap();
    assert_eq!(names(&output.values), schema::values::COLUMNS);

    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path());
    let (mut values, mut observations) = (output.values.clone(), loaded.observations.clone());
    let manifest = store
        .publish(
            &mut values,
            &mut observations,
            SnapshotInput {
                sources: loaded.provenance,
                sample: loaded.sample,
                warnings: Vec::new(),
                inputs_sha256: None,
                geography: Some(lmi_core::GeographyFiles::bundled()),
                geography_note: None,
            },
        )
        .unwrap();
    // Kept and read back with the same columns and rows.
    let kept = store.load_observations(&manifest.version).unwrap();
    assert_eq!(names(&kept), schema::observations::COLUMNS);
    assert_eq!(kept.height(), loaded.observations.height());
    let snapshot = store.load(&manifest.version).unwrap();
    assert_eq!(snapshot.values.len(), output.values.height());
    // Every field of a value survives: Burnley's KS4 apprenticeship rate, row for row.
    let frame = &output.values;
    let text = |c: &str, i: usize| {
        frame
            .column(c)
            .unwrap()
            .str()
            .unwrap()
            .get(i)
            .map(str::to_owned)
    };
    let i = (0..frame.height())
        .find(|&i| {
            text(schema::values::INDICATOR, i).as_deref() == Some("ks4_apprenticeship_rate")
                && text(schema::values::AREA_CODE, i).as_deref() == Some("E07000117")
        })
        .expect("a Burnley value");
    let period = text(schema::values::PERIOD, i).unwrap();
    let v = snapshot
        .values
        .iter()
        .find(|v| {
            v.indicator == "ks4_apprenticeship_rate"
                && v.area_code == "E07000117"
                && v.period == period
        })
        .unwrap();
    let float = |c: &str| frame.column(c).unwrap().f64().unwrap().get(i);
    assert_eq!(v.numerator, float(schema::values::NUMERATOR));
    assert_eq!(v.denominator, float(schema::values::DENOMINATOR));
    assert_eq!(v.value, float(schema::values::VALUE));
    assert_eq!(v.status.as_str(), text(schema::values::STATUS, i).unwrap());
    assert_eq!(v.derived.change_1, float(schema::values::CHANGE_1));
    assert_eq!(
        v.derived.gap_to_england,
        float(schema::values::GAP_TO_ENGLAND)
    );
}
