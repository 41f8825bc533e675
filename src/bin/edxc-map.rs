//! `edxc-map`: the native tracking-log mapper.
//!
//! Reads tracking-log lines from stdin (or from the files given, `.gz` transparently) and writes
//! Hive text records (TAB-separated, `\N` = NULL, `\\ \t \n \r` escaped) on stdout: the
//! extractor's columns, then the partition date (event date) as the last column. With several
//! `--extractor`s each line starts with the extractor name, unless `--out-dir` is given (one
//! `<extractor>.tsv` per extractor). Counters go to stderr as `reporter:counter:edxc,<name>,<n>`.

use edxc::events::{extractor_columns, extractor_names, hive_line_bytes, scan, scan_file, Counters, ScanOptions};
use std::fs::File;
use std::io::{self, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: edxc-map --extractor NAME [--extractor NAME ...] [--interval YYYY-MM-DD-YYYY-MM-DD]
                [--ccx] [--out-dir DIR] [FILE ...]
       edxc-map --list
       edxc-map --reducer NAME [--arg KEY=VALUE ...]   (Hive TRANSFORM reducer: stdin -> stdout)

Reads tracking-log lines (stdin, or FILEs; `-` is stdin; *.gz is gunzipped) and writes one
TAB-separated Hive text record per extracted row: the extractor's columns, then the event date.
With several extractors every line starts with the extractor name (or use --out-dir DIR to get
DIR/<extractor>.tsv). Counters are written to stderr as reporter:counter:edxc,<name>,<n>.

  --extractor NAME   extractor to run (repeatable; one pass feeds them all)
  --interval A-B     keep events whose date d satisfies A <= d < B (string comparison)
  --ccx              accept ccx-v1 course keys
  --out-dir DIR      one output file per extractor instead of stdout
  --list             print the extractors and their columns
  --no-output        extract but write no records (counters only; for benchmarks)
";

struct Args {
    extractors: Vec<String>,
    interval: Option<(String, String)>,
    ccx: bool,
    out_dir: Option<PathBuf>,
    files: Vec<String>,
    list: bool,
    no_output: bool,
}

fn parse_interval(s: &str) -> Option<(String, String)> {
    let ok_date = |d: &str| {
        let b = d.as_bytes();
        b.len() == 10
            && b[4] == b'-'
            && b[7] == b'-'
            && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
    };
    if s.len() != 21 || s.as_bytes()[10] != b'-' {
        return None;
    }
    let (a, b) = (s.get(..10)?, s.get(11..)?);
    (ok_date(a) && ok_date(b)).then(|| (a.to_string(), b.to_string()))
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        extractors: Vec::new(),
        interval: None,
        ccx: false,
        out_dir: None,
        files: Vec::new(),
        list: false,
        no_output: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let (flag, inline) = match a.split_once('=') {
            Some((f, v)) if f.starts_with("--") => (f.to_string(), Some(v.to_string())),
            _ => (a.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            inline.clone().or_else(|| it.next()).ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--extractor" | "-e" => args.extractors.push(value("--extractor")?),
            "--interval" => {
                let v = value("--interval")?;
                args.interval =
                    Some(parse_interval(&v).ok_or_else(|| format!("bad --interval `{v}` (YYYY-MM-DD-YYYY-MM-DD)"))?);
            }
            "--ccx" => args.ccx = true,
            "--out-dir" => args.out_dir = Some(PathBuf::from(value("--out-dir")?)),
            "--list" => args.list = true,
            "--no-output" => args.no_output = true,
            "-h" | "--help" => {
                print!("{USAGE}");
                std::process::exit(0);
            }
            f if f.starts_with("--") => return Err(format!("unknown option `{f}`")),
            _ => args.files.push(a),
        }
    }
    if !args.list && args.extractors.is_empty() {
        return Err("at least one --extractor is required".into());
    }
    for e in &args.extractors {
        if extractor_columns(e).is_none() {
            return Err(format!("unknown extractor `{e}` (known: {})", extractor_names().join(", ")));
        }
    }
    Ok(args)
}

fn run(args: Args) -> io::Result<Counters> {
    let names: Vec<&str> = args.extractors.iter().map(String::as_str).collect();
    let opts = ScanOptions { interval: args.interval.clone(), ccx_enabled: args.ccx };
    let mut outs: Vec<Box<dyn Write>> = match &args.out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            let mut v: Vec<Box<dyn Write>> = Vec::new();
            for n in &names {
                let f = File::create(dir.join(format!("{n}.tsv")))?;
                v.push(Box::new(f));
            }
            v
        }
        None => vec![Box::new(io::stdout())],
    };
    // Records are built straight into one buffer per output, written in 1 MiB chunks.
    const CHUNK: usize = 1 << 20;
    let mut bufs: Vec<Vec<u8>> = outs.iter().map(|_| Vec::with_capacity(CHUNK + 65536)).collect();
    let tag = args.out_dir.is_none() && names.len() > 1;
    let no_output = args.no_output;
    let mut counters = Counters::default();
    let write_err: std::cell::RefCell<Option<io::Error>> = std::cell::RefCell::new(None);
    let files = if args.files.is_empty() { vec!["-".to_string()] } else { args.files.clone() };
    {
        let mut emit = |idx: usize, date: &str, fields: &[Option<&str>]| {
            if no_output || write_err.borrow().is_some() {
                return;
            }
            let o = if outs.len() == 1 { 0 } else { idx };
            let buf = &mut bufs[o];
            hive_line_bytes(tag.then(|| names[idx]), fields, &[date], buf);
            if buf.len() >= CHUNK {
                if let Err(e) = outs[o].write_all(buf) {
                    *write_err.borrow_mut() = Some(e);
                }
                buf.clear();
            }
        };
        for f in &files {
            if f == "-" {
                let stdin = io::stdin();
                let reader = BufReader::with_capacity(1 << 18, stdin.lock());
                scan(reader, &names, &opts, &mut counters, &mut emit)?;
            } else {
                scan_file(Path::new(f), &names, &opts, &mut counters, &mut emit)
                    .map_err(|e| io::Error::new(e.kind(), format!("{f}: {e}")))?;
            }
            if write_err.borrow().is_some() {
                break;
            }
        }
    }
    if let Some(e) = write_err.into_inner() {
        return Err(e);
    }
    for (o, buf) in outs.iter_mut().zip(&bufs) {
        o.write_all(buf)?;
        o.flush()?;
    }
    Ok(counters)
}

