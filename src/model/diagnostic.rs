//! Diagnostics: what is wrong, where (file:line:col) and how to fix it.

use super::pipeline::Pos;
use serde::Serialize;
use std::fmt;

/// The validation phase that produced a diagnostic, in the order they run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Syntax,
    Fields,
    Wiring,
    Schemas,
    Profile,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub phase: Phase,
    #[serde(skip)]
    pub pos: Option<Pos>,
    pub file: Option<String>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub hint: Option<String>,
}

impl Diagnostic {
    pub fn new(phase: Phase, pos: Option<&Pos>, message: impl Into<String>) -> Self {
        Self {
            phase,
            pos: pos.cloned(),
            file: pos.map(|p| p.file.display().to_string()),
            line: pos.map(|p| p.line),
            column: pos.map(|p| p.col),
            message: message.into(),
            hint: None,
        }
    }

    pub fn hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(pos) = &self.pos {
            write!(f, "{pos}: ")?;
        }
        write!(f, "error: {}", self.message)?;
        if let Some(h) = &self.hint {
            write!(f, "\n  hint: {h}")?;
        }
        Ok(())
    }
}

/// Converts a byte offset in `text` into a 1-based line and column (columns count characters).
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map(|l| l.chars().count()).unwrap_or(0) + 1;
    (line, col)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_from_one() {
        let t = "a = 1\nbb = 2\n";
        assert_eq!(line_col(t, 0), (1, 1));
        assert_eq!(line_col(t, 6), (2, 1));
        assert_eq!(line_col(t, 9), (2, 4));
        assert_eq!(line_col(t, 999), (3, 1));
    }
}
