//! `event_export` — `EventExportByCourseTask.mapper` (docs/contract.md §3.12).
//!
//! One record `(course_id, line)` per event with a course id (`get_course_id(from_url=True)`):
//! `line` is the raw input line with surrounding ASCII whitespace stripped (not re-serialised).
//! The event date (partition and interval filter) is `context.received_at` when that key exists,
//! else `time`. The optional course whitelist and the per-course gzip files are applied
//! downstream (`<safe_course_id>/events/<safe_course_id>-events-<date>.log.gz`).

use super::{col, DateSource, Drop, ExtractorDef, LineCtx, Prefilter, Sink};
use crate::events::event::Event;
use crate::events::ColumnSpec;
use std::borrow::Cow;

pub const COLUMNS: &[ColumnSpec] = &[col("course_id", "string"), col("line", "string")];

pub static DEF: ExtractorDef = ExtractorDef {
    name: "event_export",
    columns: COLUMNS,
    prefilter: Prefilter::All,
    date_source: DateSource::ReceivedAtThenTime,
    quick_check: None,
    event_types: None,
    run,
};

fn run(ev: &Event<'_>, ctx: &LineCtx<'_>, sink: &mut Sink<'_>) {
    let Some(course_id) = ev.course_id(true, ctx.ccx) else {
        sink.drop(Drop::NoCourseId);
        return;
    };
    let mut line = ctx.line;
    while let [b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c, rest @ ..] = line {
        line = rest;
    }
    while let [rest @ .., b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c] = line {
        line = rest;
    }
    // When the whole line was decoded as JSON it is valid UTF-8 already.
    let text = if ev.text.len() == ctx.line.len() {
        Cow::Borrowed(ev.text.trim_matches([' ', '\t', '\n', '\r', '\x0b', '\x0c']))
    } else {
        String::from_utf8_lossy(line)
    };
    let fields = [Some(&*course_id), Some(&*text)];
    match &text {
        Cow::Borrowed(t) => match ev.obj.indexed_text(t) {
            Some(json) => sink.emit_json(&fields, (1, &json)),
            None => sink.emit(&fields),
        },
        Cow::Owned(_) => sink.emit(&fields),
    }
}
