//! A run's staging area and the publish protocol that makes a run all-or-nothing for the warehouse.
//!
//! Every partition a run writes goes to `<warehouse>/.staging/<run_id>/data/<table>/dt=<value>/`; the run reads its
//! own staged partitions before the published ones. Publishing writes a journal, then swaps each staged partition
//! in with two renames (the old one moves to `backup/`). The caller then commits the result store and
//! [`Published::commit`]s (backups deleted) or [`Published::rollback`]s (backups restored). A run killed at any
//! point leaves its directory behind; [`recover`] at the start of the next run rolls an uncommitted publish back
//! and finishes a committed one, so the warehouse ends as one run or the other left it, never a mix.
//!
//! An engine that cannot write elsewhere than a table's own location (Hive's `INSERT OVERWRITE ... PARTITION`)
//! stages [`Staging::in_place`]: the journal and the backups are made BEFORE it writes, so the partitions it
//! writes are already "swapped in" and everything else (rollback, recovery, commit) is the same protocol.

use super::staged_files::{self, StagedFile};
use super::{dir_data, partition_dir, write_partition_dir, Fs, FsExt, Row, Warehouse, WarehouseRead};
use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Directory under the warehouse root holding the staging areas of runs.
pub const STAGING_DIR: &str = ".staging";

const JOURNAL: &str = "journal.json";
/// The files outside the warehouse a run stages (`staged_files`), listed before any is written.
const FILES: &str = "files.json";
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
    /// Files published outside the warehouse with the partitions.
    #[serde(default)]
    files: Vec<StagedFile>,
}

/// The staging area of one run. Dropped without publishing, it is removed and the warehouse is as it was.
pub struct Staging {
    wh: Warehouse,
    dir: PathBuf,
    run_id: String,
    /// Rows written per staged (table, dt).
    staged: BTreeMap<(String, String), u64>,
    /// Partitions written in place (their old contents set aside), with the journal already written.
    in_place: Option<Journal>,
    /// Files outside the warehouse, written beside their targets, swapped in by the publish.
    files: Vec<StagedFile>,
    armed: bool,
}

impl Staging {
    /// Creates the staging area of `run_id` under `root` (the published warehouse) on local disk.
    pub fn begin(root: &Path, run_id: &str) -> Result<Self> {
        Self::begin_on(&Warehouse::local(root), run_id)
    }

    /// Creates the staging area of `run_id` in the warehouse `wh`.
    pub fn begin_on(wh: &Warehouse, run_id: &str) -> Result<Self> {
        let fs = wh.fs.as_ref();
        let dir = wh.root.join(STAGING_DIR).join(run_id);
        if fs.exists(&dir)? {
            bail!("staging area {} already exists", fs.describe(&dir));
        }
        fs.create_dir_all(&dir.join("data"))?;
        fs.write(&dir.join(OWNER), owner_text().as_bytes())?;
        Ok(Self {
            wh: wh.clone(),
            dir,
            run_id: run_id.to_string(),
            staged: BTreeMap::new(),
            in_place: None,
            files: Vec::new(),
            armed: true,
        })
    }

    pub fn root(&self) -> &Path {
        &self.wh.root
    }

    /// The published warehouse this run stages for.
    pub fn warehouse(&self) -> &Warehouse {
        &self.wh
    }

    pub fn fs(&self) -> &Arc<dyn Fs> {
        &self.wh.fs
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
        if self.in_place.is_some() {
            bail!("this run writes its partitions in place; {table}/dt={dt} cannot also be staged");
        }
        let dir = self.staged_dir(table, dt);
        self.wh.fs.remove_all(&dir)?;
        let n = write_partition_dir(self.wh.fs.as_ref(), &dir, rows)?;
        crate::failpoint::hit(&format!("stage:{table}"))?;
        self.staged.insert((table.to_string(), dt.to_string()), n);
        Ok(n)
    }

