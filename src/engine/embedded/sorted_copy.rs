//! A partition's sorted Arrow copy, kept beside its Hive text (under marker names, starting with `_`, which Hive
//! and every reader of data files skip). The Hive text stays the table of record; the copy is a cache of it that the
//! embedded engine writes for counted map partitions, and for reducer outputs that SQL transforms read (several
//! transforms often read one, such as `course_enrollment`: each would parse its text again), and that SQL
//! transforms read instead of the text.
//!
//! Why sorted: a query over many such partitions reads them (every run of each) merged into one stream ordered by the
//! table's leading column (typed: `user_id` as a number, not as the text order the partition file has), and the
//! planner is told so. A grouping whose keys hold that column, such as `COUNT(DISTINCT user_id)` per course and week,
//! then emits each group as soon as the stream moves past it instead of holding every group until the end: its
//! memory stays flat as the logs grow. Reading the copy also costs no text parsing. Each run is sorted by every
//! column, so a copy's bytes depend only on its rows.
//!
//! A copy is a few sorted runs (`_sorted-00000.arrow`, ...: a run per few MiB of text, so making one takes bounded
//! memory however large the day) and a manifest (`_sorted`) naming the byte size of the text it was made from and
//! the number of runs, written last. A copy without a manifest, or whose manifest does not match its partition's
//! data files, or whose runs are missing or made for other columns, is not used; a run that turns out damaged while
//! a query reads it makes the transform run again from the text (see `Reader::sql`).

use super::hive_arrow::InputBuilder;
use crate::dialect::input_schema;
use crate::model::Column;
use anyhow::{Context, Result};
use datafusion::arrow::array::AsArray;
use datafusion::arrow::array::{ArrayRef, RecordBatch, StringArray, UInt32Array};
use datafusion::arrow::compute::{cast, take_record_batch, LexicographicalComparator, SortColumn, SortOptions};
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::arrow::datatypes::{Schema, SchemaRef};
use datafusion::arrow::ipc::reader::StreamReader;
use datafusion::arrow::ipc::writer::StreamWriter;
use datafusion::arrow::row::{RowConverter, SortField};
use std::io::Read;
use std::sync::Arc;

/// The copy's manifest in the partition directory: the bytes of the text it was made from and its number of runs.
pub const MANIFEST: &str = "_sorted";

/// Text sorted into one run: what making a run holds in memory (a few times this), whatever the partition's size.
pub const RUN_TEXT_BYTES: usize = 4 << 20;

/// The file of run `run` (from 0) of a copy.
pub fn run_file(run: usize) -> String {
    format!("_sorted-{run:05}.arrow")
}

/// The manifest of a copy of `text_bytes` bytes of text in `runs` runs.
pub fn manifest(text_bytes: u64, runs: usize) -> Vec<u8> {
    serde_json::json!({ "text_bytes": text_bytes, "runs": runs }).to_string().into_bytes()
}

/// The runs of a copy whose manifest is `bytes`, if it was made from `text_bytes` bytes of text.
pub fn runs(bytes: &[u8], text_bytes: u64) -> Option<usize> {
    let m: serde_json::Value = serde_json::from_slice(bytes).ok()?;
    let made_from = m.get("text_bytes")?.as_u64()?;
    let runs = usize::try_from(m.get("runs")?.as_u64()?).ok()?;
    (made_from == text_bytes).then_some(runs)
}

/// What the errors of a damaged copy say (the SQL transform then reads the text instead).
pub const DAMAGED: &str = "the sorted copy is damaged";

/// Rows per batch in the copy: what a reader holds of each partition at a time. A query merging many partitions
/// decodes and merges one batch at a time per partition: with 1024 rows the per-batch work showed in profiles.
const BATCH_ROWS: usize = 4096;

/// The order of the copy's rows: every column, ascending, NULL first.
pub const ORDER: SortOptions = SortOptions { descending: false, nulls_first: true };

/// The schema of a copy: the table's columns (no `dt`).
pub(super) fn copy_schema(columns: &[Column]) -> Schema {
    let full = input_schema(columns);
    Schema::new(full.fields().iter().take(columns.len()).cloned().collect::<Vec<_>>())
}

/// One sorted run of a copy: `text`, Hive text lines of a partition of a table with `columns` (named `name` in
/// messages), sorted, as Arrow IPC stream bytes. The map makes its copies from its counted rows instead
/// ([`encode_with`]); the tests make theirs from text.
#[cfg(test)]
pub fn encode(columns: &[Column], name: &str, text: &[u8]) -> Result<Vec<u8>> {
    encode_with(columns, |b| b.add_lines(name, "", &String::from_utf8_lossy(text), 0).map(drop))
}

