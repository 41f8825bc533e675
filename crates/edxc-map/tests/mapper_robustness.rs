//! Hostile input: never panics, counts and skips.

mod mapper_common;

use edxc_map::events::{scan, scan_file, scan_file_checked, Counters, FileDamage, ScanOptions};
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
    // Not gzip at all: a damaged file, but not a truncated gzip stream.
    assert_eq!((c.lines, c.truncated_gzip, c.damaged_files, c.bad_records()), (0, 0, 1, 1));
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

/// Scans `files` in order with `scan_file_checked` into one set of counters, as a run over a log directory does:
/// the enrollment records emitted, the counters, and each file's damage.
fn scan_all(files: &[&std::path::Path]) -> (u64, Counters, Vec<Option<FileDamage>>) {
    let mut c = Counters::default();
    let mut records = 0u64;
    let mut damages = Vec::new();
    for f in files {
        let d = scan_file_checked(f, &["enrollment"], &ScanOptions::default(), &mut c, &mut |_, _, _| records += 1)
            .expect("only caller errors are errors");
        damages.push(d);
    }
    (records, c, damages)
}

/// A good plain log and a good gzip log of `n` lines each, in `dir`.
fn good_files(dir: &std::path::Path, n: usize) -> (std::path::PathBuf, std::path::PathBuf) {
    let lines: String = (0..n).map(|_| format!("{GOOD}\n")).collect();
    let plain = dir.join("tracking.log-20140729");
    std::fs::write(&plain, &lines).unwrap();
    let gzipped = dir.join("tracking.log-20140731.gz");
    std::fs::write(&gzipped, gz(lines.as_bytes())).unwrap();
    (plain, gzipped)
}

#[test]
fn truncated_gzip_is_reported_with_the_lines_before_the_damage() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, good_gz) = good_files(dir.path(), 10);
    let lines: String =
        (0..2000).map(|i| format!("{GOOD}\n").replace("\"user_id\": 5", &format!("\"user_id\": {i}"))).collect();
    let one = gz(lines.as_bytes());
    let cut = dir.path().join("tracking.log-20140730.gz");
    std::fs::write(&cut, &one[..one.len() / 2]).unwrap();

    let (records, c, damages) = scan_all(&[&plain, &cut, &good_gz]);
    let Some(Some(damage)) = damages.get(1) else { panic!("the cut file is reported: {damages:?}") };
    assert_eq!(damage.kind(), "truncated_gzip");
    let FileDamage::TruncatedGzip { compressed_bytes, decompressed_bytes, .. } = damage else { panic!("{damage:?}") };
    assert!(*compressed_bytes <= (one.len() / 2) as u64, "{damage}");
    assert!(*decompressed_bytes > 0 && *decompressed_bytes < lines.len() as u64, "{damage}");
    assert!(damage.to_string().contains("truncated or corrupt gzip stream"), "{damage}");
    assert_eq!((damages[0].as_ref(), damages[2].as_ref()), (None, None), "the good files are not damaged");
    // Every complete line before the damage is kept: the cut file's lines are all good ones, all emitted.
    let cut_lines = c.lines - 20;
    assert!(cut_lines > 0 && cut_lines < 2000, "{cut_lines}");
    assert_eq!(records, 20 + cut_lines);
    assert_eq!((c.damaged_files, c.truncated_gzip, c.bad_json), (1, 1, 0));
    assert_eq!(c.bad_records(), 1);
    assert!(c.entries().contains(&("damaged_files".to_string(), 1)));
    let mut total = Counters::default();
    total.merge(&c);
    total.merge(&c);
    assert_eq!((total.damaged_files, total.truncated_gzip), (2, 2));
}

#[test]
fn zero_byte_gz_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, good_gz) = good_files(dir.path(), 3);
    let empty = dir.path().join("tracking.log-20140730.gz");
    std::fs::write(&empty, b"").unwrap();
    let (records, c, damages) = scan_all(&[&plain, &empty, &good_gz]);
    assert_eq!(damages, [None, Some(FileDamage::EmptyGzip), None]);
    assert_eq!(damages[1].as_ref().map(FileDamage::kind), Some("empty_gzip"));
    assert!(damages[1].as_ref().unwrap().to_string().contains("empty"));
    assert_eq!((records, c.lines), (6, 6));
    assert_eq!((c.damaged_files, c.truncated_gzip, c.bad_records()), (1, 0, 1));
}

