//! Fault injection: a run that fails at any step — no input, bad input past the threshold, a failing task, a
//! failing result-store load, a failure or SIGKILL while publishing — leaves the warehouse, the result store and
//! the run state exactly as they were; the next run settles what a killed run left behind.
//!
//! Failures are injected with `EDXC_FAILPOINT=<point>=fail|pause` (see `src/failpoint.rs`).

mod common;
use common::{repo, TestDb};
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// The run date every run here uses, so the auth_userprofile partition does not depend on the clock.
const TODAY: &str = "2026-11-10";

struct World {
    dir: tempfile::TempDir,
    result_store: String,
    /// Runs after the first pass `--force`: a rerun would find every output up to date and run nothing.
    force: std::cell::Cell<bool>,
}

impl World {
    fn sqlite() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let result_store = format!("sqlite:{}", dir.path().join("results.sqlite").display());
        Self { dir, result_store, force: std::cell::Cell::new(false) }
    }

    fn warehouse(&self) -> PathBuf {
        self.dir.path().join("wh")
    }

    fn command(&self, extra: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_edxc"));
        cmd.arg("--root").arg(repo()).arg("apply").arg("--auto-approve").args(["--today", TODAY]);
        if self.force.get() {
            cmd.arg("--force");
        }
        let vars = [
            ("warehouse", self.warehouse().display().to_string()),
            ("result_store", self.result_store.clone()),
            ("state", self.dir.path().join("state.sqlite").display().to_string()),
        ];
        for (k, v) in vars {
            cmd.arg("--var").arg(format!("{k}={v}"));
        }
        cmd.args(extra).env_remove("EDXC_ROOT").env_remove("EDXC_FAILPOINT");
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs `edxc apply`; returns (exit code, stdout + stderr).
    fn apply(&self, extra: &[&str], env: &[(&str, &str)]) -> (i32, String) {
        let out = self.command(extra, env).output().expect("edxc runs");
        let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        (out.status.code().unwrap_or(-1), text)
    }

    fn apply_ok(&self, extra: &[&str]) {
        let (code, out) = self.apply(extra, &[]);
        assert_eq!(code, 0, "{out}");
    }

    /// Everything a run may change: warehouse files (outside the staging area) with their bytes, every table of
    /// the result store and of the state store.
    fn snapshot(&self) -> BTreeMap<String, String> {
        let mut snap = BTreeMap::new();
        let wh = self.warehouse();
        let mut stack = vec![wh.clone()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).into_iter().flatten().flatten() {
                let p = e.path();
                // The staging area and the lock of a killed run are settled by the next run, not data.
                if p.file_name().is_some_and(|n| n == ".staging" || n == ".edxc-lock") {
                    continue;
                }
                if p.is_dir() {
                    stack.push(p);
                } else {
                    let rel = p.strip_prefix(&wh).unwrap().display().to_string();
                    snap.insert(format!("wh:{rel}"), String::from_utf8_lossy(&std::fs::read(&p).unwrap()).into());
                }
            }
        }
        for (name, rows) in dump(&self.result_store) {
            snap.insert(format!("rs:{name}"), rows);
        }
        let state = format!("sqlite:{}", self.dir.path().join("state.sqlite").display());
        for (name, rows) in dump(&state) {
            snap.insert(format!("state:{name}"), rows);
        }
        snap
    }
}

/// Every table of a result store (or state store), each as its sorted rows.
fn dump(url: &str) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    if let Some(path) = url.strip_prefix("sqlite:") {
        if !Path::new(path).exists() {
            return out;
        }
    }
    let mut store = edxc::sinks::result_store::open(url).expect("store opens");
    let tables_sql = if url.starts_with("mysql://") {
        "SELECT table_name FROM information_schema.tables WHERE table_schema = DATABASE()"
    } else {
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
    };
    for t in store.query(tables_sql).unwrap() {
        let name = t[0].clone().unwrap();
        let mut rows: Vec<String> =
            store.query(&format!("SELECT * FROM {name}")).unwrap().iter().map(|r| format!("{r:?}")).collect();
        rows.sort();
        out.insert(name, rows.join("\n"));
    }
    out
}

