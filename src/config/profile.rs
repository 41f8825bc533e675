//! Target profiles (`target-profiles/<name>.toml`): where the logs, LMS, warehouse and result store are, and which
//! engine runs the jobs. Every key can be overridden with `--var key=value` or `EDXC_VAR_<key>`.

use crate::config::secret;
use crate::model::diagnostic::line_col;
use crate::model::{Diagnostic, ParamValue, Phase, Pos};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Keys a profile may set, with what they mean (shown by `edxc validate` for unknown keys).
pub const KNOWN_KEYS: &[(&str, &str)] = &[
    ("engine", "`embedded` (this machine) or `hive` (a Hadoop/Hive cluster through an SSH gateway)"),
    ("description", "free text"),
    ("tracking_logs", "directory (searched recursively) or HDFS URL of the tracking logs"),
    ("tracking_pattern", "regex a log path must match; a (?P<date>\\d{8}) group selects files by date"),
    (
        "tracking_undated_pattern",
        "regex of log paths without a date, always read (default: the live tracking.log[.gz])",
    ),
    ("expand_interval_days", "days added on both sides of an interval when selecting logs by file date (default 2)"),
    ("lms", "LMS database: a directory of <table>.tsv exports or mysql://user@host:port/db"),
    (
        "lms_credentials",
        "JSON credentials file of the LMS database (`{\"host\", \"port\", \"username\", \"password\"}` as the \
         original took, the database named by lms; or `{\"url\": ...}`); overrides the connection of lms",
    ),
    ("warehouse", "warehouse root: <table>/dt=YYYY-MM-DD/ Hive text files"),
    ("result_store", "sqlite:PATH (or a path ending in .sqlite/.db) or mysql://user:password@host:port/db"),
    (
        "result_store_credentials",
        "JSON credentials file of the result store (`{\"host\", \"port\", \"username\", \"password\"}` as the \
         original took, or `{\"url\": ...}`); overrides the connection of result_store",
    ),
    ("result_store_database", "database name of a MySQL result store (overrides the one in result_store)"),
    (
        "state",
        "run state (what each partition was computed from, for incremental runs and `edxc plan`): a SQLite file, or \
         `result_store` for tables `edxc_state_*` in the result store (cluster profiles); unset: none kept",
    ),
    ("max_bad_ratio", "fail a run when bad tracking-log lines exceed this fraction of lines read (default 0.5)"),
    ("ccx_enabled", "accept ccx-v1 course keys (default false)"),
    ("interval", "default --interval for pipelines that take one"),
    ("hive_database", "Hive database holding edxc's tables"),
    ("hive_cli", "command the gateway runs a HiveQL file with (`-f FILE` appended): hive, beeline -u URL, spark-sql"),
    ("mapper_path", "where the cluster finds the edxc-map binary (ADD FILE); a run uploads it there"),
    ("mapper_binary", "the local edxc-map a run uploads to mapper_path (default: the one beside edxc)"),
    ("gateway_dir", "scratch directory on the gateway for each run's bundle (default /tmp/edxc-runs)"),
    (
        "lms_import",
        "how LMS tables reach a cluster: sqoop (the bundle's Sqoop steps, default) or direct (edxc copies them \
         from `lms`)",
    ),
    ("ssh_host", "gateway host"),
    ("ssh_port", "gateway SSH port"),
    ("ssh_user", "gateway user"),
    ("ssh_key", "private key file for the gateway"),
    ("ssh_known_hosts", "known_hosts file used to check the gateway's host key"),
    ("lms_jdbc", "JDBC URL Sqoop reads the LMS from (jdbc:mysql://host/db)"),
    ("lms_username", "LMS database user for Sqoop"),
    ("lms_password_file", "HDFS path of the password file Sqoop reads"),
    (
        "geoip_database",
        "MaxMind country database (.mmdb, e.g. GeoLite2-Country) the location pipeline looks addresses up in; \
         read on this machine (a cluster bundle ships its country table)",
    ),
];

#[derive(Debug, Clone)]
pub struct Profile {
    pub name: String,
    pub file: PathBuf,
    /// Raw values after overrides; secrets still unresolved (`SECRET[...]`).
    pub values: BTreeMap<String, String>,
    pub key_pos: BTreeMap<String, Pos>,
    /// Param defaults the profile sets for every pipeline that declares them.
    pub params: BTreeMap<String, ParamValue>,
}

impl Profile {
    pub fn get(&self, key: &str) -> Option<&str> {
        self.values.get(key).map(String::as_str)
    }

    pub fn engine(&self) -> &str {
        self.get("engine").unwrap_or("embedded")
    }

    /// A path value, relative paths taken from the project root.
    pub fn path(&self, key: &str, root: &Path) -> Option<PathBuf> {
        self.get(key).map(|v| if Path::new(v).is_absolute() { PathBuf::from(v) } else { root.join(v) })
    }

