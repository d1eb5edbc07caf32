//! Postcode lookups (issue 26) on the sample's synthetic postcode directory: the areas a
//! postcode lies in agree with the registry and the directory, whatever the spacing.

use crate::fixture;
use lmi_core::AreaType;
use lmi_core::demand::Demand;
use lmi_core::postcode::Postcode;
use lmi_report::ServedSnapshot;
use lmi_report::postcodes::postcode;
use proptest::prelude::*;
use std::sync::{Arc, OnceLock};

fn sample() -> &'static ServedSnapshot {
    static SNAP: OnceLock<ServedSnapshot> = OnceLock::new();
    SNAP.get_or_init(|| {
        let directory = lmi_testkit::postcodes::directory(&lmi_testkit::sample_dir());
        fixture::served(
            fixture::manifest(true, None),
            Demand {
                postcodes: Some(Arc::new(directory)),
                ..Demand::default()
            },
        )
    })
}

#[test]
fn any_spacing_and_case_finds_the_same_postcode() {
    let snap = sample();
    let answers: Vec<String> = ["PR1 0AA", "pr10aa", " PR1  0AA "]
        .iter()
        .map(|q| {
            let a = postcode(snap, fixture::geo(), Postcode::parse(q).unwrap()).unwrap();
            serde_json::to_string(&a).unwrap()
        })
        .collect();
    assert_eq!(answers[0], answers[1]);
    assert_eq!(answers[0], answers[2]);
    let a = postcode(snap, fixture::geo(), Postcode::parse("pr10aa").unwrap()).unwrap();
    assert_eq!(a.postcode, "PR1 0AA");
    assert_eq!(a.district.as_ref().unwrap().code, "E07000123");
    assert_eq!(a.district.as_ref().unwrap().url, "/v1/areas/E07000123");
    assert_eq!(a.ttwa.as_ref().unwrap().code, "E30000255");
    assert_eq!(a.county.as_ref().unwrap().code, "E10000017");
    assert_eq!(a.lsip.as_ref().unwrap().code, "E69000019");
    assert_eq!(a.combined_authority.as_ref().unwrap().code, "E47000018");
    assert_eq!(a.region.as_ref().unwrap().code, "E12000002");
    assert!(!a.terminated);
}

#[test]
fn a_terminated_postcode_says_so_and_a_retired_district_answers_with_its_successor() {
    let a = postcode(
        sample(),
        fixture::geo(),
        Postcode::parse("ZW1 1AA").unwrap(),
    )
    .unwrap();
    assert!(a.terminated);
    assert_eq!(a.terminated_on.as_deref(), Some("2019-06"));
    assert_eq!(a.district.as_ref().unwrap().code, "E06000060");
    let notes = a.notes.join(" ");
    assert!(notes.contains("terminated in 2019-06"), "{notes}");
    assert!(
        notes.contains("E07000004, since replaced by E06000060"),
        "{notes}"
    );
}

#[test]
fn unknown_postcodes_and_snapshots_without_a_directory_are_not_found() {
    let err = postcode(
        sample(),
        fixture::geo(),
        Postcode::parse("PR1 9ZZ").unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("PR1 9ZZ is not in the postcode directory"),
        "{err}"
    );
    let err = postcode(
        &fixture::snapshot(true),
        fixture::geo(),
        Postcode::parse("PR1 0AA").unwrap(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("no postcode directory in this snapshot"),
        "{err}"
    );
}

#[test]
fn search_lists_a_postcodes_areas_first_ttwa_first() {
    let body = lmi_report::queries::areas(sample(), fixture::geo(), "pr1 0aa", None, 10);
    let json = serde_json::to_value(&body).unwrap();
    assert_eq!(json["postcode"], "PR1 0AA");
    let areas = json["areas"].as_array().unwrap();
    assert_eq!(areas[0]["code"], "E30000255");
    assert_eq!(areas[0]["match"], "postcode");
    assert_eq!(areas[1]["code"], "E07000123");
    // Not a postcode: an ordinary search, no postcode field.
    let json = serde_json::to_value(lmi_report::queries::areas(
        sample(),
        fixture::geo(),
        "Preston",
        None,
        10,
    ))
    .unwrap();
    assert!(json.get("postcode").is_none());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    /// Every sample postcode's district is in its county and its region (the registry's
    /// parents), and they are the county and region the directory publishes.
    #[test]
    fn a_postcodes_district_is_in_its_county_and_region(i in 0usize..10_000) {
        let directory = sample().postcodes().unwrap();
        let record = directory.iter().nth(i % directory.len()).unwrap();
        let a = postcode(sample(), fixture::geo(), record.postcode).unwrap();
        let district = a.district.as_ref().unwrap();
        let parents: Vec<&str> = fixture::geo().parents(&district.code).iter().map(|p| p.code.as_str()).collect();
        let region = a.region.as_ref().unwrap();
        prop_assert_eq!(region.area_type, AreaType::Region);
        prop_assert!(parents.contains(&region.code.as_str()));
        prop_assert_eq!(Some(region.code.as_str()), record.region_code);
        match (&a.county, record.county_code) {
            (Some(c), Some(published)) => {
                prop_assert!(parents.contains(&c.code.as_str()));
                prop_assert_eq!(c.code.as_str(), published);
            }
            (None, None) => {}
            (ours, published) => prop_assert!(false, "county {:?} against the directory's {:?}", ours.as_ref().map(|c| &c.code), published),
        }
        // The TTWA answered is the one lmi counts the postcode's LSOA in.
        let lsoa = record.lsoa_code.unwrap();
        prop_assert_eq!(
            a.ttwa.as_ref().map(|t| t.code.as_str()),
            fixture::geo().geography.ttwa_of_small_area(lsoa)
        );
    }
}
