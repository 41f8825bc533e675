//! Test helpers: throw-away MariaDB databases (real server, no mocks) and LMS TSV fixtures.
#![allow(dead_code)]

use anyhow::{anyhow, bail, Context, Result};
use mysql::prelude::Queryable;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Server URL without database; override with `EDXC_TEST_MYSQL` (e.g. `mysql://root@127.0.0.1:3306`).
pub fn server_url() -> String {
    std::env::var("EDXC_TEST_MYSQL").unwrap_or_else(|_| "mysql://root@127.0.0.1:3306".to_string())
}

/// A uniquely named database, dropped when the guard goes out of scope.
pub struct TestDb {
    pub name: String,
    pub url: String,
}

impl TestDb {
    pub fn new(tag: &str) -> Self {
        static N: AtomicUsize = AtomicUsize::new(0);
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
        let name = format!("edxc_t_{tag}_{}_{}_{nanos}", std::process::id(), N.fetch_add(1, Ordering::SeqCst));
        let url = format!("{}/{name}", server_url());
        Self { name, url }
    }

    pub fn conn(&self) -> mysql::Conn {
        let url = edxc::db::mysql::MysqlUrl::parse(&self.url).expect("test url");
        url.connect(true).expect("MariaDB must be running on 127.0.0.1:3306 (see README)")
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Ok(mut c) = mysql::Conn::new(mysql::Opts::from_url(&server_url()).expect("server url")) {
            let _ = c.query_drop(format!("DROP DATABASE IF EXISTS `{}`", self.name));
        }
    }
}

pub fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

pub fn row(cells: &[Option<&str>]) -> Vec<Option<String>> {
    cells.iter().map(|c| c.map(str::to_string)).collect()
}

/// The TSV form of one value: `\N` for NULL, `\\` `\t` `\n` `\r` escaped.
pub fn tsv_escape(value: Option<&str>) -> String {
    let Some(v) = value else {
        return edxc::hive_text::NULL.to_string();
    };
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out
}

/// Writes rows as a TSV file at `path` (conventionally `<dir>/<table>.tsv`) in the format `edxc::lms::read_table`
/// reads: header line, escaped values, `\N` for NULL, LF line ends. Parent directories are created; the file is
/// written to a temporary name and renamed, so readers never see half a file.
pub fn write_tsv(path: &Path, columns: &[String], rows: &[Vec<Option<String>>]) -> Result<()> {
    if columns.is_empty() {
        bail!("{}: no columns to write", path.display());
    }
    for c in columns {
        edxc::model::ident::check_identifier(c).map_err(|e| anyhow!("{}: column: {e}", path.display()))?;
    }
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    let file_name =
        path.file_name().ok_or_else(|| anyhow!("{}: not a file path", path.display()))?.to_string_lossy().into_owned();
    let tmp = path.with_file_name(format!(".{file_name}.tmp{}", std::process::id()));
    let result = (|| -> Result<()> {
        let mut w = BufWriter::new(std::fs::File::create(&tmp)?);
        w.write_all(columns.join("\t").as_bytes())?;
        w.write_all(b"\n")?;
        for (i, row) in rows.iter().enumerate() {
            if row.len() != columns.len() {
                bail!("{}: row {} has {} fields, expected {}", path.display(), i + 1, row.len(), columns.len());
            }
            let line = row.iter().map(|v| tsv_escape(v.as_deref())).collect::<Vec<_>>().join("\t");
            w.write_all(line.as_bytes())?;
            w.write_all(b"\n")?;
        }
        w.into_inner().map_err(|e| e.into_error())?.sync_all()?;
        Ok(())
    })();
    match result {
        Ok(()) => std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display())),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e.context(format!("cannot write {}", path.display())))
        }
    }
}

