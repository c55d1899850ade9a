//! The annex as `pdftotext -layout` gives it: the table's columns aligned
//! by spaces, each cell wrapped over as many lines as it needs, pages
//! separated by a form feed with the header row repeated on each, page
//! numbers, and footnotes at the bottom of each page with their markers
//! turned into plain digits glued to the text ("informeren.1").
//!
//! The text is turned into the tab-separated layout the annex parser
//! reads, line for line (so every anomaly keeps the line number of the
//! file the clerk has), and then parsed by it:
//! - per page, the header line (`Status`, `Verantwoordelijk` — perhaps
//!   wrapped as `Verantwo`/`ordelijk` — `Stand van zaken`) gives the
//!   columns; each column starts where the page's text lines start most
//!   often near its header word, so a centred header still places it;
//! - a line's pieces (separated by two or more spaces) go to the column
//!   they start in; a row starts on the line that holds a responsible
//!   party (codes, or "Minister van …") when the row before it has a
//!   complete one, or, without a responsible column, on a line after a
//!   blank line; every other line continues the current row, across a page
//!   break too, and its pieces are joined to their cells;
//! - a lone number at the left margin below the table, with the text under
//!   it (or `1 Kamerstukken …` on one line), is a footnote; a number glued
//!   to the end of a word is its marker when that footnote is on the page;
//! - page numbers and lines repeated at the top or bottom of every page
//!   (running headers and footers) are dropped.
//!
//! Pure and panic-free; whatever is not understood goes on to the annex
//! parser, which reports it with its line.

use std::collections::{BTreeMap, BTreeSet};

use super::footnotes::ABBREVIATIONS;
use super::layouts::{is_page_mark, responsible_cell, section_kind};
use super::{AnnexDoc, parse as parse_annex};
use crate::domain::{Legend, Ministries};

/// Least run of spaces that separates two columns' pieces.
const GAP: usize = 2;
/// A lone number this far from the left margin or more is a page number,
/// not a footnote's.
const FOOTNOTE_INDENT: usize = 12;
/// Lines at the top or bottom of a page that are compared across pages to
/// find running headers and footers.
const RUNNING_LINES: usize = 3;
/// Most digits of a footnote number.
const MAX_NOTE_DIGITS: usize = 3;

/// True when the text looks like `pdftotext -layout` output of an annex: a
/// header line spaced into columns (at least two of `Status`,
/// `Verantwoordelijk` or its wrapped start, `Stand van zaken`, with no
/// tabs) and a `Moties` or `Toezeggingen` line.
pub fn looks_like_pdftext(text: &str) -> bool {
    let mut header = false;
    let mut section = false;
    for line in text.lines() {
        let line = line.trim_start_matches('\u{c}');
        if line.contains('\t') {
            continue;
        }
        if header_columns(line).is_some() {
            header = true;
        } else if section_kind(&[line.trim()]).is_some() {
            section = true;
        }
        if header && section {
            return true;
        }
    }
    false
}

/// Parses `pdftotext -layout` text of an annex. Never fails.
pub fn parse(text: &str, legend: &Legend, ministries: &Ministries) -> AnnexDoc {
    parse_annex(&to_annex_text(text, ministries), legend)
}

/// The text in the annex's tab-separated layout, with as many lines as the
/// input: a row stands on the line it starts on, the lines it took are
/// left empty.
pub fn to_annex_text(text: &str, ministries: &Ministries) -> String {
    let lines: Vec<Line> = lines(text);
    let mut out: Vec<String> = vec![String::new(); lines.len()];
    let running = running_lines(&lines);
    let pages = lines.last().map_or(0, |l| l.page + 1);
    let mut state = State::default();
    for page in 0..pages {
        let idx: Vec<usize> = (0..lines.len())
            .filter(|i| lines.get(*i).is_some_and(|l| l.page == page))
            .collect();
        read_page(&lines, &idx, &running, ministries, &mut state, &mut out);
    }
    state.flush(&mut out);
    let mut s = out.join("\n");
    s.push('\n');
    s
}

/// One input line: its page and its text without form feeds.
#[derive(Debug)]
struct Line {
    page: usize,
    text: String,
}

fn lines(text: &str) -> Vec<Line> {
    let mut page = 0;
    let mut out = Vec::new();
    for raw in text.lines() {
        let mut t = raw;
        while let Some(rest) = t.strip_prefix('\u{c}') {
            page += 1;
            t = rest;
        }
        out.push(Line {
            page,
            text: t.replace('\u{c}', ""),
        });
    }
    // A form feed at the very end closes the last page; it opens none.
    out
}