fn assert_same(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>, what: &str) {
    let keys: std::collections::BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let changed: Vec<&&String> = keys.iter().filter(|k| before.get(**k) != after.get(**k)).collect();
    assert!(changed.is_empty(), "{what}: changed {changed:?}");
}

/// A world after one successful run on the shipped sample data.
fn loaded() -> (World, BTreeMap<String, String>) {
    let w = World::sqlite();
    w.apply_ok(&[]);
    w.force.set(true);
    let snap = w.snapshot();
    assert!(snap.keys().any(|k| k.starts_with("wh:course_enrollment_events/")), "{:?}", snap.keys());
    assert!(snap.get("rs:course_activity").is_some_and(|r| !r.is_empty()));
    assert!(snap.get("state:partitions").is_some_and(|r| !r.is_empty()));
    (w, snap)
}

#[test]
fn a_log_share_that_did_not_mount_changes_nothing() {
    let (w, before) = loaded();
    let empty = w.dir.path().join("empty-logs");
    std::fs::create_dir_all(&empty).unwrap();
    let var = format!("tracking_logs={}", empty.display());
    let (code, out) = w.apply(&["--var", &var], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("no tracking-log file") && out.contains("--allow-empty"), "{out}");
    assert_same(&before, &w.snapshot(), "empty log directory");

    // Files are there but hold no events for the days earlier runs found events on.
    std::fs::write(empty.join("tracking.log-20261101"), "{\"event_type\": \"page_view\"}\n").unwrap();
    let (code, out) = w.apply(&["--var", &var], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("found no events") && out.contains("earlier runs wrote"), "{out}");
    assert_same(&before, &w.snapshot(), "logs without events");

    // Asked for: the run replaces the days with nothing.
    let (code, out) = w.apply(&["--var", &var, "--allow-empty"], &[]);
    assert_eq!(code, 0, "{out}");
    assert_ne!(before, w.snapshot());
}

#[test]
fn bad_input_past_the_threshold_changes_nothing() {
    let (w, before) = loaded();
    let (code, out) = w.apply(&["--max-bad-ratio", "0.001"], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("max_bad_ratio"), "{out}");
    assert_same(&before, &w.snapshot(), "bad-record threshold");
    let (code, out) = w.apply(&["--max-bad-ratio", "2"], &[]);
    assert_eq!(code, 2, "a ratio above 1 is a usage error: {out}");
}

#[test]
fn a_failure_at_any_step_before_the_commit_changes_nothing() {
    let (w, before) = loaded();
    for point in [
        "task:course_enrollment_events",
        "stage:course_enrollment",
        // A counted map partition, staged while the threads merging the other partitions run.
        "stage:user_activity_by_user",
        // Making a sorted copy's run, on one of the threads merging the partitions.
        "copy:user_activity_by_user",
        // Making the sorted copy of a reducer's output that SQL transforms read, on a worker thread.
        "copy:course_enrollment",
        "task:course_enrollment_daily",
        "task:course_activity",
        "load:course_enrollment_daily",
        "load:course_activity",
        "commit",
        "publish",
        "swap:course_enrollment_events",
        "swap:user_activity_by_user",
    ] {
        let (code, out) = w.apply(&[], &[("EDXC_FAILPOINT", &format!("{point}=fail"))]);
        assert_eq!(code, 1, "{point}: {out}");
        assert!(out.contains(&format!("failpoint {point}")), "{point}: {out}");
        assert_same(&before, &w.snapshot(), point);
        assert!(!w.warehouse().join(".staging").exists(), "{point}: staging area left behind");
    }
}

