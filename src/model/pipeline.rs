//! A loaded pipeline: sources → transforms → sinks, wired by `inputs`. Plain data with source positions, so later
//! phases can point at the exact place in the TOML file.

use super::column::Column;
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

/// A position in a TOML file (1-based line and column).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pos {
    pub file: PathBuf,
    pub line: usize,
    pub col: usize,
}

impl fmt::Display for Pos {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}", self.file.display(), self.line, self.col)
    }
}

/// A value with the position it was read from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct At<T> {
    pub value: T,
    pub pos: Pos,
}

impl<T> std::ops::Deref for At<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A pipeline parameter value (`[params]`), overridable with `--param name=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ParamValue {
    Int(i64),
    Bool(bool),
    Text(String),
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Int(n) => write!(f, "{n}"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Text(s) => f.write_str(s),
        }
    }
}

/// How a run's interval is derived.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IntervalRule {
    /// `--interval` (or `--param interval=`), else `[start, end)`; `end` may be `today`.
    Explicit { start: String, end: String },
    /// Whole ISO weeks: `[monday(end − 7·weeks days), monday(end))`, from two params (user activity).
    IsoWeeks { end_param: String, weeks_param: String },
    /// No interval (answer distribution): the workflow reads every event of the files it selects; neither
    /// `--interval` nor the profile's `interval` applies to it.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SourceKind {
    /// Raw tracking logs; where they live comes from the profile (`tracking_logs`).
    TrackingLog,
    /// A table of the LMS database (Sqoop on a cluster, a direct read on the embedded engine), imported into the
    /// warehouse partition `partition`.
    LmsTable { table: At<String>, columns: Vec<At<Column>>, partition: At<String> },
    /// A file already in the warehouse (e.g. an API snapshot), at a path template relative to the warehouse.
    WarehouseFile { path: At<String> },
    /// A table of record already in the warehouse, which no task of the pipeline writes (another workflow, or an
    /// earlier system, did): its declared columns, read at the partition `partition` (a placeholder template).
    WarehouseTable { columns: Vec<At<Column>>, partition: At<String> },
    /// Tracking-log files of the pipeline's own, besides the profile's: every file under the directory `path` whose
    /// whole path matches `pattern` (placeholder templates). Only the map transforms that list it read them.
    LogDir { path: At<String>, pattern: At<String> },
}

#[derive(Debug, Clone)]
pub struct Source {
    pub name: At<String>,
    pub kind: SourceKind,
    pub description: Option<String>,
}

/// The window of days a map transform (re)computes: `[end − days, end)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    /// A date variable (`interval_end` or a date param).
    pub end: At<String>,
    /// An integer param holding the number of days.
    pub days: At<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransformKind {
    /// The native mapper over tracking logs; one output partition per event day of the window. Without a window
    /// (a workflow with no interval, such as answer distribution), every event of every log file below the source
    /// that matches `include` (globs, default `*`), whatever its date, into the one partition `partition`.
    Map {
        extractor: At<String>,
        window: Option<Window>,
        include: Option<Box<At<String>>>,
        count_as: Option<At<String>>,
    },
    /// A native reducer over its input rows grouped by key (a Hive `TRANSFORM` on a cluster).
    Reduce { reducer: At<String> },
    /// A SQL body from `templates/`, one text for every engine.
    Sql { template: At<String> },
    /// A native generator or decoder run by edxc itself (calendar, course catalog...).
    Native { function: At<String> },
}

#[derive(Debug, Clone)]
pub struct Transform {
    pub name: At<String>,
    pub inputs: Vec<At<String>>,
    pub kind: TransformKind,
    /// Declared output columns (for map transforms: the extractor's columns, filled in by validation).
    pub columns: Vec<At<Column>>,
    /// Placeholder template of the `dt=` partition this transform writes in a run (absent for map transforms,
    /// which write one partition per day).
    pub partition: Option<At<String>>,
    /// Arguments for reducers and native functions (placeholder templates).
    pub args: BTreeMap<String, At<String>>,
    /// A boolean param, or `param == 'value'`: when false, the transform writes an empty partition.
    pub when: Option<At<String>>,
    pub description: Option<String>,
    /// Data checks on the output, run before anything of the run is published.
    pub checks: Vec<Check>,
}

/// A data check on a transform's output (what dbt calls a test).
#[derive(Debug, Clone, PartialEq)]
pub struct Check {
    pub kind: CheckKind,
    pub severity: Severity,
    /// Where it is declared.
    pub pos: Pos,
}

#[derive(Debug, Clone, PartialEq)]
pub enum CheckKind {
    /// None of these columns is NULL.
    NotNull(Vec<String>),
    /// No two rows share these columns' values.
    Unique(Vec<String>),
    /// The column holds only these values (or NULL).
    AcceptedValues { column: String, values: Vec<String> },
    /// The partition has at least `min` and at most `max` rows.
    RowCount { min: Option<u64>, max: Option<u64> },
    /// The row count is within `max_ratio` (0.5 = ±50 %) of the latest earlier partition's.
    Change { max_ratio: f64 },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// A failing check fails the run (nothing is published).
    Error,
    /// A failing check is reported; the run goes on.
    Warn,
}

