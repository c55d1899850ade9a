//! The overview as a fold over events. Applying an event never fails: events
//! were checked by [`super::decide`] before they were appended, and an event
//! about an unknown item (only possible in a damaged ledger) is ignored.
//!
//! Two time axes meet here. *Recorded time* is handled by folding only the
//! events recorded up to an instant (see [`super::view`]). *Effective dates*
//! are kept with every value: of all status changes of an item, the one with
//! the latest effective date on or before the day asked wins (ties go to the
//! later seq). A back-dated change recorded today therefore does not override
//! a later-dated one recorded earlier.
//!
//! Corrections replace the values of the event they name (its *root*; a
//! correction of a correction replaces the one it names). Each fact keeps its
//! original values, so the replacement can be recomputed whenever the list of
//! active corrections of its root changes.

use crate::domain::{
    AccountName, AccountRole, Day, EventBody, EventHash, EventId, ItemKey, ItemKind, KeyName,
    KeyRole, Legend, PublicKey, Replacement, Responsible, Timestamp,
};
use crate::error::{Refusal, Result};
use crate::ledger::Recorded;
use serde::Serialize;
use std::collections::BTreeMap;

/// A value that took effect on a day, recorded at a seq, possibly corrected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fact<T> {
    /// The event that recorded it.
    pub seq: u64,
    /// When it took effect (after corrections).
    pub effective: Day,
    /// The value (after corrections).
    pub value: T,
    /// Withdrawn by a correction.
    pub retracted: bool,
    /// The event that last changed its values (itself, or a correction).
    #[serde(skip)]
    pub version: u64,
    /// Effective date as first recorded.
    #[serde(skip)]
    pub(super) original_effective: Day,
    /// Value as first recorded.
    #[serde(skip)]
    pub(super) original: T,
}

impl<T: Clone> Fact<T> {
    pub(super) fn new(seq: u64, effective: Day, value: T) -> Fact<T> {
        Fact {
            seq,
            effective,
            value: value.clone(),
            retracted: false,
            version: seq,
            original_effective: effective,
            original: value,
        }
    }

    /// Effective date, value and retraction: what a correction changes.
    fn values(&self) -> (Day, T, bool) {
        (self.effective, self.value.clone(), self.retracted)
    }

    fn reset(&mut self) {
        self.value = self.original.clone();
        self.effective = self.original_effective;
        self.retracted = false;
    }
}

/// A progress note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The event that recorded it.
    pub seq: u64,
    /// The day it refers to (after corrections).
    pub effective: Day,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// Who recorded it.
    pub actor: String,
    /// The text (after corrections).
    pub text: String,
    /// Papers it cites.
    pub citations: Vec<String>,
    /// Withdrawn by a correction.
    pub retracted: bool,
    /// The event that last changed its values (itself, or a correction).
    #[serde(skip)]
    pub version: u64,
    #[serde(skip)]
    pub(super) original: (Day, String),
}

/// An amendment of the item's own text, citations or submitters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Amendment {
    /// The event that recorded it.
    pub seq: u64,
    /// New text, if changed.
    pub text: Option<String>,
    /// New citations, if changed.
    pub citations: Option<Vec<String>>,
    /// New submitters, if changed.
    pub submitters: Option<Vec<String>>,
    /// Withdrawn by a correction.
    pub retracted: bool,
}

/// What one event changed, for an item's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "change", rename_all = "snake_case")]
pub enum Change {
    /// The item was registered.
    Registered {
        /// Initial status slug.
        status: String,
        /// Initial responsible.
        responsible: Responsible,
    },
    /// The status changed.
    Status {
        /// Status in effect on that day before the change, as then known.
        from: String,
        /// New status.
        to: String,
        /// Why.
        reason: Option<String>,
    },
    /// Responsibility moved.
    Responsible {
        /// Parties in effect on that day before the change, as then known.
        from: Responsible,
        /// New parties.
        to: Responsible,
        /// Why.
        reason: Option<String>,
    },
    /// A progress note.
    Note {
        /// The text.
        text: String,
        /// Papers it cites.
        citations: Vec<String>,
    },
    /// Text, citations or submitters fixed.
    Amended {
        /// New text, if changed.
        text: Option<String>,
        /// New citations, if changed.
        citations: Option<Vec<String>>,
        /// New submitters, if changed.
        submitters: Option<Vec<String>>,
        /// Why.
        reason: Option<String>,
    },
    /// Its deadline, where and when it was made, or who was responsible
    /// before, as a register states them.
    Detailed {
        /// New deadline, if changed.
        deadline: Option<Day>,
        /// New day it was made, if changed.
        made_on: Option<Day>,
        /// New place it was made, if changed.
        made_in: Option<String>,
        /// New previous responsible, if changed.
        previous_responsible: Option<Responsible>,
        /// Why.
        reason: Option<String>,
    },
    /// An earlier event of this item was corrected.
    Corrected {
        /// The corrected event.
        target_seq: u64,
        /// The original (non-correction) event whose values are replaced.
        root_seq: u64,
        /// Why.
        reason: String,
        /// What is used instead.
        replacement: Replacement,
    },
}

