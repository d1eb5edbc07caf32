//! Finding areas and what an area is made of.

use crate::fixture::{geo, json, snapshot};
use lmi_core::{AreaType, Geography};
use lmi_report::queries;

#[test]
fn a_careers_adviser_finds_burnley_by_name() {
    let snap = snapshot(false);
    let body = json(queries::areas(&snap, geo(), "burnley", None, 100));
    assert_eq!(body["areas"][0]["code"], "E07000117");
    assert_eq!(body["areas"][0]["type"], "lad");
    let body = json(queries::areas(
        &snap,
        geo(),
        "burnley",
        Some(AreaType::Ttwa),
        100,
    ));
    assert_eq!(body["areas"][0]["code"], "E30000182");
    assert_eq!(body["total"], 1);
}

#[test]
fn an_area_lists_its_parents_and_ttwas() {
    let snap = snapshot(false);
    let body = json(queries::area_detail(&snap, geo(), "E07000117").unwrap());
    assert_eq!(body["area"]["name"], "Burnley");
    let parents: Vec<&str> = body["parents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    for code in [
        "E10000017",
        "E47000018",
        "E37000019",
        "E12000002",
        "E92000001",
    ] {
        assert!(parents.contains(&code), "{code} missing from {parents:?}");
    }
    assert!(
        body["ttwa_overlaps"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["code"] == "E30000182" && t["best_fit"] == true)
    );
    let body = json(queries::area_detail(&snap, geo(), "E47000018").unwrap());
    assert_eq!(body["lads"].as_array().unwrap().len(), 14);
}

#[test]
fn area_search_finds_misspellings_and_lists_a_countys_districts() {
    let snap = snapshot(false);
    let body = json(queries::areas(
        &snap,
        geo(),
        "blakburn",
        Some(AreaType::Lad),
        100,
    ));
    assert_eq!(body["areas"][0]["code"], "E06000008");
    assert_eq!(body["areas"][0]["match"], "fuzzy");
    let body = json(queries::area_detail(&snap, geo(), "E10000017").unwrap());
    let children: Vec<&str> = body["children"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert_eq!(children.len(), 12, "{children:?}");
    assert!(children.contains(&"E07000117"));
}

#[test]
fn a_ttwa_without_best_fit_districts_explains_the_gap() {
    let geography = Geography::bundled().unwrap();
    let orphan = geography
        .areas()
        .find(|a| a.area_type == AreaType::Ttwa && geography.member_lads(&a.code).is_empty())
        .unwrap();
    let snap = snapshot(false);
    let body = json(
        queries::area_series(
            &snap,
            geo(),
            &orphan.code,
            "ks4_apprenticeship_rate",
            None,
            None,
        )
        .unwrap(),
    );
    assert!(body["series"].as_array().unwrap().is_empty());
    assert!(
        body["notes"][0]
            .as_str()
            .unwrap()
            .contains("cannot be approximated"),
        "{body}"
    );
}

#[test]
fn a_retired_district_code_names_the_area_that_took_it_over() {
    let err = lmi_report::lookup::area(geo(), "E06000028")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("`E06000028` is a retired local authority district code")
            && err.contains("E06000058 Bournemouth, Christchurch and Poole"),
        "{err}"
    );
    let err = lmi_report::lookup::area(geo(), "E07999999")
        .unwrap_err()
        .to_string();
    assert!(err.contains("E07999999"), "{err}");
}
