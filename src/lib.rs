//! edxc: the Open edX analytics pipeline compiler.
//!
//! Data flows one way: TOML (`config`) → model (`model`) → validated graph (`validate`, `graph`) → per-target
//! artifacts (`codegen`) → executor (`engine`) → outputs (`sinks`, `warehouse`) and state (`state`).
//! `events` (tracking-log parsing) and `natives` (reducers, generators) are shared with the `edxc-map` binary.

pub mod cli;
pub mod codegen;
pub mod config;
pub mod engine;
pub mod events;
pub mod graph;
pub mod hive_text;
pub mod lms;
pub mod model;
pub mod natives;
pub mod sinks;
pub mod state;
pub mod validate;
pub mod warehouse;
