//! Schemas: a transform produces exactly its declared columns (SQL bodies are planned against their inputs and
//! their output types checked: `sql`); sink columns exist upstream with compatible types; every placeholder names
//! a known variable.

use super::sql::{SqlInput, SqlTransform};
use super::sql_types::Kind;
use crate::config::placeholder::{render, Vars};
use crate::model::column::parse_type;
use crate::model::{
    At, Column, ColumnType, Diagnostic, FileFormat, Phase, Pipeline, Pos, SinkKind, SourceKind, Transform,
    TransformKind,
};
use std::path::Path;

pub fn check(p: &Pipeline, templates_dir: &Path, vars: &Vars, diags: &mut Vec<Diagnostic>) {
    for s in p.sources.values() {
        if let SourceKind::WarehouseTable { partition, .. } = &s.kind {
            if let Err(e) = render(partition, vars) {
                diags
                    .push(Diagnostic::new(Phase::Schemas, Some(&partition.pos), e).hint("use {{ name }} with a param"));
            }
        }
        let SourceKind::LogDir { path, pattern } = &s.kind else { continue };
        for tpl in [path, pattern] {
            if let Err(e) = render(tpl, vars) {
                diags.push(Diagnostic::new(Phase::Schemas, Some(&tpl.pos), e).hint("use {{ name }} with a text param"));
            }
        }
    }
    for (name, t) in &p.transforms {
        let mut templated: Vec<&At<String>> = t.args.values().collect();
        templated.extend(t.partition.iter());
        for tpl in templated {
            if let Err(e) = render(tpl, vars) {
                diags.push(
                    Diagnostic::new(Phase::Schemas, Some(&tpl.pos), e)
                        .hint("use {{ name }} or {{ name - Nd }} with a param or interval_start, interval_end, today"),
                );
            }
        }
        match &t.kind {
            TransformKind::Sql { template } => sql_columns(p, t, template, templates_dir, vars, diags),
            TransformKind::Reduce { reducer } => {
                let Some(spec) = crate::natives::reducer(&reducer.value) else { continue };
                let want: Vec<(&str, &str)> = spec.output.iter().map(|c| (c.name, c.hive_type)).collect();
                same_columns(name, &t.name.pos, &format!("reducer `{}`", reducer.value), &want, &t.columns, diags);
                for input in &t.inputs {
                    let have = p.columns_of(&input.value).unwrap_or_default();
                    // A reducer may read the partition column, which every warehouse input has.
                    for c in spec.input.iter().filter(|c| c.name != crate::graph::PARTITION_COLUMN) {
                        if !have.iter().any(|h| h.name == c.name) {
                            diags.push(
                                Diagnostic::new(
                                    Phase::Schemas,
                                    Some(&input.pos),
                                    format!(
                                        "reducer `{}` needs column `{}`, which `{}` does not have",
                                        reducer.value, c.name, input.value
                                    ),
                                )
                                .hint(format!(
                                    "the reducer reads: {}",
                                    spec.input.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
                                )),
                            );
                        }
                    }
                }
                for a in spec.args {
                    // The country table comes from the profile's geoip_database, never from the pipeline.
                    if *a == crate::natives::GEOIP_ARG {
                        continue;
                    }
                    if !t.args.contains_key(*a) {
                        diags.push(
                            Diagnostic::new(
                                Phase::Schemas,
                                Some(&t.name.pos),
                                format!("reducer `{}` needs arg `{a}`", reducer.value),
                            )
                            .hint(format!("add args = {{ {a} = \"...\" }}")),
                        );
                    }
                }
            }
            TransformKind::Native { function } => {
                let Some(spec) = crate::natives::native(&function.value) else { continue };
                let want: Vec<(&str, &str)> = spec.output.iter().map(|c| (c.name, c.hive_type)).collect();
                same_columns(name, &t.name.pos, &format!("function `{}`", function.value), &want, &t.columns, diags);
            }
            TransformKind::Map { .. } => {}
        }
    }
    for (name, s) in &p.sinks {
        if let SinkKind::Files { path, format } = &s.kind {
            files_sink(p, name, s, path, *format, vars, diags);
            continue;
        }
        for input in &s.inputs {
            let Some(upstream) = p.columns_of(&input.value) else { continue };
            if let SinkKind::Csv(csv) = &s.kind {
                csv_columns(name, csv, &input.value, &upstream, vars, diags);
            }
            for c in &s.columns {
                match upstream.iter().find(|u| u.name == c.value.name) {
                    None => diags.push(
                        Diagnostic::new(
                            Phase::Schemas,
                            Some(&c.pos),
                            format!("sink `{name}` column `{}` is not produced by `{}`", c.value.name, input.value),
                        )
                        .hint(format!(
                            "`{}` produces: {}",
                            input.value,
                            upstream.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")
                        )),
                    ),
                    Some(u) if !u.ty.fits_into(c.value.ty) => diags.push(
                        Diagnostic::new(
                            Phase::Schemas,
                            Some(&c.pos),
                            format!(
                                "sink `{name}` column `{}` is {}, but `{}` produces {}",
                                c.value.name, c.value.ty, input.value, u.ty
                            ),
                        )
                        .hint("make the types compatible (numbers into numbers, text/dates into text or dates)"),
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}

/// A csv sink sorts by and names its files after columns of its input.
fn csv_columns(
    name: &str,
    csv: &crate::model::csv::CsvSink,
    input: &str,
    upstream: &[Column],
    vars: &Vars,
    diags: &mut Vec<Diagnostic>,
) {
    let file = render(&csv.file, vars).ok().and_then(|t| crate::sinks::csv::parse_file_template(&t).ok());
    let in_file: Vec<String> = file
        .as_deref()
        .map(|pieces| crate::sinks::csv::template_columns(pieces).into_iter().map(str::to_string).collect())
        .unwrap_or_default();
    let named =
        csv.sort_by.iter().map(|c| (c.value.clone(), &c.pos)).chain(in_file.into_iter().map(|c| (c, &csv.file.pos)));
    for (col, pos) in named {
        if !upstream.iter().any(|u| u.name == col) {
            diags.push(
                Diagnostic::new(
                    Phase::Schemas,
                    Some(pos),
                    format!("csv sink `{name}` uses column `{col}`, which `{input}` does not produce"),
                )
                .hint(format!(
                    "`{input}` produces: {}",
                    upstream.iter().map(|u| u.name.as_str()).collect::<Vec<_>>().join(", ")
                )),
            );
        }
    }
}

/// A `files` sink: its directory renders, and its input has the columns its format reads.
fn files_sink(
    p: &Pipeline,
    name: &str,
    s: &crate::model::Sink,
    path: &At<String>,
    format: FileFormat,
    vars: &Vars,
    diags: &mut Vec<Diagnostic>,
) {
    if let Err(e) = render(path, vars) {
        diags.push(Diagnostic::new(Phase::Schemas, Some(&path.pos), e).hint("use {{ name }} with a text param"));
    }
    let needs: &[&str] = match format {
        FileFormat::Lines => &["file", "line"],
        FileFormat::ValidationEvents => &["user_id", "course_id", "created", "is_active", "mode"],
        FileFormat::Marker => &[],
    };
    for input in &s.inputs {
        let have = p.columns_of(&input.value).unwrap_or_default();
        for c in needs.iter().filter(|c| !have.iter().any(|h| h.name == **c)) {
            diags.push(
                Diagnostic::new(
                    Phase::Schemas,
                    Some(&input.pos),
                    format!(
                        "sink `{name}` ({}) needs column `{c}`, which `{}` does not have",
                        format.name(),
                        input.value
                    ),
                )
                .hint(format!("format `{}` reads: {}", format.name(), needs.join(", "))),
            );
        }
    }
}

fn same_columns(
    name: &str,
    pos: &Pos,
    producer: &str,
    want: &[(&str, &str)],
    declared: &[At<Column>],
    diags: &mut Vec<Diagnostic>,
) {
    let declared_text: Vec<String> = declared.iter().map(|c| format!("{} {}", c.value.name, c.value.ty)).collect();
    let want_text: Vec<String> = want.iter().map(|(n, t)| format!("{n} {t}")).collect();
    let same = declared.len() == want.len()
        && declared.iter().zip(want).all(|(d, (n, t))| d.value.name == *n && parse_type(t) == Some(d.value.ty));
    if !same {
        diags.push(
            Diagnostic::new(
                Phase::Schemas,
                Some(pos),
                format!(
                    "transform `{name}` declares columns [{}] but {producer} produces [{}]",
                    declared_text.join(", "),
                    want_text.join(", ")
                ),
            )
            .hint("declare exactly the producer's columns, in order"),
        );
    }
}

/// The output column names of a SQL body's top-level SELECT.
pub fn select_names(sql: &str) -> Result<Vec<String>, String> {
    super::sql::select_items(sql).map(|items| items.into_iter().map(|i| i.name).collect()).map_err(|e| e.message)
}

/// What the `dt` column of input `name` holds: a day for map outputs and partitions that render to a date.
fn dt_kind(p: &Pipeline, name: &str, vars: &Vars) -> Kind {
    let partition = match (p.transforms.get(name), p.sources.get(name).map(|s| &s.kind)) {
        (Some(t), _) if matches!(t.kind, TransformKind::Map { window: Some(_), .. }) => {
            return Kind::Of(ColumnType::Date)
        }
        (Some(t), _) => t.partition.as_ref(),
        (None, Some(SourceKind::LmsTable { partition, .. } | SourceKind::WarehouseTable { partition, .. })) => {
            Some(partition)
        }
        _ => None,
    };
    match partition.map(|tpl| render(tpl, vars)) {
        Some(Ok(dt)) if dt.len() == 10 && chrono::NaiveDate::parse_from_str(&dt, "%Y-%m-%d").is_ok() => {
            Kind::Of(ColumnType::Date)
        }
        Some(Ok(_)) => Kind::Of(ColumnType::String(None)),
        _ => Kind::Unknown,
    }
}

fn sql_columns(
    p: &Pipeline,
    t: &Transform,
    template: &At<String>,
    dir: &Path,
    vars: &Vars,
    diags: &mut Vec<Diagnostic>,
) {
    let path = dir.join(&template.value);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                Diagnostic::new(
                    Phase::Schemas,
                    Some(&template.pos),
                    format!("template `{}` cannot be read: {e}", template.value),
                )
                .hint(format!("templates are paths relative to {}", dir.display())),
            );
            return;
        }
    };
    // The template as the project shows it: `templates/<template>`, relative to the project root.
    let shown = dir.file_name().map(Path::new).unwrap_or(Path::new("")).join(&template.value);
    // Registered as the engine registers them: every input that is a table of the warehouse.
    let inputs: Vec<SqlInput> = t
        .inputs
        .iter()
        .filter_map(|i| {
            let columns = p.columns_of(&i.value)?;
            Some(SqlInput { name: i.value.clone(), columns, dt: dt_kind(p, &i.value, vars) })
        })
        .collect();
    let sql = SqlTransform { name: &t.name.value, template, declared: &t.columns, inputs };
    super::sql::check(&sql, shown, &text, vars, diags);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_of_select_items() {
        let sql =
            "SELECT e.course_id, COUNT(1) AS n, `date` FROM events e WHERE e.dt < '2014-07-01' GROUP BY e.course_id";
        assert_eq!(select_names(sql).unwrap(), vec!["course_id", "n", "date"]);
        assert!(select_names("SELECT COUNT(1) FROM t").unwrap_err().contains("has no name"));
        assert!(select_names("SELECT * FROM t").unwrap_err().contains("wildcard"));
        assert!(select_names("DROP TABLE t").is_err());
    }
}
