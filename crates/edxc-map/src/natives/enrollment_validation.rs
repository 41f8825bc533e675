//! Enrollment validation (docs/contract.md §3.15).
//!
//! * The reducer `enrollment_validation` (`CourseEnrollmentValidationTask.reducer` with
//!   `ValidateEnrollmentForEvents`, step C): per (course, learner), the events of the tracking logs and the
//!   validation events of LMS snapshots, walked from the latest back to the earliest; wherever a transition
//!   between two neighbours is impossible (a deactivation after a deactivation, an activation missing before a
//!   snapshot that says "active", ...), a synthetic event is written that repairs it. Output rows are
//!   `(file, line)`: `synthetic_enroll.log-YYYYMMDD.gz` and the event as a tracking-log JSON line, or with
//!   `tuple_output` `synthetic_enroll-YYYYMMDD.tsv.gz` and the TAB-separated tuple the original wrote.
//! * [`validation_event`]: one row of an LMS `student_courseenrollment` snapshot as the validation event
//!   `CreateEnrollmentValidationEventsTask` writes (step A).
//!
//! Timestamps are strings and compared as strings, as in the original. Where the original would crash (failing the
//! whole job), edxc skips and counts instead: an event whose time does not read as `%Y-%m-%dT%H:%M:%S.%f` (a `Z` or
//! negative-offset time) is dropped (`bad_timestamp`) and the group goes on without it; a validation event without
//! the snapshot fields (`dump_start` ...) is dropped (`incomplete_validation`); a group that would need a
//! timestamp the original cannot compute (a missing or unreadable `created`) writes nothing (`bad_timestamp`, one
//! per input row of the group). A synthetic event whose time would not be a readable time (a validation whose
//! `created` is text of another kind) is not written (`bad_timestamp`), where the original wrote an event that no
//! reader dates.

use super::pyfmt::py_int;
use super::pyjson::{self, Json};
use super::{NumberedRow, Row, Skips, BAD_TIMESTAMP, INCOMPLETE_VALIDATION, NULL_VALUE};
use crate::events::time::strptime_event;
use anyhow::{bail, Result};
use std::collections::BTreeMap;

pub const VALIDATED: &str = crate::events::extract::enrollment_validation::VALIDATED;
pub const ACTIVATED: &str = super::enrollment_events::ACTIVATED;
pub const DEACTIVATED: &str = super::enrollment_events::DEACTIVATED;
pub const MODE_CHANGED: &str = super::enrollment_events::MODE_CHANGED;

/// The reducer's settings: the original task's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnrollmentValidation {
    /// `interval.date_a` as `YYYY-MM-DD` (`lower_bound_date_string`).
    pub lower_bound: String,
    pub generate_before: bool,
    pub include_nonstate_changes: bool,
    /// `earliest_timestamp` as `YYYY-MM-DDTHH:00:00.000000`.
    pub earliest_timestamp: Option<String>,
    /// `expected_validation` as `YYYY-MM-DDTHH:00:00.000000`.
    pub expected_validation: Option<String>,
    pub tuple_output: bool,
    /// `synthesized.created_at` of every synthetic event.
    pub created_at: String,
}

fn flag(name: &str, v: &str) -> Result<bool> {
    match v {
        "true" | "True" | "1" => Ok(true),
        "false" | "False" | "0" | "" => Ok(false),
        _ => bail!("reducer enrollment_validation: argument {name} {v:?} is not true or false"),
    }
}

/// A luigi `DateHourParameter` (`YYYY-MM-DDTHH`) as the ISO text the original compares with: `isoformat()` with
/// microseconds ensured. Empty: not set.
pub fn date_hour(name: &str, v: &str) -> Result<Option<String>> {
    if v.is_empty() {
        return Ok(None);
    }
    let ok = v.len() == 13
        && v.as_bytes()[10] == b'T'
        && chrono::NaiveDate::parse_from_str(&v[..10], "%Y-%m-%d").is_ok()
        && v[11..].bytes().all(|b| b.is_ascii_digit())
        && v[11..].parse::<u32>().is_ok_and(|h| h < 24);
    if !ok {
        bail!("reducer enrollment_validation: argument {name} {v:?} is not a date and hour (YYYY-MM-DDTHH)");
    }
    Ok(Some(format!("{v}:00:00.000000")))
}

