//! The run graph: every source import, transform and sink of the selected pipelines as a task, with the partitions it
//! writes in this run and the partitions each of its inputs is read from (docs/contract.md §0.4: only what the run
//! needs).

/// Intervals are parsed with the rest of the configuration; re-exported where the run graph uses them.
pub use crate::config::interval;
pub mod fingerprint;
pub mod lineage;

use crate::config::placeholder::{render, Var, Vars};
use crate::config::profile::Profile;
use crate::model::{Column, FileFormat, IntervalRule, ParamValue, Pipeline, SinkKind, SourceKind, TransformKind};
use chrono::{Duration, NaiveDate};
use interval::{iso_monday, parse_day, parse_interval, Interval};
use std::collections::BTreeMap;

/// Which `dt=` partitions of a table a task writes or reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Partitions {
    /// One partition, `dt=<value>`.
    One(String),
    /// One partition per day of the interval.
    Days(Interval),
}

impl Partitions {
    pub fn values(&self) -> Vec<String> {
        match self {
            Self::One(v) => vec![v.clone()],
            Self::Days(iv) => iv.days().map(|d| d.format("%Y-%m-%d").to_string()).collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TaskKind {
    /// Copy an LMS table into the warehouse.
    ImportLms {
        lms_table: String,
    },
    /// Run extractors over the tracking logs: the events dated in `window`, one partition per day; without a
    /// window, every event of the files below the source matching `include` (globs), into one partition.
    Map {
        extractor: String,
        window: Option<Interval>,
        include: Vec<String>,
        count_as: Option<String>,
        /// The pipeline's own log directories this map also reads (`tracking_log_dir` inputs): (directory,
        /// whole-path pattern).
        dirs: Vec<(String, String)>,
    },
    Reduce {
        reducer: String,
    },
    Sql {
        template: String,
        body: String,
    },
    Native {
        function: String,
        input_file: Option<String>,
    },
    ResultStore {
        overwrite: bool,
        allow_empty: bool,
        indexes: Vec<Vec<String>>,
        /// Explicit primary key columns; empty: an auto-increment `id`.
        primary_key: Vec<String>,
    },
    /// Write files of delimited text (`sinks::csv`): `dir` rendered for the run (empty: write nothing), `file` the
    /// per-row path template.
    Csv {
        dir: String,
        file: String,
        sort_by: Vec<String>,
        /// The columns written, by name, in file order (the sink's `fields`); empty: every column.
        fields: Vec<String>,
        /// The filter of `{column}` references in `file` that name none (`sha1`, `safe_course_id`).
        file_filter: Option<String>,
        format: crate::model::csv::CsvFormat,
    },
    /// Write files under `dir`, outside the warehouse, published with the run (`sinks::files`); what they hold
    /// may depend on the run's interval (validation events: the snapshots dated in it).
    Files {
        dir: String,
        format: FileFormat,
        interval: Interval,
    },
}

impl TaskKind {
    /// Sinks: loaded or written by edxc after the engine has run and the checks passed (`sinks`), never by an
    /// engine.
    pub fn is_sink(&self) -> bool {
        matches!(self, TaskKind::ResultStore { .. } | TaskKind::Files { .. } | TaskKind::Csv { .. })
    }
}

/// The partition column of every warehouse table.
pub const PARTITION_COLUMN: &str = "dt";

/// What a task reads from one of its inputs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputRead {
    pub table: String,
    pub columns: Vec<Column>,
    pub partitions: Partitions,
}

impl InputRead {
    /// Where each wanted column sits in this input's rows. `dt`, unless the input has a column of that name, is the
    /// partition value that readers append after the columns (a reducer grouping events by their day reads it).
    pub fn positions<'a>(&self, wanted: impl Iterator<Item = &'a str>) -> Result<Vec<usize>, String> {
        wanted
            .map(|name| match self.columns.iter().position(|c| c.name == name) {
                Some(i) => Ok(i),
                None if name == PARTITION_COLUMN => Ok(self.columns.len()),
                None => Err(format!("`{}` lacks column {name}", self.table)),
            })
            .collect()
    }
}

#[derive(Debug, Clone)]
pub struct Task {
    pub pipeline: String,
    /// Name of the node in its pipeline (and of the warehouse table it writes, for non-sinks).
    pub node: String,
    /// Warehouse table (imports, transforms) or result-store table (sinks).
    pub table: String,
    pub kind: TaskKind,
    pub columns: Vec<Column>,
    pub writes: Option<Partitions>,
    pub inputs: Vec<InputRead>,
    pub args: BTreeMap<String, String>,
    /// False when the node's `when` param is false: write an empty output (or only create the table).
    pub enabled: bool,
    /// Indexes (into the plan's task list) of the tasks this one waits for.
    pub deps: Vec<usize>,
    /// Data checks on what the task writes (transforms only).
    pub checks: Vec<crate::model::Check>,
    /// What identifies the task's output ([`fingerprint`]), fixed when the whole plan is made: a run of only some of
    /// a plan's tasks ([`Plan::subset`]) records the same fingerprints as a run of all of them.
    pub fingerprint: String,
}

/// Every task of one run, in dependency order.
#[derive(Debug, Clone)]
pub struct Plan {
    pub pipeline: String,
    /// The pipeline's file as the project names it (`pipelines/enrollments.toml`), for generated comments.
    pub source: String,
    /// The run's interval; empty (at the run date) and meaningless when `no_interval`.
    pub interval: Interval,
    /// The pipeline has no interval (`[pipeline.interval] type = "none"`).
    pub no_interval: bool,
    pub vars: Vars,
    pub tasks: Vec<Task>,
    /// Tables of record the run reads but no task writes (`warehouse_table` sources): table, columns, partition.
    pub tables_of_record: Vec<(String, Vec<Column>, String)>,
}

impl Plan {
    /// The interval as messages, generated comments and load markers name it: `no interval` for a pipeline without
    /// one.
    pub fn interval_text(&self) -> String {
        if self.no_interval {
            "no interval".to_string()
        } else {
            self.interval.to_string()
        }
    }

