//! Writes a [`Document`] as a `.docx` file that Word and LibreOffice open:
//! a real table (header rows repeated on every page, cell shading, fixed
//! column widths), real Word footnotes, a title and headings from named
//! styles, and a footer with the page number.
//!
//! The file holds the minimal set of parts (content types, relationships,
//! document, styles, settings, footnotes, endnotes, header, footer, core and
//! app properties), written in a fixed order with fixed zip timestamps and
//! no dates inside, so the same model always gives the same bytes.

use super::{Block, Cell, Document, Fill, Inline, Note, ParaStyle, Paragraph, Row, Run, VMerge};
use crate::formats::ooxml::FormatError;
use std::fmt::Write as _;
use std::io::Write as _;

const FORMAT: &str = "Word file";

/// Page margin on every side, in twips (2 cm).
pub const MARGIN: u32 = 1134;

/// Most columns a Word table may have.
pub const MAX_COLUMNS: u32 = 63;

const NS_W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const NS_R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const REL: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const XML_DECL: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n";

/// Theme colour names WordprocessingML accepts in `w:themeFill`.
const THEME_COLOURS: &[&str] = &[
    "dark1",
    "light1",
    "dark2",
    "light2",
    "accent1",
    "accent2",
    "accent3",
    "accent4",
    "accent5",
    "accent6",
    "hyperlink",
    "followedHyperlink",
    "background1",
    "text1",
    "background2",
    "text2",
];

/// What the model does not say about the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WriteOptions {
    /// The language Word checks spelling in (`w:lang`), e.g. `nl-NL`.
    pub language: String,
    /// The document title in the file's properties (shown by file
    /// managers); the first title paragraph when `None`.
    pub title: Option<String>,
}

impl Default for WriteOptions {
    fn default() -> WriteOptions {
        WriteOptions {
            language: "nl-NL".to_string(),
            title: None,
        }
    }
}

/// Writes the document as `.docx` bytes. Fails only on a model Word would
/// refuse: a note reference without its note, a note referenced twice, a
/// note id of 0 (Word's separators use 0 and -1; [`Document::renumber_notes`]
/// fixes both), a table wider than [`MAX_COLUMNS`], column widths that do
/// not match the rows, or an unknown theme colour. An empty table is left out.
pub fn write_docx(doc: &Document, options: &WriteOptions) -> Result<Vec<u8>, FormatError> {
    let title = options.title.clone().or_else(|| {
        doc.blocks.iter().find_map(|b| match b {
            Block::Paragraph(p) if p.style == ParaStyle::Title => Some(p.text()),
            _ => None,
        })
    });
    let page = Document {
        blocks: Vec::new(),
        footnotes: doc.footnotes.clone(),
        endnotes: doc.endnotes.clone(),
        header: doc.header.clone(),
        footer: doc.footer.clone(),
        page_numbers: doc.page_numbers,
        orientation: doc.orientation,
    };
    let options = WriteOptions {
        language: options.language.clone(),
        title,
    };
    let mut w = DocxStream::start(std::io::Cursor::new(Vec::new()), page, &options)?;
    for b in &doc.blocks {
        w.block(b)?;
    }
    Ok(w.finish()?.into_inner())
}

/// How much of the body is gathered before it is handed to the zip.
const BODY_CHUNK: usize = 1 << 16;

/// A `.docx` file written a block, or a table row, at a time, so that a
/// long document is never held whole, neither as a model nor as its XML:
/// the parts before the body when it starts, the body as it comes, the
/// notes, header and footer when it finishes. The same blocks give the
/// same bytes as [`write_docx`] of a model holding them (which writes
/// through it), however they were handed over: whole tables, or a table
/// begun, its rows, and ended. A model Word would refuse is refused as
/// [`write_docx`] refuses it, when the offending block comes.
pub struct DocxStream<W: std::io::Write + std::io::Seek> {
    zip: zip::ZipWriter<W>,
    zip_options: zip::write::SimpleFileOptions,
    /// Notes, header, footer, page numbers and orientation (no blocks).
    page: Document,
    language: String,
    /// Body XML not yet handed to the zip.
    body: String,
    /// Blocks begun so far (a table written a row at a time is one).
    blocks: usize,
    /// The last block written was a table with rows.
    after_table: bool,
    /// The last block given was a table (with rows or not).
    last_is_table: bool,
    referenced: std::collections::BTreeSet<(bool, u32)>,
    table: Option<OpenTable>,
}

