//! The emulator speaks each publisher's routes as a client finds them: EES releases, paged data
//! set listings and GUID downloads with weak ETags; the ELS repository through GitHub's tree API
//! and raw files; Nomis APS variable 1902. Runs on `datasets/sample`, and on the real files too
//! when `LMI_REAL_DATA` is set.

// Test and benchmark code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

use lmi_testkit::{
    APS_RQF4_DATES, ELS_OWNER, ELS_REPO, FaultKind, MockPublishers, NOMIS_APS_PATH,
    NOMIS_DATASET_PATH, Target, sample_dir,
};
use reqwest::StatusCode;
use serde_json::Value;
use std::collections::HashMap;

const KS4: &str = "key-stage-4-destination-measures";

fn sample() -> MockPublishers {
    MockPublishers::start(&sample_dir(), 25_000)
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

async fn json(url: &str) -> (StatusCode, Value) {
    let r = client().get(url).send().await.unwrap();
    let status = r.status();
    (status, r.json().await.unwrap())
}

async fn text(url: &str) -> (StatusCode, String) {
    let r = client().get(url).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

fn rows(csv: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_reader(csv.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    reader
        .records()
        .map(|r| {
            let r = r.unwrap();
            header
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

/// `(release version id, file id)` of the LAD data set, found as a client would: the releases
/// list, then every page of data-set-files.
async fn discover(mock: &MockPublishers, publication: &str, latest: bool) -> (String, Value) {
    let ees = mock.ees_base();
    let (_, releases) = json(&format!("{ees}/api/publications/{publication}/releases")).await;
    let release = releases
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["latestRelease"] == latest)
        .unwrap();
    let id = release["id"].as_str().unwrap().to_owned();
    let mut page = 1;
    loop {
        let (_, list) = json(&format!(
            "{ees}/api/data-set-files?releaseId={id}&page={page}&pageSize=40"
        ))
        .await;
        if let Some(d) = list["results"].as_array().unwrap().iter().find(|d| {
            d["meta"]["geographicLevels"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l == "Local authority district")
        }) {
            return (id, d.clone());
        }
        assert!(page < list["paging"]["totalPages"].as_i64().unwrap());
        page += 1;
    }
}

#[tokio::test]
async fn a_publication_lists_its_releases_newest_first_with_version_ids() {
    let mock = sample();
    let (status, list) = json(&format!(
        "{}/api/publications/{KS4}/releases",
        mock.ees_base()
    ))
    .await;
    assert_eq!(status, 200);
    let list = list.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let latest = &list[0];
    assert_eq!(latest["slug"], "2023-24");
    assert_eq!(latest["title"], "Academic year 2023/24");
    assert_eq!(latest["yearTitle"], "2023/24");
    assert_eq!(latest["coverageTitle"], "Academic year");
    assert_eq!(latest["type"], "AccreditedOfficialStatistics");
    assert_eq!(latest["latestRelease"], true);
    assert_eq!(list[1]["latestRelease"], false);
    let id = latest["id"].as_str().unwrap();
    assert_eq!(id.len(), 36);
    assert_ne!(latest["id"], latest["releaseId"]);
    assert_eq!(mock.release_ids(KS4, "2023-24").0, id);
    assert!(
        latest.get("nextReleaseDate").is_none(),
        "nulls are left out"
    );

    let (status, _) = text(&format!(
        "{}/api/publications/no-such-thing/releases",
        mock.ees_base()
    ))
    .await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn the_lad_data_set_is_on_the_second_page_of_forty_and_pages_over_forty_are_refused() {
    let mock = sample();
    let ees = mock.ees_base();
    let (id, lad_file) = mock.release_ids(KS4, "2022-23");
    let page = |n: u32, size: u32| {
        format!("{ees}/api/data-set-files?releaseId={id}&page={n}&pageSize={size}")
    };
    let (status, first) = json(&page(1, 40)).await;
    assert_eq!(status, 200);
    assert_eq!(
        first["paging"],
        serde_json::json!({"page": 1, "pageSize": 40, "totalResults": 48, "totalPages": 2})
    );
    let file_ids = |v: &Value| -> Vec<String> {
        v["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["fileId"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(file_ids(&first).len(), 40);
    assert!(!file_ids(&first).contains(&lad_file));
    let (_, second) = json(&page(2, 40)).await;
    let lad = second["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["fileId"] == lad_file.as_str())
        .unwrap();
    assert_eq!(
        lad["title"],
        "Key stage 4 leavers local authority level destinations"
    );
    assert_eq!(lad["filename"], "ks4_dm_ud_202223_la_rev.csv");
    assert_eq!(lad["release"]["id"], id.as_str());
    assert_eq!(lad["release"].as_object().unwrap().len(), 3);
    assert_eq!(lad["publication"]["slug"], KS4);
    assert_eq!(lad["latestData"], false);
    assert_eq!(
        lad["meta"]["geographicLevels"],
        serde_json::json!([
            "Local authority",
            "Local authority district",
            "National",
            "Regional"
        ])
    );
    assert_eq!(lad["meta"]["numDataFileRows"], 1480);
    assert_eq!(
        lad["meta"]["timePeriodRange"],
        serde_json::json!({"from": "2018/19", "to": "2022/23"})
    );

    let (status, refused) = json(&page(1, 41)).await;
    assert_eq!(status, 400);
    assert_eq!(refused["status"], 400);
    assert_eq!(refused["errors"][0]["path"], "pageSize");
    let (status, _) = json(&page(0, 10)).await;
    assert_eq!(status, 400);

    for unknown in ["not-a-guid", "00000000-0000-4000-8000-000000000000"] {
        let (status, empty) = json(&format!("{ees}/api/data-set-files?releaseId={unknown}")).await;
        assert_eq!(status, 200);
        assert_eq!(empty["results"], serde_json::json!([]));
    }
}

#[tokio::test]
async fn a_download_has_a_weak_md5_etag_and_answers_304_when_unchanged() {
    let mock = sample();
    let (release, file) = mock.release_ids(KS4, "2022-23");
    let url = format!("{}/api/releases/{release}/files/{file}", mock.ees_base());
    let r = client().get(&url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    let last_modified = r.headers()["last-modified"].to_str().unwrap().to_owned();
    assert_eq!(last_modified, "Thu, 17 Oct 2024 08:30:00 GMT");
    assert_eq!(
        r.headers()["content-disposition"],
        "attachment; filename=ks4_dm_ud_202223_la_rev.csv"
    );
    let body = r.bytes().await.unwrap();
    assert_eq!(
        body.as_ref(),
        std::fs::read(sample_dir().join("dfe/ks4_destinations_lad.csv")).unwrap()
    );
    use md5::Digest;
    assert_eq!(
        etag,
        format!("W/\"{}\"", hex::encode(md5::Md5::digest(&body)))
    );

    let again = client()
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    let since = client()
        .get(&url)
        .header("If-Modified-Since", &last_modified)
        .send()
        .await
        .unwrap();
    assert_eq!(since.status(), 304);

    let ees = mock.ees_base();
    for bad in [
        format!("{ees}/api/releases/{KS4}-2022-23/files/ks4-destination-measures-lad"),
        format!("{ees}/api/releases/{release}/files/00000000-0000-4000-8000-000000000000"),
    ] {
        assert_eq!(text(&bad).await.0, 404, "{bad}");
    }
}

#[tokio::test]
async fn the_long_ks4_file_carries_the_wide_counts_one_year_earlier() {
    let mock = sample();
    let (release, data_set) = discover(&mock, KS4, true).await;
    assert_eq!(data_set["title"], "Key stage 4 leavers destinations");
    assert_eq!(data_set["filename"], "ks4_dm_202324_lad.csv");
    let file = data_set["fileId"].as_str().unwrap();
    let (_, long) = text(&format!(
        "{}/api/releases/{release}/files/{file}",
        mock.ees_base()
    ))
    .await;
    let long = rows(&long);
    let wide =
        rows(&std::fs::read_to_string(sample_dir().join("dfe/ks4_destinations_lad.csv")).unwrap());
    let lancashire: Vec<_> = wide
        .iter()
        .filter(|r| r["lad_name"] == "West Lancashire")
        .collect();
    assert_eq!(lancashire.len(), 5);
    for w in lancashire {
        let year: i32 = w["time_period"][..4].parse().unwrap();
        let cohort_year = format!("{}{:02}", year - 1, year % 100);
        for (description, column) in [
            ("All education", "education"),
            ("All apprenticeships", "appren"),
            ("All employment", "all_work"),
            ("All notsust", "all_notsust"),
            ("All unknown", "all_unknown"),
        ] {
            let l = long
                .iter()
                .find(|l| {
                    l["lad_code"] == w["lad_code"]
                        && l["time_period"] == cohort_year
                        && l["destination_description"] == description
                })
                .unwrap();
            assert_eq!(l["pupil_count"], w[column]);
            assert_eq!(l["cohort_count"], w["cohort"]);
            assert_eq!(
                l["establishment_type_group"],
                "State-funded mainstream schools"
            );
            let percent: f64 =
                w[column].parse::<f64>().unwrap() / w["cohort"].parse::<f64>().unwrap() * 100.0;
            assert!((l["pupil_percent"].parse::<f64>().unwrap() - percent).abs() <= 0.05);
        }
    }
    // Suppressed counts stay suppressed.
    assert!(long.iter().any(|l| l["lad_code"] == "E09000001"
        && l["pupil_count"] == "c"
        && l["pupil_percent"] == "c"));
}

#[tokio::test]
async fn a_new_release_appears_when_shown_and_marked_latest() {
    let mock = sample();
    mock.hide_release(KS4, "2023-24");
    mock.set_latest(KS4, "2022-23");
    let (old, _) = discover(&mock, KS4, true).await;
    assert_eq!(old, mock.release_ids(KS4, "2022-23").0);
    let (new, new_file) = mock.release_ids(KS4, "2023-24");
    let hidden = format!("{}/api/releases/{new}/files/{new_file}", mock.ees_base());
    assert_eq!(text(&hidden).await.0, 404);

    mock.show_release(KS4, "2023-24");
    mock.set_latest(KS4, "2023-24");
    let (latest, d) = discover(&mock, KS4, true).await;
    assert_eq!(latest, new);
    assert_eq!(d["latestData"], true);
    assert_eq!(text(&hidden).await.0, 200);

    mock.rename_data_set(
        KS4,
        "2023-24",
        "Key stage 4 leavers destinations",
        "KS4 destinations (LAD)",
    );
    let (_, d) = discover(&mock, KS4, true).await;
    assert_eq!(d["title"], "KS4 destinations (LAD)");
    assert_eq!(
        d["fileId"],
        new_file.as_str(),
        "a retitled data set keeps its ids"
    );

    mock.remove_release(KS4, "2022-23");
    let (_, list) = json(&format!(
        "{}/api/publications/{KS4}/releases",
        mock.ees_base()
    ))
    .await;
    assert_eq!(list.as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn the_fe_participation_file_is_per_lad_with_rates_per_100000() {
    let mock = sample();
    let (release, d) = discover(&mock, "further-education-and-skills", true).await;
    assert_eq!(d["filename"], "fes-geography-population-202425-q4.csv");
    let file = d["fileId"].as_str().unwrap();
    let (_, body) = text(&format!(
        "{}/api/releases/{release}/files/{file}",
        mock.ees_base()
    ))
    .await;
    let fe = rows(&body);
    assert!(fe.iter().any(|r| r["geographic_level"] == "National"));
    assert!(fe.iter().any(|r| r["age_summary"] == "19-24"));
    // Levels and age bands of all FE and skills, with DfE's labels, for every district.
    let of_fes = |level: &str, age: &str| {
        fe.iter()
            .filter(|r| r["level_or_type"] == level && r["age_summary"] == age)
            .count()
    };
    assert_eq!(
        of_fes("Further education and skills: Level 4+", "Total"),
        297 * 5
    );
    assert_eq!(
        of_fes("Further education and skills: Total", "25+"),
        297 * 5
    );
    let lad: Vec<_> = fe
        .iter()
        .filter(|r| {
            r["geographic_level"] == "Local authority district"
                && r["age_summary"] == "Total"
                && r["level_or_type"].ends_with(": Total")
        })
        .collect();
    assert_eq!(lad.len(), 6160 - 4 * 5 * 11);
    let r = lad
        .iter()
        .find(|r| r["lad_name"] == "Hartlepool" && r["level_or_type"] == "Apprenticeships: Total")
        .unwrap();
    assert_eq!(r["provision_type"], "Apprenticeships");
    let (a, p): (f64, f64) = (
        r["learner_achievements"].parse().unwrap(),
        r["population_estimate"].parse().unwrap(),
    );
    let rate: f64 = r["learner_achievements_rate_per_100000_population"]
        .parse()
        .unwrap();
    assert!((rate - a / p * 100_000.0).abs() <= 0.05);
}

#[tokio::test]
async fn the_els_repository_is_listed_by_the_tree_api_and_served_raw_and_survives_a_rename() {
    let mock = sample();
    let tree_url = format!(
        "{}/repos/{ELS_OWNER}/{ELS_REPO}/git/trees/main?recursive=1",
        mock.github_base()
    );
    let raw = format!("{}/{ELS_OWNER}/{ELS_REPO}/main", mock.ons_base());
    let (status, tree) = json(&tree_url).await;
    assert_eq!(status, 200);
    assert_eq!(tree["truncated"], false);
    let paths: Vec<&str> = tree["tree"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    for p in [
        "README.md",
        "employment-rate",
        "employment-rate/employment-rate.csv",
        "employment-rate/employment-rate.json",
        "employment-rate-ni/employment-rate-ni.json",
        "apprenticeships/apprenticeships.csv",
    ] {
        assert!(paths.contains(&p), "{p}");
    }
    let csv_entry = tree["tree"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["path"] == "claimant-count/claimant-count.csv")
        .unwrap();
    assert_eq!(csv_entry["type"], "blob");
    assert_eq!(csv_entry["mode"], "100644");
    let (status, csv) = text(&format!("{raw}/claimant-count/claimant-count.csv")).await;
    assert_eq!(status, 200);
    assert_eq!(
        csv,
        std::fs::read_to_string(sample_dir().join("ons_els/claimant-count.csv")).unwrap()
    );
    assert_eq!(csv_entry["size"], csv.len());

    let (_, meta) = json(&format!("{raw}/employment-rate/employment-rate.json")).await;
    let ess = &meta["ess-beta-metadata"];
    assert_eq!(
        ess["Employment rate"]["label"],
        "Employment rate (Great Britain)"
    );
    assert_eq!(ess["shared"]["suffix"], "%");
    let (_, single) = json(&format!("{raw}/claimant-count/claimant-count.json")).await;
    assert_eq!(single["ess-beta-metadata"]["label"], "Claimant Count");

    mock.rename_els_folder("apprenticeships", "apprenticeship-starts-and-achievements");
    let (_, tree) = json(&tree_url).await;
    let paths: Vec<&str> = tree["tree"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["path"].as_str().unwrap())
        .collect();
    assert!(paths.contains(
        &"apprenticeship-starts-and-achievements/apprenticeship-starts-and-achievements.csv"
    ));
    assert!(!paths.iter().any(|p| p.starts_with("apprenticeships/")));
    assert_eq!(
        text(&format!("{raw}/apprenticeships/apprenticeships.csv"))
            .await
            .0,
        404
    );
    let moved = format!(
        "{raw}/apprenticeship-starts-and-achievements/apprenticeship-starts-and-achievements.json"
    );
    assert_eq!(text(&moved).await.0, 200);

    mock.inject(Target::GitHub, FaultKind::Status(503), 1);
    assert_eq!(text(&tree_url).await.0, 503);
    assert_eq!(text(&tree_url).await.0, 200);
}

#[tokio::test]
async fn aps_rqf4_answers_the_named_dates_for_april_2023_districts_and_england() {
    let mock = sample();
    let url = |date: &str| {
        format!(
            "{}{}?geography=TYPE424,2092957699&date={date}&variable=1902&measures=21001,21002,21003",
            mock.base, NOMIS_APS_PATH
        )
    };
    let (status, body) = text(&url(&APS_RQF4_DATES.join(","))).await;
    assert_eq!(status, 200);
    let cells = rows(&body);
    assert_eq!(cells.len() as u64, mock.aps_rqf4_cells());
    assert!(
        cells
            .iter()
            .all(|c| c["VARIABLE"] == "1902" && c["VARIABLE_NAME"] == "% with RQF4+ - aged 16-64")
    );
    let lad = cells
        .iter()
        .find(|c| c["GEOGRAPHY_TYPECODE"] == "424")
        .unwrap();
    assert_eq!(
        lad["GEOGRAPHY_TYPE"],
        "local authorities: district / unitary (as of April 2023)"
    );
    assert!(
        cells
            .iter()
            .any(|c| c["GEOGRAPHY_CODE"] == "E92000001" && c["DATE"] == "2024-12")
    );

    // The numerator is the 2021 NVQ4+ numerator x 1.05 (synthetic).
    let nvq = rows(
        &text(&format!(
            "{}{}?geography=TYPE432&variable=290",
            mock.base, NOMIS_APS_PATH
        ))
        .await
        .1,
    );
    let code = &lad["GEOGRAPHY_CODE"];
    let n2021: f64 = nvq
        .iter()
        .find(|c| {
            &c["GEOGRAPHY_CODE"] == code && c["DATE"] == "2021-12" && c["MEASURES"] == "21001"
        })
        .unwrap()["OBS_VALUE"]
        .parse()
        .unwrap();
    let n2022: f64 = cells
        .iter()
        .find(|c| {
            &c["GEOGRAPHY_CODE"] == code && c["DATE"] == "2022-12" && c["MEASURES"] == "21001"
        })
        .unwrap()["OBS_VALUE"]
        .parse()
        .unwrap();
    assert_eq!(n2022, (n2021 * 1.05).round());

    assert_eq!(text(&url("2021-12")).await.0, 400);
    assert_eq!(text(&url("latest")).await.0, 400);
}

#[tokio::test]
async fn the_sample_has_no_lsoa_census_so_type151_is_not_available() {
    let mock = sample();
    assert_eq!(mock.nomis_lsoa_cells(), 0);
    let base = format!(
        "{}{}?c2021_hiqual_8=0...7&measures=20100",
        mock.base, NOMIS_DATASET_PATH
    );
    assert_eq!(text(&format!("{base}&geography=TYPE151")).await.0, 404);
    let (status, body) = text(&format!("{base}&geography=TYPE154")).await;
    assert_eq!(status, 200);
    assert_eq!(rows(&body).len() as u64, mock.nomis_cells());
}

#[tokio::test]
async fn the_real_files_are_served_through_the_same_routes() {
    let Some(dir) = lmi_testkit::real_data("the_real_files_are_served_through_the_same_routes")
    else {
        return;
    };
    let mock = MockPublishers::start(&dir, 25_000);
    assert!(mock.nomis_lsoa_cells() > 250_000);
    for publication in [
        "key-stage-4-destination-measures",
        "16-18-destination-measures",
        "further-education-and-skills",
    ] {
        for latest in [true, false] {
            let (release, d) = discover(&mock, publication, latest).await;
            let file = d["fileId"].as_str().unwrap();
            let (status, body) = text(&format!(
                "{}/api/releases/{release}/files/{file}",
                mock.ees_base()
            ))
            .await;
            assert_eq!(status, 200);
            assert_eq!(
                rows(&body).len() as u64,
                d["meta"]["numDataFileRows"].as_u64().unwrap()
            );
        }
    }
    let (_, tree) = json(&format!(
        "{}/repos/{ELS_OWNER}/{ELS_REPO}/git/trees/main?recursive=1",
        mock.github_base()
    ))
    .await;
    assert!(
        tree["tree"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["path"] == "business-demography/business-demography.csv")
    );
}

#[tokio::test]
async fn downloads_are_gzipped_when_accepted_and_faults_hit_their_own_routes() {
    let mock = sample();
    let (release, file) = mock.release_ids(KS4, "2023-24");
    let url = format!("{}/api/releases/{release}/files/{file}", mock.ees_base());
    let raw = reqwest::Client::builder().no_gzip().build().unwrap();
    let r = raw
        .get(&url)
        .header("Accept-Encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(r.headers()["content-encoding"], "gzip");
    let etag = r.headers()["etag"].to_str().unwrap().to_owned();
    assert_eq!(r.bytes().await.unwrap()[..2], [0x1f, 0x8b]);

    // A renamed column is a different file: a new ETag, so no 304.
    mock.inject(
        Target::Ees,
        FaultKind::RenameColumn {
            from: "lad_code".into(),
            to: "area_code".into(),
        },
        1,
    );
    let renamed = client()
        .get(&url)
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(renamed.status(), 200);
    assert_ne!(renamed.headers()["etag"].to_str().unwrap(), etag);
    let header = renamed.text().await.unwrap();
    assert!(header.lines().next().unwrap().contains("\"area_code\""));

    // Listing faults leave downloads alone, and the other way round.
    mock.inject(Target::EesApi, FaultKind::Html, 1);
    assert_eq!(client().get(&url).send().await.unwrap().status(), 200);
    let listing = format!("{}/api/publications/{KS4}/releases", mock.ees_base());
    let (status, html) = text(&listing).await;
    assert_eq!(status, 200);
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert_eq!(json(&listing).await.0, 200);
    let statuses: Vec<u16> = mock.log().iter().map(|l| l.status).collect();
    assert_eq!(statuses, [200, 200, 200, 200, 200]);
}

#[tokio::test]
async fn the_aps_cell_codelist_has_nomisrs_shape_and_its_cells_serve_data() {
    let mock = sample();
    let (status, body) = json(&format!(
        "{}{}",
        mock.base,
        lmi_testkit::NOMIS_APS_CELL_CODELIST_PATH
    ))
    .await;
    assert_eq!(status, 200);
    // structure.codelists.codelist[].code[] with value and description.value, as nomisr reads.
    let codes = body["structure"]["codelists"]["codelist"][0]["code"]
        .as_array()
        .unwrap();
    let label = |c: &Value| c["description"]["value"].as_str().unwrap().to_owned();
    let t13a: Vec<&Value> = codes
        .iter()
        .filter(|c| label(c).starts_with("T13a:"))
        .collect();
    let all_people: Vec<&&Value> = t13a
        .iter()
        .filter(|c| label(c).contains("All people"))
        .collect();
    assert_eq!(all_people.len(), 9);
    assert!(t13a.len() > all_people.len(), "Males cells listed too");
    let t09b = codes
        .iter()
        .filter(|c| label(c).starts_with("T09b:") && label(c).contains("All people - "))
        .count();
    assert_eq!(t09b, 26);
    // The data of one chosen cell, and none for a `Males` cell.
    let id = |c: &Value| c["value"].as_u64().unwrap();
    let url = |cell: u64| {
        format!(
            "{}{}?geography=TYPE424,2092957699&date=2021-12,2022-12&cell={cell}&measures=20100",
            mock.base,
            lmi_testkit::NOMIS_APS_CELLS_PATH
        )
    };
    let (status, body) = text(&url(id(all_people[0]))).await;
    assert_eq!(status, 200);
    let cells = rows(&body);
    assert!(!cells.is_empty());
    assert!(cells.iter().all(|c| c["CELL_NAME"] == label(all_people[0])));
    let males = t13a
        .iter()
        .find(|c| !label(c).contains("All people"))
        .unwrap();
    assert_eq!(text(&url(id(males))).await.0, 400);
}
