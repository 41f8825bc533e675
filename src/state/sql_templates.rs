//! The run-state store's SQL, as askama templates in `templates/state/`: one text per statement, with the SQLite
//! and MySQL forms side by side where they differ (DDL, catalog queries, the quoting of `rows`). Every value is
//! bound as a positional parameter (`?`); `p` is the table-name prefix: empty in a state file of its own,
//! `edxc_state_` inside a result store.

use askama::Template;

/// Where the statements run: the dialect and the table prefix.
#[derive(Debug, Clone, Copy)]
pub(super) struct Dialect {
    pub p: &'static str,
    pub mysql: bool,
}

macro_rules! statements {
    ($($(#[$doc:meta])* $name:ident => $path:literal;)*) => {$(
        $(#[$doc])*
        #[derive(Template)]
        #[template(path = $path, escape = "none")]
        // Each statement reads the fields it needs: `p` where it names a table, `mysql` where the forms differ.
        #[allow(dead_code)]
        pub(super) struct $name {
            p: &'static str,
            mysql: bool,
        }

        impl From<Dialect> for $name {
            fn from(d: Dialect) -> Self {
                Self { p: d.p, mysql: d.mysql }
            }
        }
    )*};
}

statements! {
    RunsTable => "state/runs_table.sql";
    PartitionsTable => "state/partitions_table.sql";
    /// What a partition's source read (tracking-log files, LMS table) when it was written, for `state::freshness`.
    InputsTable => "state/inputs_table.sql";
    ArtifactsTable => "state/artifacts_table.sql";
    /// Binds run_id, started, pipelines.
    InsertRun => "state/insert_run.sql";
    /// Binds tbl, dt, pipeline, fingerprint, rows, run_id, finished.
    InsertPartition => "state/insert_partition.sql";
    /// Binds tbl, dt, digest.
    InsertInput => "state/insert_input.sql";
    /// Binds pipeline.
    DeleteArtifacts => "state/delete_artifacts.sql";
    /// Binds pipeline, path, text, run_id.
    InsertArtifact => "state/insert_artifact.sql";
    SelectPartitions => "state/select_partitions.sql";
    SelectInputs => "state/select_inputs.sql";
    SelectArtifacts => "state/select_artifacts.sql";
    /// Binds the table name (with its prefix); a row when the table exists.
    TableExists => "state/table_exists.sql";
}

#[cfg(test)]
mod tests {
    use super::*;

    const FILE: Dialect = Dialect { p: "", mysql: false };
    const STORE: Dialect = Dialect { p: "edxc_state_", mysql: true };

    #[test]
    fn renders_both_dialects() {
        assert_eq!(
            RunsTable::from(FILE).render().unwrap(),
            "CREATE TABLE IF NOT EXISTS runs (run_id TEXT PRIMARY KEY, started TEXT, pipelines TEXT)"
        );
        assert_eq!(InsertRun::from(FILE).render().unwrap(), "REPLACE INTO runs VALUES (?, ?, ?)");
        assert_eq!(
            InsertPartition::from(STORE).render().unwrap(),
            "REPLACE INTO edxc_state_partitions VALUES (?, ?, ?, ?, ?, ?, ?)"
        );
        // `rows` is a reserved word in MySQL 8.
        assert!(SelectPartitions::from(STORE).render().unwrap().contains("`rows`"));
        assert!(PartitionsTable::from(STORE)
            .render()
            .unwrap()
            .starts_with("CREATE TABLE IF NOT EXISTS edxc_state_partitions (tbl VARCHAR(255)"));
        assert!(TableExists::from(FILE).render().unwrap().contains("sqlite_master"));
    }
}
