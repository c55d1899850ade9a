//! Identity newtypes: event ids (UUID v7, which also name items) and SHA-256
//! event hashes. Both print as lowercase hex; in the canonical encoding both
//! are raw fixed-size byte arrays (16 and 32 bytes, no length prefix).

use std::fmt;

/// The id of an event: a UUID v7 stored as its 16 bytes. An item's id is the
/// id of the event that registered it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventId(pub [u8; 16]);

impl EventId {
    /// 32 lowercase hex digits without hyphens; prefixes of it select items.
    pub fn hex(&self) -> String {
        hex(&self.0)
    }
}

impl fmt::Display for EventId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

/// SHA-256 of an event's version tag and canonical bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct EventHash(pub [u8; 32]);

impl EventHash {
    /// The `prev` of the first event: 32 zero bytes.
    pub const GENESIS: EventHash = EventHash([0; 32]);

    /// 64 lowercase hex digits.
    pub fn hex(&self) -> String {
        hex(&self.0)
    }

    /// The first 12 hex digits, for tables.
    pub fn short(&self) -> String {
        self.hex().chars().take(12).collect()
    }

    /// Parses a digest as copied from a letter: 64 hex digits (either
    /// case), with any white space, line breaks and invisible formatting
    /// characters (a soft hyphen, a zero-width space) inside or around
    /// them left out — what a word processor puts into a long string it
    /// breaks across lines.
    pub fn from_published(s: &str) -> Option<EventHash> {
        let digits: String = s
            .chars()
            .filter(|c| {
                !c.is_whitespace()
                    && !matches!(
                        c,
                        '\u{ad}' | '\u{200b}'..='\u{200d}' | '\u{2060}' | '\u{feff}'
                    )
            })
            .collect();
        EventHash::from_hex(&digits)
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(s: &str) -> Option<EventHash> {
        let b = unhex(s.trim())?;
        <[u8; 32]>::try_from(b.as_slice()).ok().map(EventHash)
    }
}

impl fmt::Display for EventHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.hex())
    }
}

/// Lowercase hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

/// Bytes of an even-length hex string, or None.
pub fn unhex(s: &str) -> Option<Vec<u8>> {
    if !s.len().is_multiple_of(2) {
        return None;
    }
    let digit = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    // Sized at once: an events import decodes a million events' bytes.
    let mut out = Vec::with_capacity(s.len() / 2);
    for p in s.as_bytes().chunks_exact(2) {
        out.push(digit(p[0])? << 4 | digit(p[1])?);
    }
    Some(out)
}

/// Serde for a newtype over `[u8; N]`: hex in JSON, the raw array in the
/// binary encoding (which hashing depends on).
macro_rules! hex_serde {
    ($t:ty, $n:expr) => {
        impl serde::Serialize for $t {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                if s.is_human_readable() {
                    s.collect_str(self)
                } else {
                    serde::Serialize::serialize(&self.0, s)
                }
            }
        }
        impl<'de> serde::Deserialize<'de> for $t {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                if d.is_human_readable() {
                    let s = <String as serde::Deserialize>::deserialize(d)?;
                    let b = $crate::domain::ids::unhex(&s.replace('-', ""))
                        .ok_or_else(|| D::Error::custom("expected hex digits"))?;
                    <[u8; $n]>::try_from(b.as_slice())
                        .map(Self)
                        .map_err(|_| D::Error::custom(concat!("expected ", $n, " bytes of hex")))
                } else {
                    <[u8; $n] as serde::Deserialize>::deserialize(d).map(Self)
                }
            }
        }
    };
}
pub(crate) use hex_serde;

hex_serde!(EventId, 16);
hex_serde!(EventHash, 32);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_roundtrip() {
        let h = EventHash([0xab; 32]);
        assert_eq!(h.hex().len(), 64);
        assert_eq!(EventHash::from_hex(&h.hex().to_uppercase()), Some(h));
        assert_eq!(h.short(), "abababababab");
        assert_eq!(EventHash::from_hex("abc"), None);
        // As copied from a letter: in groups, across lines, with a soft
        // hyphen where Word broke it.
        let split = format!(
            " {} {}\n{}\u{ad}\r\n\t{}\u{a0} ",
            &h.hex()[..8],
            &h.hex()[8..32],
            &h.hex()[32..40],
            &h.hex()[40..]
        );
        assert_eq!(EventHash::from_published(&split), Some(h));
        assert_eq!(EventHash::from_published(&h.hex()[1..]), None);
        assert_eq!(EventHash::from_published(&format!("{} x", h.hex())), None);
        assert_eq!(EventHash::from_hex(&"zz".repeat(32)), None);
    }

    #[test]
    fn unhex_reads_every_byte_in_either_case_and_refuses_anything_else() {
        let all: Vec<u8> = (0..=255).collect();
        assert_eq!(unhex(&hex(&all)), Some(all.clone()));
        assert_eq!(unhex(&hex(&all).to_uppercase()), Some(all));
        assert_eq!(unhex(""), Some(Vec::new()));
        for bad in ["a", "abc", "0g", "g0", "0x", " 0", "é0", "éé", "00-1"] {
            assert_eq!(unhex(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn genesis_is_zero() {
        assert_eq!(EventHash::GENESIS.hex(), "0".repeat(64));
    }

    #[test]
    fn json_is_hex() {
        let id = EventId([1; 16]);
        let j = serde_json::to_string(&id).unwrap();
        assert_eq!(j, format!("\"{}\"", "01".repeat(16)));
        assert_eq!(serde_json::from_str::<EventId>(&j).unwrap(), id);
    }
}
