//! The one-pass line scanner: splits lines without copying (only lines that straddle a buffer
//! boundary are copied), rejects non-candidate lines on raw bytes, decodes the rest once and feeds
//! every requested extractor.

use super::aligned::AlignedReader;
use super::event::{parse_line_event_indexed, parse_line_event_prebuilt, Event, LineError};
use super::extract::{self, DateSource, Drop, ExtractorDef, LineCtx, Prefilter, Sink};
use super::json::{Index, IndexedText};
use super::time::date_string;
use super::{Counters, ScanOptions};
use memchr::memmem;
use std::io::{self, BufRead, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The record callback of [`scan`] and [`scan_file`]: `(extractor_index, partition_date, fields)`.
pub type EmitFn<'e> = dyn FnMut(usize, &str, &[Option<&str>]) + 'e;

/// Where the scanner's records go. Any `FnMut(extractor_index, partition_date, fields)` closure is one.
pub trait Emit {
    /// One record of extractor `extractor` (its index in the scan's list): Hive-typed text fields, `None` = NULL.
    fn record(&mut self, extractor: usize, date: &str, fields: &[Option<&str>]);

    /// The same, where `fields[json.0]` is `json.1.text`, a slice of the decoded JSON text whose structural index
    /// is at hand. A Hive-text writer escapes it from the index instead of scanning it; others ignore the hint.
    fn record_json(&mut self, extractor: usize, date: &str, fields: &[Option<&str>], json: (usize, &IndexedText<'_>)) {
        let _ = json;
        self.record(extractor, date, fields);
    }
}

impl<F: FnMut(usize, &str, &[Option<&str>])> Emit for F {
    fn record(&mut self, extractor: usize, date: &str, fields: &[Option<&str>]) {
        self(extractor, date, fields)
    }
}

/// Lines longer than this are counted (`too_long`) and skipped without being buffered.
pub const MAX_LINE_BYTES: usize = 32 << 20;

struct Prepared {
    def: &'static ExtractorDef,
    finder: Option<memmem::Finder<'static>>,
    exact: bool,
    /// The raw-byte tests wait until the line is decoded and its event type is one of `def.event_types`.
    deferred: bool,
    /// The index of its needle in the scanner's gate, when there is a gate.
    gate: Option<usize>,
    emitted: u64,
}

/// Which gate needles a line holds (bit `k` for gate needle `k`), when the line was found through the gate: then its
/// needles need no second search.
#[derive(Clone, Copy)]
struct Present {
    bits: u64,
    /// The gate index of `\u00`, if it is in the gate.
    escape: Option<usize>,
}

struct Scanner<'o> {
    preps: Vec<Prepared>,
    opts: &'o ScanOptions,
    escape_finder: memmem::Finder<'static>,
    any_all: bool,
    candidates: Vec<bool>,
    /// Structural-index buffer, reused line after line.
    index: Index,
    /// Byte strings without which a line cannot be a candidate of any extractor: every distinct needle, plus `\u00`
    /// when a needle is not exact. Empty when some extractor takes every line. Searched over whole buffers, so the
    /// lines between two hits are skipped without a search of their own.
    gate: Vec<memmem::Finder<'static>>,
    /// Per gate needle, its next hit in the current buffer (the buffer's length when there is none).
    next_hit: Vec<usize>,
    /// The gate index of `\u00`.
    escape_gate: Option<usize>,
    /// Lines the gate skipped, and lines that held a hit: when most lines hit (`user_id` is in nearly every line),
    /// the gate only adds a search per line and is dropped.
    gated: (u64, u64),
}

fn resolve(extractors: &[&str]) -> io::Result<Vec<&'static ExtractorDef>> {
    if extractors.is_empty() {
        return Err(io::Error::new(io::ErrorKind::InvalidInput, "no extractor given"));
    }
    extractors
        .iter()
        .map(|name| {
            extract::find(name).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!("unknown extractor `{name}` (known: {})", super::extractor_names().join(", ")),
                )
            })
        })
        .collect()
}

/// Does the line contain a JSON `\u00XX` escape of an ASCII character (`\u0000`..`\u007f`)?
fn has_ascii_escape(finder: &memmem::Finder<'_>, line: &[u8]) -> bool {
    finder.find_iter(line).any(|i| matches!(line.get(i + 4), Some(b'0'..=b'7')))
}

