//! MySQL/MariaDB connections shared by the result store and the LMS reader: `mysql://` URLs (read by
//! `mysql::Opts::from_url`, with our checks on top), connecting (creating the database when asked), rendering cells
//! as text, and splitting SQL scripts into statements.

use super::datetime::{DateTime, DateTimeStyle};
use crate::config::store_location::redact_url;
use anyhow::{anyhow, Result};
use askama::Template;
use mysql::consts::ColumnType as MyType;
use mysql::prelude::Queryable;
use mysql::{Conn, Opts, OptsBuilder, UrlError, Value};
use std::fmt::Write as _;
use std::time::Duration;

/// A checked `mysql://user[:password]@host[:port]/db` URL. Neither `Debug` nor any error prints the password.
#[derive(Clone)]
pub struct MysqlUrl {
    /// What `mysql::Opts::from_url` read: host, port, user, password, database.
    opts: Opts,
    /// The URL as given (never printed without [`redact_url`]).
    raw: String,
}

impl std::fmt::Debug for MysqlUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl MysqlUrl {
    /// Reads the URL with `mysql::Opts::from_url`, after our own checks: a database is named and is a plain
    /// identifier, no `?options`, and the credentials end at the LAST `@` (a database name never holds one), so a
    /// password, such as a resolved secret, may hold `@`, `/`, `?` or `#` as they are. `%XX` in the credentials is
    /// percent-encoding. Errors are one line and show the URL with its password redacted.
    pub fn parse(url: &str) -> Result<Self> {
        let redacted = redact_url(url);
        let invalid = |why: &str| anyhow!("invalid MySQL URL `{redacted}`: {why}");
        let rest = url.strip_prefix("mysql://").ok_or_else(|| anyhow!("`{redacted}` is not a mysql:// URL"))?;
        let (userinfo, after) = match rest.rsplit_once('@') {
            Some((userinfo, after)) => (Some(userinfo), after),
            None => (None, rest),
        };
        let (hostport, path) = after.split_once('/').unwrap_or((after, ""));
        if hostport.is_empty() || hostport.starts_with(':') {
            return Err(invalid("no host (expected mysql://user[:password]@host[:port]/db)"));
        }
        if after.contains('?') {
            return Err(invalid("query parameters are not supported"));
        }
        let database = path.split_once('#').map_or(path, |(db, _)| db).trim_end_matches('/');
        if database.is_empty() {
            return Err(invalid("no database (expected mysql://user[:password]@host[:port]/db)"));
        }
        check_database_name(database).map_err(|e| invalid(&e))?;
        let for_opts = match userinfo {
            Some(ui) => {
                if !percent_escapes_ok(ui) {
                    return Err(invalid("invalid percent-encoding in the credentials"));
                }
                format!("mysql://{}@{after}", escape_userinfo(ui))
            }
            None => format!("mysql://{after}"),
        };
        let opts = Opts::from_url(&for_opts).map_err(|e| match e {
            UrlError::ParseError(e) => invalid(&e.to_string()),
            e => invalid(&e.to_string()),
        })?;
        if opts.get_db_name() != Some(database) {
            return Err(invalid(&format!("`{database}` is not a valid database name")));
        }
        // `from_url` decodes lossily: a replacement character it did not find in the URL was not UTF-8.
        let lossy = [opts.get_user(), opts.get_pass()].into_iter().flatten().any(|s| s.contains('\u{FFFD}'));
        if lossy && !userinfo.unwrap_or("").contains('\u{FFFD}') {
            return Err(invalid("percent-decoded credentials are not UTF-8"));
        }
        Ok(Self { opts, raw: url.to_string() })
    }

    pub fn redacted(&self) -> String {
        redact_url(&self.raw)
    }

    /// `host:port`, for messages.
    fn address(&self) -> String {
        format!("{}:{}", self.opts.get_ip_or_hostname(), self.opts.get_tcp_port())
    }

    fn database(&self) -> &str {
        self.opts.get_db_name().unwrap_or_default()
    }

