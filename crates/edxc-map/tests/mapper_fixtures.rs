//! Mapper output on the conformance fixture logs (copied to tests/fixtures/mapper/) against
//! expected records derived from the contract (see tests/fixtures/mapper/README.md): every
//! `<log>.<extractor>[.ccx].expected` file is checked, record by record and in order.

mod mapper_common;

use edxc_map::events::{extractor_names, hive_line, scan_file, Counters, ScanOptions};
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

/// JSON-valued columns (problem_data, saved_tags) compare as decoded JSON; the rest as text.
fn normalise(extractor: &str, line: &str) -> Vec<String> {
    let json_col = match extractor {
        "problem_check" | "problem_response" | "tags" => Some(4),
        _ => None,
    };
    line.split('\t')
        .enumerate()
        .map(|(i, f)| {
            if Some(i) == json_col {
                let unescaped = f.replace("\\\\", "\\");
                let v: serde_json::Value = serde_json::from_str(&unescaped).expect("json column");
                v.to_string()
            } else {
                f.to_string()
            }
        })
        .collect()
}

/// The fixture files whose names end with `suffix`, sorted.
fn fixture_names(suffix: &str) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.ends_with(suffix))
        .collect();
    names.sort();
    names
}

#[test]
fn every_expected_file_matches() {
    let mut checked = 0;
    let names = fixture_names(".expected");
    for name in names {
        let parts: Vec<&str> = name.trim_end_matches(".expected").split('.').collect();
        let (stem, extractor, ccx) = match parts.as_slice() {
            [stem, ex] => (*stem, *ex, false),
            [stem, ex, "ccx"] => (*stem, *ex, true),
            _ => panic!("unexpected file name {name}"),
        };
        assert!(extractor_names().contains(&extractor), "{name}");
        let opts = ScanOptions { interval: None, ccx_enabled: ccx, ..Default::default() };
        let (got, c) = run_file(extractor, &format!("{stem}.log"), &opts);
        let want = expected(&name);
        assert_eq!(got.len(), want.len(), "{name}: record count");
        for (g, w) in got.iter().zip(&want) {
            assert_eq!(normalise(extractor, g), normalise(extractor, w), "{name}");
        }
        assert_eq!(c.emitted(extractor), want.len() as u64, "{name}");
        checked += 1;
    }
    assert!(checked >= 40, "only {checked} expected files");
}

#[test]
fn enrollment_fixture_with_interval() {
    // ImportEnrollmentsIntoMysql --interval 2014-07-30-2014-08-07 --overwrite-n-days 7:
    // step A reads [2014-07-31, 2014-08-07).
    let opts = ScanOptions {
        interval: Some(("2014-07-31".into(), "2014-08-07".into())),
        ccx_enabled: false,
        ..Default::default()
    };
    let (got, c) = run_file("enrollment", "enrollment_trends_tracking.log", &opts);
    let want: Vec<String> = expected("enrollment_trends_tracking.enrollment.expected")
        .into_iter()
        .filter(|l| !l.ends_with("\t2014-07-30"))
        .collect();
    assert_eq!(got, want);
    assert_eq!(c.filtered, 2);
}

#[test]
fn user_activity_fixture_counters() {
    let (_, c) = run_file("user_activity", "user_activity_tracking.log", &ScanOptions::default());
    assert_eq!(c.lines, 207);
    assert_eq!(c.bad_records(), 0);
    assert_eq!(c.no_course_id, 6);
}

#[test]
fn video_fixture_skips_comment_lines() {
    let (got, c) = run_file("video", "video_timeline.log", &ScanOptions::default());
    assert_eq!(got.len(), 18);
    assert_eq!(c.lines, 29);
}

#[test]
fn one_pass_over_every_extractor_matches_separate_passes() {
    let names: Vec<&str> = extractor_names().to_vec();
    let logs = fixture_names(".log");
    assert!(logs.len() >= 8, "{logs:?}");
    for log in logs {
        let mut per: Vec<Vec<String>> = vec![Vec::new(); names.len()];
        let mut counters = Counters::default();
        scan_file(&dir().join(&log), &names, &ScanOptions::default(), &mut counters, &mut |idx, date, fields| {
            let mut s = String::new();
            hive_line(fields, &[date], &mut s);
            per[idx].push(s.trim_end_matches('\n').to_string());
        })
        .expect("scan_file");
        for (idx, name) in names.iter().enumerate() {
            let (alone, c) = run_file(name, &log, &ScanOptions::default());
            assert_eq!(per[idx], alone, "{log}: {name}");
            assert_eq!(counters.emitted(name), c.emitted(name), "{log}: {name}");
        }
    }
}