impl<'o> Scanner<'o> {
    fn new(defs: Vec<&'static ExtractorDef>, opts: &'o ScanOptions) -> Self {
        let mut preps: Vec<Prepared> = defs
            .into_iter()
            .map(|def| {
                let (finder, exact) = match def.prefilter {
                    Prefilter::All => (None, true),
                    Prefilter::Needle { needle, exact } => (Some(memmem::Finder::new(needle.as_bytes())), exact),
                };
                Prepared { def, finder, exact, deferred: false, gate: None, emitted: 0 }
            })
            .collect();
        let any_all = preps.iter().any(|p| p.finder.is_none());
        // Every line is decoded anyway: test event types first, then bytes.
        for p in &mut preps {
            p.deferred = any_all && p.finder.is_some() && p.def.event_types.is_some();
        }
        let n = preps.len();
        let mut gate: Vec<memmem::Finder<'static>> = Vec::new();
        let mut gate_of = |f: &memmem::Finder<'static>| match gate.iter().position(|g| g.needle() == f.needle()) {
            Some(k) => k,
            None => {
                gate.push(f.clone());
                gate.len() - 1
            }
        };
        let mut escape_gate = None;
        // At most 64 gate needles (one bit each in `Present`); more extractors than that just go without a gate.
        if !any_all && preps.len() < 64 {
            for p in &mut preps {
                p.gate = p.finder.as_ref().map(&mut gate_of);
            }
            if preps.iter().any(|p| !p.exact) {
                escape_gate = Some(gate_of(&memmem::Finder::new(b"\\u00")));
            }
        }
        Scanner {
            preps,
            opts,
            escape_finder: memmem::Finder::new(b"\\u00"),
            any_all,
            candidates: vec![false; n],
            index: Index::new(),
            next_hit: vec![0; gate.len()],
            gate,
            escape_gate,
            gated: (0, 0),
        }
    }

    /// Every line of `buf`, which holds whole lines (each ending in `\n`). With a gate, only the lines holding a
    /// gate hit go through [`Scanner::line`]; the others are just counted.
    fn lines(&mut self, buf: &[u8], counters: &mut Counters, emit: &mut dyn Emit) {
        let mut pos = 0;
        if self.gate.is_empty() {
            // Nearly every line is decoded: index each while finding its end.
            let mut fetched = 0usize;
            while pos < buf.len() {
                // Ask for the bytes a few lines ahead while this one is decoded: the hardware prefetcher stops at page
                // boundaries, and a mapped page-cache page is not in any CPU cache.
                let ahead = (pos + PREFETCH_AHEAD).min(buf.len());
                while fetched < ahead {
                    prefetch(buf, fetched);
                    fetched += 64;
                }
                let n = self.index.build_line(&buf[pos..]);
                self.line(&buf[pos..pos + n], None, true, counters, emit);
                pos += n + 1;
            }
            return;
        }
        let len = buf.len();
        for (next, f) in self.next_hit.iter_mut().zip(&self.gate) {
            *next = f.find(buf).unwrap_or(len);
        }
        while pos < len {
            let mut hit = len;
            for (next, f) in self.next_hit.iter_mut().zip(&self.gate) {
                if *next < pos {
                    *next = f.find(&buf[pos..]).map_or(len, |i| pos + i);
                }
                hit = hit.min(*next);
            }
            // The lines that end before the hit hold no gate needle; the hit's line starts after the last of them.
            let mut start = pos;
            for nl in memchr::memchr_iter(b'\n', &buf[pos..hit]) {
                self.gated.0 += 1;
                counters.lines += 1;
                count_skipped(&buf[start..pos + nl], counters);
                start = pos + nl + 1;
            }
            if hit >= len {
                break;
            }
            let end = memchr::memchr(b'\n', &buf[hit..]).map_or(len, |i| hit + i);
            self.gated.1 += 1;
            let bits = self.next_hit.iter().enumerate().fold(0u64, |b, (k, &at)| b | u64::from(at < end) << k);
            self.line(&buf[start..end], Some(Present { bits, escape: self.escape_gate }), false, counters, emit);
            pos = end + 1;
        }
        let (skipped, hits) = self.gated;
        if skipped + hits >= 1024 && hits >= skipped {
            self.gate.clear();
            for p in &mut self.preps {
                p.gate = None;
            }
        }
    }

    /// One line; `indexed` says that `self.index` was built over it already.
    #[inline]
    fn line(
        &mut self,
        line: &[u8],
        present: Option<Present>,
        indexed: bool,
        counters: &mut Counters,
        emit: &mut dyn Emit,
    ) {
        counters.lines += 1;
        // Candidate selection on raw bytes.
        let mut any = self.any_all;
        // No `\u00` at all: no ASCII escape either.
        let mut escape: Option<bool> =
            present.and_then(|pr| pr.escape.filter(|&k| pr.bits >> k & 1 == 0)).map(|_| false);
        for (i, p) in self.preps.iter().enumerate() {
            let c = p.deferred || raw_candidate(p, line, present, self.any_all, &self.escape_finder, &mut escape);
            self.candidates[i] = c;
            any |= c;
        }
        if !any {
            count_skipped(line, counters);
            return;
        }
        let parsed = if indexed {
            parse_line_event_prebuilt(line, &self.index)
        } else {
            parse_line_event_indexed(line, &mut self.index)
        };
        let ev = match parsed {
            Ok(ev) => ev,
            Err(LineError::BadJson) => {
                counters.bad_json += 1;
                return;
            }
            Err(LineError::BadUtf8) => {
                counters.bad_utf8 += 1;
                return;
            }
        };
        let time = ev.time();
        let time_date = time.as_deref().map(date_string);
        let (mut no_time, mut filtered, mut no_course, mut dropped) = (false, false, false, false);
        for (idx, p) in self.preps.iter_mut().enumerate() {
            if !self.candidates[idx] {
                continue;
            }
            let received;
            let date = match p.def.date_source {
                DateSource::Time => time_date,
                DateSource::ReceivedAtThenTime => {
                    received = received_at_date(&ev);
                    match &received {
                        Some(r) => r.as_deref(),
                        None => time_date,
                    }
                }
            };
            let Some(date) = date else {
                no_time = true;
                continue;
            };
            if let Some((a, b)) = &self.opts.interval {
                if date < a.as_str() || date >= b.as_str() {
                    filtered = true;
                    continue;
                }
            }
            if p.deferred && !deferred_candidate(p, &ev, line, &self.escape_finder) {
                continue;
            }
            let ctx = LineCtx { line, date, ccx: self.opts.ccx_enabled };
            let mut sink = Sink { emitted: 0, dropped: None, out: &mut *emit, extractor: idx, date };
            (p.def.run)(&ev, &ctx, &mut sink);
            p.emitted += sink.emitted;
            match sink.dropped {
                Some(Drop::NoCourseId) => no_course = true,
                Some(Drop::Other) => dropped = true,
                None => {}
            }
        }
        counters.no_time += u64::from(no_time);
        counters.filtered += u64::from(filtered);
        counters.no_course_id += u64::from(no_course);
        counters.dropped += u64::from(dropped);
    }

    fn finish(&self, counters: &mut Counters) {
        for p in &self.preps {
            counters.add_emitted(p.def.name, p.emitted);
        }
    }
}

