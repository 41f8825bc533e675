//! MySQL/MariaDB result store (contract §2.2). DDL runs before the transaction (MySQL commits implicitly on DDL);
//! the data and the marker change in one READ COMMITTED transaction.

use super::{
    checked_table, chunk_rows, mysql_create_table, prepare_load, Cell, LoadOptions, LoadReport, ResultStore, TableSpec,
};
use crate::sinks::mysql_conn::{query_rows, DateTimeStyle, MysqlUrl};
use crate::sinks::sql_templates::{
    MysqlCount, MysqlDelete, MysqlDeleteMarkers, MysqlInsert, MysqlMarkerExists, MysqlMarkerTable, MysqlReadCommitted,
    MysqlTableExists, MysqlUpsertMarker,
};
use anyhow::{Context, Result};
use askama::Template;
use mysql::prelude::Queryable;
use mysql::{Conn, TxOpts, Value};

pub(crate) struct MysqlStore {
    url: MysqlUrl,
    conn: Conn,
}

impl MysqlStore {
    pub(crate) fn open(url: &str) -> Result<Self> {
        let url = MysqlUrl::parse(url)?;
        let conn = url.connect(true)?;
        Ok(Self { url, conn })
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
    fn load(&mut self, spec: &TableSpec, rows: &[Vec<Option<String>>], opts: &LoadOptions) -> Result<LoadReport> {
        let cells = prepare_load(spec, rows, opts)?;
        let where_ = self.describe();
        let ctx = || format!("loading `{}` into {}", spec.name, where_);
        self.conn.query_drop(MysqlMarkerTable.render()?).with_context(ctx)?;
        if !opts.overwrite {
            let done: Option<u8> =
                self.conn.exec_first(MysqlMarkerExists.render()?, (&opts.update_id,)).with_context(ctx)?;
            if done.is_some() {
                return Ok(LoadReport { table: spec.name.clone(), rows: 0, skipped_as_done: true });
            }
        }
        self.conn.query_drop(mysql_create_table(spec)?).with_context(ctx)?;
        self.conn.query_drop(MysqlReadCommitted.render()?).with_context(ctx)?;
        let mut tx = self.conn.start_transaction(TxOpts::default()).with_context(ctx)?;
        if opts.overwrite {
            tx.exec_drop(MysqlDeleteMarkers.render()?, (&spec.name,)).with_context(ctx)?;
            tx.query_drop(MysqlDelete { table: &spec.name }.render()?).with_context(ctx)?;
        }
        for chunk in cells.chunks(chunk_rows(spec.columns.len())) {
            let sql = MysqlInsert { table: &spec.name, columns: &spec.columns, rows: chunk.len() }.render()?;
            let params: Vec<Value> = chunk.iter().flatten().map(to_value).collect();
            tx.exec_drop(sql, params).with_context(ctx)?;
        }
        tx.exec_drop(MysqlUpsertMarker.render()?, (&opts.update_id, &spec.name)).with_context(ctx)?;
        tx.commit().with_context(ctx)?;
        Ok(LoadReport { table: spec.name.clone(), rows: rows.len() as u64, skipped_as_done: false })
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
