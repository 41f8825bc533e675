//! Native reducers and native functions: pure Rust logic over rows of text.
//!
//! * Reducers run per group of input rows. In-process the embedded engine calls [`run_reducer`] (groups and sorts
//!   itself); on a cluster Hive runs `SELECT TRANSFORM(...) USING 'edxc-map --reducer NAME ...'` over input
//!   distributed by the key and sorted, which reaches [`stream_reducer`].
//! * Native functions produce a table from their arguments and, optionally, the text of one input file.
//!
//! Values are text (`None` = NULL); each column's `hive_type` tells how the text is to be read.
//!
//! Bad input never fails a run and is never a panic. Where the original code is defined on a value, it is followed
//! (documented per reducer and function); where the original would have crashed (failing the whole job) or is not
//! defined (a row with the wrong number of columns, a NULL, a line that is not UTF-8), the row (or, where a state
//! machine needs it, that event) is skipped and counted under a named reason ([`SKIP_REASONS`]):
//! [`run_reducer_counted`], [`stream_reducer_counted`] and [`run_native_counted`] return those counts. Errors are
//! the caller's: an unknown reducer or function, missing or bad arguments, a missing input file, an I/O error.

mod answer_dist;
mod calendar;
mod course_catalog;
mod enrollment_days;
mod enrollment_events;
mod enrollment_summary;
pub mod enrollment_validation;
mod html_entities;
mod html_text;
mod last_country;
mod problem_response;
pub mod pyfmt;
pub mod pyjson;
pub mod pyvalue;
mod student_engagement;
mod tags_distribution;
mod text_input;
mod video;

pub use last_country::CountryRanges;
pub use text_input::{run_reducer_on_text, TextFile, TextInput};

/// The argument of a reducer that looks addresses up in a country table (`last_country_of_user`): the table's file.
/// The engine supplies it from the profile's `geoip_database`, never the pipeline.
pub const GEOIP_ARG: &str = "geoip";

use anyhow::{anyhow, bail, Context, Result};
use std::collections::BTreeMap;
use std::io::{BufRead, Write};

pub type Row = Vec<Option<String>>;

/// Rows skipped as unusable, by reason (`(reason, count)`, sorted by reason, only non-zero counts).
pub type SkipCounts = Vec<(String, u64)>;

/// A timestamp or datetime the original cannot read (reducers: an event; course_catalog: a course run).
pub const BAD_TIMESTAMP: &str = "bad_timestamp";
/// A `user_id` that is not an integer where the original converts it (enrollment_summary: every row of the group).
pub const BAD_USER_ID: &str = "bad_user_id";
/// A value longer than the original's record accepts (enrollment_summary: `course_id` over 255 characters, a mode
/// over 100).
pub const VALUE_TOO_LONG: &str = "value_too_long";
/// A NULL where a value is needed (reducer input rows).
pub const NULL_VALUE: &str = "null_value";
/// A reducer input row with the wrong number of columns.
pub const WRONG_COLUMN_COUNT: &str = "wrong_column_count";
/// A reducer input line (`edxc-map --reducer`) that is not UTF-8.
pub const NOT_UTF8: &str = "not_utf8";
/// A course_runs value that is not valid JSON (reading resumes at the next line starting with `{`); an answer
/// distribution row whose answer JSON does not decode to an object.
pub const BAD_JSON: &str = "bad_json";
/// A course_runs value that is valid JSON but not an object.
pub const NOT_AN_OBJECT: &str = "not_an_object";
/// A required course_runs field (`key`, `course`, a program's `uuid` / `type`) missing or null.
pub const MISSING_FIELD: &str = "missing_field";
/// A course_runs field of the wrong JSON type (a non-string string field, a non-integer integer field, `programs`
/// not an array, a program not an object).
pub const BAD_FIELD_TYPE: &str = "bad_field_type";
/// A problem_check answer (or event) the original answer distribution would crash on (answer_dist.rs lists them).
pub const BAD_ANSWER: &str = "bad_answer";

/// tags_distribution: saved tags that are truthy but not a JSON object, a tag value that is not a string (nor a list
/// of strings), or a tag name or value the result store would read as NULL.
pub const BAD_TAGS: &str = "bad_tags";

/// A number the original cannot use (video reducers): not a number, not finite, or outside the range its records
/// accept (see `video.rs`).
pub const BAD_NUMBER: &str = "bad_number";

/// A validation event (enrollment_validation) without the snapshot fields (`dump_start`, ...) it is read with.
pub const INCOMPLETE_VALIDATION: &str = "incomplete_validation";

/// Every skip reason, for reporting.
pub const SKIP_REASONS: &[&str] = &[
    BAD_TIMESTAMP,
    BAD_USER_ID,
    VALUE_TOO_LONG,
    NULL_VALUE,
    WRONG_COLUMN_COUNT,
    NOT_UTF8,
    BAD_JSON,
    NOT_AN_OBJECT,
    MISSING_FIELD,
    BAD_FIELD_TYPE,
    BAD_ANSWER,
    BAD_TAGS,
    BAD_NUMBER,
    INCOMPLETE_VALIDATION,
];

