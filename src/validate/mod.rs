//! Validation in phases (fields → wiring → schemas → profile); every diagnostic has a position and a hint.
//! It also fills in what later steps rely on: the output columns of map transforms come from their extractor.

pub mod schemas;
pub mod sql;
pub mod sql_types;
pub mod wiring;

use crate::config::placeholder::{Var, Vars};
use crate::config::profile::Profile;
use crate::config::secret;
use crate::model::ident::check_identifier;
use crate::model::{
    At, Column, ColumnType, Diagnostic, ParamValue, Phase, Pipeline, SinkKind, SourceKind, TransformKind,
};
use std::path::Path;

/// Variables every template may use besides the pipeline's params.
pub const RUN_VARIABLES: &[&str] = &["interval_start", "interval_end", "today"];

/// The run variable holding the number of days of the run's interval: a map window of `days = "interval_days"`
/// (re)reads the whole interval, as the original tasks that read every log of their `--interval` do.
pub const INTERVAL_DAYS: &str = "interval_days";

/// Validates one pipeline; on success the map transforms carry their extractor's columns.
pub fn validate(p: &mut Pipeline, templates_dir: &Path) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    fields(p, &mut diags);
    if diags.is_empty() {
        wiring::check(p, &mut diags);
    }
    if diags.is_empty() {
        schemas::check(p, templates_dir, &sample_vars(p), &mut diags);
    }
    diags
}

fn ident(diags: &mut Vec<Diagnostic>, what: &str, name: &At<String>) {
    if let Err(e) = check_identifier(&name.value) {
        diags.push(Diagnostic::new(Phase::Fields, Some(&name.pos), format!("{what}: {e}")).hint("rename it"));
    }
}

fn columns(diags: &mut Vec<Diagnostic>, owner: &str, cols: &[At<Column>]) {
    let mut seen = std::collections::BTreeSet::new();
    for c in cols {
        if let Err(e) = check_identifier(&c.value.name) {
            diags.push(
                Diagnostic::new(Phase::Fields, Some(&c.pos), format!("column of `{owner}`: {e}"))
                    .hint("rename the column"),
            );
        }
        if !seen.insert(c.value.name.clone()) {
            diags.push(
                Diagnostic::new(
                    Phase::Fields,
                    Some(&c.pos),
                    format!("`{owner}` declares column `{}` twice", c.value.name),
                )
                .hint("remove one of them"),
            );
        }
        if c.value.name == "dt" {
            diags.push(
                Diagnostic::new(Phase::Fields, Some(&c.pos), format!("`{owner}` declares a column named `dt`"))
                    .hint("`dt` is the partition column edxc adds to every warehouse table; rename this column"),
            );
        }
    }
}

/// `when = "flag"` names a boolean param; `when = "param == 'value'"` any param.
fn when_ref(diags: &mut Vec<Diagnostic>, p: &Pipeline, when: &At<String>) {
    match crate::graph::parse_when(&when.value) {
        (name, None) => param_ref(diags, p, &At { value: name.to_string(), pos: when.pos.clone() }, "boolean"),
        (name, Some(_)) if p.params.contains_key(name) => {}
        (name, Some(_)) => diags.push(
            Diagnostic::new(Phase::Fields, Some(&when.pos), format!("`{name}` is not a param of this pipeline"))
                .hint("`when` names a boolean param, or compares a param with a value: `when = \"param == 'value'\"`"),
        ),
    }
}

fn param_ref(diags: &mut Vec<Diagnostic>, p: &Pipeline, name: &At<String>, want: &str) {
    let ok = match (p.params.get(&name.value).map(|v| &v.value), want) {
        (Some(ParamValue::Bool(_)), "boolean") | (Some(ParamValue::Int(_)), "integer") => true,
        (Some(ParamValue::Text(_)), "date") => true,
        (None, "date") => RUN_VARIABLES.contains(&name.value.as_str()),
        (None, "integer") => name.value == INTERVAL_DAYS,
        _ => false,
    };
    if !ok {
        diags.push(
            Diagnostic::new(
                Phase::Fields,
                Some(&name.pos),
                format!("`{}` is not a {want} param of this pipeline", name.value),
            )
            .hint(format!("declare it under [params] with a {want} default")),
        );
    }
}

