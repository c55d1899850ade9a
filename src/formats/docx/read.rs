//! Reads a `.docx` file into the [`Document`] model: the main document part
//! (found through the package relationships), its footnotes and endnotes,
//! the headers and footers its sections name, and the styles (for headings,
//! and for shading or bold a style gives).
//!
//! What a reader of the printed page sees is what counts: deleted text
//! (tracked changes) is left out and inserted text taken in; a tab stays a
//! tab and a line break becomes `\n`; page-number fields are not text;
//! symbol-font characters become the Unicode character they show; a
//! drawing or picture becomes an [`Inline::Shape`] with its solid fill, as
//! a coloured dot may be how a status is shown; alternate content is read
//! through its fallback. What the model cannot hold (text in text boxes,
//! equations, conditional table-style shading) is skipped and said in
//! [`ReadOutcome::warnings`].

use super::{
    Block, Cell, Document, Fill, Inline, Note, Orientation, ParaStyle, Paragraph, Rgb, Row, Run,
    Table, VMerge,
};
use crate::formats::ooxml::{El, Ev, FormatError, Limits, Ns, Package, Xml, read_relationships};
use std::collections::{BTreeMap, BTreeSet};

const FORMAT: &str = "Word file";

/// Most warnings kept; more of the same kind add nothing.
const MAX_WARNINGS: usize = 50;

/// A document read from a file, with what was skipped or approximated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOutcome {
    /// The document.
    pub document: Document,
    /// Sentences about content the model does not hold (pictures, text
    /// boxes, theme colours…), each once, in the order first met.
    pub warnings: Vec<String>,
}

/// Reads a `.docx` file within the default [`Limits`].
pub fn read_docx(bytes: &[u8]) -> Result<ReadOutcome, FormatError> {
    read_docx_with(bytes, Limits::default())
}

/// Reads a `.docx` file within `limits`.
pub fn read_docx_with(bytes: &[u8], limits: Limits) -> Result<ReadOutcome, FormatError> {
    let mut pkg = Package::open(bytes, FORMAT, limits)?;
    let main = read_relationships(&mut pkg, "")?
        .into_iter()
        .find(|r| r.kind == "officeDocument" && !r.external)
        .map(|r| r.target)
        .unwrap_or_else(|| "word/document.xml".to_string());
    let Some(main_text) = pkg.read_text(&main)? else {
        let what = if pkg.has("xl/workbook.xml") {
            "it looks like an Excel file"
        } else {
            "it is not a Word document"
        };
        return Err(FormatError::part(
            FORMAT,
            &main,
            format!("the package has no main document part; {what}"),
        ));
    };
    let rels: BTreeMap<String, (String, String)> = read_relationships(&mut pkg, &main)?
        .into_iter()
        .filter(|r| !r.external)
        .map(|r| (r.id, (r.kind, r.target)))
        .collect();
    let part_of = |kind: &str| {
        rels.values()
            .find(|(k, _)| k == kind)
            .map(|(_, t)| t.clone())
    };

    let styles = match part_of("styles") {
        Some(part) => match pkg.read_text(&part)? {
            Some(text) => Styles::read(&text, &part, limits)?,
            None => Styles::default(),
        },
        None => Styles::default(),
    };

    let mut ctx = Ctx::new(&styles);
    let mut document = Document::default();
    {
        let mut xml = Xml::new(&main_text, &main, FORMAT, limits);
        let root = first_element(&mut xml)?;
        if !root.is(Ns::W, "document") {
            let what = match root.name.as_str() {
                "workbook" => "; it looks like an Excel file",
                "presentation" => "; it looks like a PowerPoint file",
                _ => "",
            };
            return Err(xml.error(format!(
                "the root element is <{}>, not a WordprocessingML <w:document>{what}",
                root.name
            )));
        }
        loop {
            match xml.next()? {
                Ev::Start(el) if el.is(Ns::W, "body") => {
                    document.blocks = parse_blocks(&mut xml, &mut ctx)?;
                }
                Ev::Start(_) => xml.skip()?,
                Ev::End | Ev::Text(_) => {}
                Ev::Eof => break,
            }
        }
    }
    document.orientation = ctx.orientation;
    // An empty paragraph between two tables keeps them apart; it is
    // structure, not content (the writer adds it back).
    let blocks = std::mem::take(&mut document.blocks);
    let is_table =
        |i: Option<usize>| matches!(i.and_then(|i| blocks.get(i)), Some(Block::Table(_)));
    let keep: Vec<bool> = blocks
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let spacer = matches!(b, Block::Paragraph(p)
                if p.is_empty() && p.fill.is_none() && p.style == ParaStyle::Normal);
            !(spacer && is_table(i.checked_sub(1)) && is_table(Some(i + 1)))
        })
        .collect();
    document.blocks = blocks
        .into_iter()
        .zip(keep)
        .filter_map(|(b, keep)| keep.then_some(b))
        .collect();
    // A body that ends in a table has an empty paragraph after it to hold
    // the section; it is structure, not content (the writer adds it back).
    if let [.., Block::Table(_), Block::Paragraph(p)] = document.blocks.as_slice()
        && p.is_empty()
        && p.fill.is_none()
        && p.style == ParaStyle::Normal
    {
        document.blocks.pop();
    }

    for (kind, target) in [("footnotes", "footnote"), ("endnotes", "endnote")] {
        let Some(part) = part_of(kind) else { continue };
        let Some(text) = pkg.read_text(&part)? else {
            ctx.warn(format!("the {kind} part {part} is missing"));
            continue;
        };
        let notes = parse_notes(&text, &part, target, limits, &mut ctx)?;
        if kind == "footnotes" {
            document.footnotes = notes;
        } else {
            document.endnotes = notes;
        }
    }

    let refs = std::mem::take(&mut ctx.header_footer_refs);
    for (is_header, id) in refs {
        let Some((_, part)) = rels.get(&id) else {
            ctx.warn(format!(
                "a section names header/footer relationship {id}, which does not exist"
            ));
            continue;
        };
        let Some(text) = pkg.read_text(part)? else {
            ctx.warn(format!("the header/footer part {part} is missing"));
            continue;
        };
        let lines = parse_header_footer(&text, part, limits, &mut ctx)?;
        let target = if is_header {
            &mut document.header
        } else {
            &mut document.footer
        };
        for line in lines {
            if !target.contains(&line) {
                target.push(line);
            }
        }
    }
    document.page_numbers = ctx.page_numbers;

    for p in document.paragraphs() {
        for i in &p.inlines {
            match i {
                Inline::Footnote(id) if !document.footnotes.contains_key(id) => {
                    ctx.warn(format!("footnote {id} is referenced but has no text"));
                }
                Inline::Endnote(id) if !document.endnotes.contains_key(id) => {
                    ctx.warn(format!("endnote {id} is referenced but has no text"));
                }
                _ => {}
            }
        }
    }

    Ok(ReadOutcome {
        document,
        warnings: ctx.warnings,
    })
}

