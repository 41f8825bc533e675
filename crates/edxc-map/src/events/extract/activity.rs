//! `user_activity` — `UserActivityTask.mapper` (docs/contract.md §3.2 step A).
//!
//! One record `(user_id, course_id, date, category)` per label of the event; identical tuples are
//! counted downstream (the original reducer's `Counter`).
//! * `user_id` = `context.user_id` (must be truthy), Python `str()`;
//! * `course_id` = `get_course_id(event, from_url=True)`;
//! * labels: none for `event_source == "task"` or `edx.course.enrollment.*`; else `ACTIVE`, plus
//!   `ATTEMPTED_PROBLEM` (server `problem_check`), `POSTED_FORUM` (server `edx.forum.*.created`),
//!   `PLAYED_VIDEO` (browser/mobile `play_video`). A missing `event_type` gives no labels.

use super::{col, DateSource, Drop, ExtractorDef, LineCtx, Prefilter, Sink};
use crate::events::event::Event;
use crate::events::ColumnSpec;

pub const COLUMNS: &[ColumnSpec] =
    &[col("user_id", "int"), col("course_id", "string"), col("date", "string"), col("category", "string")];

pub static DEF: ExtractorDef = ExtractorDef {
    name: "user_activity",
    columns: COLUMNS,
    prefilter: Prefilter::Needle { needle: "user_id", exact: false },
    date_source: DateSource::Time,
    quick_check: None,
    event_types: None,
    run,
};

pub const ACTIVE: &str = "ACTIVE";
pub const ATTEMPTED_PROBLEM: &str = "ATTEMPTED_PROBLEM";
pub const POSTED_FORUM: &str = "POSTED_FORUM";
pub const PLAYED_VIDEO: &str = "PLAYED_VIDEO";

/// The labels of one event (`get_predicate_labels`), in order; at most three.
pub fn labels(event_source: Option<&str>, event_type: Option<&str>) -> Labels {
    let mut out = Labels::default();
    if event_source == Some("task") {
        return out;
    }
    let Some(t) = event_type else {
        return out;
    };
    if t.starts_with("edx.course.enrollment.") {
        return out;
    }
    out.push(ACTIVE);
    match event_source {
        Some("server") => {
            if t == "problem_check" {
                out.push(ATTEMPTED_PROBLEM);
            }
            if t.starts_with("edx.forum.") && t.ends_with(".created") {
                out.push(POSTED_FORUM);
            }
        }
        Some("browser") | Some("mobile") if t == "play_video" => out.push(PLAYED_VIDEO),
        _ => {}
    }
    out
}

/// A small fixed-capacity label list (no allocation per event).
#[derive(Debug, Default, Clone, Copy)]
pub struct Labels {
    items: [&'static str; 3],
    len: usize,
}

impl Labels {
    fn push(&mut self, l: &'static str) {
        if self.len < self.items.len() {
            self.items[self.len] = l;
            self.len += 1;
        }
    }
    pub fn as_slice(&self) -> &[&'static str] {
        &self.items[..self.len]
    }
}

fn run(ev: &Event<'_>, ctx: &LineCtx<'_>, sink: &mut Sink<'_>) {
    let Some(user_id) = ev.context_user_id() else {
        return;
    };
    let Some(course_id) = ev.course_id(true, ctx.ccx) else {
        sink.drop(Drop::NoCourseId);
        return;
    };
    let source = ev.event_source();
    let etype = ev.event_type();
    let mut buf = itoa::Buffer::new();
    let user_id = user_id.py_str_in(&mut buf);
    for label in labels(source.as_deref(), etype.as_deref()).as_slice() {
        sink.emit(&[Some(&user_id), Some(&course_id), Some(ctx.date), Some(label)]);
    }
}
