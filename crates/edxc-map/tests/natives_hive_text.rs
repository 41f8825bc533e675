//! Hive text row encoding.

use edxc_map::hive_text::{escape, format_row, split_line, unescape, write_row};
use proptest::prelude::*;

#[test]
fn escapes_and_nulls() {
    let mut s = String::new();
    escape("a\\b\tc\nd\re", &mut s);
    assert_eq!(s, "a\\\\b\\tc\\nd\\re");
    assert_eq!(unescape(&s), "a\\b\tc\nd\re");

    let row = vec![Some("x".to_string()), None, Some("\\N".to_string()), Some(String::new())];
    let mut buf = Vec::new();
    write_row(&row, &mut buf).unwrap();
    assert_eq!(buf, b"x\t\\N\t\\\\N\t\n");
    assert_eq!(split_line("x\t\\N\t\\\\N\t"), row);
}

#[test]
fn lenient_reading() {
    // unknown escapes and a trailing backslash are kept; an escaped literal TAB does not split
    assert_eq!(split_line("a\\qb\tc\\"), vec![Some("a\\qb".into()), Some("c\\".into())]);
    assert_eq!(split_line("a\\\tb\tc"), vec![Some("a\tb".into()), Some("c".into())]);
    assert_eq!(split_line("é\\é\tü"), vec![Some("é\\é".into()), Some("ü".into())]);
    assert_eq!(split_line(""), vec![Some(String::new())]);
}

proptest! {
    #[test]
    fn round_trip(row in proptest::collection::vec(proptest::option::of(".*"), 1..6)) {
        let line = format_row(&row);
        prop_assert!(!line.contains('\n') && !line.contains('\r'));
        prop_assert_eq!(split_line(&line), row);
    }

    #[test]
    fn split_never_panics(line in ".*") {
        let _ = split_line(&line);
    }
}
