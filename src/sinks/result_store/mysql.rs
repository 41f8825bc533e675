//! MySQL/MariaDB result store (contract §2.2). DDL runs before the transaction (MySQL commits implicitly on DDL);
//! the data and the marker change in one READ COMMITTED transaction.

use super::{
    checked_table, chunk_rows, mysql_create_table, prepare_load, Cell, LoadOptions, LoadReport, ResultStore, TableSpec,
};
use crate::sinks::mysql_conn::{query_rows, DateTimeStyle, MysqlUrl};
use anyhow::{Context, Result};
use mysql::prelude::Queryable;
use mysql::{Conn, TxOpts, Value};

/// Exactly the luigi `MySqlTarget` marker table (contract §2.2 step 7).
pub(crate) const MARKER_DDL: &str = "CREATE TABLE IF NOT EXISTS `table_updates` (\
    `id` BIGINT(20) NOT NULL AUTO_INCREMENT, \
    `update_id` VARCHAR(128) NOT NULL PRIMARY KEY, \
    `target_table` VARCHAR(128), \
    `inserted` TIMESTAMP DEFAULT NOW(), \
    KEY `id` (`id`), \
    INDEX `target_table` (`target_table`))";

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
        let n: Option<u64> = self.conn.exec_first(
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?",
            (table,),
        )?;
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
        self.conn.query_drop(MARKER_DDL).with_context(ctx)?;
        if !opts.overwrite {
            let done: Option<u8> = self
                .conn
                .exec_first("SELECT 1 FROM `table_updates` WHERE `update_id` = ?", (&opts.update_id,))
                .with_context(ctx)?;
            if done.is_some() {
                return Ok(LoadReport { table: spec.name.clone(), rows: 0, skipped_as_done: true });
            }
        }
        self.conn.query_drop(mysql_create_table(spec)?).with_context(ctx)?;
        self.conn.query_drop("SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED").with_context(ctx)?;
        let mut tx = self.conn.start_transaction(TxOpts::default()).with_context(ctx)?;
        if opts.overwrite {
            tx.exec_drop("DELETE FROM `table_updates` WHERE `target_table` = ?", (&spec.name,)).with_context(ctx)?;
            tx.query_drop(format!("DELETE FROM `{}`", spec.name)).with_context(ctx)?;
        }
        let cols = spec.columns.iter().map(|c| format!("`{}`", c.name)).collect::<Vec<_>>().join(",");
        let one = format!("({})", vec!["?"; spec.columns.len()].join(","));
        for chunk in cells.chunks(chunk_rows(spec.columns.len())) {
            let sql =
                format!("INSERT INTO `{}` ({cols}) VALUES {}", spec.name, vec![one.as_str(); chunk.len()].join(","));
            let params: Vec<Value> = chunk.iter().flatten().map(to_value).collect();
            tx.exec_drop(sql, params).with_context(ctx)?;
        }
        tx.exec_drop(
            "INSERT INTO `table_updates` (`update_id`, `target_table`) VALUES (?, ?) \
             ON DUPLICATE KEY UPDATE `update_id` = VALUES(`update_id`)",
            (&opts.update_id, &spec.name),
        )
        .with_context(ctx)?;
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
        let n: Option<u64> = self.conn.query_first(format!("SELECT COUNT(*) FROM `{t}`"))?;
        Ok(n.unwrap_or(0))
    }

    fn describe(&self) -> String {
        self.url.redacted()
    }
}
