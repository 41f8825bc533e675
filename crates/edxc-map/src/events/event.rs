//! Line → event (docs/contract.md §1.1), payload decoding (§1.2), username / user id (§1.4) and course id
//! extraction (§1.5).

use super::course_id::{course_id_from_url, is_valid_course_id};
use super::json::{self, parse_object, Index, PyVal, RawObj, Top};
use std::borrow::Cow;
use std::cell::OnceCell;

/// Why a line did not yield an event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineError {
    /// Not JSON (after the syslog-prefix fallback), or JSON that is not an object.
    BadJson,
    /// Invalid UTF-8 in the JSON text.
    BadUtf8,
}

/// The `^.*?(\{.*\})\s*$` fallback: from the first `{` to the last `}` that is followed only by
/// whitespace. `.` does not match a newline, so neither part may cross one.
pub fn json_fallback_span(line: &[u8]) -> Option<(usize, usize)> {
    // `\s*$`: strip trailing whitespace ([ \t\n\r\f\v]); `$` also matches before a final "\n".
    let mut end = line.len();
    while end > 0 && matches!(line[end - 1], b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
        end -= 1;
    }
    if end == 0 || line[end - 1] != b'}' {
        return None;
    }
    let close = end - 1;
    let open = memchr::memchr(b'{', &line[..close])?;
    // Neither `.*?` (before the `{`) nor `.*` (between the braces) may contain a newline.
    if memchr::memchr(b'\n', &line[..close]).is_some() {
        return None;
    }
    Some((open, close + 1))
}

/// Decodes one line into its JSON object text and object (§1.1). The returned `&str` is the JSON
/// text actually decoded (the whole line, or the fallback span).
pub fn parse_line(line: &[u8]) -> Result<(&str, RawObj<'_>), LineError> {
    match std::str::from_utf8(line) {
        Ok(text) => match json::parse_top(text) {
            Ok(Top::Object(obj)) => Ok((text, obj)),
            Ok(Top::NotObject) => Err(LineError::BadJson),
            Err(()) => parse_fallback(line),
        },
        Err(_) => match parse_fallback(line) {
            Err(LineError::BadJson) if json_fallback_span(line).is_none() => Err(LineError::BadUtf8),
            r => r,
        },
    }
}

/// [`parse_line`] straight into an [`Event`] (the `context` member is decoded in the same pass).
pub fn parse_line_event(line: &[u8]) -> Result<Event<'_>, LineError> {
    let parts = |text| match json::parse_event_top(text) {
        Ok(Some((obj, ctx))) => Ok(Event::with_context(text, obj, ctx)),
        Ok(None) => Err(true),
        Err(()) => Err(false),
    };
    let fallback = || -> Result<Event<'_>, LineError> {
        let (a, b) = json_fallback_span(line).ok_or(LineError::BadJson)?;
        let text = std::str::from_utf8(&line[a..b]).map_err(|_| LineError::BadUtf8)?;
        parts(text).map_err(|_| LineError::BadJson)
    };
    match std::str::from_utf8(line) {
        Ok(text) => match parts(text) {
            Ok(ev) => Ok(ev),
            Err(true) => Err(LineError::BadJson),
            Err(false) => fallback(),
        },
        Err(_) => match fallback() {
            Err(LineError::BadJson) if json_fallback_span(line).is_none() => Err(LineError::BadUtf8),
            r => r,
        },
    }
}

/// [`parse_line_event`] using `ix`, a reusable structural-index buffer (the hot path of the scanner): strings are
/// skipped by bitmap, and an ASCII line (as the index reports) needs no UTF-8 validation.
pub fn parse_line_event_indexed<'a>(line: &'a [u8], ix: &'a mut Index) -> Result<Event<'a>, LineError> {
    ix.build(line);
    parse_line_event_prebuilt(line, ix)
}

/// [`parse_line_event_indexed`] where `ix` already indexes `line` (the scanner builds it while splitting lines).
pub fn parse_line_event_prebuilt<'a>(line: &'a [u8], ix: &'a Index) -> Result<Event<'a>, LineError> {
    debug_assert_eq!(ix.len(), line.len());
    let text = if ix.is_ascii() {
        // SAFETY: every byte is below 0x80, and ASCII is valid UTF-8.
        Some(unsafe { std::str::from_utf8_unchecked(line) })
    } else {
        std::str::from_utf8(line).ok()
    };
    if let Some(text) = text {
        match json::parse_event_top_indexed(text, ix) {
            Ok(Some((obj, ctx))) => return Ok(Event::with_context(text, obj, ctx)),
            Ok(None) => return Err(LineError::BadJson),
            Err(()) => {}
        }
    }
    // Not JSON (or not UTF-8) as a whole: the syslog-prefix fallback, rare enough for the plain path.
    parse_line_event(line)
}

