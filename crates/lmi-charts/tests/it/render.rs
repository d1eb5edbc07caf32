//! Board-paper charts as the API will ask for them: every kind well-formed and accessible, gaps
//! and marks for suppressed values, clear errors for specs that cannot be drawn.

use crate::common::{
    OGL_FOOTNOTE, apprenticeship_trend, destinations, districts_grid, pay_ranking, ranking, text,
};
use lmi_charts::{
    CHART_SIZE, Chart, ChartError, Mark, SYNTHETIC_SAMPLE_NOTICE, TrendChart, TrendSeries,
    chart_size, render_png, render_svg, series_colour,
};

/// The `#RRGGBB` form plotters writes for palette colour `index`.
fn hex(index: usize) -> String {
    let (r, g, b) = series_colour(index);
    format!("#{r:02X}{g:02X}{b:02X}")
}

/// A rendered SVG, parsed: the test fails here if it is not well-formed XML.
struct Svg(String);

impl Svg {
    fn of(chart: &Chart) -> Svg {
        let svg = render_svg(chart).unwrap();
        if let Err(e) = roxmltree::Document::parse(&svg) {
            panic!("not well-formed: {e}\n{svg}");
        }
        Svg(svg)
    }

    fn doc(&self) -> roxmltree::Document<'_> {
        roxmltree::Document::parse(&self.0).unwrap()
    }

    /// The trimmed text of every `<text>` element, in document order.
    fn texts(&self) -> Vec<String> {
        self.doc()
            .descendants()
            .filter(|n| n.has_tag_name("text"))
            .map(|n| n.text().unwrap_or_default().trim().to_string())
            .collect()
    }

    fn has_text(&self, wanted: &str) -> bool {
        self.texts().iter().any(|t| t == wanted)
    }

    fn has_text_containing(&self, wanted: &str) -> bool {
        self.texts().iter().any(|t| t.contains(wanted))
    }

    /// How many elements `tag` have attribute `name` equal to `value`.
    fn count(&self, tag: &str, name: &str, value: &str) -> usize {
        self.doc()
            .descendants()
            .filter(|n| n.has_tag_name(tag) && n.attribute(name) == Some(value))
            .count()
    }

    /// Point counts of the lines drawn 3 px wide in palette colour `index`: one per run.
    fn line_runs(&self, index: usize) -> Vec<usize> {
        let colour = hex(index);
        self.doc()
            .descendants()
            .filter(|n| {
                n.has_tag_name("polyline")
                    && n.attribute("stroke") == Some(colour.as_str())
                    && n.attribute("stroke-width") == Some("3")
            })
            .map(|n| n.attribute("points").unwrap().split_whitespace().count())
            .collect()
    }
}

fn every_kind() -> Vec<(&'static str, Chart)> {
    let mut charts = crate::common::realistic_charts();
    charts.extend([
        ("apprenticeship_trend", Chart::Trend(apprenticeship_trend())),
        ("pay_ranking", Chart::Ranked(pay_ranking())),
        ("destinations", Chart::Stacked(destinations(4))),
        (
            "districts_grid",
            Chart::SmallMultiples(districts_grid(5, 6)),
        ),
    ]);
    charts
}

#[test]
fn every_kind_is_an_accessible_svg_with_title_desc_and_footnotes() {
    for (name, chart) in every_kind() {
        let svg = Svg::of(&chart);
        let doc = svg.doc();
        let root = doc.root_element();
        assert!(root.has_tag_name("svg"), "{name}");
        assert_eq!(root.attribute("role"), Some("img"), "{name}");
        let children: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        let (title, desc) = (children[0], children[1]);
        assert!(
            title.has_tag_name("title") && desc.has_tag_name("desc"),
            "{name}"
        );
        let labelled_by = root.attribute("aria-labelledby").unwrap();
        for node in [title, desc] {
            assert!(
                labelled_by.contains(node.attribute("id").unwrap()),
                "{name}"
            );
        }
        assert_eq!(title.text(), Some(chart.text().title.as_str()), "{name}");
        assert!(
            desc.text().unwrap().len() > 20,
            "{name}: a generated description"
        );

        assert!(svg.has_text(&chart.text().title), "{name}: title drawn");
        assert!(svg.has_text(SYNTHETIC_SAMPLE_NOTICE), "{name}");
        assert!(svg.has_text(OGL_FOOTNOTE), "{name}");
        let unit = &chart.text().unit;
        assert!(
            svg.has_text(unit) || svg.has_text(&format!("Values in {unit}")),
            "{name}"
        );
        assert!(!svg.0.contains("NaN"), "{name}");
        for node in doc.descendants() {
            for attribute in node.attributes() {
                assert!(!attribute.value().contains("inf"), "{name}: {attribute:?}");
            }
        }
        let (width, height) = chart_size(&chart);
        assert_eq!(root.attribute("width"), Some(width.to_string().as_str()));
        assert_eq!(root.attribute("height"), Some(height.to_string().as_str()));
    }
}

