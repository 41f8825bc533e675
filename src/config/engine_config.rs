//! Each engine's settings, built from the profile in one place (the CLI passes only what the command line says).
//! Secrets are resolved here, so only commands that run an engine call these builders.

use crate::config::profile::Profile;
use std::path::{Path, PathBuf};

/// The tracking-log file patterns every engine selects logs with.
pub const DEFAULT_PATTERN: &str = r".*tracking\.log-(?P<date>\d{8}).*";

/// Default pattern of the logs without a date in their name, always read: the live `tracking.log`.
pub const DEFAULT_UNDATED_PATTERN: &str = r".*tracking\.log(?:\.gz)?";

/// What the command line adds to the profile for a run.
#[derive(Debug, Clone, Default)]
pub struct RunFlags {
    /// `--max-bad-ratio`, overriding the profile's `max_bad_ratio`.
    pub max_bad_ratio: Option<f64>,
    /// `--allow-empty`.
    pub allow_empty: bool,
    /// `--jobs`: files read at once (0: every core).
    pub jobs: usize,
    /// `--quiet`: no progress on stderr (warnings and errors still go there).
    pub quiet: bool,
}

/// Where the embedded engine finds and puts things (secrets already substituted).
#[derive(Debug, Clone)]
pub struct EmbeddedConfig {
    /// Where the tracking logs are: one directory, or several (`tracking_logs` as a JSON list, as the original's
    /// `source` list).
    pub tracking_logs: Vec<PathBuf>,
    /// Path patterns of the logs (`tracking_pattern`, one regex or a JSON list; the first that matches decides).
    pub tracking_patterns: Vec<String>,
    pub tracking_undated_pattern: String,
    pub expand_interval_days: i64,
    pub lms: Option<String>,
    pub warehouse: PathBuf,
    pub max_bad_ratio: f64,
    pub ccx_enabled: bool,
    /// Accept a run that reads no file, or no rows where earlier runs had rows.
    pub allow_empty: bool,
    /// Tracking-log files read at once.
    pub jobs: usize,
    /// No progress lines.
    pub quiet: bool,
    /// The GeoIP country database (`geoip_database`), for pipelines that look countries up.
    pub geoip_database: Option<PathBuf>,
}

impl EmbeddedConfig {
    /// Reads the profile; relative paths are taken from `root` (the project directory).
    pub fn from_profile(profile: &Profile, root: &Path, flags: &RunFlags) -> Result<Self, String> {
        let lms = profile.lms_source()?.map(|v| {
            if v.contains("://") || Path::new(&v).is_absolute() {
                v
            } else {
                root.join(v).display().to_string()
            }
        });
        let max_bad_ratio = match flags.max_bad_ratio {
            Some(r) => r,
            None => profile.f64_or("max_bad_ratio", 0.5)?,
        };
        let tracking_logs = profile
            .list("tracking_logs")?
            .into_iter()
            .map(|v| if Path::new(&v).is_absolute() { PathBuf::from(v) } else { root.join(v) })
            .collect();
        let mut tracking_patterns = profile.list("tracking_pattern")?;
        if tracking_patterns.is_empty() {
            tracking_patterns.push(DEFAULT_PATTERN.to_string());
        }
        Ok(Self {
            tracking_logs,
            tracking_patterns,
            tracking_undated_pattern: profile
                .get("tracking_undated_pattern")
                .unwrap_or(DEFAULT_UNDATED_PATTERN)
                .to_string(),
            expand_interval_days: profile.i64_or("expand_interval_days", 2)?,
            lms,
            warehouse: profile.path("warehouse", root).ok_or("the profile sets no warehouse")?,
            max_bad_ratio,
            ccx_enabled: profile.bool_or("ccx_enabled", false)?,
            allow_empty: flags.allow_empty,
            quiet: flags.quiet,
            geoip_database: profile.path("geoip_database", root),
            jobs: match flags.jobs {
                0 => std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
                n => n,
            },
        })
    }
}

