//! `edxc apply`: plan and run the selected pipelines on the profile's engine, then print what was written.

use super::{load_checked, print_diagnostics, Format, RunOptions, Selection};
use crate::config::secret;
use crate::config::Project;
use crate::engine::embedded::{mapper, EmbeddedConfig, EmbeddedEngine};
use crate::engine::{Engine, TaskReport};
use anyhow::{bail, Context};
use clap::Args;
use std::io::IsTerminal;
use std::process::ExitCode;

#[derive(Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub sel: Selection,
    #[command(flatten)]
    pub run: RunOptions,
    /// Fail the run when more than this fraction of tracking-log lines are unreadable (overrides the profile).
    #[arg(long)]
    pub max_bad_ratio: Option<f64>,
    /// Do not ask for confirmation (apply never asks when stdin is not a terminal).
    #[arg(long)]
    pub auto_approve: bool,
}

pub fn run(project: &Project, a: &ApplyArgs) -> anyhow::Result<ExitCode> {
    let (pipelines, profile) = match load_checked(project, &a.sel, true) {
        Ok(x) => x,
        Err(diags) => {
            print_diagnostics(&diags, Format::Text);
            return Ok(ExitCode::from(1));
        }
    };
    a.run.check_params(&pipelines).map_err(anyhow::Error::msg)?;
    let args = a.run.run_args();
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
    if profile.engine() != "embedded" {
        bail!(
            "apply on engine `{}` is not available yet: run `edxc compile --profile {}` and submit the artifacts",
            profile.engine(),
            profile.name
        );
    }
    let _ = a.auto_approve || !std::io::stdin().is_terminal();
    let resolve = |key: &str| -> anyhow::Result<Option<String>> {
        profile.get(key).map(|v| secret::resolve(v).map_err(anyhow::Error::msg)).transpose()
    };
    let root = &project.root;
    let abs = |v: String| {
        if v.contains("://") || std::path::Path::new(&v).is_absolute() {
            v
        } else {
            root.join(v).display().to_string()
        }
    };
    let config = EmbeddedConfig {
        tracking_logs: profile.path("tracking_logs", root),
        tracking_pattern: profile.get("tracking_pattern").unwrap_or(mapper::DEFAULT_PATTERN).to_string(),
        expand_interval_days: profile.i64_or("expand_interval_days", 2).map_err(anyhow::Error::msg)?,
        lms: resolve("lms")?.map(abs),
        warehouse: profile.path("warehouse", root).context("the profile sets no warehouse")?,
        max_bad_ratio: match a.max_bad_ratio {
            Some(r) => r,
            None => profile.f64_or("max_bad_ratio", 0.5).map_err(anyhow::Error::msg)?,
        },
        ccx_enabled: profile.bool_or("ccx_enabled", false).map_err(anyhow::Error::msg)?,
    };
    let store_url = abs(resolve("result_store")?.context("the profile sets no result_store")?);
    let mut store = crate::sinks::result_store::open(&store_url).with_context(|| {
        format!("cannot open the result store {}", crate::sinks::result_store::redact_url(&store_url))
    })?;
    for p in &plans {
        eprintln!("edxc: pipeline {} interval {} ({} tasks)", p.pipeline, p.interval, p.tasks.len());
    }
    let mut progress = |t: &TaskReport| {
        let parts = match t.partitions.len() {
            0 => String::new(),
            1 => format!(" dt={}", t.partitions[0]),
            n => format!(" {n} partitions"),
        };
        let note = t.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
        eprintln!("  {:<7} {:<42} {:>8} rows{parts}{note} [{:.2}s]", t.kind, t.table, t.rows, t.elapsed.as_secs_f64());
    };
    let mut engine = EmbeddedEngine { config, store: store.as_mut(), on_task: &mut progress };
    let report = engine.run(&plans)?;
    if let Some(state) = profile.path("state", root) {
        crate::state::record(&state, &plans, &report).context("cannot record the run state")?;
    }
    println!("Result store {}:", store.describe());
    for t in report.tasks.iter().filter(|t| t.kind == "load") {
        println!("  {:<42} {:>8} rows", t.table, t.rows);
    }
    let c = |n: &str| report.counter(n);
    println!(
        "Tracking logs: {} files, {} lines, {} bad JSON, {} bad UTF-8, {} without a valid course id",
        report.files_read,
        c("lines"),
        c("bad_json"),
        c("bad_utf8"),
        c("no_course_id")
    );
    Ok(ExitCode::SUCCESS)
}