    /// A value that may name several things: a JSON list of strings (`["a", "b"]`), else the value itself; none
    /// when the key is not set.
    pub fn list(&self, key: &str) -> Result<Vec<String>, String> {
        match self.get(key) {
            None => Ok(vec![]),
            Some(v) if v.trim_start().starts_with('[') => serde_json::from_str::<Vec<String>>(v)
                .map_err(|_| format!("profile key `{key}` is not a JSON list of strings: {v}")),
            Some(v) => Ok(vec![v.to_string()]),
        }
    }

    pub fn f64_or(&self, key: &str, default: f64) -> Result<f64, String> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| format!("profile key `{key}` must be a number, got `{v}`")),
        }
    }

    pub fn i64_or(&self, key: &str, default: i64) -> Result<i64, String> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => v.parse().map_err(|_| format!("profile key `{key}` must be an integer, got `{v}`")),
        }
    }

    /// The result store's URL with secrets resolved, applying `result_store_credentials` and
    /// `result_store_database`. Only commands that connect call this.
    pub fn result_store_url(&self) -> Result<String, String> {
        let mut url = match self.get("result_store") {
            Some(v) => secret::resolve(v)?,
            None => String::new(),
        };
        if let Some(path) = self.get("result_store_credentials") {
            url = credentials_url(Path::new(path), &url)?;
        }
        if url.is_empty() {
            return Err("the profile sets no result_store".into());
        }
        // A SQLite result store is one file: a database name means nothing there and is ignored.
        if let Some(db) = self.get("result_store_database").filter(|_| url.starts_with("mysql://")) {
            let rest = &url["mysql://".len()..];
            let base = match rest.rfind('@') {
                Some(at) => rest[at..].find('/').map(|i| at + i),
                None => rest.find('/'),
            };
            let head = match base {
                Some(i) => &rest[..i],
                None => rest,
            };
            url = format!("mysql://{head}/{db}");
        }
        Ok(url)
    }

    /// Where the LMS tables are read from, secrets resolved: `lms`, with the connection of `lms_credentials` (the
    /// original's `--import-credentials`) when set. `None` when neither is set. Only commands that connect call this.
    pub fn lms_source(&self) -> Result<Option<String>, String> {
        let lms = match self.get("lms") {
            Some(v) => Some(secret::resolve(v)?),
            None => None,
        };
        match self.get("lms_credentials") {
            Some(path) => credentials_url(Path::new(path), lms.as_deref().unwrap_or_default()).map(Some),
            None => Ok(lms),
        }
    }

    pub fn bool_or(&self, key: &str, default: bool) -> Result<bool, String> {
        match self.get(key) {
            None => Ok(default),
            Some("true") => Ok(true),
            Some("false") => Ok(false),
            Some(v) => Err(format!("profile key `{key}` must be true or false, got `{v}`")),
        }
    }
}

