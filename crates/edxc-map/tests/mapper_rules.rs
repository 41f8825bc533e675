//! One test per rule of docs/contract.md §1, each with the exact event line it covers.

mod mapper_common;

use edxc_map::events::course_id::{filename_safe_course_id, is_valid_course_id, org_id};
use edxc_map::events::event::{parse_line, Event, LineError};
use edxc_map::events::time::{event_time, event_time_string};
use edxc_map::events::ScanOptions;
use mapper_common::{run, run_ccx, run_opts};

fn event(line: &str) -> Event<'_> {
    let (text, obj) = parse_line(line.as_bytes()).expect("parses");
    Event::new(text, obj)
}

const ENROLL: &str = r#"{"username": "anonymous", "event_source": "server", "event_type": "edx.course.enrollment.activated", "context": {"course_id": "edX/Open_DemoX/edx_demo_course", "org_id": "edX"}, "time": "2014-07-30T17:09:59.941616+00:00", "ip": "", "event": {"course_id": "edX/Open_DemoX/edx_demo_course", "user_id": 5, "mode": "honor"}, "agent": "", "page": null}"#;

// ---------------------------------------------------------------- §1.1 line → event

#[test]
fn r1_1_plain_json_line() {
    assert_eq!(
        run("enrollment", ENROLL),
        ["edX/Open_DemoX/edx_demo_course\t5\t2014-07-30T17:09:59.941616\tedx.course.enrollment.activated\thonor\t2014-07-30"]
    );
}

#[test]
fn r1_1_syslog_prefixed_line() {
    let line = format!("Jul 30 17:09:59 lms-1 tracking: {ENROLL}  ");
    assert_eq!(run("enrollment", &line).len(), 1);
    let line = r#"Jun  1 00:00:01 host tracking: {"time": "2014-06-01T00:00:01+00:00", "event_type": "/courses/edX/DemoX/T1/info", "event_source": "server", "context": {"user_id": 3, "course_id": ""}}"#;
    assert_eq!(run("user_activity", line), ["3\tedX/DemoX/T1\t2014-06-01\tACTIVE\t2014-06-01"]);
}

#[test]
fn r1_1_fallback_is_applied_once_only() {
    // The captured text `{...} garbage {...}` is not JSON: no second fallback.
    let line = format!("prefix {ENROLL} junk {ENROLL}");
    let (out, c) = run_opts(&["enrollment"], line.as_bytes(), &ScanOptions::default());
    assert!(out.is_empty());
    assert_eq!(c.bad_json, 1);
}

#[test]
fn r1_1_unparseable_lines_are_counted_and_dropped() {
    let input = "\n# a comment line\n{\"event_type\": \"edx.course.enrollment.activated\", \"time\": \"2014-\n[{\"event_type\": \"edx.course.enrollment.activated\"}]\n\"edx.course.enrollment.activated\"\n";
    let (out, c) = run_opts(&["enrollment"], input.as_bytes(), &ScanOptions::default());
    assert!(out.is_empty());
    assert_eq!(c.lines, 5);
    // blank and comment lines never contain the needle: rejected before decoding, but their shape (no `{...}`)
    // still marks them as unparseable, so they count towards the bad-record threshold
    assert_eq!(c.prefiltered, 0);
    assert_eq!(c.bad_json, 5);
}

#[test]
fn r1_1_non_object_json_is_unparseable() {
    assert_eq!(parse_line(b"[1, 2, 3]").err(), Some(LineError::BadJson));
    assert_eq!(parse_line(b"\"{\\\"a\\\": 1}\"").err(), Some(LineError::BadJson));
}

#[test]
fn r1_1_invalid_utf8_and_nul() {
    let mut bad = ENROLL.as_bytes().to_vec();
    let pos = ENROLL.find("honor").unwrap();
    bad[pos] = 0xff;
    let mut nul = ENROLL.as_bytes().to_vec();
    nul[pos] = 0;
    let mut input = bad.clone();
    input.push(b'\n');
    input.extend_from_slice(&nul);
    input.push(b'\n');
    let (out, c) = run_opts(&["enrollment"], &input, &ScanOptions::default());
    assert!(out.is_empty());
    assert_eq!((c.bad_utf8, c.bad_json), (1, 1));
}

