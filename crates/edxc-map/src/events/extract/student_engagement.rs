//! `student_engagement` — `StudentEngagementTask.mapper` (docs/contract.md §3.11, raw MR).
//!
//! One record per kept event (plus one `edx.forum.<kind>.vote_received` record credited to
//! `target_username` for each vote), following the original value
//! `(entity_id, event_type, info, date)`, with `info` flattened into columns. The grouping date
//! (daily / weekly / all) depends on the run's interval and is computed downstream from the event
//! date (the partition column).
//! * `username` stripped, non-empty; `event_type` present; `course_id` from the **context only**;
//!   payload must be a dict;
//! * `problem_check`: server only, `entity_id` = `problem_id` (truthy), `correct` = `success`
//!   (case-insensitive) is `correct`;
//! * `play_video`: `entity_id` = payload `id` (truthy);
//! * implicit page views matching `/courses/<course>/courseware/<chapter>/<section>/...` →
//!   `event_type = marker:last_subsection_viewed` with `subsection_path` (the URL) and
//!   `subsection_timestamp` (`get_event_time_string`);
//! * `edx.forum.<kind>.voted`: `vote_value` must be `up`/`down` (else the event is dropped),
//!   `undo_vote` = truthiness of payload `undo_vote`;
//! * anything else: `entity_id = ''`.

use super::module_engagement::success_is_correct;
use super::{col, DateSource, Drop, ExtractorDef, LineCtx, Prefilter, Sink};
use crate::events::event::Event;
use crate::events::json::PyVal;
use crate::events::time::event_time_string;
use crate::events::ColumnSpec;
use std::borrow::Cow;

pub const COLUMNS: &[ColumnSpec] = &[
    col("course_id", "string"),
    col("username", "string"),
    col("entity_id", "string"),
    col("event_type", "string"),
    col("correct", "boolean"),
    col("subsection_path", "string"),
    col("subsection_timestamp", "string"),
    col("vote_value", "string"),
    col("undo_vote", "boolean"),
];

pub static DEF: ExtractorDef = ExtractorDef {
    name: "student_engagement",
    columns: COLUMNS,
    prefilter: Prefilter::All,
    date_source: DateSource::Time,
    quick_check: None,
    event_types: None,
    run,
};

pub const SUBSECTION_VIEWED_MARKER: &str = "marker:last_subsection_viewed";

/// `/courses/[^/+]+(/|\+)[^/+]+(/|\+)[^/]+/courseware/[^/]+/[^/]+/.*$` (re.match).
pub fn is_subsection_url(t: &str) -> bool {
    // Every delimiter is ASCII, so the rules are checked on bytes.
    let Some(rest) = t.as_bytes().strip_prefix(b"/courses/") else {
        return false;
    };
    let find = |s: &[u8], sep: fn(u8) -> bool| s.iter().position(|&c| sep(c));
    let slash_or_plus = |c: u8| c == b'/' || c == b'+';
    let slash = |c: u8| c == b'/';
    // [^/+]+(/|\+) twice
    let mut rest = rest;
    for _ in 0..2 {
        match find(rest, slash_or_plus) {
            Some(i) if i > 0 => rest = &rest[i + 1..],
            _ => return false,
        }
    }
    // [^/]+/courseware/
    let Some(k) = find(rest, slash).filter(|&k| k > 0) else {
        return false;
    };
    let Some(mut rest) = rest[k..].strip_prefix(b"/courseware/") else {
        return false;
    };
    // [^/]+/[^/]+/
    for _ in 0..2 {
        match find(rest, slash) {
            Some(n) if n > 0 => rest = &rest[n + 1..],
            _ => return false,
        }
    }
    // .*$ : no newline, except one final newline
    let body = rest.strip_suffix(b"\n").unwrap_or(rest);
    !body.contains(&b'\n')
}

/// `re.match(r'edx\.forum\.(?P<post_type>\w+)\.voted', t)` → post_type.
pub fn forum_vote_kind(t: &str) -> Option<&str> {
    let rest = t.strip_prefix("edx.forum.")?;
    let n: usize = rest
        .char_indices()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map(|(i, c)| i + c.len_utf8())?;
    rest[n..].starts_with(".voted").then(|| &rest[..n])
}

