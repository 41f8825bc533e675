//! Each engine's settings, built from the profile in one place (the CLI passes only what the command line says).
//! Secrets are resolved here, so only commands that run an engine call these builders.

use crate::config::profile::Profile;
use crate::config::secret;
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
}

/// Where the embedded engine finds and puts things (secrets already substituted).
#[derive(Debug, Clone)]
pub struct EmbeddedConfig {
    pub tracking_logs: Option<PathBuf>,
    pub tracking_pattern: String,
    pub tracking_undated_pattern: String,
    pub expand_interval_days: i64,
    pub lms: Option<String>,
    pub warehouse: PathBuf,
    pub max_bad_ratio: f64,
    pub ccx_enabled: bool,
    /// Accept a run that reads no file, or no rows where earlier runs had rows.
    pub allow_empty: bool,
}

impl EmbeddedConfig {
    /// Reads the profile; relative paths are taken from `root` (the project directory).
    pub fn from_profile(profile: &Profile, root: &Path, flags: &RunFlags) -> Result<Self, String> {
        let lms = match profile.get("lms") {
            Some(v) => {
                let v = secret::resolve(v)?;
                Some(if v.contains("://") || Path::new(&v).is_absolute() {
                    v
                } else {
                    root.join(v).display().to_string()
                })
            }
            None => None,
        };
        let max_bad_ratio = match flags.max_bad_ratio {
            Some(r) => r,
            None => profile.f64_or("max_bad_ratio", 0.5)?,
        };
        Ok(Self {
            tracking_logs: profile.path("tracking_logs", root),
            tracking_pattern: profile.get("tracking_pattern").unwrap_or(DEFAULT_PATTERN).to_string(),
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
        })
    }
}