impl<W: std::io::Write + std::io::Seek> std::fmt::Debug for DocxStream<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DocxStream")
            .field("blocks", &self.blocks)
            .field("table_open", &self.table.is_some())
            .finish_non_exhaustive()
    }
}

/// A table being written a row at a time.
struct OpenTable {
    index: usize,
    widths: Vec<u32>,
    started: bool,
}

fn bad(detail: String) -> FormatError {
    FormatError::part(FORMAT, "word/document.xml", detail)
}

fn reserved_note(kind: &str) -> FormatError {
    bad(format!(
        "{kind} id 0 is reserved for Word's separator; number notes from 1"
    ))
}

fn unwritable(part: &str, e: impl std::fmt::Display) -> FormatError {
    FormatError::part(FORMAT, part, format!("cannot be written: {e}"))
}

impl<W: std::io::Write + std::io::Seek> DocxStream<W> {
    /// Begins the file in `out`. `page` gives the notes known so far (more
    /// footnotes may follow, [`DocxStream::footnote`]), the header, the
    /// footer, page numbers and orientation; its blocks are not read.
    /// The title in the file's properties is `options.title`.
    pub fn start(
        out: W,
        page: Document,
        options: &WriteOptions,
    ) -> Result<DocxStream<W>, FormatError> {
        for (kind, notes) in [("footnote", &page.footnotes), ("endnote", &page.endnotes)] {
            if notes.contains_key(&0) {
                return Err(reserved_note(kind));
            }
        }
        let mut w = DocxStream {
            zip: zip::ZipWriter::new(out),
            zip_options: zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated)
                .last_modified_time(zip::DateTime::default())
                .unix_permissions(0o644),
            page,
            language: options.language.clone(),
            body: format!("{XML_DECL}<w:document xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\"><w:body>"),
            blocks: 0,
            after_table: false,
            last_is_table: false,
            referenced: Default::default(),
            table: None,
        };
        let (header, footer) = w.header_footer();
        w.part("[Content_Types].xml", &content_types(header, footer))?;
        w.part("_rels/.rels", &package_rels())?;
        w.part("docProps/app.xml", &app_props())?;
        w.part("docProps/core.xml", &core_props(options.title.as_deref()))?;
        w.zip
            .start_file("word/document.xml", w.zip_options)
            .map_err(|e| unwritable("word/document.xml", e))?;
        Ok(w)
    }

    /// Whether the file has a header and a footer part.
    fn header_footer(&self) -> (bool, bool) {
        (
            !self.page.header.is_empty(),
            !self.page.footer.is_empty() || self.page.page_numbers,
        )
    }

    fn part(&mut self, name: &str, body: &str) -> Result<(), FormatError> {
        self.zip
            .start_file(name, self.zip_options)
            .and_then(|()| self.zip.write_all(body.as_bytes()).map_err(Into::into))
            .map_err(|e| unwritable(name, e))
    }

    /// Hands the body gathered so far to the zip once there is enough.
    fn spill(&mut self) -> Result<(), FormatError> {
        if self.body.len() >= BODY_CHUNK {
            self.zip
                .write_all(self.body.as_bytes())
                .map_err(|e| unwritable("word/document.xml", e))?;
            self.body.clear();
        }
        Ok(())
    }

    /// A footnote, before the first reference to it.
    pub fn footnote(&mut self, id: u32, note: Note) -> Result<(), FormatError> {
        if id == 0 {
            return Err(reserved_note("footnote"));
        }
        self.page.footnotes.insert(id, note);
        Ok(())
    }

    /// The next block of the body.
    pub fn block(&mut self, b: &Block) -> Result<(), FormatError> {
        if self.table.is_some() {
            return Err(bad("a block was given inside an open table".into()));
        }
        let index = self.blocks;
        self.blocks += 1;
        match b {
            Block::Paragraph(p) => {
                self.check_para(p)?;
                paragraph(&mut self.body, p, None);
                self.after_table = false;
                self.last_is_table = false;
            }
            Block::Table(t) => {
                let columns = t.columns();
                check_shape(index, columns, t.widths.len())?;
                for r in &t.rows {
                    self.check_row(r)?;
                }
                self.last_is_table = true;
                if !t.rows.is_empty() {
                    let widths: Vec<u32> = if t.widths.is_empty() {
                        let columns = columns.max(1);
                        vec![self.page.orientation.text_width() / columns; columns as usize]
                    } else {
                        t.widths.clone()
                    };
                    self.open_table(&widths);
                    for r in &t.rows {
                        row(&mut self.body, r, &widths);
                        self.spill()?;
                    }
                    self.body.push_str("</w:tbl>");
                    self.after_table = true;
                }
            }
        }
        self.spill()
    }

    /// Begins a table whose rows follow one at a time ([`DocxStream::row`],
    /// then [`DocxStream::end_table`]), in columns of `widths` (twips; not
    /// empty: the rows are not all known yet to share the text width).
    pub fn begin_table(&mut self, widths: Vec<u32>) -> Result<(), FormatError> {
        if self.table.is_some() {
            return Err(bad("a table was begun inside an open table".into()));
        }
        if widths.is_empty() {
            return Err(bad(
                "a table written a row at a time needs its column widths".into(),
            ));
        }
        let index = self.blocks;
        self.blocks += 1;
        check_shape(index, len_u32(&widths), widths.len())?;
        self.table = Some(OpenTable {
            index,
            widths,
            started: false,
        });
        Ok(())
    }

    /// True between [`DocxStream::begin_table`] and
    /// [`DocxStream::end_table`].
    pub fn in_table(&self) -> bool {
        self.table.is_some()
    }

    /// The next row of the open table.
    pub fn row(&mut self, r: &Row) -> Result<(), FormatError> {
        let Some(mut t) = self.table.take() else {
            return Err(bad("a table row was given outside a table".into()));
        };
        check_shape(t.index, r.span().max(len_u32(&t.widths)), t.widths.len())?;
        self.check_row(r)?;
        if !t.started {
            self.open_table(&t.widths);
            t.started = true;
        }
        row(&mut self.body, r, &t.widths);
        self.table = Some(t);
        self.spill()
    }

    /// Ends the open table (one without rows is left out).
    pub fn end_table(&mut self) -> Result<(), FormatError> {
        let Some(t) = self.table.take() else {
            return Err(bad("a table was ended that was not begun".into()));
        };
        self.last_is_table = true;
        if t.started {
            self.body.push_str("</w:tbl>");
            self.after_table = true;
        }
        self.spill()
    }

    /// The table's properties and grid, after the paragraph that keeps it
    /// apart from a table just before it.
    fn open_table(&mut self, widths: &[u32]) {
        // Two tables with nothing between are one table to Word and
        // LibreOffice; an empty paragraph keeps them apart (the reader
        // drops it again).
        if self.after_table {
            self.body.push_str("<w:p/>");
        }
        table_start(&mut self.body, widths);
    }

    /// Ends the body and writes the remaining parts; gives back the
    /// output.
    pub fn finish(mut self) -> Result<W, FormatError> {
        if self.table.is_some() {
            return Err(bad("the document ended inside an open table".into()));
        }
        let (header, footer) = self.header_footer();
        // Word keeps the section's properties after a paragraph; a body
        // that ends in a table gets an empty one (the reader drops it
        // again).
        if self.last_is_table {
            self.body.push_str("<w:p/>");
        }
        let s = &mut self.body;
        s.push_str("<w:sectPr>");
        if header {
            s.push_str("<w:headerReference w:type=\"default\" r:id=\"rId5\"/>");
        }
        if footer {
            s.push_str("<w:footerReference w:type=\"default\" r:id=\"rId6\"/>");
        }
        let orientation = self.page.orientation;
        let (w, h) = orientation.page_size();
        let orient = match orientation {
            super::Orientation::Portrait => "",
            super::Orientation::Landscape => " w:orient=\"landscape\"",
        };
        let _ = write!(
            s,
            "<w:pgSz w:w=\"{w}\" w:h=\"{h}\"{orient}/>\
             <w:pgMar w:top=\"{MARGIN}\" w:right=\"{MARGIN}\" w:bottom=\"{MARGIN}\" w:left=\"{MARGIN}\" \
             w:header=\"567\" w:footer=\"567\" w:gutter=\"0\"/></w:sectPr></w:body></w:document>"
        );
        self.zip
            .write_all(self.body.as_bytes())
            .map_err(|e| unwritable("word/document.xml", e))?;
        self.part(
            "word/_rels/document.xml.rels",
            &document_rels(header, footer),
        )?;
        let styles = styles_xml(&self.language);
        self.part("word/styles.xml", &styles)?;
        self.part("word/settings.xml", &settings_xml())?;
        let notes = notes_xml("footnote", &self.page.footnotes);
        self.part("word/footnotes.xml", &notes)?;
        let notes = notes_xml("endnote", &self.page.endnotes);
        self.part("word/endnotes.xml", &notes)?;
        if header {
            let xml = header_footer_xml("hdr", "Header", &self.page.header, false);
            self.part("word/header1.xml", &xml)?;
        }
        if footer {
            let xml = header_footer_xml("ftr", "Footer", &self.page.footer, self.page.page_numbers);
            self.part("word/footer1.xml", &xml)?;
        }
        self.zip
            .finish()
            .map_err(|e| FormatError::whole(FORMAT, format!("the zip cannot be finished: {e}")))
    }

    /// Refuses a row Word would not open: an unknown theme colour, a note
    /// referenced twice or without its note.
    fn check_row(&mut self, r: &Row) -> Result<(), FormatError> {
        for c in &r.cells {
            check_fill(c.fill.as_ref())?;
            for p in &c.paragraphs {
                self.check_para(p)?;
            }
        }
        Ok(())
    }

    fn check_para(&mut self, p: &Paragraph) -> Result<(), FormatError> {
        check_fill(p.fill.as_ref())?;
        for i in &p.inlines {
            if let Inline::Footnote(id) | Inline::Endnote(id) = i
                && !self
                    .referenced
                    .insert((matches!(i, Inline::Footnote(_)), *id))
            {
                return Err(bad(format!(
                    "note {id} is referenced more than once; Word gives every reference \
                     its own note (Document::renumber_notes copies such notes)"
                )));
            }
            match i {
                Inline::Footnote(id) if !self.page.footnotes.contains_key(id) => {
                    return Err(bad(format!("footnote reference {id} has no footnote")));
                }
                Inline::Endnote(id) if !self.page.endnotes.contains_key(id) => {
                    return Err(bad(format!("endnote reference {id} has no endnote")));
                }
                Inline::Text(r) => check_fill(r.fill.as_ref())?,
                Inline::Shape(f) => check_fill(f.as_ref())?,
                _ => {}
            }
        }
        Ok(())
    }
}

