//! `edxc apply` from the outside: the sample-data run, bad input counted and skipped, the bad-record threshold, and
//! one clear line (exit 1) for a missing log directory, an unreachable MySQL, a bad interval or a bad --param.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `edxc apply` with outputs under `tmp`; returns (exit code, stdout, stderr).
fn apply(tmp: &Path, extra: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    run(tmp, &["apply"], extra, env)
}

/// Runs `edxc <command>` with outputs under `tmp`.
fn run(tmp: &Path, command: &[&str], extra: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_edxc"));
    cmd.arg("--root").arg(repo()).args(command).arg("--auto-approve");
    for (k, v) in [("warehouse", "wh"), ("result_store", "results.sqlite"), ("state", "state.sqlite")] {
        cmd.arg("--var").arg(format!("{k}={}", tmp.join(v).display()));
    }
    cmd.args(extra);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("edxc runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn rows(db: &Path, table: &str) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
}

#[test]
fn sample_data_run_loads_every_table_and_reruns_identically() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, err) = apply(tmp.path(), &[], &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    for t in [
        "course_enrollment_daily",
        "course_enrollment_mode_daily",
        "course_meta_summary_enrollment",
        "course_activity",
        "tags_distribution",
        "grade_distribution",
        "sequential_open_distribution",
        "student_engagement_daily",
    ] {
        assert!(out.lines().any(|l| l.trim_start().starts_with(t)), "summary lists {t}:\n{out}");
        assert!(rows(&tmp.path().join("results.sqlite"), t) > 0, "{t} has rows");
    }
    assert!(out.contains("Tracking logs: 15 files, 21300 lines"), "{out}");
    let db = tmp.path().join("results.sqlite");
    let first = rows(&db, "course_enrollment_daily");
    let (code, out, err) = apply(tmp.path(), &[], &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.starts_with("No changes: every output is up to date"), "a rerun does nothing:\n{out}\n{err}");
    // Recomputing the events and everything downstream replaces what was loaded, never appends.
    let (code, out, err) = run(tmp.path(), &["restate", "course_enrollment_events"], &[], &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("course_enrollment_daily") && !out.contains("course_activity"), "{out}");
    assert_eq!(rows(&db, "course_enrollment_daily"), first, "an overwrite run replaces, never appends");
    let markers: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT COUNT(*) FROM table_updates WHERE target_table = 'course_enrollment_daily'", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(markers, 1);
}

fn write_log(dir: &Path, lines: &[&[u8]]) {
    std::fs::create_dir_all(dir).unwrap();
    let mut data = Vec::new();
    for l in lines {
        data.extend_from_slice(l);
        data.push(b'\n');
    }
    std::fs::write(dir.join("tracking.log-20140801"), data).unwrap();
}

const GOOD: &[u8] = br#"{"event_type": "edx.course.enrollment.activated", "event_source": "server", "time": "2014-08-01T10:00:00.000000+00:00", "context": {"course_id": "edX/DemoX/Demo"}, "event": {"course_id": "edX/DemoX/Demo", "user_id": 7, "mode": "honor"}, "username": "u7"}"#;

