//! Pass 2 and 3: rows, footnote definitions and continuation lines are
//! collected per page block, then each row's cells are put in their places
//! (`cells`), its markers resolved to citations
//! (`footnotes`) and the [`AnnexDoc`] built.

use std::collections::{BTreeMap, BTreeSet};

use super::cells::{Cell, align, tidy};
use super::footnotes::{footnote_citation, resolve, take_markers};
use super::layouts::{motion_submitters, responsible_cell};
use super::lines::{Class, FootnoteLine};
use super::{AnnexDoc, AnnexRow, Anomaly, anomaly, excerpt};
use crate::domain::{ItemKind, Legend};

/// A row as found, before its cells are understood.
#[derive(Debug)]
pub(crate) struct RowRecord {
    pub(crate) line: usize,
    /// Page block: how many header lines came before it.
    pub(crate) block: usize,
    pub(crate) kind: ItemKind,
    pub(crate) cells: Vec<String>,
}

/// A footnote definition.
#[derive(Debug)]
pub(crate) struct Definition {
    pub(crate) line: usize,
    pub(crate) block: usize,
    pub(crate) raw: String,
}

/// What pass 2 found.
#[derive(Debug, Default)]
pub(crate) struct Collected {
    pub(crate) title_lines: Vec<String>,
    pub(crate) rows: Vec<RowRecord>,
    pub(crate) definitions: BTreeMap<u32, Definition>,
    /// Footnote numbers defined per page block (including duplicates).
    pub(crate) defined_in_block: BTreeMap<usize, BTreeSet<u32>>,
}

/// What the previous line was, for continuation lines.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Previous {
    Row(usize),
    /// A row whose last cell a continuation line already extended: it is
    /// running text, so the next line continues it without checking the
    /// whole grown cell again (which made long cells quadratic).
    Continued(usize),
    Footnote(u32),
    Other,
}

pub(crate) fn collect(
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

pub(crate) fn define(
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
pub(crate) fn continuation(
    c: &mut Collected,
    previous: Previous,
    line: &str,
    no: usize,
    legend: &Legend,
    anomalies: &mut Vec<Anomaly>,
) -> Previous {
    let text = line.trim();
    match previous {
        Previous::Row(r) | Previous::Continued(r) => {
            if let Some(row) = c.rows.get_mut(r)
                && let Some(last) = row.cells.last_mut()
                && (matches!(previous, Previous::Continued(_))
                    || (!last.trim().is_empty()
                        && responsible_cell(last.trim()).is_none()
                        && legend.resolve(last).is_err()))
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
                return Previous::Continued(r);
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

pub(crate) fn build(c: Collected, legend: &Legend, anomalies: &mut Vec<Anomaly>) -> AnnexDoc {
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
