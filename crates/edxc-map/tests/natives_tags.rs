//! tags_distribution (docs/contract.md §3.9) on the tags acceptance log, through the real `tags` extractor, and on
//! hand-made groups for the contract's edge cases: ties, empty latest tags, list values, and what the original would
//! have crashed on (skipped and counted here).

mod natives_support;

use edxc_map::events::{scan_file, Counters, ScanOptions};
use edxc_map::natives::{reducer, run_reducer, run_reducer_counted, stream_reducer};
use natives_support::*;
use std::collections::BTreeMap;
use std::path::Path;

const COURSE: &str = "course-v1:edX+E930+2014_T2";
const PROBLEM: &str = "block-v1:edX+E930+2014_T2+type@problem+block@p1";

/// One `tags` record: (course_id, org_id, problem_id, timestamp, saved_tags, is_correct).
fn ev(timestamp: &str, tags: &str, correct: bool) -> Row {
    vec![s(COURSE), s("edX"), s(PROBLEM), s(timestamp), s(tags), s(if correct { "true" } else { "false" })]
}

fn tags(rows: Vec<Row>) -> (Vec<Row>, Vec<(String, u64)>) {
    let (out, skipped) = run_reducer_counted("tags_distribution", &BTreeMap::new(), rows).unwrap();
    (sorted(out), skipped)
}

/// Output rows as (tag_name, tag_value, total, correct).
fn short(rows: &[Row]) -> Vec<[String; 4]> {
    rows.iter().map(|r| [3, 4, 5, 6].map(|i| r[i].clone().unwrap_or_default())).collect()
}

fn t(name: &str, value: &str, total: u64, correct: u64) -> [String; 4] {
    [name.to_string(), value.to_string(), total.to_string(), correct.to_string()]
}

#[test]
fn acceptance_log_gives_the_asserted_rows() {
    let log = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/conformance/fixtures/tags_dist_acceptance_tracking.log");
    let opts = ScanOptions {
        interval: Some(("2010-01-01".into(), "2020-01-01".into())),
        ccx_enabled: false,
        ..Default::default()
    };
    let mut input = Vec::new();
    scan_file(&log, &["tags"], &opts, &mut Counters::default(), &mut |_, _, fields| {
        input.push(fields.iter().map(|f| f.map(str::to_string)).collect::<Row>())
    })
    .unwrap();
    let (out, skipped) = tags(input.clone());
    assert!(skipped.is_empty(), "{skipped:?}");
    let (header, expected) = read_csv(&conformance("scenarios/tags_distribution/expected/tags_distribution.csv"));
    let names: Vec<&str> = reducer("tags_distribution").unwrap().output.iter().map(|c| c.name).collect();
    assert_eq!(header, names);
    assert_eq!(out, sorted(expected));

    // The streaming form (`edxc-map --reducer`, input sorted by key only) gives the same rows.
    let mut sorted_input = input;
    sorted_input.sort_by(|a, b| a[..3].cmp(&b[..3]));
    let mut text = Vec::new();
    for r in &sorted_input {
        edxc_map::hive_text::write_row(r, &mut text).unwrap();
    }
    let mut streamed = Vec::new();
    stream_reducer("tags_distribution", &BTreeMap::new(), &text[..], &mut streamed).unwrap();
    let streamed: Vec<Row> =
        String::from_utf8(streamed).unwrap().lines().map(edxc_map::hive_text::split_line).collect();
    assert_eq!(sorted(streamed), out);
}

