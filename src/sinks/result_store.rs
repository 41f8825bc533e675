//! The result store: the tables Insights and the analytics data API read, loaded the way the original
//! `MysqlInsertTask` does (docs/contract.md §2.2): create database and table if missing (never altered), then one
//! transaction that (with overwrite) deletes the table's rows and marker rows, inserts the rows in multi-row
//! chunks and upserts the `table_updates` marker. Backends: MySQL/MariaDB and SQLite (the embedded default).

mod mysql;
mod sqlite;

pub use crate::config::store_location::{redact_url, StoreLocation};
use crate::db::datetime::{date_value, datetime_value};
use crate::model::ident::check_identifier;
use crate::model::{Column, ColumnType};
use crate::sinks::sql_templates::{DdlColumn, MysqlCreateTable, SqliteCreateIndex, SqliteCreateTable};
use anyhow::{anyhow, bail, Result};
use askama::Template;

/// Name of the marker table (luigi's `[mysql] marker-table` default).
pub const MARKER_TABLE: &str = "table_updates";

/// Rows per multi-row INSERT (the original's `insert_chunk_size`).
pub const INSERT_CHUNK_SIZE: usize = 100;

/// Length used for `varchar`/`string` columns declared without one.
pub const DEFAULT_VARCHAR_LEN: u32 = 255;

/// A result-store table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableSpec {
    pub name: String,
    pub columns: Vec<Column>,
    /// One unnamed `INDEX (c1,c2,…)` per entry (MySQL); `CREATE INDEX <table>_idx<N>_<cols>` on SQLite.
    pub indexes: Vec<Vec<String>>,
    /// `id BIGINT AUTO_INCREMENT` primary key as the first column. `created TIMESTAMP DEFAULT NOW()` is added
    /// to every table (docs/contract.md §6.7: even the `student_engagement_*` tables, which have no `id`).
    pub auto_id: bool,
    /// Explicit primary key columns (e.g. `student_engagement_*`: `(course_id, username, end_date)`). Empty = none
    /// besides `id`. Must be empty when `auto_id` is set.
    pub primary_key: Vec<String>,
}

impl TableSpec {
    /// A table with `id` and `created`, no indexes.
    pub fn new(name: &str, columns: Vec<Column>) -> Self {
        Self { name: name.to_string(), columns, indexes: Vec::new(), auto_id: true, primary_key: Vec::new() }
    }

    pub fn with_index(mut self, cols: &[&str]) -> Self {
        self.indexes.push(cols.iter().map(|c| c.to_string()).collect());
        self
    }

    /// Checks every identifier (table, columns, index and key columns) and the shape of the spec. Called by
    /// every backend before any SQL is built.
    pub fn validate(&self) -> Result<()> {
        check_identifier(&self.name).map_err(|e| anyhow!("result-store table: {e}"))?;
        if self.name == MARKER_TABLE {
            bail!("`{MARKER_TABLE}` is the marker table and cannot be loaded as a result table");
        }
        if self.columns.is_empty() {
            bail!("result-store table `{}` has no columns", self.name);
        }
        let mut seen = std::collections::HashSet::new();
        for c in &self.columns {
            check_identifier(&c.name).map_err(|e| anyhow!("table `{}`, column: {e}", self.name))?;
            if !seen.insert(c.name.as_str()) {
                bail!("table `{}` declares column `{}` twice", self.name, c.name);
            }
            let reserved = (self.auto_id && c.name == "id") || c.name == "created";
            if reserved {
                bail!("table `{}` declares column `{}`, which the result store adds itself", self.name, c.name);
            }
        }
        for (what, cols) in self
            .indexes
            .iter()
            .map(|i| ("index", i))
            .chain(std::iter::once(("primary key", &self.primary_key)).filter(|(_, k)| !k.is_empty()))
        {
            if cols.is_empty() {
                bail!("table `{}` declares an empty {what}", self.name);
            }
            for c in cols {
                check_identifier(c).map_err(|e| anyhow!("table `{}`, {what} column: {e}", self.name))?;
                if !seen.contains(c.as_str()) {
                    bail!("table `{}`: {what} column `{c}` is not a declared column", self.name);
                }
            }
        }
        if self.auto_id && !self.primary_key.is_empty() {
            bail!("table `{}` has both an auto id and an explicit primary key", self.name);
        }
        Ok(())
    }
}

