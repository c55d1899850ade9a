//! The canonical encoding of envelopes and the event hash. This is the only
//! module that knows the bincode configuration; `schema/event-v1.md` documents
//! the bytes it produces.
//!
//! Configuration: bincode 2, little-endian, fixed-width integers (no varints),
//! so every integer has one size and an outside verifier needs no bincode.

use super::envelope::{Envelope, FORMAT_VERSION};
use crate::domain::EventHash;
use bincode::config::{Configuration, Fixint, LittleEndian, NoLimit};
use sha2::{Digest, Sha256};

/// Largest accepted encoded envelope. Texts are capped well below this, so
/// only damage or a forged record reaches it.
pub const MAX_ENVELOPE_BYTES: usize = 1 << 20;

/// Prefix hashed before the canonical bytes of a format-1 envelope.
pub const HASH_TAG_V1: &[u8] = b"kamerstand/event/v1\n";

const CONFIG: Configuration<LittleEndian, Fixint, NoLimit> = bincode::config::standard()
    .with_little_endian()
    .with_fixed_int_encoding();

/// Canonical bytes of an envelope.
pub fn encode(env: &Envelope) -> Result<Vec<u8>, String> {
    encoded(env)
}

/// The most a thread's scratch buffer keeps between encodings.
const SCRATCH_KEPT: usize = 1 << 20;

/// Appends what bincode writes to a vector.
struct Appended<'a>(&'a mut Vec<u8>);

impl bincode::enc::write::Writer for Appended<'_> {
    fn write(&mut self, bytes: &[u8]) -> Result<(), bincode::error::EncodeError> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }
}

/// `v` in the canonical encoding, written into a buffer each thread keeps
/// and returned as a vector of exactly its size. (bincode's
/// `encode_to_vec` grows an empty vector by doubling: some nine
/// reallocations for an item's snapshot, which `verify` and an import
/// encode for every event.)
fn encoded<T: serde::Serialize + ?Sized>(v: &T) -> Result<Vec<u8>, String> {
    thread_local! {
        static SCRATCH: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    SCRATCH.with(|scratch| {
        let Ok(mut buf) = scratch.try_borrow_mut() else {
            // Encoding within an encoding: no scratch to spare.
            return bincode::serde::encode_to_vec(v, CONFIG).map_err(|e| e.to_string());
        };
        buf.clear();
        let written = bincode::serde::encode_into_writer(v, Appended(&mut buf), CONFIG)
            .map(|()| buf.to_vec())
            .map_err(|e| e.to_string());
        if buf.capacity() > SCRATCH_KEPT {
            *buf = Vec::new();
        }
        written
    })
}

/// The variant index of the body of canonical event bytes, read where
/// schema/event-v1.md puts it (the `u32` after the envelope's actor string,
/// at offset 74 plus the actor's length), without decoding anything else;
/// None when the bytes are too short to hold one. A caller that looks for a
/// few rare kinds of event among many decodes only those.
pub fn body_variant(bytes: &[u8]) -> Option<u32> {
    let actor = u64::from_le_bytes(bytes.get(34..42)?.try_into().ok()?);
    let at = usize::try_from(actor).ok()?.checked_add(74)?;
    let tag = bytes.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes(tag.try_into().ok()?))
}

/// Decodes canonical bytes, refusing trailing bytes, oversize records and
/// format versions this build does not know.
pub fn decode(bytes: &[u8]) -> Result<Envelope, String> {
    let env = decode_form(bytes)?;
    // One value, one encoding: bytes that decode but are not what encoding
    // the decoded value gives (a lower-case responsible code, say) would let
    // two different byte strings stand for the same event.
    if encode(&env).as_deref() != Ok(bytes) {
        return Err(
            "the bytes are not in canonical form (encoding the decoded event gives other bytes)"
                .into(),
        );
    }
    Ok(env)
}

/// As [`decode`] without the check that the bytes are canonical (encoding
/// the event again, which costs about as much as decoding it): only for a
/// caller beside a chain check that decodes the same bytes with [`decode`]
/// and reports non-canonical ones first (`verify`'s index side), or after
/// one that refused them (an import's index build).
pub fn decode_beside_chain_check(bytes: &[u8]) -> Result<Envelope, String> {
    decode_form(bytes)
}

fn decode_form(bytes: &[u8]) -> Result<Envelope, String> {
    if bytes.len() > MAX_ENVELOPE_BYTES {
        return Err(format!(
            "record of {} bytes exceeds the {MAX_ENVELOPE_BYTES}-byte limit",
            bytes.len()
        ));
    }
    let version = match bytes {
        [a, b, ..] => u16::from_le_bytes([*a, *b]),
        _ => return Err(format!("record of {} bytes is too short", bytes.len())),
    };
    if version != FORMAT_VERSION {
        return Err(format!(
            "format version {version} is not known to this kamerstand (it reads version {FORMAT_VERSION})"
        ));
    }
    let (env, read): (Envelope, usize) =
        bincode::serde::decode_from_slice(bytes, CONFIG.with_limit::<MAX_ENVELOPE_BYTES>())
            .map_err(describe)?;
    if read != bytes.len() {
        return Err(format!(
            "{} trailing bytes after the envelope",
            bytes.len() - read
        ));
    }
    Ok(env)
}

