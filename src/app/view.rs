//! Which moment a read shows, on both time axes: a [`ViewRequest`] names
//! it in the user's terms (an instant, a round's name, an effective day) and
//! [`ViewRequest::build`] turns it into a [`View`] of an open ledger.

use super::{Workspace, find};
use crate::domain::{Day, Instant};
use crate::error::Result;
use crate::ledger::Recorded;
use crate::projection::{Basis, View};
use std::collections::VecDeque;

/// The view a read asks for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ViewRequest {
    /// What the ledger held at this instant (None: now).
    pub as_of: Option<Instant>,
    /// What it held when this round was sealed (by name).
    pub round: Option<String>,
    /// The values in effect on this day (None: the latest).
    pub effective: Option<Day>,
}

impl ViewRequest {
    /// The view asked for: a round's name must name a sealed round.
    pub fn build(&self, ws: &Workspace) -> Result<View> {
        let basis = if let Some(name) = &self.round {
            Basis::Round(find::round(ws, name)?)
        } else if let Some(i) = &self.as_of {
            Basis::AsOf(i.clone())
        } else {
            Basis::Current
        };
        ws.view(basis, self.effective)
    }
}

/// When the ledger's first event was recorded (None: no events): what an
/// empty `--as-of` view tells, so that the reader sees how early they asked.
pub fn first_recorded(ws: &Workspace) -> Result<Option<crate::domain::Timestamp>> {
    Ok(ws.ledger().get(0)?.map(|r| r.envelope.recorded_at))
}

/// The events `view` holds, oldest first: all of them, or those of one item
/// (named by key or id prefix), the last `limit` when a limit is given. With
/// an effective day, only the events in effect on it (events without an
/// effective date are kept).
pub fn events(
    ws: &Workspace,
    view: &View,
    item: Option<&str>,
    limit: Option<usize>,
) -> Result<Vec<Recorded>> {
    let last = view.last_seq();
    let keep = |e: &Recorded| {
        last.is_some_and(|l| e.envelope.seq <= l)
            && view
                .effective
                .is_none_or(|d| e.envelope.body.effective().is_none_or(|x| x <= d))
    };
    let max = limit.unwrap_or(usize::MAX);
    let mut events: VecDeque<Recorded> = VecDeque::new();
    let mut push = |e: Recorded| {
        if keep(&e) {
            if events.len() == max {
                events.pop_front();
            }
            if max > 0 {
                events.push_back(e);
            }
        }
    };
    match item {
        Some(k) => {
            let id = find::item_in_view(ws, view, k)?.id;
            for e in ws.ledger().item_history(id)? {
                push(e);
            }
        }
        None => {
            // The last N events of the view are the N before its end, unless
            // an effective day leaves some out: then the whole view is read
            // (and only N kept).
            let start = match (view.effective, last) {
                (None, Some(l)) if limit.is_some() => {
                    let from = (l + 1).saturating_sub(u64::try_from(max).unwrap_or(u64::MAX));
                    match from.checked_sub(1) {
                        Some(before) => ws.ledger().get(before)?.map(|r| (before, r.hash)),
                        None => None,
                    }
                }
                _ => None,
            };
            for e in ws.ledger().events_after(start) {
                let e = e?;
                if last.is_none_or(|l| e.envelope.seq > l) {
                    break;
                }
                push(e);
            }
        }
    }
    Ok(events.into())
}

/// Hands each event `view` holds to `visit`, oldest first (those
/// [`events`] gives without an item or a limit), without holding them: the
/// whole log of a large ledger is far more than should be in memory.
/// `visit` returning false stops the reading.
pub fn each_event(
    ws: &Workspace,
    view: &View,
    visit: &mut dyn FnMut(&Recorded) -> bool,
) -> Result<()> {
    let Some(last) = view.last_seq() else {
        return Ok(());
    };
    for e in ws.ledger().events() {
        let e = e?;
        if e.envelope.seq > last {
            break;
        }
        let in_effect = view
            .effective
            .is_none_or(|d| e.envelope.body.effective().is_none_or(|x| x <= d));
        if in_effect && !visit(&e) {
            break;
        }
    }
    Ok(())
}
