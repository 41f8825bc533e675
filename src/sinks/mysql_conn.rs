//! MySQL/MariaDB plumbing shared by the result store and the LMS readers: `mysql://` URLs, connecting (creating
//! the database when asked), rendering cells as text, and splitting SQL scripts into statements.

use anyhow::{anyhow, bail, Context, Result};
use mysql::consts::ColumnType as MyType;
use mysql::prelude::Queryable;
use mysql::{Conn, OptsBuilder, Value};
use std::time::Duration;

use super::result_store::redact_url;
use super::sql_templates::{MysqlCreateDatabase, MysqlSetNames};
use askama::Template;

/// A parsed `mysql://user[:password]@host[:port]/db` URL.
#[derive(Clone, PartialEq, Eq)]
pub struct MysqlUrl {
    pub user: Option<String>,
    pub password: Option<String>,
    pub host: String,
    pub port: u16,
    pub database: String,
    /// The URL as given (never printed without [`redact_url`]).
    raw: String,
}

impl std::fmt::Debug for MysqlUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl MysqlUrl {
    pub fn parse(url: &str) -> Result<Self> {
        let redacted = redact_url(url);
        let rest = url.strip_prefix("mysql://").ok_or_else(|| anyhow!("`{redacted}` is not a mysql:// URL"))?;
        // The database name never contains `@`, so the last `@` ends the credentials (which may hold `/` or `@`).
        let (userinfo, after) = match rest.rfind('@') {
            Some(i) => (Some(&rest[..i]), &rest[i + 1..]),
            None => (None, rest),
        };
        let (hostport, path) = match after.find('/') {
            Some(i) => (&after[..i], &after[i + 1..]),
            None => (after, ""),
        };
        let (user, password) = match userinfo {
            None => (None, None),
            Some(ui) => match ui.find(':') {
                Some(i) => (Some(percent_decode(&ui[..i])?), Some(percent_decode(&ui[i + 1..])?)),
                None => (Some(percent_decode(ui)?), None),
            },
        };
        let user = user.filter(|u| !u.is_empty());
        let (host, port) = if let Some(h) = hostport.strip_prefix('[') {
            // [ipv6]:port
            let end = h.find(']').ok_or_else(|| anyhow!("invalid MySQL URL `{redacted}`: unterminated `[` in host"))?;
            let host = &h[..end];
            let port = match h[end + 1..].strip_prefix(':') {
                Some(p) => Some(p),
                None if h[end + 1..].is_empty() => None,
                None => bail!("invalid MySQL URL `{redacted}`: unexpected text after `]`"),
            };
            (host.to_string(), port)
        } else {
            match hostport.rfind(':') {
                Some(i) => (hostport[..i].to_string(), Some(&hostport[i + 1..])),
                None => (hostport.to_string(), None),
            }
        };
        if host.is_empty() {
            bail!("invalid MySQL URL `{redacted}`: no host (expected mysql://user[:password]@host[:port]/db)");
        }
        let port = match port {
            None | Some("") => 3306,
            Some(p) => p
                .parse::<u16>()
                .map_err(|_| anyhow!("invalid MySQL URL `{redacted}`: port `{p}` is not a number 0-65535"))?,
        };
        let database = path.split(['?', '#']).next().unwrap_or("").trim_end_matches('/');
        if path.contains('?') {
            bail!("invalid MySQL URL `{redacted}`: query parameters are not supported");
        }
        if database.is_empty() {
            bail!("invalid MySQL URL `{redacted}`: no database (expected mysql://user[:password]@host[:port]/db)");
        }
        check_database_name(database).map_err(|e| anyhow!("invalid MySQL URL `{redacted}`: {e}"))?;
        Ok(Self { user, password, host, port, database: database.to_string(), raw: url.to_string() })
    }

    pub fn redacted(&self) -> String {
        redact_url(&self.raw)
    }