impl CheckKind {
    /// The columns the check reads.
    pub fn columns(&self) -> Vec<&str> {
        match self {
            Self::NotNull(c) | Self::Unique(c) => c.iter().map(String::as_str).collect(),
            Self::AcceptedValues { column, .. } => vec![column.as_str()],
            Self::RowCount { .. } | Self::Change { .. } => vec![],
        }
    }

    pub fn name(&self) -> &'static str {
        match self {
            Self::NotNull(_) => "not_null",
            Self::Unique(_) => "unique",
            Self::AcceptedValues { .. } => "accepted_values",
            Self::RowCount { .. } => "row_count",
            Self::Change { .. } => "change",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SinkKind {
    /// A table of the result store that Insights reads.
    /// A result-store table; `primary_key` (e.g. `student_engagement_*`'s) replaces the auto-increment `id`.
    ResultStore {
        table: At<String>,
        indexes: Vec<Vec<At<String>>>,
        primary_key: Vec<At<String>>,
        overwrite: bool,
        allow_empty: bool,
    },
    /// Files of delimited text on local disk, one per group of rows (`src/sinks/csv.rs`).
    Csv(Box<super::csv::CsvSink>),
    /// Files written under the directory `path` (a placeholder template) outside the warehouse, published with
    /// the run (a file of the same name is replaced, others are left alone); `.gz` names are gzip-compressed.
    Files { path: At<String>, format: FileFormat },
}

/// What a `files` sink writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileFormat {
    /// Its input's rows `(file, line)`: each line into the file named (relative to the sink's directory).
    Lines,
    /// LMS `student_courseenrollment` snapshots as enrollment validation events (docs/contract.md §3.15 step A).
    ValidationEvents,
    /// An empty `_SUCCESS` file in the directory, once the run's other outputs are published with it (the marker
    /// the original's report tasks left); an empty directory writes nothing.
    Marker,
}

impl FileFormat {
    pub const NAMES: &'static [(&'static str, FileFormat)] = &[
        ("lines", FileFormat::Lines),
        ("validation_events", FileFormat::ValidationEvents),
        ("marker", FileFormat::Marker),
    ];

    pub fn name(self) -> &'static str {
        FileFormat::NAMES.iter().find(|(_, f)| *f == self).map_or("lines", |(n, _)| n)
    }
}

#[derive(Debug, Clone)]
pub struct Sink {
    pub name: At<String>,
    pub inputs: Vec<At<String>>,
    pub kind: SinkKind,
    pub columns: Vec<At<Column>>,
    /// A boolean param, or `param == 'value'`: when false, the table is only created (no rows, no marker), a csv
    /// sink writes no file.
    pub when: Option<At<String>>,
    pub description: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Pipeline {
    pub name: At<String>,
    pub description: String,
    pub file: PathBuf,
    pub interval: IntervalRule,
    pub params: BTreeMap<String, At<ParamValue>>,
    /// Parameters of the original task that edxc accepts with a fixed behaviour: name → what edxc does.
    pub task_params: BTreeMap<String, String>,
    /// The original pipeline's task names this pipeline replaces: `--pipeline` accepts them as well.
    pub tasks: Vec<String>,
    /// Location parameters of the original task that set another profile key than the common one
    /// (`config::task_params`): parameter → profile key, e.g. `credentials` → `lms_credentials`.
    pub location_params: BTreeMap<String, String>,
    /// Keys of the original's configuration file (`section.key`, e.g. `problem-response.report_fields`) that set a
    /// param: key → param. `--config section.key=value` sets it (below `--param`, as Luigi's config is).
    pub config: BTreeMap<String, String>,
    /// Run variables formatted from a datetime param, as the original's `TimestampPartitionMixin` formats its
    /// partition values: variable → (datetime param, param holding a strftime format).
    pub datetime_vars: BTreeMap<String, (String, String)>,
    pub sources: BTreeMap<String, Source>,
    pub transforms: BTreeMap<String, Transform>,
    pub sinks: BTreeMap<String, Sink>,
}

impl Pipeline {
    /// Output columns of a source or transform, if it has a declared schema.
    pub fn columns_of(&self, node: &str) -> Option<Vec<Column>> {
        if let Some(t) = self.transforms.get(node) {
            return Some(t.columns.iter().map(|c| c.value.clone()).collect());
        }
        match self.sources.get(node).map(|s| &s.kind) {
            Some(SourceKind::LmsTable { columns, .. } | SourceKind::WarehouseTable { columns, .. }) => {
                Some(columns.iter().map(|c| c.value.clone()).collect())
            }
            _ => None,
        }
    }
}
