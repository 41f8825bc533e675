//! Every `edxc` command in README.md's `sh` blocks runs as written, from the project directory, on a fresh clone
//! (the outputs it would write under `.edxc/` go to a temporary directory through `EDXC_VAR_*`; a command's own
//! `--var` still wins). `text` blocks hold synopses and are not run.

mod common;
use common::repo;
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
