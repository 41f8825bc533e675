//! A run's staging area and the publish protocol that makes a run all-or-nothing for the warehouse.
//!
//! Every partition a run writes goes to `<warehouse>/.staging/<run_id>/data/<table>/dt=<value>/`; the run reads its
//! own staged partitions before the published ones. Publishing writes a journal, then swaps each staged partition
//! in with two renames (the old one moves to `backup/`). The caller then commits the result store and
//! [`Published::commit`]s (backups deleted) or [`Published::rollback`]s (backups restored). A run killed at any
//! point leaves its directory behind; [`recover`] at the start of the next run rolls an uncommitted publish back
//! and finishes a committed one, so the warehouse ends as one run or the other left it, never a mix.

use super::{partition_dir, read_partition, read_partition_dir, write_partition_dir, Row, WarehouseRead};
use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Directory under the warehouse root holding the staging areas of runs.
pub const STAGING_DIR: &str = ".staging";

const JOURNAL: &str = "journal.json";
const OWNER: &str = "owner";

/// What the journal of a publish says.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
enum Status {
    /// Partitions are being (or were) swapped in; the result store has not committed.
    Publishing,
    /// The result store committed: the new partitions stay.
    Committed,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Journal {
    run_id: String,
    status: Status,
    partitions: Vec<(String, String)>,
    /// What the caller needs to finish a committed publish after a crash (the run's state records).
    payload: serde_json::Value,
}

/// The staging area of one run. Dropped without publishing, it is removed and the warehouse is untouched.
pub struct Staging {
    root: PathBuf,
    dir: PathBuf,
    run_id: String,
    /// Rows written per staged (table, dt).
    staged: BTreeMap<(String, String), u64>,
    armed: bool,
}

impl Staging {
    /// Creates the staging area of `run_id` under `root` (the published warehouse).
    pub fn begin(root: &Path, run_id: &str) -> Result<Self> {
        let dir = root.join(STAGING_DIR).join(run_id);
        if dir.exists() {
            bail!("staging area {} already exists", dir.display());
        }
        std::fs::create_dir_all(dir.join("data")).with_context(|| format!("cannot create {}", dir.display()))?;
        std::fs::write(dir.join(OWNER), owner_text()).with_context(|| format!("cannot write {}", dir.display()))?;
        Ok(Self { root: root.to_path_buf(), dir, run_id: run_id.to_string(), staged: BTreeMap::new(), armed: true })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn run_id(&self) -> &str {
        &self.run_id
    }

    fn staged_dir(&self, table: &str, dt: &str) -> PathBuf {
        partition_dir(&self.dir.join("data"), table, dt)
    }

    /// Stages partition `dt` of `table` (replacing what this run staged for it before). Returns the rows written.
    pub fn write_partition(&mut self, table: &str, dt: &str, rows: &[Row]) -> Result<u64> {
        check_part(table, dt)?;
        let dir = self.staged_dir(table, dt);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)?;
        }
        let n = write_partition_dir(&dir, rows)?;
        crate::failpoint::hit(&format!("stage:{table}"))?;
        self.staged.insert((table.to_string(), dt.to_string()), n);
        Ok(n)
    }

    /// Every staged partition with its row count, in (table, dt) order.
    pub fn staged(&self) -> impl Iterator<Item = (&str, &str, u64)> {
        self.staged.iter().map(|((t, d), n)| (t.as_str(), d.as_str(), *n))
    }

    /// Swaps every staged partition into the warehouse. On error the partitions already swapped are put back and
    /// the error returned. `payload` is kept in the journal for [`recover`] to hand back after a crash.
    pub fn publish(mut self, payload: serde_json::Value) -> Result<Published> {
        let partitions: Vec<(String, String)> = self.staged.keys().cloned().collect();
        let journal = Journal { run_id: self.run_id.clone(), status: Status::Publishing, partitions, payload };
        write_journal(&self.dir, &journal)?;
        crate::failpoint::hit("publish")?;
        let published = Published { root: self.root.clone(), dir: self.dir.clone(), journal, armed: true };
        self.armed = false;
        for (table, dt) in published.journal.partitions.clone() {
            if let Err(e) = swap_in(&published.root, &published.dir, &table, &dt) {
                published.rollback().context("while undoing a failed publish")?;
                return Err(e.context(format!("cannot publish partition {table}/dt={dt}")));
            }
        }
        Ok(published)
    }
}