impl EnrollmentValidation {
    pub fn from_args(args: &BTreeMap<String, String>) -> Result<Self> {
        let get = |k: &str| args.get(k).map(String::as_str).unwrap_or_default();
        let lower = get("interval_start");
        if chrono::NaiveDate::parse_from_str(lower, "%Y-%m-%d").is_err() {
            bail!("reducer enrollment_validation: argument interval_start {lower:?} is not a YYYY-MM-DD date");
        }
        Ok(Self {
            lower_bound: lower.to_string(),
            generate_before: flag("generate_before", get("generate_before"))?,
            include_nonstate_changes: flag("include_nonstate_changes", get("include_nonstate_changes"))?,
            earliest_timestamp: date_hour("earliest_timestamp", get("earliest_timestamp"))?,
            expected_validation: date_hour("expected_validation", get("expected_validation"))?,
            tuple_output: flag("tuple_output", get("tuple_output"))?,
            created_at: get("created_at").to_string(),
        })
    }

    /// One (course, learner) group, rows in the reducer's input columns.
    pub(crate) fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
        let mut key: Option<(&str, &str)> = None;
        let mut events = Vec::with_capacity(rows.len());
        for r in rows {
            let cell = |i: usize| r.row.get(i).and_then(|c| c.as_deref());
            let (Some(course_id), Some(user_id), Some(timestamp), Some(event_type), Some(mode)) =
                (cell(0), cell(1), cell(2), cell(3), cell(4))
            else {
                skips.add(NULL_VALUE, 1);
                continue;
            };
            if strptime_event(timestamp).is_none() {
                skips.add(BAD_TIMESTAMP, 1);
                continue;
            }
            let info = (cell(5) == Some("1")).then(|| Info {
                is_active: cell(6) == Some("1"),
                created: cell(7).map(str::to_string),
                dump_start: cell(8).map(str::to_string),
                dump_end: cell(9).map(str::to_string),
            });
            let kind = Kind::of(event_type);
            if kind == Kind::Validated && info.is_none() {
                skips.add(INCOMPLETE_VALIDATION, 1);
                continue;
            }
            key.get_or_insert((course_id, user_id));
            events.push(Ev {
                timestamp: Some(timestamp.to_string()),
                kind,
                event_type: event_type.to_string(),
                mode: Some(mode.to_string()),
                info,
            });
        }
        let Some((course_id, user_id)) = key else { return };
        let n = events.len() as u64;
        let Ok(found) = self.missing_events(events) else {
            skips.add(BAD_TIMESTAMP, n);
            return;
        };
        for o in found {
            match self.render(course_id, user_id, &o) {
                Some(row) => out.push(row),
                None => skips.add(BAD_TIMESTAMP, 1),
            }
        }
    }

    /// `ValidateEnrollmentForEvents(...).missing_enrolled()` over one group's events (any order).
    pub fn missing_events(&self, mut events: Vec<Ev>) -> Result<Vec<Out>, Crash> {
        // Latest first: the walk goes back in time from the most recent state.
        events.sort_by(|a, b| b.sort_key().cmp(&a.sort_key()));
        reorder_within_dumps(&mut events)?;
        if let (Some(expected), Some(first)) = (&self.expected_validation, events.first()) {
            if first.timestamp.as_deref().is_some_and(|t| t < expected.as_str()) {
                let info = Info { is_active: false, created: None, dump_start: None, dump_end: None };
                let missing = Ev {
                    timestamp: Some(expected.clone()),
                    kind: Kind::Missing,
                    event_type: String::new(),
                    mode: None,
                    info: Some(info),
                };
                events.insert(0, missing);
            }
        }
        // The beginning of the interval.
        events.push(Ev {
            timestamp: None,
            kind: Kind::Sentinel,
            event_type: String::new(),
            mode: Some("honor".into()),
            info: None,
        });
        let mut m = Machine::new(self);
        let mut out = Vec::new();
        let mut iter = events.iter();
        if let Some(first) = iter.next() {
            m.update(first);
            if first.kind == Kind::ModeChanged {
                // A mode change says nothing about the activation.
                m.activation_type = None;
            }
        }
        for prev in iter {
            out.extend(m.check_event(prev)?);
        }
        Ok(out)
    }

    /// The output row of one synthetic event; `None` when its time is not a readable time (a validation's
    /// `created` that is not one: the original would write an event no reader dates, in a file named after it).
    fn render(&self, course_id: &str, user_id: &str, o: &Out) -> Option<Row> {
        strptime_event(&o.timestamp)?;
        let date = o.timestamp.split('T').next().unwrap_or_default();
        let compact = date.replace('-', "");
        if compact.is_empty() || compact.chars().any(|c| c == '/' || c == '\\' || c.is_control()) {
            return None;
        }
        let (file, line) = if self.tuple_output {
            let none = |s: &Option<String>| s.clone().unwrap_or_else(|| "None".into());
            let fields = [
                course_id.to_string(),
                pyjson::py_str_of_json(user_id),
                o.timestamp.clone(),
                o.event_type.to_string(),
                none(&o.mode),
                o.reason.clone(),
                none(&o.after),
                none(&o.before),
            ];
            (format!("synthetic_enroll-{compact}.tsv.gz"), fields.join("\t"))
        } else {
            let org = crate::events::course_id::org_id(course_id, true);
            let mut synthesized = vec![
                ("created_at", Json::Str(&self.created_at)),
                ("synthesizer", Json::Str("enrollment_validation")),
                ("reason", Json::Str(&o.reason)),
            ];
            // Only set when truthy, as the original does.
            if let Some(after) = o.after.as_deref().filter(|a| !a.is_empty()) {
                synthesized.push(("after_time", Json::Str(after)));
            }
            if let Some(before) = o.before.as_deref().filter(|b| !b.is_empty()) {
                synthesized.push(("before_time", Json::Str(before)));
            }
            let event = Json::Object(vec![
                ("username", Json::Str("")),
                ("host", Json::Str("")),
                ("event_source", Json::Str("server")),
                ("event_type", Json::Str(o.event_type)),
                (
                    "context",
                    Json::Object(vec![
                        ("course_id", Json::Str(course_id)),
                        ("org_id", Json::opt(org.as_deref())),
                        ("user_id", Json::Raw(user_id)),
                    ]),
                ),
                ("time", Json::Str(&o.timestamp)),
                ("ip", Json::Str("")),
                (
                    "event",
                    Json::Object(vec![
                        ("course_id", Json::Str(course_id)),
                        ("user_id", Json::Raw(user_id)),
                        ("mode", Json::opt(o.mode.as_deref())),
                    ]),
                ),
                ("agent", Json::Str("")),
                ("page", Json::Null),
                ("synthesized", Json::Object(synthesized)),
            ]);
            (format!("synthetic_enroll.log-{compact}.gz"), pyjson::to_string(&event))
        };
        Some(vec![Some(file), Some(line)])
    }
}

