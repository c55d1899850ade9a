//! Renderers: turn a [`State`](crate::projection::State), an item, the event log or a verification
//! report into terminal tables or JSON. Output is deterministic: items sorted
//! by kind and key, events by seq. The JSON shapes are documented in
//! `schema/json-output.md`.
//!
//! Text for people shows stored text through `v` (and tables do so for
//! every cell): a control character, bidi control or tag character in the
//! ledger is printed as an escape (`\u{1b}`), so a stored escape sequence
//! cannot clear the screen, rewrite a line or reorder a name. JSON carries
//! the text exactly (its escaping makes it inert).

pub mod accounts;
pub mod import;
pub mod letter;
pub mod logstream;
pub mod proof_check;
pub mod table;
pub mod verification;
pub mod viewline;
mod words;

use crate::domain::{EventBody, ItemKind, Legend, Replacement};
use crate::ledger::index::IndexReport;
use crate::ledger::{Recorded, VerifyReport};
use crate::projection::{
    Change, Diff, ItemState, ItemView, Note, NoteView, Round, TimelineEntry, View,
};
use letter::Lang;
use serde::Serialize;
use serde_json::{Value, json};
use std::borrow::Cow;
use table::{Look, Table};
pub use viewline::view_line;
use words::words;

/// Stored text as it is shown to people (see the module documentation).
fn v(s: &str) -> Cow<'_, str> {
    crate::domain::text::visible(s)
}

/// Output format of read commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "cli", derive(clap::ValueEnum))]
pub enum Format {
    /// Aligned text for the terminal.
    Table,
    /// JSON, one document (schema/json-output.md).
    Json,
    /// Markdown, fit to paste into a letter (diff only).
    Md,
}

/// The Dutch label of a status slug (the slug itself if the legend lacks it).
pub fn label<'a>(legend: &'a Legend, slug: &'a str) -> &'a str {
    legend.get(slug).map_or(slug, |e| e.nl.as_str())
}

/// The legend's colour of a status slug (`#rrggbb`), if the legend has it.
fn colour_of<'a>(legend: &'a Legend, slug: &str) -> Option<&'a str> {
    legend.get(slug).map(|e| e.colour.as_str())
}

/// The Dutch label of a status, with its coloured marker when `look` has
/// colour.
fn status_label(look: &Look, legend: &Legend, slug: &str) -> String {
    look.status(colour_of(legend, slug), &label_in(legend, slug, look.lang))
}

fn status_json(legend: &Legend, slug: &str) -> Value {
    match legend.get(slug) {
        Some(e) => json!({"slug": e.slug, "nl": e.nl, "en": e.en, "colour": e.colour}),
        None => json!({"slug": slug, "nl": slug, "en": slug, "colour": null}),
    }
}

fn note_json(n: &Note) -> Value {
    note_view_json(&NoteView::from(n))
}

pub(crate) fn note_view_json(n: &NoteView) -> Value {
    json!({
        "seq": n.seq,
        "effective": n.effective.to_string(),
        "recorded_at": n.recorded_at.rfc3339(),
        "actor": n.actor,
        "text": n.text,
        "citations": n.citations,
    })
}

/// One item as JSON (without its timeline), on the view's effective day.
pub fn item_json(view: &View, it: &ItemView) -> Value {
    let legend = view.legend();
    json!({
        "key": it.key.as_str(),
        "id": it.id.hex(),
        "kind": it.kind.slug(),
        "text": it.text,
        "submitters": it.submitters,
        "citations": it.citations.iter().map(|c| crate::domain::KamerstukRef::parse(c)).collect::<Vec<_>>(),
        "status": status_json(legend, &it.status),
        "responsible": it.responsible,
        "latest_note": it.note.as_ref().map(note_view_json),
    })
}

/// The items of a view as a JSON array, each item made as it is written.
struct EachItem<'a> {
    view: &'a View,
    items: &'a [&'a ItemView],
}

impl Serialize for EachItem<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.items.len()))?;
        for it in self.items {
            seq.serialize_element(&item_json(self.view, it))?;
        }
        seq.end()
    }
}

