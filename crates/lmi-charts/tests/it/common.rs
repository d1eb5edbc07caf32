//! Fixed chart data shared by the tests and the benchmark: realistic shapes, deterministic values.
#![allow(dead_code)] // each test binary uses some of these

use lmi_charts::{
    Chart, ChartText, Mark, Panel, RankedBar, RankedChart, ReferenceLine, SYNTHETIC_SAMPLE_NOTICE,
    SmallMultiplesChart, StackedBar, StackedChart, TrendChart, TrendPoint, TrendSeries,
};

pub const OGL_FOOTNOTE: &str = "Source: DfE KS4 destination measures. Contains public sector information licensed under the Open Government Licence v3.0.";

pub fn text(title: &str, unit: &str) -> ChartText {
    ChartText {
        title: title.into(),
        description: String::new(),
        unit: unit.into(),
        footnotes: vec![OGL_FOOTNOTE.into(), SYNTHETIC_SAMPLE_NOTICE.into()],
    }
}

/// "2016/17", "2017/18", … : `n` academic years ending in 2023/24.
pub fn academic_years(n: usize) -> Vec<String> {
    (0..n)
        .map(|i| {
            let start = 2024 - n + i;
            format!("{start}/{:02}", (start + 1) % 100)
        })
        .collect()
}

/// A smooth, deterministic value for series `s` in period `p`, to one decimal as published.
fn wiggle(s: usize, p: usize) -> f64 {
    let x = (s * 7 + p * 3) as f64;
    one_decimal(4.0 + s as f64 * 0.6 + (x * 0.9).sin() * 0.8)
}