/// One line of an item's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    /// Seq of the event.
    pub seq: u64,
    /// Id of the event.
    pub id: EventId,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// When it took effect, if it has an effective date (as recorded).
    pub effective: Option<Day>,
    /// Who recorded it.
    pub actor: String,
    /// The event's hash.
    pub hash: EventHash,
    /// Seqs of the corrections that named this event, oldest first.
    pub corrected_by: Vec<u64>,
    /// What changed.
    #[serde(flatten)]
    pub change: Change,
}

impl TimelineEntry {
    /// The entry of event `rec`, which changed `change` (not yet named by
    /// any correction).
    pub fn of(rec: &Recorded, change: Change) -> TimelineEntry {
        let env = &rec.envelope;
        TimelineEntry {
            seq: env.seq,
            id: env.id,
            recorded_at: env.recorded_at,
            effective: env.body.effective(),
            actor: env.actor.clone(),
            hash: rec.hash,
            corrected_by: Vec::new(),
            change,
        }
    }
}

/// How many events of each kind were recorded about an item (its
/// registration not counted), corrections of them included: two tallies
/// subtracted count what was recorded in between.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Tally {
    /// Status changes.
    pub status_changes: u64,
    /// Changes of responsible.
    pub reassignments: u64,
    /// Progress notes.
    pub notes: u64,
    /// Amendments.
    pub amendments: u64,
    /// Corrections.
    pub corrections: u64,
}

impl Tally {
    /// What `self` counts beyond `earlier`.
    pub fn since(self, earlier: Tally) -> Tally {
        Tally {
            status_changes: self.status_changes.saturating_sub(earlier.status_changes),
            reassignments: self.reassignments.saturating_sub(earlier.reassignments),
            notes: self.notes.saturating_sub(earlier.notes),
            amendments: self.amendments.saturating_sub(earlier.amendments),
            corrections: self.corrections.saturating_sub(earlier.corrections),
        }
    }

    /// True if nothing was counted.
    pub fn is_empty(self) -> bool {
        self == Tally::default()
    }
}

/// One item as the events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemState {
    /// The item's id (the id of its registration event).
    pub id: EventId,
    /// Seq of its registration.
    pub registered_seq: u64,
    /// Its key.
    pub key: ItemKey,
    /// Motion or commitment.
    pub kind: ItemKind,
    /// Its text (empty when the source lost it), after amendments.
    pub text: String,
    /// Submitters of a motion, after amendments.
    pub submitters: Vec<String>,
    /// Citations, raw text, after amendments.
    pub citations: Vec<String>,
    /// When it came into being (after corrections).
    pub effective: Day,
    /// Withdrawn: its registration was retracted by a correction.
    pub withdrawn: bool,
    /// The day it is due, as a register states it.
    pub deadline: Option<Day>,
    /// The day it was made (the debate or the letter).
    pub made_on: Option<Day>,
    /// Where it was made: a citation.
    pub made_in: Option<String>,
    /// Who was responsible before, as a register states it.
    pub previous_responsible: Option<Responsible>,
    /// Every status it had, in recording order.
    pub statuses: Vec<Fact<String>>,
    /// Every assignment (the registration's first), in recording order.
    pub assignments: Vec<Fact<Responsible>>,
    /// Progress notes, in recording order.
    pub notes: Vec<Note>,
    /// Amendments, in recording order.
    pub amendments: Vec<Amendment>,
    /// Its full history.
    pub timeline: Vec<TimelineEntry>,
    /// How many events of each kind were recorded about it.
    #[serde(skip)]
    pub tally: Tally,
    #[serde(skip)]
    pub(super) original: (String, Vec<String>, Vec<String>),
    /// Active corrections per root seq, in order; the last one applies.
    #[serde(skip)]
    pub(super) corrections: BTreeMap<u64, Vec<(u64, Replacement)>>,
    /// For a correction that replaced another, the entry it replaced, so
    /// that retracting it puts that one back.
    #[serde(skip)]
    pub(super) superseded: BTreeMap<u64, (u64, Replacement)>,
    /// The root of every correction applied to it, by the correction's seq.
    #[serde(skip)]
    pub(super) correction_roots: BTreeMap<u64, u64>,
}

