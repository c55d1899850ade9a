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
//! [`render`].

pub mod render;

pub use render::{Lang, html, markdown};

use std::collections::{BTreeMap, BTreeSet};

use super::Anomaly;
use crate::domain::text::{nfc, shorten};
use crate::domain::{ItemKind, KamerstukRef, Legend, Responsible};

/// Longest excerpt of input quoted in an anomaly message, in characters.
const EXCERPT_CHARS: usize = 60;
/// Longest cell that can hold responsible codes, in characters.
const MAX_RESPONSIBLE_CHARS: usize = 60;
/// Longest cell taken for a (possibly unknown) status label, in characters.
const MAX_LABEL_CHARS: usize = 40;
/// Most words of a cell taken for a (possibly unknown) status label.
const MAX_LABEL_WORDS: usize = 5;
/// Longest cell taken for a mangled responsible cell, in characters.
const MAX_SHORT_CHARS: usize = 40;
/// Most lines a legend label can be split over.
const MAX_LEGEND_LINES: usize = 3;
/// Most digits of a footnote marker.
const MAX_MARKER_DIGITS: usize = 3;
/// Longest header cell, in characters.
const MAX_HEADER_CELL_CHARS: usize = 40;
/// Most lines a bold title block may span before it is given up on.
const MAX_TITLE_LINES: usize = 16;
/// Words that end with a full stop and are followed by a number without
/// being a sentence with a footnote marker ("nr.5", "art.3").
const ABBREVIATIONS: &[&str] = &[
    "nr", "nrs", "no", "art", "artt", "blz", "bl", "pp", "par", "hfst", "lid", "sub", "jo", "bijl",
    "fig", "tab", "versie", "fase", "kw", "ca", "vs", "resp", "ed",
];
/// Units after which ² and ³ are powers, not footnote markers.
const UNITS: &[&str] = &["m", "km", "cm", "mm", "dm"];

/// One parsed row of the annex table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnnexRow {
    /// 1-based line number of the row in the input.
    pub line: usize,
    /// From the section it is in (Moties -> Motie, Toezeggingen -> Toezegging).
    pub kind: ItemKind,
    /// Item text, NFC, footnote markers removed, trimmed; "" when lost.
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
    /// The "stand van zaken" text: NFC, markers removed, `<p>` turned into
    /// paragraph breaks ("\n\n"), trimmed.
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

// ---------------------------------------------------------------------------
// Pass 1: what each line is
// ---------------------------------------------------------------------------

/// The role of one input line.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Class {
    /// Empty or white space only.
    Blank,
    /// Part of the title block.
    Title,
    /// A legend label (or part of one split over lines).
    Legend,
    /// `Status / Verantwoordelijk / Stand van zaken`.
    Header,
    /// `Moties` or `Toezeggingen`.
    Section(ItemKind),
    /// A footnote definition.
    Footnote(FootnoteLine),
    /// A table row (the line has tabs).
    Row,
    /// A page number or page footer ("12", "Pagina 3 van 12"): ignored.
    PageMark,
    /// A line without tabs that is none of the above.
    Free,
}

/// A footnote definition line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FootnoteLine {
    /// The marker as written.
    marker: String,
    /// Its number, when it is a usable one.
    number: Option<u32>,
    /// The text after the marker, trimmed.
    text: String,
}

/// Where the title block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum TitleState {
    /// Nothing but blank lines seen yet.
    Open,
    /// Inside a `**…**` block that started on the given line.
    Bold(usize),
    /// Inside a title without bold markers.
    Plain,
    /// The title is over.
    Done,
}

fn classify(lines: &[String], legend: &Legend, anomalies: &mut Vec<Anomaly>) -> Vec<Class> {
    let mut classes = Vec::with_capacity(lines.len());
    let mut title = TitleState::Open;
    let mut in_section = false;
    let mut i = 0;
    while let Some(line) = lines.get(i) {
        let (class, span) = structural_class(lines, i, legend, in_section);
        if matches!(class, Class::Section(_)) {
            in_section = true;
        }
        let as_title = match (title, &class) {
            (TitleState::Bold(start), Class::Blank | Class::Free | Class::PageMark) => {
                if i.saturating_sub(start) >= MAX_TITLE_LINES {
                    title = TitleState::Done;
                    anomalies.push(anomaly(
                        start + 1,
                        "title block opened with '**' is not closed".to_string(),
                    ));
                    false
                } else {
                    if i > start && line.trim_end().ends_with("**") {
                        title = TitleState::Done;
                    }
                    true
                }
            }
            (TitleState::Bold(start), _) => {
                title = TitleState::Done;
                anomalies.push(anomaly(
                    start + 1,
                    "title block opened with '**' is not closed".to_string(),
                ));
                false
            }
            (TitleState::Open, Class::Free) => {
                let t = line.trim();
                title = if t.starts_with("**") && !(t.chars().count() >= 4 && t.ends_with("**")) {
                    TitleState::Bold(i)
                } else if t.starts_with("**") {
                    TitleState::Done
                } else {
                    TitleState::Plain
                };
                true
            }
            (TitleState::Open, Class::Blank | Class::PageMark) => false,
            (TitleState::Plain, Class::Free) => true,
            (TitleState::Plain | TitleState::Open, _) => {
                title = TitleState::Done;
                false
            }
            (TitleState::Done, _) => false,
        };
        if as_title {
            classes.push(Class::Title);
            i += 1;
            continue;
        }
        let span = span.max(1);
        for _ in 0..span {
            classes.push(class.clone());
        }
        i += span;
    }
    classes
}

/// The class of line `i` regardless of the title, and how many lines it
/// takes (more than one only for a legend label split over lines).
fn structural_class(
    lines: &[String],
    i: usize,
    legend: &Legend,
    in_section: bool,
) -> (Class, usize) {
    let Some(line) = lines.get(i) else {
        return (Class::Blank, 1);
    };
    let cells = filled_cells(line);
    if cells.is_empty() {
        return (Class::Blank, 1);
    }
    if is_header(&cells) {
        return (Class::Header, 1);
    }
    if let Some(kind) = section_kind(&cells) {
        return (Class::Section(kind), 1);
    }
    if let Some(f) = superscript_footnote(&cells) {
        return (Class::Footnote(f), 1);
    }
    if let Some(span) = legend_span(lines, i, legend) {
        return (Class::Legend, span);
    }
    if in_section && let Some(f) = plain_footnote(&cells) {
        return (Class::Footnote(f), 1);
    }
    if line.contains('\t') {
        return (Class::Row, 1);
    }
    if is_page_mark(line) {
        return (Class::PageMark, 1);
    }
    (Class::Free, 1)
}

/// "12", "3/12", "Pagina 3 van 12", "blz. 4", "- 5 -": a page number that
/// came along with the copy.
fn is_page_mark(line: &str) -> bool {
    let t = line.trim().trim_matches(['-', '–', ' ']);
    let lower = t.to_lowercase();
    let rest = ["pagina", "page", "blz.", "blz", "p."]
        .iter()
        .find_map(|w| lower.strip_prefix(w))
        .unwrap_or(&lower)
        .trim();
    let words: Vec<&str> = rest
        .split(|c: char| c.is_whitespace() || c == '/')
        .filter(|w| !w.is_empty())
        .collect();
    match words.as_slice() {
        [n] => is_small_number(n),
        [n, m] => is_small_number(n) && is_small_number(m),
        [n, of, m] => is_small_number(n) && matches!(*of, "van" | "of") && is_small_number(m),
        _ => false,
    }
}

fn is_small_number(s: &str) -> bool {
    (1..=3).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
}

