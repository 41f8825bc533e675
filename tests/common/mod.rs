//! Shared test support: the conformance runner (scenario files of tests/conformance, run through the `edxc` CLI)
//! and value comparison as the conformance README defines it.
#![allow(dead_code)]

pub mod cluster;
mod db;
pub mod files;
mod gateway;
pub use db::*;
#[allow(unused_imports)] // only the gateway tests use these
pub use gateway::*;

use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Copies the directory tree `from` to `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let target = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).unwrap();
        }
    }
}

/// Minimal RFC 4180 CSV reader (the conformance files' dialect).
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<String>>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut rows = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        let mut fields = Vec::new();
        let mut cur = String::new();
        let mut quoted = false;
        let mut chars = line.chars().peekable();
        while let Some(c) = chars.next() {
            match (c, quoted) {
                ('"', true) if chars.peek() == Some(&'"') => {
                    cur.push('"');
                    chars.next();
                }
                ('"', _) => quoted = !quoted,
                (',', false) => fields.push(std::mem::take(&mut cur)),
                (c, _) => cur.push(c),
            }
        }
        fields.push(cur);
        rows.push(fields);
    }
    let header = rows.remove(0);
    (header, rows)
}

/// Cell equality of the conformance README: numbers numerically (1e-6 relative), NULL only equals NULL.
pub fn cell_eq(a: &Option<String>, b: &Option<String>) -> bool {
    match (a, b) {
        (None, None) => true,
        (Some(x), Some(y)) => match (x.parse::<f64>(), y.parse::<f64>()) {
            (Ok(p), Ok(q)) => (p - q).abs() <= 1e-6 * 1f64.max(p.abs()).max(q.abs()),
            _ => x == y,
        },
        _ => false,
    }
}

fn render(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "\\N".into())
}

/// Multiset comparison (or containment); returns a readable difference.
pub fn compare_rows(
    what: &str,
    expected: &[Vec<Option<String>>],
    actual: &[Vec<Option<String>>],
    contain_only: bool,
) -> Result<(), String> {
    let mut remaining: Vec<&Vec<Option<String>>> = actual.iter().collect();
    let mut missing = Vec::new();
    for e in expected {
        match remaining.iter().position(|a| a.len() == e.len() && a.iter().zip(e).all(|(x, y)| cell_eq(x, y))) {
            Some(i) => {
                remaining.remove(i);
            }
            None => missing.push(e),
        }
    }
    if missing.is_empty() && (contain_only || remaining.is_empty()) {
        return Ok(());
    }
    let fmt = |r: &Vec<Option<String>>| r.iter().map(render).collect::<Vec<_>>().join(",");
    let mut msg = format!(
        "{what}: {} expected row(s) missing, {} unexpected\n",
        missing.len(),
        if contain_only { 0 } else { remaining.len() }
    );
    for m in &missing {
        msg += &format!("  missing:    {}\n", fmt(m));
    }
    if !contain_only {
        for r in &remaining {
            msg += &format!("  unexpected: {}\n", fmt(r));
        }
    }
    Err(msg)
}

/// Every file under `dir` with its bytes, by path relative to `dir`.
pub fn file_tree(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

pub fn gzip_to(src: &Path, dst: &Path) {
    std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
    let data = std::fs::read(src).unwrap();
    let mut enc = GzEncoder::new(std::fs::File::create(dst).unwrap(), Compression::default());
    enc.write_all(&data).unwrap();
    enc.finish().unwrap();
}

/// Runs the `edxc` binary with `--root <repo>`; returns (exit code, stdout, stderr).
pub fn edxc(args: &[String]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_edxc"))
        .arg("--root")
        .arg(repo())
        .args(args)
        .env_remove("EDXC_ROOT")
        .output()
        .expect("edxc runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// The inputs and outputs of one scenario run.
pub struct World {
    pub dir: tempfile::TempDir,
    pub src: PathBuf,
    pub warehouse: PathBuf,
    pub result_store: String,
    pub lms: String,
    /// MariaDB databases of this run, dropped with the world.
    pub dbs: Vec<TestDb>,
    /// A cluster run's directory on the gateway (inputs, warehouse, mapper, run scratch), removed with the world.
    pub remote: Option<cluster::RemoteDirs>,
    /// What the runs printed: (the command line, its stdout and stderr) per run.
    pub runs: Vec<(String, String, String)>,
    /// `${RUN_DATE}`: the UTC date the runs were made (what `--today` defaults to), taken before the first run and
    /// after the last (they differ only when the runs crossed midnight UTC; either is then the run's date).
    pub run_dates: Vec<chrono::NaiveDate>,
    /// The scenario's placeholders (`${OUT}`, `${RUN_DATE}`, ...) as this world fills them.
    pub placeholders: Vec<(String, String)>,
    /// Failures of the items checked right after a run (`after_run = N`).
    pub early_failures: Vec<String>,
}

impl World {
    /// `text` with the scenario's placeholders replaced by paths on this machine (a cluster's file:// URLs are on
    /// the gateway, which is this host).
    pub fn local(&self, text: &str) -> String {
        let mut out = text.to_string();
        for (k, v) in &self.placeholders {
            out = out.replace(k, v.strip_prefix("file://").unwrap_or(v));
        }
        out
    }
}

/// Where a scenario's runs go.
pub enum Target<'a> {
    /// The embedded engine of this machine (`--profile` of the project's default, local paths).
    Embedded,
    /// A cluster through the test gateway (`--profile hadoop.example`): inputs uploaded as the gateway user,
    /// `${SRC}` and `${WAREHOUSE}` the gateway's `file://` URLs.
    Cluster(&'a cluster::Cluster),
}

