//! The warehouse of record: `<root>/<table>/dt=<value>/part-00000` Hive text files plus a `_SUCCESS` marker,
//! the same bytes Hive reads on a cluster. Partitions are replaced atomically (write aside, then rename).

use crate::hive_text;
use anyhow::{Context, Result};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};

pub type Row = Vec<Option<String>>;

pub fn partition_dir(root: &Path, table: &str, dt: &str) -> PathBuf {
    root.join(table).join(format!("dt={dt}"))
}

/// Whether a partition was completely written (has `_SUCCESS`).
pub fn is_complete(root: &Path, table: &str, dt: &str) -> bool {
    partition_dir(root, table, dt).join("_SUCCESS").is_file()
}

/// Replaces partition `dt` of `table` with `rows`. Readers never see a half-written partition.
pub fn write_partition(root: &Path, table: &str, dt: &str, rows: &[Row]) -> Result<u64> {
    let final_dir = partition_dir(root, table, dt);
    let parent = final_dir.parent().context("partition has no parent directory")?;
    std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    let tmp = parent.join(format!(".dt={dt}.tmp-{}", std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)?;
    }
    std::fs::create_dir_all(&tmp)?;
    {
        let f = std::fs::File::create(tmp.join("part-00000"))?;
        let mut w = BufWriter::new(f);
        for r in rows {
            hive_text::write_row(r, &mut w)?;
        }
        w.flush()?;
    }
    std::fs::File::create(tmp.join("_SUCCESS"))?;
    let old = parent.join(format!(".dt={dt}.old-{}", std::process::id()));
    if final_dir.exists() {
        std::fs::rename(&final_dir, &old)?;
    }
    std::fs::rename(&tmp, &final_dir).with_context(|| format!("cannot move partition into {}", final_dir.display()))?;
    if old.exists() {
        std::fs::remove_dir_all(&old)?;
    }
    Ok(rows.len() as u64)
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
    let dir = partition_dir(root, table, dt);
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
