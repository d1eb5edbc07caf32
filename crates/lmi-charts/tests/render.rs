//! Board-paper charts as the API will ask for them: titles, legends, gaps for suppressed values.

use lmi_charts::{
    ChartError, ChartSpec, SYNTHETIC_SAMPLE_NOTICE, Series, render_png, render_svg, series_colour,
};

fn apprenticeship_chart() -> ChartSpec {
    ChartSpec {
        title: "KS4 pupils going into apprenticeships".into(),
        unit: "%".into(),
        periods: vec![],
        series: vec![
            Series::new(
                "Burnley TTWA",
                [
                    ("2019/20", Some(6.1)),
                    ("2020/21", Some(5.2)),
                    ("2021/22", None),
                    ("2022/23", Some(5.9)),
                    ("2023/24", Some(6.4)),
                ],
            ),
            Series::new(
                "England",
                [
                    ("2019/20", Some(4.0)),
                    ("2020/21", Some(3.1)),
                    ("2021/22", Some(3.6)),
                    ("2022/23", Some(3.8)),
                    ("2023/24", Some(4.0)),
                ],
            ),
        ],
        footnotes: vec![
            "Source: DfE KS4 destination measures. Contains public sector information licensed under the Open Government Licence v3.0.".into(),
            SYNTHETIC_SAMPLE_NOTICE.into(),
        ],
    }
}

/// The `<polyline>` tags drawn in the colour of series `index`.
fn series_polylines(svg: &str, index: usize) -> Vec<&str> {
    let (r, g, b) = series_colour(index);
    let stroke = format!("stroke=\"#{r:02X}{g:02X}{b:02X}\"");
    svg.split("<polyline")
        .skip(1)
        .map(|tag| &tag[..tag.find("/>").unwrap()])
        .filter(|tag| tag.contains(&stroke))
        .collect()
}

/// The text content of every `<text>` element.
fn texts(svg: &str) -> Vec<&str> {
    svg.split("<text")
        .skip(1)
        .map(|tag| {
            let body = &tag[tag.find('>').unwrap() + 1..];
            body[..body.find("</text>").unwrap()].trim()
        })
        .collect()
}

#[test]
fn svg_shows_title_legend_periods_and_footnotes() {
    let svg = render_svg(&apprenticeship_chart()).unwrap();
    assert!(svg.starts_with("<svg"), "{}", &svg[..80.min(svg.len())]);
    assert!(svg.contains("KS4 pupils going into apprenticeships"));
    assert!(svg.contains("Burnley TTWA"));
    assert!(svg.contains("England"));
    for period in ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"] {
        assert!(svg.contains(period), "missing x label {period}");
    }
    assert!(svg.contains(SYNTHETIC_SAMPLE_NOTICE));
    assert!(svg.contains("Open Government Licence v3.0"));
    assert!(texts(&svg).contains(&"%"), "y axis names the unit");
}

#[test]
fn a_suppressed_value_splits_the_line_instead_of_dropping_to_zero() {
    let svg = render_svg(&apprenticeship_chart()).unwrap();
    let burnley = series_polylines(&svg, 0);
    assert_eq!(burnley.len(), 2, "two runs around the suppressed 2021/22");
    let point_count = |tag: &str| {
        let points = tag.split("points=\"").nth(1).unwrap();
        points[..points.find('"').unwrap()]
            .split_whitespace()
            .count()
    };
    assert_eq!(point_count(burnley[0]), 2);
    assert_eq!(point_count(burnley[1]), 2);
    let england = series_polylines(&svg, 1);
    assert_eq!(england.len(), 1, "a complete series is one line");
    assert_eq!(point_count(england[0]), 5);
}

#[test]
fn an_isolated_value_is_its_own_run() {
    let mut spec = apprenticeship_chart();
    spec.series.truncate(1);
    spec.series[0].points[1].value = None; // 6.1, -, -, 5.9, 6.4
    spec.series[0].points[4].value = None; // 6.1 | 5.9
    let svg = render_svg(&spec).unwrap();
    assert_eq!(series_polylines(&svg, 0).len(), 2);
}

#[test]
fn periods_are_categories_in_the_given_order() {
    let mut spec = apprenticeship_chart();
    spec.periods = [
        "2018/19", "2019/20", "2020/21", "2021/22", "2022/23", "2023/24",
    ]
    .map(String::from)
    .to_vec();
    let svg = render_svg(&spec).unwrap();
    let labels = texts(&svg);
    let at = |label: &str| labels.iter().position(|t| *t == label).unwrap();
    assert!(at("2018/19") < at("2019/20") && at("2019/20") < at("2023/24"));

    spec.series[1].points[0].period = "2017/18".into();
    assert!(matches!(
        render_svg(&spec),
        Err(ChartError::UnknownPeriod { .. })
    ));
}

