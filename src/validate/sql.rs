//! SQL bodies: their SELECT list is parsed for the output names, then the body is planned with DataFusion in the
//! embedded engine's session (`crate::dialect`: same table names, `dt` column and UDFs) over empty input tables, and
//! the type of each output column is checked against the declared one. Problems are reported at file:line:col of
//! the template as written (placeholders are rendered with sample values first; positions are mapped back).

use super::sql_types::{fits, InputKinds, Kind, Tracer};
use crate::config::placeholder::{render, Vars};
use crate::model::diagnostic::line_col;
use crate::model::{At, Column, ColumnType, Diagnostic, Phase, Pos};
use datafusion::common::SchemaError;
use datafusion::error::DataFusionError;
use datafusion::logical_expr::LogicalPlan;
use datafusion::sql::sqlparser::ast::{Expr, SelectItem, SetExpr, Spanned, Statement};
use datafusion::sql::sqlparser::dialect::HiveDialect;
use datafusion::sql::sqlparser::parser::Parser;
use regex::Regex;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// A 1-based line and column in the rendered body, as sqlparser and DataFusion report them.
type Loc = (u64, u64);

/// One item of the top-level SELECT list.
pub struct Item {
    pub name: String,
    /// Where its expression starts in the rendered body.
    pub at: Option<Loc>,
    /// Its expression, as text.
    pub expr: String,
}

/// Why the SELECT list could not be read.
pub struct BodyError {
    pub message: String,
    pub at: Option<Loc>,
}

fn loc(l: datafusion::sql::sqlparser::tokenizer::Location) -> Option<Loc> {
    (l.line > 0).then_some((l.line, l.column))
}

/// A parser error message without its ` at Line: L, Column: C` suffix, and that position.
fn split_parser_error(message: &str) -> (String, Option<Loc>) {
    let at = Regex::new(r"\s*at Line: (\d+), Column: (\d+)").ok().and_then(|re| {
        let c = re.captures_iter(message).last()?;
        let whole = c.get(0)?;
        let at = (c.get(1)?.as_str().parse().ok()?, c.get(2)?.as_str().parse().ok()?);
        Some((whole.range(), at))
    });
    match at {
        Some((range, at)) => {
            let mut m = message.to_string();
            m.replace_range(range, "");
            (m, Some(at))
        }
        None => (message.to_string(), None),
    }
}

/// The items of a SQL body's top-level SELECT: each must have a name (a column or an alias).
pub fn select_items(sql: &str) -> Result<Vec<Item>, BodyError> {
    let stmts = Parser::parse_sql(&HiveDialect {}, sql).map_err(|e| {
        let (message, at) = split_parser_error(&e.to_string());
        let message = message.strip_prefix("sql parser error: ").unwrap_or(&message);
        BodyError { message: format!("SQL does not parse: {message}"), at }
    })?;
    let [Statement::Query(q)] = stmts.as_slice() else {
        return Err(BodyError { message: "a SQL body must be exactly one SELECT query".into(), at: None });
    };
    let SetExpr::Select(sel) = q.body.as_ref() else {
        return Err(BodyError {
            message: "the body's top level must be a plain SELECT (wrap set operations in a subquery)".into(),
            at: loc(q.body.span().start),
        });
    };
    sel.projection
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let at = loc(item.span().start);
            let name = match item {
                SelectItem::ExprWithAlias { alias, .. } => Ok(alias.value.clone()),
                SelectItem::UnnamedExpr(Expr::Identifier(id)) => Ok(id.value.clone()),
                SelectItem::UnnamedExpr(Expr::CompoundIdentifier(ids)) => {
                    ids.last().map(|id| id.value.clone()).ok_or_else(|| "empty identifier".to_string())
                }
                SelectItem::UnnamedExpr(e) => {
                    Err(format!("select item {} (`{e}`) has no name: add `AS <column>`", i + 1))
                }
                _ => Err(format!("select item {} is a wildcard: list the columns", i + 1)),
            };
            let expr = match item {
                SelectItem::ExprWithAlias { expr, .. } | SelectItem::UnnamedExpr(expr) => expr.to_string(),
                other => other.to_string(),
            };
            name.map(|name| Item { name, at, expr }).map_err(|message| BodyError { message, at })
        })
        .collect()
}

