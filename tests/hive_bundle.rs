//! The cluster bundle on the real engines: `edxc compile --profile hadoop.example` for the shipped sample data, run
//! UNMODIFIED through the test gateway (`scripts/engines/README.md`: a key-only sshd whose user has the real Hive
//! 2.3.10 CLI and Spark SQL 4.3 on its PATH) once on Hive and once on Spark SQL, must write the very rows the
//! embedded engine writes for the same inputs and interval, partition by partition, for every table of the
//! `user_activity`, `enrollments` and `answer_distribution` pipelines.
//!
//! What stands in for the cluster: the gateway's file:// warehouse and upload directory instead of HDFS (the
//! profile's `--var` overrides point `tracking_logs`, `warehouse` and `mapper_path` there), and the test itself
//! instead of Sqoop, which is not installed: it writes the LMS export rows the embedded engine imports where each
//! Sqoop step's `--target-dir` says, with its `--columns`. Every other step runs as the manifest lists it: the
//! `sh` steps with `sh`, the `hql` steps with `hive -f` / `spark-sql -f`, concatenated into one file per engine
//! (a JVM start costs 10-15 s). That order is the manifest's except that the `sh`/`sqoop` steps come first, which
//! is the same run: they read only the logs and the LMS, never a table an `hql` step writes.

mod common;
use common::cluster::{edxc_map_binary, RemoteDirs};
use common::{gateway_config, gateway_env};
use edxc::cli::compile::{artifacts, CompileArgs};
use edxc::cli::{load_checked, RunOptions, Selection};
use edxc::config::engine_config::RunFlags;
use edxc::config::Project;
use edxc::engine::hive::ssh::{shell_quote, Gateway};
use edxc::graph::Plan;
use edxc::model::ColumnType;
use edxc::warehouse::{Row, Staging, WarehouseRead};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn connect(e: &BTreeMap<String, String>) -> Gateway {
    Gateway::connect(&gateway_config(e)).expect("connects to the test gateway")
}

/// The run of `target-profiles/local.toml` on the sample data: its interval and params, pinned to its last day.
const TODAY: &str = "2026-11-09";
const INTERVAL: &str = "2026-10-26-2026-11-09";
const PARAMS: &[(&str, &str)] =
    &[("end_date", "2026-11-09"), ("weeks", "2"), ("overwrite_n_days", "14"), ("date", "2026-11-09")];
const PIPELINES: &[&str] = &["answer_distribution", "enrollments", "user_activity"];

fn selection(profile: &str, vars: Vec<(String, String)>) -> Selection {
    Selection { profile: profile.into(), pipelines: PIPELINES.iter().map(|p| p.to_string()).collect(), vars }
}

fn run_options(explicit: bool) -> RunOptions {
    RunOptions {
        interval: explicit.then(|| INTERVAL.to_string()),
        params: if explicit { PARAMS.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect() } else { vec![] },
        config: vec![],
        today: Some(TODAY.into()),
    }
}

/// Rows by (table, dt).
type Written = BTreeMap<(String, String), Vec<Row>>;

/// Every partition the embedded engine writes for the local profile's run, with its rows, and the plans.
fn embedded_run(warehouse: &Path) -> (Vec<Plan>, Written) {
    let project = Project::new(repo());
    let vars = vec![("warehouse".to_string(), warehouse.display().to_string())];
    let (pipelines, profile) = load_checked(&project, &selection("local", vars), false).expect("local profile loads");
    let run = run_options(false);
    let args = run.run_args(&pipelines).unwrap();
    let templates = project.templates_dir();
    let read = |rel: &str| std::fs::read_to_string(templates.join(rel)).map_err(|e| e.to_string());
    let plans: Vec<Plan> = pipelines.iter().map(|p| edxc::graph::plan(p, &profile, &args, &read).unwrap()).collect();
    let kind = edxc::engine::kind("embedded").unwrap();
    let mut engine = (kind.build)(&profile, &repo(), &RunFlags::default()).expect("embedded engine");
    let mut staging = Staging::begin(warehouse, "hive-bundle-test").unwrap();
    engine.run(&plans, &mut staging, &mut |_, _| Ok(())).expect("embedded run");
    let mut out = BTreeMap::new();
    for t in plans.iter().flat_map(|p| &p.tasks) {
        if t.kind.is_sink() {
            continue;
        }
        for dt in t.writes.iter().flat_map(|w| w.values()) {
            let rows = staging.read_partition(&t.table, &dt, t.columns.len()).unwrap();
            out.insert((t.table.clone(), dt), rows);
        }
    }
    (plans, out)
}

