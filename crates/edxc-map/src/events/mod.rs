//! Tracking-log parsing, course ids and per-workflow extractors, shared by `edxc-map` and the
//! embedded engine. Semantics: `docs/contract.md` §1 (parsing) and §3 (extractors).
//!
//! Entry points: [`scan`] (one pass over decompressed lines feeding several extractors),
//! [`scan_file`] (plain or `.gz` file; [`scan_file_checked`] reports a damaged or unreadable file as a
//! [`FileDamage`] instead of failing), [`extractor_names`] / [`extractor_columns`] (schemas for
//! the compiler) and [`hive_escape`] (Hive text encoding of one field).

use json::IndexedText;
use std::mem::MaybeUninit;

pub mod aligned;
mod bytes;
pub mod course_id;
#[cfg(target_arch = "x86_64")]
mod escape_expand;
pub mod event;
pub mod extract;
pub mod json;
#[cfg(target_os = "linux")]
pub mod mapped;
#[cfg(target_arch = "x86_64")]
mod record_copy;
pub mod time;

mod scanner;

pub use scanner::{
    plain_reader, scan, scan_file, scan_file_checked, scan_file_checked_to, scan_file_range_checked_to, scan_file_to,
    scan_to, Emit, EmitFn, FileDamage, MAX_LINE_BYTES,
};

/// One output column of an extractor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ColumnSpec {
    pub name: &'static str,
    /// One of: string, int, bigint, tinyint, float, double, date, timestamp, boolean.
    pub hive_type: &'static str,
}

/// Names of every extractor, in a stable order.
pub fn extractor_names() -> &'static [&'static str] {
    static NAMES: std::sync::OnceLock<Vec<&'static str>> = std::sync::OnceLock::new();
    NAMES.get_or_init(|| extract::EXTRACTORS.iter().map(|d| d.name).collect())
}

/// Output columns of an extractor, in order, without the partition date.
pub fn extractor_columns(name: &str) -> Option<&'static [ColumnSpec]> {
    extract::find(name).map(|d| d.columns)
}

/// Options of a scan.
#[derive(Debug, Clone, Default)]
pub struct ScanOptions {
    /// Half-open `[a, b)` interval of ISO dates (`YYYY-MM-DD`), compared as strings with the
    /// event date (§1.3).
    pub interval: Option<(String, String)>,
    /// Accept `ccx-v1:` course keys (`[ccx] enabled`).
    pub ccx_enabled: bool,
    /// Gunzip `.gz` files on a thread of their own, a chunk ahead of the parser: worth it when a core would
    /// otherwise be idle (fewer files than workers).
    pub inflate_thread: bool,
}

/// Counters of a scan (reported as `reporter:counter:edxc,<name>,<n>`).
#[derive(Default, Debug, Clone)]
pub struct Counters {
    /// Lines read (including blank and bad ones).
    pub lines: u64,
    /// Lines skipped by the raw-byte prefilter of every requested extractor (never decoded).
    pub prefiltered: u64,
    /// Decoded lines that were not a JSON object (after the syslog-prefix fallback).
    pub bad_json: u64,
    /// Lines whose JSON text is not valid UTF-8.
    pub bad_utf8: u64,
    /// Lines longer than [`MAX_LINE_BYTES`] (skipped).
    pub too_long: u64,
    /// Events without a usable `time` (missing, empty or not a string).
    pub no_time: u64,
    /// Events outside `--interval`.
    pub filtered: u64,
    /// Events dropped by an extractor for want of a valid course id.
    pub no_course_id: u64,
    /// Events dropped by an extractor for another missing/invalid field.
    pub dropped: u64,
    /// Gzip inputs that ended early or were corrupt (the lines before the damage are kept).
    pub truncated_gzip: u64,
    /// Input files that could not be read to their end, whatever the reason ([`FileDamage`]): truncated or corrupt
    /// gzip (also counted in `truncated_gzip`), a `.gz` that is not gzip or is empty, an unreadable file.
    pub damaged_files: u64,
    /// Records emitted, per extractor name.
    pub emitted: Vec<(String, u64)>,
}

