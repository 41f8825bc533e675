//! The run report: every apply that got as far as running writes `<state dir>/runs/<run-id>.html` (beside the state
//! store; `.edxc/runs/` by default), whether it succeeded or failed: the lineage of each pipeline with each task's
//! status, each task's rows, seconds and partitions, the mapper's counters and the data checks. One self-contained
//! file (no script, no network), written atomically.

use crate::engine::RunReport;
use crate::graph::Plan;
use crate::state::freshness::Status;
use anyhow::{Context, Result};
use askama::Template;
use std::path::{Path, PathBuf};

/// What a run knew when it ended.
pub struct RunFacts<'a> {
    pub run_id: &'a str,
    pub started: chrono::DateTime<chrono::Utc>,
    pub profile: &'a str,
    pub engine: &'a str,
    /// The whole plans and each task's status before the run.
    pub plans: &'a [(Plan, Vec<Status>)],
    pub report: &'a RunReport,
    pub error: Option<&'a str>,
}

struct Node {
    x: usize,
    y: usize,
    w: usize,
    fill: &'static str,
    label: String,
    kind: &'static str,
    table: String,
    status: String,
}

struct TaskRow {
    node: String,
    kind: &'static str,
    table: String,
    status: String,
    rows: String,
    seconds: String,
    partitions: String,
    notes: String,
}

struct PipelineView {
    name: String,
    interval: String,
    width: usize,
    height: usize,
    nodes: Vec<Node>,
    edges: Vec<(usize, usize, usize, usize)>,
    tasks: Vec<TaskRow>,
}

struct CheckRow {
    table: String,
    dt: String,
    check: String,
    severity: &'static str,
    result: &'static str,
    class: &'static str,
    examples: String,
}

#[derive(Template)]
#[template(path = "report/run.html")]
struct Page {
    run_id: String,
    outcome: &'static str,
    started: String,
    seconds: String,
    profile: String,
    engine: String,
    error: Option<String>,
    pipelines: Vec<PipelineView>,
    files: String,
    counters: Vec<(String, u64)>,
    damaged: Vec<String>,
    checks: Vec<CheckRow>,
}

const BOX_W: usize = 220;
const COL_W: usize = 250;
const ROW_H: usize = 42;

fn kind_name(t: &crate::graph::Task) -> &'static str {
    use crate::graph::TaskKind::*;
    match t.kind {
        ImportLms { .. } => "import",
        Map { .. } => "map",
        Reduce { .. } => "reduce",
        Sql { .. } => "sql",
        Native { .. } => "native",
        ResultStore { .. } => "load",
        Files { .. } | Csv { .. } => "files",
    }
}

