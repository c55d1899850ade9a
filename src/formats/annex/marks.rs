//! Footnote markers kept where they stand in a stored text.
//!
//! A text stored from an annex (an item text, a progress note) carries its
//! footnote markers as superscript numbers local to that text: `¹` is the
//! text's first citation, `²` its second, whatever the footnotes were
//! numbered in the document. [`super::render::annotate`] turns each back
//! into the annex's footnote at that place, numbered for the whole
//! document; consecutive markers are written `¹,²`.
//!
//! The annex readers place markers in two steps, because a marker's local
//! number is known only once the row's citations are: while a cell is read
//! each marker is a placeholder character (`placeholder`) naming the
//! reader's own note (a footnote number, a Word note), and `localise`
//! writes the local numbers in their place. [`strip`] is the other way: the
//! words of a text as the annex shows them, without markers, so that an
//! import compares texts by what they say ([`same_text`]), and a ledger
//! made before markers were kept sees no change in a text that only gained
//! them.

use std::collections::BTreeSet;

use super::cells::{collapse_spaces, tidy};
use super::footnotes::{ends_with_unit, superscript_digit};
use crate::report::letter::superscript;

/// First placeholder: Supplementary Private Use Area-A, which no annex
/// uses; an input character in the placeholders' range is replaced (see
/// [`escape`]), so that text cannot pose as a marker.
const FIRST: u32 = 0xF_0000;
/// Placeholders available.
const SPAN: u32 = 0xFFFE;

/// The placeholder for the reader's note `id`, when it has one.
pub(crate) fn placeholder(id: u32) -> Option<char> {
    (id < SPAN).then(|| char::from_u32(FIRST + id)).flatten()
}

/// The note a placeholder names.
fn id_of(c: char) -> Option<u32> {
    u32::from(c).checked_sub(FIRST).filter(|id| *id < SPAN)
}

/// Whether `c` is a placeholder.
pub(crate) fn is_placeholder(c: char) -> bool {
    id_of(c).is_some()
}

/// `c`, or U+FFFD when it would read as a placeholder.
pub(crate) fn escape(c: char) -> char {
    if id_of(c).is_some() { '\u{FFFD}' } else { c }
}

/// The text without placeholders: what it says.
pub(crate) fn unmarked(marked: &str) -> String {
    marked.chars().filter(|c| id_of(*c).is_none()).collect()
}

/// Writes the placeholders of `marked` (paragraphs separated by a blank
/// line, as `cells::tidy` leaves them) as local markers: `local(id)` is the
/// text's citation number of the note, None for a note that gives the text
/// no citation (the placeholder goes). A citation is marked once, at its
/// first place; a marker stands before the white space in front of it
/// (`gehouden. ¹` reads `gehouden.¹`), markers next to each other or to
/// other superscript digits are parted by a comma, and a paragraph of
/// nothing but markers joins the one before it (else the one after). The
/// caller localises only a text that has words.
pub(crate) fn localise(marked: &str, local: impl Fn(u32) -> Option<usize>) -> String {
    let mut placed = BTreeSet::new();
    let mut paras: Vec<String> = Vec::new();
    let mut lead = String::new();
    for p in marked.split("\n\n") {
        let mut out = String::new();
        let mut after_mark = false;
        for c in p.chars() {
            if let Some(id) = id_of(c) {
                let Some(k) = local(id).filter(|k| placed.insert(*k)) else {
                    continue;
                };
                let kept = out.trim_end().len();
                let space = out.split_off(kept);
                if out.chars().next_back().is_some_and(is_sup) {
                    out.push(',');
                }
                out.push_str(&superscript(k));
                after_mark = space.is_empty();
                out.push_str(&space);
                continue;
            }
            if after_mark && is_sup(c) {
                out.push(',');
            }
            after_mark = false;
            out.push(c);
        }
        // Tidied again: a placeholder that went may leave a `<p>` tag.
        // Trimmed as every cell is: a placeholder that went may leave the
        // white space that stood after it at an edge.
        for out in tidy(&out)
            .split("\n\n")
            .map(str::trim)
            .filter(|o| !o.is_empty())
        {
            if has_words(out) {
                if lead.is_empty() {
                    paras.push(out.to_string());
                } else {
                    paras.push(format!("{} {out}", std::mem::take(&mut lead)));
                }
                continue;
            }
            // A paragraph of markers only.
            let to = match paras.last_mut() {
                Some(last) => last,
                None => &mut lead,
            };
            if to.chars().next_back().is_some_and(is_sup) && out.starts_with(is_sup) {
                to.push(',');
            }
            to.push_str(out);
        }
    }
    if paras.is_empty() {
        return lead;
    }
    paras.join("\n\n")
}

