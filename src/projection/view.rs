//! Views: what a read command shows, on both time axes.
//!
//! The *basis* picks the events: all of them (current), those recorded up to
//! an instant (`--as-of`), or those up to a round's seal (`--round`). The
//! optional *effective* day then picks the values in effect on that day. A
//! [`View`] holds every item the basis knows as an [`ItemView`]: each value
//! already resolved for that moment and day, so that no caller can ask an
//! item a question its view cannot answer. Views are read from the ledger's
//! index (`crate::ledger::index`); [`View::replay`] builds the same view by
//! folding the events, which is what the index is checked against.

use super::{Note, Round, State, Tally};
use crate::domain::{
    Day, EventHash, EventId, Instant, ItemKey, ItemKind, Legend, Responsible, Timestamp,
};
use crate::ledger::Recorded;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// Which events a view holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Basis {
    /// Every event.
    Current,
    /// Events recorded at or before an instant.
    AsOf(Instant),
    /// Events up to and including a round's seal.
    Round(Round),
}

impl Basis {
    /// True if `rec` belongs to this basis. Events are in recorded-time
    /// order, so the first event outside ends the basis.
    pub fn includes(&self, rec: &Recorded) -> bool {
        match self {
            Basis::Current => true,
            Basis::AsOf(i) => rec.envelope.recorded_at <= i.at,
            Basis::Round(r) => rec.envelope.seq <= r.seq,
        }
    }
}

/// A progress note as a view shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NoteView {
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
}

impl From<&Note> for NoteView {
    fn from(n: &Note) -> NoteView {
        NoteView {
            seq: n.seq,
            effective: n.effective,
            recorded_at: n.recorded_at,
            actor: n.actor.clone(),
            text: n.text.clone(),
            citations: n.citations.clone(),
        }
    }
}

/// One item as a view shows it: every value resolved for the view's moment
/// and effective day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ItemView {
    /// The item's id (its registration's).
    pub id: EventId,
    /// Seq of its registration.
    pub registered_seq: u64,
    /// Its key.
    pub key: ItemKey,
    /// Motion or commitment.
    pub kind: ItemKind,
    /// Its text, after amendments ("" when the source lost it).
    pub text: String,
    /// Submitters, after amendments.
    pub submitters: Vec<String>,
    /// Citations, raw, after amendments.
    pub citations: Vec<String>,
    /// When it came into being (after corrections).
    pub effective: Day,
    /// Its registration was retracted.
    pub withdrawn: bool,
    /// It exists on the view's day: not withdrawn, and in effect by then.
    pub exists: bool,
    /// The status in effect (slug; "not stated" before any).
    pub status: String,
    /// The parties responsible (none before any).
    pub responsible: Responsible,
    /// The latest progress note in effect.
    pub note: Option<NoteView>,
    /// What was recorded about it up to the view.
    pub tally: Tally,
    /// The day it is due, as a register states it.
    pub deadline: Option<Day>,
    /// The day it was made.
    pub made_on: Option<Day>,
    /// Where it was made: a citation.
    pub made_in: Option<String>,
    /// Who was responsible before, as a register states it.
    pub previous_responsible: Option<Responsible>,
}

impl ItemView {
    /// The item as the fold `it` gives it, on `day` (latest when None).
    pub fn of(it: &super::ItemState, day: Option<Day>) -> ItemView {
        ItemView {
            id: it.id,
            registered_seq: it.registered_seq,
            key: it.key.clone(),
            kind: it.kind,
            text: it.text.clone(),
            submitters: it.submitters.clone(),
            citations: it.citations.clone(),
            effective: it.effective,
            withdrawn: it.withdrawn,
            exists: it.exists_on(day),
            status: it.status_at(day).to_string(),
            responsible: it.responsible_at(day),
            note: it.latest_note_at(day).map(NoteView::from),
            tally: it.tally,
            deadline: it.deadline,
            made_on: it.made_on,
            made_in: it.made_in.clone(),
            previous_responsible: it.previous_responsible.clone(),
        }
    }
}

/// Where the chain stood in a view.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChainAt {
    /// Events in the view.
    pub events: u64,
    /// Hash of its last event.
    pub head: Option<EventHash>,
    /// Recorded time of its last event.
    pub last_recorded: Option<Timestamp>,
}

/// The ledger's own description.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Programme {
    /// Short programme name.
    pub name: String,
    /// Title printed above overviews.
    pub title: String,
    /// The statuses it reports (the NAP's when the ledger has no events).
    pub legend: Legend,
}

/// The ledger seen at one moment and on one effective day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct View {
    /// Which events it holds.
    pub basis: Basis,
    /// The day whose values are shown (None = latest).
    pub effective: Option<Day>,
    /// The programme.
    pub programme: Programme,
    /// Where the chain stood.
    pub chain: ChainAt,
    /// The rounds sealed by then.
    pub rounds: Vec<Round>,
    /// Every item registered by then (withdrawn ones too), motions first,
    /// by key in natural order.
    pub items: Vec<ItemView>,
}

