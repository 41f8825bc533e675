//! course_catalog / program_course natives over the course_runs.json fixture (expected rows worked out with the
//! original's CourseRecord / ProgramCourseRecord rules) and malformed inputs.

mod natives_support;

use edxc_map::hive_text::format_row;
use edxc_map::natives::{native, run_native, run_native_counted};
use natives_support::*;

fn catalog(input: &str) -> anyhow::Result<Vec<Row>> {
    run_native("course_catalog", &args(&[]), Some(input))
}

fn programs(input: &str) -> anyhow::Result<Vec<Row>> {
    run_native("program_course", &args(&[]), Some(input))
}

fn text(rows: &[Row]) -> Vec<String> {
    rows.iter().map(|r| format_row(r)).collect()
}

#[test]
fn course_catalog_from_fixture() {
    let rows = catalog(&conformance("fixtures/course_runs.json")).unwrap();
    assert_eq!(
        text(&rows),
        [
            // Note the duplicate "announcement" key in the first object: the last value wins.
            "edX/Open_DemoX/edx_demo_course\tedX+Open_DemoX\tAll about acceptance testing!\t2016-09-01 00:00:00.000000\t2016-12-01 00:00:00.000000\t2016-06-01 00:00:00.000000\t2016-09-01 00:00:00.000000\ten-us\tinstructor_paced\tIntermediate\tCurrent\tedX\topenedx\thttps://www.edx.org/course/all-about-acceptance-testing-edx-testing101-3t2016\t2\t4\t15\t2016-08-02 00:00:00.000000\ttest",
            "course-v1:edX+Open_DemoX+edx_demo_course2\tedX+Open_DemoX\tAll about acceptance testing!\t2016-06-01 00:00:00.000000\t2016-09-01 00:00:00.000000\t2016-03-01 00:00:00.000000\t2016-06-01 00:00:00.000000\ten-us\tself_paced\tIntroductory\tArchived\tedX\topenedx\thttps://www.edx.org/course/all-about-acceptance-testing-edx-testing101-2t2016\t3\t5\t15\t2016-06-05 00:00:00.000000\tmooc",
            "course-v1:edX+Open_DemoX+edx_demo_course3\tedX+Open_DemoX\tAll about acceptance testing!\t2016-06-01 00:00:00.000000\t2016-09-01 00:00:00.000000\t2016-03-01 00:00:00.000000\t2016-06-01 00:00:00.000000\ten-us\tself_paced\tIntroductory\tArchived\tedX\topenedx\thttps://www.edx.org/course/all-about-acceptance-testing-edx-testing101-2t2016\t3\t5\t15\t2016-06-05 00:00:00.000000\tmooc",
            "course-v1:edX+Testing102x+1T2017\tedX+Testing102\tAll about acceptance testing Part 3!\t2016-12-01 00:00:00.000000\t2017-02-01 00:00:00.000000\t2016-09-01 00:00:00.000000\t2016-12-01 00:00:00.000000\ten-us\tinstructor_paced\tAdvanced\tUpcoming\tedX\topenedx\thttps://www.edx.org/course/all-about-acceptance-testing-edx-testing-part-3-102-1t2017\t2\t5\t15\t2016-12-03 00:00:00.000000\tdemo",
        ]
    );
    let width = native("course_catalog").unwrap().output.len();
    assert!(rows.iter().all(|r| r.len() == width));
}

#[test]
fn program_course_from_fixture() {
    let rows = programs(&conformance("fixtures/course_runs.json")).unwrap();
    assert_eq!(
        rows,
        vec![
            row(&["edX/Open_DemoX/edx_demo_course", "acb243a0-1234-5abe-099e-ffcae2a340d4", "XSeries", "Testing"]),
            row(&["course-v1:edX+Testing102x+1T2017", "acb243a0-1234-5abe-099e-ffcae2a340d4", "XSeries", "Testing"]),
        ]
    );
}

#[test]
fn pretty_printed_and_concatenated_objects() {
    let one_per_line = conformance("fixtures/course_runs.json");
    let values: Vec<serde_json::Value> = one_per_line.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let pretty = values.iter().map(|v| serde_json::to_string_pretty(v).unwrap()).collect::<Vec<_>>().join("\n\n");
    let glued = values.iter().map(|v| v.to_string()).collect::<Vec<_>>().join("");
    let expected = catalog(&one_per_line).unwrap();
    assert_eq!(catalog(&pretty).unwrap(), expected);
    assert_eq!(catalog(&glued).unwrap(), expected);
    assert_eq!(catalog(&format!("\u{feff}{one_per_line}\r\n\r\n")).unwrap(), expected);
    assert_eq!(programs(&pretty).unwrap(), programs(&one_per_line).unwrap());
    assert_eq!(catalog("").unwrap(), Vec::<Row>::new());
}

