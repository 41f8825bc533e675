//! The two reducers of the answer distribution (docs/contract.md §3.4).
//!
//! * `problem_check_answers` (step 1, `ProblemCheckEvent`): per (course, problem, username), the answers of the
//!   first and of the last `problem_check` event (a lone event is both), one row per answer id.
//! * `answer_distribution` (step 2, `AnswerDistributionPerCourse`): per (course, answer id), the distribution of
//!   answer values: one row per value (and variant), with how many first and last attempts gave it.
//!
//! The rows between them carry each answer as a JSON object (the original's `json.dumps(submission)`), written
//! here as canonical JSON (keys sorted): values are sorted by (timestamp, JSON text) as the original sorts its
//! value tuples, so only the order of answers with the very same timestamp can differ from the original's, whose
//! JSON key order came from Python's dict hashing.
//!
//! Where the original would crash on a value (failing the whole job), the answer (or the event) is skipped and
//! counted instead ([`BAD_ANSWER`]): a submission entry that is not an object or has no matching `answers` entry,
//! a `correct_map`, `state` or `context.module` that is not an object, an answer value list holding something
//! other than strings, an answer metadata lookup that fails. Rows whose answer JSON does not decode are counted as
//! [`BAD_JSON`], rows with a NULL cell as `null_value`.

use super::html_text::text_from_html;
use super::pyvalue::{canonical_json, finite_float, py_eq, py_strip, py_unicode, truthy};
use super::{NumberedRow, Row, Skips, BAD_ANSWER, BAD_JSON, NULL_VALUE};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};

type Obj = Map<String, Value>;

/// `is_hidden_answer`: the `_dynamath` and `_comment` companions of an answer are not answers.
fn is_hidden(answer_id: &str) -> bool {
    answer_id.ends_with("_dynamath") || answer_id.ends_with("_comment")
}

/// The non-NULL cells of a row, or `None` (counted) when one is NULL.
fn cells<'r, const N: usize>(r: &'r NumberedRow, skips: &mut Skips) -> Option<[&'r str; N]> {
    let mut out = [""; N];
    for (i, slot) in out.iter_mut().enumerate() {
        match r.row.get(i).and_then(|c| c.as_deref()) {
            Some(v) => *slot = v,
            None => {
                skips.add(NULL_VALUE, 1);
                return None;
            }
        }
    }
    Some(out)
}

fn object(text: &str, skips: &mut Skips) -> Option<Obj> {
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(o)) => Some(o),
        _ => {
            skips.add(BAD_JSON, 1);
            None
        }
    }
}

/// Step 1 over one (course, problem, username) group, its rows `(course_id, problem_id, username, timestamp,
/// problem_data)` sorted by (timestamp, problem_data). Output rows `(course_id, answer_id, timestamp, answer_data)`.
pub fn problem_check_answers(rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
    let mut events = Vec::with_capacity(rows.len());
    for r in rows {
        let Some([course_id, _, _, _, data]) = cells::<5>(r, skips) else { continue };
        if let Some(event) = object(data, skips) {
            events.push((course_id, event));
        }
    }
    let (Some(first), Some(last)) = (events.first(), events.last()) else { return };
    generate_answers(first.0, &first.1, "first", out, skips);
    generate_answers(last.0, &last.1, "last", out, skips);
}

