//! `enrollment_summary`: `CourseEnrollmentSummaryTask.reducer` (docs/contract.md §3.1 step F).
//!
//! Accepted events only: ENROLLED + deactivated (→ UNENROLLED, last unenrollment), UNENROLLED + activated
//! (→ ENROLLED, first enrollment if none yet) and ENROLLED + mode_changed. Activations and mode changes set the
//! current mode and record the first accepted event per mode (`verified` / `credit` columns). Everything else is
//! ignored. Groups without an accepted activation produce no row.
//!
//! The row goes through the original's `EnrollmentSummaryRecord`, so: `user_id` is Python `int()` of the text
//! (an error if not an integer); timestamps are re-read with DateTimeField's digit-run parsing and written as
//! `YYYY-MM-DD HH:MM:SS.ffffff` (an error if that fails, e.g. explicit offsets, years before 1900);
//! `course_id` over 255 or a mode over 100 characters is an error (the record's validation rejects them).

use super::enrollment_events::{group, Event, ACTIVATED, DEACTIVATED, ENROLLED, MODE_CHANGED, UNENROLLED};
use super::pyfmt::{datetime_field, py_int};
use super::{NumberedRow, Row};
use anyhow::{anyhow, bail, Result};

pub struct EnrollmentSummary {
    /// `end_time`, already rendered (`<end> 00:00:00.000000`).
    pub end_time: String,
}

fn render(ev: Option<&Event<'_>>) -> Result<Option<String>> {
    match ev {
        None => Ok(None),
        Some(ev) => datetime_field(ev.timestamp).map(Some).map_err(|e| anyhow!("row {}: timestamp: {e}", ev.row)),
    }
}

impl EnrollmentSummary {
    pub fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>) -> Result<()> {
        let Some(g) = group(rows)? else {
            return Ok(());
        };
        let mut state = UNENROLLED;
        let mut first_enroll: Option<&Event<'_>> = None;
        let mut last_unenroll: Option<&Event<'_>> = None;
        let mut first_verified: Option<&Event<'_>> = None;
        let mut first_credit: Option<&Event<'_>> = None;
        let mut most_recent_mode: Option<&str> = None;

        for ev in &g.events {
            let enrolled_mode_change = state == ENROLLED && ev.event_type == MODE_CHANGED;
            let enrolled_deactivate = state == ENROLLED && ev.event_type == DEACTIVATED;
            let unenrolled_activate = state == UNENROLLED && ev.event_type == ACTIVATED;
            if enrolled_deactivate {
                state = UNENROLLED;
                last_unenroll = Some(ev);
            } else if unenrolled_activate || enrolled_mode_change {
                if ev.event_type == ACTIVATED {
                    state = ENROLLED;
                    first_enroll.get_or_insert(ev);
                }
                most_recent_mode = Some(ev.mode);
                match ev.mode {
                    "verified" => {
                        first_verified.get_or_insert(ev);
                    }
                    "credit" => {
                        first_credit.get_or_insert(ev);
                    }
                    _ => {}
                }
            }
        }

        let Some(first) = first_enroll else {
            return Ok(());
        };
        let first_row = rows.first().map(|r| r.number).unwrap_or(0);
        let user_id =
            py_int(g.user_id).ok_or_else(|| anyhow!("row {first_row}: user_id {:?} is not an integer", g.user_id))?;
        if g.course_id.chars().count() > 255 {
            bail!("row {first_row}: course_id longer than 255 characters");
        }
        let current_mode = most_recent_mode.unwrap_or(first.mode);
        for (what, m) in [("current", current_mode), ("first", first.mode)] {
            if m.chars().count() > 100 {
                bail!("row {first_row}: {what} enrollment mode longer than 100 characters");
            }
        }
        out.push(vec![
            Some(g.course_id.to_string()),
            Some(user_id.to_string()),
            Some(current_mode.to_string()),
            Some(if state == ENROLLED { "1" } else { "0" }.to_string()),
            Some(first.mode.to_string()),
            render(Some(first))?,
            render(last_unenroll)?,
            render(first_verified)?,
            render(first_credit)?,
            Some(self.end_time.clone()),
        ]);
        Ok(())
    }
}
