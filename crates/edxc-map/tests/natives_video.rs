//! video_viewing / video_usage (docs/contract.md §3.3 steps A-C) against the video acceptance scenario, and the
//! state machine's and the segment rules' edge cases (§6.12 tie order among them).

mod natives_support;

use edxc_map::hive_text::{format_row, split_line};
use edxc_map::natives::{run_reducer, run_reducer_counted, stream_reducer_counted};
use natives_support::*;
use std::collections::BTreeMap;

const C: &str = "edX/DemoX/Demo_Course";
const V: &str = "i4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255";

fn interval(start: &str, end: &str) -> BTreeMap<String, String> {
    args(&[("start", start), ("end", end)])
}

fn threshold(t: &str) -> BTreeMap<String, String> {
    args(&[("dropoff_threshold", t)])
}

/// The `video` extractor's records for the scenario's log (checked against the extractor by mapper_fixtures.rs),
/// without the partition date.
fn scenario_events() -> Vec<Row> {
    let path = format!("{}/tests/fixtures/mapper/video_timeline.video.expected", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    text.lines()
        .map(|l| {
            let mut r = split_line(l);
            r.pop();
            r
        })
        .collect()
}

/// An extractor record: `(user, course, video, timestamp, event_type, current_time, old_time, youtube_id, duration)`.
fn ev(user: &str, ts: &str, event_type: &str, current: &str, old: &str, duration: &str) -> Row {
    row(&[user, C, V, ts, event_type, current, old, "\\N", duration])
}

fn t(second: u32) -> String {
    format!("2014-05-02T10:00:{second:02}.000000")
}

fn play(user: &str, second: u32, current: &str) -> Row {
    ev(user, &t(second), "play_video", current, "\\N", "-1")
}

fn pause(user: &str, second: u32, current: &str) -> Row {
    ev(user, &t(second), "pause_video", current, "\\N", "-1")
}

fn seek(user: &str, second: u32, old: &str, new: &str) -> Row {
    ev(user, &t(second), "seek_video", new, old, "-1")
}

/// Viewings as `start_offset-end_offset/ending_event_type`.
fn viewings(events: Vec<Row>) -> Vec<String> {
    let out = run_reducer("video_viewing", &interval("2014-05-01", "2014-05-06"), events).unwrap();
    out.iter()
        .map(|r| format!("{}-{}/{}", r[5].as_deref().unwrap(), r[6].as_deref().unwrap(), r[7].as_deref().unwrap()))
        .collect()
}

/// A viewing row: `(user, course, video, duration, start_timestamp, start_offset, end_offset, ending_event_type)`.
fn viewing(user: &str, video: &str, duration: &str, start: &str, end: &str) -> Row {
    row(&[user, C, video, duration, "2014-05-02T10:00:00", start, end, "pause_video"])
}

/// Usage rows as `segment:num_users/num_views`, and the per-video columns of the first row
/// `(duration, users_at_start, users_at_end)`.
fn usage(rows: Vec<Row>, dropoff: &str) -> (Vec<String>, (String, String, String)) {
    let out = run_reducer("video_usage", &threshold(dropoff), rows).unwrap();
    let cell = |r: &Row, i: usize| r[i].clone().unwrap();
    let video = out.first().map(|r| (cell(r, 3), cell(r, 5), cell(r, 6))).unwrap_or_default();
    (out.iter().map(|r| format!("{}:{}/{}", cell(r, 7), cell(r, 8), cell(r, 9))).collect(), video)
}

#[test]
fn scenario_viewings_timeline_and_videos() {
    let (views, skipped) =
        run_reducer_counted("video_viewing", &interval("2014-05-01", "2014-05-06"), scenario_events()).unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    let text: Vec<String> = views.iter().map(|r| format_row(r)).collect();
    assert_eq!(
        text,
        [
            "10001\tcourse-v1:edX+DemoX+Test_2014\t0b9e39477cf34507a7a48f74be381fdd\t-1\t2014-05-02T17:47:25.605078\t0.0\t4.0\tstop_video",
            "10001\tcourse-v1:edX+DemoX+Test_2015\t0b9e39477cf34507a7a48f74be381fdd1\t444\t2014-05-02T17:47:25.605078\t0.0\t4.0\tstop_video",
            "10001\tedX/DemoX/Demo_Course\ti4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255\t-1\t2014-05-02T16:44:35.901775\t0.0\t14.234121\tseek_video",
            "10001\tedX/DemoX/Demo_Course\ti4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255\t-1\t2014-05-02T16:44:37.901775\t7.345\t14.234121\tseek_video",
            // The play after the forward seek reports 14 (stale): the viewing starts at the seek's new_time, 17.
            "10001\tedX/DemoX/Demo_Course\ti4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255\t-1\t2014-05-02T16:44:39.901775\t17.0\t21.4\tpause_video",
            "10001\tedX/DemoX/Demo_Course\ti4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255\t-1\t2014-05-02T16:44:41.901775\t21.4\t24.9\tpause_video",
            "10001\tedX/DemoX/Demo_Course\ti4x-edX-DemoX-video-8c0028eb2a724f48a074bc184cd8635f\t-1\t2014-05-02T19:13:16.491107\t10.0\t20.0\tpause_video",
            "10002\tedX/DemoX/Demo_Course\ti4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255\t-1\t2014-05-02T16:44:35.901775\t0.0\t9.9\tpause_video",
            "10003\tedX/DemoX/Demo_Course\ti4x-edX-DemoX-video-3cb54a11efae4ccc8a0aade24d14b255\t-1\t2014-05-02T16:44:35.901775\t15.3\t24.9\tpause_video",
        ]
    );

    let timeline = run_reducer("video_usage", &threshold("0.05"), views).unwrap();
    // video_timeline: the scenario's expected rows, exactly.
    let (header, expected) = read_csv(&conformance("scenarios/video/expected/video_timeline.csv"));
    assert_eq!(header, ["pipeline_video_id", "segment", "num_users", "num_views"]);
    let got: Vec<Row> = timeline.iter().map(|r| vec![r[0].clone(), r[7].clone(), r[8].clone(), r[9].clone()]).collect();
    assert_eq!(sorted(got), sorted(expected));
    // video: one row per video, total_viewed_seconds = views of every segment x 5.
    let mut videos: BTreeMap<Vec<Option<String>>, i64> = BTreeMap::new();
    for r in &timeline {
        *videos.entry(r[..7].to_vec()).or_default() += r[9].as_deref().unwrap().parse::<i64>().unwrap();
    }
    let got: Vec<Row> = videos
        .into_iter()
        .map(|(mut k, views)| {
            let length: i64 = k[4].as_deref().unwrap().parse().unwrap();
            k.push(Some((views * length).to_string()));
            k
        })
        .collect();
    let (_, expected) = read_csv(&conformance("scenarios/video/expected/video.csv"));
    assert_eq!(sorted(got), sorted(expected));
}

/// Hive hands the reducers typed columns back as text: DOUBLE `-1` is `-1.0`, `0` is `0.0`, events arrive in any
/// order within a key. Same viewings and the same usage rows.
#[test]
fn streamed_hive_text_gives_the_same_rows() {
    let events = scenario_events();
    let direct = run_reducer("video_viewing", &interval("2014-05-01", "2014-05-06"), events.clone()).unwrap();
    let hive_double = |c: &Option<String>| {
        c.as_ref().map(|v| if v.contains('.') || v.contains('E') { v.clone() } else { format!("{v}.0") })
    };
    let mut lines: Vec<String> = events
        .iter()
        .map(|r| {
            let r: Row = r
                .iter()
                .enumerate()
                .map(|(i, c)| if [5, 6, 8].contains(&i) { hive_double(c) } else { c.clone() })
                .collect();
            format_row(&r) + "\n"
        })
        .collect();
    // Grouped by key (user, course, video) but reversed inside each group.
    lines.sort_by(|a, b| {
        let key = |l: &str| l.split('\t').take(3).collect::<Vec<_>>().join("\t");
        key(a).cmp(&key(b)).then(b.cmp(a))
    });
    let mut out = Vec::new();
    let (n, skipped) = stream_reducer_counted(
        "video_viewing",
        &interval("2014-05-01", "2014-05-06"),
        lines.concat().as_bytes(),
        &mut out,
    )
    .unwrap();
    assert!(skipped.is_empty(), "{skipped:?}");
    assert_eq!(n as usize, direct.len());
    let streamed: Vec<Row> = String::from_utf8(out).unwrap().lines().map(split_line).collect();
    assert_eq!(sorted(streamed.clone()), sorted(direct.clone()));

    let usage_direct = run_reducer("video_usage", &threshold("0.05"), direct).unwrap();
    let mut lines: Vec<String> = streamed
        .iter()
        .map(|r| {
            let r: Row = r
                .iter()
                .enumerate()
                .map(|(i, c)| if [3, 5, 6].contains(&i) { hive_double(c) } else { c.clone() })
                .collect();
            format_row(&r) + "\n"
        })
        .collect();
    lines.sort_by_key(|l| l.split('\t').skip(1).take(2).collect::<Vec<_>>().join("\t"));
    let mut out = Vec::new();
    stream_reducer_counted("video_usage", &threshold("0.05"), lines.concat().as_bytes(), &mut out).unwrap();
    let streamed: Vec<Row> = String::from_utf8(out).unwrap().lines().map(split_line).collect();
    assert_eq!(sorted(streamed), sorted(usage_direct));
}

/// §6.12: at one timestamp a pause sorts before a play. The pause closes the viewing 0 → 10 and the play opens one
/// that never closes; in the other order the play would restart at 10 and the pause would end a 0 s viewing.
#[test]
fn pause_sorts_before_play_at_the_same_time() {
    let events = vec![play("1", 1, "10"), pause("1", 1, "10"), play("1", 0, "0")];
    assert_eq!(viewings(events), ["0.0-10.0/pause_video"]);
}

/// Offsets order as numbers where timestamp and type tie: the seek to 9 comes before the seek to 10 (text order
/// would swap them), ends the viewing at its old_time 2, and is the seek the next play trusts.
#[test]
fn tied_seeks_order_by_offset_as_numbers() {
    let events = vec![
        play("1", 0, "0"),
        seek("1", 1, "3", "10"),
        seek("1", 1, "2", "9"),
        play("1", 2, "50"),
        pause("1", 3, "20"),
    ];
    assert_eq!(viewings(events), ["0.0-2.0/seek_video", "9.0-20.0/pause_video"]);
}

#[test]
fn play_after_a_seek_starts_at_the_seek_target_but_not_after_a_pause() {
    // play -> seek -> play: the stale currentTime 10 is replaced by the seek's new_time 30.
    let events = vec![play("1", 0, "0"), seek("1", 1, "10", "30"), play("1", 2, "10"), pause("1", 3, "40")];
    assert_eq!(viewings(events), ["0.0-10.0/seek_video", "30.0-40.0/pause_video"]);
    // play -> pause -> play: the play's own currentTime.
    let events = vec![play("1", 0, "0"), pause("1", 1, "10"), play("1", 2, "12"), pause("1", 3, "40")];
    assert_eq!(viewings(events), ["0.0-10.0/pause_video", "12.0-40.0/pause_video"]);
    // play -> seek -> play -> play: the second play forgets the seek (its viewing restarts at its own time).
    let events =
        vec![play("1", 0, "0"), seek("1", 1, "10", "30"), play("1", 2, "10"), play("1", 3, "35"), pause("1", 4, "40")];
    assert_eq!(viewings(events), ["0.0-10.0/seek_video", "35.0-40.0/pause_video"]);
}

#[test]
fn viewings_the_original_drops() {
    let with_duration = |second, current: &str, d: &str| ev("1", &t(second), "play_video", current, "\\N", d);
    // Known duration 20: ending at 21 (= duration + 1) is kept, at 21.5 dropped.
    assert_eq!(viewings(vec![with_duration(0, "0", "20"), pause("1", 1, "21")]), ["0.0-21.0/pause_video"]);
    assert!(viewings(vec![with_duration(0, "0", "20"), pause("1", 1, "21.5")]).is_empty());
    // Unknown duration: no upper bound.
    assert_eq!(viewings(vec![play("1", 0, "0"), pause("1", 1, "3000")]), ["0.0-3000.0/pause_video"]);
    // Ending before the start, or less than 0.25 s after it.
    assert!(viewings(vec![play("1", 0, "10"), pause("1", 1, "5")]).is_empty());
    assert!(viewings(vec![play("1", 0, "10"), pause("1", 1, "10.2")]).is_empty());
    assert_eq!(viewings(vec![play("1", 0, "10"), pause("1", 1, "10.25")]), ["10.0-10.25/pause_video"]);
    // A dropped viewing is closed all the same: the next pause has no viewing to end.
    assert!(viewings(vec![play("1", 0, "10"), pause("1", 1, "5"), pause("1", 2, "30")]).is_empty());
    // Never closed; pause, seek and stop outside a viewing.
    assert!(viewings(vec![pause("1", 0, "5"), seek("1", 1, "5", "8"), play("1", 2, "8")]).is_empty());
    // A stop ends a viewing at its currentTime.
    let stop = ev("1", &t(1), "stop_video", "12", "\\N", "-1");
    assert_eq!(viewings(vec![play("1", 0, "2"), stop]), ["2.0-12.0/stop_video"]);
}

#[test]
fn viewings_are_filed_by_start_date_inside_the_interval() {
    let at = |ts: &str, et: &str, cur: &str| ev("1", ts, et, cur, "\\N", "-1");
    let events = vec![
        at("2014-04-30T23:59:58.000000", "play_video", "0"),
        at("2014-05-01T00:00:02.000000", "pause_video", "4"),
        at("2014-05-05T23:59:59.000000", "play_video", "10"),
        at("2014-05-06T00:00:09.000000", "pause_video", "20"),
        at("2014-05-06T00:00:10.000000", "play_video", "20"),
        at("2014-05-06T00:00:19.000000", "pause_video", "29"),
    ];
    // Started on 04-30 or 05-06: outside [05-01, 05-06). Started 05-05, ended 05-06: kept.
    assert_eq!(viewings(events), ["10.0-20.0/pause_video"]);
}

#[test]
fn start_timestamps_are_written_as_isoformat() {
    let events = vec![
        ev("1", "2014-05-02T10:00:00.000000", "play_video", "0", "\\N", "-1"),
        ev("1", "2014-05-02T10:00:05.000000", "pause_video", "5", "\\N", "-1"),
        ev("1", "2014-05-02T10:00:06.000000Z", "play_video", "5", "\\N", "-1"),
        ev("1", "2014-05-02T10:00:08.000000", "pause_video", "7", "\\N", "-1"),
    ];
    let out = run_reducer("video_viewing", &interval("2014-05-01", "2014-05-06"), events).unwrap();
    let starts: Vec<&str> = out.iter().map(|r| r[4].as_deref().unwrap()).collect();
    assert_eq!(starts, ["2014-05-02T10:00:00", "2014-05-02T10:00:06+00:00"]);
}

#[test]
fn durations_the_original_cannot_add_to_are_counted_when_the_viewing_ends() {
    let play_with = |second, d: &str| ev("1", &t(second), "play_video", "0", "\\N", d);
    // A JSON string duration (a video.js bug) and a Hive NULL: counted, the next viewing is unaffected.
    for bad in ["abc", "\\N", "nan", "inf"] {
        let events = vec![play_with(0, bad), pause("1", 1, "10"), play_with(2, "30"), pause("1", 3, "20")];
        let (out, skipped) =
            run_reducer_counted("video_viewing", &interval("2014-05-01", "2014-05-06"), events).unwrap();
        assert_eq!(out.len(), 1, "{bad}");
        assert_eq!(out[0][3].as_deref(), Some("30"), "{bad}");
        assert_eq!(skipped, [("bad_number".to_string(), 1)], "{bad}");
    }
    // Not counted when the viewing never ends.
    let (out, skipped) =
        run_reducer_counted("video_viewing", &interval("2014-05-01", "2014-05-06"), vec![play_with(0, "abc")]).unwrap();
    assert!(out.is_empty() && skipped.is_empty());
}

#[test]
fn an_unreadable_play_time_is_counted_only_if_the_viewing_would_be_written() {
    let bad = "2016-02-14T01:16:55-05:00.000000";
    let events = vec![
        ev("1", bad, "play_video", "0", "\\N", "-1"),
        ev("1", "2016-02-14T01:17:00", "pause_video", "9", "\\N", "-1"),
    ];
    let (out, skipped) = run_reducer_counted("video_viewing", &interval("2016-02-01", "2016-03-01"), events).unwrap();
    assert!(out.is_empty());
    assert_eq!(skipped, [("bad_timestamp".to_string(), 1)]);
    // Dropped anyway (ends before it starts): nothing to count.
    let events = vec![
        ev("1", bad, "play_video", "5", "\\N", "-1"),
        ev("1", "2016-02-14T01:17:00", "pause_video", "1", "\\N", "-1"),
    ];
    let (out, skipped) = run_reducer_counted("video_viewing", &interval("2016-02-01", "2016-03-01"), events).unwrap();
    assert!(out.is_empty() && skipped.is_empty(), "{skipped:?}");
}

#[test]
fn damaged_event_rows_are_counted_and_skipped() {
    let events = vec![
        play("1", 0, "0"),
        pause("1", 1, "\\N"),                          // null_value
        pause("1", 2, "ten"),                          // bad_number
        seek("1", 3, "\\N", "7"),                      // null_value: a seek needs old_time
        ev("1", &t(4), "pause_video", "8", "x", "-1"), // bad_number: old_time present but not a number
        row(&["1", C, V]),                             // wrong_column_count
        pause("1", 5, "12"),
    ];
    let (out, skipped) = run_reducer_counted("video_viewing", &interval("2014-05-01", "2014-05-06"), events).unwrap();
    assert_eq!(out.len(), 1);
    assert_eq!(out[0][6].as_deref(), Some("12.0"));
    let want: Vec<(String, u64)> = [("bad_number", 2), ("null_value", 2), ("wrong_column_count", 1)]
        .iter()
        .map(|(k, n)| (k.to_string(), *n))
        .collect();
    assert_eq!(skipped, want);
}

#[test]
fn unknown_duration_is_inferred_from_the_dropoff() {
    // 20 viewers over segments 0-2, one of them kept going to segment 3: 1 <= 20 * 0.05, so segment 2 is the last
    // one, the duration (2 + 1) * 5 - 1 = 14, and segment 3 is not reported.
    let mut rows: Vec<Row> = (0..20).map(|u| viewing(&u.to_string(), V, "-1", "0.0", "14.0")).collect();
    rows.push(viewing("0", V, "-1", "15.0", "19.0"));
    let (segments, video) = usage(rows.clone(), "0.05");
    assert_eq!(segments, ["0:20/20", "1:20/20", "2:20/20"]);
    // users_at_end: segment of max(14 - 30, 14 * 0.95) = 13.3 -> 2.
    assert_eq!(video, ("14".into(), "20".into(), "20".into()));
    // A lower threshold sees no drop: the highest viewed segment is the last.
    let (segments, video) = usage(rows, "0.01");
    assert_eq!(segments, ["0:20/20", "1:20/20", "2:20/20", "3:1/1"]);
    assert_eq!(video.0, "19");
}

#[test]
fn dropoff_compares_with_the_next_viewed_segment_above() {
    // Viewed segments 0 (10 viewers) and 4 (1 viewer), nothing between: 4 is "directly above" 0.
    let mut rows: Vec<Row> = (0..10).map(|u| viewing(&u.to_string(), V, "-1", "0.0", "3.0")).collect();
    rows.push(viewing("0", V, "-1", "20.0", "21.0"));
    let (segments, video) = usage(rows, "0.1");
    assert_eq!(segments, ["0:10/10"]);
    assert_eq!(video.0, "4");
}

#[test]
fn known_duration_cuts_the_timeline_and_unknown_wins() {
    // Duration 12: segments up to seg(12) = 2 are reported, the viewing past the end is cut at segment 2.
    let rows = vec![viewing("1", V, "12", "0.0", "12.9"), viewing("2", V, "12.5", "10.0", "13.4")];
    let (segments, video) = usage(rows.clone(), "0.05");
    assert_eq!(segments, ["0:1/1", "1:1/1", "2:2/2"]);
    // The maximum duration, as an integer; users_at_end: max(-17.5, 11.875) -> 11 -> segment 2.
    assert_eq!(video, ("12".into(), "1".into(), "2".into()));
    // Once one viewing has an unknown duration the video's is unknown (and inferred).
    let mut rows = rows;
    rows.push(viewing("3", V, "-1", "0.0", "1.0"));
    let (_, video) = usage(rows, "0.05");
    assert_eq!(video.0, "14");
    // The final segment itself not viewed: every viewed segment is reported.
    let (segments, video) = usage(vec![viewing("1", V, "444", "0.0", "4.0")], "0.05");
    assert_eq!(segments, ["0:1/1"]);
    assert_eq!(video, ("444".into(), "1".into(), "0".into()));
}

#[test]
fn usage_counts_distinct_viewers_and_every_view() {
    let rows = vec![
        viewing("1", V, "-1", "0.0", "6.0"),
        viewing("1", V, "-1", "2.0", "4.0"),
        viewing("2", V, "-1", "4.999", "5.0"),
    ];
    let (segments, _) = usage(rows, "0.05");
    assert_eq!(segments, ["0:2/3", "1:2/2"]);
}

#[test]
fn damaged_viewing_rows_are_counted_and_skipped() {
    let long = "x".repeat(250);
    let rows = vec![
        viewing("1", V, "-1", "0.0", "6.0"),
        viewing("1", V, "abc", "0.0", "6.0"),    // bad_number
        viewing("1", V, "-1", "-1.0", "6.0"),    // bad_number: offset below 0
        viewing("1", V, "-1", "0.0", "36000.5"), // bad_number: offset above 10 h
        viewing("1", V, "-1", "6.0", "2.0"),     // bad_number: ends before it starts
        viewing("1", V, "3e9", "0.0", "2.0"),    // bad_number: duration beyond INT
        viewing("\\N", V, "-1", "0.0", "2.0"),   // null_value
        viewing("1", &long, "-1", "0.0", "2.0"), // value_too_long (its own video)
    ];
    let (out, skipped) = run_reducer_counted("video_usage", &threshold("0.05"), rows).unwrap();
    assert_eq!(out.len(), 2, "{out:?}");
    assert!(out.iter().all(|r| r[2].as_deref() == Some(V)));
    let want: Vec<(String, u64)> = [("bad_number", 5), ("null_value", 1), ("value_too_long", 1)]
        .iter()
        .map(|(k, n)| (k.to_string(), *n))
        .collect();
    assert_eq!(skipped, want);
}

#[test]
fn bad_arguments_are_the_callers_error() {
    assert!(run_reducer("video_usage", &threshold("lots"), vec![]).is_err());
    assert!(run_reducer("video_usage", &threshold("-0.5"), vec![]).is_err());
    assert!(run_reducer("video_usage", &BTreeMap::new(), vec![]).is_err());
    assert!(run_reducer("video_viewing", &interval("2014-05-01", "May 6"), vec![]).is_err());
    assert!(run_reducer("video_viewing", &args(&[("start", "2014-05-01")]), vec![]).is_err());
}

mod properties {
    use super::*;
    use edxc_map::natives::stream_reducer;
    use proptest::prelude::*;

    /// A cell of either reducer's input: event types, play times (with zones, cut short), offsets and durations
    /// (valid, negative, huge, not finite, not numbers), arbitrary and over-long text, NULL.
    fn cell() -> impl Strategy<Value = Option<String>> {
        proptest::option::of(prop_oneof![
            prop::sample::select(vec!["play_video", "pause_video", "seek_video", "stop_video", "load_video"])
                .prop_map(str::to_string),
            (0u32..60, prop::sample::select(vec!["", ".5", ".000000", "Z", "-05:00", "+0100", "Z.000000"]))
                .prop_map(|(s, tail)| format!("2014-05-02T10:00:{s:02}{tail}")),
            "-?[0-9]{1,5}(\\.[0-9]{1,3})?",
            prop::sample::select(vec!["nan", "inf", "-inf", "1e400", "3e9", "-1", "-1.0", "36000.5", "True", ""])
                .prop_map(str::to_string),
            ".{0,20}",
            "[a-z]{250,300}",
        ])
    }

    /// A well-formed event of user 1..=3 on one video, in one minute.
    fn event() -> impl Strategy<Value = Row> {
        (
            1u32..4,
            0u32..20,
            prop::sample::select(vec!["play_video", "pause_video", "seek_video", "stop_video"]),
            0u32..80,
            0u32..80,
            prop::sample::select(vec!["-1", "30", "12.5", "abc"]),
        )
            .prop_map(|(user, second, et, current, old, duration)| {
                let old = if et == "seek_video" { format!("{}", f64::from(old) / 2.0) } else { "\\N".to_string() };
                let current = format!("{}", f64::from(current) / 2.0);
                ev(&user.to_string(), &t(second), et, &current, &old, duration)
            })
    }

    fn text(rows: &[Row]) -> String {
        rows.iter().map(|r| format_row(r) + "\n").collect()
    }

    proptest! {
        /// Any cells, NULLs and row widths: both reducers return rows and skip counts, in process and streaming.
        #[test]
        fn arbitrary_cells_never_fail(rows in proptest::collection::vec(proptest::collection::vec(cell(), 7..11), 0..20)) {
            for (name, a) in [("video_viewing", interval("2014-05-01", "2014-05-06")), ("video_usage", threshold("0.05"))] {
                prop_assert!(run_reducer_counted(name, &a, rows.clone()).is_ok());
                let mut grouped = rows.clone();
                grouped.sort_by(|p, q| p.get(..3).cmp(&q.get(..3)));
                prop_assert!(stream_reducer_counted(name, &a, text(&grouped).as_bytes(), Vec::new()).is_ok());
            }
        }

        /// The rows do not depend on the order events arrive in, and streaming key-grouped input gives the same.
        #[test]
        fn order_of_events_does_not_matter(rows in proptest::collection::vec(event(), 0..30).prop_shuffle()) {
            let a = interval("2014-05-01", "2014-05-06");
            let mut reversed = rows.clone();
            reversed.reverse();
            let x = run_reducer("video_viewing", &a, rows.clone()).unwrap();
            prop_assert_eq!(&x, &run_reducer("video_viewing", &a, reversed).unwrap());
            let mut grouped = rows;
            grouped.sort_by(|p, q| p[0].cmp(&q[0]));
            let mut out = Vec::new();
            stream_reducer("video_viewing", &a, text(&grouped).as_bytes(), &mut out).unwrap();
            prop_assert_eq!(String::from_utf8(out).unwrap(), text(&x));

            for v in &x {
                let (start, end): (f64, f64) = (v[5].as_deref().unwrap().parse().unwrap(), v[6].as_deref().unwrap().parse().unwrap());
                prop_assert!(end - start >= 0.25);
            }
            let t = threshold("0.05");
            let mut shuffled = x.clone();
            shuffled.reverse();
            let usage = run_reducer("video_usage", &t, x).unwrap();
            prop_assert_eq!(&usage, &run_reducer("video_usage", &t, shuffled).unwrap());
            for r in &usage {
                let n = |i: usize| r[i].as_deref().unwrap().parse::<i64>().unwrap();
                prop_assert!(n(8) >= 1 && n(9) >= n(8) && n(5) >= 0 && n(6) >= 0);
            }
        }
    }
}
