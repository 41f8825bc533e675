//! Lenient, borrowed JSON access used by the tracking-log parser.
//!
//! A JSON object is decoded into a flat list of `(key, raw value)` pairs ([`RawObj`]): a strict,
//! non-recursive validating scanner (RFC 8259 grammar: no NaN/Infinity, no control characters in
//! strings, no trailing data) checks the whole text once; values stay as borrowed slices of the
//! input and are interpreted only when an extractor asks for them ([`PyVal`]). Duplicate keys
//! resolve like a Python `dict` built from the text: the last occurrence wins. Nesting depth is
//! unbounded and costs no stack.

use std::borrow::Cow;

#[cfg(target_arch = "x86_64")]
mod compress;
mod grammar;
mod index;
mod walk;

pub use index::{Backslashes, Index};

/// A decoded JSON object: keys (unescaped) with their raw, still-encoded values.
#[derive(Debug, Default, Clone)]
pub struct RawObj<'a> {
    pub entries: Vec<(Cow<'a, str>, &'a str)>,
    /// The index of the text the object was parsed from, so nested objects are parsed by bitmap too.
    ix: Option<IndexRef<'a>>,
}

/// The members of a decoded object.
type Entries<'a> = Vec<(Cow<'a, str>, &'a str)>;

thread_local! {
    /// Emptied member lists of dropped objects, reused by the next ones: three or four objects are decoded per line
    /// (the event, its context, its payload), and their allocations cost more than walking the members.
    static POOL: std::cell::RefCell<Vec<Entries<'static>>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// An empty member list, from the pool when it has one.
fn new_entries<'a>() -> Entries<'a> {
    POOL.with_borrow_mut(Vec::pop).map_or_else(|| Vec::with_capacity(24), relabel)
}

/// The allocation of a list, emptied, under another lifetime.
fn relabel<'a, 'b>(mut v: Entries<'a>) -> Entries<'b> {
    v.clear();
    let mut v = std::mem::ManuallyDrop::new(v);
    // SAFETY: the element types differ only in lifetimes (same layout); the list is empty, and its allocation and
    // capacity pass whole to the new one, which is their only owner.
    unsafe { Vec::from_raw_parts(v.as_mut_ptr().cast(), 0, v.capacity()) }
}

impl Drop for RawObj<'_> {
    fn drop(&mut self) {
        let v = std::mem::take(&mut self.entries);
        if v.capacity() != 0 && v.capacity() <= 256 {
            let v = relabel(v);
            POOL.with_borrow_mut(|p| {
                if p.len() < 16 {
                    p.push(v);
                }
            });
        }
    }
}

/// A structural index with the address of the text it describes: a value slice of that text finds its bits by offset.
#[derive(Debug, Clone, Copy)]
struct IndexRef<'a> {
    ix: &'a Index,
    base: usize,
}

impl<'a> IndexRef<'a> {
    /// A walk over `sub` by the index, when `sub` lies inside the indexed text.
    fn walk(self, sub: &'a str) -> Option<walk::Walk<'a>> {
        let off = (sub.as_ptr() as usize).checked_sub(self.base)?;
        walk::Walk::new(sub, self.ix, off)
    }
}

/// A slice of an indexed JSON text that parsed as valid JSON, carrying the index: its backslashes are known without
/// scanning its bytes (so `event_export` can Hive-escape a whole event line from the bitmap).
#[derive(Debug, Clone, Copy)]
pub struct IndexedText<'a> {
    pub text: &'a str,
    ix: &'a Index,
    off: usize,
}

impl<'a> IndexedText<'a> {
    /// Whether the whole indexed text (not just this slice) has a byte below 0x20; when it has none, a backslash is
    /// the only byte of the slice that Hive text encoding changes.
    pub fn may_have_ctrl(&self) -> bool {
        self.ix.has_ctrl()
    }

    /// The positions of the backslashes of the slice, relative to its start, in order.
    pub fn backslashes(&self) -> impl Iterator<Item = usize> + '_ {
        self.ix.backslashes(self.off, self.off + self.text.len()).map(move |i| i - self.off)
    }
}

