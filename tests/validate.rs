//! `edxc validate`: each kind of mistake gets one diagnostic at the right file:line:col with a useful message.

mod common;
use common::copy_dir;
use std::path::Path;
use std::process::Command;

const BASE: &str = r#"[pipeline]
name = "demo"

[params]
overwrite_n_days = 3
end_date = "2014-07-01"

[sources.tracking]
type = "tracking_log"

[transforms.events]
type = "map"
inputs = ["tracking"]
extractor = "enrollment"
window = { end = "end_date", days = "overwrite_n_days" }

[transforms.daily]
type = "sql"
inputs = ["events"]
template = "sql/demo.sql"
partition = "{{ end_date }}"
columns = ["course_id string", "n int"]

[sinks.daily]
type = "result_store"
inputs = ["daily"]
columns = ["course_id varchar(255) not null", "n int"]
"#;

const SQL: &str =
    "SELECT e.course_id, COUNT(1) AS n FROM events e WHERE e.dt < '{{ end_date }}' GROUP BY e.course_id\n";

/// A project with one pipeline file (BASE with `edit` applied) and the given SQL body.
fn project(pipeline: &str, sql: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("pipelines")).unwrap();
    std::fs::create_dir_all(root.join("templates/sql")).unwrap();
    std::fs::create_dir_all(root.join("target-profiles")).unwrap();
    std::fs::write(root.join("pipelines/demo.toml"), pipeline).unwrap();
    std::fs::write(root.join("templates/sql/demo.sql"), sql).unwrap();
    std::fs::write(
        root.join("target-profiles/local.toml"),
        "engine = \"embedded\"\ntracking_logs = \"logs\"\nwarehouse = \"wh\"\nresult_store = \"r.sqlite\"\n",
    )
    .unwrap();
    dir
}

