//! Hive text records written by copying and checking in the same step, for CPUs with AVX-512BW.
//!
//! Nearly every field of a record needs no escaping, and a record has a handful of short fields: testing and copying
//! each through the general escaper cost more per record than the bytes did. Here a field is moved with masked
//! (fault-free) 64-byte loads and stores, and the same loaded bytes are tested for a backslash or a control byte up to
//! CR; when no field had one, the record stands as written. Otherwise the caller writes it again through the escapers
//! (the test also catches a few control bytes that need no escape, which only costs that second pass).

use std::mem::MaybeUninit;

/// Whether this CPU can run [`record`].
#[inline(always)]
pub fn available() -> bool {
    std::arch::is_x86_feature_detected!("avx512bw") && std::arch::is_x86_feature_detected!("bmi2")
}

/// Writes the columns `tag`, `fields` and `extra` as one record line at the start of `dst` and returns its length, when
/// no column needs escaping; `None` (with `dst` partly written) when one does, when there are no columns, or when `dst`
/// is too short.
///
/// # Safety
/// The CPU must support what [`available`] checks.
#[target_feature(enable = "avx512bw,bmi1,bmi2")]
pub unsafe fn record(
    dst: &mut [MaybeUninit<u8>],
    tag: Option<&str>,
    fields: &[Option<&str>],
    extra: &[&str],
) -> Option<usize> {
    use std::arch::x86_64::{
        _bzhi_u64, _mm512_mask_cmpeq_epi8_mask, _mm512_mask_cmple_epu8_mask, _mm512_mask_storeu_epi8,
        _mm512_maskz_loadu_epi8, _mm512_set1_epi8, _mm512_storeu_si512,
    };
    let (backslash, low) = (_mm512_set1_epi8(b'\\' as i8), _mm512_set1_epi8(b'\r' as i8));
    let mut o = 0usize;
    let mut dirty = 0u64;
    let mut put = |v: Option<&str>| -> Option<()> {
        let Some(v) = v else {
            dst.get_mut(o..o + 3)?.write_copy_of_slice(b"\\N\t");
            o += 3;
            return Some(());
        };
        let b = v.as_bytes();
        let end = o.checked_add(b.len())?;
        if end >= dst.len() {
            return None;
        }
        let mut i = 0;
        while i < b.len() {
            let mask = _bzhi_u64(u64::MAX, (b.len() - i).min(64) as u32);
            // SAFETY: the masked load reads (and may fault on) only the bytes of `b` from `i` on.
            let x = unsafe { _mm512_maskz_loadu_epi8(mask, b.as_ptr().add(i).cast()) };
            dirty |= _mm512_mask_cmpeq_epi8_mask(mask, x, backslash) | _mm512_mask_cmple_epu8_mask(mask, x, low);
            let at = o + i;
            if at + 64 <= dst.len() {
                // A whole-register store (a masked one is several times slower on Zen 4): the bytes past the field
                // are overwritten by what follows it, or lie past the record.
                // SAFETY: the 64 bytes from `at` are inside `dst`.
                unsafe { _mm512_storeu_si512(dst.as_mut_ptr().add(at).cast(), x) };
            } else {
                // SAFETY: the masked store writes only the field's bytes from `at`, which end at `end < dst.len()`.
                unsafe { _mm512_mask_storeu_epi8(dst.as_mut_ptr().add(at).cast(), mask, x) };
            }
            i += 64;
        }
        dst[end].write(b'\t');
        o = end + 1;
        Some(())
    };
    if let Some(t) = tag {
        put(Some(t))?;
    }
    for f in fields {
        put(*f)?;
    }
    for e in extra {
        put(Some(e))?;
    }
    if dirty != 0 || o == 0 {
        return None;
    }
    dst[o - 1].write(b'\n');
    Some(o)
}

#[cfg(test)]
mod tests {
    use crate::events::{hive_line, hive_line_bytes};

    /// Records of clean and dirty fields of every length around the 64-byte steps come out as the escaping writer
    /// makes them, whether or not this CPU takes the copying path.
    #[test]
    fn copied_records_match_escaped_ones() {
        let mut seed = 5u64;
        let mut next = move || {
            seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (seed >> 33) as usize
        };
        for round in 0..3000 {
            let cols = next() % 9;
            let values: Vec<Option<String>> = (0..cols)
                .map(|_| {
                    let len = next() % 150;
                    (next() % 7 != 0).then(|| {
                        (0..len)
                            .map(|_| match next() % 200 {
                                0 if round % 2 == 0 => '\\',
                                1 if round % 2 == 0 => '\t',
                                2 if round % 3 == 0 => '\n',
                                3 if round % 3 == 0 => '\r',
                                4 => '\u{b}',
                                5 => 'é',
                                k => char::from(b'a' + (k % 26) as u8),
                            })
                            .collect()
                    })
                })
                .collect();
            let fields: Vec<Option<&str>> = values.iter().map(Option::as_deref).collect();
            let extra = ["2014-01-01"];
            let mut want = String::from("tag\t");
            hive_line(&fields, &extra, &mut want);
            let mut got = b"earlier\n".to_vec();
            hive_line_bytes(Some("tag"), &fields, &extra, &mut got);
            assert_eq!(String::from_utf8_lossy(&got[8..]), want, "{fields:?}");
        }
    }
}
