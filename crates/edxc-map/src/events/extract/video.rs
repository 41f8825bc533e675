//! `video` — `UserVideoViewingTask.mapper` (docs/contract.md §3.3 step A).
//!
//! One record per `play_video` / `pause_video` / `seek_video` / `stop_video` event (any source);
//! lines without the substring `_video` are rejected before decoding, exactly as the original.
//! Columns follow the original key `(user_id, course_id, encoded_module_id)` and value
//! `(timestamp, event_type, current_time, old_time, youtube_id, duration)`:
//! * `user_id` = `int(context.user_id)` (must be truthy);
//! * `course_id` = `get_course_id(event, from_url=True)`;
//! * `encoded_module_id` = payload `id` stripped (required);
//! * `timestamp` = `get_event_time_string` (§1.3);
//! * `current_time` = play/stop `currentTime` (required), pause `currentTime` (default 0),
//!   seek `new_time`; `old_time` = seek `old_time` (NULL otherwise). Offsets must convert with
//!   Python `float()`, lie in `[0, 36000]` and be finite, else the event is dropped;
//! * `youtube_id` = play `code` unless it is `html5`/`mobile`/`hls` (NULL if absent);
//! * `duration` = payload `duration`, `-1` when missing/null/0.

use super::{col, DateSource, Drop, ExtractorDef, LineCtx, Prefilter, Sink};
use crate::events::event::{py_strip, Event};
use crate::events::json::{PyVal, RawObj};
use crate::events::time::event_time_string;
use crate::events::ColumnSpec;
use std::borrow::Cow;

pub const COLUMNS: &[ColumnSpec] = &[
    col("user_id", "int"),
    col("course_id", "string"),
    col("encoded_module_id", "string"),
    col("timestamp", "string"),
    col("event_type", "string"),
    col("current_time", "double"),
    col("old_time", "double"),
    col("youtube_id", "string"),
    col("duration", "double"),
];

pub static DEF: ExtractorDef = ExtractorDef {
    name: "video",
    columns: COLUMNS,
    prefilter: Prefilter::Needle { needle: "_video", exact: true },
    date_source: DateSource::Time,
    quick_check: Some(names_a_video_event),
    event_types: Some(&["play_video", "pause_video", "seek_video", "stop_video"]),
    run,
};

pub const MAX_OFFSET: f64 = 36000.0;

/// Does the raw line contain `"play_video"`, `"pause_video"`, `"seek_video"` or `"stop_video"`?
/// (Without one of them, unescaped, the event type cannot be a video event.)
fn names_a_video_event(line: &[u8]) -> bool {
    // Built once: constructing a searcher per line cost as much as the search.
    static FINDER: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new(b"_video\""));
    FINDER.find_iter(line).any(|i| {
        let head = &line[..i];
        head.ends_with(b"\"play")
            || head.ends_with(b"\"pause")
            || head.ends_with(b"\"seek")
            || head.ends_with(b"\"stop")
    })
}

/// `_check_time_offset`: Python `float()`, finite, within `[0, 36000]`.
pub fn check_offset(v: Option<PyVal<'_>>) -> Option<f64> {
    let f = v?.py_float()?;
    if f.is_nan() || f.is_infinite() || !(0.0..=MAX_OFFSET).contains(&f) {
        return None;
    }
    Some(f)
}

/// Renders a float for a `double` column: Rust's `{}` (shortest round-trip digits, never an exponent).
pub fn fmt_f64(f: f64) -> String {
    format!("{f}")
}

/// [`fmt_f64`] without the formatting machinery or an allocation, through `ryu` (serde_json's float writer). Both
/// write the shortest digits that read back as `f`; with at most 15 significant digits those are unique (every such
/// decimal maps to its own double), so the two agree. Longer ones can tie, and `ryu` may pick the other neighbour:
/// those, and what `ryu` writes with an exponent, go through `format!`.
pub fn fmt_f64_in(f: f64, buf: &mut ryu::Buffer) -> Cow<'_, str> {
    if f.is_finite() {
        let s = buf.format_finite(f);
        let b = s.as_bytes();
        let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
        let leading = b.iter().take_while(|&&c| matches!(c, b'-' | b'0' | b'.')).filter(|&&c| c == b'0').count();
        if !b.contains(&b'e') && digits - leading <= 15 {
            return Cow::Borrowed(s.strip_suffix(".0").unwrap_or(s));
        }
    }
    Cow::Owned(fmt_f64(f))
}

