//! The annex layout, out: the document a progress letter carries (title, a
//! sentence saying which state it shows, a concept mark unless it is a
//! sealed round, the legend of the statuses it uses, the Moties and
//! Toezeggingen tables with status, responsible and "stand van zaken",
//! numbered footnotes, and the round's digest as the value to check), as
//! Markdown and as a self-contained HTML page. [`super::office`] writes the
//! same [`Annex`] as Word and Excel files.
//!
//! Items stand in the document's own order (the view's: kept from an
//! import, or set by hand), without their keys unless asked. A footnote
//! marker stands right after the text it belongs to: a stored text may
//! carry superscript markers (`…informeren.¹`) that number its own
//! citations from 1, and each becomes the annex's footnote at that place;
//! citations a text does not mark follow its last sentence. Every footnote
//! is numbered once, in order of appearance.

use super::footnotes::{ends_with_unit, superscript_digit};
use super::marks::is_separator;
use crate::domain::ItemKind;
use crate::projection::{ItemView, View};
pub use crate::report::letter::Lang;
use crate::report::letter::{self, Heading, esc, md_escape, superscript};
use std::fmt::Write as _;

/// How to write the annex.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AnnexOptions {
    /// The language of our words.
    pub lang: Lang,
    /// Show each item's key before its text.
    pub keys: bool,
}

impl From<Lang> for AnnexOptions {
    fn from(lang: Lang) -> AnnexOptions {
        AnnexOptions { lang, keys: false }
    }
}

/// The words of the annex in one language.
pub(crate) struct Words {
    pub(crate) heading: &'static str,
    pub(crate) legend: &'static str,
    pub(crate) status: &'static str,
    pub(crate) responsible: &'static str,
    pub(crate) progress: &'static str,
    pub(crate) footnotes: &'static str,
    pub(crate) chart: &'static str,
    pub(crate) no_text: &'static str,
    pub(crate) no_rounds: &'static str,
    pub(crate) items: &'static str,
    pub(crate) none: &'static str,
    pub(crate) auditors: &'static str,
    pub(crate) key: &'static str,
    pub(crate) section: &'static str,
    pub(crate) sheet: &'static str,
}

const NL: Words = Words {
    heading: "Stand van zaken moties en toezeggingen",
    legend: "Legenda",
    status: "Status",
    responsible: "Verantwoordelijk",
    progress: "Stand van zaken",
    footnotes: "Voetnoten",
    chart: "Aantal moties en toezeggingen per status, per verzegelde ronde",
    no_text: "(tekst ontbreekt)",
    no_rounds: "Nog geen verzegelde rondes.",
    items: "totaal",
    none: "Geen.",
    auditors: "Controle",
    key: "Kenmerk",
    section: "Onderdeel",
    sheet: "Stand van zaken",
};

const EN: Words = Words {
    heading: "Status of motions and commitments",
    legend: "Legend",
    status: "Status",
    responsible: "Responsible",
    progress: "Progress",
    footnotes: "Footnotes",
    chart: "Motions and commitments per status, at each sealed round",
    no_text: "(text missing)",
    no_rounds: "No sealed rounds yet.",
    items: "total",
    none: "None.",
    auditors: "Checking",
    key: "Key",
    section: "Section",
    sheet: "Status",
};

pub(crate) fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

/// The column heading of an item of `kind`: `Motie`, `Toezegging`.
pub(crate) fn column(kind: ItemKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (ItemKind::Motie, Lang::Nl) => "Motie",
        (ItemKind::Toezegging, Lang::Nl) => "Toezegging",
        (ItemKind::Motie, Lang::En) => "Motion",
        (ItemKind::Toezegging, Lang::En) => "Commitment",
    }
}

/// A piece of a paragraph: text, or a footnote reference (its number).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Seg {
    /// Text.
    Text(String),
    /// The footnote with this number (from 1).
    Note(usize),
}