/// Lines repeated at the top or bottom of two or more pages: running
/// headers and footers (page numbers aside, which differ).
fn running_lines(lines: &[Line]) -> BTreeSet<usize> {
    let mut by_page: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        if !l.text.trim().is_empty() {
            by_page.entry(l.page).or_default().push(i);
        }
    }
    let mut seen: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut at: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (page, idx) in &by_page {
        let n = idx.len();
        let edge = idx
            .iter()
            .enumerate()
            .filter(|(k, _)| *k < RUNNING_LINES || *k + RUNNING_LINES >= n)
            .map(|(_, i)| *i);
        for i in edge {
            let Some(l) = lines.get(i) else { continue };
            let key = l.text.trim().to_string();
            if header_columns(&l.text).is_some() || section_kind(&[key.as_str()]).is_some() {
                continue;
            }
            seen.entry(key.clone()).or_default().insert(*page);
            at.entry(key).or_default().push(i);
        }
    }
    seen.into_iter()
        .filter(|(_, pages)| pages.len() >= 2)
        .flat_map(|(k, _)| at.get(&k).cloned().unwrap_or_default())
        .collect()
}

/// A piece of a line: where it starts (in characters) and its text.
#[derive(Debug, Clone)]
struct Piece {
    start: usize,
    text: String,
}

/// The pieces of a line, separated by runs of at least [`GAP`] spaces.
fn pieces(line: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut start = 0;
    let mut spaces = 0;
    for (i, c) in line.chars().enumerate() {
        if c == ' ' || c == '\u{a0}' {
            spaces += 1;
            continue;
        }
        // A tab, where one came along, separates as a wide gap does.
        if c == '\t' {
            spaces += GAP;
            continue;
        }
        if !cur.is_empty() && spaces >= GAP {
            out.push(Piece {
                start,
                text: std::mem::take(&mut cur),
            });
        } else if !cur.is_empty() && spaces > 0 {
            cur.push(' ');
        }
        if cur.is_empty() {
            start = i;
        }
        spaces = 0;
        cur.push(c);
    }
    if !cur.is_empty() {
        out.push(Piece { start, text: cur });
    }
    // A status marker ("●") lost its colour on the way to text: it says
    // nothing, and is left out.
    for p in &mut out {
        let t = p
            .text
            .trim_start_matches(|c: char| is_marker(c) || c == ' ');
        if t.len() != p.text.len() {
            p.text = t.to_string();
        }
    }
    out.retain(|p| !p.text.is_empty());
    out
}

/// A line outside the table (title, legend) as the annex parser gets it:
/// trimmed, a leading marker left out.
fn passed(line: &str) -> String {
    line.trim()
        .trim_start_matches(|c: char| is_marker(c) || c == ' ')
        .to_string()
}

/// A character that marks rather than spells: geometric shapes,
/// dingbats, coloured emoji (the bullet "•" is left to the annex parser).
fn is_marker(c: char) -> bool {
    matches!(c as u32, 0x25A0..=0x27BF | 0x2B1B..=0x2B55 | 0x1F300..=0x1FAFF)
}

/// What a header word names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Col {
    Text,
    Status,
    Responsible,
    Progress,
}

/// The header's columns when `line` is a header line: each named column
/// with where its word starts. At least two of the three words.
fn header_columns(line: &str) -> Option<Vec<(Col, usize)>> {
    let ps = pieces(line);
    if ps.is_empty() || ps.len() > 6 {
        return None;
    }
    let mut cols = Vec::new();
    for p in &ps {
        let t = p.text.to_lowercase();
        let col = if t == "status" {
            Col::Status
        } else if t.len() >= 6 && "verantwoordelijke".starts_with(t.as_str())
            || t.starts_with("verantwoordelijk")
        {
            Col::Responsible
        } else if t.starts_with("stand van zaken") {
            Col::Progress
        } else if ["motie", "toezegging", "omschrijving", "onderwerp"]
            .iter()
            .any(|w| t.starts_with(w))
        {
            Col::Text
        } else {
            return None;
        };
        cols.push((col, p.start));
    }
    let named = cols.iter().filter(|(c, _)| *c != Col::Text).count();
    (named >= 2).then_some(cols)
}