/// The non-empty cells of a line, trimmed.
fn filled_cells(line: &str) -> Vec<&str> {
    line.split('\t')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

fn is_header(cells: &[&str]) -> bool {
    cells.len() <= 8
        && cells.iter().any(|c| {
            c.get(..16)
                .is_some_and(|head| head.eq_ignore_ascii_case("verantwoordelijk"))
        })
        && cells
            .iter()
            .all(|c| c.chars().count() <= MAX_HEADER_CELL_CHARS)
}

fn section_kind(cells: &[&str]) -> Option<ItemKind> {
    let [only] = cells else {
        return None;
    };
    match only.trim_end_matches(':').trim().to_lowercase().as_str() {
        "moties" | "motie" => Some(ItemKind::Motie),
        "toezeggingen" | "toezegging" => Some(ItemKind::Toezegging),
        _ => None,
    }
}

/// How many lines, from line `i`, form one legend label: the longest join
/// of up to [`MAX_LEGEND_LINES`] single-cell lines that resolves.
fn legend_span(lines: &[String], i: usize, legend: &Legend) -> Option<usize> {
    let mut best = None;
    let mut joined = String::new();
    for k in 0..MAX_LEGEND_LINES {
        let Some(line) = lines.get(i.saturating_add(k)) else {
            break;
        };
        let cells = filled_cells(line);
        let [only] = cells.as_slice() else {
            break;
        };
        if k > 0 && line.contains('\t') {
            break;
        }
        let part = if k == 0 { strip_bullet(only) } else { only };
        if part.is_empty() {
            break;
        }
        if k > 0 {
            joined.push(' ');
        }
        joined.push_str(part);
        if legend.resolve(&joined).is_ok() {
            best = Some(k + 1);
        }
    }
    best
}

fn strip_bullet(s: &str) -> &str {
    s.trim_start_matches(['-', '–', '•', '·', '*']).trim()
}

/// The value of a superscript digit.
fn superscript_digit(c: char) -> Option<u32> {
    match c {
        '⁰' => Some(0),
        '¹' => Some(1),
        '²' => Some(2),
        '³' => Some(3),
        '⁴'..='⁹' => Some(u32::from(c) - 0x2070),
        _ => None,
    }
}

/// The footnote number a marker's digits stand for, when usable: one to
/// [`MAX_MARKER_DIGITS`] digits, not zero.
fn marker_number(digits: impl Iterator<Item = u32>) -> Option<u32> {
    let mut n: u32 = 0;
    let mut count = 0usize;
    for d in digits {
        count += 1;
        if count > MAX_MARKER_DIGITS {
            return None;
        }
        n = n.checked_mul(10)?.checked_add(d)?;
    }
    (count > 0 && n > 0).then_some(n)
}

/// A line that starts with superscript digits: a footnote definition.
fn superscript_footnote(cells: &[&str]) -> Option<FootnoteLine> {
    let [only] = cells else {
        return None;
    };
    let end = only
        .char_indices()
        .find(|(_, c)| superscript_digit(*c).is_none())
        .map_or(only.len(), |(at, _)| at);
    if end == 0 {
        return None;
    }
    let marker = only.get(..end)?;
    let text = only.get(end..)?.trim();
    Some(FootnoteLine {
        marker: marker.to_string(),
        number: marker_number(marker.chars().filter_map(superscript_digit)),
        text: text.to_string(),
    })
}

/// A line "4 Kamerstukken II …": a footnote definition whose marker lost its
/// superscript. Only accepted when the rest reads as a citation.
fn plain_footnote(cells: &[&str]) -> Option<FootnoteLine> {
    let [only] = cells else {
        return None;
    };
    let end = only
        .char_indices()
        .find(|(_, c)| !c.is_ascii_digit())
        .map(|(at, _)| at)?;
    if end == 0 || end > MAX_MARKER_DIGITS {
        return None;
    }
    let marker = only.get(..end)?;
    let rest = only.get(end..)?;
    if !rest.starts_with(char::is_whitespace) {
        return None;
    }
    let text = rest.trim();
    KamerstukRef::parse(text).parsed.as_ref()?;
    Some(FootnoteLine {
        marker: marker.to_string(),
        number: marker_number(marker.chars().filter_map(|c| c.to_digit(10))),
        text: text.to_string(),
    })
}

// ---------------------------------------------------------------------------
// Pass 2: rows, footnote definitions and continuation lines
// ---------------------------------------------------------------------------

/// A row as found, before its cells are understood.
#[derive(Debug)]
struct RowRecord {
    line: usize,
    /// Page block: how many header lines came before it.
    block: usize,
    kind: ItemKind,
    cells: Vec<String>,
}

/// A footnote definition.
#[derive(Debug)]
struct Definition {
    line: usize,
    block: usize,
    raw: String,
}

/// What pass 2 found.
#[derive(Debug, Default)]
struct Collected {
    title_lines: Vec<String>,
    rows: Vec<RowRecord>,
    definitions: BTreeMap<u32, Definition>,
    /// Footnote numbers defined per page block (including duplicates).
    defined_in_block: BTreeMap<usize, BTreeSet<u32>>,
}

/// What the previous line was, for continuation lines.
#[derive(Debug, Clone, Copy)]
enum Previous {
    Row(usize),
    Footnote(u32),
    Other,
}

fn collect(
    lines: &[String],
    classes: &[Class],
    legend: &Legend,
    anomalies: &mut Vec<Anomaly>,
) -> Collected {
    let mut c = Collected::default();
    let mut block = 0usize;
    let mut kind: Option<ItemKind> = None;
    let mut previous = Previous::Other;
    for (i, (line, class)) in lines.iter().zip(classes).enumerate() {
        let no = i + 1;
        previous = match class {
            Class::Blank | Class::Legend => Previous::Other,
            // A page number between a row and its continuation keeps the row.
            Class::PageMark => previous,
            Class::Title => {
                c.title_lines.push(line.clone());
                Previous::Other
            }
            Class::Header => {
                block += 1;
                Previous::Other
            }
            Class::Section(k) => {
                kind = Some(*k);
                Previous::Other
            }
            Class::Footnote(f) => define(&mut c, f, no, block, anomalies),
            Class::Row => match kind {
                Some(kind) => {
                    c.rows.push(RowRecord {
                        line: no,
                        block,
                        kind,
                        cells: line.split('\t').map(str::to_string).collect(),
                    });
                    Previous::Row(c.rows.len() - 1)
                }
                None => {
                    anomalies.push(anomaly(
                        no,
                        format!(
                            "row outside a 'Moties' or 'Toezeggingen' section, skipped: '{}'",
                            excerpt(line.trim())
                        ),
                    ));
                    Previous::Other
                }
            },
            Class::Free => continuation(&mut c, previous, line, no, legend, anomalies),
        };
    }
    c
}

fn define(
    c: &mut Collected,
    f: &FootnoteLine,
    no: usize,
    block: usize,
    anomalies: &mut Vec<Anomaly>,
) -> Previous {
    let Some(n) = f.number else {
        anomalies.push(anomaly(
            no,
            format!(
                "footnote marker '{}' not understood; definition ignored",
                excerpt(&f.marker)
            ),
        ));
        return Previous::Other;
    };
    c.defined_in_block.entry(block).or_default().insert(n);
    if f.text.is_empty() {
        anomalies.push(anomaly(no, format!("footnote {n} has no text")));
        return Previous::Other;
    }
    if let Some(first) = c.definitions.get(&n) {
        anomalies.push(anomaly(
            no,
            format!(
                "footnote {n} is defined again (first on line {}); this definition is ignored",
                first.line
            ),
        ));
        return Previous::Other;
    }
    c.definitions.insert(
        n,
        Definition {
            line: no,
            block,
            raw: f.text.clone(),
        },
    );
    Previous::Footnote(n)
}

/// A line without tabs right after a row whose last cell holds running text
/// (not responsible codes, not a legend label), or right after a footnote
/// definition, continues it; anything else is not understood.
fn continuation(
    c: &mut Collected,
    previous: Previous,
    line: &str,
    no: usize,
    legend: &Legend,
    anomalies: &mut Vec<Anomaly>,
) -> Previous {
    let text = line.trim();
    match previous {
        Previous::Row(r) => {
            if let Some(row) = c.rows.get_mut(r)
                && let Some(last) = row.cells.last_mut()
                && !last.trim().is_empty()
                && responsible_cell(last.trim()).is_none()
                && legend.resolve(last).is_err()
            {
                last.push(' ');
                last.push_str(text);
                anomalies.push(anomaly(
                    no,
                    format!(
                        "line read as a continuation of the last cell of the row on line {}",
                        row.line
                    ),
                ));
                return previous;
            }
        }
        Previous::Footnote(n) => {
            if let Some(def) = c.definitions.get_mut(&n) {
                def.raw.push(' ');
                def.raw.push_str(text);
                anomalies.push(anomaly(
                    no,
                    format!("line read as a continuation of footnote {n}"),
                ));
                return previous;
            }
        }
        Previous::Other => {}
    }
    anomalies.push(anomaly(
        no,
        format!("line not understood: '{}'", excerpt(text)),
    ));
    Previous::Other
}

// ---------------------------------------------------------------------------
// Pass 3: cells, markers and citations
// ---------------------------------------------------------------------------

/// A non-empty cell with its markers taken out.
#[derive(Debug)]
struct Cell {
    /// Position in the line (0 = before the first tab).
    idx: usize,
    text: String,
    markers: Vec<u32>,
}

/// A row's cells put in their places.
#[derive(Debug, Default)]
struct Aligned {
    text: String,
    text_markers: Vec<u32>,
    status: Option<String>,
    responsible: Option<Responsible>,
    progress: Option<String>,
    progress_markers: Vec<u32>,
}

fn build(c: Collected, legend: &Legend, anomalies: &mut Vec<Anomaly>) -> AnnexDoc {
    let empty = BTreeSet::new();
    let mut rows = Vec::with_capacity(c.rows.len());
    let mut markers: Vec<(Vec<u32>, Vec<u32>)> = Vec::with_capacity(c.rows.len());
    let mut textless: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for rec in &c.rows {
        let here = c.defined_in_block.get(&rec.block).unwrap_or(&empty);
        let cells: Vec<Cell> = rec
            .cells
            .iter()
            .enumerate()
            .filter_map(|(idx, raw)| {
                let (text, markers) = take_markers(raw, here, rec.line, anomalies);
                (!text.is_empty() || !markers.is_empty()).then_some(Cell { idx, text, markers })
            })
            .collect();
        let a = align(cells, legend, rec.line, anomalies);
        let text = tidy(&a.text);
        let mut submitters = Vec::new();
        if text.is_empty() {
            anomalies.push(anomaly(rec.line, "row without item text".to_string()));
            textless.entry(rec.block).or_default().push(rec.line);
        } else if rec.kind == ItemKind::Motie {
            match motion_submitters(&text) {
                Some(names) => submitters = names,
                None => anomalies.push(anomaly(
                    rec.line,
                    "motion text names no submitters ('Motie van het lid …' or 'Motie van de leden …' expected)"
                        .to_string(),
                )),
            }
        }
        let progress = a.progress.as_deref().map(tidy).filter(|p| !p.is_empty());
        rows.push(AnnexRow {
            line: rec.line,
            kind: rec.kind,
            text,
            submitters,
            citations: Vec::new(),
            status: a.status,
            responsible: a.responsible,
            progress,
            progress_citations: Vec::new(),
        });
        markers.push((a.text_markers, a.progress_markers));
    }

    let mut citation_of: BTreeMap<u32, String> = BTreeMap::new();
    for (n, def) in &c.definitions {
        let (citation, note) = footnote_citation(*n, &def.raw);
        if let Some(message) = note {
            anomalies.push(anomaly(def.line, message));
        }
        citation_of.insert(*n, citation);
    }
    let mut cited = BTreeSet::new();
    for (row, (text_markers, progress_markers)) in rows.iter_mut().zip(&markers) {
        row.citations = resolve(text_markers, &citation_of, row.line, &mut cited, anomalies);
        row.progress_citations = resolve(
            progress_markers,
            &citation_of,
            row.line,
            &mut cited,
            anomalies,
        );
    }
    for (n, def) in &c.definitions {
        if cited.contains(n) {
            continue;
        }
        let mut message = format!("footnote {n} is defined but no row cites it");
        if let Some(lines) = textless.get(&def.block) {
            let lines: Vec<String> = lines.iter().map(ToString::to_string).collect();
            message.push_str(&format!(
                " (rows without item text on this page: line{} {})",
                if lines.len() == 1 { "" } else { "s" },
                lines.join(", ")
            ));
        }
        anomalies.push(anomaly(def.line, message));
    }

    let title = tidy(
        &c.title_lines
            .iter()
            .map(|l| l.replace("**", ""))
            .collect::<Vec<_>>()
            .join(" "),
    );
    AnnexDoc {
        title: (!title.is_empty()).then_some(title),
        rows,
        footnotes: c
            .definitions
            .into_iter()
            .map(|(n, d)| (n, (d.line, d.raw)))
            .collect(),
        anomalies: Vec::new(),
    }
}

/// The citations for a list of markers, each footnote once, in marker order.
fn resolve(
    markers: &[u32],
    citation_of: &BTreeMap<u32, String>,
    line: usize,
    cited: &mut BTreeSet<u32>,
    anomalies: &mut Vec<Anomaly>,
) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for &n in markers {
        if !seen.insert(n) {
            continue;
        }
        match citation_of.get(&n) {
            Some(citation) => {
                cited.insert(n);
                out.push(citation.clone());
            }
            None => anomalies.push(anomaly(
                line,
                format!("footnote marker {n} has no definition"),
            )),
        }
    }
    out
}

