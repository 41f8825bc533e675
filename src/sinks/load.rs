//! Loading the result store from a run's outputs. Every result-store sink of a run is loaded in ONE transaction,
//! read through [`WarehouseRead`] (so the same code loads from whichever engine wrote the tables); the caller
//! commits only once everything else of the run has succeeded.

use super::normalize_cell;
use super::result_store::{LoadOptions, ResultStore, TableSpec};
use crate::graph::{Plan, Task, TaskKind};
use crate::model::report::TaskReport;
use crate::warehouse::{Row, WarehouseRead};
use anyhow::{anyhow, bail, Context, Result};
use std::time::Instant;

/// One sink of the run, ready to load.
struct SinkLoad<'a> {
    plan: &'a Plan,
    task: &'a Task,
    spec: TableSpec,
}

fn sinks(plans: &[Plan]) -> Vec<SinkLoad<'_>> {
    let mut out = Vec::new();
    for plan in plans {
        for task in &plan.tasks {
            if let TaskKind::ResultStore { indexes, primary_key, .. } = &task.kind {
                let spec = TableSpec {
                    name: task.table.clone(),
                    columns: task.columns.clone(),
                    indexes: indexes.clone(),
                    auto_id: primary_key.is_empty(),
                    primary_key: primary_key.clone(),
                };
                out.push(SinkLoad { plan, task, spec });
            }
        }
    }
    out
}

/// Opens the result store's transaction and loads every sink of `plans` into it, leaving it open for the caller
/// to commit. On error everything is rolled back and the store is as it was. `allow_empty` (the run's
/// `--allow-empty`) lets every sink replace a table with no rows, as a sink's own `allow_empty` does.
pub fn load_all(
    store: &mut dyn ResultStore,
    plans: &[Plan],
    warehouse: &dyn WarehouseRead,
    allow_empty: bool,
    on_task: &mut dyn FnMut(&TaskReport),
) -> Result<Vec<TaskReport>> {
    let loads = sinks(plans);
    if loads.is_empty() {
        return Ok(vec![]);
    }
    let specs: Vec<TableSpec> = loads.iter().map(|l| l.spec.clone()).collect();
    store.begin(&specs)?;
    let mut reports = Vec::new();
    for l in &loads {
        match load_one(store, l, warehouse, allow_empty) {
            Ok(r) => {
                on_task(&r);
                reports.push(r);
            }
            Err(e) => {
                let _ = store.rollback();
                return Err(e);
            }
        }
        if let Err(e) = crate::failpoint::hit(&format!("load:{}", l.task.table)) {
            let _ = store.rollback();
            return Err(e);
        }
    }
    Ok(reports)
}

fn load_one(
    store: &mut dyn ResultStore,
    l: &SinkLoad<'_>,
    warehouse: &dyn WarehouseRead,
    allow_empty_run: bool,
) -> Result<TaskReport> {
    let started = Instant::now();
    let (t, p) = (l.task, l.plan);
    let TaskKind::ResultStore { overwrite, allow_empty, .. } = &t.kind else { bail!("`{}` is not a sink", t.node) };
    let input = t.inputs.first().ok_or_else(|| anyhow!("sink {} has no input", t.node))?;
    let positions = input.positions(t.columns.iter().map(|c| c.name.as_str())).map_err(anyhow::Error::msg)?;
    let mut rows: Vec<Row> = Vec::new();
    if t.enabled {
        for dt in input.partitions.values() {
            for r in warehouse.read_partition(&input.table, &dt, input.columns.len())? {
                rows.push(positions.iter().zip(&t.columns).map(|(&i, c)| normalize_cell(r[i].clone(), c.ty)).collect());
            }
        }
    }
    let update_id = format!("{}:{}:{}:{}", p.pipeline, t.table, p.interval_text(), input.partitions.values().join(","));
    // A disabled sink only creates its table: no rows, and nothing already there is deleted.
    let opts = LoadOptions {
        overwrite: *overwrite && t.enabled,
        allow_empty: *allow_empty || allow_empty_run || !t.enabled,
        update_id,
    };
    let res =
        store.load_in_tx(&l.spec, &rows, &opts).with_context(|| format!("loading result-store table `{}`", t.table))?;
    Ok(TaskReport {
        pipeline: t.pipeline.clone(),
        node: t.node.clone(),
        table: t.table.clone(),
        kind: "load",
        partitions: vec![],
        rows: res.rows,
        elapsed: started.elapsed(),
        note: res.skipped_as_done.then(|| "already loaded for these parameters".to_string()),
        skipped: vec![],
    })
}