/// The reading state carried across pages: the current row.
#[derive(Debug, Default)]
struct State {
    /// The row being read: the line it starts on and its cells by column.
    row: Option<(usize, BTreeMap<usize, Vec<String>>)>,
    /// The columns of the last header: role and start.
    columns: Vec<(Col, usize)>,
}

impl State {
    /// Writes the current row, tab-separated in column order, on its line.
    fn flush(&mut self, out: &mut [String]) {
        let Some((line, cells)) = self.row.take() else {
            return;
        };
        let n = self.columns.len().max(1);
        let mut parts: Vec<String> = Vec::with_capacity(n);
        for c in 0..n {
            parts.push(join_wrapped(
                cells.get(&c).map(Vec::as_slice).unwrap_or_default(),
            ));
        }
        if let Some(slot) = out.get_mut(line) {
            *slot = parts.join("\t");
        }
    }

    fn responsible_column(&self) -> Option<usize> {
        self.columns
            .iter()
            .position(|(c, _)| *c == Col::Responsible)
    }

    /// True when the current row's responsible cell is complete (it does
    /// not end in "en", a comma or "van").
    fn responsible_complete(&self) -> bool {
        let Some(rc) = self.responsible_column() else {
            return true;
        };
        let Some((_, cells)) = &self.row else {
            return true;
        };
        let t = join_wrapped(cells.get(&rc).map(Vec::as_slice).unwrap_or_default());
        let last = t.split_whitespace().last().unwrap_or("").to_lowercase();
        !(t.is_empty() || matches!(last.as_str(), "en" | "van" | "voor" | "&") || t.ends_with(','))
    }
}

/// The lines of a wrapped cell joined: with a space, or without one after
/// a hyphen that breaks a word.
fn join_wrapped(parts: &[String]) -> String {
    let mut out = String::new();
    for p in parts {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        if !out.is_empty() {
            let broken = out.ends_with('-')
                && !out.ends_with(" -")
                && p.chars().next().is_some_and(char::is_lowercase);
            if !broken {
                out.push(' ');
            }
        }
        out.push_str(p);
    }
    out
}

#[allow(clippy::too_many_lines)]
fn read_page(
    lines: &[Line],
    idx: &[usize],
    running: &BTreeSet<usize>,
    ministries: &Ministries,
    state: &mut State,
    out: &mut [String],
) {
    let text_of = |i: usize| lines.get(i).map_or("", |l| l.text.as_str());
    let header_at = idx
        .iter()
        .position(|i| header_columns(text_of(*i)).is_some());
    let Some(h) = header_at else {
        // A page without a header: a page of the title and legend (kept
        // for the annex parser), or of a table that repeats no header
        // (read with the columns of the last one).
        if state.columns.is_empty() {
            for &i in idx {
                if let Some(slot) = out.get_mut(i) {
                    *slot = passed(text_of(i));
                }
            }
            return;
        }
        read_body(lines, idx, running, ministries, state, out);
        return;
    };
    let before = idx.get(..h).unwrap_or_default();
    let first_page = lines
        .get(idx.first().copied().unwrap_or(0))
        .is_some_and(|l| l.page == 0);
    for &i in before {
        // Before the first header: the title and legend; on later pages,
        // running headers and the repeated legend, which are dropped.
        if (state.columns.is_empty() || first_page)
            && !running.contains(&i)
            && let Some(slot) = out.get_mut(i)
        {
            *slot = passed(text_of(i));
        }
    }
    let Some(&hi) = idx.get(h) else { return };
    let rest = idx.get(h..).unwrap_or_default();
    let taken = use_header(lines, rest, state, out);
    let _ = hi;
    let body = idx.get(h + taken..).unwrap_or_default();
    read_body(lines, body, running, ministries, state, out);
}