    /// Connects; with `create_db` the database is created first (`CREATE DATABASE IF NOT EXISTS`, on its own
    /// autocommit statement, as the original loader does). Errors are one line: host:port, redacted URL, cause.
    pub fn connect(&self, create_db: bool) -> Result<Conn> {
        let base = OptsBuilder::new()
            .ip_or_hostname(Some(self.host.clone()))
            .tcp_port(self.port)
            .user(self.user.clone())
            .pass(self.password.clone())
            .prefer_socket(false)
            .tcp_connect_timeout(Some(Duration::from_secs(15)));
        let fail = |e: &dyn std::fmt::Display| {
            anyhow!(
                "cannot connect to MySQL at {}:{} ({}): {}",
                self.host,
                self.port,
                self.redacted(),
                one_line(&e.to_string())
            )
        };
        let init = vec![MysqlSetNames.render()?];
        let base = base.init(init);
        if create_db {
            let mut conn = Conn::new(base.clone()).map_err(|e| fail(&e))?;
            conn.query_drop(MysqlCreateDatabase { database: &self.database }.render()?)
                .map_err(|e| anyhow!("cannot create database `{}` on {}: {}", self.database, self.redacted(), e))?;
            conn.select_db(&self.database)
                .map_err(|e| anyhow!("cannot use database `{}` on {}: {}", self.database, self.redacted(), e))?;
            return Ok(conn);
        }
        Conn::new(base.db_name(Some(self.database.clone()))).map_err(|e| fail(&e))
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Database names: ASCII letters, digits and `_`, 1 to 64 characters (rendered inside backticks).
pub fn check_database_name(name: &str) -> Result<(), String> {
    if !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(format!("`{name}` is not a valid database name: use ASCII letters, digits and `_`, at most 64 characters"))
    }
}

fn percent_decode(s: &str) -> Result<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3).ok_or_else(|| anyhow!("invalid percent-encoding in MySQL URL"))?;
            let b = u8::from_str_radix(hex, 16).map_err(|_| anyhow!("invalid percent-encoding in MySQL URL"))?;
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).context("percent-decoded MySQL URL credentials are not UTF-8")
}

/// How DATETIME/TIMESTAMP values are rendered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DateTimeStyle {
    /// `YYYY-MM-DD HH:MM:SS`, plus `.ffffff` only when the fraction is non-zero (result-store queries).
    FractionIfNonZero,
    /// `YYYY-MM-DD HH:MM:SS.ffffff` always (Hive text as Sqoop `--direct` writes it).
    AlwaysMicros,
}

fn fmt_datetime((y, mo, d, h, mi, s, us): DtParts, style: DateTimeStyle) -> String {
    let base = format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}");
    if style == DateTimeStyle::AlwaysMicros || us != 0 {
        format!("{base}.{us:06}")
    } else {
        base
    }
}

/// Plain decimal rendering of a float (Rust's `Display` never uses an exponent; shortest round-trip digits).
pub fn fmt_f64(v: f64) -> String {
    format!("{v}")
}

pub fn fmt_f32(v: f32) -> String {
    format!("{v}")
}

fn is_datetime(t: MyType) -> bool {
    matches!(
        t,
        MyType::MYSQL_TYPE_DATETIME
            | MyType::MYSQL_TYPE_DATETIME2
            | MyType::MYSQL_TYPE_TIMESTAMP
            | MyType::MYSQL_TYPE_TIMESTAMP2
    )
}

fn is_date(t: MyType) -> bool {
    matches!(t, MyType::MYSQL_TYPE_DATE | MyType::MYSQL_TYPE_NEWDATE)
}

/// Renders one cell as text (None = NULL) according to its column type.
pub fn render_value(v: &Value, ty: MyType, style: DateTimeStyle) -> Option<String> {
    match v {
        Value::NULL => None,
        Value::Int(i) => Some(i.to_string()),
        Value::UInt(u) => Some(u.to_string()),
        Value::Float(f) => Some(fmt_f32(*f)),
        Value::Double(f) => Some(fmt_f64(*f)),
        Value::Date(y, mo, d, h, mi, s, us) => {
            if is_date(ty) {
                Some(format!("{y:04}-{mo:02}-{d:02}"))
            } else {
                Some(fmt_datetime((*y, *mo, *d, *h, *mi, *s, *us), style))
            }
        }
        Value::Time(neg, days, h, mi, s, us) => {
            let hours = u64::from(*days) * 24 + u64::from(*h);
            let sign = if *neg { "-" } else { "" };
            let frac = if *us != 0 { format!(".{us:06}") } else { String::new() };
            Some(format!("{sign}{hours:02}:{mi:02}:{s:02}{frac}"))
        }
        Value::Bytes(b) => {
            let text = String::from_utf8_lossy(b).into_owned();
            Some(render_text(text, ty, style))
        }
    }
}

/// Text-protocol cells: normalise dates and floats to the same forms as the binary protocol gives.
fn render_text(text: String, ty: MyType, style: DateTimeStyle) -> String {
    if is_datetime(ty) {
        if let Some(dt) = parse_datetime_text(&text) {
            return fmt_datetime(dt, style);
        }
    } else if matches!(ty, MyType::MYSQL_TYPE_FLOAT) {
        if let Ok(f) = text.parse::<f32>() {
            return fmt_f32(f);
        }
    } else if matches!(ty, MyType::MYSQL_TYPE_DOUBLE) {
        if let Ok(f) = text.parse::<f64>() {
            return fmt_f64(f);
        }
    }
    text
}

type DtParts = (u16, u8, u8, u8, u8, u8, u32);

