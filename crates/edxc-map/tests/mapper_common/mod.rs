//! Helpers shared by the mapper integration tests.
#![allow(dead_code)]

use edxc_map::events::{hive_line, scan, Counters, ScanOptions};

/// Runs `extractors` over `input` and returns the Hive text lines (fields, then the date),
/// prefixed by the extractor name when several run, plus the counters.
pub fn run_opts(extractors: &[&str], input: &[u8], opts: &ScanOptions) -> (Vec<String>, Counters) {
    let mut out = Vec::new();
    let mut counters = Counters::default();
    let tag = extractors.len() > 1;
    scan(input, extractors, opts, &mut counters, &mut |idx, date, fields| {
        let mut s = String::new();
        if tag {
            s.push_str(extractors[idx]);
            s.push('\t');
        }
        hive_line(fields, &[date], &mut s);
        s.pop();
        out.push(s);
    })
    .expect("scan");
    (out, counters)
}

pub fn run(extractor: &str, input: &str) -> Vec<String> {
    run_opts(&[extractor], input.as_bytes(), &ScanOptions::default()).0
}

pub fn run_ccx(extractor: &str, input: &str) -> Vec<String> {
    let opts = ScanOptions { interval: None, ccx_enabled: true, ..Default::default() };
    run_opts(&[extractor], input.as_bytes(), &opts).0
}
