//! What `edxc apply` does with each task as the engine finishes it: the task's data checks run at once, and each
//! result-store sink loads (inside the run's one open transaction) as soon as the table it reads is final and
//! checked, so loads overlap the transforms still computing. After a failed `error` check nothing more loads: the
//! run fails once the engine is done, and the store is rolled back.

use crate::engine::TaskReport;
use crate::graph::Plan;
use crate::model::report::CheckOutcome;
use crate::sinks::load::Loads;
use crate::sinks::result_store::ResultStore;
use crate::warehouse::{Warehouse, WarehouseRead};
use anyhow::Result;
use std::collections::BTreeMap;

/// The run's finished tasks and the outcomes of their checks.
pub struct Finished<'p> {
    plans: &'p [Plan],
    /// Per plan, per task: staged.
    done: Vec<Vec<bool>>,
    /// Check outcomes of the finished tasks that have checks, by (plan, task).
    checks: BTreeMap<(usize, usize), Vec<CheckOutcome>>,
    /// A check with `error` severity failed.
    failed: bool,
}

impl<'p> Finished<'p> {
    pub fn new(plans: &'p [Plan]) -> Self {
        let done = plans.iter().map(|p| vec![false; p.tasks.len()]).collect();
        Self { plans, done, checks: BTreeMap::new(), failed: false }
    }

    /// The task of report `r` is staged: runs its checks over `outputs`, then loads every sink now ready.
    pub fn task(
        &mut self,
        r: &TaskReport,
        outputs: &dyn WarehouseRead,
        published: &Warehouse,
        loads: &mut Loads<'_>,
        store: &mut dyn ResultStore,
        on_task: &mut dyn FnMut(&TaskReport),
    ) -> Result<()> {
        let plans = self.plans;
        let found = plans.iter().enumerate().find_map(|(pi, p)| {
            let ti = p.tasks.iter().position(|t| t.node == r.node && !t.kind.is_sink())?;
            (p.pipeline == r.pipeline).then_some((pi, ti))
        });
        let Some((pi, ti)) = found else { return Ok(()) };
        let outcomes = crate::checks::run_task(&plans[pi], &plans[pi].tasks[ti], outputs, published)?;
        self.failed |= outcomes.iter().any(|c| c.failures > 0 && c.severity == "error");
        self.checks.insert((pi, ti), outcomes);
        self.done[pi][ti] = true;
        if self.failed {
            return Ok(());
        }
        let done = &self.done;
        let ready = |pi: usize, table: &str| {
            let producer = plans[pi].tasks.iter().position(|t| t.table == table && !t.kind.is_sink());
            producer.is_some_and(|ti| done[pi][ti])
        };
        loads.load_ready(store, outputs, &ready, on_task)
    }

    /// Every check outcome of the run, in plan order: those run as tasks finished, the others (tasks not reported,
    /// such as sinks' own checks) now.
    pub fn checks(mut self, outputs: &dyn WarehouseRead, published: &Warehouse) -> Result<Vec<CheckOutcome>> {
        let mut out = Vec::new();
        for (pi, p) in self.plans.iter().enumerate() {
            for (ti, t) in p.tasks.iter().enumerate() {
                match self.checks.remove(&(pi, ti)) {
                    Some(early) => out.extend(early),
                    None => out.extend(crate::checks::run_task(p, t, outputs, published)?),
                }
            }
        }
        Ok(out)
    }
}
