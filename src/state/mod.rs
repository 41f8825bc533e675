//! Run state for the embedded engine: per table and partition, what was written, when and by which run. Written
//! only after the whole run succeeded, so a crashed run leaves no claim of completeness behind.

use crate::engine::RunReport;
use crate::graph::Plan;
use anyhow::{Context, Result};
use askama::Template;
use sha2::{Digest, Sha256};
use sql_templates::{InsertPartition, InsertRun, PartitionsTable, RunsTable};
use std::path::Path;

mod sql_templates;

/// Fingerprint of what a task computes: its kind, args, columns and inputs (the rendered artifact).
pub fn fingerprint(t: &crate::graph::Task) -> String {
    let text = format!("{:?}|{:?}|{:?}|{:?}", t.kind, t.args, t.columns, t.inputs);
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

pub fn record(path: &Path, plans: &[Plan], report: &RunReport) -> Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut db = rusqlite::Connection::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    db.execute_batch(&RunsTable.render()?)?;
    db.execute_batch(&PartitionsTable.render()?)?;
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string();
    let run_id = format!("{}-{}", chrono::Utc::now().format("%Y%m%dT%H%M%S"), std::process::id());
    let tx = db.transaction()?;
    let names: Vec<&str> = plans.iter().map(|p| p.pipeline.as_str()).collect();
    tx.execute(&InsertRun.render()?, (&run_id, &now, names.join(",")))?;
    let insert_partition = InsertPartition.render()?;
    for p in plans {
        for t in &p.tasks {
            let rows = report
                .tasks
                .iter()
                .find(|r| r.node == t.node && r.pipeline == t.pipeline)
                .map(|r| r.rows as i64)
                .unwrap_or(0);
            for dt in t.writes.iter().flat_map(|w| w.values()) {
                tx.execute(&insert_partition, (&t.table, &dt, &p.pipeline, fingerprint(t), rows, &run_id, &now))?;
            }
        }
    }
    tx.commit()?;
    Ok(())
}
