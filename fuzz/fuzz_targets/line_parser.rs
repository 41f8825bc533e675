//! Fuzz target: any bytes through the line parser and every extractor, in one pass.
//! Invariants: no panic; counters add up; every record has the declared number of columns; Hive escaping
//! round-trips; string-literal decoding agrees with serde_json; the indexed (SIMD) parse decodes exactly what the
//! byte-by-byte parse decodes.
#![no_main]

use edxc_map::events::{
    extractor_columns, extractor_names, hive_escape, hive_escape_bytes, scan, Counters, ScanOptions,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let names: Vec<&str> = extractor_names().to_vec();
    let widths: Vec<usize> = names
        .iter()
        .map(|n| extractor_columns(n).map_or(0, |c| c.len()))
        .collect();
    for ccx in [false, true] {
        let opts = ScanOptions {
            interval: if ccx { Some(("2014-01-01".into(), "2015-01-01".into())) } else { None },
            ccx_enabled: ccx,
            inflate_thread: false,
        };
        let mut counters = Counters::default();
        let mut records = 0u64;
        let r = scan(data, &names, &opts, &mut counters, &mut |idx, date, fields| {
            assert_eq!(fields.len(), widths[idx]);
            records += 1;
            // Hive escaping: both encoders agree, never leave a raw LF/CR, escape every TAB (backslash + TAB, as
            // Hive does) so the value stays one field, and read back to the value.
            for f in fields.iter().flatten().chain(std::iter::once(&date)) {
                let mut a = String::new();
                hive_escape(f, &mut a);
                let mut b = Vec::new();
                hive_escape_bytes(f.as_bytes(), &mut b);
                assert_eq!(a.as_bytes(), &b[..]);
                assert!(!b.iter().any(|c| matches!(c, b'\n' | b'\r')));
                let back = edxc_map::hive_text::split_line(&a);
                assert_eq!(back.len(), 1, "{f:?} escaped as {a:?}");
                assert_eq!(back[0].as_deref(), Some(*f), "{f:?} escaped as {a:?}");
            }
        });
        assert!(r.is_ok());
        let emitted: u64 = counters.emitted.iter().map(|(_, n)| n).sum();
        assert_eq!(emitted, records);
        let newlines = data.iter().filter(|b| **b == b'\n').count() as u64;
        assert!(counters.lines() >= newlines && counters.lines() <= newlines + 1);
    }
    // Escaping of arbitrary text round-trips.
    if let Ok(text) = std::str::from_utf8(data) {
        let mut b = Vec::new();
        hive_escape_bytes(text.as_bytes(), &mut b);
        let mut back = Vec::new();
        let mut it = b.iter();
        while let Some(&c) = it.next() {
            if c == b'\\' {
                back.push(match it.next() {
                    Some(b't') => b'\t',
                    Some(b'n') => b'\n',
                    Some(b'r') => b'\r',
                    Some(&o) => o,
                    None => panic!("dangling escape"),
                });
            } else {
                back.push(c);
            }
        }
        assert_eq!(back, text.as_bytes());
    }
    // String-literal decoding agrees with serde_json wherever serde_json accepts the literal.
    if let Ok(text) = std::str::from_utf8(data) {
        let lit = format!("\"{text}\"");
        if let Ok(expected) = serde_json::from_str::<String>(&lit) {
            assert_eq!(edxc_map::events::json::unescape(&lit).as_deref(), Some(expected.as_str()));
        }
    }
    // The structural-index parse against the byte-by-byte one, on the whole input as one line.
    {
        use edxc_map::events::event::{parse_line_event, parse_line_event_indexed, Event};
        let members = |o: &edxc_map::events::json::RawObj<'_>| -> Vec<(String, String)> {
            o.entries.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        let view = |ev: &Event<'_>| {
            let nested: Vec<_> =
                ev.obj.entries.iter().filter_map(|(k, _)| ev.obj.get_obj(k)).map(|o| members(&o)).collect();
            (members(&ev.obj), ev.context().map(members), nested)
        };
        let mut ix = edxc_map::events::json::Index::new();
        let plain = parse_line_event(data).map(|ev| view(&ev));
        let indexed = parse_line_event_indexed(data, &mut ix).map(|ev| view(&ev));
        assert_eq!(plain, indexed);
    }
    // The line-level parser directly, on the whole input as one line.
    if let Ok((text, obj)) = edxc_map::events::event::parse_line(data) {
        let ev = edxc_map::events::event::Event::new(text, obj);
        let _ = ev.payload();
        let _ = ev.course_id(true, false);
        let _ = ev.course_id(true, true);
        let _ = ev.username();
    }
});
