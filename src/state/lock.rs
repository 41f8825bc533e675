//! One run at a time per warehouse: `edxc apply` holds `<warehouse>/.edxc-lock` from before it settles earlier runs
//! until it has published. A second run fails at once and names the holder. A holder that died on this host is
//! detected (its process is gone) and its lock taken over; one on another host is released with
//! `edxc state unlock RUN_ID` once the operator knows it is dead.

use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::io::Write;
use std::path::{Path, PathBuf};

const LOCK_FILE: &str = ".edxc-lock";

/// Who holds the lock.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Holder {
    pub run_id: String,
    pub host: String,
    pub pid: u32,
    /// UTC, `YYYY-MM-DD HH:MM:SS`.
    pub since: String,
}

impl std::fmt::Display for Holder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "run {} (host {}, pid {}, since {} UTC)", self.run_id, self.host, self.pid, self.since)
    }
}

/// A held lock; released when dropped.
#[derive(Debug)]
pub struct Lock {
    path: PathBuf,
    /// A holder found dead and replaced, to report.
    pub took_over: Option<Holder>,
}

fn lock_path(warehouse: &Path) -> PathBuf {
    warehouse.join(LOCK_FILE)
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map(|s| s.trim().to_string()).unwrap_or_default()
}

fn alive_here(h: &Holder) -> bool {
    h.host == host_name() && Path::new("/proc").join(h.pid.to_string()).is_dir()
}

/// Takes the lock of `warehouse` for `run_id`, or fails naming the run that holds it.
pub fn acquire(warehouse: &Path, run_id: &str) -> Result<Lock> {
    std::fs::create_dir_all(warehouse).with_context(|| format!("cannot create {}", warehouse.display()))?;
    let path = lock_path(warehouse);
    let me = Holder {
        run_id: run_id.to_string(),
        host: host_name(),
        pid: std::process::id(),
        since: chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string(),
    };
    let mut took_over = None;
    for _ in 0..2 {
        match std::fs::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(mut f) => {
                f.write_all(&serde_json::to_vec(&me)?)?;
                f.sync_all()?;
                return Ok(Lock { path, took_over });
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let holder = read(&path)?;
                match holder {
                    Some(h) if h.host == host_name() && !alive_here(&h) => {
                        // Its process is gone: the lock is stale. Remove it and try again (once).
                        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
                        took_over = Some(h);
                    }
                    Some(h) => bail!(
                        "another edxc run holds the warehouse {}: {h}; if that run is dead, release it with \
                         `edxc state unlock {}`",
                        warehouse.display(),
                        h.run_id
                    ),
                    None => bail!(
                        "the lock file {} is unreadable; remove it if no edxc run is using this warehouse",
                        path.display()
                    ),
                }
            }
            Err(e) => return Err(e).with_context(|| format!("cannot create the lock file {}", path.display())),
        }
    }
    bail!("cannot take the lock {} (another run took it meanwhile)", path.display())
}

/// The current holder, if any.
pub fn holder(warehouse: &Path) -> Result<Option<Holder>> {
    read(&lock_path(warehouse))
}

fn read(path: &Path) -> Result<Option<Holder>> {
    match std::fs::read(path) {
        Ok(bytes) => Ok(serde_json::from_slice(&bytes).ok()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e).with_context(|| format!("cannot read the lock file {}", path.display())),
    }
}

/// Releases the lock held by `run_id` (refused when another run holds it, or when the holder still runs here).
pub fn unlock(warehouse: &Path, run_id: &str) -> Result<Holder> {
    let path = lock_path(warehouse);
    let Some(h) = read(&path)? else { bail!("no run holds the warehouse {}", warehouse.display()) };
    if h.run_id != run_id {
        bail!("the warehouse {} is held by {h}, not by run {run_id}", warehouse.display());
    }
    if alive_here(&h) {
        bail!("{h} is still running on this host; stop it first");
    }
    std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    Ok(h)
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_dead_holders_are_detected() {
        let tmp = tempfile::tempdir().unwrap();
        let wh = tmp.path();
        let lock = acquire(wh, "r1").unwrap();
        assert!(lock.took_over.is_none());
        // The lock is ours, so a second acquire from this process must be refused while we hold it.
        let e = acquire(wh, "r2").unwrap_err().to_string();
        assert!(e.contains("run r1") && e.contains("edxc state unlock r1"), "{e}");
        drop(lock);
        assert_eq!(holder(wh).unwrap(), None);
        // A holder on this host whose process is gone.
        let dead = Holder { run_id: "old".into(), host: host_name(), pid: u32::MAX - 1, since: "x".into() };
        std::fs::write(lock_path(wh), serde_json::to_vec(&dead).unwrap()).unwrap();
        let lock = acquire(wh, "r3").unwrap();
        assert_eq!(lock.took_over, Some(dead));
        drop(lock);
        // A holder on another host: refused until unlocked by its run id.
        let remote = Holder { run_id: "far".into(), host: "elsewhere".into(), pid: 1, since: "x".into() };
        std::fs::write(lock_path(wh), serde_json::to_vec(&remote).unwrap()).unwrap();
        assert!(acquire(wh, "r4").unwrap_err().to_string().contains("host elsewhere"));
        assert!(unlock(wh, "other").is_err());
        assert_eq!(unlock(wh, "far").unwrap(), remote);
        acquire(wh, "r5").unwrap();
    }
}
