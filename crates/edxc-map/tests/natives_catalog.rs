//! course_catalog / program_course natives over the course_runs.json fixture (expected rows worked out with the
//! original's CourseRecord / ProgramCourseRecord rules) and malformed inputs.

mod natives_support;

use edxc_map::hive_text::format_row;
use edxc_map::natives::{native, run_native};
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

#[test]
fn malformed_inputs_name_the_line() {
    let err_of = |input: &str| format!("{:#}", catalog(input).unwrap_err());
    let good = r#"{"key": "a/b/c", "course": "a+b"}"#;

    let msg = err_of(&format!("{good}\n[1, 2]\n"));
    assert!(msg.contains("line 2") && msg.contains("array"), "{msg}");
    let msg = err_of(&format!("{good}\n{good}\n{{\"key\": \n"));
    assert!(msg.contains("line 4") || msg.contains("line 3"), "{msg}");
    let msg = err_of(&format!("{good}\nnot json\n"));
    assert!(msg.contains("line 2"), "{msg}");
    let msg = err_of(&format!("{good}\n{{\"course\": \"x\"}}\n"));
    assert!(msg.contains("line 2") && msg.contains("key"), "{msg}");
    let msg = err_of(r#"{"key": "a/b/c", "course": "a+b", "start": "2016-01-01T00:00:00+05:00"}"#);
    assert!(msg.contains("line 1") && msg.contains("start"), "{msg}");
    let msg = err_of(r#"{"key": "a/b/c", "course": "a+b", "start": "1850-01-01T00:00:00Z"}"#);
    assert!(msg.contains("start"), "{msg}");
    let msg = err_of(r#"{"key": "a/b/c", "course": "a+b", "min_effort": 2.5}"#);
    assert!(msg.contains("min_effort"), "{msg}");
    let msg = err_of(r#"{"key": "a/b/c", "course": "a+b", "title": 5}"#);
    assert!(msg.contains("title"), "{msg}");

    let perr = |input: &str| format!("{:#}", programs(input).unwrap_err());
    let msg = perr(r#"{"key": "a/b/c", "programs": [{"uuid": "u"}]}"#);
    assert!(msg.contains("programs[0].type"), "{msg}");
    let msg = perr(r#"{"key": "a/b/c", "programs": {"uuid": "u"}}"#);
    assert!(msg.contains("programs"), "{msg}");
    let msg = perr("{\"key\": \"a/b/c\", \"programs\": [1]}");
    assert!(msg.contains("programs[0]"), "{msg}");

    assert!(run_native("course_catalog", &args(&[]), None).is_err());
    assert!(run_native("course_catalog", &args(&[("x", "y")]), Some(good)).is_err());
    assert!(run_native("nope", &args(&[]), Some(good)).is_err());
}
