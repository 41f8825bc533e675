//! Data checks declared in TOML (`[[transforms.NAME.checks]]`): a failing `error` check fails the run before
//! anything is published, showing the offending rows; a `warn` check only reports; a check naming an unknown
//! column is a validation error at its position.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn project_copy(dir: &Path) -> PathBuf {
    let root = dir.join("project");
    std::fs::create_dir_all(&root).unwrap();
    for sub in ["pipelines", "templates", "target-profiles", "sample-data"] {
        assert!(Command::new("cp").arg("-r").arg(repo().join(sub)).arg(root.join(sub)).status().unwrap().success());
    }
    root
}

fn edxc(root: &Path, out: &Path, cmd: &[&str]) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_edxc"));
    c.arg("--root").arg(root).args(cmd).env_remove("EDXC_ROOT");
    if cmd.first() == Some(&"apply") {
        for (k, v) in [("warehouse", "wh"), ("result_store", "results.sqlite"), ("state", "state.sqlite")] {
            c.arg("--var").arg(format!("{k}={}", out.join(v).display()));
        }
    }
    let o = c.output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr)),
    )
}

/// Every file under `dir` with its bytes, but the run reports (`runs/`: what each run did, not data).
fn files(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p == dir.join("runs") {
                continue;
            }
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// Appends a check to the user_activity pipeline's course_activity transform.
fn add_check(root: &Path, check: &str) {
    let p = root.join("pipelines/user_activity.toml");
    let text = std::fs::read_to_string(&p).unwrap();
    let text = text.replacen(
        "[sinks.course_activity]",
        &format!("[[transforms.course_activity.checks]]\n{check}\n\n[sinks.course_activity]"),
        1,
    );
    std::fs::write(&p, text).unwrap();
}

#[test]
fn a_failing_check_fails_the_run_before_anything_is_published() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project_copy(tmp.path());
    let out = tmp.path().join("out");
    // An earlier good run: its warehouse, result store and state must survive the failing one byte for byte.
    let (code, text) = edxc(&root, &out, &["apply", "--pipeline", "enrollments"]);
    assert_eq!(code, 0, "{text}");
    let before = files(&out);
    add_check(&root, "type = \"unique\"\ncolumns = [\"course_id\"]");
    let junit = tmp.path().join("junit.xml");
    let (code, text) = edxc(&root, &out, &["apply", "--junit", &junit.display().to_string()]);
    assert_eq!(code, 1, "{text}");
    // Jenkins sees the failing check as a failing test case of its own, beside the passing ones.
    let xml = std::fs::read_to_string(&junit).unwrap();
    let case = xml.lines().find(|l| l.contains("course_activity dt=") && l.contains("unique (course_id)")).unwrap();
    assert!(case.contains("<failure"), "{case}");
    assert!(xml.contains("not_null (course_id, interval_start, interval_end, label)") && xml.contains(">passed<"));
    assert_eq!(files(&out), before, "a failing check changed the warehouse, result store or state");
    assert!(text.contains("data check(s) failed, nothing was published"), "{text}");
    assert!(text.contains("unique (course_id) failed") && text.contains("rows)"), "offending keys shown: {text}");
    assert!(!out.join("wh/course_activity").exists(), "nothing published");
}

#[test]
fn a_warning_check_only_reports() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project_copy(tmp.path());
    let out = tmp.path().join("out");
    add_check(&root, "type = \"row_count\"\nmax = 3\nseverity = \"warn\"");
    let (code, text) = edxc(&root, &out, &["apply", "--pipeline", "user_activity"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("row_count ..3 failed") && text.contains("[warn]"), "{text}");
    assert!(out.join("wh/course_activity").exists());
}

#[test]
fn a_check_on_an_unknown_column_is_a_validation_error() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project_copy(tmp.path());
    add_check(&root, "type = \"not_null\"\ncolumns = [\"no_such_column\"]");
    let (code, text) = edxc(&root, tmp.path(), &["validate"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("pipelines/user_activity.toml:") && text.contains("no_such_column"), "{text}");
    add_check(&root, "type = \"unique\"\ncolumn = \"label\"");
    let (code, text) = edxc(&root, tmp.path(), &["validate"]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("missing or extra settings"), "{text}");
}