pub(super) fn in_effect<T>(values: &[Fact<T>], day: Option<Day>) -> Option<&Fact<T>> {
    values
        .iter()
        .filter(|f| !f.retracted && day.is_none_or(|d| f.effective <= d))
        .max_by_key(|f| (f.effective, f.seq))
}

impl ItemState {
    /// True if the item existed on `day` (any day when None) and is not
    /// withdrawn.
    pub fn exists_on(&self, day: Option<Day>) -> bool {
        !self.withdrawn && day.is_none_or(|d| self.effective <= d)
    }

    /// The status now in effect (latest effective date).
    pub fn status(&self) -> &str {
        self.status_at(None)
    }

    /// The status in effect on `day` (now when None), as known; "not stated"
    /// when none was in effect yet.
    pub fn status_at(&self, day: Option<Day>) -> &str {
        self.status_fact(day)
            .map_or(crate::domain::legend::NOT_STATED, |f| f.value.as_str())
    }

    /// The status in effect on `day`, if any.
    pub fn status_on(&self, day: Day) -> Option<&str> {
        self.status_fact(Some(day)).map(|f| f.value.as_str())
    }

    /// The status fact in effect on `day`: the latest that states a
    /// status, else the latest "not stated". "Not stated" is the absence of
    /// a status, so it never overrides one, however much later its date
    /// (an import that read no status, a registration without one).
    fn status_fact(&self, day: Option<Day>) -> Option<&Fact<String>> {
        self.statuses
            .iter()
            .filter(|f| f.value != crate::domain::legend::NOT_STATED)
            .filter(|f| !f.retracted && day.is_none_or(|d| f.effective <= d))
            .max_by_key(|f| (f.effective, f.seq))
            .or_else(|| in_effect(&self.statuses, day))
    }

    /// The parties now responsible.
    pub fn responsible(&self) -> Responsible {
        self.responsible_at(None)
    }

    /// The parties responsible on `day` (now when None).
    pub fn responsible_at(&self, day: Option<Day>) -> Responsible {
        in_effect(&self.assignments, day).map_or_else(Responsible::none, |f| f.value.clone())
    }

    /// The parties responsible on `day`, if any assignment was in effect.
    pub fn responsible_on(&self, day: Day) -> Option<&Responsible> {
        in_effect(&self.assignments, Some(day)).map(|f| &f.value)
    }

    /// The latest progress note by effective date.
    pub fn latest_note(&self) -> Option<&Note> {
        self.latest_note_at(None)
    }

    /// The latest progress note effective on or before `day`.
    pub fn latest_note_at(&self, day: Option<Day>) -> Option<&Note> {
        self.notes_at(day).max_by_key(|n| (n.effective, n.seq))
    }

    /// The notes in effect on `day` (all when None), not retracted.
    pub fn notes_at(&self, day: Option<Day>) -> impl Iterator<Item = &Note> {
        self.notes
            .iter()
            .filter(move |n| !n.retracted && day.is_none_or(|d| n.effective <= d))
    }

    /// The timeline entry of event `seq`.
    pub fn entry(&self, seq: u64) -> Option<&TimelineEntry> {
        self.timeline.iter().find(|e| e.seq == seq)
    }

    /// The root of a correctable event of this item: the event itself, or
    /// for a correction, the event its chain ends at.
    pub fn root_of(&self, seq: u64) -> Option<u64> {
        if let Some(root) = self.correction_roots.get(&seq) {
            return Some(*root);
        }
        match &self.entry(seq)?.change {
            Change::Corrected { root_seq, .. } => Some(*root_seq),
            _ => Some(seq),
        }
    }