#[test]
fn bad_lines_are_counted_and_skipped_until_the_threshold() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    let huge = vec![b'x'; 3 << 20];
    let mut lines: Vec<&[u8]> = vec![b"{\"truncated\": ", b"\xff\xfe not utf-8", b"garbage", &huge, b"[1, 2]"];
    lines.extend(std::iter::repeat_n(GOOD, 10));
    lines.push(br#"{"event_type": "play_video", "event_source": "browser", "time": "2014-08-01T11:00:00+00:00", "context": {"course_id": "edX/DemoX/Demo", "user_id": 7}, "event": "{}", "username": "u7"}"#);
    write_log(&logs, &lines);
    let logs_var = format!("tracking_logs={}", logs.display());
    // Both pipelines: user_activity parses every line, so every bad line is seen (the enrollment extractor alone
    // skips non-candidate lines without parsing them, and counts them as prefiltered). Only these two: the log
    // holds no event of the others (an empty answer distribution fails its load, as the original's did).
    let base = [
        "--pipeline",
        "enrollments",
        "--pipeline",
        "user_activity",
        "--interval",
        "2014-08-01-2014-08-02",
        "--param",
        "overwrite_n_days=7",
        "--param",
        "end_date=2014-08-04",
        "--param",
        "weeks=1",
        "--var",
        &logs_var,
    ];
    let (code, out, err) = apply(tmp.path(), &base, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("16 lines"), "{out}");
    // The five bad lines are counted as bad JSON or bad UTF-8 (lines the extractors' pre-filter skips are only
    // shape-checked, so invalid UTF-8 there counts as bad JSON).
    let count = |label: &str| -> u64 {
        let line = out.lines().find(|l| l.starts_with("Tracking logs:")).unwrap_or_default();
        line.split(", ")
            .find(|p| p.ends_with(label))
            .and_then(|p| p.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    assert_eq!(count("bad JSON") + count("bad UTF-8"), 5, "{out}");
    assert_eq!(rows(&tmp.path().join("results.sqlite"), "course_enrollment_daily"), 1);

    let strict = tempfile::tempdir().unwrap();
    let mut args = base.to_vec();
    args.extend(["--max-bad-ratio", "0.1"]);
    let (code, out, err) = apply(strict.path(), &args, &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("max_bad_ratio"), "{err}");
    assert!(
        !strict.path().join("results.sqlite").exists() || rows_or_zero(&strict.path().join("results.sqlite")) == 0,
        "nothing loaded"
    );
}

fn rows_or_zero(db: &Path) -> i64 {
    let c = rusqlite::Connection::open(db).unwrap();
    c.query_row("SELECT COUNT(*) FROM sqlite_master WHERE name = 'course_enrollment_daily'", [], |r| r.get(0))
        .unwrap_or(0)
}

fn one_error_line(code: i32, err: &str, needle: &str) {
    assert_eq!(code, 1, "{err}");
    let errors: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line:\n{err}");
    assert!(errors[0].contains(needle), "`{needle}` in:\n{err}");
}

#[test]
fn missing_log_directory() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = apply(tmp.path(), &["--var", "tracking_logs=/nonexistent/edxc-logs"], &[]);
    one_error_line(code, &err, "/nonexistent/edxc-logs does not exist");
    assert!(!tmp.path().join("results.sqlite").exists() || rows_or_zero(&tmp.path().join("results.sqlite")) == 0);
}

#[test]
fn unreachable_mysql_with_redacted_password() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, err) = apply(
        tmp.path(),
        &["--var", "result_store=mysql://root:SECRET[env.EDXC_TEST_PW]@127.0.0.1:1/reports"],
        &[("EDXC_TEST_PW", "hunter2-secret")],
    );
    one_error_line(code, &err, "127.0.0.1:1");
    assert!(!err.contains("hunter2-secret") && !out.contains("hunter2-secret"), "secret leaked:\n{err}");
}

#[test]
fn bad_interval_and_param() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = apply(tmp.path(), &["--pipeline", "enrollments", "--interval", "2014-13-01"], &[]);
    one_error_line(code, &err, "invalid interval `2014-13-01`");
    let (code, _, err) = apply(tmp.path(), &["--param", "overwrite_n_dayz=3"], &[]);
    one_error_line(code, &err, "--param overwrite_n_dayz");
    let (code, _, err) = apply(tmp.path(), &["--param", "overwrite_n_days=many"], &[]);
    one_error_line(code, &err, "not an integer");
    // A key of the original's configuration that no selected pipeline reads is refused, naming the ones read.
    let (code, _, err) =
        apply(tmp.path(), &["--pipeline", "problem_response", "--config", "problem-response.report_feilds=[]"], &[]);
    one_error_line(code, &err, "--config problem-response.report_feilds");
    assert!(err.contains("problem-response.report_fields"), "{err}");
}