/// What the original would crash on (an unparseable timestamp where it must compute one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Crash;

/// The event types, and the two internal markers of the walk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Validated,
    Activated,
    Deactivated,
    ModeChanged,
    /// The beginning of the interval, after the earliest event.
    Sentinel,
    /// A validation expected (`expected_validation`) but not found.
    Missing,
    Other,
}

impl Kind {
    fn of(event_type: &str) -> Self {
        match event_type {
            VALIDATED => Kind::Validated,
            ACTIVATED => Kind::Activated,
            DEACTIVATED => Kind::Deactivated,
            MODE_CHANGED => Kind::ModeChanged,
            _ => Kind::Other,
        }
    }

    fn event_type(self) -> &'static str {
        match self {
            Kind::Activated => ACTIVATED,
            Kind::Deactivated => DEACTIVATED,
            Kind::ModeChanged => MODE_CHANGED,
            _ => VALIDATED,
        }
    }
}

/// What a validation event knows from its snapshot.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Info {
    pub is_active: bool,
    pub created: Option<String>,
    pub dump_start: Option<String>,
    pub dump_end: Option<String>,
}

/// One event of a group (`EnrollmentEvent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ev {
    pub timestamp: Option<String>,
    pub kind: Kind,
    pub event_type: String,
    pub mode: Option<String>,
    pub info: Option<Info>,
}

impl Ev {
    /// An event of the input (for tests and callers outside the reducer).
    pub fn new(timestamp: &str, event_type: &str, mode: &str, info: Option<Info>) -> Self {
        Ev {
            timestamp: Some(timestamp.into()),
            kind: Kind::of(event_type),
            event_type: event_type.into(),
            mode: Some(mode.into()),
            info,
        }
    }

