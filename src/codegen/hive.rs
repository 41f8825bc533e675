//! The cluster bundle: HiveQL that runs unchanged on the Hive 2.3 CLI and on Spark SQL, Sqoop command lines, the
//! script that stages the run's tracking logs, and the rows of native tables as data files, numbered in run order
//! and listed in the manifest.
//!
//! Steps, in order: (1) stage the tracking logs the run reads, (2) one scan of them for every map task of every
//! pipeline (one `edxc-map` pass, then a multi-insert into each map table's day partitions), then per pipeline, in
//! plan order: LMS imports (Sqoop, then the table's partition), native tables (data file, then `LOAD DATA`),
//! reducers and SQL transforms. Maps without a window (every event of the files their `include` globs select) get
//! a stage and a scan of their own after those. Sinks (result store, csv files) are not part of the bundle.

use super::{ere, filter, hive_type, manifest, one, Artifact, ManifestRow};
use crate::config::engine_config::{DEFAULT_PATTERN, DEFAULT_UNDATED_PATTERN};
use crate::config::interval::Interval;
use crate::config::profile::Profile;
use crate::graph::{Plan, Task, TaskKind};
use crate::model::ColumnType;
use anyhow::{anyhow, bail, Context, Result};
use askama::Template;

#[derive(Template)]
#[template(path = "hive/header.hql", escape = "none")]
struct Header<'a> {
    source: &'a str,
    what: &'a str,
    profile: &'a str,
    interval: String,
    step: &'a str,
    database: &'a str,
}

#[derive(Template)]
#[template(path = "hive/table.hql", escape = "none")]
struct TableDdl<'a> {
    table: &'a str,
    columns: Vec<(String, &'static str)>,
    location: String,
}

/// A table the run reads but no task writes: declared, with the partition the run reads, over the files already there.
#[derive(Template)]
#[template(path = "hive/table_of_record.hql", escape = "none")]
struct TableOfRecordHql<'a> {
    header: String,
    ddl: String,
    table: &'a str,
    partition: &'a str,
}

#[derive(Template)]
#[template(path = "hive/stage_logs.sh", escape = "none")]
struct StageLogs<'a> {
    source: &'a str,
    profile: &'a str,
    interval: String,
    step: &'a str,
    map_step: &'a str,
    map_file: &'a str,
    tracking_logs: &'a str,
    staged: &'a str,
    days: usize,
    widened: String,
    dated: String,
    undated: String,
}

#[derive(Template)]
#[template(path = "hive/stage_dirs.sh", escape = "none")]
struct StageDirs<'a> {
    source: &'a str,
    profile: &'a str,
    interval: String,
    step: &'a str,
    stage_step: &'a str,
    map_step: &'a str,
    map_file: &'a str,
    staged: &'a str,
    /// (directory URL, anchored ERE of the paths to stage).
    dirs: Vec<(String, String)>,
}

/// One INSERT of the map step: a day partition of a map table (or the one partition of a map without a window).
#[derive(Clone)]
struct MapInsert {
    table: String,
    day: String,
    /// Only the rows of that day (maps with a window).
    by_day: bool,
    select: String,
    extractor: String,
    dt_column: String,
    group_by: Option<String>,
}

#[derive(Template)]
#[template(path = "hive/stage_included_logs.sh", escape = "none")]
struct StageIncludedLogs<'a> {
    source: &'a str,
    profile: &'a str,
    interval: String,
    step: &'a str,
    map_step: &'a str,
    map_file: &'a str,
    tracking_logs: &'a str,
    staged: &'a str,
    /// The include globs, as given.
    globs: &'a str,
    /// The globs as one ERE over paths relative to `tracking_logs`.
    include: String,
}

#[derive(Template)]
#[template(path = "hive/logs.hql", escape = "none")]
struct LogsHql<'a> {
    header: String,
    mapper_path: &'a str,
    mapper_name: &'a str,
    stage_step: &'a str,
    stage_file: &'a str,
    staged: &'a str,
    /// Which logs those are.
    selection: String,
    warehouse: &'a str,
    run: &'a str,
    mapped: &'a str,
    mapped_columns: Vec<String>,
    single_extractor: Option<String>,
    extractors: Vec<String>,
    /// The map windows' span (`--interval`); `None` for maps without a window.
    span: Option<String>,
    /// Whether each map table is written day by day (maps with a window).
    by_day: bool,
    ccx: bool,
    tables: Vec<String>,
    /// The INSERTs, in queries of at most `per_query`.
    inserts: Vec<Vec<MapInsert>>,
    per_query: usize,
}