fn run(ev: &Event<'_>, ctx: &LineCtx<'_>, sink: &mut Sink<'_>) {
    let Some(username) = ev.username_inline().filter(|u| !u.is_empty()) else {
        return;
    };
    let Some(event_type) = ev.event_type() else {
        return;
    };
    let Some(course_id) = ev.course_id(false, ctx.ccx) else {
        sink.drop(Drop::NoCourseId);
        return;
    };
    if !ev.payload_is_dict() {
        sink.drop(Drop::Other);
        return;
    }
    let needs_payload =
        event_type == "problem_check" || event_type == "play_video" || forum_vote_kind(&event_type).is_some();
    let payload = if needs_payload { ev.payload() } else { None };
    let empty = crate::events::json::RawObj::default();
    let p: &crate::events::json::RawObj<'_> = payload.as_deref().unwrap_or(&empty);
    let mut entity_id: Cow<'_, str> = Cow::Borrowed("");
    let mut out_type: Cow<'_, str> = event_type.clone();
    let mut correct: Option<&str> = None;
    let mut path: Option<Cow<'_, str>> = None;
    let mut ts: Option<String> = None;
    let mut vote_value: Option<Cow<'_, str>> = None;
    let mut undo: Option<&str> = None;
    let mut vote_kind: Option<&str> = None;
    if event_type == "problem_check" {
        if ev.event_source().as_deref() != Some("server") {
            return;
        }
        let Some(pid) = p.get("problem_id").filter(PyVal::truthy) else {
            return;
        };
        entity_id = Cow::Owned(pid.py_str().into_owned());
        let Some(c) = success_is_correct(p.get("success")) else {
            sink.drop(Drop::Other);
            return;
        };
        correct = Some(if c { "true" } else { "false" });
    } else if event_type == "play_video" {
        let Some(id) = p.get("id").filter(PyVal::truthy) else {
            return;
        };
        entity_id = Cow::Owned(id.py_str().into_owned());
    } else if is_subsection_url(&event_type) {
        let Some(time) = ev.time() else {
            return;
        };
        ts = Some(event_time_string(&time).into_owned());
        path = Some(event_type.clone());
        out_type = Cow::Borrowed(SUBSECTION_VIEWED_MARKER);
    } else if event_type.starts_with("edx.forum") {
        if let Some(kind) = forum_vote_kind(&event_type) {
            match p.get("vote_value") {
                Some(PyVal::Str(v)) if v == "up" || v == "down" => vote_value = Some(v),
                _ => return,
            }
            undo = Some(match p.get("undo_vote") {
                Some(v) if v.truthy() => "true",
                _ => "false",
            });
            vote_kind = Some(kind);
        }
    }
    let correct = correct.or(if event_type == "problem_check" { Some("false") } else { None });
    let fields_for = |user: &str, etype: &str, sink: &mut Sink<'_>| {
        sink.emit(&[
            Some(&course_id),
            Some(user),
            Some(&entity_id),
            Some(etype),
            correct,
            path.as_deref(),
            ts.as_deref(),
            vote_value.as_deref(),
            undo,
        ]);
    };
    fields_for(&username, &out_type, sink);
    if let Some(kind) = vote_kind {
        if let Some(target) = p.get("target_username").filter(PyVal::truthy) {
            let target = target.py_str();
            let etype = format!("edx.forum.{kind}.vote_received");
            fields_for(&target, &etype, sink);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_subsection_url;

    #[test]
    fn subsection_urls_follow_the_pattern() {
        for yes in [
            "/courses/MITx/6.002x/2013_Spring/courseware/week1/seq1/",
            "/courses/course-v1:MITx+DAT206x+2T2016/courseware/5fac/8b53/",
            "/courses/a+b+c/courseware/x/y/anything here",
            "/courses/a/b/c/courseware/x/y/\n",
            "/courses/é/b/c/courseware/x/y/",
        ] {
            assert!(is_subsection_url(yes), "{yes:?}");
        }
        for no in [
            "/courses/MITx/6.002x/2013_Spring/courseware/week1/",
            "/courses//b/c/courseware/x/y/",
            "/courses/a/b//courseware/x/y/",
            "/courses/a/b/c/info/x/y/",
            "/courses/a/b/c/courseware//y/",
            "/courses/a/b/c/courseware/x/y/z\nw",
            "/courses/a/b",
            "courses/a/b/c/courseware/x/y/",
        ] {
            assert!(!is_subsection_url(no), "{no:?}");
        }
    }
}
