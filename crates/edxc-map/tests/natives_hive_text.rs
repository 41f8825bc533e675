//! Hive text row encoding: what Hive's LazySimpleSerDe writes and reads with `ESCAPED BY '\\'` and
//! `serialization.escape.crlf` (tests/hive_text_roundtrip.rs checks it on the real engines).

use edxc_map::hive_text::{escape, format_row, split_line, unescape, write_row};
use proptest::prelude::*;

#[test]
fn escapes_and_nulls() {
    let mut s = String::new();
    escape("a\\b\tc\nd\re", &mut s);
    // Hive's own escaping: backslash + the byte for backslash and TAB, `\n` and `\r` for LF and CR.
    assert_eq!(s, "a\\\\b\\\tc\\nd\\re");
    assert_eq!(unescape(&s), "a\\b\tc\nd\re");

    let row = vec![Some("x".to_string()), None, Some("\\N".to_string()), Some(String::new())];
    let mut buf = Vec::new();
    write_row(&row, &mut buf).unwrap();
    assert_eq!(buf, b"x\t\\N\t\\\\N\t\n");
    assert_eq!(split_line("x\t\\N\t\\\\N\t"), row);
    assert_eq!(format_row(&[Some("a\tb".into()), Some("\\t".into())]), "a\\\tb\t\\\\t");
}

#[test]
fn reading_follows_hive() {
    // An escaped literal TAB does not split; a backslash before any other character is that character (Hive escapes
    // its nested separators \x02..\x08 so); a trailing lone backslash is kept.
    assert_eq!(split_line("a\\\tb\tc"), vec![Some("a\tb".into()), Some("c".into())]);
    assert_eq!(split_line("a\\qb\tc\\"), vec![Some("aqb".into()), Some("c\\".into())]);
    assert_eq!(split_line("x\\\u{2}y"), vec![Some("x\u{2}y".into())]);
    assert_eq!(split_line("é\\é\tü"), vec![Some("éé".into()), Some("ü".into())]);
    assert_eq!(split_line("\\\\\\\\N\t\\N"), vec![Some("\\\\N".into()), None]);
    assert_eq!(split_line(""), vec![Some(String::new())]);
}

#[test]
fn reads_the_former_tab_escape() {
    // Files edxc wrote before it wrote Hive's form hold a TAB as `\t`; neither Hive nor edxc escapes a plain `t`.
    assert_eq!(split_line("a\\tb\tc"), vec![Some("a\tb".into()), Some("c".into())]);
    assert_eq!(unescape("\\t\\\\t"), "\t\\t");
}

/// Strings made mostly of the bytes Hive text escapes, and of text that looks like an escape or NULL.
fn tricky() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("\t".to_string()),
        Just("\\".to_string()),
        Just("\r".to_string()),
        Just("\n".to_string()),
        Just("\\N".to_string()),
        Just("\\t".to_string()),
        Just("N".to_string()),
        Just("t".to_string()),
        Just("é".to_string()),
        Just("\u{2}".to_string()),
        "[a-z ]{0,3}",
    ];
    prop_oneof![proptest::collection::vec(piece, 0..8).prop_map(|v| v.concat()), ".*"]
}

proptest! {
    #[test]
    fn round_trip(row in proptest::collection::vec(proptest::option::of(tricky()), 1..6)) {
        let line = format_row(&row);
        prop_assert!(!line.contains('\n') && !line.contains('\r'));
        prop_assert_eq!(split_line(&line), row);
    }

    #[test]
    fn split_never_panics(line in ".*") {
        let _ = split_line(&line);
    }
}
