//! Per-workflow extractors of docs/contract.md §3 (beyond enrollment / user_activity), each rule with the
//! exact event line it covers.

mod mapper_common;

use edxc_map::events::{extractor_columns, ScanOptions};
use mapper_common::{run, run_ccx, run_opts};

fn cols(line: &str) -> Vec<String> {
    line.split('\t').map(str::to_string).collect()
}

// ------------------------------------------------------------------ video (§3.3)

const PLAY: &str = r#"{"username": "staff", "event_source": "browser", "event_type": "play_video", "time": "2014-05-01T10:00:00.500000+00:00", "context": {"user_id": 4, "course_id": "edX/DemoX/Demo_Course"}, "page": "https://x/courses/edX/DemoX/Demo_Course/courseware/a/b/", "event": "{\"id\": \"i4x-edX-DemoX-video-3cb5\", \"currentTime\": 12.5, \"code\": \"YT123\", \"duration\": 24}"}"#;

#[test]
fn video_play_record() {
    assert_eq!(
        run("video", PLAY),
        ["4\tedX/DemoX/Demo_Course\ti4x-edX-DemoX-video-3cb5\t2014-05-01T10:00:00.500000\tplay_video\t12.5\t\\N\tYT123\t24\t2014-05-01"]
    );
}

#[test]
fn video_codes_are_not_youtube_ids_and_duration_defaults() {
    let line = PLAY.replace("YT123", "html5").replace(r#", \"duration\": 24"#, "");
    let c = cols(&run("video", &line)[0]);
    assert_eq!((c[7].as_str(), c[8].as_str()), ("\\N", "-1"));
    let line = PLAY.replace(r#"\"duration\": 24"#, r#"\"duration\": null"#);
    assert_eq!(cols(&run("video", &line)[0])[8], "-1");
}

#[test]
fn video_offsets_are_checked() {
    for bad in [
        r#"\"currentTime\": -1"#,
        r#"\"currentTime\": 36000.5"#,
        r#"\"currentTime\": \"abc\""#,
        r#"\"currentTime\": null"#,
        r#"\"currentTime\": \"nan\""#,
    ] {
        let line = PLAY.replace(r#"\"currentTime\": 12.5"#, bad);
        assert!(run("video", &line).is_empty(), "{bad}");
    }
    let line = PLAY.replace(r#"\"currentTime\": 12.5"#, r#"\"currentTime\": \" 7 \""#);
    assert_eq!(cols(&run("video", &line)[0])[5], "7");
}

#[test]
fn video_pause_defaults_to_zero_and_seek_needs_both() {
    let pause = PLAY.replace("play_video", "pause_video").replace(r#"\"currentTime\": 12.5, "#, "");
    assert_eq!(cols(&run("video", &pause)[0])[5], "0");
    let seek = PLAY
        .replace("play_video", "seek_video")
        .replace(r#"\"currentTime\": 12.5"#, r#"\"old_time\": 3, \"new_time\": 9.25"#);
    let c = cols(&run("video", &seek)[0]);
    assert_eq!((c[5].as_str(), c[6].as_str(), c[7].as_str()), ("9.25", "3", "\\N"));
    let seek = PLAY.replace("play_video", "seek_video").replace(r#"\"currentTime\": 12.5"#, r#"\"new_time\": 9.25"#);
    assert!(run("video", &seek).is_empty());
}

#[test]
fn video_needs_truthy_int_user_id_module_id_and_raw_substring() {
    assert!(run("video", &PLAY.replace(r#""user_id": 4"#, r#""user_id": "x""#)).is_empty());
    assert_eq!(cols(&run("video", &PLAY.replace(r#""user_id": 4"#, r#""user_id": "12""#))[0])[0], "12");
    assert!(run("video", &PLAY.replace("i4x-edX-DemoX-video-3cb5", "  ")).is_empty());
    // escaped `_video`: the original rejects the line before decoding
    assert!(run("video", &PLAY.replace("play_video", "play\\u005fvideo")).is_empty());
}

// ------------------------------------------------------------------ problem_check / problem_response (§3.4, §3.5)

const CHECK: &str = r#"{"username": "staff", "event_source": "server", "event_type": "problem_check", "time": "2014-05-15T17:56:09.634241+00:00", "context": {"course_id": "course-v1:AcceptanceX+DemoX+T1_2014", "user_id": 4, "module": {"display_name": "Q"}}, "event": {"problem_id": "block-v1:AcceptanceX+DemoX+T1_2014+type@problem+block@p1", "answers": {"p1_2_1": "choice_1"}, "success": "correct", "grade": 1, "max_grade": 1}}"#;

#[test]
fn problem_check_record() {
    let out = run("problem_check", CHECK);
    assert_eq!(out.len(), 1);
    let c = cols(&out[0]);
    assert_eq!(c[0], "course-v1:AcceptanceX+DemoX+T1_2014");
    assert_eq!(c[1], "block-v1:AcceptanceX+DemoX+T1_2014+type@problem+block@p1");
    assert_eq!(c[2], "staff");
    assert_eq!(c[3], "2014-05-15T17:56:09.634241");
    let v: serde_json::Value = serde_json::from_str(&c[4]).unwrap();
    assert_eq!(v["answers"]["p1_2_1"], "choice_1");
    assert_eq!(v["timestamp"], "2014-05-15T17:56:09.634241");
    assert_eq!(v["username"], "staff");
    assert_eq!(v["context"]["module"]["display_name"], "Q");
    assert_eq!(c[5], "2014-05-15");
    assert_eq!(run("problem_response", CHECK), out);
}

#[test]
fn problem_check_requirements() {
    // browser problem_check, implicit URL events, missing answers, non-dict answers, bad ids
    for (from, to) in [
        (r#""event_source": "server""#, r#""event_source": "browser""#),
        (r#""answers": {"p1_2_1": "choice_1"}"#, r#""answers": {}"#),
        (r#""answers": {"p1_2_1": "choice_1"}"#, r#""answers": "p1=choice_1""#),
        (r#""answers": {"p1_2_1": "choice_1"}"#, r#""answers": {"p1\t2": "x"}"#),
        (r#""answers": {"p1_2_1": "choice_1"}"#, r#""answers": {"p\u00e9": "x"}"#),
        (r#""success": "correct""#, r#""submission": [1]"#),
        (r#""course_id": "course-v1:AcceptanceX+DemoX+T1_2014""#, r#""course_id": """#),
        (r#""username": "staff", "#, ""),
        (r#""time": "2014-05-15T17:56:09.634241+00:00""#, r#""time": "2014-05-15T17:56:09Z""#),
    ] {
        let line = CHECK.replace(from, to);
        assert_ne!(line, CHECK);
        assert!(run("problem_check", &line).is_empty(), "{to}");
    }
    // zero microseconds are omitted (isoformat)
    let line = CHECK.replace("17:56:09.634241", "17:56:09");
    assert_eq!(cols(&run("problem_check", &line)[0])[3], "2014-05-15T17:56:09");
}

#[test]
fn problem_response_needs_a_non_empty_username() {
    let line = CHECK.replace(r#""username": "staff""#, r#""username": "  ""#);
    assert!(run("problem_response", &line).is_empty());
    assert_eq!(run("problem_check", &line).len(), 1);
}

// ------------------------------------------------------------------ location (§3.6)

#[test]
fn location_record_and_rules() {
    let line = r#"{"username": "u", "event_source": "server", "event_type": "/courses/edX/DemoX/T1/info", "ip": "127.0.0.1", "time": "2014-07-21T10:00:00+00:00", "context": {"user_id": "12", "course_id": "edX/DemoX/T1"}}"#;
    assert_eq!(run("location", line), ["2014-07-21T10:00:00.000000\t127.0.0.1\t12\tedX/DemoX/T1\t2014-07-21"]);
    // no context course id → NULL (no URL fallback)
    let l2 = line.replace(r#", "course_id": "edX/DemoX/T1""#, "");
    assert_eq!(cols(&run("location", &l2)[0])[3], "\\N");
    assert!(run("location", &line.replace("127.0.0.1", "")).is_empty());
    assert!(run("location", &line.replace(r#""12""#, r#""x12""#)).is_empty());
}

// ------------------------------------------------------------------ module engagement (§3.7)

#[test]
fn module_engagement_actions() {
    let check = CHECK.replace(r#""success": "correct""#, r#""success": "CORRECT""#);
    assert_eq!(
        run("module_engagement", &check),
        [
            "course-v1:AcceptanceX+DemoX+T1_2014\tstaff\t2014-05-15\tproblem\tblock-v1:AcceptanceX+DemoX+T1_2014+type@problem+block@p1\tcompleted\t2014-05-15".to_string(),
            "course-v1:AcceptanceX+DemoX+T1_2014\tstaff\t2014-05-15\tproblem\tblock-v1:AcceptanceX+DemoX+T1_2014+type@problem+block@p1\tattempted\t2014-05-15".to_string(),
        ]
    );
    let c = cols(&run("module_engagement", PLAY)[0]);
    assert_eq!((c[3].as_str(), c[4].as_str(), c[5].as_str()), ("video", "i4x-edX-DemoX-video-3cb5", "viewed"));
    let forum = r#"{"username": "bob", "event_source": "server", "event_type": "edx.forum.comment.created", "time": "2015-04-13T10:00:00+00:00", "context": {"course_id": "edX/DemoX/T1"}, "event": {"commentable_id": "c1"}}"#;
    assert_eq!(
        run("module_engagement", forum),
        ["edX/DemoX/T1\tbob\t2015-04-13\tdiscussion\tc1\tcontributed\t2015-04-13"]
    );
    assert!(run("module_engagement", &forum.replace(".created", ".voted")).is_empty());
    // anonymous events are kept with an empty username; > 30 characters are dropped
    assert_eq!(cols(&run("module_engagement", &forum.replace("\"bob\"", "\"\""))[0])[1], "");
    assert!(run("module_engagement", &forum.replace("bob", &"b".repeat(31))).is_empty());
}

// ------------------------------------------------------------------ student engagement (§3.11)

#[test]
fn student_engagement_records() {
    let c = cols(&run("student_engagement", CHECK)[0]);
    assert_eq!(&c[2..5], ["block-v1:AcceptanceX+DemoX+T1_2014+type@problem+block@p1", "problem_check", "true"]);
    let view = r#"{"username": "bob", "event_source": "server", "event_type": "/courses/edX/DemoX/T1/courseware/ch1/seq1/", "time": "2015-04-13T10:00:00.25+00:00", "context": {"course_id": "edX/DemoX/T1"}, "event": "{\"POST\": {}, \"GET\": {}}"}"#;
    assert_eq!(
        run("student_engagement", view),
        ["edX/DemoX/T1\tbob\t\tmarker:last_subsection_viewed\t\\N\t/courses/edX/DemoX/T1/courseware/ch1/seq1/\t2015-04-13T10:00:00.25\t\\N\t\\N\t2015-04-13"]
    );
    let vote = r#"{"username": "bob", "event_source": "server", "event_type": "edx.forum.thread.voted", "time": "2015-04-13T10:00:00+00:00", "context": {"course_id": "edX/DemoX/T1"}, "event": {"vote_value": "up", "target_username": "alice"}}"#;
    assert_eq!(
        run("student_engagement", vote),
        [
            "edX/DemoX/T1\tbob\t\tedx.forum.thread.voted\t\\N\t\\N\t\\N\tup\tfalse\t2015-04-13",
            "edX/DemoX/T1\talice\t\tedx.forum.thread.vote_received\t\\N\t\\N\t\\N\tup\tfalse\t2015-04-13",
        ]
    );
    assert!(run("student_engagement", &vote.replace("\"up\"", "\"sideways\"")).is_empty());
    // course id from the context only
    let l = view.replace(r#""course_id": "edX/DemoX/T1""#, r#""course_id": """#);
    assert!(run("student_engagement", &l).is_empty());
}

// ------------------------------------------------------------------ tags (§3.9)

#[test]
fn tags_record() {
    let line = CHECK.replace(
        r#""module": {"display_name": "Q"}"#,
        r#""asides": {"tagging_aside": {"saved_tags": {"difficulty": "hard", "lo": ["a", "b"]}}}"#,
    );
    assert_eq!(
        run("tags", &line),
        [
            r#"course-v1:AcceptanceX+DemoX+T1_2014	AcceptanceX	block-v1:AcceptanceX+DemoX+T1_2014+type@problem+block@p1	2014-05-15T17:56:09.634241	{"difficulty": "hard", "lo": ["a", "b"]}	true	2014-05-15"#
        ]
    );
    let c = cols(&run("tags", CHECK)[0]);
    assert_eq!((c[4].as_str(), c[5].as_str()), ("{}", "true"));
}

// ------------------------------------------------------------------ event export (§3.12)

#[test]
fn event_export_uses_received_at_and_raw_line() {
    let line = r#"  {"username": "bob", "event_source": "mobile", "event_type": "video_played", "time": "2014-05-10T10:00:00+00:00", "context": {"course_id": "edX/DemoX/T1", "received_at": "2014-05-16T00:00:01+00:00"}, "event": {"a": "tab\tx"}}  "#;
    assert_eq!(run("event_export", line), [format!("edX/DemoX/T1\t{}\t2014-05-16", line.trim().replace('\\', "\\\\"))]);
    let opts = ScanOptions {
        interval: Some(("2014-05-10".into(), "2014-05-11".into())),
        ccx_enabled: false,
        ..Default::default()
    };
    assert!(run_opts(&["event_export"], line.as_bytes(), &opts).0.is_empty());
    let ccx = r#"{"event_source": "browser", "event_type": "edx.ui.lms.link_clicked", "time": "2014-05-27T04:59:25+00:00", "context": {"course_id": "ccx-v1:AcceptanceX+Demo_ccx+T2_2014+ccx@101"}}"#;
    assert!(run("event_export", ccx).is_empty());
    assert_eq!(run_ccx("event_export", ccx).len(), 1);
}

// ------------------------------------------------------------------ one pass, many outputs

#[test]
fn one_pass_tags_records_with_the_extractor_name() {
    let (out, c) = run_opts(&["enrollment", "user_activity", "video"], PLAY.as_bytes(), &ScanOptions::default());
    assert_eq!(out.len(), 3);
    assert!(out[0].starts_with("user_activity\t4\t"));
    assert!(out[2].starts_with("video\t4\t"));
    assert_eq!((c.emitted("enrollment"), c.emitted("user_activity"), c.emitted("video")), (0, 2, 1));
    for line in &out {
        let name = line.split('\t').next().unwrap();
        let width = extractor_columns(name).unwrap().len();
        assert_eq!(line.split('\t').count(), width + 2, "{line}");
    }
}

#[test]
fn video_user_id_true_is_kept_like_the_original() {
    // `isinstance(True, int)` holds in Python, so the original keeps `True` as the user id.
    let line = PLAY.replace(r#""user_id": 4"#, r#""user_id": true"#);
    assert_eq!(cols(&run("video", &line)[0])[0], "True");
    let line = PLAY.replace(r#""user_id": 4"#, r#""user_id": 7.9"#);
    assert_eq!(cols(&run("video", &line)[0])[0], "7");
}

/// Records of one extractor out of a tagged one-pass run.
fn of(out: &[String], extractor: &str) -> Vec<String> {
    let prefix = format!("{extractor}\t");
    out.iter().filter_map(|l| l.strip_prefix(&prefix).map(str::to_string)).collect()
}

#[test]
fn deferred_prefilters_keep_the_raw_byte_rule() {
    // With event_export in the pass every line is decoded, so video and problem_check test the event type before
    // searching the raw line; the raw-byte rule of the original must still decide.
    let no_raw_needle = PLAY.replace(r#""event_type": "play_video""#, r#""event_type": "play\u005fvideo""#);
    let escaped_play = no_raw_needle.replace("video-3cb5", "x_video_3cb5");
    let check_escaped = CHECK.replace(r#""event_type": "problem_check""#, r#""event_type": "problem\u005fcheck""#);
    let page_says_video = PLAY.replace("play_video", "load_video").replace("/courseware/a/b/", "/play_video/");
    let input = [PLAY, &escaped_play, &no_raw_needle, CHECK, &check_escaped, &page_says_video].join("\n");
    let all = ["video", "problem_check", "event_export"];
    let (out, _) = run_opts(&all, input.as_bytes(), &ScanOptions::default());
    for extractor in ["video", "problem_check"] {
        let alone = run_opts(&[extractor], input.as_bytes(), &ScanOptions::default()).0;
        assert_eq!(of(&out, extractor), alone, "{extractor}");
    }
    // PLAY, and the escaped type whose line still holds `_video` (the `\u005f` escape lets the quick check pass).
    assert_eq!(of(&out, "video").len(), 2);
    // The escaped `problem\u005fcheck` has no raw `problem_check`: rejected, as by the original's substring test.
    assert_eq!(of(&out, "problem_check").len(), 1);
    assert_eq!(of(&out, "event_export").len(), 6);
}
