//! Run state for the embedded engine: per table and partition, what was written, when and by which run. Written
//! only after the run committed, so a failed run leaves no claim of completeness behind.

use crate::graph::Plan;
use anyhow::{Context, Result};
use askama::Template;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use sql_templates::{InsertPartition, InsertRun, PartitionsTable, RunsTable};
use std::collections::BTreeMap;
use std::path::Path;

pub mod lock;
mod sql_templates;

/// Fingerprint of what a task computes: its kind, args, columns and inputs (the rendered artifact).
pub fn fingerprint(t: &crate::graph::Task) -> String {
    let text = format!("{:?}|{:?}|{:?}|{:?}", t.kind, t.args, t.columns, t.inputs);
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// One partition a run wrote, as the state store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionRecord {
    pub table: String,
    pub dt: String,
    pub pipeline: String,
    pub fingerprint: String,
    pub rows: u64,
}

/// What a successful run leaves in the state store. Serializable: it travels in the publish journal, so a run
/// killed after its commit still gets recorded by the next run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    pub run_id: String,
    pub started: String,
    pub pipelines: Vec<String>,
    pub partitions: Vec<PartitionRecord>,
}

impl RunRecord {
    /// The record of a run of `plans` whose staged partitions (table, dt, rows) are `staged`.
    pub fn new<'a>(
        run_id: &str,
        started: &str,
        plans: &[Plan],
        staged: impl Iterator<Item = (&'a str, &'a str, u64)>,
    ) -> Self {
        let rows: BTreeMap<(&str, &str), u64> = staged.map(|(t, d, n)| ((t, d), n)).collect();
        let mut partitions = Vec::new();
        for p in plans {
            for t in &p.tasks {
                for dt in t.writes.iter().flat_map(|w| w.values()) {
                    let n = rows.get(&(t.table.as_str(), dt.as_str())).copied().unwrap_or(0);
                    partitions.push(PartitionRecord {
                        table: t.table.clone(),
                        dt,
                        pipeline: p.pipeline.clone(),
                        fingerprint: fingerprint(t),
                        rows: n,
                    });
                }
            }
        }
        Self {
            run_id: run_id.to_string(),
            started: started.to_string(),
            pipelines: plans.iter().map(|p| p.pipeline.clone()).collect(),
            partitions,
        }
    }
}

/// Writes a run's record in one transaction (all partitions or none).
pub fn record(path: &Path, run: &RunRecord) -> Result<()> {
    crate::failpoint::hit("state")?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut db = rusqlite::Connection::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    db.busy_timeout(std::time::Duration::from_secs(30))?;
    db.execute_batch(&RunsTable.render()?)?;
    db.execute_batch(&PartitionsTable.render()?)?;
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string();
    let tx = db.transaction()?;
    tx.execute(&InsertRun.render()?, (&run.run_id, &run.started, run.pipelines.join(",")))?;
    let insert_partition = InsertPartition.render()?;
    for p in &run.partitions {
        let rows = i64::try_from(p.rows).unwrap_or(i64::MAX);
        tx.execute(&insert_partition, (&p.table, &p.dt, &p.pipeline, &p.fingerprint, rows, &run.run_id, &now))?;
    }
    tx.commit()?;
    Ok(())
}