#[test]
fn every_kind_renders_a_png_of_its_size_that_is_not_blank() {
    for (name, chart) in every_kind() {
        let png = render_png(&chart).unwrap();
        let mut reader = png::Decoder::new(std::io::Cursor::new(png))
            .read_info()
            .unwrap();
        let mut pixels = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut pixels).unwrap();
        assert_eq!((info.width, info.height), chart_size(&chart), "{name}");
        assert_eq!(info.color_type, png::ColorType::Rgb, "{name}");
        let inked = pixels.chunks(3).filter(|px| px != &[255, 255, 255]).count();
        let share = inked as f64 / (info.width * info.height) as f64;
        assert!(share > 0.03, "{name}: only {share:.3} of pixels drawn");
    }
}

#[test]
fn a_given_description_is_the_desc_and_is_escaped() {
    let mut chart = apprenticeship_trend();
    chart.text.description = "Burnley's rate < England's & falling.".into();
    let svg = Svg::of(&Chart::Trend(chart));
    let doc = svg.doc();
    let desc = doc.descendants().find(|n| n.has_tag_name("desc")).unwrap();
    assert_eq!(desc.text(), Some("Burnley's rate < England's & falling."));
}

#[test]
fn trend_shows_title_legend_periods_and_footnotes() {
    let svg = Svg::of(&Chart::Trend(apprenticeship_trend()));
    for label in ["Burnley TTWA", "Lancashire", "England"] {
        assert!(svg.has_text(label), "legend {label}");
    }
    for period in ["2019/20", "2020/21", "2021/22", "2022/23", "2023/24"] {
        assert!(svg.has_text(period), "missing x label {period}");
    }
    assert!(svg.has_text("%"), "y axis names the unit");
}

#[test]
fn a_suppressed_value_splits_the_line_and_is_crossed_at_the_axis() {
    let svg = Svg::of(&Chart::Trend(apprenticeship_trend()));
    assert_eq!(
        svg.line_runs(0),
        [2, 2],
        "two runs around the suppressed 2021/22"
    );
    assert_eq!(svg.line_runs(1), [5], "a complete series is one line");
    assert!(svg.has_text("suppressed"), "the key names the mark");
    // A cross is two 2 px lines in the series colour.
    assert_eq!(svg.count("line", "stroke", &hex(0)), 2);
}

#[test]
fn marks_and_bands_are_keyed_only_when_they_occur() {
    let svg = Svg::of(&Chart::Trend(apprenticeship_trend()));
    assert!(svg.has_text("approximate") && svg.has_text("confidence interval"));
    assert!(!svg.has_text("low reliability"));
    // Burnley's four values with intervals are two bands of two periods.
    assert_eq!(svg.count("polygon", "fill", &hex(0)), 2);

    let plain = TrendChart {
        series: vec![TrendSeries::new(
            "Preston",
            [("2021", Some(31.5)), ("2022", None)],
        )],
        ..apprenticeship_trend()
    };
    let svg = Svg::of(&Chart::Trend(plain));
    for key in [
        "approximate",
        "low reliability",
        "suppressed",
        "confidence interval",
    ] {
        assert!(!svg.has_text(key), "{key}");
    }
}

#[test]
fn a_value_marked_suppressed_is_never_drawn() {
    let mut chart = apprenticeship_trend();
    chart.series[1].points[2].mark = Mark::Suppressed; // Lancashire 2021/22 has a value
    let svg = Svg::of(&Chart::Trend(chart));
    assert_eq!(svg.line_runs(1), [2, 2]);
}

#[test]
fn an_isolated_value_is_its_own_run() {
    let mut chart = apprenticeship_trend();
    chart.series.truncate(1);
    chart.series[0].points[1].value = None; // 6.1, -, [suppressed], 5.9, 6.4
    chart.series[0].points[4].value = None; // 6.1 | 5.9
    assert_eq!(Svg::of(&Chart::Trend(chart)).line_runs(0), [1, 1]);
}

