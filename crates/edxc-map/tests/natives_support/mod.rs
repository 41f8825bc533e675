//! Test support for the natives tests: fixture paths, a tiny CSV reader, and a test-only extractor of the
//! enrollment reducer input from a tracking log (the real extractor lives elsewhere).
#![allow(dead_code)]

use std::collections::BTreeMap;

pub type Row = Vec<Option<String>>;

pub fn conformance(path: &str) -> String {
    let full = format!("{}/../../tests/conformance/{path}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("reading {full}: {e}"))
}

/// The conformance CSV dialect used here: header row, no quoting needed, empty cell or `\N` = NULL.
pub fn read_csv(text: &str) -> (Vec<String>, Vec<Row>) {
    let mut lines = text.lines().filter(|l| !l.is_empty());
    let header = lines.next().expect("header").split(',').map(str::to_string).collect();
    let rows = lines
        .map(|l| l.split(',').map(|c| if c.is_empty() || c == "\\N" { None } else { Some(c.to_string()) }).collect())
        .collect();
    (header, rows)
}

pub fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

pub fn row(cells: &[&str]) -> Row {
    cells.iter().map(|c| if *c == "\\N" { None } else { Some(c.to_string()) }).collect()
}

pub fn args(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Step A of §3.1 for the test: enrollment events dated `[from, to)` →
/// `(course_id, user_id, timestamp, event_type, mode)`.
pub fn extract_enrollment_events(log: &str, from: &str, to: &str) -> Vec<Row> {
    const TYPES: [&str; 3] =
        ["edx.course.enrollment.activated", "edx.course.enrollment.deactivated", "edx.course.enrollment.mode_changed"];
    let mut out = Vec::new();
    for line in log.lines() {
        let Ok(ev) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(time) = ev.get("time").and_then(|t| t.as_str()) else {
            continue;
        };
        let date = time.split('T').next().unwrap_or("");
        if !(from <= date && date < to) {
            continue;
        }
        let Some(et) = ev.get("event_type").and_then(|t| t.as_str()) else {
            continue;
        };
        if !TYPES.contains(&et) {
            continue;
        }
        let mut ts = time.split('+').next().unwrap_or("").to_string();
        if !ts.contains('.') {
            ts.push_str(".000000");
        }
        let Some(data) = ev.get("event").and_then(|d| d.as_object()) else {
            continue;
        };
        let course = data.get("course_id").and_then(|c| c.as_str()).map(str::trim);
        let (Some(course), Some(user), Some(mode)) = (course, data.get("user_id"), data.get("mode")) else {
            continue;
        };
        let user = match user {
            serde_json::Value::String(u) => u.clone(),
            other => other.to_string(),
        };
        let mode = match mode {
            serde_json::Value::String(m) => m.clone(),
            other => other.to_string(),
        };
        out.push(vec![s(course), Some(user), Some(ts), s(et), Some(mode)]);
    }
    out
}

pub fn sorted(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort();
    rows
}