/// Result-store sinks load as soon as the table they read is final, while other transforms still compute: a
/// failure after such a load (here the last transform, once the enrollment tables are loaded) rolls it back too.
#[test]
fn a_failure_after_some_tables_loaded_rolls_them_back() {
    let (w, before) = loaded();
    let (code, out) = w.apply(&["--jobs", "1"], &[("EDXC_FAILPOINT", "task:course_activity=fail")]);
    assert_eq!(code, 1, "{out}");
    let at = |needle: &str| out.find(needle).unwrap_or_else(|| panic!("no `{needle}` in: {out}"));
    let loaded_early =
        out.lines().find(|l| l.trim_start().starts_with("load") && l.contains("course_enrollment_daily"));
    let loaded_early = loaded_early.unwrap_or_else(|| panic!("no early load in: {out}"));
    assert!(at(loaded_early) < at("failpoint task:course_activity"), "{out}");
    assert_same(&before, &w.snapshot(), "failure after early loads");
}

/// The map's counted rows spill to `$TMPDIR` past `EDXC_MAP_MEMORY`: a spill that cannot be written fails the run
/// and changes nothing, and so does a failure while the spilled partitions merge; a run that spills leaves no file
/// behind and gives the same warehouse.
#[test]
fn a_map_spill_that_cannot_be_written_changes_nothing() {
    let (w, before) = loaded();
    let blocked = w.dir.path().join("not-a-directory");
    std::fs::write(&blocked, b"").unwrap();
    let env = [("EDXC_MAP_MEMORY", "8K"), ("TMPDIR", blocked.to_str().unwrap())];
    let (code, out) = w.apply(&[], &env);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("cannot count the map's rows") && out.contains("cannot create"), "{out}");
    assert_same(&before, &w.snapshot(), "spill failure");
    let tmp = w.dir.path().join("tmp");
    std::fs::create_dir_all(&tmp).unwrap();
    // Spilled, then a failure while the partitions merge (each reading its part of every run file, two at once).
    let failing = [
        ("EDXC_MAP_MEMORY", "8K"),
        ("TMPDIR", tmp.to_str().unwrap()),
        ("EDXC_FAILPOINT", "copy:user_activity_by_user=fail"),
    ];
    let (code, out) = w.apply(&[], &failing);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("failpoint copy:user_activity_by_user"), "{out}");
    assert_same(&before, &w.snapshot(), "failure in a spilled merge");
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "spill files left in {}", tmp.display());
    let (code, out) = w.apply(&[], &[("EDXC_MAP_MEMORY", "8K"), ("TMPDIR", tmp.to_str().unwrap())]);
    assert_eq!(code, 0, "{out}");
    assert_eq!(std::fs::read_dir(&tmp).unwrap().count(), 0, "spill files left in {}", tmp.display());
    let after = w.snapshot();
    let wh = |s: &BTreeMap<String, String>| -> BTreeMap<String, String> {
        s.iter()
            .filter(|(k, _)| k.starts_with("wh:") && !k.ends_with("_metadata"))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    assert_eq!(wh(&before), wh(&after), "a run that spilled wrote other bytes");
}

#[test]
fn a_failing_result_store_load_rolls_back_every_table() {
    let (w, before) = loaded();
    // Break course_activity's table so its load fails: every table loaded before it is rolled back too.
    let path = w.result_store.strip_prefix("sqlite:").unwrap();
    let db = rusqlite::Connection::open(path).unwrap();
    db.execute_batch("ALTER TABLE course_activity RENAME COLUMN label TO label_renamed").unwrap();
    drop(db);
    let before = {
        let mut b = before;
        b.extend(dump(&w.result_store).into_iter().map(|(k, v)| (format!("rs:{k}"), v)));
        b
    };
    let (code, out) = w.apply(&[], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("course_activity"), "{out}");
    assert_same(&before, &w.snapshot(), "failing load");
}