impl<'a> RawObj<'a> {
    /// `sub` with the index of the text this object was parsed from, when there is one and `sub` lies inside it.
    pub fn indexed_text(&self, sub: &'a str) -> Option<IndexedText<'a>> {
        let r = self.ix?;
        let off = (sub.as_ptr() as usize).checked_sub(r.base)?;
        (off + sub.len() <= r.ix.len()).then_some(IndexedText { text: sub, ix: r.ix, off })
    }

    /// The raw value of `key` (last occurrence wins, as in a Python dict).
    pub fn get_raw(&self, key: &str) -> Option<&'a str> {
        self.entries.iter().rev().find(|(k, _)| k == key).map(|(_, v)| *v)
    }

    /// The interpreted value of `key`; `None` when the key is absent.
    pub fn get(&self, key: &str) -> Option<PyVal<'a>> {
        self.get_raw(key).map(value)
    }

    /// `key` as a string; `None` when absent or not a string.
    pub fn get_str(&self, key: &str) -> Option<Cow<'a, str>> {
        match self.get(key) {
            Some(PyVal::Str(s)) => Some(s),
            _ => None,
        }
    }

    /// `key` as a nested object; `None` when absent or not an object.
    pub fn get_obj(&self, key: &str) -> Option<RawObj<'a>> {
        let raw = self.get_raw(key)?;
        self.object_of(raw)
    }

    /// [`parse_object`] of one of this object's raw values (at any depth), by the index when there is one. `raw` must be
    /// a whole value slice of the parsed text (as `get_raw` / `PyVal::Dict` give): the index's string boundaries are
    /// only right at value boundaries, hence crate-private.
    pub(crate) fn object_of(&self, raw: &'a str) -> Option<RawObj<'a>> {
        match self.ix.and_then(|ix| ix.walk(raw)) {
            Some(w) => w.top(None).ok().flatten().map(|(o, _)| o),
            None => parse_object(raw),
        }
    }

    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}

/// Result of decoding a whole line.
pub enum Top<'a> {
    Object(RawObj<'a>),
    /// Valid JSON, but not an object (list, string, number, ...).
    NotObject,
}

/// Decodes a complete JSON text. `Err(())` when it is not valid JSON (including trailing data).
#[allow(clippy::result_unit_err)]
pub fn parse_top(text: &str) -> Result<Top<'_>, ()> {
    top(Scan { b: text.as_bytes(), i: 0 }, text)
}

fn top<'t>(mut sc: Scan<'t>, text: &'t str) -> Result<Top<'t>, ()> {
    sc.ws();
    let top = if sc.peek() == Some(b'{') {
        Top::Object(sc.object(text)?)
    } else {
        sc.value()?;
        Top::NotObject
    };
    sc.ws();
    if sc.i != sc.b.len() {
        return Err(());
    }
    Ok(top)
}

/// Strings crossed by scanning their bytes.
struct Bytes;

impl grammar::Strings for Bytes {
    #[inline(always)]
    fn skip(&mut self, b: &[u8], i: usize) -> Result<usize, ()> {
        let mut sc = Scan { b, i };
        sc.string()?;
        Ok(sc.i)
    }
}

/// The byte-by-byte parser, for texts without an index (decoded payloads, syslog-prefixed lines); [`walk::Walk`] is
/// the same grammar over an index.
struct Scan<'b> {
    b: &'b [u8],
    i: usize,
}

/// Closers of open containers: a small inline stack, spilling to the heap when deep.
struct Stack {
    inline: [u8; 64],
    len: usize,
    spill: Vec<u8>,
}

impl Stack {
    fn new() -> Self {
        Stack { inline: [0; 64], len: 0, spill: Vec::new() }
    }
    #[inline]
    fn push(&mut self, c: u8) {
        if self.len < self.inline.len() {
            self.inline[self.len] = c;
        } else {
            self.spill.push(c);
        }
        self.len += 1;
    }
    #[inline]
    fn top(&self) -> Option<u8> {
        match self.len {
            0 => None,
            n if n <= self.inline.len() => Some(self.inline[n - 1]),
            _ => self.spill.last().copied(),
        }
    }
    #[inline]
    fn pop(&mut self) {
        if self.len > self.inline.len() {
            self.spill.pop();
        }
        self.len = self.len.saturating_sub(1);
    }
}

