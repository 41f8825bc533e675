//! The command line: `edxc validate | compile | plan | apply | graph | state`. One file per command.

mod apply;
pub mod compile;
mod finished;
mod graph;
mod junit;
mod plan;
mod progress;
mod restate;
mod run_report;
mod state;
mod validate;

use crate::config::profile::{load_profile, Profile};
use crate::config::Project;
use crate::model::{Diagnostic, Pipeline};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "edxc",
    version,
    about = "Compile and run Open edX analytics pipelines (TOML) on this machine or on a Hadoop/Hive cluster",
    long_about = "edxc reads the pipelines in pipelines/*.toml (sources -> transforms -> sinks), checks them, \
renders the jobs for a target profile (target-profiles/*.toml) and runs them, loading the result store that \
Open edX Insights reads.\n\nFirst run on a fresh clone:  edxc apply      (sample data, embedded engine, results in .edxc/)",
    after_help = "Examples:\n  edxc validate\n  edxc compile --profile hadoop.example --out build/\n  edxc apply --pipeline enrollments --interval 2014-07-30-2014-08-07 --param overwrite_n_days=7\n  edxc apply --var result_store=mysql://root@127.0.0.1:3306/reports"
)]
pub struct Cli {
    /// Project directory holding pipelines/, templates/ and target-profiles/.
    #[arg(long, global = true, default_value = ".", env = "EDXC_ROOT")]
    pub root: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Check pipelines and the profile; every error names file:line:col and how to fix it (exit 1 on errors).
    Validate(validate::ValidateArgs),
    /// Render every task's artifacts (HiveQL, Sqoop command lines, SQL) for a profile, byte-identical across runs.
    Compile(compile::CompileArgs),
    /// Show what `apply` would do (partitions, artifact diffs against the last apply), changing nothing.
    Plan(plan::PlanArgs),
    /// Run the pipelines on the profile's engine and load the result store (non-interactive, exit 1 on failure).
    Apply(apply::ApplyArgs),
    /// Recompute an output and everything downstream of it, whatever the state says (`--interval A-B` re-reads
    /// those days of the logs for an output computed from them).
    Restate(restate::RestateArgs),
    /// Print the lineage (sources -> transforms -> result-store tables) as Graphviz DOT or a Mermaid flowchart.
    Graph(graph::GraphArgs),
    /// Look after the run state: `edxc state lock` shows the warehouse lock, `edxc state unlock RUN_ID` releases it.
    State(state::StateArgs),
}

#[derive(Copy, Clone, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
}

/// Options shared by the commands that select pipelines and a profile.
#[derive(Args, Clone)]
pub struct Selection {
    /// Target profile: target-profiles/<NAME>.toml.
    #[arg(long, default_value = "local")]
    pub profile: String,
    /// Pipeline to use (file stem in pipelines/); repeat for several; default all.
    #[arg(long = "pipeline", value_name = "NAME")]
    pub pipelines: Vec<String>,
    /// Override a profile key (tracking_logs, lms, warehouse, result_store, ...); also EDXC_VAR_<key>.
    #[arg(long = "var", value_name = "KEY=VALUE", value_parser = parse_kv)]
    pub vars: Vec<(String, String)>,
}

/// Options that fix what a run computes.
#[derive(Args, Clone)]
pub struct RunOptions {
    /// Interval: YYYY-MM-DD-YYYY-MM-DD (half-open), YYYY, YYYY-MM, YYYY-Www, YYYY-MM-DD, yesterday, last-N-days.
    #[arg(long)]
    pub interval: Option<String>,
    /// Set a pipeline parameter (as the original task parameter in snake_case), e.g. overwrite_n_days=7.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_kv)]
    pub params: Vec<(String, String)>,
    /// Set a key of the original's configuration file as `SECTION.KEY=VALUE` (e.g.
    /// `problem-response.report_fields=[...]`): the pipeline param it maps to (`[pipeline.config]`), below --param.
    #[arg(long = "config", value_name = "SECTION.KEY=VALUE", value_parser = parse_kv)]
    pub config: Vec<(String, String)>,
    /// The run date: what `today` means in intervals, params and partitions (default: today's UTC date).
    #[arg(long, env = "EDXC_TODAY", value_name = "YYYY-MM-DD")]
    pub today: Option<String>,
}