/// A paragraph: text and footnote references in order.
pub type Para = Vec<Seg>;

/// One row of the annex.
#[derive(Debug)]
pub struct Row<'a> {
    /// The item.
    pub item: &'a ItemView,
    /// Its status's label.
    pub status: String,
    /// Its status's colour, `#rrggbb`.
    pub colour: String,
    /// The item text, with its footnotes placed.
    pub text: Vec<Para>,
    /// The progress text, with its footnotes placed.
    pub progress: Vec<Para>,
}

/// One section of the annex (Moties or Toezeggingen).
#[derive(Debug)]
pub struct Section<'a> {
    /// Motions or commitments.
    pub kind: ItemKind,
    /// Its heading.
    pub heading: &'static str,
    /// The heading of its first column.
    pub column: &'static str,
    /// Its rows, in the document's order.
    pub rows: Vec<Row<'a>>,
}

/// The annex of a view, ready to be written in any format.
#[derive(Debug)]
pub struct Annex<'a> {
    /// How it is written.
    pub options: AnnexOptions,
    /// "Stand van zaken moties en toezeggingen — NAP".
    pub title: String,
    /// The programme's title.
    pub subtitle: String,
    /// Which state it shows, the concept mark, the value to check.
    pub heading: Heading,
    /// The statuses the items use, in legend order: label and colour.
    pub legend: Vec<(String, String)>,
    /// The sections.
    pub sections: Vec<Section<'a>>,
    /// The footnotes' texts; footnote `n` is `footnotes[n - 1]`.
    pub footnotes: Vec<String>,
}

impl Annex<'_> {
    /// The words of its language.
    pub(crate) fn words(&self) -> &'static Words {
        words(self.options.lang)
    }
}

/// Places the footnotes of `text` (whose citations are `citations`): a
/// superscript number `k` in the text that names one of its citations
/// becomes that citation's footnote at that place (markers side by side
/// are parted by a comma, `¹,²`: see [`super::marks`]); citations not
/// placed follow the last paragraph. Each gets the next number of
/// `footnotes`.
pub fn annotate(text: &str, citations: &[String], footnotes: &mut Vec<String>) -> Vec<Para> {
    let mut placed = vec![false; citations.len()];
    let mut paras: Vec<Para> = Vec::new();
    for raw in text.split("\n\n") {
        let raw = raw.trim();
        if raw.is_empty() {
            continue;
        }
        let mut para: Para = Vec::new();
        let mut buf = String::new();
        let chars: Vec<char> = raw.chars().collect();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            // `¹,²`: the comma parts two markers.
            if is_separator(
                i.checked_sub(1).and_then(|b| chars.get(b)).copied(),
                c,
                chars.get(i + 1).copied(),
            ) {
                i += 1;
                continue;
            }
            if superscript_digit(c).is_none() {
                buf.push(if c == '\n' { ' ' } else { c });
                i += 1;
                continue;
            }
            let start = i;
            while chars
                .get(i)
                .is_some_and(|&d| superscript_digit(d).is_some())
            {
                i += 1;
            }
            let run: String = chars.get(start..i).unwrap_or_default().iter().collect();
            let unit = run.chars().count() == 1 && matches!(c, '²' | '³') && ends_with_unit(&buf);
            let k = run
                .chars()
                .filter_map(superscript_digit)
                .try_fold(0usize, |n, d| n.checked_mul(10)?.checked_add(d as usize));
            match k {
                Some(k) if !unit && k >= 1 && placed.get(k - 1) == Some(&false) => {
                    if let Some(p) = placed.get_mut(k - 1) {
                        *p = true;
                    }
                    let kept = buf.trim_end().len();
                    buf.truncate(kept);
                    if !buf.is_empty() {
                        para.push(Seg::Text(std::mem::take(&mut buf)));
                    }
                    footnotes.push(citations.get(k - 1).cloned().unwrap_or_default());
                    para.push(Seg::Note(footnotes.len()));
                }
                _ => buf.push_str(&run),
            }
        }
        if !buf.is_empty() {
            para.push(Seg::Text(buf));
        }
        paras.push(para);
    }
    let rest: Vec<&String> = citations
        .iter()
        .zip(&placed)
        .filter(|(_, p)| !**p)
        .map(|(c, _)| c)
        .collect();
    if !rest.is_empty() {
        if paras.is_empty() {
            paras.push(Vec::new());
        }
        if let Some(last) = paras.last_mut() {
            for c in rest {
                footnotes.push(c.clone());
                last.push(Seg::Note(footnotes.len()));
            }
        }
    }
    paras
}