impl<'b> Scan<'b> {
    #[inline]
    fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    #[inline]
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.b.get(self.i) {
            self.i += 1;
        }
    }

    #[inline]
    fn expect(&mut self, c: u8) -> Result<(), ()> {
        if self.peek() == Some(c) {
            self.i += 1;
            Ok(())
        } else {
            Err(())
        }
    }

    /// A string starting at `"`.
    #[inline]
    fn string(&mut self) -> Result<(), ()> {
        self.string_flag::<false>().map(|_| ())
    }

    /// A string starting at `"`, returning whether it holds an escape when `FLAG` is set.
    ///
    /// It is scanned in 16-byte blocks, every escape of a block handled from the same mask: a browser-event payload
    /// is a string with an escaped quote every few bytes, and restarting the search after each was the cost.
    #[inline]
    fn string_flag<const FLAG: bool>(&mut self) -> Result<bool, ()> {
        self.expect(b'"')?;
        let b = self.b;
        let mut escaped = false;
        let mut p = self.i;
        'blocks: while let Some(block) = b.get(p..).and_then(|rest| rest.first_chunk::<16>()) {
            let mut m = string_special_mask16(block);
            while m != 0 {
                let at = p + m.trailing_zeros() as usize;
                match b[at] {
                    b'"' => {
                        self.i = at + 1;
                        return Ok(escaped);
                    }
                    b'\\' => {
                        escaped = true;
                        let next = at + escape_len(b, at)?;
                        if next >= p + 16 {
                            p = next;
                            continue 'blocks;
                        }
                        m &= !0u32 << (next - p);
                    }
                    _ => return Err(()),
                }
            }
            p += 16;
        }
        // Fewer than 16 bytes left.
        let mut at = p;
        loop {
            match b.get(at) {
                Some(b'"') => {
                    self.i = at + 1;
                    return Ok(escaped);
                }
                Some(b'\\') => {
                    escaped = true;
                    at += escape_len(b, at)?;
                }
                Some(&c) if c >= 0x20 => at += 1,
                _ => return Err(()),
            }
        }
    }

    /// One value at the current position (any nesting depth), after whitespace.
    #[inline]
    fn value(&mut self) -> Result<(), ()> {
        self.ws();
        self.value_at()
    }

    /// [`Scan::value`] at a position where whitespace was already skipped.
    #[inline]
    fn value_at(&mut self) -> Result<(), ()> {
        self.i = grammar::value(self.b, self.i, &mut Bytes)?;
        Ok(())
    }

    /// A top-level object: members with raw value slices.
    fn object(&mut self, text: &'b str) -> Result<RawObj<'b>, ()> {
        self.object_capture(text, None).map(|(o, _)| o)
    }

    /// An object; when `capture` names a member whose (last) value is an object, that object's
    /// members are decoded in the same pass and returned too.
    fn object_capture(&mut self, text: &'b str, capture: Option<&str>) -> Result<(RawObj<'b>, Option<RawObj<'b>>), ()> {
        // Without an index, the object has none to pass on.
        let ix = None;
        self.expect(b'{')?;
        let mut entries = new_entries();
        let mut captured = None;
        self.ws();
        if self.peek() == Some(b'}') {
            self.i += 1;
            return Ok((RawObj { entries, ix }, captured));
        }
        loop {
            // Here at a key, whitespace skipped.
            let ks = self.i;
            let escaped = self.string_flag::<true>()?;
            let key = if escaped {
                unescape(ascii_bounded(text, ks, self.i)?).ok_or(())?
            } else {
                Cow::Borrowed(ascii_bounded(text, ks + 1, self.i - 1)?)
            };
            // `": "` is the common separator.
            if self.b.get(self.i..self.i + 2) == Some(b": ") {
                self.i += 2;
            } else {
                self.ws();
                self.expect(b':')?;
            }
            self.ws();
            let vs = self.i;
            if capture.is_some_and(|c| c == key) {
                if self.peek() == Some(b'{') {
                    captured = Some(self.object(text)?);
                } else {
                    captured = None;
                    self.value_at()?;
                }
            } else {
                self.value_at()?;
            }
            entries.push((key, ascii_bounded(text, vs, self.i)?));
            // `, ` is the common separator; whitespace before it is rare.
            if self.peek() != Some(b',') && self.peek() != Some(b'}') {
                self.ws();
            }
            match self.peek() {
                Some(b',') => {
                    self.i += 1;
                    self.ws();
                }
                Some(b'}') => {
                    self.i += 1;
                    return Ok((RawObj { entries, ix }, captured));
                }
                _ => return Err(()),
            }
        }
    }
}

