//! The annex layout, out: Markdown and a self-contained HTML page with the
//! same parts as the annex a progress letter carries (title, legend, the
//! Moties and Toezeggingen tables with status, responsible and "stand van
//! zaken", and numbered footnotes holding the citations), plus CSV rows.

use crate::domain::{ItemKind, Legend, LegendEntry};
use crate::projection::{ItemView, View};
use std::fmt::Write as _;

/// Language of labels and headings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Lang {
    /// Dutch (the annex's own language).
    Nl,
    /// English.
    En,
}

struct Words {
    heading: &'static str,
    legend: &'static str,
    motions: &'static str,
    commitments: &'static str,
    motion: &'static str,
    commitment: &'static str,
    status: &'static str,
    responsible: &'static str,
    progress: &'static str,
    footnotes: &'static str,
    chart: &'static str,
    no_text: &'static str,
    no_rounds: &'static str,
    items: &'static str,
}

const NL: Words = Words {
    heading: "Stand van zaken moties en toezeggingen",
    legend: "Legenda",
    motions: "Moties",
    commitments: "Toezeggingen",
    motion: "Motie",
    commitment: "Toezegging",
    status: "Status",
    responsible: "Verantwoordelijk",
    progress: "Stand van zaken",
    footnotes: "Voetnoten",
    chart: "Aantal items per status, per verzegelde ronde",
    no_text: "(tekst ontbreekt)",
    no_rounds: "Nog geen verzegelde rondes.",
    items: "items",
};

const EN: Words = Words {
    heading: "Status of motions and commitments",
    legend: "Legend",
    motions: "Motions",
    commitments: "Commitments",
    motion: "Motion",
    commitment: "Commitment",
    status: "Status",
    responsible: "Responsible",
    progress: "Progress",
    footnotes: "Footnotes",
    chart: "Items per status at each sealed round",
    no_text: "(text missing)",
    no_rounds: "No sealed rounds yet.",
    items: "items",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

fn label(e: &LegendEntry, lang: Lang) -> &str {
    match lang {
        Lang::Nl => &e.nl,
        Lang::En => &e.en,
    }
}

/// Unicode superscript digits for footnote markers, as in the annex.
pub fn superscript(n: usize) -> String {
    const SUP: [char; 10] = ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'];
    n.to_string()
        .chars()
        .filter_map(|c| c.to_digit(10).and_then(|d| SUP.get(d as usize)))
        .collect()
}

/// One row of the annex, with footnote numbers resolved.
struct Row<'a> {
    item: &'a ItemView,
    status: Option<&'a LegendEntry>,
    slug: String,
    item_notes: Vec<usize>,
    progress: Option<String>,
    progress_notes: Vec<usize>,
}

/// The rows and the footnotes, numbered in order of appearance.
struct Annex<'a> {
    rows: Vec<Row<'a>>,
    footnotes: Vec<String>,
}

fn collect<'a>(view: &'a View, legend: &'a Legend) -> Annex<'a> {
    let mut footnotes: Vec<String> = Vec::new();
    let number = |c: &str, footnotes: &mut Vec<String>| -> usize {
        footnotes.push(c.to_string());
        footnotes.len()
    };
    let mut rows = Vec::new();
    for kind in [ItemKind::Motie, ItemKind::Toezegging] {
        for item in view.existing().filter(|i| i.kind == kind) {
            let item_notes = item
                .citations
                .iter()
                .map(|c| number(c, &mut footnotes))
                .collect();
            let note = item.note.as_ref();
            let progress_notes = note
                .map(|n| {
                    n.citations
                        .iter()
                        .map(|c| number(c, &mut footnotes))
                        .collect()
                })
                .unwrap_or_default();
            let slug = item.status.clone();
            rows.push(Row {
                item,
                status: legend.get(&slug),
                slug,
                item_notes,
                progress: note.map(|n| n.text.clone()),
                progress_notes,
            });
        }
    }
    Annex { rows, footnotes }
}

fn markers(notes: &[usize]) -> String {
    notes
        .iter()
        .map(|n| superscript(*n))
        .collect::<Vec<_>>()
        .join(" ")
}

fn title(view: &View, lang: Lang) -> String {
    let round = match &view.basis {
        crate::projection::Basis::Round(r) => format!(" — {}", r.title),
        _ => String::new(),
    };
    format!("{} — {}{round}", view.programme.name, words(lang).heading)
}

/// Stored text in a table cell or any other line of the Markdown: escaped
/// so that it shows as text and never as markup or a link
/// ([`crate::formats::markdown`]), paragraphs as `<br><br>`.
fn md_cell(s: &str) -> String {
    crate::formats::markdown::inline(s)
}

