//! `course_catalog` and `program_course`: the discovery API `course_runs` snapshot mapped like the original's
//! `CourseDataTask` (CourseRecord) and `ProgramCourseDataTask` (the course_program_metadata columns of
//! ProgramCourseRecord).
//!
//! Input: JSON objects, one per line as the puller writes them; pretty-printed or concatenated objects are accepted
//! too (any JSON whitespace between values). Duplicate keys: the last wins (as Python's `json.loads`).
//!
//! Field rules. Where the original raises (failing the task), the value is skipped and counted instead: the course
//! run (course_catalog) or the program entry (program_course; every program of a course run whose `key` or
//! `programs` is unusable counts once, as that course run):
//! * a value that is not valid JSON → `bad_json`; reading resumes at the next line that starts with `{` (the
//!   original reads one object per line);
//! * a JSON value that is not an object → `not_an_object`;
//! * required strings (`key`, `course`; per program `uuid`, `type`): missing or null → `missing_field`,
//!   non-string → `bad_field_type`;
//! * optional strings: missing/null → NULL, non-string → `bad_field_type`;
//! * strings longer than their declared length are truncated to it (the original's records have no `truncate`
//!   flag and would fail instead); `catalog_course_title` / `program_title` are truncated, then runs of
//!   `[ \t\n\r\f\v]` collapse to one space (record `normalize_whitespace`);
//! * datetimes: DateTimeField digit-run parsing (`2016-09-01T00:00:00Z` → `2016-09-01 00:00:00.000000`),
//!   missing/null → NULL, unparseable / explicit offset / before 1900 / non-string → `bad_timestamp`;
//! * integers: JSON integers fitting 64 bits, missing/null → NULL, anything else → `bad_field_type`;
//! * `org_id` = org of the parsed course key (opaque-keys rules, ccx namespace registered since the launcher has
//!   edx-ccx-keys installed), NULL if the key does not parse;
//! * `programs` missing or null → no program rows; not an array, or an element not an object → `bad_field_type`.

use super::pyfmt::{datetime_field, normalize_whitespace, truncate_chars};
use super::{Row, Skips, BAD_FIELD_TYPE, BAD_JSON, BAD_TIMESTAMP, MISSING_FIELD, NOT_AN_OBJECT};
use crate::events::course_id::org_id;
use serde_json::{Map, Value};

type Obj = Map<String, Value>;

/// The JSON objects of `input`. A value that is not valid JSON is counted (`bad_json`) and reading resumes at the
/// next line starting with `{`; a value that is not an object is counted (`not_an_object`).
fn objects(input: &str, skips: &mut Skips) -> Vec<Obj> {
    let text = input.strip_prefix('\u{feff}').unwrap_or(input);
    let mut out = Vec::new();
    let mut pos = 0usize;
    'segments: while pos < text.len() {
        let rest = &text[pos..];
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        let mut consumed = 0usize;
        loop {
            match stream.next() {
                None => break 'segments,
                Some(Ok(Value::Object(obj))) => out.push(obj),
                Some(Ok(_)) => skips.add(NOT_AN_OBJECT, 1),
                Some(Err(_)) => {
                    skips.add(BAD_JSON, 1);
                    // The bad value starts after the whitespace that follows the last good one.
                    let after = &rest[consumed..];
                    let start = consumed + (after.len() - after.trim_start_matches([' ', '\t', '\n', '\r']).len());
                    match memchr::memmem::find(&rest.as_bytes()[start..], b"\n{") {
                        Some(i) => {
                            pos += start + i + 1;
                            continue 'segments;
                        }
                        None => break 'segments,
                    }
                }
            }
            consumed = stream.byte_offset();
        }
    }
    out
}

/// Why a value was skipped: one of the skip reasons of [`super::SKIP_REASONS`].
type Skip = &'static str;

struct Ctx<'a> {
    obj: &'a Obj,
}

impl Ctx<'_> {
    fn opt_str(&self, field: &str, max: usize) -> Result<Option<String>, Skip> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(truncate_chars(s, max))),
            Some(_) => Err(BAD_FIELD_TYPE),
        }
    }

    fn req_str(&self, field: &str, max: usize) -> Result<String, Skip> {
        self.opt_str(field, max)?.ok_or(MISSING_FIELD)
    }

    fn title(&self, field: &str) -> Result<Option<String>, Skip> {
        Ok(self.opt_str(field, 255)?.map(|t| normalize_whitespace(&t)))
    }

    fn datetime(&self, field: &str) -> Result<Option<String>, Skip> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => datetime_field(s).map(Some).map_err(|_| BAD_TIMESTAMP),
            Some(_) => Err(BAD_TIMESTAMP),
        }
    }

    fn int(&self, field: &str) -> Result<Option<String>, Skip> {
        match self.obj.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) if n.is_i64() => Ok(n.as_i64().map(|i| i.to_string())),
            Some(_) => Err(BAD_FIELD_TYPE),
        }
    }
}

/// One CourseRecord row.
fn course_row(obj: &Obj) -> Result<Row, Skip> {
    let c = Ctx { obj };
    let key = c.req_str("key", 255)?;
    let org = org_id(&key, true).map(|o| truncate_chars(&o, 255));
    Ok(vec![
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
    ])
}

/// `course_catalog`: one CourseRecord row per usable course run.
pub fn course_catalog(input: &str, skips: &mut Skips) -> Vec<Row> {
    let mut rows = Vec::new();
    for obj in objects(input, skips) {
        match course_row(&obj) {
            Ok(row) => rows.push(row),
            Err(reason) => skips.add(reason, 1),
        }
    }
    rows
}

/// One program row of a course run whose key is `key`.
fn program_row(key: &str, program: &Value) -> Result<Row, Skip> {
    let Value::Object(obj) = program else {
        return Err(BAD_FIELD_TYPE);
    };
    let pc = Ctx { obj };
    Ok(vec![Some(key.to_string()), Some(pc.req_str("uuid", 36)?), Some(pc.req_str("type", 32)?), pc.title("title")?])
}

/// `program_course`: `(course_id, program_id, program_type, program_title)` per usable program of each course run.
pub fn program_course(input: &str, skips: &mut Skips) -> Vec<Row> {
    let mut rows = Vec::new();
    for obj in objects(input, skips) {
        let programs = match obj.get("programs") {
            None | Some(Value::Null) => continue,
            Some(Value::Array(a)) => a,
            Some(_) => {
                skips.add(BAD_FIELD_TYPE, 1);
                continue;
            }
        };
        if programs.is_empty() {
            continue;
        }
        let key = match (Ctx { obj: &obj }).req_str("key", 255) {
            Ok(key) => key,
            Err(reason) => {
                skips.add(reason, 1);
                continue;
            }
        };
        for p in programs {
            match program_row(&key, p) {
                Ok(row) => rows.push(row),
                Err(reason) => skips.add(reason, 1),
            }
        }
    }
    rows
}
