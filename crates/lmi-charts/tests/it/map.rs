//! Maps: one SVG element per area with its code and value in its `<title>`, the legend lists the
//! classes and says how they were cut, no-data and suppressed areas carry no class and are drawn
//! apart from every class, names are printed where they fit and numbered elsewhere.

use crate::common::text;
use lmi_charts::{
    Chart, ClassMethod, MapChart, MapClasses, MapShape, Mark, render_png, render_svg,
};

/// A 4 x 3 grid of squares (0.2 by 0.15 degrees), the first one tiny (its name does not fit).
fn shapes() -> Vec<MapShape> {
    (0..12)
        .map(|i| {
            let (x, y) = (-3.0 + 0.2 * (i % 4) as f64, 53.6 + 0.15 * (i / 4) as f64);
            let size = if i == 0 { 0.01 } else { 0.2 };
            MapShape {
                code: format!("E0700{:04}", 117 + i),
                label: format!("District {i}"),
                polygons: vec![vec![vec![
                    (x, y),
                    (x + size, y),
                    (x + size, y + size * 0.75),
                    (x, y + size * 0.75),
                    (x, y),
                ]]],
                value: match i {
                    10 => None,
                    _ => Some(f64::from(i) * 2.5),
                },
                mark: if i == 11 {
                    Mark::Suppressed
                } else {
                    Mark::None
                },
                selected: i == 5,
            }
        })
        .collect()
}

fn chart(method: ClassMethod) -> Chart {
    Chart::Map(MapChart {
        text: text("Apprenticeships after GCSEs: districts", "%"),
        shapes: shapes(),
        classes: MapClasses { method, count: 5 },
    })
}

/// The `<path …>` elements with a `data-code`.
fn areas(svg: &str) -> Vec<&str> {
    svg.split("<path ")
        .skip(1)
        .filter(|p| p.contains("data-code="))
        .map(|p| &p[..p.find("</path>").unwrap()])
        .collect()
}

#[test]
fn each_area_is_one_shape_with_its_code_and_value_in_its_title() {
    let svg = render_svg(&chart(ClassMethod::Quantiles)).unwrap();
    let areas = areas(&svg);
    assert_eq!(areas.len(), 12, "{svg}");
    for i in 0..12 {
        let code = format!("E0700{:04}", 117 + i);
        let mine: Vec<&&str> = areas
            .iter()
            .filter(|a| a.contains(&format!("data-code=\"{code}\"")))
            .collect();
        assert_eq!(mine.len(), 1, "{code}");
        let value = match i {
            10 => "no data".to_owned(),
            11 => "suppressed".to_owned(),
            _ => format!("{:.1}%", f64::from(i) * 2.5),
        };
        assert!(
            mine[0].contains(&format!("<title>District {i} ({code}): {value}</title>")),
            "{}",
            mine[0]
        );
    }
    // The selected area is outlined (drawn last, thick black).
    let selected: Vec<&&str> = areas.iter().filter(|a| a.contains("selected")).collect();
    assert_eq!(selected.len(), 1);
    assert!(
        selected[0].contains("data-code=\"E07000122\"")
            && selected[0].contains("stroke=\"#000000\" stroke-width=\"3\"")
    );
}

#[test]
fn class_bounds_that_would_print_alike_get_the_decimals_that_tell_them_apart() {
    // Quantiles of two over 6.01, 6.37 | 6.44, 6.5 | …: at one decimal the first class would end
    // at "6.4%" where the second begins.
    let values = [6.01, 6.37, 6.44, 6.5, 7.0, 7.2, 8.0, 8.1, 8.8, 9.0];
    let shapes: Vec<MapShape> = shapes()
        .into_iter()
        .take(10)
        .zip(values)
        .map(|(s, v)| MapShape {
            value: Some(v),
            mark: Mark::None,
            ..s
        })
        .collect();
    let svg = render_svg(&Chart::Map(MapChart {
        text: text("Apprenticeships after GCSEs: districts", "%"),
        shapes,
        classes: MapClasses {
            method: ClassMethod::Quantiles,
            count: 5,
        },
    }))
    .unwrap();
    for class in ["6.01% to 6.37%", "6.44% to 6.50%", "8.80% to 9.00%"] {
        assert!(
            svg.contains(&format!("\n{class}\n</text>")),
            "legend lacks {class}"
        );
    }
}

