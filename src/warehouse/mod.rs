//! The warehouse of record: `<root>/<table>/dt=<value>/part-00000` Hive text files plus a `_SUCCESS` marker,
//! the same bytes Hive reads on a cluster. A run never writes here directly: it writes into its [`Staging`]
//! area and publishes every partition together once the whole run has succeeded.

pub mod fs;
pub mod hdfs;
mod staging;

pub use fs::{Entry, FileWriter, Fs, FsExt, LocalFs};
pub use staging::{recover, Committed, Published, Recovered, Staging, StagingView};

use crate::hive_text;
use anyhow::Result;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub type Row = Vec<Option<String>>;

/// The data files of a partition: how messages name each, and its bytes.
pub type DataFiles = Vec<(String, Vec<u8>)>;

/// The data files of a partition as streams: how messages name each, and its reader.
pub type DataStreams = Vec<(String, Box<dyn std::io::Read + Send>)>;

/// Reads warehouse partitions: the published warehouse, or a run's view of it (its own staged partitions first).
/// Sinks load through this trait, so they read an engine's outputs the same way whichever engine wrote them.
pub trait WarehouseRead {
    /// The data files of partition `dt` of `table` (name order): how messages name each, and its bytes; none when
    /// the partition does not exist. Readers that build columns parse these without a string per cell.
    fn partition_data(&self, table: &str, dt: &str) -> Result<DataFiles>;
    /// The bytes of the data files of partition `dt` of `table` (0 when it does not exist), without reading them:
    /// what a reader that streams partitions tells its query planner about the input's size.
    fn partition_bytes(&self, table: &str, dt: &str) -> Result<u64>;
    /// The data files of partition `dt` of `table` as streams (name order), for readers that take a large
    /// partition a piece at a time: how messages name each, and its reader.
    fn open_partition(&self, table: &str, dt: &str) -> Result<DataStreams>;
    /// The marker or side file `name` of partition `dt` of `table` (a sorted copy, say) as a stream; `None` when
    /// it is not there.
    fn open_partition_file(&self, table: &str, dt: &str, name: &str) -> Result<Option<Box<dyn std::io::Read + Send>>>;
    /// Rows of partition `dt` of `table`, each with `width` fields; a missing partition reads as empty.
    fn read_partition(&self, table: &str, dt: &str, width: usize) -> Result<Vec<Row>> {
        let mut rows = Vec::new();
        for (name, bytes) in self.partition_data(table, dt)? {
            parse_rows(&name, &bytes, width, &mut rows)?;
        }
        Ok(rows)
    }
    /// A file under the warehouse root (API snapshots such as `discovery_api_raw/dt=.../course_runs.json`); `None`
    /// when it does not exist.
    fn read_file(&self, rel: &str) -> Result<Option<Vec<u8>>>;
    /// How messages name the file `rel`.
    fn describe_file(&self, rel: &str) -> String;
}

/// The published warehouse: a root directory on some filesystem.
#[derive(Clone)]
pub struct Warehouse {
    pub fs: Arc<dyn Fs>,
    pub root: PathBuf,
}

impl Warehouse {
    pub fn new(fs: Arc<dyn Fs>, root: impl Into<PathBuf>) -> Self {
        Self { fs, root: root.into() }
    }

    /// A warehouse on local disk.
    pub fn local(root: impl Into<PathBuf>) -> Self {
        Self::new(Arc::new(LocalFs), root)
    }

    /// How messages name the warehouse.
    pub fn describe(&self) -> String {
        self.fs.describe(&self.root)
    }

    /// Lines in the data files of a partition (its row count); `None` when the partition does not exist.
    pub fn count_rows(&self, table: &str, dt: &str) -> Result<Option<u64>> {
        count_rows_in(self.fs.as_ref(), &partition_dir(&self.root, table, dt))
    }

    /// The `dt=` values present for a table, sorted.
    pub fn partitions(&self, table: &str) -> Result<Vec<String>> {
        let mut out: Vec<String> = self
            .fs
            .list(&self.root.join(table))?
            .into_iter()
            .filter(|e| e.is_dir)
            .filter_map(|e| e.name.strip_prefix("dt=").map(str::to_string))
            .collect();
        out.sort();
        Ok(out)
    }
}

impl WarehouseRead for Warehouse {
    fn partition_data(&self, table: &str, dt: &str) -> Result<DataFiles> {
        dir_data(self.fs.as_ref(), &partition_dir(&self.root, table, dt))
    }
    fn partition_bytes(&self, table: &str, dt: &str) -> Result<u64> {
        dir_bytes(self.fs.as_ref(), &partition_dir(&self.root, table, dt))
    }
    fn open_partition(&self, table: &str, dt: &str) -> Result<DataStreams> {
        dir_streams(self.fs.as_ref(), &partition_dir(&self.root, table, dt))
    }
    fn open_partition_file(&self, table: &str, dt: &str, name: &str) -> Result<Option<Box<dyn std::io::Read + Send>>> {
        self.fs.open(&partition_dir(&self.root, table, dt).join(name))
    }
    fn read_file(&self, rel: &str) -> Result<Option<Vec<u8>>> {
        self.fs.read(&self.root.join(rel))
    }
    fn describe_file(&self, rel: &str) -> String {
        self.fs.describe(&self.root.join(rel))
    }
}

pub fn partition_dir(root: &Path, table: &str, dt: &str) -> PathBuf {
    root.join(table).join(format!("dt={dt}"))
}

