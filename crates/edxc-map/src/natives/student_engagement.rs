//! `student_engagement`: `StudentEngagementTask.reducer` (docs/contract.md §3.11, raw MapReduce).
//!
//! A group is every `student_engagement` record of one `(course_id, username)`, each with its event date (`dt`,
//! the partition the map wrote it to). The original keys its reducer on `(group date, course_id, username)`, where
//! the group date depends on the interval type, so the rows of a group are split here by that date:
//! * `daily` → the event date;
//! * `weekly` → the event date moved forward to the weekday of `end − 1` (the end of its week);
//! * `all` → `end − 1`.
//!
//! Per group date, one output row: `days_active` (distinct event dates), `problems_attempted` (distinct entity ids
//! of `problem_check` records), `problem_attempts` (their number), `problems_correct` (distinct problems with a
//! correct check), `videos_played` (distinct `play_video` ids), forum posts / responses / comments (`thread`,
//! `response`, `comment` `.created`), votes given (`thread|response.voted`) and received
//! (`thread|response.vote_received`), up or down, an undone vote counting −1, `textbook_pages_viewed` (`book`), and
//! `last_subsection_viewed` (the path of the subsection view with the greatest timestamp, string order; the first
//! in sort order of equal ones, where the original takes whichever it meets first).
//!
//! The original counts a problem (or video) when it is the *first* record of its entity id group; its ids never
//! mix a problem and a video in practice, so this reducer counts distinct ids per type (the original's result
//! depended on the unspecified order of such a mixed group).
//!
//! A row with a NULL course, username, event type or date, or a date that is not `YYYY-MM-DD`, is skipped
//! (`null_value`, `bad_timestamp`).

use super::{NumberedRow, Row, Skips, BAD_TIMESTAMP, NULL_VALUE};
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::{BTreeMap, BTreeSet};

const SUBSECTION_VIEWED_MARKER: &str = "marker:last_subsection_viewed";

/// How records are grouped by date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IntervalType {
    Daily,
    Weekly,
    All,
}

impl IntervalType {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "daily" => Some(Self::Daily),
            "weekly" => Some(Self::Weekly),
            "all" => Some(Self::All),
            _ => None,
        }
    }
}

pub struct StudentEngagement {
    pub interval_type: IntervalType,
    /// The interval's last day (`date_b − 1`).
    pub last_day: NaiveDate,
}

/// Counters of one (group date, course, username).
#[derive(Default)]
struct Counts<'a> {
    dates: BTreeSet<&'a str>,
    problems: BTreeSet<&'a str>,
    problem_attempts: i64,
    correct: BTreeSet<&'a str>,
    videos: BTreeSet<&'a str>,
    posts: i64,
    responses: i64,
    comments: i64,
    up_given: i64,
    down_given: i64,
    up_received: i64,
    down_received: i64,
    book: i64,
    last_view: Option<(&'a str, &'a str)>,
}

impl StudentEngagement {
    fn group_date(&self, event_date: NaiveDate) -> NaiveDate {
        match self.interval_type {
            IntervalType::Daily => event_date,
            IntervalType::Weekly => {
                let last = self.last_day.weekday().number_from_monday() as i64;
                let this = event_date.weekday().number_from_monday() as i64;
                event_date + Duration::days((last - this).rem_euclid(7))
            }
            IntervalType::All => self.last_day,
        }
    }