/// The raw-byte prefilter of one extractor on one line. `escape` memoises [`has_ascii_escape`] across the extractors
/// of the line; `decoded_anyway` says that another extractor takes every line, so a non-exact needle is moot.
#[inline(always)]
fn raw_candidate(
    p: &Prepared,
    line: &[u8],
    present: Option<Present>,
    decoded_anyway: bool,
    escape_finder: &memmem::Finder<'_>,
    escape: &mut Option<bool>,
) -> bool {
    let mut has_escape = || *escape.get_or_insert_with(|| has_ascii_escape(escape_finder, line));
    let needle = match &p.finder {
        None => true,
        Some(_) if decoded_anyway && !p.exact => true,
        Some(f) => {
            let found = match (present, p.gate) {
                (Some(pr), Some(k)) => pr.bits >> k & 1 != 0,
                _ => f.find(line).is_some(),
            };
            found || (!p.exact && has_escape())
        }
    };
    needle && p.def.quick_check.is_none_or(|q| q(line) || has_escape())
}

/// The prefilter of a deferred extractor, on a decoded line: its event type first, then the raw-byte tests.
///
/// An event type without escapes stands in the line as it is: when it holds the needle, the needle is in the line, and
/// the quick check (a shortcut only) has nothing left to rule out, so the line is not searched.
fn deferred_candidate(p: &Prepared, ev: &Event<'_>, line: &[u8], escape_finder: &memmem::Finder<'_>) -> bool {
    match (p.def.event_types, ev.event_type()) {
        (Some(types), Some(t)) => {
            if !types.contains(&&*t) {
                return false;
            }
            let holds_needle = |f: &memmem::Finder<'_>| f.find(t.as_bytes()).is_some();
            if matches!(t, std::borrow::Cow::Borrowed(_)) && p.finder.as_ref().is_some_and(holds_needle) {
                return true;
            }
        }
        (None, _) => {}
        (Some(_), None) => return false,
    }
    raw_candidate(p, line, None, true, escape_finder, &mut None)
}

/// `event['context']['received_at']` for the export date: `None` when the key path is absent
/// (fall back to `time`), `Some(None)` when present but unusable (the event is dropped),
/// `Some(Some(date))` otherwise.
fn received_at_date<'a>(ev: &Event<'a>) -> Option<Option<std::borrow::Cow<'a, str>>> {
    let ctx = ev.context();
    let v = match ctx {
        Some(c) => c.get("received_at")?,
        None => {
            // context missing → KeyError → `time`; context present but not a dict → crash → drop.
            return ev.obj.get("context").map(|_| None);
        }
    };
    match v {
        super::json::PyVal::Str(s) if !s.is_empty() => Some(Some(match s {
            std::borrow::Cow::Borrowed(b) => std::borrow::Cow::Borrowed(date_string(b)),
            std::borrow::Cow::Owned(o) => std::borrow::Cow::Owned(date_string(&o).to_string()),
        })),
        _ => Some(None),
    }
}