impl Counters {
    /// Every counter as `(name, value)`; emitted counters are named `emitted_<extractor>`.
    pub fn entries(&self) -> Vec<(String, u64)> {
        let mut v: Vec<(String, u64)> = [
            ("lines", self.lines),
            ("prefiltered", self.prefiltered),
            ("bad_json", self.bad_json),
            ("bad_utf8", self.bad_utf8),
            ("too_long", self.too_long),
            ("no_time", self.no_time),
            ("filtered", self.filtered),
            ("no_course_id", self.no_course_id),
            ("dropped", self.dropped),
            ("truncated_gzip", self.truncated_gzip),
            ("damaged_files", self.damaged_files),
        ]
        .iter()
        .map(|(k, n)| (k.to_string(), *n))
        .collect();
        for (name, n) in &self.emitted {
            v.push((format!("emitted_{name}"), *n));
        }
        v
    }

    pub fn merge(&mut self, other: &Counters) {
        self.lines += other.lines;
        self.prefiltered += other.prefiltered;
        self.bad_json += other.bad_json;
        self.bad_utf8 += other.bad_utf8;
        self.too_long += other.too_long;
        self.no_time += other.no_time;
        self.filtered += other.filtered;
        self.no_course_id += other.no_course_id;
        self.dropped += other.dropped;
        self.truncated_gzip += other.truncated_gzip;
        self.damaged_files += other.damaged_files;
        for (name, n) in &other.emitted {
            self.add_emitted(name, *n);
        }
    }

    /// Lines that could not be read as events (bad JSON, bad UTF-8, too long), plus one per damaged file (whose
    /// unread rest is unknown). `truncated_gzip` is not added: those files are among `damaged_files`.
    pub fn bad_records(&self) -> u64 {
        self.bad_json + self.bad_utf8 + self.too_long + self.damaged_files
    }

    pub fn lines(&self) -> u64 {
        self.lines
    }

    /// Records emitted by one extractor.
    pub fn emitted(&self, extractor: &str) -> u64 {
        self.emitted.iter().find(|(k, _)| k == extractor).map_or(0, |(_, n)| *n)
    }

    pub(crate) fn add_emitted(&mut self, name: &str, n: u64) {
        match self.emitted.iter_mut().find(|(k, _)| k == name) {
            Some((_, m)) => *m += n,
            None => self.emitted.push((name.to_string(), n)),
        }
    }
}

/// Appends the Hive text encoding of one (non-NULL) field, as Hive's LazySimpleSerDe writes it with `escape.delim`
/// `\` and `serialization.escape.crlf`: `\` → `\\`, TAB → `\` + TAB, LF → `\n`, CR → `\r`. NULL is written as
/// `\N` by the caller. (Not `\t` for TAB: Hive reads that back as a plain `t`.)
pub fn hive_escape(value: &str, out: &mut String) {
    // SAFETY: escaping puts ASCII bytes before, or in place of, ASCII bytes only: UTF-8 stays UTF-8, and every
    // byte `hive_escape_bytes` appends is initialised.
    hive_escape_bytes(value.as_bytes(), unsafe { out.as_mut_vec() });
}

/// [`hive_escape`] into a byte buffer.
pub fn hive_escape_bytes(value: &[u8], out: &mut Vec<u8>) {
    let base = out.len();
    // Worst case every byte doubles.
    let room = 2 * value.len();
    out.reserve(room);
    let n = escape_into(&mut out.spare_capacity_mut()[..room], value);
    // SAFETY: `escape_into` initialised `dst[..n]`, i.e. the `n` bytes after `base`.
    unsafe { out.set_len(base + n) };
}

#[inline(always)]
fn escaped(b: u8) -> u8 {
    match b {
        b'\n' => b'n',
        b'\r' => b'r',
        other => other,
    }
}

