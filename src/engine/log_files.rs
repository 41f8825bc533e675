//! Which tracking-log files a run reads, on any filesystem ([`Fs`]: local disk for the embedded engine, the
//! cluster's through its gateway or NameNode): by the date in their names around a window, or by `include` globs.
//! One implementation, so the embedded run, the cluster's input digest and `edxc plan` select the same files.

use crate::engine::FileSelection;
use crate::graph::interval::Interval;
use crate::warehouse::{Entry, Fs, FsExt, LocalFs};
use anyhow::{bail, Result};
use regex::Regex;
use std::path::{Path, PathBuf};

pub use crate::config::engine_config::{DEFAULT_PATTERN, DEFAULT_UNDATED_PATTERN};

/// Why a selection left a file (or a hidden directory) out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    Hidden,
    NotMatching,
    OutsideInterval,
}

/// The files selected, why the others were not, and each file or hidden directory left out with the reason.
pub type Noted = (Vec<PathBuf>, FileSelection, Vec<(PathBuf, Skip)>);

/// A selected file with what its listing said (size, modification time): what an input digest is made of.
pub type Listed = Vec<(PathBuf, Entry)>;

/// [`Noted`] with each selected file's listing entry.
pub type NotedListed = (Listed, FileSelection, Vec<(PathBuf, Skip)>);

/// Every file under the `roots` (recursively) whose whole path matches one of `patterns` (the first that matches
/// decides: when its `date` group matched, only files dated in `[start - expand, end + expand)`) or `undated`
/// (always read: files without a date in their name). Also says why the other files were not selected.
pub fn select_files(
    roots: &[PathBuf],
    patterns: &[Regex],
    undated: Option<&Regex>,
    window: &Interval,
    expand_days: i64,
) -> Result<(Vec<PathBuf>, FileSelection)> {
    select_files_noting(roots, patterns, undated, Some(window), expand_days).map(|(files, why, _)| (files, why))
}

/// [`select_files`] on local disk, also naming every file and hidden directory it left out, with the reason.
/// Without a window, a dated file is selected whatever its date.
pub fn select_files_noting(
    roots: &[PathBuf],
    patterns: &[Regex],
    undated: Option<&Regex>,
    window: Option<&Interval>,
    expand_days: i64,
) -> Result<Noted> {
    let (listed, why, skipped) = select_files_on(&LocalFs, roots, patterns, undated, window, expand_days)?;
    Ok((listed.into_iter().map(|(p, _)| p).collect(), why, skipped))
}

/// [`select_files_noting`] on any filesystem, with each selected file's listing entry.
pub fn select_files_on(
    fs: &dyn Fs,
    roots: &[PathBuf],
    patterns: &[Regex],
    undated: Option<&Regex>,
    window: Option<&Interval>,
    expand_days: i64,
) -> Result<NotedListed> {
    for root in roots {
        if !fs.is_dir(root)? {
            bail!(
                "tracking log directory {} does not exist (set tracking_logs in the profile or --var \
                 tracking_logs=DIR)",
                fs.describe(root)
            );
        }
    }
    let widened = window.map(|w| w.expand(expand_days));
    let mut out = Vec::new();
    let mut why = FileSelection::default();
    let (files, hidden) = walk(fs, roots)?;
    why.hidden = hidden.len();
    let mut skipped: Vec<(PathBuf, Skip)> = hidden.into_iter().map(|p| (p, Skip::Hidden)).collect();
    for (path, entry) in files {
        let text = path.to_string_lossy();
        let whole = |re: &Regex| {
            re.captures(&text).filter(|c| c.get(0).is_some_and(|m| m.start() == 0 && m.end() == text.len()))
        };
        let Some(caps) = patterns.iter().find_map(whole) else {
            if undated.is_some_and(|u| whole(u).is_some()) {
                why.undated += 1;
                out.push((path, entry));
            } else {
                why.not_matching += 1;
                skipped.push((path, Skip::NotMatching));
            }
            continue;
        };
        match caps.name("date") {
            Some(d) => match chrono::NaiveDate::parse_from_str(d.as_str(), "%Y%m%d") {
                Ok(date) if widened.as_ref().is_none_or(|w| w.contains(date)) => {}
                _ => {
                    why.outside_interval += 1;
                    skipped.push((path, Skip::OutsideInterval));
                    continue;
                }
            },
            None => why.undated += 1,
        }
        out.push((path, entry));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out.dedup_by(|a, b| a.0 == b.0);
    why.read = out.len();
    Ok((out, why, skipped))
}

/// Every file under `root` (recursively) whose path relative to `root` matches one of `globs`, as the original
/// `PathSetTask` selects (docs/contract.md §1.7); also how many did not. Names starting with `.` or `_` (markers,
/// files being written) are skipped as the dated selection skips them: Hadoop's input formats skip them too, so a
/// cluster run would not read them either.
pub fn select_included(root: &Path, globs: &[Regex]) -> Result<(Vec<PathBuf>, FileSelection)> {
    let (listed, why) = select_included_on(&LocalFs, root, globs)?;
    Ok((listed.into_iter().map(|(p, _)| p).collect(), why))
}

/// [`select_included`] on any filesystem, with each selected file's listing entry.
pub fn select_included_on(fs: &dyn Fs, root: &Path, globs: &[Regex]) -> Result<(Listed, FileSelection)> {
    if !fs.is_dir(root)? {
        bail!(
            "tracking log directory {} does not exist (set tracking_logs in the profile or --var tracking_logs=DIR)",
            fs.describe(root)
        );
    }
    let mut out = Vec::new();
    let mut why = FileSelection::default();
    let (files, hidden) = walk(fs, std::slice::from_ref(&root.to_path_buf()))?;
    why.hidden = hidden.len();
    for (path, entry) in files {
        let rel = path.strip_prefix(root).unwrap_or(&path).to_string_lossy().to_string();
        if crate::config::include::matches(globs, &rel) {
            out.push((path, entry));
        } else {
            why.not_matching += 1;
        }
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    why.read = out.len();
    why.undated = out.len();
    Ok((out, why))
}

/// Every file below `roots`, and the hidden names (`.x`, `_x`: markers, files being written) not descended into.
fn walk(fs: &dyn Fs, roots: &[PathBuf]) -> Result<(Listed, Vec<PathBuf>)> {
    let (mut files, mut hidden) = (Vec::new(), Vec::new());
    let mut stack: Vec<PathBuf> = roots.to_vec();
    while let Some(dir) = stack.pop() {
        for entry in fs.list(&dir)? {
            let path = dir.join(&entry.name);
            if entry.name.starts_with('.') || entry.name.starts_with('_') {
                hidden.push(path);
            } else if entry.is_dir {
                stack.push(path);
            } else {
                files.push((path, entry));
            }
        }
    }
    Ok((files, hidden))
}

/// A digest of the files' listing (path, size, modification time): it changes when a file is added, removed,
/// rewritten or touched.
pub fn digest(files: &Listed) -> String {
    use sha2::Digest as _;
    let mut h = sha2::Sha256::new();
    for (path, e) in files {
        h.update(format!("{}\0{}\0{:?}\n", path.display(), e.size, e.modified).as_bytes());
    }
    h.finalize().iter().map(|b| format!("{b:02x}")).collect()
}