fn parse_datetime_text(s: &str) -> Option<DtParts> {
    let (date, time) = s.split_once(' ')?;
    let mut d = date.split('-');
    let y = d.next()?.parse().ok()?;
    let mo = d.next()?.parse().ok()?;
    let dd = d.next()?.parse().ok()?;
    let (hms, frac) = match time.split_once('.') {
        Some((a, b)) => (a, b),
        None => (time, ""),
    };
    let mut t = hms.split(':');
    let h = t.next()?.parse().ok()?;
    let mi = t.next()?.parse().ok()?;
    let sec = t.next()?.parse().ok()?;
    let us = if frac.is_empty() {
        0
    } else {
        let mut f: String = frac.chars().take(6).collect();
        while f.len() < 6 {
            f.push('0');
        }
        f.parse().ok()?
    };
    Some((y, mo, dd, h, mi, sec, us))
}

/// Runs `sql` and returns every row rendered as text. SELECTs go through the binary protocol (typed values);
/// statements the server refuses to prepare fall back to the text protocol.
pub fn query_rows(conn: &mut Conn, sql: &str, style: DateTimeStyle) -> Result<Vec<Vec<Option<String>>>> {
    match conn.prep(sql) {
        Ok(stmt) => {
            let mut out = Vec::new();
            let result = conn.exec_iter(&stmt, ())?;
            for row in result {
                out.push(render_row(row?, style));
            }
            Ok(out)
        }
        Err(mysql::Error::MySqlError(e)) if e.code == 1295 => {
            let mut out = Vec::new();
            for row in conn.query_iter(sql)? {
                out.push(render_row(row?, style));
            }
            Ok(out)
        }
        Err(e) => Err(e.into()),
    }
}

fn render_row(row: mysql::Row, style: DateTimeStyle) -> Vec<Option<String>> {
    let types: Vec<MyType> = row.columns_ref().iter().map(|c| c.column_type()).collect();
    // `Row::unwrap` hands over the row's values (it is not `Option::unwrap` and cannot panic).
    row.unwrap().iter().zip(types).map(|(v, t)| render_value(v, t, style)).collect()
}

/// Splits a MySQL-dialect script into statements on `;` outside quotes and comments. Comments (`-- `, `#`,
/// `/* */`) are dropped; string literals are kept verbatim (the server interprets their escapes).
pub fn split_sql_script(sql: &str) -> Result<Vec<String>> {
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
                        bail!("unterminated {c} quote starting at line {start_line}");
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
                        None => bail!("unterminated /* comment starting at line {start_line}"),
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
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        let u = MysqlUrl::parse("mysql://root:s%40cret@db.example:3307/analytics").unwrap();
        assert_eq!(u.user.as_deref(), Some("root"));
        assert_eq!(u.password.as_deref(), Some("s@cret"));
        assert_eq!((u.host.as_str(), u.port, u.database.as_str()), ("db.example", 3307, "analytics"));
        let u = MysqlUrl::parse("mysql://root@127.0.0.1/x").unwrap();
        assert_eq!((u.port, u.password.clone()), (3306, None));
        assert!(MysqlUrl::parse("mysql://root@h/").is_err());
        assert!(MysqlUrl::parse("mysql://root@h:99999/db").is_err());
        assert!(MysqlUrl::parse("mysql://root@h/db;drop").is_err());
        assert!(MysqlUrl::parse("postgres://h/db").is_err());
        let e = MysqlUrl::parse("mysql://u:topsecret@h:x/db").unwrap_err().to_string();
        assert!(!e.contains("topsecret"), "{e}");
    }

    #[test]
    fn splits_scripts() {
        let s = "-- c;\nCREATE TABLE `a;b` (x int); # y;\nINSERT INTO t VALUES ('a;\\';b', \"q;\"\"\"),(2,'it''s');\n/* ; */ SELECT 1";
        let v = split_sql_script(s).unwrap();
        assert_eq!(v.len(), 3, "{v:?}");
        assert_eq!(v[0], "CREATE TABLE `a;b` (x int)");
        assert_eq!(v[1], "INSERT INTO t VALUES ('a;\\';b', \"q;\"\"\"),(2,'it''s')");
        assert_eq!(v[2], "SELECT 1");
        assert!(split_sql_script("SELECT 'x").is_err());
    }

    #[test]
    fn renders_text_datetimes() {
        assert_eq!(
            render_text(
                "2017-02-01 00:00:00.000000".into(),
                MyType::MYSQL_TYPE_DATETIME,
                DateTimeStyle::FractionIfNonZero
            ),
            "2017-02-01 00:00:00"
        );
        assert_eq!(
            render_text("2017-02-01 00:00:00".into(), MyType::MYSQL_TYPE_DATETIME, DateTimeStyle::AlwaysMicros),
            "2017-02-01 00:00:00.000000"
        );
        assert_eq!(
            render_text("1e20".into(), MyType::MYSQL_TYPE_DOUBLE, DateTimeStyle::AlwaysMicros),
            "100000000000000000000"
        );
    }
}
