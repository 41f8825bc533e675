//! enrollment_days / enrollment_summary against the enrollments acceptance scenario and hand-worked cases.

mod natives_support;

use edxc_map::natives::{reducer, run_reducer, run_reducer_counted, stream_reducer, stream_reducer_counted};
use natives_support::*;
use std::collections::BTreeMap;

const ACT: &str = "edx.course.enrollment.activated";
const DEACT: &str = "edx.course.enrollment.deactivated";
const MODE: &str = "edx.course.enrollment.mode_changed";
const DEMO: &str = "edX/Open_DemoX/edx_demo_course";
const DEMO2: &str = "course-v1:edX+Open_DemoX+edx_demo_course2";

/// The scenario reads only 2014-07-31..2014-08-06 (overwrite window), date_b = 2014-08-07.
fn scenario_events() -> Vec<Row> {
    let log = conformance("fixtures/enrollment_trends_tracking.log");
    let rows = extract_enrollment_events(&log, "2014-07-31", "2014-08-07");
    assert_eq!(rows.len(), 13, "the two 2014-07-30 activations are outside the window");
    rows
}

fn end() -> BTreeMap<String, String> {
    args(&[("end", "2014-08-07")])
}

#[test]
fn summary_matches_acceptance_expected_d_user_course() {
    let out = run_reducer("enrollment_summary", &end(), scenario_events()).unwrap();
    let (header, expected) =
        read_csv(&conformance("scenarios/enrollments_with_catalog/expected/acceptance_expected_d_user_course.csv"));
    let spec = reducer("enrollment_summary").unwrap();
    let names: Vec<&str> = spec.output.iter().map(|c| c.name).collect();
    assert_eq!(header, names);
    assert_eq!(sorted(out.clone()), sorted(expected));
    // Deterministic order: by key (course_id, user_id) in string order.
    let keys: Vec<(String, String)> = out.iter().map(|r| (r[0].clone().unwrap(), r[1].clone().unwrap())).collect();
    let mut sorted_keys = keys.clone();
    sorted_keys.sort();
    assert_eq!(keys, sorted_keys);
    // User 6 only has a deactivation inside the window: dropped.
    assert!(out.iter().all(|r| r[1].as_deref() != Some("6")));
}

/// Hive's `SUM(at_end), COUNT(user_id)` grouped by the given columns of the day rows.
fn aggregate(days: &[Row], by: &[usize]) -> Vec<Row> {
    let mut acc: BTreeMap<Vec<Option<String>>, (i64, i64)> = BTreeMap::new();
    for r in days {
        let key: Vec<Option<String>> = by.iter().map(|&i| r[i].clone()).collect();
        let e = acc.entry(key).or_default();
        e.0 += r[3].as_deref().unwrap().parse::<i64>().unwrap();
        e.1 += 1;
    }
    acc.into_iter()
        .map(|(mut k, (sum, count))| {
            k.push(Some(sum.to_string()));
            k.push(Some(count.to_string()));
            k
        })
        .collect()
}

#[test]
fn days_aggregate_to_course_enrollment_daily() {
    let days = run_reducer("enrollment_days", &end(), scenario_events()).unwrap();
    // date, course_id, count, cumulative_count
    let got = aggregate(&days, &[0, 1]);
    let (_, expected) =
        read_csv(&conformance("scenarios/enrollments_with_catalog/expected/course_enrollment_daily.csv"));
    assert_eq!(sorted(got), sorted(expected));
}

#[test]
fn days_aggregate_to_course_enrollment_mode_daily() {
    let days = run_reducer("enrollment_days", &end(), scenario_events()).unwrap();
    // date, course_id, mode, count, cumulative_count
    let got = aggregate(&days, &[0, 1, 5]);
    let (_, expected) =
        read_csv(&conformance("scenarios/enrollments_with_catalog/expected/course_enrollment_mode_daily.csv"));
    assert_eq!(sorted(got), sorted(expected));
}