fn fields(p: &mut Pipeline, diags: &mut Vec<Diagnostic>) {
    let known_keys = crate::config::profile::KNOWN_KEYS;
    for (param, key) in &p.location_params {
        if !known_keys.iter().any(|(k, _)| k == key) {
            diags.push(
                Diagnostic::new(
                    Phase::Fields,
                    Some(&p.name.pos),
                    format!("location parameter `{param}` names `{key}`, which is not a profile key"),
                )
                .hint("[pipeline.location_params] maps an original parameter to a profile key (see edxc validate)"),
            );
        }
    }
    // `[pipeline.config]` and `[pipeline.datetime_vars]` name params of the pipeline.
    let named = p.config.iter().map(|(k, param)| (format!("config key `{k}`"), param)).chain(
        p.datetime_vars
            .iter()
            .flat_map(|(v, (dt, f))| [(format!("datetime_vars `{v}`"), dt), (format!("datetime_vars `{v}`"), f)]),
    );
    for (what, param) in named {
        // The interval's start and end are the common parameters of an explicit interval.
        if !p.params.contains_key(param) && !matches!(param.as_str(), "interval_start" | "interval_end") {
            diags.push(
                Diagnostic::new(
                    Phase::Fields,
                    Some(&p.name.pos),
                    format!("{what} names `{param}`, which is not a param"),
                )
                .hint("declare it under [params]"),
            );
        }
    }
    for (name, s) in &p.sources {
        ident(diags, "source name", &s.name);
        if let SourceKind::LmsTable { table, columns: cols, .. } = &s.kind {
            ident(diags, "LMS table", table);
            columns(diags, name, cols);
        }
        if let SourceKind::WarehouseTable { columns: cols, .. } = &s.kind {
            columns(diags, name, cols);
        }
    }
    for (name, t) in &p.transforms {
        ident(diags, "transform name", &t.name);
        columns(diags, name, &t.columns);
        if let Some(w) = &t.when {
            when_ref(diags, p, w);
        }
        match &t.kind {
            TransformKind::Map { extractor, window, include, count_as } => {
                if crate::events::extractor_columns(&extractor.value).is_none() {
                    diags.push(
                        Diagnostic::new(
                            Phase::Fields,
                            Some(&extractor.pos),
                            format!("unknown extractor `{}`", extractor.value),
                        )
                        .hint(format!("extractors: {}", crate::events::extractor_names().join(", "))),
                    );
                }
                if let Some(window) = window {
                    param_ref(diags, p, &window.end, "date");
                    param_ref(diags, p, &window.days, "integer");
                }
                if let Some(include) = include {
                    let rendered = crate::config::placeholder::render(include, &sample_vars(p));
                    if let Err(e) = rendered.and_then(|t| crate::config::include::parse_list(&t)) {
                        diags.push(Diagnostic::new(Phase::Fields, Some(&include.pos), format!("include: {e}")).hint(
                            "a glob, or a JSON list of globs, e.g. include = \"{{ include }}\" with the \
                                       param include = '[\"*\"]'",
                        ));
                    }
                }
                if let Some(c) = count_as {
                    ident(diags, "count_as column", c);
                }
                if !t.columns.is_empty() {
                    diags.push(
                        Diagnostic::new(
                            Phase::Fields,
                            Some(&t.name.pos),
                            format!("map transform `{name}` declares columns"),
                        )
                        .hint("a map transform's columns are its extractor's; remove `columns`"),
                    );
                }
            }
            TransformKind::Reduce { reducer } => {
                if crate::natives::reducer(&reducer.value).is_none() {
                    let names: Vec<&str> = crate::natives::reducers().iter().map(|r| r.name).collect();
                    diags.push(
                        Diagnostic::new(
                            Phase::Fields,
                            Some(&reducer.pos),
                            format!("unknown reducer `{}`", reducer.value),
                        )
                        .hint(format!("reducers: {}", names.join(", "))),
                    );
                }
            }
            TransformKind::Native { function } => {
                if crate::natives::native(&function.value).is_none() {
                    let names: Vec<&str> = crate::natives::natives().iter().map(|r| r.name).collect();
                    diags.push(
                        Diagnostic::new(
                            Phase::Fields,
                            Some(&function.pos),
                            format!("unknown native function `{}`", function.value),
                        )
                        .hint(format!("functions: {}", names.join(", "))),
                    );
                }
            }
            TransformKind::Sql { .. } => {}
        }
    }
    for (name, s) in &p.sinks {
        ident(diags, "sink name", &s.name);
        columns(diags, name, &s.columns);
        if let Some(w) = &s.when {
            when_ref(diags, p, w);
        }
        let (table, indexes, key) = match &s.kind {
            SinkKind::ResultStore { table, indexes, primary_key, .. } => (table, indexes, primary_key),
            SinkKind::Csv(csv) => {
                csv_sink(diags, p, name, &s.columns, csv);
                continue;
            }
            SinkKind::Files { .. } => continue,
        };
        ident(diags, "result-store table", table);
        for ix in indexes.iter().flatten().chain(key) {
            if !s.columns.iter().any(|c| c.value.name == ix.value) {
                diags.push(
                    Diagnostic::new(
                        Phase::Fields,
                        Some(&ix.pos),
                        format!("index column `{}` is not a column of sink `{name}`", ix.value),
                    )
                    .hint("index only declared columns"),
                );
            }
        }
    }
    if !diags.is_empty() {
        return;
    }
    // Map transforms take their extractor's columns (plus the count column).
    for t in p.transforms.values_mut() {
        if let TransformKind::Map { extractor, count_as, .. } = &t.kind {
            let Some(spec) = crate::events::extractor_columns(&extractor.value) else { continue };
            let mut cols: Vec<At<Column>> = spec
                .iter()
                .map(|c| At {
                    value: Column::new(
                        c.name,
                        crate::model::column::parse_type(c.hive_type).unwrap_or(ColumnType::String(None)),
                    ),
                    pos: extractor.pos.clone(),
                })
                .collect();
            if let Some(c) = count_as {
                cols.push(At { value: Column::new(&c.value, ColumnType::BigInt), pos: c.pos.clone() });
            }
            t.columns = cols;
        }
    }
    // Data checks read declared columns only.
    for (name, t) in &p.transforms {
        for c in &t.checks {
            for col in c.kind.columns() {
                if !t.columns.iter().any(|d| d.value.name == col) {
                    diags.push(
                        Diagnostic::new(
                            Phase::Fields,
                            Some(&c.pos),
                            format!(
                                "check `{}` of `{name}` names column `{col}`, which `{name}` does not have",
                                c.kind.name()
                            ),
                        )
                        .hint(format!(
                            "columns of `{name}`: {}",
                            t.columns.iter().map(|d| d.value.name.as_str()).collect::<Vec<_>>().join(", ")
                        )),
                    );
                }
            }
        }
    }
}

