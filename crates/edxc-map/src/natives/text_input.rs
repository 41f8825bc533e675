//! A reducer over its input as the warehouse holds it, Hive text, without a string per cell: the text is kept with an
//! index of its lines and of the key fields in them; the lines are sorted by key, and only the group being reduced
//! is made into rows. So a reducer over a large table costs about its text in memory, not several times that.

use super::{positions, sort_group, CountryRanges, NumberedRow, Reducer, SkipCounts, Skips};
use crate::hive_text;
use anyhow::{bail, Context, Result};
use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::BTreeMap;

/// One data file of a reducer's input: how messages name it, its Hive text, and the values appended to each of its
/// rows (the `dt` of its partition).
pub struct TextFile {
    pub name: String,
    pub bytes: Vec<u8>,
    pub appended: Vec<Option<String>>,
}

/// A reducer's input: data files in input order, each line of `width` fields, and for each column of the reducer's
/// input (its spec's order) the column of a file's row that feeds it: a field of the line, or past the line's
/// fields, one of the file's appended values.
pub struct TextInput {
    pub files: Vec<TextFile>,
    pub width: usize,
    pub positions: Vec<usize>,
}

/// Where a line is: its file, and its byte range there.
#[derive(Clone, Copy)]
struct Line {
    file: u32,
    start: usize,
    end: usize,
}

/// The input decoded as UTF-8 (a file that is not is read as `String::from_utf8_lossy` reads it, as rows of the
/// warehouse are), with its line and key-field index.
struct Indexed<'a> {
    texts: Vec<Cow<'a, str>>,
    files: &'a [TextFile],
    lines: Vec<Line>,
    /// Per line, `key.len()` byte ranges (relative to the line) of its key fields that are fields of the line.
    ranges: Vec<(u32, u32)>,
    /// The key, as columns of a file's row.
    key: Vec<usize>,
    width: usize,
}

impl<'a> Indexed<'a> {
    fn new(input: &'a TextInput, key: Vec<usize>) -> Result<Self> {
        let texts: Vec<Cow<str>> = input.files.iter().map(|f| String::from_utf8_lossy(&f.bytes)).collect();
        let (mut lines, mut ranges, mut raw) = (Vec::new(), Vec::new(), Vec::new());
        for (f, text) in texts.iter().enumerate().filter(|(_, t)| !t.is_empty()) {
            let file = u32::try_from(f).context("too many input files")?;
            let mut start = 0;
            for (n, line) in text.strip_suffix('\n').unwrap_or(text).split('\n').enumerate() {
                hive_text::split_raw(line, &mut raw);
                if raw.len() != input.width {
                    bail!("{}:{}: expected {} fields, found {}", input.files[f].name, n + 1, input.width, raw.len());
                }
                for &c in &key {
                    // Past the line's fields: an appended value, read from the file (`key_value`).
                    let range = match raw.get(c) {
                        Some(field) => {
                            let at = field.as_ptr() as usize - line.as_ptr() as usize;
                            (u32::try_from(at)?, u32::try_from(at + field.len())?)
                        }
                        None => (0, 0),
                    };
                    ranges.push(range);
                }
                lines.push(Line { file, start, end: start + line.len() });
                start += line.len() + 1;
            }
        }
        Ok(Self { texts, files: &input.files, lines, ranges, key, width: input.width })
    }

    fn line(&self, i: usize) -> (&str, &TextFile) {
        let l = self.lines[i];
        (&self.texts[l.file as usize][l.start..l.end], &self.files[l.file as usize])
    }

    /// Key field `k` of line `i`.
    fn key_value(&self, i: usize, k: usize) -> Option<Cow<'_, str>> {
        let (line, file) = self.line(i);
        let c = self.key[k];
        if c < self.width {
            let (a, b) = self.ranges[i * self.key.len() + k];
            hive_text::field(&line[a as usize..b as usize])
        } else {
            file.appended.get(c - self.width).and_then(|v| v.as_deref()).map(Cow::Borrowed)
        }
    }

    fn cmp_keys(&self, a: usize, b: usize) -> Ordering {
        (0..self.key.len())
            .map(|k| self.key_value(a, k).cmp(&self.key_value(b, k)))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    }

    /// Line `i` as a row of the reducer's input.
    fn row(&self, i: usize, positions: &[usize]) -> Vec<Option<String>> {
        let (line, file) = self.line(i);
        let mut fields = Vec::new();
        hive_text::split_raw(line, &mut fields);
        positions
            .iter()
            .map(|&p| match fields.get(p) {
                Some(f) => hive_text::field(f).map(Cow::into_owned),
                None => file.appended.get(p - self.width).cloned().flatten(),
            })
            .collect()
    }
}