/// `--config section.key=value` sets the param the pipeline maps the key to, and a `--param` of it wins: the report
/// holds the configured fields, under the configured root, named with the --param's template.
#[test]
fn configuration_keys_set_params_below_param() {
    let tmp = tempfile::tempdir().unwrap();
    let reports = tmp.path().join("reports");
    let (code, out, err) = apply(
        tmp.path(),
        &[
            "--pipeline",
            "ProblemResponseReportWorkflow",
            "--config",
            &format!("problem-response.report_output_root={}", reports.display()),
            "--config",
            "problem-response.report_fields=[\"username\",\"correct\"]",
            "--config",
            "problem-response.report_filename_template={course_id}_a.csv",
            "--param",
            "report_filename_template={course_id}_b.csv",
        ],
        &[],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let names: Vec<String> =
        std::fs::read_dir(&reports).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    assert!(!names.is_empty() && names.iter().all(|n| n.ends_with("_b.csv")), "{names:?}");
    let text = std::fs::read_to_string(reports.join(&names[0])).unwrap();
    assert!(text.starts_with("username,correct\r\n"), "{text}");
}

#[test]
fn sqlite_urls_name_the_file_and_unknown_schemes_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("x.sqlite");
    let url = format!("result_store=sqlite:{}", db.display());
    let (code, out, err) = apply(tmp.path(), &["--pipeline", "user_activity", "--var", &url], &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(rows(&db, "course_activity") > 0, "the file the URL names holds the results");
    assert!(!repo().join("sqlite:").exists(), "no file named after the URL under the working directory");
    let url = format!("result_store=sqlite://{}", tmp.path().join("y.sqlite").display());
    let (code, out, err) = apply(tmp.path(), &["--pipeline", "user_activity", "--var", &url], &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(rows(&tmp.path().join("y.sqlite"), "course_activity") > 0);
    let (code, _, err) =
        apply(tmp.path(), &["--pipeline", "user_activity", "--var", "result_store=postgres://u@h/reports"], &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("unsupported result store scheme `postgres:`"), "{err}");
}

#[test]
fn parameters_of_the_original_tasks_are_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = repo().join("sample-data/tracking");
    let source = format!("source=[\"{}\"]", logs.display());
    let warehouse = format!("warehouse_path={}", tmp.path().join("elsewhere").display());
    let args = [
        "--pipeline",
        "user_activity",
        "--param",
        "overwrite_mysql=true",
        "--param",
        "overwrite_hive=true",
        "--param",
        "n_reduce_tasks=2",
        "--param",
        &source,
        "--param",
        &warehouse,
        "--param",
        "expand_interval=2 days",
    ];
    let (code, out, err) = apply(tmp.path(), &args, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(tmp.path().join("elsewhere/course_activity").is_dir(), "warehouse_path chose the warehouse");
    let (code, _, err) = apply(tmp.path(), &["--param", "no_such_param=1"], &[]);
    assert_eq!(code, 1);
    assert!(err.contains("no_such_param") && err.contains("n_reduce_tasks"), "{err}");
}

#[test]
fn undated_log_files_are_read_and_the_selection_is_explained() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let mut live = GOOD.to_vec();
    live.push(b'\n');
    std::fs::write(logs.join("tracking.log"), &live).unwrap();
    std::fs::write(logs.join("tracking.log-20100101"), &live).unwrap();
    std::fs::write(logs.join("notes.txt"), b"x\n").unwrap();
    let var = format!("tracking_logs={}", logs.display());
    let args = ["--pipeline", "enrollments", "--interval", "2014-08-01-2014-08-02", "--param", "overwrite_n_days=1"];
    let mut args = args.to_vec();
    args.extend(["--var", &var]);
    let (code, out, err) = apply(tmp.path(), &args, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("Tracking logs: 1 files, 1 lines"), "{out}");
    assert!(out.contains("1 undated (always read); not read: 1 dated outside the interval, 1 not matching"), "{out}");
    assert_eq!(rows(&tmp.path().join("results.sqlite"), "course_enrollment_daily"), 1);
}

fn gz(data: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

#[test]
fn damaged_files_are_named_counted_and_held_to_the_threshold() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let mut good = Vec::new();
    for _ in 0..200 {
        good.extend_from_slice(GOOD);
        good.push(b'\n');
    }
    let whole = gz(&good);
    std::fs::write(logs.join("tracking.log-20140801-a.gz"), &whole).unwrap();
    std::fs::write(logs.join("tracking.log-20140801-b.gz"), &whole[..whole.len() / 2]).unwrap();
    std::fs::write(logs.join("tracking.log-20140801-c.gz"), b"").unwrap();
    std::fs::write(logs.join("tracking.log-20140801-d.gz"), &good).unwrap();
    let var = format!("tracking_logs={}", logs.display());
    let base = ["--pipeline", "enrollments", "--interval", "2014-08-01-2014-08-02", "--param", "overwrite_n_days=1"];
    let mut args = base.to_vec();
    args.extend(["--var", &var, "--max-bad-ratio", "0.8"]);
    let (code, out, err) = apply(tmp.path(), &args, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("Damaged files (3)"), "{out}");
    for (name, why) in [("-b.gz", "truncated"), ("-c.gz", "empty"), ("-d.gz", "not a gzip")] {
        let line = out.lines().find(|l| l.contains(name)).unwrap_or_else(|| panic!("{name} named in:\n{out}"));
        assert!(line.to_lowercase().contains(why), "{line}");
    }
    let mut json_args = args.clone();
    json_args.extend(["--format", "json"]);
    // A fresh project: in the first one every output is now up to date, and a rerun reads nothing.
    let fresh = tempfile::tempdir().unwrap();
    let (code, out, err) = apply(fresh.path(), &json_args, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("one JSON document on stdout");
    let kinds: Vec<&str> = v["damaged_files"].as_array().unwrap().iter().map(|d| d["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["truncated_gzip", "empty_gzip", "not_gzip"], "{out}");
    assert_eq!(v["counters"]["damaged_files"], 3);
    // Three damaged files of four is above the default ratio (0.5): the run fails, naming them.
    let strict = tempfile::tempdir().unwrap();
    let mut args = base.to_vec();
    args.extend(["--var", &var]);
    let (code, out, err) = apply(strict.path(), &args, &[]);
    assert_eq!(code, 1, "{out}\n{err}");
    assert!(err.contains("3 of 4 tracking-log files were damaged") && err.contains("-c.gz"), "{err}");
}

#[test]
fn an_event_time_with_a_negative_utc_offset_never_fails_a_run() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    let odd = |time: &str, user: u32| {
        format!(
            r#"{{"event_type": "edx.course.enrollment.activated", "event_source": "server", "time": "{time}", "context": {{"course_id": "edX/DemoX/Demo"}}, "event": {{"course_id": "edX/DemoX/Demo", "user_id": {user}, "mode": "honor"}}, "username": "u{user}"}}"#
        )
    };
    let lines = [odd("2014-08-01T12:38:29.200030-05:00", 8), odd("2014-08-01T01:16:55-05:00", 9)];
    let mut all: Vec<&[u8]> = vec![GOOD];
    all.extend(lines.iter().map(|l| l.as_bytes()));
    write_log(&logs, &all);
    let var = format!("tracking_logs={}", logs.display());
    let args = [
        "--pipeline",
        "enrollments",
        "--interval",
        "2014-08-01-2014-08-02",
        "--param",
        "overwrite_n_days=1",
        "--var",
        &var,
    ];
    let (code, out, err) = apply(tmp.path(), &args, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("Rows skipped:") && out.contains("bad_timestamp in course_enrollment_summary"), "{out}");
    // The day counts keep every event (the original reads only the date part there).
    let c = rusqlite::Connection::open(tmp.path().join("results.sqlite")).unwrap();
    let n: i64 = c.query_row("SELECT count FROM course_enrollment_daily", [], |r| r.get(0)).unwrap();
    assert_eq!(n, 3);
}

#[test]
fn a_failed_run_still_prints_one_json_document() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, err) =
        apply(tmp.path(), &["--format", "json", "--var", "tracking_logs=/nonexistent/edxc-logs"], &[]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON on stdout");
    assert_eq!(v["ok"], false);
    assert!(v["error"].as_str().unwrap().contains("/nonexistent/edxc-logs does not exist"), "{out}");
    one_error_line(code, &err, "does not exist");
}

#[test]
fn junit_reports_for_jenkins() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("reports/edxc.xml");
    let arg = report.display().to_string();
    let (code, out, err) = apply(tmp.path(), &["--pipeline", "user_activity", "--junit", &arg], &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    let xml = std::fs::read_to_string(&report).unwrap();
    assert!(xml.starts_with("<?xml") && xml.contains("<testsuite name=\"user_activity\""), "{xml}");
    assert!(xml.contains("name=\"course_activity\"") && xml.contains("failures=\"0\""), "{xml}");
    let (code, _, _) = apply(tmp.path(), &["--junit", &arg, "--var", "tracking_logs=/nonexistent/edxc-logs"], &[]);
    assert_eq!(code, 1);
    let xml = std::fs::read_to_string(&report).unwrap();
    assert!(xml.contains("failures=\"1\"") && xml.contains("/nonexistent/edxc-logs does not exist"), "{xml}");
}

/// Runs `edxc apply` on a pseudo-terminal (util-linux `script`), answering `answer` to its question.
fn apply_on_a_tty(tmp: &Path, answer: &str) -> (i32, String) {
    let mut cmd = format!("{} --root {} apply", env!("CARGO_BIN_EXE_edxc"), repo().display());
    for (k, v) in [("warehouse", "wh"), ("result_store", "results.sqlite"), ("state", "state.sqlite")] {
        cmd.push_str(&format!(" --var {k}={}", tmp.join(v).display()));
    }
    let mut child = Command::new("script")
        .args(["-q", "-e", "-c", &cmd, "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("script(1) from util-linux runs");
    std::thread::sleep(std::time::Duration::from_millis(1500));
    use std::io::Write;
    child.stdin.take().unwrap().write_all(answer.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).into())
}

#[test]
fn on_a_terminal_apply_asks_first() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out) = apply_on_a_tty(tmp.path(), "n\n");
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("Apply?") && out.contains("nothing was done"), "{out}");
    assert!(!tmp.path().join("results.sqlite").exists(), "a no wrote nothing");
    let (code, out) = apply_on_a_tty(tmp.path(), "y\n");
    assert_eq!(code, 0, "{out}");
    assert!(rows(&tmp.path().join("results.sqlite"), "course_activity") > 0);
}