/// The citation text of a footnote, and a note when it is not a clean
/// citation. A clean or flagged citation is kept without its final full
/// stop; a remark yields the citation in its parentheses when there is one,
/// else its whole raw text.
fn footnote_citation(n: u32, raw: &str) -> (String, Option<String>) {
    let r = KamerstukRef::parse(raw);
    if r.parsed.is_some() {
        let text = without_final_stop(&r.raw);
        let note = (!r.flags.is_empty()).then(|| {
            format!(
                "citation '{}' flagged: {}",
                excerpt(&text),
                r.flags.join("; ")
            )
        });
        return (text, note);
    }
    for inner in parenthesised(raw) {
        let c = KamerstukRef::parse(inner);
        if c.parsed.is_some() {
            let text = without_final_stop(&c.raw);
            let mut note = format!(
                "footnote {n} is a remark; citation '{}' taken from its parentheses",
                excerpt(&text)
            );
            if !c.flags.is_empty() {
                note.push_str(&format!(", flagged: {}", c.flags.join("; ")));
            }
            return (text, Some(note));
        }
    }
    (
        raw.trim().to_string(),
        Some(format!(
            "footnote {n} is not a citation, kept as written: '{}' ({})",
            excerpt(raw.trim()),
            r.flags.join("; ")
        )),
    )
}

fn without_final_stop(s: &str) -> String {
    let t = s.trim();
    t.strip_suffix('.').unwrap_or(t).trim_end().to_string()
}

/// The texts between "(" and the next ")", in order.
fn parenthesised(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = s;
    while let Some(open) = rest.find('(') {
        let after = rest.get(open + 1..).unwrap_or_default();
        let Some(close) = after.find(')') else {
            break;
        };
        out.push(after.get(..close).unwrap_or_default());
        rest = after.get(close + 1..).unwrap_or_default();
    }
    out
}

/// Takes the footnote markers out of a cell: superscript digits anywhere
/// (except ² and ³ after a unit such as "m"), and plain digits glued to the
/// end of a sentence ("informeren.4") only when a footnote with that number
/// is defined on the same page. Returns the trimmed text and the markers.
fn take_markers(
    cell: &str,
    defined_here: &BTreeSet<u32>,
    line: usize,
    anomalies: &mut Vec<Anomaly>,
) -> (String, Vec<u32>) {
    let chars: Vec<char> = cell.chars().collect();
    let mut out = String::with_capacity(cell.len());
    let mut markers = Vec::new();
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if superscript_digit(c).is_some() {
            let start = i;
            while chars.get(i).and_then(|&d| superscript_digit(d)).is_some() {
                i += 1;
            }
            let run = chars.get(start..i).unwrap_or_default();
            if run.len() == 1 && matches!(c, '²' | '³') && ends_with_unit(&out) {
                out.push(c);
                continue;
            }
            match marker_number(run.iter().filter_map(|&d| superscript_digit(d))) {
                Some(n) => {
                    let next = chars.get(i);
                    if next.is_none_or(|d| !d.is_alphanumeric()) {
                        let kept = out.trim_end().len();
                        out.truncate(kept);
                    }
                    markers.push(n);
                }
                None => {
                    let written: String = run.iter().collect();
                    anomalies.push(anomaly(
                        line,
                        format!("superscript digits '{written}' not read as a footnote marker"),
                    ));
                    out.push_str(&written);
                }
            }
            continue;
        }
        if c.is_ascii_digit() {
            let start = i;
            while chars.get(i).is_some_and(char::is_ascii_digit) {
                i += 1;
            }
            let run: String = chars.get(start..i).unwrap_or_default().iter().collect();
            if let Some(word) = glued_to_sentence(&chars, start, i) {
                let n = marker_number(run.chars().filter_map(|d| d.to_digit(10)));
                match n {
                    Some(n) if defined_here.contains(&n) => {
                        markers.push(n);
                        anomalies.push(anomaly(
                            line,
                            format!(
                                "plain digits '{run}' glued to '{word}.' read as footnote marker {n}"
                            ),
                        ));
                        continue;
                    }
                    _ => anomalies.push(anomaly(
                        line,
                        format!(
                            "digits '{run}' glued to '{word}.' look like a footnote marker, but no footnote {run} is defined on this page; kept as text"
                        ),
                    )),
                }
            }
            out.push_str(&run);
            continue;
        }
        out.push(c);
        i += 1;
    }
    (out.trim().to_string(), markers)
}

/// Whether `out` ends with a unit of length ("m", "km", …) standing alone.
fn ends_with_unit(out: &str) -> bool {
    let word: String = out
        .chars()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    UNITS.contains(&word.as_str())
}

/// When the digits `chars[start..end]` are one or two digits glued to a full
/// stop after a word of at least two letters that is not an abbreviation,
/// and followed by the end, white space or closing punctuation: that word.
fn glued_to_sentence(chars: &[char], start: usize, end: usize) -> Option<String> {
    if end.saturating_sub(start) > 2 {
        return None;
    }
    if !chars
        .get(end)
        .is_none_or(|c| c.is_whitespace() || matches!(c, '<' | ')' | ',' | ';'))
    {
        return None;
    }
    let dot = start.checked_sub(1)?;
    if chars.get(dot) != Some(&'.') {
        return None;
    }
    let before = chars.get(..dot)?;
    let letters: Vec<char> = before
        .iter()
        .rev()
        .take_while(|c| c.is_alphabetic())
        .copied()
        .collect();
    if letters.len() < 2 {
        return None;
    }
    // "c.s.4" or "o.a.4": an abbreviation with inner full stops.
    if before.len() > letters.len() && before.get(before.len() - letters.len() - 1) == Some(&'.') {
        return None;
    }
    let word: String = letters.into_iter().rev().collect();
    if ABBREVIATIONS.iter().any(|a| a.eq_ignore_ascii_case(&word)) {
        return None;
    }
    Some(word)
}

/// Puts a row's cells in their places (see the module documentation).
fn align(cells: Vec<Cell>, legend: &Legend, line: usize, anomalies: &mut Vec<Anomaly>) -> Aligned {
    let mut a = Aligned::default();
    let mut statuses: Vec<(String, String)> = Vec::new();
    let mut others: Vec<Cell> = Vec::new();
    let mut split: Option<usize> = None;
    for cell in cells {
        if cell.text.is_empty() {
            // A cell holding nothing but a marker: it belongs to the item.
            a.text_markers.extend(cell.markers);
        } else if let Ok(entry) = legend.resolve(&cell.text) {
            statuses.push((entry.slug.clone(), cell.text));
            a.text_markers.extend(cell.markers);
        } else if let Some(r) = responsible_cell(&cell.text) {
            if a.responsible.is_none() {
                a.responsible = Some(r);
                split = Some(others.len());
            } else {
                anomalies.push(anomaly(
                    line,
                    format!("second responsible cell '{}' ignored", excerpt(&cell.text)),
                ));
            }
            a.text_markers.extend(cell.markers);
        } else {
            others.push(cell);
        }
    }

    let distinct: BTreeSet<&str> = statuses.iter().map(|(slug, _)| slug.as_str()).collect();
    match distinct.len() {
        0 => {}
        1 => a.status = distinct.first().map(|s| (*s).to_string()),
        _ => {
            let labels: Vec<String> = statuses
                .iter()
                .map(|(_, label)| format!("'{}'", excerpt(label)))
                .collect();
            anomalies.push(anomaly(
                line,
                format!(
                    "conflicting status cells {}; status left unstated",
                    labels.join(" and ")
                ),
            ));
        }
    }

    let split = match split {
        Some(s) => s,
        None => no_responsible_split(&mut others, &mut a, line, anomalies),
    };
    let after = others.split_off(split.min(others.len()));
    let before = others;

    // Before the responsible cell: the item text, and perhaps a status label
    // the legend does not know.
    let lone_label = before.len() == 1
        && before
            .first()
            .is_some_and(|c| c.idx > 0 && is_label_like(&c.text));
    let mut text_parts = Vec::new();
    for (k, cell) in before.into_iter().enumerate() {
        a.text_markers.extend(cell.markers);
        if lone_label || (k > 0 && is_label_like(&cell.text)) {
            anomalies.push(unknown_label(line, &cell.text));
        } else {
            text_parts.push(cell.text);
        }
    }
    if text_parts.len() > 1 {
        anomalies.push(anomaly(
            line,
            format!("item text spread over {} cells; joined", text_parts.len()),
        ));
    }
    a.text = text_parts.join(" ");

    // After it: the progress text, and perhaps an unknown label.
    let count = after.len();
    let longest = after
        .iter()
        .enumerate()
        .max_by_key(|(_, c)| c.text.len())
        .map_or(0, |(k, _)| k);
    let mut progress_parts = Vec::new();
    for (k, cell) in after.into_iter().enumerate() {
        if count > 1 && k != longest && is_label_like(&cell.text) {
            anomalies.push(unknown_label(line, &cell.text));
            a.text_markers.extend(cell.markers);
        } else {
            a.progress_markers.extend(cell.markers);
            progress_parts.push(cell.text);
        }
    }
    if progress_parts.len() > 1 {
        anomalies.push(anomaly(
            line,
            format!(
                "stand van zaken spread over {} cells; joined",
                progress_parts.len()
            ),
        ));
    }
    if !progress_parts.is_empty() {
        a.progress = Some(progress_parts.join(" "));
    }
    a
}

