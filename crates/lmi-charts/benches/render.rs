//! Render time per chart kind, SVG and PNG, at the sizes the API draws: trend 5 series × 8
//! periods with intervals, ranked 296 bars, stacked 5 bars × 7 parts, small multiples 14 panels
//! × 8 periods. After criterion's report, prints each kind's time as a multiple of trend SVG,
//! measured again in the same run with a plain timing loop.

// Test and benchmark code: a failed unwrap is a failed test.
#![allow(clippy::unwrap_used)]

#[path = "../tests/it/common.rs"]
mod common;

use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use lmi_charts::{render_png, render_svg};

fn render(c: &mut Criterion) {
    let mut group = c.benchmark_group("render");
    for (name, chart) in common::realistic_charts() {
        group.bench_function(format!("{name}/svg"), |b| {
            b.iter(|| render_svg(black_box(&chart)).unwrap())
        });
        group.bench_function(format!("{name}/png"), |b| {
            b.iter(|| render_png(black_box(&chart)).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, render);

/// Mean time of `f` over as many runs as fit in `budget` (at least three), after one warm-up.
fn mean_time(budget: Duration, mut f: impl FnMut()) -> Duration {
    f();
    let start = Instant::now();
    let mut runs = 0u32;
    while runs < 3 || start.elapsed() < budget {
        f();
        runs += 1;
    }
    start.elapsed() / runs
}

fn print_ratios() {
    let budget = Duration::from_millis(500);
    let times: Vec<(&str, Duration, Duration)> = common::realistic_charts()
        .iter()
        .map(|(name, chart)| {
            let svg = mean_time(budget, || {
                black_box(render_svg(chart).unwrap());
            });
            let png = mean_time(budget, || {
                black_box(render_png(chart).unwrap());
            });
            (*name, svg, png)
        })
        .collect();
    // realistic_charts() lists the trend first: its SVG is the baseline.
    let baseline = times[0].1.as_secs_f64();
    println!("\nmean render time, and as a multiple of trend/svg from the same loop:");
    for (name, svg, png) in times {
        println!(
            "  {name:<16} svg {svg:>9.2?} ({:>5.1}×)   png {png:>9.2?} ({:>5.1}×)",
            svg.as_secs_f64() / baseline,
            png.as_secs_f64() / baseline
        );
    }
}

fn main() {
    benches();
    Criterion::default().configure_from_args().final_summary();
    // `cargo bench` passes --bench; `cargo test --benches` runs this binary without it.
    if std::env::args().any(|arg| arg == "--bench") {
        print_ratios();
    }
}
