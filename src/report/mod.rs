//! Renderers: turn a [`State`], an item, the event log or a verification
//! report into terminal tables or JSON. Output is deterministic: items sorted
//! by kind and key, events by seq. The JSON shapes are documented in
//! `schema/json-output.md`.

pub mod table;

use crate::domain::{EventBody, Legend};
use crate::ledger::{Recorded, VerifyReport};
use crate::projection::{Change, ItemState, State};
use serde::Serialize;
use serde_json::{Value, json};
use table::Table;

/// Output format of read commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Aligned text for the terminal.
    Table,
    /// JSON, one document (schema/json-output.md).
    Json,
}

/// The Dutch label of a status slug (the slug itself if the legend lacks it).
pub fn label<'a>(legend: &'a Legend, slug: &'a str) -> &'a str {
    legend.get(slug).map_or(slug, |e| e.nl.as_str())
}

fn status_json(legend: &Legend, slug: &str) -> Value {
    match legend.get(slug) {
        Some(e) => json!({"slug": e.slug, "nl": e.nl, "en": e.en, "colour": e.colour}),
        None => json!({"slug": slug, "nl": slug, "en": slug, "colour": null}),
    }
}

fn view_json(state: &State) -> Value {
    json!({
        "events": state.events,
        "head": state.head.map(|h| h.hex()),
        "last_recorded_at": state.last_recorded.map(|t| t.rfc3339()),
    })
}

fn view_line(state: &State) -> String {
    match (state.head, state.last_recorded) {
        (Some(h), Some(t)) => format!(
            "View: current, {} events up to seq {} (head {}, recorded {})",
            state.events,
            state.events.saturating_sub(1),
            h.short(),
            t.short()
        ),
        _ => "View: empty ledger".to_string(),
    }
}

/// One item as JSON (without its timeline).
pub fn item_json(state: &State, it: &ItemState) -> Value {
    let legend = state.legend();
    json!({
        "key": it.key.as_str(),
        "id": it.id.hex(),
        "kind": it.kind.slug(),
        "text": it.text,
        "submitters": it.submitters,
        "citations": it.citations.iter().map(|c| crate::domain::KamerstukRef::parse(c)).collect::<Vec<_>>(),
        "status": status_json(&legend, it.status()),
        "responsible": it.responsible(),
        "latest_note": it.latest_note().map(|n| json!({
            "seq": n.seq,
            "effective": n.effective.to_string(),
            "recorded_at": n.recorded_at.rfc3339(),
            "actor": n.actor,
            "text": n.text,
            "citations": n.citations,
        })),
    })
}

fn to_string_pretty(v: &impl Serialize) -> String {
    let mut s =
        serde_json::to_string_pretty(v).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    s.push('\n');
    s
}

/// The overview: items grouped Moties / Toezeggingen with status,
/// responsible and latest progress.
pub fn overview(state: &State, format: Format) -> String {
    let legend = state.legend();
    let items = state.sorted_items();
    if format == Format::Json {
        return to_string_pretty(&json!({
            "programme": state.programme,
            "title": state.title,
            "view": view_json(state),
            "legend": legend.entries,
            "items": items.iter().map(|i| item_json(state, i)).collect::<Vec<_>>(),
        }));
    }
    let mut out = format!(
        "{} — {}\n{}\n",
        state.programme,
        state.title,
        view_line(state)
    );
    for kind in [
        crate::domain::ItemKind::Motie,
        crate::domain::ItemKind::Toezegging,
    ] {
        let mut t = Table::new(
            &["key", "status", "verantwoordelijk", "stand van zaken"],
            &[0, 32, 20, 60],
        );
        for it in items.iter().filter(|i| i.kind == kind) {
            t.row(vec![
                it.key.to_string(),
                label(&legend, it.status()).to_string(),
                it.responsible().to_string(),
                it.latest_note()
                    .map_or("-".to_string(), |n| format!("{}: {}", n.effective, n.text)),
            ]);
        }
        out.push_str(&format!("\n{}\n", kind.section_nl()));
        if t.is_empty() {
            out.push_str("(none)\n");
        } else {
            out.push_str(&t.render());
        }
    }
    out.push_str(&format!("\n{}\n", status_summary(state, &items)));
    out
}

fn status_summary(state: &State, items: &[&ItemState]) -> String {
    let legend = state.legend();
    let parts: Vec<String> = legend
        .entries
        .iter()
        .filter_map(|e| {
            let n = items.iter().filter(|i| i.status() == e.slug).count();
            (n > 0).then(|| format!("{n} {}", e.nl))
        })
        .collect();
    format!(
        "{} items{}{}",
        items.len(),
        if parts.is_empty() { "" } else { ": " },
        parts.join(", ")
    )
}

