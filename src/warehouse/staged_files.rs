//! Files a run publishes outside the warehouse (a `csv` sink's reports, on local disk), in the same all-or-nothing
//! publish as its partitions (`staging.rs`).
//!
//! Each file is first written whole to a temporary file beside its target (`.<name>.edxc-<run id>.tmp`, same
//! directory, so the swap is a rename on one file system) and synced. Publishing renames an existing target to
//! `.<name>.edxc-<run id>.bak` and the temporary file onto the target. Undoing puts every backup back and removes
//! the targets that were new, plus the directories the run created. The list of files is kept in the run's staging
//! area before any temporary file is written, so the next run can settle a killed one: without a publish journal
//! it only removes the temporary files; with one, it undoes or finishes the publish with the partitions.

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// One file of a run: its target and the run's temporary and backup names beside it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct StagedFile {
    pub target: PathBuf,
    pub temp: PathBuf,
    pub backup: PathBuf,
    /// Directories above the target that did not exist before the run, outermost first.
    pub created_dirs: Vec<PathBuf>,
}

impl StagedFile {
    /// The names of `target`'s run files for `run_id`, and the directories the run will have to create.
    pub fn plan(target: &Path, run_id: &str) -> Result<Self> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .with_context(|| format!("{} is not a file path", target.display()))?;
        let dir = target.parent().unwrap_or(Path::new("."));
        let mut created_dirs = Vec::new();
        let mut d = Some(dir);
        while let Some(p) = d.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            created_dirs.push(p.to_path_buf());
            d = p.parent();
        }
        created_dirs.reverse();
        Ok(Self {
            target: target.to_path_buf(),
            temp: dir.join(format!(".{name}.edxc-{run_id}.tmp")),
            backup: dir.join(format!(".{name}.edxc-{run_id}.bak")),
            created_dirs,
        })
    }

    /// Writes the temporary file (creating the directories) and syncs it.
    pub fn write(&self, bytes: &[u8]) -> Result<()> {
        use std::io::Write;
        for d in &self.created_dirs {
            if !d.exists() {
                std::fs::create_dir(d).with_context(|| format!("cannot create {}", d.display()))?;
            }
        }
        let mut f =
            std::fs::File::create(&self.temp).with_context(|| format!("cannot write {}", self.temp.display()))?;
        f.write_all(bytes).and_then(|()| f.sync_all()).with_context(|| format!("cannot write {}", self.temp.display()))
    }

    /// Moves the old target (if any) to the backup and the temporary file onto the target.
    pub fn swap_in(&self) -> Result<()> {
        if self.target.exists() {
            std::fs::rename(&self.target, &self.backup)
                .with_context(|| format!("cannot set {} aside", self.target.display()))?;
        }
        std::fs::rename(&self.temp, &self.target).with_context(|| format!("cannot publish {}", self.target.display()))
    }

    /// Reverses [`StagedFile::swap_in`] whatever step it reached. Only for files whose temporary file was
    /// written (a publish journal exists): a missing temporary file then means it became the target.
    pub fn undo(&self) -> Result<()> {
        if self.backup.exists() {
            std::fs::rename(&self.backup, &self.target)
                .with_context(|| format!("cannot restore {}", self.target.display()))?;
        } else if !self.temp.exists() && self.target.exists() {
            std::fs::remove_file(&self.target).with_context(|| format!("cannot remove {}", self.target.display()))?;
        }
        self.discard()
    }

    /// Removes the temporary file and the directories the run created (when empty); the target is not touched.
    pub fn discard(&self) -> Result<()> {
        if self.temp.exists() {
            std::fs::remove_file(&self.temp).with_context(|| format!("cannot remove {}", self.temp.display()))?;
        }
        for d in self.created_dirs.iter().rev() {
            let _ = std::fs::remove_dir(d);
        }
        Ok(())
    }

    /// After the commit: the old file is not needed any more.
    pub fn finish(&self) -> Result<()> {
        if self.backup.exists() {
            std::fs::remove_file(&self.backup).with_context(|| format!("cannot remove {}", self.backup.display()))?;
        }
        Ok(())
    }
}

/// Runs `f` on every file, all of them even when some fail; the first error is returned.
pub fn each(files: &[StagedFile], f: impl Fn(&StagedFile) -> Result<()>) -> Result<()> {
    let mut first = None;
    for file in files {
        if let Err(e) = f(file) {
            first.get_or_insert(e);
        }
    }
    first.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swap_undo_and_finish() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("old.csv");
        std::fs::write(&old, "old").unwrap();
        let new = dir.path().join("a/b/new.csv");
        let files: Vec<StagedFile> = [&old, &new].iter().map(|t| StagedFile::plan(t, "r1").unwrap()).collect();
        assert_eq!(files[1].created_dirs, [dir.path().join("a"), dir.path().join("a/b")]);
        for f in &files {
            f.write(b"fresh").unwrap();
        }
        each(&files, StagedFile::swap_in).unwrap();
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "fresh");
        assert_eq!(std::fs::read_to_string(&new).unwrap(), "fresh");
        each(&files, StagedFile::undo).unwrap();
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "old");
        assert!(!dir.path().join("a").exists());
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["old.csv"]);

        for f in &files {
            f.write(b"again").unwrap();
        }
        each(&files, StagedFile::swap_in).unwrap();
        each(&files, StagedFile::finish).unwrap();
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "again");
        let mut names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, ["a", "old.csv"]);
    }

    #[test]
    fn discard_leaves_targets_alone() {
        let dir = tempfile::tempdir().unwrap();
        let t = dir.path().join("r.csv");
        std::fs::write(&t, "kept").unwrap();
        let f = StagedFile::plan(&t, "r2").unwrap();
        f.write(b"x").unwrap();
        f.discard().unwrap();
        assert_eq!(std::fs::read_to_string(&t).unwrap(), "kept");
        assert!(!f.temp.exists());
    }
}
