//! The second stage of the indexed parse: a walk over an indexed JSON text that takes each string from the index's
//! delimiter bitmap. The delimiters are popped in order from one cursor, so a string costs two bit pops, not a search
//! from its start. Everything else is the grammar `grammar.rs` shares with the byte-by-byte [`super::Scan`] (the fuzz
//! target checks that both parsers decode the same members).

use super::grammar::{self, Strings};
use super::{ascii_bounded, new_entries, unescape, Index, IndexRef, RawObj};
use std::borrow::Cow;

/// The string delimiters of the text from some position on, in order.
#[derive(Clone, Copy)]
struct Quotes<'t> {
    words: &'t [u64],
    w: usize,
    /// The delimiters of word `w` not yet taken.
    bits: u64,
}

impl<'t> Quotes<'t> {
    fn from(words: &'t [u64], at: usize) -> Self {
        let w = at / 64;
        let bits = words.get(w).map_or(0, |&b| b & (!0u64 << (at % 64)));
        Quotes { words, w, bits }
    }

    #[inline(always)]
    fn pop(&mut self) -> Option<usize> {
        while self.bits == 0 {
            self.w += 1;
            self.bits = *self.words.get(self.w)?;
        }
        let at = self.w * 64 + self.bits.trailing_zeros() as usize;
        self.bits &= self.bits - 1;
        Some(at)
    }
}

/// Strings crossed by their delimiters: the cursor's next two.
struct Delims<'a, 't> {
    q: &'a mut Quotes<'t>,
    /// Offset of the parsed slice in the indexed text.
    off: usize,
}

impl Strings for Delims<'_, '_> {
    #[inline(always)]
    fn skip(&mut self, b: &[u8], i: usize) -> Result<usize, ()> {
        if self.q.pop() != Some(self.off + i) {
            return Err(());
        }
        match self.q.pop().map(|at| at - self.off) {
            Some(close) if close < b.len() => Ok(close + 1),
            _ => Err(()),
        }
    }
}

/// A parse of `text`, a slice of an indexed text at offset `off` in it.
pub(super) struct Walk<'t> {
    text: &'t str,
    /// The bytes of `text`: reading past them gives 0, which no grammar rule accepts.
    b: &'t [u8],
    i: usize,
    off: usize,
    q: Quotes<'t>,
    ix: &'t Index,
}

/// A parsed top-level text: its object with the captured member's object, or `None` for valid JSON that is not an
/// object.
pub(super) type Parsed<'t> = Option<(RawObj<'t>, Option<RawObj<'t>>)>;

impl<'t> Walk<'t> {
    /// A walk over `text`, which starts `off` bytes into the text `ix` indexes and is a whole JSON text or value of it
    /// (string boundaries in the index are only right from such a start).
    pub(super) fn new(text: &'t str, ix: &'t Index, off: usize) -> Option<Self> {
        (off + text.len() <= ix.len()).then(|| Walk {
            text,
            b: text.as_bytes(),
            i: 0,
            off,
            q: Quotes::from(ix.quote_words(), off),
            ix,
        })
    }

    /// All of `text` as one JSON text (whitespace around it allowed); when it is an object, `capture` names a member
    /// whose object value is decoded in the same pass.
    pub(super) fn top(mut self, capture: Option<&str>) -> Result<Parsed<'t>, ()> {
        self.ws();
        let parsed = if self.peek() == b'{' {
            Some(self.object(capture)?)
        } else {
            self.value()?;
            None
        };
        self.ws();
        if self.i != self.b.len() {
            return Err(());
        }
        Ok(parsed)
    }

    #[inline(always)]
    fn peek(&self) -> u8 {
        grammar::peek(self.b, self.i)
    }

    #[inline(always)]
    fn ws(&mut self) {
        self.i = grammar::ws(self.b, self.i);
    }

    /// One value at the current position (whitespace skipped).
    #[inline(always)]
    fn value(&mut self) -> Result<(), ()> {
        self.i = grammar::value(self.b, self.i, &mut Delims { q: &mut self.q, off: self.off })?;
        Ok(())
    }

    /// An object at `{`: its members with raw value slices; when `capture` names a member whose (last) value is an
    /// object, that object is decoded in the same pass.
    ///
    /// The position and the delimiter cursor live in locals here, written back to `self` only around the calls for
    /// non-string values: kept in `self`, every string paid a store and a reload of both.
    fn object(&mut self, capture: Option<&str>) -> Result<(RawObj<'t>, Option<RawObj<'t>>), ()> {
        let ix = Some(IndexRef { ix: self.ix, base: self.text.as_ptr() as usize - self.off });
        if self.peek() != b'{' {
            return Err(());
        }
        self.i += 1;
        let mut entries = new_entries();
        let mut captured = None;
        self.ws();
        if self.peek() == b'}' {
            self.i += 1;
            return Ok((RawObj { entries, ix }, captured));
        }
        let (b, off, text) = (self.b, self.off, self.text);
        let (mut i, mut q) = (self.i, self.q);
        let mut bs = 0;
        let peek = |i: usize| grammar::peek(b, i);
        let ws = |i: usize| grammar::ws(b, i);
        loop {
            // Here at a key, whitespace skipped.
            if peek(i) != b'"' {
                return Err(());
            }
            let open = i;
            let close = Delims { q: &mut q, off }.skip(b, i)? - 1;
            // `bs`, the first backslash at or after some position up to this key's, is moved on only when passed.
            if bs <= off + open {
                bs = self.ix.next_backslash(off + open + 1);
            }
            let key = if bs < off + close {
                unescape(ascii_bounded(text, open, close + 1)?).ok_or(())?
            } else {
                Cow::Borrowed(ascii_bounded(text, open + 1, close)?)
            };
            i = close + 1;
            // `": "` is the common separator.
            if b.get(i..i + 2) == Some(b": ") {
                i += 2;
            } else {
                i = ws(i);
                if peek(i) != b':' {
                    return Err(());
                }
                i += 1;
            }
            i = ws(i);
            let vs = i;
            let is_capture = capture.is_some_and(|c| c == key);
            if peek(i) == b'"' {
                i = Delims { q: &mut q, off }.skip(b, i)?;
                if is_capture {
                    captured = None;
                }
            } else {
                (self.i, self.q) = (i, q);
                if is_capture {
                    captured =
                        if self.peek() == b'{' { Some(self.object(None)?.0) } else { self.value().map(|_| None)? };
                } else {
                    self.value()?;
                }
                (i, q) = (self.i, self.q);
            }
            entries.push((key, ascii_bounded(text, vs, i)?));
            // `, ` is the common separator; whitespace before it is rare.
            let mut c = peek(i);
            if c != b',' && c != b'}' {
                i = ws(i);
                c = peek(i);
            }
            match c {
                b',' => i = ws(i + 1),
                b'}' => {
                    (self.i, self.q) = (i + 1, q);
                    return Ok((RawObj { entries, ix }, captured));
                }
                _ => return Err(()),
            }
        }
    }
}
