//! The index's largest values packed with zstd, each on its own, in a
//! store marked for it (`values-packed`, docs/format.md).
//!
//! The frames, the versions and the notes hold mostly text (item texts,
//! note texts, parties), written again for every version and every sealed
//! round; on the bench's ledgers they are three quarters of the index and
//! pack to a third (the frames and versions) or a half (the notes). sled's
//! own compression packs every page record it writes, with a new zstd
//! context for each record it reads back, which made every read of many
//! pages two to three times slower (docs/performance.md, "sled's own
//! compression"); here a value is packed once when written and unpacked
//! with a context each thread keeps.
//!
//! A packed value is a tag byte, then: for [`RAW`], the value as it is
//! (what a value that does not get smaller is written as); for [`ZSTD`],
//! the value's length (u32 BE) and one zstd frame of exactly that many
//! bytes. Unpacking allocates no more than the length read, and no more
//! than [`MOST`]; anything else is refused, never trusted.

use std::cell::RefCell;

/// The tag of a value stored as it is.
pub(super) const RAW: u8 = 0;
/// The tag of a value packed with zstd.
pub(super) const ZSTD: u8 = 1;
/// zstd's level for values read an item at a time (versions): its
/// fastest of the ordinary levels. Level 3 packed the bench's values less
/// than 2% smaller, at a quarter more time.
pub(super) const LEVEL: i32 = 1;
/// zstd's level for small values read one by one (notes, some 1 KB each)
/// and for the frames a diff unpacks by the round: one of its fast
/// levels, which unpacked notes 2.7 times as fast as level 1 (its entropy
/// tables cost more than such a value), at 1.7 times smaller where level
/// 1 gave 2, and frames 1.4 times as fast, 6% larger.
pub(super) const FAST: i32 = -1;
/// Values shorter than this are stored as they are: a zstd frame's own
/// header and the length cost more than they could save.
const SMALLEST: usize = 64;
/// The largest value unpacked (a larger one is written as it is): far
/// above any group of the index, so that a damaged length cannot make a
/// read allocate more than this.
pub(super) const MOST: usize = 64 << 20;

thread_local! {
    /// zstd's contexts, kept per thread: making one costs more than
    /// unpacking a small value with it.
    static CONTEXTS: RefCell<(zstd::block::Compressor, zstd::block::Decompressor)> =
        RefCell::new((zstd::block::Compressor::new(), zstd::block::Decompressor::new()));
}

/// `value` packed at zstd's `level`, when that makes it smaller; else as
/// it is.
pub(super) fn pack(value: &[u8], level: i32) -> Vec<u8> {
    if value.len() >= SMALLEST && value.len() <= MOST {
        let packed = CONTEXTS.with(|c| c.borrow_mut().0.compress(value, level));
        if let Ok(z) = packed
            && z.len() + 5 < value.len()
        {
            let len = u32::try_from(value.len()).unwrap_or(u32::MAX);
            let mut out = Vec::with_capacity(5 + z.len());
            out.push(ZSTD);
            out.extend_from_slice(&len.to_be_bytes());
            out.extend_from_slice(&z);
            return out;
        }
    }
    let mut out = Vec::with_capacity(1 + value.len());
    out.push(RAW);
    out.extend_from_slice(value);
    out
}

/// The value `stored` holds, or what is wrong with it.
pub(super) fn unpack(stored: &[u8]) -> Result<Vec<u8>, String> {
    match stored.split_first() {
        None => Err("an empty value, where a packed one begins with its tag".into()),
        Some((&RAW, rest)) => Ok(rest.to_vec()),
        Some((&ZSTD, rest)) => {
            let (Some(len), Some(frame)) = (rest.get(..4), rest.get(4..)) else {
                return Err("a packed value cut short before its length".into());
            };
            let len = u32::from_be_bytes([len[0], len[1], len[2], len[3]]) as usize;
            if len > MOST {
                return Err(format!(
                    "a packed value that says it holds {len} bytes, more than the {MOST} any is written with"
                ));
            }
            let out = CONTEXTS
                .with(|c| c.borrow_mut().1.decompress(frame, len))
                .map_err(|e| format!("a packed value zstd cannot unpack ({e})"))?;
            if out.len() != len {
                return Err(format!(
                    "a packed value of {} bytes, where its length says {len}",
                    out.len()
                ));
            }
            Ok(out)
        }
        Some((tag, _)) => Err(format!(
            "a value tagged {tag}, where a packed value is tagged {RAW} (as it is) or {ZSTD} (zstd)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_come_back_as_packed_and_text_gets_smaller() {
        let text = "De minister zegt toe de Kamer voor de zomer te informeren. ".repeat(40);
        for v in [
            Vec::new(),
            b"kort".to_vec(),
            text.clone().into_bytes(),
            (0..=255u8).cycle().take(5000).collect(),
        ] {
            for level in [LEVEL, FAST] {
                assert_eq!(unpack(&pack(&v, level)).unwrap(), v);
            }
        }
        let packed = pack(text.as_bytes(), LEVEL);
        assert_eq!(packed[0], ZSTD);
        assert!(
            packed.len() * 4 < text.len(),
            "{} of {}",
            packed.len(),
            text.len()
        );
        // A short value is stored as it is.
        assert_eq!(pack(b"kort", FAST), b"\0kort");
    }

    #[test]
    fn damaged_packed_values_are_refused_not_trusted() {
        let text = "voortgang gemeld, uitvoering loopt volgens planning; ".repeat(30);
        let good = pack(text.as_bytes(), LEVEL);
        // Each damage is refused with what was found.
        let mut longer = good.clone();
        longer[1..5].copy_from_slice(&(u32::try_from(text.len()).unwrap() + 1).to_be_bytes());
        let mut huge = good.clone();
        huge[1..5].copy_from_slice(&u32::MAX.to_be_bytes());
        let mut flipped = good.clone();
        let last = flipped.len() - 3;
        flipped[last] ^= 0xff;
        let cases: [(&[u8], &str); 6] = [
            (&[], "empty"),
            (&[7, 1, 2], "tagged 7"),
            (&good[..3], "cut short"),
            (&huge, "more than"),
            (&longer, "length says"),
            (&good[..good.len() - 4], "cannot unpack"),
        ];
        for (stored, why) in cases {
            let e = unpack(stored).unwrap_err();
            assert!(e.contains(why), "{e:?} should say {why:?}");
        }
        // A flipped byte inside the frame is refused or unpacks to other
        // bytes (zstd's frames here carry no checksum): never to the value.
        assert_ne!(unpack(&flipped).ok(), Some(text.into_bytes()));
    }
}
