//! SQL transforms on DataFusion. Each input is registered under its table name holding only the partitions the run
//! reads (plus the `dt` column), so the body is the very text Hive runs. Hive functions whose DataFusion namesake
//! behaves differently are registered as UDFs with Hive's semantics.

use crate::model::{Column, ColumnType};
use crate::warehouse::Row;
use anyhow::{anyhow, Context, Result};
use datafusion::arrow::array::{
    Array, ArrayRef, BooleanArray, Float32Array, Float64Array, Int32Array, Int64Array, Int8Array, StringArray,
};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::datasource::MemTable;
use datafusion::logical_expr::{
    create_udf, ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::{SessionConfig, SessionContext};
use std::sync::Arc;

/// One input table: its columns (without `dt`) and rows whose last field is the `dt` value.
pub struct InputTable {
    pub name: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Row>,
}

fn arrow_type(t: ColumnType) -> DataType {
    match t {
        ColumnType::String(_) | ColumnType::Date | ColumnType::Timestamp => DataType::Utf8,
        ColumnType::TinyInt => DataType::Int8,
        ColumnType::Int => DataType::Int32,
        ColumnType::BigInt => DataType::Int64,
        ColumnType::Boolean => DataType::Boolean,
        ColumnType::Float => DataType::Float32,
        ColumnType::Double => DataType::Float64,
    }
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

fn to_batch(t: &InputTable) -> Result<(Arc<Schema>, RecordBatch)> {
    let mut fields: Vec<Field> = t.columns.iter().map(|c| Field::new(&c.name, arrow_type(c.ty), true)).collect();
    fields.push(Field::new("dt", DataType::Utf8, true));
    let schema = Arc::new(Schema::new(fields));
    let mut arrays: Vec<ArrayRef> = Vec::with_capacity(t.columns.len() + 1);
    for (i, c) in t.columns.iter().enumerate() {
        arrays.push(column_array(c.ty, t.rows.iter().map(|r| r.get(i).and_then(|v| v.as_deref())).collect()));
    }
    let n = t.columns.len();
    arrays.push(Arc::new(t.rows.iter().map(|r| r.get(n).and_then(|v| v.as_deref())).collect::<StringArray>()));
    let batch = RecordBatch::try_new(schema.clone(), arrays).context("cannot build input batch")?;
    Ok((schema, batch))
}

/// Hive's `to_date(string)`: the `yyyy-MM-dd` prefix of a date or timestamp text, NULL otherwise.
fn hive_to_date(args: &[ColumnarValue]) -> datafusion::error::Result<ColumnarValue> {
    let arrays = ColumnarValue::values_to_arrays(args)?;
    let input = cast(&arrays[0], &DataType::Utf8)?;
    let strings = input
        .as_any()
        .downcast_ref::<StringArray>()
        .ok_or_else(|| datafusion::error::DataFusionError::Internal("to_date expects text".into()))?;
    let out: StringArray = strings
        .iter()
        .map(|v| v.and_then(|s| s.get(..10)).filter(|d| crate::graph::interval::parse_date(d).is_some()))
        .collect();
    Ok(ColumnarValue::Array(Arc::new(out)))
}

/// Hive's `concat`: NULL when any argument is NULL (DataFusion's own skips NULLs).
#[derive(Debug, PartialEq, Eq, Hash)]
struct HiveConcat {
    signature: Signature,
}

impl HiveConcat {
    fn new() -> Self {
        Self { signature: Signature::variadic_any(Volatility::Immutable) }
    }
}

impl ScalarUDFImpl for HiveConcat {
    fn name(&self) -> &str {
        "concat"
    }
    fn signature(&self) -> &Signature {
        &self.signature
    }
    fn return_type(&self, _args: &[DataType]) -> datafusion::error::Result<DataType> {
        Ok(DataType::Utf8)
    }
    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> datafusion::error::Result<ColumnarValue> {
        hive_concat(&args.args)
    }
}

fn hive_concat(args: &[ColumnarValue]) -> datafusion::error::Result<ColumnarValue> {
    let arrays = ColumnarValue::values_to_arrays(args)?;
    let strings: Vec<ArrayRef> =
        arrays.iter().map(|a| cast(a, &DataType::Utf8)).collect::<std::result::Result<_, _>>()?;
    let len = strings.first().map(|a| a.len()).unwrap_or(0);
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let mut s = String::new();
        let mut null = false;
        for a in &strings {
            match a.as_any().downcast_ref::<StringArray>() {
                Some(col) if !col.is_null(i) => s.push_str(col.value(i)),
                _ => null = true,
            }
        }
        out.push((!null).then_some(s));
    }
    Ok(ColumnarValue::Array(Arc::new(out.into_iter().collect::<StringArray>())))
}

fn context() -> Result<SessionContext> {
    let mut config = SessionConfig::new().with_target_partitions(1);
    config = config.set_str("datafusion.sql_parser.dialect", "hive");
    let ctx = SessionContext::new_with_config(config);
    ctx.register_udf(create_udf(
        "to_date",
        vec![DataType::Utf8],
        DataType::Utf8,
        Volatility::Immutable,
        Arc::new(hive_to_date),
    ));
    ctx.register_udf(ScalarUDF::new_from_impl(HiveConcat::new()));
    Ok(ctx)
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
        let ctx = context()?;
        for t in inputs {
            let (schema, batch) = to_batch(t)?;
            let table = MemTable::try_new(schema, vec![vec![batch]])?;
            ctx.register_table(t.name.as_str(), Arc::new(table))?;
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