/// Writes the Hive text encoding of `value` at the start of `dst` (at least `2 * value.len()` long) and returns its
/// length; every byte of `dst[..returned]` is initialised.
///
/// This is the output hot path (every field of every record). Short values (most fields) are handled inline with
/// two overlapping word loads and stores; longer ones by [`escape_long`].
#[inline(always)]
fn escape_into(dst: &mut [MaybeUninit<u8>], value: &[u8]) -> usize {
    let n = value.len();
    if n >= 16 {
        // Up to 32 bytes (timestamps, most user names): two overlapping blocks, when clean.
        if let (true, Some(a), Some(b)) = (n <= 32, value.first_chunk::<16>(), value.last_chunk::<16>()) {
            if escape_mask16(a) | escape_mask16(b) == 0 {
                dst[..16].write_copy_of_slice(a);
                dst[n - 16..n].write_copy_of_slice(b);
                return n;
            }
        }
        // Up to 64 bytes (course ids, IP addresses with ports, short URLs): four overlapping blocks, when clean.
        if let (true, Some(a), Some(b)) = (n > 32 && n <= 64, value.first_chunk::<32>(), value.last_chunk::<32>()) {
            let (a0, a1) = a.split_at(16);
            let (b0, b1) = b.split_at(16);
            if let (Ok(a0), Ok(a1), Ok(b0), Ok(b1)) = (
                <&[u8; 16]>::try_from(a0),
                <&[u8; 16]>::try_from(a1),
                <&[u8; 16]>::try_from(b0),
                <&[u8; 16]>::try_from(b1),
            ) {
                if escape_mask16(a0) | escape_mask16(a1) | escape_mask16(b0) | escape_mask16(b1) == 0 {
                    dst[..32].write_copy_of_slice(a);
                    dst[n - 32..n].write_copy_of_slice(b);
                    return n;
                }
            }
        }
        return escape_long(dst, value);
    }
    let clean = if let (Some(a), Some(b)) = (value.first_chunk::<8>(), value.last_chunk::<8>()) {
        swar_special(u64::from_le_bytes(*a)) | swar_special(u64::from_le_bytes(*b)) == 0 && {
            dst[..8].write_copy_of_slice(a);
            dst[n - 8..n].write_copy_of_slice(b);
            true
        }
    } else if let (Some(a), Some(b)) = (value.first_chunk::<4>(), value.last_chunk::<4>()) {
        swar_special(u64::from(u32::from_le_bytes(*a)) | u64::from(u32::from_le_bytes(*b)) << 32) == 0 && {
            dst[..4].write_copy_of_slice(a);
            dst[n - 4..n].write_copy_of_slice(b);
            true
        }
    } else {
        false
    };
    if clean {
        n
    } else {
        escape_bytewise(dst, value)
    }
}

/// The general case, byte by byte (short values that need escaping, and the tails of long ones).
#[inline(never)]
fn escape_bytewise(dst: &mut [MaybeUninit<u8>], value: &[u8]) -> usize {
    let mut o = 0;
    for &b in value {
        if matches!(b, b'\\' | b'\t' | b'\n' | b'\r') {
            dst[o].write(b'\\');
            dst[o + 1].write(escaped(b));
            o += 2;
        } else {
            dst[o].write(b);
            o += 1;
        }
    }
    o
}

