//! The order the embedded engine runs a run's tasks in: each as soon as every task it depends on is done
//! (`Task::deps`). Transforms (reduce, SQL, native) are computed on up to `jobs` threads at once, each reading
//! a snapshot of the staging area (all its inputs are staged before it starts); the run's own thread stages what
//! they computed, one at a time, as they finish. Maps (one pass over the logs for every map of every plan, itself
//! on every core) and LMS imports run on the run's thread. With one job the order is the plan order of the ready
//! tasks, so a run is repeatable; with more the outputs are the same, only the progress lines may come in another
//! order.

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
                // Start what can start, in plan order: inline tasks now, transforms while a worker is free.
                let mut progressed = true;
                while failure.is_none() && progressed {
                    progressed = false;
                    for (pi, p) in plans.iter().enumerate() {
                        for (ti, t) in p.tasks.iter().enumerate() {
                            let ready = state[pi][ti] == State::Waiting
                                && t.deps.iter().all(|&d| state[pi].get(d) == Some(&State::Done));
                            if !ready {
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
                                    if running >= workers {
                                        continue;
                                    }
                                    let reader =
                                        Reader { config, staging: self.staging.view(), countries: countries.as_ref() };
                                    let tx = tx.clone();
                                    scope.spawn(move || {
                                        // A panic is this task's error: the run's thread waits for every result.
                                        let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                                            reader.compute(t)
                                        }))
                                        .unwrap_or_else(|_| Err(anyhow::anyhow!("transform `{}` panicked", t.node)));
                                        let _ = tx.send(((pi, ti), r));
                                    });
                                    state[pi][ti] = State::Running;
                                    running += 1;
                                    Ok(())
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
