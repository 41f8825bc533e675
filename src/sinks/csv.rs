//! The `csv` sink: files of delimited text on local disk, one per group of rows, such as the per-course reports
//! Insights offers for download (the answer distribution's, docs/contract.md §3.4).
//!
//! Declared in TOML (`[sinks.NAME]`, `type = "csv"`):
//!
//! ```toml
//! [sinks.answer_distribution_csv]
//! type = "csv"
//! inputs = ["answer_distribution_per_course"]
//! dir = "{{ output_root }}"          # where the files go; rendered empty, the sink writes nothing
//! file = "{course_id|sha1}/{course_id|safe_course_id}_answer_distribution.csv"
//! columns = ["module_id string", "part_id string", "correct tinyint"]   # input columns, in file order
//! sort_by = ["module_id", "part_id"]  # input columns; numbers by value, text by code point, NULL first
//! fields = "{{ report_fields }}"     # optional: the columns written, a JSON list (or one name); empty: all
//! file_filter = "safe_course_id"     # optional: the filter of `{column}` references in `file` without one
//! [sinks.answer_distribution_csv.format]
//! header = ["ModuleID", "PartID", "Correct Answer"]   # default: the column names; [] for no header line
//! delimiter = ","                    # defaults: Python's csv module (excel dialect), as the original wrote
//! quote = "\""
//! quoting = "minimal"                # minimal | all | nonnumeric | none
//! line_end = "\r\n"                  # or "\n"
//! null = ""                          # the text of a NULL cell
//! ```
//!
//! `file` names each row's file: literal text and `{column}` references, optionally through a filter: `sha1` (hex
//! SHA-1 of the value's UTF-8 bytes) or `safe_course_id` (the course id without namespace, every character but
//! `[A-Za-z0-9_.-]` replaced by `_`, docs/contract.md §1.6). A plain `{column}` value must be usable as one path
//! segment: rows whose value is empty, NULL, starts with `.` or holds a `/` are skipped and counted
//! (`bad_file_name`).
//! Files are written UTF-8, every line (header included) ended by `line_end`.
//!
//! All or nothing: the files are written after the run's data checks passed, each to a temporary file beside its
//! target, and swapped in by the run's publish with its warehouse partitions (`warehouse::staging`, the mechanism
//! the `files` sinks use, on local disk whatever the warehouse's filesystem); a failing
//! or killed run leaves every existing file as it was. Local directories only for now (an `s3://` or other URL
//! `dir` is refused); a cloud store would come behind this same sink.

use crate::graph::{Plan, Task, TaskKind};
use crate::model::csv::{CsvFormat, Quoting};
use crate::model::report::TaskReport;
use crate::model::{Column, ColumnType};
use crate::warehouse::{Row, Staging, WarehouseRead};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Rows whose file-name column cannot name a file.
pub const BAD_FILE_NAME: &str = "bad_file_name";

/// How a `{column}` reference turns a value into path text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filter {
    /// The value itself (one path segment).
    Plain,
    Sha1,
    SafeCourseId,
}

/// A piece of a `file` template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Text(String),
    Column { name: String, filter: Filter },
}

