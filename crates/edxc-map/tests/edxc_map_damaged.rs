//! `edxc-map` over damaged inputs: each damaged or unreadable file is named on stderr with its reason and counted
//! (`damaged_files`), the run goes on and exits 0, with one worker or several (files and byte ranges).

use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use std::process::Command;

const GOOD: &str = r#"{"event_source": "server", "event_type": "edx.course.enrollment.activated", "context": {"course_id": "a/b/c", "user_id": 3}, "time": "2014-07-30T17:09:59.941616+00:00", "event": {"course_id": "a/b/c", "user_id": 5, "mode": "honor"}}"#;

struct Run {
    records: Vec<String>,
    damaged: Vec<String>,
    counters: Vec<String>,
}

fn run(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_edxc-map")).args(args).output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(out.status.success(), "{stderr}");
    let mut records: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect();
    records.sort();
    let mut damaged: Vec<String> = stderr.lines().filter(|l| !l.starts_with("reporter:")).map(str::to_string).collect();
    damaged.sort();
    let mut counters: Vec<String> = stderr.lines().filter(|l| l.starts_with("reporter:")).map(str::to_string).collect();
    counters.sort();
    Run { records, damaged, counters }
}

#[test]
fn damaged_inputs_are_named_counted_and_skipped() {
    let dir = tempfile::tempdir().unwrap();
    let p = |name: &str| dir.path().join(name).to_str().unwrap().to_string();
    let lines: String =
        (0..3000).map(|i| format!("{GOOD}\n").replace("\"user_id\": 5", &format!("\"user_id\": {i}"))).collect();
    std::fs::write(p("tracking.log-20140729"), &lines).unwrap();
    let mut e = GzEncoder::new(Vec::new(), Compression::default());
    e.write_all(lines.as_bytes()).unwrap();
    let full = e.finish().unwrap();
    std::fs::write(p("tracking.log-20140730.gz"), &full).unwrap();
    std::fs::write(p("tracking.log-20140731.gz"), &full[..full.len() / 2]).unwrap();
    std::fs::write(p("tracking.log-20140801.gz"), b"").unwrap();
    std::fs::write(p("tracking.log-20140802.gz"), &lines[..1000]).unwrap();
    std::fs::create_dir(p("tracking.log-20140803.gz")).unwrap();
    std::fs::create_dir(p("tracking.log-20140804")).unwrap();
    let names = [
        "tracking.log-20140729",
        "tracking.log-20140730.gz",
        "tracking.log-20140731.gz",
        "tracking.log-20140801.gz",
        "tracking.log-20140802.gz",
        "tracking.log-20140803.gz",
        "tracking.log-20140804",
        "tracking.log-20140805",
    ];
    let files: Vec<String> = names.iter().map(|n| p(n)).collect();
    let mut args = vec!["--extractor", "enrollment"];
    args.extend(files.iter().map(String::as_str));
    let one = run(&args);

    let expect = [
        (2, "truncated or corrupt gzip stream"),
        (3, "empty .gz file (0 bytes)"),
        (4, "not a gzip file (starts with bytes 7b 22, not 1f 8b)"),
        (5, "unreadable: "),
        (6, "unreadable: "),
        (7, "unreadable: No such file"),
    ];
    assert_eq!(one.damaged.len(), expect.len(), "{:#?}", one.damaged);
    for (i, reason) in expect {
        let prefix = format!("edxc-map: damaged input {}: {reason}", files[i]);
        assert!(one.damaged.iter().any(|l| l.starts_with(&prefix)), "{prefix}\n{:#?}", one.damaged);
    }
    assert!(one.counters.contains(&"reporter:counter:edxc,damaged_files,6".to_string()), "{:#?}", one.counters);
    assert!(one.counters.contains(&"reporter:counter:edxc,truncated_gzip,1".to_string()), "{:#?}", one.counters);
    // Both good files in full, and the complete lines of the truncated one.
    let cut = one.records.len() - 6000;
    assert!(cut > 0 && cut < 3000, "{cut}");

    // Several workers, the plain file split into byte ranges: the same records, reports and counters.
    let mut many_args = vec!["--jobs", "3", "--split-bytes", "10000"];
    many_args.extend(args.iter().copied());
    let many = run(&many_args);
    assert_eq!(many.damaged, one.damaged);
    assert_eq!(many.counters, one.counters);
    assert!(many.records == one.records, "records differ");
}
