//! Footnotes: their markers in the text (superscript digits, or plain
//! digits glued to a sentence when that footnote is defined on the same
//! page), their definition lines, and the citation each one gives.

use std::collections::{BTreeMap, BTreeSet};

use super::lines::FootnoteLine;
use super::{Anomaly, anomaly, excerpt};
use crate::domain::KamerstukRef;

/// Most digits of a footnote marker.
pub(crate) const MAX_MARKER_DIGITS: usize = 3;
/// Words that end with a full stop and are followed by a number without
/// being a sentence with a footnote marker ("nr.5", "art.3").
pub(crate) const ABBREVIATIONS: &[&str] = &[
    "nr", "nrs", "no", "art", "artt", "blz", "bl", "pp", "par", "hfst", "lid", "sub", "jo", "bijl",
    "fig", "tab", "versie", "fase", "kw", "ca", "vs", "resp", "ed",
];
/// Units after which ² and ³ are powers, not footnote markers.
pub(crate) const UNITS: &[&str] = &["m", "km", "cm", "mm", "dm"];

/// The value of a superscript digit.
pub(crate) fn superscript_digit(c: char) -> Option<u32> {
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
pub(crate) fn marker_number(digits: impl Iterator<Item = u32>) -> Option<u32> {
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
pub(crate) fn superscript_footnote(cells: &[&str]) -> Option<FootnoteLine> {
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
pub(crate) fn plain_footnote(cells: &[&str]) -> Option<FootnoteLine> {
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

/// The citations for a list of markers, each footnote once, in marker order.
pub(crate) fn resolve(
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
pub(crate) fn footnote_citation(n: u32, raw: &str) -> (String, Option<String>) {
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

pub(crate) fn without_final_stop(s: &str) -> String {
    let t = s.trim();
    t.strip_suffix('.').unwrap_or(t).trim_end().to_string()
}

/// The texts between "(" and the next ")", in order.
pub(crate) fn parenthesised(s: &str) -> Vec<&str> {
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
pub(crate) fn take_markers(
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
pub(crate) fn ends_with_unit(out: &str) -> bool {
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
pub(crate) fn glued_to_sentence(chars: &[char], start: usize, end: usize) -> Option<String> {
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