#[test]
fn empty_specs_are_clear_errors() {
    let mut spec = apprenticeship_chart();
    spec.series.clear();
    assert!(matches!(
        render_svg(&spec),
        Err(ChartError::NoSeries { .. })
    ));

    let mut spec = apprenticeship_chart();
    for series in &mut spec.series {
        series.points.clear();
    }
    let err = render_svg(&spec).unwrap_err();
    assert!(matches!(err, ChartError::NoPeriods { .. }), "{err}");

    let mut spec = apprenticeship_chart();
    for point in spec.series.iter_mut().flat_map(|s| &mut s.points) {
        point.value = None;
    }
    let err = render_svg(&spec).unwrap_err();
    assert!(matches!(err, ChartError::NoValues { .. }), "{err}");
    assert!(err.to_string().contains("every value is missing"));
    assert!(matches!(
        render_png(&spec),
        Err(ChartError::NoValues { .. })
    ));

    let mut spec = apprenticeship_chart();
    spec.series[0].points[1].period = "2019/20".into();
    assert!(matches!(
        render_svg(&spec),
        Err(ChartError::DuplicatePeriod { .. })
    ));
}

#[test]
fn very_long_titles_are_ellipsised() {
    let mut spec = apprenticeship_chart();
    spec.title = "Share of pupils in sustained apprenticeships after key stage 4 ".repeat(20);
    let svg = render_svg(&spec).unwrap();
    assert!(svg.contains('…'));
    assert!(!svg.contains(spec.title.trim_end()));
    assert!(svg.contains("Share of pupils in sustained"));
}

#[test]
fn pay_in_pounds_renders_with_the_unit() {
    let spec = ChartSpec {
        title: "Median gross weekly pay".into(),
        unit: "£ per week".into(),
        periods: vec![],
        series: vec![Series::new(
            "Lancashire",
            [
                ("2021", Some(580.5)),
                ("2022", Some(601.0)),
                ("2023", Some(640.2)),
            ],
        )],
        footnotes: vec![],
    };
    let svg = render_svg(&spec).unwrap();
    assert!(svg.contains("£ per week"));
    assert_eq!(series_polylines(&svg, 0).len(), 1);
}

#[test]
fn a_single_period_renders() {
    let spec = ChartSpec {
        title: "Census 2021: Level 4+ qualifications".into(),
        unit: "%".into(),
        periods: vec![],
        series: vec![Series::new("Preston", [("2021", Some(31.5))])],
        footnotes: vec![],
    };
    let svg = render_svg(&spec).unwrap();
    assert!(texts(&svg).contains(&"2021"));
    assert!(render_png(&spec).is_ok());
}

#[test]
fn png_is_a_png() {
    let png = render_png(&apprenticeship_chart()).unwrap();
    assert!(png.starts_with(&[0x89, b'P', b'N', b'G', b'\r', b'\n', 0x1a, b'\n']));
    assert!(png.len() > 1000);
}

#[test]
fn spec_round_trips_through_json() {
    let spec = apprenticeship_chart();
    let json = serde_json::to_string(&spec).unwrap();
    assert!(
        json.contains("\"value\":null"),
        "suppressed stays null: {json}"
    );
    let back: ChartSpec = serde_json::from_str(&json).unwrap();
    assert_eq!(back, spec);
}

#[test]
#[ignore = "writes the example chart to target/ for review by eye"]
fn write_example_charts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/lmi-charts");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = apprenticeship_chart();
    std::fs::write(dir.join("example.svg"), render_svg(&spec).unwrap()).unwrap();
    std::fs::write(dir.join("example.png"), render_png(&spec).unwrap()).unwrap();
}

#[test]
fn many_series_wrap_the_legend_and_reuse_the_palette() {
    let mut spec = apprenticeship_chart();
    spec.series = (0..10)
        .map(|i| {
            Series::new(
                format!("Lancashire district number {i} with a long name"),
                [
                    ("2022/23", Some(i as f64)),
                    ("2023/24", Some(i as f64 + 1.0)),
                ],
            )
        })
        .collect();
    let svg = render_svg(&spec).unwrap();
    for i in 0..10 {
        assert!(svg.contains(&format!("district number {i} ")));
    }
    assert!(render_png(&spec).unwrap().len() > 1000);
}
