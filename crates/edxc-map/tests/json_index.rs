//! The structural index (one SIMD pass marking string delimiters) against the byte-by-byte scanner: on valid JSON
//! objects, mutated ones and raw byte soup, wherever strings, escapes and control bytes fall relative to the
//! 64-byte blocks, the indexed parse must accept exactly the same lines and decode exactly the same members,
//! including nested objects re-parsed through the index.

use edxc_map::events::event::{parse_line_event, parse_line_event_indexed, Event};
use edxc_map::events::json::{Index, RawObj};
use proptest::prelude::*;

/// A JSON string literal body made of text and escapes, valid or not.
fn string_body() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            8 => "[a-z0-9 {}:,\\[\\]é😀]{0,12}",
            2 => Just(r#"\""#.to_string()),
            2 => Just(r"\\".to_string()),
            1 => Just(r#"\\\""#.to_string()),
            2 => prop::sample::select(vec![r"\n", r"\t", r"\/", r"\u00e9", r"\u005f", r"\ud83d\ude00"])
                .prop_map(str::to_string),
        ],
        0..6,
    )
    .prop_map(|v| v.concat())
}

fn ws() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["", "", " ", "  ", "\t", "\n ", "\r"])
}

fn value() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        4 => string_body().prop_map(|s| format!("\"{s}\"")),
        4 => prop::sample::select(vec!["0", "-1.5e3", "12", "true", "false", "null"]).prop_map(str::to_string),
    ];
    leaf.prop_recursive(4, 40, 6, |inner| {
        prop_oneof![
            (prop::collection::vec((string_body(), ws(), inner.clone(), ws()), 0..6)).prop_map(|members| {
                let body: Vec<String> = members.into_iter().map(|(k, a, v, b)| format!("\"{k}\"{a}:{b}{v}")).collect();
                format!("{{{}}}", body.join(", "))
            }),
            prop::collection::vec(inner, 0..5).prop_map(|items| format!("[{}]", items.join(","))),
        ]
    })
}

/// A tracking-log-like line: an object with a `context` member, padded so strings cross block boundaries.
fn line() -> impl Strategy<Value = Vec<u8>> {
    (0usize..70, prop::collection::vec((string_body(), value()), 0..8), value(), ws()).prop_map(
        |(pad, members, ctx, w)| {
            let mut body = vec![format!("\"pad\": \"{}\"", "p".repeat(pad))];
            body.extend(members.into_iter().map(|(k, v)| format!("\"{k}\": {v}")));
            body.push(format!("\"context\":{w}{ctx}"));
            format!("{{{}}}", body.join(", ")).into_bytes()
        },
    )
}

/// An edit that can break the line (half the time none): insert a quote, a backslash, a control or non-UTF-8 byte,
/// a TAB, a bad escape or a bad number, or cut the line short.
fn mutate(mut l: Vec<u8>, at: usize, what: u8) -> Vec<u8> {
    let at = at % (l.len() + 1);
    let insert: &[u8] = match what % 16 {
        0 => b"\"",
        1 => b"\\",
        2 => b"\x01",
        3 => b"\xff",
        4 => b"\t",
        5 => b"\\x",
        6 => b"\\u12",
        7 => b"01",
        8 => {
            l.truncate(at);
            b""
        }
        _ => b"",
    };
    l.splice(at..at, insert.iter().copied());
    l
}

type Members = Vec<(String, String)>;

fn members(o: &RawObj<'_>) -> Members {
    o.entries.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

/// Everything a decoded event exposes that the index could change: members, context, and every nested object.
fn view(ev: &Event<'_>) -> (Members, Option<Members>, Vec<Members>) {
    let nested = ev.obj.entries.iter().filter_map(|(k, _)| ev.obj.get_obj(k)).map(|o| members(&o)).collect();
    (members(&ev.obj), ev.context().map(members), nested)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]
    #[test]
    fn indexed_parse_matches_the_byte_scanner(l in line(), at in any::<usize>(), what in any::<u8>()) {
        let l = mutate(l, at, what);
        let mut ix = Index::new();
        let plain = parse_line_event(&l).map(|ev| view(&ev));
        let indexed = parse_line_event_indexed(&l, &mut ix).map(|ev| view(&ev));
        prop_assert_eq!(indexed, plain, "{}", String::from_utf8_lossy(&l));
    }

    #[test]
    fn indexed_parse_of_byte_soup_matches(bytes in prop::collection::vec(
        prop::sample::select(b"{}[]:,\"\\ \tabnu0-.e\x01\xc3\xa9".to_vec()), 0..200)) {
        let mut ix = Index::new();
        let plain = parse_line_event(&bytes).map(|ev| view(&ev));
        let indexed = parse_line_event_indexed(&bytes, &mut ix).map(|ev| view(&ev));
        prop_assert_eq!(indexed, plain);
    }
}