/// Parses a `file` template (placeholders `{{ ... }}` already rendered). The literal parts must keep the path
/// relative and below `dir`.
pub fn parse_file_template(t: &str) -> Result<Vec<Piece>, String> {
    let mut out = Vec::new();
    let mut rest = t;
    while let Some(open) = rest.find('{') {
        if open > 0 {
            out.push(Piece::Text(rest[..open].to_string()));
        }
        let close = rest[open..].find('}').ok_or_else(|| format!("`{t}`: unclosed `{{`"))? + open;
        let inner = rest[open + 1..close].trim();
        let (name, filter) = match inner.split_once('|') {
            None => (inner, Filter::Plain),
            Some((n, f)) => (
                n.trim(),
                match f.trim() {
                    "sha1" => Filter::Sha1,
                    "safe_course_id" => Filter::SafeCourseId,
                    other => return Err(format!("`{t}`: unknown filter `{other}` (filters: sha1, safe_course_id)")),
                },
            ),
        };
        crate::model::ident::check_identifier(name).map_err(|e| format!("`{t}`: {e}"))?;
        out.push(Piece::Column { name: name.to_string(), filter });
        rest = &rest[close + 1..];
    }
    if !rest.is_empty() {
        out.push(Piece::Text(rest.to_string()));
    }
    if rest.contains('}') || out.iter().any(|p| matches!(p, Piece::Text(s) if s.contains('}'))) {
        return Err(format!("`{t}`: unmatched `}}`"));
    }
    let literal: String = out.iter().map(|p| if let Piece::Text(s) = p { s.as_str() } else { "x" }).collect();
    if literal.starts_with('/') || literal.ends_with('/') || literal.contains('\0') {
        return Err(format!("`{t}` must be a relative file path"));
    }
    if literal.split('/').any(|seg| seg.is_empty() || seg == "." || seg == "..") {
        return Err(format!("`{t}` must not have empty, `.` or `..` path segments"));
    }
    if !out.iter().any(|p| matches!(p, Piece::Column { .. })) {
        return Err(format!("`{t}` names no column: every row would go to one file (write e.g. `{{course_id}}.csv`)"));
    }
    Ok(out)
}

/// The columns a template refers to.
pub fn template_columns(pieces: &[Piece]) -> Vec<&str> {
    pieces.iter().filter_map(|p| if let Piece::Column { name, .. } = p { Some(name.as_str()) } else { None }).collect()
}

