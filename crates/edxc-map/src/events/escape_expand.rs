//! Hive text escaping by in-register expansion, for CPUs with AVX-512 VBMI2 (Zen 4, Ice Lake and later).
//!
//! The block escapers of `events/mod.rs` handle one escape per step: a browser event's payload, with an escaped quote
//! every few bytes, costs a step per backslash when a whole event line is written (event export). Here a step takes
//! 32 input bytes whatever they hold. Laid out two slots per input byte (a free slot, then the byte), the slots a
//! special byte needs are the byte's own plus the free one before it; one `pdep`/`pext` pair turns the step's special
//! bytes into the output positions of all 32 input bytes, `vpexpandb` moves them there and fills every free slot
//! with a backslash, and LF and CR become `n` and `r` (a backslash or TAB stays itself, as Hive writes them).

use std::mem::MaybeUninit;

/// Whether this CPU can run [`escape`].
#[inline(always)]
pub fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx512vbmi2")
        && std::arch::is_x86_feature_detected!("avx512bw")
        && std::arch::is_x86_feature_detected!("avx512vl")
        && std::arch::is_x86_feature_detected!("bmi2")
}

/// Writes the Hive text encoding of `value` at the start of `dst` and returns its length, like `escape_into`; with
/// `BACKSLASH_ONLY` the caller knows `value` has no TAB, LF or CR (a JSON text without control bytes), and only
/// backslashes are looked for. `None` when `dst` is shorter than `2 * value.len()` (nothing is written then).
///
/// # Safety
/// The CPU must support what [`available`] checks.
#[target_feature(enable = "avx512bw,avx512vl,avx512vbmi2,bmi1,bmi2,popcnt")]
pub unsafe fn escape<const BACKSLASH_ONLY: bool>(dst: &mut [MaybeUninit<u8>], value: &[u8]) -> Option<usize> {
    use std::arch::x86_64::{
        __m256i, _mm256_cmpeq_epi8_mask, _mm256_mask_mov_epi8, _mm256_maskz_loadu_epi8, _mm256_set1_epi8,
        _mm256_storeu_si256, _mm512_mask_expand_epi8, _mm512_mask_storeu_epi8, _mm512_set1_epi8, _mm512_storeu_si512,
        _mm512_zextsi256_si512, _pdep_u64, _pext_u64,
    };
    const BYTES: u64 = 0xAAAA_AAAA_AAAA_AAAA;
    const FREE: u64 = 0x5555_5555_5555_5555;
    let n = value.len();
    if dst.len() < 2 * n {
        return None;
    }
    let set = |c: u8| _mm256_set1_epi8(c as i8);
    let fill = _mm512_set1_epi8(b'\\' as i8);
    let (mut i, mut o) = (0usize, 0usize);
    while i < n {
        let take = (n - i).min(32);
        let lanes = u32::MAX >> (32 - take);
        // SAFETY: a masked load reads (and may fault on) only the `take` bytes of `value` from `i` on.
        let v: __m256i = unsafe { _mm256_maskz_loadu_epi8(lanes, value.as_ptr().add(i).cast()) };
        let mut special = _mm256_cmpeq_epi8_mask(v, set(b'\\'));
        let mut mapped = v;
        if !BACKSLASH_ONLY {
            special |= _mm256_cmpeq_epi8_mask(v, set(b'\t'));
            for (c, to) in [(b'\n', b'n'), (b'\r', b'r')] {
                let m = _mm256_cmpeq_epi8_mask(v, set(c));
                special |= m;
                mapped = _mm256_mask_mov_epi8(mapped, m, set(to));
            }
        }
        if special == 0 && o + 32 <= dst.len() {
            // A clean step (most of a server event) is stored as it is: expanding costs more than the bytes.
            // SAFETY: the 32 bytes from `o` are inside `dst`; those past `take` are overwritten or past the result.
            unsafe { _mm256_storeu_si256(dst.as_mut_ptr().add(o).cast(), v) };
            o += take;
            i += take;
            continue;
        }
        // Zeroed lanes past `take` are never special.
        let out_len = take + special.count_ones() as usize;
        let slots = BYTES | _pdep_u64(u64::from(special), FREE);
        let bytes = _pext_u64(BYTES, slots);
        let out = _mm512_mask_expand_epi8(fill, bytes, _mm512_zextsi256_si512(mapped));
        if o + 64 <= dst.len() {
            // A whole-register store (a masked one is several times slower on Zen 4); the bytes past `out_len` are
            // overwritten by the next step or lie past the result.
            // SAFETY: the 64 bytes from `o` are inside `dst`.
            unsafe { _mm512_storeu_si512(dst.as_mut_ptr().add(o).cast(), out) };
        } else {
            let keep = u64::MAX >> (64 - out_len);
            // SAFETY: a masked store writes only `out_len` bytes from `o`; `o <= 2 * i` and `out_len <= 2 * take`,
            // so they end within `2 * n <= dst.len()`.
            unsafe { _mm512_mask_storeu_epi8(dst.as_mut_ptr().add(o).cast(), keep, out) };
        }
        o += out_len;
        i += take;
    }
    Some(o)
}
