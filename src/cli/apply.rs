//! `edxc apply`: plan and run the selected pipelines on the profile's engine, then publish everything together.
//!
//! A run is all-or-nothing: the engine writes every partition into the run's staging area, the `files` and `csv`
//! sinks write their files beside their targets, the result-store sinks load inside one open transaction (each as
//! soon as its table is final and checked, while the rest of the run computes), and only once everything is done
//! are the partitions and files swapped in, the transaction committed and the run state recorded. A failure at
//! any step before the commit leaves the warehouse, the result store and the state as they were (see `warehouse::staging` for how a killed run is settled by the next one).

use super::{load_checked, print_diagnostics, Format, RunOptions, Selection};
use crate::config::engine_config::RunFlags;
use crate::config::secret;
use crate::config::Project;
use crate::engine::{RunReport, TaskReport};
use crate::sinks::result_store::{redact_url, StoreLocation};
use crate::state::{ArtifactRecord, RunRecord};
use crate::warehouse::{self, Recovered, Staging};
use anyhow::Context;
use clap::Args;
use std::io::IsTerminal;
use std::process::ExitCode;

#[derive(Args, Clone)]
pub struct ApplyArgs {
    /// A plan saved by `edxc plan -o FILE`: run exactly it (refused if the state or the artifacts changed since).
    #[arg(value_name = "PLAN")]
    pub plan: Option<std::path::PathBuf>,
    #[command(flatten)]
    pub sel: Selection,
    #[command(flatten)]
    pub run: RunOptions,
    /// Fail the run when more than this fraction (0..1) of tracking-log lines, or of files, are unreadable
    /// (overrides the profile's max_bad_ratio).
    #[arg(long, value_parser = parse_ratio)]
    pub max_bad_ratio: Option<f64>,
    /// Tracking-log files the embedded engine reads at once (default: one per core).
    #[arg(long, default_value_t = 0, hide_default_value = true)]
    pub jobs: usize,
    /// No progress on stderr: only warnings, errors and the summary (stdout).
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Accept a run that reads no tracking-log file, or reads no events for days where earlier runs found some.
    #[arg(long)]
    pub allow_empty: bool,
    /// Do not ask for confirmation (apply never asks when stdin is not a terminal).
    #[arg(long)]
    pub auto_approve: bool,
    /// Run summary on stdout as text or as one JSON document.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Also write the run as a JUnit XML report to FILE (a test case per task and per data check; a failed run has
    /// a failing case holding the error).
    #[arg(long, value_name = "FILE")]
    pub junit: Option<std::path::PathBuf>,
    /// Run every task, whatever the state says (by default only what is not up to date runs).
    #[arg(long)]
    pub force: bool,
    /// Outputs (nodes or tables) to recompute whatever the state says, with everything downstream of them
    /// (`edxc restate`).
    #[arg(skip)]
    pub restate: Vec<String>,
}

/// A fraction between 0 and 1.
pub fn parse_ratio(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(r) if (0.0..=1.0).contains(&r) => Ok(r),
        _ => Err(format!("`{s}` is not a fraction between 0 and 1")),
    }
}

/// What a run knew so far: on failure, the run report and JUnit report say how far it got.
#[derive(Default)]
struct Progress {
    run_id: Option<String>,
    started: Option<chrono::DateTime<chrono::Utc>>,
    profile: String,
    engine: String,
    report_path: Option<std::path::PathBuf>,
    plans: Vec<(crate::graph::Plan, Vec<crate::state::freshness::Status>)>,
    /// Tasks finished so far, in the order they finished.
    seen: Vec<TaskReport>,
    /// The engine's report (counters, files, checks) once the run has one.
    report: RunReport,
}

