//! The map step on one machine: select tracking-log files by the date in their name, then one pass over them feeds
//! every extractor of the run (N workflows cost one scan). Output: one warehouse partition per day of each window.
//! A map without a window (a workflow with no interval) takes every event of the files its `include` globs select,
//! whatever their dates, into one partition.

use crate::engine::DamagedFile;
use crate::events::{self, Counters, ScanOptions};
use crate::graph::interval::Interval;
use crate::warehouse::Staging;
use anyhow::{Context, Result};
use counted::Counter;
use edxc_map::units::Unit;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use super::{counted, counted_write};

/// One map task of the run.
pub struct MapJob {
    pub table: String,
    pub extractor: String,
    /// The days whose events it keeps, one partition each; `None`: every event, into `partition`.
    pub window: Option<Interval>,
    pub partition: String,
    /// Without a window: the globs selecting its files (relative to the log directory).
    pub include: Vec<String>,
    pub count_as: Option<String>,
    /// The table's columns: a counted job's partitions get a sorted copy (`sorted_copy`) made with them.
    pub columns: Vec<crate::model::Column>,
}

impl MapJob {
    /// The partitions it writes.
    pub fn partitions(&self) -> Vec<String> {
        match &self.window {
            Some(w) => w.days().map(|d| d.format("%Y-%m-%d").to_string()).collect(),
            None => vec![self.partition.clone()],
        }
    }

    /// The index (in [`MapJob::partitions`]) of the partition an event of `date` goes to, if the job keeps it.
    fn part(&self, date: chrono::NaiveDate) -> Option<u16> {
        match &self.window {
            Some(w) => w.contains(date).then(|| (date - w.start).num_days()).and_then(|d| u16::try_from(d).ok()),
            None => Some(0),
        }
    }

    /// The partition an event of `day` goes to, if the job keeps it.
    fn bucket<'a>(&'a self, day: &'a str, date: chrono::NaiveDate) -> Option<&'a str> {
        match &self.window {
            Some(w) => w.contains(date).then_some(day),
            None => Some(&self.partition),
        }
    }
}

pub use crate::engine::log_files::{
    select_files, select_files_noting, select_included, Skip, DEFAULT_PATTERN, DEFAULT_UNDATED_PATTERN,
};

/// What the map pass did.
pub struct MapOutput {
    /// Rows written per table.
    pub written: BTreeMap<String, u64>,
    pub counters: Counters,
    /// Files that were damaged or unreadable (counted, named, read up to the damage).
    pub damaged: Vec<DamagedFile>,
}

/// What one unit of work (a file, or a byte range of one) gave the map jobs without `count_as`: (job, day) ->
/// rows as Hive text lines, in line order. Counted rows go to the worker's [`Counter`] instead.
struct Partial {
    plain: Vec<HashMap<String, Lines>>,
    counters: Counters,
    damage: Option<DamagedFile>,
}

impl Partial {
    fn new(jobs: usize) -> Self {
        Self { plain: (0..jobs).map(|_| HashMap::new()).collect(), counters: Counters::default(), damage: None }
    }

    /// Adds `later` (a unit after every unit already in `self`): plain rows keep the files' order.
    fn absorb(&mut self, later: Partial) {
        for (mine, theirs) in self.plain.iter_mut().zip(later.plain) {
            for (day, lines) in theirs {
                let to = mine.entry(day).or_default();
                to.text.extend_from_slice(&lines.text);
                to.rows += lines.rows;
            }
        }
        self.counters.merge(&later.counters);
    }
}

/// Rows as Hive text lines, as the warehouse holds them: a row costs its text, not a string per cell.
#[derive(Default)]
struct Lines {
    text: Vec<u8>,
    rows: u64,
}

impl Lines {
    fn push(&mut self, fields: &[Option<&str>]) {
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                self.text.push(b'\t');
            }
            match f {
                Some(v) => edxc_map::events::hive_escape_bytes(v.as_bytes(), &mut self.text),
                None => self.text.extend_from_slice(crate::hive_text::NULL.as_bytes()),
            }
        }
        self.text.push(b'\n');
        self.rows += 1;
    }
}

/// What every map job needs to scan a file.
struct Scan<'a> {
    jobs: &'a [&'a MapJob],
    names: Vec<&'a str>,
    by_extractor: Vec<Vec<usize>>,
    /// For files only maps with a window read: lines dated outside every window are skipped early.
    dated: ScanOptions,
    /// For files a map without a window reads: every line.
    all: ScanOptions,
}

