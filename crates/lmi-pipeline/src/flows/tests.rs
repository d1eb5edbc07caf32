use super::*;
use crate::test_geography::toy;
use lmi_core::flows::{FlowQuantity, flow_measure};

/// Flow observations: (home, delivery, period, starts); enrolments = 2 x starts, achievements 0.
fn observations(rows: &[(&str, &str, &str, f64)], provisional: &str) -> DataFrame {
    let mut c: [Vec<String>; 4] = Default::default();
    let (mut value, mut flags) = (Vec::new(), Vec::new());
    for (h, d, p, s) in rows {
        for (q, v) in FlowQuantity::ALL.into_iter().zip([*s, 2.0 * s, 0.0]) {
            c[0].push(h.to_string());
            c[1].push(p.to_string());
            c[2].push(flow_measure(q, d));
            c[3].push("ok".into());
            value.push(Some(v));
            flags.push((*p == provisional).then_some(PROVISIONAL_FLAG));
        }
    }
    let [area, period, measure, status] = c;
    DataFrame::new(
        value.len(),
        vec![
            Column::new(
                obs::SOURCE.into(),
                vec![APPRENTICESHIP_FLOWS_SOURCE; value.len()],
            ),
            Column::new(obs::AREA_CODE.into(), area),
            Column::new(obs::PERIOD.into(), period),
            Column::new(obs::MEASURE.into(), measure),
            Column::new(obs::VALUE.into(), value),
            Column::new(obs::STATUS.into(), status),
            Column::new(obs::FLAGS.into(), flags),
        ],
    )
    .unwrap()
}

fn row(df: &DataFrame, key: &str, area: &str, period: &str) -> DataFrame {
    df.clone()
        .lazy()
        .filter(col(key).eq(lit(area)).and(col(fs::PERIOD).eq(lit(period))))
        .collect()
        .unwrap()
}

fn get(df: &DataFrame, c: &str) -> Option<f64> {
    df.column(c).unwrap().f64().unwrap().get(0)
}

const ONE: &str = "E07000001";
const TWO: &str = "E07000002";
const THREE: &str = "E06000003";

fn example() -> DataFrame {
    observations(
        &[
            (ONE, ONE, "2023/24", 60.0),
            (ONE, TWO, "2023/24", 30.0),
            (ONE, OUTSIDE_ENGLAND_OR_UNKNOWN, "2023/24", 10.0),
            (TWO, ONE, "2023/24", 5.0),
            (THREE, ONE, "2023/24", 7.0),
            (OUTSIDE_ENGLAND_OR_UNKNOWN, ONE, "2023/24", 3.0),
            (ONE, ONE, "2025/26", 40.0),
        ],
        "2025/26",
    )
}

#[test]
fn residents_same_area_share_inflow_outflow_and_net() {
    let (_, summary) = compute_flows(&example(), &toy()).unwrap();
    let one = row(&summary, fs::AREA_CODE, ONE, "2023/24");
    assert_eq!(get(&one, fs::RESIDENT_STARTS), Some(100.0));
    assert_eq!(get(&one, fs::SAME_AREA_STARTS), Some(60.0));
    assert_eq!(get(&one, fs::SAME_AREA_SHARE), Some(60.0));
    assert_eq!(get(&one, fs::OUTFLOW_STARTS), Some(40.0));
    assert_eq!(get(&one, fs::UNKNOWN_DELIVERY_STARTS), Some(10.0));
    assert_eq!(get(&one, fs::INFLOW_STARTS), Some(15.0));
    assert_eq!(get(&one, fs::NET_STARTS), Some(-25.0));
    // The county (One + Two): the flows between them stay inside.
    let county = row(&summary, fs::AREA_CODE, "E10000001", "2023/24");
    assert_eq!(get(&county, fs::RESIDENT_STARTS), Some(105.0));
    assert_eq!(get(&county, fs::SAME_AREA_STARTS), Some(95.0));
    assert_eq!(get(&county, fs::INFLOW_STARTS), Some(10.0));
    // England: everything but the unknown bucket is delivered within it.
    let england = row(&summary, fs::AREA_CODE, "E92000001", "2023/24");
    assert_eq!(get(&england, fs::RESIDENT_STARTS), Some(112.0));
    assert_eq!(get(&england, fs::UNKNOWN_DELIVERY_STARTS), Some(10.0));
    assert_eq!(get(&england, fs::INFLOW_STARTS), Some(3.0));
    // The part year is provisional; the TTWA is approximate with coverage.
    let later = row(&summary, fs::AREA_CODE, ONE, "2025/26");
    assert!(later.column(fs::PROVISIONAL).unwrap().bool().unwrap().all());
    assert!(!one.column(fs::PROVISIONAL).unwrap().bool().unwrap().any());
    let ttwa = row(&summary, fs::AREA_CODE, "E30000001", "2023/24");
    assert!(ttwa.column(fs::APPROXIMATE).unwrap().bool().unwrap().all());
    assert!((get(&ttwa, fs::COVERAGE).unwrap() - 0.9).abs() < 1e-12);
}

#[test]
fn flows_between_counties_keep_the_buckets_and_rank_destinations() {
    let (flows, _) = compute_flows(&example(), &toy()).unwrap();
    let county = flows
        .clone()
        .lazy()
        .filter(
            col(fl::AREA_TYPE)
                .eq(lit("county"))
                .and(col(fl::PERIOD).eq(lit("2023/24"))),
        )
        .sort([fl::HOME_CODE, fl::RANK], SortMultipleOptions::default())
        .collect()
        .unwrap();
    let homes: Vec<_> = county
        .column(fl::HOME_CODE)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    let deliveries: Vec<_> = county
        .column(fl::DELIVERY_CODE)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(
        homes,
        [
            "E10000001",
            "E10000001",
            "elsewhere_in_england",
            OUTSIDE_ENGLAND_OR_UNKNOWN
        ]
    );
    assert_eq!(
        deliveries,
        [
            "E10000001",
            OUTSIDE_ENGLAND_OR_UNKNOWN,
            "E10000001",
            "E10000001"
        ]
    );
    let starts: Vec<_> = county
        .column(fl::STARTS)
        .unwrap()
        .f64()
        .unwrap()
        .iter()
        .flatten()
        .collect();
    assert_eq!(starts, [95.0, 10.0, 7.0, 3.0]);
    let enrolments: f64 = county
        .column(fl::ENROLMENTS)
        .unwrap()
        .f64()
        .unwrap()
        .sum()
        .unwrap();
    assert_eq!(enrolments, 2.0 * 115.0);
}
