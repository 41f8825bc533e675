//! Loading: pipeline TOML files, target profiles, `--var`/`--param` overrides and secret references.

pub mod engine_config;
pub mod include;
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
        let stem = |f: &Path| f.file_stem().map(|s| s.to_string_lossy().to_string()).unwrap_or_default();
        let mut out = Vec::new();
        let mut diags = Vec::new();
        // A name is a pipeline file's stem, or an original task name in a pipeline's `[pipeline] tasks`, so
        // `launch-task NAME` carries over as `--pipeline NAME`. Files are read only when a name needs them.
        let by_task: Vec<&String> = names.iter().filter(|n| !files.iter().any(|f| stem(f) == **n)).collect();
        let mut other_diags = Vec::new();
        for f in &files {
            let wanted = names.is_empty() || names.contains(&stem(f));
            if !wanted && by_task.is_empty() {
                continue;
            }
            match load_pipeline_file(&self.root, f) {
                Ok(p) if wanted || p.tasks.iter().any(|t| by_task.contains(&t)) => out.push(p),
                Ok(_) => {}
                Err(d) if wanted => diags.extend(d),
                Err(d) => other_diags.extend(d),
            }
        }
        for n in by_task {
            if !out.iter().any(|p| p.tasks.contains(n)) && diags.is_empty() {
                diags.append(&mut other_diags);
                diags.push(Diagnostic::new(Phase::Syntax, None, format!("no pipeline named `{n}`")).hint(format!(
                    "pipelines are the files in {}, or the original task names in their `[pipeline] tasks`",
                    self.pipelines_dir().display()
                )));
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
