//! Where the run state lives, opened in its dialect: a SQLite file of its own (`state = ".edxc/state.sqlite"`, the
//! local default) or tables prefixed `edxc_state_` in the result store (`state = "result_store"`: cluster profiles,
//! whose runs start from machines that share nothing but the result store). The statements are the same
//! templates for both ([`super::sql_templates`]); this module only binds values and reads rows as text.

use super::sql_templates::Dialect;
use crate::config::store_location::StoreLocation;
use anyhow::{Context, Result};
use mysql::prelude::Queryable;
use std::path::{Path, PathBuf};

/// The profile's `state` value, resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StateStore {
    /// A SQLite file holding only the state (tables without prefix).
    File(PathBuf),
    /// The result store's database (SQLite or MySQL), tables prefixed `edxc_state_`.
    ResultStore(StoreLocation),
}

/// A value bound to a statement.
#[derive(Debug, Clone, Copy)]
pub(super) enum Arg<'a> {
    Text(&'a str),
    Int(i64),
}

pub(super) enum Conn {
    Sqlite(rusqlite::Connection),
    Mysql(mysql::Conn),
}

impl StateStore {
    /// `state` of the profile: `result_store`, or a path (relative to the project root); `None` when unset (no
    /// state is kept: every apply runs everything). Reading the result store's URL resolves its secret, so only
    /// commands that connect call this.
    pub fn from_profile(profile: &crate::config::profile::Profile, root: &Path) -> Result<Option<Self>> {
        match profile.get("state") {
            None => Ok(None),
            Some("result_store") => {
                let url = profile.result_store_url().map_err(anyhow::Error::msg)?;
                Ok(Some(Self::ResultStore(StoreLocation::parse(&url)?.resolve(root))))
            }
            Some(_) => Ok(profile.path("state", root).map(Self::File)),
        }
    }

    /// For messages: the file, or the result store with its password redacted.
    pub fn describe(&self) -> String {
        match self {
            Self::File(p) => p.display().to_string(),
            Self::ResultStore(StoreLocation::Sqlite(p)) => format!("the result store {} (edxc_state_*)", p.display()),
            Self::ResultStore(StoreLocation::Mysql(u)) => {
                format!("the result store {} (edxc_state_*)", crate::config::store_location::redact_url(u))
            }
        }
    }

    /// A local directory for what a run leaves beside its state (the HTML run reports): next to a state file,
    /// else `.edxc/` of the project.
    pub fn local_dir(&self) -> Option<&Path> {
        match self {
            Self::File(p) => p.parent().filter(|d| !d.as_os_str().is_empty()),
            Self::ResultStore(_) => None,
        }
    }

    pub(super) fn dialect(&self) -> Dialect {
        match self {
            Self::File(_) => Dialect { p: "", mysql: false },
            Self::ResultStore(StoreLocation::Sqlite(_)) => Dialect { p: "edxc_state_", mysql: false },
            Self::ResultStore(StoreLocation::Mysql(_)) => Dialect { p: "edxc_state_", mysql: true },
        }
    }

    /// The SQLite file, or the MySQL URL.
    fn target(&self) -> Result<&Path, &str> {
        match self {
            Self::File(p) | Self::ResultStore(StoreLocation::Sqlite(p)) => Ok(p),
            Self::ResultStore(StoreLocation::Mysql(url)) => Err(url),
        }
    }

    /// Opens the store for writing, creating the file or database when missing.
    pub(super) fn open(&self) -> Result<Conn> {
        let path = match self.target() {
            Ok(path) => path,
            Err(url) => return Ok(Conn::Mysql(crate::db::mysql::MysqlUrl::parse(url)?.connect(true)?)),
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        let db = rusqlite::Connection::open(path).with_context(|| format!("cannot open {}", path.display()))?;
        db.busy_timeout(std::time::Duration::from_secs(30))?;
        Ok(Conn::Sqlite(db))
    }

    /// Opens the store read-only; `None` when it does not exist (a missing file or database reads as empty and is
    /// not created).
    pub(super) fn open_read_only(&self) -> Result<Option<Conn>> {
        let path = match self.target() {
            Ok(path) => path,
            Err(url) => return Ok(crate::db::mysql::MysqlUrl::parse(url)?.connect_existing()?.map(Conn::Mysql)),
        };
        if !path.exists() {
            return Ok(None);
        }
        let db = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
            .with_context(|| format!("cannot open {} read-only", path.display()))?;
        Ok(Some(Conn::Sqlite(db)))
    }
}

impl Conn {
    /// Runs `sql` once with `args`.
    pub(super) fn exec(&mut self, sql: &str, args: &[Arg]) -> Result<()> {
        match self {
            Self::Sqlite(db) => {
                let args: Vec<rusqlite::types::Value> = args.iter().map(sqlite_value).collect();
                db.execute(sql, rusqlite::params_from_iter(args))?;
            }
            Self::Mysql(db) => {
                let args: Vec<mysql::Value> = args.iter().map(mysql_value).collect();
                if args.is_empty() {
                    db.query_drop(sql)?;
                } else {
                    db.exec_drop(sql, args)?;
                }
            }
        }
        Ok(())
    }