/// INSERT branches per multi-insert query: each adds a counter to the job, whose counters Hadoop caps at
/// `mapreduce.job.counters.max` (120 by default); Hive's own take about 35 of them.
const INSERTS_PER_QUERY: usize = 50;

#[derive(Template)]
#[template(path = "hive/reduce.hql", escape = "none")]
struct ReduceHql<'a> {
    header: String,
    ddl: String,
    table: &'a str,
    partition: String,
    mapper_path: &'a str,
    mapper_name: &'a str,
    reducer: &'a str,
    args: Vec<(String, String)>,
    columns: Vec<(String, &'static str)>,
    /// Data files of the bundle the reducer reads (ADD FILE; the reducer finds them by name).
    add_files: Vec<String>,
    input_columns: Vec<&'static str>,
    input: String,
    input_filter: String,
    key: Vec<&'static str>,
    sort: Vec<&'static str>,
    enabled: bool,
}

#[derive(Template)]
#[template(path = "hive/sql.hql", escape = "none")]
struct SqlHql<'a> {
    header: String,
    ddl: String,
    database: &'a str,
    table: &'a str,
    partition: String,
    inputs: Vec<(String, String)>,
    columns: Vec<(String, &'static str)>,
    /// Per column, its value as a BOOLEAN ([`to_boolean`]) when it is one.
    booleans: Vec<String>,
    body: &'a str,
    enabled: bool,
}

#[derive(Template)]
#[template(path = "hive/to_boolean.hql", escape = "none")]
struct ToBoolean<'a> {
    expr: &'a str,
    from_string: bool,
}

/// The HiveQL that turns `expr` into a BOOLEAN the same way on Hive and Spark SQL (`templates/hive/to_boolean.hql`):
/// `from_string` when `expr` is a STRING (the shorter form), else any type.
pub fn to_boolean(expr: &str, from_string: bool) -> Result<String> {
    Ok(ToBoolean { expr, from_string }.render()?)
}

#[derive(Template)]
#[template(path = "hive/native.hql", escape = "none")]
struct NativeHql<'a> {
    header: String,
    ddl: String,
    table: &'a str,
    function: &'a str,
    input_file: Option<String>,
    rows: usize,
    data_file: &'a str,
    data_step: &'a str,
    partition: String,
    enabled: bool,
}

#[derive(Template)]
#[template(path = "hive/lms_table.hql", escape = "none")]
struct LmsHql<'a> {
    header: String,
    ddl: String,
    table: &'a str,
    location: String,
    partition: String,
    sqoop_step: &'a str,
    sqoop_file: &'a str,
}

#[derive(Template)]
#[template(path = "sqoop/import.sh", escape = "none")]
struct SqoopImport<'a> {
    pipeline_file: &'a str,
    step: &'a str,
    lms_table: &'a str,
    table: &'a str,
    target_dir: String,
    jdbc: &'a str,
    username: &'a str,
    password_file: &'a str,
    columns: String,
}

/// Values spliced into quoted HiveQL/shell strings must not be able to close the quote.
fn quoted_safe<'a>(key: &str, v: &'a str) -> Result<&'a str> {
    if v.contains('\'') || v.contains('\n') || v.contains('\\') {
        bail!("profile value `{key}` must not contain quotes, backslashes or newlines");
    }
    Ok(v)
}

/// The profile's settings a bundle uses.
struct Cluster<'a> {
    profile: &'a Profile,
    database: &'a str,
    warehouse: &'a str,
    mapper_path: &'a str,
    mapper_name: String,
}

