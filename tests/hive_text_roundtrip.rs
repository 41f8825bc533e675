//! Hive text on the real engines: a file edxc's writer (`edxc::hive_text`) puts under an EXTERNAL table is read by
//! Apache Hive 2.3.10 and Spark SQL 4.3 (through the test gateway, `scripts/engines/README.md`) as the very strings
//! and booleans written, and what they write back with `INSERT OVERWRITE ... SELECT` reads back with edxc's reader
//! as those values: TAB, backslash, CR, LF, `\N`-looking text, empty strings and NULL, in the escaping of the
//! warehouse DDL and of the bundle's TRANSFORM SerDe (`templates/hive/table.hql`, `templates/hive/serde.hql`).
//!
//! Booleans take three routes, each a way the bundle turns text into a BOOLEAN:
//! * a STRING column through the rendered `edxc::codegen::to_boolean` (the map step's typed columns); the plain
//!   `CAST(b AS BOOLEAN)` it replaces is written next to it, and only reported (Hive makes 'false' TRUE);
//! * a column the table declares BOOLEAN (LMS imports, native data files), as the SerDe reads it, and that value
//!   through the typed form of `to_boolean` (SQL transforms);
//! * a TRANSFORM whose script prints the file edxc wrote, its output typed `b BOOLEAN` (edxc-map's reducers).

mod common;
use common::{gateway_config, gateway_env};
use edxc::codegen::to_boolean;
use edxc::engine::hive::ssh::{shell_quote, Gateway, GatewayConfig};
use edxc::hive_text;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

type Row = Vec<Option<String>>;

fn s(v: &str) -> Option<String> {
    Some(v.to_string())
}

/// The rows written: id, a string value, a boolean as text.
fn rows() -> Vec<Row> {
    vec![
        vec![s("01"), s("plain"), s("true")],
        vec![s("02"), s("a\tb\tc"), s("false")],
        vec![s("03"), s("back\\slash \\ and \\\\"), s("true")],
        vec![s("04"), s("cr\rlf\nboth\r\n"), s("false")],
        vec![s("05"), None, None],
        vec![s("06"), s(""), s("")],
        vec![s("07"), s("\\N"), s("false")],
        vec![s("08"), s("\\t \\n \\r look-alikes\t\\\t"), s("true")],
        vec![s("09"), s("ünïcødé\t✓"), s("x")],
        vec![s("10"), s("\t"), s("false")],
    ]
}

/// The boolean text `b` reads as on every route: `true`/`false`, anything else NULL.
fn boolean(b: &Option<String>) -> Option<String> {
    b.as_deref().filter(|v| *v == "true" || *v == "false").map(str::to_string)
}

const SERDE: &str = "ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe'\n  WITH SERDEPROPERTIES \
                     ('field.delim' = '\\t', 'escape.delim' = '\\\\', 'serialization.escape.crlf' = 'true')";

fn table(name: &str, columns: &str, location: &str) -> String {
    format!(
        "CREATE EXTERNAL TABLE {name} ({columns})\nROW FORMAT DELIMITED FIELDS TERMINATED BY '\\t' ESCAPED BY '\\\\'\n\
         STORED AS TEXTFILE\nLOCATION 'file://{location}'\nTBLPROPERTIES ('serialization.escape.crlf' = 'true');\n"
    )
}

/// The engine's script: the source file under two schemas, and the three tables it writes.
fn script(database: &str, dir: &str, emit: &str) -> Result<String, anyhow::Error> {
    let mut q =
        format!("CREATE DATABASE IF NOT EXISTS {database};\nUSE {database};\nSET spark.sql.ansi.enabled=false;\n");
    q += &table("src", "id STRING, v STRING, b STRING", &format!("{dir}/src"));
    q += &table("src_typed", "id STRING, v STRING, b BOOLEAN", &format!("{dir}/src"));
    q += &table("out_text", "id STRING, v STRING, b BOOLEAN, old_cast BOOLEAN", &format!("{dir}/out_text"));
    q += &table("out_typed", "id STRING, v STRING, b BOOLEAN, b_sql BOOLEAN", &format!("{dir}/out_typed"));
    q += &table("out_transform", "id STRING, v STRING, b BOOLEAN", &format!("{dir}/out_transform"));
    q += &format!(
        "INSERT OVERWRITE TABLE out_text\nSELECT id, v, {}, CAST(b AS BOOLEAN) FROM src;\n",
        to_boolean("b", true)?
    );
    q += &format!("INSERT OVERWRITE TABLE out_typed\nSELECT id, v, b, {} FROM src_typed;\n", to_boolean("b", false)?);
    q += &format!(
        "INSERT OVERWRITE TABLE out_transform\nSELECT TRANSFORM (id)\n  {SERDE}\n  USING '/bin/sh {emit}'\n  \
         AS (id STRING, v STRING, b BOOLEAN)\n  {SERDE}\nFROM src;\n"
    );
    q += &format!("DROP DATABASE {database} CASCADE;\n");
    Ok(q)
}

/// Every row of the data files under `dir` (names starting with `.` or `_` skipped), read with edxc's reader. The
/// test gateway runs on this machine: its file:// warehouse is read here, as tests/hive_bundle.rs reads it.
fn read_dir(dir: &Path) -> Vec<Row> {
    let mut rows = Vec::new();
    for f in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let f = f.unwrap().path();
        let name = f.file_name().unwrap().to_string_lossy().to_string();
        if name.starts_with('.') || name.starts_with('_') {
            continue;
        }
        let text = String::from_utf8(std::fs::read(&f).unwrap()).unwrap();
        rows.extend(text.lines().map(hive_text::split_line));
    }
    rows.sort();
    rows
}

