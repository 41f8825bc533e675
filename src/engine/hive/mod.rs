//! The Hive engine (profile key `engine = "hive"`): the run's bundle (HiveQL, Sqoop command lines, the log staging
//! script, `edxc-map` as a TRANSFORM program) submitted to a Hadoop/Hive cluster through its SSH gateway.
//!
//! A run: connect (host key checked), render the bundle for the run's plans, upload it and `edxc-map`, set aside
//! the published partitions the run replaces ([`Staging::in_place`]: Hive writes a partition where the table
//! says), run the shell and LMS steps, then every HiveQL step as ONE script (`hive -f`, `beeline -f`, `spark-sql
//! -f`), verify each partition it was to write and mark it `_SUCCESS`. The caller then loads the result store from
//! those partitions through the same [`crate::warehouse::WarehouseRead`] as the embedded engine's, and publishes.

mod inputs;
mod run;
pub mod script;
pub mod sftp_fs;
pub mod ssh;

use super::{Engine, EngineKind, Needs};
use crate::config::engine_config::{GatewayConfig, HiveConfig, RunFlags};
use crate::config::profile::Profile;
use crate::warehouse::Warehouse;
use anyhow::{bail, Result};
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const KIND: EngineKind = EngineKind {
    name: "hive",
    summary: "a Hadoop/Hive cluster through an SSH gateway (HiveQL, Sqoop, edxc-map as a TRANSFORM program)",
    required_keys,
    compile: crate::codegen::hive,
    bundle: Some(crate::codegen::hive_bundle),
    build,
    warehouse: |profile, root| {
        let gw = connect(&GatewayConfig::from_profile(profile, root).map_err(anyhow::Error::msg)?)?;
        let warehouse = profile.get("warehouse").ok_or_else(|| anyhow::anyhow!("the profile sets no warehouse"))?;
        open_warehouse(&gw, warehouse)
    },
    source_digest: inputs::source_digest,
};

fn required_keys(needs: &Needs) -> Vec<&'static str> {
    let mut keys = vec!["warehouse", "hive_database", "mapper_path", "result_store", "ssh_host", "ssh_user", "ssh_key"];
    if needs.tracking_logs {
        keys.push("tracking_logs");
    }
    if needs.lms {
        keys.extend(["lms_jdbc", "lms_username", "lms_password_file"]);
    }
    if needs.geoip {
        // Read by edxc when it renders the bundle: the country table ships with it.
        keys.push("geoip_database");
    }
    keys
}

fn connect(config: &GatewayConfig) -> Result<Arc<ssh::Gateway>> {
    Ok(Arc::new(ssh::Gateway::connect(config)?))
}

/// The warehouse at `url`: `file://` paths on the gateway's disk (over SFTP), `hdfs://` through HDFS (the
/// NameNode reached from this machine; not testable here, where no NameNode can run: `warehouse::hdfs`).
fn open_warehouse(gw: &Arc<ssh::Gateway>, url: &str) -> Result<Warehouse> {
    if let Some(path) = url.strip_prefix("file://") {
        if !path.starts_with('/') {
            bail!("warehouse `{url}`: a file:// warehouse needs an absolute path (file:///...)");
        }
        return Ok(Warehouse::new(Arc::new(sftp_fs::SftpFs::new(gw.clone())?), PathBuf::from(path)));
    }
    if url.starts_with("hdfs://") {
        // Straight to the NameNode from this machine (hdfs-native): the gateway only runs the engines' commands.
        let (fs, root) = crate::warehouse::hdfs::connect(url)?;
        return Ok(Warehouse::new(Arc::new(fs), root));
    }
    bail!("warehouse `{url}`: a cluster warehouse is a file:// or hdfs:// URL")
}

fn build(profile: &Profile, root: &Path, flags: &RunFlags) -> Result<Box<dyn Engine>> {
    let config = HiveConfig::from_profile(profile, root).map_err(anyhow::Error::msg)?;
    let gateway = connect(&config.gateway)?;
    let warehouse = open_warehouse(&gateway, &config.warehouse)?;
    Ok(Box::new(run::HiveEngine { config, quiet: flags.quiet, profile: profile.clone(), gateway, warehouse }))
}
