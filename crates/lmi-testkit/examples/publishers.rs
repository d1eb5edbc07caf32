//! The emulated publishers as a standalone server, for benchmarks and manual runs:
//!
//! ```sh
//! cargo run --release -p lmi-testkit --example publishers -- DIR [PAGE_LIMIT]
//! ```
//!
//! serves the files under `DIR` (the real data, the sample or a generated benchmark directory)
//! with Nomis pages of at most `PAGE_LIMIT` cells (default 25,000, Nomis' anonymous limit), prints
//! one line `LMI_NOMIS_BASE_URL=… LMI_EES_BASE_URL=… LMI_ONS_BASE_URL=… LMI_GITHUB_API_BASE_URL=… LMI_ONS_WEBSITE_BASE_URL=…`
//! (the environment `lmi refresh` reads) and runs until its standard input closes.

use lmi_testkit::MockPublishers;
use std::io::Read;
use std::path::PathBuf;

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(dir) = args.next().map(PathBuf::from) else {
        eprintln!("usage: publishers DIR [PAGE_LIMIT]");
        std::process::exit(2);
    };
    if !dir.is_dir() {
        eprintln!("publishers: {} is not a directory", dir.display());
        std::process::exit(2);
    }
    let page_limit = match args.next().map(|p| p.parse::<u64>()) {
        None => 25_000,
        Some(Ok(n)) if n > 0 => n,
        Some(_) => {
            eprintln!("publishers: PAGE_LIMIT must be a positive whole number");
            std::process::exit(2);
        }
    };
    let mock = MockPublishers::start(&dir, page_limit);
    println!(
        "LMI_NOMIS_BASE_URL={} LMI_EES_BASE_URL={} LMI_ONS_BASE_URL={} LMI_GITHUB_API_BASE_URL={} LMI_GEOGRAPHY_BASE_URL={} LMI_ONS_WEBSITE_BASE_URL={}",
        mock.nomis_base(),
        mock.ees_base(),
        mock.ons_base(),
        mock.github_base(),
        mock.geography_base(),
        mock.ons_website_base()
    );
    // Until the caller closes our standard input (or kills us).
    let _ = std::io::stdin().read_to_end(&mut Vec::new());
    drop(mock);
}
