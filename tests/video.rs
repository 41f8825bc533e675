//! The video pipeline (docs/contract.md §3.3) through the `edxc apply` CLI: the original task's parameters, the
//! shipped sample data, incremental runs (§6.2) and an empty result (the original's `allow_empty_insert`).

mod common;
use common::{gzip_to, repo};
use std::path::Path;
use std::process::Command;

fn apply(tmp: &Path, extra: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_edxc"));
    cmd.arg("--root").arg(repo()).arg("apply").arg("--auto-approve");
    for (k, v) in [("warehouse", "wh"), ("result_store", "results.sqlite"), ("state", "state.sqlite")] {
        cmd.arg("--var").arg(format!("{k}={}", tmp.join(v).display()));
    }
    let out = cmd.args(extra).env_remove("EDXC_ROOT").output().expect("edxc runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn query(db: &Path, sql: &str) -> Vec<String> {
    let c = rusqlite::Connection::open(db).unwrap();
    let mut stmt = c.prepare(sql).unwrap();
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        let cells: Vec<String> = (0..n)
            .map(|i| match r.get_ref(i).unwrap() {
                rusqlite::types::ValueRef::Null => "\\N".to_string(),
                rusqlite::types::ValueRef::Integer(v) => v.to_string(),
                rusqlite::types::ValueRef::Real(v) => v.to_string(),
                rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                rusqlite::types::ValueRef::Blob(_) => "<blob>".to_string(),
            })
            .collect();
        Ok(cells.join(","))
    })
    .unwrap()
    .map(Result::unwrap)
    .collect()
}

const VIDEOS: &str = "SELECT pipeline_video_id, duration, segment_length, users_at_start, users_at_end, \
                      total_viewed_seconds FROM video ORDER BY pipeline_video_id";
const TIMELINE: &str = "SELECT pipeline_video_id, segment, num_users, num_views FROM video_timeline \
                        ORDER BY pipeline_video_id, segment";

/// The acceptance log, dated 2014-05-02, under `dir` as the LMS writes it.
fn acceptance_log(dir: &Path) {
    let log = repo().join("tests/conformance/fixtures/video_timeline.log");
    gzip_to(&log, &dir.join("FakeServerGroup/tracking.log-20140502.gz"));
}

#[test]
fn every_parameter_of_the_original_task_is_accepted() {
    let tmp = tempfile::tempdir().unwrap();
    acceptance_log(&tmp.path().join("src"));
    let source = format!("source=[\"{}\"]", tmp.path().join("src").display());
    let warehouse = format!("warehouse_path={}", tmp.path().join("elsewhere").display());
    let params = [
        "interval=2014-05-01-2014-05-06",
        "overwrite_n_days=5",
        source.as_str(),
        "pattern=[\".*tracking.log-(?P<date>\\\\d{8}).*\\\\.gz\"]",
        "expand_interval=2 days",
        "date_pattern=%Y%m%d",
        warehouse.as_str(),
        "n_reduce_tasks=2",
        "mapreduce_engine=hadoop",
        "input_format=oddjob.ManifestTextInputFormat",
        "lib_jar=[]",
        "remote_log_level=DEBUG",
        "dropoff_threshold=0.05",
        "api_key=not-a-real-key",
        "allow_empty_insert=false",
    ];
    let mut args = vec!["--pipeline", "InsertToMysqlAllVideoTask"];
    for p in &params {
        args.extend(["--param", p]);
    }
    let (code, out, err) = apply(tmp.path(), &args);
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(tmp.path().join("elsewhere/video_timeline").is_dir(), "warehouse_path chose the warehouse");
    let db = tmp.path().join("results.sqlite");
    assert_eq!(
        query(&db, VIDEOS),
        [
            "course-v1:edX+DemoX+Test_2014|0b9e39477cf34507a7a48f74be381fdd,4,5,1,1,5",
            "course-v1:edX+DemoX+Test_2015|0b9e39477cf34507a7a48f74be381fdd1,444,5,1,0,5",
            "edX/DemoX/Demo_Course|i4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255,24,5,2,2,60",
            "edX/DemoX/Demo_Course|i4x-edX-DemoX-video-8c0028eb2a724f48a074bc184cd8635f,24,5,0,1,15",
        ]
    );
    assert_eq!(query(&db, TIMELINE).len(), 10);
}