/// Skip counts being gathered.
#[derive(Debug, Default)]
pub(crate) struct Skips(BTreeMap<&'static str, u64>);

impl Skips {
    pub(crate) fn add(&mut self, reason: &'static str, n: u64) {
        if n > 0 {
            *self.0.entry(reason).or_default() += n;
        }
    }

    fn into_counts(self) -> SkipCounts {
        self.0.into_iter().map(|(k, n)| (k.to_string(), n)).collect()
    }
}

/// A column: name and Hive type (`string`, `int`, `tinyint`, `bigint`, `float`, `double`, `date`, `timestamp`,
/// `boolean`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Col {
    pub name: &'static str,
    pub hive_type: &'static str,
}

#[derive(Debug)]
pub struct ReducerSpec {
    pub name: &'static str,
    pub input: &'static [Col],
    pub key: &'static [&'static str],
    pub sort: &'static [&'static str],
    pub output: &'static [Col],
    pub args: &'static [&'static str],
    pub doc: &'static str,
}

#[derive(Debug)]
pub struct NativeSpec {
    pub name: &'static str,
    pub output: &'static [Col],
    pub args: &'static [&'static str],
    pub doc: &'static str,
}

const fn c(name: &'static str, hive_type: &'static str) -> Col {
    Col { name, hive_type }
}

const ENROLLMENT_EVENTS: &[Col] = &[
    c("course_id", "string"),
    c("user_id", "int"),
    c("timestamp", "string"),
    c("event_type", "string"),
    c("mode", "string"),
];

/// The `video` extractor's columns (one row per play / pause / seek / stop event).
const VIDEO_EVENTS: &[Col] = &[
    c("user_id", "int"),
    c("course_id", "string"),
    c("encoded_module_id", "string"),
    c("timestamp", "string"),
    c("event_type", "string"),
    c("current_time", "double"),
    c("old_time", "double"),
    c("youtube_id", "string"),
    c("duration", "double"),
];

/// `video_viewing` rows: one per viewing, as `UserVideoViewingTask` writes them.
const VIDEO_VIEWINGS: &[Col] = &[
    c("user_id", "int"),
    c("course_id", "string"),
    c("encoded_module_id", "string"),
    c("duration", "double"),
    c("start_timestamp", "string"),
    c("start_offset", "double"),
    c("end_offset", "double"),
    c("ending_event_type", "string"),
];