    /// For an engine that writes partitions where they are published: journals `partitions` and sets the
    /// published ones aside, so that a failure from here on (or a crash, through [`recover`]) removes what the
    /// engine wrote and restores them. The engine then writes `partition_dir(root, table, dt)` itself and reports
    /// each with [`Staging::wrote_in_place`].
    pub fn in_place(&mut self, partitions: &[(String, String)]) -> Result<()> {
        if self.in_place.is_some() || !self.staged.is_empty() {
            bail!("a run stages its partitions one way only");
        }
        for (t, d) in partitions {
            check_part(t, d)?;
        }
        let journal = Journal {
            run_id: self.run_id.clone(),
            status: Status::Publishing,
            partitions: partitions.to_vec(),
            payload: serde_json::Value::Null,
            files: Vec::new(),
        };
        write_journal(self.wh.fs.as_ref(), &self.dir, &journal)?;
        self.in_place = Some(journal);
        for (table, dt) in partitions {
            set_aside(&self.wh, &self.dir, table, dt)
                .with_context(|| format!("cannot set partition {table}/dt={dt} aside"))?;
        }
        Ok(())
    }

    /// Records that the engine wrote partition `dt` of `table` in place, with `rows` rows.
    pub fn wrote_in_place(&mut self, table: &str, dt: &str, rows: u64) -> Result<()> {
        let journal = self.in_place.as_ref().ok_or_else(|| anyhow!("this run stages its partitions"))?;
        if !journal.partitions.iter().any(|(t, d)| t == table && d == dt) {
            bail!("partition {table}/dt={dt} was not set aside before it was written");
        }
        self.staged.insert((table.to_string(), dt.to_string()), rows);
        Ok(())
    }

    /// Stages files outside the warehouse (local paths), published with the partitions: each is written whole
    /// beside its target now; the target changes only when the run publishes. A target staged twice is an error.
    pub fn stage_files(&mut self, files: Vec<(PathBuf, Vec<u8>)>) -> Result<()> {
        let mut planned = Vec::with_capacity(files.len());
        for (target, _) in &files {
            if self.files.iter().chain(&planned).any(|f: &StagedFile| &f.target == target) {
                bail!("{} is written twice in this run", target.display());
            }
            planned.push(StagedFile::plan(target, &self.run_id)?);
        }
        let start = self.files.len();
        self.files.extend(planned);
        // Listed before anything is written, so the next run can remove what a killed one left.
        self.wh.fs.write(&self.dir.join(FILES), &serde_json::to_vec_pretty(&self.files)?)?;
        for (f, (_, bytes)) in self.files[start..].iter().zip(&files) {
            f.write(bytes)?;
        }
        Ok(())
    }

    /// Every staged partition with its row count, in (table, dt) order.
    pub fn staged(&self) -> impl Iterator<Item = (&str, &str, u64)> {
        self.staged.iter().map(|((t, d), n)| (t.as_str(), d.as_str(), *n))
    }

    /// Swaps every staged partition into the warehouse. On error the partitions already swapped are put back and
    /// the error returned. `payload` is kept in the journal for [`recover`] to hand back after a crash.
    pub fn publish(mut self, payload: serde_json::Value) -> Result<Published> {
        let fs = self.wh.fs.clone();
        self.armed = false;
        let files = std::mem::take(&mut self.files);
        if let Some(mut journal) = self.in_place.take() {
            journal.payload = payload;
            journal.files = files;
            let published = Published { wh: self.wh.clone(), dir: self.dir.clone(), journal, armed: true };
            write_journal(fs.as_ref(), &published.dir, &published.journal)?;
            crate::failpoint::hit("publish")?;
            return published.swap_files();
        }
        let partitions: Vec<(String, String)> = self.staged.keys().cloned().collect();
        let journal = Journal { run_id: self.run_id.clone(), status: Status::Publishing, partitions, payload, files };
        let published = Published { wh: self.wh.clone(), dir: self.dir.clone(), journal, armed: true };
        write_journal(fs.as_ref(), &published.dir, &published.journal)?;
        crate::failpoint::hit("publish")?;
        for (table, dt) in published.journal.partitions.clone() {
            if let Err(e) = swap_in(&published.wh, &published.dir, &table, &dt) {
                published.rollback().context("while undoing a failed publish")?;
                return Err(e.context(format!("cannot publish partition {table}/dt={dt}")));
            }
        }
        published.swap_files()
    }
}

impl WarehouseRead for Staging {
    fn partition_data(&self, table: &str, dt: &str) -> Result<super::DataFiles> {
        if self.in_place.is_none() && self.staged.contains_key(&(table.to_string(), dt.to_string())) {
            dir_data(self.wh.fs.as_ref(), &self.staged_dir(table, dt))
        } else {
            self.wh.partition_data(table, dt)
        }
    }

    fn read_file(&self, rel: &str) -> Result<Option<Vec<u8>>> {
        self.wh.read_file(rel)
    }