pub fn run(project: &Project, a: &ApplyArgs) -> anyhow::Result<ExitCode> {
    let mut progress = Progress::default();
    let result = run_inner(project, a, &mut progress);
    let message = result.as_ref().err().map(|e| super::one_line(&secret::redact(&format!("{e:#}"))));
    progress.report.tasks = std::mem::take(&mut progress.seen);
    if let (Some(run_id), Some(started), Some(path)) = (&progress.run_id, progress.started, &progress.report_path) {
        let facts = super::run_report::RunFacts {
            run_id,
            started,
            profile: &progress.profile,
            engine: &progress.engine,
            plans: &progress.plans,
            report: &progress.report,
            error: message.as_deref(),
        };
        match super::run_report::render(&facts).and_then(|html| super::run_report::write(path, &html)) {
            Ok(()) if !a.quiet => eprintln!("edxc: run report {}", path.display()),
            Ok(()) => {}
            Err(e) => eprintln!("edxc: warning: {e:#}"),
        }
    }
    if let Some(message) = &message {
        if a.format == Format::Json {
            // A scheduler reading stdout gets a document either way; the error line still goes to stderr.
            println!("{}", serde_json::json!({ "ok": false, "error": message }));
        }
        if let Some(path) = &a.junit {
            let run_id = progress.run_id.as_deref().unwrap_or("failed");
            super::junit::write(path, &super::junit::render(run_id, &progress.report, Some(message)))?;
        }
    }
    result
}