/// The test's directory on the gateway, removed when the test ends, passed or failed.
struct RemoteDir(GatewayConfig, String);

impl Drop for RemoteDir {
    fn drop(&mut self) {
        if let Ok(gw) = Gateway::connect(&self.0) {
            let _ = gw.output(&format!("rm -rf {}", shell_quote(&self.1)));
        }
    }
}

/// Runs `hql` with the engine's CLI on the gateway; panics with the log's tail when it fails.
fn run(e: &BTreeMap<String, String>, cli: &str, dir: &str, hql: &str) -> f64 {
    let gw = Gateway::connect(&gateway_config(e)).expect("connects to the test gateway");
    let file = format!("{dir}/run.hql");
    gw.write(&file, hql.as_bytes()).unwrap();
    let started = Instant::now();
    let mut log = Vec::new();
    let exit = gw.run(&format!("{cli} -f {}", shell_quote(&file)), &mut |_, l| log.push(l.to_string())).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    if exit.status != 0 {
        let tail: Vec<&str> =
            log.iter().filter(|l| !l.trim_start().starts_with("at ")).map(String::as_str).collect::<Vec<_>>();
        panic!(
            "{cli} failed (exit {}) after {seconds:.1}s:\n{}",
            exit.status,
            tail[tail.len().saturating_sub(40)..].join("\n")
        );
    }
    seconds
}

#[test]
fn hive_and_spark_sql_read_and_write_edxcs_hive_text_unchanged() {
    let started = Instant::now();
    let e = gateway_env();
    let gw = Gateway::connect(&gateway_config(&e)).expect("connects to the test gateway");
    let base = format!(
        "{}/edxc-text-roundtrip-{}",
        e["EDXC_GATEWAY_WAREHOUSE"].strip_prefix("file://").expect("a file:// warehouse"),
        std::process::id()
    );
    let _cleanup = RemoteDir(gateway_config(&e), base.clone());

    let rows = rows();
    let mut text = Vec::new();
    for r in &rows {
        hive_text::write_row(r, &mut text).unwrap();
    }
    // The file as Hive writes it: a TAB inside a value is a backslash and a TAB; no line holds a CR or LF.
    assert!(text.windows(7).any(|w| w == b"a\\\tb\\\tc"), "{}", String::from_utf8_lossy(&text));
    assert!(!text.contains(&b'\r'));
    assert_eq!(text.iter().filter(|&&b| b == b'\n').count(), rows.len());
    let engines = [("EDXC_GATEWAY_HIVE", "hive"), ("EDXC_GATEWAY_SPARK_SQL", "spark")];
    let mut scripts = Vec::new();
    for (key, tag) in engines {
        let dir = format!("{base}/{tag}");
        let emit = format!("{dir}/emit.sh");
        gw.output(&format!("mkdir -p {}", shell_quote(&format!("{dir}/src")))).unwrap();
        gw.write(&format!("{dir}/src/part-00000"), &text).unwrap();
        // The TRANSFORM script reads its input, then prints edxc's file as its output.
        gw.write(&emit, format!("cat >/dev/null\ncat {}\n", shell_quote(&format!("{dir}/src/part-00000"))).as_bytes())
            .unwrap();
        let database = format!("edxc_text_rt_{}_{tag}", std::process::id());
        scripts.push((e[key].clone(), dir.clone(), script(&database, &dir, &emit).unwrap()));
    }

    let seconds: Vec<f64> = std::thread::scope(|sc| {
        let handles: Vec<_> = scripts.iter().map(|(cli, dir, hql)| sc.spawn(|| run(&e, cli, dir, hql))).collect();
        handles.into_iter().map(|h| h.join().expect("engine run")).collect()
    });

    let mut failures = Vec::new();
    for ((cli, dir, _), secs) in scripts.iter().zip(&seconds) {
        let dir = Path::new(dir);
        let want = |extra: usize| -> Vec<Row> {
            rows.iter()
                .map(|r| {
                    let mut w = vec![r[0].clone(), r[1].clone()];
                    w.extend(std::iter::repeat_n(boolean(&r[2]), extra));
                    w
                })
                .collect()
        };
        let text = read_dir(&dir.join("out_text"));
        let old_cast: Vec<Option<String>> = text.iter().map(|r| r[3].clone()).collect();
        let text: Vec<Row> = text
            .into_iter()
            .map(|mut r| {
                r.truncate(3);
                r
            })
            .collect();
        let typed = read_dir(&dir.join("out_typed"));
        let transform = read_dir(&dir.join("out_transform"));
        let mut verdicts = Vec::new();
        for (name, got, want) in
            [("text", &text, want(1)), ("typed", &typed, want(2)), ("transform", &transform, want(1))]
        {
            if *got == want {
                verdicts.push(format!("{name} identical"));
            } else {
                let first = want.iter().zip(got.iter()).find(|(w, g)| w != g);
                verdicts.push(format!("{name} DIFFERENT (first: {first:?}; {} rows, want {})", got.len(), want.len()));
                failures.push(format!("{cli} {name}"));
            }
        }
        let wrong_casts = rows.iter().zip(&old_cast).filter(|(r, c)| boolean(&r[2]).is_some() && boolean(&r[2]) != **c);
        let wrong_casts: Vec<String> = wrong_casts.map(|(r, c)| format!("{:?}->{:?}", r[2], c)).collect();
        println!(
            "{cli:<9} {secs:>5.1}s  {} rows  {}  (plain CAST(b AS BOOLEAN) wrong on {} of them: {})",
            rows.len(),
            verdicts.join(", "),
            wrong_casts.len(),
            wrong_casts.join(" ")
        );
    }
    println!("whole test {:.1}s", started.elapsed().as_secs_f64());
    assert!(failures.is_empty(), "read back differently: {failures:?}");
}
