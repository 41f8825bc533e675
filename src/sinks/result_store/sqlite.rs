//! SQLite result store: the embedded default. Same semantics as MySQL; the DDL and every table's load of a run
//! share one `BEGIN IMMEDIATE` transaction (SQLite DDL is transactional, so even a new table is rolled back).

use super::{
    checked_table, chunk_rows, prepare_load, sqlite_create_table, Cell, LoadOptions, LoadReport, ResultStore,
    TableSpec, MARKER_TABLE,
};
use crate::db::fmt_f64;
use crate::sinks::sql_templates::{
    SqliteBegin, SqliteCommit, SqliteCount, SqliteCreateIndex, SqliteDelete, SqliteDeleteMarkers, SqliteInsert,
    SqliteMarkerExists, SqliteMarkerTable, SqliteRollback, SqliteTableExists, SqliteUpsertMarker,
};
use anyhow::{bail, Context, Result};
use askama::Template;
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{params, Connection, OptionalExtension, ToSql};
use std::path::{Path, PathBuf};
use std::time::Duration;

pub(crate) struct SqliteStore {
    conn: Connection,
    path: PathBuf,
    /// A transaction opened by `begin` is open.
    in_tx: bool,
}

impl ToSql for Cell {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Cell::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Cell::Int(i) => ToSqlOutput::Borrowed(ValueRef::Integer(*i)),
            Cell::Real(f) => ToSqlOutput::Borrowed(ValueRef::Real(*f)),
            Cell::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
        })
    }
}

impl SqliteStore {
    pub(crate) fn open(path: &Path) -> Result<Self> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create directory {} for the result store", parent.display()))?;
        }
        let conn =
            Connection::open(path).with_context(|| format!("cannot open SQLite result store {}", path.display()))?;
        conn.busy_timeout(Duration::from_secs(30))?;
        Ok(Self { conn, path: path.to_path_buf(), in_tx: false })
    }

    fn exists(conn: &Connection, table: &str) -> Result<bool> {
        Ok(conn.query_row(&SqliteTableExists.render()?, [table], |_| Ok(())).optional()?.is_some())
    }

    fn marker_exists(conn: &Connection, update_id: &str) -> Result<bool> {
        if !Self::exists(conn, MARKER_TABLE)? {
            return Ok(false);
        }
        Ok(conn.query_row(&SqliteMarkerExists.render()?, [update_id], |_| Ok(())).optional()?.is_some())
    }
}

impl ResultStore for SqliteStore {
    fn begin(&mut self, specs: &[TableSpec]) -> Result<()> {
        for spec in specs {
            spec.validate()?;
        }
        if self.in_tx {
            bail!("a result-store transaction is already open on {}", self.describe());
        }
        let ctx = || format!("cannot start a transaction on {}", self.path.display());
        self.conn.execute_batch(&SqliteBegin.render()?).with_context(ctx)?;
        self.in_tx = true;
        let conn = &self.conn;
        let created = (|| -> Result<()> {
            conn.execute_batch(&SqliteMarkerTable.render()?)?;
            for (name, column) in [("table_updates_id", "id"), ("table_updates_target_table", "target_table")] {
                let index = SqliteCreateIndex { name, table: MARKER_TABLE, columns: &[column.to_string()] };
                conn.execute_batch(&index.render()?)?;
            }
            for spec in specs {
                if !Self::exists(conn, &spec.name)? {
                    for ddl in sqlite_create_table(spec)? {
                        conn.execute_batch(&ddl).with_context(|| format!("creating table `{}`", spec.name))?;
                    }
                }
            }
            Ok(())
        })();
        if let Err(e) = created {
            let _ = self.rollback();
            return Err(e.context(format!("preparing the result store {}", self.describe())));
        }
        Ok(())
    }

    fn load_in_tx(&mut self, spec: &TableSpec, rows: &[Vec<Option<String>>], opts: &LoadOptions) -> Result<LoadReport> {
        if !self.in_tx {
            bail!("loading `{}`: no transaction is open", spec.name);
        }
        let cells = prepare_load(spec, rows, opts)?;
        let where_ = self.describe();
        let ctx = || format!("loading `{}` into {}", spec.name, where_);
        let tx = &self.conn;
        if !opts.overwrite && Self::marker_exists(tx, &opts.update_id)? {
            return Ok(LoadReport { table: spec.name.clone(), rows: 0, skipped_as_done: true });
        }
        if !Self::exists(tx, &spec.name)? {
            bail!("loading `{}`: the table was not prepared by begin()", spec.name);
        }
        if opts.overwrite {
            tx.execute(&SqliteDeleteMarkers.render()?, [&spec.name])?;
            tx.execute(&SqliteDelete { table: &spec.name }.render()?, [])?;
        }
        let per = chunk_rows(spec.columns.len()).min(32_766 / spec.columns.len().max(1)).max(1);
        for chunk in cells.chunks(per) {
            let sql = SqliteInsert { table: &spec.name, columns: &spec.columns, rows: chunk.len() }.render()?;
            let mut stmt = tx.prepare_cached(&sql)?;
            let params: Vec<&dyn ToSql> = chunk.iter().flatten().map(|c| c as &dyn ToSql).collect();
            stmt.execute(params.as_slice()).with_context(ctx)?;
        }
        tx.execute(&SqliteUpsertMarker.render()?, params![opts.update_id, spec.name])?;
        Ok(LoadReport { table: spec.name.clone(), rows: rows.len() as u64, skipped_as_done: false })
    }

    fn commit(&mut self) -> Result<()> {
        if !self.in_tx {
            bail!("commit without a transaction on {}", self.describe());
        }
        let result = self.conn.execute_batch(&SqliteCommit.render()?);
        if let Err(e) = result {
            let _ = self.rollback();
            return Err(anyhow::Error::new(e).context(format!("cannot commit the result store {}", self.describe())));
        }
        self.in_tx = false;
        Ok(())
    }

    fn rollback(&mut self) -> Result<()> {
        if !self.in_tx {
            return Ok(());
        }
        self.in_tx = false;
        if self.conn.is_autocommit() {
            return Ok(());
        }
        self.conn
            .execute_batch(&SqliteRollback.render()?)
            .with_context(|| format!("cannot roll back the result store {}", self.describe()))
    }

    fn query(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        let mut stmt = self.conn.prepare(sql).with_context(|| format!("query on {}", self.path.display()))?;
        let n = stmt.column_count();
        let mut rows = stmt.query([])?;
        let mut out = Vec::new();
        while let Some(row) = rows.next()? {
            let mut cells = Vec::with_capacity(n);
            for i in 0..n {
                cells.push(match row.get_ref(i)? {
                    ValueRef::Null => None,
                    ValueRef::Integer(v) => Some(v.to_string()),
                    ValueRef::Real(v) => Some(fmt_f64(v)),
                    ValueRef::Text(t) | ValueRef::Blob(t) => Some(String::from_utf8_lossy(t).into_owned()),
                });
            }
            out.push(cells);
        }
        Ok(out)
    }

    fn table_exists(&mut self, table: &str) -> Result<bool> {
        Self::exists(&self.conn, checked_table(table)?)
    }

    fn row_count(&mut self, table: &str) -> Result<u64> {
        let t = checked_table(table)?;
        let n: i64 = self.conn.query_row(&SqliteCount { table: t }.render()?, [], |r| r.get(0))?;
        Ok(u64::try_from(n).unwrap_or(0))
    }

    fn describe(&self) -> String {
        format!("sqlite:{}", self.path.display())
    }
}
