//! Rendering a plan into artifacts with the askama templates in `templates/`: HiveQL scripts and Sqoop command
//! lines for cluster profiles, the SQL the embedded engine runs for the local profile. Deterministic: the same
//! pipelines, profile and run arguments give byte-identical artifacts.

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

#[derive(Template)]
#[template(path = "hive/header.hql", escape = "none")]
struct Header<'a> {
    pipeline_file: &'a str,
    kind: &'a str,
    node: &'a str,
    profile: &'a str,
    interval: String,
    database: &'a str,
}

#[derive(Template)]
#[template(path = "hive/table.hql", escape = "none")]
struct TableDdl<'a> {
    table: &'a str,
    columns: Vec<(String, &'static str)>,
    location: String,
}

#[derive(Template)]
#[template(path = "hive/map.hql", escape = "none")]
struct MapHql<'a> {
    header: String,
    ddl: String,
    table: &'a str,
    mapper_path: &'a str,
    mapper_name: String,
    tracking_logs: &'a str,
    extractor: &'a str,
    window: String,
    ccx: bool,
    columns: Vec<String>,
    count_as: Option<String>,
    days: Vec<String>,
    file_regex: String,
    /// Undated logs (the live `tracking.log`), always read; anchored, as RLIKE searches.
    undated_regex: String,
}

#[derive(Template)]
#[template(path = "hive/reduce.hql", escape = "none")]
struct ReduceHql<'a> {
    header: String,
    ddl: String,
    table: &'a str,
    partition: String,
    mapper_path: &'a str,
    mapper_name: String,
    reducer: &'a str,
    args: Vec<(String, String)>,
    columns: Vec<(String, &'static str)>,
    input_columns: Vec<&'static str>,
    input: String,
    input_filter: String,
    key: Vec<&'static str>,
    sort: Vec<&'static str>,
}

#[derive(Template)]
#[template(path = "hive/sql.hql", escape = "none")]
struct SqlHql<'a> {
    header: String,
    ddl: String,
    database: &'a str,
    table: &'a str,
    partition: String,
    inputs: Vec<(String, String)>,
    body: &'a str,
}

#[derive(Template)]
#[template(path = "hive/native.hql", escape = "none")]
struct NativeHql<'a> {
    header: String,
    ddl: String,
    table: &'a str,
    function: &'a str,
    input_file: Option<String>,
    warehouse: &'a str,
    location: String,
    partition: String,
}

#[derive(Template)]
#[template(path = "hive/lms_table.hql", escape = "none")]
struct LmsHql {
    header: String,
    ddl: String,
    table: String,
    location: String,
    partition: String,
}

#[derive(Template)]
#[template(path = "sqoop/import.sh", escape = "none")]
struct SqoopImport<'a> {
    pipeline_file: &'a str,
    lms_table: &'a str,
    table: &'a str,
    target_dir: String,
    jdbc: &'a str,
    username: &'a str,
    password_file: &'a str,
    columns: String,
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

/// Values spliced into quoted HiveQL/shell strings must not be able to close the quote.
fn quoted_safe<'a>(key: &str, v: &'a str) -> Result<&'a str> {
    if v.contains('\'') || v.contains('\n') || v.contains('\\') {
        bail!("profile value `{key}` must not contain quotes, backslashes or newlines");
    }
    Ok(v)
}

