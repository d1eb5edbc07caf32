//! How old a source's data is, and whether its publisher is late with the next release.
//!
//! The catalogue gives every source its publisher's [`Cycle`] (annual, quarterly, one-off, a
//! closed series…); a refresh records the publisher's release date of what it read
//! ([`SourceProvenance::release_date`]). [`freshness`] puts the two together for a reader: the
//! release date, when lmi last fetched it, and whether nothing new has come for longer than the
//! usual cycle allows.

use crate::SourceProvenance;
use serde::{Deserialize, Serialize};
use time::{Date, Month};

/// How often a source's publisher releases new data (catalogue field `cycle`).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cycle {
    Monthly,
    Quarterly,
    Annual,
    /// Every two years (surveys run biennially).
    Biennial,
    /// Published once (Census 2021, a one-off survey or projection): never late.
    OneOff,
    /// The publisher stopped the series: no new release will come.
    Closed,
}

impl Cycle {
    /// Months between releases, for the cycles that repeat.
    pub fn months(self) -> Option<u32> {
        match self {
            Cycle::Monthly => Some(1),
            Cycle::Quarterly => Some(3),
            Cycle::Annual => Some(12),
            Cycle::Biennial => Some(24),
            Cycle::OneOff | Cycle::Closed => None,
        }
    }

    /// Grace after a cycle before a release counts as late: a quarter of the cycle, at least
    /// 14 days (publishers move release days by a few weeks).
    fn grace_days(self) -> i64 {
        self.months().map_or(0, |m| (m as i64 * 30 / 4).max(14))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Cycle::Monthly => "monthly",
            Cycle::Quarterly => "quarterly",
            Cycle::Annual => "annual",
            Cycle::Biennial => "biennial",
            Cycle::OneOff => "one-off publication",
            Cycle::Closed => "closed series",
        }
    }
}

/// Where a source stands against its publisher's cycle.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FreshnessStatus {
    /// Released within its usual cycle.
    Current,
    /// Nothing new for longer than the usual cycle (plus grace): check the publisher.
    Overdue,
    /// Published once; not refreshed.
    OneOff,
    /// The publisher stopped the series.
    Closed,
    /// No release date is known (a hand-downloaded file, or an old snapshot).
    Unknown,
}

/// How old one source's data is, as a reader should be told.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Freshness {
    pub source_id: String,
    pub status: FreshnessStatus,
    /// The publisher's usual cycle (`None` in snapshots written before cycles were recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cycle: Option<Cycle>,
    /// The publisher's release date of the data served (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub release_date: Option<String>,
    /// When lmi downloaded it (RFC 3339); absent for hand-downloaded files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<String>,
    /// The date after which the next release counts as late (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_release_due_by: Option<String>,
    /// One sentence: released when, fetched when, and late or not.
    pub note: String,
}

/// `source`'s freshness on `today`.
pub fn freshness(source: &SourceProvenance, today: Date) -> Freshness {
    let release = source.release_date.as_deref().and_then(parse_date);
    let due = match (source.cycle, release) {
        (Some(cycle), Some(released)) => cycle
            .months()
            .map(|m| add_months(released, m) + time::Duration::days(cycle.grace_days())),
        _ => None,
    };
    let status = match (source.cycle, release, due) {
        (Some(Cycle::OneOff), ..) => FreshnessStatus::OneOff,
        (Some(Cycle::Closed), ..) => FreshnessStatus::Closed,
        (_, _, Some(due)) if today > due => FreshnessStatus::Overdue,
        (_, _, Some(_)) => FreshnessStatus::Current,
        _ => FreshnessStatus::Unknown,
    };
    let released = match &source.release_date {
        Some(d) => format!("released {d}"),
        None => "release date not known".to_owned(),
    };
    let fetched = match source.fetched_at.as_deref() {
        Some(at) => format!(", fetched {}", at.get(..10).unwrap_or(at)),
        None => ", read from a hand-downloaded file".to_owned(),
    };
    let standing = match (status, due) {
        (FreshnessStatus::Overdue, Some(due)) => format!(
            "; overdue: the publisher's {} cycle expected a new release by {due}",
            source.cycle.map_or("", Cycle::as_str)
        ),
        (FreshnessStatus::OneOff, _) => "; a one-off publication, not refreshed".to_owned(),
        (FreshnessStatus::Closed, _) => {
            "; a closed series: the publisher no longer updates it".to_owned()
        }
        _ => String::new(),
    };
    Freshness {
        source_id: source.source_id.clone(),
        status,
        cycle: source.cycle,
        release_date: source.release_date.clone(),
        fetched_at: source.fetched_at.clone(),
        next_release_due_by: due.map(|d| d.to_string()),
        note: format!("{released}{fetched}{standing}"),
    }
}

