//! Views: which state a read command shows, on both time axes.
//!
//! The *basis* picks the events: all of them (current), those recorded up to
//! an instant (`--as-of`), or those up to a round's seal (`--round`). The
//! optional *effective* day then picks, within that state, the values in
//! effect on that day. Every read output names its view with [`View::describe`].

use super::{Round, State};
use crate::domain::{Day, Instant};
use crate::ledger::Recorded;
use serde_json::{Value, json};
use std::borrow::Cow;

/// Which events a view folds.
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

/// A state seen on both axes.
#[derive(Debug, Clone)]
pub struct View<'a> {
    /// The folded state.
    pub state: Cow<'a, State>,
    /// Which events it holds.
    pub basis: Basis,
    /// The day whose values are shown (None = latest).
    pub effective: Option<Day>,
}

impl<'a> View<'a> {
    /// The current state, on the effective day given. A state loaded from
    /// checkpoints has compacted items that answer only for days from their
    /// horizon on: build such views with `Workspace::view`, which refolds
    /// the items that cannot answer.
    pub fn current(state: &'a State, effective: Option<Day>) -> View<'a> {
        View {
            state: Cow::Borrowed(state),
            basis: Basis::Current,
            effective,
        }
    }

    /// Folds the events of `basis` from an ordered event stream.
    pub fn fold<I>(events: I, basis: Basis, effective: Option<Day>) -> crate::Result<View<'static>>
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
        Ok(View {
            state: Cow::Owned(state),
            basis,
            effective,
        })
    }

    /// Last seq in the view, if any.
    pub fn last_seq(&self) -> Option<u64> {
        self.state.events.checked_sub(1)
    }

    /// One line naming the view, for output headers.
    pub fn describe(&self) -> String {
        let s = &self.state;
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
        let chain = match (s.head, s.last_recorded) {
            (Some(h), Some(t)) => format!(
                "{} events up to seq {}, head {}, last recorded {}",
                s.events,
                s.events.saturating_sub(1),
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
            "events": self.state.events,
            "head": self.state.head.map(|h| h.hex()),
            "last_recorded_at": self.state.last_recorded.map(|t| t.rfc3339()),
        })
    }
}

/// Each sealed round with, in legend order, how many items stood in each
/// status when it was sealed.
pub type RoundCounts = Vec<(Round, Vec<(String, usize)>)>;

/// Status counts at each sealed round (up to `limit_seq`, if given), from
/// one fold over the events: for the annex chart.
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
        let seal = matches!(
            rec.envelope.body,
            crate::domain::EventBody::RoundSealed { .. }
        );
        state.apply(&rec);
        if seal && let Some(r) = state.rounds.last() {
            out.push((r.clone(), state.status_counts()));
        }
    }
    Ok(out)
}
