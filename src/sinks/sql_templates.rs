//! The SQL the result store sends, as askama templates in `templates/result_store/` (the connection's own
//! statements are in `crate::db::mysql`, the LMS reader's in `crate::lms`). Identifiers reach these structs only
//! after `crate::model::ident::check_identifier` accepted them; every value is bound as a parameter (`?` / `?N` in
//! the templates), never rendered.

use crate::model::Column;
use askama::Template;

/// One column of a `CREATE TABLE`: its (checked) name, DDL type and whether it is `NOT NULL`.
pub struct DdlColumn<'a> {
    pub name: &'a str,
    pub ty: String,
    pub not_null: bool,
}

// ---- MySQL / MariaDB -----------------------------------------------------------------------------------------

/// A result table (docs/contract.md §2.2 step 2).
#[derive(Template)]
#[template(path = "result_store/mysql/create_table.sql", escape = "none")]
pub struct MysqlCreateTable<'a> {
    pub table: &'a str,
    pub auto_id: bool,
    pub columns: Vec<DdlColumn<'a>>,
    pub indexes: &'a [Vec<String>],
    pub primary_key: &'a [String],
}

/// The luigi `MySqlTarget` marker table (docs/contract.md §2.2 step 7).
#[derive(Template)]
#[template(path = "result_store/mysql/marker_table.sql", escape = "none")]
pub struct MysqlMarkerTable;

/// Binds `update_id`.
#[derive(Template)]
#[template(path = "result_store/mysql/marker_exists.sql", escape = "none")]
pub struct MysqlMarkerExists;

#[derive(Template)]
#[template(path = "result_store/mysql/read_committed.sql", escape = "none")]
pub struct MysqlReadCommitted;

/// Binds `target_table`.
#[derive(Template)]
#[template(path = "result_store/mysql/delete_markers.sql", escape = "none")]
pub struct MysqlDeleteMarkers;

#[derive(Template)]
#[template(path = "result_store/mysql/delete_rows.sql", escape = "none")]
pub struct MysqlDelete<'a> {
    pub table: &'a str,
}

/// A multi-row INSERT of `rows` rows, one `?` per cell.
#[derive(Template)]
#[template(path = "result_store/mysql/insert_rows.sql", escape = "none")]
pub struct MysqlInsert<'a> {
    pub table: &'a str,
    pub columns: &'a [Column],
    pub rows: usize,
}

/// Binds `update_id`, `target_table`.
#[derive(Template)]
#[template(path = "result_store/mysql/upsert_marker.sql", escape = "none")]
pub struct MysqlUpsertMarker;

/// Binds the table name.
#[derive(Template)]
#[template(path = "result_store/mysql/table_exists.sql", escape = "none")]
pub struct MysqlTableExists;

#[derive(Template)]
#[template(path = "result_store/mysql/count_rows.sql", escape = "none")]
pub struct MysqlCount<'a> {
    pub table: &'a str,
}

/// Opens the run's one transaction.
#[derive(Template)]
#[template(path = "result_store/mysql/begin.sql", escape = "none")]
pub struct MysqlBegin;

#[derive(Template)]
#[template(path = "result_store/mysql/commit.sql", escape = "none")]
pub struct MysqlCommit;

#[derive(Template)]
#[template(path = "result_store/mysql/rollback.sql", escape = "none")]
pub struct MysqlRollback;

/// Drops a table this run created before a failure (it is empty: its rows were rolled back).
#[derive(Template)]
#[template(path = "result_store/mysql/drop_table.sql", escape = "none")]
pub struct MysqlDropTable<'a> {
    pub table: &'a str,
}

// ---- SQLite --------------------------------------------------------------------------------------------------

/// A result table; its indexes are separate [`SqliteCreateIndex`] statements.
#[derive(Template)]
#[template(path = "result_store/sqlite/create_table.sql", escape = "none")]
pub struct SqliteCreateTable<'a> {
    pub table: &'a str,
    pub auto_id: bool,
    pub columns: Vec<DdlColumn<'a>>,
    pub primary_key: &'a [String],
}

#[derive(Template)]
#[template(path = "result_store/sqlite/create_index.sql", escape = "none")]
pub struct SqliteCreateIndex<'a> {
    pub name: &'a str,
    pub table: &'a str,
    pub columns: &'a [String],
}

/// The marker table; its indexes are [`SqliteCreateIndex`] statements.
#[derive(Template)]
#[template(path = "result_store/sqlite/marker_table.sql", escape = "none")]
pub struct SqliteMarkerTable;

/// Binds the table name as `?1`.
#[derive(Template)]
#[template(path = "result_store/sqlite/table_exists.sql", escape = "none")]
pub struct SqliteTableExists;

/// Binds `update_id` as `?1`.
#[derive(Template)]
#[template(path = "result_store/sqlite/marker_exists.sql", escape = "none")]
pub struct SqliteMarkerExists;

/// Binds `target_table` as `?1`.
#[derive(Template)]
#[template(path = "result_store/sqlite/delete_markers.sql", escape = "none")]
pub struct SqliteDeleteMarkers;

#[derive(Template)]
#[template(path = "result_store/sqlite/delete_rows.sql", escape = "none")]
pub struct SqliteDelete<'a> {
    pub table: &'a str,
}

/// A multi-row INSERT of `rows` rows, one `?` per cell.
#[derive(Template)]
#[template(path = "result_store/sqlite/insert_rows.sql", escape = "none")]
pub struct SqliteInsert<'a> {
    pub table: &'a str,
    pub columns: &'a [Column],
    pub rows: usize,
}

/// Binds `update_id` as `?1`, `target_table` as `?2`.
#[derive(Template)]
#[template(path = "result_store/sqlite/upsert_marker.sql", escape = "none")]
pub struct SqliteUpsertMarker;