/// The Sqoop step `script` as the test performs it: the LMS export's rows for `--table` and `--columns`, as Hive
/// text, into `--target-dir`.
fn stand_in_for_sqoop(script: &str) -> (String, String) {
    let arg = |flag: &str| {
        script
            .lines()
            .find_map(|l| l.trim().strip_prefix(&format!("{flag} '")))
            .and_then(|rest| rest.split('\'').next())
            .unwrap_or_else(|| panic!("no {flag} in the Sqoop step"))
            .to_string()
    };
    let columns: Vec<String> = arg("--columns").split(',').map(str::to_string).collect();
    let rows = edxc::lms::read_table(&repo().join("sample-data/lms").display().to_string(), &arg("--table"), &columns)
        .expect("LMS export");
    let mut text = String::new();
    for r in &rows {
        text.push_str(&edxc::hive_text::format_row(r));
        text.push('\n');
    }
    (arg("--target-dir"), text)
}

/// What one engine did.
struct EngineRun {
    cli: String,
    seconds: f64,
    warehouse: PathBuf,
}

/// Compiles the bundle for one engine's run, uploads it, runs it through the gateway, returns where it wrote.
fn run_engine(e: &BTreeMap<String, String>, cli_key: &str, base: &str, logs: &str, mapper: &str) -> EngineRun {
    let cli = e[cli_key].clone();
    let gw = connect(e);
    let tag = format!("{}_{}", std::process::id(), cli.replace(|c: char| !c.is_ascii_alphanumeric(), "_"));
    let bundle = format!("{base}/bundle-{tag}");
    let warehouse_url = format!("{}/{tag}", warehouses(e));
    let warehouse = PathBuf::from(warehouse_url.strip_prefix("file://").expect("a file:// warehouse"));
    let database = format!("edxc_hb_{tag}");
    let vars = [
        ("tracking_logs", format!("file://{logs}")),
        ("warehouse", warehouse_url.clone()),
        ("mapper_path", mapper.to_string()),
        ("hive_database", database.clone()),
    ];
    let args = CompileArgs {
        sel: selection("hadoop.example", vars.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()),
        run: run_options(true),
        out: None,
    };
    let arts = artifacts(&Project::new(repo()), &args).expect("compiles").expect("no diagnostics");
    let manifest = arts.iter().find(|a| a.path == "manifest.tsv").expect("a manifest");
    let tmp = tempfile::tempdir().unwrap();
    let mut dirs: Vec<String> =
        arts.iter().filter_map(|a| a.path.rsplit_once('/').map(|(d, _)| d.to_string())).collect();
    dirs.sort();
    dirs.dedup();
    let mkdirs: Vec<String> = dirs.iter().map(|d| shell_quote(&format!("{bundle}/{d}"))).collect();
    gw.output(&format!("mkdir -p {} {}", shell_quote(&bundle), mkdirs.join(" "))).unwrap();
    for a in &arts {
        let local = tmp.path().join(a.path.replace('/', "_"));
        std::fs::write(&local, &a.text).unwrap();
        gw.upload(&local, &format!("{bundle}/{}", a.path), if a.path.ends_with(".sh") { 0o755 } else { 0o644 })
            .unwrap();
    }
    // The steps in manifest order; sh first, Sqoop stood in for, hql into one file.
    let mut shell = vec![format!("cd {}", shell_quote(&bundle))];
    let mut hql = String::new();
    for line in manifest.text.lines().filter(|l| !l.starts_with('#') && !l.starts_with("step\t")) {
        let f: Vec<&str> = line.split('\t').collect();
        let (file, kind) = (f[1], f[2]);
        let text = &arts.iter().find(|a| a.path == file).unwrap().text;
        match kind {
            "sh" => shell.push(format!("sh {}", shell_quote(file))),
            "sqoop" => {
                let (dir, rows) = stand_in_for_sqoop(text);
                let local = tmp.path().join("lms-rows");
                std::fs::write(&local, rows).unwrap();
                let dir = dir.strip_prefix("file://").unwrap();
                gw.output(&format!("rm -rf {0} && mkdir -p {0}", shell_quote(dir))).unwrap();
                gw.upload(&local, &format!("{dir}/part-m-00000"), 0o644).unwrap();
            }
            "hql" => hql.push_str(text),
            "data" => {}
            other => panic!("unknown step kind {other}"),
        }
    }
    // The engines' metastores persist: the run's database goes when the run is done (its tables are external, so
    // the files stay for the comparison).
    hql.push_str(&format!("DROP DATABASE IF EXISTS {database} CASCADE;\n"));
    let local = tmp.path().join("run.hql");
    std::fs::write(&local, &hql).unwrap();
    gw.upload(&local, &format!("{bundle}/run.hql"), 0o644).unwrap();
    shell.push(format!("{cli} -f run.hql"));
    let started = Instant::now();
    let mut log = Vec::new();
    let exit = gw.run(&shell.join(" && "), &mut |_, l| log.push(l.to_string())).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    if exit.status != 0 {
        let tail: Vec<&String> = log.iter().filter(|l| !l.trim_start().starts_with("at ")).rev().take(40).collect();
        let tail: Vec<&str> = tail.into_iter().rev().map(String::as_str).collect();
        panic!("{cli} failed (exit {}) after {seconds:.1}s:\n{}", exit.status, tail.join("\n"));
    }
    EngineRun { cli, seconds, warehouse }
}

