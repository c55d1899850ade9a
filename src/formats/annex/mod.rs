//! The annex ("bijlage") as it comes out of a PDF or Word file: the table of
//! motions and commitments with their status, responsible parties and
//! progress ("stand van zaken"), copied as tab-separated text.
//!
//! Such a copy is irregular, and this parser is built around what a real one
//! shows: a title block in `**bold**`; the status legend repeated on every page
//! (labels possibly split over two or three lines, indented or bulleted with
//! "- "); the header line `Status / Verantwoordelijk / Stand van zaken`
//! repeated per page, with or without a leading tab; section lines `Moties`
//! and `Toezeggingen` with trailing tabs; rows with a varying number of cells,
//! some of which lost their item text; footnote markers as superscript digits
//! (`¹`, `¹⁵`) or as plain digits glued to a sentence (`informeren.4`);
//! footnote definitions at the bottom of each page; `<p>` paragraphs in the
//! progress text; citations with typos.
//!
//! Cells are aligned by content, not position: the cell that reads as
//! responsible codes (`SOCW`, `MOCW en SOCW`) anchors the row, a cell that is a
//! legend label (Dutch label or slug) is the status, the text before the
//! anchor is the item text and the text after it the progress. A row without
//! a legend label has no status ("not stated"); nothing is guessed.
//!
//! [`parse`] never fails and never panics: whatever cannot be understood
//! becomes an [`Anomaly`] with its line number, and the rest is still read.
//! Pure: no I/O. The way out, the annex as Markdown and HTML, is in
//! [`render`]; as Word and Excel files in [`office`].
//!
//! The parser is split by concern: `layouts` knows what the parts of a
//! layout look like (header and section words, page marks, responsible
//! cells, labels, submitters), `lines` classifies every line, `rows`
//! collects rows and footnote definitions and builds the document,
//! `cells` aligns a row's cells, `footnotes` reads markers and
//! definitions, `marks` keeps each marker in its place, numbered within
//! its text, and compares texts without them.

pub(crate) mod cells;
pub(crate) mod footnotes;
pub(crate) mod layouts;
pub(crate) mod lines;
pub mod marks;
pub mod office;
pub mod pdftext;
pub mod render;
pub(crate) mod rows;
pub mod word;

pub use render::{AnnexOptions, Lang, html, html_to, markdown, markdown_to};

use std::collections::BTreeMap;

#[cfg(test)]
use layouts::motion_submitters;

use super::Anomaly;
use crate::domain::text::{nfc, shorten};
use crate::domain::{ItemKind, Legend, Responsible};
use layouts::{is_header, section_kind};
use lines::{classify, filled_cells};
use rows::{build, collect};

/// Longest excerpt of input quoted in an anomaly message, in characters.
const EXCERPT_CHARS: usize = 60;

/// One parsed row of the annex table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexRow {
    /// 1-based line number of the row in the input.
    pub line: usize,
    /// From the section it is in (Moties -> Motie, Toezeggingen -> Toezegging).
    pub kind: ItemKind,
    /// Item text, NFC, trimmed, each footnote marker where it stood as the
    /// number of its citation in [`Self::citations`] (`…rapporteren.¹`,
    /// see [`marks`]); "" when lost.
    pub text: String,
    /// From "Motie van het lid X c.s." / "van de leden A en B" (names only,
    /// no "c.s."); empty for commitments or when the text was lost.
    pub submitters: Vec<String>,
    /// Raw citation texts of the footnotes whose markers appear in the item
    /// text, in marker order.
    pub citations: Vec<String>,
    /// Legend slug when a cell holds a legend label; None = not stated.
    pub status: Option<String>,
    /// The responsible-codes cell; None if absent or unparsable (then an
    /// anomaly says so).
    pub responsible: Option<Responsible>,
    /// The "stand van zaken" text: NFC, `<p>` turned into paragraph breaks
    /// ("\n\n"), trimmed, its footnote markers numbering
    /// [`Self::progress_citations`] as in the item text.
    pub progress: Option<String>,
    /// Raw citation texts of the footnotes whose markers appear in the
    /// progress text, in marker order.
    pub progress_citations: Vec<String>,
}