#[test]
fn a_failing_mariadb_load_rolls_back_every_table_and_drops_new_ones() {
    let db = TestDb::new("fault");
    let tmp = tempfile::tempdir().unwrap();
    let w = World { dir: tmp, result_store: db.url.clone(), force: std::cell::Cell::new(false) };
    // A fresh database: the failure at the last table leaves no table behind.
    let (code, out) = w.apply(&[], &[("EDXC_FAILPOINT", "load:course_activity=fail")]);
    assert_eq!(code, 1, "{out}");
    assert!(dump(&db.url).is_empty(), "tables left: {:?}", dump(&db.url).keys());
    w.apply_ok(&[]);
    w.force.set(true);
    let before = w.snapshot();
    let mut conn = db.conn();
    mysql::prelude::Queryable::query_drop(&mut conn, "ALTER TABLE course_activity DROP COLUMN label").unwrap();
    let before = {
        let mut b = before;
        b.extend(dump(&w.result_store).into_iter().map(|(k, v)| (format!("rs:{k}"), v)));
        b
    };
    let (code, out) = w.apply(&[], &[]);
    assert_eq!(code, 1, "{out}");
    assert_same(&before, &w.snapshot(), "failing MariaDB load");
}

/// Starts `edxc apply` paused at `point`, kills it with SIGKILL once it got there.
fn kill_at(w: &World, point: &str) {
    let mut child = w
        .command(&[], &[("EDXC_FAILPOINT", &format!("{point}=pause"))])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("edxc starts");
    let stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("paused at failpoint") {
            break;
        }
    }
    assert!(seen.contains(&format!("paused at failpoint {point}")), "{point}: {seen}");
    child.kill().unwrap();
    child.wait().unwrap();
}

#[test]
fn sigkill_before_the_commit_is_undone_by_the_next_run() {
    let (w, before) = loaded();
    for point in ["task:course_activity", "load:course_activity", "swap:user_activity_by_user"] {
        kill_at(&w, point);
        // The next run settles the killed one first; here it then fails at once, so nothing new is written.
        let (code, out) = w.apply(&[], &[("EDXC_FAILPOINT", "task:auth_userprofile=fail")]);
        assert_eq!(code, 1, "{point}: {out}");
        assert_same(&before, &w.snapshot(), point);
        assert!(!w.warehouse().join(".staging").exists(), "{point}");
    }
}

#[test]
fn a_run_killed_after_its_commit_is_recorded_by_the_next_one() {
    let (w, _) = loaded();
    let fresh = World::sqlite();
    fresh.apply_ok(&[]);
    for point in ["state", "finish"] {
        kill_at(&w, point);
        let (code, out) = w.apply(&[], &[]);
        assert_eq!(code, 0, "{point}: {out}");
        assert!(out.contains("had committed before it was interrupted"), "{point}: {out}");
        let runs = dump(&format!("sqlite:{}", w.dir.path().join("state.sqlite").display()));
        assert_eq!(runs["runs"].lines().count(), if point == "state" { 3 } else { 5 }, "{point}");
        // Same data as a run that was never interrupted.
        for sql in [
            "SELECT course_id, date, count, cumulative_count FROM course_enrollment_daily ORDER BY course_id, date",
            "SELECT course_id, interval_start, label, count FROM course_activity ORDER BY course_id, interval_start, label",
        ] {
            let rows = |url: &str| edxc::sinks::result_store::open(url).unwrap().query(sql).unwrap();
            assert_eq!(rows(&w.result_store), rows(&fresh.result_store), "{point}: {sql}");
        }
    }
}

/// Starts `edxc apply` paused at `point` and returns it once it got there (the caller kills it).
fn paused_at(w: &World, point: &str) -> std::process::Child {
    let mut child = w
        .command(&[], &[("EDXC_FAILPOINT", &format!("{point}=pause"))])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("edxc starts");
    let stderr = child.stderr.take().unwrap();
    for line in BufReader::new(stderr).lines() {
        if line.unwrap().contains("paused at failpoint") {
            break;
        }
    }
    child
}

fn state_cmd(w: &World, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_edxc"))
        .arg("--root")
        .arg(repo())
        .arg("state")
        .args(args)
        .arg("--var")
        .arg(format!("warehouse={}", w.warehouse().display()))
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.code().unwrap_or(-1), text)
}

