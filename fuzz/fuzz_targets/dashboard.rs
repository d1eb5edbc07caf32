//! Dashboard specs (`lmi_report::dashboard::Dashboards::parse`, the loader behind
//! `Dashboards::load_dir` and `Dashboards::bundled`): the input, as text (invalid UTF-8 replaced,
//! as the loader only ever sees text), is one spec file. It is named after the first `id = "…"`
//! line it holds, so that a spec that is otherwise valid also passes the file-name check and
//! reaches the checks against the catalogue. Ok or Err are both fine; a panic is a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use lmi_fuzz::debug;
use lmi_report::dashboard::Dashboards;

/// The file stem the loader expects for this text: the first top-level `id = "…"` value.
fn stem(text: &str) -> &str {
    text.lines()
        .filter_map(|l| l.trim_start().strip_prefix("id"))
        .filter_map(|l| l.trim_start().strip_prefix('='))
        .filter_map(|l| l.trim().strip_prefix('"'))
        .filter_map(|l| l.split('"').next())
        .find(|s| !s.is_empty() && !s.contains(['/', '\\']))
        .unwrap_or("fuzz")
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let name = format!("dashboards/{}.toml", stem(&text));
    let result = Dashboards::parse([(name.clone(), text)]).map(|d| d.all().len());
    debug(|| name, &result);
});