fn to_string_pretty(v: &impl Serialize) -> String {
    let mut s =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The overview: items grouped Moties / Toezeggingen with status,
/// responsible and latest progress, as the view shows them.
pub fn overview(view: &View, format: Format) -> String {
    overview_with(view, format, &Look::PLAIN)
}

/// [`overview`] for a terminal: status markers in colour, fit to its width.
pub fn overview_with(view: &View, format: Format, look: &Look) -> String {
    let legend = view.legend();
    if format == Format::Json {
        return json_string(|out| overview_json_to(view, out));
    }
    let items: Vec<&ItemView> = view.existing().collect();
    if view.chain.events == 0 {
        return v(&viewline::nothing_recorded(view, None, look.lang)).into_owned();
    }
    if let Some(none) = viewline::no_match(view, look.lang) {
        return v(&none).into_owned();
    }
    let mut out = format!(
        "{} — {}\n{}\n",
        v(&view.programme.name),
        v(&view.programme.title),
        look.fold(&v(&view_line(view, look.lang)), 0)
    );
    // A view filtered to one kind shows only that kind's section.
    let only = view.filter.as_ref().and_then(|f| f.filter.kind);
    for kind in [ItemKind::Motie, ItemKind::Toezegging]
        .into_iter()
        .filter(|k| only.is_none_or(|o| o == *k))
    {
        let lang = look.lang;
        let mut t = Table::new(
            &[
                lang.pick("kenmerk", "key"),
                "status",
                lang.pick("verantwoordelijk", "responsible"),
                lang.pick("stand van zaken", "progress"),
            ],
            &[0, 32, 20, 60],
        );
        for it in items.iter().filter(|i| i.kind == kind) {
            t.row(vec![
                it.key.to_string(),
                label_in(legend, &it.status, lang).into_owned(),
                letter::changes::parties(&it.responsible, lang),
                it.note
                    .as_ref()
                    .map_or("-".to_string(), |n| format!("{}: {}", n.effective, n.text)),
            ]);
            t.mark(1, colour_of(legend, &it.status));
        }
        out.push_str(&format!("\n{}\n", letter::changes::section(kind, lang)));
        if t.is_empty() {
            out.push_str(lang.pick("(geen)\n", "(none)\n"));
        } else {
            out.push_str(&t.render_with(look));
        }
    }
    out.push_str(&format!(
        "\n{}\n",
        look.fold(&v(&status_summary(view, &items, look.lang)), 0)
    ));
    out
}

/// A status's label in `lang` (its slug when the legend lacks it).
pub(crate) fn label_in<'a>(legend: &'a Legend, slug: &'a str, lang: Lang) -> Cow<'a, str> {
    legend
        .get(slug)
        .map_or(Cow::Borrowed(slug), |e| letter::label(e, lang))
}

fn status_summary(view: &View, items: &[&ItemView], lang: Lang) -> String {
    let legend = view.legend();
    let parts: Vec<String> = legend
        .entries
        .iter()
        .filter_map(|e| {
            let n = items.iter().filter(|i| i.status == e.slug).count();
            (n > 0).then(|| format!("{n} {}", letter::label(e, lang)))
        })
        .collect();
    format!(
        "{} items{}{}",
        items.len(),
        if parts.is_empty() { "" } else { ": " },
        parts.join(", ")
    )
}

/// The overview as JSON (what [`overview`] gives with [`Format::Json`]),
/// written to `out` an item at a time: on a large ledger the text of every
/// item at once weighs tens of megabytes.
pub fn overview_json_to(view: &View, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let items: Vec<&ItemView> = view.existing().collect();
    // Keys in the order serde_json sorts a map's, so that the output is
    // what one JSON value would give, without holding one for every item.
    #[derive(Serialize)]
    struct Doc<'a> {
        items: EachItem<'a>,
        legend: Value,
        programme: &'a str,
        title: &'a str,
        view: Value,
    }
    pretty_to(
        &Doc {
            items: EachItem {
                view,
                items: &items,
            },
            legend: serde_json::to_value(&view.legend().entries).unwrap_or(Value::Null),
            programme: &view.programme.name,
            title: &view.programme.title,
            view: view.to_json(),
        },
        out,
    )
}

/// The item list as JSON (what [`item_list`] gives with [`Format::Json`]),
/// written to `out` an item at a time.
pub fn item_list_json_to(view: &View, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    /// The items of the list, each made as it is written.
    struct Each<'a>(&'a View);
    impl Serialize for Each<'_> {
        fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            use serde::ser::SerializeSeq;
            let legend = self.0.legend();
            let mut seq = s.serialize_seq(None)?;
            for it in self.0.existing() {
                seq.serialize_element(&json!({
                    "key": it.key.as_str(),
                    "id": it.id.hex(),
                    "kind": it.kind.slug(),
                    "status": status_json(legend, &it.status),
                    "responsible": it.responsible,
                    "text": it.text,
                }))?;
            }
            seq.end()
        }
    }
    #[derive(Serialize)]
    struct Doc<'a> {
        items: Each<'a>,
        view: Value,
    }
    pretty_to(
        &Doc {
            items: Each(view),
            view: view.to_json(),
        },
        out,
    )
}

