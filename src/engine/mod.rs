//! Engines run a plan's tasks. The embedded engine runs everything in this process; the Hive engine submits the
//! rendered artifacts to a cluster. They differ in rendering and transport, never in semantics.
//!
//! Every engine is an [`EngineKind`] in [`registry`]: its name in profiles, the profile keys it needs, how it
//! renders a plan (`edxc compile`) and how it is built for a run (`edxc apply`). Adding an engine is one module
//! and one line in [`registry`].

pub mod embedded;
pub mod hive;
pub mod log_files;

use crate::config::engine_config::RunFlags;
use crate::config::profile::Profile;
use crate::graph::Plan;
use crate::model::{Pipeline, SourceKind};
use crate::warehouse::{Staging, Warehouse, WarehouseRead};
use anyhow::Result;
use std::path::Path;

pub use crate::model::report::{DamagedFile, FileSelection, RunReport, TaskReport};

/// Runs the tasks of one or more plans (all but the sinks) in dependency order, writing each output partition
/// into the run's staging area, and reports what was written.
pub trait Engine {
    /// The warehouse this engine's outputs are published to (where the run's staging area and lock live).
    fn warehouse(&self) -> Warehouse;
    fn run(&mut self, plans: &[Plan], staging: &mut Staging, on_task: &mut OnTask<'_>) -> Result<RunReport>;
}

/// Called once a task's outputs are staged, with its report and the run's outputs so far (read-only), on the
/// thread that stages them: the caller checks and loads a finished table while the rest of the run computes. An
/// error fails the run.
pub type OnTask<'a> = dyn FnMut(&TaskReport, &dyn WarehouseRead) -> Result<()> + 'a;

/// What the selected pipelines read, which decides the profile keys an engine needs.
#[derive(Debug, Clone, Copy, Default)]
pub struct Needs {
    pub tracking_logs: bool,
    pub lms: bool,
    /// Some pipeline looks countries up (profile key `geoip_database`, docs/contract.md §3.6).
    pub geoip: bool,
}

impl Needs {
    pub fn of(pipelines: &[Pipeline]) -> Self {
        let sources = || pipelines.iter().flat_map(|p| p.sources.values());
        Self {
            tracking_logs: sources().any(|s| matches!(s.kind, SourceKind::TrackingLog)),
            lms: sources().any(|s| matches!(s.kind, SourceKind::LmsTable { .. })),
            geoip: crate::geoip::needed_by(pipelines),
        }
    }
}

/// One engine: how profiles name it and what it can do.
pub struct EngineKind {
    /// The profile's `engine = "..."`.
    pub name: &'static str,
    pub summary: &'static str,
    /// Profile keys the engine needs for pipelines that read `Needs`.
    pub required_keys: fn(&Needs) -> Vec<&'static str>,
    /// Renders a plan's artifacts, deterministically; never connects and never resolves secrets.
    pub compile: crate::codegen::CompileFn,
    /// Renders every plan of a compile together, for engines whose bundle is more than the plans' artifacts side
    /// by side (the Hive bundle reads the tracking logs once for all pipelines); `None`: one plan at a time.
    pub bundle: Option<crate::codegen::BundleFn>,
    /// Builds the engine for a run from the profile (resolves secrets; relative paths from the project root).
    pub build: fn(&Profile, &Path, &RunFlags) -> Result<Box<dyn Engine>>,
    /// Opens the profile's published warehouse without building the engine (`edxc state lock|unlock`); connects
    /// where the warehouse is remote, but resolves no secret.
    pub warehouse: fn(&Profile, &Path) -> Result<Warehouse>,
    /// What a task's source (tracking-log files, LMS table) reads now, as a digest (`state::freshness`): equal
    /// digests mean an up-to-date partition need not be recomputed; `None` means it cannot be told, so it is.
    /// Reads listings only; never connects to a database and never resolves a secret.
    pub source_digest: fn(&Profile, &Path, &crate::graph::Task) -> Result<Option<String>>,
}

/// Every engine edxc has.
pub fn registry() -> &'static [EngineKind] {
    &[embedded::KIND, hive::KIND]
}

/// The engine a profile names, or an error listing the known ones.
pub fn kind(name: &str) -> Result<&'static EngineKind, String> {
    registry().iter().find(|k| k.name == name).ok_or_else(|| {
        let names: Vec<&str> = registry().iter().map(|k| k.name).collect();
        format!("unknown engine `{name}` (engines: {})", names.join(", "))
    })
}