fn value_text(v: &toml::Value) -> Option<String> {
    match v {
        toml::Value::String(s) => Some(s.clone()),
        toml::Value::Integer(n) => Some(n.to_string()),
        toml::Value::Float(f) => Some(f.to_string()),
        toml::Value::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Loads `<dir>/<name>.toml`, then applies `EDXC_VAR_<key>` environment overrides, then `--var` overrides.
pub fn load_profile(dir: &Path, name: &str, vars: &[(String, String)]) -> Result<Profile, Vec<Diagnostic>> {
    let file = dir.join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&file).map_err(|e| {
        vec![Diagnostic::new(Phase::Profile, None, format!("cannot read profile {}: {e}", file.display()))
            .hint(format!("profiles live in {}; pass --profile NAME", dir.display()))]
    })?;
    let doc: toml::Spanned<toml::Table> = toml::from_str(&text).map_err(|e| {
        let pos = e.span().map(|s| {
            let (line, col) = line_col(&text, s.start);
            Pos { file: file.clone(), line, col }
        });
        vec![Diagnostic::new(Phase::Syntax, pos.as_ref(), e.message().trim().to_string())]
    })?;
    let mut diags = Vec::new();
    let mut values = BTreeMap::new();
    let mut key_pos = BTreeMap::new();
    let mut params = BTreeMap::new();
    // toml::Table does not keep spans; find each key's line by a text search, good enough for pointing at it.
    let pos_of = |key: &str| {
        let off = text.find(&format!("\n{key}")).map(|o| o + 1).or_else(|| text.starts_with(key).then_some(0));
        let (line, col) = line_col(&text, off.unwrap_or(0));
        Pos { file: file.clone(), line, col }
    };
    for (k, v) in doc.get_ref() {
        if k == "params" {
            if let toml::Value::Table(t) = v {
                for (pk, pv) in t {
                    let p = match pv {
                        toml::Value::Integer(n) => ParamValue::Int(*n),
                        toml::Value::Boolean(b) => ParamValue::Bool(*b),
                        toml::Value::String(s) => ParamValue::Text(s.clone()),
                        _ => {
                            diags.push(Diagnostic::new(
                                Phase::Profile,
                                Some(&pos_of(pk)),
                                format!("param `{pk}` must be an integer, boolean or string"),
                            ));
                            continue;
                        }
                    };
                    params.insert(pk.clone(), p);
                }
                continue;
            }
        }
        let pos = pos_of(k);
        if !KNOWN_KEYS.iter().any(|(name, _)| name == k) {
            let known: Vec<&str> = KNOWN_KEYS.iter().map(|(n, _)| *n).collect();
            diags.push(
                Diagnostic::new(Phase::Profile, Some(&pos), format!("unknown profile key `{k}`"))
                    .hint(format!("known keys: {}", known.join(", "))),
            );
            continue;
        }
        match value_text(v) {
            Some(s) => {
                values.insert(k.clone(), s);
                key_pos.insert(k.clone(), pos);
            }
            None => diags.push(Diagnostic::new(
                Phase::Profile,
                Some(&pos),
                format!("profile key `{k}` must be a string, number or boolean"),
            )),
        }
    }
    let env_overrides = std::env::vars().filter_map(|(k, v)| k.strip_prefix("EDXC_VAR_").map(|k| (k.to_string(), v)));
    for (k, v) in env_overrides.collect::<Vec<_>>().into_iter().chain(vars.iter().cloned()) {
        if !KNOWN_KEYS.iter().any(|(name, _)| *name == k) {
            diags.push(Diagnostic::new(Phase::Profile, None, format!("--var {k}: unknown profile key `{k}`")));
            continue;
        }
        values.insert(k, v);
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    Ok(Profile { name: name.to_string(), file, values, key_pos, params })
}

/// The result-store URL a credentials file gives: `{"url": ...}` as it is, or the original's
/// `{"host", "port", "username", "password"}` with the database of `current` (a mysql:// URL) when it names one.
fn credentials_url(path: &Path, current: &str) -> Result<String, String> {
    let text =
        std::fs::read_to_string(path).map_err(|e| format!("cannot read credentials file {}: {e}", path.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("credentials file {} is not JSON: {e}", path.display()))?;
    let field = |k: &str| match json.get(k) {
        Some(serde_json::Value::String(s)) => Some(s.clone()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    if let Some(url) = field("url") {
        return Ok(url);
    }
    let host = field("host").ok_or_else(|| format!("credentials file {} has no `host` (or `url`)", path.display()))?;
    let port = field("port").unwrap_or_else(|| "3306".into());
    let user = field("username").unwrap_or_default();
    let password = field("password").unwrap_or_default();
    secret::register(&password);
    secret::register(&encode(&password));
    let db = current
        .strip_prefix("mysql://")
        .and_then(|r| r.rsplit_once('/').map(|(_, db)| db.to_string()))
        .or_else(|| field("database"))
        .unwrap_or_default();
    let auth = if password.is_empty() { encode(&user) } else { format!("{}:{}", encode(&user), encode(&password)) };
    Ok(format!("mysql://{auth}@{host}:{port}/{db}"))
}

/// Percent-encodes what would break a URL's user-info part.
fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile(values: &[(&str, &str)]) -> Profile {
        Profile {
            name: "t".into(),
            file: PathBuf::from("t.toml"),
            values: values.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            key_pos: BTreeMap::new(),
            params: BTreeMap::new(),
        }
    }

    #[test]
    fn lms_credentials_override_the_lms_connection() {
        let dir = tempfile::tempdir().unwrap();
        let creds = dir.path().join("import.json");
        std::fs::write(&creds, r#"{"host": "lms-db", "port": 3307, "username": "ro", "password": "p w"}"#).unwrap();
        let creds = creds.display().to_string();
        assert_eq!(profile(&[("lms", "sample-data/lms")]).lms_source().unwrap().as_deref(), Some("sample-data/lms"));
        assert_eq!(profile(&[]).lms_source().unwrap(), None);
        // The database is the one `lms` names, as [database-import] database went with the original's credentials.
        let p = profile(&[("lms", "mysql://u@h/edxapp"), ("lms_credentials", &creds)]);
        assert_eq!(p.lms_source().unwrap().as_deref(), Some("mysql://ro:p%20w@lms-db:3307/edxapp"));
        let url = dir.path().join("url.json");
        std::fs::write(&url, r#"{"url": "/exports/lms"}"#).unwrap();
        let p = profile(&[("lms", "mysql://u@h/edxapp"), ("lms_credentials", &url.display().to_string())]);
        assert_eq!(p.lms_source().unwrap().as_deref(), Some("/exports/lms"));
        let p = profile(&[("lms_credentials", "/nonexistent/creds.json")]);
        assert!(p.lms_source().unwrap_err().contains("/nonexistent/creds.json"));
    }
}
