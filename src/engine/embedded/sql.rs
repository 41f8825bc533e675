//! SQL transforms on DataFusion. Each input is registered under its table name holding only the partitions the run
//! reads (plus the `dt` column), so the body is the very text Hive runs. The session, its Hive-semantics UDFs and
//! the input schemas are `crate::dialect`'s, shared with `validate`, which plans every body the same way.

use crate::dialect::{arrow_type, input_schema, register_input, session};
use crate::hive_text;
use crate::model::{Column, ColumnType};
use crate::warehouse::Row;
use anyhow::{anyhow, Context, Result};
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Float32Builder, Float64Builder, Int32Builder, Int64Builder, Int8Builder, StringArray,
    StringBuilder,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatch;
use std::sync::Arc;

/// One input table: its name, columns (without `dt`) and rows as Arrow batches (with `dt` last), one per partition
/// read, in partition order.
pub struct InputTable {
    pub name: String,
    pub columns: Vec<Column>,
    pub batches: Vec<RecordBatch>,
}

/// Reads the partitions `dts` of an input on up to `workers` threads, each partition's Hive text parsed into one
/// batch as soon as it is read (the text is dropped then); the batches come in the order of `dts`, so the query sees
/// its rows in the same order whatever the threads.
pub fn read_input(
    name: &str,
    columns: &[Column],
    dts: &[String],
    workers: usize,
    read: &(dyn Fn(&str) -> Result<crate::warehouse::DataFiles> + Sync),
) -> Result<InputTable> {
    let next = std::sync::atomic::AtomicUsize::new(0);
    let slots: Vec<std::sync::Mutex<Option<Result<RecordBatch>>>> = dts.iter().map(|_| Default::default()).collect();
    std::thread::scope(|s| {
        for _ in 0..workers.clamp(1, dts.len().max(1)) {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(dt) = dts.get(i) else { break };
                let batch = read(dt).and_then(|files| {
                    let mut b = InputBuilder::new(name, columns);
                    b.add(dt, files)?;
                    Ok(b.finish()?.batches.remove(0))
                });
                if let Some(Ok(mut slot)) = slots.get(i).map(|m| m.lock()) {
                    *slot = Some(batch);
                }
            });
        }
    });
    let mut batches = Vec::with_capacity(dts.len());
    for slot in slots {
        let batch = slot.into_inner().ok().flatten().ok_or_else(|| anyhow!("a partition of `{name}` was not read"))?;
        batches.push(batch?);
    }
    Ok(InputTable { name: name.to_string(), columns: columns.to_vec(), batches })
}

/// Builds an [`InputTable`] one partition at a time from its Hive text, parsed straight into Arrow columns (no
/// string per cell); each partition's text can be dropped as soon as it is added.
pub struct InputBuilder {
    name: String,
    columns: Vec<Column>,
    builders: Vec<Builder>,
    dts: StringBuilder,
}

impl InputBuilder {
    pub fn new(name: &str, columns: &[Column]) -> Self {
        Self {
            name: name.to_string(),
            columns: columns.to_vec(),
            builders: columns.iter().map(|c| Builder::new(c.ty)).collect(),
            dts: StringBuilder::new(),
        }
    }

    /// Adds the rows of partition `dt`, whose data files are `files`.
    pub fn add(&mut self, dt: &str, files: crate::warehouse::DataFiles) -> Result<()> {
        let width = self.columns.len();
        for (name, bytes) in files {
            // Borrowed when valid UTF-8 (what edxc writes): checked once per file, no copy.
            let text = String::from_utf8_lossy(&bytes);
            let body = text.strip_suffix('\n').unwrap_or(&text);
            let mut raw = Vec::with_capacity(width);
            for (n, line) in body.split('\n').take(if text.is_empty() { 0 } else { usize::MAX }).enumerate() {
                hive_text::split_raw(line, &mut raw);
                if raw.len() != width {
                    anyhow::bail!("{name}:{}: expected {width} fields, found {}", n + 1, raw.len());
                }
                for (b, cell) in self.builders.iter_mut().zip(&raw) {
                    b.push(hive_text::field(cell).as_deref());
                }
                self.dts.append_value(dt);
            }
        }
        Ok(())
    }

