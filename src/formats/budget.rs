//! A budget's annex of motions and commitments (bijlage "moties en
//! toezeggingen" of a ministry's begroting): a table with the columns
//! Omschrijving / Vindplaats / Stand van zaken and no responsible column
//! (the chapter's minister is responsible for all of it; the import takes
//! it from `--responsible`).
//!
//! The status is given by the section heading a row stands under
//! ("Overzicht van in behandeling zijnde moties", "Afgedane toezeggingen")
//! or by the first word of the progress text ("Afgedaan. De regeling …");
//! the legend of these annexes is `docs/legend-rijksbegroting.json`. The
//! heading also gives the kind, else the text does ("Motie van het lid …").
//!
//! Two copies of the table read: tab-separated (from a Word or PDF table),
//! and one cell per line, as a table copied out of a web page comes. In
//! the second, each row is found by its Vindplaats, a citation in the bare
//! dossier form (`36 410 VII, nr. 5`), as `Kamerstuk 30 123, nr. 42` or as
//! `Handelingen II 2021/22, nr. 34, item 9`: what comes before it is the
//! item text, what comes after it, up to the next item's text, the
//! progress. Pure and panic-free.

use super::annex::layouts::{Column, column_role, motion_submitters};
use super::{Anomaly, ImportRow};
use crate::domain::text::shorten;
use crate::domain::{ItemKind, KamerstukRef, Legend};

/// Words of a heading or of a progress text's first phrase, and the
/// status slug of `docs/legend-rijksbegroting.json` they mean. Checked in
/// order: "deels afgedaan" before "afgedaan".
const STATUS_WORDS: &[(&str, &str)] = &[
    ("deels afgedaan", "deels-afgedaan"),
    ("gedeeltelijk afgedaan", "deels-afgedaan"),
    ("nog niet afgedaan", "in-behandeling"),
    ("nog niet afgedane", "in-behandeling"),
    ("in behandeling", "in-behandeling"),
    ("lopende", "in-behandeling"),
    ("openstaande", "in-behandeling"),
    ("nog niet gestart", "niet-gestart"),
    ("niet gestart", "niet-gestart"),
    ("afgedaan", "afgedaan"),
    ("afgedane", "afgedaan"),
    ("afgerond", "afgedaan"),
    ("afgeronde", "afgedaan"),
];

/// Longest line taken for a section heading, in characters.
const MAX_HEADING_CHARS: usize = 120;
/// Most words of a progress text's first phrase taken for a status.
const MAX_STATUS_WORDS: usize = 4;

/// True when the text has the budget annex's header: Omschrijving and
/// Vindplaats (and Stand van zaken) on one tab-separated line or on
/// consecutive lines.
pub fn looks_like_budget(text: &str) -> bool {
    let lines: Vec<&str> = text.lines().take(5000).collect();
    lines
        .iter()
        .enumerate()
        .any(|(i, _)| header_at(&lines, i).is_some())
}

/// Words a header cell of this table is: Omschrijving, Vindplaats, Stand
/// van zaken, and the few others such tables carry.
const HEADER_WORDS: &[&str] = &[
    "omschrijving",
    "vindplaats",
    "stand van zaken",
    "motie",
    "moties",
    "toezegging",
    "toezeggingen",
    "motie/toezegging",
    "onderwerp",
    "nr",
    "nr.",
    "nummer",
    "status",
];

fn is_header_word(s: &str) -> bool {
    let t = s.trim().trim_end_matches(':').trim().to_lowercase();
    HEADER_WORDS.contains(&t.as_str())
}

/// The header at line `i`: the column roles and how many lines it takes.
/// Every cell must be a header word, and among them Omschrijving (or the
/// first column) and Vindplaats.
fn header_at(lines: &[&str], i: usize) -> Option<(Vec<Column>, usize)> {
    let line = lines.get(i)?;
    let roles = |cells: &[&str]| -> Vec<Column> {
        cells
            .iter()
            .enumerate()
            .map(|(k, c)| column_role(c, k == 0))
            .collect()
    };
    let is_budget = |r: &[Column]| {
        r.contains(&Column::Citation)
            && r.contains(&Column::Text)
            && !r.contains(&Column::Responsible)
    };
    if line.contains('\t') {
        let cells: Vec<&str> = line.split('\t').map(str::trim).collect();
        let first = cells.iter().position(|c| !c.is_empty()).unwrap_or(0);
        if !cells
            .iter()
            .filter(|c| !c.is_empty())
            .all(|c| is_header_word(c))
        {
            return None;
        }
        let r = roles(cells.get(first..).unwrap_or_default());
        return is_budget(&r).then(|| {
            let mut all = vec![Column::Other; first];
            all.extend(r);
            (all, 1)
        });
    }
    // One cell per line: header words on consecutive lines.
    let mut cells = Vec::new();
    for k in 0..HEADER_WORDS.len() {
        let Some(l) = lines.get(i + k) else { break };
        if !is_header_word(l) {
            break;
        }
        cells.push(l.trim());
    }
    let r = roles(&cells);
    (cells.len() >= 2 && is_budget(&r)).then_some((r, cells.len()))
}

