//! Python 2 views of decoded JSON values, for reducers that re-create what the original did with `json.loads`
//! results: `unicode(v)` (how a report cell is written), `repr(v)`, truthiness, `==` (where `1 == 1.0 == True`),
//! `unicode.strip()` / `unicode.split()` whitespace, `float(unicode)`, and a canonical `json.dumps`.
//!
//! One deliberate difference: Python 2 iterates a dict in hash order, which cannot be reproduced; dicts are
//! rendered here in key order. It only shows where a whole dict is written as text (`unicode({...})`).

use serde_json::Value;

/// Python 2 `unicode` whitespace (`_PyUnicode_IsWhitespace`): what `strip()` removes and `split()` splits on.
pub fn is_py_space(c: char) -> bool {
    matches!(
        c,
        '\t'..='\r'
            | '\u{1c}'..='\u{20}'
            | '\u{85}'
            | '\u{a0}'
            | '\u{1680}'
            | '\u{180e}'
            | '\u{2000}'..='\u{200a}'
            | '\u{2028}'
            | '\u{2029}'
            | '\u{202f}'
            | '\u{205f}'
            | '\u{3000}'
    )
}

/// `unicode.strip()`.
pub fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// `unicode.split()` (no argument): the non-empty runs between whitespace.
pub fn py_split(s: &str) -> impl Iterator<Item = &str> {
    s.split(is_py_space).filter(|w| !w.is_empty())
}

/// Python truthiness of a JSON value.
pub fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// A number as Python sees it: bools are the integers 0 and 1.
fn number(v: &Value) -> Option<f64> {
    match v {
        Value::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
        Value::Number(n) => n.as_f64(),
        _ => None,
    }
}

/// Python `a == b` on decoded JSON: numbers (and bools) by value, containers element by element.
pub fn py_eq(a: &Value, b: &Value) -> bool {
    if let (Some(x), Some(y)) = (number(a), number(b)) {
        // Integers beyond 2^53 compare exactly, as Python's longs do.
        return match (a.as_i64(), b.as_i64(), a.as_u64(), b.as_u64()) {
            (Some(i), Some(j), _, _) => i == j,
            (_, _, Some(i), Some(j)) => i == j,
            _ => x == y,
        };
    }
    match (a, b) {
        (Value::Null, Value::Null) => true,
        (Value::String(x), Value::String(y)) => x == y,
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| py_eq(p, q)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| py_eq(v, w)))
        }
        _ => false,
    }
}

/// Python 2 `unicode(v)`: strings as they are, `None`, `True`/`False`, integers in decimal, floats with 12
/// significant digits (`str(float)`), containers as their `repr`.
pub fn py_unicode(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => u.to_string(),
            (_, _, Some(f)) => crate::events::json::py2_float_str(f),
            _ => n.to_string(),
        },
        other => py_repr(other),
    }
}

/// Python 2 `repr(v)`: `u'...'` strings, `123L` for integers beyond the 64-bit range, shortest round-trip floats.
pub fn py_repr(v: &Value) -> String {
    match v {
        Value::Null => "None".into(),
        Value::Bool(true) => "True".into(),
        Value::Bool(false) => "False".into(),
        Value::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (_, Some(u), _) => format!("{u}L"),
            (_, _, Some(f)) => py_float_repr(f),
            _ => n.to_string(),
        },
        Value::String(s) => unicode_repr(s),
        Value::Array(items) => format!("[{}]", items.iter().map(py_repr).collect::<Vec<_>>().join(", ")),
        Value::Object(map) => {
            let items: Vec<String> = map.iter().map(|(k, v)| format!("{}: {}", unicode_repr(k), py_repr(v))).collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// Python 2.7 `repr(float)`: the shortest digits that round-trip, in exponent form below 1e-4 and from 1e16 on.
pub fn py_float_repr(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    // Rust's `{:e}` gives the shortest round-trip digits: `d.ddde<exp>`.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let (sign, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => ("-", m),
        None => ("", mantissa),
    };
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    if (-4..16).contains(&exp) {
        let point = exp + 1;
        let text = if point <= 0 {
            format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
        } else if point as usize >= digits.len() {
            format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
        } else {
            format!("{}.{}", &digits[..point as usize], &digits[point as usize..])
        };
        format!("{sign}{text}")
    } else {
        let m = if digits.len() > 1 { format!("{}.{}", &digits[..1], &digits[1..]) } else { digits };
        format!("{sign}{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    }
}

/// Python 2 `repr(unicode)` on a wide build.
pub fn unicode_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') { '"' } else { '\'' };
    let mut out = String::with_capacity(s.len() + 3);
    out.push('u');
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || (0x7f..0x100).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if (c as u32) < 0x100 => out.push(c),
            c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push_str(&format!("\\U{:08x}", c as u32)),
        }
    }
    out.push(quote);
    out
}

