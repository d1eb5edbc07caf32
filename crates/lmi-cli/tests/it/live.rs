//! `lmi refresh` and `lmi sources check` against the emulated publishers (lmi-testkit's
//! `MockPublishers`), and `lmi serve --refresh-schedule` refreshing by itself. The refresh rules
//! are tested in lmi-refresh's own tests; these are the binary's flags, output and exit codes.

use crate::support::lmi_with;
use lmi_ingest::{BUNDLED_CATALOGUE, Catalogue};
use lmi_testkit::MockPublishers;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Cells per page the emulated Nomis serves.
const PAGE: u64 = 1_000;
/// The 2021 LSOA census tables: the sample has none.
const LSOA_SOURCES: [&str; 4] = [
    "census2021_ts067_lsoa",
    "census2021_ts063_lsoa",
    "census2021_ts066_lsoa",
    "census2021_ts060a_lsoa",
];
const KS4: &str = "key-stage-4-destination-measures";
const KS4_LONG_TITLE: &str = "Key stage 4 leavers destinations";

/// The emulated publishers serving the synthetic sample.
fn sample_mock() -> MockPublishers {
    MockPublishers::start(&lmi_testkit::sample_dir(), PAGE)
}

/// The bundled catalogue's text without the LSOA census entries: the sample has no LSOA tables.
fn catalogue_file(dir: &Path) -> PathBuf {
    let mut text = BUNDLED_CATALOGUE.to_owned();
    for id in LSOA_SOURCES {
        let start = text.find(&format!("[[source]]\nid = \"{id}\"")).unwrap();
        // To the next entry, or to the end for the last one.
        let end = text[start + 1..]
            .find("[[source]]")
            .map_or(text.len(), |i| start + 1 + i);
        text.replace_range(start..end, "");
    }
    let path = dir.join("sources.toml");
    std::fs::write(&path, text).unwrap();
    assert_eq!(
        Catalogue::parse(&std::fs::read_to_string(&path).unwrap())
            .unwrap()
            .sources
            .len(),
        Catalogue::bundled().unwrap().sources.len() - LSOA_SOURCES.len()
    );
    path
}