/// `_generate_answers`: the answers of one event, tagged with its attempt category (also the problem response
/// reducer's, which reads the latest event's answers the same way). Rows `(course_id, answer_id, timestamp, answer_json)`.
pub(super) fn generate_answers(course_id: &str, event: &Obj, category: &str, out: &mut Vec<Row>, skips: &mut Skips) {
    let null = Value::Null;
    let empty = Obj::new();
    // `event.get('context').get('module', {}).get('display_name', None)`
    let display_name = match event.get("context") {
        Some(Value::Object(context)) => match context.get("module") {
            None => Value::Null,
            Some(Value::Object(module)) => module.get("display_name").cloned().unwrap_or(Value::Null),
            Some(_) => return skips.add(BAD_ANSWER, 1),
        },
        _ => return skips.add(BAD_ANSWER, 1),
    };
    let Some(Value::Object(answers)) = event.get("answers") else { return skips.add(BAD_ANSWER, 1) };
    let correct_map = match event.get("correct_map") {
        None => &empty,
        Some(Value::Object(m)) => m,
        Some(_) => return skips.add(BAD_ANSWER, 1),
    };
    let timestamp = event.get("timestamp").map(py_unicode).unwrap_or_default();
    let mut emit = |answer_id: &str, mut submission: Obj| {
        submission.insert("problem_id".into(), event.get("problem_id").cloned().unwrap_or(Value::Null));
        submission.insert("problem_display_name".into(), display_name.clone());
        submission.insert("attempt_category".into(), Value::String(category.into()));
        submission.insert("grade".into(), event.get("grade").cloned().unwrap_or(Value::Null));
        submission.insert("max_grade".into(), event.get("max_grade").cloned().unwrap_or(Value::Null));
        out.push(vec![
            Some(course_id.to_string()),
            Some(answer_id.to_string()),
            Some(timestamp.clone()),
            Some(canonical_json(&Value::Object(submission))),
        ]);
    };
    match event.get("submission") {
        Some(Value::Object(submissions)) => {
            for (answer_id, entry) in submissions.iter().filter(|(id, _)| !is_hidden(id)) {
                let (Value::Object(entry), Some(answer_value)) = (entry, answers.get(answer_id)) else {
                    skips.add(BAD_ANSWER, 1);
                    continue;
                };
                let mut submission = entry.clone();
                // The submission lacks the answer's moniker: a raw answer that differs from it is one.
                if !py_eq(answer_value, submission.get("answer").unwrap_or(&null)) {
                    submission.insert("answer_value_id".into(), answer_value.clone());
                }
                submission.insert("answer_correct_map".into(), correct_map.get(answer_id).cloned().unwrap_or_default());
                emit(answer_id, submission);
            }
        }
        Some(_) => skips.add(BAD_ANSWER, 1),
        None => {
            // An older event without `submission`: only answers the correct map knows.
            for (answer_id, answer_value) in answers.iter().filter(|(id, _)| !is_hidden(id)) {
                let Some(correctness) = correct_map.get(answer_id) else { continue };
                let Value::Object(correctness) = correctness else {
                    skips.add(BAD_ANSWER, 1);
                    continue;
                };
                let variant = match event.get("state") {
                    None => Value::Null,
                    Some(Value::Object(state)) => state.get("seed").cloned().unwrap_or(Value::Null),
                    Some(_) => {
                        skips.add(BAD_ANSWER, 1);
                        continue;
                    }
                };
                let correct = correctness.get("correctness").and_then(Value::as_str) == Some("correct");
                let mut submission = Obj::new();
                submission.insert("answer_value_id".into(), answer_value.clone());
                submission.insert("correct".into(), Value::Bool(correct));
                submission.insert("variant".into(), variant);
                submission.insert("answer_correct_map".into(), Value::Object(correctness.clone()));
                emit(answer_id, submission);
            }
        }
    }
}

/// Step 2, `AnswerDistributionPerCourse.reducer`, with its configuration.
pub struct AnswerDistribution {
    /// `[answer-distribution] valid_response_types`.
    pub valid_types: HashSet<String>,
    /// The `--answer-metadata` file: metadata by answer id.
    pub metadata: Option<Obj>,
}

/// One value of the distribution, as the newest answer that gave it describes it.
struct Entry {
    module_id: String,
    value_id: String,
    answer_value: String,
    variant: Value,
    display_name: Value,
    question: Value,
    correct: bool,
    first: u64,
    last: u64,
}

impl AnswerDistribution {
    /// `valid_types`: a comma-separated list (split on `,` only, as the original does); `metadata`: the text of the
    /// answer metadata file, if any.
    pub fn new(valid_types: &str, metadata: Option<&str>) -> Result<Self, String> {
        let metadata = match metadata {
            None => None,
            Some(text) => match serde_json::from_str::<Value>(text) {
                Ok(Value::Object(o)) => Some(o),
                Ok(_) => return Err("the answer metadata is not a JSON object keyed by answer id".into()),
                Err(e) => return Err(format!("the answer metadata is not valid JSON: {e}")),
            },
        };
        Ok(Self { valid_types: valid_types.split(',').map(str::to_string).collect(), metadata })
    }