    /// The original sorts `(timestamp, event_type, mode, validation_info)` tuples; a missing `validation_info`
    /// (None) sorts before a present one.
    fn sort_key(&self) -> (&Option<String>, &str, &Option<String>, &Option<Info>) {
        (&self.timestamp, &self.event_type, &self.mode, &self.info)
    }

    fn is_active(&self) -> bool {
        self.info.as_ref().is_some_and(|i| i.is_active)
    }

    /// `is_during_dump`: strictly inside this validation's snapshot.
    fn is_during_dump(&self, t: Option<&str>) -> bool {
        let Some(info) = &self.info else { return false };
        match (info.dump_start.as_deref(), info.dump_end.as_deref(), t) {
            (Some(start), Some(end), Some(t)) => start < t && t < end,
            _ => false,
        }
    }

    /// `get_state_string`.
    fn state(&self) -> String {
        let name = match self.kind {
            Kind::Validated => {
                return if self.is_active() { "validate(active)".into() } else { "validate(inactive)".into() }
            }
            Kind::Activated => "activate",
            Kind::Deactivated => "deactivate",
            Kind::ModeChanged => "mode_change",
            Kind::Sentinel => "start",
            Kind::Missing => "missing",
            Kind::Other => "unknown",
        };
        name.into()
    }
}

/// A synthetic event to write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Out {
    pub timestamp: String,
    pub event_type: &'static str,
    pub mode: Option<String>,
    pub reason: String,
    pub after: Option<String>,
    pub before: Option<String>,
}

/// `ensure_microseconds`.
fn ensure_micros(t: &str) -> String {
    if t.contains('.') {
        t.to_string()
    } else {
        format!("{t}.000000")
    }
}

/// `add_microseconds(timestamp, n)`: string arithmetic on the fraction when there is no carry (so `.5` + 1 is
/// `.000006`, as in the original), date arithmetic otherwise.
pub fn add_microseconds(t: &str, n: i64) -> Result<String, Crash> {
    let (base, frac) = t.split_once('.').unwrap_or((t, ""));
    let (frac, full) = if frac.is_empty() { ("0", ensure_micros(t)) } else { (frac, t.to_string()) };
    let micros = py_int(frac).ok_or(Crash)? + n;
    if (0..1_000_000).contains(&micros) {
        return Ok(format!("{base}.{micros:06}"));
    }
    let p = strptime_event(&full).ok_or(Crash)?;
    let start = chrono::NaiveDate::from_ymd_opt(p.year as i32, p.month, p.day)
        .and_then(|d| d.and_hms_micro_opt(p.hour, p.minute, p.second, p.micro))
        .ok_or(Crash)?;
    let moved = start.checked_add_signed(chrono::Duration::microseconds(n)).ok_or(Crash)?;
    if !(1..=9999).contains(&chrono::Datelike::year(&moved)) {
        return Err(Crash);
    }
    Ok(moved.format("%Y-%m-%dT%H:%M:%S%.6f").to_string())
}

/// `_reorder_within_dumps`: a validation whose snapshot was being taken while an earlier-sorted event happened,
/// and which contradicts it, is moved to a microsecond before that event.
fn reorder_within_dumps(events: &mut [Ev]) -> Result<(), Crash> {
    for i in 0..events.len().saturating_sub(1) {
        let (event, prev) = (&events[i], &events[i + 1]);
        if event.kind == Kind::Validated
            && prev.kind != Kind::Validated
            && event.is_during_dump(prev.timestamp.as_deref())
        {
            let active_inconsistent = (event.is_active() && prev.kind == Kind::Deactivated)
                || (!event.is_active() && prev.kind == Kind::Activated);
            let mode_inconsistent = event.mode != prev.mode && prev.kind == Kind::ModeChanged;
            if active_inconsistent || mode_inconsistent {
                let moved = add_microseconds(prev.timestamp.as_deref().ok_or(Crash)?, -1)?;
                events[i].timestamp = Some(moved);
                events.swap(i, i + 1);
            }
        }
    }
    Ok(())
}

/// The walk's state: what the later events (already visited) say.
struct Machine<'o> {
    opts: &'o EnrollmentValidation,
    activation_type: Option<Kind>,
    activation_state: String,
    activation_timestamp: Option<String>,
    mode_changed: bool,
    current_mode: Option<String>,
    mode_type: Option<Kind>,
    mode_state: String,
    mode_timestamp: Option<String>,
    currently_active: bool,
    creation_timestamp: Option<String>,
}

