//! Reading one `pipelines/*.toml` file into the model, keeping every position for diagnostics.
//!
//! serde with `deny_unknown_fields` catches unknown keys and bad types (toml reports their span); the per-type
//! checks below catch keys that do not belong to a section's `type`.

use crate::model::column::parse_column;
use crate::model::csv::{CsvFormat, CsvSink, Quoting};
use crate::model::diagnostic::line_col;
use crate::model::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::Path;
use toml::Spanned;

type S<T> = Spanned<T>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    pipeline: RawHeader,
    #[serde(default)]
    params: BTreeMap<S<String>, S<toml::Value>>,
    #[serde(default)]
    sources: BTreeMap<S<String>, RawNode>,
    #[serde(default)]
    transforms: BTreeMap<S<String>, RawNode>,
    #[serde(default)]
    sinks: BTreeMap<S<String>, RawNode>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHeader {
    name: S<String>,
    #[serde(default)]
    description: String,
    interval: Option<RawInterval>,
    /// Parameters of the original task whose behaviour edxc has fixed: name → what edxc does instead.
    #[serde(default)]
    task_params: BTreeMap<String, String>,
    /// The original pipeline's task names this pipeline replaces (`--pipeline` accepts them).
    #[serde(default)]
    tasks: Vec<String>,
    /// Location parameters of the original task that set another profile key than the common one.
    #[serde(default)]
    location_params: BTreeMap<String, String>,
    /// Keys of the original's configuration file that set a param: `"section.key" = "param"`.
    #[serde(default)]
    config: BTreeMap<String, String>,
    /// Run variables formatted from a datetime param: `name = { datetime = "param", format = "param" }`.
    #[serde(default)]
    datetime_vars: BTreeMap<String, RawDatetimeVar>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDatetimeVar {
    datetime: String,
    format: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawInterval {
    #[serde(rename = "type")]
    kind: S<String>,
    start: Option<S<String>>,
    end: Option<S<String>>,
    weeks: Option<S<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWindow {
    end: S<String>,
    days: S<String>,
}

/// Every key any source, transform or sink may have; which ones a given `type` accepts is checked after parsing.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNode {
    #[serde(rename = "type")]
    kind: S<String>,
    description: Option<String>,
    inputs: Option<S<Vec<S<String>>>>,
    columns: Option<S<Vec<S<String>>>>,
    table: Option<S<String>>,
    partition: Option<S<String>>,
    path: Option<S<String>>,
    extractor: Option<S<String>>,
    window: Option<S<RawWindow>>,
    count_as: Option<S<String>>,
    reducer: Option<S<String>>,
    template: Option<S<String>>,
    function: Option<S<String>>,
    args: Option<BTreeMap<String, S<String>>>,
    when: Option<S<String>>,
    indexes: Option<Vec<Vec<S<String>>>>,
    primary_key: Option<S<Vec<S<String>>>>,
    overwrite: Option<S<bool>>,
    allow_empty: Option<S<bool>>,
    checks: Option<Vec<S<RawCheck>>>,
    include: Option<S<String>>,
    dir: Option<S<String>>,
    file: Option<S<String>>,
    sort_by: Option<S<Vec<S<String>>>>,
    pattern: Option<S<String>>,
    fields: Option<S<String>>,
    file_filter: Option<S<String>>,
    /// A `files` sink's format (a name) or a `csv` sink's (a table, [`RawCsvFormat`]).
    format: Option<S<toml::Value>>,
}

/// How a `csv` sink writes its text (`[sinks.NAME.format]`); every key is optional.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCsvFormat {
    header: Option<Vec<String>>,
    delimiter: Option<String>,
    quote: Option<String>,
    quoting: Option<String>,
    line_end: Option<String>,
    null: Option<String>,
}

/// A data check on a transform's output (`[[transforms.NAME.checks]]`).
#[derive(Deserialize, Clone)]
#[serde(deny_unknown_fields)]
struct RawCheck {
    #[serde(rename = "type")]
    kind: String,
    columns: Option<Vec<String>>,
    column: Option<String>,
    values: Option<Vec<String>>,
    min: Option<u64>,
    max: Option<u64>,
    max_ratio: Option<f64>,
    severity: Option<String>,
}

struct Ctx<'a> {
    file: &'a Path,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

impl Ctx<'_> {
    fn pos(&self, span: std::ops::Range<usize>) -> Pos {
        let (line, col) = line_col(self.text, span.start);
        Pos { file: self.file.to_path_buf(), line, col }
    }

    fn at<T: Clone>(&self, s: &S<T>) -> At<T> {
        At { value: s.get_ref().clone(), pos: self.pos(s.span()) }
    }

    fn err(&mut self, phase: Phase, span: std::ops::Range<usize>, msg: impl Into<String>, hint: &str) {
        let pos = self.pos(span);
        let mut d = Diagnostic::new(phase, Some(&pos), msg);
        if !hint.is_empty() {
            d = d.hint(hint);
        }
        self.diags.push(d);
    }

    fn columns(&mut self, raw: &Option<S<Vec<S<String>>>>) -> Vec<At<Column>> {
        let mut out = Vec::new();
        for c in raw.iter().flat_map(|v| v.get_ref()) {
            match parse_column(c.get_ref()) {
                Ok(col) => out.push(At { value: col, pos: self.pos(c.span()) }),
                Err(e) => self.err(Phase::Fields, c.span(), e, "write columns as \"name type\", e.g. \"count int\""),
            }
        }
        out
    }

    fn inputs(&self, raw: &Option<S<Vec<S<String>>>>) -> Vec<At<String>> {
        raw.iter().flat_map(|v| v.get_ref()).map(|s| self.at(s)).collect()
    }

    /// Reports every key that is set but not accepted by this node's type.
    /// A data check, or a diagnostic when its keys do not fit its type.
    fn check(&mut self, raw: &S<RawCheck>) -> Option<Check> {
        let c = raw.get_ref();
        let severity = match c.severity.as_deref() {
            None | Some("error") => Severity::Error,
            Some("warn") => Severity::Warn,
            Some(other) => {
                self.err(
                    Phase::Fields,
                    raw.span(),
                    format!("unknown check severity `{other}`"),
                    "use `error` or `warn`",
                );
                return None;
            }
        };
        let kind = match (c.kind.as_str(), &c.columns, &c.column, &c.values) {
            ("not_null", Some(cols), None, None) if !cols.is_empty() => CheckKind::NotNull(cols.clone()),
            ("unique", Some(cols), None, None) if !cols.is_empty() => CheckKind::Unique(cols.clone()),
            ("accepted_values", None, Some(col), Some(values)) => {
                CheckKind::AcceptedValues { column: col.clone(), values: values.clone() }
            }
            ("row_count", None, None, None) if c.min.is_some() || c.max.is_some() => {
                CheckKind::RowCount { min: c.min, max: c.max }
            }
            ("change", None, None, None) if c.max_ratio.is_some_and(|r| r >= 0.0) => {
                CheckKind::Change { max_ratio: c.max_ratio.unwrap_or(0.0) }
            }
            (kind, ..) => {
                self.err(
                    Phase::Fields,
                    raw.span(),
                    format!("check `{kind}` has missing or extra settings"),
                    "not_null / unique: columns = [..]; accepted_values: column, values = [..]; row_count: min \
                     and/or max; change: max_ratio (0.5 = within ±50 % of the previous partition); severity = \
                     \"warn\" only reports",
                );
                return None;
            }
        };
        let numbers_misplaced = !matches!(kind, CheckKind::RowCount { .. }) && (c.min.is_some() || c.max.is_some())
            || !matches!(kind, CheckKind::Change { .. }) && c.max_ratio.is_some();
        if numbers_misplaced {
            self.err(Phase::Fields, raw.span(), format!("check `{}` has extra settings", c.kind), "remove them");
            return None;
        }
        Some(Check { kind, severity, pos: self.pos(raw.span()) })
    }

    fn only(&mut self, what: &str, node: &RawNode, allowed: &[&str]) {
        let present: [(&str, Option<std::ops::Range<usize>>); 25] = [
            ("fields", node.fields.as_ref().map(|s| s.span())),
            ("file_filter", node.file_filter.as_ref().map(|s| s.span())),
            ("checks", node.checks.as_ref().and_then(|v| v.first()).map(|s| s.span())),
            ("inputs", node.inputs.as_ref().map(|s| s.span())),
            ("columns", node.columns.as_ref().map(|s| s.span())),
            ("table", node.table.as_ref().map(|s| s.span())),
            ("partition", node.partition.as_ref().map(|s| s.span())),
            ("path", node.path.as_ref().map(|s| s.span())),
            ("extractor", node.extractor.as_ref().map(|s| s.span())),
            ("window", node.window.as_ref().map(|s| s.span())),
            ("count_as", node.count_as.as_ref().map(|s| s.span())),
            ("reducer", node.reducer.as_ref().map(|s| s.span())),
            ("template", node.template.as_ref().map(|s| s.span())),
            ("function", node.function.as_ref().map(|s| s.span())),
            ("when", node.when.as_ref().map(|s| s.span())),
            ("overwrite", node.overwrite.as_ref().map(|s| s.span())),
            ("allow_empty", node.allow_empty.as_ref().map(|s| s.span())),
            ("indexes", node.indexes.as_ref().and_then(|v| v.first()?.first().map(|s| s.span()))),
            ("primary_key", node.primary_key.as_ref().map(|s| s.span())),
            ("include", node.include.as_ref().map(|s| s.span())),
            ("dir", node.dir.as_ref().map(|s| s.span())),
            ("file", node.file.as_ref().map(|s| s.span())),
            ("sort_by", node.sort_by.as_ref().map(|s| s.span())),
            ("pattern", node.pattern.as_ref().map(|s| s.span())),
            ("format", node.format.as_ref().map(|s| s.span())),
        ];
        for (key, span) in present {
            if let Some(span) = span {
                if !allowed.contains(&key) {
                    self.err(
                        Phase::Fields,
                        span,
                        format!("`{key}` is not a setting of a {what} of type `{}`", node.kind.get_ref()),
                        &format!("remove it; this type accepts: {}", allowed.join(", ")),
                    );
                }
            }
        }
        if node.args.is_some() && !allowed.contains(&"args") {
            let span = node.kind.span();
            self.err(Phase::Fields, span, format!("`args` is not a setting of a {what} of this type"), "remove it");
        }
    }

    fn required(&mut self, what: &str, name: &S<String>, key: &str, value: Option<&S<String>>) -> At<String> {
        match value {
            Some(v) => self.at(v),
            None => {
                self.err(
                    Phase::Fields,
                    name.span(),
                    format!("{what} `{}` needs `{key}`", name.get_ref()),
                    &format!("add `{key} = \"...\"` to [{what}s.{}]", name.get_ref()),
                );
                At { value: String::new(), pos: self.pos(name.span()) }
            }
        }
    }
}