#[test]
fn days_exact_rows_for_the_scenario() {
    let days = run_reducer("enrollment_days", &end(), scenario_events()).unwrap();
    assert_eq!(days.len(), 32);
    let for_user = |course: &str, user: &str| -> Vec<String> {
        days.iter()
            .filter(|r| r[1].as_deref() == Some(course) && r[2].as_deref() == Some(user))
            .map(|r| {
                format!(
                    "{} {} {} {}",
                    r[0].as_deref().unwrap(),
                    r[3].as_deref().unwrap(),
                    r[4].as_deref().unwrap(),
                    r[5].as_deref().unwrap()
                )
            })
            .collect()
    };
    // Enroll, unenroll, re-enroll, unenroll with a different mode on the deactivation.
    assert_eq!(
        for_user(DEMO, "2"),
        [
            "2014-08-01 1 1 audit",
            "2014-08-02 0 -1 audit",
            "2014-08-03 1 1 audit",
            "2014-08-04 0 -1 honor",
            "2014-08-05 0 0 honor",
            "2014-08-06 0 0 honor",
        ]
    );
    // Enrolled and unenrolled on the same day: change 0.
    assert_eq!(
        for_user(DEMO, "1"),
        [
            "2014-08-01 0 0 honor",
            "2014-08-02 0 0 honor",
            "2014-08-03 0 0 honor",
            "2014-08-04 0 0 honor",
            "2014-08-05 0 0 honor",
            "2014-08-06 0 0 honor",
        ]
    );
    // First event is a deactivation: at_end 0 rows from that day.
    assert_eq!(for_user(DEMO, "6"), ["2014-08-05 0 0 verified", "2014-08-06 0 0 verified"]);
    assert_eq!(for_user(DEMO2, "1"), ["2014-08-05 1 1 honor", "2014-08-06 1 0 honor"]);
    // Output sorted by key: course-v1:... < edX/..., then user_id.
    assert_eq!(days[0][1].as_deref(), Some(DEMO2));
    assert_eq!(days[0][2].as_deref(), Some("1"));
    assert_eq!(days[31][1].as_deref(), Some(DEMO));
    assert_eq!(days[31][2].as_deref(), Some("6"));
}

fn ev(course: &str, user: &str, ts: &str, et: &str, mode: &str) -> Row {
    row(&[course, user, ts, et, mode])
}

fn compact(rows: &[Row]) -> Vec<String> {
    rows.iter().map(|r| r.iter().map(|c| c.as_deref().unwrap_or("\\N")).collect::<Vec<_>>().join(" ")).collect()
}

#[test]
fn days_mode_changes_and_redundant_events() {
    let rows = vec![
        ev("c/d/e", "9", "2014-01-01T10:00:00.000000", ACT, "audit"),
        ev("c/d/e", "9", "2014-01-01T11:00:00.000000", ACT, "honor"), // duplicate activation: mode still updates
        ev("c/d/e", "9", "2014-01-03T00:00:00.000000", MODE, "verified"),
        ev("c/d/e", "9", "2014-01-04T00:00:00.000000", DEACT, "verified"),
        ev("c/d/e", "9", "2014-01-04T01:00:00.000000", DEACT, "audit"), // already unenrolled: mode updates
    ];
    let out = run_reducer("enrollment_days", &args(&[("end", "2014-01-06")]), rows).unwrap();
    assert_eq!(
        compact(&out),
        [
            "2014-01-01 c/d/e 9 1 1 honor",
            "2014-01-02 c/d/e 9 1 0 honor",
            "2014-01-03 c/d/e 9 1 0 verified",
            "2014-01-04 c/d/e 9 0 -1 audit",
            "2014-01-05 c/d/e 9 0 0 audit",
        ]
    );
}

#[test]
fn days_sort_ties_use_event_type_then_mode() {
    // Same timestamp: "...activated" < "...deactivated", so the user ends the day unenrolled.
    let rows = vec![
        ev("a/b/c", "1", "2014-01-01T10:00:00.000000", DEACT, "honor"),
        ev("a/b/c", "1", "2014-01-01T10:00:00.000000", ACT, "honor"),
    ];
    let out = run_reducer("enrollment_days", &args(&[("end", "2014-01-02")]), rows).unwrap();
    assert_eq!(compact(&out), ["2014-01-01 a/b/c 1 0 0 honor"]);
}

