//! MySQL/MariaDB result store (docs/contract.md §2.2). DDL runs before the transaction (MySQL commits implicitly on
//! DDL) and a rollback drops the tables it created; every table's rows and markers change in one READ COMMITTED
//! transaction.

use super::{
    checked_table, chunk_rows, mysql_create_table, prepare_load, Cell, LoadOptions, LoadReport, ResultStore, TableSpec,
    MARKER_TABLE,
};
use crate::db::datetime::DateTimeStyle;
use crate::db::mysql::{query_rows, MysqlUrl};
use crate::sinks::sql_templates::{
    MysqlBegin, MysqlCommit, MysqlCount, MysqlDelete, MysqlDeleteMarkers, MysqlDropTable, MysqlInsert,
    MysqlMarkerExists, MysqlMarkerTable, MysqlReadCommitted, MysqlRollback, MysqlTableExists, MysqlUpsertMarker,
};
use anyhow::{bail, Context, Result};
use askama::Template;
use mysql::prelude::Queryable;
use mysql::{Conn, Value};

pub(crate) struct MysqlStore {
    url: MysqlUrl,
    conn: Conn,
    /// A transaction opened by `begin` is open.
    in_tx: bool,
    /// Tables `begin` created (before the transaction, as MySQL DDL commits implicitly).
    created: Vec<String>,
}

impl MysqlStore {
    pub(crate) fn open(url: &str) -> Result<Self> {
        let url = MysqlUrl::parse(url)?;
        let conn = url.connect(true)?;
        Ok(Self { url, conn, in_tx: false, created: Vec::new() })
    }

    fn exists(&mut self, table: &str) -> Result<bool> {
        let n: Option<u64> = self.conn.exec_first(MysqlTableExists.render()?, (table,))?;
        Ok(n.unwrap_or(0) > 0)
    }
}

fn to_value(c: &Cell) -> Value {
    match c {
        Cell::Null => Value::NULL,
        Cell::Int(i) => Value::Int(*i),
        Cell::Real(f) => Value::Double(*f),
        Cell::Text(s) => Value::Bytes(s.as_bytes().to_vec()),
    }
}

impl ResultStore for MysqlStore {
    fn begin(&mut self, specs: &[TableSpec]) -> Result<()> {
        for spec in specs {
            spec.validate()?;
        }
        if self.in_tx {
            bail!("a result-store transaction is already open on {}", self.describe());
        }
        self.created.clear();
        let where_ = self.describe();
        let prepared = (|| -> Result<()> {
            if !self.exists(MARKER_TABLE)? {
                self.conn.query_drop(MysqlMarkerTable.render()?)?;
                self.created.push(MARKER_TABLE.to_string());
            }
            for spec in specs {
                if !self.exists(&spec.name)? {
                    self.conn
                        .query_drop(mysql_create_table(spec)?)
                        .with_context(|| format!("creating `{}`", spec.name))?;
                    self.created.push(spec.name.clone());
                }
            }
            self.conn.query_drop(MysqlReadCommitted.render()?)?;
            self.conn.query_drop(MysqlBegin.render()?)?;
            Ok(())
        })();
        if let Err(e) = prepared {
            self.in_tx = true;
            let _ = self.rollback();
            return Err(e.context(format!("preparing the result store {where_}")));
        }
        self.in_tx = true;
        Ok(())
    }

    fn load_in_tx(&mut self, spec: &TableSpec, rows: &[Vec<Option<String>>], opts: &LoadOptions) -> Result<LoadReport> {
        if !self.in_tx {
            bail!("loading `{}`: no transaction is open", spec.name);
        }
        let cells = prepare_load(spec, rows, opts)?;
        let where_ = self.describe();
        let ctx = || format!("loading `{}` into {}", spec.name, where_);
        if !opts.overwrite {
            let done: Option<u8> =
                self.conn.exec_first(MysqlMarkerExists.render()?, (&opts.update_id,)).with_context(ctx)?;
            if done.is_some() {
                return Ok(LoadReport { table: spec.name.clone(), rows: 0, skipped_as_done: true });
            }
        }
        if opts.overwrite {
            self.conn.exec_drop(MysqlDeleteMarkers.render()?, (&spec.name,)).with_context(ctx)?;
            self.conn.query_drop(MysqlDelete { table: &spec.name }.render()?).with_context(ctx)?;
        }
        for chunk in cells.chunks(chunk_rows(spec.columns.len())) {
            let sql = MysqlInsert { table: &spec.name, columns: &spec.columns, rows: chunk.len() }.render()?;
            let params: Vec<Value> = chunk.iter().flatten().map(to_value).collect();
            self.conn.exec_drop(sql, params).with_context(ctx)?;
        }
        self.conn.exec_drop(MysqlUpsertMarker.render()?, (&opts.update_id, &spec.name)).with_context(ctx)?;
        Ok(LoadReport { table: spec.name.clone(), rows: rows.len() as u64, skipped_as_done: false })
    }

    fn commit(&mut self) -> Result<()> {
        if !self.in_tx {
            bail!("commit without a transaction on {}", self.describe());
        }
        if let Err(e) = self.conn.query_drop(MysqlCommit.render()?) {
            let _ = self.rollback();
            return Err(anyhow::Error::new(e).context(format!("cannot commit the result store {}", self.describe())));
        }
        self.in_tx = false;
        self.created.clear();
        Ok(())
    }

    fn rollback(&mut self) -> Result<()> {
        if !self.in_tx {
            return Ok(());
        }
        self.in_tx = false;
        let where_ = self.describe();
        let mut result = self.conn.query_drop(MysqlRollback.render()?).with_context(|| format!("rollback on {where_}"));
        // Tables this run created are empty again: drop them so the store is exactly as it was.
        for table in std::mem::take(&mut self.created).iter().rev() {
            let dropped = self.conn.query_drop(MysqlDropTable { table }.render()?);
            if let (Err(e), true) = (dropped, result.is_ok()) {
                result = Err(anyhow::Error::new(e).context(format!("cannot drop `{table}` on {where_}")));
            }
        }
        result
    }

    fn query(&mut self, sql: &str) -> Result<Vec<Vec<Option<String>>>> {
        let where_ = self.describe();
        query_rows(&mut self.conn, sql, DateTimeStyle::FractionIfNonZero).with_context(|| format!("query on {where_}"))
    }

    fn table_exists(&mut self, table: &str) -> Result<bool> {
        let t = checked_table(table)?;
        self.exists(t)
    }

    fn row_count(&mut self, table: &str) -> Result<u64> {
        let t = checked_table(table)?;
        let n: Option<u64> = self.conn.query_first(MysqlCount { table: t }.render()?)?;
        Ok(n.unwrap_or(0))
    }

    fn describe(&self) -> String {
        self.url.redacted()
    }
}
