//! The changes between two rounds as a Word document: per section (and
//! ministry, when asked) a real table with the item in its short form, its
//! Kamerstuk as a Word footnote, what changed in sentences with the new
//! words of a progress text highlighted, and the status now as the cell's
//! shading in the legend's colour. Built on the neutral model of
//! [`crate::formats::docx`], whose writer makes the file.

use super::changes::{Changes, Entry, Events, Group, Options, Sides, Step, Word};
use super::worddiff::Piece;
use crate::formats::FormatError;
use crate::formats::docx::DocxStream;
use crate::formats::docx::{
    Block, Cell, Document, Fill, Inline, Note, Orientation, ParaStyle, Paragraph, Rgb, Row, Run,
    Table, WriteOptions, write_docx,
};

/// The colour new words are highlighted in (a light yellow, as a marker pen).
pub const HIGHLIGHT: Rgb = Rgb([0xFF, 0xF1, 0x76]);
/// The colour of removed words.
pub const REMOVED: Rgb = Rgb([0x80, 0x80, 0x80]);
/// The colour of the concept mark.
pub const CONCEPT: Rgb = Rgb([0xC6, 0x28, 0x28]);
/// The shading of a table's header row.
pub const HEADER: Rgb = Rgb([0x15, 0x42, 0x73]);

/// A cell shaded in a status colour, its label in white or black,
/// whichever reads on it.
pub fn status_cell(label: &str, colour: &str) -> Cell {
    let fill = Rgb::parse(colour);
    let mut p = Paragraph::default();
    p.push(Inline::Text(Run {
        text: label.to_string(),
        bold: true,
        colour: Some(if fill.is_some_and(Rgb::is_dark) {
            Rgb([0xFF, 0xFF, 0xFF])
        } else {
            Rgb([0, 0, 0])
        }),
        ..Run::default()
    }));
    Cell {
        paragraphs: vec![p],
        fill: fill.map(Fill::Rgb),
        ..Cell::default()
    }
}

/// A header row: white bold words on the header colour, repeated on every
/// page.
pub fn header_row(names: &[&str]) -> Row {
    Row {
        header: true,
        cells: names
            .iter()
            .map(|n| {
                let mut p = Paragraph::default();
                p.push(Inline::Text(Run {
                    text: (*n).to_string(),
                    bold: true,
                    colour: Some(Rgb([0xFF, 0xFF, 0xFF])),
                    ..Run::default()
                }));
                Cell {
                    paragraphs: vec![p],
                    fill: Some(Fill::Rgb(HEADER)),
                    ..Cell::default()
                }
            })
            .collect(),
    }
}

/// A paragraph of one bold run in the concept colour.
pub fn concept_paragraph(text: &str) -> Paragraph {
    let mut p = Paragraph::default();
    p.push(Inline::Text(Run {
        text: text.to_string(),
        bold: true,
        colour: Some(CONCEPT),
        ..Run::default()
    }));
    p
}

fn pieces_paragraph(label: &str, pieces: &[Piece]) -> Paragraph {
    let mut p = Paragraph::default();
    p.push(Inline::Text(Run::bold(format!("{label}: "))));
    for piece in &super::changes::spaced(pieces) {
        let text = piece.text().to_string();
        p.push(Inline::Text(match piece {
            Piece::Same(_) => Run::plain(text),
            Piece::Added(_) => Run {
                text,
                fill: Some(Fill::Rgb(HIGHLIGHT)),
                ..Run::default()
            },
            Piece::Removed(_) => Run {
                text,
                italic: true,
                colour: Some(REMOVED),
                ..Run::default()
            },
        }));
    }
    p
}