static REDUCERS: &[ReducerSpec] = &[
    ReducerSpec {
        name: "enrollment_days",
        input: ENROLLMENT_EVENTS,
        key: &["course_id", "user_id"],
        sort: &["timestamp", "event_type", "mode"],
        output: &[
            c("date", "date"),
            c("course_id", "string"),
            c("user_id", "int"),
            c("at_end", "tinyint"),
            c("change", "tinyint"),
            c("mode", "string"),
        ],
        args: &["end"],
        doc: "Days-enrolled state machine of CourseEnrollmentTask (§3.1 step B): one row per (course, user) and day \
              from the first event's date up to end-1 (end = interval date_b, YYYY-MM-DD); at_end 1/0, change \
              -1/0/1 on the day of a state change, mode as of that day.",
    },
    ReducerSpec {
        name: "enrollment_summary",
        input: ENROLLMENT_EVENTS,
        key: &["course_id", "user_id"],
        sort: &["timestamp", "event_type", "mode"],
        output: &[
            c("course_id", "string"),
            c("user_id", "int"),
            c("current_enrollment_mode", "string"),
            c("current_enrollment_is_active", "tinyint"),
            c("first_enrollment_mode", "string"),
            c("first_enrollment_time", "timestamp"),
            c("last_unenrollment_time", "timestamp"),
            c("first_verified_enrollment_time", "timestamp"),
            c("first_credit_enrollment_time", "timestamp"),
            c("end_time", "timestamp"),
        ],
        args: &["end"],
        doc: "Per (course, user) enrollment summary of CourseEnrollmentSummaryTask (§3.1 step F); pairs without an \
              accepted activation are dropped; timestamps YYYY-MM-DD HH:MM:SS.ffffff; end_time = end 00:00.",
    },
    ReducerSpec {
        name: "problem_response_latest",
        input: &[
            c("course_id", "string"),
            c("problem_id", "string"),
            c("username", "string"),
            c("timestamp", "string"),
            c("problem_data", "string"),
        ],
        key: &["course_id", "problem_id", "username"],
        sort: &["timestamp", "problem_data"],
        output: PROBLEM_RESPONSE_RECORD,
        args: &["clean_text_regex"],
        doc: "LatestProblemResponseDataTask (§3.5): per (course, problem, username), one ProblemResponseRecord per \
              answer of the latest problem_check event, with total_attempts and the first / last attempt times; \
              texts cleaned with clean_text_regex (empty: the original's default).",
    },
    ReducerSpec {
        name: "problem_response_report",
        input: PROBLEM_RESPONSE_RECORD,
        key: &["course_id"],
        sort: &["sort_idx", "username"],
        output: PROBLEM_RESPONSE_REPORT,
        args: &["datetime_format", "list_delimiter"],
        doc: "ProblemResponseReportTask (§3.5): each ProblemResponseRecord as the report prints it (Python's \
              unicode() of the typed values: True/False/None, 0.0); datetimes through datetime_format (strftime, \
              empty: unicode()), answer lists joined with list_delimiter (a Python string literal, empty: the \
              tuple's repr).",
    },
    ReducerSpec {
        name: "problem_check_answers",
        input: &[
            c("course_id", "string"),
            c("problem_id", "string"),
            c("username", "string"),
            c("timestamp", "string"),
            c("problem_data", "string"),
        ],
        key: &["course_id", "problem_id", "username"],
        sort: &["timestamp", "problem_data"],
        output: ANSWERS,
        args: &[],
        doc: "ProblemCheckEvent (§3.4 step 1): per (course, problem, username), the answers of the first and of the \
              last problem_check event (attempt_category first / last), one row per answer id, the answer as JSON.",
    },
    ReducerSpec {
        name: "answer_distribution",
        input: ANSWERS,
        key: &["course_id", "answer_id"],
        sort: &["timestamp", "answer_data"],
        output: &[
            c("course_id", "string"),
            c("module_id", "string"),
            c("part_id", "string"),
            c("correct", "tinyint"),
            c("first_response_count", "int"),
            c("last_response_count", "int"),
            c("value_id", "string"),
            c("answer_value", "string"),
            c("answer_value_numeric", "double"),
            c("variant", "string"),
            c("variant_number", "int"),
            c("problem_display_name", "string"),
            c("question", "string"),
            c("question_text", "string"),
        ],
        args: &["valid_response_types", "answer_metadata"],
        doc: "AnswerDistributionPerCourse (§3.4 step 2): per (course, answer id), one row per answer value and \
              variant with its first and last response counts. valid_response_types: comma-separated; \
              answer_metadata: a JSON file of metadata by answer id, or empty. variant and question are the report's \
              text; value_id, answer_value and problem_display_name are NULL when the report shows them empty; \
              answer_value_numeric, variant_number and question_text are what the result store receives.",
    },
    ReducerSpec {
        name: "tags_distribution",
        input: &[
            c("course_id", "string"),
            c("org_id", "string"),
            c("problem_id", "string"),
            c("timestamp", "string"),
            c("saved_tags", "string"),
            c("is_correct", "boolean"),
        ],
        key: &["course_id", "org_id", "problem_id"],
        sort: &["timestamp"],
        output: &[
            c("course_id", "string"),
            c("org_id", "string"),
            c("module_id", "string"),
            c("tag_name", "string"),
            c("tag_value", "string"),
            c("total_submissions", "int"),
            c("correct_submissions", "int"),
        ],
        args: &[],
        doc: "TagsDistributionPerCourse.reducer (§3.9): per problem, submissions and correct submissions of every \
              event, one row per (tag name, value) of the latest event's saved tags (a list value: one row per \
              element); nothing when those tags are empty.",
    },
    ReducerSpec {
        name: "video_viewing",
        input: VIDEO_EVENTS,
        key: &["user_id", "course_id", "encoded_module_id"],
        sort: &["timestamp", "event_type", "current_time", "old_time", "youtube_id", "duration"],
        output: VIDEO_VIEWINGS,
        args: &["start", "end"],
        doc: "Viewings of UserVideoViewingTask (§3.3 steps A, B): per (user, course, video) a play starts a viewing, \
              pause/stop (currentTime) or seek (old_time) ends it; kept when it lasts at least 0.25 s, does not end \
              past duration + 1 and starts in [start, end) (YYYY-MM-DD).",
    },
    ReducerSpec {
        name: "video_usage",
        input: VIDEO_VIEWINGS,
        key: &["course_id", "encoded_module_id"],
        sort: &["user_id", "start_timestamp", "start_offset"],
        output: &[
            c("pipeline_video_id", "string"),
            c("course_id", "string"),
            c("encoded_module_id", "string"),
            c("duration", "int"),
            c("segment_length", "int"),
            c("users_at_start", "int"),
            c("users_at_end", "int"),
            c("segment", "int"),
            c("num_users", "int"),
            c("num_views", "int"),
        ],
        args: &["dropoff_threshold"],
        doc: "Segment usage of VideoUsageTask (§3.3 step C): per video and 5-second segment, distinct viewers and \
              views, up to the final segment (from the duration, or inferred by the drop-off rule with \
              dropoff_threshold when the duration is unknown).",
    },
    ReducerSpec {
        name: "last_country_of_user",
        input: &[c("timestamp", "string"), c("ip_address", "string"), c("user_id", "int")],
        key: &["user_id"],
        sort: &["timestamp", "ip_address"],
        output: &[c("country_name", "string"), c("country_code", "string"), c("user_id", "int")],
        args: &[GEOIP_ARG],
        doc: "LastCountryOfUser (§3.6 step B): per user, the address of the latest (timestamp, ip_address) looked \
              up in the country table (geoip = its file; edxc writes it from the profile's GeoIP database); \
              UNKNOWN when the table has no (or a blank) country for it.",
    },
    ReducerSpec {
        name: "enrollment_validation",
        input: &[
            c("course_id", "string"),
            c("user_id", "string"),
            c("timestamp", "string"),
            c("event_type", "string"),
            c("mode", "string"),
            c("validation", "tinyint"),
            c("is_active", "tinyint"),
            c("created", "string"),
            c("dump_start", "string"),
            c("dump_end", "string"),
        ],
        key: &["course_id", "user_id"],
        sort: &["timestamp", "event_type", "mode"],
        output: &[c("file", "string"), c("line", "string")],
        args: &[
            "interval_start",
            "generate_before",
            "include_nonstate_changes",
            "earliest_timestamp",
            "expected_validation",
            "tuple_output",
            "created_at",
        ],
        doc: "Synthetic enrollment events of EnrollmentValidationWorkflow (§3.15 step C): per (course, user), the \
              events missing between the logged and validation events; rows (file, line), the file \
              synthetic_enroll.log-YYYYMMDD.gz (or synthetic_enroll-YYYYMMDD.tsv.gz with tuple_output); \
              earliest_timestamp / expected_validation as YYYY-MM-DDTHH or empty.",
    },
    ReducerSpec {
        name: "student_engagement",
        input: &[
            c("course_id", "string"),
            c("username", "string"),
            c("entity_id", "string"),
            c("event_type", "string"),
            c("correct", "boolean"),
            c("subsection_path", "string"),
            c("subsection_timestamp", "string"),
            c("vote_value", "string"),
            c("undo_vote", "boolean"),
            c("dt", "string"),
        ],
        key: &["course_id", "username"],
        sort: &["dt", "entity_id", "event_type", "subsection_timestamp", "subsection_path"],
        output: &[
            c("end_date", "date"),
            c("course_id", "string"),
            c("username", "string"),
            c("days_active", "int"),
            c("problems_attempted", "int"),
            c("problem_attempts", "int"),
            c("problems_correct", "int"),
            c("videos_played", "int"),
            c("forum_posts", "int"),
            c("forum_responses", "int"),
            c("forum_comments", "int"),
            c("forum_upvotes_given", "int"),
            c("forum_downvotes_given", "int"),
            c("forum_upvotes_received", "int"),
            c("forum_downvotes_received", "int"),
            c("textbook_pages_viewed", "int"),
            c("last_subsection_viewed", "string"),
        ],
        args: &["interval_type", "end"],
        doc: "StudentEngagementTask.reducer (§3.11): per (course, username) and group date (daily: the event date \
              dt; weekly: dt moved forward to the weekday of end-1; all: end-1; end = interval date_b), days active, \
              problems attempted / attempts / correct, videos played, forum posts, responses, comments, votes given \
              and received, textbook pages and the last subsection viewed.",
    },
];