#[test]
fn periods_are_categories_in_the_given_order() {
    let mut chart = apprenticeship_trend();
    chart.periods = crate::common::academic_years(6);
    let texts = Svg::of(&Chart::Trend(chart.clone())).texts();
    let at = |label: &str| texts.iter().position(|t| t == label).unwrap();
    assert!(at("2018/19") < at("2019/20") && at("2019/20") < at("2023/24"));

    chart.series[1].points[0].period = "2017/18".into();
    let err = render_svg(&Chart::Trend(chart)).unwrap_err();
    assert!(matches!(err, ChartError::UnknownPeriod { .. }), "{err}");
    assert!(
        err.to_string()
            .contains("KS4 pupils going into apprenticeships")
    );
}

#[test]
fn trend_specs_that_cannot_be_drawn_are_clear_errors() {
    let draw = |chart: TrendChart| render_svg(&Chart::Trend(chart)).unwrap_err();

    let mut chart = apprenticeship_trend();
    chart.series.clear();
    assert!(matches!(draw(chart), ChartError::NoSeries { .. }));

    let mut chart = apprenticeship_trend();
    chart.series.iter_mut().for_each(|s| s.points.clear());
    assert!(matches!(draw(chart), ChartError::NoPeriods { .. }));

    let mut chart = apprenticeship_trend();
    for point in chart.series.iter_mut().flat_map(|s| &mut s.points) {
        point.value = None;
        point.ci = None;
    }
    let err = draw(chart.clone());
    assert!(matches!(err, ChartError::NoValues { .. }), "{err}");
    assert!(err.to_string().contains("every value is missing"));
    assert!(matches!(
        render_png(&Chart::Trend(chart)),
        Err(ChartError::NoValues { .. })
    ));

    let mut chart = apprenticeship_trend();
    chart.series[0].points[1].period = "2019/20".into();
    assert!(matches!(draw(chart), ChartError::DuplicatePeriod { .. }));

    let mut chart = apprenticeship_trend();
    chart.series[0].points[0].ci = Some((f64::NAN, 7.0));
    let err = draw(chart);
    assert!(matches!(err, ChartError::NonFiniteValue { .. }), "{err}");
    assert!(err.to_string().contains("Burnley TTWA"), "{err}");
}

#[test]
fn very_long_titles_are_ellipsised() {
    let mut chart = apprenticeship_trend();
    chart.text.title = "Share of pupils in sustained apprenticeships after key stage 4 ".repeat(20);
    let svg = Svg::of(&Chart::Trend(chart.clone()));
    assert!(svg.has_text_containing("Share of pupils in sustained"));
    assert!(svg.has_text_containing("…"));
    assert!(!svg.has_text(chart.text.title.trim_end()));
}

#[test]
fn pay_in_pounds_renders_with_the_unit() {
    let chart = TrendChart {
        text: text("Median gross weekly pay", "£ per week"),
        periods: vec![],
        series: vec![TrendSeries::new(
            "Lancashire",
            [
                ("2021", Some(580.5)),
                ("2022", Some(601.0)),
                ("2023", Some(640.2)),
            ],
        )],
    };
    let svg = Svg::of(&Chart::Trend(chart));
    assert!(svg.has_text("£ per week"));
    assert_eq!(svg.line_runs(0), [3]);
}

#[test]
fn a_single_period_renders() {
    let chart = Chart::Trend(TrendChart {
        text: text("Census 2021: Level 4+ qualifications", "%"),
        periods: vec![],
        series: vec![TrendSeries::new("Preston", [("2021", Some(31.5))])],
    });
    assert!(Svg::of(&chart).has_text("2021"));
    assert!(render_png(&chart).is_ok());
}

#[test]
fn many_series_wrap_the_legend_and_reuse_the_palette() {
    let mut chart = apprenticeship_trend();
    chart.series = (0..10)
        .map(|i| {
            TrendSeries::new(
                format!("Lancashire district number {i} with a long name"),
                [
                    ("2022/23", Some(i as f64)),
                    ("2023/24", Some(i as f64 + 1.0)),
                ],
            )
        })
        .collect();
    let svg = Svg::of(&Chart::Trend(chart));
    for i in 0..10 {
        assert!(svg.has_text_containing(&format!("district number {i} ")));
    }
    assert_eq!(
        svg.line_runs(0).len(),
        2,
        "series 0 and 8 share the first colour"
    );
}

