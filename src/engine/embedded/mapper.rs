//! The map step on one machine: select tracking-log files by the date in their name, then one pass over them feeds
//! every extractor of the run (N workflows cost one scan). Output: one warehouse partition per day of each window.

use crate::engine::{DamagedFile, FileSelection};
use crate::events::{self, Counters, ScanOptions};
use crate::graph::interval::Interval;
use crate::warehouse::{Row, Staging};
use anyhow::{bail, Context, Result};
use regex::Regex;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One map task of the run.
pub struct MapJob {
    pub table: String,
    pub extractor: String,
    pub window: Interval,
    pub count_as: Option<String>,
}

pub use crate::config::engine_config::{DEFAULT_PATTERN, DEFAULT_UNDATED_PATTERN};

/// Every file under `root` (recursively) whose whole path matches `pattern` (when its `date` group matched, only
/// files dated in `[start - expand, end + expand)`) or `undated` (always read: files without a date in their
/// name). Also says why the other files were not selected.
pub fn select_files(
    root: &Path,
    pattern: &Regex,
    undated: &Regex,
    window: &Interval,
    expand_days: i64,
) -> Result<(Vec<PathBuf>, FileSelection)> {
    if !root.is_dir() {
        bail!(
            "tracking log directory {} does not exist (set tracking_logs in the profile or --var tracking_logs=DIR)",
            root.display()
        );
    }
    let widened = window.expand(expand_days);
    let mut out = Vec::new();
    let mut why = FileSelection::default();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("cannot list {}", dir.display()))? {
            let path = entry?.path();
            let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default();
            if name.starts_with('.') || name.starts_with('_') {
                why.hidden += 1;
                continue;
            }
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = path.to_string_lossy();
            let whole = |re: &Regex| {
                re.captures(&text).filter(|c| c.get(0).is_some_and(|m| m.start() == 0 && m.end() == text.len()))
            };
            let Some(caps) = whole(pattern) else {
                if whole(undated).is_some() {
                    why.undated += 1;
                    out.push(path);
                } else {
                    why.not_matching += 1;
                }
                continue;
            };
            match caps.name("date") {
                Some(d) => match chrono::NaiveDate::parse_from_str(d.as_str(), "%Y%m%d") {
                    Ok(date) if widened.contains(date) => {}
                    _ => {
                        why.outside_interval += 1;
                        continue;
                    }
                },
                None => why.undated += 1,
            }
            out.push(path);
        }
    }
    out.sort();
    why.read = out.len();
    Ok((out, why))
}

/// What the map pass did.
pub struct MapOutput {
    /// Rows written per table.
    pub written: BTreeMap<String, u64>,
    pub counters: Counters,
    /// Files that were damaged or unreadable (counted, named, read up to the damage).
    pub damaged: Vec<DamagedFile>,
}

/// Runs every map job in one pass over `files` and stages their partitions. A damaged or unreadable file is
/// read up to the damage and reported, never fatal: the caller applies the bad-input threshold.
pub fn run(
    jobs: &[MapJob],
    files: &[PathBuf],
    staging: &mut Staging,
    ccx_enabled: bool,
    progress: &mut dyn FnMut(usize, u64),
) -> Result<MapOutput> {
    let mut names: Vec<&str> = jobs.iter().map(|j| j.extractor.as_str()).collect();
    names.sort();
    names.dedup();
    let span = jobs.iter().map(|j| j.window).reduce(|a, b| a.union(&b));
    let Some(span) = span else {
        return Ok(MapOutput { written: BTreeMap::new(), counters: Counters::default(), damaged: vec![] });
    };
    let opts = ScanOptions {
        interval: Some((span.start.format("%Y-%m-%d").to_string(), span.end.format("%Y-%m-%d").to_string())),
        ccx_enabled,
    };
    // (job, day) -> rows; with count_as, identical rows are counted instead of repeated.
    let mut plain: Vec<BTreeMap<String, Vec<Row>>> = jobs.iter().map(|_| BTreeMap::new()).collect();
    let mut counted: Vec<BTreeMap<String, BTreeMap<Row, u64>>> = jobs.iter().map(|_| BTreeMap::new()).collect();
    let by_extractor: Vec<Vec<usize>> = names
        .iter()
        .map(|n| jobs.iter().enumerate().filter(|(_, j)| j.extractor == *n).map(|(i, _)| i).collect())
        .collect();
    let mut counters = Counters::default();
    let mut damaged = Vec::new();
    let mut bytes = 0u64;
    for (done, f) in files.iter().enumerate() {
        let mut emit = |ex: usize, day: &str, fields: &[Option<&str>]| {
            let Ok(date) = chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d") else { return };
            for &j in by_extractor.get(ex).into_iter().flatten() {
                if !jobs[j].window.contains(date) {
                    continue;
                }
                let row: Row = fields.iter().map(|f| f.map(str::to_string)).collect();
                if jobs[j].count_as.is_some() {
                    *counted[j].entry(day.to_string()).or_default().entry(row).or_default() += 1;
                } else {
                    plain[j].entry(day.to_string()).or_default().push(row);
                }
            }
        };
        let damage = events::scan_file_checked(f, &names, &opts, &mut counters, &mut emit)
            .with_context(|| format!("cannot read {}", f.display()))?;
        if let Some(d) = damage {
            damaged.push(DamagedFile {
                path: f.display().to_string(),
                kind: d.kind().to_string(),
                reason: d.to_string(),
            });
        }
        bytes += std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        progress(done + 1, bytes);
    }
    let mut written = BTreeMap::new();
    for (j, job) in jobs.iter().enumerate() {
        let mut total = 0;
        for day in job.window.days() {
            let dt = day.format("%Y-%m-%d").to_string();
            let rows: Vec<Row> = if job.count_as.is_some() {
                counted[j]
                    .remove(&dt)
                    .unwrap_or_default()
                    .into_iter()
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
