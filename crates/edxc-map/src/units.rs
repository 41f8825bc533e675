//! Units of work for several scanning workers: whole files, and byte ranges of large plain files (each range holds
//! the lines that start in it, so every line is read by exactly one worker). Shared by `edxc-map --jobs` and the
//! embedded engine's map step.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// Plain files at least this large are split into byte ranges when several workers run.
pub const SPLIT_BYTES: u64 = 64 << 20;

/// A piece of one input file: the whole file, or the lines starting in `start..end` of a plain one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    pub path: PathBuf,
    pub range: Option<(u64, u64)>,
}

/// The units for `files` and `jobs` workers, in file order (a file's ranges in byte order). A file that cannot be
/// examined (missing, unreadable, not a regular file) stays whole, so that the worker scanning it reports it.
pub fn units<P: AsRef<Path>>(files: &[P], jobs: usize, split_bytes: u64) -> Vec<Unit> {
    let mut out = Vec::new();
    for f in files {
        let f = f.as_ref();
        let whole = Unit { path: f.to_path_buf(), range: None };
        let len = std::fs::metadata(f).ok().filter(|m| m.is_file()).map_or(0, |m| m.len());
        if jobs <= 1 || f.extension().is_some_and(|e| e == "gz") || len < split_bytes.max(1) {
            out.push(whole);
            continue;
        }
        match ranges(f, len, jobs) {
            Ok(r) => out.extend(r.into_iter().map(|range| Unit { path: f.to_path_buf(), range: Some(range) })),
            Err(_) => out.push(whole),
        }
    }
    out
}

/// The byte ranges of a plain file of `len` bytes, one per worker, each starting at a line start.
fn ranges(f: &Path, len: u64, jobs: usize) -> io::Result<Vec<(u64, u64)>> {
    let mut file = File::open(f)?;
    let step = len.div_ceil(jobs as u64);
    let mut out = Vec::new();
    let mut start = 0;
    while start < len {
        let end = line_start_at(&mut file, (start + step).min(len), len)?;
        out.push((start, end));
        start = end;
    }
    Ok(out)
}

/// The offset where the first line starting at or after `offset` begins (lines start after a `\n`).
fn line_start_at(file: &mut File, offset: u64, len: u64) -> io::Result<u64> {
    if offset == 0 || offset >= len {
        return Ok(offset.min(len));
    }
    file.seek(SeekFrom::Start(offset - 1))?;
    let mut pos = offset - 1;
    let mut buf = [0u8; 64 << 10];
    loop {
        let n = file.read(&mut buf)?;
        if n == 0 {
            return Ok(len);
        }
        if let Some(i) = memchr::memchr(b'\n', &buf[..n]) {
            return Ok(pos + i as u64 + 1);
        }
        pos += n as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_cover_the_file_and_start_at_line_starts() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("t.log");
        let text: String = (0..1000).map(|i| format!("line {i} {}\n", "x".repeat(i % 37))).collect();
        std::fs::write(&p, &text).unwrap();
        for jobs in [2, 3, 7] {
            let u = units(&[&p], jobs, 1);
            assert!(u.len() >= 2, "{jobs}: {u:?}");
            let mut at = 0;
            for unit in &u {
                let (s, e) = unit.range.unwrap();
                assert_eq!(s, at);
                assert!(s == 0 || text.as_bytes()[s as usize - 1] == b'\n');
                at = e;
            }
            assert_eq!(at, text.len() as u64);
        }
        assert_eq!(units(&[&p], 1, 1), vec![Unit { path: p.clone(), range: None }]);
        let gz = dir.path().join("t.log.gz");
        std::fs::write(&gz, &text).unwrap();
        assert_eq!(units(&[&gz], 4, 1), vec![Unit { path: gz.clone(), range: None }]);
        let missing = dir.path().join("missing.log");
        assert_eq!(units(&[&missing], 4, 1), vec![Unit { path: missing.clone(), range: None }]);
    }
}