#[test]
fn days_event_after_end_expands_like_the_original() {
    let rows = vec![
        ev("a/b/c", "1", "2014-01-01T10:00:00.000000", ACT, "honor"),
        ev("a/b/c", "1", "2014-01-05T10:00:00.000000", DEACT, "honor"),
    ];
    let out = run_reducer("enrollment_days", &args(&[("end", "2014-01-03")]), rows).unwrap();
    // The first event expands up to the next event's date (beyond end), as in the original.
    assert_eq!(
        compact(&out),
        [
            "2014-01-01 a/b/c 1 1 1 honor",
            "2014-01-02 a/b/c 1 1 0 honor",
            "2014-01-03 a/b/c 1 1 0 honor",
            "2014-01-04 a/b/c 1 1 0 honor",
        ]
    );
}

#[test]
fn summary_state_machine_details() {
    let rows = vec![
        // mode change while unenrolled: ignored
        ev("a/b/c", "7", "2014-01-01T00:00:00.000000", MODE, "credit"),
        ev("a/b/c", "7", "2014-01-02T00:00:00", ACT, "audit"),
        // activation while enrolled with another mode: ignored
        ev("a/b/c", "7", "2014-01-03T00:00:00.000000", ACT, "honor"),
        ev("a/b/c", "7", "2014-01-04T00:00:00.5", MODE, "verified"),
        // deactivation does not change the mode
        ev("a/b/c", "7", "2014-01-05T00:00:00.000000", DEACT, "audit"),
        ev("a/b/c", "7", "2014-01-06T00:00:00.000000", DEACT, "audit"),
        ev("a/b/c", "7", "2014-01-07T00:00:00.000000", ACT, "credit"),
        ev("a/b/c", "7", "2014-01-08T00:00:00.000000", DEACT, "credit"),
        // only a deactivation and a mode change: dropped
        ev("a/b/c", "8", "2014-01-01T00:00:00.000000", DEACT, "audit"),
        ev("a/b/c", "8", "2014-01-02T00:00:00.000000", MODE, "verified"),
    ];
    let out = run_reducer("enrollment_summary", &args(&[("end", "2014-02-01")]), rows).unwrap();
    assert_eq!(
        out,
        vec![row(&[
            "a/b/c",
            "7",
            "credit",
            "0",
            "audit",
            "2014-01-02 00:00:00.000000",
            "2014-01-08 00:00:00.000000",
            // DateTimeField reads the fraction digits as an integer: ".5" is 5 microseconds.
            "2014-01-04 00:00:00.000005",
            "2014-01-07 00:00:00.000000",
            "2014-02-01 00:00:00.000000",
        ])]
    );
}

#[test]
fn summary_user_id_is_python_int() {
    let rows = vec![ev("a/b/c", " 007", "2014-01-02T00:00:00.000000", ACT, "audit")];
    let out = run_reducer("enrollment_summary", &args(&[("end", "2014-02-01")]), rows).unwrap();
    assert_eq!(out[0][1].as_deref(), Some("7"));
    assert_eq!(out[0][3].as_deref(), Some("1"));
    assert_eq!(out[0][6], None);

    // Not an integer: the original's int() would crash the job; the group is skipped and counted.
    let bad = vec![ev("a/b/c", "x1", "2014-01-02T00:00:00.000000", ACT, "audit")];
    let (out, skipped) = run_reducer_counted("enrollment_summary", &args(&[("end", "2014-02-01")]), bad).unwrap();
    assert_eq!((out, skipped), (vec![], counts(&[("bad_user_id", 1)])));
    // Beyond a 64-bit Python int (a `long`, which IntegerField rejects).
    let bad = vec![ev("a/b/c", "99999999999999999999", "2014-01-02T00:00:00.000000", ACT, "audit")];
    let (out, skipped) = run_reducer_counted("enrollment_summary", &args(&[("end", "2014-02-01")]), bad).unwrap();
    assert_eq!((out, skipped), (vec![], counts(&[("bad_user_id", 1)])));
}

fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

#[test]
fn summary_skips_timestamps_the_original_cannot_read() {
    // An explicit offset gives too many numeric parts for datetime(...); so does a year before 1900.
    for ts in ["2014-01-02T00:00:00.000000-05:00", "1899-12-31T00:00:00.000000"] {
        let rows =
            vec![ev("a/b/c", "1", ts, ACT, "audit"), ev("a/b/c", "1", "2014-01-03T00:00:00.000000", ACT, "honor")];
        let (out, skipped) = run_reducer_counted("enrollment_summary", &args(&[("end", "2014-02-01")]), rows).unwrap();
        // Without the unreadable activation, the next one is the first enrollment.
        assert_eq!(
            compact(&out),
            ["a/b/c 1 honor 1 honor 2014-01-03 00:00:00.000000 \\N \\N \\N 2014-02-01 00:00:00.000000"]
        );
        assert_eq!(skipped, counts(&[("bad_timestamp", 1)]), "{ts}");
    }
}