/// The annex as Markdown.
pub fn markdown(view: &View, lang: Lang) -> String {
    let w = words(lang);
    let legend = view.legend();
    let annex = collect(view, legend);
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", md_cell(&title(view, lang)));
    let _ = writeln!(out, "{}\n", md_cell(&view.programme.title));
    let _ = writeln!(out, "_{}_\n", md_cell(&view.describe()));
    let _ = writeln!(out, "## {}\n", w.legend);
    for e in &legend.entries {
        let _ = writeln!(out, "- {}", md_cell(label(e, lang)));
    }
    for (kind, heading, col) in [
        (ItemKind::Motie, w.motions, w.motion),
        (ItemKind::Toezegging, w.commitments, w.commitment),
    ] {
        let rows: Vec<&Row<'_>> = annex.rows.iter().filter(|r| r.item.kind == kind).collect();
        let _ = writeln!(out, "\n## {heading}\n");
        if rows.is_empty() {
            let _ = writeln!(out, "—");
            continue;
        }
        let _ = writeln!(
            out,
            "| {col} | {} | {} | {} |\n|---|---|---|---|",
            w.status, w.responsible, w.progress
        );
        for r in rows {
            let text = if r.item.text.is_empty() {
                w.no_text.to_string()
            } else {
                r.item.text.clone()
            };
            let _ = writeln!(
                out,
                "| **{}** {} {} | {} | {} | {} {} |",
                md_cell(r.item.key.as_str()),
                md_cell(&text),
                markers(&r.item_notes),
                md_cell(r.status.map_or(r.slug.as_str(), |e| label(e, lang))),
                md_cell(&r.item.responsible.to_string()),
                md_cell(r.progress.as_deref().unwrap_or("")),
                markers(&r.progress_notes)
            );
        }
    }
    if !annex.footnotes.is_empty() {
        let _ = writeln!(out, "\n## {}\n", w.footnotes);
        for (n, c) in annex.footnotes.iter().enumerate() {
            let _ = writeln!(out, "{} {}  ", superscript(n + 1), md_cell(c));
        }
    }
    out
}

/// Escapes text for HTML.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// A colour from the legend, or grey when it is not `#rrggbb`.
fn colour(e: Option<&LegendEntry>) -> String {
    e.map(|e| e.colour.clone())
        .filter(|c| {
            c.len() == 7 && c.starts_with('#') && c[1..].chars().all(|x| x.is_ascii_hexdigit())
        })
        .unwrap_or_else(|| "#9e9e9e".into())
}

/// Paragraphs of a progress text, with the footnote markers at the end of
/// the last one.
fn paragraphs(s: &str, markers: &str) -> String {
    let parts: Vec<&str> = s.split("\n\n").collect();
    let last = parts.len().saturating_sub(1);
    parts
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let sup = if i == last && !markers.is_empty() {
                format!("<sup>{}</sup>", esc(markers))
            } else {
                String::new()
            };
            format!("<p>{}{sup}</p>", esc(p.trim()).replace('\n', "<br>"))
        })
        .collect()
}

