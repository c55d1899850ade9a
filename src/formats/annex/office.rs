//! The annex as a Word file and as an Excel workbook, from the same
//! [`Annex`] the Markdown and HTML are written from.
//!
//! Word: landscape A4, the title and the sentence saying which state it
//! shows, a concept mark unless it is a sealed round, the legend of the
//! statuses used (each label on its colour), per section a real table whose
//! header row repeats on every page, the status cell shaded in the legend's
//! colour, footnotes as Word footnotes at their places in the text, and the
//! value to check in the page footer and at the end.
//!
//! Excel: one sheet, the same rows under a frozen header with an
//! autofilter, the status cell filled with its colour, footnote markers as
//! superscript digits in the text and the footnotes' texts in a column of
//! their own (a cell has no footnotes); the title and state above the
//! table, the value to check below it.

use super::render::{Annex, AnnexOptions, Para, Row as AnnexItem, Section, Seg, build};
use crate::formats::FormatError;
use crate::formats::docx::DocxStream;
use crate::formats::docx::{
    Block, Cell, Document, Inline, Note, Orientation, ParaStyle, Paragraph, Rgb, Row, Run, Table,
    WriteOptions,
};
use crate::formats::xlsx::{Sheet, XCell, XlsxOptions, write_xlsx_rows};
use crate::projection::View;
use crate::report::letter::changes_office::{concept_paragraph, header_row, status_cell};
use crate::report::letter::{concept_word, superscript};

fn docx_para(p: &Para) -> Paragraph {
    let mut out = Paragraph::default();
    for s in p {
        match s {
            Seg::Text(t) => out.push(Inline::Text(Run::plain(t.clone()))),
            Seg::Note(n) => out.push(Inline::Footnote(u32::try_from(*n).unwrap_or(u32::MAX))),
        }
    }
    out
}

/// The annex's page (landscape, page numbers, its footnotes, the concept
/// mark in the header and the value to check in the footer; no blocks)
/// and the paragraphs and legend before its sections.
fn opening(annex: &Annex<'_>) -> (Document, Vec<Block>) {
    let w = annex.words();
    let mut page = Document {
        orientation: Orientation::Landscape,
        page_numbers: true,
        ..Document::default()
    };
    let mut blocks = vec![Block::Paragraph(Paragraph::styled(
        ParaStyle::Title,
        annex.title.clone(),
    ))];
    if !annex.subtitle.is_empty() {
        blocks.push(Block::Paragraph(Paragraph::plain(annex.subtitle.clone())));
    }
    if let Some(c) = &annex.heading.concept {
        blocks.push(Block::Paragraph(concept_paragraph(c)));
        page.header
            .push(concept_word(annex.options.lang).to_string());
    }
    let mut state = Paragraph::default();
    state.push(Inline::Text(Run::bold(annex.heading.sentence.clone())));
    blocks.push(Block::Paragraph(state));
    blocks.push(Block::Paragraph(Paragraph::styled(
        ParaStyle::Heading(1),
        w.legend,
    )));
    if annex.legend.is_empty() {
        blocks.push(Block::Paragraph(Paragraph::plain(w.none)));
    } else {
        blocks.push(Block::Table(Table {
            widths: vec![page.orientation.text_width() / 3],
            rows: annex
                .legend
                .iter()
                .map(|(label, colour)| Row {
                    header: false,
                    cells: vec![status_cell(label, colour)],
                })
                .collect(),
        }));
    }
    for (n, c) in annex.footnotes.iter().enumerate() {
        page.footnotes.insert(
            u32::try_from(n + 1).unwrap_or(u32::MAX),
            Note::new(c.clone()),
        );
    }
    if let Some(c) = &annex.heading.check {
        page.footer.push(c.line());
    }
    (page, blocks)
}

/// A section's heading, and when it has no rows, the word saying so.
fn section_opening(annex: &Annex<'_>, s: &Section<'_>) -> Vec<Block> {
    let mut blocks = vec![Block::Paragraph(Paragraph::styled(
        ParaStyle::Heading(1),
        s.heading,
    ))];
    if s.rows.is_empty() {
        blocks.push(Block::Paragraph(Paragraph::plain(annex.words().none)));
    }
    blocks
}