#[test]
fn bad_rows_are_skipped_and_counted() {
    let a = args(&[("end", "2014-01-05")]);
    let good = || vec![ev("a/b/c", "1", "2014-01-02T00:00:00.000000", ACT, "audit")];
    let (expected, none) = run_reducer_counted("enrollment_days", &a, good()).unwrap();
    assert_eq!((expected.len(), none), (3, vec![]));
    // (row, what enrollment_days skips, what enrollment_summary skips). The summary reads the time of accepted
    // events only: a second activation is ignored there, so its time is never read and nothing is skipped.
    let cases: Vec<(Row, &str, Option<&str>)> = vec![
        (row(&["a/b/c", "1", "2014-01-03T00:00:00.000000", ACT]), "wrong_column_count", Some("wrong_column_count")),
        (
            row(&["a/b/c", "1", "2014-01-03T00:00:00.000000", ACT, "audit", "extra"]),
            "wrong_column_count",
            Some("wrong_column_count"),
        ),
        (row(&["a/b/c", "1", "2014-01-03T00:00:00.000000", ACT, "\\N"]), "null_value", Some("null_value")),
        (row(&["a/b/c", "1", "\\N", ACT, "audit"]), "null_value", Some("null_value")),
        (ev("a/b/c", "1", "garbage", ACT, "audit"), "bad_timestamp", None),
        (ev("a/b/c", "1", "2014-02-30T00:00:00.000000", ACT, "audit"), "bad_timestamp", None),
        (ev("a/b/c", "1", "2014-01T00:00:00.000000", DEACT, "audit"), "bad_timestamp", Some("bad_timestamp")),
    ];
    for name in ["enrollment_days", "enrollment_summary"] {
        let (expected, _) = run_reducer_counted(name, &a, good()).unwrap();
        for (bad, days_reason, summary_reason) in &cases {
            let mut rows = good();
            rows.push(bad.clone());
            let (out, skipped) = run_reducer_counted(name, &a, rows.clone()).unwrap();
            let reason = if name == "enrollment_days" { Some(*days_reason) } else { *summary_reason };
            assert_eq!(skipped, reason.map(|r| counts(&[(r, 1)])).unwrap_or_default(), "{name} {bad:?}");
            assert_eq!(out, expected, "{name} {bad:?}");
            // The old entry point no longer fails either.
            assert_eq!(run_reducer(name, &a, rows).unwrap(), out, "{name} {bad:?}");
        }
    }
    // A group of NULL keys is skipped whole.
    let rows = vec![row(&["\\N", "1", "2014-01-02T00:00:00.000000", ACT, "audit"]); 2];
    let (out, skipped) = run_reducer_counted("enrollment_days", &a, rows).unwrap();
    assert_eq!((out, skipped), (vec![], counts(&[("null_value", 2)])));
}

/// The field report's odd events (times with a negative UTC offset as the §1.3 time-string rule leaves them, `Z`
/// suffixes, a non-integer user id, an over-long course id) mixed into the acceptance scenario's events.
fn odd_events() -> Vec<Row> {
    let long_course = format!("a/{}/c", "b".repeat(300));
    vec![
        // 101: its only activation has an offset: the summary cannot read it (no row); days reads its date part.
        ev(DEMO, "101", "2014-08-02T12:38:29.200030-05:00", ACT, "honor"),
        // 102: a good activation, then a mode change whose time the summary would need (first verified).
        ev(DEMO, "102", "2014-08-01T10:00:00.000000", ACT, "audit"),
        ev(DEMO, "102", "2014-08-03T01:16:55-05:00.000000", MODE, "verified"),
        // 103: `Z` suffixes read fine (7 numeric parts).
        ev(DEMO, "103", "2014-08-02T09:00:00Z.000000", ACT, "verified"),
        ev(DEMO, "103", "2014-08-03T10:11:12.5Z", DEACT, "verified"),
        // 104: the offset is on an activation the summary ignores (already enrolled): the original reads no time of
        // it, so the row is the original's, nothing skipped.
        ev(DEMO, "104", "2014-08-01T00:00:00.000000", ACT, "audit"),
        ev(DEMO, "104", "2014-08-02T00:00:00.000000-05:00", ACT, "honor"),
        // x105: not an integer user id.
        ev(DEMO, "x105", "2014-08-01T00:00:00.000000", ACT, "audit"),
        // 106: a course id over 255 characters.
        ev(&long_course, "106", "2014-08-01T00:00:00.000000", ACT, "audit"),
        ev(&long_course, "106", "2014-08-02T00:00:00.000000", DEACT, "audit"),
    ]
}