const CSV_FORMAT_HINT: &str = "format keys: header = [names] ([] for none), delimiter and quote (one character each), \
                               quoting = minimal | all | nonnumeric | none, line_end (\\r\\n or \\n), null (text of \
                               a NULL)";

/// A csv sink's `format` table over the defaults (Python's `csv` module defaults).
fn csv_format(raw: &RawCsvFormat) -> Result<CsvFormat, String> {
    let mut f = CsvFormat::default();
    let one_char = |key: &str, v: &Option<String>, slot: &mut char| -> Result<(), String> {
        if let Some(v) = v {
            let mut chars = v.chars();
            match (chars.next(), chars.next()) {
                (Some(c), None) if !matches!(c, '\r' | '\n') => *slot = c,
                _ => return Err(format!("csv format `{key}` must be one character (not CR or LF), got {v:?}")),
            }
        }
        Ok(())
    };
    one_char("delimiter", &raw.delimiter, &mut f.delimiter)?;
    one_char("quote", &raw.quote, &mut f.quote)?;
    if f.delimiter == f.quote {
        return Err("csv format: delimiter and quote are the same character".into());
    }
    if let Some(q) = &raw.quoting {
        f.quoting = Quoting::parse(q).ok_or_else(|| format!("unknown csv quoting `{q}`"))?;
    }
    if let Some(l) = &raw.line_end {
        if !matches!(l.as_str(), "\r\n" | "\n") {
            return Err(format!("csv format `line_end` must be \"\\r\\n\" or \"\\n\", got {l:?}"));
        }
        f.line_end = l.clone();
    }
    if let Some(n) = &raw.null {
        f.null = n.clone();
    }
    f.header = raw.header.clone();
    Ok(f)
}