/// `v` as pretty JSON and a newline, written to `out` as it is made (the
/// text [`to_string_pretty`] gives).
fn pretty_to(v: &impl Serialize, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, v)?;
    out.write_all(b"\n")
}

/// The text `write` writes, for the renderers that return a string.
fn json_string(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut buf = Vec::new();
    match write(&mut buf) {
        Ok(()) => String::from_utf8(buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
        Err(e) => format!("{{\"error\": \"{e}\"}}\n"),
    }
}

/// The list of items with key, id, kind, status and responsible.
pub fn item_list(view: &View, format: Format) -> String {
    item_list_with(view, format, &Look::PLAIN)
}

/// [`item_list`] for a terminal: status markers in colour, fit to its width.
pub fn item_list_with(view: &View, format: Format, look: &Look) -> String {
    let legend = view.legend();
    if format == Format::Json {
        return json_string(|out| item_list_json_to(view, out));
    }
    let items: Vec<&ItemView> = view.existing().collect();
    let w = words(look.lang);
    let mut t = Table::new(&w.list, &[0, 0, 32, 20, 0, 50]);
    for it in items {
        t.row(vec![
            it.key.to_string(),
            it.kind.to_string(),
            label_in(legend, &it.status, look.lang).into_owned(),
            it.responsible.to_string(),
            it.id.hex(),
            if it.text.is_empty() {
                w.no_text.into()
            } else {
                it.text.clone()
            },
        ]);
        t.mark(2, colour_of(legend, &it.status));
    }
    if view.chain.events == 0 {
        return v(&viewline::nothing_recorded(view, None, look.lang)).into_owned();
    }
    if let Some(none) = viewline::no_match(view, look.lang) {
        return v(&none).into_owned();
    }
    if t.is_empty() {
        let hint = match view.basis {
            crate::projection::Basis::Current if view.effective.is_none() => w.add_one,
            _ => "",
        };
        return format!(
            "{}\n{}{hint}\n",
            look.fold(&v(&view_line(view, look.lang)), 0),
            w.no_items
        );
    }
    format!(
        "{}\n\n{}",
        look.fold(&v(&view_line(view, look.lang)), 0),
        t.render_with(look)
    )
}

fn replacement_text(legend: &Legend, lang: Lang, r: &Replacement) -> String {
    let w = words(lang);
    if r.retract {
        return w.retracted.into();
    }
    let mut parts = Vec::new();
    if let Some(s) = &r.status {
        parts.push(format!("status {}", label_in(legend, s, lang)));
    }
    if let Some(p) = &r.responsible {
        parts.push(format!("{} {p}", w.responsible));
    }
    if let Some(n) = &r.note {
        parts.push(format!("{} \"{n}\"", w.note));
    }
    if let Some(d) = r.effective {
        parts.push(format!("{} {d}", w.effective));
    }
    parts.join(", ")
}

/// A one-line description of a timeline change.
pub fn describe(legend: &Legend, lang: Lang, change: &Change) -> String {
    let reason = |r: &Option<String>| r.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
    let w = words(lang);
    match change {
        Change::Registered {
            status,
            responsible,
        } => format!(
            "{}: status {}, {} {responsible}",
            w.registered,
            label_in(legend, status, lang),
            w.responsible
        ),
        Change::Status {
            from,
            to,
            reason: r,
        } => format!(
            "status {} → {}{}",
            label_in(legend, from, lang),
            label_in(legend, to, lang),
            reason(r)
        ),
        Change::Responsible {
            from,
            to,
            reason: r,
        } => {
            format!("{} {from} → {to}{}", w.responsible, reason(r))
        }
        Change::Note { text, .. } => format!("{}: {text}", w.note),
        Change::Amended {
            text,
            citations,
            submitters,
            reason: r,
        } => {
            let [t, c, s] = w.amended_fields;
            let mut what = Vec::new();
            if text.is_some() {
                what.push(t);
            }
            if citations.is_some() {
                what.push(c);
            }
            if submitters.is_some() {
                what.push(s);
            }
            format!("{} {}{}", w.amended, what.join(", "), reason(r))
        }
        Change::Corrected {
            target_seq,
            reason,
            replacement,
            ..
        } => format!(
            "{} seq {target_seq}: {} ({reason})",
            w.corrects,
            replacement_text(legend, lang, replacement)
        ),
        Change::Detailed {
            deadline,
            made_on,
            made_in,
            previous_responsible,
            reason: r,
        } => format!(
            "{}: {}{}",
            w.details,
            details_text(
                lang,
                *deadline,
                *made_on,
                made_in.as_deref(),
                previous_responsible.as_ref()
            ),
            reason(r)
        ),
    }
}

/// What an item's details say, in a few words.
fn details_text(
    lang: Lang,
    deadline: Option<crate::domain::Day>,
    made_on: Option<crate::domain::Day>,
    made_in: Option<&str>,
    previous: Option<&crate::domain::Responsible>,
) -> String {
    let w = words(lang);
    let made = w.made;
    let mut parts = Vec::new();
    if let Some(d) = deadline {
        parts.push(format!("{} {d}", w.deadline));
    }
    if let Some(d) = made_on {
        parts.push(format!("{made} {} {d}", w.on));
    }
    if let Some(m) = made_in {
        parts.push(format!("{made} {} {m}", w.made_in));
    }
    if let Some(p) = previous {
        parts.push(format!("{} {p}", w.previously));
    }
    parts.join(", ")
}

/// The first round of the view sealed after `it` was registered: the
/// letter it was first reported in.
fn first_reported<'a>(view: &'a View, it: &ItemState) -> Option<&'a Round> {
    view.rounds.iter().find(|r| r.seq > it.registered_seq)
}

