//! `lmi serve --refresh-schedule "CRON"`: the nightly refresh inside the server, for a single
//! box without systemd timers or cron. A background thread runs the same live refresh as
//! `lmi refresh` at each time the schedule names (the server's local time); the server's
//! watcher then swaps to what it published. The refresh lock still applies, so a scheduled run
//! and a cron-started `lmi refresh` never overlap (the later one is skipped as busy).

use crate::alert::{AlertSettings, RefreshAlert, after_refresh};
use crate::exit::Ended;
use chrono::{DateTime, Local, TimeZone};
use croner::Cron;
use croner::parser::{CronParser, Seconds};
use std::time::Duration;

/// A parsed refresh schedule: five fields (minute hour day-of-month month day-of-week), or six
/// with seconds first; `@daily`-style nicknames too.
#[derive(Debug, Clone)]
pub struct RefreshSchedule {
    text: String,
    cron: Cron,
}

impl RefreshSchedule {
    pub fn parse(text: &str) -> Result<RefreshSchedule, String> {
        let cron = CronParser::builder()
            .seconds(Seconds::Optional)
            .build()
            .parse(text.trim())
            .map_err(|e| {
                format!(
                    "`{text}` is not a cron schedule ({e}); e.g. \"30 2 * * *\" for 02:30 every day"
                )
            })?;
        Ok(RefreshSchedule {
            text: text.trim().to_owned(),
            cron,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The first time after `now` the schedule names.
    pub fn next_after<Tz: TimeZone>(&self, now: &DateTime<Tz>) -> Option<DateTime<Tz>> {
        self.cron.find_next_occurrence(now, false).ok()
    }
}

/// Starts the scheduled refreshes on their own thread; each run is logged, and one that does
/// not end 0 sends the configured alerts.
pub fn spawn(
    schedule: RefreshSchedule,
    options: lmi_refresh::LiveRefresh,
    store: lmi_store::Store,
    alert: AlertSettings,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("lmi-refresh-schedule".into())
        .spawn(move || {
            loop {
                let now = Local::now();
                let Some(next) = schedule.next_after(&now) else {
                    tracing::error!(schedule = schedule.as_str(), "the refresh schedule names no future time: scheduled refreshes stop");
                    return;
                };
                tracing::info!(schedule = schedule.as_str(), next = %next.to_rfc3339(), "next scheduled refresh");
                let wait = (next - now).to_std().unwrap_or(Duration::ZERO);
                std::thread::sleep(wait);
                run_once(&options, &store, &alert);
            }
        })
}

/// One scheduled refresh: published, unchanged, partial or failed, said in the log.
pub fn run_once(
    options: &lmi_refresh::LiveRefresh,
    store: &lmi_store::Store,
    alert: &AlertSettings,
) -> Ended {
    let progress = lmi_fetch::NoProgress;
    let (ended, message) = match lmi_refresh::refresh_live(options, store, &progress) {
        Ok(report) => {
            let ended = Ended::from(&report);
            match (&report.published, ended) {
                (Some(m), Ended::Ok) => {
                    tracing::info!(version = %m.version, "scheduled refresh published a snapshot")
                }
                (None, _) => tracing::info!("scheduled refresh: nothing changed"),
                (Some(m), _) => tracing::warn!(
                    version = %m.version,
                    "scheduled refresh published a snapshot, but some sources are stale or missing"
                ),
            }
            let failed: Vec<String> = report
                .carried
                .iter()
                .filter(|c| c.is_failure())
                .map(|c| c.source_id().to_owned())
                .collect();
            let message = if failed.is_empty() {
                String::new()
            } else {
                format!("stale or missing sources: {}", failed.join(", "))
            };
            (ended, message)
        }
        Err(e) => {
            let ended = Ended::from(&e);
            tracing::error!(error = %e, "scheduled refresh failed: nothing was published");
            (ended, e.to_string())
        }
    };
    after_refresh(
        alert,
        &RefreshAlert::new(ended, &message, &options.data_dir),
    );
    ended
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;

    #[test]
    fn schedules_parse_with_or_without_seconds_and_bad_ones_say_why() {
        let nightly = RefreshSchedule::parse("30 2 * * *").unwrap();
        let at = Utc.with_ymd_and_hms(2026, 11, 28, 15, 0, 0).unwrap();
        assert_eq!(
            nightly.next_after(&at).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 29, 2, 30, 0).unwrap()
        );
        let often = RefreshSchedule::parse("*/10 * * * * *").unwrap();
        assert_eq!(
            often.next_after(&at).unwrap(),
            Utc.with_ymd_and_hms(2026, 11, 28, 15, 0, 10).unwrap()
        );
        assert!(RefreshSchedule::parse("@daily").is_ok());
        let err = RefreshSchedule::parse("every night").unwrap_err();
        assert!(
            err.contains("`every night` is not a cron schedule"),
            "{err}"
        );
        assert!(RefreshSchedule::parse("61 * * * *").is_err());
    }
}