/// Values of 16 bytes or more: each step stores a whole block unconditionally and then fixes up the first special
/// byte in it, if any, so there is one fixed-size copy per 16 (or 32) clean bytes or per escape and no
/// variable-length copy. A block store at output offset `o` for input offset `i` stays inside the value's
/// `2 * len` budget because `o <= 2 * i` and `i + 16 <= len`.
#[inline(never)]
fn escape_long(dst: &mut [MaybeUninit<u8>], value: &[u8]) -> usize {
    #[cfg(target_arch = "x86_64")]
    if escape_expand::available() {
        // SAFETY: the CPU supports what `available` checks.
        if let Some(n) = unsafe { escape_expand::escape::<false>(dst, value) } {
            return n;
        }
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx512bw") {
        // SAFETY: the CPU supports AVX-512BW (and so AVX2), checked just above.
        return unsafe { escape_long_avx512(dst, value) };
    }
    #[cfg(target_arch = "x86_64")]
    if std::arch::is_x86_feature_detected!("avx2") {
        // SAFETY: the CPU supports AVX2, checked just above.
        return unsafe { escape_long_avx2(dst, value) };
    }
    escape_long_with::<Sse2Mask>(dst, value)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,bmi1")]
unsafe fn escape_long_avx2(dst: &mut [MaybeUninit<u8>], value: &[u8]) -> usize {
    escape_long_with::<Avx2Mask>(dst, value)
}

/// 64-byte steps while they remain, then the AVX2 tail.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512bw,avx2,bmi1")]
unsafe fn escape_long_avx512(dst: &mut [MaybeUninit<u8>], value: &[u8]) -> usize {
    let (mut i, mut o) = (0usize, 0usize);
    while escape_step::<64, Avx512Mask>(dst, value, &mut i, &mut o) {}
    o + escape_long_with::<Avx2Mask>(&mut dst[o..], value.get(i..).unwrap_or_default())
}

#[inline(always)]
fn escape_long_with<M: WindowMask<32>>(dst: &mut [MaybeUninit<u8>], value: &[u8]) -> usize {
    let (mut i, mut o) = (0usize, 0usize);
    // 32 bytes per step while they remain, then 16.
    while escape_step::<32, M>(dst, value, &mut i, &mut o) {}
    while escape_step::<16, Sse2Mask>(dst, value, &mut i, &mut o) {}
    let rest = value.get(i..).unwrap_or_default();
    o + escape_into(&mut dst[o..], rest)
}

/// One step of [`escape_long`] over the `N`-byte window at input offset `i` (`N` is 16, 32 or 64): stores the
/// window at output offset `o`, then escapes its first special byte, if any. `false` when fewer than `N` bytes
/// remain.
#[inline(always)]
fn escape_step<const N: usize, M: WindowMask<N>>(
    dst: &mut [MaybeUninit<u8>],
    value: &[u8],
    i: &mut usize,
    o: &mut usize,
) -> bool {
    let Some(window) = value.get(*i..).and_then(|rest| rest.first_chunk::<N>()) else {
        return false;
    };
    dst[*o..*o + N].write_copy_of_slice(window);
    let m = M::mask(window);
    if m == 0 {
        *i += N;
        *o += N;
        return true;
    }
    let j = m.trailing_zeros() as usize;
    dst[*o + j].write(b'\\');
    dst[*o + j + 1].write(escaped(window[j]));
    *i += j + 1;
    *o += j + 2;
    true
}

/// The Hive-special bytes (`\\`, TAB, LF, CR) of an `N`-byte window, one implementation per instruction set. Called
/// directly (static dispatch, `#[inline(always)]`) so that the intrinsics inline into the target-feature callers.
trait WindowMask<const N: usize> {
    fn mask(w: &[u8; N]) -> u64;
}

struct Sse2Mask;

impl WindowMask<16> for Sse2Mask {
    #[inline(always)]
    fn mask(w: &[u8; 16]) -> u64 {
        u64::from(escape_mask16(w))
    }
}

impl WindowMask<32> for Sse2Mask {
    #[inline(always)]
    fn mask(w: &[u8; 32]) -> u64 {
        let (Some(lo), Some(hi)) = (w.first_chunk::<16>(), w.last_chunk::<16>()) else {
            return 0;
        };
        u64::from(escape_mask16(lo) | escape_mask16(hi) << 16)
    }
}

/// Only used from `escape_long_avx2` / `escape_long_avx512`, compiled with AVX2.
#[cfg(target_arch = "x86_64")]
struct Avx2Mask;

#[cfg(target_arch = "x86_64")]
impl WindowMask<32> for Avx2Mask {
    #[inline(always)]
    fn mask(w: &[u8; 32]) -> u64 {
        use std::arch::x86_64::*;
        // SAFETY: only reached after AVX2 was detected; the load reads the 32 bytes of `w`.
        unsafe {
            let v = _mm256_loadu_si256(w.as_ptr().cast::<__m256i>());
            let eq = |c: u8| _mm256_cmpeq_epi8(v, _mm256_set1_epi8(c as i8));
            let hits = _mm256_or_si256(_mm256_or_si256(eq(b'\\'), eq(b'\t')), _mm256_or_si256(eq(b'\n'), eq(b'\r')));
            u64::from(_mm256_movemask_epi8(hits) as u32)
        }
    }
}

/// Only used from `escape_long_avx512`, compiled with AVX-512BW.
#[cfg(target_arch = "x86_64")]
struct Avx512Mask;

#[cfg(target_arch = "x86_64")]
impl WindowMask<64> for Avx512Mask {
    #[inline(always)]
    fn mask(w: &[u8; 64]) -> u64 {
        use std::arch::x86_64::*;
        // SAFETY: only reached from `escape_long_avx512`, after AVX-512BW was detected; the load reads the 64 bytes
        // of `w`.
        unsafe {
            let v = _mm512_loadu_si512(w.as_ptr().cast());
            let eq = |c: u8| _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(c as i8));
            eq(b'\\') | eq(b'\t') | eq(b'\n') | eq(b'\r')
        }
    }
}