impl<'a> Cluster<'a> {
    fn new(profile: &'a Profile) -> Result<Self> {
        let get = |k: &str| -> Result<&'a str> {
            let v = profile.get(k).ok_or_else(|| anyhow!("profile `{}` sets no `{k}`", profile.name))?;
            quoted_safe(k, v)
        };
        let database = get("hive_database")?;
        if database.is_empty() || !database.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            bail!("profile value `hive_database` must be a Hive identifier (letters, digits, _), got `{database}`");
        }
        let mapper_path = get("mapper_path")?;
        let mapper_name = mapper_path.rsplit('/').next().filter(|n| !n.is_empty()).unwrap_or("edxc-map").to_string();
        if mapper_name.contains(' ') {
            bail!("profile value `mapper_path` must not contain spaces");
        }
        Ok(Self { profile, database, warehouse: get("warehouse")?.trim_end_matches('/'), mapper_path, mapper_name })
    }

    fn get(&self, k: &str) -> Result<&'a str> {
        let v = self.profile.get(k).ok_or_else(|| anyhow!("profile `{}` sets no `{k}`", self.profile.name))?;
        quoted_safe(k, v)
    }

    fn location(&self, table: &str) -> String {
        format!("{}/{table}/", self.warehouse)
    }

    fn ddl(&self, t: &Task) -> Result<String> {
        Ok(TableDdl { table: &t.table, columns: columns(t), location: self.location(&t.table) }.render()?)
    }

    fn header(&self, source: &str, what: &str, interval: String, step: &str) -> Result<String> {
        Ok(Header { source, what, profile: &self.profile.name, interval, step, database: self.database }.render()?)
    }
}

fn columns(t: &Task) -> Vec<(String, &'static str)> {
    t.columns.iter().map(|c| (c.name.clone(), hive_type(c.ty))).collect()
}

/// Accumulates the steps: each gets the next number, its file name carries it.
struct Steps {
    width: usize,
    rows: Vec<ManifestRow>,
    out: Vec<Artifact>,
}

impl Steps {
    /// The number and file name the next step gets (`dir/NN-name`).
    fn peek(&self, ahead: usize, dir: &str, name: &str) -> (String, String) {
        let n = format!("{:0w$}", self.rows.len() + 1 + ahead, w = self.width);
        let file = format!("{dir}/{n}-{name}");
        (n, file)
    }

    fn push(&mut self, (step, file): (String, String), kind: &'static str, produces: String, mut text: String) {
        if !text.is_empty() && !text.ends_with('\n') {
            text.push('\n');
        }
        self.out.push(Artifact { path: file.clone(), text });
        self.rows.push(ManifestRow { step, file, kind, produces });
    }
}

/// How many steps the bundle of `plans` has.
fn count_steps(plans: &[(&Plan, &str)]) -> usize {
    let tasks = plans.iter().flat_map(|(p, _)| &p.tasks);
    let maps = tasks.clone().any(|t| matches!(t.kind, TaskKind::Map { window: Some(_), .. }));
    let whole_maps = tasks.clone().any(|t| matches!(t.kind, TaskKind::Map { window: None, .. }));
    let per_task: usize = tasks
        .map(|t| match t.kind {
            TaskKind::ImportLms { .. } | TaskKind::Native { .. } => 2,
            TaskKind::Reduce { ref reducer } if crate::geoip::reducer_needs(reducer) => 2,
            TaskKind::Reduce { .. } | TaskKind::Sql { .. } => 1,
            TaskKind::Map { .. } | TaskKind::ResultStore { .. } | TaskKind::Csv { .. } | TaskKind::Files { .. } => 0,
        })
        .sum();
    // A stage of the pipelines' own log directories, in the pass (with or without a window) of the maps that read
    // them.
    let dirs = |whole: bool| {
        plans.iter().flat_map(|(p, _)| &p.tasks).any(
            |t| matches!(&t.kind, TaskKind::Map { dirs, window, .. } if !dirs.is_empty() && window.is_none() == whole),
        )
    };
    per_task
        + plans.iter().map(|(p, _)| p.tables_of_record.len()).sum::<usize>()
        + if maps { 2 } else { 0 }
        + if whole_maps { 2 } else { 0 }
        + usize::from(dirs(false))
        + usize::from(dirs(true))
}

/// Renders one pipeline's plan as a cluster bundle (the engine registry's compile function).
pub fn hive(plan: &Plan, profile: &Profile, pipeline_file: &str) -> Result<Vec<Artifact>> {
    hive_bundle(&[(plan, pipeline_file)], profile)
}