#[test]
fn graph_prints_the_lineage_of_the_shipped_pipelines() {
    let run = |format: &str| {
        let out = Command::new(env!("CARGO_BIN_EXE_edxc"))
            .args(["--root", &repo().display().to_string(), "graph", "--format", format])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let dot = run("dot");
    // user activity: logs -> map -> SQL -> the result-store table Insights reads.
    for edge in [
        "\"user_activity.tracking\" -> \"user_activity.user_activity_by_user\";",
        "\"user_activity.user_activity_by_user\" -> \"user_activity.course_activity\";",
        "\"user_activity.course_activity\" -> \"result_store.course_activity\";",
        "\"enrollments.course_enrollment\" -> \"enrollments.course_enrollment_daily\";",
    ] {
        assert!(dot.contains(edge), "missing {edge} in\n{dot}");
    }
    let mermaid = run("mermaid");
    assert!(
        mermaid.starts_with("flowchart LR\n  subgraph ") && mermaid.contains("\n  subgraph enrollments\n"),
        "{mermaid}"
    );
    assert_eq!(mermaid.matches("(result store)").count(), dot.matches("shape=box3d").count());
    assert_eq!(run("dot"), dot, "deterministic");
}

#[test]
fn reading_logs_on_several_workers_writes_the_same_bytes_as_one() {
    // The sample logs (15 files) plus a damaged one, so the damage report's order is covered too.
    let logs = tempfile::tempdir().unwrap();
    for f in std::fs::read_dir(repo().join("sample-data/tracking/lms-1")).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, logs.path().join(f.file_name().unwrap())).unwrap();
    }
    let whole = std::fs::read(logs.path().join("tracking.log-20261101.gz")).unwrap();
    std::fs::write(logs.path().join("tracking.log-20261102.gz"), &whole[..whole.len() / 2]).unwrap();
    // One plain file, which several workers read in byte ranges when it is large enough.
    let gz = logs.path().join("tracking.log-20261103.gz");
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(std::fs::File::open(&gz).unwrap()), &mut plain)
        .unwrap();
    std::fs::remove_file(&gz).unwrap();
    std::fs::write(logs.path().join("tracking.log-20261103"), &plain).unwrap();
    let logs_var = format!("tracking_logs={}", logs.path().display());
    let run_with = |jobs: &str, env: &[(&str, &str)]| {
        let tmp = tempfile::tempdir().unwrap();
        let (code, out, err) =
            apply(tmp.path(), &["--jobs", jobs, "--today", "2026-11-09", "--var", &logs_var, "--format", "json"], env);
        assert_eq!(code, 0, "{err}");
        let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
        // An LMS import's `_metadata` says when that run read the LMS: the only bytes that differ by run.
        let mut wh = common::file_tree(&tmp.path().join("wh"));
        wh.retain(|p, _| !p.ends_with("_metadata"));
        (wh, doc["damaged_files"].clone(), doc["counters"].clone())
    };
    let (one, damaged_one, counters_one) = run_with("1", &[]);
    assert!(one.len() > 20, "{:?}", one.keys().collect::<Vec<_>>());
    assert_eq!(damaged_one.as_array().map(Vec::len), Some(1), "{damaged_one}");
    // Two workers; then the plain file split into ranges of 4 KiB and counted rows spilled to disk every 16 KiB.
    let small = [("EDXC_MAP_SPLIT_BYTES", "4096"), ("EDXC_MAP_MEMORY", "16K")];
    for (jobs, env) in [("2", &[][..]), ("2", &small[..]), ("1", &small[..])] {
        let (two, damaged_two, counters_two) = run_with(jobs, env);
        let differ: Vec<&PathBuf> = one.keys().filter(|k| one.get(*k) != two.get(*k)).collect();
        assert!(differ.is_empty() && one.len() == two.len(), "{jobs} jobs {env:?}: files that differ: {differ:?}");
        assert_eq!(damaged_one, damaged_two, "{jobs} jobs {env:?}");
        assert_eq!(counters_one, counters_two, "{jobs} jobs {env:?}");
    }
}