/// A section heading: a line without tabs naming motions or commitments
/// and perhaps their status. The kind and the status slug it gives.
fn heading(line: &str) -> Option<(Option<ItemKind>, Option<&'static str>)> {
    let t = line.trim().to_lowercase();
    if t.is_empty() || line.contains('\t') || t.chars().count() > MAX_HEADING_CHARS {
        return None;
    }
    let kind = if t.contains("moties") || t.ends_with("motie") {
        Some(ItemKind::Motie)
    } else if t.contains("toezeggingen") || t.ends_with("toezegging") {
        Some(ItemKind::Toezegging)
    } else {
        None
    };
    let status = STATUS_WORDS
        .iter()
        .find(|(w, _)| t.contains(w))
        .map(|(_, s)| *s);
    // A heading names the kind; "Afgerond" alone also heads a section.
    let short = t.split_whitespace().count() <= 3;
    (kind.is_some() && !t.ends_with('.') || (short && status.is_some() && !t.ends_with('.')))
        .then_some((kind, status))
}

/// The status a progress text opens with ("Afgedaan. …", "In behandeling:
/// …"), as a slug of the budget legend or a label of `legend`.
fn first_word_status<'a>(progress: &str, legend: &'a Legend) -> Option<String> {
    let head: String = progress
        .chars()
        .take_while(|c| !matches!(c, '.' | ':' | ';' | ',' | '\n' | '('))
        .collect();
    let head = head.trim();
    if head.is_empty() || head.split_whitespace().count() > MAX_STATUS_WORDS {
        return None;
    }
    let lower = head.to_lowercase();
    if let Some((_, slug)) = STATUS_WORDS.iter().find(|(w, _)| lower == *w) {
        return Some((*slug).to_string());
    }
    let found: Option<&'a crate::domain::LegendEntry> = legend.resolve(head).ok();
    found.map(|e| e.slug.clone())
}

/// The slug for a status word, when the ledger's legend has it.
fn in_legend(slug: &str, legend: &Legend) -> bool {
    legend.get(slug).is_some()
}

/// A row as found: its line, kind, status from the heading, cells.
struct Found {
    line: usize,
    kind: Option<ItemKind>,
    heading_status: Option<&'static str>,
    text: String,
    citation: String,
    progress: String,
}