/// Rows between the two answer distribution reducers.
/// `ProblemResponseRecord` as Hive stores it (§3.5).
const PROBLEM_RESPONSE_RECORD: &[Col] = &[
    c("course_id", "string"),
    c("answer_id", "string"),
    c("problem_id", "string"),
    c("problem", "string"),
    c("username", "string"),
    c("question", "string"),
    c("score", "float"),
    c("max_score", "float"),
    c("correct", "tinyint"),
    c("answer", "string"),
    c("total_attempts", "int"),
    c("first_attempt_date", "timestamp"),
    c("last_attempt_date", "timestamp"),
    c("location", "string"),
    c("sort_idx", "int"),
];

/// The record's fields as report text (`sort_idx` stays a number, for sorting).
const PROBLEM_RESPONSE_REPORT: &[Col] = &[
    c("course_id", "string"),
    c("answer_id", "string"),
    c("problem_id", "string"),
    c("problem", "string"),
    c("username", "string"),
    c("question", "string"),
    c("score", "string"),
    c("max_score", "string"),
    c("correct", "string"),
    c("answer", "string"),
    c("total_attempts", "string"),
    c("first_attempt_date", "string"),
    c("last_attempt_date", "string"),
    c("location", "string"),
    c("sort_idx", "int"),
];

const ANSWERS: &[Col] =
    &[c("course_id", "string"), c("answer_id", "string"), c("timestamp", "string"), c("answer_data", "string")];

