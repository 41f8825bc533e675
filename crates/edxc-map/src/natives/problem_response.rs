//! The two reducers of the problem response reports (docs/contract.md §3.5).
//!
//! * `problem_response_latest` (`LatestProblemResponseDataTask`): per (course, problem, username), the answers of
//!   the latest `problem_check` event, read as the answer distribution reads them ([`generate_answers`]), one
//!   `ProblemResponseRecord` per answer id, with the number of events and the first and last attempt times.
//! * `problem_response_report` (`ProblemResponseReportTask`): each record of the location table as the report's
//!   text: what Python's `unicode()` makes of the record's typed values (`True`, `0.0`, `None`), datetimes through
//!   `report_field_datetime_format`, answer lists joined with `report_field_list_delimiter`.
//!
//! Where the original would crash (failing the whole job) the answer or row is skipped and counted instead: a
//! display name, question or answer that is not text (or a list of text), a `answer_correct_map` that is not an
//! object ([`BAD_ANSWER`]), an attempt time or number that does not read back ([`BAD_TIMESTAMP`], [`BAD_NUMBER`]).

use super::answer_dist::generate_answers;
use super::pyfmt::{datetime_field_from_string, format_datetime_field, normalize_whitespace};
use super::pyvalue::{py_unicode, unicode_repr};
use super::{NumberedRow, Row, Skips, BAD_ANSWER, BAD_JSON, BAD_NUMBER, BAD_TIMESTAMP, NULL_VALUE};
use chrono::format::{Item, StrftimeItems};
use serde_json::Value;

/// `[problem-response] clean_text_regex` when the configuration does not set it.
pub const DEFAULT_CLEAN_TEXT_REGEX: &str = r"(?:<choicehint.*?</choicehint>)|(?:<choicehint.*?\>)";

/// `DelimitedStringField`'s separator in the warehouse.
const LIST_SEPARATOR: char = '\0';

/// `problem_response_latest`, with its `clean_text_regex`.
pub struct LatestResponses {
    clean: Option<regex::Regex>,
}

impl LatestResponses {
    /// `clean_text_regex`: a Python regular expression; empty means the original's default.
    pub fn new(clean_text_regex: &str) -> Result<Self, String> {
        let pattern = if clean_text_regex.is_empty() { DEFAULT_CLEAN_TEXT_REGEX } else { clean_text_regex };
        // Python reads `\<` and `\>` as the characters themselves; the regex crate as word boundaries.
        let pattern = pattern.replace(r"\<", "<").replace(r"\>", ">");
        let clean = regex::Regex::new(&pattern).map_err(|e| format!("clean_text_regex {pattern:?}: {e}"))?;
        Ok(Self { clean: Some(clean) })
    }

    /// `_clean_string` of one text: whitespace runs to one space, then the regex's matches removed.
    fn clean_text(&self, s: &str) -> String {
        let s = normalize_whitespace(s);
        match &self.clean {
            Some(re) => re.replace_all(&s, "").into_owned(),
            None => s,
        }
    }

    /// `_clean_string` of a value: text, or a list of text (joined as `DelimitedStringField` stores it); `None`
    /// for anything else (the original crashes on it).
    fn clean(&self, v: &Value) -> Option<String> {
        match v {
            Value::String(s) => Some(self.clean_text(s)),
            Value::Array(items) => {
                let parts: Option<Vec<String>> = items.iter().map(|i| i.as_str().map(|s| self.clean_text(s))).collect();
                Some(parts?.join(&LIST_SEPARATOR.to_string()))
            }
            _ => None,
        }
    }

