//! `problem_check` (answer distribution, docs/contract.md §3.4 step 1) and `problem_response`
//! (§3.5 "latest data") — both are `get_problem_check_event`.
//!
//! Columns follow the original key `(course_id, problem_id, username)` and value
//! `(timestamp, problem_data)`:
//! * only explicit server `problem_check` events; `problem_check` additionally rejects lines
//!   without the raw substring `problem_check` before decoding (`parse_json_server_event`), and
//!   `problem_response` additionally requires a non-empty stripped `username`;
//! * the raw `event` field must be a dict with a non-empty dict `answers` (and `submission`, when
//!   present, a dict) whose keys are ASCII without TAB/newline; `problem_id` present;
//!   `context` present; `username` key present (may be empty; written unstripped);
//!   `context.course_id` valid (no URL fallback); `time` must parse (§1.3 `get_event_time`);
//! * `timestamp` = `datetime.isoformat()` of the event time (microseconds omitted when 0);
//! * `problem_data` = JSON object: the payload plus `timestamp`, `context` and `username`
//!   (what the reducers of §3.4/§3.5 decode).

use super::{col, DateSource, Drop, ExtractorDef, LineCtx, Prefilter, Sink};
use crate::events::event::Event;
use crate::events::json::{PyVal, RawObj};
use crate::events::time::event_time;
use crate::events::ColumnSpec;
use serde_json::{Map, Value};

pub const COLUMNS: &[ColumnSpec] = &[
    col("course_id", "string"),
    col("problem_id", "string"),
    col("username", "string"),
    col("timestamp", "string"),
    col("problem_data", "string"),
];

pub static PROBLEM_CHECK_DEF: ExtractorDef = ExtractorDef {
    name: "problem_check",
    columns: COLUMNS,
    prefilter: Prefilter::Needle { needle: "problem_check", exact: true },
    date_source: DateSource::Time,
    quick_check: None,
    event_types: Some(&["problem_check"]),
    run: run_answer_dist,
};

pub static PROBLEM_RESPONSE_DEF: ExtractorDef = ExtractorDef {
    name: "problem_response",
    columns: COLUMNS,
    prefilter: Prefilter::Needle { needle: "problem_check", exact: false },
    date_source: DateSource::Time,
    quick_check: None,
    event_types: None,
    run: run_problem_response,
};

fn answer_ids_ok(obj: &RawObj<'_>) -> bool {
    obj.entries.iter().all(|(k, _)| k.is_ascii() && !k.contains('\n') && !k.contains('\t'))
}

fn run_answer_dist(ev: &Event<'_>, ctx: &LineCtx<'_>, sink: &mut Sink<'_>) {
    if ev.event_source().as_deref() != Some("server") {
        return;
    }
    if ev.event_type().as_deref() != Some("problem_check") {
        return;
    }
    problem_check(ev, ctx, sink);
}

fn run_problem_response(ev: &Event<'_>, ctx: &LineCtx<'_>, sink: &mut Sink<'_>) {
    match ev.username_inline() {
        Some(u) if !u.is_empty() => {}
        _ => return,
    }
    if ev.event_source().as_deref() != Some("server") {
        return;
    }
    if ev.event_type().as_deref() != Some("problem_check") {
        return;
    }
    problem_check(ev, ctx, sink);
}

fn problem_check(ev: &Event<'_>, ctx: &LineCtx<'_>, sink: &mut Sink<'_>) {
    // Shared by both extractors: computed once per event.
    match ev.problem_cache.get_or_init(|| augmented(ev, ctx.ccx)) {
        Ok([problem_id, username, timestamp, json]) => {
            let Some(course_id) = ev.course_id(false, ctx.ccx) else {
                sink.drop(Drop::NoCourseId);
                return;
            };
            sink.emit(&[Some(&course_id), Some(problem_id), Some(username), Some(timestamp), Some(json)]);
        }
        Err(true) => sink.drop(Drop::NoCourseId),
        Err(false) => sink.drop(Drop::Other),
    }
}

/// `[problem_id, username, timestamp, problem_data_json]`, or `Err(no_course_id)`.
fn augmented(ev: &Event<'_>, ccx: bool) -> Result<[String; 4], bool> {
    // get_augmented_event_data(event, ['context', 'username', 'timestamp'])
    let payload_text = ev.payload_text().ok_or(false)?;
    let ts = ev.time().and_then(|t| event_time(&t)).ok_or(false)?;
    let timestamp = ts.isoformat();
    let context_raw = ev.obj.get_raw("context").filter(|c| *c != "null").ok_or(false)?;
    let username_raw = ev.obj.get_raw("username").filter(|u| *u != "null").ok_or(false)?;
    ev.course_id(false, ccx).ok_or(true)?;
    let payload = ev.payload().ok_or(false)?;
    let problem_id = match payload.get("problem_id") {
        Some(v) if !v.is_null() => v.py_str().into_owned(),
        _ => return Err(false),
    };
    // The original reads answers from the raw `event` field, which must be a dict.
    let raw = ev.raw_payload_dict().ok_or(false)?;
    let answers_ok = match raw.get("answers") {
        Some(PyVal::Dict(t)) => raw.object_of(t).is_some_and(|a| !a.is_empty() && answer_ids_ok(&a)),
        _ => false,
    };
    let submission_ok = match raw.get("submission") {
        None => true,
        Some(PyVal::Dict(t)) => raw.object_of(t).is_some_and(|s| answer_ids_ok(&s)),
        Some(_) => false,
    };
    if !answers_ok || !submission_ok {
        return Err(false);
    }
    let username_text = match crate::events::json::value(username_raw) {
        PyVal::Str(s) => s.into_owned(),
        other => other.py_str().into_owned(),
    };
    let clash = ["timestamp", "context", "username"].iter().any(|k| payload.contains_key(k));
    let json = if clash {
        // Rare: let a real map resolve the overwritten keys.
        let mut data = serde_json::from_str::<Map<String, Value>>(payload_text).map_err(|_| false)?;
        let context = serde_json::from_str::<Value>(context_raw).map_err(|_| false)?;
        let username = serde_json::from_str::<Value>(username_raw).map_err(|_| false)?;
        data.insert("timestamp".into(), Value::String(timestamp.clone()));
        data.insert("context".into(), context);
        data.insert("username".into(), username);
        Value::Object(data).to_string()
    } else {
        splice(payload_text, &timestamp, context_raw, username_raw)
    };
    Ok([problem_id, username_text, timestamp, json])
}

/// Appends `"timestamp"`, `"context"` and `"username"` members to the JSON object text `obj`.
fn splice(obj: &str, timestamp: &str, context: &str, username: &str) -> String {
    let body = obj.trim();
    let inner = body.strip_prefix('{').and_then(|b| b.strip_suffix('}')).unwrap_or("").trim();
    let mut out = String::with_capacity(obj.len() + context.len() + username.len() + 64);
    out.push('{');
    if !inner.is_empty() {
        out.push_str(inner);
        out.push_str(", ");
    }
    out.push_str("\"timestamp\": \"");
    out.push_str(timestamp);
    out.push_str("\", \"context\": ");
    out.push_str(context);
    out.push_str(", \"username\": ");
    out.push_str(username);
    out.push('}');
    out
}
