//! A run's staging area and the publish protocol that makes a run all-or-nothing for the warehouse.
//!
//! Every partition a run writes goes to `<warehouse>/.staging/<run_id>/data/<table>/dt=<value>/`; the run reads its
//! own staged partitions before the published ones. Publishing writes a journal, then swaps each staged partition
//! in with two renames (the old one moves to `backup/`). The caller then commits the result store and
//! [`Published::commit`]s (backups deleted) or [`Published::rollback`]s (backups restored). A run killed at any
//! point leaves its directory behind; [`recover`] at the start of the next run rolls an uncommitted publish back
//! and finishes a committed one, so the warehouse ends as one run or the other left it, never a mix.
//!
//! Files a run writes outside the warehouse (a `files` sink's, on the warehouse's filesystem) take part in the same
//! protocol: each
//! is staged as a hidden temporary file next to its target ([`Staging::stage_file`]), listed in the staging area,
//! renamed into place by the publish (an existing file of that name set aside as a hidden backup), put back by a
//! rollback, and the backups deleted when the run finishes.
//!
//! An engine that cannot write elsewhere than a table's own location (Hive's `INSERT OVERWRITE ... PARTITION`)
//! stages [`Staging::in_place`]: the journal and the backups are made BEFORE it writes, so the partitions it
//! writes are already "swapped in" and everything else (rollback, recovery, commit) is the same protocol.

use super::{dir_data, partition_dir, write_partition_dir, Fs, FsExt, Row, Warehouse, WarehouseRead};
use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Directory under the warehouse root holding the staging areas of runs.
pub const STAGING_DIR: &str = ".staging";

const JOURNAL: &str = "journal.json";
const OWNER: &str = "owner";
/// The files a run has staged outside the warehouse so far, so that a killed run's temporary files are removed.
const FILES: &str = "files.json";

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
    /// Files published outside the warehouse.
    #[serde(default)]
    files: Vec<StagedFile>,
}

/// A file staged outside the warehouse: its target, the temporary file holding the new bytes, and where the file
/// it replaces is kept until the run finishes (all in the target's directory, on the warehouse's filesystem).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
struct StagedFile {
    target: PathBuf,
    temp: PathBuf,
    backup: PathBuf,
    /// On local disk whatever the warehouse's filesystem (a `csv` sink's files, [`Staging::stage_local_file`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    local: bool,
}

