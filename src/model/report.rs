//! What a run did: per task and for the run as a whole. Filled by engines and sinks, read by the summary, the JSON
//! report and the state store.

use serde::Serialize;
use std::time::Duration;

/// What one task did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct TaskReport {
    pub pipeline: String,
    pub node: String,
    pub table: String,
    pub kind: &'static str,
    /// `dt=` partitions written (empty for sinks).
    pub partitions: Vec<String>,
    pub rows: u64,
    #[serde(serialize_with = "seconds")]
    pub elapsed: Duration,
    pub note: Option<String>,
    /// Rows a reducer or function skipped as unusable, by reason (e.g. `bad_timestamp`).
    pub skipped: Vec<(String, u64)>,
}

fn seconds<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64((d.as_secs_f64() * 1000.0).round() / 1000.0)
}

/// A tracking-log file that could not be read completely: its complete lines before the damage were kept.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct DamagedFile {
    pub path: String,
    /// Stable name of the damage (`truncated_gzip`, `not_gzip`, `empty_gzip`, `unreadable`).
    pub kind: String,
    pub reason: String,
}

/// Which tracking-log files a run read, and why the others under the log directory were not read.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FileSelection {
    /// Files read (dated inside the widened interval, or undated).
    pub read: usize,
    /// Of those, files without a date in their name (always read).
    pub undated: usize,
    /// Files whose name matched the pattern but whose date lies outside the widened interval.
    pub outside_interval: usize,
    /// Files whose path does not match `tracking_pattern`.
    pub not_matching: usize,
    /// Hidden files and markers (names starting with `.` or `_`).
    pub hidden: usize,
}

/// What a run did, for the summary, the JSON report and the state store.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RunReport {
    pub tasks: Vec<TaskReport>,
    /// Mapper counters (lines, bad_json, ...), summed over every file read.
    pub counters: Vec<(String, u64)>,
    pub files: FileSelection,
    pub damaged_files: Vec<DamagedFile>,
    /// Data checks that ran, failed or not.
    pub checks: Vec<CheckOutcome>,
    /// Where the logs were read elsewhere (a cluster), what is known of them instead of the mapper's counters.
    pub logs_note: Option<String>,
}

impl RunReport {
    pub fn counter(&self, name: &str) -> u64 {
        self.counters.iter().filter(|(n, _)| n == name).map(|(_, v)| v).sum()
    }
}

/// A data check that found offending rows (or a passing one, for the report).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CheckOutcome {
    pub pipeline: String,
    pub table: String,
    pub dt: String,
    /// e.g. `unique (course_id, date)`.
    pub check: String,
    /// `error` or `warn`.
    pub severity: &'static str,
    /// Offending rows (or keys); 0 when the check passed.
    pub failures: u64,
    /// Up to five of them, rendered, or what was measured.
    pub examples: Vec<String>,
}
