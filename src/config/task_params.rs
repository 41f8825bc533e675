//! Parameters of the original pipeline's tasks. An operator's `launch-task ... --n-reduce-tasks 2 --credentials
//! creds.json` must keep working as `--param n_reduce_tasks=2 --param credentials=creds.json`. Parameters that say
//! where things are set the matching profile key; parameters whose behaviour edxc has fixed are accepted and
//! documented (the common ones here, a pipeline's own under `[pipeline] task_params` in its TOML file).

use crate::config::profile::Profile;
use crate::model::Pipeline;

/// Location parameters shared by the original tasks: (parameter, profile key it sets, meaning).
pub const LOCATION_PARAMS: &[(&str, &str, &str)] = &[
    (
        "source",
        "tracking_logs",
        "the tracking-log directory ([event-logs] source; a one-element JSON list is taken too)",
    ),
    ("pattern", "tracking_pattern", "the regex a log path must match ([event-logs] pattern)"),
    (
        "src",
        "tracking_logs",
        "the tracking-log directory of a workflow without an interval (answer distribution; a one-element JSON list \
         is taken too)",
    ),
    ("expand_interval", "expand_interval_days", "days around the interval to select logs by file date (`2 days`)"),
    ("warehouse_path", "warehouse", "the warehouse root ([hive] warehouse_path)"),
    ("credentials", "result_store_credentials", "JSON credentials of the result store ([database-export])"),
    (
        "database",
        "result_store_database",
        "the result store's database name ([database-export] database); a SQLite result store ignores it",
    ),
];

/// Parameters every original task took that tune Hadoop or choose behaviour edxc always has: (name, what edxc does).
pub const FIXED_PARAMS: &[(&str, &str)] = &[
    ("n_reduce_tasks", "number of Hadoop reducers: the embedded engine uses every core, Hive plans its own reducers"),
    ("overwrite_mysql", "edxc always replaces the result-store tables a run loads, all in one transaction"),
    ("overwrite_hive", "edxc always replaces the warehouse partitions a run writes, published together at the end"),
    ("overwrite", "edxc always replaces what a run writes"),
    ("interval_start", "start of the interval when --interval is not given (pipelines with an explicit interval)"),
    ("interval_end", "end of the interval when --interval is not given (pipelines with an explicit interval)"),
];

/// Why `name` is accepted by the selected pipelines, or `None` when no task took it.
pub fn known(name: &str, pipelines: &[Pipeline]) -> Option<String> {
    if let Some((_, key, what)) = LOCATION_PARAMS.iter().find(|(n, _, _)| *n == name) {
        return Some(format!("sets profile key `{key}`: {what}"));
    }
    if let Some((_, what)) = FIXED_PARAMS.iter().find(|(n, _)| *n == name) {
        return Some((*what).to_string());
    }
    pipelines.iter().find_map(|p| p.task_params.get(name).cloned())
}

/// Every accepted task parameter name, for error messages.
pub fn names(pipelines: &[Pipeline]) -> Vec<String> {
    let mut out: Vec<String> = LOCATION_PARAMS.iter().map(|(n, _, _)| n.to_string()).collect();
    out.extend(FIXED_PARAMS.iter().map(|(n, _)| n.to_string()));
    out.extend(pipelines.iter().flat_map(|p| p.task_params.keys().cloned()));
    out.sort();
    out.dedup();
    out
}

/// Sets the profile keys named by location parameters.
pub fn apply(profile: &mut Profile, params: &[(String, String)]) -> Result<(), String> {
    for (name, value) in params {
        let Some((_, key, _)) = LOCATION_PARAMS.iter().find(|(n, _, _)| n == name) else { continue };
        let value = match name.as_str() {
            "source" | "pattern" | "src" => single(name, value)?,
            "expand_interval" => days(value).ok_or_else(|| {
                format!("--param expand_interval: `{value}` is not a number of days (e.g. `2 days`, `P2D`, `2`)")
            })?,
            _ => value.clone(),
        };
        profile.values.insert(key.to_string(), value);
    }
    Ok(())
}

/// A value that the original took as a list: one element (plain, or a JSON list of one string).
fn single(name: &str, value: &str) -> Result<String, String> {
    if !value.trim_start().starts_with('[') {
        return Ok(value.to_string());
    }
    match serde_json::from_str::<Vec<String>>(value) {
        Ok(v) if v.len() == 1 => Ok(v[0].clone()),
        Ok(v) => Err(format!("--param {name}: edxc reads one location, got {}", v.len())),
        Err(_) => Err(format!("--param {name}: `{value}` is not a JSON list of strings")),
    }
}

/// `2`, `2d`, `2 days`, `1 day`, `P2D` → `2`.
fn days(value: &str) -> Option<String> {
    let v = value.trim();
    let v = v.strip_prefix('P').and_then(|d| d.strip_suffix('D')).unwrap_or(v);
    let v = v.strip_suffix("days").or_else(|| v.strip_suffix("day")).or_else(|| v.strip_suffix('d')).unwrap_or(v);
    v.trim().parse::<u32>().ok().map(|n| n.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_original_forms() {
        assert_eq!(days("2 days").as_deref(), Some("2"));
        assert_eq!(days("P3D").as_deref(), Some("3"));
        assert_eq!(days("1 day").as_deref(), Some("1"));
        assert_eq!(days("4").as_deref(), Some("4"));
        assert_eq!(days("soon"), None);
        assert_eq!(single("source", "[\"/logs\"]").unwrap(), "/logs");
        assert_eq!(single("source", "/logs").unwrap(), "/logs");
        assert!(single("source", "[\"/a\", \"/b\"]").is_err());
    }
}
