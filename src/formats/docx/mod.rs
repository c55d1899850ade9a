//! Word documents (`.docx`): a neutral model of what an annex holds, read
//! from and written to WordprocessingML.
//!
//! The model is what a reader of the annex sees, not Word's markup: ordered
//! blocks (paragraphs and tables), text runs with the few properties that
//! carry meaning here (bold, italic, superscript, text colour, shading), the
//! exact place of every footnote reference, cell shading as an RGB colour
//! and coloured markers (the status a reader sees as a colour: see
//! [`Cell::shown_fill`] and [`Cell::marker_colours`]), cells that span columns (a
//! section row spans the whole table), footnote texts, header and footer
//! lines. [`read::read_docx`] builds it from a file; [`write::write_docx`]
//! writes a file from it, and reading that file gives the same model back.
//!
//! The model is normalised so that equal content compares equal: adjacent
//! runs with the same properties are one run, no run is empty, and a cell
//! does not end with an empty paragraph. Build it with [`Paragraph::push`]
//! to keep it so.

pub mod read;
pub mod write;

pub use read::{ReadOutcome, read_docx, read_docx_with};
pub use write::{DocxStream, WriteOptions, write_docx};

use std::collections::BTreeMap;
use std::fmt;

/// An RGB colour. Compares by value, so `#2e7d32` and `#2E7D32` are equal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rgb(pub [u8; 3]);

impl Rgb {
    /// Parses `#rrggbb` or `rrggbb` (either case).
    pub fn parse(s: &str) -> Option<Rgb> {
        let hex = s.trim().strip_prefix('#').unwrap_or(s.trim());
        if hex.len() != 6 || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let byte = |i: usize| u8::from_str_radix(hex.get(i..i + 2)?, 16).ok();
        Some(Rgb([byte(0)?, byte(2)?, byte(4)?]))
    }

    /// `RRGGBB`, as WordprocessingML writes colours.
    pub fn to_word(self) -> String {
        let [r, g, b] = self.0;
        format!("{r:02X}{g:02X}{b:02X}")
    }

    /// Squared distance in RGB space: a cheap way to find the legend colour
    /// nearest to a shading someone picked by eye.
    pub fn distance2(self, other: Rgb) -> u32 {
        self.0
            .iter()
            .zip(other.0.iter())
            .map(|(a, b)| {
                let d = i32::from(*a) - i32::from(*b);
                d.unsigned_abs() * d.unsigned_abs()
            })
            .sum()
    }

    /// True for a colour dark enough that text on it reads better in white
    /// (relative luminance below one half, sRGB weights).
    pub fn is_dark(self) -> bool {
        let [r, g, b] = self.0;
        2126 * u32::from(r) + 7152 * u32::from(g) + 722 * u32::from(b) < 10_000 * 128
    }

    /// A pattern shading seen from afar: `pct` percent of `fg` over `bg`.
    pub fn blend(fg: Rgb, bg: Rgb, pct: u8) -> Rgb {
        let pct = u16::from(pct.min(100));
        let mix = |f: u8, b: u8| -> u8 {
            let v = (u16::from(f) * pct + u16::from(b) * (100 - pct) + 50) / 100;
            u8::try_from(v).unwrap_or(u8::MAX)
        };
        Rgb([
            mix(fg.0[0], bg.0[0]),
            mix(fg.0[1], bg.0[1]),
            mix(fg.0[2], bg.0[2]),
        ])
    }
}

impl fmt::Display for Rgb {
    /// `#RRGGBB`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.to_word())
    }
}

/// A background (shading or highlight) as the file gives it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Fill {
    /// A known colour.
    Rgb(Rgb),
    /// A theme colour (`accent1`, …) without a resolved RGB value: the file
    /// shows a colour, but which one depends on the theme, which we do not
    /// read.
    Theme(String),
}

impl Fill {
    /// The colour, when it is known.
    pub fn rgb(&self) -> Option<Rgb> {
        match self {
            Fill::Rgb(c) => Some(*c),
            Fill::Theme(_) => None,
        }
    }
}

impl fmt::Display for Fill {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fill::Rgb(c) => c.fmt(f),
            Fill::Theme(name) => write!(f, "theme colour {name}"),
        }
    }
}

/// A run of text with one set of properties. The text holds `\t` for a tab
/// and `\n` for a line break.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Run {
    /// The text.
    pub text: String,
    /// Bold.
    pub bold: bool,
    /// Italic.
    pub italic: bool,
    /// Raised (superscript).
    pub superscript: bool,
    /// Text colour, when not automatic.
    pub colour: Option<Rgb>,
    /// Run shading or highlight.
    pub fill: Option<Fill>,
}

