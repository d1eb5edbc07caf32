//! Router tests of the postcode route and postcode search on the test snapshot with the
//! sample's synthetic postcode directory: statuses and problem+json; what they answer is tested
//! in lmi-report.

use axum::http::StatusCode;
use lmi_core::demand::Demand;
use std::sync::Arc;

fn with_postcodes() -> crate::AppState {
    let directory = lmi_testkit::postcodes::directory(&lmi_testkit::sample_dir());
    super::tests::builder(true)
        .demand(Demand {
            postcodes: Some(Arc::new(directory)),
            ..Demand::default()
        })
        .build()
}

#[tokio::test]
async fn a_postcode_in_any_spacing_answers_its_areas_and_bad_ones_are_problems() {
    for uri in [
        "/v1/postcodes/PR1%200AA",
        "/v1/postcodes/pr10aa",
        "/v1/postcodes/%20PR1%20%200AA%20",
    ] {
        let (status, _, body) = super::tests::get(with_postcodes(), uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        assert_eq!(body["postcode"], "PR1 0AA", "{uri}");
        assert_eq!(body["ttwa"]["code"], "E30000255");
        assert_eq!(body["ttwa"]["url"], "/v1/areas/E30000255");
        assert_eq!(body["meta"]["sample"], true);
        assert!(
            body["meta"]["licence"]
                .as_str()
                .unwrap()
                .contains("Open Government Licence")
        );
    }
    for (uri, want, needle) in [
        (
            "/v1/postcodes/PR1%201A1",
            StatusCode::BAD_REQUEST,
            "inward code `1A1`",
        ),
        (
            "/v1/postcodes/not-a-postcode",
            StatusCode::BAD_REQUEST,
            "is not a UK postcode",
        ),
        (
            "/v1/postcodes/PR1%209ZZ",
            StatusCode::NOT_FOUND,
            "PR1 9ZZ is not in the postcode directory",
        ),
    ] {
        let (status, ct, body) = super::tests::get(with_postcodes(), uri).await;
        assert_eq!(status, want, "{uri}: {body}");
        assert_eq!(ct, "application/problem+json", "{uri}");
        assert!(
            body["detail"].as_str().unwrap().contains(needle),
            "{uri}: {body}"
        );
    }
    // A snapshot published without a directory says so.
    let (status, _, body) =
        super::tests::get(super::tests::state(false), "/v1/postcodes/PR10AA").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        body["detail"]
            .as_str()
            .unwrap()
            .contains("no postcode directory in this snapshot"),
        "{body}"
    );
}

#[tokio::test]
async fn search_by_postcode_lists_its_areas_first() {
    for uri in ["/v1/areas?q=pr1%200aa", "/v1/areas?postcode=PR10AA"] {
        let (status, _, body) = super::tests::get(with_postcodes(), uri).await;
        assert_eq!(status, StatusCode::OK, "{uri}: {body}");
        assert_eq!(body["postcode"], "PR1 0AA");
        assert_eq!(body["areas"][0]["code"], "E30000255");
        assert_eq!(body["areas"][0]["match"], "postcode");
    }
}
