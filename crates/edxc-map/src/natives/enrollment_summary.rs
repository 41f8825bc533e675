//! `enrollment_summary`: `CourseEnrollmentSummaryTask.reducer` (docs/contract.md §3.1 step F).
//!
//! Accepted events only: ENROLLED + deactivated (→ UNENROLLED, last unenrollment), UNENROLLED + activated
//! (→ ENROLLED, first enrollment if none yet) and ENROLLED + mode_changed. Activations and mode changes set the
//! current mode and record the first accepted event per mode (`verified` / `credit` columns). Everything else is
//! ignored. Groups without an accepted activation produce no row.
//!
//! The row goes through the original's `EnrollmentSummaryRecord`: `user_id` is Python `int()` of the text;
//! timestamps are re-read with DateTimeField's digit-run parsing and written as `YYYY-MM-DD HH:MM:SS.ffffff`;
//! `course_id` may have at most 255 characters and a mode at most 100. Where the original would crash on a value
//! (so the whole job would fail), the group's input rows are skipped and counted instead:
//! * `bad_user_id` (every row of the group): `user_id` is not a Python integer;
//! * `value_too_long` (every row of the group): `course_id` longer than 255 characters;
//! * when a timestamp the row needs cannot be read (an explicit offset such as `2015-03-22T12:38:29.200030-05:00` or
//!   `2016-02-14T01:16:55-05:00.000000` gives too many numeric parts; a year before 1900) or a mode it needs is
//!   longer than 100 characters, the events with an unreadable timestamp (`bad_timestamp`) or an over-long mode
//!   (`value_too_long`) are dropped, one count each, and the state machine runs again over the others: the row is
//!   the one their history gives (none if no accepted activation is left).
//!
//! A group whose row the original can write is written exactly as the original writes it, even if some of its
//! events have timestamps it would not have needed to read (a `...Z` timestamp reads fine: `2014-07-30T17:09:59Z`).
//! Rows with a NULL cell are skipped (`null_value`).

use super::enrollment_events::{group, Event, Group, ACTIVATED, DEACTIVATED, ENROLLED, MODE_CHANGED, UNENROLLED};
use super::pyfmt::{datetime_field, py_int};
use super::{NumberedRow, Row, Skips, BAD_TIMESTAMP, BAD_USER_ID, VALUE_TOO_LONG};

pub struct EnrollmentSummary {
    /// `end_time`, already rendered (`<end> 00:00:00.000000`).
    pub end_time: String,
}

/// The state machine's result over a sequence of events.
struct Summary<'e, 'a> {
    state: i8,
    first_enroll: Option<&'e Event<'a>>,
    last_unenroll: Option<&'e Event<'a>>,
    first_verified: Option<&'e Event<'a>>,
    first_credit: Option<&'e Event<'a>>,
    most_recent_mode: Option<&'a str>,
}

fn summarize<'e, 'a>(events: impl Iterator<Item = &'e Event<'a>>) -> Summary<'e, 'a> {
    let mut s = Summary {
        state: UNENROLLED,
        first_enroll: None,
        last_unenroll: None,
        first_verified: None,
        first_credit: None,
        most_recent_mode: None,
    };
    for ev in events {
        let enrolled_mode_change = s.state == ENROLLED && ev.event_type == MODE_CHANGED;
        let enrolled_deactivate = s.state == ENROLLED && ev.event_type == DEACTIVATED;
        let unenrolled_activate = s.state == UNENROLLED && ev.event_type == ACTIVATED;
        if enrolled_deactivate {
            s.state = UNENROLLED;
            s.last_unenroll = Some(ev);
        } else if unenrolled_activate || enrolled_mode_change {
            if ev.event_type == ACTIVATED {
                s.state = ENROLLED;
                s.first_enroll.get_or_insert(ev);
            }
            s.most_recent_mode = Some(ev.mode);
            match ev.mode {
                "verified" => {
                    s.first_verified.get_or_insert(ev);
                }
                "credit" => {
                    s.first_credit.get_or_insert(ev);
                }
                _ => {}
            }
        }
    }
    s
}

/// DateTimeField of an optional event's timestamp: `Err` when the original cannot read it.
fn render(ev: Option<&Event<'_>>) -> Result<Option<String>, ()> {
    ev.map(|ev| datetime_field(ev.timestamp).map_err(|_| ())).transpose()
}

fn mode_fits(mode: &str) -> bool {
    mode.chars().count() <= 100
}

impl EnrollmentSummary {
    pub fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
        let Some(g) = group(rows, skips) else {
            return;
        };
        let s = summarize(g.events.iter());
        if s.first_enroll.is_none() {
            // The original returns before it builds the record: no row, whatever the values.
            return;
        }
        let n = g.events.len() as u64;
        let Some(user_id) = py_int(g.user_id) else {
            skips.add(BAD_USER_ID, n);
            return;
        };
        if g.course_id.chars().count() > 255 {
            skips.add(VALUE_TOO_LONG, n);
            return;
        }
        if let Some(row) = self.row(&g, user_id, &s) {
            out.push(row);
            return;
        }
        // The original would crash on a timestamp or a mode of this group: drop the events it cannot use.
        let (mut bad_time, mut too_long) = (0, 0);
        let usable: Vec<&Event<'_>> = g
            .events
            .iter()
            .filter(|ev| {
                if datetime_field(ev.timestamp).is_err() {
                    bad_time += 1;
                    false
                } else if !mode_fits(ev.mode) {
                    too_long += 1;
                    false
                } else {
                    true
                }
            })
            .collect();
        skips.add(BAD_TIMESTAMP, bad_time);
        skips.add(VALUE_TOO_LONG, too_long);
        let s = summarize(usable.into_iter());
        if let Some(row) = self.row(&g, user_id, &s) {
            out.push(row);
        }
    }

    /// The record of a group, `None` when there is no accepted activation or the record would reject a value.
    fn row(&self, g: &Group<'_>, user_id: i64, s: &Summary<'_, '_>) -> Option<Row> {
        let first = s.first_enroll?;
        let current_mode = s.most_recent_mode.unwrap_or(first.mode);
        if !mode_fits(current_mode) || !mode_fits(first.mode) {
            return None;
        }
        Some(vec![
            Some(g.course_id.to_string()),
            Some(user_id.to_string()),
            Some(current_mode.to_string()),
            Some(if s.state == ENROLLED { "1" } else { "0" }.to_string()),
            Some(first.mode.to_string()),
            render(Some(first)).ok()?,
            render(s.last_unenroll).ok()?,
            render(s.first_verified).ok()?,
            render(s.first_credit).ok()?,
            Some(self.end_time.clone()),
        ])
    }
}
