//! The map step on one machine: select tracking-log files by the date in their name, then one pass over them feeds
//! every extractor of the run (N workflows cost one scan). Output: one warehouse partition per day of each window.

use crate::engine::{DamagedFile, FileSelection};
use crate::events::{self, Counters, ScanOptions};
use crate::graph::interval::Interval;
use crate::warehouse::{Row, Staging};
use anyhow::{bail, Context, Result};
use regex::Regex;
use std::collections::{BTreeMap, HashMap};
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
    // (job, day) -> rows; with count_as, identical rows are counted instead of repeated, keyed by a compact
    // encoding of the row so that a row seen before costs no allocation (most activity rows repeat).
    let mut plain: Vec<HashMap<String, Vec<Row>>> = jobs.iter().map(|_| HashMap::new()).collect();
    let mut counted: Vec<HashMap<String, HashMap<Vec<u8>, u64>>> = jobs.iter().map(|_| HashMap::new()).collect();
    let by_extractor: Vec<Vec<usize>> = names
        .iter()
        .map(|n| jobs.iter().enumerate().filter(|(_, j)| j.extractor == *n).map(|(i, _)| i).collect())
        .collect();
    let mut counters = Counters::default();
    let mut damaged = Vec::new();
    let mut bytes = 0u64;
    let mut key = Vec::new();
    let mut last_day: Option<(String, chrono::NaiveDate)> = None;
    for (done, f) in files.iter().enumerate() {
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
                if !jobs[j].window.contains(date) {
                    continue;
                }
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
