//! `edxc state ...`: look after the run state. `unlock RUN_ID` releases the warehouse lock of a run that died
//! where edxc cannot see it (another host), once the operator knows it is gone.

use super::Selection;
use crate::config::profile::load_profile;
use crate::config::Project;
use clap::{Args, Subcommand};
use std::process::ExitCode;

#[derive(Args)]
pub struct StateArgs {
    #[command(subcommand)]
    pub command: StateCommand,
}

#[derive(Subcommand)]
pub enum StateCommand {
    /// Release the warehouse lock held by run RUN_ID (named in the error of the run it blocked).
    Unlock {
        run_id: String,
        #[command(flatten)]
        sel: Selection,
    },
    /// Show which run holds the warehouse lock, if any.
    Lock {
        #[command(flatten)]
        sel: Selection,
    },
}

fn warehouse(project: &Project, sel: &Selection) -> anyhow::Result<crate::warehouse::Warehouse> {
    let profile = load_profile(&project.profiles_dir(), &sel.profile, &sel.vars)
        .map_err(|d| anyhow::anyhow!("{}", d.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("; ")))?;
    let kind = crate::engine::kind(profile.engine()).map_err(anyhow::Error::msg)?;
    (kind.warehouse)(&profile, &project.root)
}

pub fn run(project: &Project, a: &StateArgs) -> anyhow::Result<ExitCode> {
    match &a.command {
        StateCommand::Unlock { run_id, sel } => {
            let wh = warehouse(project, sel)?;
            let h = crate::state::lock::unlock(&wh, run_id)?;
            println!("released the lock of {h} on {}", wh.describe());
        }
        StateCommand::Lock { sel } => {
            let wh = warehouse(project, sel)?;
            match crate::state::lock::holder(&wh)? {
                Some(h) => println!("{} is locked by {h}", wh.describe()),
                None => println!("{} is not locked", wh.describe()),
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
