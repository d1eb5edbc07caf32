//! Terminal output: a live refresh's progress bars, one per source (bytes, and pages for Nomis),
//! hidden when stderr is not a terminal (cron), and its summary table; what `sources check`
//! found; the data packs written.

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use lmi_fetch::{CheckOutcome, Outcome, Progress, SourceCheck, SourceReport};
use lmi_refresh::LiveReport;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

pub struct Bars {
    multi: MultiProgress,
    bars: Mutex<HashMap<String, ProgressBar>>,
}

impl Bars {
    pub fn new() -> Bars {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        Bars {
            multi: MultiProgress::with_draw_target(target),
            bars: Mutex::new(HashMap::new()),
        }
    }

    /// Removes the bars before the summary is printed.
    pub fn clear(&self) {
        let _ = self.multi.clear();
    }

    fn with(&self, source: &str, f: impl FnOnce(&ProgressBar)) {
        if let Ok(bars) = self.bars.lock()
            && let Some(bar) = bars.get(source)
        {
            f(bar);
        }
    }
}

impl Progress for Bars {
    fn begin(&self, source: &str, url: &str) {
        let bar = self.multi.add(ProgressBar::no_length());
        bar.set_style(
            ProgressStyle::with_template("{prefix:<28} {spinner} {bytes:>10} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        bar.set_prefix(source.to_owned());
        bar.set_message(url.to_owned());
        bar.enable_steady_tick(std::time::Duration::from_millis(120));
        tracing::info!(source, url, "fetching");
        if let Ok(mut bars) = self.bars.lock() {
            bars.insert(source.to_owned(), bar);
        }
    }

    fn bytes(&self, source: &str, n: u64) {
        self.with(source, |b| b.inc(n));
    }

    fn page(&self, source: &str, pages: u64, cells: u64, total: u64) {
        self.with(source, |b| {
            b.set_message(format!("page {pages}: {cells}/{total} cells"));
        });
        tracing::debug!(source, pages, cells, total, "page");
    }

    fn retry(&self, source: &str, attempt: u32, reason: &str) {
        self.with(source, |b| {
            b.set_message(format!("retry {attempt}: {reason}"))
        });
    }

    fn end(&self, source: &str, outcome: Outcome) {
        self.with(source, |b| {
            b.finish_with_message(outcome.as_str().to_owned());
        });
        tracing::info!(source, outcome = outcome.as_str(), "source done");
    }
}

/// The summary table: one line per source.
pub fn summary(sources: &[SourceReport]) -> String {
    let mut out = format!(
        "{:<28} {:<13} {:>8} {:>11} {:>6} {:>9}\n",
        "source", "outcome", "requests", "downloaded", "pages", "rows"
    );
    for r in sources {
        out.push_str(&format!(
            "{:<28} {:<13} {:>8} {:>11} {:>6} {:>9}\n",
            r.source_id,
            r.outcome.as_str(),
            r.requests,
            r.bytes_downloaded,
            r.pages,
            r.rows
        ));
    }
    let count = |o: Outcome| sources.iter().filter(|r| r.outcome == o).count();
    out.push_str(&format!(
        "{} fetched, {} not modified, {} resumed, {} from cache, {} kept, {} failed; {} bytes downloaded\n",
        count(Outcome::Fetched),
        count(Outcome::NotModified),
        count(Outcome::Resumed),
        count(Outcome::Cached),
        count(Outcome::Kept),
        count(Outcome::Failed),
        sources.iter().map(|r| r.bytes_downloaded).sum::<u64>()
    ));
    for r in sources {
        if let Some(release) = &r.release {
            out.push_str(&format!("  {:<28} release: {release}\n", r.source_id));
        }
    }
    for r in sources.iter().filter(|r| r.outcome == Outcome::Failed) {
        if let Some(e) = &r.error {
            out.push_str(&format!("  {:<28} failed: {e}\n", r.source_id));
        }
    }
    out
}

/// What happened to the sources that did not come from this refresh.
pub fn carried(carried: &[lmi_refresh::Carried]) -> String {
    let mut out = String::new();
    for c in carried {
        out.push_str(&match c {
            lmi_refresh::Carried::Stale {
                source_id,
                snapshot,
                ..
            } => format!("  {source_id:<28} STALE: carried over from snapshot {snapshot}\n"),
            lmi_refresh::Carried::Kept {
                source_id,
                snapshot,
            } => format!("  {source_id:<28} kept from snapshot {snapshot}\n"),
            lmi_refresh::Carried::Missing { source_id, .. } => format!(
                "  {source_id:<28} MISSING: never fetched successfully; its indicators have no values\n"
            ),
        });
    }
    out
}

/// Prints what a live refresh did: the summary, the carried sources, what was published, and
/// the failed sources' errors when the refresh is partial.
pub fn print_live(report: &LiveReport, store: &lmi_store::Store) {
    print!("{}", summary(&report.sources));
    print!("{}", carried(&report.carried));
    let partial = report.is_partial();
    match (&report.published, report.unchanged) {
        (Some(m), _) => println!(
            "published snapshot {} in {store}{}",
            m.version,
            if partial {
                " (partial: some sources are stale or missing, see above)"
            } else {
                ""
            }
        ),
        (None, true) => {
            println!("nothing changed since the current snapshot; it stays published")
        }
        (None, false) => {
            println!("dry run: sources fetched and validated; nothing published")
        }
    }
    if partial {
        for r in report.failed_sources() {
            eprintln!("error: {}", r.error.as_deref().unwrap_or("failed"));
        }
    }
}

/// Prints, per source, what a refresh would fetch (with the publisher's last release date) or
/// why it cannot, and the sources no publisher route refreshes; true when every source that has
/// a route resolves.
pub fn print_sources_check(checks: &[SourceCheck]) -> bool {
    let mut failed = 0;
    let mut no_route = 0;
    for c in checks {
        match &c.outcome {
            CheckOutcome::Resolved { target, probes } => {
                println!(
                    "{:<30} {:<6} ok  {}",
                    c.source_id,
                    c.kind,
                    target.release_label.as_deref().unwrap_or("")
                );
                println!(
                    "    last release: {} ({} cycle)",
                    c.release_date()
                        .as_deref()
                        .unwrap_or("not stated by the publisher"),
                    c.cycle.as_str()
                );
                if let Some(r) = &target.resolved {
                    println!("    resolved: {r}");
                }
                if let Some(layout) = &c.layout {
                    println!("    layout: {layout}");
                }
                for (url, p) in target.urls.iter().zip(probes) {
                    println!("    GET {url}");
                    println!(
                        "        HTTP {}, Last-Modified: {}, ETag: {}, {}",
                        p.status,
                        p.last_modified.as_deref().unwrap_or("(none)"),
                        p.etag.as_deref().unwrap_or("(none)"),
                        p.content_length
                            .map_or("length unknown".to_owned(), |n| format!("{n} bytes"))
                    );
                }
            }
            CheckOutcome::Failed(e) => {
                failed += 1;
                println!("{:<30} {:<6} FAILED", c.source_id, c.kind);
                println!("    {e}");
            }
            CheckOutcome::NoRoute => {
                no_route += 1;
                println!(
                    "{:<30} {:<6} not refreshed: {} with no publisher route; only `lmi refresh --from DIR` reads it",
                    c.source_id,
                    c.kind,
                    c.cycle.as_str()
                );
            }
        }
    }
    let routed = checks.len() - no_route;
    if failed == 0 {
        println!("{routed} source(s) resolve; {no_route} with no publisher route");
    } else {
        println!(
            "{failed} of {routed} source(s) cannot be resolved; a refresh would carry them over as stale"
        );
    }
    failed == 0
}

/// Runs `lmi render pack` with a progress bar (hidden when stderr is not a terminal), then
/// prints each pack written and the total time.
pub fn run_packs(
    snap: &lmi_report::ServedSnapshot,
    geo: &lmi_report::GeoIndex,
    dashboards: &lmi_report::Dashboards,
    options: &lmi_cli::pack::PackOptions,
) -> anyhow::Result<()> {
    let target = if std::io::stderr().is_terminal() {
        ProgressDrawTarget::stderr()
    } else {
        ProgressDrawTarget::hidden()
    };
    let bar = ProgressBar::with_draw_target(Some(options.areas.len() as u64), target);
    bar.set_style(
        ProgressStyle::with_template("{bar:30} {pos}/{len} packs  {elapsed_precise}  {msg}")
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    let started = std::time::Instant::now();
    let result = lmi_cli::pack::render_packs(snap, geo, dashboards, options, |r| {
        bar.inc(1);
        bar.set_message(r.area.name.clone());
        bar.suspend(|| {
            println!(
                "  {:<10} {:<36} {:<19} {}{}",
                r.area.code,
                r.area.name,
                r.dashboard,
                r.html.display(),
                r.pdf
                    .as_ref()
                    .map(|p| format!(" + {}", p.display()))
                    .unwrap_or_default()
            );
        });
    });
    bar.finish_and_clear();
    let elapsed = started.elapsed().as_secs_f64();
    let reports = result?;
    {
        {
            let pdfs = reports.iter().filter(|r| r.pdf.is_some()).count();
            println!(
                "rendered {} pack(s) ({} HTML, {pdfs} PDF) in {elapsed:.1} s ({:.2} s per pack) into {}",
                reports.len(),
                reports.len(),
                elapsed / reports.len().max(1) as f64,
                options.out.display()
            );
            if snap.meta.sample {
                println!("  note: packs show SYNTHETIC SAMPLE DATA (labelled in every pack)");
            }
        }
    }
    Ok(())
}