#[test]
fn the_lmi_binary_refreshes_from_mirrors_and_checks_sources() {
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let d = data.path().to_str().unwrap();
    let catalogue = catalogue_file(data.path());
    let c = catalogue.to_str().unwrap();
    let (nomis, ees, ons, github, geography) = (
        mock.nomis_base(),
        mock.ees_base(),
        mock.ons_base(),
        mock.github_base(),
        mock.geography_base(),
    );
    let ons_website = mock.ons_website_base();
    let env = [
        ("LMI_NOMIS_BASE_URL", nomis.as_str()),
        ("LMI_EES_BASE_URL", ees.as_str()),
        ("LMI_ONS_BASE_URL", ons.as_str()),
        ("LMI_GITHUB_API_BASE_URL", github.as_str()),
        ("LMI_GEOGRAPHY_BASE_URL", geography.as_str()),
        ("LMI_ONS_WEBSITE_BASE_URL", ons_website.as_str()),
    ];
    let text = |o: &std::process::Output| {
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    };

    // Every source with a publisher route (the `local_only` ones are read by `--from` only).
    let n = Catalogue::parse(&std::fs::read_to_string(&catalogue).unwrap())
        .unwrap()
        .sources
        .iter()
        .filter(|s| !s.local_only)
        .count();

    // What each source resolves to, without downloading it.
    mock.clear_log();
    let out = lmi_with(&["sources", "check", "--catalogue", c], &env);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("Academic year 2023/24 (latest release)"),
        "{stdout}"
    );
    assert!(stdout.contains("release `2023-24`"), "{stdout}");
    assert!(
        stdout.contains("claimant-count/claimant-count.csv"),
        "{stdout}"
    );
    assert!(stdout.contains("NM_17_5.data.csv"), "{stdout}");
    assert!(
        stdout.contains(&format!("{n} source(s) resolve")),
        "{stdout}"
    );
    // Each resolved source with its publisher's last release date (EES: the release's
    // `published`; ELS: the metadata's `sourceDate`; Nomis: Last-Modified), and each source
    // without a route with why.
    assert!(stdout.contains("last release: "), "{stdout}");
    // Which layouts were confirmed from a real file and which were built from documentation.
    assert!(
        stdout.contains("    layout: section labels and values CONFIRMED from a real open access")
            && stdout.contains("    layout: built from documentation (Nomis API layout"),
        "{stdout}"
    );
    // EES (the release's date), ELS (the series' source date) and Nomis (Last-Modified) state
    // a date; a repository file, an ONS dataset file and the geography portal's feature service
    // may not.
    let undated: Vec<&str> = stdout
        .lines()
        .zip(stdout.lines().skip(1))
        .filter(|(_, next)| next.contains("last release: not stated"))
        .map(|(source, _)| source)
        .collect();
    assert!(
        undated
            .iter()
            .all(|l| [" arcgis ", " github ", " ons_dataset "]
                .iter()
                .any(|k| l.contains(k))),
        "{undated:?}"
    );
    for dated in [
        "dfe_ks4_destinations_lad",
        "census2021_ts067_lad",
        "ons_els_claimant_count",
    ] {
        assert!(
            stdout
                .lines()
                .zip(stdout.lines().skip(1))
                .any(|(l, next)| l.starts_with(dated) && next.contains("last release: 20")),
            "{dated}: {stdout}"
        );
    }
    let no_route = |id: &str, why: &str| {
        stdout
            .lines()
            .any(|l| l.starts_with(id) && l.contains(&format!("not refreshed: {why}")))
    };
    assert!(
        no_route("dfe_ess2019_lea", "one-off publication"),
        "{stdout}"
    );
    assert!(
        no_route("ons_online_job_adverts", "closed series"),
        "{stdout}"
    );

    // NCCIS NEET: the EES data set of the latest calendar-year release.
    assert!(stdout.contains("\"NEET by characteristics\""), "{stdout}");
    // Job adverts (Textkernel): the edition the ONS dataset page links.
    assert!(
        stdout.contains("edition `january2017todecember2025`"),
        "{stdout}"
    );
    // Skills Imperative workbooks: the files of DfE's repository.
    assert!(
        stdout.contains("GitHub dfe-analytical-services/lsip_dashboard@main"),
        "{stdout}"
    );
    // The occupation and economic activity census tables, business counts and the APS T13a cells
    // found by label.
    for needle in [
        "NM_2080_1.data.csv?c2021_occ_10=0...9",
        "NM_2083_1.data.csv?c2021_eastat_20=0,1001...1011,1...19",
        "NM_142_1.data.csv?date=latestMINUS4-latest",
        "NM_17_1.data.csv?cell=",
        "9 cell(s) found by label",
        "26 cell(s) found by label",
    ] {
        assert!(stdout.contains(needle), "`{needle}` not in {stdout}");
    }
    let out = lmi_with(&["refresh", "--data-dir", d, "--catalogue", c], &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        stdout.contains(&format!("{n} fetched, 0 not modified")),
        "{stdout}"
    );
    assert!(stdout.contains("published snapshot"), "{stdout}");

    let out = lmi_with(&["refresh", "--data-dir", d, "--catalogue", c], &env);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(
        stdout.contains(&format!("0 fetched, {n} not modified")),
        "{stdout}"
    );
    assert!(stdout.contains("0 bytes downloaded"), "{stdout}");
    assert!(stdout.contains("nothing changed"), "{stdout}");

    let out = lmi_with(&["refresh", "--data-dir", d, "--only", "nope"], &env);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--only `nope`"));
    let out = lmi_with(
        &["refresh", "--data-dir", d],
        &[("LMI_NOMIS_BASE_URL", "ftp://mirror")],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("ftp://mirror"));

    // One of the sources fails: the others publish, exit code 3, the failure named.
    mock.rename_data_set(KS4, "2023-24", KS4_LONG_TITLE, "Renamed by DfE");
    let out = lmi_with(
        &[
            "refresh",
            "--data-dir",
            d,
            "--catalogue",
            c,
            "--log-format",
            "json",
        ],
        &env,
    );
    assert_eq!(out.status.code(), Some(3), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("1 failed"), "{stdout}");
    assert!(stdout.contains("dfe_ks4_destinations_lad"), "{stdout}");
    assert!(
        stdout.contains("STALE: carried over from snapshot"),
        "{stdout}"
    );
    assert!(stdout.contains("published snapshot"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Renamed by DfE"));

    let out = lmi_with(&["sources", "check", "--catalogue", c], &env);
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("dfe_ks4_destinations_lad"), "{stdout}");
    assert!(stdout.contains("FAILED"), "{stdout}");
    assert!(stdout.contains("Renamed by DfE"), "{stdout}");
    assert!(
        stdout.contains(&format!("1 of {n} source(s) cannot be resolved")),
        "{stdout}"
    );
}

