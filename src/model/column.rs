//! Column types: one vocabulary for transform schemas (Hive types) and result-store schemas (MySQL types).
//!
//! A column is written in TOML as one string, `"name type [not null]"`, e.g. `"course_id varchar(255) not null"`
//! or `"count int"`. Arrays keep column order explicit, which TOML inline tables would not.

use nom::{
    branch::alt,
    bytes::complete::{tag_no_case, take_while1},
    character::complete::{char, digit1, multispace0, multispace1},
    combinator::{all_consuming, map, map_res, opt, value},
    sequence::{delimited, preceded},
    IResult, Parser,
};
use std::fmt;

/// Logical column type. Dates and timestamps are carried as Hive text (`YYYY-MM-DD`,
/// `YYYY-MM-DD HH:MM:SS[.ffffff]`) in every engine, so string comparisons behave identically everywhere.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ColumnType {
    /// `string` (Hive), `varchar(N)` or `longtext` (result store: `String(Some(LONGTEXT_LEN))`).
    String(Option<u32>),
    TinyInt,
    Int,
    BigInt,
    Boolean,
    Float,
    Double,
    Date,
    Timestamp,
}

/// The length a `longtext` column is declared with: MySQL's LONGTEXT holds up to 4 GiB.
pub const LONGTEXT_LEN: u32 = u32::MAX;

impl ColumnType {
    pub fn is_integer(self) -> bool {
        matches!(self, Self::TinyInt | Self::Int | Self::BigInt | Self::Boolean)
    }

    pub fn is_numeric(self) -> bool {
        self.is_integer() || matches!(self, Self::Float | Self::Double)
    }

    /// Whether values of `self` can be stored in a column of type `target` without a lossy cast.
    pub fn fits_into(self, target: ColumnType) -> bool {
        use ColumnType::*;
        match (self, target) {
            (String(_), String(_)) => true,
            (Date, Date | String(_)) | (Timestamp, Timestamp | String(_)) => true,
            (String(_), Date | Timestamp) => true,
            (a, b) if a.is_integer() && b.is_numeric() => true,
            (Float | Double, Float | Double) => true,
            _ => false,
        }
    }

    /// The type name in the pipeline vocabulary (also what `Display` prints).
    pub fn name(self) -> String {
        self.to_string()
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::String(None) => f.write_str("string"),
            Self::String(Some(LONGTEXT_LEN)) => f.write_str("longtext"),
            Self::String(Some(n)) => write!(f, "varchar({n})"),
            Self::TinyInt => f.write_str("tinyint"),
            Self::Int => f.write_str("int"),
            Self::BigInt => f.write_str("bigint"),
            Self::Boolean => f.write_str("boolean"),
            Self::Float => f.write_str("float"),
            Self::Double => f.write_str("double"),
            Self::Date => f.write_str("date"),
            Self::Timestamp => f.write_str("timestamp"),
        }
    }
}

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Column {
    pub name: String,
    pub ty: ColumnType,
    pub nullable: bool,
}

impl Column {
    pub fn new(name: &str, ty: ColumnType) -> Self {
        Self { name: name.to_string(), ty, nullable: true }
    }
}

impl fmt::Display for Column {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.name, self.ty)?;
        if !self.nullable {
            f.write_str(" not null")?;
        }
        Ok(())
    }
}

fn ident(i: &str) -> IResult<&str, &str> {
    take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_')(i)
}

fn column_type(i: &str) -> IResult<&str, ColumnType> {
    let varchar = map(
        preceded(
            tag_no_case("varchar"),
            delimited(
                (multispace0, char('('), multispace0),
                map_res(digit1, str::parse::<u32>),
                (multispace0, char(')')),
            ),
        ),
        |n| ColumnType::String(Some(n)),
    );
    alt((
        varchar,
        value(ColumnType::String(None), tag_no_case("string")),
        value(ColumnType::String(Some(LONGTEXT_LEN)), tag_no_case("longtext")),
        value(ColumnType::TinyInt, tag_no_case("tinyint")),
        value(ColumnType::BigInt, tag_no_case("bigint")),
        value(ColumnType::Int, tag_no_case("int")),
        value(ColumnType::Boolean, tag_no_case("boolean")),
        value(ColumnType::Float, tag_no_case("float")),
        value(ColumnType::Double, tag_no_case("double")),
        value(ColumnType::Timestamp, tag_no_case("timestamp")),
        value(ColumnType::Timestamp, tag_no_case("datetime")),
        value(ColumnType::Date, tag_no_case("date")),
    ))
    .parse(i)
}

/// Parses `"name type [not null]"`. The error says what was expected.
pub fn parse_column(text: &str) -> Result<Column, String> {
    let parser = (
        delimited(multispace0, ident, multispace1),
        column_type,
        opt(preceded((multispace1, tag_no_case("not"), multispace1), tag_no_case("null"))),
        multispace0,
    );
    match all_consuming(parser).parse(text) {
        Ok((_, (name, ty, not_null, _))) => Ok(Column { name: name.to_string(), ty, nullable: not_null.is_none() }),
        Err(_) => Err(format!(
            "invalid column `{text}`: expected `name type [not null]` where type is one of string, varchar(N), \
             longtext, tinyint, int, bigint, boolean, float, double, date, timestamp, datetime"
        )),
    }
}

/// Parses a bare type name such as `int` or `varchar(16)`.
pub fn parse_type(text: &str) -> Option<ColumnType> {
    all_consuming(delimited(multispace0, column_type, multispace0)).parse(text).ok().map(|(_, t)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_columns() {
        let c = parse_column("course_id varchar(255) not null").unwrap();
        assert_eq!(c.name, "course_id");
        assert_eq!(c.ty, ColumnType::String(Some(255)));
        assert!(!c.nullable);
        let c = parse_column("  count INT ").unwrap();
        assert_eq!(c.ty, ColumnType::Int);
        assert!(c.nullable);
        assert_eq!(parse_column("start_time datetime").unwrap().ty, ColumnType::Timestamp);
        assert_eq!(parse_column("x tinyint").unwrap().ty, ColumnType::TinyInt);
    }

    #[test]
    fn rejects_garbage() {
        assert!(parse_column("count").is_err());
        assert!(parse_column("count integer").is_err());
        assert!(parse_column("count int nul").is_err());
        assert!(parse_column("bad-name int").is_err());
    }

    #[test]
    fn display_round_trips() {
        for s in ["a string", "b varchar(6) not null", "c date", "d timestamp", "e double not null", "f longtext"] {
            assert_eq!(parse_column(s).unwrap().to_string(), s);
        }
    }
}