#[test]
fn quiet_runs_print_only_the_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, err) = apply(tmp.path(), &["--quiet", "--today", "2026-11-09"], &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(err, "", "nothing on stderr for a clean run");
    assert!(out.contains("Result store") && out.contains("course_activity"), "{out}");
    // Without it, the same run reports its progress there.
    let tmp = tempfile::tempdir().unwrap();
    let (code, _, err) = apply(tmp.path(), &["--today", "2026-11-09"], &[]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("edxc: pipeline") && err.contains("course_activity"), "{err}");
}

/// A problem_check an answer distribution counts (dated 2014-08-01).
const CHECK: &[u8] = br#"{"username": "u7", "event_source": "server", "event_type": "problem_check", "time": "2014-08-01T12:00:00.000000+00:00", "context": {"course_id": "edX/DemoX/Demo", "user_id": 7, "module": {"display_name": "P"}}, "event": {"problem_id": "i4x://edX/DemoX/problem/p", "answers": {"p_2_1": "choice_1"}, "submission": {"p_2_1": {"answer": "Blue", "response_type": "multiplechoiceresponse", "correct": true, "variant": "", "question": "Color?"}}, "correct_map": {"p_2_1": {"correctness": "correct"}}}}"#;

/// A map without a window (answer distribution) reads every file its globs select, in the same pass as the dated
/// maps, which still read only the files dated for their window; the summary counts each file and line once.
#[test]
fn maps_without_a_window_read_every_selected_file_in_the_same_pass() {
    let tmp = tempfile::tempdir().unwrap();
    let logs = tmp.path().join("logs");
    std::fs::create_dir_all(&logs).unwrap();
    let both = [GOOD, b"\n", CHECK, b"\n"].concat();
    std::fs::write(logs.join("tracking.log-20140801"), &both).unwrap();
    // Dated outside the interval: only the answer distribution reads it (its enrollment is not counted).
    std::fs::write(logs.join("tracking.log-20100101"), &both).unwrap();
    std::fs::write(logs.join("notes.txt"), [CHECK, b"\n"].concat()).unwrap();
    std::fs::write(logs.join(".partial.log"), [CHECK, b"\n"].concat()).unwrap();
    let var = format!("tracking_logs={}", logs.display());
    let base = [
        "--pipeline",
        "enrollments",
        "--pipeline",
        "answer_distribution",
        "--interval",
        "2014-08-01-2014-08-02",
        "--param",
        "overwrite_n_days=1",
        "--var",
        &var,
    ];
    let (code, out, err) = apply(tmp.path(), &base, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("Tracking logs: 3 files, 5 lines"), "{out}");
    assert!(out.contains("2 undated (always read); not read: 0 dated outside the interval, 0 not matching"), "{out}");
    assert!(out.contains(" 1 hidden"), "{out}");
    assert!(err.contains("edxc: pipeline answer_distribution no interval"), "{err}");
    let db = tmp.path().join("results.sqlite");
    let c = rusqlite::Connection::open(&db).unwrap();
    let counts: (i64, i64) = c
        .query_row("SELECT first_response_count, last_response_count FROM answer_distribution", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    // Three events of one learner: the first and the last are counted, each once.
    assert_eq!(counts, (1, 1));
    let enrolled: i64 = c.query_row("SELECT cumulative_count FROM course_enrollment_daily", [], |r| r.get(0)).unwrap();
    assert_eq!(enrolled, 1, "the enrollment of the file dated 2010 is not read by the dated maps");

    // Narrower globs: the other files are not read, and said so.
    let mut args = base.to_vec();
    args.extend(["--param", "include=[\"tracking.log-*\"]"]);
    let (code, out, err) = apply(tmp.path(), &args, &[]);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("Tracking logs: 2 files, 4 lines"), "{out}");
    assert!(out.contains("not read: 0 dated outside the interval, 1 not matching"), "{out}");
}

