//! One run of a counted partition, made from the merged keys in one pass: its Hive text (the table of record) and
//! the typed Arrow columns of its sorted copy (`sorted_copy`). Each key is decoded once, for both: the copy costs no
//! second decoding of the rows, and text cells are not checked as UTF-8 one by one (a whole column is, once).

use super::counted;
use super::hive_arrow::Builder;
use super::sorted_copy;
use crate::model::Column;
use anyhow::{Context, Result};
use datafusion::arrow::array::{ArrayRef, BinaryBuilder, RecordBatch, StringArray};
use datafusion::arrow::datatypes::DataType;
use std::sync::Arc;

/// A column of the copy being built: text as bytes (checked as UTF-8 when the run is taken), other types parsed as
/// the Hive text reads them.
enum Cells {
    Text(BinaryBuilder),
    Typed(Builder),
}

/// The text and copy columns of the run being written.
pub struct RunBuilder {
    columns: Vec<Column>,
    cells: Vec<Cells>,
    /// The run's Hive text lines.
    pub text: Vec<u8>,
    rows: usize,
    /// Set when a typed cell was not UTF-8 (text cells are checked when the run is taken).
    not_utf8: bool,
    scratch: Vec<u8>,
}

impl RunBuilder {
    /// A run of a table with `columns`: the counted key's fields, then the count.
    pub fn new(columns: &[Column]) -> Self {
        let cells = columns
            .iter()
            .map(|c| match crate::dialect::arrow_type(c.ty) {
                DataType::Utf8 => Cells::Text(BinaryBuilder::new()),
                _ => Cells::Typed(Builder::new(c.ty)),
            })
            .collect();
        Self { columns: columns.to_vec(), cells, text: Vec::new(), rows: 0, not_utf8: false, scratch: Vec::new() }
    }

    /// Adds the row of counted `key`, `count` as its last cell, of the table named `name` in messages.
    pub fn push(&mut self, name: &str, key: &[u8], count: u64) -> Result<()> {
        let Self { cells, text, not_utf8, scratch, .. } = self;
        let mut n = 0;
        counted::fields(key, scratch, &mut |f| {
            match f {
                None => text.extend_from_slice(crate::hive_text::NULL.as_bytes()),
                Some(v) => crate::events::hive_escape_bytes(v, text),
            }
            text.push(b'\t');
            push_cell(cells.get_mut(n), f, not_utf8);
            n += 1;
        });
        let mut digits = itoa::Buffer::new();
        let count = digits.format(count).as_bytes();
        text.extend_from_slice(count);
        text.push(b'\n');
        push_cell(cells.get_mut(n), Some(count), not_utf8);
        let width = self.columns.len();
        if n + 1 != width {
            anyhow::bail!("{name}: expected {width} fields, found {}", n + 1);
        }
        self.rows += 1;
        Ok(())
    }

    /// Rows added since the run was last taken.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The run's text and its rows as one batch of the copy's columns, in the order they were added; the builder
    /// starts afresh.
    pub fn take(&mut self, name: &str) -> Result<(Vec<u8>, RecordBatch)> {
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.cells.len());
        for c in &mut self.cells {
            arrays.push(match c {
                Cells::Text(b) => Arc::new(StringArray::try_from_binary(b.finish()).map_err(|_| not_utf8(name))?),
                Cells::Typed(b) => b.finish(),
            });
        }
        if std::mem::take(&mut self.not_utf8) {
            return Err(not_utf8(name));
        }
        self.rows = 0;
        let schema = Arc::new(sorted_copy::copy_schema(&self.columns));
        let batch = RecordBatch::try_new(schema, arrays).context("cannot build the sorted copy")?;
        Ok((std::mem::take(&mut self.text), batch))
    }
}

fn not_utf8(name: &str) -> anyhow::Error {
    anyhow::anyhow!("{name}: a counted row is not UTF-8")
}