/// How a load behaves.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct LoadOptions {
    /// Replace every row and every marker of the table.
    pub overwrite: bool,
    /// Allow an overwrite with zero rows (otherwise refused).
    pub allow_empty: bool,
    /// Marker id; a non-overwrite load whose marker exists is skipped.
    pub update_id: String,
}

/// What a load did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadReport {
    pub table: String,
    pub rows: u64,
    pub skipped_as_done: bool,
}

/// A result-store backend. A run loads every table in ONE transaction: [`begin`](ResultStore::begin), one
/// [`load_in_tx`](ResultStore::load_in_tx) per table, then [`commit`](ResultStore::commit) once the whole run has
/// succeeded, or [`rollback`](ResultStore::rollback): a failed run never leaves some tables new and others old.
pub trait ResultStore: Send {
    /// Opens the run's transaction. Every spec is validated first. The marker table and the tables of `specs` that
    /// do not exist are created (never altered): on MySQL before the transaction (DDL commits implicitly there), and
    /// [`rollback`](ResultStore::rollback) drops again the tables it created; on SQLite inside it.
    fn begin(&mut self, specs: &[TableSpec]) -> Result<()>;
    /// Loads one table inside the open transaction (docs/contract.md §2.2): with overwrite, delete the table's marker
    /// rows and all its rows; insert `rows` (multi-row INSERT in chunks); upsert the marker row (update_id,
    /// target_table) in `table_updates`. Without overwrite and with an existing marker for update_id: nothing
    /// (skipped_as_done). Overwrite with zero rows and !allow_empty: error. An error leaves the transaction to be
    /// rolled back by the caller.
    fn load_in_tx(&mut self, spec: &TableSpec, rows: &[Vec<Option<String>>], opts: &LoadOptions) -> Result<LoadReport>;
    fn commit(&mut self) -> Result<()>;
    /// Undoes everything since [`begin`](ResultStore::begin). Safe to call when no transaction is open.
    fn rollback(&mut self) -> Result<()>;
    /// Loads one table in a transaction of its own.
    fn load(&mut self, spec: &TableSpec, rows: &[Vec<Option<String>>], opts: &LoadOptions) -> Result<LoadReport> {
        let result = self.begin(std::slice::from_ref(spec)).and_then(|()| self.load_in_tx(spec, rows, opts));
        match result {
            Ok(report) => {
                self.commit()?;
                Ok(report)
            }
            Err(e) => {
                let _ = self.rollback();
                Err(e)
            }
        }
    }
    /// Runs a SELECT and returns every cell rendered as text (None = NULL): DATE as YYYY-MM-DD, DATETIME as
    /// `YYYY-MM-DD HH:MM:SS` plus `.ffffff` only when the fraction is non-zero, integers/floats in plain decimal.
    fn query(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>>;
    fn table_exists(&mut self, table: &str) -> Result<bool>;
    fn row_count(&mut self, table: &str) -> Result<u64>;
    /// A short description safe to print: URL with the password redacted.
    fn describe(&self) -> String;
}

/// Opens the store at a parsed location.
pub fn open_at(location: &StoreLocation) -> Result<Box<dyn ResultStore>> {
    match location {
        StoreLocation::Mysql(url) => Ok(Box::new(mysql::MysqlStore::open(url)?)),
        StoreLocation::Sqlite(path) => Ok(Box::new(sqlite::SqliteStore::open(path)?)),
    }
}

/// Opens the result store a `result_store` value names (see [`StoreLocation::parse`]); relative SQLite paths are
/// taken from the current directory.
pub fn open(url: &str) -> Result<Box<dyn ResultStore>> {
    open_at(&StoreLocation::parse(url)?)
}

/// A cell ready to bind: typed by its column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Cell {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

/// docs/contract.md §2.2 step 5: these texts load as SQL NULL.
pub(crate) fn is_null_token(s: &str) -> bool {
    matches!(s, "None" | "\\N" | "inf" | "-inf")
}

/// Coerces every row to typed cells, checking arity, NOT NULL, numbers, ranges, dates and VARCHAR lengths.
/// Errors name table, row (1-based) and column.
pub(crate) fn coerce_rows(spec: &TableSpec, rows: &[Vec<Option<String>>]) -> Result<Vec<Vec<Cell>>> {
    let mut out = Vec::with_capacity(rows.len());
    for (r, row) in rows.iter().enumerate() {
        if row.len() != spec.columns.len() {
            bail!(
                "table `{}` row {}: {} fields, expected {} ({})",
                spec.name,
                r + 1,
                row.len(),
                spec.columns.len(),
                spec.columns.iter().map(|c| c.name.as_str()).collect::<Vec<_>>().join(", ")
            );
        }
        let mut cells = Vec::with_capacity(row.len());
        for (col, raw) in spec.columns.iter().zip(row) {
            let cell = coerce_cell(col, raw.as_deref())
                .map_err(|e| anyhow!("table `{}` row {} column `{}`: {e}", spec.name, r + 1, col.name))?;
            cells.push(cell);
        }
        out.push(cells);
    }
    Ok(out)
}

fn coerce_cell(col: &Column, raw: Option<&str>) -> Result<Cell, String> {
    let text = match raw {
        Some(s) if !is_null_token(s) => s,
        _ => {
            if col.nullable {
                return Ok(Cell::Null);
            }
            return Err("NULL in a NOT NULL column".to_string());
        }
    };
    let ty = col.ty;
    match ty {
        ColumnType::String(n) => {
            let max = n.unwrap_or(DEFAULT_VARCHAR_LEN) as usize;
            let len = text.chars().count();
            if len > max {
                return Err(format!("value of {len} characters does not fit VARCHAR({max})"));
            }
            Ok(Cell::Text(text.to_string()))
        }
        ColumnType::TinyInt | ColumnType::Int | ColumnType::BigInt | ColumnType::Boolean => {
            let v = parse_int(text, ty)?;
            let (lo, hi) = match ty {
                ColumnType::TinyInt | ColumnType::Boolean => (-128, 127),
                ColumnType::Int => (i64::from(i32::MIN), i64::from(i32::MAX)),
                _ => (i64::MIN, i64::MAX),
            };
            if v < lo || v > hi {
                return Err(format!("{v} is out of range for {}", mysql_type(ty)));
            }
            Ok(Cell::Int(v))
        }
        ColumnType::Float => {
            let v = parse_float(text)?;
            let f = v as f32;
            if !f.is_finite() {
                return Err(format!("`{text}` is out of range for FLOAT"));
            }
            // Store what a MySQL FLOAT column holds, so both backends read back the same digits.
            let v: f64 = format!("{f}").parse().map_err(|_| format!("`{text}` is not a number"))?;
            Ok(Cell::Real(v))
        }
        ColumnType::Double => Ok(Cell::Real(parse_float(text)?)),
        // `YYYY-MM-DD`, optionally with a time, which a DATE column drops (as MySQL does).
        ColumnType::Date => {
            date_value(text).map(Cell::Text).ok_or_else(|| format!("`{}` is not a date (YYYY-MM-DD)", clip(text)))
        }
        // Rounded to the second, as MySQL does for a DATETIME (precision 0) column, so both backends hold the same.
        ColumnType::Timestamp => datetime_value(text)
            .map(Cell::Text)
            .ok_or_else(|| format!("`{}` is not a datetime (YYYY-MM-DD HH:MM:SS[.ffffff])", clip(text))),
    }
}

fn parse_int(text: &str, ty: ColumnType) -> Result<i64, String> {
    if ty == ColumnType::Boolean {
        if text.eq_ignore_ascii_case("true") {
            return Ok(1);
        }
        if text.eq_ignore_ascii_case("false") {
            return Ok(0);
        }
    }
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("`{}` is not an integer", clip(text)));
    }
    text.parse::<i64>().map_err(|_| format!("{} is out of range for {}", clip(text), mysql_type(ty)))
}

