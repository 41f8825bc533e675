//! `edxc-map --reducer` as Hive runs it in `SELECT TRANSFORM ... USING`: sorted Hive text in, reduced rows out,
//! identical to the embedded engine's in-process reducer.

use std::io::Write;
use std::process::{Command, Stdio};

#[test]
fn enrollment_days_over_stdin_matches_in_process() {
    let input = "c1\t7\t2014-08-01T10:00:00.000000\tedx.course.enrollment.activated\thonor\n\
                 c1\t7\t2014-08-03T09:00:00.000000\tedx.course.enrollment.deactivated\thonor\n";
    let mut child = Command::new(env!("CARGO_BIN_EXE_edxc-map"))
        .args(["--reducer", "enrollment_days", "--arg", "end=2014-08-05"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<Vec<Option<String>>> = input.lines().map(edxc_map::hive_text::split_line).collect();
    let args = [("end".to_string(), "2014-08-05".to_string())].into_iter().collect();
    let expected = edxc_map::natives::run_reducer("enrollment_days", &args, rows).unwrap();
    let got: Vec<Vec<Option<String>>> = text.lines().map(edxc_map::hive_text::split_line).collect();
    assert_eq!(got, expected);
    assert_eq!(got.len(), 4, "one row per day 08-01 .. 08-04:\n{text}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("reporter:counter:edxc,reduced_enrollment_days,4"));
}

#[test]
fn unknown_reducer_is_a_clear_error() {
    let out =
        Command::new(env!("CARGO_BIN_EXE_edxc-map")).args(["--reducer", "nope"]).stdin(Stdio::null()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope"));
}

/// The field report: one event whose time has a UTC offset failed the whole enrollments run. It is skipped, counted on
/// stderr, and the other rows come out as before.
#[test]
fn unusable_rows_are_skipped_and_counted_on_stderr() {
    let good = "c1\t7\t2014-08-01T10:00:00.000000\tedx.course.enrollment.activated\thonor\n\
                c1\t8\t2014-08-02T11:00:00.000000\tedx.course.enrollment.activated\tverified\n";
    let odd = "c1\t9\t2015-03-22T12:38:29.200030-05:00\tedx.course.enrollment.activated\thonor\n\
               c1\tx10\t2014-08-01T10:00:00.000000\tedx.course.enrollment.activated\thonor\n\
               c1\t11\t2014-08-01T10:00:00.000000\n";
    let run = |input: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_edxc-map"))
            .args(["--reducer", "enrollment_summary", "--arg", "end=2014-08-05"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(input.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(out.status.success(), "{stderr}");
        (String::from_utf8(out.stdout).unwrap(), stderr)
    };
    let (expected, _) = run(good);
    let (got, stderr) = run(&format!("{good}{odd}"));
    assert_eq!(got, expected);
    assert_eq!(got.lines().count(), 2);
    for counter in ["reduced_enrollment_summary,2", "bad_timestamp,1", "bad_user_id,1", "wrong_column_count,1"] {
        assert!(stderr.contains(&format!("reporter:counter:edxc,{counter}\n")), "{counter}\n{stderr}");
    }
}
