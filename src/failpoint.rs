//! Fault injection, so tests can prove that a failure at any step leaves everything as it was.
//!
//! `EDXC_FAILPOINT=<point>=<action>[,<point>=<action>...]` (unset in normal use). At a point named in it, [`hit`]
//! returns an error (`fail`) or prints `edxc: paused at failpoint <point>` on stderr and sleeps until the process is
//! killed (`pause`, for SIGKILL tests). Points: `task:<node>` (after a task computed its output), `stage:<table>`
//! (after a partition was staged), `copy:<table>` (a run of a counted map partition's sorted copy is being made,
//! on the threads beside the merge), `csv:<sink>` (after a csv sink's files were written beside their targets),
//! `load:<table>` (after a result-store table was loaded, before commit), `publish` (journal written, nothing swapped
//! yet), `swap:<table>`, `stage:files` / `swap:files` (a `files` or `csv` sink's file staged / about to be renamed
//! into place), `commit` (before the result-store commit),
//! `after-commit` (journal committed, before clean-up), `state` (before the run state is written).

use anyhow::{bail, Result};
use std::io::Write;

/// Fails or pauses when `EDXC_FAILPOINT` names `point`; does nothing otherwise.
pub fn hit(point: &str) -> Result<()> {
    let Ok(spec) = std::env::var("EDXC_FAILPOINT") else { return Ok(()) };
    for entry in spec.split(',') {
        let Some((name, action)) = entry.rsplit_once('=') else { continue };
        if name.trim() != point {
            continue;
        }
        match action.trim() {
            "pause" => {
                eprintln!("edxc: paused at failpoint {point}");
                let _ = std::io::stderr().flush();
                loop {
                    std::thread::sleep(std::time::Duration::from_secs(3600));
                }
            }
            _ => bail!("injected failure at failpoint {point}"),
        }
    }
    Ok(())
}
