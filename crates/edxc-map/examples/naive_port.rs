//! The issue's "straightforward Rust port with typed serde_json" baseline (439 / 294 / 778 MB/s per core for
//! enrollment / user activity / video on the issue's machine), kept in the repo so that `scripts/bench-mapper.sh`
//! can measure it side by side with edxc-map on the same machine and print machine-independent ratios.
//!
//! ```sh
//! cargo build --release --example naive_port -p edxc-map
//! target/release/examples/naive_port {enrollment|user_activity|video} FILE > records.tsv
//! ```
//!
//! This is deliberately how a competent developer would first write the mappers: read a line, decode it with
//! `serde_json::from_str` into a `#[derive(Deserialize)]` struct, apply the mapper logic, write TAB-separated
//! records through a `BufWriter`. No SIMD, no prefilters beyond the original video mapper's `_video` test, no hand-written parsing. The semantics are simplified
//! relative to edxc-map's extractors (see the comments on each mapper), but the work has the same shape, so its
//! record counts are in the same ballpark, not equal. It is a yardstick, not a reference implementation.

use serde::Deserialize;
use serde_json::{Map, Value};
use std::fs::File;
use std::io::{self, BufRead, BufReader, BufWriter, Write};
use std::process::ExitCode;

/// One tracking-log line, as far as the three mappers look at it. Unknown members are skipped by serde.
#[derive(Deserialize)]
struct Event {
    username: Option<String>,
    event_type: Option<String>,
    event_source: Option<String>,
    time: Option<String>,
    /// The payload: an object, or (browser events) a string holding a JSON object.
    event: Option<Value>,
    context: Option<Context>,
}

#[derive(Deserialize)]
struct Context {
    course_id: Option<String>,
    /// Decoded as a port of the Python record would decode it; none of these simplified mappers reads it.
    #[allow(dead_code)]
    user_id: Option<Value>,
}

#[derive(Clone, Copy)]
enum Mapper {
    Enrollment,
    UserActivity,
    Video,
}

/// The payload as an object: the `event` member itself, or the object a string `event` decodes to.
fn payload(event: Option<Value>) -> Option<Map<String, Value>> {
    match event? {
        Value::Object(m) => Some(m),
        Value::String(s) => match serde_json::from_str::<Value>(&s) {
            Ok(Value::Object(m)) => Some(m),
            _ => None,
        },
        _ => None,
    }
}

/// Python `str()` of a JSON scalar, roughly; `None` for null.
fn py_str(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(true) => Some("True".to_string()),
        Value::Bool(false) => Some("False".to_string()),
        Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

fn course_id_from_context(context: Option<&Context>) -> Option<&str> {
    let c = context?.course_id.as_deref()?.trim();
    (!c.is_empty()).then_some(c)
}

fn non_empty_username(username: Option<&str>) -> Option<&str> {
    let u = username?.trim();
    (!u.is_empty()).then_some(u)
}

/// `edx.course.enrollment.{activated,deactivated,mode_changed}` with payload `course_id`, `user_id`, `mode`.
fn enrollment(ev: Event, time: &str, date: &str, out: &mut impl Write) -> io::Result<()> {
    let Some(event_type) = ev.event_type.as_deref() else { return Ok(()) };
    if !matches!(
        event_type,
        "edx.course.enrollment.activated" | "edx.course.enrollment.deactivated" | "edx.course.enrollment.mode_changed"
    ) {
        return Ok(());
    }
    let Some(p) = payload(ev.event) else { return Ok(()) };
    let Some(course_id) = p.get("course_id").and_then(Value::as_str).map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(());
    };
    let Some(user_id) = p.get("user_id").and_then(py_str) else { return Ok(()) };
    let Some(mode) = p.get("mode").and_then(py_str) else { return Ok(()) };
    // The timestamp without its `+00:00` timezone suffix.
    let timestamp = time.get(..26).unwrap_or(time);
    writeln!(out, "{course_id}\t{user_id}\t{timestamp}\t{event_type}\t{mode}\t{date}")
}

