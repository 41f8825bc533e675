//! `edxc graph`: the pipelines' lineage (sources → transforms → result-store tables) as DOT or Mermaid.

use super::{load_checked, print_diagnostics, Selection};
use crate::config::Project;
use clap::{Args, ValueEnum};
use std::process::ExitCode;

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// Graphviz (`edxc graph | dot -Tsvg > lineage.svg`).
    Dot,
    /// A Mermaid flowchart (renders in GitHub pull requests and Markdown pages).
    Mermaid,
}

#[derive(Args)]
pub struct GraphArgs {
    #[command(flatten)]
    pub sel: Selection,
    #[arg(long, value_enum, default_value = "dot")]
    pub format: GraphFormat,
}

pub fn run(project: &Project, a: &GraphArgs) -> anyhow::Result<ExitCode> {
    let pipelines = match load_checked(project, &a.sel, false) {
        Ok((pipelines, _)) => pipelines,
        Err(diags) => {
            print_diagnostics(&diags, super::Format::Text);
            return Ok(ExitCode::from(1));
        }
    };
    let lineage = crate::graph::lineage::lineage(&pipelines);
    let text = match a.format {
        GraphFormat::Dot => lineage.dot(),
        GraphFormat::Mermaid => lineage.mermaid(),
    };
    // Piped into `head` or a closed viewer: stop quietly.
    match std::io::Write::write_all(&mut std::io::stdout(), text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(ExitCode::SUCCESS),
    }
}
