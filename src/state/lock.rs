//! One run at a time per warehouse: `edxc apply` holds `<warehouse>/.edxc-lock` from before it settles earlier runs
//! until it has published. A second run fails at once and names the holder. A holder that died on this host is
//! detected (its process is gone) and its lock taken over; one on another host is released with
//! `edxc state unlock RUN_ID` once the operator knows it is dead.

use crate::warehouse::{Fs, Warehouse};
use anyhow::{bail, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
pub struct Lock {
    fs: Arc<dyn Fs>,
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

/// Takes the lock of `wh` for `run_id`, or fails naming the run that holds it.
pub fn acquire(wh: &Warehouse, run_id: &str) -> Result<Lock> {
    let fs = wh.fs.as_ref();
    fs.create_dir_all(&wh.root)?;
    let path = lock_path(&wh.root);
    let me = Holder {
        run_id: run_id.to_string(),
        host: host_name(),
        pid: std::process::id(),
        since: chrono::Utc::now().format("%Y-%m-%d %H:%M:%S").to_string(),
    };
    let mut took_over = None;
    for _ in 0..2 {
        if fs.create_new(&path, &serde_json::to_vec(&me)?)? {
            return Ok(Lock { fs: wh.fs.clone(), path, took_over });
        }
        match read(fs, &path)? {
            Some(h) if h.host == host_name() && !alive_here(&h) => {
                // Its process is gone: the lock is stale. Remove it and try again (once).
                fs.remove_all(&path)?;
                took_over = Some(h);
            }
            Some(h) => bail!(
                "another edxc run holds the warehouse {}: {h}; if that run is dead, release it with \
                 `edxc state unlock {}`",
                wh.describe(),
                h.run_id
            ),
            None => bail!(
                "the lock file {} is unreadable; remove it if no edxc run is using this warehouse",
                fs.describe(&path)
            ),
        }
    }
    bail!("cannot take the lock {} (another run took it meanwhile)", fs.describe(&path))
}

/// The current holder, if any.
pub fn holder(wh: &Warehouse) -> Result<Option<Holder>> {
    read(wh.fs.as_ref(), &lock_path(&wh.root))
}

fn read(fs: &dyn Fs, path: &Path) -> Result<Option<Holder>> {
    Ok(fs.read(path)?.and_then(|bytes| serde_json::from_slice(&bytes).ok()))
}

/// Releases the lock held by `run_id` (refused when another run holds it, or when the holder still runs here).
pub fn unlock(wh: &Warehouse, run_id: &str) -> Result<Holder> {
    let path = lock_path(&wh.root);
    let Some(h) = read(wh.fs.as_ref(), &path)? else { bail!("no run holds the warehouse {}", wh.describe()) };
    if h.run_id != run_id {
        bail!("the warehouse {} is held by {h}, not by run {run_id}", wh.describe());
    }
    if alive_here(&h) {
        bail!("{h} is still running on this host; stop it first");
    }
    wh.fs.remove_all(&path)?;
    Ok(h)
}

impl std::fmt::Debug for Lock {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lock").field("path", &self.path).field("took_over", &self.took_over).finish()
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.fs.remove_all(&self.path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_holder_at_a_time_and_dead_holders_are_detected() {
        let tmp = tempfile::tempdir().unwrap();
        let wh = &Warehouse::local(tmp.path());
        let lock = acquire(wh, "r1").unwrap();
        assert!(lock.took_over.is_none());
        // The lock is ours, so a second acquire from this process must be refused while we hold it.
        let e = acquire(wh, "r2").unwrap_err().to_string();
        assert!(e.contains("run r1") && e.contains("edxc state unlock r1"), "{e}");
        drop(lock);
        assert_eq!(holder(wh).unwrap(), None);
        // A holder on this host whose process is gone.
        let dead = Holder { run_id: "old".into(), host: host_name(), pid: u32::MAX - 1, since: "x".into() };
        std::fs::write(lock_path(&wh.root), serde_json::to_vec(&dead).unwrap()).unwrap();
        let lock = acquire(wh, "r3").unwrap();
        assert_eq!(lock.took_over, Some(dead));
        drop(lock);
        // A holder on another host: refused until unlocked by its run id.
        let remote = Holder { run_id: "far".into(), host: "elsewhere".into(), pid: 1, since: "x".into() };
        std::fs::write(lock_path(&wh.root), serde_json::to_vec(&remote).unwrap()).unwrap();
        assert!(acquire(wh, "r4").unwrap_err().to_string().contains("host elsewhere"));
        assert!(unlock(wh, "other").is_err());
        assert_eq!(unlock(wh, "far").unwrap(), remote);
        acquire(wh, "r5").unwrap();
    }
}
