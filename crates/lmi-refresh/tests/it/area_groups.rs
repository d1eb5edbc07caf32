//! A hub's own area groups file (setting `area_groups`): checked before the refresh, applied by
//! it, stored in the snapshot's registry, and part of what makes a refresh from the same files
//! publish again.

use lmi_refresh::{AreaGroups, DirOptions, DirRefresh, refresh_dir};
use lmi_store::Store;

const HUB_GROUPS: &str = r#"# A hub's groups, one listed under a retired district code.
[[group]]
code = "G-fylde-coast"
name = "Fylde coast"
description = "Blackpool, Fylde and Wyre"
members = ["E06000009", "E07000119", "E07000128"]
owner = "test hub"

[[group]]
code = "G-east-lancashire"
name = "East Lancashire"
description = "Burnley and Pendle"
members = ["E07000117", "E07000122"]
owner = "test hub"
notes = "Two districts"
"#;

fn options(groups: Option<AreaGroups>) -> DirOptions {
    DirOptions {
        area_groups: groups,
        ..DirOptions::default()
    }
}

#[test]
fn a_hubs_groups_file_is_applied_stored_and_refreshes_when_it_changes() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub_groups.toml");
    std::fs::write(&path, HUB_GROUPS).unwrap();
    let groups = AreaGroups::read(&path).unwrap();
    let data = tempfile::tempdir().unwrap();
    let store = Store::open(data.path());
    let catalogue = lmi_ingest::Catalogue::bundled().unwrap();
    let sample = lmi_testkit::sample_dir();
    let first = refresh_dir(&sample, &store, &catalogue, &options(Some(groups.clone()))).unwrap();
    let DirRefresh::Published(manifest) = first else {
        panic!("the first refresh publishes");
    };
    let note = manifest.geography.as_deref().unwrap();
    assert!(
        note.contains(&format!("2 area group(s) from {}", path.display())),
        "{note}"
    );
    let (snapshot, _, geography) = store.load_current_served().unwrap();
    let geography = geography.expect("the snapshot stores its registry");
    let east = geography.group("G-east-lancashire").unwrap();
    assert_eq!(east.members, ["E07000117", "E07000122"]);
    assert_eq!(east.file, path.display().to_string());
    assert!(
        geography.group("G-blackpool-fylde-wyre").is_none(),
        "the hub's file replaces the bundled example"
    );
    // The values were computed for the group: the sum of Burnley's and Pendle's counts.
    let value = |area: &str| {
        snapshot
            .values
            .iter()
            .filter(|v| v.indicator == "ks4_apprenticeship_rate" && v.area_code == area)
            .max_by(|a, b| a.period.cmp(&b.period))
            .cloned()
            .unwrap()
    };
    let (group, burnley, pendle) = (
        value("G-east-lancashire"),
        value("E07000117"),
        value("E07000122"),
    );
    assert_eq!(
        group.numerator,
        Some(burnley.numerator.unwrap() + pendle.numerator.unwrap())
    );
    assert_eq!(
        group.denominator,
        Some(burnley.denominator.unwrap() + pendle.denominator.unwrap())
    );
    // The same files and groups: nothing new. Changed groups: a new snapshot.
    let again = refresh_dir(&sample, &store, &catalogue, &options(Some(groups))).unwrap();
    assert!(matches!(again, DirRefresh::Unchanged(_)), "{again:?}");
    std::fs::write(&path, HUB_GROUPS.replace("Fylde coast", "The Fylde coast")).unwrap();
    let changed = AreaGroups::read(&path).unwrap();
    let third = refresh_dir(&sample, &store, &catalogue, &options(Some(changed))).unwrap();
    assert!(matches!(third, DirRefresh::Published(_)), "{third:?}");
}

#[test]
fn a_bad_groups_file_stops_the_refresh_naming_the_file_group_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("hub_groups.toml");
    std::fs::write(&path, HUB_GROUPS.replace("\"E07000122\"", "\"E07000999\"")).unwrap();
    let e = AreaGroups::read(&path).unwrap_err();
    assert!(e.is_config());
    assert_eq!(
        e.to_string(),
        format!(
            "area groups file {}: line 13, group `G-east-lancashire`: member `E07000999` is not \
             a current or retired district code lmi knows",
            path.display()
        )
    );
    let missing = AreaGroups::read(&dir.path().join("nope.toml")).unwrap_err();
    assert!(
        missing.to_string().starts_with(&format!(
            "area groups file {}: cannot be read",
            dir.path().join("nope.toml").display()
        )),
        "{missing}"
    );
}