/// Whether a paragraph holds more than markers.
fn has_words(p: &str) -> bool {
    p.chars()
        .any(|c| !(is_sup(c) || c == ',' || c.is_whitespace()))
}

fn is_sup(c: char) -> bool {
    superscript_digit(c).is_some()
}

/// A comma between two superscript digits parts two markers (`¹,²`).
pub(crate) fn is_separator(before: Option<char>, c: char, after: Option<char>) -> bool {
    c == ',' && before.is_some_and(is_sup) && after.is_some_and(is_sup)
}

/// The words of `text` as the annex shows them, without footnote markers:
/// every run of superscript digits goes (a lone `²` or `³` after a unit
/// such as `m` is a power and stays), with the commas that part markers;
/// within a paragraph every run of white space is one space, paragraphs
/// are trimmed and empty ones dropped.
pub fn strip(text: &str) -> String {
    text.split("\n\n")
        .map(strip_para)
        .filter(|p| !p.is_empty())
        .collect::<Vec<_>>()
        .join("\n\n")
}

fn strip_para(p: &str) -> String {
    // Without a superscript digit there is no marker, nor a comma between
    // two: only the white space to make one.
    if !p.chars().any(is_sup) {
        return collapse_spaces(p);
    }
    let chars: Vec<char> = p.chars().collect();
    let mut out = String::with_capacity(p.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if is_separator(
            i.checked_sub(1).and_then(|b| chars.get(b)).copied(),
            c,
            chars.get(i + 1).copied(),
        ) {
            i += 1;
            continue;
        }
        if !is_sup(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while chars.get(i).copied().is_some_and(is_sup) {
            i += 1;
        }
        if i - start == 1 && matches!(c, '²' | '³') && ends_with_unit(&out) {
            out.push(c);
        }
    }
    collapse_spaces(&out)
}

/// `text` with its markers renumbered after some of its citations were
/// left out: `kept[k - 1]` says whether citation `k` stays. The marker of
/// one left out goes, later ones count down; the rest of the text (its
/// white space too) is left as it is.
pub(crate) fn renumber(text: &str, kept: &[bool]) -> String {
    if kept.iter().all(|k| *k) {
        return text.to_string();
    }
    let mut n = 0;
    let new_of: Vec<Option<usize>> = kept
        .iter()
        .map(|k| {
            n += usize::from(*k);
            k.then_some(n)
        })
        .collect();
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        if is_separator(
            i.checked_sub(1).and_then(|b| chars.get(b)).copied(),
            c,
            chars.get(i + 1).copied(),
        ) {
            i += 1;
            continue;
        }
        if !is_sup(c) {
            out.push(c);
            i += 1;
            continue;
        }
        let start = i;
        while chars.get(i).copied().is_some_and(is_sup) {
            i += 1;
        }
        let run = chars.get(start..i).unwrap_or_default();
        match marker_number(run, &out).and_then(|k| new_of.get(k - 1)) {
            Some(Some(m)) => {
                if out.chars().next_back().is_some_and(is_sup) {
                    out.push(',');
                }
                out.push_str(&superscript(*m));
            }
            Some(None) => {}
            None => {
                if out.chars().next_back().is_some_and(is_sup) {
                    out.push(',');
                }
                out.extend(run);
            }
        }
    }
    out
}

/// The number a run of superscript digits stands for as a footnote
/// marker, written after `before`: None for a lone `²` or `³` after a unit
/// (a power), for 0, or for a number too large to be one.
fn marker_number(run: &[char], before: &str) -> Option<usize> {
    let unit = run.len() == 1 && matches!(run.first(), Some('²' | '³')) && ends_with_unit(before);
    if unit {
        return None;
    }
    run.iter()
        .filter_map(|d| superscript_digit(*d))
        .try_fold(0usize, |n, d| n.checked_mul(10)?.checked_add(d as usize))
        .filter(|k| *k >= 1)
}

/// The highest footnote marker in `text` (0 when it has none): the
/// number of citations the text needs.
pub fn highest(text: &str) -> usize {
    let mut top = 0;
    for p in text.split("\n\n") {
        let chars: Vec<char> = p.chars().collect();
        let mut before = String::new();
        let mut i = 0;
        while let Some(&c) = chars.get(i) {
            if !is_sup(c) {
                before.push(c);
                i += 1;
                continue;
            }
            let start = i;
            while chars.get(i).copied().is_some_and(is_sup) {
                i += 1;
            }
            let run = chars.get(start..i).unwrap_or_default();
            top = top.max(marker_number(run, &before).unwrap_or(0));
        }
    }
    top
}

