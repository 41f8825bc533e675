//! SQL transforms on DataFusion. Each input is registered under its table name holding only the partitions the run
//! reads (plus the `dt` column), streamed as the query runs (`sql_stream`), so the body is the very text Hive
//! runs. The session, its Hive-semantics UDFs and the input schemas are `crate::dialect`'s, shared with `validate`,
//! which plans every body the same way.

use super::sql_stream::StreamedInput;
use crate::dialect::session;
use crate::model::{Column, ColumnType};
use crate::warehouse::Row;
use anyhow::{anyhow, Context, Result};
use datafusion::arrow::array::{ArrayRef, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::DataType;

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
pub fn run(body: &str, inputs: Vec<StreamedInput>, columns: &[Column]) -> Result<Vec<Row>> {
    let rt = tokio::runtime::Builder::new_current_thread().build().context("cannot start the SQL runtime")?;
    rt.block_on(async {
        let ctx = session(false);
        for t in inputs {
            let name = t.name.clone();
            ctx.register_table(name.as_str(), t.table()?).with_context(|| format!("cannot register `{name}`"))?;
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