/// The list of items with key, id, kind, status and responsible.
pub fn item_list(state: &State, format: Format) -> String {
    let legend = state.legend();
    let items = state.sorted_items();
    if format == Format::Json {
        let v: Vec<Value> = items
            .iter()
            .map(|it| {
                json!({
                    "key": it.key.as_str(),
                    "id": it.id.hex(),
                    "kind": it.kind.slug(),
                    "status": it.status(),
                    "responsible": it.responsible(),
                    "text": it.text,
                })
            })
            .collect();
        return to_string_pretty(&json!({"view": view_json(state), "items": v}));
    }
    let mut t = Table::new(
        &["key", "kind", "status", "responsible", "id", "text"],
        &[0, 0, 32, 20, 0, 50],
    );
    for it in items {
        t.row(vec![
            it.key.to_string(),
            it.kind.to_string(),
            label(&legend, it.status()).to_string(),
            it.responsible().to_string(),
            it.id.hex(),
            if it.text.is_empty() {
                "(no text)".into()
            } else {
                it.text.clone()
            },
        ]);
    }
    if t.is_empty() {
        return "No items yet. Add one with `kamerstand item add --kind motie --text TEXT`.\n"
            .into();
    }
    t.render()
}

/// A one-line description of a timeline change.
pub fn describe(legend: &Legend, change: &Change) -> String {
    let reason = |r: &Option<String>| r.as_ref().map(|r| format!(" ({r})")).unwrap_or_default();
    match change {
        Change::Registered {
            status,
            responsible,
        } => format!(
            "registered: status {}, responsible {responsible}",
            label(legend, status)
        ),
        Change::Status {
            from,
            to,
            reason: r,
        } => format!(
            "status {} → {}{}",
            label(legend, from),
            label(legend, to),
            reason(r)
        ),
        Change::Responsible {
            from,
            to,
            reason: r,
        } => {
            format!("responsible {from} → {to}{}", reason(r))
        }
        Change::Note { text, .. } => format!("note: {text}"),
        Change::Amended {
            text,
            citations,
            submitters,
            reason: r,
        } => {
            let mut what = Vec::new();
            if text.is_some() {
                what.push("text");
            }
            if citations.is_some() {
                what.push("citations");
            }
            if submitters.is_some() {
                what.push("submitters");
            }
            format!("amended {}{}", what.join(", "), reason(r))
        }
    }
}

/// The item card and its full timeline.
pub fn show(state: &State, it: &ItemState, format: Format) -> String {
    let legend = state.legend();
    if format == Format::Json {
        let mut v = item_json(state, it);
        if let Value::Object(m) = &mut v {
            m.insert(
                "notes".into(),
                serde_json::to_value(&it.notes).unwrap_or(Value::Null),
            );
            m.insert(
                "timeline".into(),
                serde_json::to_value(&it.timeline).unwrap_or(Value::Null),
            );
            m.insert("view".into(), view_json(state));
        }
        return to_string_pretty(&v);
    }
    let mut out = String::new();
    out.push_str(&format!("{}  {}  (id {})\n", it.key, it.kind, it.id.hex()));
    out.push_str(&format!("{}\n\n", view_line(state)));
    out.push_str(&format!(
        "Text:         {}\n",
        if it.text.is_empty() {
            "(no text)"
        } else {
            &it.text
        }
    ));
    if !it.submitters.is_empty() {
        out.push_str(&format!("Submitters:   {}\n", it.submitters.join(", ")));
    }
    for (n, c) in it.citations.iter().enumerate() {
        let r = crate::domain::KamerstukRef::parse(c);
        let flag = if r.is_clean() {
            String::new()
        } else {
            format!("  [{}]", r.flags.join("; "))
        };
        out.push_str(&format!(
            "{}{c}{flag}\n",
            if n == 0 {
                "Citations:    "
            } else {
                "              "
            }
        ));
    }
    out.push_str(&format!(
        "Status:       {} ({})\n",
        label(&legend, it.status()),
        it.status()
    ));
    out.push_str(&format!("Responsible:  {}\n", it.responsible()));
    if !it.notes.is_empty() {
        out.push_str("\nProgress notes\n");
        let mut notes: Vec<_> = it.notes.iter().collect();
        notes.sort_by_key(|n| (n.effective, n.seq));
        for n in notes {
            out.push_str(&format!(
                "- {} (seq {}, by {}): {}\n",
                n.effective, n.seq, n.actor, n.text
            ));
            for c in &n.citations {
                out.push_str(&format!("    cites {c}\n"));
            }
        }
    }
    out.push_str("\nTimeline\n");
    let mut t = Table::new(
        &["seq", "recorded", "effective", "actor", "change", "hash"],
        &[0, 0, 0, 16, 70, 0],
    );
    for e in &it.timeline {
        t.row(vec![
            e.seq.to_string(),
            e.recorded_at.short(),
            e.effective.map_or("-".into(), |d| d.to_string()),
            e.actor.clone(),
            describe(&legend, &e.change),
            e.hash.short(),
        ]);
    }
    out.push_str(&t.render());
    out
}

