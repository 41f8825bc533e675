//! The run report (`<state dir>/runs/<run-id>.html`) as a person sees it: rendered by headless Chromium (Debian's
//! `chromium`, which scripts/test.sh installs), for a run that succeeded and for one a data check failed.

use std::path::{Path, PathBuf};
use std::process::Command;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `edxc apply`; returns (exit code, stdout, stdout + stderr).
fn apply(root: &Path, out: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_edxc"));
    c.arg("--root").arg(root).args(["apply", "--today", "2026-11-09"]).args(extra).env_remove("EDXC_ROOT");
    for (k, v) in [("warehouse", "wh"), ("result_store", "results.sqlite"), ("state", "state.sqlite")] {
        c.arg("--var").arg(format!("{k}={}", out.join(v).display()));
    }
    let o = c.output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout).to_string();
    let all = format!("{stdout}{}", String::from_utf8_lossy(&o.stderr));
    (o.status.code().unwrap_or(-1), stdout, all)
}

/// The page's DOM after Chromium loaded and laid it out.
fn rendered(page: &Path) -> String {
    let chromium = ["chromium", "chromium-browser"]
        .into_iter()
        .find(|c| Command::new(c).arg("--version").output().is_ok_and(|o| o.status.success()))
        .expect("Chromium is installed (scripts/test.sh installs Debian's chromium)");
    let o = Command::new(chromium)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    String::from_utf8(o.stdout).unwrap()
}

fn reports(out: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(out.join("runs")).unwrap().map(|e| e.unwrap().path()).collect();
    v.sort();
    v
}

/// The cells of the task table row of `node` (`<tr data-node=...>`), as text.
fn task_row(dom: &str, kind: &str, node: &str) -> Vec<String> {
    dom.split("<tr data-node=\"")
        .skip(1)
        .filter(|r| r.starts_with(&format!("{node}\"")))
        .map(|r| r.split("</tr>").next().unwrap_or_default())
        .map(|r| {
            r.split("<td")
                .skip(1)
                .map(|c| c.split_once('>').map(|x| x.1).unwrap_or("").split("</td>").next().unwrap_or("").to_string())
                .collect::<Vec<_>>()
        })
        .find(|cells| cells.get(1).is_some_and(|k| k == kind))
        .unwrap_or_else(|| panic!("no {kind} row for {node}"))
}

#[test]
fn the_report_shows_the_lineage_each_task_and_the_checks() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("out");
    let (code, stdout, text) = apply(&repo(), &out, &["--format", "json"]);
    assert_eq!(code, 0, "{text}");
    let json: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let page = reports(&out).pop().expect("a report");
    assert_eq!(page.file_stem().unwrap().to_str(), json["run_id"].as_str());
    let dom = rendered(&page);
    assert!(dom.contains("id=\"outcome\" class=\"succeeded\">succeeded<"), "outcome shown");
    // Every task the run reported is a row with its rows, and a box of the lineage drawing.
    let tasks = json["tasks"].as_array().unwrap();
    assert!(tasks.len() > 10);
    for t in tasks {
        let (kind, node) = (t["kind"].as_str().unwrap(), t["node"].as_str().unwrap());
        let row = task_row(&dom, kind, node);
        assert_eq!(row[4], t["rows"].to_string(), "{kind} {node}: {row:?}");
        assert!(row[3].starts_with("ran"), "{row:?}");
    }
    assert_eq!(dom.matches("<g class=\"node\"").count(), tasks.len(), "one lineage box per task");
    // Every task but those that read no other task (imports, maps, natives) has an arrow from each task it reads.
    let roots = tasks.iter().filter(|t| ["import", "map", "native"].contains(&t["kind"].as_str().unwrap())).count();
    assert!(dom.matches("<line ").count() >= tasks.len() - roots, "arrows between the boxes");
    // The mapper's counters and every check, passed.
    assert!(dom.contains(&format!("<td>lines</td><td class=\"n\">{}</td>", json["counters"]["lines"])), "counters");
    let checks = json["checks"].as_array().unwrap();
    assert_eq!(dom.matches(">passed<").count(), checks.len());

    // The next apply has nothing to do and writes no report; a failing check's run does, and shows it.
    let (code, _, text) = apply(&repo(), &out, &[]);
    assert_eq!(code, 0, "{text}");
    assert_eq!(reports(&out).len(), 1, "{text}");
    let root = tmp.path().join("project");
    std::fs::create_dir_all(&root).unwrap();
    for sub in ["pipelines", "templates", "target-profiles", "sample-data"] {
        assert!(Command::new("cp").arg("-r").arg(repo().join(sub)).arg(root.join(sub)).status().unwrap().success());
    }
    let p = root.join("pipelines/user_activity.toml");
    let toml = std::fs::read_to_string(&p).unwrap().replacen(
        "[sinks.course_activity]",
        "[[transforms.course_activity.checks]]\ntype = \"unique\"\ncolumns = [\"course_id\"]\n\n[sinks.course_activity]",
        1,
    );
    std::fs::write(&p, toml).unwrap();
    let (code, _, text) = apply(&root, &out, &[]);
    assert_eq!(code, 1, "{text}");
    let page = reports(&out)
        .into_iter()
        .find(|p| rendered(p).contains("class=\"failed\">failed<"))
        .expect("a failed run's report");
    let dom = rendered(&page);
    assert!(dom.contains("data check(s) failed, nothing was published"), "the error");
    let failed = dom.split("<tr>").find(|r| r.contains("unique (course_id)")).expect("the failing check's row");
    assert!(failed.contains("class=\"failed\">failed<") && failed.contains("course_activity"), "{failed}");
    // Tasks that did not run because they were up to date, and the loads the failure stopped, are told apart.
    // (The copied logs are other files to the state: the map and what it feeds ran.)
    assert_eq!(task_row(&dom, "sql", "course_activity")[3], "ran (upstream runs)");
    assert_eq!(task_row(&dom, "native", "calendar")[3], "up to date");
    assert_eq!(task_row(&dom, "load", "course_activity")[3], "not completed");
}
