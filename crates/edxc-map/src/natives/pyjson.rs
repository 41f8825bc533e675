//! JSON text as Python 2's `json.dumps` writes it (default settings): `", "` and `": "` separators and
//! `ensure_ascii`, so every character outside printable ASCII is a lowercase `\uXXXX` escape (a surrogate pair
//! beyond the BMP). Used for the synthetic events of enrollment validation (docs/contract.md §3.15), which are
//! tracking-log lines again. Objects keep the order they are written in.

use crate::events::json::PyVal;

/// A JSON value to write.
#[derive(Debug, Clone, PartialEq)]
pub enum Json<'a> {
    Null,
    Bool(bool),
    Str(&'a str),
    /// JSON text written as it is (a value that came from JSON, e.g. a learner's `user_id`).
    Raw(&'a str),
    Object(Vec<(&'a str, Json<'a>)>),
}

impl<'a> Json<'a> {
    /// A string, or `null` for `None`.
    pub fn opt(s: Option<&'a str>) -> Self {
        s.map_or(Json::Null, Json::Str)
    }
}

/// Appends `v` to `out`.
pub fn write(v: &Json<'_>, out: &mut String) {
    match v {
        Json::Null => out.push_str("null"),
        Json::Bool(true) => out.push_str("true"),
        Json::Bool(false) => out.push_str("false"),
        Json::Str(s) => write_str(s, out),
        Json::Raw(t) => out.push_str(t),
        Json::Object(members) => {
            out.push('{');
            for (i, (k, v)) in members.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str(k, out);
                out.push_str(": ");
                write(v, out);
            }
            out.push('}');
        }
    }
}

/// `v` as one line of JSON text.
pub fn to_string(v: &Json<'_>) -> String {
    let mut out = String::new();
    write(v, &mut out);
    out
}

/// A JSON string literal, escaped as `json.dumps` does with `ensure_ascii`.
pub fn write_str(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
}

/// The JSON text `json.dumps` gives for a value decoded from a tracking-log line: strings re-escaped, numbers and
/// booleans as Python writes them, lists and objects as their (already valid) JSON text.
pub fn of_value(v: &PyVal<'_>) -> String {
    match v {
        PyVal::Null => "null".into(),
        PyVal::Bool(b) => b.to_string(),
        PyVal::Int(i) => i.to_string(),
        PyVal::UInt(u) => u.to_string(),
        PyVal::Float(f) => float_repr(*f),
        PyVal::Str(s) => {
            let mut out = String::new();
            write_str(s, &mut out);
            out
        }
        PyVal::List(t) | PyVal::Dict(t) => (*t).to_string(),
    }
}

/// Python's `repr(float)` closely enough for a JSON number: the shortest round-trip digits, `.0` on integral values.
fn float_repr(f: f64) -> String {
    if !f.is_finite() {
        // Not reachable from JSON input (NaN and Infinity are not JSON); json.dumps would write these names.
        return if f.is_nan() {
            "NaN".into()
        } else if f > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    format!("{f:?}")
}

/// Python 2 `str()` of a value given as its JSON text (as [`of_value`] writes it): a string's characters, `True` /
/// `False`, `None`, numbers and containers as written.
pub fn py_str_of_json(text: &str) -> String {
    match crate::events::json::value(text) {
        PyVal::Str(s) => s.into_owned(),
        PyVal::Bool(true) => "True".into(),
        PyVal::Bool(false) => "False".into(),
        PyVal::Null if text == "null" => "None".into(),
        _ => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_as_python_json_dumps() {
        let v = Json::Object(vec![
            ("a", Json::Str("x\"y\\z\n\u{1}é😀\u{7f}")),
            ("b", Json::Null),
            ("c", Json::Bool(false)),
            ("d", Json::Raw("12")),
            ("e", Json::Object(vec![])),
        ]);
        assert_eq!(
            to_string(&v),
            r#"{"a": "x\"y\\z\n\u0001\u00e9\ud83d\ude00\u007f", "b": null, "c": false, "d": 12, "e": {}}"#
        );
    }

    #[test]
    fn values_from_events() {
        use crate::events::json::value;
        assert_eq!(of_value(&value("1")), "1");
        assert_eq!(of_value(&value("\"1\"")), "\"1\"");
        assert_eq!(of_value(&value("1.5")), "1.5");
        assert_eq!(of_value(&value("2.0")), "2.0");
        assert_eq!(of_value(&value("true")), "true");
        assert_eq!(of_value(&value("\"\\u00e9\"")), "\"\\u00e9\"");
        assert_eq!(py_str_of_json("\"\\u00e9\""), "é");
        assert_eq!(py_str_of_json("12"), "12");
        assert_eq!(py_str_of_json("true"), "True");
        assert_eq!(py_str_of_json("null"), "None");
    }
}