#[derive(Template)]
#[template(path = "result_store/sqlite/count_rows.sql", escape = "none")]
pub struct SqliteCount<'a> {
    pub table: &'a str,
}

/// Opens the run's one transaction (DDL included: SQLite rolls back a `CREATE TABLE` too).
#[derive(Template)]
#[template(path = "result_store/sqlite/begin.sql", escape = "none")]
pub struct SqliteBegin;

#[derive(Template)]
#[template(path = "result_store/sqlite/commit.sql", escape = "none")]
pub struct SqliteCommit;

#[derive(Template)]
#[template(path = "result_store/sqlite/rollback.sql", escape = "none")]
pub struct SqliteRollback;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType;

    fn cols() -> Vec<Column> {
        vec![
            Column { name: "course_id".into(), ty: ColumnType::String(Some(255)), nullable: false },
            Column { name: "date".into(), ty: ColumnType::Date, nullable: true },
        ]
    }

    #[test]
    fn fixed_statements() {
        assert_eq!(
            MysqlMarkerTable.render().unwrap(),
            "CREATE TABLE IF NOT EXISTS `table_updates` (`id` BIGINT(20) NOT NULL AUTO_INCREMENT, `update_id` \
             VARCHAR(128) NOT NULL PRIMARY KEY, `target_table` VARCHAR(128), `inserted` TIMESTAMP DEFAULT NOW(), KEY \
             `id` (`id`), INDEX `target_table` (`target_table`))"
        );
        assert_eq!(
            MysqlUpsertMarker.render().unwrap(),
            "INSERT INTO `table_updates` (`update_id`, `target_table`) VALUES (?, ?) ON DUPLICATE KEY UPDATE \
             `update_id` = VALUES(`update_id`)"
        );
        assert_eq!(MysqlMarkerExists.render().unwrap(), "SELECT 1 FROM `table_updates` WHERE `update_id` = ?");
        assert_eq!(MysqlDeleteMarkers.render().unwrap(), "DELETE FROM `table_updates` WHERE `target_table` = ?");
        assert_eq!(MysqlReadCommitted.render().unwrap(), "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
        assert_eq!(
            MysqlTableExists.render().unwrap(),
            "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?"
        );
        assert_eq!(
            SqliteMarkerTable.render().unwrap(),
            "CREATE TABLE IF NOT EXISTS \"table_updates\" (\"id\" INTEGER, \"update_id\" TEXT NOT NULL PRIMARY KEY, \
             \"target_table\" TEXT, \"inserted\" TIMESTAMP DEFAULT CURRENT_TIMESTAMP)"
        );
        assert_eq!(
            SqliteUpsertMarker.render().unwrap(),
            "INSERT INTO \"table_updates\" (\"id\", \"update_id\", \"target_table\") VALUES ((SELECT \
             COALESCE(MAX(\"id\"), 0) + 1 FROM \"table_updates\"), ?1, ?2) ON CONFLICT(\"update_id\") DO UPDATE SET \
             \"update_id\" = excluded.\"update_id\""
        );
        assert_eq!(
            SqliteTableExists.render().unwrap(),
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1"
        );
        assert_eq!(SqliteMarkerExists.render().unwrap(), "SELECT 1 FROM \"table_updates\" WHERE \"update_id\" = ?1");
        assert_eq!(SqliteDeleteMarkers.render().unwrap(), "DELETE FROM \"table_updates\" WHERE \"target_table\" = ?1");
        assert_eq!(MysqlBegin.render().unwrap(), "START TRANSACTION");
        assert_eq!(MysqlCommit.render().unwrap(), "COMMIT");
        assert_eq!(MysqlRollback.render().unwrap(), "ROLLBACK");
        assert_eq!(MysqlDropTable { table: "t" }.render().unwrap(), "DROP TABLE IF EXISTS `t`");
        assert_eq!(SqliteBegin.render().unwrap(), "BEGIN IMMEDIATE");
        assert_eq!(SqliteCommit.render().unwrap(), "COMMIT");
        assert_eq!(SqliteRollback.render().unwrap(), "ROLLBACK");
        let index = SqliteCreateIndex { name: "table_updates_id", table: "table_updates", columns: &["id".into()] };
        assert_eq!(
            index.render().unwrap(),
            "CREATE INDEX IF NOT EXISTS \"table_updates_id\" ON \"table_updates\" (\"id\")"
        );
    }

    #[test]
    fn table_statements() {
        let c = cols();
        assert_eq!(MysqlDelete { table: "t" }.render().unwrap(), "DELETE FROM `t`");
        assert_eq!(MysqlCount { table: "t" }.render().unwrap(), "SELECT COUNT(*) FROM `t`");
        assert_eq!(SqliteDelete { table: "t" }.render().unwrap(), "DELETE FROM \"t\"");
        assert_eq!(SqliteCount { table: "t" }.render().unwrap(), "SELECT COUNT(*) FROM \"t\"");
        assert_eq!(
            MysqlInsert { table: "t", columns: &c, rows: 3 }.render().unwrap(),
            "INSERT INTO `t` (`course_id`,`date`) VALUES (?,?),(?,?),(?,?)"
        );
        assert_eq!(
            SqliteInsert { table: "t", columns: &c[..1], rows: 1 }.render().unwrap(),
            "INSERT INTO \"t\" (\"course_id\") VALUES (?)"
        );
        assert_eq!(
            SqliteCreateIndex { name: "t_idx2_a_b", table: "t", columns: &["a".into(), "b".into()] }.render().unwrap(),
            "CREATE INDEX IF NOT EXISTS \"t_idx2_a_b\" ON \"t\" (\"a\",\"b\")"
        );
    }
}