/// The item card and its full timeline, as the view shows them.
pub fn show(view: &View, it: &ItemState, format: Format) -> String {
    show_with(view, it, format, &Look::PLAIN)
}

/// [`show`] for a terminal: the status in colour, the timeline fit to its
/// width.
pub fn show_with(view: &View, it: &ItemState, format: Format, look: &Look) -> String {
    let legend = view.legend();
    let day = view.effective;
    if format == Format::Json {
        let mut v = item_json(view, &ItemView::of(it, day));
        if let Value::Object(m) = &mut v {
            m.insert("withdrawn".into(), Value::Bool(it.withdrawn));
            m.insert("exists".into(), Value::Bool(it.exists_on(day)));
            m.insert("effective".into(), json!(it.effective));
            m.insert("deadline".into(), json!(it.deadline));
            m.insert("made_on".into(), json!(it.made_on));
            m.insert("made_in".into(), json!(it.made_in));
            m.insert(
                "previous_responsible".into(),
                json!(it.previous_responsible),
            );
            m.insert(
                "first_reported".into(),
                first_reported(view, it).map_or(
                    Value::Null,
                    |r| json!({"round": r.name, "reported_on": r.reported_on}),
                ),
            );
            m.insert(
                "notes".into(),
                Value::Array(it.notes_at(day).map(note_json).collect()),
            );
            m.insert(
                "timeline".into(),
                serde_json::to_value(&it.timeline).unwrap_or(Value::Null),
            );
            m.insert("view".into(), view.to_json());
        }
        return to_string_pretty(&v);
    }
    let w = words(look.lang);
    let indent = w.field_width();
    let mut out = String::new();
    out.push_str(&format!(
        "{}  {}  (id {})\n",
        v(it.key.as_str()),
        it.kind,
        it.id.hex()
    ));
    out.push_str(&format!(
        "{}\n\n",
        look.fold(&v(&view_line(view, look.lang)), 0)
    ));
    if it.withdrawn {
        out.push_str(&words::withdrawn(look.lang, it.registered_seq));
    } else if !it.exists_on(day) {
        out.push_str(&words::not_yet(look.lang, &it.effective));
    }
    // Whole texts (--wide) are wrapped under their field's value.
    out.push_str(&format!(
        "{}{}\n",
        w.field(0),
        if it.text.is_empty() {
            Cow::Borrowed(w.no_text)
        } else {
            Cow::Owned(look.fold(&v(&it.text), indent))
        }
    ));
    if !it.submitters.is_empty() {
        out.push_str(&format!(
            "{}{}\n",
            w.field(1),
            look.fold(&v(&it.submitters.join(", ")), indent)
        ));
    }
    for (n, c) in it.citations.iter().enumerate() {
        let r = crate::domain::KamerstukRef::parse(c);
        let flag = if r.is_clean() {
            String::new()
        } else {
            format!("  [{}]", r.flags.join("; "))
        };
        out.push_str(&format!(
            "{}{}\n",
            if n == 0 {
                w.field(2)
            } else {
                " ".repeat(indent)
            },
            v(&format!("{c}{flag}"))
        ));
    }
    out.push_str(&format!(
        "{}{} ({})\n",
        w.field(3),
        status_label(look, legend, it.status_at(day)),
        v(it.status_at(day))
    ));
    out.push_str(&format!(
        "{}{}\n",
        w.field(4),
        v(&it.responsible_at(day).to_string())
    ));
    if let Some(p) = &it.previous_responsible {
        out.push_str(&format!("{}{}\n", w.field(5), v(&p.to_string())));
    }
    if let Some(d) = it.deadline {
        out.push_str(&format!("{}{d}\n", w.field(6)));
    }
    if it.made_on.is_some() || it.made_in.is_some() {
        let on = it.made_on.map(|d| format!("{} {d}", w.on));
        let at = it
            .made_in
            .as_deref()
            .map(|m| format!("{} {}", w.made_in, v(m)));
        out.push_str(&format!(
            "{}{}\n",
            w.field(7),
            [on, at].into_iter().flatten().collect::<Vec<_>>().join(" ")
        ));
    }
    // When it happened (its effective date) and when it was first
    // reported (the first round sealed after its registration).
    let first = first_reported(view, it);
    let name = first.map(|r| v(&r.name));
    out.push_str(&format!(
        "{}{}\n",
        w.field(8),
        look.fold(
            &words::in_effect(
                look.lang,
                &it.effective,
                first
                    .zip(name.as_deref())
                    .map(|(r, name)| { (name, &r.reported_on as &dyn std::fmt::Display) })
            ),
            indent
        )
    ));
    let mut notes: Vec<&Note> = it.notes_at(day).collect();
    if !notes.is_empty() {
        out.push_str(&format!("\n{}\n", w.sections[0]));
        notes.sort_by_key(|n| (n.effective, n.seq));
        for n in notes {
            out.push_str(&format!(
                "- {}\n",
                look.fold(
                    &format!(
                        "{} (seq {}, {} {}): {}",
                        n.effective,
                        n.seq,
                        w.by,
                        v(&n.actor),
                        v(&n.text)
                    ),
                    2
                )
            ));
            for c in &n.citations {
                out.push_str(&format!("    {} {}\n", w.cites, v(c)));
            }
        }
    }
    out.push_str(&format!("\n{}\n", w.sections[1]));
    let [seq, recorded, effective, actor, _, _, hash] = w.log;
    let mut t = Table::new(
        &[seq, recorded, effective, actor, w.change, hash],
        &[0, 0, 0, 16, 70, 0],
    );
    for e in &it.timeline {
        let mut change = match &e.change {
            Change::Amended { reason, .. } => format!(
                "{}: {}{}",
                w.amended,
                amended(it, e, look.lang)
                    .iter()
                    .map(|(what, old, new)| format!("{what} \"{old}\" → \"{new}\""))
                    .collect::<Vec<_>>()
                    .join("; "),
                reason
                    .as_ref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            ),
            other => describe(legend, look.lang, other),
        };
        if !e.corrected_by.is_empty() {
            let by: Vec<String> = e.corrected_by.iter().map(|s| format!("seq {s}")).collect();
            change = format!("[{} {}] {change}", w.corrected_by, by.join(", "));
        }
        t.row(vec![
            e.seq.to_string(),
            e.recorded_at.short(),
            e.effective.map_or("-".into(), |d| d.to_string()),
            e.actor.clone(),
            change,
            e.hash.short(),
        ]);
    }
    out.push_str(&t.render_with(look));
    let amendments: Vec<&TimelineEntry> = it
        .timeline
        .iter()
        .filter(|e| matches!(e.change, Change::Amended { .. }))
        .collect();
    if !amendments.is_empty() {
        // Old and new under each other, whole: what the item said before
        // and what it says since.
        out.push_str(&format!("\n{}\n", w.sections[2]));
        // The label, its colon and two spaces; the arrow under the value's
        // last two columns of indent, so old and new start in one column.
        let pad = w
            .amended_fields
            .iter()
            .map(|f| f.chars().count() + 3)
            .max()
            .unwrap_or(0);
        for e in amendments {
            let reason = match &e.change {
                Change::Amended {
                    reason: Some(r), ..
                } => format!("; {}: {}", w.reason, v(r)),
                _ => String::new(),
            };
            let retracted = if e.corrected_by.is_empty() {
                String::new()
            } else {
                let by: Vec<String> = e.corrected_by.iter().map(|s| format!("seq {s}")).collect();
                format!(" [{} {}]", w.corrected_by, by.join(", "))
            };
            out.push_str(&format!(
                "- seq {} {} {} {} {}{retracted}{reason}\n",
                e.seq,
                w.by,
                v(&e.actor),
                w.at,
                e.recorded_at.short()
            ));
            for (what, old, new) in amended(it, e, look.lang) {
                let label = format!("{what}:");
                out.push_str(&format!(
                    "    {label:<pad$}{}\n  {:pad$}→ {}\n",
                    look.fold(&v(&old), 4 + pad),
                    "",
                    look.fold(&v(&new), 4 + pad)
                ));
            }
        }
    }
    let corrections: Vec<&TimelineEntry> = it
        .timeline
        .iter()
        .filter(|e| matches!(e.change, Change::Corrected { .. }))
        .collect();
    if !corrections.is_empty() {
        out.push_str(&format!("\n{}\n", w.sections[3]));
        for c in corrections {
            if let Change::Corrected {
                target_seq,
                reason,
                replacement,
                ..
            } = &c.change
            {
                out.push_str(&format!(
                    "- {}\n",
                    look.fold(
                        &format!(
                            "seq {} {} {} {} {} {} seq {target_seq}: {}; {}: {}",
                            c.seq,
                            w.by,
                            v(&c.actor),
                            w.at,
                            c.recorded_at.short(),
                            w.corrects,
                            v(&replacement_text(legend, look.lang, replacement)),
                            w.reason,
                            v(reason)
                        ),
                        2
                    )
                ));
            }
        }
    }
    out
}

