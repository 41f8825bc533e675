//! What a cluster task's source reads now, as a digest (`state::freshness`), so an apply right after an apply does
//! nothing on a cluster too: the tracking-log files of a map's window as the cluster's filesystem lists them
//! (path, size, modification time; through the gateway for `file://`, the NameNode for `hdfs://`), selected by the
//! same rules as the embedded engine's ([`crate::engine::log_files`]); for an LMS table, what names it.

use super::ssh::Gateway;
use crate::config::engine_config::GatewayConfig;
use crate::config::profile::Profile;
use crate::engine::log_files;
use crate::graph::{Task, TaskKind};
use crate::warehouse::Fs;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

pub fn source_digest(profile: &Profile, root: &Path, t: &Task) -> Result<Option<String>> {
    match &t.kind {
        // A cluster bundle stages only `tracking_logs` (not a pipeline's own log directories): that is what it reads.
        TaskKind::Map { window, include, .. } => {
            let urls = profile.list("tracking_logs").map_err(anyhow::Error::msg)?;
            if urls.is_empty() {
                return Ok(None);
            }
            let mut patterns = profile.list("tracking_pattern").map_err(anyhow::Error::msg)?;
            if patterns.is_empty() {
                patterns.push(log_files::DEFAULT_PATTERN.to_string());
            }
            let patterns = patterns
                .iter()
                .map(|p| regex::Regex::new(p))
                .collect::<Result<Vec<_>, _>>()
                .context("tracking_pattern")?;
            let undated = regex::Regex::new(
                profile.get("tracking_undated_pattern").unwrap_or(log_files::DEFAULT_UNDATED_PATTERN),
            )
            .context("tracking_undated_pattern")?;
            let expand = profile.i64_or("expand_interval_days", 2).map_err(anyhow::Error::msg)?;
            let mut listed = Vec::new();
            for url in &urls {
                let (fs, dir) = open(profile, root, url)?;
                listed.extend(match window {
                    Some(w) => {
                        log_files::select_files_on(fs.as_ref(), &[dir], &patterns, Some(&undated), Some(w), expand)?.0
                    }
                    None => {
                        let globs = crate::config::include::compile(include).map_err(anyhow::Error::msg)?;
                        log_files::select_included_on(fs.as_ref(), &dir, &globs)?.0
                    }
                });
            }
            Ok(Some(log_files::digest(&listed)))
        }
        // Sqoop reads the LMS database: the import is the day's snapshot (a partition of its own each day).
        TaskKind::ImportLms { lms_table } if profile.get("lms_import").unwrap_or("sqoop") == "sqoop" => {
            Ok(Some(format!("sqoop {} {lms_table}", profile.get("lms_jdbc").unwrap_or_default())))
        }
        // `direct`: edxc copies the table from `lms`, as the embedded engine reads it.
        TaskKind::ImportLms { .. } => (crate::engine::embedded::KIND.source_digest)(profile, root, t),
        _ => Ok(None),
    }
}

/// The filesystem holding `url` (`file://` on the gateway, `hdfs://`) and the path in it. One gateway connection
/// serves every task of a plan.
fn open(profile: &Profile, root: &Path, url: &str) -> Result<(Arc<dyn Fs>, PathBuf)> {
    if url.starts_with("hdfs://") {
        let (fs, path) = crate::warehouse::hdfs::connect(url)?;
        return Ok((Arc::new(fs), path));
    }
    let Some(path) = url.strip_prefix("file://").filter(|p| p.starts_with('/')) else {
        anyhow::bail!("tracking_logs `{url}`: a cluster's logs are at a file:///... or hdfs:// URL");
    };
    static GATEWAY: Mutex<Option<(String, Arc<Gateway>)>> = Mutex::new(None);
    let config = GatewayConfig::from_profile(profile, root).map_err(anyhow::Error::msg)?;
    let key = format!("{}@{}:{}", config.user, config.host, config.port);
    let mut cached = GATEWAY.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let gw = match cached.as_ref().filter(|(k, _)| *k == key) {
        Some((_, gw)) => gw.clone(),
        None => {
            let gw = Arc::new(Gateway::connect(&config)?);
            *cached = Some((key, gw.clone()));
            gw
        }
    };
    Ok((Arc::new(super::sftp_fs::SftpFs::new(gw)?), PathBuf::from(path)))
}
