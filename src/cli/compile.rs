//! `edxc compile`: write every artifact of the selected pipelines for a profile into a directory.

use super::{load_checked, print_diagnostics, Format, RunOptions, Selection};
use crate::config::Project;
use anyhow::Context;
use clap::Args;
use std::path::PathBuf;
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

/// Renders the artifacts of every selected pipeline (shared by `compile` and the tests).
pub fn artifacts(
    project: &Project,
    a: &CompileArgs,
) -> anyhow::Result<Result<Vec<crate::codegen::Artifact>, Vec<crate::model::Diagnostic>>> {
    let (pipelines, profile) = match load_checked(project, &a.sel, false) {
        Ok(x) => x,
        Err(d) => return Ok(Err(d)),
    };
    let args = a.run.run_args(&pipelines).map_err(anyhow::Error::msg)?;
    let profile = a.run.apply_task_params(profile).map_err(anyhow::Error::msg)?;
    let templates = project.templates_dir();
    let read_body = |rel: &str| {
        std::fs::read_to_string(templates.join(rel)).map_err(|e| format!("cannot read template {rel}: {e}"))
    };
    let mut out = Vec::new();
    for p in &pipelines {
        let plan = crate::graph::plan(p, &profile, &args, &read_body)
            .map_err(anyhow::Error::msg)
            .with_context(|| format!("pipeline `{}`", p.name.value))?;
        let file = p.file.display().to_string();
        let kind = crate::engine::kind(profile.engine()).map_err(anyhow::Error::msg)?;
        let mut arts = (kind.compile)(&plan, &profile, &file)?;
        out.append(&mut arts);
    }
    Ok(Ok(out))
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
    for art in &arts {
        let path = out.join(&art.path);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        }
        std::fs::write(&path, &art.text).with_context(|| format!("cannot write {}", path.display()))?;
    }
    println!("wrote {} artifact(s) to {}", arts.len(), out.display());
    Ok(ExitCode::SUCCESS)
}
