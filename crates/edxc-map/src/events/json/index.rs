//! A structural index of one JSON text, built in a single SIMD pass (the first stage of simdjson): bitmaps of the
//! string delimiters (unescaped `"`) and of the backslashes, plus whether the text is ASCII.
//!
//! With it the parser skips a string of any length by finding the next delimiter bit instead of scanning its bytes,
//! and string contents are validated here, 64 bytes at a time: a control byte inside a string or a malformed escape
//! marks the text bad. Quote parity decides what is "inside a string"; that agrees with a sequential parse whenever
//! the parse succeeds (outside strings valid JSON has no `"` or `\`), and when it fails the text is rejected anyway,
//! so "the parse succeeds and the index is not bad" is exactly "the text is valid JSON".

/// Bitmaps over a text: bit `i % 64` of word `i / 64` describes byte `i`.
#[derive(Debug, Default)]
pub struct Index {
    quotes: Vec<u64>,
    backslashes: Vec<u64>,
    /// One past the last word of `backslashes` with a bit set (0 when the text has no backslash): a search for the
    /// next backslash stops there instead of running to the end of the text, once for each object parsed after it.
    backslash_words: usize,
    len: usize,
    bad: bool,
    ascii: bool,
    /// Some byte is below 0x20 (in valid JSON: TAB, LF or CR between tokens).
    ctrl: bool,
}

/// The classified bytes of one 64-byte block.
struct Masks {
    quote: u64,
    backslash: u64,
    /// Bytes below 0x20.
    ctrl: u64,
    /// Bytes of 0x80 and above.
    high: u64,
}

const ODD_BITS: u64 = 0xAAAA_AAAA_AAAA_AAAA;

/// The bytes escaped by a backslash (those after an odd-length run), given the block's backslashes and whether its
/// first byte is escaped by the previous block; returns them and the carry into the next block.
#[inline(always)]
pub(super) fn escaped_bytes(backslash: u64, carry: u64) -> (u64, u64) {
    let potential = backslash & !carry;
    let code = ((potential << 1 | ODD_BITS).wrapping_sub(potential)) ^ ODD_BITS;
    (code ^ (backslash | carry), (code & backslash) >> 63)
}

/// What is carried from one block to the next.
#[derive(Default)]
struct State {
    escaped_carry: u64,
    /// All ones while inside a string.
    in_string: u64,
    high: u64,
    ctrl: u64,
    /// A control byte inside a string, or a malformed escape.
    bad: bool,
}

impl State {
    /// Folds in one block; returns its delimiter and backslash bitmaps.
    #[inline(always)]
    fn block(&mut self, m: Masks, text: &[u8], at: usize) -> (u64, u64) {
        let (escaped, carry) = escaped_bytes(m.backslash, self.escaped_carry);
        self.escaped_carry = carry;
        let quote = m.quote & !escaped;
        if m.ctrl != 0 && m.ctrl & (prefix_xor(quote) ^ self.in_string) != 0 {
            self.bad = true;
        }
        if escaped != 0 && !escapes_valid(text, at, escaped) {
            self.bad = true;
        }
        self.in_string ^= 0u64.wrapping_sub(u64::from(quote.count_ones() & 1));
        self.high |= m.high;
        self.ctrl |= m.ctrl;
        (quote, m.backslash)
    }
}

/// Classifies the bytes of a 64-byte block.
trait Classify {
    fn classify(b: &[u8; 64]) -> Masks;
}

impl Index {
    pub fn new() -> Self {
        Index::default()
    }

    /// Indexes `text` (replacing any previous contents; the buffers are reused).
    pub fn build(&mut self, text: &[u8]) {
        self.dispatch::<false>(text);
    }

    /// Indexes the line at the start of `buf`, up to its first `\n` (excluded), and returns that line's length
    /// (`buf.len()` when there is no newline). The line is found in the same pass that indexes it: a newline is a
    /// control byte, which the classifier marks anyway, so splitting lines costs no search of its own.
    pub fn build_line(&mut self, buf: &[u8]) -> usize {
        self.dispatch::<true>(buf)
    }