/// Which backends a scenario runs against.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Backend {
    /// LMS from TSV exports, result store in SQLite.
    Sqlite,
    /// LMS and result store in the real MariaDB.
    Mariadb,
}

pub fn scenario_dir(name: &str) -> PathBuf {
    repo().join("tests/conformance/scenarios").join(name)
}

/// Lays out a scenario's inputs and runs its runs through the CLI contract. Returns the world to compare.
pub fn run_scenario(name: &str, backend: Backend) -> World {
    run_scenario_on(name, backend, &Target::Embedded)
}

/// [`run_scenario`] on a given target: the same inputs, the same parameters as given, the same CLI.
pub fn run_scenario_on(name: &str, backend: Backend, target: &Target) -> World {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().to_path_buf();
    let sdir = scenario_dir(name);
    let fixtures = repo().join("tests/conformance/fixtures");
    let spec: toml::Table = toml::from_str(&std::fs::read_to_string(sdir.join("scenario.toml")).unwrap()).unwrap();
    // The clock (README.upstream.md, "Placeholders"): the UTC date of the run, as `edxc apply` takes today by default.
    let run_date = chrono::Utc::now().date_naive();
    let start_date = run_date - chrono::Duration::days(6);
    let ymd = |d: chrono::NaiveDate| d.format("%Y-%m-%d").to_string();
    let dates = [
        ("${RUN_DATE_PLUS_1}", ymd(run_date + chrono::Duration::days(1))),
        ("${RUN_DATE}", ymd(run_date)),
        ("${START_DATE_COMPACT}", start_date.format("%Y%m%d").to_string()),
        ("${START_DATE}", ymd(start_date)),
    ];
    let with_dates = |text: &str| dates.iter().fold(text.to_string(), |t, (k, v)| t.replace(k, v));
    // Inputs: (path under ${SRC} or ${WAREHOUSE}, local file holding its bytes).
    let mut logs = Vec::new();
    for log in spec.get("tracking_logs").and_then(|v| v.as_array()).into_iter().flatten() {
        let fixture = log["fixture"].as_str().unwrap();
        let path = with_dates(log["path"].as_str().unwrap());
        let local = root.join("src").join(&path);
        match log.get("template").and_then(|t| t.as_table()) {
            Some(t) => {
                assert_eq!(
                    t.get("engine").and_then(|e| e.as_str()),
                    Some("jinja2"),
                    "scenario {name}: template engine"
                );
                let start = with_dates(t["start_date"].as_str().unwrap());
                let start = chrono::NaiveDate::parse_from_str(&start, "%Y-%m-%d").unwrap();
                let text = std::fs::read_to_string(fixtures.join(fixture)).unwrap();
                let rendered = root.join("rendered").join(fixture);
                std::fs::create_dir_all(rendered.parent().unwrap()).unwrap();
                std::fs::write(&rendered, render_template(&text, start)).unwrap();
                gzip_to(&rendered, &local);
            }
            None => gzip_to(&fixtures.join(fixture), &local),
        }
        logs.push((path, local));
    }
    // Raw inputs: stored under ${SRC} as given (gzipped only when asked), read like tracking logs.
    for raw in spec.get("raw_inputs").and_then(|v| v.as_array()).into_iter().flatten() {
        let (fixture, path) = (fixtures.join(raw["fixture"].as_str().unwrap()), raw["path"].as_str().unwrap());
        let local = root.join("src").join(path);
        if raw.get("gzip").and_then(|g| g.as_bool()).unwrap_or(false) {
            gzip_to(&fixture, &local);
        } else {
            std::fs::create_dir_all(local.parent().unwrap()).unwrap();
            std::fs::copy(&fixture, &local).unwrap();
        }
        logs.push((path.to_string(), local));
    }
    let mut warehouse_files = Vec::new();
    for wf in spec.get("warehouse_files").and_then(|v| v.as_array()).into_iter().flatten() {
        warehouse_files
            .push((wf["path"].as_str().unwrap().to_string(), fixtures.join(wf["fixture"].as_str().unwrap())));
    }
    // Where the scenario's ${ROOT}, ${SRC}, ${WAREHOUSE} and ${OUT} are, as the engine is given them (a cluster:
    // file:// URLs on the gateway), the local paths of the source root and warehouse, and the CLI's own vars.
    let (urls, src, warehouse, vars, remote) = match target {
        Target::Embedded => {
            let src = root.join("src");
            let warehouse = root.join("warehouse");
            std::fs::create_dir_all(&src).unwrap();
            for (path, local) in &warehouse_files {
                let dst = warehouse.join(path);
                std::fs::create_dir_all(dst.parent().unwrap()).unwrap();
                std::fs::copy(local, dst).unwrap();
            }
            let show = |p: &Path| p.display().to_string();
            let urls = [show(&root), show(&src), show(&warehouse), show(&root.join("out"))];
            let vars = vec![("tracking_logs".to_string(), show(&src)), ("warehouse".to_string(), show(&warehouse))];
            (urls, src, warehouse, vars, None)
        }
        Target::Cluster(cluster) => {
            let run = cluster.lay_out(name, &logs, &warehouse_files);
            let urls = [run.url(""), run.url("/src"), run.url("/wh"), run.url("/out")];
            let (src, warehouse) = (run.path("/src"), run.path("/wh"));
            let mut vars =
                vec![("tracking_logs".to_string(), urls[1].clone()), ("warehouse".to_string(), urls[2].clone())];
            vars.extend(run.vars);
            (urls, src, warehouse, vars, Some(run.dirs))
        }
    };
    let mut dbs = Vec::new();
    let (lms, result_store) = match backend {
        Backend::Sqlite => {
            // The scenario's own LMS tables (derived from its SQL fixtures) where they differ from the shared ones.
            let own = repo().join("tests/fixtures/lms").join(name);
            let lms = if own.is_dir() { own } else { repo().join("tests/fixtures/lms") };
            (lms.display().to_string(), root.join("results.sqlite").display().to_string())
        }
        Backend::Mariadb => {
            let lms = TestDb::new("lms");
            for sql in spec.get("sql").and_then(|v| v.as_array()).into_iter().flatten() {
                let text = std::fs::read_to_string(fixtures.join(sql["fixture"].as_str().unwrap())).unwrap();
                run_mysql_script(&lms.url, &text).expect("load LMS fixture into MariaDB");
            }
            let rs = TestDb::new("rs");
            let urls = (lms.url.clone(), rs.url.clone());
            dbs.push(lms);
            dbs.push(rs);
            urls
        }
    };
    // The credentials file the original took for the result store ([database-export]): MySQL host and user for
    // MariaDB; for SQLite, edxc's `{"url": ...}` form, since a SQLite store has no server.
    let credentials = root.join("export-credentials.json");
    let export_db_name = match result_store.strip_prefix("mysql://") {
        Some(rest) => rest.rsplit('/').next().unwrap_or_default().to_string(),
        None => "export".to_string(),
    };
    let creds = match backend {
        Backend::Sqlite => serde_json::json!({ "url": format!("sqlite:{result_store}") }),
        Backend::Mariadb => {
            serde_json::json!({ "host": "127.0.0.1", "port": 3306, "username": "root", "password": "" })
        }
    };
    std::fs::write(&credentials, creds.to_string()).unwrap();
    // The LMS's ([database-import] credentials): the same MySQL server (the database is the one `lms` names, as the
    // original took it from [database-import] database); for the TSV exports, edxc's `{"url": ...}` form.
    let import_credentials = root.join("import-credentials.json");
    let import_creds = match backend {
        Backend::Sqlite => serde_json::json!({ "url": lms }),
        Backend::Mariadb => {
            serde_json::json!({ "host": "127.0.0.1", "port": 3306, "username": "root", "password": "" })
        }
    };
    std::fs::write(&import_credentials, import_creds.to_string()).unwrap();
    let import_db_name = match lms.strip_prefix("mysql://") {
        Some(rest) => rest.rsplit('/').next().unwrap_or_default().to_string(),
        None => "import".to_string(),
    };
    let [root_url, src_url, warehouse_url, out_url] = urls;
    let mut placeholders: Vec<(String, String)> = vec![
        ("${ROOT}".into(), root_url),
        ("${SRC}".into(), src_url),
        ("${WAREHOUSE}".into(), warehouse_url),
        ("${OUT}".into(), out_url),
        ("${EXPORT_DB_CREDENTIALS}".into(), credentials.display().to_string()),
        ("${EXPORT_DB_NAME}".into(), export_db_name.clone()),
        ("${IMPORT_DB_CREDENTIALS}".into(), import_credentials.display().to_string()),
        ("${IMPORT_DB_NAME}".into(), import_db_name),
        // Any unique suffix (README.upstream.md): the scenario's scratch directory is unique.
        ("${TIMESTAMP}".into(), unique_suffix(&root)),
        // The original answer distribution's Hadoop input-format jar: a parameter edxc accepts and does not use.
        ("${ODDJOB_JAR}".into(), root.join("oddjob.jar").display().to_string()),
    ];
    placeholders.extend(dates.iter().map(|(k, v)| (k.to_string(), v.clone())));
    let substitute = |text: &str| substitute_in(name, &placeholders, text);
    // A GeoIP country database where the scenario needs one ([geolocation] geolocation_data of the original's
    // configuration): built from the facts the scenario's notes list (scripts/make-geoip-mmdb.py).
    let mut vars = vars;
    if spec.get("external").and_then(|e| e.get("geoip")).is_some() {
        let db = repo().join("tests/fixtures/geoip").join(format!("{name}.mmdb"));
        assert!(db.is_file(), "scenario {name} needs a GeoIP database: {} (scripts/make-geoip-mmdb.py)", db.display());
        vars.push(("geoip_database".to_string(), db.display().to_string()));
    }
    let mut runs = Vec::new();
    let mut early_failures = Vec::new();
    for run in spec.get("runs").and_then(|v| v.as_array()).into_iter().flatten() {
        let mut args: Vec<String> = vec!["apply".into(), "--auto-approve".into()];
        if let Target::Cluster(_) = target {
            args.extend(["--profile".into(), cluster::PROFILE.into()]);
        }
        // The original task's name, as given: each pipeline lists the tasks it replaces (`[pipeline] tasks`).
        let pipeline = run["task"].as_str().unwrap();
        args.extend(["--pipeline".into(), pipeline.into()]);
        for (k, v) in vars.iter().cloned().chain([
            ("result_store".to_string(), result_store.clone()),
            ("lms".to_string(), lms.clone()),
            ("state".to_string(), root.join("state.sqlite").display().to_string()),
        ]) {
            args.push("--var".into());
            args.push(format!("{k}={v}"));
        }
        // The scenario's configuration, then the run's (README.upstream.md, "Configuration"): each key of the
        // original's configuration file as given, `--config section.key=value`; the pipeline maps it onto its params.
        for config in [spec.get("config"), run.get("config")].into_iter().flatten() {
            for (section, keys) in config.as_table().expect("[config] holds sections") {
                for (key, value) in keys.as_table().expect("a [config] section holds keys") {
                    let text = match value {
                        toml::Value::String(s) => substitute(s),
                        other => other.to_string(),
                    };
                    args.extend(["--config".into(), format!("{section}.{key}={text}")]);
                }
            }
        }
        // Every parameter of the original task, as given (placeholders filled in, lists as JSON).
        let params = run.get("params").and_then(|p| p.as_table()).cloned().unwrap_or_default();
        for (k, v) in &params {
            let text = match v {
                toml::Value::String(s) => substitute(s),
                toml::Value::Integer(n) => n.to_string(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Array(items) => serde_json::Value::Array(
                    items
                        .iter()
                        .map(|i| serde_json::Value::String(substitute(i.as_str().expect("a list of strings"))))
                        .collect(),
                )
                .to_string(),
                other => panic!("scenario {name}: parameter {k} has an unexpected value {other}"),
            };
            args.extend(["--param".into(), format!("{k}={text}")]);
        }
        let (code, out, err) = edxc(&args);
        assert_eq!(code, 0, "edxc {} failed:\n{out}\n{err}", args.join(" "));
        runs.push((args.join(" "), out, err));
        // Items checked right after this run, before the next one changes anything.
        for item in after_run_items(&spec, Some(runs.len())) {
            if let Err(e) = check_item(name, &placeholders, item) {
                early_failures.push(format!("after run {}: {e}", runs.len()));
            }
        }
    }
    let mut run_dates = vec![run_date];
    let after = chrono::Utc::now().date_naive();
    if after != run_date {
        run_dates.push(after);
    }
    World { dir, src, warehouse, result_store, lms, dbs, remote, runs, run_dates, placeholders, early_failures }
}
/// `${TIMESTAMP}`: the seconds since the epoch (as the original test), made unique by the scratch directory's name.
fn unique_suffix(root: &Path) -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let dir = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let dir: String = dir.chars().filter(char::is_ascii_alphanumeric).collect();
    format!("{secs}{dir}")
}

