//! `json::unescape` (the decoder of string literals, used for keys and for browser-event payloads) against
//! serde_json on string literals built from plain text and every kind of escape, valid or not, including
//! paired, reversed and lone surrogates.

use edxc_map::events::json::unescape;
use proptest::prelude::*;
use std::borrow::Cow;

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-zA-Z0-9 {}:,=é€😀]{0,6}",
        Just(r#"\""#.to_string()),
        Just(r"\\".to_string()),
        Just(r"\/".to_string()),
        prop::sample::select(vec!["b", "f", "n", "r", "t", "x", "u12", "uZZZZ", "U0041"])
            .prop_map(|e| format!("\\{e}")),
        (0u32..=0xFFFF).prop_map(|u| format!("\\u{u:04x}")),
        (0xD800u32..0xE000).prop_map(|u| format!("\\u{u:04X}")),
        ((0xD800u32..0xDC00), (0xDC00u32..0xE000)).prop_map(|(h, l)| format!("\\u{h:04x}\\u{l:04x}")),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]
    #[test]
    fn agrees_with_serde_json(pieces in prop::collection::vec(piece(), 0..12)) {
        let lit = format!("\"{}\"", pieces.concat());
        let ours = unescape(&lit).map(Cow::into_owned);
        let theirs = serde_json::from_str::<String>(&lit).ok();
        prop_assert_eq!(ours, theirs, "{}", lit);
    }
}

#[test]
fn borrows_without_escapes() {
    assert!(matches!(unescape(r#""plain text""#), Some(Cow::Borrowed("plain text"))));
    assert_eq!(unescape(r#""{\"a\": \"\u00e9\\\ud83d\ude00\"}""#).as_deref(), Some("{\"a\": \"é\\😀\"}"));
    assert_eq!(unescape(r#""\ud83d""#), None);
    assert_eq!(unescape(r#""\ude00\ud83d""#), None);
    assert_eq!(unescape(r#""no closing quote"#), None);
}
