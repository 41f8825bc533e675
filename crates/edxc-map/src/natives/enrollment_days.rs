//! `enrollment_days`: the "days enrolled" state machine of `CourseEnrollmentTask` (docs/contract.md §3.1 step B,
//! original `DaysEnrolledForEvents`).
//!
//! Per (course, user), events in sorted order plus a sentinel dated `end`. State starts UNENROLLED with mode
//! `unknown`. For each event: ENROLLED + deactivated → UNENROLLED, UNENROLLED + activated → ENROLLED, anything else
//! keeps the state; the mode becomes the event's mode whatever the type. When the next event (or the sentinel) has a
//! different date *string*, one row is emitted for every date from this event's date up to (excluding) the next
//! one, `change = state - previous_state` on the row whose ISO date equals this event's date string, else 0; then
//! `previous_state = state`.
//!
//! Output `(date, course_id, user_id, at_end, change, mode)`. `user_id` is passed through as read (the original
//! writes the text it split from its input line; Hive reads a non-integer as NULL). Only the date part of the
//! timestamp (the text before the first `T`) is used, so a time with an offset or a `Z`
//! (`2015-03-22T12:38:29.200030-05:00`, `2016-02-14T01:16:55-05:00.000000`) is read as the original reads it.
//!
//! Skipped and counted instead of failing the run:
//! * `bad_timestamp`: an event whose date part the original's `date(*[int(p) for p in s.split('-')[:3]])` cannot
//!   read (the original job would crash on it: every event's date is parsed, as this event's or as the next one's).
//!   The group's other events go through the state machine as if it were absent.
//! * `null_value`: a row with a NULL cell.

use super::enrollment_events::{group, Event, ACTIVATED, DEACTIVATED, ENROLLED, UNENROLLED};
use super::pyfmt::parse_dash_date;
use super::{NumberedRow, Row, Skips, BAD_TIMESTAMP};
use chrono::{Duration, NaiveDate};

pub struct EnrollmentDays {
    /// `date_b.isoformat()`, the sentinel's timestamp (and so its datestamp).
    pub end: String,
    pub end_date: NaiveDate,
}

impl EnrollmentDays {
    pub fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
        let Some(g) = group(rows, skips) else {
            return;
        };
        // Each usable event with its parsed date.
        let events: Vec<(&Event<'_>, NaiveDate)> =
            g.events.iter().filter_map(|ev| parse_dash_date(ev.datestamp()).ok().map(|d| (ev, d))).collect();
        skips.add(BAD_TIMESTAMP, (g.events.len() - events.len()) as u64);
        let mut state = UNENROLLED;
        let mut previous_state = UNENROLLED;
        for (i, (ev, start)) in events.iter().enumerate() {
            if state == ENROLLED && ev.event_type == DEACTIVATED {
                state = UNENROLLED;
            } else if state == UNENROLLED && ev.event_type == ACTIVATED {
                state = ENROLLED;
            }
            let mode = ev.mode;

            let this_ds = ev.datestamp();
            let (next_ds, stop) = match events.get(i + 1) {
                Some((next, date)) => (next.datestamp(), *date),
                None => (self.end.as_str(), self.end_date),
            };
            if this_ds == next_ds {
                continue;
            }
            let change = state - previous_state;
            let mut d = *start;
            while d < stop {
                let iso = d.format("%Y-%m-%d").to_string();
                let row_change = if iso == this_ds { change } else { 0 };
                out.push(vec![
                    Some(iso),
                    Some(g.course_id.to_string()),
                    Some(g.user_id.to_string()),
                    Some(state.to_string()),
                    Some(row_change.to_string()),
                    Some(mode.to_string()),
                ]);
                d += Duration::days(1);
            }
            previous_state = state;
        }
    }
}