#[test]
fn field_conversions() {
    let long_title = format!("  A\t\ttitle\n{}", "x".repeat(300));
    let obj = serde_json::json!({
        "key": "course-v1:Org.X+C1+R1",
        "course": "Org.X+C1",
        "title": long_title,
        "start": "2016-09-01T10:11:12.123456Z",
        "end": "2016-09-01",
        "enrollment_start": null,
        "content_language": "x".repeat(60),
        "min_effort": 0,
        "max_effort": null,
        "partner_short_code": "averylongcode",
        "programs": null
    });
    let rows = catalog(&obj.to_string()).unwrap();
    let r = &rows[0];
    let title = r[2].clone().unwrap();
    assert!(title.starts_with(" A title x"), "{title:?}");
    // truncated to 255 characters first, then whitespace runs collapsed
    assert_eq!(title.chars().count(), 255 - 2);
    assert_eq!(r[3].as_deref(), Some("2016-09-01 10:11:12.123456"));
    assert_eq!(r[4].as_deref(), Some("2016-09-01 00:00:00.000000"));
    assert_eq!(r[5], None);
    assert_eq!(r[6], None);
    assert_eq!(r[7].as_deref().map(|s| s.len()), Some(50));
    assert_eq!(r[11].as_deref(), Some("Org.X"));
    assert_eq!(r[12].as_deref(), Some("averylon"));
    assert_eq!(r[14].as_deref(), Some("0"));
    assert_eq!(r[15], None);
    assert_eq!(programs(&obj.to_string()).unwrap(), Vec::<Row>::new());

    // Unparseable key: org_id NULL. Library keys have an org.
    let rows =
        catalog(r#"{"key": "not a key", "course": "c"} {"key": "library-v1:LibOrg+lib1", "course": "c"}"#).unwrap();
    assert_eq!(rows[0][11], None);
    assert_eq!(rows[1][11].as_deref(), Some("LibOrg"));
}

fn counted(name: &str, input: &str) -> (Vec<Row>, Vec<(String, u64)>) {
    run_native_counted(name, &args(&[]), Some(input)).unwrap()
}

fn counts(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
    pairs.iter().map(|(k, n)| (k.to_string(), *n)).collect()
}

#[test]
fn malformed_inputs_are_skipped_and_counted() {
    let good = r#"{"key": "a/b/c", "course": "a+b"}"#;
    let good_row = catalog(good).unwrap();
    assert_eq!(good_row.len(), 1);
    // Each bad course run is skipped and counted; the good ones around it are kept.
    let cases: &[(&str, &str)] = &[
        ("[1, 2]", "not_an_object"),
        ("not json", "bad_json"),
        ("{\"key\": ", "bad_json"),
        (r#"{"course": "x"}"#, "missing_field"),
        (r#"{"key": null, "course": "x"}"#, "missing_field"),
        (r#"{"key": 5, "course": "x"}"#, "bad_field_type"),
        (r#"{"key": "a/b/c", "course": "a+b", "start": "2016-01-01T00:00:00+05:00"}"#, "bad_timestamp"),
        (r#"{"key": "a/b/c", "course": "a+b", "start": "2016-01-01T00:00:00.000000-05:00"}"#, "bad_timestamp"),
        (r#"{"key": "a/b/c", "course": "a+b", "start": "1850-01-01T00:00:00Z"}"#, "bad_timestamp"),
        (r#"{"key": "a/b/c", "course": "a+b", "end": 20160101}"#, "bad_timestamp"),
        (r#"{"key": "a/b/c", "course": "a+b", "min_effort": 2.5}"#, "bad_field_type"),
        (r#"{"key": "a/b/c", "course": "a+b", "title": 5}"#, "bad_field_type"),
    ];
    for (bad, reason) in cases {
        let input = format!("{good}\n{bad}\n{good}\n");
        let (rows, skipped) = counted("course_catalog", &input);
        assert_eq!(rows, [good_row.clone(), good_row.clone()].concat(), "{bad}");
        assert_eq!(skipped, counts(&[(reason, 1)]), "{bad}");
        // The old entry point no longer fails either.
        assert_eq!(catalog(&input).unwrap().len(), 2, "{bad}");
    }
    // A broken object spanning lines: reading resumes at the next line that starts an object.
    let (rows, skipped) = counted("course_catalog", &format!("{good}\n{{\"key\": \"x\",\n  \"course\": [}}\n{good}"));
    assert_eq!((rows.len(), skipped), (2, counts(&[("bad_json", 1)])));
    let (rows, skipped) = counted("course_catalog", &format!("{good} trailing garbage\n{good}\ngarbage"));
    assert_eq!((rows.len(), skipped), (2, counts(&[("bad_json", 2)])));

    let prog = |p: &str| format!(r#"{{"key": "a/b/c", "programs": [{{"uuid": "u1", "type": "t"}}, {p}]}}"#);
    for (bad, reason) in [
        (r#"{"uuid": "u"}"#, "missing_field"),
        (r#"{"uuid": "u", "type": 7}"#, "bad_field_type"),
        ("1", "bad_field_type"),
        (r#"{"uuid": "u", "type": "t", "title": ["x"]}"#, "bad_field_type"),
    ] {
        let (rows, skipped) = counted("program_course", &prog(bad));
        assert_eq!(rows, vec![row(&["a/b/c", "u1", "t", "\\N"])], "{bad}");
        assert_eq!(skipped, counts(&[(reason, 1)]), "{bad}");
    }
    let (rows, skipped) = counted("program_course", r#"{"key": "a/b/c", "programs": {"uuid": "u"}}"#);
    assert_eq!((rows, skipped), (vec![], counts(&[("bad_field_type", 1)])));
    let (rows, skipped) = counted("program_course", r#"{"programs": [{"uuid": "u", "type": "t"}]}"#);
    assert_eq!((rows, skipped), (vec![], counts(&[("missing_field", 1)])));

    // The caller's mistakes stay errors.
    assert!(run_native("course_catalog", &args(&[]), None).is_err());
    assert!(run_native("course_catalog", &args(&[("x", "y")]), Some(good)).is_err());
    assert!(run_native("nope", &args(&[]), Some(good)).is_err());
    assert!(run_native_counted("calendar", &args(&[("interval", "2014-13")]), None).is_err());
}