/// What amendment `e` of `it` changed: (field, old, new) for its text,
/// citations and submitters, as they stood just before it.
fn amended(it: &ItemState, e: &TimelineEntry, lang: Lang) -> Vec<(&'static str, String, String)> {
    let Change::Amended {
        text,
        citations,
        submitters,
        ..
    } = &e.change
    else {
        return Vec::new();
    };
    let w = words(lang);
    let (old_text, old_citations, old_submitters) = it.before_amendment(e.seq);
    let list = |v: &[String], sep: &str| {
        if v.is_empty() {
            w.none.to_string()
        } else {
            v.join(sep)
        }
    };
    let shown = |t: &str| {
        if t.is_empty() {
            w.no_text.to_string()
        } else {
            t.to_string()
        }
    };
    let [text_field, citations_field, submitters_field] = w.amended_fields;
    let mut out = Vec::new();
    if let Some(t) = text {
        out.push((text_field, shown(&old_text), shown(t)));
    }
    if let Some(c) = citations {
        out.push((citations_field, list(&old_citations, "; "), list(c, "; ")));
    }
    if let Some(s) = submitters {
        out.push((submitters_field, list(&old_submitters, ", "), list(s, ", ")));
    }
    out
}

fn summary(legend: &Legend, lang: Lang, body: &EventBody) -> String {
    use words::Other;
    let why = |r: &Option<String>| r.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
    let w = words(lang);
    let other = |o: Other| words::other(lang, &o);
    match body {
        EventBody::LedgerCreated {
            programme,
            title,
            legend,
        } => other(Other::Created {
            programme,
            title,
            statuses: legend.entries.len(),
        }),
        EventBody::ItemRegistered {
            kind,
            key,
            text,
            status,
            responsible,
            ..
        } => other(Other::Registered {
            kind,
            key,
            status: &label_in(legend, status, lang),
            responsible,
            text,
        }),
        EventBody::StatusChanged { status, reason, .. } => {
            format!("status → {}{}", label_in(legend, status, lang), why(reason))
        }
        EventBody::ResponsibilityChanged {
            responsible,
            reason,
            ..
        } => format!("{} → {responsible}{}", w.responsible, why(reason)),
        EventBody::ProgressNoted { text, .. } => format!("{}: {text}", w.note),
        EventBody::ItemAmended { reason, .. } => format!("{}{}", w.amended, why(reason)),
        EventBody::RoundSealed {
            name, reported_on, ..
        } => other(Other::Sealed {
            name,
            reported_on,
            tree: None,
        }),
        EventBody::Corrected {
            target_seq,
            reason,
            replacement,
            ..
        } => format!(
            "{} seq {target_seq}: {} ({reason})",
            w.corrects,
            replacement_text(legend, lang, replacement)
        ),
        EventBody::RoundSealedV2 {
            name,
            reported_on,
            tree_size,
            ..
        } => other(Other::Sealed {
            name,
            reported_on,
            tree: Some(*tree_size),
        }),
        EventBody::KeyRegistered { name, role, .. } => other(Other::Key { role, name }),
        EventBody::AccountCreated {
            account,
            display_name,
            role,
            ministries,
        } => other(Other::Account {
            account,
            display_name,
            role,
            ministries,
        }),
        EventBody::AccountChanged {
            account,
            role,
            ministries,
            disabled,
        } => other(Other::AccountChanged {
            account,
            role: role.as_ref().map(|r| r as &dyn std::fmt::Display),
            ministries: ministries.as_deref(),
            disabled: *disabled,
        }),
        EventBody::ItemDetailed {
            deadline,
            made_on,
            made_in,
            previous_responsible,
            reason,
            ..
        } => format!(
            "{}: {}{}",
            w.details,
            details_text(
                lang,
                *deadline,
                *made_on,
                made_in.as_deref(),
                previous_responsible.as_ref()
            ),
            why(reason)
        ),
        EventBody::ItemsOrdered { kind, order } => other(Other::Ordered {
            kind,
            items: order.len(),
        }),
        EventBody::RoundSigned { round, key, .. } => other(Other::Signed { round, key }),
    }
}

