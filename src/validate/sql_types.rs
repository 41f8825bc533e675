//! What a SQL body's output columns hold, in the pipeline's column types.
//!
//! The session types dates and timestamps as text (`Utf8`), so Arrow types cannot tell `ce.course_id AS date` from
//! `ce.date`. This traces each output column through the logical plan (the very plan the engine runs) instead: a
//! column reference takes the declared type of the input column it comes from, value-preserving expressions
//! (aliases, `MAX`/`MIN`, `CASE`, `COALESCE`, casts to text, window `LAG`/`LEAD`, subqueries, unions) keep the type
//! of what they pass on, `to_date(...)` is a date, a literal is what its text is, and any other expression is what
//! its Arrow type says (`Utf8` is a string).

use crate::model::ColumnType;
use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::logical_expr::expr::{AggregateFunction, ScalarFunction, WindowFunction};
use datafusion::logical_expr::{Distinct, Expr, ExprSchemable, JoinType, LogicalPlan};
use std::collections::BTreeMap;

/// What an output column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Values of this type (`String(None)` for any text that is not known to be a date or timestamp).
    Of(ColumnType),
    /// Only NULL (fits every column).
    Null,
    /// Not determined statically: never reported.
    Unknown,
}

const TEXT: Kind = Kind::Of(ColumnType::String(None));

/// An input table as registered in the session: its declared columns and what its `dt` holds.
pub struct InputKinds {
    pub columns: BTreeMap<String, ColumnType>,
    pub dt: Kind,
}

fn int_rank(t: ColumnType) -> Option<u8> {
    match t {
        ColumnType::TinyInt => Some(1),
        ColumnType::Int => Some(2),
        ColumnType::BigInt => Some(3),
        _ => None,
    }
}

/// Whether values of `kind` may be written into a column declared `declared`. Anything fits a string; dates fit
/// dates (and timestamps); integers fit any number (narrowing included: `COUNT` into `int` is the norm); floats
/// fit floats; a string never fits a date, timestamp or number, a number never fits a date.
pub fn fits(kind: Kind, declared: ColumnType) -> bool {
    use ColumnType::*;
    let Kind::Of(k) = kind else { return true };
    match declared {
        String(_) => true,
        Date => k == Date,
        Timestamp => matches!(k, Timestamp | Date),
        TinyInt | Int | BigInt => int_rank(k).is_some(),
        Float | Double => int_rank(k).is_some() || matches!(k, Float | Double),
        Boolean => k == Boolean,
    }
}

/// The kind of values that may be either `a` or `b` (CASE branches, COALESCE arguments, UNION inputs).
fn join(a: Kind, b: Kind) -> Kind {
    use ColumnType::*;
    match (a, b) {
        (Kind::Null, x) | (x, Kind::Null) => x,
        (Kind::Unknown, _) | (_, Kind::Unknown) => Kind::Unknown,
        (Kind::Of(x), Kind::Of(y)) => match (x, y) {
            _ if x == y => Kind::Of(x),
            (String(_), String(_)) => TEXT,
            (Date | Timestamp, Date | Timestamp) => Kind::Of(Timestamp),
            _ => match (int_rank(x), int_rank(y)) {
                (Some(p), Some(q)) => Kind::Of(if p >= q { x } else { y }),
                _ if fits(a, Double) && fits(b, Double) => Kind::Of(Double),
                _ if matches!(x, String(_)) || matches!(y, String(_)) => TEXT,
                _ => Kind::Unknown,
            },
        },
    }
}

fn join_all(kinds: impl IntoIterator<Item = Kind>) -> Kind {
    kinds.into_iter().fold(Kind::Null, join)
}

/// A text value: a date or timestamp when it reads as one.
fn text_kind(s: &str) -> Kind {
    if s.len() == 10 && chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok() {
        Kind::Of(ColumnType::Date)
    } else if s.len() >= 19 && chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f").is_ok() {
        Kind::Of(ColumnType::Timestamp)
    } else {
        TEXT
    }
}

/// ` HH:MM:SS[.f]`, what Hive bodies append to a date to make a timestamp.
fn is_time_of_day_suffix(s: &str) -> bool {
    s.strip_prefix(' ').is_some_and(|t| t.len() >= 8 && chrono::NaiveTime::parse_from_str(t, "%H:%M:%S%.f").is_ok())
}

fn arrow_kind(t: &DataType) -> Kind {
    use ColumnType::*;
    Kind::Of(match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View => String(None),
        DataType::Int8 | DataType::UInt8 => TinyInt,
        DataType::Int16 | DataType::Int32 | DataType::UInt16 => Int,
        DataType::Int64 | DataType::UInt32 | DataType::UInt64 => BigInt,
        DataType::Float16 | DataType::Float32 => Float,
        DataType::Float64 | DataType::Decimal128(..) | DataType::Decimal256(..) => Double,
        DataType::Boolean => Boolean,
        DataType::Date32 | DataType::Date64 => Date,
        DataType::Timestamp(..) => Timestamp,
        DataType::Null => return Kind::Null,
        _ => return Kind::Unknown,
    })
}