fn parse_float(text: &str) -> Result<f64, String> {
    let ok_chars =
        !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'+' | b'e' | b'E'));
    let v = if ok_chars { text.parse::<f64>().ok() } else { None };
    match v {
        Some(v) if v.is_finite() => Ok(v),
        _ => Err(format!("`{}` is not a finite number", clip(text))),
    }
}

fn clip(s: &str) -> String {
    if s.chars().count() > 40 {
        format!("{}…", s.chars().take(40).collect::<String>())
    } else {
        s.to_string()
    }
}

/// MySQL DDL type of a column (docs/contract.md §2.1).
pub(crate) fn mysql_type(ty: ColumnType) -> String {
    match ty {
        ColumnType::String(Some(crate::model::column::LONGTEXT_LEN)) => "LONGTEXT".into(),
        ColumnType::String(n) => format!("VARCHAR({})", n.unwrap_or(DEFAULT_VARCHAR_LEN)),
        ColumnType::TinyInt => "TINYINT".into(),
        ColumnType::Int => "INT".into(),
        ColumnType::BigInt => "BIGINT".into(),
        ColumnType::Boolean => "TINYINT(1)".into(),
        ColumnType::Float => "FLOAT".into(),
        ColumnType::Double => "DOUBLE".into(),
        ColumnType::Date => "DATE".into(),
        ColumnType::Timestamp => "DATETIME".into(),
    }
}