fn parse_fallback(line: &[u8]) -> Result<(&str, RawObj<'_>), LineError> {
    let (a, b) = json_fallback_span(line).ok_or(LineError::BadJson)?;
    let text = std::str::from_utf8(&line[a..b]).map_err(|_| LineError::BadUtf8)?;
    match json::parse_top(text) {
        Ok(Top::Object(obj)) => Ok((text, obj)),
        _ => Err(LineError::BadJson),
    }
}

/// A decoded tracking event with lazily computed views.
pub struct Event<'a> {
    /// The JSON text of the event (the line without a syslog prefix).
    pub text: &'a str,
    pub obj: RawObj<'a>,
    context: OnceCell<Option<RawObj<'a>>>,
    payload_text: OnceCell<Option<PayloadText<'a>>>,
    payload_dict: OnceCell<Option<RawObj<'a>>>,
    time: OnceCell<Option<Cow<'a, str>>>,
    event_type: OnceCell<Option<Cow<'a, str>>>,
    event_source: OnceCell<Option<Cow<'a, str>>>,
    username_inline: OnceCell<Option<Cow<'a, str>>>,
    context_user_id: OnceCell<Option<PyVal<'a>>>,
    /// Cached `problem_check` augmented data (see `extract::problem`).
    pub(crate) problem_cache: OnceCell<Result<[String; 4], bool>>,
    /// Cached course ids, each with the `ccx` flag it was computed for: what the context decides, and the URL
    /// fallback.
    context_course: OnceCell<(bool, ContextCourse<'a>)>,
    url_course: OnceCell<(bool, Option<Cow<'a, str>>)>,
}

/// What `context.course_id` decides: `Some(course id or None)`, or `None` to fall back to the URL.
type ContextCourse<'a> = Option<Option<Cow<'a, str>>>;

/// The payload of `get_event_data` (§1.2) as JSON text: a slice of the line when the `event` member is a dict, or
/// the decoded text of a JSON-string payload, owned together with its dict (parsed once, when it was validated).
enum PayloadText<'a> {
    Borrowed(&'a str),
    Owned(OwnedPayload),
}

self_cell::self_cell!(
    /// A payload decoded from a JSON string, with its parsed dict borrowing from it.
    struct OwnedPayload {
        owner: String,
        #[covariant]
        dependent: RawObj,
    }
);

/// A decoded payload dict: cached in the event, or decoded on demand (a raw `event` dict that is not the payload).
pub enum Payload<'e, 'a> {
    Cached(&'e RawObj<'a>),
    Owned(&'e RawObj<'e>),
    Decoded(RawObj<'e>),
}

impl<'e, 'a: 'e> std::ops::Deref for Payload<'e, 'a> {
    type Target = RawObj<'e>;
    fn deref(&self) -> &RawObj<'e> {
        match self {
            Payload::Cached(r) => r,
            Payload::Owned(r) => r,
            Payload::Decoded(o) => o,
        }
    }
}

/// Result of `get_event_data` before parsing: the text of a JSON object (or empty for `""`).
impl<'a> Event<'a> {
    /// An event whose `context` member was already decoded (`None`: absent or not an object).
    pub fn with_context(text: &'a str, obj: RawObj<'a>, context: Option<RawObj<'a>>) -> Self {
        let ev = Event::new(text, obj);
        let _ = ev.context.set(context);
        ev
    }

    pub fn new(text: &'a str, obj: RawObj<'a>) -> Self {
        Event {
            text,
            obj,
            context: OnceCell::new(),
            payload_text: OnceCell::new(),
            payload_dict: OnceCell::new(),
            context_course: OnceCell::new(),
            url_course: OnceCell::new(),
            time: OnceCell::new(),
            event_type: OnceCell::new(),
            event_source: OnceCell::new(),
            username_inline: OnceCell::new(),
            context_user_id: OnceCell::new(),
            problem_cache: OnceCell::new(),
        }
    }