/// Reads the header line `at[0]` (and a header word wrapped onto the next
/// line: "Verantwo" / "ordelijk"), places its columns by the lines after
/// it, writes the header in the annex layout and makes its columns the
/// state's. A row open from the page before stays open across a header
/// with as many columns. Returns how many lines the header took.
fn use_header(lines: &[Line], at: &[usize], state: &mut State, out: &mut [String]) -> usize {
    let text_of = |i: usize| lines.get(i).map_or("", |l| l.text.as_str());
    let Some(&hi) = at.first() else { return 0 };
    let mut cols = header_columns(text_of(hi)).unwrap_or_default();
    let mut taken = 1;
    if let Some(&next) = at.get(1) {
        let ps = pieces(text_of(next));
        let under = !ps.is_empty()
            && ps.iter().all(|p| {
                cols.iter().any(|(_, s)| p.start.abs_diff(*s) <= 1)
                    && p.text.split_whitespace().count() <= 2
                    && section_kind(&[p.text.as_str()]).is_none()
                    && p.text
                        .chars()
                        .all(|c| c.is_alphabetic() || c == ' ' || c == '-')
            });
        if under {
            taken = 2;
        }
    }
    if !cols.iter().any(|(c, _)| *c == Col::Text) {
        cols.insert(0, (Col::Text, 0));
    }
    // The columns are placed by the lines up to the next header.
    let after = at.get(taken..).unwrap_or_default();
    let end = after
        .iter()
        .position(|i| header_columns(text_of(*i)).is_some())
        .unwrap_or(after.len());
    place_columns(&mut cols, lines, after.get(..end).unwrap_or_default());
    let header: Vec<&str> = cols
        .iter()
        .map(|(c, _)| match c {
            Col::Text => "",
            Col::Status => "Status",
            Col::Responsible => "Verantwoordelijk",
            Col::Progress => "Stand van zaken",
        })
        .collect();
    if state.columns.len() != cols.len() {
        state.flush(out);
    }
    state.columns = cols;
    if let Some(slot) = out.get_mut(hi) {
        *slot = header.join("\t");
    }
    taken
}

/// Column starts from the body: for each header word, the most frequent
/// start of a piece between the middle of the gap to the previous
/// column's word and this word.
fn place_columns(cols: &mut [(Col, usize)], lines: &[Line], body: &[usize]) {
    let mut starts: BTreeMap<usize, usize> = BTreeMap::new();
    for &i in body {
        if let Some(l) = lines.get(i) {
            for p in pieces(&l.text) {
                *starts.entry(p.start).or_default() += 1;
            }
        }
    }
    let words: Vec<usize> = cols.iter().map(|(_, s)| *s).collect();
    for k in 1..cols.len() {
        // Between the middle of the gap to the previous word and just past
        // this word: a centred header word stands right of its column's
        // start, never left of the column before.
        let word = words.get(k).copied().unwrap_or(0);
        let lo = (words.get(k - 1).copied().unwrap_or(0) + word) / 2 + 1;
        let hi = word + 1;
        let best = starts
            .range(lo..=hi)
            .filter(|(_, n)| **n >= 2)
            .max_by_key(|(s, n)| (**n, **s))
            .map(|(s, _)| *s);
        if let (Some(b), Some(col)) = (best, cols.get_mut(k)) {
            col.1 = b;
        }
    }
    if let Some(first) = cols.first_mut()
        && first.0 == Col::Text
    {
        first.1 = 0;
    }
}

/// How far left of a column's start a piece may begin and still be in it:
/// pdftotext places a line's pieces to the nearest character cell, and
/// after a wide piece the next one can come out a little early.
const SLACK: usize = 3;

/// The column a piece starting at `start` belongs to.
fn column_of(cols: &[(Col, usize)], start: usize) -> usize {
    cols.iter()
        .rposition(|(_, s)| start + SLACK >= *s)
        .unwrap_or(0)
}

/// A lone footnote number at the left margin, or a number and its text.
fn footnote_start(line: &str) -> Option<(u32, Option<String>)> {
    let indent = line.chars().take_while(|c| *c == ' ').count();
    if indent >= FOOTNOTE_INDENT {
        return None;
    }
    let t = line.trim();
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > MAX_NOTE_DIGITS {
        return None;
    }
    let n: u32 = digits.parse().ok().filter(|n| *n > 0)?;
    let rest = t.get(digits.len()..).unwrap_or("");
    if rest.is_empty() {
        return Some((n, None));
    }
    rest.starts_with(' ')
        .then(|| (n, Some(rest.trim().to_string())))
}

