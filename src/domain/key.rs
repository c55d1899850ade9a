//! Item keys: the short human name of an item (`34843-79`, `M3`, `T1`).
//!
//! A key is derived from the item's citation where it has one, else it is the
//! kind's letter and a counter, or the clerk gives it. Keys are unique within
//! a ledger regardless of case.

use super::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Longest accepted key, in characters.
pub const MAX_KEY_LEN: usize = 32;

/// A validated item key: 1–32 ASCII letters, digits, `-`, `_` or `.`,
/// starting with a letter or digit.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ItemKey(String);

impl ItemKey {
    /// Validates a key typed by a user.
    pub fn parse(s: &str) -> Result<ItemKey, Invalid> {
        let expected = || {
            format!(
                "1 to {MAX_KEY_LEN} characters from A-Z a-z 0-9 - _ . starting with a letter or digit, e.g. 34843-79 or M3"
            )
        };
        let t = s.trim();
        let ok_first = t.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let ok_rest = t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !ok_first || !ok_rest || t.len() > MAX_KEY_LEN {
            return Err(Invalid::new("key", s, expected()));
        }
        Ok(ItemKey(t.to_string()))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form used to compare keys for uniqueness.
    pub fn folded(&self) -> String {
        self.0.to_ascii_lowercase()
    }
}

impl fmt::Display for ItemKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_citation_and_counter_keys() {
        for k in ["34843-79", "35925-VIII-124", "M1", "t12", "nap_2024.3"] {
            assert_eq!(ItemKey::parse(k).unwrap().as_str(), k);
        }
        assert_eq!(ItemKey::parse("M1").unwrap().folded(), "m1");
    }

    #[test]
    fn rejects_odd_keys() {
        let long = "a".repeat(33);
        for bad in ["", "-x", "a b", "x/y", "é1", "k\u{7}", long.as_str()] {
            let e = ItemKey::parse(bad).unwrap_err();
            assert!(
                e.expected.contains("starting with a letter or digit"),
                "{bad}"
            );
        }
    }
}