/// A scenario text with its placeholders filled in; an unknown placeholder fails the test.
fn substitute_in(name: &str, placeholders: &[(String, String)], text: &str) -> String {
    let mut out = text.to_string();
    for (k, v) in placeholders {
        out = out.replace(k, v);
    }
    assert!(!out.contains("${"), "scenario {name}: unknown placeholder in `{text}`");
    out
}

/// Renders the Jinja2 subset of the templated tracking logs: `{{ start_date }}` and `{{ start_date + days(N) }}`,
/// a date printed as `YYYY-MM-DD`. Anything else in `{{ }}` fails the test.
pub fn render_template(text: &str, start_date: chrono::NaiveDate) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let close = rest[open..].find("}}").expect("unclosed {{ in template") + open;
        let expr: String = rest[open + 2..close].chars().filter(|c| !c.is_whitespace()).collect();
        let date = match expr.strip_prefix("start_date") {
            Some("") => start_date,
            Some(shift) => {
                let n = shift
                    .strip_prefix("+days(")
                    .and_then(|s| s.strip_suffix(')'))
                    .and_then(|n| n.parse::<i64>().ok())
                    .unwrap_or_else(|| panic!("template expression `{expr}` is not supported"));
                start_date + chrono::Duration::days(n)
            }
            None => panic!("template expression `{expr}` is not supported"),
        };
        out.push_str(&date.format("%Y-%m-%d").to_string());
        rest = &rest[close + 2..];
    }
    out.push_str(rest);
    out
}

