//! Free text given by users: Unicode NFC normalisation, trimming and limits.
//!
//! Everything a user types is normalised here before it is stored and hashed,
//! so that the same words typed on two keyboards give the same bytes.

use super::Invalid;
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
/// [`MAX_TEXT_BYTES`], no control characters other than newline and tab.
/// Line endings are normalised to `\n`.
pub fn free_text(what: &str, s: &str) -> Result<String, Invalid> {
    checked(what, &s.replace("\r\n", "\n"), MAX_TEXT_BYTES, true)
}

/// Normalises and checks a one-line field: NFC, trimmed, non-empty, at most
/// [`MAX_SHORT_BYTES`], no control characters at all.
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
    Ok(t)
}

/// Shortens `s` to at most `max` characters for messages, marking the cut.
pub fn shorten(s: &str, max: usize) -> String {
    let escaped: String = s
        .chars()
        .flat_map(|c| {
            if c.is_control() {
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
