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
        .filter(|a| a["type"] == "lad")
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

// Area groups (issue 26): the hub's own groups of districts are areas like any other.

#[test]
fn an_area_group_shows_its_definition_members_and_parents() {
    let snap = snapshot(false);
    let body = json(queries::area_detail(&snap, geo(), "G-blackpool-fylde-wyre").unwrap());
    assert_eq!(body["area"]["name"], "Blackpool, Fylde and Wyre");
    assert_eq!(body["area"]["type"], "group");
    assert_eq!(body["type_label"], "Area group");
    let group = &body["group"];
    assert_eq!(group["defined_by"], "user_defined");
    assert_eq!(
        group["file"],
        "datasets/area_groups.toml (the example bundled with lmi)"
    );
    assert_eq!(
        group["members"],
        serde_json::json!(["E06000009", "E07000119", "E07000128"])
    );
    assert!(group["owner"].as_str().unwrap().contains("Lancashire"));
    assert!(
        group["note"]
            .as_str()
            .unwrap()
            .contains("survey estimates and published rates are never summed"),
        "{group}"
    );
    let lads: Vec<&str> = body["lads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["name"].as_str().unwrap())
        .collect();
    assert_eq!(lads, ["Blackpool", "Fylde", "Wyre"]);
    let parents: Vec<&str> = body["parents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    // Lancashire CA, its LEP and LSIP, the North West and England hold all three districts;
    // Lancashire county does not (Blackpool is a unitary).
    for code in ["E47000018", "E37000019", "E12000002", "E92000001"] {
        assert!(parents.contains(&code), "{code} missing from {parents:?}");
    }
    assert!(!parents.contains(&"E10000017"), "{parents:?}");
    let comparators: Vec<&str> = body["comparators"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(comparators, ["E47000018", "E12000002", "E92000001"]);
    // Other areas have no group definition.
    let burnley = json(queries::area_detail(&snap, geo(), "E07000117").unwrap());
    assert!(burnley.get("group").is_none());
}

#[test]
fn lancashire_combined_authority_lists_the_hubs_groups_as_children() {
    let snap = snapshot(false);
    let body = json(queries::area_detail(&snap, geo(), "E47000018").unwrap());
    let groups: Vec<&str> = body["children"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["type"] == "group")
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(groups.len(), 5, "{groups:?}");
    assert!(groups.contains(&"G-blackpool-fylde-wyre"));
    // A group is no child of Lancashire county: it holds a unitary.
    let county = json(queries::area_detail(&snap, geo(), "E10000017").unwrap());
    assert!(
        !county["children"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["code"] == "G-blackpool-fylde-wyre")
    );
    // A district lies in its group.
    let fylde = json(queries::area_detail(&snap, geo(), "E07000119").unwrap());
    assert!(
        fylde["parents"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p["code"] == "G-blackpool-fylde-wyre")
    );
}

#[test]
fn search_finds_an_area_group_by_name_and_by_type() {
    let snap = snapshot(false);
    let body = json(queries::areas(&snap, geo(), "fylde", None, 100));
    let codes: Vec<&str> = body["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"G-blackpool-fylde-wyre"), "{codes:?}");
    let body = json(queries::areas(
        &snap,
        geo(),
        "pennine",
        Some(AreaType::Group),
        100,
    ));
    assert_eq!(body["total"], 1);
    assert_eq!(body["areas"][0]["code"], "G-pennine-lancashire");
    let all = json(queries::areas(&snap, geo(), "", Some(AreaType::Group), 100));
    assert_eq!(all["total"], 5);
}

#[test]
fn an_area_group_is_compared_with_ttwas_by_its_code() {
    let snap = snapshot(false);
    let body = json(
        queries::compare(
            &snap,
            geo(),
            &["E30000255", "G-blackpool-fylde-wyre"],
            "ks4_apprenticeship_rate",
            None,
            None,
        )
        .unwrap(),
    );
    let names: Vec<&str> = body["areas"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["area"]["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Preston", "Blackpool, Fylde and Wyre"]);
    let bad = queries::compare(
        &snap,
        geo(),
        &["G-Bad"],
        "ks4_apprenticeship_rate",
        None,
        None,
    );
    assert!(bad.is_err());
}