#[test]
fn a_few_ranked_bars_are_each_labelled_with_the_highlight_in_colour() {
    let svg = Svg::of(&Chart::Ranked(pay_ranking()));
    assert_eq!(
        svg.count("rect", "fill", &hex(0)),
        1,
        "only Burnley is highlighted"
    );
    assert_eq!(
        svg.count("rect", "fill", "#C8C8C8"),
        7,
        "the other drawn bars are grey"
    );
    for label in ["Ribble Valley", "Burnley", "Hyndburn", "£580", "£742"] {
        assert!(svg.has_text(label), "{label}");
    }
    assert!(
        svg.has_text("~£668") && svg.has_text("£561 [u]"),
        "marked values"
    );
    assert!(svg.has_text("Key: ~ approximate value; [u] low reliability"));
    assert!(svg.has_text("England: £682"), "reference line labelled");
    assert!(
        !svg.has_text("Rossendale") && !svg.has_text("Pendle"),
        "no value, no bar"
    );
    assert!(svg.has_text("1 area suppressed (not shown)"));
    assert!(svg.has_text("1 area without a value (not shown)"));
    assert!(svg.has_text("£ per week"));
}

#[test]
fn all_districts_ranked_are_columns_with_only_the_highlighted_labelled() {
    let svg = Svg::of(&Chart::Ranked(ranking(296)));
    assert_eq!(svg.count("rect", "fill", &hex(0)), 2);
    assert_eq!(svg.count("rect", "fill", "#C8C8C8"), 283);
    assert!(
        svg.has_text("District 40 (rank 39): 10.7%"),
        "{:?}",
        svg.texts()
    );
    assert!(svg.has_text_containing("District 210 (rank 202)"));
    assert!(
        !svg.has_text_containing("District 1 "),
        "unhighlighted bars are not labelled"
    );
    assert!(svg.has_text("rank 1 … 285") && svg.has_text("1") && svg.has_text("285"));
    assert!(svg.has_text("11 areas suppressed (not shown)"));
    assert!(svg.has_text("England: 6.2%"));
    assert_eq!(chart_size(&Chart::Ranked(ranking(296))), CHART_SIZE);
}

#[test]
fn each_bar_can_carry_its_own_reference_tick_named_in_the_key() {
    let chart = crate::common::occupation_shares();
    let svg = Svg::of(&Chart::Ranked(chart.clone()));
    assert_eq!(
        svg.count("rect", "fill", &hex(0)),
        4,
        "every part in colour"
    );
    // One 3 px black tick per bar.
    let ticks = svg
        .doc()
        .descendants()
        .filter(|n| {
            n.has_tag_name("polyline")
                && n.attribute("stroke") == Some("#000000")
                && n.attribute("stroke-width") == Some("3")
        })
        .count();
    assert_eq!(ticks, 4, "{}", svg.0);
    assert!(
        svg.has_text("Dark ticks: England's share"),
        "{:?}",
        svg.texts()
    );
    assert!(
        svg.has_text("17.9%") && !svg.has_text("7.4%"),
        "England's values are ticks, not labels"
    );
    let description = svg
        .doc()
        .descendants()
        .find(|n| n.has_tag_name("desc"))
        .and_then(|n| n.text().map(str::to_owned))
        .unwrap_or_default();
    assert!(
        description.contains("England's share: Professional occupations 20.3%"),
        "{description}"
    );
    // A tick beyond every bar widens the axis: the tick is drawn, not clipped.
    let mut wide = chart;
    wide.bars[0].reference = Some(60.0);
    let svg = Svg::of(&Chart::Ranked(wide.clone()));
    assert!(svg.has_text_containing("60"), "{:?}", svg.texts());
    wide.bars[1].reference = Some(f64::NAN);
    let err = render_svg(&Chart::Ranked(wide)).unwrap_err();
    assert!(matches!(err, ChartError::NonFiniteValue { .. }), "{err}");
}

#[test]
fn ranked_charts_without_values_are_errors() {
    let mut chart = pay_ranking();
    chart.bars.iter_mut().for_each(|bar| bar.value = None);
    let err = render_svg(&Chart::Ranked(chart.clone())).unwrap_err();
    assert!(matches!(err, ChartError::NoValues { .. }), "{err}");
    chart.bars[0].value = Some(f64::INFINITY);
    let err = render_svg(&Chart::Ranked(chart)).unwrap_err();
    assert!(matches!(err, ChartError::NonFiniteValue { .. }), "{err}");
}

