//! What an annex layout is: the words and shapes that tell the parts of
//! the table apart. The header line (a `Verantwoordelijk` cell), the section
//! lines (`Moties`, `Toezeggingen`), page marks that come along with a copy,
//! the bullets of a legend block, what a responsible cell and a status label
//! look like, and how a motion's text names its submitters. Supporting a
//! new layout of the same family means changing this file; the passes in
//! `lines`, `rows` and `cells` ask it.

use crate::domain::{ItemKind, Ministries, Responsible};
use std::sync::OnceLock;

/// Longest cell that can hold responsible codes, in characters.
pub(crate) const MAX_RESPONSIBLE_CHARS: usize = 60;
/// Longest cell taken for a (possibly unknown) status label, in characters.
pub(crate) const MAX_LABEL_CHARS: usize = 40;
/// Most words of a cell taken for a (possibly unknown) status label.
pub(crate) const MAX_LABEL_WORDS: usize = 5;
/// Longest header cell, in characters.
pub(crate) const MAX_HEADER_CELL_CHARS: usize = 40;
/// Most lines a bold title block may span before it is given up on.
pub(crate) const MAX_TITLE_LINES: usize = 16;

/// "12", "3/12", "Pagina 3 van 12", "blz. 4", "- 5 -": a page number that
/// came along with the copy.
pub(crate) fn is_page_mark(line: &str) -> bool {
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

pub(crate) fn is_small_number(s: &str) -> bool {
    (1..=3).contains(&s.len()) && s.chars().all(|c| c.is_ascii_digit())
}

pub(crate) fn is_header(cells: &[&str]) -> bool {
    cells.len() <= 8
        && cells.iter().any(|c| {
            c.get(..16)
                .is_some_and(|head| head.eq_ignore_ascii_case("verantwoordelijk"))
        })
        && cells
            .iter()
            .all(|c| c.chars().count() <= MAX_HEADER_CELL_CHARS)
}

pub(crate) fn section_kind(cells: &[&str]) -> Option<ItemKind> {
    let [only] = cells else {
        return None;
    };
    match only.trim_end_matches(':').trim().to_lowercase().as_str() {
        "moties" | "motie" => Some(ItemKind::Motie),
        "toezeggingen" | "toezegging" => Some(ItemKind::Toezegging),
        _ => None,
    }
}

pub(crate) fn strip_bullet(s: &str) -> &str {
    s.trim_start_matches(['-', '–', '•', '·', '*']).trim()
}

/// Responsible codes as an annex writes them: every code a role letter M or S
/// in capitals followed by a portfolio starting with a capital (`SOCW`,
/// `MJenV`), joined by "en". The capitals keep words such as "Moet" out.
/// A cell that names the parties in words ("Minister van OCW",
/// "Staatssecretaris van Financiën") is read through the built-in table of
/// [`Ministries`] when it starts with the role.
pub(crate) fn responsible_cell(s: &str) -> Option<Responsible> {
    if s.chars().count() > MAX_RESPONSIBLE_CHARS {
        return None;
    }
    let first = s.split_whitespace().next().unwrap_or("").to_lowercase();
    if matches!(
        first.as_str(),
        "minister" | "staatssecretaris" | "minister-president" | "ministers" | "de"
    ) {
        static TABLE: OnceLock<Ministries> = OnceLock::new();
        return TABLE.get_or_init(Ministries::builtin).responsible(s).ok();
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
pub(crate) fn is_label_like(s: &str) -> bool {
    s.chars().count() <= MAX_LABEL_CHARS
        && s.split_whitespace().count() <= MAX_LABEL_WORDS
        && s.chars().next().is_some_and(char::is_alphabetic)
        && s.chars()
            .all(|c| c.is_alphabetic() || c == ' ' || c == '-' || c == '\'')
}

/// "Motie van het lid X c.s.; …" / "Motie van de leden A, B en C; …": the
/// names, without "c.s." and parenthesised parties. None when the text does
/// not name submitters that way.
pub(crate) fn motion_submitters(text: &str) -> Option<Vec<String>> {
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

/// What a column of the table holds, judged by its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Column {
    /// The item text (the first column, "Motie/toezegging", "Omschrijving").
    Text,
    /// The status ("Status"): a label, or a colour.
    Status,
    /// The responsible parties ("Verantwoordelijk", "Verantwoordelijke",
    /// "Bewindspersoon").
    Responsible,
    /// The progress ("Stand van zaken", "Voortgang", "Toelichting").
    Progress,
    /// Where the item was made ("Vindplaats").
    Citation,
    /// A header this layout does not know.
    Other,
}

/// The column a header cell names; `first` for the table's first column,
/// which holds the item text unless its header says otherwise.
pub(crate) fn column_role(header: &str, first: bool) -> Column {
    let h = header.trim().trim_end_matches(':').trim().to_lowercase();
    let starts = |w: &str| h.starts_with(w);
    if h.is_empty() {
        if first { Column::Text } else { Column::Other }
    } else if starts("verantwoordelijk") || starts("bewindspersoon") {
        Column::Responsible
    } else if h == "status" || h == "stand" || h == "voortgangsstatus" {
        Column::Status
    } else if starts("stand van zaken") || starts("voortgang") || starts("toelichting") {
        Column::Progress
    } else if starts("vindplaats") || starts("kamerstuk") {
        Column::Citation
    } else if first
        || [
            "motie",
            "toezegging",
            "omschrijving",
            "onderwerp",
            "beschrijving",
        ]
        .iter()
        .any(|w| starts(w))
    {
        Column::Text
    } else {
        Column::Other
    }
}