    fn describe_file(&self, rel: &str) -> String {
        self.wh.describe_file(rel)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.armed {
            if let Some(j) = &self.in_place {
                let _ = undo(&self.wh, &self.dir, &j.partitions);
            }
            let _ = staged_files::each(&self.files, StagedFile::discard);
            let _ = self.wh.fs.remove_all(&self.dir);
            remove_if_empty(self.wh.fs.as_ref(), &self.dir);
        }
    }
}

/// Removes `.staging` itself once no run uses it (it fails, harmlessly, while another run's area is there).
fn remove_if_empty(fs: &dyn Fs, run_dir: &Path) {
    if let Some(base) = run_dir.parent() {
        let _ = fs.remove_empty_dir(base);
    }
}

/// A publish whose partitions are in place; the caller commits or rolls back. Dropped undecided, it rolls back.
pub struct Published {
    wh: Warehouse,
    dir: PathBuf,
    journal: Journal,
    armed: bool,
}

impl Published {
    /// Swaps the run's files in after its partitions; on failure everything is undone.
    fn swap_files(self) -> Result<Self> {
        let swapped = crate::failpoint::hit("swap-files").and_then(|()| {
            self.journal
                .files
                .iter()
                .try_for_each(|f| f.swap_in().with_context(|| format!("cannot publish {}", f.target.display())))
        });
        match swapped {
            Ok(()) => Ok(self),
            Err(e) => {
                self.rollback().context("while undoing a failed publish")?;
                Err(e)
            }
        }
    }

    /// The new partitions stay: the journal says so (a crash from here on finishes the run rather than undoing
    /// it). The caller records the run, then [`Committed::finish`]es.
    pub fn commit(mut self) -> Result<Committed> {
        self.journal.status = Status::Committed;
        write_journal(self.wh.fs.as_ref(), &self.dir, &self.journal)?;
        self.armed = false;
        Ok(Committed { wh: self.wh.clone(), dir: self.dir.clone(), files: std::mem::take(&mut self.journal.files) })
    }

    /// Puts every old partition back and removes the new ones and the staging area.
    pub fn rollback(mut self) -> Result<()> {
        self.armed = false;
        staged_files::each(&self.journal.files, StagedFile::undo)?;
        undo(&self.wh, &self.dir, &self.journal.partitions)?;
        self.wh.fs.remove_all(&self.dir)?;
        remove_if_empty(self.wh.fs.as_ref(), &self.dir);
        Ok(())
    }
}

impl Drop for Published {
    fn drop(&mut self) {
        if self.armed {
            let _ = staged_files::each(&self.journal.files, StagedFile::undo);
            let _ = undo(&self.wh, &self.dir, &self.journal.partitions);
            let _ = self.wh.fs.remove_all(&self.dir);
            remove_if_empty(self.wh.fs.as_ref(), &self.dir);
        }
    }
}

/// A committed publish whose old partitions are still kept aside. Dropped unfinished, it stays on disk for
/// [`recover`] to finish (the caller's payload, e.g. the run's state records, is still in its journal).
pub struct Committed {
    wh: Warehouse,
    dir: PathBuf,
    files: Vec<StagedFile>,
}

