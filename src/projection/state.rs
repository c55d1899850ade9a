//! The overview as a fold over events. Applying an event never fails: events
//! were checked by [`super::decide`] before they were appended, and an event
//! about an unknown item (only possible in a damaged ledger) is ignored.
//!
//! Current values follow the effective date, not the order of recording: of
//! all status changes of an item, the one with the latest effective date wins
//! (ties go to the later seq). A back-dated change recorded today therefore
//! does not override a later-dated one recorded earlier.

use crate::domain::{
    Day, EventBody, EventHash, EventId, ItemKey, ItemKind, Legend, Responsible, Timestamp,
};
use crate::error::{Error, Result};
use crate::ledger::Recorded;
use serde::Serialize;
use std::collections::BTreeMap;

/// A value that took effect on a day, recorded at a seq.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dated<T> {
    /// When it took effect.
    pub effective: Day,
    /// The event that recorded it.
    pub seq: u64,
    /// The value.
    pub value: T,
}

/// A progress note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// The event that recorded it.
    pub seq: u64,
    /// The day it refers to.
    pub effective: Day,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// Who recorded it.
    pub actor: String,
    /// The text.
    pub text: String,
    /// Papers it cites.
    pub citations: Vec<String>,
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
        /// Status in effect on that day before the change.
        from: String,
        /// New status.
        to: String,
        /// Why.
        reason: Option<String>,
    },
    /// Responsibility moved.
    Responsible {
        /// Parties in effect on that day before the change.
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
}

/// One line of an item's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TimelineEntry {
    /// Seq of the event.
    pub seq: u64,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// When it took effect, if it has an effective date.
    pub effective: Option<Day>,
    /// Who recorded it.
    pub actor: String,
    /// The event's hash.
    pub hash: EventHash,
    /// What changed.
    #[serde(flatten)]
    pub change: Change,
}

/// One item as the events describe it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemState {
    /// The item's id (the id of its registration event).
    pub id: EventId,
    /// Its key.
    pub key: ItemKey,
    /// Motion or commitment.
    pub kind: ItemKind,
    /// Its text (empty when the source lost it).
    pub text: String,
    /// Submitters of a motion.
    pub submitters: Vec<String>,
    /// Citations, raw text.
    pub citations: Vec<String>,
    /// Every status it had, in recording order.
    pub statuses: Vec<Dated<String>>,
    /// Every assignment, in recording order.
    pub assignments: Vec<Dated<Responsible>>,
    /// Progress notes, in recording order.
    pub notes: Vec<Note>,
    /// Its full history.
    pub timeline: Vec<TimelineEntry>,
}

fn current<T>(values: &[Dated<T>]) -> Option<&Dated<T>> {
    values.iter().max_by_key(|d| (d.effective, d.seq))
}

fn on<T>(values: &[Dated<T>], day: Day) -> Option<&Dated<T>> {
    values
        .iter()
        .filter(|d| d.effective <= day)
        .max_by_key(|d| (d.effective, d.seq))
}

impl ItemState {
    /// The status slug now in effect (latest effective date).
    pub fn status(&self) -> &str {
        current(&self.statuses).map_or(crate::domain::legend::NOT_STATED, |d| d.value.as_str())
    }

    /// The status in effect on `day`, as known now.
    pub fn status_on(&self, day: Day) -> Option<&str> {
        on(&self.statuses, day).map(|d| d.value.as_str())
    }

    /// The parties now responsible.
    pub fn responsible(&self) -> Responsible {
        current(&self.assignments).map_or_else(Responsible::none, |d| d.value.clone())
    }

    /// The parties responsible on `day`, as known now.
    pub fn responsible_on(&self, day: Day) -> Option<&Responsible> {
        on(&self.assignments, day).map(|d| &d.value)
    }

    /// The latest progress note by effective date.
    pub fn latest_note(&self) -> Option<&Note> {
        self.notes.iter().max_by_key(|n| (n.effective, n.seq))
    }
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
    /// Lower-cased key to id.
    #[serde(skip)]
    keys: BTreeMap<String, EventId>,
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

