//! SQL identifier validation. Every table and column name that comes from TOML passes through here before it is
//! rendered into SQL, so a pipeline file can never inject SQL text.

/// Longest identifier we accept (MySQL's limit is 64).
pub const MAX_IDENTIFIER_LEN: usize = 64;

/// Lower-case ASCII letters, digits and `_`, starting with a letter or `_`, at most 64 characters.
pub fn is_valid_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    match chars.next() {
        Some(c) if c.is_ascii_lowercase() || c == '_' => {}
        _ => return false,
    }
    name.len() <= MAX_IDENTIFIER_LEN && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Returns an error message naming the rule when `name` is not a valid identifier.
pub fn check_identifier(name: &str) -> Result<(), String> {
    if is_valid_identifier(name) {
        Ok(())
    } else {
        Err(format!(
            "`{name}` is not a valid SQL identifier: use lower-case letters, digits and `_`, starting with a letter \
             or `_`, at most {MAX_IDENTIFIER_LEN} characters"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_and_rejects() {
        assert!(is_valid_identifier("course_enrollment_daily"));
        assert!(is_valid_identifier("_x1"));
        assert!(!is_valid_identifier("1abc"));
        assert!(!is_valid_identifier("a-b"));
        assert!(!is_valid_identifier("t; DROP TABLE x"));
        assert!(!is_valid_identifier("Course"));
        assert!(!is_valid_identifier(""));
        assert!(!is_valid_identifier(&"a".repeat(65)));
    }
}