    /// True if `seq` is a correction that currently applies (was not itself
    /// retracted or replaced).
    pub fn correction_active(&self, seq: u64) -> bool {
        self.corrections
            .values()
            .any(|list| list.iter().any(|(s, _)| *s == seq))
    }

    /// The replacement in force for a root event, if any.
    pub fn replacement_of(&self, root: u64) -> Option<&Replacement> {
        self.corrections
            .get(&root)
            .and_then(|l| l.last())
            .map(|(_, r)| r)
    }

    /// Recomputes the values of the facts and notes of `root` from its
    /// corrections in force; those whose values changed take `seq` (the
    /// correction) as their version.
    fn recompute_root(&mut self, root: u64, seq: u64) {
        let repl = self.replacement_of(root).cloned();
        let retract = repl.as_ref().is_some_and(|r| r.retract);
        let eff = repl.as_ref().and_then(|r| r.effective);
        if root == self.registered_seq {
            self.withdrawn = retract;
        }
        for f in self.statuses.iter_mut().filter(|f| f.seq == root) {
            let was = f.values();
            f.reset();
            if let Some(r) = &repl {
                f.retracted = r.retract && root != self.registered_seq;
                if let Some(s) = &r.status {
                    f.value.clone_from(s);
                }
                if let Some(d) = eff {
                    f.effective = d;
                }
            }
            if f.values() != was {
                f.version = seq;
            }
        }
        for f in self.assignments.iter_mut().filter(|f| f.seq == root) {
            let was = f.values();
            f.reset();
            if let Some(r) = &repl {
                f.retracted = r.retract && root != self.registered_seq;
                if let Some(p) = &r.responsible {
                    f.value = p.clone();
                }
                if let Some(d) = eff {
                    f.effective = d;
                }
            }
            if f.values() != was {
                f.version = seq;
            }
        }
        for n in self.notes.iter_mut().filter(|n| n.seq == root) {
            let was = (n.effective, n.text.clone(), n.retracted);
            (n.effective, n.text) = n.original.clone();
            n.retracted = retract;
            if let Some(r) = &repl {
                if let Some(t) = &r.note {
                    n.text.clone_from(t);
                }
                if let Some(d) = eff {
                    n.effective = d;
                }
            }
            if (n.effective, n.text.clone(), n.retracted) != was {
                n.version = seq;
            }
        }
        if root == self.registered_seq {
            self.effective = self
                .statuses
                .iter()
                .find(|f| f.seq == root)
                .map_or(self.effective, |f| f.effective);
        }
        if let Some(a) = self.amendments.iter_mut().find(|a| a.seq == root) {
            a.retracted = retract;
            self.reapply_amendments();
        }
    }

    /// The text, citations and submitters in force just before amendment
    /// `seq`: the registration's, with the amendments recorded before it
    /// that are not retracted — what that amendment changed them from.
    pub fn before_amendment(&self, seq: u64) -> (String, Vec<String>, Vec<String>) {
        let (mut text, mut citations, mut submitters) = self.original.clone();
        for a in self
            .amendments
            .iter()
            .filter(|a| a.seq < seq && !a.retracted)
        {
            if let Some(t) = &a.text {
                text.clone_from(t);
            }
            if let Some(c) = &a.citations {
                citations.clone_from(c);
            }
            if let Some(s) = &a.submitters {
                submitters.clone_from(s);
            }
        }
        (text, citations, submitters)
    }

    fn reapply_amendments(&mut self) {
        (self.text, self.citations, self.submitters) = self.original.clone();
        for a in self.amendments.iter().filter(|a| !a.retracted) {
            if let Some(t) = &a.text {
                self.text.clone_from(t);
            }
            if let Some(c) = &a.citations {
                self.citations.clone_from(c);
            }
            if let Some(s) = &a.submitters {
                self.submitters.clone_from(s);
            }
        }
    }

