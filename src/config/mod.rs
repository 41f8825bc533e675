//! Loading: pipeline TOML files, target profiles, `--var`/`--param` overrides and secret references.

pub mod engine_config;
pub mod interval;
pub mod pipeline_file;
pub mod placeholder;
pub mod profile;
pub mod secret;
pub mod store_location;
pub mod task_params;

use crate::model::{Diagnostic, Phase, Pipeline};
use std::path::{Path, PathBuf};

/// The project layout: `pipelines/`, `templates/`, `target-profiles/` under one root.
#[derive(Debug, Clone)]
pub struct Project {
    pub root: PathBuf,
}

impl Project {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }
    pub fn pipelines_dir(&self) -> PathBuf {
        self.root.join("pipelines")
    }
    pub fn templates_dir(&self) -> PathBuf {
        self.root.join("templates")
    }
    pub fn profiles_dir(&self) -> PathBuf {
        self.root.join("target-profiles")
    }

    /// Every `pipelines/*.toml`, sorted by file name.
    pub fn pipeline_files(&self) -> Result<Vec<PathBuf>, String> {
        let dir = self.pipelines_dir();
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .map_err(|e| {
                format!(
                    "cannot list {}: {e} (is this an edxc project? run edxc in the directory that holds pipelines/, \
                     or pass --root DIR or set EDXC_ROOT)",
                    dir.display()
                )
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        Ok(files)
    }

    /// Loads the named pipelines (all when `names` is empty). Paths in diagnostics are relative to the root.
    pub fn load_pipelines(&self, names: &[String]) -> Result<Vec<Pipeline>, Vec<Diagnostic>> {
        let files = self.pipeline_files().map_err(|e| vec![Diagnostic::new(Phase::Syntax, None, e)])?;
        let mut out = Vec::new();
        let mut diags = Vec::new();
        for f in files {
            let stem = f.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
            if !names.is_empty() && !names.contains(&stem) {
                continue;
            }
            match load_pipeline_file(&self.root, &f) {
                Ok(p) => out.push(p),
                Err(d) => diags.extend(d),
            }
        }
        for n in names {
            if !out.iter().any(|p| p.file.file_stem().is_some_and(|s| s == n.as_str())) && diags.is_empty() {
                diags.push(
                    Diagnostic::new(Phase::Syntax, None, format!("no pipeline named `{n}`"))
                        .hint(format!("pipelines are the files in {}", self.pipelines_dir().display())),
                );
            }
        }
        if diags.is_empty() {
            Ok(out)
        } else {
            Err(diags)
        }
    }
}

/// Reads and parses one pipeline file; positions name the file relative to `root` when possible.
pub fn load_pipeline_file(root: &Path, file: &Path) -> Result<Pipeline, Vec<Diagnostic>> {
    let text = std::fs::read_to_string(file)
        .map_err(|e| vec![Diagnostic::new(Phase::Syntax, None, format!("cannot read {}: {e}", file.display()))])?;
    let shown = file.strip_prefix(root).unwrap_or(file);
    pipeline_file::parse_pipeline(shown, &text)
}