/// Today (UTC).
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// The UTC day of a time, `YYYY-MM-DD`.
pub fn day_of(t: std::time::SystemTime) -> String {
    time::OffsetDateTime::from(t).date().to_string()
}

/// `YYYY-MM-DD` (the start of an RFC 3339 time also parses).
pub fn parse_date(s: &str) -> Option<Date> {
    let s = s.get(..10)?;
    let mut parts = s.split('-');
    let year: i32 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let day: u8 = parts.next()?.parse().ok()?;
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// `dd/mm/yyyy` (how ONS's Explore Local Statistics metadata writes `sourceDate`) as
/// `YYYY-MM-DD`.
pub fn iso_from_day_month_year(s: &str) -> Option<String> {
    let mut parts = s.trim().split('/');
    let day: u8 = parts.next()?.parse().ok()?;
    let month: u8 = parts.next()?.parse().ok()?;
    let year: i32 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day)
        .ok()
        .map(|d| d.to_string())
}

/// `date` plus `months` calendar months, the day clamped to the month's length.
fn add_months(date: Date, months: u32) -> Date {
    let index = date.year() * 12 + (date.month() as i32 - 1) + months as i32;
    let (year, month) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    let month = Month::try_from(month as u8).unwrap_or(Month::December);
    let day = date.day().min(month.length(year));
    Date::from_calendar_date(year, month, day).unwrap_or(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(cycle: Option<Cycle>, released: Option<&str>) -> SourceProvenance {
        SourceProvenance {
            source_id: "s".into(),
            cycle,
            release_date: released.map(str::to_owned),
            fetched_at: Some("2026-12-01T02:00:00Z".into()),
            ..SourceProvenance::default()
        }
    }

    fn day(s: &str) -> Date {
        parse_date(s).unwrap()
    }

    #[test]
    fn a_source_is_overdue_only_after_its_cycle_and_grace() {
        // Annual: due a year later plus 90 days' grace.
        let annual = source(Some(Cycle::Annual), Some("2025-11-20"));
        let f = freshness(&annual, day("2026-12-01"));
        assert_eq!(f.status, FreshnessStatus::Current);
        assert_eq!(f.next_release_due_by.as_deref(), Some("2027-02-18"));
        assert_eq!(
            freshness(&annual, day("2027-02-19")).status,
            FreshnessStatus::Overdue
        );
        // Monthly: a month plus 14 days.
        let monthly = source(Some(Cycle::Monthly), Some("2026-01-31"));
        let f = freshness(&monthly, day("2026-03-15"));
        assert_eq!(f.next_release_due_by.as_deref(), Some("2026-03-14"));
        assert_eq!(f.status, FreshnessStatus::Overdue);
        assert!(f.note.contains("overdue"), "{}", f.note);
        assert!(f.note.contains("released 2026-01-31, fetched 2026-12-01"));
    }

    #[test]
    fn one_off_and_closed_series_are_never_late_and_unknown_dates_say_so() {
        let today = day("2030-01-01");
        let f = freshness(&source(Some(Cycle::OneOff), Some("2023-01-05")), today);
        assert_eq!(f.status, FreshnessStatus::OneOff);
        assert!(f.note.contains("one-off publication, not refreshed"));
        let f = freshness(&source(Some(Cycle::Closed), Some("2022-05-25")), today);
        assert_eq!(f.status, FreshnessStatus::Closed);
        assert!(f.note.contains("closed series"));
        let mut hand = source(Some(Cycle::Annual), None);
        hand.fetched_at = None;
        let f = freshness(&hand, today);
        assert_eq!(f.status, FreshnessStatus::Unknown);
        assert_eq!(
            f.note,
            "release date not known, read from a hand-downloaded file"
        );
        assert_eq!(
            freshness(&source(None, Some("2020-01-01")), today).status,
            FreshnessStatus::Unknown
        );
    }

    #[test]
    fn dates_parse_in_the_publishers_spellings() {
        assert_eq!(
            iso_from_day_month_year("20/11/2025").as_deref(),
            Some("2025-11-20")
        );
        assert_eq!(iso_from_day_month_year("31/02/2025"), None);
        assert_eq!(iso_from_day_month_year("2025-11-20"), None);
        assert_eq!(parse_date("2024-10-17T09:30:00Z"), Some(day("2024-10-17")));
        assert_eq!(add_months(day("2024-01-31"), 1), day("2024-02-29"));
        assert_eq!(add_months(day("2024-11-30"), 3), day("2025-02-28"));
    }
}