fn pipeline_view(plan: &Plan, statuses: &[Status], report: &RunReport, failed: bool) -> PipelineView {
    // Layered layout: a task's column is one past the deepest task it reads from.
    let mut depth = vec![0usize; plan.tasks.len()];
    for (i, t) in plan.tasks.iter().enumerate() {
        depth[i] = t.deps.iter().filter_map(|&d| depth.get(d)).map(|d| d + 1).max().unwrap_or(0);
    }
    let mut per_column: Vec<usize> = vec![0; depth.iter().max().map_or(1, |m| m + 1)];
    let mut at = Vec::with_capacity(plan.tasks.len());
    let mut nodes = Vec::new();
    let mut tasks = Vec::new();
    for (i, t) in plan.tasks.iter().enumerate() {
        let ran =
            report.tasks.iter().find(|r| r.pipeline == plan.pipeline && r.node == t.node && r.kind == kind_name(t));
        let status = statuses.get(i).copied().unwrap_or(Status::Create);
        let (label, fill) = match (ran, status.runs()) {
            (Some(_), _) => (format!("ran ({})", status.label()), "#d4edda"),
            (None, false) => ("up to date".to_string(), "#e2e3e5"),
            (None, true) if failed => ("not completed".to_string(), "#f8d7da"),
            (None, true) => (format!("ran ({})", status.label()), "#d4edda"),
        };
        let (x, y) = (10 + depth[i] * COL_W, 10 + per_column[depth[i]] * ROW_H);
        per_column[depth[i]] += 1;
        at.push((x, y));
        // A box holds about 32 characters.
        let room = 31usize.saturating_sub(kind_name(t).len());
        let short: String = match t.node.chars().count() > room {
            true => t.node.chars().take(room.saturating_sub(1)).chain(['…']).collect(),
            false => t.node.clone(),
        };
        nodes.push(Node {
            x,
            y,
            w: BOX_W,
            fill,
            label: format!("{} {short}", kind_name(t)),
            kind: kind_name(t),
            table: t.table.clone(),
            status: label.clone(),
        });
        let notes = ran
            .map(|r| {
                let mut n: Vec<String> = r.note.iter().cloned().collect();
                n.extend(r.skipped.iter().map(|(why, k)| format!("skipped {k}: {why}")));
                n.join("; ")
            })
            .unwrap_or_default();
        tasks.push(TaskRow {
            node: t.node.clone(),
            kind: kind_name(t),
            table: t.table.clone(),
            status: label,
            rows: ran.map(|r| r.rows.to_string()).unwrap_or_default(),
            seconds: ran.map(|r| format!("{:.2}", r.elapsed.as_secs_f64())).unwrap_or_default(),
            partitions: match ran.map(|r| r.partitions.len()) {
                Some(1) => ran.map(|r| r.partitions[0].clone()).unwrap_or_default(),
                Some(0) | None => String::new(),
                Some(n) => format!("{n} partitions"),
            },
            notes,
        });
    }
    let mut edges = Vec::new();
    for (i, t) in plan.tasks.iter().enumerate() {
        for &d in &t.deps {
            if let (Some(&(x1, y1)), Some(&(x2, y2))) = (at.get(d), at.get(i)) {
                edges.push((x1 + BOX_W, y1 + 15, x2, y2 + 15));
            }
        }
    }
    PipelineView {
        name: plan.pipeline.clone(),
        interval: plan.interval.to_string(),
        width: 20 + per_column.len() * COL_W,
        height: 20 + per_column.iter().max().copied().unwrap_or(1) * ROW_H,
        nodes,
        edges,
        tasks,
    }
}

/// The report as HTML.
pub fn render(f: &RunFacts) -> Result<String> {
    let r = f.report;
    let failed = f.error.is_some();
    let files = match &r.logs_note {
        Some(note) => note.clone(),
        None => format!(
            "{} file(s) read ({} undated); not read: {} dated outside the interval, {} not matching the pattern, {} hidden.",
            r.files.read, r.files.undated, r.files.outside_interval, r.files.not_matching, r.files.hidden
        ),
    };
    let page = Page {
        run_id: f.run_id.to_string(),
        outcome: if failed { "failed" } else { "succeeded" },
        started: f.started.format("%Y-%m-%d %H:%M:%S").to_string(),
        seconds: format!("{:.2}", (chrono::Utc::now() - f.started).num_milliseconds() as f64 / 1000.0),
        profile: f.profile.to_string(),
        engine: f.engine.to_string(),
        error: f.error.map(str::to_string),
        pipelines: f.plans.iter().map(|(p, s)| pipeline_view(p, s, r, failed)).collect(),
        files,
        counters: r.counters.clone(),
        damaged: r.damaged_files.iter().map(|d| format!("{}: {}", d.path, d.reason)).collect(),
        checks: r
            .checks
            .iter()
            .map(|c| {
                let (result, class) = match (c.failures, c.severity) {
                    (0, _) => ("passed", "succeeded"),
                    (_, "warn") => ("warning", "warn"),
                    _ => ("failed", "failed"),
                };
                CheckRow {
                    table: c.table.clone(),
                    dt: c.dt.clone(),
                    check: c.check.clone(),
                    severity: c.severity,
                    result,
                    class,
                    examples: c.examples.join("; "),
                }
            })
            .collect(),
    };
    Ok(page.render()?)
}

/// Where a run's report goes: `runs/` beside the state store, else `.edxc/runs/` under the project.
pub fn path(state_dir: Option<&Path>, root: &Path, run_id: &str) -> PathBuf {
    let dir = match state_dir {
        Some(d) => d.join("runs"),
        None => root.join(".edxc").join("runs"),
    };
    dir.join(format!("{run_id}.html"))
}

/// Writes the report atomically (temporary file, then rename).
pub fn write(path: &Path, html: &str) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let tmp = path.with_extension("html.tmp");
    std::fs::write(&tmp, html).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write the run report {}", path.display()))
}
