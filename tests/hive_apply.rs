//! `edxc apply --profile <cluster>` for real, through the test gateway (`scripts/engines/README.md`: a key-only sshd
//! on 127.0.0.1 whose user has the real Hive 2.3.10 CLI and Spark SQL 4.3 on its PATH, warehouse on `file://`).
//!
//! - Every shipped pipeline on the sample data, applied on Hive and on Spark SQL, loads a MariaDB result store with
//!   exactly the rows the embedded engine loads (one line per engine and table).
//! - A run whose HiveQL fails names the step, file, line and the engine's message, and leaves the cluster's
//!   warehouse (every file, byte for byte) and the result store as they were.
//! - A changed or unknown host key and an unreachable gateway are refused with one message, before anything is
//!   opened or written.
//!
//! What stands in for the cluster: the gateway's disk instead of HDFS, and `lms_import = "direct"` instead of Sqoop
//! (neither HDFS nor Sqoop can run here).

mod common;
use common::cluster::{edxc_map_binary, RemoteDirs};
use common::{edxc, file_tree, gateway_config, gateway_env, gateway_vars, repo, TestDb};
use edxc::engine::hive::ssh::{shell_quote, Gateway};
use mysql::prelude::Queryable;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Instant;

/// The run of `target-profiles/local.toml` on the sample data, pinned to its last day.
const TODAY: &str = "2026-11-09";
const INTERVAL: &str = "2026-10-26-2026-11-09";
const PARAMS: &[(&str, &str)] =
    &[("end_date", "2026-11-09"), ("weeks", "2"), ("overwrite_n_days", "14"), ("date", "2026-11-09")];

/// This workspace's edxc-map, which a cluster run uploads to `mapper_path` (built once per test process).
fn mapper() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT.get_or_init(edxc_map_binary).clone()
}

/// `--var`s of a cluster run on the test gateway, everything under `dir` (owned by the gateway user).
fn cluster_vars(e: &BTreeMap<String, String>, dir: &str, logs: &str, cli: &str, store: &str) -> Vec<String> {
    let tag = cli.replace(|c: char| !c.is_ascii_alphanumeric(), "_");
    let mut vars = gateway_vars(e);
    vars.extend([
        ("hive_cli", e[cli].clone()),
        ("warehouse", format!("file://{dir}/warehouse")),
        ("tracking_logs", format!("file://{logs}")),
        ("mapper_path", format!("file://{dir}/bin/edxc-map")),
        ("mapper_binary", mapper().display().to_string()),
        ("hive_database", format!("edxc_apply_{}_{tag}", std::process::id())),
        ("gateway_dir", format!("{dir}/runs")),
        ("lms_import", "direct".into()),
        ("lms", "sample-data/lms".into()),
        ("result_store", store.into()),
    ]);
    vars.iter().flat_map(|(k, v)| ["--var".to_string(), format!("{k}={v}")]).collect()
}

fn run_args() -> Vec<String> {
    let mut a: Vec<String> =
        ["apply", "--auto-approve", "--today", TODAY, "--interval", INTERVAL].iter().map(|s| s.to_string()).collect();
    for (k, v) in PARAMS {
        a.extend(["--param".to_string(), format!("{k}={v}")]);
    }
    a
}

/// Every table of a result store with its rows (load-time columns `created`, `inserted` and `id` left out), sorted;
/// the run state's tables (`edxc_state_*`, cluster profiles keep their state there) are not results.
fn tables(db: &TestDb) -> BTreeMap<String, Vec<Vec<String>>> {
    let mut c = db.conn();
    let names: Vec<String> = c
        .exec(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = ? AND table_name NOT LIKE 'edxc\\_state\\_%'",
            (db.name.clone(),),
        )
        .unwrap();
    let mut out = BTreeMap::new();
    for t in names {
        let cols: Vec<String> = c
            .exec(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = ? AND table_name = ? \
                 AND column_name NOT IN ('created', 'inserted', 'id') ORDER BY ordinal_position",
                (db.name.clone(), t.clone()),
            )
            .unwrap();
        let list = cols.iter().map(|c| format!("CAST(`{c}` AS CHAR)")).collect::<Vec<_>>().join(", ");
        let rows: Vec<mysql::Row> = c.query(format!("SELECT {list} FROM `{t}`")).unwrap();
        let mut rows: Vec<Vec<String>> = rows
            .into_iter()
            .map(|r| {
                (0..r.len()).map(|i| r.get::<Option<String>, _>(i).flatten().unwrap_or_else(|| "NULL".into())).collect()
            })
            .collect();
        rows.sort();
        out.insert(t, rows);
    }
    out
}