impl View {
    /// The view of `state` (the fold of the basis's events) on `effective`.
    pub fn from_state(state: &State, basis: Basis, effective: Option<Day>) -> View {
        View {
            basis,
            effective,
            programme: Programme {
                name: state.programme.clone(),
                title: state.title.clone(),
                legend: state.legend(),
            },
            chain: ChainAt {
                events: state.events,
                head: state.head,
                last_recorded: state.last_recorded,
            },
            rounds: state.rounds.clone(),
            items: state
                .ordered_items()
                .into_iter()
                .map(|it| ItemView::of(it, effective))
                .collect(),
        }
    }

    /// The view of the current state of `state`.
    pub fn current(state: &State, effective: Option<Day>) -> View {
        View::from_state(state, Basis::Current, effective)
    }

    /// Folds the events of `basis` from an ordered event stream: the
    /// reference every view read from the index must equal.
    pub fn replay<I>(events: I, basis: Basis, effective: Option<Day>) -> crate::Result<View>
    where
        I: IntoIterator<Item = crate::Result<Recorded>>,
    {
        let mut state = State::default();
        for rec in events {
            let rec = rec?;
            if !basis.includes(&rec) {
                break;
            }
            state.apply(&rec);
        }
        Ok(View::from_state(&state, basis, effective))
    }

    /// The legend.
    pub fn legend(&self) -> &Legend {
        &self.programme.legend
    }

    /// The items that exist on the view's day.
    pub fn existing(&self) -> impl Iterator<Item = &ItemView> {
        self.items.iter().filter(|i| i.exists)
    }

    /// The item with this key (any case), if the view has it.
    pub fn by_key(&self, key: &str) -> Option<&ItemView> {
        self.items
            .iter()
            .find(|i| i.key.as_str().eq_ignore_ascii_case(key.trim()))
    }

    /// How many existing items stand in each status, in legend order
    /// (slugs the legend lacks come last).
    pub fn status_counts(&self) -> Vec<(String, usize)> {
        status_counts(self.legend(), self.existing().map(|i| i.status.as_str()))
    }

    /// Last seq in the view, if any.
    pub fn last_seq(&self) -> Option<u64> {
        self.chain.events.checked_sub(1)
    }

    /// One line naming the view, for output headers.
    pub fn describe(&self) -> String {
        let basis = match &self.basis {
            Basis::Current => "current".to_string(),
            Basis::AsOf(i) => format!("as of {}", i.label),
            Basis::Round(r) => format!(
                "round {} (sealed at seq {}, reported on {})",
                r.name, r.seq, r.reported_on
            ),
        };
        let effective = self.effective.map_or_else(
            || "latest effective values".to_string(),
            |d| format!("effective {d}"),
        );
        let c = &self.chain;
        let chain = match (c.head, c.last_recorded) {
            (Some(h), Some(t)) => format!(
                "{} events up to seq {}, head {}, last recorded {}",
                c.events,
                c.events.saturating_sub(1),
                h.short(),
                t.short()
            ),
            _ => "no events".to_string(),
        };
        format!("View: {basis}; {effective} — {chain}")
    }

    /// The view as JSON (see schema/json-output.md).
    pub fn to_json(&self) -> Value {
        let (kind, as_of, round) = match &self.basis {
            Basis::Current => ("current", None, None),
            Basis::AsOf(i) => ("as_of", Some(i.at.rfc3339()), None),
            Basis::Round(r) => ("round", None, Some(r.name.clone())),
        };
        json!({
            "basis": kind,
            "as_of": as_of,
            "round": round,
            "effective": self.effective.map(|d| d.to_string()),
            "events": self.chain.events,
            "head": self.chain.head.map(|h| h.hex()),
            "last_recorded_at": self.chain.last_recorded.map(|t| t.rfc3339()),
        })
    }
}

/// Counts `statuses` per legend entry, in legend order; slugs the legend
/// lacks come last.
pub fn status_counts<'a>(
    legend: &Legend,
    statuses: impl Iterator<Item = &'a str>,
) -> Vec<(String, usize)> {
    let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
    for s in statuses {
        *counts.entry(s.to_string()).or_default() += 1;
    }
    let mut out: Vec<(String, usize)> = legend
        .entries
        .iter()
        .map(|e| (e.slug.clone(), counts.remove(&e.slug).unwrap_or(0)))
        .collect();
    out.extend(counts);
    out
}

/// Each sealed round with, in legend order, how many items stood in each
/// status when it was sealed.
pub type RoundCounts = Vec<(Round, Vec<(String, usize)>)>;

/// Status counts at each sealed round (up to `limit_seq`, if given), from
/// one fold over the events: the reference for the counts the index keeps.
pub fn round_counts<I>(events: I, limit_seq: Option<u64>) -> crate::Result<RoundCounts>
where
    I: IntoIterator<Item = crate::Result<Recorded>>,
{
    let mut state = State::default();
    let mut out = Vec::new();
    for rec in events {
        let rec = rec?;
        if limit_seq.is_some_and(|l| rec.envelope.seq > l) {
            break;
        }
        let seal = rec.envelope.body.seal().is_some();
        state.apply(&rec);
        if seal && let Some(r) = state.rounds.last() {
            out.push((r.clone(), state.status_counts()));
        }
    }
    Ok(out)
}