    /// Over one (course, answer id) group: rows `(course_id, answer_id, timestamp, answer_data)` sorted by
    /// (timestamp, answer_data). Output rows as [`crate::natives::reducer`]`("answer_distribution")` declares.
    pub fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
        let mut key = None;
        let mut answers = Vec::with_capacity(rows.len());
        for r in rows {
            let Some([course_id, answer_id, _, data]) = cells::<4>(r, skips) else { continue };
            key.get_or_insert((course_id, answer_id));
            if let Some(a) = object(data, skips) {
                answers.push(a);
            }
        }
        let (Some((course_id, answer_id)), Some(latest)) = (key, answers.last()) else { return };
        let mut latest = latest.clone();
        if self.add_metadata(answer_id, &mut latest).is_none() {
            return skips.add(BAD_ANSWER, answers.len() as u64);
        }
        // Only parts whose latest answer has a response type of the configured kinds.
        let included = match latest.get("response_type") {
            Some(Value::String(t)) => self.valid_types.contains(t),
            _ => false,
        };
        if !included {
            return;
        }
        let problem_id = latest.get("problem_id").cloned().unwrap_or(Value::Null);
        let display_name = latest.get("problem_display_name").cloned().unwrap_or(Value::Null);
        let uses_value_id = latest.contains_key("answer_value_id");
        let mut entries: Vec<Entry> = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        for answer in answers.iter().rev() {
            let mut a = answer.clone();
            let Some(group) = self.add_metadata(answer_id, &mut a).and_then(|()| grouping_key(&a)) else {
                skips.add(BAD_ANSWER, 1);
                continue;
            };
            let slot = match index.get(&group) {
                Some(&i) => i,
                None => {
                    let Some(entry) = new_entry(&a, uses_value_id, &problem_id, &display_name) else {
                        skips.add(BAD_ANSWER, 1);
                        continue;
                    };
                    entries.push(entry);
                    index.insert(group, entries.len() - 1);
                    entries.len() - 1
                }
            };
            match a.get("attempt_category").and_then(Value::as_str) {
                Some("first") => entries[slot].first += 1,
                Some("last") => entries[slot].last += 1,
                _ => skips.add(BAD_ANSWER, 1),
            }
        }
        for e in entries {
            out.push(row(course_id, answer_id, e));
        }
    }

    /// `add_metadata_to_answer`; `None` where the original would crash.
    fn add_metadata(&self, answer_id: &str, answer: &mut Obj) -> Option<()> {
        let Some(meta) = self.metadata.as_ref().and_then(|m| m.get(answer_id)) else { return Some(()) };
        let Value::Object(meta) = meta else { return None };
        for (k, v) in meta {
            if v.is_string() && !answer.get(k).is_some_and(truthy) {
                answer.insert(k.clone(), v.clone());
            }
        }
        if answer.contains_key("answer") {
            return Some(());
        }
        let choice = matches!(
            answer.get("response_type").and_then(Value::as_str),
            Some("choiceresponse" | "multiplechoiceresponse")
        );
        if choice {
            let Some(map) = meta.get("answer_value_id_map") else { return Some(()) };
            let Value::Object(map) = map else { return None };
            let lookup = |code: &Value| match code {
                Value::String(s) => Some(map.get(s).cloned().unwrap_or_else(|| Value::String(String::new()))),
                Value::Array(_) | Value::Object(_) => None,
                _ => Some(Value::String(String::new())),
            };
            let mapped = match answer.get("answer_value_id")? {
                code @ Value::String(_) => Some(lookup(code)?),
                Value::Array(codes) => Some(Value::Array(codes.iter().map(lookup).collect::<Option<Vec<_>>>()?)),
                _ => None,
            };
            if let Some(text) = mapped {
                answer.insert("answer".into(), text);
            }
        } else {
            // The `answer_value_id` is really the answer.
            let value = answer.remove("answer_value_id")?;
            answer.insert("answer".into(), value);
        }
        Some(())
    }
}