fn sha1_hex(s: &str) -> String {
    use sha1::Digest;
    sha1::Sha1::digest(s.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// The file of one row; `None` when a value cannot name one.
fn file_of(pieces: &[Piece], values: &[Option<&str>]) -> Option<String> {
    let mut out = String::new();
    let mut vals = values.iter();
    for p in pieces {
        match p {
            Piece::Text(s) => out.push_str(s),
            Piece::Column { filter, .. } => {
                let v = (*vals.next()?)?;
                match filter {
                    Filter::Plain => {
                        // A leading `.` would also make a hidden file, which the run's staging refuses.
                        if v.is_empty() || v.starts_with('.') || v.contains(['/', '\0']) {
                            return None;
                        }
                        out.push_str(v);
                    }
                    Filter::Sha1 => out.push_str(&sha1_hex(v)),
                    // ccx keys parse whether or not ccx is enabled: with it off no ccx course reaches a sink.
                    Filter::SafeCourseId => out.push_str(&crate::events::course_id::filename_safe_course_id(v, true)),
                }
            }
        }
    }
    Some(out)
}

/// Orders cells as the declared column type reads them: numbers by value, other text by code point (UTF-8 byte
/// order), NULL first.
fn cmp_cells(a: &Option<String>, b: &Option<String>, ty: ColumnType) -> std::cmp::Ordering {
    match (a, b) {
        (None, None) => std::cmp::Ordering::Equal,
        (None, Some(_)) => std::cmp::Ordering::Less,
        (Some(_), None) => std::cmp::Ordering::Greater,
        (Some(x), Some(y)) if ty.is_numeric() => match (x.trim().parse::<f64>(), y.trim().parse::<f64>()) {
            (Ok(p), Ok(q)) => p.total_cmp(&q),
            _ => x.cmp(y),
        },
        (Some(x), Some(y)) => x.cmp(y),
    }
}

/// One line of a file: the cells, quoted as `format` says, then the line end.
fn write_line(out: &mut String, cells: &[(Option<&str>, bool)], f: &CsvFormat) -> Result<()> {
    for (i, (cell, numeric)) in cells.iter().enumerate() {
        if i > 0 {
            out.push(f.delimiter);
        }
        let text = cell.unwrap_or(&f.null);
        let special = text.contains([f.delimiter, f.quote, '\r', '\n']);
        let quoted = match f.quoting {
            // A line of one empty cell is quoted, or it would read back as no cell at all (Python's csv does so).
            Quoting::Minimal => special || (cells.len() == 1 && text.is_empty()),
            Quoting::All => true,
            Quoting::NonNumeric => cell.is_some() && !numeric,
            Quoting::None if special => bail!("cell {text:?} holds a delimiter, quote or line break (quoting = none)"),
            Quoting::None => false,
        };
        if quoted {
            out.push(f.quote);
            for c in text.chars() {
                if c == f.quote {
                    out.push(f.quote);
                }
                out.push(c);
            }
            out.push(f.quote);
        } else {
            out.push_str(text);
        }
    }
    out.push_str(&f.line_end);
    Ok(())
}

/// The text of one file: the header line (unless empty), then `rows` (the sink's columns, in order).
pub fn format_file(columns: &[Column], rows: &[Row], f: &CsvFormat) -> Result<String> {
    let mut out = String::new();
    let names: Vec<String> = f.header.clone().unwrap_or_else(|| columns.iter().map(|c| c.name.clone()).collect());
    if !names.is_empty() {
        let cells: Vec<(Option<&str>, bool)> = names.iter().map(|n| (Some(n.as_str()), false)).collect();
        write_line(&mut out, &cells, f)?;
    }
    for r in rows {
        let cells: Vec<(Option<&str>, bool)> =
            r.iter().zip(columns).map(|(v, c)| (v.as_deref(), c.ty.is_numeric())).collect();
        write_line(&mut out, &cells, f)?;
    }
    Ok(out)
}

/// The directory a sink writes to: local paths only (relative ones from the project root).
fn local_dir(dir: &str, root: &Path) -> Result<PathBuf> {
    let dir = dir.strip_prefix("file://").unwrap_or(dir);
    if dir.contains("://") {
        bail!("csv sinks write to a local directory; `{dir}` is not one (other stores are not supported yet)");
    }
    let p = Path::new(dir);
    let p = if p.is_absolute() { p.to_path_buf() } else { root.join(p) };
    Ok(if p.is_absolute() { p } else { std::env::current_dir()?.join(p) })
}

/// Writes every enabled csv sink of `plans` into the run's staging area (`Staging::stage_local_file`), to be published
/// with its partitions. Called once the run's tasks and data checks have succeeded; `root` is the project root.
pub fn stage_all(
    plans: &[Plan],
    staging: &mut Staging,
    root: &Path,
    on_task: &mut dyn FnMut(&TaskReport),
) -> Result<Vec<TaskReport>> {
    let mut reports = Vec::new();
    for t in plans.iter().flat_map(|p| &p.tasks) {
        let TaskKind::Csv { dir, .. } = &t.kind else { continue };
        if !t.enabled || dir.is_empty() {
            // Reported all the same (every task of a run is), with why it wrote nothing.
            let why = if t.enabled { "no directory given, so no files" } else { "disabled, so no files" };
            let r = TaskReport {
                pipeline: t.pipeline.clone(),
                node: t.node.clone(),
                table: t.table.clone(),
                kind: "files",
                partitions: vec![],
                rows: 0,
                elapsed: std::time::Duration::ZERO,
                note: Some(why.to_string()),
                skipped: vec![],
            };
            on_task(&r);
            reports.push(r);
            continue;
        }
        let (files, report) = render(t, staging, root).with_context(|| format!("csv sink `{}`", t.node))?;
        for (target, bytes) in &files {
            if staging.staged_files().any(|f| f == target) {
                bail!("csv sink `{}`: {} is written twice in this run", t.node, target.display());
            }
            staging.stage_local_file(target, bytes).with_context(|| format!("csv sink `{}`", t.node))?;
        }
        crate::failpoint::hit(&format!("csv:{}", t.node))?;
        on_task(&report);
        reports.push(report);
    }
    Ok(reports)
}

/// The sink's columns that `fields` names, in its order (all of them when it names none).
fn selected_columns(columns: &[Column], fields: &[String]) -> Result<Vec<Column>> {
    if fields.is_empty() {
        return Ok(columns.to_vec());
    }
    fields
        .iter()
        .map(|f| {
            columns.iter().find(|c| &c.name == f).cloned().ok_or_else(|| {
                let names: Vec<&str> = columns.iter().map(|c| c.name.as_str()).collect();
                anyhow!("fields names `{f}`, which is not a column of the sink (columns: {})", names.join(", "))
            })
        })
        .collect()
}

/// A file to write: its path and bytes.
type File = (PathBuf, Vec<u8>);

/// The files of one sink and its report.
fn render(t: &Task, warehouse: &dyn WarehouseRead, root: &Path) -> Result<(Vec<File>, TaskReport)> {
    let started = Instant::now();
    let TaskKind::Csv { dir, file, sort_by, fields, file_filter, format } = &t.kind else {
        bail!("`{}` is not a csv sink", t.node)
    };
    let dir = local_dir(dir, root)?;
    let mut pieces = parse_file_template(file).map_err(|e| anyhow!("file {e}"))?;
    if let Some(f) = file_filter {
        let filter = match f.as_str() {
            "sha1" => Filter::Sha1,
            "safe_course_id" => Filter::SafeCourseId,
            other => bail!("unknown file_filter `{other}` (filters: sha1, safe_course_id)"),
        };
        for p in &mut pieces {
            if let Piece::Column { filter: f @ Filter::Plain, .. } = p {
                *f = filter;
            }
        }
    }
    let columns = selected_columns(&t.columns, fields)?;
    let input = t.inputs.first().ok_or_else(|| anyhow!("sink {} has no input", t.node))?;
    let pos = |names: &mut dyn Iterator<Item = &str>| input.positions(names).map_err(anyhow::Error::msg);
    let out_pos = pos(&mut columns.iter().map(|c| c.name.as_str()))?;
    let file_pos = pos(&mut template_columns(&pieces).into_iter())?;
    let sort_pos = pos(&mut sort_by.iter().map(String::as_str))?;
    let sort_types: Vec<ColumnType> = sort_pos.iter().map(|&i| input.columns[i].ty).collect();
    // Rows by file, each after its sort key.
    let mut groups: BTreeMap<String, Vec<(Row, Row)>> = BTreeMap::new();
    let mut bad = 0u64;
    for dt in input.partitions.values() {
        for r in warehouse.read_partition(&input.table, &dt, input.columns.len())? {
            let values: Vec<Option<&str>> = file_pos.iter().map(|&i| r[i].as_deref()).collect();
            let Some(path) = file_of(&pieces, &values) else {
                bad += 1;
                continue;
            };
            let key = sort_pos.iter().map(|&i| r[i].clone()).collect();
            let row = out_pos.iter().map(|&i| r[i].clone()).collect();
            groups.entry(path).or_default().push((key, row));
        }
    }
    let mut files = Vec::with_capacity(groups.len());
    let mut rows = 0u64;
    for (path, mut group) in groups {
        // Stable: rows equal on every sort column keep their input order.
        group.sort_by(|(a, _), (b, _)| {
            a.iter()
                .zip(b)
                .zip(&sort_types)
                .map(|((x, y), ty)| cmp_cells(x, y, *ty))
                .find(|o| o.is_ne())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let body: Vec<Row> = group.into_iter().map(|(_, r)| r).collect();
        rows += body.len() as u64;
        let text = format_file(&columns, &body, format).with_context(|| format!("file {path}"))?;
        files.push((dir.join(&path), text.into_bytes()));
    }
    let report = TaskReport {
        pipeline: t.pipeline.clone(),
        node: t.node.clone(),
        table: t.table.clone(),
        kind: "files",
        partitions: vec![],
        rows,
        elapsed: started.elapsed(),
        note: Some(format!("{} file(s) under {}", files.len(), dir.display())),
        skipped: if bad > 0 { vec![(BAD_FILE_NAME.to_string(), bad)] } else { vec![] },
    };
    Ok((files, report))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: ColumnType) -> Column {
        Column::new(name, ty)
    }

    #[test]
    fn file_templates() {
        let p = parse_file_template("{course_id|sha1}/{course_id|safe_course_id}_answer_distribution.csv").unwrap();
        assert_eq!(template_columns(&p), ["course_id", "course_id"]);
        let v = [Some("edX/Open_DemoX/edx_demo_course"), Some("edX/Open_DemoX/edx_demo_course")];
        assert_eq!(
            file_of(&p, &v).unwrap(),
            "114acd40ae791148b1ef72b789700fc01e12f3da/edX_Open_DemoX_edx_demo_course_answer_distribution.csv"
        );
        let plain = parse_file_template("by_course/{course}.csv").unwrap();
        assert_eq!(file_of(&plain, &[Some("x")]).unwrap(), "by_course/x.csv");
        for bad in [Some("a/b"), Some(".."), Some(""), None] {
            assert_eq!(file_of(&plain, &[bad]), None, "{bad:?}");
        }
        for bad in ["/abs/{c}.csv", "../{c}.csv", "a//{c}", "{c", "x}{c}", "{c|md5}", "fixed.csv", "{bad-name}.csv"] {
            assert!(parse_file_template(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn text_as_pythons_csv_writes_it() {
        let cols = [col("a", ColumnType::String(None)), col("n", ColumnType::Int)];
        let rows: Vec<Row> = vec![
            vec![Some("plain".into()), Some("1".into())],
            vec![Some("a,b \"q\"".into()), None],
            vec![Some("line\nbreak".into()), Some("-2".into())],
        ];
        let f = CsvFormat { header: Some(vec!["A".into(), "N n".into()]), ..CsvFormat::default() };
        assert_eq!(
            format_file(&cols, &rows, &f).unwrap(),
            "A,N n\r\nplain,1\r\n\"a,b \"\"q\"\"\",\r\n\"line\nbreak\",-2\r\n"
        );
        let f = CsvFormat { header: Some(vec![]), quoting: Quoting::NonNumeric, line_end: "\n".into(), ..f };
        assert_eq!(format_file(&cols, &rows[..1], &f).unwrap(), "\"plain\",1\n");
        let f = CsvFormat { quoting: Quoting::All, delimiter: ';', null: "NULL".into(), ..CsvFormat::default() };
        assert_eq!(format_file(&cols, &rows[1..2], &f).unwrap(), "\"a\";\"n\"\r\n\"a,b \"\"q\"\"\";\"NULL\"\r\n");
        let f = CsvFormat { quoting: Quoting::None, ..CsvFormat::default() };
        assert!(format_file(&cols, &rows[1..2], &f).is_err());
        let one = [col("a", ColumnType::String(None))];
        assert_eq!(format_file(&one, &[vec![Some(String::new())]], &CsvFormat::default()).unwrap(), "a\r\n\"\"\r\n");
    }

    #[test]
    fn sorting_by_declared_type() {
        let mut v = vec![Some("10".to_string()), None, Some("9".to_string())];
        v.sort_by(|a, b| cmp_cells(a, b, ColumnType::Int));
        assert_eq!(v, [None, Some("9".into()), Some("10".into())]);
        v.sort_by(|a, b| cmp_cells(a, b, ColumnType::String(None)));
        assert_eq!(v, [None, Some("10".into()), Some("9".into())]);
    }

    #[test]
    fn only_local_directories() {
        let root = Path::new("/proj");
        assert_eq!(local_dir("out", root).unwrap(), Path::new("/proj/out"));
        assert_eq!(local_dir("file:///tmp/o", root).unwrap(), Path::new("/tmp/o"));
        assert!(local_dir("s3://bucket/reports", root).is_err());
    }
}