impl StagedFile {
    /// The filesystem the file is on: local disk, or the warehouse's.
    fn fs<'a>(&self, warehouse: &'a dyn Fs) -> &'a dyn Fs {
        static LOCAL: super::LocalFs = super::LocalFs;
        if self.local {
            &LOCAL
        } else {
            warehouse
        }
    }
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
    /// Files staged outside the warehouse, in the order they were staged.
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
        let dir = self.partition_to_stage(table, dt)?;
        let n = write_partition_dir(self.wh.fs.as_ref(), &dir, rows)?;
        self.staged_partition(table, dt, n)
    }

    /// [`Staging::write_partition`] of `rows` rows already encoded as Hive text lines.
    pub fn write_partition_text(&mut self, table: &str, dt: &str, text: &[u8], rows: u64) -> Result<u64> {
        let dir = self.partition_to_stage(table, dt)?;
        super::write_partition_dir_text(self.wh.fs.as_ref(), &dir, text)?;
        self.staged_partition(table, dt, rows)
    }

    /// Starts staging partition `dt` of `table` (emptied) for a writer that writes its text a piece at a time and
    /// may add side files ([`Staging::write_partition_file`]); [`Staging::finish_partition`] completes it.
    pub fn start_partition(&mut self, table: &str, dt: &str) -> Result<Box<dyn super::FileWriter>> {
        let dir = self.partition_to_stage(table, dt)?;
        self.wh.fs.create_dir_all(&dir)?;
        let text = self.wh.fs.create(&dir.join(super::PART_FILE))?;
        self.staged.insert((table.to_string(), dt.to_string()), 0);
        Ok(text)
    }

    /// Completes a partition begun with [`Staging::start_partition`]: its text (`rows` rows) made durable, then its
    /// `_SUCCESS`, keeping the side files written since. Returns the rows written.
    pub fn finish_partition(
        &mut self,
        table: &str,
        dt: &str,
        text: Box<dyn super::FileWriter>,
        rows: u64,
    ) -> Result<u64> {
        if !self.staged.contains_key(&(table.to_string(), dt.to_string())) || self.in_place.is_some() {
            bail!("partition {table}/dt={dt} is not staged by this run");
        }
        text.finish(self.wh.fs.as_ref())?;
        self.wh.fs.write(&self.staged_dir(table, dt).join(super::SUCCESS), b"")?;
        self.staged_partition(table, dt, rows)
    }

    /// The (emptied) directory partition `dt` of `table` is staged in.
    fn partition_to_stage(&self, table: &str, dt: &str) -> Result<PathBuf> {
        check_part(table, dt)?;
        if self.in_place.is_some() {
            bail!("this run writes its partitions in place; {table}/dt={dt} cannot also be staged");
        }
        let dir = self.staged_dir(table, dt);
        self.wh.fs.remove_all(&dir)?;
        Ok(dir)
    }

    fn staged_partition(&mut self, table: &str, dt: &str, rows: u64) -> Result<u64> {
        crate::failpoint::hit(&format!("stage:{table}"))?;
        self.staged.insert((table.to_string(), dt.to_string()), rows);
        Ok(rows)
    }

    /// Adds the marker or side file `name` (e.g. `_metadata`) to partition `dt` of `table`, which this run staged.
    pub fn write_partition_file(&mut self, table: &str, dt: &str, name: &str, bytes: &[u8]) -> Result<()> {
        if !self.staged.contains_key(&(table.to_string(), dt.to_string())) || self.in_place.is_some() {
            bail!("partition {table}/dt={dt} is not staged by this run");
        }
        if !name.starts_with('_') || name.contains('/') {
            bail!("`{name}` is not a marker file name (it must start with `_`)");
        }
        self.wh.fs.write(&self.staged_dir(table, dt).join(name), bytes)
    }

    /// Stages `bytes` as the file `target` (an absolute path on the warehouse's filesystem, outside the warehouse),
    /// to be renamed into place when the run publishes; staging the same target again replaces the bytes.
    pub fn stage_file(&mut self, target: &Path, bytes: &[u8]) -> Result<()> {
        self.stage(target, bytes, false)
    }

    /// [`Staging::stage_file`] for a file on local disk, whatever the warehouse's filesystem (a `csv` sink's).
    pub fn stage_local_file(&mut self, target: &Path, bytes: &[u8]) -> Result<()> {
        self.stage(target, bytes, true)
    }

    fn stage(&mut self, target: &Path, bytes: &[u8], local: bool) -> Result<()> {
        let (Some(dir), Some(name)) = (target.parent(), target.file_name().and_then(|n| n.to_str())) else {
            bail!("{} is not a file path", target.display());
        };
        if !target.is_absolute() || name.starts_with('.') {
            bail!("{} is not an absolute path to a visible file", target.display());
        }
        let file = StagedFile {
            target: target.to_path_buf(),
            temp: dir.join(format!(".{name}.edxc-{}.tmp", self.run_id)),
            backup: dir.join(format!(".{name}.edxc-{}.bak", self.run_id)),
            local,
        };
        let fs = file.fs(self.wh.fs.as_ref());
        fs.create_dir_all(dir)?;
        if !self.files.contains(&file) {
            self.files.push(file.clone());
            // Listed before it is written: a run killed from here on has its temporary file removed by `recover`.
            self.wh.fs.write(&self.dir.join(FILES), &serde_json::to_vec_pretty(&self.files)?)?;
        }
        fs.write(&file.temp, bytes)?;
        crate::failpoint::hit("stage:files")?;
        Ok(())
    }

    /// The files staged outside the warehouse, in the order they were staged.
    pub fn staged_files(&self) -> impl Iterator<Item = &Path> {
        self.files.iter().map(|f| f.target.as_path())
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
        // Once each: two tasks may write one partition (two pipelines importing the same LMS table), and a second
        // entry would undo the first one's restore on rollback.
        let mut unique: Vec<(String, String)> = Vec::with_capacity(partitions.len());
        for p in partitions {
            if !unique.contains(p) {
                unique.push(p.clone());
            }
        }
        let partitions = unique.as_slice();
        let journal = Journal {
            run_id: self.run_id.clone(),
            status: Status::Publishing,
            partitions: partitions.to_vec(),
            payload: serde_json::Value::Null,
            files: vec![],
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
            return publish_files(published);
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
        publish_files(published)
    }
}