/// The runs of the copy of a partition whose whole Hive text is `text` (a table with `columns`, named `name` in
/// messages): one per [`RUN_TEXT_BYTES`] of whole lines. `None` when the text is not UTF-8: it is then read as text.
pub fn encode_text(columns: &[Column], name: &str, text: &[u8]) -> Result<Option<Vec<Vec<u8>>>> {
    let Ok(mut rest) = std::str::from_utf8(text) else { return Ok(None) };
    let (mut runs, mut line) = (Vec::new(), 0);
    while !rest.is_empty() {
        let cut = match rest.as_bytes().get(RUN_TEXT_BYTES..) {
            Some(tail) => memchr::memchr(b'\n', tail).map_or(rest.len(), |i| RUN_TEXT_BYTES + i + 1),
            None => rest.len(),
        };
        let (chunk, after) = rest.split_at(cut);
        runs.push(encode_with(columns, |b| b.add_lines(name, "", chunk, line).map(drop))?);
        line += memchr::memchr_iter(b'\n', chunk.as_bytes()).count();
        rest = after;
    }
    Ok(Some(runs))
}

/// [`encode`] of the rows `fill` adds to a builder of the table's columns (`dt` left empty).
pub fn encode_with(columns: &[Column], fill: impl FnOnce(&mut InputBuilder) -> Result<()>) -> Result<Vec<u8>> {
    let mut b = InputBuilder::new(columns);
    fill(&mut b)?;
    let keep: Vec<usize> = (0..columns.len()).collect();
    let batch = b.take_batch()?.project(&keep).context("cannot build the sorted copy")?;
    write_sorted(columns, batch)
}

/// One sorted run of a copy from `batch`, rows of the copy's columns in the map's key order (the text order of
/// each value, `counted_run`). A numeric leading column orders differently ("10" before "9" as text): the groups
/// of rows of equal leading value are put in its numeric order first (a stable sort of the groups), after which
/// the rows are usually in order and [`write_sorted`] only checks them.
pub fn encode_run(columns: &[Column], batch: RecordBatch) -> Result<Vec<u8>> {
    let batch = match batch.columns().first().map(|c| cast(c, &DataType::Int64)) {
        Some(Ok(lead)) if batch.column(0).data_type().is_integer() => {
            let lead = lead.as_primitive::<Int64Type>();
            // (leading value, first row) of each group of equal values, in row order.
            let mut groups: Vec<(Option<i64>, u32)> = Vec::new();
            for (i, v) in lead.iter().enumerate() {
                if groups.last().is_none_or(|(g, _)| *g != v) {
                    groups.push((v, i as u32));
                }
            }
            if groups.windows(2).all(|w| w[0].0 <= w[1].0) {
                batch
            } else {
                let n = batch.num_rows() as u32;
                let ends: Vec<u32> = groups.iter().skip(1).map(|g| g.1).chain(std::iter::once(n)).collect();
                let mut order: Vec<usize> = (0..groups.len()).collect();
                order.sort_by_key(|&g| groups[g].0);
                let rows: Vec<u32> = order.into_iter().flat_map(|g| groups[g].1..ends[g]).collect();
                take_record_batch(&batch, &UInt32Array::from(rows)).context("cannot sort the sorted copy")?
            }
        }
        _ => batch,
    };
    write_sorted(columns, batch)
}

/// Writes `batch` (the copy's columns) as one run, sorted by every column.
fn write_sorted(columns: &[Column], batch: RecordBatch) -> Result<Vec<u8>> {
    // Compared column by column as typed values. Rows often come in this order already (the map adds its counted
    // rows so): then a pass over them is all it costs.
    let sort: Vec<SortColumn> =
        batch.columns().iter().map(|c| SortColumn { values: c.clone(), options: Some(ORDER) }).collect();
    let cmp = LexicographicalComparator::try_new(&sort).context("cannot sort the sorted copy")?;
    let sorted = (1..batch.num_rows()).all(|i| cmp.compare(i - 1, i).is_le());
    let batch = if sorted {
        drop(cmp);
        batch
    } else {
        // Sorted as rows of the Arrow row format (its byte order is this typed order): a `memcmp` per comparison
        // instead of a typed comparison per column. Rows that compare equal are equal, so an unstable sort does.
        drop(cmp);
        let fields = batch.columns().iter().map(|c| SortField::new_with_options(c.data_type().clone(), ORDER));
        let rows = RowConverter::new(fields.collect())
            .and_then(|conv| conv.convert_columns(batch.columns()))
            .context("cannot sort the sorted copy")?;
        let mut order: Vec<u32> = (0..batch.num_rows() as u32).collect();
        order.sort_unstable_by(|&a, &b| rows.row(a as usize).cmp(&rows.row(b as usize)));
        take_record_batch(&batch, &UInt32Array::from(order)).context("cannot sort the sorted copy")?
    };
    let schema = Arc::new(copy_schema(columns));
    let batch = batch.with_schema(schema.clone()).context("cannot build the sorted copy")?;
    let mut w = StreamWriter::try_new(Vec::new(), &schema).context("cannot write the sorted copy")?;
    let mut at = 0;
    while at < batch.num_rows() {
        let n = BATCH_ROWS.min(batch.num_rows() - at);
        w.write(&batch.slice(at, n)).context("cannot write the sorted copy")?;
        at += n;
    }
    w.into_inner().context("cannot write the sorted copy")
}

