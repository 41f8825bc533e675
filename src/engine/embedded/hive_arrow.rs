//! Hive text to Arrow: the rows of a partition's data files parsed straight into typed Arrow columns, no string
//! per cell. An unparsable number reads as NULL, as Hive reads it.

use crate::dialect::{arrow_type, input_schema};
use crate::hive_text;
use crate::model::{Column, ColumnType};
use anyhow::{Context, Result};
use datafusion::arrow::array::{
    ArrayRef, BooleanBuilder, Float32Builder, Float64Builder, Int32Builder, Int64Builder, Int8Builder, StringBuilder,
};
use datafusion::arrow::datatypes::DataType;
use datafusion::arrow::record_batch::RecordBatch;
use std::sync::Arc;

/// Builds an input's Arrow batches from its partitions' Hive text, parsed straight into Arrow columns (no
/// string per cell), a piece of text at a time.
pub struct InputBuilder {
    columns: Vec<Column>,
    builders: Vec<Builder>,
    dts: StringBuilder,
    rows: usize,
}

impl InputBuilder {
    pub fn new(columns: &[Column]) -> Self {
        Self {
            columns: columns.to_vec(),
            builders: columns.iter().map(|c| Builder::new(c.ty)).collect(),
            dts: StringBuilder::new(),
            rows: 0,
        }
    }

    /// Adds the rows of `text`, whole lines of the data file `name` of partition `dt` (each ends in `\n` but
    /// perhaps the file's last), the first being line `first + 1`. Returns how many it added.
    pub fn add_lines(&mut self, name: &str, dt: &str, text: &str, first: usize) -> Result<usize> {
        let width = self.columns.len();
        let body = text.strip_suffix('\n').unwrap_or(text);
        let mut raw = Vec::with_capacity(width);
        let mut added = 0;
        for (n, line) in body.split('\n').take(if text.is_empty() { 0 } else { usize::MAX }).enumerate() {
            hive_text::split_raw(line, &mut raw);
            if raw.len() != width {
                anyhow::bail!("{name}:{}: expected {width} fields, found {}", first + n + 1, raw.len());
            }
            for (b, cell) in self.builders.iter_mut().zip(&raw) {
                b.push(hive_text::field(cell).as_deref());
            }
            self.dts.append_value(dt);
            added += 1;
        }
        self.rows += added;
        Ok(added)
    }

    /// Rows added since the last batch was taken.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The rows added so far as one batch (with `dt` last); the builder starts afresh.
    pub fn take_batch(&mut self) -> Result<RecordBatch> {
        let mut arrays: Vec<ArrayRef> = self.builders.iter_mut().map(Builder::finish).collect();
        arrays.push(Arc::new(self.dts.finish()));
        self.rows = 0;
        RecordBatch::try_new(input_schema(&self.columns), arrays).context("cannot build input batch")
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

    fn finish(&mut self) -> ArrayRef {
        match self {
            Self::I8(b) => Arc::new(b.finish()),
            Self::I32(b) => Arc::new(b.finish()),
            Self::I64(b) => Arc::new(b.finish()),
            Self::F32(b) => Arc::new(b.finish()),
            Self::F64(b) => Arc::new(b.finish()),
            Self::Bool(b) => Arc::new(b.finish()),
            Self::Str(b) => Arc::new(b.finish()),
        }
    }
}
