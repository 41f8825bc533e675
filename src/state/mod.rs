//! Run state: per table and partition, what was written, when, by which run and from what inputs; and the
//! artifacts each pipeline rendered at its last apply. Written only after the run committed, so a failed run leaves
//! no claim of completeness behind. Kept in a SQLite file of its own or in the result store ([`StateStore`]).

use crate::graph::Plan;
use anyhow::{Context, Result};
use askama::Template;
use db::Arg::{Int, Text};
use serde::{Deserialize, Serialize};
use sql_templates::{
    ArtifactsTable, DeleteArtifacts, InputsTable, InsertArtifact, InsertInput, InsertPartition, InsertRun,
    PartitionsTable, RunsTable, SelectArtifacts, SelectInputs, SelectPartitions, TableExists,
};
use std::collections::BTreeMap;

/// Fingerprints are a property of the plan; re-exported where the state records them.
pub use crate::graph::fingerprint;
mod db;
pub mod freshness;
pub mod lock;
mod sql_templates;

pub use db::StateStore;

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

/// Writes a run's record in one transaction (all partitions or none). Idempotent: recording the same run twice
/// (a run killed after its commit, recorded again by the next) leaves one record.
pub fn record(store: &StateStore, run: &RunRecord) -> Result<()> {
    crate::failpoint::hit("state")?;
    let d = store.dialect();
    let mut db = store.open()?;
    // Tables first: DDL ends a MySQL transaction.
    for ddl in [
        RunsTable::from(d).render()?,
        PartitionsTable::from(d).render()?,
        InputsTable::from(d).render()?,
        ArtifactsTable::from(d).render()?,
    ] {
        db.exec(&ddl, &[]).with_context(|| format!("cannot create the state tables in {}", store.describe()))?;
    }
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string();
    let pipelines = run.pipelines.join(",");
    let (insert_partition, insert_input) = (InsertPartition::from(d).render()?, InsertInput::from(d).render()?);
    let (delete_artifacts, insert_artifact) = (DeleteArtifacts::from(d).render()?, InsertArtifact::from(d).render()?);
    db.in_transaction(|tx| {
        tx.exec(&InsertRun::from(d).render()?, &[Text(&run.run_id), Text(&run.started), Text(&pipelines)])?;
        for p in &run.partitions {
            let rows = i64::try_from(p.rows).unwrap_or(i64::MAX);
            let row = [Text(&p.table), Text(&p.dt), Text(&p.pipeline), Text(&p.fingerprint), Int(rows)];
            tx.exec(&insert_partition, &[row.as_slice(), &[Text(&run.run_id), Text(&now)]].concat())?;
            if let Some(digest) = &p.inputs {
                tx.exec(&insert_input, &[Text(&p.table), Text(&p.dt), Text(digest)])?;
            }
        }
        let pipelines: std::collections::BTreeSet<&str> = run.artifacts.iter().map(|a| a.pipeline.as_str()).collect();
        for p in pipelines {
            tx.exec(&delete_artifacts, &[Text(p)])?;
        }
        for a in &run.artifacts {
            tx.exec(&insert_artifact, &[Text(&a.pipeline), Text(&a.path), Text(&a.text), Text(&run.run_id)])?;
        }
        Ok(())
    })
    .with_context(|| format!("cannot record run {} in {}", run.run_id, store.describe()))
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

/// Reads the state store read-only; a missing store reads as empty (and is not created).
pub fn read(store: &StateStore) -> Result<Snapshot> {
    let mut snap = Snapshot::default();
    let Some(mut db) = store.open_read_only()? else { return Ok(snap) };
    let d = store.dialect();
    let exists_sql = TableExists::from(d).render()?;
    let exists = |db: &mut db::Conn, table: &str| -> Result<bool> {
        Ok(!db.query(&exists_sql, &[Text(&format!("{}{table}", d.p))])?.is_empty())
    };
    let text = |row: &mut Vec<Option<String>>, i: usize| row.get_mut(i).and_then(Option::take).unwrap_or_default();
    if exists(&mut db, "partitions")? {
        for mut r in db.query(&SelectPartitions::from(d).render()?, &[])? {
            let key = (text(&mut r, 0), text(&mut r, 1));
            let part = RecordedPartition {
                fingerprint: text(&mut r, 2),
                rows: text(&mut r, 3).parse().unwrap_or(0),
                run_id: text(&mut r, 4),
                finished: text(&mut r, 5),
            };
            snap.partitions.insert(key, part);
        }
    }
    if exists(&mut db, "partition_inputs")? {
        for mut r in db.query(&SelectInputs::from(d).render()?, &[])? {
            snap.inputs.insert((text(&mut r, 0), text(&mut r, 1)), text(&mut r, 2));
        }
    }
    if exists(&mut db, "artifacts")? {
        for mut r in db.query(&SelectArtifacts::from(d).render()?, &[])? {
            snap.artifacts.insert((text(&mut r, 0), text(&mut r, 1)), text(&mut r, 2));
        }
    }
    Ok(snap)
}
