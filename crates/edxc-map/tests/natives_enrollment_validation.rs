//! Enrollment validation (docs/contract.md §3.15): the `enrollment_validation` extractor, the snapshot's validation
//! events and the `enrollment_validation` reducer, against the acceptance scenario (its three runs) and
//! hand-worked cases from the original's state machine.

mod natives_support;

use edxc_map::events::{scan, Counters, ScanOptions};
use edxc_map::natives::enrollment_validation::{
    add_microseconds, mysql_datetime_to_iso, validation_event, validation_file_name, BadRow, Snapshot,
};
use edxc_map::natives::{run_reducer_counted, Row};
use natives_support::*;
use std::collections::BTreeMap;

const ACT: &str = "edx.course.enrollment.activated";
const DEACT: &str = "edx.course.enrollment.deactivated";
const MODE: &str = "edx.course.enrollment.mode_changed";
const VALID: &str = "edx.course.enrollment.validated";
const DEMO: &str = "edX/Open_DemoX/edx_demo_course";

/// The scenario's dates: the logs start on START, the snapshot is taken on TODAY = START + 6 days.
const START: &str = "2026-03-01";
const TODAY: &str = "2026-03-07";
const DUMP_START: &str = "2026-03-07T10:00:00.000000";
const DUMP_END: &str = "2026-03-07T10:00:05.250000";

/// The scenario's tracking log with `{{ start_date }}` and `{{ start_date + days(N) }}` rendered.
fn tracking_log() -> String {
    let mut text = conformance("fixtures/enrollment_validation_trends_tracking.log.j2");
    let start = chrono::NaiveDate::parse_from_str(START, "%Y-%m-%d").unwrap();
    for n in 1..=5 {
        let day = (start + chrono::Duration::days(n)).format("%Y-%m-%d").to_string();
        text = text.replace(&format!("{{{{ start_date + days({n}) }}}}"), &day);
    }
    text.replace("{{ start_date }}", START)
}

/// The snapshot of `load_student_courseenrollment_for_enrollment_validation.sql`:
/// (user_id, course_id, created, is_active, mode).
fn snapshot_rows() -> Vec<[&'static str; 5]> {
    const C2: &str = "course-v1:edX+Open_DemoX+edx_demo_course2";
    vec![
        ["1", DEMO, "2014-06-27 16:02:38", "false", "honor"],
        ["2", DEMO, "2014-06-27 16:02:40", "true", "verified"],
        ["3", DEMO, "2014-06-27 16:02:41", "true", "verified"],
        ["4", DEMO, "2014-06-27 16:02:43", "false", "honor"],
        ["5", DEMO, "2014-06-30 21:19:04", "true", "honor"],
        ["6", DEMO, "2014-06-30 21:24:13", "true", "verified"],
        ["4", C2, "2014-06-27 16:02:44", "true", "honor"],
        ["5", C2, "2014-06-28 16:02:45", "true", "audit"],
    ]
}

/// The validation event lines of the snapshot, by file.
fn validation_files() -> BTreeMap<String, Vec<String>> {
    let snap = Snapshot { dump_start: DUMP_START, dump_end: DUMP_END, created_at: "2026-03-07T10:00:06" };
    let mut files: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for [u, c, created, active, mode] in snapshot_rows() {
        let (course, line) =
            validation_event(Some(u), Some(c), Some(created), Some(active), Some(mode), &snap).unwrap();
        files.entry(validation_file_name(&course, DUMP_START)).or_default().push(line);
    }
    files
}

/// The extractor's rows over `text`, events dated in `[from, to)`.
fn extract(text: &str, from: &str, to: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut counters = Counters::default();
    let opts = ScanOptions { interval: Some((from.into(), to.into())), ccx_enabled: false, ..Default::default() };
    scan(text.as_bytes(), &["enrollment_validation"], &opts, &mut counters, &mut |_, _, fields| {
        rows.push(fields.iter().map(|f| f.map(str::to_string)).collect())
    })
    .unwrap();
    rows
}

