//! Differences between two views of the ledger (two rounds, two instants, or
//! a round and now): per item, what was added or withdrawn, how status and
//! responsible moved, which notes, amendments and corrections were recorded
//! in between. Pure: it compares two folded states.
//!
//! What was recorded in between is counted from each item's [`Tally`] on
//! the two sides, so that two states loaded from checkpoints suffice; the
//! events themselves are listed only when asked for, and then the later
//! state must be the earlier one with the events in between applied (its
//! items' timelines hold them).

use super::{Change, ItemState, Note, State, Tally, TimelineEntry};
use crate::domain::{EventId, ItemKey, ItemKind, Responsible};
use serde::Serialize;

/// How an item differs between the two sides.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemDiff {
    /// The item's key.
    pub key: ItemKey,
    /// Its id.
    pub id: EventId,
    /// Motion or commitment.
    pub kind: ItemKind,
    /// Its text on the later side (or the earlier, if withdrawn).
    pub text: String,
    /// Not on the earlier side, on the later.
    pub added: bool,
    /// On the earlier side, not on the later.
    pub withdrawn: bool,
    /// Status slugs (from, to), when they differ.
    pub status: Option<(String, String)>,
    /// Responsible (from, to), when they differ.
    pub responsible: Option<(Responsible, Responsible)>,
    /// Status on the later side (for context).
    pub status_now: String,
    /// How many events of each kind were recorded about it in between.
    pub tally: Tally,
    /// Its latest progress note on the later side, when notes were
    /// recorded in between.
    pub latest_note: Option<Note>,
    /// With the events listed: those about the item recorded in between
    /// (notes, amendments, corrections, status changes and assignments).
    pub events: Vec<TimelineEntry>,
}

impl ItemDiff {
    /// True if anything changed.
    pub fn changed(&self) -> bool {
        self.added
            || self.withdrawn
            || self.status.is_some()
            || self.responsible.is_some()
            || !self.tally.is_empty()
    }
}

/// Counts per kind of change.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Items added.
    pub added: usize,
    /// Items withdrawn.
    pub withdrawn: usize,
    /// Items whose status differs.
    pub status_changed: usize,
    /// Items whose responsible parties differ.
    pub responsible_changed: usize,
    /// Progress notes recorded in between.
    pub notes: usize,
    /// Amendments recorded in between.
    pub amendments: usize,
    /// Corrections recorded in between.
    pub corrections: usize,
    /// Items with any change.
    pub items_changed: usize,
    /// Items without change.
    pub items_unchanged: usize,
}

/// The difference between an earlier and a later state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diff {
    /// Items, motions first, by key; unchanged ones only when asked for.
    pub items: Vec<ItemDiff>,
    /// Counts.
    pub summary: Summary,
}

fn exists<'a>(s: &'a State, id: &EventId) -> Option<&'a ItemState> {
    s.items.get(id).filter(|i| i.exists_on(None))
}

/// Compares `from` (earlier) with `to` (later; it must contain all of
/// `from`'s events). With `all`, unchanged items are listed too; with
/// `events`, each item's events in between (see the module comment).
pub fn diff(from: &State, to: &State, all: bool, events: bool) -> Diff {
    let mut summary = Summary::default();
    let mut items = Vec::new();
    let boundary = from.events;
    for it in to.sorted_items() {
        let before = exists(from, &it.id);
        let after = exists(to, &it.id);
        let listed: Vec<TimelineEntry> = if events {
            it.timeline
                .iter()
                .filter(|e| e.seq >= boundary && !matches!(e.change, Change::Registered { .. }))
                .cloned()
                .collect()
        } else {
            Vec::new()
        };
        let tally = it
            .tally
            .since(from.items.get(&it.id).map(|i| i.tally).unwrap_or_default());
        // Withdrawn before the interval began and untouched in it. (One
        // brought back and withdrawn again in between keeps its events.)
        if before.is_none() && after.is_none() && it.registered_seq < boundary && tally.is_empty() {
            continue;
        }
        let (status, responsible) = match (before, after) {
            (Some(b), Some(a)) => (
                (b.status() != a.status())
                    .then(|| (b.status().to_string(), a.status().to_string())),
                (!b.responsible().same_parties(&a.responsible()))
                    .then(|| (b.responsible(), a.responsible())),
            ),
            _ => (None, None),
        };
        let d = ItemDiff {
            key: it.key.clone(),
            id: it.id,
            kind: it.kind,
            text: it.text.clone(),
            added: before.is_none() && after.is_some(),
            withdrawn: before.is_some() && after.is_none(),
            status,
            responsible,
            status_now: it.status().to_string(),
            tally,
            latest_note: (tally.notes > 0)
                .then(|| it.latest_note().cloned())
                .flatten(),
            events: listed,
        };
        summary.added += usize::from(d.added);
        summary.withdrawn += usize::from(d.withdrawn);
        summary.status_changed += usize::from(d.status.is_some());
        summary.responsible_changed += usize::from(d.responsible.is_some());
        let n = |c: u64| usize::try_from(c).unwrap_or(usize::MAX);
        summary.notes += n(d.tally.notes);
        summary.amendments += n(d.tally.amendments);
        summary.corrections += n(d.tally.corrections);
        if d.changed() {
            summary.items_changed += 1;
            items.push(d);
        } else {
            summary.items_unchanged += 1;
            if all {
                items.push(d);
            }
        }
    }
    Diff { items, summary }
}
