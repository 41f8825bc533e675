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
//! writes the text it split from its input line). Dates that cannot be parsed like the original's
//! `date(*[int(p) for p in s.split('-')[:3]])` are an error naming the row (the original job would fail).

use super::enrollment_events::{group, ACTIVATED, DEACTIVATED, ENROLLED, UNENROLLED};
use super::pyfmt::parse_dash_date;
use super::{NumberedRow, Row};
use anyhow::{anyhow, Result};
use chrono::{Duration, NaiveDate};

pub struct EnrollmentDays {
    /// `date_b.isoformat()`, the sentinel's timestamp (and so its datestamp).
    pub end: String,
    pub end_date: NaiveDate,
}

impl EnrollmentDays {
    pub fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>) -> Result<()> {
        let Some(g) = group(rows)? else {
            return Ok(());
        };
        let mut state = UNENROLLED;
        let mut previous_state = UNENROLLED;
        for (i, ev) in g.events.iter().enumerate() {
            if state == ENROLLED && ev.event_type == DEACTIVATED {
                state = UNENROLLED;
            } else if state == UNENROLLED && ev.event_type == ACTIVATED {
                state = ENROLLED;
            }
            let mode = ev.mode;

            let this_ds = ev.datestamp();
            let (next_ds, next_row) = match g.events.get(i + 1) {
                Some(next) => (next.datestamp(), Some(next.row)),
                None => (self.end.as_str(), None),
            };
            if this_ds == next_ds {
                continue;
            }
            let change = state - previous_state;
            let start = parse_dash_date(this_ds).map_err(|e| anyhow!("row {}: {e}", ev.row))?;
            let stop = match next_row {
                Some(r) => parse_dash_date(next_ds).map_err(|e| anyhow!("row {r}: {e}"))?,
                None => self.end_date,
            };
            let mut d = start;
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
        Ok(())
    }
}
