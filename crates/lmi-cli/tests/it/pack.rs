//! `lmi render pack` and `lmi serve --dashboards` as users run them: packs for one area and for
//! every area within a combined authority, PDFs with pages, clear refusals of bad input.

use crate::support::lmi;
use std::path::{Path, PathBuf};
use std::process::Output;

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn files(dir: &Path, ext: &str) -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(ext))
        .collect();
    out.sort();
    out
}

#[test]
fn packs_within_a_combined_authority_cover_every_district_and_ttwa() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = lmi(&[
        "render",
        "pack",
        "--within",
        "E47000018",
        "--no-pdf",
        "--out",
        out.path().to_str().unwrap(),
        "--data-dir",
        data.path().to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stdout}\n{stderr}");
    let html = files(out.path(), ".html");
    // The combined authority, its 14 districts, its Travel to Work Areas, and the index.
    assert!(
        html.contains(&"E47000018-lancashire.html".to_owned()),
        "{html:?}"
    );
    assert!(
        html.contains(&"E07000123-preston.html".to_owned()),
        "{html:?}"
    );
    assert!(
        html.contains(&"E30000255-preston.html".to_owned()),
        "{html:?}"
    );
    assert!(
        html.contains(&"E30000182-burnley.html".to_owned()),
        "{html:?}"
    );
    assert!(html.contains(&"index.html".to_owned()));
    let lads = html
        .iter()
        .filter(|f| f.starts_with("E06") || f.starts_with("E07"))
        .count();
    assert_eq!(lads, 14, "{html:?}");
    assert!(
        stdout.contains("rendered") && stdout.contains("s per pack"),
        "{stdout}"
    );
    // No temporary file is left behind.
    assert!(files(out.path(), ".partial").is_empty());

    let preston = std::fs::read_to_string(out.path().join("E30000255-preston.html")).unwrap();
    // Self-contained: charts inline, nothing fetched from elsewhere.
    assert!(
        preston.matches("<svg").count() >= 6,
        "too few inline charts"
    );
    for remote in ["src=\"http", "href=\"http://", "<script", "<link"] {
        assert!(!preston.contains(remote), "the pack refers to {remote}");
    }
    for expected in [
        "Provision planning",
        "SYNTHETIC SAMPLE DATA",
        "Definitions and caveats",
        "Sources and licence",
        "Open Government Licence v3.0",
        "of pupils in Preston went on to a sustained apprenticeship",
    ] {
        assert!(preston.contains(expected), "the pack lacks {expected:?}");
    }
    // The numbers print as a board paper shows them: one row per area, one column per year.
    assert!(
        preston.contains("<th class=\"n\">2022/23</th>"),
        "no wide table"
    );
    // Each inline chart keeps its own accessible title and description.
    assert_eq!(
        preston
            .matches("id=\"ks4-destinations-chart-title\"")
            .count(),
        1
    );
    assert!(
        preston.contains(
            "aria-labelledby=\"ks4-destinations-chart-title ks4-destinations-chart-desc\""
        )
    );
    let burnley_lad = std::fs::read_to_string(out.path().join("E07000117-burnley.html")).unwrap();
    assert!(burnley_lad.contains("Careers adviser"));
    let ca = std::fs::read_to_string(out.path().join("E47000018-lancashire.html")).unwrap();
    assert!(ca.contains("Hub overview"));
}

#[test]
fn a_pack_prints_to_a_pdf_with_pages() {
    let given = std::env::var_os("LMI_CHROMIUM").map(PathBuf::from);
    let found = lmi_cli::pack::find_chromium(given.as_deref()).ok();
    let Some(chromium) = lmi_testkit::chromium_for("a_pack_prints_to_a_pdf_with_pages", found)
    else {
        return;
    };
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let o = lmi(&[
        "render",
        "pack",
        "--area",
        "E30000255",
        "--out",
        out.path().to_str().unwrap(),
        "--data-dir",
        data.path().to_str().unwrap(),
        "--chromium",
        chromium.to_str().unwrap(),
    ]);
    let (stdout, stderr) = text(&o);
    assert!(o.status.success(), "{stdout}\n{stderr}");
    let pdf = out.path().join("E30000255-preston.pdf");
    let doc = lopdf::Document::load(&pdf).expect("a readable PDF");
    let pages = doc.get_pages().len();
    assert!(pages >= 3, "the Preston pack has {pages} page(s)");
    assert!(stdout.contains("1 PDF"), "{stdout}");
}

#[test]
fn bad_pack_requests_are_refused_before_anything_is_written() {
    let data = tempfile::tempdir().unwrap();
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().join("packs");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "render",
            "pack",
            "--out",
            out_dir.to_str().unwrap(),
            "--data-dir",
            data.path().to_str().unwrap(),
            "--no-pdf",
        ];
        args.extend_from_slice(extra);
        lmi(&args)
    };
    for (extra, expected) in [
        (vec!["--area", "E99999999"], "unknown area code `E99999999`"),
        (
            vec!["--within", "E07000117"],
            "--within takes an area that contains districts",
        ),
        (
            vec!["--area", "E07000117", "--dashboard", "nope"],
            "unknown dashboard `nope`",
        ),
    ] {
        let o = run(&extra);
        let (_, stderr) = text(&o);
        assert_ne!(o.status.code(), Some(0), "{extra:?}");
        assert!(stderr.contains(expected), "{extra:?}: {stderr}");
    }
    assert!(!out_dir.exists() || files(&out_dir, ".html").is_empty());

    let o = lmi(&[
        "render",
        "pack",
        "--area",
        "E07000117",
        "--out",
        out_dir.to_str().unwrap(),
        "--chromium",
        "/nonexistent/chromium",
        "--data-dir",
        data.path().to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o)
            .1
            .contains("Chromium not found at /nonexistent/chromium")
    );
}

#[test]
fn serve_refuses_a_bad_dashboard_spec_at_start_up() {
    let specs = tempfile::tempdir().unwrap();
    std::fs::write(
        specs.path().join("broken.toml"),
        "id = \"broken\"\ntitle = \"Broken\"\naudience = \"a\"\nsummary = \"s\"\n\
         area_types = [\"lad\"]\n[[panels]]\nid = \"p\"\ntitle = \"P\"\nchart = \"trend\"\n\
         indicator = \"ks4_apprenticeship_rat\"\n",
    )
    .unwrap();
    let data = tempfile::tempdir().unwrap();
    let o = lmi(&[
        "serve",
        "--dashboards",
        specs.path().to_str().unwrap(),
        "--addr",
        "127.0.0.1:0",
        "--data-dir",
        data.path().to_str().unwrap(),
    ]);
    let (_, stderr) = text(&o);
    assert_eq!(o.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("broken.toml: panel 1 (`p`): unknown indicator `ks4_apprenticeship_rat`"),
        "{stderr}"
    );
    // Nothing was loaded or built.
    assert_eq!(std::fs::read_dir(data.path()).unwrap().count(), 0);
}
