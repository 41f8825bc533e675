//! `enrollment_validation` — `CourseEnrollmentValidationTask.mapper` (docs/contract.md §3.15 step B).
//!
//! Like `enrollment` (§3.1 step A), plus the validation events `edx.course.enrollment.validated` that
//! enrollment validation writes from LMS snapshots, and what those carry in their payload:
//! * `course_id` = `event.course_id` stripped, a valid course id (§1.6); `mode` = Python `str()` of `event.mode`;
//! * `user_id` = `event.user_id` as JSON text (`1`, or `"1"` for a string): the original groups a learner's events
//!   by the value itself, so an integer and a string id are different learners, and writes it back as it was;
//! * `validation` = 1 when the payload has a `dump_start` key, and then `is_active` (1 when truthy), `created`,
//!   `dump_start`, `dump_end` (Python `str()` of the payload values, NULL when null); all NULL otherwise.

use super::{col, DateSource, Drop, ExtractorDef, LineCtx, Prefilter, Sink};
use crate::events::course_id::is_valid_course_id;
use crate::events::event::{py_strip, Event};
use crate::events::json::PyVal;
use crate::events::time::event_time_string;
use crate::events::ColumnSpec;
use crate::natives::pyjson;

pub const COLUMNS: &[ColumnSpec] = &[
    col("course_id", "string"),
    col("user_id", "string"),
    col("timestamp", "string"),
    col("event_type", "string"),
    col("mode", "string"),
    col("validation", "tinyint"),
    col("is_active", "tinyint"),
    col("created", "string"),
    col("dump_start", "string"),
    col("dump_end", "string"),
];

/// The event type of the validation events made from an LMS snapshot.
pub const VALIDATED: &str = "edx.course.enrollment.validated";

const EVENT_TYPES: &[&str] =
    &[super::enrollment::ACTIVATED, super::enrollment::DEACTIVATED, super::enrollment::MODE_CHANGED, VALIDATED];

pub static DEF: ExtractorDef = ExtractorDef {
    name: "enrollment_validation",
    columns: COLUMNS,
    prefilter: Prefilter::Needle { needle: "edx.course.enrollment.", exact: false },
    date_source: DateSource::Time,
    quick_check: None,
    event_types: Some(EVENT_TYPES),
    run,
};

fn run(ev: &Event<'_>, ctx: &LineCtx<'_>, sink: &mut Sink<'_>) {
    let Some(event_type) = ev.event_type() else {
        return;
    };
    if !EVENT_TYPES.contains(&&*event_type) {
        return;
    }
    let Some(time) = ev.time() else {
        return;
    };
    let timestamp = event_time_string(&time);
    let Some(payload) = ev.payload() else {
        sink.drop(Drop::Other);
        return;
    };
    // `normalize_course_id` strips a string; any other value is not a valid course id.
    let course_id = match payload.get("course_id") {
        Some(PyVal::Str(s)) => s,
        _ => {
            sink.drop(Drop::NoCourseId);
            return;
        }
    };
    let course_id = py_strip(&course_id);
    if !is_valid_course_id(course_id, ctx.ccx) {
        sink.drop(Drop::NoCourseId);
        return;
    }
    let user_id = match payload.get("user_id") {
        Some(v) if !v.is_null() => pyjson::of_value(&v),
        _ => {
            sink.drop(Drop::Other);
            return;
        }
    };
    let mode = match payload.get("mode") {
        Some(v) if !v.is_null() => v.py_str(),
        _ => {
            sink.drop(Drop::Other);
            return;
        }
    };
    let text = |key: &str| payload.get(key).filter(|v| !v.is_null()).map(|v| v.py_str().into_owned());
    let (validation, is_active, created, dump_start, dump_end) = if payload.contains_key("dump_start") {
        let active = payload.get("is_active").is_some_and(|v| v.truthy());
        (Some("1"), Some(if active { "1" } else { "0" }), text("created"), text("dump_start"), text("dump_end"))
    } else {
        (Some("0"), None, None, None, None)
    };
    sink.emit(&[
        Some(course_id),
        Some(&user_id),
        Some(&timestamp),
        Some(&event_type),
        Some(&mode),
        validation,
        is_active,
        created.as_deref(),
        dump_start.as_deref(),
        dump_end.as_deref(),
    ]);
}