#[test]
fn stacked_bars_show_each_category_in_its_colour_with_labels_that_fit() {
    let svg = Svg::of(&Chart::Stacked(destinations(4)));
    for category in crate::common::DESTINATIONS {
        assert!(svg.has_text(category), "legend {category}");
    }
    for label in ["Burnley TTWA", "Lancashire", "North West", "England"] {
        assert!(svg.has_text(label), "{label}");
    }
    // Four bars, the last suppressed: three have a further-education part.
    assert_eq!(
        svg.count("rect", "fill", &hex(0)) - 1,
        3,
        "legend swatch + parts"
    );
    assert_eq!(
        svg.count("rect", "fill", &hex(3)) - 1,
        2,
        "Lancashire's is missing"
    );
    assert!(
        svg.has_text("36.4%") && svg.has_text("38.4%"),
        "{:?}",
        svg.texts()
    );
    assert!(svg.has_text("suppressed"), "the suppressed bar says so");
    assert!(svg.has_text_containing("Lancashire: Apprenticeships"));
}

#[test]
fn stacked_bars_must_have_a_part_per_category() {
    let mut chart = destinations(3);
    chart.bars[1].parts.pop();
    let err = render_svg(&Chart::Stacked(chart)).unwrap_err();
    assert!(
        matches!(
            err,
            ChartError::PartsMismatch {
                expected: 7,
                found: 6,
                ..
            }
        ),
        "{err}"
    );

    let mut chart = destinations(3);
    chart.bars[0].parts[2] = Some(-1.0);
    let err = render_svg(&Chart::Stacked(chart)).unwrap_err();
    assert!(matches!(err, ChartError::NegativePart { .. }), "{err}");

    let mut chart = destinations(3);
    chart
        .bars
        .iter_mut()
        .for_each(|bar| bar.mark = Mark::Suppressed);
    let err = render_svg(&Chart::Stacked(chart)).unwrap_err();
    assert!(matches!(err, ChartError::NoValues { .. }), "{err}");
}

#[test]
fn small_multiples_share_one_axis_and_grow_taller_with_rows() {
    let chart = Chart::SmallMultiples(districts_grid(14, 8));
    let (width, height) = chart_size(&chart);
    assert_eq!(width, CHART_SIZE.0);
    assert!(height > CHART_SIZE.1 && height <= 1200, "{height}");
    assert!(chart_size(&Chart::SmallMultiples(districts_grid(40, 8))).1 <= 1200);

    let svg = Svg::of(&chart);
    let titles = svg
        .texts()
        .into_iter()
        .filter(|t| t.starts_with("District with"))
        .collect::<Vec<_>>();
    assert_eq!(titles.len(), 14);
    assert!(
        titles.iter().all(|t| t.ends_with('…')),
        "ellipsised: {titles:?}"
    );
    assert!(svg.has_text("Lancashire"), "reference in the legend");
    assert_eq!(
        svg.count("polyline", "stroke", &hex(0)),
        14,
        "one line per panel"
    );
    // Shared axis: every panel labels the same ticks.
    let ten = svg.texts().iter().filter(|t| *t == "10").count();
    assert_eq!(ten, 14, "{:?}", svg.texts());
    assert!(svg.has_text("2016/17") && svg.has_text("2023/24"));
    assert!(svg.has_text("Values in %"));
}

#[test]
fn small_multiples_without_panels_or_values_are_errors() {
    let mut chart = districts_grid(3, 4);
    chart.panels.clear();
    let err = render_svg(&Chart::SmallMultiples(chart)).unwrap_err();
    assert!(matches!(err, ChartError::NoSeries { .. }), "{err}");

    let mut chart = districts_grid(3, 4);
    for point in chart.panels.iter_mut().flat_map(|p| &mut p.series.points) {
        point.value = None;
    }
    let err = render_svg(&Chart::SmallMultiples(chart)).unwrap_err();
    assert!(
        matches!(err, ChartError::NoValues { .. }),
        "the reference alone is not a chart"
    );
}

#[test]
fn charts_round_trip_through_tagged_json() {
    for (name, chart) in every_kind() {
        let json = serde_json::to_string(&chart).unwrap();
        let back: Chart = serde_json::from_str(&json).unwrap();
        assert_eq!(back, chart, "{name}");
    }
    let json = serde_json::to_value(Chart::Trend(apprenticeship_trend())).unwrap();
    assert_eq!(json["kind"], "trend");
    assert_eq!(
        json["series"][0]["points"][2]["value"],
        serde_json::Value::Null
    );
    assert_eq!(json["series"][0]["points"][2]["mark"], "suppressed");
    let minimal = r#"{"kind":"ranked","text":{"title":"t"},"bars":[{"label":"a","value":1.0}]}"#;
    let Chart::Ranked(ranked) = serde_json::from_str(minimal).unwrap() else {
        panic!("kind names the variant")
    };
    assert!(!ranked.bars[0].highlight && ranked.bars[0].mark == Mark::None);
}