const ODD_USERS: [&str; 6] = ["101", "102", "103", "104", "x105", "106"];

fn without_odd_users(rows: &[Row], user_col: usize) -> Vec<Row> {
    rows.iter().filter(|r| !ODD_USERS.contains(&r[user_col].as_deref().unwrap_or(""))).cloned().collect()
}

#[test]
fn summary_skips_only_what_the_original_cannot_write() {
    let (baseline, none) = run_reducer_counted("enrollment_summary", &end(), scenario_events()).unwrap();
    assert!(none.is_empty());
    let mut input = scenario_events();
    input.extend(odd_events());
    let (out, skipped) = run_reducer_counted("enrollment_summary", &end(), input.clone()).unwrap();
    // The other rows are unchanged.
    assert_eq!(without_odd_users(&out, 1), baseline);
    let odd: Vec<String> = compact(&out).into_iter().filter(|r| r.contains(" 10")).collect();
    assert_eq!(
        odd,
        [
            format!("{DEMO} 102 audit 1 audit 2014-08-01 10:00:00.000000 \\N \\N \\N 2014-08-07 00:00:00.000000"),
            format!(
                "{DEMO} 103 verified 0 verified 2014-08-02 09:00:00.000000 2014-08-03 10:11:12.000005 \
                 2014-08-02 09:00:00.000000 \\N 2014-08-07 00:00:00.000000"
            ),
            format!("{DEMO} 104 audit 1 audit 2014-08-01 00:00:00.000000 \\N \\N \\N 2014-08-07 00:00:00.000000"),
        ]
    );
    assert_eq!(skipped, counts(&[("bad_timestamp", 2), ("bad_user_id", 1), ("value_too_long", 2)]));
    // The streaming form gives the same rows and counts.
    input.sort();
    let mut text = Vec::new();
    let (n, stream_skipped) =
        stream_reducer_counted("enrollment_summary", &end(), hive_text(&input).as_bytes(), &mut text).unwrap();
    assert_eq!((n as usize, stream_skipped), (out.len(), skipped));
    assert_eq!(String::from_utf8(text).unwrap(), hive_text(&out));
}

#[test]
fn days_read_odd_timestamps_like_the_original() {
    let (baseline, none) = run_reducer_counted("enrollment_days", &end(), scenario_events()).unwrap();
    assert!(none.is_empty());
    let mut input = scenario_events();
    input.extend(odd_events());
    // 107: an event whose date part cannot be read (the original would crash), beside a good one.
    input.push(ev(DEMO, "107", "2014-08-0x5T00:00:00.000000", ACT, "honor"));
    input.push(ev(DEMO, "107", "2014-08-05T00:00:00.000000", ACT, "audit"));
    let (out, skipped) = run_reducer_counted("enrollment_days", &end(), input).unwrap();
    assert_eq!(skipped, counts(&[("bad_timestamp", 1)]));
    let mut rest: Vec<Row> = without_odd_users(&out, 2);
    rest.retain(|r| r[2].as_deref() != Some("107"));
    assert_eq!(rest, baseline, "the other rows are unchanged");
    let user = |u: &str| -> Vec<String> {
        out.iter()
            .filter(|r| r[2].as_deref() == Some(u))
            .map(|r| {
                format!(
                    "{} {} {} {}",
                    r[0].as_deref().unwrap(),
                    r[3].as_deref().unwrap(),
                    r[4].as_deref().unwrap(),
                    r[5].as_deref().unwrap()
                )
            })
            .collect()
    };
    // Only the date part counts: offsets and `Z` change nothing.
    assert_eq!(
        user("101"),
        [
            "2014-08-02 1 1 honor",
            "2014-08-03 1 0 honor",
            "2014-08-04 1 0 honor",
            "2014-08-05 1 0 honor",
            "2014-08-06 1 0 honor"
        ]
    );
    assert_eq!(user("102")[2..4], ["2014-08-03 1 0 verified".to_string(), "2014-08-04 1 0 verified".to_string()]);
    assert_eq!(
        user("103"),
        [
            "2014-08-02 1 1 verified",
            "2014-08-03 0 -1 verified",
            "2014-08-04 0 0 verified",
            "2014-08-05 0 0 verified",
            "2014-08-06 0 0 verified"
        ]
    );
    // The user id and the long course id pass through as the original writes them.
    assert_eq!(user("x105").len(), 6);
    assert_eq!(user("106").len(), 6);
    assert!(out.iter().any(|r| r[1].as_deref().is_some_and(|c| c.len() == 304)));
    assert_eq!(user("107"), ["2014-08-05 1 1 audit", "2014-08-06 1 0 audit"]);
}

