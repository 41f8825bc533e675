//! edxc: the Open edX analytics pipeline compiler.
//!
//! Data flows one way: TOML (`config`) → model (`model`) → validated graph (`validate`, `graph`) → per-target
//! artifacts (`codegen`) → executor (`engine`) → outputs (`sinks`, `warehouse`) and state (`state`).
//! `events` (tracking-log parsing), `natives` (reducers, generators) and `hive_text` live in the `edxc-map` crate,
//! shared with the `edxc-map` program that runs them on a cluster; they are re-exported here.

pub mod checks;
pub mod cli;
pub mod codegen;
pub mod config;
pub mod db;
pub mod dialect;
pub mod engine;
pub mod failpoint;
pub mod geoip;
pub mod graph;
pub mod lms;
pub mod memory;
pub mod model;
pub mod sinks;
pub mod state;
pub mod validate;
pub mod warehouse;

pub use edxc_map::{events, hive_text, natives};
