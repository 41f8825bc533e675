//! `module_engagement` — `ModuleEngagementDataTask.mapper` (docs/contract.md §3.7, per-day data).
//!
//! One record `(course_id, username, date, entity_type, entity_id, event)` per user action; the
//! `count` column of `module_engagement` is `COUNT(*)` of identical records downstream.
//! * `username` = `username` stripped; **an anonymous event is emitted with `username = ''`**
//!   (downstream drops those rows, or substitutes `[module-engagement] store_anonymous_username`
//!   when configured); usernames longer than 30 characters are dropped;
//! * `course_id` = `get_course_id(event, from_url=True)`; payload must be a dict;
//! * server `problem_check` → `problem`, id `problem_id`, actions `completed` (if `success`,
//!   case-insensitive, is `correct`) and `attempted`; `play_video` → `video`, id = `id` stripped,
//!   `viewed`; `edx.forum.*` → `discussion`, id `commentable_id`, `contributed` only for
//!   `*.created`; anything else, or an empty entity id, gives nothing;
//! * `entity_id` is truncated to 255 characters; `date` = the event date (`YYYY-MM-DD`).

use super::{col, DateSource, Drop, ExtractorDef, LineCtx, Prefilter, Sink};
use crate::events::event::{py_strip, Event};
use crate::events::json::PyVal;
use crate::events::time::parse_ymd;
use crate::events::ColumnSpec;
use std::borrow::Cow;

pub const COLUMNS: &[ColumnSpec] = &[
    col("course_id", "string"),
    col("username", "string"),
    col("date", "date"),
    col("entity_type", "string"),
    col("entity_id", "string"),
    col("event", "string"),
];

pub static DEF: ExtractorDef = ExtractorDef {
    name: "module_engagement",
    columns: COLUMNS,
    prefilter: Prefilter::All,
    date_source: DateSource::Time,
    quick_check: None,
    event_types: None,
    run,
};

/// `event_data.get('success', 'incorrect').lower() == 'correct'`; `None` when the original
/// would crash (non-string success).
pub fn success_is_correct(v: Option<PyVal<'_>>) -> Option<bool> {
    match v {
        None => Some(false),
        Some(PyVal::Str(s)) => Some(s.to_lowercase() == "correct"),
        Some(_) => None,
    }
}

fn truncate_chars(s: &str, n: usize) -> &str {
    match s.char_indices().nth(n) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

fn run(ev: &Event<'_>, ctx: &LineCtx<'_>, sink: &mut Sink<'_>) {
    let Some(username) = ev.username_inline() else {
        return;
    };
    if username.chars().count() > 30 {
        return;
    }
    let Some(event_type) = ev.event_type() else {
        return;
    };
    // Only these event types can produce a record: classify before the (costlier) course id
    // and payload checks, which reject the same events either way.
    let source = ev.event_source();
    let kind = if event_type == "problem_check" {
        if source.as_deref() != Some("server") {
            return;
        }
        0
    } else if event_type == "play_video" {
        1
    } else if event_type.starts_with("edx.forum.") {
        2
    } else {
        return;
    };
    let Some(course_id) = ev.course_id(true, ctx.ccx) else {
        sink.drop(Drop::NoCourseId);
        return;
    };
    let Some(p) = ev.payload() else {
        sink.drop(Drop::Other);
        return;
    };
    let mut actions: Vec<&str> = Vec::with_capacity(2);
    let (entity_type, entity_id): (&str, Option<Cow<'_, str>>) = match kind {
        0 => {
            let Some(correct) = success_is_correct(p.get("success")) else {
                sink.drop(Drop::Other);
                return;
            };
            if correct {
                actions.push("completed");
            }
            actions.push("attempted");
            let id = p.get("problem_id").filter(PyVal::truthy).map(|v| v.py_str());
            ("problem", id)
        }
        1 => {
            actions.push("viewed");
            let id = match p.get("id") {
                None => None,
                Some(PyVal::Str(s)) => Some(Cow::Owned(py_strip(&s).to_string())),
                Some(_) => {
                    sink.drop(Drop::Other);
                    return;
                }
            };
            ("video", id)
        }
        _ => {
            if event_type.ends_with(".created") {
                actions.push("contributed");
            }
            let id = p.get("commentable_id").filter(PyVal::truthy).map(|v| v.py_str());
            ("discussion", id)
        }
    };
    let Some(entity_id) = entity_id.filter(|e| !e.is_empty()) else {
        return;
    };
    if actions.is_empty() {
        return;
    }
    let Some(date) = parse_ymd(ctx.date) else {
        sink.drop(Drop::Other);
        return;
    };
    let entity_id = truncate_chars(&entity_id, 255);
    for action in actions {
        sink.emit(&[Some(&course_id), Some(&username), Some(&date), Some(entity_type), Some(entity_id), Some(action)]);
    }
}