fn literal_kind(v: &ScalarValue) -> Kind {
    match v {
        ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)) => text_kind(s),
        v if v.is_null() => Kind::Null,
        v => arrow_kind(&v.data_type()),
    }
}

fn literal_text(e: &Expr) -> Option<&str> {
    match e {
        Expr::Literal(
            ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)),
            _,
        ) => Some(s),
        Expr::Alias(a) => literal_text(&a.expr),
        _ => None,
    }
}

/// Traces output columns of plans whose table scans read `inputs`.
pub struct Tracer<'a> {
    pub inputs: &'a BTreeMap<String, InputKinds>,
}

impl Tracer<'_> {
    /// The kind of output column `i` of `plan`.
    pub fn output(&self, plan: &LogicalPlan, i: usize) -> Kind {
        match plan {
            LogicalPlan::Projection(p) => p.expr.get(i).map_or(Kind::Unknown, |e| self.expr(e, &p.input)),
            LogicalPlan::Aggregate(a) => {
                if a.group_expr.iter().any(|e| matches!(e, Expr::GroupingSet(_))) {
                    return Kind::Unknown;
                }
                match a.group_expr.get(i) {
                    Some(e) => self.expr(e, &a.input),
                    None => a.aggr_expr.get(i - a.group_expr.len()).map_or(Kind::Unknown, |e| self.expr(e, &a.input)),
                }
            }
            LogicalPlan::Window(w) => {
                let n = w.input.schema().fields().len();
                if i < n {
                    self.output(&w.input, i)
                } else {
                    w.window_expr.get(i - n).map_or(Kind::Unknown, |e| self.expr(e, &w.input))
                }
            }
            LogicalPlan::Filter(f) => self.output(&f.input, i),
            LogicalPlan::Sort(s) => self.output(&s.input, i),
            LogicalPlan::Limit(l) => self.output(&l.input, i),
            LogicalPlan::Repartition(r) => self.output(&r.input, i),
            LogicalPlan::SubqueryAlias(s) => self.output(&s.input, i),
            LogicalPlan::Subquery(s) => self.output(&s.subquery, i),
            LogicalPlan::Distinct(Distinct::All(input)) => self.output(input, i),
            LogicalPlan::Union(u) => join_all(u.inputs.iter().map(|p| self.output(p, i))),
            LogicalPlan::Join(j) => {
                let n = j.left.schema().fields().len();
                match j.join_type {
                    JoinType::RightSemi | JoinType::RightAnti => self.output(&j.right, i),
                    _ if i < n => self.output(&j.left, i),
                    JoinType::Inner | JoinType::Left | JoinType::Right | JoinType::Full => self.output(&j.right, i - n),
                    _ => Kind::Unknown,
                }
            }
            LogicalPlan::TableScan(t) => {
                let Some(input) = self.inputs.get(t.table_name.table()) else { return Kind::Unknown };
                let Some(field) = t.projected_schema.fields().get(i) else { return Kind::Unknown };
                match input.columns.get(field.name().as_str()) {
                    Some(ty) => Kind::Of(*ty),
                    None if field.name() == crate::dialect::PARTITION_COLUMN => input.dt,
                    None => Kind::Unknown,
                }
            }
            _ => Kind::Unknown,
        }
    }

    /// The kind of `e` evaluated over the rows of `input`.
    pub fn expr(&self, e: &Expr, input: &LogicalPlan) -> Kind {
        let first_arg = |args: &[Expr]| args.first().map_or(Kind::Unknown, |a| self.expr(a, input));
        match e {
            Expr::Alias(a) => self.expr(&a.expr, input),
            Expr::Column(c) => match input.schema().maybe_index_of_column(c) {
                Some(i) => self.output(input, i),
                None => Kind::Unknown,
            },
            Expr::Literal(v, _) => literal_kind(v),
            Expr::ScalarSubquery(s) => self.output(&s.subquery, 0),
            Expr::Case(c) => join_all(
                c.when_then_expr
                    .iter()
                    .map(|(_, then)| self.expr(then, input))
                    .chain([c.else_expr.as_ref().map_or(Kind::Null, |x| self.expr(x, input))]),
            ),
            Expr::Cast(c) => self.cast(&c.expr, c.field.data_type(), input),
            Expr::TryCast(c) => self.cast(&c.expr, c.field.data_type(), input),
            Expr::ScalarFunction(ScalarFunction { func, args }) => match func.name().to_ascii_lowercase().as_str() {
                "to_date" => Kind::Of(ColumnType::Date),
                "coalesce" | "nvl" | "ifnull" | "greatest" | "least" => {
                    join_all(args.iter().map(|a| self.expr(a, input)))
                }
                "nullif" => first_arg(args),
                "concat" => self.concat(args, input).unwrap_or_else(|| self.fallback(e, input)),
                _ => self.fallback(e, input),
            },
            Expr::AggregateFunction(AggregateFunction { func, params }) => {
                match func.name().to_ascii_lowercase().as_str() {
                    "max" | "min" | "first_value" | "last_value" | "any_value" | "nth_value" => first_arg(&params.args),
                    _ => self.fallback(e, input),
                }
            }
            Expr::WindowFunction(w) => {
                let WindowFunction { fun, params } = w.as_ref();
                match fun.name().to_ascii_lowercase().as_str() {
                    "max" | "min" | "first_value" | "last_value" | "nth_value" | "lag" | "lead" | "any_value" => {
                        first_arg(&params.args)
                    }
                    _ => self.fallback(e, input),
                }
            }
            Expr::OuterReferenceColumn(..) | Expr::Placeholder(_) => Kind::Unknown,
            _ => self.fallback(e, input),
        }
    }

    /// What the Arrow type says (dates and timestamps computed by DataFusion's own functions are text or typed).
    fn fallback(&self, e: &Expr, input: &LogicalPlan) -> Kind {
        e.get_type(input.schema().as_ref()).map_or(Kind::Unknown, |t| arrow_kind(&t))
    }

    /// A cast to text keeps what the text holds; any other cast is its target type.
    fn cast(&self, inner: &Expr, to: &DataType, input: &LogicalPlan) -> Kind {
        match (arrow_kind(to), self.expr(inner, input)) {
            (
                Kind::Of(ColumnType::String(_)),
                k @ Kind::Of(ColumnType::Date | ColumnType::Timestamp | ColumnType::String(_)),
            ) => k,
            (Kind::Of(ColumnType::String(_)), Kind::Null) => Kind::Null,
            (Kind::Of(ColumnType::String(_)), Kind::Unknown) => Kind::Unknown,
            (to, _) => to,
        }
    }

    /// `concat(<date or text>, ' HH:MM:SS')` builds a timestamp (the Hive idiom for a day's start or end); any
    /// other concat is text (`None`: see the Arrow type).
    fn concat(&self, args: &[Expr], input: &LogicalPlan) -> Option<Kind> {
        let (last, rest) = args.split_last()?;
        let stamps = literal_text(last).is_some_and(is_time_of_day_suffix)
            && !rest.is_empty()
            && rest.iter().all(|a| {
                matches!(
                    self.expr(a, input),
                    Kind::Of(ColumnType::Date | ColumnType::String(_)) | Kind::Null | Kind::Unknown
                )
            });
        stamps.then_some(Kind::Of(ColumnType::Timestamp))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ColumnType::*;

    #[test]
    fn what_fits_where() {
        assert!(fits(Kind::Of(Int), BigInt) && fits(Kind::Of(Int), Double) && fits(Kind::Of(BigInt), Int));
        assert!(fits(Kind::Of(Date), Date) && fits(Kind::Of(Date), Timestamp) && fits(Kind::Of(Date), String(None)));
        assert!(fits(Kind::Null, Date) && fits(Kind::Unknown, Int));
        for t in [Date, Timestamp, TinyInt, Int, BigInt, Double] {
            assert!(!fits(TEXT, t), "{t}");
        }
        assert!(!fits(Kind::Of(Int), Date) && !fits(Kind::Of(Double), Date) && !fits(Kind::Of(Double), Int));
        assert!(!fits(Kind::Of(Timestamp), Date) && !fits(Kind::Of(Boolean), Int));
    }

    #[test]
    fn joins_and_literals() {
        assert_eq!(join(Kind::Null, Kind::Of(Date)), Kind::Of(Date));
        assert_eq!(join(Kind::Of(Int), Kind::Of(BigInt)), Kind::Of(BigInt));
        assert_eq!(join(Kind::Of(Int), Kind::Of(Double)), Kind::Of(Double));
        assert_eq!(join(Kind::Of(Date), TEXT), TEXT);
        assert_eq!(text_kind("2014-07-30"), Kind::Of(Date));
        assert_eq!(text_kind("2014-07-30 10:00:00"), Kind::Of(Timestamp));
        assert_eq!(text_kind("2014-7-30"), TEXT);
        assert!(is_time_of_day_suffix(" 00:00:00") && is_time_of_day_suffix(" 23:59:59.999999"));
        assert!(!is_time_of_day_suffix("00:00:00") && !is_time_of_day_suffix(" x"));
    }
}
