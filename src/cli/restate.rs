//! `edxc restate OUTPUT`: recompute an output and everything downstream of it, whatever the state says, in one
//! all-or-nothing run like `apply` (nobody deletes files or tables by hand). With `--interval A-B` on an output
//! written from the tracking logs, those days are read from the logs again.

use super::apply::ApplyArgs;
use crate::config::Project;
use clap::Args;
use std::process::ExitCode;

#[derive(Args)]
pub struct RestateArgs {
    /// The output (transform or table name) to recompute.
    #[arg(value_name = "OUTPUT")]
    pub output: String,
    #[command(flatten)]
    pub apply: ApplyArgs,
}

pub fn run(project: &Project, a: &RestateArgs) -> anyhow::Result<ExitCode> {
    let mut apply = a.apply.clone();
    if apply.plan.is_some() {
        anyhow::bail!("restate takes one output and no saved plan (`edxc restate OUTPUT --interval A-B`)");
    }
    apply.restate = vec![a.output.clone()];
    super::apply::run(project, &apply)
}