#[test]
fn shipped_pipelines_on_hive_and_spark_sql_load_the_embedded_engines_rows_and_a_failed_run_changes_nothing() {
    let started = Instant::now();
    let e = gateway_env();
    let gw = Gateway::connect(&gateway_config(&e)).expect("connects to the test gateway");
    let base = format!("{}/edxc-hive-apply-{}", e["EDXC_GATEWAY_TMP"], std::process::id());
    let _cleanup = RemoteDirs::new(gateway_config(&e), vec![base.clone()]);
    let logs = format!("{base}/tracking");
    gw.output(&format!("rm -rf {0} && mkdir -p {0}/lms-1", shell_quote(&logs))).unwrap();
    for f in std::fs::read_dir(repo().join("sample-data/tracking/lms-1")).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_str().unwrap().to_string();
        gw.upload(&f, &format!("{logs}/lms-1/{name}"), 0o644).unwrap();
    }
    mapper();

    // The embedded engine: the local profile, its warehouse and state in a temporary directory.
    let tmp = tempfile::tempdir().unwrap();
    let embedded_db = TestDb::new("emb");
    let mut args = run_args();
    for (k, v) in [
        ("warehouse", tmp.path().join("wh").display().to_string()),
        ("state", tmp.path().join("state.sqlite").display().to_string()),
        ("result_store", embedded_db.url.clone()),
    ] {
        args.extend(["--var".to_string(), format!("{k}={v}")]);
    }
    let (code, _, err) = edxc(&args);
    assert_eq!(code, 0, "embedded run: {err}");
    let want = tables(&embedded_db);
    assert!(want.values().map(Vec::len).sum::<usize>() > 1000, "the sample run loads rows: {want:?}");

    // Both cluster engines at once: each has its own metastore, warehouse, mapper path and result store.
    let engines = ["EDXC_GATEWAY_HIVE", "EDXC_GATEWAY_SPARK_SQL"];
    let dbs: Vec<TestDb> = engines.iter().map(|_| TestDb::new("cluster")).collect();
    let runs: Vec<(String, f64)> = std::thread::scope(|s| {
        let handles: Vec<_> = engines
            .iter()
            .zip(&dbs)
            .map(|(cli, db)| {
                let (e, base, logs) = (&e, &base, &logs);
                s.spawn(move || {
                    let dir = format!("{base}/{}", e[*cli]);
                    let mut args = run_args();
                    args.extend(["--profile".to_string(), "hadoop.example".to_string()]);
                    args.extend(cluster_vars(e, &dir, logs, cli, &db.url));
                    let t = Instant::now();
                    let (code, out, err) = edxc(&args);
                    let tail: Vec<&str> = err.lines().filter(|l| !l.starts_with("    |")).collect();
                    assert_eq!(code, 0, "{} run failed:\n{}\n{out}", e[*cli], tail.join("\n"));
                    (e[*cli].clone(), t.elapsed().as_secs_f64())
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("engine run")).collect()
    });

    let mut differ = Vec::new();
    for ((cli, seconds), db) in runs.iter().zip(&dbs) {
        println!("{cli}: apply took {seconds:.1}s");
        let got = tables(db);
        for (table, rows) in &want {
            let verdict = match got.get(table) {
                None => "MISSING from the result store".to_string(),
                Some(g) if g == rows => "identical".to_string(),
                Some(g) => {
                    let missing = rows.iter().find(|r| !g.contains(r)).map(|r| r.join(" | "));
                    let extra = g.iter().find(|r| !rows.contains(r)).map(|r| r.join(" | "));
                    format!("DIFFERENT ({} rows): first missing {missing:?}, first extra {extra:?}", g.len())
                }
            };
            println!("{cli:<9} {table:<42} {:>6} rows  {verdict}", rows.len());
            if verdict != "identical" {
                differ.push(format!("{cli} {table}"));
            }
        }
        for extra in got.keys().filter(|t| !want.contains_key(*t)) {
            println!("{cli:<9} {extra:<42} not loaded by the embedded engine");
            differ.push(format!("{cli} {extra}"));
        }
    }
    assert!(differ.is_empty(), "tables that differ from the embedded engine's: {differ:?}");

    // Incremental on the cluster: the run state is in the result store (`state = "result_store"`), so an apply right
    // after the apply does nothing and says so, `plan` agrees, and a log file touched on the cluster's disk makes the
    // maps that read it run again.
    let cli = "EDXC_GATEWAY_HIVE";
    let dir = format!("{base}/{}", e[cli]);
    let cluster = |command: &[&str]| {
        let mut args: Vec<String> = command.iter().map(|s| s.to_string()).collect();
        args.extend(run_args().into_iter().skip(2));
        args.extend(["--profile".to_string(), "hadoop.example".to_string()]);
        args.extend(cluster_vars(&e, &dir, &logs, cli, &dbs[0].url));
        edxc(&args)
    };
    let recorded: u64 = dbs[0].conn().query_first("SELECT COUNT(*) FROM edxc_state_partitions").unwrap().unwrap();
    assert!(recorded > 0, "the cluster run recorded its partitions in the result store");
    let t = Instant::now();
    let (code, out, err) = cluster(&["apply", "--auto-approve"]);
    assert_eq!(code, 0, "{err}");
    assert!(format!("{out}{err}").contains("No changes"), "an apply right after an apply does nothing:\n{out}\n{err}");
    println!("hive: apply after apply: nothing to do [{:.1}s]", t.elapsed().as_secs_f64());
    let (code, out, err) = cluster(&["plan", "--detailed-exitcode"]);
    assert_eq!(code, 0, "plan after apply: nothing to do:\n{out}\n{err}");
    let touched = format!("{logs}/lms-1/tracking.log-20261105.gz");
    gw.output(&format!("touch {}", shell_quote(&touched))).unwrap();
    let (code, out, err) = cluster(&["plan", "--detailed-exitcode"]);
    assert_eq!(code, 2, "a touched log is a change:\n{out}\n{err}");
    assert!(out.contains("new input"), "plan says why:\n{out}");
    println!("hive: plan after touching {touched}: exit 2 (new input)");

    // A failing statement: the mapper is not where ADD FILE looks (and no local one is uploaded). The run names the
    // step and the engine's message; the warehouse and the result store are as the successful run left them.
    let warehouse = PathBuf::from(format!("{dir}/warehouse"));
    let before = file_tree(&warehouse);
    let store_before = tables(&dbs[0]);
    let mut args = run_args();
    args.extend(["--profile".to_string(), "hadoop.example".to_string()]);
    args.extend(cluster_vars(&e, &dir, &logs, cli, &dbs[0].url));
    args.extend(["--var".to_string(), format!("mapper_path=file://{dir}/missing/edxc-map")]);
    args.extend(["--var".to_string(), format!("mapper_binary={dir}/no-such-local-file")]);
    args.push("--force".to_string());
    let (code, _, err) = edxc(&args);
    assert_eq!(code, 1, "{err}");
    let error: Vec<&str> = err.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(error.len(), 1, "one error line: {err}");
    assert!(
        error[0].contains("step ")
            && error[0].contains("map_logs.hql line")
            && error[0].contains("ADD FILE")
            && error[0].contains("failed on `hive`"),
        "{}",
        error[0]
    );
    println!("a failing statement: {}", error[0]);
    let after = file_tree(&warehouse);
    let changed: Vec<&PathBuf> = before
        .keys()
        .chain(after.keys())
        .filter(|p| before.get(*p) != after.get(*p))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert!(changed.is_empty(), "the failed run changed these warehouse files: {changed:?}");
    assert_eq!(tables(&dbs[0]), store_before, "the failed run changed the result store");
    println!("whole test {:.1}s", started.elapsed().as_secs_f64());
}

#[test]
fn a_changed_or_unknown_host_key_and_an_unreachable_gateway_are_refused_before_anything_is_written() {
    let e = gateway_env();
    let tmp = tempfile::tempdir().unwrap();
    let store = tmp.path().join("results.sqlite");
    // Someone else's key for the gateway's address: the client key stands in for it.
    let pubkey = std::fs::read_to_string(&e["EDXC_GATEWAY_PUBKEY"]).unwrap();
    let mut fields = pubkey.split_whitespace();
    let (kind, key) = (fields.next().unwrap(), fields.next().unwrap());
    let changed = tmp.path().join("changed_known_hosts");
    std::fs::write(&changed, format!("[{}]:{} {kind} {key}\n", e["EDXC_GATEWAY_HOST"], e["EDXC_GATEWAY_PORT"]))
        .unwrap();
    let unknown = tmp.path().join("empty_known_hosts");
    std::fs::write(&unknown, "").unwrap();
    let cases = [
        ("ssh_known_hosts", changed.display().to_string(), "CHANGED (SHA256:"),
        ("ssh_known_hosts", unknown.display().to_string(), "is not in"),
        ("ssh_port", "1".to_string(), "cannot reach the gateway"),
    ];
    for (key, value, expect) in cases {
        let mut args = run_args();
        args.extend(["--profile".to_string(), "hadoop.example".to_string()]);
        args.extend(cluster_vars(
            &e,
            "/nonexistent",
            "/nonexistent",
            "EDXC_GATEWAY_HIVE",
            &store.display().to_string(),
        ));
        args.extend(["--var".to_string(), format!("{key}={value}")]);
        let t = Instant::now();
        let (code, _, err) = edxc(&args);
        assert_eq!(code, 1, "{err}");
        let lines: Vec<&str> = err.lines().filter(|l| !l.starts_with("edxc: pipeline")).collect();
        assert_eq!(lines.len(), 1, "one message: {err}");
        assert!(lines[0].contains(expect), "{key}={value}: {}", lines[0]);
        assert!(!store.exists(), "nothing may be opened before the gateway is reached");
        println!("{key}={value}: {} [{:.1}s]", lines[0], t.elapsed().as_secs_f64());
    }
}
