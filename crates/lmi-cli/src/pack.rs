//! `lmi render pack`: area data packs written to a directory, as self-contained HTML (from
//! `lmi_report::render_pack_html`) and PDF printed by headless Chromium. Needs no HTTP crate.

use anyhow::{Context, bail};
use lmi_core::Area;
use lmi_report::{Dashboards, GeoIndex, ServedSnapshot};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Executables tried, in order, when no Chromium is named.
const CHROMIUM_NAMES: [&str; 4] = [
    "chromium",
    "chromium-browser",
    "google-chrome",
    "google-chrome-stable",
];

/// How long one PDF may take before Chromium is stopped.
const PDF_TIMEOUT: Duration = Duration::from_secs(120);

/// What to render.
#[derive(Debug, Clone)]
pub struct PackOptions {
    /// Areas to render (GSS codes).
    pub areas: Vec<String>,
    pub out: PathBuf,
    /// Dashboard id; by default the dashboard best suited to each area's type.
    pub dashboard: Option<String>,
    /// Chromium to print PDFs with; `None` writes HTML only.
    pub chromium: Option<PathBuf>,
}

/// One pack written.
#[derive(Debug, Clone)]
pub struct PackReport {
    pub area: Area,
    pub dashboard: String,
    pub html: PathBuf,
    pub pdf: Option<PathBuf>,
}

/// Finds a Chromium: the given path, else the first of the usual names on `PATH`.
pub fn find_chromium(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(p) = given {
        if p.is_file() {
            return Ok(p.to_owned());
        }
        bail!("Chromium not found at {}", p.display());
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    for dir in std::env::split_paths(&path) {
        for name in CHROMIUM_NAMES {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Ok(candidate);
            }
        }
    }
    bail!(
        "no Chromium found on PATH (tried {}) to print the PDFs: install it (Debian: `apt-get \
         install chromium`), name it with --chromium PATH or LMI_CHROMIUM, or pass --no-pdf for \
         HTML only",
        CHROMIUM_NAMES.join(", ")
    )
}

/// The areas `--area`/`--within` name, checked before anything is written.
pub fn areas_for(
    geo: &GeoIndex,
    area: Option<&str>,
    within: Option<&str>,
) -> anyhow::Result<Vec<String>> {
    match (area, within) {
        (Some(a), None) => {
            let found = geo
                .area(a)
                .with_context(|| format!("unknown area code `{a}`"))?;
            Ok(vec![found.code.clone()])
        }
        (None, Some(w)) => Ok(lmi_report::areas_within(geo, w)
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .into_iter()
            .map(|a| a.code.clone())
            .collect()),
        _ => bail!("give exactly one of --area CODE or --within CODE"),
    }
}

/// Writes `bytes` to `path` through a temporary file in the same directory, so a reader (or a
/// kill) never sees half a file.
fn write_atomic(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir)
        .with_context(|| format!("creating a temporary file in {}", dir.display()))?;
    tmp.write_all(bytes)
        .with_context(|| format!("writing {}", tmp.path().display()))?;
    // Temporary files are private (0600); a pack is a document to share, readable as a plain
    // write would leave it.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o644))
            .with_context(|| format!("setting permissions of {}", tmp.path().display()))?;
    }
    tmp.persist(path)
        .with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}