    fn correct(&mut self, seq: u64, target: u64, repl: &Replacement) -> u64 {
        let root = self.root_of(target).unwrap_or(target);
        self.correction_roots.insert(seq, root);
        let list = self.corrections.entry(root).or_default();
        if target == root {
            list.push((seq, repl.clone()));
        } else if let Some(pos) = list.iter().position(|(s, _)| *s == target) {
            if !repl.retract {
                let old = std::mem::replace(&mut list[pos], (seq, repl.clone()));
                self.superseded.insert(seq, old);
            } else if let Some(old) = self.superseded.remove(&target) {
                list[pos] = old;
            } else {
                list.remove(pos);
            }
        }
        if let Some(e) = self.timeline.iter_mut().find(|e| e.seq == target) {
            e.corrected_by.push(seq);
        }
        self.recompute_root(root, seq);
        root
    }
}

/// A sealed reporting round.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Round {
    /// Unique name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Day it was reported to parliament.
    pub reported_on: Day,
    /// Seq of the seal event.
    pub seq: u64,
    /// Hash of the seal event: the round's published digest.
    pub digest: EventHash,
    /// Head seq at sealing (the event before the seal).
    pub head_seq: u64,
    /// Head hash at sealing.
    pub head_hash: EventHash,
    /// When the seal was recorded.
    pub recorded_at: Timestamp,
    /// Who sealed it.
    pub actor: String,
    /// The Merkle tree the seal names (size and root), for a v2 seal.
    pub tree: Option<(u64, EventHash)>,
}

/// A key registered to sign or cosign round notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RegisteredKey {
    /// Its name.
    pub name: KeyName,
    /// Signer or witness.
    pub role: KeyRole,
    /// The public key.
    pub public_key: PublicKey,
    /// The event that registered it.
    pub seq: u64,
}

/// A signer's signature of a round's checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct RoundSignature {
    /// The round's name, as sealed.
    pub round: String,
    /// The seal's seq.
    pub seal_seq: u64,
    /// The signer key's name.
    pub key: KeyName,
    /// The signature of the checkpoint text.
    pub signature: crate::domain::Signature,
    /// The event that recorded it.
    pub seq: u64,
}

/// An account of a shared ledger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Account {
    /// Its login name.
    pub account: AccountName,
    /// The person's name.
    pub display_name: String,
    /// What it may do.
    pub role: AccountRole,
    /// Portfolios whose items a medewerker may record for.
    pub ministries: Vec<String>,
    /// Disabled: it may do nothing.
    pub disabled: bool,
    /// The event that created it.
    pub created_seq: u64,
}

/// The whole overview.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct State {
    /// Programme name.
    pub programme: String,
    /// Programme title.
    pub title: String,
    /// The programme's legend.
    pub legend: Option<Legend>,
    /// Items by id.
    pub items: BTreeMap<EventId, ItemState>,
    /// Sealed rounds in order.
    pub rounds: Vec<Round>,
    /// Keys registered to sign or cosign round notes, by name.
    pub signing_keys: BTreeMap<KeyName, RegisteredKey>,
    /// Signatures of round checkpoints, by seal seq.
    pub signatures: BTreeMap<u64, Vec<RoundSignature>>,
    /// Accounts of a shared ledger, by name.
    pub accounts: BTreeMap<AccountName, Account>,
    /// The order of the items of each kind, as last set.
    pub orders: BTreeMap<ItemKind, Vec<EventId>>,
    /// The kind and key of every item registered (withdrawn ones too),
    /// for the checks of an order; a state that holds only some items may
    /// hold all of their kinds.
    #[serde(skip)]
    pub item_kinds: BTreeMap<EventId, (ItemKind, String)>,
    /// Lower-cased key to id.
    #[serde(skip)]
    pub(super) keys: BTreeMap<String, EventId>,
    /// Number of events applied.
    pub events: u64,
    /// Hash of the last event applied.
    pub head: Option<EventHash>,
    /// Recorded time of the last event applied.
    pub last_recorded: Option<Timestamp>,
}

