//! `location` — `LastDailyIpAddressOfUserTask.mapper` (docs/contract.md §3.6 step A).
//!
//! One record `(timestamp, ip_address, user_id, course_id)` per event (the column order of the
//! step-A day files); the "latest ip per (user, course, day)" reduction happens downstream.
//! * `user_id` = `int(context.user_id)` (must be truthy and convertible);
//! * `timestamp` = `get_event_time_string` (§1.3);
//! * `ip_address` = top-level `ip` (must be truthy);
//! * `course_id` = `get_course_id(event)` — context only; NULL when absent or invalid.

use super::{col, DateSource, Drop, ExtractorDef, LineCtx, Prefilter, Sink};
use crate::events::event::Event;
use crate::events::time::event_time_string;
use crate::events::ColumnSpec;

pub const COLUMNS: &[ColumnSpec] =
    &[col("timestamp", "string"), col("ip_address", "string"), col("user_id", "int"), col("course_id", "string")];

pub static DEF: ExtractorDef = ExtractorDef {
    name: "location",
    columns: COLUMNS,
    prefilter: Prefilter::Needle { needle: "user_id", exact: false },
    date_source: DateSource::Time,
    quick_check: None,
    event_types: None,
    run,
};

fn run(ev: &Event<'_>, ctx: &LineCtx<'_>, sink: &mut Sink<'_>) {
    let Some(user_id) = ev.context_user_id() else {
        return;
    };
    let Some(user_id) = user_id.py_int() else {
        sink.drop(Drop::Other);
        return;
    };
    let Some(time) = ev.time() else {
        return;
    };
    let timestamp = event_time_string(&time);
    let ip = match ev.obj.get("ip") {
        Some(v) if v.truthy() => v.py_str(),
        _ => {
            sink.drop(Drop::Other);
            return;
        }
    };
    let course_id = ev.course_id(false, ctx.ccx);
    let mut buf = itoa::Buffer::new();
    let user_id = buf.format(user_id);
    sink.emit(&[Some(&timestamp), Some(&ip), Some(user_id), course_id.as_deref()]);
}