fn sorted(mut rows: Vec<Row>) -> Vec<Row> {
    rows.sort();
    rows
}

/// A TIMESTAMP as Hive reads it: the engines write the canonical text (no trailing zeros in the fraction, e.g.
/// `2026-11-09 00:00:00`) where a reducer's text may carry them (`2026-11-09 00:00:00.000000`); same value.
fn canonical(rows: &[Row], types: &[ColumnType]) -> Vec<Row> {
    let fix = |v: &Option<String>, ty: &ColumnType| match (v, ty) {
        (Some(s), ColumnType::Timestamp) if s.contains('.') => {
            Some(s.trim_end_matches('0').trim_end_matches('.').into())
        }
        _ => v.clone(),
    };
    sorted(rows.iter().map(|r| r.iter().zip(types).map(|(v, ty)| fix(v, ty)).collect()).collect())
}

fn show(r: &Row) -> String {
    r.iter().map(|v| v.as_deref().unwrap_or("NULL")).collect::<Vec<_>>().join(" | ")
}

/// Compares every partition with the embedded engine's, one line per table; returns the tables that differ.
fn compare(run: &EngineRun, plans: &[Plan], embedded: &Written) -> Vec<String> {
    let mut differ = Vec::new();
    for t in plans.iter().flat_map(|p| &p.tasks).filter(|t| !t.kind.is_sink()) {
        let (mut rows, mut first, mut text_only) = (0, None, 0);
        let parts = t.writes.iter().flat_map(|w| w.values()).collect::<Vec<_>>();
        let types: Vec<ColumnType> = t.columns.iter().map(|c| c.ty).collect();
        for dt in &parts {
            let want = sorted(embedded[&(t.table.clone(), dt.clone())].clone());
            let got = sorted(edxc::warehouse::read_partition(&run.warehouse, &t.table, dt, t.columns.len()).unwrap());
            rows += got.len();
            if want != got {
                text_only += want.iter().filter(|r| !got.contains(r)).count();
            }
            let (want, got) = (canonical(&want, &types), canonical(&got, &types));
            if want != got && first.is_none() {
                let w = want.iter().find(|r| !got.contains(r)).map(show).unwrap_or_else(|| "-".into());
                let g = got.iter().find(|r| !want.contains(r)).map(show).unwrap_or_else(|| "-".into());
                first = Some(format!(
                    "dt={dt}: {} rows, embedded {}; first embedded row missing: {w}; first extra row: {g}",
                    got.len(),
                    want.len()
                ));
            }
        }
        let verdict = match &first {
            None if text_only == 0 => "identical to the embedded engine's".to_string(),
            None => {
                format!("the embedded engine's values ({text_only} row(s) with a TIMESTAMP in Hive's canonical text)")
            }
            Some(d) => format!("DIFFERENT: {d}"),
        };
        println!("{:<9} {:<40} {:>3} partition(s) {:>6} rows  {verdict}", run.cli, t.table, parts.len(), rows);
        if first.is_some() {
            differ.push(format!("{} {}", run.cli, t.table));
        }
    }
    differ
}