#[test]
fn a_second_run_fails_at_once_naming_the_holder_and_a_dead_holder_is_detected() {
    let (w, before) = loaded();
    let mut first = paused_at(&w, "task:course_activity");
    let started = std::time::Instant::now();
    let (code, out) = w.apply(&[], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("another edxc run holds the warehouse") && out.contains("edxc state unlock"), "{out}");
    assert!(out.contains(&format!("pid {}", first.id())), "the holder is named: {out}");
    assert!(started.elapsed().as_secs() < 10, "it does not wait");
    let (code, text) = state_cmd(&w, &["lock"]);
    assert_eq!(code, 0);
    assert!(text.contains("is locked by run"), "{text}");
    first.kill().unwrap();
    first.wait().unwrap();
    assert_same(&before, &w.snapshot(), "a run killed while holding the lock");
    let (code, out) = w.apply(&[], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("took over the lock") && out.contains("whose process is gone"), "{out}");
    assert!(out.contains("discarded the unpublished outputs"), "{out}");
    let (_, text) = state_cmd(&w, &["lock"]);
    assert!(text.contains("is not locked"), "released after the run: {text}");
}

#[test]
fn a_lock_held_on_another_host_is_released_by_unlock() {
    let (w, _) = loaded();
    let lock = serde_json::json!({"run_id": "20261101T000000-42", "host": "batch-7", "pid": 42, "since": "2026-11-01 00:00:00"});
    std::fs::write(w.warehouse().join(".edxc-lock"), lock.to_string()).unwrap();
    let (code, out) = w.apply(&[], &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("run 20261101T000000-42 (host batch-7, pid 42"), "{out}");
    let (code, text) = state_cmd(&w, &["unlock", "someone-else"]);
    assert_eq!(code, 1, "{text}");
    let (code, text) = state_cmd(&w, &["unlock", "20261101T000000-42"]);
    assert_eq!(code, 0, "{text}");
    w.apply_ok(&[]);
}

/// Starts `edxc apply ARGS` paused at `point`, kills it with SIGKILL once it got there.
fn kill_with_args_at(w: &World, args: &[&str], point: &str) {
    let mut child = w
        .command(args, &[("EDXC_FAILPOINT", &format!("{point}=pause"))])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("edxc starts");
    let stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        seen.push_str(&line);
        seen.push('\n');
        if line.contains("paused at failpoint") {
            break;
        }
    }
    assert!(seen.contains(&format!("paused at failpoint {point}")), "{point}: {seen}");
    child.kill().unwrap();
    child.wait().unwrap();
}

/// A csv sink's files are published with the run's partitions: a run that fails at any step, or is killed, before
/// its commit leaves the reports already there byte for byte as they were (no temporary file left beside them),
/// and the next successful run replaces them.
#[test]
fn a_failing_run_leaves_existing_csv_reports_unchanged() {
    let w = World::sqlite();
    let out = w.dir.path().join("reports");
    let param = format!("output_root={}", out.display());
    let args = ["--pipeline", "answer_distribution", "--param", param.as_str()];
    w.apply_ok(&args);
    let fresh = common::file_tree(&out);
    assert!(fresh.len() > 1, "one report per course: {:?}", fresh.keys());
    // Reports an earlier run left, which a run that published would replace.
    for name in fresh.keys() {
        std::fs::write(out.join(name), "an earlier report\r\n").unwrap();
    }
    std::fs::write(out.join("notes.txt"), "not a report").unwrap();
    let reports = common::file_tree(&out);
    let before = w.snapshot();
    // Everything is up to date after the first run: the runs below are forced, so that each one runs and fails.
    let args = [&args[..], &["--force"]].concat();
    for point in [
        "task:answer_distribution_per_course",
        "csv:answer_distribution_csv",
        "load:answer_distribution",
        "commit",
        "publish",
        "swap:answer_distribution_per_course",
        "swap:files",
    ] {
        let (code, text) = w.apply(&args, &[("EDXC_FAILPOINT", &format!("{point}=fail"))]);
        assert_eq!(code, 1, "{point}: {text}");
        assert!(text.contains(&format!("failpoint {point}")), "{point}: {text}");
        assert_eq!(common::file_tree(&out), reports, "{point}: the reports changed");
        assert_same(&before, &w.snapshot(), point);
    }
    for point in ["csv:answer_distribution_csv", "load:answer_distribution", "swap:files"] {
        kill_with_args_at(&w, &args, point);
        // The next run settles the killed one first (its temporary files go, a half publish is undone), then fails.
        let (code, text) = w.apply(&args, &[("EDXC_FAILPOINT", "task:problem_check_events=fail")]);
        assert_eq!(code, 1, "{point}: {text}");
        assert_eq!(common::file_tree(&out), reports, "{point}: the reports changed");
        assert_same(&before, &w.snapshot(), point);
    }
    w.apply_ok(&args);
    let now = common::file_tree(&out);
    assert_eq!(now.get(std::path::Path::new("notes.txt")).map(Vec::as_slice), Some(&b"not a report"[..]));
    let replaced: std::collections::BTreeMap<_, _> =
        now.into_iter().filter(|(p, _)| p.as_os_str() != "notes.txt").collect();
    assert_eq!(replaced, fresh, "a successful run writes every report afresh");
    // Incremental runs: another output directory runs the csv sink again (reading what the earlier runs computed).
    let moved = w.dir.path().join("moved");
    let param = format!("output_root={}", moved.display());
    let (code, text) = w.apply(&["--pipeline", "answer_distribution", "--param", param.as_str()], &[]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("answer_distribution_csv"), "{text}");
    assert_eq!(common::file_tree(&moved), fresh, "the same reports in the new directory");
}