    /// Sets every task's fingerprint from the plan as it is (after a task's window was changed, say).
    pub fn refingerprint(&mut self) {
        let fingerprints = fingerprint::fingerprints(self);
        for (t, f) in self.tasks.iter_mut().zip(fingerprints) {
            t.fingerprint = f;
        }
    }

    /// The plan with only the tasks `keep` marks: a task that is left out is up to date, so what it wrote is read
    /// from the warehouse and nothing waits for it. Fingerprints stay those of the whole plan.
    pub fn subset(&self, keep: &[bool]) -> Plan {
        let mut new_index = vec![None; self.tasks.len()];
        let mut tasks = Vec::new();
        for (i, t) in self.tasks.iter().enumerate() {
            if keep.get(i).copied().unwrap_or(false) {
                new_index[i] = Some(tasks.len());
                tasks.push(t.clone());
            }
        }
        for t in &mut tasks {
            t.deps = t.deps.iter().filter_map(|&d| new_index.get(d).copied().flatten()).collect();
        }
        Plan { tasks, ..self.clone() }
    }
}

/// Run-time inputs of planning: the CLI's interval and params, and today's UTC date.
#[derive(Debug, Clone, Default)]
pub struct RunArgs {
    pub interval: Option<String>,
    pub params: BTreeMap<String, String>,
    pub today: Option<NaiveDate>,
}

fn param_var(value: &ParamValue, today: NaiveDate) -> Var {
    match value {
        ParamValue::Int(n) => Var::Int(*n),
        ParamValue::Bool(b) => Var::Bool(*b),
        ParamValue::Text(s) => parse_day(s, today).map(Var::Date).unwrap_or_else(|| Var::Text(s.clone())),
    }
}

fn parse_param_override(name: &str, text: &str, declared: &ParamValue) -> Result<ParamValue, String> {
    match declared {
        ParamValue::Int(_) => {
            text.parse().map(ParamValue::Int).map_err(|_| format!("--param {name}: `{text}` is not an integer"))
        }
        ParamValue::Bool(_) => match text {
            "true" | "1" | "yes" => Ok(ParamValue::Bool(true)),
            "false" | "0" | "no" => Ok(ParamValue::Bool(false)),
            _ => Err(format!("--param {name}: `{text}` is not true or false")),
        },
        ParamValue::Text(_) => Ok(ParamValue::Text(text.to_string())),
    }
}

/// Resolves params (declared defaults < profile `[params]` < `--param`), the interval and the run variables.
pub fn run_vars(p: &Pipeline, profile: &Profile, args: &RunArgs) -> Result<(Interval, Vars), String> {
    let today = args.today.unwrap_or_else(|| chrono::Utc::now().date_naive());
    let mut vars = Vars::new();
    for (name, declared) in &p.params {
        let mut value = declared.value.clone();
        if let Some(v) = profile.params.get(name) {
            value = v.clone();
        }
        if let Some(text) = args.params.get(name) {
            value = parse_param_override(name, text, &declared.value)?;
        }
        if let (ParamValue::Int(n), true) = (&value, name.ends_with("_days") || name == "weeks") {
            if *n < 0 {
                return Err(format!("param `{name}` must not be negative, got {n}"));
            }
        }
        vars.insert(name.clone(), param_var(&value, today));
    }
    let date_param = |name: &str| match vars.get(name) {
        Some(Var::Date(d)) => Ok(*d),
        Some(other) => Err(format!("param `{name}` must be a date (YYYY-MM-DD, today or yesterday), got `{other}`")),
        None => Err(format!("pipeline `{}` has no param `{name}`", p.name.value)),
    };
    let interval = match &p.interval {
        IntervalRule::Explicit { start, end } => {
            // --interval, else the original's --interval-start / --interval-end, else the profile's, else the rule's.
            let spec = args.interval.clone().or_else(|| args.params.get("interval").cloned());
            let (start_param, end_param) = (args.params.get("interval_start"), args.params.get("interval_end"));
            let by_params = start_param.is_some() || end_param.is_some();
            match spec.or_else(|| profile.get("interval").filter(|_| !by_params).map(str::to_string)) {
                Some(spec) => parse_interval(&spec, today)?,
                None => {
                    let start = start_param.unwrap_or(start);
                    let end = end_param.unwrap_or(end);
                    let a = parse_day(start, today).ok_or_else(|| format!("bad interval start `{start}`"))?;
                    let b = parse_day(end, today).ok_or_else(|| format!("bad interval end `{end}`"))?;
                    Interval::new(a, b)?
                }
            }
        }
        IntervalRule::IsoWeeks { end_param, weeks_param } => {
            // --interval (unless the end param is set explicitly) ends the weeks at the interval's end.
            let end = match (&args.interval, args.params.contains_key(end_param)) {
                (Some(spec), false) => parse_interval(spec, today)?.end,
                _ => date_param(end_param)?,
            };
            vars.insert(end_param.clone(), Var::Date(end));
            let weeks = match vars.get(weeks_param) {
                Some(Var::Int(n)) if *n > 0 => *n,
                _ => return Err(format!("param `{weeks_param}` must be a positive integer")),
            };
            Interval::new(iso_monday(end - Duration::days(7 * weeks)), iso_monday(end))?
        }
        // An empty interval at the run date: nothing of the run depends on it.
        IntervalRule::None => Interval::new(today, today)?,
    };
    for (var, (datetime, format)) in &p.datetime_vars {
        let text = |name: &str| match vars.get(name) {
            Some(v) => Ok(v.to_string()),
            None => Err(format!("datetime_vars `{var}`: pipeline `{}` has no param `{name}`", p.name.value)),
        };
        let value = format_datetime_param(&text(datetime)?, &text(format)?, today)
            .map_err(|e| format!("param `{datetime}` / `{format}`: {e}"))?;
        vars.insert(var.clone(), Var::Text(value));
    }
    vars.insert("interval_start".into(), Var::Date(interval.start));
    vars.insert("interval_end".into(), Var::Date(interval.end));
    vars.insert(crate::validate::INTERVAL_DAYS.into(), Var::Int((interval.end - interval.start).num_days()));
    vars.insert("today".into(), Var::Date(today));
    Ok((interval, vars))
}

/// A datetime param (Luigi's `DateSecondParameter` text `YYYY-MM-DDTHHMMSS`, or `YYYY-MM-DDTHH:MM:SS`,
/// `YYYY-MM-DD`; `now` is the current UTC time, on the run date when `--today` moved it) through a strftime format.
pub fn format_datetime_param(value: &str, format: &str, today: NaiveDate) -> Result<String, String> {
    use chrono::format::{Item, StrftimeItems};
    let now = chrono::Utc::now().naive_utc();
    let at = match value.trim() {
        "now" => today.and_time(now.time()),
        v => ["%Y-%m-%dT%H%M%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S"]
            .iter()
            .find_map(|f| chrono::NaiveDateTime::parse_from_str(v, f).ok())
            .or_else(|| parse_day(v, today).and_then(|d| d.and_hms_opt(0, 0, 0)))
            .ok_or_else(|| format!("`{v}` is not a datetime (YYYY-MM-DDTHHMMSS, YYYY-MM-DD or now)"))?,
    };
    if format.is_empty() || StrftimeItems::new(format).any(|i| matches!(i, Item::Error)) {
        return Err(format!("`{format}` is not a strftime format"));
    }
    Ok(at.format(format).to_string())
}

/// A node's `when`: `name` (a boolean param) or `name == 'value'` (a text param equal to a literal, e.g. one
/// interval type of several). Returns the param's name and the literal.
pub fn parse_when(text: &str) -> (&str, Option<&str>) {
    match text.split_once("==") {
        Some((name, value)) => {
            let v = value.trim();
            let unquoted = ['\'', '"'].iter().find_map(|q| v.strip_prefix(*q)?.strip_suffix(*q));
            (name.trim(), Some(unquoted.unwrap_or(v)))
        }
        None => (text.trim(), None),
    }
}

fn as_bool(vars: &Vars, when: &str) -> Result<bool, String> {
    let (name, value) = parse_when(when);
    match (vars.get(name), value) {
        (Some(Var::Bool(b)), None) => Ok(*b),
        (Some(v), Some(want)) => Ok(v.to_string() == want),
        (Some(other), None) => Err(format!("`when = \"{when}\"` needs a boolean param, `{name}` is `{other}`")),
        (None, _) => Err(format!("`when = \"{when}\"` names no param")),
    }
}

/// Builds the run graph of one validated pipeline. `read_body` loads a SQL template's text.
pub fn plan(
    p: &Pipeline,
    profile: &Profile,
    args: &RunArgs,
    read_body: &dyn Fn(&str) -> Result<String, String>,
) -> Result<Plan, String> {
    let (interval, vars) = run_vars(p, profile, args)?;
    let r = |t: &str| render(t, &vars);
    let mut tasks: Vec<Task> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    // What each node writes in this run, for its readers.
    let mut written: BTreeMap<String, Partitions> = BTreeMap::new();
    let mut file_inputs: BTreeMap<String, String> = BTreeMap::new();
    let mut log_dirs: BTreeMap<String, (String, String)> = BTreeMap::new();
    let mut tables_of_record = Vec::new();

    for (name, s) in &p.sources {
        match &s.kind {
            SourceKind::TrackingLog => {}
            SourceKind::LogDir { path, pattern } => {
                let dir = r(path).map_err(|e| format!("{}: {e}", path.pos))?;
                let pattern = r(pattern).map_err(|e| format!("{}: {e}", pattern.pos))?;
                if dir.is_empty() {
                    return Err(format!("{}: source `{name}` names no directory", path.pos));
                }
                log_dirs.insert(name.clone(), (dir, pattern));
            }
            SourceKind::WarehouseFile { path } => {
                file_inputs.insert(name.clone(), r(path)?);
            }
            // Read where it is: no task, nothing to wait for.
            SourceKind::WarehouseTable { columns, partition } => {
                let value = partition_value(&r(partition).map_err(|e| format!("{}: {e}", partition.pos))?)
                    .map_err(|e| format!("{}: {e}", partition.pos))?;
                written.insert(name.clone(), Partitions::One(value.clone()));
                tables_of_record.push((name.clone(), columns.iter().map(|c| c.value.clone()).collect(), value));
            }
            SourceKind::LmsTable { table, columns, partition } => {
                let part = Partitions::One(r(partition)?);
                written.insert(name.clone(), part.clone());
                index.insert(name.clone(), tasks.len());
                tasks.push(Task {
                    pipeline: p.name.value.clone(),
                    node: name.clone(),
                    table: name.clone(),
                    kind: TaskKind::ImportLms { lms_table: table.value.clone() },
                    columns: columns.iter().map(|c| c.value.clone()).collect(),
                    writes: Some(part),
                    inputs: vec![],
                    args: BTreeMap::new(),
                    enabled: true,
                    deps: vec![],
                    checks: vec![],
                    fingerprint: String::new(),
                });
            }
        }
    }

    // Transforms in dependency order (validation guarantees the graph is acyclic).
    let order = crate::validate::wiring::topo_order(p).map_err(|e| e.message)?;
    for name in order.iter().filter(|n| p.transforms.contains_key(*n)) {
        let t = &p.transforms[name];
        let enabled = match &t.when {
            Some(w) => as_bool(&vars, w)?,
            None => true,
        };
        let mut inputs = Vec::new();
        let mut deps = Vec::new();
        let mut input_file = None;
        for i in &t.inputs {
            if let Some(path) = file_inputs.get(&i.value) {
                input_file = Some(path.clone());
                continue;
            }
            if let Some(part) = written.get(&i.value) {
                let part = match part {
                    Partitions::Days(window) if p.interval != IntervalRule::None => {
                        Partitions::Days(window.union(&interval))
                    }
                    other => other.clone(),
                };
                inputs.push(InputRead {
                    table: i.value.clone(),
                    columns: p.columns_of(&i.value).unwrap_or_default(),
                    partitions: part,
                });
            }
            if let Some(&d) = index.get(&i.value) {
                deps.push(d);
            }
        }
        let (kind, writes) = match &t.kind {
            TransformKind::Map { extractor, window: Some(window), count_as, .. } => {
                let end = match vars.get(&window.end.value) {
                    Some(Var::Date(d)) => *d,
                    _ => {
                        return Err(format!(
                            "{}: window end `{}` is not a date variable",
                            window.end.pos, window.end.value
                        ))
                    }
                };
                let days = match vars.get(&window.days.value) {
                    Some(Var::Int(n)) => *n,
                    _ => {
                        return Err(format!(
                            "{}: window days `{}` is not an integer param",
                            window.days.pos, window.days.value
                        ))
                    }
                };
                let w = Interval::new(end - Duration::days(days), end)?;
                let kind = TaskKind::Map {
                    extractor: extractor.value.clone(),
                    window: Some(w),
                    include: vec![],
                    count_as: count_as.as_ref().map(|c| c.value.clone()),
                    dirs: t.inputs.iter().filter_map(|i| log_dirs.get(&i.value).cloned()).collect(),
                };
                (kind, Partitions::Days(w))
            }
            TransformKind::Map { extractor, window: None, include, count_as } => {
                let include = match include {
                    Some(tpl) => crate::config::include::parse_list(&r(tpl)?)
                        .map_err(|e| format!("{}: include: {e}", tpl.pos))?,
                    None => vec!["*".to_string()],
                };
                let kind = TaskKind::Map {
                    extractor: extractor.value.clone(),
                    window: None,
                    include,
                    count_as: count_as.as_ref().map(|c| c.value.clone()),
                    dirs: t.inputs.iter().filter_map(|i| log_dirs.get(&i.value).cloned()).collect(),
                };
                (kind, one(t, &r)?)
            }
            TransformKind::Reduce { reducer } => (TaskKind::Reduce { reducer: reducer.value.clone() }, one(t, &r)?),
            TransformKind::Sql { template } => {
                let text = read_body(&template.value)?;
                let body = render(&text, &vars).map_err(|e| format!("{}: {e}", template.value))?;
                (TaskKind::Sql { template: template.value.clone(), body }, one(t, &r)?)
            }
            TransformKind::Native { function } => {
                (TaskKind::Native { function: function.value.clone(), input_file: input_file.clone() }, one(t, &r)?)
            }
        };
        let args = t.args.iter().map(|(k, v)| Ok((k.clone(), r(v)?))).collect::<Result<_, String>>()?;
        written.insert(name.clone(), writes.clone());
        index.insert(name.clone(), tasks.len());
        tasks.push(Task {
            pipeline: p.name.value.clone(),
            node: name.clone(),
            table: name.clone(),
            kind,
            columns: p.columns_of(name).unwrap_or_default(),
            writes: Some(writes),
            inputs,
            args,
            enabled,
            deps,
            checks: t.checks.clone(),
            fingerprint: String::new(),
        });
    }

    for (name, s) in &p.sinks {
        let enabled = match &s.when {
            Some(w) => as_bool(&vars, w)?,
            None => true,
        };
        let mut inputs = Vec::new();
        let mut deps = Vec::new();
        for i in &s.inputs {
            if let Some(part) = written.get(&i.value) {
                inputs.push(InputRead {
                    table: i.value.clone(),
                    columns: p.columns_of(&i.value).unwrap_or_default(),
                    partitions: part.clone(),
                });
            }
            if let Some(&d) = index.get(&i.value) {
                deps.push(d);
            }
        }
        let (table, kind) = match &s.kind {
            SinkKind::ResultStore { table, indexes, primary_key, overwrite, allow_empty } => (
                table.value.clone(),
                TaskKind::ResultStore {
                    overwrite: *overwrite,
                    allow_empty: *allow_empty,
                    indexes: indexes.iter().map(|ix| ix.iter().map(|c| c.value.clone()).collect()).collect(),
                    primary_key: primary_key.iter().map(|c| c.value.clone()).collect(),
                },
            ),
            SinkKind::Files { path, format } => {
                let dir = r(path).map_err(|e| format!("{}: {e}", path.pos))?;
                if dir.is_empty() && *format != FileFormat::Marker {
                    return Err(format!("{}: sink `{name}` names no directory", path.pos));
                }
                (name.clone(), TaskKind::Files { dir, format: *format, interval })
            }
            SinkKind::Csv(csv) => (
                name.clone(),
                TaskKind::Csv {
                    dir: r(&csv.dir).map_err(|e| format!("{}: {e}", csv.dir.pos))?,
                    file: r(&csv.file).map_err(|e| format!("{}: {e}", csv.file.pos))?,
                    sort_by: csv.sort_by.iter().map(|c| c.value.clone()).collect(),
                    fields: match &csv.fields {
                        Some(f) => field_list(&r(f).map_err(|e| format!("{}: {e}", f.pos))?)
                            .map_err(|e| format!("{}: fields: {e}", f.pos))?,
                        None => vec![],
                    },
                    file_filter: csv.file_filter.as_ref().map(|f| f.value.clone()),
                    format: csv.format.clone(),
                },
            ),
        };
        tasks.push(Task {
            pipeline: p.name.value.clone(),
            node: name.clone(),
            table,
            kind,
            columns: s.columns.iter().map(|c| c.value.clone()).collect(),
            writes: None,
            inputs,
            args: BTreeMap::new(),
            enabled,
            deps,
            checks: vec![],
            fingerprint: String::new(),
        });
    }
    let mut plan = Plan {
        pipeline: p.name.value.clone(),
        source: p.file.display().to_string(),
        interval,
        no_interval: p.interval == IntervalRule::None,
        vars,
        tasks,
        tables_of_record,
    };
    plan.refingerprint();
    Ok(plan)
}

fn one(t: &crate::model::Transform, r: &dyn Fn(&str) -> Result<String, String>) -> Result<Partitions, String> {
    let part = t.partition.as_ref().ok_or_else(|| format!("transform `{}` has no partition", t.name.value))?;
    let value = r(part).map_err(|e| format!("{}: {e}", part.pos))?;
    Ok(Partitions::One(partition_value(&value).map_err(|e| format!("{}: {e}", part.pos))?))
}

/// A csv sink's rendered `fields`: a JSON list of column names, one name, or nothing (every column).
fn field_list(text: &str) -> Result<Vec<String>, String> {
    let t = text.trim();
    if t.starts_with('[') {
        serde_json::from_str::<Vec<String>>(t).map_err(|_| format!("`{text}` is not a JSON list of column names"))
    } else if t.is_empty() {
        Ok(vec![])
    } else {
        Ok(vec![t.to_string()])
    }
}

/// A rendered partition value, checked: partition values are path segments and quoted HiveQL literals (a param
/// such as answer distribution's `name` can be any text).
fn partition_value(value: &str) -> Result<String, String> {
    let bad_char = |c: char| c.is_control() || matches!(c, '/' | '\'' | '"' | '\\' | '`');
    if value.is_empty() || value.contains(bad_char) || value.contains("..") {
        return Err(format!("partition value `{value}` is not a valid dt= value"));
    }
    Ok(value.to_string())
}

#[cfg(test)]
mod when_tests {
    use super::*;

    #[test]
    fn when_is_a_flag_or_a_comparison() {
        assert_eq!(parse_when(" enable_course_catalog "), ("enable_course_catalog", None));
        assert_eq!(parse_when("interval_type == 'weekly'"), ("interval_type", Some("weekly")));
        assert_eq!(parse_when("interval_type==\"all\""), ("interval_type", Some("all")));
        let vars: Vars = [("t".to_string(), Var::Text("daily".into())), ("b".to_string(), Var::Bool(true))].into();
        assert_eq!(as_bool(&vars, "t == 'daily'"), Ok(true));
        assert_eq!(as_bool(&vars, "t == 'weekly'"), Ok(false));
        assert_eq!(as_bool(&vars, "b"), Ok(true));
        assert!(as_bool(&vars, "t").is_err(), "a text param is no flag");
        assert!(as_bool(&vars, "missing == 'x'").is_err());
    }
}
