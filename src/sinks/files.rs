//! `files` sinks: files written outside the warehouse from a run's outputs, staged with the run and published with
//! it (`Staging::stage_file`: all or nothing, each file renamed into place). A file of the same name is replaced;
//! other files under the directory are left alone. Names ending in `.gz` are gzip-compressed.
//!
//! Formats:
//! * `lines`: the input's rows `(file, line)`; each line goes into the file named (a relative path under the sink's
//!   directory), in row order, each followed by a newline.
//! * `validation_events`: LMS `student_courseenrollment` snapshots as enrollment validation events
//!   (docs/contract.md §3.15 step A): for every date D of the run's interval, its end included, that has a snapshot
//!   (the partition `dt=D` of the input, with the `_metadata` of its import) and no events yet (no
//!   `<dir>/D/_SUCCESS`), one file `<dir>/D/<course>_enroll_validated_<YYYYMMDD>.log.gz` per course, then
//!   `<dir>/D/_SUCCESS`.
//! * `marker`: an empty `<dir>/_SUCCESS` (the marker the original's report tasks wrote); an empty `path` writes
//!   nothing.
//!
//! The files go to the warehouse's filesystem (local disk for the embedded engine, the cluster's for a cluster
//! profile); a relative directory is taken from the directory holding the warehouse (`.edxc/` for the shipped
//! profile).

use crate::graph::{Plan, Task, TaskKind};
use crate::model::report::TaskReport;
use crate::model::FileFormat;
use crate::natives::enrollment_validation::{validation_event, validation_file_name, Snapshot};
use crate::warehouse::{FsExt, Staging, WarehouseRead};
use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::time::Instant;

/// Why a row wrote nothing: its file name is not a relative path of visible names.
pub const BAD_FILE_NAME: &str = "bad_file_name";

/// A directory given as a `file://` or `hdfs://host:port` URL is a path on the warehouse's filesystem (where these
/// files are written); anything else is a path as it is.
fn on_warehouse_fs(dir: &str) -> &str {
    if let Some(path) = dir.strip_prefix("file://") {
        return path;
    }
    match dir.strip_prefix("hdfs://") {
        Some(rest) => rest.find('/').map_or("/", |i| &rest[i..]),
        None => dir,
    }
}

/// Stages the files of every `files` sink of `plans`. `base`: where relative directories are taken from.
pub fn stage_all(
    plans: &[Plan],
    staging: &mut Staging,
    base: &Path,
    on_task: &mut dyn FnMut(&TaskReport),
) -> Result<Vec<TaskReport>> {
    let mut reports = Vec::new();
    for plan in plans {
        for t in &plan.tasks {
            let TaskKind::Files { dir, format, .. } = &t.kind else { continue };
            let started = Instant::now();
            let no_dir = dir.is_empty();
            let dir = on_warehouse_fs(dir);
            let dir = if Path::new(dir).is_absolute() { PathBuf::from(dir) } else { base.join(dir) };
            let mut out = Staged::default();
            if t.enabled {
                match format {
                    FileFormat::Lines => lines(t, staging, &mut out)?,
                    FileFormat::ValidationEvents => validation_events(plan, t, staging, &dir, &mut out)?,
                    // The marker of the original's report tasks: published with everything else of the run.
                    FileFormat::Marker if !no_dir => {
                        out.files.insert(PathBuf::from("_SUCCESS"), String::new());
                    }
                    FileFormat::Marker => out.notes.push("no marker directory given".into()),
                }
            }
            let mut written = 0;
            for (rel, text) in &out.files {
                staging
                    .stage_file(&dir.join(rel), &encode(rel, text)?)
                    .with_context(|| format!("sink `{}`", t.node))?;
                written += 1;
            }
            let mut note = format!("{written} file(s) under {}", dir.display());
            if !out.notes.is_empty() {
                note = format!("{note}; {}", out.notes.join("; "));
            }
            let r = TaskReport {
                pipeline: t.pipeline.clone(),
                node: t.node.clone(),
                table: t.table.clone(),
                kind: "files",
                partitions: vec![],
                rows: out.lines,
                elapsed: started.elapsed(),
                note: Some(note),
                skipped: out.skipped.into_iter().collect(),
            };
            on_task(&r);
            reports.push(r);
        }
    }
    Ok(reports)
}

/// What a sink is to write.
#[derive(Default)]
struct Staged {
    /// Relative path → text.
    files: BTreeMap<PathBuf, String>,
    lines: u64,
    skipped: BTreeMap<String, u64>,
    notes: Vec<String>,
}

impl Staged {
    fn push(&mut self, file: PathBuf, line: &str) {
        let text = self.files.entry(file).or_default();
        text.push_str(line);
        text.push('\n');
        self.lines += 1;
    }

    fn skip(&mut self, reason: &str) {
        *self.skipped.entry(reason.to_string()).or_default() += 1;
    }
}

