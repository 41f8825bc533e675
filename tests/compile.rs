//! `edxc compile`: golden artifacts (HiveQL, Sqoop command lines, embedded SQL) reviewed like code, and determinism:
//! re-runs and any key order of the TOML files give byte-identical artifacts.
//!
//! Regenerate the golden files after an intended change with `EDXC_BLESS=1 cargo test --test compile`.

use edxc::cli::compile::{artifacts, CompileArgs};
use edxc::cli::{RunOptions, Selection};
use edxc::codegen::Artifact;
use edxc::config::Project;
use proptest::prelude::*;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The acceptance-test parameters of the original enrollments and user activity runs.
fn args(profile: &str) -> CompileArgs {
    let kv = |k: &str, v: &str| (k.to_string(), v.to_string());
    CompileArgs {
        sel: Selection { profile: profile.into(), pipelines: vec![], vars: vec![] },
        run: RunOptions {
            interval: None,
            params: vec![
                kv("date", "2016-09-08"),
                kv("overwrite_n_days", "7"),
                kv("enable_course_catalog", "true"),
                kv("end_date", "2014-07-01"),
                kv("weeks", "6"),
                kv("interval", "2014-07-30-2014-08-07"),
            ],
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

fn check_golden(profile: &str) {
    let arts = compile(&repo(), profile);
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
    let map = find("course_enrollment_events.hql");
    assert!(map.text.contains("ADD FILE hdfs://namenode:8020/edxc/bin/edxc-map;"));
    assert!(map
        .text
        .contains("SELECT TRANSFORM (line)\nUSING 'edxc-map --extractor enrollment --interval 2014-07-31-2014-08-07'"));
    assert!(map.text.contains("INSERT OVERWRITE TABLE course_enrollment_events PARTITION (dt)"));
    let daily = find("course_enrollment_daily.hql");
    assert!(daily.text.contains("course_enrollment AS (SELECT * FROM edxc.course_enrollment WHERE dt = '2014-08-07')"));
    assert!(daily.text.contains("INSERT OVERWRITE TABLE course_enrollment_daily PARTITION (dt='2014-08-07')"));
    let reduce = find("course_enrollment.hql");
    assert!(reduce.text.contains("USING 'edxc-map --reducer enrollment_days --arg end=2014-08-07'"));
    assert!(reduce.text.contains("WHERE dt >= '2014-07-30' AND dt < '2014-08-07'"));
    let sqoop = find("auth_userprofile.sqoop.sh");
    assert!(sqoop.text.contains("--table 'auth_userprofile'"));
    assert!(sqoop.text.contains(
        "--target-dir 'hdfs://namenode:8020/edx-analytics-pipeline/warehouse/auth_userprofile/dt=2026-11-28'"
    ));
    assert!(!sqoop.text.contains("SECRET"), "no secret reference or value in artifacts");
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
        out.push_str(&format!("{} = {}\n", keys[i], table[keys[i]]));
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
    for name in ["enrollments", "user_activity"] {
        let text = std::fs::read_to_string(repo().join(format!("pipelines/{name}.toml"))).unwrap();
        let table: toml::Table = toml::from_str(&text).unwrap();
        let mut out = String::new();
        emit(&table, "", &mut order, &mut out);
        std::fs::write(root.join(format!("pipelines/{name}.toml")), out).unwrap();
    }
    for sub in ["templates", "target-profiles"] {
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