/// Parses a pipeline file. On failure returns every diagnostic found (syntax errors stop at the first).
pub fn parse_pipeline(file: &Path, text: &str) -> Result<Pipeline, Vec<Diagnostic>> {
    let mut cx = Ctx { file, text, diags: Vec::new() };
    let raw: RawFile = match toml::from_str(text) {
        Ok(r) => r,
        Err(e) => {
            let pos = e.span().map(|s| cx.pos(s));
            let msg = e.message().trim().to_string();
            let hint = if msg.contains("unknown field") {
                "check the spelling; `edxc validate --help` links the pipeline reference"
            } else {
                "fix the TOML at this position"
            };
            return Err(vec![Diagnostic::new(Phase::Syntax, pos.as_ref(), msg).hint(hint)]);
        }
    };

    let interval = match &raw.pipeline.interval {
        None => IntervalRule::Explicit { start: "2013-11-01".into(), end: "today".into() },
        Some(iv) => match iv.kind.get_ref().as_str() {
            "explicit" => IntervalRule::Explicit {
                start: iv.start.as_ref().map(|s| s.get_ref().clone()).unwrap_or_else(|| "2013-11-01".into()),
                end: iv.end.as_ref().map(|s| s.get_ref().clone()).unwrap_or_else(|| "today".into()),
            },
            "iso_weeks" => {
                let end = iv.end.as_ref().map(|s| s.get_ref().clone()).unwrap_or_else(|| "end_date".into());
                let weeks = iv.weeks.as_ref().map(|s| s.get_ref().clone()).unwrap_or_else(|| "weeks".into());
                IntervalRule::IsoWeeks { end_param: end, weeks_param: weeks }
            }
            "none" => IntervalRule::None,
            other => {
                cx.err(
                    Phase::Fields,
                    iv.kind.span(),
                    format!("unknown interval type `{other}`"),
                    "use `explicit` (from --interval), `iso_weeks` (from end_date and weeks params) or `none`",
                );
                IntervalRule::Explicit { start: "2013-11-01".into(), end: "today".into() }
            }
        },
    };

    let mut params = BTreeMap::new();
    for (k, v) in &raw.params {
        let value = match v.get_ref() {
            toml::Value::Integer(n) => ParamValue::Int(*n),
            toml::Value::Boolean(b) => ParamValue::Bool(*b),
            toml::Value::String(s) => ParamValue::Text(s.clone()),
            other => {
                cx.err(
                    Phase::Fields,
                    v.span(),
                    format!("param `{}` has a {} value", k.get_ref(), other.type_str()),
                    "params are integers, booleans or strings (dates as \"YYYY-MM-DD\" or \"today\")",
                );
                continue;
            }
        };
        params.insert(k.get_ref().clone(), At { value, pos: cx.pos(k.span()) });
    }

    let mut sources = BTreeMap::new();
    for (name, node) in &raw.sources {
        let kind = match node.kind.get_ref().as_str() {
            "tracking_log" => {
                cx.only("source", node, &[]);
                SourceKind::TrackingLog
            }
            "lms_table" => {
                cx.only("source", node, &["table", "columns", "partition"]);
                let table = node.table.as_ref().map(|t| cx.at(t)).unwrap_or_else(|| cx.at(name));
                let columns = cx.columns(&node.columns);
                if columns.is_empty() && node.columns.is_none() {
                    cx.err(
                        Phase::Fields,
                        name.span(),
                        "an lms_table source needs `columns`",
                        "list the columns to import, e.g. columns = [\"user_id int\"]",
                    );
                }
                let partition = node
                    .partition
                    .as_ref()
                    .map(|p| cx.at(p))
                    .unwrap_or_else(|| At { value: "{{ today }}".into(), pos: cx.pos(name.span()) });
                SourceKind::LmsTable { table, columns, partition }
            }
            "warehouse_table" => {
                cx.only("source", node, &["columns", "partition"]);
                let columns = cx.columns(&node.columns);
                if node.columns.is_none() {
                    cx.err(
                        Phase::Fields,
                        name.span(),
                        "a warehouse_table source needs `columns`",
                        "declare the table's columns as the warehouse holds them, e.g. columns = [\"block_id string\"]",
                    );
                }
                let partition = cx.required("source", name, "partition", node.partition.as_ref());
                SourceKind::WarehouseTable { columns, partition }
            }
            "warehouse_file" => {
                cx.only("source", node, &["path"]);
                SourceKind::WarehouseFile { path: cx.required("source", name, "path", node.path.as_ref()) }
            }
            "tracking_log_dir" => {
                cx.only("source", node, &["path", "pattern"]);
                SourceKind::LogDir {
                    path: cx.required("source", name, "path", node.path.as_ref()),
                    pattern: cx.required("source", name, "pattern", node.pattern.as_ref()),
                }
            }
            other => {
                cx.err(
                    Phase::Fields,
                    node.kind.span(),
                    format!("unknown source type `{other}`"),
                    "source types are: tracking_log, tracking_log_dir, lms_table, warehouse_file, warehouse_table",
                );
                continue;
            }
        };
        let s = Source { name: cx.at(name), kind, description: node.description.clone() };
        sources.insert(name.get_ref().clone(), s);
    }

    let mut transforms = BTreeMap::new();
    for (name, node) in &raw.transforms {
        let common = ["inputs", "columns", "partition", "when", "args", "checks"];
        let kind = match node.kind.get_ref().as_str() {
            "map" => {
                let allowed: &[&str] = if node.window.is_some() {
                    &["inputs", "extractor", "window", "count_as", "when", "checks"]
                } else {
                    &["inputs", "extractor", "partition", "include", "count_as", "when", "checks"]
                };
                cx.only("transform", node, allowed);
                let extractor = cx.required("transform", name, "extractor", node.extractor.as_ref());
                let window = node
                    .window
                    .as_ref()
                    .map(|w| Window { end: cx.at(&w.get_ref().end), days: cx.at(&w.get_ref().days) });
                if window.is_none() && node.partition.is_none() {
                    cx.err(
                        Phase::Fields,
                        name.span(),
                        format!("map transform `{}` needs `window` (or `partition`)", name.get_ref()),
                        "e.g. window = { end = \"interval_end\", days = \"overwrite_n_days\" }; without a window, every \
                         event of the selected files goes to one partition = \"...\"",
                    );
                    continue;
                }
                TransformKind::Map {
                    extractor,
                    window,
                    include: node.include.as_ref().map(|i| Box::new(cx.at(i))),
                    count_as: node.count_as.as_ref().map(|c| cx.at(c)),
                }
            }
            "reduce" => {
                cx.only("transform", node, &[&common[..], &["reducer"]].concat());
                TransformKind::Reduce { reducer: cx.required("transform", name, "reducer", node.reducer.as_ref()) }
            }
            "sql" => {
                cx.only("transform", node, &[&common[..], &["template"]].concat());
                TransformKind::Sql { template: cx.required("transform", name, "template", node.template.as_ref()) }
            }
            "native" => {
                cx.only("transform", node, &[&common[..], &["function"]].concat());
                TransformKind::Native { function: cx.required("transform", name, "function", node.function.as_ref()) }
            }
            other => {
                cx.err(
                    Phase::Fields,
                    node.kind.span(),
                    format!("unknown transform type `{other}`"),
                    "transform types are: map, reduce, sql, native",
                );
                continue;
            }
        };
        let is_map = matches!(kind, TransformKind::Map { .. });
        let windowed_map = matches!(kind, TransformKind::Map { window: Some(_), .. });
        if !windowed_map && node.partition.is_none() {
            cx.err(
                Phase::Fields,
                name.span(),
                format!("transform `{}` needs `partition`", name.get_ref()),
                "name the dt= partition it writes in a run, e.g. partition = \"{{ interval_end }}\"",
            );
        }
        if !is_map && node.columns.is_none() {
            cx.err(
                Phase::Fields,
                name.span(),
                format!("transform `{}` needs `columns`", name.get_ref()),
                "declare its output schema, e.g. columns = [\"course_id string\", \"count int\"]",
            );
        }
        let t = Transform {
            name: cx.at(name),
            inputs: cx.inputs(&node.inputs),
            kind,
            columns: cx.columns(&node.columns),
            partition: node.partition.as_ref().map(|p| cx.at(p)),
            args: node.args.iter().flatten().map(|(k, v)| (k.clone(), cx.at(v))).collect(),
            when: node.when.as_ref().map(|w| cx.at(w)),
            description: node.description.clone(),
            checks: node.checks.iter().flatten().filter_map(|c| cx.check(c)).collect(),
        };
        transforms.insert(name.get_ref().clone(), t);
    }

    let mut sinks = BTreeMap::new();
    for (name, node) in &raw.sinks {
        let kind = match node.kind.get_ref().as_str() {
            "result_store" => {
                let allowed =
                    ["inputs", "columns", "table", "indexes", "primary_key", "overwrite", "allow_empty", "when"];
                cx.only("sink", node, &allowed);
                SinkKind::ResultStore {
                    table: node.table.as_ref().map(|t| cx.at(t)).unwrap_or_else(|| cx.at(name)),
                    indexes: node.indexes.iter().flatten().map(|ix| ix.iter().map(|c| cx.at(c)).collect()).collect(),
                    primary_key: node.primary_key.iter().flat_map(|k| k.get_ref()).map(|c| cx.at(c)).collect(),
                    overwrite: node.overwrite.as_ref().map(|b| *b.get_ref()).unwrap_or(true),
                    allow_empty: node.allow_empty.as_ref().map(|b| *b.get_ref()).unwrap_or(false),
                }
            }
            "csv" => {
                cx.only(
                    "sink",
                    node,
                    &["inputs", "columns", "dir", "file", "sort_by", "fields", "file_filter", "format", "when"],
                );
                if let Some(f) = &node.file_filter {
                    if !matches!(f.get_ref().as_str(), "sha1" | "safe_course_id") {
                        cx.err(
                            Phase::Fields,
                            f.span(),
                            format!("unknown file_filter `{}`", f.get_ref()),
                            "filters: sha1, safe_course_id",
                        );
                        continue;
                    }
                }
                let format = match &node.format {
                    Some(f) => match f.get_ref().clone().try_into::<RawCsvFormat>() {
                        Ok(raw) => match csv_format(&raw) {
                            Ok(f) => f,
                            Err(e) => {
                                cx.err(Phase::Fields, f.span(), e, CSV_FORMAT_HINT);
                                continue;
                            }
                        },
                        Err(e) => {
                            let e = format!("csv format: {}", e.message().trim_end());
                            cx.err(Phase::Fields, f.span(), e, CSV_FORMAT_HINT);
                            continue;
                        }
                    },
                    None => CsvFormat::default(),
                };
                SinkKind::Csv(Box::new(CsvSink {
                    dir: cx.required("sink", name, "dir", node.dir.as_ref()),
                    file: cx.required("sink", name, "file", node.file.as_ref()),
                    sort_by: node.sort_by.iter().flat_map(|v| v.get_ref()).map(|c| cx.at(c)).collect(),
                    fields: node.fields.as_ref().map(|f| cx.at(f)),
                    file_filter: node.file_filter.as_ref().map(|f| cx.at(f)),
                    format,
                }))
            }
            "files" => {
                cx.only("sink", node, &["inputs", "path", "format", "when"]);
                let path = cx.required("sink", name, "path", node.path.as_ref());
                let format = match node.format.as_ref() {
                    None => FileFormat::Lines,
                    Some(f) => match FileFormat::NAMES.iter().find(|(n, _)| Some(*n) == f.get_ref().as_str()) {
                        Some((_, format)) => *format,
                        None => {
                            let names: Vec<&str> = FileFormat::NAMES.iter().map(|(n, _)| *n).collect();
                            let shown = f.get_ref().as_str().map_or_else(|| f.get_ref().to_string(), str::to_string);
                            cx.err(
                                Phase::Fields,
                                f.span(),
                                format!("unknown files format `{shown}`"),
                                &format!("formats: {}", names.join(", ")),
                            );
                            continue;
                        }
                    },
                };
                SinkKind::Files { path, format }
            }
            other => {
                cx.err(
                    Phase::Fields,
                    node.kind.span(),
                    format!("unknown sink type `{other}`"),
                    "sink types are: result_store, csv, files",
                );
                continue;
            }
        };
        if node.columns.is_none() && matches!(kind, SinkKind::ResultStore { .. }) {
            cx.err(
                Phase::Fields,
                name.span(),
                format!("sink `{}` needs `columns`", name.get_ref()),
                "declare the table's columns with their result-store types",
            );
        }
        let s = Sink {
            name: cx.at(name),
            inputs: cx.inputs(&node.inputs),
            kind,
            columns: cx.columns(&node.columns),
            when: node.when.as_ref().map(|w| cx.at(w)),
            description: node.description.clone(),
        };
        sinks.insert(name.get_ref().clone(), s);
    }

    if !cx.diags.is_empty() {
        return Err(cx.diags);
    }
    Ok(Pipeline {
        name: cx.at(&raw.pipeline.name),
        description: raw.pipeline.description.clone(),
        file: file.to_path_buf(),
        interval,
        params,
        task_params: raw.pipeline.task_params.clone(),
        tasks: raw.pipeline.tasks.clone(),
        location_params: raw.pipeline.location_params.clone(),
        config: raw.pipeline.config.clone(),
        datetime_vars: raw
            .pipeline
            .datetime_vars
            .iter()
            .map(|(k, v)| (k.clone(), (v.datetime.clone(), v.format.clone())))
            .collect(),
        sources,
        transforms,
        sinks,
    })
}
