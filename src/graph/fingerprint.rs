//! What identifies a task's output: the job it runs, rendered as text (the SQL body, the extractor and its window,
//! the reducer or function and its arguments, the LMS columns imported), its declared columns, and what it reads
//! (tables, partitions and the fingerprints of the tasks that wrote them). Equal fingerprints mean the same
//! computation over the same upstream computations.

use super::{Plan, Task, TaskKind};
use sha2::{Digest, Sha256};

/// The job a task runs, as text.
pub fn job_text(t: &Task) -> String {
    let args: Vec<String> = t.args.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let job = match &t.kind {
        TaskKind::ImportLms { lms_table } => format!("import lms table {lms_table}"),
        TaskKind::Map { extractor, window, include, count_as, dirs } => {
            let scope = match window {
                Some(w) => format!("window {w}"),
                None => format!("every file matching {}", include.join(" ")),
            };
            let mut text = format!("map extractor {extractor} {scope} count_as {}", count_as.as_deref().unwrap_or("-"));
            for (dir, pattern) in dirs {
                text.push_str(&format!(" also {dir} matching {pattern}"));
            }
            text
        }
        TaskKind::Reduce { reducer } => format!("reduce {reducer}"),
        TaskKind::Sql { body, .. } => format!("sql\n{}", body.trim_end()),
        TaskKind::Native { function, input_file } => {
            format!("native {function} reading {}", input_file.as_deref().unwrap_or("-"))
        }
        TaskKind::ResultStore { overwrite, allow_empty, indexes, primary_key } => {
            let key = if primary_key.is_empty() { String::new() } else { format!(" primary key {primary_key:?}") };
            format!("result store overwrite {overwrite} allow_empty {allow_empty} indexes {indexes:?}{key}")
        }
        TaskKind::Csv { dir, file, sort_by, fields, file_filter, format } => {
            let mut text = format!("csv files {dir}/{file} sort_by {sort_by:?} format {format:?}");
            // Only when set, so the fingerprints of sinks without them stay what earlier runs recorded.
            if !fields.is_empty() {
                text.push_str(&format!(" fields {fields:?}"));
            }
            if let Some(f) = file_filter {
                text.push_str(&format!(" file_filter {f}"));
            }
            text
        }
        TaskKind::Files { dir, format, interval } => format!("files {} under {dir} for {interval}", format.name()),
    };
    let columns: Vec<String> = t.columns.iter().map(|c| format!("{} {:?} {}", c.name, c.ty, c.nullable)).collect();
    format!("{job}\nargs {}\nenabled {}\ncolumns {}", args.join(" "), t.enabled, columns.join(", "))
}

/// The fingerprint of every task of `plan`, in task order (a task's inputs come before it).
pub fn fingerprints(plan: &Plan) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(plan.tasks.len());
    for t in &plan.tasks {
        let mut h = Sha256::new();
        h.update(job_text(t).as_bytes());
        for i in &t.inputs {
            h.update(format!("\ninput {} {}", i.table, i.partitions.values().join(",")).as_bytes());
        }
        for &d in &t.deps {
            h.update(format!("\nupstream {}", out.get(d).map(String::as_str).unwrap_or("?")).as_bytes());
        }
        out.push(h.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect());
    }
    out
}