/// The items [`check_item`] checks (every `[[checks]]` item and the `histogram` `[[expected]]` items) that are due
/// after run `run` (`after_run = N`), or, for `None`, those without `after_run` (checked after the last run). Table
/// and partition items are `check_expected`'s, after the last run.
fn after_run_items(spec: &toml::Table, run: Option<usize>) -> Vec<&toml::Value> {
    let expected = spec.get("expected").and_then(|v| v.as_array()).into_iter().flatten();
    let histograms = expected.filter(|e| e.get("kind").and_then(|k| k.as_str()) == Some("histogram"));
    let checks = spec.get("checks").and_then(|v| v.as_array()).into_iter().flatten();
    histograms
        .chain(checks)
        .filter(|item| item.get("after_run").and_then(|n| n.as_integer()).map(|n| n as usize) == run)
        .collect()
}

/// `fnmatch`, where `*` also crosses `/` (README.upstream.md, `file_count`); `?` is one character.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
    assert!(!p.contains(&'['), "glob `{pattern}`: character classes are not supported");
    // Positions of `p` reachable after each character of `t`.
    let mut states = vec![false; p.len() + 1];
    states[0] = true;
    let close = |states: &mut Vec<bool>| {
        for i in 0..p.len() {
            if states[i] && p[i] == '*' {
                states[i + 1] = true;
            }
        }
    };
    close(&mut states);
    for c in t {
        let mut next = vec![false; p.len() + 1];
        for i in 0..p.len() {
            if states[i] && (p[i] == '*' || p[i] == '?' || p[i] == c) {
                next[if p[i] == '*' { i } else { i + 1 }] = true;
            }
        }
        close(&mut next);
        states = next;
    }
    states[p.len()]
}

