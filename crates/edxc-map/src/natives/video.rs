//! The video workflow's reducers (docs/contract.md §3.3):
//!
//! * `video_viewing`: `UserVideoViewingTask.reducer` (step A), the play/pause/seek/stop state machine that pairs a
//!   learner's events on one video into viewings, with the filing by start date of `UserVideoViewingByDateTask`
//!   (step B: only viewings that start inside the interval are kept);
//! * `video_usage`: `VideoUsageTask.reducer` (step C), views and distinct viewers per 5-second segment of each
//!   video, the duration inferred by the drop-off rule when no event carried it.
//!
//! **Event order** (§6.12). Per (user, course, video) the events are taken in the original's tuple order
//! `(timestamp, event_type, current_time, old_time, youtube_id, duration)`: text by code point, offsets as numbers,
//! a missing `old_time` / `youtube_id` before any value, a numeric duration before any other. So at one timestamp a
//! `pause_video` comes before a `play_video`, which comes before a `seek_video` and a `stop_video`.
//!
//! **No YouTube lookup.** The original asks the YouTube Data API for the duration of a YouTube video whose play
//! event carries none, but only when `[google] api_key` is configured; without it the lookup answers "unknown" (-1),
//! which is what this reducer always uses. Unknown durations are inferred from the segments instead (step C).
//!
//! **Texts written** (the original's Python 2 `str()` of its tuples): offsets with 12 significant digits (`7.345`,
//! `0.0`), so step C segments exactly the rounded values the original read back; an integral duration as an
//! integer (`-1`, `444`), any other with 12 significant digits; `start_timestamp` is the ISO form of the play's
//! time, its fraction left out when zero (`2014-05-02T16:44:35.901775`, `2014-05-02T17:00:00`).
//!
//! Skipped and counted instead of failing the run (the original job would crash on each of these):
//! * `null_value`: a NULL in a cell the original always has (every key and event column but `old_time`,
//!   `youtube_id` and `duration`; `old_time` of a seek);
//! * `bad_number`: an offset that is not a finite number (input rows); a viewing whose play carried a duration that
//!   is not a number (a non-numeric JSON string: the original's `duration + 1` fails on it), counted when the
//!   viewing ends (a numeric JSON string, which the extractor writes like the number, is read as that number);
//!   in `video_usage`, a viewing whose offsets or duration do not read as numbers, whose offsets lie outside
//!   0..=36000 s or end before they start (step A never writes those), or whose duration does not fit the result
//!   store's INT column (the original's Hive table reads such a duration as NULL);
//! * `bad_timestamp`: a viewing that would be written but whose play's time is not an ISO 8601 date and time
//!   (`YYYY-MM-DDTHH:MM:SS`, an optional fraction, an optional `Z` / `±HH:MM` / `±HHMM` zone): the original
//!   cannot render its start;
//! * `value_too_long`: every viewing of a video whose `pipeline_video_id` (`course_id|encoded_module_id`) is longer
//!   than the 255 characters its record accepts.
//!
//! Where the original silently drops a viewing, so does this: a viewing ending past `duration + 1` (known
//! duration), before its start or less than 0.25 s after it, a viewing never closed, a pause / seek / stop outside
//! a viewing, a viewing starting outside the interval.

use super::{NumberedRow, Row, Skips, BAD_NUMBER, BAD_TIMESTAMP, NULL_VALUE, VALUE_TOO_LONG};
use crate::events::json::py2_float_str;
use std::cmp::Ordering;
use std::collections::{BTreeMap, BTreeSet};

const PLAY: &str = "play_video";
const PAUSE: &str = "pause_video";
const SEEK: &str = "seek_video";
const STOP: &str = "stop_video";