/// A parsed annex.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexDoc {
    /// The title block at the top (bold markers removed, lines joined with
    /// spaces), if any.
    pub title: Option<String>,
    /// The rows, in document order.
    pub rows: Vec<AnnexRow>,
    /// Footnote number -> (line, raw text after the marker).
    pub footnotes: BTreeMap<u32, (usize, String)>,
    /// Everything odd, sorted by line.
    pub anomalies: Vec<Anomaly>,
}

/// True if the text looks like an annex: it has a header line with a
/// "Verantwoordelijk" cell and a `Moties` or `Toezeggingen` section line.
pub fn looks_like_annex(text: &str) -> bool {
    let mut header = false;
    let mut section = false;
    for line in text.lines() {
        let cells = filled_cells(line);
        if is_header(&cells) {
            header = true;
        } else if section_kind(&cells).is_some() {
            section = true;
        }
        if header && section {
            return true;
        }
    }
    false
}

/// Parses annex text. Never fails and never panics: what cannot be
/// understood becomes an anomaly.
pub fn parse(text: &str, legend: &Legend) -> AnnexDoc {
    let lines: Vec<String> = text
        .lines()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                nfc(l.trim_start_matches('\u{feff}'))
            } else {
                nfc(l)
            }
        })
        .collect();
    let mut anomalies = Vec::new();
    let classes = classify(&lines, legend, &mut anomalies);
    let collected = collect(&lines, &classes, legend, &mut anomalies);
    let mut doc = build(collected, legend, &mut anomalies);
    anomalies.sort_by_key(|a| a.line);
    doc.anomalies = anomalies;
    doc
}

pub(crate) fn anomaly(line: usize, message: String) -> Anomaly {
    Anomaly { line, message }
}

pub(crate) fn excerpt(s: &str) -> String {
    shorten(s, EXCERPT_CHARS)
}

impl AnnexDoc {
    /// Checks what [`parse`] promises of its result for the `text` it was
    /// given: anomalies sorted by line, every line number in range, rows in
    /// order with trimmed texts, no submitters without a motion's text,
    /// statuses from `legend`, progress texts without `<p>`, no marker's
    /// placeholder left in a text. The unit
    /// tests, the property tests and the fuzz target all hold parse to it.
    pub fn invariants(&self, text: &str, legend: &Legend) -> Result<(), String> {
        let lines = text.lines().count();
        let fail = |what: String| Err(what);
        if !self.anomalies.windows(2).all(|w| w[0].line <= w[1].line) {
            return fail("anomalies are not sorted by line".into());
        }
        if let Some(a) = self
            .anomalies
            .iter()
            .find(|a| a.line < 1 || a.line > lines.max(1))
        {
            return fail(format!(
                "anomaly line {} outside 1..={}",
                a.line,
                lines.max(1)
            ));
        }
        if !self.rows.windows(2).all(|w| w[0].line < w[1].line) {
            return fail("rows are not in line order".into());
        }
        for r in &self.rows {
            if r.line < 1 || r.line > lines {
                return fail(format!("row line {} outside 1..={lines}", r.line));
            }
            if r.text != r.text.trim() {
                return fail(format!("row {} text is not trimmed", r.line));
            }
            if (r.kind == ItemKind::Toezegging || r.text.is_empty()) && !r.submitters.is_empty() {
                return fail(format!("row {} has submitters but no motion text", r.line));
            }
            if let Some(s) = r.status.as_ref().filter(|s| legend.get(s).is_none()) {
                return fail(format!(
                    "row {} has status '{s}' outside the legend",
                    r.line
                ));
            }
            if std::iter::once(&r.text)
                .chain(&r.progress)
                .any(|t| marks::unmarked(t) != *t)
            {
                return fail(format!("row {} keeps a marker's placeholder", r.line));
            }
            if r.progress
                .as_ref()
                .is_some_and(|p| p.is_empty() || p.contains("<p>"))
            {
                return fail(format!(
                    "row {} has an empty or unconverted progress text",
                    r.line
                ));
            }
        }
        if let Some((line, _)) = self.footnotes.values().find(|(l, _)| *l < 1 || *l > lines) {
            return fail(format!("footnote line {line} outside 1..={lines}"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