/// Renders the plans of one compile as one cluster bundle, manifest first.
pub fn hive_bundle(plans: &[(&Plan, &str)], profile: &Profile) -> Result<Vec<Artifact>> {
    let c = Cluster::new(profile)?;
    let total = count_steps(plans);
    let mut steps = Steps { width: total.to_string().len().max(2), rows: Vec::new(), out: Vec::new() };
    map_steps(&c, plans, &mut steps)?;
    for (plan, file) in plans {
        for (table, columns, partition) in &plan.tables_of_record {
            let at = steps.peek(0, &plan.pipeline, &format!("{table}.hql"));
            let cols = columns.iter().map(|col| (col.name.clone(), hive_type(col.ty))).collect();
            let text = TableOfRecordHql {
                header: c.header(file, &format!("table of record `{table}`"), plan.interval_text(), &at.0)?,
                ddl: TableDdl { table, columns: cols, location: c.location(table) }.render()?,
                table,
                partition,
            }
            .render()?;
            steps.push(at, "hql", format!("{table} dt={partition} (already in the warehouse)"), text);
        }
        for t in &plan.tasks {
            task_steps(&c, plan, file, t, &mut steps)?;
        }
    }
    let how = "# Run every step in order, from the directory holding this file: hql with `hive -f FILE` (or `spark-sql -f \
               FILE`),\n# sh and sqoop with `sh FILE` on the cluster's gateway; a data file is read by the step that names it.";
    let mut out = vec![manifest(profile, plans, how, &steps.rows)?];
    out.append(&mut steps.out);
    Ok(out)
}

/// Days as inclusive ranges: `2014-06-22..2014-07-02, 2014-07-29..2014-08-09`.
fn day_ranges(days: &std::collections::BTreeSet<chrono::NaiveDate>) -> String {
    let mut ranges: Vec<(chrono::NaiveDate, chrono::NaiveDate)> = Vec::new();
    for &d in days {
        match ranges.last_mut() {
            Some((_, last)) if *last + chrono::Duration::days(1) == d => *last = d,
            _ => ranges.push((d, d)),
        }
    }
    let text: Vec<String> =
        ranges.iter().map(|(a, b)| if a == b { a.to_string() } else { format!("{a}..{b}") }).collect();
    text.join(", ")
}

/// `first..last (n partitions)` of a run of days.
fn days_text(window: &Interval) -> String {
    let days: Vec<String> = window.days().map(|d| d.format("%Y-%m-%d").to_string()).collect();
    match (days.first(), days.last()) {
        (Some(a), Some(b)) if days.len() > 1 => format!("dt={a}..{b} ({} partitions)", days.len()),
        (Some(a), _) => format!("dt={a}"),
        _ => "no partition".into(),
    }
}

/// Steps 1 and 2: stage the logs the run reads, then one scan of them feeding every map task of every plan. Maps
/// without a window (every event of the files their `include` globs select) get a stage and a scan of their own.
fn map_steps(c: &Cluster, plans: &[(&Plan, &str)], steps: &mut Steps) -> Result<()> {
    map_pass(c, plans, steps, false)?;
    map_pass(c, plans, steps, true)
}