/// `text[a..b]` where both ends are known to sit at (or just past) ASCII delimiters the scanner matched: quotes,
/// brackets, digits, literal letters. Such positions are always character boundaries, so only the range is checked.
#[inline(always)]
fn ascii_bounded(text: &str, a: usize, b: usize) -> Result<&str, ()> {
    if a > b || b > text.len() {
        return Err(());
    }
    debug_assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
    // SAFETY: `a <= b <= len` was checked; both are positions of, or right after, an ASCII byte of valid UTF-8
    // (the callers pass delimiter positions), hence character boundaries.
    Ok(unsafe { text.get_unchecked(a..b) })
}

/// Length of the escape sequence starting at the backslash `b[at]` (2, or 6 for `\uXXXX`); `Err` when malformed.
#[inline(always)]
fn escape_len(b: &[u8], at: usize) -> Result<usize, ()> {
    match b.get(at + 1) {
        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(2),
        Some(b'u') => match b.get(at + 2..at + 6) {
            Some(hex) if hex.iter().all(u8::is_ascii_hexdigit) => Ok(6),
            _ => Err(()),
        },
        _ => Err(()),
    }
}

/// Bit i set when `block[i]` is `"`, `\\` or a control byte (< 0x20): what ends or interrupts a JSON string.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn string_special_mask16(block: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_min_epu8, _mm_movemask_epi8, _mm_or_si128, _mm_set1_epi8,
    };
    // SAFETY: SSE2 is part of the x86_64 baseline; the unaligned load reads exactly the 16 bytes of `block`.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
        let hits = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8)), _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8))),
            // unsigned v <= 0x1f  <=>  min(v, 0x1f) == v
            _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v),
        );
        _mm_movemask_epi8(hits) as u32
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn string_special_mask16(block: &[u8; 16]) -> u32 {
    block.iter().enumerate().fold(0, |m, (i, &c)| m | (u32::from(c == b'"' || c == b'\\' || c < 0x20) << i))
}

/// Bit i set when `block[i]` is a backslash.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn backslash_mask16(block: &[u8; 16]) -> u32 {
    use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
    // SAFETY: SSE2 is part of the x86_64 baseline; the unaligned load reads exactly the 16 bytes of `block`.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
        _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8))) as u32
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn backslash_mask16(block: &[u8; 16]) -> u32 {
    block.iter().enumerate().fold(0, |m, (i, &c)| m | (u32::from(c == b'\\') << i))
}

/// A decoded event line: the top-level object and, decoded in the same pass, its `context`
/// member when that is an object.
pub type EventParts<'a> = (RawObj<'a>, Option<RawObj<'a>>);

/// Like [`parse_top`], decoding the `context` member in the same pass. `Ok(None)`: valid JSON
/// that is not an object.
#[allow(clippy::result_unit_err)]
pub fn parse_event_top(text: &str) -> Result<Option<EventParts<'_>>, ()> {
    event_top(Scan { b: text.as_bytes(), i: 0 }, text)
}

/// [`parse_event_top`] with the structural index of `text` ([`Index::build`] of exactly these bytes).
#[allow(clippy::result_unit_err)]
pub fn parse_event_top_indexed<'t>(text: &'t str, ix: &'t Index) -> Result<Option<EventParts<'t>>, ()> {
    if ix.is_bad() {
        return Err(());
    }
    walk::Walk::new(text, ix, 0).ok_or(())?.top(Some("context"))
}

fn event_top<'t>(mut sc: Scan<'t>, text: &'t str) -> Result<Option<EventParts<'t>>, ()> {
    sc.ws();
    let top = if sc.peek() == Some(b'{') {
        Some(sc.object_capture(text, Some("context"))?)
    } else {
        sc.value()?;
        None
    };
    sc.ws();
    if sc.i != sc.b.len() {
        return Err(());
    }
    Ok(top)
}

/// Decodes `text` as a JSON object; `None` if invalid JSON or not an object.
pub fn parse_object(text: &str) -> Option<RawObj<'_>> {
    match parse_top(text) {
        Ok(Top::Object(o)) => Some(o),
        _ => None,
    }
}

/// The raw items of a JSON list (the text a [`PyVal::List`] holds), in order, each still encoded (read one with
/// [`value`]); `None` when `text` is not a valid JSON list.
pub fn list_items(text: &str) -> Option<Vec<&str>> {
    let mut sc = Scan { b: text.as_bytes(), i: 0 };
    sc.ws();
    sc.expect(b'[').ok()?;
    let mut items = Vec::new();
    sc.ws();
    if sc.peek() == Some(b']') {
        sc.i += 1;
    } else {
        loop {
            sc.ws();
            let start = sc.i;
            sc.value_at().ok()?;
            items.push(ascii_bounded(text, start, sc.i).ok()?);
            sc.ws();
            match sc.peek() {
                Some(b',') => sc.i += 1,
                Some(b']') => {
                    sc.i += 1;
                    break;
                }
                _ => return None,
            }
        }
    }
    sc.ws();
    (sc.i == sc.b.len()).then_some(items)
}