impl<'o> Machine<'o> {
    fn new(opts: &'o EnrollmentValidation) -> Self {
        Machine {
            opts,
            activation_type: None,
            activation_state: String::new(),
            activation_timestamp: None,
            mode_changed: false,
            current_mode: None,
            mode_type: None,
            mode_state: String::new(),
            mode_timestamp: None,
            currently_active: false,
            creation_timestamp: None,
        }
    }

    /// `_update_state`.
    fn update(&mut self, e: &Ev) {
        if e.kind != Kind::ModeChanged {
            self.activation_type = Some(e.kind);
            self.activation_state = e.state();
            self.activation_timestamp = e.timestamp.clone();
        }
        self.mode_changed = e.kind == Kind::ModeChanged;
        if e.kind != Kind::Missing {
            self.current_mode = e.mode.clone();
            self.mode_type = Some(e.kind);
            self.mode_state = e.state();
            self.mode_timestamp = e.timestamp.clone();
        } else {
            self.current_mode = None;
        }
        if e.kind == Kind::Validated {
            self.currently_active = e.is_active();
            // The earliest validation's creation time wins (the walk goes backwards).
            self.creation_timestamp = e.info.as_ref().and_then(|i| i.created.clone());
        }
    }

    /// `_truncate_timestamp`: never earlier than `earliest_timestamp` (a missing time counts as earlier).
    fn truncate(&self, t: Option<&str>) -> Option<String> {
        match (&self.opts.earliest_timestamp, t) {
            (Some(e), None) => Some(e.clone()),
            (Some(e), Some(t)) if t < e.as_str() => Some(e.clone()),
            (_, t) => t.map(str::to_string),
        }
    }

    fn output(
        &self,
        t: Option<String>,
        kind: Kind,
        mode: Option<String>,
        reason: &str,
        after: Option<String>,
        before: Option<String>,
    ) -> Result<Out, Crash> {
        Ok(Out {
            timestamp: t.ok_or(Crash)?,
            event_type: kind.event_type(),
            mode,
            reason: reason.into(),
            after,
            before,
        })
    }

    /// `_check_event(prev_event)`: what is missing between `prev` and the later events already visited.
    fn check_event(&mut self, prev: &Ev) -> Result<Vec<Out>, Crash> {
        let mut last_for_mode = prev.timestamp.clone();
        let mut missing = Vec::new();
        if let Some(activation) = self.activation_type {
            let reason = reason(prev, &self.activation_state, None);
            let t = fake_timestamp(prev.timestamp.as_deref(), self.activation_timestamp.as_deref())?;
            let gen = |kind: Kind| -> Result<Out, Crash> {
                self.output(
                    Some(t.clone()),
                    kind,
                    prev.mode.clone(),
                    &reason,
                    prev.timestamp.clone(),
                    self.activation_timestamp.clone(),
                )
            };
            let nonstate = self.opts.include_nonstate_changes;
            let active = self.currently_active;
            let found = match (prev.kind, activation) {
                // After an activation.
                (Kind::Activated, Kind::Activated) if nonstate => Some(Kind::Deactivated),
                (Kind::Activated, Kind::Validated) if !active => Some(Kind::Deactivated),
                (Kind::Activated, Kind::Missing) => Some(Kind::Deactivated),
                // After a deactivation.
                (Kind::Deactivated, Kind::Deactivated) if nonstate => Some(Kind::Activated),
                (Kind::Deactivated, Kind::Validated) if active => Some(Kind::Activated),
                (Kind::Deactivated, Kind::Missing) if nonstate => Some(Kind::Deactivated),
                // After a validation.
                (Kind::Validated, Kind::Activated) if prev.is_active() && nonstate => Some(Kind::Deactivated),
                (Kind::Validated, Kind::Deactivated) if !prev.is_active() && nonstate => Some(Kind::Activated),
                (Kind::Validated, Kind::Validated) if prev.is_active() && !active => Some(Kind::Deactivated),
                (Kind::Validated, Kind::Validated) if !prev.is_active() && active => Some(Kind::Activated),
                _ => None,
            };
            if let Some(kind) = found {
                missing.push(gen(kind)?);
            } else if prev.kind == Kind::Sentinel {
                missing.extend(self.check_earliest(&reason)?);
            }
            if !missing.is_empty() {
                last_for_mode = Some(t);
            }
        }
        missing.extend(self.check_mode_change(prev, last_for_mode)?);
        self.update(prev);
        Ok(missing)
    }