/// Bytes of a value the ledger derives (an index entry), in the same
/// encoding as events.
pub fn encode_value<T: serde::Serialize>(v: &T) -> Result<Vec<u8>, String> {
    encoded(v)
}

/// Decodes an index entry, refusing trailing bytes.
pub fn decode_value<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, String> {
    let (v, read): (T, usize) =
        bincode::serde::decode_from_slice(bytes, CONFIG.with_limit::<MAX_ENVELOPE_BYTES>())
            .map_err(describe)?;
    if read != bytes.len() {
        return Err(format!("{} trailing bytes", bytes.len() - read));
    }
    Ok(v)
}

/// A decoding error in words: the text of our own checks (dates, codes) as
/// it is, bincode's own errors as bincode says them.
fn describe(e: bincode::error::DecodeError) -> String {
    match e {
        bincode::error::DecodeError::OtherString(s) => s,
        bincode::error::DecodeError::Other(s) => s.to_string(),
        other => other.to_string(),
    }
}

/// `SHA-256(tag ‖ canonical bytes)` for the format version in the bytes.
pub fn hash(bytes: &[u8]) -> EventHash {
    let mut h = Sha256::new();
    h.update(HASH_TAG_V1);
    h.update(bytes);
    EventHash(h.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{Day, EventBody, EventId, ItemKey, ItemKind, Responsible, Timestamp};

    #[test]
    fn values_encoded_through_the_scratch_buffer_are_bincodes_own_bytes() {
        fn same<T: serde::Serialize>(v: &T) {
            let own = bincode::serde::encode_to_vec(v, CONFIG).unwrap();
            assert_eq!(encode_value(v).unwrap(), own);
        }
        // Small, larger than the scratch keeps, small again: nothing of one
        // is left in the next.
        same(&("kort".to_string(), 7u64));
        same(&("x".repeat(3 << 20), vec![1u32, 2, 3]));
        same(&vec!["a".to_string()]);
        same(&sample());
        let own = bincode::serde::encode_to_vec(sample(), CONFIG).unwrap();
        assert_eq!(encode(&sample()).unwrap(), own);
    }

    fn sample() -> Envelope {
        Envelope {
            format: FORMAT_VERSION,
            seq: 1,
            id: EventId([0x11; 16]),
            recorded_at: Timestamp::from_unix_nanos(1_000),
            actor: "ab".into(),
            prev: EventHash([0x22; 32]),
            body: EventBody::ItemRegistered {
                kind: ItemKind::Toezegging,
                key: ItemKey::parse("T1").unwrap(),
                text: "x".into(),
                submitters: vec![],
                citations: vec!["c".into()],
                responsible: Responsible::parse("SOCW").unwrap(),
                status: "doorlopend".into(),
                effective: Day::from_parts(2024, 3, 1).unwrap(),
            },
        }
    }

    /// The body's variant is read where the schema puts it, whatever the
    /// actor's length, and is the index the body's own encoding begins
    /// with; bytes too short to hold one give none, and no panic.
    #[test]
    fn the_body_variant_is_read_without_decoding() {
        let bodies = [
            (sample().body, 1),
            (
                EventBody::AccountChanged {
                    account: crate::domain::AccountName::parse("a.b").unwrap(),
                    role: None,
                    ministries: None,
                    disabled: Some(true),
                },
                11,
            ),
            (
                EventBody::ItemsOrdered {
                    kind: ItemKind::Motie,
                    order: vec![EventId([0x33; 16])],
                },
                13,
            ),
        ];
        for (body, variant) in bodies {
            for actor in ["", "ab", &"x".repeat(200)] {
                let env = Envelope {
                    actor: actor.into(),
                    body: body.clone(),
                    ..sample()
                };
                let b = encode(&env).unwrap();
                let own = encode_value(&env.body).unwrap();
                assert_eq!(body_variant(&b), Some(variant), "{actor:?}");
                assert_eq!(
                    Some(u32::from_le_bytes(own[..4].try_into().unwrap())),
                    body_variant(&b)
                );
                let head = 74 + actor.len();
                assert_eq!(body_variant(&b[..head + 3]), None);
                assert_eq!(body_variant(&b[..head + 4]), Some(variant));
            }
        }
        assert_eq!(body_variant(&[]), None);
        let mut huge = encode(&sample()).unwrap();
        huge[34..42].copy_from_slice(&u64::MAX.to_le_bytes());
        assert_eq!(body_variant(&huge), None);
    }

    /// The byte layout documented in schema/event-v1.md, checked field by field.
    #[test]
    fn layout_matches_the_schema_document() {
        let b = encode(&sample()).unwrap();
        let mut expected: Vec<u8> = Vec::new();
        expected.extend(1u16.to_le_bytes()); // format
        expected.extend(1u64.to_le_bytes()); // seq
        expected.extend([0x11; 16]); // id
        expected.extend(1_000i64.to_le_bytes()); // recorded_at
        expected.extend(2u64.to_le_bytes()); // actor length
        expected.extend(b"ab");
        expected.extend([0x22; 32]); // prev
        expected.extend(1u32.to_le_bytes()); // variant ItemRegistered
        expected.extend(1u32.to_le_bytes()); // kind toezegging
        expected.extend(2u64.to_le_bytes());
        expected.extend(b"T1"); // key
        expected.extend(1u64.to_le_bytes());
        expected.extend(b"x"); // text
        expected.extend(0u64.to_le_bytes()); // submitters: empty list
        expected.extend(1u64.to_le_bytes()); // citations: one
        expected.extend(1u64.to_le_bytes());
        expected.extend(b"c");
        expected.extend(1u64.to_le_bytes()); // responsible: one code
        expected.extend(4u64.to_le_bytes());
        expected.extend(b"SOCW");
        expected.extend(10u64.to_le_bytes());
        expected.extend(b"doorlopend");
        expected.extend(2024u16.to_le_bytes()); // effective
        expected.extend([3u8, 1u8]);
        assert_eq!(b, expected);
    }

    /// Variant 7 (a correction), with a bool and every kind of option.
    #[test]
    fn correction_layout_matches_the_schema_document() {
        let mut env = sample();
        env.body = EventBody::Corrected {
            target_seq: 5,
            target_id: EventId([0x33; 16]),
            item: EventId([0x44; 16]),
            reason: "r".into(),
            replacement: crate::domain::Replacement {
                status: Some("s".into()),
                responsible: None,
                note: None,
                effective: Some(Day::from_parts(2025, 2, 3).unwrap()),
                retract: false,
            },
        };
        let b = encode(&env).unwrap();
        let header = 2 + 8 + 16 + 8 + (8 + 2) + 32;
        let mut expected: Vec<u8> = Vec::new();
        expected.extend(7u32.to_le_bytes()); // variant Corrected
        expected.extend(5u64.to_le_bytes()); // target_seq
        expected.extend([0x33; 16]); // target_id
        expected.extend([0x44; 16]); // item
        expected.extend(1u64.to_le_bytes());
        expected.extend(b"r"); // reason
        expected.push(1); // status: Some
        expected.extend(1u64.to_le_bytes());
        expected.extend(b"s");
        expected.push(0); // responsible: None
        expected.push(0); // note: None
        expected.push(1); // effective: Some
        expected.extend(2025u16.to_le_bytes());
        expected.extend([2u8, 3u8]);
        expected.push(0); // retract: false
        assert_eq!(&b[header..], expected.as_slice());
        assert_eq!(decode(&b).unwrap(), env);
    }

    #[test]
    fn non_canonical_bytes_are_refused() {
        // A responsible code stored in lower case decodes (the parser
        // accepts it) but is not what encoding gives: refused.
        let b = encode(&sample()).unwrap();
        let at = b.windows(4).position(|w| w == b"SOCW").unwrap();
        let mut lower = b.clone();
        lower[at..at + 4].copy_from_slice(b"socw");
        assert!(decode(&lower).unwrap_err().contains("canonical"));
    }

    #[test]
    fn options_are_a_flag_byte() {
        let mut env = sample();
        env.body = EventBody::StatusChanged {
            item: EventId([3; 16]),
            status: "s".into(),
            reason: Some("r".into()),
            effective: Day::from_parts(2024, 1, 2).unwrap(),
        };
        let with = encode(&env).unwrap();
        if let EventBody::StatusChanged { reason, .. } = &mut env.body {
            *reason = None;
        }
        let without = encode(&env).unwrap();
        // Some("r") = 01 + u64 length + 'r'; None = 00.
        assert_eq!(with.len() - without.len(), 9);
        let at = 2 + 8 + 16 + 8 + 8 + 2 + 32 + 4 + 16 + 8 + 1;
        assert_eq!(without[at], 0);
        assert_eq!(with[at], 1);
    }

    #[test]
    fn roundtrip_and_refusals() {
        let env = sample();
        let b = encode(&env).unwrap();
        assert_eq!(decode(&b).unwrap(), env);
        let mut longer = b.clone();
        longer.push(0);
        assert!(decode(&longer).unwrap_err().contains("trailing"));
        let mut newer = b.clone();
        newer[0] = 2;
        assert!(decode(&newer).unwrap_err().contains("format version 2"));
        assert!(decode(&b[..b.len() - 1]).is_err());
        assert!(decode(&[]).is_err());
    }

    #[test]
    fn hash_covers_tag_and_bytes() {
        let b = encode(&sample()).unwrap();
        let mut h = Sha256::new();
        h.update(b"kamerstand/event/v1\n");
        h.update(&b);
        let expected: [u8; 32] = h.finalize().into();
        assert_eq!(hash(&b).0, expected);
        let mut flipped = b.clone();
        flipped[40] ^= 1;
        assert_ne!(hash(&flipped), hash(&b));
    }
}
