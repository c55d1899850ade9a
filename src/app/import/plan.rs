//! Planning an import: rows read from an annex or a CSV file, compared with
//! the ledger's current state, become the events that record what changed.
//! Pure: it returns drafts and findings; the caller decides and appends them
//! as one atomic batch.
//!
//! Matching: a row names an existing item by its key (given, or derived
//! from its first citation as for new items), else by the same kind and the
//! same non-empty text. A row that matches nothing registers a new item. For
//! an existing item only differences are recorded: a status that differs
//! (rows without a status leave it alone), responsible parties that differ,
//! a progress text that differs from the latest note.

use crate::domain::{Day, EventBody, EventId, ItemKey, ItemKind, KamerstukRef, legend::NOT_STATED};
use crate::formats::{Anomaly, ImportRow};
use crate::ledger::Draft;
use crate::projection::{ItemState, State};
use std::collections::BTreeSet;

/// The outcome of planning.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    /// Events to append, in order.
    pub drafts: Vec<Draft>,
    /// What was odd, by line.
    pub anomalies: Vec<Anomaly>,
    /// Items registered by the import.
    pub added: usize,
    /// Existing items the import changed.
    pub changed: usize,
    /// Existing items the import found unchanged.
    pub unchanged: usize,
    /// Keys of ledger items the file does not mention.
    pub not_in_file: Vec<String>,
}

/// Plans the events for `rows` against `state`. `effective` is the date of
/// status and responsibility changes to known items, and of new items and
/// notes whose row gives none; `new_id` supplies event ids (an item's id is
/// its registration's, so later drafts can name new items).
pub fn plan(
    state: &State,
    rows: &[ImportRow],
    effective: Day,
    new_id: &mut dyn FnMut() -> EventId,
) -> Plan {
    let mut p = Plan::default();
    let mut used_keys: BTreeSet<String> = state.items.values().map(|i| i.key.folded()).collect();
    let mut seen: BTreeSet<EventId> = BTreeSet::new();
    let legend = state.legend();
    let textless = TextlessRows::new(state, rows);
    for row in rows {
        let existing = match find(state, row, &textless) {
            Some(Match::Sure(it)) => Some(it),
            Some(Match::ByPosition(it)) => {
                p.anomalies.push(Anomaly {
                    line: row.line,
                    message: format!(
                        "matched to {} by its position among the rows without text or citation; check it",
                        it.key
                    ),
                });
                Some(it)
            }
            None => None,
        };
        if let Some(it) = existing {
            if !seen.insert(it.id) {
                p.anomalies.push(Anomaly {
                    line: row.line,
                    message: format!(
                        "item {} appears twice in the file; this row is skipped",
                        it.key
                    ),
                });
                continue;
            }
            let before = p.drafts.len();
            changes(&mut p, it, row, effective, new_id);
            if !row.text.is_empty() && row.text != it.text {
                p.anomalies.push(Anomaly {
                    line: row.line,
                    message: format!(
                        "the text of {} differs from the ledger's; it is not changed by an import (use `item amend`)",
                        it.key
                    ),
                });
            }
            if p.drafts.len() > before {
                p.changed += 1;
            } else {
                p.unchanged += 1;
            }
            continue;
        }
        let Some(key) = new_key(row, &used_keys) else {
            p.anomalies.push(Anomaly {
                line: row.line,
                message: "no free key for this row; it is skipped".into(),
            });
            continue;
        };
        used_keys.insert(key.folded());
        if row.text.is_empty() && row.citations.is_empty() && row.key.is_none() {
            p.anomalies.push(Anomaly {
                line: row.line,
                message: format!(
                    "registered as new item {key}; a later import can match it only by the same progress text or by its place among the rows without text or citation"
                ),
            });
        }
        if let Some(s) = &row.status
            && legend.get(s).is_none()
        {
            p.anomalies.push(Anomaly {
                line: row.line,
                message: format!("status '{s}' is not in the ledger's legend; not stated instead"),
            });
        }
        let id = new_id();
        p.drafts.push(Draft {
            id,
            body: EventBody::ItemRegistered {
                kind: row.kind,
                key,
                text: row.text.clone(),
                submitters: row.submitters.clone(),
                citations: row.citations.clone(),
                responsible: row.responsible.clone().unwrap_or_default(),
                status: row
                    .status
                    .clone()
                    .filter(|s| legend.get(s).is_some())
                    .unwrap_or_else(|| NOT_STATED.to_string()),
                effective: row.effective.unwrap_or(effective),
            },
        });
        if let Some(text) = row.progress.clone().filter(|t| !t.trim().is_empty()) {
            let note_id = new_id();
            p.drafts.push(Draft {
                id: note_id,
                body: EventBody::ProgressNoted {
                    item: id,
                    text,
                    citations: row.progress_citations.clone(),
                    effective: row
                        .progress_effective
                        .or(row.effective)
                        .unwrap_or(effective),
                },
            });
        }
        p.added += 1;
    }
    p.not_in_file = state
        .sorted_items()
        .into_iter()
        .filter(|i| i.exists_on(None) && !seen.contains(&i.id))
        .map(|i| i.key.to_string())
        .collect();
    p
}