/// Files under `dir` (recursively or not) whose path relative to `dir` matches `glob`, with their sizes; a
/// missing directory has none.
fn matching_files(dir: &Path, glob: &str, recursive: bool) -> Vec<(PathBuf, u64)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                if recursive {
                    stack.push(p);
                }
            } else if glob_match(glob, &p.strip_prefix(dir).unwrap().display().to_string()) {
                out.push((p.clone(), std::fs::metadata(&p).map(|m| m.len()).unwrap_or(0)));
            }
        }
    }
    out.sort();
    out
}

/// One `[[expected]]` `histogram` or `[[checks]]` item of a scenario; table items are `check_expected`'s.
fn check_item(name: &str, placeholders: &[(String, String)], item: &toml::Value) -> Result<(), String> {
    // A cluster target's roots are the gateway's `file://` URLs, on this machine's disk.
    let s = |k: &str| {
        let v = substitute_in(name, placeholders, item.get(k).and_then(|v| v.as_str())?);
        Some(v.strip_prefix("file://").map(str::to_string).unwrap_or(v))
    };
    let kind = s("kind").unwrap_or_default();
    match kind.as_str() {
        "file_count" => {
            let (under, glob) = (s("under").unwrap(), s("glob").unwrap());
            let recursive = item.get("recursive").and_then(|v| v.as_bool()).unwrap_or(false);
            // Only non-empty files count (the original listings skipped zero-length objects).
            let n = matching_files(Path::new(&under), &glob, recursive).iter().filter(|(_, size)| *size > 0).count();
            let equals = item.get("equals").and_then(|v| v.as_integer());
            let at_least = item.get("at_least").and_then(|v| v.as_integer());
            match (equals, at_least) {
                (Some(e), _) if n as i64 != e => Err(format!("{n} file(s) `{glob}` under {under}, expected {e}")),
                (_, Some(a)) if (n as i64) < a => Err(format!("{n} file(s) `{glob}` under {under}, expected >= {a}")),
                _ => Ok(()),
            }
        }
        "histogram" => {
            let (under, glob) = (s("under").unwrap(), s("glob").unwrap());
            let gunzip = item.get("gunzip").and_then(|v| v.as_bool()).unwrap_or(false);
            let keys: Vec<&str> = item["key"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
            let mut counts: std::collections::BTreeMap<Vec<Option<String>>, u64> = Default::default();
            for (path, _) in matching_files(Path::new(&under), &glob, true) {
                let bytes = std::fs::read(&path).unwrap();
                let text = if gunzip {
                    let mut t = String::new();
                    std::io::Read::read_to_string(&mut flate2::read::MultiGzDecoder::new(&bytes[..]), &mut t)
                        .map_err(|e| format!("{}: {e}", path.display()))?;
                    t
                } else {
                    String::from_utf8_lossy(&bytes).into_owned()
                };
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    let v: serde_json::Value =
                        serde_json::from_str(line).map_err(|e| format!("{}: {e}: {line}", path.display()))?;
                    // A dotted path; a missing member reads as NULL (`event.get(k, {}).get(...)`).
                    let key = keys
                        .iter()
                        .map(|k| match k.split('.').try_fold(&v, |v, part| v.get(part)) {
                            None | Some(serde_json::Value::Null) => None,
                            Some(serde_json::Value::String(s)) => Some(s.clone()),
                            Some(other) => Some(other.to_string()),
                        })
                        .collect();
                    *counts.entry(key).or_default() += 1;
                }
            }
            let actual: Vec<Vec<Option<String>>> = counts
                .into_iter()
                .map(|(mut k, n)| {
                    k.push(Some(n.to_string()));
                    k
                })
                .collect();
            let (_, rows) = read_csv(&scenario_dir(name).join(s("file").unwrap()));
            let expected: Vec<Vec<Option<String>>> =
                rows.iter().map(|r| r.iter().map(|c| (c != "\\N").then(|| c.clone())).collect()).collect();
            compare_rows(&format!("histogram of {under}/{glob}"), &expected, &actual, false)
        }
        "exists" => {
            let path = s("path").unwrap();
            if Path::new(&path).exists() {
                Ok(())
            } else {
                Err(format!("{path} does not exist"))
            }
        }
        // Stated in words (`property`) or against the result store (`sql_count`): the scenario's own test asserts
        // them (tests/conformance.rs, the answer distribution scenarios).
        "property" | "sql_count" => Ok(()),
        other => Err(format!("check kind `{other}` is not implemented by the harness")),
    }
}

