//! `edxc plan`: what `edxc apply` would do, changing nothing anywhere. Per output: the partitions a run would create,
//! recompute because their job or an upstream job changed, or refresh (same job, re-read inputs); and a unified diff
//! of every artifact the engine renders against the one recorded at the last apply. The state store is opened
//! read-only and nothing is created.

use super::{load_checked, print_diagnostics, Format, RunOptions, Selection};
use crate::config::Project;
use crate::graph::TaskKind;
use anyhow::Context;
use clap::{Args, ValueEnum};
use serde::{Deserialize, Serialize};
use sha2::Digest as _;
use std::collections::{BTreeMap, BTreeSet};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// For a terminal (colored when stdout is one).
    Text,
    /// Ready to paste into a pull request (diffs in ```diff blocks).
    Markdown,
    Json,
}

#[derive(Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub sel: Selection,
    #[command(flatten)]
    pub run: RunOptions,
    #[arg(long, value_enum, default_value = "text")]
    pub format: PlanFormat,
    /// Exit 0 when there is nothing to change, 2 when there is, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
    /// Also save the plan (JSON) to FILE.
    #[arg(short = 'o', long = "out", value_name = "FILE")]
    pub out: Option<PathBuf>,
}

/// One output of the plan.
#[derive(Serialize, Deserialize)]
struct Output {
    pipeline: String,
    table: String,
    /// Partitions never written before.
    create: Vec<String>,
    /// Partitions whose job, or an upstream job, changed since they were written.
    changed: Vec<String>,
    /// Partitions written before by the same job, which the run recomputes: their source reads differently now, or
    /// a task they read from runs (`reason`).
    refresh: Vec<String>,
    /// Partitions that are up to date: the run leaves them.
    #[serde(default)]
    unchanged: Vec<String>,
    /// Why the output's task runs (`to create`, `job changed`, `new input`, `upstream runs`), or `up to date`.
    #[serde(default)]
    reason: String,
}

#[derive(Serialize, Deserialize)]
struct ArtifactChange {
    pipeline: String,
    path: String,
    /// `added`, `removed` or `changed`.
    change: String,
    diff: String,
}

/// What a plan was made for: replayed by `edxc apply PLAN`.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq, Debug)]
pub struct Request {
    pub profile: String,
    pub pipelines: Vec<String>,
    /// `--var` overrides (URL passwords redacted: keep secrets in `SECRET[...]` references).
    pub vars: Vec<(String, String)>,
    pub interval: Option<String>,
    pub params: Vec<(String, String)>,
    /// The run date the plan was made for.
    pub today: String,
}

#[derive(Serialize, Deserialize)]
pub struct PlanDoc {
    pub request: Request,
    /// Digest of the state store the plan was made against (partitions and recorded artifacts).
    pub state_digest: String,
    /// Digest of every artifact the run would render.
    pub artifacts_digest: String,
    profile: String,
    engine: String,
    outputs: Vec<Output>,
    sinks: Vec<String>,
    /// Result-store tables the run would load (the others are up to date).
    #[serde(default)]
    loads: usize,
    artifacts: Vec<ArtifactChange>,
    /// Whether an apply would change anything beyond refreshing partitions from their inputs.
    pub changes: bool,
}