fn reducer_args(start: &str, generate_before: bool, expected: &str) -> BTreeMap<String, String> {
    args(&[
        ("interval_start", start),
        ("generate_before", if generate_before { "true" } else { "false" }),
        ("include_nonstate_changes", "false"),
        ("earliest_timestamp", ""),
        ("expected_validation", expected),
        ("tuple_output", "false"),
        ("created_at", "2026-03-07T00:00:00"),
    ])
}

/// (event_type, synthesized.reason) → count over the output lines.
fn histogram(out: &[Row]) -> BTreeMap<(String, String), u64> {
    let mut h = BTreeMap::new();
    for r in out {
        let v: serde_json::Value = serde_json::from_str(r[1].as_deref().unwrap()).unwrap();
        let key =
            (v["event_type"].as_str().unwrap().to_string(), v["synthesized"]["reason"].as_str().unwrap().to_string());
        *h.entry(key).or_default() += 1;
    }
    h
}

#[test]
fn the_three_runs_of_the_acceptance_scenario() {
    let log = tracking_log();
    let validation: String = validation_files().values().flatten().map(|l| format!("{l}\n")).collect();
    let day_after = "2026-03-08";

    // Run 1: the interval ends today, the snapshot's events (dated today) are outside it.
    let run1 = extract(&format!("{log}{validation}"), START, TODAY);
    assert_eq!(run1.len(), 13, "every logged event, no validation event");

    // Run 2: a day wider, with the validation events and expected_validation = today 00h.
    let rows = extract(&format!("{log}{validation}"), START, day_after);
    assert_eq!(rows.len(), 21);
    let (out, skipped) =
        run_reducer_counted("enrollment_validation", &reducer_args(START, true, &format!("{TODAY}T00")), rows).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    let (_, expected) =
        read_csv(&conformance("scenarios/enrollment_validation/expected/synthetic_event_histogram.csv"));
    let want: BTreeMap<(String, String), u64> = expected
        .iter()
        .map(|r| ((r[0].clone().unwrap(), r[1].clone().unwrap()), r[2].as_deref().unwrap().parse().unwrap()))
        .collect();
    assert_eq!(histogram(&out), want);
    // One file per event date, named as the original names them.
    let files: std::collections::BTreeSet<&str> = out.iter().map(|r| r[0].as_deref().unwrap()).collect();
    assert!(files.contains("synthetic_enroll.log-20140630.gz"), "{files:?}");
    assert!(files.iter().all(|f| f.starts_with("synthetic_enroll.log-") && f.ends_with(".gz")));

    // Run 3: the synthetic events of run 2 read back as tracking-log lines: nothing is missing any more.
    let synthetic: String = out.iter().map(|r| format!("{}\n", r[1].as_deref().unwrap())).collect();
    let rows = extract(&format!("{log}{validation}{synthetic}"), START, day_after);
    let (out, _) =
        run_reducer_counted("enrollment_validation", &reducer_args(START, false, &format!("{TODAY}T00")), rows)
            .unwrap();
    assert!(out.is_empty(), "{out:?}");
}