/// Reducer mode (`--reducer NAME [--arg k=v]...`): Hive text rows on stdin, already grouped by the reducer's key
/// (`DISTRIBUTE BY key SORT BY key, sort columns`), reduced rows on stdout. Used by `SELECT TRANSFORM ... USING`.
fn run_reducer(argv: &[String]) -> ExitCode {
    let mut name = None;
    let mut args = std::collections::BTreeMap::new();
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--reducer" => name = it.next().cloned(),
            "--arg" => match it.next().and_then(|kv| kv.split_once('=')) {
                Some((k, v)) => {
                    args.insert(k.to_string(), v.to_string());
                }
                None => {
                    eprintln!("edxc-map: --arg needs KEY=VALUE");
                    return ExitCode::from(2);
                }
            },
            other => {
                eprintln!("edxc-map: unexpected argument `{other}` in reducer mode");
                return ExitCode::from(2);
            }
        }
    }
    let Some(name) = name else {
        eprintln!("edxc-map: --reducer needs a NAME");
        return ExitCode::from(2);
    };
    let stdin = io::stdin().lock();
    let stdout = io::BufWriter::new(io::stdout().lock());
    match edxc::natives::stream_reducer(&name, &args, stdin, stdout) {
        Ok(rows) => {
            eprintln!("reporter:counter:edxc,reduced_{name},{rows}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("edxc-map: reducer {name}: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.iter().any(|a| a == "--reducer") {
        return run_reducer(&argv);
    }
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("edxc-map: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.list {
        for n in extractor_names() {
            let cols: Vec<String> =
                extractor_columns(n).unwrap_or(&[]).iter().map(|c| format!("{} {}", c.name, c.hive_type)).collect();
            println!("{n}\t{}", cols.join(", "));
        }
        return ExitCode::SUCCESS;
    }
    match run(args) {
        Ok(counters) => {
            let mut err = io::stderr().lock();
            for (k, n) in counters.entries() {
                let _ = writeln!(err, "reporter:counter:edxc,{k},{n}");
            }
            ExitCode::SUCCESS
        }
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("edxc-map: {e}");
            ExitCode::FAILURE
        }
    }
}
