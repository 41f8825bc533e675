//! `edxc compile`: golden artifacts (HiveQL, Sqoop command lines, the staging script, the manifest, embedded SQL)
//! reviewed like code, and determinism: re-runs and any key order of the TOML files give byte-identical artifacts.
//! Data files (the rows of native tables) are kept in the golden directory as a summary (rows, SHA-256, first and
//! last line), `<file>.summary`. The bundle's run on the real engines is tests/hive_bundle.rs.
//!
//! Regenerate the golden files after an intended change with `EDXC_BLESS=1 cargo test --test compile`.

mod common;

use edxc::cli::compile::{artifacts, CompileArgs};
use edxc::cli::{RunOptions, Selection};
use edxc::codegen::Artifact;
use edxc::config::Project;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The acceptance-test parameters of the original enrollments and user activity runs. The course catalog is off on
/// the cluster profile: its rows ship in the bundle, computed at compile time from the discovery snapshot in the
/// warehouse, which compile cannot read on HDFS (see `a_course_catalog_on_hdfs_is_refused_with_the_reason`).
fn args(profile: &str) -> CompileArgs {
    let kv = |k: &str, v: &str| (k.to_string(), v.to_string());
    let catalog = if profile == "hadoop.example" { "false" } else { "true" };
    CompileArgs {
        sel: Selection { profile: profile.into(), pipelines: vec![], vars: vec![] },
        run: RunOptions {
            interval: None,
            params: vec![
                kv("date", "2016-09-08"),
                kv("overwrite_n_days", "7"),
                kv("enable_course_catalog", catalog),
                kv("end_date", "2014-07-01"),
                kv("weeks", "6"),
                kv("interval", "2014-07-30-2014-08-07"),
                kv("datetime", "2016-09-08T000000"),
            ],
            config: vec![],
            today: Some(TODAY.into()),
        },
        out: None,
    }
}

/// The run date of every golden artifact: `today` is an input like any other, so artifacts never change with
/// the clock.
const TODAY: &str = "2026-11-28";

fn compile(root: &Path, profile: &str) -> Vec<Artifact> {
    match artifacts(&Project::new(root), &args(profile)).expect("compile runs") {
        Ok(a) => a,
        Err(d) => panic!("diagnostics: {d:?}"),
    }
}

/// What the golden directory keeps of an artifact: its text, or for a data file a summary, at `<path>.summary`.
fn golden_form(a: &Artifact) -> (String, String) {
    if !a.path.ends_with(".tsv") || a.path == "manifest.tsv" {
        return (a.path.clone(), a.text.clone());
    }
    use sha2::Digest;
    let lines: Vec<&str> = a.text.lines().collect();
    let digest: String = sha2::Sha256::digest(a.text.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
    let text = format!(
        "rows: {}\nsha256: {digest}\nfirst: {}\nlast: {}\n",
        lines.len(),
        lines.first().unwrap_or(&""),
        lines.last().unwrap_or(&"")
    );
    (format!("{}.summary", a.path), text)
}

fn check_golden(profile: &str) {
    let arts: Vec<Artifact> = compile(&repo(), profile)
        .iter()
        .map(|a| {
            let (path, text) = golden_form(a);
            Artifact { path, text }
        })
        .collect();
    let dir = repo().join("tests/golden").join(profile);
    if std::env::var_os("EDXC_BLESS").is_some() {
        let _ = std::fs::remove_dir_all(&dir);
        for a in &arts {
            let p = dir.join(&a.path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, &a.text).unwrap();
        }
    }
    let mut expected = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap_or_else(|e| panic!("{}: {e} (run with EDXC_BLESS=1)", d.display())) {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                expected.push(p.strip_prefix(&dir).unwrap().display().to_string());
            }
        }
    }
    expected.sort();
    let mut actual: Vec<String> = arts.iter().map(|a| a.path.clone()).collect();
    actual.sort();
    assert_eq!(actual, expected, "artifact set differs from tests/golden/{profile}");
    for a in &arts {
        let want = std::fs::read_to_string(dir.join(&a.path)).unwrap();
        assert!(
            want == a.text,
            "{} differs from its golden file:\n{}",
            a.path,
            similar::TextDiff::from_lines(&want, &a.text).unified_diff()
        );
    }
}

#[test]
fn golden_hive_artifacts() {
    check_golden("hadoop.example");
}