#[test]
fn latest_event_chooses_the_tags_and_every_event_counts() {
    let (out, _) = tags(vec![
        ev("2014-01-02T00:00:00.000000", r#"{"difficulty": "Hard"}"#, true),
        ev("2014-01-03T00:00:00.000000", r#"{"difficulty": "Easy", "outcome": ["a", "b"]}"#, false),
        ev("2014-01-01T00:00:00.000000", r#"{"difficulty": "Medium"}"#, true),
    ]);
    assert_eq!(short(&out), [t("difficulty", "Easy", 3, 2), t("outcome", "a", 3, 2), t("outcome", "b", 3, 2)]);
    assert_eq!(out[0][..3], [s(COURSE), s("edX"), s(PROBLEM)]);
}

#[test]
fn ties_take_the_first_in_row_order_whatever_the_input_order() {
    let a = ev("2014-01-02T00:00:00.000000", r#"{"d": "A"}"#, false);
    let b = ev("2014-01-02T00:00:00.000000", r#"{"d": "B"}"#, true);
    let older = ev("2014-01-01T00:00:00.000000", r#"{"d": "Z"}"#, false);
    for rows in [vec![a.clone(), b.clone(), older.clone()], vec![b, older, a]] {
        assert_eq!(short(&tags(rows).0), [t("d", "A", 3, 1)]);
    }
}

#[test]
fn empty_latest_tags_write_nothing_even_when_older_events_had_tags() {
    for empty in ["{}", "null", "\"\"", "[]", "0", "false", "0.0"] {
        let (out, skipped) = tags(vec![
            ev("2014-01-01T00:00:00.000000", r#"{"d": "A"}"#, true),
            ev("2014-01-02T00:00:00.000000", empty, true),
        ]);
        assert!(out.is_empty(), "{empty}: {out:?}");
        assert!(skipped.is_empty(), "{empty}: {skipped:?}");
    }
}

#[test]
fn what_the_original_crashed_on_is_skipped_and_counted() {
    // Truthy tags that are not an object: the event is dropped from the counts and from the choice of tags.
    let (out, skipped) = tags(vec![
        ev("2014-01-01T00:00:00.000000", r#"{"d": "A"}"#, true),
        ev("2014-01-05T00:00:00.000000", r#"["x"]"#, true),
        ev("2014-01-06T00:00:00.000000", r#""text""#, false),
        ev("2014-01-07T00:00:00.000000", "1", false),
    ]);
    assert_eq!(short(&out), [t("d", "A", 1, 1)]);
    assert_eq!(skipped, [("bad_tags".to_string(), 3)]);

    // Values of the wrong type and texts that load as NULL: those rows only.
    let (out, skipped) = tags(vec![ev(
        "2014-01-01T00:00:00.000000",
        r#"{"n": 5, "b": true, "z": null, "l": ["ok", 2, null, ["x"], {"y": 1}], "None": "v", "w": "inf", "e": ""}"#,
        false,
    )]);
    assert_eq!(short(&out), [t("e", "", 1, 0), t("l", "ok", 1, 0)]);
    assert_eq!(skipped, [("bad_tags".to_string(), 9)]);
}

#[test]
fn python_dict_semantics() {
    // The last of duplicate names wins; iterating an object value gives its keys.
    let (out, _) =
        tags(vec![ev("2014-01-01T00:00:00.000000", r#"{"d": "A", "o": {"k1": 1, "k2": 2}, "d": "B"}"#, true)]);
    assert_eq!(short(&out), [t("d", "B", 1, 1), t("o", "k1", 1, 1), t("o", "k2", 1, 1)]);
    // Escaped names and values are decoded.
    let (out, _) = tags(vec![ev("2014-01-01T00:00:00.000000", r#"{"l\u00e9vel": ["caf\u00e9"]}"#, true)]);
    assert_eq!(short(&out), [t("lével", "café", 1, 1)]);
}

#[test]
fn over_long_values_and_null_cells_are_skipped() {
    let long = "x".repeat(256);
    let just = "y".repeat(255);
    let (out, skipped) = tags(vec![ev(
        "2014-01-01T00:00:00.000000",
        &format!(r#"{{"long": "{long}", "just": "{just}", "{long}": "v"}}"#),
        true,
    )]);
    assert_eq!(short(&out), [t("just", &just, 1, 1)]);
    assert_eq!(skipped, [("value_too_long".to_string(), 2)]);

    let mut null_row = ev("2014-01-02T00:00:00.000000", r#"{"d": "B"}"#, true);
    null_row[4] = None;
    let (out, skipped) = tags(vec![ev("2014-01-01T00:00:00.000000", r#"{"d": "A"}"#, false), null_row]);
    assert_eq!(short(&out), [t("d", "A", 1, 0)]);
    assert_eq!(skipped, [("null_value".to_string(), 1)]);

    // A row of the wrong width never reaches the reducer.
    let (out, skipped) = tags(vec![vec![s(COURSE)]]);
    assert!(out.is_empty());
    assert_eq!(skipped, [("wrong_column_count".to_string(), 1)]);
}

#[test]
fn groups_are_per_problem() {
    let mut other = ev("2014-01-01T00:00:00.000000", r#"{"d": "X"}"#, true);
    other[2] = s("block-v1:edX+E930+2014_T2+type@problem+block@p2");
    let out = run_reducer(
        "tags_distribution",
        &BTreeMap::new(),
        vec![ev("2014-01-01T00:00:00.000000", r#"{"d": "A"}"#, false), other],
    )
    .unwrap();
    assert_eq!(out.len(), 2);
    assert_eq!(out[0][2], s(PROBLEM));
    assert_eq!(out[0][5..], [s("1"), s("0")]);
    assert_eq!(out[1][5..], [s("1"), s("1")]);
}

/// Saved tags of any JSON shape (objects of strings, lists, objects, numbers, NULL-like texts; non-objects), any
/// order of the events: the reducer never fails, its output does not depend on the input order, the streaming form
/// agrees, and every row counts every usable event of its problem.
mod properties {
    use super::*;
    use proptest::prelude::*;

    fn tag_value() -> impl Strategy<Value = serde_json::Value> {
        use serde_json::Value;
        let leaf = prop_oneof![
            prop::sample::select(vec!["Easy", "Hard", "", "None", "inf", "a\tb", "é\\x"]).prop_map(Value::from),
            ".{0,8}".prop_map(Value::String),
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i32>().prop_map(Value::from),
        ];
        leaf.prop_recursive(2, 8, 3, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
                proptest::collection::btree_map("[a-c]", inner, 0..3)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    fn saved_tags() -> impl Strategy<Value = String> {
        prop_oneof![
            4 => proptest::collection::btree_map("[a-d]{1,2}", tag_value(), 0..4)
                .prop_map(|m| serde_json::Value::Object(m.into_iter().collect()).to_string()),
            1 => tag_value().prop_map(|v| v.to_string()),
            1 => Just("{\"d\": \"A\", \"d\": [\"B\"]}".to_string()),
        ]
    }

    fn events() -> impl Strategy<Value = (Vec<Row>, Vec<Row>)> {
        proptest::collection::vec((prop::sample::select(vec!["p1", "p2"]), 1u32..4, saved_tags(), any::<bool>()), 0..12)
            .prop_map(|evs| {
                evs.into_iter()
                    .map(|(p, day, tags, ok)| {
                        let mut r = ev(&format!("2014-01-0{day}T00:00:00.000000"), &tags, ok);
                        r[2] = s(p);
                        r
                    })
                    .collect::<Vec<Row>>()
            })
            .prop_flat_map(|rows| (Just(rows.clone()), Just(rows).prop_shuffle()))
    }

    /// Saved tags the original calls `.copy()` on and fails: truthy, not an object.
    fn crashes_the_original(text: &str) -> bool {
        use serde_json::Value;
        match serde_json::from_str::<Value>(text).unwrap() {
            Value::Null | Value::Object(_) => false,
            Value::Bool(b) => b,
            Value::Number(n) => n.as_f64() != Some(0.0),
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
        }
    }

    proptest! {
        #[test]
        fn any_saved_tags_in_any_order((rows, shuffled) in events()) {
            let (out, skipped) =
                run_reducer_counted("tags_distribution", &BTreeMap::new(), rows.clone()).unwrap();
            prop_assert_eq!(&run_reducer("tags_distribution", &BTreeMap::new(), shuffled.clone()).unwrap(), &out);
            let mut grouped = shuffled;
            grouped.sort_by(|a, b| a[2].cmp(&b[2]));
            let mut text = Vec::new();
            for r in &grouped {
                edxc_map::hive_text::write_row(r, &mut text).unwrap();
            }
            let mut streamed = Vec::new();
            stream_reducer("tags_distribution", &BTreeMap::new(), &text[..], &mut streamed).unwrap();
            let mut expected = Vec::new();
            for r in &out {
                edxc_map::hive_text::write_row(r, &mut expected).unwrap();
            }
            prop_assert_eq!(String::from_utf8(streamed).unwrap(), String::from_utf8(expected).unwrap());
            let bad_events = |p: &str| {
                rows.iter()
                    .filter(|r| r[2].as_deref() == Some(p))
                    .filter(|r| crashes_the_original(r[4].as_deref().unwrap()))
                    .count()
            };
            for r in &out {
                let p = r[2].as_deref().unwrap();
                let events = rows.iter().filter(|e| e[2].as_deref() == Some(p)).count() - bad_events(p);
                prop_assert_eq!(r[5].clone(), Some(events.to_string()));
                let name = r[3].as_deref().unwrap();
                let value = r[4].as_deref().unwrap();
                prop_assert!(!["None", "\\N", "inf", "-inf"].contains(&name) && !["None", "\\N", "inf", "-inf"].contains(&value));
            }
            let skipped_bad: u64 = skipped.iter().filter(|(k, _)| k == "bad_tags").map(|(_, n)| n).sum();
            prop_assert!(skipped_bad as usize >= bad_events("p1") + bad_events("p2"));
        }
    }
}
