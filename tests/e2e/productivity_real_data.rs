//! Productivity and people on real public data (`LMI_REAL_DATA`, issue 25): the ONS Explore Local
//! Statistics series lmi serves as published equal the raw files' rows for Burnley, Lancashire
//! (county and combined authority) and England, and an area the file has no row for gets none.

use lmi_e2e::{TestApp, read_csv};
use lmi_testkit::real_data;

const BURNLEY: &str = "E07000117";
const LANCASHIRE_COUNTY: &str = "E10000017";
const LANCASHIRE_CA: &str = "E47000018";
const ENGLAND: &str = "E92000001";

/// The raw file's latest row of `indicator` for `area`: (period as lmi labels it, value).
fn raw_latest(
    rows: &[std::collections::HashMap<String, String>],
    indicator: &str,
    area: &str,
) -> Option<(String, f64)> {
    rows.iter()
        .filter(|r| r["areacd"] == area && r["indicator"] == indicator)
        .max_by_key(|r| r["period"].clone())
        .map(|r| {
            let label = lmi_ingest_period(&r["period"]);
            (label, r["observation"].parse::<f64>().expect("observation"))
        })
}

/// `2023-01-01/P1Y` -> `2023`, `2024-08-01/P1Y` -> `2024/25`: the labels of the ELS parser.
fn lmi_ingest_period(raw: &str) -> String {
    let year: u32 = raw[..4].parse().expect("year");
    match &raw[5..7] {
        "01" => year.to_string(),
        "08" => format!("{year}/{:02}", (year + 1) % 100),
        other => panic!("unexpected period month {other} in {raw}"),
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn gva_and_fe_rates_are_served_as_ons_publishes_them() {
    let Some(dir) = real_data("gva_and_fe_rates_are_served_as_ons_publishes_them") else {
        return;
    };
    let app = TestApp::spawn_real(&dir).await;
    for (file, indicator, id) in [
        (
            "ons_els/gross-value-added.csv.gz",
            "Gross value added per hour worked",
            "gva_per_hour_worked",
        ),
        (
            "ons_els/gross-value-added.csv.gz",
            "Gross value added per filled job",
            "gva_per_filled_job",
        ),
        (
            "ons_els/further-education-and-skills-learner-achievements.csv.gz",
            "Further education and skills learner achievements",
            "fe_achievement_rate_19plus",
        ),
        (
            "ons_els/further-education-and-skills-participation.csv.gz",
            "Further education and skills participation",
            "fe_participation_rate_19plus",
        ),
        (
            "ons_els/modelled-unemployment.csv.gz",
            "Modelled unemployment rate",
            "modelled_unemployment_rate",
        ),
        (
            "ons_els/employment-rate.csv.gz",
            "Economically inactive",
            "economic_inactivity_rate",
        ),
    ] {
        let rows = read_csv(&dir.join(file));
        let england = raw_latest(&rows, indicator, ENGLAND);
        for area in [BURNLEY, LANCASHIRE_COUNTY, LANCASHIRE_CA, ENGLAND] {
            let (status, _, body) = app.get(&format!("/v1/areas/{area}/indicators/{id}")).await;
            assert_eq!(status, 200, "{id} {area}");
            let series = body["series"].as_array().unwrap();
            match raw_latest(&rows, indicator, area) {
                Some((period, value)) => {
                    let last = series
                        .last()
                        .unwrap_or_else(|| panic!("{id} {area}: {body}"));
                    assert_eq!(
                        last["period"].as_str(),
                        Some(period.as_str()),
                        "{id} {area}"
                    );
                    // As published (the GVA file prints single-precision values to 17
                    // digits; the last digit may not survive the round trip to JSON).
                    let served = last["value"].as_f64().unwrap();
                    assert!(
                        (served - value).abs() < 1e-9,
                        "{id} {area}: {served} != {value}"
                    );
                    // The gap to England is derived only when ONS publishes England.
                    let gap = last["gap_to_england"].as_f64();
                    match &england {
                        Some((p, e)) if *p == period => {
                            assert!((gap.unwrap() - (value - e)).abs() < 1e-9, "{id} {area}")
                        }
                        _ => assert_eq!(gap, None, "{id} {area}"),
                    }
                    println!("{id} {area} {period} = {value} (gap to England {gap:?})");
                }
                None => {
                    assert!(series.is_empty(), "{id} {area}: no raw row, yet {body}");
                    println!("{id} {area}: not published by ONS, no value served");
                }
            }
        }
    }
}
