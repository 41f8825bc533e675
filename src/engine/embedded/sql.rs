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

/// One input table: its columns (without `dt`) and, per partition read, its `dt` value and data files (the Hive
/// text as written, parsed straight into Arrow columns: no string per cell).
pub struct InputTable {
    pub name: String,
    pub columns: Vec<Column>,
    pub partitions: Vec<(String, crate::warehouse::DataFiles)>,
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

fn to_batch(t: &InputTable) -> Result<RecordBatch> {
    let width = t.columns.len();
    let mut builders: Vec<Builder> = t.columns.iter().map(|c| Builder::new(c.ty)).collect();
    let mut dts = StringBuilder::new();
    for (dt, files) in &t.partitions {
        for (name, bytes) in files {
            for (n, line) in crate::warehouse::lines(bytes).enumerate() {
                let text = String::from_utf8_lossy(line);
                let mut raw = Vec::with_capacity(width);
                hive_text::split_raw(&text, &mut raw);
                if raw.len() != width {
                    anyhow::bail!("{name}:{}: expected {width} fields, found {}", n + 1, raw.len());
                }
                for (b, cell) in builders.iter_mut().zip(&raw) {
                    b.push(hive_text::field(cell).as_deref());
                }
                dts.append_value(dt);
            }
        }
    }
    let mut arrays: Vec<ArrayRef> = builders.into_iter().map(Builder::finish).collect();
    arrays.push(Arc::new(dts.finish()));
    RecordBatch::try_new(input_schema(&t.columns), arrays).context("cannot build input batch")
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
pub fn run(body: &str, inputs: &[InputTable], columns: &[Column]) -> Result<Vec<Row>> {
    let rt = tokio::runtime::Builder::new_current_thread().build().context("cannot start the SQL runtime")?;
    rt.block_on(async {
        let ctx = session(false);
        for t in inputs {
            register_input(&ctx, &t.name, &t.columns, vec![to_batch(t)?])?;
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