static NATIVES: &[NativeSpec] = &[
    NativeSpec {
        name: "calendar",
        output: &[
            c("date", "string"),
            c("year", "int"),
            c("month", "int"),
            c("day", "int"),
            c("iso_weekofyear", "string"),
            c("iso_week_start", "string"),
            c("iso_week_end", "string"),
            c("iso_weekday", "int"),
        ],
        args: &["interval"],
        doc: "CalendarTask (§3.14): one row per day of the half-open interval (YYYY-MM-DD-YYYY-MM-DD, or YYYY, \
              YYYY-MM, YYYY-Www, YYYY-MM-DD); iso_weekofyear like 2014W05, week end = next Monday.",
    },
    NativeSpec {
        name: "course_catalog",
        output: &[
            c("course_id", "string"),
            c("catalog_course", "string"),
            c("catalog_course_title", "string"),
            c("start_time", "timestamp"),
            c("end_time", "timestamp"),
            c("enrollment_start_time", "timestamp"),
            c("enrollment_end_time", "timestamp"),
            c("content_language", "string"),
            c("pacing_type", "string"),
            c("level_type", "string"),
            c("availability", "string"),
            c("org_id", "string"),
            c("partner_short_code", "string"),
            c("marketing_url", "string"),
            c("min_effort", "int"),
            c("max_effort", "int"),
            c("weeks_to_complete", "int"),
            c("announcement_time", "timestamp"),
            c("reporting_type", "string"),
        ],
        args: &[],
        doc: "CourseDataTask: the discovery API course_runs snapshot (input file, JSON objects) as CourseRecord \
              rows (Hive course_catalog).",
    },
    NativeSpec {
        name: "program_course",
        output: &[
            c("course_id", "string"),
            c("program_id", "string"),
            c("program_type", "string"),
            c("program_title", "string"),
        ],
        args: &[],
        doc: "ProgramCourseDataTask restricted to the course_program_metadata columns: one row per program listed \
              on each course run of the course_runs snapshot (input file).",
    },
];

pub fn reducers() -> &'static [ReducerSpec] {
    REDUCERS
}

pub fn reducer(name: &str) -> Option<&'static ReducerSpec> {
    REDUCERS.iter().find(|s| s.name == name)
}

pub fn natives() -> &'static [NativeSpec] {
    NATIVES
}

pub fn native(name: &str) -> Option<&'static NativeSpec> {
    NATIVES.iter().find(|s| s.name == name)
}

/// An input row with its 1-based position (row index for [`run_reducer`], line number for [`stream_reducer`]).
pub struct NumberedRow {
    pub number: u64,
    pub row: Row,
}

