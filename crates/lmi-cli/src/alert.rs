//! Telling someone that a refresh did not end 0: the configured command (`alert.on_failure`,
//! `--on-failure`) and webhook (`alert.webhook`, `--alert-webhook`). An alert that cannot be
//! delivered is reported on stderr; it never changes the refresh's own exit code.

use crate::exit::Ended;
use lmi_core::Secret;
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Alerting on a refresh that did not end 0 (exit 1, 2, 3 or 4): a command, a webhook, or both.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct AlertSettings {
    /// Run with `sh -c`, with LMI_EXIT_CODE, LMI_OUTCOME, LMI_MESSAGE and LMI_DATA_DIR in its
    /// environment (e.g. `mail -s "lmi refresh failed" ops@example.org <<< "$LMI_MESSAGE"`).
    pub on_failure: Option<String>,
    /// POSTed a JSON summary (with a `text` field, as chat incoming webhooks expect).
    /// A secret: a chat webhook's URL carries its own token.
    pub webhook: Option<Secret<url::Url>>,
}

/// How long the command may run before it is killed.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);
/// How long the webhook may take to answer.
const WEBHOOK_TIMEOUT: Duration = Duration::from_secs(15);

/// What a refresh alert says: also the webhook's JSON body.
#[derive(Debug, Clone, Serialize)]
pub struct RefreshAlert {
    pub event: &'static str,
    pub exit_code: u8,
    /// `partial`, `nothing_published`, `failed`, `configuration` or `busy`.
    pub outcome: &'static str,
    pub message: String,
    pub data_dir: String,
    pub host: String,
    pub at: String,
    /// One line for chat incoming webhooks.
    pub text: String,
}

impl RefreshAlert {
    pub fn new(ended: Ended, message: &str, data_dir: &Path) -> RefreshAlert {
        let outcome = match ended {
            Ended::Ok => "ok",
            Ended::Partial => "partial",
            Ended::NothingPublished => "nothing_published",
            Ended::Failed => "failed",
            Ended::Config => "configuration",
            Ended::Busy => "busy",
        };
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_default();
        let first_line = message.lines().next().unwrap_or_default();
        RefreshAlert {
            event: "lmi_refresh_failed",
            exit_code: ended.code(),
            outcome,
            text: format!(
                "lmi refresh on {} ended {} ({outcome}): {first_line}",
                if host.is_empty() { "this host" } else { &host },
                ended.code()
            ),
            message: message.to_owned(),
            data_dir: data_dir.display().to_string(),
            host,
            at: lmi_core::now_rfc3339(),
        }
    }
}

/// Sends the alerts for a refresh that did not end 0; does nothing when it did or when none is
/// configured. Returns what could not be delivered (also printed on stderr).
pub fn after_refresh(settings: &AlertSettings, alert: &RefreshAlert) -> Vec<String> {
    let mut undelivered = Vec::new();
    if alert.exit_code == 0 {
        return undelivered;
    }
    if let Some(cmd) = &settings.on_failure
        && let Err(e) = run_command(cmd, alert)
    {
        undelivered.push(format!("--on-failure command: {e}"));
    }
    if let Some(url) = &settings.webhook
        && let Err(e) = post_webhook(url.expose(), alert)
    {
        undelivered.push(format!("alert webhook: {e}"));
    }
    for u in &undelivered {
        eprintln!("warning: the failure alert was not delivered: {u}");
    }
    undelivered
}

fn run_command(cmd: &str, alert: &RefreshAlert) -> Result<(), String> {
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .env("LMI_EXIT_CODE", alert.exit_code.to_string())
        .env("LMI_OUTCOME", alert.outcome)
        .env("LMI_MESSAGE", &alert.message)
        .env("LMI_DATA_DIR", &alert.data_dir)
        .stdin(Stdio::null())
        .spawn()
        .map_err(|e| format!("could not start `sh -c`: {e}"))?;
    let started = Instant::now();
    loop {
        match child.try_wait() {
            Ok(Some(status)) if status.success() => return Ok(()),
            Ok(Some(status)) => return Err(format!("`{cmd}` ended with {status}")),
            Ok(None) if started.elapsed() > COMMAND_TIMEOUT => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{cmd}` was still running after {} s and was stopped",
                    COMMAND_TIMEOUT.as_secs()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(50)),
            Err(e) => return Err(format!("waiting for `{cmd}`: {e}")),
        }
    }
}

fn post_webhook(url: &url::Url, alert: &RefreshAlert) -> Result<(), String> {
    // The URL may hold a token: only its host is ever printed.
    let shown = url.host_str().unwrap_or("the webhook").to_owned();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("starting the async runtime: {e}"))?;
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(WEBHOOK_TIMEOUT)
            .build()
            .map_err(|e| format!("building the HTTP client: {e}"))?;
        let response = client
            .post(url.clone())
            .json(alert)
            .send()
            .await
            .map_err(|e| format!("POST to {shown} failed: {}", e.without_url()))?;
        if response.status().is_success() {
            Ok(())
        } else {
            Err(format!("{shown} answered HTTP {}", response.status()))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_clean_refresh_alerts_nobody_and_a_failing_command_is_reported() {
        let settings = AlertSettings {
            on_failure: Some("exit 7".into()),
            webhook: None,
        };
        let ok = RefreshAlert::new(Ended::Ok, "", Path::new("data"));
        assert!(after_refresh(&settings, &ok).is_empty());
        let failed = RefreshAlert::new(Ended::NothingPublished, "HTTP 503\nmore", Path::new("d"));
        assert_eq!(failed.exit_code, 1);
        assert!(
            failed
                .text
                .ends_with("ended 1 (nothing_published): HTTP 503"),
            "{}",
            failed.text
        );
        let undelivered = after_refresh(&settings, &failed);
        assert!(
            undelivered[0].contains("`exit 7` ended with exit status: 7"),
            "{undelivered:?}"
        );
    }
}