/// Renders the Hive artifacts of a plan for a cluster profile.
pub fn hive(plan: &Plan, profile: &Profile, pipeline_file: &str) -> Result<Vec<Artifact>> {
    let get = |k: &str| -> Result<&str> {
        let v = profile.get(k).ok_or_else(|| anyhow::anyhow!("profile `{}` sets no `{k}`", profile.name))?;
        quoted_safe(k, v)
    };
    let database = get("hive_database")?;
    let warehouse = get("warehouse")?.trim_end_matches('/');
    let mapper_path = get("mapper_path")?;
    let mapper_name = mapper_path.rsplit('/').next().unwrap_or("edxc-map").to_string();
    let mut out = Vec::new();
    for (n, t) in plan.tasks.iter().enumerate() {
        let location = format!("{warehouse}/{}/", t.table);
        let kind = match &t.kind {
            TaskKind::ImportLms { .. } => "lms_table",
            TaskKind::Map { .. } => "map",
            TaskKind::Reduce { .. } => "reduce",
            TaskKind::Sql { .. } => "sql",
            TaskKind::Native { .. } => "native",
            TaskKind::ResultStore { .. } => "result_store",
        };
        let header = Header {
            pipeline_file,
            kind,
            node: &t.node,
            profile: &profile.name,
            interval: plan.interval.to_string(),
            database,
        }
        .render()?;
        let ddl = TableDdl {
            table: &t.table,
            columns: t.columns.iter().map(|c| (c.name.clone(), hive_type(c.ty))).collect(),
            location: location.clone(),
        }
        .render()?;
        let base = format!("{}/{n:02}-{}", plan.pipeline, t.node);
        match &t.kind {
            TaskKind::ImportLms { lms_table } => {
                out.push(Artifact {
                    path: format!("{base}.sqoop.sh"),
                    text: SqoopImport {
                        pipeline_file,
                        lms_table,
                        table: &t.table,
                        target_dir: format!("{location}dt={}", one(t)?),
                        jdbc: get("lms_jdbc")?,
                        username: get("lms_username")?,
                        password_file: get("lms_password_file")?,
                        columns: t.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(","),
                    }
                    .render()?,
                });
                out.push(Artifact {
                    path: format!("{base}.hql"),
                    text: LmsHql { header, ddl, table: t.table.clone(), location, partition: one(t)? }.render()?,
                });
            }
            TaskKind::Map { extractor, window, count_as } => {
                let pattern =
                    profile.get("tracking_pattern").unwrap_or(crate::engine::embedded::mapper::DEFAULT_PATTERN);
                let expand = profile.i64_or("expand_interval_days", 2).map_err(anyhow::Error::msg)?;
                let dates: Vec<String> = window.expand(expand).days().map(|d| d.format("%Y%m%d").to_string()).collect();
                let file_regex =
                    pattern.replace(r"(?P<date>\d{8})", &format!("({})", dates.join("|"))).replace('\\', "\\\\");
                let undated = profile
                    .get("tracking_undated_pattern")
                    .unwrap_or(crate::engine::embedded::mapper::DEFAULT_UNDATED_PATTERN);
                let undated_regex = format!("^(?:{undated})$").replace('\\', "\\\\");
                let columns: Vec<String> =
                    t.columns.iter().map(|c| c.name.clone()).filter(|c| Some(c) != count_as.as_ref()).collect();
                out.push(Artifact {
                    path: format!("{base}.hql"),
                    text: MapHql {
                        header,
                        ddl,
                        table: &t.table,
                        mapper_path,
                        mapper_name: mapper_name.clone(),
                        tracking_logs: get("tracking_logs")?,
                        extractor,
                        window: window.to_string(),
                        ccx: profile.bool_or("ccx_enabled", false).map_err(anyhow::Error::msg)?,
                        columns,
                        count_as: count_as.clone(),
                        days: window.days().map(|d| d.format("%Y-%m-%d").to_string()).collect(),
                        file_regex,
                        undated_regex,
                    }
                    .render()?,
                });
            }
            TaskKind::Reduce { reducer } => {
                let spec =
                    crate::natives::reducer(reducer).ok_or_else(|| anyhow::anyhow!("unknown reducer {reducer}"))?;
                let input = t.inputs.first().ok_or_else(|| anyhow::anyhow!("reducer `{}` has no input", t.node))?;
                out.push(Artifact {
                    path: format!("{base}.hql"),
                    text: ReduceHql {
                        header,
                        ddl,
                        table: &t.table,
                        partition: one(t)?,
                        mapper_path,
                        mapper_name: mapper_name.clone(),
                        reducer,
                        args: t.args.iter().map(|(k, v)| (k.clone(), v.clone())).collect(),
                        columns: t.columns.iter().map(|c| (c.name.clone(), hive_type(c.ty))).collect(),
                        input_columns: spec.input.iter().map(|c| c.name).collect(),
                        input: input.table.clone(),
                        input_filter: filter(&input.partitions),
                        key: spec.key.to_vec(),
                        sort: spec.key.iter().chain(spec.sort).copied().collect(),
                    }
                    .render()?,
                });
            }
            TaskKind::Sql { body, .. } => {
                out.push(Artifact {
                    path: format!("{base}.hql"),
                    text: SqlHql {
                        header,
                        ddl,
                        database,
                        table: &t.table,
                        partition: one(t)?,
                        inputs: t.inputs.iter().map(|i| (i.table.clone(), filter(&i.partitions))).collect(),
                        body: body.trim_end().trim_end_matches(';'),
                    }
                    .render()?,
                });
            }
            TaskKind::Native { function, input_file } => {
                out.push(Artifact {
                    path: format!("{base}.hql"),
                    text: NativeHql {
                        header,
                        ddl,
                        table: &t.table,
                        function,
                        input_file: input_file.clone(),
                        warehouse,
                        location,
                        partition: one(t)?,
                    }
                    .render()?,
                });
            }
            TaskKind::ResultStore { .. } => {}
        }
    }
    Ok(out)
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
                    interval: plan.interval.to_string(),
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