    /// `_check_earliest_event`: what must have happened before the earliest event.
    fn check_earliest(&self, reason: &str) -> Result<Vec<Out>, Crash> {
        let curr = self.activation_timestamp.clone();
        let creation = self.creation_timestamp.clone();
        let mode = self.current_mode.clone();
        let opts = self.opts;
        match self.activation_type {
            Some(Kind::Deactivated) => {
                // A validation after the deactivation dates its creation: there should be an activation then.
                let creation_counts = creation
                    .as_deref()
                    .is_some_and(|c| !c.is_empty() && (opts.generate_before || c >= opts.lower_bound.as_str()));
                if creation_counts {
                    let t = self.truncate(creation.as_deref());
                    return Ok(vec![self.output(t, Kind::Activated, mode, reason, creation, curr)?]);
                }
                if opts.generate_before {
                    let t = fake_timestamp(None, curr.as_deref())?;
                    return Ok(vec![self.output(Some(t), Kind::Activated, mode, reason, None, curr)?]);
                }
            }
            Some(Kind::Validated) => {
                let t = self.truncate(creation.as_deref());
                // A missing creation time sorts before any date (Python 2 compares None as smallest).
                let before_interval = creation.as_deref().is_none_or(|c| c < opts.lower_bound.as_str());
                if !opts.generate_before && before_interval {
                    // Outside the interval: the events may exist, just not in the logs read.
                } else if self.currently_active {
                    return Ok(vec![self.output(t, Kind::Activated, mode, reason, creation, curr)?]);
                } else if opts.include_nonstate_changes {
                    let first =
                        self.output(t.clone(), Kind::Activated, mode.clone(), reason, creation.clone(), curr.clone())?;
                    let t2 = fake_timestamp(t.as_deref(), curr.as_deref())?;
                    let second = self.output(Some(t2), Kind::Deactivated, mode, reason, creation, curr)?;
                    return Ok(vec![first, second]);
                }
            }
            _ => {}
        }
        Ok(vec![])
    }

    /// `_check_for_mode_change`: a mode change between `prev` and the later state, unless nothing can be compared.
    fn check_mode_change(&self, prev: &Ev, last: Option<String>) -> Result<Vec<Out>, Crash> {
        let current = self.current_mode.as_deref().filter(|m| !m.is_empty());
        let suppress = prev.mode.as_deref() == self.current_mode.as_deref()
            || current.is_none()
            || self.mode_changed
            || self.mode_type == Some(Kind::Activated)
            || prev.kind == Kind::Sentinel;
        if suppress {
            return Ok(vec![]);
        }
        let curr = self.mode_timestamp.clone();
        let t = fake_timestamp(last.as_deref(), curr.as_deref())?;
        let reason = reason(prev, &self.mode_state, current);
        Ok(vec![self.output(Some(t), Kind::ModeChanged, self.current_mode.clone(), &reason, last, curr)?])
    }
}

/// `_get_fake_timestamp`: a microsecond after `after`, else a microsecond before `before`.
fn fake_timestamp(after: Option<&str>, before: Option<&str>) -> Result<String, Crash> {
    match after.filter(|a| !a.is_empty()) {
        Some(a) => add_microseconds(a, 1),
        None => add_microseconds(before.ok_or(Crash)?, -1),
    }
}

/// `_get_reason_string`: `prev => curr`, with the modes when a mode is given.
fn reason(prev: &Ev, curr: &str, curr_mode: Option<&str>) -> String {
    match curr_mode {
        Some(m) => format!("{} => {curr} ({}=>{m})", prev.state(), prev.mode.as_deref().unwrap_or("None")),
        None => format!("{} => {curr}", prev.state()),
    }
}