/// How to reach a cluster's SSH gateway (profile keys `ssh_host`, `ssh_port`, `ssh_user`, `ssh_key`,
/// `ssh_known_hosts`). Key authentication only: no password is ever read from a profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayConfig {
    pub host: String,
    pub port: u16,
    pub user: String,
    /// Private key file (OpenSSH format, without a passphrase).
    pub key: PathBuf,
    pub known_hosts: PathBuf,
}

impl GatewayConfig {
    pub fn from_profile(profile: &Profile, root: &Path) -> Result<Self, String> {
        let need = |k: &str| profile.get(k).ok_or_else(|| format!("the profile sets no {k}"));
        let port = profile.i64_or("ssh_port", 22)?;
        Ok(Self {
            host: need("ssh_host")?.to_string(),
            port: u16::try_from(port).map_err(|_| format!("profile key `ssh_port` is not a port: {port}"))?,
            user: need("ssh_user")?.to_string(),
            key: home_path(need("ssh_key")?, root),
            known_hosts: home_path(profile.get("ssh_known_hosts").unwrap_or("~/.ssh/known_hosts"), root),
        })
    }
}

/// `~/x` from $HOME; relative paths from the project root.
fn home_path(v: &str, root: &Path) -> PathBuf {
    match (v.strip_prefix("~/"), std::env::var_os("HOME")) {
        (Some(rest), Some(home)) => PathBuf::from(home).join(rest),
        _ if Path::new(v).is_absolute() => PathBuf::from(v),
        _ => root.join(v),
    }
}

/// How LMS tables reach a cluster's warehouse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LmsImport {
    /// The bundle's Sqoop command lines, run on the gateway.
    Sqoop,
    /// edxc reads the tables itself (from `lms`, as the embedded engine does) and writes them as Hive text.
    Direct { lms: String },
}

/// Where the Hive engine finds and puts things (secrets already substituted).
#[derive(Debug, Clone)]
pub struct HiveConfig {
    pub gateway: GatewayConfig,
    /// The command that runs a HiveQL file (`-f FILE` is appended): `hive`, `beeline -u jdbc:hive2://...`,
    /// `spark-sql`.
    pub cli: String,
    /// `file:///...` (the gateway's disk) or `hdfs://...`.
    pub warehouse: String,
    /// Where the bundle's ADD FILE finds edxc-map, and where a run uploads it.
    pub mapper_path: String,
    /// The edxc-map binary a run uploads to `mapper_path` (`mapper_binary`, else the one beside edxc).
    pub mapper_binary: Option<PathBuf>,
    /// A scratch directory on the gateway for each run's bundle.
    pub gateway_dir: String,
    pub lms_import: LmsImport,
}

impl HiveConfig {
    pub fn from_profile(profile: &Profile, root: &Path) -> Result<Self, String> {
        let need = |k: &str| profile.get(k).map(str::to_string).ok_or_else(|| format!("the profile sets no {k}"));
        let lms_import = match profile.get("lms_import").unwrap_or("sqoop") {
            "sqoop" => LmsImport::Sqoop,
            "direct" => {
                let v = profile.lms_source()?.ok_or("the profile sets no lms")?;
                let lms = if v.contains("://") || Path::new(&v).is_absolute() {
                    v
                } else {
                    root.join(v).display().to_string()
                };
                LmsImport::Direct { lms }
            }
            other => return Err(format!("profile key `lms_import` must be sqoop or direct, got `{other}`")),
        };
        let mapper_binary = match profile.get("mapper_binary") {
            Some(v) => Some(home_path(v, root)),
            None => std::env::current_exe().ok().and_then(|e| e.parent().map(|d| d.join("edxc-map"))),
        };
        Ok(Self {
            gateway: GatewayConfig::from_profile(profile, root)?,
            cli: profile.get("hive_cli").unwrap_or("hive").to_string(),
            warehouse: need("warehouse")?,
            mapper_path: need("mapper_path")?,
            mapper_binary: mapper_binary.filter(|p| p.is_file()),
            gateway_dir: profile.get("gateway_dir").unwrap_or("/tmp/edxc-runs").to_string(),
            lms_import,
        })
    }
}