fn validate(root: &Path, extra: &[&str]) -> (i32, String, String) {
    let out =
        Command::new(env!("CARGO_BIN_EXE_edxc")).arg("--root").arg(root).arg("validate").args(extra).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// Asserts exit 1 and that stderr names `pipelines/demo.toml:<line>:<col>` together with `needle`.
fn expect_error(pipeline: &str, sql: &str, line: usize, col: usize, needle: &str) {
    let dir = project(pipeline, sql);
    let (code, _, err) = validate(dir.path(), &[]);
    assert_eq!(code, 1, "expected failure, stderr:\n{err}");
    let at = format!("pipelines/demo.toml:{line}:{col}: error:");
    let hit = err.lines().any(|l| l.starts_with(&at) && l.contains(needle));
    assert!(hit, "expected `{at} ... {needle}` in:\n{err}");
    assert!(err.contains("hint:"), "every error has a hint:\n{err}");
}

#[test]
fn the_base_pipeline_is_valid() {
    let dir = project(BASE, SQL);
    let (code, out, err) = validate(dir.path(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("1 pipeline(s) valid"), "{out}");
}

#[test]
fn unknown_key() {
    let p = BASE.replace("extractor = \"enrollment\"", "extractor = \"enrollment\"\nextracter = \"x\"");
    expect_error(&p, SQL, 15, 1, "unknown field `extracter`");
}

#[test]
fn bad_type() {
    let p = BASE.replace("inputs = [\"events\"]", "inputs = \"events\"");
    expect_error(&p, SQL, 19, 10, "invalid type");
}

#[test]
fn invalid_toml() {
    let p = BASE.replace("[sources.tracking]", "[sources.tracking");
    expect_error(&p, SQL, 8, 18, "unclosed table");
}

#[test]
fn key_not_allowed_for_type() {
    let p = BASE.replace("template = \"sql/demo.sql\"", "template = \"sql/demo.sql\"\nextractor = \"video\"");
    expect_error(&p, SQL, 21, 13, "`extractor` is not a setting of a transform of type `sql`");
}

#[test]
fn dangling_input() {
    let p = BASE.replace("inputs = [\"events\"]", "inputs = [\"evnets\"]");
    expect_error(&p, SQL, 19, 11, "reads `evnets`, which is not defined");
}

#[test]
fn cycle() {
    let p = BASE.replace("inputs = [\"events\"]", "inputs = [\"events\", \"daily\"]");
    expect_error(&p, SQL, 17, 13, "cycle");
}

#[test]
fn template_columns_differ_from_declared() {
    let sql = SQL.replace("AS n", "AS total");
    expect_error(BASE, &sql, 20, 12, "selects [course_id, total]");
}

#[test]
fn sink_column_missing_upstream() {
    let p = BASE.replace(
        "columns = [\"course_id varchar(255) not null\", \"n int\"]",
        "columns = [\"course_id varchar(255) not null\", \"m int\"]",
    );
    expect_error(&p, SQL, 27, 47, "column `m` is not produced by `daily`");
}

#[test]
fn invalid_identifier() {
    let p = BASE
        .replace("[transforms.daily]", "[transforms.Daily]")
        .replace("inputs = [\"daily\"]", "inputs = [\"Daily\"]");
    expect_error(&p, SQL, 17, 13, "not a valid SQL identifier");
}

#[test]
fn invalid_column_type() {
    let p = BASE.replace("\"n int\"]\n\n[sinks", "\"n integer\"]\n\n[sinks");
    expect_error(&p, SQL, 22, 32, "invalid column `n integer`");
}

#[test]
fn unknown_extractor_and_variable() {
    let p = BASE.replace("extractor = \"enrollment\"", "extractor = \"enrolment\"");
    expect_error(&p, SQL, 14, 13, "unknown extractor `enrolment`");
    let sql = SQL.replace("end_date", "end_dat");
    expect_error(BASE, &sql, 20, 12, "unknown variable `end_dat`");
}

#[test]
fn json_diagnostics() {
    let p = BASE.replace("inputs = [\"events\"]", "inputs = [\"evnets\"]");
    let dir = project(&p, SQL);
    let (code, out, _) = validate(dir.path(), &["--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], false);
    let d = &v["diagnostics"][0];
    assert_eq!(d["phase"], "wiring");
    assert_eq!(d["file"], "pipelines/demo.toml");
    assert_eq!(d["line"], 19);
    assert_eq!(d["column"], 11);
    assert!(d["hint"].as_str().unwrap().contains("events"));
}

#[test]
fn profile_errors() {
    let dir = project(BASE, SQL);
    let (code, _, err) = validate(dir.path(), &["--var", "engine=spark"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown engine `spark`"), "{err}");
    // Secrets are resolved only by commands that connect: validate checks their form, not their value.
    let (code, out, err) =
        validate(dir.path(), &["--var", "result_store=mysql://u:SECRET[env.EDXC_UNSET_PW_XYZ]@h/db"]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, _, err) = validate(dir.path(), &["--var", "result_store=mysql://u:SECRET[oops]@h/db"]);
    assert_eq!(code, 1);
    assert!(err.contains("malformed secret reference"), "{err}");
    let (code, _, err) = validate(dir.path(), &["--var", "result_store=postgres://u@h/db"]);
    assert_eq!(code, 1);
    assert!(err.contains("unsupported result store scheme `postgres:`"), "{err}");
    let (code, _, err) = validate(dir.path(), &["--var", "max_bad_ratio=2"]);
    assert_eq!(code, 1);
    assert!(err.contains("max_bad_ratio"), "{err}");
    let (code, _, err) = validate(dir.path(), &["--var", "no_such_key=1"]);
    assert_eq!(code, 1);
    assert!(err.contains("unknown profile key `no_such_key`"), "{err}");
}

#[test]
fn cluster_profiles_validate_without_their_secrets() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, out, err) = validate(root, &["--profile", "hadoop.example"]);
    assert_eq!(code, 0, "{out}{err}");
}

#[test]
fn shipped_pipelines_are_valid() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let (code, out, err) = validate(root, &[]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("enrollments") && out.contains("user_activity"), "{out}");
}

// --- SQL bodies are planned (DataFusion, the embedded engine's session) against their inputs' schemas ---

/// A copy of the shipped project (pipelines, templates, profiles).
fn shipped_copy() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    for d in ["pipelines", "templates", "target-profiles", "sample-data/geoip"] {
        copy_dir(&repo.join(d), &dir.path().join(d));
    }
    dir
}

/// Applies `from` → `to` (which must occur) to a file of the project at `root`.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "`{from}` not in {file}");
    std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

/// Asserts exit 1 and a diagnostic line starting with `at` (file:line:col) that contains `needle`, with a hint.
fn expect_at(root: &Path, at: &str, needle: &str) -> String {
    let (code, _, err) = validate(root, &[]);
    assert_eq!(code, 1, "expected failure, stderr:\n{err}");
    let prefix = format!("{at}: error:");
    let hit = err.lines().any(|l| l.starts_with(&prefix) && l.contains(needle));
    assert!(hit, "expected `{prefix} ... {needle}` in:\n{err}");
    assert!(err.contains("hint:"), "every error has a hint:\n{err}");
    err
}

const DAILY: &str = "templates/sql/enrollments/course_enrollment_daily.sql";

#[test]
fn sql_unknown_column_in_a_shipped_template() {
    let dir = shipped_copy();
    edit(dir.path(), DAILY, "SUM(ce.at_end)", "SUM(ce.at_ending)");
    let err = expect_at(dir.path(), &format!("{DAILY}:4:12"), "column 'at_ending' not found");
    assert!(err.contains("ce.at_end"), "the hint names the columns there:\n{err}");
}

#[test]
fn sql_string_into_a_date_column() {
    let dir = shipped_copy();
    edit(dir.path(), DAILY, "       ce.`date`,", "       ce.course_id AS `date`,");
    expect_at(
        dir.path(),
        &format!("{DAILY}:3:8"),
        "declares `date` date, but select item 2 (`ce.course_id`) is a string",
    );
}

#[test]
fn sql_number_into_a_date_column_and_string_into_a_number() {
    let dir = shipped_copy();
    edit(dir.path(), DAILY, "       ce.`date`,", "       MAX(ce.user_id) AS `date`,");
    edit(dir.path(), DAILY, "COUNT(ce.user_id) AS", "MAX(ce.mode) AS");
    edit(dir.path(), DAILY, "GROUP BY ce.course_id, ce.`date`", "GROUP BY ce.course_id");
    let err = expect_at(dir.path(), &format!("{DAILY}:3:8"), "is an int");
    assert!(err.contains(&format!("{DAILY}:5:8: error:")) && err.contains("`cumulative_count` int"), "{err}");
}

#[test]
fn sql_unknown_function_table_and_syntax() {
    // The placeholder before the mistake renders shorter than it is written: columns are the template's.
    let sql = "SELECT e.course_id,\n       COUNT(1) AS n\nFROM events e\nWHERE e.dt < '{{ end_date }}' AND lenght(e.mode) > 0\nGROUP BY e.course_id\n";
    let dir = project(BASE, sql);
    expect_at(dir.path(), "templates/sql/demo.sql:4:35", "Invalid function 'lenght'");
    let dir = project(BASE, &SQL.replace("FROM events e", "FROM event e"));
    expect_at(dir.path(), "templates/sql/demo.sql:1:40", "table 'event' not found");
    let dir = project(BASE, &SQL.replace("WHERE e.dt <", "WHERE e.dt < <"));
    expect_at(dir.path(), "templates/sql/demo.sql:1:62", "SQL does not parse");
    let dir = project(
        BASE,
        "-- e.nope in a comment\nSELECT e.course_id, COUNT(e.nope) AS n FROM events e GROUP BY e.course_id\n",
    );
    let (code, out, _) = validate(dir.path(), &["--format", "json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let d = &v["diagnostics"][0];
    assert_eq!(
        (d["file"].as_str(), d["line"].as_u64(), d["column"].as_u64()),
        (Some("templates/sql/demo.sql"), Some(2), Some(27))
    );
}

#[test]
fn sql_correct_template_passes_and_the_check_is_live_on_it() {
    // Dates, timestamps and numbers reached through aggregates, CASE, to_date, concat, subqueries and joins.
    let pipeline = BASE
        .replace(
            "columns = [\"course_id string\", \"n int\"]",
            "columns = [\"course_id string\", \"day date\", \"first_seen timestamp\", \"week_start timestamp\", \"n bigint\", \"share double\"]",
        )
        .replace(
            "columns = [\"course_id varchar(255) not null\", \"n int\"]",
            "columns = [\"course_id varchar(255) not null\", \"n int\"]\n",
        );
    let sql = "SELECT per_day.course_id,\n       per_day.day,\n       CASE WHEN per_day.n > 0 THEN per_day.day ELSE NULL END AS first_seen,\n       CONCAT(per_day.day, ' 00:00:00') AS week_start,\n       per_day.n,\n       per_day.n / 2.0 AS share\nFROM (\n    SELECT e.course_id, MAX(to_date(e.`timestamp`)) AS day, COUNT(1) AS n\n    FROM events e\n    WHERE e.dt < '{{ end_date }}'\n    GROUP BY e.course_id\n) per_day\n";
    let dir = project(&pipeline, sql);
    let (code, out, err) = validate(dir.path(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    // The same body with one output swapped for a string is refused.
    std::fs::write(
        dir.path().join("templates/sql/demo.sql"),
        sql.replace("       per_day.day,", "       per_day.course_id AS day,"),
    )
    .unwrap();
    expect_at(dir.path(), "templates/sql/demo.sql:2:8", "declares `day` date");
}

#[test]
fn every_shipped_template_is_planned_and_valid() {
    let dir = shipped_copy();
    let (code, out, err) = validate(dir.path(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    // Each SQL template is really planned: a misspelt table in any of them is reported where it stands.
    let mut templates = Vec::new();
    for sub in std::fs::read_dir(dir.path().join("templates/sql")).unwrap() {
        for f in std::fs::read_dir(sub.unwrap().path()).unwrap() {
            templates.push(f.unwrap().path());
        }
    }
    templates.sort();
    assert!(templates.len() >= 8, "{templates:?}");
    for path in templates {
        let text = std::fs::read_to_string(&path).unwrap();
        // The first `FROM <table>` (not `FROM (`).
        let (line_no, line, col) = text
            .lines()
            .enumerate()
            .find_map(|(n, l)| {
                let col = l.find("FROM ")? + "FROM ".len();
                l[col..].starts_with(|c: char| c.is_ascii_alphabetic()).then_some((n, l, col))
            })
            .unwrap();
        let table: String = line[col..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
        let broken = format!("{}FROM {table}_x{}", &line[..col - 5], &line[col + table.len()..]);
        std::fs::write(&path, text.replacen(line, &broken, 1)).unwrap();
        let shown = path.strip_prefix(dir.path()).unwrap().display().to_string();
        expect_at(dir.path(), &format!("{shown}:{}:{}", line_no + 1, col + 1), &format!("table '{table}_x' not found"));
        std::fs::write(&path, text).unwrap();
    }
}

/// BASE plus a csv sink of `daily` with the given settings.
fn with_csv(settings: &str) -> String {
    format!("{BASE}\n[sinks.report]\ntype = \"csv\"\ninputs = [\"daily\"]\ncolumns = [\"course_id string\", \"n int\"]\n{settings}\n")
}

/// Line and column (1-based) just after the first occurrence of `prefix` in `text`.
fn after(text: &str, prefix: &str) -> (usize, usize) {
    let at = text.find(prefix).unwrap_or_else(|| panic!("`{prefix}` not in {text}")) + prefix.len();
    let line = text[..at].matches('\n').count() + 1;
    let col = at - text[..at].rfind('\n').map_or(0, |i| i + 1) + 1;
    (line, col)
}

/// `expect_error` at the position just after `prefix`.
fn expect_error_after(pipeline: &str, prefix: &str, needle: &str) {
    let (line, col) = after(pipeline, prefix);
    expect_error(pipeline, SQL, line, col, needle);
}

#[test]
fn csv_sinks_are_checked() {
    let ok = with_csv(
        "dir = \"{{ end_date }}\"\nfile = \"{course_id|sha1}/n.csv\"\nsort_by = [\"n\"]\n[sinks.report.format]\nheader = \
         [\"Course\", \"N\"]\nquoting = \"all\"\nline_end = \"\\n\"",
    );
    let dir = project(&ok, SQL);
    let (code, out, err) = validate(dir.path(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    let file = |f: &str| with_csv(&format!("dir = \"out\"\nfile = \"{f}\""));
    expect_error_after(&file("{course_id|md5}.csv"), "file = ", "unknown filter `md5`");
    expect_error_after(&file("../{course_id}.csv"), "file = ", "`..`");
    expect_error_after(&file("all.csv"), "file = ", "names no column");
    expect_error_after(&file("{user}.csv"), "file = ", "`user`, which `daily` does not produce");
    let t = with_csv("dir = \"{{ nope }}\"\nfile = \"{course_id}.csv\"");
    expect_error_after(&t, "dir = ", "nope");
    let t = with_csv("dir = \"out\"\nfile = \"{course_id}.csv\"\nsort_by = [\"m\"]");
    expect_error_after(&t, "sort_by = [", "`m`");
    let t = with_csv("dir = \"out\"\nfile = \"{course_id}.csv\"\n[sinks.report.format]\nheader = [\"A\"]");
    expect_error_after(&t, "file = ", "1 header names for 2 columns");
    let t = with_csv("dir = \"out\"\nfile = \"{course_id}.csv\"\n[sinks.report.format]\nquoting = \"sometimes\"");
    expect_error_after(&t, "file = \"{course_id}.csv\"\n", "unknown csv quoting");
    let t = with_csv("file = \"{course_id}.csv\"\nindexes = [[\"n\"]]");
    expect_error_after(&t, "indexes = [[", "`indexes` is not a setting");
}

#[test]
fn a_map_without_a_window_needs_a_partition_and_valid_globs() {
    let window = "window = { end = \"end_date\", days = \"overwrite_n_days\" }";
    let no_window = BASE.replace(window, "include = \"*.gz\"");
    expect_error_after(&no_window, "[transforms.", "needs `window` (or `partition`)");
    let bad_globs = BASE.replace(window, "partition = \"all\"\ninclude = \"[1, 2]\"");
    expect_error_after(&bad_globs, "include = ", "include:");
    let both = BASE.replace(window, &format!("{window}\npartition = \"all\""));
    expect_error_after(&both, "partition = ", "`partition` is not a setting");
    let ok = BASE.replace(window, "partition = \"all\"");
    let dir = project(&ok, SQL);
    let (code, out, err) = validate(dir.path(), &[]);
    assert_eq!(code, 0, "{out}{err}");
}

/// The location pipeline needs a readable GeoIP database: a missing or foreign file is an error naming it, at the
/// profile key that sets it.
#[test]
fn a_missing_or_unreadable_geoip_database_is_named() {
    let dir = shipped_copy();
    let db = "sample-data/geoip/GeoLite2-Country-sample.mmdb";
    std::fs::remove_file(dir.path().join(db)).unwrap();
    let (code, _, err) = validate(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("target-profiles/local.toml:") && err.contains(&format!("{db} does not exist")), "{err}");
    std::fs::write(dir.path().join(db), b"not a MaxMind database").unwrap();
    let (code, _, err) = validate(dir.path(), &[]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("cannot be read as a MaxMind DB"), "{err}");
    // Pipelines that look nothing up do not need it.
    let (code, _, err) = validate(dir.path(), &["--pipeline", "enrollments"]);
    assert_eq!(code, 0, "{err}");
}

/// `apply` refuses a missing GeoIP database before any work: the path is named and nothing is written.
#[test]
fn apply_names_a_missing_geoip_database_before_any_work() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("GeoLite2-Country.mmdb");
    let var = |k: &str, v: &Path| format!("{k}={}", v.display());
    let out = Command::new(env!("CARGO_BIN_EXE_edxc"))
        .arg("--root")
        .arg(env!("CARGO_MANIFEST_DIR"))
        .args(["apply", "--auto-approve", "--pipeline", "location_per_course", "--var"])
        .arg(var("geoip_database", &missing))
        .arg("--var")
        .arg(var("warehouse", &tmp.path().join("wh")))
        .arg("--var")
        .arg(var("result_store", &tmp.path().join("rs.sqlite")))
        .arg("--var")
        .arg(var("state", &tmp.path().join("state.sqlite")))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("{} does not exist", missing.display())), "{err}");
    assert!(!tmp.path().join("rs.sqlite").exists() && !tmp.path().join("wh").exists(), "nothing written");
}

/// BASE with a pipeline's own log directory read by the map, and a `files` sink of `lines` (docs/contract.md §3.15
/// uses both); the `lines` transform's SQL is `templates/sql/lines.sql`.
fn with_files() -> String {
    let p = BASE
        .replace("end_date = \"2014-07-01\"", "end_date = \"2014-07-01\"\nroot = \"out\"")
        .replace("inputs = [\"tracking\"]", "inputs = [\"tracking\", \"own\"]");
    p + r#"
[sources.own]
type = "tracking_log_dir"
path = "{{ root }}/logs"
pattern = '.*\.log'

[transforms.lines]
type = "sql"
inputs = ["events"]
template = "sql/lines.sql"
partition = "{{ end_date }}"
columns = ["file string", "line string"]

[sinks.out]
type = "files"
inputs = ["lines"]
path = "{{ root }}/files"
"#
}

#[test]
fn own_log_directories_and_files_sinks_validate() {
    let p = with_files();
    let dir = project(&p, SQL);
    std::fs::write(
        dir.path().join("templates/sql/lines.sql"),
        "SELECT 'a.gz' AS file, e.course_id AS line FROM events e\n",
    )
    .unwrap();
    let (code, out, err) = validate(dir.path(), &[]);
    assert_eq!(code, 0, "{out}{err}");
    let check = |edited: String, needles: &[&str]| {
        std::fs::write(dir.path().join("pipelines/demo.toml"), edited).unwrap();
        let (code, _, err) = validate(dir.path(), &[]);
        assert_eq!(code, 1, "{err}");
        for n in needles {
            assert!(err.contains(n), "{n} in {err}");
        }
    };
    // Validation events from a table without the snapshot's columns; an unknown format; an unknown placeholder.
    let format = |f: &str| p.replace("path = \"{{ root }}/files\"", &format!("path = \"x\"\nformat = \"{f}\""));
    check(format("validation_events"), &["sink `out` (validation_events) needs column `user_id`"]);
    check(format("csv"), &["unknown files format `csv`", "lines, validation_events"]);
    check(p.replace("{{ root }}/logs", "{{ nowhere }}/logs"), &["nowhere"]);
}

#[test]
fn a_location_param_names_a_profile_key() {
    let p = BASE
        .replace("name = \"demo\"", "name = \"demo\"\n\n[pipeline.location_params]\ncredentials = \"lms_credential\"");
    let dir = project(&p, SQL);
    let (code, _, err) = validate(dir.path(), &[]);
    assert_eq!(code, 1);
    assert!(
        err.contains("location parameter `credentials` names `lms_credential`, which is not a profile key"),
        "{err}"
    );
}
