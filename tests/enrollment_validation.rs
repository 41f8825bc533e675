//! The enrollment validation workflow through `edxc apply` (docs/contract.md §3.15), beyond its conformance
//! scenario: its files are published with the run or not at all, reruns, `tuple_output`, the
//! original's `credentials` meaning the LMS, and damaged validation files.

mod common;
use common::{render_template, repo};
use std::path::{Path, PathBuf};

/// The run date pinned for these runs; the logs start six days before.
const TODAY: &str = "2026-03-07";
const START: &str = "2026-03-01";
/// The day of the one synthetic event the logs alone give: user 2's mode change after its activation of START + 2.
const MODE_CHANGE_DAY: &str = "20260303";

/// A world: the scenario's tracking log rendered for START, the scenario's LMS export, a scratch warehouse.
struct World {
    dir: tempfile::TempDir,
}

impl World {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let text = std::fs::read_to_string(
            repo().join("tests/conformance/fixtures/enrollment_validation_trends_tracking.log.j2"),
        )
        .unwrap();
        let start = chrono::NaiveDate::parse_from_str(START, "%Y-%m-%d").unwrap();
        let log = dir.path().join("tracking.log-20260301");
        std::fs::write(&log, render_template(&text, start)).unwrap();
        common::gzip_to(&log, &dir.path().join("logs/tracking.log-20260301.gz"));
        std::fs::remove_file(&log).unwrap();
        World { dir }
    }

    fn path(&self, rel: &str) -> PathBuf {
        self.dir.path().join(rel)
    }

    /// `edxc apply` of the workflow with the original's parameters plus `extra`; `env`: extra environment. Returns
    /// the exit code, stdout and stderr.
    fn run(&self, extra: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
        let creds = self.path("import-credentials.json");
        let lms = repo().join("tests/fixtures/lms/enrollment_validation");
        std::fs::write(&creds, serde_json::json!({ "url": lms.display().to_string() }).to_string()).unwrap();
        let mut args: Vec<String> = vec!["apply".into(), "--auto-approve".into(), "--pipeline".into()];
        args.push("EnrollmentValidationWorkflow".into());
        for (k, v) in [
            ("tracking_logs", self.path("logs")),
            ("warehouse", self.path("wh")),
            ("result_store", self.path("results.sqlite")),
            ("state", self.path("state.sqlite")),
            ("lms", PathBuf::from("/nonexistent")),
        ] {
            args.extend(["--var".into(), format!("{k}={}", v.display())]);
        }
        for p in [
            format!("credentials={}", creds.display()),
            format!("interval={START}-{TODAY}"),
            "generate_before=true".into(),
            format!("validation_root={}", self.path("validate").display()),
            format!("output_root={}", self.path("out").display()),
        ] {
            args.extend(["--param".into(), p]);
        }
        args.extend(["--today".into(), TODAY.into()]);
        args.extend(extra.iter().map(|s| s.to_string()));
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_edxc"))
            .arg("--root")
            .arg(repo())
            .args(&args)
            .env_remove("EDXC_ROOT")
            .env_remove("EDXC_FAILPOINT")
            .envs(env.iter().copied())
            .output()
            .unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap_or(-1), stdout.into(), stderr.into())
    }

    /// [`World::run`] with stdout and stderr together.
    fn apply(&self, extra: &[&str], env: &[(&str, &str)]) -> (i32, String) {
        let (code, out, err) = self.run(extra, env);
        (code, format!("{out}{err}"))
    }

    /// Every file under `rel` (relative paths), hidden ones included.
    fn files(&self, rel: &str) -> Vec<String> {
        let dir = self.path(rel);
        if !dir.exists() {
            return vec![];
        }
        common::file_tree(&dir).keys().map(|p| p.display().to_string()).collect()
    }
}

fn gunzip(p: &Path) -> String {
    let mut text = String::new();
    std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(std::fs::File::open(p).unwrap()), &mut text)
        .unwrap();
    text
}

