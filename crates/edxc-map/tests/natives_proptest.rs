//! run_reducer's output does not depend on the order of its input rows; stream_reducer agrees with run_reducer;
//! arbitrary cells, bytes and course runs never fail a reducer or a native function (nor panic).

mod natives_support;

use edxc_map::natives::{run_native_counted, run_reducer, run_reducer_counted, stream_reducer, stream_reducer_counted};
use natives_support::*;
use proptest::prelude::*;

fn event_row() -> impl Strategy<Value = Row> {
    (
        prop::sample::select(vec!["a/b/c", "course-v1:x+y+z"]),
        prop::sample::select(vec!["1", "2", "10"]),
        (1u32..6, 0u32..3),
        prop::sample::select(vec![
            "edx.course.enrollment.activated",
            "edx.course.enrollment.deactivated",
            "edx.course.enrollment.mode_changed",
        ]),
        prop::sample::select(vec!["audit", "honor", "verified", "credit"]),
    )
        .prop_map(|(c, u, (day, hour), et, m)| {
            vec![s(c), s(u), Some(format!("2014-01-{day:02}T{hour:02}:00:00.000000")), s(et), s(m)]
        })
}

/// A reducer cell: well-formed and odd timestamps (offsets, `Z`, cut short), enrollment event types and modes,
/// integers and not, and arbitrary text (any Unicode, TABs and backslashes included).
fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        (
            1u32..9,
            0u32..24,
            prop::sample::select(vec![
                "",
                ".5",
                ".200030",
                "-05:00",
                ".200030-05:00",
                "-05:00.000000",
                "Z",
                "Z.000000"
            ])
        )
            .prop_map(|(d, h, tail)| format!("2014-01-{d:02}T{h:02}:38:29{tail}")),
        // Without `-`, so never a date far in the past (whose days up to `end` would be hundreds of thousands of rows).
        "[0-9T:.Z+ ]{0,30}",
        prop::sample::select(vec![
            "2014-01",
            "2014-13-01T00:00:00",
            "2014-02-30T00:00:00",
            "2014-1-5T00:00:00",
            "2014-01-05 x",
            "garbage",
            "",
            "T",
        ])
        .prop_map(str::to_string),
        prop::sample::select(vec![
            "edx.course.enrollment.activated",
            "edx.course.enrollment.deactivated",
            "edx.course.enrollment.mode_changed",
            "verified",
            "credit",
            "honor",
        ])
        .prop_map(str::to_string),
        "-?[0-9]{1,22}",
        ".{0,40}",
        "[a-z]{250,300}",
    ]
}

