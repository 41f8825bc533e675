//! LMS (and Otto) tables for the embedded engine: read from a directory of `<table>.tsv` files or straight from
//! the LMS MySQL database, returned as Hive text (what Sqoop `--direct` would have written to the warehouse).
//!
//! TSV format: a header line of column names, TAB-separated fields, LF line ends, `\N` for NULL, and `\\`, `\t`,
//! `\n`, `\r` escaped inside values.

use crate::db::datetime::DateTimeStyle;
use crate::db::mysql::{query_rows, MysqlUrl};
use crate::model::ident::check_identifier;
use anyhow::{anyhow, bail, Context, Result};
use askama::Template;
use std::io::{BufRead, BufReader};
use std::path::Path;

/// `SELECT` of the requested (checked) columns of an LMS table.
#[derive(Template)]
#[template(path = "lms/select.sql", escape = "none")]
struct LmsSelect<'a> {
    table: &'a str,
    columns: &'a [String],
}

/// The `_metadata` of a table's import (docs/contract.md §2.4, as Sqoop writes it): when the LMS was read
/// (`start_time`, `end_time`, ISO text with microseconds), and what.
pub fn import_metadata(table: &str, columns: &[String], start_time: &str, end_time: &str) -> Vec<u8> {
    let meta = serde_json::json!({
        "start_time": start_time,
        "end_time": end_time,
        "format": { "table_name": table, "columns": columns },
    });
    meta.to_string().into_bytes()
}

/// The current UTC time as an import's `_metadata` writes it.
pub fn import_time() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%S%.6f").to_string()
}

/// Reads `columns` of LMS table `table` from `source`: either a directory holding `<table>.tsv` or a
/// `mysql://user[:pw]@host[:port]/db` URL. Values come back as Hive text: NULL = None, DATETIME as
/// `YYYY-MM-DD HH:MM:SS.ffffff` (always 6 digits), DATE as YYYY-MM-DD, numbers in decimal, strings verbatim.
pub fn read_table(source: &str, table: &str, columns: &[String]) -> Result<Vec<Vec<Option<String>>>> {
    check_identifier(table).map_err(|e| anyhow!("LMS table: {e}"))?;
    for c in columns {
        check_identifier(c).map_err(|e| anyhow!("LMS table `{table}`, column: {e}"))?;
    }
    if columns.is_empty() {
        bail!("reading LMS table `{table}`: no columns requested");
    }
    if source.starts_with("mysql://") {
        read_mysql(source, table, columns)
    } else {
        let path = Path::new(source).join(format!("{table}.tsv"));
        read_tsv(&path, columns)
    }
}

/// MySQL keeps a boolean as `tinyint(1)`, read as `1`/`0`; a column the pipeline declares `boolean` is written as
/// Hive writes a BOOLEAN, `true`/`false` (what a Sqoop import gives and Hive reads back; Hive reads `1` as NULL).
/// Other values are left as they are.
pub fn hive_booleans(columns: &[crate::model::Column], rows: &mut [Vec<Option<String>>]) {
    let flags: Vec<bool> = columns.iter().map(|c| c.ty == crate::model::ColumnType::Boolean).collect();
    if !flags.contains(&true) {
        return;
    }
    for row in rows {
        for (cell, _) in row.iter_mut().zip(&flags).filter(|(_, b)| **b) {
            match cell.as_deref() {
                Some("1") => *cell = Some("true".into()),
                Some("0") => *cell = Some("false".into()),
                _ => {}
            }
        }
    }
}

fn read_mysql(url: &str, table: &str, columns: &[String]) -> Result<Vec<Vec<Option<String>>>> {
    let url = MysqlUrl::parse(url)?;
    let mut conn = url.connect(false)?;
    let sql = LmsSelect { table, columns }.render()?;
    let cols = columns.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ");
    query_rows(&mut conn, &sql, DateTimeStyle::AlwaysMicros)
        .with_context(|| format!("reading LMS table `{table}` ({cols}) from {}", url.redacted()))
}

