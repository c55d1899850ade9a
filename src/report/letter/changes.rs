//! The changes between two rounds written for a letter: per item the motion
//! or commitment in a short form with its Kamerstuk citation, then what
//! changed in sentences ("Status: van In uitvoering naar Afgerond"), a
//! changed progress text as the new words highlighted in the sentences that
//! hold them, and added items with their text, responsible and citation;
//! grouped by section (Moties, Toezeggingen) and, when asked, by ministry.
//! It has no footnotes, so texts stand without their footnote markers.
//!
//! [`build`] turns two views and their [`Diff`] into a [`Changes`] model in one
//! language; [`markdown`], [`html`], [`table`] and [`json()`] render it, and
//! [`super::changes_office`] makes the Word file. Only the footer for
//! auditors names the two rounds' digests; no sequence number or other hash
//! is printed, except in JSON, which keeps the machine data.

use super::worddiff::{self, Piece};
use super::{Check, Lang, esc, md_escape};
use crate::domain::{ItemKind, Legend, Ministries, Responsible};
use crate::formats::annex::marks::strip;
use crate::projection::diff::ItemDiff;
use crate::projection::{Basis, Change, Diff, ItemView, View};
use serde_json::{Value, json};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// The formats of the changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DiffFormat {
    /// Text for the terminal.
    Table,
    /// Markdown, to paste into a letter.
    Md,
    /// A self-contained HTML page.
    Html,
    /// A Word file.
    Docx,
    /// JSON (schema/diff.schema.json).
    Json,
}

impl DiffFormat {
    /// Every format, in the order messages list them.
    pub const ALL: [DiffFormat; 5] = [
        DiffFormat::Table,
        DiffFormat::Md,
        DiffFormat::Html,
        DiffFormat::Docx,
        DiffFormat::Json,
    ];

    /// The name `--format` takes.
    pub fn name(self) -> &'static str {
        match self {
            DiffFormat::Table => "table",
            DiffFormat::Md => "md",
            DiffFormat::Html => "html",
            DiffFormat::Docx => "docx",
            DiffFormat::Json => "json",
        }
    }
}

/// How to write the changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Options {
    /// The language of our words.
    pub lang: Lang,
    /// Group each section's items by the ministries responsible.
    pub by_ministry: bool,
}

/// What became of an item between the two sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Fate {
    /// New on the later side.
    Added,
    /// Withdrawn by the later side.
    Withdrawn,
    /// On both sides, with changes.
    Changed,
    /// On both sides, without change (listed with `--all`).
    Unchanged,
}

/// A text that changed, word by word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextChange {
    /// What the sentence before it says: "Stand van zaken (2 mei 2025)".
    pub label: String,
    /// The words of the whole new text, old words removed shown too.
    pub pieces: Vec<Piece>,
    /// The same, shortened to the sentences that changed (unchanged runs of
    /// sentences become `…`).
    pub excerpt: Vec<Piece>,
    /// The text before ("" when there was none).
    pub old: String,
    /// The text after.
    pub new: String,
}

/// One item in the changes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// The item's key (shown only in JSON).
    pub key: String,
    /// Motion or commitment.
    pub kind: ItemKind,
    /// What became of it.
    pub fate: Fate,
    /// The motion or commitment in a short form.
    pub short: String,
    /// Its Kamerstuk (the first citation, or where it was made).
    pub citation: Option<String>,
    /// The whole text, for an added item.
    pub text: Option<String>,
    /// What changed, in sentences.
    pub sentences: Vec<String>,
    /// The status on the later side, its label and colour.
    pub status: (String, String),
    /// The item's own text, when amended.
    pub text_change: Option<TextChange>,
    /// The progress text, when it changed (or is new).
    pub progress: Option<TextChange>,
    /// With `--events`: what was recorded in between, one sentence each.
    pub events: Vec<String>,
    /// The item diff it comes from.
    pub diff: ItemDiff,
    /// Its portfolios on the later side.
    pub ministries: Vec<String>,
}

/// A section, or a ministry within a section.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Motions or commitments.
    pub kind: ItemKind,
    /// The section's heading.
    pub section: String,
    /// With `--by-ministry`: the ministry's heading.
    pub ministry: Option<String>,
    /// The items, in the annex's order.
    pub entries: Vec<Entry>,
}

/// The changes between two sides, in one language.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The language.
    pub lang: Lang,
    /// The document's title.
    pub title: String,
    /// The programme's title line.
    pub programme: String,
    /// "Van: …" — the earlier side in a sentence.
    pub from: String,
    /// "Tot: …" — the later side in a sentence.
    pub to: String,
    /// The concept mark, when either side is not a sealed round.
    pub concept: Option<String>,
    /// What changed, counted, in a sentence.
    pub summary: String,
    /// The groups, sections in order.
    pub groups: Vec<Group>,
    /// The footer for auditors: the rounds' digests labelled as the values
    /// to check, or that a side is not sealed.
    pub footer: Vec<String>,
    /// The checks of the sealed sides.
    pub checks: Vec<Check>,
    /// Said when nothing changed.
    pub nothing: Option<String>,
}

/// Words of the changes in one language.
struct Words {
    title: &'static str,
    from: &'static str,
    to: &'static str,
    status: &'static str,
    responsible: &'static str,
    progress: &'static str,
    text: &'static str,
    added: &'static str,
    withdrawn: &'static str,
    unchanged: &'static str,
    nobody: &'static str,
    from_to: (&'static str, &'static str),
    no_text: &'static str,
    nothing: &'static str,
    footer: &'static str,
    not_sealed: &'static str,
    concept: &'static str,
    recorded: &'static str,
}

const NL: Words = Words {
    title: "Wijzigingen in de stand van zaken moties en toezeggingen",
    from: "Van",
    to: "Tot",
    status: "Status",
    responsible: "Verantwoordelijk",
    progress: "Stand van zaken",
    text: "Tekst",
    added: "Nieuw in het overzicht.",
    withdrawn: "Uit het overzicht genomen (ingetrokken).",
    unchanged: "Ongewijzigd.",
    nobody: "niemand",
    from_to: ("van", "naar"),
    no_text: "(tekst ontbreekt)",
    nothing: "Tussen deze twee standen is niets gewijzigd.",
    footer: "Voor controleurs",
    not_sealed: "geen verzegelde ronde; er is geen controlewaarde",
    concept: "CONCEPT — niet beide standen zijn verzegelde rondes; deze wijzigingen kunnen nog veranderen.",
    recorded: "Vastgelegd in deze periode",
};