#[test]
fn golden_embedded_artifacts() {
    check_golden("local");
}

#[test]
fn hive_artifacts_have_the_cluster_shape() {
    let arts = compile(&repo(), "hadoop.example");
    let find = |suffix: &str| arts.iter().find(|a| a.path.ends_with(suffix)).unwrap_or_else(|| panic!("no {suffix}"));
    let map = find("map_logs.hql");
    assert!(map.text.contains("ADD FILE hdfs://namenode:8020/edxc/bin/edxc-map;"));
    // One edxc-map pass, every pipeline's extractors in name order, over the span of every map window.
    let using = map.text.lines().find(|l| l.trim_start().starts_with("USING 'edxc-map ")).expect("the map's USING");
    for part in ["--extractor enrollment ", "--extractor user_activity ", "--interval 2014-06-24-2014-08-07'"] {
        assert!(using.contains(part), "{using}");
    }
    let code: String = map.text.lines().filter(|l| !l.starts_with("--")).collect();
    assert!(!code.contains("INPUT__FILE__NAME") && !code.contains("input_file_name"), "no query selects files");
    assert!(map.text.contains("INSERT OVERWRITE TABLE course_enrollment_events PARTITION (dt='2014-07-31')"));
    assert!(map.text.contains("INSERT OVERWRITE TABLE user_activity_by_user PARTITION (dt='2014-06-30')"));
    assert_eq!(map.text.matches("SELECT TRANSFORM (line)").count(), 1, "one scan of the logs");
    let stage = find("stage_logs.sh");
    // Files dated in either map window, widened by 2 days; not the month between the windows.
    assert!(stage.text.contains("tracking\\.log-(20140622|20140623|"), "{}", stage.text);
    assert!(stage.text.contains("|20140702|") && stage.text.contains("|20140729|"), "{}", stage.text);
    assert!(!stage.text.contains("20140715"), "{}", stage.text);
    let daily = find("course_enrollment_daily.hql");
    assert!(daily.text.contains("course_enrollment AS (SELECT * FROM edxc.course_enrollment WHERE dt = '2014-08-07')"));
    assert!(daily.text.contains("INSERT OVERWRITE TABLE course_enrollment_daily PARTITION (dt='2014-08-07')"));
    assert!(daily.text.contains("CREATE DATABASE IF NOT EXISTS edxc;"));
    assert!(daily.text.contains("ESCAPED BY '\\\\'"));
    let reduce = find("course_enrollment.hql");
    assert!(reduce.text.contains("USING 'edxc-map --reducer enrollment_days --arg end=2014-08-07'"));
    assert!(reduce.text.contains("WHERE dt >= '2014-07-30' AND dt < '2014-08-07'"));
    let sqoop = find("auth_userprofile.sqoop.sh");
    assert!(sqoop.text.contains("--table 'auth_userprofile'"));
    assert!(sqoop.text.contains(
        "--target-dir 'hdfs://namenode:8020/edx-analytics-pipeline/warehouse/auth_userprofile/dt=2026-11-28'"
    ));
    let command: String = sqoop.text.lines().filter(|l| !l.starts_with('#')).collect();
    assert!(!command.contains("--direct"), "Sqoop 1.4.7 rejects --direct with --null-string");
    assert!(!sqoop.text.contains("SECRET"), "no secret reference or value in artifacts");
    let calendar = find("-calendar.tsv");
    assert_eq!(calendar.text.lines().count(), 6575, "the calendar's rows ship in the bundle");
    let native = find("-calendar.hql");
    assert!(native.text.contains("LOAD DATA LOCAL INPATH 'user_activity/"), "{}", native.text);
}

/// The manifest lists every other artifact once, in step order, each file named after its step.
#[test]
fn the_manifest_orders_every_step() {
    let arts = compile(&repo(), "hadoop.example");
    assert_eq!(arts[0].path, "manifest.tsv");
    let listed = edxc::codegen::manifest_files(&arts[0].text);
    let files: Vec<&str> = arts[1..].iter().map(|a| a.path.as_str()).collect();
    assert_eq!(listed, files);
    for (n, line) in arts[0].text.lines().filter(|l| !l.starts_with('#')).skip(1).enumerate() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!(f.len(), 4, "{line}");
        assert_eq!(f[0], format!("{:02}", n + 1));
        assert!(f[1].contains(&format!("/{}-", f[0])), "{line}");
        assert!(["sh", "sqoop", "hql", "data"].contains(&f[2]), "{line}");
    }
}