    /// Over one (course, problem, username) group: rows `(course_id, problem_id, username, timestamp,
    /// problem_data)` sorted by (timestamp, problem_data). Output rows: the `ProblemResponseRecord` columns.
    pub fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
        let mut usable: Vec<[&str; 5]> = Vec::with_capacity(rows.len());
        for r in rows {
            let cells: Option<Vec<&str>> = r.row.iter().take(5).map(|c| c.as_deref()).collect();
            match cells.as_deref() {
                Some(&[a, b, c, d, e]) => usable.push([a, b, c, d, e]),
                _ => skips.add(NULL_VALUE, 1),
            }
        }
        let (Some(first), Some(last)) = (usable.first(), usable.last()) else { return };
        let [course_id, problem_id, username, _, data] = *last;
        let (Ok(first_at), Ok(last_at)) = (datetime_field_from_string(first[3]), datetime_field_from_string(last[3]))
        else {
            return skips.add(BAD_TIMESTAMP, usable.len() as u64);
        };
        let Ok(Value::Object(event)) = serde_json::from_str::<Value>(data) else { return skips.add(BAD_JSON, 1) };
        let mut answers = Vec::new();
        generate_answers(course_id, &event, "unused", &mut answers, skips);
        for a in answers {
            let (Some(Some(answer_id)), Some(Some(json))) = (a.get(1), a.get(3)) else { continue };
            let Ok(Value::Object(answer)) = serde_json::from_str::<Value>(json) else {
                skips.add(BAD_JSON, 1);
                continue;
            };
            let text = |key: &str| self.clean(answer.get(key).unwrap_or(&Value::String(String::new())));
            let correct = match answer.get("answer_correct_map") {
                Some(Value::Object(m)) => match m.get("correctness").and_then(Value::as_str) {
                    Some("correct") => Some("1"),
                    Some("incorrect") => Some("0"),
                    _ => None,
                },
                // An answer the correct map does not know: its correctness is unknown.
                None | Some(Value::Null) => None,
                Some(_) => {
                    skips.add(BAD_ANSWER, 1);
                    continue;
                }
            };
            let given = answer.get("answer").or_else(|| answer.get("answer_value_id"));
            let (Some(problem), Some(question), Some(given)) = (
                text("problem_display_name"),
                text("question"),
                self.clean(given.unwrap_or(&Value::String(String::new()))),
            ) else {
                skips.add(BAD_ANSWER, 1);
                continue;
            };
            let number = |key: &str| answer.get(key).filter(|v| !v.is_null()).map(py_unicode);
            out.push(vec![
                Some(course_id.to_string()),
                Some(answer_id.clone()),
                Some(problem_id.to_string()),
                Some(problem),
                Some(username.to_string()),
                Some(question),
                number("grade"),
                number("max_grade"),
                correct.map(str::to_string),
                Some(given),
                Some(usable.len().to_string()),
                Some(format_datetime_field(&first_at)),
                Some(format_datetime_field(&last_at)),
                Some(String::new()),
                Some("0".to_string()),
            ]);
        }
    }
}

/// `problem_response_report`, with the report's formats.
pub struct ReportRows {
    /// `report_field_datetime_format`, in chrono's terms (`%f` is Python's six digits).
    datetime_format: Option<String>,
    /// `report_field_list_delimiter`, decoded from its Python literal.
    list_delimiter: Option<String>,
}

impl ReportRows {
    /// `datetime_format`: a strftime format, empty for none; `list_delimiter`: the configuration's raw text (a
    /// Python string literal, read as `ast.literal_eval` reads it), empty for none.
    pub fn new(datetime_format: &str, list_delimiter: &str) -> Result<Self, String> {
        let datetime_format = match datetime_format {
            "" => None,
            f => {
                let chrono_format = python_strftime(f);
                if StrftimeItems::new(&chrono_format).any(|i| matches!(i, Item::Error)) {
                    return Err(format!("report_field_datetime_format {f:?} is not a strftime format"));
                }
                Some(chrono_format)
            }
        };
        let list_delimiter = match list_delimiter.trim() {
            "" => None,
            raw => Some(python_string_literal(raw).ok_or_else(|| {
                format!("report_field_list_delimiter {raw:?} is not a Python string literal (write it quoted: \"|\")")
            })?),
        };
        Ok(Self { datetime_format, list_delimiter })
    }