/// Without a responsible cell: a short cell in its place (not the item text
/// in the first column, not the last cell) is reported as not understood
/// and splits the row; otherwise the first cell is the item text (when the
/// row has more than one, or it stands in the first column) and the rest is
/// progress. Returns how many of `others` come before the split.
fn no_responsible_split(
    others: &mut Vec<Cell>,
    a: &mut Aligned,
    line: usize,
    anomalies: &mut Vec<Anomaly>,
) -> usize {
    let n = others.len();
    let candidate = others.iter().enumerate().position(|(k, c)| {
        c.text.chars().count() <= MAX_SHORT_CHARS
            && c.text.split_whitespace().count() <= MAX_LABEL_WORDS + 1
            && !(k == 0 && c.idx == 0)
            && k + 1 < n
    });
    if let Some(k) = candidate
        && k < others.len()
    {
        let cell = others.remove(k);
        anomalies.push(anomaly(
            line,
            format!(
                "cell not understood: '{}' (expected responsible codes such as 'SOCW' or 'MOCW en SOCW')",
                excerpt(&cell.text)
            ),
        ));
        a.text_markers.extend(cell.markers);
        return k;
    }
    anomalies.push(anomaly(line, "row without responsible codes".to_string()));
    if n >= 2 || others.first().is_some_and(|c| c.idx == 0) {
        1.min(n)
    } else {
        0
    }
}

fn unknown_label(line: usize, text: &str) -> Anomaly {
    anomaly(line, format!("unknown legend label '{}'", excerpt(text)))
}

/// Responsible codes as an annex writes them: every code a role letter M or S
/// in capitals followed by a portfolio starting with a capital (`SOCW`,
/// `MJenV`), joined by "en". The capitals keep words such as "Moet" out.
fn responsible_cell(s: &str) -> Option<Responsible> {
    if s.chars().count() > MAX_RESPONSIBLE_CHARS {
        return None;
    }
    let spaced = s.replace([',', '&', '+', '/', ';'], " ");
    let code_shaped = spaced
        .split_whitespace()
        .filter(|t| !t.eq_ignore_ascii_case("en"))
        .all(|t| {
            let mut chars = t.chars();
            matches!(chars.next(), Some('M' | 'S'))
                && chars.next().is_some_and(|c| c.is_ascii_uppercase())
        });
    if !code_shaped {
        return None;
    }
    Responsible::parse(s).ok()
}

/// A short run of words without digits or sentence punctuation: what a
/// status label looks like ("Afgerond", "Deels voldaan").
fn is_label_like(s: &str) -> bool {
    s.chars().count() <= MAX_LABEL_CHARS
        && s.split_whitespace().count() <= MAX_LABEL_WORDS
        && s.chars().next().is_some_and(char::is_alphabetic)
        && s.chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'')
}

/// "Motie van het lid X c.s.; …" / "Motie van de leden A, B en C; …": the
/// names, without "c.s." and parenthesised parties. None when the text does
/// not name submitters that way.
fn motion_submitters(text: &str) -> Option<Vec<String>> {
    let head_end = text.find([';', ':'])?;
    let head = text.get(..head_end)?;
    let lower = head.to_ascii_lowercase();
    let motie = lower.find("motie")?;
    let (at, len) = [" van het lid ", " van de leden "]
        .iter()
        .filter_map(|p| lower.get(motie..)?.find(p).map(|at| (motie + at, p.len())))
        .min()?;
    let names = head.get(at + len..)?;
    let mut groups: Vec<Vec<&str>> = vec![Vec::new()];
    let mut depth = 0usize;
    for word in names.split_whitespace() {
        let opens = word.matches('(').count();
        let closes = word.matches(')').count();
        if depth > 0 || opens > 0 {
            depth = (depth + opens).saturating_sub(closes);
            continue;
        }
        if word.eq_ignore_ascii_case("en") {
            groups.push(Vec::new());
            continue;
        }
        let lowered = word.to_ascii_lowercase();
        if matches!(lowered.as_str(), "c.s." | "c.s" | "cs" | "c.s.," | "c.s,") {
            continue;
        }
        let (word, ends_group) = match word.strip_suffix(',') {
            Some(w) => (w, true),
            None => (word, false),
        };
        if let Some(group) = groups.last_mut()
            && !word.is_empty()
        {
            group.push(word);
        }
        if ends_group {
            groups.push(Vec::new());
        }
    }
    let names: Vec<String> = groups
        .into_iter()
        .filter(|g| !g.is_empty())
        .map(|g| g.join(" "))
        .collect();
    (!names.is_empty()).then_some(names)
}

/// `<p>` paragraphs become blank-line separated paragraphs; runs of spaces,
/// tabs and line breaks inside a paragraph become one space; trimmed.
fn tidy(s: &str) -> String {
    let mut paragraphs = Vec::new();
    let mut rest = s;
    while let Some((start, end)) = find_p_tag(rest) {
        paragraphs.push(rest.get(..start).unwrap_or_default());
        rest = rest.get(end..).unwrap_or_default();
    }
    paragraphs.push(rest);
    paragraphs
        .into_iter()
        .map(collapse_spaces)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn collapse_spaces(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut gap = false;
    for c in s.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r') {
            gap = true;
        } else {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(c);
        }
    }
    out
}

/// The byte range of the first `<p>`, `</p>`, `<p/>` or `<p …>` tag.
fn find_p_tag(s: &str) -> Option<(usize, usize)> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(offset) = s.get(from..).and_then(|r| r.find('<')) {
        let start = from + offset;
        let mut j = start + 1;
        if bytes.get(j) == Some(&b'/') {
            j += 1;
        }
        if matches!(bytes.get(j), Some(b'p' | b'P')) {
            j += 1;
            match bytes.get(j) {
                Some(b'>') => return Some((start, j + 1)),
                Some(b' ' | b'/') => {
                    if let Some(close) = s.get(j..).and_then(|r| r.find('>')) {
                        let inside = s.get(j..j + close).unwrap_or("<");
                        if close <= 200 && !inside.contains('<') {
                            return Some((start, j + close + 1));
                        }
                    }
                }
                _ => {}
            }
        }
        from = start + 1;
    }
    None
}

fn anomaly(line: usize, message: String) -> Anomaly {
    Anomaly { line, message }
}

fn excerpt(s: &str) -> String {
    shorten(s, EXCERPT_CHARS)
}

impl AnnexDoc {
    /// Checks what [`parse`] promises of its result for the `text` it was
    /// given: anomalies sorted by line, every line number in range, rows in
    /// order with trimmed texts, no submitters without a motion's text,
    /// statuses from `legend`, progress texts without `<p>`. The unit
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
mod tests {
    use super::*;

    const FIXTURE_2024: &str = include_str!("../../cli/assets/annex-2024.txt");
    const FIXTURE_2025: &str = include_str!("../../cli/assets/annex-2025.txt");

    /// Line, kind, submitters, status, responsible, number of item and of
    /// progress citations.
    type Summary<'a> = (
        usize,
        ItemKind,
        Vec<String>,
        Option<&'a str>,
        String,
        usize,
        usize,
    );

    fn nap(text: &str) -> AnnexDoc {
        parse(text, &Legend::nap())
    }

    fn resp(r: &AnnexRow) -> String {
        r.responsible
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default()
    }

    fn messages(doc: &AnnexDoc) -> Vec<(usize, String)> {
        doc.anomalies
            .iter()
            .map(|a| (a.line, a.message.clone()))
            .collect()
    }

    fn has(doc: &AnnexDoc, line: usize, needle: &str) -> bool {
        doc.anomalies
            .iter()
            .any(|a| a.line == line && a.message.contains(needle))
    }

    fn kst(year: &str, dossier: &str, nr: &str) -> String {
        format!("Kamerstukken II {year}, {dossier}, nr. {nr}")
    }

    /// A table page: header, section, rows, then footnote lines.
    fn page(section: &str, rows: &[&str], footnotes: &[&str]) -> String {
        let mut s = String::from("\tStatus\tVerantwoordelijk\tStand van zaken\n");
        s.push_str(section);
        s.push_str("\t\t\t\n");
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s.push('\n');
        for f in footnotes {
            s.push_str(f);
            s.push_str("\n\n");
        }
        s
    }

    // -- the seed annex ----------------------------------------------------