/// A csv sink's own settings: its file template, its header against its columns, its directory template.
fn csv_sink(
    diags: &mut Vec<Diagnostic>,
    p: &Pipeline,
    name: &str,
    cols: &[At<Column>],
    csv: &crate::model::csv::CsvSink,
) {
    let vars = sample_vars(p);
    for (what, tpl) in [("dir", &csv.dir), ("file", &csv.file)] {
        let rendered = crate::config::placeholder::render(tpl, &vars);
        let problem = match (what, rendered) {
            (_, Err(e)) => Some(e),
            ("file", Ok(t)) => crate::sinks::csv::parse_file_template(&t).err(),
            _ => None,
        };
        if let Some(e) = problem {
            diags.push(Diagnostic::new(Phase::Fields, Some(&tpl.pos), format!("csv sink `{name}` {what}: {e}")).hint(
                "file = \"{column}/...\" names each row's file by its values ({column|sha1}, \
                     {column|safe_course_id}); dir may use {{ params }}",
            ));
        }
    }
    if let Some(header) = &csv.format.header {
        if !header.is_empty() && header.len() != cols.len() {
            diags.push(
                Diagnostic::new(
                    Phase::Fields,
                    Some(&csv.file.pos),
                    format!("csv sink `{name}` has {} header names for {} columns", header.len(), cols.len()),
                )
                .hint("one header name per column, or header = [] for no header line"),
            );
        }
    }
}