pub fn run(project: &Project, a: &PlanArgs) -> anyhow::Result<ExitCode> {
    let doc = match compute(project, &a.sel, &a.run)? {
        Ok(doc) => doc,
        Err(diags) => {
            print_diagnostics(&diags, if a.format == PlanFormat::Json { Format::Json } else { Format::Text });
            return Ok(ExitCode::from(1));
        }
    };
    let text = match a.format {
        PlanFormat::Json => serde_json::to_string_pretty(&doc)? + "\n",
        PlanFormat::Markdown => markdown(&doc),
        PlanFormat::Text => text(&doc, std::io::stdout().is_terminal()),
    };
    print!("{text}");
    if let Some(path) = &a.out {
        std::fs::write(path, serde_json::to_string_pretty(&doc)?)
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(if a.detailed_exitcode && doc.changes { ExitCode::from(2) } else { ExitCode::SUCCESS })
}

/// The plan of the selected pipelines against the state store as it is now (read-only).
pub fn compute(
    project: &Project,
    sel: &Selection,
    run: &RunOptions,
) -> anyhow::Result<Result<PlanDoc, Vec<crate::model::Diagnostic>>> {
    let (pipelines, profile) = match load_checked(project, sel, false) {
        Ok(x) => x,
        Err(diags) => return Ok(Err(diags)),
    };
    let mut args = run.run_args(&pipelines).map_err(anyhow::Error::msg)?;
    let today = *args.today.get_or_insert_with(|| chrono::Utc::now().date_naive());
    let profile = run.apply_task_params(profile, &pipelines).map_err(anyhow::Error::msg)?;
    let kind = crate::engine::kind(profile.engine()).map_err(anyhow::Error::msg)?;
    let state = match crate::state::StateStore::from_profile(&profile, &project.root)? {
        Some(store) => crate::state::read(&store)?,
        None => crate::state::Snapshot::default(),
    };
    let templates = project.templates_dir();
    let read_body = |rel: &str| {
        std::fs::read_to_string(templates.join(rel)).map_err(|e| format!("cannot read template {rel}: {e}"))
    };
    let request = Request {
        profile: sel.profile.clone(),
        pipelines: sel.pipelines.clone(),
        vars: sel.vars.iter().map(|(k, v)| (k.clone(), crate::config::store_location::redact_url(v))).collect(),
        interval: run.interval.clone(),
        // With the configuration keys' params (`--config`), so a saved plan replays them as --param.
        params: run.run_args(&pipelines).map(|a| a.params.into_iter().collect()).unwrap_or_else(|_| run.params.clone()),
        today: today.format("%Y-%m-%d").to_string(),
    };
    let mut rendered = sha2::Sha256::new();
    let mut doc = PlanDoc {
        request,
        state_digest: state.digest(),
        artifacts_digest: String::new(),
        profile: profile.name.clone(),
        engine: kind.name.to_string(),
        outputs: vec![],
        sinks: vec![],
        loads: 0,
        artifacts: vec![],
        changes: false,
    };
    let mut any_task_runs = false;
    for p in &pipelines {
        let plan = crate::graph::plan(p, &profile, &args, &read_body)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("pipeline `{}`", p.name.value))?;
        let assessed =
            super::assess(std::slice::from_ref(&plan), &state, kind, &profile, &project.root, &BTreeSet::new())?;
        let statuses = assessed.into_iter().next().map(|(s, _)| s).unwrap_or_default();
        for (t, status) in plan.tasks.iter().zip(&statuses) {
            if status.runs() {
                any_task_runs = true;
            }
            // A `files` sink writes files with the run, not a table or a partition.
            if matches!(t.kind, TaskKind::Files { .. }) {
                continue;
            }
            if t.kind.is_sink() {
                doc.loads += usize::from(status.runs() && matches!(t.kind, TaskKind::ResultStore { .. }));
                let from = t.inputs.iter().map(|i| i.table.as_str()).collect::<Vec<_>>().join(", ");
                let up_to_date = if status.runs() { "" } else { ", up to date" };
                doc.sinks.push(match &t.kind {
                    TaskKind::Csv { dir, .. } if dir.is_empty() => {
                        format!("{} (from {from}; no directory given, so no files){up_to_date}", t.table)
                    }
                    TaskKind::Csv { dir, file, .. } => {
                        format!("{} (from {from}; files {dir}/{file}){up_to_date}", t.table)
                    }
                    _ => format!("{} (from {from}){up_to_date}", t.table),
                });
                continue;
            }
            let mut out = Output {
                pipeline: plan.pipeline.clone(),
                table: t.table.clone(),
                create: vec![],
                changed: vec![],
                refresh: vec![],
                unchanged: vec![],
                reason: status.label().to_string(),
            };
            for dt in t.writes.iter().flat_map(|w| w.values()) {
                match state.partitions.get(&(t.table.clone(), dt.clone())) {
                    _ if !status.runs() => out.unchanged.push(dt),
                    None => out.create.push(dt),
                    Some(r) if r.fingerprint != t.fingerprint => out.changed.push(dt),
                    Some(_) => out.refresh.push(dt),
                }
            }
            doc.outputs.push(out);
        }
        let now: BTreeMap<String, String> = (kind.compile)(&plan, &profile, &p.file.display().to_string())?
            .into_iter()
            .map(|a| (a.path, a.text))
            .collect();
        for (path, text) in &now {
            rendered.update(format!("{}\0{path}\0{text}\0", plan.pipeline).as_bytes());
        }
        let before: BTreeMap<&String, &String> = state
            .artifacts
            .iter()
            .filter(|((pl, _), _)| *pl == plan.pipeline)
            .map(|((_, path), t)| (path, t))
            .collect();
        let paths: BTreeSet<&String> = now.keys().chain(before.keys().copied()).collect();
        for path in paths {
            let (old, new) = (before.get(path).map(|s| s.as_str()), now.get(path).map(String::as_str));
            let change = match (old, new) {
                (None, Some(_)) if before.is_empty() => continue, // never applied: everything is new, no diff
                (None, Some(_)) => "added",
                (Some(_), None) => "removed",
                (Some(o), Some(n)) if o != n => "changed",
                _ => continue,
            };
            let diff = similar::TextDiff::from_lines(old.unwrap_or(""), new.unwrap_or(""))
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{path}"), &format!("b/{path}"))
                .to_string();
            doc.artifacts.push(ArtifactChange {
                pipeline: plan.pipeline.clone(),
                path: path.clone(),
                change: change.to_string(),
                diff,
            });
        }
    }
    doc.changes = !doc.artifacts.is_empty() || any_task_runs;
    doc.artifacts_digest = rendered.finalize().iter().map(|b| format!("{b:02x}")).collect();
    Ok(Ok(doc))
}

