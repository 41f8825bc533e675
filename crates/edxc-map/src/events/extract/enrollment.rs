//! `enrollment` — `CourseEnrollmentEventsTask.mapper` (docs/contract.md §3.1 step A).
//!
//! Records `(course_id, user_id, timestamp, event_type, mode)` for the explicit enrollment events
//! `edx.course.enrollment.{activated,deactivated,mode_changed}` (any `event_source`).
//! * `course_id` = `event.course_id` (payload) stripped; it must be a valid course id (§1.6);
//! * `user_id`, `mode` = payload values rendered with Python `str()`; missing/null → dropped;
//! * `timestamp` = `get_event_time_string` (§1.3), e.g. `2014-08-01T17:09:59.941616`.

use super::{col, DateSource, Drop, ExtractorDef, LineCtx, Prefilter, Sink};
use crate::events::course_id::is_valid_course_id;
use crate::events::event::{py_strip, Event};
use crate::events::json::PyVal;
use crate::events::time::event_time_string;
use crate::events::ColumnSpec;

pub const COLUMNS: &[ColumnSpec] = &[
    col("course_id", "string"),
    col("user_id", "int"),
    col("timestamp", "string"),
    col("event_type", "string"),
    col("mode", "string"),
];

pub static DEF: ExtractorDef = ExtractorDef {
    name: "enrollment",
    columns: COLUMNS,
    prefilter: Prefilter::Needle { needle: "edx.course.enrollment.", exact: false },
    date_source: DateSource::Time,
    quick_check: None,
    event_types: None,
    run,
};

pub const ACTIVATED: &str = "edx.course.enrollment.activated";
pub const DEACTIVATED: &str = "edx.course.enrollment.deactivated";
pub const MODE_CHANGED: &str = "edx.course.enrollment.mode_changed";

fn run(ev: &Event<'_>, _ctx: &LineCtx<'_>, sink: &mut Sink<'_>) {
    let Some(event_type) = ev.event_type() else {
        return;
    };
    if !matches!(&*event_type, ACTIVATED | DEACTIVATED | MODE_CHANGED) {
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
    let course_id = match payload.get("course_id") {
        Some(PyVal::Str(s)) => s,
        _ => {
            sink.drop(Drop::NoCourseId);
            return;
        }
    };
    let course_id = py_strip(&course_id);
    if !is_valid_course_id(course_id, _ctx.ccx) {
        sink.drop(Drop::NoCourseId);
        return;
    }
    let user_id = match payload.get("user_id") {
        Some(v) if !v.is_null() => v.py_str(),
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
    sink.emit(&[Some(course_id), Some(&user_id), Some(&timestamp), Some(&event_type), Some(&mode)]);
}
