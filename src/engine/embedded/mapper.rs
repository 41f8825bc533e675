//! The map step on one machine: select tracking-log files by the date in their name, then one pass over them feeds
//! every extractor of the run (N workflows cost one scan). Output: one warehouse partition per day of each window.
//! A map without a window (a workflow with no interval) takes every event of the files its `include` globs select,
//! whatever their dates, into one partition.

use crate::engine::DamagedFile;
use crate::events::{self, Counters, ScanOptions};
use crate::graph::interval::Interval;
use crate::warehouse::{Row, Staging};
use anyhow::{Context, Result};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

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
}

impl MapJob {
    /// The partitions it writes.
    pub fn partitions(&self) -> Vec<String> {
        match &self.window {
            Some(w) => w.days().map(|d| d.format("%Y-%m-%d").to_string()).collect(),
            None => vec![self.partition.clone()],
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

/// What one file gave every map job: (job, day) -> rows; with `count_as`, identical rows are counted instead of
/// repeated, keyed by a compact encoding of the row so that a row seen before costs no allocation.
struct Partial {
    plain: Vec<HashMap<String, Vec<Row>>>,
    counted: Vec<HashMap<String, HashMap<Vec<u8>, u64>>>,
    counters: Counters,
    damage: Option<DamagedFile>,
}

impl Partial {
    fn new(jobs: usize) -> Self {
        Self {
            plain: (0..jobs).map(|_| HashMap::new()).collect(),
            counted: (0..jobs).map(|_| HashMap::new()).collect(),
            counters: Counters::default(),
            damage: None,
        }
    }

    /// Adds `later` (a file after every file already in `self`): plain rows keep the files' order.
    fn absorb(&mut self, later: Partial) {
        for (mine, theirs) in self.plain.iter_mut().zip(later.plain) {
            for (day, rows) in theirs {
                mine.entry(day).or_default().extend(rows);
            }
        }
        for (mine, theirs) in self.counted.iter_mut().zip(later.counted) {
            for (day, rows) in theirs {
                let into = mine.entry(day).or_default();
                if into.is_empty() {
                    *into = rows;
                    continue;
                }
                for (k, n) in rows {
                    *into.entry(k).or_default() += n;
                }
            }
        }
        self.counters.merge(&later.counters);
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

    /// Scans `f` for the jobs `reads` marks (only their extractors run).
    fn file(&self, f: &Path, reads: &[bool]) -> Result<Partial> {
        let jobs = self.jobs;
        let readers: Vec<usize> = (0..jobs.len()).filter(|&j| reads.get(j).copied().unwrap_or(false)).collect();
        let subset = (readers.len() < jobs.len()).then(|| self.for_jobs(&readers));
        let (names, by_extractor) = match &subset {
            Some((n, b)) => (n, b),
            None => (&self.names, &self.by_extractor),
        };
        let mut out = Partial::new(jobs.len());
        let (plain, counted) = (&mut out.plain, &mut out.counted);
        let mut key = Vec::new();
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
                let Some(day) = jobs[j].bucket(day, date) else { continue };
                if jobs[j].count_as.is_some() {
                    if !counted[j].contains_key(day) {
                        counted[j].insert(day.to_string(), HashMap::new());
                    }
                    let Some(rows) = counted[j].get_mut(day) else { continue };
                    encode_row(fields, &mut key);
                    match rows.get_mut(key.as_slice()) {
                        Some(n) => *n += 1,
                        None => {
                            rows.insert(key.clone(), 1);
                        }
                    }
                } else {
                    let row: Row = fields.iter().map(|f| f.map(str::to_string)).collect();
                    if !plain[j].contains_key(day) {
                        plain[j].insert(day.to_string(), Vec::new());
                    }
                    if let Some(rows) = plain[j].get_mut(day) {
                        rows.push(row);
                    }
                }
            }
        };
        let whole = reads.iter().zip(jobs).any(|(r, j)| *r && j.window.is_none());
        let opts = if whole { &self.all } else { &self.dated };
        let damage = events::scan_file_checked(f, names, opts, &mut out.counters, &mut emit)
            .with_context(|| format!("cannot read {}", f.display()))?;
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

/// Runs every map job in one pass over `files` and stages their partitions, reading up to `jobs` files at once
/// (each file is read whole by one worker; the rows come out as a one-worker run gives them). A damaged or
/// unreadable file is read up to the damage and reported, never fatal: the caller applies the bad-input threshold.
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
    // Lines dated outside every window are skipped before the extractors, unless a job without a window reads the
    // file: it keeps them all.
    let span = jobs.iter().filter_map(|j| j.window).reduce(|a, b| a.union(&b));
    let dated = ScanOptions {
        interval: span.map(|s| (s.start.format("%Y-%m-%d").to_string(), s.end.format("%Y-%m-%d").to_string())),
        ccx_enabled,
    };
    let all = ScanOptions { interval: None, ccx_enabled };
    let by_extractor: Vec<Vec<usize>> = names
        .iter()
        .map(|n| jobs.iter().enumerate().filter(|(_, j)| j.extractor == *n).map(|(i, _)| i).collect())
        .collect();
    let scan = Scan { jobs, names, by_extractor, dated, all };
    let mut all = Partial::new(jobs.len());
    let mut damaged = Vec::new();
    let mut bytes = 0u64;
    let workers = workers.clamp(1, files.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let (tx, rx) = std::sync::mpsc::channel::<(usize, Result<Partial>)>();
    std::thread::scope(|s| -> Result<()> {
        for _ in 0..workers {
            let (tx, next, scan) = (tx.clone(), &next, &scan);
            s.spawn(move || loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(f) = files.get(i) else { break };
                let failed = {
                    let r = scan.file(&f.0, &f.1);
                    let failed = r.is_err();
                    if tx.send((i, r)).is_err() {
                        break;
                    }
                    failed
                };
                if failed {
                    // Stop taking files: the run fails anyway.
                    next.store(files.len(), std::sync::atomic::Ordering::Relaxed);
                }
            });
        }
        drop(tx);
        // Files finish in any order; they are merged in file order, so plain rows keep the one-worker order.
        let mut pending: BTreeMap<usize, Partial> = BTreeMap::new();
        let mut merged = 0;
        for (i, r) in rx {
            let mut part = match r {
                Ok(p) => p,
                Err(e) => {
                    next.store(files.len(), std::sync::atomic::Ordering::Relaxed);
                    return Err(e);
                }
            };
            damaged.extend(part.damage.take().map(|d| (i, d)));
            pending.insert(i, part);
            while let Some(p) = pending.remove(&merged) {
                all.absorb(p);
                bytes += std::fs::metadata(&files[merged].0).map(|m| m.len()).unwrap_or(0);
                merged += 1;
                progress(merged, bytes);
            }
        }
        Ok(())
    })?;
    damaged.sort_by_key(|(i, _)| *i);
    let damaged: Vec<DamagedFile> = damaged.into_iter().map(|(_, d)| d).collect();
    let (mut plain, mut counted, counters) = (all.plain, all.counted, all.counters);
    let mut written = BTreeMap::new();
    for (j, job) in jobs.iter().enumerate() {
        let mut total = 0;
        for dt in job.partitions() {
            let rows: Vec<Row> = if job.count_as.is_some() {
                // In row order, as a sorted map of rows would give them: the partition's bytes do not depend on
                // the hashing.
                let mut rows: Vec<(Row, u64)> =
                    counted[j].remove(&dt).unwrap_or_default().into_iter().map(|(k, n)| (decode_row(&k), n)).collect();
                rows.sort_unstable();
                rows.into_iter()
                    .map(|(mut r, n)| {
                        r.push(Some(n.to_string()));
                        r
                    })
                    .collect()
            } else {
                plain[j].remove(&dt).unwrap_or_default()
            };
            total += staging.write_partition(&job.table, &dt, &rows)?;
        }
        written.insert(job.table.clone(), total);
    }
    Ok(MapOutput { written, counters, damaged })
}

/// A row as one byte string, injectively: per field a tag (0 NULL, 1 value), then the value's length and bytes.
fn encode_row(fields: &[Option<&str>], out: &mut Vec<u8>) {
    out.clear();
    for f in fields {
        match f {
            None => out.push(0),
            Some(v) => {
                out.push(1);
                out.extend_from_slice(&(v.len() as u32).to_le_bytes());
                out.extend_from_slice(v.as_bytes());
            }
        }
    }
}

/// The row [`encode_row`] encoded (the bytes come from it, so every length is in bounds and every value UTF-8).
fn decode_row(mut key: &[u8]) -> Row {
    let mut row = Row::new();
    while let Some((&tag, rest)) = key.split_first() {
        if tag == 0 {
            row.push(None);
            key = rest;
            continue;
        }
        let (len, rest) = rest.split_at(4.min(rest.len()));
        let len = u32::from_le_bytes(len.try_into().unwrap_or([0; 4])) as usize;
        let (value, rest) = rest.split_at(len.min(rest.len()));
        row.push(Some(String::from_utf8_lossy(value).into_owned()));
        key = rest;
    }
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_round_trip_through_their_key_and_distinct_rows_get_distinct_keys() {
        let rows: Vec<Vec<Option<&str>>> = vec![
            vec![Some("a"), None, Some("")],
            vec![Some("a"), Some(""), None],
            vec![Some("a\u{1}b"), Some("ü")],
            vec![Some("a"), Some("\u{1}b"), Some("ü")],
            vec![],
        ];
        let mut keys = Vec::new();
        for r in &rows {
            let mut k = Vec::new();
            encode_row(r, &mut k);
            let back: Vec<Option<String>> = r.iter().map(|f| f.map(str::to_string)).collect();
            assert_eq!(decode_row(&k), back);
            assert!(!keys.contains(&k), "{r:?}");
            keys.push(k);
        }
    }
}