/// `ACTIVE` for every event with a username and a course, plus `PROBLEM` / `PLAY_VIDEO` / `POSTED_FORUM`.
fn user_activity(ev: Event, date: &str, out: &mut impl Write) -> io::Result<()> {
    let Some(username) = non_empty_username(ev.username.as_deref()) else { return Ok(()) };
    let Some(event_type) = ev.event_type.as_deref() else { return Ok(()) };
    let Some(course_id) = course_id_from_context(ev.context.as_ref()) else { return Ok(()) };
    let mut labels = vec!["ACTIVE"];
    if event_type == "problem_check" && ev.event_source.as_deref() == Some("server") {
        labels.push("PROBLEM");
    }
    if event_type == "play_video" {
        labels.push("PLAY_VIDEO");
    }
    if event_type.starts_with("edx.forum.") && event_type.ends_with(".created") {
        labels.push("POSTED_FORUM");
    }
    for label in labels {
        writeln!(out, "{course_id}\t{username}\t{date}\t{label}\t{date}")?;
    }
    Ok(())
}

/// Video events with payload `id` and a position (`currentTime`, or `new_time` for seeks).
fn video(ev: Event, time: &str, date: &str, out: &mut impl Write) -> io::Result<()> {
    let Some(event_type) = ev.event_type.as_deref() else { return Ok(()) };
    let seek = match event_type {
        "play_video" | "pause_video" | "stop_video" | "load_video" | "speed_change_video" => false,
        "edx.video.played" | "edx.video.paused" | "edx.video.stopped" | "edx.video.loaded" => false,
        "seek_video" | "edx.video.position.changed" => true,
        _ => return Ok(()),
    };
    let Some(username) = non_empty_username(ev.username.as_deref()) else { return Ok(()) };
    let Some(course_id) = course_id_from_context(ev.context.as_ref()) else { return Ok(()) };
    let Some(p) = payload(ev.event) else { return Ok(()) };
    let Some(id) = p.get("id").and_then(Value::as_str) else { return Ok(()) };
    let position = if seek { p.get("new_time").or_else(|| p.get("old_time")) } else { p.get("currentTime") };
    let Some(current_time) = position.and_then(Value::as_f64) else { return Ok(()) };
    writeln!(out, "{username}\t{course_id}\t{id}\t{event_type}\t{time}\t{current_time}\t{date}")
}

fn run(mapper: Mapper, path: &str) -> io::Result<()> {
    let mut input = BufReader::new(File::open(path)?);
    let mut out = BufWriter::new(io::stdout());
    let mut buf = Vec::new();
    loop {
        buf.clear();
        if input.read_until(b'\n', &mut buf)? == 0 {
            break;
        }
        let Ok(line) = std::str::from_utf8(&buf) else { continue };
        let line = line.trim_end_matches(['\n', '\r']);
        // The original video mapper's own first test (a port keeps it): no `_video`, no video event.
        if matches!(mapper, Mapper::Video) && !line.contains("_video") {
            continue;
        }
        let Ok(mut ev) = serde_json::from_str::<Event>(line) else { continue };
        let Some(time) = ev.time.take().filter(|t| !t.is_empty()) else { continue };
        let Some(date) = time.get(..10) else { continue };
        match mapper {
            Mapper::Enrollment => enrollment(ev, &time, date, &mut out)?,
            Mapper::UserActivity => user_activity(ev, date, &mut out)?,
            Mapper::Video => video(ev, &time, date, &mut out)?,
        }
    }
    out.flush()
}

const USAGE: &str = "usage: naive_port {enrollment|user_activity|video} FILE";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let mapper = match args.get(1).map(String::as_str) {
        Some("enrollment") => Mapper::Enrollment,
        Some("user_activity") => Mapper::UserActivity,
        Some("video") => Mapper::Video,
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let Some(path) = args.get(2) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match run(mapper, path) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("naive_port: {path}: {e}");
            ExitCode::FAILURE
        }
    }
}
