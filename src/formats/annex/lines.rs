//! Pass 1: what each line of the annex text is (title, legend label,
//! header, section, footnote definition, table row, page mark, free text),
//! decided by the line's own content and the lines around it.

use super::footnotes::{plain_footnote, superscript_footnote};
use super::layouts::{MAX_TITLE_LINES, is_header, is_page_mark, section_kind, strip_bullet};
use super::{Anomaly, anomaly};
use crate::domain::{ItemKind, Legend};

/// Most lines a legend label can be split over.
pub(crate) const MAX_LEGEND_LINES: usize = 3;

/// The role of one input line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Class {
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
pub(crate) struct FootnoteLine {
    /// The marker as written.
    pub(crate) marker: String,
    /// Its number, when it is a usable one.
    pub(crate) number: Option<u32>,
    /// The text after the marker, trimmed.
    pub(crate) text: String,
}

/// Where the title block is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum TitleState {
    /// Nothing but blank lines seen yet.
    Open,
    /// Inside a `**…**` block that started on the given line.
    Bold(usize),
    /// Inside a title without bold markers.
    Plain,
    /// The title is over.
    Done,
}

pub(crate) fn classify(
    lines: &[String],
    legend: &Legend,
    anomalies: &mut Vec<Anomaly>,
) -> Vec<Class> {
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
pub(crate) fn structural_class(
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

/// The non-empty cells of a line, trimmed.
pub(crate) fn filled_cells(line: &str) -> Vec<&str> {
    line.split('\t')
        .map(str::trim)
        .filter(|c| !c.is_empty())
        .collect()
}

/// How many lines, from line `i`, form one legend label: the longest join
/// of up to [`MAX_LEGEND_LINES`] single-cell lines that resolves.
pub(crate) fn legend_span(lines: &[String], i: usize, legend: &Legend) -> Option<usize> {
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
