//! The two kinds of item a programme reports on: motions and commitments.

use super::Invalid;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A motion (motie) adopted by the chamber, or a commitment (toezegging) made
/// by a minister. The annex lists them in two sections, motions first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ItemKind {
    /// Motie: the chamber asks the government to do something.
    Motie,
    /// Toezegging: a minister promised something to the chamber.
    Toezegging,
}

impl ItemKind {
    /// Accepts `motie`, `moties`, `motion`, `toezegging`, `toezeggingen`,
    /// `commitment`, case-insensitively.
    pub fn parse(s: &str) -> Result<ItemKind, Invalid> {
        match s.trim().to_lowercase().as_str() {
            "motie" | "moties" | "motion" => Ok(ItemKind::Motie),
            "toezegging" | "toezeggingen" | "commitment" => Ok(ItemKind::Toezegging),
            _ => Err(Invalid::new(
                "kind",
                s,
                "one of: motie, toezegging (or motion, commitment)",
            )),
        }
    }

    /// The slug used on the command line and in JSON.
    pub fn slug(self) -> &'static str {
        match self {
            ItemKind::Motie => "motie",
            ItemKind::Toezegging => "toezegging",
        }
    }

    /// Section heading in the annex: `Moties` / `Toezeggingen`.
    pub fn section_nl(self) -> &'static str {
        match self {
            ItemKind::Motie => "Moties",
            ItemKind::Toezegging => "Toezeggingen",
        }
    }

    /// Letter of the fallback keys `M1`, `T1`, …
    pub fn key_letter(self) -> char {
        match self {
            ItemKind::Motie => 'M',
            ItemKind::Toezegging => 'T',
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.slug())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dutch_and_english() {
        assert_eq!(ItemKind::parse("Motie"), Ok(ItemKind::Motie));
        assert_eq!(ItemKind::parse("commitment"), Ok(ItemKind::Toezegging));
        let e = ItemKind::parse("amendement").unwrap_err();
        assert!(e.expected.contains("motie, toezegging"));
    }

    #[test]
    fn sections_and_letters() {
        assert_eq!(ItemKind::Toezegging.section_nl(), "Toezeggingen");
        assert_eq!(ItemKind::Motie.key_letter(), 'M');
        assert!(ItemKind::Motie < ItemKind::Toezegging, "motions come first");
    }
}