/// The page of the changes' Word file (header, footer, page numbers; no
/// blocks) and the paragraphs before the first group.
fn opening(ch: &Changes) -> (Document, Vec<Block>) {
    let mut page = Document {
        orientation: Orientation::Portrait,
        page_numbers: true,
        ..Document::default()
    };
    let mut blocks = vec![Block::Paragraph(Paragraph::styled(
        ParaStyle::Title,
        ch.title.clone(),
    ))];
    if !ch.programme.is_empty() {
        blocks.push(Block::Paragraph(Paragraph::plain(ch.programme.clone())));
    }
    if let Some(c) = &ch.concept {
        blocks.push(Block::Paragraph(concept_paragraph(c)));
        page.header.push(super::concept_word(ch.lang).to_string());
    }
    for (w, s) in [(Word::From, &ch.from), (Word::To, &ch.to)] {
        let mut p = Paragraph::default();
        p.push(Inline::Text(Run::bold(format!("{}: ", ch.word(w)))));
        p.push(Inline::Text(Run::plain(s.clone())));
        blocks.push(Block::Paragraph(p));
    }
    let mut summary = Paragraph::default();
    summary.push(Inline::Text(Run::bold(ch.summary.clone())));
    blocks.push(Block::Paragraph(summary));
    if let Some(n) = &ch.nothing {
        blocks.push(Block::Paragraph(Paragraph::plain(n.clone())));
    }
    page.footer = ch.checks.last().map(|c| vec![c.line()]).unwrap_or_default();
    (page, blocks)
}

/// A group's headings: its section's when it begins one, its ministry's.
fn headings(g: &Group, new_section: bool) -> Vec<Block> {
    let mut blocks = Vec::new();
    if new_section {
        blocks.push(Block::Paragraph(Paragraph::styled(
            ParaStyle::Heading(1),
            g.section.clone(),
        )));
    }
    if let Some(m) = &g.ministry {
        blocks.push(Block::Paragraph(Paragraph::styled(
            ParaStyle::Heading(2),
            m.clone(),
        )));
    }
    blocks
}

/// A group's table, without its rows: the column widths and the header
/// row.
fn table_head(ch: &Changes) -> (Vec<u32>, Row) {
    let columns = match ch.lang {
        super::Lang::Nl => ["Motie of toezegging", "Wat is er veranderd", "Status nu"],
        super::Lang::En => ["Motion or commitment", "What changed", "Status now"],
    };
    (
        Table::widths_from_weights(&[5, 8, 3], Orientation::Portrait.text_width()),
        header_row(&columns),
    )
}

/// An entry's row, and the footnote its Kamerstuk becomes (numbered
/// `next_note`, which then moves on).
fn entry_row(ch: &Changes, e: &Entry, next_note: &mut u32) -> (Row, Option<(u32, Note)>) {
    let mut what = Paragraph::default();
    what.push(Inline::Text(Run::bold(e.short.clone())));
    let mut note = None;
    if let Some(c) = &e.citation {
        what.push(Inline::Footnote(*next_note));
        note = Some((*next_note, Note::new(c.clone())));
        *next_note += 1;
    }
    let mut item = vec![what];
    if let Some(t) = &e.text {
        let mut p = Paragraph::default();
        p.push(Inline::Text(Run {
            text: t.clone(),
            italic: true,
            ..Run::default()
        }));
        item.push(p);
    }
    let mut changed: Vec<Paragraph> = e
        .sentences
        .iter()
        .map(|s| Paragraph::plain(s.clone()))
        .collect();
    for t in [&e.text_change, &e.progress].into_iter().flatten() {
        changed.push(pieces_paragraph(&t.label, &t.excerpt));
    }
    if !e.events.is_empty() {
        changed.push(Paragraph::plain(format!("{}:", ch.word(Word::Recorded))));
        changed.extend(
            e.events
                .iter()
                .map(|ev| Paragraph::plain(format!("– {ev}"))),
        );
    }
    let row = Row {
        header: false,
        cells: vec![
            Cell {
                paragraphs: item,
                ..Cell::default()
            },
            Cell {
                paragraphs: changed,
                ..Cell::default()
            },
            status_cell(&e.status.0, &e.status.1),
        ],
    };
    (row, note)
}

/// The paragraphs after the last group: the footer's lines and how to
/// check the rounds.
fn closing(ch: &Changes) -> Vec<Block> {
    let mut blocks = vec![Block::Paragraph(Paragraph::styled(
        ParaStyle::Heading(2),
        ch.word(Word::Footer).to_string(),
    ))];
    for f in &ch.footer {
        blocks.push(Block::Paragraph(Paragraph::plain(f.clone())));
    }
    for c in &ch.checks {
        blocks.push(Block::Paragraph(Paragraph::plain(c.how.clone())));
    }
    blocks
}

