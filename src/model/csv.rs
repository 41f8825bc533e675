//! The `csv` sink's settings: where its files go, how each is named and sorted, and how its text is written.
//! `src/sinks/csv.rs` writes the files.

use super::pipeline::At;

/// A `csv` sink: one file of delimited text per distinct value of the columns its `file` template names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvSink {
    /// Directory the files go to (a placeholder template, e.g. `{{ output_root }}`). Rendered empty, the sink
    /// writes nothing: the run was not asked for files.
    pub dir: At<String>,
    /// Path of a file below `dir`: literal text and `{column}` or `{column|filter}` references to the input's
    /// columns (filters: `sha1`, `safe_course_id`). Rows go to the file their values name.
    pub file: At<String>,
    /// Columns the rows of each file are sorted by (numbers by value, text by code point, NULL first); none: input
    /// order.
    pub sort_by: Vec<At<String>>,
    /// Which of the columns the files hold, in which order: a placeholder template rendering to a JSON list of
    /// column names (or one name); rendered empty, every column. The header then names those columns.
    pub fields: Option<At<String>>,
    /// The filter of `{column}` references in `file` that name none (`sha1`, `safe_course_id`); `None`: the value
    /// itself. Lets `file` take a template written for the original, where `{course_id}` meant the safe id.
    pub file_filter: Option<At<String>>,
    pub format: CsvFormat,
}

/// How the text of a file is written. The defaults are Python's `csv` module defaults (the `excel` dialect),
/// which the original pipeline's reports used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvFormat {
    /// The header line's names, one per column; `None`: the column names; empty: no header line.
    pub header: Option<Vec<String>>,
    pub delimiter: char,
    pub quote: char,
    pub quoting: Quoting,
    /// Written after every line, header included.
    pub line_end: String,
    /// The text of a NULL cell.
    pub null: String,
}

impl Default for CsvFormat {
    fn default() -> Self {
        Self {
            header: None,
            delimiter: ',',
            quote: '"',
            quoting: Quoting::Minimal,
            line_end: "\r\n".into(),
            null: String::new(),
        }
    }
}

/// When a cell is enclosed in quotes (a quote inside a quoted cell is doubled), as Python's `csv.QUOTE_*`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Quoting {
    /// Only cells holding the delimiter, the quote, CR or LF.
    Minimal,
    /// Every cell.
    All,
    /// Every cell of a non-numeric column.
    NonNumeric,
    /// No cell; a cell that would need quotes is an error.
    None,
}

impl Quoting {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "minimal" => Some(Self::Minimal),
            "all" => Some(Self::All),
            "nonnumeric" => Some(Self::NonNumeric),
            "none" => Some(Self::None),
            _ => None,
        }
    }
}
