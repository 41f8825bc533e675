//! Mapper output on the conformance fixture logs (copied to tests/fixtures/mapper/) against
//! expected records derived from the contract (see tests/fixtures/mapper/README.md).

mod mapper_common;

use edxc::events::{hive_line, scan_file, Counters, ScanOptions};
use std::path::{Path, PathBuf};

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mapper")
}

fn run_file(extractor: &str, log: &str, opts: &ScanOptions) -> (Vec<String>, Counters) {
    let mut out = Vec::new();
    let mut counters = Counters::default();
    scan_file(&dir().join(log), &[extractor], opts, &mut counters, &mut |_, date, fields| {
        let mut s = String::new();
        hive_line(fields, &[date], &mut s);
        out.push(s.trim_end_matches('\n').to_string());
    })
    .expect("scan_file");
    (out, counters)
}

fn expected(name: &str) -> Vec<String> {
    std::fs::read_to_string(dir().join(name)).expect("expected file").lines().map(str::to_string).collect()
}

fn check(extractor: &str, stem: &str) {
    let (got, c) = run_file(extractor, &format!("{stem}.log"), &ScanOptions::default());
    let want = expected(&format!("{stem}.{extractor}.expected"));
    assert_eq!(got, want, "{extractor} on {stem}");
    assert_eq!(c.emitted(extractor), want.len() as u64);
}

#[test]
fn enrollment_fixture() {
    check("enrollment", "enrollment_trends_tracking");
}

#[test]
fn enrollment_fixture_with_interval() {
    // ImportEnrollmentsIntoMysql --interval 2014-07-30-2014-08-07 --overwrite-n-days 7:
    // step A reads [2014-07-31, 2014-08-07).
    let opts = ScanOptions { interval: Some(("2014-07-31".into(), "2014-08-07".into())), ccx_enabled: false };
    let (got, c) = run_file("enrollment", "enrollment_trends_tracking.log", &opts);
    let want: Vec<String> = expected("enrollment_trends_tracking.enrollment.expected")
        .into_iter()
        .filter(|l| !l.ends_with("\t2014-07-30"))
        .collect();
    assert_eq!(got, want);
    assert_eq!(c.filtered, 2);
}

#[test]
fn user_activity_fixture() {
    check("user_activity", "user_activity_tracking");
}

#[test]
fn user_activity_fixture_counters() {
    let (_, c) = run_file("user_activity", "user_activity_tracking.log", &ScanOptions::default());
    assert_eq!(c.lines, 207);
    assert_eq!(c.bad_records(), 0);
    assert_eq!(c.no_course_id, 6);
}
