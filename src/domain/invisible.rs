//! Characters that show nothing, or change how the text around them is
//! shown: Unicode's `Default_Ignorable_Code_Point` and `Bidi_Control`
//! sets, written out as data (Unicode 16.0, DerivedCoreProperties.txt and
//! PropList.txt), with the rules [`super::text`] applies to them.
//!
//! Such a character makes two names that look the same differ (`Anna` and
//! `An\u{200B}na`), or makes a name look like another (a right-to-left
//! override turns `J. de Vries\u{202E}skooR` around on screen). One-line
//! fields (actors, submitters, programme names, titles, citations, legend
//! labels) refuse all of them. Free text (item texts, notes, reasons)
//! refuses the bidirectional controls and the tag characters, which can
//! reorder what a reader sees or carry whole hidden words, and keeps the
//! rest: zero-width joiners and variation selectors inside emoji, soft
//! hyphens and zero-width spaces in text pasted from a word processor or a
//! web page.

/// `Default_Ignorable_Code_Point`, inclusive ranges.
pub const DEFAULT_IGNORABLE: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),   // soft hyphen
    (0x034F, 0x034F),   // combining grapheme joiner
    (0x061C, 0x061C),   // Arabic letter mark
    (0x115F, 0x1160),   // Hangul choseong and jungseong fillers
    (0x17B4, 0x17B5),   // Khmer inherent vowels
    (0x180B, 0x180F),   // Mongolian variation selectors and vowel separator
    (0x200B, 0x200F),   // zero width space, non-joiner, joiner; LRM, RLM
    (0x202A, 0x202E),   // bidi embeddings and overrides
    (0x2060, 0x206F), // word joiner, invisible operators, bidi isolates, deprecated format characters
    (0x3164, 0x3164), // Hangul filler
    (0xFE00, 0xFE0F), // variation selectors 1–16
    (0xFEFF, 0xFEFF), // zero width no-break space (byte-order mark)
    (0xFFA0, 0xFFA0), // halfwidth Hangul filler
    (0xFFF0, 0xFFF8), // unassigned
    (0x1BCA0, 0x1BCA3), // shorthand format controls
    (0x1D173, 0x1D17A), // musical symbol format controls
    (0xE0000, 0xE0FFF), // tag characters, variation selectors 17–256, unassigned
];

/// `Bidi_Control`, inclusive ranges (all of them also default-ignorable).
pub const BIDI_CONTROL: &[(u32, u32)] = &[
    (0x061C, 0x061C), // Arabic letter mark
    (0x200E, 0x200F), // left-to-right mark, right-to-left mark
    (0x202A, 0x202E), // LRE, RLE, PDF, LRO, RLO
    (0x2066, 0x2069), // LRI, RLI, FSI, PDI
];

/// The tag characters (and the unassigned code points of their block).
pub const TAGS: (u32, u32) = (0xE0000, 0xE007F);

fn within(ranges: &[(u32, u32)], c: char) -> bool {
    let c = u32::from(c);
    ranges.iter().any(|&(lo, hi)| (lo..=hi).contains(&c))
}

/// True for a `Default_Ignorable_Code_Point`.
pub fn is_default_ignorable(c: char) -> bool {
    within(DEFAULT_IGNORABLE, c)
}

/// True for a `Bidi_Control` character.
pub fn is_bidi_control(c: char) -> bool {
    within(BIDI_CONTROL, c)
}

/// True for a tag character.
pub fn is_tag(c: char) -> bool {
    within(&[TAGS], c)
}

/// True for a character a one-line field refuses besides control
/// characters: every default-ignorable and bidi control, and the line and
/// paragraph separators (U+2028, U+2029), which break a line where no
/// newline is allowed.
pub fn refused_in_short_text(c: char) -> bool {
    is_default_ignorable(c) || is_bidi_control(c) || matches!(c, '\u{2028}' | '\u{2029}')
}

/// True for a character free text refuses besides control characters.
pub fn refused_in_free_text(c: char) -> bool {
    is_bidi_control(c) || is_tag(c)
}

/// True for a character that output meant for people shows as an escape
/// (`\u{202e}`) instead of passing on: control characters other than
/// newline and tab (a terminal would obey them), the bidi controls (they
/// reorder the line), the tag characters (they hide text) and the line and
/// paragraph separators.
pub fn shown_escaped(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || is_bidi_control(c)
        || is_tag(c)
        || matches!(c, '\u{2028}' | '\u{2029}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_sorted_disjoint_and_valid() {
        for set in [DEFAULT_IGNORABLE, BIDI_CONTROL] {
            for w in set.windows(2) {
                assert!(w[0].1 < w[1].0, "{w:x?}");
            }
            for &(lo, hi) in set {
                assert!(lo <= hi && char::from_u32(lo).is_some() && char::from_u32(hi).is_some());
            }
        }
    }

    #[test]
    fn bidi_controls_are_default_ignorable() {
        for &(lo, hi) in BIDI_CONTROL {
            for c in (lo..=hi).filter_map(char::from_u32) {
                assert!(is_default_ignorable(c), "{c:?}");
            }
        }
    }

    #[test]
    fn the_well_known_ones() {
        for c in [
            '\u{00AD}',
            '\u{200B}',
            '\u{200C}',
            '\u{200D}',
            '\u{2060}',
            '\u{FEFF}',
            '\u{FE0F}',
            '\u{E0041}',
            '\u{E0100}',
            '\u{180E}',
        ] {
            assert!(is_default_ignorable(c) && refused_in_short_text(c), "{c:?}");
        }
        for c in [
            '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2066}', '\u{2067}',
            '\u{2068}', '\u{2069}', '\u{200E}', '\u{200F}', '\u{061C}',
        ] {
            assert!(is_bidi_control(c) && refused_in_free_text(c), "{c:?}");
            assert!(shown_escaped(c), "{c:?}");
        }
        for c in ['a', 'é', ' ', '\u{00A0}', '€', '😀', '\n'] {
            assert!(!refused_in_short_text(c) && !shown_escaped(c), "{c:?}");
        }
        // Emoji sequences keep their joiners and selectors in free text.
        for c in ['\u{200D}', '\u{FE0F}', '\u{00AD}', '\u{200B}'] {
            assert!(!refused_in_free_text(c) && !shown_escaped(c), "{c:?}");
        }
        assert!(refused_in_free_text('\u{E0041}') && shown_escaped('\u{E0041}'));
        assert!(shown_escaped('\u{1b}') && shown_escaped('\u{9b}') && shown_escaped('\r'));
    }
}
