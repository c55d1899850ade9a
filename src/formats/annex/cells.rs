//! Aligning a row's cells by content, not position: the responsible cell
//! anchors the row, a legend label is the status, the text before the
//! anchor is the item text and the text after it the progress. Also the
//! tidying of cell text (`<p>` paragraphs, runs of white space).

use std::collections::BTreeSet;

use super::layouts::{MAX_LABEL_WORDS, is_label_like, responsible_cell};
use super::{Anomaly, anomaly, excerpt};
use crate::domain::{Legend, Responsible};

/// Longest cell taken for a mangled responsible cell, in characters.
pub(crate) const MAX_SHORT_CHARS: usize = 40;

/// A non-empty cell with its markers taken out.
#[derive(Debug)]
pub(crate) struct Cell {
    /// Position in the line (0 = before the first tab).
    pub(crate) idx: usize,
    pub(crate) text: String,
    pub(crate) markers: Vec<u32>,
}

/// A row's cells put in their places.
#[derive(Debug, Default)]
pub(crate) struct Aligned {
    pub(crate) text: String,
    pub(crate) text_markers: Vec<u32>,
    pub(crate) status: Option<String>,
    pub(crate) responsible: Option<Responsible>,
    pub(crate) progress: Option<String>,
    pub(crate) progress_markers: Vec<u32>,
}

/// Puts a row's cells in their places (see the module documentation).
pub(crate) fn align(
    cells: Vec<Cell>,
    legend: &Legend,
    line: usize,
    anomalies: &mut Vec<Anomaly>,
) -> Aligned {
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
pub(crate) fn no_responsible_split(
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

pub(crate) fn unknown_label(line: usize, text: &str) -> Anomaly {
    anomaly(line, format!("unknown legend label '{}'", excerpt(text)))
}

/// `<p>` paragraphs become blank-line separated paragraphs; runs of spaces,
/// tabs and line breaks inside a paragraph become one space; trimmed.
pub(crate) fn tidy(s: &str) -> String {
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

pub(crate) fn collapse_spaces(s: &str) -> String {
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
pub(crate) fn find_p_tag(s: &str) -> Option<(usize, usize)> {
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
                    // A tag closes within 200 bytes: look no further, so
                    // that a cell of many unclosed `<p ` stays linear.
                    let window = bytes.get(j..bytes.len().min(j + 201)).unwrap_or_default();
                    if let Some(close) = window.iter().position(|&b| b == b'>')
                        && window.get(..close).is_some_and(|w| !w.contains(&b'<'))
                    {
                        return Some((start, j + close + 1));
                    }
                }
                _ => {}
            }
        }
        from = start + 1;
    }
    None
}