/// One stage-and-scan pair: the maps with a window (`whole` false) or those without one.
fn map_pass(c: &Cluster, plans: &[(&Plan, &str)], steps: &mut Steps, whole: bool) -> Result<()> {
    struct MapTask<'t> {
        task: &'t Task,
        extractor: &'t str,
        window: Option<Interval>,
        include: &'t [String],
        count_as: Option<&'t str>,
    }
    let mut maps = Vec::new();
    let mut sources = Vec::new();
    let mut dirs: Vec<(&str, &str)> = Vec::new();
    for (plan, file) in plans {
        let before = maps.len();
        for t in &plan.tasks {
            if let TaskKind::Map { extractor, window, include, count_as, dirs: own } = &t.kind {
                if window.is_none() == whole {
                    maps.push(MapTask { task: t, extractor, window: *window, include, count_as: count_as.as_deref() });
                    for (d, p) in own {
                        if !dirs.contains(&(d.as_str(), p.as_str())) {
                            dirs.push((d, p));
                        }
                    }
                }
            }
        }
        if maps.len() > before {
            sources.push((plan.pipeline.as_str(), *file));
        }
    }
    if maps.is_empty() {
        return Ok(());
    }
    let profile = c.profile;
    for key in ["tracking_logs", "tracking_pattern"] {
        if profile.get(key).is_some_and(|v| v.trim_start().starts_with('[')) {
            bail!("profile value `{key}` names several: a cluster bundle stages one tracking-log location and pattern");
        }
    }
    let tracking_logs = c.get("tracking_logs")?.trim_end_matches('/');
    let names: Vec<&str> = sources.iter().map(|(p, _)| *p).collect();
    let source = sources.iter().map(|(_, f)| *f).collect::<Vec<_>>().join(", ");
    let span = maps.iter().filter_map(|m| m.window).reduce(|a, b| a.union(&b));
    let stage_at = steps.peek(0, "tracking_logs", if whole { "stage_included_logs.sh" } else { "stage_logs.sh" });
    let dirs_at = (!dirs.is_empty()).then(|| steps.peek(1, "tracking_logs", "stage_dirs.sh"));
    let map_at = steps.peek(
        1 + usize::from(dirs_at.is_some()),
        "tracking_logs",
        if whole { "map_included_logs.hql" } else { "map_logs.hql" },
    );
    // The run's own partition of the staged logs and its mapped rows: named after its pipelines and span (or the
    // partitions of its maps without a window), so that bundles of other pipelines or days never share them.
    // `dates`: the file dates the dated maps read (`None`: every file, for maps without a window).
    let (run, interval, selection, stage, produces, dates) = match span {
        Some(span) => {
            let expand = profile.i64_or("expand_interval_days", 2).map_err(anyhow::Error::msg)?;
            // The file dates the map windows need, each widened by expand_interval_days (not the days between
            // windows).
            let file_days: std::collections::BTreeSet<chrono::NaiveDate> = maps
                .iter()
                .filter_map(|m| m.window)
                .flat_map(|w| w.expand(expand).days().collect::<Vec<_>>())
                .collect();
            let dates: Vec<String> = file_days.iter().map(|d| d.format("%Y%m%d").to_string()).collect();
            let widened = day_ranges(&file_days);
            let pattern = profile.get("tracking_pattern").unwrap_or(DEFAULT_PATTERN);
            let undated = profile.get("tracking_undated_pattern").unwrap_or(DEFAULT_UNDATED_PATTERN);
            let dated = ere::whole_path("tracking_pattern", pattern, Some(&dates))?;
            let undated = ere::whole_path("tracking_undated_pattern", undated, None)?;
            let run = format!("{}-{}", names.join("-"), span);
            let staged = format!("{}/edxc_tracking_log/run={run}", c.warehouse);
            let interval = format!("map windows {span}");
            let stage = StageLogs {
                source: &source,
                profile: &profile.name,
                interval: interval.clone(),
                step: &stage_at.0,
                map_step: &map_at.0,
                map_file: &map_at.1,
                tracking_logs,
                staged: &staged,
                days: dates.len(),
                widened: widened.clone(),
                dated,
                undated,
            }
            .render()?;
            let produces = format!("{staged}/ (the tracking logs dated {widened}, and the undated live log)");
            (run, interval, format!("dated {widened}, and the undated live log"), stage, produces, Some(dates))
        }
        None => {
            let mut globs: Vec<String> = maps.iter().flat_map(|m| m.include.iter().cloned()).collect();
            globs.sort();
            globs.dedup();
            let mut parts: Vec<String> = maps.iter().map(|m| one(m.task)).collect::<Result<_>>()?;
            parts.sort();
            parts.dedup();
            let run = format!("{}-{}", names.join("-"), parts.join("-"));
            let staged = format!("{}/edxc_tracking_log/run={run}", c.warehouse);
            let interval = "every event of the selected files (no interval)".to_string();
            let shown = globs.join(" ");
            let include: Vec<String> = globs.iter().map(|g| crate::config::include::glob_regex(g)).collect();
            let stage = StageIncludedLogs {
                source: &source,
                profile: &profile.name,
                interval: interval.clone(),
                step: &stage_at.0,
                map_step: &map_at.0,
                map_file: &map_at.1,
                tracking_logs,
                staged: &staged,
                globs: &shown,
                include: include.join("|"),
            }
            .render()?;
            let produces = format!("{staged}/ (every log file matching {shown})");
            (run, interval, format!("every file matching {shown}, whatever its date"), stage, produces, None)
        }
    };
    let mapped = format!("edxc_mapped_{}", run.replace(|ch: char| !ch.is_ascii_alphanumeric(), "_"));
    let staged = format!("{}/edxc_tracking_log/run={run}", c.warehouse);
    let stage_step = stage_at.0.clone();
    let stage_file = stage_at.1.clone();
    steps.push(stage_at, "sh", produces, stage);
    if let Some(at) = dirs_at {
        // A relative directory is taken from the directory holding the warehouse, as on the embedded engine.
        let base = c.warehouse.rsplit_once('/').map_or(c.warehouse, |(parent, _)| parent);
        let mut rendered = Vec::new();
        for (dir, pattern) in &dirs {
            let url = if dir.starts_with('/') || dir.contains("://") {
                dir.trim_end_matches('/').to_string()
            } else {
                format!("{base}/{}", dir.trim_end_matches('/'))
            };
            quoted_safe("tracking_log_dir path", &url)?;
            rendered.push((url, ere::whole_path("tracking_log_dir pattern", pattern, dates.as_deref())?));
        }
        let text = StageDirs {
            source: &source,
            profile: &profile.name,
            interval: interval.clone(),
            step: &at.0,
            stage_step: &stage_step,
            map_step: &map_at.0,
            map_file: &map_at.1,
            staged: &staged,
            dirs: rendered.clone(),
        }
        .render()?;
        let listed: Vec<&str> = rendered.iter().map(|(u, _)| u.as_str()).collect();
        steps.push(at, "sh", format!("{staged}/dir-<n>/ (the files of {})", listed.join(", ")), text);
    }

    let mut extractors: Vec<String> = maps.iter().map(|m| m.extractor.to_string()).collect();
    extractors.sort();
    extractors.dedup();
    let mut width = 0;
    let mut tables = Vec::new();
    let mut inserts = Vec::new();
    let mut produced = Vec::new();
    for m in &maps {
        let spec = crate::events::extractor_columns(m.extractor)
            .ok_or_else(|| anyhow!("map `{}`: unknown extractor `{}`", m.task.node, m.extractor))?;
        let outputs: Vec<_> = m.task.columns.iter().filter(|col| Some(col.name.as_str()) != m.count_as).collect();
        if outputs.len() != spec.len() {
            bail!(
                "map `{}`: extractor `{}` writes {} columns, the table declares {}",
                m.task.node,
                m.extractor,
                spec.len(),
                outputs.len()
            );
        }
        width = width.max(spec.len() + 1);
        // The mapped columns are STRING.
        let cast = |expr: String, ty: ColumnType| match hive_type(ty) {
            "STRING" => Ok(expr),
            "BOOLEAN" => to_boolean(&expr, true),
            other => Ok(format!("CAST({expr} AS {other})")),
        };
        let mut select = Vec::new();
        let mut group = Vec::new();
        let mut outputs = outputs.into_iter().enumerate();
        for col in &m.task.columns {
            if Some(col.name.as_str()) == m.count_as {
                select.push(match hive_type(col.ty) {
                    "BIGINT" => "COUNT(1)".to_string(),
                    other => format!("CAST(COUNT(1) AS {other})"),
                });
                continue;
            }
            let Some((i, _)) = outputs.next() else { bail!("map `{}`: columns out of step", m.task.node) };
            select.push(cast(format!("`c{}`", i + 1), col.ty)?);
            group.push(format!("`c{}`", i + 1));
        }
        let (days, by_day) = match m.window {
            Some(w) => (w.days().map(|d| d.format("%Y-%m-%d").to_string()).collect(), true),
            None => (vec![one(m.task)?], false),
        };
        for day in days {
            inserts.push(MapInsert {
                table: m.task.table.clone(),
                day,
                by_day,
                select: select.join(", "),
                extractor: m.extractor.to_string(),
                dt_column: format!("c{}", spec.len() + 1),
                group_by: m.count_as.map(|_| group.join(", ")),
            });
        }
        tables.push(c.ddl(m.task)?);
        let written = match &m.window {
            Some(w) => days_text(w),
            None => format!("dt={}", one(m.task)?),
        };
        produced.push(format!("{} {written}", m.task.table));
    }
    let what: Vec<&str> = maps.iter().map(|m| m.task.table.as_str()).collect();
    let header = c.header(&source, &format!("tracking logs -> {}", what.join(", ")), interval, &map_at.0)?;
    let text = LogsHql {
        header,
        mapper_path: c.mapper_path,
        mapper_name: &c.mapper_name,
        stage_step: &stage_step,
        stage_file: &stage_file,
        staged: &staged,
        selection,
        warehouse: c.warehouse,
        run: &run,
        mapped: &mapped,
        mapped_columns: (1..=width).map(|i| format!("c{i}")).collect(),
        single_extractor: if extractors.len() == 1 { extractors.first().cloned() } else { None },
        extractors,
        span: span.map(|s| s.to_string()),
        by_day: !whole,
        ccx: profile.bool_or("ccx_enabled", false).map_err(anyhow::Error::msg)?,
        tables,
        inserts: inserts.chunks(INSERTS_PER_QUERY).map(<[MapInsert]>::to_vec).collect(),
        per_query: INSERTS_PER_QUERY,
    }
    .render()?;
    steps.push(map_at, "hql", produced.join("; "), text);
    Ok(())
}

