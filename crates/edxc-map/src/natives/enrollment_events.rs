//! Input shared by the enrollment reducers: one row per enrollment event,
//! `(course_id, user_id, timestamp, event_type, mode)`, grouped by `(course_id, user_id)`.

use super::NumberedRow;
use anyhow::{bail, Result};

pub const DEACTIVATED: &str = "edx.course.enrollment.deactivated";
pub const ACTIVATED: &str = "edx.course.enrollment.activated";
pub const MODE_CHANGED: &str = "edx.course.enrollment.mode_changed";

pub const ENROLLED: i8 = 1;
pub const UNENROLLED: i8 = 0;

/// One event of a group, already in sorted order.
pub struct Event<'a> {
    /// Input row number (1-based), for error messages.
    pub row: u64,
    pub timestamp: &'a str,
    pub event_type: &'a str,
    pub mode: &'a str,
}

impl Event<'_> {
    /// `eventlog.timestamp_to_datestamp`: the text before the first `T`.
    pub fn datestamp(&self) -> &str {
        self.timestamp.split('T').next().unwrap_or("")
    }
}

/// The group key and its events. Every column must be non-NULL (the original reads them from text files where a
/// missing value cannot occur); a NULL is reported as an error naming the row.
pub struct Group<'a> {
    pub course_id: &'a str,
    pub user_id: &'a str,
    pub events: Vec<Event<'a>>,
}

pub fn group(rows: &[NumberedRow]) -> Result<Option<Group<'_>>> {
    let Some(first) = rows.first() else {
        return Ok(None);
    };
    let (course_id, user_id) = (cell(first, 0)?, cell(first, 1)?);
    let mut events = Vec::with_capacity(rows.len());
    for r in rows {
        events.push(Event { row: r.number, timestamp: cell(r, 2)?, event_type: cell(r, 3)?, mode: cell(r, 4)? });
    }
    Ok(Some(Group { course_id, user_id, events }))
}

const NAMES: [&str; 5] = ["course_id", "user_id", "timestamp", "event_type", "mode"];

fn cell(r: &NumberedRow, i: usize) -> Result<&str> {
    match r.row.get(i) {
        Some(Some(v)) => Ok(v.as_str()),
        _ => bail!("row {}: column {} is NULL", r.number, NAMES[i]),
    }
}
