//! Rendering plans into a bundle of artifacts with the askama templates in `templates/`: HiveQL scripts, Sqoop
//! command lines, a staging script and data files for cluster profiles (`hive`), the SQL the embedded engine runs
//! for the local profile, and for both a manifest (`manifest.tsv`) that lists the steps in the order they run.
//! Deterministic: the same pipelines, profile and run arguments give byte-identical artifacts.

mod ere;
mod hive;

pub use hive::{hive, hive_bundle, to_boolean};

use crate::config::profile::Profile;
use crate::graph::{Partitions, Plan, Task, TaskKind};
use crate::model::ColumnType;
use anyhow::{bail, Result};
use askama::Template;

/// One rendered file, with its path relative to the output directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Artifact {
    pub path: String,
    pub text: String,
}

/// The bundle's table of contents, at the root of the output directory: one line per step, in run order.
pub const MANIFEST: &str = "manifest.tsv";

/// One line of the manifest.
pub struct ManifestRow {
    pub step: String,
    pub file: String,
    /// `sh`, `sqoop`, `hql` or `data` in a cluster bundle; `sql` for the embedded engine's SQL.
    pub kind: &'static str,
    pub produces: String,
}

#[derive(Template)]
#[template(path = "hive/manifest.tsv", escape = "none")]
struct Manifest<'a> {
    profile: &'a str,
    source: String,
    how: &'a str,
    steps: &'a [ManifestRow],
}

/// The manifest's text.
fn manifest(profile: &Profile, plans: &[(&Plan, &str)], how: &str, steps: &[ManifestRow]) -> Result<Artifact> {
    let source = plans.iter().map(|(_, f)| *f).collect::<Vec<_>>().join(", ");
    let text = Manifest { profile: &profile.name, source, how, steps }.render()? + "\n";
    Ok(Artifact { path: MANIFEST.into(), text })
}

/// The files an earlier compile listed in the manifest `text` (relative paths inside the output directory only).
pub fn manifest_files(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with("step\t"))
        .filter_map(|l| l.split('\t').nth(1))
        .filter(|f| {
            let p = std::path::Path::new(f);
            !f.is_empty() && p.components().all(|c| matches!(c, std::path::Component::Normal(_)))
        })
        .map(str::to_string)
        .collect()
}

/// How an engine renders all plans of a compile as one bundle.
pub type BundleFn = fn(&[(&Plan, &str)], &Profile) -> Result<Vec<Artifact>>;

/// How an engine renders one plan.
pub type CompileFn = fn(&Plan, &Profile, &str) -> Result<Vec<Artifact>>;

/// Every artifact of one compile, with the manifest: rendered by `whole` when the engine renders its bundle as a
/// whole, else plan by plan with `compile`.
pub fn bundle(
    compile: CompileFn,
    whole: Option<BundleFn>,
    plans: &[(Plan, String)],
    profile: &Profile,
) -> Result<Vec<Artifact>> {
    let plans: Vec<(&Plan, &str)> = plans.iter().map(|(p, f)| (p, f.as_str())).collect();
    if let Some(whole) = whole {
        return whole(&plans, profile);
    }
    let mut out = Vec::new();
    let mut rows = Vec::new();
    for (plan, file) in &plans {
        for a in compile(plan, profile, file)? {
            let stem = a.path.rsplit_once('.').map_or(a.path.as_str(), |(s, _)| s);
            let produces = plan
                .tasks
                .iter()
                .enumerate()
                .find(|(n, t)| format!("{}/{n:02}-{}", plan.pipeline, t.node) == stem)
                .and_then(|(_, t)| Some(format!("{} dt={}", t.table, t.writes.as_ref()?.values().join(","))))
                .unwrap_or_default();
            let kind = if a.path.ends_with(".sql") { "sql" } else { "file" };
            rows.push(ManifestRow { step: format!("{:02}", rows.len() + 1), file: a.path.clone(), kind, produces });
            out.push(a);
        }
    }
    let how =
        "# The SQL transforms as the embedded engine runs them (`edxc apply` runs them; these files are for reading).";
    out.insert(0, manifest(profile, &plans, how, &rows)?);
    Ok(out)
}

#[derive(Template)]
#[template(path = "embedded/sql.sql", escape = "none")]
struct EmbeddedSql<'a> {
    pipeline_file: &'a str,
    node: &'a str,
    profile: &'a str,
    interval: String,
    table: &'a str,
    partition: String,
    inputs: Vec<(String, String)>,
    body: &'a str,
}

pub fn hive_type(t: ColumnType) -> &'static str {
    match t {
        ColumnType::String(_) | ColumnType::Date => "STRING",
        ColumnType::TinyInt => "TINYINT",
        ColumnType::Int => "INT",
        ColumnType::BigInt => "BIGINT",
        ColumnType::Boolean => "BOOLEAN",
        ColumnType::Float => "FLOAT",
        ColumnType::Double => "DOUBLE",
        ColumnType::Timestamp => "TIMESTAMP",
    }
}

/// The `WHERE` condition that reads exactly the given partitions.
fn filter(p: &Partitions) -> String {
    match p {
        Partitions::One(v) => format!("dt = '{v}'"),
        Partitions::Days(iv) => {
            format!("dt >= '{}' AND dt < '{}'", iv.start.format("%Y-%m-%d"), iv.end.format("%Y-%m-%d"))
        }
    }
}

fn one(t: &Task) -> Result<String> {
    match &t.writes {
        Some(Partitions::One(v)) => Ok(v.clone()),
        _ => bail!("task `{}` writes no single partition", t.node),
    }
}

/// Renders what the embedded engine runs: each SQL transform's body for this run.
pub fn embedded(plan: &Plan, profile: &Profile, pipeline_file: &str) -> Result<Vec<Artifact>> {
    let mut out = Vec::new();
    for (n, t) in plan.tasks.iter().enumerate() {
        if let TaskKind::Sql { body, .. } = &t.kind {
            out.push(Artifact {
                path: format!("{}/{n:02}-{}.sql", plan.pipeline, t.node),
                text: EmbeddedSql {
                    pipeline_file,
                    node: &t.node,
                    profile: &profile.name,
                    interval: plan.interval_text(),
                    table: &t.table,
                    partition: one(t)?,
                    inputs: t.inputs.iter().map(|i| (i.table.clone(), filter(&i.partitions))).collect(),
                    body: body.trim_end().trim_end_matches(';'),
                }
                .render()?,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_files_are_relative_paths_inside_the_bundle() {
        let text = "# comment\tx\nstep\tfile\tkind\tproduces\n01\ta/01-x.hql\thql\tt dt=1\n02\t../etc/passwd\tsh\t\n\
                    03\t/etc/passwd\tsh\t\n04\tb/./c.sh\tsh\t\n05\t\tsh\t\n";
        assert_eq!(manifest_files(text), ["a/01-x.hql", "b/./c.sh"]);
    }
}
