//! `edxc validate`: each kind of mistake gets one diagnostic at the right file:line:col with a useful message.

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
