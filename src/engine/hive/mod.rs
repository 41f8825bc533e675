//! The Hive engine (profile key `engine = "hive"`): HiveQL and Sqoop command lines for a Hadoop/Hive cluster
//! reached through an SSH gateway. `edxc compile` renders them today; running them from `edxc apply` is not built
//! yet, and a run says so before doing anything.

pub mod ssh;

use super::{Engine, EngineKind, Needs};
use crate::config::engine_config::RunFlags;
use crate::config::profile::Profile;
use anyhow::{bail, Result};
use std::path::Path;

pub const KIND: EngineKind = EngineKind {
    name: "hive",
    summary: "a Hadoop/Hive cluster through an SSH gateway (HiveQL, Sqoop, edxc-map as a TRANSFORM program)",
    required_keys,
    compile: crate::codegen::hive,
    bundle: Some(crate::codegen::hive_bundle),
    build,
    warehouse: |profile, _| bail!("the warehouse of profile `{}` is not reachable by this version", profile.name),
};

fn required_keys(needs: &Needs) -> Vec<&'static str> {
    let mut keys = vec!["warehouse", "hive_database", "mapper_path", "result_store"];
    if needs.tracking_logs {
        keys.push("tracking_logs");
    }
    if needs.lms {
        keys.extend(["lms_jdbc", "lms_username", "lms_password_file"]);
    }
    keys
}

fn build(profile: &Profile, _root: &Path, _flags: &RunFlags) -> Result<Box<dyn Engine>> {
    bail!(
        "apply on engine `hive` is not available yet: run `edxc compile --profile {}` and submit the artifacts",
        profile.name
    )
}
