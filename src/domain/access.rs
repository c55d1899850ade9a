//! Who may do what, as the ledger records it: the keys that may sign or
//! cosign a round's note ([`KeyRole`], [`PublicKey`], [`KeyName`]) and the
//! accounts of a shared ledger ([`AccountName`], [`AccountRole`]). Pure
//! types and their parsers; the rules that use them are `projection::decide`
//! and the server's.

use super::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a registered key is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyRole {
    /// Signs round notes as the ledger's own key (signature type 0x01).
    Signer,
    /// Cosigns round notes as an independent witness (type 0x04).
    Witness,
}

impl KeyRole {
    /// Parses `signer` or `witness` (any case).
    pub fn parse(s: &str) -> Result<KeyRole, Invalid> {
        match s.trim().to_ascii_lowercase().as_str() {
            "signer" => Ok(KeyRole::Signer),
            "witness" => Ok(KeyRole::Witness),
            _ => Err(Invalid::new("key role", s, "signer or witness")),
        }
    }

    /// `signer` or `witness`.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyRole::Signer => "signer",
            KeyRole::Witness => "witness",
        }
    }
}

impl fmt::Display for KeyRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An Ed25519 signature (64 bytes; hex in JSON).
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Signature(pub [u8; 64]);

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({self})")
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::ids::hex(&self.0))
    }
}

impl Serialize for Signature {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            // serde implements arrays only up to 32 elements.
            s.serialize_bytes(&self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Signature {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error as _;
        let bytes = if d.is_human_readable() {
            let s = String::deserialize(d)?;
            super::ids::unhex(&s).ok_or_else(|| D::Error::custom("expected 128 hex digits"))?
        } else {
            serde_bytes_vec(d)?
        };
        <[u8; 64]>::try_from(bytes.as_slice())
            .map(Signature)
            .map_err(|_| D::Error::custom("expected a signature of 64 bytes"))
    }
}

/// Bytes as serialized with `serialize_bytes`, from a binary format.
fn serde_bytes_vec<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
    struct V;
    impl<'de> serde::de::Visitor<'de> for V {
        type Value = Vec<u8>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("bytes")
        }
        fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Vec<u8>, E> {
            Ok(v.to_vec())
        }
        fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Vec<u8>, E> {
            Ok(v)
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut a: A) -> Result<Vec<u8>, A::Error> {
            let mut out = Vec::new();
            while let Some(b) = a.next_element::<u8>()? {
                out.push(b);
            }
            Ok(out)
        }
    }
    d.deserialize_bytes(V)
}

/// An Ed25519 public key (32 bytes; hex in JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PublicKey(pub [u8; 32]);

impl fmt::Display for PublicKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&super::ids::hex(&self.0))
    }
}

super::ids::hex_serde!(PublicKey, 32);

/// The name of a key, as its note signatures carry it: 1–100 characters,
/// printable ASCII without spaces and without `+` (the signed-note rule),
/// e.g. `kamerstand.example/nap` or `rekenkamer.example/witness`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct KeyName(String);

impl KeyName {
    /// Checks a key name.
    pub fn parse(s: &str) -> Result<KeyName, Invalid> {
        let t = s.trim();
        let ok =
            !t.is_empty() && t.len() <= 100 && t.bytes().all(|b| b.is_ascii_graphic() && b != b'+');
        if ok {
            Ok(KeyName(t.to_string()))
        } else {
            Err(Invalid::new(
                "key name",
                s,
                "1 to 100 printable ASCII characters without spaces or '+', e.g. kamerstand.example/nap",
            ))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for KeyName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for KeyName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        KeyName::parse(&s).map_err(|e| e.to_string())
    }
}

impl From<KeyName> for String {
    fn from(k: KeyName) -> String {
        k.0
    }
}

/// The login name of an account of a shared ledger: 2–64 characters from
/// a–z 0–9 . _ - (lower case), starting with a letter, e.g. `j.devries`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct AccountName(String);

impl AccountName {
    /// Checks an account name (folded to lower case).
    pub fn parse(s: &str) -> Result<AccountName, Invalid> {
        let t = s.trim().to_ascii_lowercase();
        let ok = (2..=64).contains(&t.len())
            && t.chars().next().is_some_and(|c| c.is_ascii_lowercase())
            && t.chars().all(|c| {
                c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-')
            });
        if ok {
            Ok(AccountName(t))
        } else {
            Err(Invalid::new(
                "account name",
                s,
                "2 to 64 characters from a-z 0-9 . _ - starting with a letter, e.g. j.devries",
            ))
        }
    }

    /// The name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for AccountName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for AccountName {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        AccountName::parse(&s).map_err(|e| e.to_string())
    }
}

impl From<AccountName> for String {
    fn from(k: AccountName) -> String {
        k.0
    }
}

/// What an account of a shared ledger may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountRole {
    /// Manages accounts.
    Beheerder,
    /// Records for every item and seals rounds.
    Coordinator,
    /// Records status, assignment, notes and corrections for the items of
    /// the account's ministries.
    Medewerker,
    /// Reads everything, writes nothing.
    Auditor,
}

impl AccountRole {
    /// Every role, in the order messages list them.
    pub const ALL: [AccountRole; 4] = [
        AccountRole::Beheerder,
        AccountRole::Coordinator,
        AccountRole::Medewerker,
        AccountRole::Auditor,
    ];

    /// Parses a role's name (any case; `coördinator` with or without the
    /// diaeresis).
    pub fn parse(s: &str) -> Result<AccountRole, Invalid> {
        let t = s.trim().to_lowercase().replace('ö', "o");
        AccountRole::ALL
            .into_iter()
            .find(|r| r.as_str() == t)
            .ok_or_else(|| Invalid::new("role", s, "beheerder, coordinator, medewerker or auditor"))
    }

    /// The role's name: `beheerder`, `coordinator`, `medewerker`, `auditor`.
    pub fn as_str(self) -> &'static str {
        match self {
            AccountRole::Beheerder => "beheerder",
            AccountRole::Coordinator => "coordinator",
            AccountRole::Medewerker => "medewerker",
            AccountRole::Auditor => "auditor",
        }
    }

    /// The role's Dutch name as shown to people.
    pub fn label(self) -> &'static str {
        match self {
            AccountRole::Beheerder => "beheerder",
            AccountRole::Coordinator => "coördinator",
            AccountRole::Medewerker => "medewerker",
            AccountRole::Auditor => "auditor",
        }
    }
}

impl fmt::Display for AccountRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_roles_parse_and_refuse() {
        assert_eq!(
            KeyName::parse("a.example/nap").unwrap().as_str(),
            "a.example/nap"
        );
        assert!(KeyName::parse("a b").is_err());
        assert!(KeyName::parse("a+b").is_err());
        assert_eq!(
            AccountName::parse("J.deVries").unwrap().as_str(),
            "j.devries"
        );
        assert!(AccountName::parse("1abc").is_err());
        assert!(AccountName::parse("a\u{202e}b").is_err());
        assert_eq!(
            AccountRole::parse("Coördinator").unwrap(),
            AccountRole::Coordinator
        );
        assert!(AccountRole::parse("admin").is_err());
        assert_eq!(KeyRole::parse("WITNESS").unwrap(), KeyRole::Witness);
    }

    #[test]
    fn public_keys_are_hex_in_json_and_bytes_in_bincode() {
        let k = PublicKey([0xab; 32]);
        let j = serde_json::to_string(&k).unwrap();
        assert_eq!(j, format!("\"{}\"", "ab".repeat(32)));
        assert_eq!(serde_json::from_str::<PublicKey>(&j).unwrap(), k);
    }
}
