//! Hive text rows as exchanged with `SELECT TRANSFORM(...) USING 'edxc-map ...'` and written to warehouse files.
//!
//! One row per line, fields separated by TAB, NULL written as `\N`. Inside a field the bytes that would break the
//! framing are escaped as Hive's LazySimpleSerDe escapes them with `ESCAPED BY '\\'` (`escape.delim`) and
//! `serialization.escape.crlf` = `true` (the warehouse DDL and the TRANSFORM SerDe of the Hive bundle): a backslash
//! followed by the byte itself for backslash and TAB (`\\`, `\` + TAB), `\n` for LF, `\r` for CR. So a file edxc
//! writes is read by Hive and Spark SQL as the same strings, and what they write reads back here unchanged.
//!
//! Reading follows Hive: a backslash followed by any character is that character (Hive also escapes its nested
//! separators `\x02`..`\x08` this way), except `\n` and `\r` (LF, CR), and `\t`, read as TAB: edxc wrote a TAB that
//! way before it wrote Hive's form, and since neither Hive nor edxc escapes a plain `t` the sequence can only come
//! from such a file (Hive itself would read it as `t`). A trailing lone backslash is kept, as Hive keeps it. Only a
//! field whose raw text is exactly `\N` is NULL; `\\N` is the two-character string `\N`.

use std::io::Write;

/// The raw text of a NULL field.
pub const NULL: &str = "\\N";

/// Appends `value` to `out`, escaping backslash, TAB, LF and CR as Hive does (the mapper's escaping, so both sides
/// agree).
pub fn escape(value: &str, out: &mut String) {
    crate::events::hive_escape(value, out);
}

/// Reverses [`escape`] on one raw field (which must not contain an unescaped field separator).
pub fn unescape(raw: &str) -> String {
    if !raw.contains('\\') {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            // edxc's former escape of TAB (see the module documentation).
            Some('t') => out.push('\t'),
            Some(other) => out.push(other),
            None => out.push('\\'),
        }
    }
    out
}

/// Splits one line (without its line terminator) into fields; `\N` fields become `None`.
pub fn split_line(line: &str) -> Vec<Option<String>> {
    let mut fields = Vec::new();
    split_raw(line, &mut fields);
    fields.into_iter().map(|raw| field(raw).map(std::borrow::Cow::into_owned)).collect()
}

/// The raw (still escaped) fields of one line, into `out` (cleared first): no allocation per field.
pub fn split_raw<'a>(line: &'a str, out: &mut Vec<&'a str>) {
    out.clear();
    let mut start = 0;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2, // the escaped character never separates (an escaped char may be multi-byte, see below)
            b'\t' => {
                out.push(&line[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    // `i += 2` may step into the middle of a multi-byte character; that is harmless because continuation bytes are
    // never TAB or backslash, but the final slice must end at the line end.
    out.push(&line[start.min(line.len())..]);
}

/// One raw field's value: `None` for `\N`, borrowed unless it holds an escape.
pub fn field(raw: &str) -> Option<std::borrow::Cow<'_, str>> {
    if raw == NULL {
        None
    } else if raw.contains('\\') {
        Some(std::borrow::Cow::Owned(unescape(raw)))
    } else {
        Some(std::borrow::Cow::Borrowed(raw))
    }
}

/// Renders one row (fields escaped, NULL as `\N`) without the line terminator.
pub fn format_row(row: &[Option<String>]) -> String {
    let mut line = String::new();
    for (i, field) in row.iter().enumerate() {
        if i > 0 {
            line.push('\t');
        }
        match field {
            Some(v) => escape(v, &mut line),
            None => line.push_str(NULL),
        }
    }
    line
}

/// Writes one row followed by `\n`.
pub fn write_row(row: &[Option<String>], w: &mut impl Write) -> std::io::Result<()> {
    let mut line = format_row(row);
    line.push('\n');
    w.write_all(line.as_bytes())
}