/// The batches of a partition's copy, each with the `dt` column appended.
pub type Batches = Box<dyn Iterator<Item = Result<RecordBatch>> + Send>;

/// Opens the run read by `reader` as part of partition `dt` of a table with `columns`. `None` when it was made
/// for other columns (or is no run): the text is read instead.
pub fn open_run(reader: Box<dyn Read + Send>, columns: &[Column], dt: &str) -> Option<Batches> {
    let r = StreamReader::try_new_buffered(reader, None).ok()?;
    let got = r.schema();
    let want = copy_schema(columns);
    let same = got.fields().len() == want.fields().len()
        && got.fields().iter().zip(want.fields()).all(|(g, w)| g.name() == w.name() && g.data_type() == w.data_type());
    if !same {
        return None;
    }
    let out: SchemaRef = input_schema(columns);
    let dt = dt.to_string();
    Some(Box::new(r.map(move |b| {
        let b = b.context(DAMAGED)?;
        let dts: ArrayRef = Arc::new(StringArray::from(vec![dt.as_str(); b.num_rows()]));
        let mut cols = b.columns().to_vec();
        cols.push(dts);
        RecordBatch::try_new(out.clone(), cols).context(DAMAGED)
    })))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ColumnType;
    use datafusion::arrow::array::{Array, Int32Array};

    fn columns() -> Vec<Column> {
        vec![Column::new("user_id", ColumnType::Int), Column::new("course_id", ColumnType::String(None))]
    }

    fn read(bytes: Vec<u8>) -> Option<Vec<RecordBatch>> {
        open_run(Box::new(std::io::Cursor::new(bytes)), &columns(), "2026-11-01")
            .map(|b| b.collect::<Result<Vec<_>>>().unwrap())
    }

    #[test]
    fn rows_come_back_sorted_as_typed_values_with_dt() {
        // Text order (as the map writes it) is not number order: "10" < "9".
        let text = b"10\tb\n9\ta\n\\N\tz\n9\t\\N\n";
        let batches = read(encode(&columns(), "part-00000", text).unwrap()).expect("a run opens");
        let batch = datafusion::arrow::compute::concat_batches(&batches[0].schema(), &batches).unwrap();
        let users = batch.column(0).as_any().downcast_ref::<Int32Array>().unwrap();
        assert_eq!(users.iter().collect::<Vec<_>>(), vec![None, Some(9), Some(9), Some(10)]);
        let courses = batch.column(1).as_any().downcast_ref::<StringArray>().unwrap();
        assert_eq!(courses.iter().collect::<Vec<_>>(), vec![Some("z"), None, Some("a"), Some("b")]);
        let dts = batch.column(2).as_any().downcast_ref::<StringArray>().unwrap();
        assert!(dts.iter().all(|d| d == Some("2026-11-01")));
    }

    #[test]
    fn a_copy_of_other_text_or_columns_or_garbage_is_not_used() {
        assert_eq!(runs(&manifest(10, 3), 10), Some(3));
        assert_eq!(runs(&manifest(10, 3), 11), None, "made from other text");
        assert_eq!(runs(b"{", 10), None, "a damaged manifest");
        let bytes = encode(&columns(), "part-00000", b"1\ta\n").unwrap();
        let other = vec![Column::new("user_id", ColumnType::BigInt)];
        assert!(open_run(Box::new(std::io::Cursor::new(bytes)), &other, "d").is_none(), "other columns");
        assert!(read(b"not arrow".to_vec()).is_none(), "garbage");
    }

    #[test]
    fn a_truncated_run_is_an_error_while_reading() {
        let text: Vec<u8> = (0..20_000).flat_map(|i| format!("{i}\tc\n").into_bytes()).collect();
        let mut bytes = encode(&columns(), "part-00000", &text).unwrap();
        bytes.truncate(bytes.len() / 2);
        let batches = open_run(Box::new(std::io::Cursor::new(bytes)), &columns(), "d").unwrap();
        let errs: Vec<String> = batches.filter_map(|b| b.err()).map(|e| format!("{e:#}")).collect();
        assert!(errs.iter().any(|e| e.contains(DAMAGED)), "{errs:?}");
    }
}
