//! The warehouse of record: `<root>/<table>/dt=<value>/part-00000` Hive text files plus a `_SUCCESS` marker,
//! the same bytes Hive reads on a cluster. A run never writes here directly: it writes into its [`Staging`]
//! area and publishes every partition together once the whole run has succeeded.

mod staging;

pub use staging::{recover, Committed, Published, Recovered, Staging};

use crate::hive_text;
use anyhow::{Context, Result};
use std::io::{BufRead, BufReader, BufWriter};
use std::path::{Path, PathBuf};

pub type Row = Vec<Option<String>>;

/// Reads warehouse partitions: the published warehouse, or a run's view of it (its own staged partitions first).
/// Sinks load through this trait, so they read an engine's outputs the same way whichever engine wrote them.
pub trait WarehouseRead {
    /// Rows of partition `dt` of `table`, each with `width` fields; a missing partition reads as empty.
    fn read_partition(&self, table: &str, dt: &str, width: usize) -> Result<Vec<Row>>;
    /// A file under the warehouse root (API snapshots such as `discovery_api_raw/dt=.../course_runs.json`).
    fn file(&self, rel: &str) -> PathBuf;
}

/// The published warehouse on local disk.
pub struct LocalWarehouse {
    pub root: PathBuf,
}

impl WarehouseRead for LocalWarehouse {
    fn read_partition(&self, table: &str, dt: &str, width: usize) -> Result<Vec<Row>> {
        read_partition(&self.root, table, dt, width)
    }
    fn file(&self, rel: &str) -> PathBuf {
        self.root.join(rel)
    }
}

pub fn partition_dir(root: &Path, table: &str, dt: &str) -> PathBuf {
    root.join(table).join(format!("dt={dt}"))
}

/// Whether a partition was completely written (has `_SUCCESS`).
pub fn is_complete(root: &Path, table: &str, dt: &str) -> bool {
    partition_dir(root, table, dt).join("_SUCCESS").is_file()
}

/// Writes `rows` as a complete partition directory `dir` (which must not exist yet): `part-00000` (synced to disk)
/// and the `_SUCCESS` marker. Callers write into a staging place and rename the directory into the warehouse.
pub fn write_partition_dir(dir: &Path, rows: &[Row]) -> Result<u64> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let part = dir.join("part-00000");
    let f = std::fs::File::create(&part).with_context(|| format!("cannot create {}", part.display()))?;
    let mut w = BufWriter::new(f);
    for r in rows {
        hive_text::write_row(r, &mut w)?;
    }
    w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    std::fs::File::create(dir.join("_SUCCESS"))?;
    Ok(rows.len() as u64)
}

/// Lines in the data files of a partition (its row count); `None` when the partition does not exist.
pub fn count_rows(root: &Path, table: &str, dt: &str) -> Result<Option<u64>> {
    let dir = partition_dir(root, table, dt);
    if !dir.is_dir() {
        return Ok(None);
    }
    let mut n = 0u64;
    for f in data_files(&dir)? {
        let mut r = BufReader::new(std::fs::File::open(&f).with_context(|| format!("cannot read {}", f.display()))?);
        let mut last = b'\n';
        loop {
            let buf = r.fill_buf().with_context(|| format!("cannot read {}", f.display()))?;
            let Some(&end) = buf.last() else { break };
            n += buf.iter().filter(|&&b| b == b'\n').count() as u64;
            last = end;
            let len = buf.len();
            r.consume(len);
        }
        if last != b'\n' {
            n += 1;
        }
    }
    Ok(Some(n))
}

/// Every data file of a partition (names starting with `_` or `.` are markers), in name order.
pub fn data_files(dir: &Path) -> Result<Vec<PathBuf>> {
    if !dir.is_dir() {
        return Ok(vec![]);
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| !n.starts_with('_') && !n.starts_with('.')))
        .collect();
    files.sort();
    Ok(files)
}

/// Reads a partition; a missing partition reads as empty. Each row must have `width` fields.
pub fn read_partition(root: &Path, table: &str, dt: &str, width: usize) -> Result<Vec<Row>> {
    read_partition_dir(&partition_dir(root, table, dt), width)
}

/// Reads every data file of the partition directory `dir` (missing: no rows).
pub fn read_partition_dir(dir: &Path, width: usize) -> Result<Vec<Row>> {
    let dir = dir.to_path_buf();
    let mut rows = Vec::new();
    for f in data_files(&dir)? {
        let r = BufReader::new(std::fs::File::open(&f).with_context(|| format!("cannot open {}", f.display()))?);
        for (n, line) in r.split(b'\n').enumerate() {
            let line = line?;
            let text = String::from_utf8_lossy(&line);
            let row = hive_text::split_line(&text);
            if row.len() != width {
                anyhow::bail!("{}:{}: expected {width} fields, found {}", f.display(), n + 1, row.len());
            }
            rows.push(row);
        }
    }
    Ok(rows)
}

/// The `dt=` values present for a table, sorted.
pub fn partitions(root: &Path, table: &str) -> Result<Vec<String>> {
    let dir = root.join(table);
    if !dir.is_dir() {
        return Ok(vec![]);
    }
    let mut out: Vec<String> = std::fs::read_dir(&dir)?
        .filter_map(|e| e.ok())
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.strip_prefix("dt=")).map(str::to_string))
        .collect();
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_rows_without_reading_whole_files() {
        let tmp = tempfile::tempdir().unwrap();
        assert_eq!(count_rows(tmp.path(), "t", "d").unwrap(), None);
        let dir = partition_dir(tmp.path(), "t", "d");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("part-00000"), "a\nb\n").unwrap();
        std::fs::write(dir.join("part-00001"), "c").unwrap();
        std::fs::write(dir.join("_SUCCESS"), "x\ny\n").unwrap();
        assert_eq!(count_rows(tmp.path(), "t", "d").unwrap(), Some(3));
    }
}