/// A JSON value seen through Python eyes (what python-cjson would have produced).
#[derive(Debug, Clone, PartialEq)]
pub enum PyVal<'a> {
    Null,
    Bool(bool),
    Int(i64),
    UInt(u64),
    Float(f64),
    Str(Cow<'a, str>),
    /// Raw JSON text of a list.
    List(&'a str),
    /// Raw JSON text of an object.
    Dict(&'a str),
}

/// Decodes a JSON string literal (quotes included) that [`Scan`] has validated: borrowed when it has no escape.
/// `None` for what serde_json (and so `json.loads` followed by UTF-8 encoding) rejects: an unpaired surrogate
/// `\uD800`…`\uDFFF`, or a malformed escape. Browser events carry their payload as such a string, densely escaped,
/// so this runs once per browser event and copies runs between escapes rather than character by character.
pub fn unescape(lit: &str) -> Option<Cow<'_, str>> {
    let inner = lit.strip_prefix('"')?.strip_suffix('"')?;
    let b = inner.as_bytes();
    if !has_backslash(b) {
        return Some(Cow::Borrowed(inner));
    }
    // Escapes only shrink the text; 16 bytes of slack for whole-block stores. Written before it is read, so not
    // zeroed first (this runs once per browser event).
    let mut buf: Vec<u8> = Vec::with_capacity(b.len() + 16);
    let out = &mut buf.spare_capacity_mut()[..b.len() + 16];
    let (mut i, mut o) = (0usize, 0usize);
    #[cfg(target_arch = "x86_64")]
    if compress::available() {
        // SAFETY: the CPU supports what `available` checks.
        (i, o) = unsafe { compress::simple_escapes(b, out) };
    }
    while i < b.len() {
        let m = match b.get(i..).and_then(|rest| rest.first_chunk::<16>()) {
            Some(block) => {
                out[o..o + 16].write_copy_of_slice(block);
                backslash_mask16(block)
            }
            None => {
                // The tail: copied byte by byte up to the next backslash.
                let n = crate::events::bytes::find(&b[i..], b'\\').unwrap_or(b.len() - i);
                out[o..o + n].write_copy_of_slice(&b[i..i + n]);
                1 << n
            }
        };
        if m == 0 {
            i += 16;
            o += 16;
            continue;
        }
        let j = m.trailing_zeros() as usize;
        i += j;
        o += j;
        if i >= b.len() {
            break;
        }
        // b[i] is a backslash. `\"` and `\\` (nearly every escape of a payload) stand for the byte after them.
        if let Some(&q @ (b'"' | b'\\')) = b.get(i + 1) {
            out[o].write(q);
            o += 1;
            i += 2;
            continue;
        }
        let (c, len) = decode_escape(b, i)?;
        let mut utf8 = [0u8; 4];
        let enc = c.encode_utf8(&mut utf8).as_bytes();
        out[o..o + enc.len()].write_copy_of_slice(enc);
        o += enc.len();
        i += len;
    }
    // SAFETY: `out[..o]` (the first `o` bytes of the spare capacity) was written: every step writes the output bytes
    // it advances `o` past (a 16-byte block store covers the `j <= 16` bytes it skips), and `o <= b.len()`.
    unsafe { buf.set_len(o) };
    // Runs between escapes are copied whole (escapes are ASCII, so they never split a character); the check is
    // cheap.
    String::from_utf8(buf).ok().map(Cow::Owned)
}

/// Whether `b` holds a backslash: inline word tests for the short strings most values are, memchr beyond.
#[inline(always)]
fn has_backslash(b: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    let zero_byte =
        |x: u64| (x ^ (ONES * u64::from(b'\\'))).wrapping_sub(ONES) & !(x ^ (ONES * u64::from(b'\\'))) & (ONES << 7);
    if let (Some(a), Some(z)) = (b.first_chunk::<8>(), b.last_chunk::<8>()) {
        if b.len() <= 16 {
            return zero_byte(u64::from_le_bytes(*a)) | zero_byte(u64::from_le_bytes(*z)) != 0;
        }
        // Up to 64 bytes (timestamps, course ids, URLs): overlapping 16-byte blocks, no call.
        if let (Some(a), Some(z)) = (b.first_chunk::<32>(), b.last_chunk::<32>()) {
            if b.len() <= 64 {
                let halves = |x: &[u8; 32]| {
                    let (lo, hi) = x.split_at(16);
                    match (<&[u8; 16]>::try_from(lo), <&[u8; 16]>::try_from(hi)) {
                        (Ok(lo), Ok(hi)) => backslash_mask16(lo) | backslash_mask16(hi),
                        _ => 1,
                    }
                };
                return halves(a) | halves(z) != 0;
            }
        } else if let (Some(a), Some(z)) = (b.first_chunk::<16>(), b.last_chunk::<16>()) {
            return backslash_mask16(a) | backslash_mask16(z) != 0;
        }
        return memchr::memchr(b'\\', b).is_some();
    }
    b.contains(&b'\\')
}

/// The character of the escape sequence at the backslash `b[at]` and the sequence's length; `None` when malformed or
/// an unpaired surrogate.
fn decode_escape(b: &[u8], at: usize) -> Option<(char, usize)> {
    fn hex4(h: &[u8]) -> Option<u32> {
        h.iter().try_fold(0u32, |acc, &c| Some(acc * 16 + (c as char).to_digit(16)?))
    }
    let c = match *b.get(at + 1)? {
        b'"' => '"',
        b'\\' => '\\',
        b'/' => '/',
        b'b' => '\u{8}',
        b'f' => '\u{c}',
        b'n' => '\n',
        b'r' => '\r',
        b't' => '\t',
        b'u' => {
            let hi = hex4(b.get(at + 2..at + 6)?)?;
            if !(0xD800..0xDC00).contains(&hi) {
                // A lone low surrogate is not a char: None.
                return Some((char::from_u32(hi)?, 6));
            }
            if b.get(at + 6..at + 8)? != b"\\u" {
                return None;
            }
            let lo = hex4(b.get(at + 8..at + 12)?)?;
            if !(0xDC00..0xE000).contains(&lo) {
                return None;
            }
            return Some((char::from_u32(0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00))?, 12));
        }
        _ => return None,
    };
    Some((c, 2))
}