/// `VIDEO_UNKNOWN_DURATION`.
pub const UNKNOWN_DURATION: f64 = -1.0;
/// `VIDEO_VIEWING_SECONDS_PER_SEGMENT`.
pub const SEGMENT_SECONDS: i64 = 5;
/// `VIDEO_VIEWING_MINIMUM_LENGTH`: shorter viewings are dropped.
const MINIMUM_VIEWING_SECONDS: f64 = 0.25;
/// `VIDEO_MAXIMUM_DURATION`: the mapper drops any offset above it (`_check_time_offset`).
const MAXIMUM_OFFSET: f64 = 36000.0;
/// `StringField(length=255)` of `pipeline_video_id`.
const MAX_ID_CHARS: usize = 255;

/// Python `float(text)` for the numbers the engines write (`7.345`, `-1`, Hive's `-1.0`, `1.0E10`), finite only.
fn number(text: &str) -> Option<f64> {
    text.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

/// Python 2 `str()` of a duration: integers as integers, anything else with 12 significant digits.
fn duration_text(d: f64) -> String {
    if d.fract() == 0.0 && d.abs() < 1e15 {
        format!("{}", d as i64)
    } else {
        py2_float_str(d)
    }
}

/// A play's duration as the reducer reads it.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Duration<'a> {
    /// A finite number; [`UNKNOWN_DURATION`] when the event had none.
    Number(f64),
    /// Anything else: text that is not a number, or NULL (how Hive reads such text in a DOUBLE column).
    NotANumber(Option<&'a str>),
}

impl Duration<'_> {
    /// Python 2 order: numbers before any other type, then by value.
    fn cmp(&self, other: &Self) -> Ordering {
        match (self, other) {
            (Duration::Number(a), Duration::Number(b)) => cmp_f64(*a, *b),
            (Duration::Number(_), Duration::NotANumber(_)) => Ordering::Less,
            (Duration::NotANumber(_), Duration::Number(_)) => Ordering::Greater,
            (Duration::NotANumber(a), Duration::NotANumber(b)) => a.cmp(b),
        }
    }
}

fn cmp_f64(a: f64, b: f64) -> Ordering {
    // Only finite values get here, so `partial_cmp` always answers.
    a.partial_cmp(&b).unwrap_or(Ordering::Equal)
}

/// One event of a (user, course, video) group.
#[derive(Debug, Clone, Copy)]
struct Event<'a> {
    timestamp: &'a str,
    event_type: &'a str,
    /// play / pause / stop: `currentTime`; seek: `new_time`.
    current_time: f64,
    /// seek: `old_time`.
    old_time: Option<f64>,
    youtube_id: Option<&'a str>,
    duration: Duration<'a>,
}

impl Event<'_> {
    /// The original's `sorted(events)` over its value tuples (§6.12).
    fn python_order(&self, other: &Self) -> Ordering {
        self.timestamp
            .cmp(other.timestamp)
            .then_with(|| self.event_type.cmp(other.event_type))
            .then_with(|| cmp_f64(self.current_time, other.current_time))
            .then_with(|| match (self.old_time, other.old_time) {
                (Some(a), Some(b)) => cmp_f64(a, b),
                (a, b) => a.is_some().cmp(&b.is_some()),
            })
            .then_with(|| self.youtube_id.cmp(&other.youtube_id))
            .then_with(|| self.duration.cmp(&other.duration))
    }
}

