//! The JSON grammar outside strings (RFC 8259: no NaN/Infinity, no trailing commas, any nesting depth without
//! recursion), shared by both parsers. They differ only in how they cross a string: [`super::Scan`] scans its bytes,
//! [`super::walk::Walk`] pops its delimiters from the structural index.

use super::Stack;

/// How a parser crosses a string.
pub(super) trait Strings {
    /// `b[i]` is `"`: the position just past the string's closing quote.
    fn skip(&mut self, b: &[u8], i: usize) -> Result<usize, ()>;
}

/// `b[i]`, or 0 past the end (no rule accepts a 0 outside a string).
#[inline(always)]
pub(super) fn peek(b: &[u8], i: usize) -> u8 {
    b.get(i).copied().unwrap_or(0)
}

/// The first position at or after `i` that is not JSON whitespace.
#[inline(always)]
pub(super) fn ws(b: &[u8], mut i: usize) -> usize {
    while let b' ' | b'\t' | b'\n' | b'\r' = peek(b, i) {
        i += 1;
    }
    i
}

#[inline(always)]
fn digits(b: &[u8], mut i: usize) -> usize {
    while peek(b, i).is_ascii_digit() {
        i += 1;
    }
    i
}

/// A number at `i`: the position just past it.
pub(super) fn number(b: &[u8], mut i: usize) -> Result<usize, ()> {
    if peek(b, i) == b'-' {
        i += 1;
    }
    match peek(b, i) {
        b'0' => i += 1,
        b'1'..=b'9' => i = digits(b, i),
        _ => return Err(()),
    }
    if peek(b, i) == b'.' {
        let end = digits(b, i + 1);
        if end == i + 1 {
            return Err(());
        }
        i = end;
    }
    if let b'e' | b'E' = peek(b, i) {
        i += 1;
        if let b'+' | b'-' = peek(b, i) {
            i += 1;
        }
        let end = digits(b, i);
        if end == i {
            return Err(());
        }
        i = end;
    }
    Ok(i)
}

#[inline(always)]
fn literal(b: &[u8], i: usize, lit: &[u8]) -> Result<usize, ()> {
    if b.get(i..i + lit.len()) == Some(lit) {
        Ok(i + lit.len())
    } else {
        Err(())
    }
}

/// One value at `i` (whitespace skipped): the position just past it. Scalars are handled inline, containers by
/// [`container`], whose stack would otherwise weigh on every call.
#[inline(always)]
pub(super) fn value<S: Strings>(b: &[u8], i: usize, s: &mut S) -> Result<usize, ()> {
    match peek(b, i) {
        b'"' => s.skip(b, i),
        b'{' | b'[' => container(b, i, s),
        b't' => literal(b, i, b"true"),
        b'f' => literal(b, i, b"false"),
        b'n' => literal(b, i, b"null"),
        b'-' | b'0'..=b'9' => number(b, i),
        _ => Err(()),
    }
}

/// `"key" ws :` at a key: the position just past the colon.
#[inline(always)]
fn member_key<S: Strings>(b: &[u8], i: usize, s: &mut S) -> Result<usize, ()> {
    if peek(b, i) != b'"' {
        return Err(());
    }
    let i = ws(b, s.skip(b, i)?);
    if peek(b, i) == b':' {
        Ok(i + 1)
    } else {
        Err(())
    }
}

/// An object or array at `i`, validated with an explicit stack of closers: the position just past it.
#[inline(never)]
pub(super) fn container<S: Strings>(b: &[u8], mut i: usize, s: &mut S) -> Result<usize, ()> {
    let mut stack = Stack::new();
    loop {
        // A value is expected here.
        i = ws(b, i);
        match peek(b, i) {
            open @ (b'{' | b'[') => {
                // `}` and `]` are two code points after their openers.
                let close = open + 2;
                i = ws(b, i + 1);
                if peek(b, i) == close {
                    i += 1;
                } else {
                    stack.push(close);
                    if open == b'{' {
                        i = member_key(b, i, s)?;
                    }
                    continue;
                }
            }
            _ => i = value(b, i, s)?,
        }
        // After a value: close containers, or move to the next element.
        loop {
            let Some(closer) = stack.top() else {
                return Ok(i);
            };
            i = ws(b, i);
            match peek(b, i) {
                b',' => {
                    i += 1;
                    if closer == b'}' {
                        i = member_key(b, ws(b, i), s)?;
                    }
                    break;
                }
                c if c == closer => {
                    i += 1;
                    stack.pop();
                }
                _ => return Err(()),
            }
        }
    }
}