/// The rows of a native table, computed now with the embedded engine's function, as Hive text.
fn native_rows(c: &Cluster, t: &Task, function: &str, input_file: Option<&str>) -> Result<(usize, String)> {
    if !t.enabled {
        return Ok((0, String::new()));
    }
    let input = match input_file {
        Some(rel) => {
            let url = format!("{}/{rel}", c.warehouse);
            let local = url.strip_prefix("file://").or_else(|| url.starts_with('/').then_some(url.as_str()));
            let Some(path) = local else {
                bail!(
                    "native `{}` reads {url}, and its rows ship in the bundle, so compile reads that file: it can read \
                     only a file:// or local warehouse (disable the table, or compile with --var warehouse=file://... \
                     where the file is)",
                    t.node
                );
            };
            Some(std::fs::read_to_string(path).with_context(|| format!("native `{}` reads {path}", t.node))?)
        }
        None => None,
    };
    let (rows, _) = crate::natives::run_native_counted(function, &t.args, input.as_deref())
        .with_context(|| format!("transform `{}`", t.node))?;
    let mut text = String::new();
    for r in &rows {
        text.push_str(&crate::hive_text::format_row(r));
        text.push('\n');
    }
    Ok((rows.len(), text))
}

/// The country table of the profile's GeoIP database (`geoip_database`, a local file: relative paths from the
/// project root), as the data file a country-looking reducer reads.
fn country_table(c: &Cluster, node: &str) -> Result<String> {
    let root = c.profile.file.parent().and_then(std::path::Path::parent).unwrap_or(std::path::Path::new("."));
    let path = c.profile.path("geoip_database", root).ok_or_else(|| {
        anyhow!("reducer `{node}` looks countries up: profile `{}` sets no `geoip_database`", c.profile.name)
    })?;
    crate::geoip::country_table(&path).with_context(|| format!("reducer `{node}`"))
}