fn counts(o: &Output) -> String {
    let mut parts = Vec::new();
    for (n, what) in [
        (o.create.len(), "to create".to_string()),
        (o.changed.len(), "changed".to_string()),
        (o.refresh.len(), format!("to refresh ({})", o.reason)),
        (o.unchanged.len(), "up to date".to_string()),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    parts.join(", ")
}

fn summary(doc: &PlanDoc) -> String {
    let sum = |f: fn(&Output) -> usize| doc.outputs.iter().map(f).sum::<usize>();
    let (c, ch, r) = (sum(|o| o.create.len()), sum(|o| o.changed.len()), sum(|o| o.refresh.len()));
    if doc.changes {
        format!(
            "Plan: {c} partition(s) to create, {ch} changed, {r} to refresh, {} up to date; {} artifact(s) changed; \
             {} result-store table(s) to load.",
            sum(|o| o.unchanged.len()),
            doc.artifacts.len(),
            doc.loads
        )
    } else {
        "No changes: every output is up to date and every artifact is as at the last apply.".to_string()
    }
}

fn text(doc: &PlanDoc, color: bool) -> String {
    let mut out = format!("Plan for profile `{}` (engine {}):\n", doc.profile, doc.engine);
    for o in &doc.outputs {
        out += &format!("  {:<14} {:<42} {}\n", o.pipeline, o.table, counts(o));
        if !o.changed.is_empty() {
            out += &format!("{:<60}changed: {}\n", "", o.changed.join(", "));
        }
    }
    for a in &doc.artifacts {
        out += &format!("\n{} {} ({})\n", a.change, a.path, a.pipeline);
        for line in a.diff.lines() {
            let colored = match (color, line.chars().next()) {
                (true, Some('+')) if !line.starts_with("+++") => format!("\x1b[32m{line}\x1b[0m"),
                (true, Some('-')) if !line.starts_with("---") => format!("\x1b[31m{line}\x1b[0m"),
                _ => line.to_string(),
            };
            out += &colored;
            out.push('\n');
        }
    }
    out += &format!("\n{}\n", summary(doc));
    out
}

fn markdown(doc: &PlanDoc) -> String {
    let mut out = format!("### edxc plan — profile `{}` (engine {})\n\n", doc.profile, doc.engine);
    out += "| pipeline | output | partitions |\n|---|---|---|\n";
    for o in &doc.outputs {
        out += &format!("| {} | `{}` | {} |\n", o.pipeline, o.table, counts(o));
    }
    for a in &doc.artifacts {
        out += &format!(
            "\n<details open><summary>{} <code>{}</code></summary>\n\n```diff\n{}```\n\n</details>\n",
            a.change, a.path, a.diff
        );
    }
    out += &format!("\n{}\n", summary(doc));
    out
}
