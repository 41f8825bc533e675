//! The test cluster gateway (`scripts/engines/start-gateway.sh`, started by `scripts/test.sh`): its settings.
#![allow(dead_code)]

use edxc::engine::hive::ssh::GatewayConfig;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The gateway's settings from the env file `start-gateway.sh` writes.
pub fn gateway_env() -> BTreeMap<String, String> {
    let path = std::env::var("EDXC_GATEWAY_ENV").map(PathBuf::from).unwrap_or_else(|_| {
        let dir = std::env::var("EDXC_ENGINES_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|_| PathBuf::from(std::env::var("HOME").unwrap()).join(".cache/edxc-engines"));
        dir.join("gateway/env")
    });
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}: start the test gateway with scripts/engines/start-gateway.sh (scripts/test.sh does)",
            path.display()
        )
    });
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

/// The profile keys that reach the test gateway (`--var` values of a cluster run).
pub fn gateway_vars(e: &BTreeMap<String, String>) -> Vec<(&'static str, String)> {
    vec![
        ("ssh_host", e["EDXC_GATEWAY_HOST"].clone()),
        ("ssh_port", e["EDXC_GATEWAY_PORT"].clone()),
        ("ssh_user", e["EDXC_GATEWAY_USER"].clone()),
        ("ssh_key", e["EDXC_GATEWAY_KEY"].clone()),
        ("ssh_known_hosts", e["EDXC_GATEWAY_KNOWN_HOSTS"].clone()),
    ]
}

pub fn gateway_config(e: &BTreeMap<String, String>) -> GatewayConfig {
    GatewayConfig {
        host: e["EDXC_GATEWAY_HOST"].clone(),
        port: e["EDXC_GATEWAY_PORT"].parse().unwrap(),
        user: e["EDXC_GATEWAY_USER"].clone(),
        key: PathBuf::from(&e["EDXC_GATEWAY_KEY"]),
        known_hosts: PathBuf::from(&e["EDXC_GATEWAY_KNOWN_HOSTS"]),
    }
}