/// SQLite DDL type of a column (the closest storage class).
pub(crate) fn sqlite_type(ty: ColumnType) -> &'static str {
    match ty {
        ColumnType::String(_) | ColumnType::Date | ColumnType::Timestamp => "TEXT",
        ColumnType::TinyInt | ColumnType::Int | ColumnType::BigInt | ColumnType::Boolean => "INTEGER",
        ColumnType::Float | ColumnType::Double => "REAL",
    }
}

/// `CREATE TABLE IF NOT EXISTS` for MySQL (docs/contract.md §2.2 step 2).
pub(crate) fn mysql_create_table(spec: &TableSpec) -> Result<String> {
    spec.validate()?;
    let columns = ddl_columns(spec, mysql_type);
    let ddl = MysqlCreateTable {
        table: &spec.name,
        auto_id: spec.auto_id,
        columns,
        indexes: &spec.indexes,
        primary_key: &spec.primary_key,
    };
    Ok(ddl.render()?)
}

/// `CREATE TABLE IF NOT EXISTS` plus `CREATE INDEX` statements for SQLite.
pub(crate) fn sqlite_create_table(spec: &TableSpec) -> Result<Vec<String>> {
    spec.validate()?;
    let columns = ddl_columns(spec, |ty| sqlite_type(ty).to_string());
    let table = SqliteCreateTable { table: &spec.name, auto_id: spec.auto_id, columns, primary_key: &spec.primary_key };
    let mut stmts = vec![table.render()?];
    for (i, idx) in spec.indexes.iter().enumerate() {
        let name = format!("{}_idx{}_{}", spec.name, i + 1, idx.join("_"));
        stmts.push(SqliteCreateIndex { name: &name, table: &spec.name, columns: idx }.render()?);
    }
    Ok(stmts)
}

fn ddl_columns(spec: &TableSpec, ty: impl Fn(ColumnType) -> String) -> Vec<DdlColumn<'_>> {
    spec.columns.iter().map(|c| DdlColumn { name: &c.name, ty: ty(c.ty), not_null: !c.nullable }).collect()
}

/// Validates a table name given to `table_exists` / `row_count`.
pub(crate) fn checked_table(table: &str) -> Result<&str> {
    check_identifier(table).map_err(|e| anyhow!("{e}"))?;
    Ok(table)
}

/// Shared preamble of every load: validate, coerce, refuse an empty overwrite.
pub(crate) fn prepare_load(
    spec: &TableSpec,
    rows: &[Vec<Option<String>>],
    opts: &LoadOptions,
) -> Result<Vec<Vec<Cell>>> {
    spec.validate()?;
    if opts.update_id.is_empty() {
        bail!("loading `{}`: update_id is empty", spec.name);
    }
    if opts.update_id.chars().count() > 128 {
        bail!("loading `{}`: update_id is longer than 128 characters", spec.name);
    }
    if opts.overwrite && rows.is_empty() && !opts.allow_empty {
        bail!("refusing to overwrite result-store table `{}` with an empty result set (allow_empty is off)", spec.name);
    }
    coerce_rows(spec, rows)
}