impl Committed {
    /// Deletes the old partitions and the staging area.
    pub fn finish(self) -> Result<()> {
        crate::failpoint::hit("finish")?;
        staged_files::each(&self.files, StagedFile::finish)?;
        self.wh.fs.remove_all(&self.dir)?;
        remove_if_empty(self.wh.fs.as_ref(), &self.dir);
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
pub fn recover(wh: &Warehouse) -> Result<Vec<Recovered>> {
    let fs = wh.fs.as_ref();
    let base = wh.root.join(STAGING_DIR);
    let mut out = Vec::new();
    for entry in fs.list(&base)?.into_iter().filter(|e| e.is_dir) {
        let dir = base.join(&entry.name);
        if owner_alive(fs, &dir) {
            continue;
        }
        let run_id = entry.name.clone();
        let journal = read_journal(fs, &dir)?;
        // Files written beside their targets: those a publish swapped in are in its journal.
        let listed: Vec<StagedFile> = match fs.read(&dir.join(FILES))? {
            Some(bytes) => serde_json::from_slice(&bytes)
                .with_context(|| format!("unreadable file list in {}", fs.describe(&dir)))?,
            None => Vec::new(),
        };
        let outcome = match journal {
            None => {
                staged_files::each(&listed, StagedFile::discard)?;
                Recovered::Discarded { run_id }
            }
            Some(j) if j.status == Status::Publishing => {
                staged_files::each(&j.files, StagedFile::undo)?;
                staged_files::each(&listed, StagedFile::discard)?;
                undo(wh, &dir, &j.partitions)?;
                Recovered::RolledBack { run_id, partitions: j.partitions.len() }
            }
            Some(j) => {
                staged_files::each(&j.files, StagedFile::finish)?;
                Recovered::Finished { run_id, payload: j.payload }
            }
        };
        fs.remove_all(&dir)?;
        remove_if_empty(fs, &dir);
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

/// Moves the published partition (if any) to `backup/`.
fn set_aside(wh: &Warehouse, dir: &Path, table: &str, dt: &str) -> Result<()> {
    let fs = wh.fs.as_ref();
    let target = partition_dir(&wh.root, table, dt);
    let backup = partition_dir(&dir.join("backup"), table, dt);
    if fs.exists(&target)? {
        mkdir_parent(fs, &backup)?;
        fs.rename(&target, &backup)?;
    }
    Ok(())
}

/// Moves the published partition (if any) to `backup/` and the staged one into its place.
fn swap_in(wh: &Warehouse, dir: &Path, table: &str, dt: &str) -> Result<()> {
    let fs = wh.fs.as_ref();
    set_aside(wh, dir, table, dt)?;
    crate::failpoint::hit(&format!("swap:{table}"))?;
    let target = partition_dir(&wh.root, table, dt);
    let staged = partition_dir(&dir.join("data"), table, dt);
    mkdir_parent(fs, &target)?;
    fs.rename(&staged, &target)
}

/// Reverses [`swap_in`] (or [`set_aside`] and an in-place write) for each partition, whatever step it reached: a
/// partition whose staged copy is gone was swapped in or written in place (the copy in place is new and goes); a
/// backup is moved back.
fn undo(wh: &Warehouse, dir: &Path, partitions: &[(String, String)]) -> Result<()> {
    let fs = wh.fs.as_ref();
    for (table, dt) in partitions {
        let target = partition_dir(&wh.root, table, dt);
        let staged = partition_dir(&dir.join("data"), table, dt);
        let backup = partition_dir(&dir.join("backup"), table, dt);
        if !fs.exists(&staged)? && fs.exists(&target)? {
            fs.remove_all(&target)?;
        }
        if fs.exists(&backup)? {
            mkdir_parent(fs, &target)?;
            fs.rename(&backup, &target)?;
        }
    }
    Ok(())
}

fn mkdir_parent(fs: &dyn Fs, p: &Path) -> Result<()> {
    match p.parent() {
        Some(parent) => fs.create_dir_all(parent),
        None => Ok(()),
    }
}

/// Writes the journal atomically (temporary file, sync, rename).
fn write_journal(fs: &dyn Fs, dir: &Path, journal: &Journal) -> Result<()> {
    let tmp = dir.join(".journal.tmp");
    fs.write(&tmp, &serde_json::to_vec_pretty(journal)?)?;
    let target = dir.join(JOURNAL);
    // A rename onto an existing file is not atomic-replace on every filesystem (HDFS refuses it): the old journal
    // goes first. A crash between the two leaves only `.journal.tmp`, which [`read_journal`] prefers.
    fs.remove_all(&target)?;
    fs.rename(&tmp, &target).with_context(|| format!("cannot write the journal in {}", fs.describe(dir)))
}

/// The journal of a staging area: `.journal.tmp` when a crash came between writing it and renaming it (it is
/// the newer one, if it was written whole), else `journal.json`, else none.
fn read_journal(fs: &dyn Fs, dir: &Path) -> Result<Option<Journal>> {
    if let Some(bytes) = fs.read(&dir.join(".journal.tmp"))? {
        if let Ok(j) = serde_json::from_slice::<Journal>(&bytes) {
            return Ok(Some(j));
        }
    }
    match fs.read(&dir.join(JOURNAL))? {
        Some(bytes) => Ok(Some(
            serde_json::from_slice::<Journal>(&bytes)
                .with_context(|| format!("unreadable publish journal in {}", fs.describe(dir)))?,
        )),
        None => Ok(None),
    }
}

fn host_name() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname").map(|s| s.trim().to_string()).unwrap_or_default()
}

fn owner_text() -> String {
    format!("{} {}\n", host_name(), std::process::id())
}

/// Whether the process that owns a staging area is still running here (then it is not left behind).
fn owner_alive(fs: &dyn Fs, dir: &Path) -> bool {
    let Ok(Some(bytes)) = fs.read(&dir.join(OWNER)) else { return false };
    let text = String::from_utf8_lossy(&bytes);
    let mut parts = text.split_whitespace();
    let (Some(host), Some(pid)) = (parts.next(), parts.next()) else { return false };
    host == host_name() && pid != std::process::id().to_string() && Path::new("/proc").join(pid).is_dir()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::warehouse::{read_partition, LocalFs};

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
            files: vec![],
        };
        write_journal(&LocalFs, &dir, &journal).unwrap();
        swap_in(&Warehouse::local(root), &dir, "t", "d1").unwrap();
        std::fs::write(dir.join(OWNER), "elsewhere 1\n").unwrap();
        std::mem::forget(s);
        assert_eq!(read(root, "t", "d1"), vec![row("new")]);
        let r = recover(&Warehouse::local(root)).unwrap();
        assert_eq!(r, vec![Recovered::RolledBack { run_id: "r2".into(), partitions: 2 }]);
        assert_eq!(read(root, "t", "d1"), vec![row("old")]);
        assert!(!partition_dir(root, "t", "d2").exists());
        // A committed journal keeps the new partitions and hands back the payload.
        let mut s = Staging::begin(root, "r3").unwrap();
        s.write_partition("t", "d1", &[row("new")]).unwrap();
        let mut p = s.publish(serde_json::json!({"k": 1})).unwrap();
        p.journal.status = Status::Committed;
        write_journal(&LocalFs, &p.dir, &p.journal).unwrap();
        std::fs::write(p.dir.join(OWNER), "elsewhere 1\n").unwrap();
        p.armed = false;
        drop(p);
        let r = recover(&Warehouse::local(root)).unwrap();
        assert_eq!(r, vec![Recovered::Finished { run_id: "r3".into(), payload: serde_json::json!({"k": 1}) }]);
        assert_eq!(read(root, "t", "d1"), vec![row("new")]);
        assert!(recover(&Warehouse::local(root)).unwrap().is_empty());
    }

    #[test]
    fn a_live_owner_is_left_alone() {
        let tmp = tempfile::tempdir().unwrap();
        let s = Staging::begin(tmp.path(), "r1").unwrap();
        // Owned by this very process: treated as someone else's only when the pid differs, so fake a live one.
        std::fs::write(s.dir.join(OWNER), format!("{} 1\n", host_name())).unwrap();
        assert!(recover(&Warehouse::local(tmp.path())).unwrap().is_empty());
        assert!(s.dir.exists());
    }

    #[test]
    fn in_place_writes_roll_back_and_recover_like_staged_ones() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let mut s = Staging::begin(root, "r1").unwrap();
        s.write_partition("t", "d1", &[row("old")]).unwrap();
        s.publish(serde_json::Value::Null).unwrap().commit().unwrap().finish().unwrap();
        let parts = vec![("t".to_string(), "d1".to_string()), ("t".to_string(), "d2".to_string())];
        // Dropped after writing in place: the old partition is back, the new one gone.
        let mut s = Staging::begin(root, "r2").unwrap();
        s.in_place(&parts).unwrap();
        assert!(read(root, "t", "d1").is_empty(), "the published partition is set aside");
        write_partition_dir(&LocalFs, &partition_dir(root, "t", "d1"), &[row("new")]).unwrap();
        write_partition_dir(&LocalFs, &partition_dir(root, "t", "d2"), &[row("new")]).unwrap();
        assert!(s.wrote_in_place("t", "d3", 1).is_err(), "only partitions set aside may be written");
        s.wrote_in_place("t", "d1", 1).unwrap();
        assert_eq!(s.read_partition("t", "d1", 1).unwrap(), vec![row("new")]);
        drop(s);
        assert_eq!(read(root, "t", "d1"), vec![row("old")]);
        assert!(!partition_dir(root, "t", "d2").exists());
        // Killed while writing: the next run's recover restores it.
        let mut s = Staging::begin(root, "r3").unwrap();
        s.in_place(&parts).unwrap();
        write_partition_dir(&LocalFs, &partition_dir(root, "t", "d2"), &[row("new")]).unwrap();
        std::fs::write(s.dir.join(OWNER), "elsewhere 1\n").unwrap();
        std::mem::forget(s);
        let r = recover(&Warehouse::local(root)).unwrap();
        assert_eq!(r, vec![Recovered::RolledBack { run_id: "r3".into(), partitions: 2 }]);
        assert_eq!(read(root, "t", "d1"), vec![row("old")]);
        assert!(!partition_dir(root, "t", "d2").exists());
        // Committed: the new partitions stay.
        let mut s = Staging::begin(root, "r4").unwrap();
        s.in_place(&parts).unwrap();
        write_partition_dir(&LocalFs, &partition_dir(root, "t", "d1"), &[row("new")]).unwrap();
        s.wrote_in_place("t", "d1", 1).unwrap();
        assert_eq!(s.staged().collect::<Vec<_>>(), vec![("t", "d1", 1)]);
        s.publish(serde_json::Value::Null).unwrap().commit().unwrap().finish().unwrap();
        assert_eq!(read(root, "t", "d1"), vec![row("new")]);
        assert!(!root.join(STAGING_DIR).exists());
    }

