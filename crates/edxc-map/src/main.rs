//! `edxc-map`: the native tracking-log mapper.
//!
//! Reads tracking-log lines from stdin (or from the files given, `.gz` transparently) and writes
//! Hive text records (TAB-separated, `\N` = NULL, escaped as Hive escapes: see `hive_text`) on stdout: the
//! extractor's columns, then the partition date (event date) as the last column. With several
//! `--extractor`s each line starts with the extractor name, unless `--out-dir` is given (one
//! `<extractor>.tsv` per extractor). Counters go to stderr as `reporter:counter:edxc,<name>,<n>`.
//!
//! A damaged input file (truncated or corrupt gzip, a `.gz` that is not gzip or is empty, a file that cannot be opened
//! or read) does not stop the run: its complete lines before the damage are kept, one line
//! `edxc-map: damaged input <file>: <reason>` goes to stderr and the file is counted in `damaged_files`.

use edxc_map::events::aligned::AlignedReader;
use edxc_map::events::json::IndexedText;
use edxc_map::events::{
    extractor_columns, extractor_names, hive_line_bytes, hive_line_bytes_json, scan_file_checked_to,
    scan_file_range_checked_to, scan_to, Counters, Emit, FileDamage, ScanOptions,
};
use edxc_map::units;
use std::fs::File;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const USAGE: &str = "\
usage: edxc-map --extractor NAME [--extractor NAME ...] [--interval YYYY-MM-DD-YYYY-MM-DD]
                [--ccx] [--out-dir DIR] [FILE ...]
       edxc-map --list
       edxc-map --reducer NAME [--arg KEY=VALUE ...]   (Hive TRANSFORM reducer: stdin -> stdout;
                rows it cannot use are skipped and counted: reporter:counter:edxc,<reason>,<n>)

Reads tracking-log lines (stdin, or FILEs; `-` is stdin; *.gz is gunzipped) and writes one
TAB-separated Hive text record per extracted row: the extractor's columns, then the event date.
With several extractors every line starts with the extractor name (or use --out-dir DIR to get
DIR/<extractor>.tsv). Counters are written to stderr as reporter:counter:edxc,<name>,<n>.
A damaged or unreadable FILE is reported on stderr (`edxc-map: damaged input FILE: reason`),
counted in damaged_files, and the run goes on with its lines before the damage.

  --extractor NAME   extractor to run (repeatable; one pass feeds them all)
  --interval A-B     keep events whose date d satisfies A <= d < B (string comparison)
  --ccx              accept ccx-v1 course keys
  --out-dir DIR      one output file per extractor instead of stdout
  --list             print the extractors and their columns
  --no-output        extract but write no records (counters only; for benchmarks)
  --jobs N           N worker threads; files, and byte ranges of large plain files, are split across them
  --split-bytes N    plain files of at least N bytes are split into ranges with --jobs (default 64 MiB)
";

