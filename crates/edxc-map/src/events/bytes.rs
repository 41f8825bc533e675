//! Byte search in the short strings tracking events are made of (timestamps, ids, string tails). `memchr` is built
//! for long haystacks: on a 32-byte timestamp its call and dispatch cost more than the search.

/// The position of the first `c` in `b`: inline 16-byte compares up to 64 bytes, `memchr` beyond.
#[inline(always)]
pub fn find(b: &[u8], c: u8) -> Option<usize> {
    if b.len() > 64 {
        return memchr::memchr(c, b);
    }
    let mut at = 0;
    while let Some(block) = b.get(at..).and_then(|rest| rest.first_chunk::<16>()) {
        let m = eq_mask16(block, c);
        if m != 0 {
            return Some(at + m.trailing_zeros() as usize);
        }
        at += 16;
    }
    if at == b.len() {
        return None;
    }
    // Fewer than 16 bytes left: the last 16 bytes of `b` when it has them (the overlap was searched already),
    // else the short string byte by byte.
    match b.last_chunk::<16>() {
        Some(last) => {
            let start = b.len() - 16;
            let m = eq_mask16(last, c) >> (at - start);
            (m != 0).then(|| at + m.trailing_zeros() as usize)
        }
        None => b.iter().position(|&x| x == c),
    }
}

/// Bit i set when `block[i] == c`.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn eq_mask16(block: &[u8; 16], c: u8) -> u32 {
    use std::arch::x86_64::{__m128i, _mm_cmpeq_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_set1_epi8};
    // SAFETY: SSE2 is part of the x86_64 baseline; the unaligned load reads exactly the 16 bytes of `block`.
    unsafe {
        let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
        _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(c as i8))) as u32
    }
}

#[cfg(not(target_arch = "x86_64"))]
#[inline(always)]
fn eq_mask16(block: &[u8; 16], c: u8) -> u32 {
    block.iter().enumerate().fold(0, |m, (i, &x)| m | (u32::from(x == c) << i))
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_what_memchr_finds() {
        let mut seed = 7u64;
        for len in 0..140 {
            for _ in 0..40 {
                let b: Vec<u8> = (0..len)
                    .map(|_| {
                        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                        b"ab+.T"[(seed >> 33) as usize % 5]
                    })
                    .collect();
                for c in [b'+', b'.', b'T', b'z'] {
                    assert_eq!(super::find(&b, c), memchr::memchr(c, &b), "{:?} {}", String::from_utf8_lossy(&b), c);
                }
            }
        }
    }
}