fn compile_with(vars: &[(&str, &str)], params: &[(&str, &str)]) -> anyhow::Result<Vec<Artifact>> {
    let mut a = args("hadoop.example");
    a.sel.vars = vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
    a.run.params.extend(params.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    Ok(artifacts(&Project::new(repo()), &a)?.expect("no diagnostics"))
}

#[test]
fn a_course_catalog_on_hdfs_is_refused_with_the_reason() {
    let err = compile_with(&[], &[("enable_course_catalog", "true")]).unwrap_err();
    let text = format!("{err:#}");
    assert!(text.contains("native `course_catalog` reads hdfs://"), "{text}");
    assert!(text.contains("only a file:// or local warehouse"), "{text}");
}

#[test]
fn a_course_catalog_in_a_local_warehouse_ships_its_rows() {
    let wh = tempfile::tempdir().unwrap();
    let snapshot = wh.path().join("discovery_api_raw/dt=2016-09-08/course_runs.json");
    std::fs::create_dir_all(snapshot.parent().unwrap()).unwrap();
    std::fs::copy(repo().join("tests/conformance/fixtures/course_runs.json"), &snapshot).unwrap();
    let url = format!("file://{}", wh.path().display());
    let arts = compile_with(&[("warehouse", &url)], &[("enable_course_catalog", "true")]).unwrap();
    let json = std::fs::read_to_string(&snapshot).unwrap();
    for (file, function) in
        [("course_catalog.tsv", "course_catalog"), ("course_program_metadata.tsv", "program_course")]
    {
        let data = arts.iter().find(|a| a.path.ends_with(file)).unwrap();
        let rows = edxc::natives::run_native(function, &Default::default(), Some(&json)).unwrap();
        assert!(!rows.is_empty());
        let want: String = rows.iter().map(|r| edxc::hive_text::format_row(r) + "\n").collect();
        assert_eq!(data.text, want, "{file}");
    }
}

/// A second compile into the same directory replaces the first's files, and only those; scripts are executable.
#[test]
fn compile_replaces_its_previous_bundle_and_nothing_else() {
    use std::os::unix::fs::PermissionsExt;
    let out = tempfile::tempdir().unwrap();
    let mut a = args("hadoop.example");
    a.out = Some(out.path().to_path_buf());
    edxc::cli::compile::run(&Project::new(repo()), &a).unwrap();
    let first = common::file_tree(out.path());
    let sqoop = first.keys().find(|p| p.to_string_lossy().ends_with("auth_userprofile.sqoop.sh"));
    let stale = out.path().join(sqoop.expect("the auth_userprofile Sqoop step"));
    assert!(stale.starts_with(out.path().join("enrollments")) && stale.exists());
    assert_eq!(std::fs::metadata(&stale).unwrap().permissions().mode() & 0o777, 0o755);
    std::fs::write(out.path().join("enrollments/notes.txt"), "mine").unwrap();
    std::fs::write(out.path().join("README"), "mine too").unwrap();
    // Only user_activity now: every enrollments file of the first bundle goes, the user's files stay.
    a.sel.pipelines = vec!["user_activity".into()];
    a.run.params.retain(|(k, _)| ["end_date", "weeks", "overwrite_n_days"].contains(&k.as_str()));
    edxc::cli::compile::run(&Project::new(repo()), &a).unwrap();
    assert!(!stale.exists());
    assert!(out.path().join("enrollments/notes.txt").exists() && out.path().join("README").exists());
    let left: Vec<String> = common::file_tree(out.path()).keys().map(|p| p.display().to_string()).collect();
    let mut want = vec!["README".to_string(), "enrollments/notes.txt".to_string()];
    let now = artifacts(&Project::new(repo()), &a).unwrap().unwrap();
    want.extend(now.iter().map(|a| a.path.clone()));
    want.sort();
    assert_eq!(left, want);
    let stage = std::fs::metadata(out.path().join("tracking_logs/01-stage_logs.sh")).unwrap();
    assert_eq!(stage.permissions().mode() & 0o777, 0o755);
}

#[test]
fn rerun_is_byte_identical() {
    assert_eq!(compile(&repo(), "hadoop.example"), compile(&repo(), "hadoop.example"));
}

/// Writes a TOML table back with its keys (and nested tables) in the order given by `order`.
fn emit(table: &toml::Table, prefix: &str, order: &mut dyn FnMut(usize) -> Vec<usize>, out: &mut String) {
    let keys: Vec<&String> = table.keys().collect();
    let perm = order(keys.len());
    let (tables, values): (Vec<usize>, Vec<usize>) = perm.into_iter().partition(|&i| {
        table[keys[i]].is_table() && !keys[i].is_empty() && {
            // inline tables such as `window` and `args` stay inline
            !matches!(keys[i].as_str(), "window" | "args")
        }
    });
    if !prefix.is_empty() {
        out.push_str(&format!("[{prefix}]\n"));
    }
    for i in values {
        // A key that is not a bare key (such as `"problem-response.report_fields"`) stays quoted.
        let bare = keys[i].chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let key = if bare { keys[i].clone() } else { toml::Value::String(keys[i].clone()).to_string() };
        out.push_str(&format!("{key} = {}\n", table[keys[i]]));
    }
    for i in tables {
        let name = if prefix.is_empty() { keys[i].clone() } else { format!("{prefix}.{}", keys[i]) };
        if let toml::Value::Table(t) = &table[keys[i]] {
            emit(t, &name, order, out);
        }
    }
}

fn shuffled_project(seed: u64) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let mut state = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    let mut order = |n: usize| {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            v.swap(i, (state >> 33) as usize % (i + 1));
        }
        v
    };
    std::fs::create_dir_all(root.join("pipelines")).unwrap();
    let mut names: Vec<String> = std::fs::read_dir(repo().join("pipelines"))
        .unwrap()
        .filter_map(|e| e.unwrap().file_name().to_string_lossy().strip_suffix(".toml").map(str::to_string))
        .collect();
    names.sort();
    for name in names {
        let text = std::fs::read_to_string(repo().join(format!("pipelines/{name}.toml"))).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let mut out = String::new();
        emit(&table, "", &mut order, &mut out);
        std::fs::write(root.join(format!("pipelines/{name}.toml")), out).unwrap();
    }
    for sub in ["templates", "target-profiles", "sample-data/geoip"] {
        copy_dir(&repo().join(sub), &root.join(sub));
    }
    dir
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dst = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dst);
        } else {
            std::fs::copy(&p, &dst).unwrap();
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    #[test]
    fn key_order_does_not_change_artifacts(seed in any::<u64>()) {
        let baseline = compile(&repo(), "hadoop.example");
        let dir = shuffled_project(seed);
        let shuffled = compile(dir.path(), "hadoop.example");
        prop_assert_eq!(baseline.len(), shuffled.len());
        for (a, b) in baseline.iter().zip(&shuffled) {
            prop_assert_eq!(&a.path, &b.path);
            prop_assert!(a.text == b.text, "{} differs after shuffling keys", a.path);
        }
    }
}

