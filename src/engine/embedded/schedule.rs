//! The order the embedded engine runs a run's tasks in: each as soon as every task it depends on is done
//! (`Task::deps`). Transforms (reduce, SQL, native) are computed on up to `jobs` threads at once, each reading
//! a snapshot of the staging area (all its inputs are staged before it starts); the run's own thread stages what
//! they computed, one at a time, as they finish. Maps (one pass over the logs for every map of every plan, itself
//! on every core) and LMS imports run on the run's thread. With one job the order is the plan order of the ready
//! tasks, so a run is repeatable; with more the outputs are the same, only the progress lines may come in another
//! order. With more, of the transforms ready at once the one reading the most bytes starts first: the longest one
//! (counting the distinct learners of every day's activity) then overlaps the chains of small ones.

use super::{Computed, EmbeddedRun, Reader};
use crate::engine::RunReport;
use crate::graph::{Plan, TaskKind};
use anyhow::{bail, Result};

#[derive(Clone, Copy, PartialEq)]
enum State {
    Waiting,
    Running,
    Done,
}

impl EmbeddedRun<'_> {
    pub(super) fn schedule(&mut self, plans: &[Plan], report: &mut RunReport) -> Result<()> {
        let mut state: Vec<Vec<State>> = plans
            .iter()
            .map(|p| p.tasks.iter().map(|t| if t.kind.is_sink() { State::Done } else { State::Waiting }).collect())
            .collect();
        let workers = self.config.jobs.max(1);
        let config = self.config;
        let countries = self.countries.clone();
        std::thread::scope(|scope| -> Result<()> {
            let (tx, rx) = std::sync::mpsc::channel::<((usize, usize), Result<Computed>)>();
            let mut running = 0usize;
            let mut failure: Option<anyhow::Error> = None;
            loop {
                // Start what can start: inline tasks now, in plan order; then transforms while a worker is free.
                let mut progressed = true;
                while failure.is_none() && progressed {
                    progressed = false;
                    let mut ready = Vec::new();
                    for (pi, p) in plans.iter().enumerate() {
                        for (ti, t) in p.tasks.iter().enumerate() {
                            let can_start = state[pi][ti] == State::Waiting
                                && t.deps.iter().all(|&d| state[pi].get(d) == Some(&State::Done));
                            if !can_start {
                                continue;
                            }
                            let step = match &t.kind {
                                TaskKind::Map { .. } => self.run_maps(plans, report).map(|()| {
                                    crate::memory::trim();
                                    // The one pass ran every map of every plan (maps depend on no task).
                                    for (pj, q) in plans.iter().enumerate() {
                                        for (tj, u) in q.tasks.iter().enumerate() {
                                            if matches!(u.kind, TaskKind::Map { .. }) {
                                                state[pj][tj] = State::Done;
                                            }
                                        }
                                    }
                                }),
                                TaskKind::ImportLms { .. } => self.import_lms(t).and_then(|r| {
                                    state[pi][ti] = State::Done;
                                    self.finish(report, r)
                                }),
                                TaskKind::Reduce { .. } | TaskKind::Sql { .. } | TaskKind::Native { .. } => {
                                    ready.push((pi, ti));
                                    continue;
                                }
                                _ => {
                                    state[pi][ti] = State::Done;
                                    Ok(())
                                }
                            };
                            progressed = true;
                            if let Err(e) = step {
                                failure = Some(e);
                                break;
                            }
                        }
                        if failure.is_some() {
                            break;
                        }
                    }
                    if failure.is_some() {
                        break;
                    }
                    // Transforms while a worker is free: with several, the largest input first (it is likely the
                    // longest; the others share the remaining workers), plan order between equals.
                    if workers > 1 && ready.len() > workers - running {
                        let view = self.staging.view();
                        // A partition that cannot be listed costs 0 here: the transform that reads it says why.
                        let costs: Vec<u64> = ready
                            .iter()
                            .map(|&(pi, ti)| input_bytes(&view, &plans[pi].tasks[ti]).unwrap_or(0))
                            .collect();
                        ready = largest_first(ready, &costs);
                    }
                    for (pi, ti) in ready.drain(..) {
                        if running >= workers {
                            break;
                        }
                        let t = &plans[pi].tasks[ti];
                        let copy = matches!(t.kind, TaskKind::Reduce { .. }) && read_by_sql(plans, &t.table);
                        let reader = Reader { config, staging: self.staging.view(), countries: countries.as_ref() };
                        let tx = tx.clone();
                        scope.spawn(move || {
                            // A panic is this task's error: the run's thread waits for every result.
                            let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| reader.compute(t, copy)))
                                .unwrap_or_else(|_| Err(anyhow::anyhow!("transform `{}` panicked", t.node)));
                            let _ = tx.send(((pi, ti), r));
                        });
                        state[pi][ti] = State::Running;
                        running += 1;
                        progressed = true;
                    }
                    // With one job, wait for each transform before looking for the next (plan order).
                    if running > 0 && workers == 1 {
                        break;
                    }
                }
                if running == 0 {
                    break;
                }
                let Ok(((pi, ti), computed)) = rx.recv() else { break };
                running -= 1;
                state[pi][ti] = State::Done;
                let stored =
                    computed.and_then(|c| self.store(&plans[pi].tasks[ti], c)).and_then(|r| self.finish(report, r));
                crate::memory::trim();
                if let Err(e) = stored {
                    // The others finish (their results are dropped with the staging area); nothing new starts.
                    failure.get_or_insert(e);
                }
            }
            match failure {
                Some(e) => Err(e),
                None => Ok(()),
            }
        })?;
        if let Some((p, t)) = plans
            .iter()
            .zip(&state)
            .find_map(|(p, s)| p.tasks.iter().zip(s).find(|(_, s)| **s != State::Done).map(|(t, _)| (p, t)))
        {
            bail!("pipeline `{}`: task `{}` waits for a task that never ran (a cycle in the plan)", p.pipeline, t.node);
        }
        Ok(())
    }
}

/// Whether a SQL transform of the run reads `table`.
fn read_by_sql(plans: &[Plan], table: &str) -> bool {
    let sql = |t: &&crate::graph::Task| matches!(t.kind, TaskKind::Sql { .. });
    plans.iter().flat_map(|p| &p.tasks).filter(sql).any(|t| t.inputs.iter().any(|i| i.table == table))
}

/// `ready` ordered by `costs` (one each), the largest first; equal costs keep their order.
fn largest_first<T: Copy>(ready: Vec<T>, costs: &[u64]) -> Vec<T> {
    let mut order: Vec<usize> = (0..ready.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(costs.get(i).copied().unwrap_or(0)));
    order.into_iter().map(|i| ready[i]).collect()
}

/// The bytes of the input partitions `t` reads, as staged so far (0 for one that does not exist).
fn input_bytes(view: &crate::warehouse::StagingView, t: &crate::graph::Task) -> Result<u64> {
    use crate::warehouse::WarehouseRead;
    let mut bytes = 0;
    for i in &t.inputs {
        for dt in i.partitions.values() {
            bytes += view.partition_bytes(&i.table, &dt)?;
        }
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::largest_first;

    #[test]
    fn the_largest_input_starts_first_and_equals_keep_plan_order() {
        let ready = vec![(0, 1), (0, 2), (0, 5), (1, 0)];
        assert_eq!(largest_first(ready, &[10, 30, 0, 30]), vec![(0, 2), (1, 0), (0, 1), (0, 5)]);
    }
}