/// The event log, oldest first.
pub fn log(view: &View, events: &[Recorded], format: Format) -> String {
    log_with(view, events, format, &Look::PLAIN)
}

/// [`log`] for a terminal: fit to its width.
pub fn log_with(view: &View, events: &[Recorded], format: Format, look: &Look) -> String {
    let keys: std::collections::BTreeMap<crate::domain::EventId, String> = view
        .items
        .iter()
        .map(|i| (i.id, i.key.to_string()))
        .collect();
    log_keyed(view, &|id| keys.get(&id).cloned(), events, format, look)
}

/// [`log_with`], naming items by `key_of` (for events about items the view
/// does not hold yet, such as those of a dry run).
pub fn log_keyed(
    view: &View,
    key_of: &dyn Fn(crate::domain::EventId) -> Option<String>,
    events: &[Recorded],
    format: Format,
    look: &Look,
) -> String {
    if format == Format::Json {
        let v: Vec<Value> = events
            .iter()
            .map(|e| crate::formats::events::event_json(key_of, e))
            .collect();
        return to_string_pretty(&json!({"view": view.to_json(), "events": v}));
    }
    let mut t = Table::new(&words(look.lang).log, &LOG_MAX);
    for rec in events {
        t.row(log_row(view, key_of, rec, look.lang));
    }
    if view.chain.events == 0 {
        return v(&viewline::nothing_recorded(view, None, look.lang)).into_owned();
    }
    format!("{}{}", log_head(view, look), t.render_with(look))
}

