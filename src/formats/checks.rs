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
//!   recorded without it, and `item amend` can add it. A citation left out
//!   takes its footnote marker out of the text with it, and the markers
//!   after it count down ([`marks::renumber`]). A marker past a text's last
//!   citation names nothing and is left out with an anomaly (`item add`
//!   refuses such a text).

use super::annex::marks;
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
        // Each entry checked, or None where it is left out.
        let mut each = |field: &str,
                        entries: Vec<String>|
         -> Result<Vec<Option<String>>, Invalid> {
            let mut out = Vec::with_capacity(entries.len());
            for entry in entries {
                if entry.trim().is_empty() {
                    out.push(None);
                    continue;
                }
                match text::short_text(&at(field), &entry) {
                    Ok(t) => out.push(Some(t)),
                    Err(e) if only_too_long(&entry) => {
                        out.push(None);
                        anomalies.push(Anomaly {
                            line,
                            message: format!(
                                "{field}: '{}' left out: {}; the item is recorded without it (add it with `item amend` if it belongs)",
                                e.value, e.expected
                            ),
                        });
                    }
                    Err(e) => return Err(e),
                }
            }
            Ok(out)
        };
        let kept = |entries: &[Option<String>]| -> Vec<bool> {
            entries.iter().map(Option::is_some).collect()
        };
        let flat = |entries: Vec<Option<String>>| -> Vec<String> {
            entries.into_iter().flatten().collect()
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
        let submitters = flat(each("submitters", self.submitters)?);
        let citations = each("citations", self.citations)?;
        let progress_citations = each("progress_citations", self.progress_citations)?;
        // Where it was made is a citation, and a title a one-line text.
        let made_in = flat(each("made_in", self.made_in.into_iter().collect())?)
            .into_iter()
            .next();
        let title = flat(each("title", self.title.into_iter().collect())?)
            .into_iter()
            .next();
        // A text's footnote markers number its citations: the marker of
        // one left out goes, and those after it count down. A marker past
        // the last citation names nothing (a CSV cell copied with its
        // footnote digits but without the footnote): it goes too, with an
        // anomaly, as the annex readers drop a marker with no definition
        // and as `item add` refuses one.
        let mut markers = |field: &str, t: &str, entries: &[Option<String>]| -> Vec<bool> {
            let mut k = kept(entries);
            let top = marks::highest(t);
            if top > k.len() {
                anomalies.push(Anomaly {
                    line,
                    message: format!(
                        "{field}: footnote marker {} names no citation (the row has {}); the marker is left out",
                        crate::report::letter::superscript(top),
                        k.len()
                    ),
                });
                k.resize(top, false);
            }
            k
        };
        let text = marks::renumber(&text, &markers("text", &text, &citations));
        let progress = progress.map(|p| {
            let k = markers("progress", &p, &progress_citations);
            marks::renumber(&p, &k)
        });
        let citations = flat(citations);
        let progress_citations = flat(progress_citations);
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

    #[test]
    fn a_marker_past_the_last_citation_is_left_out_with_an_anomaly() {
        let mut r = row();
        r.text = "Motie van het lid Jansen; verzoekt de regering.¹ En meer.²".into();
        r.progress = Some("Het loopt.³ Een zaal van 40 m².".into());
        let (r, a) = r.checked("CSV").unwrap();
        // One citation: ¹ stays, ² goes; the progress text has none, so ³
        // goes and the power of the unit stays.
        assert_eq!(
            r.text,
            "Motie van het lid Jansen; verzoekt de regering.¹ En meer."
        );
        assert_eq!(
            r.progress.as_deref(),
            Some("Het loopt. Een zaal van 40 m².")
        );
        let messages: Vec<&str> = a.iter().map(|x| x.message.as_str()).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(
            messages[0].starts_with("text: footnote marker ² names no citation (the row has 1)"),
            "{messages:?}"
        );
        assert!(
            messages[1].starts_with("progress: footnote marker ³"),
            "{messages:?}"
        );
    }
}