impl WarehouseRead for Staging {
    fn partition_data(&self, table: &str, dt: &str) -> Result<super::DataFiles> {
        self.view().partition_data(table, dt)
    }

    fn partition_bytes(&self, table: &str, dt: &str) -> Result<u64> {
        self.view().partition_bytes(table, dt)
    }

    fn open_partition(&self, table: &str, dt: &str) -> Result<super::DataStreams> {
        self.view().open_partition(table, dt)
    }

    fn open_partition_file(&self, table: &str, dt: &str, name: &str) -> Result<Option<Box<dyn std::io::Read + Send>>> {
        self.view().open_partition_file(table, dt, name)
    }

    fn read_file(&self, rel: &str) -> Result<Option<Vec<u8>>> {
        self.view().read_file(rel)
    }

    fn describe_file(&self, rel: &str) -> String {
        self.view().describe_file(rel)
    }
}

impl Staging {
    /// What the run sees of the warehouse now, as a read-only snapshot that other threads can hold while the run
    /// stages more (transforms computed concurrently read their inputs through it).
    pub fn view(&self) -> StagingView {
        let staged = if self.in_place.is_some() { Default::default() } else { self.staged.keys().cloned().collect() };
        StagingView { wh: self.wh.clone(), data: self.dir.join("data"), staged: Arc::new(staged) }
    }
}

/// A run's view of the warehouse: the partitions it staged (as of [`Staging::view`]) from the staging area, the
/// rest from the published warehouse.
#[derive(Clone)]
pub struct StagingView {
    wh: Warehouse,
    data: PathBuf,
    staged: Arc<std::collections::BTreeSet<(String, String)>>,
}

impl StagingView {
    fn is_staged(&self, table: &str, dt: &str) -> bool {
        self.staged.contains(&(table.to_string(), dt.to_string()))
    }

    /// Where partition `dt` of `table` is: in the staging area when this run staged it, else in the warehouse.
    fn partition_dir(&self, table: &str, dt: &str) -> PathBuf {
        let root = if self.is_staged(table, dt) { &self.data } else { &self.wh.root };
        partition_dir(root, table, dt)
    }

    /// Where `rel`, a file of a partition this run staged, is in the staging area.
    fn staged_part_file(&self, rel: &str) -> Option<PathBuf> {
        let mut parts = rel.splitn(3, '/');
        let (table, part, name) = (parts.next()?, parts.next()?, parts.next()?);
        let dt = part.strip_prefix("dt=")?;
        self.is_staged(table, dt).then(|| partition_dir(&self.data, table, dt).join(name))
    }
}

impl WarehouseRead for StagingView {
    fn partition_data(&self, table: &str, dt: &str) -> Result<super::DataFiles> {
        dir_data(self.wh.fs.as_ref(), &self.partition_dir(table, dt))
    }

    fn partition_bytes(&self, table: &str, dt: &str) -> Result<u64> {
        super::dir_bytes(self.wh.fs.as_ref(), &self.partition_dir(table, dt))
    }

    fn open_partition(&self, table: &str, dt: &str) -> Result<super::DataStreams> {
        super::dir_streams(self.wh.fs.as_ref(), &self.partition_dir(table, dt))
    }

    fn open_partition_file(&self, table: &str, dt: &str, name: &str) -> Result<Option<Box<dyn std::io::Read + Send>>> {
        self.wh.fs.open(&self.partition_dir(table, dt).join(name))
    }