    /// TCP, a connect timeout, and the session's character set.
    fn options(&self) -> Result<OptsBuilder> {
        Ok(OptsBuilder::from_opts(self.opts.clone())
            .prefer_socket(false)
            .tcp_connect_timeout(Some(Duration::from_secs(15)))
            .init(vec![SetNames.render()?]))
    }

    /// Connects over TCP; with `create_db` the database is created first (`CREATE DATABASE IF NOT EXISTS`, on its
    /// own autocommit statement, as the original loader does). Errors are one line: host:port, redacted URL, cause.
    pub fn connect(&self, create_db: bool) -> Result<Conn> {
        let base = self.options()?;
        let fail = |e: mysql::Error| {
            anyhow!("cannot connect to MySQL at {} ({}): {}", self.address(), self.redacted(), one_line(&e.to_string()))
        };
        if !create_db {
            return Conn::new(base).map_err(fail);
        }
        let db = self.database();
        let mut conn = Conn::new(base.db_name(None::<String>)).map_err(fail)?;
        conn.query_drop(CreateDatabase { database: db }.render()?).map_err(|e| {
            anyhow!("cannot create database `{db}` on {}: {}", self.redacted(), one_line(&e.to_string()))
        })?;
        conn.select_db(db)
            .map_err(|e| anyhow!("cannot use database `{db}` on {}: {}", self.redacted(), one_line(&e.to_string())))?;
        Ok(conn)
    }

    /// Connects to the database only if it exists (`None` otherwise), creating nothing: for readers that must
    /// leave the server as they found it (`edxc plan`).
    pub fn connect_existing(&self) -> Result<Option<Conn>> {
        let base = self.options()?;
        let mut conn = Conn::new(base.db_name(None::<String>)).map_err(|e| {
            anyhow!("cannot connect to MySQL at {} ({}): {}", self.address(), self.redacted(), one_line(&e.to_string()))
        })?;
        let db = self.database();
        let found: Option<String> = conn.exec_first(DatabaseExists.render()?, (db,))?;
        if found.is_none() {
            return Ok(None);
        }
        conn.select_db(db)
            .map_err(|e| anyhow!("cannot use database `{db}` on {}: {}", self.redacted(), one_line(&e.to_string())))?;
        Ok(Some(conn))
    }
}

fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Database names: ASCII letters, digits and `_`, 1 to 64 characters (rendered inside backticks).
fn check_database_name(name: &str) -> Result<(), String> {
    if !name.is_empty() && name.len() <= 64 && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        Ok(())
    } else {
        Err(format!("`{name}` is not a valid database name: use ASCII letters, digits and `_`, at most 64 characters"))
    }
}

/// Every `%` starts a `%XX` escape.
fn percent_escapes_ok(s: &str) -> bool {
    let b = s.as_bytes();
    let hex = |i: usize| b.get(i).is_some_and(u8::is_ascii_hexdigit);
    b.iter().enumerate().all(|(i, &c)| c != b'%' || (hex(i + 1) && hex(i + 2)))
}

