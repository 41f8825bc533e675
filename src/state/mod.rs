//! Run state for the embedded engine: per table and partition, what was written, when and by which run. Written
//! only after the run committed, so a failed run leaves no claim of completeness behind.

use crate::graph::Plan;
use anyhow::{Context, Result};
use askama::Template;
use serde::{Deserialize, Serialize};
use sql_templates::{
    ArtifactsTable, DeleteArtifacts, InputsTable, InsertArtifact, InsertInput, InsertPartition, InsertRun,
    PartitionsTable, RunsTable, SelectArtifacts, SelectInputs, SelectPartitions, TableExists,
};
use std::collections::BTreeMap;
use std::path::Path;

/// Fingerprints are a property of the plan; re-exported where the state records them.
pub use crate::graph::fingerprint;
pub mod freshness;
pub mod lock;
mod sql_templates;

/// One partition a run wrote, as the state store keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PartitionRecord {
    pub table: String,
    pub dt: String,
    pub pipeline: String,
    pub fingerprint: String,
    pub rows: u64,
    /// Digest of what the task's source read (tracking-log files, LMS table), for tasks that read one.
    #[serde(default)]
    pub inputs: Option<String>,
}

/// What a successful run leaves in the state store. Serializable: it travels in the publish journal, so a run
/// killed after its commit still gets recorded by the next run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunRecord {
    pub run_id: String,
    pub started: String,
    pub pipelines: Vec<String>,
    pub partitions: Vec<PartitionRecord>,
    /// The artifacts the engine rendered for the run (what `edxc plan` diffs against).
    pub artifacts: Vec<ArtifactRecord>,
}

/// One rendered artifact of a run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ArtifactRecord {
    pub pipeline: String,
    pub path: String,
    pub text: String,
}

impl RunRecord {
    /// The record of a run of `plans` (the tasks that ran) whose staged partitions (table, dt, rows) are `staged`;
    /// `sources` holds, by (pipeline, node), the digest of what a task's source read. A result-store sink is
    /// recorded under the partition name [`freshness::RESULT_STORE`], with the rows it loaded from `loaded`.
    pub fn new<'a>(
        run_id: &str,
        started: &str,
        plans: &[Plan],
        staged: impl Iterator<Item = (&'a str, &'a str, u64)>,
        sources: &BTreeMap<(String, String), String>,
        loaded: &BTreeMap<String, u64>,
    ) -> Self {
        let rows: BTreeMap<(&str, &str), u64> = staged.map(|(t, d, n)| ((t, d), n)).collect();
        let mut partitions = Vec::new();
        for p in plans {
            for t in &p.tasks {
                let inputs = sources.get(&(p.pipeline.clone(), t.node.clone())).cloned();
                let record = |dt: String, rows: u64| PartitionRecord {
                    table: t.table.clone(),
                    dt,
                    pipeline: p.pipeline.clone(),
                    fingerprint: t.fingerprint.clone(),
                    rows,
                    inputs: inputs.clone(),
                };
                match &t.writes {
                    Some(w) => {
                        for dt in w.values() {
                            let n = rows.get(&(t.table.as_str(), dt.as_str())).copied().unwrap_or(0);
                            partitions.push(record(dt, n));
                        }
                    }
                    None => partitions
                        .push(record(freshness::RESULT_STORE.to_string(), loaded.get(&t.table).copied().unwrap_or(0))),
                }
            }
        }
        Self {
            run_id: run_id.to_string(),
            started: started.to_string(),
            pipelines: plans.iter().map(|p| p.pipeline.clone()).collect(),
            partitions,
            artifacts: Vec::new(),
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
    tx.execute_batch(&InputsTable.render()?)?;
    let insert_input = InsertInput.render()?;
    for p in &run.partitions {
        let rows = i64::try_from(p.rows).unwrap_or(i64::MAX);
        tx.execute(&insert_partition, (&p.table, &p.dt, &p.pipeline, &p.fingerprint, rows, &run.run_id, &now))?;
        if let Some(digest) = &p.inputs {
            tx.execute(&insert_input, (&p.table, &p.dt, digest))?;
        }
    }
    tx.execute_batch(&ArtifactsTable.render()?)?;
    let insert_artifact = InsertArtifact.render()?;
    let pipelines: std::collections::BTreeSet<&str> = run.artifacts.iter().map(|a| a.pipeline.as_str()).collect();
    for p in pipelines {
        tx.execute(&DeleteArtifacts.render()?, [p])?;
    }
    for a in &run.artifacts {
        tx.execute(&insert_artifact, (&a.pipeline, &a.path, &a.text, &run.run_id))?;
    }
    tx.commit()?;
    Ok(())
}

/// What the state store says about one partition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedPartition {
    pub fingerprint: String,
    pub rows: u64,
    pub run_id: String,
    pub finished: String,
}

