//! SQL transforms on DataFusion. Each input is registered under its table name holding only the partitions the run
//! reads (plus the `dt` column), so the body is the very text Hive runs. The session, its Hive-semantics UDFs and
//! the input schemas are `crate::dialect`'s, shared with `validate`, which plans every body the same way.

use crate::dialect::{arrow_type, input_schema, register_input, session};
use crate::model::{Column, ColumnType};
use crate::warehouse::Row;
use anyhow::{anyhow, Context, Result};
use datafusion::arrow::array::{
    ArrayRef, BooleanArray, Float32Array, Float64Array, Int32Array, Int64Array, Int8Array, StringArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatch;
use std::sync::Arc;

/// One input table: its columns (without `dt`) and rows whose last field is the `dt` value.
pub struct InputTable {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

/// Parses Hive text cells into a typed column; an unparsable number reads as NULL, as Hive does.
fn column_array(t: ColumnType, cells: Vec<Option<&str>>) -> ArrayRef {
    fn num<T: std::str::FromStr>(c: &Option<&str>) -> Option<T> {
        c.and_then(|s| s.trim().parse().ok())
    }
    match arrow_type(t) {
        DataType::Int8 => Arc::new(cells.iter().map(num::<i8>).collect::<Int8Array>()),
        DataType::Int32 => Arc::new(cells.iter().map(num::<i32>).collect::<Int32Array>()),
        DataType::Int64 => Arc::new(cells.iter().map(num::<i64>).collect::<Int64Array>()),
        DataType::Float32 => Arc::new(cells.iter().map(num::<f32>).collect::<Float32Array>()),
        DataType::Float64 => Arc::new(cells.iter().map(num::<f64>).collect::<Float64Array>()),
        DataType::Boolean => Arc::new(
            cells
                .iter()
                .map(|c| {
                    c.and_then(|s| match s {
                        "true" | "1" => Some(true),
                        "false" | "0" => Some(false),
                        _ => None,
                    })
                })
                .collect::<BooleanArray>(),
        ),
        _ => Arc::new(cells.into_iter().collect::<StringArray>()),
    }
}

fn to_batch(t: &InputTable) -> Result<RecordBatch> {
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(t.columns.len() + 1);
    for (i, c) in t.columns.iter().enumerate() {
        arrays.push(column_array(c.ty, t.rows.iter().map(|r| r.get(i).and_then(|v| v.as_deref())).collect()));
    }
    let n = t.columns.len();
    arrays.push(Arc::new(t.rows.iter().map(|r| r.get(n).and_then(|v| v.as_deref())).collect::<StringArray>()));
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