/// `ciso8601.parse_datetime(timestamp).isoformat()` for the time strings the mapper writes (§1.3):
/// `YYYY-MM-DDTHH:MM:SS`, an optional fraction (up to microseconds), an optional zone (`Z` becomes `+00:00`).
/// The fraction is left out when it is zero, as `isoformat()` does. `None` when the text is not such a time.
pub fn iso_timestamp(ts: &str) -> Option<String> {
    let b = ts.as_bytes();
    let digits_at = |range: std::ops::Range<usize>| b.get(range).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let shape = b.len() >= 19
        && b[4] == b'-'
        && b[7] == b'-'
        && b[10] == b'T'
        && b[13] == b':'
        && b[16] == b':'
        && digits_at(0..4)
        && digits_at(5..7)
        && digits_at(8..10)
        && digits_at(11..13)
        && digits_at(14..16)
        && digits_at(17..19);
    if !shape {
        return None;
    }
    let (date, time) = (&ts[..10], &ts[11..19]);
    super::pyfmt::parse_iso_date(date)?;
    let field = |r: std::ops::Range<usize>| ts[r].parse::<u32>().ok();
    if field(11..13)? > 23 || field(14..16)? > 59 || field(17..19)? > 59 {
        return None;
    }
    let mut rest = &ts[19..];
    let mut micros = 0u32;
    if let Some(frac) = rest.strip_prefix('.') {
        let n = frac.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 {
            return None;
        }
        // Microseconds: the first six digits, padded on the right.
        let six: String = frac[..n].chars().chain(std::iter::repeat('0')).take(6).collect();
        micros = six.parse().ok()?;
        rest = &frac[n..];
    }
    let zone = match rest.as_bytes() {
        [] => String::new(),
        [b'Z'] => "+00:00".to_string(),
        [sign @ (b'+' | b'-'), h1, h2, tail @ ..] => {
            let minutes: &[u8] = match tail {
                [b':', m1, m2] | [m1, m2] => &[*m1, *m2],
                _ => return None,
            };
            let hh = std::str::from_utf8(&[*h1, *h2]).ok()?.parse::<u32>().ok()?;
            let mm = std::str::from_utf8(minutes).ok()?.parse::<u32>().ok()?;
            if ![*h1, *h2].iter().chain(minutes).all(u8::is_ascii_digit) || hh > 23 || mm > 59 {
                return None;
            }
            let sign = if hh == 0 && mm == 0 { '+' } else { char::from(*sign) };
            format!("{sign}{hh:02}:{mm:02}")
        }
        _ => return None,
    };
    let fraction = if micros == 0 { String::new() } else { format!(".{micros:06}") };
    Some(format!("{date}T{time}{fraction}{zone}"))
}

/// `video_viewing`: viewings of one (user, course, video), filed by start date (steps A and B).
pub struct VideoViewing {
    /// `interval.date_a` and `interval.date_b` as `YYYY-MM-DD`: a viewing is kept when its start date lies in
    /// `[start, end)` (compared as text, as the original compares them).
    pub start: String,
    pub end: String,
}

/// A viewing that has started and not ended yet.
struct Open<'a> {
    /// The play's time in ISO form; `None` when it cannot be read.
    start_timestamp: Option<String>,
    start_offset: f64,
    duration: Duration<'a>,
}

/// What ending a viewing gives.
enum Ending {
    Row(Row),
    /// Dropped as the original drops it (or filed outside the interval).
    Dropped,
    /// Unusable where the original would crash: counted under this reason.
    Skipped(&'static str),
}

impl VideoViewing {
    pub fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
        let mut key: Option<(&str, &str, &str)> = None;
        let mut events: Vec<Event<'_>> = Vec::with_capacity(rows.len());
        for r in rows {
            let cell = |i: usize| r.row.get(i).and_then(|c| c.as_deref());
            let (Some(user_id), Some(course_id), Some(module_id), Some(timestamp), Some(event_type), Some(current)) =
                (cell(0), cell(1), cell(2), cell(3), cell(4), cell(5))
            else {
                skips.add(NULL_VALUE, 1);
                continue;
            };
            if event_type == SEEK && cell(6).is_none() {
                skips.add(NULL_VALUE, 1);
                continue;
            }
            let Some(current_time) = number(current) else {
                skips.add(BAD_NUMBER, 1);
                continue;
            };
            let old_time = match cell(6) {
                None => None,
                Some(text) => match number(text) {
                    Some(v) => Some(v),
                    None => {
                        skips.add(BAD_NUMBER, 1);
                        continue;
                    }
                },
            };
            let duration = match cell(8) {
                Some(text) => number(text).map_or(Duration::NotANumber(Some(text)), Duration::Number),
                None => Duration::NotANumber(None),
            };
            key.get_or_insert((user_id, course_id, module_id));
            events.push(Event { timestamp, event_type, current_time, old_time, youtube_id: cell(7), duration });
        }
        let Some(key) = key else {
            return;
        };
        events.sort_by(Event::python_order);

