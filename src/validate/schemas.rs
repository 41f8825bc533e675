//! Schemas: a transform produces exactly its declared columns; sink columns exist upstream with compatible types;
//! every placeholder names a known variable.

use crate::config::placeholder::{render, Vars};
use crate::model::column::parse_type;
use crate::model::{At, Column, Diagnostic, Phase, Pipeline, Pos, SinkKind, TransformKind};
use datafusion::sql::sqlparser::ast::{Expr, SelectItem, SetExpr, Statement};
use datafusion::sql::sqlparser::dialect::HiveDialect;
use datafusion::sql::sqlparser::parser::Parser;
use std::path::Path;

pub fn check(p: &Pipeline, templates_dir: &Path, vars: &Vars, diags: &mut Vec<Diagnostic>) {
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
            TransformKind::Sql { template } => sql_columns(name, template, &t.columns, templates_dir, vars, diags),
            TransformKind::Reduce { reducer } => {
                let Some(spec) = crate::natives::reducer(&reducer.value) else { continue };
                let want: Vec<(&str, &str)> = spec.output.iter().map(|c| (c.name, c.hive_type)).collect();
                same_columns(name, &t.name.pos, &format!("reducer `{}`", reducer.value), &want, &t.columns, diags);
                for input in &t.inputs {
                    let have = p.columns_of(&input.value).unwrap_or_default();
                    for c in spec.input {
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
        let SinkKind::ResultStore { .. } = &s.kind;
        for input in &s.inputs {
            let Some(upstream) = p.columns_of(&input.value) else { continue };
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
    let stmts = Parser::parse_sql(&HiveDialect {}, sql).map_err(|e| format!("SQL does not parse: {e}"))?;
    let [Statement::Query(q)] = stmts.as_slice() else {
        return Err("a SQL body must be exactly one SELECT query".into());
    };
    let SetExpr::Select(sel) = q.body.as_ref() else {
        return Err("the body's top level must be a plain SELECT (wrap set operations in a subquery)".into());
    };
    sel.projection
        .iter()
        .enumerate()
        .map(|(i, item)| match item {
            SelectItem::ExprWithAlias { alias, .. } => Ok(alias.value.clone()),
            SelectItem::UnnamedExpr(Expr::Identifier(id)) => Ok(id.value.clone()),
            SelectItem::UnnamedExpr(Expr::CompoundIdentifier(ids)) => {
                ids.last().map(|id| id.value.clone()).ok_or_else(|| "empty identifier".to_string())
            }
            SelectItem::UnnamedExpr(e) => Err(format!("select item {} (`{e}`) has no name: add `AS <column>`", i + 1)),
            _ => Err(format!("select item {} is a wildcard: list the columns", i + 1)),
        })
        .collect()
}

fn sql_columns(
    name: &str,
    template: &At<String>,
    declared: &[At<Column>],
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
    let body = match render(&text, vars) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::new(Phase::Schemas, Some(&template.pos), format!("{}: {e}", template.value))
                    .hint("use a param of this pipeline or interval_start, interval_end, today"),
            );
            return;
        }
    };
    match select_names(&body) {
        Err(e) => diags.push(
            Diagnostic::new(Phase::Schemas, Some(&template.pos), format!("{}: {e}", template.value))
                .hint("fix the SQL body"),
        ),
        Ok(names) => {
            let declared_names: Vec<&str> = declared.iter().map(|c| c.value.name.as_str()).collect();
            if names != declared_names {
                diags.push(
                    Diagnostic::new(
                        Phase::Schemas,
                        Some(&template.pos),
                        format!(
                            "transform `{name}` declares columns [{}] but {} selects [{}]",
                            declared_names.join(", "),
                            template.value,
                            names.join(", ")
                        ),
                    )
                    .hint("make `columns` and the SELECT list name the same columns in the same order"),
                );
            }
        }
    }
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