/// Interprets one raw (already validated) JSON value.
pub fn value(text: &str) -> PyVal<'_> {
    match text.as_bytes().first() {
        Some(b'"') => unescape(text).map_or(PyVal::Null, PyVal::Str),
        Some(b'{') => PyVal::Dict(text),
        Some(b'[') => PyVal::List(text),
        Some(b't') => PyVal::Bool(true),
        Some(b'f') => PyVal::Bool(false),
        Some(b'n') | None => PyVal::Null,
        Some(_) => {
            if let Ok(i) = text.parse::<i64>() {
                PyVal::Int(i)
            } else if let Ok(u) = text.parse::<u64>() {
                PyVal::UInt(u)
            } else if let Ok(f) = text.parse::<f64>() {
                PyVal::Float(f)
            } else {
                PyVal::Null
            }
        }
    }
}

impl<'a> PyVal<'a> {
    /// Python truthiness.
    pub fn truthy(&self) -> bool {
        match self {
            PyVal::Null => false,
            PyVal::Bool(b) => *b,
            PyVal::Int(i) => *i != 0,
            PyVal::UInt(u) => *u != 0,
            PyVal::Float(f) => *f != 0.0,
            PyVal::Str(s) => !s.is_empty(),
            PyVal::List(t) | PyVal::Dict(t) => !is_empty_container(t),
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            PyVal::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, PyVal::Null)
    }