/// A JSON value of any type, shallow.
fn json_value() -> impl Strategy<Value = serde_json::Value> {
    use serde_json::Value;
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(Value::from),
        ".{0,20}".prop_map(Value::String),
        "20[0-9]{2}-[0-9]{2}-[0-9]{2}T[0-9:.+Z-]{0,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(2, 8, 3, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..3).prop_map(Value::Array),
            proptest::collection::btree_map(
                prop::sample::select(vec!["uuid", "type", "title", "x"]).prop_map(str::to_string),
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

/// A course run: the fields course_catalog and program_course read, each absent or of any JSON value.
fn course_run() -> impl Strategy<Value = serde_json::Value> {
    const FIELDS: [&str; 20] = [
        "key",
        "course",
        "title",
        "start",
        "end",
        "enrollment_start",
        "enrollment_end",
        "content_language",
        "pacing_type",
        "level_type",
        "availability",
        "partner_short_code",
        "marketing_url",
        "min_effort",
        "max_effort",
        "weeks_to_complete",
        "announcement",
        "reporting_type",
        "programs",
        "other",
    ];
    proptest::collection::vec(proptest::option::of(json_value()), FIELDS.len()).prop_map(|values| {
        let mut obj = serde_json::Map::new();
        for (k, v) in FIELDS.iter().zip(values) {
            if let Some(v) = v {
                obj.insert(k.to_string(), v);
            }
        }
        serde_json::Value::Object(obj)
    })
}

fn rows_and_shuffle() -> impl Strategy<Value = (Vec<Row>, Vec<Row>)> {
    proptest::collection::vec(event_row(), 0..25).prop_flat_map(|rows| (Just(rows.clone()), Just(rows).prop_shuffle()))
}

/// Valid arguments for a reducer, each one it takes by name: the enrollment reducers' `end`, the video reducers'
/// `start` and `dropoff_threshold`, the country table of `last_country_of_user`, enrollment validation's interval
/// start, date-hours and flags (set, so that it takes its longest paths), answer distribution's response types.
fn reducer_args(spec: &edxc_map::natives::ReducerSpec) -> std::collections::BTreeMap<String, String> {
    static TABLE: std::sync::OnceLock<tempfile::NamedTempFile> = std::sync::OnceLock::new();
    let table = TABLE.get_or_init(|| {
        let f = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(f.path(), "1.0.0.0\t1.255.255.255\tXX\tX\n::1\t::1\tYY\tY\n").unwrap();
        f
    });
    let path = table.path().display().to_string();
    let mut a = args(&[]);
    for name in spec.args {
        let value = match *name {
            n if n == edxc_map::natives::GEOIP_ARG => path.clone(),
            "start" | "interval_start" => "2014-01-01".to_string(),
            "dropoff_threshold" => "0.05".to_string(),
            "interval_type" => "weekly".to_string(),
            "created_at" => "2014-01-08T00:00:00".to_string(),
            "earliest_timestamp" => "2014-01-02T00".to_string(),
            "expected_validation" => "2014-01-05T00".to_string(),
            "generate_before" | "include_nonstate_changes" | "tuple_output" => "true".to_string(),
            // Answer distribution: no metadata file, the original's response types.
            "answer_metadata" => String::new(),
            // Problem responses: the original's default regex; the report's formats, one of each kind.
            "clean_text_regex" => String::new(),
            "datetime_format" => "%Y-%m-%dT%H:%M:%S.%fZ".to_string(),
            "list_delimiter" => "'|'".to_string(),
            "valid_response_types" => {
                "choiceresponse,optionresponse,multiplechoiceresponse,numericalresponse".to_string()
            }
            _ => "2014-01-08".to_string(),
        };
        a.insert(name.to_string(), value);
    }
    a
}

fn to_text(rows: &[Row]) -> String {
    let mut buf = Vec::new();
    for r in rows {
        edxc_map::hive_text::write_row(r, &mut buf).unwrap();
    }
    String::from_utf8(buf).unwrap()
}

proptest! {
    #[test]
    fn output_independent_of_row_order((rows, shuffled) in rows_and_shuffle()) {
        for name in ["enrollment_days", "enrollment_summary"] {
            let a = args(&[("end", "2014-01-08")]);
            let x = run_reducer(name, &a, rows.clone()).unwrap();
            let y = run_reducer(name, &a, shuffled.clone()).unwrap();
            prop_assert_eq!(&x, &y);

            // Streaming over key-grouped input (rows within a group in any order) gives the same rows.
            let mut grouped = shuffled.clone();
            grouped.sort_by(|p, q| (&p[0], &p[1]).cmp(&(&q[0], &q[1])));
            let mut out = Vec::new();
            let n = stream_reducer(name, &a, to_text(&grouped).as_bytes(), &mut out).unwrap();
            prop_assert_eq!(n as usize, x.len());
            prop_assert_eq!(String::from_utf8(out).unwrap(), to_text(&x));
        }
    }

    #[test]
    fn days_invariants((rows, _) in rows_and_shuffle()) {
        let out = run_reducer("enrollment_days", &args(&[("end", "2014-01-08")]), rows).unwrap();
        for r in &out {
            let at_end = r[3].as_deref().unwrap();
            let change = r[4].as_deref().unwrap();
            prop_assert!(at_end == "0" || at_end == "1");
            prop_assert!(["-1", "0", "1"].contains(&change));
            prop_assert!(r[0].as_deref().unwrap() < "2014-01-08");
        }
    }

    /// No cell value fails a run: every reducer returns its rows (and skip counts) for arbitrary cells, NULLs and
    /// row widths, in process and streaming.
    #[test]
    fn arbitrary_cells_never_fail_a_reducer(
        rows in proptest::collection::vec(proptest::collection::vec(proptest::option::of(cell()), 3..7), 0..12)
    ) {
        for spec in edxc_map::natives::reducers() {
            let a = reducer_args(spec);
            let counted = run_reducer_counted(spec.name, &a, rows.clone());
            prop_assert!(counted.is_ok(), "{}: {:?}", spec.name, counted.err());
            prop_assert!(run_reducer(spec.name, &a, rows.clone()).is_ok());
            let mut grouped = rows.clone();
            grouped.sort_by(|p, q| (p.first(), p.get(1)).cmp(&(q.first(), q.get(1))));
            let streamed = stream_reducer_counted(spec.name, &a, to_text(&grouped).as_bytes(), Vec::new());
            prop_assert!(streamed.is_ok(), "{}: {:?}", spec.name, streamed.err());
        }
    }

    /// Arbitrary bytes on a streaming reducer's stdin (not UTF-8, any number of TABs) never fail it.
    #[test]
    fn arbitrary_bytes_never_fail_a_streaming_reducer(input in proptest::collection::vec(any::<u8>(), 0..400)) {
        for spec in edxc_map::natives::reducers() {
            let r = stream_reducer_counted(spec.name, &reducer_args(spec), input.as_slice(), Vec::new());
            prop_assert!(r.is_ok(), "{}: {:?}", spec.name, r.err());
        }
    }

    #[test]
    fn arbitrary_catalog_text_never_fails(text in ".{0,200}") {
        for name in ["course_catalog", "program_course"] {
            let r = run_native_counted(name, &args(&[]), Some(&text));
            prop_assert!(r.is_ok(), "{name}: {:?}", r.err());
        }
    }

    /// Course runs whose fields hold arbitrary JSON values (and arbitrary strings where strings belong) never fail
    /// course_catalog or program_course; a run they skip is counted.
    #[test]
    fn arbitrary_course_runs_never_fail(runs in proptest::collection::vec(course_run(), 0..6)) {
        let text = runs.iter().map(|r| r.to_string()).collect::<Vec<_>>().join("\n");
        for name in ["course_catalog", "program_course"] {
            let r = run_native_counted(name, &args(&[]), Some(&text));
            prop_assert!(r.is_ok(), "{name}: {:?}", r.err());
            if let Ok((rows, skipped)) = r {
                if name == "course_catalog" {
                    let skipped: u64 = skipped.iter().map(|(_, n)| n).sum();
                    prop_assert_eq!(rows.len() as u64 + skipped, runs.len() as u64);
                }
            }
        }
    }

    #[test]
    fn arbitrary_intervals_never_panic(interval in "[0-9W\\-é]{0,22}") {
        let _ = edxc_map::natives::run_native("calendar", &args(&[("interval", &interval)]), None);
    }
}
