//! The status legend: which statuses a programme reports, stored as data in the
//! ledger's first event rather than as a fixed enum, because registries differ
//! (the NAP uses five, the Eerste Kamer three, budget annexes others).

use super::Invalid;
use serde::{Deserialize, Serialize};

/// Slug of the status an item has when no status was stated.
pub const NOT_STATED: &str = "niet-vermeld";

/// One status of a legend.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegendEntry {
    /// Short machine name, lowercase ASCII, e.g. `in-uitvoering`.
    pub slug: String,
    /// Dutch label as printed in the annex.
    pub nl: String,
    /// English label.
    pub en: String,
    /// Colour of the marker, `#rrggbb`.
    pub colour: String,
}

/// An ordered list of statuses. The order is the order of the legend in the
/// annex. Encoded as the bare list of entries (in JSON and in the canonical
/// bytes alike).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Legend {
    /// The statuses, in legend order.
    pub entries: Vec<LegendEntry>,
}

fn entry(slug: &str, nl: &str, en: &str, colour: &str) -> LegendEntry {
    LegendEntry {
        slug: slug.into(),
        nl: nl.into(),
        en: en.into(),
        colour: colour.into(),
    }
}

impl Legend {
    /// The five statuses of the national action programme's annex, plus
    /// "not stated".
    pub fn nap() -> Legend {
        Legend {
            entries: vec![
                entry(
                    "invulling",
                    "Wordt invulling gegeven aan",
                    "Being carried out",
                    "#2e7d32",
                ),
                entry("in-uitvoering", "In uitvoering", "In progress", "#1565c0"),
                entry(
                    "doorlopend",
                    "Doorlopend gedurende uitvoering programma",
                    "Continuous for the programme's duration",
                    "#6a1b9a",
                ),
                entry(
                    "vertraagd",
                    "In uitvoering met vertraging",
                    "In progress, delayed",
                    "#ef6c00",
                ),
                entry(
                    "niet-begonnen",
                    "Nog niet begonnen of afgebroken",
                    "Not started or stopped",
                    "#c62828",
                ),
                Legend::not_stated(),
            ],
        }
    }

    /// The "not stated" entry every legend carries.
    pub fn not_stated() -> LegendEntry {
        entry(NOT_STATED, "Niet vermeld", "Not stated", "#757575")
    }

    /// Finds a status by slug or Dutch label, case-insensitively; otherwise
    /// the error lists every accepted value.
    pub fn resolve(&self, input: &str) -> Result<&LegendEntry, Invalid> {
        let t = input.trim().to_lowercase();
        self.entries
            .iter()
            .find(|e| e.slug == t || e.nl.to_lowercase() == t)
            .ok_or_else(|| {
                let valid: Vec<String> = self
                    .entries
                    .iter()
                    .map(|e| format!("{} (\"{}\")", e.slug, e.nl))
                    .collect();
                Invalid::new("status", input, format!("one of: {}", valid.join(", ")))
            })
    }

    /// The entry for a slug stored in an event, if the legend has it.
    pub fn get(&self, slug: &str) -> Option<&LegendEntry> {
        self.entries.iter().find(|e| e.slug == slug)
    }

    /// Position of a slug in legend order (unknown slugs sort last).
    pub fn rank(&self, slug: &str) -> usize {
        self.entries
            .iter()
            .position(|e| e.slug == slug)
            .unwrap_or(self.entries.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nap_has_five_plus_not_stated() {
        let l = Legend::nap();
        assert_eq!(l.entries.len(), 6);
        assert_eq!(l.entries[5].slug, NOT_STATED);
        assert_eq!(l.rank("in-uitvoering"), 1);
        assert_eq!(l.rank("onbekend"), 6);
    }

    #[test]
    fn resolves_slug_or_dutch_label_case_insensitively() {
        let l = Legend::nap();
        assert_eq!(l.resolve("VERTRAAGD").unwrap().slug, "vertraagd");
        assert_eq!(
            l.resolve(" in uitvoering met vertraging ").unwrap().slug,
            "vertraagd"
        );
        assert_eq!(l.resolve("niet vermeld").unwrap().slug, NOT_STATED);
    }

    #[test]
    fn rejects_with_the_valid_values() {
        let e = Legend::nap().resolve("klaar").unwrap_err();
        assert_eq!(e.what, "status");
        for slug in ["invulling", "in-uitvoering", "doorlopend", "niet-begonnen"] {
            assert!(e.expected.contains(slug), "{e}");
        }
        assert!(e.expected.contains("In uitvoering met vertraging"));
    }
}