    /// One location row (the `ProblemResponseRecord` columns) as report text, or `None` (counted) where the
    /// original cannot read it back.
    pub fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
        for r in rows {
            match self.render(&r.row) {
                Ok(row) => out.push(row),
                Err(reason) => skips.add(reason, 1),
            }
        }
    }

    fn render(&self, row: &Row) -> Result<Row, &'static str> {
        let cell = |i: usize| row.get(i).cloned().flatten();
        let none = || "None".to_string();
        let float = |i: usize| match cell(i) {
            None => Ok(none()),
            Some(t) => {
                crate::events::json::parse_py_float(t.trim()).map(crate::events::json::py2_float_str).ok_or(BAD_NUMBER)
            }
        };
        let date = |i: usize| -> Result<String, &'static str> {
            let Some(t) = cell(i) else { return Ok(none()) };
            {
                let dt = datetime_field_from_string(&t).map_err(|_| BAD_TIMESTAMP)?;
                Ok(match &self.datetime_format {
                    Some(f) => dt.and_utc().format(f).to_string(),
                    // `unicode()` of a UTC-aware datetime.
                    None => format!("{}+00:00", python_isoformat(&dt)),
                })
            }
        };
        let correct = match cell(8).as_deref() {
            None => none(),
            Some("1") => "True".into(),
            Some(_) => "False".into(),
        };
        let answer = match cell(9) {
            None => none(),
            Some(t) => {
                let parts: Vec<&str> = t.split(LIST_SEPARATOR).collect();
                match &self.list_delimiter {
                    Some(d) => parts.join(d),
                    None if parts.len() == 1 => format!("({},)", unicode_repr(parts[0])),
                    None => format!("({})", parts.iter().map(|p| unicode_repr(p)).collect::<Vec<_>>().join(", ")),
                }
            }
        };
        let int = |i: usize| match cell(i) {
            None => Ok(none()),
            Some(t) => super::pyfmt::py_int(&t).map(|n| n.to_string()).ok_or(BAD_NUMBER),
        };
        let text = |i: usize| cell(i).unwrap_or_else(none);
        Ok(vec![
            Some(text(0)),
            Some(text(1)),
            Some(text(2)),
            Some(text(3)),
            Some(text(4)),
            Some(text(5)),
            Some(float(6)?),
            Some(float(7)?),
            Some(correct),
            Some(answer),
            Some(int(10)?),
            Some(date(11)?),
            Some(date(12)?),
            Some(text(13)),
            Some(int(14)?),
        ])
    }
}

/// `datetime.isoformat(' ')` of a naive datetime: microseconds only when non-zero.
fn python_isoformat(dt: &chrono::NaiveDateTime) -> String {
    use chrono::Timelike;
    if dt.nanosecond() == 0 {
        dt.format("%Y-%m-%d %H:%M:%S").to_string()
    } else {
        dt.format("%Y-%m-%d %H:%M:%S%.6f").to_string()
    }
}

/// A Python strftime format in chrono's terms: Python's `%f` (six digits of microseconds) is chrono's `%6f`.
fn python_strftime(f: &str) -> String {
    let mut out = String::with_capacity(f.len() + 4);
    let mut chars = f.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            match chars.next() {
                Some('f') => out.push_str("6f"),
                Some(other) => out.push(other),
                None => {}
            }
        }
    }
    out
}