    /// Python 2 `str(value)` for scalars (containers render as their JSON text).
    pub fn py_str(&self) -> Cow<'a, str> {
        match self {
            PyVal::Null => Cow::Borrowed("None"),
            PyVal::Bool(true) => Cow::Borrowed("True"),
            PyVal::Bool(false) => Cow::Borrowed("False"),
            PyVal::Int(i) => Cow::Owned(i.to_string()),
            PyVal::UInt(u) => Cow::Owned(u.to_string()),
            PyVal::Float(f) => Cow::Owned(py2_float_str(*f)),
            PyVal::Str(s) => s.clone(),
            PyVal::List(t) | PyVal::Dict(t) => Cow::Borrowed(t),
        }
    }

    /// [`PyVal::py_str`], with integers written into `buf` instead of a new `String` (user ids, on most records).
    pub fn py_str_in<'s>(&'s self, buf: &'s mut itoa::Buffer) -> Cow<'s, str> {
        match self {
            PyVal::Int(i) => Cow::Borrowed(buf.format(*i)),
            PyVal::UInt(u) => Cow::Borrowed(buf.format(*u)),
            other => other.py_str(),
        }
    }

    /// Python `float(value)`: numbers, bools and numeric strings; `None` on error.
    pub fn py_float(&self) -> Option<f64> {
        match self {
            PyVal::Bool(b) => Some(if *b { 1.0 } else { 0.0 }),
            PyVal::Int(i) => Some(*i as f64),
            PyVal::UInt(u) => Some(*u as f64),
            PyVal::Float(f) => Some(*f),
            PyVal::Str(s) => parse_py_float(s),
            _ => None,
        }
    }

    /// Python `int(value)`: ints, bools, floats (truncated), integer strings; `None` on error.
    pub fn py_int(&self) -> Option<i64> {
        match self {
            PyVal::Bool(b) => Some(i64::from(*b)),
            PyVal::Int(i) => Some(*i),
            PyVal::UInt(u) => i64::try_from(*u).ok(),
            PyVal::Float(f) if f.is_finite() && f.abs() < 9.2e18 => Some(f.trunc() as i64),
            PyVal::Str(s) => {
                let t = s.trim();
                let t = t.strip_prefix('+').unwrap_or(t);
                if t.is_empty() || t.starts_with('+') {
                    return None;
                }
                let digits = t.strip_prefix('-').unwrap_or(t);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                t.parse::<i64>().ok()
            }
            _ => None,
        }
    }
}

fn is_empty_container(text: &str) -> bool {
    let inner = text.get(1..text.len().saturating_sub(1)).unwrap_or("");
    inner.trim().is_empty()
}

/// Python `float(str)`: surrounding whitespace allowed, `nan`/`inf`/`infinity` accepted.
pub fn parse_py_float(s: &str) -> Option<f64> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let lower = t.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if body.len() + 1 < lower.len() {
        return None;
    }
    match body {
        "nan" => return Some(f64::NAN),
        "inf" | "infinity" => return Some(if lower.starts_with('-') { f64::NEG_INFINITY } else { f64::INFINITY }),
        _ => {}
    }
    if !body.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'+' | b'-')) {
        return None;
    }
    t.parse::<f64>().ok()
}

/// Python 2 `str(float)`: 12 significant digits, `%g` style, with `.0` kept for integral values.
pub fn py2_float_str(f: f64) -> String {
    if f.is_nan() {
        return "nan".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf".into() } else { "-inf".into() };
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0.0".into() } else { "0.0".into() };
    }
    // %.12g
    let sci = format!("{:.11e}", f); // d.ddddddddddde±x
    let (mant, exp) = match sci.split_once('e') {
        Some(p) => p,
        None => return sci,
    };
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..12).contains(&exp) {
        let mant = trim_frac(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{}e{}{:02}", mant, sign, exp.abs());
    }
    let decimals = (11 - exp).max(0) as usize;
    let fixed = format!("{:.*}", decimals, f);
    let t = trim_frac(&fixed);
    if t.contains('.') {
        t
    } else {
        format!("{}.0", t)
    }
}

