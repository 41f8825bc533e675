//! The `result_store` profile value: which backend and where, parsed once for `validate` and the commands that
//! connect.

use anyhow::{bail, Result};

/// Where a result store lives, parsed from the profile's `result_store` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// `sqlite:PATH`, `sqlite://PATH` or a bare path ending in `.sqlite` / `.db`.
    Sqlite(std::path::PathBuf),
    /// `mysql://user[:password]@host[:port]/db` (kept as written; it may hold a password).
    Mysql(String),
}

impl StoreLocation {
    /// Parses a `result_store` value. Any other scheme (`postgres://`, `file:`, ...) is refused, so a typo never
    /// becomes a file named after a URL.
    pub fn parse(url: &str) -> Result<Self> {
        let expected = "expected mysql://user[:password]@host[:port]/db, sqlite:PATH, sqlite://PATH or a path \
                        ending in .sqlite or .db";
        if url.starts_with("mysql://") {
            return Ok(Self::Mysql(url.to_string()));
        }
        let path = if let Some(p) = url.strip_prefix("sqlite://") {
            p
        } else if let Some(p) = url.strip_prefix("sqlite:") {
            p
        } else if let Some(scheme) = url_scheme(url) {
            bail!("unsupported result store scheme `{scheme}:` in `{}`: {expected}", redact_url(url));
        } else if url.ends_with(".sqlite") || url.ends_with(".db") {
            url
        } else {
            bail!("unsupported result store `{}`: {expected}", redact_url(url));
        };
        if path.is_empty() {
            bail!("result store `{url}` names no SQLite file");
        }
        Ok(Self::Sqlite(std::path::PathBuf::from(path)))
    }

    /// A relative SQLite path is taken from `root` (the project directory).
    pub fn resolve(self, root: &std::path::Path) -> Self {
        match self {
            Self::Sqlite(p) if p.is_relative() => Self::Sqlite(root.join(p)),
            other => other,
        }
    }
}

/// The scheme of `text` when it starts like a URL (`name:`, the name a letter then letters, digits, `+.-`).
fn url_scheme(text: &str) -> Option<&str> {
    let (scheme, _) = text.split_once(':')?;
    let mut chars = scheme.chars();
    let first = chars.next()?;
    (first.is_ascii_alphabetic() && chars.all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))).then_some(scheme)
}

/// `mysql://root:secret@h/db` → `mysql://root:***@h/db`. URLs without a password are returned unchanged.
pub fn redact_url(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let Some(at) = rest.rfind('@') else {
        return url.to_string();
    };
    let userinfo = &rest[..at];
    match userinfo.find(':') {
        Some(colon) => format!("{}{}:***{}", &url[..scheme_end + 3], &userinfo[..colon], &rest[at..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_locations() {
        use std::path::PathBuf;
        let p = |s: &str| StoreLocation::parse(s);
        assert_eq!(p("sqlite:/tmp/x.sqlite").unwrap(), StoreLocation::Sqlite(PathBuf::from("/tmp/x.sqlite")));
        assert_eq!(p("sqlite:///tmp/x.sqlite").unwrap(), StoreLocation::Sqlite(PathBuf::from("/tmp/x.sqlite")));
        assert_eq!(p("sqlite:rel/x.anything").unwrap(), StoreLocation::Sqlite(PathBuf::from("rel/x.anything")));
        assert_eq!(p(".edxc/results.sqlite").unwrap(), StoreLocation::Sqlite(PathBuf::from(".edxc/results.sqlite")));
        assert!(matches!(p("mysql://u@h/db").unwrap(), StoreLocation::Mysql(_)));
        let e = p("postgres://u:pw@h/db.db").unwrap_err().to_string();
        assert!(e.contains("`postgres:`") && !e.contains("pw"), "{e}");
        assert!(p("file:/x.db").is_err());
        assert!(p("results").is_err());
        assert!(p("sqlite:").is_err());
        let root = std::path::Path::new("/proj");
        assert_eq!(p("sqlite:x.db").unwrap().resolve(root), StoreLocation::Sqlite(PathBuf::from("/proj/x.db")));
        assert_eq!(p("sqlite:/a/x.db").unwrap().resolve(root), StoreLocation::Sqlite(PathBuf::from("/a/x.db")));
    }
}
