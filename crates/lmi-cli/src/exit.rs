//! How a command ended, and the one table from that to the documented exit codes (README,
//! `lmi refresh --help`): 0 done, 3 published but partial, 1 nothing published or problems
//! found, 2 bad configuration or arguments, 4 another refresh holds the data directory.

use lmi_refresh::{Error, LiveReport};

/// How a command ended, as a cron job sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    /// Published with every source fresh, nothing changed, a dry run or a check passed.
    Ok,
    /// Published, but some source failed and is stale (carried over) or missing.
    Partial,
    /// Nothing was published; the previous snapshot (if any) is still current.
    NothingPublished,
    /// A check found problems, a source cannot be resolved, or the server stopped on an error.
    Failed,
    /// Bad configuration or arguments (or no such snapshot): nothing was attempted.
    Config,
    /// Another refresh is running on the data directory: nothing was attempted.
    Busy,
}

impl Ended {
    /// The process exit code.
    pub fn code(self) -> u8 {
        match self {
            Ended::Ok => 0,
            Ended::NothingPublished | Ended::Failed => 1,
            Ended::Config => 2,
            Ended::Partial => 3,
            Ended::Busy => 4,
        }
    }
}

impl From<&LiveReport> for Ended {
    fn from(report: &LiveReport) -> Ended {
        if report.is_partial() {
            Ended::Partial
        } else {
            Ended::Ok
        }
    }
}

impl From<&Error> for Ended {
    fn from(e: &Error) -> Ended {
        if e.is_busy() {
            Ended::Busy
        } else if e.is_config() || e.is_no_snapshot() {
            Ended::Config
        } else {
            match e {
                Error::Store(_) | Error::Runtime(_) => Ended::Failed,
                _ => Ended::NothingPublished,
            }
        }
    }
}

/// `report.exit_code()` for anything that says how a command ended.
pub trait ExitCode {
    fn exit_code(&self) -> u8;
}

impl<T> ExitCode for T
where
    for<'a> &'a T: Into<Ended>,
{
    fn exit_code(&self) -> u8 {
        self.into().code()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_ending_has_its_documented_code() {
        assert_eq!(Ended::Ok.code(), 0);
        assert_eq!(Ended::NothingPublished.code(), 1);
        assert_eq!(Ended::Failed.code(), 1);
        assert_eq!(Ended::Config.code(), 2);
        assert_eq!(Ended::Partial.code(), 3);
        assert_eq!(Ended::Busy.code(), 4);
    }

    #[test]
    fn refresh_errors_map_to_configuration_or_nothing_published() {
        let config = Error::Plan(lmi_fetch::PlanError::Config("--only `nope`".into()));
        assert_eq!(config.exit_code(), 2);
        let missing = Error::Store(lmi_store::StoreError::NoSnapshot("data".into()));
        assert_eq!(missing.exit_code(), 2);
        let nothing = Error::NothingPublished {
            reason: lmi_refresh::NotPublished::NoSourceRead {
                errors: vec!["HTTP 503".into()],
            },
            sources: Vec::new(),
        };
        assert_eq!(nothing.exit_code(), 1);
        let damaged = Error::Store(lmi_store::StoreError::Corrupt {
            version: "v".into(),
            reason: "digest".into(),
        });
        assert_eq!(damaged.exit_code(), 1);
        let busy = Error::Store(lmi_store::StoreError::Busy {
            dir: "data".into(),
            holder: "pid 1 since 2026-11-28T00:00:00Z".into(),
        });
        assert_eq!(busy.exit_code(), 4);
    }
}