impl Run {
    /// Plain text.
    pub fn plain(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            ..Run::default()
        }
    }

    /// Bold text.
    pub fn bold(text: impl Into<String>) -> Run {
        Run {
            text: text.into(),
            bold: true,
            ..Run::default()
        }
    }

    fn same_look(&self, other: &Run) -> bool {
        self.bold == other.bold
            && self.italic == other.italic
            && self.superscript == other.superscript
            && self.colour == other.colour
            && self.fill == other.fill
    }
}

/// What a paragraph holds, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inline {
    /// Text.
    Text(Run),
    /// A reference to a footnote (by its id in [`Document::footnotes`]), at
    /// this exact place in the text.
    Footnote(u32),
    /// A reference to an endnote (by its id in [`Document::endnotes`]).
    Endnote(u32),
    /// A drawing, picture or shape in the text, with its solid fill when it
    /// has one: a coloured dot or square is how some annexes show a status.
    /// The writer draws it as a `●` in that colour, so this one inline does
    /// not survive a round trip as itself.
    Shape(Option<Fill>),
}

/// The paragraph styles the model tells apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ParaStyle {
    /// Body text (and every style we do not map).
    #[default]
    Normal,
    /// The document's title.
    Title,
    /// A heading of level 1–6.
    Heading(u8),
}

/// A paragraph.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Paragraph {
    /// Its style.
    pub style: ParaStyle,
    /// Its content.
    pub inlines: Vec<Inline>,
    /// Paragraph shading.
    pub fill: Option<Fill>,
}

impl Paragraph {
    /// A paragraph of one plain run.
    pub fn plain(text: impl Into<String>) -> Paragraph {
        let mut p = Paragraph::default();
        p.push(Inline::Text(Run::plain(text)));
        p
    }

    /// A paragraph in `style` of one plain run.
    pub fn styled(style: ParaStyle, text: impl Into<String>) -> Paragraph {
        let mut p = Paragraph::plain(text);
        p.style = style;
        p
    }

    /// Appends, keeping the model normal: an empty run is dropped and a run
    /// that looks like the one before it is joined to it.
    pub fn push(&mut self, inline: Inline) {
        if let Inline::Text(run) = &inline {
            if run.text.is_empty() {
                return;
            }
            if let Some(Inline::Text(last)) = self.inlines.last_mut()
                && last.same_look(run)
            {
                last.text.push_str(&run.text);
                return;
            }
        }
        self.inlines.push(inline);
    }

    /// The text, without note references.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for i in &self.inlines {
            if let Inline::Text(r) = i {
                out.push_str(&r.text);
            }
        }
        out
    }

    /// The note references in order, with the byte offset in [`Self::text`]
    /// where each stands.
    pub fn note_refs(&self) -> Vec<(usize, Inline)> {
        let mut at = 0;
        let mut out = Vec::new();
        for i in &self.inlines {
            match i {
                Inline::Text(r) => at += r.text.len(),
                Inline::Footnote(_) | Inline::Endnote(_) => out.push((at, i.clone())),
                Inline::Shape(_) => {}
            }
        }
        out
    }

    /// True when the paragraph holds nothing.
    pub fn is_empty(&self) -> bool {
        self.inlines.is_empty()
    }
}

/// How a cell takes part in a vertical merge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum VMerge {
    /// Not merged.
    #[default]
    None,
    /// The first cell of a vertical merge; it holds the content.
    Start,
    /// A cell merged into the one above; its content is ignored by Word.
    Continue,
}

/// A table cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    /// Its paragraphs (none for an empty cell).
    pub paragraphs: Vec<Paragraph>,
    /// Cell shading.
    pub fill: Option<Fill>,
    /// How many grid columns it spans (1 or more).
    pub span: u32,
    /// Vertical merge.
    pub vmerge: VMerge,
}

impl Default for Cell {
    fn default() -> Cell {
        Cell {
            paragraphs: Vec::new(),
            fill: None,
            span: 1,
            vmerge: VMerge::None,
        }
    }
}

impl Cell {
    /// A cell of one plain paragraph (no paragraph when `text` is empty).
    pub fn plain(text: impl Into<String>) -> Cell {
        let text = text.into();
        Cell {
            paragraphs: if text.is_empty() {
                Vec::new()
            } else {
                vec![Paragraph::plain(text)]
            },
            ..Cell::default()
        }
    }

    /// The text: paragraphs joined by `\n`, without note references.
    pub fn text(&self) -> String {
        self.paragraphs
            .iter()
            .map(Paragraph::text)
            .collect::<Vec<_>>()
            .join("\n")
    }

