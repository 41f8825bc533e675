//! Conformance scenarios on a cluster: one engine of the test gateway (`scripts/engines/README.md`: a key-only sshd
//! whose user has the real Hive 2.3.10 CLI and Spark SQL 4.3 on its PATH, its warehouse `file://` paths on this
//! machine) as the target of `edxc apply --profile hadoop.example`. Each scenario run gets its own directory on the
//! gateway, created and filled as the gateway user (inputs, warehouse, mapper, the runs' scratch), and its own Hive
//! database; the directory goes with the run's world, the databases with the [`Cluster`].
#![allow(dead_code)]

use super::gateway::{gateway_config, gateway_env};
use edxc::engine::hive::ssh::{shell_quote, Gateway, GatewayConfig};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

/// The cluster profile the runs use, every location overridden with `--var`.
pub const PROFILE: &str = "hadoop.example";

/// This workspace's `edxc-map`, built (as `tests/hive_bundle.rs` does) into the test's target directory: the
/// local mapper a run uploads to its `mapper_path`.
pub fn edxc_map_binary() -> PathBuf {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = std::process::Command::new(cargo)
        .args(["build", "-q", "-p", "edxc-map", "--bin", "edxc-map"])
        .current_dir(super::repo())
        .status()
        .expect("cargo runs");
    assert!(status.success(), "cargo build -p edxc-map");
    let exe = std::env::current_exe().unwrap();
    let built = exe.parent().and_then(Path::parent).unwrap().join("edxc-map");
    assert!(built.is_file(), "no edxc-map at {}", built.display());
    built
}

/// Directories on the gateway, removed (as the gateway user) when the guard is dropped, passed or failed.
pub struct RemoteDirs {
    config: GatewayConfig,
    dirs: Vec<String>,
}

impl RemoteDirs {
    pub fn new(config: GatewayConfig, dirs: Vec<String>) -> Self {
        Self { config, dirs }
    }
}

impl Drop for RemoteDirs {
    fn drop(&mut self) {
        let dirs: Vec<String> = self.dirs.iter().map(|d| shell_quote(d)).collect();
        let done = Gateway::connect(&self.config).and_then(|gw| gw.output(&format!("rm -rf {}", dirs.join(" "))));
        if let Err(e) = done {
            eprintln!("cannot remove {} on the gateway: {e:#}", self.dirs.join(" "));
        }
    }
}

/// One engine of the test gateway (`hive` or `spark-sql`). Dropping it drops every Hive database its runs used,
/// in one start of the engine's CLI.
pub struct Cluster {
    pub env: BTreeMap<String, String>,
    pub config: GatewayConfig,
    /// The profile's `hive_cli`: the command on the gateway's PATH.
    pub cli: String,
    pub mapper_binary: PathBuf,
    databases: Mutex<Vec<String>>,
}

/// One scenario's place on the gateway: the directory (`/src`, `/wh`, `/bin`, `/runs`, `/out` below it) and the
/// `--var`s that point the cluster profile there.
pub struct ClusterRun {
    base: String,
    pub vars: Vec<(String, String)>,
    pub dirs: RemoteDirs,
}

impl ClusterRun {
    /// The gateway's `file://` URL of `base` + `sub`.
    pub fn url(&self, sub: &str) -> String {
        format!("file://{}{sub}", self.base)
    }

    /// The same place on this machine's disk (the gateway is this machine).
    pub fn path(&self, sub: &str) -> PathBuf {
        PathBuf::from(format!("{}{sub}", self.base))
    }
}

fn ident(s: &str) -> String {
    s.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect()
}

impl Cluster {
    /// The engine whose command the gateway env file names under `cli_key` (`EDXC_GATEWAY_HIVE`,
    /// `EDXC_GATEWAY_SPARK_SQL`).
    pub fn new(cli_key: &str, mapper_binary: PathBuf) -> Self {
        let env = gateway_env();
        let config = gateway_config(&env);
        let cli = env[cli_key].clone();
        Self { env, config, cli, mapper_binary, databases: Mutex::new(Vec::new()) }
    }

    pub fn connect(&self) -> Gateway {
        Gateway::connect(&self.config).expect("connects to the test gateway (scripts/engines/start-gateway.sh)")
    }

    /// Creates the scenario's directory on the gateway and uploads its inputs: `logs` (path under `${SRC}`, local
    /// file) and `warehouse_files` (path under `${WAREHOUSE}`, local file). Everything is created as the gateway
    /// user, so the engines own what they read and write.
    pub fn lay_out(
        &self,
        scenario: &str,
        logs: &[(String, PathBuf)],
        warehouse_files: &[(String, PathBuf)],
    ) -> ClusterRun {
        static N: AtomicUsize = AtomicUsize::new(0);
        let tag = format!(
            "{}_{}_{}_{}",
            ident(scenario),
            ident(&self.cli),
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        );
        let base = format!("{}/edxc-conformance-{tag}", self.env["EDXC_GATEWAY_TMP"]);
        let dirs = RemoteDirs { config: self.config.clone(), dirs: vec![base.clone()] };
        let gw = self.connect();
        let files: Vec<(String, &PathBuf)> = logs
            .iter()
            .map(|(p, l)| (format!("{base}/src/{p}"), l))
            .chain(warehouse_files.iter().map(|(p, l)| (format!("{base}/wh/{p}"), l)))
            .collect();
        let mut mkdirs: Vec<String> =
            ["src", "wh", "bin", "runs", "out"].iter().map(|d| shell_quote(&format!("{base}/{d}"))).collect();
        mkdirs.extend(files.iter().filter_map(|(r, _)| r.rsplit_once('/')).map(|(d, _)| shell_quote(d)));
        gw.output(&format!("mkdir -p {}", mkdirs.join(" "))).expect("creates the scenario's directory");
        for (remote, local) in &files {
            gw.upload(local, remote, 0o644).unwrap_or_else(|e| panic!("upload {}: {e:#}", local.display()));
        }
        let database = format!("edxc_conf_{tag}");
        self.databases.lock().unwrap().push(database.clone());
        let e = &self.env;
        let mut vars = super::gateway_vars(e);
        vars.extend([
            ("hive_cli", self.cli.clone()),
            ("hive_database", database),
            ("mapper_path", format!("file://{base}/bin/edxc-map")),
            ("mapper_binary", self.mapper_binary.display().to_string()),
            ("gateway_dir", format!("{base}/runs")),
            ("lms_import", "direct".to_string()),
        ]);
        // The embedded runs use the local profile: a scenario that sets no interval gets its `interval` there, so
        // the cluster runs get the same (the table_updates markers name the run's interval).
        let local: toml::Table =
            toml::from_str(&std::fs::read_to_string(super::repo().join("target-profiles/local.toml")).unwrap())
                .unwrap();
        if let Some(interval) = local.get("interval").and_then(|v| v.as_str()) {
            vars.push(("interval", interval.to_string()));
        }
        ClusterRun { base, vars: vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect(), dirs }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        let dbs = std::mem::take(&mut *self.databases.lock().unwrap_or_else(|e| e.into_inner()));
        if dbs.is_empty() {
            return;
        }
        // The engines' metastores persist between runs; the tables are external, so this drops only metadata.
        let sql: String = dbs.iter().map(|d| format!("DROP DATABASE IF EXISTS {d} CASCADE; ")).collect();
        let done = Gateway::connect(&self.config)
            .and_then(|gw| gw.output(&format!("{} -e {}", self.cli, shell_quote(sql.trim_end()))));
        if let Err(e) = done {
            eprintln!("cannot drop the Hive databases {dbs:?} on {}: {e:#}", self.cli);
        }
    }
}
