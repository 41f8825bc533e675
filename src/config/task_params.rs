//! Parameters of the original pipeline's tasks. An operator's `launch-task ... --n-reduce-tasks 2 --credentials
//! creds.json` must keep working as `--param n_reduce_tasks=2 --param credentials=creds.json`. Parameters that say
//! where things are set the matching profile key; parameters whose behaviour edxc has fixed are accepted and
//! documented (the common ones here, a pipeline's own under `[pipeline] task_params` in its TOML file).

use crate::config::profile::Profile;
use crate::model::Pipeline;

/// Location parameters shared by the original tasks: (parameter, profile key it sets, meaning).
pub const LOCATION_PARAMS: &[(&str, &str, &str)] = &[
    ("source", "tracking_logs", "the tracking-log directory ([event-logs] source; a JSON list names several)"),
    ("pattern", "tracking_pattern", "the regex a log path must match ([event-logs] pattern; a JSON list: any of them)"),
    (
        "src",
        "tracking_logs",
        "the tracking-log directory of a workflow without an interval (answer distribution; a JSON list names \
         several)",
    ),
    ("expand_interval", "expand_interval_days", "days around the interval to select logs by file date (`2 days`)"),
    ("warehouse_path", "warehouse", "the warehouse root ([hive] warehouse_path)"),
    ("credentials", "result_store_credentials", "JSON credentials of the result store ([database-export])"),
    (
        "import_credentials",
        "lms_credentials",
        "JSON credentials of the LMS database ([database-import] credentials) the embedded engine and a direct \
         import read",
    ),
    (
        "database",
        "result_store_database",
        "the result store's database name ([database-export] database); a SQLite result store ignores it",
    ),
    (
        "geolocation_data",
        "geoip_database",
        "the GeoIP country database ([geolocation] geolocation_data): a MaxMind .mmdb file in edxc",
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
    if let Some(p) = pipelines.iter().find(|p| p.location_params.contains_key(name)) {
        return Some(format!("sets profile key `{}` (pipeline {})", p.location_params[name], p.name.value));
    }
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

/// The profile key a location parameter sets for the selected pipelines: a pipeline's own (`[pipeline]
/// location_params`, e.g. `credentials` meaning the LMS database) or the common one; an error when the selected
/// pipelines give it different meanings.
fn profile_key(name: &str, pipelines: &[Pipeline]) -> Result<Option<String>, String> {
    let common = LOCATION_PARAMS.iter().find(|(n, _, _)| *n == name).map(|(_, k, _)| k.to_string());
    let mut keys: Vec<(Option<String>, &str)> = pipelines
        .iter()
        .map(|p| (p.location_params.get(name).cloned().or_else(|| common.clone()), p.name.value.as_str()))
        .collect();
    keys.sort();
    keys.dedup_by(|a, b| a.0 == b.0);
    match keys.as_slice() {
        [] => Ok(common),
        [(key, _)] => Ok(key.clone()),
        several => Err(format!(
            "--param {name} means different things for the selected pipelines ({}): select them one at a time or \
             set the profile keys with --var",
            several
                .iter()
                .map(|(k, p)| format!("profile key `{}` for {p}", k.as_deref().unwrap_or("none")))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    }
}

/// Sets the profile keys named by location parameters.
pub fn apply(profile: &mut Profile, params: &[(String, String)], pipelines: &[Pipeline]) -> Result<(), String> {
    for (name, value) in params {
        let Some(key) = profile_key(name, pipelines)? else { continue };
        let value = match name.as_str() {
            "source" | "pattern" | "src" => locations(name, value)?,
            "expand_interval" => days(value).ok_or_else(|| {
                format!("--param expand_interval: `{value}` is not a number of days (e.g. `2 days`, `P2D`, `2`)")
            })?,
            _ => value.clone(),
        };
        profile.values.insert(key, value);
    }
    Ok(())
}

/// A value that the original took as a list: one element as it is (plain, or a JSON list of one string),
/// several as a JSON list (`Profile::list` reads both forms).
fn locations(name: &str, value: &str) -> Result<String, String> {
    if !value.trim_start().starts_with('[') {
        return Ok(value.to_string());
    }
    match serde_json::from_str::<Vec<String>>(value) {
        Ok(v) if v.len() == 1 => Ok(v[0].clone()),
        Ok(v) if v.is_empty() => Err(format!("--param {name}: the list is empty")),
        Ok(v) => serde_json::to_string(&v).map_err(|e| e.to_string()),
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
        assert_eq!(locations("source", "[\"/logs\"]").unwrap(), "/logs");
        assert_eq!(locations("source", "/logs").unwrap(), "/logs");
        assert_eq!(locations("source", "[\"/a\", \"/b\"]").unwrap(), "[\"/a\",\"/b\"]");
        assert!(locations("source", "[]").is_err());
        assert!(locations("source", "[1]").is_err());
    }
}