/// `mysql_datetime_to_isoformat` of a snapshot's `created` (a MySQL DATETIME as text, with or without a fraction),
/// microseconds ensured: `2014-06-27 16:02:38` gives `2014-06-27T16:02:38.000000`. `None` when it is not a date
/// and time. The original multiplied Sqoop's one-digit fraction by 100000; a fraction is read here as the decimal
/// fraction it is, whatever its digits.
pub fn mysql_datetime_to_iso(s: &str) -> Option<String> {
    let (main, frac) = s.trim().split_once('.').unwrap_or((s.trim(), ""));
    let dt = chrono::NaiveDateTime::parse_from_str(main, "%Y-%m-%d %H:%M:%S").ok()?;
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let micros = format!("{frac:0<6}")[..6].parse::<u32>().ok()?;
    Some(format!("{}.{micros:06}", dt.format("%Y-%m-%dT%H:%M:%S")))
}

/// Why a snapshot row cannot become a validation event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadRow {
    /// A NULL user id, course id or mode.
    Null,
    /// `user_id` is not an integer.
    UserId,
    /// `created` is not a date and time.
    Created,
}

impl BadRow {
    /// The skip reason it is counted under.
    pub fn reason(self) -> &'static str {
        match self {
            BadRow::Null => NULL_VALUE,
            BadRow::UserId => super::BAD_USER_ID,
            BadRow::Created => BAD_TIMESTAMP,
        }
    }
}

/// The snapshot a validation event comes from: when it was taken (`_metadata` start and end, ISO text) and when
/// the event is written.
pub struct Snapshot<'a> {
    pub dump_start: &'a str,
    pub dump_end: &'a str,
    pub created_at: &'a str,
}

/// `CreateEnrollmentValidationEventsTask.mapper`: one snapshot row `(user_id, course_id, created, is_active, mode)`
/// (Hive text; `is_active` as Sqoop writes a BOOLEAN, `true`/`false`, or `1`/`0`) as the validation event line,
/// with its course id (the file it goes to).
pub fn validation_event(
    user_id: Option<&str>,
    course_id: Option<&str>,
    created: Option<&str>,
    is_active: Option<&str>,
    mode: Option<&str>,
    snap: &Snapshot<'_>,
) -> Result<(String, String), BadRow> {
    let (Some(user_id), Some(course_id), Some(mode)) = (user_id, course_id, mode) else {
        return Err(BadRow::Null);
    };
    let user_id = py_int(user_id).ok_or(BadRow::UserId)?.to_string();
    let created = mysql_datetime_to_iso(created.ok_or(BadRow::Created)?).ok_or(BadRow::Created)?;
    let active = match is_active {
        Some("true") => true,
        Some(v) => py_int(v).is_some_and(|n| n != 0),
        None => false,
    };
    let org = crate::events::course_id::org_id(course_id, true);
    let time = format!("{}+00:00", snap.dump_end);
    let event = Json::Object(vec![
        ("username", Json::Str("")),
        ("host", Json::Str("")),
        ("event_source", Json::Str("server")),
        ("event_type", Json::Str(VALIDATED)),
        (
            "context",
            Json::Object(vec![
                ("course_id", Json::Str(course_id)),
                ("org_id", Json::opt(org.as_deref())),
                ("user_id", Json::Raw(&user_id)),
            ]),
        ),
        ("time", Json::Str(&time)),
        ("ip", Json::Str("")),
        (
            "event",
            Json::Object(vec![
                ("course_id", Json::Str(course_id)),
                ("user_id", Json::Raw(&user_id)),
                ("mode", Json::Str(mode)),
                ("is_active", Json::Bool(active)),
                ("created", Json::Str(&created)),
                ("dump_start", Json::Str(snap.dump_start)),
                ("dump_end", Json::Str(snap.dump_end)),
            ]),
        ),
        ("agent", Json::Str("")),
        ("page", Json::Null),
        (
            "synthesized",
            Json::Object(vec![
                ("created_at", Json::Str(snap.created_at)),
                ("synthesizer", Json::Str("enrollment_from_db")),
                ("reason", Json::Str("db entry")),
            ]),
        ),
    ]);
    Ok((course_id.to_string(), pyjson::to_string(&event)))
}

/// The file a course's validation events go to: `<safe course id>_enroll_validated_<YYYYMMDD>.log.gz`, the date
/// being the snapshot's start.
pub fn validation_file_name(course_id: &str, dump_start: &str) -> String {
    let day = dump_start.split('T').next().unwrap_or_default().replace('-', "");
    let safe = crate::events::course_id::filename_safe_course_id(course_id, true);
    format!("{safe}_enroll_validated_{day}.log.gz")
}