impl Scan<'_> {
    /// The extractors to run over a file read by the jobs `subset` only, and the jobs each one feeds.
    fn for_jobs(&self, subset: &[usize]) -> (Vec<&str>, Vec<Vec<usize>>) {
        let mut names: Vec<&str> =
            subset.iter().filter_map(|&j| self.jobs.get(j)).map(|j| j.extractor.as_str()).collect();
        names.sort();
        names.dedup();
        let by_extractor = names
            .iter()
            .map(|n| {
                subset.iter().copied().filter(|&j| self.jobs.get(j).is_some_and(|job| job.extractor == *n)).collect()
            })
            .collect();
        (names, by_extractor)
    }

    /// Scans `unit` for the jobs `reads` marks (only their extractors run); counted rows go to `counter`.
    fn unit(&self, unit: &Unit, reads: &[bool], counter: &mut Counter) -> Result<Partial> {
        let jobs = self.jobs;
        let readers: Vec<usize> = (0..jobs.len()).filter(|&j| reads.get(j).copied().unwrap_or(false)).collect();
        let subset = (readers.len() < jobs.len()).then(|| self.for_jobs(&readers));
        let (names, by_extractor) = match &subset {
            Some((n, b)) => (n, b),
            None => (&self.names, &self.by_extractor),
        };
        let mut out = Partial::new(jobs.len());
        let plain = &mut out.plain;
        let mut key = Vec::new();
        let mut failed: Option<anyhow::Error> = None;
        let mut last_day: Option<(String, chrono::NaiveDate)> = None;
        let mut emit = |ex: usize, day: &str, fields: &[Option<&str>]| {
            let date = match &last_day {
                Some((d, date)) if d == day => *date,
                _ => {
                    let Ok(date) = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") else { return };
                    last_day = Some((day.to_string(), date));
                    date
                }
            };
            for &j in by_extractor.get(ex).into_iter().flatten() {
                if !reads[j] {
                    continue;
                }
                let Some(part) = jobs[j].part(date) else { continue };
                if jobs[j].count_as.is_some() {
                    if failed.is_some() {
                        continue;
                    }
                    counted::encode(j as u16, part, fields, &mut key);
                    if let Err(e) = counter.add(&key) {
                        failed = Some(e);
                    }
                } else {
                    let Some(day) = jobs[j].bucket(day, date) else { continue };
                    if !plain[j].contains_key(day) {
                        plain[j].insert(day.to_string(), Lines::default());
                    }
                    if let Some(lines) = plain[j].get_mut(day) {
                        lines.push(fields);
                    }
                }
            }
        };
        let whole = reads.iter().zip(jobs).any(|(r, j)| *r && j.window.is_none());
        let opts = if whole { &self.all } else { &self.dated };
        let f = &unit.path;
        let damage = match unit.range {
            None => events::scan_file_checked_to(f, names, opts, &mut out.counters, &mut emit),
            Some(range) => events::scan_file_range_checked_to(f, range, names, opts, &mut out.counters, &mut emit),
        }
        .with_context(|| format!("cannot read {}", f.display()))?;
        if let Some(e) = failed {
            return Err(e.context("cannot count the map's rows"));
        }
        out.damage = damage.map(|d| DamagedFile {
            path: f.display().to_string(),
            kind: d.kind().to_string(),
            reason: d.to_string(),
        });
        Ok(out)
    }
}

/// A file to read, and which map jobs read it (by index): maps with a window read the files dated for it, maps
/// without one the files their globs select.
pub type FileJobs = (PathBuf, Vec<bool>);