/// The state store as `edxc plan` reads it: never written, never created.
#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub partitions: BTreeMap<(String, String), RecordedPartition>,
    /// (pipeline, path) → text of the artifacts recorded at the last apply.
    pub artifacts: BTreeMap<(String, String), String>,
    /// (table, dt) → digest of what the partition's source read when it was written.
    pub inputs: BTreeMap<(String, String), String>,
}

impl Snapshot {
    /// Changes whenever a run records anything (its partitions or its artifacts).
    pub fn digest(&self) -> String {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        for ((t, d), p) in &self.partitions {
            h.update(format!("{t}\0{d}\0{}\0{}\0{}\n", p.fingerprint, p.run_id, p.finished).as_bytes());
        }
        for ((pl, path), text) in &self.artifacts {
            h.update(format!("{pl}\0{path}\0{text}\n").as_bytes());
        }
        for ((t, d), digest) in &self.inputs {
            h.update(format!("{t}\0{d}\0{digest}\n").as_bytes());
        }
        h.finalize().iter().map(|b| format!("{b:02x}")).collect()
    }
}

/// Reads the state store read-only; a missing store reads as empty.
pub fn read(path: &Path) -> Result<Snapshot> {
    let mut snap = Snapshot::default();
    if !path.exists() {
        return Ok(snap);
    }
    let db = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .with_context(|| format!("cannot open {} read-only", path.display()))?;
    let exists = |table: &str| -> Result<bool> {
        let mut stmt = db.prepare(&TableExists.render()?)?;
        Ok(stmt.exists([table])?)
    };
    if exists("partitions")? {
        let mut stmt = db.prepare(&SelectPartitions.render()?)?;
        let rows = stmt.query_map([], |r| {
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, String>(1)?),
                RecordedPartition {
                    fingerprint: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                    rows: u64::try_from(r.get::<_, Option<i64>>(3)?.unwrap_or(0)).unwrap_or(0),
                    run_id: r.get::<_, Option<String>>(4)?.unwrap_or_default(),
                    finished: r.get::<_, Option<String>>(5)?.unwrap_or_default(),
                },
            ))
        })?;
        for row in rows {
            let (k, v) = row?;
            snap.partitions.insert(k, v);
        }
    }
    if exists("partition_inputs")? {
        let mut stmt = db.prepare(&SelectInputs.render()?)?;
        let rows = stmt.query_map([], |r| Ok(((r.get::<_, String>(0)?, r.get::<_, String>(1)?), r.get(2)?)))?;
        for row in rows {
            let (k, v) = row?;
            snap.inputs.insert(k, v);
        }
    }
    if exists("artifacts")? {
        let mut stmt = db.prepare(&SelectArtifacts.render()?)?;
        let rows = stmt.query_map([], |r| Ok(((r.get::<_, String>(0)?, r.get::<_, String>(1)?), r.get(2)?)))?;
        for row in rows {
            let (k, v) = row?;
            snap.artifacts.insert(k, v);
        }
    }
    Ok(snap)
}