fn scan_reader<R: BufRead>(
    mut reader: R,
    scanner: &mut Scanner<'_>,
    counters: &mut Counters,
    emit: &mut dyn Emit,
    damaged: &dyn Fn() -> bool,
) -> io::Result<()> {
    let mut spill: Vec<u8> = Vec::new();
    let mut overlong = false;
    loop {
        let buf = match reader.fill_buf() {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        if buf.is_empty() {
            break;
        }
        let len = buf.len();
        let mut start = 0;
        if !spill.is_empty() || overlong {
            match memchr::memchr(b'\n', buf) {
                Some(nl) => {
                    if overlong {
                        overlong = false;
                        counters.lines += 1;
                        counters.too_long += 1;
                    } else if spill.len() + nl > MAX_LINE_BYTES {
                        spill.clear();
                        counters.lines += 1;
                        counters.too_long += 1;
                    } else {
                        spill.extend_from_slice(&buf[..nl]);
                        scanner.line(&spill, None, false, counters, emit);
                        spill.clear();
                    }
                    start = nl + 1;
                }
                None => {
                    if !overlong {
                        if spill.len() + len > MAX_LINE_BYTES {
                            overlong = true;
                            spill = Vec::new();
                        } else {
                            spill.extend_from_slice(buf);
                        }
                    }
                    reader.consume(len);
                    continue;
                }
            }
        }
        let rest = &buf[start..];
        let whole = memchr::memrchr(b'\n', rest).map_or(0, |i| i + 1);
        scanner.lines(&rest[..whole], counters, emit);
        let tail = &rest[whole..];
        if tail.len() > MAX_LINE_BYTES {
            overlong = true;
        } else {
            spill.extend_from_slice(tail);
        }
        reader.consume(len);
    }
    if overlong {
        counters.lines += 1;
        counters.too_long += 1;
    } else if !spill.is_empty() && !damaged() {
        // A last line without a newline.
        scanner.line(&spill, None, false, counters, emit);
    }
    Ok(())
}

/// One pass over `reader` (already decompressed lines) feeding every extractor in `extractors`.
/// `emit(extractor_index, partition_date, fields)` is called once per output record; fields are
/// Hive-typed text, `None` = NULL.
pub fn scan<R: BufRead>(
    reader: R,
    extractors: &[&str],
    opts: &ScanOptions,
    counters: &mut Counters,
    emit: &mut EmitFn<'_>,
) -> io::Result<()> {
    scan_to(reader, extractors, opts, counters, &mut |i: usize, d: &str, f: &[Option<&str>]| emit(i, d, f))
}

/// [`scan`] into an [`Emit`], which may take the index hint of [`Emit::record_json`].
pub fn scan_to<R: BufRead>(
    reader: R,
    extractors: &[&str],
    opts: &ScanOptions,
    counters: &mut Counters,
    emit: &mut dyn Emit,
) -> io::Result<()> {
    let defs = resolve(extractors)?;
    let mut scanner = Scanner::new(defs, opts);
    let r = scan_reader(reader, &mut scanner, counters, emit, &|| false);
    scanner.finish(counters);
    r
}

/// Why an input file could not be read to its end. The complete lines read before the damage were scanned (and their
/// records emitted); a partial last line was not.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FileDamage {
    /// A `.gz` file whose gzip stream ends early or is corrupt (bad CRC, bad deflate data, garbage after a member).
    TruncatedGzip {
        /// Bytes of the file the decoder had read when the damage was found (it reads ahead, so the damage lies
        /// at or before this offset).
        compressed_bytes: u64,
        /// Decompressed bytes delivered before the damage.
        decompressed_bytes: u64,
        /// The decoder's message.
        error: String,
    },
    /// A `.gz` file that does not start with the gzip magic bytes `1f 8b`.
    NotGzip {
        /// Its first bytes (up to two).
        head: Vec<u8>,
    },
    /// A `.gz` file of zero bytes.
    EmptyGzip,
    /// A file that could not be opened or read (permission denied, a directory, an I/O error mid-file, a file that
    /// shrank while it was read).
    Unreadable {
        /// The I/O error's message.
        error: String,
    },
}

impl FileDamage {
    /// A stable snake_case name of the damage: `truncated_gzip`, `not_gzip`, `empty_gzip` or `unreadable`.
    pub fn kind(&self) -> &'static str {
        match self {
            FileDamage::TruncatedGzip { .. } => "truncated_gzip",
            FileDamage::NotGzip { .. } => "not_gzip",
            FileDamage::EmptyGzip => "empty_gzip",
            FileDamage::Unreadable { .. } => "unreadable",
        }
    }
}