impl WarehouseRead for Staging {
    fn read_partition(&self, table: &str, dt: &str, width: usize) -> Result<Vec<Row>> {
        if self.staged.contains_key(&(table.to_string(), dt.to_string())) {
            read_partition_dir(&self.staged_dir(table, dt), width)
        } else {
            read_partition(&self.root, table, dt, width)
        }
    }

    fn file(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.armed {
            let _ = std::fs::remove_dir_all(&self.dir);
            remove_if_empty(&self.dir);
        }
    }
}

/// Removes `.staging` itself once no run uses it (it fails, harmlessly, while another run's area is there).
fn remove_if_empty(run_dir: &Path) {
    if let Some(base) = run_dir.parent() {
        let _ = std::fs::remove_dir(base);
    }
}

/// A publish whose partitions are in place; the caller commits or rolls back. Dropped undecided, it rolls back.
pub struct Published {
    root: PathBuf,
    dir: PathBuf,
    journal: Journal,
    armed: bool,
}

impl Published {
    /// The new partitions stay: the journal says so (a crash from here on finishes the run rather than undoing
    /// it). The caller records the run, then [`Committed::finish`]es.
    pub fn commit(mut self) -> Result<Committed> {
        self.journal.status = Status::Committed;
        write_journal(&self.dir, &self.journal)?;
        self.armed = false;
        Ok(Committed { dir: self.dir.clone() })
    }

    /// Puts every old partition back and removes the new ones and the staging area.
    pub fn rollback(mut self) -> Result<()> {
        self.armed = false;
        undo(&self.root, &self.dir, &self.journal.partitions)?;
        std::fs::remove_dir_all(&self.dir).with_context(|| format!("cannot remove {}", self.dir.display()))?;
        remove_if_empty(&self.dir);
        Ok(())
    }
}

impl Drop for Published {
    fn drop(&mut self) {
        if self.armed {
            let _ = undo(&self.root, &self.dir, &self.journal.partitions);
            let _ = std::fs::remove_dir_all(&self.dir);
            remove_if_empty(&self.dir);
        }
    }
}

/// A committed publish whose old partitions are still kept aside. Dropped unfinished, it stays on disk for
/// [`recover`] to finish (the caller's payload, e.g. the run's state records, is still in its journal).
pub struct Committed {
    dir: PathBuf,
}

impl Committed {
    /// Deletes the old partitions and the staging area.
    pub fn finish(self) -> Result<()> {
        crate::failpoint::hit("finish")?;
        std::fs::remove_dir_all(&self.dir).with_context(|| format!("cannot remove {}", self.dir.display()))?;
        remove_if_empty(&self.dir);
        Ok(())
    }
}

/// What [`recover`] did with one leftover staging area.
#[derive(Debug, Clone, PartialEq)]
pub enum Recovered {
    /// A run that never published: its staged partitions were discarded.
    Discarded { run_id: String },
    /// A publish that had not committed: the old partitions were restored.
    RolledBack { run_id: String, partitions: usize },
    /// A publish that had committed: cleaned up; `payload` is what the run asked to keep (its state records).
    Finished { run_id: String, payload: serde_json::Value },
}

/// Settles the staging areas that runs left behind (killed, or crashed), skipping those whose owner process is
/// still alive on this host.
pub fn recover(root: &Path) -> Result<Vec<Recovered>> {
    let base = root.join(STAGING_DIR);
    if !base.is_dir() {
        return Ok(vec![]);
    }
    let mut out = Vec::new();
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&base)
        .with_context(|| format!("cannot list {}", base.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        if owner_alive(&dir) {
            continue;
        }
        let run_id = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let journal = match std::fs::read(dir.join(JOURNAL)) {
            Ok(bytes) => Some(
                serde_json::from_slice::<Journal>(&bytes)
                    .with_context(|| format!("unreadable publish journal in {}", dir.display()))?,
            ),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(anyhow!("cannot read the publish journal in {}: {e}", dir.display())),
        };
        let outcome = match journal {
            None => Recovered::Discarded { run_id },
            Some(j) if j.status == Status::Publishing => {
                undo(root, &dir, &j.partitions)?;
                Recovered::RolledBack { run_id, partitions: j.partitions.len() }
            }
            Some(j) => Recovered::Finished { run_id, payload: j.payload },
        };
        std::fs::remove_dir_all(&dir).with_context(|| format!("cannot remove {}", dir.display()))?;
        remove_if_empty(&dir);
        out.push(outcome);
    }
    Ok(out)
}

