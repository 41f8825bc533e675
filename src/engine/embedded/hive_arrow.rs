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
        let bytes = text.as_bytes();
        let mut raw = Vec::with_capacity(width);
        let mut added = 0;
        let mut start = 0;
        while start < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |i| start + i);
            let line = &text[start..end];
            start = end + 1;
            let n = if line.as_bytes().contains(&b'\\') {
                // Escapes (and `\N`, NULL): the general path.
                hive_text::split_raw(line, &mut raw);
                if raw.len() == width {
                    for (b, cell) in self.builders.iter_mut().zip(&raw) {
                        b.push(hive_text::field(cell).as_deref());
                    }
                }
                raw.len()
            } else {
                // No escape: fields are the text between TABs, none NULL.
                let mut n = 0;
                for (i, cell) in line.split('\t').enumerate() {
                    if let Some(b) = self.builders.get_mut(i) {
                        b.push(Some(cell));
                    }
                    n += 1;
                }
                n
            };
            if n != width {
                anyhow::bail!("{name}:{}: expected {width} fields, found {n}", first + added + 1);
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

fn num<T: std::str::FromStr>(c: Option<&str>) -> Option<T> {
    c.and_then(|s| s.trim().parse().ok())
}

/// An integer: plain digits (the common case) without the general parser, else as [`num`] reads it.
fn int<T: TryFrom<i64> + std::str::FromStr>(c: Option<&str>) -> Option<T> {
    let s = c?;
    if !s.is_empty() && s.len() <= 18 && s.bytes().all(|b| b.is_ascii_digit()) {
        let v = s.bytes().fold(0i64, |v, b| v * 10 + i64::from(b - b'0'));
        return T::try_from(v).ok();
    }
    num(c)
}

/// A typed column being built from Hive text cells; an unparsable number reads as NULL, as Hive does.
pub(super) enum Builder {
    I8(Int8Builder),
    I32(Int32Builder),
    I64(Int64Builder),
    F32(Float32Builder),
    F64(Float64Builder),
    Bool(BooleanBuilder),
    Str(StringBuilder),
}

impl Builder {
    pub(super) fn new(t: ColumnType) -> Self {
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

    pub(super) fn push(&mut self, cell: Option<&str>) {
        match self {
            Self::I8(b) => b.append_option(int(cell)),
            Self::I32(b) => b.append_option(int(cell)),
            Self::I64(b) => b.append_option(int(cell)),
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

    pub(super) fn finish(&mut self) -> ArrayRef {
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