/// `ast.literal_eval` of a Python 2 string literal (optionally `u`/`b`/`r`-prefixed, single or double quotes,
/// the common backslash escapes); `None` for anything else.
fn python_string_literal(raw: &str) -> Option<String> {
    let lower = raw.to_ascii_lowercase();
    let prefix = lower.len() - lower.trim_start_matches(['u', 'b', 'r']).len();
    let is_raw = lower[..prefix].contains('r');
    let body = &raw[prefix..];
    let quote = body.chars().next().filter(|q| *q == '\'' || *q == '"')?;
    let inner = body.strip_prefix(quote)?.strip_suffix(quote)?;
    if is_raw {
        return Some(inner.to_string());
    }
    let mut out = String::new();
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c == quote {
            return None;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            't' => out.push('\t'),
            'r' => out.push('\r'),
            '0' => out.push('\0'),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            'u' => {
                let hex: String = chars.by_ref().take(4).collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            c @ ('\\' | '\'' | '"') => out.push(c),
            other => {
                out.push('\\');
                out.push(other);
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn numbered(rows: Vec<Row>) -> Vec<NumberedRow> {
        rows.into_iter().enumerate().map(|(i, row)| NumberedRow { number: i as u64, row }).collect()
    }

    #[test]
    fn latest_event_answers_with_attempts() {
        let event = |t: &str, answer: &str, correctness: &str| {
            serde_json::json!({
                "answers": {"p_2_1": answer}, "grade": 1, "max_grade": 1, "problem_id": "block-p",
                "submission": {"p_2_1": {"answer": answer, "question": "Q\n  one<choicehint>hint</choicehint>"}},
                "correct_map": {"p_2_1": {"correctness": correctness}},
                "context": {"module": {"display_name": "Multiple  Choice"}}, "timestamp": t, "username": "u",
            })
            .to_string()
        };
        let row = |t: &str, data: String| {
            vec![Some("c".into()), Some("block-p".into()), Some("u".into()), Some(t.into()), Some(data)]
        };
        let rows = numbered(vec![
            row("2016-09-07T04:57:09.500000", event("2016-09-07T04:57:09.500000", "a", "incorrect")),
            row("2016-09-07T04:57:13", event("2016-09-07T04:57:13", "b", "correct")),
        ]);
        let (mut out, mut skips) = (Vec::new(), Skips::default());
        LatestResponses::new("").unwrap().reduce(&rows, &mut out, &mut skips);
        let text: Vec<Option<&str>> = out[0].iter().map(|c| c.as_deref()).collect();
        assert_eq!(
            text,
            [
                Some("c"),
                Some("p_2_1"),
                Some("block-p"),
                Some("Multiple Choice"),
                Some("u"),
                Some("Q one"),
                Some("1"),
                Some("1"),
                Some("1"),
                Some("b"),
                Some("2"),
                Some("2016-09-07 04:57:09.500000"),
                Some("2016-09-07 04:57:13.000000"),
                Some(""),
                Some("0"),
            ]
        );
    }

    #[test]
    fn report_text_as_python_prints_it() {
        let row: Row = [
            "c",
            "a",
            "p",
            "P",
            "u",
            "",
            "0",
            "1.0",
            "0",
            "x\0y",
            "2",
            "2016-09-07 04:57:09.000000",
            "2016-09-07 04:57:13.250000",
            "L",
            "-1",
        ]
        .iter()
        .map(|s| Some(s.to_string()))
        .collect();
        let r = ReportRows::new("%Y-%m-%dT%H:%M:%SZ", "'|'").unwrap().render(&row).unwrap();
        let text: Vec<&str> = r.iter().map(|c| c.as_deref().unwrap()).collect();
        assert_eq!(
            &text[6..],
            ["0.0", "1.0", "False", "x|y", "2", "2016-09-07T04:57:09Z", "2016-09-07T04:57:13Z", "L", "-1"]
        );
        let plain = ReportRows::new("", "").unwrap().render(&row).unwrap();
        assert_eq!(plain[9].as_deref(), Some("(u'x', u'y')"));
        assert_eq!(plain[11].as_deref(), Some("2016-09-07 04:57:09+00:00"));
        assert_eq!(plain[12].as_deref(), Some("2016-09-07 04:57:13.250000+00:00"));
        let mut nulls = row.clone();
        nulls[6] = None;
        nulls[8] = None;
        let r = ReportRows::new("%f", "").unwrap().render(&nulls).unwrap();
        assert_eq!((r[6].as_deref(), r[8].as_deref(), r[11].as_deref()), (Some("None"), Some("None"), Some("000000")));
        assert!(ReportRows::new("", "|").is_err());
        assert_eq!(python_string_literal(r#""\n""#).as_deref(), Some("\n"));
        assert_eq!(python_string_literal("u'; '").as_deref(), Some("; "));
    }

    #[test]
    fn reducer_arguments_survive_the_cluster_command_line() {
        for v in ["", "2014-01-08", "%Y-%m-%dT%H:%M:%SZ", "\"|\"", "(?:<choicehint.*?\\>)", "it's ü"] {
            let encoded = crate::natives::percent_encode(v);
            assert!(encoded.chars().all(|c| c.is_ascii_alphanumeric() || "_.:+,/-%".contains(c)), "{encoded}");
            assert_eq!(crate::natives::percent_decode(&encoded).as_deref(), Some(v));
        }
        assert_eq!(crate::natives::percent_encode("2014-01-08"), "2014-01-08");
        assert_eq!(crate::natives::percent_decode("%4"), None);
    }
}