    pub fn reduce(&self, rows: &[NumberedRow], out: &mut Vec<Row>, skips: &mut Skips) {
        let mut groups: BTreeMap<NaiveDate, Counts<'_>> = BTreeMap::new();
        let mut key: Option<(&str, &str)> = None;
        for r in rows {
            let cell = |i: usize| r.row.get(i).and_then(|c| c.as_deref());
            let (Some(course_id), Some(username), Some(event_type), Some(dt)) = (cell(0), cell(1), cell(3), cell(9))
            else {
                skips.add(NULL_VALUE, 1);
                continue;
            };
            let Some(date) = super::pyfmt::parse_iso_date(dt) else {
                skips.add(BAD_TIMESTAMP, 1);
                continue;
            };
            key.get_or_insert((course_id, username));
            let entity = cell(2).unwrap_or_default();
            let c = groups.entry(self.group_date(date)).or_default();
            c.dates.insert(dt);
            let vote = || (cell(7) == Some("up"), if cell(8) == Some("true") { -1 } else { 1 });
            match event_type {
                "problem_check" => {
                    c.problems.insert(entity);
                    c.problem_attempts += 1;
                    if cell(4) == Some("true") {
                        c.correct.insert(entity);
                    }
                }
                "play_video" => {
                    c.videos.insert(entity);
                }
                "edx.forum.comment.created" => c.comments += 1,
                "edx.forum.response.created" => c.responses += 1,
                "edx.forum.thread.created" => c.posts += 1,
                "edx.forum.response.voted" | "edx.forum.thread.voted" => match vote() {
                    (true, n) => c.up_given += n,
                    (false, n) => c.down_given += n,
                },
                "edx.forum.response.vote_received" | "edx.forum.thread.vote_received" => match vote() {
                    (true, n) => c.up_received += n,
                    (false, n) => c.down_received += n,
                },
                "book" => c.book += 1,
                SUBSECTION_VIEWED_MARKER => {
                    if let (Some(path), Some(ts)) = (cell(5), cell(6)) {
                        if c.last_view.is_none_or(|(max, _)| ts > max) {
                            c.last_view = Some((ts, path));
                        }
                    }
                }
                _ => {}
            }
        }
        let Some((course_id, username)) = key else { return };
        for (date, c) in groups {
            let n = |v: i64| Some(v.to_string());
            out.push(vec![
                Some(date.format("%Y-%m-%d").to_string()),
                Some(course_id.to_string()),
                Some(username.to_string()),
                n(c.dates.len() as i64),
                n(c.problems.len() as i64),
                n(c.problem_attempts),
                n(c.correct.len() as i64),
                n(c.videos.len() as i64),
                n(c.posts),
                n(c.responses),
                n(c.comments),
                n(c.up_given),
                n(c.down_given),
                n(c.up_received),
                n(c.down_received),
                n(c.book),
                Some(c.last_view.map(|(_, p)| p.to_string()).unwrap_or_default()),
            ]);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn week_ends_on_the_weekday_of_the_last_day() {
        // 2015-09-15 is a Tuesday: a Monday event belongs to the next day's week, a Wednesday one to the next week.
        let r = StudentEngagement { interval_type: IntervalType::Weekly, last_day: d("2015-09-15") };
        assert_eq!(r.group_date(d("2015-09-14")), d("2015-09-15"));
        assert_eq!(r.group_date(d("2015-09-15")), d("2015-09-15"));
        assert_eq!(r.group_date(d("2015-09-09")), d("2015-09-15"));
        assert_eq!(r.group_date(d("2015-09-08")), d("2015-09-08"));
        let all = StudentEngagement { interval_type: IntervalType::All, last_day: d("2015-09-15") };
        assert_eq!(all.group_date(d("2015-09-01")), d("2015-09-15"));
    }

    /// One record: course, username, entity, type, correct, path, timestamp, vote, undo, dt.
    fn rec(entity: &str, event_type: &str, extra: [Option<&str>; 5], dt: &str) -> NumberedRow {
        let mut row: Row = vec![Some("c".into()), Some("u".into()), Some(entity.into()), Some(event_type.into())];
        row.extend(extra.iter().map(|v| v.map(str::to_string)));
        row.push(Some(dt.into()));
        NumberedRow { number: 0, row }
    }

    #[test]
    fn counters_of_one_learner() {
        let none = [None; 5];
        fn check(ok: &str) -> [Option<&str>; 5] {
            [Some(ok), None, None, None, None]
        }
        fn vote<'a>(v: &'a str, undo: &'a str) -> [Option<&'a str>; 5] {
            [None, None, None, Some(v), Some(undo)]
        }
        fn view<'a>(path: &'a str, ts: &'a str) -> [Option<&'a str>; 5] {
            [None, Some(path), Some(ts), None, None]
        }
        let rows = vec![
            rec("p1", "problem_check", check("false"), "2015-09-14"),
            rec("p1", "problem_check", check("true"), "2015-09-14"),
            rec("p2", "problem_check", check("false"), "2015-09-15"),
            rec("v1", "play_video", none, "2015-09-15"),
            rec("v1", "play_video", none, "2015-09-15"),
            rec("", "edx.forum.thread.voted", vote("up", "false"), "2015-09-14"),
            rec("", "edx.forum.thread.voted", vote("up", "true"), "2015-09-14"),
            rec("", "edx.forum.response.voted", vote("down", "false"), "2015-09-14"),
            rec("", "edx.forum.comment.voted", vote("up", "false"), "2015-09-14"),
            rec("", "edx.forum.thread.vote_received", vote("up", "false"), "2015-09-14"),
            rec("", "book", none, "2015-09-14"),
            rec("", "marker:last_subsection_viewed", view("/b", "2015-09-14T02:00:00.000000"), "2015-09-14"),
            rec("", "marker:last_subsection_viewed", view("/a", "2015-09-14T01:00:00.000000"), "2015-09-14"),
        ];
        let r = StudentEngagement { interval_type: IntervalType::All, last_day: d("2015-09-15") };
        let (mut out, mut skips) = (Vec::new(), Skips::default());
        r.reduce(&rows, &mut out, &mut skips);
        let text: Vec<&str> = out[0].iter().map(|c| c.as_deref().unwrap_or("NULL")).collect();
        assert_eq!(
            text,
            ["2015-09-15", "c", "u", "2", "2", "3", "1", "1", "0", "0", "0", "0", "1", "1", "0", "1", "/b"]
        );
        // Daily: one row per event day.
        let r = StudentEngagement { interval_type: IntervalType::Daily, last_day: d("2015-09-15") };
        let mut daily = Vec::new();
        r.reduce(&rows, &mut daily, &mut skips);
        assert_eq!(daily.len(), 2);
        assert_eq!(daily[1][0].as_deref(), Some("2015-09-15"));
        assert_eq!(daily[1][3].as_deref(), Some("1"));
    }
}