/// Where the test's warehouses go on the gateway (one directory per engine under it).
fn warehouses(e: &BTreeMap<String, String>) -> String {
    format!("{}/edxc-hive-bundle-{}", e["EDXC_GATEWAY_WAREHOUSE"], std::process::id())
}

#[test]
fn the_bundle_writes_the_embedded_engines_rows_on_hive_and_spark_sql() {
    let started = Instant::now();
    let e = gateway_env();
    let gw = connect(&e);
    // The mapper the bundle ships (ADD FILE): this workspace's edxc-map.
    let built = edxc_map_binary();

    let base = format!("{}/edxc-hive-bundle-{}", e["EDXC_GATEWAY_TMP"], std::process::id());
    let local_warehouses = warehouses(&e).strip_prefix("file://").expect("a file:// warehouse").to_string();
    let _cleanup = RemoteDirs::new(gateway_config(&e), vec![base.clone(), local_warehouses]);
    let logs = format!("{base}/tracking");
    let mapper = format!("{base}/edxc-map");
    gw.output(&format!("rm -rf {0} && mkdir -p {0}/lms-1", shell_quote(&logs))).unwrap();
    gw.upload(&built, &mapper, 0o755).unwrap();
    for f in std::fs::read_dir(repo().join("sample-data/tracking/lms-1")).unwrap() {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_str().unwrap().to_string();
        gw.upload(&f, &format!("{logs}/lms-1/{name}"), 0o644).unwrap();
    }

    let embedded_dir = tempfile::tempdir().unwrap();
    let (plans, embedded) = embedded_run(embedded_dir.path());
    let uploaded = started.elapsed().as_secs_f64();

    // Both engines at once: each has its own metastore, warehouse directory and lock.
    let runs: Vec<EngineRun> = std::thread::scope(|s| {
        let handles: Vec<_> = ["EDXC_GATEWAY_HIVE", "EDXC_GATEWAY_SPARK_SQL"]
            .into_iter()
            .map(|cli| {
                let (e, base, logs, mapper) = (&e, &base, &logs, &mapper);
                s.spawn(move || run_engine(e, cli, base, logs, mapper))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("engine run")).collect()
    });

    let mut differ = Vec::new();
    for run in &runs {
        println!("{}: the bundle ran in {:.1}s", run.cli, run.seconds);
        differ.extend(compare(run, &plans, &embedded));
    }
    println!("uploads and the embedded run {uploaded:.1}s, whole test {:.1}s", started.elapsed().as_secs_f64());
    assert!(differ.is_empty(), "tables that differ from the embedded engine's: {differ:?}");
}