    /// A top-level string field; `None` when absent or not a string.
    pub fn str_field(&self, key: &str) -> Option<Cow<'a, str>> {
        self.obj.get_str(key)
    }

    /// `event["time"]` when it is a non-empty string (the only case in which the original's
    /// `get_event_and_date_string` keeps the event).
    pub fn time(&self) -> Option<Cow<'a, str>> {
        self.time.get_or_init(|| self.str_field("time").filter(|t| !t.is_empty())).clone()
    }

    pub fn event_type(&self) -> Option<Cow<'a, str>> {
        self.event_type.get_or_init(|| self.str_field("event_type")).clone()
    }

    pub fn event_source(&self) -> Option<Cow<'a, str>> {
        self.event_source.get_or_init(|| self.str_field("event_source")).clone()
    }

    /// `event.get('context')` when it is a dict.
    pub fn context(&self) -> Option<&RawObj<'a>> {
        self.context.get_or_init(|| self.obj.get_obj("context")).as_ref()
    }

    /// `event.get('context', {}).get(key)`.
    pub fn context_value(&self, key: &str) -> Option<PyVal<'a>> {
        self.context().and_then(|c| c.get(key))
    }

    /// `context.user_id` when truthy (activity, video, location).
    pub fn context_user_id(&self) -> Option<PyVal<'a>> {
        self.context_user_id.get_or_init(|| self.context_value("user_id").filter(|v| v.truthy())).clone()
    }

    /// `get_event_username`: `username` stripped, empty → `None`.
    pub fn username(&self) -> Option<String> {
        let u = self.str_field("username")?;
        let t = py_strip(&u);
        if t.is_empty() {
            None
        } else {
            Some(t.to_string())
        }
    }

    /// `event.get('username', '').strip()` as the insight mappers inline it: `Some("")` when the
    /// key is missing, `None` when it is present but not a string (the original crashes).
    pub fn username_inline(&self) -> Option<Cow<'a, str>> {
        self.username_inline.get_or_init(|| self.username_inline_uncached()).clone()
    }

    fn username_inline_uncached(&self) -> Option<Cow<'a, str>> {
        match self.obj.get("username") {
            None => Some(Cow::Borrowed("")),
            Some(PyVal::Str(Cow::Borrowed(b))) => Some(Cow::Borrowed(py_strip(b))),
            Some(PyVal::Str(Cow::Owned(o))) => Some(Cow::Owned(py_strip(&o).to_string())),
            Some(_) => None,
        }
    }

    /// The payload when the raw `event` field is itself a dict (not a JSON-encoded string): then it is the payload
    /// dict of [`Event::payload`], decoded once.
    pub fn raw_payload_dict(&self) -> Option<Payload<'_, 'a>> {
        let raw = self.obj.get_raw("event")?;
        match self.payload_text.get_or_init(|| decode_payload(&self.obj)) {
            Some(PayloadText::Borrowed(t)) if std::ptr::eq(*t, raw) => self.payload(),
            _ => self.obj.object_of(raw).map(Payload::Decoded),
        }
    }

    /// The JSON text of the payload dict per `get_event_data` (§1.2), `None` when rejected.
    /// An empty string payload yields `Some("{}")`.
    pub fn payload_text(&self) -> Option<&str> {
        match self.payload_text.get_or_init(|| decode_payload(&self.obj)) {
            Some(PayloadText::Borrowed(t)) => Some(t),
            Some(PayloadText::Owned(o)) => Some(o.borrow_owner()),
            None => None,
        }
    }

    /// Whether `get_event_data` yields a dict, without decoding a dict payload's members.
    pub fn payload_is_dict(&self) -> bool {
        self.payload_text().is_some()
    }

    /// The payload dict (§1.2), `None` when rejected.
    pub fn payload(&self) -> Option<Payload<'_, 'a>> {
        match self.payload_text.get_or_init(|| decode_payload(&self.obj)) {
            None => None,
            Some(PayloadText::Borrowed(t)) => {
                self.payload_dict.get_or_init(|| self.obj.object_of(t)).as_ref().map(Payload::Cached)
            }
            Some(PayloadText::Owned(o)) => Some(Payload::Owned(o.borrow_dependent())),
        }
    }

    /// `get_course_id(event, from_url)` (§1.5), cached per event.
    pub fn course_id(&self, from_url: bool, ccx: bool) -> Option<Cow<'a, str>> {
        match self.context_course(ccx) {
            Some(decided) => decided,
            None if from_url => match self.url_course.get() {
                Some((c, v)) if *c == ccx => v.clone(),
                Some(_) => self.url_course_id(ccx),
                None => self.url_course.get_or_init(|| (ccx, self.url_course_id(ccx))).1.clone(),
            },
            None => None,
        }
    }

    /// What `context.course_id` decides: `Some(result)`, or `None` when it is missing or empty and the page / event
    /// type URL may be used. Shared by both forms of [`Event::course_id`].
    fn context_course(&self, ccx: bool) -> ContextCourse<'a> {
        match self.context_course.get() {
            Some((c, v)) if *c == ccx => v.clone(),
            Some(_) => self.context_course_uncached(ccx),
            None => self.context_course.get_or_init(|| (ccx, self.context_course_uncached(ccx))).1.clone(),
        }
    }

    fn context_course_uncached(&self, ccx: bool) -> ContextCourse<'a> {
        let Some(ctx) = self.context() else {
            return Some(None);
        };
        match ctx.get("course_id") {
            Some(PyVal::Str(s)) if !s.is_empty() => {
                let t = py_strip(&s);
                if !t.is_empty() {
                    return Some(if is_valid_course_id(t, ccx) {
                        Some(match s {
                            Cow::Borrowed(b) => Cow::Borrowed(py_strip(b)),
                            Cow::Owned(o) => Cow::Owned(py_strip(&o).to_string()),
                        })
                    } else {
                        None
                    });
                }
                None
            }
            // A truthy non-string course id crashes the original; treat it as missing.
            Some(v) if v.truthy() => Some(None),
            _ => None,
        }
    }

    /// The URL fallback of `get_course_id(event, from_url=True)`.
    fn url_course_id(&self, ccx: bool) -> Option<Cow<'a, str>> {
        let url = match self.event_source().as_deref() {
            Some("server") => self.obj.get("event_type"),
            Some("browser") => self.obj.get("page"),
            _ => None,
        };
        match url {
            Some(PyVal::Str(u)) => course_id_from_url(&u, ccx).map(Cow::Owned),
            _ => None,
        }
    }
}