    /// Colours shown by markers in the cell rather than by its background,
    /// in reading order: the fill of each shape, the colour of each
    /// coloured marker character (`●`, `■`, `✓`, `•`, …), and the colour of
    /// each coloured-circle or -square emoji (`🟢`).
    pub fn marker_colours(&self) -> Vec<Fill> {
        let mut out = Vec::new();
        for i in self.paragraphs.iter().flat_map(|p| p.inlines.iter()) {
            match i {
                Inline::Shape(Some(f)) => out.push(f.clone()),
                Inline::Text(r) => {
                    for c in r.text.chars() {
                        if let Some(rgb) = emoji_colour(c) {
                            out.push(Fill::Rgb(rgb));
                        } else if is_marker(c)
                            && let Some(rgb) = r.colour
                        {
                            out.push(Fill::Rgb(rgb));
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }

    /// The background a reader sees: the cell's shading; else the shading
    /// every non-empty paragraph shares; else the fill every run with
    /// visible text shares (shading or highlight).
    pub fn shown_fill(&self) -> Option<Fill> {
        if self.fill.is_some() {
            return self.fill.clone();
        }
        let shared = |fills: &mut dyn Iterator<Item = Option<Fill>>| -> Option<Fill> {
            let first = fills.next()??;
            for f in fills {
                if f.as_ref() != Some(&first) {
                    return None;
                }
            }
            Some(first)
        };
        let mut paras = self
            .paragraphs
            .iter()
            .filter(|p| !p.is_empty())
            .map(|p| p.fill.clone());
        if let Some(f) = shared(&mut paras) {
            return Some(f);
        }
        let mut runs = self
            .paragraphs
            .iter()
            .flat_map(|p| p.inlines.iter())
            .filter_map(|i| match i {
                Inline::Text(r) if !r.text.trim().is_empty() => Some(r.fill.clone()),
                _ => None,
            });
        shared(&mut runs)
    }
}

/// A character that marks rather than spells: geometric shapes, symbols,
/// dingbats, and the bullet.
fn is_marker(c: char) -> bool {
    matches!(c as u32, 0x2022 | 0x25A0..=0x27BF | 0x2B1B..=0x2B55 | 0x1F300..=0x1FAFF)
}

/// The colour of a coloured-circle or -square emoji (as common emoji fonts
/// draw them).
fn emoji_colour(c: char) -> Option<Rgb> {
    let rgb = match c {
        '🔴' | '🟥' => [0xDD, 0x2E, 0x44],
        '🔵' | '🟦' => [0x55, 0xAC, 0xEE],
        '🟠' | '🟧' => [0xF4, 0x90, 0x0C],
        '🟡' | '🟨' => [0xFD, 0xCB, 0x58],
        '🟢' | '🟩' => [0x78, 0xB1, 0x59],
        '🟣' | '🟪' => [0xAA, 0x8E, 0xD6],
        '🟤' | '🟫' => [0xC1, 0x69, 0x4F],
        '⚫' | '⬛' => [0x31, 0x37, 0x3D],
        '⚪' | '⬜' => [0xE6, 0xE7, 0xE8],
        _ => return None,
    };
    Some(Rgb(rgb))
}

/// A table row.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Row {
    /// A header row: Word repeats the leading header rows on every page.
    pub header: bool,
    /// Its cells.
    pub cells: Vec<Cell>,
}

impl Row {
    /// The grid columns the row's cells cover.
    pub fn span(&self) -> u32 {
        self.cells
            .iter()
            .fold(0u32, |n, c| n.saturating_add(c.span.max(1)))
    }

    /// A row of one cell that spans `columns` columns, holding bold `text`:
    /// how an annex marks a section ("Moties").
    pub fn section(text: impl Into<String>, columns: u32, fill: Option<Fill>) -> Row {
        let mut p = Paragraph::default();
        p.push(Inline::Text(Run::bold(text)));
        Row {
            header: false,
            cells: vec![Cell {
                paragraphs: vec![p],
                fill,
                span: columns.max(1),
                vmerge: VMerge::None,
            }],
        }
    }

    /// True when the row is one cell across all `columns` columns (a
    /// section row).
    pub fn is_full_width(&self, columns: u32) -> bool {
        self.cells.len() == 1 && columns > 1 && self.span() >= columns
    }
}

/// A table.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Table {
    /// Column widths in twips (1/20 pt; 567 to the centimetre). Empty: the
    /// writer divides the text width evenly.
    pub widths: Vec<u32>,
    /// The rows.
    pub rows: Vec<Row>,
}

impl Table {
    /// The number of grid columns: the grid's, or the widest row's.
    pub fn columns(&self) -> u32 {
        let grid = u32::try_from(self.widths.len()).unwrap_or(u32::MAX);
        self.rows.iter().map(Row::span).max().unwrap_or(0).max(grid)
    }

    /// Column widths in twips that fill `text_width` in the proportions of
    /// `weights` (e.g. `[4, 1, 1, 6]`).
    pub fn widths_from_weights(weights: &[u32], text_width: u32) -> Vec<u32> {
        let total: u64 = weights.iter().map(|w| u64::from(*w)).sum();
        if total == 0 {
            return Vec::new();
        }
        weights
            .iter()
            .map(|w| {
                let v = u64::from(*w) * u64::from(text_width) / total;
                u32::try_from(v).unwrap_or(u32::MAX)
            })
            .collect()
    }
}

/// A block of the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A paragraph.
    Paragraph(Paragraph),
    /// A table.
    Table(Table),
}

/// A footnote or endnote: its paragraphs as plain text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Note {
    /// The paragraphs, without the note's own number.
    pub paragraphs: Vec<String>,
}

impl Note {
    /// A note of one paragraph.
    pub fn new(text: impl Into<String>) -> Note {
        Note {
            paragraphs: vec![text.into()],
        }
    }