/// Stand-in values for every variable, to check templates without a run.
pub fn sample_vars(p: &Pipeline) -> Vars {
    let d = chrono::NaiveDate::from_ymd_opt(2000, 1, 3).unwrap_or_default();
    let mut v = Vars::new();
    for (name, value) in &p.params {
        let var = match &value.value {
            ParamValue::Int(n) => Var::Int(*n),
            ParamValue::Bool(b) => Var::Bool(*b),
            ParamValue::Text(s) => match crate::config::interval::parse_day(s, d) {
                Some(day) => Var::Date(day),
                None => Var::Text(s.clone()),
            },
        };
        v.insert(name.clone(), var);
    }
    for name in RUN_VARIABLES {
        v.insert(name.to_string(), Var::Date(d));
    }
    v.insert(INTERVAL_DAYS.to_string(), Var::Int(1));
    for (var, (datetime, format)) in &p.datetime_vars {
        let text = |name: &str| p.params.get(name).map(|v| v.value.to_string()).unwrap_or_default();
        let value = crate::graph::format_datetime_param(&text(datetime), &text(format), d)
            .unwrap_or_else(|_| "2000-01-03".to_string());
        v.insert(var.clone(), Var::Text(value));
    }
    v
}

/// Profile phase: the engine is known, what it needs is configured and well formed, secret references are well
/// formed and, with `check_secrets` (commands that connect), resolvable.
/// `engine_keys`: the profile keys the profile's engine needs for these pipelines, or why the engine is unknown
/// (the engine registry sits above this module, so the caller asks it).
pub fn validate_profile(
    profile: &Profile,
    check_secrets: bool,
    engine_keys: Result<Vec<&'static str>, String>,
) -> Vec<Diagnostic> {
    let mut diags = Vec::new();
    let at = |k: &str| profile.key_pos.get(k).cloned();
    let required = match engine_keys {
        Ok(keys) => keys,
        Err(e) => {
            diags.push(Diagnostic::new(Phase::Profile, at("engine").as_ref(), e).hint("set `engine` in the profile"));
            return diags;
        }
    };
    for key in required {
        if profile.get(key).is_none_or(str::is_empty) {
            diags.push(
                Diagnostic::new(
                    Phase::Profile,
                    None,
                    format!(
                        "profile `{}` ({}) does not set `{key}`, which engine `{}` needs",
                        profile.name,
                        profile.file.display(),
                        profile.engine()
                    ),
                )
                .hint(format!("add `{key} = \"...\"` to the profile or pass --var {key}=...")),
            );
        }
    }
    if let Some(store) = profile.get("result_store") {
        if let Err(e) = crate::config::store_location::StoreLocation::parse(store) {
            diags.push(
                Diagnostic::new(Phase::Profile, at("result_store").as_ref(), format!("`result_store`: {e:#}"))
                    .hint("e.g. result_store = \"sqlite:.edxc/results.sqlite\" or \"mysql://user@host:3306/reports\""),
            );
        }
    }
    match profile.f64_or("max_bad_ratio", 0.5) {
        Ok(r) if (0.0..=1.0).contains(&r) => {}
        Ok(r) => diags.push(
            Diagnostic::new(Phase::Profile, at("max_bad_ratio").as_ref(), format!("`max_bad_ratio` is {r}"))
                .hint("a fraction between 0 and 1"),
        ),
        Err(e) => diags.push(Diagnostic::new(Phase::Profile, at("max_bad_ratio").as_ref(), e)),
    }
    // Secret references are checked for their form always; whether they resolve only by commands that connect.
    for (key, value) in &profile.values {
        for r in secret::references(value) {
            let problem = if r.is_empty() {
                Some("malformed secret reference: use SECRET[env.NAME] or SECRET[file./path]".to_string())
            } else if !check_secrets {
                None
            } else if let Some(name) = r.strip_prefix("env.") {
                std::env::var_os(name).is_none().then(|| format!("secret SECRET[{r}] is not set"))
            } else if let Some(path) = r.strip_prefix("file.") {
                (!Path::new(path).is_file()).then(|| format!("secret file SECRET[{r}] does not exist"))
            } else {
                None
            };
            if let Some(msg) = problem {
                diags.push(
                    Diagnostic::new(Phase::Profile, at(key).as_ref(), format!("`{key}`: {msg}"))
                        .hint("export the variable or create the file before running"),
                );
            }
        }
    }
    diags
}
