//! Date intervals, half-open `[start, end)` as in the original pipeline.
//!
//! Specs: `YYYY-MM-DD-YYYY-MM-DD`, `YYYY`, `YYYY-MM`, `YYYY-Www` (ISO week), `YYYY-MM-DD` (one day),
//! `yesterday`, `today`, `last-N-days`.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Interval {
    pub start: NaiveDate,
    pub end: NaiveDate,
}

impl Interval {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, String> {
        if end < start {
            return Err(format!("interval end {end} is before its start {start}"));
        }
        Ok(Self { start, end })
    }

    /// Every day `start <= d < end`.
    pub fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        let n = (self.end - self.start).num_days().max(0);
        (0..n).map(move |i| self.start + Duration::days(i))
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.start <= d && d < self.end
    }

    /// Widened by `days` on both sides (tracking-log file selection, `expand_interval`).
    pub fn expand(&self, days: i64) -> Self {
        Self { start: self.start - Duration::days(days), end: self.end + Duration::days(days) }
    }

    /// The smallest interval covering both.
    pub fn union(&self, other: &Interval) -> Self {
        Self { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.start.format("%Y-%m-%d"), self.end.format("%Y-%m-%d"))
    }
}

pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// Resolves `today`, `yesterday` or `YYYY-MM-DD`.
pub fn parse_day(s: &str, today: NaiveDate) -> Option<NaiveDate> {
    match s {
        "today" => Some(today),
        "yesterday" => Some(today - Duration::days(1)),
        _ => parse_date(s),
    }
}

/// The Monday of the ISO week containing `d`.
pub fn iso_monday(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

/// Parses an interval spec; `today` is the UTC date the run started.
pub fn parse_interval(spec: &str, today: NaiveDate) -> Result<Interval, String> {
    let s = spec.trim();
    let bad = || {
        format!(
            "invalid interval `{spec}`: use YYYY-MM-DD-YYYY-MM-DD (half-open), YYYY, YYYY-MM, YYYY-Www, YYYY-MM-DD, \
             yesterday, today or last-N-days"
        )
    };
    if s == "yesterday" || s == "today" {
        let d = parse_day(s, today).ok_or_else(bad)?;
        return Interval::new(d, d + Duration::days(1));
    }
    if let Some(n) = s.strip_prefix("last-").and_then(|r| r.strip_suffix("-days")) {
        let n: i64 = n.parse().map_err(|_| bad())?;
        if n <= 0 {
            return Err(bad());
        }
        return Interval::new(today - Duration::days(n), today);
    }
    if s.len() == 21 && s.as_bytes().get(10) == Some(&b'-') {
        let a = parse_date(&s[..10]).ok_or_else(bad)?;
        let b = parse_date(&s[11..]).ok_or_else(bad)?;
        return Interval::new(a, b);
    }
    if let Some(d) = parse_date(s) {
        return Interval::new(d, d + Duration::days(1));
    }
    if s.len() == 4 {
        let y: i32 = s.parse().map_err(|_| bad())?;
        let a = NaiveDate::from_ymd_opt(y, 1, 1).ok_or_else(bad)?;
        let b = NaiveDate::from_ymd_opt(y + 1, 1, 1).ok_or_else(bad)?;
        return Interval::new(a, b);
    }
    if s.len() == 7 && s.as_bytes()[4] == b'-' {
        let y: i32 = s[..4].parse().map_err(|_| bad())?;
        let m: u32 = s[5..].parse().map_err(|_| bad())?;
        let a = NaiveDate::from_ymd_opt(y, m, 1).ok_or_else(bad)?;
        let b = if m == 12 { NaiveDate::from_ymd_opt(y + 1, 1, 1) } else { NaiveDate::from_ymd_opt(y, m + 1, 1) };
        return Interval::new(a, b.ok_or_else(bad)?);
    }
    if s.len() == 8 && &s[4..6] == "-W" {
        let y: i32 = s[..4].parse().map_err(|_| bad())?;
        let w: u32 = s[6..].parse().map_err(|_| bad())?;
        let a = NaiveDate::from_isoywd_opt(y, w, Weekday::Mon).ok_or_else(bad)?;
        return Interval::new(a, a + Duration::days(7));
    }
    Err(bad())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn parses_every_spec() {
        let today = d("2026-11-28");
        let p = |s| parse_interval(s, today).unwrap().to_string();
        assert_eq!(p("2014-07-30-2014-08-07"), "2014-07-30-2014-08-07");
        assert_eq!(p("2014"), "2014-01-01-2015-01-01");
        assert_eq!(p("2014-12"), "2014-12-01-2015-01-01");
        assert_eq!(p("2015-W01"), "2014-12-29-2015-01-05");
        assert_eq!(p("2014-08-01"), "2014-08-01-2014-08-02");
        assert_eq!(p("yesterday"), "2026-11-27-2026-11-28");
        assert_eq!(p("last-7-days"), "2026-11-21-2026-11-28");
    }

    #[test]
    fn rejects_bad_specs() {
        let today = d("2026-11-28");
        for s in ["", "2014-13", "2014-08-07-2014-07-30", "last-0-days", "2014-W99", "tomorrow", "2014-08-32"] {
            assert!(parse_interval(s, today).is_err(), "{s}");
        }
    }

    #[test]
    fn half_open_days() {
        let i = parse_interval("2014-07-30-2014-08-02", d("2020-01-01")).unwrap();
        let days: Vec<String> = i.days().map(|x| x.to_string()).collect();
        assert_eq!(days, ["2014-07-30", "2014-07-31", "2014-08-01"]);
        assert_eq!(iso_monday(d("2014-07-01")), d("2014-06-30"));
    }
}