    /// The text, paragraphs joined by `\n`.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n")
    }
}

/// Page orientation (A4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Orientation {
    /// Upright.
    #[default]
    Portrait,
    /// On its side: room for the annex's four wide columns.
    Landscape,
}

impl Orientation {
    /// Page width and height in twips (A4).
    pub fn page_size(self) -> (u32, u32) {
        match self {
            Orientation::Portrait => (11906, 16838),
            Orientation::Landscape => (16838, 11906),
        }
    }

    /// The width between the writer's margins, in twips.
    pub fn text_width(self) -> u32 {
        self.page_size().0 - 2 * write::MARGIN
    }
}

/// A Word document as the model sees it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Document {
    /// The body, in order.
    pub blocks: Vec<Block>,
    /// Footnotes by id (the id the references use).
    pub footnotes: BTreeMap<u32, Note>,
    /// Endnotes by id.
    pub endnotes: BTreeMap<u32, Note>,
    /// Page header lines.
    pub header: Vec<String>,
    /// Page footer lines.
    pub footer: Vec<String>,
    /// The footer shows page numbers.
    pub page_numbers: bool,
    /// Page orientation (of the last section, when a file has several).
    pub orientation: Orientation,
}

impl Document {
    /// The tables of the body, in order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.blocks.iter().filter_map(|b| match b {
            Block::Table(t) => Some(t),
            Block::Paragraph(_) => None,
        })
    }

    /// Every paragraph of the body, inside tables too, in reading order.
    pub fn paragraphs(&self) -> Vec<&Paragraph> {
        let mut out = Vec::new();
        for b in &self.blocks {
            match b {
                Block::Paragraph(p) => out.push(p),
                Block::Table(t) => {
                    for r in &t.rows {
                        for c in &r.cells {
                            out.extend(c.paragraphs.iter());
                        }
                    }
                }
            }
        }
        out
    }

    /// Renumbers notes 1, 2, … in the order they are referenced, which is
    /// the order Word numbers them. Word gives every reference its own note,
    /// so a note referenced twice is copied; notes nobody references are
    /// dropped, and so are references to notes that do not exist.
    pub fn renumber_notes(&mut self) {
        let old_foot = std::mem::take(&mut self.footnotes);
        let old_end = std::mem::take(&mut self.endnotes);
        let (foot, end) = (&mut self.footnotes, &mut self.endnotes);
        let mut visit = |p: &mut Paragraph| {
            let inlines = std::mem::take(&mut p.inlines);
            for i in inlines {
                let (id, is_foot) = match i {
                    Inline::Footnote(id) => (id, true),
                    Inline::Endnote(id) => (id, false),
                    Inline::Text(_) | Inline::Shape(_) => {
                        p.inlines.push(i);
                        continue;
                    }
                };
                let (old, new) = if is_foot {
                    (&old_foot, &mut *foot)
                } else {
                    (&old_end, &mut *end)
                };
                let Some(note) = old.get(&id) else { continue };
                let next = u32::try_from(new.len()).unwrap_or(u32::MAX - 1) + 1;
                new.insert(next, note.clone());
                p.inlines.push(if is_foot {
                    Inline::Footnote(next)
                } else {
                    Inline::Endnote(next)
                });
            }
        };
        for b in &mut self.blocks {
            match b {
                Block::Paragraph(p) => visit(p),
                Block::Table(t) => t
                    .rows
                    .iter_mut()
                    .flat_map(|r| r.cells.iter_mut())
                    .flat_map(|c| c.paragraphs.iter_mut())
                    .for_each(&mut visit),
            }
        }
    }
}

#[cfg(test)]
mod tests;
