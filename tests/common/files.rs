//! The conformance README's file comparisons and checks: `[[expected]]` items of kind `file_set` (a directory's
//! files, each against the file of the same name in `expected_dir`, compared `bytes` or `csv_ordered`) or `file`
//! (the one file a path with `**` matches, against one expected file), and the
//! `[[checks]]` kinds `exists`, `file_count` and `sql_count`. A `property` check is a statement a scenario's own test
//! verifies (tests/conformance.rs); it is not read here.

use super::{cell_eq, read_csv, World};
use std::path::{Path, PathBuf};

/// Every file below `dir` (recursively), by its path relative to `dir` with `/` separators.
fn files_below(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.push((p.strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/"), p));
            }
        }
    }
    out.sort();
    out
}

/// One `file_set` item: the directory holds exactly `file_count` files, each equal to its expected file.
pub fn check_file_set(sdir: &Path, e: &toml::Table, w: &World, failures: &mut Vec<String>) {
    let under = PathBuf::from(w.local(e["under"].as_str().unwrap()));
    let expected_dir = sdir.join(e["expected_dir"].as_str().unwrap());
    let compare = e.get("compare").and_then(|c| c.as_str()).unwrap_or("bytes");
    let actual = files_below(&under);
    if let Some(n) = e.get("file_count").and_then(|n| n.as_integer()) {
        if actual.len() as i64 != n {
            let names: Vec<&str> = actual.iter().map(|(r, _)| r.as_str()).collect();
            failures.push(format!("{}: {} files, expected {n}: {names:?}", under.display(), actual.len()));
        }
    }
    for (rel, path) in &actual {
        let want = expected_dir.join(rel);
        if !want.is_file() {
            failures.push(format!("{}: unexpected file {rel}", under.display()));
            continue;
        }
        let problem = match compare {
            "bytes" => bytes_differ(&want, path),
            "csv_ordered" => csv_differ(&want, path),
            other => Some(format!("compare mode `{other}` is not supported by this runner")),
        };
        if let Some(p) = problem {
            failures.push(format!("{rel} ({compare}): {p}"));
        }
    }
}

/// One `file` item: exactly one file matches `path` (where `/**/` stands for any number of directories), and it
/// equals `file` (compared `bytes` or `csv_ordered`).
pub fn check_file(sdir: &Path, e: &toml::Table, w: &World, failures: &mut Vec<String>) {
    let pattern = w.local(e["path"].as_str().unwrap());
    let want = sdir.join(e["file"].as_str().unwrap());
    let compare = e.get("compare").and_then(|c| c.as_str()).unwrap_or("bytes");
    let found: Vec<PathBuf> = match pattern.split_once("/**/") {
        Some((base, tail)) => files_below(Path::new(base))
            .into_iter()
            .filter(|(rel, _)| rel == tail || rel.ends_with(&format!("/{tail}")))
            .map(|(_, p)| p)
            .collect(),
        None => Some(PathBuf::from(&pattern)).filter(|p| p.is_file()).into_iter().collect(),
    };
    let [got] = found.as_slice() else {
        failures.push(format!("{pattern}: {} matching files, expected 1: {found:?}", found.len()));
        return;
    };
    let problem = match compare {
        "bytes" => bytes_differ(&want, got),
        "csv_ordered" => csv_differ(&want, got),
        other => Some(format!("compare mode `{other}` is not supported by this runner")),
    };
    if let Some(p) = problem {
        failures.push(format!("{} ({compare}): {p}", got.display()));
    }
}

fn bytes_differ(want: &Path, got: &Path) -> Option<String> {
    let (a, b) = (std::fs::read(want).unwrap(), std::fs::read(got).unwrap());
    if a == b {
        return None;
    }
    let at = a.iter().zip(&b).position(|(x, y)| x != y).unwrap_or(a.len().min(b.len()));
    let line = a[..at].iter().filter(|&&c| c == b'\n').count() + 1;
    let show = |v: &[u8]| String::from_utf8_lossy(&v[at.saturating_sub(20)..(at + 40).min(v.len())]).into_owned();
    Some(format!(
        "differs from {} at byte {at} (line {line}): expected {:?}, got {:?} ({} vs {} bytes)",
        want.display(),
        show(&a),
        show(&b),
        a.len(),
        b.len()
    ))
}

fn csv_differ(want: &Path, got: &Path) -> Option<String> {
    let ((h1, r1), (h2, r2)) = (read_csv(want), read_csv(got));
    if h1 != h2 {
        return Some(format!("header {h2:?}, expected {h1:?}"));
    }
    if r1.len() != r2.len() {
        return Some(format!("{} rows, expected {}", r2.len(), r1.len()));
    }
    for (i, (a, b)) in r1.iter().zip(&r2).enumerate() {
        let same = a.len() == b.len() && a.iter().zip(b).all(|(x, y)| cell_eq(&Some(x.clone()), &Some(y.clone())));
        if !same {
            return Some(format!("row {}: {b:?}, expected {a:?}", i + 1));
        }
    }
    None
}

/// The scenario's `[[checks]]` (but `property`): `exists`, `file_count` (non-empty files whose path below `under`
/// matches `glob`, fnmatch style with `*` crossing `/`), `sql_count` on the result store.
pub fn check_checks(spec: &toml::Table, w: &World, failures: &mut Vec<String>) {
    for c in spec.get("checks").and_then(|v| v.as_array()).into_iter().flatten() {
        let kind = c["kind"].as_str().unwrap();
        match kind {
            "exists" => {
                let path = w.local(c["path"].as_str().unwrap());
                if !Path::new(&path).exists() {
                    failures.push(format!("check exists: {path} does not exist"));
                }
            }
            "file_count" => {
                let under = PathBuf::from(w.local(c["under"].as_str().unwrap()));
                let glob = c.get("glob").and_then(|g| g.as_str()).unwrap_or("*");
                let re = regex::Regex::new(&edxc::config::include::glob_regex(glob)).unwrap();
                let n = files_below(&under)
                    .iter()
                    .filter(|(rel, p)| re.is_match(rel) && std::fs::metadata(p).is_ok_and(|m| m.len() > 0))
                    .count() as i64;
                let equals = c.get("equals").and_then(|v| v.as_integer());
                let at_least = c.get("at_least").and_then(|v| v.as_integer());
                if equals.is_some_and(|e| e != n) || at_least.is_some_and(|a| n < a) {
                    failures.push(format!(
                        "check file_count under {} ({glob}): {n} files, expected {}",
                        under.display(),
                        equals.map_or_else(|| format!("at least {}", at_least.unwrap_or(0)), |e| e.to_string())
                    ));
                }
            }
            "sql_count" => {
                let query = c["query"].as_str().unwrap();
                let mut store = edxc::sinks::result_store::open(&w.result_store).expect("result store opens");
                let n = store.query(query).unwrap_or_else(|e| panic!("{query}: {e}")).len() as i64;
                let want = c["equals"].as_integer().unwrap();
                if n != want {
                    failures.push(format!("check sql_count `{query}`: {n} rows, expected {want}"));
                }
            }
            "property" => {}
            other => failures.push(format!("check kind `{other}` is not supported by this runner")),
        }
    }
}
