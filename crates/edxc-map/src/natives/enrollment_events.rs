//! Input shared by the enrollment reducers: one row per enrollment event,
//! `(course_id, user_id, timestamp, event_type, mode)`, grouped by `(course_id, user_id)`.

use super::{NumberedRow, Skips, NULL_VALUE};

pub const DEACTIVATED: &str = "edx.course.enrollment.deactivated";
pub const ACTIVATED: &str = "edx.course.enrollment.activated";
pub const MODE_CHANGED: &str = "edx.course.enrollment.mode_changed";

pub const ENROLLED: i8 = 1;
pub const UNENROLLED: i8 = 0;

/// One event of a group, already in sorted order.
pub struct Event<'a> {
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

/// The group key and its events. A row with a NULL cell is skipped and counted (`null_value`): the original reads
/// these columns from text files where a missing value cannot occur.
pub struct Group<'a> {
    pub course_id: &'a str,
    pub user_id: &'a str,
    pub events: Vec<Event<'a>>,
}

/// The events of one group (rows sharing `(course_id, user_id)`); `None` when no row is usable.
pub fn group<'a>(rows: &'a [NumberedRow], skips: &mut Skips) -> Option<Group<'a>> {
    let mut key = None;
    let mut events = Vec::with_capacity(rows.len());
    for r in rows {
        let cell = |i: usize| r.row.get(i).and_then(|c| c.as_deref());
        let (Some(course_id), Some(user_id), Some(timestamp), Some(event_type), Some(mode)) =
            (cell(0), cell(1), cell(2), cell(3), cell(4))
        else {
            skips.add(NULL_VALUE, 1);
            continue;
        };
        key.get_or_insert((course_id, user_id));
        events.push(Event { timestamp, event_type, mode });
    }
    let (course_id, user_id) = key?;
    Some(Group { course_id, user_id, events })
}