/// Prints `html` to `pdf` with headless Chromium.
pub fn print_pdf(chromium: &Path, html: &Path, pdf: &Path) -> anyhow::Result<()> {
    let html = std::fs::canonicalize(html)?;
    let profile = tempfile::tempdir().context("creating a Chromium profile directory")?;
    let partial = pdf.with_extension("pdf.partial");
    let _ = std::fs::remove_file(&partial);
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            // The page is our own local file and every network feature is off, so Chromium's
            // sandbox (which refuses to start as root in containers) adds nothing here.
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--no-pdf-header-footer",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("--print-to-pdf={}", partial.display()))
        .arg(format!("file://{}", html.display()))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .with_context(|| format!("starting {}", chromium.display()))?;
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait()? {
            break status;
        }
        if started.elapsed() > PDF_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            let _ = std::fs::remove_file(&partial);
            bail!(
                "Chromium did not finish printing {} within {} s",
                html.display(),
                PDF_TIMEOUT.as_secs()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let mut stderr = String::new();
    if let Some(mut e) = child.stderr.take() {
        use std::io::Read;
        let _ = e.read_to_string(&mut stderr);
    }
    let bytes = std::fs::read(&partial).unwrap_or_default();
    if !status.success() || !bytes.starts_with(b"%PDF-") {
        let _ = std::fs::remove_file(&partial);
        let last: Vec<&str> = stderr.lines().rev().take(5).collect();
        bail!(
            "Chromium ({status}) did not print {} to a PDF: {}",
            html.display(),
            last.into_iter().rev().collect::<Vec<_>>().join(" | ")
        );
    }
    std::fs::rename(&partial, pdf).with_context(|| format!("renaming to {}", pdf.display()))?;
    Ok(())
}

/// Renders one pack per area into `options.out`, calling `on_done` after each. Stops at the
/// first failure (packs already written stay; none is half-written).
pub fn render_packs(
    snap: &ServedSnapshot,
    geo: &GeoIndex,
    dashboards: &Dashboards,
    options: &PackOptions,
    mut on_done: impl FnMut(&PackReport),
) -> anyhow::Result<Vec<PackReport>> {
    if let Some(id) = &options.dashboard
        && dashboards.get(id).is_none()
    {
        let known: Vec<_> = dashboards
            .all()
            .iter()
            .map(|d| d.spec.id.as_str())
            .collect();
        bail!("unknown dashboard `{id}`; known: {}", known.join(", "));
    }
    std::fs::create_dir_all(&options.out)
        .with_context(|| format!("creating {}", options.out.display()))?;
    let generated_at = lmi_core::now_rfc3339();
    let mut reports = Vec::new();
    for code in &options.areas {
        let area = geo
            .area(code)
            .with_context(|| format!("unknown area code `{code}`"))?;
        let dashboard = match &options.dashboard {
            Some(id) => dashboards.get(id),
            None => dashboards.default_for(area.area_type),
        }
        .context("no dashboards to render")?;
        let html = lmi_report::render_pack_html(dashboard, area, snap, geo, &generated_at)
            .map_err(|e| anyhow::anyhow!("rendering the pack for {} ({code}): {e}", area.name))?;
        let stem = lmi_report::pack_file_stem(area);
        let html_path = options.out.join(format!("{stem}.html"));
        write_atomic(&html_path, html.as_bytes())?;
        let pdf = match &options.chromium {
            Some(chromium) => {
                let pdf_path = options.out.join(format!("{stem}.pdf"));
                print_pdf(chromium, &html_path, &pdf_path)?;
                Some(pdf_path)
            }
            None => None,
        };
        let report = PackReport {
            area: area.clone(),
            dashboard: dashboard.spec.id.clone(),
            html: html_path,
            pdf,
        };
        on_done(&report);
        reports.push(report);
    }
    if reports.len() > 1 {
        write_atomic(
            &options.out.join("index.html"),
            index_html(&reports, &snap.meta.snapshot).as_bytes(),
        )?;
    }
    Ok(reports)
}

/// A contents page linking every pack of a `--within` run.
fn index_html(reports: &[PackReport], snapshot: &str) -> String {
    let file = |p: &Path| {
        p.file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let names: Vec<(String, Option<String>)> = reports
        .iter()
        .map(|r| (file(&r.html), r.pdf.as_deref().map(file)))
        .collect();
    let entries: Vec<lmi_report::PackIndexEntry> = reports
        .iter()
        .zip(&names)
        .map(|(r, (html, pdf))| lmi_report::PackIndexEntry {
            area: &r.area,
            dashboard: &r.dashboard,
            html,
            pdf: pdf.as_deref(),
        })
        .collect();
    lmi_report::render_pack_index_html(&entries, snapshot)
}
