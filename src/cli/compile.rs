//! `edxc compile`: write every artifact of the selected pipelines for a profile into a directory.

use super::{load_checked, print_diagnostics, Format, RunOptions, Selection};
use crate::config::Project;
use anyhow::Context;
use clap::Args;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
pub struct CompileArgs {
    #[command(flatten)]
    pub sel: Selection,
    #[command(flatten)]
    pub run: RunOptions,
    /// Output directory (default build/<profile>).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Renders the bundle of every selected pipeline, manifest first (shared by `compile` and the tests).
pub fn artifacts(
    project: &Project,
    a: &CompileArgs,
) -> anyhow::Result<Result<Vec<crate::codegen::Artifact>, Vec<crate::model::Diagnostic>>> {
    let (pipelines, profile) = match load_checked(project, &a.sel, false) {
        Ok(x) => x,
        Err(d) => return Ok(Err(d)),
    };
    let args = a.run.run_args(&pipelines).map_err(anyhow::Error::msg)?;
    let profile = a.run.apply_task_params(profile, &pipelines).map_err(anyhow::Error::msg)?;
    let templates = project.templates_dir();
    let read_body = |rel: &str| {
        std::fs::read_to_string(templates.join(rel)).map_err(|e| format!("cannot read template {rel}: {e}"))
    };
    let mut plans = Vec::new();
    for p in &pipelines {
        let plan = crate::graph::plan(p, &profile, &args, &read_body)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("pipeline `{}`", p.name.value))?;
        plans.push((plan, p.file.display().to_string()));
    }
    let kind = crate::engine::kind(profile.engine()).map_err(anyhow::Error::msg)?;
    Ok(Ok(crate::codegen::bundle(kind.compile, kind.bundle, &plans, &profile)?))
}

/// Removes the files of the bundle an earlier compile wrote into `out` (those its manifest lists, nothing else),
/// then the directories that leaves empty.
fn clear_previous(out: &Path) -> anyhow::Result<usize> {
    let manifest = out.join(crate::codegen::MANIFEST);
    let text = match std::fs::read_to_string(&manifest) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e).with_context(|| format!("cannot read {}", manifest.display())),
    };
    let mut removed = 0;
    for rel in crate::codegen::manifest_files(&text) {
        let path = out.join(&rel);
        match std::fs::remove_file(&path) {
            Ok(()) => removed += 1,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(e).with_context(|| format!("cannot remove {}", path.display())),
        }
        // Directories the removal emptied; a directory still holding anything stays (remove_dir refuses it).
        let mut dir = path.parent();
        while let Some(d) = dir.filter(|d| *d != out && d.starts_with(out)) {
            if std::fs::remove_dir(d).is_err() {
                break;
            }
            dir = d.parent();
        }
    }
    std::fs::remove_file(&manifest).with_context(|| format!("cannot remove {}", manifest.display()))?;
    Ok(removed)
}

pub fn run(project: &Project, a: &CompileArgs) -> anyhow::Result<ExitCode> {
    let arts = match artifacts(project, a)? {
        Ok(x) => x,
        Err(diags) => {
            print_diagnostics(&diags, Format::Text);
            return Ok(ExitCode::from(1));
        }
    };
    let out = a.out.clone().unwrap_or_else(|| project.root.join("build").join(&a.sel.profile));
    let removed = clear_previous(&out)?;
    for art in &arts {
        let path = out.join(&art.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&path, &art.text).with_context(|| format!("cannot write {}", path.display()))?;
        if art.path.ends_with(".sh") {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755))
                .with_context(|| format!("cannot make {} executable", path.display()))?;
        }
    }
    let replaced =
        if removed > 0 { format!(", replacing the {removed} of the previous compile") } else { String::new() };
    println!(
        "wrote {} artifact(s) to {}{replaced} (run order: {})",
        arts.len(),
        out.display(),
        crate::codegen::MANIFEST
    );
    Ok(ExitCode::SUCCESS)
}