/// Python `unicode.strip()` (whitespace per Unicode).
pub fn py_strip(s: &str) -> &str {
    // Fast path: ASCII, non-space first and last bytes.
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (None, _) => return s,
        (Some(&a), Some(&b)) if a > b' ' && a < 0x80 && b > b' ' && b < 0x80 => return s,
        _ => {}
    }
    s.trim_matches(|c: char| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

fn decode_payload<'a>(obj: &RawObj<'a>) -> Option<PayloadText<'a>> {
    let raw = obj.get_raw("event")?;
    match json::value(raw) {
        PyVal::Dict(t) => Some(PayloadText::Borrowed(t)),
        PyVal::Str(s) => {
            if s.is_empty() {
                return Some(PayloadText::Borrowed("{}"));
            }
            // A truncated POST body (exactly 512 characters, so 512 to 2048 bytes) is rejected.
            if (512..=2048).contains(&s.len()) && s.contains("POST") && s.chars().count() == 512 {
                return None;
            }
            // The original also rejects a query string (`=` and no `{`); that is implied here, since a payload must
            // start with `{` (after whitespace) to be a dict.
            let trimmed = s.trim_start_matches([' ', '\t', '\n', '\r']);
            if !trimmed.starts_with('{') {
                return None;
            }
            // Must decode to a dict.
            OwnedPayload::try_new(s.into_owned(), |text| parse_object(text).ok_or(())).ok().map(PayloadText::Owned)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(line: &str) -> Event<'_> {
        let (t, o) = parse_line(line.as_bytes()).unwrap();
        Event::new(t, o)
    }

    #[test]
    fn syslog_prefix() {
        let line = "Jun  1 00:00:01 host tracking: {\"time\": \"2014-06-01T00:00:01+00:00\"}  ";
        let e = ev(line);
        assert_eq!(e.time().as_deref(), Some("2014-06-01T00:00:01+00:00"));
    }

    #[test]
    fn bad_lines() {
        for l in ["", "   ", "# comment", "{\"a\": ", "[1, 2]", "{\"a\":1}{\"b\":2}", "x {\"a\":1} y"] {
            assert_eq!(parse_line(l.as_bytes()).err(), Some(LineError::BadJson), "{l}");
        }
        assert_eq!(parse_line(b"{\"a\": \"\xff\"}").err(), Some(LineError::BadUtf8));
        // invalid UTF-8 only in the prefix: the fallback rescues the event
        assert!(parse_line(b"\xff\xfe {\"a\": 1}").is_ok());
    }

    #[test]
    fn payload_rules() {
        assert!(ev(r#"{"event": null}"#).payload().is_none());
        assert!(ev(r#"{}"#).payload().is_none());
        assert!(ev(r#"{"event": ""}"#).payload().unwrap().is_empty());
        assert!(ev(r#"{"event": "a=1&b=2"}"#).payload().is_none());
        assert!(ev(r#"{"event": [1]}"#).payload().is_none());
        assert!(ev(r#"{"event": 5}"#).payload().is_none());
        assert!(ev(r#"{"event": "[1]"}"#).payload().is_none());
        assert!(ev(r#"{"event": "{bad"}"#).payload().is_none());
        let e = ev(r#"{"event": "{\"id\": \"v1\"}"}"#);
        assert_eq!(e.payload().unwrap().get_str("id").as_deref(), Some("v1"));
        let long = format!(r#"{{"event": "POST {}"}}"#, "x".repeat(507));
        assert!(ev(&long).payload().is_none());
    }
}