/// `try_str_to_float`: Python `float(text)` when it is finite, else `None`.
pub fn finite_float(text: &str) -> Option<f64> {
    crate::events::json::parse_py_float(py_strip(text)).filter(|f| f.is_finite())
}

/// Canonical JSON text: keys sorted at every level, `", "` and `": "` separators and non-ASCII escaped as
/// `\uXXXX` (as Python's `json.dumps`), so that the text never depends on how a map iterates.
pub fn canonical_json(v: &Value) -> String {
    let mut out = String::new();
    write_json(v, &mut out);
    out
}

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_str(k, out);
                out.push_str(": ");
                if let Some(v) = map.get(k) {
                    write_json(v, out);
                }
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::String(s) => write_str(s, out),
        other => out.push_str(&other.to_string()),
    }
}

fn write_str(s: &str, out: &mut String) {
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
            c if (c as u32) < 0x20 || (c as u32) > 0x7e => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{:04x}", u));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unicode_and_repr_as_python_2() {
        assert_eq!(py_unicode(&json!("x")), "x");
        assert_eq!(py_unicode(&json!(null)), "None");
        assert_eq!(py_unicode(&json!(true)), "True");
        assert_eq!(py_unicode(&json!(7)), "7");
        assert_eq!(py_unicode(&json!(1.0)), "1.0");
        assert_eq!(py_unicode(&json!(0.1 + 0.2)), "0.3");
        assert_eq!(py_unicode(&json!(["a", 1, 2.5, null, {"k": "é"}])), "[u'a', 1, 2.5, None, {u'k': u'\\xe9'}]");
        assert_eq!(py_repr(&json!(18446744073709551615u64)), "18446744073709551615L");
        assert_eq!(unicode_repr("it's"), "u\"it's\"");
        assert_eq!(unicode_repr("a'\"b\\\n€😀"), "u'a\\'\"b\\\\\\n\\u20ac\\U0001f600'");
    }

    #[test]
    fn float_repr_is_python_27s() {
        for (f, want) in [
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1.5e-5, "1.5e-05"),
            (0.0001, "0.0001"),
            (123456789012345.6, "123456789012345.6"),
            (1e15, "1000000000000000.0"),
            (-2.5, "-2.5"),
            (1.0 / 3.0, "0.3333333333333333"),
        ] {
            assert_eq!(py_float_repr(f), want, "{f}");
        }
    }

    #[test]
    fn equality_truthiness_and_whitespace() {
        assert!(py_eq(&json!(1), &json!(1.0)) && py_eq(&json!(true), &json!(1)));
        assert!(!py_eq(&json!("1"), &json!(1)));
        assert!(py_eq(&json!({"a": [1, "x"]}), &json!({"a": [1.0, "x"]})));
        assert!(!truthy(&json!("")) && !truthy(&json!(0)) && !truthy(&json!([])) && truthy(&json!("0")));
        assert_eq!(py_strip("\u{a0} x \u{3000}"), "x");
        assert_eq!(py_split(" a\u{2003}b\u{1c}c ").collect::<Vec<_>>(), ["a", "b", "c"]);
        assert_eq!(finite_float(" 3.5 "), Some(3.5));
        assert_eq!(finite_float("inf"), None);
        assert_eq!(finite_float("nan"), None);
        assert_eq!(finite_float("1_0"), None);
    }

    #[test]
    fn canonical_json_sorts_keys_and_escapes_like_json_dumps() {
        assert_eq!(canonical_json(&json!({"b": 1, "a": ["é", null]})), "{\"a\": [\"\\u00e9\", null], \"b\": 1}");
        assert_eq!(canonical_json(&json!("😀")), "\"\\ud83d\\ude00\"");
    }
}