/// Adds a cell's value to its column (none past the table's width: the row is refused once complete).
fn push_cell(cells: Option<&mut Cells>, value: Option<&[u8]>, not_utf8: &mut bool) {
    match cells {
        Some(Cells::Text(b)) => b.append_option(value),
        Some(Cells::Typed(b)) => {
            let value = value.map(std::str::from_utf8);
            *not_utf8 |= matches!(value, Some(Err(_)));
            b.push(value.and_then(|v| v.ok()));
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType;
    use proptest::prelude::*;

    fn field() -> impl Strategy<Value = Option<String>> {
        prop_oneof![Just(None), "[a\\x00\\x01\\xff\\t\\\\\\n\u{e9}]{0,4}".prop_map(Some)]
    }

    /// The counted keys of `rows`, sorted (the order the merge gives them).
    fn sorted_keys<const N: usize>(rows: &[[Option<&str>; N]]) -> Vec<Vec<u8>> {
        let mut keys: Vec<Vec<u8>> = rows
            .iter()
            .map(|r| {
                let mut k = Vec::new();
                counted::encode(0, 0, r, &mut k);
                k
            })
            .collect();
        keys.sort();
        keys
    }

    fn key(row: &[Option<String>]) -> Vec<u8> {
        let fields: Vec<Option<&str>> = row.iter().map(|f| f.as_deref()).collect();
        let mut k = Vec::new();
        counted::encode(3, 7, &fields, &mut k);
        k
    }

    proptest! {
        /// The text of a run is the Hive text of its rows, the count last.
        #[test]
        fn keys_render_as_hive_text(rows in prop::collection::vec(prop::collection::vec(field(), 3), 0..40)) {
            let columns: Vec<Column> = ["a", "b", "c", "count"]
                .iter()
                .map(|n| Column::new(n, if *n == "count" { ColumnType::BigInt } else { ColumnType::String(None) }))
                .collect();
            let mut run = RunBuilder::new(&columns);
            let mut want = String::new();
            for r in &rows {
                run.push("t", &key(r), 42).unwrap();
                let mut row = r.clone();
                row.push(Some("42".to_string()));
                want.push_str(&format!("{}\n", crate::hive_text::format_row(&row)));
            }
            let (text, batch) = run.take("t").unwrap();
            prop_assert_eq!(String::from_utf8(text).unwrap(), want);
            prop_assert_eq!(batch.num_rows(), rows.len());
        }
    }

    /// A copy made from counted keys is the one made by parsing the Hive text written for them, whatever the
    /// type of the leading column.
    #[test]
    fn a_copy_from_counted_keys_is_the_copy_of_their_text() {
        let mut columns = vec![
            Column::new("user_id", ColumnType::Int),
            Column::new("course_id", ColumnType::String(None)),
            Column::new("category", ColumnType::String(None)),
            Column::new("count", ColumnType::BigInt),
        ];
        let rows: Vec<[Option<&str>; 3]> = vec![
            [Some("10"), Some("course-v1:a+b+c"), Some("ACTIVE")],
            [Some("9"), None, Some("tab\there")],
            [None, Some("back\\slash \\N"), Some("nul\0byte\nnewline")],
            [Some("x7"), Some(""), Some("\u{e9}t\u{e9}")],
            [Some("007"), Some("\\N"), None],
            [Some("7"), Some("a"), None],
            [Some("3000000000"), Some("a"), None], // past an int: NULL, as the text reads
        ];
        let keys = sorted_keys(&rows);
        for first in [ColumnType::Int, ColumnType::String(None)] {
            columns[0].ty = first;
            let mut run = RunBuilder::new(&columns);
            for (n, k) in keys.iter().enumerate() {
                run.push("t", k, n as u64 + 1).unwrap();
            }
            let (text, batch) = run.take("t").unwrap();
            let from_text = sorted_copy::encode(&columns, "t", &text).unwrap();
            assert_eq!(sorted_copy::encode_run(&columns, batch).unwrap(), from_text);
        }
        let mut narrow = RunBuilder::new(&columns[..2]);
        let err = narrow.push("t", &keys[0], 1).unwrap_err();
        assert!(format!("{err:#}").contains("expected 2 fields, found 4"), "{err:#}");
    }

    /// Rows added in key order (the text order of their values) with an integer leading column come out of the
    /// copy in numeric order of it, each value's rows in their order.
    #[test]
    fn a_numeric_leading_column_orders_the_copy() {
        let columns = vec![
            Column::new("user_id", ColumnType::Int),
            Column::new("day", ColumnType::String(None)),
            Column::new("count", ColumnType::BigInt),
        ];
        let rows: Vec<[Option<&str>; 2]> = vec![
            [Some("9"), Some("b")],
            [Some("10"), Some("a")],
            [Some("10"), Some("c")],
            [None, Some("z")],
            [Some("100"), Some("a")],
            [Some("2"), Some("x")],
            [Some("9"), Some("a")],
        ];
        let keys = sorted_keys(&rows);
        let mut run = RunBuilder::new(&columns);
        for k in &keys {
            run.push("t", k, 1).unwrap();
        }
        let (_, batch) = run.take("t").unwrap();
        let bytes = sorted_copy::encode_run(&columns, batch).unwrap();
        let read = sorted_copy::open_run(Box::new(std::io::Cursor::new(bytes)), &columns, "d").unwrap();
        let batches: Vec<RecordBatch> = read.collect::<Result<_>>().unwrap();
        let mut got = Vec::new();
        for b in &batches {
            let users = b.column(0).as_any().downcast_ref::<datafusion::arrow::array::Int32Array>().unwrap();
            let days = b.column(1).as_any().downcast_ref::<StringArray>().unwrap();
            got.extend(users.iter().zip(days.iter().map(|d| d.unwrap().to_string())));
        }
        let want: Vec<(Option<i32>, String)> = [
            (None, "z"),
            (Some(2), "x"),
            (Some(9), "a"),
            (Some(9), "b"),
            (Some(10), "a"),
            (Some(10), "c"),
            (Some(100), "a"),
        ]
        .into_iter()
        .map(|(u, d)| (u, d.to_string()))
        .collect();
        assert_eq!(got, want);
    }
}