/// Zero when no byte of `x` is `\\`, TAB, LF or CR (SWAR). It may also be non-zero for the other bytes below CR
/// (`\0`..`\x0c`), which no field is expected to hold: its callers then take the exact byte-by-byte path, so one
/// "below 14" test stands for three equality tests.
#[inline(always)]
fn swar_special(x: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_14 = x.wrapping_sub(ONES * 14) & !x & HIGH;
    let q = x ^ (ONES * u64::from(b'\\'));
    below_14 | (q.wrapping_sub(ONES) & !q & HIGH)
}

/// Bit i set when `block[i]` is `\\`, TAB, LF or CR (portable fallback).
#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn escape_mask16(block: &[u8; 16]) -> u32 {
    block.iter().enumerate().fold(0, |m, (i, b)| m | (u32::from(matches!(b, b'\\' | b'\t' | b'\n' | b'\r')) << i))
}

/// Bit i set when `block[i]` is `\\`, TAB, LF or CR.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn escape_mask16(block: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8};
    // SAFETY: SSE2 is part of the x86_64 baseline; the unaligned load reads exactly the 16 bytes of `block`.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
        let a =
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8)), _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\t' as i8)));
        let b =
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\n' as i8)), _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\r' as i8)));
        _mm_movemask_epi8(_mm_or_si128(a, b)) as u32
    }
}

/// [`hive_line`] into a byte buffer, with an optional leading tag column.
pub fn hive_line_bytes(tag: Option<&str>, fields: &[Option<&str>], extra: &[&str], out: &mut Vec<u8>) {
    hive_record_bytes(tag, fields, None, extra, out)
}

