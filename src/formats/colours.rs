//! A status shown as a colour (a shaded cell, a coloured dot) read back as
//! the legend status of that colour.
//!
//! The colour is matched first to the document's own legend, when it has
//! one that pairs colours with labels (a Word annex shows a coloured marker
//! before each label), and else to the `colour` values of the ledger's
//! legend: the nearest within [`TOLERANCE`], so a shade picked by eye from
//! Word's palette still reads. Near-white and light-grey fills (table
//! banding, a header's tint) are not statuses and are passed over in
//! silence; any other colour that matches nothing is reported with its
//! value, and so is a tie between two legend colours.

use super::docx::{Fill, Rgb};
use crate::domain::Legend;

/// Largest RGB distance at which a colour is taken for a legend colour.
/// Word's standard green `#00B050` is 75 from the NAP legend's `#2e7d32`
/// and its red `#FF0000` 80 from `#c62828`; among several legend colours
/// within reach, the nearest wins.
pub const TOLERANCE: u32 = 90;

/// What a colour says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reading {
    /// The status with this slug.
    Status(String),
    /// A colour that shows no status (white, light grey).
    Neutral,
    /// A colour that matches no status; the message says why.
    Unmatched(String),
}

/// Colours to statuses, for one document.
#[derive(Debug, Clone, Default)]
pub struct Palette {
    /// The document's own legend: colour, slug (None: a label the ledger's
    /// legend does not know) and the label as written.
    own: Vec<(Rgb, Option<String>, String)>,
    /// The ledger's legend colours and slugs.
    ledger: Vec<(Rgb, String)>,
}

impl Palette {
    /// A palette of the ledger's legend colours.
    pub fn new(legend: &Legend) -> Palette {
        let ledger = legend
            .entries
            .iter()
            .filter(|e| e.slug != crate::domain::legend::NOT_STATED)
            .filter_map(|e| Rgb::parse(&e.colour).map(|c| (c, e.slug.clone())))
            .collect();
        Palette {
            own: Vec::new(),
            ledger,
        }
    }

    /// Adds an entry of the document's own legend: `colour` shown before
    /// `label`, which is the ledger status `slug` (None when the ledger's
    /// legend has no such label). The first pairing of a colour stands.
    pub fn learn(&mut self, colour: Rgb, slug: Option<String>, label: &str) {
        if !self.own.iter().any(|(c, _, _)| *c == colour) {
            self.own.push((colour, slug, label.to_string()));
        }
    }

    /// True when the document brought its own legend.
    pub fn has_own(&self) -> bool {
        !self.own.is_empty()
    }

    /// The number of entries of the document's own legend.
    pub fn own_len(&self) -> usize {
        self.own.len()
    }

    /// What `fill` says.
    pub fn read_fill(&self, fill: &Fill) -> Reading {
        match fill {
            Fill::Rgb(c) => self.read(*c),
            Fill::Theme(name) => Reading::Unmatched(format!(
                "the theme colour '{name}' cannot be matched to the legend (its RGB value depends on the theme); give the cell an explicit colour"
            )),
        }
    }

    /// What `colour` says.
    pub fn read(&self, colour: Rgb) -> Reading {
        if let Some((_, slug, label)) = self
            .own
            .iter()
            .filter(|(c, _, _)| within(*c, colour))
            .min_by_key(|(c, _, _)| c.distance2(colour))
        {
            return match slug {
                Some(s) => Reading::Status(s.clone()),
                None => Reading::Unmatched(format!(
                    "colour {colour} is '{label}' in the document's legend, a status the ledger's legend does not know"
                )),
            };
        }
        let mut near: Vec<(u32, &String)> = self
            .ledger
            .iter()
            .filter(|(c, _)| within(*c, colour))
            .map(|(c, s)| (c.distance2(colour), s))
            .collect();
        near.sort();
        match near.as_slice() {
            [(d1, s1), (d2, s2), ..] if d1 == d2 && s1 != s2 => Reading::Unmatched(format!(
                "colour {colour} is as near to the legend colour of '{s1}' as to that of '{s2}'"
            )),
            [(_, s), ..] => Reading::Status((*s).clone()),
            [] if is_neutral(colour) => Reading::Neutral,
            [] => Reading::Unmatched(format!(
                "colour {colour} matches no colour of the legend ({})",
                self.ledger
                    .iter()
                    .map(|(c, s)| format!("{s} {c}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        }
    }
}

fn within(a: Rgb, b: Rgb) -> bool {
    a.distance2(b) <= TOLERANCE * TOLERANCE
}

/// White, near-white and light grey: banding and tints, not statuses.
pub fn is_neutral(c: Rgb) -> bool {
    let [r, g, b] = c.0;
    let max = r.max(g).max(b);
    let min = r.min(g).min(b);
    min >= 0xC8 && max - min <= 0x18
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rgb(s: &str) -> Rgb {
        Rgb::parse(s).unwrap()
    }

    #[test]
    fn nearest_legend_colour_within_tolerance() {
        let p = Palette::new(&Legend::nap());
        assert_eq!(p.read(rgb("#2e7d32")), Reading::Status("invulling".into()));
        // Word's standard green, picked by eye.
        assert_eq!(p.read(rgb("#00B050")), Reading::Status("invulling".into()));
        assert_eq!(
            p.read(rgb("#1565C0")),
            Reading::Status("in-uitvoering".into())
        );
        assert_eq!(p.read(rgb("#FFC000")), Reading::Status("vertraagd".into()));
        assert_eq!(p.read(rgb("#FFFFFF")), Reading::Neutral);
        assert_eq!(p.read(rgb("#F2F2F2")), Reading::Neutral);
        let Reading::Unmatched(m) = p.read(rgb("#FF00FF")) else {
            panic!("magenta matched")
        };
        assert!(
            m.contains("#FF00FF") && m.contains("invulling #2E7D32"),
            "{m}"
        );
    }

    #[test]
    fn the_documents_own_legend_comes_first() {
        let mut p = Palette::new(&Legend::nap());
        p.learn(
            rgb("#00FF00"),
            Some("in-uitvoering".into()),
            "In uitvoering",
        );
        p.learn(rgb("#FF00FF"), None, "Voldaan");
        assert_eq!(
            p.read(rgb("#00FF00")),
            Reading::Status("in-uitvoering".into())
        );
        let Reading::Unmatched(m) = p.read(rgb("#FF00FF")) else {
            panic!()
        };
        assert!(m.contains("'Voldaan' in the document's legend"), "{m}");
        // Colours the document's legend does not pair fall back on the ledger's.
        assert_eq!(p.read(rgb("#2e7d32")), Reading::Status("invulling".into()));
    }

    #[test]
    fn theme_colours_are_reported() {
        let p = Palette::new(&Legend::nap());
        let Reading::Unmatched(m) = p.read_fill(&Fill::Theme("accent1".into())) else {
            panic!()
        };
        assert!(m.contains("accent1"));
    }
}