fn trim_frac(s: &str) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_items_are_the_raw_values_in_order() {
        assert_eq!(list_items("[]"), Some(vec![]));
        assert_eq!(list_items(" [ ] "), Some(vec![]));
        assert_eq!(
            list_items(r#"["a", 1 ,{"b": [2]}, [], null, "x\"y"]"#),
            Some(vec![r#""a""#, "1", r#"{"b": [2]}"#, "[]", "null", r#""x\"y""#])
        );
        assert_eq!(value(list_items(r#"["\u00e9"]"#).unwrap()[0]).as_str(), Some("é"));
        for bad in ["", "[", "[1,]", "[1 2]", "{}", "\"a\"", "[1]]", "[1] x", "[01]"] {
            assert_eq!(list_items(bad), None, "{bad}");
        }
    }

    #[test]
    fn last_duplicate_key_wins() {
        let o = parse_object(r#"{"a": 1, "a": "x"}"#).unwrap();
        assert_eq!(o.get_str("a").as_deref(), Some("x"));
    }

    #[test]
    fn strict_grammar() {
        for ok in [
            "{}",
            " { \"a\" : [ 1 , -0.5e+3 , true , false , null , \"x\\u00e9\\n\" , { } , [ ] ] } ",
            "{\"a\":{\"b\":{\"c\":[[[[]]]]}}}",
            "{\"k\\\"q\": 1}",
        ] {
            assert!(parse_top(ok).is_ok(), "{ok}");
            assert!(serde_json::from_str::<serde_json::Value>(ok).is_ok(), "{ok}");
        }
        for bad in [
            "{",
            "{\"a\"}",
            "{\"a\":}",
            "{\"a\":1,}",
            "[1,]",
            "{\"a\":01}",
            "{\"a\":1.}",
            "{\"a\":.5}",
            "{\"a\":1e}",
            "{\"a\":NaN}",
            "{\"a\":Infinity}",
            "{\"a\":tru}",
            "{\"a\":\"\t\"}",
            "{\"a\":\"\\x\"}",
            "{\"a\":\"\\u12\"}",
            "{a:1}",
            "{'a':1}",
            "{\"a\":1}}",
            "{\"a\":[1}",
            "{\"a\":{1:2}}",
            "",
            "  ",
            "{\"a\":\"x}",
        ] {
            assert!(parse_top(bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<serde_json::Value>(bad).is_err(), "{bad}");
        }
        let deep = format!("{{\"a\":{}1{}}}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_top(&deep).is_ok());
    }

    #[test]
    fn pooled_member_lists_start_empty() {
        for _ in 0..40 {
            // An escaped (owned) key and a nested object go back to the pool when dropped.
            let o = parse_object(r#"{"a\u0062": {"n": [1, 2]}, "c": 2}"#).expect("valid");
            assert_eq!(o.get_raw("ab"), Some(r#"{"n": [1, 2]}"#));
            assert_eq!(o.get_obj("ab").expect("nested").entries.len(), 1);
            drop(o);
            let o = parse_object(r#"{"x": true}"#).expect("valid");
            assert_eq!(o.entries, [(Cow::Borrowed("x"), "true")]);
        }
    }

    /// Strings dense with escapes, every kind at every offset around the 64-byte blocks of the compressing decoder,
    /// decode as serde_json decodes them.
    #[test]
    fn unescape_matches_serde_across_blocks() {
        let pieces = [r#"\""#, r"\\", r"\/", "a", "é", r"\n", r"\u00e9", r"\ud83d\ude00", "xyzw"];
        let mut seed = 11u64;
        for len in [1usize, 5, 20, 40, 63, 64, 65, 70, 130, 200] {
            for round in 0..60 {
                let mut body = String::new();
                // Rounds below 30 keep to the three escapes the block decoder takes whole.
                let kinds = if round < 30 { 5 } else { pieces.len() };
                while body.len() < len {
                    seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    body.push_str(pieces[(seed >> 33) as usize % kinds]);
                }
                let lit = format!("\"{body}\"");
                let want: String = serde_json::from_str(&lit).expect("valid literal");
                assert_eq!(unescape(&lit).as_deref(), Some(want.as_str()), "{lit}");
            }
        }
        assert_eq!(unescape(r#""\ud800""#), None, "an unpaired surrogate");
    }

    #[test]
    fn top_level_non_object() {
        assert!(matches!(parse_top("[1,2]"), Ok(Top::NotObject)));
        assert!(parse_top("{\"a\":1} x").is_err());
        assert!(parse_top("{\"a\":1}{\"b\":2}").is_err());
    }

    #[test]
    fn py2_floats() {
        assert_eq!(py2_float_str(0.44999999999999996), "0.45");
        assert_eq!(py2_float_str(2.0), "2.0");
        assert_eq!(py2_float_str(1e16), "1e+16");
        assert_eq!(py2_float_str(123.5), "123.5");
        assert_eq!(py2_float_str(0.0001), "0.0001");
        assert_eq!(py2_float_str(0.00001), "1e-05");
    }

    #[test]
    fn truthiness_and_ints() {
        let o = parse_object(r#"{"a": 0, "b": "", "c": {}, "d": [ ], "e": "7", "f": 3.9}"#).unwrap();
        for k in ["a", "b", "c", "d"] {
            assert!(!o.get(k).unwrap().truthy(), "{k}");
        }
        assert_eq!(o.get("e").unwrap().py_int(), Some(7));
        assert_eq!(o.get("f").unwrap().py_int(), Some(3));
    }
}