fn read_body(
    lines: &[Line],
    body: &[usize],
    running: &BTreeSet<usize>,
    ministries: &Ministries,
    state: &mut State,
    out: &mut [String],
) {
    let text_of = |i: usize| lines.get(i).map_or("", |l| l.text.as_str());
    let last_filled = body
        .iter()
        .rev()
        .find(|i| !text_of(**i).trim().is_empty())
        .copied();
    // The footnotes at the bottom: from the first lone number at the
    // margin after a blank line (or one that reads "1 Kamerstukken …").
    // A table that fills the page leaves no blank line before them: then
    // the number must be one glued to a word above it on the page.
    let mut notes_from = body.len();
    let mut after_blank = false;
    let mut glued: BTreeSet<u32> = BTreeSet::new();
    for (k, &i) in body.iter().enumerate() {
        let t = text_of(i);
        if t.trim().is_empty() {
            after_blank = true;
            continue;
        }
        if let Some((n, rest)) = footnote_start(t)
            && Some(i) != last_filled
            && (after_blank
                || glued.contains(&n)
                || rest
                    .as_deref()
                    .is_some_and(|r| crate::domain::KamerstukRef::parse(r).parsed.is_some()))
        {
            notes_from = k;
            break;
        }
        glued.extend(glued_numbers(t));
        after_blank = false;
    }
    let (table, notes) = body.split_at(notes_from.min(body.len()));
    // The footnotes on this page, first, so markers can be told apart.
    let mut defined: BTreeSet<u32> = BTreeSet::new();
    let mut note_lines: Vec<(usize, u32, String)> = Vec::new();
    for &i in notes {
        let t = text_of(i);
        if t.trim().is_empty()
            || running.contains(&i)
            || (Some(i) == last_filled && is_page_mark(t))
        {
            continue;
        }
        match footnote_start(t) {
            Some((n, rest)) => {
                defined.insert(n);
                note_lines.push((i, n, rest.unwrap_or_default()));
            }
            None => {
                if let Some(last) = note_lines.last_mut() {
                    if !last.2.is_empty() {
                        last.2.push(' ');
                    }
                    last.2.push_str(t.trim());
                } else if let Some(slot) = out.get_mut(i) {
                    *slot = t.trim().to_string();
                }
            }
        }
    }
    for (i, n, text) in &note_lines {
        if let Some(slot) = out.get_mut(*i) {
            *slot = format!(
                "{}{}{text}",
                superscript(*n),
                if text.is_empty() { "" } else { " " }
            );
        }
    }
    let mut after_blank = false;
    let mut skip = 0;
    for (k, &i) in table.iter().enumerate() {
        if skip > 0 {
            skip -= 1;
            continue;
        }
        let t = text_of(i);
        if t.trim().is_empty() {
            after_blank = true;
            continue;
        }
        // The header again on the same page: a new table begins, and the
        // row before it is complete.
        if header_columns(t).is_some() {
            state.flush(out);
            state.columns.clear();
            skip = use_header(lines, table.get(k..).unwrap_or_default(), state, out) - 1;
            after_blank = false;
            continue;
        }
        if running.contains(&i)
            || (is_page_mark(t) && pieces(t).len() == 1 && Some(i) == last_filled)
        {
            continue;
        }
        let ps = pieces(t);
        if let [only] = ps.as_slice()
            && section_kind(&[only.text.as_str()]).is_some()
        {
            state.flush(out);
            if let Some(slot) = out.get_mut(i) {
                *slot = only.text.clone();
            }
            after_blank = false;
            continue;
        }
        let mut by_col: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for p in ps {
            let c = column_of(&state.columns, p.start);
            by_col.entry(c).or_default().push(mark(&p.text, &defined));
        }
        let starts = match state.responsible_column() {
            Some(rc) => {
                let names_party = by_col.get(&rc).is_some_and(|v| {
                    let t = v.join(" ");
                    responsible_cell(&t).is_some()
                        || ministries.responsible(&t).is_ok()
                        || t.split_whitespace().next().is_some_and(|w| {
                            let w = w.to_lowercase();
                            w == "minister" || w == "staatssecretaris"
                        })
                        || t.split_whitespace()
                            .next()
                            .is_some_and(|w| responsible_cell(w).is_some())
                });
                names_party && state.responsible_complete() || state.row.is_none()
            }
            None => after_blank || state.row.is_none(),
        };
        if starts {
            state.flush(out);
            state.row = Some((i, BTreeMap::new()));
        }
        if let Some((_, cells)) = state.row.as_mut() {
            for (c, parts) in by_col {
                cells.entry(c).or_default().push(parts.join(" "));
            }
        }
        after_blank = false;
    }
}

