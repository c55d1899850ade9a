//! Free text given by users: Unicode NFC normalisation, trimming and limits.
//!
//! Everything a user types is normalised here before it is stored and hashed,
//! so that the same words typed on two keyboards give the same bytes.
//! Invisible characters are refused as [`super::invisible`] says, and
//! [`visible`] shows stored text to people without letting it steer their
//! terminal.

use super::Invalid;
use super::invisible;
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// Longest accepted free text (item text, progress note, reason), in bytes.
pub const MAX_TEXT_BYTES: usize = 64 * 1024;
/// Longest accepted short field (actor, submitter, programme name), in bytes.
pub const MAX_SHORT_BYTES: usize = 200;

/// Unicode NFC of `s`.
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// Normalises and checks free text: NFC, trimmed, non-empty, at most
/// [`MAX_TEXT_BYTES`], no control characters other than newline and tab,
/// no bidirectional controls or tag characters. Line endings are
/// normalised to `\n`.
pub fn free_text(what: &str, s: &str) -> Result<String, Invalid> {
    checked(what, &s.replace("\r\n", "\n"), MAX_TEXT_BYTES, true)
}

/// Normalises and checks a one-line field: NFC, trimmed, non-empty, at most
/// [`MAX_SHORT_BYTES`], no control characters at all, and no invisible
/// characters (default-ignorable code points, bidirectional controls, line
/// and paragraph separators) that would let two names that look alike
/// differ.
pub fn short_text(what: &str, s: &str) -> Result<String, Invalid> {
    checked(what, s, MAX_SHORT_BYTES, false)
}

fn checked(what: &str, s: &str, max: usize, multiline: bool) -> Result<String, Invalid> {
    let t = nfc(s.trim());
    if t.is_empty() {
        return Err(Invalid::new(what, s, "text must not be empty"));
    }
    if t.len() > max {
        return Err(Invalid::new(
            what,
            s,
            format!("at most {max} bytes are accepted, this is {}", t.len()),
        ));
    }
    if let Some(c) = t
        .chars()
        .find(|c| c.is_control() && !(multiline && (*c == '\n' || *c == '\t')))
    {
        return Err(Invalid::new(
            what,
            s,
            format!(
                "control character U+{:04X} is not accepted{}",
                u32::from(c),
                if multiline {
                    " (only newline and tab are)"
                } else {
                    ""
                }
            ),
        ));
    }
    let refused = if multiline {
        invisible::refused_in_free_text
    } else {
        invisible::refused_in_short_text
    };
    if let Some(c) = t.chars().find(|c| refused(*c)) {
        let why = if invisible::is_bidi_control(c) {
            "a bidirectional control, which reorders how the text around it is shown"
        } else if invisible::is_tag(c) {
            "a tag character, which shows nothing and can hide text"
        } else if matches!(c, '\u{2028}' | '\u{2029}') {
            "a line break"
        } else {
            "an invisible character, which makes text differ from what it looks like"
        };
        return Err(Invalid::new(
            what,
            s,
            format!(
                "U+{:04X} is {why}, and is not accepted here{}",
                u32::from(c),
                if multiline {
                    ""
                } else {
                    " (names, titles and citations take visible characters only)"
                }
            ),
        ));
    }
    Ok(t)
}

