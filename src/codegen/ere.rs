//! Tracking-log path patterns (Rust `regex` syntax, as the embedded engine matches them) turned into POSIX extended
//! regexes for `grep -E` in the bundle's staging script, anchored to match whole paths as the embedded engine does.
//! Only the syntax both share is accepted; anything else is an error naming the construct, never a silent change.

use anyhow::{bail, Result};

/// `pattern` as an anchored ERE. Its `(?P<date>...)` group, if any, becomes an alternation of `dates` (`YYYYMMDD`);
/// `None` means the pattern must not have one.
pub fn whole_path(key: &str, pattern: &str, dates: Option<&[String]>) -> Result<String> {
    if pattern.contains('\'') || pattern.contains('\n') {
        bail!("profile value `{key}` must not contain quotes or newlines");
    }
    let chars: Vec<char> = pattern.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let rest: String = chars[i..].iter().collect();
        match c {
            '(' if rest.starts_with("(?P<date>") => {
                let Some(dates) = dates else {
                    bail!("`{key}` ({pattern}) must not have a date group");
                };
                let end = group_end(&chars, i).ok_or_else(|| anyhow::anyhow!("`{key}` ({pattern}): unclosed group"))?;
                out.push('(');
                out.push_str(&dates.join("|"));
                out.push(')');
                i = end + 1;
                continue;
            }
            '(' if rest.starts_with("(?:") => {
                out.push('(');
                i += 3;
                continue;
            }
            '(' if rest.starts_with("(?") => {
                return Err(unsupported(key, pattern, "a group with flags or a name other than `date`"))
            }
            '\\' => {
                let Some(&next) = chars.get(i + 1) else {
                    return Err(unsupported(key, pattern, "a trailing backslash"));
                };
                match next {
                    'd' => out.push_str("[0-9]"),
                    n if n.is_ascii_alphanumeric() => {
                        return Err(unsupported(key, pattern, &format!("the escape \\{n}")))
                    }
                    n => {
                        out.push('\\');
                        out.push(n);
                    }
                }
                i += 2;
                continue;
            }
            '[' => {
                let end = class_end(&chars, i).ok_or_else(|| anyhow::anyhow!("`{key}` ({pattern}): unclosed `[`"))?;
                let class: String = chars[i..=end].iter().collect();
                if class.contains('\\') || class.contains("[:") {
                    return Err(unsupported(key, pattern, "a backslash or named class inside [...]"));
                }
                out.push_str(&class);
                i = end + 1;
                continue;
            }
            '*' | '+' | '?' | '}' if chars.get(i + 1) == Some(&'?') => {
                return Err(unsupported(key, pattern, "a lazy quantifier"));
            }
            '^' | '$' => return Err(unsupported(key, pattern, "an anchor (patterns match whole paths)")),
            _ => out.push(c),
        }
        i += 1;
    }
    // Without a date group every matching file is read, as on the embedded engine.
    Ok(format!("^({out})$"))
}

fn unsupported(key: &str, pattern: &str, what: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "`{key}` ({pattern}) uses {what}, which the cluster's file selection (POSIX extended regex) cannot express: \
         write it with literals, ., [...], groups, |, and the quantifiers * + ? {{n,m}}"
    )
}

/// Index of the `)` closing the group opened at `open`.
fn group_end(chars: &[char], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    let mut i = open;
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            '[' => i = class_end(chars, i)?,
            '(' => depth += 1,
            ')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Index of the `]` closing the class opened at `open` (a `]` first in the class, after an optional `^`, is a member).
fn class_end(chars: &[char], open: usize) -> Option<usize> {
    let mut i = open + 1;
    if chars.get(i) == Some(&'^') {
        i += 1;
    }
    if chars.get(i) == Some(&']') {
        i += 1;
    }
    while i < chars.len() {
        match chars[i] {
            '\\' => i += 1,
            ']' => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_patterns_become_anchored_eres() {
        let dates = vec!["20261101".to_string(), "20261102".to_string()];
        assert_eq!(
            whole_path("tracking_pattern", r".*tracking\.log-(?P<date>\d{8}).*", Some(&dates)).unwrap(),
            r"^(.*tracking\.log-(20261101|20261102).*)$"
        );
        assert_eq!(
            whole_path("tracking_undated_pattern", r".*tracking\.log(?:\.gz)?", None).unwrap(),
            r"^(.*tracking\.log(\.gz)?)$"
        );
        assert_eq!(
            whole_path("p", r".*/logs-(?P<date>[0-9]{8}(x|y))\.gz", Some(&dates)).unwrap(),
            r"^(.*/logs-(20261101|20261102)\.gz)$"
        );
    }

    #[test]
    fn constructs_grep_lacks_are_refused() {
        for p in [r".*\w+", r"(?i)tracking", r".*?x", r"^x", r"[\d]x", r"x'y", r"(?P<day>\d)"] {
            assert!(whole_path("tracking_pattern", p, Some(&[])).is_err(), "{p}");
        }
        assert!(whole_path("tracking_undated_pattern", r"(?P<date>\d{8})", None).is_err());
    }
}