/// Whether a partition was completely written (has `_SUCCESS`), on local disk.
pub fn is_complete(root: &Path, table: &str, dt: &str) -> bool {
    partition_dir(root, table, dt).join("_SUCCESS").is_file()
}

/// The one data file of a partition edxc writes.
pub const PART_FILE: &str = "part-00000";

/// The marker of a complete partition.
pub const SUCCESS: &str = "_SUCCESS";

/// Writes `rows` as a complete partition directory `dir` (which must not exist yet): `part-00000` (synced) and
/// the `_SUCCESS` marker. Callers write into a staging place and rename the directory into the warehouse.
pub fn write_partition_dir(fs: &dyn Fs, dir: &Path, rows: &[Row]) -> Result<u64> {
    let mut text = Vec::new();
    for r in rows {
        hive_text::write_row(r, &mut text)?;
    }
    write_partition_dir_text(fs, dir, &text)?;
    Ok(rows.len() as u64)
}

/// [`write_partition_dir`] of rows already encoded as Hive text lines.
pub fn write_partition_dir_text(fs: &dyn Fs, dir: &Path, text: &[u8]) -> Result<()> {
    fs.create_dir_all(dir)?;
    fs.write(&dir.join(PART_FILE), text)?;
    fs.write(&dir.join(SUCCESS), b"")
}

/// Lines in the data files of a partition directory; `None` when it does not exist.
pub fn count_rows_in(fs: &dyn Fs, dir: &Path) -> Result<Option<u64>> {
    if !fs.is_dir(dir)? {
        return Ok(None);
    }
    let mut n = 0u64;
    for f in data_files(fs, dir)? {
        let bytes = fs.read(&f)?.unwrap_or_default();
        n += bytes.iter().filter(|&&b| b == b'\n').count() as u64;
        if bytes.last().is_some_and(|&b| b != b'\n') {
            n += 1;
        }
    }
    Ok(Some(n))
}

/// Lines in the data files of a local partition (its row count); `None` when the partition does not exist.
pub fn count_rows(root: &Path, table: &str, dt: &str) -> Result<Option<u64>> {
    Warehouse::local(root).count_rows(table, dt)
}

/// Every data file of a partition (names starting with `_` or `.` are markers), in name order.
pub fn data_files(fs: &dyn Fs, dir: &Path) -> Result<Vec<PathBuf>> {
    Ok(fs.list(dir)?.into_iter().filter(is_data_file).map(|e| dir.join(e.name)).collect())
}

/// Whether a listed entry of a partition directory is a data file (names starting with `_` or `.` are markers).
fn is_data_file(e: &Entry) -> bool {
    !e.is_dir && !e.name.starts_with('_') && !e.name.starts_with('.')
}

/// Reads a local partition; a missing partition reads as empty. Each row must have `width` fields.
pub fn read_partition(root: &Path, table: &str, dt: &str, width: usize) -> Result<Vec<Row>> {
    Warehouse::local(root).read_partition(table, dt, width)
}

/// The bytes of every data file of the partition directory `dir` (missing: 0).
pub fn dir_bytes(fs: &dyn Fs, dir: &Path) -> Result<u64> {
    Ok(fs.list(dir)?.into_iter().filter(is_data_file).map(|e| e.size).sum())
}

/// Every data file of the partition directory `dir` as a stream (missing: none).
pub fn dir_streams(fs: &dyn Fs, dir: &Path) -> Result<DataStreams> {
    let mut out = Vec::new();
    for f in data_files(fs, dir)? {
        if let Some(r) = fs.open(&f)? {
            out.push((fs.describe(&f), r));
        }
    }
    Ok(out)
}

/// Every data file of the partition directory `dir` with its bytes (missing: none).
pub fn dir_data(fs: &dyn Fs, dir: &Path) -> Result<DataFiles> {
    let mut out = Vec::new();
    for f in data_files(fs, dir)? {
        out.push((fs.describe(&f), fs.read(&f)?.unwrap_or_default()));
    }
    Ok(out)
}

/// The lines of a data file, without terminators (a final line without `\n` counts; an empty file has none).
pub fn lines(bytes: &[u8]) -> impl Iterator<Item = &[u8]> {
    let body = bytes.strip_suffix(b"\n").unwrap_or(bytes);
    body.split(|&b| b == b'\n').take(if bytes.is_empty() { 0 } else { usize::MAX })
}

/// Parses the Hive text of the data file `name` into `rows`, each with `width` fields.
pub fn parse_rows(name: &str, bytes: &[u8], width: usize, rows: &mut Vec<Row>) -> Result<()> {
    for (n, line) in lines(bytes).enumerate() {
        let text = String::from_utf8_lossy(line);
        let row = hive_text::split_line(&text);
        if row.len() != width {
            anyhow::bail!("{name}:{}: expected {width} fields, found {}", n + 1, row.len());
        }
        rows.push(row);
    }
    Ok(())
}

/// Reads every data file of the partition directory `dir` (missing: no rows).
pub fn read_partition_dir(fs: &dyn Fs, dir: &Path, width: usize) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (name, bytes) in dir_data(fs, dir)? {
        parse_rows(&name, &bytes, width, &mut rows)?;
    }
    Ok(rows)
}

/// The `dt=` values present for a local table, sorted.
pub fn partitions(root: &Path, table: &str) -> Result<Vec<String>> {
    Warehouse::local(root).partitions(table)
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
