//! `tags` — `TagsDistributionPerCourse.mapper` (docs/contract.md §3.9).
//!
//! One record per explicit server `problem_check` event, following the original key
//! `(course_id, org_id, problem_id)` and value `(timestamp, saved_tags, is_correct)`:
//! * `course_id` from the context only; `org_id` = its org (NULL if unparseable);
//! * `problem_id` = payload `problem_id` (must be truthy);
//! * `timestamp` = `get_event_time_string` (§1.3);
//! * `saved_tags` = JSON text of `context.asides.tagging_aside.saved_tags` (default `{}`);
//! * `is_correct` = payload `success == "correct"`.

use super::{col, DateSource, Drop, ExtractorDef, LineCtx, Prefilter, Sink};
use crate::events::course_id::org_id;
use crate::events::event::Event;
use crate::events::json::{PyVal, RawObj};
use crate::events::time::event_time_string;
use crate::events::ColumnSpec;

pub const COLUMNS: &[ColumnSpec] = &[
    col("course_id", "string"),
    col("org_id", "string"),
    col("problem_id", "string"),
    col("timestamp", "string"),
    col("saved_tags", "string"),
    col("is_correct", "boolean"),
];

pub static DEF: ExtractorDef = ExtractorDef {
    name: "tags",
    columns: COLUMNS,
    prefilter: Prefilter::Needle { needle: "problem_check", exact: false },
    date_source: DateSource::Time,
    quick_check: None,
    event_types: None,
    run,
};

/// `d.get(key, {})` that must stay a dict for the next `.get`: `Ok(None)` when absent,
/// `Err(())` when present but not a dict (the original crashes).
fn sub<'a>(d: &RawObj<'a>, key: &str) -> Result<Option<RawObj<'a>>, ()> {
    match d.get(key) {
        None => Ok(None),
        Some(PyVal::Dict(t)) => d.object_of(t).map(Some).ok_or(()),
        Some(_) => Err(()),
    }
}

fn run(ev: &Event<'_>, ctx: &LineCtx<'_>, sink: &mut Sink<'_>) {
    if ev.event_type().as_deref() != Some("problem_check") || ev.event_source().as_deref() != Some("server") {
        return;
    }
    let Some(time) = ev.time() else {
        return;
    };
    let timestamp = event_time_string(&time);
    let Some(course_id) = ev.course_id(false, ctx.ccx) else {
        sink.drop(Drop::NoCourseId);
        return;
    };
    let org = org_id(&course_id, ctx.ccx);
    let Some(p) = ev.payload() else {
        sink.drop(Drop::Other);
        return;
    };
    let problem_id = match p.get("problem_id") {
        Some(v) if v.truthy() => v.py_str(),
        _ => {
            sink.drop(Drop::Other);
            return;
        }
    };
    let is_correct = p.get("success").and_then(|v| v.as_str().map(|s| s == "correct")) == Some(true);
    let Some(context) = ev.context() else {
        sink.drop(Drop::Other);
        return;
    };
    let tags = (|| -> Result<String, ()> {
        let Some(asides) = sub(context, "asides")? else {
            return Ok("{}".into());
        };
        let Some(aside) = sub(&asides, "tagging_aside")? else {
            return Ok("{}".into());
        };
        Ok(aside.get_raw("saved_tags").map_or_else(|| "{}".to_string(), |r| r.to_string()))
    })();
    let Ok(tags) = tags else {
        sink.drop(Drop::Other);
        return;
    };
    sink.emit(&[
        Some(&course_id),
        org.as_deref(),
        Some(&problem_id),
        Some(&timestamp),
        Some(&tags),
        Some(if is_correct { "true" } else { "false" }),
    ]);
}
