//! The postcode directory (issue 26) over the emulated Open Geography Portal: a fetching refresh
//! pages the feature service with `resultOffset` until `exceededTransferLimit` is false, and the
//! snapshot's postcode directory holds every postcode of the file it served, with its codes.

use crate::support::*;
use lmi_core::postcode::Postcode;
use lmi_fetch::Outcome;
use lmi_ingest::FetchSpec;
use lmi_store::Store;

const SOURCE: &str = "ons_nspl";
/// Rows a page here: the sample's 733 postcodes take 8 pages.
const PAGE_SIZE: u32 = 100;

#[test]
fn the_postcode_directory_is_paged_from_the_emulated_portal_into_the_snapshot() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let mut options = options(data.path(), &mock);
    let source = options
        .catalogue
        .sources
        .iter_mut()
        .find(|s| s.id == SOURCE)
        .unwrap();
    match source.fetch.as_mut() {
        Some(FetchSpec::Arcgis(a)) => a.page_size = Some(PAGE_SIZE),
        other => panic!("{SOURCE} is fetched from a feature service, found {other:?}"),
    }
    let report = lmi_refresh::refresh_live(&options, &store_of(&options), &lmi_fetch::NoProgress)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!report.is_partial(), "{:?}", report.carried);
    assert_eq!(outcome(&report, SOURCE), Outcome::Fetched);

    // Every page asked for, in order, and no more.
    let offsets: Vec<String> = mock
        .log()
        .iter()
        .filter(|l| l.path.contains(lmi_testkit::postcodes::NSPL_SERVICE))
        .map(|l| {
            l.query
                .split('&')
                .find_map(|p| p.strip_prefix("resultOffset="))
                .unwrap_or("")
                .to_owned()
        })
        .collect();
    assert_eq!(
        offsets,
        (0..8)
            .map(|i| (i * PAGE_SIZE).to_string())
            .collect::<Vec<_>>()
    );

    // The directory served holds every postcode of the file, with the file's codes.
    let store = Store::open(data.path());
    let (_, demand, _) = store.load_current_served().unwrap();
    let served = demand.postcodes.expect("a postcode directory");
    let file = lmi_testkit::postcodes::directory(&lmi_testkit::sample_dir());
    assert_eq!(served.len(), 733);
    assert_eq!(*served, file);
    let preston = served.get(Postcode::parse("PR1 0AA").unwrap()).unwrap();
    assert_eq!(preston.lad_code, "E07000123");
    assert_eq!(preston.ttwa_code, Some("E30000255"));
    assert_eq!(preston.county_code, Some("E10000017"));
    assert_eq!(preston.terminated, None);
    // The postcode rows never reach an indicator, and are kept in the stored observations.
    let observations = store
        .load_observations(&report.published.unwrap().version)
        .unwrap();
    assert_eq!(
        lmi_ingest::postcode_table(&observations)
            .unwrap()
            .unwrap()
            .height(),
        733
    );
}