/// Runs a MySQL-dialect SQL script (the LMS fixtures: DROP/CREATE/INSERT, `--` comments, backticks, multi-row VALUES,
/// escapes in literals) against a mysql:// database, creating it if missing. Statements run in order on one
/// connection with foreign-key checks off, as in mysqldump output, so a fixture whose foreign keys point at tables
/// of another fixture loads on its own; the first failure stops the script, naming the statement.
pub fn run_mysql_script(url: &str, sql: &str) -> Result<(), String> {
    let statements = split_script(sql)?;
    let parsed = edxc::db::mysql::MysqlUrl::parse(url).map_err(|e| format!("{e:#}"))?;
    let mut conn = parsed.connect(true).map_err(|e| format!("{e:#}"))?;
    conn.query_drop("SET FOREIGN_KEY_CHECKS = 0").map_err(|e| e.to_string())?;
    for (i, stmt) in statements.iter().enumerate() {
        conn.query_drop(stmt).map_err(|e| {
            let head: String = stmt.chars().take(80).collect();
            format!("statement {} of the script failed on {} ({head}…): {e}", i + 1, parsed.redacted())
        })?;
    }
    Ok(())
}

/// Splits a MySQL-dialect script into statements on `;` outside quotes and comments. Comments (`-- `, `#`,
/// `/* */`) are dropped; string literals are kept verbatim (the server interprets their escapes).
pub fn split_script(sql: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let chars: Vec<char> = sql.chars().collect();
    let mut i = 0;
    let mut line = 1usize;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\'' | '"' | '`' => {
                let start_line = line;
                cur.push(c);
                i += 1;
                loop {
                    let Some(&d) = chars.get(i) else {
                        return Err(format!("unterminated {c} quote starting at line {start_line}"));
                    };
                    cur.push(d);
                    i += 1;
                    if d == '\n' {
                        line += 1;
                    }
                    if d == '\\' && c != '`' {
                        if let Some(&e) = chars.get(i) {
                            cur.push(e);
                            i += 1;
                            if e == '\n' {
                                line += 1;
                            }
                        }
                    } else if d == c {
                        if chars.get(i) == Some(&c) {
                            // doubled quote = literal quote
                            cur.push(c);
                            i += 1;
                        } else {
                            break;
                        }
                    }
                }
            }
            '-' if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_none_or(|n| n.is_whitespace()) => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '#' => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                let start_line = line;
                i += 2;
                loop {
                    match chars.get(i) {
                        None => return Err(format!("unterminated /* comment starting at line {start_line}")),
                        Some('*') if chars.get(i + 1) == Some(&'/') => {
                            i += 2;
                            break;
                        }
                        Some(ch) => {
                            if *ch == '\n' {
                                line += 1;
                            }
                            i += 1;
                        }
                    }
                }
                cur.push(' ');
            }
            ';' => {
                let stmt = cur.trim();
                if !stmt.is_empty() {
                    out.push(stmt.to_string());
                }
                cur.clear();
                i += 1;
            }
            _ => {
                if c == '\n' {
                    line += 1;
                }
                cur.push(c);
                i += 1;
            }
        }
    }
    let stmt = cur.trim();
    if !stmt.is_empty() {
        out.push(stmt.to_string());
    }
    Ok(out)
}

#[cfg(test)]
mod split_tests {
    use super::split_script;

    #[test]
    fn splits_scripts() {
        let s = "-- c;\nCREATE TABLE `a;b` (x int); # y;\nINSERT INTO t VALUES ('a;\\';b', \"q;\"\"\"),(2,'it''s');\n/* ; */ SELECT 1";
        let v = split_script(s).unwrap();
        assert_eq!(v.len(), 3, "{v:?}");
        assert_eq!(v[0], "CREATE TABLE `a;b` (x int)");
        assert_eq!(v[1], "INSERT INTO t VALUES ('a;\\';b', \"q;\"\"\"),(2,'it''s')");
        assert_eq!(v[2], "SELECT 1");
        assert!(split_script("SELECT 'x").is_err());
    }
}