fn len_u32<T>(v: &[T]) -> u32 {
    u32::try_from(v.len()).unwrap_or(u32::MAX)
}

/// Refuses a table wider than Word allows, or wider than its widths.
fn check_shape(index: usize, columns: u32, widths: usize) -> Result<(), FormatError> {
    if columns > MAX_COLUMNS {
        return Err(bad(format!(
            "the table at block {index} is {columns} columns wide; Word tables \
             hold at most {MAX_COLUMNS}"
        )));
    }
    if widths != 0 && widths != columns as usize {
        return Err(bad(format!(
            "the table at block {index} has {widths} column widths but rows {columns} \
             columns wide"
        )));
    }
    Ok(())
}

fn check_fill(fill: Option<&Fill>) -> Result<(), FormatError> {
    if let Some(Fill::Theme(t)) = fill
        && !THEME_COLOURS.contains(&t.as_str())
    {
        return Err(bad(format!(
            "unknown theme colour '{t}'; known: {}",
            THEME_COLOURS.join(", ")
        )));
    }
    Ok(())
}

/// Escapes text for XML, dropping characters XML 1.0 cannot hold (control
/// characters other than tab and newline); Word refuses a file with them.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

fn content_types(header: bool, footer: bool) -> String {
    let wml = "application/vnd.openxmlformats-officedocument.wordprocessingml";
    let mut s = String::from(XML_DECL);
    s.push_str(
        "<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
         <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
         <Default Extension=\"xml\" ContentType=\"application/xml\"/>",
    );
    let mut over = |part: &str, ct: &str| {
        let _ = write!(s, "<Override PartName=\"{part}\" ContentType=\"{ct}\"/>");
    };
    over("/word/document.xml", &format!("{wml}.document.main+xml"));
    over("/word/styles.xml", &format!("{wml}.styles+xml"));
    over("/word/settings.xml", &format!("{wml}.settings+xml"));
    over("/word/footnotes.xml", &format!("{wml}.footnotes+xml"));
    over("/word/endnotes.xml", &format!("{wml}.endnotes+xml"));
    if header {
        over("/word/header1.xml", &format!("{wml}.header+xml"));
    }
    if footer {
        over("/word/footer1.xml", &format!("{wml}.footer+xml"));
    }
    over(
        "/docProps/core.xml",
        "application/vnd.openxmlformats-package.core-properties+xml",
    );
    over(
        "/docProps/app.xml",
        "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    );
    s.push_str("</Types>");
    s
}

fn package_rels() -> String {
    format!(
        "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{REL}/officeDocument\" Target=\"word/document.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties\" Target=\"docProps/core.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"{REL}/extended-properties\" Target=\"docProps/app.xml\"/>\
         </Relationships>"
    )
}

fn document_rels(header: bool, footer: bool) -> String {
    let mut s = format!(
        "{XML_DECL}<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">\
         <Relationship Id=\"rId1\" Type=\"{REL}/styles\" Target=\"styles.xml\"/>\
         <Relationship Id=\"rId2\" Type=\"{REL}/settings\" Target=\"settings.xml\"/>\
         <Relationship Id=\"rId3\" Type=\"{REL}/footnotes\" Target=\"footnotes.xml\"/>\
         <Relationship Id=\"rId4\" Type=\"{REL}/endnotes\" Target=\"endnotes.xml\"/>"
    );
    if header {
        let _ = write!(
            s,
            "<Relationship Id=\"rId5\" Type=\"{REL}/header\" Target=\"header1.xml\"/>"
        );
    }
    if footer {
        let _ = write!(
            s,
            "<Relationship Id=\"rId6\" Type=\"{REL}/footer\" Target=\"footer1.xml\"/>"
        );
    }
    s.push_str("</Relationships>");
    s
}

fn app_props() -> String {
    format!(
        "{XML_DECL}<Properties xmlns=\"http://schemas.openxmlformats.org/officeDocument/2006/extended-properties\">\
         <Application>kamerstand</Application></Properties>"
    )
}

fn core_props(title: Option<&str>) -> String {
    let mut s = format!(
        "{XML_DECL}<cp:coreProperties xmlns:cp=\"http://schemas.openxmlformats.org/package/2006/metadata/core-properties\" \
         xmlns:dc=\"http://purl.org/dc/elements/1.1/\">"
    );
    if let Some(t) = title {
        let _ = write!(s, "<dc:title>{}</dc:title>", esc(t));
    }
    s.push_str("</cp:coreProperties>");
    s
}

/// Writes a paragraph; `style_override` replaces the model style (used for
/// notes, headers and footers).
fn paragraph(s: &mut String, p: &Paragraph, style_override: Option<&str>) {
    s.push_str("<w:p>");
    let style = style_override.map(str::to_string).or(match p.style {
        ParaStyle::Normal => None,
        ParaStyle::Title => Some("Title".to_string()),
        ParaStyle::Heading(n) => Some(format!("Heading{}", n.clamp(1, 6))),
    });
    if style.is_some() || p.fill.is_some() {
        s.push_str("<w:pPr>");
        if let Some(st) = style {
            let _ = write!(s, "<w:pStyle w:val=\"{st}\"/>");
        }
        if let Some(f) = &p.fill {
            shd(s, f);
        }
        s.push_str("</w:pPr>");
    }
    for i in &p.inlines {
        match i {
            Inline::Text(r) => run(s, r),
            Inline::Footnote(id) => {
                let _ = write!(
                    s,
                    "<w:r><w:rPr><w:rStyle w:val=\"FootnoteReference\"/></w:rPr>\
                     <w:footnoteReference w:id=\"{id}\"/></w:r>"
                );
            }
            Inline::Endnote(id) => {
                let _ = write!(
                    s,
                    "<w:r><w:rPr><w:rStyle w:val=\"EndnoteReference\"/></w:rPr>\
                     <w:endnoteReference w:id=\"{id}\"/></w:r>"
                );
            }
            Inline::Shape(fill) => run(
                s,
                &Run {
                    text: "●".into(),
                    colour: fill.as_ref().and_then(Fill::rgb),
                    ..Run::default()
                },
            ),
        }
    }
    s.push_str("</w:p>");
}

fn shd(s: &mut String, f: &Fill) {
    match f {
        Fill::Rgb(c) => {
            let _ = write!(
                s,
                "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"{}\"/>",
                c.to_word()
            );
        }
        Fill::Theme(t) => {
            let _ = write!(
                s,
                "<w:shd w:val=\"clear\" w:color=\"auto\" w:fill=\"auto\" w:themeFill=\"{}\"/>",
                esc(t)
            );
        }
    }
}

fn run(s: &mut String, r: &Run) {
    s.push_str("<w:r>");
    if r.bold || r.italic || r.superscript || r.colour.is_some() || r.fill.is_some() {
        // Element order is fixed by the schema (CT_RPr).
        s.push_str("<w:rPr>");
        if r.bold {
            s.push_str("<w:b/><w:bCs/>");
        }
        if r.italic {
            s.push_str("<w:i/><w:iCs/>");
        }
        if let Some(c) = r.colour {
            let _ = write!(s, "<w:color w:val=\"{}\"/>", c.to_word());
        }
        if let Some(f) = &r.fill {
            shd(s, f);
        }
        if r.superscript {
            s.push_str("<w:vertAlign w:val=\"superscript\"/>");
        }
        s.push_str("</w:rPr>");
    }
    run_text(s, &r.text);
    s.push_str("</w:r>");
}

/// Run content: text, with `\t` as a tab and `\n` as a line break.
fn run_text(s: &mut String, text: &str) {
    let mut pending = String::new();
    let flush = |s: &mut String, pending: &mut String| {
        if !pending.is_empty() {
            let _ = write!(s, "<w:t xml:space=\"preserve\">{}</w:t>", esc(pending));
            pending.clear();
        }
    };
    for c in text.chars() {
        match c {
            '\t' => {
                flush(s, &mut pending);
                s.push_str("<w:tab/>");
            }
            '\n' => {
                flush(s, &mut pending);
                s.push_str("<w:br/>");
            }
            '\r' => {}
            c => pending.push(c),
        }
    }
    flush(s, &mut pending);
}

/// A table's properties and grid: its rows and `</w:tbl>` follow.
fn table_start(s: &mut String, widths: &[u32]) {
    let total = widths.iter().fold(0u32, |a, w| a.saturating_add(*w));
    let border = "w:val=\"single\" w:sz=\"4\" w:space=\"0\" w:color=\"808080\"";
    let _ = write!(
        s,
        "<w:tbl><w:tblPr><w:tblW w:w=\"{total}\" w:type=\"dxa\"/>\
         <w:tblBorders><w:top {border}/><w:left {border}/><w:bottom {border}/><w:right {border}/>\
         <w:insideH {border}/><w:insideV {border}/></w:tblBorders>\
         <w:tblLayout w:type=\"fixed\"/>\
         <w:tblCellMar><w:top w:w=\"28\" w:type=\"dxa\"/><w:left w:w=\"85\" w:type=\"dxa\"/>\
         <w:bottom w:w=\"28\" w:type=\"dxa\"/><w:right w:w=\"85\" w:type=\"dxa\"/></w:tblCellMar>\
         <w:tblLook w:val=\"04A0\"/></w:tblPr><w:tblGrid>"
    );
    for w in widths {
        let _ = write!(s, "<w:gridCol w:w=\"{w}\"/>");
    }
    s.push_str("</w:tblGrid>");
}

fn row(s: &mut String, r: &Row, widths: &[u32]) {
    s.push_str("<w:tr>");
    if r.header {
        // Repeated at the top of every page, and never split across two.
        s.push_str("<w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>");
    }
    let mut col = 0usize;
    for c in &r.cells {
        let span = c.span.max(1) as usize;
        let w = widths
            .iter()
            .skip(col)
            .take(span)
            .fold(0u32, |a, w| a.saturating_add(*w));
        col += span;
        cell(s, c, w);
    }
    if r.cells.is_empty() {
        // A row needs a cell.
        cell(s, &Cell::default(), widths.first().copied().unwrap_or(0));
    }
    s.push_str("</w:tr>");
}

fn cell(s: &mut String, c: &Cell, width: u32) {
    let _ = write!(s, "<w:tc><w:tcPr><w:tcW w:w=\"{width}\" w:type=\"dxa\"/>");
    if c.span > 1 {
        let _ = write!(s, "<w:gridSpan w:val=\"{}\"/>", c.span);
    }
    match c.vmerge {
        VMerge::None => {}
        VMerge::Start => s.push_str("<w:vMerge w:val=\"restart\"/>"),
        VMerge::Continue => s.push_str("<w:vMerge/>"),
    }
    if let Some(f) = &c.fill {
        shd(s, f);
    }
    s.push_str("</w:tcPr>");
    for p in &c.paragraphs {
        paragraph(s, p, None);
    }
    if c.paragraphs.is_empty() {
        // Word needs a paragraph at the end of every cell.
        s.push_str("<w:p/>");
    }
    s.push_str("</w:tc>");
}

fn notes_xml(kind: &str, notes: &std::collections::BTreeMap<u32, Note>) -> String {
    let (text_style, ref_style) = match kind {
        "footnote" => ("FootnoteText", "FootnoteReference"),
        _ => ("EndnoteText", "EndnoteReference"),
    };
    let mut s = format!("{XML_DECL}<w:{kind}s xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\">");
    // The separator line above the notes and its continuation: Word
    // expects both, with ids -1 and 0, named again in settings.xml.
    let _ = write!(
        s,
        "<w:{kind} w:type=\"separator\" w:id=\"-1\"><w:p><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>\
         <w:r><w:separator/></w:r></w:p></w:{kind}>\
         <w:{kind} w:type=\"continuationSeparator\" w:id=\"0\"><w:p><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>\
         <w:r><w:continuationSeparator/></w:r></w:p></w:{kind}>"
    );
    for (id, note) in notes {
        let _ = write!(s, "<w:{kind} w:id=\"{id}\">");
        let paragraphs: Vec<&str> = if note.paragraphs.is_empty() {
            vec![""]
        } else {
            note.paragraphs.iter().map(String::as_str).collect()
        };
        for (i, text) in paragraphs.iter().enumerate() {
            let _ = write!(s, "<w:p><w:pPr><w:pStyle w:val=\"{text_style}\"/></w:pPr>");
            if i == 0 {
                let _ = write!(
                    s,
                    "<w:r><w:rPr><w:rStyle w:val=\"{ref_style}\"/></w:rPr><w:{kind}Ref/></w:r>\
                     <w:r><w:t xml:space=\"preserve\"> </w:t></w:r>"
                );
            }
            s.push_str("<w:r>");
            run_text(&mut s, text);
            s.push_str("</w:r></w:p>");
        }
        let _ = write!(s, "</w:{kind}>");
    }
    let _ = write!(s, "</w:{kind}s>");
    s
}

fn header_footer_xml(root: &str, style: &str, lines: &[String], page_numbers: bool) -> String {
    let mut s = format!("{XML_DECL}<w:{root} xmlns:w=\"{NS_W}\" xmlns:r=\"{NS_R}\">");
    for line in lines {
        paragraph(&mut s, &Paragraph::plain(line.clone()), Some(style));
    }
    if page_numbers {
        let _ = write!(
            s,
            "<w:p><w:pPr><w:pStyle w:val=\"{style}\"/><w:jc w:val=\"right\"/></w:pPr>\
             <w:r><w:fldChar w:fldCharType=\"begin\"/></w:r>\
             <w:r><w:instrText xml:space=\"preserve\"> PAGE </w:instrText></w:r>\
             <w:r><w:fldChar w:fldCharType=\"separate\"/></w:r>\
             <w:r><w:t>1</w:t></w:r>\
             <w:r><w:fldChar w:fldCharType=\"end\"/></w:r></w:p>"
        );
    }
    if lines.is_empty() && !page_numbers {
        s.push_str("<w:p/>");
    }
    let _ = write!(s, "</w:{root}>");
    s
}

fn settings_xml() -> String {
    format!(
        "{XML_DECL}<w:settings xmlns:w=\"{NS_W}\">\
         <w:defaultTabStop w:val=\"708\"/>\
         <w:characterSpacingControl w:val=\"doNotCompress\"/>\
         <w:footnotePr><w:footnote w:id=\"-1\"/><w:footnote w:id=\"0\"/></w:footnotePr>\
         <w:endnotePr><w:endnote w:id=\"-1\"/><w:endnote w:id=\"0\"/></w:endnotePr>\
         <w:compat><w:compatSetting w:name=\"compatibilityMode\" w:uri=\"http://schemas.microsoft.com/office/word\" w:val=\"15\"/></w:compat>\
         </w:settings>"
    )
}

fn styles_xml(language: &str) -> String {
    let lang = esc(language);
    let mut s = format!(
        "{XML_DECL}<w:styles xmlns:w=\"{NS_W}\">\
         <w:docDefaults><w:rPrDefault><w:rPr>\
         <w:rFonts w:ascii=\"Arial\" w:hAnsi=\"Arial\" w:eastAsia=\"Arial\" w:cs=\"Arial\"/>\
         <w:sz w:val=\"18\"/><w:szCs w:val=\"18\"/><w:lang w:val=\"{lang}\" w:eastAsia=\"en-US\" w:bidi=\"ar-SA\"/>\
         </w:rPr></w:rPrDefault>\
         <w:pPrDefault><w:pPr><w:spacing w:after=\"60\" w:line=\"252\" w:lineRule=\"auto\"/></w:pPr></w:pPrDefault>\
         </w:docDefaults>\
         <w:style w:type=\"paragraph\" w:default=\"1\" w:styleId=\"Normal\"><w:name w:val=\"Normal\"/><w:qFormat/></w:style>\
         <w:style w:type=\"character\" w:default=\"1\" w:styleId=\"DefaultParagraphFont\"><w:name w:val=\"Default Paragraph Font\"/>\
         <w:uiPriority w:val=\"1\"/><w:semiHidden/><w:unhideWhenUsed/></w:style>\
         <w:style w:type=\"table\" w:default=\"1\" w:styleId=\"TableNormal\"><w:name w:val=\"Normal Table\"/>\
         <w:uiPriority w:val=\"99\"/><w:semiHidden/><w:unhideWhenUsed/><w:tblPr><w:tblInd w:w=\"0\" w:type=\"dxa\"/>\
         <w:tblCellMar><w:top w:w=\"0\" w:type=\"dxa\"/><w:left w:w=\"108\" w:type=\"dxa\"/>\
         <w:bottom w:w=\"0\" w:type=\"dxa\"/><w:right w:w=\"108\" w:type=\"dxa\"/></w:tblCellMar></w:tblPr></w:style>\
         <w:style w:type=\"paragraph\" w:styleId=\"Title\"><w:name w:val=\"Title\"/><w:basedOn w:val=\"Normal\"/>\
         <w:next w:val=\"Normal\"/><w:qFormat/><w:pPr><w:spacing w:after=\"240\"/></w:pPr>\
         <w:rPr><w:b/><w:bCs/><w:sz w:val=\"36\"/><w:szCs w:val=\"36\"/></w:rPr></w:style>"
    );
    for (level, size) in [(1u8, 28u8), (2, 24), (3, 22), (4, 20), (5, 20), (6, 18)] {
        let _ = write!(
            s,
            "<w:style w:type=\"paragraph\" w:styleId=\"Heading{level}\"><w:name w:val=\"heading {level}\"/>\
             <w:basedOn w:val=\"Normal\"/><w:next w:val=\"Normal\"/><w:uiPriority w:val=\"9\"/><w:qFormat/>\
             <w:pPr><w:keepNext/><w:spacing w:before=\"240\" w:after=\"120\"/><w:outlineLvl w:val=\"{}\"/></w:pPr>\
             <w:rPr><w:b/><w:bCs/><w:sz w:val=\"{size}\"/><w:szCs w:val=\"{size}\"/></w:rPr></w:style>",
            level - 1
        );
    }
    for (id, name) in [
        ("FootnoteText", "footnote text"),
        ("EndnoteText", "endnote text"),
    ] {
        let _ = write!(
            s,
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/>\
             <w:uiPriority w:val=\"99\"/><w:unhideWhenUsed/><w:pPr><w:spacing w:after=\"0\" w:line=\"240\" w:lineRule=\"auto\"/></w:pPr>\
             <w:rPr><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/></w:rPr></w:style>"
        );
    }
    for (id, name) in [
        ("FootnoteReference", "footnote reference"),
        ("EndnoteReference", "endnote reference"),
    ] {
        let _ = write!(
            s,
            "<w:style w:type=\"character\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/>\
             <w:uiPriority w:val=\"99\"/><w:unhideWhenUsed/><w:rPr><w:vertAlign w:val=\"superscript\"/></w:rPr></w:style>"
        );
    }
    for (id, name) in [("Header", "header"), ("Footer", "footer")] {
        let _ = write!(
            s,
            "<w:style w:type=\"paragraph\" w:styleId=\"{id}\"><w:name w:val=\"{name}\"/><w:basedOn w:val=\"Normal\"/>\
             <w:uiPriority w:val=\"99\"/><w:unhideWhenUsed/><w:pPr><w:spacing w:after=\"0\"/></w:pPr>\
             <w:rPr><w:sz w:val=\"16\"/><w:szCs w:val=\"16\"/></w:rPr></w:style>"
        );
    }
    s.push_str("</w:styles>");
    s
}