fn run_inner(project: &Project, a: &ApplyArgs, facts: &mut Progress) -> anyhow::Result<ExitCode> {
    let (sel, run, approved) = match &a.plan {
        Some(file) => {
            let (sel, run) = saved_plan(project, a, file)?;
            (sel, run, true)
        }
        None => (a.sel.clone(), a.run.clone(), a.auto_approve),
    };
    let (pipelines, profile) = match load_checked(project, &sel, true) {
        Ok(x) => x,
        Err(diags) => {
            print_diagnostics(&diags, a.format);
            return Ok(ExitCode::from(1));
        }
    };
    let args = run.run_args(&pipelines).map_err(anyhow::Error::msg)?;
    let profile = run.apply_task_params(profile, &pipelines).map_err(anyhow::Error::msg)?;
    let templates = project.templates_dir();
    let read_body = |rel: &str| {
        std::fs::read_to_string(templates.join(rel)).map_err(|e| format!("cannot read template {rel}: {e}"))
    };
    let mut plans = Vec::new();
    for p in &pipelines {
        plans.push(
            crate::graph::plan(p, &profile, &args, &read_body)
                .map_err(anyhow::Error::msg)
                .with_context(|| format!("pipeline `{}`", p.name.value))?,
        );
    }
    let root = &project.root;
    let kind = crate::engine::kind(profile.engine()).map_err(anyhow::Error::msg)?;
    let state_path = crate::state::StateStore::from_profile(&profile, root)?;
    if !a.restate.is_empty() {
        restate_windows(&mut plans, &a.restate, &run, &args)?;
    }
    let started = chrono::Utc::now();
    let run_id = format!("{}-{}", started.format("%Y%m%dT%H%M%S"), std::process::id());
    // One run at a time per warehouse, from before it settles earlier runs until it has published.
    let published_wh = (kind.warehouse)(&profile, root)?;
    let lock = crate::state::lock::acquire(&published_wh, &run_id)?;
    if let Some(dead) = &lock.took_over {
        eprintln!("edxc: took over the lock of {dead}, whose process is gone");
    }

    // Settle what earlier runs that were killed left behind, before this run reads the warehouse or the state.
    for r in warehouse::recover(&published_wh).context("cannot settle an earlier run's staging area")? {
        match r {
            Recovered::Discarded { run_id } => eprintln!("edxc: discarded the unpublished outputs of run {run_id}"),
            Recovered::RolledBack { run_id, partitions } => {
                eprintln!("edxc: run {run_id} was interrupted while publishing: {partitions} partition(s) restored")
            }
            Recovered::Finished { run_id, payload } => {
                if let (Some(state), Ok(record)) = (&state_path, serde_json::from_value::<RunRecord>(payload)) {
                    crate::state::record(state, &record).context("cannot record an earlier run's state")?;
                }
                eprintln!("edxc: finished recording run {run_id}, which had committed before it was interrupted");
            }
        }
    }

    // Only what is not up to date runs: an apply right after an apply does nothing.
    let snapshot = match &state_path {
        Some(path) => crate::state::read(path)?,
        None => crate::state::Snapshot::default(),
    };
    let restate: std::collections::BTreeSet<String> = match a.force {
        true => plans.iter().flat_map(|p| &p.tasks).map(|t| t.node.clone()).collect(),
        false => a.restate.iter().cloned().collect(),
    };
    let mut sources = std::collections::BTreeMap::new();
    let mut to_run = Vec::new();
    let mut statuses_of = Vec::new();
    for (plan, (statuses, digests)) in
        plans.iter().zip(super::assess(&plans, &snapshot, kind, &profile, root, &restate)?)
    {
        for (t, d) in plan.tasks.iter().zip(digests) {
            if let Some(d) = d {
                sources.insert((plan.pipeline.clone(), t.node.clone()), d);
            }
        }
        let keep: Vec<bool> = statuses.iter().map(|s| s.runs()).collect();
        let idle = keep.iter().filter(|k| !**k).count();
        if !a.quiet && idle > 0 && idle < keep.len() {
            eprintln!("edxc: pipeline {}: {idle} of {} task(s) up to date, not run", plan.pipeline, keep.len());
        }
        to_run.push(plan.subset(&keep));
        statuses_of.push(statuses);
    }
    if to_run.iter().all(|p| p.tasks.is_empty()) {
        drop(lock);
        return nothing_to_do(a, &snapshot);
    }
    facts.run_id = Some(run_id.clone());
    facts.started = Some(started);
    facts.profile = profile.name.clone();
    facts.engine = kind.name.to_string();
    facts.report_path = Some(super::run_report::path(state_path.as_ref().and_then(|s| s.local_dir()), root, &run_id));
    facts.plans = plans.iter().cloned().zip(statuses_of).collect();
    let flags = RunFlags { max_bad_ratio: a.max_bad_ratio, allow_empty: a.allow_empty, jobs: a.jobs, quiet: a.quiet };
    let mut engine = (kind.build)(&profile, root, &flags)?;
    let wh = engine.warehouse();
    let store_text = profile.result_store_url().map_err(anyhow::Error::msg)?;
    let location = StoreLocation::parse(&store_text)?.resolve(root);
    // On a terminal, and only there, ask first (from cron, Jenkins or a pipe, apply never asks); before the answer
    // only the lock is taken and interrupted runs are settled.
    if !approved && std::io::stdin().is_terminal() && !confirm(&to_run, &wh.describe(), &redact_url(&store_text))? {
        eprintln!("edxc: nothing was done");
        return Ok(ExitCode::from(1));
    }
    let mut store = crate::sinks::result_store::open_at(&location)
        .with_context(|| format!("cannot open the result store {}", redact_url(&store_text)))?;
    // The whole plans are kept for the artifacts recorded below; from here on the run is the tasks that run.
    let (all_plans, plans) = (plans, to_run);

    let mut staging = Staging::begin_on(&wh, &run_id)?;
    let bar = super::progress::Progress::new(plans.iter().map(|p| p.tasks.len()).sum(), a.quiet);
    for p in &plans {
        let over = if p.no_interval { "no interval".to_string() } else { format!("interval {}", p.interval) };
        bar.line(&format!("edxc: pipeline {} {over} ({} tasks)", p.pipeline, p.tasks.len()));
    }
    let seen = &mut facts.seen;
    let mut progress = |t: &TaskReport| {
        seen.push(t.clone());
        bar.task(t);
    };
    // Each task's checks run as it finishes, and each result-store sink loads once the table it reads is final and
    // checked (`finished`): loads overlap the transforms still computing. From the first load on, the result store
    // has a transaction open: every failure before the commit rolls it back.
    let mut loads = crate::sinks::load::Loads::new(&plans, a.allow_empty);
    let mut finished = super::finished::Finished::new(&plans);
    let ran = engine.run(&plans, &mut staging, &mut |r, outputs| {
        progress(r);
        finished.task(r, outputs, &wh, &mut loads, store.as_mut(), &mut progress)
    });
    let rollback = |store: &mut dyn crate::sinks::result_store::ResultStore, e: anyhow::Error| {
        let _ = store.rollback();
        e
    };
    let mut report = ran.map_err(|e| rollback(store.as_mut(), e))?;

    // Data checks on what the run computed (most ran as their tasks finished), before anything is published.
    report.checks = finished.checks(&staging, &wh).map_err(|e| rollback(store.as_mut(), e))?;
    facts.report = report.clone();
    let failed: Vec<&crate::model::report::CheckOutcome> = report.checks.iter().filter(|c| c.failures > 0).collect();
    for c in &failed {
        eprintln!("  check   {} dt={}: {} failed ({}) [{}]", c.table, c.dt, c.check, c.failures, c.severity);
        for e in &c.examples {
            eprintln!("            {e}");
        }
    }
    let errors: Vec<String> = failed
        .iter()
        .filter(|c| c.severity == "error")
        .map(|c| format!("{} dt={}: {} ({} offending)", c.table, c.dt, c.check, c.failures))
        .collect();
    if !errors.is_empty() {
        let e = anyhow::anyhow!("{} data check(s) failed, nothing was published: {}", errors.len(), errors.join("; "));
        return Err(rollback(store.as_mut(), e));
    }

    // Files written outside the warehouse are staged next to their targets, published with the partitions: the
    // `files` sinks' on the warehouse's filesystem, the csv sinks' on local disk.
    let base = wh.root.parent().map_or_else(|| wh.root.clone(), std::path::Path::to_path_buf);
    // A relative local warehouse (the default: `.edxc/warehouse` under `--root .`) is under the working directory;
    // staged files need absolute targets.
    let base = match base.is_absolute() {
        true => base,
        false => std::env::current_dir().context("cannot read the working directory")?.join(base),
    };
    let files = crate::sinks::files::stage_all(&plans, &mut staging, &base, &mut progress)
        .map_err(|e| rollback(store.as_mut(), e))?;
    report.tasks.extend(files);
    let files = crate::sinks::csv::stage_all(&plans, &mut staging, root, &mut progress)
        .map_err(|e| rollback(store.as_mut(), e))?;
    report.tasks.extend(files);

    // Everything is computed and checked: the sinks not loaded yet load now, in the same open transaction.
    let loads = loads.finish(store.as_mut(), &staging, &mut progress)?;
    report.tasks.extend(loads);
    facts.report = report.clone();
    if let Err(e) = crate::failpoint::hit("commit") {
        store.rollback()?;
        return Err(e);
    }
    let loaded: std::collections::BTreeMap<String, u64> =
        report.tasks.iter().filter(|t| t.kind == "load").map(|t| (t.table.clone(), t.rows)).collect();
    let started_text = started.format("%Y-%m-%d %H:%M:%S").to_string();
    let mut record = RunRecord::new(&run_id, &started_text, &plans, staging.staged(), &sources, &loaded);
    // What the engine rendered for the whole plans, so `edxc plan` can show what a change would alter.
    for (p, plan) in pipelines.iter().zip(&all_plans) {
        for a in (kind.compile)(plan, &profile, &p.file.display().to_string())? {
            record.artifacts.push(ArtifactRecord { pipeline: plan.pipeline.clone(), path: a.path, text: a.text });
        }
    }
    let published = match staging.publish(serde_json::to_value(&record)?) {
        Ok(p) => p,
        Err(e) => {
            let _ = store.rollback();
            return Err(e);
        }
    };
    // A run without result-store tables (only files) opened no transaction.
    let has_tables =
        plans.iter().flat_map(|p| &p.tasks).any(|t| matches!(t.kind, crate::graph::TaskKind::ResultStore { .. }));
    if let Err(e) = if has_tables { store.commit() } else { Ok(()) } {
        published.rollback().context("while restoring the warehouse after a failed commit")?;
        return Err(e);
    }
    let committed = published.commit()?;
    if let Some(state) = &state_path {
        crate::state::record(state, &record).with_context(|| {
            format!(
                "run {run_id} is committed, but its state could not be recorded in {} (the next run records it)",
                state.describe()
            )
        })?;
    }
    committed.finish()?;
    drop(lock);
    drop(bar);
    if let Some(path) = &a.junit {
        super::junit::write(path, &super::junit::render(&run_id, &report, None))?;
    }
    print_summary(&report, &store.describe(), &run_id, a.format);
    Ok(ExitCode::SUCCESS)
}

