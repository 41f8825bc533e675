//! The hot path of edxc, shared by every engine: tracking-log parsing and extractors (`events`), the native
//! reducers and table functions (`natives`), and Hive text encoding (`hive_text`).
//!
//! The `edxc-map` program wraps this library for Hive `SELECT TRANSFORM` and Hadoop streaming; the embedded engine
//! of `edxc` calls it in-process. It is a crate of its own so that the shipped binary and the fuzz build carry no
//! SQL engine and no C code.

pub mod events;
pub mod hive_text;
pub mod natives;
pub mod units;