/// The state's partitions as (table, dt) → run id.
fn partition_runs(w: &World) -> BTreeMap<(String, String), String> {
    let state = format!("sqlite:{}", w.dir.path().join("state.sqlite").display());
    let mut store = edxc::sinks::result_store::open(&state).unwrap();
    let rows = store.query("SELECT tbl, dt, run_id FROM partitions").unwrap();
    rows.into_iter()
        .map(|r| ((r[0].clone().unwrap(), r[1].clone().unwrap()), r[2].clone().unwrap_or_default()))
        .collect()
}

#[test]
fn sigkill_in_the_mapper_a_transform_or_a_load_then_apply_equals_an_uninterrupted_run() {
    let uninterrupted = World::sqlite();
    uninterrupted.apply_ok(&[]);
    let expected = dump(&uninterrupted.result_store);
    // A SQLite table's rows without the load time, sorted.
    let data_rows = |url: &str, table: &str| {
        let mut store = edxc::sinks::result_store::open(url).unwrap();
        let cols: Vec<String> = store
            .query(&format!("SELECT name FROM pragma_table_info('{table}') WHERE name <> 'created'"))
            .unwrap()
            .into_iter()
            .filter_map(|r| r[0].clone())
            .collect();
        let mut rows = store.query(&format!("SELECT {} FROM {table}", cols.join(", "))).unwrap();
        rows.sort();
        rows
    };
    for point in ["stage:user_activity_by_user", "task:course_activity", "load:course_activity"] {
        // Enrollments are complete from an earlier run; the run that adds user activity is killed at `point`.
        let w = World::sqlite();
        w.apply_ok(&["--pipeline", "enrollments"]);
        let completed = partition_runs(&w);
        kill_at(&w, point);
        let (code, out) = w.apply(&[], &[]);
        assert_eq!(code, 0, "{point}: {out}");
        assert!(out.contains("edxc: discarded the unpublished outputs of run"), "{point}: {out}");
        // Nothing lost, nothing duplicated: the same tables and rows as a run never interrupted (but the load
        // times) ...
        let tables: Vec<&String> = expected.keys().filter(|k| *k != "table_updates").collect();
        assert_eq!(dump(&w.result_store).keys().filter(|k| *k != "table_updates").collect::<Vec<_>>(), tables);
        for t in tables {
            assert_eq!(data_rows(&w.result_store, t), data_rows(&uninterrupted.result_store, t), "{point}: {t}");
        }
        // ... and what was complete before was not computed again.
        let after = partition_runs(&w);
        for (part, run) in &completed {
            assert_eq!(after.get(part), Some(run), "{point}: {part:?} was recomputed");
        }
        assert!(after.keys().any(|(t, _)| t == "course_activity"), "{point}: user activity recorded");
    }
}

