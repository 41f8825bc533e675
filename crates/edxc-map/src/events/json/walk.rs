//! The second stage of the indexed parse: a walk over an indexed JSON text that takes each string from the index's
//! delimiter bitmap. The delimiters are popped in order from one cursor, so a string costs two bit pops, not a search
//! from its start; everything else follows the grammar of [`super::Scan`] exactly (the fuzz target checks that both
//! parsers decode the same members).

use super::{ascii_bounded, new_entries, unescape, Index, IndexRef, RawObj, Stack};
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
        self.b.get(self.i).copied().unwrap_or(0)
    }

    #[inline(always)]
    fn ws(&mut self) {
        while let b' ' | b'\t' | b'\n' | b'\r' = self.peek() {
            self.i += 1;
        }
    }

    #[inline(always)]
    fn expect(&mut self, c: u8) -> Result<(), ()> {
        if self.peek() == c {
            self.i += 1;
            Ok(())
        } else {
            Err(())
        }
    }

    /// A string at `"`; returns the position of its closing quote. Its contents were validated by the index.
    #[inline(always)]
    fn string(&mut self) -> Result<usize, ()> {
        if self.q.pop() != Some(self.off + self.i) {
            return Err(());
        }
        match self.q.pop().map(|at| at - self.off) {
            Some(close) if close < self.b.len() => {
                self.i = close + 1;
                Ok(close)
            }
            _ => Err(()),
        }
    }

    #[inline(always)]
    fn digits(&mut self) -> usize {
        let start = self.i;
        while self.peek().is_ascii_digit() {
            self.i += 1;
        }
        self.i - start
    }

    fn number(&mut self) -> Result<(), ()> {
        if self.peek() == b'-' {
            self.i += 1;
        }
        match self.peek() {
            b'0' => self.i += 1,
            b'1'..=b'9' => {
                self.digits();
            }
            _ => return Err(()),
        }
        if self.peek() == b'.' {
            self.i += 1;
            if self.digits() == 0 {
                return Err(());
            }
        }
        if let b'e' | b'E' = self.peek() {
            self.i += 1;
            if let b'+' | b'-' = self.peek() {
                self.i += 1;
            }
            if self.digits() == 0 {
                return Err(());
            }
        }
        Ok(())
    }

    #[inline(always)]
    fn literal(&mut self, lit: &[u8]) -> Result<(), ()> {
        if self.b.get(self.i..self.i + lit.len()) == Some(lit) {
            self.i += lit.len();
            Ok(())
        } else {
            Err(())
        }
    }

    /// One value at the current position (whitespace skipped).
    #[inline(always)]
    fn value(&mut self) -> Result<(), ()> {
        match self.peek() {
            b'"' => self.string().map(drop),
            b'{' | b'[' => self.container(),
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            b'-' | b'0'..=b'9' => self.number(),
            _ => Err(()),
        }
    }

    /// `"key" ws : ws` inside an object.
    #[inline(always)]
    fn member_key(&mut self) -> Result<(), ()> {
        if self.peek() != b'"' {
            return Err(());
        }
        self.string()?;
        self.ws();
        self.expect(b':')
    }

    /// An object or array, validated with an explicit stack of closers (any depth, no recursion).
    #[inline(never)]
    fn container(&mut self) -> Result<(), ()> {
        let mut stack = Stack::new();
        loop {
            // A value is expected here.
            self.ws();
            match self.peek() {
                b'"' => {
                    self.string()?;
                }
                open @ (b'{' | b'[') => {
                    // `}` and `]` are two code points after their openers.
                    let close = open + 2;
                    self.i += 1;
                    self.ws();
                    if self.peek() == close {
                        self.i += 1;
                    } else {
                        stack.push(close);
                        if open == b'{' {
                            self.member_key()?;
                        }
                        continue;
                    }
                }
                b't' => self.literal(b"true")?,
                b'f' => self.literal(b"false")?,
                b'n' => self.literal(b"null")?,
                b'-' | b'0'..=b'9' => self.number()?,
                _ => return Err(()),
            }
            // After a value: close containers, or move to the next element.
            loop {
                let Some(closer) = stack.top() else {
                    return Ok(());
                };
                self.ws();
                match self.peek() {
                    b',' => {
                        self.i += 1;
                        if closer == b'}' {
                            self.ws();
                            self.member_key()?;
                        }
                        break;
                    }
                    c if c == closer => {
                        self.i += 1;
                        stack.pop();
                    }
                    _ => return Err(()),
                }
            }
        }
    }

    /// An object at `{`: its members with raw value slices; when `capture` names a member whose (last) value is an
    /// object, that object is decoded in the same pass.
    ///
    /// The position and the delimiter cursor live in locals here, written back to `self` only around the calls for
    /// non-string values: kept in `self`, every string paid a store and a reload of both.
    fn object(&mut self, capture: Option<&str>) -> Result<(RawObj<'t>, Option<RawObj<'t>>), ()> {
        let ix = Some(IndexRef { ix: self.ix, base: self.text.as_ptr() as usize - self.off });
        self.expect(b'{')?;
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
        let peek = |i: usize| b.get(i).copied().unwrap_or(0);
        let ws = |mut i: usize| {
            while let b' ' | b'\t' | b'\n' | b'\r' = peek(i) {
                i += 1;
            }
            i
        };
        // The string at `i` (a `"`): the position of its closing quote.
        let string = |i: usize, q: &mut Quotes<'t>| -> Result<usize, ()> {
            if q.pop() != Some(off + i) {
                return Err(());
            }
            match q.pop().map(|at| at - off) {
                Some(close) if close < b.len() => Ok(close),
                _ => Err(()),
            }
        };
        loop {
            // Here at a key, whitespace skipped.
            if peek(i) != b'"' {
                return Err(());
            }
            let open = i;
            let close = string(i, &mut q)?;
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
                i = string(i, &mut q)? + 1;
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