    /// A file of a partition this run staged (`<table>/dt=<dt>/<name>`) is read from the staging area.
    fn read_file(&self, rel: &str) -> Result<Option<Vec<u8>>> {
        match self.staged_part_file(rel) {
            Some(path) => self.wh.fs.read(&path),
            None => self.wh.read_file(rel),
        }
    }

    fn describe_file(&self, rel: &str) -> String {
        match self.staged_part_file(rel) {
            Some(path) => self.wh.fs.describe(&path),
            None => self.wh.describe_file(rel),
        }
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.armed {
            remove_temps(self.wh.fs.as_ref(), &self.files);
            if let Some(j) = &self.in_place {
                let _ = undo(&self.wh, &self.dir, &j.partitions);
            }
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
    /// The new partitions stay: the journal says so (a crash from here on finishes the run rather than undoing
    /// it). The caller records the run, then [`Committed::finish`]es.
    pub fn commit(mut self) -> Result<Committed> {
        self.journal.status = Status::Committed;
        write_journal(self.wh.fs.as_ref(), &self.dir, &self.journal)?;
        self.armed = false;
        Ok(Committed { wh: self.wh.clone(), dir: self.dir.clone(), files: self.journal.files.clone() })
    }

    /// Puts every old partition (and file) back and removes the new ones and the staging area.
    pub fn rollback(mut self) -> Result<()> {
        self.armed = false;
        undo_files(self.wh.fs.as_ref(), &self.journal.files)?;
        undo(&self.wh, &self.dir, &self.journal.partitions)?;
        self.wh.fs.remove_all(&self.dir)?;
        remove_if_empty(self.wh.fs.as_ref(), &self.dir);
        Ok(())
    }
}

impl Drop for Published {
    fn drop(&mut self) {
        if self.armed {
            let _ = undo_files(self.wh.fs.as_ref(), &self.journal.files);
            let _ = undo(&self.wh, &self.dir, &self.journal.partitions);
            let _ = self.wh.fs.remove_all(&self.dir);
            remove_if_empty(self.wh.fs.as_ref(), &self.dir);
        }
    }
}

/// Renames every staged file into place (an existing one set aside first); on error everything is undone.
fn publish_files(published: Published) -> Result<Published> {
    let fs = published.wh.fs.clone();
    for f in published.journal.files.clone() {
        let fs = f.fs(fs.as_ref());
        let swap = || -> Result<()> {
            if fs.exists(&f.target)? {
                fs.rename(&f.target, &f.backup)?;
            }
            crate::failpoint::hit("swap:files")?;
            fs.rename(&f.temp, &f.target)
        };
        if let Err(e) = swap() {
            published.rollback().context("while undoing a failed publish")?;
            return Err(e.context(format!("cannot publish {}", f.target.display())));
        }
    }
    Ok(published)
}

/// Reverses [`publish_files`] whatever step each file reached: a target whose temporary file is gone is the new
/// one and goes; a backup is moved back; a temporary file left is removed.
fn undo_files(fs: &dyn Fs, files: &[StagedFile]) -> Result<()> {
    for f in files.iter().rev() {
        let fs = f.fs(fs);
        if !fs.exists(&f.temp)? && fs.exists(&f.target)? {
            fs.remove_all(&f.target)?;
        }
        if fs.exists(&f.backup)? {
            fs.rename(&f.backup, &f.target).with_context(|| format!("cannot restore {}", fs.describe(&f.target)))?;
        }
    }
    remove_temps(fs, files);
    Ok(())
}

/// Removes the temporary files of staged files, where they are left.
fn remove_temps(fs: &dyn Fs, files: &[StagedFile]) {
    for f in files {
        let _ = f.fs(fs).remove_all(&f.temp);
    }
}

/// Removes the backups of published files (the run is committed).
fn remove_backups(fs: &dyn Fs, files: &[StagedFile]) -> Result<()> {
    for f in files {
        f.fs(fs).remove_all(&f.backup)?;
    }
    Ok(())
}

/// A committed publish whose old partitions are still kept aside. Dropped unfinished, it stays on disk for
/// [`recover`] to finish (the caller's payload, e.g. the run's state records, is still in its journal).
pub struct Committed {
    wh: Warehouse,
    dir: PathBuf,
    files: Vec<StagedFile>,
}

impl Committed {
    /// Deletes the old partitions (and replaced files) and the staging area.
    pub fn finish(self) -> Result<()> {
        crate::failpoint::hit("finish")?;
        remove_backups(self.wh.fs.as_ref(), &self.files)?;
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
        let outcome = match journal {
            None => {
                if let Some(bytes) = fs.read(&dir.join(FILES))? {
                    remove_temps(fs, &serde_json::from_slice::<Vec<StagedFile>>(&bytes).unwrap_or_default());
                }
                Recovered::Discarded { run_id }
            }
            Some(j) if j.status == Status::Publishing => {
                undo_files(fs, &j.files)?;
                undo(wh, &dir, &j.partitions)?;
                Recovered::RolledBack { run_id, partitions: j.partitions.len() }
            }
            Some(j) => {
                remove_backups(fs, &j.files)?;
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

    fn text(p: &Path) -> Option<String> {
        std::fs::read_to_string(p).ok()
    }

    /// The hidden files next to `dir`'s targets (temporary files and backups).
    fn hidden(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn files_outside_the_warehouse_publish_and_roll_back_with_the_partitions() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, out) = (tmp.path().join("wh"), tmp.path().join("out"));
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("a.gz"), "old a").unwrap();
        std::fs::write(out.join("keep"), "untouched").unwrap();
        // Staged, nothing visible before the publish; the same target staged twice keeps the last bytes.
        let mut s = Staging::begin(&root, "r1").unwrap();
        s.write_partition("t", "d1", &[row("x")]).unwrap();
        s.stage_file(&out.join("a.gz"), b"first").unwrap();
        s.stage_file(&out.join("a.gz"), b"new a").unwrap();
        s.stage_file(&out.join("sub/b"), b"new b").unwrap();
        assert!(s.stage_file(Path::new("relative/x"), b"").is_err());
        assert!(s.stage_file(&out.join(".hidden"), b"").is_err());
        assert_eq!(text(&out.join("a.gz")).as_deref(), Some("old a"));
        assert!(!out.join("sub/b").exists());
        assert_eq!(s.staged_files().count(), 2);
        // Rolled back: the old file is back, the new one gone, no temporary file or backup left.
        let p = s.publish(serde_json::Value::Null).unwrap();
        assert_eq!(text(&out.join("a.gz")).as_deref(), Some("new a"));
        assert_eq!(text(&out.join("sub/b")).as_deref(), Some("new b"));
        p.rollback().unwrap();
        assert_eq!(text(&out.join("a.gz")).as_deref(), Some("old a"));
        assert!(!out.join("sub/b").exists());
        assert!(read(&root, "t", "d1").is_empty());
        assert!(hidden(&out).is_empty() && hidden(&out.join("sub")).is_empty(), "{:?}", hidden(&out));
        // Committed and finished: the new files stay, the backups go, other files are left alone.
        let mut s = Staging::begin(&root, "r2").unwrap();
        s.stage_file(&out.join("a.gz"), b"new a").unwrap();
        s.publish(serde_json::Value::Null).unwrap().commit().unwrap().finish().unwrap();
        assert_eq!(text(&out.join("a.gz")).as_deref(), Some("new a"));
        assert_eq!(text(&out.join("keep")).as_deref(), Some("untouched"));
        assert!(hidden(&out).is_empty(), "{:?}", hidden(&out));
        // Dropped before the publish: the temporary file goes.
        let mut s = Staging::begin(&root, "r3").unwrap();
        s.stage_file(&out.join("c"), b"c").unwrap();
        drop(s);
        assert!(!out.join("c").exists() && hidden(&out).is_empty());
    }

    #[test]
    fn recover_settles_the_files_of_a_killed_run() {
        let tmp = tempfile::tempdir().unwrap();
        let (root, out) = (tmp.path().join("wh"), tmp.path().join("out"));
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("a"), "old").unwrap();
        // Killed before publishing: its temporary files are removed.
        let mut s = Staging::begin(&root, "r1").unwrap();
        s.stage_file(&out.join("a"), b"new").unwrap();
        std::fs::write(s.dir.join(OWNER), "elsewhere 1\n").unwrap();
        std::mem::forget(s);
        assert_eq!(hidden(&out).len(), 1);
        assert_eq!(recover(&Warehouse::local(&root)).unwrap(), vec![Recovered::Discarded { run_id: "r1".into() }]);
        assert!(hidden(&out).is_empty());
        assert_eq!(text(&out.join("a")).as_deref(), Some("old"));
        // Killed in the middle of its publish: rolled back.
        let mut s = Staging::begin(&root, "r2").unwrap();
        s.stage_file(&out.join("a"), b"new").unwrap();
        let mut p = s.publish(serde_json::Value::Null).unwrap();
        std::fs::write(p.dir.join(OWNER), "elsewhere 1\n").unwrap();
        p.armed = false;
        drop(p);
        assert_eq!(text(&out.join("a")).as_deref(), Some("new"));
        assert_eq!(
            recover(&Warehouse::local(&root)).unwrap(),
            vec![Recovered::RolledBack { run_id: "r2".into(), partitions: 0 }]
        );
        assert_eq!(text(&out.join("a")).as_deref(), Some("old"));
        assert!(hidden(&out).is_empty(), "{:?}", hidden(&out));
        // Killed after committing: finished, the backup removed.
        let mut s = Staging::begin(&root, "r3").unwrap();
        s.stage_file(&out.join("a"), b"new").unwrap();
        let c = s.publish(serde_json::Value::Null).unwrap().commit().unwrap();
        std::fs::write(c.dir.join(OWNER), "elsewhere 1\n").unwrap();
        std::mem::forget(c);
        let r = recover(&Warehouse::local(&root)).unwrap();
        assert!(matches!(r.as_slice(), [Recovered::Finished { .. }]), "{r:?}");
        assert_eq!(text(&out.join("a")).as_deref(), Some("new"));
        assert!(hidden(&out).is_empty(), "{:?}", hidden(&out));
    }

    #[test]
    fn a_staged_partitions_side_file_is_read_from_the_staging_area() {
        let tmp = tempfile::tempdir().unwrap();
        let mut s = Staging::begin(tmp.path(), "r1").unwrap();
        assert!(s.write_partition_file("t", "d1", "_metadata", b"{}").is_err(), "not staged yet");
        s.write_partition("t", "d1", &[row("x")]).unwrap();
        assert!(s.write_partition_file("t", "d1", "data", b"").is_err(), "a marker name starts with _");
        s.write_partition_file("t", "d1", "_metadata", b"{\"a\": 1}").unwrap();
        assert_eq!(s.read_file("t/dt=d1/_metadata").unwrap().as_deref(), Some(&b"{\"a\": 1}"[..]));
        assert_eq!(s.read_partition("t", "d1", 1).unwrap(), vec![row("x")], "a side file is not data");
        assert_eq!(s.read_file("t/dt=d2/_metadata").unwrap(), None);
        s.publish(serde_json::Value::Null).unwrap().commit().unwrap().finish().unwrap();
        assert_eq!(std::fs::read(partition_dir(tmp.path(), "t", "d1").join("_metadata")).unwrap(), b"{\"a\": 1}");
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
    fn a_partition_two_tasks_write_in_place_is_restored_once() {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path();
        let mut s = Staging::begin(root, "r1").unwrap();
        s.write_partition("lms", "d1", &[row("old")]).unwrap();
        s.publish(serde_json::Value::Null).unwrap().commit().unwrap().finish().unwrap();
        // Two pipelines import the same LMS table into the same partition; the run fails after writing it.
        let twice = vec![("lms".to_string(), "d1".to_string()), ("lms".to_string(), "d1".to_string())];
        let mut s = Staging::begin(root, "r2").unwrap();
        s.in_place(&twice).unwrap();
        write_partition_dir(&LocalFs, &partition_dir(root, "lms", "d1"), &[row("new")]).unwrap();
        drop(s);
        assert_eq!(read(root, "lms", "d1"), vec![row("old")]);
    }
}