    fn dispatch<const LINE: bool>(&mut self, buf: &[u8]) -> usize {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512bw") {
                // SAFETY: the CPU supports AVX-512BW, checked just above.
                return unsafe { self.build_avx512::<LINE>(buf) };
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU supports AVX2, checked just above.
                return unsafe { self.build_avx2::<LINE>(buf) };
            }
            self.build_with::<Sse2, LINE>(buf)
        }
        #[cfg(not(target_arch = "x86_64"))]
        self.build_with::<Scalar, LINE>(buf)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx512bw,avx2,popcnt,bmi1")]
    unsafe fn build_avx512<const LINE: bool>(&mut self, buf: &[u8]) -> usize {
        self.build_with::<Avx512, LINE>(buf)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,popcnt,bmi1")]
    unsafe fn build_avx2<const LINE: bool>(&mut self, buf: &[u8]) -> usize {
        self.build_with::<Avx2, LINE>(buf)
    }

    /// Indexes `buf` whole, or (`LINE`) up to its first newline; returns the indexed length.
    #[inline(always)]
    fn build_with<C: Classify, const LINE: bool>(&mut self, buf: &[u8]) -> usize {
        self.quotes.clear();
        self.backslashes.clear();
        let mut st = State::default();
        let (blocks, tail) = buf.as_chunks::<64>();
        let mut at = 0;
        for block in blocks {
            let m = C::classify(block);
            if LINE && m.ctrl != 0 {
                if let Some(p) = first_newline(block, m.ctrl) {
                    return self.finish_in_block(st, m, buf, at, p);
                }
            }
            let (q, b) = st.block(m, buf, at);
            self.quotes.push(q);
            self.backslashes.push(b);
            at += 64;
        }
        if !tail.is_empty() {
            let mut pad = [b' '; 64];
            pad[..tail.len()].copy_from_slice(tail);
            let m = C::classify(&pad);
            let nl = if LINE && m.ctrl != 0 { first_newline(&pad, m.ctrl) } else { None };
            return self.finish_in_block(st, m, buf, at, nl.unwrap_or(tail.len()));
        }
        self.finish(st, at)
    }

    /// Ends the text `p` bytes into the block at `at` (`p < 64`): the block's bytes from `p` on are not part of it.
    #[inline(always)]
    fn finish_in_block(&mut self, mut st: State, mut m: Masks, buf: &[u8], at: usize, p: usize) -> usize {
        let len = at + p;
        if p > 0 {
            let keep = !0u64 >> (64 - p);
            m.quote &= keep;
            m.backslash &= keep;
            m.ctrl &= keep;
            m.high &= keep;
            let (q, b) = st.block(m, &buf[..len], at);
            self.quotes.push(q);
            self.backslashes.push(b);
        }
        self.finish(st, len)
    }

    fn finish(&mut self, st: State, len: usize) -> usize {
        self.len = len;
        self.backslash_words = self.backslashes.iter().rposition(|&w| w != 0).map_or(0, |w| w + 1);
        self.ascii = st.high == 0;
        self.ctrl = st.ctrl != 0;
        // A final escaping backslash has nothing to escape.
        self.bad = st.bad || st.escaped_carry != 0;
        len
    }

    /// A string of the text holds a control byte or a malformed escape: the text is not valid JSON.
    pub fn is_bad(&self) -> bool {
        self.bad
    }

    /// The text is ASCII (so valid UTF-8).
    pub fn is_ascii(&self) -> bool {
        self.ascii
    }

    /// Some byte of the text is below 0x20. In a valid JSON text that can only be TAB, LF or CR between tokens, so
    /// when this is false the only byte Hive text encoding changes is the backslash (see [`Index::backslashes`]).
    pub fn has_ctrl(&self) -> bool {
        self.ctrl
    }

    /// The positions of the backslashes in `from..to`, in order.
    pub fn backslashes(&self, from: usize, to: usize) -> Backslashes<'_> {
        let w = from / 64;
        let bits = self.backslashes.get(w).map_or(0, |&b| b & (!0u64 << (from % 64)));
        Backslashes { words: &self.backslashes, w, bits, to: to.min(self.len) }
    }

    /// Length of the indexed text.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The delimiter bitmap, one word per 64 bytes.
    pub(super) fn quote_words(&self) -> &[u64] {
        &self.quotes
    }

    /// The first unescaped `"` at or after `from` (the tests' view of the bitmap; the parser pops it in order).
    #[cfg(test)]
    pub fn next_quote(&self, from: usize) -> Option<usize> {
        let mut w = from / 64;
        let mut bits = *self.quotes.get(w)? & (!0u64 << (from % 64));
        loop {
            if bits != 0 {
                let at = w * 64 + bits.trailing_zeros() as usize;
                return (at < self.len).then_some(at);
            }
            w += 1;
            bits = *self.quotes.get(w)?;
        }
    }

    /// The position of the first backslash at or after `from`, or `usize::MAX`.
    #[inline]
    pub fn next_backslash(&self, from: usize) -> usize {
        let words = self.backslashes.get(..self.backslash_words).unwrap_or_default();
        let mut w = from / 64;
        let Some(&first) = words.get(w) else { return usize::MAX };
        let mut bits = first & (!0u64 << (from % 64));
        loop {
            if bits != 0 {
                return w * 64 + bits.trailing_zeros() as usize;
            }
            w += 1;
            match words.get(w) {
                Some(&b) => bits = b,
                None => return usize::MAX,
            }
        }
    }
}