    #[test]
    fn files_outside_the_warehouse_publish_and_roll_back_with_the_partitions() {
        let tmp = tempfile::tempdir().unwrap();
        let root = &tmp.path().join("wh");
        let out = tmp.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let old = out.join("a.csv");
        std::fs::write(&old, "old").unwrap();
        let new = out.join("sub/b.csv");
        let files = || vec![(old.clone(), b"new a".to_vec()), (new.clone(), b"new b".to_vec())];
        let listing = || {
            let mut v: Vec<String> = walk(&out);
            v.sort();
            v
        };
        let before = listing();
        // Staged but not published (the run failed): nothing changes.
        let mut s = Staging::begin(root, "r1").unwrap();
        s.write_partition("t", "d1", &[row("x")]).unwrap();
        s.stage_files(files()).unwrap();
        assert!(s.stage_files(vec![(old.clone(), vec![])]).is_err(), "a file is written once per run");
        drop(s);
        assert_eq!(listing(), before);
        // Published, then the commit failed: rolled back.
        let mut s = Staging::begin(root, "r2").unwrap();
        s.stage_files(files()).unwrap();
        let p = s.publish(serde_json::Value::Null).unwrap();
        assert_eq!(std::fs::read_to_string(&new).unwrap(), "new b");
        p.rollback().unwrap();
        assert_eq!(listing(), before);
        // A run killed after its temporary files were written, before its publish: the next run removes them.
        let mut s = Staging::begin(root, "r3").unwrap();
        s.stage_files(files()).unwrap();
        let dir = s.dir.clone();
        std::fs::write(dir.join(OWNER), "elsewhere 1\n").unwrap();
        std::mem::forget(s);
        assert_ne!(listing(), before);
        assert_eq!(recover(&Warehouse::local(root)).unwrap(), vec![Recovered::Discarded { run_id: "r3".into() }]);
        assert_eq!(listing(), before);
        // Killed halfway through its publish (one file swapped in): rolled back by the next run.
        let mut s = Staging::begin(root, "r4").unwrap();
        s.stage_files(files()).unwrap();
        let dir = s.dir.clone();
        let staged = s.files.clone();
        let journal = Journal {
            run_id: "r4".into(),
            status: Status::Publishing,
            partitions: vec![],
            payload: serde_json::Value::Null,
            files: staged.clone(),
        };
        write_journal(&LocalFs, &dir, &journal).unwrap();
        staged[1].swap_in().unwrap();
        std::fs::write(dir.join(OWNER), "elsewhere 1\n").unwrap();
        std::mem::forget(s);
        recover(&Warehouse::local(root)).unwrap();
        assert_eq!(listing(), before);
        // Committed: the new files stay and the backups go.
        let mut s = Staging::begin(root, "r5").unwrap();
        s.stage_files(files()).unwrap();
        s.publish(serde_json::Value::Null).unwrap().commit().unwrap().finish().unwrap();
        assert_eq!(listing(), ["a.csv", "sub/", "sub/b.csv"]);
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "new a");
    }

    /// Every file below `dir`, relative.
    fn walk(dir: &Path) -> Vec<String> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p).into_iter().map(|r| format!("{}/{r}", e.file_name().to_string_lossy())));
                out.push(format!("{}/", e.file_name().to_string_lossy()));
            } else {
                out.push(e.file_name().to_string_lossy().into_owned());
            }
        }
        out
    }
}