#[test]
fn the_sample_data_fills_both_tables() {
    let tmp = tempfile::tempdir().unwrap();
    let (code, out, err) = apply(tmp.path(), &["--pipeline", "video"]);
    assert_eq!(code, 0, "{out}\n{err}");
    let db = tmp.path().join("results.sqlite");
    for table in ["video", "video_timeline"] {
        assert!(out.lines().any(|l| l.trim_start().starts_with(table)), "summary lists {table}:\n{out}");
        let n: i64 =
            query(&db, &format!("SELECT COUNT(*) FROM {table}")).first().and_then(|v| v.parse().ok()).unwrap_or(0);
        assert!(n > 0, "{table} has rows");
    }
    // Insights adds and compares these: never NULL.
    let nulls =
        "SELECT COUNT(*) FROM video WHERE duration IS NULL OR segment_length IS NULL OR users_at_start IS NULL \
                 OR users_at_end IS NULL OR total_viewed_seconds IS NULL";
    assert_eq!(query(&db, nulls), ["0"]);
}

/// A later run with a short overwrite window reads the older days' events from the partitions the first run wrote
/// (the logs of those days are gone) and computes the same tables.
#[test]
fn a_later_run_reads_older_days_from_earlier_runs() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    acceptance_log(&src);
    let logs = format!("tracking_logs={}", src.display());
    let run = |days: &str| {
        let days = format!("overwrite_n_days={days}");
        apply(
            tmp.path(),
            &["--pipeline", "video", "--var", &logs, "--interval", "2014-05-01-2014-05-06", "--param", &days],
        )
    };
    let (code, out, err) = run("5");
    assert_eq!(code, 0, "{out}\n{err}");
    let db = tmp.path().join("results.sqlite");
    let (videos, timeline) = (query(&db, VIDEOS), query(&db, TIMELINE));
    assert_eq!(videos.len(), 4);
    std::fs::remove_dir_all(&src).unwrap();
    std::fs::create_dir_all(src.join("FakeServerGroup")).unwrap();
    std::fs::write(src.join("FakeServerGroup/tracking.log-20140505"), b"").unwrap();
    let (code, out, err) = run("1");
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(query(&db, VIDEOS), videos);
    assert_eq!(query(&db, TIMELINE), timeline);
}

/// No video event in the run: the load fails as the original's (`[videos] allow_empty_insert` off), and nothing is
/// published; `--allow-empty` loads the empty tables.
#[test]
fn no_viewing_fails_the_load_unless_empty_is_allowed() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    std::fs::create_dir_all(&src).unwrap();
    let enrollment = br#"{"event_type": "edx.course.enrollment.activated", "event_source": "server", "time": "2014-05-02T10:00:00.000000+00:00", "context": {"course_id": "edX/DemoX/Demo", "user_id": 7}, "event": {"course_id": "edX/DemoX/Demo", "user_id": 7, "mode": "honor"}, "username": "u7"}"#;
    std::fs::write(src.join("tracking.log-20140502"), [&enrollment[..], b"\n"].concat()).unwrap();
    let logs = format!("tracking_logs={}", src.display());
    let args = ["--pipeline", "video", "--var", &logs, "--interval", "2014-05-01-2014-05-06", "--allow-empty"];
    let (code, out, err) = apply(tmp.path(), &args[..6]);
    assert_eq!(code, 1, "{out}\n{err}");
    // Both tables are empty; whichever loads first (each loads once its input is final) fails the run.
    let names_one = err.contains("`video`") || err.contains("`video_timeline`");
    assert!(names_one && err.contains("empty"), "{err}");
    assert!(!tmp.path().join("wh/video_timeline").exists(), "nothing published");
    let (code, out, err) = apply(tmp.path(), &args);
    assert_eq!(code, 0, "{out}\n{err}");
    assert_eq!(query(&tmp.path().join("results.sqlite"), "SELECT COUNT(*) FROM video_timeline"), ["0"]);
}