/// `edxc restate OUTPUT --interval A-B` on a map output: its window becomes the interval, so the days are read from
/// the logs again (older days of a daily run are otherwise only read back from the warehouse).
fn restate_windows(
    plans: &mut [crate::graph::Plan],
    outputs: &[String],
    run: &super::RunOptions,
    args: &crate::graph::RunArgs,
) -> anyhow::Result<()> {
    for o in outputs {
        if !plans.iter().flat_map(|p| &p.tasks).any(|t| t.node == *o || t.table == *o) {
            let names: std::collections::BTreeSet<&str> =
                plans.iter().flat_map(|p| &p.tasks).map(|t| t.node.as_str()).collect();
            anyhow::bail!(
                "no output named `{o}` in the selected pipelines (outputs: {})",
                names.into_iter().collect::<Vec<_>>().join(", ")
            );
        }
    }
    let Some(spec) = &run.interval else { return Ok(()) };
    let today = args.today.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let interval = crate::graph::interval::parse_interval(spec, today).map_err(anyhow::Error::msg)?;
    for plan in plans.iter_mut() {
        for t in plan.tasks.iter_mut().filter(|t| outputs.contains(&t.node)) {
            // A map without a window reads every event of its files: no interval to change.
            if let crate::graph::TaskKind::Map { window: Some(window), .. } = &mut t.kind {
                *window = interval;
                t.writes = Some(crate::graph::Partitions::Days(interval));
            }
        }
        plan.refingerprint();
    }
    Ok(())
}

