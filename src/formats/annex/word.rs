//! The annex as a Word file: the same table the text layout copies, read
//! from the document model ([`crate::formats::docx`]) instead of from tabs,
//! with what a text copy loses: the status shown as a cell's shading or a
//! coloured marker, real footnotes, cells that span the table.
//!
//! Every variant of the family reads: a header row (repeated on each page,
//! or not), one table or one per page (a table without a header row takes
//! the columns of the one before it), section rows that span the table or
//! stand in its first cell, or section headings between tables; a status
//! column with a label, a colour or both, or no status column at all (then
//! a colour anywhere in the row is the status). Columns are known by their
//! headers (`layouts::column_role`); a table without any header is
//! aligned by content as the text layout is.
//!
//! A colour is read through the document's own legend (a coloured marker
//! or shaded cell before a label) and else the ledger's legend colours
//! ([`crate::formats::colours`]). Line numbers in anomalies are table row
//! numbers: every row of every table counted from the top of the document.
//! Pure and panic-free, like the text parser.

use std::collections::{BTreeMap, BTreeSet};

use super::cells::{Cell as TextCell, align, tidy, unknown_label};
use super::footnotes::footnote_citation;
use super::layouts::{
    Column, column_role, is_header, is_label_like, motion_submitters, responsible_cell,
    section_kind,
};
use super::{AnnexDoc, AnnexRow, anomaly, excerpt};
use crate::domain::{ItemKind, Legend, Ministries, Responsible};
use crate::formats::Anomaly;
use crate::formats::colours::{Palette, Reading};
use crate::formats::docx::{Block, Cell, Document, Fill, Inline, ParaStyle, Paragraph, Row, Table};

/// A note reference: a footnote or an endnote, by its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Note {
    Foot(u32),
    End(u32),
}

/// Reads the annex in `doc`. Never fails: what cannot be understood
/// becomes an anomaly.
pub fn from_document(doc: &Document, legend: &Legend, ministries: &Ministries) -> AnnexDoc {
    let mut doc = doc.clone();
    // Word numbers notes in the order they are referenced; so do we.
    doc.renumber_notes();
    let mut r = Reader {
        legend,
        ministries,
        palette: own_legend(&doc, legend),
        anomalies: Vec::new(),
        rows: Vec::new(),
        markers: Vec::new(),
        kind: None,
        columns: None,
        row_no: 0,
    };
    let title = title(&doc);
    for block in &doc.blocks {
        match block {
            Block::Paragraph(p) => {
                let t = p.text();
                if let Some(k) = section_kind(&[t.trim()]) {
                    r.kind = Some(k);
                }
            }
            Block::Table(t) => r.table(t),
        }
    }
    let Reader {
        mut anomalies,
        mut rows,
        markers,
        ..
    } = r;
    // Citations from the notes, each note once per text.
    let mut first_line: BTreeMap<Note, usize> = BTreeMap::new();
    for (row, (text_marks, progress_marks)) in rows.iter().zip(&markers) {
        for m in text_marks.iter().chain(progress_marks) {
            first_line.entry(*m).or_insert(row.line);
        }
    }
    let mut citation_of: BTreeMap<Note, String> = BTreeMap::new();
    let mut footnotes = BTreeMap::new();
    for (note, line) in &first_line {
        let (n, raw) = match note {
            Note::Foot(n) => (*n, doc.footnotes.get(n).map(|x| x.text())),
            Note::End(n) => (*n, doc.endnotes.get(n).map(|x| x.text())),
        };
        let Some(raw) = raw.filter(|t| !t.trim().is_empty()) else {
            anomalies.push(anomaly(*line, format!("{} has no text", name(*note))));
            continue;
        };
        let (citation, message) = footnote_citation(n, &raw);
        if let Some(m) = message {
            anomalies.push(anomaly(*line, m));
        }
        if let Note::Foot(n) = note {
            footnotes.insert(*n, (*line, raw.trim().to_string()));
        }
        citation_of.insert(*note, citation);
    }
    for (row, (text_marks, progress_marks)) in rows.iter_mut().zip(&markers) {
        row.citations = cite(text_marks, &citation_of);
        row.progress_citations = cite(progress_marks, &citation_of);
    }
    anomalies.sort_by_key(|a| a.line);
    AnnexDoc {
        title,
        rows,
        footnotes,
        anomalies,
    }
}

