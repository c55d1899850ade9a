//! Differences between two views of the ledger (two rounds, two instants, or
//! a round and now): per item, what was added or withdrawn, how status and
//! responsible moved, which notes, amendments and corrections were recorded
//! in between. Pure: it compares two views.
//!
//! What was recorded in between is counted from each item's [`Tally`] on
//! the two sides; the events themselves are listed only when asked for,
//! from the timelines of the items that changed (see [`Diff::list_events`]).

use super::{Change, ItemState, ItemView, NoteView, Tally, TimelineEntry, View};
use crate::domain::{Day, EventBody, EventId, ItemKey, ItemKind, Responsible};
use crate::ledger::Recorded;
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
    pub latest_note: Option<NoteView>,
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

/// Compares `from` (earlier) with `to` (later; it must hold all of
/// `from`'s events), both on the latest effective values. With `all`,
/// unchanged items are listed too.
pub fn diff(from: &View, to: &View, all: bool) -> Diff {
    let mut summary = Summary::default();
    let mut items = Vec::new();
    let boundary = from.chain.events;
    let earlier: std::collections::BTreeMap<EventId, &ItemView> =
        from.items.iter().map(|i| (i.id, i)).collect();
    for it in &to.items {
        let was = earlier.get(&it.id).copied();
        let before = was.filter(|i| !i.withdrawn);
        let after = (!it.withdrawn).then_some(it);
        let tally = it.tally.since(was.map(|i| i.tally).unwrap_or_default());
        // Withdrawn before the interval began and untouched in it. (One
        // brought back and withdrawn again in between keeps its events.)
        if before.is_none() && after.is_none() && it.registered_seq < boundary && tally.is_empty() {
            continue;
        }
        let (status, responsible) = match (before, after) {
            (Some(b), Some(a)) => (
                (b.status != a.status).then(|| (b.status.clone(), a.status.clone())),
                (!b.responsible.same_parties(&a.responsible))
                    .then(|| (b.responsible.clone(), a.responsible.clone())),
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
            status_now: it.status.clone(),
            tally,
            latest_note: (tally.notes > 0).then(|| it.note.clone()).flatten(),
            events: Vec::new(),
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

impl Diff {
    /// Lists under each item that changed the events `events(item)` gives:
    /// those recorded about it in between, its registration left out (as
    /// [`events_since`] or [`timeline_of`] give them).
    pub fn list_events<E>(
        &mut self,
        events: &mut dyn FnMut(EventId) -> Result<Vec<TimelineEntry>, E>,
    ) -> Result<(), E> {
        for d in &mut self.items {
            if d.tally.is_empty() {
                continue;
            }
            d.events = events(d.id)?;
        }
        Ok(())
    }
}

/// What the timeline entry of an item event needs to know of the item's
/// earlier history, asked only of the events that need it (`E`: the
/// error of the reads that answer).
pub struct Before<'a, E> {
    /// The status in force on a day (slug; "not stated" before any) as
    /// known at a seq: what a status change recorded after that seq
    /// changed from.
    pub status: &'a mut dyn FnMut(Day, u64) -> Result<String, E>,
    /// The parties in force on a day as known at a seq (none before any):
    /// what a reassignment recorded after that seq changed from.
    pub parties: &'a mut dyn FnMut(Day, u64) -> Result<Responsible, E>,
    /// The first event of the chain of corrections that ends at the
    /// event of the first seq, as known before the second seq: what a
    /// correction of it corrects at root.
    pub root: &'a mut dyn FnMut(u64, u64) -> Result<u64, E>,
}

impl<E> std::fmt::Debug for Before<'_, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Before").finish_non_exhaustive()
    }
}

/// The timeline entries of `events`, one item's events in seq order from
/// some seq on (its registration left out), as the fold of the item's
/// whole history gives them ([`State::apply`](super::State::apply)),
/// reading only what `before` is asked: what [`events_since`] gives
/// without the item's events before the boundary.
pub fn timeline_of<E>(events: &[Recorded], before: Before<'_, E>) -> Result<Vec<TimelineEntry>, E> {
    let mut out: Vec<TimelineEntry> = Vec::with_capacity(events.len());
    for rec in events {
        let env = &rec.envelope;
        let change = match &env.body {
            EventBody::StatusChanged {
                status,
                reason,
                effective,
                ..
            } => Change::Status {
                from: (before.status)(*effective, env.seq.saturating_sub(1))?,
                to: status.clone(),
                reason: reason.clone(),
            },
            EventBody::ResponsibilityChanged {
                responsible,
                reason,
                effective,
                ..
            } => Change::Responsible {
                from: (before.parties)(*effective, env.seq.saturating_sub(1))?,
                to: responsible.clone(),
                reason: reason.clone(),
            },
            EventBody::ProgressNoted {
                text, citations, ..
            } => Change::Note {
                text: text.clone(),
                citations: citations.clone(),
            },
            EventBody::ItemAmended {
                text,
                citations,
                submitters,
                reason,
                ..
            } => Change::Amended {
                text: text.clone(),
                citations: citations.clone(),
                submitters: submitters.clone(),
                reason: reason.clone(),
            },
            EventBody::ItemDetailed {
                deadline,
                made_on,
                made_in,
                previous_responsible,
                reason,
                ..
            } => Change::Detailed {
                deadline: *deadline,
                made_on: *made_on,
                made_in: made_in.clone(),
                previous_responsible: previous_responsible.clone(),
                reason: reason.clone(),
            },
            EventBody::Corrected {
                target_seq,
                reason,
                replacement,
                ..
            } => {
                // The fold names a correction under the entry it targets.
                if let Some(e) = out.iter_mut().find(|e| e.seq == *target_seq) {
                    e.corrected_by.push(env.seq);
                }
                Change::Corrected {
                    target_seq: *target_seq,
                    root_seq: (before.root)(*target_seq, env.seq)?,
                    reason: reason.clone(),
                    replacement: replacement.clone(),
                }
            }
            // A registration is left out; the rest are about no item.
            _ => continue,
        };
        out.push(TimelineEntry::of(rec, change));
    }
    Ok(out)
}

/// The events recorded about `item` at or after seq `boundary`, its
/// registration left out: what [`Diff::list_events`] lists under an item
/// (and what a diff written an item at a time lists as it goes).
pub fn events_since(item: &ItemState, boundary: u64) -> Vec<TimelineEntry> {
    item.timeline
        .iter()
        .filter(|e| e.seq >= boundary && !matches!(e.change, Change::Registered { .. }))
        .cloned()
        .collect()
}