struct Args {
    extractors: Vec<String>,
    interval: Option<(String, String)>,
    ccx: bool,
    out_dir: Option<PathBuf>,
    files: Vec<String>,
    list: bool,
    no_output: bool,
    jobs: usize,
    split_bytes: u64,
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
        jobs: 1,
        split_bytes: units::SPLIT_BYTES,
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
            "--split-bytes" => {
                let v = value("--split-bytes")?;
                args.split_bytes =
                    v.parse().ok().filter(|n| *n >= 1).ok_or_else(|| format!("bad --split-bytes `{v}`"))?;
            }
            "--jobs" | "-j" => {
                let v = value("--jobs")?;
                args.jobs = v.parse().ok().filter(|n| *n >= 1).ok_or_else(|| format!("bad --jobs `{v}`"))?;
            }
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

/// A piece of input one worker scans: stdin, or a file or byte range of one.
enum Unit {
    Stdin,
    File(units::Unit),
}

/// The units of work (`-` is stdin).
fn units(files: &[String], jobs: usize, split_bytes: u64) -> Vec<Unit> {
    let mut out = Vec::new();
    for f in files {
        if f == "-" {
            out.push(Unit::Stdin);
        } else {
            out.extend(units::units(&[f], jobs, split_bytes).into_iter().map(Unit::File));
        }
    }
    out
}

/// The Hive text writer as an [`Emit`]: a closure that also takes the index hint of [`Emit::record_json`].
struct HiveText<F>(F);

impl<F: FnMut(usize, &str, &[Option<&str>], Option<(usize, &IndexedText<'_>)>)> Emit for HiveText<F> {
    fn record(&mut self, extractor: usize, date: &str, fields: &[Option<&str>]) {
        (self.0)(extractor, date, fields, None)
    }

    fn record_json(&mut self, extractor: usize, date: &str, fields: &[Option<&str>], json: (usize, &IndexedText<'_>)) {
        (self.0)(extractor, date, fields, Some(json))
    }
}

/// Builds a [`HiveText`] (the bound makes the closure generic over the lifetimes of its arguments).
fn hive_text<F: FnMut(usize, &str, &[Option<&str>], Option<(usize, &IndexedText<'_>)>)>(f: F) -> HiveText<F> {
    HiveText(f)
}

fn run(args: Args) -> io::Result<Counters> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    let names: Vec<&str> = args.extractors.iter().map(String::as_str).collect();
    let files = if args.files.is_empty() { vec!["-".to_string()] } else { args.files.clone() };
    let work = units(&files, args.jobs, args.split_bytes);
    // A worker with no other unit to take would sit idle: it gunzips instead.
    let opts =
        ScanOptions { interval: args.interval.clone(), ccx_enabled: args.ccx, inflate_thread: args.jobs > work.len() };
    let outs: Vec<Mutex<Box<dyn Write + Send>>> = match &args.out_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir)?;
            let mut v: Vec<Mutex<Box<dyn Write + Send>>> = Vec::new();
            for n in &names {
                v.push(Mutex::new(Box::new(File::create(dir.join(format!("{n}.tsv")))?)));
            }
            v
        }
        None => vec![Mutex::new(Box::new(io::stdout()))],
    };
    let tag = args.out_dir.is_none() && names.len() > 1;
    let next = AtomicUsize::new(0);
    // Files reported damaged so far: a file split into byte ranges is reported and counted once.
    let damaged: Mutex<std::collections::BTreeSet<String>> = Mutex::new(Default::default());
    let report = |f: &str, damage: &FileDamage, counters: &mut Counters| {
        let first = damaged.lock().map(|mut d| d.insert(f.to_string())).unwrap_or(true);
        if first {
            eprintln!("edxc-map: damaged input {f}: {damage}");
        } else {
            counters.damaged_files = counters.damaged_files.saturating_sub(1);
        }
    };
    let failed: Mutex<Option<io::Error>> = Mutex::new(None);
    let totals: Mutex<Counters> = Mutex::new(Counters::default());
    let flush = |o: usize, buf: &mut Vec<u8>| -> io::Result<()> {
        let mut out = outs[o].lock().map_err(|_| io::Error::other("output lock poisoned"))?;
        out.write_all(buf)?;
        buf.clear();
        Ok(())
    };
    // Each worker takes the next unit, scans it into its own buffers (1 MiB chunks) and merges its counters.
    let worker = || -> io::Result<()> {
        const CHUNK: usize = 1 << 20;
        let mut bufs: Vec<Vec<u8>> = outs.iter().map(|_| Vec::with_capacity(CHUNK + 65536)).collect();
        let mut counters = Counters::default();
        let mut write_err: Option<io::Error> = None;
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(unit) = work.get(i) else { break };
            let mut emit = hive_text(|idx, date, fields, json| {
                if args.no_output || write_err.is_some() {
                    return;
                }
                let o = if outs.len() == 1 { 0 } else { idx };
                let tag = tag.then(|| names[idx]);
                match json {
                    Some(json) => hive_line_bytes_json(tag, fields, json, &[date], &mut bufs[o]),
                    None => hive_line_bytes(tag, fields, &[date], &mut bufs[o]),
                }
                if bufs[o].len() >= CHUNK {
                    if let Err(e) = flush(o, &mut bufs[o]) {
                        write_err = Some(e);
                    }
                }
            });
            match unit {
                Unit::Stdin => {
                    let stdin = io::stdin();
                    scan_to(
                        AlignedReader::with_capacity(1 << 18, stdin.lock()),
                        &names,
                        &opts,
                        &mut counters,
                        &mut emit,
                    )?
                }
                Unit::File(u) => {
                    let f = u.path.display().to_string();
                    let damage = match u.range {
                        None => scan_file_checked_to(&u.path, &names, &opts, &mut counters, &mut emit),
                        Some(range) => {
                            scan_file_range_checked_to(&u.path, range, &names, &opts, &mut counters, &mut emit)
                        }
                    }
                    .map_err(|e| io::Error::new(e.kind(), format!("{f}: {e}")))?;
                    if let Some(d) = damage {
                        report(&f, &d, &mut counters);
                    }
                }
            }
            if let Some(e) = write_err.take() {
                return Err(e);
            }
        }
        for (o, buf) in bufs.iter_mut().enumerate() {
            flush(o, buf)?;
        }
        if let Ok(mut t) = totals.lock() {
            t.merge(&counters);
        }
        Ok(())
    };
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..args.jobs.max(1)).map(|_| s.spawn(worker)).collect();
        for h in handles {
            let res = h.join().unwrap_or_else(|_| Err(io::Error::other("a worker panicked")));
            if let (Err(e), Ok(mut slot)) = (res, failed.lock()) {
                slot.get_or_insert(e);
            }
        }
    });
    if let Some(e) = failed.into_inner().ok().flatten() {
        return Err(e);
    }
    for o in &outs {
        if let Ok(mut w) = o.lock() {
            w.flush()?;
        }
    }
    Ok(totals.into_inner().unwrap_or_default())
}

/// Reducer mode (`--reducer NAME [--arg k=v]...`): Hive text rows on stdin, already grouped by the reducer's key
/// (`DISTRIBUTE BY key SORT BY key, sort columns`), reduced rows on stdout. Used by `SELECT TRANSFORM ... USING`.
/// Rows the reducer skips as unusable are counted on stderr, one `reporter:counter:edxc,<reason>,<n>` per reason.
fn run_reducer(argv: &[String]) -> ExitCode {
    let mut name = None;
    let mut args = std::collections::BTreeMap::new();
    let mut it = argv.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--reducer" => name = it.next().cloned(),
            "--arg" => match it.next().and_then(|kv| kv.split_once('=')) {
                Some((k, v)) => match edxc_map::natives::percent_decode(v) {
                    Some(v) => {
                        args.insert(k.to_string(), v);
                    }
                    None => {
                        eprintln!("edxc-map: --arg {k}: bad %XX escape in `{v}`");
                        return ExitCode::from(2);
                    }
                },
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
    match edxc_map::natives::stream_reducer_counted(&name, &args, stdin, stdout) {
        Ok((rows, skipped)) => {
            eprintln!("reporter:counter:edxc,reduced_{name},{rows}");
            for (reason, n) in skipped {
                eprintln!("reporter:counter:edxc,{reason},{n}");
            }
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
            // Zeros are left out: a Hadoop job has a counter limit (mapreduce.job.counters.max, 120 by default) that
            // every extractor's counters count against, and a counter never reported reads as 0 anyway.
            for (k, n) in counters.entries().into_iter().filter(|(_, n)| *n > 0) {
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