/// Iterator of [`Index::backslashes`]: pops the set bits word by word.
pub struct Backslashes<'a> {
    words: &'a [u64],
    w: usize,
    bits: u64,
    to: usize,
}

impl Iterator for Backslashes<'_> {
    type Item = usize;

    #[inline]
    fn next(&mut self) -> Option<usize> {
        while self.bits == 0 {
            self.w += 1;
            if self.w * 64 >= self.to {
                return None;
            }
            self.bits = *self.words.get(self.w)?;
        }
        let i = self.w * 64 + self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        (i < self.to).then_some(i)
    }
}

/// Every escaped byte (bit set in `escaped`, for the block at `at`) is one of `"\\/bfnrt`, or `u` followed by four hex
/// digits; an escaped position past the end of the text has nothing to escape.
#[inline]
fn escapes_valid(text: &[u8], at: usize, mut escaped: u64) -> bool {
    while escaped != 0 {
        let i = at + escaped.trailing_zeros() as usize;
        escaped &= escaped - 1;
        match text.get(i) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
            Some(b'u') => match text.get(i + 1..i + 5) {
                Some(hex) if hex.iter().all(u8::is_ascii_hexdigit) => {}
                _ => return false,
            },
            _ => return false,
        }
    }
    true
}

/// The position of the first `\n` of a block, given its control bytes (usually just that newline).
#[inline(always)]
fn first_newline(block: &[u8; 64], mut ctrl: u64) -> Option<usize> {
    while ctrl != 0 {
        let i = ctrl.trailing_zeros() as usize;
        if block[i] == b'\n' {
            return Some(i);
        }
        ctrl &= ctrl - 1;
    }
    None
}

/// Bit i = XOR of bits 0..=i (inside-string mask from the quote mask).
#[inline(always)]
fn prefix_xor(mut x: u64) -> u64 {
    x ^= x << 1;
    x ^= x << 2;
    x ^= x << 4;
    x ^= x << 8;
    x ^= x << 16;
    x ^= x << 32;
    x
}

#[cfg(not(target_arch = "x86_64"))]
struct Scalar;

#[cfg(not(target_arch = "x86_64"))]
impl Classify for Scalar {
    fn classify(b: &[u8; 64]) -> Masks {
        let mut m = Masks { quote: 0, backslash: 0, ctrl: 0, high: 0 };
        for (i, &c) in b.iter().enumerate() {
            m.quote |= u64::from(c == b'"') << i;
            m.backslash |= u64::from(c == b'\\') << i;
            m.ctrl |= u64::from(c < 0x20) << i;
            m.high |= u64::from(c >= 0x80) << i;
        }
        m
    }
}

#[cfg(target_arch = "x86_64")]
struct Sse2;

#[cfg(target_arch = "x86_64")]
impl Classify for Sse2 {
    #[inline(always)]
    fn classify(b: &[u8; 64]) -> Masks {
        use std::arch::x86_64::*;
        let mut m = Masks { quote: 0, backslash: 0, ctrl: 0, high: 0 };
        // SAFETY: SSE2 is part of the x86_64 baseline; each unaligned load reads 16 of the 64 bytes of `b`.
        unsafe {
            let (q, bs, c) = (_mm_set1_epi8(b'"' as i8), _mm_set1_epi8(b'\\' as i8), _mm_set1_epi8(0x1f));
            for k in 0..4 {
                let v = _mm_loadu_si128(b.as_ptr().add(16 * k).cast::<__m128i>());
                let mask = |x: __m128i| u64::from(_mm_movemask_epi8(x) as u16) << (16 * k);
                m.quote |= mask(_mm_cmpeq_epi8(v, q));
                m.backslash |= mask(_mm_cmpeq_epi8(v, bs));
                m.ctrl |= mask(_mm_cmpeq_epi8(_mm_min_epu8(v, c), v));
                m.high |= mask(v);
            }
        }
        m
    }
}

/// Only inlined into `Index::build_avx2`, which is compiled with AVX2.
#[cfg(target_arch = "x86_64")]
struct Avx2;

