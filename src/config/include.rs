//! The `include` globs of a map without a window (the original `PathSetTask(src, include)`, docs/contract.md §1.7):
//! a file below the source is read when its path relative to the source matches one of them, as Python's
//! `fnmatch` matches (case-sensitive on POSIX; `*` and `?` match `/` too; `[...]` classes, `[!...]` negated). Names
//! starting with `.` or `_` are not read, whatever the globs (the engines skip them as Hadoop does).
//!
//! Each glob becomes a regex for Rust's `regex` (the embedded engine) and POSIX extended regex (`grep -E`, the
//! cluster bundle's staging script); they mean the same unless a `[...]` class holds a backslash, `[` or a leading
//! `^`, which POSIX reads with one more member (the backslash).

/// The value of an `include` setting: a JSON list of globs (the original's list parameter) or one glob.
pub fn parse_list(text: &str) -> Result<Vec<String>, String> {
    let t = text.trim();
    let globs = if t.starts_with('[') {
        serde_json::from_str::<Vec<String>>(t).map_err(|_| format!("`{text}` is not a JSON list of globs"))?
    } else {
        vec![t.to_string()]
    };
    if globs.is_empty() || globs.iter().any(|g| g.is_empty()) {
        return Err(format!("`{text}`: give at least one non-empty glob"));
    }
    for g in &globs {
        if g.contains(['\'', '\n', '\r']) {
            return Err(format!("glob `{g}` must not contain quotes or line breaks"));
        }
    }
    Ok(globs)
}

/// `fnmatch.translate`: the glob as an anchored regex over a whole relative path.
pub fn glob_regex(glob: &str) -> String {
    let chars: Vec<char> = glob.chars().collect();
    let mut out = String::from("^(");
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '*' => out.push_str(".*"),
            '?' => out.push('.'),
            '[' => {
                // A class runs to the next `]` that is not its first member; without one, `[` is literal.
                let mut j = i;
                if chars.get(j) == Some(&'!') {
                    j += 1;
                }
                if chars.get(j) == Some(&']') {
                    j += 1;
                }
                while j < chars.len() && chars[j] != ']' {
                    j += 1;
                }
                if j >= chars.len() {
                    out.push_str("\\[");
                    continue;
                }
                let body: String = chars[i..j].iter().collect();
                let (negate, body) = match body.strip_prefix('!') {
                    Some(rest) => (true, rest.to_string()),
                    None => (false, body),
                };
                out.push('[');
                if negate {
                    out.push('^');
                } else if body.starts_with('^') {
                    // A literal `^` first would negate the class.
                    out.push('\\');
                }
                // Backslashes are literal in a glob class; `[` is escaped so `[:` cannot open a named class.
                out.push_str(&body.replace('\\', "\\\\").replace('[', "\\["));
                out.push(']');
                i = j + 1;
            }
            c if ".^$+(){}|\\".contains(c) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out.push_str(")$");
    out
}

/// Whether `relative` (a path below the source, `/`-separated) matches one of `globs`.
pub fn matches(globs: &[regex::Regex], relative: &str) -> bool {
    globs.iter().any(|g| g.is_match(relative))
}

/// The globs as compiled regexes.
pub fn compile(globs: &[String]) -> Result<Vec<regex::Regex>, String> {
    globs.iter().map(|g| regex::Regex::new(&glob_regex(g)).map_err(|e| format!("include glob `{g}`: {e}"))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(glob: &str, path: &str) -> bool {
        matches(&compile(&[glob.to_string()]).unwrap(), path)
    }

    #[test]
    fn globs_match_as_fnmatch_does() {
        assert!(m("*", "answer_dist_acceptance_tracking.log"));
        assert!(m("*", "FakeServerGroup/tracking.log-20140101.gz"));
        assert!(m("*.log", "a/b.log") && !m("*.log", "a/b.log.gz"));
        assert!(m("tracking.log-2014????.gz", "tracking.log-20140101.gz"));
        assert!(m("[!.]*", "x") && !m("[!.]*", ".hidden"));
        assert!(m("a[]]b", "a]b") && m("[a-c]x", "bx") && !m("[a-c]x", "dx"));
        assert!(m("a(b)+c$", "a(b)+c$") && !m("a.c", "abc"));
        assert!(m("[", "[") && m("x[^y]", "x^") && !m("x[^y]", "xz"));
        assert!(!m("TRACKING*", "tracking.log"), "case-sensitive");
    }

    #[test]
    fn lists_and_single_globs() {
        assert_eq!(parse_list("[\"*\"]").unwrap(), ["*"]);
        assert_eq!(parse_list("*.gz").unwrap(), ["*.gz"]);
        assert_eq!(parse_list(" [\"a*\", \"b*\"] ").unwrap(), ["a*", "b*"]);
        assert!(parse_list("[]").is_err() && parse_list("[1]").is_err() && parse_list("it's").is_err());
    }
}
