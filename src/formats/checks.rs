//! One set of text checks for every row an import reads, whatever format
//! produced it: [`ImportRow::checked`] applies the domain's rules for text
//! ([`crate::domain::text`]: NFC, trimming, limits, no control characters,
//! and [`crate::domain::invisible`]) to every field, as the command line
//! applies them to every argument. The import use case calls it for every
//! row of every format, so a new reader gets the checks without doing
//! anything; a reader may check earlier (the CSV reader does, cell by cell,
//! naming the column), never less.
//!
//! What a field that fails does, per field:
//!
//! - **Item text and progress text** (free text, at most 64 KiB): the import
//!   is refused, naming the line and the field. The text is what the row
//!   records: stored cut or stripped it would misstate the file, and left
//!   out it would drop the item. An empty item text stays empty (the source
//!   lost it; the plan names such rows); an empty progress text is no note.
//! - **Submitters and citations** (one-line fields, at most 200 bytes each):
//!   a character the rules refuse (a control character, an escape sequence,
//!   an invisible or bidirectional character) refuses the import, as it
//!   would on the command line; nothing honest needs one, and a name that
//!   only looks like another must not be stored. One that is merely too
//!   long (a footnote that holds a remark rather than a reference) is left
//!   out with an anomaly naming the line and its start: the item is
//!   recorded without it, and `item amend` can add it.

use super::{Anomaly, ImportRow};
use crate::domain::text::{self, MAX_SHORT_BYTES};
use crate::domain::{Invalid, invisible};

impl ImportRow {
    /// The row with every text field checked and normalised by the domain's
    /// rules, and the anomalies of the entries it left out; or the refusal
    /// of the import. `source` names the format in messages ("annex",
    /// "CSV"): `invalid annex line 12, text '…': control character U+001B
    /// is not accepted …`.
    pub fn checked(self, source: &str) -> Result<(ImportRow, Vec<Anomaly>), Invalid> {
        let line = self.line;
        let at = |field: &str| format!("{source} line {line}, {field}");
        let mut anomalies = Vec::new();
        let mut list = |field: &str, entries: Vec<String>| -> Result<Vec<String>, Invalid> {
            let mut kept = Vec::with_capacity(entries.len());
            for entry in entries {
                if entry.trim().is_empty() {
                    continue;
                }
                match text::short_text(&at(field), &entry) {
                    Ok(t) => kept.push(t),
                    Err(e) if only_too_long(&entry) => anomalies.push(Anomaly {
                        line,
                        message: format!(
                            "{field}: '{}' left out: {}; the item is recorded without it (add it with `item amend` if it belongs)",
                            e.value, e.expected
                        ),
                    }),
                    Err(e) => return Err(e),
                }
            }
            Ok(kept)
        };
        // The texts first: a refusal names the field the row is about
        // before one derived from it (a motion's submitters come from its
        // text).
        let text = if self.text.trim().is_empty() {
            String::new()
        } else {
            text::free_text(&at("text"), &self.text)?
        };
        let progress = match self.progress {
            Some(p) if !p.trim().is_empty() => Some(text::free_text(&at("progress"), &p)?),
            _ => None,
        };
        let submitters = list("submitters", self.submitters)?;
        let citations = list("citations", self.citations)?;
        let progress_citations = list("progress_citations", self.progress_citations)?;
        // Where it was made is a citation, and a title a one-line text.
        let made_in = list("made_in", self.made_in.into_iter().collect())?
            .into_iter()
            .next();
        let title = list("title", self.title.into_iter().collect())?
            .into_iter()
            .next();
        Ok((
            ImportRow {
                text,
                submitters,
                citations,
                progress,
                progress_citations,
                made_in,
                title,
                ..self
            },
            anomalies,
        ))
    }
}

/// True when a one-line entry fails only by its length: it holds no
/// character the rules refuse.
fn only_too_long(entry: &str) -> bool {
    let t = text::nfc(entry.trim());
    t.len() > MAX_SHORT_BYTES
        && !t
            .chars()
            .any(|c| c.is_control() || invisible::refused_in_short_text(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::ItemKind;

    fn row() -> ImportRow {
        ImportRow {
            text: "Motie van het lid Jansen; verzoekt de regering.".into(),
            submitters: vec!["Jansen".into()],
            citations: vec!["Kamerstukken II 2024/25, 36000, nr. 5".into()],
            status: None,
            responsible: None,
            progress: Some("Loopt.".into()),
            progress_citations: Vec::new(),
            ..ImportRow::new(7, ItemKind::Motie)
        }
    }

    #[test]
    fn a_clean_row_is_unchanged() {
        let (r, a) = row().checked("annex").unwrap();
        assert_eq!(r, row());
        assert!(a.is_empty());
    }

    #[test]
    fn texts_are_normalised_and_empty_ones_kept_empty() {
        let mut r = row();
        r.text = "  ge\u{0301}e\u{0308}valueerd\r\nja ".into();
        r.progress = Some(" \n ".into());
        r.submitters = vec![" ".into(), " Jansen ".into()];
        let (r, _) = r.checked("annex").unwrap();
        assert_eq!(r.text, "g\u{e9}\u{eb}valueerd\nja");
        assert_eq!(r.progress, None);
        assert_eq!(r.submitters, vec!["Jansen".to_string()]);
        let mut empty = row();
        empty.text = String::new();
        assert_eq!(empty.checked("annex").unwrap().0.text, "");
    }

    #[test]
    fn what_cannot_be_stored_refuses_naming_line_and_field() {
        /// An edit of the row, the field it should be refused for, and
        /// what the refusal should say.
        type Case = (fn(&mut ImportRow), &'static str, &'static str);
        let cases: [Case; 6] = [
            (
                |r| r.text = "Een\u{0}motie".into(),
                "annex line 7, text",
                "U+0000",
            ),
            (
                |r| r.text = "x\u{1b}[2J".into(),
                "annex line 7, text",
                "U+001B",
            ),
            (
                |r| r.text = "x".repeat(500_000),
                "annex line 7, text",
                "at most 65536 bytes",
            ),
            (
                |r| r.progress = Some("a\u{1b}]0;titel\u{7}".into()),
                "annex line 7, progress",
                "U+001B",
            ),
            (
                |r| r.submitters = vec!["Jan\u{202e}sen".into()],
                "annex line 7, submitters",
                "bidirectional",
            ),
            (
                |r| r.citations = vec!["Kamer\u{200b}stukken".into()],
                "annex line 7, citations",
                "invisible",
            ),
        ];
        for (edit, what, says) in cases {
            let mut r = row();
            edit(&mut r);
            let e = r.checked("annex").unwrap_err();
            assert_eq!(e.what, what);
            assert!(e.expected.contains(says), "{e}");
            assert!(!e.value.chars().any(invisible::shown_escaped), "{e}");
        }
    }

    #[test]
    fn a_citation_that_is_only_too_long_is_left_out_with_an_anomaly() {
        let mut r = row();
        let long = format!("Zie {}", "de brief over de voortgang ".repeat(10));
        r.citations = vec![long, "Kamerstukken II 2024/25, 36000, nr. 6".into()];
        let (r, a) = r.checked("annex").unwrap();
        assert_eq!(
            r.citations,
            vec!["Kamerstukken II 2024/25, 36000, nr. 6".to_string()]
        );
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].line, 7);
        assert!(
            a[0].message.starts_with("citations: 'Zie de brief"),
            "{a:?}"
        );
        assert!(a[0].message.contains("at most 200 bytes"), "{a:?}");
    }
}