const EN: Words = Words {
    title: "Changes in the status of motions and commitments",
    from: "From",
    to: "To",
    status: "Status",
    responsible: "Responsible",
    progress: "Progress",
    text: "Text",
    added: "New in the overview.",
    withdrawn: "Taken out of the overview (withdrawn).",
    unchanged: "Unchanged.",
    nobody: "no one",
    from_to: ("from", "to"),
    no_text: "(text missing)",
    nothing: "Nothing changed between these two states.",
    footer: "For auditors",
    not_sealed: "not a sealed round; there is no value to check",
    concept: "DRAFT — not both states are sealed rounds; these changes may still change.",
    recorded: "Recorded in this period",
};

fn words(lang: Lang) -> &'static Words {
    match lang {
        Lang::Nl => &NL,
        Lang::En => &EN,
    }
}

/// The section heading of `kind`.
pub fn section(kind: ItemKind, lang: Lang) -> &'static str {
    match (kind, lang) {
        (ItemKind::Motie, Lang::Nl) => "Moties",
        (ItemKind::Toezegging, Lang::Nl) => "Toezeggingen",
        (ItemKind::Motie, Lang::En) => "Motions",
        (ItemKind::Toezegging, Lang::En) => "Commitments",
    }
}

/// Most words of an item's short form.
const SHORT_WORDS: usize = 24;

/// A motion or commitment in a short form: a motion's submitters and what
/// the chamber asks ("Motie van het lid X c.s.: verzoekt de regering …"),
/// cut after `SHORT_WORDS` words at a word boundary, without footnote
/// markers.
pub fn short_form(text: &str, key: &str, lang: Lang) -> String {
    let text = strip(text);
    let t = text.trim();
    if t.is_empty() {
        return format!("{} ({key})", words(lang).no_text);
    }
    // "Motie van het lid X; De Tweede Kamer verzoekt …": the chamber's
    // name repeats in every motion; the request is what tells them apart.
    let t = match t.split_once(';') {
        Some((who, rest)) => {
            let rest = rest.trim();
            let rest = ["De Tweede Kamer", "De Eerste Kamer", "de Tweede Kamer"]
                .iter()
                .find_map(|p| rest.strip_prefix(p))
                .map(str::trim)
                .unwrap_or(rest);
            format!("{}: {rest}", who.trim())
        }
        None => t.to_string(),
    };
    let mut out = Vec::new();
    let all: Vec<&str> = t.split_whitespace().collect();
    for w in all.iter().take(SHORT_WORDS) {
        out.push(*w);
    }
    let mut s = out.join(" ");
    if all.len() > SHORT_WORDS {
        s = s
            .trim_end_matches([',', ';', ':', '.'])
            .trim_end()
            .to_string();
        s.push_str(" …");
    }
    s
}

/// The portfolios of `r`, each once, in order.
fn portfolios(r: &Responsible) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for c in r.codes() {
        if !out.contains(&c.portfolio) {
            out.push(c.portfolio.clone());
        }
    }
    out
}

fn responsible_words(r: &Responsible, lang: Lang) -> String {
    if r.is_empty() {
        words(lang).nobody.to_string()
    } else {
        parties(r, lang)
    }
}

/// Responsible parties in `lang`: their codes joined by "en", or "and".
pub(crate) fn parties(r: &Responsible, lang: Lang) -> String {
    let s = r.to_string();
    match lang {
        Lang::Nl => s,
        Lang::En => s.replace(" en ", " and "),
    }
}

/// A ministry group's heading: the portfolios in words (from the built-in
/// table) with their codes.
fn ministry_heading(ports: &[String], table: &Ministries, lang: Lang) -> String {
    if ports.is_empty() {
        return lang
            .pick("Zonder verantwoordelijke", "Without anyone responsible")
            .to_string();
    }
    let named: Vec<String> = ports
        .iter()
        .map(|p| {
            let code = Responsible::parse(&format!("M{p}"))
                .ok()
                .and_then(|r| r.codes().first().cloned());
            match code.as_ref().and_then(|c| c.portfolio_name(table)) {
                Some(name) if name != p => format!("{name} ({p})"),
                _ => p.clone(),
            }
        })
        .collect();
    named.join(lang.pick(" en ", " and "))
}

/// Sentence boundaries: after ". ", "? ", "! " or a paragraph break.
fn sentence_parts(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let end_mark = matches!(b[i], b'.' | b'?' | b'!');
        if end_mark && b.get(i + 1).is_some_and(|c| c.is_ascii_whitespace()) {
            let mut j = i + 1;
            while b.get(j).is_some_and(|c| c.is_ascii_whitespace()) {
                j += 1;
            }
            if let Some(part) = s.get(start..j) {
                out.push(part);
            }
            start = j;
            i = j;
            continue;
        }
        i += 1;
    }
    if let Some(rest) = s.get(start..)
        && !rest.is_empty()
    {
        out.push(rest);
    }
    out
}

/// The pieces shortened to the sentences that hold a change: a run of
/// unchanged sentences becomes `… `.
pub fn excerpt(pieces: &[Piece]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    let last = pieces.len().saturating_sub(1);
    for (i, p) in pieces.iter().enumerate() {
        let Piece::Same(t) = p else {
            out.push(p.clone());
            continue;
        };
        let after_change = i > 0;
        let before_change = i < last;
        let parts = sentence_parts(t);
        if parts.len() <= 1 {
            out.push(p.clone());
            continue;
        }
        let mut kept = String::new();
        // The end of the sentence the change before stands in.
        let first = parts.first().copied().unwrap_or_default();
        let lead = if after_change { first } else { "" };
        // The start of the sentence the change after stands in (empty when
        // this run ends with a whole sentence).
        let tail = parts.last().copied().unwrap_or_default();
        let ends_whole = sentence_parts(&format!("{t}x")).len() > parts.len();
        let trail = if before_change && !ends_whole {
            tail
        } else {
            ""
        };
        kept.push_str(lead);
        let dropped = parts.len() - usize::from(!lead.is_empty()) - usize::from(!trail.is_empty());
        if dropped > 0 {
            kept.push_str("… ");
        }
        kept.push_str(trail);
        if !kept.is_empty() {
            out.push(Piece::Same(kept));
        }
    }
    out
}

/// The change from `old` to `new`, word by word, both already without
/// their footnote markers ([`strip`]): the diff for a letter has no
/// footnotes, so the texts are compared and shown without them.
fn text_change(label: String, old: String, new: String) -> TextChange {
    let pieces = worddiff::diff(&old, &new);
    TextChange {
        label,
        excerpt: if old.trim().is_empty() {
            pieces.clone()
        } else {
            excerpt(&pieces)
        },
        pieces,
        old,
        new,
    }
}

