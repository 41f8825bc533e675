//! Engines run a plan's tasks. The embedded engine runs everything in this process; the Hive engine (next step)
//! submits the rendered artifacts to a cluster. They differ in rendering and transport, never in semantics.

pub mod embedded;

use crate::graph::Plan;

/// Runs the tasks of one or more plans in dependency order and reports what was written. Implemented by the
/// embedded engine; the Hive engine will submit the same plans' rendered artifacts through an SSH gateway.
pub trait Engine {
    fn run(&mut self, plans: &[Plan]) -> anyhow::Result<RunReport>;
}

pub use crate::model::report::{DamagedFile, FileSelection, RunReport, TaskReport};
