//! The SQL dialect of transform bodies: a DataFusion session with Hive semantics. Hive functions whose DataFusion
//! namesake behaves differently are registered as UDFs with Hive's semantics, and every input is registered under
//! its table name with its declared columns plus the `dt` partition column.
//!
//! One implementation for everything that plans SQL bodies: the embedded engine runs them in this session and
//! `validate` plans them in it (over empty tables), so a body that validates is planned exactly as at run time.
//! Depends on `model` only.

use crate::model::{Column, ColumnType};
use datafusion::arrow::array::{Array, ArrayRef, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Schema, SchemaRef};
use datafusion::arrow::record_batch::RecordBatch;
use datafusion::datasource::MemTable;
use datafusion::logical_expr::{
    create_udf, ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::{SessionConfig, SessionContext};
use std::sync::Arc;

/// The partition column every input table carries after its declared columns.
pub const PARTITION_COLUMN: &str = "dt";

/// The Arrow type a column of type `t` has in the session. Dates and timestamps are Hive text, so they are `Utf8`.
pub fn arrow_type(t: ColumnType) -> DataType {
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

/// The schema of an input table: its declared columns, then `dt` (text).
pub fn input_schema(columns: &[Column]) -> SchemaRef {
    let mut fields: Vec<Field> = columns.iter().map(|c| Field::new(&c.name, arrow_type(c.ty), true)).collect();
    fields.push(Field::new(PARTITION_COLUMN, DataType::Utf8, true));
    Arc::new(Schema::new(fields))
}

/// Registers an input table named `name` holding `batches` (none to plan without data); the batches must have
/// [`input_schema`]`(columns)`.
pub fn register_input(
    ctx: &SessionContext,
    name: &str,
    columns: &[Column],
    batches: Vec<RecordBatch>,
) -> datafusion::error::Result<()> {
    let table = MemTable::try_new(input_schema(columns), vec![batches])?;
    ctx.register_table(name, Arc::new(table))?;
    Ok(())
}

/// A session with the Hive dialect and Hive's `to_date` and `concat`. `collect_spans` records where each name
/// stands in the SQL text, so planning errors carry a position (validation); it does not change what runs.
pub fn session(collect_spans: bool) -> SessionContext {
    let mut config = SessionConfig::new().with_target_partitions(1);
    config = config.set_str("datafusion.sql_parser.dialect", "hive");
    config.options_mut().sql_parser.collect_spans = collect_spans;
    let ctx = SessionContext::new_with_config(config);
    ctx.register_udf(create_udf(
        "to_date",
        vec![DataType::Utf8],
        DataType::Utf8,
        Volatility::Immutable,
        Arc::new(hive_to_date),
    ));
    ctx.register_udf(ScalarUDF::new_from_impl(HiveConcat::new()));
    ctx
}

/// A `YYYY-MM-DD` date (exactly ten characters).
fn is_date(s: &str) -> bool {
    s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok()
}

/// Hive's `to_date(string)`: the `yyyy-MM-dd` prefix of a date or timestamp text, NULL otherwise.
fn hive_to_date(args: &[ColumnarValue]) -> datafusion::error::Result<ColumnarValue> {
    let arrays = ColumnarValue::values_to_arrays(args)?;
    let first =
        arrays.first().ok_or_else(|| datafusion::error::DataFusionError::Plan("to_date takes one argument".into()))?;
    let input = cast(first, &DataType::Utf8)?;
    let strings = input
        .as_any()
        .downcast_ref::<StringArray>()
        .ok_or_else(|| datafusion::error::DataFusionError::Internal("to_date expects text".into()))?;
    let out: StringArray = strings.iter().map(|v| v.and_then(|s| s.get(..10)).filter(|d| is_date(d))).collect();
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

#[cfg(test)]
mod tests {
    use super::*;

    fn run(sql: &str) -> Vec<Option<String>> {
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        rt.block_on(async {
            let ctx = session(false);
            let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
            let col = cast(batches[0].column(0), &DataType::Utf8).unwrap();
            let s = col.as_any().downcast_ref::<StringArray>().unwrap();
            (0..s.len()).map(|i| (!s.is_null(i)).then(|| s.value(i).to_string())).collect()
        })
    }

    #[test]
    fn hive_functions() {
        assert_eq!(run("SELECT to_date('2014-07-30 10:00:00')"), vec![Some("2014-07-30".to_string())]);
        assert_eq!(run("SELECT to_date('2014-7-30')"), vec![None]);
        assert_eq!(run("SELECT concat('a', 1, 'b')"), vec![Some("a1b".to_string())]);
        assert_eq!(run("SELECT concat('a', NULL)"), vec![None]);
    }

    #[test]
    fn inputs_carry_dt() {
        let s = input_schema(&[Column::new("d", ColumnType::Date), Column::new("n", ColumnType::TinyInt)]);
        let f: Vec<(&str, &DataType)> = s.fields().iter().map(|f| (f.name().as_str(), f.data_type())).collect();
        assert_eq!(f, vec![("d", &DataType::Utf8), ("n", &DataType::Int8), ("dt", &DataType::Utf8)]);
    }
}