/// Rows per INSERT: the chunk size, kept under MySQL's 65535 placeholders per statement.
pub(crate) fn chunk_rows(ncols: usize) -> usize {
    INSERT_CHUNK_SIZE.min((65_535 / ncols.max(1)).max(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn col(name: &str, ty: ColumnType, nullable: bool) -> Column {
        Column { name: name.into(), ty, nullable }
    }

    #[test]
    fn redacts() {
        assert_eq!(redact_url("mysql://root:secret@h/db"), "mysql://root:***@h/db");
        assert_eq!(redact_url("mysql://root:se@cr/et@h:1/db"), "mysql://root:***@h:1/db");
        assert_eq!(redact_url("mysql://root@h/db"), "mysql://root@h/db");
        assert_eq!(redact_url("sqlite:/x/y.db"), "sqlite:/x/y.db");
    }

    #[test]
    fn coerces() {
        let c = col("x", ColumnType::Int, true);
        assert_eq!(coerce_cell(&c, Some("42")), Ok(Cell::Int(42)));
        assert_eq!(coerce_cell(&c, Some("-7")), Ok(Cell::Int(-7)));
        assert_eq!(coerce_cell(&c, Some("None")), Ok(Cell::Null));
        assert_eq!(coerce_cell(&c, Some("\\N")), Ok(Cell::Null));
        assert_eq!(coerce_cell(&c, None), Ok(Cell::Null));
        assert!(coerce_cell(&c, Some("4x")).is_err());
        assert!(coerce_cell(&c, Some("1.0")).is_err());
        assert!(coerce_cell(&c, Some("3000000000")).is_err());
        assert!(coerce_cell(&col("x", ColumnType::Int, false), Some("inf")).is_err());
        let f = col("f", ColumnType::Float, true);
        assert_eq!(coerce_cell(&f, Some("inf")), Ok(Cell::Null));
        assert_eq!(coerce_cell(&f, Some("-inf")), Ok(Cell::Null));
        assert_eq!(coerce_cell(&f, Some("0.45")), Ok(Cell::Real(0.45)));
        assert_eq!(coerce_cell(&f, Some("0.123456789")), Ok(Cell::Real(0.12345679)));
        assert!(coerce_cell(&f, Some("nan")).is_err());
        assert!(coerce_cell(&f, Some("infinity")).is_err());
        let d = col("d", ColumnType::Date, true);
        assert_eq!(coerce_cell(&d, Some("2014-08-01")), Ok(Cell::Text("2014-08-01".into())));
        assert_eq!(coerce_cell(&d, Some("2014-08-01 10:00:00")), Ok(Cell::Text("2014-08-01".into())));
        assert!(coerce_cell(&d, Some("2014-02-30")).is_err());
        let t = col("t", ColumnType::Timestamp, true);
        assert_eq!(coerce_cell(&t, Some("2014-08-01T17:09:59.941616")), Ok(Cell::Text("2014-08-01 17:10:00".into())));
        assert_eq!(coerce_cell(&t, Some("2014-08-01 23:59:59.5")), Ok(Cell::Text("2014-08-02 00:00:00".into())));
        assert_eq!(coerce_cell(&t, Some("2014-08-01")), Ok(Cell::Text("2014-08-01 00:00:00".into())));
        let s = col("s", ColumnType::String(Some(3)), true);
        assert!(coerce_cell(&s, Some("abcd")).is_err());
        assert_eq!(coerce_cell(&s, Some("äöü")), Ok(Cell::Text("äöü".into())));
        let b = col("b", ColumnType::Boolean, true);
        assert_eq!(coerce_cell(&b, Some("true")), Ok(Cell::Int(1)));
    }

    #[test]
    fn mysql_ddl() {
        let spec = TableSpec::new(
            "course_enrollment_daily",
            vec![
                col("course_id", ColumnType::String(Some(255)), false),
                col("date", ColumnType::Date, false),
                col("count", ColumnType::Int, true),
                col("cumulative_count", ColumnType::Int, true),
            ],
        )
        .with_index(&["course_id"])
        .with_index(&["course_id", "date"]);
        assert_eq!(
            mysql_create_table(&spec).unwrap(),
            "CREATE TABLE IF NOT EXISTS `course_enrollment_daily` (`id` BIGINT(20) NOT NULL AUTO_INCREMENT, \
             `course_id` VARCHAR(255) NOT NULL, `date` DATE NOT NULL, `count` INT, `cumulative_count` INT, \
             `created` TIMESTAMP DEFAULT NOW(), PRIMARY KEY (`id`), INDEX (`course_id`), INDEX (`course_id`,`date`))"
        );
        let mut bad = spec.clone();
        bad.indexes.push(vec!["nope".into()]);
        assert!(mysql_create_table(&bad).is_err());
    }

    #[test]
    fn longtext_columns() {
        let t = crate::model::column::parse_type("longtext").unwrap();
        assert_eq!(mysql_type(t), "LONGTEXT");
        assert_eq!(sqlite_type(t), "TEXT");
        assert!(coerce_cell(&col("l", t, true), Some(&"x".repeat(70_000))).is_ok());
    }

    #[test]
    fn ddl_with_explicit_primary_key() {
        let mut spec = TableSpec::new(
            "student_engagement_daily",
            vec![
                col("course_id", ColumnType::String(Some(255)), false),
                col("username", ColumnType::String(None), false),
                col("end_date", ColumnType::Date, false),
                col("days_active", ColumnType::Int, true),
            ],
        )
        .with_index(&["course_id", "end_date"])
        .with_index(&["username"]);
        spec.auto_id = false;
        spec.primary_key = vec!["course_id".into(), "username".into(), "end_date".into()];
        assert_eq!(
            mysql_create_table(&spec).unwrap(),
            "CREATE TABLE IF NOT EXISTS `student_engagement_daily` (`course_id` VARCHAR(255) NOT NULL, `username` \
             VARCHAR(255) NOT NULL, `end_date` DATE NOT NULL, `days_active` INT, `created` TIMESTAMP DEFAULT NOW(), \
             INDEX (`course_id`,`end_date`), INDEX (`username`), PRIMARY KEY (`course_id`,`username`,`end_date`))"
        );
        assert_eq!(
            sqlite_create_table(&spec).unwrap(),
            [
                "CREATE TABLE IF NOT EXISTS \"student_engagement_daily\" (\"course_id\" TEXT NOT NULL, \"username\" TEXT \
                 NOT NULL, \"end_date\" TEXT NOT NULL, \"days_active\" INTEGER, \"created\" TIMESTAMP DEFAULT \
                 CURRENT_TIMESTAMP, PRIMARY KEY (\"course_id\",\"username\",\"end_date\"))",
                "CREATE INDEX IF NOT EXISTS \"student_engagement_daily_idx1_course_id_end_date\" ON \
                 \"student_engagement_daily\" (\"course_id\",\"end_date\")",
                "CREATE INDEX IF NOT EXISTS \"student_engagement_daily_idx2_username\" ON \"student_engagement_daily\" \
                 (\"username\")",
            ]
        );
    }

    #[test]
    fn sqlite_ddl_with_auto_id() {
        let spec = TableSpec::new("t", vec![col("a", ColumnType::Int, false), col("b", ColumnType::Float, true)])
            .with_index(&["a"]);
        assert_eq!(
            sqlite_create_table(&spec).unwrap(),
            [
                "CREATE TABLE IF NOT EXISTS \"t\" (\"id\" INTEGER PRIMARY KEY AUTOINCREMENT, \"a\" INTEGER NOT NULL, \
                 \"b\" REAL, \"created\" TIMESTAMP DEFAULT CURRENT_TIMESTAMP)",
                "CREATE INDEX IF NOT EXISTS \"t_idx1_a\" ON \"t\" (\"a\")",
            ]
        );
    }
}