    /// The rows of `sql`, every cell as text (`None` for NULL).
    pub(super) fn query(&mut self, sql: &str, args: &[Arg]) -> Result<Vec<Vec<Option<String>>>> {
        match self {
            Self::Sqlite(db) => {
                let args: Vec<rusqlite::types::Value> = args.iter().map(sqlite_value).collect();
                let mut stmt = db.prepare(sql)?;
                let n = stmt.column_count();
                let rows = stmt.query_map(rusqlite::params_from_iter(args), |r| {
                    (0..n).map(|i| Ok(sqlite_text(r.get::<_, rusqlite::types::Value>(i)?))).collect()
                })?;
                Ok(rows.collect::<Result<_, _>>()?)
            }
            Self::Mysql(db) => {
                let args: Vec<mysql::Value> = args.iter().map(mysql_value).collect();
                let rows: Vec<mysql::Row> = db.exec(sql, args)?;
                Ok(rows
                    .into_iter()
                    .map(|r| (0..r.len()).map(|i| r.as_ref(i).cloned().and_then(mysql_text)).collect())
                    .collect())
            }
        }
    }

    /// Runs `f` in one transaction: everything it executes lands, or nothing does.
    pub(super) fn in_transaction(&mut self, f: impl FnOnce(&mut dyn Exec) -> Result<()>) -> Result<()> {
        match self {
            Self::Sqlite(db) => {
                let mut tx = db.transaction()?;
                f(&mut tx)?;
                tx.commit()?;
            }
            Self::Mysql(db) => {
                let mut tx = db.start_transaction(mysql::TxOpts::default())?;
                f(&mut tx)?;
                tx.commit()?;
            }
        }
        Ok(())
    }
}

/// A statement runner inside a transaction.
pub(super) trait Exec {
    fn exec(&mut self, sql: &str, args: &[Arg]) -> Result<()>;
}

impl Exec for rusqlite::Transaction<'_> {
    fn exec(&mut self, sql: &str, args: &[Arg]) -> Result<()> {
        let args: Vec<rusqlite::types::Value> = args.iter().map(sqlite_value).collect();
        self.execute(sql, rusqlite::params_from_iter(args))?;
        Ok(())
    }
}

impl Exec for mysql::Transaction<'_> {
    fn exec(&mut self, sql: &str, args: &[Arg]) -> Result<()> {
        let args: Vec<mysql::Value> = args.iter().map(mysql_value).collect();
        self.exec_drop(sql, args)?;
        Ok(())
    }
}

fn sqlite_value(a: &Arg) -> rusqlite::types::Value {
    match a {
        Arg::Text(s) => rusqlite::types::Value::Text((*s).to_string()),
        Arg::Int(i) => rusqlite::types::Value::Integer(*i),
    }
}

fn mysql_value(a: &Arg) -> mysql::Value {
    match a {
        Arg::Text(s) => mysql::Value::from(*s),
        Arg::Int(i) => mysql::Value::Int(*i),
    }
}

fn sqlite_text(v: rusqlite::types::Value) -> Option<String> {
    use rusqlite::types::Value;
    match v {
        Value::Null => None,
        Value::Integer(i) => Some(i.to_string()),
        Value::Real(f) => Some(crate::db::fmt_f64(f)),
        Value::Text(s) => Some(s),
        Value::Blob(b) => Some(String::from_utf8_lossy(&b).into_owned()),
    }
}

fn mysql_text(v: mysql::Value) -> Option<String> {
    use mysql::Value;
    match v {
        Value::NULL => None,
        Value::Bytes(b) => Some(String::from_utf8_lossy(&b).into_owned()),
        Value::Int(i) => Some(i.to_string()),
        Value::UInt(u) => Some(u.to_string()),
        Value::Float(f) => Some(f.to_string()),
        Value::Double(f) => Some(crate::db::fmt_f64(f)),
        other => Some(other.as_sql(true).trim_matches('\'').to_string()),
    }
}