const CSS: &str = "
body{font-family:'Segoe UI',Calibri,Arial,sans-serif;color:#1b1b1b;margin:24px;font-size:10.5pt;line-height:1.4}
h1{font-size:16pt;color:#154273;margin:0 0 4px}
h2{font-size:12pt;color:#154273;border-bottom:2px solid #154273;padding-bottom:2px;margin-top:22px}
.sub{margin:0;color:#333}.view{color:#555;font-size:8.5pt;margin:6px 0 0}
ul.legend{list-style:none;padding:0;display:flex;flex-wrap:wrap;gap:6px 18px;margin:8px 0}
.dot{display:inline-block;width:.85em;height:.85em;border-radius:50%;margin-right:.4em;vertical-align:-.1em;border:1px solid rgba(0,0,0,.25)}
table{width:100%;border-collapse:collapse;table-layout:fixed}
th{background:#154273;color:#fff;text-align:left;padding:5px 6px;font-weight:600}
td{border-bottom:1px solid #c8d3e0;padding:5px 6px;vertical-align:top}
td p{margin:0 0 .5em}td p:last-child{margin:0}
col.item{width:36%}col.status{width:15%}col.resp{width:14%}col.prog{width:35%}
.key{font-weight:600;color:#154273;display:block}.missing{color:#888;font-style:italic}
sup{font-size:.7em;color:#154273}
ol.fn{font-size:8.5pt;padding-left:2em}
.chart text{font-size:9px;fill:#333}
footer{margin-top:20px;font-size:8pt;color:#666;word-break:break-all}
@page{size:A4;margin:14mm 12mm}
@media print{body{margin:0;font-size:9pt}h2{break-after:avoid}tr{break-inside:avoid}thead{display:table-header-group}
.dot,th{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
";

pub use crate::projection::view::RoundCounts;

fn chart(legend: &Legend, rounds: &RoundCounts, lang: Lang) -> String {
    let w = words(lang);
    if rounds.is_empty() {
        return format!("<p class=\"missing\">{}</p>", esc(w.no_rounds));
    }
    let max = rounds
        .iter()
        .map(|(_, c)| c.iter().map(|(_, n)| n).sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1);
    let (label_w, bar_w, row_h) = (150usize, 440usize, 22usize);
    let height = rounds.len() * row_h + 8;
    let mut svg = format!(
        "<svg class=\"chart\" role=\"img\" width=\"{}\" height=\"{height}\" viewBox=\"0 0 {} {height}\" xmlns=\"http://www.w3.org/2000/svg\">",
        label_w + bar_w + 60,
        label_w + bar_w + 60
    );
    for (i, (round, counts)) in rounds.iter().enumerate() {
        let y = i * row_h + 4;
        let _ = write!(
            svg,
            "<text x=\"0\" y=\"{}\">{} ({})</text>",
            y + 13,
            esc(&round.name),
            round.reported_on
        );
        let mut x = label_w;
        let total: usize = counts.iter().map(|(_, n)| n).sum();
        for (slug, n) in counts.iter().filter(|(_, n)| *n > 0) {
            let width = n * bar_w / max;
            let entry = legend.get(slug);
            let _ = write!(
                svg,
                "<rect x=\"{x}\" y=\"{y}\" width=\"{width}\" height=\"{}\" fill=\"{}\"><title>{}: {n}</title></rect>",
                row_h - 6,
                colour(entry),
                esc(&entry.map_or_else(|| slug.clone(), |e| label(e, lang).to_string()))
            );
            if width >= 14 {
                let _ = write!(
                    svg,
                    "<text x=\"{}\" y=\"{}\" style=\"fill:#fff\">{n}</text>",
                    x + 3,
                    y + 12
                );
            }
            x += width;
        }
        let _ = write!(
            svg,
            "<text x=\"{}\" y=\"{}\">{total} {}</text>",
            x + 4,
            y + 13,
            w.items
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The annex as one self-contained HTML page (inline CSS and SVG, no
/// external assets), readable on screen and printed on A4.
pub fn html(view: &View, rounds: &RoundCounts, lang: Lang) -> String {
    let w = words(lang);
    let legend = view.legend();
    let annex = collect(view, legend);
    let mut out = String::new();
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>\n",
        if lang == Lang::Nl { "nl" } else { "en" },
        esc(&title(view, lang))
    );
    let _ = writeln!(
        out,
        "<header><h1>{}</h1><p class=\"sub\">{}</p><p class=\"view\">{}</p></header>",
        esc(&title(view, lang)),
        esc(&view.programme.title),
        esc(&view.describe())
    );
    let _ = write!(out, "<h2>{}</h2><ul class=\"legend\">", w.legend);
    for e in &legend.entries {
        let _ = write!(
            out,
            "<li><span class=\"dot\" style=\"background:{}\"></span>{}</li>",
            colour(Some(e)),
            esc(label(e, lang))
        );
    }
    out.push_str("</ul>\n");
    let _ = writeln!(out, "<h2>{}</h2>{}", w.chart, chart(legend, rounds, lang));
    for (kind, heading, col) in [
        (ItemKind::Motie, w.motions, w.motion),
        (ItemKind::Toezegging, w.commitments, w.commitment),
    ] {
        let rows: Vec<&Row<'_>> = annex.rows.iter().filter(|r| r.item.kind == kind).collect();
        let _ = writeln!(out, "<h2>{heading}</h2>");
        if rows.is_empty() {
            out.push_str("<p class=\"missing\">—</p>\n");
            continue;
        }
        let _ = writeln!(
            out,
            "<table><colgroup><col class=\"item\"><col class=\"status\"><col class=\"resp\"><col class=\"prog\"></colgroup><thead><tr><th>{col}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            w.status, w.responsible, w.progress
        );
        for r in rows {
            let text = if r.item.text.is_empty() {
                format!("<span class=\"missing\">{}</span>", esc(w.no_text))
            } else {
                esc(&r.item.text)
            };
            let _ = writeln!(
                out,
                "<tr><td><span class=\"key\">{}</span>{text}<sup>{}</sup></td><td><span class=\"dot\" style=\"background:{}\"></span>{}</td><td>{}</td><td>{}</td></tr>",
                esc(r.item.key.as_str()),
                esc(&markers(&r.item_notes)),
                colour(r.status),
                esc(r.status.map_or(r.slug.as_str(), |e| label(e, lang))),
                esc(&r.item.responsible.to_string()),
                paragraphs(
                    r.progress.as_deref().unwrap_or(""),
                    &markers(&r.progress_notes)
                )
            );
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
    let _ = write!(
        out,
        "<footer>kamerstand — {} events, head {}</footer>\n</body></html>\n",
        view.chain.events,
        view.chain.head.map(|h| h.hex()).unwrap_or_default()
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn superscripts_and_escaping() {
        assert_eq!(superscript(15), "¹⁵");
        assert_eq!(superscript(0), "⁰");
        assert_eq!(
            esc("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
        assert_eq!(md_cell("a|b\n\nc\nd"), "a\\|b<br><br>c d");
        assert_eq!(md_cell("<b>x</b>"), "\\<b\\>x\\</b\\>");
    }

    #[test]
    fn colours_are_checked_before_use() {
        let mut e = Legend::nap().entries[0].clone();
        assert_eq!(colour(Some(&e)), "#2e7d32");
        e.colour = "red;background:url(x)".into();
        assert_eq!(colour(Some(&e)), "#9e9e9e");
    }
}