impl std::fmt::Display for FileDamage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileDamage::TruncatedGzip { compressed_bytes, decompressed_bytes, error } => write!(
                f,
                "truncated or corrupt gzip stream ({error}) after reading {compressed_bytes} compressed bytes \
                 ({decompressed_bytes} bytes decompressed)"
            ),
            FileDamage::NotGzip { head } => {
                let hex: Vec<String> = head.iter().map(|b| format!("{b:02x}")).collect();
                write!(f, "not a gzip file (starts with bytes {}, not 1f 8b)", hex.join(" "))
            }
            FileDamage::EmptyGzip => write!(f, "empty .gz file (0 bytes)"),
            FileDamage::Unreadable { error } => write!(f, "unreadable: {error}"),
        }
    }
}

/// What reading a gzip file found, shared by the readers of its pipeline (possibly on the inflate thread) and the
/// scanner's end-of-input test.
#[derive(Default)]
struct GzState {
    /// Bytes read from the file so far.
    compressed: AtomicU64,
    /// Decompressed bytes delivered so far.
    decompressed: AtomicU64,
    /// An I/O error of the file itself (as opposed to a decoding error).
    file_error: Mutex<Option<String>>,
    /// The decoder's error, once it failed.
    decode_error: Mutex<Option<String>>,
}

impl GzState {
    fn damaged(&self) -> bool {
        self.decode_error.lock().map_or(true, |e| e.is_some())
    }

    fn decode_error(&self) -> Option<String> {
        self.decode_error.lock().map_or_else(|_| Some("the gzip reader failed".to_string()), |e| e.clone())
    }

    fn file_error(&self) -> Option<String> {
        self.file_error.lock().map_or(None, |e| e.clone())
    }
}

/// The compressed side: counts the file's bytes and remembers its own I/O errors, so that a read error is not taken
/// for gzip damage.
struct FileTap<R> {
    inner: R,
    state: Arc<GzState>,
}

impl<R: Read> Read for FileTap<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.state.compressed.fetch_add(n as u64, Ordering::Relaxed);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    if let Ok(mut slot) = self.state.file_error.lock() {
                        slot.get_or_insert_with(|| e.to_string());
                    }
                    return Err(e);
                }
            }
        }
    }
}

/// A reader that turns a decoder error into end-of-input and remembers it.
struct DamageGuard<R> {
    inner: R,
    state: Arc<GzState>,
}

impl<R: Read> Read for DamageGuard<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.state.damaged() {
            return Ok(0);
        }
        loop {
            match self.inner.read(buf) {
                Ok(n) => {
                    self.state.decompressed.fetch_add(n as u64, Ordering::Relaxed);
                    return Ok(n);
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    if let Ok(mut slot) = self.state.decode_error.lock() {
                        *slot = Some(e.to_string());
                    }
                    return Ok(0);
                }
            }
        }
    }
}

/// How the scan of one file ended.
enum Outcome {
    Complete,
    Damaged(FileDamage),
    /// The file could not be opened, or a plain file failed to read: [`scan_file`] returns this error, as it always
    /// has; [`scan_file_checked`] reports it as [`FileDamage::Unreadable`].
    Failed(io::Error),
}

