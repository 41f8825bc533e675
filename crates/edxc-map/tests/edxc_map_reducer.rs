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