/// `s` with every character that [`invisible::shown_escaped`] names
/// written as its escape (`\u{1b}`, `\r`, `\u{202e}`): what output meant for
/// people (tables, `show`, `log`, receipts, error messages) prints of
/// stored text, so that a stored escape sequence cannot clear a screen,
/// rewrite a line or turn a name around. Newlines and tabs pass; text
/// without such characters is returned as it is.
pub fn visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(invisible::shown_escaped) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if invisible::shown_escaped(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// As [`visible`], each such character written as JSON's own escape
/// (`\u001b`, `\u202e`; a pair for one outside the BMP): inside a JSON
/// string it means the same character, so the JSON stays the JSON it was
/// and a terminal shows it as text.
pub fn json_visible(s: &str) -> Cow<'_, str> {
    if !s.chars().any(invisible::shown_escaped) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if invisible::shown_escaped(c) {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Shortens `s` to at most `max` characters for messages, marking the cut.
/// Control and invisible characters are shown as escapes (`\u{1b}`), so
/// that a message says what was refused and a terminal shows it as text.
pub fn shorten(s: &str, max: usize) -> String {
    let escaped: String = s
        .chars()
        .flat_map(|c| {
            if c.is_control() || invisible::refused_in_short_text(c) || invisible::shown_escaped(c)
            {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect();
    if escaped.chars().count() <= max {
        escaped
    } else {
        let mut out: String = escaped.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// Levenshtein distance over characters, case-insensitive.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut row = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            row.push(sub.min(prev[j + 1] + 1).min(row[j] + 1));
        }
        prev = row;
    }
    prev[b.len()]
}

/// Up to `n` candidates closest to `input`, for "did you mean" hints: only
/// those within a third of the input's length (at least 2 edits), nearest
/// first, ties in candidate order.
pub fn closest<'a>(
    input: &str,
    candidates: impl Iterator<Item = &'a str>,
    n: usize,
) -> Vec<String> {
    let limit = (input.chars().count() / 3).max(2);
    // The distance is at least the difference in length of the lower-cased
    // texts it compares: candidates farther apart than the limit are skipped
    // uncomputed, so a long input (a whole annex cell) costs only its length.
    let len = input.to_lowercase().chars().count();
    let mut scored: Vec<(usize, &str)> = candidates
        .filter(|c| c.to_lowercase().chars().count().abs_diff(len) <= limit)
        .map(|c| (distance(input, c), c))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort_by_key(|(d, _)| *d);
    scored
        .into_iter()
        .take(n)
        .map(|(_, c)| c.to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composes_decomposed_text() {
        // "e" + combining acute accent becomes the single code point é.
        let decomposed = "ge\u{0301}e\u{0308}valueerd";
        assert_eq!(
            free_text("note", decomposed).as_deref(),
            Ok("g\u{e9}\u{eb}valueerd")
        );
    }

    #[test]
    fn trims_and_rejects_empty() {
        assert_eq!(short_text("actor", "  Anna ").as_deref(), Ok("Anna"));
        assert!(free_text("note", "   \n ").is_err());
    }

    #[test]
    fn control_characters() {
        assert!(free_text("note", "line one\nline two\tx").is_ok());
        assert_eq!(free_text("note", "a\r\nb").as_deref(), Ok("a\nb"));
        assert!(free_text("note", "bell\u{7}").is_err());
        assert!(short_text("actor", "two\nlines").is_err());
    }

    #[test]
    fn invisible_characters_in_names_and_bidi_controls_anywhere() {
        for bad in [
            "Anna\u{202E}sirV",
            "An\u{200B}na",
            "\u{FEFF}Anna",
            "Anna\u{2066}",
            "A\u{00AD}nna",
            "Anna\u{E0041}",
            "Anna\u{2028}Piet",
            "Anna\u{FE0F}",
        ] {
            let e = short_text("--actor", bad).unwrap_err();
            assert!(e.expected.contains("is not accepted"), "{bad:?}: {e}");
            // The message shows the character as an escape, not raw.
            assert!(
                !e.value.chars().any(invisible::refused_in_short_text),
                "{e}"
            );
            assert!(e.value.contains("\\u{"), "{e}");
        }
        for bad in ["Tekst \u{202E}omgekeerd", "a\u{2067}b", "x\u{E0020}y"] {
            assert!(free_text("note", bad).is_err(), "{bad:?}");
        }
        // Free text keeps emoji sequences, soft hyphens and zero-width spaces.
        for ok in [
            "Overleg \u{1F469}\u{200D}\u{1F4BB} gepland",
            "\u{263A}\u{FE0F}",
            "ver\u{00AD}bin\u{00AD}ding",
            "a\u{200B}b",
        ] {
            assert_eq!(free_text("note", ok).as_deref(), Ok(ok));
        }
    }

    #[test]
    fn visible_escapes_what_would_steer_a_terminal() {
        assert!(matches!(visible("plain\ttext\nok"), Cow::Borrowed(_)));
        assert_eq!(
            visible("\u{1b}[2Jweg\rover\u{7}"),
            "\\u{1b}[2Jweg\\rover\\u{7}"
        );
        assert_eq!(visible("a\u{202E}b\u{9b}c"), "a\\u{202e}b\\u{9b}c");
        assert_eq!(
            visible("\u{1F469}\u{200D}\u{1F4BB}"),
            "\u{1F469}\u{200D}\u{1F4BB}"
        );
    }

    #[test]
    fn json_visible_escapes_as_json_does() {
        assert!(matches!(json_visible("{\"a\": \"b\"}\n"), Cow::Borrowed(_)));
        assert_eq!(json_visible("x\u{1b}y\u{202e}z"), "x\\u001by\\u202ez");
        assert_eq!(json_visible("\u{E0041}"), "\\udb40\\udc41");
    }

    #[test]
    fn size_limit() {
        let big = "x".repeat(MAX_TEXT_BYTES + 1);
        let err = free_text("note", &big).unwrap_err();
        assert!(err.expected.contains("at most 65536 bytes"), "{err}");
        assert!(err.value.chars().count() <= 60);
    }

    #[test]
    fn suggestions_are_close_and_ordered() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("M1", "m1"), 0);
        let keys = ["34843-79", "34843-78", "M1", "T2"];
        assert_eq!(
            closest("34843-97", keys.into_iter(), 3),
            vec!["34843-79", "34843-78"]
        );
        assert!(closest("zzzzzz", keys.into_iter(), 3).is_empty());
    }

    /// Found by fuzzing the annex parser: a long input is not compared
    /// character by character with candidates it cannot be close to, and
    /// skipping them changes no suggestion.
    #[test]
    fn long_inputs_skip_far_candidates() {
        let labels = ["In uitvoering", "in-uitvoering", "Doorlopend", "x"];
        let long = "In uitvoering ".repeat(100_000);
        assert!(closest(&long, labels.into_iter(), 3).is_empty());
        for input in [
            "in uitvoerin",
            "IN UITVOERING",
            "doorlopnd",
            "xy",
            "",
            "İİİ",
        ] {
            let limit = (input.chars().count() / 3).max(2);
            let mut all: Vec<(usize, &str)> = labels
                .into_iter()
                .map(|c| (distance(input, c), c))
                .filter(|(d, _)| *d <= limit)
                .collect();
            all.sort_by_key(|(d, _)| *d);
            let expected: Vec<String> = all.iter().map(|(_, c)| (*c).to_string()).collect();
            assert_eq!(closest(input, labels.into_iter(), 9), expected, "{input}");
        }
    }

    #[test]
    fn shorten_marks_cut_and_escapes() {
        assert_eq!(shorten("abcdef", 4), "abc…");
        assert_eq!(shorten("a\u{0}b", 10), "a\\u{0}b");
    }
}