fn one_decimal(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

fn point(period: &str, value: Option<f64>, ci: Option<(f64, f64)>, mark: Mark) -> TrendPoint {
    TrendPoint {
        period: period.into(),
        value,
        ci,
        mark,
    }
}

/// Burnley TTWA against Lancashire and England: an interval on Burnley's values, one suppressed
/// year, one approximate value.
pub fn apprenticeship_trend() -> TrendChart {
    let periods = academic_years(5);
    let burnley = [Some(6.1), Some(5.2), None, Some(5.9), Some(6.4)];
    let lancashire = [Some(5.0), Some(4.4), Some(4.6), Some(4.9), Some(5.3)];
    let england = [Some(4.0), Some(3.1), Some(3.6), Some(3.8), Some(4.0)];
    let series = |label: &str, values: [Option<f64>; 5]| TrendSeries {
        label: label.into(),
        points: periods
            .iter()
            .zip(values)
            .map(|(p, v)| point(p, v, None, Mark::None))
            .collect(),
    };
    let mut burnley = series("Burnley TTWA", burnley);
    for point in &mut burnley.points {
        point.ci = point
            .value
            .map(|v| (one_decimal(v - 0.9), one_decimal(v + 0.9)));
    }
    burnley.points[2].mark = Mark::Suppressed;
    burnley.points[4].mark = Mark::Approximate;
    TrendChart {
        text: text("KS4 pupils going into apprenticeships", "%"),
        periods: vec![],
        series: vec![
            burnley,
            series("Lancashire", lancashire),
            series("England", england),
        ],
    }
}

/// `series` lines over `periods` academic years, every value with an interval.
pub fn trend(series: usize, periods: usize) -> TrendChart {
    let years = academic_years(periods);
    TrendChart {
        text: text("KS4 pupils going into apprenticeships", "%"),
        periods: years.clone(),
        series: (0..series)
            .map(|s| TrendSeries {
                label: format!("Area {}", s + 1),
                points: years
                    .iter()
                    .enumerate()
                    .map(|(p, year)| {
                        let v = wiggle(s, p);
                        point(
                            year,
                            Some(v),
                            Some((one_decimal(v - 0.7), one_decimal(v + 0.7))),
                            Mark::None,
                        )
                    })
                    .collect(),
            })
            .collect(),
    }
}

/// Ten Lancashire districts ranked on pay, Burnley highlighted, one suppressed, one missing.
pub fn pay_ranking() -> RankedChart {
    let districts = [
        ("Ribble Valley", Some(742.0), Mark::None),
        ("Fylde", Some(701.5), Mark::None),
        ("South Ribble", Some(668.0), Mark::Approximate),
        ("Chorley", Some(655.2), Mark::None),
        ("West Lancashire", Some(640.0), Mark::None),
        ("Preston", Some(612.0), Mark::None),
        ("Burnley", Some(580.4), Mark::None),
        ("Hyndburn", Some(561.0), Mark::LowReliability),
        ("Rossendale", None, Mark::Suppressed),
        ("Pendle", None, Mark::None),
    ];
    RankedChart {
        text: text(
            "Median gross weekly pay, Lancashire districts",
            "£ per week",
        ),
        bars: districts
            .into_iter()
            .map(|(label, value, mark)| RankedBar {
                label: label.into(),
                value,
                highlight: label == "Burnley",
                mark,
                reference: None,
            })
            .collect(),
        reference: Some(ReferenceLine {
            label: "England".into(),
            value: 682.0,
        }),
        bar_reference: None,
    }
}

/// `n` districts in rank order, every 25th suppressed, the 40th and 210th highlighted.
pub fn ranking(n: usize) -> RankedChart {
    RankedChart {
        text: text("KS4 apprenticeship rate, all districts", "%"),
        bars: (0..n)
            .map(|i| RankedBar {
                label: format!("District {}", i + 1),
                value: (i % 25 != 24).then(|| one_decimal(12.0 - 10.0 * i as f64 / n as f64)),
                highlight: i == 39 || i == 209,
                mark: if i % 25 == 24 {
                    Mark::Suppressed
                } else {
                    Mark::None
                },
                reference: None,
            })
            .collect(),
        reference: Some(ReferenceLine {
            label: "England".into(),
            value: 6.2,
        }),
        bar_reference: None,
    }
}

pub const DESTINATIONS: [&str; 7] = [
    "Further education",
    "School sixth form",
    "Sixth form college",
    "Apprenticeships",
    "Employment",
    "Other education",
    "Not sustained",
];

/// KS4 destinations of `bars` areas: the last bar suppressed, one part missing in the second.
pub fn destinations(bars: usize) -> StackedChart {
    let shares = [38.4, 17.6, 13.2, 5.2, 4.1, 8.5, 13.0];
    StackedChart {
        text: text("KS4 destinations, 2022/23 leavers", "%"),
        categories: DESTINATIONS.map(String::from).to_vec(),
        bars: (0..bars)
            .map(|b| {
                // Shift two points between the first two destinations so the bars differ.
                let shift = b as f64 * 2.0 - 2.0;
                let mut parts: Vec<Option<f64>> = shares
                    .iter()
                    .enumerate()
                    .map(|(c, share)| match c {
                        0 => Some(one_decimal(share + shift)),
                        1 => Some(one_decimal(share - shift)),
                        _ => Some(*share),
                    })
                    .collect();
                if b == 1 {
                    parts[3] = None;
                }
                if b == bars - 1 && bars > 2 {
                    parts = vec![None; shares.len()];
                }
                StackedBar {
                    label: ["Burnley TTWA", "Lancashire", "North West", "England"]
                        .get(b)
                        .map_or_else(|| format!("Area {}", b + 1), |s| s.to_string()),
                    parts,
                    mark: Mark::None,
                }
            })
            .collect(),
    }
}

/// `panels` districts over `periods` years, with the county as the reference in every panel.
pub fn districts_grid(panels: usize, periods: usize) -> SmallMultiplesChart {
    let years = academic_years(periods);
    let series = |label: String, s: usize| TrendSeries {
        label,
        points: years
            .iter()
            .enumerate()
            .map(|(p, year)| point(year, Some(wiggle(s, p)), None, Mark::None))
            .collect(),
    };
    SmallMultiplesChart {
        text: text("KS4 apprenticeship rate by district", "%"),
        periods: years.clone(),
        panels: (0..panels)
            .map(|s| {
                let title = format!("District with a rather long name number {}", s + 1);
                Panel {
                    title: title.clone(),
                    series: series(title, s),
                }
            })
            .collect(),
        reference: Some(series("Lancashire".into(), 2)),
    }
}

/// One chart of each kind at the sizes the API draws.
pub fn realistic_charts() -> Vec<(&'static str, Chart)> {
    vec![
        ("trend", Chart::Trend(trend(5, 8))),
        ("ranked", Chart::Ranked(ranking(296))),
        ("stacked", Chart::Stacked(destinations(5))),
        (
            "small_multiples",
            Chart::SmallMultiples(districts_grid(14, 8)),
        ),
    ]
}

/// An occupation mix: each part's share here with England's share as its bar's reference.
pub fn occupation_shares() -> RankedChart {
    let parts = [
        ("Professional occupations", 17.9, 20.3),
        ("Caring, leisure and other service", 11.6, 9.3),
        ("Process, plant and machine operatives", 10.9, 7.4),
        ("Elementary occupations", 10.2, 10.5),
    ];
    RankedChart {
        text: text("Occupations of residents in work: Burnley, 2021", "%"),
        bars: parts
            .into_iter()
            .map(|(label, share, england)| RankedBar {
                label: label.into(),
                value: Some(share),
                highlight: true,
                mark: Mark::None,
                reference: Some(england),
            })
            .collect(),
        reference: None,
        bar_reference: Some("England's share".into()),
    }
}