/// The numbers glued to the end of a word in `line` ("informeren.4"):
/// the markers a footnote below may define.
fn glued_numbers(line: &str) -> Vec<u32> {
    line.split_whitespace()
        .filter_map(|w| {
            let digits = w.chars().rev().take_while(char::is_ascii_digit).count();
            let head = w.chars().count().saturating_sub(digits);
            if digits == 0 || digits > MAX_NOTE_DIGITS || head == 0 {
                return None;
            }
            let before = w.chars().nth(head - 1)?;
            if before.is_ascii_digit() {
                return None;
            }
            w.chars().skip(head).collect::<String>().parse().ok()
        })
        .collect()
}

/// The marker `n` in superscript digits.
fn superscript(n: u32) -> String {
    n.to_string()
        .chars()
        .map(|d| match d {
            '0' => '⁰',
            '1' => '¹',
            '2' => '²',
            '3' => '³',
            '4' => '⁴',
            '5' => '⁵',
            '6' => '⁶',
            '7' => '⁷',
            '8' => '⁸',
            _ => '⁹',
        })
        .collect()
}

/// The piece with each number glued to the end of a word turned into a
/// superscript marker, when that footnote is on the page: "informeren.1"
/// → "informeren.¹". Not after a digit, nor after an abbreviation such as
/// "nr.".
fn mark(piece: &str, defined: &BTreeSet<u32>) -> String {
    if defined.is_empty() {
        return piece.to_string();
    }
    let words: Vec<String> = piece
        .split(' ')
        .map(|w| {
            let digits = w.chars().rev().take_while(char::is_ascii_digit).count();
            let chars: Vec<char> = w.chars().collect();
            let cut = chars.len().saturating_sub(digits);
            if digits == 0 || digits > MAX_NOTE_DIGITS || cut == 0 {
                return w.to_string();
            }
            let head: String = chars.get(..cut).unwrap_or_default().iter().collect();
            let tail: String = chars.get(cut..).unwrap_or_default().iter().collect();
            let before = head.chars().last().unwrap_or(' ');
            let glued = before.is_alphabetic()
                || matches!(before, '.' | ',' | ';' | ':' | ')' | '»' | '”' | '\'' | '"');
            let word = head
                .trim_end_matches(|c: char| !c.is_alphanumeric())
                .to_lowercase();
            let word = word
                .rsplit(|c: char| !c.is_alphanumeric())
                .next()
                .unwrap_or("");
            let abbreviation =
                ABBREVIATIONS.contains(&word) || word.chars().all(|c| c.is_ascii_digit());
            match tail.parse::<u32>() {
                Ok(n) if glued && !abbreviation && defined.contains(&n) => {
                    format!("{head}{}", superscript(n))
                }
                _ => w.to_string(),
            }
        })
        .collect();
    words.join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_split_on_wide_gaps() {
        let ps = pieces("    Motie van het lid A; De        In           MIenW      Het werk");
        let got: Vec<(usize, &str)> = ps.iter().map(|p| (p.start, p.text.as_str())).collect();
        assert_eq!(
            got,
            [
                (4, "Motie van het lid A; De"),
                (35, "In"),
                (48, "MIenW"),
                (59, "Het werk")
            ]
        );
    }

    #[test]
    fn headers_and_markers() {
        assert!(header_columns("     Status       Verantwo   Stand van zaken").is_some());
        assert!(header_columns("Status  Verantwoordelijk  Stand van zaken").is_some());
        assert!(header_columns("Motie  Status").is_none());
        assert!(header_columns("De status van de verantwoordelijke").is_none());
        let defined: BTreeSet<u32> = [1, 4].into_iter().collect();
        assert_eq!(mark("te informeren.1", &defined), "te informeren.¹");
        assert_eq!(mark("zie nr.4 en 2024", &defined), "zie nr.4 en 2024");
        assert_eq!(mark("regering4 en", &defined), "regering⁴ en");
        assert_eq!(mark("informeren.3", &defined), "informeren.3");
        assert_eq!(superscript(15), "¹⁵");
    }

    #[test]
    fn footnote_lines() {
        assert_eq!(footnote_start("1"), Some((1, None)));
        assert_eq!(
            footnote_start("  12 Kamerstukken II"),
            Some((12, Some("Kamerstukken II".into())))
        );
        assert_eq!(footnote_start("                      3"), None);
        assert_eq!(footnote_start("2024 was"), None);
        assert_eq!(footnote_start("0"), None);
    }
}