#[test]
fn the_legend_lists_the_classes_and_says_how_they_were_cut() {
    let svg = render_svg(&chart(ClassMethod::Quantiles)).unwrap();
    // Ten values 0..22.5 in quantiles of two: 0.0% to 2.5%, 5.0% to 7.5%, … 20.0% to 22.5%.
    for class in [
        "0.0% to 2.5%",
        "5.0% to 7.5%",
        "10.0% to 12.5%",
        "15.0% to 17.5%",
        "20.0% to 22.5%",
    ] {
        assert!(
            svg.contains(&format!("\n{class}\n</text>")),
            "legend lacks {class}"
        );
    }
    assert!(svg.contains("Classes: quantiles"), "caption of the cut");
    assert!(svg.contains("\nNo data\n</text>") && svg.contains("\nSuppressed\n</text>"));
    let svg = render_svg(&chart(ClassMethod::EqualIntervals)).unwrap();
    assert!(svg.contains("Classes: equal intervals"));
    // 0 to 22.5 in five equal classes of 4.5.
    assert!(
        svg.contains("\n0.0% to 4.5%\n</text>") && svg.contains("\n18.0% to 22.5%\n</text>"),
        "{svg}"
    );
}

#[test]
fn no_data_and_suppressed_areas_carry_no_class_and_their_own_fills() {
    let svg = render_svg(&chart(ClassMethod::Quantiles)).unwrap();
    let areas = areas(&svg);
    let with_class = areas.iter().filter(|a| a.contains("data-class=")).count();
    assert_eq!(with_class, 10);
    let fill = |a: &str| {
        let at = a.find(" fill=\"").unwrap() + 7;
        a[at..at + a[at..].find('"').unwrap()].to_owned()
    };
    let no_data = areas
        .iter()
        .find(|a| a.contains("data-code=\"E07000127\""))
        .unwrap();
    let suppressed = areas
        .iter()
        .find(|a| a.contains("data-code=\"E07000128\""))
        .unwrap();
    assert!(!no_data.contains("data-class") && no_data.contains("data-status=\"no-data\""));
    assert!(
        !suppressed.contains("data-class") && suppressed.contains("data-status=\"suppressed\"")
    );
    let class_fills: std::collections::BTreeSet<String> = areas
        .iter()
        .filter(|a| a.contains("data-class="))
        .map(|a| fill(a))
        .collect();
    assert_eq!(class_fills.len(), 5, "five classes, five fills");
    assert!(!class_fills.contains(&fill(no_data)) && !class_fills.contains(&fill(suppressed)));
    assert_ne!(fill(no_data), fill(suppressed));
}

#[test]
fn names_are_printed_where_they_fit_and_numbered_elsewhere() {
    let svg = render_svg(&chart(ClassMethod::Quantiles)).unwrap();
    assert!(
        svg.contains("\nDistrict 5\n</text>"),
        "a big square is named"
    );
    assert!(
        !svg.contains("\nDistrict 0\n</text>"),
        "the tiny one is not"
    );
    // The frame is drawn once (the key of numbers is laid out on a scratch canvas).
    assert_eq!(svg.matches("Classes: quantiles").count(), 1);
    assert!(svg.contains("Areas by number: 1 District 0"), "it is keyed");
    let png = render_png(&chart(ClassMethod::Quantiles)).unwrap();
    assert!(png.starts_with(b"\x89PNG"));
}

#[test]
fn a_map_without_values_or_shapes_is_a_clear_error() {
    let mut empty = shapes();
    for s in &mut empty {
        s.value = None;
    }
    let err = render_svg(&Chart::Map(MapChart {
        text: text("Nothing", "%"),
        shapes: empty,
        classes: MapClasses::default(),
    }))
    .unwrap_err();
    assert!(err.to_string().contains("no values"), "{err}");
    let err = render_svg(&Chart::Map(MapChart {
        text: text("No shapes", "%"),
        shapes: Vec::new(),
        classes: MapClasses::default(),
    }))
    .unwrap_err();
    assert!(err.to_string().contains("no series"), "{err}");
}