/// `stringify`: a list as `[a|b]`, a string stripped (or, with `html`, reduced to its text), anything else as
/// Python's `unicode()` of it. `None` for a list holding a non-string (the original crashes on it).
fn stringify(v: &Value, html: bool) -> Option<String> {
    let norm = |s: &str| if html { text_from_html(s) } else { py_strip(s).to_string() };
    match v {
        Value::String(s) => Some(norm(s)),
        Value::Array(items) => {
            let parts: Option<Vec<String>> = items.iter().map(|i| i.as_str().map(norm)).collect();
            Some(format!("[{}]", parts?.join("|")))
        }
        other => Some(py_unicode(other)),
    }
}

/// `get_answer_grouping_key`: the answer's value (its moniker when it has one) and its variant, an empty variant
/// counting as `1`.
fn grouping_key(a: &Obj) -> Option<String> {
    let variant = match a.get("variant") {
        None => "1".to_string(),
        Some(Value::String(s)) if s.is_empty() => "1".to_string(),
        Some(v) => py_unicode(v),
    };
    let value = if a.contains_key("answer_value_id") { a.get("answer_value_id") } else { a.get("answer") };
    Some(format!("{}_{variant}", stringify(value.unwrap_or(&Value::Null), false)?))
}

/// The distribution entry the newest answer of a value describes.
fn new_entry(a: &Obj, uses_value_id: bool, problem_id: &Value, display_name: &Value) -> Option<Entry> {
    let empty = Value::String(String::new());
    let (value_id, answer_value) = if uses_value_id {
        (a.get("answer_value_id").unwrap_or(&empty), a.get("answer").unwrap_or(&empty))
    } else {
        (&empty, a.get("answer").or_else(|| a.get("answer_value_id")).unwrap_or(&Value::Null))
    };
    let value_id = stringify(value_id, false)?;
    // With a moniker, the answer text may carry HTML markup, which is reduced to its text.
    let answer_value = stringify(answer_value, !value_id.is_empty())?;
    Some(Entry {
        module_id: py_unicode(problem_id),
        value_id,
        answer_value,
        variant: a.get("variant").filter(|v| truthy(v)).cloned().unwrap_or(empty.clone()),
        display_name: if truthy(display_name) { display_name.clone() } else { empty },
        question: a.get("question").cloned().unwrap_or_else(|| Value::String(String::new())),
        correct: a.get("correct").is_some_and(truthy),
        first: 0,
        last: 0,
    })
}

/// What the result store's `variant INT` column receives: the variant when it is an integer (a JSON integer, an
/// integral number, or the decimal text of one) in INT range, else NULL.
fn variant_number(v: &Value) -> Option<i64> {
    let n = match v {
        Value::Bool(b) => Some(i64::from(*b)),
        Value::Number(n) => {
            n.as_i64().or_else(|| n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 1e15).map(|f| f as i64))
        }
        Value::String(s) => {
            let t = py_strip(s);
            let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                None
            } else {
                t.parse::<i64>().ok()
            }
        }
        _ => None,
    };
    n.filter(|n| i32::try_from(*n).is_ok())
}

