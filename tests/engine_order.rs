//! The embedded engine runs tasks in the order their dependencies (`Task::deps`) allow, not in the order a plan
//! happens to list them: the shipped pipelines, with their tasks listed backwards, produce the very same partitions.

use edxc::cli::{load_checked, Selection};
use edxc::config::engine_config::RunFlags;
use edxc::config::Project;
use edxc::graph::{Plan, RunArgs};
use edxc::warehouse::Staging;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn plans() -> (Vec<Plan>, edxc::config::profile::Profile) {
    let project = Project::new(repo());
    let sel = Selection { profile: "local".into(), pipelines: vec![], vars: vec![] };
    let (pipelines, profile) = load_checked(&project, &sel, false).unwrap_or_else(|d| panic!("{d:?}"));
    let args = RunArgs { today: edxc::graph::interval::parse_date("2026-11-09"), ..Default::default() };
    let templates = project.templates_dir();
    let read = |rel: &str| std::fs::read_to_string(templates.join(rel)).map_err(|e| e.to_string());
    let plans = pipelines.iter().map(|p| edxc::graph::plan(p, &profile, &args, &read).unwrap()).collect();
    (plans, profile)
}

/// The same plan with its tasks listed in reverse, dependencies renumbered.
fn reversed(plan: &Plan) -> Plan {
    let n = plan.tasks.len();
    let mut p = plan.clone();
    p.tasks.reverse();
    for t in &mut p.tasks {
        t.deps = t.deps.iter().map(|d| n - 1 - d).collect();
    }
    p
}

/// Runs the engine into a fresh warehouse; returns every staged partition's rows.
fn run(
    plans: &[Plan],
    profile: &edxc::config::profile::Profile,
    dir: &Path,
) -> BTreeMap<(String, String), Vec<String>> {
    let mut profile = profile.clone();
    profile.values.insert("warehouse".into(), dir.join("wh").display().to_string());
    let mut engine = (edxc::engine::kind("embedded").unwrap().build)(&profile, &repo(), &RunFlags::default())
        .expect("engine builds");
    let mut staging = Staging::begin_on(&engine.warehouse(), "order-test").unwrap();
    let mut order = Vec::new();
    engine
        .run(plans, &mut staging, &mut |t, _| {
            order.push(t.node.clone());
            Ok(())
        })
        .expect("runs");
    let mut out = BTreeMap::new();
    for (table, dt, _) in staging.staged() {
        let dir = dir.join("wh/.staging/order-test/data").join(table).join(format!("dt={dt}"));
        let mut lines: Vec<String> =
            std::fs::read_to_string(dir.join("part-00000")).unwrap().lines().map(String::from).collect();
        lines.sort();
        out.insert((table.to_string(), dt.to_string()), lines);
    }
    // Every task ran after the tasks it depends on.
    for p in plans {
        for t in p.tasks.iter().filter(|t| !t.kind.is_sink()) {
            let at = order.iter().position(|n| n == &t.node);
            for &d in &t.deps {
                let dep = &p.tasks[d].node;
                if let (Some(a), Some(b)) = (at, order.iter().position(|n| n == dep)) {
                    assert!(b < a, "{} ran before its input {dep}", t.node);
                }
            }
        }
    }
    out
}

#[test]
fn tasks_run_in_dependency_order_whatever_the_listing() {
    let (plans, profile) = plans();
    let backwards: Vec<Plan> = plans.iter().map(reversed).collect();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let forward = run(&plans, &profile, a.path());
    let reverse = run(&backwards, &profile, b.path());
    assert!(forward.keys().any(|(t, _)| t == "course_activity"), "{:?}", forward.keys());
    assert_eq!(forward.len(), reverse.len());
    for (k, rows) in &forward {
        assert_eq!(Some(rows), reverse.get(k), "{k:?}");
    }
}