fn check_part(table: &str, dt: &str) -> Result<()> {
    let bad = |s: &str| s.is_empty() || s.contains('/') || s.contains("..") || s.starts_with('.');
    if bad(table) || bad(dt) {
        bail!("invalid partition {table}/dt={dt}");
    }
    Ok(())
}

/// Moves the published partition (if any) to `backup/` and the staged one into its place.
fn swap_in(root: &Path, dir: &Path, table: &str, dt: &str) -> Result<()> {
    let target = partition_dir(root, table, dt);
    let staged = partition_dir(&dir.join("data"), table, dt);
    let backup = partition_dir(&dir.join("backup"), table, dt);
    if target.exists() {
        mkdir_parent(&backup)?;
        std::fs::rename(&target, &backup).with_context(|| format!("cannot move {} aside", target.display()))?;
    }
    crate::failpoint::hit(&format!("swap:{table}"))?;
    mkdir_parent(&target)?;
    std::fs::rename(&staged, &target).with_context(|| format!("cannot move a partition into {}", target.display()))
}

/// Reverses [`swap_in`] for each partition, whatever step it reached: a partition whose staged copy is gone was
/// swapped in (the copy in place is new and goes); a backup is moved back.
fn undo(root: &Path, dir: &Path, partitions: &[(String, String)]) -> Result<()> {
    for (table, dt) in partitions {
        let target = partition_dir(root, table, dt);
        let staged = partition_dir(&dir.join("data"), table, dt);
        let backup = partition_dir(&dir.join("backup"), table, dt);
        if !staged.exists() && target.exists() {
            std::fs::remove_dir_all(&target).with_context(|| format!("cannot remove {}", target.display()))?;
        }
        if backup.exists() {
            mkdir_parent(&target)?;
            std::fs::rename(&backup, &target).with_context(|| format!("cannot restore {}", target.display()))?;
        }
    }
    Ok(())
}

fn mkdir_parent(p: &Path) -> Result<()> {
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Ok(())
}

/// Writes the journal atomically (temporary file, sync, rename).
fn write_journal(dir: &Path, journal: &Journal) -> Result<()> {
    let tmp = dir.join(".journal.tmp");
    let mut f = std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?;
    f.write_all(&serde_json::to_vec_pretty(journal)?)?;
    f.sync_all()?;
    std::fs::rename(&tmp, dir.join(JOURNAL)).with_context(|| format!("cannot write the journal in {}", dir.display()))
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map(|s| s.trim().to_string()).unwrap_or_default()
}

fn owner_text() -> String {
    format!("{} {}\n", host_name(), std::process::id())
}

