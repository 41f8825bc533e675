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
    plan_index: usize,
    task: &'a Task,
    spec: TableSpec,
}

fn sinks(plans: &[Plan]) -> Vec<SinkLoad<'_>> {
    let mut out = Vec::new();
    for (plan_index, plan) in plans.iter().enumerate() {
        for task in &plan.tasks {
            if let TaskKind::ResultStore { indexes, primary_key, .. } = &task.kind {
                let spec = TableSpec {
                    name: task.table.clone(),
                    columns: task.columns.clone(),
                    indexes: indexes.clone(),
                    auto_id: primary_key.is_empty(),
                    primary_key: primary_key.clone(),
                };
                out.push(SinkLoad { plan, plan_index, task, spec });
            }
        }
    }
    out
}

/// The result-store loads of a run, all in ONE transaction (opened by the first load) that the caller commits once
/// everything else of the run has succeeded. A sink loads as soon as the table it reads is final and checked
/// ([`Loads::load_ready`], called as the run finishes tasks, so loads overlap the transforms still computing); the
/// others at the end ([`Loads::finish`]). On a load's error everything is rolled back and the store is as it was;
/// on any other error of the run the caller rolls back. `allow_empty` (the run's `--allow-empty`) lets every sink
/// replace a table with no rows, as a sink's own `allow_empty` does.
pub struct Loads<'a> {
    loads: Vec<SinkLoad<'a>>,
    /// Each sink's report once it is loaded.
    done: Vec<Option<TaskReport>>,
    begun: bool,
    allow_empty: bool,
}

impl<'a> Loads<'a> {
    pub fn new(plans: &'a [Plan], allow_empty: bool) -> Self {
        let loads = sinks(plans);
        Self { done: vec![None; loads.len()], loads, begun: false, allow_empty }
    }

    /// Loads each sink not loaded yet whose input `ready` (plan index, table) says is final.
    pub fn load_ready(
        &mut self,
        store: &mut dyn ResultStore,
        warehouse: &dyn WarehouseRead,
        ready: &dyn Fn(usize, &str) -> bool,
        on_task: &mut dyn FnMut(&TaskReport),
    ) -> Result<()> {
        for i in 0..self.loads.len() {
            let l = &self.loads[i];
            let input = l.task.inputs.first().map(|i| i.table.as_str());
            if self.done[i].is_none() && input.is_some_and(|t| ready(l.plan_index, t)) {
                self.load(store, i, warehouse, on_task)?;
            }
        }
        Ok(())
    }

    /// Loads the sinks still to load; every load's report, in sink order.
    pub fn finish(
        mut self,
        store: &mut dyn ResultStore,
        warehouse: &dyn WarehouseRead,
        on_task: &mut dyn FnMut(&TaskReport),
    ) -> Result<Vec<TaskReport>> {
        for i in 0..self.loads.len() {
            if self.done[i].is_none() {
                self.load(store, i, warehouse, on_task)?;
            }
        }
        Ok(self.done.into_iter().flatten().collect())
    }

    fn load(
        &mut self,
        store: &mut dyn ResultStore,
        i: usize,
        warehouse: &dyn WarehouseRead,
        on_task: &mut dyn FnMut(&TaskReport),
    ) -> Result<()> {
        if !self.begun {
            let specs: Vec<TableSpec> = self.loads.iter().map(|l| l.spec.clone()).collect();
            store.begin(&specs)?;
            self.begun = true;
        }
        let l = &self.loads[i];
        let loaded = load_one(store, l, warehouse, self.allow_empty).map(|r| {
            on_task(&r);
            self.done[i] = Some(r);
        });
        let loaded = loaded.and_then(|()| crate::failpoint::hit(&format!("load:{}", self.loads[i].task.table)));
        if loaded.is_err() {
            let _ = store.rollback();
        }
        loaded
    }
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
