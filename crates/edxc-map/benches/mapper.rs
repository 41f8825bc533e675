//! Per-line parser and extractor benchmarks (criterion). Input: the conformance fixture logs in
//! crates/edxc-map/tests/fixtures/mapper/ (2,400 real-shaped lines), repeated; throughput in input bytes.
//!
//!   cargo bench --bench mapper
//!   EDXC_BENCH_LOG=tracking-16M.log cargo bench --bench mapper    # on a generated log instead
//!
//! End-to-end numbers (1 GiB generated log, CPU time) come from scripts/bench-mapper.sh.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use edxc_map::events::event::{parse_line, parse_line_event_indexed, Event};
use edxc_map::events::json::Index;
use edxc_map::events::{extractor_names, scan, Counters, ScanOptions};
use std::path::Path;

fn corpus() -> Vec<u8> {
    // A generated log (e.g. `gen_tracking_log.py --size 16M --seed 1`) instead of the fixtures.
    if let Some(path) = std::env::var_os("EDXC_BENCH_LOG") {
        return std::fs::read(path).expect("EDXC_BENCH_LOG");
    }
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mapper");
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .expect("fixtures")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "log"))
        .collect();
    names.sort();
    let mut data = Vec::new();
    for p in names {
        data.extend(std::fs::read(p).expect("read fixture"));
        if data.last() != Some(&b'\n') {
            data.push(b'\n');
        }
    }
    data
}

fn bench(c: &mut Criterion) {
    let data = corpus();
    let lines: Vec<&[u8]> = data.split(|b| *b == b'\n').filter(|l| !l.is_empty()).collect();

    let mut g = c.benchmark_group("line");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.bench_function("parse_line", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for l in &lines {
                if let Ok((t, o)) = parse_line(l) {
                    ok += black_box(Event::new(t, o)).obj.entries.len();
                }
            }
            ok
        })
    });
    // The scanner's path: structural index, then the walk over it.
    g.bench_function("parse_line_event_indexed", |b| {
        let mut ix = Index::new();
        b.iter(|| {
            let mut ok = 0usize;
            for l in &lines {
                if let Ok(ev) = parse_line_event_indexed(l, &mut ix) {
                    ok += black_box(&ev).obj.entries.len();
                }
            }
            ok
        })
    });
    g.bench_function("parse_line_event", |b| {
        b.iter(|| {
            let mut ok = 0usize;
            for l in &lines {
                if let Ok(ev) = edxc_map::events::event::parse_line_event(l) {
                    ok += black_box(&ev).obj.entries.len();
                }
            }
            ok
        })
    });
    g.bench_function("parse_line+payload+course_id", |b| {
        b.iter(|| {
            let mut n = 0usize;
            for l in &lines {
                if let Ok((t, o)) = parse_line(l) {
                    let ev = Event::new(t, o);
                    n += ev.payload().map_or(0, |p| p.entries.len());
                    n += ev.course_id(true, false).map_or(0, |c| c.len());
                }
            }
            n
        })
    });
    g.finish();

    let mut g = c.benchmark_group("scan");
    g.throughput(Throughput::Bytes(data.len() as u64));
    let all: Vec<&str> = extractor_names().to_vec();
    let cases: Vec<(&str, Vec<&str>)> = vec![
        ("enrollment", vec!["enrollment"]),
        ("user_activity", vec!["user_activity"]),
        ("video", vec!["video"]),
        ("all", all),
    ];
    for (name, ex) in cases {
        g.bench_function(name, |b| {
            b.iter(|| {
                let mut counters = Counters::default();
                let mut n = 0usize;
                scan(&data[..], &ex, &ScanOptions::default(), &mut counters, &mut |_, d, f| n += d.len() + f.len())
                    .expect("scan");
                n
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