#[test]
fn validation_events_carry_the_snapshot() {
    let files = validation_files();
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        [
            "edX_Open_DemoX_edx_demo_course2_enroll_validated_20260307.log.gz",
            "edX_Open_DemoX_edx_demo_course_enroll_validated_20260307.log.gz"
        ]
        .iter()
        .collect::<Vec<_>>()
    );
    let line = &files["edX_Open_DemoX_edx_demo_course_enroll_validated_20260307.log.gz"][1];
    let v: serde_json::Value = serde_json::from_str(line).unwrap();
    assert_eq!(v["event_type"], VALID);
    assert_eq!(v["time"], format!("{DUMP_END}+00:00"));
    assert_eq!(v["context"]["org_id"], "edX");
    assert_eq!(v["event"]["user_id"], 2);
    assert_eq!(v["event"]["is_active"], true);
    assert_eq!(v["event"]["created"], "2014-06-27T16:02:40.000000");
    assert_eq!(v["event"]["dump_start"], DUMP_START);
    assert_eq!(v["synthesized"]["synthesizer"], "enrollment_from_db");
    // Python's json.dumps layout.
    assert!(line.starts_with(r#"{"username": "", "host": "", "event_source": "server", "event_type": "#), "{line}");
    let snap = Snapshot { dump_start: DUMP_START, dump_end: DUMP_END, created_at: "x" };
    assert_eq!(
        validation_event(Some("x"), Some(DEMO), Some("2014-06-27 16:02:38"), None, Some("a"), &snap).err(),
        Some(BadRow::UserId)
    );
    assert_eq!(validation_event(Some("1"), Some(DEMO), None, None, Some("a"), &snap).err(), Some(BadRow::Created));
    assert_eq!(validation_event(Some("1"), None, Some("2014-06-27"), None, Some("a"), &snap).err(), Some(BadRow::Null));
    // `1` (a TINYINT exported as a number) is active too.
    let (_, l) =
        validation_event(Some("1"), Some(DEMO), Some("2014-06-27 16:02:38"), Some("1"), Some("a"), &snap).unwrap();
    assert!(l.contains(r#""is_active": true"#));
}

#[test]
fn microsecond_arithmetic_is_the_originals() {
    assert_eq!(add_microseconds("2014-08-01T17:09:59.941616", 1).unwrap(), "2014-08-01T17:09:59.941617");
    assert_eq!(add_microseconds("2014-08-01T17:09:59.000000", -1).unwrap(), "2014-08-01T17:09:58.999999");
    assert_eq!(add_microseconds("2014-12-31T23:59:59.999999", 1).unwrap(), "2015-01-01T00:00:00.000000");
    assert_eq!(add_microseconds("2014-08-01T17:09:59", 1).unwrap(), "2014-08-01T17:09:59.000001");
    // No carry: string arithmetic on the digits, as the original does.
    assert_eq!(add_microseconds("2014-08-01T17:09:59.5", 1).unwrap(), "2014-08-01T17:09:59.000006");
    assert!(add_microseconds("2014-08-01T17:09:59.941616Z", 1).is_err());
    assert_eq!(mysql_datetime_to_iso("2014-06-27 16:02:38").as_deref(), Some("2014-06-27T16:02:38.000000"));
    assert_eq!(mysql_datetime_to_iso("2014-06-27 16:02:38.5").as_deref(), Some("2014-06-27T16:02:38.500000"));
    assert_eq!(mysql_datetime_to_iso("2014-06-27 16:02:38.000000").as_deref(), Some("2014-06-27T16:02:38.000000"));
    assert_eq!(mysql_datetime_to_iso("\\N"), None);
}

/// A reducer input row: (course, user, timestamp, type, mode) and, for validations, (active, created, start, end).
fn ev(user: &str, ts: &str, et: &str, mode: &str) -> Row {
    row(&[DEMO, user, ts, et, mode, "0", "\\N", "\\N", "\\N", "\\N"])
}

fn validated(user: &str, ts: &str, mode: &str, active: bool, created: &str, dump: (&str, &str)) -> Row {
    row(&[DEMO, user, ts, VALID, mode, "1", if active { "1" } else { "0" }, created, dump.0, dump.1])
}

/// (event_type, time, synthesized.reason) of each synthetic event.
type Synthetic = Vec<(String, String, String)>;

fn run(rows: Vec<Row>, a: &BTreeMap<String, String>) -> (Synthetic, Vec<(String, u64)>) {
    let (out, skipped) = run_reducer_counted("enrollment_validation", a, rows).unwrap();
    let out = out
        .iter()
        .map(|r| {
            let v: serde_json::Value = serde_json::from_str(r[1].as_deref().unwrap()).unwrap();
            (
                v["event_type"].as_str().unwrap().to_string(),
                v["time"].as_str().unwrap().to_string(),
                v["synthesized"]["reason"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    (out, skipped)
}

#[test]
fn repeated_events_need_include_nonstate_changes() {
    let rows =
        vec![ev("1", "2014-08-01T10:00:00.000000", ACT, "honor"), ev("1", "2014-08-02T10:00:00.000000", ACT, "honor")];
    let plain = reducer_args("2014-08-01", false, "");
    assert!(run(rows.clone(), &plain).0.is_empty());
    let mut with = plain.clone();
    with.insert("include_nonstate_changes".into(), "true".into());
    assert_eq!(
        run(rows, &with).0,
        vec![(DEACT.to_string(), "2014-08-01T10:00:00.000001".to_string(), "activate => activate".to_string())]
    );
}

#[test]
fn a_deactivation_first_gets_an_activation_before_it_only_with_generate_before() {
    let rows = vec![ev("1", "2014-08-03T10:00:00.000000", DEACT, "honor")];
    assert!(run(rows.clone(), &reducer_args("2014-08-01", false, "")).0.is_empty());
    assert_eq!(
        run(rows, &reducer_args("2014-08-01", true, "")).0,
        vec![(ACT.to_string(), "2014-08-03T09:59:59.999999".to_string(), "start => deactivate".to_string())]
    );
}

#[test]
fn an_active_snapshot_created_before_the_interval_is_left_alone_without_generate_before() {
    let dump = ("2014-08-05T00:00:00.000000", "2014-08-05T00:01:00.000000");
    let rows = vec![validated("1", "2014-08-05T00:01:00.000000", "honor", true, "2014-06-01T00:00:00.000000", dump)];
    assert!(run(rows.clone(), &reducer_args("2014-08-01", false, "")).0.is_empty());
    // Created inside the interval: its activation is missing.
    let inside = vec![validated("1", "2014-08-05T00:01:00.000000", "honor", true, "2014-08-02T00:00:00.000000", dump)];
    assert_eq!(
        run(inside, &reducer_args("2014-08-01", false, "")).0,
        vec![(ACT.to_string(), "2014-08-02T00:00:00.000000".to_string(), "start => validate(active)".to_string())]
    );
    // earliest_timestamp moves it later.
    let mut a = reducer_args("2014-08-01", true, "");
    a.insert("earliest_timestamp".into(), "2014-07-01T05".into());
    assert_eq!(
        run(rows, &a).0,
        vec![(ACT.to_string(), "2014-07-01T05:00:00.000000".to_string(), "start => validate(active)".to_string())]
    );
}

#[test]
fn an_event_during_the_snapshot_that_contradicts_it_moves_the_validation_before_it() {
    // The snapshot ran 10:00-10:05 and read the learner's row before the deactivation at 10:02: it says active. The
    // validation (dated at the snapshot's end) is taken as happening just before the deactivation: nothing is
    // missing (without the reordering, an activation would be missing between the deactivation and it).
    let dump = ("2014-08-05T10:00:00.000000", "2014-08-05T10:05:00.000000");
    let rows = vec![
        ev("1", "2014-08-01T09:00:00.000000", ACT, "honor"),
        validated("1", "2014-08-05T10:05:00.000000", "honor", true, "2014-08-01T09:00:00.000000", dump),
        ev("1", "2014-08-05T10:02:00.000000", DEACT, "honor"),
    ];
    assert!(run(rows, &reducer_args("2014-08-01", false, "")).0.is_empty());
}

#[test]
fn a_missing_validation_deactivates_and_a_mode_change_is_synthesized_between_modes() {
    let rows = vec![
        ev("1", "2014-08-01T09:00:00.000000", ACT, "audit"),
        ev("1", "2014-08-02T09:00:00.000000", DEACT, "verified"),
    ];
    // The learner's last state (deactivated, verified) differs in mode from the activation (audit).
    let (out, _) = run(rows.clone(), &reducer_args("2014-08-01", false, ""));
    assert_eq!(
        out,
        vec![(
            MODE.to_string(),
            "2014-08-01T09:00:00.000001".to_string(),
            "activate => deactivate (audit=>verified)".to_string()
        )]
    );
    // A learner seen only activating, without the expected validation: deactivated at the first microsecond after.
    let rows = vec![ev("2", "2014-08-01T09:00:00.000000", ACT, "honor")];
    assert_eq!(
        run(rows, &reducer_args("2014-08-01", false, "2014-08-06T00")).0,
        vec![(DEACT.to_string(), "2014-08-01T09:00:00.000001".to_string(), "activate => missing".to_string())]
    );
}

#[test]
fn bad_input_is_counted_and_skipped() {
    let rows = vec![
        // A time with `Z` (the original cannot add a microsecond to it): that event is dropped, the rest stands.
        ev("1", "2014-08-01T09:00:00.000000Z", ACT, "honor"),
        ev("1", "2014-08-02T09:00:00.000000", DEACT, "honor"),
        // A validation event without its snapshot fields.
        row(&[DEMO, "1", "2014-08-03T09:00:00.000000", VALID, "honor", "0", "\\N", "\\N", "\\N", "\\N"]),
        // A NULL and a short row.
        row(&[DEMO, "\\N", "2014-08-03T09:00:00.000000", ACT, "honor", "0", "\\N", "\\N", "\\N", "\\N"]),
        row(&[DEMO, "1"]),
    ];
    let (out, skipped) = run(rows, &reducer_args("2014-08-01", true, ""));
    assert_eq!(out.len(), 1, "the activation before the deactivation, generated");
    let skipped: BTreeMap<String, u64> = skipped.into_iter().collect();
    assert_eq!(skipped.get("bad_timestamp"), Some(&1));
    assert_eq!(skipped.get("incomplete_validation"), Some(&1));
    assert_eq!(skipped.get("null_value"), Some(&1));
    assert_eq!(skipped.get("wrong_column_count"), Some(&1));
    // A validation without a creation time where the original needs it (active, generate_before): the group writes
    // nothing.
    let dump = ("2014-08-05T00:00:00.000000", "2014-08-05T00:01:00.000000");
    let rows = vec![validated("1", "2014-08-05T00:01:00.000000", "honor", true, "\\N", dump)];
    let (out, skipped) = run(rows, &reducer_args("2014-08-01", true, ""));
    assert!(out.is_empty());
    assert_eq!(skipped, vec![("bad_timestamp".to_string(), 1)]);
    // Arguments are checked.
    assert!(
        run_reducer_counted("enrollment_validation", &reducer_args("2014-08-01", true, "2014-08-06"), vec![]).is_err()
    );
    assert!(run_reducer_counted("enrollment_validation", &reducer_args("08/01/2014", true, ""), vec![]).is_err());
}

#[test]
fn tuple_output_writes_the_originals_tsv_lines() {
    let rows = vec![ev("7", "2014-08-03T10:00:00.000000", DEACT, "honor")];
    let mut a = reducer_args("2014-08-01", true, "");
    a.insert("tuple_output".into(), "true".into());
    let (out, _) = run_reducer_counted("enrollment_validation", &a, rows).unwrap();
    assert_eq!(
        out,
        vec![row(&[
            "synthetic_enroll-20140803.tsv.gz",
            "edX/Open_DemoX/edx_demo_course\t7\t2014-08-03T09:59:59.999999\tedx.course.enrollment.activated\thonor\t\
             start => deactivate\tNone\t2014-08-03T10:00:00.000000",
        ])]
    );
}

#[test]
fn a_string_user_id_is_another_learner_and_is_written_back_as_a_string() {
    let line = |uid: &str| {
        format!(
            r#"{{"event_type": "{DEACT}", "time": "2014-08-03T10:00:00+00:00", "event": {{"course_id": "{DEMO}", "user_id": {uid}, "mode": "honor"}}}}"#
        )
    };
    let rows = extract(&format!("{}\n{}\n", line("5"), line("\"5\"")), "2014-08-01", "2014-08-10");
    assert_eq!(rows.len(), 2);
    let (out, _) = run_reducer_counted("enrollment_validation", &reducer_args("2014-08-01", true, ""), rows).unwrap();
    assert_eq!(out.len(), 2, "one activation per learner");
    let ids: Vec<serde_json::Value> = out
        .iter()
        .map(|r| {
            serde_json::from_str::<serde_json::Value>(r[1].as_deref().unwrap()).unwrap()["event"]["user_id"].clone()
        })
        .collect();
    assert!(ids.contains(&serde_json::json!(5)) && ids.contains(&serde_json::json!("5")), "{ids:?}");
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    /// A reducer input row of one of two learners: well-formed and odd times, every event type (an unknown one
    /// too), validations with and without their snapshot fields, NULLs.
    fn event_row() -> impl Strategy<Value = Row> {
        let time = prop_oneof![
            (1u32..9, 0u32..24, 0u32..3).prop_map(|(d, h, f)| {
                let frac = ["", ".5", ".999999"][f as usize];
                format!("2014-08-{d:02}T{h:02}:00:00{frac}")
            }),
            prop::sample::select(vec!["2014-08-03T10:00:00.000000Z", "garbage", "", "2014-08-03T23:59:59.999999"])
                .prop_map(str::to_string),
        ];
        let opt_time = proptest::option::of(time.clone());
        (
            prop::sample::select(vec!["1", "\"1\"", "2"]),
            proptest::option::of(time),
            prop::sample::select(vec![ACT, DEACT, MODE, VALID, "edx.course.enrollment.other"]),
            prop::sample::select(vec!["audit", "honor", "verified", ""]),
            prop::sample::select(vec!["0", "1"]),
            any::<bool>(),
            (opt_time.clone(), opt_time.clone(), opt_time),
        )
            .prop_map(|(user, ts, et, mode, validation, active, (created, start, end))| {
                vec![
                    s(DEMO),
                    s(user),
                    ts,
                    s(et),
                    s(mode),
                    s(validation),
                    s(if active { "1" } else { "0" }),
                    created,
                    start,
                    end,
                ]
            })
    }

    fn all_args(flags: bool) -> BTreeMap<String, String> {
        let mut a = reducer_args("2014-08-02", flags, if flags { "2014-08-06T00" } else { "" });
        if flags {
            a.insert("include_nonstate_changes".into(), "true".into());
            a.insert("earliest_timestamp".into(), "2014-08-01T12".into());
        }
        a
    }

    proptest! {
        /// No input fails or panics the reducer; every output line is an event edxc reads back.
        #[test]
        fn any_events_give_readable_events(rows in proptest::collection::vec(event_row(), 0..20), flags: bool) {
            let (out, _) = run_reducer_counted("enrollment_validation", &all_args(flags), rows).unwrap();
            let text: String = out.iter().map(|r| format!("{}\n", r[1].as_deref().unwrap())).collect();
            let back = extract(&text, "0000-01-01", "9999-12-31");
            prop_assert_eq!(back.len(), out.len(), "{}", text);
            for r in &out {
                let file = r[0].as_deref().unwrap();
                prop_assert!(file.starts_with("synthetic_enroll.log-") && !file.contains('/'), "{}", file);
            }
        }

        /// The output does not depend on the order of the input rows.
        #[test]
        fn output_independent_of_row_order(
            (rows, shuffled) in proptest::collection::vec(event_row(), 0..15)
                .prop_flat_map(|rows| (Just(rows.clone()), Just(rows).prop_shuffle())),
            flags: bool,
        ) {
            let a = all_args(flags);
            let x = run_reducer_counted("enrollment_validation", &a, rows).unwrap();
            let y = run_reducer_counted("enrollment_validation", &a, shuffled).unwrap();
            prop_assert_eq!(x, y);
        }
    }
}