/// A section's table without its rows: the column widths and the header
/// row.
fn table_head(annex: &Annex<'_>, s: &Section<'_>) -> (Vec<u32>, Row) {
    let w = annex.words();
    (
        Table::widths_from_weights(&[8, 3, 4, 12], Orientation::Landscape.text_width()),
        header_row(&[s.column, w.status, w.responsible, w.progress]),
    )
}

/// An item's row of its section's table.
fn item_row(annex: &Annex<'_>, r: &AnnexItem<'_>) -> Row {
    let w = annex.words();
    let mut text: Vec<Paragraph> = r.text.iter().map(docx_para).collect();
    if r.item.text.trim().is_empty() {
        let mut p = Paragraph::default();
        p.push(Inline::Text(Run {
            text: w.no_text.to_string(),
            italic: true,
            colour: Some(Rgb([0x75, 0x75, 0x75])),
            ..Run::default()
        }));
        for i in text.drain(..).flat_map(|p| p.inlines) {
            p.push(i);
        }
        text = vec![p];
    }
    if annex.options.keys {
        let mut p = Paragraph::default();
        p.push(Inline::Text(Run::bold(r.item.key.to_string())));
        text.insert(0, p);
    }
    Row {
        header: false,
        cells: vec![
            Cell {
                paragraphs: text,
                ..Cell::default()
            },
            status_cell(&r.status, &r.colour),
            Cell::plain(r.item.responsible.to_string()),
            Cell {
                paragraphs: r.progress.iter().map(docx_para).collect(),
                ..Cell::default()
            },
        ],
    }
}

/// The paragraphs after the sections: for auditors, the value to check
/// and how.
fn closing(annex: &Annex<'_>) -> Vec<Block> {
    let mut blocks = vec![Block::Paragraph(Paragraph::styled(
        ParaStyle::Heading(2),
        annex.words().auditors,
    ))];
    if let Some(c) = &annex.heading.check {
        let mut p = Paragraph::default();
        p.push(Inline::Text(Run::bold(format!("{}: ", c.label))));
        p.push(Inline::Text(Run::plain(c.digest.clone())));
        blocks.push(Block::Paragraph(p));
        blocks.push(Block::Paragraph(Paragraph::plain(c.how.clone())));
    }
    for line in &annex.heading.auditor {
        blocks.push(Block::Paragraph(Paragraph::plain(line.clone())));
    }
    blocks
}

/// The annex as a Word document model.
pub fn document(annex: &Annex<'_>) -> Document {
    let (mut doc, mut blocks) = opening(annex);
    for s in &annex.sections {
        blocks.extend(section_opening(annex, s));
        if s.rows.is_empty() {
            continue;
        }
        let (widths, header) = table_head(annex, s);
        let mut rows = vec![header];
        rows.extend(s.rows.iter().map(|r| item_row(annex, r)));
        blocks.push(Block::Table(Table { widths, rows }));
    }
    blocks.extend(closing(annex));
    doc.blocks = blocks;
    doc
}

/// The annex of `view` as `.docx` bytes, each row made and compressed in
/// turn: the same bytes as [`crate::formats::docx::write_docx`] of
/// [`document`], without the whole model or its XML in memory.
pub fn docx(view: &View, options: AnnexOptions) -> Result<Vec<u8>, FormatError> {
    let annex = build(view, options);
    let (page, blocks) = opening(&annex);
    let mut w = DocxStream::start(
        std::io::Cursor::new(Vec::new()),
        page,
        &WriteOptions {
            language: options.lang.word_language().to_string(),
            title: Some(annex.title.clone()),
        },
    )?;
    for b in &blocks {
        w.block(b)?;
    }
    for s in &annex.sections {
        for b in &section_opening(&annex, s) {
            w.block(b)?;
        }
        if s.rows.is_empty() {
            continue;
        }
        let (widths, header) = table_head(&annex, s);
        w.begin_table(widths)?;
        w.row(&header)?;
        for r in &s.rows {
            w.row(&item_row(&annex, r))?;
        }
        w.end_table()?;
    }
    for b in &closing(&annex) {
        w.block(b)?;
    }
    Ok(w.finish()?.into_inner())
}

/// A paragraph as a cell's text: markers as superscript digits.
fn plain_para(p: &Para) -> String {
    let mut out = String::new();
    let mut last_note = false;
    for s in p {
        match s {
            Seg::Text(t) => {
                out.push_str(t);
                last_note = false;
            }
            Seg::Note(n) => {
                if last_note {
                    out.push(',');
                }
                out.push_str(&superscript(*n));
                last_note = true;
            }
        }
    }
    out
}