fn event_sentence(legend: &Legend, e: &crate::projection::TimelineEntry, lang: Lang) -> String {
    let w = words(lang);
    let (van, naar) = w.from_to;
    let what = match &e.change {
        Change::Status { from, to, .. } => format!(
            "{}: {van} {} {naar} {}",
            w.status,
            super::status(legend, from, lang),
            super::status(legend, to, lang)
        ),
        Change::Responsible { from, to, .. } => format!(
            "{}: {van} {} {naar} {}",
            w.responsible,
            responsible_words(from, lang),
            responsible_words(to, lang)
        ),
        Change::Note { .. } => lang
            .pick("stand van zaken bijgewerkt", "progress updated")
            .to_string(),
        Change::Amended { .. } => lang
            .pick("tekst of vindplaats aangepast", "text or citation amended")
            .to_string(),
        Change::Detailed { .. } => lang
            .pick(
                "gegevens uit het register aangevuld",
                "register details added",
            )
            .to_string(),
        Change::Corrected { .. } => lang
            .pick(
                "een eerdere vastlegging gecorrigeerd",
                "an earlier record corrected",
            )
            .to_string(),
        Change::Registered { .. } => lang.pick("opgenomen", "registered").to_string(),
    };
    let undone = if e.corrected_by.is_empty() {
        ""
    } else {
        lang.pick(" (later gecorrigeerd)", " (corrected later)")
    };
    match e.effective {
        Some(d) => format!("{}: {what}{undone}", super::day(d, lang)),
        None => format!("{what}{undone}"),
    }
}

fn entry(
    legend: &Legend,
    before: Option<&ItemView>,
    after: Option<&ItemView>,
    d: &ItemDiff,
    lang: Lang,
) -> Entry {
    let w = words(lang);
    let (van, naar) = w.from_to;
    let now = after.or(before);
    let fate = if d.added {
        Fate::Added
    } else if d.withdrawn {
        Fate::Withdrawn
    } else if d.changed() {
        Fate::Changed
    } else {
        Fate::Unchanged
    };
    let citation = now.and_then(|i| i.citations.first().cloned().or_else(|| i.made_in.clone()));
    let mut sentences = Vec::new();
    match fate {
        Fate::Added => {
            sentences.push(w.added.to_string());
            sentences.push(format!(
                "{}: {}.",
                w.status,
                super::status(legend, &d.status_now, lang)
            ));
            if let Some(i) = after {
                sentences.push(format!(
                    "{}: {}.",
                    w.responsible,
                    responsible_words(&i.responsible, lang)
                ));
            }
        }
        Fate::Withdrawn => sentences.push(w.withdrawn.to_string()),
        Fate::Unchanged => sentences.push(format!(
            "{} {}: {}.",
            w.unchanged,
            w.status,
            super::status(legend, &d.status_now, lang)
        )),
        Fate::Changed => {}
    }
    if let Some((a, b)) = &d.status {
        sentences.push(format!(
            "{}: {van} {} {naar} {}",
            w.status,
            super::status(legend, a, lang),
            super::status(legend, b, lang)
        ));
    }
    if let Some((a, b)) = &d.responsible {
        sentences.push(format!(
            "{}: {van} {} {naar} {}",
            w.responsible,
            responsible_words(a, lang),
            responsible_words(b, lang)
        ));
    }
    if d.tally.corrections > 0 && fate != Fate::Added {
        sentences.push(match (lang, d.tally.corrections) {
            (Lang::Nl, 1) => "Een eerdere vastlegging is gecorrigeerd.".to_string(),
            (Lang::Nl, n) => format!("{n} eerdere vastleggingen zijn gecorrigeerd."),
            (Lang::En, 1) => "An earlier record was corrected.".to_string(),
            (Lang::En, n) => format!("{n} earlier records were corrected."),
        });
    }
    let amended = match (before, after) {
        (Some(b), Some(a)) if fate == Fate::Changed => {
            let (old, new) = (strip(&b.text), strip(&a.text));
            (old != new).then(|| {
                text_change(
                    format!("{} {}", w.text, lang.pick("gewijzigd", "amended")),
                    old,
                    new,
                )
            })
        }
        _ => None,
    };
    let short = short_form(&d.text, d.key.as_str(), lang);
    let old_note = before.and_then(|b| b.note.as_ref());
    let new_note = after.and_then(|a| a.note.as_ref());
    let progress = match (fate, new_note) {
        // A new item's progress is new as a whole: shown, not marked.
        (Fate::Added, Some(n)) => Some(TextChange {
            label: format!("{} ({})", w.progress, super::day(n.effective, lang)),
            pieces: vec![Piece::Same(strip(&n.text))],
            excerpt: vec![Piece::Same(strip(&n.text))],
            old: String::new(),
            new: strip(&n.text),
        }),
        (Fate::Changed, Some(n)) if d.tally.notes > 0 => {
            let new = strip(&n.text);
            let old = old_note.map(|o| strip(&o.text));
            (old.as_ref() != Some(&new)).then(|| {
                text_change(
                    format!("{} ({})", w.progress, super::day(n.effective, lang)),
                    old.unwrap_or_default(),
                    new,
                )
            })
        }
        _ => None,
    };
    Entry {
        key: d.key.to_string(),
        kind: d.kind,
        fate,
        citation,
        // The whole text of a new item, when its short form was cut.
        text: (fate == Fate::Added && short.ends_with('…')).then(|| strip(&d.text)),
        short,
        sentences,
        status: (
            super::status(legend, &d.status_now, lang).into_owned(),
            super::colour(legend, &d.status_now),
        ),
        text_change: amended,
        progress,
        events: d
            .events
            .iter()
            .map(|e| event_sentence(legend, e, lang))
            .collect(),
        diff: d.clone(),
        ministries: now.map(|i| portfolios(&i.responsible)).unwrap_or_default(),
    }
}

fn side(view: &View, lang: Lang) -> String {
    let s = super::sentence(view, lang);
    if super::is_sealed(view) {
        s
    } else {
        format!("{s} ({})", lang.pick("niet verzegeld", "not sealed"))
    }
}