#[test]
fn plain_text_named_gz_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, good_gz) = good_files(dir.path(), 3);
    let text = dir.path().join("tracking.log-20140730.gz");
    std::fs::write(&text, format!("{GOOD}\n{GOOD}\n")).unwrap();
    let (records, c, damages) = scan_all(&[&plain, &text, &good_gz]);
    assert_eq!(damages, [None, Some(FileDamage::NotGzip { head: b"{\"".to_vec() }), None]);
    let d = damages[1].as_ref().unwrap();
    assert_eq!(d.kind(), "not_gzip");
    assert!(d.to_string().contains("not a gzip file (starts with bytes 7b 22"), "{d}");
    // Its lines are not read (it is not what its name says), the others are.
    assert_eq!((records, c.lines), (6, 6));
    assert_eq!((c.damaged_files, c.truncated_gzip), (1, 0));

    // One byte of gzip magic and nothing else: a cut-short gzip header.
    std::fs::write(&text, [0x1f]).unwrap();
    let (_, c, damages) = scan_all(&[&text]);
    assert_eq!(damages[0].as_ref().map(FileDamage::kind), Some("truncated_gzip"));
    assert_eq!((c.damaged_files, c.truncated_gzip), (1, 1));
}

#[test]
fn unreadable_files_are_reported_not_fatal() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, good_gz) = good_files(dir.path(), 3);
    // Directories open (on Linux) but fail to read, even for root: one named like a gzip log, one like a plain log.
    let dir_gz = dir.path().join("tracking.log-20140730.gz");
    std::fs::create_dir(&dir_gz).unwrap();
    let dir_plain = dir.path().join("tracking.log-20140801");
    std::fs::create_dir(&dir_plain).unwrap();
    let missing = dir.path().join("tracking.log-20140802");
    let (records, c, damages) = scan_all(&[&plain, &dir_gz, &dir_plain, &missing, &good_gz]);
    assert_eq!(records, 6);
    assert_eq!((damages[0].as_ref(), damages[4].as_ref()), (None, None));
    for (i, d) in damages.iter().enumerate().skip(1).take(3) {
        let d = d.as_ref().unwrap_or_else(|| panic!("file {i} is reported"));
        assert_eq!(d.kind(), "unreadable", "{d}");
        assert!(d.to_string().starts_with("unreadable: "), "{d}");
    }
    assert!(damages[3].as_ref().unwrap().to_string().contains("No such file"), "{:?}", damages[3]);
    assert_eq!((c.damaged_files, c.truncated_gzip, c.bad_records()), (3, 0, 3));

    // `scan_file` keeps its contract: a file that cannot be opened or read plain is an error.
    let mut c = Counters::default();
    assert!(scan_file(&dir_plain, &["enrollment"], &ScanOptions::default(), &mut c, &mut |_, _, _| {}).is_err());
}

#[cfg(unix)]
#[test]
fn file_without_read_permission_is_reported() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let (plain, _) = good_files(dir.path(), 3);
    let locked = dir.path().join("tracking.log-20140730.gz");
    std::fs::write(&locked, gz(GOOD.as_bytes())).unwrap();
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::File::open(&locked).is_ok() {
        // Running as root (or with CAP_DAC_OVERRIDE): modes do not apply; the directory case above covers it.
        eprintln!("skipped: file modes do not apply to this user");
        return;
    }
    let (records, c, damages) = scan_all(&[&plain, &locked]);
    let d = damages[1].as_ref().expect("reported");
    assert_eq!(d.kind(), "unreadable");
    assert!(d.to_string().contains("ermission denied"), "{d}");
    assert_eq!((records, c.damaged_files), (3, 1));
}

#[test]
fn unknown_extractor_is_still_an_error_for_checked_scans() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, _) = good_files(dir.path(), 1);
    let mut c = Counters::default();
    let err = scan_file_checked(&plain, &["nope"], &ScanOptions::default(), &mut c, &mut |_, _, _| {}).unwrap_err();
    assert!(err.to_string().contains("unknown extractor"));
    let missing = dir.path().join("missing.gz");
    assert!(scan_file_checked(&missing, &["nope"], &ScanOptions::default(), &mut c, &mut |_, _, _| {}).is_err());
    assert_eq!(c.damaged_files, 0);
}