/// Whether an imported text says what a stored one says: the same text,
/// or the same words ([`strip`]) with the same citations, so that markers
/// kept, moved or lost in a copy are no change.
pub fn same_text(a: &str, a_citations: &[String], b: &str, b_citations: &[String]) -> bool {
    a == b || (a_citations == b_citations && strip(a) == strip(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_highest_marker_is_what_a_text_needs() {
        assert_eq!(highest("Geen voetnoot."), 0);
        assert_eq!(highest("Eerste.¹ Tweede.² Derde.¹,³"), 3);
        assert_eq!(highest("Een zaal van 40 m² en ¹²."), 12);
        assert_eq!(highest("Alinea.¹\n\nNog een.²"), 2);
    }

    fn p(id: u32) -> char {
        placeholder(id).unwrap_or('?')
    }

    #[test]
    fn placeholders_become_local_markers_in_their_place() {
        let marked = format!(
            "Gehouden. {} Vanaf 2025{}.{} Klaar.{}",
            p(7),
            p(9),
            p(8),
            p(7)
        );
        let local = |id: u32| match id {
            7 => Some(1),
            8 => Some(2),
            _ => None,
        };
        assert_eq!(localise(&marked, local), "Gehouden.¹ Vanaf 2025.² Klaar.");
        // Next to each other, and after a power.
        let marked = format!("Groot 12 m²{}{}.", p(1), p(2));
        assert_eq!(
            localise(&marked, |id| Some(id as usize)),
            "Groot 12 m²,¹,²."
        );
        // A paragraph of markers only joins its neighbour.
        let marked = format!("Een.\n\n{}\n\nTwee.", p(1));
        assert_eq!(localise(&marked, |_| Some(1)), "Een.¹\n\nTwee.");
        let marked = format!("{}\n\nTwee.", p(1));
        assert_eq!(localise(&marked, |_| Some(1)), "¹ Twee.");
        // A placeholder that went leaves no `<p>` tag behind.
        let marked = format!("Een.<{}p>Twee.", p(1));
        assert_eq!(localise(&marked, |_| None), "Een.\n\nTwee.");
    }

    #[test]
    fn strip_keeps_the_words_and_powers() {
        assert_eq!(
            strip("Gehouden.¹ Vanaf  2025.²,³\n\n¹⁰\n\nKlaar."),
            "Gehouden. Vanaf 2025.\n\nKlaar."
        );
        assert_eq!(strip("12 m²,¹ en 3 km³."), "12 m² en 3 km³.");
        assert_eq!(strip("tekst¹vervolg"), "tekstvervolg");
        // Stripping what localise wrote gives what the text said.
        let marked = format!("Groot 12 m² {} en {}meer{}.", p(1), p(2), p(3));
        let placed = localise(&marked, |id| Some(id as usize));
        assert_eq!(strip(&placed), strip(&unmarked(&marked)));
    }

    #[test]
    fn markers_count_down_when_a_citation_is_left_out() {
        let text = "Een.¹ Twee,² 12 m² en drie.³,⁴\n\nVier.⁵";
        assert_eq!(
            renumber(text, &[true, false, true, false]),
            "Een.¹ Twee, 12 m² en drie.²\n\nVier.⁵"
        );
        assert_eq!(renumber(text, &[true; 5]), text);
        assert_eq!(renumber("Oefenen.¹", &[false]), "Oefenen.");
    }

    #[test]
    fn the_same_text_with_or_without_markers() {
        let c = ["Kamerstukken II 2024/25, 39104, nr. 31".to_string()];
        assert!(same_text("Gehouden.¹ Klaar.", &c, "Gehouden. Klaar.", &c));
        assert!(!same_text("Gehouden.¹ Klaar.", &c, "Gehouden. Klaar.", &[]));
        assert!(same_text("Gehouden.", &c, "Gehouden.", &[]));
        assert!(!same_text("Gehouden.", &c, "Gehouden!", &c));
    }

    #[test]
    fn text_cannot_pose_as_a_placeholder() {
        let c = char::from_u32(FIRST + 3).unwrap_or('?');
        assert_eq!(escape(c), '\u{FFFD}');
        assert_eq!(escape('a'), 'a');
        assert_eq!(placeholder(SPAN), None);
    }
}