    #[test]
    fn seed_annex() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../shared/seed/nap-stand-van-zaken.txt"
        );
        let Ok(text) = std::fs::read_to_string(path) else {
            println!("seed annex not found at {path}; test skipped");
            return;
        };
        let doc = nap(&text);
        println!("title: {}", doc.title.as_deref().unwrap_or("-"));
        println!("rows:");
        for r in &doc.rows {
            println!(
                "  line {:>3}  {:<10}  {:<42}  {:<14}  citations {} + {}",
                r.line,
                r.kind.slug(),
                format!("{:?}", r.text.chars().take(40).collect::<String>()),
                resp(r),
                r.citations.len(),
                r.progress_citations.len()
            );
        }
        println!("anomalies:");
        for a in &doc.anomalies {
            println!("  line {:>3}: {}", a.line, a.message);
        }

        assert_eq!(
            doc.title.as_deref(),
            Some(
                "Stand van zaken relevante moties en toezeggingen Nationaal Actieprogramma \
                 Aanpak seksueel grensoverschrijdend gedrag en seksueel geweld (NAP)"
            )
        );
        assert_eq!(doc.rows.len(), 14);
        let motions: Vec<&AnnexRow> = doc
            .rows
            .iter()
            .filter(|r| r.kind == ItemKind::Motie)
            .collect();
        assert_eq!(motions.len(), 12);
        assert_eq!(motions.iter().filter(|r| r.text.is_empty()).count(), 4);
        assert_eq!(
            doc.rows
                .iter()
                .filter(|r| r.kind == ItemKind::Toezegging && !r.text.is_empty())
                .count(),
            2
        );
        let lines: Vec<usize> = doc.rows.iter().map(|r| r.line).collect();
        assert_eq!(
            lines,
            [
                35, 36, 37, 38, 68, 99, 100, 101, 122, 123, 124, 125, 151, 152
            ]
        );
        let responsible: Vec<String> = doc.rows.iter().map(resp).collect();
        assert_eq!(
            responsible,
            [
                "SOCW",
                "SOCW",
                "SOCW",
                "SOCW",
                "MOCW en SOCW",
                "SSZW",
                "MVWS",
                "SSZW",
                "SVWS",
                "SVWS",
                "SSZW",
                "MJenV",
                "SOCW en MJenV",
                "MVWS"
            ]
        );
        assert!(doc.rows.iter().all(|r| r.status.is_none()), "never guessed");
        assert!(doc.rows.iter().all(|r| r.progress.is_some()));
        assert!(
            doc.rows
                .iter()
                .flat_map(|r| [&r.text, r.progress.as_ref().unwrap()])
                .all(|t| !t.contains("<p>") && !t.contains("</p>") && !t.contains('¹'))
        );

        let first = &doc.rows[0];
        assert_eq!(first.submitters, ["van der Laan"]);
        assert!(first.text.ends_with("de Kamer hierover te informeren."));
        assert_eq!(first.citations, [kst("2021/22", "35925-VIII", "124")]);
        assert_eq!(
            first.progress_citations,
            [
                kst("2023/24", "28345", "269"),
                kst("2024/25", "28345", "281")
            ]
        );
        // Markers between sentences leave one space; none is left over.
        let progress = first.progress.as_deref().unwrap();
        assert!(progress.contains("gedeeld. Op 19 december"), "{progress}");
        assert!(
            progress.contains("(SLMZ) de beleidsreactie. Hiermee"),
            "{progress}"
        );
        assert_eq!(
            doc.rows[2].citations,
            ["Kamerstukken II 2022/23, 34843, nr.78"]
        );
        // <p> paragraphs
        let studenten = &doc.rows[4];
        assert_eq!(
            studenten.progress.as_deref().unwrap().split("\n\n").count(),
            5
        );
        // ¹⁰ glued to the end of the progress text, a remark with a citation
        let westerveld = &doc.rows[6];
        assert_eq!(westerveld.submitters, ["Westerveld"]);
        assert!(
            westerveld
                .progress
                .as_deref()
                .unwrap()
                .ends_with("over de uitvoering van deze motie.")
        );
        assert_eq!(
            westerveld.progress_citations,
            ["Kamerstukken II 2023-24, 24170, nr. 310"]
        );
        assert_eq!(doc.rows[7].submitters, ["Werner", "Van der Laan"]);
        assert_eq!(doc.rows[7].citations, [kst("2022/23", "34843", "84")]);
        assert!(
            doc.rows[8..12]
                .iter()
                .all(|r| r.submitters.is_empty() && r.citations.is_empty())
        );
        let commitment = &doc.rows[12];
        assert!(commitment.submitters.is_empty());
        assert_eq!(
            commitment.progress_citations,
            ["Kamerstukken II 202/25, 34843, nr. 116"]
        );

        // Every footnote is kept; all but the three on the page whose rows
        // lost their text are attached to a row.
        assert_eq!(doc.footnotes.len(), 15);
        assert_eq!(
            doc.footnotes.get(&15),
            Some(&(154, "Kamerstukken II 202/25, 34843, nr. 116.".to_string()))
        );
        let attached: usize = doc
            .rows
            .iter()
            .map(|r| r.citations.len() + r.progress_citations.len())
            .sum();
        assert_eq!(attached, 12);

        assert_eq!(
            messages(&doc),
            vec![
                (
                    109,
                    "footnote 10 is a remark; citation 'Kamerstukken II 2023-24, 24170, nr. 310' taken from its parentheses".to_string()
                ),
                (122, "row without item text".to_string()),
                (123, "row without item text".to_string()),
                (124, "row without item text".to_string()),
                (125, "row without item text".to_string()),
                (
                    128,
                    "footnote 12 is defined but no row cites it (rows without item text on this page: lines 122, 123, 124, 125)".to_string()
                ),
                (
                    131,
                    "footnote 13 is defined but no row cites it (rows without item text on this page: lines 122, 123, 124, 125)".to_string()
                ),
                (
                    134,
                    "footnote 14 is defined but no row cites it (rows without item text on this page: lines 122, 123, 124, 125)".to_string()
                ),
                (
                    154,
                    "citation 'Kamerstukken II 202/25, 34843, nr. 116' flagged: session year '202/25' is not a valid year pair".to_string()
                ),
            ]
        );
        assert!(looks_like_annex(&text));
    }

    // -- the fixtures --------------------------------------------------------

    #[test]
    fn fixture_2024() {
        let doc = nap(FIXTURE_2024);
        assert_eq!(
            doc.title.as_deref(),
            Some(
                "Stand van zaken moties en toezeggingen Programma Digitale Weerbaarheid Gemeenten (PDWG) 2024"
            )
        );
        let summary: Vec<Summary<'_>> = doc
            .rows
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.kind,
                    r.submitters.clone(),
                    r.status.as_deref(),
                    resp(r),
                    r.citations.len(),
                    r.progress_citations.len(),
                )
            })
            .collect();
        let s = |v: &[&str]| v.iter().map(ToString::to_string).collect::<Vec<_>>();
        use ItemKind::{Motie, Toezegging};
        assert_eq!(
            summary,
            vec![
                (
                    28,
                    Motie,
                    s(&["Kortenhoeven"]),
                    Some("in-uitvoering"),
                    "SBZK".into(),
                    1,
                    1
                ),
                (
                    29,
                    Motie,
                    s(&["El Idrissi", "Van Dalsem"]),
                    None,
                    "MJenV".into(),
                    1,
                    0
                ),
                (
                    30,
                    Motie,
                    s(&["Pietersma"]),
                    None,
                    "MEZK en SBZK".into(),
                    1,
                    0
                ),
                (55, Motie, s(&["de Wolff-Brink"]), None, "SBZK".into(), 1, 1),
                (56, Motie, s(&["Ramdin"]), None, "MJenV".into(), 1, 0),
                (57, Motie, s(&[]), None, "SBZK".into(), 0, 0),
                (58, Motie, s(&[]), Some("vertraagd"), "SJenV".into(), 0, 0),
                (
                    85,
                    Toezegging,
                    s(&[]),
                    Some("doorlopend"),
                    "MBZK".into(),
                    0,
                    1
                ),
                (86, Toezegging, s(&[]), None, "SBZK".into(), 1, 0),
            ]
        );
        let rows = &doc.rows;
        assert_eq!(
            rows[0].text,
            "Motie van het lid Kortenhoeven c.s.; De Tweede Kamer verzoekt de regering gemeenten te \
             ondersteunen bij het jaarlijks oefenen van een uitval van hun digitale dienstverlening \
             en de Kamer over de uitkomsten te rapporteren."
        );
        assert_eq!(rows[0].citations, [kst("2023/24", "39104", "12")]);
        assert_eq!(rows[0].progress_citations, [kst("2023/24", "39104", "15")]);
        assert_eq!(
            rows[0].progress.as_deref(),
            Some(
                "In het voorjaar van 2024 hebben veertig gemeenten een eerste uitvaloefening gehouden. \
                 De overige gemeenten volgen in het najaar."
            )
        );
        assert_eq!(rows[1].citations, ["Kamerstukken II 2023/24, 39104, nr.13"]);
        // "informeren.4": footnote 4 is defined on the same page.
        assert!(rows[2].text.ends_with("voor de zomer te informeren."));
        assert_eq!(rows[2].citations, [kst("2023/24", "39250-VII", "41")]);
        // Three cells, <p> paragraphs, a remark footnote.
        assert_eq!(
            rows[3].progress.as_deref(),
            Some(
                "Met de VNG is een regeling uitgewerkt waarmee gemeenten onder de 30.000 inwoners \
                 samen een informatiebeveiliger kunnen aanstellen.\n\nDe regeling gaat op 1 januari 2025 in."
            )
        );
        assert_eq!(rows[3].progress_citations, [kst("2023/24", "39104", "22")]);
        // An unknown label is reported, never used.
        assert!(rows[4].text.starts_with("Motie van het lid Ramdin (BBB); "));
        assert_eq!(rows[4].status, None);
        assert_eq!(
            rows[4].progress.as_deref(),
            Some("De handreiking is in mei 2024 gepubliceerd op de website van de VNG.")
        );
        assert!(rows[5].text.is_empty() && rows[6].text.is_empty());
        assert_eq!(
            rows[8].citations,
            ["Toezegging gedaan tijdens het commissiedebat Digitale Overheid van 7 februari 2024."]
        );
        assert_eq!(rows[7].progress_citations, [kst("2024/52", "39104", "27")]);
        assert_eq!(doc.footnotes.len(), 10);

        assert_eq!(
            messages(&doc),
            vec![
                (30, "plain digits '4' glued to 'informeren.' read as footnote marker 4".to_string()),
                (56, "unknown legend label 'Afgerond'".to_string()),
                (57, "row without item text".to_string()),
                (58, "row without item text".to_string()),
                (
                    63,
                    "footnote 6 is a remark; citation 'Kamerstukken II 2023/24, 39104, nr. 22' taken from its parentheses".to_string()
                ),
                (
                    68,
                    "footnote 8 is defined but no row cites it (rows without item text on this page: lines 57, 58)".to_string()
                ),
                (
                    88,
                    "citation 'Kamerstukken II 2024/52, 39104, nr. 27' flagged: session year '2024/52' is not a valid year pair".to_string()
                ),
                (
                    90,
                    "footnote 10 is not a citation, kept as written: 'Toezegging gedaan tijdens het commissiedebat Digitale Overh…' (not a recognised citation: does not start with 'Kamerstukken' or 'Handelingen')".to_string()
                ),
            ]
        );
        assert!(looks_like_annex(FIXTURE_2024));
    }

    #[test]
    fn fixture_2025() {
        let doc = nap(FIXTURE_2025);
        assert_eq!(
            doc.title.as_deref(),
            Some(
                "Stand van zaken moties en toezeggingen Programma Digitale Weerbaarheid Gemeenten (PDWG) 2025"
            )
        );
        let summary: Vec<(usize, Option<&str>, String, usize, usize)> = doc
            .rows
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.status.as_deref(),
                    resp(r),
                    r.citations.len(),
                    r.progress_citations.len(),
                )
            })
            .collect();
        assert_eq!(
            summary,
            vec![
                (28, Some("invulling"), "SBZK".into(), 1, 2),
                (29, Some("in-uitvoering"), "SJenV".into(), 1, 1),
                (30, Some("in-uitvoering"), "MEZK en SBZK".into(), 1, 0),
                (55, None, "SBZK".into(), 1, 1),
                (56, Some("invulling"), "MJenV".into(), 1, 0),
                (57, Some("niet-begonnen"), "SBZK".into(), 1, 0),
                (58, None, "SBZK".into(), 0, 0),
                (59, Some("in-uitvoering"), "SJenV".into(), 0, 0),
                (88, Some("doorlopend"), "MBZK".into(), 0, 1),
                (89, Some("invulling"), "SBZK".into(), 1, 0),
            ]
        );
        let rows = &doc.rows;
        assert_eq!(rows[5].submitters, ["Okkerse"]);
        assert_eq!(rows[5].citations, [kst("2024/25", "39104", "38")]);
        // A progress text wrapped onto a line of its own.
        assert_eq!(
            rows[2].progress.as_deref(),
            Some(
                "De waterschappen zijn aangesloten bij de stuurgroep van het programma.\n\n\
                 Een eerste gezamenlijke oefening met twee waterschappen vindt in het najaar van 2025 plaats."
            )
        );
        // The marker without a definition gives no citation.
        assert!(rows[9].progress_citations.is_empty());
        assert_eq!(
            messages(&doc),
            vec![
                (30, "plain digits '6' glued to 'informeren.' read as footnote marker 6".to_string()),
                (31, "line read as a continuation of the last cell of the row on line 30".to_string()),
                (58, "row without item text".to_string()),
                (59, "row without item text".to_string()),
                (
                    64,
                    "footnote 8 is a remark; citation 'Kamerstukken II 2024/25, 39104, nr. 40' taken from its parentheses".to_string()
                ),
                (
                    71,
                    "footnote 11 is defined but no row cites it (rows without item text on this page: lines 58, 59)".to_string()
                ),
                (89, "footnote marker 14 has no definition".to_string()),
                (
                    93,
                    "footnote 13 is not a citation, kept as written: 'Toezegging gedaan tijdens het commissiedebat Digitale Overh…' (not a recognised citation: does not start with 'Kamerstukken' or 'Handelingen')".to_string()
                ),
            ]
        );
    }

    #[test]
    fn fixtures_are_the_same_programme_a_year_apart() {
        let old = nap(FIXTURE_2024);
        let new = nap(FIXTURE_2025);
        let texts = |d: &AnnexDoc| -> Vec<String> {
            d.rows
                .iter()
                .filter(|r| !r.text.is_empty())
                .map(|r| r.text.clone())
                .collect()
        };
        let (old_texts, new_texts) = (texts(&old), texts(&new));
        // Every item of 2024 is still there (same text and item citation);
        // exactly one was added.
        for t in &old_texts {
            assert!(new_texts.contains(t), "{t}");
        }
        let added: Vec<&String> = new_texts
            .iter()
            .filter(|t| !old_texts.contains(t))
            .collect();
        assert_eq!(added.len(), 1);
        assert!(added[0].starts_with("Motie van het lid Okkerse c.s."));
        for o in old.rows.iter().filter(|r| !r.text.is_empty()) {
            let n = new.rows.iter().find(|r| r.text == o.text).unwrap();
            assert_eq!(o.citations, n.citations, "{}", o.text);
            assert_eq!(o.kind, n.kind);
        }
        // What changed.
        let find = |d: &AnnexDoc, start: &str| -> AnnexRow {
            d.rows
                .iter()
                .find(|r| r.text.starts_with(start))
                .cloned()
                .unwrap()
        };
        let a = find(&old, "Motie van de leden El Idrissi");
        let b = find(&new, "Motie van de leden El Idrissi");
        assert_ne!(resp(&a), resp(&b));
        let a = find(&old, "Motie van het lid Kortenhoeven");
        let b = find(&new, "Motie van het lid Kortenhoeven");
        assert_eq!(
            (a.status.as_deref(), b.status.as_deref()),
            (Some("in-uitvoering"), Some("invulling"))
        );
        assert_ne!(a.progress, b.progress);
    }

    // -- layout details ----------------------------------------------------------

    #[test]
    fn empty_and_non_annex_input() {
        let doc = nap("");
        assert_eq!(doc.title, None);
        assert!(doc.rows.is_empty() && doc.anomalies.is_empty() && doc.footnotes.is_empty());
        assert!(!looks_like_annex(""));
        assert!(!looks_like_annex(
            "kind,text,status\nmotie,iets,in-uitvoering\n"
        ));
        assert!(!looks_like_annex("{\"seq\":0,\"hash\":\"00\"}\n"));
        assert!(!looks_like_annex(
            "Status\tVerantwoordelijk\tStand van zaken\n"
        ));
        assert!(looks_like_annex(
            "Status\tVerantwoordelijk\tStand van zaken\nToezeggingen\t\t\n"
        ));
    }

    #[test]
    fn crlf_and_bom_read_the_same() {
        let crlf = format!("\u{feff}{}", FIXTURE_2024.replace('\n', "\r\n"));
        assert_eq!(nap(&crlf), nap(FIXTURE_2024));
    }

    #[test]
    fn decomposed_text_is_composed() {
        let text = page(
            "Moties",
            &[
                "Motie van het lid Ge\u{301}rard; De Kamer verzoekt iets.\t\tSOCW\tGei\u{308}nformeerd.",
            ],
            &[],
        );
        let doc = nap(&text);
        assert_eq!(doc.rows[0].submitters, ["G\u{e9}rard"]);
        assert_eq!(doc.rows[0].progress.as_deref(), Some("Ge\u{ef}nformeerd."));
    }

    #[test]
    fn legend_labels_split_over_lines() {
        let text = format!(
            "Doorlopend\ngedurende uitvoering\nprogramma\n\nIn uitvoering\nmet vertraging\n- In uitvoering\nNog niet\n{}",
            page("Moties", &["Motie van het lid A; tekst.\t\tSOCW\tX."], &[])
        );
        let doc = nap(&text);
        // Only the half label "Nog niet" is not understood.
        assert_eq!(
            messages(&doc),
            vec![(8, "line not understood: 'Nog niet'".to_string())]
        );
        assert_eq!(doc.rows.len(), 1);
    }

    #[test]
    fn header_and_section_variants() {
        for header in [
            "\tStatus\tVerantwoordelijk\tStand van zaken",
            "Status\tVerantwoordelijk\tStand van zaken",
            "Motie/toezegging\tStatus\tVerantwoordelijke\tStand van zaken\t",
        ] {
            for section in ["Moties", "Moties\t\t", "\tMoties\t\t\t", "MOTIES:"] {
                let text =
                    format!("{header}\n{section}\nMotie van het lid A; tekst.\t\tSOCW\tX.\n");
                let doc = nap(&text);
                assert_eq!(doc.rows.len(), 1, "{header:?} {section:?}");
                assert!(doc.anomalies.is_empty(), "{:?}", doc.anomalies);
                assert!(looks_like_annex(&text));
            }
        }
    }

    #[test]
    fn status_from_label_or_slug_never_guessed() {
        let text = page(
            "Moties",
            &[
                "Motie van het lid A; een.\tin uitvoering met VERTRAGING\tSOCW\tX.",
                "Motie van het lid B; twee.\tvertraagd\tSOCW\tX.",
                "Motie van het lid C; drie.\t\tSOCW\tDaarmee is de motie uitgevoerd.",
                "Motie van het lid D; vier.\tIn uitvoering\tSOCW\tX.\tDoorlopend gedurende uitvoering programma",
                "Motie van het lid E; vijf.\tSOCW\tIn uitvoering\tX.",
                "Motie van het lid F; zes.\tVoldaan\tSOCW\tX.",
                "\tDeels voldaan\tSOCW\tX.",
                "Motie van het lid G; zeven.\tSOCW\tVerstuurd op 1 mei.\tVoldaan",
            ],
            &[],
        );
        let doc = nap(&text);
        let statuses: Vec<Option<&str>> = doc.rows.iter().map(|r| r.status.as_deref()).collect();
        assert_eq!(
            statuses,
            [
                Some("vertraagd"),
                Some("vertraagd"),
                None,
                None,
                Some("in-uitvoering"),
                None,
                None,
                None
            ]
        );
        assert!(has(
            &doc,
            6,
            "conflicting status cells 'In uitvoering' and 'Doorlopend"
        ));
        assert!(has(&doc, 8, "unknown legend label 'Voldaan'"));
        assert!(has(&doc, 9, "unknown legend label 'Deels voldaan'"));
        assert!(has(&doc, 9, "row without item text"));
        assert!(has(&doc, 10, "unknown legend label 'Voldaan'"));
        assert_eq!(doc.rows[6].text, "");
        assert_eq!(doc.rows[7].progress.as_deref(), Some("Verstuurd op 1 mei."));
        // A short text cell in the first column is item text, not a label.
        let doc = nap(&page(
            "Toezeggingen",
            &["Brief sturen\t\tMOCW\tVerstuurd."],
            &[],
        ));
        assert_eq!(doc.rows[0].text, "Brief sturen");
        assert!(doc.anomalies.is_empty());
    }

    #[test]
    fn responsible_cell_is_found_by_content() {
        let text = page(
            "Moties",
            &[
                "Motie van het lid A; een.\tSOCW\tX.",
                "Motie van het lid A; twee.\t\t\t\t MOCW en SOCW \t\tX.",
                "Motie van het lid A; drie.\tSOCW, MJenV\tX.",
                "Motie van het lid A; vier.\t\tMoet\tX.",
                "Motie van het lid A; vijf.\t\tSOCW?\tX.",
                "Motie van het lid A; zes.\t\t\tGeen codes hier.",
                "Motie van het lid A; zeven.\tSOCW\tX.\tSVWS",
                "\tSVWS\t",
            ],
            &[],
        );
        let doc = nap(&text);
        let r: Vec<String> = doc.rows.iter().map(resp).collect();
        assert_eq!(
            r,
            [
                "SOCW",
                "MOCW en SOCW",
                "SOCW en MJenV",
                "",
                "",
                "",
                "SOCW",
                "SVWS"
            ]
        );
        assert!(has(&doc, 6, "cell not understood: 'Moet'"));
        assert!(has(&doc, 7, "cell not understood: 'SOCW?'"));
        assert!(has(&doc, 8, "row without responsible codes"));
        assert!(has(&doc, 9, "second responsible cell 'SVWS' ignored"));
        assert_eq!(doc.rows[5].text, "Motie van het lid A; zes.");
        assert_eq!(doc.rows[5].progress.as_deref(), Some("Geen codes hier."));
        assert_eq!(doc.rows[7].progress, None);
        assert!(
            doc.rows
                .iter()
                .take(7)
                .all(|r| r.progress.as_deref().is_some_and(|p| p.ends_with('.')))
        );
    }

    #[test]
    fn submitters() {
        for (text, names) in [
            (
                "Motie van het lid van der Laan c.s.; De Kamer",
                vec!["van der Laan"],
            ),
            (
                "Motie van de leden Werner en Van der Laan; De Kamer",
                vec!["Werner", "Van der Laan"],
            ),
            (
                "Motie van de leden A, B en C c.s.: De Kamer",
                vec!["A", "B", "C"],
            ),
            (
                "Gewijzigde motie van het lid Jansen (VVD); De Kamer",
                vec!["Jansen"],
            ),
            (
                "motie van de leden De Vries (GL) en Yilmaz (D66); x",
                vec!["De Vries", "Yilmaz"],
            ),
        ] {
            assert_eq!(
                motion_submitters(text),
                Some(names.iter().map(ToString::to_string).collect()),
                "{text}"
            );
        }
        for text in [
            "De Tweede Kamer verzoekt",
            "Motie van het lid; x",
            "Motie Jansen; x",
            "Motie van het lid Jansen",
        ] {
            assert_eq!(motion_submitters(text), None, "{text}");
        }
        let doc = nap(&page(
            "Moties",
            &["De Tweede Kamer verzoekt iets.\t\tSOCW\tX."],
            &[],
        ));
        assert!(has(&doc, 3, "motion text names no submitters"));
        // Commitments have no submitters and need none.
        let doc = nap(&page(
            "Toezeggingen",
            &["Motie van het lid A; x.\t\tSOCW\tX."],
            &[],
        ));
        assert!(doc.rows[0].submitters.is_empty() && doc.anomalies.is_empty());
    }

    #[test]
    fn superscript_markers() {
        let text = page(
            "Moties",
            &[
                "Motie van het lid A; tekst ¹ en meer.¹²\t\tSOCW\tEen ² twee.³<p>vier 100 m² en 3 km³.</p>",
            ],
            &[
                "¹ Kamerstukken II 2022/23, 34843, nr. 1.",
                "² Kamerstukken II 2022/23, 34843, nr. 2.",
                "³ Kamerstukken II 2022/23, 34843, nr. 3.",
                "¹² Kamerstukken II 2022/23, 34843, nr. 12.",
            ],
        );
        let doc = nap(&text);
        let r = &doc.rows[0];
        assert_eq!(r.text, "Motie van het lid A; tekst en meer.");
        assert_eq!(
            r.citations,
            [kst("2022/23", "34843", "1"), kst("2022/23", "34843", "12")]
        );
        assert_eq!(
            r.progress.as_deref(),
            Some("Een twee.\n\nvier 100 m² en 3 km³.")
        );
        assert_eq!(
            r.progress_citations,
            [kst("2022/23", "34843", "2"), kst("2022/23", "34843", "3")]
        );
        assert!(doc.anomalies.is_empty(), "{:?}", doc.anomalies);
        assert_eq!(doc.footnotes.get(&12).map(|f| f.0), Some(11));
    }

    #[test]
    fn glued_digits_are_read_conservatively() {
        let first = page(
            "Moties",
            &[
                "Motie van het lid A; de Kamer informeren.4\t\tSOCW\tZie nr.4 en versie 2.4 en 2023.4 en c.s.4 en p.4 en informeren.44 blz.4",
                "Motie van het lid B; de Kamer informeren.5\t\tSOCW\tGemeld.4</p>",
            ],
            &["⁴ Kamerstukken II 2022/23, 34843, nr. 4."],
        );
        let second = page(
            "Moties",
            &["Motie van het lid C; nog eens informeren.4\t\tSOCW\tX."],
            &["⁵ Kamerstukken II 2022/23, 34843, nr. 5."],
        );
        let doc = nap(&format!("{first}{second}"));
        let r = &doc.rows;
        assert_eq!(r[0].text, "Motie van het lid A; de Kamer informeren.");
        assert_eq!(r[0].citations, [kst("2022/23", "34843", "4")]);
        assert_eq!(
            r[0].progress.as_deref(),
            Some("Zie nr.4 en versie 2.4 en 2023.4 en c.s.4 en p.4 en informeren.44 blz.4")
        );
        assert!(r[0].progress_citations.is_empty());
        // Footnote 5 is defined on the next page only: kept as text.
        assert_eq!(r[1].text, "Motie van het lid B; de Kamer informeren.5");
        assert_eq!(r[1].progress.as_deref(), Some("Gemeld."));
        assert_eq!(r[1].progress_citations, [kst("2022/23", "34843", "4")]);
        // Footnote 4 is defined on the previous page only: kept as text.
        assert_eq!(r[2].text, "Motie van het lid C; nog eens informeren.4");
        assert!(r[2].citations.is_empty());
        assert!(has(&doc, 3, "read as footnote marker 4"));
        assert!(has(
            &doc,
            3,
            "digits '44' glued to 'informeren.' look like a footnote marker, but no footnote 44"
        ));
        assert!(has(
            &doc,
            4,
            "digits '5' glued to 'informeren.' look like a footnote marker"
        ));
        assert!(has(
            &doc,
            10,
            "digits '4' glued to 'informeren.' look like a footnote marker"
        ));
        assert!(has(&doc, 12, "footnote 5 is defined but no row cites it"));
        assert!(
            !doc.anomalies
                .iter()
                .any(|a| a.message.contains("'nr.'") || a.message.contains("'blz.'"))
        );
    }

    #[test]
    fn footnote_definitions() {
        let text = page(
            "Moties",
            &[
                "Motie van het lid A; een.¹\t\tSOCW\tX.² ³ ⁹",
                "Motie van het lid A; twee. ⁴\t\tSOCW\tX.⁵ ⁶ ⁷",
            ],
            &[
                "¹ Kamerstukken II 2022/23, 34843, nr. 1.",
                "² Kamerstukken II 2022/23, 34843, nr. 2.",
                "¹ Kamerstukken II 2022/23, 34843, nr. 99.",
                "³ Handelingen II 2018/19, nr. 5, item 6",
                "4 Kamerstukken II 2022/23, 34843, nr. 4.",
                "⁵ Zie het verslag (blz. 3) en de brief (Kamerstukken II 2022/23, 34843, nr 5 p. 2).",
                "⁶",
                "⁷ Kamerstukken II 2022/23, 34843, nr. 7, met een lange toelichting die\nop de volgende regel doorloopt.",
                "¹²³⁴ Kamerstukken II 2022/23, 34843, nr. 8.",
            ],
        );
        let doc = nap(&text);
        let r = &doc.rows;
        assert_eq!(r[0].citations, [kst("2022/23", "34843", "1")]);
        assert_eq!(
            r[0].progress_citations,
            [
                kst("2022/23", "34843", "2"),
                "Handelingen II 2018/19, nr. 5, item 6".to_string()
            ]
        );
        assert_eq!(r[1].citations, [kst("2022/23", "34843", "4")]);
        assert_eq!(
            r[1].progress_citations,
            [
                "Kamerstukken II 2022/23, 34843, nr 5 p. 2".to_string(),
                "Kamerstukken II 2022/23, 34843, nr. 7, met een lange toelichting die op de volgende regel doorloopt".to_string()
            ]
        );
        assert_eq!(doc.footnotes.len(), 6);
        assert!(has(&doc, 3, "footnote marker 9 has no definition"));
        assert!(has(&doc, 4, "footnote marker 6 has no definition"));
        assert!(has(
            &doc,
            10,
            "footnote 1 is defined again (first on line 6)"
        ));
        assert!(has(
            &doc,
            16,
            "footnote 5 is a remark; citation 'Kamerstukken II 2022/23, 34843, nr 5 p. 2' taken from its parentheses, flagged: trailing text ignored"
        ));
        assert!(has(&doc, 18, "footnote 6 has no text"));
        assert!(has(
            &doc,
            20,
            "citation 'Kamerstukken II 2022/23, 34843, nr. 7, met"
        ));
        assert!(has(&doc, 21, "line read as a continuation of footnote 7"));
        assert!(has(&doc, 23, "footnote marker '¹²³⁴' not understood"));
    }

    #[test]
    fn lines_that_are_not_understood() {
        let text = format!(
            "Inleiding\n\n{}Losse regel na een witregel.\n{}",
            page(
                "Moties",
                &[
                    "Motie van het lid A; een.\t\tSOCW",
                    "doorloop van een rij zonder stand van zaken",
                    "Motie van het lid A; twee.\t\tSOCW\tEerste deel",
                    "12",
                    "tweede deel.",
                ],
                &[],
            ),
            "Motie van het lid A; drie.\t\tSOCW\tX.\n"
        );
        let doc = nap(&text);
        assert_eq!(doc.title.as_deref(), Some("Inleiding"));
        assert_eq!(doc.rows.len(), 3);
        assert_eq!(
            doc.rows[1].progress.as_deref(),
            Some("Eerste deel tweede deel.")
        );
        assert!(has(&doc, 6, "line not understood: 'doorloop van een rij"));
        assert!(has(
            &doc,
            9,
            "line read as a continuation of the last cell of the row on line 7"
        ));
        assert!(has(&doc, 11, "line not understood: 'Losse regel"));
        assert_eq!(doc.anomalies.len(), 3, "{:?}", doc.anomalies);

        let doc = nap("Motie van het lid A; een.\t\tSOCW\tX.\nStatus\tVerantwoordelijk\n");
        assert!(doc.rows.is_empty());
        assert!(has(
            &doc,
            1,
            "row outside a 'Moties' or 'Toezeggingen' section, skipped"
        ));

        let doc = nap("**Titel zonder einde\nnog titel\nStatus\tVerantwoordelijk\nMoties\n");
        assert_eq!(doc.title.as_deref(), Some("Titel zonder einde nog titel"));
        assert!(has(&doc, 1, "title block opened with '**' is not closed"));
    }

    #[test]
    fn item_and_progress_spread_over_cells() {
        let doc = nap(&page(
            "Moties",
            &[
                "Motie van het lid A; een\ttwee.\tSOCW\tHet eerste deel van de tekst\tloopt hier door.",
                "\t\t\tAlleen voortgang.",
            ],
            &[],
        ));
        assert_eq!(doc.rows[0].text, "Motie van het lid A; een twee.");
        assert_eq!(
            doc.rows[0].progress.as_deref(),
            Some("Het eerste deel van de tekst loopt hier door.")
        );
        assert!(has(&doc, 3, "item text spread over 2 cells; joined"));
        assert!(has(&doc, 3, "stand van zaken spread over 2 cells; joined"));
        assert_eq!(doc.rows[1].text, "");
        assert_eq!(doc.rows[1].progress.as_deref(), Some("Alleen voortgang."));
    }

    #[test]
    fn other_legends() {
        let legend = Legend {
            entries: vec![
                crate::domain::LegendEntry {
                    slug: "openstaand".into(),
                    nl: "Openstaand".into(),
                    en: "Open".into(),
                    colour: "#000000".into(),
                },
                crate::domain::LegendEntry {
                    slug: "voldaan".into(),
                    nl: "Voldaan".into(),
                    en: "Fulfilled".into(),
                    colour: "#000000".into(),
                },
            ],
        };
        let text = format!(
            "Openstaand\nVoldaan\n{}",
            page(
                "Toezeggingen",
                &[
                    "De minister stuurt een brief.\tVoldaan\tMBZK\tVerstuurd.",
                    "De minister belt.\tIn uitvoering\tMBZK\tX."
                ],
                &[]
            )
        );
        let doc = parse(&text, &legend);
        assert_eq!(doc.rows[0].status.as_deref(), Some("voldaan"));
        assert_eq!(doc.rows[1].status, None);
        assert!(has(&doc, 6, "unknown legend label 'In uitvoering'"));
    }

    // -- robustness ----------------------------------------------------------------

    /// Deterministic pseudo-random numbers (xorshift).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn below(&mut self, n: usize) -> usize {
            usize::try_from(self.next() % u64::try_from(n.max(1)).unwrap()).unwrap()
        }
    }

    fn check(text: &str) {
        let doc = nap(text);
        if let Err(e) = doc.invariants(text, &Legend::nap()) {
            panic!("{e}");
        }
        let _ = looks_like_annex(text);
    }

    #[test]
    fn truncated_and_mutated_fixtures_never_panic() {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        for fixture in [FIXTURE_2024, FIXTURE_2025] {
            // Every prefix and suffix at a line boundary, and at many char boundaries.
            let bounds: Vec<usize> = fixture.char_indices().map(|(i, _)| i).collect();
            for (k, &at) in bounds.iter().enumerate() {
                if k % 23 == 0 || fixture.as_bytes().get(at) == Some(&b'\n') {
                    check(&fixture[..at]);
                    check(&fixture[at..]);
                }
            }
            let lines: Vec<&str> = fixture.lines().collect();
            for skip in 0..lines.len() {
                let mut v = lines.clone();
                v.remove(skip);
                check(&v.join("\n"));
            }
            for _ in 0..150 {
                let mut v = lines.clone();
                let a = rng.below(v.len());
                let b = rng.below(v.len());
                v.swap(a, b);
                let c = rng.below(v.len());
                let dup = v[rng.below(v.len())];
                v.insert(c, dup);
                check(&v.join("\n"));
            }
            let bytes = fixture.as_bytes();
            for _ in 0..600 {
                let mut m = bytes.to_vec();
                for _ in 0..1 + rng.below(6) {
                    let at = rng.below(m.len());
                    match rng.below(4) {
                        0 => {
                            m[at] = [b'\t', b'\n', b' ', b'.', b'4', b'<', b'*', 0xC2, 0xB9, 0xFF]
                                [rng.below(10)]
                        }
                        1 => {
                            m.remove(at);
                        }
                        2 => m.insert(at, b'\t'),
                        _ => {
                            for (k, b) in "¹⁵".bytes().enumerate() {
                                m.insert(at + k, b);
                            }
                        }
                    }
                }
                check(&String::from_utf8_lossy(&m));
            }
        }
    }

    #[test]
    fn random_strings_never_panic() {
        let pieces = [
            "\t",
            "\n",
            "\r\n",
            " ",
            "Moties",
            "Toezeggingen",
            "Status",
            "Verantwoordelijk",
            "Stand van zaken",
            "In uitvoering",
            "Wordt invulling",
            "gegeven aan",
            "Afgerond",
            "SOCW",
            "MOCW en SOCW",
            "Moet",
            "Motie van het lid",
            "Motie van de leden",
            " en ",
            "c.s.",
            ";",
            "(",
            ")",
            "¹",
            "²",
            "¹⁵",
            "⁰",
            "informeren.",
            "4",
            "12",
            ".",
            "<p>",
            "</p>",
            "<p",
            ">",
            "**",
            "- ",
            "Kamerstukken II 2022/23, 34843, nr. 79.",
            "202/25",
            "m",
            "é",
            "e\u{301}",
            "\u{feff}",
            "\u{a0}",
            "🎉",
            "Pagina 3 van 12",
        ];
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
        for _ in 0..4000 {
            let mut s = String::new();
            for _ in 0..rng.below(60) {
                s.push_str(pieces[rng.below(pieces.len())]);
            }
            check(&s);
        }
        for _ in 0..1000 {
            let s: String = (0..rng.below(200))
                .filter_map(|_| char::from_u32(u32::try_from(rng.next() % 0x11_0000).unwrap()))
                .collect();
            check(&s);
        }
        check(&"\t".repeat(10_000));
        check(&"¹".repeat(10_000));
        check(&"**\n".repeat(1_000));
        check(&"Moties\nx\tSOCW\t".repeat(1_000));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_text_never_panics(s in "(?s).{0,400}") {
            check(&s);
        }

        #[test]
        fn arbitrary_lines_after_a_header_never_panic(lines in proptest::collection::vec("[^\n]{0,80}", 0..20)) {
            let text = format!("Status\tVerantwoordelijk\tStand van zaken\nMoties\n{}", lines.join("\n"));
            check(&text);
        }
    }

    /// Found by fuzzing (tests/fuzz, target `annex`): every cell is tried as
    /// a legend label, and a failed try computed "did you mean" edit
    /// distances against every label, in time proportional to the cell's
    /// length times the label's. Long cells made parsing crawl (seconds per
    /// row of 64 KB texts); now only candidates whose length could be close
    /// are compared, and a long annex reads in linear time.
    #[test]
    fn long_cells_do_not_make_parsing_crawl() {
        let long = "De Tweede Kamer verzoekt de regering iets lang uit te zoeken. ".repeat(1_000);
        let mut text = String::from("\tStatus\tVerantwoordelijk\tStand van zaken\nMoties\n");
        for _ in 0..20 {
            text.push_str(&format!(
                "Motie van het lid Jansen; {long}\tIn uitvoering\tSOCW\t{long}\n"
            ));
        }
        // No wall-clock assertion (house rule): the quadratic version took
        // minutes here, which the test harness's own patience shows.
        let doc = nap(&text);
        assert_eq!(doc.rows.len(), 20);
        assert_eq!(
            doc.rows[0].text.len(),
            "Motie van het lid Jansen; ".len() + long.trim_end().len()
        );
    }
}