/// The first start tag of a part.
fn first_element(xml: &mut Xml<'_>) -> Result<El, FormatError> {
    loop {
        match xml.next()? {
            Ev::Start(el) => return Ok(el),
            Ev::Eof => return Err(xml.error("the part has no root element")),
            Ev::End | Ev::Text(_) => {}
        }
    }
}

/// Reads the content of the element just started, calling `on_start` for
/// each child start tag met at any depth; `on_start` returns true when it
/// consumed the child (up to and including its end), false to walk into it.
/// Returns at the element's end.
fn walk(
    xml: &mut Xml<'_>,
    mut on_start: impl FnMut(&mut Xml<'_>, &El) -> Result<bool, FormatError>,
) -> Result<(), FormatError> {
    let base = xml.depth();
    loop {
        match xml.next()? {
            Ev::Start(el) => {
                on_start(xml, &el)?;
            }
            Ev::End if xml.depth() < base => return Ok(()),
            Ev::End | Ev::Text(_) => {}
            Ev::Eof => return Err(xml.error("ends inside an element")),
        }
    }
}

/// An open complex field (`w:fldChar`): its instruction, and whether its
/// result is being read.
#[derive(Debug)]
struct Field {
    instr: String,
    in_result: bool,
}

impl Field {
    fn is_page_number(&self) -> bool {
        let word = self
            .instr
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_ascii_uppercase();
        matches!(word.as_str(), "PAGE" | "NUMPAGES" | "SECTIONPAGES")
    }
}

/// State shared while reading one package.
#[derive(Debug)]
struct Ctx<'s> {
    styles: &'s Styles,
    warnings: Vec<String>,
    fields: Vec<Field>,
    /// Set when the paragraph being read shows a page number.
    para_has_page_field: bool,
    page_numbers: bool,
    orientation: Orientation,
    /// (is header, relationship id), in section order, each once.
    header_footer_refs: Vec<(bool, String)>,
}

