//! Per-workflow extractors (docs/contract.md §3). Each one turns a decoded event into zero or more
//! records of Hive-typed text fields; the partition date is passed separately.

use super::event::Event;
use super::json::IndexedText;
use super::{ColumnSpec, Emit};
use std::borrow::Cow;

pub mod activity;
pub mod enrollment;
pub mod enrollment_validation;
pub mod export;
pub mod location;
pub mod module_engagement;
pub mod problem;
pub mod student_engagement;
pub mod tags;
pub mod video;

/// How the raw line is pre-screened before any JSON decoding.
#[derive(Debug, Clone, Copy)]
pub enum Prefilter {
    /// Every line is a candidate.
    All,
    /// The line must contain this substring. If `exact` is false, lines containing a JSON
    /// `\u00XX` escape of an ASCII character are candidates too (the needle could be escaped).
    Needle { needle: &'static str, exact: bool },
}

/// Which string gives the event date (partition and interval filter).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateSource {
    /// `time` (the default of `EventLogSelectionMixin`).
    Time,
    /// `context.received_at` if the key exists, else `time` (event export).
    ReceivedAtThenTime,
}

/// Drop reasons reported to the counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drop {
    NoCourseId,
    Other,
}

/// Per-line context handed to extractors.
pub struct LineCtx<'l> {
    /// The raw line (without the trailing newline).
    pub line: &'l [u8],
    /// The event date (partition value).
    pub date: &'l str,
    pub ccx: bool,
}

/// Output handle of one extractor for one line.
pub struct Sink<'s> {
    pub(crate) emitted: u64,
    pub(crate) dropped: Option<Drop>,
    pub(crate) out: &'s mut dyn Emit,
    pub(crate) extractor: usize,
    pub(crate) date: &'s str,
}

impl Sink<'_> {
    pub fn emit(&mut self, fields: &[Option<&str>]) {
        self.emitted += 1;
        self.out.record(self.extractor, self.date, fields);
    }

    /// [`Sink::emit`] where `fields[json.0]` is `json.1.text` (see [`Emit::record_json`]).
    pub fn emit_json(&mut self, fields: &[Option<&str>], json: (usize, &IndexedText<'_>)) {
        self.emitted += 1;
        self.out.record_json(self.extractor, self.date, fields, json);
    }
    pub fn drop(&mut self, why: Drop) {
        self.dropped = Some(why);
    }
}

/// The static description of an extractor.
pub struct ExtractorDef {
    pub name: &'static str,
    pub columns: &'static [ColumnSpec],
    pub prefilter: Prefilter,
    pub date_source: DateSource,
    /// Optional extra raw-byte test (after the prefilter): `false` means the line cannot produce
    /// a record. Only a shortcut: it is skipped for lines with an ASCII `\u00XX` escape.
    pub quick_check: Option<fn(&[u8]) -> bool>,
    /// The event types the extractor can emit for, when it is such a short list. A line that is decoded anyway
    /// (another extractor takes every line) is checked against it before the raw-byte prefilter runs, which then
    /// searches only the few lines that can match.
    pub event_types: Option<&'static [&'static str]>,
    pub run: fn(&Event<'_>, &LineCtx<'_>, &mut Sink<'_>),
}

pub static EXTRACTORS: &[&ExtractorDef] = &[
    &enrollment::DEF,
    &activity::DEF,
    &video::DEF,
    &problem::PROBLEM_CHECK_DEF,
    &problem::PROBLEM_RESPONSE_DEF,
    &location::DEF,
    &module_engagement::DEF,
    &student_engagement::DEF,
    &tags::DEF,
    &export::DEF,
    &enrollment_validation::DEF,
];

pub fn find(name: &str) -> Option<&'static ExtractorDef> {
    EXTRACTORS.iter().copied().find(|d| d.name == name)
}

/// Shorthand for column lists.
pub const fn col(name: &'static str, hive_type: &'static str) -> ColumnSpec {
    ColumnSpec { name, hive_type }
}

/// Renders an optional Cow as an `Option<&str>` field.
pub fn f<'a>(v: &'a Option<Cow<'_, str>>) -> Option<&'a str> {
    v.as_deref()
}