/// The steps of one task (maps run in the shared scan, sinks outside the bundle).
fn task_steps(c: &Cluster, plan: &Plan, file: &str, t: &Task, steps: &mut Steps) -> Result<()> {
    let dir = plan.pipeline.as_str();
    let interval = || plan.interval_text();
    let kind = match &t.kind {
        TaskKind::ImportLms { .. } => "lms_table",
        TaskKind::Reduce { .. } => "reduce",
        TaskKind::Sql { .. } => "sql",
        TaskKind::Native { .. } => "native",
        TaskKind::Map { .. } | TaskKind::ResultStore { .. } | TaskKind::Csv { .. } | TaskKind::Files { .. } => {
            return Ok(())
        }
    };
    let what = format!("{kind} `{}`", t.node);
    let part = || -> Result<String> { Ok(format!("{} dt={}", t.table, one(t)?)) };
    match &t.kind {
        TaskKind::ImportLms { lms_table } => {
            let sqoop_at = steps.peek(0, dir, &format!("{}.sqoop.sh", t.node));
            let hql_at = steps.peek(1, dir, &format!("{}.hql", t.node));
            let target_dir = format!("{}dt={}", c.location(&t.table), one(t)?);
            let sqoop = SqoopImport {
                pipeline_file: file,
                step: &sqoop_at.0,
                lms_table,
                table: &t.table,
                target_dir: target_dir.clone(),
                jdbc: c.get("lms_jdbc")?,
                username: c.get("lms_username")?,
                password_file: c.get("lms_password_file")?,
                columns: t.columns.iter().map(|col| col.name.as_str()).collect::<Vec<_>>().join(","),
            }
            .render()?;
            let text = LmsHql {
                header: c.header(file, &what, interval(), &hql_at.0)?,
                ddl: c.ddl(t)?,
                table: &t.table,
                location: c.location(&t.table),
                partition: one(t)?,
                sqoop_step: &sqoop_at.0,
                sqoop_file: &sqoop_at.1,
            }
            .render()?;
            steps.push(sqoop_at, "sqoop", format!("{target_dir}/ (LMS table {lms_table})"), sqoop);
            steps.push(hql_at, "hql", part()?, text);
        }
        TaskKind::Native { function, input_file } => {
            let data_at = steps.peek(0, dir, &format!("{}.tsv", t.node));
            let hql_at = steps.peek(1, dir, &format!("{}.hql", t.node));
            let (rows, data) = native_rows(c, t, function, input_file.as_deref())?;
            let text = NativeHql {
                header: c.header(file, &what, interval(), &hql_at.0)?,
                ddl: c.ddl(t)?,
                table: &t.table,
                function,
                input_file: input_file.as_ref().map(|f| format!("{}/{f}", c.warehouse)),
                rows,
                data_file: &data_at.1,
                data_step: &data_at.0,
                partition: one(t)?,
                enabled: t.enabled,
            }
            .render()?;
            let produces = format!("{rows} row(s) of {}, loaded by step {}", t.table, hql_at.0);
            steps.push(data_at, "data", produces, data);
            steps.push(hql_at, "hql", part()?, text);
        }
        TaskKind::Reduce { reducer } => {
            let spec = crate::natives::reducer(reducer).ok_or_else(|| anyhow!("unknown reducer {reducer}"))?;
            // The arguments go inside the single-quoted USING command: other than plain words (dates, flags, lists
            // such as answer distribution's response types, paths), %XX-escaped, which edxc-map decodes.
            let input = t.inputs.first().ok_or_else(|| anyhow!("reducer `{}` has no input", t.node))?;
            let mut args: Vec<(String, String)> =
                t.args.iter().map(|(k, v)| (k.clone(), crate::natives::percent_encode(v))).collect();
            let mut add_files = Vec::new();
            if crate::geoip::reducer_needs(reducer) {
                // The country table, written now from the profile's GeoIP database, ships as a data file.
                let data_at = steps.peek(0, dir, &format!("{}.countries.tsv", t.node));
                let table = if t.enabled { country_table(c, &t.node)? } else { String::new() };
                let name = data_at.1.rsplit('/').next().unwrap_or(&data_at.1).to_string();
                args.push((crate::natives::GEOIP_ARG.to_string(), name));
                args.sort();
                add_files.push(data_at.1.clone());
                let produces = format!(
                    "{} country range(s) of geoip_database, read by step {}",
                    table.lines().count(),
                    steps.peek(1, dir, "").0
                );
                steps.push(data_at, "data", produces, table);
            }
            let at = steps.peek(0, dir, &format!("{}.hql", t.node));
            let text = ReduceHql {
                header: c.header(file, &what, interval(), &at.0)?,
                ddl: c.ddl(t)?,
                table: &t.table,
                partition: one(t)?,
                mapper_path: c.mapper_path,
                mapper_name: &c.mapper_name,
                reducer,
                args,
                columns: columns(t),
                add_files,
                input_columns: spec.input.iter().map(|col| col.name).collect(),
                input: input.table.clone(),
                input_filter: filter(&input.partitions),
                key: spec.key.to_vec(),
                sort: spec.key.iter().chain(spec.sort).copied().collect(),
                enabled: t.enabled,
            }
            .render()?;
            steps.push(at, "hql", part()?, text);
        }
        TaskKind::Sql { body, .. } => {
            let at = steps.peek(0, dir, &format!("{}.hql", t.node));
            let text = SqlHql {
                header: c.header(file, &what, interval(), &at.0)?,
                ddl: c.ddl(t)?,
                database: c.database,
                table: &t.table,
                partition: one(t)?,
                inputs: t.inputs.iter().map(|i| (i.table.clone(), filter(&i.partitions))).collect(),
                booleans: columns(t)
                    .iter()
                    .map(|(name, ty)| match *ty {
                        "BOOLEAN" => to_boolean(&format!("q.`{name}`"), false),
                        _ => Ok(String::new()),
                    })
                    .collect::<Result<_>>()?,
                columns: columns(t),
                body: body.trim_end().trim_end_matches(';'),
                enabled: t.enabled,
            }
            .render()?;
            steps.push(at, "hql", part()?, text);
        }
        TaskKind::Map { .. } | TaskKind::ResultStore { .. } | TaskKind::Csv { .. } | TaskKind::Files { .. } => {}
    }
    Ok(())
}