        // The event that ended the previous viewing, while no play has come since.
        let mut last_end: Option<&Event<'_>> = None;
        let mut viewing: Option<Open<'_>> = None;
        for ev in &events {
            if ev.event_type == PLAY {
                // A play always starts a viewing (one still open is thrown away). Right after a seek ended the
                // previous viewing, the seek's target is trusted over the play's often stale currentTime.
                let start_offset = match last_end {
                    Some(seek) if seek.event_type == SEEK => seek.current_time,
                    _ => ev.current_time,
                };
                viewing =
                    Some(Open { start_timestamp: iso_timestamp(ev.timestamp), start_offset, duration: ev.duration });
                last_end = None;
                continue;
            }
            let Some(open) = &viewing else {
                continue;
            };
            let end = match ev.event_type {
                PAUSE | STOP => ev.current_time,
                SEEK => match ev.old_time {
                    Some(t) => t,
                    None => continue,
                },
                _ => continue,
            };
            match self.end_viewing(key, open, end, ev.event_type) {
                Ending::Row(row) => out.push(row),
                Ending::Dropped => {}
                Ending::Skipped(reason) => skips.add(reason, 1),
            }
            // Closed even when not written: the original distrusts such a viewing entirely.
            viewing = None;
            last_end = Some(ev);
        }
    }

    fn end_viewing(&self, key: (&str, &str, &str), v: &Open<'_>, end: f64, event_type: &str) -> Ending {
        let duration = match v.duration {
            Duration::Number(d) => d,
            Duration::NotANumber(_) => return Ending::Skipped(BAD_NUMBER),
        };
        // The +1 absorbs rounding between an integer duration and a float offset.
        if duration != UNKNOWN_DURATION && end > duration + 1.0 {
            return Ending::Dropped;
        }
        if end < v.start_offset || end - v.start_offset < MINIMUM_VIEWING_SECONDS {
            return Ending::Dropped;
        }
        let Some(start_timestamp) = &v.start_timestamp else {
            return Ending::Skipped(BAD_TIMESTAMP);
        };
        // iso_timestamp always starts with the date.
        let date = start_timestamp.get(..10).unwrap_or_default();
        if date < self.start.as_str() || date >= self.end.as_str() {
            return Ending::Dropped;
        }
        let (user_id, course_id, module_id) = key;
        Ending::Row(vec![
            Some(user_id.to_string()),
            Some(course_id.to_string()),
            Some(module_id.to_string()),
            Some(duration_text(duration)),
            Some(start_timestamp.clone()),
            Some(py2_float_str(v.start_offset)),
            Some(py2_float_str(end)),
            Some(event_type.to_string()),
        ])
    }
}

/// `snap_to_last_segment_boundary`: Python 2 `int(second) / 5` (truncate, then floor division).
fn segment_of(second: f64) -> i64 {
    (second.trunc() as i64).div_euclid(SEGMENT_SECONDS)
}

/// `complete_end_segment`: watching up to this segment counts as watching the whole video (the last 30 s or 5 %,
/// whichever is less, are credits and the like).
fn complete_end_segment(duration: f64) -> i64 {
    segment_of((duration - 30.0).max(duration * 0.95))
}

/// Users and views of one segment.
#[derive(Default)]
struct Usage<'a> {
    users: BTreeSet<&'a str>,
    views: u64,
}

/// `video_usage`: per video, every viewed segment up to the video's final one (step C).
pub struct VideoUsage {
    /// `[videos] dropoff_threshold`.
    pub dropoff_threshold: f64,
}

