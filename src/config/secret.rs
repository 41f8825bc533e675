//! Secret references inside profile values: `SECRET[env.NAME]` and `SECRET[file./path/to/file]`.
//! Resolved only when a run needs them; every resolved value is registered for redaction.

use nom::{
    branch::alt,
    bytes::complete::{tag, take_till1},
    sequence::{delimited, preceded},
    IResult, Parser,
};
use std::sync::{Mutex, OnceLock};

#[derive(Debug, Clone, PartialEq, Eq)]
enum SecretRef<'a> {
    Env(&'a str),
    File(&'a str),
}

fn secret_ref(i: &str) -> IResult<&str, SecretRef<'_>> {
    let body = take_till1(|c| c == ']');
    delimited(
        tag("SECRET["),
        alt((
            preceded(tag("env."), body).map(SecretRef::Env),
            preceded(tag("file."), take_till1(|c| c == ']')).map(SecretRef::File),
        )),
        tag("]"),
    )
    .parse(i)
}

fn registry() -> &'static Mutex<Vec<String>> {
    static SECRETS: OnceLock<Mutex<Vec<String>>> = OnceLock::new();
    SECRETS.get_or_init(|| Mutex::new(Vec::new()))
}

/// Replaces every secret value resolved so far with `***`.
pub fn redact(text: &str) -> String {
    let mut out = text.to_string();
    if let Ok(secrets) = registry().lock() {
        for s in secrets.iter().filter(|s| !s.is_empty()) {
            out = out.replace(s.as_str(), "***");
        }
    }
    out
}

/// Registers a secret obtained elsewhere (e.g. from a credentials file) so it is redacted like the others.
pub fn register(secret: &str) {
    if secret.is_empty() {
        return;
    }
    if let Ok(mut reg) = registry().lock() {
        reg.push(secret.to_string());
    }
}

/// Whether a value contains a secret reference (used to validate profiles without resolving).
pub fn references(value: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = value;
    while let Some(i) = rest.find("SECRET[") {
        match secret_ref(&rest[i..]) {
            Ok((tail, r)) => {
                out.push(match r {
                    SecretRef::Env(n) => format!("env.{n}"),
                    SecretRef::File(p) => format!("file.{p}"),
                });
                rest = tail;
            }
            Err(_) => {
                out.push(String::new());
                break;
            }
        }
    }
    out
}

/// Substitutes every `SECRET[...]` in `value`. Errors name the reference, never a secret.
pub fn resolve(value: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find("SECRET[") {
        out.push_str(&rest[..i]);
        let (tail, r) = secret_ref(&rest[i..])
            .map_err(|_| "malformed secret reference: use SECRET[env.NAME] or SECRET[file./path]".to_string())?;
        let secret = match r {
            SecretRef::Env(name) => {
                std::env::var(name).map_err(|_| format!("secret SECRET[env.{name}] is not set: export {name}=..."))?
            }
            SecretRef::File(path) => std::fs::read_to_string(path)
                .map(|s| s.trim_end_matches(['\n', '\r']).to_string())
                .map_err(|e| format!("secret SECRET[file.{path}] cannot be read: {e}"))?,
        };
        if let Ok(mut reg) = registry().lock() {
            reg.push(secret.clone());
        }
        out.push_str(&secret);
        rest = tail;
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_env_and_file_and_redacts() {
        std::env::set_var("EDXC_TEST_SECRET_PW", "hunter2");
        let url = resolve("mysql://root:SECRET[env.EDXC_TEST_SECRET_PW]@db/x").unwrap();
        assert_eq!(url, "mysql://root:hunter2@db/x");
        assert_eq!(
            redact("failed to connect to mysql://root:hunter2@db/x"),
            "failed to connect to mysql://root:***@db/x"
        );
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("pw");
        std::fs::write(&f, "s3cret\n").unwrap();
        assert_eq!(resolve(&format!("SECRET[file.{}]", f.display())).unwrap(), "s3cret");
    }

    #[test]
    fn errors_name_the_reference() {
        let e = resolve("SECRET[env.EDXC_DEFINITELY_UNSET_1]").unwrap_err();
        assert!(e.contains("EDXC_DEFINITELY_UNSET_1"));
        assert!(resolve("SECRET[oops]").is_err());
        assert_eq!(references("a SECRET[env.A] b SECRET[file./x]"), vec!["env.A", "file./x"]);
    }
}