/// Whether the process that owns a staging area is still running here (then it is not left behind).
fn owner_alive(dir: &Path) -> bool {
    let Ok(text) = std::fs::read_to_string(dir.join(OWNER)) else { return false };
    let mut parts = text.split_whitespace();
    let (Some(host), Some(pid)) = (parts.next(), parts.next()) else { return false };
    host == host_name() && pid != std::process::id().to_string() && Path::new("/proc").join(pid).is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(s: &str) -> Row {
        vec![Some(s.to_string())]
    }

    fn read(root: &Path, table: &str, dt: &str) -> Vec<Row> {
        read_partition(root, table, dt, 1).unwrap()
    }

    #[test]
    fn reads_own_writes_and_publishes_together() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let mut s = Staging::begin(root, "r1").unwrap();
        s.write_partition("t", "2020-01-01", &[row("a")]).unwrap();
        assert_eq!(s.read_partition("t", "2020-01-01", 1).unwrap(), vec![row("a")]);
        assert!(read(root, "t", "2020-01-01").is_empty(), "nothing published before publish");
        s.publish(serde_json::Value::Null).unwrap().commit().unwrap().finish().unwrap();
        assert_eq!(read(root, "t", "2020-01-01"), vec![row("a")]);
        assert!(!root.join(STAGING_DIR).join("r1").exists());
    }

    #[test]
    fn rollback_and_drop_restore_the_old_partitions() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let mut s = Staging::begin(root, "r1").unwrap();
        s.write_partition("t", "d1", &[row("old")]).unwrap();
        s.publish(serde_json::Value::Null).unwrap().commit().unwrap().finish().unwrap();
        let mut s = Staging::begin(root, "r2").unwrap();
        s.write_partition("t", "d1", &[row("new")]).unwrap();
        s.write_partition("t", "d2", &[row("new")]).unwrap();
        let p = s.publish(serde_json::Value::Null).unwrap();
        assert_eq!(read(root, "t", "d1"), vec![row("new")]);
        p.rollback().unwrap();
        assert_eq!(read(root, "t", "d1"), vec![row("old")]);
        assert!(!partition_dir(root, "t", "d2").exists());
        let mut s = Staging::begin(root, "r3").unwrap();
        s.write_partition("t", "d1", &[row("new")]).unwrap();
        drop(s.publish(serde_json::Value::Null).unwrap());
        assert_eq!(read(root, "t", "d1"), vec![row("old")]);
    }

    #[test]
    fn recover_undoes_an_uncommitted_publish_and_finishes_a_committed_one() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let mut s = Staging::begin(root, "r1").unwrap();
        s.write_partition("t", "d1", &[row("old")]).unwrap();
        s.publish(serde_json::Value::Null).unwrap().commit().unwrap().finish().unwrap();
        // A run killed halfway through its publish: one partition swapped, one not.
        let mut s = Staging::begin(root, "r2").unwrap();
        s.write_partition("t", "d1", &[row("new")]).unwrap();
        s.write_partition("t", "d2", &[row("new")]).unwrap();
        let dir = s.dir.clone();
        let journal = Journal {
            run_id: "r2".into(),
            status: Status::Publishing,
            partitions: vec![("t".into(), "d1".into()), ("t".into(), "d2".into())],
            payload: serde_json::Value::Null,
        };
        write_journal(&dir, &journal).unwrap();
        swap_in(root, &dir, "t", "d1").unwrap();
        std::fs::write(dir.join(OWNER), "elsewhere 1\n").unwrap();
        std::mem::forget(s);
        assert_eq!(read(root, "t", "d1"), vec![row("new")]);
        let r = recover(root).unwrap();
        assert_eq!(r, vec![Recovered::RolledBack { run_id: "r2".into(), partitions: 2 }]);
        assert_eq!(read(root, "t", "d1"), vec![row("old")]);
        assert!(!partition_dir(root, "t", "d2").exists());
        // A committed journal keeps the new partitions and hands back the payload.
        let mut s = Staging::begin(root, "r3").unwrap();
        s.write_partition("t", "d1", &[row("new")]).unwrap();
        let mut p = s.publish(serde_json::json!({"k": 1})).unwrap();
        p.journal.status = Status::Committed;
        write_journal(&p.dir, &p.journal).unwrap();
        std::fs::write(p.dir.join(OWNER), "elsewhere 1\n").unwrap();
        p.armed = false;
        drop(p);
        let r = recover(root).unwrap();
        assert_eq!(r, vec![Recovered::Finished { run_id: "r3".into(), payload: serde_json::json!({"k": 1}) }]);
        assert_eq!(read(root, "t", "d1"), vec![row("new")]);
        assert!(recover(root).unwrap().is_empty());
    }

    #[test]
    fn a_live_owner_is_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::begin(tmp.path(), "r1").unwrap();
        // Owned by this very process: treated as someone else's only when the pid differs, so fake a live one.
        std::fs::write(s.dir.join(OWNER), format!("{} 1\n", host_name())).unwrap();
        assert!(recover(tmp.path()).unwrap().is_empty());
        assert!(s.dir.exists());
    }
}