fn summary(d: &Diff, lang: Lang) -> String {
    let s = &d.summary;
    let mut parts: Vec<String> = Vec::new();
    let counted: [(usize, &str, &str, &str, &str); 5] = [
        (s.added, "nieuw", "nieuw", "new", "new"),
        (
            s.withdrawn,
            "ingetrokken",
            "ingetrokken",
            "withdrawn",
            "withdrawn",
        ),
        (
            s.status_changed,
            "andere status",
            "andere status",
            "with another status",
            "with another status",
        ),
        (
            s.responsible_changed,
            "andere verantwoordelijke",
            "andere verantwoordelijke",
            "with others responsible",
            "with others responsible",
        ),
        (
            d.items
                .iter()
                .filter(|i| i.tally.notes > 0 && !i.added)
                .count(),
            "bijgewerkte stand van zaken",
            "bijgewerkte stand van zaken",
            "with updated progress",
            "with updated progress",
        ),
    ];
    for (n, one_nl, many_nl, one_en, many_en) in counted {
        if n > 0 {
            let word = match (lang, n) {
                (Lang::Nl, 1) => one_nl,
                (Lang::Nl, _) => many_nl,
                (Lang::En, 1) => one_en,
                (Lang::En, _) => many_en,
            };
            parts.push(format!("{n} {word}"));
        }
    }
    let items = |n: usize| match lang {
        Lang::Nl if n == 1 => "1 item".to_string(),
        Lang::Nl => format!("{n} items"),
        Lang::En if n == 1 => "1 item".to_string(),
        Lang::En => format!("{n} items"),
    };
    let changed = items(s.items_changed);
    let unchanged = items(s.items_unchanged);
    match lang {
        Lang::Nl if parts.is_empty() => format!("Geen wijzigingen; {unchanged} ongewijzigd."),
        Lang::Nl => format!(
            "{changed} gewijzigd ({}); {unchanged} ongewijzigd.",
            parts.join(", ")
        ),
        Lang::En if parts.is_empty() => format!("No changes; {unchanged} unchanged."),
        Lang::En => format!(
            "{changed} changed ({}); {unchanged} unchanged.",
            parts.join(", ")
        ),
    }
}

/// The two sides compared and their difference.
#[derive(Debug, Clone, Copy)]
pub struct Sides<'a> {
    /// The earlier side.
    pub from: &'a View,
    /// The later side.
    pub to: &'a View,
    /// What differs.
    pub diff: &'a Diff,
}

/// The changes of `c` in one language, grouped as asked.
pub fn build(c: Sides<'_>, options: Options) -> Changes {
    let mut ch = head(c, options);
    let items = Items::of(c);
    for (group, members) in plan(c, options, &items) {
        let entries = members
            .into_iter()
            .map(|n| items.entry(c, n, options.lang))
            .collect();
        ch.groups.push(Group { entries, ..group });
    }
    ch
}

/// The two sides' items by id, as [`build`] looks each diff item up.
struct Items<'a> {
    before: BTreeMap<crate::domain::EventId, &'a ItemView>,
    after: BTreeMap<crate::domain::EventId, &'a ItemView>,
}

impl<'a> Items<'a> {
    fn of(c: Sides<'a>) -> Items<'a> {
        Items {
            before: c.from.items.iter().map(|i| (i.id, i)).collect(),
            after: c.to.items.iter().map(|i| (i.id, i)).collect(),
        }
    }

    /// The item on each side, when it exists there.
    fn sides(&self, d: &ItemDiff) -> (Option<&'a ItemView>, Option<&'a ItemView>) {
        (
            self.before.get(&d.id).copied().filter(|i| i.exists),
            self.after.get(&d.id).copied().filter(|i| i.exists),
        )
    }

    /// The entry of the `n`th item of the diff.
    fn entry(&self, c: Sides<'_>, n: usize, lang: Lang) -> Entry {
        let d = &c.diff.items[n];
        let (b, a) = self.sides(d);
        entry(c.to.legend(), b, a, d, lang)
    }

    /// The entry of the `n`th item, its events read from `events` when
    /// given (the diff itself then lists none).
    fn entry_with(
        &self,
        c: Sides<'_>,
        n: usize,
        lang: Lang,
        events: Option<Events<'_>>,
    ) -> std::io::Result<Entry> {
        let Some(read) = events else {
            return Ok(self.entry(c, n, lang));
        };
        let mut d = c.diff.items[n].clone();
        d.events = read(&d)?;
        let (b, a) = self.sides(&d);
        Ok(entry(c.to.legend(), b, a, &d, lang))
    }
}

/// Where a diff written an item at a time ([`write_to`], [`json_to`]) reads
/// the events recorded about an item between the two sides, when they were
/// not listed in the diff beforehand: listing them all first would hold
/// every event in between in memory at once (on a large ledger, hundreds
/// of thousands).
pub type Events<'a> =
    &'a dyn Fn(&ItemDiff) -> std::io::Result<Vec<crate::projection::TimelineEntry>>;

/// The groups of the changes, sections in order, each without its entries
/// but with the diff items (by index) that make them: what [`build`] fills
/// in, and what [`write_to`] writes one entry at a time.
fn plan(c: Sides<'_>, options: Options, items: &Items<'_>) -> Vec<(Group, Vec<usize>)> {
    let lang = options.lang;
    let table = Ministries::builtin();
    let mut groups = Vec::new();
    for kind in [ItemKind::Motie, ItemKind::Toezegging] {
        let members: Vec<usize> = (0..c.diff.items.len())
            .filter(|&n| c.diff.items[n].kind == kind)
            .collect();
        if members.is_empty() {
            continue;
        }
        let group = |ministry: Option<String>| Group {
            kind,
            section: section(kind, lang).to_string(),
            ministry,
            entries: Vec::new(),
        };
        if options.by_ministry {
            // An entry's ministries are those of the item on the later side
            // (the earlier, if withdrawn).
            let ministries = |n: usize| {
                let (b, a) = items.sides(&c.diff.items[n]);
                a.or(b)
                    .map(|i| portfolios(&i.responsible))
                    .unwrap_or_default()
            };
            let mut by: BTreeMap<Vec<String>, Vec<usize>> = BTreeMap::new();
            let mut order: Vec<Vec<String>> = Vec::new();
            for n in members {
                let m = ministries(n);
                if !order.contains(&m) {
                    order.push(m.clone());
                }
                by.entry(m).or_default().push(n);
            }
            // Ministries by name; items without anyone responsible last.
            order.sort_by_key(|m| (m.is_empty(), ministry_heading(m, &table, lang)));
            for m in order {
                let members = by.remove(&m).unwrap_or_default();
                groups.push((group(Some(ministry_heading(&m, &table, lang))), members));
            }
        } else {
            groups.push((group(None), members));
        }
    }
    groups
}

/// The changes of `c` without their groups: title, sides, summary and
/// footer.
fn head(c: Sides<'_>, options: Options) -> Changes {
    let lang = options.lang;
    let w = words(lang);
    let mut footer = Vec::new();
    let mut checks = Vec::new();
    for (label, view) in [(w.from, c.from), (w.to, c.to)] {
        match &view.basis {
            Basis::Round(r) if view.effective.is_none() => {
                let check = super::check(&r.name, &r.digest.hex(), lang);
                footer.push(format!("{label}: {}", check.line()));
                checks.push(check);
            }
            _ => footer.push(format!("{label}: {}", w.not_sealed)),
        }
    }
    let sealed = super::is_sealed(c.from) && super::is_sealed(c.to);
    Changes {
        lang,
        title: format!("{} — {}", w.title, c.to.programme.name),
        programme: c.to.programme.title.clone(),
        from: side(c.from, lang),
        to: side(c.to, lang),
        concept: (!sealed).then(|| w.concept.to_string()),
        summary: summary(c.diff, lang),
        nothing: c.diff.items.is_empty().then(|| w.nothing.to_string()),
        groups: Vec::new(),
        footer,
        checks,
    }
}

impl Changes {
    /// The label of "From"/"To", "Status", … in this language.
    pub fn word(&self, which: Word) -> &'static str {
        let w = words(self.lang);
        match which {
            Word::From => w.from,
            Word::To => w.to,
            Word::Footer => w.footer,
            Word::Recorded => w.recorded,
            Word::Status => w.status,
            Word::Progress => w.progress,
        }
    }
}