fn write_options(ch: &Changes) -> WriteOptions {
    WriteOptions {
        language: ch.lang.word_language().to_string(),
        title: Some(ch.title.clone()),
    }
}

/// The changes as a Word document model.
pub fn document(ch: &Changes) -> Document {
    let (mut doc, mut blocks) = opening(ch);
    let mut next_note = 1u32;
    let mut last_section = "";
    for g in &ch.groups {
        blocks.extend(headings(g, g.section != last_section));
        last_section = &g.section;
        let (widths, header) = table_head(ch);
        let mut table = Table {
            widths,
            rows: vec![header],
        };
        for e in &g.entries {
            let (row, note) = entry_row(ch, e, &mut next_note);
            doc.footnotes.extend(note);
            table.rows.push(row);
        }
        blocks.push(Block::Table(table));
    }
    blocks.extend(closing(ch));
    doc.blocks = blocks;
    doc
}

/// The changes as `.docx` bytes.
pub fn docx(ch: &Changes) -> Result<Vec<u8>, FormatError> {
    write_docx(&document(ch), &write_options(ch))
}

/// Why [`docx_to`] made no file.
#[derive(Debug)]
pub enum DocxFailed {
    /// The document is one Word would refuse, or the zip failed.
    Format(FormatError),
    /// Reading an item's events failed.
    Read(std::io::Error),
}

impl From<FormatError> for DocxFailed {
    fn from(e: FormatError) -> DocxFailed {
        DocxFailed::Format(e)
    }
}

impl From<std::io::Error> for DocxFailed {
    fn from(e: std::io::Error) -> DocxFailed {
        DocxFailed::Read(e)
    }
}

/// The changes of `c` as `.docx` bytes, made an entry at a time as
/// [`super::changes::write_to`] writes the other formats: each entry
/// (with `events`, its events read as it is made) becomes its table row
/// and goes into the compressed file before the next is made, so neither
/// every entry, nor the document's model, nor its XML is held whole. The
/// bytes are those of [`docx`] of [`super::changes::build`].
pub fn docx_to(
    c: Sides<'_>,
    options: Options,
    events: Option<Events<'_>>,
) -> Result<Vec<u8>, DocxFailed> {
    let mut file: Option<DocxStream<std::io::Cursor<Vec<u8>>>> = None;
    let mut next_note = 1u32;
    let begun = || FormatError::whole("Word file", "the changes began without their opening");
    super::changes::walk(c, options, events, &mut |step| {
        match step {
            Step::Head(ch) => {
                let (page, blocks) = opening(ch);
                let w = file.insert(DocxStream::start(
                    std::io::Cursor::new(Vec::new()),
                    page,
                    &write_options(ch),
                )?);
                for b in &blocks {
                    w.block(b)?;
                }
            }
            Step::Entry(ch, e) => {
                let w = file.as_mut().ok_or_else(begun)?;
                let (row, note) = entry_row(ch, e, &mut next_note);
                if let Some((id, note)) = note {
                    w.footnote(id, note)?;
                }
                w.row(&row)?;
            }
            // A group's table ends where the next group or the closing
            // begins.
            Step::Group(ch, g, new_section) => {
                let w = file.as_mut().ok_or_else(begun)?;
                if w.in_table() {
                    w.end_table()?;
                }
                for b in &headings(g, new_section) {
                    w.block(b)?;
                }
                let (widths, header) = table_head(ch);
                w.begin_table(widths)?;
                w.row(&header)?;
            }
            Step::Tail(ch) => {
                let w = file.as_mut().ok_or_else(begun)?;
                if w.in_table() {
                    w.end_table()?;
                }
                for b in &closing(ch) {
                    w.block(b)?;
                }
            }
        }
        Ok::<(), DocxFailed>(())
    })?;
    let w = file.ok_or_else(begun)?;
    Ok(w.finish()?.into_inner())
}