/// Reads a TSV file (header + rows) and returns the requested columns, selected by header name.
fn read_tsv(path: &Path, columns: &[String]) -> Result<Vec<Vec<Option<String>>>> {
    let file = std::fs::File::open(path).with_context(|| format!("cannot open LMS table file {}", path.display()))?;
    let mut reader = BufReader::new(file);
    let mut line = Vec::new();
    let n = reader.read_until(b'\n', &mut line)?;
    if n == 0 {
        bail!("{}: empty file (expected a header line of column names)", path.display());
    }
    let header_text = line_text(path, 1, &line)?;
    let header: Vec<&str> = header_text.split('\t').collect();
    let mut selected = Vec::with_capacity(columns.len());
    for c in columns {
        let positions: Vec<usize> = header.iter().enumerate().filter(|(_, h)| *h == c).map(|(i, _)| i).collect();
        match positions.as_slice() {
            [i] => selected.push(*i),
            [] => bail!("{}: no column `{c}` in the header (columns: {})", path.display(), header.join(", ")),
            _ => bail!("{}: column `{c}` appears more than once in the header", path.display()),
        }
    }
    let width = header.len();
    let mut rows = Vec::new();
    let mut lineno = 1usize;
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line)? == 0 {
            break;
        }
        lineno += 1;
        let text = line_text(path, lineno, &line)?;
        let fields: Vec<&str> = text.split('\t').collect();
        if fields.len() != width {
            bail!("{}:{lineno}: {} fields, expected {width} (as in the header)", path.display(), fields.len());
        }
        let mut row = Vec::with_capacity(selected.len());
        for &i in &selected {
            row.push(unescape(fields[i]));
        }
        rows.push(row);
    }
    Ok(rows)
}

fn line_text<'a>(path: &Path, lineno: usize, line: &'a [u8]) -> Result<&'a str> {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    std::str::from_utf8(line).map_err(|e| anyhow!("{}:{lineno}: not valid UTF-8 ({e})", path.display()))
}

/// `\N` → NULL; `\\` `\t` `\n` `\r` → the character; any other backslash sequence is kept as written (this TSV
/// format is not Hive text: a TAB is `\t` here, and a backslash before anything else is taken literally).
fn unescape(field: &str) -> Option<String> {
    if field == crate::hive_text::NULL {
        return None;
    }
    if !field.contains('\\') {
        return Some(field.to_string());
    }
    let mut out = String::with_capacity(field.len());
    let mut chars = field.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\\') => out.push('\\'),
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unescapes() {
        assert_eq!(unescape("a\\tb\\\\c\\nd\\re").as_deref(), Some("a\tb\\c\nd\re"));
        assert_eq!(unescape("\\N"), None);
        assert_eq!(unescape("\\\\N").as_deref(), Some("\\N"));
        assert_eq!(unescape("a\\qb").as_deref(), Some("a\\qb"));
        assert_eq!(unescape("").as_deref(), Some(""));
    }

    #[test]
    fn booleans_as_hive_writes_them() {
        use crate::model::{Column, ColumnType};
        let cols = [Column::new("id", ColumnType::Int), Column::new("is_active", ColumnType::Boolean)];
        let cell = |v: &str| Some(v.to_string());
        let mut rows = vec![vec![cell("1"), cell("1")], vec![cell("0"), cell("0")], vec![cell("2"), None]];
        hive_booleans(&cols, &mut rows);
        assert_eq!(rows, vec![vec![cell("1"), cell("true")], vec![cell("0"), cell("false")], vec![cell("2"), None]]);
    }

    #[test]
    fn statements() {
        let names = ["course_id".to_string(), "date".to_string()];
        assert_eq!(
            LmsSelect { table: "auth_user", columns: &names }.render().unwrap(),
            "SELECT `course_id`, `date` FROM `auth_user`"
        );
        assert_eq!(
            LmsSelect { table: "auth_user", columns: &names[..1] }.render().unwrap(),
            "SELECT `course_id` FROM `auth_user`"
        );
    }
}