impl<'s> Ctx<'s> {
    fn new(styles: &'s Styles) -> Ctx<'s> {
        Ctx {
            styles,
            warnings: Vec::new(),
            fields: Vec::new(),
            para_has_page_field: false,
            page_numbers: false,
            orientation: Orientation::Portrait,
            header_footer_refs: Vec::new(),
        }
    }

    fn warn(&mut self, w: impl Into<String>) {
        let w = w.into();
        if self.warnings.len() < MAX_WARNINGS && !self.warnings.contains(&w) {
            self.warnings.push(w);
        }
    }

    /// True while the text read is a page number shown by a field.
    fn in_page_field(&self) -> bool {
        self.fields
            .iter()
            .any(|f| f.in_result && f.is_page_number())
    }
}

/// Reads block content (a body, a cell, a note, a header) up to the end of
/// the element just started. Skips deleted content and properties; walks
/// into any other container (content controls, custom XML).
fn parse_blocks(xml: &mut Xml<'_>, ctx: &mut Ctx<'_>) -> Result<Vec<Block>, FormatError> {
    let mut blocks = Vec::new();
    walk(xml, |xml, el| {
        if el.ns == Ns::Mc {
            // Alternate content: what a reader that knows no extension shows
            // is the fallback, so that is what is read.
            if el.name == "Choice" {
                xml.skip()?;
                return Ok(true);
            }
            return Ok(false);
        }
        if el.ns != Ns::W {
            return Ok(false);
        }
        match el.name.as_str() {
            "p" => blocks.push(Block::Paragraph(parse_paragraph(xml, ctx)?)),
            "tbl" => blocks.push(Block::Table(parse_table(xml, ctx)?)),
            "sectPr" => parse_sect_pr(xml, ctx)?,
            "del" | "moveFrom" | "sdtPr" | "sdtEndPr" => xml.skip()?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(blocks)
}

/// Reads `w:sectPr`: orientation, header and footer references.
fn parse_sect_pr(xml: &mut Xml<'_>, ctx: &mut Ctx<'_>) -> Result<(), FormatError> {
    walk(xml, |xml, el| {
        if el.ns != Ns::W {
            xml.skip()?;
            return Ok(true);
        }
        match el.name.as_str() {
            "pgSz" => {
                let w = el.attr("w").and_then(twips);
                let h = el.attr("h").and_then(twips);
                ctx.orientation = match (el.attr("orient"), w, h) {
                    (Some("landscape"), _, _) => Orientation::Landscape,
                    (Some("portrait"), _, _) => Orientation::Portrait,
                    (_, Some(w), Some(h)) if w > h => Orientation::Landscape,
                    _ => Orientation::Portrait,
                };
            }
            "headerReference" | "footerReference" => {
                if let Some(id) = el.attr("id") {
                    let entry = (el.name == "headerReference", id.to_string());
                    if !ctx.header_footer_refs.contains(&entry) {
                        ctx.header_footer_refs.push(entry);
                    }
                }
            }
            _ => {}
        }
        xml.skip()?;
        Ok(true)
    })
}

/// Reads `w:p`.
fn parse_paragraph(xml: &mut Xml<'_>, ctx: &mut Ctx<'_>) -> Result<Paragraph, FormatError> {
    let mut para = Paragraph::default();
    let mut style_id: Option<String> = None;
    let mut direct_fill: Option<Option<Fill>> = None;
    ctx.para_has_page_field = false;
    // Runs are read before the paragraph's style is known to them only in
    // a malformed file (pPr comes first), so the style is applied per run.
    let mut pending: Vec<(RunProps, Vec<Piece>)> = Vec::new();
    parse_inline_content(xml, ctx, &mut pending, &mut |xml, el, ctx: &mut Ctx<'_>| {
        if el.is(Ns::W, "pPr") {
            walk(xml, |xml, el| {
                if el.ns == Ns::W {
                    match el.name.as_str() {
                        "pStyle" => style_id = el.attr("val").map(str::to_string),
                        "shd" => direct_fill = Some(shading(el, ctx)),
                        "sectPr" => {
                            parse_sect_pr(xml, ctx)?;
                            return Ok(true);
                        }
                        _ => {}
                    }
                }
                xml.skip()?;
                Ok(true)
            })?;
            return Ok(true);
        }
        Ok(false)
    })?;
    let styles = ctx.styles;
    let chain = style_id
        .as_deref()
        .map(|id| styles.chain(id))
        .unwrap_or_default();
    para.style = style_id
        .as_deref()
        .map(|id| styles.para_style(id))
        .unwrap_or_default();
    para.fill = match direct_fill {
        Some(f) => f,
        None => chain.iter().find_map(|s| s.para_fill.clone()).flatten(),
    };
    // A title's or heading's own look (bold, size, the theme's colour) is
    // what makes it a heading; the model says that with the style, not by
    // repeating it on every run.
    let para_chain: &[&StyleDef] = if para.style == ParaStyle::Normal {
        &chain
    } else {
        &[]
    };
    for (props, pieces) in pending {
        let run_chain = props
            .style
            .as_deref()
            .map(|id| styles.chain(id))
            .unwrap_or_default();
        let look = props.resolve(&run_chain, para_chain);
        for piece in pieces {
            match piece {
                Piece::Text(text) => para.push(Inline::Text(Run {
                    text,
                    ..look.clone()
                })),
                Piece::Inline(i) => para.push(i),
            }
        }
    }
    Ok(para)
}

/// A piece of a run: text, or a note reference.
#[derive(Debug)]
enum Piece {
    Text(String),
    Inline(Inline),
}

type Hook<'h> = dyn FnMut(&mut Xml<'_>, &El, &mut Ctx<'_>) -> Result<bool, FormatError> + 'h;

/// Reads inline content (runs inside a paragraph, a hyperlink, an insertion,
/// a simple field, a content control) up to the end of the element just
/// started. `hook` sees each child start first (the paragraph uses it for
/// its properties).
fn parse_inline_content(
    xml: &mut Xml<'_>,
    ctx: &mut Ctx<'_>,
    runs: &mut Vec<(RunProps, Vec<Piece>)>,
    hook: &mut Hook<'_>,
) -> Result<(), FormatError> {
    let base = xml.depth();
    loop {
        let el = match xml.next()? {
            Ev::Start(el) => el,
            Ev::End if xml.depth() < base => return Ok(()),
            Ev::End | Ev::Text(_) => continue,
            Ev::Eof => return Err(xml.error("ends inside a paragraph")),
        };
        if hook(xml, &el, ctx)? {
            continue;
        }
        if el.ns == Ns::Mc {
            // As for blocks: the fallback is read, the choice skipped.
            if el.name == "Choice" {
                xml.skip()?;
            }
            continue;
        }
        if el.ns != Ns::W {
            if el.name == "oMath" || el.name == "oMathPara" {
                ctx.warn("an equation was skipped");
                xml.skip()?;
            }
            // Other foreign elements: walk in (their runs, if any, count).
            continue;
        }
        match el.name.as_str() {
            "r" => {
                let run = parse_run(xml, ctx)?;
                runs.push(run);
            }
            "del" | "moveFrom" | "sdtPr" | "sdtEndPr" | "rPr" | "pPrChange" => xml.skip()?,
            "fldSimple" => {
                let field = Field {
                    instr: el.attr("instr").unwrap_or("").to_string(),
                    in_result: true,
                };
                if field.is_page_number() {
                    ctx.para_has_page_field = true;
                    ctx.page_numbers = true;
                }
                ctx.fields.push(field);
                let r = parse_inline_content(xml, ctx, runs, &mut |_, _, _| Ok(false));
                ctx.fields.pop();
                r?;
            }
            // A nested paragraph or table here is malformed; read it as
            // inline content rather than fail.
            _ => {}
        }
    }
}

/// Run properties as written on the run; `None` means "not said here".
#[derive(Debug, Clone, Default)]
struct RunProps {
    style: Option<String>,
    bold: Option<bool>,
    italic: Option<bool>,
    superscript: Option<bool>,
    colour: Option<Option<Rgb>>,
    fill: Option<Option<Fill>>,
    highlight: Option<Option<Fill>>,
}

impl RunProps {
    /// The run's look: direct properties, else the character style's, else
    /// the paragraph style's.
    fn resolve(&self, run_chain: &[&StyleDef], para_chain: &[&StyleDef]) -> Run {
        let styles = || run_chain.iter().chain(para_chain.iter());
        let bool_of = |direct: Option<bool>, pick: fn(&RunProps) -> Option<bool>| {
            direct
                .or_else(|| styles().find_map(|s| pick(&s.run)))
                .unwrap_or(false)
        };
        let highlight = self
            .highlight
            .clone()
            .or_else(|| styles().find_map(|s| s.run.highlight.clone()))
            .flatten();
        let shd = self
            .fill
            .clone()
            .or_else(|| styles().find_map(|s| s.run.fill.clone()))
            .flatten();
        Run {
            text: String::new(),
            bold: bool_of(self.bold, |p| p.bold),
            italic: bool_of(self.italic, |p| p.italic),
            superscript: bool_of(self.superscript, |p| p.superscript),
            colour: self
                .colour
                .or_else(|| styles().find_map(|s| s.run.colour))
                .flatten(),
            // Word paints a highlight over the shading.
            fill: highlight.or(shd),
        }
    }
}

/// A `w:b`-style toggle: present means on unless `w:val` says off.
fn toggle(el: &El) -> bool {
    !matches!(el.attr("val"), Some("0" | "false" | "off" | "none"))
}

/// Reads the children of `w:rPr` into `props`.
fn parse_rpr(
    xml: &mut Xml<'_>,
    ctx: &mut Ctx<'_>,
    props: &mut RunProps,
) -> Result<(), FormatError> {
    walk(xml, |xml, el| {
        if el.ns == Ns::W {
            match el.name.as_str() {
                "rStyle" => props.style = el.attr("val").map(str::to_string),
                "b" => props.bold = Some(toggle(el)),
                "i" => props.italic = Some(toggle(el)),
                "vertAlign" => props.superscript = Some(el.attr("val") == Some("superscript")),
                "color" => props.colour = Some(el.attr("val").and_then(Rgb::parse)),
                "shd" => props.fill = Some(shading(el, ctx)),
                "highlight" => props.highlight = Some(highlight(el.attr("val").unwrap_or(""))),
                _ => {}
            }
        }
        xml.skip()?;
        Ok(true)
    })
}

/// Reads `w:r`: its properties and its pieces of text and references.
fn parse_run(xml: &mut Xml<'_>, ctx: &mut Ctx<'_>) -> Result<(RunProps, Vec<Piece>), FormatError> {
    let mut props = RunProps::default();
    let mut pieces: Vec<Piece> = Vec::new();
    let text = |pieces: &mut Vec<Piece>, s: &str| {
        if let Some(Piece::Text(t)) = pieces.last_mut() {
            t.push_str(s);
        } else {
            pieces.push(Piece::Text(s.to_string()));
        }
    };
    walk(xml, |xml, el| {
        if el.ns == Ns::Mc && el.name == "AlternateContent" {
            // The choice and its fallback draw the same thing twice.
            pieces.push(Piece::Inline(read_drawing(xml, ctx)?));
            return Ok(true);
        }
        if el.ns != Ns::W {
            xml.skip()?;
            return Ok(true);
        }
        match el.name.as_str() {
            "drawing" | "pict" | "object" => {
                pieces.push(Piece::Inline(read_drawing(xml, ctx)?));
                return Ok(true);
            }
            "rPr" => {
                parse_rpr(xml, ctx, &mut props)?;
                return Ok(true);
            }
            "t" => {
                let t = xml.text()?;
                if !ctx.in_page_field() {
                    text(&mut pieces, &t);
                }
                return Ok(true);
            }
            "instrText" => {
                let t = xml.text()?;
                if let Some(f) = ctx.fields.last_mut()
                    && !f.in_result
                {
                    f.instr.push_str(&t);
                }
                return Ok(true);
            }
            "fldChar" => match el.attr("fldCharType") {
                Some("begin") => ctx.fields.push(Field {
                    instr: String::new(),
                    in_result: false,
                }),
                Some("separate") => {
                    if let Some(f) = ctx.fields.last_mut() {
                        f.in_result = true;
                        if f.is_page_number() {
                            ctx.para_has_page_field = true;
                            ctx.page_numbers = true;
                        }
                    }
                }
                Some("end") => {
                    if let Some(f) = ctx.fields.pop()
                        && f.is_page_number()
                    {
                        ctx.para_has_page_field = true;
                        ctx.page_numbers = true;
                    }
                }
                _ => {}
            },
            "tab" | "ptab" if !ctx.in_page_field() => text(&mut pieces, "\t"),
            "br" | "cr" => text(&mut pieces, "\n"),
            "noBreakHyphen" => text(&mut pieces, "-"),
            "sym" => {
                let (c, known) =
                    symbol(el.attr("font").unwrap_or(""), el.attr("char").unwrap_or(""));
                if !known {
                    ctx.warn(format!(
                        "symbol {} of font {} has no known Unicode character; read as U+FFFD",
                        el.attr("char").unwrap_or("?"),
                        el.attr("font").unwrap_or("?")
                    ));
                }
                let mut buf = [0u8; 4];
                text(&mut pieces, c.encode_utf8(&mut buf));
            }
            "footnoteReference" | "endnoteReference" => {
                match el.attr("id").and_then(|v| v.trim().parse::<u32>().ok()) {
                    Some(id) => pieces.push(Piece::Inline(if el.name == "footnoteReference" {
                        Inline::Footnote(id)
                    } else {
                        Inline::Endnote(id)
                    })),
                    None => ctx.warn(format!("a {} without a usable id was skipped", el.name)),
                }
            }
            // delText, footnoteRef (a note's own number), separators,
            // lastRenderedPageBreak, softHyphen, …: nothing a reader reads.
            _ => {}
        }
        xml.skip()?;
        Ok(true)
    })?;
    Ok((props, pieces))
}

/// Reads a drawing (DrawingML, VML, or both as alternate content) up to
/// its end, into a [`Inline::Shape`] with the shape's solid fill: DrawingML
/// `a:solidFill` in the shape properties (not in its outline), or VML's
/// `fillcolor`. Text in a text box is not read (a warning says so).
fn read_drawing(xml: &mut Xml<'_>, ctx: &mut Ctx<'_>) -> Result<Inline, FormatError> {
    let base = xml.depth();
    let mut stack: Vec<String> = Vec::new();
    let mut fill: Option<Fill> = None;
    let mut text_box = false;
    let mut picture = false;
    loop {
        match xml.next()? {
            Ev::Start(el) => {
                let in_fill = stack.last().is_some_and(|s| s == "solidFill")
                    && stack.iter().any(|s| s == "spPr")
                    && !stack.iter().any(|s| s == "ln");
                match el.name.as_str() {
                    "srgbClr" if fill.is_none() && in_fill => {
                        fill = el.attr("val").and_then(Rgb::parse).map(Fill::Rgb);
                    }
                    "schemeClr" if fill.is_none() && in_fill => {
                        fill = el.attr("val").map(|v| Fill::Theme(v.to_string()));
                    }
                    "txbxContent" => text_box = true,
                    "pic" | "blip" | "imagedata" => picture = true,
                    _ => {}
                }
                if fill.is_none()
                    && el.attr("filled") != Some("f")
                    && let Some(c) = el.attr("fillcolor")
                {
                    fill = vml_colour(c).map(Fill::Rgb);
                }
                stack.push(el.name);
            }
            Ev::End => {
                if xml.depth() < base {
                    break;
                }
                stack.pop();
            }
            Ev::Text(_) => {}
            Ev::Eof => return Err(xml.error("ends inside a drawing")),
        }
    }
    if text_box {
        ctx.warn("text in a text box was skipped");
    }
    if fill.is_none() {
        ctx.warn(if picture {
            "a picture was read as a shape without a colour"
        } else {
            "a drawing without a solid fill was read as a shape without a colour"
        });
    }
    Ok(Inline::Shape(fill))
}

/// A VML colour: `#rrggbb`, `#rgb`, or one of the basic names; a trailing
/// ` [index]` is ignored.
fn vml_colour(v: &str) -> Option<Rgb> {
    let v = v.split_whitespace().next().unwrap_or("");
    if let Some(hex) = v.strip_prefix('#')
        && hex.len() == 3
    {
        let doubled: String = hex.chars().flat_map(|c| [c, c]).collect();
        return Rgb::parse(&doubled);
    }
    if let Some(c) = Rgb::parse(v) {
        return Some(c);
    }
    let rgb = match v.to_ascii_lowercase().as_str() {
        "black" => [0, 0, 0],
        "white" => [255, 255, 255],
        "red" => [255, 0, 0],
        "green" => [0, 128, 0],
        "lime" => [0, 255, 0],
        "blue" => [0, 0, 255],
        "yellow" => [255, 255, 0],
        "orange" => [255, 165, 0],
        "gray" | "grey" => [128, 128, 128],
        "silver" => [192, 192, 192],
        "navy" => [0, 0, 128],
        "teal" => [0, 128, 128],
        "purple" => [128, 0, 128],
        "maroon" => [128, 0, 0],
        "olive" => [128, 128, 0],
        "aqua" => [0, 255, 255],
        "fuchsia" => [255, 0, 255],
        _ => return None,
    };
    Some(Rgb(rgb))
}

/// Reads `w:tbl`.
fn parse_table(xml: &mut Xml<'_>, ctx: &mut Ctx<'_>) -> Result<Table, FormatError> {
    let mut table = Table::default();
    let mut default_fill: Option<Fill> = None;
    walk(xml, |xml, el| {
        if el.ns != Ns::W {
            return Ok(false);
        }
        match el.name.as_str() {
            "tblPr" => {
                walk(xml, |xml, el| {
                    if el.is(Ns::W, "shd") {
                        default_fill = shading(el, ctx);
                    } else if el.is(Ns::W, "tblStyle") {
                        ctx.warn(
                            "table style shading (banded or header rows) is not read; \
                             only shading set on cells, paragraphs or runs is",
                        );
                    }
                    xml.skip()?;
                    Ok(true)
                })?;
            }
            "tblGrid" => {
                walk(xml, |xml, el| {
                    if el.is(Ns::W, "gridCol") {
                        table.widths.push(el.attr("w").and_then(twips).unwrap_or(0));
                    }
                    xml.skip()?;
                    Ok(true)
                })?;
            }
            "tr" => {
                if let Some(row) = parse_row(xml, ctx, default_fill.as_ref())? {
                    table.rows.push(row);
                }
            }
            "tblPrEx" | "sdtPr" | "sdtEndPr" | "del" | "moveFrom" => xml.skip()?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    Ok(table)
}

/// Reads `w:tr`; `None` for a row deleted as a tracked change.
fn parse_row(
    xml: &mut Xml<'_>,
    ctx: &mut Ctx<'_>,
    default_fill: Option<&Fill>,
) -> Result<Option<Row>, FormatError> {
    let mut row = Row::default();
    let mut deleted = false;
    let mut grid_before = 0u32;
    walk(xml, |xml, el| {
        if el.ns != Ns::W {
            return Ok(false);
        }
        match el.name.as_str() {
            "trPr" => {
                walk(xml, |xml, el| {
                    if el.ns == Ns::W {
                        match el.name.as_str() {
                            "tblHeader" => row.header = toggle(el),
                            "del" => deleted = true,
                            "gridBefore" => {
                                grid_before =
                                    el.attr("val").and_then(|v| v.parse().ok()).unwrap_or(0)
                            }
                            _ => {}
                        }
                    }
                    xml.skip()?;
                    Ok(true)
                })?;
            }
            "tc" => {
                let (mut cell, hmerge_continue) = parse_cell(xml, ctx)?;
                if cell.fill.is_none() {
                    cell.fill = default_fill.cloned();
                }
                match row.cells.last_mut() {
                    Some(prev) if hmerge_continue => {
                        prev.span = prev.span.saturating_add(cell.span);
                    }
                    _ => row.cells.push(cell),
                }
            }
            "tblPrEx" | "sdtPr" | "sdtEndPr" | "del" | "moveFrom" => xml.skip()?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    if deleted {
        return Ok(None);
    }
    if grid_before > 0 {
        row.cells.insert(
            0,
            Cell {
                span: grid_before,
                ..Cell::default()
            },
        );
    }
    Ok(Some(row))
}

/// Reads `w:tc`; the flag is true for a cell that continues a horizontal
/// merge (`w:hMerge`, the older way to span columns).
fn parse_cell(xml: &mut Xml<'_>, ctx: &mut Ctx<'_>) -> Result<(Cell, bool), FormatError> {
    let mut cell = Cell::default();
    let mut hmerge_continue = false;
    let mut blocks = Vec::new();
    walk(xml, |xml, el| {
        if el.ns == Ns::Mc {
            // As for blocks: the fallback is read, the choice skipped.
            if el.name == "Choice" {
                xml.skip()?;
                return Ok(true);
            }
            return Ok(false);
        }
        if el.ns != Ns::W {
            return Ok(false);
        }
        match el.name.as_str() {
            "tcPr" => {
                walk(xml, |xml, el| {
                    if el.ns == Ns::W {
                        match el.name.as_str() {
                            "gridSpan" => {
                                cell.span = el
                                    .attr("val")
                                    .and_then(|v| v.trim().parse::<u32>().ok())
                                    .unwrap_or(1)
                                    .clamp(1, 1000);
                            }
                            "vMerge" => {
                                cell.vmerge = if el.attr("val") == Some("restart") {
                                    VMerge::Start
                                } else {
                                    VMerge::Continue
                                };
                            }
                            "hMerge" => hmerge_continue = el.attr("val") != Some("restart"),
                            "shd" => cell.fill = shading(el, ctx),
                            _ => {}
                        }
                    }
                    xml.skip()?;
                    Ok(true)
                })?;
            }
            "p" => blocks.push(Block::Paragraph(parse_paragraph(xml, ctx)?)),
            "tbl" => blocks.push(Block::Table(parse_table(xml, ctx)?)),
            "sdtPr" | "sdtEndPr" | "del" | "moveFrom" => xml.skip()?,
            _ => return Ok(false),
        }
        Ok(true)
    })?;
    for b in blocks {
        match b {
            Block::Paragraph(p) => cell.paragraphs.push(p),
            Block::Table(t) => {
                ctx.warn("a table inside a table cell was read as the cell's paragraphs");
                for r in t.rows {
                    for c in r.cells {
                        cell.paragraphs.extend(c.paragraphs);
                    }
                }
            }
        }
    }
    // Word needs a paragraph at the end of every cell; an empty one there
    // is structure, not content.
    while cell.paragraphs.last().is_some_and(Paragraph::is_empty) {
        cell.paragraphs.pop();
    }
    Ok((cell, hmerge_continue))
}

/// Reads a footnotes or endnotes part; `element` is `footnote` or
/// `endnote`. Separator notes are left out.
fn parse_notes(
    text: &str,
    part: &str,
    element: &str,
    limits: Limits,
    ctx: &mut Ctx<'_>,
) -> Result<BTreeMap<u32, Note>, FormatError> {
    let mut xml = Xml::new(text, part, FORMAT, limits);
    first_element(&mut xml)?;
    let mut notes = BTreeMap::new();
    walk(&mut xml, |xml, el| {
        if !el.is(Ns::W, element) {
            xml.skip()?;
            return Ok(true);
        }
        let normal = matches!(el.attr("type"), None | Some("normal"));
        let id = el.attr("id").and_then(|v| v.trim().parse::<u32>().ok());
        let (true, Some(id)) = (normal, id) else {
            xml.skip()?;
            return Ok(true);
        };
        let blocks = parse_blocks(xml, ctx)?;
        let mut paragraphs: Vec<String> = Vec::new();
        for b in blocks {
            match b {
                Block::Paragraph(p) => paragraphs.push(p.text()),
                Block::Table(t) => {
                    for r in t.rows {
                        for c in r.cells {
                            paragraphs.extend(c.paragraphs.iter().map(Paragraph::text));
                        }
                    }
                }
            }
        }
        // The note's own number is followed by a space in the text.
        if let Some(first) = paragraphs.first_mut() {
            *first = first.trim_start().to_string();
        }
        while paragraphs.last().is_some_and(|p| p.trim().is_empty()) {
            paragraphs.pop();
        }
        notes.insert(id, Note { paragraphs });
        Ok(true)
    })?;
    Ok(notes)
}

/// Reads a header or footer part into its non-empty lines; a line that
/// shows a page number is left out (the model says [`Document::page_numbers`]
/// instead).
fn parse_header_footer(
    text: &str,
    part: &str,
    limits: Limits,
    ctx: &mut Ctx<'_>,
) -> Result<Vec<String>, FormatError> {
    let mut xml = Xml::new(text, part, FORMAT, limits);
    first_element(&mut xml)?;
    let mut lines = Vec::new();
    let mut keep = |p: Paragraph, had_page: bool| {
        let t = p.text();
        if !had_page && !t.trim().is_empty() {
            lines.push(t);
        }
    };
    walk(&mut xml, |xml, el| {
        if el.is(Ns::W, "p") {
            let p = parse_paragraph(xml, ctx)?;
            keep(p, ctx.para_has_page_field);
            return Ok(true);
        }
        if el.is(Ns::W, "tbl") {
            let t = parse_table(xml, ctx)?;
            for r in t.rows {
                for c in r.cells {
                    for p in c.paragraphs {
                        keep(p, false);
                    }
                }
            }
            return Ok(true);
        }
        if (el.ns == Ns::Mc && el.name == "Choice") || el.is(Ns::W, "sdtPr") {
            xml.skip()?;
            return Ok(true);
        }
        Ok(false)
    })?;
    Ok(lines)
}

/// A `w:shd` element as the colour a reader sees, or `None` for no shading.
fn shading(el: &El, ctx: &mut Ctx<'_>) -> Option<Fill> {
    const WHITE: Rgb = Rgb([0xFF, 0xFF, 0xFF]);
    const BLACK: Rgb = Rgb([0, 0, 0]);
    let colour = |value: Option<&str>, theme: Option<&str>| -> Option<Fill> {
        match value.and_then(Rgb::parse) {
            Some(c) => Some(Fill::Rgb(c)),
            None => theme.map(|t| Fill::Theme(t.to_string())),
        }
    };
    let fill = colour(el.attr("fill"), el.attr("themeFill"));
    let pattern = colour(el.attr("color"), el.attr("themeColor"));
    let result = match el.attr("val").unwrap_or("clear") {
        "nil" => None,
        "clear" => fill,
        "solid" => Some(pattern.unwrap_or(Fill::Rgb(BLACK))),
        v if v.starts_with("pct") => {
            let pct = v[3..].parse::<u8>().unwrap_or(50);
            match (pattern, fill) {
                (Some(Fill::Theme(t)), _) | (None, Some(Fill::Theme(t))) => Some(Fill::Theme(t)),
                (fg, bg) => {
                    let fg = fg.and_then(|f| f.rgb()).unwrap_or(BLACK);
                    let bg = bg.and_then(|f| f.rgb()).unwrap_or(WHITE);
                    Some(Fill::Rgb(Rgb::blend(fg, bg, pct)))
                }
            }
        }
        // Stripes and crosses: the background is what most of the cell shows.
        _ => fill,
    };
    if let Some(Fill::Theme(t)) = &result {
        ctx.warn(format!(
            "shading given only as theme colour {t} is read as that name, not as a colour"
        ));
    }
    result
}

/// A `w:highlight` value as a colour (`none` and unknown names: no fill).
fn highlight(name: &str) -> Option<Fill> {
    let rgb = match name {
        "yellow" => [0xFF, 0xFF, 0x00],
        "green" => [0x00, 0xFF, 0x00],
        "cyan" => [0x00, 0xFF, 0xFF],
        "magenta" => [0xFF, 0x00, 0xFF],
        "blue" => [0x00, 0x00, 0xFF],
        "red" => [0xFF, 0x00, 0x00],
        "darkBlue" => [0x00, 0x00, 0x80],
        "darkCyan" => [0x00, 0x80, 0x80],
        "darkGreen" => [0x00, 0x80, 0x00],
        "darkMagenta" => [0x80, 0x00, 0x80],
        "darkRed" => [0x80, 0x00, 0x00],
        "darkYellow" => [0x80, 0x80, 0x00],
        "darkGray" => [0x80, 0x80, 0x80],
        "lightGray" => [0xC0, 0xC0, 0xC0],
        "black" => [0x00, 0x00, 0x00],
        "white" => [0xFF, 0xFF, 0xFF],
        _ => return None,
    };
    Some(Fill::Rgb(Rgb(rgb)))
}

/// A `w:sym` as the character it shows, and whether we knew it. Symbol
/// fonts put their glyphs at U+F020–U+F0FF; the low byte is the glyph.
fn symbol(font: &str, code: &str) -> (char, bool) {
    let Ok(mut n) = u32::from_str_radix(code.trim(), 16) else {
        return ('\u{FFFD}', false);
    };
    let font = font.to_ascii_lowercase();
    let symbol_font = font.starts_with("wingdings") || font == "symbol" || font == "webdings";
    if !symbol_font {
        return match char::from_u32(n) {
            Some(c) => (c, true),
            None => ('\u{FFFD}', false),
        };
    }
    if (0xF000..=0xF0FF).contains(&n) {
        n -= 0xF000;
    }
    let mapped = if font == "wingdings" {
        match n {
            0x6C => Some('●'),
            0x6D => Some('❍'),
            0x6E => Some('■'),
            0x6F => Some('□'),
            0x71 => Some('❑'),
            0x75 => Some('◆'),
            0x77 => Some('⬥'),
            0x9F => Some('•'),
            0xA1 => Some('○'),
            0xA7 => Some('▪'),
            0xA8 => Some('◻'),
            0xD8 => Some('➢'),
            0xE0 => Some('→'),
            0xE8 => Some('➔'),
            0xFB => Some('✗'),
            0xFC => Some('✓'),
            0xFD => Some('☒'),
            0xFE => Some('☑'),
            _ => None,
        }
    } else if font == "symbol" {
        match n {
            0x20..=0x3F if n != 0x22 && n != 0x24 && n != 0x27 => char::from_u32(n),
            0xAC => Some('←'),
            0xAE => Some('→'),
            0xB0 => Some('°'),
            0xB1 => Some('±'),
            0xB4 => Some('×'),
            0xB7 => Some('•'),
            0xD6 => Some('√'),
            _ => None,
        }
    } else {
        None
    };
    match mapped {
        Some(c) => (c, true),
        None => ('\u{FFFD}', false),
    }
}

/// A width in twips: a whole number, or a measure with a unit (`2.5cm`).
fn twips(v: &str) -> Option<u32> {
    let v = v.trim();
    let (num, factor) = if let Some(n) = v.strip_suffix("mm") {
        (n, 1440.0 / 25.4)
    } else if let Some(n) = v.strip_suffix("cm") {
        (n, 1440.0 / 2.54)
    } else if let Some(n) = v.strip_suffix("in") {
        (n, 1440.0)
    } else if let Some(n) = v.strip_suffix("pt") {
        (n, 20.0)
    } else if let Some(n) = v.strip_suffix("pc").or_else(|| v.strip_suffix("pi")) {
        (n, 240.0)
    } else {
        (v, 1.0)
    };
    let x: f64 = num.trim().parse().ok()?;
    let t = (x * factor).round();
    if t.is_finite() && (0.0..=f64::from(u32::MAX)).contains(&t) {
        // In range and whole, checked just above.
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        Some(t as u32)
    } else {
        None
    }
}

/// What a style says that the model uses.
#[derive(Debug, Clone, Default)]
struct StyleDef {
    name: String,
    based_on: Option<String>,
    para_fill: Option<Option<Fill>>,
    run: RunProps,
}

/// The styles part, by style id.
#[derive(Debug, Default)]
struct Styles {
    by_id: BTreeMap<String, StyleDef>,
}

impl Styles {
    fn read(text: &str, part: &str, limits: Limits) -> Result<Styles, FormatError> {
        let mut xml = Xml::new(text, part, FORMAT, limits);
        first_element(&mut xml)?;
        let mut by_id = BTreeMap::new();
        // Styles give shading too; a theme-only one is reported when used,
        // not here, so these warnings go nowhere.
        let empty = Styles::default();
        let mut scratch = Ctx::new(&empty);
        walk(&mut xml, |xml, el| {
            if !el.is(Ns::W, "style") {
                xml.skip()?;
                return Ok(true);
            }
            let Some(id) = el.attr("styleId").map(str::to_string) else {
                xml.skip()?;
                return Ok(true);
            };
            let mut def = StyleDef::default();
            walk(xml, |xml, el| {
                if el.ns != Ns::W {
                    xml.skip()?;
                    return Ok(true);
                }
                match el.name.as_str() {
                    "name" => def.name = el.attr("val").unwrap_or("").to_string(),
                    "basedOn" => def.based_on = el.attr("val").map(str::to_string),
                    "pPr" => {
                        walk(xml, |xml, el| {
                            if el.is(Ns::W, "shd") {
                                def.para_fill = Some(shading(el, &mut scratch));
                            }
                            xml.skip()?;
                            Ok(true)
                        })?;
                        return Ok(true);
                    }
                    "rPr" => {
                        parse_rpr(xml, &mut scratch, &mut def.run)?;
                        return Ok(true);
                    }
                    _ => {}
                }
                xml.skip()?;
                Ok(true)
            })?;
            by_id.insert(id, def);
            Ok(true)
        })?;
        Ok(Styles { by_id })
    }

    /// The style and the styles it is based on, nearest first (at most 16,
    /// so a loop in the file cannot hang us).
    fn chain(&self, id: &str) -> Vec<&StyleDef> {
        let mut out = Vec::new();
        let mut seen = BTreeSet::new();
        let mut next = Some(id);
        while let Some(id) = next {
            if out.len() >= 16 || !seen.insert(id) {
                break;
            }
            let Some(def) = self.by_id.get(id) else { break };
            out.push(def);
            next = def.based_on.as_deref();
        }
        out
    }

    /// The model's paragraph style for a style id: by the built-in name the
    /// style (or one it is based on) carries, else by the id itself (Dutch
    /// Word uses ids such as `Kop1` and `Titel`).
    fn para_style(&self, id: &str) -> ParaStyle {
        for def in self.chain(id) {
            if let Some(s) = style_from_name(&def.name) {
                return s;
            }
        }
        style_from_name(id).unwrap_or_default()
    }
}

fn style_from_name(name: &str) -> Option<ParaStyle> {
    let n = name.to_ascii_lowercase().replace(' ', "");
    if n == "title" || n == "titel" {
        return Some(ParaStyle::Title);
    }
    for prefix in ["heading", "kop"] {
        if let Some(level) = n.strip_prefix(prefix)
            && let Ok(level) = level.parse::<u8>()
            && (1..=6).contains(&level)
        {
            return Some(ParaStyle::Heading(level));
        }
    }
    None
}

#[cfg(test)]
mod unit {
    use super::*;

    #[test]
    fn widths_take_units() {
        assert_eq!(twips("2268"), Some(2268));
        assert_eq!(twips("1in"), Some(1440));
        assert_eq!(twips("2.54cm"), Some(1440));
        assert_eq!(twips("-5"), None);
        assert_eq!(twips("wide"), None);
    }

    #[test]
    fn symbols_map_to_what_they_show() {
        assert_eq!(symbol("Wingdings", "F0FC"), ('✓', true));
        assert_eq!(symbol("Wingdings", "6C"), ('●', true));
        assert_eq!(symbol("Symbol", "F0B7"), ('•', true));
        assert_eq!(symbol("Segoe UI Symbol", "2714"), ('✔', true));
        assert_eq!(symbol("Wingdings", "F021"), ('\u{FFFD}', false));
    }

    #[test]
    fn style_names_map_in_english_and_dutch() {
        assert_eq!(style_from_name("heading 2"), Some(ParaStyle::Heading(2)));
        assert_eq!(style_from_name("Kop1"), Some(ParaStyle::Heading(1)));
        assert_eq!(style_from_name("Titel"), Some(ParaStyle::Title));
        assert_eq!(style_from_name("Heading9"), None);
        assert_eq!(style_from_name("Normal"), None);
    }
}
