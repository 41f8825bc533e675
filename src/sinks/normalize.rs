//! The load's pre-pass over staged cells: DATE and DATETIME texts become what the result store holds
//! (`crate::db::datetime`: DATETIME rounded to the second as MySQL rounds, DATE as `YYYY-MM-DD`), a trailing `Z`
//! (UTC) accepted. Any other text is left as it is, for the store to refuse naming its table, row and column.

use crate::db::datetime::{date_value, datetime_value};
use crate::model::ColumnType;

pub fn normalize_cell(cell: Option<String>, ty: ColumnType) -> Option<String> {
    let v = cell?;
    let text = v.trim_end_matches('Z');
    let normalized = match ty {
        ColumnType::Timestamp => datetime_value(text),
        ColumnType::Date => date_value(text),
        _ => None,
    };
    Some(normalized.unwrap_or(v))
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
        assert_eq!(normalize_cell(Some("2014-08-01T10:00:00Z".into()), ColumnType::Date).unwrap(), "2014-08-01");
        assert_eq!(normalize_cell(None, ColumnType::Date), None);
        assert_eq!(normalize_cell(Some("ZZ".into()), ColumnType::String(None)).unwrap(), "ZZ");
    }
}