/// Reads a budget annex into rows. Never fails.
pub fn read(text: &str, legend: &Legend) -> (Vec<ImportRow>, Vec<Anomaly>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut anomalies = Vec::new();
    let mut found: Vec<Found> = Vec::new();
    let mut kind: Option<ItemKind> = None;
    let mut status: Option<&'static str> = None;
    let mut columns: Option<Vec<Column>> = None;
    let mut one_per_line = false;
    // One cell per line: the lines since the last citation.
    let mut pending: Vec<(usize, String)> = Vec::new();
    let mut i = 0;
    while let Some(raw) = lines.get(i) {
        let no = i + 1;
        let line = raw.trim_start_matches('\u{feff}');
        if let Some((cols, span)) = header_at(&lines, i) {
            flush_pending(&mut found, &mut pending, &mut anomalies);
            one_per_line = span > 1 || !line.contains('\t');
            columns = Some(cols);
            i += span;
            continue;
        }
        i += 1;
        if line.trim().is_empty() {
            continue;
        }
        if let Some((k, s)) = heading(line)
            && (!one_per_line || KamerstukRef::parse(line).parsed.is_none())
            && !line.trim_start().to_lowercase().starts_with("motie van")
        {
            flush_pending(&mut found, &mut pending, &mut anomalies);
            if k.is_some() {
                kind = k;
            }
            status = s;
            continue;
        }
        let Some(cols) = &columns else {
            continue;
        };
        if one_per_line {
            if is_vindplaats(line) {
                // Lines before: the last one (or the last opening a motion
                // or commitment) is this row's text; the ones before it
                // continue the previous row's progress.
                let at = pending
                    .iter()
                    .rposition(|(_, l)| opens_item(l))
                    .unwrap_or(pending.len().saturating_sub(1));
                let text_lines = pending.split_off(at.min(pending.len()));
                if let Some(prev) = found.last_mut() {
                    for (_, l) in pending.drain(..) {
                        push_para(&mut prev.progress, &l);
                    }
                } else if !pending.is_empty() {
                    for (l, t) in pending.drain(..) {
                        anomalies.push(Anomaly {
                            line: l,
                            message: format!(
                                "line before the first row, not read: '{}'",
                                shorten(&t, 60)
                            ),
                        });
                    }
                }
                let first = text_lines.first().map_or(no, |(l, _)| *l);
                if text_lines.is_empty() {
                    anomalies.push(Anomaly {
                        line: no,
                        message: "row without item text".to_string(),
                    });
                }
                found.push(Found {
                    line: first,
                    kind,
                    heading_status: status,
                    text: text_lines
                        .iter()
                        .map(|(_, t)| t.trim())
                        .collect::<Vec<_>>()
                        .join(" "),
                    citation: line.trim().to_string(),
                    progress: String::new(),
                });
            } else {
                pending.push((no, line.trim().to_string()));
            }
            continue;
        }
        // Tab-separated: cells by the header's columns.
        let cells: Vec<&str> = line.split('\t').collect();
        if cells.len() < 2 {
            // A line without tabs right after a row continues its progress.
            if let Some(prev) = found
                .last_mut()
                .filter(|f| f.line + 1 == no || !f.progress.is_empty())
            {
                push_para(&mut prev.progress, line.trim());
            } else {
                anomalies.push(Anomaly {
                    line: no,
                    message: format!("line not understood: '{}'", shorten(line.trim(), 60)),
                });
            }
            continue;
        }
        let mut f = Found {
            line: no,
            kind,
            heading_status: status,
            text: String::new(),
            citation: String::new(),
            progress: String::new(),
        };
        for (k, cell) in cells.iter().enumerate() {
            let c = cell.trim();
            if c.is_empty() {
                continue;
            }
            match cols.get(k).copied().unwrap_or(Column::Other) {
                Column::Text => push_word(&mut f.text, c),
                Column::Citation => push_word(&mut f.citation, c),
                Column::Progress | Column::Status => push_para(&mut f.progress, c),
                Column::Responsible | Column::Other => anomalies.push(Anomaly {
                    line: no,
                    message: format!("cell outside the columns Omschrijving / Vindplaats / Stand van zaken, not read: '{}'", shorten(c, 60)),
                }),
            }
        }
        found.push(f);
    }
    flush_pending(&mut found, &mut pending, &mut anomalies);
    let rows = found
        .into_iter()
        .map(|f| row(f, legend, &mut anomalies))
        .collect();
    (rows, anomalies)
}

/// Lines left after the last row of a one-per-line table: its progress.
fn flush_pending(
    found: &mut [Found],
    pending: &mut Vec<(usize, String)>,
    anomalies: &mut Vec<Anomaly>,
) {
    if pending.is_empty() {
        return;
    }
    match found.last_mut() {
        Some(prev) => {
            for (_, l) in pending.drain(..) {
                push_para(&mut prev.progress, &l);
            }
        }
        None => {
            for (l, t) in pending.drain(..) {
                anomalies.push(Anomaly {
                    line: l,
                    message: format!("line before the first row, not read: '{}'", shorten(&t, 60)),
                });
            }
        }
    }
}

fn push_word(s: &mut String, t: &str) {
    if !s.is_empty() {
        s.push(' ');
    }
    s.push_str(t);
}

fn push_para(s: &mut String, t: &str) {
    if !s.is_empty() {
        s.push_str("\n\n");
    }
    s.push_str(t);
}

/// A line that is a Vindplaats: a whole citation.
fn is_vindplaats(line: &str) -> bool {
    let t = line.trim();
    t.chars().count() <= 120 && KamerstukRef::parse(t).parsed.is_some()
}

/// A line that opens an item's text.
fn opens_item(line: &str) -> bool {
    let l = line.trim_start().to_lowercase();
    [
        "motie ",
        "toezegging ",
        "de minister",
        "de staatssecretaris",
        "het kabinet",
        "de regering",
    ]
    .iter()
    .any(|w| l.starts_with(w))
}

