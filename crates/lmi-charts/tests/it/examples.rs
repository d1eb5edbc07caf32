//! Writes every fixture chart to `target/lmi-charts/` for review by eye (ignored by default).

use lmi_charts::{Chart, render_png, render_svg};

#[test]
#[ignore = "writes the example charts to target/ for review by eye"]
fn write_example_charts() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/lmi-charts");
    std::fs::create_dir_all(&dir).unwrap();
    let mut charts = crate::common::realistic_charts();
    charts.extend([
        (
            "apprenticeship_trend",
            Chart::Trend(crate::common::apprenticeship_trend()),
        ),
        ("pay_ranking", Chart::Ranked(crate::common::pay_ranking())),
        (
            "occupation_shares",
            Chart::Ranked(crate::common::occupation_shares()),
        ),
        (
            "destinations",
            Chart::Stacked(crate::common::destinations(4)),
        ),
        (
            "districts_grid",
            Chart::SmallMultiples(crate::common::districts_grid(5, 6)),
        ),
    ]);
    for (name, chart) in charts {
        std::fs::write(dir.join(format!("{name}.svg")), render_svg(&chart).unwrap()).unwrap();
        std::fs::write(dir.join(format!("{name}.png")), render_png(&chart).unwrap()).unwrap();
    }
}
