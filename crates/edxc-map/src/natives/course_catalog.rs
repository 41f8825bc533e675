//! `course_catalog` and `program_course`: the discovery API `course_runs` snapshot mapped like the original's
//! `CourseDataTask` (CourseRecord) and `ProgramCourseDataTask` (the course_program_metadata columns of
//! ProgramCourseRecord).
//!
//! Input: JSON objects, one per line as the puller writes them; pretty-printed or concatenated objects are accepted
//! too (any JSON whitespace between values). Duplicate keys: the last wins (as Python's `json.loads`). A value
//! that is not valid JSON or not an object is an error naming its line.
//!
//! Field rules (the original raises — failing the task — where this module returns an error):
//! * required strings (`key`, `course`; per program `uuid`, `type`): missing, null or non-string → error;
//! * optional strings: missing/null → NULL, non-string → error;
//! * strings longer than their declared length are truncated to it (the original's records have no `truncate`
//!   flag and would fail instead); `catalog_course_title` / `program_title` are truncated, then runs of
//!   `[ \t\n\r\f\v]` collapse to one space (record `normalize_whitespace`);
//! * datetimes: DateTimeField digit-run parsing (`2016-09-01T00:00:00Z` → `2016-09-01 00:00:00.000000`),
//!   missing/null → NULL, unparseable / explicit offset / before 1900 / non-string → error;
//! * integers: JSON integers fitting 64 bits, missing/null → NULL, anything else → error;
//! * `org_id` = org of the parsed course key (opaque-keys rules, ccx namespace registered since the launcher has
//!   edx-ccx-keys installed), NULL if the key does not parse;
//! * `programs` missing or null → no program rows; not an array, or an element not an object → error.

use super::pyfmt::{datetime_field, normalize_whitespace, truncate_chars};
use super::Row;
use crate::events::course_id::org_id;
use anyhow::{anyhow, bail, Result};
use serde_json::{Map, Value};

type Obj = Map<String, Value>;

/// Iterates the JSON objects of `input` with the 1-based line number each starts on.
fn objects(input: &str) -> Result<Vec<(usize, Obj)>> {
    let text = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut stream = serde_json::Deserializer::from_str(text).into_iter::<Value>();
    let mut out = Vec::new();
    let mut pos = 0usize;
    let mut line = 1usize;
    loop {
        let rest = &text[pos..];
        let skipped = rest.len() - rest.trim_start_matches([' ', '\t', '\n', '\r']).len();
        let start = pos + skipped;
        line += text[pos..start].bytes().filter(|&b| b == b'\n').count();
        match stream.next() {
            None => break,
            Some(Err(e)) => bail!("course_runs input line {}: invalid JSON: {e}", e.line()),
            Some(Ok(Value::Object(obj))) => out.push((line, obj)),
            Some(Ok(other)) => bail!("course_runs input line {line}: expected a JSON object, found {}", kind(&other)),
        }
        let end = stream.byte_offset();
        line += text[start..end].bytes().filter(|&b| b == b'\n').count();
        pos = end;
    }
    Ok(out)
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

struct Ctx<'a> {
    line: usize,
    obj: &'a Obj,
    what: &'a str,
}

impl Ctx<'_> {
    fn err(&self, field: &str, msg: String) -> anyhow::Error {
        anyhow!("course_runs input line {}: {}{field}: {msg}", self.line, self.what)
    }

    fn opt_str(&self, field: &str, max: usize) -> Result<Option<String>> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(truncate_chars(s, max))),
            Some(other) => Err(self.err(field, format!("expected a string, found {}", kind(other)))),
        }
    }

    fn req_str(&self, field: &str, max: usize) -> Result<String> {
        self.opt_str(field, max)?.ok_or_else(|| self.err(field, "missing or null".to_string()))
    }

    fn title(&self, field: &str) -> Result<Option<String>> {
        Ok(self.opt_str(field, 255)?.map(|t| normalize_whitespace(&t)))
    }

    fn datetime(&self, field: &str) -> Result<Option<String>> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => datetime_field(s).map(Some).map_err(|e| self.err(field, e)),
            Some(other) => Err(self.err(field, format!("expected a datetime string, found {}", kind(other)))),
        }
    }

    fn int(&self, field: &str) -> Result<Option<String>> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64().map(|i| i.to_string())),
            Some(other) => Err(self.err(field, format!("expected an integer, found {other}"))),
        }
    }
}

/// `course_catalog`: one CourseRecord row per course run.
pub fn course_catalog(input: &str) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (line, obj) in objects(input)? {
        let c = Ctx { line, obj: &obj, what: "" };
        let key = c.req_str("key", 255)?;
        let org = org_id(&key, true).map(|o| truncate_chars(&o, 255));
        rows.push(vec![
            Some(key),
            Some(c.req_str("course", 255)?),
            c.title("title")?,
            c.datetime("start")?,
            c.datetime("end")?,
            c.datetime("enrollment_start")?,
            c.datetime("enrollment_end")?,
            c.opt_str("content_language", 50)?,
            c.opt_str("pacing_type", 255)?,
            c.opt_str("level_type", 255)?,
            c.opt_str("availability", 255)?,
            org,
            c.opt_str("partner_short_code", 8)?,
            c.opt_str("marketing_url", 1024)?,
            c.int("min_effort")?,
            c.int("max_effort")?,
            c.int("weeks_to_complete")?,
            c.datetime("announcement")?,
            c.opt_str("reporting_type", 20)?,
        ]);
    }
    Ok(rows)
}

/// `program_course`: `(course_id, program_id, program_type, program_title)` per program of each course run.
pub fn program_course(input: &str) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    for (line, obj) in objects(input)? {
        let c = Ctx { line, obj: &obj, what: "" };
        let programs = match obj.get("programs") {
            None | Some(Value::Null) => continue,
            Some(Value::Array(a)) => a,
            Some(other) => return Err(c.err("programs", format!("expected an array, found {}", kind(other)))),
        };
        if programs.is_empty() {
            continue;
        }
        let key = c.req_str("key", 255)?;
        for (i, p) in programs.iter().enumerate() {
            let what = format!("programs[{i}].");
            let Value::Object(pobj) = p else {
                bail!("course_runs input line {line}: programs[{i}]: expected an object, found {}", kind(p));
            };
            let pc = Ctx { line, obj: pobj, what: &what };
            rows.push(vec![
                Some(key.clone()),
                Some(pc.req_str("uuid", 36)?),
                Some(pc.req_str("type", 32)?),
                pc.title("title")?,
            ]);
        }
    }
    Ok(rows)
}