/// The distribution workflows take every parameter of their original tasks, and `import_credentials` chooses the LMS
/// the histograms are computed from (here a one-problem export instead of the profile's sample LMS).
#[test]
fn distribution_workflows_take_their_original_parameters() {
    let tmp = tempfile::tempdir().unwrap();
    let lms = tmp.path().join("other-lms");
    std::fs::create_dir_all(&lms).unwrap();
    std::fs::write(
        lms.join("courseware_studentmodule.tsv"),
        "module_type\tmodule_id\tcourse_id\tgrade\tmax_grade\n\
         problem\tp1\tc/o/r\t1\t2\nproblem\tp1\tc/o/r\t1\t2\nsequential\ts1\tc/o/r\t\\N\t\\N\n",
    )
    .unwrap();
    let creds = tmp.path().join("import.json");
    std::fs::write(&creds, serde_json::json!({ "url": lms.display().to_string() }).to_string()).unwrap();
    let common = [
        ("n_reduce_tasks", "2"),
        ("overwrite", "true"),
        ("mapreduce_engine", "hadoop"),
        ("input_format", "oddjob.ManifestTextInputFormat"),
        ("lib_jar", "[]"),
        ("remote_log_level", "DEBUG"),
        ("insert_chunk_size", "100"),
        ("database", "reports"),
    ];
    let run = |task: &str, own: &[(&str, &str)]| {
        let mut args = vec!["--today".to_string(), "2026-11-09".into(), "--pipeline".into(), task.into()];
        for (k, v) in own.iter().chain(&common) {
            args.extend(["--param".to_string(), format!("{k}={v}")]);
        }
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, out, err) = apply(tmp.path(), &args, &[]);
        assert_eq!(code, 0, "{task}:\n{out}\n{err}");
    };
    let creds = creds.display().to_string();
    let grade = [
        ("import_credentials", creds.as_str()),
        ("name", "nightly"),
        ("dest", "s3://bucket/histograms"),
        ("num_mappers", "4"),
        ("sqoop_overwrite", "true"),
    ];
    run("GradeDistFromSqoopToMySQLWorkflow", &grade);
    let db = tmp.path().join("results.sqlite");
    let c = rusqlite::Connection::open(&db).unwrap();
    let one: (String, f64, f64, i64) = c
        .query_row("SELECT module_id, grade, max_grade, count FROM grade_distribution", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    assert_eq!(one, ("p1".to_string(), 1.0, 2.0, 2), "the LMS of import_credentials, not the profile's");
    assert_eq!(rows(&db, "sequential_open_distribution"), 1);

    let logs = format!("[\"{}\"]", repo().join("sample-data/tracking").display());
    let tags = [
        ("interval", "2026-11-08-2026-11-09"),
        ("source", logs.as_str()),
        ("pattern", r".*tracking\.log-(?P<date>\d{8}).*"),
        ("expand_interval", "1 day"),
        ("date_pattern", "%Y%m%d"),
        ("output_root", "s3://bucket/tags"),
    ];
    run("TagsDistributionWorkflow", &tags);
    assert!(rows(&db, "tags_distribution") > 0);
}