/// The columns of the log's table (in `lang`).
fn log_headers(lang: Lang) -> [&'static str; 7] {
    words(lang).log
}

/// The widths the log's columns are cut to.
const LOG_MAX: [usize; 7] = [0, 0, 0, 16, 0, 60, 0];

/// An event's row in the log's table.
fn log_row(
    view: &View,
    key_of: &dyn Fn(crate::domain::EventId) -> Option<String>,
    rec: &Recorded,
    lang: Lang,
) -> Vec<String> {
    let env = &rec.envelope;
    let key = rec
        .item()
        .and_then(key_of)
        .unwrap_or_else(|| "-".to_string());
    vec![
        env.seq.to_string(),
        env.recorded_at.short(),
        env.body.effective().map_or("-".into(), |d| d.to_string()),
        env.actor.clone(),
        key,
        summary(view.legend(), lang, &env.body),
        rec.hash.short(),
    ]
}

/// What the log's table follows: the view and the chain it shows.
fn log_head(view: &View, look: &Look) -> String {
    format!(
        "{}\n{}\n\n",
        look.fold(&v(&view_line(view, look.lang)), 0),
        viewline::chain_line(view, look.lang),
    )
}

/// The sealed rounds.
pub fn rounds(programme: &str, rounds: &[Round], format: Format) -> String {
    rounds_with(programme, rounds, format, &Look::PLAIN)
}