#[test]
fn a_failed_run_publishes_no_file_and_a_good_one_publishes_them_all() {
    let w = World::new();
    for point in ["commit", "publish", "swap:files"] {
        let (code, out) = w.apply(&[], &[("EDXC_FAILPOINT", &format!("{point}=fail"))]);
        assert_ne!(code, 0, "{point}: {out}");
        assert!(w.files("out").is_empty(), "{point}: {:?}", w.files("out"));
        assert!(w.files("validate").is_empty(), "{point}: {:?}", w.files("validate"));
    }
    let (code, out) = w.apply(&[], &[]);
    assert_eq!(code, 0, "{out}");
    // The one synthetic event of the logs alone (a mode change of user 2), and one validation file per course.
    assert_eq!(w.files("out"), vec![format!("synthetic_enroll.log-{MODE_CHANGE_DAY}.gz")]);
    let validated = w.files("validate");
    assert_eq!(validated.len(), 3, "{validated:?}");
    assert!(validated.contains(&format!("{TODAY}/_SUCCESS")), "{validated:?}");
    let demo = w.path("validate").join(validated.iter().find(|f| f.contains("demo_course_enroll")).unwrap());
    assert_eq!(gunzip(&demo).lines().count(), 6);
}

#[test]
fn a_rerun_has_nothing_to_do_a_forced_one_replaces_its_files_and_the_snapshot_is_validated_once() {
    let w = World::new();
    assert_eq!(w.apply(&[], &[]).0, 0);
    let name = format!("synthetic_enroll.log-{MODE_CHANGE_DAY}.gz");
    std::fs::write(w.path("out").join(&name), "stale").unwrap();
    std::fs::write(w.path("out").join("notes.txt"), "mine").unwrap();
    let validated: Vec<(String, Vec<u8>)> = w
        .files("validate")
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(w.path("validate").join(&f)).unwrap()))
        .collect();
    // The snapshot's events are dated when it was taken (now), outside the interval: the logs read are the same.
    let (code, out) = w.apply(&[], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("No changes"), "{out}");
    assert_eq!(std::fs::read_to_string(w.path("out").join(&name)).unwrap(), "stale");
    // Forced, every task runs: the file is written again, the snapshot is taken again but its events are not.
    let (code, out) = w.apply(&["--force"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(gunzip(&w.path("out").join(&name)).contains("activate => deactivate (audit=>honor)"));
    assert_eq!(std::fs::read_to_string(w.path("out").join("notes.txt")).unwrap(), "mine");
    for (f, bytes) in validated {
        assert_eq!(std::fs::read(w.path("validate").join(&f)).unwrap(), bytes, "{f} made again");
    }
    assert!(w.files("out").iter().all(|f| !f.starts_with('.')), "{:?}", w.files("out"));
}

#[test]
fn tuple_output_writes_tsv_files() {
    let w = World::new();
    let (code, out) = w.apply(&["--param", "tuple_output=true"], &[]);
    assert_eq!(code, 0, "{out}");
    let name = format!("synthetic_enroll-{MODE_CHANGE_DAY}.tsv.gz");
    assert_eq!(w.files("out"), vec![name.clone()]);
    let line = gunzip(&w.path("out").join(&name));
    let fields: Vec<&str> = line.trim_end().split('\t').collect();
    assert_eq!(fields.len(), 8, "{line}");
    assert_eq!(&fields[..2], ["edX/Open_DemoX/edx_demo_course", "2"]);
    assert_eq!(fields[3], "edx.course.enrollment.mode_changed");
    assert_eq!(fields[5], "activate => deactivate (audit=>honor)");
}

#[test]
fn credentials_name_the_lms_here_and_a_mixed_selection_is_refused() {
    let w = World::new();
    // With the enrollments pipeline too, `credentials` would mean two databases.
    let (code, out) = w.apply(&["--pipeline", "enrollments"], &[]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("--param credentials means different things"), "{out}");
    // An unknown LMS (the credentials file names none that exists) fails the run before anything is written.
    std::fs::create_dir_all(w.path("nolms")).unwrap();
    let bad = w.path("bad-credentials.json");
    std::fs::write(&bad, serde_json::json!({ "url": w.path("nolms").display().to_string() }).to_string()).unwrap();
    let (code, out) = w.apply(&["--param", &format!("credentials={}", bad.display())], &[]);
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("student_courseenrollment"), "{out}");
    assert!(w.files("out").is_empty() && w.files("validate").is_empty());
}

#[test]
fn damaged_validation_files_are_counted_not_fatal() {
    let w = World::new();
    let dir = w.path(&format!("validate/{START}"));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("x_enroll_validated_20260301.log.gz"), b"not gzip at all").unwrap();
    let (code, out, err) = w.run(&["--format", "json"], &[]);
    assert_eq!(code, 0, "{err}");
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let damaged = doc["damaged_files"].as_array().unwrap();
    assert_eq!(damaged.len(), 1, "{doc}");
    assert!(damaged[0]["path"].as_str().unwrap().ends_with("x_enroll_validated_20260301.log.gz"));
}
