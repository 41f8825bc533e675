//! run_reducer's output does not depend on the order of its input rows; stream_reducer agrees with run_reducer;
//! arbitrary rows never panic.

mod natives_support;

use edxc_map::natives::{run_reducer, stream_reducer};
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

fn rows_and_shuffle() -> impl Strategy<Value = (Vec<Row>, Vec<Row>)> {
    proptest::collection::vec(event_row(), 0..25).prop_flat_map(|rows| (Just(rows.clone()), Just(rows).prop_shuffle()))
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

    #[test]
    fn arbitrary_rows_never_panic(
        rows in proptest::collection::vec(
            proptest::collection::vec(proptest::option::of("[-0-9T:.a-z ]{0,30}"), 0..7), 0..10)
    ) {
        for name in ["enrollment_days", "enrollment_summary"] {
            let _ = run_reducer(name, &args(&[("end", "2014-01-08")]), rows.clone());
        }
    }

    #[test]
    fn arbitrary_catalog_text_never_panics(text in ".{0,200}") {
        let _ = edxc_map::natives::run_native("course_catalog", &args(&[]), Some(&text));
        let _ = edxc_map::natives::run_native("program_course", &args(&[]), Some(&text));
    }

    #[test]
    fn arbitrary_intervals_never_panic(interval in "[0-9W\\-é]{0,22}") {
        let _ = edxc_map::natives::run_native("calendar", &args(&[("interval", &interval)]), None);
    }
}
