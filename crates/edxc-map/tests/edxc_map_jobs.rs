//! `edxc-map --jobs N`: files and byte ranges of one file split across workers give exactly the records (as a
//! multiset) and counters of a single worker.

use std::process::Command;

fn run(args: &[&str]) -> (Vec<String>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_edxc-map")).args(args).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let mut lines: Vec<String> = String::from_utf8(out.stdout).unwrap().lines().map(str::to_string).collect();
    lines.sort();
    let mut counters: Vec<String> = String::from_utf8_lossy(&out.stderr).lines().map(str::to_string).collect();
    counters.sort();
    (lines, counters.join("\n"))
}

#[test]
fn byte_ranges_across_workers_match_one_worker() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("tracking.log");
    let gen = concat!(env!("CARGO_MANIFEST_DIR"), "/../../scripts/gen_tracking_log.py");
    let st = Command::new("python3")
        .args([gen, "-n", "3000", "--seed", "5", "--malformed-rate", "0.05", "-o"])
        .arg(&log)
        .status()
        .unwrap();
    assert!(st.success());
    let path = log.to_str().unwrap();
    for ex in [["--extractor", "user_activity"], ["--extractor", "enrollment"]] {
        let one = run(&[ex[0], ex[1], path]);
        for split in ["100000", "777777", "3000000"] {
            let many = run(&[ex[0], ex[1], "--jobs", "3", "--split-bytes", split, path]);
            assert_eq!(one.0.len(), many.0.len(), "{ex:?} split {split}");
            assert!(one.0 == many.0, "{ex:?} split {split}: records differ");
            assert_eq!(one.1, many.1, "{ex:?} split {split}: counters differ");
        }
        assert!(!one.0.is_empty());
    }
}