/// Every output is up to date: say so, touch nothing.
fn nothing_to_do(a: &ApplyArgs, snapshot: &crate::state::Snapshot) -> anyhow::Result<ExitCode> {
    let last = snapshot.partitions.values().map(|p| (&p.finished, &p.run_id)).max();
    let since = last.map(|(at, id)| format!(" (last apply: run {id} at {at} UTC)")).unwrap_or_default();
    if a.format == Format::Json {
        println!("{}", serde_json::json!({ "ok": true, "changes": false, "tasks": [], "last_run": last.map(|l| l.1) }));
    } else {
        println!("No changes: every output is up to date{since}. Nothing to do.");
    }
    if let Some(path) = &a.junit {
        super::junit::write(path, &super::junit::render("up-to-date", &RunReport::default(), None))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// The selection and run options a saved plan was made for, once the plan is checked to still hold: the state
/// store and every rendered artifact are as they were when it was made.
fn saved_plan(project: &Project, a: &ApplyArgs, file: &std::path::Path) -> anyhow::Result<(Selection, RunOptions)> {
    if !a.sel.pipelines.is_empty()
        || !a.sel.vars.is_empty()
        || a.run.interval.is_some()
        || !a.run.params.is_empty()
        || !a.run.config.is_empty()
    {
        anyhow::bail!("give either a saved plan or --pipeline/--var/--interval/--param/--config, not both");
    }
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read the plan {}", file.display()))?;
    let saved: super::plan::PlanDoc = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a plan saved by `edxc plan -o`", file.display()))?;
    let r = &saved.request;
    if r.vars.iter().any(|(_, v)| v.contains(":***@")) {
        anyhow::bail!(
            "the plan {} was made with a password in a --var; use SECRET[env.NAME] references",
            file.display()
        );
    }
    let sel = Selection { profile: r.profile.clone(), pipelines: r.pipelines.clone(), vars: r.vars.clone() };
    let run = RunOptions {
        interval: r.interval.clone(),
        params: r.params.clone(),
        config: vec![],
        today: Some(r.today.clone()),
    };
    let now = match super::plan::compute(project, &sel, &run)? {
        Ok(doc) => doc,
        Err(diags) => {
            print_diagnostics(&diags, Format::Text);
            anyhow::bail!("the plan {} no longer validates", file.display());
        }
    };
    if now.state_digest != saved.state_digest {
        anyhow::bail!(
            "the state changed since the plan {} was made (another run was applied): make a new plan",
            file.display()
        );
    }
    if now.artifacts_digest != saved.artifacts_digest {
        anyhow::bail!(
            "what the run would render changed since the plan {} was made (a pipeline, template or profile was \
             edited): make a new plan",
            file.display()
        );
    }
    Ok((sel, run))
}

/// Says what the run will do and asks for a yes.
fn confirm(plans: &[crate::graph::Plan], warehouse: &str, store: &str) -> anyhow::Result<bool> {
    eprintln!("edxc apply will run:");
    for p in plans {
        let outputs = p.tasks.iter().filter(|t| t.writes.is_some()).count();
        let over = if p.no_interval { "every event (no interval)".to_string() } else { format!("over {}", p.interval) };
        eprintln!("  {} {over} ({outputs} outputs)", p.pipeline);
    }
    eprintln!("writing the warehouse {warehouse} and the result store {store}.");
    eprint!("Apply? (`edxc plan` shows the details; --auto-approve skips this question) [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes" | "YES" | "Yes"))
}

fn print_summary(report: &RunReport, store: &str, run_id: &str, format: Format) {
    if format == Format::Json {
        let json = serde_json::json!({
            "ok": true,
            "run_id": run_id,
            "result_store": store,
            "tables": report.tasks.iter().filter(|t| t.kind == "load").map(|t| serde_json::json!({
                "table": t.table, "rows": t.rows, "note": t.note,
            })).collect::<Vec<_>>(),
            "tasks": report.tasks,
            "files": report.files,
            "damaged_files": report.damaged_files,
            "checks": report.checks,
            "counters": report.counters.iter().cloned().collect::<std::collections::BTreeMap<_, _>>(),
            "logs_note": report.logs_note,
        });
        println!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
        return;
    }
    println!("Result store {store}:");
    for t in report.tasks.iter().filter(|t| t.kind == "load") {
        println!("  {:<42} {:>8} rows", t.table, t.rows);
    }
    if let Some(note) = &report.logs_note {
        println!("Tracking logs: {note}");
        return;
    }
    let c = |n: &str| report.counter(n);
    let f = &report.files;
    println!(
        "Tracking logs: {} files, {} lines, {} bad JSON, {} bad UTF-8, {} without a valid course id",
        f.read,
        c("lines"),
        c("bad_json"),
        c("bad_utf8"),
        c("no_course_id")
    );
    if f.undated + f.outside_interval + f.not_matching + f.hidden > 0 {
        println!(
            "  {} undated (always read); not read: {} dated outside the interval, {} not matching tracking_pattern, \
             {} hidden",
            f.undated, f.outside_interval, f.not_matching, f.hidden
        );
    }
    if !report.damaged_files.is_empty() {
        println!("Damaged files ({}), read up to the damage:", report.damaged_files.len());
        for d in &report.damaged_files {
            println!("  {}: {}", d.path, d.reason);
        }
    }
    let skipped: Vec<String> = report
        .tasks
        .iter()
        .flat_map(|t| t.skipped.iter().map(move |(r, n)| format!("{n} {r} in {}", t.node)))
        .collect();
    if !skipped.is_empty() {
        println!("Rows skipped: {}", skipped.join(", "));
    }
}