/// The annex of `view`.
pub fn build(view: &View, options: AnnexOptions) -> Annex<'_> {
    let lang = options.lang;
    let w = words(lang);
    let legend = view.legend();
    let mut footnotes = Vec::new();
    let mut sections = Vec::new();
    for kind in [ItemKind::Motie, ItemKind::Toezegging] {
        let mut rows = Vec::new();
        for item in view.existing().filter(|i| i.kind == kind) {
            let text = annotate(&item.text, &item.citations, &mut footnotes);
            let progress = item.note.as_ref().map_or_else(Vec::new, |n| {
                annotate(&n.text, &n.citations, &mut footnotes)
            });
            rows.push(Row {
                item,
                status: letter::status(legend, &item.status, lang).into_owned(),
                colour: letter::colour(legend, &item.status),
                text,
                progress,
            });
        }
        sections.push(Section {
            kind,
            heading: letter::changes::section(kind, lang),
            column: column(kind, lang),
            rows,
        });
    }
    // The legend lists the statuses the annex uses, in legend order;
    // statuses the legend lacks come after.
    let counts = view.status_counts();
    let used = counts
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|(slug, _)| {
            (
                letter::status(legend, slug, lang).into_owned(),
                letter::colour(legend, slug),
            )
        })
        .collect();
    Annex {
        options,
        title: format!("{} — {}", w.heading, view.programme.name),
        subtitle: view.programme.title.clone(),
        heading: letter::heading(view, lang),
        legend: used,
        sections,
        footnotes,
    }
}

/// Footnote markers of a run of consecutive references: `¹,²`.
fn md_marks(notes: &[usize]) -> String {
    notes
        .iter()
        .map(|n| superscript(*n))
        .collect::<Vec<_>>()
        .join(",")
}

/// A paragraph in Markdown: text escaped, markers as superscript digits
/// right after the text they follow (after a comma when that text ends in
/// a superscript digit itself, a power as in `m²`).
fn md_para(p: &Para) -> String {
    let mut out = String::new();
    let mut notes: Vec<usize> = Vec::new();
    for s in p {
        match s {
            Seg::Note(n) => notes.push(*n),
            Seg::Text(t) => {
                if !notes.is_empty() {
                    if out
                        .chars()
                        .next_back()
                        .and_then(superscript_digit)
                        .is_some()
                    {
                        out.push(',');
                    }
                    out.push_str(&md_marks(&notes));
                    notes.clear();
                    if !t.starts_with(char::is_whitespace) {
                        out.push(' ');
                    }
                }
                out.push_str(&md_escape(t));
            }
        }
    }
    if !notes.is_empty()
        && out
            .chars()
            .next_back()
            .and_then(superscript_digit)
            .is_some()
    {
        out.push(',');
    }
    out.push_str(&md_marks(&notes));
    out
}

