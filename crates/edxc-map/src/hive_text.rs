//! Hive text rows as exchanged with `SELECT TRANSFORM(...) USING 'edxc-map ...'` and written to warehouse files.
//!
//! One row per line, fields separated by TAB, NULL written as `\N`. Inside a field the characters that would
//! break the framing are escaped with a backslash: `\\` (backslash), `\t` (TAB), `\n` (LF), `\r` (CR).
//!
//! Reading is lenient: a backslash followed by anything else is kept verbatim (both characters), a backslash
//! followed by a literal TAB is an escaped TAB (it does not split the field), a trailing lone backslash is kept.
//! Only a field whose raw text is exactly `\N` is NULL; `\\N` is the two-character string `\N`.

use std::io::Write;

/// The raw text of a NULL field.
pub const NULL: &str = "\\N";

/// Appends `value` to `out`, escaping backslash, TAB, LF and CR (the mapper's escaping, so both sides agree).
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
            Some('\\') => out.push('\\'),
            Some('t') | Some('\t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    out
}

/// Splits one line (without its line terminator) into fields; `\N` fields become `None`.
pub fn split_line(line: &str) -> Vec<Option<String>> {
    let mut fields = Vec::new();
    let mut start = 0;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2, // the escaped character never separates (an escaped char may be multi-byte, see below)
            b'\t' => {
                fields.push(&line[start..i]);
                i += 1;
                start = i;
            }
            _ => i += 1,
        }
    }
    // `i += 2` may step into the middle of a multi-byte character; that is harmless because continuation bytes are
    // never TAB or backslash, but the final slice must end at the line end.
    fields.push(&line[start..]);
    fields.into_iter().map(|raw| if raw == NULL { None } else { Some(unescape(raw)) }).collect()
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
