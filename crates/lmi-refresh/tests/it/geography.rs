//! The area registry as a source: ONS's district lookup read each refresh, the registry it
//! gives stored in the snapshot, and a district ONS re-codes keeping its series.

use crate::support::*;
use lmi_testkit::{FaultKind, Target};
use std::collections::BTreeMap;

const BURNLEY: &str = "E07000117";
const RECODED: &str = "E07000999";

/// Every value of the current snapshot, by key with `from` read as `to`.
fn values_renamed(data: &std::path::Path, from: &str, to: &str) -> BTreeMap<String, String> {
    current(data)
        .values
        .iter()
        .map(|x| {
            let mut x = x.clone();
            if x.area_code == from {
                x.area_code = to.to_owned();
            }
            (key_of(&x), shown(&x))
        })
        .collect()
}

/// ONS re-codes Burnley; DfE's files follow.
fn recode_burnley(mock: &lmi_testkit::MockPublishers) {
    mock.recode_district(BURNLEY, RECODED);
    mock.inject(
        Target::Ees,
        FaultKind::ReplaceCode {
            from: BURNLEY.into(),
            to: RECODED.into(),
        },
        u32::MAX,
    );
}

#[test]
fn a_district_ons_recodes_keeps_its_series_whichever_code_each_source_uses() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let first = refresh(data.path(), &mock);
    assert!(!first.is_partial(), "{:?}", first.carried);
    assert_eq!(
        outcome(&first, "ons_lad_lsip_lookup"),
        lmi_fetch::Outcome::Fetched
    );
    let manifest = first.published.unwrap();
    let note = manifest.geography.as_deref().unwrap();
    assert!(
        note.contains("ons_lad_lsip_lookup (296 districts): no change"),
        "{note}"
    );
    let before = values_renamed(data.path(), BURNLEY, RECODED);
    assert!(before.keys().any(|k| k.contains(RECODED)));

    // ONS re-codes Burnley; DfE's files follow, Nomis's census stays on the old code.
    recode_burnley(&mock);
    let second = refresh(data.path(), &mock);
    assert!(!second.is_partial(), "{:?}", second.carried);
    let manifest = second.published.unwrap();
    let note = manifest.geography.as_deref().unwrap();
    assert!(
        note.contains(&format!("Burnley re-coded {BURNLEY} -> {RECODED}")),
        "{note}"
    );
    // The snapshot's registry knows the new code and maps the old one to it.
    let store = lmi_store::Store::open(data.path());
    let (_, _, geography) = store.load_current_served().unwrap();
    let geography = geography.unwrap();
    assert_eq!(geography.area(RECODED).unwrap().name, "Burnley");
    assert_eq!(geography.current_lad(BURNLEY), Some(RECODED));
    // Every value is as before, Burnley's under its new code: the destination series (now
    // published under the new code) and the census (still under the old) alike, and the
    // county, TTWA and region sums neither lose Burnley nor count it twice.
    let after = values_by_key(data.path());
    assert!(
        !after.keys().any(|k| k.contains(BURNLEY)),
        "old code served"
    );
    let ks4: Vec<&String> = after
        .keys()
        .filter(|k| k.starts_with(&format!("ks4_apprenticeship_rate {RECODED} ")))
        .collect();
    assert!(ks4.len() >= 3, "{ks4:?}");
    assert!(
        after
            .keys()
            .any(|k| k.starts_with(&format!("census_level4plus_share {RECODED} ")))
    );
    assert_eq!(before, after);
}

#[test]
fn a_lookup_lmi_cannot_read_goes_stale_and_the_registry_it_gave_is_kept() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    recode_burnley(&mock);
    let first = refresh(data.path(), &mock);
    assert!(!first.is_partial(), "{:?}", first.carried);
    // The service answers an error object (a renamed service, a bad query): the lookup source
    // is stale, its last rows are carried over, and the registry they gave stays.
    mock.inject(Target::Geography, FaultKind::Status(500), u32::MAX);
    // A new DfE release at the same time, so the refresh has something to publish.
    mock.inject(Target::Ees, FaultKind::KeepRows { keep: 1_000_000 }, 1);
    let options = options(data.path(), &mock);
    let second =
        lmi_refresh::refresh_live(&options, &store_of(&options), &lmi_fetch::NoProgress).unwrap();
    assert_eq!(
        outcome(&second, "ons_lad_lsip_lookup"),
        lmi_fetch::Outcome::Failed
    );
    if let Some(manifest) = second.published {
        assert!(
            manifest
                .geography
                .as_deref()
                .unwrap()
                .contains(&format!("Burnley re-coded {BURNLEY} -> {RECODED}")),
            "{:?}",
            manifest.geography
        );
    }
    let store = lmi_store::Store::open(data.path());
    let (_, _, geography) = store.load_current_served().unwrap();
    assert_eq!(geography.unwrap().area(RECODED).unwrap().name, "Burnley");
}