/// The annex as Markdown. Each table row holds one paragraph: a text of
/// several paragraphs continues on the rows below, with the other cells
/// empty, so the table pastes into Word as a table (a cell holds no
/// `<br>`).
pub fn markdown(view: &View, options: impl Into<AnnexOptions>) -> String {
    let mut bytes = Vec::new();
    // Writing into memory does not fail.
    let _ = markdown_to(view, options, &mut bytes);
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`markdown`], written to `to` a row at a time (on a large ledger the
/// whole text weighs tens of megabytes).
pub fn markdown_to(
    view: &View,
    options: impl Into<AnnexOptions>,
    to: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let annex = build(view, options.into());
    let w = annex.words();
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md_escape(&annex.title));
    if !annex.subtitle.is_empty() {
        let _ = writeln!(out, "{}\n", md_escape(&annex.subtitle));
    }
    if let Some(c) = &annex.heading.concept {
        let _ = writeln!(out, "**{}**\n", md_escape(c));
    }
    let _ = writeln!(out, "{}\n", md_escape(&annex.heading.sentence));
    let _ = writeln!(out, "## {}\n", w.legend);
    if annex.legend.is_empty() {
        let _ = writeln!(out, "{}", w.none);
    }
    for (label, _) in &annex.legend {
        let _ = writeln!(out, "- {}", md_escape(label));
    }
    for s in &annex.sections {
        let _ = writeln!(out, "\n## {}\n", s.heading);
        if s.rows.is_empty() {
            let _ = writeln!(out, "{}", w.none);
            continue;
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |\n|---|---|---|---|",
            s.column, w.status, w.responsible, w.progress
        );
        for r in &s.rows {
            let mut text: Vec<String> = r.text.iter().map(md_para).collect();
            if text.is_empty() || r.item.text.trim().is_empty() {
                let marks = text.first().cloned().unwrap_or_default();
                text = vec![format!("{}{}", w.no_text, marks)];
            }
            if annex.options.keys
                && let Some(first) = text.first_mut()
            {
                *first = format!("**{}** {first}", md_escape(r.item.key.as_str()));
            }
            let progress: Vec<String> = r.progress.iter().map(md_para).collect();
            let lines = text.len().max(progress.len()).max(1);
            for i in 0..lines {
                let (status, resp) = if i == 0 {
                    (
                        md_escape(&r.status),
                        md_escape(&r.item.responsible.to_string()),
                    )
                } else {
                    (String::new(), String::new())
                };
                let _ = writeln!(
                    out,
                    "| {} | {status} | {resp} | {} |",
                    text.get(i).map_or("", String::as_str),
                    progress.get(i).map_or("", String::as_str)
                );
            }
            to.write_all(out.as_bytes())?;
            out.clear();
        }
    }
    if !annex.footnotes.is_empty() {
        let _ = writeln!(out, "\n## {}\n", w.footnotes);
        for (n, c) in annex.footnotes.iter().enumerate() {
            let _ = writeln!(out, "{} {}  ", superscript(n + 1), md_escape(c));
        }
    }
    let _ = writeln!(out, "\n---\n");
    md_footer(&annex, &mut out);
    to.write_all(out.as_bytes())
}

fn md_footer(annex: &Annex<'_>, out: &mut String) {
    if let Some(c) = &annex.heading.check {
        let _ = writeln!(out, "**{}:** `{}`\n", md_escape(&c.label), c.digest);
        let _ = writeln!(out, "{}\n", md_escape(&c.how));
    }
    for line in &annex.heading.auditor {
        let _ = writeln!(out, "_{}_", md_escape(line));
    }
}

fn html_para(p: &Para) -> String {
    let mut out = String::new();
    let mut notes: Vec<usize> = Vec::new();
    let flush = |notes: &mut Vec<usize>, out: &mut String| {
        if !notes.is_empty() {
            let list: Vec<String> = notes.iter().map(usize::to_string).collect();
            let _ = write!(out, "<sup class=\"fn\">{}</sup>", list.join(","));
            notes.clear();
        }
    };
    for s in p {
        match s {
            Seg::Note(n) => notes.push(*n),
            Seg::Text(t) => {
                let had = !notes.is_empty();
                flush(&mut notes, &mut out);
                if had && !t.starts_with(char::is_whitespace) {
                    out.push(' ');
                }
                out.push_str(&esc(t));
            }
        }
    }
    flush(&mut notes, &mut out);
    out
}