/// [`hive_line_bytes`] where `fields[json.0]` is `json.1.text`, escaped from its structural index.
pub fn hive_line_bytes_json(
    tag: Option<&str>,
    fields: &[Option<&str>],
    json: (usize, &IndexedText<'_>),
    extra: &[&str],
    out: &mut Vec<u8>,
) {
    hive_record_bytes(tag, fields, Some(json), extra, out)
}

/// The Hive text encoding of an indexed JSON text. Unless the text has a control byte, only its backslashes are
/// escaped, and the index has their positions: the text is copied in 32-byte stores, each escape ending one (a
/// browser event's payload has an escaped quote every few bytes, too short a run to pay for a `memcpy` call).
/// A store at output offset `o` for input offset `i` stays inside the `2 * len` budget: `o <= 2 * i` and
/// `i + 32 <= len`.
fn escape_indexed(dst: &mut [MaybeUninit<u8>], json: &IndexedText<'_>) -> usize {
    let b = json.text.as_bytes();
    if json.may_have_ctrl() {
        return escape_into(dst, b);
    }
    #[cfg(target_arch = "x86_64")]
    if escape_expand::available() {
        // SAFETY: the CPU supports what `available` checks; the text has no control byte, so no TAB, LF or CR.
        if let Some(n) = unsafe { escape_expand::escape::<true>(dst, b) } {
            return n;
        }
    }
    let mut slashes = json.backslashes();
    let mut next = slashes.next().unwrap_or(usize::MAX);
    let (mut i, mut o) = (0, 0);
    loop {
        // A long clean run (most of a server event, the rest of a line after its payload): one copy.
        let run_end = next.min(b.len());
        if run_end - i >= 64 {
            dst[o..o + run_end - i].write_copy_of_slice(&b[i..run_end]);
            o += run_end - i;
            i = run_end;
        }
        let Some(block) = b.get(i..).and_then(|rest| rest.first_chunk::<32>()) else { break };
        dst[o..o + 32].write_copy_of_slice(block);
        if next < i + 32 {
            // Keep the block up to and including the backslash, then double it.
            o += next + 1 - i;
            i = next + 1;
            dst[o].write(b'\\');
            o += 1;
            next = slashes.next().unwrap_or(usize::MAX);
        } else {
            i += 32;
            o += 32;
        }
    }
    // Fewer than 32 bytes left, without control bytes: escaping them scans for backslashes only.
    o + escape_into(&mut dst[o..], &b[i..])
}

/// One field and its separator at `dst[*o..]`.
#[inline(always)]
fn put_field(dst: &mut [MaybeUninit<u8>], o: &mut usize, v: Option<&str>) {
    match v {
        Some(v) => *o += escape_into(&mut dst[*o..], v.as_bytes()),
        None => {
            dst[*o..*o + 2].write_copy_of_slice(b"\\N");
            *o += 2;
        }
    }
    dst[*o].write(b'\t');
    *o += 1;
}

#[inline(always)]
fn hive_record_bytes(
    tag: Option<&str>,
    fields: &[Option<&str>],
    json: Option<(usize, &IndexedText<'_>)>,
    extra: &[&str],
    out: &mut Vec<u8>,
) {
    // One reservation per record: every value may double, plus a separator (or `\N`) per column, plus 64 bytes for
    // the whole-register stores of the copying writer.
    let width = |v: Option<&str>| v.map_or(2, |v| 2 * v.len()) + 1;
    let room = tag.map_or(0, |t| width(Some(t)))
        + fields.iter().map(|f| width(*f)).sum::<usize>()
        + extra.iter().map(|e| width(Some(*e))).sum::<usize>()
        + 65;
    out.reserve(room);
    let base = out.len();
    let dst = &mut out.spare_capacity_mut()[..room];
    #[cfg(target_arch = "x86_64")]
    if json.is_none() && record_copy::available() {
        // SAFETY: the CPU supports what `available` checks.
        if let Some(n) = unsafe { record_copy::record(dst, tag, fields, extra) } {
            // SAFETY: `record` wrote every byte of `dst[..n]`.
            unsafe { out.set_len(base + n) };
            return;
        }
    }
    let mut o = 0;
    if let Some(t) = tag {
        put_field(dst, &mut o, Some(t));
    }
    for (k, f) in fields.iter().enumerate() {
        match (json, f) {
            (Some((at, j)), Some(_)) if at == k => {
                o += escape_indexed(&mut dst[o..], j);
                dst[o].write(b'\t');
                o += 1;
            }
            _ => put_field(dst, &mut o, *f),
        }
    }
    for e in extra {
        put_field(dst, &mut o, Some(e));
    }
    // The last separator becomes the line end (a record without columns is an empty line).
    if o == 0 {
        o = 1;
    }
    dst[o - 1].write(b'\n');
    // SAFETY: every byte of `dst[..o]` was written above, so `base + o` bytes of `out` are initialised.
    unsafe { out.set_len(base + o) };
}

/// Appends one record as a Hive text line: fields (NULL → `\N`) then `extra` trailing columns,
/// TAB-separated, LF-terminated.
pub fn hive_line(fields: &[Option<&str>], extra: &[&str], out: &mut String) {
    let mut first = true;
    for f in fields.iter().copied().chain(extra.iter().map(|s| Some(*s))) {
        if !first {
            out.push('\t');
        }
        first = false;
        match f {
            Some(v) => hive_escape(v, out),
            None => out.push_str("\\N"),
        }
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape() {
        let mut s = String::new();
        hive_escape("a\tb\\c\nd\re", &mut s);
        assert_eq!(s, "a\\\tb\\\\c\\nd\\re");
        let long = "a\\b\tc\nd\re0123456789\\\\\\\\\\\\\\\\\\\\\\\\\\xxxxxxxx\r\n\t\\é€\u{1f600}";
        for v in ["", "plain", "\r\r\\\r", "x\ry\tz\r", "\\\\", long, &long[1..], &long[3..]] {
            let mut fast = String::new();
            hive_escape(v, &mut fast);
            let slow: String = v
                .chars()
                .map(|c| match c {
                    '\\' => "\\\\".to_string(),
                    '\t' => "\\\t".to_string(),
                    '\n' => "\\n".to_string(),
                    '\r' => "\\r".to_string(),
                    c => c.to_string(),
                })
                .collect();
            assert_eq!(fast, slow, "{v:?}");
            let mut b = Vec::new();
            hive_escape_bytes(v.as_bytes(), &mut b);
            assert_eq!(b, slow.as_bytes());
        }
        // Every length up to 69 (past the 64-byte inline case), with each special byte at every position, appended
        // after existing output (the block and word stores must not disturb what is already there).
        for len in 0..70usize {
            for pos in 0..len.max(1) {
                // The other low control bytes and the neighbours of `\\` are kept as they are.
                for special in [b'\\', b'\t', b'\n', b'\r', b'x', 0, 0x0b, 0x0c, 0x0e, b'[', b']'] {
                    let mut v: Vec<u8> = (0..len).map(|k| b'a' + (k % 26) as u8).collect();
                    if let Some(c) = v.get_mut(pos) {
                        *c = special;
                    }
                    let mut slow = b"prefix".to_vec();
                    for &c in &v {
                        match c {
                            b'\\' => slow.extend_from_slice(b"\\\\"),
                            b'\t' => slow.extend_from_slice(b"\\\t"),
                            b'\n' => slow.extend_from_slice(b"\\n"),
                            b'\r' => slow.extend_from_slice(b"\\r"),
                            c => slow.push(c),
                        }
                    }
                    let mut b = b"prefix".to_vec();
                    hive_escape_bytes(&v, &mut b);
                    assert_eq!(b, slow, "len {len} pos {pos} byte {special}");
                }
            }
        }
        // Whole records: the byte encoder agrees with the String one, with and without a tag column.
        let vals = ["", "a", "ab\tc", "0123456789abcdef", "x\\y\nz\r0123456789012345678901234567890123", "é€😀\t"];
        for k in 0..vals.len() {
            let fields: Vec<Option<&str>> =
                (0..k + 1).map(|i| if i % 3 == 2 { None } else { Some(vals[(i + k) % vals.len()]) }).collect();
            let mut text = String::new();
            hive_line(&fields, &[vals[k]], &mut text);
            let mut bytes = b"previous record\n".to_vec();
            hive_line_bytes(None, &fields, &[vals[k]], &mut bytes);
            assert_eq!(&bytes[16..], text.as_bytes());
            let mut tagged = Vec::new();
            hive_line_bytes(Some("tag\t"), &fields, &[vals[k]], &mut tagged);
            assert_eq!(tagged, [b"tag\\\t\t".as_slice(), text.as_bytes()].concat());
        }
        let mut empty = Vec::new();
        hive_line_bytes(None, &[], &[], &mut empty);
        assert_eq!(empty, b"\n");
        let mut s = String::new();
        hive_line(&[Some("x"), None, Some("\\N")], &["2014-01-01"], &mut s);
        assert_eq!(s, "x\t\\N\t\\\\N\t2014-01-01\n");
    }

    /// The SSE2, AVX2, expanding (AVX-512 VBMI2) and dispatched long-value encoders agree.
    #[test]
    fn long_escape_variants_agree() {
        fn run(v: &[u8], f: impl Fn(&mut [MaybeUninit<u8>], &[u8]) -> usize) -> Vec<u8> {
            let mut dst = vec![MaybeUninit::new(0u8); 2 * v.len()];
            let n = f(&mut dst, v);
            // SAFETY: MaybeUninit<u8> and u8 have the same layout; every byte was initialised above.
            dst[..n].iter().map(|b| unsafe { b.assume_init() }).collect()
        }
        for len in 16..140usize {
            for stride in [1usize, 2, 3, 17, 40, 200] {
                let v: Vec<u8> = (0..len)
                    .map(|k| match (k * 7 + stride) % stride.max(2) {
                        0 => [b'\\', b'\t', b'\n', b'\r'][k % 4],
                        _ => b'a' + (k % 26) as u8,
                    })
                    .collect();
                let sse2 = run(&v, escape_long_with::<Sse2Mask>);
                assert_eq!(sse2, run(&v, escape_long), "len {len} stride {stride}");
                #[cfg(target_arch = "x86_64")]
                if std::arch::is_x86_feature_detected!("avx2") {
                    // SAFETY: AVX2 was detected just above.
                    assert_eq!(sse2, run(&v, |d, v| unsafe { escape_long_avx2(d, v) }), "len {len} stride {stride}");
                }
                #[cfg(target_arch = "x86_64")]
                if escape_expand::available() {
                    // SAFETY: the CPU supports what `available` checks.
                    let expand = |d: &mut [MaybeUninit<u8>], v: &[u8]| unsafe { escape_expand::escape::<false>(d, v) };
                    assert_eq!(sse2, run(&v, |d, v| expand(d, v).unwrap_or(0)), "len {len} stride {stride}");
                    // Without TAB, LF and CR, the backslash-only variant agrees too.
                    let slashes: Vec<u8> = v.iter().map(|&c| if c < b' ' { b'\\' } else { c }).collect();
                    let only = |d: &mut [MaybeUninit<u8>], v: &[u8]| unsafe { escape_expand::escape::<true>(d, v) };
                    assert_eq!(run(&slashes, escape_long), run(&slashes, |d, v| only(d, v).unwrap_or(0)), "len {len}");
                }
            }
        }
    }

    /// A JSON field escaped from its structural index encodes exactly as the scanned field: backslash runs across
    /// 64-byte words, raw TAB/CR/LF between tokens (the index then says "control byte", and the field is scanned),
    /// non-ASCII text, and a slice that starts and ends inside the indexed text.
    #[test]
    fn indexed_json_field_encodes_like_a_scanned_one() {
        let mut lines: Vec<String> = vec![
            r#"{"a": "b"}"#.into(),
            r#"{"event": "{\"id\":\"x\",\"t\":1}", "k": "\\\\", "u": "\u00e9"}"#.into(),
            "{\"a\":\t\"tab between tokens\",\r\n \"b\": \"\\\\\"}".into(),
            r#"{"é": "ü€😀 \" \\ \/"}"#.into(),
        ];
        for pad in 0..70 {
            let run = "\\\\".repeat(pad % 5 + 1);
            lines.push(format!(r#"{{"p": "{}", "q": "{run}x\"{run}", "r": [1, "\\"]}}"#, "y".repeat(pad)));
        }
        let mut ix = json::Index::new();
        for line in &lines {
            let ev = event::parse_line_event_indexed(line.as_bytes(), &mut ix).expect("valid JSON");
            for (from, to) in [(0, ev.text.len()), (1, ev.text.len() - 1), (2, ev.text.len() / 2)] {
                let Some(sub) = ev.text.get(from..to) else { continue };
                let json = ev.obj.indexed_text(sub).expect("inside the indexed text");
                let fields = [Some("course"), Some(sub), None];
                let (mut scanned, mut indexed) = (b"before\n".to_vec(), b"before\n".to_vec());
                hive_line_bytes(Some("tag"), &fields, &["2014-01-01"], &mut scanned);
                hive_line_bytes_json(Some("tag"), &fields, (1, &json), &["2014-01-01"], &mut indexed);
                assert_eq!(String::from_utf8_lossy(&indexed), String::from_utf8_lossy(&scanned), "{line}");
            }
        }
    }

    #[test]
    fn names_and_columns() {
        assert!(extractor_names().contains(&"enrollment"));
        let c = extractor_columns("enrollment").unwrap();
        assert_eq!(c[1], ColumnSpec { name: "user_id", hive_type: "int" });
        assert!(extractor_columns("nope").is_none());
        let allowed = ["string", "int", "bigint", "tinyint", "float", "double", "date", "timestamp", "boolean"];
        for n in extractor_names() {
            for c in extractor_columns(n).unwrap() {
                assert!(allowed.contains(&c.hive_type), "{n}.{}", c.name);
            }
        }
    }
}
