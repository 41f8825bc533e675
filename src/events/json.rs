//! Lenient, borrowed JSON access used by the tracking-log parser.
//!
//! A JSON object is decoded into a flat list of `(key, raw value)` pairs ([`RawObj`]): serde_json
//! validates the whole text once, values stay as borrowed slices of the input (`&RawValue`) and
//! are interpreted only when an extractor asks for them ([`PyVal`]). Duplicate keys resolve like
//! a Python `dict` built from the text: the last occurrence wins.

use serde::de::{self, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// A decoded JSON object: keys (unescaped) with their raw, still-encoded values.
#[derive(Debug, Default, Clone)]
pub struct RawObj<'a> {
    pub entries: Vec<(Cow<'a, str>, &'a RawValue)>,
}

impl<'a> RawObj<'a> {
    /// The raw value of `key` (last occurrence wins, as in a Python dict).
    pub fn get_raw(&self, key: &str) -> Option<&'a RawValue> {
        self.entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// The interpreted value of `key`; `None` when the key is absent.
    pub fn get(&self, key: &str) -> Option<PyVal<'a>> {
        self.get_raw(key).map(value)
    }

    /// `key` as a string; `None` when absent or not a string.
    pub fn get_str(&self, key: &str) -> Option<Cow<'a, str>> {
        match self.get(key) {
            Some(PyVal::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// `key` as a nested object; `None` when absent or not an object.
    pub fn get_obj(&self, key: &str) -> Option<RawObj<'a>> {
        let raw = self.get_raw(key)?;
        parse_object(raw.get())
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Result of decoding a whole line.
pub enum Top<'a> {
    Object(RawObj<'a>),
    /// Valid JSON, but not an object (list, string, number, ...).
    NotObject,
}

struct KeyStr<'a>(Cow<'a, str>);

impl<'de> de::Deserialize<'de> for KeyStr<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = KeyStr<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
                Ok(KeyStr(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(KeyStr(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(KeyStr(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

struct TopVisitor;

impl<'de> Visitor<'de> for TopVisitor {
    type Value = Top<'de>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut entries = Vec::with_capacity(16);
        while let Some(k) = map.next_key::<KeyStr<'de>>()? {
            let v: &'de RawValue = map.next_value()?;
            entries.push((k.0, v));
        }
        Ok(Top::Object(RawObj { entries }))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Top::NotObject)
    }
    fn visit_bool<E>(self, _: bool) -> Result<Self::Value, E> {
        Ok(Top::NotObject)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Self::Value, E> {
        Ok(Top::NotObject)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Self::Value, E> {
        Ok(Top::NotObject)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Self::Value, E> {
        Ok(Top::NotObject)
    }
    fn visit_str<E>(self, _: &str) -> Result<Self::Value, E> {
        Ok(Top::NotObject)
    }
    fn visit_unit<E>(self) -> Result<Self::Value, E> {
        Ok(Top::NotObject)
    }
}

/// Decodes a complete JSON text. `Err(())` when it is not valid JSON (including trailing data).
#[allow(clippy::result_unit_err)]
pub fn parse_top(text: &str) -> Result<Top<'_>, ()> {
    let mut de = serde_json::Deserializer::from_str(text);
    let top = de.deserialize_any(TopVisitor).map_err(|_| ())?;
    de.end().map_err(|_| ())?;
    Ok(top)
}

/// Decodes `text` as a JSON object; `None` if invalid JSON or not an object.
pub fn parse_object(text: &str) -> Option<RawObj<'_>> {
    match parse_top(text) {
        Ok(Top::Object(o)) => Some(o),
        _ => None,
    }
}

/// A JSON value seen through Python eyes (what python-cjson would have produced).
#[derive(Debug, Clone, PartialEq)]
pub enum PyVal<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Cow<'a, str>),
    /// Raw JSON text of a list.
    List(&'a str),
    /// Raw JSON text of an object.
    Dict(&'a str),
}

/// Interprets one raw JSON value.
pub fn value(raw: &RawValue) -> PyVal<'_> {
    let text = raw.get();
    match text.as_bytes().first() {
        Some(b'"') => {
            // Already validated by serde_json: without escapes the content is the text between
            // the quotes.
            if text.len() >= 2 && memchr::memchr(b'\\', text.as_bytes()).is_none() {
                return PyVal::Str(Cow::Borrowed(&text[1..text.len() - 1]));
            }
            match serde_json::from_str::<KeyStr<'_>>(text) {
                Ok(k) => PyVal::Str(k.0),
                Err(_) => PyVal::Null,
            }
        }
        Some(b'{') => PyVal::Dict(text),
        Some(b'[') => PyVal::List(text),
        Some(b't') => PyVal::Bool(true),
        Some(b'f') => PyVal::Bool(false),
        Some(b'n') | None => PyVal::Null,
        Some(_) => {
            if let Ok(i) = text.parse::<i64>() {
                PyVal::Int(i)
            } else if let Ok(u) = text.parse::<u64>() {
                PyVal::UInt(u)
            } else if let Ok(f) = text.parse::<f64>() {
                PyVal::Float(f)
            } else {
                PyVal::Null
            }
        }
    }
}

impl<'a> PyVal<'a> {
    /// Python truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            PyVal::Null => false,
            PyVal::Bool(b) => *b,
            PyVal::Int(i) => *i != 0,
            PyVal::UInt(u) => *u != 0,
            PyVal::Float(f) => *f != 0.0,
            PyVal::Str(s) => !s.is_empty(),
            PyVal::List(t) | PyVal::Dict(t) => !is_empty_container(t),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            PyVal::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, PyVal::Null)
    }

    /// Python 2 `str(value)` for scalars (containers render as their JSON text).
    pub fn py_str(&self) -> Cow<'a, str> {
        match self {
            PyVal::Null => Cow::Borrowed("None"),
            PyVal::Bool(true) => Cow::Borrowed("True"),
            PyVal::Bool(false) => Cow::Borrowed("False"),
            PyVal::Int(i) => Cow::Owned(i.to_string()),
            PyVal::UInt(u) => Cow::Owned(u.to_string()),
            PyVal::Float(f) => Cow::Owned(py2_float_str(*f)),
            PyVal::Str(s) => s.clone(),
            PyVal::List(t) | PyVal::Dict(t) => Cow::Borrowed(t),
        }
    }

    /// Python `float(value)`: numbers, bools and numeric strings; `None` on error.
    pub fn py_float(&self) -> Option<f64> {
        match self {
            PyVal::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            PyVal::Int(i) => Some(*i as f64),
            PyVal::UInt(u) => Some(*u as f64),
            PyVal::Float(f) => Some(*f),
            PyVal::Str(s) => parse_py_float(s),
            _ => None,
        }
    }

    /// Python `int(value)`: ints, bools, floats (truncated), integer strings; `None` on error.
    pub fn py_int(&self) -> Option<i64> {
        match self {
            PyVal::Bool(b) => Some(i64::from(*b)),
            PyVal::Int(i) => Some(*i),
            PyVal::UInt(u) => i64::try_from(*u).ok(),
            PyVal::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Some(f.trunc() as i64),
            PyVal::Str(s) => {
                let t = s.trim();
                let t = t.strip_prefix('+').unwrap_or(t);
                if t.is_empty() || t.starts_with('+') {
                    return None;
                }
                let digits = t.strip_prefix('-').unwrap_or(t);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                t.parse::<i64>().ok()
            }
            _ => None,
        }
    }
}

fn is_empty_container(text: &str) -> bool {
    let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
    inner.trim().is_empty()
}

/// Python `float(str)`: surrounding whitespace allowed, `nan`/`inf`/`infinity` accepted.
pub fn parse_py_float(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if body.len() + 1 < lower.len() {
        return None;
    }
    match body {
        "nan" => return Some(f64::NAN),
        "inf" | "infinity" => return Some(if lower.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY }),
        _ => {}
    }
    if !body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-')) {
        return None;
    }
    t.parse::<f64>().ok()
}