const CSS: &str = "
body{font-family:'Segoe UI',Calibri,Arial,sans-serif;color:#1b1b1b;margin:24px;font-size:10.5pt;line-height:1.4}
h1{font-size:16pt;color:#154273;margin:0 0 4px}
h2{font-size:12pt;color:#154273;border-bottom:2px solid #154273;padding-bottom:2px;margin-top:22px}
.sub{margin:0;color:#333}.state{margin:6px 0 0;font-weight:600}
.concept{border:2px solid #c62828;color:#c62828;font-weight:700;padding:6px 10px;margin:10px 0;display:inline-block}
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px 18px;margin:8px 0}
.dot{display:inline-block;width:.85em;height:.85em;border-radius:50%;margin-right:.4em;vertical-align:-.1em;border:1px solid rgba(0,0,0,.25)}
table{width:100%;border-collapse:collapse;table-layout:fixed}
th{background:#154273;color:#fff;text-align:left;padding:5px 6px;font-weight:600}
td{border-bottom:1px solid #c8d3e0;padding:5px 6px;vertical-align:top}
td p{margin:0 0 .5em}td p:last-child{margin:0}
col.item{width:36%}col.status{width:15%}col.resp{width:14%}col.prog{width:35%}
.key{font-weight:600;color:#154273;display:block}.missing{color:#888;font-style:italic}
sup.fn{font-size:.75em;line-height:0;color:#154273}
ol.fn{font-size:9pt;padding-left:2em}
.chart text{font-size:13px;fill:#1b1b1b}.chart text.count{font-size:12px;fill:#333}
footer{margin-top:20px;font-size:9pt;color:#333;border-top:1px solid #c8d3e0;padding-top:6px}
footer .digest{font-family:Consolas,'DejaVu Sans Mono',monospace;word-break:break-all}
@page{size:A4;margin:14mm 12mm}
@media print{body{margin:0;font-size:9pt}h2{break-after:avoid}tr{break-inside:avoid}thead{display:table-header-group}
.dot,th,.concept{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
";

pub use crate::projection::view::RoundCounts;

/// The chart of the status counts per sealed round: a bar per round, its
/// segments in the legend's colours, with every count and its status
/// written under the bar in words (not only in a tooltip).
fn chart(annex: &Annex<'_>, view: &View, rounds: &RoundCounts) -> String {
    let w = annex.words();
    let lang = annex.options.lang;
    let legend = view.legend();
    if rounds.is_empty() {
        return format!("<p class=\"missing\">{}</p>", esc(w.no_rounds));
    }
    // The counts come from the index: summed and scaled without overflow,
    // so that a forged count (which `verify` reports) cannot stop a render.
    let total_of = |counts: &Vec<(String, usize)>| {
        counts
            .iter()
            .fold(0usize, |sum, (_, n)| sum.saturating_add(*n))
    };
    let max = rounds
        .iter()
        .map(|(_, c)| total_of(c))
        .max()
        .unwrap_or(0)
        .max(1);
    // Per round: its name and date on a line of their own, the bar below
    // it with the total beside it, and the counts in words below the bar,
    // a few statuses to a line so the text stays inside the picture.
    let (bar_w, bar_h, line_h, per_line) = (600usize, 22usize, 17usize, 3usize);
    let width = bar_w + 110;
    let lines = |counts: &Vec<(String, usize)>| {
        counts
            .iter()
            .filter(|(_, n)| *n > 0)
            .count()
            .div_ceil(per_line)
            .max(1)
    };
    let row_h = |counts: &Vec<(String, usize)>| 20 + bar_h + 6 + lines(counts) * line_h + 14;
    let height: usize = rounds.iter().map(|(_, c)| row_h(c)).sum::<usize>() + 4;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" xmlns=\"http://www.w3.org/2000/svg\">"
    );
    let mut y = 0usize;
    for (round, counts) in rounds {
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\">{} ({})</text>",
            y + 15,
            esc(&round.name),
            esc(&letter::day(round.reported_on, lang))
        );
        let bar_y = y + 20;
        let mut x = 0usize;
        let total = total_of(counts);
        let mut said = Vec::new();
        for (slug, n) in counts.iter().filter(|(_, n)| *n > 0) {
            // At most `bar_w`: `n` is at most `max`, so this fits a usize.
            let seg = usize::try_from(*n as u128 * bar_w as u128 / max as u128).unwrap_or(bar_w);
            let label = letter::status(legend, slug, lang);
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{bar_y}\" width=\"{seg}\" height=\"{bar_h}\" fill=\"{}\"><title>{}: {n}</title></rect>",
                letter::colour(legend, slug),
                esc(&label)
            );
            said.push(format!("{label}: {n}"));
            x = x.saturating_add(seg);
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\">{total} {}</text>",
            x + 6,
            bar_y + 16,
            w.items
        );
        let _ = write!(
            svg,
            "<text class=\"count\" x=\"0\" y=\"{}\">",
            bar_y + bar_h + 6
        );
        for chunk in said.chunks(per_line) {
            let _ = write!(
                svg,
                "<tspan x=\"0\" dy=\"{line_h}\">{}</tspan>",
                esc(&chunk.join(" · "))
            );
        }
        svg.push_str("</text>");
        y += row_h(counts);
    }
    svg.push_str("</svg>");
    svg
}

/// The annex as one self-contained HTML page (inline CSS and SVG, no
/// external assets), readable on screen and printed on A4.
pub fn html(view: &View, rounds: &RoundCounts, options: impl Into<AnnexOptions>) -> String {
    let mut bytes = Vec::new();
    // Writing into memory does not fail.
    let _ = html_to(view, rounds, options, &mut bytes);
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// [`html`], written to `to` a row at a time (on a large ledger the whole
/// page weighs tens of megabytes).
pub fn html_to(
    view: &View,
    rounds: &RoundCounts,
    options: impl Into<AnnexOptions>,
    to: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let annex = build(view, options.into());
    let w = annex.words();
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>\n",
        annex.options.lang.code(),
        esc(&annex.title)
    );
    let _ = write!(out, "<header><h1>{}</h1>", esc(&annex.title));
    if !annex.subtitle.is_empty() {
        let _ = write!(out, "<p class=\"sub\">{}</p>", esc(&annex.subtitle));
    }
    if let Some(c) = &annex.heading.concept {
        let _ = write!(out, "<p class=\"concept\">{}</p>", esc(c));
    }
    let _ = writeln!(
        out,
        "<p class=\"state\">{}</p></header>",
        esc(&annex.heading.sentence)
    );
    let _ = write!(out, "<h2>{}</h2><ul class=\"legend\">", w.legend);
    for (label, colour) in &annex.legend {
        let _ = write!(
            out,
            "<li><span class=\"dot\" style=\"background:{colour}\"></span>{}</li>",
            esc(label)
        );
    }
    out.push_str("</ul>\n");
    let _ = writeln!(out, "<h2>{}</h2>{}", w.chart, chart(&annex, view, rounds));
    for s in &annex.sections {
        let _ = writeln!(out, "<h2>{}</h2>", s.heading);
        if s.rows.is_empty() {
            let _ = writeln!(out, "<p class=\"missing\">{}</p>", w.none);
            continue;
        }
        let _ = writeln!(
            out,
            "<table><colgroup><col class=\"item\"><col class=\"status\"><col class=\"resp\"><col class=\"prog\"></colgroup><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            s.column, w.status, w.responsible, w.progress
        );
        for r in &s.rows {
            let mut text = String::new();
            if annex.options.keys {
                let _ = write!(
                    text,
                    "<span class=\"key\">{}</span>",
                    esc(r.item.key.as_str())
                );
            }
            if r.item.text.trim().is_empty() {
                let marks: String = r.text.iter().map(html_para).collect();
                let _ = write!(
                    text,
                    "<p><span class=\"missing\">{}</span>{marks}</p>",
                    esc(w.no_text)
                );
            } else {
                for p in &r.text {
                    let _ = write!(text, "<p>{}</p>", html_para(p));
                }
            }
            let progress: String = r
                .progress
                .iter()
                .map(|p| format!("<p>{}</p>", html_para(p)))
                .collect();
            let _ = writeln!(
                out,
                "<tr><td>{text}</td><td><span class=\"dot\" style=\"background:{}\"></span>{}</td><td>{}</td><td>{progress}</td></tr>",
                r.colour,
                esc(&r.status),
                esc(&r.item.responsible.to_string()),
            );
            to.write_all(out.as_bytes())?;
            out.clear();
        }
        out.push_str("</tbody></table>\n");
    }
    if !annex.footnotes.is_empty() {
        let _ = write!(out, "<h2>{}</h2><ol class=\"fn\">", w.footnotes);
        for c in &annex.footnotes {
            let _ = write!(out, "<li>{}</li>", esc(c));
        }
        out.push_str("</ol>\n");
    }
    out.push_str("<footer>");
    if let Some(c) = &annex.heading.check {
        let _ = write!(
            out,
            "<p><strong>{}:</strong> <span class=\"digest\">{}</span></p><p>{}</p>",
            esc(&c.label),
            esc(&c.digest),
            esc(&c.how)
        );
    }
    for line in &annex.heading.auditor {
        let _ = write!(out, "<p>{}</p>", esc(line));
    }
    out.push_str("</footer>\n</body></html>\n");
    to.write_all(out.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cites(n: usize) -> Vec<String> {
        (1..=n)
            .map(|i| format!("Kamerstukken II 2024/25, 39104, nr. {i}"))
            .collect()
    }

    #[test]
    fn markers_in_the_text_place_their_footnotes_there() {
        let mut notes = vec!["earlier".to_string()];
        let text = "Gedeeld.¹ Op 19 december verstuurd.² Hiermee is invulling gegeven.";
        let p = annotate(text, &cites(2), &mut notes);
        assert_eq!(
            p,
            vec![vec![
                Seg::Text("Gedeeld.".into()),
                Seg::Note(2),
                Seg::Text(" Op 19 december verstuurd.".into()),
                Seg::Note(3),
                Seg::Text(" Hiermee is invulling gegeven.".into()),
            ]]
        );
        assert_eq!(notes.len(), 3);
        assert_eq!(
            md_para(&p[0]),
            "Gedeeld.² Op 19 december verstuurd.³ Hiermee is invulling gegeven."
        );
    }

    #[test]
    fn unmarked_citations_follow_the_last_paragraph_once() {
        let mut notes = Vec::new();
        let p = annotate("Eerste.\n\nTweede, 12 m² groot.", &cites(2), &mut notes);
        assert_eq!(p.len(), 2);
        assert_eq!(md_para(&p[1]), "Tweede, 12 m² groot.¹,²");
        assert_eq!(
            html_para(&p[1]),
            "Tweede, 12 m² groot.<sup class=\"fn\">1,2</sup>"
        );
        // A marker naming no citation of the text stays text.
        let mut notes = Vec::new();
        let p = annotate("Zie ⁷.", &cites(1), &mut notes);
        assert_eq!(md_para(&p[0]), "Zie ⁷.¹");
        // No text, citations still get their footnotes.
        let mut notes = Vec::new();
        assert_eq!(
            annotate("", &cites(1), &mut notes),
            vec![vec![Seg::Note(1)]]
        );
        assert!(annotate("", &[], &mut notes).is_empty());
    }
}