fn name(note: Note) -> String {
    match note {
        Note::Foot(n) => format!("footnote {n}"),
        Note::End(n) => format!("endnote {n}"),
    }
}

fn cite(marks: &[Note], citation_of: &BTreeMap<Note, String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    marks
        .iter()
        .filter(|m| seen.insert(**m))
        .filter_map(|m| citation_of.get(m).cloned())
        .collect()
}

/// The title: the first paragraph in the Title style, else the first
/// heading.
fn title(doc: &Document) -> Option<String> {
    let paragraphs = || {
        doc.blocks.iter().filter_map(|b| match b {
            Block::Paragraph(p) => Some(p),
            Block::Table(_) => None,
        })
    };
    paragraphs()
        .find(|p| p.style == ParaStyle::Title)
        .or_else(|| paragraphs().find(|p| matches!(p.style, ParaStyle::Heading(_))))
        .map(|p| tidy(&p.text()))
        .filter(|t| !t.is_empty())
}

/// The document's own legend: a colour (a marker, or the shading of the
/// paragraph, its runs or a cell) shown before or beside a label.
fn own_legend(doc: &Document, legend: &Legend) -> Palette {
    let mut palette = Palette::new(legend);
    let label_of = |text: &str| -> Option<(Option<String>, String)> {
        let label = text
            .trim()
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .trim();
        if label.is_empty() {
            return None;
        }
        match legend.resolve(label) {
            Ok(e) => Some((Some(e.slug.clone()), label.to_string())),
            Err(_) => is_label_like(label).then(|| (None, label.to_string())),
        }
    };
    let colours = |p: &Paragraph| -> Vec<Fill> {
        let cell = Cell {
            paragraphs: vec![p.clone()],
            ..Cell::default()
        };
        let mut out = cell.marker_colours();
        if out.is_empty()
            && let Some(f) = p.fill.clone().or_else(|| cell.shown_fill())
        {
            out.push(f);
        }
        out
    };
    // Paragraphs of the body: "● In uitvoering".
    for b in &doc.blocks {
        if let Block::Paragraph(p) = b
            && let Some((slug, label)) = label_of(&p.text())
            && let [Fill::Rgb(c)] = colours(p).as_slice()
        {
            palette.learn(*c, slug, &label);
        }
    }
    // Rows of a small table: a coloured cell beside a known label.
    for t in doc.tables() {
        for row in &t.rows {
            let texts: Vec<String> = row
                .cells
                .iter()
                .map(|c| c.text().trim().to_string())
                .collect();
            let filled: Vec<&String> = texts.iter().filter(|t| !t.is_empty()).collect();
            let [only] = filled.as_slice() else { continue };
            let Some((Some(slug), label)) = label_of(only) else {
                continue;
            };
            let fills: Vec<Fill> = row
                .cells
                .iter()
                .flat_map(|c| {
                    let mut f = c.marker_colours();
                    f.extend(c.shown_fill());
                    f
                })
                .collect();
            if let [Fill::Rgb(c)] = fills.as_slice() {
                palette.learn(*c, Some(slug), &label);
            }
        }
    }
    palette
}

struct Reader<'a> {
    legend: &'a Legend,
    ministries: &'a Ministries,
    palette: Palette,
    anomalies: Vec<Anomaly>,
    rows: Vec<AnnexRow>,
    /// Per row: the notes of its item text and of its progress text.
    markers: Vec<(Vec<Note>, Vec<Note>)>,
    kind: Option<ItemKind>,
    /// Column roles by grid column, from the last header row.
    columns: Option<Vec<Column>>,
    row_no: usize,
}