/// Runs every map job in one pass over `files` and stages their partitions, with up to `workers` threads: files,
/// and byte ranges of large plain files, are shared out among them (rows without `count_as` come out in the order
/// a one-worker run gives them; counted rows are sorted anyway). A damaged or unreadable file is read up to the
/// damage and reported, never fatal: the caller applies the bad-input threshold.
pub fn run(
    jobs: &[&MapJob],
    files: &[FileJobs],
    staging: &mut Staging,
    ccx_enabled: bool,
    workers: usize,
    progress: &mut dyn FnMut(usize, u64),
) -> Result<MapOutput> {
    let mut names: Vec<&str> = jobs.iter().map(|j| j.extractor.as_str()).collect();
    names.sort();
    names.dedup();
    if jobs.is_empty() {
        return Ok(MapOutput { written: BTreeMap::new(), counters: Counters::default(), damaged: vec![] });
    }
    if jobs.len() > usize::from(u16::MAX) || jobs.iter().any(|j| j.partitions().len() > usize::from(u16::MAX)) {
        anyhow::bail!("too many map jobs or days in one run");
    }
    // Lines dated outside every window are skipped before the extractors, unless a job without a window reads the
    // file: it keeps them all.
    let span = jobs.iter().filter_map(|j| j.window).reduce(|a, b| a.union(&b));
    let paths: Vec<&Path> = files.iter().map(|(p, _)| p.as_path()).collect();
    let units = edxc_map::units::units(&paths, workers.max(1), split_bytes()?);
    // A worker with no other unit to take would sit idle: it gunzips instead.
    let inflate_thread = workers > units.len();
    let dated = ScanOptions {
        interval: span.map(|s| (s.start.format("%Y-%m-%d").to_string(), s.end.format("%Y-%m-%d").to_string())),
        ccx_enabled,
        inflate_thread,
    };
    let all = ScanOptions { interval: None, ccx_enabled, inflate_thread };
    let by_extractor: Vec<Vec<usize>> = names
        .iter()
        .map(|n| jobs.iter().enumerate().filter(|(_, j)| j.extractor == *n).map(|(i, _)| i).collect())
        .collect();
    let scan = Scan { jobs, names, by_extractor, dated, all };
    // Each unit's file (by index into `files`): units come in file order.
    let mut of_file = Vec::with_capacity(units.len());
    let mut f = 0;
    for u in &units {
        while files.get(f).is_some_and(|(p, _)| *p != u.path) {
            f += 1;
        }
        of_file.push(f.min(files.len().saturating_sub(1)));
    }
    let budget = counted::budget(workers)?;
    let spill = counted::SpillDir::new(&std::env::temp_dir());
    let mut all = Partial::new(jobs.len());
    let mut damaged: Vec<DamagedFile> = Vec::new();
    let mut bytes = 0u64;
    let threads = workers;
    let workers = workers.clamp(1, units.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Partial>)>();
    let sorted = std::thread::scope(|s| -> Result<Vec<counted::Sorted>> {
        let mut handles = Vec::new();
        for _ in 0..workers {
            let (tx, next, scan, units, of_file) = (tx.clone(), &next, &scan, &units, &of_file);
            let mut counter = Counter::new(budget, spill.clone());
            handles.push(s.spawn(move || {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let (Some(u), Some(&f)) = (units.get(i), of_file.get(i)) else { break };
                    let reads = files.get(f).map(|(_, r)| r.as_slice()).unwrap_or_default();
                    let r = scan.unit(u, reads, &mut counter);
                    let failed = r.is_err();
                    if tx.send((i, r)).is_err() || failed {
                        // Stop taking units: the run fails anyway.
                        next.store(units.len(), std::sync::atomic::Ordering::Relaxed);
                        break;
                    }
                }
                // Each worker sorts its own rows, in parallel with the others.
                counter.finish()
            }));
        }
        drop(tx);
        // Units finish in any order; they are merged in unit order, so plain rows keep the one-worker order.
        let mut pending: BTreeMap<usize, Partial> = BTreeMap::new();
        let mut merged = 0;
        let mut failure = None;
        for (i, r) in rx {
            let part = match r {
                Ok(p) => p,
                Err(e) => {
                    next.store(units.len(), std::sync::atomic::Ordering::Relaxed);
                    failure.get_or_insert(e);
                    continue;
                }
            };
            pending.insert(i, part);
            // In unit order, so damaged files are reported in file order whichever worker finished first.
            while let Some(mut part) = pending.remove(&merged) {
                if let Some(d) = part.damage.take() {
                    // A file split into ranges is reported (and counted) once.
                    if damaged.iter().any(|seen| seen.path == d.path) {
                        part.counters.damaged_files = part.counters.damaged_files.saturating_sub(1);
                    } else {
                        damaged.push(d);
                    }
                }
                all.absorb(part);
                bytes += match units[merged].range {
                    Some((start, end)) => end - start,
                    None => std::fs::metadata(&units[merged].path).map(|m| m.len()).unwrap_or(0),
                };
                merged += 1;
                progress(of_file[merged - 1] + 1, bytes);
            }
        }
        let sorted: Vec<counted::Sorted> = handles
            .into_iter()
            .map(|h| h.join().map_err(|_| anyhow::anyhow!("a map worker panicked")))
            .collect::<Result<_>>()?;
        match failure {
            Some(e) => Err(e),
            None => Ok(sorted),
        }
    })?;
    let (mut plain, counters) = (all.plain, all.counters);
    let mut written = BTreeMap::new();
    for (j, job) in jobs.iter().enumerate().filter(|(_, j)| j.count_as.is_none()) {
        let mut total = 0;
        for dt in job.partitions() {
            let lines = plain[j].remove(&dt).unwrap_or_default();
            total += staging.write_partition_text(&job.table, &dt, &lines.text, lines.rows)?;
        }
        written.insert(job.table.clone(), total);
    }
    // Counted rows: each partition merged in key order, partitions on every core (`counted_write`).
    let counted: Vec<Option<counted_write::CountedTable>> = jobs
        .iter()
        .map(|j| {
            j.count_as.as_ref().map(|_| counted_write::CountedTable {
                table: &j.table,
                columns: &j.columns,
                dts: j.partitions(),
            })
        })
        .collect();
    counted_write::write_counted(&counted, &sorted, staging, &mut written, threads)?;
    Ok(MapOutput { written, counters, damaged })
}

/// Plain files at least this large are read in byte ranges by several workers: `EDXC_MAP_SPLIT_BYTES`, else
/// [`edxc_map::units::SPLIT_BYTES`].
fn split_bytes() -> Result<u64> {
    match std::env::var("EDXC_MAP_SPLIT_BYTES") {
        Ok(v) => v
            .trim()
            .parse()
            .ok()
            .filter(|n| *n > 0)
            .with_context(|| format!("EDXC_MAP_SPLIT_BYTES=`{v}`: not a number of bytes")),
        Err(_) => Ok(edxc_map::units::SPLIT_BYTES),
    }
}