/// A placeholder: its byte range in the template and in the rendered body.
struct Seg {
    t_start: usize,
    t_end: usize,
    r_start: usize,
    r_end: usize,
}

/// A template rendered for checking, with what it takes to point back into the template as written.
pub struct Body<'a> {
    text: &'a str,
    pub rendered: String,
    segs: Vec<Seg>,
    /// The template with comments, string literals and placeholders blanked out (same byte offsets).
    masked: String,
    file: PathBuf,
}

/// Blanks comments, string literals and placeholders (newlines kept, so offsets and lines stay the same).
fn mask(text: &str) -> String {
    let b = text.as_bytes();
    let mut out = b.to_vec();
    let find = |from: usize, what: &[u8]| b.get(from..).and_then(|r| r.windows(what.len()).position(|w| w == what));
    let mut i = 0;
    while i < b.len() {
        let rest = &b[i..];
        let end = if rest.starts_with(b"--") {
            find(i, b"\n").map_or(b.len(), |n| i + n)
        } else if rest.starts_with(b"/*") {
            find(i + 2, b"*/").map_or(b.len(), |n| i + 2 + n + 2)
        } else if rest.starts_with(b"{{") {
            find(i + 2, b"}}").map_or(b.len(), |n| i + 2 + n + 2)
        } else if b[i] == b'\'' || b[i] == b'"' {
            let quote = b[i];
            let mut j = i + 1;
            while j < b.len() && b[j] != quote {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            (j + 1).min(b.len())
        } else {
            i += 1;
            continue;
        };
        for x in &mut out[i..end] {
            if *x != b'\n' {
                *x = b' ';
            }
        }
        i = end;
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

impl<'a> Body<'a> {
    /// Renders `text` (the error is `render`'s) and records where each placeholder went.
    pub fn new(text: &'a str, vars: &Vars, file: PathBuf) -> Result<Self, String> {
        let rendered = render(text, vars)?;
        let mut segs = Vec::new();
        let mut again = String::with_capacity(rendered.len());
        let mut from = 0;
        while let Some(a) = text.get(from..).and_then(|r| r.find("{{")).map(|a| from + a) {
            let Some(b) = text.get(a..).and_then(|r| r.find("}}")).map(|b| a + b + 2) else { break };
            again.push_str(&text[from..a]);
            let value = render(&text[a..b], vars)?;
            segs.push(Seg { t_start: a, t_end: b, r_start: again.len(), r_end: again.len() + value.len() });
            again.push_str(&value);
            from = b;
        }
        again.push_str(&text[from..]);
        if again != rendered {
            segs.clear(); // cannot happen (same renderer); positions then assume no shift
        }
        Ok(Self { text, rendered, segs, masked: mask(text), file })
    }

    fn pos(&self, template_offset: usize) -> Pos {
        let (line, col) = line_col(self.text, template_offset);
        Pos { file: self.file.clone(), line, col }
    }

    /// Just after the last character of the template that is not blank.
    pub fn end(&self) -> Pos {
        self.pos(self.masked.trim_end().len())
    }

    /// The template position of a line and column of the rendered body.
    pub fn at(&self, (line, col): Loc) -> Option<Pos> {
        if line == 0 {
            return None;
        }
        let mut start = 0;
        for _ in 1..line {
            start += self.rendered.get(start..)?.find('\n')? + 1;
        }
        let rest = self.rendered.get(start..)?;
        let within = rest.char_indices().nth(col.saturating_sub(1) as usize).map_or(rest.len(), |(i, _)| i);
        let r = start + within;
        let mut shift = 0isize;
        for s in &self.segs {
            if r >= s.r_end {
                shift = s.t_end as isize - s.r_end as isize;
            } else if r >= s.r_start {
                return Some(self.pos(s.t_start));
            } else {
                break;
            }
        }
        Some(self.pos((r as isize + shift).max(0) as usize))
    }

    /// The first occurrence of a name outside comments and literals: `qualifier.name` if given, else the bare name
    /// (`call`: followed by `(`, a function). Case-insensitive, backquotes allowed.
    pub fn find(&self, qualifier: Option<&str>, name: &str, call: bool) -> Option<Pos> {
        let id = |n: &str| format!(r"`?\b{}\b`?", regex::escape(n));
        let mut patterns = Vec::new();
        if let Some(q) = qualifier.filter(|q| !q.is_empty()) {
            patterns.push(format!(r"(?i){}\s*\.\s*{}", id(q), id(name)));
        }
        patterns.push(if call { format!(r"(?i){}\s*\(", id(name)) } else { format!("(?i){}", id(name)) });
        patterns.iter().find_map(|p| {
            let m = Regex::new(p).ok()?.find(&self.masked)?;
            Some(self.pos(m.start()))
        })
    }
}

/// An input table of a SQL transform, as the engine registers it.
pub struct SqlInput {
    pub name: String,
    pub columns: Vec<Column>,
    /// What its `dt` partition column holds.
    pub dt: Kind,
}

/// Plans `body` over empty `inputs` in the engine's session, through to a physical plan.
fn plan(body: &str, inputs: &[SqlInput]) -> Result<LogicalPlan, DataFusionError> {
    let rt =
        tokio::runtime::Builder::new_current_thread().build().map_err(|e| DataFusionError::External(Box::new(e)))?;
    rt.block_on(async {
        let ctx = crate::dialect::session(true);
        for i in inputs {
            crate::dialect::register_input(&ctx, &i.name, &i.columns, vec![])?;
        }
        let df = ctx.sql(body).await?;
        let plan = df.logical_plan().clone();
        df.create_physical_plan().await?;
        Ok(plan)
    })
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A DataFusion message as a user reads it: one line, without the internal preamble of signature errors or the
/// request to file a bug (DataFusion reports type errors of built-in functions as internal errors).
fn clean(message: &str) -> String {
    let mut m = one_line(message);
    if let Some(i) = m.find("No function matches the given name and argument types") {
        m = m[i..].to_string();
    }
    for noise in ["Internal error: ", " This issue was likely caused by a bug in DataFusion's code."] {
        m = m.replace(noise, "");
    }
    if let Some(i) = m.find(" Please help us to resolve this") {
        m.truncate(i);
    }
    m
}

/// A single quoted name after `prefix` in `message`, e.g. `Invalid function 'foo'`.
fn quoted_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let re = Regex::new(&format!(r"(?i){}\s*'([^']+)'", regex::escape(prefix))).ok()?;
    Some(re.captures(message)?.get(1)?.as_str())
}

/// One diagnostic for one DataFusion planning error.
fn plan_diagnostic(e: &DataFusionError, cx: &Cx<'_>) -> Diagnostic {
    let d = e.diagnostic();
    let root = e.find_root();
    let message = clean(&d.map_or_else(|| root.message().to_string(), |d| d.message.clone()));
    let mut at = d.and_then(|d| d.span).and_then(|s| cx.body.at((s.start.line, s.start.column)));
    let inputs = cx.inputs.iter().map(|i| i.name.as_str()).collect::<Vec<_>>().join(", ");
    let mut hint =
        "fix the SQL body: it is planned with DataFusion (Hive dialect), as the embedded engine runs it".to_string();
    let root_message = root.message().to_string();
    if let DataFusionError::SchemaError(err, _) = root {
        if let SchemaError::FieldNotFound { field, .. } | SchemaError::AmbiguousReference { field } = err.as_ref() {
            at = at.or_else(|| cx.body.find(field.relation.as_ref().map(|r| r.table()), &field.name, false));
        }
        if let SchemaError::FieldNotFound { field, valid_fields } = err.as_ref() {
            let same: Vec<String> = valid_fields
                .iter()
                .filter(|v| field.relation.is_none() || v.relation == field.relation)
                .map(|v| v.flat_name())
                .collect();
            let shown = if same.is_empty() { valid_fields.iter().map(|v| v.flat_name()).collect() } else { same };
            hint = format!("the columns there: {}", shown.join(", "));
        }
    } else if let Some(table) = quoted_after(&message, "table").filter(|_| message.contains("not found")) {
        let bare = table.rsplit('.').next().unwrap_or(table);
        at = at.or_else(|| cx.body.find(None, bare, false));
        hint = format!("a SQL body reads its transform's inputs, by name: {inputs}");
    } else if let Some(f) = quoted_after(&root_message, "Invalid function") {
        at = at.or_else(|| cx.body.find(None, f, true));
        hint = "functions are DataFusion's built-ins plus Hive's to_date and concat".into();
    } else if let Some(f) = quoted_after(&root_message, "function") {
        at = at.or_else(|| cx.body.find(None, f, true));
        if root_message.contains("argument types") || root_message.contains("signature") {
            hint = format!("`{f}` does not take arguments of these types: cast them (CAST(x AS BIGINT), ...)");
        }
    }
    if let Some(d) = d {
        let extra: Vec<&str> =
            d.notes.iter().map(|n| n.message.as_str()).chain(d.helps.iter().map(|h| h.message.as_str())).collect();
        if !extra.is_empty() {
            hint = format!("{}; {hint}", extra.join("; "));
        }
    }
    let pos = at.unwrap_or_else(|| cx.template.pos.clone());
    Diagnostic::new(Phase::Schemas, Some(&pos), format!("SQL of transform `{}`: {message}", cx.transform)).hint(hint)
}

/// What one check needs to know.
struct Cx<'a> {
    transform: &'a str,
    template: &'a At<String>,
    body: &'a Body<'a>,
    inputs: &'a [SqlInput],
}

fn kind_name(k: Kind) -> String {
    match k {
        Kind::Of(ColumnType::String(_)) => "a string".into(),
        Kind::Of(t @ ColumnType::Int) => format!("an {t}"),
        Kind::Of(t) => format!("a {t}"),
        Kind::Null => "NULL".into(),
        Kind::Unknown => "unknown".into(),
    }
}

fn type_hint(k: Kind, declared: ColumnType) -> String {
    use ColumnType::*;
    let want = match declared {
        Date => "a date (a date column, to_date(...), a 'YYYY-MM-DD' literal)",
        Timestamp => {
            "a timestamp (a timestamp or date column, CONCAT(<date>, ' 00:00:00'), a 'YYYY-MM-DD HH:MM:SS' literal)"
        }
        TinyInt | Int | BigInt => "an integer (CAST(... AS INT) where a conversion is meant)",
        Float | Double => "a number (CAST(... AS DOUBLE) where a conversion is meant)",
        Boolean => "a boolean",
        String(_) => "a string",
    };
    let declare = match k {
        Kind::Of(String(_)) => "string".to_string(),
        Kind::Of(t) => t.to_string(),
        _ => "string".into(),
    };
    if k == Kind::Of(Timestamp) && declared == Date {
        return "take the day with to_date(...), or declare the column `timestamp`".into();
    }
    format!("select {want}, or declare the column `{declare}`")
}

/// A SQL transform as the pipeline declares it.
pub struct SqlTransform<'a> {
    pub name: &'a str,
    /// The `template = ` value (and its position in the pipeline file, where unlocated problems are reported).
    pub template: &'a At<String>,
    pub declared: &'a [At<Column>],
    pub inputs: Vec<SqlInput>,
}

/// Checks a SQL transform's body (`text`, the template shown as `file`): SELECT list, planning, output names and
/// types.
pub fn check(t: &SqlTransform<'_>, file: PathBuf, text: &str, vars: &Vars, diags: &mut Vec<Diagnostic>) {
    let SqlTransform { name: transform, template, declared, inputs } = t;
    let (transform, template, declared) = (*transform, *template, *declared);
    let body = match Body::new(text, vars, file) {
        Ok(b) => b,
        Err(e) => {
            diags.push(
                Diagnostic::new(Phase::Schemas, Some(&template.pos), format!("{}: {e}", template.value))
                    .hint("use a param of this pipeline or interval_start, interval_end, today"),
            );
            return;
        }
    };
    let cx = Cx { transform, template, body: &body, inputs: inputs.as_slice() };
    let at = |l: Option<Loc>| l.and_then(|l| body.at(l)).unwrap_or_else(|| template.pos.clone());
    let items = match select_items(&body.rendered) {
        Ok(items) => items,
        Err(e) => {
            // A body that ends too early has no position: point at its end.
            let pos = match e.at {
                None if e.message.contains("found: EOF") => body.end(),
                l => at(l),
            };
            diags.push(
                Diagnostic::new(Phase::Schemas, Some(&pos), format!("SQL of transform `{transform}`: {}", e.message))
                    .hint("fix the SQL body"),
            );
            return;
        }
    };
    let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
    let declared_names: Vec<&str> = declared.iter().map(|c| c.value.name.as_str()).collect();
    let same_names = names == declared_names;
    if !same_names {
        diags.push(
            Diagnostic::new(
                Phase::Schemas,
                Some(&template.pos),
                format!(
                    "transform `{transform}` declares columns [{}] but {} selects [{}]",
                    declared_names.join(", "),
                    template.value,
                    names.join(", ")
                ),
            )
            .hint("make `columns` and the SELECT list name the same columns in the same order"),
        );
    }
    let plan = match plan(&body.rendered, inputs) {
        Ok(p) => p,
        Err(e) => {
            diags.extend(e.iter().map(|e| plan_diagnostic(e, &cx)));
            return;
        }
    };
    let outputs = plan.schema().fields().len();
    if outputs != declared.len() {
        if same_names {
            diags.push(
                Diagnostic::new(
                    Phase::Schemas,
                    Some(&template.pos),
                    format!("{} returns {outputs} columns, `{transform}` declares {}", template.value, declared.len()),
                )
                .hint("make `columns` and the SELECT list name the same columns in the same order"),
            );
        }
        return;
    }
    if !same_names {
        return;
    }
    let kinds: BTreeMap<String, InputKinds> = inputs
        .iter()
        .map(|i| {
            let columns = i.columns.iter().map(|c| (c.name.clone(), c.ty)).collect();
            (i.name.clone(), InputKinds { columns, dt: i.dt })
        })
        .collect();
    let tracer = Tracer { inputs: &kinds };
    for (i, (col, item)) in declared.iter().zip(&items).enumerate() {
        let kind = tracer.output(&plan, i);
        if !fits(kind, col.value.ty) {
            diags.push(
                Diagnostic::new(
                    Phase::Schemas,
                    Some(&at(item.at)),
                    format!(
                        "transform `{transform}` declares `{}` {}, but select item {} (`{}`) is {}",
                        col.value.name,
                        col.value.ty,
                        i + 1,
                        one_line(&item.expr),
                        kind_name(kind)
                    ),
                )
                .hint(type_hint(kind, col.value.ty)),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::placeholder::Var;

    fn vars() -> Vars {
        let mut v = Vars::new();
        v.insert("end".into(), Var::Date(chrono::NaiveDate::from_ymd_opt(2014, 7, 1).unwrap()));
        v
    }

    #[test]
    fn items_and_syntax_errors() {
        let sql = "SELECT e.course_id, COUNT(1) AS n, `date` FROM events e WHERE e.dt < '2014-07-01' GROUP BY 1";
        let items = select_items(sql).ok().unwrap();
        let names: Vec<&str> = items.iter().map(|i| i.name.as_str()).collect();
        assert_eq!(names, vec!["course_id", "n", "date"]);
        assert_eq!(items[1].at, Some((1, 21)));
        let e = select_items("SELECT a,\n  COUNT(1) FROM t").err().unwrap();
        assert!(e.message.contains("has no name") && e.at == Some((2, 3)), "{}", e.message);
        let e = select_items("SELECT a\nFROM t WHERE a = = 1").err().unwrap();
        assert!(e.message.starts_with("SQL does not parse") && !e.message.contains("Line:"), "{}", e.message);
        assert_eq!(e.at, Some((2, 18)));
    }

    #[test]
    fn positions_map_back_through_placeholders() {
        let text = "-- x.bad\nSELECT a FROM t WHERE d = '{{ end - 1d }}' AND x.bad = 1\n";
        let body = Body::new(text, &vars(), "t.sql".into()).ok().unwrap();
        assert!(body.rendered.contains("'2014-06-30' AND"));
        // `x.bad` is at column 48 of line 2 as written, 44 once rendered.
        let p = body.at((2, 44)).unwrap();
        assert_eq!((p.line, p.col), (2, 48));
        let p = body.find(Some("x"), "bad", false).unwrap();
        assert_eq!((p.line, p.col), (2, 48));
        // Inside a placeholder's value: the placeholder.
        let p = body.at((2, 30)).unwrap();
        assert_eq!((p.line, p.col), (2, 28));
        assert!(body.find(None, "nowhere", false).is_none());
    }

    #[test]
    fn masking_keeps_offsets() {
        let m = mask("a -- b\n/* c\n */ 'd''e' \"f\" {{ g }} h");
        assert_eq!(m.len(), "a -- b\n/* c\n */ 'd''e' \"f\" {{ g }} h".len());
        assert_eq!(m.split_whitespace().collect::<Vec<_>>(), vec!["a", "h"]);
    }
}