fn row(f: Found, legend: &Legend, anomalies: &mut Vec<Anomaly>) -> ImportRow {
    let text = f.text.trim().to_string();
    // A motion's text says it is one, whatever the heading above it says.
    let says_motion = text.to_lowercase().starts_with("motie ");
    let kind = match f.kind {
        Some(ItemKind::Toezegging) if says_motion => {
            anomalies.push(Anomaly {
                line: f.line,
                message: "a motion ('Motie …') under a heading of commitments; read as a motion"
                    .to_string(),
            });
            ItemKind::Motie
        }
        Some(k) => k,
        None if says_motion => ItemKind::Motie,
        None => ItemKind::Toezegging,
    };
    let mut row = ImportRow::new(f.line, kind);
    if kind == ItemKind::Motie {
        // "Motie van het lid X over …": the names end where the subject
        // starts.
        let head = text
            .split_once(" over ")
            .map_or(text.clone(), |(h, _)| format!("{h};"));
        row.submitters = motion_submitters(&text)
            .or_else(|| motion_submitters(&head))
            .unwrap_or_default();
    }
    if text.is_empty()
        && !anomalies
            .iter()
            .any(|a| a.line == f.line && a.message == "row without item text")
    {
        anomalies.push(Anomaly {
            line: f.line,
            message: "row without item text".to_string(),
        });
    }
    row.text = text;
    let citation = f.citation.trim().to_string();
    if citation.is_empty() {
        anomalies.push(Anomaly {
            line: f.line,
            message: "row without a Vindplaats".to_string(),
        });
    } else {
        row.citations.push(citation.clone());
        row.made_in = Some(citation);
    }
    let progress = f.progress.trim().to_string();
    let own = first_word_status(&progress, legend);
    row.progress = (!progress.is_empty()).then_some(progress);
    let from_heading = f.heading_status.map(str::to_string);
    let status = match (own, from_heading) {
        (Some(a), Some(b)) if a != b => {
            anomalies.push(Anomaly {
                line: f.line,
                message: format!("the progress text says '{a}', the section heading '{b}'; the row's own word is taken"),
            });
            Some(a)
        }
        (a, b) => a.or(b),
    };
    row.status = match status {
        Some(s) if in_legend(&s, legend) => Some(s),
        Some(s) => {
            anomalies.push(Anomaly {
                line: f.line,
                message: format!(
                    "status '{s}' is not in the ledger's legend; a budget annex's statuses need a ledger made with `init --legend docs/legend-rijksbegroting.json`"
                ),
            });
            None
        }
        None => None,
    };
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    fn budget_legend() -> Legend {
        Legend::from_json(
            "docs/legend-rijksbegroting.json",
            include_str!("../../docs/legend-rijksbegroting.json"),
        )
        .unwrap()
    }

    #[test]
    fn headings_and_first_words() {
        assert_eq!(
            heading("Overzicht van in behandeling zijnde moties"),
            Some((Some(ItemKind::Motie), Some("in-behandeling")))
        );
        assert_eq!(
            heading("Afgedane toezeggingen"),
            Some((Some(ItemKind::Toezegging), Some("afgedaan")))
        );
        assert_eq!(heading("Afgerond"), Some((None, Some("afgedaan"))));
        assert_eq!(heading("De motie is afgedaan."), None);
        let legend = budget_legend();
        assert_eq!(
            first_word_status("Afgedaan. De regeling is er.", &legend).as_deref(),
            Some("afgedaan")
        );
        assert_eq!(
            first_word_status("Deels afgedaan: zie brief", &legend).as_deref(),
            Some("deels-afgedaan")
        );
        assert_eq!(first_word_status("De regeling is er.", &legend), None);
    }

    #[test]
    fn both_copies_read_the_same() {
        let tabs = "Moties\nOmschrijving\tVindplaats\tStand van zaken\nMotie van het lid A over iets\t36 410 VII, nr. 5\tLoopt.\nMotie van het lid B over meer\tKamerstuk 30 123, nr. 42\tAfgedaan. Klaar.\n";
        let lines = "Moties\nOmschrijving\nVindplaats\nStand van zaken\nMotie van het lid A over iets\n36 410 VII, nr. 5\nLoopt.\nMotie van het lid B over meer\nKamerstuk 30 123, nr. 42\nAfgedaan. Klaar.\n";
        let legend = budget_legend();
        for text in [tabs, lines] {
            assert!(looks_like_budget(text));
            let (rows, anomalies) = read(text, &legend);
            assert!(anomalies.is_empty(), "{anomalies:?}");
            let got: Vec<(&str, Option<&str>, Option<&str>)> = rows
                .iter()
                .map(|r| (r.text.as_str(), r.status.as_deref(), r.made_in.as_deref()))
                .collect();
            assert_eq!(
                got,
                [
                    (
                        "Motie van het lid A over iets",
                        None,
                        Some("36 410 VII, nr. 5")
                    ),
                    (
                        "Motie van het lid B over meer",
                        Some("afgedaan"),
                        Some("Kamerstuk 30 123, nr. 42")
                    ),
                ]
            );
        }
        assert!(!looks_like_budget(
            "Status\tVerantwoordelijk\tStand van zaken\n"
        ));
    }
}
