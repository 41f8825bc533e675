//! `edxc validate`: the checks of every phase, as text or JSON.

use super::{load_checked, print_diagnostics, Format, Selection};
use crate::config::Project;
use clap::Args;
use std::process::ExitCode;

#[derive(Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub sel: Selection,
    /// Output format of the diagnostics.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
}

pub fn run(project: &Project, a: &ValidateArgs) -> anyhow::Result<ExitCode> {
    match load_checked(project, &a.sel, false) {
        Ok((pipelines, profile)) => {
            print_diagnostics(&[], a.format);
            if a.format == Format::Text {
                let names: Vec<&str> = pipelines.iter().map(|p| p.name.value.as_str()).collect();
                println!("ok: {} pipeline(s) valid for profile `{}`: {}", names.len(), profile.name, names.join(", "));
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(diags) => {
            print_diagnostics(&diags, a.format);
            if a.format == Format::Text {
                eprintln!("{} error(s)", diags.len());
            }
            Ok(ExitCode::from(1))
        }
    }
}