#[cfg(target_arch = "x86_64")]
impl Classify for Avx2 {
    #[inline(always)]
    fn classify(b: &[u8; 64]) -> Masks {
        use std::arch::x86_64::*;
        // SAFETY: `Avx2` is used only from `Index::build_avx2`, which runs after AVX2 was detected; each unaligned load
        // reads 32 of the 64 bytes of `b`.
        unsafe {
            let (q, bs, c) = (_mm256_set1_epi8(b'"' as i8), _mm256_set1_epi8(b'\\' as i8), _mm256_set1_epi8(0x1f));
            let lo = _mm256_loadu_si256(b.as_ptr().cast::<__m256i>());
            let hi = _mm256_loadu_si256(b.as_ptr().add(32).cast::<__m256i>());
            let mask = |x: __m256i, y: __m256i| {
                u64::from(_mm256_movemask_epi8(x) as u32) | u64::from(_mm256_movemask_epi8(y) as u32) << 32
            };
            Masks {
                quote: mask(_mm256_cmpeq_epi8(lo, q), _mm256_cmpeq_epi8(hi, q)),
                backslash: mask(_mm256_cmpeq_epi8(lo, bs), _mm256_cmpeq_epi8(hi, bs)),
                ctrl: mask(
                    _mm256_cmpeq_epi8(_mm256_min_epu8(lo, c), lo),
                    _mm256_cmpeq_epi8(_mm256_min_epu8(hi, c), hi),
                ),
                high: mask(lo, hi),
            }
        }
    }
}

/// Only inlined into `Index::build_avx512`, which is compiled with AVX-512BW: one load and four mask compares per block.
#[cfg(target_arch = "x86_64")]
struct Avx512;

