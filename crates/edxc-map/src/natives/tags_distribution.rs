//! `tags_distribution`: `TagsDistributionPerCourse.reducer` (docs/contract.md §3.9).
//!
//! A group is every `tags` record of one `(course_id, org_id, problem_id)`: `(timestamp, saved_tags, is_correct)`
//! per server `problem_check` event, sorted by timestamp (ties by the whole row, so the result never depends on the
//! input order; the original takes the first it happens to see).
//! * `total_submissions` counts the events, `correct_submissions` those with `is_correct`;
//! * the tags are the `saved_tags` of the event with the greatest timestamp (string order; the first of equal ones);
//! * when those tags are empty (any falsy JSON value: `{}`, `null`, `""`, `[]`, `0`, `false`) nothing is written;
//!   otherwise one row per tag name and value: a string value gives one row, a list one row per element (iterating
//!   an object, as Python does, gives its keys).
//!
//! Where the original would crash (failing the whole job), this reducer skips and counts instead (`bad_tags`):
//! * an event whose `saved_tags` is truthy but not an object (the original calls `.copy()` on it): the event is
//!   dropped from the counts and from the choice of the latest tags;
//! * a tag value that is a number, a boolean or null, or a list element that is not a string (the record's
//!   `StringField` refuses it), and a name or value the result store would load as NULL (`None`, `\N`, `inf`,
//!   `-inf`, docs/contract.md §2.2 step 5) into its NOT NULL column: that row is skipped.
//!
//! A row with a value over 255 characters (`VARCHAR(255)`, no truncation) is skipped (`value_too_long`); an input
//! row with a NULL cell is skipped (`null_value`: the extractor writes none).

use super::{NumberedRow, Row, Skips, BAD_TAGS, NULL_VALUE, VALUE_TOO_LONG};
use crate::events::json::{list_items, parse_object, parse_top, value, PyVal, RawObj, Top};

/// The longest value the result store's `VARCHAR(255)` columns take (characters).
const MAX_LEN: usize = 255;

pub struct TagsDistribution;

/// An event's `saved_tags`, as the original's reducer sees it.
enum Tags<'a> {
    /// Falsy: no rows when these are the latest tags.
    Empty,
    /// A non-empty object (its JSON text).
    Dict(&'a str),
}

/// `None` when the original would crash on these tags (truthy, not a dict; or not JSON at all).
fn classify(text: &str) -> Option<Tags<'_>> {
    match parse_top(text) {
        Ok(Top::Object(o)) if o.is_empty() => Some(Tags::Empty),
        Ok(Top::Object(_)) => Some(Tags::Dict(text)),
        Ok(Top::NotObject) if !value(text.trim()).truthy() => Some(Tags::Empty),
        _ => None,
    }
}

/// The members of an object, each name once with its last value (a Python dict built from the text).
fn members<'a>(o: &'a RawObj<'a>) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    o.entries
        .iter()
        .enumerate()
        .filter(|(i, (k, _))| !o.entries[i + 1..].iter().any(|(later, _)| later == k))
        .map(|(_, (k, v))| (k.as_ref(), *v))
}

/// What the result store would read as NULL (docs/contract.md §2.2 step 5).
fn loads_as_null(s: &str) -> bool {
    matches!(s, "None" | "\\N" | "inf" | "-inf")
}

impl TagsDistribution {
    pub fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
        let mut key = None;
        let (mut total, mut correct) = (0u64, 0u64);
        let mut latest: Option<(&str, Tags<'_>)> = None;
        for r in rows {
            let cell = |i: usize| r.row.get(i).and_then(|c| c.as_deref());
            let (Some(course_id), Some(org_id), Some(problem_id), Some(timestamp), Some(saved_tags), Some(is_correct)) =
                (cell(0), cell(1), cell(2), cell(3), cell(4), cell(5))
            else {
                skips.add(NULL_VALUE, 1);
                continue;
            };
            let Some(tags) = classify(saved_tags) else {
                skips.add(BAD_TAGS, 1);
                continue;
            };
            key.get_or_insert((course_id, org_id, problem_id));
            total += 1;
            if is_correct == "true" {
                correct += 1;
            }
            if latest.as_ref().is_none_or(|(t, _)| timestamp > *t) {
                latest = Some((timestamp, tags));
            }
        }
        let (Some((course_id, org_id, problem_id)), Some((_, Tags::Dict(text)))) = (key, latest) else {
            return;
        };
        let Some(dict) = parse_object(text) else {
            return;
        };
        let (total, correct) = (total.to_string(), correct.to_string());
        let mut emit = |name: &str, val: &str, skips: &mut Skips| {
            if loads_as_null(name) || loads_as_null(val) {
                skips.add(BAD_TAGS, 1);
            } else if [course_id, org_id, problem_id, name, val].iter().any(|s| s.chars().count() > MAX_LEN) {
                skips.add(VALUE_TOO_LONG, 1);
            } else {
                out.push(vec![
                    Some(course_id.to_string()),
                    Some(org_id.to_string()),
                    Some(problem_id.to_string()),
                    Some(name.to_string()),
                    Some(val.to_string()),
                    Some(total.clone()),
                    Some(correct.clone()),
                ]);
            }
        };
        for (name, raw) in members(&dict) {
            match value(raw) {
                PyVal::Str(s) => emit(name, &s, skips),
                PyVal::List(t) => {
                    for item in list_items(t).unwrap_or_default() {
                        match value(item) {
                            PyVal::Str(s) => emit(name, &s, skips),
                            _ => skips.add(BAD_TAGS, 1),
                        }
                    }
                }
                PyVal::Dict(t) => {
                    if let Some(o) = parse_object(t) {
                        for (k, _) in members(&o) {
                            emit(name, k, skips);
                        }
                    }
                }
                _ => skips.add(BAD_TAGS, 1),
            }
        }
    }
}
