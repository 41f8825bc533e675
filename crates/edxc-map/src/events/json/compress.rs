//! String unescaping by in-register compression, for CPUs with AVX-512 VBMI2 (Zen 4, Ice Lake and later).
//!
//! A browser event carries its payload as a JSON string with an escaped quote every few bytes, and unescaping it
//! is a step per escape in the block loop of [`super::unescape`]. The escapes such a payload holds are `\"`, `\\`
//! and `\/`, each of which is its second byte: here a step takes 64 bytes, finds the backslashes that start an escape
//! (the structural index's odd-run rule), and when every escape of the block is one of those three, `vpcompressb`
//! drops the starting backslashes in one go. A block with any other escape ends the fast part.

use std::mem::MaybeUninit;

/// Whether this CPU can run [`simple_escapes`].
#[inline(always)]
pub(super) fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx512vbmi2") && std::arch::is_x86_feature_detected!("avx512bw")
}

/// Unescapes the start of `b` (a validated string's contents) into `out` while its escapes are `\"`, `\\` and `\/`,
/// a block at a time; returns how far it got in `b` and in `out`. It stops at the start of a block with any other
/// escape, never inside an escape, so a byte-wise decoder can go on from there. `(0, 0)` when `out` is shorter than
/// `b`.
///
/// # Safety
/// The CPU must support what [`available`] checks.
#[target_feature(enable = "avx512bw,avx512vbmi2,bmi1,popcnt")]
pub(super) unsafe fn simple_escapes(b: &[u8], out: &mut [MaybeUninit<u8>]) -> (usize, usize) {
    use std::arch::x86_64::{
        _mm512_cmpeq_epi8_mask, _mm512_mask_storeu_epi8, _mm512_maskz_compress_epi8, _mm512_maskz_loadu_epi8,
        _mm512_set1_epi8, _mm512_storeu_si512,
    };
    let (mut i, mut o) = (0usize, 0usize);
    if out.len() < b.len() {
        return (0, 0);
    }
    let set = |c: u8| _mm512_set1_epi8(c as i8);
    while i < b.len() {
        let take = (b.len() - i).min(64);
        let mut lanes = u64::MAX >> (64 - take);
        // SAFETY: a masked load reads (and may fault on) only the `take` bytes of `b` from `i` on.
        let v = unsafe { _mm512_maskz_loadu_epi8(lanes, b.as_ptr().add(i).cast()) };
        let backslash = _mm512_cmpeq_epi8_mask(v, set(b'\\'));
        // Every block starts outside an escape, so nothing is carried in.
        let (escaped, _) = super::index::escaped_bytes(backslash, 0);
        let starts = backslash & !escaped;
        let mut step = take;
        if starts >> (take - 1) & 1 != 0 {
            if take < 64 {
                // A lone backslash at the end: not a valid string; the byte-wise decoder says so.
                return (i, o);
            }
            // The last byte starts an escape whose second byte is in the next block: it goes there.
            step = 63;
            lanes >>= 1;
        }
        let simple = _mm512_cmpeq_epi8_mask(v, set(b'"')) | backslash | _mm512_cmpeq_epi8_mask(v, set(b'/'));
        if escaped & lanes & !simple != 0 {
            return (i, o);
        }
        let keep = lanes & !starts;
        let n = keep.count_ones() as usize;
        let stored = u64::MAX.checked_shr(64 - n as u32).unwrap_or(0);
        let packed = _mm512_maskz_compress_epi8(keep, v);
        if o + 64 <= out.len() {
            // A whole-register store (a masked one is several times slower on Zen 4); the bytes past `n` are
            // overwritten by the next step or lie past the result.
            // SAFETY: the 64 bytes from `o` are inside `out`.
            unsafe { _mm512_storeu_si512(out.as_mut_ptr().add(o).cast(), packed) };
        } else {
            // SAFETY: a masked store writes only `n` bytes from `o`; `o + n <= i + step <= b.len() <= out.len()`.
            unsafe { _mm512_mask_storeu_epi8(out.as_mut_ptr().add(o).cast(), stored, packed) };
        }
        o += n;
        i += step;
    }
    (i, o)
}
