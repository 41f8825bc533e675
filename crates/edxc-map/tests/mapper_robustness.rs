//! Hostile input: never panics, counts and skips.

mod mapper_common;

use edxc_map::events::{scan, scan_file, Counters, ScanOptions};
use flate2::write::GzEncoder;
use flate2::Compression;
use mapper_common::run_opts;
use std::io::Write;

const GOOD: &str = r#"{"event_source": "server", "event_type": "edx.course.enrollment.activated", "context": {"course_id": "a/b/c", "user_id": 3}, "time": "2014-07-30T17:09:59.941616+00:00", "event": {"course_id": "a/b/c", "user_id": 5, "mode": "honor"}}"#;

fn all() -> Vec<&'static str> {
    edxc_map::events::extractor_names().to_vec()
}

#[test]
fn ten_megabyte_line_is_handled() {
    let big = format!(
        r#"{{"event_source": "server", "event_type": "edx.course.enrollment.activated", "time": "2014-07-30T17:09:59+00:00", "event": {{"course_id": "a/b/c", "user_id": 5, "mode": "honor", "pad": "{}"}}}}"#,
        "x".repeat(10_000_000)
    );
    let input = format!("{GOOD}\n{big}\n{GOOD}\n");
    let (out, c) = run_opts(&all(), input.as_bytes(), &ScanOptions::default());
    assert_eq!(c.lines, 3);
    assert_eq!(c.emitted("enrollment"), 3);
    assert!(out.len() >= 3);
}

#[test]
fn deeply_nested_json_is_bad_json() {
    let deep = format!(
        r#"{{"event_type": "edx.course.enrollment.activated", "user_id": 1, "event": {}{}}}"#,
        "[".repeat(200_000),
        "]".repeat(200_000)
    );
    let unclosed = format!("{{\"user_id\": {}", "{\"a\":".repeat(100_000));
    let input = format!("{deep}\n{unclosed}\n{GOOD}\n");
    let (_, c) = run_opts(&all(), input.as_bytes(), &ScanOptions::default());
    assert_eq!(c.lines, 3);
    // Skipped values are validated without recursion, so the deep (but valid) line decodes and
    // is dropped for want of a time; the unclosed one is bad JSON.
    assert_eq!(c.bad_json, 1);
    assert_eq!(c.no_time, 1);
    assert_eq!(c.emitted("enrollment"), 1);
}

#[test]
fn binary_garbage_nul_and_bad_utf8() {
    let mut input = Vec::new();
    for i in 0..=255u8 {
        input.extend_from_slice(&[i, 0, 0xff, b'{', i, b'}', b'\n']);
    }
    input.extend_from_slice(b"\0\0\0edx.course.enrollment.user_id_video\n");
    input.extend_from_slice(b"\xc3\x28 {\"time\": \"2014-01-01\xff\"}\n");
    input.extend_from_slice(GOOD.as_bytes());
    let (_, c) = run_opts(&all(), &input, &ScanOptions::default());
    // byte 10 is itself a newline: that record splits into three lines
    assert_eq!(c.lines, 261);
    assert_eq!(c.emitted("enrollment"), 1);
}

#[test]
fn crlf_and_missing_final_newline() {
    let input = format!("{GOOD}\r\n{GOOD}");
    let (_, c) = run_opts(&["enrollment"], input.as_bytes(), &ScanOptions::default());
    assert_eq!((c.lines, c.emitted("enrollment")), (2, 2));
}

#[test]
fn unknown_extractor_is_an_error() {
    let mut c = Counters::default();
    let err =
        scan(GOOD.as_bytes(), &["enrollment", "nope"], &ScanOptions::default(), &mut c, &mut |_, _, _| {}).unwrap_err();
    assert!(err.to_string().contains("unknown extractor `nope`"));
}

fn gz(data: &[u8]) -> Vec<u8> {
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(data).unwrap();
    e.finish().unwrap()
}

#[test]
fn gzip_multi_member_and_truncated() {
    let dir = tempfile::tempdir().unwrap();
    let lines: String = (0..2000).map(|_| format!("{GOOD}\n")).collect();
    let mut data = gz(lines.as_bytes());
    data.extend_from_slice(&gz(lines.as_bytes()));
    let full = dir.path().join("tracking.log-20140730.gz");
    std::fs::write(&full, &data).unwrap();
    let mut c = Counters::default();
    scan_file(&full, &["enrollment"], &ScanOptions::default(), &mut c, &mut |_, _, _| {}).unwrap();
    assert_eq!((c.lines, c.emitted("enrollment"), c.truncated_gzip), (4000, 4000, 0));

    let one = gz(lines.as_bytes());
    let cut = dir.path().join("cut.gz");
    std::fs::write(&cut, &one[..one.len() / 2]).unwrap();
    let mut c = Counters::default();
    scan_file(&cut, &["enrollment"], &ScanOptions::default(), &mut c, &mut |_, _, _| {}).unwrap();
    assert_eq!(c.truncated_gzip, 1);
    assert!(c.lines > 0 && c.lines < 2000, "{}", c.lines);
    assert_eq!(c.emitted("enrollment"), c.lines);
    assert_eq!(c.bad_json, 0, "the partial last line is not decoded");

    let garbage = dir.path().join("garbage.gz");
    std::fs::write(&garbage, b"this is not gzip at all\n").unwrap();
    let mut c = Counters::default();
    scan_file(&garbage, &["enrollment"], &ScanOptions::default(), &mut c, &mut |_, _, _| {}).unwrap();
    assert_eq!((c.lines, c.truncated_gzip), (0, 1));
}

#[test]
fn plain_file_and_missing_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("tracking.log");
    std::fs::write(&p, format!("{GOOD}\n")).unwrap();
    let mut c = Counters::default();
    scan_file(&p, &["enrollment"], &ScanOptions::default(), &mut c, &mut |_, _, _| {}).unwrap();
    assert_eq!(c.emitted("enrollment"), 1);
    assert!(scan_file(
        &dir.path().join("nope.log"),
        &["enrollment"],
        &ScanOptions::default(),
        &mut c,
        &mut |_, _, _| {}
    )
    .is_err());
}