    pub fn finish(self) -> Result<InputTable> {
        let mut arrays: Vec<ArrayRef> = self.builders.into_iter().map(Builder::finish).collect();
        let mut dts = self.dts;
        arrays.push(Arc::new(dts.finish()));
        let batch = RecordBatch::try_new(input_schema(&self.columns), arrays).context("cannot build input batch")?;
        Ok(InputTable { name: self.name, columns: self.columns, batches: vec![batch] })
    }
}

/// A typed column being built from Hive text cells; an unparsable number reads as NULL, as Hive does.
enum Builder {
    I8(Int8Builder),
    I32(Int32Builder),
    I64(Int64Builder),
    F32(Float32Builder),
    F64(Float64Builder),
    Bool(BooleanBuilder),
    Str(StringBuilder),
}

impl Builder {
    fn new(t: ColumnType) -> Self {
        match arrow_type(t) {
            DataType::Int8 => Self::I8(Int8Builder::new()),
            DataType::Int32 => Self::I32(Int32Builder::new()),
            DataType::Int64 => Self::I64(Int64Builder::new()),
            DataType::Float32 => Self::F32(Float32Builder::new()),
            DataType::Float64 => Self::F64(Float64Builder::new()),
            DataType::Boolean => Self::Bool(BooleanBuilder::new()),
            _ => Self::Str(StringBuilder::new()),
        }
    }

    fn push(&mut self, cell: Option<&str>) {
        fn num<T: std::str::FromStr>(c: Option<&str>) -> Option<T> {
            c.and_then(|s| s.trim().parse().ok())
        }
        match self {
            Self::I8(b) => b.append_option(num(cell)),
            Self::I32(b) => b.append_option(num(cell)),
            Self::I64(b) => b.append_option(num(cell)),
            Self::F32(b) => b.append_option(num(cell)),
            Self::F64(b) => b.append_option(num(cell)),
            Self::Bool(b) => b.append_option(cell.and_then(|s| match s {
                "true" | "1" => Some(true),
                "false" | "0" => Some(false),
                _ => None,
            })),
            Self::Str(b) => b.append_option(cell),
        }
    }

    fn finish(self) -> ArrayRef {
        match self {
            Self::I8(mut b) => Arc::new(b.finish()),
            Self::I32(mut b) => Arc::new(b.finish()),
            Self::I64(mut b) => Arc::new(b.finish()),
            Self::F32(mut b) => Arc::new(b.finish()),
            Self::F64(mut b) => Arc::new(b.finish()),
            Self::Bool(mut b) => Arc::new(b.finish()),
            Self::Str(mut b) => Arc::new(b.finish()),
        }
    }
}

/// Renders a result column as Hive text cells for a declared column type.
fn text_column(array: &ArrayRef, ty: ColumnType) -> Result<Vec<Option<String>>> {
    let text = cast(array, &DataType::Utf8).map_err(|e| anyhow!("cannot render column: {e}"))?;
    let strings = text.as_any().downcast_ref::<StringArray>().ok_or_else(|| anyhow!("column is not text"))?;
    Ok(strings
        .iter()
        .map(|v| {
            v.map(|v| match ty {
                ColumnType::TinyInt | ColumnType::Int | ColumnType::BigInt => {
                    v.strip_suffix(".0").unwrap_or(v).to_string()
                }
                _ => v.to_string(),
            })
        })
        .collect())
}

/// Runs `body` over `inputs` and returns rows in the order of `columns`.
pub fn run(body: &str, inputs: Vec<InputTable>, columns: &[Column]) -> Result<Vec<Row>> {
    let rt = tokio::runtime::Builder::new_current_thread().build().context("cannot start the SQL runtime")?;
    rt.block_on(async {
        let ctx = session(false);
        for t in inputs {
            register_input(&ctx, &t.name, &t.columns, t.batches)?;
        }
        let df = ctx.sql(body).await.map_err(|e| anyhow!("SQL error: {e}"))?;
        let batches = df.collect().await.map_err(|e| anyhow!("SQL execution failed: {e}"))?;
        let mut rows = Vec::new();
        for b in &batches {
            if b.num_columns() != columns.len() {
                anyhow::bail!("the query returns {} columns, {} are declared", b.num_columns(), columns.len());
            }
            let cols: Vec<Vec<Option<String>>> =
                columns.iter().enumerate().map(|(c, col)| text_column(b.column(c), col.ty)).collect::<Result<_>>()?;
            for i in 0..b.num_rows() {
                rows.push(cols.iter().map(|c| c[i].clone()).collect());
            }
        }
        rows.sort();
        Ok(rows)
    })
}