// ---------------------------------------------------------------- §1.2 payload

#[test]
fn r1_2_payload_missing_or_null() {
    let e = event(r#"{"event_type": "edx.course.enrollment.activated", "time": "2014-07-30T17:09:59+00:00"}"#);
    assert!(e.payload().is_none());
    let e = event(r#"{"event_type": "x", "event": null}"#);
    assert!(e.payload().is_none());
}

#[test]
fn r1_2_empty_string_payload_is_empty_dict() {
    let e = event(r#"{"event_type": "page_close", "event_source": "browser", "event": ""}"#);
    assert!(e.payload().expect("{}").is_empty());
}

#[test]
fn r1_2_json_string_payload_is_decoded() {
    let line = r#"{"event_type": "play_video", "event_source": "browser", "event": "{\"id\": \"i4x-edX-DemoX-video-abc\", \"currentTime\": 12.5, \"code\": \"html5\"}"}"#;
    let e = event(line);
    let p = e.payload().expect("dict");
    assert_eq!(p.get_str("id").as_deref(), Some("i4x-edX-DemoX-video-abc"));
}

#[test]
fn r1_2_truncated_post_payload_is_rejected() {
    let body = format!("POST {}", "x".repeat(507));
    assert_eq!(body.chars().count(), 512);
    let line = format!(r#"{{"event_type": "/courses/a/b/c/xblock", "event": "{body}"}}"#);
    assert!(event(&line).payload().is_none());
    // 511 characters: decoded as JSON (and fails, not a dict)
    let line = format!(r#"{{"event_type": "x", "event": "{}"}}"#, &body[..511]);
    assert!(event(&line).payload().is_none());
}

#[test]
fn r1_2_key_value_payload_is_rejected() {
    let line = r#"{"event_type": "problem_check", "event_source": "browser", "event": "input_i4x-a-b-problem-c_2_1=choice_1"}"#;
    assert!(event(line).payload().is_none());
}

#[test]
fn r1_2_list_and_scalar_payloads_are_rejected() {
    assert!(event(r#"{"event": [{"a": 1}]}"#).payload().is_none());
    assert!(event(r#"{"event": 5}"#).payload().is_none());
    assert!(event(r#"{"event": "not json"}"#).payload().is_none());
    assert!(event(r#"{"event": "[1, 2]"}"#).payload().is_none());
    assert!(event(r#"{"event": {}}"#).payload().is_some());
}

#[test]
fn r1_2_enrollment_without_payload_is_dropped() {
    let line = r#"{"event_source": "server", "event_type": "edx.course.enrollment.activated", "time": "2014-07-30T17:09:59.941616+00:00", "event": "user_id=5&mode=honor"}"#;
    assert!(run("enrollment", line).is_empty());
}

// ---------------------------------------------------------------- §1.3 timestamps

#[test]
fn r1_3_time_string_keeps_microseconds_and_cuts_offset() {
    assert_eq!(event_time_string("2014-08-01T17:09:59.941616+00:00"), "2014-08-01T17:09:59.941616");
}

#[test]
fn r1_3_time_string_without_fraction_gets_zeros() {
    let line = r#"{"event_source": "server", "event_type": "edx.course.enrollment.deactivated", "time": "2014-08-01T17:09:59+00:00", "event": {"course_id": "course-v1:edX+DemoX+T1", "user_id": "7", "mode": "verified"}}"#;
    assert_eq!(
        run("enrollment", line),
        ["course-v1:edX+DemoX+T1\t7\t2014-08-01T17:09:59.000000\tedx.course.enrollment.deactivated\tverified\t2014-08-01"]
    );
}

#[test]
fn r1_3_z_and_negative_offsets_are_not_removed() {
    let line = r#"{"event_type": "edx.course.enrollment.activated", "time": "2014-08-01T17:09:59.5-05:00", "event": {"course_id": "a/b/c", "user_id": 1, "mode": "honor"}}"#;
    assert_eq!(
        run("enrollment", line),
        ["a/b/c\t1\t2014-08-01T17:09:59.5-05:00\tedx.course.enrollment.activated\thonor\t2014-08-01"]
    );
    let line = r#"{"event_type": "edx.course.enrollment.activated", "time": "2014-08-01T17:09:59Z", "event": {"course_id": "a/b/c", "user_id": 1, "mode": "honor"}}"#;
    assert_eq!(
        run("enrollment", line),
        ["a/b/c\t1\t2014-08-01T17:09:59Z.000000\tedx.course.enrollment.activated\thonor\t2014-08-01"]
    );
}

#[test]
fn r1_3_get_event_time_parses_or_fails() {
    assert_eq!(
        event_time("2014-08-01T17:09:59.941616+00:00").map(|t| t.isoformat()),
        Some("2014-08-01T17:09:59.941616".into())
    );
    // isoformat omits zero microseconds
    assert_eq!(event_time("2014-08-01T17:09:59+00:00").map(|t| t.isoformat()), Some("2014-08-01T17:09:59".into()));
    assert!(event_time("2014-08-01T17:09:59Z").is_none());
    assert!(event_time("2014-08-01T17:09:59-05:00").is_none());
}

#[test]
fn r1_3_interval_is_half_open_string_comparison() {
    let mk = |t: &str| {
        format!(
            r#"{{"event_type": "edx.course.enrollment.activated", "time": "{t}", "event": {{"course_id": "a/b/c", "user_id": 1, "mode": "honor"}}}}"#
        )
    };
    let input = [
        mk("2014-07-31T23:59:59.999999+00:00"),
        mk("2014-08-01T00:00:00+00:00"),
        mk("2014-08-06T23:59:59+00:00"),
        mk("2014-08-07T00:00:00+00:00"),
    ]
    .join("\n");
    let opts = ScanOptions {
        interval: Some(("2014-08-01".into(), "2014-08-07".into())),
        ccx_enabled: false,
        ..Default::default()
    };
    let (out, c) = run_opts(&["enrollment"], input.as_bytes(), &opts);
    let dates: Vec<&str> = out.iter().map(|l| l.rsplit('\t').next().unwrap()).collect();
    assert_eq!(dates, ["2014-08-01", "2014-08-06"]);
    assert_eq!(c.filtered, 2);
}

#[test]
fn r1_3_missing_or_empty_time_is_dropped() {
    let input = concat!(
        r#"{"event_type": "edx.course.enrollment.activated", "event": {"course_id": "a/b/c", "user_id": 1, "mode": "honor"}}"#,
        "\n",
        r#"{"event_type": "edx.course.enrollment.activated", "time": "", "event": {"course_id": "a/b/c", "user_id": 1, "mode": "honor"}}"#,
        "\n",
        r#"{"event_type": "edx.course.enrollment.activated", "time": 1406912999, "event": {"course_id": "a/b/c", "user_id": 1, "mode": "honor"}}"#,
    );
    let (out, c) = run_opts(&["enrollment"], input.as_bytes(), &ScanOptions::default());
    assert!(out.is_empty());
    assert_eq!(c.no_time, 3);
}

#[test]
fn r1_3_date_is_text_before_t_without_normalisation() {
    let line = r#"{"event_type": "edx.course.enrollment.activated", "time": "2014-08-01 17:09:59", "event": {"course_id": "a/b/c", "user_id": 1, "mode": "honor"}}"#;
    assert_eq!(
        run("enrollment", line),
        ["a/b/c\t1\t2014-08-01 17:09:59.000000\tedx.course.enrollment.activated\thonor\t2014-08-01 17:09:59"]
    );
}

// ---------------------------------------------------------------- §1.4 username / user id

#[test]
fn r1_4_username_is_stripped_and_empty_is_none() {
    assert_eq!(event(r#"{"username": "  bob\n"}"#).username().as_deref(), Some("bob"));
    assert_eq!(event(r#"{"username": "   "}"#).username(), None);
    assert_eq!(event(r#"{"username": null}"#).username(), None);
}

#[test]
fn r1_4_activity_uses_context_user_id_and_requires_truthy() {
    let line = r#"{"event_type": "page_close", "event_source": "browser", "time": "2014-06-19T10:00:00+00:00", "context": {"course_id": "edX/DemoX/T1", "user_id": 0}, "event": ""}"#;
    assert!(run("user_activity", line).is_empty());
    let line = r#"{"event_type": "page_close", "event_source": "browser", "time": "2014-06-19T10:00:00+00:00", "context": {"course_id": "edX/DemoX/T1", "user_id": ""}, "event": ""}"#;
    assert!(run("user_activity", line).is_empty());
    let line = r#"{"event_type": "page_close", "event_source": "browser", "time": "2014-06-19T10:00:00+00:00", "context": {"course_id": "edX/DemoX/T1", "user_id": 42}, "event": {"user_id": 7}}"#;
    assert_eq!(run("user_activity", line), ["42\tedX/DemoX/T1\t2014-06-19\tACTIVE\t2014-06-19"]);
}

#[test]
fn r1_4_enrollment_uses_payload_user_id() {
    let line = r#"{"event_type": "edx.course.enrollment.activated", "time": "2014-08-01T17:09:59+00:00", "context": {"user_id": 99}, "event": {"course_id": "a/b/c", "user_id": 5, "mode": "honor"}}"#;
    assert!(run("enrollment", line)[0].starts_with("a/b/c\t5\t"));
    let line = r#"{"event_type": "edx.course.enrollment.activated", "time": "2014-08-01T17:09:59+00:00", "context": {"user_id": 99}, "event": {"course_id": "a/b/c", "user_id": null, "mode": "honor"}}"#;
    assert!(run("enrollment", line).is_empty());
    let line = r#"{"event_type": "edx.course.enrollment.activated", "time": "2014-08-01T17:09:59+00:00", "event": {"course_id": "a/b/c", "user_id": 5}}"#;
    assert!(run("enrollment", line).is_empty());
}

// ---------------------------------------------------------------- §1.5 course id extraction

fn activity_course(line: &str) -> Option<String> {
    run("user_activity", line).first().map(|l| l.split('\t').nth(1).unwrap().to_string())
}

#[test]
fn r1_5_missing_context_gives_no_course_even_with_url() {
    let line = r#"{"event_type": "/courses/edX/DemoX/T1/info", "event_source": "server", "time": "2014-06-19T10:00:00+00:00"}"#;
    assert!(event(line).course_id(true, false).is_none());
}

#[test]
fn r1_5_context_course_id_is_stripped() {
    let line = r#"{"event_type": "seq_goto", "event_source": "browser", "time": "2014-06-19T10:00:00+00:00", "context": {"course_id": "  edX/DemoX/T1\n", "user_id": 4}, "page": "https://x/courses/other/course/run/"}"#;
    assert_eq!(activity_course(line).as_deref(), Some("edX/DemoX/T1"));
}

#[test]
fn r1_5_invalid_context_course_id_does_not_fall_back_to_url() {
    let line = r#"{"event_type": "/courses/edX/DemoX/T1/info", "event_source": "server", "time": "2014-06-19T10:00:00+00:00", "context": {"course_id": "not a course", "user_id": 4}}"#;
    assert_eq!(activity_course(line), None);
}

#[test]
fn r1_5_server_events_fall_back_to_event_type_url() {
    let line = r#"{"event_type": "/courses/course-v1:edX+DemoX+T1/courseware/week1/", "event_source": "server", "time": "2014-06-19T10:00:00+00:00", "context": {"course_id": "", "user_id": 4}}"#;
    assert_eq!(activity_course(line).as_deref(), Some("course-v1:edX+DemoX+T1"));
}

#[test]
fn r1_5_browser_events_fall_back_to_page_url() {
    let line = r#"{"event_type": "seq_goto", "event_source": "browser", "time": "2014-06-19T10:00:00+00:00", "context": {"user_id": 4}, "page": "https://courses.example.com/courses/edX/DemoX/Demo_Course/courseware/a/b/?x=1"}"#;
    assert_eq!(activity_course(line).as_deref(), Some("edX/DemoX/Demo_Course"));
}

#[test]
fn r1_5_mobile_and_task_events_get_no_url_fallback() {
    let line = r#"{"event_type": "/courses/edX/DemoX/T1/info", "event_source": "mobile", "time": "2014-06-19T10:00:00+00:00", "context": {"user_id": 4}, "page": "https://x/courses/edX/DemoX/T1/"}"#;
    assert_eq!(activity_course(line), None);
}

#[test]
fn r1_5_xblock_url_gives_block_course_key() {
    let line = r#"{"event_type": "xblock.render", "event_source": "browser", "time": "2014-06-19T10:00:00+00:00", "context": {"user_id": 4}, "page": "https://courses.edx.org/xblock/block-v1:edX+DemoX+T1+type@vertical+block@3848270e75f34e409eaad53a2a7f1da5?show_title=0"}"#;
    assert_eq!(activity_course(line).as_deref(), Some("course-v1:edX+DemoX+T1"));
    // an unparseable block id does not fall back to a /courses/ URL
    let line = r#"{"event_type": "xblock.render", "event_source": "browser", "time": "2014-06-19T10:00:00+00:00", "context": {"user_id": 4}, "page": "https://x/courses/edX/DemoX/T1/xblock/not+a+block"}"#;
    assert_eq!(activity_course(line), None);
}

#[test]
fn r1_5_versioned_api_paths_are_skipped() {
    let line = r#"{"event_type": "/api/courses/v1/blocks/", "event_source": "server", "time": "2014-06-19T10:00:00+00:00", "context": {"user_id": 4}}"#;
    assert_eq!(activity_course(line), None);
    let line = r#"{"event_type": "/courses/v1/edX/DemoX", "event_source": "server", "time": "2014-06-19T10:00:00+00:00", "context": {"user_id": 4}}"#;
    assert_eq!(activity_course(line), None);
}

#[test]
fn r1_5_url_course_is_canonicalised() {
    let line = r#"{"event_type": "/courses/slashes:edX+DemoX+T1/info", "event_source": "server", "time": "2014-06-19T10:00:00+00:00", "context": {"user_id": 4}}"#;
    assert_eq!(activity_course(line).as_deref(), Some("course-v1:edX+DemoX+T1"));
}

#[test]
fn r1_5_unparseable_url_course_gives_none() {
    let line = r#"{"event_type": "/courses/edX+DemoX/T1/info", "event_source": "server", "time": "2014-06-19T10:00:00+00:00", "context": {"user_id": 4}}"#;
    assert_eq!(activity_course(line), None);
}

// ---------------------------------------------------------------- §1.6 valid course ids

#[test]
fn r1_6_valid_and_invalid_ids() {
    for ok in [
        "edX/Open_DemoX/edx_demo_course",
        "edX/DemoX/",
        "course-v1:edX+Open_DemoX+edx_demo_course2",
        "course-v1:edX+DemoX+T1+branch@published",
        "course-v1:edX+DemoX+T1+branch@draft+version@519665f6223ebd6980884f2b",
        "course-v1:version@519665f6223ebd6980884f2b",
        "slashes:edX+DemoX+T1",
        "library-v1:UniX+PhysicsProbs",
    ] {
        assert!(is_valid_course_id(ok, false), "{ok}");
    }
    for bad in [
        "edX/DemoX",
        "/DemoX/T1",
        "edX/Demo X/T1",
        "edX/DemoX/T1\n",
        "course-v1:edX+DemoX",
        "course-v1:edX+DemoX+T1+",
        "course-v1:edX+DemoX+T1+version@123",
        "unknown-v1:edX+DemoX+T1",
        "ccx-v1:edX+DemoX+T1+ccx@3",
    ] {
        assert!(!is_valid_course_id(bad, false), "{bad:?}");
    }
}

#[test]
fn r1_6_library_keys_count_as_valid_course_ids() {
    let line = r#"{"event_type": "edx.course.enrollment.activated", "time": "2014-08-01T17:09:59+00:00", "event": {"course_id": "library-v1:UniX+PhysicsProbs", "user_id": 5, "mode": "honor"}}"#;
    assert_eq!(run("enrollment", line).len(), 1);
}

#[test]
fn r1_6_ccx_keys_only_when_enabled() {
    let line = r#"{"event_type": "problem_graded", "event_source": "browser", "time": "2014-05-27T10:00:00+00:00", "context": {"course_id": "ccx-v1:AcceptanceX+Demo_ccx+T2_2014+ccx@101", "user_id": 4}, "event": ""}"#;
    assert!(run("user_activity", line).is_empty());
    assert_eq!(
        run_ccx("user_activity", line),
        ["4\tccx-v1:AcceptanceX+Demo_ccx+T2_2014+ccx@101\t2014-05-27\tACTIVE\t2014-05-27"]
    );
}

#[test]
fn r1_6_org_and_filename_safe_ids() {
    assert_eq!(org_id("edX/DemoX/T1", false).as_deref(), Some("edX"));
    assert_eq!(org_id("nonsense", false), None);
    assert_eq!(filename_safe_course_id("edX/Open_DemoX/edx_demo_course", false), "edX_Open_DemoX_edx_demo_course");
    assert_eq!(filename_safe_course_id("course-v1:AcceptanceX+A101+T12014", false), "AcceptanceX_A101_T12014");
}

// ---------------------------------------------------------------- §1.8 no dedup

#[test]
fn r1_8_duplicate_lines_are_not_deduplicated() {
    let input = format!("{ENROLL}\n{ENROLL}\n");
    let (out, _) = run_opts(&["enrollment"], input.as_bytes(), &ScanOptions::default());
    assert_eq!(out.len(), 2);
}

// ---------------------------------------------------------------- §3.2 labels

#[test]
fn r3_2_activity_labels() {
    let mk = |src: &str, t: &str| {
        format!(
            r#"{{"event_type": "{t}", "event_source": "{src}", "time": "2014-06-19T10:00:00+00:00", "context": {{"course_id": "edX/DemoX/T1", "user_id": 4}}, "event": {{}}}}"#
        )
    };
    let labels = |src: &str, t: &str| -> Vec<String> {
        run("user_activity", &mk(src, t)).iter().map(|l| l.split('\t').nth(3).unwrap().to_string()).collect()
    };
    assert_eq!(labels("server", "problem_check"), ["ACTIVE", "ATTEMPTED_PROBLEM"]);
    assert_eq!(labels("browser", "problem_check"), ["ACTIVE"]);
    assert_eq!(labels("server", "edx.forum.thread.created"), ["ACTIVE", "POSTED_FORUM"]);
    assert_eq!(labels("server", "edx.forum.thread.voted"), ["ACTIVE"]);
    assert_eq!(labels("browser", "play_video"), ["ACTIVE", "PLAYED_VIDEO"]);
    assert_eq!(labels("mobile", "play_video"), ["ACTIVE", "PLAYED_VIDEO"]);
    assert_eq!(labels("server", "play_video"), ["ACTIVE"]);
    assert!(labels("task", "problem_check").is_empty());
    assert!(labels("server", "edx.course.enrollment.activated").is_empty());
}

#[test]
fn r3_2_missing_event_type_gives_no_labels() {
    let line = r#"{"event_source": "server", "time": "2014-06-19T10:00:00+00:00", "context": {"course_id": "edX/DemoX/T1", "user_id": 4}}"#;
    assert!(run("user_activity", line).is_empty());
}