/// A reducer argument as a cluster passes it on `edxc-map --reducer`'s command line: every byte of the UTF-8 text
/// outside `[A-Za-z0-9_.:+,/-]` as `%XX`, so that any text fits the single-quoted `USING` command (plain words stay
/// as they are).
pub fn percent_encode(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for b in v.bytes() {
        if b.is_ascii_alphanumeric() || b"_.:+,/-".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The inverse of [`percent_encode`]; `None` for a bad escape or text that is not UTF-8.
pub fn percent_decode(v: &str) -> Option<String> {
    let mut bytes = Vec::with_capacity(v.len());
    let mut it = v.bytes();
    while let Some(b) = it.next() {
        if b == b'%' {
            let hex = [it.next()?, it.next()?];
            bytes.push(u8::from_str_radix(std::str::from_utf8(&hex).ok()?, 16).ok()?);
        } else {
            bytes.push(b);
        }
    }
    String::from_utf8(bytes).ok()
}

/// Every listed argument is required; unknown arguments are rejected.
fn check_args(what: &str, allowed: &[&str], args: &BTreeMap<String, String>) -> Result<()> {
    if let Some(unknown) = args.keys().find(|k| !allowed.contains(&k.as_str())) {
        bail!("{what}: unknown argument {unknown:?} (accepted: {allowed:?})");
    }
    if let Some(missing) = allowed.iter().find(|a| !args.contains_key(**a)) {
        bail!("{what}: missing argument {missing:?}");
    }
    Ok(())
}

enum Reducer {
    Days(enrollment_days::EnrollmentDays),
    Summary(enrollment_summary::EnrollmentSummary),
    ProblemCheckAnswers,
    AnswerDistribution(answer_dist::AnswerDistribution),
    LatestResponses(problem_response::LatestResponses),
    ReportRows(problem_response::ReportRows),
    Tags(tags_distribution::TagsDistribution),
    Engagement(student_engagement::StudentEngagement),
    VideoViewing(video::VideoViewing),
    VideoUsage(video::VideoUsage),
    LastCountry(last_country::LastCountry),
    Validation(enrollment_validation::EnrollmentValidation),
}

impl Reducer {
    /// `countries`: the country table, when the caller has it in memory (else read from the `geoip` file).
    fn new(
        name: &str,
        args: &BTreeMap<String, String>,
        countries: Option<std::sync::Arc<CountryRanges>>,
    ) -> Result<(&'static ReducerSpec, Reducer)> {
        let spec = reducer(name).ok_or_else(|| anyhow!("unknown reducer {name:?}"))?;
        check_args(&format!("reducer {name}"), spec.args, args)?;
        let end = |args: &BTreeMap<String, String>| -> Result<chrono::NaiveDate> {
            let raw = args.get("end").map(String::as_str).unwrap_or_default();
            pyfmt::parse_iso_date(raw)
                .ok_or_else(|| anyhow!("reducer {name}: argument end {raw:?} is not a YYYY-MM-DD date"))
        };
        let r = match spec.name {
            "enrollment_days" => {
                let end_date = end(args)?;
                Reducer::Days(enrollment_days::EnrollmentDays {
                    end: end_date.format("%Y-%m-%d").to_string(),
                    end_date,
                })
            }
            "enrollment_summary" => {
                let end_date = end(args)?;
                Reducer::Summary(enrollment_summary::EnrollmentSummary {
                    end_time: format!("{} 00:00:00.000000", end_date.format("%Y-%m-%d")),
                })
            }
            "problem_check_answers" => Reducer::ProblemCheckAnswers,
            "answer_distribution" => {
                let arg = |k: &str| args.get(k).map(String::as_str).unwrap_or_default();
                let metadata = match arg("answer_metadata") {
                    "" => None,
                    path => Some(
                        std::fs::read_to_string(path)
                            .with_context(|| format!("reducer {name}: cannot read answer_metadata {path}"))?,
                    ),
                };
                let r = answer_dist::AnswerDistribution::new(arg("valid_response_types"), metadata.as_deref())
                    .map_err(|e| anyhow!("reducer {name}: {e}"))?;
                Reducer::AnswerDistribution(r)
            }
            "problem_response_latest" => {
                let regex = args.get("clean_text_regex").map(String::as_str).unwrap_or_default();
                let r = problem_response::LatestResponses::new(regex).map_err(|e| anyhow!("reducer {name}: {e}"))?;
                Reducer::LatestResponses(r)
            }
            "problem_response_report" => {
                let arg = |k: &str| args.get(k).map(String::as_str).unwrap_or_default();
                let r = problem_response::ReportRows::new(arg("datetime_format"), arg("list_delimiter"))
                    .map_err(|e| anyhow!("reducer {name}: {e}"))?;
                Reducer::ReportRows(r)
            }
            "tags_distribution" => Reducer::Tags(tags_distribution::TagsDistribution),
            "student_engagement" => {
                let raw = args.get("interval_type").map(String::as_str).unwrap_or_default();
                let interval_type = student_engagement::IntervalType::parse(raw).ok_or_else(|| {
                    anyhow!("reducer {name}: argument interval_type {raw:?} is not daily, weekly or all")
                })?;
                let last_day = end(args)? - chrono::Duration::days(1);
                Reducer::Engagement(student_engagement::StudentEngagement { interval_type, last_day })
            }
            "video_viewing" => {
                let date = |arg: &str| -> Result<String> {
                    let raw = args.get(arg).map(String::as_str).unwrap_or_default();
                    pyfmt::parse_iso_date(raw)
                        .map(|d| d.format("%Y-%m-%d").to_string())
                        .ok_or_else(|| anyhow!("reducer {name}: argument {arg} {raw:?} is not a YYYY-MM-DD date"))
                };
                Reducer::VideoViewing(video::VideoViewing { start: date("start")?, end: date("end")? })
            }
            "video_usage" => {
                let raw = args.get("dropoff_threshold").map(String::as_str).unwrap_or_default();
                let dropoff_threshold = raw.trim().parse::<f64>().ok().filter(|t| t.is_finite() && *t >= 0.0);
                let dropoff_threshold = dropoff_threshold.ok_or_else(|| {
                    anyhow!("reducer {name}: argument dropoff_threshold {raw:?} is not a number >= 0 (e.g. 0.05)")
                })?;
                Reducer::VideoUsage(video::VideoUsage { dropoff_threshold })
            }
            "last_country_of_user" => {
                let countries = match countries {
                    Some(c) => c,
                    None => std::sync::Arc::new(CountryRanges::read(
                        args.get(GEOIP_ARG).map(String::as_str).unwrap_or_default(),
                    )?),
                };
                Reducer::LastCountry(last_country::LastCountry { countries })
            }
            "enrollment_validation" => {
                Reducer::Validation(enrollment_validation::EnrollmentValidation::from_args(args)?)
            }
            other => bail!("reducer {other:?} has no implementation"),
        };
        Ok((spec, r))
    }

    fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
        match self {
            Reducer::Days(r) => r.reduce(rows, out, skips),
            Reducer::Summary(r) => r.reduce(rows, out, skips),
            Reducer::ProblemCheckAnswers => answer_dist::problem_check_answers(rows, out, skips),
            Reducer::AnswerDistribution(r) => r.reduce(rows, out, skips),
            Reducer::LatestResponses(r) => r.reduce(rows, out, skips),
            Reducer::ReportRows(r) => r.reduce(rows, out, skips),
            Reducer::Tags(r) => r.reduce(rows, out, skips),
            Reducer::Engagement(r) => r.reduce(rows, out, skips),
            Reducer::VideoViewing(r) => r.reduce(rows, out, skips),
            Reducer::VideoUsage(r) => r.reduce(rows, out, skips),
            Reducer::LastCountry(r) => r.reduce(rows, out, skips),
            Reducer::Validation(r) => r.reduce(rows, out, skips),
        }
    }
}

fn positions(spec: &ReducerSpec, names: &[&str]) -> Result<Vec<usize>> {
    names
        .iter()
        .map(|n| {
            spec.input
                .iter()
                .position(|c| c.name == *n)
                .ok_or_else(|| anyhow!("reducer {}: column {n:?} not in its input", spec.name))
        })
        .collect()
}

fn project(row: &Row, idx: &[usize]) -> Vec<Option<String>> {
    idx.iter().map(|&i| row.get(i).cloned().flatten()).collect()
}

/// A row of the input's width; one of another width is counted and skipped.
fn width_ok(spec: &ReducerSpec, row: &Row, skips: &mut Skips) -> bool {
    let ok = row.len() == spec.input.len();
    if !ok {
        skips.add(WRONG_COLUMN_COUNT, 1);
    }
    ok
}

/// Sorts a group by the sort columns, ties broken by the whole row (so the result never depends on input order).
fn sort_group(group: &mut [NumberedRow], sort_idx: &[usize]) {
    group.sort_by(|a, b| {
        sort_idx
            .iter()
            .map(|&i| a.row.get(i).cmp(&b.row.get(i)))
            .find(|o| o.is_ne())
            .unwrap_or_else(|| a.row.cmp(&b.row))
    });
}

/// Groups `rows` (columns in spec.input order) by key, sorts each group by the sort columns (string order, as the
/// original sorts tuples), runs the reducer; output rows in spec.output order, deterministic (sorted by key).
///
/// Unusable rows are skipped (see the module documentation); [`run_reducer_counted`] also says how many and why.
pub fn run_reducer(name: &str, args: &BTreeMap<String, String>, rows: Vec<Row>) -> Result<Vec<Row>> {
    run_reducer_counted(name, args, rows).map(|(rows, _)| rows)
}

/// [`run_reducer`], with the rows it skipped by reason. `Err` only for the caller's mistakes (unknown reducer, bad
/// arguments).
pub fn run_reducer_counted(
    name: &str,
    args: &BTreeMap<String, String>,
    rows: Vec<Row>,
) -> Result<(Vec<Row>, SkipCounts)> {
    reduce_rows(Reducer::new(name, args, None)?, rows)
}

/// [`run_reducer_counted`] for a reducer that looks addresses up (`args` still names its `geoip` file, for the
/// record), with the country table the engine has loaded.
pub fn run_reducer_with_countries(
    name: &str,
    args: &BTreeMap<String, String>,
    rows: Vec<Row>,
    countries: std::sync::Arc<CountryRanges>,
) -> Result<(Vec<Row>, SkipCounts)> {
    reduce_rows(Reducer::new(name, args, Some(countries))?, rows)
}

fn reduce_rows(reducer: (&'static ReducerSpec, Reducer), rows: Vec<Row>) -> Result<(Vec<Row>, SkipCounts)> {
    let mut all = Vec::new();
    let skips = reduce_groups(reducer, rows, &mut |out| {
        all.append(out);
        Ok(())
    })?;
    Ok((all, skips))
}

/// Groups `rows` by key and runs the reducer on each group in key order, handing each group's output to `emit`
/// (which may take the rows). A group's input is freed once it is reduced.
fn reduce_groups(
    (spec, r): (&'static ReducerSpec, Reducer),
    rows: Vec<Row>,
    emit: &mut dyn FnMut(&mut Vec<Row>) -> Result<()>,
) -> Result<SkipCounts> {
    let key_idx = positions(spec, spec.key)?;
    let sort_idx = positions(spec, spec.sort)?;
    let mut skips = Skips::default();
    let mut groups: BTreeMap<Vec<Option<String>>, Vec<NumberedRow>> = BTreeMap::new();
    for (i, row) in rows.into_iter().enumerate() {
        if !width_ok(spec, &row, &mut skips) {
            continue;
        }
        let number = i as u64 + 1;
        groups.entry(project(&row, &key_idx)).or_default().push(NumberedRow { number, row });
    }
    let mut out = Vec::new();
    for mut group in groups.into_values() {
        sort_group(&mut group, &sort_idx);
        r.reduce(&group, &mut out, &mut skips);
        emit(&mut out)?;
        out.clear();
    }
    Ok(skips.into_counts())
}

/// Streaming form for `edxc-map --reducer`: reads Hive text rows (spec.input columns) already sorted by key, groups
/// consecutive equal keys, writes Hive text output rows. Returns the number of rows written.
///
/// Empty lines are skipped; a trailing `\r` (CRLF input) is dropped. Rows within a group are re-sorted by the sort
/// columns, so only the grouping (key contiguity) is relied on. A line that is not UTF-8 is skipped (`not_utf8`), as
/// are the rows [`run_reducer`] skips; [`stream_reducer_counted`] says how many.
pub fn stream_reducer<R: BufRead, W: Write>(
    name: &str,
    args: &BTreeMap<String, String>,
    input: R,
    output: W,
) -> Result<u64> {
    stream_reducer_counted(name, args, input, output).map(|(n, _)| n)
}

/// [`stream_reducer`], with the rows it skipped by reason. `Err` for the caller's mistakes and I/O errors only.
pub fn stream_reducer_counted<R: BufRead, W: Write>(
    name: &str,
    args: &BTreeMap<String, String>,
    mut input: R,
    mut output: W,
) -> Result<(u64, SkipCounts)> {
    let (spec, r) = Reducer::new(name, args, None)?;
    let key_idx = positions(spec, spec.key)?;
    let sort_idx = positions(spec, spec.sort)?;
    let mut skips = Skips::default();
    let mut written = 0u64;
    let mut group: Vec<NumberedRow> = Vec::new();
    let mut group_key: Option<Vec<Option<String>>> = None;
    let mut out_rows: Vec<Row> = Vec::new();
    let mut flush = |group: &mut Vec<NumberedRow>, output: &mut W, skips: &mut Skips| -> Result<u64> {
        if group.is_empty() {
            return Ok(0);
        }
        sort_group(group, &sort_idx);
        out_rows.clear();
        r.reduce(group, &mut out_rows, skips);
        group.clear();
        for row in &out_rows {
            crate::hive_text::write_row(row, output).context("writing reducer output")?;
        }
        Ok(out_rows.len() as u64)
    };

    let mut buf = Vec::new();
    let mut line_no = 0u64;
    loop {
        buf.clear();
        let n = input
            .read_until(b'\n', &mut buf)
            .with_context(|| format!("reducer {}: reading line {}", spec.name, line_no + 1))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        if buf.last() == Some(&b'\n') {
            buf.pop();
        }
        if buf.last() == Some(&b'\r') {
            buf.pop();
        }
        if buf.is_empty() {
            continue;
        }
        let Ok(line) = std::str::from_utf8(&buf) else {
            skips.add(NOT_UTF8, 1);
            continue;
        };
        let row = crate::hive_text::split_line(line);
        if !width_ok(spec, &row, &mut skips) {
            continue;
        }
        let key = project(&row, &key_idx);
        if group_key.as_ref() != Some(&key) {
            written += flush(&mut group, &mut output, &mut skips)?;
            group_key = Some(key);
        }
        group.push(NumberedRow { number: line_no, row });
    }
    written += flush(&mut group, &mut output, &mut skips)?;
    output.flush().context("flushing reducer output")?;
    Ok((written, skips.into_counts()))
}

/// Runs a native function. `input` is the text of its input file if it has one (e.g. the course_runs.json
/// snapshot). Unusable input values are skipped; [`run_native_counted`] also says how many and why.
pub fn run_native(name: &str, args: &BTreeMap<String, String>, input: Option<&str>) -> Result<Vec<Row>> {
    run_native_counted(name, args, input).map(|(rows, _)| rows)
}

/// [`run_native`], with the input values it skipped by reason. `Err` only for the caller's mistakes (unknown
/// function, bad arguments such as calendar's `interval`, no input file where one is needed).
pub fn run_native_counted(
    name: &str,
    args: &BTreeMap<String, String>,
    input: Option<&str>,
) -> Result<(Vec<Row>, SkipCounts)> {
    let spec = native(name).ok_or_else(|| anyhow!("unknown native function {name:?}"))?;
    check_args(&format!("native {name}"), spec.args, args)?;
    let need_input = || input.ok_or_else(|| anyhow!("native {name}: needs an input file (course_runs snapshot)"));
    let mut skips = Skips::default();
    let rows = match spec.name {
        "calendar" => calendar::calendar(args.get("interval").map(String::as_str).unwrap_or_default())?,
        "course_catalog" => course_catalog::course_catalog(need_input()?, &mut skips),
        "program_course" => course_catalog::program_course(need_input()?, &mut skips),
        other => bail!("native {other:?} has no implementation"),
    };
    Ok((rows, skips.into_counts()))
}