#[cfg(target_arch = "x86_64")]
impl Classify for Avx512 {
    #[inline(always)]
    fn classify(b: &[u8; 64]) -> Masks {
        use std::arch::x86_64::*;
        // SAFETY: `Avx512` is used only from `Index::build_avx512`, which runs after AVX-512BW was detected; the
        // unaligned load reads the 64 bytes of `b`.
        unsafe {
            let v = _mm512_loadu_si512(b.as_ptr().cast());
            Masks {
                quote: _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'"' as i8)),
                backslash: _mm512_cmpeq_epi8_mask(v, _mm512_set1_epi8(b'\\' as i8)),
                ctrl: _mm512_cmplt_epu8_mask(v, _mm512_set1_epi8(0x20)),
                high: _mm512_movepi8_mask(v),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sequential reference: the delimiter positions and whether string contents are valid.
    fn reference(text: &[u8]) -> (Vec<usize>, bool) {
        let (mut quotes, mut ok, mut i, mut inside) = (Vec::new(), true, 0, false);
        while i < text.len() {
            match text[i] {
                b'"' => {
                    quotes.push(i);
                    inside = !inside;
                }
                b'\\' => {
                    match text.get(i + 1) {
                        Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => {}
                        Some(b'u') if text.get(i + 2..i + 6).is_some_and(|h| h.iter().all(u8::is_ascii_hexdigit)) => {}
                        _ => ok = false,
                    }
                    i += 1;
                }
                c if c < 0x20 && inside => ok = false,
                _ => {}
            }
            i += 1;
        }
        (quotes, ok)
    }

    fn quotes_of(ix: &Index) -> Vec<usize> {
        let mut v = Vec::new();
        let mut at = 0;
        while let Some(q) = ix.next_quote(at) {
            v.push(q);
            at = q + 1;
        }
        v
    }

    #[test]
    fn matches_sequential_scan() {
        let samples: &[&[u8]] = &[
            br#"{"a": "b\"c", "d": "\\", "e": "\\\"", "f": "\u00e9\n"}"#,
            b"{\"a\": \"tab\tinside\"}",
            b"{\"a\":\t\"tab outside\"}",
            br#"{"a": "bad \x escape"}"#,
            br#"{"a": "\u12"}"#,
            br#"{"a": "ends with backslash\"#,
            "{\"ü\": \"é\"}".as_bytes(),
        ];
        for &s in samples {
            let mut ix = Index::new();
            ix.build(s);
            let (q, ok) = reference(s);
            assert_eq!(quotes_of(&ix), q, "{}", String::from_utf8_lossy(s));
            assert_eq!(!ix.is_bad(), ok, "{}", String::from_utf8_lossy(s));
            assert_eq!(ix.is_ascii(), s.is_ascii());
            assert_eq!(ix.has_ctrl(), s.iter().any(|&c| c < 0x20));
        }
    }

    /// Every instruction-set variant builds the same index (the dispatcher picks only one on a given CPU).
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn classifiers_agree() {
        let mut text = Vec::new();
        for i in 0..600u32 {
            text.push(match i % 23 {
                0 => b'"',
                3 | 4 => b'\\',
                7 => 0x01,
                11 => 0xc3,
                12 => 0xa9,
                _ => b'a' + (i % 26) as u8,
            });
        }
        let fields = |ix: &Index| (ix.quotes.clone(), ix.backslashes.clone(), ix.bad, ix.ascii, ix.ctrl, ix.len);
        for len in [0, 1, 63, 64, 65, 127, 128, 200, 600] {
            let t = &text[..len];
            let mut a = Index::new();
            a.build_with::<Sse2, false>(t);
            let mut b = Index::new();
            b.build(t);
            assert_eq!(fields(&b), fields(&a));
            if std::arch::is_x86_feature_detected!("avx2") {
                let mut c = Index::new();
                // SAFETY: AVX2 was detected just above.
                unsafe { c.build_avx2::<false>(t) };
                assert_eq!(fields(&c), fields(&a));
            }
            if std::arch::is_x86_feature_detected!("avx512bw") {
                let mut c = Index::new();
                // SAFETY: AVX-512BW was detected just above.
                unsafe { c.build_avx512::<false>(t) };
                assert_eq!(fields(&c), fields(&a));
            }
        }
    }

    /// `build_line` on a buffer of lines indexes each line exactly as `build` does on the line alone, with every
    /// classifier: lines ending at, before and after block boundaries, a backslash or a control byte just before the
    /// newline, an unterminated last line.
    #[test]
    fn build_line_matches_build_of_the_line() {
        let mut lines: Vec<Vec<u8>> = Vec::new();
        for len in [0usize, 1, 2, 62, 63, 64, 65, 127, 128, 129, 300] {
            for last in [b'}', b'\\', b'"', 0x01, 0xc3] {
                let mut l: Vec<u8> = (0..len).map(|i| if i % 17 == 5 { b'"' } else { b'a' + (i % 26) as u8 }).collect();
                if let Some(x) = l.last_mut() {
                    *x = last;
                }
                lines.push(l);
            }
        }
        let fields = |ix: &Index| (ix.quotes.clone(), ix.backslashes.clone(), ix.bad, ix.ascii, ix.ctrl, ix.len);
        let buf: Vec<u8> = lines.iter().flat_map(|l| l.iter().copied().chain([b'\n'])).collect();
        type Builder = fn(&mut Index, &[u8]) -> usize;
        let mut builders: Vec<(&str, Builder)> =
            vec![("dispatch", |ix, b| ix.build_line(b)), ("sse2", |ix, b| ix.build_with::<Sse2, true>(b))];
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: AVX2 was detected just above.
            builders.push(("avx2", |ix, b| unsafe { ix.build_avx2::<true>(b) }));
        }
        if std::arch::is_x86_feature_detected!("avx512bw") {
            // SAFETY: AVX-512BW was detected just above.
            builders.push(("avx512", |ix, b| unsafe { ix.build_avx512::<true>(b) }));
        }
        for (name, build_line) in builders {
            // The last line twice: once with its newline, once unterminated.
            for buf in [&buf[..], &buf[..buf.len() - 1]] {
                let mut pos = 0;
                for line in &lines {
                    let mut ix = Index::new();
                    let n = build_line(&mut ix, &buf[pos..]);
                    assert_eq!(n, line.len(), "{name} at {pos}");
                    let mut want = Index::new();
                    want.build(line);
                    assert_eq!(fields(&ix), fields(&want), "{name}: {}", String::from_utf8_lossy(line));
                    pos += n + 1;
                }
            }
        }
    }

    #[test]
    fn backslash_runs_across_block_boundaries() {
        for pad in 50..70 {
            for run in 0..6 {
                let mut s = vec![b'"'];
                s.extend(std::iter::repeat_n(b'x', pad));
                s.extend(std::iter::repeat_n(b'\\', run));
                s.extend_from_slice(b"\"tail\"");
                let mut ix = Index::new();
                ix.build(&s);
                let (q, ok) = reference(&s);
                assert_eq!(quotes_of(&ix), q, "pad {pad} run {run}");
                assert_eq!(!ix.is_bad(), ok, "pad {pad} run {run}");
                for a in 0..s.len() {
                    let first = s[a..].iter().position(|&c| c == b'\\').map_or(usize::MAX, |i| a + i);
                    assert_eq!(ix.next_backslash(a), first, "{a}");
                    for b in a..=s.len() {
                        let want: Vec<usize> = (a..b).filter(|&i| s[i] == b'\\').collect();
                        assert_eq!(ix.backslashes(a, b).collect::<Vec<_>>(), want, "{a}..{b}");
                    }
                }
            }
        }
    }
}