/// A file name from data: a relative path of visible, plain names (no `..`, no hidden or marker file).
fn relative_name(name: &str) -> Option<PathBuf> {
    let p = Path::new(name);
    let plain = p.components().all(|c| match c {
        Component::Normal(n) => n.to_str().is_some_and(|n| !n.starts_with('.') && !n.starts_with('_')),
        _ => false,
    });
    (plain && !name.is_empty() && !name.chars().any(char::is_control)).then(|| p.to_path_buf())
}

/// The file's bytes: gzip-compressed for a `.gz` name.
fn encode(rel: &Path, text: &str) -> Result<Vec<u8>> {
    if rel.extension().is_some_and(|e| e == "gz") {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(text.as_bytes())?;
        return Ok(gz.finish()?);
    }
    Ok(text.as_bytes().to_vec())
}

fn input(t: &Task) -> Result<&crate::graph::InputRead> {
    t.inputs.first().ok_or_else(|| anyhow!("sink `{}` has no input", t.node))
}

/// `lines`: the input's `(file, line)` rows.
fn lines(t: &Task, wh: &dyn WarehouseRead, out: &mut Staged) -> Result<()> {
    let i = input(t)?;
    let pos = i.positions(["file", "line"].into_iter()).map_err(anyhow::Error::msg)?;
    for dt in i.partitions.values() {
        for r in wh.read_partition(&i.table, &dt, i.columns.len())? {
            match (r[pos[0]].as_deref().and_then(relative_name), r[pos[1]].as_deref()) {
                (Some(file), Some(line)) => out.push(file, line),
                _ => out.skip(BAD_FILE_NAME),
            }
        }
    }
    Ok(())
}

/// `validation_events`: the snapshots of the run's interval that have no events yet.
fn validation_events(plan: &Plan, t: &Task, staging: &Staging, dir: &Path, out: &mut Staged) -> Result<()> {
    let i = input(t)?;
    let pos = i
        .positions(["user_id", "course_id", "created", "is_active", "mode"].into_iter())
        .map_err(anyhow::Error::msg)?;
    let created_at = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6f").to_string();
    let mut day = plan.interval.start;
    while day <= plan.interval.end {
        let d = day.format("%Y-%m-%d").to_string();
        day += chrono::Duration::days(1);
        if staging.fs().exists(&dir.join(&d).join(crate::warehouse::SUCCESS))? {
            continue;
        }
        let rel = format!("{}/dt={d}/_metadata", i.table);
        let Some(meta) = staging.read_file(&rel)? else {
            if staging.warehouse().count_rows(&i.table, &d)?.is_some() {
                out.notes.push(format!("snapshot {}/dt={d} has no _metadata (when it was taken): skipped", i.table));
            }
            continue;
        };
        let meta: serde_json::Value =
            serde_json::from_slice(&meta).with_context(|| format!("{} is not JSON", staging.describe_file(&rel)))?;
        let (Some(start), Some(end)) = (meta["start_time"].as_str(), meta["end_time"].as_str()) else {
            bail!("{} has no start_time and end_time", staging.describe_file(&rel));
        };
        let snap = Snapshot { dump_start: start, dump_end: end, created_at: &created_at };
        let mut courses = 0;
        for r in staging.read_partition(&i.table, &d, i.columns.len())? {
            let cell = |k: usize| r[pos[k]].as_deref();
            match validation_event(cell(0), cell(1), cell(2), cell(3), cell(4), &snap) {
                Ok((course, line)) => match relative_name(&validation_file_name(&course, start)) {
                    Some(name) => {
                        let file = Path::new(&d).join(name);
                        courses += usize::from(!out.files.contains_key(&file));
                        out.push(file, &line);
                    }
                    None => out.skip(BAD_FILE_NAME),
                },
                Err(bad) => out.skip(bad.reason()),
            }
        }
        out.files.insert(Path::new(&d).join(crate::warehouse::SUCCESS), String::new());
        out.notes.push(format!("snapshot dt={d}: {courses} course(s)"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_paths_on_the_warehouse_filesystem() {
        assert_eq!(on_warehouse_fs("file:///tmp/out/marker"), "/tmp/out/marker");
        assert_eq!(on_warehouse_fs("hdfs://namenode:8020/edx/marker"), "/edx/marker");
        assert_eq!(on_warehouse_fs("validation"), "validation");
    }

    #[test]
    fn names_from_data_stay_under_the_directory() {
        assert_eq!(relative_name("a.gz"), Some(PathBuf::from("a.gz")));
        assert_eq!(relative_name("2014-06-30/x.log.gz"), Some(PathBuf::from("2014-06-30/x.log.gz")));
        for bad in ["", "/etc/passwd", "../x", "a/../../x", ".hidden", "_SUCCESS", "a/.b", "a\nb"] {
            assert_eq!(relative_name(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn gz_names_are_compressed() {
        use std::io::Read;
        let bytes = encode(Path::new("x.gz"), "a\n").unwrap();
        let mut text = String::new();
        flate2::read::GzDecoder::new(&bytes[..]).read_to_string(&mut text).unwrap();
        assert_eq!(text, "a\n");
        assert_eq!(encode(Path::new("x.tsv"), "a\n").unwrap(), b"a\n");
    }
}