/// A DOUBLE as Hive writes it (Java's `Double.toString`), so that every engine writes the same partition text:
/// plain decimals with at least one fraction digit from 1e-3 up to 1e7, `1.0E7` / `1.0E-4` style beyond.
fn hive_double(f: f64) -> String {
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    if (1e-3..1e7).contains(&f.abs()) {
        let s = f.to_string();
        return if s.contains('.') { s } else { format!("{s}.0") };
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let mantissa = if mantissa.contains('.') { mantissa.to_string() } else { format!("{mantissa}.0") };
    format!("{mantissa}E{exp}")
}

fn row(course_id: &str, answer_id: &str, e: Entry) -> Row {
    let text = |s: &str| (!s.is_empty()).then(|| s.to_string());
    vec![
        Some(course_id.to_string()),
        Some(e.module_id),
        Some(answer_id.to_string()),
        Some(if e.correct { "1" } else { "0" }.to_string()),
        Some(e.first.to_string()),
        Some(e.last.to_string()),
        text(&e.value_id),
        text(&e.answer_value),
        finite_float(&e.answer_value).map(hive_double),
        Some(py_unicode(&e.variant)),
        truthy(&e.variant).then(|| variant_number(&e.variant)).flatten().map(|n| n.to_string()),
        truthy(&e.display_name).then(|| py_unicode(&e.display_name)),
        Some(py_unicode(&e.question)),
        truthy(&e.question).then(|| py_unicode(&e.question)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `[answer-distribution] valid_response_types` when the configuration does not set it (the pipeline's default).
    const DEFAULT_VALID_RESPONSE_TYPES: &str =
        "choiceresponse,optionresponse,multiplechoiceresponse,numericalresponse,stringresponse,formularesponse";

    fn numbered(rows: Vec<Vec<&str>>) -> Vec<NumberedRow> {
        rows.into_iter()
            .enumerate()
            .map(|(i, r)| NumberedRow {
                number: i as u64 + 1,
                row: r.into_iter().map(|c| Some(c.to_string())).collect(),
            })
            .collect()
    }

    fn event(ts: &str, payload: Value) -> String {
        let mut p = payload;
        p["timestamp"] = json!(ts);
        p["context"] = json!({"course_id": "c", "module": {"display_name": "P1"}});
        p["username"] = json!("u");
        p["problem_id"] = json!("i4x://o/c/problem/p");
        p.to_string()
    }

    fn step1(events: &[String]) -> (Vec<Row>, Skips) {
        let rows: Vec<Vec<&str>> =
            events.iter().map(|e| vec!["c", "i4x://o/c/problem/p", "u", "t", e.as_str()]).collect();
        let mut out = Vec::new();
        let mut skips = Skips::default();
        problem_check_answers(&numbered(rows), &mut out, &mut skips);
        (out, skips)
    }

    fn answer(row: &Row) -> Value {
        serde_json::from_str(row[3].as_deref().unwrap()).unwrap()
    }

    #[test]
    fn first_and_last_event_give_the_answers_and_hidden_ones_are_skipped() {
        let sub = |v: &str, ans: Value| {
            json!({"answers": {"p_2_1": ans.clone(), "p_2_1_dynamath": "x"},
                   "submission": {"p_2_1": {"answer": v, "response_type": "multiplechoiceresponse", "correct": false},
                                  "p_2_1_dynamath": {"answer": "x"}},
                   "correct_map": {"p_2_1": {"correctness": "incorrect"}}})
        };
        let (out, skips) = step1(&[
            event("2014-01-01T00:00:01", sub("Red", json!("choice_0"))),
            event("2014-01-01T00:00:02", sub("Blue", json!("choice_1"))),
            event("2014-01-01T00:00:03", sub("Green", json!("Green"))),
        ]);
        assert!(skips.0.is_empty());
        assert_eq!(out.len(), 2);
        let (first, last) = (answer(&out[0]), answer(&out[1]));
        assert_eq!(first["attempt_category"], "first");
        assert_eq!(first["answer_value_id"], "choice_0");
        assert_eq!(first["problem_display_name"], "P1");
        assert_eq!(first["answer_correct_map"], json!({"correctness": "incorrect"}));
        assert_eq!(last["attempt_category"], "last");
        // The raw answer equals the submitted text: no moniker.
        assert!(last.get("answer_value_id").is_none());
        assert_eq!(out[1][2].as_deref(), Some("2014-01-01T00:00:03"));
    }

    #[test]
    fn a_lone_event_is_both_first_and_last_and_old_events_use_the_correct_map() {
        let old = json!({"answers": {"p_2_1": "choice_3", "p_3_1": "7"},
                         "correct_map": {"p_2_1": {"correctness": "correct"}}, "state": {"seed": 4}});
        let (out, _) = step1(&[event("2014-01-01T00:00:01", old)]);
        // p_3_1 is not in the correct map: skipped, as the original logs and skips it.
        assert_eq!(out.len(), 2);
        let a = answer(&out[0]);
        assert_eq!(a["answer_value_id"], "choice_3");
        assert_eq!(a["correct"], true);
        assert_eq!(a["variant"], 4);
        assert_eq!(
            (answer(&out[0])["attempt_category"].clone(), answer(&out[1])["attempt_category"].clone()),
            (json!("first"), json!("last"))
        );
    }

    #[test]
    fn what_the_original_crashes_on_is_counted_and_skipped() {
        let bad =
            json!({"answers": {"p_2_1": "a"}, "submission": {"p_2_1": "not an object", "p_3_1": {"answer": "b"}}});
        let (out, skips) = step1(&[event("2014-01-01T00:00:01", bad), "{not json".to_string()]);
        assert!(out.is_empty());
        assert_eq!(skips.0.get(BAD_ANSWER), Some(&4), "two answers, twice (first and last)");
        assert_eq!(skips.0.get(BAD_JSON), Some(&1));
        let no_map = json!({"answers": {"p_2_1": "a"}, "correct_map": [], "submission": {}});
        let (out, skips) = step1(&[event("2014-01-01T00:00:01", no_map)]);
        assert!(out.is_empty());
        assert_eq!(skips.0.get(BAD_ANSWER), Some(&2));
    }

    fn dist(answers: &[Value], metadata: Option<&str>) -> (Vec<Row>, Skips) {
        let texts: Vec<String> = answers.iter().map(canonical_json).collect();
        let rows: Vec<Vec<&str>> = texts
            .iter()
            .enumerate()
            .map(|(i, t)| vec!["c", "p_2_1", ["t1", "t2", "t3", "t4", "t5", "t6"][i], t.as_str()])
            .collect();
        let r = AnswerDistribution::new(DEFAULT_VALID_RESPONSE_TYPES, metadata).unwrap();
        let mut out = Vec::new();
        let mut skips = Skips::default();
        r.reduce(&numbered(rows), &mut out, &mut skips);
        (out, skips)
    }

    fn base(category: &str, value_id: &str, text: &str, correct: bool) -> Value {
        json!({"answer_value_id": value_id, "answer": text, "response_type": "multiplechoiceresponse",
               "correct": correct, "variant": "", "question": "Q?", "problem_id": "i4x://o/c/problem/p",
               "problem_display_name": "P1", "attempt_category": category})
    }

    #[test]
    fn counts_first_and_last_responses_per_value() {
        let (out, skips) = dist(
            &[
                base("first", "choice_0", "<p>Red</p>", false),
                base("first", "choice_1", "Blue", true),
                base("last", "choice_1", "Blue", true),
                base("last", "choice_1", " Blue ", true),
            ],
            None,
        );
        assert!(skips.0.is_empty());
        let text = |r: &Row| r.iter().map(|c| c.clone().unwrap_or("\\N".into())).collect::<Vec<_>>().join("|");
        let rows: Vec<String> = out.iter().map(text).collect();
        assert_eq!(
            rows,
            [
                "c|i4x://o/c/problem/p|p_2_1|1|1|2|choice_1|Blue|\\N||\\N|P1|Q?|Q?",
                "c|i4x://o/c/problem/p|p_2_1|0|1|0|choice_0|Red|\\N||\\N|P1|Q?|Q?",
            ]
        );
    }

    #[test]
    fn without_a_moniker_the_answer_is_the_value_and_numbers_are_read() {
        let a = |cat: &str, v: &str, variant: Value| {
            json!({"answer": v, "response_type": "numericalresponse", "correct": false, "variant": variant,
                   "problem_id": "p", "attempt_category": cat})
        };
        let (out, _) =
            dist(&[a("first", " 3.14 ", json!(2)), a("last", "3.14", json!("")), a("last", "inf", json!(""))], None);
        assert_eq!(out.len(), 3, "variant 2 and the default variant 1 are different values");
        let inf = &out[0];
        assert_eq!((inf[7].as_deref(), inf[8].as_deref()), (Some("inf"), None));
        let v1 = &out[1];
        assert_eq!((v1[6].as_deref(), v1[7].as_deref(), v1[8].as_deref()), (None, Some("3.14"), Some("3.14")));
        assert_eq!(out[0][8], None, "inf is not a number the table takes");
        let v2 = &out[2];
        assert_eq!((v2[9].as_deref(), v2[10].as_deref()), (Some("2"), Some("2")));
        // No question key: an empty report cell and NULL in the table.
        assert_eq!((v2[12].as_deref(), v2[13].as_deref()), (Some(""), None));
    }

    #[test]
    fn doubles_are_written_as_hive_writes_them() {
        for (f, want) in [
            (2699.0, "2699.0"),
            (3.25, "3.25"),
            (-0.5, "-0.5"),
            (0.001, "0.001"),
            (0.0001, "1.0E-4"),
            (1e7, "1.0E7"),
            (12345678.9, "1.23456789E7"),
            (0.0, "0.0"),
        ] {
            assert_eq!(hive_double(f), want, "{f}");
        }
    }

    #[test]
    fn parts_whose_latest_answer_has_no_valid_response_type_are_left_out() {
        let mut old = base("last", "choice_0", "x", true);
        old.as_object_mut().unwrap().remove("response_type");
        assert!(dist(&[base("first", "choice_0", "x", true), old.clone()], None).0.is_empty());
        let mut image = old;
        image["response_type"] = json!("imageresponse");
        assert!(dist(&[image], None).0.is_empty());
    }

    #[test]
    fn metadata_fills_what_old_answers_lack() {
        let old = json!({"answer_value_id": ["choice_1", "choice_9"], "correct": true, "variant": 1,
                         "problem_id": "p", "attempt_category": "last"});
        let meta = r#"{"p_2_1": {"response_type": "choiceresponse", "question": "Which?",
                                  "answer_value_id_map": {"choice_1": "One"}}}"#;
        let (out, _) = dist(&[old], Some(meta));
        assert_eq!(out.len(), 1);
        let r = &out[0];
        assert_eq!((r[6].as_deref(), r[7].as_deref()), (Some("[choice_1|choice_9]"), Some("[One|]")));
        assert_eq!((r[12].as_deref(), r[9].as_deref(), r[10].as_deref()), (Some("Which?"), Some("1"), Some("1")));
        assert!(AnswerDistribution::new("x", Some("[1]")).is_err());
    }

    #[test]
    fn a_value_list_with_a_non_string_is_skipped_and_counted() {
        let mut bad = base("last", "choice_0", "x", true);
        bad["answer_value_id"] = json!(["choice_0", 3]);
        let (out, skips) = dist(&[base("first", "choice_0", "x", true), bad], None);
        assert_eq!(out.len(), 1);
        assert_eq!(skips.0.get(BAD_ANSWER), Some(&1));
    }

    /// Any JSON value, with keys the reducers look at.
    fn value() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| json!(n)),
            any::<f64>().prop_filter("finite", |f| f.is_finite()).prop_map(|f| json!(f)),
            "[a-z<>&;_ ]{0,6}".prop_map(Value::String),
        ];
        let keys = prop_oneof![
            Just("answers"),
            Just("submission"),
            Just("correct_map"),
            Just("state"),
            Just("seed"),
            Just("answer"),
            Just("answer_value_id"),
            Just("variant"),
            Just("question"),
            Just("response_type"),
            Just("correct"),
            Just("attempt_category"),
            Just("p_2_1"),
            Just("context"),
            Just("module"),
            Just("display_name"),
            Just("correctness"),
            Just("problem_id"),
        ];
        leaf.prop_recursive(3, 24, 4, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                proptest::collection::btree_map(keys.clone(), inner, 0..4)
                    .prop_map(|m| Value::Object(m.into_iter().map(|(k, v)| (k.to_string(), v)).collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn no_input_makes_a_reducer_panic(events in proptest::collection::vec(value(), 1..4), meta in value()) {
            let texts: Vec<String> = events.iter().map(|v| v.to_string()).collect();
            let rows: Vec<Vec<&str>> = texts.iter().map(|t| vec!["c", "p", "u", "t", t.as_str()]).collect();
            let mut out = Vec::new();
            problem_check_answers(&numbered(rows), &mut out, &mut Skips::default());
            let answers: Vec<Vec<&str>> = texts.iter().map(|t| vec!["c", "p_2_1", "t", t.as_str()]).collect();
            let meta = json!({"p_2_1": meta}).to_string();
            let r = AnswerDistribution::new(DEFAULT_VALID_RESPONSE_TYPES, Some(&meta)).unwrap();
            r.reduce(&numbered(answers), &mut out, &mut Skips::default());
            for row in &out {
                proptest::prop_assert!(row.len() == 4 || row.len() == 14);
            }
        }
    }
}