impl VideoUsage {
    pub fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
        let mut key: Option<(&str, &str)> = None;
        let mut usage: BTreeMap<i64, Usage<'_>> = BTreeMap::new();
        // Starts at 0: the maximum duration, or unknown as soon as one viewing's is.
        let mut video_duration = 0.0f64;
        let mut viewings = 0u64;
        for r in rows {
            let cell = |i: usize| r.row.get(i).and_then(|c| c.as_deref());
            let (Some(user_id), Some(course_id), Some(module_id), Some(duration), Some(start), Some(end)) =
                (cell(0), cell(1), cell(2), cell(3), cell(5), cell(6))
            else {
                skips.add(NULL_VALUE, 1);
                continue;
            };
            let (Some(duration), Some(start), Some(end)) = (number(duration), number(start), number(end)) else {
                skips.add(BAD_NUMBER, 1);
                continue;
            };
            let offsets_ok = (0.0..=MAXIMUM_OFFSET).contains(&start) && (0.0..=MAXIMUM_OFFSET).contains(&end);
            if !offsets_ok || end < start || duration.trunc() > f64::from(i32::MAX) {
                skips.add(BAD_NUMBER, 1);
                continue;
            }
            key.get_or_insert((course_id, module_id));
            viewings += 1;
            if video_duration != UNKNOWN_DURATION && (duration == UNKNOWN_DURATION || duration > video_duration) {
                video_duration = duration;
            }
            for segment in segment_of(start)..=segment_of(end) {
                let u = usage.entry(segment).or_default();
                u.users.insert(user_id);
                u.views += 1;
            }
        }
        let Some((course_id, module_id)) = key else {
            return;
        };
        let pipeline_video_id = format!("{course_id}|{module_id}");
        if pipeline_video_id.chars().count() > MAX_ID_CHARS {
            skips.add(VALUE_TOO_LONG, viewings);
            return;
        }
        let Some(&highest) = usage.keys().next_back() else {
            return;
        };
        let (duration, final_segment) = if video_duration == UNKNOWN_DURATION {
            let last = self.final_segment(&usage).unwrap_or(highest);
            ((last + 1) * SEGMENT_SECONDS - 1, last)
        } else {
            (video_duration.trunc() as i64, segment_of(video_duration))
        };
        // users_at_end reads the inferred duration as an integer, a known one as the float it is.
        let duration_value = if video_duration == UNKNOWN_DURATION { duration as f64 } else { video_duration };
        let users = |segment: i64| usage.get(&segment).map_or(0, |u| u.users.len());
        let users_at_start = users(0).to_string();
        let users_at_end = users(complete_end_segment(duration_value)).to_string();
        for (&segment, u) in &usage {
            out.push(vec![
                Some(pipeline_video_id.clone()),
                Some(course_id.to_string()),
                Some(module_id.to_string()),
                Some(duration.to_string()),
                Some(SEGMENT_SECONDS.to_string()),
                Some(users_at_start.clone()),
                Some(users_at_end.clone()),
                Some(segment.to_string()),
                Some(u.users.len().to_string()),
                Some(u.views.to_string()),
            ]);
            if segment == final_segment {
                break;
            }
        }
    }

    /// `get_final_segment`: walking down from the highest viewed segment, the first one whose viewers times the
    /// threshold reach the viewers of the viewed segment just above it (a sharp drop above it: events after the
    /// real end of the video). `None` when there is no such drop (the highest segment is the final one).
    fn final_segment(&self, usage: &BTreeMap<i64, Usage<'_>>) -> Option<i64> {
        let mut above = usage.values().next_back()?.users.len() as f64;
        for (&segment, u) in usage.iter().rev().skip(1) {
            let here = u.users.len() as f64;
            if above <= here * self.dropoff_threshold {
                return Some(segment);
            }
            above = here;
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_timestamps_as_isoformat_writes_them() {
        let cases = [
            ("2014-05-02T16:44:35.901775", Some("2014-05-02T16:44:35.901775")),
            ("2014-05-02T16:44:35.000000", Some("2014-05-02T16:44:35")),
            ("2014-05-02T16:44:35.5", Some("2014-05-02T16:44:35.500000")),
            ("2014-05-02T16:44:35.1234567", Some("2014-05-02T16:44:35.123456")),
            ("2014-05-02T16:44:35.901775Z", Some("2014-05-02T16:44:35.901775+00:00")),
            ("2015-03-22T12:38:29.200030-05:00", Some("2015-03-22T12:38:29.200030-05:00")),
            ("2015-03-22T12:38:29.000000-0500", Some("2015-03-22T12:38:29-05:00")),
            ("2015-03-22T12:38:29.000000-00:00", Some("2015-03-22T12:38:29+00:00")),
            ("2016-02-14T01:16:55-05:00.000000", None),
            ("2016-02-14T01:16:55Z.000000", None),
            ("2014-02-30T00:00:00.000000", None),
            ("2014-05-02T24:00:00.000000", None),
            ("2014-05-02T23:59:60.000000", None),
            ("2014-05-02 16:44:35.000000", None),
            ("2014-05-02T16:44:35.", None),
            ("2014-05-02T16:44:35.1x", None),
            ("2014-05-02T16:44:35.1+5:00", None),
            ("", None),
            ("2014-05-02", None),
            ("2014-05-02T16:4é:35.000000", None),
        ];
        for (input, want) in cases {
            assert_eq!(iso_timestamp(input).as_deref(), want, "{input}");
        }
    }

    #[test]
    fn durations_are_written_as_python_writes_them() {
        assert_eq!(duration_text(-1.0), "-1");
        assert_eq!(duration_text(444.0), "444");
        assert_eq!(duration_text(24.5), "24.5");
        assert_eq!(duration_text(1.0 / 3.0), "0.333333333333");
    }

    #[test]
    fn segments_truncate_then_floor() {
        assert_eq!(segment_of(0.0), 0);
        assert_eq!(segment_of(4.999), 0);
        assert_eq!(segment_of(5.0), 1);
        assert_eq!(segment_of(24.9), 4);
        assert_eq!(complete_end_segment(24.0), 4); // max(-6, 22.8) = 22.8 -> 22 -> 4
        assert_eq!(complete_end_segment(444.0), 84); // max(414, 421.8) -> 421 -> 84
        assert_eq!(complete_end_segment(4.0), 0);
        assert_eq!(complete_end_segment(1000.0), 194); // max(970, 950) -> 970 -> 194
    }

    #[test]
    fn python_tie_order_of_event_types() {
        let ev = |event_type| Event {
            timestamp: "2014-05-02T16:44:35.901775",
            event_type,
            current_time: 1.0,
            old_time: None,
            youtube_id: None,
            duration: Duration::Number(-1.0),
        };
        let mut events = [ev(STOP), ev(SEEK), ev(PLAY), ev(PAUSE)];
        events.sort_by(Event::python_order);
        let order: Vec<&str> = events.iter().map(|e| e.event_type).collect();
        assert_eq!(order, [PAUSE, PLAY, SEEK, STOP]);
    }

    #[test]
    fn python_order_of_numbers_missing_values_and_text() {
        let base = Event {
            timestamp: "t",
            event_type: SEEK,
            current_time: 10.0,
            old_time: Some(3.0),
            youtube_id: None,
            duration: Duration::Number(-1.0),
        };
        // Offsets compare as numbers (text would put 10 before 9).
        assert_eq!(base.python_order(&Event { current_time: 9.0, ..base }), Ordering::Greater);
        assert_eq!(Event { old_time: None, ..base }.python_order(&base), Ordering::Less);
        assert_eq!(Event { youtube_id: Some("a"), ..base }.python_order(&base), Ordering::Greater);
        let text = Event { duration: Duration::NotANumber(Some("x")), ..base };
        assert_eq!(text.python_order(&Event { duration: Duration::Number(1e9), ..base }), Ordering::Greater);
        assert_eq!(base.python_order(&Event { duration: Duration::Number(5.0), ..base }), Ordering::Less);
    }
}