/// `lmi serve --refresh-schedule`: the server refreshes from the publishers by itself on the
/// schedule and swaps to what it published, without a restart.
#[test]
fn the_server_refreshes_on_its_schedule_and_serves_the_result() {
    use std::io::{BufRead, BufReader, Read, Write};
    let mock = sample_mock();
    let data = tempfile::tempdir().unwrap();
    let (nomis, ees, ons, github, geography) = (
        mock.nomis_base(),
        mock.ees_base(),
        mock.ons_base(),
        mock.github_base(),
        mock.geography_base(),
    );
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_lmi"));
    cmd.args([
        "serve",
        "--data-dir",
        data.path().to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
        "--watch-interval-ms",
        "200",
        // Every 2 seconds: the first run starts within 2 s of start-up.
        "--refresh-schedule",
        "*/2 * * * * *",
    ])
    .env("RUST_LOG", "info")
    .env("LMI_NOMIS_BASE_URL", &nomis)
    .env("LMI_EES_BASE_URL", &ees)
    .env("LMI_ONS_BASE_URL", &ons)
    .env("LMI_GITHUB_API_BASE_URL", &github)
    .env("LMI_GEOGRAPHY_BASE_URL", &geography)
    .env("LMI_ONS_WEBSITE_BASE_URL", mock.ons_website_base())
    .env_remove("LMI_CONFIG")
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::null());
    struct Killed(std::process::Child);
    impl Drop for Killed {
        fn drop(&mut self) {
            let _ = self.0.kill();
            let _ = self.0.wait();
        }
    }
    let mut server = Killed(cmd.spawn().unwrap());
    let stdout = server.0.stdout.take().unwrap();
    let mut lines = BufReader::new(stdout).lines();
    let addr = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("lmi listening on http://")
                .map(|rest| rest.split_whitespace().next().unwrap().to_owned())
        })
        .expect("the server says where it listens");
    let get = |path: &str| -> serde_json::Value {
        let mut s = std::net::TcpStream::connect(&addr).unwrap();
        write!(
            s,
            "GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n"
        )
        .unwrap();
        let mut text = String::new();
        s.read_to_string(&mut text).unwrap();
        let body = text.split_once("\r\n\r\n").unwrap().1;
        serde_json::from_str(body).unwrap_or(serde_json::Value::Null)
    };
    let first = get("/v1/snapshot");
    assert_eq!(
        first["sample"], true,
        "a fresh data directory serves the sample first"
    );
    let deadline = std::time::Instant::now() + Duration::from_secs(180);
    let swapped = loop {
        let now = get("/v1/snapshot");
        if now["sample"] == false {
            break now;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "no scheduled refresh was served within 180 s: {now}"
        );
        std::thread::sleep(Duration::from_millis(300));
    };
    assert_ne!(swapped["version"], first["version"]);
    // The publishers were asked by the server itself.
    assert!(mock.log().iter().any(|l| l.path.starts_with("/nomis/")));
    // The sources it fetched are in the served provenance.
    let sources = get("/v1/sources");
    assert!(
        sources["sources"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["source_id"] == "census2021_ts067_lad" && s["url"].is_string()),
        "{sources}"
    );
}
