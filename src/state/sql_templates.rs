//! The run-state store's SQL (SQLite), as askama templates in `templates/state/`. Every value is bound as a
//! parameter (`?N`).

use askama::Template;

#[derive(Template)]
#[template(path = "state/runs_table.sql", escape = "none")]
pub(super) struct RunsTable;

#[derive(Template)]
#[template(path = "state/partitions_table.sql", escape = "none")]
pub(super) struct PartitionsTable;

/// Binds run_id, started, pipelines.
#[derive(Template)]
#[template(path = "state/insert_run.sql", escape = "none")]
pub(super) struct InsertRun;

/// Binds tbl, dt, pipeline, fingerprint, rows, run_id, finished.
#[derive(Template)]
#[template(path = "state/insert_partition.sql", escape = "none")]
pub(super) struct InsertPartition;

#[derive(Template)]
#[template(path = "state/artifacts_table.sql", escape = "none")]
pub(super) struct ArtifactsTable;

/// Binds pipeline.
#[derive(Template)]
#[template(path = "state/delete_artifacts.sql", escape = "none")]
pub(super) struct DeleteArtifacts;

/// Binds pipeline, path, text, run_id.
#[derive(Template)]
#[template(path = "state/insert_artifact.sql", escape = "none")]
pub(super) struct InsertArtifact;

#[derive(Template)]
#[template(path = "state/select_partitions.sql", escape = "none")]
pub(super) struct SelectPartitions;

#[derive(Template)]
#[template(path = "state/select_artifacts.sql", escape = "none")]
pub(super) struct SelectArtifacts;

/// Binds the table name.
#[derive(Template)]
#[template(path = "state/table_exists.sql", escape = "none")]
pub(super) struct TableExists;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders() {
        assert_eq!(
            RunsTable.render().unwrap(),
            "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, started TEXT, pipelines TEXT)"
        );
        assert_eq!(
            PartitionsTable.render().unwrap(),
            "CREATE TABLE IF NOT EXISTS partitions (tbl TEXT NOT NULL, dt TEXT NOT NULL, pipeline TEXT, fingerprint \
             TEXT,\n             rows INTEGER, run_id TEXT, finished TEXT, PRIMARY KEY (tbl, dt))"
        );
        assert_eq!(InsertRun.render().unwrap(), "INSERT OR REPLACE INTO runs VALUES (?1, ?2, ?3)");
        assert_eq!(
            InsertPartition.render().unwrap(),
            "INSERT OR REPLACE INTO partitions VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
        );
    }
}

/// What a partition's source read (tracking-log files, LMS table) when it was written, for `state::freshness`.
#[derive(Template)]
#[template(path = "state/inputs_table.sql", escape = "none")]
pub(super) struct InputsTable;

/// Binds tbl, dt, digest.
#[derive(Template)]
#[template(path = "state/insert_input.sql", escape = "none")]
pub(super) struct InsertInput;

#[derive(Template)]
#[template(path = "state/select_inputs.sql", escape = "none")]
pub(super) struct SelectInputs;