/// The run state kept in the result store (`state = "result_store"`, as cluster profiles keep it): no state file;
/// an apply after an apply does nothing; a run whose state could not be recorded after its commit is recorded by
/// the next run, once, and the recorded partitions equal a clean run's.
#[test]
fn state_in_the_result_store_is_recorded_by_the_next_run_when_recording_fails() {
    let in_store = ["--var", "state=result_store"];
    let w = World::sqlite();
    w.apply_ok(&in_store);
    assert!(!w.dir.path().join("state.sqlite").exists(), "no state file beside the result store");
    let state = |w: &World| {
        let d = dump(&w.result_store);
        (d["edxc_state_runs"].lines().count(), d["edxc_state_partitions"].lines().count())
    };
    let (runs, partitions) = state(&w);
    assert_eq!(runs, 1);
    assert!(partitions > 0);
    let (code, out) = w.apply(&in_store, &[]);
    assert!(code == 0 && out.contains("No changes"), "{out}");
    assert_eq!(state(&w), (1, partitions), "an apply that does nothing records nothing");

    let forced = ["--var", "state=result_store", "--force"];
    let (code, out) = w.apply(&forced, &[("EDXC_FAILPOINT", "state=fail")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("the next run records it"), "{out}");
    assert_eq!(state(&w), (1, partitions), "the failed record wrote nothing");
    let (code, out) = w.apply(&in_store, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("had committed before it was interrupted") && out.contains("No changes"), "{out}");
    assert_eq!(state(&w), (2, partitions), "recorded once by the next run, which then had nothing to do");
}

/// course_activity's rows as the result store holds them (without the load time).
fn course_activity(w: &World) -> Vec<String> {
    let mut store = edxc::sinks::result_store::open(&w.result_store).expect("store opens");
    let sql = "SELECT course_id, interval_start, interval_end, label, count FROM course_activity";
    let mut rows: Vec<String> = store.query(sql).unwrap().iter().map(|r| format!("{r:?}")).collect();
    rows.sort();
    rows
}

#[test]
fn a_damaged_sorted_copy_is_read_as_text_and_gives_the_same_rows() {
    let (w, _) = loaded();
    let want = course_activity(&w);
    assert!(!want.is_empty());
    // Every sorted run the first run published, cut in the middle of its rows: it opens, then fails while read.
    let table = w.warehouse().join("user_activity_by_user");
    let mut cut = 0;
    for part in std::fs::read_dir(&table).unwrap().flatten() {
        for f in std::fs::read_dir(part.path()).unwrap().flatten() {
            if f.file_name().to_string_lossy().starts_with("_sorted-") {
                let bytes = std::fs::read(f.path()).unwrap();
                std::fs::write(f.path(), &bytes[..bytes.len() - 100]).unwrap();
                cut += 1;
            }
        }
    }
    assert!(cut > 2, "runs cut: {cut}");
    // The map rewrites the last two days; course_activity reads the other days as the first run left them.
    let (code, out) = w.apply(&["--pipeline", "user_activity", "--param", "overwrite_n_days=2"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("the sorted copy is damaged") && out.contains("reading the Hive text instead"), "{out}");
    assert_eq!(course_activity(&w), want);
}

#[test]
fn a_sorted_copy_that_no_longer_matches_its_text_is_not_used() {
    let (w, _) = loaded();
    let want = course_activity(&w);
    // A partition's text rewritten by hand (the same rows, one moved, no final newline): its copy no longer matches.
    let part = w.warehouse().join("user_activity_by_user/dt=2026-10-27/part-00000");
    let text = std::fs::read_to_string(&part).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    assert!(lines.len() > 1);
    lines.rotate_left(1);
    std::fs::write(&part, lines.join("\n")).unwrap();
    let (code, out) = w.apply(&["--pipeline", "user_activity", "--param", "overwrite_n_days=2"], &[]);
    assert_eq!(code, 0, "{out}");
    assert!(!out.contains("damaged"), "{out}");
    assert_eq!(course_activity(&w), want);
}
