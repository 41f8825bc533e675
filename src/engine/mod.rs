//! Engines run a plan's tasks. The embedded engine runs everything in this process; the Hive engine (next step)
//! submits the rendered artifacts to a cluster. They differ in rendering and transport, never in semantics.

pub mod embedded;

use crate::graph::Plan;
use std::time::Duration;

/// Runs the tasks of one or more plans in dependency order and reports what was written. Implemented by the
/// embedded engine; the Hive engine will submit the same plans' rendered artifacts through an SSH gateway.
pub trait Engine {
    fn run(&mut self, plans: &[Plan]) -> anyhow::Result<RunReport>;
}

/// What one task did.
#[derive(Debug, Clone, Default)]
pub struct TaskReport {
    pub pipeline: String,
    pub node: String,
    pub table: String,
    pub kind: &'static str,
    /// `dt=` partitions written (empty for sinks).
    pub partitions: Vec<String>,
    pub rows: u64,
    pub elapsed: Duration,
    pub note: Option<String>,
}

/// What a run did, for the summary, the JUnit report and the state store.
#[derive(Debug, Clone, Default)]
pub struct RunReport {
    pub tasks: Vec<TaskReport>,
    /// Mapper counters (lines, bad_json, ...), summed over every file read.
    pub counters: Vec<(String, u64)>,
    pub files_read: usize,
}

impl RunReport {
    pub fn counter(&self, name: &str) -> u64 {
        self.counters.iter().filter(|(n, _)| n == name).map(|(_, v)| v).sum()
    }
}
