//! The SVG of each chart kind on fixed data, reviewed by eye once and then held still: any
//! change to layout, text or colours shows up as a snapshot diff (`cargo insta review`).

use lmi_charts::{Chart, render_svg};

fn svg(chart: Chart) -> String {
    let first = render_svg(&chart).unwrap();
    assert_eq!(
        first,
        render_svg(&chart).unwrap(),
        "rendering is deterministic"
    );
    first
}

#[test]
fn trend_svg() {
    insta::assert_snapshot!(svg(Chart::Trend(crate::common::apprenticeship_trend())));
}

#[test]
fn ranked_svg() {
    insta::assert_snapshot!(svg(Chart::Ranked(crate::common::pay_ranking())));
}

#[test]
fn stacked_svg() {
    insta::assert_snapshot!(svg(Chart::Stacked(crate::common::destinations(4))));
}

#[test]
fn small_multiples_svg() {
    insta::assert_snapshot!(svg(Chart::SmallMultiples(crate::common::districts_grid(
        4, 5
    ))));
}