impl State {
    /// Folds a sequence of events into a state.
    pub fn replay<'a>(events: impl IntoIterator<Item = &'a Recorded>) -> State {
        let mut s = State::default();
        for e in events {
            s.apply(e);
        }
        s
    }

    /// Folds events read from a store, stopping at the first read error.
    pub fn replay_results(events: impl IntoIterator<Item = Result<Recorded>>) -> Result<State> {
        let mut s = State::default();
        for e in events {
            s.apply(&e?);
        }
        Ok(s)
    }

    /// The legend (the NAP's if the ledger has none yet).
    pub fn legend(&self) -> Legend {
        self.legend.clone().unwrap_or_else(Legend::nap)
    }

    /// Item by key, case-insensitively.
    pub fn by_key(&self, key: &str) -> Option<&ItemState> {
        self.keys
            .get(&key.to_ascii_lowercase())
            .and_then(|id| self.items.get(id))
    }

    /// The key of the item with id `id`, if there is one.
    pub fn key_of(&self, id: EventId) -> Option<String> {
        self.items.get(&id).map(|i| i.key.to_string())
    }

    /// A round by name, case-insensitively.
    pub fn round(&self, name: &str) -> Option<&Round> {
        self.rounds
            .iter()
            .find(|r| r.name.eq_ignore_ascii_case(name.trim()))
    }

    /// Items sorted for display: motions first, then by key in natural order
    /// (withdrawn items included).
    pub fn sorted_items(&self) -> Vec<&ItemState> {
        let mut v: Vec<&ItemState> = self.items.values().collect();
        v.sort_by_cached_key(|i| (i.kind, natural_key(i.key.as_str())));
        v
    }

    /// Items in display order: motions first, each kind in the order last
    /// set for it (`items_ordered`), the items it does not name after them
    /// by key in natural order (withdrawn items included).
    pub fn ordered_items(&self) -> Vec<&ItemState> {
        let place: BTreeMap<EventId, usize> = self
            .orders
            .values()
            .flat_map(|o| o.iter().enumerate().map(|(n, id)| (*id, n)))
            .collect();
        let mut v: Vec<&ItemState> = self.items.values().collect();
        v.sort_by_cached_key(|i| {
            (
                i.kind,
                place.get(&i.id).copied().unwrap_or(usize::MAX),
                natural_key(i.key.as_str()),
            )
        });
        v
    }

    /// Items that exist on `day` (now when None), sorted for display.
    pub fn items_on(&self, day: Option<Day>) -> Vec<&ItemState> {
        let mut v = self.sorted_items();
        v.retain(|i| i.exists_on(day));
        v
    }

    /// How many existing items stand in each status now, in legend order
    /// (slugs the legend lacks come last).
    pub fn status_counts(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for it in self.items_on(None) {
            *counts.entry(it.status().to_string()).or_default() += 1;
        }
        let mut out: Vec<(String, usize)> = self
            .legend()
            .entries
            .iter()
            .map(|e| (e.slug.clone(), counts.remove(&e.slug).unwrap_or(0)))
            .collect();
        out.extend(counts);
        out
    }

    /// Finds an item by key (any case), by an unambiguous key prefix of 3+
    /// characters, or by an unambiguous prefix (4+ hex digits) of its id;
    /// otherwise explains what exists.
    pub fn resolve(&self, input: &str) -> Result<&ItemState> {
        let t = input.trim();
        if let Some(item) = self.by_key(t) {
            return Ok(item);
        }
        let folded = t.to_ascii_lowercase();
        if folded.len() >= 3 {
            let mut by_prefix = self
                .keys
                .range(folded.clone()..)
                .take_while(|(k, _)| k.starts_with(&folded));
            if let (Some((_, id)), None) = (by_prefix.next(), by_prefix.next())
                && let Some(item) = self.items.get(id)
            {
                return Ok(item);
            }
        }
        let hex: String = t
            .chars()
            .filter(|c| *c != '-')
            .collect::<String>()
            .to_ascii_lowercase();
        if hex.len() >= 4 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
            let matches: Vec<&ItemState> = self
                .items
                .values()
                .filter(|i| i.id.hex().starts_with(&hex))
                .collect();
            match matches.as_slice() {
                [one] => return Ok(one),
                [] => {}
                many => {
                    return Err(Refusal::AmbiguousItem {
                        input: t.to_string(),
                        count: many.len(),
                        examples: many
                            .iter()
                            .take(5)
                            .map(|i| format!("{} ({})", i.key, i.id.hex()))
                            .collect(),
                    }
                    .into());
                }
            }
        }
        Err(Refusal::UnknownItem {
            input: crate::domain::text::shorten(t, 60),
            suggestions: crate::domain::text::closest(
                t,
                self.items.values().map(|i| i.key.as_str()),
                3,
            ),
        }
        .into())
    }

    /// Puts an item (folded from its own events) into this state, with its
    /// key: for a state that holds only the items a write touches.
    pub fn insert_item(&mut self, item: ItemState) {
        self.keys.insert(item.key.folded(), item.id);
        self.item_kinds
            .insert(item.id, (item.kind, item.key.to_string()));
        self.items.insert(item.id, item);
    }

    /// Applies one event. Never fails.
    pub fn apply(&mut self, rec: &Recorded) {
        let env = &rec.envelope;
        self.events += 1;
        self.head = Some(rec.hash);
        self.last_recorded = Some(env.recorded_at);
        let entry = |change: Change| TimelineEntry::of(rec, change);
        match &env.body {
            EventBody::LedgerCreated {
                programme,
                title,
                legend,
            } => {
                self.programme.clone_from(programme);
                self.title.clone_from(title);
                self.legend = Some(legend.clone());
            }
            EventBody::ItemRegistered {
                kind,
                key,
                text,
                submitters,
                citations,
                responsible,
                status,
                effective,
            } => {
                let item = ItemState {
                    id: env.id,
                    registered_seq: env.seq,
                    key: key.clone(),
                    kind: *kind,
                    text: text.clone(),
                    submitters: submitters.clone(),
                    citations: citations.clone(),
                    effective: *effective,
                    withdrawn: false,
                    statuses: vec![Fact::new(env.seq, *effective, status.clone())],
                    assignments: vec![Fact::new(env.seq, *effective, responsible.clone())],
                    notes: vec![],
                    amendments: vec![],
                    timeline: vec![entry(Change::Registered {
                        status: status.clone(),
                        responsible: responsible.clone(),
                    })],
                    original: (text.clone(), citations.clone(), submitters.clone()),
                    deadline: None,
                    made_on: None,
                    made_in: None,
                    previous_responsible: None,
                    tally: Tally::default(),
                    corrections: BTreeMap::new(),
                    superseded: BTreeMap::new(),
                    correction_roots: BTreeMap::new(),
                };
                self.keys.insert(key.folded(), env.id);
                self.item_kinds.insert(env.id, (*kind, key.to_string()));
                self.items.insert(env.id, item);
            }
            EventBody::StatusChanged {
                item,
                status,
                reason,
                effective,
            } => {
                if let Some(it) = self.items.get_mut(item) {
                    it.tally.status_changes += 1;
                    let from = it.status_at(Some(*effective)).to_string();
                    it.statuses
                        .push(Fact::new(env.seq, *effective, status.clone()));
                    it.timeline.push(entry(Change::Status {
                        from,
                        to: status.clone(),
                        reason: reason.clone(),
                    }));
                }
            }
            EventBody::ResponsibilityChanged {
                item,
                responsible,
                reason,
                effective,
            } => {
                if let Some(it) = self.items.get_mut(item) {
                    it.tally.reassignments += 1;
                    let from = it.responsible_at(Some(*effective));
                    it.assignments
                        .push(Fact::new(env.seq, *effective, responsible.clone()));
                    it.timeline.push(entry(Change::Responsible {
                        from,
                        to: responsible.clone(),
                        reason: reason.clone(),
                    }));
                }
            }
            EventBody::ProgressNoted {
                item,
                text,
                citations,
                effective,
            } => {
                if let Some(it) = self.items.get_mut(item) {
                    it.tally.notes += 1;
                    it.notes.push(Note {
                        seq: env.seq,
                        effective: *effective,
                        recorded_at: env.recorded_at,
                        actor: env.actor.clone(),
                        text: text.clone(),
                        citations: citations.clone(),
                        retracted: false,
                        version: env.seq,
                        original: (*effective, text.clone()),
                    });
                    it.timeline.push(entry(Change::Note {
                        text: text.clone(),
                        citations: citations.clone(),
                    }));
                }
            }
            EventBody::ItemAmended {
                item,
                text,
                citations,
                submitters,
                reason,
            } => {
                if let Some(it) = self.items.get_mut(item) {
                    it.tally.amendments += 1;
                    it.amendments.push(Amendment {
                        seq: env.seq,
                        text: text.clone(),
                        citations: citations.clone(),
                        submitters: submitters.clone(),
                        retracted: false,
                    });
                    it.reapply_amendments();
                    it.timeline.push(entry(Change::Amended {
                        text: text.clone(),
                        citations: citations.clone(),
                        submitters: submitters.clone(),
                        reason: reason.clone(),
                    }));
                }
            }
            EventBody::RoundSealed { .. } | EventBody::RoundSealedV2 { .. } => {
                if let Some(seal) = env.body.seal() {
                    self.rounds.push(Round {
                        name: seal.name.to_string(),
                        title: seal.title.to_string(),
                        reported_on: seal.reported_on,
                        seq: env.seq,
                        digest: rec.hash,
                        head_seq: seal.head_seq,
                        head_hash: seal.head_hash,
                        recorded_at: env.recorded_at,
                        actor: env.actor.clone(),
                        tree: seal.tree,
                    });
                }
            }
            EventBody::KeyRegistered {
                name,
                role,
                public_key,
            } => {
                self.signing_keys.insert(
                    name.clone(),
                    RegisteredKey {
                        name: name.clone(),
                        role: *role,
                        public_key: *public_key,
                        seq: env.seq,
                    },
                );
            }
            EventBody::RoundSigned {
                round,
                key,
                signature,
            } => {
                if let Some(r) = self.round(round) {
                    let sig = RoundSignature {
                        round: r.name.clone(),
                        seal_seq: r.seq,
                        key: key.clone(),
                        signature: *signature,
                        seq: env.seq,
                    };
                    self.signatures.entry(sig.seal_seq).or_default().push(sig);
                }
            }
            EventBody::AccountCreated {
                account,
                display_name,
                role,
                ministries,
            } => {
                self.accounts.insert(
                    account.clone(),
                    Account {
                        account: account.clone(),
                        display_name: display_name.clone(),
                        role: *role,
                        ministries: ministries.clone(),
                        disabled: false,
                        created_seq: env.seq,
                    },
                );
            }
            EventBody::AccountChanged {
                account,
                role,
                ministries,
                disabled,
            } => {
                if let Some(a) = self.accounts.get_mut(account) {
                    if let Some(r) = role {
                        a.role = *r;
                    }
                    if let Some(m) = ministries {
                        a.ministries.clone_from(m);
                    }
                    if let Some(d) = disabled {
                        a.disabled = *d;
                    }
                }
            }
            EventBody::ItemDetailed {
                item,
                deadline,
                made_on,
                made_in,
                previous_responsible,
                reason,
            } => {
                if let Some(it) = self.items.get_mut(item) {
                    it.tally.amendments += 1;
                    if deadline.is_some() {
                        it.deadline = *deadline;
                    }
                    if made_on.is_some() {
                        it.made_on = *made_on;
                    }
                    if made_in.is_some() {
                        it.made_in.clone_from(made_in);
                    }
                    if previous_responsible.is_some() {
                        it.previous_responsible.clone_from(previous_responsible);
                    }
                    it.timeline.push(entry(Change::Detailed {
                        deadline: *deadline,
                        made_on: *made_on,
                        made_in: made_in.clone(),
                        previous_responsible: previous_responsible.clone(),
                        reason: reason.clone(),
                    }));
                }
            }
            EventBody::ItemsOrdered { kind, order } => {
                self.orders.insert(*kind, order.clone());
            }
            EventBody::Corrected {
                target_seq,
                item,
                reason,
                replacement,
                ..
            } => {
                if let Some(it) = self.items.get_mut(item) {
                    it.tally.corrections += 1;
                    let root = it.correct(env.seq, *target_seq, replacement);
                    it.timeline.push(entry(Change::Corrected {
                        target_seq: *target_seq,
                        root_seq: root,
                        reason: reason.clone(),
                        replacement: replacement.clone(),
                    }));
                }
            }
        }
    }
}

/// Sort key that orders `M2` before `M10` and `34843-79` before `34843-101`.
pub fn natural_key(s: &str) -> Vec<(u8, u64, String)> {
    let mut out = Vec::new();
    let mut chars = s.chars().peekable();
    while let Some(&c) = chars.peek() {
        let mut run = String::new();
        let digits = c.is_ascii_digit();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() != digits {
                break;
            }
            run.push(d);
            chars.next();
        }
        if digits {
            out.push((0, run.parse().unwrap_or(u64::MAX), run));
        } else {
            out.push((1, 0, run.to_ascii_lowercase()));
        }
    }
    out
}