/// Python 2 `str(float)`: 12 significant digits, `%g` style, with `.0` kept for integral values.
pub fn py2_float_str(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    // %.12g
    let sci = format!("{:.11e}", f); // d.ddddddddddde±x
    let (mant, exp) = match sci.split_once('e') {
        Some(p) => p,
        None => return sci,
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..12).contains(&exp) {
        let mant = trim_frac(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{}e{}{:02}", mant, sign, exp.abs());
    }
    let decimals = (11 - exp).max(0) as usize;
    let fixed = format!("{:.*}", decimals, f);
    let t = trim_frac(&fixed);
    if t.contains('.') {
        t
    } else {
        format!("{}.0", t)
    }
}

fn trim_frac(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn last_duplicate_key_wins() {
        let o = parse_object(r#"{"a": 1, "a": "x"}"#).unwrap();
        assert_eq!(o.get_str("a").as_deref(), Some("x"));
    }

    #[test]
    fn top_level_non_object() {
        assert!(matches!(parse_top("[1,2]"), Ok(Top::NotObject)));
        assert!(parse_top("{\"a\":1} x").is_err());
        assert!(parse_top("{\"a\":1}{\"b\":2}").is_err());
    }

    #[test]
    fn py2_floats() {
        assert_eq!(py2_float_str(0.44999999999999996), "0.45");
        assert_eq!(py2_float_str(2.0), "2.0");
        assert_eq!(py2_float_str(1e16), "1e+16");
        assert_eq!(py2_float_str(123.5), "123.5");
        assert_eq!(py2_float_str(0.0001), "0.0001");
        assert_eq!(py2_float_str(0.00001), "1e-05");
    }

    #[test]
    fn truthiness_and_ints() {
        let o = parse_object(r#"{"a": 0, "b": "", "c": {}, "d": [ ], "e": "7", "f": 3.9}"#).unwrap();
        for k in ["a", "b", "c", "d"] {
            assert!(!o.get(k).unwrap().truthy(), "{k}");
        }
        assert_eq!(o.get("e").unwrap().py_int(), Some(7));
        assert_eq!(o.get("f").unwrap().py_int(), Some(3));
    }
}
