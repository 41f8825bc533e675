//! Every `edxc` command in README.md's `sh` blocks runs as written, from the project directory, on a fresh clone
//! (the outputs it would write under `.edxc/` go to a temporary directory through `EDXC_VAR_*`; a command's own
//! `--var` still wins). `text` blocks hold synopses and are not run.

mod common;
use common::{copy_dir, repo};
use std::process::Command;

/// The commands of the README's `sh` blocks, continuation lines joined, comments dropped.
fn readme_commands() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join("README.md")).unwrap();
    let mut out = Vec::new();
    let mut in_sh = false;
    let mut pending = String::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if let Some(info) = trimmed.strip_prefix("```") {
            in_sh = !in_sh && info.trim() == "sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        let code = match trimmed.find(" #") {
            Some(i) => trimmed[..i].trim_end(),
            None if trimmed.starts_with('#') => "",
            None => trimmed,
        };
        if let Some(head) = code.strip_suffix('\\') {
            pending.push_str(head);
            continue;
        }
        pending.push_str(code);
        let cmd = std::mem::take(&mut pending).split_whitespace().collect::<Vec<_>>().join(" ");
        if !cmd.is_empty() {
            out.push(cmd);
        }
    }
    out
}

#[test]
fn every_readme_example_runs() {
    let commands = readme_commands();
    let edxc_commands: Vec<&String> =
        commands.iter().filter(|c| c.starts_with("edxc ") || c.starts_with("cargo run --bin edxc -- ")).collect();
    assert!(edxc_commands.len() >= 5, "README examples found: {commands:?}");
    assert!(commands.iter().any(|c| c == "scripts/test.sh"), "the test command is in README: {commands:?}");
    let tmp = tempfile::tempdir().unwrap();
    for cmd in edxc_commands {
        let args: Vec<&str> = cmd
            .strip_prefix("cargo run --bin edxc -- ")
            .or_else(|| cmd.strip_prefix("edxc "))
            .unwrap()
            .split(' ')
            .collect();
        let out = Command::new(env!("CARGO_BIN_EXE_edxc"))
            .args(&args)
            .current_dir(repo())
            .env_remove("EDXC_ROOT")
            .env("EDXC_VAR_warehouse", tmp.path().join("wh"))
            .env("EDXC_VAR_result_store", format!("sqlite:{}", tmp.path().join("results.sqlite").display()))
            .env("EDXC_VAR_state", tmp.path().join("state.sqlite"))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "README example `{cmd}` failed:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The README's first command exactly as a newcomer runs it: in a fresh copy of the project, from its directory,
/// with the local profile's own relative paths (`.edxc/...`) and no overrides.
#[test]
fn the_first_readme_command_runs_as_given_in_a_fresh_copy() {
    let first = readme_commands().into_iter().next().unwrap();
    assert_eq!(first, "cargo run --bin edxc -- apply", "the README's first command changed");
    let copy = tempfile::tempdir().unwrap();
    for dir in ["pipelines", "templates", "target-profiles", "sample-data"] {
        copy_dir(&repo().join(dir), &copy.path().join(dir));
    }
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_edxc"));
    cmd.arg("apply").current_dir(copy.path());
    for (k, _) in std::env::vars().filter(|(k, _)| k.starts_with("EDXC_")) {
        cmd.env_remove(k);
    }
    let out = cmd.output().unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "`edxc apply` failed:\n{stdout}\n{stderr}");
    assert!(copy.path().join(".edxc/results.sqlite").is_file(), "{stdout}");
    let synthetic = copy.path().join(".edxc/enrollment_validation/synthetic");
    assert!(std::fs::read_dir(&synthetic).is_ok_and(|mut d| d.next().is_some()), "no synthetic events: {stdout}");
}