fn summary(state: &State, body: &EventBody) -> String {
    let legend = state.legend();
    match body {
        EventBody::LedgerCreated {
            programme,
            title,
            legend,
        } => {
            format!(
                "ledger created: {programme} — {title} ({} statuses)",
                legend.entries.len()
            )
        }
        EventBody::ItemRegistered {
            kind,
            text,
            status,
            responsible,
            ..
        } => format!(
            "{kind} registered, {}, {responsible}: {text}",
            label(&legend, status)
        ),
        EventBody::StatusChanged { status, reason, .. } => format!(
            "status → {}{}",
            label(&legend, status),
            reason
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ),
        EventBody::ResponsibilityChanged {
            responsible,
            reason,
            ..
        } => format!(
            "responsible → {responsible}{}",
            reason
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ),
        EventBody::ProgressNoted { text, .. } => format!("note: {text}"),
        EventBody::ItemAmended { reason, .. } => format!(
            "amended{}",
            reason
                .as_ref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        ),
    }
}

/// One event as JSON: envelope fields, hash, the item's key and the body.
pub fn event_json(state: &State, rec: &Recorded) -> Value {
    let env = &rec.envelope;
    let body = match serde_json::to_value(&env.body) {
        Ok(Value::Object(m)) => m.into_iter().next().map_or(Value::Null, |(_, v)| v),
        _ => Value::Null,
    };
    let item = rec.item();
    json!({
        "seq": env.seq,
        "id": env.id.hex(),
        "recorded_at": env.recorded_at.rfc3339(),
        "actor": env.actor,
        "prev": env.prev.hex(),
        "hash": rec.hash.hex(),
        "format": env.format,
        "type": env.body.kind_name(),
        "item": item.map(|i| i.hex()),
        "item_key": item.and_then(|i| state.items.get(&i)).map(|i| i.key.as_str()),
        "effective": env.body.effective().map(|d| d.to_string()),
        "body": body,
    })
}

/// The event log, oldest first.
pub fn log(state: &State, events: &[Recorded], format: Format) -> String {
    if format == Format::Json {
        let v: Vec<Value> = events.iter().map(|e| event_json(state, e)).collect();
        return to_string_pretty(&json!({"view": view_json(state), "events": v}));
    }
    let mut t = Table::new(
        &[
            "seq",
            "recorded",
            "effective",
            "actor",
            "item",
            "what",
            "hash",
        ],
        &[0, 0, 0, 16, 0, 60, 0],
    );
    for rec in events {
        let env = &rec.envelope;
        let key = rec
            .item()
            .and_then(|i| state.items.get(&i))
            .map_or("-".to_string(), |i| i.key.to_string());
        t.row(vec![
            env.seq.to_string(),
            env.recorded_at.short(),
            env.body.effective().map_or("-".into(), |d| d.to_string()),
            env.actor.clone(),
            key,
            summary(state, &env.body),
            rec.hash.short(),
        ]);
    }
    t.render()
}

/// The outcome of `verify`.
pub fn verify(report: &VerifyReport, format: Format) -> String {
    if format == Format::Json {
        return to_string_pretty(&json!({
            "ok": report.ok(),
            "events_checked": report.events_checked,
            "head": report.head.map(|h| h.hex()),
            "first_break": report.first_break,
        }));
    }
    match &report.first_break {
        None => format!(
            "ok: {} events verified, head {}\n",
            report.events_checked,
            report.head.map_or("(none)".into(), |h| h.hex())
        ),
        Some(b) => format!(
            "BROKEN at {b}\n{} events before it verified{}\n",
            report.events_checked,
            report
                .head
                .map(|h| format!(", last good hash {}", h.hex()))
                .unwrap_or_default()
        ),
    }
}
