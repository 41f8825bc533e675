//! `edxc plan` changes nothing anywhere, says what a run would create, and shows a reviewable diff of every artifact
//! a change of a template alters against the one recorded at the last apply.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `edxc <cmd>` on project `root` with outputs under `tmp`; returns (exit code, stdout + stderr).
fn edxc(root: &Path, tmp: &Path, cmd: &[&str]) -> (i32, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_edxc"));
    c.arg("--root").arg(root).args(cmd).args(["--today", "2026-11-10"]).env_remove("EDXC_ROOT");
    for (k, v) in [("warehouse", "wh"), ("result_store", "results.sqlite"), ("state", "state.sqlite")] {
        c.arg("--var").arg(format!("{k}={}", tmp.join(v).display()));
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    )
}

/// Every file under `dir` with its bytes.
fn files(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.clone(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

/// A copy of the project's pipelines, templates, profiles and sample data (so a test may edit a template).
fn project_copy(dir: &Path) -> PathBuf {
    let root = dir.join("project");
    std::fs::create_dir_all(&root).unwrap();
    for sub in ["pipelines", "templates", "target-profiles", "sample-data"] {
        let status = Command::new("cp").arg("-r").arg(repo().join(sub)).arg(root.join(sub)).status().unwrap();
        assert!(status.success(), "copying {sub}");
    }
    root
}

#[test]
fn plan_changes_nothing_and_shows_what_an_apply_would_do() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    // Before any apply: everything is to create, and planning creates nothing.
    let (code, text) = edxc(&repo(), &out, &["plan", "--detailed-exitcode"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("course_activity") && text.contains("to create"), "{text}");
    assert!(!out.exists(), "plan created {}", out.display());

    let (code, text) = edxc(&repo(), &out, &["apply"]);
    assert_eq!(code, 0, "{text}");
    let before = files(&out);
    let (code, text) = edxc(&repo(), &out, &["plan", "--detailed-exitcode"]);
    assert_eq!(code, 0, "right after an apply there is nothing to change:\n{text}");
    assert!(text.contains("No changes"), "{text}");
    let (code, text) = edxc(&repo(), &out, &["plan", "--format", "json"]);
    assert_eq!(code, 0, "{text}");
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(doc["changes"], false);
    assert_eq!(files(&out), before, "plan changed a file");
}

#[test]
fn a_changed_template_shows_as_a_diff_and_its_partitions_as_changed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project_copy(tmp.path());
    let out = tmp.path().join("out");
    let (code, text) = edxc(&root, &out, &["apply", "--pipeline", "enrollments"]);
    assert_eq!(code, 0, "{text}");
    let sql = root.join("templates/sql/enrollments/course_enrollment_daily.sql");
    let body = std::fs::read_to_string(&sql).unwrap();
    std::fs::write(&sql, body.replace("GROUP BY ce.course_id, ce.`date`", "GROUP BY ce.`date`, ce.course_id")).unwrap();
    let before = files(&out);
    let (code, text) =
        edxc(&root, &out, &["plan", "--pipeline", "enrollments", "--format", "markdown", "--detailed-exitcode"]);
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("```diff") && text.contains("+GROUP BY ce.`date`, ce.course_id"), "{text}");
    assert!(text.contains("-GROUP BY ce.course_id, ce.`date`"), "{text}");
    assert!(text.contains("| enrollments | `course_enrollment_daily` | 1 changed |"), "{text}");
    let saved = tmp.path().join("plan.json");
    let (code, _) = edxc(&root, &out, &["plan", "--pipeline", "enrollments", "-o", saved.to_str().unwrap()]);
    assert_eq!(code, 0);
    let doc: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&saved).unwrap()).unwrap();
    assert_eq!(doc["changes"], true);
    assert_eq!(files(&out), before, "plan changed a file");
}

/// `edxc apply PLAN`: no other selection options (the plan holds them).
fn apply_saved(root: &Path, plan: &Path) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_edxc"))
        .arg("--root")
        .arg(root)
        .arg("apply")
        .arg(plan)
        .env_remove("EDXC_ROOT")
        .env_remove("EDXC_TODAY")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
    )
}

#[test]
fn a_saved_plan_runs_as_planned_and_is_refused_once_stale() {
    let tmp = tempfile::tempdir().unwrap();
    let root = project_copy(tmp.path());
    let out = tmp.path().join("out");
    let (p1, p2) = (tmp.path().join("p1.json"), tmp.path().join("p2.json"));
    let (code, text) = edxc(&root, &out, &["plan", "--pipeline", "user_activity", "-o", p1.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = edxc(&root, &out, &["plan", "--pipeline", "user_activity", "-o", p2.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    let (code, text) = apply_saved(&root, &p1);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("course_activity") && !text.contains("enrollment"), "ran the planned pipeline only: {text}");
    assert!(out.join("results.sqlite").exists());
    // p2 was made before p1 was applied: the state has changed since.
    let (code, text) = apply_saved(&root, &p2);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("the state changed since the plan"), "{text}");
    // A template edited after planning.
    let (code, text) = edxc(&root, &out, &["plan", "--pipeline", "user_activity", "-o", p2.to_str().unwrap()]);
    assert_eq!(code, 0, "{text}");
    let sql = root.join("templates/sql/user_activity/course_activity.sql");
    let body = std::fs::read_to_string(&sql).unwrap();
    std::fs::write(&sql, format!("-- edited\n{body}")).unwrap();
    let (code, text) = apply_saved(&root, &p2);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("changed since the plan") && text.contains("make a new plan"), "{text}");
}