/// Reads up to `buf.len()` bytes, fewer only at end of input.
fn read_full(file: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match file.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A `.gz` file, transparently gunzipped (multi-member).
fn scan_gz(
    mut file: std::fs::File,
    scanner: &mut Scanner<'_>,
    counters: &mut Counters,
    emit: &mut dyn Emit,
) -> Outcome {
    let mut head = [0u8; 2];
    let n = match read_full(&mut file, &mut head) {
        Ok(n) => n,
        Err(e) => return Outcome::Damaged(FileDamage::Unreadable { error: e.to_string() }),
    };
    match &head[..n] {
        [] => return Outcome::Damaged(FileDamage::EmptyGzip),
        [0x1f, 0x8b] => {}
        [0x1f] => {
            return Outcome::Damaged(FileDamage::TruncatedGzip {
                compressed_bytes: 1,
                decompressed_bytes: 0,
                error: "the gzip header is cut short".to_string(),
            })
        }
        other => return Outcome::Damaged(FileDamage::NotGzip { head: other.to_vec() }),
    }
    let state = Arc::new(GzState::default());
    // The two bytes read already go first; the tap counts them with the rest.
    let tap = FileTap { inner: io::Cursor::new(head).chain(file), state: Arc::clone(&state) };
    let dec = flate2::read::MultiGzDecoder::new(AlignedReader::with_capacity(1 << 16, tap));
    let guard = DamageGuard { inner: dec, state: Arc::clone(&state) };
    let s2 = Arc::clone(&state);
    let r = if scanner.opts.inflate_thread {
        let ahead = ReadAhead::spawn(guard);
        scan_reader(AlignedReader::with_capacity(1 << 18, ahead), scanner, counters, emit, &move || s2.damaged())
    } else {
        scan_reader(AlignedReader::with_capacity(1 << 18, guard), scanner, counters, emit, &move || s2.damaged())
    };
    if let Err(e) = r {
        // The guard turns every error of the decoder into end-of-input; this one is the scanner's own reader.
        return Outcome::Damaged(FileDamage::Unreadable { error: e.to_string() });
    }
    if let Some(error) = state.file_error() {
        return Outcome::Damaged(FileDamage::Unreadable { error });
    }
    match state.decode_error() {
        Some(error) => Outcome::Damaged(FileDamage::TruncatedGzip {
            compressed_bytes: state.compressed.load(Ordering::Relaxed),
            decompressed_bytes: state.decompressed.load(Ordering::Relaxed),
            error,
        }),
        None => Outcome::Complete,
    }
}

/// A reader whose bytes another thread reads from `inner`, a few chunks ahead (gunzip overlapped with parsing).
/// The thread stops at the end of `inner`, on its error (which ends the input here too), or when this is dropped.
struct ReadAhead {
    chunks: std::sync::mpsc::Receiver<Vec<u8>>,
    spent: std::sync::mpsc::SyncSender<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
}

impl ReadAhead {
    const CHUNK: usize = 1 << 20;

    fn spawn<R: Read + Send + 'static>(mut inner: R) -> Self {
        let (tx, chunks) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let (spent, reuse) = std::sync::mpsc::sync_channel::<Vec<u8>>(4);
        std::thread::spawn(move || loop {
            let mut buf = reuse.try_recv().unwrap_or_default();
            buf.resize(Self::CHUNK, 0);
            // `inner` (the damage guard) turns every error into end of input.
            let n = read_full(&mut inner, &mut buf).unwrap_or(0);
            buf.truncate(n);
            if n == 0 || tx.send(buf).is_err() {
                return;
            }
        });
        Self { chunks, spent, current: Vec::new(), at: 0 }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at == self.current.len() {
            let Ok(next) = self.chunks.recv() else { return Ok(0) };
            let _ = self.spent.try_send(std::mem::replace(&mut self.current, next));
            self.at = 0;
        }
        let n = buf.len().min(self.current.len() - self.at);
        buf[..n].copy_from_slice(&self.current[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// One file: `.gz` gunzipped (unless `range` is given: a byte range is always of a plain file), others plain.
fn scan_path(
    path: &Path,
    range: Option<(u64, u64)>,
    scanner: &mut Scanner<'_>,
    counters: &mut Counters,
    emit: &mut dyn Emit,
) -> Outcome {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => return Outcome::Failed(e),
    };
    if range.is_none() && path.extension().is_some_and(|e| e == "gz") {
        return scan_gz(file, scanner, counters, emit);
    }
    let reader = match plain_reader(file, range) {
        Ok(r) => r,
        Err(e) => return Outcome::Failed(e),
    };
    match scan_reader(reader, scanner, counters, emit, &|| false) {
        Ok(()) => Outcome::Complete,
        Err(e) => Outcome::Failed(e),
    }
}

/// Counts a damaged file (`damaged_files`, and `truncated_gzip` for gzip damage).
fn count_damage(damage: &FileDamage, counters: &mut Counters) {
    counters.damaged_files += 1;
    if matches!(damage, FileDamage::TruncatedGzip { .. }) {
        counters.truncated_gzip += 1;
    }
}

/// Opens a file, transparently gunzipping `.gz` (multi-member); a damaged `.gz` (truncated or corrupt, not gzip,
/// empty) is counted (`damaged_files`, and `truncated_gzip` when truncated or corrupt) and the complete lines read
/// before the damage are kept. A file that cannot be opened, or a plain file that fails to read, is an `Err` (the
/// lines before a read error were scanned). [`scan_file_checked`] reports all of these instead.
pub fn scan_file(
    path: &Path,
    extractors: &[&str],
    opts: &ScanOptions,
    counters: &mut Counters,
    emit: &mut EmitFn<'_>,
) -> io::Result<()> {
    scan_file_to(path, extractors, opts, counters, &mut |i: usize, d: &str, f: &[Option<&str>]| emit(i, d, f))
}

/// [`scan_file`] into an [`Emit`].
pub fn scan_file_to(
    path: &Path,
    extractors: &[&str],
    opts: &ScanOptions,
    counters: &mut Counters,
    emit: &mut dyn Emit,
) -> io::Result<()> {
    let defs = resolve(extractors)?;
    let mut scanner = Scanner::new(defs, opts);
    let outcome = scan_path(path, None, &mut scanner, counters, emit);
    scanner.finish(counters);
    match outcome {
        Outcome::Complete => Ok(()),
        Outcome::Damaged(d) => {
            count_damage(&d, counters);
            Ok(())
        }
        Outcome::Failed(e) => Err(e),
    }
}

/// [`scan_file`] that never fails on the file itself: `Ok(None)` when the file was read to its end,
/// `Ok(Some(damage))` when it was damaged or unreadable. Then the complete lines before the damage were scanned and
/// their records emitted, and the damage is counted (`damaged_files`; `truncated_gzip` too for a truncated or corrupt
/// gzip stream). `Err` only for the caller's mistakes (no extractor, an unknown one).
pub fn scan_file_checked(
    path: &Path,
    extractors: &[&str],
    opts: &ScanOptions,
    counters: &mut Counters,
    emit: &mut EmitFn<'_>,
) -> io::Result<Option<FileDamage>> {
    scan_file_checked_to(path, extractors, opts, counters, &mut |i: usize, d: &str, f: &[Option<&str>]| emit(i, d, f))
}

/// [`scan_file_checked`] into an [`Emit`].
pub fn scan_file_checked_to(
    path: &Path,
    extractors: &[&str],
    opts: &ScanOptions,
    counters: &mut Counters,
    emit: &mut dyn Emit,
) -> io::Result<Option<FileDamage>> {
    scan_checked(path, None, extractors, opts, counters, emit)
}

/// [`scan_file_checked_to`] over the lines starting in the bytes `start..end` of a plain (uncompressed) file, whatever
/// its name: the unit of work of `edxc-map --jobs` on a large file.
pub fn scan_file_range_checked_to(
    path: &Path,
    (start, end): (u64, u64),
    extractors: &[&str],
    opts: &ScanOptions,
    counters: &mut Counters,
    emit: &mut dyn Emit,
) -> io::Result<Option<FileDamage>> {
    scan_checked(path, Some((start, end)), extractors, opts, counters, emit)
}

fn scan_checked(
    path: &Path,
    range: Option<(u64, u64)>,
    extractors: &[&str],
    opts: &ScanOptions,
    counters: &mut Counters,
    emit: &mut dyn Emit,
) -> io::Result<Option<FileDamage>> {
    let defs = resolve(extractors)?;
    let mut scanner = Scanner::new(defs, opts);
    let outcome = scan_path(path, range, &mut scanner, counters, emit);
    scanner.finish(counters);
    let damage = match outcome {
        Outcome::Complete => return Ok(None),
        Outcome::Damaged(d) => d,
        Outcome::Failed(e) => FileDamage::Unreadable { error: e.to_string() },
    };
    count_damage(&damage, counters);
    Ok(Some(damage))
}

/// A plain (uncompressed) file, whole or its bytes `range.0..range.1`: memory-mapped where it can be (a regular file on
/// Linux), read into a page-aligned buffer otherwise (pipes, `/proc` and sysfs files).
pub fn plain_reader(file: std::fs::File, range: Option<(u64, u64)>) -> io::Result<Box<dyn BufRead>> {
    #[cfg(target_os = "linux")]
    let file = {
        use super::mapped::MappedReader;
        let mapped = match range {
            Some((a, b)) => MappedReader::range(file, a, b),
            None => MappedReader::open(file),
        };
        match mapped {
            Ok(mapped) => return Ok(Box::new(mapped)),
            Err(file) => file,
        }
    };
    Ok(match range {
        Some((a, b)) => {
            use std::io::{Seek, SeekFrom};
            let mut file = file;
            file.seek(SeekFrom::Start(a))?;
            Box::new(AlignedReader::with_capacity(1 << 18, file.take(b.saturating_sub(a))))
        }
        None => Box::new(AlignedReader::with_capacity(1 << 18, file)),
    })
}

/// How far ahead of the line being decoded [`prefetch`] reads.
const PREFETCH_AHEAD: usize = 4096;

/// A hint to load the cache line holding `buf[at]` (a no-op past the end, or off x86_64).
#[inline(always)]
fn prefetch(buf: &[u8], at: usize) {
    #[cfg(target_arch = "x86_64")]
    if let Some(b) = buf.get(at) {
        // SAFETY: a prefetch has no architectural effect; the address is that of a byte of `buf`.
        unsafe { std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(std::ptr::from_ref(b).cast()) };
    }
}

/// Counts a line no extractor takes. It is not parsed, but a line that cannot hold a JSON object (blank, truncated,
/// garbage) is still counted as bad, so a flood of garbage trips the bad-record threshold on a pre-filtered pass too.
fn count_skipped(line: &[u8], counters: &mut Counters) {
    if looks_like_object(line) {
        counters.prefiltered += 1;
    } else {
        counters.bad_json += 1;
    }
}

/// Cheap shape test for lines the pre-filter skips: some `{` before a final `}` (trailing whitespace allowed).
fn looks_like_object(line: &[u8]) -> bool {
    let end = line.iter().rposition(|b| !b.is_ascii_whitespace());
    match end {
        Some(e) if line[e] == b'}' => memchr::memchr(b'{', &line[..e]).is_some(),
        _ => false,
    }
}

#[cfg(test)]
mod shape_tests {
    use super::looks_like_object;

    #[test]
    fn object_shape() {
        assert!(looks_like_object(b"{\"a\": 1}"));
        assert!(looks_like_object(b"Jun  1 host tracking: {\"a\": 1}  \r"));
        assert!(!looks_like_object(b""));
        assert!(!looks_like_object(b"   "));
        assert!(!looks_like_object(b"{\"truncated\": "));
        assert!(!looks_like_object(b"garbage"));
        assert!(!looks_like_object(b"}"));
    }
}

#[cfg(test)]
mod gate_tests {
    use super::*;

    type Outcome = (Vec<String>, Vec<(String, u64)>);

    /// Records and counters of one scan through `cap`-byte reads, with the gate or with every line tested alone.
    fn run(data: &[u8], names: &[&str], gate: bool, cap: usize) -> Outcome {
        run_reader(AlignedReader::with_capacity(cap, data), names, gate)
    }

    fn run_reader<R: BufRead>(reader: R, names: &[&str], gate: bool) -> Outcome {
        let opts = ScanOptions::default();
        let mut sc = Scanner::new(resolve(names).expect("known extractors"), &opts);
        if !gate {
            sc.gate.clear();
            for p in &mut sc.preps {
                p.gate = None;
            }
        }
        let mut counters = Counters::default();
        let mut out = Vec::new();
        let mut emit = |i: usize, d: &str, f: &[Option<&str>]| out.push(format!("{i} {d} {f:?}"));
        scan_reader(reader, &mut sc, &mut counters, &mut emit, &|| false).expect("readable");
        sc.finish(&mut counters);
        (out, counters.entries())
    }

    /// Five fixture logs (with video, enrollment, problem_check and tags events) plus blank, garbage and escaped-needle
    /// lines, the last one without a newline.
    fn mixed_log() -> Vec<u8> {
        let logs: [&[u8]; 5] = [
            include_bytes!("../../tests/fixtures/mapper/answer_dist_acceptance_tracking.log"),
            include_bytes!("../../tests/fixtures/mapper/user_activity_tracking.log"),
            include_bytes!("../../tests/fixtures/mapper/video_timeline.log"),
            include_bytes!("../../tests/fixtures/mapper/enrollment_trends_tracking.log"),
            include_bytes!("../../tests/fixtures/mapper/tags_dist_acceptance_tracking.log"),
        ];
        let mut data = Vec::new();
        for log in logs {
            data.extend(log);
            data.push(b'\n');
        }
        let t =
            r#""time": "2014-06-01T00:00:01+00:00", "context": {"course_id": "edX/DemoX/Demo_Course", "user_id": 7}"#;
        for extra in [
            String::new(),
            "   ".into(),
            "garbage".into(),
            format!(r#"{{"event_type": "edx\u002ecourse.enrollment.activated", "event": {{"user_id": 7}}, {t}}}"#),
            format!(r#"{{"event_type": "play\u005fvideo", "event": "{{\"id\": \"x\"}}", {t}}}"#),
            format!(r#"{{"event_type": "problem\u005fcheck", "username": "\u00e9", {t}}}"#),
            format!(r#"{{"event_type": "seq_goto", "username": "u", {t}}}"#),
        ] {
            data.extend(extra.as_bytes());
            data.push(b'\n');
        }
        data.extend(br#"{"event_type": "play_video", "no": "newline at the end"}"#);
        data
    }

    /// Skipping the lines between gate hits gives the records and counters of testing every line, over
    /// [`mixed_log`] with small and large reads, for selective needles (the gate stays) and for `user_id` (in nearly every line:
    /// the gate is dropped part-way).
    #[test]
    fn gate_changes_nothing() {
        let data = mixed_log();
        let sets: &[&[&str]] = &[
            &["video"],
            &["enrollment"],
            &["user_activity"],
            &["problem_check", "tags"],
            &["enrollment", "video", "location"],
        ];
        for names in sets {
            for cap in [4096, 1 << 18] {
                let gated = run(&data, names, true, cap);
                assert!(!gated.0.is_empty(), "{names:?}");
                assert_eq!(gated, run(&data, names, false, cap), "{names:?} cap {cap}");
            }
        }
    }

    /// A file read through memory-mapped windows, lines straddling their edges, gives what reading it gives.
    #[cfg(target_os = "linux")]
    #[test]
    fn mapped_windows_change_nothing() {
        use super::super::mapped::MappedReader;
        use std::io::Write;
        let data = mixed_log();
        assert!(data.len() > 3 * 4096, "the log spans several windows");
        let mut file = tempfile::tempfile().expect("temp file");
        file.write_all(&data).expect("write");
        let sets: &[&[&str]] = &[&["video"], &["user_activity", "event_export", "enrollment", "tags"]];
        for names in sets {
            let read = run(&data, names, true, 1 << 18);
            assert!(!read.0.is_empty(), "{names:?}");
            for window in [4096, 3 * 4096, 1 << 20] {
                let file = file.try_clone().expect("dup");
                let mapped = MappedReader::with_window(file, 0, data.len() as u64, window).expect("a regular file");
                assert_eq!(run_reader(mapped, names, true), read, "{names:?} window {window}");
            }
        }
    }
}