    /// Items sorted for display: motions first, then by key in natural order.
    pub fn sorted_items(&self) -> Vec<&ItemState> {
        let mut v: Vec<&ItemState> = self.items.values().collect();
        v.sort_by(|a, b| {
            (a.kind, natural_key(a.key.as_str())).cmp(&(b.kind, natural_key(b.key.as_str())))
        });
        v
    }

    /// Finds an item by key or by an unambiguous prefix (4+ hex digits) of
    /// its id; otherwise explains what exists.
    pub fn resolve(&self, input: &str) -> Result<&ItemState> {
        let t = input.trim();
        if let Some(item) = self.by_key(t) {
            return Ok(item);
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
                    let list: Vec<String> = many
                        .iter()
                        .take(5)
                        .map(|i| format!("{} ({})", i.key, i.id.hex()))
                        .collect();
                    return Err(Error::Rejected(format!(
                        "id prefix '{t}' is ambiguous: it matches {} items, e.g. {}; give more digits or the item's key",
                        many.len(),
                        list.join(", ")
                    )));
                }
            }
        }
        let suggestions =
            crate::domain::text::closest(t, self.items.values().map(|i| i.key.as_str()), 3);
        let hint = if suggestions.is_empty() {
            String::new()
        } else {
            format!(" Did you mean {}?", suggestions.join(", "))
        };
        Err(Error::Rejected(format!(
            "no item with key or id prefix '{}'.{hint} `kamerstand item list` shows all keys and ids",
            crate::domain::text::shorten(t, 60)
        )))
    }

    /// Applies one event. Never fails.
    pub fn apply(&mut self, rec: &Recorded) {
        let env = &rec.envelope;
        self.events += 1;
        self.head = Some(rec.hash);
        self.last_recorded = Some(env.recorded_at);
        let entry = |change: Change| TimelineEntry {
            seq: env.seq,
            recorded_at: env.recorded_at,
            effective: env.body.effective(),
            actor: env.actor.clone(),
            hash: rec.hash,
            change,
        };
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
                    key: key.clone(),
                    kind: *kind,
                    text: text.clone(),
                    submitters: submitters.clone(),
                    citations: citations.clone(),
                    statuses: vec![Dated {
                        effective: *effective,
                        seq: env.seq,
                        value: status.clone(),
                    }],
                    assignments: if responsible.is_empty() {
                        vec![]
                    } else {
                        vec![Dated {
                            effective: *effective,
                            seq: env.seq,
                            value: responsible.clone(),
                        }]
                    },
                    notes: vec![],
                    timeline: vec![entry(Change::Registered {
                        status: status.clone(),
                        responsible: responsible.clone(),
                    })],
                };
                self.keys.insert(key.folded(), env.id);
                self.items.insert(env.id, item);
            }
            EventBody::StatusChanged {
                item,
                status,
                reason,
                effective,
            } => {
                if let Some(it) = self.items.get_mut(item) {
                    let from = it
                        .status_on(*effective)
                        .unwrap_or(crate::domain::legend::NOT_STATED)
                        .to_string();
                    it.statuses.push(Dated {
                        effective: *effective,
                        seq: env.seq,
                        value: status.clone(),
                    });
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
                    let from = it.responsible_on(*effective).cloned().unwrap_or_default();
                    it.assignments.push(Dated {
                        effective: *effective,
                        seq: env.seq,
                        value: responsible.clone(),
                    });
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
                    it.notes.push(Note {
                        seq: env.seq,
                        effective: *effective,
                        recorded_at: env.recorded_at,
                        actor: env.actor.clone(),
                        text: text.clone(),
                        citations: citations.clone(),
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
                    if let Some(t) = text {
                        it.text.clone_from(t);
                    }
                    if let Some(c) = citations {
                        it.citations.clone_from(c);
                    }
                    if let Some(s) = submitters {
                        it.submitters.clone_from(s);
                    }
                    it.timeline.push(entry(Change::Amended {
                        text: text.clone(),
                        citations: citations.clone(),
                        submitters: submitters.clone(),
                        reason: reason.clone(),
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