/// A cell's text (paragraphs tidied and joined by a blank line) and its
/// note references.
fn cell_text(cell: &Cell) -> (String, Vec<Note>) {
    let mut notes = Vec::new();
    let mut paragraphs = Vec::new();
    for p in &cell.paragraphs {
        for i in &p.inlines {
            match i {
                Inline::Footnote(n) => notes.push(Note::Foot(*n)),
                Inline::Endnote(n) => notes.push(Note::End(*n)),
                Inline::Text(_) | Inline::Shape(_) => {}
            }
        }
        // A coloured marker drawn as a character ("●") shows a status, not
        // words: it is read as a colour and left out of the text.
        let t = tidy(
            p.text()
                .trim_start_matches(|c: char| is_marker(c) || c.is_whitespace()),
        );
        if !t.is_empty() {
            paragraphs.push(t);
        }
    }
    (paragraphs.join("\n\n"), notes)
}

/// A character that marks rather than spells (as the Word model reads
/// markers): geometric shapes, dingbats, the bullet, coloured emoji.
fn is_marker(c: char) -> bool {
    matches!(c as u32, 0x2022 | 0x25A0..=0x27BF | 0x2B1B..=0x2B55 | 0x1F300..=0x1FAFF)
}

/// The colours a cell shows: its markers, and its shading.
fn shown_colours(cell: &Cell) -> Vec<Fill> {
    let mut out = cell.marker_colours();
    out.extend(cell.shown_fill());
    out
}