/// [`rounds`] for a terminal: fit to its width.
pub fn rounds_with(programme: &str, rounds: &[Round], format: Format, look: &Look) -> String {
    if format == Format::Json {
        return to_string_pretty(&json!({
            "programme": programme,
            "rounds": rounds.iter().map(|r| json!({
                "name": r.name,
                "title": r.title,
                "reported_on": r.reported_on.to_string(),
                "seq": r.seq,
                "digest": r.digest.hex(),
                "head_seq": r.head_seq,
                "head_hash": r.head_hash.hex(),
                "recorded_at": r.recorded_at.rfc3339(),
                "actor": r.actor,
            })).collect::<Vec<_>>(),
        }));
    }
    let w = words(look.lang);
    if rounds.is_empty() {
        return w.no_rounds.into();
    }
    let mut t = Table::new(&w.rounds, &[0, 40, 0, 0, 0, 0]);
    for r in rounds {
        t.row(vec![
            r.name.clone(),
            r.title.clone(),
            r.reported_on.to_string(),
            r.seq.to_string(),
            r.digest.hex(),
            r.recorded_at.short(),
        ]);
    }
    t.render_with(look)
}

/// The line to publish in a progress letter for a round (or its parts as
/// JSON).
pub fn round_digest(programme: &str, r: &Round, format: Format) -> String {
    if format == Format::Json {
        return to_string_pretty(&json!({
            "programme": programme,
            "round": r.name,
            "seq": r.seq,
            "digest": r.digest.hex(),
        }));
    }
    format!(
        "{} — round {} — seq {} — sha256 {}\n",
        v(programme),
        v(&r.name),
        r.seq,
        r.digest.hex()
    )
}

/// A diff between two views, in table, Markdown or JSON, in Dutch (see
/// [`letter::changes`] for every format and language).
pub fn diff(from: &View, to: &View, d: &Diff, format: Format) -> String {
    diff_with(from, to, d, format, &Look::PLAIN)
}

/// [`diff`] for a terminal: statuses in colour (table format only).
pub fn diff_with(from: &View, to: &View, d: &Diff, format: Format, look: &Look) -> String {
    let sides = letter::changes::Sides { from, to, diff: d };
    let ch = letter::changes::build(sides, letter::changes::Options::default());
    match format {
        Format::Json => letter::changes::json(sides, &ch),
        Format::Md => letter::changes::markdown(&ch),
        Format::Table => letter::changes::table(&ch, look),
    }
}

/// The outcome of `verify`: JSON (the same in every language), or the
/// summary for people in `lang` ([`verification`]).
pub fn verify(
    report: &VerifyReport,
    index: Option<&IndexReport>,
    format: Format,
    lang: Lang,
) -> String {
    let ok = report.ok() && index.is_none_or(IndexReport::ok);
    if format == Format::Json {
        return to_string_pretty(&json!({
            "ok": ok,
            "index": index.map(|x| json!({
                "entries": x.entries,
                "rebuilt": x.rebuilt,
                "after_head": x.after_head.map(|t| json!({"seq": t.seq, "tree": t.tree, "rewritten": t.rewritten})),
                "not_compared": x.not_compared,
                "first_difference": x.first_difference.as_ref().map(|d| json!({
                    "tree": d.tree,
                    "item": d.item.map(|i| i.hex()),
                    "seq": d.seq,
                    "what": d.what,
                })),
            })),
            "events_checked": report.events_checked,
            "seals_checked": report.seals_checked,
            "head": report.head.map(|h| h.hex()),
            "first_break": report.first_break,
            "digest": report.digest.as_ref().map(|d| json!({
                "digest": d.digest.hex(),
                "round": d.round,
                "found_at": d.found_at,
                "ok": d.ok,
                "detail": d.detail,
            })),
        }));
    }
    verification::summary(report, index, lang)
}

/// What a write command prints: its line and where the event was recorded,
/// or the event as JSON.
pub fn receipt(
    key_of: &dyn Fn(crate::domain::EventId) -> Option<String>,
    rec: &Recorded,
    line: &str,
    format: Format,
    lang: Lang,
) -> String {
    match format {
        Format::Json => {
            let v = crate::formats::events::event_json(key_of, rec);
            let mut s = serde_json::to_string_pretty(&v).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Table | Format::Md => format!(
            "{}\n{} seq {} (hash {})\n",
            v(line),
            lang.pick("vastgelegd als", "recorded as"),
            rec.envelope.seq,
            rec.hash.short()
        ),
    }
}