#[test]
fn argument_errors() {
    assert!(run_reducer("nope", &end(), vec![]).is_err());
    assert!(run_reducer("enrollment_days", &BTreeMap::new(), vec![]).is_err());
    assert!(run_reducer("enrollment_days", &args(&[("end", "2014-8-7")]), vec![]).is_err());
    assert!(run_reducer("enrollment_days", &args(&[("end", "2014-08-07"), ("extra", "1")]), vec![]).is_err());
    assert_eq!(run_reducer("enrollment_days", &end(), vec![]).unwrap(), Vec::<Row>::new());
}

fn hive_text(rows: &[Row]) -> String {
    let mut buf = Vec::new();
    for r in rows {
        edxc_map::hive_text::write_row(r, &mut buf).unwrap();
    }
    String::from_utf8(buf).unwrap()
}

#[test]
fn stream_matches_run_reducer() {
    for name in ["enrollment_days", "enrollment_summary"] {
        let mut input = scenario_events();
        input.sort(); // grouped by key (and sorted), as Hive delivers it
        let expected = run_reducer(name, &end(), input.clone()).unwrap();
        let mut out = Vec::new();
        let n = stream_reducer(name, &end(), hive_text(&input).as_bytes(), &mut out).unwrap();
        assert_eq!(n as usize, expected.len());
        assert_eq!(String::from_utf8(out).unwrap(), hive_text(&expected), "{name}");
    }
}

#[test]
fn stream_handles_crlf_blank_lines_and_escapes() {
    // The course id holds a TAB in edxc's former escape (`\t`); it is written back in Hive's (backslash + TAB).
    let input = "a\\tb/c/d\t1\t2014-01-01T00:00:00.000000\tedx.course.enrollment.activated\thon\\\\or\r\n\n";
    let mut out = Vec::new();
    let n = stream_reducer("enrollment_days", &args(&[("end", "2014-01-03")]), input.as_bytes(), &mut out).unwrap();
    assert_eq!(n, 2);
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "2014-01-01\ta\\\tb/c/d\t1\t1\t1\thon\\\\or\n2014-01-02\ta\\\tb/c/d\t1\t1\t0\thon\\\\or\n"
    );
}

#[test]
fn stream_skips_and_counts_unusable_lines() {
    let good = "a/b/c\t1\t2014-08-05T00:00:00.000000\tedx.course.enrollment.activated\thonor\n";
    let mut expected = Vec::new();
    stream_reducer("enrollment_days", &end(), good.as_bytes(), &mut expected).unwrap();
    let mut input = b"a/b/c\t1\t2014\xff\tx\ty\n".to_vec();
    input.extend_from_slice(good.as_bytes());
    input.extend_from_slice(b"short\tline\n");
    let mut out = Vec::new();
    let (n, skipped) = stream_reducer_counted("enrollment_days", &end(), input.as_slice(), &mut out).unwrap();
    assert_eq!(out, expected);
    assert_eq!((n, skipped), (2, counts(&[("not_utf8", 1), ("wrong_column_count", 1)])));
    let mut out = Vec::new();
    assert_eq!(stream_reducer("enrollment_days", &end(), input.as_slice(), &mut out).unwrap(), 2);
    // Argument errors stay errors.
    assert!(stream_reducer_counted("enrollment_days", &args(&[("end", "x")]), good.as_bytes(), Vec::new()).is_err());
}