impl Reader<'_> {
    fn table(&mut self, t: &Table) {
        for row in &t.rows {
            self.row_no += 1;
            let line = self.row_no;
            let texts: Vec<String> = row
                .cells
                .iter()
                .map(|c| c.text().trim().to_string())
                .collect();
            let filled: Vec<&str> = texts
                .iter()
                .map(String::as_str)
                .filter(|t| !t.is_empty())
                .collect();
            if filled.is_empty() {
                continue;
            }
            if row.header || is_header(&filled) {
                // A repeated header row of some other table (a legend's)
                // names none of the annex's columns: it is passed over.
                let r = roles(row, &texts);
                if is_header(&filled)
                    || r.iter().any(|c| {
                        matches!(c, Column::Status | Column::Responsible | Column::Progress)
                    })
                {
                    self.columns = Some(r);
                }
                continue;
            }
            if let Some(k) = section_kind(&filled) {
                self.kind = Some(k);
                continue;
            }
            // A legend entry inside a table: a label and nothing else.
            if let [only] = filled.as_slice()
                && self.legend.resolve(only).is_ok()
            {
                continue;
            }
            let Some(kind) = self.kind else {
                self.anomalies.push(anomaly(
                    line,
                    format!(
                        "row outside a 'Moties' or 'Toezeggingen' section, skipped: '{}'",
                        excerpt(filled.first().copied().unwrap_or_default())
                    ),
                ));
                continue;
            };
            let columns = self.columns.clone();
            match columns {
                Some(cols) => self.mapped_row(row, &cols, kind, line),
                None => self.aligned_row(row, kind, line),
            }
        }
    }

    /// A row read by the roles of its columns.
    fn mapped_row(&mut self, row: &Row, columns: &[Column], kind: ItemKind, line: usize) {
        let mut text_parts = Vec::new();
        let mut text_notes = Vec::new();
        let mut progress_parts = Vec::new();
        let mut progress_notes = Vec::new();
        let mut status_cells: Vec<&Cell> = Vec::new();
        let mut responsible_texts = Vec::new();
        let mut colours: Vec<Fill> = Vec::new();
        let has_status_column = columns.contains(&Column::Status);
        let mut grid = 0usize;
        for cell in &row.cells {
            let span = usize::try_from(cell.span.max(1)).unwrap_or(1);
            let role = columns.get(grid).copied().unwrap_or(Column::Other);
            grid += span;
            let (text, notes) = cell_text(cell);
            if !has_status_column {
                colours.extend(shown_colours(cell));
            }
            match role {
                Column::Text => {
                    text_parts.extend((!text.is_empty()).then_some(text));
                    text_notes.extend(notes);
                }
                Column::Progress => {
                    progress_parts.extend((!text.is_empty()).then_some(text));
                    progress_notes.extend(notes);
                }
                Column::Status => {
                    status_cells.push(cell);
                    text_notes.extend(notes);
                }
                Column::Responsible => {
                    responsible_texts.extend((!text.is_empty()).then_some(text));
                    text_notes.extend(notes);
                }
                Column::Citation | Column::Other => {
                    if !text.is_empty() {
                        self.anomalies.push(anomaly(
                            line,
                            format!(
                                "cell in a column this layout does not know, not read: '{}'",
                                excerpt(&text)
                            ),
                        ));
                    }
                    text_notes.extend(notes);
                }
            }
        }
        // The status: a label in the status cell, or a colour.
        let mut labels: Vec<(String, String)> = Vec::new();
        for cell in &status_cells {
            let (t, _) = cell_text(cell);
            let t = t
                .trim_start_matches(|c: char| !c.is_alphanumeric())
                .trim()
                .to_string();
            if t.is_empty() {
            } else if let Ok(e) = self.legend.resolve(&t) {
                labels.push((e.slug.clone(), t));
            } else {
                self.anomalies.push(unknown_label(line, &t));
            }
            colours.extend(shown_colours(cell));
        }
        let status = self.status(line, &labels, &colours);
        let responsible = self.responsible(line, &responsible_texts.join(" en "));
        self.push(
            kind,
            line,
            text_parts.join("\n\n"),
            text_notes,
            status,
            responsible,
            (!progress_parts.is_empty()).then(|| progress_parts.join("\n\n")),
            progress_notes,
        );
    }

    /// A row of a table without a header, aligned by content as a text
    /// copy's row is.
    fn aligned_row(&mut self, row: &Row, kind: ItemKind, line: usize) {
        let mut cells = Vec::new();
        let mut notes_of: Vec<Vec<Note>> = Vec::new();
        let mut colours = Vec::new();
        for (idx, cell) in row.cells.iter().enumerate() {
            let (text, notes) = cell_text(cell);
            colours.extend(shown_colours(cell));
            // The cell's own markers are resolved here, so align sees none.
            notes_of.push(notes);
            cells.push(TextCell {
                idx,
                text,
                markers: Vec::new(),
            });
        }
        let mut words = Vec::new();
        let a = align(
            cells.into_iter().filter(|c| !c.text.is_empty()).collect(),
            self.legend,
            line,
            &mut words,
        );
        self.anomalies.extend(words);
        // Without columns, notes go with the text they stand in: the
        // progress text when it contains the cell, else the item text.
        let mut text_notes = Vec::new();
        let mut progress_notes = Vec::new();
        for (cell, notes) in row.cells.iter().zip(notes_of) {
            let (t, _) = cell_text(cell);
            if !t.is_empty() && a.progress.as_deref().is_some_and(|p| p.contains(&t)) {
                progress_notes.extend(notes);
            } else {
                text_notes.extend(notes);
            }
        }
        let labels: Vec<(String, String)> =
            a.status.iter().map(|s| (s.clone(), s.clone())).collect();
        let status = self.status(line, &labels, &colours);
        self.push(
            kind,
            line,
            a.text,
            text_notes,
            status,
            a.responsible,
            a.progress,
            progress_notes,
        );
    }

    /// The status a row states: its labels and colours must agree.
    fn status(
        &mut self,
        line: usize,
        labels: &[(String, String)],
        colours: &[Fill],
    ) -> Option<String> {
        let mut found: BTreeSet<String> = labels.iter().map(|(s, _)| s.clone()).collect();
        let mut seen: BTreeSet<&Fill> = BTreeSet::new();
        for f in colours {
            if !seen.insert(f) {
                continue;
            }
            match self.palette.read_fill(f) {
                Reading::Status(s) => {
                    found.insert(s);
                }
                Reading::Neutral => {}
                Reading::Unmatched(why) => self
                    .anomalies
                    .push(anomaly(line, format!("{why}; status not taken from it"))),
            }
        }
        match found.len() {
            0 => None,
            1 => found.into_iter().next(),
            _ => {
                self.anomalies.push(anomaly(
                    line,
                    format!(
                        "the row shows more than one status ({}); status left unstated",
                        found.into_iter().collect::<Vec<_>>().join(", ")
                    ),
                ));
                None
            }
        }
    }

    /// The responsible parties a cell names, in codes or in words.
    fn responsible(&mut self, line: usize, text: &str) -> Option<Responsible> {
        let t = tidy(text);
        if t.is_empty() {
            self.anomalies
                .push(anomaly(line, "row without responsible codes".to_string()));
            return None;
        }
        if let Some(r) = responsible_cell(&t) {
            return Some(r);
        }
        match self.ministries.responsible(&t) {
            Ok(r) => Some(r),
            Err(e) => {
                self.anomalies.push(anomaly(
                    line,
                    format!(
                        "cell not understood: '{}' (expected responsible codes such as 'SOCW' or words such as 'Minister van OCW'; {})",
                        excerpt(&t),
                        e.expected
                    ),
                ));
                None
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        kind: ItemKind,
        line: usize,
        text: String,
        text_notes: Vec<Note>,
        status: Option<String>,
        responsible: Option<Responsible>,
        progress: Option<String>,
        progress_notes: Vec<Note>,
    ) {
        let text = tidy(&text.replace("\n\n", "<p>"));
        let mut submitters = Vec::new();
        if text.is_empty() {
            self.anomalies
                .push(anomaly(line, "row without item text".to_string()));
        } else if kind == ItemKind::Motie {
            match motion_submitters(&text) {
                Some(names) => submitters = names,
                None => self.anomalies.push(anomaly(
                    line,
                    "motion text names no submitters ('Motie van het lid …' or 'Motie van de leden …' expected)"
                        .to_string(),
                )),
            }
        }
        let progress = progress
            .map(|p| tidy(&p.replace("\n\n", "<p>")))
            .filter(|p| !p.is_empty());
        self.rows.push(AnnexRow {
            line,
            kind,
            text,
            submitters,
            citations: Vec::new(),
            status,
            responsible,
            progress,
            progress_citations: Vec::new(),
        });
        self.markers.push((text_notes, progress_notes));
    }
}

/// The roles of a header row's grid columns.
fn roles(row: &Row, texts: &[String]) -> Vec<Column> {
    let mut out = Vec::new();
    for (k, (cell, text)) in row.cells.iter().zip(texts).enumerate() {
        let role = column_role(text, k == 0);
        for _ in 0..cell.span.max(1) {
            out.push(role);
        }
    }
    out
}

/// Reads a `.docx` file's annex into import rows; what the Word reader
/// skipped (text boxes, pictures without a fill) is a finding about the
/// whole file.
pub fn read(
    bytes: &[u8],
    legend: &Legend,
    ministries: &Ministries,
) -> Result<(Vec<crate::formats::ImportRow>, Vec<Anomaly>), crate::formats::FormatError> {
    let outcome = crate::formats::docx::read_docx(bytes)?;
    let doc = from_document(&outcome.document, legend, ministries);
    let rows = doc
        .rows
        .iter()
        .map(crate::formats::ImportRow::from)
        .collect();
    let mut anomalies: Vec<Anomaly> = outcome
        .warnings
        .into_iter()
        .map(|w| {
            anomaly(
                crate::formats::import::WHOLE_FILE,
                format!("Word file: {w}"),
            )
        })
        .collect();
    anomalies.extend(doc.anomalies);
    Ok((rows, anomalies))
}