/// Credentials as a URL's userinfo: existing `%XX` escapes and the first `:` kept, everything a URL parser could
/// read as a delimiter (`@ / ? #`, controls, spaces, non-ASCII, ...) percent-encoded.
fn escape_userinfo(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:%".contains(&b) {
            out.push(char::from(b));
        } else {
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

fn fmt_f32(v: f32) -> String {
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
fn render_value(v: &Value, ty: MyType, style: DateTimeStyle) -> Option<String> {
    match v {
        Value::NULL => None,
        Value::Int(i) => Some(i.to_string()),
        Value::UInt(u) => Some(u.to_string()),
        Value::Float(f) => Some(fmt_f32(*f)),
        Value::Double(f) => Some(super::fmt_f64(*f)),
        &Value::Date(year, month, day, hour, minute, second, micros) => {
            let dt = DateTime { year, month, day, hour, minute, second, micros };
            Some(if is_date(ty) { dt.render_date() } else { dt.render(style) })
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

/// Text-protocol cells: normalise datetimes and floats to the same forms as the binary protocol gives.
fn render_text(text: String, ty: MyType, style: DateTimeStyle) -> String {
    if is_datetime(ty) {
        if let Some(dt) = DateTime::parse(&text) {
            return dt.render(style);
        }
    } else if matches!(ty, MyType::MYSQL_TYPE_FLOAT) {
        if let Ok(f) = text.parse::<f32>() {
            return fmt_f32(f);
        }
    } else if matches!(ty, MyType::MYSQL_TYPE_DOUBLE) {
        if let Ok(f) = text.parse::<f64>() {
            return super::fmt_f64(f);
        }
    }
    text
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

/// `CREATE DATABASE IF NOT EXISTS` (the name passed `check_database_name`).
#[derive(Template)]
#[template(path = "db/mysql/create_database.sql", escape = "none")]
struct CreateDatabase<'a> {
    database: &'a str,
}

/// Binds the database name; a row when it exists.
#[derive(Template)]
#[template(path = "db/mysql/database_exists.sql", escape = "none")]
struct DatabaseExists;

/// Init statement of every connection.
#[derive(Template)]
#[template(path = "db/mysql/set_names.sql", escape = "none")]
struct SetNames;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_urls() {
        let u = MysqlUrl::parse("mysql://root:s%40cret@db.example:3307/analytics").unwrap();
        assert_eq!(u.opts.get_user(), Some("root"));
        assert_eq!(u.opts.get_pass(), Some("s@cret"));
        assert_eq!((u.address().as_str(), u.database()), ("db.example:3307", "analytics"));
        let u = MysqlUrl::parse("mysql://root@127.0.0.1/x").unwrap();
        assert_eq!((u.opts.get_tcp_port(), u.opts.get_pass()), (3306, None));
        // Unescaped `@ / ? # :` in a password (a resolved secret), a trailing `/`.
        let u = MysqlUrl::parse("mysql://root:se@cr/et?#:x@[::1]:3307/db/").unwrap();
        assert_eq!((u.opts.get_user(), u.opts.get_pass()), (Some("root"), Some("se@cr/et?#:x")));
        assert_eq!((u.address().as_str(), u.database()), ("[::1]:3307", "db"));
        assert_eq!(format!("{u:?}"), "mysql://root:***@[::1]:3307/db/");
        let u = MysqlUrl::parse("mysql://%C3%BC:p%20w@h/db").unwrap();
        assert_eq!((u.opts.get_user(), u.opts.get_pass()), (Some("ü"), Some("p w")));
        for bad in [
            "mysql://root@h/",
            "mysql://root@h",
            "mysql://root@h:99999/db",
            "mysql://root@h/db;drop",
            "mysql://root@h/a/b",
            "mysql://root@h/db?ssl=true",
            "mysql://root@/db",
            "mysql://root@:3306/db",
            "mysql://u:50%@h/db",
            "mysql://u:%FF@h/db",
            "postgres://h/db",
        ] {
            assert!(MysqlUrl::parse(bad).is_err(), "{bad}");
        }
        let e = MysqlUrl::parse("mysql://u:topsecret@h:x/db").unwrap_err().to_string();
        assert!(!e.contains("topsecret") && e.contains("mysql://u:***@h:x/db"), "{e}");
        let e = MysqlUrl::parse("mysql://u:topsecret@h/bad-name").unwrap_err().to_string();
        assert!(!e.contains("topsecret") && e.contains("`bad-name` is not a valid database name"), "{e}");
    }

    #[test]
    fn statements() {
        assert_eq!(SetNames.render().unwrap(), "SET NAMES utf8mb4");
        assert_eq!(
            CreateDatabase { database: "analytics" }.render().unwrap(),
            "CREATE DATABASE IF NOT EXISTS `analytics` DEFAULT CHARACTER SET utf8mb4"
        );
    }

    #[test]
    fn renders_text_cells() {
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
        let binary = Value::Date(2014, 1, 2, 3, 4, 5, 0);
        assert_eq!(render_value(&binary, MyType::MYSQL_TYPE_DATE, DateTimeStyle::AlwaysMicros).unwrap(), "2014-01-02");
        assert_eq!(
            render_value(&binary, MyType::MYSQL_TYPE_DATETIME, DateTimeStyle::FractionIfNonZero).unwrap(),
            "2014-01-02 03:04:05"
        );
    }
}