impl RunOptions {
    /// Checks every `--param` (a parameter of a selected pipeline, or of the original task: see
    /// `config::task_params`) and returns the planning inputs.
    pub fn run_args(&self, pipelines: &[Pipeline]) -> Result<crate::graph::RunArgs, String> {
        for (name, _) in &self.params {
            let declared = pipelines.iter().any(|p| p.params.contains_key(name));
            if name != "interval" && !declared && crate::config::task_params::known(name, pipelines).is_none() {
                let mut known: Vec<String> = pipelines.iter().flat_map(|p| p.params.keys().cloned()).collect();
                known.sort();
                known.dedup();
                return Err(format!(
                    "--param {name}: no selected pipeline has this parameter (pipeline parameters: {}; parameters of \
                     the original tasks: {})",
                    known.join(", "),
                    crate::config::task_params::names(pipelines).join(", ")
                ));
            }
        }
        let today = match &self.today {
            Some(d) => Some(
                crate::graph::interval::parse_date(d)
                    .ok_or_else(|| format!("--today `{d}` is not a date (YYYY-MM-DD)"))?,
            ),
            None => None,
        };
        // Configuration keys first: a --param of the same parameter wins, as Luigi's command line over its config.
        let mut params = std::collections::BTreeMap::new();
        for (key, value) in &self.config {
            let targets: Vec<&String> = pipelines.iter().filter_map(|p| p.config.get(key)).collect();
            if targets.is_empty() {
                let mut known: Vec<&String> = pipelines.iter().flat_map(|p| p.config.keys()).collect();
                known.sort();
                known.dedup();
                let known: Vec<&str> = known.into_iter().map(String::as_str).collect();
                return Err(format!(
                    "--config {key}: no selected pipeline reads this configuration key (keys read: {})",
                    if known.is_empty() { "none".to_string() } else { known.join(", ") }
                ));
            }
            for param in targets {
                params.insert(param.clone(), value.clone());
            }
        }
        params.extend(self.params.iter().cloned());
        Ok(crate::graph::RunArgs { interval: self.interval.clone(), params, today })
    }

    /// The profile with the original tasks' location parameters (`source`, `warehouse_path`, ...) applied, as the
    /// selected pipelines take them.
    pub fn apply_task_params(&self, mut profile: Profile, pipelines: &[Pipeline]) -> Result<Profile, String> {
        crate::config::task_params::apply(&mut profile, &self.params, pipelines)?;
        Ok(profile)
    }
}

/// Per task of a plan: its status and its digest (`state::freshness`).
pub type Assessed = (Vec<crate::state::freshness::Status>, Vec<Option<String>>);

/// What a run of `plans` would run, against the state `snapshot`: per plan, every task's status and digest
/// (`state::freshness`). Reads listings only (tracking-log files, the warehouse's partitions); never connects to a
/// database and never resolves a secret. The warehouse is listed only when the state records something.
pub fn assess(
    plans: &[crate::graph::Plan],
    snapshot: &crate::state::Snapshot,
    kind: &crate::engine::EngineKind,
    profile: &Profile,
    root: &std::path::Path,
    restate: &std::collections::BTreeSet<String>,
) -> anyhow::Result<Vec<Assessed>> {
    use crate::state::freshness;
    let mut present = std::collections::BTreeSet::new();
    if !snapshot.partitions.is_empty() {
        let wh = (kind.warehouse)(profile, root)?;
        let tables: std::collections::BTreeSet<&str> =
            plans.iter().flat_map(|p| &p.tasks).filter(|t| t.writes.is_some()).map(|t| t.table.as_str()).collect();
        for table in tables {
            for dt in wh.partitions(table).unwrap_or_default() {
                present.insert((table.to_string(), dt));
            }
        }
    }
    let store = profile.result_store_url().ok().map(|u| freshness::store_digest(&u));
    let mut out = Vec::new();
    for plan in plans {
        let mut digests = Vec::new();
        for t in &plan.tasks {
            digests.push(match &t.kind {
                crate::graph::TaskKind::ResultStore { .. } => store.clone(),
                _ if freshness::has_digest(t) => (kind.source_digest)(profile, root, t)?,
                _ => None,
            });
        }
        out.push((freshness::decide(plan, snapshot, &present, &digests, restate), digests));
    }
    Ok(out)
}