/// Checks every `[[expected]]` entry of a scenario against the world. Returns the failures.
pub fn check_expected(name: &str, w: &World) -> Vec<String> {
    let sdir = scenario_dir(name);
    let spec: toml::Table = toml::from_str(&std::fs::read_to_string(sdir.join("scenario.toml")).unwrap()).unwrap();
    let mut failures = w.early_failures.clone();
    // Items checked after the last run (the others were checked right after their run).
    for item in after_run_items(&spec, None) {
        if let Err(e) = check_item(name, &w.placeholders, item) {
            failures.push(e);
        }
    }
    let mut store = edxc::sinks::result_store::open(&w.result_store).expect("result store opens");
    for e in spec.get("expected").and_then(|v| v.as_array()).into_iter().flatten() {
        if e.get("kind").and_then(|k| k.as_str()) == Some("file_set") {
            files::check_file_set(&sdir, e.as_table().unwrap(), w, &mut failures);
            continue;
        }
        if e.get("kind").and_then(|k| k.as_str()) == Some("file") {
            files::check_file(&sdir, e.as_table().unwrap(), w, &mut failures);
            continue;
        }
        if e.get("kind").and_then(|k| k.as_str()) == Some("histogram") {
            continue;
        }
        let table = e["name"].as_str().unwrap();
        let (header, rows) = read_csv(&sdir.join(e["file"].as_str().unwrap()));
        let compare = e["compare"].as_str().unwrap();
        let csv_null_is_empty = compare == "table_file";
        // `${RUN_DATE}` in a cell is the date the runs were made (either one, if they crossed midnight UTC).
        let expected_on = |date: &chrono::NaiveDate| -> Vec<Vec<Option<String>>> {
            rows.iter()
                .map(|r| {
                    r.iter()
                        .map(|c| {
                            if c == "\\N" || (csv_null_is_empty && c.is_empty()) {
                                None
                            } else {
                                Some(c.replace("${RUN_DATE}", &date.to_string()))
                            }
                        })
                        .collect()
                })
                .collect()
        };
        let from_store = e.get("store").and_then(|s| s.as_str()) == Some("result_store");
        let actual: Vec<Vec<Option<String>>> = if from_store {
            // `where`: only the rows the scenario asserts (README.upstream.md, `rows_unordered`).
            let filter = e.get("where").and_then(|w| w.as_str()).map(|w| format!(" WHERE {w}")).unwrap_or_default();
            let sql = format!("SELECT {} FROM {table}{filter}", header.join(", "));
            store.query(&sql).unwrap_or_else(|err| panic!("{sql}: {err}"))
        } else {
            // A warehouse (Hive) partition: columns by the pipeline's declaration of the table.
            let part = e.get("partition").and_then(|p| p.as_str()).unwrap();
            let columns = declared_columns(table);
            let rows =
                edxc::warehouse::read_partition(&w.warehouse, table, part.trim_start_matches("dt="), columns.len())
                    .unwrap();
            let idx: Vec<usize> = header
                .iter()
                .map(|h| columns.iter().position(|c| c == h).unwrap_or_else(|| panic!("{table} has no column {h}")))
                .collect();
            rows.into_iter().map(|r| idx.iter().map(|&i| r[i].clone()).collect()).collect()
        };
        let mut failure = None;
        for d in &w.run_dates {
            match compare_rows(table, &expected_on(d), &actual, compare == "rows_contain") {
                Ok(()) => {
                    failure = None;
                    break;
                }
                Err(msg) => {
                    failure.get_or_insert(msg);
                }
            }
        }
        failures.extend(failure);
    }
    files::check_checks(&spec, w, &mut failures);
    failures
}

pub fn declared_columns(table: &str) -> Vec<String> {
    let project = edxc::config::Project::new(repo());
    let mut pipelines = project.load_pipelines(&[]).expect("pipelines load");
    for p in &mut pipelines {
        let d = edxc::validate::validate(p, &project.templates_dir());
        assert!(d.is_empty(), "{d:?}");
        if let Some(cols) = p.columns_of(table) {
            return cols.into_iter().map(|c| c.name).collect();
        }
    }
    panic!("no pipeline declares table {table}")
}