/// The footnote numbers a row's paragraphs refer to, in order.
fn notes_of<'a>(paras: impl Iterator<Item = &'a Para>) -> Vec<usize> {
    paras
        .flat_map(|p| p.iter())
        .filter_map(|s| match s {
            Seg::Note(n) => Some(*n),
            Seg::Text(_) => None,
        })
        .collect()
}

/// The annex as one sheet.
pub fn sheet(annex: &Annex<'_>) -> (Sheet, XlsxOptions) {
    let (header, options) = sheet_head(annex);
    let mut rows = vec![header];
    rows.extend(sheet_rows(annex));
    (
        Sheet {
            name: annex.words().sheet.to_string(),
            first_row: 0,
            rows,
        },
        options,
    )
}

/// The sheet's header row, and the lines above and below its table.
fn sheet_head(annex: &Annex<'_>) -> (Vec<XCell>, XlsxOptions) {
    let w = annex.words();
    let keys = annex.options.keys;
    let mut header = vec![XCell::plain(w.section)];
    if keys {
        header.push(XCell::plain(w.key));
    }
    let item_column = annex
        .sections
        .iter()
        .map(|s| s.column)
        .collect::<Vec<_>>()
        .join(" / ");
    for h in [
        item_column.as_str(),
        w.status,
        w.responsible,
        w.progress,
        w.footnotes,
    ] {
        header.push(XCell::plain(h));
    }
    let mut above = vec![annex.title.clone()];
    if !annex.subtitle.is_empty() {
        above.push(annex.subtitle.clone());
    }
    if let Some(c) = &annex.heading.concept {
        above.push(c.clone());
    }
    above.push(annex.heading.sentence.clone());
    let mut below = Vec::new();
    if let Some(c) = &annex.heading.check {
        below.push(c.line());
        below.push(c.how.clone());
    }
    below.extend(annex.heading.auditor.iter().cloned());
    let mut widths = vec![13.0];
    if keys {
        widths.push(12.0);
    }
    widths.extend([55.0, 22.0, 16.0, 70.0, 40.0]);
    (
        header,
        XlsxOptions {
            widths,
            landscape: true,
            above,
            below,
        },
    )
}

/// The items' rows of the sheet, each made when it is asked for.
fn sheet_rows<'a>(annex: &'a Annex<'_>) -> impl Iterator<Item = Vec<XCell>> + 'a {
    let w = annex.words();
    let keys = annex.options.keys;
    annex
        .sections
        .iter()
        .flat_map(|s| s.rows.iter().map(move |r| (s, r)))
        .map(move |(s, r)| {
            let mut text = r
                .text
                .iter()
                .map(plain_para)
                .collect::<Vec<_>>()
                .join("\n\n");
            if r.item.text.trim().is_empty() {
                text = format!("{}{text}", w.no_text);
            }
            let notes: Vec<String> = notes_of(r.text.iter().chain(r.progress.iter()))
                .into_iter()
                .map(|n| {
                    format!(
                        "{} {}",
                        superscript(n),
                        annex.footnotes.get(n - 1).map_or("", String::as_str)
                    )
                })
                .collect();
            let mut row = vec![XCell::plain(s.heading)];
            if keys {
                row.push(XCell::plain(r.item.key.to_string()));
            }
            row.push(XCell::plain(text));
            row.push(XCell {
                text: r.status.clone(),
                fill: Rgb::parse(&r.colour),
            });
            row.push(XCell::plain(r.item.responsible.to_string()));
            row.push(XCell::plain(
                r.progress
                    .iter()
                    .map(plain_para)
                    .collect::<Vec<_>>()
                    .join("\n\n"),
            ));
            row.push(XCell::plain(notes.join("\n")));
            row
        })
}

/// The annex of `view` as `.xlsx` bytes, each item's row made and written
/// in turn ([`write_xlsx_rows`]): the same bytes as
/// [`crate::formats::xlsx::write_xlsx`] of [`sheet`].
pub fn xlsx(view: &View, options: AnnexOptions) -> Result<Vec<u8>, FormatError> {
    let annex = build(view, options);
    let (header, options) = sheet_head(&annex);
    let rows = std::iter::once(header).chain(sheet_rows(&annex));
    write_xlsx_rows(annex.words().sheet, rows, &options)
}
