//! Sinks: where results leave edxc. The result store (SQLite or MySQL/MariaDB) lives here, and the `csv` sink's
//! files (`csv.rs`); the connections and the DATE/DATETIME texts the result store shares with the LMS reader are in
//! `crate::db`.

pub mod csv;
pub mod files;
pub mod load;
pub mod result_store;
pub mod sql_templates;

pub use result_store::{open, redact_url, LoadOptions, LoadReport, ResultStore, StoreLocation, TableSpec};
pub mod normalize;

pub use normalize::normalize_cell;