/// The words a renderer needs besides the model's sentences.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Word {
    /// "Van" / "From".
    From,
    /// "Tot" / "To".
    To,
    /// "Voor controleurs" / "For auditors".
    Footer,
    /// "Vastgelegd in deze periode".
    Recorded,
    /// "Status".
    Status,
    /// "Stand van zaken" / "Progress".
    Progress,
}

/// A piece's text on one line: every run of white space one space.
pub fn flat(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars() {
        if c.is_whitespace() {
            space = true;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    if space {
        out.push(' ');
    }
    out
}

/// The pieces on one line each, with a space between a change and the word
/// it would otherwise touch (a piece that does not end in white space ends
/// one side's text, and the next piece is another word).
pub fn spaced(pieces: &[Piece]) -> Vec<Piece> {
    let mut out: Vec<Piece> = Vec::new();
    for p in pieces {
        let t = flat(p.text());
        if t.trim().is_empty() {
            continue;
        }
        if out
            .last()
            .is_some_and(|l| !l.text().ends_with(' ') && !t.starts_with(' '))
        {
            out.push(Piece::Same(" ".into()));
        }
        out.push(match p {
            Piece::Same(_) => Piece::Same(t),
            Piece::Added(_) => Piece::Added(t),
            Piece::Removed(_) => Piece::Removed(t),
        });
    }
    out
}

/// Writes pieces with `mark(kind, core)` around the words of a change
/// (its white space outside the marks), a space between a change and the
/// word it would otherwise touch.
fn marked(pieces: &[Piece], mark: &dyn Fn(&Piece, &str) -> String) -> String {
    let mut out = String::new();
    for p in pieces {
        let t = flat(p.text());
        let core = t.trim();
        if core.is_empty() {
            continue;
        }
        // Pieces split between words: one that does not end in a space
        // ends a side's text, and the next piece is another word.
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
        out.push_str(&mark(p, core));
        if t.ends_with(' ') {
            out.push(' ');
        }
    }
    out.trim_end().to_string()
}

fn md_pieces(pieces: &[Piece]) -> String {
    marked(pieces, &|p, core| match p {
        Piece::Same(_) => md_escape(core),
        Piece::Added(_) => format!("**{}**", md_escape(core)),
        Piece::Removed(_) => format!("~~{}~~", md_escape(core)),
    })
}

/// The changes as Markdown, fit to paste into a letter: new words in bold,
/// removed words struck through.
pub fn markdown(ch: &Changes) -> String {
    whole(ch, &Markdown)
}

/// [`markdown`], in the parts [`whole`] and [`write_to`] put together.
struct Markdown;

impl Render for Markdown {
    fn head(&self, ch: &Changes, out: &mut String) {
        let _ = writeln!(out, "# {}\n", md_escape(&ch.title));
        if !ch.programme.is_empty() {
            let _ = writeln!(out, "{}\n", md_escape(&ch.programme));
        }
        if let Some(c) = &ch.concept {
            let _ = writeln!(out, "**{}**\n", md_escape(c));
        }
        let _ = writeln!(
            out,
            "{}: {}  \n{}: {}\n",
            ch.word(Word::From),
            md_escape(&ch.from),
            ch.word(Word::To),
            md_escape(&ch.to)
        );
        let _ = writeln!(out, "{}", md_escape(&ch.summary));
        if let Some(n) = &ch.nothing {
            let _ = writeln!(out, "\n{}", md_escape(n));
        }
    }

    fn group(&self, g: &Group, new_section: bool, out: &mut String) {
        if new_section {
            let _ = writeln!(out, "\n## {}", g.section);
        }
        if let Some(m) = &g.ministry {
            let _ = writeln!(out, "\n### {}", md_escape(m));
        }
    }

    fn entry(&self, e: &Entry, ch: &Changes, out: &mut String) {
        let cite = e
            .citation
            .as_ref()
            .map(|c| format!(" ({})", md_escape(c)))
            .unwrap_or_default();
        let _ = writeln!(out, "\n**{}**{cite}\n", md_escape(&e.short));
        if let Some(t) = &e.text {
            let _ = writeln!(out, "> {}\n", md_escape(&t.replace('\n', " ")));
        }
        for s in &e.sentences {
            let _ = writeln!(out, "- {}", md_escape(s));
        }
        for t in [&e.text_change, &e.progress].into_iter().flatten() {
            let _ = writeln!(out, "- {}: {}", md_escape(&t.label), md_pieces(&t.excerpt));
        }
        if !e.events.is_empty() {
            let _ = writeln!(out, "- {}:", ch.word(Word::Recorded));
            for ev in &e.events {
                let _ = writeln!(out, "  - {}", md_escape(ev));
            }
        }
    }

    fn tail(&self, ch: &Changes, out: &mut String) {
        let _ = writeln!(out, "\n---\n\n{}:\n", ch.word(Word::Footer));
        for f in &ch.footer {
            let _ = writeln!(out, "- {}", md_escape(f));
        }
    }
}

fn html_pieces(pieces: &[Piece]) -> String {
    marked(pieces, &|p, core| match p {
        Piece::Same(_) => esc(core),
        Piece::Added(_) => format!("<ins>{}</ins>", esc(core)),
        Piece::Removed(_) => format!("<del>{}</del>", esc(core)),
    })
}

const CSS: &str = "
body{font-family:'Segoe UI',Calibri,Arial,sans-serif;color:#1b1b1b;margin:24px;font-size:11pt;line-height:1.45;max-width:60em}
h1{font-size:16pt;color:#154273;margin:0 0 4px}
h2{font-size:13pt;color:#154273;border-bottom:2px solid #154273;padding-bottom:2px;margin-top:24px}
h3{font-size:11.5pt;color:#154273;margin:16px 0 4px}
.sub{margin:0;color:#333}.sides{margin:10px 0}.summary{font-weight:600}
.concept{border:2px solid #c62828;color:#c62828;font-weight:700;padding:6px 10px;margin:10px 0;display:inline-block}
.item{margin:14px 0 0;padding:8px 10px;border-left:5px solid #9e9e9e;background:#f6f8fb;break-inside:avoid}
.item .short{font-weight:600}.item .cite{color:#444}
.item ul{margin:6px 0 0;padding-left:1.3em}.item blockquote{margin:6px 0;color:#333;font-style:italic}
ins{background:#fff3b0;text-decoration:none;font-weight:600}del{color:#777}
footer{margin-top:24px;font-size:9pt;color:#444;word-break:break-all;border-top:1px solid #c8d3e0;padding-top:6px}
@page{size:A4;margin:16mm 14mm}
@media print{body{margin:0;font-size:10pt}.item,ins,.concept{-webkit-print-color-adjust:exact;print-color-adjust:exact}}
";

/// The changes as one self-contained HTML page: new words marked, removed
/// words struck through, each item edged in its status colour.
pub fn html(ch: &Changes) -> String {
    whole(ch, &Html)
}

/// [`html`], in the parts [`whole`] and [`write_to`] put together.
struct Html;

impl Render for Html {
    fn head(&self, ch: &Changes, out: &mut String) {
        let _ = write!(
            out,
            "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><title>{}</title><style>{CSS}</style></head><body>\n",
            ch.lang.code(),
            esc(&ch.title)
        );
        let _ = writeln!(out, "<header><h1>{}</h1>", esc(&ch.title));
        if !ch.programme.is_empty() {
            let _ = write!(out, "<p class=\"sub\">{}</p>", esc(&ch.programme));
        }
        if let Some(c) = &ch.concept {
            let _ = write!(out, "<p class=\"concept\">{}</p>", esc(c));
        }
        let _ = writeln!(
            out,
            "<p class=\"sides\">{}: {}<br>{}: {}</p><p class=\"summary\">{}</p></header>",
            ch.word(Word::From),
            esc(&ch.from),
            ch.word(Word::To),
            esc(&ch.to),
            esc(&ch.summary)
        );
        if let Some(n) = &ch.nothing {
            let _ = writeln!(out, "<p>{}</p>", esc(n));
        }
    }

    fn group(&self, g: &Group, new_section: bool, out: &mut String) {
        if new_section {
            let _ = writeln!(out, "<h2>{}</h2>", esc(&g.section));
        }
        if let Some(m) = &g.ministry {
            let _ = writeln!(out, "<h3>{}</h3>", esc(m));
        }
    }

    fn entry(&self, e: &Entry, ch: &Changes, out: &mut String) {
        let _ = write!(
            out,
            "<section class=\"item\" style=\"border-left-color:{}\"><p><span class=\"short\">{}</span>",
            e.status.1,
            esc(&e.short)
        );
        if let Some(c) = &e.citation {
            let _ = write!(out, " <span class=\"cite\">({})</span>", esc(c));
        }
        out.push_str("</p>");
        if let Some(t) = &e.text {
            let _ = write!(out, "<blockquote>{}</blockquote>", esc(t));
        }
        out.push_str("<ul>");
        for s in &e.sentences {
            let _ = write!(out, "<li>{}</li>", esc(s));
        }
        for t in [&e.text_change, &e.progress].into_iter().flatten() {
            let _ = write!(
                out,
                "<li>{}: {}</li>",
                esc(&t.label),
                html_pieces(&t.excerpt)
            );
        }
        if !e.events.is_empty() {
            let _ = write!(out, "<li>{}:<ul>", ch.word(Word::Recorded));
            for ev in &e.events {
                let _ = write!(out, "<li>{}</li>", esc(ev));
            }
            out.push_str("</ul></li>");
        }
        out.push_str("</ul></section>\n");
    }

    fn tail(&self, ch: &Changes, out: &mut String) {
        let _ = write!(out, "<footer><p>{}:</p><ul>", ch.word(Word::Footer));
        for f in &ch.footer {
            let _ = write!(out, "<li>{}</li>", esc(f));
        }
        out.push_str("</ul></footer>\n</body></html>\n");
    }
}

/// The changes as plain text for the terminal: new words between `{+ +}`,
/// removed words between `[- -]`.
pub fn table(ch: &Changes, look: &crate::report::table::Look) -> String {
    whole(ch, &Table(look))
}

/// A text of the changes in parts: its head, a group's headings, an
/// entry and its tail, so that the same text is made from a whole
/// [`Changes`] ([`whole`]) or written an entry at a time ([`write_to`]).
trait Render {
    /// Everything before the first group.
    fn head(&self, ch: &Changes, out: &mut String);
    /// A group's headings; `new_section` when it begins a section.
    fn group(&self, g: &Group, new_section: bool, out: &mut String);
    /// One entry.
    fn entry(&self, e: &Entry, ch: &Changes, out: &mut String);
    /// Everything after the last group.
    fn tail(&self, ch: &Changes, out: &mut String);
}

/// The text `r` makes of all of `ch`.
fn whole(ch: &Changes, r: &dyn Render) -> String {
    let mut out = String::new();
    r.head(ch, &mut out);
    let mut last_section = "";
    for g in &ch.groups {
        r.group(g, g.section != last_section, &mut out);
        last_section = &g.section;
        for e in &g.entries {
            r.entry(e, ch, &mut out);
        }
    }
    r.tail(ch, &mut out);
    out
}

/// The text of the changes of `c` in `format` (table, Markdown or HTML; a
/// table in `look`), written to `out` one entry at a time as each is
/// made: the same bytes as [`table`], [`markdown`] or [`html`] of
/// [`build`], without holding every entry (on a large ledger, every
/// item's changed texts word by word) or the whole text in memory at
/// once. JSON is [`json_to`]'s, a Word file
/// [`super::changes_office::docx_to`]'s (asked for either, this writes the
/// table).
pub fn write_to(
    c: Sides<'_>,
    options: Options,
    format: DiffFormat,
    look: &crate::report::table::Look,
    events: Option<Events<'_>>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let table = Table(look);
    let r: &dyn Render = match format {
        DiffFormat::Md => &Markdown,
        DiffFormat::Html => &Html,
        DiffFormat::Table | DiffFormat::Json | DiffFormat::Docx => &table,
    };
    // The head and a group's headings go out with the entry after them:
    // when reading the first entry's events fails, nothing is written.
    let mut text = String::new();
    walk(c, options, events, &mut |step| {
        match step {
            Step::Head(ch) => r.head(ch, &mut text),
            Step::Group(_, g, new_section) => r.group(g, new_section, &mut text),
            Step::Entry(ch, e) => r.entry(e, ch, &mut text),
            Step::Tail(ch) => r.tail(ch, &mut text),
        }
        if matches!(step, Step::Entry(..) | Step::Tail(_)) {
            out.write_all(text.as_bytes())?;
            text.clear();
        }
        Ok::<(), std::io::Error>(())
    })
}

/// One step of the changes as [`walk`] hands them over.
#[derive(Debug, Clone, Copy)]
pub enum Step<'s> {
    /// Before the first group: the changes without their groups.
    Head(&'s Changes),
    /// A group begins (its entries follow); true when it begins a section.
    Group(&'s Changes, &'s Group, bool),
    /// The next entry of the group.
    Entry(&'s Changes, &'s Entry),
    /// After the last group.
    Tail(&'s Changes),
}

/// Hands the changes of `c` to `step` in the order they are written, an
/// entry at a time, each made (with `events`, its events read) only when
/// its turn comes and let go after: what [`write_to`] and the Word file
/// ([`super::changes_office::docx_to`]) are written from. The groups
/// handed over have no entries; the entries follow them.
pub fn walk<E: From<std::io::Error>>(
    c: Sides<'_>,
    options: Options,
    events: Option<Events<'_>>,
    step: &mut dyn FnMut(Step<'_>) -> Result<(), E>,
) -> Result<(), E> {
    let ch = head(c, options);
    let items = Items::of(c);
    step(Step::Head(&ch))?;
    let mut last_section = String::new();
    for (g, members) in plan(c, options, &items) {
        step(Step::Group(&ch, &g, g.section != last_section))?;
        last_section = g.section;
        for n in members {
            let e = items.entry_with(c, n, options.lang, events)?;
            step(Step::Entry(&ch, &e))?;
        }
    }
    step(Step::Tail(&ch))
}

fn visible(s: &str) -> String {
    crate::domain::text::visible(s).into_owned()
}

/// One line at `indent` spaces; with --wide on a terminal, wrapped to its
/// width with the continuation under the text.
fn put(look: &crate::report::table::Look, out: &mut String, indent: usize, s: &str) {
    let _ = writeln!(out, "{}{}", " ".repeat(indent), look.fold(s, indent));
}

/// [`table`], in the parts [`whole`] and [`write_to`] put together.
struct Table<'a>(&'a crate::report::table::Look);

impl Render for Table<'_> {
    fn head(&self, ch: &Changes, out: &mut String) {
        let look = self.0;
        let v = visible;
        put(look, out, 0, &v(&ch.title));
        if let Some(c) = &ch.concept {
            put(look, out, 0, &v(c));
        }
        put(
            look,
            out,
            0,
            &format!("{}: {}", ch.word(Word::From), v(&ch.from)),
        );
        put(
            look,
            out,
            0,
            &format!("{}: {}", ch.word(Word::To), v(&ch.to)),
        );
    }

    fn group(&self, g: &Group, new_section: bool, out: &mut String) {
        if new_section {
            let _ = writeln!(out, "\n== {}", g.section);
        }
        if let Some(m) = &g.ministry {
            let _ = writeln!(out, "\n-- {}", visible(m));
        }
    }

    fn entry(&self, e: &Entry, ch: &Changes, out: &mut String) {
        let look = self.0;
        let v = visible;
        let cite = e
            .citation
            .as_ref()
            .map(|c| format!(" ({})", v(c)))
            .unwrap_or_default();
        out.push('\n');
        put(look, out, 0, &format!("{}{cite}", v(&e.short)));
        if let Some(t) = &e.text {
            put(look, out, 2, &format!("\"{}\"", v(&t.replace('\n', " "))));
        }
        for s in &e.sentences {
            let line = look.fold(&v(s), 2);
            let line = if e.fate == Fate::Unchanged || e.fate == Fate::Added {
                // The status shown with its colour marker on a terminal.
                line.replacen(&e.status.0, &look.status(Some(&e.status.1), &e.status.0), 1)
            } else {
                line
            };
            let _ = writeln!(out, "  {line}");
        }
        for t in [&e.text_change, &e.progress].into_iter().flatten() {
            let s = marked(&t.excerpt, &|p, core| match p {
                Piece::Same(_) => v(core),
                Piece::Added(_) => format!("{{+{}+}}", v(core)),
                Piece::Removed(_) => format!("[-{}-]", v(core)),
            });
            put(look, out, 2, &format!("{}: {s}", v(&t.label)));
        }
        if !e.events.is_empty() {
            let _ = writeln!(out, "  {}:", ch.word(Word::Recorded));
            for ev in &e.events {
                put(look, out, 4, &v(ev));
            }
        }
    }

    fn tail(&self, ch: &Changes, out: &mut String) {
        let look = self.0;
        if let Some(n) = &ch.nothing {
            out.push('\n');
            put(look, out, 0, n);
        }
        out.push('\n');
        put(look, out, 0, &visible(&ch.summary));
        let _ = writeln!(out, "{}:", ch.word(Word::Footer));
        for f in &ch.footer {
            put(look, out, 2, f);
        }
    }
}

fn pieces_json(pieces: &[Piece]) -> Value {
    serde_json::to_value(pieces).unwrap_or(Value::Null)
}

fn text_change_json(t: &TextChange) -> Value {
    json!({
        "from": t.old,
        "to": t.new,
        "words": pieces_json(&t.pieces),
    })
}

/// The changes as JSON: the machine data of every item (keys, ids, slugs,
/// counts, the latest note with its seq, the events with `--events`) and
/// the letter's words beside them (schema/diff.schema.json).
pub fn json(c: Sides<'_>, ch: &Changes) -> String {
    let by_key: BTreeMap<&str, &Entry> = ch
        .groups
        .iter()
        .flat_map(|g| g.entries.iter())
        .map(|e| (e.key.as_str(), e))
        .collect();
    let entry = |_: usize, i: &ItemDiff| Ok(by_key.get(i.key.as_str()).map(|e| Cow::Borrowed(*e)));
    let mut out = Vec::new();
    // Writing into memory cannot fail, and serde_json writes UTF-8.
    let _ = write_json(c, ch, &entry, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`json()`] of the changes of `c`, written to `out` as it is made: each
/// item's entry and JSON are made and written in turn, so that a diff of
/// many items never holds all their entries, their JSON or the whole text
/// in memory at once. The bytes are those of [`json()`] of [`build`].
pub fn json_to(
    c: Sides<'_>,
    options: Options,
    events: Option<Events<'_>>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let ch = head(c, options);
    let items = Items::of(c);
    // Every item of the diff has its entry (in a group of its kind).
    let entry = |n: usize, _: &ItemDiff| {
        items
            .entry_with(c, n, options.lang, events)
            .map(|e| Some(Cow::Owned(e)))
    };
    write_json(c, &ch, &entry, out)
}

/// An item's entry, borrowed from a whole model or made for it alone.
type EntryOf<'e> = Option<Cow<'e, Entry>>;

/// What [`json`] and [`json_to`] write: the head of `ch` (its groups are
/// not read) and per item of the diff its machine data with the words of
/// its entry, `entry(index, item)`.
fn write_json<'e>(
    c: Sides<'_>,
    ch: &Changes,
    entry: &dyn Fn(usize, &ItemDiff) -> std::io::Result<EntryOf<'e>>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use serde::Serialize as _;
    use serde::ser::SerializeMap;
    use std::io::Write as _;
    let legend = c.to.legend();
    let status_json = |slug: &str| match legend.get(slug) {
        Some(e) => {
            json!({"slug": e.slug, "nl": e.nl, "en": super::label(e, Lang::En), "colour": e.colour})
        }
        None => json!({"slug": slug, "nl": slug, "en": slug, "colour": null}),
    };
    let item = |n: usize, i: &ItemDiff| {
        let e = entry(n, i)?;
        let e = e.as_deref();
        Ok::<_, std::io::Error>(json!({
            "key": i.key.as_str(),
            "id": i.id.hex(),
            "kind": i.kind.slug(),
            "text": i.text,
            "added": i.added,
            "withdrawn": i.withdrawn,
            "status": i.status.as_ref().map(|(a, b)| json!({"from": status_json(a), "to": status_json(b)})),
            "responsible": i.responsible.as_ref().map(|(a, b)| json!({"from": a, "to": b})),
            "status_now": status_json(&i.status_now),
            "counts": i.tally,
            "latest_note": i.latest_note.as_ref().map(crate::report::note_view_json),
            // The entry's own copy when it read the item's events itself.
            "events": e.map_or(&i.events, |e| &e.diff.events),
            "fate": e.map(|e| e.fate),
            "short": e.map(|e| e.short.clone()),
            "citation": e.and_then(|e| e.citation.clone()),
            "ministries": e.map(|e| e.ministries.clone()).unwrap_or_default(),
            "sentences": e.map(|e| e.sentences.clone()).unwrap_or_default(),
            "text_change": e.and_then(|e| e.text_change.as_ref()).map(text_change_json),
            "progress": e.and_then(|e| e.progress.as_ref()).map(text_change_json),
        }))
    };
    let head = json!({
        "programme": c.to.programme.name,
        "lang": ch.lang.code(),
        "title": ch.title,
        "from": c.from.to_json(),
        "to": c.to.to_json(),
        "sides": {"from": ch.from, "to": ch.to},
        "concept": ch.concept.is_some(),
        "checks": ch.checks.iter().map(|k| json!({"label": k.label, "digest": k.digest})).collect::<Vec<_>>(),
        "summary": c.diff.summary,
        "summary_sentence": ch.summary,
    });
    let Value::Object(head) = head else {
        return Ok(());
    };
    // The document as one JSON object would be written: its keys in order
    // (serde_json's map is sorted), "items" among them, written item by
    // item.
    struct Items<'a, F>(&'a [ItemDiff], &'a F);
    impl<F: Fn(usize, &ItemDiff) -> std::io::Result<Value>> serde::Serialize for Items<'_, F> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::{Error as _, SerializeSeq};
            let mut seq = s.serialize_seq(Some(self.0.len()))?;
            for (n, i) in self.0.iter().enumerate() {
                seq.serialize_element(&(self.1)(n, i).map_err(S::Error::custom)?)?;
            }
            seq.end()
        }
    }
    struct Doc<'a, F> {
        head: &'a serde_json::Map<String, Value>,
        items: Items<'a, F>,
    }
    impl<F: Fn(usize, &ItemDiff) -> std::io::Result<Value>> serde::Serialize for Doc<'_, F> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            const ITEMS: &str = "items";
            let mut map = s.serialize_map(Some(self.head.len() + 1))?;
            let mut written = false;
            for (k, v) in self.head {
                if !written && k.as_str() > ITEMS {
                    map.serialize_entry(ITEMS, &self.items)?;
                    written = true;
                }
                map.serialize_entry(k, v)?;
            }
            if !written {
                map.serialize_entry(ITEMS, &self.items)?;
            }
            map.end()
        }
    }
    let doc = Doc {
        head: &head,
        items: Items(&c.diff.items, &item),
    };
    let mut w = std::io::BufWriter::new(out);
    let mut ser =
        serde_json::Serializer::with_formatter(&mut w, serde_json::ser::PrettyFormatter::new());
    doc.serialize(&mut ser).map_err(std::io::Error::from)?;
    w.write_all(b"\n")?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_forms_keep_who_and_what() {
        let m = "Motie van het lid Kortenhoeven c.s.; De Tweede Kamer verzoekt de regering gemeenten te ondersteunen bij het jaarlijks oefenen van een uitval van hun digitale dienstverlening en de Kamer over de uitkomsten te rapporteren.";
        assert_eq!(
            short_form(m, "M1", Lang::Nl),
            "Motie van het lid Kortenhoeven c.s.: verzoekt de regering gemeenten te ondersteunen bij het jaarlijks oefenen van een uitval van hun digitale dienstverlening en …"
        );
        assert_eq!(
            short_form("De minister stuurt een brief.", "T1", Lang::Nl),
            "De minister stuurt een brief."
        );
        assert_eq!(short_form("", "M2", Lang::Nl), "(tekst ontbreekt) (M2)");
        assert_eq!(short_form(" ", "M2", Lang::En), "(text missing) (M2)");
    }

    #[test]
    fn an_excerpt_keeps_the_changed_sentence_and_marks_the_rest() {
        let old = "Eén. Twee. Drie. Vier.";
        let new = "Eén. Twee. Drie. Vier. Vijf is nieuw.";
        let e = excerpt(&worddiff::diff(old, new));
        assert_eq!(
            e,
            vec![
                Piece::Same("… ".into()),
                Piece::Added("Vijf is nieuw.".into())
            ]
        );
        // A word changed mid-text: its sentence stays whole, the others go.
        let old = "Eén. De pilot loopt tot april 2027. Drie. Vier.";
        let new = "Eén. De pilot loopt tot juni 2027. Drie. Vier.";
        let e = excerpt(&worddiff::diff(old, new));
        let shown: String = e
            .iter()
            .map(|p| match p {
                Piece::Same(t) => t.clone(),
                Piece::Added(t) => format!("+{t}"),
                Piece::Removed(t) => format!("-{t}"),
            })
            .collect();
        assert_eq!(shown, "… De pilot loopt tot -april +juni 2027. … ");
    }

    #[test]
    fn sentences_split_after_their_mark() {
        assert_eq!(
            sentence_parts("A b. C d? E\n\nF."),
            vec!["A b. ", "C d? ", "E\n\nF."]
        );
    }
}