fn parse_kv(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.trim().to_string(), v.to_string()))
        .filter(|(k, _)| !k.is_empty())
        .ok_or_else(|| format!("expected KEY=VALUE, got `{s}`"))
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let project = Project::new(&cli.root);
    let result = match &cli.command {
        Command::Validate(a) => validate::run(&project, a),
        Command::Compile(a) => compile::run(&project, a),
        Command::Plan(a) => plan::run(&project, a),
        Command::Apply(a) => apply::run(&project, a),
        Command::Restate(a) => restate::run(&project, a),
        Command::State(a) => state::run(&project, a),
        Command::Graph(a) => graph::run(&project, a),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", one_line(&crate::config::secret::redact(&format!("{e:#}"))));
            ExitCode::from(1)
        }
    }
}

/// An error as one readable line: whitespace and line breaks collapsed, the MySQL driver's
/// `MySqlError { ERROR 1146 (42S02): ... }` shown as `MySQL error 1146 (42S02): ...`.
pub fn one_line(message: &str) -> String {
    let mut text = message.split_whitespace().collect::<Vec<_>>().join(" ");
    while let Some(start) = text.find("MySqlError { ERROR ") {
        let body_start = start + "MySqlError { ERROR ".len();
        let Some(len) = text[body_start..].find(" }") else { break };
        let body = text[body_start..body_start + len].to_string();
        text.replace_range(start..body_start + len + 2, &format!("MySQL error {body}"));
    }
    text
}

/// Prints diagnostics as text (stderr) or JSON (stdout).
pub fn print_diagnostics(diags: &[Diagnostic], format: Format) {
    match format {
        Format::Json => {
            let json = serde_json::json!({ "ok": diags.is_empty(), "diagnostics": diags });
            println!("{}", serde_json::to_string_pretty(&json).unwrap_or_default());
        }
        Format::Text => {
            for d in diags {
                eprintln!("{d}");
            }
        }
    }
}

/// Loads, validates and returns the selected pipelines and the profile, or every diagnostic.
/// `check_secrets`: whether every secret reference must be resolvable now (not needed to render artifacts).
pub fn load_checked(
    project: &Project,
    sel: &Selection,
    check_secrets: bool,
) -> Result<(Vec<Pipeline>, Profile), Vec<Diagnostic>> {
    let mut pipelines = project.load_pipelines(&sel.pipelines)?;
    let mut diags = Vec::new();
    for p in &mut pipelines {
        diags.extend(crate::validate::validate(p, &project.templates_dir()));
    }
    let profile = match load_profile(&project.profiles_dir(), &sel.profile, &sel.vars) {
        Ok(p) => Some(p),
        Err(d) => {
            diags.extend(d);
            None
        }
    };
    if let Some(profile) = &profile {
        if diags.is_empty() {
            let needs = crate::engine::Needs::of(&pipelines);
            let keys = crate::engine::kind(profile.engine()).map(|k| (k.required_keys)(&needs));
            diags.extend(crate::validate::validate_profile(profile, check_secrets, keys));
            if needs.geoip {
                if let Some(path) = profile.path("geoip_database", &project.root) {
                    if let Err(e) = crate::geoip::open(&path) {
                        let pos = profile.key_pos.get("geoip_database").cloned();
                        diags.push(
                            Diagnostic::new(crate::model::Phase::Profile, pos.as_ref(), format!("{e:#}"))
                                .hint("point geoip_database at a MaxMind country database (GeoLite2-Country.mmdb)"),
                        );
                    }
                }
            }
        }
    }
    match (profile, diags.is_empty()) {
        (Some(profile), true) => Ok((pipelines, profile)),
        _ => Err(diags),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn errors_fit_one_line() {
        assert_eq!(
            super::one_line(
                "loading `t`: MySqlError { ERROR 1146 (42S02): Table 'x.t' doesn't exist }\n  caused by: more"
            ),
            "loading `t`: MySQL error 1146 (42S02): Table 'x.t' doesn't exist caused by: more"
        );
        assert_eq!(super::one_line("plain"), "plain");
    }
}