/// Runs reducer `name` over `input`: groups in key order, each group sorted as [`super::run_reducer`] sorts it (rows
/// numbered in input order), its output as Hive text lines, with their number and the rows skipped by reason. Gives
/// what [`super::run_reducer_counted`] gives for the same rows.
pub fn run_reducer_on_text(
    name: &str,
    args: &BTreeMap<String, String>,
    input: &TextInput,
    countries: Option<std::sync::Arc<CountryRanges>>,
) -> Result<(Vec<u8>, u64, SkipCounts)> {
    let (spec, reducer): (_, Reducer) = Reducer::new(name, args, countries)?;
    if input.positions.len() != spec.input.len() {
        bail!("reducer {name}: {} input columns given, it takes {}", input.positions.len(), spec.input.len());
    }
    let key: Vec<usize> = positions(spec, spec.key)?.iter().map(|&k| input.positions[k]).collect();
    let sort_idx = positions(spec, spec.sort)?;
    let indexed = Indexed::new(input, key)?;
    let mut order: Vec<u32> = (0..u32::try_from(indexed.lines.len()).context("too many input rows")?).collect();
    // Stable: within a group, lines stay in input order, as the rows of a group do in `run_reducer`.
    order.sort_by(|&a, &b| indexed.cmp_keys(a as usize, b as usize));
    let (mut text, mut written, mut skips) = (Vec::new(), 0u64, Skips::default());
    let (mut group, mut out) = (Vec::new(), Vec::new());
    let mut at = 0;
    while at < order.len() {
        let first = order[at] as usize;
        let mut end = at + 1;
        while end < order.len() && indexed.cmp_keys(first, order[end] as usize).is_eq() {
            end += 1;
        }
        group.clear();
        for &i in &order[at..end] {
            let row = indexed.row(i as usize, &input.positions);
            group.push(NumberedRow { number: u64::from(i) + 1, row });
        }
        sort_group(&mut group, &sort_idx);
        out.clear();
        reducer.reduce(&group, &mut out, &mut skips);
        for row in &out {
            hive_text::write_row(row, &mut text).context("writing reducer output")?;
        }
        written += out.len() as u64;
        at = end;
    }
    Ok((text, written, skips.into_counts()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Rows of a table laid out (user_id, event_type, timestamp, mode) with the course as each file's appended value:
    /// columns in another order than the reducer's, a key column from outside the text, escapes, NULLs, equal keys
    /// in several files and an empty file.
    fn files() -> Vec<(Option<String>, Vec<crate::natives::Row>)> {
        let mut seed = 7u64;
        let mut next = |n: u64| {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) % n
        };
        let courses = [Some("course-v1:A+B+C".to_string()), Some("odd\tcourse\\x".to_string()), None];
        let (types, modes) =
            (["edx.course.enrollment.activated", "edx.course.enrollment.deactivated"], ["audit", "verified"]);
        let mut out = Vec::new();
        for f in 0..6 {
            let course = courses[f % courses.len()].clone();
            let rows = if f == 4 { 0 } else { 40 };
            let rows = (0..rows)
                .map(|_| {
                    let mode = if next(5) == 0 { None } else { Some(modes[next(2) as usize].to_string()) };
                    vec![
                        Some(format!("{}", next(12))),
                        Some(types[next(2) as usize].to_string()),
                        Some(format!("2026-10-{:02}T{:02}:00:00.000000", 20 + next(9), next(24))),
                        mode,
                    ]
                })
                .collect();
            out.push((course, rows));
        }
        out
    }

    fn compare(name: &str) {
        let args = BTreeMap::from([("end".to_string(), "2026-11-01".to_string())]);
        // Spec order: course_id, user_id, timestamp, event_type, mode.
        let positions = vec![4, 0, 2, 1, 3];
        let mut input = TextInput { files: vec![], width: 4, positions: positions.clone() };
        let mut rows = Vec::new();
        for (i, (course, table_rows)) in files().into_iter().enumerate() {
            let mut bytes = Vec::new();
            for r in &table_rows {
                hive_text::write_row(r, &mut bytes).unwrap();
                let mut full = r.clone();
                full.push(course.clone());
                rows.push(positions.iter().map(|&p| full[p].clone()).collect::<Vec<_>>());
            }
            input.files.push(TextFile { name: format!("f{i}"), bytes, appended: vec![course] });
        }
        let (want, want_skips) = super::super::run_reducer_counted(name, &args, rows).unwrap();
        let (text, n, skips) = run_reducer_on_text(name, &args, &input, None).unwrap();
        let mut want_text = Vec::new();
        for r in &want {
            hive_text::write_row(r, &mut want_text).unwrap();
        }
        assert!(n > 20, "{name}: only {n} rows, skipped {skips:?}, want {}", want.len());
        assert_eq!(n, want.len() as u64);
        assert_eq!(String::from_utf8_lossy(&text), String::from_utf8_lossy(&want_text), "{name}");
        assert_eq!(skips, want_skips);
    }

    #[test]
    fn gives_what_the_row_reducer_gives() {
        compare("enrollment_days");
        compare("enrollment_summary");
    }

    #[test]
    fn a_line_of_another_width_is_an_error_naming_its_file_and_line() {
        let input = TextInput {
            files: vec![TextFile {
                name: "part-00000".into(),
                bytes: b"1\ta\tb\tc\n2\ta\tb\n".to_vec(),
                appended: vec![None],
            }],
            width: 4,
            positions: vec![4, 0, 2, 1, 3],
        };
        let args = BTreeMap::from([("end".to_string(), "2026-11-01".to_string())]);
        let e = run_reducer_on_text("enrollment_days", &args, &input, None).unwrap_err();
        assert_eq!(e.to_string(), "part-00000:2: expected 4 fields, found 3");
    }
}