fn derived_key(row: &ImportRow) -> Option<ItemKey> {
    row.citations
        .iter()
        .filter_map(|c| KamerstukRef::parse(c).key_hint())
        .find_map(|h| ItemKey::parse(&h).ok())
}

/// How a row was matched to an existing item.
enum Match<'a> {
    /// By key, citation or text: certain.
    Sure(&'a ItemState),
    /// A row without text or citation, matched by its place among such rows.
    ByPosition(&'a ItemState),
}

fn find<'a>(state: &'a State, row: &ImportRow, textless: &TextlessRows<'a>) -> Option<Match<'a>> {
    if let Some(k) = &row.key {
        return state.by_key(k.as_str()).map(Match::Sure);
    }
    if let Some(it) = derived_key(row).and_then(|k| state.by_key(k.as_str())) {
        return Some(Match::Sure(it));
    }
    if row.text.is_empty() {
        return textless.find(row);
    }
    state
        .sorted_items()
        .into_iter()
        .find(|i| i.kind == row.kind && i.text == row.text)
        .map(Match::Sure)
}

/// Rows that lost their text and carry no citation can only be matched to
/// items that lack them too: by the same progress text (the same annex
/// again), else by position, when the file has exactly as many such rows of
/// that kind as the ledger has such items.
struct TextlessRows<'a> {
    items: Vec<&'a ItemState>,
    rows: Vec<(usize, ItemKind)>,
}

impl<'a> TextlessRows<'a> {
    fn new(state: &'a State, rows: &[ImportRow]) -> TextlessRows<'a> {
        let mut items: Vec<&ItemState> = state
            .items
            .values()
            .filter(|i| i.exists_on(None) && i.text.is_empty() && i.citations.is_empty())
            .collect();
        items.sort_by_key(|i| i.registered_seq);
        let rows = rows
            .iter()
            .filter(|r| r.key.is_none() && r.text.is_empty() && r.citations.is_empty())
            .map(|r| (r.line, r.kind))
            .collect();
        TextlessRows { items, rows }
    }

    fn find(&self, row: &ImportRow) -> Option<Match<'a>> {
        let items: Vec<&'a ItemState> = self
            .items
            .iter()
            .copied()
            .filter(|i| i.kind == row.kind)
            .collect();
        if let Some(p) = &row.progress
            && let Some(it) = items
                .iter()
                .find(|i| i.latest_note().is_some_and(|n| &n.text == p))
        {
            return Some(Match::Sure(it));
        }
        let rows: Vec<usize> = self
            .rows
            .iter()
            .filter(|(_, k)| *k == row.kind)
            .map(|(l, _)| *l)
            .collect();
        if rows.len() != items.len() {
            return None;
        }
        let at = rows.iter().position(|l| *l == row.line)?;
        items.get(at).map(|it| Match::ByPosition(it))
    }
}

fn new_key(row: &ImportRow, used: &BTreeSet<String>) -> Option<ItemKey> {
    if let Some(k) = &row.key {
        return (!used.contains(&k.folded())).then(|| k.clone());
    }
    if let Some(k) = derived_key(row).filter(|k| !used.contains(&k.folded())) {
        return Some(k);
    }
    let letter = row.kind.key_letter();
    (1u64..100_000)
        .map(|n| format!("{letter}{n}"))
        .find(|k| !used.contains(&k.to_ascii_lowercase()))
        .and_then(|k| ItemKey::parse(&k).ok())
}

fn changes(
    p: &mut Plan,
    it: &ItemState,
    row: &ImportRow,
    effective: Day,
    new_id: &mut dyn FnMut() -> EventId,
) {
    // A row's `effective` is the item's own date (as the CSV export writes
    // it), not that of a change to a known item: those take the import's.
    // Skip what the item already holds now or on that day: the ledger
    // refuses the latter as "nothing to record", which would sink the batch.
    let on = effective;
    if let Some(s) = row
        .status
        .as_ref()
        .filter(|s| it.status() != s.as_str() && it.status_on(on) != Some(s.as_str()))
    {
        p.drafts.push(Draft {
            id: new_id(),
            body: EventBody::StatusChanged {
                item: it.id,
                status: s.clone(),
                reason: Some("import".into()),
                effective: on,
            },
        });
    }
    if let Some(r) = row.responsible.as_ref().filter(|r| {
        !r.is_empty()
            && !r.same_parties(&it.responsible())
            && !it.responsible_on(on).is_some_and(|x| x.same_parties(r))
    }) {
        p.drafts.push(Draft {
            id: new_id(),
            body: EventBody::ResponsibilityChanged {
                item: it.id,
                responsible: r.clone(),
                reason: Some("import".into()),
                effective: on,
            },
        });
    }
    let latest = it.latest_note().map(|n| n.text.as_str());
    if let Some(text) = row
        .progress
        .as_ref()
        .filter(|t| !t.trim().is_empty() && latest != Some(t.as_str()))
    {
        p.drafts.push(Draft {
            id: new_id(),
            body: EventBody::ProgressNoted {
                item: it.id,
                text: text.clone(),
                citations: row.progress_citations.clone(),
                effective: row.progress_effective.unwrap_or(effective),
            },
        });
    }
}
