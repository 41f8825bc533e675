//! Cell normalisation before a result-store load, so SQLite holds what MySQL would: DATETIME without fractional
//! seconds (rounded, as MySQL rounds), DATE as `YYYY-MM-DD`.

use crate::model::ColumnType;
use chrono::{Duration, NaiveDateTime};

pub fn normalize_cell(cell: Option<String>, ty: ColumnType) -> Option<String> {
    let v = cell?;
    match ty {
        ColumnType::Timestamp => {
            let t = v.replacen('T', " ", 1);
            let t = t.trim_end_matches('Z');
            match NaiveDateTime::parse_from_str(t, "%Y-%m-%d %H:%M:%S%.f") {
                Ok(dt) => {
                    let rounded =
                        if dt.and_utc().timestamp_subsec_micros() >= 500_000 { dt + Duration::seconds(1) } else { dt };
                    Some(rounded.format("%Y-%m-%d %H:%M:%S").to_string())
                }
                Err(_) => Some(v),
            }
        }
        ColumnType::Date if v.len() > 10 && v.is_char_boundary(10) => Some(v[..10].to_string()),
        _ => Some(v),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounds_datetimes_like_mysql() {
        let n = |s: &str| normalize_cell(Some(s.into()), ColumnType::Timestamp).unwrap();
        assert_eq!(n("2016-09-01 00:00:00.000000"), "2016-09-01 00:00:00");
        assert_eq!(n("2016-09-01T00:00:00Z"), "2016-09-01 00:00:00");
        assert_eq!(n("2014-08-01 17:09:59.941616"), "2014-08-01 17:10:00");
        assert_eq!(n("not a time"), "not a time");
        assert_eq!(normalize_cell(Some("2014-08-01 10:00:00".into()), ColumnType::Date).unwrap(), "2014-08-01");
        assert_eq!(normalize_cell(None, ColumnType::Date), None);
    }
}
