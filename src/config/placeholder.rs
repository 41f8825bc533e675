//! The placeholder language of SQL bodies, partitions and args: `{{ name }}` or `{{ name - 7d }}`.
//! Deliberately tiny: a variable, optionally shifted by whole days. Nothing else.

use chrono::{Duration, NaiveDate};
use nom::{
    branch::alt,
    bytes::complete::{tag, take_until, take_while1},
    character::complete::{char, digit1, multispace0},
    combinator::{map_res, opt},
    sequence::delimited,
    IResult, Parser,
};
use std::collections::BTreeMap;
use std::fmt;

/// The value of a run variable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Var {
    Date(NaiveDate),
    Int(i64),
    Bool(bool),
    Text(String),
}

impl fmt::Display for Var {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Date(d) => write!(f, "{}", d.format("%Y-%m-%d")),
            Self::Int(n) => write!(f, "{n}"),
            Self::Bool(b) => write!(f, "{b}"),
            Self::Text(s) => f.write_str(s),
        }
    }
}

/// Variables visible to templates in one run: interval_start, interval_end, interval_days, today and every param.
pub type Vars = BTreeMap<String, Var>;

#[derive(Debug, Clone, PartialEq, Eq)]
struct Expr<'a> {
    name: &'a str,
    shift_days: i64,
}

fn expr(i: &str) -> IResult<&str, Expr<'_>> {
    let name = take_while1(|c: char| c.is_ascii_alphanumeric() || c == '_');
    let sign = alt((char('+'), char('-')));
    let days = map_res(digit1, str::parse::<i64>);
    let shift = (delimited(multispace0, sign, multispace0), days, char('d'));
    let (rest, (_, name, shift, _)) = (multispace0, name, opt(shift), multispace0).parse(i)?;
    let shift_days = match shift {
        Some(('-', n, _)) => -n,
        Some((_, n, _)) => n,
        None => 0,
    };
    Ok((rest, Expr { name, shift_days }))
}

/// Splits a template into literal text and placeholder expressions.
fn pieces(template: &str) -> Result<Vec<Result<&str, Expr<'_>>>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        out.push(Ok(&rest[..start]));
        let after = &rest[start + 2..];
        let inner: IResult<&str, &str> = take_until("}}").parse(after);
        let (tail, inner) = inner.map_err(|_| format!("unclosed `{{{{` in `{}`", abbreviate(template)))?;
        let (tail, _) =
            tag::<_, _, nom::error::Error<&str>>("}}").parse(tail).map_err(|_| "unclosed placeholder".to_string())?;
        match expr(inner) {
            Ok(("", e)) => out.push(Err(e)),
            _ => {
                return Err(format!(
                    "invalid placeholder `{{{{{inner}}}}}`: expected `{{{{ name }}}}` or `{{{{ name - 7d }}}}`"
                ))
            }
        }
        rest = tail;
    }
    out.push(Ok(rest));
    Ok(out)
}

fn abbreviate(s: &str) -> String {
    s.chars().take(40).collect()
}

/// Names of the variables a template uses.
pub fn variables(template: &str) -> Result<Vec<String>, String> {
    Ok(pieces(template)?.into_iter().filter_map(|p| p.err().map(|e| e.name.to_string())).collect())
}

/// Renders a template; an unknown variable or a day shift of a non-date is an error.
pub fn render(template: &str, vars: &Vars) -> Result<String, String> {
    let mut out = String::with_capacity(template.len());
    for piece in pieces(template)? {
        match piece {
            Ok(text) => out.push_str(text),
            Err(e) => {
                let v = vars.get(e.name).ok_or_else(|| {
                    let known: Vec<&str> = vars.keys().map(String::as_str).collect();
                    format!("unknown variable `{}` (known: {})", e.name, known.join(", "))
                })?;
                match (v, e.shift_days) {
                    (v, 0) => out.push_str(&v.to_string()),
                    (Var::Date(d), n) => out.push_str(&(*d + Duration::days(n)).format("%Y-%m-%d").to_string()),
                    _ => return Err(format!("`{}` is not a date, it cannot be shifted by days", e.name)),
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Vars {
        let mut v = Vars::new();
        v.insert("interval_end".into(), Var::Date(NaiveDate::from_ymd_opt(2014, 8, 7).unwrap()));
        v.insert("weeks".into(), Var::Int(6));
        v
    }

    #[test]
    fn renders_and_shifts() {
        let v = vars();
        assert_eq!(render("dt = '{{ interval_end }}'", &v).unwrap(), "dt = '2014-08-07'");
        assert_eq!(render("{{interval_end - 1d}}/{{ interval_end + 2d }}", &v).unwrap(), "2014-08-06/2014-08-09");
        assert_eq!(render("{{ weeks }} weeks", &v).unwrap(), "6 weeks");
        assert_eq!(render("no placeholders", &v).unwrap(), "no placeholders");
    }

    #[test]
    fn reports_errors() {
        let v = vars();
        assert!(render("{{ nope }}", &v).unwrap_err().contains("unknown variable `nope`"));
        assert!(render("{{ weeks - 1d }}", &v).unwrap_err().contains("not a date"));
        assert!(render("{{ interval_end", &v).unwrap_err().contains("unclosed"));
        assert!(render("{{ a b }}", &v).unwrap_err().contains("invalid placeholder"));
        assert_eq!(variables("{{ a }} and {{ b - 1d }}").unwrap(), vec!["a", "b"]);
    }
}