fn offset(p: &RawObj<'_>, key: &str, default_zero: bool) -> Option<f64> {
    match p.get(key) {
        None if default_zero => Some(0.0),
        v => check_offset(v),
    }
}

fn run(ev: &Event<'_>, ctx: &LineCtx<'_>, sink: &mut Sink<'_>) {
    let Some(event_type) = ev.event_type() else {
        return;
    };
    if !matches!(&*event_type, "play_video" | "pause_video" | "seek_video" | "stop_video") {
        return;
    }
    let Some(time) = ev.time() else {
        return;
    };
    let timestamp = event_time_string(&time);
    let Some(user_id) = ev.context_user_id() else {
        return;
    };
    let mut buf = itoa::Buffer::new();
    let user_id = match user_id {
        PyVal::Int(i) => buf.format(i),
        PyVal::UInt(u) => buf.format(u),
        // `isinstance(True, int)`: kept as is, rendered `True`
        PyVal::Bool(true) => "True",
        other => match other.py_int() {
            Some(i) => buf.format(i),
            None => {
                sink.drop(Drop::Other);
                return;
            }
        },
    };
    let Some(course_id) = ev.course_id(true, ctx.ccx) else {
        sink.drop(Drop::NoCourseId);
        return;
    };
    let Some(p) = ev.payload() else {
        sink.drop(Drop::Other);
        return;
    };
    let module_id = match p.get("id") {
        None => None,
        Some(PyVal::Str(s)) => Some(py_strip(&s).to_string()),
        Some(_) => None,
    };
    let Some(module_id) = module_id.filter(|m| !m.is_empty()) else {
        sink.drop(Drop::Other);
        return;
    };
    let duration: Cow<'_, str> = match p.get("duration") {
        Some(v) if v.truthy() => match v {
            PyVal::Float(f) => Cow::Owned(fmt_f64_in(f, &mut ryu::Buffer::new()).into_owned()),
            other => other.py_str(),
        },
        _ => Cow::Borrowed("-1"),
    };
    let mut youtube_id: Option<Cow<'_, str>> = None;
    let (current, old) = match &*event_type {
        "play_video" => {
            match p.get("code") {
                None | Some(PyVal::Null) => {}
                Some(PyVal::Str(c)) => {
                    if !matches!(&*c, "html5" | "mobile" | "hls") {
                        youtube_id = Some(c);
                    }
                }
                Some(_) => {
                    sink.drop(Drop::Other);
                    return;
                }
            }
            (offset(&p, "currentTime", false), Some(None))
        }
        "pause_video" => (offset(&p, "currentTime", true), Some(None)),
        "seek_video" => (offset(&p, "new_time", false), offset(&p, "old_time", false).map(Some)),
        _ => (offset(&p, "currentTime", false), Some(None)),
    };
    let (Some(current), Some(old)) = (current, old) else {
        sink.drop(Drop::Other);
        return;
    };
    let (mut cur_buf, mut old_buf) = (ryu::Buffer::new(), ryu::Buffer::new());
    let current = fmt_f64_in(current, &mut cur_buf);
    let old = old.map(|o| fmt_f64_in(o, &mut old_buf));
    sink.emit(&[
        Some(user_id),
        Some(&course_id),
        Some(&module_id),
        Some(&timestamp),
        Some(&event_type),
        Some(&current),
        old.as_deref(),
        youtube_id.as_deref(),
        Some(&duration),
    ]);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn float_rendering_edges() {
        let cases = [
            0.0,
            -0.0,
            5.0,
            286.258368,
            36000.0,
            0.1,
            1e-5,
            1e-7,
            1e15,
            1e16,
            123_456_789_012_345.6,
            121_689_396_879_955.12,
            0.1 + 0.2,
            1.0 / 3.0,
            f64::MAX,
            f64::MIN_POSITIVE,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        for f in cases {
            let mut buf = ryu::Buffer::new();
            assert_eq!(fmt_f64_in(f, &mut buf), fmt_f64(f), "{f:e}");
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(20000))]
        /// The `ryu` path renders exactly as `{}`: any bit pattern, and video offsets with microsecond digits.
        #[test]
        fn float_rendering_matches_display(bits in any::<u64>(), secs in 0u32..36000, micros in 0u32..1_000_000) {
            let offset = f64::from(secs) + f64::from(micros) / 1e6;
            for f in [f64::from_bits(bits), offset, f64::from(micros) / 1e6] {
                let mut buf = ryu::Buffer::new();
                prop_assert_eq!(fmt_f64_in(f, &mut buf), fmt_f64(f));
            }
        }
    }
}