/// The video pipeline on a cluster: both reducers run through edxc-map over exactly the partitions the run needs
/// (events of the map window and the interval; the viewings and usage of this run only, §0.4).
#[test]
fn video_reducers_in_the_bundle() {
    let arts = compile(&repo(), "hadoop.example");
    let find = |suffix: &str| arts.iter().find(|a| a.path.ends_with(suffix)).unwrap_or_else(|| panic!("no {suffix}"));
    let viewing = find("video_viewing.hql");
    assert!(viewing
        .text
        .contains("USING 'edxc-map --reducer video_viewing --arg end=2014-08-07 --arg start=2014-07-30'"));
    assert!(viewing.text.contains("FROM video_events\n  WHERE dt >= '2014-07-30' AND dt < '2014-08-07'"));
    assert!(viewing.text.contains("DISTRIBUTE BY `user_id`, `course_id`, `encoded_module_id`"));
    let usage = find("video_usage.hql");
    assert!(usage.text.contains("USING 'edxc-map --reducer video_usage --arg dropoff_threshold=0.05'"));
    assert!(usage.text.contains("FROM video_viewing\n  WHERE dt = '2014-08-07'"), "{}", usage.text);
    let video = find("-video.hql");
    assert!(video.text.contains("video_usage AS (SELECT * FROM edxc.video_usage WHERE dt = '2014-08-07')"));
    assert!(video.text.contains("INSERT OVERWRITE TABLE video PARTITION (dt='2014-08-07')"));
}
