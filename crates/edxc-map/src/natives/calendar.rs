//! `calendar`: `CalendarTask` (docs/contract.md §3.14). One row per day of the half-open interval:
//! `date, year, month, day, iso_weekofyear ("YYYYWww": ISO year, literal W, two-digit ISO week),
//! iso_week_start (ISO Monday), iso_week_end (the following Monday), iso_weekday (1 = Monday .. 7 = Sunday)`.

use super::pyfmt::parse_date_interval;
use super::Row;
use anyhow::{anyhow, Result};
use chrono::{Datelike, Duration};

pub fn calendar(interval: &str) -> Result<Vec<Row>> {
    let (start, end) = parse_date_interval(interval).map_err(|e| anyhow!("calendar: {e}"))?;
    let mut rows = Vec::new();
    let mut d = start;
    while d < end {
        let iso = d.iso_week();
        let weekday = d.weekday().number_from_monday();
        let monday = d - Duration::days(i64::from(weekday) - 1);
        rows.push(vec![
            Some(d.format("%Y-%m-%d").to_string()),
            Some(d.year().to_string()),
            Some(d.month().to_string()),
            Some(d.day().to_string()),
            Some(format!("{:04}W{:02}", iso.year(), iso.week())),
            Some(monday.format("%Y-%m-%d").to_string()),
            Some((monday + Duration::days(7)).format("%Y-%m-%d").to_string()),
            Some(weekday.to_string()),
        ]);
        d += Duration::days(1);
    }
    Ok(rows)
}
