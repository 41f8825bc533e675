//! Python value conversions the natives reproduce.

use edxc_map::natives::pyfmt::*;

#[test]
fn python_int() {
    assert_eq!(py_int("12"), Some(12));
    assert_eq!(py_int(" -0012\n"), Some(-12));
    assert_eq!(py_int("+3"), Some(3));
    assert_eq!(py_int("9223372036854775807"), Some(i64::MAX));
    for bad in ["", " ", "1.0", "1_000", "0x10", "9223372036854775808", "-", "1 2"] {
        assert_eq!(py_int(bad), None, "{bad:?}");
    }
}

#[test]
fn datetime_field_quirks() {
    assert_eq!(datetime_field("2016-09-01T00:00:00Z").unwrap(), "2016-09-01 00:00:00.000000");
    assert_eq!(datetime_field("2014-08-01T17:09:59.941616").unwrap(), "2014-08-01 17:09:59.941616");
    assert_eq!(datetime_field("2014-08-01").unwrap(), "2014-08-01 00:00:00.000000");
    assert_eq!(datetime_field("2014-08-01 17:09").unwrap(), "2014-08-01 17:09:00.000000");
    assert_eq!(datetime_field("2014-08-01T17:09:59.123Z").unwrap(), "2014-08-01 17:09:59.000123");
    for bad in [
        "",
        "2014-08",
        "2016-01-01T00:00:00+00:00",
        "2016-01-01T00:00:00.1-05:00",
        "1899-12-31",
        "2014-02-30",
        "2014-08-01T24:00:00",
        "2014-08-01T00:00:00.1234567",
    ] {
        assert!(datetime_field(bad).is_err(), "{bad:?}");
    }
}

#[test]
fn dash_dates_and_text_helpers() {
    assert_eq!(parse_dash_date("2014-08-01").unwrap().to_string(), "2014-08-01");
    assert_eq!(parse_dash_date("2014-8-1-extra").unwrap().to_string(), "2014-08-01");
    assert!(parse_dash_date("2014-08").is_err());
    assert!(parse_dash_date("0000-01-01").is_err());
    assert_eq!(normalize_whitespace(" a \t\r\n b\u{a0}c "), " a b\u{a0}c ");
    assert_eq!(truncate_chars("héllo", 2), "hé");
    assert_eq!(truncate_chars("hé", 5), "hé");
    assert!(parse_iso_date("0000-01-01").is_none());
    assert!(parse_iso_date("2014-8-01").is_none());
}
